"""blotter.sim.requests_proto, and what spans both generations: the protobuf requests ibapi sends
(server version 201 on) against the simulator's decoders, damaged ones, the versions at which each
request and order parameter is read, and the id every request the simulator does not serve gets back."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ibapi.client import EClient
from ibapi.client_utils import createOrderProto
from ibapi.common import WshEventData, getServerVersionForMessage
from ibapi.const import UNSET_DOUBLE, UNSET_INTEGER
from ibapi.execution import ExecutionFilter
from ibapi.order import Order
from ibapi.order_cancel import OrderCancel
from ibapi.protobuf.ConfigRequest_pb2 import ConfigRequest
from ibapi.protobuf.UpdateConfigRequest_pb2 import UpdateConfigRequest
from ibapi.scanner import ScannerSubscription

from blotter.sim import proto, proto_schema
from blotter.sim import requests as rq
from blotter.sim import versions as V
from blotter.sim.model import ContractSpec, OrderSpec
from blotter.sim.requests_proto import SCHEMAS, decode_proto
from blotter.sim.wire import WireError
from tests.conftest import make_sim
from tests.ibclient import IBClient
from tests.sim.test_requests import (
    CASES,
    _Conn,
    _Wrapper,
    _exec_filter,
    _mkt_data_bag,
    _with_expiry,
    decoded,
    expected_contract,
    expected_order,
    future,
    order,
    place_order_call,
    sent_payload,
    stock,
)

NEWEST = V.MAX_SUPPORTED
ID = 4242


def pb(msg_id: int, values: dict[str, Any], version: int = NEWEST) -> rq.Request:
    """Decode protobuf made by hand from `values` as request `msg_id`."""
    return decode_proto(version, msg_id, proto.encode(SCHEMAS[msg_id], values))


# --- the version each request moves to protobuf at ------------------------------------------------


def test_protobuf_thresholds_are_ibapis() -> None:
    ibapi_versions = {m: getServerVersionForMessage(m) for m in rq.MSG_NAMES}
    # 106..109 exist only as protobuf: ibapi refuses them below the version that added them
    protobuf_only = {106: V.CANCEL_CONTRACT_DATA, 107: V.CANCEL_CONTRACT_DATA, 108: V.CONFIG, 109: V.UPDATE_CONFIG}
    assert V.PROTOBUF_REQUESTS == {m: v for m, v in ibapi_versions.items() if v <= NEWEST} | protobuf_only
    assert set(V.PROTOBUF_REQUESTS) == set(SCHEMAS)


def test_a_protobuf_request_below_its_version_is_refused() -> None:
    for msg_id, since in V.PROTOBUF_REQUESTS.items():
        for version in (V.TEXT_LAST, since - 1):
            with pytest.raises(WireError, match=f"protobuf message {msg_id} .* server version {version}"):
                decode_proto(version, msg_id, b"")
        decode_proto(since, msg_id, b"")  # an empty message is every field absent
    with pytest.raises(WireError, match="unknown message"):
        decode_proto(NEWEST, 60, b"")


def test_plain_requests_match_their_schemas() -> None:
    """Each plain request's protobuf fields exist with the type the text reader uses for them."""
    python = {"int32": int, "int64": int, "string": str, "bool": bool}
    for msg_id, plain in rq.PLAIN.items():
        kinds = {name: kind for name, _, kind in proto_schema.MESSAGES[SCHEMAS[msg_id]]}
        assert [python[kinds[pb_name]] for _, pb_name, _ in plain.fields] == [k for _, _, k in plain.fields]
        assert [a for a, _, _ in plain.fields] == list(plain.cls.__dataclass_fields__)


# --- absent fields ---------------------------------------------------------------------------------


def test_absent_fields_mean_what_ibapi_leaves_out() -> None:
    """ibapi writes a flag only when True and a value only when set: an empty order is not transmitted."""
    request = pb(3, {"orderId": 5})
    assert isinstance(request, rq.PlaceOrder)
    assert request.order.transmit is False
    assert request.order == OrderSpec(transmit=False)
    assert (request.contract, request.attached_orders) == (ContractSpec(), None)
    assert pb(7, {}) == rq.ReqExecutions(0, 0, "", "", "", "", "", "", None, [])
    assert pb(6, {}) == rq.ReqAccountUpdates(False, "")
    assert pb(76, {"reqId": 1}) == rq.ReqAccountUpdatesMulti(1, "", "", False)


