"""Loading a contract: parse the file and everything it `use`s, once each.

Imports are explicit and acyclic: `use "codes.ersl"` is relative to the
importing file, `use stdlib "schema/sweden"` is relative to the standard
library folder; `.ersl` may be left out. A cycle is an error naming it. A `use`
never leaves the project root (docs/reliability.md), nor `use stdlib` the library.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import attrs

from ersl import ast
from ersl.diagnostics import Diagnostic, Note, SourceCache
from ersl.encoding import not_utf8
from ersl.errors import ErslError
from ersl.paths import OutsideRoot, confine, project_root
from ersl.resources import stdlib_root
from ersl.span import Span
from ersl.syntax import parse


@attrs.define
class Loaded:
    """A root module and every module it imports, in dependency order (imports first)."""

    root: ast.Module
    modules: list[ast.Module]
    sources: SourceCache
    stdlib_paths: set[str] = attrs.field(factory=set)
    """Display paths of modules that came from the standard library."""


def display_path(path: Path) -> str:
    """A path as shown in diagnostics: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # different drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def resolve_use(use: ast.Use, importer: Path) -> Path:
    """The file a `use` in the file `importer` names (absolute; it may not exist)."""
    name = use.path if use.path.endswith(".ersl") else use.path + ".ersl"
    base = stdlib_root() if use.stdlib else importer.parent
    return (base / name).resolve()


class _Loader:
    def __init__(self, root: Path, overlay: Mapping[Path, str] | None = None) -> None:
        self.root = root
        self.overlay = dict(overlay or {})
        self.sources = SourceCache()
        self.modules: dict[Path, ast.Module] = {}
        self.order: list[ast.Module] = []
        self.errors: list[Diagnostic] = []
        self.stdlib: set[str] = set()
        self._stdlib_root = stdlib_root().resolve()

    def read(self, path: Path, shown: str, text: str | None, origin: Span | None) -> ast.Module:
        if text is None:
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                diagnostic = not_utf8(shown, path.read_bytes(), origin)
                if origin:
                    diagnostic = attrs.evolve(diagnostic, code="E0200")
                raise ErslError(diagnostic, self.sources) from None
            except (OSError, ValueError) as error:  # ValueError: a NUL in the name
                if isinstance(error, FileNotFoundError):
                    reason = "does not exist"
                elif isinstance(error, OSError):
                    reason = f"cannot be read ({error.strerror})"
                else:
                    reason = "cannot be read (the name holds a NUL character)"
                span = origin or Span(shown, 0, 0, 0, 0)
                code = "E0200" if origin else "E0001"
                raise ErslError(
                    Diagnostic(code, f"{shown} {reason}", span, help=_import_help(origin, shown)),
                    self.sources,
                ) from None
        self.sources.add(shown, text)
        try:
            return _parse_cached(text, shown)
        except ErslError as error:
            raise ErslError(error.diagnostics, self.sources) from None

    def load(
        self,
        path: Path,
        text: str | None,
        stack: list[tuple[Path, Span | None]],
        origin: Span | None,
    ) -> ast.Module:
        try:
            path = path.resolve()
        except (OSError, ValueError, RuntimeError):  # a NUL in the name, a loop of links
            path = path.absolute()
        if path in self.modules:
            return self.modules[path]
        shown = display_path(path)
        if self._is_stdlib(path):
            self.stdlib.add(shown)
        if text is None:
            text = self.overlay.get(path)
        module = self.read(path, shown, text, origin)
        stack = stack + [(path, origin)]
        for decl in module.decls:
            if not isinstance(decl, ast.Use):
                continue
            outside = self._outside(decl, path)
            if outside is not None:
                self.errors.append(outside)
                continue
            target = resolve_use(decl, path)
            on_stack = [p for p, _ in stack]
            if target in on_stack:
                cycle = on_stack[on_stack.index(target) :] + [target]
                names = " → ".join(display_path(p) for p in cycle)
                self.errors.append(
                    Diagnostic(
                        "E0201",
                        f"import cycle: {names}",
                        decl.span,
                        help="move the shared declarations into a file both can use",
                    )
                )
                continue
            if not target.exists() and target not in self.overlay and decl.stdlib:
                available = sorted(
                    str(p.relative_to(self._stdlib_root).with_suffix("")).replace(os.sep, "/")
                    for p in self._stdlib_root.rglob("*.ersl")
                    if not p.name.endswith("_test.ersl")
                )
                from ersl.diagnostics import did_you_mean

                hint = did_you_mean(decl.path, available)
                self.errors.append(
                    Diagnostic(
                        "E0200",
                        f'there is no standard library file "{decl.path}"',
                        decl.span,
                        help=hint or "available: " + ", ".join(available),
                    )
                )
                continue
            self.load(target, None, stack, decl.span)
        self.modules[path] = module
        self.order.append(module)
        return module

    def _outside(self, decl: ast.Use, importer: Path) -> Diagnostic | None:
        """E0206 when a `use` is absolute or leads outside the project root (the standard
        library's folder for `use stdlib` and for the library's own files); before any
        file is read."""
        name = decl.path if decl.path.endswith(".ersl") else decl.path + ".ersl"
        inside_stdlib = decl.stdlib or self._is_stdlib(importer)
        base = self._stdlib_root if decl.stdlib else importer.parent
        root = self._stdlib_root if inside_stdlib else self.root
        try:
            confine(name, base, root)
        except OutsideRoot as error:
            return Diagnostic(
                "E0206",
                str(error),
                decl.span,
                help='the standard library is `use stdlib "…"`; other files are used '
                "by a path relative to the importing file, inside the project (the "
                "nearest folder with pyproject.toml or .git, or --root)",
            )
        return None

    def _is_stdlib(self, path: Path) -> bool:
        try:
            path.relative_to(self._stdlib_root)
            return True
        except ValueError:
            return False


@lru_cache(maxsize=256)
def _parse_cached(text: str, shown: str) -> ast.Module:
    """Parse once per (text, path) in a process: ASTs are immutable, so sharing is safe."""
    return parse(text, shown)


def _import_help(origin: Span | None, shown: str) -> str | None:
    if origin is None:
        return None
    return "paths in `use` are relative to the importing file; check the spelling"


def load(
    path: str | os.PathLike,
    text: str | None = None,
    overlay: Mapping[Path, str] | None = None,
    root: str | os.PathLike | None = None,
) -> Loaded:
    """Parse `path` (or `text` given for it) and all its imports; raise `ErslError` on errors.

    A `use` stays inside `root` (default: `ersl.paths.project_root(path)`): an absolute
    path or one leading outside is E0206, before anything is read.

    `overlay` gives texts to use instead of the files on disk, keyed by resolved path: an
    editor's unsaved buffers (the language server passes every open document).
    """
    base = Path(root) if root is not None else project_root(path)
    loader = _Loader(base.resolve(), overlay)
    root_module = loader.load(Path(path), text, [], None)
    if loader.errors:
        raise ErslError(loader.errors, loader.sources)
    return Loaded(root_module, loader.order, loader.sources, loader.stdlib)


__all__ = ["Loaded", "load", "display_path", "resolve_use", "Note"]
