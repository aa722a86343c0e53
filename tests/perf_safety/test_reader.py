"""The linear reader frames exactly what ibapi's EReader would: every message, whole, in order.

Functional checks only; how fast it is, is measured in bench/throughput.py and bench/sim_flood.py.
"""

from __future__ import annotations

import queue
import random
import socket
import struct
import threading

import pytest
from ibapi import reader as ibapi_reader
from ibapi.const import MAX_MSG_LEN

from blotter.ib import _ibapi
from blotter.ib._ibapi.reader import LinearReader, frames


def frame(payload: bytes) -> bytes:
    return struct.pack("!I", len(payload)) + payload


def payloads(n: int, rng: random.Random) -> list[bytes]:
    """Messages like TWS's: a numeric id, NUL-terminated fields, sizes from a few bytes to 70 KB."""
    out = []
    for i in range(n):
        size = rng.choice((1, 3, 17, 200, 4093, 4096, 4100, 70_000)) if i % 7 == 0 else rng.randint(5, 400)
        body = f"{i}\0".encode() + bytes(rng.randrange(1, 256) for _ in range(size))
        out.append(body)
    return out


class FakeConn:
    """What the reader uses of ibapi's Connection: socket, isConnected(), disconnect()."""

    def __init__(self, sock: socket.socket) -> None:
        self.socket: socket.socket | None = sock
        self.closed = threading.Event()

    def isConnected(self) -> bool:  # noqa: N802 (ibapi's name)
        return self.socket is not None

    def disconnect(self) -> None:
        if self.socket is not None:
            self.socket.close()
            self.socket = None
        self.closed.set()


def pieces(data: bytes, rng: random.Random) -> list[bytes]:
    """The stream cut at awkward places: inside length prefixes, single bytes, and large lumps."""
    cuts, pos = [], 0
    while pos < len(data):
        step = rng.choice((1, 2, 3, 5, 4095, 4096, 4097, 65_537, 300_000))
        cuts.append(data[pos:pos + step])
        pos += step
    return cuts


def run_reader(chunks: list[bytes]) -> list[bytes]:
    """Send the chunks through a real socket pair to a LinearReader; return what it queued."""
    ours, theirs = socket.socketpair()
    ours.settimeout(1)
    conn = FakeConn(ours)
    q: queue.Queue[bytes] = queue.Queue()
    thread = LinearReader(conn, q)
    thread.start()
    with theirs:
        for chunk in chunks:
            theirs.sendall(chunk)
    assert conn.closed.wait(30), "the reader did not see the connection close"
    thread.join(10)
    assert not thread.is_alive()
    got = []
    while not q.empty():
        got.append(q.get_nowait())
    return got


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_burst_split_at_awkward_boundaries_arrives_whole_and_in_order(seed: int) -> None:
    rng = random.Random(seed)
    sent = payloads(3_000, rng)
    stream = b"".join(frame(p) for p in sent)
    assert run_reader(pieces(stream, rng)) == sent


def test_one_byte_at_a_time() -> None:
    sent = [b"4\x002\x00-1\x00", b"9\x001\x00123\x00", b"x" * 5000]
    stream = b"".join(frame(p) for p in sent)
    assert run_reader([stream[i:i + 1] for i in range(len(stream))]) == sent


def test_a_partial_frame_at_the_end_is_held_not_queued() -> None:
    whole = frame(b"3\x00done\x00")
    assert run_reader([whole, frame(b"5\x00cut short\x00")[:9]]) == [b"3\x00done\x00"]


def test_frames_takes_complete_frames_only_and_skips_empty_ones() -> None:
    buf = bytearray(frame(b"a") + frame(b"") + frame(b"bc") + frame(b"def")[:5])
    got, used = frames(buf)
    assert got == [b"a", b"bc"]
    assert used == len(frame(b"a") + frame(b"") + frame(b"bc"))
    del buf[:used]  # the caller can shrink the buffer: no view is left on it
    assert bytes(buf) == frame(b"def")[:5]


def test_a_length_no_message_has_ends_the_connection_and_nothing_after_it_is_queued(caplog) -> None:
    """The stream is out of step (what follows is not a frame): only a new connection mends it."""
    whole = frame(b"3\x00done\x00")
    out_of_step = struct.pack("!I", MAX_MSG_LEN + 1) + b"\x00" * 64
    assert frames(bytearray(whole + out_of_step)) == ([b"3\x00done\x00"], len(whole))
    assert run_reader([whole + out_of_step + frame(b"4\x00after\x00")]) == [b"3\x00done\x00"]
    assert "out of step" in caplog.text


def test_ibapi_builds_the_linear_reader_when_asked_and_a_flood_arrives_complete() -> None:
    """IB's own client against the simulator's flood: every message decoded once, in order."""
    from tests.conftest import make_sim
    from tests.ibclient import IBClient

    fills = 1_500
    sim = make_sim(scenario="flood", flood_fills=fills)
    client = IBClient()
    try:
        with _ibapi.installed(reader_for_ibapi=True):
            assert ibapi_reader.EReader is LinearReader
            client.start(sim.port, 1)
        assert isinstance(client.reader, LinearReader)
        client.wait_for("commissionAndFeesReport", count=fills, timeout=120)
        client.wait_for("execDetails", lambda req, c, e: req == -1, count=fills, timeout=120)
        ids = [e.execId for _, c, e in client.args("execDetails")]
        assert len(ids) == len(set(ids)) == fills
        reports = [r.execId for (r,) in client.args("commissionAndFeesReport")]
        assert reports == ids  # the simulator sends each report right after its execution
    finally:
        client.stop()
        sim.stop()