def test_spot_check_values() -> None:
    """A few decoded values spelled out, so the expected_* mappings are not the only witness."""
    request = decoded(NEWEST, place_order_call(NEWEST, CASES["future"]))
    assert isinstance(request, rq.PlaceOrder)
    assert (request.contract.multiplier, request.contract.last_trade_date, request.contract.local_symbol) == (
        "50", "202603", "ESH6")
    assert (request.order.total_quantity, request.order.lmt_price, request.order.transmit) == (
        Decimal(2), 5000.25, True)
    mkt = decoded(NEWEST, place_order_call(NEWEST, CASES["mkt"]))
    assert (mkt.order.transmit, mkt.order.lmt_price, mkt.order.order_ref) == (False, None, "r1")


# --- the order parameters only protobuf carries -----------------------------------------------------

# Order attribute (ibapi) -> (OrderSpec attribute, a value other than its default)
_NEW_PARAMS = {
    "deactivate": ("deactivate", True), "postOnly": ("post_only", True), "allowPreOpen": ("allow_pre_open", True),
    "ignoreOpenAuction": ("ignore_open_auction", True), "routeMarketableToBbo": ("route_marketable_to_bbo", False),
    "seekPriceImprovement": ("seek_price_improvement", True), "whatIfType": ("what_if_type", 2),
    "hedgeMaxSize": ("hedge_max_size", 500), "conditionsIncludeOvernight": ("conditions_include_overnight", True),
}


def _first_version_ibapi_sends(name: str, value: object) -> int:
    """The lowest protobuf version at which ibapi's own check lets the order parameter through."""
    client = EClient(None)
    message = createOrderProto(order("BUY", 1, "LMT", **{name: value}))
    for version in range(V.PROTOBUF_PLACE_ORDER, NEWEST + 1):
        client.serverVersion_ = version
        if client.validateOrderParameters(message) is None:
            return version
    raise AssertionError(name)


PARAM_SINCE = {name: _first_version_ibapi_sends(name, value) for name, (_, value) in _NEW_PARAMS.items()}


@pytest.mark.parametrize("version", sorted({*PARAM_SINCE.values(), 215, 218, 222, NEWEST}))
def test_order_params_of_216_on_as_ibapi_sends_them(version: int) -> None:
    o = order("BUY", 100, "LMT", lmtPrice=10.0)
    for name, (_, value) in _NEW_PARAMS.items():
        if version >= PARAM_SINCE[name]:
            setattr(o, name, value)
    request = decoded(version, lambda c: c.placeOrder(42, stock(), o))
    assert request.order == expected_order(o)


@pytest.mark.parametrize("version", [215, 216, 217, 222, 223, 225, NEWEST])
def test_a_tws_ignores_order_params_newer_than_it(version: int) -> None:
    """Sent anyway (not by ibapi, which refuses), a parameter is read only from the version that has it."""
    values = {"deactivate": True, "postOnly": True, "allowPreOpen": True, "ignoreOpenAuction": True,
              "routeMarketableToBbo": 0, "seekPriceImprovement": 1, "whatIfType": 2, "hedgeMaxSize": 500,
              "conditionsIncludeOvernight": True}
    spec = pb(3, {"order": values}, version).order
    for name, (attr, value) in _NEW_PARAMS.items():
        default = getattr(OrderSpec(), attr)
        assert getattr(spec, attr) == (value if version >= PARAM_SINCE[name] else default), attr


def _bracket() -> Order:
    return order("BUY", 100, "LMT", lmtPrice=10.0, slOrderId=43, slOrderType="STP", ptOrderId=44, ptOrderType="LMT")


@pytest.mark.parametrize("version", [V.ATTACHED_ORDERS, NEWEST])
def test_attached_orders(version: int) -> None:
    request = decoded(version, lambda c: c.placeOrder(42, stock(), _bracket()))
    assert request.attached_orders == rq.AttachedOrders(43, "STP", 44, "LMT")
    assert decoded(version, place_order_call(version, CASES["lmt_day"])).attached_orders is None


