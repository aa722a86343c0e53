"""The arrows of the layers in docs/architecture.md: each package imports only what its row allows."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "blotter"

# package -> the top-level modules it may import besides the standard library, itself and
# blotter.records (a standard-library-only helper below every layer: quick dataclasses)
ALLOWED = {
    "domain": set(),
    "sim": set(),
    "ib": {"blotter.domain", "ibapi"},
    "journal": {"blotter.domain"},
    "ui": {"blotter.domain", "blotter.config", "textual", "rich"},  # config: the settings it shows and obeys
}
BELOW_EVERY_LAYER = {"blotter.records"}
THIRD_PARTY = {"ibapi", "textual", "rich"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("package", sorted(p for p in ALLOWED if (ROOT / p).is_dir()))
def test_package_imports_only_what_its_layer_allows(package):
    allowed = ALLOWED[package] | BELOW_EVERY_LAYER | {f"blotter.{package}"}
    bad = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for name in imports_of(path):
            top = name.split(".")[0]
            inside = name.startswith("blotter.")
            if inside or top in THIRD_PARTY:
                if not any(name == a or name.startswith(a + ".") for a in allowed):
                    bad.append(f"{path.relative_to(ROOT.parent)} imports {name}")
    assert not bad, "\n".join(bad)


def test_what_is_below_every_layer_imports_only_the_standard_library():
    for name in BELOW_EVERY_LAYER:
        path = ROOT.parent / (name.replace(".", "/") + ".py")
        assert not {i for i in imports_of(path) if i.startswith("blotter") or i.split(".")[0] in THIRD_PARTY}


@pytest.mark.parametrize("module, forbidden", [
    ("blotter.domain.store", ("ibapi", "textual")),
    ("blotter.sim.server", ("ibapi", "textual", "blotter.domain", "blotter.ib")),
    ("blotter.ib.session", ("textual",)),
])
def test_importing_a_layer_loads_nothing_it_must_not(module, forbidden):
    code = (f"import sys, {module}; bad = [m for m in sys.modules if m.split('.')[0] in {forbidden!r} "
            f"or any(m.startswith(f + '.') or m == f for f in {forbidden!r})]; print(','.join(bad))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
