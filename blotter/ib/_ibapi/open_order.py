"""ibapi's openOrder decoding for the plain-text protocol, in one pass: the same objects in half the time.

An openOrder carries ~155 fields. ibapi 10.50.2 (`Decoder.processOpenOrder`) reads them through ~80
`OrderDecoder` methods, each calling `decode` per field, and builds `Order()` (10 us of defaults):
54-100 us a message on this machine (timeit, a simulator openOrder at version 200), half the decoding
thread's time in a flood of fills; this takes 27-50 us. `open_order` reads the same fields in the
same order with the same conversions, for server versions 157 (the oldest the simulator speaks, so
the oldest the tests compare) to 200 (from 201 TWS sends openOrder as protobuf), and gives the same Contract,
Order and OrderState (tests/ib/test_open_order.py compares every attribute with ibapi's, at every
version the simulator speaks, and on damaged messages).

Only the common shape is read here: an order with combo legs, order conditions or preview
allocations raises `Unusual`, as does any field it cannot read, and the caller (`Client._decode`)
hands the message to ibapi's own decoder, which says what it says. The caller gives only
ASCII messages (every TWS message but one with non-ASCII text), as str fields: for ASCII, decoding
each field from UTF-8 first, as ibapi does, changes nothing.
"""

from __future__ import annotations

from decimal import Decimal

from ibapi.const import UNSET_DECIMAL, UNSET_DOUBLE, UNSET_INTEGER
from ibapi.contract import Contract, DeltaNeutralContract
from ibapi.order import Order
from ibapi.order_state import OrderState
from ibapi.server_versions import (
    MIN_SERVER_VER_AUTO_CANCEL_PARENT, MIN_SERVER_VER_BOND_ACCRUED_INTEREST,
    MIN_SERVER_VER_CME_TAGGING_FIELDS_IN_OPEN_ORDER, MIN_SERVER_VER_CUSTOMER_ACCOUNT, MIN_SERVER_VER_DURATION,
    MIN_SERVER_VER_FA_PROFILE_DESUPPORT, MIN_SERVER_VER_FULL_ORDER_PREVIEW_FIELDS, MIN_SERVER_VER_IMBALANCE_ONLY,
    MIN_SERVER_VER_INCLUDE_OVERNIGHT, MIN_SERVER_VER_PEGBEST_PEGMID_OFFSETS,
    MIN_SERVER_VER_POST_TO_ATS, MIN_SERVER_VER_PROFESSIONAL_CUSTOMER, MIN_SERVER_VER_PROTOBUF,
    MIN_SERVER_VER_SUBMITTER,
)
from ibapi.softdollartier import SoftDollarTier
from ibapi.tag_value import TagValue

from blotter.ib._ibapi.decode import UNSET_DECIMAL_TEXT as UNSET_DECIMAL_BYTES, shared

FIRST_VERSION = 157  # older TWS: ibapi's decoder (below 145 the message has a version field of its own)
LAST_VERSION = MIN_SERVER_VER_PROTOBUF - 1
_UNSET_DECIMAL_TEXT = frozenset(text.decode() for text in UNSET_DECIMAL_BYTES)
_ORDER_DEFAULTS = vars(Order())  # every Order attribute's default; the two mutable ones are made anew


class Unusual(Exception):
    """A shape this reader leaves to ibapi (combo legs, conditions, allocations, a bad field)."""


def _new_order() -> Order:
    order = Order.__new__(Order)
    order.__dict__.update(_ORDER_DEFAULTS)
    order.conditions = []
    return order


# the conversions of blotter.ib._ibapi.decode (ibapi's decode), on ASCII text
def _int(s: str) -> int:
    return int(s) if s else 0


def _int_or_unset(s: str) -> int:
    return int(s) if s else UNSET_INTEGER


def _float(s: str) -> float:
    return float(s) if s else 0.0  # "Infinity" reads as inf, as ibapi's DOUBLE_INFINITY


def _float_or_unset(s: str) -> float:
    return float(s) if s else UNSET_DOUBLE


def _bool(s: str) -> bool:
    return (int(s) if s else 0) != 0


def _decimal(s: str) -> Decimal:
    if not s or s in _UNSET_DECIMAL_TEXT:
        return UNSET_DECIMAL
    number = _DECIMALS.get(s)
    return shared(_DECIMALS, s, Decimal(s)) if number is None else number


_DECIMALS: dict[str, Decimal] = {}  # an order's quantity, one object for all the orders of that size


def _tag_values(nx, count: int) -> list[TagValue]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(count):
        tag_value = TagValue()
        tag_value.tag = nx()
        tag_value.value = nx()
        out.append(tag_value)
    return out


def open_order(fields: list[str], version: int) -> tuple[int, Contract, Order, OrderState]:
    """openOrder's arguments from the message's fields after its id (FIRST_VERSION <= version <= LAST_VERSION)."""
    if not FIRST_VERSION <= version <= LAST_VERSION:
        raise Unusual(f"server version {version}")
    try:
        return _read(iter(fields).__next__, version)
    except Unusual:
        raise
    except Exception as exc:  # StopIteration (too few fields), ValueError (not a number)...
        raise Unusual(repr(exc)) from None


