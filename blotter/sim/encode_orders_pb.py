"""The protobuf forms (server version 201 on) of the messages in blotter.sim.encode_orders.

Each carries the values its text twin carries, written as IB's own protobuf writers write a message
(ibapi/client_utils.py): a text only when not empty, a flag only when set, a number unless it is
unset. TWS's null markers of the text form (a right of "?", an unset int written as 2147483647) are
absent here. The order and the execution, most of the fill flood's bytes, are encoded where they are
built (proto.Encoded), with the quicker per-message encoder.
"""

from __future__ import annotations

from blotter.sim.encode_contract_pb import contract
from blotter.sim.frames import Proto
from blotter.sim.model import Fill, OrderSpec, SimOrder
from blotter.sim.proto import Encoded
from blotter.sim.wire import fmt_decimal

ORDER_STATUS, OPEN_ORDER, EXECUTION_DATA, OPEN_ORDER_END, EXECUTION_DATA_END = 3, 5, 11, 53, 55
COMMISSION_REPORT, ORDER_BOUND, COMPLETED_ORDER, COMPLETED_ORDERS_END = 59, 100, 101, 102

# What TWS writes for the order fields the simulator does not model, as its text form has them:
# the same in every order, so encoded once.
_TWS_DEFAULTS = {"volatilityType": 0, "deltaNeutralOrderType": "None", "deltaNeutralConId": 0,
                 "deltaNeutralShortSaleSlot": 0, "referencePriceType": 0, "clearingIntent": "IB"}
_OPEN_DEFAULTS = Encoded("Order", {**_TWS_DEFAULTS, "adjustedOrderType": "None", "adjustableTrailingUnit": 0})
_COMPLETED_DEFAULTS = Encoded("Order", {**_TWS_DEFAULTS, "shareholder": "Not an insider or substantial shareholder"})
_PEG_BENCH = Encoded("Order", {"referenceContractId": 0, "peggedChangeAmount": 0.0, "referenceChangeAmount": 0.0})
_MARGINS = ("initMarginBefore", "maintMarginBefore", "equityWithLoanBefore", "initMarginChange",
            "maintMarginChange", "equityWithLoanChange", "initMarginAfter", "maintMarginAfter",
            "equityWithLoanAfter")


def _tri_state(value: bool | None) -> int | None:
    """A yes / no / TWS-decides attribute as the Order message's int: 1, 0, or absent."""
    return None if value is None else int(value)


def is_peg_bench(spec: OrderSpec) -> bool:
    """A pegged-to-benchmark order, which carries the reference contract's fields."""
    return spec.order_type in ("PEG BENCH", "PEGBENCH")


def _order(order: SimOrder, completed: bool) -> Encoded:
    """The Order sub-message shared by openOrder and completedOrder. completedOrder leaves out what
    its text form leaves out (clientId, parentId, blockOrder, ...) and reports what is left to fill as
    totalQuantity, with filledQuantity beside it."""
    s = order.spec
    trail = order.trail_stop if order.trail_stop is not None else s.trail_stop_price
    out = {
        "permId": order.perm_id, "action": s.action or None,
        "totalQuantity": fmt_decimal(order.remaining if completed else s.total_quantity),
        "orderType": s.order_type or None, "lmtPrice": float(s.lmt_price or 0.0),
        "auxPrice": float(s.aux_price or 0.0), "tif": s.tif or None, "ocaGroup": s.oca_group or None,
        "account": s.account or None, "openClose": s.open_close or None, "origin": s.origin,
        "orderRef": s.order_ref or None, "outsideRth": s.outside_rth or None, "hidden": s.hidden or None,
        "discretionaryAmt": float(s.discretionary_amt or 0.0), "goodAfterTime": s.good_after_time or None,
        "faGroup": s.fa_group or None, "faMethod": s.fa_method or None, "faPercentage": s.fa_percentage or None,
        "modelCode": s.model_code or None, "goodTillDate": s.good_till_date or None, "rule80A": s.rule80a or None,
        "percentOffset": s.percent_offset, "settlingFirm": s.settling_firm or None,
        "shortSaleSlot": s.short_sale_slot, "designatedLocation": s.designated_location or None,
        "exemptCode": s.exempt_code, "displaySize": s.display_size if s.display_size > 0 else None,
        "sweepToFill": s.sweep_to_fill or None, "allOrNone": s.all_or_none or None, "minQty": s.min_qty,
        "ocaType": s.oca_type or 3, "triggerMethod": s.trigger_method, "trailStopPrice": trail,
        "trailingPercent": s.trailing_percent, "notHeld": s.not_held or None,
        "algoStrategy": s.algo_strategy or None, "cashQty": float(s.cash_qty or 0.0),
        "dontUseAutoPriceForHedge": s.dont_use_auto_price_for_hedge or None,
        "customerAccount": s.customer_account or None, "professionalCustomer": s.professional_customer or None,
        "imbalanceOnly": s.imbalance_only or None,
        # what only a protobuf client can ask for (216 on), echoed as TWS holds it
        "deactivate": s.deactivate or None, "postOnly": s.post_only or None,
        "allowPreOpen": s.allow_pre_open or None, "ignoreOpenAuction": s.ignore_open_auction or None,
        "routeMarketableToBbo": _tri_state(s.route_marketable_to_bbo),
        "seekPriceImprovement": _tri_state(s.seek_price_improvement), "whatIfType": s.what_if_type,
        "hedgeMaxSize": s.hedge_max_size, "conditionsIncludeOvernight": s.conditions_include_overnight or None,
    }
    if completed:
        out["filledQuantity"] = fmt_decimal(order.filled)
        out["routeMarketableToBbo"] = int(bool(s.route_marketable_to_bbo))  # 0, as the text form, when unset
        fixed = _COMPLETED_DEFAULTS
    else:
        out.update(clientId=order.client_id, parentId=s.parent_id, blockOrder=s.block_order or None,
                   whatIf=s.what_if or None, usePriceMgmtAlgo=int(bool(s.use_price_mgmt_algo)),
                   includeOvernight=s.include_overnight or None)
        fixed = _OPEN_DEFAULTS
    return Encoded("Order", out, fixed, _PEG_BENCH) if is_peg_bench(s) else Encoded("Order", out, fixed)


