"""How values read as text to a trader: prices, quantities, sides, order lines, fill lines."""

from __future__ import annotations

from datetime import timezone
from decimal import Decimal

from blotter.domain.rows import FillRow, MessageRow, OrderRow
from blotter.domain.times import tws_time


def qty(value: Decimal) -> str:
    """A quantity without a trailing '.0' ("100", "0.5", "1,000")."""
    text = format(value.normalize(), ",f") if value == value.to_integral_value() else format(value, ",f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def price(value: float | None, places: int = 2) -> str:
    """A price with at least `places` decimals, more only where it has them (1.08735, 0.4512)."""
    if value is None:
        return ""
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    decimals = max(places, -exponent if isinstance(exponent, int) and exponent < 0 else 0)
    return f"{float(value):,.{decimals}f}"


def local_clock(text: str) -> str:
    """TWS's execution time as the local HH:MM:SS a trader reads beside everything else."""
    when = tws_time(text, timezone.utc)
    return when.astimezone().strftime("%H:%M:%S") if when is not None else text


def money(value: float | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def order_line(row: OrderRow) -> str:
    o = row.order
    parts = [f"#{row.order_id}" if row.order_id else f"perm {row.perm_id}", o.action, qty(o.total_quantity),
             row.contract.display, o.order_type]
    if o.lmt_price is not None:
        parts.append(price(o.lmt_price))
    if o.aux_price is not None:
        parts.append(f"aux {price(o.aux_price)}")
    parts += [o.tif or "DAY", row.status_text, f"{qty(row.filled)}/{qty(o.total_quantity)}"]
    if row.avg_price:
        parts.append(f"avg {price(row.avg_price)}")
    if row.last_error:
        parts.append(f"[{row.last_error[0]}] {row.last_error[1]}")
    return " ".join(parts)


def fill_line(row: FillRow) -> str:
    parts = [row.time, row.side, qty(row.shares), row.contract.display, "@", price(row.price), row.exchange,
             f"#{row.order_id}" if row.order_id else f"perm {row.perm_id}", row.exec_id]
    if row.commission is not None:
        parts.append(f"comm {money(row.commission)} {row.commission_currency}")
    if row.realized_pnl is not None:
        parts.append(f"pnl {money(row.realized_pnl)}")
    return " ".join(parts)


def one_line(text: str) -> str:
    """A message TWS wrote over several lines (399 "Order Message:\n...") on one, its breaks marked."""
    if "\n" not in text and "\r" not in text:
        return text
    return " ↵ ".join(part.strip() for part in text.splitlines() if part.strip())


def message_line(row: MessageRow) -> str:
    return f"{row.severity.name} {row.code} {one_line(row.text)}".strip()
