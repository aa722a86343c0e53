"""Decode the requests a client sends into dataclasses: text fields here, protobuf in requests_proto.

`decode.read` takes a request of either generation. The text decoders read exactly the fields a TWS
API client writes at the negotiated version (laid out as at TEXT_LAST from 201 on), in order; a
frame with fields missing, left over, or unreadable where the simulator needs a value raises
WireError naming the request. Messages the simulator does not serve decode to `Unsupported`.
"""

from __future__ import annotations

import math
from dataclasses import field
from decimal import Decimal
from enum import IntEnum
from typing import Callable, Iterable

from blotter.records import frozen
from blotter.sim import versions as V
from blotter.sim.model import ContractSpec, OrderSpec
from blotter.sim.wire import Fields, WireError

UNKNOWN_MESSAGE = "unknown message"
UNSET_DECIMAL = Decimal(2**127 - 1)  # a client's "no quantity" (e.g. an order sized by cashQty)


class MsgId(IntEnum):
    """Ids of the requests the simulator decodes."""

    REQ_MKT_DATA = 1
    CANCEL_MKT_DATA = 2
    PLACE_ORDER = 3
    CANCEL_ORDER = 4
    REQ_OPEN_ORDERS = 5
    REQ_ACCOUNT_UPDATES = 6
    REQ_EXECUTIONS = 7
    REQ_IDS = 8
    REQ_CONTRACT_DETAILS = 9
    REQ_AUTO_OPEN_ORDERS = 15
    REQ_ALL_OPEN_ORDERS = 16
    REQ_MANAGED_ACCTS = 17
    REQ_CURRENT_TIME = 49
    REQ_GLOBAL_CANCEL = 58
    REQ_MARKET_DATA_TYPE = 59
    REQ_POSITIONS = 61
    REQ_ACCOUNT_SUMMARY = 62
    CANCEL_ACCOUNT_SUMMARY = 63
    CANCEL_POSITIONS = 64
    START_API = 71
    REQ_POSITIONS_MULTI = 74
    CANCEL_POSITIONS_MULTI = 75
    REQ_ACCOUNT_UPDATES_MULTI = 76
    CANCEL_ACCOUNT_UPDATES_MULTI = 77
    REQ_SEC_DEF_OPT_PARAMS = 78
    REQ_MATCHING_SYMBOLS = 81
    REQ_MARKET_RULE = 91
    REQ_PNL = 92
    CANCEL_PNL = 93
    REQ_PNL_SINGLE = 94
    CANCEL_PNL_SINGLE = 95
    REQ_COMPLETED_ORDERS = 99
    REQ_USER_INFO = 104
    REQ_CURRENT_TIME_IN_MILLIS = 105


# Every request id a TWS API client may send, named after the client call that sends it.
MSG_NAMES: dict[int, str] = {
    1: "reqMktData", 2: "cancelMktData", 3: "placeOrder", 4: "cancelOrder", 5: "reqOpenOrders",
    6: "reqAccountUpdates", 7: "reqExecutions", 8: "reqIds", 9: "reqContractDetails",
    10: "reqMktDepth", 11: "cancelMktDepth", 12: "reqNewsBulletins", 13: "cancelNewsBulletins",
    14: "setServerLogLevel", 15: "reqAutoOpenOrders", 16: "reqAllOpenOrders", 17: "reqManagedAccts",
    18: "requestFA", 19: "replaceFA", 20: "reqHistoricalData", 21: "exerciseOptions",
    22: "reqScannerSubscription", 23: "cancelScannerSubscription", 24: "reqScannerParameters",
    25: "cancelHistoricalData", 49: "reqCurrentTime", 50: "reqRealTimeBars", 51: "cancelRealTimeBars",
    54: "calculateImpliedVolatility", 55: "calculateOptionPrice",
    56: "cancelCalculateImpliedVolatility", 57: "cancelCalculateOptionPrice", 58: "reqGlobalCancel",
    59: "reqMarketDataType", 61: "reqPositions", 62: "reqAccountSummary", 63: "cancelAccountSummary",
    64: "cancelPositions", 65: "verifyRequest", 66: "verifyMessage", 67: "queryDisplayGroups",
    68: "subscribeToGroupEvents", 69: "updateDisplayGroup", 70: "unsubscribeFromGroupEvents",
    71: "startApi", 72: "verifyAndAuthRequest", 73: "verifyAndAuthMessage", 74: "reqPositionsMulti",
    75: "cancelPositionsMulti", 76: "reqAccountUpdatesMulti", 77: "cancelAccountUpdatesMulti",
    78: "reqSecDefOptParams", 79: "reqSoftDollarTiers", 80: "reqFamilyCodes",
    81: "reqMatchingSymbols", 82: "reqMktDepthExchanges", 83: "reqSmartComponents",
    84: "reqNewsArticle", 85: "reqNewsProviders", 86: "reqHistoricalNews", 87: "reqHeadTimeStamp",
    88: "reqHistogramData", 89: "cancelHistogramData", 90: "cancelHeadTimeStamp",
    91: "reqMarketRule", 92: "reqPnL", 93: "cancelPnL", 94: "reqPnLSingle", 95: "cancelPnLSingle",
    96: "reqHistoricalTicks", 97: "reqTickByTickData", 98: "cancelTickByTickData",
    99: "reqCompletedOrders", 100: "reqWshMetaData", 101: "cancelWshMetaData",
    102: "reqWshEventData", 103: "cancelWshEventData", 104: "reqUserInfo",
    105: "reqCurrentTimeInMillis", 106: "cancelContractData", 107: "cancelHistoricalTicks",
    108: "reqConfig", 109: "updateConfig",
}


