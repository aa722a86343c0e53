"""Commissions and positions: what IB charges per fill and the realized P&L of closing fills."""

from __future__ import annotations

from decimal import Decimal

from blotter.records import record
from blotter.sim.model import Instrument


def multiplier_of(inst: Instrument) -> float:
    return float(inst.multiplier) if inst.multiplier else 1.0


def order_commission(inst: Instrument, qty: Decimal, value: float) -> float:
    """IB-style fixed commission for an order's cumulative quantity: per unit, with a minimum and a cap."""
    if qty <= 0:
        return 0.0
    if inst.sec_type == "CASH":
        fee = value * inst.commission_per_unit
    else:
        fee = float(qty) * inst.commission_per_unit
    fee = max(fee, inst.commission_min)
    if inst.commission_max_pct:
        fee = min(fee, max(value * inst.commission_max_pct, inst.commission_min))
    return round(fee, 2)


def fill_commission(inst: Instrument, cum_before: Decimal, value_before: float,
                    shares: Decimal, value: float) -> float:
    """The commission of one fill: the order's commission after it less the order's commission before it."""
    before = order_commission(inst, cum_before, value_before)
    return round(order_commission(inst, cum_before + shares, value_before + value) - before, 2)


@record
class Position:
    """A net position with its average cost per unit (commissions included, as IB reports it)."""

    qty: Decimal = Decimal(0)
    avg_cost: float = 0.0  # per unit of price, commissions included


class Ledger:
    """Positions per (account, conId), updated fill by fill; returns realized P&L for closing fills."""

    def __init__(self) -> None:
        self.positions: dict[tuple[str, int], Position] = {}

    def apply(self, account: str, inst: Instrument, side: str, shares: Decimal, price: float,
              commission: float) -> float | None:
        """Book a fill. Returns the realized P&L if the fill closes (part of) a position, else None."""
        pos = self.positions.setdefault((account, inst.con_id), Position())
        mult = multiplier_of(inst)
        signed = shares if side == "BOT" else -shares
        per_unit_fee = commission / (float(shares) * mult) if shares else 0.0
        if pos.qty == 0 or (pos.qty > 0) == (signed > 0):
            # opening or adding: cost includes the fee
            cost = price + per_unit_fee if signed > 0 else price - per_unit_fee
            total = abs(pos.qty) + shares
            pos.avg_cost = (pos.avg_cost * float(abs(pos.qty)) + cost * float(shares)) / float(total)
            pos.qty += signed
            return None
        closing = min(abs(pos.qty), shares)
        direction = 1.0 if pos.qty > 0 else -1.0
        realized = (price - pos.avg_cost) * float(closing) * mult * direction
        realized -= commission * float(closing) / float(shares)
        pos.qty += signed
        rest = shares - closing
        if pos.qty == 0:
            pos.avg_cost = 0.0
        elif rest > 0:  # flipped through zero: the rest opens a new position
            pos.avg_cost = price + (per_unit_fee if signed > 0 else -per_unit_fee)
        return round(realized, 2)