def _open_order_state(order: SimOrder) -> dict[str, object]:
    """Status, the what-if margins of a preview, and the commission whenever TWS knows one."""
    st = order.state
    out: dict[str, object] = {
        "status": st.status or None, "commissionAndFees": st.commission, "minCommissionAndFees": st.min_commission,
        "maxCommissionAndFees": st.max_commission, "commissionAndFeesCurrency": st.commission_currency or None,
        "warningText": st.warning_text or None,
    }
    if order.spec.what_if:
        margins = (st.init_margin_before, st.maint_margin_before, st.equity_with_loan_before,
                   st.init_margin_change, st.maint_margin_change, st.equity_with_loan_change,
                   st.init_margin_after, st.maint_margin_after, st.equity_with_loan_after)
        out.update(zip(_MARGINS, margins))
    return out


def open_order(order: SimOrder) -> Proto:
    return Proto(OPEN_ORDER, "OpenOrder", {
        "orderId": order.order_id, "contract": contract(order.instrument, order.instrument.exchange),
        "order": _order(order, completed=False),
        "orderState": Encoded("OrderState", _open_order_state(order))})


def completed_order(order: SimOrder) -> Proto:
    st = order.state
    return Proto(COMPLETED_ORDER, "CompletedOrder", {
        "contract": contract(order.instrument, order.instrument.exchange),
        "order": _order(order, completed=True),
        "orderState": {"status": st.status or None, "completedTime": st.completed_time or None,
                       "completedStatus": st.completed_status or None}})


def order_status(order: SimOrder, mkt_cap_price: float) -> Proto:
    return Proto(ORDER_STATUS, "OrderStatus", {
        "orderId": order.order_id, "status": order.state.status or None, "filled": fmt_decimal(order.filled),
        "remaining": fmt_decimal(order.remaining), "avgFillPrice": float(order.avg_fill_price),
        "permId": order.perm_id, "parentId": order.spec.parent_id, "lastFillPrice": float(order.last_fill_price),
        "clientId": order.client_id, "whyHeld": order.why_held or None, "mktCapPrice": float(mkt_cap_price)})


def order_bound(order: SimOrder) -> Proto:
    return Proto(ORDER_BOUND, "OrderBound",
                 {"permId": order.perm_id, "clientId": order.client_id, "orderId": order.order_id})


def open_order_end() -> Proto:
    return Proto(OPEN_ORDER_END, "OpenOrdersEnd", {})


def completed_orders_end() -> Proto:
    return Proto(COMPLETED_ORDERS_END, "CompletedOrdersEnd", {})


def exec_details_end(req_id: int) -> Proto:
    return Proto(EXECUTION_DATA_END, "ExecutionDetailsEnd", {"reqId": req_id})


def exec_details(req_id: int, fill: Fill, time: str) -> Proto:
    """execDetails: the contract names the execution's exchange; `time` as the text form writes it."""
    return Proto(EXECUTION_DATA, "ExecutionDetails", {
        "reqId": req_id, "contract": contract(fill.instrument, fill.exchange),
        "execution": Encoded("Execution", {
            "orderId": fill.order_id, "execId": fill.exec_id, "time": time, "acctNumber": fill.account or None,
            "exchange": fill.exchange or None, "side": fill.side, "shares": fmt_decimal(fill.shares),
            "price": float(fill.price), "permId": fill.perm_id, "clientId": fill.client_id,
            "cumQty": fmt_decimal(fill.cum_qty), "avgPrice": float(fill.avg_price),
            "orderRef": fill.order_ref or None, "modelCode": fill.model_code or None,
            "lastLiquidity": fill.last_liquidity, "isPriceRevisionPending": fill.pending_price_revision or None,
            "submitter": fill.submitter or None})})


def commission_report(fill: Fill) -> Proto:
    """The realized P&L only once a fill closes a position; a bond's yield never (the simulator has none)."""
    return Proto(COMMISSION_REPORT, "CommissionAndFeesReport", {
        "execId": fill.exec_id, "commissionAndFees": float(fill.commission),
        "currency": fill.commission_currency or None, "realizedPNL": fill.realized_pnl})
