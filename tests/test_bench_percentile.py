"""The bench scripts' percentile is the nearest rank: the p99 of 100 timings is the 99th, not the slowest."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("bench_common",
                                               Path(__file__).resolve().parents[1] / "bench" / "_common.py")
assert _spec is not None and _spec.loader is not None
_common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_common)
percentile = _common.percentile


def test_nearest_rank():
    hundred = [float(n) for n in range(100, 0, -1)]  # 1..100, unsorted
    assert percentile(hundred, 99) == 99.0
    assert percentile(hundred, 50) == 50.0
    assert percentile(hundred, 100) == 100.0 and percentile(hundred, 0) == 1.0
    assert percentile([float(n) for n in range(1, 56)], 99) == 55.0, "of 55, the p99 is the slowest"
    assert percentile([float(n) for n in range(1, 201)], 99) == 198.0
    assert percentile([], 99) == 0.0
