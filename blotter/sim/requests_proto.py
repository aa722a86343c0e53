"""Decode the requests a client sends as protobuf (server version 201 on) into the dataclasses of
blotter.sim.requests, the same ones the text generation gives.

A request arrives as protobuf only from the version at which clients switch it (versions.PROTOBUF_REQUESTS);
below that TWS does not know the id and refuses it. Each decoder takes the fields present; an absent
one means what ibapi (client_utils.py) leaves out: an unset value, an empty string, or a False flag
(so an absent transmit is False). A damaged message raises WireError naming the request.
"""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal
from typing import Any, Callable, Optional

from blotter.sim import proto, proto_schema
from blotter.sim import requests as rq
from blotter.sim import versions as V
from blotter.sim.model import ContractSpec, OrderSpec
from blotter.sim.wire import WireError, fmt_decimal

# Request message id -> the protobuf message it is sent as.
SCHEMAS: dict[int, str] = {
    71: "StartApiRequest", 8: "IdsRequest", 49: "CurrentTimeRequest", 105: "CurrentTimeInMillisRequest",
    3: "PlaceOrderRequest", 4: "CancelOrderRequest", 58: "GlobalCancelRequest",
    5: "OpenOrdersRequest", 16: "AllOpenOrdersRequest", 15: "AutoOpenOrdersRequest", 99: "CompletedOrdersRequest",
    7: "ExecutionRequest", 9: "ContractDataRequest", 1: "MarketDataRequest", 2: "CancelMarketData",
    59: "MarketDataTypeRequest", 10: "MarketDepthRequest", 11: "CancelMarketDepth",
    6: "AccountDataRequest", 17: "ManagedAccountsRequest", 61: "PositionsRequest", 64: "CancelPositions",
    62: "AccountSummaryRequest", 63: "CancelAccountSummary", 74: "PositionsMultiRequest",
    75: "CancelPositionsMulti", 76: "AccountUpdatesMultiRequest", 77: "CancelAccountUpdatesMulti",
    92: "PnLRequest", 93: "CancelPnL", 94: "PnLSingleRequest", 95: "CancelPnLSingle",
    78: "SecDefOptParamsRequest", 79: "SoftDollarTiersRequest", 80: "FamilyCodesRequest",
    81: "MatchingSymbolsRequest", 83: "SmartComponentsRequest", 91: "MarketRuleRequest", 104: "UserInfoRequest",
    20: "HistoricalDataRequest", 25: "CancelHistoricalData", 50: "RealTimeBarsRequest", 51: "CancelRealTimeBars",
    87: "HeadTimestampRequest", 90: "CancelHeadTimestamp", 88: "HistogramDataRequest", 89: "CancelHistogramData",
    96: "HistoricalTicksRequest", 97: "TickByTickRequest", 98: "CancelTickByTick",
    12: "NewsBulletinsRequest", 13: "CancelNewsBulletins", 84: "NewsArticleRequest", 85: "NewsProvidersRequest",
    86: "HistoricalNewsRequest", 100: "WshMetaDataRequest", 101: "CancelWshMetaData", 102: "WshEventDataRequest",
    103: "CancelWshEventData", 24: "ScannerParametersRequest", 22: "ScannerSubscriptionRequest",
    23: "CancelScannerSubscription", 18: "FARequest", 19: "FAReplace", 21: "ExerciseOptionsRequest",
    54: "CalculateImpliedVolatilityRequest", 56: "CancelCalculateImpliedVolatility",
    55: "CalculateOptionPriceRequest", 57: "CancelCalculateOptionPrice", 14: "SetServerLogLevelRequest",
    65: "VerifyRequest", 66: "VerifyMessageRequest", 67: "QueryDisplayGroupsRequest",
    68: "SubscribeToGroupEventsRequest", 69: "UpdateDisplayGroupRequest", 70: "UnsubscribeFromGroupEventsRequest",
    82: "MarketDepthExchangesRequest", 106: "CancelContractData", 107: "CancelHistoricalTicks",
    108: "ConfigRequest", 109: "UpdateConfigRequest",
}


def decode_proto(version: int, msg_id: int, data: bytes) -> rq.Request:
    """One protobuf request (message id without the offset) as a client sends it at `version`."""
    name = rq.MSG_NAMES.get(msg_id, rq.UNKNOWN_MESSAGE)
    schema = SCHEMAS.get(msg_id)
    if schema is None or not V.reads_protobuf(version, msg_id):
        raise WireError(f"protobuf message {msg_id} ({name}) is not one TWS reads at server version {version}")
    try:
        values = proto.decode(schema, data)
        decoder = _DECODERS.get(msg_id)
        if decoder is None:
            return rq.Unsupported(msg_id, name, _request_id(values))
        return decoder(values, version)
    except WireError as exc:
        raise WireError(f"{name} (protobuf {schema}) at server version {version}: {exc}") from None


def _request_id(values: dict[str, Any]) -> int | None:
    for key in ("reqId", "orderId"):
        if key in values:
            return values[key]  # type: ignore[no-any-return]
    return None


