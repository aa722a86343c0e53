"""The journal's JSON of each recorded event: an explicit encoder and decoder per event type.

Every field of every journaled dataclass is listed here with how it is written, so a Decimal, a float and
the nested ContractRef / OrderFields come back exactly (a field added to an event and not listed here
fails at import, not silently in a journal). The event's own time is kept out of the JSON: the journal
stores it in a column of its own, which makes two records of the same state byte-equal.
"""

from __future__ import annotations

import json
from dataclasses import fields as dataclass_fields
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from blotter.domain.events import (
    AccountValue, Commission, CompletedOrder, ContractRef, Event, Execution, OpenOrder, OrderBound, OrderFields,
    OrderSent, Position, Refused, StatusUpdate, TwsMessage,
)


class FormatError(ValueError):
    """A journal record that does not decode as the event it claims to be."""


Codec = tuple[Callable[[Any], Any], Callable[[Any], Any]]  # (to JSON value, from JSON value)


def _fail(what: str, value: Any) -> Any:
    raise FormatError(f"expected {what}, found {value!r}")


def _int_in(v: Any) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) else _fail("a whole number", v)


def _float_in(v: Any) -> float:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else _fail("a number", v)


def _str_in(v: Any) -> str:
    return v if isinstance(v, str) else _fail("text", v)


def _bool_in(v: Any) -> bool:
    return v if isinstance(v, bool) else _fail("true or false", v)


def _decimal_in(v: Any) -> Decimal:
    if not isinstance(v, str):
        return _fail("a decimal as text", v)
    try:
        return Decimal(v)
    except InvalidOperation:
        return _fail("a decimal", v)


def _optional(codec: Codec) -> Codec:
    out, back = codec
    return (lambda v: None if v is None else out(v)), (lambda v: None if v is None else back(v))


_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode


def _same(value: Any) -> Any:
    return value


INT: Codec = (_same, _int_in)  # ints, floats, text and booleans are written as they are
FLOAT: Codec = (_same, _float_in)  # JSON writes a float's repr: it reads back as the same float
STR: Codec = (_same, _str_in)
BOOL: Codec = (_same, _bool_in)
DECIMAL: Codec = (str, _decimal_in)  # str(Decimal) keeps digits and exponent: Decimal("1.50") stays "1.50"
OPT_FLOAT: Codec = (_same, _optional(FLOAT)[1])
_PLAIN = {  # a decoder -> the test (on "{v}") that a JSON value already is what it decodes to
    INT[1]: "{v}.__class__ is int", FLOAT[1]: "{v}.__class__ is float", STR[1]: "{v}.__class__ is str",
    BOOL[1]: "{v}.__class__ is bool", OPT_FLOAT[1]: "({v} is None or {v}.__class__ is float)",
}


def _writer(spec: tuple[tuple[str, Codec], ...]) -> Callable[[Any], dict[str, Any]]:
    """A function building the JSON object of a value from its listed fields, in one expression: the
    journal encodes tens of thousands of events a second, and a call per field would halve that."""
    names: dict[str, Any] = {}
    items = []
    for i, (name, (out, _)) in enumerate(spec):
        if out is _same:
            items.append(f"{name!r}: v.{name}")
        else:
            names[f"f{i}"] = out
            items.append(f"{name!r}: f{i}(v.{name})")
    return eval(f"lambda v: {{{', '.join(items)}}}", names)  # noqa: S307 - built from the specs above only


def _reader(cls: type, spec: tuple[tuple[str, Codec], ...], time_field: str | None = None) -> Callable[..., Any]:
    """A function making the value from a JSON object that has every listed field, each checked by its
    type inline (a call only when it is not the plain case); a restart reads a day of records at once.
    Anything unusual (a missing field, a wrong type) raises, and the caller takes the slow, exact path."""
    names: dict[str, Any] = {"cls": cls}
    args = []
    for i, (name, (_, back)) in enumerate(spec):
        names[f"f{i}"] = back
        plain = _PLAIN.get(back)
        if plain is None:
            args.append(f"{name}=f{i}(d[{name!r}])")
        else:
            args.append(f"{name}=(v{i} if {plain.format(v=f'(v{i} := d[{name!r}])')} else f{i}(v{i}))")
    if time_field:
        args.append(f"{time_field}=at")
    return eval(f"lambda d, at=0.0: cls({', '.join(args)})", names)  # noqa: S307 - built from the specs only


def _record(cls: type, spec: tuple[tuple[str, Codec], ...]) -> Codec:
    """A nested frozen dataclass as a JSON object of its listed fields."""
    out, fast = _writer(spec), _reader(cls, spec)

    def back(value: Any) -> Any:
        try:
            return fast(value)
        except Exception:
            if not isinstance(value, dict):
                return _fail(f"a {cls.__name__} object", value)
            return cls(**_fields_in(cls, spec, value))
    return out, back


def _fields_in(cls: type, spec: tuple[tuple[str, Codec], ...], data: dict[str, Any]) -> dict[str, Any]:
    """Decoded keyword arguments; a field missing from an older record takes its default (if it has one)."""
    args: dict[str, Any] = {}
    for name, codec in spec:
        if name in data:
            try:
                args[name] = codec[1](data[name])
            except FormatError as exc:
                raise FormatError(f"{cls.__name__}.{name}: {exc}") from None
    return args