def test_attached_orders_below_218_are_not_read() -> None:
    attached = {"slOrderId": 43, "slOrderType": "STP"}
    assert pb(3, {"attachedOrders": attached}, V.ATTACHED_ORDERS - 1).attached_orders is None
    assert pb(3, {"attachedOrders": attached}).attached_orders == rq.AttachedOrders(43, "STP")


# --- damaged requests ------------------------------------------------------------------------------


def _payload(version: int, call: Callable[[EClient], object]) -> tuple[int, bytes]:
    """The message id and protobuf bytes of what ibapi sends."""
    payload = sent_payload(version, call)
    msg_id = int.from_bytes(payload[:4], "big")
    assert msg_id > V.PROTOBUF_ID_OFFSET
    return msg_id - V.PROTOBUF_ID_OFFSET, payload[4:]


SAMPLES = {
    "placeOrder_combo": place_order_call(NEWEST, CASES["combo"]),
    "placeOrder_conditions": place_order_call(NEWEST, CASES["conditions"]),
    "placeOrder_algo": place_order_call(NEWEST, CASES["algo"]),
    "reqExecutions": lambda c: c.reqExecutions(11, _exec_filter(NEWEST)),
    "reqMktData": lambda c: c.reqMktData(7, _mkt_data_bag(), "233", False, False, []),
    "reqContractDetails": lambda c: c.reqContractDetails(9, _with_expiry(future(), NEWEST)),
    "reqAccountSummary": lambda c: c.reqAccountSummary(6, "All", "NetLiquidation"),
}


def _top_level_ends(data: bytes) -> set[int]:
    """Where each top-level field of a protobuf message ends (a cut there is a shorter valid message)."""
    def varint(pos: int) -> tuple[int, int]:
        value = shift = 0
        while True:
            value |= (data[pos] & 0x7F) << shift
            shift += 7
            pos += 1
            if data[pos - 1] < 0x80:
                return value, pos

    ends, pos = set(), 0
    while pos < len(data):
        key, pos = varint(pos)
        if key & 7 == 0:
            _, pos = varint(pos)
        elif key & 7 == 2:
            size, pos = varint(pos)
            pos += size
        else:
            pos += 8 if key & 7 == 1 else 4
        ends.add(pos)
    return ends


@pytest.mark.parametrize("sample", SAMPLES.values(), ids=SAMPLES.keys())
def test_truncated_protobuf_is_a_wire_error_naming_the_request(sample: Callable[[EClient], object]) -> None:
    msg_id, data = _payload(NEWEST, sample)
    whole = decode_proto(NEWEST, msg_id, data)
    ends = _top_level_ends(data)
    for end in range(1, len(data)):
        if end in ends:
            assert type(decode_proto(NEWEST, msg_id, data[:end])) is type(whole)
            continue
        with pytest.raises(WireError, match=rq.MSG_NAMES[msg_id]):
            decode_proto(NEWEST, msg_id, data[:end])


@pytest.mark.parametrize("msg_id, data, match", [
    (3, b"\x0a\x01\x00", r"placeOrder .*orderId: wire type 2"),              # an int32 as bytes
    (3, b"\x10\x01", r"placeOrder .*contract: wire type 0"),                 # a message as a number
    (3, b"\x1a\x02\x30\x05", r"placeOrder .*totalQuantity: wire type 0"),    # a quantity (string) as a number
    (3, b"\x1a\x02\x48\x01", r"placeOrder .*lmtPrice: wire type 0"),         # a double as a varint
    (7, b"\x12\x05\x0d\x00\x00\x00\x00", r"reqExecutions .*clientId: wire type 5"),
    (3, b"\x12\x03\x12\x01\xff", r"placeOrder .*symbol: text that is not UTF-8"),
    (3, b"\x1a\x03\x62\x01\xff", r"placeOrder .*account: text that is not UTF-8"),
    (3, b"\x1a\x07\xf2\x03\x04\x0a\x02\xc3\x28", r"placeOrder .*algoParams: text that is not UTF-8"),
    (62, b"\x1a\x02\xc3\x28", r"reqAccountSummary .*tags: text that is not UTF-8"),
    (9, b"\x08", r"reqContractDetails .*ended inside a number"),
    (3, b"\x0f", r"placeOrder .*wire type 7"),
])
def test_damaged_protobuf(msg_id: int, data: bytes, match: str) -> None:
    with pytest.raises(WireError, match=match):
        decode_proto(NEWEST, msg_id, data)


