"""blotter.ib.protobuf_events against ibapi's protobuf decoder feeding the Bridge: the same events
from the simulator's frames at 226 (every order shape and fill of its encoder tests) and from
generated messages; nothing refused that ibapi reads; and a field in the wrong wire type refused
wherever in the message it is."""

from __future__ import annotations

import importlib
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


def _varint(n: int) -> bytes:
    out = b""
    while n > 0x7F:
        out, n = out + bytes([n & 0x7F | 0x80]), n >> 7
    return out + bytes([n])


def _nodes(descriptor: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every message a `descriptor` message may hold, as its path of fields (maps apart: vetting skips them)."""
    paths = [path]
    for f in descriptor.fields:
        if f.message_type is not None and not f.message_type.GetOptions().map_entry:
            paths += _nodes(f.message_type, path + (f,))
    return paths


def _misfit_at(cls: Any, path: tuple[Any, ...]) -> bytes:
    """What appended to a `cls` frame puts a field in the wrong wire type into the message at `path`."""
    descriptor = path[-1].message_type if path else cls.DESCRIPTOR
    f = descriptor.fields[0]
    fixed32 = f.type in (f.TYPE_FLOAT, f.TYPE_FIXED32, f.TYPE_SFIXED32)
    inner = _varint(f.number << 3 | (1 if fixed32 else 5)) + bytes(8 if fixed32 else 4)
    for holder in reversed(path):
        inner = _varint(holder.number << 3 | 2) + _varint(len(inner)) + inner
    return inner


@pytest.mark.parametrize("msg_id", sorted(HOT))
def test_a_field_in_the_wrong_wire_type_is_refused_wherever_it_is_held_once_its_contract_was_seen(msg_id):
    """The fast reader vets only a message with unknown fields where it looks (a contract seen is clean):
    every message the schema lets it hold is looked at."""
    cls = getattr(importlib.import_module(f"ibapi.protobuf.{HOT[msg_id]}_pb2"), HOT[msg_id])
    good = cls()
    for f in cls.DESCRIPTOR.fields:
        if f.message_type is not None and not f.is_repeated:
            getattr(good, f.name).SetInParent()
    if "contract" in cls.DESCRIPTOR.fields_by_name:
        good.contract.conId, good.contract.symbol = 8314, "IBM"
    head, body = (200 + msg_id).to_bytes(4, "big"), good.SerializeToString()
    for path in _nodes(cls.DESCRIPTOR):
        frames = [head + body, head + body + _misfit_at(cls, path)]
        for fast in (True, False):
            skips = _Skips()
            events = events_of(frames, fast=fast, skips=skips)
            where = ".".join(f.name for f in path) or "top"
            assert (len(events), skips.count) == (1, 1), f"{HOT[msg_id]} at {where}, fast={fast}"
