"""Positions and accounts as TWS reports them: sizes and costs (reqPositions), P&L and value of each
position (pnlSingle), an account's P&L (pnl) and figures (accountSummary).

TWS is the truth here, as executions are for fills: nothing is worked out from the blotter's own
fills, so a position opened in TWS itself, or before today, shows the same as one the blotter made.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from blotter.domain.events import AccountPnL, AccountValue, ContractRef, OrderFields, Position, PositionPnL
from blotter.records import frozen

PositionKey = tuple[str, int]  # (account, con id)
SUMMARY_TAGS = ("NetLiquidation", "BuyingPower", "ExcessLiquidity")  # what the account line shows


@frozen(slots=True)
class PositionRow:
    """One account's position in one contract; the P&L figures are None until TWS sends them."""

    account: str
    contract: ContractRef
    position: Decimal
    avg_cost: float  # per unit of price: TWS's avgCost over the contract's multiplier
    market_price: float | None
    market_value: float | None
    unrealized: float | None
    realized: float | None
    daily: float | None
    updated: float

    @property
    def key(self) -> PositionKey:
        return self.account, self.contract.con_id


@frozen
class AccountRow:
    """An account's line: its figures from accountSummary and its P&L; `*_at` say how old each is."""

    account: str
    currency: str = ""
    net_liquidation: float | None = None
    buying_power: float | None = None
    excess_liquidity: float | None = None
    daily: float | None = None
    unrealized: float | None = None
    realized: float | None = None
    values_at: float = 0.0
    pnl_at: float = 0.0


def multiplier(contract: ContractRef) -> float:
    try:
        return float(contract.multiplier) or 1.0
    except ValueError:
        return 1.0


class Holdings:
    """Every position and account line, and which changed since the last `flush`."""

    def __init__(self) -> None:
        self._rows: dict[PositionKey, PositionRow] = {}
        self._seen: dict[PositionKey, int] = {}  # the connection that last reported each position
        self._accounts: dict[str, AccountRow] = {}
        self._changed: dict[PositionKey, None] = {}
        self._accounts_changed = False

    def rows(self) -> list[PositionRow]:
        return list(self._rows.values())

    def row(self, key: PositionKey) -> PositionRow | None:
        return self._rows.get(key)

    def accounts(self) -> list[AccountRow]:
        return [self._accounts[name] for name in sorted(self._accounts)]

    def account(self, name: str) -> AccountRow | None:
        return self._accounts.get(name)

    def position(self, ev: Position, connection: int) -> None:
        key = ev.account, ev.contract.con_id
        old = self._rows.get(key)
        cost = ev.avg_cost / multiplier(ev.contract)
        if old is None:
            row = PositionRow(ev.account, ev.contract, ev.position, cost, None, None, None, None, None, ev.received)
        else:
            row = replace(old, contract=ev.contract, position=ev.position, avg_cost=cost, updated=ev.received)
        self._seen[key] = connection
        if row != old:
            self._rows[key] = row
            self._changed[key] = None

    def pnl(self, ev: PositionPnL) -> None:
        key = ev.account, ev.con_id
        old = self._rows.get(key)
        if old is None:
            return  # its position comes first: reqPnLSingle is asked of the positions TWS reported
        price = None
        if ev.value is not None and ev.position:
            price = ev.value / (float(ev.position) * multiplier(old.contract))
        row = replace(old, market_price=price, market_value=ev.value, unrealized=ev.unrealized,
                      realized=ev.realized, daily=ev.daily, updated=ev.received)
        if _figures(row) != _figures(old):
            self._rows[key] = row
            self._changed[key] = None

    def ended(self, connection: int) -> None:
        """reqPositions answered in full: a position it no longer holds is gone (TWS restarted, say)."""
        for key in [k for k, seen in self._seen.items() if seen < connection]:
            del self._rows[key], self._seen[key]
            self._changed[key] = None

    def account_pnl(self, ev: AccountPnL) -> None:
        old = self._accounts.get(ev.account) or AccountRow(ev.account)
        self._accounts[ev.account] = replace(old, daily=ev.daily, unrealized=ev.unrealized, realized=ev.realized,
                                             pnl_at=ev.received)
        self._accounts_changed = True

    def account_value(self, ev: AccountValue) -> None:
        if ev.tag not in SUMMARY_TAGS:
            return
        try:
            value: float | None = float(ev.value)
        except ValueError:
            value = None
        old = self._accounts.get(ev.account) or AccountRow(ev.account)
        new = replace(old, currency=ev.currency or old.currency, values_at=ev.received)
        if ev.tag == "NetLiquidation":
            new = replace(new, net_liquidation=value)
        elif ev.tag == "BuyingPower":
            new = replace(new, buying_power=value)
        else:
            new = replace(new, excess_liquidity=value)
        self._accounts[ev.account] = new
        self._accounts_changed = True

    def flush(self) -> tuple[tuple[PositionKey, ...], bool]:
        changed, accounts = tuple(self._changed), self._accounts_changed
        self._changed, self._accounts_changed = {}, False
        return changed, accounts


def _figures(row: PositionRow) -> tuple:
    return row.market_value, row.unrealized, row.realized, row.daily


def closing_side(row: PositionRow) -> str:
    """The side of the order that closes a position: SELL a long one, BUY a short one."""
    return "SELL" if row.position > 0 else "BUY"


def order_contract(row: PositionRow) -> ContractRef:
    """A position's contract as an order is sent for it: by con id, on SMART for a stock (TWS reports a
    position's contract with no exchange, and an order needs one)."""
    c = row.contract
    exchange = "SMART" if c.sec_type == "STK" or not (c.exchange or c.primary_exchange) \
        else c.exchange or c.primary_exchange
    return replace(c, exchange=exchange)


def closing_order(row: PositionRow) -> OrderFields:
    """What the kill switch sends for a position: a market order for all of it, to its account."""
    return OrderFields(action=closing_side(row), total_quantity=abs(row.position), order_type="MKT", tif="DAY",
                       account=row.account)