# --- the decoded requests ---------------------------------------------------------------------


@frozen
class StartApi:
    client_id: int
    optional_capabilities: str


@frozen
class ReqIds:
    num_ids: int


@frozen
class ReqCurrentTime:
    pass


@frozen
class ReqContractDetails:
    req_id: int
    contract: ContractSpec


@frozen
class ReqMarketRule:
    rule_id: int


@frozen
class ComboLeg:
    """One leg of a BAG contract (reqMktData sends only the first four fields)."""

    con_id: int
    ratio: int
    action: str
    exchange: str
    open_close: int = 0
    short_sale_slot: int = 0
    designated_location: str = ""
    exempt_code: int = -1


@frozen
class ReqMktData:
    req_id: int
    contract: ContractSpec
    generic_ticks: str
    snapshot: bool
    regulatory_snapshot: bool
    combo_legs: tuple[ComboLeg, ...] = ()


@frozen
class CancelMktData:
    req_id: int


@frozen
class ReqMarketDataType:
    market_data_type: int


class ConditionKind(IntEnum):
    """Order condition types, as numbered on the wire."""

    PRICE = 1
    TIME = 3
    MARGIN = 4
    EXECUTION = 5
    VOLUME = 6
    PERCENT_CHANGE = 7


@frozen
class Condition:
    """One order condition; `value` is the threshold as sent (price, time, percent or volume)."""

    kind: ConditionKind
    is_and: bool  # joined to the next condition by AND ("a"), else OR ("o")
    is_more: bool = False
    value: str = ""
    con_id: int = 0
    exchange: str = ""
    trigger_method: int = 0  # price conditions
    sec_type: str = ""  # execution conditions
    symbol: str = ""  # execution conditions


@frozen
class AttachedOrders:
    """The stop-loss and profit-taker orders TWS attaches to a placed order (protobuf, version 218 on)."""

    sl_order_id: int | None = None
    sl_order_type: str = ""
    pt_order_id: int | None = None
    pt_order_type: str = ""


@frozen
class PlaceOrder:
    order_id: int
    contract: ContractSpec
    order: OrderSpec
    combo_legs: tuple[ComboLeg, ...] = ()
    algo_params: tuple[tuple[str, str], ...] = ()
    conditions: tuple[Condition, ...] = ()
    attached_orders: AttachedOrders | None = None


@frozen
class CancelOrder:
    order_id: int
    manual_order_cancel_time: str


@frozen
class ReqGlobalCancel:
    pass


@frozen
class ReqOpenOrders:
    pass


@frozen
class ReqAllOpenOrders:
    pass


@frozen
class ReqAutoOpenOrders:
    auto_bind: bool


@frozen
class ReqCompletedOrders:
    api_only: bool


@frozen
class ReqExecutions:
    req_id: int
    client_id: int
    acct_code: str
    time: str
    symbol: str
    sec_type: str
    exchange: str
    side: str
    last_n_days: int | None = None
    specific_dates: list[int] = field(default_factory=list)


@frozen
class ReqPositions:
    pass


@frozen
class CancelPositions:
    pass


