"""The journal writer: the day's events and the blotter's requests, written by a thread of its own.

`record(batch, causes)` is all the UI thread pays: one queue put. The writer thread takes every batch
waiting, encodes the events the journal keeps (codec.JOURNALED), drops exact repeats of an order's or a
commission's last recorded state, and writes them in one transaction. Executions are unique by execId
in the file, so a resync's replay of the day writes nothing new. A failure is reported through
`problems()` (the UI notifies, headless prints) and the events are kept and written when it can.
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, NamedTuple

from blotter.domain.events import (
    Accounts, AccountValue, Commission, CompletedOrder, Execution, OpenOrder, OrderBound, OrderSent, Position,
    Refused, StatusUpdate,
)
from blotter.journal import codec, db

log = logging.getLogger("blotter.journal")

Causes = Mapping[tuple[str, int], str]  # (request kind, order id) -> the user action that sent it
_DEDUPED = (OpenOrder, StatusUpdate, CompletedOrder, Commission, OrderBound, Position, AccountValue)
_INSERT = "INSERT OR IGNORE INTO events (day, at, kind, entity, data, cause) VALUES (?, ?, ?, ?, ?, ?)"
_RETRY = object()


class Problem(NamedTuple):
    """Something the user must be told about the journal: severity is "warning" or "error"."""

    severity: str
    text: str


def day_of(at: float) -> str:
    """The local date an event belongs to."""
    return time.strftime("%Y-%m-%d", time.localtime(at))


def entity_of(event: Any) -> str:
    """What a record is about: the order (perm id once known), the execution, the position or account figure."""
    if isinstance(event, (OpenOrder, StatusUpdate, CompletedOrder)):
        return f"p{event.perm_id}" if event.perm_id else f"{event.client_id}/{event.order_id}"
    if isinstance(event, (Execution, Commission)):
        return event.exec_id
    if isinstance(event, OrderBound):
        return f"p{event.perm_id}"
    if isinstance(event, Position):
        return f"{event.account}/{event.contract.con_id}"
    if isinstance(event, AccountValue):
        return f"{event.account}/{event.tag}"
    return ""


class Journal:
    """One account's journal, written off the caller's thread. The account may be learnt later (held
    until then): from the first Accounts event of a recorded batch, when none was given."""

    def __init__(self, directory: Path, account: str | None = None, *, clock: Callable[[], float] = time.time,
                 busy_timeout: float = 1.0, retry: float = 2.0) -> None:
        self.directory = directory
        self.account = account or None
        self.clock = clock
        self.busy_timeout, self.retry = busy_timeout, retry
        self.path: Path | None = None  # the file being written
        self.written = 0  # rows written so far
        self.transactions = 0  # writes (one transaction each, however many batches it took)
        self.unsaved = 0  # events waiting because writing failed
        self.side_file = False  # the main file was locked: writing to a side file
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._problems: queue.SimpleQueue[Problem] = queue.SimpleQueue()
        self._held: list[tuple[list[Any], Causes, float]] = []
        self._pending: list[tuple[str, float, str, str, str, str]] = []
        self._last: dict[tuple[str, str, str], str] = {}
        self._days: dict[int, str] = {}
        self._today = ""
        self._conn: sqlite3.Connection | None = None
        self._failing = False
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="blotter-journal", daemon=True)
        self._thread.start()

    # -- the caller's side (the UI thread) ----------------------------------------------------

    def record(self, batch: list[Any], causes: Causes | None = None) -> None:
        """Hand a batch the Store applied to the writer; `causes` names the user action of each request."""
        if not self._closed:
            self._queue.put((batch, causes or {}, self.clock()))

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything recorded so far was written; False if some of it could not be."""
        if self._closed:
            return self.unsaved == 0 and not self._held
        done = threading.Event()
        self._queue.put(done)
        return done.wait(timeout) and self.unsaved == 0

    def close(self, timeout: float = 10.0) -> None:
        """Write what is left and stop the writer."""
        if not self._closed:
            self._closed = True
            self._queue.put(None)
            self._thread.join(timeout)

    def problems(self) -> list[Problem]:
        """What went wrong (or was worked around) since the last call."""
        found = []
        while True:
            try:
                found.append(self._problems.get_nowait())
            except queue.Empty:
                return found

    @property
    def badge(self) -> str:
        """A few words for the status line when the journal is not simply working ("" when it is)."""
        if self.unsaved:
            return f"journal: NOT SAVED ({self.unsaved})"
        if self.account is None and self._held:
            return "journal: waiting for the account"
        if self.side_file and self.path is not None:
            return f"journal: {self.path.name}"
        return ""

    # -- the writer thread --------------------------------------------------------------------

    def _problem(self, severity: str, text: str) -> None:
        (log.error if severity == "error" else log.warning)("%s", text)
        self._problems.put(Problem(severity, text))

    def _run(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=self.retry if self._pending else None)
            except queue.Empty:
                first = _RETRY
            items = [first]
            while True:
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            closing, markers = False, []
            for item in items:
                if item is None:
                    closing = True
                elif isinstance(item, threading.Event):
                    markers.append(item)
                elif item is not _RETRY:
                    try:
                        self._take(*item)
                    except Exception as exc:  # a bug must not stop the journal, nor go unseen
                        log.exception("journal: a batch could not be recorded")
                        self._problem("error", f"journal: a batch of {len(item[0])} events could not be "
                                               f"recorded: {exc!r}")
            if self._pending:
                self._write()
            for marker in markers:
                marker.set()
            if closing:
                break
        if self._pending or self._held:
            lost = len(self._pending) + sum(len(b) for b, _, _ in self._held)
            self._problem("error", f"journal: {lost} events could not be written before the blotter stopped")
        if self._conn is not None:
            self._conn.close()

    def _take(self, batch: list[Any], causes: Causes, now: float) -> None:
        if self.account is None:
            accounts = next((e.accounts for e in batch if isinstance(e, Accounts) and e.accounts), None)
            if accounts is None:
                self._held.append((batch, causes, now))
                return
            self.account = accounts[0]
        if self._conn is None and not self._failing:
            self._open()  # before encoding: the day's last recorded states decide what is a repeat
        held, self._held = self._held, []
        for old in held:
            self._rows(*old)
        self._rows(batch, causes, now)

    def _day(self, at: float) -> str:
        minute = int(at // 60)  # local midnight falls on a whole minute in every time zone
        day = self._days.get(minute)
        if day is None:
            if len(self._days) > 1000:
                self._days.clear()
            day = self._days[minute] = day_of(at)
        return day

    def _rows(self, batch: Iterable[Any], causes: Causes, now: float) -> None:
        """Encode what the journal keeps; an order's state equal to its last recorded one is not kept again."""
        today = self._day(now)
        if today != self._today:  # a new day: yesterday's last states no longer decide anything
            self._today = today
            self._last = {key: data for key, data in self._last.items() if key[0] == today}
        specs, last, pending = codec.SPECS, self._last, self._pending
        for event in batch:
            spec = specs.get(type(event))
            if spec is None or (type(event) is OpenOrder and event.what_if):
                continue  # not journaled; a what-if preview is no order's state
            try:
                data = spec.encode(event)
            except (TypeError, ValueError) as exc:
                self._problem("error", f"journal: a {spec.kind} could not be written ({exc}): {event!r}"[:500])
                continue
            own = spec.time_of(event)
            at = own if spec.time_field else now
            day = self._day(at or now)
            entity = entity_of(event)
            if isinstance(event, _DEDUPED):
                key = (day, spec.kind, entity)
                if last.get(key) == data:
                    continue
                last[key] = data
            cause = causes.get((event.kind, event.order_id), "") if isinstance(event, (OrderSent, Refused)) else ""
            pending.append((day, at, spec.kind, entity, data, cause))

    def _open(self) -> bool:
        """Open the account's journal (or a side file, or a new one beside a corrupt one); False if none."""
        assert self.account is not None
        main = db.file_for(self.directory, self.account)
        try:
            self._use(db.open_writable(main, self.busy_timeout), main)
            return True
        except Exception as exc:
            if db.corrupt(exc):
                try:
                    aside = db.set_aside(main)
                    self._use(db.open_writable(main, self.busy_timeout), main)
                except Exception as again:
                    return self._cannot(main, again)
                self._problem("warning", f"journal {main} was not a readable database ({exc}): kept it as "
                                         f"{aside.name} and started a new journal")
                return True
            if db.locked(exc) or isinstance(exc, db.JournalError):
                why = "is locked by another program" if db.locked(exc) else f"cannot be written ({exc})"
                return self._side(main, why)
            return self._cannot(main, exc)

    def _side(self, main: Path, why: str) -> bool:
        assert self.account is not None
        for n in range(1, 100):
            path = db.file_for(self.directory, self.account, n)
            try:
                self._use(db.open_writable(path, min(self.busy_timeout, 0.2)), path)
            except Exception as exc:
                if db.locked(exc) or db.corrupt(exc) or isinstance(exc, db.JournalError):
                    continue
                return self._cannot(path, exc)
            self.side_file = True
            self._problem("warning", f"journal {main.name} {why}: writing to {path} instead "
                                     "(nothing written before is lost; both are read)")
            return True
        return self._cannot(main, RuntimeError("no side file could be opened"))

    def _cannot(self, path: Path, exc: BaseException) -> bool:
        if not self._failing:
            self._failing = True
            self._problem("error", f"journal: cannot open {path}: {exc}; keeping events in memory and retrying")
        return False

    def _use(self, conn: sqlite3.Connection, path: Path) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn, self.path = conn, path
        today = self._day(self.clock())
        for kind, entity, data in conn.execute(  # the last state of each order recorded today
                "SELECT kind, entity, data FROM events WHERE day = ? ORDER BY seq", (today,)):
            if entity and kind != "Execution":
                self._last[(today, kind, entity)] = data

    def _write(self) -> None:
        if self._conn is None and not self._open():
            self.unsaved = len(self._pending)
            return
        for attempt in range(2):
            conn = self._conn
            assert conn is not None and self.path is not None
            before = conn.total_changes
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(_INSERT, self._pending)
                conn.execute("COMMIT")
            except Exception as exc:
                if conn.in_transaction:
                    try:
                        conn.rollback()
                    except sqlite3.Error:
                        pass
                if attempt == 0 and db.locked(exc) and self._side(self.path, "is locked by another program"):
                    continue
                if not self._failing:
                    self._failing = True
                    self._problem("error", f"journal: cannot write to {self.path}: {exc}; "
                                           f"{len(self._pending)} events kept in memory, retrying")
                self.unsaved = len(self._pending)
                return
            self.written += conn.total_changes - before
            self.transactions += 1
            break
        if self._failing:
            self._failing = False
            self._problem("warning", f"journal: writing again to {self.path}; nothing was lost")
        self._pending = []
        self.unsaved = 0
