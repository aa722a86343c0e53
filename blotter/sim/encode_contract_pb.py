"""The Contract sub-message of TWS's protobuf messages, as the order, execution, position and portfolio
messages carry it.

A field TWS has no value for is left out: a blank right, multiplier or exchange. Messages differ in
which venue they name (the order's exchange, the execution's, the primary listing), so each venue
gets its own encoding; an instrument's is made once and spliced into every message after that.
"""

from __future__ import annotations

from typing import Any

from blotter.sim.model import Instrument
from blotter.sim.proto import Encoded

# (id(instrument), exchange, primaryExch) -> (the instrument, its contract). The entry holds the
# instrument, so no other object can take its id while the entry lives.
_MADE: dict[tuple[int, str, str], tuple[Instrument, Encoded]] = {}
_MAX_MADE = 4096  # instruments x venues; the catalogue has a few dozen, tests make a few hundred


def listing(inst: Instrument) -> str:
    """The exchange that positions and portfolio rows name: the primary listing, else the venue."""
    return inst.primary_exchange or inst.exchange


def contract_values(inst: Instrument, exchange: str = "", primary: str = "") -> dict[str, Any]:
    """The contract's fields that have a value, naming `exchange` and `primary` as its venues."""
    return {
        "conId": inst.con_id, "symbol": inst.symbol or None, "secType": inst.sec_type or None,
        "lastTradeDateOrContractMonth": inst.last_trade_date or None, "strike": float(inst.strike),
        "right": inst.right or None, "multiplier": float(inst.multiplier) if inst.multiplier else None,
        "exchange": exchange or None, "primaryExch": primary or None, "currency": inst.currency or None,
        "localSymbol": inst.local_symbol or None, "tradingClass": inst.trading_class or None,
    }


def contract(inst: Instrument, exchange: str = "", primary: str = "") -> Encoded:
    """The contract sub-message naming `exchange` and `primary`, encoded once per instrument and venue."""
    key = (id(inst), exchange, primary)
    made = _MADE.get(key)
    if made is None:
        if len(_MADE) >= _MAX_MADE:
            _MADE.clear()
        made = _MADE[key] = (inst, Encoded("Contract", contract_values(inst, exchange, primary)))
    return made[1]
