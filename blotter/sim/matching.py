"""When a working order trades, and at what price: pure rules per order type.

Prices compare against the quote of the current market step. A stop or if-touched order first
waits for its trigger; once triggered it trades as a market (STP, MIT, TRAIL) or limit (STP LMT,
LIT, TRAIL LIMIT) order.
"""

from __future__ import annotations

from dataclasses import dataclass

from blotter.sim.model import SimOrder

MARKET_LIKE = {"MKT", "MOC"}
LIMIT_LIKE = {"LMT", "LOC"}
STOP_TYPES = {"STP", "STP LMT", "TRAIL", "TRAIL LIMIT"}
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


@dataclass(frozen=True)
class Quote:
    """The touch: best bid and ask and their sizes, and the last trade."""

    bid: float
    ask: float
    last: float
    bid_size: int = 0
    ask_size: int = 0
    last_size: int = 0


def is_buy(order: SimOrder) -> bool:
    return order.spec.action == "BUY"


def update_trail(order: SimOrder, quote: Quote, tick: float) -> None:
    """Move a trailing order's stop level with the market (only ever toward it)."""
    spec = order.spec
    if spec.order_type not in ("TRAIL", "TRAIL LIMIT") or order.triggered:
        return
    if is_buy(order):
        ref = quote.ask
        gap = spec.aux_price if spec.trailing_percent is None else ref * spec.trailing_percent / 100
        level = _snap(ref + (gap or 0.0), tick, up=True)
        order.trail_stop = level if order.trail_stop is None else min(order.trail_stop, level)
    else:
        ref = quote.bid
        gap = spec.aux_price if spec.trailing_percent is None else ref * spec.trailing_percent / 100
        level = _snap(ref - (gap or 0.0), tick, up=False)
        order.trail_stop = level if order.trail_stop is None else max(order.trail_stop, level)


def _snap(price: float, tick: float, up: bool) -> float:
    steps = price / tick
    whole = int(steps) if up is False else -int(-steps)
    return round(whole * tick, 10)


def check_trigger(order: SimOrder, quote: Quote) -> bool:
    """Elect a stop / if-touched order when the market reaches its trigger. True if it fired now."""
    spec = order.spec
    if order.triggered or spec.order_type not in STOP_TYPES | TOUCH_TYPES:
        return False
    level = order.trail_stop if spec.order_type in ("TRAIL", "TRAIL LIMIT") else spec.aux_price
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
    if spec.order_type == "TRAIL LIMIT":
        if spec.lmt_price is not None and order.trail_stop is not None:
            # lmtPrice on a TRAIL LIMIT is read as the offset from the stop level
            offset = spec.lmt_price
            return order.trail_stop + offset if is_buy(order) else order.trail_stop - offset
        return order.trail_stop
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
