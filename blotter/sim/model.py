"""The simulator's own records: instruments, orders as clients send them, order state, fills.

These are the simulator's internal truth (what TWS would hold). Encoders turn them into frames at a
given server version; the request decoders build them from frames.
"""

from __future__ import annotations

from dataclasses import field
from datetime import datetime
from decimal import Decimal

from blotter.records import frozen, record


@record
class ContractSpec:
    """A contract as a client describes it in a request (any field may be blank)."""

    con_id: int = 0
    symbol: str = ""
    sec_type: str = ""
    last_trade_date: str = ""  # lastTradeDateOrContractMonth
    strike: float | None = None
    right: str = ""
    multiplier: str = ""
    exchange: str = ""
    primary_exchange: str = ""
    currency: str = ""
    local_symbol: str = ""
    trading_class: str = ""
    sec_id_type: str = ""
    sec_id: str = ""
    include_expired: bool = False


@frozen
class Instrument:
    """A tradable contract with the details TWS gives for it, and how the simulator prices it."""

    con_id: int
    symbol: str
    sec_type: str  # STK, FUT, CASH, OPT
    exchange: str  # the exchange orders go to (SMART, CME, IDEALPRO)
    primary_exchange: str
    currency: str
    local_symbol: str
    trading_class: str
    long_name: str
    min_tick: float
    market_rule_ids: str  # one per valid exchange, comma separated (as TWS sends them)
    order_types: str
    valid_exchanges: str
    multiplier: str = ""
    last_trade_date: str = ""  # YYYYMMDD
    contract_month: str = ""
    strike: float = 0.0
    right: str = ""
    time_zone_id: str = "US/Eastern"
    trading_hours: str = ""
    liquid_hours: str = ""
    min_size: Decimal = Decimal(1)
    size_increment: Decimal = Decimal(1)
    suggested_size_increment: Decimal = Decimal(1)
    under_con_id: int = 0
    under_symbol: str = ""
    under_sec_type: str = ""
    industry: str = ""
    category: str = ""
    subcategory: str = ""
    stock_type: str = ""
    # simulation
    start_price: float = 100.0
    volatility: float = 0.0005  # std-dev of the relative move per market step
    touch_size: int = 300  # shares (contracts) shown at the bid and at the ask each step
    commission_per_unit: float = 0.005
    commission_min: float = 1.0
    commission_max_pct: float = 0.01  # of trade value


@record
class OrderSpec:
    """An order as a client sends it in placeOrder (the fields the simulator reads and echoes)."""

    action: str = ""  # BUY / SELL / SSHORT
    total_quantity: Decimal = Decimal(0)
    order_type: str = ""  # MKT, LMT, STP, STP LMT, TRAIL, TRAIL LIMIT, MOC, LOC, MIT, LIT
    lmt_price: float | None = None
    aux_price: float | None = None
    tif: str = ""  # DAY, GTC, IOC, FOK, GTD, OPG, DTC
    oca_group: str = ""
    account: str = ""
    open_close: str = ""
    origin: int = 0
    order_ref: str = ""
    transmit: bool = True
    parent_id: int = 0
    block_order: bool = False
    sweep_to_fill: bool = False
    display_size: int = 0
    trigger_method: int = 0
    outside_rth: bool = False
    hidden: bool = False
    discretionary_amt: float = 0.0
    good_after_time: str = ""
    good_till_date: str = ""
    fa_group: str = ""
    fa_method: str = ""
    fa_percentage: str = ""
    model_code: str = ""
    short_sale_slot: int = 0
    designated_location: str = ""
    exempt_code: int = -1
    oca_type: int = 0
    rule80a: str = ""
    settling_firm: str = ""
    all_or_none: bool = False
    min_qty: int | None = None
    percent_offset: float | None = None
    trail_stop_price: float | None = None
    trailing_percent: float | None = None
    what_if: bool = False
    not_held: bool = False
    algo_strategy: str = ""
    cash_qty: float | None = None
    dont_use_auto_price_for_hedge: bool = False
    use_price_mgmt_algo: bool | None = None
    manual_order_time: str = ""
    customer_account: str = ""
    professional_customer: bool = False
    include_overnight: bool = False
    imbalance_only: bool = False
    # protobuf only: server version 216 on
    deactivate: bool = False
    post_only: bool = False
    allow_pre_open: bool = False
    ignore_open_auction: bool = False
    # 217 on (None: unset, TWS decides)
    route_marketable_to_bbo: bool | None = None
    seek_price_improvement: bool | None = None
    what_if_type: int | None = None
    # 223 on, and 226 on
    hedge_max_size: int | None = None
    conditions_include_overnight: bool = False


@record
class OrderState:
    """What TWS reports about an order besides the order itself (status, and what-if figures)."""

    status: str = "PendingSubmit"
    init_margin_before: float | None = None
    maint_margin_before: float | None = None
    equity_with_loan_before: float | None = None
    init_margin_change: float | None = None
    maint_margin_change: float | None = None
    equity_with_loan_change: float | None = None
    init_margin_after: float | None = None
    maint_margin_after: float | None = None
    equity_with_loan_after: float | None = None
    commission: float | None = None
    min_commission: float | None = None
    max_commission: float | None = None
    commission_currency: str = ""
    warning_text: str = ""
    completed_time: str = ""
    completed_status: str = ""


@record
class SimOrder:
    """An order the simulated TWS holds, with the owner, ids and progress."""

    order_id: int  # the client's id (TWS-entered orders: 0 until bound, then negative)
    client_id: int
    perm_id: int
    instrument: Instrument
    spec: OrderSpec
    state: OrderState = field(default_factory=OrderState)
    filled: Decimal = Decimal(0)
    avg_fill_price: float = 0.0
    last_fill_price: float = 0.0
    why_held: str = ""
    created: datetime | None = None
    trail_stop: float | None = None  # the live stop level of a trailing order
    triggered: bool = False  # a stop / if-touched order whose trigger has been hit

    @property
    def remaining(self) -> Decimal:
        return self.spec.total_quantity - self.filled


@record
class Fill:
    """One execution, with its commission report."""

    exec_id: str
    order_id: int
    client_id: int
    perm_id: int
    instrument: Instrument
    time: datetime  # naive UTC
    account: str
    exchange: str
    side: str  # BOT / SLD
    shares: Decimal
    price: float
    cum_qty: Decimal
    avg_price: float
    order_ref: str = ""
    model_code: str = ""
    last_liquidity: int = 2  # 1 added, 2 removed, 3 routed out
    pending_price_revision: bool = False
    submitter: str = ""
    commission: float = 0.0
    commission_currency: str = "USD"
    realized_pnl: float | None = None
