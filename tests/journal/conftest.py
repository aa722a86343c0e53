"""Journal fixtures: a journal directory per test, and a blotter core (session, Store, journal) on the simulator."""

from __future__ import annotations

import queue
import sqlite3
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from blotter.domain.store import Store
from blotter.journal import Archive, Journal, day_of
from blotter.journal.db import file_for
from tests.ib.conftest import blotter_ibapi  # noqa: F401  (autouse: ibapi as the blotter runs it)
from tests.ib.test_core import Core

ACCOUNT = "DU1234567"
WAIT = 30.0


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    return tmp_path / "data" / "blotter"


def rows(path: Path, where: str = "1", args: tuple = ()) -> list[tuple]:
    """The journal's rows read with plain sqlite3 (not the blotter's reader)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(f"SELECT day, at, kind, entity, data, cause FROM events WHERE {where} ORDER BY seq",
                            args).fetchall()
    finally:
        conn.close()


def execution_ids(path: Path) -> list[str]:
    return [r[3] for r in rows(path, "kind = 'Execution'")]


class Blotter(Core):
    """What `blotter` runs, in-process: today's journal loaded into the Store, a session feeding a queue,
    each batch applied to the Store and handed to the journal (as the UI's pump does)."""

    def __init__(self, port: int, directory: Path, client_id: int = 1, **config: Any) -> None:
        self.journal = Journal(directory, ACCOUNT)
        self.archive = Archive(directory, ACCOUNT)
        self.loaded = self.archive.records(day_of(time.time()))
        store = Store()
        store.load([r.event for r in self.loaded], client_id)
        super().__init__(port, client_id, store=store, connect=False, **config)

    def connect(self) -> "Blotter":
        self.session.connect()
        return self

    def pump(self, *first: Any) -> list:
        batch = super().pump(*first)
        if batch:
            self.journal.record(batch)
        return batch

    def stop(self) -> None:
        self.session.stop()
        self.pump()
        self.journal.close()


@pytest.fixture
def blotters(directory: Path) -> Iterator[Callable[..., Blotter]]:
    made: list[Blotter] = []

    def make(sim, client_id: int = 1, **config: Any) -> Blotter:
        b = Blotter(sim.port, directory, client_id, **config)
        made.append(b)
        return b

    yield make
    for b in made:
        b.session.stop()
        b.journal.close()


def main_file(directory: Path) -> Path:
    return file_for(directory, ACCOUNT)


class Headless:
    """`python -m blotter --headless` in a subprocess, its lines read by a thread so a test waits on them."""

    def __init__(self, port: int, home: Path, *extra: str, client_id: int = 1) -> None:
        import os
        import subprocess
        import sys
        import threading
        env = {**os.environ, "XDG_DATA_HOME": str(home / "data"), "XDG_STATE_HOME": str(home / "state"),
               "XDG_CONFIG_HOME": str(home / "config")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "blotter", "--headless", "--port", str(port), "--client-id", str(client_id),
             *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, bufsize=1)
        self.lines: list[str] = []
        self.fill_ids: set[str] = set()  # the execIds of the FILL lines so far
        self._new: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._new.put(line.rstrip("\n"))
        self._new.put(None)

    def wait(self, done: Callable[[list[str]], bool], what: str, timeout: float = WAIT) -> list[str]:
        """Read lines until done(all lines so far); done is asked after each run of lines that arrived."""
        deadline = time.monotonic() + timeout
        while not done(self.lines):
            try:
                line = self._new.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                line = ""
            if line is None or time.monotonic() > deadline:
                err = self.proc.stderr.read() if line is None and self.proc.stderr else ""
                raise AssertionError(f"never saw {what}; last lines: {self.lines[-8:]} {err[-2000:]}")
            self._take(line)
            while True:
                try:
                    more = self._new.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._new.put(None)
                    break
                self._take(more)
        return self.lines

    def _take(self, line: str) -> None:
        self.lines.append(line)
        if line.startswith("FILL "):  # the execId is the word after the order's #id (or "perm N")
            words = line.split()
            at = next(i for i, w in enumerate(words) if w.startswith("#") or w == "perm")
            self.fill_ids.add(words[at + 1] if words[at].startswith("#") else words[at + 2])

    def saw(self, text: str) -> list[str]:
        return self.wait(lambda lines: any(text in line for line in lines), repr(text))

    def terminate(self) -> list[str]:
        """SIGTERM: it writes what is left, prints its END line and exits 0."""
        import signal
        self.proc.send_signal(signal.SIGTERM)
        self.wait(lambda lines: any(line.startswith("END ") for line in lines), "the END line")
        assert self.proc.wait(20) == 0
        return self.lines

    def kill(self) -> None:
        import signal
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(20)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.kill()
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()


@pytest.fixture
def headless(tmp_path: Path) -> Iterator[Callable[..., Headless]]:
    made: list[Headless] = []

    def start(port: int, *extra: str, client_id: int = 1) -> Headless:
        h = Headless(port, tmp_path, *extra, client_id=client_id)
        made.append(h)
        return h

    yield start
    for h in made:
        h.close()


def wait_gone(sim, client_id: int = 1, timeout: float = 10.0) -> None:
    """Until the simulator has seen this client's socket close (so the id can connect again)."""
    deadline = time.monotonic() + timeout
    pause = __import__("threading").Event()
    while sim.call(lambda: any(s.client_id == client_id for s in sim.sessions)):
        if time.monotonic() > deadline:
            raise AssertionError(f"the simulator still has client {client_id}")
        pause.wait(0.01)  # the simulator's loop reads the EOF between two of these calls
