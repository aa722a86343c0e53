"""The journal writer: batched off the caller's thread, repeats dropped, requests with their cause, files
private and in WAL mode, the account learnt late, and a write failure told, kept and written later."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from decimal import Decimal
from pathlib import Path

from blotter.domain import events as ev
from blotter.journal import Archive, Journal, day_of
from blotter.journal.db import file_for
from tests.domain.factories import commission, completed, execution, message, open_order, sent, status
from tests.journal.conftest import ACCOUNT, execution_ids, main_file, rows

NOW = 1_795_186_800.0  # 2026-11-20 15:00 UTC
DAY = day_of(NOW)


def at(t: float):
    return NOW + t


def day_of_events() -> list:
    return [
        sent(5, at=at(1)), open_order(5, 999, at=at(2)), status(5, 999, at=at(3)),
        execution("a1.01", 5, 999, 40, 150.0, at=at(4)), commission("a1.01", 1.0, at=at(5)),
        status(5, 999, "Submitted", 40, 60, 150.0, at=at(6)),
        message(5, 399, "Order message: warning", at=at(7)),
        completed(1000, "Filled", at=at(8)), ev.OrderBound(1000, 0, -2),
    ]


def journal(directory: Path, account: str | None = ACCOUNT, **kw) -> Journal:
    return Journal(directory, account, clock=lambda: NOW, **kw)


def test_a_batch_is_written_and_read_back_as_it_was(directory):
    j = journal(directory)
    events = day_of_events()
    j.record(events, {("new", 5): "ticket: reviewed, Enter"})
    assert j.flush()
    j.close()
    records = Archive(directory, ACCOUNT).records(DAY)
    assert [r.event for r in records] == events
    assert [r.cause for r in records if r.kind == "OrderSent"] == ["ticket: reviewed, Enter"]
    assert {r.day for r in records} == {DAY}
    assert Archive(directory, ACCOUNT).days() == [DAY]
    assert j.problems() == []


def test_the_file_is_private_and_in_wal_mode(directory):
    j = journal(directory)
    j.record(day_of_events())
    j.flush()
    path = main_file(directory)
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        assert stat.S_IMODE(os.stat(p).st_mode) == 0o600, p
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone() == ("wal",)
    j.close()


def test_replays_write_nothing_new_but_a_changed_state_is_kept(directory):
    """A resync sends the day again: executions are unique, an order's unchanged state is not kept twice."""
    j = journal(directory)
    events = day_of_events()
    j.record(events)
    j.flush()
    first = j.written
    replay = [open_order(5, 999, at=at(20)), status(5, 999, "Submitted", 40, 60, 150.0, at=at(21)),
              execution("a1.01", 5, 999, 40, 150.0, at=at(22), req_id=9), commission("a1.01", 1.0, at=at(23)),
              completed(1000, "Filled", at=at(24)), ev.OrderBound(1000, 0, -2)]
    j.record(replay)
    j.flush()
    assert j.written == first, "a replay of the same states writes nothing"
    changed = [status(5, 999, "Submitted", 40, 60, 150.0, at=at(30)), status(5, 999, "Cancelled", 40, 0, 150.0,
                                                                            at=at(31)),
               status(5, 999, "Submitted", 40, 60, 150.0, at=at(32))]  # A, B, A: all three are real changes
    j.record(changed)
    j.flush()
    assert j.written == first + 2
    j.close()
    assert execution_ids(main_file(directory)) == ["a1.01"]


def test_a_reopened_journal_still_drops_the_day_s_repeats(directory):
    """After a restart the resync sends each order's state again: the file already holds it."""
    j = journal(directory)
    j.record(day_of_events())
    j.close()
    again = journal(directory)
    again.record([open_order(5, 999, at=at(20)), status(5, 999, "Submitted", 40, 60, 150.0, at=at(21)),
                  execution("a1.01", 5, 999, 40, 150.0, at=at(22), req_id=9), commission("a1.01", 1.0, at=at(23)),
                  completed(1000, "Filled", at=at(24)), ev.OrderBound(1000, 0, -2)])
    again.close()
    assert again.written == 0
    assert len(rows(main_file(directory))) == len(day_of_events())


def test_what_if_previews_and_events_that_are_not_the_day_are_not_journaled(directory):
    j = journal(directory)
    j.record([open_order(9, 0, what_if=True), ev.Tick(1, "bid", 1.0), ev.NextValidId(5), ev.Resynced(at(1)),
              ev.Connection(ev.ConnState.CONNECTED), ev.EndOf("open_orders"), ev.Accounts((ACCOUNT,))])
    j.flush()
    j.close()
    assert j.written == 0 and j.problems() == []


