"""Draining the thread-safe event queue in batches: the one way events reach the Store."""

from __future__ import annotations

import queue
from typing import Any

BATCH = 20_000  # at most this many events a drain: a frame stays short even under a flood


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
