"""Paths written in test files stay inside the project root (issue 17, security).

A project folder (marked by `.git`) holds the primary-care example; next to it, outside
the project, lies a folder of files that would print a secret line if ERSL read them
(malformed JSON and CSV quote their offending line). Each `use`, `given "…"`,
`expect "…"` and CSV `param` is then written as an absolute path, as a `..` escape and
as a symbolic link out of the project: `ersl test` and the pytest plugin both refuse it
with a diagnostic naming the path (E0206 for `use`, E1003 for the others), and the
secret never appears.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO

from ersl.cli import main

pytest_plugins = ["pytester"]

EXAMPLE = REPO / "examples" / "primary_care"
SECRET = "SECRET-LINE-OUTSIDE-THE-PROJECT"
QUIET = ("-p", "no:hypothesispytest", "-p", "no:cacheprovider")

TEST = """use "{use}"

test "the year" {{
  period 2022
  param  visit_fee = "{fees}"
  given  "{data}"
  expect "{expected}"
}}
"""
INSIDE = {
    "use": "contract.ersl",
    "fees": "fees.csv",
    "data": "data.jsonl",
    "expected": "expected.json",
}
SECRET_FILES = {
    "contract.ersl": f"param {SECRET} ==\n",
    "fees.csv": f'key,value\n"{SECRET}\n',
    "data.jsonl": f"{{{SECRET}\n",
    "expected.json": f"{{{SECRET}\n",
}


def make_project(base: Path) -> tuple[Path, Path]:
    """`base/project` (with `.git`) holding the example, `base/outside` the secrets."""
    project = base / "project"
    project.mkdir()
    (project / ".git").mkdir()
    for name in INSIDE.values():
        shutil.copy(EXAMPLE / name, project / name)
    outside = base / "outside"
    outside.mkdir()
    for name, text in SECRET_FILES.items():
        (outside / name).write_text(text, encoding="utf-8")
    return project, outside


def written(project: Path, outside: Path, field: str, how: str) -> str:
    """The path written for `field`: absolute, a `..` escape or a link out."""
    name = INSIDE[field]
    if how == "absolute":
        return str(outside / name)
    if how == "dotdot":
        return f"../outside/{name}"
    link = project / f"link-{name}"
    link.symlink_to(outside / name)
    return link.name


CASES = [(field, how) for field in INSIDE for how in ("absolute", "dotdot", "link")]


def test_the_inside_project_passes(tmp_path, capsys):
    project, _ = make_project(tmp_path)
    (project / "year_test.ersl").write_text(TEST.format(**INSIDE), encoding="utf-8")
    assert main(["test", str(project)]) == 0, capsys.readouterr().out


@pytest.mark.parametrize(("field", "how"), CASES, ids=[f"{f}-{h}" for f, h in CASES])
def test_ersl_test_refuses_a_path_out_of_the_project(tmp_path, capsys, field, how):
    project, outside = make_project(tmp_path)
    path = written(project, outside, field, how)
    (project / "year_test.ersl").write_text(
        TEST.format(**{**INSIDE, field: path}), encoding="utf-8"
    )
    code = main(["test", str(project)])
    out, err = capsys.readouterr()
    shown = path if field != "use" or path.endswith(".ersl") else path + ".ersl"
    if field == "use":  # the file does not load: exit 2 and E0206
        assert code == 2
        assert "error[E0206]" in out + err
    else:  # the test fails with E1003
        assert code == 1
        assert "error[E1003]" in out + err
    if how == "absolute":
        assert f"`{shown}` is an absolute path" in out + err
    else:
        assert f"`{shown}` leads outside the project root {project.resolve()}" in out + err
    assert SECRET not in out + err


def test_root_names_the_project_root(tmp_path, capsys):
    # with --root at the folder above, `../outside/…` is inside: the secret file is read
    # (and its malformed line quoted, as for any data file inside the root)
    project, outside = make_project(tmp_path)
    (project / "year_test.ersl").write_text(
        TEST.format(**{**INSIDE, "data": "../outside/data.jsonl"}), encoding="utf-8"
    )
    assert main(["test", str(project), "--root", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "E1003" not in out and "error[E0801]" in out and SECRET in out


def test_without_a_marker_the_folder_given_to_ersl_test_is_the_root(tmp_path, capsys):
    project, outside = make_project(tmp_path)
    shutil.rmtree(project / ".git")
    sub = project / "tests"
    sub.mkdir()
    text = TEST.format(
        use="../contract.ersl",
        fees="../fees.csv",
        data="../data.jsonl",
        expected="../expected.json",
    )
    (sub / "year_test.ersl").write_text(text, encoding="utf-8")
    assert main(["test", str(project)]) == 0, capsys.readouterr().out
    # given only the sub-folder, `..` leads out of it
    assert main(["test", str(sub)]) == 2
    assert "error[E0206]" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("field", "how"),
    [("use", "dotdot"), ("data", "absolute"), ("fees", "link"), ("expected", "dotdot")],
)
def test_the_pytest_plugin_refuses_a_path_out_of_the_project(pytester, field, how):
    project, outside = make_project(pytester.path)
    path = written(project, outside, field, how)
    (project / "year_test.ersl").write_text(
        TEST.format(**{**INSIDE, field: path}), encoding="utf-8"
    )
    result = pytester.runpytest(str(project), *QUIET)
    text = result.stdout.str()
    assert ("E0206" if field == "use" else "E1003") in text
    assert SECRET not in text
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) == 0
    assert outcomes.get("failed", 0) + outcomes.get("errors", 0) + outcomes.get("error", 0) == 1
