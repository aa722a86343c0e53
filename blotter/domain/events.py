"""Frozen events: what the EWrapper bridge copies out of each ibapi callback, and connection states.

Everything here crosses threads (EWrapper thread -> queue -> UI thread), so every event is an
immutable value holding plain Python types only: never an ibapi object.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Union

from blotter.records import frozen


@frozen
class ContractRef:
    """What identifies and describes a contract on a row."""

    con_id: int = 0
    symbol: str = ""
    sec_type: str = ""
    exchange: str = ""
    primary_exchange: str = ""
    currency: str = ""
    local_symbol: str = ""
    trading_class: str = ""
    multiplier: str = ""
    last_trade_date: str = ""
    strike: float = 0.0
    right: str = ""

    @property
    def display(self) -> str:
        """The symbol a trader reads: local symbol for derivatives, symbol for stocks."""
        if self.sec_type in ("FUT", "OPT", "FOP", "CASH") and self.local_symbol:
            return self.local_symbol
        return self.symbol


@frozen
class OrderFields:
    """The order as TWS echoes it in openOrder / completedOrder."""

    action: str = ""
    total_quantity: Decimal = Decimal(0)
    order_type: str = ""
    lmt_price: float | None = None
    aux_price: float | None = None
    tif: str = ""
    account: str = ""
    outside_rth: bool = False
    order_ref: str = ""
    parent_id: int = 0
    trailing_percent: float | None = None
    trail_stop_price: float | None = None
    good_till_date: str = ""
    oca_group: str = ""


@frozen
class OpenOrder:
    """openOrder: an order's full picture, with its status (what-if answers carry margins instead)."""

    order_id: int
    client_id: int
    perm_id: int
    contract: ContractRef
    order: OrderFields
    status: str
    what_if: bool = False
    commission: float | None = None
    commission_currency: str = ""
    init_margin_change: float | None = None
    maint_margin_change: float | None = None
    equity_with_loan_change: float | None = None
    warning_text: str = ""
    received: float = 0.0  # time.time() when the callback ran


@frozen
class CompletedOrder:
    """completedOrder: a finished order of today (filled, cancelled, rejected), from reqCompletedOrders."""

    order_id: int
    client_id: int
    perm_id: int
    contract: ContractRef
    order: OrderFields
    status: str
    completed_time: str = ""
    completed_status: str = ""
    received: float = 0.0
    filled: Decimal = Decimal(0)  # filledQuantity: TWS puts what was left to fill where the size belongs


@frozen
class StatusUpdate:
    """orderStatus: repeats itself; only real changes matter."""

    order_id: int
    status: str
    filled: Decimal
    remaining: Decimal
    avg_fill_price: float
    perm_id: int
    parent_id: int
    last_fill_price: float
    client_id: int
    why_held: str = ""
    mkt_cap_price: float = 0.0
    received: float = 0.0


@frozen(slots=True)
class Execution:
    """execDetails: one fill (or a correction of one: same execId up to its last '.'). Slotted: a day
    keeps tens of thousands, and a dict each (it holds a ContractRef) was one more object each for
    every full garbage collection to walk."""

    req_id: int
    exec_id: str
    order_id: int
    client_id: int
    perm_id: int
    contract: ContractRef
    time: str  # as TWS sent it
    account: str
    exchange: str
    side: str  # BOT / SLD
    shares: Decimal
    price: float
    cum_qty: Decimal
    avg_price: float
    order_ref: str = ""
    last_liquidity: int = 0
    received: float = 0.0

    @property
    def base_id(self) -> str:
        """The execId without its correction suffix: corrections share it."""
        return self.exec_id.rsplit(".", 1)[0]


@frozen
class Commission:
    """commissionAndFeesReport: may arrive before its execution."""

    exec_id: str
    commission: float
    currency: str
    realized_pnl: float | None  # None: TWS's unset double (opening fills)
    received: float = 0.0


