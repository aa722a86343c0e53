"""Short garbage collections while a day of fills piles up: what survived a full collection is frozen.

CPython's full (generation 2) collection walks every object that can hold references, and it runs
each time the heap has grown by a quarter. A blotter's heap is mostly the day's rows, which live until
it quits: with 12,000 fills a full collection stopped the screen for 136 ms, and it grows with the day
(bench/latency.py). After each full collection everything still alive is moved to the permanent
generation (`gc.freeze()`), which no collection walks again, so the next one walks only what is newer.

The start is held the same way (`hold`, then `first_frame`): it makes ~70,000 objects that live as
long as the app and hardly any garbage (1,450 unreachable objects at the first frame of `blotter
--demo`), yet the collections that walked them were a twentieth of the start's work (44 M of ~1,610 M
instructions, bench/startup.py). So none runs until the first frame is out; then what is there is
frozen, and collections resume.

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
        self.held = False  # collections are off until the first frame

    def hold(self) -> None:
        """No garbage collection until `first_frame` (or `stop`)."""
        if gc.isenabled():
            gc.disable()
            self.held = True

    def first_frame(self) -> None:
        """The start is over: freeze what it made (as what survives a full collection) and let
        collections run again."""
        if self.held:
            self.due = True
            self.settle()
            self.stop_holding()

    def stop_holding(self) -> None:
        """Collections on again, if this freezer turned them off."""
        if self.held:
            self.held = False
            gc.enable()

    def start(self) -> None:
        if self._seen not in gc.callbacks:
            gc.callbacks.append(self._seen)

    def stop(self) -> None:
        if self._seen in gc.callbacks:
            gc.callbacks.remove(self._seen)
        self.stop_holding()  # the app never showed a frame: collections as before

    def _seen(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "stop" and info.get("generation") == 2:
            self.due = True

    def settle(self) -> None:
        """Call often (every frame): freezes what survived a full collection since the last call."""
        if self.due:
            self.due = False
            gc.freeze()
            self.freezes += 1
