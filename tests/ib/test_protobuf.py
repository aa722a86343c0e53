"""A TWS of server version 201 and later sends its messages as protobuf (ibapi 10.50 asks for them):
the blotter's client reads them into the same events as the text protocol, and skips a broken one
(every kind of broken frame, at both generations: test_bad_frames.py).

These messages are made here with ibapi's own protobuf classes, framed as TWS frames them (a 4-byte
message id, PROTOBUF_MSG_ID above the id), not by the simulator.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from ibapi.common import PROTOBUF_MSG_ID
from ibapi.decoder import Decoder
from ibapi.message import IN
from ibapi.protobuf.Contract_pb2 import Contract
from ibapi.protobuf.ErrorMessage_pb2 import ErrorMessage
from ibapi.protobuf.Execution_pb2 import Execution
from ibapi.protobuf.ExecutionDetails_pb2 import ExecutionDetails
from ibapi.protobuf.OrderStatus_pb2 import OrderStatus
from ibapi.server_versions import MAX_CLIENT_VER

from blotter.domain import events as ev
from blotter.ib.bridge import Bridge
from blotter.ib._ibapi.client import Client

VERSION = MAX_CLIENT_VER


def read(*frames: bytes, version: int = VERSION) -> list[Any]:
    """The events the blotter makes of these frames, read in turn by its client at `version`."""
    out: list[Any] = []
    bridge = Bridge(out.append, clock=lambda: 1.0)
    client = Client(bridge)
    client.decoder = Decoder(bridge, version)
    for frame in frames:
        client._decode(frame, version)
    return out


def frame(msg_id: int, message: Any) -> bytes:
    return (PROTOBUF_MSG_ID + msg_id).to_bytes(4, "big") + message.SerializeToString()


def test_an_order_status_in_protobuf_is_the_same_status_update():
    status = OrderStatus(orderId=12, status="Filled", filled="100", remaining="0", avgFillPrice=150.25,
                         permId=987654, parentId=0, lastFillPrice=150.25, clientId=1, whyHeld="",
                         mktCapPrice=0.0)
    [update] = read(frame(IN.ORDER_STATUS, status))
    assert update == ev.StatusUpdate(12, "Filled", Decimal(100), Decimal(0), 150.25, 987654, 0, 150.25, 1,
                                     received=1.0)


def test_an_execution_in_protobuf_is_the_same_fill():
    contract = Contract(conId=265598, symbol="AAPL", secType="STK", exchange="SMART", currency="USD")
    execution = Execution(orderId=12, execId="0000e0d5.6b0d0001.01.01", time="20261130 10:00:00 US/Eastern",
                          acctNumber="DU1234567", exchange="ISLAND", side="BOT", shares="100", price=150.25,
                          permId=987654, clientId=1, cumQty="100", avgPrice=150.25, lastLiquidity=1)
    [fill] = read(frame(IN.EXECUTION_DATA, ExecutionDetails(reqId=-1, contract=contract, execution=execution)))
    assert isinstance(fill, ev.Execution)
    assert (fill.exec_id, fill.order_id, fill.perm_id, fill.side, fill.shares, fill.price, fill.account) == (
        "0000e0d5.6b0d0001.01.01", 12, 987654, "BOT", Decimal(100), 150.25, "DU1234567")
    assert (fill.contract.con_id, fill.contract.symbol, fill.contract.sec_type) == (265598, "AAPL", "STK")


def test_an_error_in_protobuf_is_the_same_message():
    error = ErrorMessage(id=12, errorTime=1_764_500_000_000, errorCode=201,
                         errorMsg="Order rejected - reason:insufficient margin", advancedOrderRejectJson="")
    [message] = read(frame(IN.ERR_MSG, error))
    assert (message.id, message.code, message.text) == (12, 201, "Order rejected - reason:insufficient margin")


def test_a_broken_protobuf_message_is_logged_and_skipped_and_the_next_one_read(caplog):
    broken = (PROTOBUF_MSG_ID + IN.ORDER_STATUS).to_bytes(4, "big") + b"\xff\xff\xff\xff\x0f"
    after = ErrorMessage(id=-1, errorTime=0, errorCode=2104, errorMsg="Market data farm connection is OK:after")
    with caplog.at_level(logging.WARNING):
        events = read(broken, frame(IN.ERR_MSG, after))
    assert not [e for e in events if isinstance(e, ev.StatusUpdate)], "a broken status reached the blotter"
    assert [e.code for e in events if isinstance(e, ev.TwsMessage)] == [2104]
    assert "skipped a message TWS sent" in caplog.text
