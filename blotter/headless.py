"""The blotter without a screen: every change the Store reports, printed as one line (logs, pipes, SSH)."""

from __future__ import annotations

import threading
import time
from typing import Any, TextIO

from blotter.domain.events import ConnState
from blotter.domain.feed import Feed
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


def summary(store: Store, extra: str) -> str:
    return f"END fills {store.fill_count()} orders {len(store.orders())} messages {store.message_count()} · {extra}"


def run(feed: Feed, journal: Any, loaded: list[Any], notes: list[str], client_id: int, out: TextIO,
        stop: threading.Event) -> None:
    """Today's journal first (unconfirmed until TWS resyncs), then every batch the feed takes, printed;
    JOURNAL lines for the journal's news; an END line on the way out."""
    store = feed.store
    assert store is not None
    next_check = 0.0

    def say(lines: list[str]) -> None:
        for problem in journal.problems():
            lines.append(f"JOURNAL {problem.severity}: {problem.text}")
        if lines:
            out.write("\n".join(lines) + "\n")
            out.flush()

    lines = [f"JOURNAL warning: {note}" for note in notes]
    if loaded:
        lines += describe(store, store.load(loaded, client_id))
        lines.append(f"JOURNAL loaded {len(loaded)} records of today: unconfirmed until TWS resyncs")
    say(lines)
    while not stop.is_set():
        now = time.time()
        if now >= next_check and store.connection.state is ConnState.CONNECTED and store.connection.resynced:
            next_check = now + 1.0  # about once a second: the orders TWS leaves waiting
            say(describe(store, store.check_stuck(now)))
        say(describe(store, feed.wait(0.2)[1]))
    journal.close()
    say([summary(store, f"journal {journal.written} written" + (f", {journal.unsaved} NOT SAVED"
                                                                if journal.unsaved else ""))])
