"""Short garbage collections while a day of fills piles up: what survived a full collection is frozen.

CPython's full (generation 2) collection walks every object that can hold references, and it runs
each time the heap has grown by a quarter. A blotter's heap is mostly the day's rows, which live until
it quits: with 12,000 fills a full collection stopped the screen for 136 ms, and it grows with the day
(bench/latency.py). After each full collection everything still alive is moved to the permanent
generation (`gc.freeze()`), which no collection walks again, so the next one walks only what is newer.

The price: a reference cycle among frozen objects that dies later is never collected (objects freed
by reference counting, nearly all of them, are freed as usual). The blotter's long-lived data has no
cycles; a dialog open during a full collection may stay in memory after it closes.
"""

from __future__ import annotations

import gc
from typing import Any


class HeapFreezer:
    """Freezes the heap at the first chance after each full collection (never inside the collector)."""

    def __init__(self) -> None:
        self.due = False
        self.freezes = 0

    def start(self) -> None:
        if self._seen not in gc.callbacks:
            gc.callbacks.append(self._seen)

    def stop(self) -> None:
        if self._seen in gc.callbacks:
            gc.callbacks.remove(self._seen)

    def _seen(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "stop" and info.get("generation") == 2:
            self.due = True

    def settle(self) -> None:
        """Call often (every frame): freezes what survived a full collection since the last call."""
        if self.due:
            self.due = False
            gc.freeze()
            self.freezes += 1
