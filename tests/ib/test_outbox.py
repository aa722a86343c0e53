"""The paced sender: under the limit a message leaves at once on the caller's thread; order is always kept."""

from __future__ import annotations

import threading

from blotter.ib.outbox import Outbox, Outgoing


class Wire:
    """Records what was sent, in order, and on which thread."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, int]] = []  # (message number, thread ident)
        self.cond = threading.Condition()

    def message(self, n: int) -> Outgoing:
        def send() -> None:
            with self.cond:
                self.sent.append((n, threading.get_ident()))
                self.cond.notify_all()
        return Outgoing(send, "cancel", n)

    def wait_for(self, count: int) -> None:
        with self.cond:
            assert self.cond.wait_for(lambda: len(self.sent) >= count, 10), f"sent {self.sent}"


def test_under_the_limit_a_message_is_on_the_wire_when_put_returns():
    wire, box = Wire(), Outbox(rate=50)
    try:
        box.put(wire.message(1))
        assert wire.sent == [(1, threading.get_ident())], "sent by the caller, before put returned"
    finally:
        box.close()


def test_over_the_limit_the_rest_wait_their_turn_and_keep_their_order():
    wire, box = Wire(), Outbox(rate=2)
    try:
        for n in range(1, 5):
            box.put(wire.message(n))
        caller = threading.get_ident()
        assert wire.sent == [(1, caller), (2, caller)], "the two the limit allows go at once"
        assert box.pending() == 2
        box.put(wire.message(5))  # a slot may free meanwhile, yet it must not jump the queue
        wire.wait_for(5)
        assert [n for n, _ in wire.sent] == [1, 2, 3, 4, 5]
        assert all(thread != caller for _, thread in wire.sent[2:]), "the waiting ones go from the outbox thread"
    finally:
        box.close()


def test_nothing_goes_out_while_disconnected_and_the_caller_is_told():
    unsent: list[tuple[int, str]] = []
    wire = Wire()
    box = Outbox(rate=50, is_connected=lambda: False, on_unsent=lambda m, why: unsent.append((m.order_id, why)))
    try:
        box.put(wire.message(7))
        assert wire.sent == [] and unsent == [(7, "not connected to TWS")]
    finally:
        box.close()
