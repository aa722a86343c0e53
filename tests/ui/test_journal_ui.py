"""The journal in the UI: today's journal shown unconfirmed until TWS resyncs, an earlier day (`--date`, `D`)
read-only, `e` writing the focused pane, journal trouble told, the audit trail's causes, and the typed
confirmation before the first transmit to a LIVE account."""

from __future__ import annotations

import asyncio
import csv
import queue
from pathlib import Path
from typing import Any, Iterator

import pytest

from blotter.config import Settings
from blotter.domain import events as ev
from blotter.ib.session import Session, SessionConfig
from blotter.journal import Archive, Journal, day_of
from blotter.journal.offline import Offline
from blotter.ui.app import BlotterApp
from tests.conftest import make_sim
from tests.domain.factories import commission, completed, execution, fields, message, open_order, sent, status
from tests.ui.conftest import FIXED, SIZE, World, settle, until
from tests.ui.test_keys import placed, type_order

ACCOUNT = "DU1234567"
TODAY = day_of(FIXED)
YESTERDAY = day_of(FIXED - 86_400)


def a_day(t0: float) -> list:
    """A small day: an order filled in two parts, one rejected, one resting."""
    msft = ev.ContractRef(con_id=272093, symbol="MSFT", sec_type="STK", exchange="SMART", currency="USD")
    return [
        sent(5, at=t0), open_order(5, 901, at=t0 + 1), status(5, 901, at=t0 + 2),
        execution("0001.aa.01.01", 5, 901, 60, 150.0, at=t0 + 3), commission("0001.aa.01.01", 0.6, at=t0 + 4),
        execution("0001.ab.01.01", 5, 901, 40, 150.02, at=t0 + 5), commission("0001.ab.01.01", 0.4, 12.5, at=t0 + 6),
        status(5, 901, "Filled", 100, 0, 150.008, at=t0 + 7), completed(901, "Filled", order_id=5, client_id=0,
                                                                       at=t0 + 8),
        sent(6, contract=msft, order=fields("SELL", 10, lmt=100.001), at=t0 + 9),
        message(6, 110, "The price does not conform to the minimum price variation for this contract.",
                at=t0 + 10),
        sent(7, order=fields("BUY", 25, lmt=140.0), at=t0 + 11), open_order(7, 902, order=fields("BUY", 25, lmt=140.0),
                                                                            at=t0 + 12),
        status(7, 902, remaining=25, at=t0 + 13),
    ]


def journal_with(directory: Path, *days: float) -> None:
    j = Journal(directory, ACCOUNT, clock=lambda: FIXED)
    for t0 in days:
        j.record(a_day(t0))
    assert j.flush()
    j.close()


def offline_app(directory: Path, **kw: Any) -> BlotterApp:
    archive = Archive(directory, ACCOUNT)
    return BlotterApp(Settings(client_id=1), Offline((ACCOUNT,)), kw.pop("events", queue.SimpleQueue()),
                      clock=lambda: FIXED, archive=lambda: archive, export_dirs=[directory / "out"], **kw)


def test_restart_shows_todays_journal_unconfirmed(snap_compare, tmp_path):
    """Before TWS resyncs: the journal's day, and the status line saying it is not confirmed yet."""
    journal_with(tmp_path, FIXED - 3600)
    events: queue.SimpleQueue[Any] = queue.SimpleQueue()
    events.put(ev.Connection(ev.ConnState.CONNECTED, "server version 200", "127.0.0.1", 7497, 1, 200, FIXED))
    loaded = [r.event for r in Archive(tmp_path, ACCOUNT).records(TODAY)]
    app = offline_app(tmp_path, events=events, loaded=loaded)

    async def run(pilot):
        await settle(pilot, lambda app: app.live_store.fill_count() == 2, resynced=False)
        assert app.journal_note() == ("journal: unconfirmed", "severity-warning")
    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_resynced_ends_the_unconfirmed_mark(tmp_path):
    journal_with(tmp_path, FIXED - 3600)
    events: queue.SimpleQueue[Any] = queue.SimpleQueue()
    app = offline_app(tmp_path, events=events, loaded=[r.event for r in Archive(tmp_path, ACCOUNT).records(TODAY)])

    async def run():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, resynced=False)
            assert app.journal_note()[0] == "journal: unconfirmed"
            events.put(ev.Connection(ev.ConnState.CONNECTED, client_id=1, at=FIXED))
            events.put(ev.Resynced(FIXED))
            await settle(pilot)
            assert app.journal_note() == ("", "")
    asyncio.run(run())


