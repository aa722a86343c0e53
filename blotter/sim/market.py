"""The simulator's clock and its market: a seeded random walk per instrument, on the tick grid.

Each `Market.step()` moves every price once; the touch (bid / ask and their sizes) is fresh every
step, and what orders take from it is gone until the next step, so large orders fill in parts.
Everything is deterministic given the seed and the number of steps.
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Iterable
from zoneinfo import ZoneInfo

from blotter.records import frozen, record
from blotter.sim.instruments import MARKET_RULES, increment_at, rule_ids
from blotter.sim.model import Instrument

EASTERN = ZoneInfo("US/Eastern")  # the simulated TWS's own zone: its market hours and the times it shows


class SimClock:
    """What the simulator reads as now: wall time, or a manual clock that moves only when told."""

    def __init__(self, start: datetime | None = None) -> None:
        self._start = start
        self._elapsed = 0.0
        self._origin = time.monotonic()

    @classmethod
    def real(cls) -> SimClock:
        return cls()

    @classmethod
    def manual(cls, start: datetime) -> SimClock:
        """A clock that stands at `start` (naive UTC) until `advance` moves it."""
        return cls(start.replace(tzinfo=None))

    @property
    def is_manual(self) -> bool:
        return self._start is not None

    def now(self) -> datetime:
        """Naive UTC."""
        if self._start is None:
            return datetime.now(timezone.utc).replace(tzinfo=None)
        return self._start + timedelta(seconds=self._elapsed)

    def eastern(self) -> datetime:
        """Now in US/Eastern (aware), where the market's hours and TWS's shown times are."""
        return self.now().replace(tzinfo=timezone.utc).astimezone(EASTERN)

    @property
    def seconds(self) -> float:
        """Monotonic seconds since the clock was made."""
        return self._elapsed if self._start is not None else time.monotonic() - self._origin

    def advance(self, seconds: float) -> None:
        if self._start is None:
            raise RuntimeError("a real-time clock cannot be advanced")
        if seconds < 0:
            raise ValueError("time does not go backwards")
        self._elapsed += seconds


@frozen
class Quote:
    """The touch and the last trade of one instrument at one market step (sizes still on offer)."""

    bid: float
    ask: float
    last: float
    bid_size: Decimal
    ask_size: Decimal
    last_size: Decimal


@record
class _Book:
    inst: Instrument
    last: Decimal
    bid: Decimal = Decimal(0)
    ask: Decimal = Decimal(0)
    bid_size: Decimal = Decimal(0)
    ask_size: Decimal = Decimal(0)
    last_size: Decimal = Decimal(0)


class Market:
    """Prices of every instrument, moved one step at a time by one seeded random generator."""

    def __init__(self, instruments: Iterable[Instrument], seed: int = 0) -> None:
        self._rng = random.Random(seed)
        self._books: dict[int, _Book] = {}
        for inst in instruments:
            book = _Book(inst, _snap(inst, Decimal(str(inst.start_price))))
            self._books[inst.con_id] = book
            self._refresh(book)
        self.steps = 0

    def step(self) -> None:
        """Move every price once and show a fresh touch."""
        for book in self._books.values():
            move = self._rng.gauss(0.0, book.inst.volatility)
            book.last = _snap(book.inst, book.last * (1 + Decimal(repr(move))))
            self._refresh(book)
        self.steps += 1

    def quote(self, con_id: int) -> Quote:
        b = self._books[con_id]
        return Quote(float(b.bid), float(b.ask), float(b.last), b.bid_size, b.ask_size, b.last_size)

    def available(self, con_id: int, side: str) -> Decimal:
        """What a BUY (at the ask) or SELL (at the bid) could take now, without taking it."""
        book = self._books[con_id]
        return book.ask_size if side == "BUY" else book.bid_size

    def take(self, con_id: int, side: str, qty: Decimal) -> Decimal:
        """Take up to `qty` at the touch (BUY lifts the ask, SELL hits the bid); returns what was got."""
        book = self._books[con_id]
        got = max(Decimal(0), min(qty, self.available(con_id, side)))
        if side == "BUY":
            book.ask_size -= got
        else:
            book.bid_size -= got
        return got

    def _refresh(self, book: _Book) -> None:
        """A new touch around the last price: bid 0..1 tick below it, ask 1..2 ticks above the bid."""
        inst, rng = book.inst, self._rng
        book.bid = book.last
        for _ in range(rng.randint(0, 1)):
            book.bid = _tick_down(inst, book.bid)
        book.ask = book.bid
        for _ in range(rng.randint(1, 2)):
            book.ask = _tick_up(inst, book.ask)
        book.bid_size = _lot(inst, inst.touch_size * rng.uniform(0.2, 1.5))
        book.ask_size = _lot(inst, inst.touch_size * rng.uniform(0.2, 1.5))
        book.last_size = _lot(inst, inst.touch_size * rng.uniform(0.01, 0.5))


def _smallest(inst: Instrument) -> Decimal:
    return Decimal(str(MARKET_RULES[rule_ids(inst)[0]][0][1]))


def _snap(inst: Instrument, price: Decimal) -> Decimal:
    """The nearest price on the grid, never below one smallest increment."""
    price = max(price, _smallest(inst))
    step = increment_at(inst, price)
    snapped = (price / step).to_integral_value(ROUND_HALF_EVEN) * step
    if snapped % increment_at(inst, snapped):  # rounded across a band edge
        snapped = (snapped / increment_at(inst, snapped)).to_integral_value() * increment_at(inst, snapped)
    return max(snapped, _smallest(inst))


def _tick_up(inst: Instrument, price: Decimal) -> Decimal:
    return price + increment_at(inst, price)


def _tick_down(inst: Instrument, price: Decimal) -> Decimal:
    """One tick lower, by the increment of the band just below `price`; never to zero."""
    below = price - _smallest(inst) / 2
    lower = price - increment_at(inst, below)
    return lower if lower > 0 else price


def _lot(inst: Instrument, raw: float) -> Decimal:
    """A displayed size in whole lots: the suggested size increment (round lots of 100 shares, one
    contract), or a power of ten near 1% of the touch size where that is larger (FX)."""
    lot = max(inst.suggested_size_increment, Decimal(10) ** (len(str(inst.touch_size // 100)) - 1))
    return max(Decimal(1), Decimal(round(raw / float(lot)))) * lot