# --- records from protobuf messages -------------------------------------------------------------

_UNSET_DOUBLE = 1.7976931348623157e308
_Convert = Callable[[Any], Any]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.capitalize() for word in rest)


def _unset_double(value: float) -> float | None:
    """A price as the text reader has it: the client's unset double means none."""
    return None if value >= _UNSET_DOUBLE else value


def _multiplier(value: float) -> str:
    """Contract.multiplier is a double in protobuf and text in the text generation: 50.0 -> "50"."""
    return fmt_decimal(Decimal(repr(value)))


def _quantity(text: str) -> Decimal:
    """A quantity string; the client's unset decimal (an order sized by cash) means none, as in text."""
    try:
        value = Decimal(text)
    except ArithmeticError:
        raise WireError(f"quantity {text!r} is not a decimal") from None
    if not value.is_finite():
        raise WireError(f"quantity {text!r} is not a decimal")
    return Decimal(0) if value == rq.UNSET_DECIMAL else value


def _tri_state(value: int) -> bool:
    return value != 0


# (attribute, protobuf field, converter or None, first server version whose TWS reads it)
_Row = tuple[str, str, Optional[_Convert], int]


def _rows(cls: type, message: str, renames: dict[str, str], converters: dict[str, _Convert],
          since: dict[str, int] | None = None) -> tuple[_Row, ...]:
    """One row per field of record `cls`, named in protobuf `message` by its camelCase (or `renames`);
    a double whose default is None (a price) reads the client's unset double as None."""
    kinds = {name: kind for name, _, kind in proto_schema.MESSAGES[message]}
    rows = []
    for f in fields(cls):
        pb = renames.get(f.name, _camel(f.name))
        if pb not in kinds:
            raise KeyError(f"{message} has no field {pb!r} for {cls.__name__}.{f.name}")
        convert = converters.get(f.name) or (_unset_double if kinds[pb] == "double" and f.default is None else None)
        rows.append((f.name, pb, convert, (since or {}).get(f.name, 0)))
    return tuple(rows)


def _build(cls: type, rows: tuple[_Row, ...], values: dict[str, Any], version: int, **base: Any) -> Any:
    """Record `cls` from the protobuf fields present (the fields a version does not read are ignored)."""
    kwargs = dict(base)
    for attr, pb, convert, since in rows:
        if pb in values and version >= since:
            value = values[pb]
            kwargs[attr] = value if convert is None else convert(value)
    return cls(**kwargs)


_CONTRACT = _rows(ContractSpec, "Contract", {"last_trade_date": "lastTradeDateOrContractMonth",
                                             "primary_exchange": "primaryExch"}, {"multiplier": _multiplier})
_ORDER = _rows(
    OrderSpec, "Order", {"rule80a": "rule80A"},
    {"total_quantity": _quantity, "use_price_mgmt_algo": _tri_state, "route_marketable_to_bbo": _tri_state,
     "seek_price_improvement": _tri_state},
    {**dict.fromkeys(("deactivate", "post_only", "allow_pre_open", "ignore_open_auction"),
                     V.ADDITIONAL_ORDER_PARAMS_1),
     **dict.fromkeys(("route_marketable_to_bbo", "seek_price_improvement", "what_if_type"),
                     V.ADDITIONAL_ORDER_PARAMS_2),
     "hedge_max_size": V.HEDGE_MAX_SIZE, "conditions_include_overnight": V.CONDITIONS_INCLUDE_OVERNIGHT},
)
_ATTACHED = _rows(rq.AttachedOrders, "AttachedOrders", {}, {})
# The contract's rows for each request, by (includeExpired, secIdType / secId): the text generation
# carries the first for contract details only, the others for those and placeOrder; so do we.
_CONTRACT_FOR = {
    (expired, sec_id): tuple(row for row in _CONTRACT if (expired or row[1] != "includeExpired")
                             and (sec_id or row[1] not in ("secIdType", "secId")))
    for expired in (False, True) for sec_id in (False, True)
}


def _contract(values: dict[str, Any], *, include_expired: bool = False, sec_id: bool = False) -> ContractSpec:
    return _build(ContractSpec, _CONTRACT_FOR[include_expired, sec_id], values, 0)  # type: ignore[no-any-return]


def _combo_legs(contract: dict[str, Any], sec_type: str, *, order_fields: bool) -> tuple[rq.ComboLeg, ...]:
    """A BAG's legs (text sends them for a BAG only); market data takes the first four fields, as text has."""
    if sec_type != "BAG":
        return ()
    legs = []
    for leg in contract.get("comboLegs", ()):
        head = (leg.get("conId", 0), leg.get("ratio", 0), leg.get("action", ""), leg.get("exchange", ""))
        tail = (leg.get("openClose", 0), leg.get("shortSalesSlot", 0), leg.get("designatedLocation", ""),
                leg.get("exemptCode", -1)) if order_fields else ()
        legs.append(rq.ComboLeg(*head, *tail))
    return tuple(legs)


