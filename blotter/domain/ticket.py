"""What a trader asks for (OrderRequest) and what the contract allows (ContractRules), before validation.

An OrderRequest holds Decimals (prices are checked on their grid in Decimal); `to_fields()` turns it
into the OrderFields the session sends, with floats for the wire. ContractRules come from
contractDetails (ContractInfo) and the market rule of the contract's exchange (MarketRule).
"""

from __future__ import annotations

from dataclasses import field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Iterable, Mapping

from blotter.domain.events import ContractInfo, ContractRef, MarketRule, OrderFields
from blotter.domain import times
from blotter.domain.prices import Grid, to_decimal
from blotter.records import frozen

SIDES = ("BUY", "SELL")
TWS_ZONE = "US/Eastern"  # the zone TWS reads a goodTillDate without one in (its own; configurable per call)


@frozen
class OrderKind:
    """An order type: its wire name, its names in contractDetails' orderTypes, and the prices it carries."""

    name: str
    details: tuple[str, ...]
    limit: bool = False  # carries (and needs) a limit price
    aux: str = ""  # what its aux price is called ("stop", "trigger", "trailing amount"); "": it has none
    trailing: bool = False  # aux is a trailing amount, or a trailing percent stands in for it
    auction: bool = False  # trades in the closing auction: DAY only


ORDER_KINDS: dict[str, OrderKind] = {k.name: k for k in (
    OrderKind("MKT", ("MKT",)),
    OrderKind("LMT", ("LMT",), limit=True),
    OrderKind("STP", ("STP",), aux="stop"),
    OrderKind("STP LMT", ("STPLMT",), limit=True, aux="stop"),
    OrderKind("TRAIL", ("TRAIL",), aux="trailing amount", trailing=True),
    OrderKind("TRAIL LIMIT", ("TRAILLMT", "TRAILLIMIT"), limit=True, aux="trailing amount", trailing=True),
    OrderKind("MOC", ("MOC",), auction=True),
    OrderKind("LOC", ("LOC",), limit=True, auction=True),
    OrderKind("MIT", ("MIT",), aux="trigger"),
    OrderKind("LIT", ("LIT",), limit=True, aux="trigger"),
)}
# TIF -> its name in orderTypes (DTC, "deactivate at end of day", is listed as DEACTEOD)
TIFS: dict[str, str] = {"DAY": "DAY", "GTC": "GTC", "IOC": "IOC", "FOK": "FOK", "GTD": "GTD", "OPG": "OPG",
                        "DTC": "DEACTEOD"}


def word(value: object) -> str:
    """A keyword as compared: text, trimmed, upper case (anything else: its text)."""
    return " ".join(str(value).split()).upper() if value is not None else ""


@frozen
class OrderRequest:
    """A new order (or the changed order of a modify) as the ticket or the quick line produced it."""

    side: str
    quantity: Decimal
    symbol: str
    order_type: str = "LMT"
    lmt_price: Decimal | None = None
    aux_price: Decimal | None = None  # stop / trigger price, or a trailing amount
    trailing_percent: Decimal | None = None
    trail_stop_price: Decimal | None = None  # a trailing order's initial stop (optional)
    tif: str = "DAY"
    gtd: datetime | str | None = None  # GTD: aware datetime, naive (TWS's zone), or TWS text
    outside_rth: bool = False
    account: str = ""
    sec_type: str = ""  # a hint from the quick line (FUT, OPT...); "" when not given

    @property
    def gtd_text(self) -> str:
        """goodTillDate as TWS reads it: "YYYYMMDD-HH:MM:SS" for UTC, "YYYYMMDD HH:MM:SS" in TWS's zone."""
        when = self.gtd
        if isinstance(when, datetime):
            try:
                if when.tzinfo is not None:
                    return when.astimezone(timezone.utc).strftime("%Y%m%d-%H:%M:%S")
                return when.strftime("%Y%m%d %H:%M:%S")
            except (OverflowError, ValueError):  # out of range once in UTC: no time TWS could read
                return str(when)
        return " ".join(str(when).split()) if when else ""

    def to_fields(self, order_ref: str = "") -> OrderFields:
        """The order for the wire: keywords upper case, prices as floats (already checked as Decimals)."""
        return OrderFields(
            action=word(self.side), total_quantity=to_decimal(self.quantity) or Decimal(0),
            order_type=word(self.order_type), lmt_price=_float(self.lmt_price), aux_price=_float(self.aux_price),
            tif=word(self.tif) or "DAY", account=str(self.account or ""), outside_rth=bool(self.outside_rth),
            order_ref=order_ref, trailing_percent=_float(self.trailing_percent),
            trail_stop_price=_float(self.trail_stop_price), good_till_date=self.gtd_text,
        )

    @classmethod
    def from_fields(cls, order: OrderFields, contract: ContractRef) -> OrderRequest:
        """A working order as a request: where a modify starts from (TWS echoes 0 for "no price")."""
        return cls(
            side=order.action, quantity=order.total_quantity, symbol=contract.symbol, order_type=order.order_type,
            lmt_price=_echoed(order.lmt_price), aux_price=_echoed(order.aux_price),
            trailing_percent=_echoed(order.trailing_percent),
            trail_stop_price=_echoed(order.trail_stop_price), tif=order.tif or "DAY",
            gtd=order.good_till_date or None, outside_rth=order.outside_rth, account=order.account,
            sec_type=contract.sec_type,
        )


