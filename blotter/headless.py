"""The blotter without a screen: every change the Store reports, printed as one line (logs, pipes, SSH)."""

from __future__ import annotations

import queue
import threading
from typing import Any, TextIO

from blotter.domain.feed import drain
from blotter.domain.rows import Changes
from blotter.domain.store import Store
from blotter.domain.text import fill_line, message_line, order_line


def describe(store: Store, changes: Changes) -> list[str]:
    """The lines a batch's changes read as, in a stable order: connection, orders, fills, messages."""
    lines: list[str] = []
    if changes.connection_changed:
        info = store.connection
        retry = f" (retry in {info.retry_at - info.since:.0f}s)" if info.retry_at > info.since else ""
        state = info.state.value if info.state is not None else "offline"
        lines.append(f"CONN {state} {info.detail}{retry}".rstrip())
    for key in (*changes.orders_added, *changes.orders_updated):
        row = store.order(key)
        if row is not None:
            lines.append(f"ORDER {order_line(row)}")
    for base_id in (*changes.fills_added, *changes.fills_updated):
        fill = store.fill(base_id)
        if fill is not None:
            lines.append(f"FILL {fill_line(fill)}")
    lines += [f"MSG {message_line(m)}" for m in changes.messages]
    return lines


def run(events: "queue.SimpleQueue[Any]", store: Store, out: TextIO, stop: threading.Event) -> None:
    """Apply events as they arrive and print what changed, until `stop` is set."""
    while not stop.is_set():
        try:
            first = events.get(timeout=0.2)
        except queue.Empty:
            continue
        changes = store.apply([first, *drain(events)])
        for line in describe(store, changes):
            out.write(line + "\n")
        out.flush()
