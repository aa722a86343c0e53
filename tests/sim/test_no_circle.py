"""The simulator's modules import one another without a circle (issue 24.4): every import counts, also
one inside a function or under `if TYPE_CHECKING:`, so a session or a scenario cannot reach back into
the server that imports it."""

from __future__ import annotations

import ast
from pathlib import Path

SIM = Path(__file__).resolve().parents[2] / "blotter" / "sim"
PACKAGE = "blotter.sim"


def sim_imports(path: Path) -> set[str]:
    """The blotter.sim modules `path` imports anywhere in it (the package itself as "blotter.sim")."""
    modules = {p.stem for p in SIM.glob("*.py")}
    found: set[str] = set()

    def add(name: str) -> None:
        if name == PACKAGE or name.startswith(PACKAGE + "."):
            found.add(name)

    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = PACKAGE if node.level else (node.module or "")
            if node.level and node.module:
                base = f"{PACKAGE}.{node.module}"
            add(base)
            if base == PACKAGE:  # `from blotter.sim import session`: a module, not a name of the package
                for alias in node.names:
                    if alias.name in modules:
                        add(f"{PACKAGE}.{alias.name}")
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            add(str(node.args[0].value))
    return found


def import_graph() -> dict[str, set[str]]:
    graph = {}
    for path in sorted(SIM.glob("*.py")):
        name = PACKAGE if path.stem == "__init__" else f"{PACKAGE}.{path.stem}"
        graph[name] = sim_imports(path) - {name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as the modules along it (the first repeated at the end), or None."""
    state: dict[str, str] = {}  # "open" while on the path, "done" once every module below it is
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_simulators_modules_import_each_other_without_a_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_graph_holds_every_kind_of_import() -> None:
    graph = import_graph()
    assert "blotter.sim.session" in graph["blotter.sim.server"]  # from blotter.sim.session import Session
    assert "blotter.sim.requests" in graph["blotter.sim.server"]  # from blotter.sim import requests as rq
    assert {"blotter.sim.requests", "blotter.sim.requests_proto"} <= graph["blotter.sim.decode"]
    assert len(graph) > 30 and sum(map(len, graph.values())) > 80  # every module, a graph of some size


def test_the_cycle_finder_finds_a_cycle_through_a_function_or_type_checking_import(tmp_path: Path) -> None:
    source = ("from typing import TYPE_CHECKING\n"
              "if TYPE_CHECKING:\n    from blotter.sim.server import SimServer\n"
              "def later():\n    from blotter.sim import scenarios\n")
    (tmp_path / "probe.py").write_text(source)
    assert sim_imports(tmp_path / "probe.py") == {"blotter.sim.server", "blotter.sim", "blotter.sim.scenarios"}
    cycle = find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert cycle == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None