def _echoed(value: float | None) -> Decimal | None:
    number = to_decimal(value)
    return number if number else None


def _float(value: object) -> float | None:
    number = to_decimal(value)
    return None if number is None else float(number)


@frozen
class ContractRules:
    """What one contract allows: its price grid, order types and TIFs, sizes, multiplier and currency."""

    symbol: str
    sec_type: str = "STK"
    currency: str = "USD"
    local_symbol: str = ""
    min_tick: Decimal = Decimal(0)
    bands: tuple[tuple[Decimal, Decimal], ...] = ()  # the market rule: (low edge, increment)
    order_types: frozenset[str] = field(default_factory=frozenset)  # empty: unknown, not checked
    min_size: Decimal = Decimal(1)
    size_increment: Decimal = Decimal(1)
    multiplier: Decimal = Decimal(1)

    @classmethod
    def from_details(cls, info: ContractInfo, rules: Iterable[MarketRule] | Mapping[int, MarketRule] = (),
                     exchange: str = "") -> ContractRules:
        """Rules from contractDetails and the market rules at hand (the exchange's rule, else minTick)."""
        by_id = rules if isinstance(rules, Mapping) else {r.rule_id: r for r in rules}
        wanted = rule_id_for(info, exchange)
        rule = by_id.get(wanted) if wanted is not None else None
        tick = to_decimal(info.min_tick) or Decimal(0)
        grid = Grid.of(rule.bands if rule is not None else (), tick)
        c = info.contract
        return cls(
            symbol=c.symbol, sec_type=c.sec_type, currency=c.currency, local_symbol=c.local_symbol,
            min_tick=tick, bands=grid.bands,
            order_types=frozenset(word(t) for t in info.order_types.split(",") if t.strip()),
            min_size=to_decimal(info.min_size) or Decimal(1), size_increment=to_decimal(info.size_increment)
            or Decimal(1), multiplier=to_decimal(c.multiplier) or Decimal(1),
        )

    @property
    def grid(self) -> Grid:
        return Grid(self.bands) if self.bands else Grid.of((), self.min_tick)

    @property
    def name(self) -> str:
        """The contract as a trader reads it (ESZ6, EUR.USD, AAPL)."""
        if self.sec_type in ("FUT", "OPT", "FOP", "CASH") and self.local_symbol:
            return self.local_symbol
        return self.symbol

    @property
    def whole_units(self) -> bool:
        """True when only whole units trade (no fractional shares)."""
        return self.size_increment == self.size_increment.to_integral_value() \
            and self.min_size == self.min_size.to_integral_value()

    def offers(self, names: Iterable[str]) -> bool:
        """Whether contractDetails list one of these names (an unknown list is not held against an order)."""
        return not self.order_types or any(n in self.order_types for n in names)


def rule_id_for(info: ContractInfo, exchange: str = "") -> int | None:
    """The market rule of the order's exchange: marketRuleIds run parallel to validExchanges."""
    ids = [r.strip() for r in info.market_rule_ids.split(",")]
    venues = [v.strip().upper() for v in info.valid_exchanges.split(",")]
    venue = (exchange or info.contract.exchange).upper()
    pick = ids[venues.index(venue)] if venue in venues and venues.index(venue) < len(ids) else ids[0]
    return int(pick) if pick.isdigit() else None


def tws_time(value: str | None, tws_zone: str = TWS_ZONE) -> datetime | None:
    """A goodTillDate as TWS reads it, as an aware datetime: "YYYYMMDD HH:MM:SS [zone]" (no zone: TWS's
    own) or "YYYYMMDD-HH:MM:SS" (UTC). None if TWS could not read it."""
    return times.tws_time(value, times.zone(tws_zone) or timezone.utc)
