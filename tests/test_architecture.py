"""The package keeps its layers (docs/architecture.md): no import circles, no lower layer
importing a higher one, every module in a layer, every module under ~600 lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from layering import LAYERS, cycles, import_graph, layer_violations

PACKAGE = Path(__file__).resolve().parent.parent / "ersl"
GRAPH = import_graph(PACKAGE)


def test_the_package_has_no_import_circles():
    assert cycles(GRAPH) == []


def test_no_lower_layer_imports_a_higher_one_and_every_module_has_a_layer():
    assert layer_violations(GRAPH) == []


def test_the_graph_sees_function_level_and_type_checking_imports(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from pkg.b import g\n    return g\n")
    (package / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n"
    )
    (package / "c.py").write_text("from . import a\nfrom .b import x\n")
    assert import_graph(package) == {
        "pkg": set(),
        "pkg.a": {"pkg.b"},
        "pkg.b": {"pkg.a"},
        "pkg.c": {"pkg.a", "pkg.b"},
    }


def test_a_synthetic_circle_is_found():
    graph = {"x.a": {"x.b"}, "x.b": {"x.c"}, "x.c": {"x.a"}, "x.d": {"x.a"}, "x.e": set()}
    assert cycles(graph) == [["x.a", "x.b", "x.c"]]
    assert cycles({"x.a": {"x.b"}, "x.b": set()}) == []


def test_a_circle_introduced_into_the_real_graph_is_found():
    # the circle issue 11 removed: the statement asking the interpreter to explain a line
    graph = {module: set(targets) for module, targets in GRAPH.items()}
    graph["ersl.statement"].add("ersl.interpreter.settle")
    assert cycles(graph) == [["ersl.interpreter.settle", "ersl.statement"]]


def test_a_lower_layer_importing_a_higher_one_is_reported():
    graph = {module: set(targets) for module, targets in GRAPH.items()}
    graph["ersl.data.read"].add("ersl.interpreter.run")
    assert layer_violations(graph) == [
        "ersl.data.read (data) imports ersl.interpreter.run (interpreter)"
    ]


def test_a_module_in_no_layer_is_reported():
    layers = [("low", ("p.a",)), ("high", ("p.b",))]
    assert layer_violations({"p.a": set(), "p.b": {"p.a"}, "p.z": set()}, layers) == [
        "p.z is in no layer: add it to LAYERS and docs/architecture.md"
    ]
    assert layer_violations({"p.a": {"p.b"}, "p.b": set()}, layers) == [
        "p.a (low) imports p.b (high)"
    ]


def test_the_architecture_page_names_every_layer():
    page = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    for _, members in LAYERS:
        for member in members:
            if member != "ersl":
                assert f"`{member.removeprefix('ersl.')}" in page, member


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_modules_stay_small(path):
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= 620, f"{path.relative_to(PACKAGE.parent)} has {lines} lines: split it"
