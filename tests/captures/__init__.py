"""The recorded real TWS frames in this folder (see its README.md), read by the conformance tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CAPTURES = Path(__file__).with_name("captures.jsonl")


def records() -> list[dict[str, Any]]:
    """Every recorded frame, in file order; a missing file raises, so a test needing it fails."""
    return [json.loads(line) for line in CAPTURES.read_text().splitlines() if line.strip()]
