"""The project's layering rule, checked on the source.

``ir`` imports nothing of ours; ``frontend`` and ``runtime`` import ``ir``;
``compiler`` ties everything together.  Within a package, modules form
layers: each imports only from below, at module level, with no cycles.

Decisions:

* The graph is read from the files with :mod:`ast`, not from ``sys.modules``.
  For cycles only imports at module level count (class bodies and ``if``/``try``
  blocks included, function bodies not -- those run late and may, e.g., keep
  ``import compiler`` cheap); between packages every import counts, also one
  inside a function: a lazy import against the layering is still against it.
* Relative imports are resolved; ``from pkg import name`` is an import of the
  module ``pkg.name`` when that is a module, else of ``pkg``; an import of a
  package is an import of its ``__init__``.  The parent packages Python runs
  first are not edges: every module would then depend on its package's
  ``__init__``, which imports the package's modules.
* A cycle is reported per strongly connected component: one concrete cycle
  and every module of the component.
"""
from __future__ import annotations

import ast
import importlib
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ir", "frontend", "compiler", "runtime")
#: the packages each package must not import
FORBIDDEN = {
    "ir": {"frontend", "compiler", "runtime"},
    "frontend": {"compiler", "runtime"},
    "runtime": {"frontend", "compiler"},
    "compiler": set(),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


#: every module of the four packages (a package is its ``__init__``), to its file
MODULES: dict[str, Path] = {
    _module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
}


def _module_level_imports(tree: ast.AST):
    """The ``Import``/``ImportFrom`` nodes outside function bodies."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield from _module_level_imports(node)


def _all_imports(tree: ast.AST):
    """Every ``Import``/``ImportFrom`` node, function bodies included."""
    return (node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom)))


def _known(name: str) -> str | None:
    """The innermost module of ours that importing ``name`` runs, if any."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imported(module: str, node: ast.Import | ast.ImportFrom) -> set[str]:
    """Our modules that the import statement ``node`` in ``module`` imports."""
    if isinstance(node, ast.Import):
        names = {alias.name for alias in node.names}
    else:
        base = node.module or ""
        if node.level:
            package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{node.module}" if node.module else package
        names = {f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names}
    return {known for known in map(_known, names) if known is not None}


def _import_graph(imports) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(MODULES)
    for module, path in MODULES.items():
        for node in imports(ast.parse(path.read_text(), str(path))):
            graph.add_edges_from((module, target) for target in _imported(module, node) if target != module)
    return graph


#: module-level imports (for cycles), and every import (for the rule between packages)
GRAPH, ALL_IMPORTS = _import_graph(_module_level_imports), _import_graph(_all_imports)


def _package(module: str) -> str:
    return module.partition(".")[0]


def _cycles(package: str) -> list[str]:
    """Each import cycle among ``package``'s modules, described."""
    sub = GRAPH.subgraph(m for m in MODULES if _package(m) == package)
    found = []
    for component in nx.strongly_connected_components(sub):
        if len(component) > 1:
            cycle = [a for a, _ in nx.find_cycle(sub.subgraph(component), source=min(component))]
            found.append(" -> ".join(cycle + cycle[:1]) + f"  (component: {', '.join(sorted(component))})")
    return sorted(found)


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycle(package):
    cycles = _cycles(package)
    assert not cycles, f"import cycles in {package}/:\n" + "\n".join(cycles)


def test_no_upward_import_between_packages():
    upward = sorted(f"{a} imports {b}" for a, b in ALL_IMPORTS.edges if _package(b) in FORBIDDEN[_package(a)])
    assert not upward, "imports against the layering of packages:\n" + "\n".join(upward)


def test_the_graph_sees_imports():
    """Guards the walk itself: each kind of import statement is an edge."""
    assert GRAPH.has_edge("ir.core", "ir.types")                      # from .types import Type
    assert GRAPH.has_edge("ir.ops.arith", "ir.core")                  # from ..core import ...
    assert GRAPH.has_edge("ir", "ir.ops")                             # from .ops import OP_REGISTRY
    assert GRAPH.has_edge("compiler.passes", "compiler.passes.bce")   # from . import bce, ...
    assert GRAPH.has_edge("compiler.passes.analysis", "ir.ops")       # from ir.ops import ...
    assert GRAPH.has_edge("compiler.passes.manager", "ir")            # import ir
    source = "import ir\nif ir:\n    import runtime\ndef f():\n    import compiler\n"
    assert [ast.unparse(node) for node in _module_level_imports(ast.parse(source))] == ["import ir", "import runtime"]
    assert len(list(_all_imports(ast.parse(source)))) == 3


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_imports(module):
    importlib.import_module(module)
