"""A journal that is garbage or locked by another program: a clear message, the blotter runs on (a new file
or a side file), and nothing written before is lost."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from blotter.domain import events as ev
from blotter.journal import Archive, Journal, day_of
from blotter.journal.db import file_for
from tests.conftest import make_sim
from tests.domain.factories import commission, execution, open_order, sent, status
from tests.journal.conftest import ACCOUNT, main_file, rows

GARBAGE = bytes(range(256)) * 64


def earlier_today() -> list:
    now = time.time()
    return [sent(5, at=now - 60), open_order(5, 999, at=now - 59), status(5, 999, "Filled", 100, 0, 150.0, at=now - 58),
            execution("e1.01", 5, 999, 100, 150.0, at=now - 57), commission("e1.01", 1.25, at=now - 56)]


def written(directory: Path, events: list) -> None:
    j = Journal(directory, ACCOUNT)
    j.record(events)
    assert j.flush()
    j.close()


def hold(path: Path, readers_too: bool) -> sqlite3.Connection:
    """Another program's connection holding an EXCLUSIVE lock (in locking_mode EXCLUSIVE, readers are out too)."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=0)
    if readers_too:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
    conn.execute("BEGIN EXCLUSIVE")
    if readers_too:
        conn.execute("INSERT INTO meta VALUES ('other program', 'was here')")
    return conn


def test_a_corrupt_journal_is_kept_aside_and_a_new_one_started(directory):
    directory.mkdir(parents=True)
    main_file(directory).write_bytes(GARBAGE)
    archive = Archive(directory, ACCOUNT)
    assert archive.records(day_of(time.time())) == []
    [warning] = archive.warnings
    assert "not a readable database" in warning and str(main_file(directory)) in warning

    j = Journal(directory, ACCOUNT)
    events = earlier_today()
    j.record(events)
    assert j.flush()
    j.close()
    [problem] = j.problems()
    assert problem.severity == "warning" and "not a readable database" in problem.text
    [aside] = [p for p in directory.iterdir() if ".corrupt-" in p.name]
    assert aside.read_bytes() == GARBAGE, "the damaged bytes are kept, not deleted"
    assert [r.event for r in Archive(directory, ACCOUNT).records(day_of(time.time()))] == events


@pytest.mark.parametrize("readers_too", [False, True], ids=["writers-locked", "all-locked"])
def test_a_locked_journal_is_written_beside_and_both_are_read(directory, readers_too):
    before = earlier_today()
    written(directory, before)
    locker = hold(main_file(directory), readers_too)
    try:
        today = day_of(time.time())
        seen = Archive(directory, ACCOUNT)
        loaded = [r.event for r in seen.records(today)]
        if readers_too:
            assert loaded == [] and "locked by another program" in seen.warnings[0]
        else:
            assert loaded == before and seen.warnings == []
        j = Journal(directory, ACCOUNT, busy_timeout=0.2)
        later = [status(6, 1000, "Submitted", at=time.time()), ev.TwsMessage(-1, 2104, "farm OK", received=time.time())]
        j.record(later)
        assert j.flush()
        j.close()
        [problem] = j.problems()
        assert "locked by another program" in problem.text and "journal-DU1234567.1.sqlite" in problem.text
        assert j.path == file_for(directory, ACCOUNT, 1) and j.side_file
    finally:
        locker.close()
    assert [r.event for r in Archive(directory, ACCOUNT).records(today)] == before + later, "nothing lost"


def test_a_lock_taken_while_running_moves_the_writes_to_a_side_file(directory):
    j = Journal(directory, ACCOUNT, busy_timeout=0.2)
    first = earlier_today()
    j.record(first)
    assert j.flush()
    locker = hold(main_file(directory), readers_too=False)
    try:
        then = [status(5, 999, "Filled", 100, 0, 151.0, at=time.time())]
        j.record(then)
        assert j.flush()
        assert j.path == file_for(directory, ACCOUNT, 1)
        assert "locked" in j.problems()[0].text and j.badge == "journal: journal-DU1234567.1.sqlite"
    finally:
        locker.close()
        j.close()
    assert [r.event for r in Archive(directory, ACCOUNT).records(day_of(time.time()))] == first + then


@pytest.fixture
def quiet_sim(server_version):
    sim = make_sim(max_version=server_version)
    yield sim
    sim.stop()


def test_the_blotter_runs_on_a_corrupt_journal_with_a_warning(quiet_sim, directory, headless):
    directory.mkdir(parents=True)
    main_file(directory).write_bytes(GARBAGE)
    run = headless(quiet_sim.port)
    run.saw("CONN connected")
    run.saw("not a readable database")  # the reader's warning at start...
    run.saw("kept it as")  # ...and the writer's when it set the file aside
    lines = run.terminate()
    assert not any("Traceback" in line for line in lines)
    assert [p for p in directory.iterdir() if ".corrupt-" in p.name][0].read_bytes() == GARBAGE
    kinds = {r[2] for r in rows(main_file(directory))}
    assert "TwsMessage" in kinds, "the new journal records this run"


def test_the_blotter_runs_on_a_locked_journal_loads_it_and_writes_beside(quiet_sim, directory, headless):
    before = earlier_today()
    written(directory, before)
    locker = hold(main_file(directory), readers_too=False)
    try:
        run = headless(quiet_sim.port)
        run.saw("JOURNAL loaded 5 records")
        lines = run.saw("locked by another program")
        assert any(line.startswith("FILL ") and "e1.01" in line for line in lines), "the earlier fill is shown"
        run.saw("CONN connected")
        lines = run.terminate()
    finally:
        locker.close()
    end = next(line for line in lines if line.startswith("END "))
    assert end.startswith("END fills 1 orders 1")
    side = file_for(directory, ACCOUNT, 1)
    # a quiet TWS's news of this run: its messages and the account's figures
    assert side.exists() and {"TwsMessage"} <= {r[2] for r in rows(side)} <= {"TwsMessage", "AccountValue"}
    assert len(rows(main_file(directory))) == len(before), "the locked file is untouched"
    assert os.stat(side).st_mode & 0o777 == 0o600
