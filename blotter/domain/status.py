"""Order statuses as TWS reports them, and which of them mean the order can still trade."""

from __future__ import annotations

from enum import Enum


class OrderStatus(Enum):
    """Every status TWS sends in orderStatus / openOrder (see IB's "Order Management" document)."""

    API_PENDING = "ApiPending"
    PENDING_SUBMIT = "PendingSubmit"
    PENDING_CANCEL = "PendingCancel"
    PRE_SUBMITTED = "PreSubmitted"
    SUBMITTED = "Submitted"
    API_CANCELLED = "ApiCancelled"
    CANCELLED = "Cancelled"
    FILLED = "Filled"
    INACTIVE = "Inactive"
    UNKNOWN = "Unknown"  # anything TWS sends that this list does not know; shown as it came
    UNREPORTED = "Unreported"  # ours, never TWS's: a resync found the order neither open nor completed

    @classmethod
    def parse(cls, text: str) -> "OrderStatus":
        try:
            return cls(text)
        except ValueError:
            return cls.UNKNOWN

    working: bool  # can still trade; set on each member below (read on every order row, so not a property)
    done: bool  # finished for good


WORKING = frozenset({OrderStatus.API_PENDING, OrderStatus.PENDING_SUBMIT, OrderStatus.PENDING_CANCEL,
                     OrderStatus.PRE_SUBMITTED, OrderStatus.SUBMITTED})
DONE = frozenset({OrderStatus.API_CANCELLED, OrderStatus.CANCELLED, OrderStatus.FILLED, OrderStatus.INACTIVE,
                  OrderStatus.UNREPORTED})
for _status in OrderStatus:
    _status.working, _status.done = _status in WORKING, _status in DONE
