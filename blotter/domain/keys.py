"""How an order row is identified: by perm id once TWS gave one, by (client id, order id) before."""

from __future__ import annotations

from typing import NamedTuple

UNSET_INT = 2**31 - 1  # ibapi's UNSET_INTEGER: completedOrder carries it where it has no order id
NO_ID = -1  # error() with this id is not about an order or a request


class OrderKey(NamedTuple):
    """A row's key: `OrderKey(perm_id)` once the perm id is known, `OrderKey(0, client_id, order_id)` before.

    Immutable like a frozen dataclass; a named tuple because it is hashed on every event.
    """

    perm_id: int = 0
    client_id: int = 0
    order_id: int = 0

    def __str__(self) -> str:
        return f"perm {self.perm_id}" if self.perm_id else f"{self.client_id}/{self.order_id}"


def known_order_id(order_id: int) -> bool:
    """An order id that names an order: not 0 (TWS-entered, unbound) and not ibapi's unset integer."""
    return order_id != 0 and order_id != UNSET_INT


def order_key(perm_id: int, client_id: int, order_id: int) -> OrderKey | None:
    """The key of an order: by perm id when known, else by a positive API order id; None if neither."""
    if perm_id:
        return OrderKey(perm_id)
    if 0 < order_id < UNSET_INT:
        return OrderKey(0, client_id, order_id)
    return None
