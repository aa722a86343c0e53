"""A frame TWS sends that cannot be read never costs the session (issue 20, deliverable 4).

Every kind, made by hand at server version 200 (text frames, the message id the first field) and 226
(a 4-byte message id; above 200 a protobuf payload): skipped with one log line naming its message id,
no error event a user would take for one of TWS's, and the frame after it read. IB's own client
raises in its message loop on most of these and ends the connection. The last tests drive the real
Session against a fake TWS on a loopback socket: the connection staying up is the socket's word.
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
from typing import Any, Iterator

import pytest
from ibapi.common import PROTOBUF_MSG_ID
from ibapi.message import IN
from ibapi.protobuf.Contract_pb2 import Contract
from ibapi.protobuf.ErrorMessage_pb2 import ErrorMessage
from ibapi.protobuf.Execution_pb2 import Execution
from ibapi.protobuf.NextValidId_pb2 import NextValidId
from ibapi.protobuf.OrderStatus_pb2 import OrderStatus

from blotter.domain import events as ev
from blotter.ib.session import Session, SessionConfig
from tests.ib.conftest import Events
from tests.ib.test_protobuf import read

TEXT, PROTOBUF = 200, 226  # the last text-only server version, and the one a current Gateway speaks


def text(version: int, msg_id: int, *fields: str | bytes) -> bytes:
    """A text frame: NUL-ended fields after the message id (a field of its own to 200, 4 bytes from 201)."""
    body = b"".join((f if isinstance(f, bytes) else f.encode()) + b"\0" for f in fields)
    head = msg_id.to_bytes(4, "big") if version > TEXT else f"{msg_id}\0".encode()
    return head + body


def proto(msg_id: int, payload: bytes | Any) -> bytes:
    """A protobuf frame: 4 bytes of PROTOBUF_MSG_ID + the message id, then the payload."""
    raw = payload if isinstance(payload, bytes) else payload.SerializeToString()
    return (PROTOBUF_MSG_ID + msg_id).to_bytes(4, "big") + raw


def status(order_id: str | bytes = "12", state: str | bytes = "Filled", filled: str = "100",
           avg: str = "1.5") -> tuple[str | bytes, ...]:
    """orderStatus's text fields from 200 (no version field): id, status, filled, remaining, prices, ids."""
    return order_id, state, filled, "0", avg, "7", "0", "1.5", "1", "", "0"


def good_status(**changes: Any) -> OrderStatus:
    fields: dict[str, Any] = dict(orderId=12, status="Filled", filled="100", remaining="0", avgFillPrice=1.5,
                                  permId=7, parentId=0, lastFillPrice=1.5, clientId=1, whyHeld="", mktCapPrice=0.0)
    return OrderStatus(**{**fields, **changes})


def after(version: int, n: int) -> bytes:
    """A good frame to follow a bad one: TWS's information message 2104, numbered."""
    words = f"Market data farm connection is OK:after {n}"
    if version > TEXT:
        return proto(IN.ERR_MSG, ErrorMessage(id=-1, errorTime=0, errorCode=2104, errorMsg=words))
    return text(version, IN.ERR_MSG, "-1", "2104", words, "", "0")


def field(number: int, wire_type: int, value: bytes) -> bytes:
    """One protobuf field written by hand (numbers below 16, values under 128 bytes)."""
    key = bytes([number << 3 | wire_type])
    return key + (bytes([len(value)]) + value if wire_type == 2 else value)


def nested_wrong_wire_type() -> bytes:
    """An execDetails whose execution's shares (a string, field 7) came as a varint."""
    execution = Execution(orderId=12, execId="0000e0d5.01.01", side="BOT", price=1.5, cumQty="100").SerializeToString()
    contract = Contract(conId=265598, symbol="AAPL", secType="STK").SerializeToString()
    return field(1, 0, b"\x01") + field(2, 2, contract) + field(3, 2, execution + field(7, 0, b"\x64"))