@frozen
class ReqAccountUpdates:
    subscribe: bool
    acct_code: str


@frozen
class ReqManagedAccts:
    pass


@frozen
class ReqAccountUpdatesMulti:
    req_id: int
    account: str
    model_code: str
    ledger_and_nlv: bool


@frozen
class CancelAccountUpdatesMulti:
    req_id: int


@frozen
class ReqPositionsMulti:
    req_id: int
    account: str
    model_code: str


@frozen
class CancelPositionsMulti:
    req_id: int


@frozen
class ReqAccountSummary:
    req_id: int
    group: str
    tags: str


@frozen
class CancelAccountSummary:
    req_id: int


@frozen
class ReqPnL:
    req_id: int
    account: str
    model_code: str


@frozen
class CancelPnL:
    req_id: int


@frozen
class ReqPnLSingle:
    req_id: int
    account: str
    model_code: str
    con_id: int


@frozen
class CancelPnLSingle:
    req_id: int


@frozen
class ReqMatchingSymbols:
    req_id: int
    pattern: str


@frozen
class ReqSecDefOptParams:
    req_id: int
    underlying_symbol: str
    fut_fop_exchange: str
    underlying_sec_type: str
    underlying_con_id: int


@frozen
class ReqCurrentTimeInMillis:
    pass


@frozen
class ReqUserInfo:
    req_id: int


@frozen
class Unsupported:
    """A request the simulator does not serve; `req_id` is the id the client will wait on, if it has one."""

    msg_id: int
    name: str
    req_id: int | None = None


Request = (
    StartApi | ReqIds | ReqCurrentTime | ReqContractDetails | ReqMarketRule | ReqMktData
    | CancelMktData | ReqMarketDataType | PlaceOrder | CancelOrder | ReqGlobalCancel | ReqOpenOrders
    | ReqAllOpenOrders | ReqAutoOpenOrders | ReqCompletedOrders | ReqExecutions | ReqPositions
    | CancelPositions | ReqAccountUpdates | ReqManagedAccts | ReqAccountUpdatesMulti
    | CancelAccountUpdatesMulti | ReqPositionsMulti | CancelPositionsMulti | ReqAccountSummary
    | CancelAccountSummary | ReqPnL | CancelPnL | ReqPnLSingle | CancelPnLSingle | ReqMatchingSymbols
    | ReqSecDefOptParams | ReqCurrentTimeInMillis | ReqUserInfo | Unsupported
)


# --- entry point (text) ----------------------------------------------------------------------


def decode_request(version: int, fields: list[str]) -> Request:
    """Decode one request frame's text fields (message id first) as a client sends them at `version`."""
    if not V.MIN_SUPPORTED <= version <= V.MAX_SUPPORTED:
        raise WireError(f"server version {version} is outside {V.MIN_SUPPORTED}..{V.MAX_SUPPORTED}")
    version = min(version, V.TEXT_LAST)  # text requests kept their layout of 200
    if not fields:
        raise WireError("empty request: no message id")
    try:
        msg_id = int(fields[0])
    except ValueError:
        raise WireError(f"message id {fields[0]!r} is not an integer") from None
    name = MSG_NAMES.get(msg_id, UNKNOWN_MESSAGE)
    decoder = _DECODERS.get(msg_id)
    if decoder is None:
        return Unsupported(msg_id, name, _text_req_id(msg_id, fields))
    f = Fields(fields, 1)
    try:
        request = decoder(f, version)
        if f.remaining():
            raise WireError(f"{f.remaining()} unexpected field(s) after the last one, from field {f.pos + 1}")
    except WireError as exc:
        raise WireError(f"{name} (message {msg_id}) at server version {version}: {exc}") from None
    return request


# --- shared readers ---------------------------------------------------------------------------


def _count(f: Fields, what: str) -> int:
    """A repeat count, which cannot be negative nor exceed the fields left."""
    n = f.int()
    if n < 0 or n > f.remaining():
        raise WireError(f"field {f.pos}: {n} {what} cannot be read from {f.remaining()} remaining fields")
    return n


def _quantity(f: Fields) -> Decimal:
    """An order quantity (Decimal); the client's unset value means none (sized by cash quantity)."""
    qty = f.decimal()
    if qty is None:
        raise WireError(f"field {f.pos}: quantity is empty")
    return Decimal(0) if qty == UNSET_DECIMAL else qty


