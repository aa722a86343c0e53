"""The blotter app against a seeded simulator with a fixed clock: the same screen on every run."""

from __future__ import annotations

import queue
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Iterator

import pyte
import pytest
from textual.widgets import Input

from blotter.config import Settings
from blotter.domain import events as ev
from blotter.ib.session import Session, SessionConfig
from blotter.sim.server import SimServer
from blotter.ui.app import BlotterApp
from tests.conftest import make_sim
from tests.ib.conftest import blotter_ibapi  # noqa: F401  (autouse: ibapi as the blotter runs it)

# 2026-11-20 15:00:00 UTC (10:00 in New York), what the blotter's clock says in every screenshot
FIXED = 1_795_186_800.0
SIZE = (120, 36)


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    """Times on screen are local: make local UTC for every run and machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def stock(symbol: str) -> ev.ContractRef:
    return ev.ContractRef(symbol=symbol, sec_type="STK", exchange="SMART", currency="USD")


def order(action: str, qty: int, order_type: str = "MKT", lmt: float | None = None, tif: str = "DAY"):
    return ev.OrderFields(action=action, total_quantity=Decimal(qty), order_type=order_type, lmt_price=lmt, tif=tif)


@dataclass
class World:
    """A simulator with a morning's worth of orders and fills, and a connected session on it."""

    sim: SimServer
    session: Session
    events: "queue.SimpleQueue[Any]"

    def app(self, **settings: Any) -> BlotterApp:
        settings.setdefault("port", 7497)  # what the status line shows; the session uses the sim's port
        return BlotterApp(Settings(**settings), self.session, self.events, clock=lambda: FIXED)


def build_world(client_id: int = 0) -> World:
    sim = make_sim(seed=11)
    sim.tws_order("MSFT", "SELL", 50, "LMT", lmt_price=450.0, tif="GTC")
    events: queue.SimpleQueue[Any] = queue.SimpleQueue()
    session = Session(SessionConfig(port=sim.port, client_id=client_id, backoff_initial=0.05), events.put,
                      clock=lambda: FIXED)
    session.connect()
    sim.recorder.wait("reqAccountSummary")  # answered before the orders: the same account figures every run
    sim.call(lambda: None)
    placed = [session.place(stock("AAPL"), order("BUY", 300)),
              session.place(stock("SPY"), order("SELL", 100)),
              session.place(stock("AAPL"), order("BUY", 100, "LMT", 200.0))]
    sim.recorder.wait("placeOrder", len(placed))
    sim.call(lambda: None)  # the simulator has handled them
    for _ in range(12):
        sim.advance(0.25)
    session.place(stock("MSFT"), order("BUY", 10, "LMT", 100.001))  # off the tick grid: TWS rejects it
    sim.recorder.wait("placeOrder", len(placed) + 1)
    sim.call(lambda: None)
    return World(sim, session, events)


@pytest.fixture
def world() -> Iterator[World]:
    w = build_world()
    yield w
    w.session.stop()
    w.sim.stop()


def screen_name(app: BlotterApp) -> str:
    """The class of the screen on top: Review, ConfirmKill..."""
    return app.screen.__class__.__name__


async def until(pilot: Any, done: Callable[[], Any], what: str, timeout: float = 10.0) -> Any:
    """Let the app run until done() is truthy (the simulator answered, a screen opened...)."""
    deadline = time.monotonic() + timeout
    while not (result := done()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)
    return result


async def settle(pilot: Any, done: Callable[[BlotterApp], bool] | None = None, resynced: bool = True) -> None:
    """Let the app take in what the session has queued (and `done`, if given) before a screenshot."""
    app: BlotterApp = pilot.app
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        ready = (app.store.connection.resynced or not resynced) and app.events.empty()
        if ready and (done is None or done(app)):
            for field in app.screen.query(Input):  # a blinking cursor would make the screenshot a coin toss
                field.cursor_blink = False
            await pilot.pause()
            return
    raise AssertionError("the app did not settle")


def burst(app: BlotterApp, text: str, *keys: str, queued: bool = False) -> None:
    """`text` a character a key, then `keys` (Textual's names: "enter", "escape", "alt+n"), as one read
    from the terminal: the driver hands them all on at once, none waiting for the one before to be
    acted on. `queued`: already in the app's queue (posted now, not handed on by the driver's next
    turn)."""
    from textual import events

    named = {"/": "slash", " ": "space"}
    chars = {"enter": "\r", "escape": "\x1b"}
    for key, char in [(named.get(c, c), c) for c in text] + [(k, chars.get(k, _typed(k))) for k in keys]:
        event = events.Key(key, char)
        event.set_sender(app)
        if queued:
            app.post_message(event)
        else:
            app._driver.send_message(event)


def _typed(key: str) -> str | None:
    """The character a key name types: n for "n" and for "alt+n" (as Textual reads Esc then n)."""
    name = key.removeprefix("alt+")
    return name if len(name) == 1 else None


class Offline:
    """Commands for an app fed straight from its queue: connected, sends nothing."""

    state = ev.ConnState.CONNECTED
    server_version = 200
    accounts = ("DU1234567",)
    last_received = 0.0

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


class Terminal:
    """A terminal emulator fed with every frame the app writes."""

    def __init__(self, app: BlotterApp, size: tuple[int, int]) -> None:
        self.screen = pyte.Screen(*size)
        self.stream = pyte.Stream(self.screen)
        original = app._display

        def display(screen: Any, update: Any) -> None:
            original(screen, update)
            if update is not None:
                self.stream.feed(update.render_segments(app.console))

        app._display = display  # type: ignore[method-assign]

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display)

    def fill_rows(self, exec_prefix: str = "0000e0d5.") -> list[str]:
        return [line for line in self.screen.display if exec_prefix in line]
