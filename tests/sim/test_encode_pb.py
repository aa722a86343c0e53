"""The simulator's protobuf generation, checked against IB's own client (its unpatched Decoder).

1. Text at TEXT_LAST against protobuf at MAX_SUPPORTED: for every message the simulator sends, on the
   inputs the text tests use, ibapi makes the same wrapper calls with equal arguments (its objects
   compared field by field), but for the differences in DIFFERENCES, each with its reason.
2. Every version in between: each message comes in the form TWS sends at that version, text laid out
   as at 200 (every field consumed) or protobuf that ibapi reads whole (every field one its schema
   knows and its reader looks at, the message not dropped), with the same calls as above.
"""

from __future__ import annotations

import enum
import inspect
import struct
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import pytest
from ibapi import decoder as ib_decoder
from ibapi import decoder_utils
from ibapi.const import UNSET_DOUBLE, UNSET_INTEGER, UNSET_LONG
from ibapi.decoder import Decoder
from ibapi.wrapper import EWrapper

from blotter.sim import encode_market as em
from blotter.sim import encode_orders as eo
from blotter.sim import errors, instruments, proto
from blotter.sim import versions as v
from blotter.sim.frames import Message, Proto, frame_message, message_id
from blotter.sim.instruments import INSTRUMENTS, MARKET_RULES, by_con_id
from blotter.sim.proto_schema import MESSAGES
from tests.ibdecode import RecordingWrapper, decode
from tests.sim.test_encode_orders import AAPL as AAPL_STOCK
from tests.sim.test_encode_orders import FILLS, ORDERS, _check_order, _order
from tests.sim.test_encode_orders import _discover_ibapi_params_once  # noqa: F401  (autouse: Decoder() is slow)

Call = tuple[str, tuple[Any, ...]]
AAPL, ES, EURUSD, AAPL_OPT = 265598, 515416632, 12087792, 788430215
UNSET_MARGIN = "1.7976931348623157E308"  # the unset double as the text form's margin strings carry it
BETWEEN = range(v.PROTOBUF, v.MAX_SUPPORTED)

# What ibapi's protobuf readers look at (HasField('x') for a field, `.x` for a repeated one or a map).
_IBAPI_READERS = Path(ib_decoder.__file__).read_text() + Path(decoder_utils.__file__).read_text()


def proto_calls(version: int, message: Message) -> list[Call]:
    """What ibapi's client does with one protobuf message as the simulator frames it at `version`."""
    assert type(message) is Proto, f"not protobuf at {version}: {message}"
    data = frame_message(version, message)
    (size, wire_id) = struct.unpack_from("!II", data)
    assert size == len(data) - 4 and wire_id == message.msg_id + v.PROTOBUF_ID_OFFSET
    payload = data[8:]
    wrapper = RecordingWrapper()
    Decoder(wrapper, version).processProtoBuf(payload, message.msg_id)
    raw = [args[0] for name, args in wrapper.calls if name.endswith("ProtoBuf")]
    assert len(raw) == 1, f"{message.name}: ibapi read it {len(raw)} times"
    sent = proto.decode(message.name, payload)
    assert _google_fields(raw[0]) == sent, f"{message.name}: fields Google's reader does not know"
    unread = [path for path in _paths(message.name, sent) if not _ibapi_reads(path[-1])]
    assert not unread, f"{message.name}: fields no ibapi reader looks at: {unread}"
    calls = [c for c in wrapper.calls if not c[0].endswith("ProtoBuf")]
    assert calls, f"{message.name}: ibapi dropped it"
    return calls


