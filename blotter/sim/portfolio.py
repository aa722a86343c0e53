"""What the simulated account is worth: values, positions and P&L from the broker's fills and the market.

Pure functions of the broker's ledger and fills and the market's quotes; the server encodes them for
reqAccountUpdates, reqAccountUpdatesMulti, reqAccountSummary, reqPositions(Multi), reqPnL(Single).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from blotter.records import frozen
from blotter.sim import instruments
from blotter.sim.accounting import Position, multiplier_of
from blotter.sim.engine import Broker
from blotter.sim.market import Market
from blotter.sim.model import Instrument

STARTING_CASH = 1_000_000.00
# The tags reqAccountSummary answers (TWS has more; a client asking for others gets these it knows).
SUMMARY_TAGS = ("AccountType", "NetLiquidation", "TotalCashValue", "SettledCash", "BuyingPower",
                "AvailableFunds", "ExcessLiquidity", "GrossPositionValue", "InitMarginReq", "MaintMarginReq",
                "EquityWithLoanValue", "Cushion", "Leverage")


@frozen
class Holding:
    """One position of an account, valued at the market's last price."""

    account: str
    instrument: Instrument
    qty: Decimal
    avg_cost: float  # per unit of price, as the ledger keeps it
    price: float

    @property
    def multiplier(self) -> float:
        return multiplier_of(self.instrument)

    @property
    def value(self) -> float:
        return float(self.qty) * self.price * self.multiplier

    @property
    def unrealized(self) -> float:
        return round(float(self.qty) * (self.price - self.avg_cost) * self.multiplier, 2)


def holdings(broker: Broker, market: Market, account: str = "", con_id: int = 0,
             open_only: bool = False) -> list[Holding]:
    """The account's positions (every account's when `account` is blank), optionally of one contract."""
    out = []
    for (acct, cid), pos in broker.ledger.positions.items():
        inst = instruments.by_con_id(cid)
        if inst is None or (account and acct != account) or (con_id and cid != con_id):
            continue
        if open_only and pos.qty == 0:
            continue
        out.append(_holding(acct, inst, pos, market.quote(cid).last))
    return out


def _holding(account: str, inst: Instrument, pos: Position, price: float) -> Holding:
    return Holding(account, inst, pos.qty, pos.avg_cost, price)


def realized(broker: Broker, account: str, con_id: int = 0) -> float:
    """Realized P&L of the account's fills (the simulator's day is its whole life)."""
    return round(sum(f.realized_pnl or 0.0 for f in broker.fills.values()
                     if f.account == account and (not con_id or f.instrument.con_id == con_id)), 2)


def account_values(broker: Broker, market: Market, account: str) -> list[tuple[str, str, str]]:
    """(key, value, currency) of the account, as reqAccountUpdates and its multi form report them."""
    held = holdings(broker, market, account)
    cash = STARTING_CASH - sum(float(h.qty) * h.avg_cost * h.multiplier for h in held) + realized(broker, account)
    gross = sum(abs(h.value) for h in held)
    net = cash + sum(h.value for h in held)
    init_margin = 0.25 * gross
    available = net - init_margin
    values = {
        "AccountType": ("INDIVIDUAL", ""), "NetLiquidation": (_money(net), "USD"),
        "TotalCashValue": (_money(cash), "USD"), "SettledCash": (_money(cash), "USD"),
        "BuyingPower": (_money(4 * available), "USD"), "AvailableFunds": (_money(available), "USD"),
        "ExcessLiquidity": (_money(available), "USD"), "GrossPositionValue": (_money(gross), "USD"),
        "InitMarginReq": (_money(init_margin), "USD"), "MaintMarginReq": (_money(init_margin), "USD"),
        "EquityWithLoanValue": (_money(net), "USD"),
        "Cushion": (f"{available / net:.6f}" if net else "0", ""),
        "Leverage": (f"{gross / net:.2f}" if net else "0", ""),
    }
    return [(key, value, currency) for key, (value, currency) in values.items()]


def summary(broker: Broker, market: Market, accounts: Iterable[str], tags: str) -> list[tuple[str, str, str, str]]:
    """(account, tag, value, currency) for reqAccountSummary's tags ("All" for every one it knows)."""
    wanted = {t.strip() for t in tags.split(",") if t.strip()}
    every = "All" in wanted
    return [(account, key, value, currency) for account in accounts
            for key, value, currency in account_values(broker, market, account)
            if every or key in wanted]


def pnl(broker: Broker, market: Market, account: str, con_id: int = 0) -> tuple[float, float, float]:
    """(daily, unrealized, realized) P&L of the account or of one of its positions. Daily is since the
    last day boundary (Broker.end_of_day): what the positions are worth now, less what they were worth
    then and what today's fills cost; before the first boundary, since the simulator started."""
    held = holdings(broker, market, account, con_id)
    unrealized = round(sum(h.unrealized for h in held), 2)
    done = realized(broker, account, con_id)
    if broker.day_started is None:
        return round(unrealized + done, 2), unrealized, done
    then = sum(v for (acct, cid), v in broker.day_marks.items() if acct == account and (not con_id or cid == con_id))
    spent = sum((1 if f.side == "BOT" else -1) * float(f.shares) * f.price * multiplier_of(f.instrument) + f.commission
                for key, f in broker.fills.items() if key not in broker.earlier_fills and f.account == account
                and (not con_id or f.instrument.con_id == con_id))
    return round(sum(h.value for h in held) - then - spent, 2), unrealized, done


def _money(value: float) -> str:
    return f"{value:.2f}"
