"""What the UI shows: frozen rows for orders, fills, messages and day totals, and what changed in a batch."""

from __future__ import annotations

from decimal import Decimal

from blotter.domain.events import ConnState, ContractRef, OrderFields
from blotter.domain.keys import OrderKey
from blotter.domain.messages import Severity
from blotter.domain.status import OrderStatus
from blotter.records import frozen

ZERO = Decimal(0)


@frozen(slots=True)
class OrderRow:
    """One order as shown. filled / avg_price / commission / realized_pnl come from its fills only."""

    key: OrderKey
    order_id: int
    client_id: int
    perm_id: int
    contract: ContractRef
    order: OrderFields
    status: OrderStatus
    status_text: str  # TWS's word as it came (what UNKNOWN shows); the status' value when TWS said nothing
    filled: Decimal
    remaining: Decimal
    avg_price: float | None
    fills: int
    commission: float
    commission_currency: str
    realized_pnl: float | None  # None while none of its fills has a realized P&L
    last_error: tuple[int, str] | None
    local: bool  # known only from our own OrderSent: TWS has not acknowledged it
    modify_pending: bool  # a modify was sent and TWS has not echoed the order since
    why_held: str
    completed_status: str  # completedOrder's word: "Filled", "Cancelled", "Rejected"...
    completed_time: str
    first_seen: float
    updated: float  # when something shown last changed

    @property
    def working(self) -> bool:
        return self.status.working

    @property
    def done(self) -> bool:
        return self.status.done


@frozen(slots=True)
class FillRow:
    """One fill, keyed by its base execId: a correction replaces it (exec_id is the latest version)."""

    exec_id: str
    base_id: str
    order_key: OrderKey | None
    order_id: int
    perm_id: int
    client_id: int
    contract: ContractRef
    time: str  # as TWS sent it
    side: str  # BOT / SLD
    shares: Decimal
    price: float
    exchange: str
    account: str
    liquidity: int  # 1 added, 2 removed, 3 routed out (Execution.lastLiquidity)
    commission: float | None  # None until its commission report arrives
    commission_currency: str
    realized_pnl: float | None


@frozen(slots=True)
class MessageRow:
    """One TWS message (or a command the session refused), with how serious it is."""

    time: float
    id: int  # the order or request id it is about; -1 for none
    code: int  # 0 for a refused command
    text: str
    severity: Severity
    order_key: OrderKey | None = None  # the order row it was attached to, if any


@frozen(slots=True)
class Totals:
    """A day's fills summed for one symbol or one currency. Notional is qty * price * multiplier."""

    key: str
    fills: int = 0
    bought: Decimal = ZERO
    sold: Decimal = ZERO
    bought_notional: float = 0.0
    sold_notional: float = 0.0
    commission: float = 0.0
    realized_pnl: float = 0.0

    @property
    def net(self) -> Decimal:
        return self.bought - self.sold


@frozen(slots=True)
class ConnectionInfo:
    """The connection as last reported; resynced once open/completed orders and executions are back in."""

    state: ConnState | None = None
    detail: str = ""
    host: str = ""
    port: int = 0
    client_id: int = 0
    server_version: int = 0
    since: float = 0.0
    resynced: bool = False
    down_since: float = 0.0  # when the socket to TWS was lost (or first tried), while it is not back
    retry_at: float = 0.0  # when the session tries again, while it waits to


@frozen(slots=True)
class Changes:
    """Exactly what one Store.apply changed, so the UI redraws only that.

    A row re-keyed from (client, order id) to its perm id is listed in orders_removed (old key) and
    orders_added (new key), and the pair in orders_rekeyed so the UI can keep the cursor on it.
    """

    orders_added: tuple[OrderKey, ...] = ()
    orders_updated: tuple[OrderKey, ...] = ()
    orders_removed: tuple[OrderKey, ...] = ()
    orders_rekeyed: tuple[tuple[OrderKey, OrderKey], ...] = ()
    fills_added: tuple[str, ...] = ()  # base execIds, in arrival order
    fills_updated: tuple[str, ...] = ()  # corrections, commissions attached
    messages: tuple[MessageRow, ...] = ()  # appended, oldest first
    totals_changed: bool = False
    connection_changed: bool = False
    what_if: tuple[int, ...] = ()  # order ids with a new what-if preview
    positions: tuple[tuple[str, int], ...] = ()  # (account, con id) of positions added or changed
    accounts_changed: bool = False  # an account's values or P&L

    def __bool__(self) -> bool:
        return bool(self.orders_added or self.orders_updated or self.orders_removed or self.fills_added
                    or self.fills_updated or self.messages or self.totals_changed or self.connection_changed
                    or self.what_if or self.positions or self.accounts_changed)
