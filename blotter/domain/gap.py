"""What the resync after a lost connection found: the fills that arrived and the orders that ended.

TWS keeps trading while the blotter is away (its daily restart, a dropped link), so after a reconnect
the trader gets one line saying what happened in the gap instead of having to spot it in the panes.
"""

from __future__ import annotations

import time
from typing import Sequence

from blotter.domain.keys import OrderKey
from blotter.domain.rows import FillRow
from blotter.domain.text import price, qty
from blotter.records import frozen

NAMED = 3  # fills or orders named in the line; the rest are counted


@frozen
class Gap:
    """The moment the connection was lost, and what was known then."""

    since: float
    fills: int  # fills known then: the ones after them arrived in the gap
    working: tuple[OrderKey, ...]  # orders working then


def summary(since: float, until: float, fills: Sequence[FillRow], ended: Sequence[str]) -> str:
    """`back after 2m 08s away (23:45:02-23:47:10): 1 fill arrived (...); 2 orders ended (...)`."""
    head = f"back after {duration(until - since)} away ({_clock(since)}-{_clock(until)}): "
    parts = []
    if fills:
        named = _named([f"{f.side} {qty(f.shares)} {f.contract.display} @ {price(f.price)}" for f in fills])
        parts.append(f"{_count(len(fills), 'fill')} arrived ({named})")
    if ended:
        parts.append(f"{_count(len(ended), 'order')} ended ({_named(ended)})")
    return head + ("; ".join(parts) if parts else "no fill arrived and no order ended meanwhile")


def duration(seconds: float) -> str:
    """`45s`, `2m 08s`, `1h 05m`."""
    seconds = max(int(seconds), 0)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _named(items: Sequence[str]) -> str:
    shown = ", ".join(items[:NAMED])
    return shown if len(items) <= NAMED else f"{shown} and {len(items) - NAMED} more"


def _clock(stamp: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(stamp))
