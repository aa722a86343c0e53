"""Export a day from the journal: fills, commissions, orders or the audit trail, as CSV or JSON.

Fills, commissions and orders are the day as the blotter showed it (the records replayed into a Store:
corrections replace their fill, repeats count once); the audit trail is every request the blotter sent
or refused, with the user action that caused it.
"""

from __future__ import annotations

import csv
import io
import json
import math
import time
from decimal import Decimal
from typing import Any, Callable, Iterable, Sequence

from blotter.domain.events import OrderSent, Refused
from blotter.domain.store import Store
from blotter.journal.reader import Archive, Record

WHAT = ("fills", "commissions", "orders", "audit")
FORMATS = ("csv", "json")

Row = dict[str, Any]


def iso(at: float) -> str:
    """A time.time() as local ISO time (empty for none)."""
    if not at:
        return ""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(at)) + f".{int(at * 1000) % 1000:03d}"


def fills(store: Store) -> list[Row]:
    return [{
        "time": f.time, "exec_id": f.exec_id, "order_id": f.order_id, "perm_id": f.perm_id,
        "client_id": f.client_id, "account": f.account, "side": f.side, "shares": f.shares,
        "symbol": f.contract.display, "sec_type": f.contract.sec_type, "currency": f.contract.currency,
        "price": f.price, "exchange": f.exchange, "liquidity": f.liquidity, "commission": f.commission,
        "commission_currency": f.commission_currency, "realized_pnl": f.realized_pnl,
    } for f in store.fills()]


def commissions(store: Store) -> list[Row]:
    return [{
        "time": f.time, "exec_id": f.exec_id, "symbol": f.contract.display, "side": f.side, "shares": f.shares,
        "price": f.price, "commission": f.commission, "currency": f.commission_currency,
        "realized_pnl": f.realized_pnl,
    } for f in store.fills() if f.commission is not None]


def orders(store: Store) -> list[Row]:
    rows = []
    for r in store.orders():
        o, c = r.order, r.contract
        rows.append({
            "first_seen": iso(r.first_seen), "updated": iso(r.updated), "order_id": r.order_id,
            "perm_id": r.perm_id, "client_id": r.client_id, "account": o.account, "action": o.action,
            "quantity": o.total_quantity, "symbol": c.display, "sec_type": c.sec_type, "currency": c.currency,
            "order_type": o.order_type, "limit": o.lmt_price, "aux": o.aux_price, "tif": o.tif,
            "status": r.status_text, "completed_status": r.completed_status, "filled": r.filled,
            "remaining": r.remaining, "avg_price": r.avg_price, "fills": r.fills, "commission": r.commission,
            "commission_currency": r.commission_currency, "realized_pnl": r.realized_pnl,
            "last_error": f"{r.last_error[0]} {r.last_error[1]}" if r.last_error else "",
        })
    return rows


def audit(records: Iterable[Record]) -> list[Row]:
    rows = []
    for rec in records:
        ev = rec.event
        if isinstance(ev, OrderSent):
            c, o = ev.contract, ev.order
            rows.append({
                "time": iso(rec.at), "request": ev.kind, "result": "sent", "order_id": ev.order_id,
                "client_id": ev.client_id, "symbol": c.display if c else "", "action": o.action if o else "",
                "quantity": o.total_quantity if o else "", "order_type": o.order_type if o else "",
                "limit": o.lmt_price if o else None, "aux": o.aux_price if o else None, "tif": o.tif if o else "",
                "account": o.account if o else "", "cause": rec.cause, "reason": "",
            })
        elif isinstance(ev, Refused):
            rows.append({
                "time": iso(rec.at), "request": ev.kind, "result": "refused", "order_id": ev.order_id,
                "client_id": "", "symbol": "", "action": "", "quantity": "", "order_type": "", "limit": None,
                "aux": None, "tif": "", "account": "", "cause": rec.cause, "reason": ev.reason,
            })
    return rows


def rows_for(what: str, archive: Archive, day: str) -> list[Row]:
    """The rows of one export of a day."""
    if what == "audit":
        return audit(archive.records(day, ("OrderSent", "Refused")))
    makers: dict[str, Callable[[Store], list[Row]]] = {"fills": fills, "commissions": commissions, "orders": orders}
    return makers[what](archive.store(day))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    return str(value)


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_csv(rows: Sequence[Row], header: Sequence[str] | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = list(header if header is not None else (rows[0].keys() if rows else ()))
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()


def to_json(rows: Sequence[Row]) -> str:
    return json.dumps([{k: _number(v) for k, v in row.items()} for row in rows], indent=1,
                      ensure_ascii=False) + "\n"


HEADERS: dict[str, tuple[str, ...]] = {  # the columns of an empty export, so a CSV always has its header
    "fills": ("time", "exec_id", "order_id", "perm_id", "client_id", "account", "side", "shares", "symbol",
              "sec_type", "currency", "price", "exchange", "liquidity", "commission", "commission_currency",
              "realized_pnl"),
    "commissions": ("time", "exec_id", "symbol", "side", "shares", "price", "commission", "currency",
                    "realized_pnl"),
    "orders": ("first_seen", "updated", "order_id", "perm_id", "client_id", "account", "action", "quantity",
               "symbol", "sec_type", "currency", "order_type", "limit", "aux", "tif", "status",
               "completed_status", "filled", "remaining", "avg_price", "fills", "commission",
               "commission_currency", "realized_pnl", "last_error"),
    "audit": ("time", "request", "result", "order_id", "client_id", "symbol", "action", "quantity", "order_type",
              "limit", "aux", "tif", "account", "cause", "reason"),
}


def render(what: str, rows: Sequence[Row], fmt: str) -> str:
    return to_csv(rows, HEADERS[what]) if fmt == "csv" else to_json(rows)
