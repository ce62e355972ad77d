"""The apps import one way — ``portal`` ← ``consortia`` ← ``reviews``, ``annual_reports`` ← ``monitoring`` ←
``demo`` — and no two modules import each other, directly or in a ring (docs/architecture.md). The graph is read from
the source with ``ast``: every ``import`` counts, at the top of a module or inside a function."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("portal", "consortia", "reviews", "annual_reports", "monitoring", "api", "public", "demo")
LOWER = ("portal", "consortia")
HIGHER = ("reviews", "annual_reports", "monitoring", "api", "public", "demo")
# The apps on top: each reads the others and none of the others reads it.
TOP = ("monitoring", "api", "public", "demo")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def application_modules() -> dict[str, Path]:
    modules = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[module_name(path)] = path
    return modules


def imported_names(path: Path, name: str) -> set[str]:
    """Every module name an import in ``path`` reaches, relative imports resolved, ``from x import y`` counted as
    ``x.y`` (a submodule) or ``x`` (a name defined in x)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join([*base, node.module] if node.module else base)
            else:
                prefix = node.module
            found.add(prefix)
            found.update(f"{prefix}.{alias.name}" for alias in node.names)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = application_modules()
    graph = {}
    for name, path in modules.items():
        targets = set()
        for imported in imported_names(path, name):
            # ``import a.b.c`` also loads a and a.b; count the deepest module of ours it names.
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_imports_inside_functions_and_relative_imports():
    graph = import_graph()
    assert "consortia.models" in graph["consortia.services"]  # from .models import …
    assert "portal.models" in graph["consortia.services"]  # from portal.models import …
    assert "reviews.services" in graph["reviews.views"]


def test_the_cycle_finder_finds_a_ring():
    ring = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(ring) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_portal_and_consortia_never_import_reviews_or_annual_reports():
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        if module.startswith(LOWER)
        for target in targets
        if target.startswith(HIGHER)
    )
    assert wrong == []


@pytest.mark.parametrize("top", TOP)
def test_nothing_below_imports_an_app_on_top(top):
    """``monitoring`` reads every other app (the portfolio, the reports' figures), ``api`` and ``public`` serve what
    the pages show, ``demo`` makes data through all of them; nothing reads them but what stands above (``demo``)."""
    above = {"monitoring": ("api", "demo"), "api": ("demo",), "public": ("demo",), "demo": ()}[top]
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        if not module.startswith((top, *above))
        for target in targets
        if target.startswith(top)
    )
    assert wrong == []


def test_portal_never_imports_consortia():
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        if module.split(".")[0] == "portal"
        for target in targets
        if target.split(".")[0] != "portal"
    )
    assert wrong == []


def test_no_two_modules_import_each_other_directly_or_in_a_ring():
    assert cycles(import_graph()) == []