# Condition kind -> the OrderCondition field holding its threshold (text sends it as str() of the value).
_CONDITION_VALUE = {
    rq.ConditionKind.PRICE: "price", rq.ConditionKind.TIME: "time", rq.ConditionKind.MARGIN: "percent",
    rq.ConditionKind.VOLUME: "volume", rq.ConditionKind.PERCENT_CHANGE: "changePercent",
}


def _condition(c: dict[str, Any]) -> rq.Condition:
    code = c.get("type", 0)
    try:
        kind = rq.ConditionKind(code)
    except ValueError:
        raise WireError(f"unknown order condition type {code}") from None
    is_and = c.get("isConjunctionConnection", False)
    if kind is rq.ConditionKind.EXECUTION:
        return rq.Condition(kind, is_and, sec_type=c.get("secType", ""), exchange=c.get("exchange", ""),
                            symbol=c.get("symbol", ""))
    value = c.get(_CONDITION_VALUE[kind])
    threshold = "" if value is None else str(value)
    if kind in (rq.ConditionKind.TIME, rq.ConditionKind.MARGIN):
        return rq.Condition(kind, is_and, c.get("isMore", False), threshold)
    return rq.Condition(kind, is_and, c.get("isMore", False), threshold, c.get("conId", 0), c.get("exchange", ""),
                        c.get("triggerMethod", 0) if kind is rq.ConditionKind.PRICE else 0)


# --- the requests --------------------------------------------------------------------------------


def _place_order(v: dict[str, Any], version: int) -> rq.PlaceOrder:
    contract_values, order_values = v.get("contract", {}), v.get("order", {})
    contract = _contract(contract_values, sec_id=True)
    # ibapi writes each flag only when it is True: an absent transmit means False, not OrderSpec's True
    order = _build(OrderSpec, _ORDER, order_values, version, transmit=False)
    # a map keeps no order (the client's protobuf library picks one): sorted by tag, to decode alike
    algo_params = tuple(sorted(order_values.get("algoParams", {}).items())) if order.algo_strategy else ()
    attached = v.get("attachedOrders")  # ibapi sends it empty when there are none
    return rq.PlaceOrder(
        v.get("orderId", 0), contract, order, _combo_legs(contract_values, contract.sec_type, order_fields=True),
        algo_params, tuple(_condition(c) for c in order_values.get("conditions", ())),
        _build(rq.AttachedOrders, _ATTACHED, attached, version) if attached and version >= V.ATTACHED_ORDERS
        else None,
    )


def _cancel_order(v: dict[str, Any], version: int) -> rq.CancelOrder:
    return rq.CancelOrder(v.get("orderId", 0), v.get("orderCancel", {}).get("manualOrderCancelTime", ""))


def _req_contract_details(v: dict[str, Any], version: int) -> rq.ReqContractDetails:
    return rq.ReqContractDetails(v.get("reqId", 0), _contract(v.get("contract", {}), include_expired=True, sec_id=True))


def _req_mkt_data(v: dict[str, Any], version: int) -> rq.ReqMktData:
    contract_values = v.get("contract", {})
    contract = _contract(contract_values)
    return rq.ReqMktData(
        v.get("reqId", 0), contract, v.get("genericTickList", ""), v.get("snapshot", False),
        v.get("regulatorySnapshot", False), _combo_legs(contract_values, contract.sec_type, order_fields=False),
    )


def _req_executions(v: dict[str, Any], version: int) -> rq.ReqExecutions:
    ef = v.get("executionFilter", {})
    acct, time, symbol, sec_type, exchange, side = (ef.get(name, "") for name in
                                                    ("acctCode", "time", "symbol", "secType", "exchange", "side"))
    return rq.ReqExecutions(v.get("reqId", 0), ef.get("clientId", 0), acct, time, symbol, sec_type, exchange, side,
                            ef.get("lastNDays"), list(ef.get("specificDates", ())))


def _plain(plain: rq.Plain) -> Callable[[dict[str, Any], int], rq.Request]:
    def decode(v: dict[str, Any], version: int) -> rq.Request:
        return plain.cls(*(v.get(pb, kind()) for _, pb, kind in plain.fields))  # type: ignore[no-any-return]

    return decode


_DECODERS: dict[int, Callable[[dict[str, Any], int], rq.Request]] = {
    **{msg_id: _plain(plain) for msg_id, plain in rq.PLAIN.items()},
    rq.MsgId.PLACE_ORDER: _place_order,
    rq.MsgId.CANCEL_ORDER: _cancel_order,
    rq.MsgId.REQ_GLOBAL_CANCEL: lambda v, version: rq.ReqGlobalCancel(),
    rq.MsgId.REQ_CONTRACT_DETAILS: _req_contract_details,
    rq.MsgId.REQ_MKT_DATA: _req_mkt_data,
    rq.MsgId.REQ_EXECUTIONS: _req_executions,
}
