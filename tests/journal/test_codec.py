"""Every journaled event type goes to JSON and back exactly: Decimals keep their digits, floats their bits,
nested contracts and orders every field; a record that is not what it claims is refused, not guessed."""

from __future__ import annotations

import typing
from dataclasses import fields
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from blotter.domain import events as ev
from blotter.journal import codec
from tests.domain.factories import ES, commission, completed, execution, fields as order, message, \
    open_order, sent, status

INTS = st.integers(-(2**63), 2**63 - 1)
FLOATS = st.floats(allow_nan=False)  # NaN is never equal to itself; infinities and -0.0 are kept
DECIMALS = st.decimals(allow_nan=False, allow_infinity=False)
TEXT = st.text(max_size=30)


def strategy(tp: typing.Any) -> st.SearchStrategy:
    if tp is int:
        return INTS
    if tp is float:
        return FLOATS
    if tp is str:
        return TEXT
    if tp is bool:
        return st.booleans()
    if tp is Decimal:
        return DECIMALS
    if tp in (ev.ContractRef, ev.OrderFields):
        return events_of(tp)
    args = typing.get_args(tp)
    if type(None) in args:
        [inner] = [a for a in args if a is not type(None)]
        return st.none() | strategy(inner)
    raise TypeError(tp)


def events_of(cls: type) -> st.SearchStrategy:
    hints = typing.get_type_hints(cls)
    return st.builds(cls, **{f.name: strategy(hints[f.name]) for f in fields(cls)})


def same(a: object, b: object) -> bool:
    """Equal, and equal as written out: Decimal('1.50') is not Decimal('1.5'), -0.0 is not 0.0."""
    return a == b and repr(a) == repr(b)


def round_trip(event: object) -> object:
    kind, data, at = codec.encode(event)  # type: ignore[arg-type]
    return codec.decode(kind, data, at)


@pytest.mark.parametrize("cls", codec.JOURNALED, ids=lambda c: c.__name__)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_journaled_event_type_round_trips_exactly(cls, data):
    event = data.draw(events_of(cls))
    assert same(round_trip(event), event)


HAND_MADE = [
    open_order(5, 999, contract=ES, order=order("SELL", "0.5", "STP LMT", 4999.75, aux_price=5000.25,
                                                     outside_rth=True, account="DU1", oca_group="g")),
    open_order(6, 0, what_if=True, commission=1.25, init_margin_change=-1e308, warning_text="margin ⚠"),
    status(5, 999, "PreSubmitted", "12.50", "87.50", 150.123456789),
    execution("0000e1a2.65f0a1b2.01.01", 5, 999, "1E+2", 0.1 + 0.2, "SLD"),
    commission("0000e1a2.65f0a1b2.01.01", 1.0000000000000002, None),
    commission("x.02", 0.0, -0.0, "EUR"),
    completed(1000, "Cancelled", "Cancelled by Trader", contract=ev.ContractRef(strike=142.5, right="C")),
    message(-1, 2104, "Market data farm connection is OK:usfarm"),
    ev.TwsMessage(7, 201, "Order rejected", advanced_reject_json='{"rejectCode": 1}', time_ms=1795186800123),
    ev.OrderBound(1351823400, 0, -3),
    sent(7), sent(7, "modify", order=order(lmt=151.0)), sent(7, "cancel"), ev.OrderSent("cancel_all", 0, 1, at=9.5),
    ev.Refused("new", 0, "not connected to TWS: nothing was sent", 3.25),
]


@pytest.mark.parametrize("event", HAND_MADE, ids=lambda e: type(e).__name__)
def test_hand_made_events_round_trip_exactly(event):
    assert same(round_trip(event), event)


def test_decimals_keep_their_exponent_and_the_time_sits_outside_the_json():
    event = status(5, 999, filled="12.50", at=1795186800.125)
    kind, data, at = codec.encode(event)
    assert kind == "StatusUpdate" and at == 1795186800.125
    assert '"filled":"12.50"' in data and "received" not in data


def test_the_same_state_at_another_time_is_the_same_json():
    """What lets the journal drop a repeated status without comparing field by field."""
    assert codec.encode(status(5, 999, at=1.0))[1] == codec.encode(status(5, 999, at=2.0))[1]


def test_a_codec_that_misses_a_field_fails_at_import():
    with pytest.raises(TypeError, match="lists"):
        codec.Spec(ev.Refused, "at", ("kind", codec.STR), ("order_id", codec.INT))


@pytest.mark.parametrize("kind, data, match", [
    ("Nope", "{}", "unknown record kind"),
    ("Refused", "not json", "not JSON"),
    ("Refused", "[1]", "not a JSON object"),
    ("Refused", '{"kind":"new","order_id":"7","reason":""}', "order_id"),
    ("StatusUpdate", '{"filled":1.5}', "filled"),
    ("OpenOrder", '{"contract":{"con_id":true}}', "con_id"),
    ("Refused", '{"kind":"new"}', "Refused"),  # order_id and reason have no default
])
def test_a_record_that_is_not_what_it_claims_is_refused(kind, data, match):
    with pytest.raises(codec.FormatError, match=match):
        codec.decode(kind, data, 0.0)


def test_events_the_journal_does_not_keep_are_not_encoded():
    with pytest.raises(KeyError):
        codec.encode(ev.Tick(1, "bid", 1.0))  # type: ignore[arg-type]
    assert ev.Connection not in codec.SPECS and ev.Resynced not in codec.SPECS