def test_an_earlier_day_read_only(snap_compare, tmp_path):
    """`blotter --date`: the day from the journal, with no TWS; nothing can be sent."""
    journal_with(tmp_path, FIXED - 86_400 - 3600)
    app = offline_app(tmp_path, day=YESTERDAY)

    async def run(pilot):
        await settle(pilot, lambda app: app.store.fill_count() == 2, resynced=False)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "MainScreen", "no ticket on a day from the journal"
        assert app.why_not("ticket") == f"showing {YESTERDAY} from the journal (read-only)"
    assert snap_compare(app, terminal_size=SIZE, run_before=run)


@pytest.fixture
def world_with_journal(tmp_path: Path) -> Iterator[tuple[World, Journal, Path]]:
    from tests.ui.conftest import build_world
    w = build_world()
    directory = tmp_path / "journal"
    journal_with(directory, FIXED - 86_400 - 3600)  # yesterday's trading
    j = Journal(directory, ACCOUNT, clock=lambda: FIXED)
    yield w, j, directory
    j.close()
    w.session.stop()
    w.sim.stop()


def journal_app(world: World, journal: Journal, directory: Path, **settings: Any) -> BlotterApp:
    settings.setdefault("port", 7497)
    return BlotterApp(Settings(**settings), world.session, world.events, clock=lambda: FIXED, journal=journal,
                      archive=lambda: Archive(directory, ACCOUNT), export_dirs=[directory / "out"])


def test_d_switches_to_an_earlier_day_and_back_to_today(world_with_journal):
    asyncio.run(_d_switches(*world_with_journal))


async def _d_switches(world, journal, directory):
    app = journal_app(world, journal, directory)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        live_fills = app.store.fill_count()
        await pilot.press("D")
        screen = await until(pilot, lambda: app.screen if app.screen.__class__.__name__ == "DayScreen" else None,
                             "the day list")
        assert screen.choices == ["today (live)", YESTERDAY]
        await pilot.press("down", "enter")
        await until(pilot, lambda: app.day == YESTERDAY and app.pane("fills").table.keys, "yesterday shown")
        assert [f.exec_id for f in app.store.fills()] == ["0001.aa.01.01", "0001.ab.01.01"]
        assert app.live_store.fill_count() == live_fills, "the live day goes on behind"
        assert "read-only" in app.pane("orders").border_subtitle and app.why_not("cancel_all")
        await pilot.press("D")
        await until(pilot, lambda: app.screen.__class__.__name__ == "DayScreen", "the day list again")
        await pilot.press("up", "enter")  # the list opens on the day shown; today (live) is first
        await until(pilot, lambda: app.day is None and app.store is app.live_store, "today again")
        assert app.why_not("ticket") is None
        assert len(app.pane("fills").table.keys) == live_fills
        world.events.put(execution("0000feed.01.01.01", 7, 7007, 10, 150.0))  # the live panes go on taking news
        await until(pilot, lambda: len(app.pane("fills").table.keys) == live_fills + 1, "a new fill in today's panes")


def test_e_writes_the_focused_pane_to_a_csv_file(world_with_journal):
    asyncio.run(_e_writes(*world_with_journal))


async def _e_writes(world, journal, directory):
    app = journal_app(world, journal, directory)
    notes: list[str] = []
    app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2", "e")
        await until(pilot, lambda: notes, "the notification")
    [note] = notes
    path = Path(note.rsplit(" to ", 1)[1])
    assert path.parent == directory / "out" and path.name.startswith(f"blotter-fills-{TODAY}-")
    rows = list(csv.reader(path.open()))
    assert rows[0][:4] == ["Time", "Side", "Qty", "Symbol"]
    assert [r[-1] for r in rows[1:]] == [f.exec_id for f in app.store.fills()]
    assert note.startswith(f"wrote {len(rows) - 1} rows of Fills to ")


def test_journal_trouble_is_notified_and_shown(world):
    class Broken:
        badge = "journal: NOT SAVED (12)"

        def __init__(self) -> None:
            self.told = False
            self.batches = 0

        def record(self, batch, causes=None) -> None:
            self.batches += 1

        def problems(self):
            if self.told:
                return []
            self.told = True
            return [("error", "journal: cannot write to /x/journal.sqlite: disk is full; 12 events kept")]

    journal = Broken()
    app = BlotterApp(Settings(port=7497), world.session, world.events, clock=lambda: FIXED, journal=journal)

    async def run():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert [n.message for n in app._notifications][-1].startswith("journal: cannot write")
            assert app.journal_note() == ("journal: NOT SAVED (12)", "severity-error")
            assert "NOT SAVED" in str(app.query_one("#status").render())
            assert journal.batches >= 1
    asyncio.run(run())


# -- LIVE accounts ---------------------------------------------------------------------------------


@pytest.fixture
def live() -> Iterator[World]:
    sim = make_sim(accounts=("U1234567",))
    events: queue.SimpleQueue[Any] = queue.SimpleQueue()
    session = Session(SessionConfig(port=sim.port, client_id=0, backoff_initial=0.05), events.put,
                      clock=lambda: FIXED)
    session.connect()
    yield World(sim, session, events)
    session.stop()
    sim.stop()


