"""Small builders for domain events with a trader's defaults: AAPL on SMART in USD, client 1."""

from __future__ import annotations

from decimal import Decimal

from blotter.domain.events import (
    Commission, CompletedOrder, ConnState, Connection, ContractRef, Execution, OpenOrder, OrderFields, OrderSent,
    StatusUpdate, TwsMessage,
)

CLIENT = 1
AAPL = ContractRef(con_id=265598, symbol="AAPL", sec_type="STK", exchange="SMART", currency="USD")
ES = ContractRef(con_id=495512563, symbol="ES", sec_type="FUT", exchange="CME", currency="USD",
                 local_symbol="ESZ6", multiplier="50")
SAP = ContractRef(con_id=14204, symbol="SAP", sec_type="STK", exchange="IBIS", currency="EUR")


def fields(action: str = "BUY", qty: int | str = 100, order_type: str = "LMT", lmt: float | None = 150.0,
           **kw: object) -> OrderFields:
    return OrderFields(action=action, total_quantity=Decimal(qty), order_type=order_type, lmt_price=lmt,
                       tif="DAY", **kw)


def connected(client_id: int = CLIENT) -> Connection:
    return Connection(ConnState.CONNECTED, host="127.0.0.1", port=7497, client_id=client_id, server_version=200)


def sent(order_id: int, kind: str = "new", contract: ContractRef = AAPL, order: OrderFields | None = None,
         client_id: int = CLIENT, at: float = 1.0) -> OrderSent:
    if kind == "new" and order is None:
        order = fields()
    return OrderSent(kind, order_id, client_id, contract if kind in ("new", "modify") else None, order, at=at)


def open_order(order_id: int, perm_id: int, status: str = "Submitted", contract: ContractRef = AAPL,
               order: OrderFields | None = None, client_id: int = CLIENT, what_if: bool = False,
               at: float = 2.0, **kw: object) -> OpenOrder:
    return OpenOrder(order_id, client_id, perm_id, contract, order or fields(), status, what_if=what_if,
                     received=at, **kw)


def status(order_id: int, perm_id: int, state: str = "Submitted", filled: int | str = 0,
           remaining: int | str = 100, avg: float = 0.0, client_id: int = CLIENT, at: float = 3.0) -> StatusUpdate:
    return StatusUpdate(order_id, state, Decimal(filled), Decimal(remaining), avg, perm_id, 0, avg, client_id,
                        received=at)


def execution(exec_id: str, order_id: int, perm_id: int, shares: int | str, price: float, side: str = "BOT",
              contract: ContractRef = AAPL, client_id: int = CLIENT, at: float = 4.0, req_id: int = -1) -> Execution:
    return Execution(req_id, exec_id, order_id, client_id, perm_id, contract, "20261120 10:00:01 US/Eastern",
                     "DU123456", "ISLAND", side, Decimal(shares), price, Decimal(shares), price, received=at)


def commission(exec_id: str, amount: float, pnl: float | None = None, currency: str = "USD",
               at: float = 5.0) -> Commission:
    return Commission(exec_id, amount, currency, pnl, received=at)


def message(id_: int, code: int, text: str = "", at: float = 6.0) -> TwsMessage:
    return TwsMessage(id_, code, text or f"message {code}", received=at)


def completed(perm_id: int, state: str = "Filled", completed_status: str = "", contract: ContractRef = AAPL,
              order: OrderFields | None = None, order_id: int = 2**31 - 1, client_id: int = 0,
              at: float = 7.0, filled: int = 0) -> CompletedOrder:
    return CompletedOrder(order_id, client_id, perm_id, contract, order or fields(), state,
                          completed_time="20261120 10:05:00 US/Eastern",
                          completed_status=completed_status or state, received=at, filled=Decimal(filled))
