"""Fixtures for the blotter's session against the simulated TWS: events collected for waiting on, and
the blotter's replacements of ibapi internals installed for each test as the blotter's start-up
installs them, and removed after it (tests/ui and tests/journal take `blotter_ibapi` from here too)."""

from __future__ import annotations

import threading
from typing import Any, Callable, Iterator

import pytest

from blotter.ib import _ibapi
from blotter.ib.session import Session, SessionConfig

WAIT = 15.0


@pytest.fixture(autouse=True)
def blotter_ibapi() -> Iterator[None]:
    """ibapi as the blotter runs it (blotter.ib._ibapi.install()) for the test, and as it was after it."""
    with _ibapi.installed():
        yield


class Events:
    """A sink that keeps every event and lets a test wait for one."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self.cond = threading.Condition()

    def put(self, event: Any) -> None:
        with self.cond:
            self.items.append(event)
            self.cond.notify_all()

    def of(self, kind: type) -> list[Any]:
        with self.cond:
            return [e for e in self.items if isinstance(e, kind)]

    def wait(self, kind: type, match: Callable[[Any], bool] = lambda e: True, count: int = 1,
             timeout: float = WAIT) -> list[Any]:
        def found() -> list[Any] | None:
            hits = [e for e in self.items if isinstance(e, kind) and match(e)]
            return hits if len(hits) >= count else None
        with self.cond:
            self.cond.wait_for(found, timeout)
            hits = found()
        if hits is None:
            raise AssertionError(f"timed out waiting for {count} x {kind.__name__}; last: {self.items[-6:]}")
        return hits


@pytest.fixture
def session(sim) -> Iterator[Callable[..., tuple[Session, Events]]]:
    """session(client_id=1, **config) -> a connected Session and its events (stopped at the end)."""
    made: list[Session] = []

    def make(client_id: int = 1, **config: Any) -> tuple[Session, Events]:
        events = Events()
        config.setdefault("backoff_initial", 0.05)
        s = Session(SessionConfig(port=sim.port, client_id=client_id, **config), events.put)
        s.connect()
        made.append(s)
        return s, events

    yield make
    for s in made:
        s.stop()