CONTRACT_FIELDS: tuple[tuple[str, Codec], ...] = (
    ("con_id", INT), ("symbol", STR), ("sec_type", STR), ("exchange", STR), ("primary_exchange", STR),
    ("currency", STR), ("local_symbol", STR), ("trading_class", STR), ("multiplier", STR),
    ("last_trade_date", STR), ("strike", FLOAT), ("right", STR),
)
ORDER_FIELDS: tuple[tuple[str, Codec], ...] = (
    ("action", STR), ("total_quantity", DECIMAL), ("order_type", STR), ("lmt_price", OPT_FLOAT),
    ("aux_price", OPT_FLOAT), ("tif", STR), ("account", STR), ("outside_rth", BOOL), ("order_ref", STR),
    ("parent_id", INT), ("trailing_percent", OPT_FLOAT), ("trail_stop_price", OPT_FLOAT),
    ("good_till_date", STR), ("oca_group", STR),
)
CONTRACT = _record(ContractRef, CONTRACT_FIELDS)
ORDER = _record(OrderFields, ORDER_FIELDS)
OPT_CONTRACT = _optional(CONTRACT)
OPT_ORDER = _optional(ORDER)


class Spec:
    """How one event type is journaled: its fields (but its time) and the field holding its time."""

    def __init__(self, cls: type, time_field: str | None, *spec: tuple[str, Codec]) -> None:
        self.cls, self.kind, self.time_field, self.fields = cls, cls.__name__, time_field, spec
        listed = {name for name, _ in spec} | ({time_field} if time_field else set())
        actual = {f.name for f in dataclass_fields(cls)}
        if listed != actual:  # an event gained or lost a field: say so now, not with a half-written journal
            raise TypeError(f"journal codec for {cls.__name__} lists {sorted(listed)}, the event has {sorted(actual)}")
        self._build = _writer(spec)
        self._read = _reader(cls, spec, time_field)

    def encode(self, event: Any) -> str:
        return _json(self._build(event))

    def decode(self, text: str, at: float) -> Any:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise FormatError(f"{self.kind}: not JSON ({exc})") from None
        try:
            return self._read(data, at)
        except Exception:  # not the plain case: the slow path decodes it or says exactly what is wrong
            pass
        if not isinstance(data, dict):
            raise FormatError(f"{self.kind}: not a JSON object")
        args = _fields_in(self.cls, self.fields, data)
        if self.time_field:
            args[self.time_field] = at
        try:
            return self.cls(**args)
        except TypeError as exc:
            raise FormatError(f"{self.kind}: {exc}") from None

    def time_of(self, event: Any) -> float:
        return float(getattr(event, self.time_field)) if self.time_field else 0.0


SPECS: dict[type, Spec] = {spec.cls: spec for spec in (
    Spec(OpenOrder, "received",
         ("order_id", INT), ("client_id", INT), ("perm_id", INT), ("contract", CONTRACT), ("order", ORDER),
         ("status", STR), ("what_if", BOOL), ("commission", OPT_FLOAT), ("commission_currency", STR),
         ("init_margin_change", OPT_FLOAT), ("maint_margin_change", OPT_FLOAT),
         ("equity_with_loan_change", OPT_FLOAT), ("warning_text", STR)),
    Spec(CompletedOrder, "received",
         ("order_id", INT), ("client_id", INT), ("perm_id", INT), ("contract", CONTRACT), ("order", ORDER),
         ("status", STR), ("completed_time", STR), ("completed_status", STR), ("filled", DECIMAL)),
    Spec(StatusUpdate, "received",
         ("order_id", INT), ("status", STR), ("filled", DECIMAL), ("remaining", DECIMAL),
         ("avg_fill_price", FLOAT), ("perm_id", INT), ("parent_id", INT), ("last_fill_price", FLOAT),
         ("client_id", INT), ("why_held", STR), ("mkt_cap_price", FLOAT)),
    Spec(Execution, "received",
         ("req_id", INT), ("exec_id", STR), ("order_id", INT), ("client_id", INT), ("perm_id", INT),
         ("contract", CONTRACT), ("time", STR), ("account", STR), ("exchange", STR), ("side", STR),
         ("shares", DECIMAL), ("price", FLOAT), ("cum_qty", DECIMAL), ("avg_price", FLOAT), ("order_ref", STR),
         ("last_liquidity", INT)),
    Spec(Commission, "received",
         ("exec_id", STR), ("commission", FLOAT), ("currency", STR), ("realized_pnl", OPT_FLOAT)),
    Spec(TwsMessage, "received",
         ("id", INT), ("code", INT), ("text", STR), ("advanced_reject_json", STR), ("time_ms", INT)),
    Spec(OrderBound, None, ("perm_id", INT), ("client_id", INT), ("order_id", INT)),
    Spec(OrderSent, "at",
         ("kind", STR), ("order_id", INT), ("client_id", INT), ("contract", OPT_CONTRACT), ("order", OPT_ORDER)),
    Spec(Refused, "at", ("kind", STR), ("order_id", INT), ("reason", STR)),
    # what an earlier day's positions pane shows, as of the last of them (P&L streams are not kept)
    Spec(Position, "received", ("account", STR), ("contract", CONTRACT), ("position", DECIMAL), ("avg_cost", FLOAT)),
    Spec(AccountValue, "received", ("account", STR), ("tag", STR), ("value", STR), ("currency", STR)),
)}
BY_KIND: dict[str, Spec] = {spec.kind: spec for spec in SPECS.values()}
JOURNALED = tuple(SPECS)  # the event types the journal keeps: the day's order states, fills, messages, requests


def encode(event: Event) -> tuple[str, str, float]:
    """(kind, JSON without the time, the event's time) for a journaled event; KeyError for any other."""
    spec = SPECS[type(event)]
    return spec.kind, spec.encode(event), spec.time_of(event)


def decode(kind: str, text: str, at: float) -> Event:
    """The event a journal record holds; FormatError if it is not one."""
    spec = BY_KIND.get(kind)
    if spec is None:
        raise FormatError(f"unknown record kind {kind!r}")
    return spec.decode(text, at)
