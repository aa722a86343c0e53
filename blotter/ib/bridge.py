"""The EWrapper bridge: every callback's values copied into a frozen event and handed on. Nothing else.

Runs on ibapi's EClient.run thread. It never touches the UI, holds no lock across callbacks and
never lets an ibapi object escape: each event carries plain values only. A value no event may carry
(a NaN price or quantity) raises, and the blotter's Client skips that frame. The protobuf callbacks
ibapi makes before decoding a message vet it (blotter.ib._ibapi.vet).
"""

from __future__ import annotations

import logging
import time
from decimal import Decimal
from typing import Any, Callable

from ibapi.commission_and_fees_report import CommissionAndFeesReport
from ibapi.contract import Contract, ContractDetails
from ibapi.execution import Execution as IbExecution
from ibapi.order import Order
from ibapi.order_state import OrderState
from ibapi.wrapper import EWrapper

from blotter.domain import events as ev
from blotter.ib import convert
from blotter.ib._ibapi.vet import Vetting

log = logging.getLogger("blotter.ib")

TICK_FIELDS = {1: "bid", 2: "ask", 4: "last", 66: "bid", 67: "ask", 68: "last",
               0: "bid_size", 3: "ask_size", 5: "last_size", 69: "bid_size", 70: "ask_size", 71: "last_size"}


