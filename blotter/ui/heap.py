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

And what the day adds is collected in a quiet moment (`quiet`, called every frame): after QUIET
seconds with no key and nothing from TWS (`stir`), if young collections have moved objects to the
oldest generation since the last freeze, a full collection runs there and then and what survives it
is frozen. A burst (the day's journal at start, a flood of fills, the fills' filter texts made
between frames) is then walked once while nobody types, not by a full collection that falls on a
keystroke: with 100,000 fills loaded, such one walked about 90,000 new objects in 17-32 ms.

The price: a reference cycle among frozen objects that dies later is never collected while frozen
(objects freed by reference counting, nearly all of them, are freed as usual). The day's rows have no
cycles, but Textual's screens and caches do: each ticket or help dialog opened and closed left about
1,100 objects (130 KB) that no collection could reach (measured headless, 30 of each). So after
THAW_QUIET seconds of quiet, at most once in THAW_EVERY, everything is thawed, collected and frozen
again (`gc.unfreeze`): one walk of the whole heap, 200-250 ms with 100,000 fills held (780,000
objects), while nobody is at the keyboard.
"""

from __future__ import annotations

import gc
import time
from typing import Any, Callable

QUIET = 1.0  # seconds with no key and nothing from TWS before a quiet collection
THAW_QUIET, THAW_EVERY = 10.0, 600.0  # seconds of quiet before a thaw; seconds at least between two


class HeapFreezer:
    """Freezes the heap at the first chance after each full collection (never inside the collector),
    collects in quiet moments, and now and then thaws it to reclaim cycles that died frozen."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.due = False
        self.freezes = 0
        self.held = False  # collections are off until the first frame
        self.promoted = 0  # young collections that moved objects on to the oldest generation since the last freeze
        self.quiet_collections = 0
        self.thaws = 0
        self._clock = clock
        self._stirred = self._thawed = clock()
        self._frozen_at_thaw = 0  # `freezes` at the last thaw: none since, nothing to reclaim

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
        if phase == "stop":
            if info.get("generation") == 2:
                self.due = True
            elif info.get("generation") == 1:
                self.promoted += 1

    def stir(self) -> None:
        """Something happened (a key, events from TWS): no quiet collection for QUIET seconds."""
        self._stirred = self._clock()

    def quiet(self) -> None:
        """Call often (every frame): after QUIET seconds with no stir, collect what young collections
        have moved to the oldest generation since the last freeze, and freeze what survives; after
        THAW_QUIET, at most once in THAW_EVERY, do it to the whole heap."""
        if self.held or not gc.isenabled():
            return
        now = self._clock()
        if now - self._stirred >= THAW_QUIET and now - self._thawed >= THAW_EVERY \
                and self.freezes > self._frozen_at_thaw:
            gc.unfreeze()
            self._collect()
            self._thawed, self._frozen_at_thaw = now, self.freezes
            self.thaws += 1
        elif self.promoted and now - self._stirred >= QUIET:
            self._collect()
            self.quiet_collections += 1

    def _collect(self) -> None:
        gc.collect()
        self.due = True  # as the callback says, when start() has put it in place
        self.settle()

    def settle(self) -> None:
        """Call often (every frame): freezes what survived a full collection since the last call."""
        if self.due:
            self.due = False
            gc.freeze()
            self.freezes += 1
            self.promoted = 0
