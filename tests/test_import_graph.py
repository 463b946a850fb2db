"""The package's import graph has no cycles: none held apart by function-level imports.

Every ``import`` of a ``newscrawl`` module counts, at module level or inside a function
(a function-level import only moves a cycle to the first call); those under
``if TYPE_CHECKING:`` do not (they never run). The graph is built from the source
(:mod:`ast`), so the test does not import the package.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "newscrawl"

def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _compiled(name: str) -> bool:
    """A module built from C or Cython (``extraction/_speedups.pyx``): no imports of ours."""
    path = PACKAGE.parent.joinpath(*name.split("."))
    return any(path.with_suffix(suffix).exists() for suffix in (".pyx", ".c"))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that can run: all but those under ``if TYPE_CHECKING:``."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def import_graph() -> dict[str, set[str]]:
    """Each ``newscrawl`` module and the ``newscrawl`` modules it imports."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                # ``from package import module`` imports the module, else the names' module
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules
                           or _compiled(f"{base}.{alias.name}") else base
                           for alias in node.names]
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> set[tuple[str, ...]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[tuple[str, ...]] = set()

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.add(tuple(sorted(component)))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_the_graph_sees_function_level_and_relative_imports():
    graph = import_graph()
    assert "newscrawl.api" in graph["newscrawl"]  # a function-level import
    assert "newscrawl.extraction.core" in graph["newscrawl.extraction"]  # ``from .core``
    # ``from . import _speedups`` (Cython) is no import of the package itself
    assert "newscrawl.extraction" not in graph["newscrawl.extraction._compiled"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == {("a", "b", "c")}


def test_the_package_has_no_import_cycle():
    """Not even one held apart by function-level imports (the output layer's, once:
    ``distributed.store`` → ``output.emitted`` → ``output.feedstorage`` → back)."""
    assert cycles(import_graph()) == set()


def test_the_pure_layers_import_no_scrapy():
    """Extraction, cleaning and discovery's helpers (every module of the three packages)
    import neither Scrapy nor Twisted: they run offline, on HTML and a URL alone."""
    pure = sorted(name for name in _modules()
                  if name.split(".")[1:2] in (["extraction"], ["cleaning"], ["discovery"]))
    assert "newscrawl.extraction.core" in pure and "newscrawl.discovery.feeds" in pure
    code = (f"import importlib, sys\nfor name in {pure!r}:\n    importlib.import_module(name)\n"
            "print(sorted(m for m in ('scrapy', 'twisted') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=PACKAGE.parent)
    assert result.stdout.strip() == "[]"