class Bridge(Vetting, EWrapper):
    """An EWrapper that turns callbacks into events and passes each to `put` (a queue's put, in effect)."""

    def __init__(self, put: Callable[[ev.Event], None], clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.put = put
        self.clock = clock
        self.pnl_of: dict[int, tuple[str, int]] = {}  # P&L request id -> (account, con id; 0: the account's)

    # -- orders -----------------------------------------------------------------------------

    def openOrder(self, orderId: int, contract: Contract, order: Order, orderState: OrderState) -> None:
        figures = convert.what_if_figures(orderState) if order.whatIf else {}
        self.put(open_order_event(orderId, convert.contract_ref(contract), convert.order_fields(order), order,
                                  orderState, self.clock(), figures))

    def completedOrder(self, contract: Contract, order: Order, orderState: OrderState) -> None:
        self.put(completed_order_event(order.orderId, convert.contract_ref(contract), convert.order_fields(order),
                                       order, orderState, convert.quantity(order.filledQuantity), self.clock()))

    def orderStatus(self, orderId: int, status: str, filled: Decimal, remaining: Decimal, avgFillPrice: float,
                    permId: int, parentId: int, lastFillPrice: float, clientId: int, whyHeld: str,
                    mktCapPrice: float) -> None:
        self.put(status_event(orderId, status, convert.quantity(filled), convert.quantity(remaining), avgFillPrice,
                              permId, parentId, lastFillPrice, clientId, whyHeld, mktCapPrice, self.clock()))

    def orderBound(self, permId: int, clientId: int, orderId: int) -> None:
        self.put(ev.OrderBound(perm_id=permId, client_id=clientId, order_id=orderId))

    def openOrderEnd(self) -> None:
        self.put(ev.EndOf("open_orders"))

    def completedOrdersEnd(self) -> None:
        self.put(ev.EndOf("completed_orders"))

    # -- fills ------------------------------------------------------------------------------

    def execDetails(self, reqId: int, contract: Contract, execution: IbExecution) -> None:
        self.put(execution_event(reqId, convert.contract_ref(contract), execution, convert.quantity(execution.shares),
                                 convert.quantity(execution.cumQty), self.clock()))

    def execDetailsEnd(self, reqId: int) -> None:
        self.put(ev.EndOf("executions", reqId))

    def commissionAndFeesReport(self, commissionAndFeesReport: CommissionAndFeesReport) -> None:
        r = commissionAndFeesReport
        self.put(commission_event(r, r.realizedPNL, self.clock()))

    # -- positions and accounts -------------------------------------------------------------

    def position(self, account: str, contract: Contract, position: Decimal, avgCost: float) -> None:
        self.put(ev.Position(account, convert.contract_ref(contract), convert.quantity(position),
                             convert.price(avgCost) or 0.0, self.clock()))

    def positionEnd(self) -> None:
        self.put(ev.EndOf("positions"))

    def pnl(self, reqId: int, dailyPnL: float, unrealizedPnL: float, realizedPnL: float) -> None:
        account, _ = self.pnl_of.get(reqId, ("", 0))
        if account:
            self.put(ev.AccountPnL(account, convert.price(dailyPnL), convert.price(unrealizedPnL),
                                   convert.price(realizedPnL), self.clock()))

    def pnlSingle(self, reqId: int, pos: Decimal, dailyPnL: float, unrealizedPnL: float, realizedPnL: float,
                  value: float) -> None:
        account, con_id = self.pnl_of.get(reqId, ("", 0))
        if account:
            self.put(ev.PositionPnL(account, con_id, convert.quantity(pos), convert.price(dailyPnL),
                                    convert.price(unrealizedPnL), convert.price(realizedPnL),
                                    convert.price(value), self.clock()))

    def accountSummary(self, reqId: int, account: str, tag: str, value: str, currency: str) -> None:
        self.put(ev.AccountValue(account, tag, value, currency, self.clock()))

    def accountSummaryEnd(self, reqId: int) -> None:
        self.put(ev.EndOf("account_summary", reqId))

    # -- session ----------------------------------------------------------------------------

    def error(self, reqId: int, errorTime: int, errorCode: int, errorString: str,
              advancedOrderRejectJson: str = "") -> None:
        self.put(ev.TwsMessage(id=reqId, code=errorCode, text=errorString,
                               advanced_reject_json=advancedOrderRejectJson or "", time_ms=errorTime,
                               received=self.clock()))

    def nextValidId(self, orderId: int) -> None:
        self.put(ev.NextValidId(orderId))

    def managedAccounts(self, accountsList: str) -> None:
        self.put(ev.Accounts(tuple(a for a in accountsList.split(",") if a)))

    def connectionClosed(self) -> None:
        log.info("connection closed")

    # -- reference data ---------------------------------------------------------------------

    def contractDetails(self, reqId: int, contractDetails: ContractDetails) -> None:
        self.put(convert.contract_info(reqId, contractDetails))

    def contractDetailsEnd(self, reqId: int) -> None:
        self.put(ev.EndOf("contract_details", reqId))

    def marketRule(self, marketRuleId: int, priceIncrements: list) -> None:
        self.put(ev.MarketRule(marketRuleId, tuple((p.lowEdge, p.increment) for p in priceIncrements)))

    def tickPrice(self, reqId: int, tickType: int, price: float, attrib: object) -> None:
        name = TICK_FIELDS.get(tickType)
        if name is not None:
            self.put(ev.Tick(reqId, name, price))

    def tickSize(self, reqId: int, tickType: int, size: Decimal) -> None:
        name = TICK_FIELDS.get(tickType)
        if name is not None:
            self.put(ev.Tick(reqId, name, float(size)))


# The events of the messages a day is made of, from ibapi's objects or, by the same attribute names,
# from protobuf messages (blotter.ib.protobuf_events); what the two hold differently is passed apart.

def status_event(order_id: int, status: str, filled: Decimal, remaining: Decimal, avg_fill_price: float,
                 perm_id: int, parent_id: int, last_fill_price: float, client_id: int, why_held: str,
                 mkt_cap_price: float, received: float) -> ev.StatusUpdate:
    return ev.StatusUpdate(
        order_id=order_id, status=status, filled=filled, remaining=remaining,
        avg_fill_price=convert.number(avg_fill_price), perm_id=perm_id, parent_id=parent_id,
        last_fill_price=convert.number(last_fill_price), client_id=client_id, why_held=why_held or "",
        mkt_cap_price=mkt_cap_price, received=received,
    )


def open_order_event(order_id: int, contract: ev.ContractRef, fields: ev.OrderFields, order: Any, state: Any,
                     received: float, figures: dict[str, float | None]) -> ev.OpenOrder:
    return ev.OpenOrder(
        order_id=order_id, client_id=order.clientId, perm_id=order.permId, contract=contract, order=fields,
        status=state.status, what_if=bool(order.whatIf), commission_currency=state.commissionAndFeesCurrency or "",
        warning_text=state.warningText or "", received=received, **figures,
    )


def completed_order_event(order_id: int, contract: ev.ContractRef, fields: ev.OrderFields, order: Any, state: Any,
                          filled: Decimal, received: float) -> ev.CompletedOrder:
    return ev.CompletedOrder(
        order_id=order_id, client_id=order.clientId, perm_id=order.permId, contract=contract, order=fields,
        status=state.status, completed_time=state.completedTime or "",
        completed_status=state.completedStatus or "", received=received, filled=filled,
    )


def execution_event(req_id: int, contract: ev.ContractRef, e: Any, shares: Decimal, cum_qty: Decimal,
                    received: float) -> ev.Execution:
    return ev.Execution(
        req_id=req_id, exec_id=e.execId, order_id=e.orderId, client_id=e.clientId, perm_id=e.permId,
        contract=contract, time=e.time, account=e.acctNumber, exchange=e.exchange, side=e.side, shares=shares,
        price=convert.number(e.price), cum_qty=cum_qty, avg_price=convert.number(e.avgPrice),
        order_ref=e.orderRef or "", last_liquidity=int(e.lastLiquidity or 0), received=received,
    )


def commission_event(r: Any, realized_pnl: float, received: float) -> ev.Commission:
    return ev.Commission(exec_id=r.execId, commission=convert.price(r.commissionAndFees) or 0.0, currency=r.currency,
                         realized_pnl=convert.price(realized_pnl), received=received)