def _opt_bool(f: Fields) -> bool | None:
    """A tri-state flag: "" or 2147483647 means unset."""
    value = f.opt_int()
    return None if value is None else value != 0


def _is_infinity(text: str) -> bool:
    try:
        return float(text) == math.inf
    except ValueError:
        return False


def _contract(f: Fields, *, include_expired: bool = False, sec_id: bool = False) -> ContractSpec:
    """The contract fields every request carrying a contract sends, in order, plus the optional
    includeExpired (reqContractDetails) and secIdType/secId (placeOrder, reqContractDetails)."""
    contract = ContractSpec(
        con_id=f.int(), symbol=f.str(), sec_type=f.str(), last_trade_date=f.str(),
        strike=f.opt_float(), right=f.str(), multiplier=f.str(), exchange=f.str(),
        primary_exchange=f.str(), currency=f.str(), local_symbol=f.str(), trading_class=f.str(),
    )
    if include_expired:
        contract.include_expired = f.bool()
    if sec_id:
        contract.sec_id_type = f.str()
        contract.sec_id = f.str()
    return contract


def _combo_legs(f: Fields, *, order_fields: bool) -> tuple[ComboLeg, ...]:
    """A BAG contract's legs: conId, ratio, action, exchange; placeOrder adds openClose,
    shortSaleSlot, designatedLocation and exemptCode."""
    legs = []
    for _ in range(_count(f, "combo legs")):
        head = (f.int(), f.int(), f.str(), f.str())
        tail = (f.int(), f.int(), f.str(), f.int()) if order_fields else ()
        legs.append(ComboLeg(*head, *tail))
    return tuple(legs)


def _tag_values(f: Fields, what: str) -> tuple[tuple[str, str], ...]:
    return tuple((f.str(), f.str()) for _ in range(_count(f, what)))


def _skip_delta_neutral_contract(f: Fields) -> None:
    if f.bool():
        f.skip(3)  # conId, delta, price


# --- placeOrder -------------------------------------------------------------------------------

# A step reads one field: (OrderSpec attribute, reader) keeps it; a bare name (the client's) skips it.
_Reader = Callable[[Fields], object]
_Step = str | tuple[str, _Reader]