@frozen
class TwsMessage:
    """error(): an error, warning or information message, for an order / request (id) or none (-1)."""

    id: int
    code: int
    text: str
    advanced_reject_json: str = ""
    time_ms: int = 0
    received: float = 0.0


@frozen
class OrderBound:
    """orderBound: a TWS-entered order now has this API order id for client 0."""

    perm_id: int
    client_id: int
    order_id: int


@frozen
class EndOf:
    """The end of a reply list: 'open_orders', 'completed_orders', 'executions' (with its request id)."""

    what: str
    req_id: int = -1


@frozen
class NextValidId:
    order_id: int


@frozen
class Accounts:
    accounts: tuple[str, ...]


@frozen
class ContractInfo:
    """contractDetails: what the ticket and validation need to know about a contract."""

    req_id: int
    contract: ContractRef
    long_name: str = ""
    min_tick: float = 0.0
    market_rule_ids: str = ""
    order_types: str = ""
    valid_exchanges: str = ""
    min_size: Decimal = Decimal(1)
    size_increment: Decimal = Decimal(1)
    time_zone_id: str = ""
    trading_hours: str = ""
    liquid_hours: str = ""


@frozen
class MarketRule:
    rule_id: int
    bands: tuple[tuple[float, float], ...]  # (low edge, increment)


@frozen
class Tick:
    """A market data value for a request: field is bid / ask / last / bid_size / ask_size / last_size."""

    req_id: int
    field: str
    value: float


@frozen(slots=True)
class Position:
    """reqPositions: an account's position in a contract (0 once closed today), its cost per contract."""

    account: str
    contract: ContractRef
    position: Decimal
    avg_cost: float  # TWS's avgCost: per contract, the multiplier included
    received: float = 0.0


@frozen(slots=True)
class PositionPnL:
    """pnlSingle: a position's P&L and market value, about once a second (None: TWS sent none)."""

    account: str
    con_id: int
    position: Decimal
    daily: float | None
    unrealized: float | None
    realized: float | None
    value: float | None
    received: float = 0.0


@frozen
class AccountPnL:
    """pnl: an account's P&L, about once a second (None: TWS sent none)."""

    account: str
    daily: float | None
    unrealized: float | None
    realized: float | None
    received: float = 0.0


@frozen
class AccountValue:
    """accountSummary: one tag of an account (NetLiquidation, BuyingPower, ExcessLiquidity...)."""

    account: str
    tag: str
    value: str
    currency: str
    received: float = 0.0


class ConnState(Enum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    LOST = "lost"  # the socket to TWS is gone; reconnecting
    TWS_IB_LOST = "tws-ib lost"  # 1100: TWS lost its link to IB
    TWS_IB_RESTORED = "tws-ib restored"  # 1101 (data lost) / 1102 (data kept)
    STOPPED = "stopped"


@frozen
class Connection:
    """A change of connection state, with what is known at that moment."""

    state: ConnState
    detail: str = ""
    host: str = ""
    port: int = 0
    client_id: int = 0
    server_version: int = 0
    at: float = 0.0
    retry_at: float = 0.0  # LOST: when the session tries again (0: not waiting to)


@frozen
class OrderSent:
    """The blotter itself sent placeOrder (new or modify) or cancelOrder: shown at once, before TWS answers."""

    kind: str  # "new" | "modify" | "cancel" | "cancel_all"
    order_id: int
    client_id: int
    contract: ContractRef | None = None
    order: OrderFields | None = None
    at: float = 0.0


@frozen
class Refused:
    """A command the session refused to send (not connected, read-only...), with the reason shown to the user."""

    kind: str
    order_id: int
    reason: str
    at: float = 0.0


@frozen
class Resynced:
    """The resync after a (re)connect finished: open orders, completed orders and executions are in."""

    at: float = 0.0


Event = Union[OpenOrder, CompletedOrder, StatusUpdate, Execution, Commission, TwsMessage, OrderBound, EndOf,
              NextValidId, Accounts, ContractInfo, MarketRule, Tick, Connection, OrderSent, Refused, Resynced,
              Position, PositionPnL, AccountPnL, AccountValue]