@pytest.mark.parametrize("quantity", ["abc", "", "NaN", "Infinity", "1e", "-"])
def test_bad_quantity(quantity: str) -> None:
    with pytest.raises(WireError, match=r"placeOrder .*quantity"):
        pb(3, {"order": {"totalQuantity": quantity}})


def test_bad_condition_type() -> None:
    with pytest.raises(WireError, match=r"placeOrder .*condition type 2"):
        pb(3, {"order": {"conditions": [{"type": 2, "isConjunctionConnection": True}]}})


# --- the request id of every request the simulator does not serve, in both generations --------------

# Each takes the request id to send.
UNSERVED_WITH_ID: dict[int, Callable[[EClient, int], object]] = {
    10: lambda c, i: c.reqMktDepth(i, stock(), 5, False, []),
    11: lambda c, i: c.cancelMktDepth(i, False),
    19: lambda c, i: c.replaceFA(i, 1, "<x/>"),
    20: lambda c, i: c.reqHistoricalData(i, stock(), "", "1 D", "1 min", "TRADES", 1, 1, False, []),
    21: lambda c, i: c.exerciseOptions(i, stock(), 1, 1, "DU1", 0, "", "", False),
    22: lambda c, i: c.reqScannerSubscription(i, ScannerSubscription(), [], []),
    23: lambda c, i: c.cancelScannerSubscription(i),
    25: lambda c, i: c.cancelHistoricalData(i),
    50: lambda c, i: c.reqRealTimeBars(i, stock(), 5, "TRADES", True, []),
    51: lambda c, i: c.cancelRealTimeBars(i),
    54: lambda c, i: c.calculateImpliedVolatility(i, stock(), 1.0, 100.0, []),
    55: lambda c, i: c.calculateOptionPrice(i, stock(), 0.2, 100.0, []),
    56: lambda c, i: c.cancelCalculateImpliedVolatility(i),
    57: lambda c, i: c.cancelCalculateOptionPrice(i),
    67: lambda c, i: c.queryDisplayGroups(i),
    68: lambda c, i: c.subscribeToGroupEvents(i, 1),
    69: lambda c, i: c.updateDisplayGroup(i, "8314@SMART"),
    70: lambda c, i: c.unsubscribeFromGroupEvents(i),
    79: lambda c, i: c.reqSoftDollarTiers(i),
    83: lambda c, i: c.reqSmartComponents(i, "a6"),
    84: lambda c, i: c.reqNewsArticle(i, "BRFG", "x", []),
    86: lambda c, i: c.reqHistoricalNews(i, 8314, "BRFG", "", "", 10, []),
    87: lambda c, i: c.reqHeadTimeStamp(i, stock(), "TRADES", 1, 1),
    88: lambda c, i: c.reqHistogramData(i, stock(), True, "3 days"),
    89: lambda c, i: c.cancelHistogramData(i),
    90: lambda c, i: c.cancelHeadTimeStamp(i),
    96: lambda c, i: c.reqHistoricalTicks(i, stock(), "20260101 10:00:00", "", 10, "TRADES", 1, True, []),
    97: lambda c, i: c.reqTickByTickData(i, stock(), "Last", 0, False),
    98: lambda c, i: c.cancelTickByTickData(i),
    100: lambda c, i: c.reqWshMetaData(i),
    101: lambda c, i: c.cancelWshMetaData(i),
    102: lambda c, i: c.reqWshEventData(i, WshEventData()),
    103: lambda c, i: c.cancelWshEventData(i),
    106: lambda c, i: c.cancelContractData(i),
    107: lambda c, i: c.cancelHistoricalTicks(i),
    108: lambda c, i: c.reqConfigProtoBuf(ConfigRequest(reqId=i)),
    109: lambda c, i: c.updateConfigProtoBuf(UpdateConfigRequest(reqId=i)),
}


