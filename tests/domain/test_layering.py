"""The domain is pure Python: importing it must load neither ibapi nor textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_domain_loads_neither_ibapi_nor_textual():
    code = ("import blotter.domain.store, sys; "
            "assert 'ibapi' not in sys.modules and 'textual' not in sys.modules, sorted(sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_domain_imports_only_the_standard_library_and_itself():
    code = ("import sys; before = set(sys.modules); import blotter.domain.store; "
            "new = {n.split('.')[0] for n in set(sys.modules) - before}; "
            "bad = sorted(n for n in new if n not in sys.stdlib_module_names and n != 'blotter'); assert not bad, bad")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