def orders_sent(world: World) -> list:
    return [p for p in placed(world) if not p.order.what_if]


def test_the_first_transmit_to_a_live_account_asks_for_the_word(live, tmp_path):
    asyncio.run(_live_word(live, tmp_path))


async def _live_word(world, tmp_path):
    journal = Journal(tmp_path, None, clock=lambda: FIXED)
    app = BlotterApp(Settings(port=7497), world.session, world.events, clock=lambda: FIXED, journal=journal)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "LIVE" in str(app.query_one("#status").render())
        await type_order(pilot, "BUY 1 AAPL STK LMT 250")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.__class__.__name__ == "Review", "the review")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.__class__.__name__ == "ConfirmLive", "the LIVE confirmation")
        for ch in "LIV":
            await pilot.press(ch)
        await pilot.press("enter")  # not the word: still asking
        await pilot.pause(0.1)
        world.sim.call(lambda: None)
        assert app.screen.__class__.__name__ == "ConfirmLive" and orders_sent(world) == [], "nothing sent yet"
        await pilot.press("E", "enter")
        first = await until(pilot, lambda: orders_sent(world), "the order at the simulator")
        assert app.live_confirmed

        await type_order(pilot, "SELL 1 MSFT STK LMT 600")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.__class__.__name__ == "Review", "the second review")
        await pilot.press("enter")
        both = await until(pilot, lambda: len(orders_sent(world)) == 2 and orders_sent(world), "the second order")
        assert app.screen.__class__.__name__ != "ConfirmLive"
        await until(pilot, lambda: all(app.store.order_by_id(0, p.order_id) for p in both), "both shown")
    assert [p.contract.symbol for p in both] == ["AAPL", "MSFT"] and first[0].order_id == both[0].order_id
    journal.close()
    audit = [r for r in Archive(tmp_path, "U1234567").records(TODAY) if r.kind == "OrderSent"]
    assert [(r.event.order_id, r.cause) for r in audit] == [
        (both[0].order_id, "ticket: reviewed, Enter, LIVE typed"), (both[1].order_id, "ticket: reviewed, Enter")]


def test_escape_at_the_live_word_sends_nothing_and_asks_again(live):
    asyncio.run(_live_escape(live))


async def _live_escape(world):
    app = BlotterApp(Settings(port=7497), world.session, world.events, clock=lambda: FIXED)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_order(pilot, "BUY 1 AAPL STK LMT 250")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.__class__.__name__ == "Review", "the review")
        for _ in range(2):
            await pilot.press("enter")
            await until(pilot, lambda: app.screen.__class__.__name__ == "ConfirmLive", "the LIVE confirmation")
            await pilot.press("escape")
            await until(pilot, lambda: app.screen.__class__.__name__ == "Review", "back at the review")
        world.sim.call(lambda: None)
        assert orders_sent(world) == [] and not app.live_confirmed


def test_confirm_live_false_never_asks(live):
    asyncio.run(_no_confirm(live))


async def _no_confirm(world):
    app = BlotterApp(Settings(port=7497, confirm_live=False), world.session, world.events, clock=lambda: FIXED)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_order(pilot, "BUY 1 AAPL STK LMT 250")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.__class__.__name__ == "Review", "the review")
        await pilot.press("enter")
        await until(pilot, lambda: orders_sent(world), "the order sent at once")


def test_the_live_confirmation_screen(snap_compare, live):
    async def run(pilot):
        await settle(pilot)
        await type_order(pilot, "BUY 1 AAPL STK LMT 250")
        await pilot.press("enter")
        await until(pilot, lambda: pilot.app.screen.__class__.__name__ == "Review", "the review")
        await settle(pilot, lambda app: "commission" in str(app.screen.query_one("#what-if").render()))
        await pilot.press("enter")
        await until(pilot, lambda: pilot.app.screen.__class__.__name__ == "ConfirmLive", "the LIVE confirmation")
        await pilot.pause()
    app = BlotterApp(Settings(port=7497), live.session, live.events, clock=lambda: FIXED)
    assert snap_compare(app, terminal_size=SIZE, run_before=run)


@pytest.mark.parametrize("settings, badge, absent", [
    ({"read_only": True}, "READ-ONLY", "REMOTE HOST"),
    ({"host": "10.1.2.3"}, "REMOTE HOST", "READ-ONLY"),
    ({"host": "localhost"}, "PAPER", "REMOTE HOST"),
])
def test_the_status_line_says_read_only_and_warns_of_a_remote_host(world, settings, badge, absent):
    async def run():
        app = world.app(**settings)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            line = str(app.query_one("#status").render())
            assert badge in line and absent not in line and "LIVE" not in line
    asyncio.run(run())