def _extra_auth(call: Callable[[EClient], object]) -> Callable[[EClient], object]:
    def with_auth(c: EClient) -> object:
        c.extraAuth = True
        return call(c)
    return with_auth


UNSERVED_WITHOUT_ID: dict[int, Callable[[EClient], object]] = {
    12: lambda c: c.reqNewsBulletins(True), 13: lambda c: c.cancelNewsBulletins(),
    14: lambda c: c.setServerLogLevel(1), 18: lambda c: c.requestFA(1), 24: lambda c: c.reqScannerParameters(),
    65: _extra_auth(lambda c: c.verifyRequest("a", "1")), 66: lambda c: c.verifyMessage("x"),
    72: _extra_auth(lambda c: c.verifyAndAuthRequest("a", "1", "k")),
    73: lambda c: c.verifyAndAuthMessage("x", "y"), 80: lambda c: c.reqFamilyCodes(),
    82: lambda c: c.reqMktDepthExchanges(), 85: lambda c: c.reqNewsProviders(),
}


def test_every_request_ibapi_sends_is_served_or_listed_here() -> None:
    assert not set(UNSERVED_WITH_ID) & set(UNSERVED_WITHOUT_ID)
    assert set(UNSERVED_WITH_ID) | set(UNSERVED_WITHOUT_ID) == set(rq.MSG_NAMES) - set(rq.MsgId)


def _ibapi_sends(version: int, call: Callable[[EClient], object]) -> bool:
    """False where ibapi refuses the call at `version` (too old a TWS for it) instead of sending."""
    client = EClient(_Wrapper())
    client.conn, client.serverVersion_, client.connState, client.clientId = _Conn(), version, EClient.CONNECTED, 7
    call(client)
    return bool(client.conn.sent)


@pytest.mark.parametrize("msg_id, call, req_id", [
    *(pytest.param(m, lambda c, call=call: call(c, ID), ID, id=rq.MSG_NAMES[m])
      for m, call in UNSERVED_WITH_ID.items()),
    *(pytest.param(m, c, None, id=rq.MSG_NAMES[m]) for m, c in UNSERVED_WITHOUT_ID.items()),
])
def test_unserved_requests_carry_their_id_at_every_version(
    msg_id: int, call: Callable[[EClient], object], req_id: int | None
) -> None:
    sent_at = [v for v in range(V.MIN_SUPPORTED, NEWEST + 1) if _ibapi_sends(v, call)]
    assert sent_at, "ibapi sends it at no version"
    for version in sent_at:
        assert decoded(version, call) == rq.Unsupported(msg_id, rq.MSG_NAMES[msg_id], req_id), version


@pytest.mark.parametrize("version", [V.TEXT_LAST, NEWEST])
def test_an_unserved_request_releases_the_client_waiting_on_its_id(version: int) -> None:
    server = make_sim(max_version=version)
    client = IBClient().start(server.port, 1)
    try:
        assert client.serverVersion() == version
        for req_id, msg_id in ((77, 20), (78, 22), (79, 79), (80, 10)):
            UNSERVED_WITH_ID[msg_id](client, req_id)
        for req_id in (77, 78, 79, 80):
            client.wait_for("error", lambda rid, t, code, *rest, want=req_id: rid == want and code == 321)
    finally:
        client.stop()
        server.stop()


# --- properties ------------------------------------------------------------------------------------