_ORDER_MAIN: tuple[_Step, ...] = (
    ("action", Fields.str), ("total_quantity", _quantity), ("order_type", Fields.str),
    ("lmt_price", Fields.opt_float), ("aux_price", Fields.opt_float),
    ("tif", Fields.str), ("oca_group", Fields.str), ("account", Fields.str),
    ("open_close", Fields.str), ("origin", Fields.int), ("order_ref", Fields.str),
    ("transmit", Fields.bool), ("parent_id", Fields.int), ("block_order", Fields.bool),
    ("sweep_to_fill", Fields.bool), ("display_size", Fields.int), ("trigger_method", Fields.int),
    ("outside_rth", Fields.bool), ("hidden", Fields.bool),
)
_ORDER_ALLOCATION: tuple[_Step, ...] = (
    "sharesAllocation", ("discretionary_amt", Fields.float), ("good_after_time", Fields.str),
    ("good_till_date", Fields.str), ("fa_group", Fields.str), ("fa_method", Fields.str),
    ("fa_percentage", Fields.str),
)
_ORDER_INSTITUTIONAL: tuple[_Step, ...] = (
    ("model_code", Fields.str), ("short_sale_slot", Fields.int),
    ("designated_location", Fields.str), ("exempt_code", Fields.int), ("oca_type", Fields.int),
    ("rule80a", Fields.str), ("settling_firm", Fields.str), ("all_or_none", Fields.bool),
    ("min_qty", Fields.opt_int), ("percent_offset", Fields.opt_float),
    "eTradeOnly", "firmQuoteOnly", "nbboPriceCap", "auctionStrategy", "startingPrice",
    "stockRefPrice", "delta", "stockRangeLower", "stockRangeUpper",
    "overridePercentageConstraints", "volatility", "volatilityType",
)
_DELTA_NEUTRAL_ORDER = (
    "deltaNeutralConId", "deltaNeutralSettlingFirm", "deltaNeutralClearingAccount",
    "deltaNeutralClearingIntent", "deltaNeutralOpenClose", "deltaNeutralShortSale",
    "deltaNeutralShortSaleSlot", "deltaNeutralDesignatedLocation",
)
_ORDER_TRAIL: tuple[_Step, ...] = (
    "continuousUpdate", "referencePriceType", ("trail_stop_price", Fields.opt_float),
    ("trailing_percent", Fields.opt_float), "scaleInitLevelSize", "scaleSubsLevelSize",
)
_SCALE_DETAILS = (
    "scalePriceAdjustValue", "scalePriceAdjustInterval", "scaleProfitOffset", "scaleAutoReset",
    "scaleInitPosition", "scaleInitFillQty", "scaleRandomPercent",
)
_SCALE_TABLE: tuple[_Step, ...] = ("scaleTable", "activeStartTime", "activeStopTime")
_ORDER_CLEARING: tuple[_Step, ...] = (
    "optOutSmartRouting", "clearingAccount", "clearingIntent", ("not_held", Fields.bool),
)
_ORDER_WHAT_IF: tuple[_Step, ...] = (
    "algoId", ("what_if", Fields.bool), "orderMiscOptions", "solicited", "randomizeSize",
    "randomizePrice",
)
_PEG_BENCH_FIELDS = (
    "referenceContractId", "isPeggedChangeAmountDecrease", "peggedChangeAmount",
    "referenceChangeAmount", "referenceExchangeId",
)
_ORDER_ADJUSTED: tuple[_Step, ...] = (
    "adjustedOrderType", "triggerPrice", "lmtPriceOffset", "adjustedStopPrice",
    "adjustedStopLimitPrice", "adjustedTrailingAmount", "adjustableTrailingUnit", "extOperator",
    "softDollarTierName", "softDollarTierValue", ("cash_qty", Fields.opt_float),
    "mifid2DecisionMaker", "mifid2DecisionAlgo", "mifid2ExecutionTrader", "mifid2ExecutionAlgo",
    ("dont_use_auto_price_for_hedge", Fields.bool), "isOmsContainer",
    "discretionaryUpToLimitPrice", ("use_price_mgmt_algo", _opt_bool),
)
_ALWAYS = 10**6
# (first version, first version without it, step), in wire order, before the peg offsets (v170) ...
_ORDER_BEFORE_PEG_OFFSETS: tuple[tuple[int, int, _Step], ...] = (
    (V.DURATION, _ALWAYS, "duration"),
    (V.POST_TO_ATS, _ALWAYS, "postToAts"),
    (V.AUTO_CANCEL_PARENT, _ALWAYS, "autoCancelParent"),
    (V.ADVANCED_ORDER_REJECT, _ALWAYS, "advancedErrorOverride"),
    (V.MANUAL_ORDER_TIME, _ALWAYS, ("manual_order_time", Fields.str)),
)
# ... and after them
_ORDER_AFTER_PEG_OFFSETS: tuple[tuple[int, int, _Step], ...] = (
    (V.CUSTOMER_ACCOUNT, _ALWAYS, ("customer_account", Fields.str)),
    (V.PROFESSIONAL_CUSTOMER, _ALWAYS, ("professional_customer", Fields.bool)),
    (V.RFQ_FIELDS, V.UNDO_RFQ_FIELDS, "rfqBlankField"),
    (V.RFQ_FIELDS, V.UNDO_RFQ_FIELDS, "rfqUnsetIntField"),
    (V.INCLUDE_OVERNIGHT, _ALWAYS, ("include_overnight", Fields.bool)),
    (V.CME_TAGGING_FIELDS, _ALWAYS, "manualOrderIndicator"),
    (V.IMBALANCE_ONLY, _ALWAYS, ("imbalance_only", Fields.bool)),
)
_PEG_BENCH = ("PEG BENCH", "PEGBENCH")
_PEG_BEST = ("PEG BEST", "PEGBEST")
_PEG_MID = ("PEG MID", "PEGMID")


def _read_steps(f: Fields, spec: OrderSpec | None, steps: Iterable[_Step]) -> None:
    """Read fields in order into `spec`, skipping the bare-named ones; errors name the field."""
    for step in steps:
        name, read = (step, None) if isinstance(step, str) else step
        try:
            value = f.str() if read is None else read(f)
        except WireError as exc:
            raise WireError(f"{name}: {exc}") from None
        if read is not None and spec is not None:
            setattr(spec, name, value)


def _at(version: int, table: Iterable[tuple[int, int, _Step]]) -> list[_Step]:
    return [step for since, until, step in table if since <= version < until]


def _skip_names(f: Fields, names: Iterable[str]) -> None:
    _read_steps(f, None, names)


