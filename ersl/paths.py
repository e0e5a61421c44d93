"""Paths: safe file tests, writing the files a user names, and the project root.

- `is_dir` / `is_file` answer False for any path the system cannot even look at
  (a name too long, a loop of links), instead of raising.
- `write_output` writes a file named on the command line (`-o`, `--junit-xml`, `fmt`'s
  rewrite); any system error becomes a usage error (exit 2) naming the path.
- `project_root` and `confine` keep the paths written *inside* ERSL files (`use`,
  `given "…"`, `expect "…"`, a test's CSV `param`) within the project
  (docs/reliability.md): the root is the nearest folder above the file that holds
  `pyproject.toml` or `.git`, or the folder given with `--root`.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from ersl.errors import usage_error

#: What marks a project's root folder.
ROOT_MARKERS = ("pyproject.toml", ".git")


def is_dir(path: str | os.PathLike) -> bool:
    """Whether `path` is a folder; False when the system cannot look at it."""
    try:
        return os.path.isdir(path)
    except (OSError, ValueError):
        return False


def is_file(path: str | os.PathLike) -> bool:
    """Whether `path` is a file; False when the system cannot look at it."""
    try:
        return os.path.isfile(path)
    except (OSError, ValueError):
        return False


def write_output(path: str, data: str | bytes, newline: str | None = None) -> None:
    """Write `data` to the file `path` named by the user; a usage error names the path
    when the folder is missing, the path is a folder, the name is too long, ...."""
    try:
        if isinstance(data, bytes):
            with open(path, "wb") as fh:
                fh.write(data)
        else:
            with open(path, "w", encoding="utf-8", newline=newline) as fh:
                fh.write(data)
    except (OSError, ValueError) as error:
        raise usage_error("E0912", f"cannot write {path}: {_reason(path, error)}") from None


def emit(output: str | None, text: str) -> None:
    """Write a command's text output to the file `output` (as `write_output`), or to
    standard output when no file is named."""
    if output:
        write_output(output, text, newline="")
    else:
        sys.stdout.write(text)


def _reason(path: str, error: Exception) -> str:
    if isinstance(error, FileNotFoundError):
        folder = os.path.dirname(path) or "."
        return f"the folder {folder} does not exist"
    if isinstance(error, IsADirectoryError):
        return "it is a folder"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror[:1].lower() + error.strerror[1:]
    return str(error)


# ------------------------------------------------------------------ the project root
_given_root: contextvars.ContextVar[Path | None] = contextvars.ContextVar(
    "ersl_given_root", default=None
)
_fallback_root: contextvars.ContextVar[Path | None] = contextvars.ContextVar(
    "ersl_fallback_root", default=None
)


@contextlib.contextmanager
def project_root_set(
    root: str | os.PathLike | None = None, fallback: str | os.PathLike | None = None
) -> Iterator[None]:
    """Within the block, `project_root` is `root` (`--root DIR`) when given; `fallback`
    (the folder `ersl test` was given, pytest's rootdir) replaces the file's own folder
    when no folder above a file holds a marker. What is not given stays as it was."""
    tokens = []
    if root is not None:
        tokens.append((_given_root, _given_root.set(_resolved(Path(root)))))
    if fallback is not None:
        tokens.append((_fallback_root, _fallback_root.set(_resolved(Path(fallback)))))
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def project_root(file: str | os.PathLike) -> Path:
    """The project root of a file named on the command line (resolved): the folder given
    with `--root`, else the nearest folder at or above the file's folder holding
    `pyproject.toml` or `.git`, else the fallback set by `project_root_set`, else the
    file's own folder."""
    given = _given_root.get()
    if given is not None:
        return given
    folder = _resolved(Path(file)).parent
    for candidate in (folder, *folder.parents):
        if any(os.path.lexists(candidate / marker) for marker in ROOT_MARKERS):
            return candidate
    return _fallback_root.get() or folder


class OutsideRoot(ValueError):
    """A path written in an ERSL file that is absolute or leads outside the project root."""


def confine(written: str, base: Path, root: Path) -> Path:
    """The file that `written` (a path inside an ERSL file in the folder `base`) names,
    resolved with its symbolic links; `OutsideRoot` when it is absolute or leads outside
    `root`. Nothing is opened or read."""
    if os.path.isabs(written):
        raise OutsideRoot(
            f"`{written}` is an absolute path; a path in an ERSL file is relative to that "
            "file and stays inside the project"
        )
    try:
        target = (base / written).resolve()
    except (OSError, ValueError, RuntimeError):  # a NUL in the name, a loop of links
        raise OutsideRoot(f"`{written}` is not a path ERSL can follow") from None
    if not target.is_relative_to(root):
        raise OutsideRoot(f"`{written}` leads outside the project root {root}")
    return target


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, ValueError, RuntimeError):
        return path.absolute()


__all__ = [
    "ROOT_MARKERS",
    "OutsideRoot",
    "confine",
    "is_dir",
    "is_file",
    "project_root",
    "project_root_set",
    "write_output",
]
