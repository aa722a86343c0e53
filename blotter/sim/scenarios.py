"""Scenarios that give the simulated TWS a life of its own: the demo market and the fill flood."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta
from decimal import Decimal
from typing import Any, Coroutine, Iterator, Protocol

from blotter.sim import encode_orders as eo
from blotter.sim import instruments
from blotter.sim.config import SimConfig
from blotter.sim.engine import Broker, CommissionNotice, FillNotice, Notice, OrderNotice
from blotter.sim.frames import Message
from blotter.sim.market import Market
from blotter.sim.model import ContractSpec, OrderSpec
from blotter.sim.session import Session

DEMO_SYMBOLS = ("AAPL", "MSFT", "SPY")


class Stage(Protocol):
    """What a scenario needs of the server it plays on (a protocol, so this module never names the server)."""

    config: SimConfig
    broker: Broker
    market: Market

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]: ...

    def publish(self, notices: list[Notice]) -> None: ...


def _stock(symbol: str):
    return instruments.find(ContractSpec(symbol=symbol, sec_type="STK"))[0]


def start_demo(server: Stage) -> list[Notice]:
    """A TWS user's morning: a few filled orders, a few resting ones, and a loop that keeps trading."""
    broker, market = server.broker, server.market
    rng = random.Random(server.config.seed)
    notices: list[Notice] = []
    minutes_ago = 150
    for symbol, action, qty in (("AAPL", "BUY", 200), ("MSFT", "SELL", 100), ("SPY", "BUY", 50),
                                ("AAPL", "SELL", 100)):
        inst = _stock(symbol)
        spec = OrderSpec(action=action, total_quantity=Decimal(qty), order_type="MKT", tif="DAY")
        broker.add_tws_order(inst, spec)
        order = list(broker.orders.values())[-1]
        broker.step_order(order)  # acknowledged: it trades at once
        while order.remaining > 0:
            market.step()
            broker.step_order(order)
        when = broker.now() - timedelta(minutes=minutes_ago)
        order.created = when
        for fill in broker.fills.values():
            if fill.perm_id == order.perm_id:
                fill.time = when
        minutes_ago -= rng.randint(15, 40)
    for symbol, action, qty, away in (("AAPL", "BUY", 100, -0.02), ("MSFT", "SELL", 50, 0.02),
                                      ("SPY", "BUY", 25, -0.01)):
        inst = _stock(symbol)
        price = _on_grid(inst, market.quote(inst.con_id).last * (1 + away))
        spec = OrderSpec(action=action, total_quantity=Decimal(qty), order_type="LMT", lmt_price=price,
                         tif="GTC" if symbol == "SPY" else "DAY")
        notices += broker.add_tws_order(inst, spec)
    server.spawn(_keep_trading(server, rng))
    return notices


def _on_grid(inst, price: float) -> float:
    tick = instruments.increment_at(inst, Decimal(str(price)))
    return float((Decimal(str(price)) / tick).quantize(Decimal(1)) * tick)


async def _keep_trading(server: Stage, rng: random.Random) -> None:
    """Every few seconds the TWS user places an order near the market; some of them fill."""
    while True:
        await asyncio.sleep(rng.uniform(4.0, 9.0))
        inst = _stock(rng.choice(DEMO_SYMBOLS))
        quote = server.market.quote(inst.con_id)
        buy = rng.random() < 0.5
        ticks = rng.randint(0, 4) * inst.min_tick
        price = _on_grid(inst, quote.bid - ticks if buy else quote.ask + ticks)
        spec = OrderSpec(action="BUY" if buy else "SELL", total_quantity=Decimal(rng.choice((10, 25, 50, 100))),
                         order_type="LMT", lmt_price=price, tif="DAY")
        server.publish(server.broker.add_tws_order(inst, spec))


def flood(server: Stage, session: Session, fills: int) -> None:
    """Send this client `fills` fills of its own orders at full speed, then let it carry on as normal.

    Each fill is a market order of the client's that fills whole: execDetails, openOrder, orderStatus
    (Filled) and the commission report, four messages, to this client only. The broker keeps the
    orders and fills, so reqExecutions and reqCompletedOrders afterwards see the same ones.
    """
    server.spawn(_flood(server, session, fills))


FLOOD_BATCH = 500  # fills per socket write; the client's requests are served between batches


async def _flood(server: Stage, session: Session, count: int) -> None:
    for start in range(0, count, FLOOD_BATCH):
        if session.closed:
            return
        session.send_many(_flood_messages(server, session, start, min(count, start + FLOOD_BATCH)))
        try:
            await session.writer.drain()
        except ConnectionError:
            return


def _flood_messages(server: Stage, session: Session, start: int, stop: int) -> Iterator[Message]:
    """Fills number start..stop-1 of the flood, booked by the broker, as the messages the client gets.

    A generator: each message is framed and dropped as it comes, so a batch never holds thousands of
    field lists (which would make the garbage collector walk them over and over).
    """
    broker, version = server.broker, session.version
    client_id = session.client_id or 0
    stocks = [_stock(symbol) for symbol in DEMO_SYMBOLS]
    last = {inst.con_id: server.market.quote(inst.con_id).last for inst in stocks}  # no step within a batch
    qty = Decimal(100)
    for i in range(start, stop):
        inst = stocks[i % len(stocks)]
        notices = broker.instant_fill(client_id, broker.next_id(client_id), inst, "BUY" if i % 2 == 0 else "SELL",
                                      qty, last[inst.con_id])
        for notice in notices:
            if isinstance(notice, FillNotice):
                yield eo.exec_details(version, -1, notice.fill)
            elif isinstance(notice, OrderNotice):
                yield eo.open_order(version, notice.order)
                yield eo.order_status(version, notice.order)
            elif isinstance(notice, CommissionNotice):
                yield eo.commission_report(version, notice.fill)
