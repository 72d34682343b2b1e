"""No import cycle between modules of different packages: a cycle ties two layers together whatever the
layers contract says (the composition root may import every package, so nothing below may import it)."""

import tomllib
from pathlib import Path

import grimp
import pytest

# Pure Python (no query in it): the same on every database, so it runs on SQLite only.
pytestmark = pytest.mark.same_on_every_database

ROOT = Path(__file__).resolve().parent.parent


def _packages() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["root_packages"]


def strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """Tarjan's algorithm without recursion: every set of modules that import each other, directly or not."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        work.append((module, iter(sorted(graph.find_modules_directly_imported_by(module)))))

    def close(module: str) -> None:
        if low[module] == index[module]:
            component = []
            while not component or component[-1] != module:
                component.append(stack.pop())
                on_stack.discard(component[-1])
            found.append(component)

    for root in sorted(graph.modules):
        if root in index:
            continue
        work: list = []
        visit(root)
        while work:
            module, targets = work[-1]
            target = next((t for t in targets if t not in index or t in on_stack), None)
            if target is None:
                work.pop()
                close(module)
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[module])
            elif target in index:
                low[module] = min(low[module], index[target])
            else:
                visit(target)
    return found


def test_the_search_finds_a_cycle():
    graph = grimp.ImportGraph()
    for importer, imported in [("a.x", "b.y"), ("b.y", "a.z"), ("a.z", "a.x"), ("a.z", "c.w")]:
        graph.add_import(importer=importer, imported=imported)
    assert sorted(map(sorted, strongly_connected(graph))) == [["a.x", "a.z", "b.y"], ["c.w"]]


def test_no_cycle_between_packages():
    graph = grimp.build_graph(*_packages(), cache_dir=None)
    crossing = [sorted(c) for c in strongly_connected(graph) if len({m.split(".")[0] for m in c}) > 1]
    assert not crossing, f"modules of different packages import each other: {crossing}"
