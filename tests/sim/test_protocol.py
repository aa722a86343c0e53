"""Handshake, versions, start-up messages, bad input and the message-rate limit."""

from __future__ import annotations

import logging
import socket
import struct

import pytest
from ibapi import client as ibapi_client
from ibapi.contract import Contract

from tests.ibclient import IBClient


def raw_connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    return sock


def read_frame(sock: socket.socket) -> list[str]:
    head = _read_exact(sock, 4)
    (size,) = struct.unpack("!I", head)
    return _read_exact(sock, size).decode()[:-1].split("\0")


def _read_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def handshake(sock: socket.socket, text: str) -> list[str]:
    body = text.encode()
    sock.sendall(b"API\0" + struct.pack("!I", len(body)) + body)
    return read_frame(sock)


def send_fields(sock: socket.socket, *fields: object) -> None:
    body = b"".join(str(f).encode() + b"\0" for f in fields)
    sock.sendall(struct.pack("!I", len(body)) + body)


def test_ibapi_range_negotiates_the_highest_common_version_and_gets_the_startup_messages(sim, connect):
    client = connect()
    assert client.serverVersion() == sim.config.max_version  # ibapi offers up to 226
    client.wait_for("error", lambda req, t, code, *r: code == 2158)
    names = [c[0] for c in client.calls() if c[0] in ("managedAccounts", "nextValidId", "error")]
    assert names[:2] == ["managedAccounts", "nextValidId"]
    assert client.args("managedAccounts")[0][0].startswith("DU")
    assert [e[2] for e in client.errors()] == [2104, 2106, 2158]
    assert client.connTime.decode().endswith(("EST", "EDT"))


def test_older_client_gets_178_and_decodes_everything_cleanly(sim, monkeypatch, caplog):
    monkeypatch.setattr(ibapi_client, "MIN_CLIENT_VER", 157)
    monkeypatch.setattr(ibapi_client, "MAX_CLIENT_VER", 178)
    caplog.set_level(logging.WARNING, logger="ibapi")
    client = IBClient().start(sim.port, 3)
    try:
        assert client.serverVersion() == 178
        c = Contract()
        c.symbol, c.secType, c.exchange, c.currency = "AAPL", "STK", "SMART", "USD"
        client.reqContractDetails(1, c)
        client.reqMktData(2, c, "", True, False, [])
        client.reqExecutions(3, __import__("ibapi.execution", fromlist=["ExecutionFilter"]).ExecutionFilter())
        client.wait_for("contractDetailsEnd")
        client.wait_for("tickSnapshotEnd")
        client.wait_for("execDetailsEnd")
        prices = {a[1]: a[2] for a in client.args("tickPrice") if a[0] == 2}
        assert 0 < prices[1] < prices[2]  # bid below ask
    finally:
        client.stop()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    assert all(e[2] in (2104, 2106, 2158) for e in client.errors())


def test_handshake_answers_version_and_time_then_waits_for_start_api(sim):
    with raw_connect(sim.port) as sock:
        version, when = handshake(sock, "v157..190 +PACEAPI")
        assert version == "190"
        date, clock, zone = when.split(" ")
        assert len(date) == 8 and len(clock) == 8 and zone in ("EST", "EDT")
        sock.settimeout(0.3)
        with pytest.raises(socket.timeout):
            sock.recv(1)  # nothing more until START_API
        sock.settimeout(5)
        send_fields(sock, 71, 2, 9, "")
        assert read_frame(sock)[0] == "15"  # managed accounts
        assert read_frame(sock)[:3] == ["9", "1", "1"]  # next valid id


@pytest.mark.parametrize("below", [True, False])
def test_client_range_outside_ours_is_told_and_closed(sim, below):
    top = sim.config.max_version
    with raw_connect(sim.port) as sock:
        reply = handshake(sock, "v100..150" if below else f"v{top + 1}..{top + 5}")
        assert reply[0] == "4" and f"v157..{top}" in reply[-1]
        assert sock.recv(1) == b""


@pytest.mark.parametrize("garbage", [
    b"GET / HTTP/1.1\r\n\r\n",  # not a TWS client at all
    b"API\0\x00\x00\x00\x05v1x.9",  # a version range that is not one
    b"API\0\xff\xff\xff\xff",  # an absurd frame length
])
def test_bad_handshake_closes_only_that_session(sim, connect, garbage):
    good = connect(1)
    with raw_connect(sim.port) as sock:
        sock.sendall(garbage)
        sock.settimeout(5)
        assert sock.recv(100) in (b"",)
    good.reqCurrentTime()
    good.wait_for("currentTime")


def test_garbage_after_start_api_closes_only_that_session(sim, connect):
    good = connect(1)
    with raw_connect(sim.port) as sock:
        handshake(sock, "v157..200")
        send_fields(sock, 71, 2, 8, "")
        read_frame(sock)
        send_fields(sock, 3, "not-an-order-id")  # a placeOrder that is not one
        sock.settimeout(5)
        while sock.recv(4096):
            pass  # drains what was queued, then the close
    sock.close()
    good.reqCurrentTime()
    good.wait_for("currentTime")


def test_truncated_frame_then_close_keeps_the_server_serving(sim, connect):
    with raw_connect(sim.port) as sock:
        handshake(sock, "v157..200")
        sock.sendall(struct.pack("!I", 100) + b"71\x002\x00")  # promises 100 bytes, sends 6
    client = connect(4)
    client.reqCurrentTime()
    client.wait_for("currentTime")


def test_unsupported_request_gets_an_error_not_silence(sim, connect):
    client = connect()
    c = Contract()
    c.symbol, c.secType, c.exchange, c.currency = "AAPL", "STK", "SMART", "USD"
    client.reqMktDepth(5, c, 5, False, [])
    client.wait_for("error", lambda req, t, code, msg, *r: "reqMktDepth" in msg)
    client.reqCurrentTime()
    client.wait_for("currentTime")


def test_second_session_with_same_client_id_is_refused(sim, connect):
    connect(1)
    with raw_connect(sim.port) as sock:
        handshake(sock, "v157..200")
        send_fields(sock, 71, 2, 1, "")
        reply = read_frame(sock)
        assert reply[0] == "4" and reply[2] == "326"  # v200: no version field; reqId, code, text, json, time


def test_message_rate_limit_answers_error_100_then_ends_the_session(sim):
    with raw_connect(sim.port) as sock:
        handshake(sock, "v157..200")
        send_fields(sock, 71, 2, 5, "")
        for _ in range(5):
            read_frame(sock)  # accounts, next id, three farm messages
        burst = b"".join(struct.pack("!I", 5) + b"49\x001\x00" for _ in range(200))
        sock.sendall(burst)  # reqCurrentTime, 200 at once, in one write (nothing left unread at the close)
        frames = []
        sock.settimeout(5)
        while True:
            try:
                frames.append(read_frame(sock))
            except ConnectionError:
                break
    errors = [f for f in frames if f[0] == "4"]
    times = [f for f in frames if f[0] == "49"]
    assert 49 <= len(times) < 200  # START_API was the first of the 50 admitted in that second
    assert [f[2] for f in errors] == ["100"] * 4  # answered each time, ended after the third repeat
    assert "max=50" in errors[0][3]
