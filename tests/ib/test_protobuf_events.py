"""blotter.ib.protobuf_events against ibapi's protobuf decoder feeding the Bridge: the same events
from the simulator's frames at 226 (every order shape and fill of its encoder tests) and from
generated messages; and nothing refused that ibapi reads."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ibapi.decoder import Decoder

from blotter.domain import events as ev
from blotter.ib._ibapi.client import Client
from blotter.ib.bridge import Bridge
from blotter.ib.protobuf_events import ProtobufEvents
from blotter.sim import encode_orders as eo
from blotter.sim import proto
from blotter.sim.frames import frame_message
from tests.sim.test_encode_orders import FILLS, ORDERS
from tests.sim.test_proto import values_of

VERSION = 226


class _Skips(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += "skipped" in record.getMessage()


def events_of(payloads: list[bytes], fast: bool, skips: _Skips | None = None) -> list[Any]:
    """The events the blotter's client makes of these frames (payloads after the length), one way or the
    other; `skips` counts the frames it logged as skipped."""
    out: list[Any] = []
    bridge = Bridge(out.append, clock=lambda: 1.0)
    client = Client(bridge, readers=ProtobufEvents(bridge).readers if fast else None)
    client.decoder = Decoder(bridge, VERSION)
    log = logging.getLogger("blotter.ib")
    handler = skips or _Skips()
    log.addHandler(handler)
    try:
        for payload in payloads:
            client._decode(payload, VERSION)
    finally:
        log.removeHandler(handler)
    return out


def payloads(*messages: Any) -> list[bytes]:
    return [frame_message(VERSION, m)[4:] for m in messages]


def as_ibapi_reads(events: list[Any]) -> list[Any]:
    """ibapi reads an absent realized P&L as 0.0; the fast reader as unset, as the text protocol has it."""
    return [e.__class__(**{**vars(e), "realized_pnl": e.realized_pnl or 0.0}) if isinstance(e, ev.Commission) else e
            for e in events]


def test_every_order_and_fill_gives_the_same_events_both_ways():
    messages = []
    for order in ORDERS.values():
        messages += [eo.open_order(VERSION, order), eo.order_status(VERSION, order), eo.completed_order(VERSION, order)]
    for fill in FILLS.values():
        messages += [eo.exec_details(VERSION, -1, fill), eo.commission_report(VERSION, fill)]
    frames = payloads(*messages)
    fast, ibapis = events_of(frames, fast=True), events_of(frames, fast=False)
    assert len(fast) == len(messages)
    assert as_ibapi_reads(fast) == ibapis


def test_an_opening_fill_realizes_nothing_as_in_the_text_protocol():
    opening = next(f for f in FILLS.values() if f.realized_pnl is None)
    [commission] = events_of(payloads(eo.commission_report(VERSION, opening)), fast=True)
    assert commission.realized_pnl is None
    [ibapis] = events_of(payloads(eo.commission_report(VERSION, opening)), fast=False)
    assert ibapis.realized_pnl == 0.0  # why the fast reader reads it itself


def test_a_what_if_order_is_left_to_ibapi():
    what_if = next(o for o in ORDERS.values() if o.spec.what_if)
    [fast] = events_of(payloads(eo.open_order(VERSION, what_if)), fast=True)
    assert fast.what_if and fast == events_of(payloads(eo.open_order(VERSION, what_if)), fast=False)[0]
    assert fast.init_margin_change is not None


# quantities travel as text: generated ones are numbers, as TWS sends them (a bad one: test_bad_frames)
QUANTITIES = {"totalQuantity", "filledQuantity", "suggestedSize", "shares", "cumQty", "filled", "remaining",
              "position", "positionAfter", "positionDesired", "allowedAllocQty", "desiredAllocQty"}
_QUANTITY = st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10**9, max_value=10**9).map(str)


def with_quantities(values: Any, data: Any) -> Any:
    """`values` with every quantity field drawn as a decimal number."""
    if isinstance(values, list):
        return [with_quantities(v, data) for v in values]
    if not isinstance(values, dict):
        return values
    return {k: data.draw(_QUANTITY) if k in QUANTITIES and isinstance(v, str) else with_quantities(v, data)
            for k, v in values.items()}


HOT = {3: "OrderStatus", 5: "OpenOrder", 11: "ExecutionDetails", 59: "CommissionAndFeesReport", 101: "CompletedOrder"}


@pytest.mark.parametrize("msg_id", sorted(HOT))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_any_message_gives_the_same_events_and_is_refused_only_where_ibapi_refuses_it(msg_id, data):
    values = with_quantities(data.draw(values_of(HOT[msg_id])), data)
    frame = (200 + msg_id).to_bytes(4, "big") + proto.encode(HOT[msg_id], values)
    fast_skips, ibapi_skips = _Skips(), _Skips()
    fast = events_of([frame], fast=True, skips=fast_skips)
    ibapis = events_of([frame], fast=False, skips=ibapi_skips)
    # the fast reader refuses only what ibapi refuses; it reads fewer fields, so where ibapi refuses a
    # message for one the blotter never reads (a condition, a combo leg) it keeps the message
    assert fast_skips.count <= ibapi_skips.count
    if not ibapi_skips.count:
        absent_pnl = msg_id == 59 and "realizedPNL" not in values
        assert (as_ibapi_reads(fast) if absent_pnl else fast) == ibapis


def test_the_session_reads_the_hot_messages_itself():
    from blotter.ib.session import Session, SessionConfig
    session = Session(SessionConfig(), lambda e: None)
    assert set(session.protobuf.readers) == set(HOT)