def _conditions(f: Fields) -> tuple[Condition, ...]:
    """Order conditions, each as its type writes itself; then two flags when there are any."""
    conditions = tuple(_condition(f) for _ in range(_count(f, "order conditions")))
    if conditions:
        _skip_names(f, ("conditionsIgnoreRth", "conditionsCancelOrder"))
    return conditions


def _condition(f: Fields) -> Condition:
    code = f.int()
    try:
        kind = ConditionKind(code)
    except ValueError:
        raise WireError(f"field {f.pos}: unknown order condition type {code}") from None
    connector = f.str()
    if connector not in ("a", "o"):
        raise WireError(f"field {f.pos}: condition connector {connector!r} is neither 'a' nor 'o'")
    is_and = connector == "a"
    if kind is ConditionKind.EXECUTION:
        return Condition(kind, is_and, sec_type=f.str(), exchange=f.str(), symbol=f.str())
    is_more, value = f.bool(), f.str()
    if kind in (ConditionKind.TIME, ConditionKind.MARGIN):
        return Condition(kind, is_and, is_more, value)
    con_id, exchange = f.int(), f.str()
    trigger_method = f.int() if kind is ConditionKind.PRICE else 0
    return Condition(kind, is_and, is_more, value, con_id, exchange, trigger_method)


def _skip_peg_offsets(f: Fields, exchange: str, order_type: str) -> None:
    """minTradeQty (IBKRATS), minCompeteSize / competeAgainstBestOffset (PEG BEST), mid offsets."""
    if exchange == "IBKRATS":
        f.skip()  # minTradeQty
    mid_offsets = order_type in _PEG_MID
    if order_type in _PEG_BEST:
        f.skip()  # minCompeteSize
        mid_offsets = _is_infinity(f.str())  # competeAgainstBestOffset "up to mid"
    if mid_offsets:
        f.skip(2)  # midOffsetAtWhole, midOffsetAtHalf


def _place_order(f: Fields, v: int) -> PlaceOrder:
    order_id = f.int()
    contract = _contract(f, sec_id=True)
    order = OrderSpec()
    _read_steps(f, order, _ORDER_MAIN)
    legs: tuple[ComboLeg, ...] = ()
    if contract.sec_type == "BAG":
        legs = _combo_legs(f, order_fields=True)
        f.skip(_count(f, "order combo leg prices"))
        _tag_values(f, "smart combo routing params")
    _read_steps(f, order, _ORDER_ALLOCATION)
    if v < V.FA_PROFILE_DESUPPORT:
        f.skip()  # faProfile
    _read_steps(f, order, _ORDER_INSTITUTIONAL)
    delta_neutral_type = f.str()
    f.skip()  # deltaNeutralAuxPrice
    if delta_neutral_type:
        _skip_names(f, _DELTA_NEUTRAL_ORDER)
    _read_steps(f, order, _ORDER_TRAIL)
    scale_price_increment = f.opt_float()
    if scale_price_increment is not None and scale_price_increment > 0:
        _skip_names(f, _SCALE_DETAILS)
    _read_steps(f, order, _SCALE_TABLE)
    if f.str():  # hedgeType
        f.skip()  # hedgeParam
    _read_steps(f, order, _ORDER_CLEARING)
    _skip_delta_neutral_contract(f)
    order.algo_strategy = f.str()
    algo_params = _tag_values(f, "algo params") if order.algo_strategy else ()
    _read_steps(f, order, _ORDER_WHAT_IF)
    if order.order_type in _PEG_BENCH:
        _skip_names(f, _PEG_BENCH_FIELDS)
    conditions = _conditions(f)
    _read_steps(f, order, _ORDER_ADJUSTED)
    _read_steps(f, order, _at(v, _ORDER_BEFORE_PEG_OFFSETS))
    if v >= V.PEGBEST_PEGMID_OFFSETS:
        _skip_peg_offsets(f, contract.exchange, order.order_type)
    _read_steps(f, order, _at(v, _ORDER_AFTER_PEG_OFFSETS))
    return PlaceOrder(order_id, contract, order, legs, algo_params, conditions)


# --- the other requests -----------------------------------------------------------------------


@frozen
class Plain:
    """A request of plain fields, read alike in both generations: whether its text starts with a
    message version, then per field (attribute, protobuf field name, int / str / bool). An absent
    protobuf field is the type's zero, as ibapi leaves out only what is unset, empty or False."""

    cls: type
    versioned: bool
    fields: tuple[tuple[str, str, type], ...] = ()


