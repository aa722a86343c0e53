"""When a working order trades, and at what price: pure rules per order type and time in force.

Prices compare against the quote of the current market step. A stop or if-touched order first
waits for its trigger; once triggered it trades as a market (STP, MIT, TRAIL) or limit (STP LMT,
LIT, TRAIL LIMIT) order. Auction orders (MOC, LOC, and OPG) trade only in their auction.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from blotter.sim.market import Quote
from blotter.sim.model import Instrument, OrderSpec, SimOrder

MARKET_LIKE = {"MKT", "MOC"}
LIMIT_LIKE = {"LMT", "LOC"}
TRAIL_TYPES = {"TRAIL", "TRAIL LIMIT"}
STOP_TYPES = {"STP", "STP LMT"} | TRAIL_TYPES
TOUCH_TYPES = {"MIT", "LIT"}
AUCTION_TYPES = {"MOC", "LOC"}
# Types IB holds in its own system until elected: they show PreSubmitted, not Submitted.
HELD_TYPES = STOP_TYPES | TOUCH_TYPES | AUCTION_TYPES
ORDER_TYPES = MARKET_LIKE | LIMIT_LIKE | STOP_TYPES | TOUCH_TYPES
# The name each order type has in a contract's orderTypes list.
DETAIL_NAMES = {
    "MKT": "MKT", "LMT": "LMT", "STP": "STP", "STP LMT": "STPLMT", "TRAIL": "TRAIL",
    "TRAIL LIMIT": "TRAILLMT", "MOC": "MOC", "LOC": "LOC", "MIT": "MIT", "LIT": "LIT",
}
TIFS = {"DAY", "GTC", "IOC", "FOK", "GTD", "OPG", "DTC"}
# The name a TIF has in a contract's orderTypes list where it differs (DTC: deactivate at end of day).
TIF_DETAIL_NAMES = {"DTC": "DEACTEOD"}
TWS_ZONE = "US/Eastern"  # the simulated TWS's own time zone (times sent without one are in it)


def waits_for_auction(spec: OrderSpec) -> bool:
    return spec.order_type in AUCTION_TYPES or spec.tif == "OPG"


def is_held(spec: OrderSpec) -> bool:
    """True for orders IB keeps in its own system (PreSubmitted) until elected or their auction."""
    return spec.order_type in HELD_TYPES or waits_for_auction(spec)


def ignores_outside_rth(spec: OrderSpec, inst: Instrument) -> bool:
    """IB ignores outsideRth on a stock market order (warning 2109): it waits for regular hours."""
    return spec.order_type == "MKT" and inst.sec_type == "STK"


def trades_outside_rth(spec: OrderSpec, inst: Instrument) -> bool:
    return spec.outside_rth and not ignores_outside_rth(spec, inst)


def parse_tws_time(text: str) -> datetime | None:
    """A TWS time as naive UTC, or None if unreadable: "YYYYMMDD HH:MM:SS [zone]" (no zone: TWS's
    own) or "YYYYMMDD-HH:MM:SS" (UTC)."""
    text = text.strip()
    try:
        if text[8:9] == "-":
            return datetime.strptime(text, "%Y%m%d-%H:%M:%S")
        stamp = datetime.strptime(text[:17], "%Y%m%d %H:%M:%S")
        zone = ZoneInfo(text[17:].strip() or TWS_ZONE)
    except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        return None
    return stamp.replace(tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)


def is_buy(order: SimOrder) -> bool:
    return order.spec.action == "BUY"


def update_trail(order: SimOrder, quote: Quote, tick: float) -> None:
    """Move a trailing order's stop level with the market (only ever toward it).

    It starts at the client's trailStopPrice if given (else TWS sets it from the market and records
    it there, so a TRAIL LIMIT's limit keeps its distance from it).
    """
    spec = order.spec
    if spec.order_type not in TRAIL_TYPES or order.triggered:
        return
    buy = is_buy(order)
    ref = quote.ask if buy else quote.bid
    gap = spec.aux_price if spec.trailing_percent is None else ref * spec.trailing_percent / 100
    level = _snap(ref + (gap or 0.0) if buy else ref - (gap or 0.0), tick, up=buy)
    if spec.trail_stop_price is None:
        order.spec = spec = replace(spec, trail_stop_price=level)
    start = spec.trail_stop_price if order.trail_stop is None else order.trail_stop
    assert start is not None  # set just above when the order had none
    order.trail_stop = min(start, level) if buy else max(start, level)


def _snap(price: float, tick: float, up: bool) -> float:
    """The price on the tick grid, rounded up or down (tolerant of float noise: 255.39 / 0.01)."""
    steps = round(price / tick, 6)
    return round((math.ceil(steps) if up else math.floor(steps)) * tick, 10)


def carry_trail(order: SimOrder, new: OrderSpec) -> OrderSpec:
    """The spec a modify leaves a trailing order with: its live stop is kept unless the trailing
    amount, percent or stop price changed before it fired (then it restarts from the market)."""
    old = order.spec
    if new.order_type not in TRAIL_TYPES:
        return new
    same = (new.aux_price, new.trailing_percent) == (old.aux_price, old.trailing_percent) \
        and new.trail_stop_price in (None, old.trail_stop_price)
    if same or order.triggered:
        return replace(new, trail_stop_price=old.trail_stop_price)
    order.trail_stop = None
    return new


def check_trigger(order: SimOrder, quote: Quote) -> bool:
    """Elect a stop / if-touched order when the market reaches its trigger. True if it fired now."""
    spec = order.spec
    if order.triggered or spec.order_type not in STOP_TYPES | TOUCH_TYPES:
        return False
    level = order.trail_stop if spec.order_type in TRAIL_TYPES else spec.aux_price
    if level is None:
        return False
    if spec.order_type in STOP_TYPES:  # buy stops above the market, sell stops below it
        fired = quote.ask >= level if is_buy(order) else quote.bid <= level
    else:  # if-touched: buy below the market, sell above it
        fired = quote.ask <= level if is_buy(order) else quote.bid >= level
    order.triggered = fired
    return fired


def limit_of(order: SimOrder) -> float | None:
    """The limit an elected order trades at, or None for market-like orders."""
    spec = order.spec
    if spec.order_type in ("LMT", "LOC", "STP LMT", "LIT"):
        return spec.lmt_price
    if spec.order_type == "TRAIL LIMIT" and order.trail_stop is not None:
        # lmtPrice is the limit for the initial stop; the limit trails the stop at that distance
        offset = 0.0
        if spec.lmt_price is not None and spec.trail_stop_price is not None:
            offset = spec.lmt_price - spec.trail_stop_price
        return round(order.trail_stop + offset, 10)
    return None


def tradable_price(order: SimOrder, quote: Quote) -> float | None:
    """The price this order trades at against the quote now, or None if it cannot trade."""
    spec = order.spec
    if spec.order_type in STOP_TYPES | TOUCH_TYPES and not order.triggered:
        return None
    touch = quote.ask if is_buy(order) else quote.bid
    if touch <= 0:
        return None
    limit = limit_of(order)
    if limit is None:
        return touch
    if is_buy(order):
        return touch if touch <= limit else None
    return touch if touch >= limit else None