def test_batches_waiting_together_are_written_in_one_transaction_once_the_account_is_known(directory):
    """Before managedAccounts the events are held; then everything waiting goes in one write."""
    j = journal(directory, None)
    for i in range(50):
        j.record([status(5, 999, "Submitted", i, 100 - i, at=at(i))])
    assert j.flush(), "holding is not failing"
    assert j.transactions == 0 and j.badge == "journal: waiting for the account" and j.path is None
    j.record([ev.Accounts(("DU7", "DU8")), status(5, 999, "Filled", 100, 0, at=at(60))])
    assert j.flush()
    assert j.account == "DU7" and j.transactions == 1 and j.written == 51
    j.close()
    assert len(rows(file_for(directory, "DU7"))) == 51


def test_record_is_one_put_and_the_writer_catches_up_in_few_transactions(directory):
    j = journal(directory)
    gate = threading.Event()
    j.record([status(5, 999, at=at(0))])
    j.flush()
    real = j._write

    def slow_write() -> None:
        gate.wait(10)  # the writer is busy: batches pile up behind it
        real()
    j._write = slow_write  # type: ignore[method-assign]
    for i in range(1, 201):
        j.record([status(5, 999, "Submitted", i, 1000 - i, at=at(i))])
    gate.set()
    assert j.flush()
    j.close()
    assert j.written == 201
    assert j.transactions <= 3, f"{j.transactions} transactions for 200 batches"


class Failing:
    """A connection whose writes fail (a full disk, say) until `healed`."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn, self.healed = conn, False

    def __getattr__(self, name: str):
        return getattr(self.conn, name)

    def executemany(self, *args):
        if not self.healed:
            raise sqlite3.OperationalError("database or disk is full")
        return self.conn.executemany(*args)


def test_a_write_failure_is_told_the_events_kept_and_written_when_it_works_again(directory):
    j = journal(directory)
    j.record(day_of_events()[:2])
    assert j.flush()
    failing = j._conn = Failing(j._conn)  # type: ignore[assignment]
    j.record(day_of_events()[2:])
    assert not j.flush(), "flush says the events are not saved"
    [problem] = j.problems()
    assert problem.severity == "error" and "disk is full" in problem.text and "kept in memory" in problem.text
    assert j.badge == "journal: NOT SAVED (7)"
    j.record([message(-1, 2104, "farm ok", at=at(9))])
    assert not j.flush() and j.problems() == [], "told once, not on every retry"
    failing.healed = True
    assert j.flush()
    [problem] = j.problems()
    assert problem.severity == "warning" and "nothing was lost" in problem.text
    assert j.badge == ""
    j.close()
    assert len(rows(main_file(directory))) == len(day_of_events()) + 1


def test_events_still_waiting_when_it_stops_are_reported(directory):
    j = journal(directory)
    j.record([status(5, 999, at=at(0))])
    j.flush()
    j._conn = Failing(j._conn)  # type: ignore[assignment]
    j.record([status(5, 999, "Filled", 100, 0, at=at(1))])
    j.close()
    texts = [p.text for p in j.problems()]
    assert any("1 events could not be written before the blotter stopped" in t for t in texts), texts


def test_events_go_to_the_day_they_happened_on(directory):
    j = journal(directory)
    late, early = status(5, 999, at=NOW - 86_400), status(5, 999, "Filled", 100, 0, 150.0, at=NOW)
    j.record([late, early, ev.OrderBound(999, 0, -1)])  # no time of its own: the day it was recorded on
    j.close()
    archive = Archive(directory, ACCOUNT)
    assert archive.days() == [day_of(NOW - 86_400), DAY]
    assert [r.event for r in archive.records(day_of(NOW - 86_400))] == [late]
    assert [r.event for r in archive.records(DAY)] == [early, ev.OrderBound(999, 0, -1)]


def test_a_journal_directory_that_cannot_be_made_is_told_and_retried(directory):
    directory.parent.mkdir(parents=True)
    directory.write_text("a file where the directory should be")
    j = journal(directory)
    j.record(day_of_events())
    assert not j.flush()
    [problem] = j.problems()
    assert problem.severity == "error" and "cannot open" in problem.text and "retrying" in problem.text
    assert j.badge == f"journal: NOT SAVED ({len(day_of_events())})"
    directory.unlink()
    assert j.flush(), "the next try writes everything kept"
    j.close()
    assert len(rows(main_file(directory))) == len(day_of_events())


def test_an_event_that_cannot_be_encoded_is_told_and_the_rest_written(directory):
    j = journal(directory)
    odd = ev.StatusUpdate(5, "Submitted", Decimal(0), Decimal(100), Decimal("1.5"), 999, 0, 0.0, 1,
                          received=at(1))  # a Decimal where a float belongs: JSON cannot write it
    j.record([odd, status(5, 999, "Filled", 100, 0, 150.0, at=at(2))])
    assert j.flush()
    [problem] = j.problems()
    assert problem.severity == "error" and "StatusUpdate could not be written" in problem.text
    j.close()
    assert [r[2] for r in rows(main_file(directory))] == ["StatusUpdate"]
