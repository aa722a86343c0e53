"""The one way events reach the Store: drain the thread-safe queue in batches, apply each batch, hand
it to the journal. The app's pump and the headless loop both take their batches here."""

from __future__ import annotations

import queue
from typing import Any, Protocol

from blotter.domain.rows import Changes
from blotter.domain.store import Store

BATCH = 20_000  # at most this many events a drain: a frame stays short even under a flood
NOTHING = Changes()


def drain(source: "queue.SimpleQueue[Any]", limit: int = BATCH) -> list[Any]:
    """Take what is waiting (up to `limit`) without blocking."""
    batch: list[Any] = []
    get = source.get_nowait
    try:
        while len(batch) < limit:
            batch.append(get())
    except queue.Empty:
        pass
    return batch


class Recorder(Protocol):
    """What keeps the batches (the journal): each batch as applied, with the user action of each request."""

    def record(self, batch: list[Any], causes: dict[tuple[str, int], str] | None = None) -> None: ...


class Feed:
    """Drain -> store -> journal -> changes. `store` None (a day read from the journal) drops the batch."""

    def __init__(self, events: "queue.SimpleQueue[Any]", store: Store | None, journal: Recorder | None = None,
                 causes: dict[tuple[str, int], str] | None = None) -> None:
        self.events, self.store, self.journal = events, store, journal
        self.causes = causes if causes is not None else {}

    def take(self, first: list[Any] | None = None) -> tuple[list[Any], Changes]:
        """What is waiting (after `first`, taken already), applied and journaled; and what it changed."""
        batch = (first or []) + drain(self.events)
        return batch, self.apply(batch)

    def apply(self, batch: list[Any]) -> Changes:
        """A batch drained already (the app settles its heap in between), applied and journaled."""
        if not batch or self.store is None:
            return NOTHING
        changes = self.store.apply(batch)
        if self.journal is not None:
            self.journal.record(batch, self.causes)
        return changes

    def wait(self, timeout: float) -> tuple[list[Any], Changes]:
        """`take`, after waiting up to `timeout` seconds for the first event (the headless loop's way)."""
        try:
            first = self.events.get(timeout=timeout)
        except queue.Empty:
            return [], NOTHING
        return self.take([first])