def _google_fields(message: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field, value in message.ListFields():
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            out[field.name] = dict(value)
        elif field.message_type is not None:
            out[field.name] = [_google_fields(x) for x in value] if field.is_repeated else _google_fields(value)
        else:
            out[field.name] = list(value) if field.is_repeated else value
    return out


def _paths(name: str, values: dict[str, Any], at: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    kinds = {field: kind.strip("[]") for field, _, kind in MESSAGES[name]}
    out = []
    for field, value in values.items():
        out.append((*at, field))
        if kinds[field] in MESSAGES:
            for item in value if isinstance(value, list) else [value]:
                out += _paths(kinds[field], item, (*at, field))
    return out


def _ibapi_reads(field: str) -> bool:
    return f"HasField('{field}')" in _IBAPI_READERS or f".{field}:" in _IBAPI_READERS \
        or f".{field})" in _IBAPI_READERS


def calls_at(version: int, message: Message) -> list[Call]:
    """ibapi's calls for a message in the form the simulator sends at `version`."""
    if type(message) is Proto:
        return proto_calls(version, message)
    return decode(version, message)  # type: ignore[arg-type]


# -- comparing calls ------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    """ibapi objects as dicts of their fields (vars), sets in order, all the way down."""
    if isinstance(value, (list, tuple)):
        return [_plain(x) for x in value]
    if isinstance(value, set):
        return sorted(value)
    if type(value).__module__.startswith("ibapi") and not isinstance(value, enum.Enum) and hasattr(value, "__dict__"):
        return {k: _plain(x) for k, x in vars(value).items()}
    return value


def _differ(a: Any, b: Any, path: str, out: list[tuple[str, Any, Any]]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in a.keys() | b.keys():
            _differ(a.get(key, "<none>"), b.get(key, "<none>"), f"{path}.{key}", out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            _differ(x, y, f"{path}[{i}]", out)
    elif a != b or isinstance(a, str) != isinstance(b, str):
        out.append((path, a, b))


def differences(text: list[Call], pb: list[Call]) -> list[tuple[str, Any, Any]]:
    """(callback(argument).field, text value, protobuf value) wherever the two forms' calls differ."""
    assert [c[0] for c in text] == [c[0] for c in pb], (text, pb)
    out: list[tuple[str, Any, Any]] = []
    for (name, text_args), (_, pb_args) in zip(text, pb):
        params = [p for p in inspect.signature(getattr(EWrapper, name)).parameters if p != "self"]
        for param, a, b in zip(params, text_args, pb_args):
            _differ(_plain(a), _plain(b), f"{name}({param})", out)
    return out


def _is(text: Any, pb: Any) -> Callable[[Any, Any], bool]:
    return lambda t, p: (t, p) == (text, pb)


def _protobuf_only(text: Any, pb: Any) -> bool:
    """Text has no such field (ibapi's default); protobuf echoes what the client asked for."""
    return (text is False or text is None or text == UNSET_INTEGER) and pb != text


_ASKED_IN_PROTOBUF = ("deactivate", "postOnly", "allowPreOpen", "ignoreOpenAuction", "routeMarketableToBbo",
                      "seekPriceImprovement", "whatIfType", "conditionsIncludeOvernight")

# (callback(argument).field) -> (why the protobuf form differs, the pair of values it may differ by)
DIFFERENCES: dict[str, tuple[str, Callable[[Any, Any], bool]]] = {
    # TWS's null markers in the text form: in protobuf the field is absent, and ibapi gives its default.
    "openOrder(contract).right": ("a blank right is '?' in order texts", _is("?", "")),
    "completedOrder(contract).right": ("a blank right is '?' in order texts", _is("?", "")),
    "updatePortfolio(contract).right": ("a stock's right is '0' in portfolio texts", _is("0", "")),
    "openOrder(order).deltaNeutralOpenClose": ("'?': no delta-neutral order", _is("?", "")),
    "openOrder(order).displaySize": ("the unset int, read as a number from text", _is(UNSET_INTEGER, 0)),
    "completedOrder(order).displaySize": ("the unset int, read as a number from text", _is(UNSET_INTEGER, 0)),
    "completedOrder(order).refFuturesConId": ("the unset int, read as a number from text",
                                              _is(UNSET_INTEGER, 0)),
    "contractDetails(contractDetails).aggGroup": ("a future's aggGroup: the unset int, read as a number from text",
                                                  _is(UNSET_INTEGER, 0)),
    "completedOrder(order).parentPermId": ("the unset long, read as a number from text", _is(UNSET_LONG, 0)),
    **{f"openOrder(orderState).{m}": ("a margin TWS has none of (not a what-if order) is the unset double "
                                      "as text; ibapi's default is ''", _is(UNSET_MARGIN, ""))
       for m in ("initMarginBefore", "maintMarginBefore", "equityWithLoanBefore", "initMarginChange",
                 "maintMarginChange", "equityWithLoanChange", "initMarginAfter", "maintMarginAfter",
                 "equityWithLoanAfter")},
    # ibapi's protobuf reader fills in other defaults than its text reader.
    "commissionAndFeesReport(commissionAndFeesReport).realizedPNL": (
        "no realized P&L (the fill opens a position): ibapi's protobuf reader gives 0.0 for the absent field",
        _is(UNSET_DOUBLE, 0.0)),
    "commissionAndFeesReport(commissionAndFeesReport).yield_": (
        "no yield (not a bond): ibapi's protobuf reader gives 0.0 for the absent field", _is(UNSET_DOUBLE, 0.0)),
    "contractDetails(contractDetails).secIdList": ("no ISIN: ibapi's protobuf reader makes an empty list",
                                                   _is(None, [])),
    **{f"{kind}(order).{field}": ("an order attribute only a protobuf client can set (216 on): the text form "
                                  "has no field for it", _protobuf_only)
       for kind in ("openOrder", "completedOrder") for field in _ASKED_IN_PROTOBUF},
    "openOrder(order).smartComboRoutingParams": ("ibapi's protobuf reader makes an empty list", _is(None, [])),
    "completedOrder(order).smartComboRoutingParams": ("ibapi's protobuf reader makes an empty list",
                                                      _is(None, [])),
}


# -- what the simulator sends, on the inputs the text tests use -------------------------------------

Encoder = Callable[[int], Message]


# An order placed by a protobuf client with what only it can ask for.
PROTOBUF_ORDER = _order(9, AAPL_STOCK, total_quantity=Decimal(100), order_type="LMT", lmt_price=150.0, deactivate=True,
                        post_only=True, allow_pre_open=True, ignore_open_auction=True, route_marketable_to_bbo=True,
                        seek_price_improvement=False, what_if_type=1, hedge_max_size=5,
                        conditions_include_overnight=True)


def _samples() -> dict[str, Encoder]:
    out: dict[str, Encoder] = {}
    for name, o in {**ORDERS, "protobuf-only": PROTOBUF_ORDER}.items():
        out |= {f"openOrder-{name}": lambda ver, o=o: eo.open_order(ver, o),
                f"completedOrder-{name}": lambda ver, o=o: eo.completed_order(ver, o),
                f"orderStatus-{name}": lambda ver, o=o: eo.order_status(ver, o, 151.0),
                f"orderBound-{name}": lambda ver, o=o: eo.order_bound(ver, o)}
    for name, f in FILLS.items():
        out |= {f"execDetails-{name}": lambda ver, f=f: eo.exec_details(ver, -1, f),
                f"execDetails-req-{name}": lambda ver, f=f: eo.exec_details(ver, 7, f),
                f"commission-{name}": lambda ver, f=f: eo.commission_report(ver, f)}
    for inst in INSTRUMENTS:
        out[f"contractData-{inst.symbol}-{inst.sec_type}"] = lambda ver, i=inst: em.contract_data(ver, 9, i)
    for rule, bands in MARKET_RULES.items():
        out[f"marketRule-{rule}"] = lambda ver, r=rule, b=bands: em.market_rule(ver, r, b)
    es, opt, stock, fx = by_con_id(ES), by_con_id(AAPL_OPT), by_con_id(AAPL), by_con_id(EURUSD)
    q = Decimal
    chain = instruments.option_chains("AAPL", AAPL)[0]
    out |= {
        "openOrderEnd": eo.open_order_end, "completedOrdersEnd": eo.completed_orders_end,
        "execDetailsEnd": lambda ver: eo.exec_details_end(ver, 42),
        "contractDataEnd": lambda ver: em.contract_data_end(ver, 9),
        "tickPrice-bid": lambda ver: em.tick_price(ver, 5, 1, 255.41, q(300), past_limit=True),
        "tickPrice-last-fraction": lambda ver: em.tick_price(ver, 5, 4, 1.08735, q("25000.5"), can_auto_execute=True),
        "tickPrice-close": lambda ver: em.tick_price(ver, 5, 9, 254.0, pre_open=True),
        "tickSize": lambda ver: em.tick_size(ver, 5, 8, q("0.5")),
        "marketDataType": lambda ver: em.market_data_type(ver, 9, 3),
        "tickReqParams": lambda ver: em.tick_req_params(ver, 9, 0.00005, "9c0001", 3),
        "tickSnapshotEnd": lambda ver: em.tick_snapshot_end(ver, 9),
        "error": lambda ver: em.error(ver, 12, *errors.NOT_CANCELLABLE.reply(perm_id=900337), '{"r":"x"}', 17),
        "managedAccounts": lambda ver: em.managed_accounts(ver, ["DU1234567", "DU7654321"]),
        "nextValidId": lambda ver: em.next_valid_id(ver, 42),
        "currentTime": lambda ver: em.current_time(ver, 1_700_000_000),
        "currentTimeInMillis": lambda ver: em.current_time_in_millis(ver, 1_700_000_000_123),
        "position-future": lambda ver: em.position(ver, "DU1234567", es, q(-3), 342512.5),
        "position-fx": lambda ver: em.position(ver, "DU1234567", fx, q("25000.5"), 1.08735),
        "positionEnd": em.position_end,
        "positionMulti": lambda ver: em.position_multi(ver, 3, "DU1234567", "", opt, q(2), 1802.6),
        "positionMulti-model": lambda ver: em.position_multi(ver, 3, "DU1234567", "core", stock, q(100), 150.0),
        "positionMultiEnd": lambda ver: em.position_multi_end(ver, 3),
        "accountValue": lambda ver: em.account_value(ver, "NetLiquidation", "100000.00", "USD", "DU1234567"),
        "accountValue-no-currency": lambda ver: em.account_value(ver, "AccountCode", "DU1234567", "", "DU1234567"),
        "portfolio-option": lambda ver: em.portfolio_value(ver, opt, q(2), 18.55, 3710.0, 1802.6, 105.2, 0.0,
                                                           "DU1234567"),
        "portfolio-stock": lambda ver: em.portfolio_value(ver, stock, q(100), 151.0, 15100.0, 150.0, 100.0, 12.5,
                                                          "DU1234567"),
        "accountTime": lambda ver: em.account_time(ver, "14:34"),
        "accountDownloadEnd": lambda ver: em.account_download_end(ver, "DU1234567"),
        "accountUpdateMulti": lambda ver: em.account_update_multi(ver, 4, "DU1234567", "", "CashBalance",
                                                                  "1000.5", "USD"),
        "accountUpdateMultiEnd": lambda ver: em.account_update_multi_end(ver, 4),
        "accountSummary": lambda ver: em.account_summary(ver, 6, "DU1234567", "NetLiquidation", "100000.00", "USD"),
        "accountSummary-no-currency": lambda ver: em.account_summary(ver, 6, "DU1234567", "AccountType",
                                                                     "INDIVIDUAL", ""),
        "accountSummaryEnd": lambda ver: em.account_summary_end(ver, 6),
        "pnl": lambda ver: em.pnl(ver, 8, -12.5, 100.25, 3.0),
        "pnl-unknown": lambda ver: em.pnl(ver, 8, 0.0, None, None),
        "pnlSingle": lambda ver: em.pnl_single(ver, 8, q(100), 12.0, 100.0, 0.0, 15100.0),
        "pnlSingle-unknown": lambda ver: em.pnl_single(ver, 8, q(0), 0.0, None, None, 0.0),
        "symbolSamples": lambda ver: em.symbol_samples(ver, 10, instruments.matching("A") + [es, fx]),
        "symbolSamples-none": lambda ver: em.symbol_samples(ver, 10, []),
        "secDefOptParams": lambda ver: em.sec_def_opt_params(ver, 11, *chain),
        "secDefOptParams-wide": lambda ver: em.sec_def_opt_params(ver, 11, "SMART", AAPL, "AAPL", "100",
                                                                  ["20261218", "20270115"], [250.0, 260.0, 262.5]),
        "secDefOptParamsEnd": lambda ver: em.sec_def_opt_params_end(ver, 11),
        "userInfo": lambda ver: em.user_info(ver, 12, ""),
        "userInfo-branded": lambda ver: em.user_info(ver, 12, "WB1"),
    }
    return out


SAMPLES = _samples()


def test_every_message_the_simulator_sends_is_sampled_and_turns_protobuf() -> None:
    """Each sample is text at 200 and protobuf at 226, and together they cover every message id that
    versions.PROTOBUF_MESSAGES lists and the simulator sends."""
    ids = set()
    for name, encode in SAMPLES.items():
        assert type(encode(v.TEXT_LAST)) is list and type(encode(v.MAX_SUPPORTED)) is Proto, name
        ids.add(message_id(encode(v.MAX_SUPPORTED)))
    not_sent = {12, 13, 18, 21, 45, 46}  # depth, bond details, option computations, generic and string ticks
    assert ids == set(v.PROTOBUF_MESSAGES) - not_sent


def _text_against_protobuf(encode: Encoder) -> list[tuple[str, Any, Any]]:
    return differences(calls_at(v.TEXT_LAST, encode(v.TEXT_LAST)), calls_at(v.MAX_SUPPORTED, encode(v.MAX_SUPPORTED)))


@pytest.mark.parametrize("name", SAMPLES)
def test_text_at_200_and_protobuf_at_226_tell_ibapi_the_same(name: str) -> None:
    for path, text, pb in _text_against_protobuf(SAMPLES[name]):
        assert path in DIFFERENCES, f"{path}: text {text!r}, protobuf {pb!r}"
        assert DIFFERENCES[path][1](text, pb), f"{path}: text {text!r}, protobuf {pb!r} ({DIFFERENCES[path][0]})"


def test_every_listed_difference_is_one_the_samples_show() -> None:
    seen = {path for encode in SAMPLES.values() for path, _, _ in _text_against_protobuf(encode)}
    assert set(DIFFERENCES) <= seen, f"listed but never seen: {set(DIFFERENCES) - seen}"


@pytest.mark.parametrize("version", BETWEEN)
def test_each_version_between_sends_each_message_in_its_form(version: int) -> None:
    for name, encode in SAMPLES.items():
        message = encode(version)
        want_pb = v.sends_protobuf(version, message_id(message))
        assert (type(message) is Proto) == want_pb, f"{name} at {version}"
        same_form_at = v.MAX_SUPPORTED if want_pb else v.TEXT_LAST
        assert not differences(calls_at(version, message), calls_at(same_form_at, encode(same_form_at))), \
            f"{name} at {version}"


def test_a_text_message_after_200_has_a_four_byte_id_and_the_fields_of_200() -> None:
    fields = em.tick_size(v.PROTOBUF_MARKET_DATA - 1, 5, 8, Decimal("0.5"))
    assert frame_message(v.PROTOBUF_MARKET_DATA - 1, fields)[4:] == struct.pack("!I", 2) + b"6\x005\x008\x000.5\x00"


# -- the values a user of IB's client sees, at 226 ------------------------------------------------

def test_the_orders_reach_ibapi_whole_at_226() -> None:
    for name, sim in ORDERS.items():
        ((_, (order_id, contract, order, state)),) = proto_calls(226, eo.open_order(226, sim))
        _check_order(contract, order, sim)
        assert order_id == order.orderId == sim.order_id and order.clientId == sim.client_id, name
        assert order.totalQuantity == sim.spec.total_quantity and order.whatIf == sim.spec.what_if
        assert (state.status, state.commissionAndFeesCurrency) == (sim.state.status, sim.state.commission_currency)
        if sim.spec.what_if:
            assert (float(state.initMarginAfter), state.maxCommissionAndFees) == (
                sim.state.init_margin_after, sim.state.max_commission)
        ((_, (contract, order, state)),) = proto_calls(226, eo.completed_order(226, sim))
        _check_order(contract, order, sim)
        assert (order.totalQuantity, order.filledQuantity) == (sim.remaining, sim.filled)
        assert (state.completedTime, state.completedStatus) == (sim.state.completed_time, sim.state.completed_status)


def test_what_only_a_protobuf_client_asks_for_comes_back_to_it() -> None:
    for message in (eo.open_order(226, PROTOBUF_ORDER), eo.completed_order(226, PROTOBUF_ORDER)):
        order = proto_calls(226, message)[0][1][-2]
        assert (order.deactivate, order.postOnly, order.allowPreOpen, order.ignoreOpenAuction) == (True,) * 4
        assert (order.routeMarketableToBbo, order.seekPriceImprovement, order.whatIfType) == (1, 0, 1)
        assert order.conditionsIncludeOvernight is True
    order = proto_calls(226, eo.open_order(226, ORDERS["lmt-day"]))[0][1][2]
    assert (order.routeMarketableToBbo, order.seekPriceImprovement, order.whatIfType) == (None, None, UNSET_INTEGER)


def test_an_open_order_without_its_parts_is_dropped_by_ibapi() -> None:
    """Why openOrder always carries contract, order and state: ibapi drops it without any of them."""
    whole = eo.open_order(226, ORDERS["mkt"])
    assert isinstance(whole, Proto)
    for part in ("contract", "order", "orderState"):
        cut = Proto(whole.msg_id, whole.name, {k: x for k, x in whole.values.items() if k != part})
        wrapper = RecordingWrapper()
        Decoder(wrapper, 226).processProtoBuf(proto.encode(cut.name, cut.values), cut.msg_id)
        assert [c[0] for c in wrapper.calls] == ["openOrderProtoBuf"], part


def test_a_tick_price_also_tells_its_size_at_226() -> None:
    price, size = proto_calls(226, em.tick_price(226, 5, 2, 255.42, Decimal("0.5")))
    assert (price[0], price[1][:3]) == ("tickPrice", (5, 2, 255.42)) and size == ("tickSize", (5, 3, Decimal("0.5")))
    assert [c[0] for c in proto_calls(226, em.tick_price(226, 5, 9, 254.0))] == ["tickPrice"]  # close: no size


def test_the_fill_flood_messages_carry_the_fill_at_226() -> None:
    for fill in FILLS.values():
        ((_, (req_id, contract, ex)),) = proto_calls(226, eo.exec_details(226, -1, fill))
        assert (req_id, contract.conId, contract.exchange, ex.execId, ex.shares, ex.price, ex.cumQty) == (
            -1, fill.instrument.con_id, fill.exchange, fill.exec_id, fill.shares, fill.price, fill.cum_qty)
        assert ex.time == eo.exec_time(fill.time, fill.instrument.time_zone_id) and ex.submitter == fill.submitter
        ((_, (report,)),) = proto_calls(226, eo.commission_report(226, fill))
        assert (report.execId, report.commissionAndFees, report.currency) == (
            fill.exec_id, fill.commission, fill.commission_currency)