_REQ_ID = ("req_id", "reqId", int)
_ACCOUNT_MODEL = (("account", "account", str), ("model_code", "modelCode", str))

PLAIN: dict[int, Plain] = {
    MsgId.START_API: Plain(StartApi, True, (
        ("client_id", "clientId", int), ("optional_capabilities", "optionalCapabilities", str))),
    MsgId.REQ_IDS: Plain(ReqIds, True, (("num_ids", "numIds", int),)),
    MsgId.REQ_CURRENT_TIME: Plain(ReqCurrentTime, True),
    MsgId.REQ_CURRENT_TIME_IN_MILLIS: Plain(ReqCurrentTimeInMillis, False),
    MsgId.REQ_MARKET_RULE: Plain(ReqMarketRule, False, (("rule_id", "marketRuleId", int),)),
    MsgId.CANCEL_MKT_DATA: Plain(CancelMktData, True, (_REQ_ID,)),
    MsgId.REQ_MARKET_DATA_TYPE: Plain(ReqMarketDataType, True, (("market_data_type", "marketDataType", int),)),
    MsgId.REQ_OPEN_ORDERS: Plain(ReqOpenOrders, True),
    MsgId.REQ_ALL_OPEN_ORDERS: Plain(ReqAllOpenOrders, True),
    MsgId.REQ_AUTO_OPEN_ORDERS: Plain(ReqAutoOpenOrders, True, (("auto_bind", "autoBind", bool),)),
    MsgId.REQ_COMPLETED_ORDERS: Plain(ReqCompletedOrders, False, (("api_only", "apiOnly", bool),)),
    MsgId.REQ_POSITIONS: Plain(ReqPositions, True),
    MsgId.CANCEL_POSITIONS: Plain(CancelPositions, True),
    MsgId.REQ_ACCOUNT_UPDATES: Plain(ReqAccountUpdates, True, (
        ("subscribe", "subscribe", bool), ("acct_code", "acctCode", str))),
    MsgId.REQ_MANAGED_ACCTS: Plain(ReqManagedAccts, True),
    MsgId.REQ_ACCOUNT_UPDATES_MULTI: Plain(ReqAccountUpdatesMulti, True, (
        _REQ_ID, *_ACCOUNT_MODEL, ("ledger_and_nlv", "ledgerAndNLV", bool))),
    MsgId.CANCEL_ACCOUNT_UPDATES_MULTI: Plain(CancelAccountUpdatesMulti, True, (_REQ_ID,)),
    MsgId.REQ_POSITIONS_MULTI: Plain(ReqPositionsMulti, True, (_REQ_ID, *_ACCOUNT_MODEL)),
    MsgId.CANCEL_POSITIONS_MULTI: Plain(CancelPositionsMulti, True, (_REQ_ID,)),
    MsgId.REQ_ACCOUNT_SUMMARY: Plain(ReqAccountSummary, True, (
        _REQ_ID, ("group", "group", str), ("tags", "tags", str))),
    MsgId.CANCEL_ACCOUNT_SUMMARY: Plain(CancelAccountSummary, True, (_REQ_ID,)),
    MsgId.REQ_PNL: Plain(ReqPnL, False, (_REQ_ID, *_ACCOUNT_MODEL)),
    MsgId.CANCEL_PNL: Plain(CancelPnL, False, (_REQ_ID,)),
    MsgId.REQ_PNL_SINGLE: Plain(ReqPnLSingle, False, (_REQ_ID, *_ACCOUNT_MODEL, ("con_id", "conId", int))),
    MsgId.CANCEL_PNL_SINGLE: Plain(CancelPnLSingle, False, (_REQ_ID,)),
    MsgId.REQ_MATCHING_SYMBOLS: Plain(ReqMatchingSymbols, False, (_REQ_ID, ("pattern", "pattern", str))),
    MsgId.REQ_SEC_DEF_OPT_PARAMS: Plain(ReqSecDefOptParams, False, (
        _REQ_ID, ("underlying_symbol", "underlyingSymbol", str), ("fut_fop_exchange", "futFopExchange", str),
        ("underlying_sec_type", "underlyingSecType", str), ("underlying_con_id", "underlyingConId", int))),
    MsgId.REQ_USER_INFO: Plain(ReqUserInfo, False, (_REQ_ID,)),
}

