"""Screenshots of what a trader sees (pytest-textual-snapshot): look at the SVG before updating one."""

from __future__ import annotations

from tests.ui.conftest import SIZE, settle


def test_main_screen_connected_and_populated(snap_compare, world):
    assert snap_compare(world.app(), terminal_size=SIZE, run_before=settle)


def test_main_screen_at_80x24(snap_compare, world):
    assert snap_compare(world.app(), terminal_size=(80, 24), run_before=settle)


def test_finished_orders_view(snap_compare, world):
    async def finished(pilot):
        await settle(pilot)
        await pilot.press("d")
    assert snap_compare(world.app(), terminal_size=SIZE, run_before=finished)


async def open_ticket(pilot, line: str) -> None:
    await settle(pilot)
    await pilot.press("n")
    for ch in line:
        await pilot.press("space" if ch == " " else ch)


def test_ticket_with_an_off_tick_price(snap_compare, world):
    async def run(pilot):
        await open_ticket(pilot, "BUY 100 AAPL STK LMT 144.805 GTC")
        await settle(pilot, lambda app: "nearest 144.80" in str(app.screen.query_one("#verdict").render()))
    assert snap_compare(world.app(), terminal_size=SIZE, run_before=run)


def test_review_with_warnings_and_what_if(snap_compare, world):
    async def run(pilot):
        await open_ticket(pilot, "BUY 300 AAPL STK LMT 240.00")
        # the review judges the limit against the ask: wait for the quote too, not only the contract
        await settle(pilot, lambda app: app.screen.ready() and getattr(app.screen.quote(), "ask", None) is not None)
        await pilot.press("enter")
        await settle(pilot, lambda app: "commission" in str(app.screen.query_one("#what-if").render()))
    assert snap_compare(world.app(), terminal_size=SIZE, run_before=run)


def test_modify_prefilled_from_the_selected_order(snap_compare, world):
    async def run(pilot):
        await settle(pilot)
        app = pilot.app
        [row] = [r for r in app.store.working() if r.order_id > 0]
        app.pane("orders").table.move_to(app.pane("orders").table.keys.index(row.key))
        await pilot.press("m")
        await settle(pilot, lambda app: getattr(app.screen, "info", None) is not None)
    assert snap_compare(world.app(), terminal_size=SIZE, run_before=run)


def test_cancel_confirmation(snap_compare, world):
    async def run(pilot):
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
    assert snap_compare(world.app(), terminal_size=SIZE, run_before=run)


def test_help(snap_compare, world):
    async def run(pilot):
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
    assert snap_compare(world.app(), terminal_size=SIZE, run_before=run)


def test_disconnected(snap_compare, world):
    import random
    from dataclasses import replace

    from blotter.domain.events import ConnState

    async def run(pilot):
        await settle(pilot)
        world.session.config = replace(world.session.config, backoff_initial=3600.0)  # stay down for the picture
        world.session.rng = random.Random(1)  # the same retry countdown on every run
        world.sim.drop_all()
        await settle(pilot, lambda app: app.store.connection.state is ConnState.LOST, resynced=False)
    assert snap_compare(world.app(), terminal_size=SIZE, run_before=run)


def positions_valued(app) -> bool:
    rows, accounts = app.store.positions(), app.store.accounts()
    return bool(rows) and all(r.market_value is not None for r in rows) and \
        bool(accounts) and all(a.net_liquidation is not None and a.daily is not None for a in accounts)


async def show_positions(pilot) -> None:
    await settle(pilot, positions_valued)
    await pilot.press("5")
    await settle(pilot, lambda app: app.focused is app.pane("positions").table)


def test_positions_pane(snap_compare, world):
    assert snap_compare(world.app(), terminal_size=SIZE, run_before=show_positions)


def test_positions_pane_at_80x24(snap_compare, world):
    assert snap_compare(world.app(), terminal_size=(80, 24), run_before=show_positions)
