"""The protobuf forms (server version 201 on) of the messages in blotter.sim.encode_market.

Each takes what its text twin takes and carries the same values: a field TWS leaves unset is absent.
"""

from __future__ import annotations

from blotter.sim.frames import Proto

ERR_MSG, NEXT_VALID_ID, MANAGED_ACCTS = 4, 9, 15


def error(req_id: int, code: int, message: str, advanced_json: str, time_ms: int) -> Proto:
    return Proto(ERR_MSG, "ErrorMessage", {"id": req_id, "errorTime": time_ms, "errorCode": code, "errorMsg": message,
                                           "advancedOrderRejectJson": advanced_json})


def managed_accounts(accounts: list[str]) -> Proto:
    return Proto(MANAGED_ACCTS, "ManagedAccounts", {"accountsList": ",".join(accounts)})


def next_valid_id(order_id: int) -> Proto:
    return Proto(NEXT_VALID_ID, "NextValidId", {"orderId": order_id})