_TEXT_READERS: dict[type, Callable[[Fields], object]] = {int: Fields.int, str: Fields.str, bool: Fields.bool}


def _plain_text(plain: Plain) -> Callable[[Fields, int], Request]:
    def decode(f: Fields, v: int) -> Request:
        if plain.versioned:
            f.skip()
        return plain.cls(*(_TEXT_READERS[kind](f) for _, _, kind in plain.fields))  # type: ignore[no-any-return]

    return decode


def _req_contract_details(f: Fields, v: int) -> ReqContractDetails:
    f.skip()
    req_id = f.int()
    contract = _contract(f, include_expired=True, sec_id=True)
    if v >= V.BOND_ISSUERID:
        f.skip()  # issuerId
    return ReqContractDetails(req_id, contract)


def _req_mkt_data(f: Fields, v: int) -> ReqMktData:
    f.skip()
    req_id = f.int()
    contract = _contract(f)
    legs = _combo_legs(f, order_fields=False) if contract.sec_type == "BAG" else ()
    _skip_delta_neutral_contract(f)
    generic_ticks, snapshot, regulatory = f.str(), f.bool(), f.bool()
    f.skip()  # mktDataOptions
    return ReqMktData(req_id, contract, generic_ticks, snapshot, regulatory, legs)


def _cancel_order(f: Fields, v: int) -> CancelOrder:
    if v < V.CME_TAGGING_FIELDS:
        f.skip()  # message version (dropped with the CME tagging fields)
    order_id = f.int()
    cancel_time = f.str() if v >= V.MANUAL_ORDER_TIME else ""
    if V.RFQ_FIELDS <= v < V.UNDO_RFQ_FIELDS:
        f.skip(3)
    if v >= V.CME_TAGGING_FIELDS:
        f.skip(2)  # extOperator, manualOrderIndicator
    return CancelOrder(order_id, cancel_time)


def _req_global_cancel(f: Fields, v: int) -> ReqGlobalCancel:
    # before CME tagging: the message version; from it on: extOperator, manualOrderIndicator
    f.skip(2 if v >= V.CME_TAGGING_FIELDS else 1)
    return ReqGlobalCancel()


def _req_executions(f: Fields, v: int) -> ReqExecutions:
    f.skip()
    req_id, client_id = f.int(), f.int()
    acct_code, time, symbol, sec_type, exchange, side = (f.str() for _ in range(6))
    last_n_days: int | None = None
    specific_dates: list[int] = []
    if v >= V.PARAMETRIZED_DAYS_OF_EXECUTIONS:
        last_n_days = f.opt_int()
        specific_dates = [f.int() for _ in range(_count(f, "specific dates"))]
    return ReqExecutions(
        req_id, client_id, acct_code, time, symbol, sec_type, exchange, side, last_n_days, specific_dates
    )


_DECODERS: dict[int, Callable[[Fields, int], Request]] = {
    **{msg_id: _plain_text(plain) for msg_id, plain in PLAIN.items()},
    MsgId.REQ_CONTRACT_DETAILS: _req_contract_details,
    MsgId.REQ_MKT_DATA: _req_mkt_data,
    MsgId.PLACE_ORDER: _place_order,
    MsgId.CANCEL_ORDER: _cancel_order,
    MsgId.REQ_GLOBAL_CANCEL: _req_global_cancel,
    MsgId.REQ_EXECUTIONS: _req_executions,
}


# Where a request the simulator does not serve carries its request id (a ticker id, an order id), as
# ibapi 10.50.2 writes it at every text version 157..200 (and as text up to its protobuf version):
# the field's index, the message id being field 0. replaceFA writes its id last, after the XML.
_TEXT_REQ_ID_AT: dict[int, int] = {
    **dict.fromkeys((10, 11, 21, 23, 25, 50, 51, 54, 55, 56, 57, 67, 68, 69, 70), 2),
    **dict.fromkeys((20, 22, 79, 83, 84, 86, 87, 88, 89, 90, 96, 97, 98, 100, 101, 102, 103), 1),
    19: 4,
}


def _text_req_id(msg_id: int, fields: list[str]) -> int | None:
    """The request id of a text request the simulator does not decode, where the request has one."""
    index = _TEXT_REQ_ID_AT.get(msg_id)
    if index is None or index >= len(fields):
        return None
    try:
        return int(fields[index])
    except ValueError:
        return None