_ascii = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=8)
_price = st.one_of(st.just(UNSET_DOUBLE), st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 4)))
_small = st.integers(0, 2**31 - 2)
_ORDER_ATTRS: dict[str, st.SearchStrategy[Any]] = {
    "action": st.sampled_from(["BUY", "SELL", "SSHORT"]),
    "totalQuantity": st.decimals(Decimal("0.0001"), Decimal(10**9), places=4),
    "orderType": st.sampled_from(["LMT", "MKT", "STP", "STP LMT", "TRAIL", "TRAIL LIMIT", "MOC", "LOC", "MIT"]),
    "lmtPrice": _price, "auxPrice": _price, "trailStopPrice": _price, "trailingPercent": _price,
    "percentOffset": _price, "cashQty": _price,
    "tif": st.sampled_from(["", "DAY", "GTC", "IOC", "GTD", "OPG"]),
    "account": _ascii, "orderRef": _ascii, "ocaGroup": _ascii, "goodTillDate": _ascii, "modelCode": _ascii,
    "customerAccount": _ascii, "manualOrderTime": _ascii, "faGroup": _ascii, "openClose": _ascii,
    "transmit": st.booleans(), "outsideRth": st.booleans(), "hidden": st.booleans(), "allOrNone": st.booleans(),
    "blockOrder": st.booleans(), "sweepToFill": st.booleans(), "whatIf": st.booleans(), "notHeld": st.booleans(),
    "includeOvernight": st.booleans(), "imbalanceOnly": st.booleans(), "professionalCustomer": st.booleans(),
    "dontUseAutoPriceForHedge": st.booleans(),
    "parentId": _small, "displaySize": _small, "triggerMethod": st.integers(0, 8), "origin": st.integers(0, 1),
    "ocaType": st.integers(0, 3), "minQty": st.one_of(st.just(UNSET_INTEGER), _small),
    "usePriceMgmtAlgo": st.sampled_from([None, True, False]), "discretionaryAmt": st.floats(0, 100).map(round),
}


@st.composite
def ibapi_orders(draw: st.DrawFn) -> Order:
    o = Order()
    for name in draw(st.sets(st.sampled_from(sorted(_ORDER_ATTRS)), max_size=len(_ORDER_ATTRS))):
        setattr(o, name, draw(_ORDER_ATTRS[name]))
    o.action = o.action or "BUY"
    o.orderType = o.orderType or "LMT"
    return o


_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(o=ibapi_orders(), version=st.sampled_from([V.PROTOBUF_PLACE_ORDER, V.ATTACHED_ORDERS, NEWEST]))
def test_any_order_is_the_same_order_in_both_generations(o: Order, version: int) -> None:
    text = decoded(V.TEXT_LAST, lambda c: c.placeOrder(42, stock(), o))
    assert decoded(version, lambda c: c.placeOrder(42, stock(), o)) == text
    assert text == rq.PlaceOrder(42, expected_contract(stock(), sec_id=True), expected_order(o))


_SAMPLE_BYTES = [_payload(NEWEST, sample) for sample in SAMPLES.values()]


@_SETTINGS
@given(sample=st.sampled_from(_SAMPLE_BYTES),
       edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255), st.sampled_from(["set", "ins", "del"])),
                      min_size=1, max_size=4))
def test_mutated_protobuf_raises_only_wire_error(sample: tuple[int, bytes], edits: list[tuple[int, int, str]]) -> None:
    msg_id, original = sample
    data = bytearray(original)
    for position, byte, op in edits:
        i = position % (len(data) + 1)
        if op == "ins":
            data.insert(i, byte)
        elif i < len(data):
            if op == "set":
                data[i] = byte
            else:
                del data[i]
    try:
        result = decode_proto(NEWEST, msg_id, bytes(data))
    except WireError:
        return
    assert type(result).__module__ == "blotter.sim.requests"


@_SETTINGS
@given(msg_id=st.sampled_from(sorted(SCHEMAS)), data=st.binary(max_size=64))
def test_arbitrary_bytes_raise_only_wire_error(msg_id: int, data: bytes) -> None:
    try:
        result = decode_proto(NEWEST, msg_id, data)
    except WireError:
        return
    assert type(result).__module__ == "blotter.sim.requests"


def test_cancel_order_and_executions_from_ibapi() -> None:
    """The nested OrderCancel and ExecutionFilter messages, read as the text generation reads them."""
    cancel = OrderCancel()
    cancel.manualOrderCancelTime, cancel.extOperator = "20260131 10:00:00", "op"
    assert decoded(NEWEST, lambda c: c.cancelOrder(42, cancel)) == rq.CancelOrder(42, "20260131 10:00:00")
    ef = ExecutionFilter()
    ef.lastNDays = 0
    assert decoded(NEWEST, lambda c: c.reqExecutions(3, ef)).last_n_days == 0
