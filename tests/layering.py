"""The import graph of the `ersl` package and the rules it must keep (docs/architecture.md).

`import_graph` reads every module's imports — at module level, inside functions and
under `if TYPE_CHECKING:` alike, since an import moved into a function to dodge a
circle is still a circle — and keeps those of modules inside the package.
`cycles` and `layer_violations` check a graph; they take any graph, so the tests can
show them failing on a synthetic one.
"""

from __future__ import annotations

import ast
from pathlib import Path

#: The layers, lowest first, and the modules or packages in each. A module may import
#: modules of its own layer (the cycle check keeps those acyclic) and of lower layers,
#: never of a higher one. Every module of `ersl` must be in exactly one layer.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "foundations",
        (
            "ersl.span",
            "ersl.diagnostics",
            "ersl.errors",
            "ersl.encoding",
            "ersl.exact",
            "ersl.dates",
            "ersl.resources",
            "ersl.gcpause",
            "ersl.version",
            "ersl.types",
            "ersl.ast",
            "ersl.nesting",
            "ersl.paths",
            "ersl.engines",
        ),
    ),
    ("syntax", ("ersl.syntax",)),
    ("loader", ("ersl.loader",)),
    ("data", ("ersl.data",)),
    ("checker", ("ersl.checker",)),
    ("statement", ("ersl.statement", "ersl.statement_xlsx", "ersl.paid")),
    ("columnar", ("ersl.columnar",)),
    ("interpreter", ("ersl.interpreter",)),
    ("api", ("ersl.stability", "ersl.api", "ersl.over_time")),
    ("tools", ("ersl.fmt", "ersl.highlight", "ersl.lint")),
    ("testing", ("ersl.testing",)),
    ("editors", ("ersl.lsp",)),
    ("tender", ("ersl.tender",)),
    ("commands", ("ersl.commands", "ersl.cli", "ersl.pytest_plugin", "ersl.__main__", "ersl")),
]


def module_name(path: Path, root: Path) -> str:
    """`ersl/data/read.py` → `ersl.data.read`; a package's `__init__.py` is the package."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """The dotted names an import statement refers to: modules, or `module.attribute`
    (the caller walks those up to the module that defines them)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        parts = module.split(".")
        if not is_package:
            parts = parts[:-1]
        parts = parts[: len(parts) - (node.level - 1)]
        base = ".".join(parts + ([node.module] if node.module else []))
    return [f"{base}.{alias.name}" for alias in node.names]


def import_graph(package_dir: Path) -> dict[str, set[str]]:
    """Every module of the package at `package_dir` → the package modules it imports."""
    root = package_dir.parent
    paths = {module_name(p, root): p for p in sorted(package_dir.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for module, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        is_package = path.name == "__init__.py"
        targets: set[str] = set()
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for name in _imported(node, module, is_package):
                # `from ersl.interpreter import bulk` imports the module ersl.interpreter.bulk;
                # `from ersl.api import Contract` imports ersl.api.
                while name and name not in paths and "." in name:
                    name = name.rsplit(".", 1)[0]
                if name in paths and name != module:
                    targets.add(name)
        graph[module] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles: strongly connected components of more than one module, each
    sorted, found without recursion (Tarjan's algorithm with an explicit stack)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def layer_of(module: str, layers: list[tuple[str, tuple[str, ...]]] = LAYERS) -> int | None:
    """The rank of the layer holding `module` (its longest matching entry), or None."""
    best: tuple[int, int] | None = None
    for rank, (_, members) in enumerate(layers):
        for member in members:
            if module == member or module.startswith(member + "."):
                if best is None or len(member) > best[1]:
                    best = (rank, len(member))
    return None if best is None else best[0]


def layer_violations(
    graph: dict[str, set[str]], layers: list[tuple[str, tuple[str, ...]]] = LAYERS
) -> list[str]:
    """Imports of a higher layer by a lower one, and modules in no layer, as sentences."""
    problems = []
    for module in sorted(graph):
        rank = layer_of(module, layers)
        if rank is None:
            problems.append(f"{module} is in no layer: add it to LAYERS and docs/architecture.md")
            continue
        for target in sorted(graph[module]):
            target_rank = layer_of(target, layers)
            if target_rank is not None and target_rank > rank:
                problems.append(
                    f"{module} ({layers[rank][0]}) imports {target} ({layers[target_rank][0]})"
                )
    return problems