def _read(nx, v: int) -> tuple[int, Contract, Order, OrderState]:  # type: ignore[no-untyped-def]
    c, o, st = Contract(), _new_order(), OrderState()
    o.orderId = _int(nx())
    c.conId = _int(nx())
    c.symbol, c.secType, c.lastTradeDateOrContractMonth = nx(), nx(), nx()
    c.strike = _float(nx())
    c.right, c.multiplier, c.exchange, c.currency, c.localSymbol, c.tradingClass = nx(), nx(), nx(), nx(), nx(), nx()
    o.action = nx()
    o.totalQuantity = _decimal(nx())
    o.orderType = nx()
    o.lmtPrice = _float_or_unset(nx())
    o.auxPrice = _float_or_unset(nx())
    o.tif, o.ocaGroup, o.account, o.openClose = nx(), nx(), nx(), nx()
    o.origin = _int(nx())
    o.orderRef = nx()
    o.clientId = _int(nx())
    o.permId = _int(nx())
    o.outsideRth = _bool(nx())
    o.hidden = _bool(nx())
    o.discretionaryAmt = _float(nx())
    o.goodAfterTime = nx()
    nx()  # sharesAllocation, deprecated
    o.faGroup, o.faMethod, o.faPercentage = nx(), nx(), nx()
    if v < MIN_SERVER_VER_FA_PROFILE_DESUPPORT:
        nx()  # faProfile, deprecated
    o.modelCode, o.goodTillDate, o.rule80A = nx(), nx(), nx()
    o.percentOffset = _float_or_unset(nx())
    o.settlingFirm = nx()
    o.shortSaleSlot = _int(nx())
    o.designatedLocation = nx()
    o.exemptCode = _int(nx())
    o.auctionStrategy = _int(nx())
    o.startingPrice = _float_or_unset(nx())
    o.stockRefPrice = _float_or_unset(nx())
    o.delta = _float_or_unset(nx())
    o.stockRangeLower = _float_or_unset(nx())
    o.stockRangeUpper = _float_or_unset(nx())
    o.displaySize = _int_or_unset(nx())
    o.blockOrder = _bool(nx())
    o.sweepToFill = _bool(nx())
    o.allOrNone = _bool(nx())
    o.minQty = _int_or_unset(nx())
    o.ocaType = _int(nx())
    _bool(nx())  # eTradeOnly, deprecated
    _bool(nx())  # firmQuoteOnly, deprecated
    _float_or_unset(nx())  # nbboPriceCap, deprecated
    o.parentId = _int(nx())
    o.triggerMethod = _int(nx())
    # volatility orders
    o.volatility = _float_or_unset(nx())
    o.volatilityType = _int(nx())
    o.deltaNeutralOrderType = nx()
    o.deltaNeutralAuxPrice = _float_or_unset(nx())
    if o.deltaNeutralOrderType:
        o.deltaNeutralConId = _int(nx())
        o.deltaNeutralSettlingFirm, o.deltaNeutralClearingAccount, o.deltaNeutralClearingIntent = nx(), nx(), nx()
        o.deltaNeutralOpenClose = nx()
        o.deltaNeutralShortSale = _bool(nx())
        o.deltaNeutralShortSaleSlot = _int(nx())
        o.deltaNeutralDesignatedLocation = nx()
    o.continuousUpdate = _bool(nx())
    o.referencePriceType = _int(nx())
    o.trailStopPrice = _float_or_unset(nx())
    o.trailingPercent = _float_or_unset(nx())
    o.basisPoints = _float_or_unset(nx())
    o.basisPointsType = _int_or_unset(nx())
    # combo legs: left to ibapi
    c.comboLegsDescrip = nx()
    if _int(nx()) > 0 or _int(nx()) > 0:
        raise Unusual("combo legs")
    count = _int(nx())
    if count > 0:
        o.smartComboRoutingParams = _tag_values(nx, count)
    # scale orders
    o.scaleInitLevelSize = _int_or_unset(nx())
    o.scaleSubsLevelSize = _int_or_unset(nx())
    o.scalePriceIncrement = _float_or_unset(nx())
    if o.scalePriceIncrement != UNSET_DOUBLE and o.scalePriceIncrement > 0.0:
        o.scalePriceAdjustValue = _float_or_unset(nx())
        o.scalePriceAdjustInterval = _int_or_unset(nx())
        o.scaleProfitOffset = _float_or_unset(nx())
        o.scaleAutoReset = _bool(nx())
        o.scaleInitPosition = _int_or_unset(nx())
        o.scaleInitFillQty = _int_or_unset(nx())
        o.scaleRandomPercent = _bool(nx())
    o.hedgeType = nx()
    if o.hedgeType:
        o.hedgeParam = nx()
    o.optOutSmartRouting = _bool(nx())
    o.clearingAccount, o.clearingIntent = nx(), nx()
    o.notHeld = _bool(nx())
    if _bool(nx()):
        c.deltaNeutralContract = dn = DeltaNeutralContract()
        dn.conId = _int(nx())
        dn.delta = _float(nx())
        dn.price = _float(nx())
    o.algoStrategy = nx()
    if o.algoStrategy:
        count = _int(nx())
        if count > 0:
            o.algoParams = _tag_values(nx, count)
    o.solicited = _bool(nx())
    # what-if figures and the order's state
    o.whatIf = _bool(nx())
    st.status = nx()
    st.initMarginBefore, st.maintMarginBefore, st.equityWithLoanBefore = nx(), nx(), nx()
    st.initMarginChange, st.maintMarginChange, st.equityWithLoanChange = nx(), nx(), nx()
    st.initMarginAfter, st.maintMarginAfter, st.equityWithLoanAfter = nx(), nx(), nx()
    st.commissionAndFees = _float_or_unset(nx())
    st.minCommissionAndFees = _float_or_unset(nx())
    st.maxCommissionAndFees = _float_or_unset(nx())
    st.commissionAndFeesCurrency = nx()
    if v >= MIN_SERVER_VER_FULL_ORDER_PREVIEW_FIELDS:
        st.marginCurrency = nx()
        st.initMarginBeforeOutsideRTH = _float_or_unset(nx())
        st.maintMarginBeforeOutsideRTH = _float_or_unset(nx())
        st.equityWithLoanBeforeOutsideRTH = _float_or_unset(nx())
        st.initMarginChangeOutsideRTH = _float_or_unset(nx())
        st.maintMarginChangeOutsideRTH = _float_or_unset(nx())
        st.equityWithLoanChangeOutsideRTH = _float_or_unset(nx())
        st.initMarginAfterOutsideRTH = _float_or_unset(nx())
        st.maintMarginAfterOutsideRTH = _float_or_unset(nx())
        st.equityWithLoanAfterOutsideRTH = _float_or_unset(nx())
        st.suggestedSize = _decimal(nx())
        st.rejectReason = nx()
        if _int(nx()) > 0:
            raise Unusual("order allocations")
    st.warningText = nx()
    o.randomizeSize = _bool(nx())
    o.randomizePrice = _bool(nx())
    if o.orderType in ("PEG BENCH", "PEGBENCH"):
        o.referenceContractId = _int(nx())
        o.isPeggedChangeAmountDecrease = _bool(nx())
        o.peggedChangeAmount = _float(nx())
        o.referenceChangeAmount = _float(nx())
        o.referenceExchangeId = nx()
    if _int(nx()) > 0:
        raise Unusual("order conditions")
    o.adjustedOrderType = nx()
    o.triggerPrice = _float(nx())
    o.trailStopPrice = _float(nx())  # again, as ibapi reads it: without the unset value
    o.lmtPriceOffset = _float(nx())
    o.adjustedStopPrice = _float(nx())
    o.adjustedStopLimitPrice = _float(nx())
    o.adjustedTrailingAmount = _float(nx())
    o.adjustableTrailingUnit = _int(nx())
    o.softDollarTier = SoftDollarTier(nx(), nx(), nx())
    o.cashQty = _float(nx())
    o.dontUseAutoPriceForHedge = _bool(nx())
    o.isOmsContainer = _bool(nx())
    o.discretionaryUpToLimitPrice = _bool(nx())
    o.usePriceMgmtAlgo = _bool(nx())
    if v >= MIN_SERVER_VER_DURATION:
        o.duration = _int_or_unset(nx())
    if v >= MIN_SERVER_VER_POST_TO_ATS:
        o.postToAts = _int_or_unset(nx())
    if v >= MIN_SERVER_VER_AUTO_CANCEL_PARENT:
        o.autoCancelParent = _bool(nx())
    if v >= MIN_SERVER_VER_PEGBEST_PEGMID_OFFSETS:
        o.minTradeQty = _int_or_unset(nx())
        o.minCompeteSize = _int_or_unset(nx())
        o.competeAgainstBestOffset = _float_or_unset(nx())
        o.midOffsetAtWhole = _float_or_unset(nx())
        o.midOffsetAtHalf = _float_or_unset(nx())
    if v >= MIN_SERVER_VER_CUSTOMER_ACCOUNT:
        o.customerAccount = nx()
    if v >= MIN_SERVER_VER_PROFESSIONAL_CUSTOMER:
        o.professionalCustomer = _bool(nx())
    if v >= MIN_SERVER_VER_BOND_ACCRUED_INTEREST:
        o.bondAccruedInterest = nx()
    if v >= MIN_SERVER_VER_INCLUDE_OVERNIGHT:
        o.includeOvernight = _bool(nx())
    if v >= MIN_SERVER_VER_CME_TAGGING_FIELDS_IN_OPEN_ORDER:
        o.extOperator = nx()
        o.manualOrderIndicator = _int_or_unset(nx())
    if v >= MIN_SERVER_VER_SUBMITTER:
        o.submitter = nx()
    if v >= MIN_SERVER_VER_IMBALANCE_ONLY:
        o.imbalanceOnly = _bool(nx())
    return o.orderId, c, o, st
