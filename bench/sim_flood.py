"""How fast the simulated TWS sends the fill flood, and how fast IB's own client decodes it.

Starts `blotter-sim --port 0 --scenario flood --fills N --max-version V` in a subprocess and connects
one client, which gets 4*N flood messages (execDetails, openOrder, orderStatus, commission report) right
after START_API: text at V <= 200, from 201 with 4-byte message ids and more and more of them protobuf
(all four from 211). For each version asked (--versions, 226 and 200 by default) two runs, each on a
fresh simulator, each timed from the first flood message to the last:

- a raw socket client that only splits frames and counts them: the rate the simulator sends;
- a bare ibapi EClient / EWrapper that decodes every message and drops it: the rate the real client
  decodes.

ibapi 10.50.2's EReader thread is quadratic in the size of a burst that arrives faster than it reads
(it appends 4 KB reads to one bytes object until a short read, then re-slices the rest of that object
after every message): a flood of 20,000 fills takes minutes to frame. By default the bench gives the
reader a linear framing loop that queues exactly the same message bytes, so the figure is ibapi's
decoder (EClient.run -> Decoder.interpret -> EWrapper); `--stock-reader` keeps ibapi's own.

Prints one JSON object. Figures, never assertions: run it on the machine you care about.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import struct
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402  (bench/ is not a package)
from _common import bare_decode, use_linear_reader  # noqa: E402

from blotter.sim import proto, versions  # noqa: E402

FLOOD_IDS = {3, 5, 11, 59}  # orderStatus, openOrder, execDetails, commission report
START_API = 71
VERSIONS = (226, 200)
CLIENT_ID = 1
TIMEOUT = 600.0  # seconds a run waits (for data, or for the last callback) before it gives up
_LEN = struct.Struct("!I")


@contextmanager
def simulator(fills: int, version: int) -> Iterator[tuple[str, int]]:
    """A fresh `blotter-sim` subprocess in the flood scenario speaking at most `version`; yields (host, port)."""
    with _common.simulator("--scenario", "flood", "--fills", str(fills), "--max-version", str(version)) as (
            host, port, _):
        yield host, port


def _start_api(version: int) -> bytes:
    """START_API as ibapi 10.50.2 sends it at `version`: text, text after a 4-byte id, or protobuf."""
    if versions.reads_protobuf(version, START_API):
        payload = struct.pack("!I", START_API + versions.PROTOBUF_ID_OFFSET) + proto.encode(
            "StartApiRequest", {"clientId": CLIENT_ID})
    else:
        text = f"2\0{CLIENT_ID}\0\0".encode("ascii")
        payload = struct.pack("!I", START_API) + text if version >= versions.PROTOBUF else b"71\0" + text
    return _LEN.pack(len(payload)) + payload


def _message_id(version: int, buf: bytearray, start: int) -> int:
    """The message id of the frame payload at `start`: text before 201, 4 bytes (protobuf: + 200) after."""
    if version < versions.PROTOBUF:
        return int(buf[start:buf.index(0, start)])
    (msg_id,) = struct.unpack_from("!I", buf, start)
    return msg_id - versions.PROTOBUF_ID_OFFSET if msg_id > versions.PROTOBUF_ID_OFFSET else msg_id


def raw_send_rate(host: str, port: int, fills: int) -> tuple[int, float]:
    """(server version, messages per second the simulator sends): frames split and counted, nothing decoded.

    The client offers what ibapi 10.50.2 offers (v100..226); the simulator answers with its pinned
    version. Counted from the first read that holds a flood message to the read that completes the
    flood; the messages of that first read arrived before the clock started, so they are not counted.
    """
    want = 4 * fills
    with socket.create_connection((host, port)) as sock:
        sock.settimeout(TIMEOUT)
        offer = f"v100..{versions.MAX_SUPPORTED}".encode("ascii")
        sock.sendall(b"API\0" + _LEN.pack(len(offer)) + offer)
        buf = bytearray()
        version = 0  # until the handshake reply (server version, connection time) comes
        count = before_clock = 0
        first = last = 0.0
        while count < want:
            chunk = sock.recv(1 << 20)
            if not chunk:
                raise RuntimeError(f"simulator closed the connection after {count} of {want} flood messages")
            last = time.perf_counter()
            buf += chunk
            pos, end = 0, len(buf)
            while end - pos >= 4:
                (size,) = _LEN.unpack_from(buf, pos)
                stop = pos + 4 + size
                if stop > end:
                    break
                if not version:  # the version / connection-time reply is not a message
                    version = int(buf[pos + 4 : buf.index(0, pos + 4)])
                    sock.sendall(_start_api(version))
                elif _message_id(version, buf, pos + 4) in FLOOD_IDS:
                    count += 1
                pos = stop
            del buf[:pos]
            if count and not first:
                first, before_clock = last, count
    return version, (want - before_clock) / (last - first)


def ibapi_decode_rate(host: str, port: int, fills: int, stock_reader: bool = False) -> float:
    """Messages per second a bare ibapi client decodes (callbacks counted, values dropped)."""
    use_linear_reader(not stock_reader)
    want = 4 * fills
    first, last = bare_decode(host, port, want, CLIENT_ID)
    return (want - 1) / (last - first)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fills", type=int, default=50_000, help="fills per client (4 messages each); default 50000")
    p.add_argument("--stock-reader", action="store_true",
                   help="keep ibapi's own EReader framing (quadratic in the burst: use a small --fills)")
    p.add_argument("--versions", default=",".join(map(str, VERSIONS)), metavar="V,V...",
                   help=f"server versions to pin the simulator at (--max-version), each measured apart; "
                        f"default {','.join(map(str, VERSIONS))}")
    args = p.parse_args(argv)
    figures = {}
    for pinned in (int(x) for x in args.versions.split(",")):
        with simulator(args.fills, pinned) as (host, port):
            version, sent = raw_send_rate(host, port, args.fills)
        if version != pinned:
            raise RuntimeError(f"the simulator pinned at {pinned} spoke {version}")
        with simulator(args.fills, pinned) as (host, port):
            decoded = ibapi_decode_rate(host, port, args.fills, stock_reader=args.stock_reader)
        figures[str(version)] = {
            "sim_send_msgs_per_s": round(sent),
            "ibapi_decode_msgs_per_s": round(decoded),
            "ratio_sim_over_ibapi": round(sent / decoded, 2),
        }
    print(json.dumps({
        "fills": args.fills,
        "by_server_version": figures,
        "ibapi_reader": "stock" if args.stock_reader else "linear",
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
