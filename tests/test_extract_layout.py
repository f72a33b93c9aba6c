"""The extractor's layout holds: small modules, each saying what it finds, importing in one direction.

Layers, bottom up: the reading and the words (`lines`, `vocabulary`, `names`, `bylines`, `results`, `charset`),
the questions about a line (`clues`, then `credits`), the finders (one concern each), and the
orchestrator (`generic`) that hands each finder the results of the earlier ones. A finder never
imports another finder.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "newscrawl" / "extract"
FINDERS = {"pagemeta", "headline", "metaline", "published", "body", "people"}
MAX_LINES = 500


def _modules() -> dict[str, ast.Module]:
    return {path.stem: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(PACKAGE.glob("*.py"))}


def _extract_imports(tree: ast.Module) -> set[str]:
    """The newscrawl.extract modules a module imports (`from newscrawl.extract import x` and `.x` forms)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "newscrawl.extract":
                found |= {alias.name for alias in node.names}
            elif node.module.startswith("newscrawl.extract."):
                found.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            found |= {alias.name.split(".")[2] for alias in node.names if alias.name.startswith("newscrawl.extract.")}
    return found


GRAPH = {name: _extract_imports(tree) - {name} for name, tree in _modules().items() if name != "__init__"}


def test_the_finders_are_there():
    assert not FINDERS - set(GRAPH), f"missing finder modules: {FINDERS - set(GRAPH)}"


def test_no_import_cycle():
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            pytest.fail("import cycle: " + " -> ".join(path[path.index(name) :] + [name]))
        if name in done:
            return
        for imported in sorted(GRAPH.get(name, ())):
            visit(imported, path + [name])
        done.add(name)

    for module in GRAPH:
        visit(module, [])


@pytest.mark.parametrize("finder", sorted(FINDERS))
def test_finders_do_not_import_each_other(finder):
    assert not GRAPH[finder] & FINDERS, f"{finder} imports {sorted(GRAPH[finder] & FINDERS)}: hand results on in generic.py"
    assert "generic" not in GRAPH[finder]


@pytest.mark.parametrize("beneath", ["vocabulary", "lines", "names", "bylines", "results", "clues", "credits"])
def test_the_layer_beneath_imports_no_finder(beneath):
    assert not GRAPH[beneath] & (FINDERS | {"generic"}), f"{beneath} imports {sorted(GRAPH[beneath] & FINDERS)}"


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_each_module_is_short_and_says_what_it_finds(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES
    assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), f"{path.name} has no docstring"
