"""How serious a TWS message is, and whether it can concern an order: from its code alone."""

from __future__ import annotations

from enum import Enum


class Severity(Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    CONNECTIVITY = "connectivity"  # TWS <-> IB link lost / restored, socket reset


CONNECTIVITY_CODES = frozenset({1100, 1101, 1102, 1300})
# Confirmations and "farm OK" notices: nothing wrong. 202 is the normal answer to a cancel.
INFO_CODES = frozenset({202, 2104, 2106, 2107, 2108, 2119, 2158})
# Warnings outside 2100-2199: order messages (399), delayed or missing market data.
WARNING_CODES = frozenset({399, 10089, 10090, 10167, 10168, 10197})
# The connection, not an order: could not connect, not connected, out of date, bad message length.
CONNECTION_CODES = frozenset({502, 503, 504, 507})


def severity(code: int) -> Severity:
    """INFO / WARNING / ERROR / CONNECTIVITY for an error() code."""
    if code in CONNECTIVITY_CODES:
        return Severity.CONNECTIVITY
    if code in INFO_CODES:
        return Severity.INFO
    if code in WARNING_CODES or 2100 <= code <= 2199:
        return Severity.WARNING
    return Severity.ERROR


def touches_order(code: int, local_only: bool) -> bool:
    """Whether an error with an order's id is that order's error (sets last_error).

    Connection codes (502/504...) are not about an acknowledged order; on a row TWS never acknowledged,
    504 is ibapi saying the placeOrder never left, so it rejects that row like any other error.
    """
    if severity(code) is not Severity.ERROR:
        return False
    return local_only or code not in CONNECTION_CODES