def text_kinds(version: int) -> list[tuple[str, bytes, int]]:
    """(what is wrong, the frame, the message id on the wire) of text frames at `version`."""
    kinds = [
        ("fields run out", text(version, IN.ORDER_STATUS, "12", "Filled"), IN.ORDER_STATUS),
        ("an order id that is no number", text(version, IN.ORDER_STATUS, *status("not-a-number")), IN.ORDER_STATUS),
        ("a quantity that is no decimal", text(version, IN.ORDER_STATUS, *status(filled="lots")), IN.ORDER_STATUS),
        ("a price that is no number", text(version, IN.ORDER_STATUS, *status(avg="1.2.3")), IN.ORDER_STATUS),
        ("a quantity of NaN", text(version, IN.ORDER_STATUS, *status(filled="NaN")), IN.ORDER_STATUS),
        ("a price of nan", text(version, IN.ORDER_STATUS, *status(avg="nan")), IN.ORDER_STATUS),
        ("invalid UTF-8 in a number", text(version, IN.ORDER_STATUS, *status(b"\xff\xfe")), IN.ORDER_STATUS),
        ("an execDetails that stops short", text(version, IN.EXECUTION_DATA, "-1"), IN.EXECUTION_DATA),
        ("an unknown message id", text(version, 199, "1", "2"), 199),
        ("nextValidId with a field too many", text(version, IN.NEXT_VALID_ID, "1", "5", "6"), IN.NEXT_VALID_ID),
    ]
    if version > TEXT:
        return kinds + [("a frame shorter than a message id", b"\x00\x04", -1)]
    return kinds + [("no message id", b"no field ends here", -1), ("a message id that is no number",
                                                                   b"x3\0Filled\0", -1)]


PROTOBUF_KINDS = [
    ("a truncated payload", proto(IN.ORDER_STATUS, good_status().SerializeToString()[:-1])),
    ("a varint cut short", proto(IN.ORDER_STATUS, b"\x08\xff\xff")),
    ("the order id in the wrong wire type", proto(IN.ORDER_STATUS, field(1, 2, b"ab") + good_status(
        orderId=None).SerializeToString())),
    ("a nested field in the wrong wire type", proto(IN.EXECUTION_DATA, nested_wrong_wire_type())),
    ("invalid UTF-8 in a string", proto(IN.ORDER_STATUS, field(1, 0, b"\x0c") + field(2, 2, b"Fil\xffled"))),
    ("a quantity that is no decimal", proto(IN.ORDER_STATUS, good_status(filled="lots"))),
    ("a quantity of NaN", proto(IN.ORDER_STATUS, good_status(remaining="NaN"))),
    ("a price of NaN", proto(IN.ORDER_STATUS, good_status(avgFillPrice=float("nan")))),
    ("an unknown protobuf message id", proto(150, b"\x08\x01")),
    ("message id 200, where protobuf begins above it", proto(0, b"")),
]
KINDS = ([(TEXT, *kind) for kind in text_kinds(TEXT)] + [(PROTOBUF, *kind) for kind in text_kinds(PROTOBUF)]
         + [(PROTOBUF, name, frame, int.from_bytes(frame[:4], "big")) for name, frame in PROTOBUF_KINDS])


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def named(msg_id: int) -> str:
    return "no readable message id" if msg_id < 0 else f"message id {msg_id} "


def afters(events: list[Any]) -> list[str]:
    return [e.text.rsplit(":", 1)[1] for e in events if isinstance(e, ev.TwsMessage)]


@pytest.mark.parametrize("version, what, frame, msg_id", KINDS, ids=[f"{k[0]}-{k[1]}" for k in KINDS])
def test_a_bad_frame_is_logged_once_and_skipped_and_the_next_one_read(version, what, frame, msg_id, caplog):
    with caplog.at_level(logging.WARNING):
        events = read(after(version, 1), frame, after(version, 2), version=version)
    assert afters(events) == ["after 1", "after 2"], "an error event the user would take for TWS's"
    assert [e for e in events if not isinstance(e, ev.TwsMessage)] == [], "a broken message reached the blotter"
    [line] = warnings(caplog)
    assert line.startswith("skipped a message TWS sent that could not be read") and named(msg_id) in line


def test_a_field_a_newer_tws_added_is_ignored_as_ibapi_ignores_it(caplog):
    with caplog.at_level(logging.WARNING):
        [update] = read(proto(IN.ORDER_STATUS, good_status().SerializeToString() + field(15, 0, b"\x01")))
    assert isinstance(update, ev.StatusUpdate) and (update.order_id, update.status) == (12, "Filled")
    assert not warnings(caplog)


