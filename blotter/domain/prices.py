"""Price grids in Decimal: the increment that applies at a price (minTick, or a market rule's bands).

A float 144.80 is not a multiple of 0.01, so every check here runs on Decimals, and floats from the
wire are read as the decimal they print as. Remainders use `divmod`, which is exact.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation, localcontext
from typing import Iterable

from blotter.records import frozen

MAX_PRICE = Decimal("1e12")  # above this a figure is a typo, and grid arithmetic stops being cheap
_PREC = 80  # digits for grid arithmetic: quotients of any price up to MAX_PRICE fit with room to spare


def to_decimal(value: object) -> Decimal | None:
    """A number (Decimal, int, float, or text) as a finite Decimal, or None; a float reads as it prints."""
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, Decimal):
            number = value
        elif isinstance(value, (int, float, str)):
            number = Decimal(str(value).strip()) if not isinstance(value, int) else Decimal(value)
        else:
            return None
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def plain(value: Decimal) -> str:
    """A Decimal written out without exponent: 5E-5 -> 0.00005, 1.5E+3 -> 1500."""
    return format(value, "f")


def places(step: Decimal) -> int:
    """How many decimals a grid step shows: 0.01 -> 2, 0.25 -> 2, 5 -> 0."""
    return max(0, -step.normalize().as_tuple().exponent)  # type: ignore[operator]


def show(value: Decimal, step: Decimal) -> str:
    """A price as a trader reads it on a grid of `step`: 1490 -> 1490.00; 144.805 stays as typed."""
    with localcontext(prec=_PREC):
        exp = Decimal(1).scaleb(-places(step))
        try:
            shown = value.quantize(exp)
        except InvalidOperation:
            return plain(value)
        return plain(shown if shown == value else value)


@frozen
class Grid:
    """Price bands (low edge, increment), ascending from 0; no bands means no increment is known."""

    bands: tuple[tuple[Decimal, Decimal], ...] = ()

    @classmethod
    def of(cls, bands: Iterable[tuple[object, object]] = (), min_tick: object = None) -> Grid:
        """From a market rule's bands (floats as reqMarketRule gives them), else a single min tick."""
        clean: dict[Decimal, Decimal] = {}
        for low, step in bands:
            low_d, step_d = to_decimal(low), to_decimal(step)
            if low_d is not None and step_d is not None and low_d >= 0 and step_d > 0:
                clean[low_d] = step_d
        if not clean:
            tick = to_decimal(min_tick)
            if tick is None or tick <= 0:
                return cls()
            clean[Decimal(0)] = tick
        ordered = sorted(clean.items())
        return cls(((Decimal(0), ordered[0][1]),) + tuple(ordered[1:]) if ordered[0][0] > 0 else tuple(ordered))

    @property
    def known(self) -> bool:
        return bool(self.bands)

    def _band(self, price: Decimal) -> int:
        index = 0
        for i, (low, _) in enumerate(self.bands):
            if price >= low:
                index = i
        return index

    def step_at(self, price: Decimal) -> Decimal:
        """The increment that applies at `price` (a positive price)."""
        return self.bands[self._band(price)][1]

    def _top(self, index: int) -> Decimal | None:
        return self.bands[index + 1][0] if index + 1 < len(self.bands) else None

    def describe_band(self, price: Decimal) -> str:
        """Where the band of `price` lies, when there is more than one: "below 1", "from 1 to 3", "from 3 up"."""
        if len(self.bands) < 2:
            return ""
        index = self._band(price)
        low, top = self.bands[index][0], self._top(index)
        if index == 0:
            return f"below {plain(top.normalize())}" if top is not None else ""
        if top is None:
            return f"from {plain(low.normalize())} up"
        return f"from {plain(low.normalize())} to {plain(top.normalize())}"

    def on_grid(self, price: Decimal) -> bool:
        with localcontext(prec=_PREC):
            return divmod(price, self.step_at(price))[1] == 0

    def below(self, price: Decimal) -> Decimal | None:
        """The highest valid price at or below `price` (None if there is none above 0)."""
        with localcontext(prec=_PREC):
            index = self._band(price)
            while True:
                low, step = self.bands[index]
                candidate = divmod(price, step)[0] * step
                if candidate >= low:
                    return candidate if candidate > 0 else None
                index -= 1  # the floor fell under this band's edge: the answer is in the band below it
                whole, rest = divmod(low, self.bands[index][1])
                price = (whole - (0 if rest else 1)) * self.bands[index][1]

    def above(self, price: Decimal) -> Decimal:
        """The lowest valid price at or above `price`."""
        with localcontext(prec=_PREC):
            index = self._band(price)
            while True:
                step, top = self.bands[index][1], self._top(index)
                whole, rest = divmod(price, step)
                candidate = (whole + (1 if rest else 0)) * step
                if top is None or candidate < top:
                    return candidate
                index += 1  # the ceiling crossed into the next band: its first valid price
                price = top

    def ticks_between(self, a: Decimal, b: Decimal) -> Decimal:
        """How many increments separate two prices, band by band."""
        low, high = min(a, b), max(a, b)
        total = Decimal(0)
        with localcontext(prec=_PREC):
            for index, (edge, step) in enumerate(self.bands):
                top = self._top(index)
                start, end = max(low, edge), high if top is None else min(high, top)
                if end > start:
                    total += (end - start) / step
        return total