@pytest.mark.parametrize("version", [TEXT, PROTOBUF])
def test_invalid_utf8_in_a_text_field_of_a_text_frame_is_shown_escaped_as_ibapi_decodes_it(version, caplog):
    """ibapi reads text fields with errors="backslashreplace": the order's status is kept, not lost."""
    with caplog.at_level(logging.WARNING):
        [update] = read(text(version, IN.ORDER_STATUS, *status(state=b"Fil\xffled")), version=version)
    assert isinstance(update, ev.StatusUpdate) and update.status == "Fil\\xffled"
    assert not warnings(caplog)


# -- over a socket: the real Session against a fake TWS ----------------------------------------------------

class FakeTws:
    """A TWS of one server version on a loopback port: hand-shakes, answers START_API with the next valid
    id, writes what a test hands it, and reads (and drops) the client's requests. Counts connections."""

    def __init__(self, version: int) -> None:
        self.version = version
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.conn: socket.socket | None = None
        self.closed = threading.Event()  # the client closed the connection
        threading.Thread(target=self._serve, name="fake-tws", daemon=True).start()

    def _serve(self) -> None:
        conn, _ = self.listener.accept()
        self.connections += 1
        self.conn = conn
        with conn:
            assert self._take(conn, 4) == b"API\0"
            self._frame(conn)  # the versions the client speaks
            self.send(f"{self.version}\0".encode() + b"20261120 10:00:00 EST\0")
            self._frame(conn)  # START_API
            self.send(proto(IN.NEXT_VALID_ID, NextValidId(orderId=1000)) if self.version > TEXT
                      else text(self.version, IN.NEXT_VALID_ID, "1", "1000"))
            try:
                while self._frame(conn):  # the resync's requests: never answered here
                    pass
            except OSError:
                pass
        self.closed.set()

    @staticmethod
    def _take(conn: socket.socket, size: int) -> bytes:
        data = b""
        while len(data) < size:
            more = conn.recv(size - len(data))
            if not more:
                return b""
            data += more
        return data

    def _frame(self, conn: socket.socket) -> bytes:
        head = self._take(conn, 4)
        return self._take(conn, struct.unpack("!I", head)[0]) if head else b""

    def send(self, *frames: bytes) -> None:
        """The frames, length-prefixed, in one write."""
        assert self.conn is not None
        self.conn.sendall(b"".join(struct.pack("!I", len(f)) + f for f in frames))

    def stop(self) -> None:
        self.listener.close()


@pytest.fixture
def tws(request: pytest.FixtureRequest) -> Iterator[tuple[FakeTws, Session, Events]]:
    fake = FakeTws(request.param)
    events = Events()
    session = Session(SessionConfig(port=fake.port, client_id=1, connect_timeout=5, backoff_initial=0.05),
                      events.put)
    session.connect()
    yield fake, session, events
    session.stop()
    fake.stop()


@pytest.mark.parametrize("tws", [PROTOBUF, TEXT], indirect=True, ids=["226", "200"])
def test_every_bad_frame_over_the_socket_leaves_the_session_connected_and_later_frames_apply(tws, caplog):
    fake, session, events = tws
    bad = [(frame, msg_id) for version, _, frame, msg_id in KINDS if version == fake.version]
    caplog.set_level(logging.WARNING)
    frames = [f for n, (frame, _) in enumerate(bad, 1) for f in (frame, after(fake.version, n))]
    last = (proto(IN.ORDER_STATUS, good_status(orderId=13)) if fake.version > TEXT
            else text(TEXT, IN.ORDER_STATUS, *status("13")))
    fake.send(*frames, last)
    [update] = events.wait(ev.StatusUpdate, lambda e: e.order_id == 13)
    assert events.of(ev.StatusUpdate) == [update], "a broken status reached the blotter"
    assert (update.status, update.filled) == ("Filled", 100)
    assert afters(events.items) == [f"after {n}" for n in range(1, len(bad) + 1)]
    states = [e.state for e in events.of(ev.Connection)]
    assert states == [ev.ConnState.CONNECTING, ev.ConnState.CONNECTED], "the connection was dropped"
    assert session.client is not None and session.client.isConnected() and not fake.closed.is_set()
    assert fake.connections == 1
    lines = warnings(caplog)
    assert len(lines) == len(bad), "\n".join(lines)
    for line, (_, msg_id) in zip(lines, bad):
        assert named(msg_id) in line, line
