"""A linear framing reader thread in place of ibapi's EReader, which is quadratic under a burst.

ibapi 10.50.2's EReader appends 4 KB reads to one `bytes` object until a read comes back short, then
re-slices the rest of that object after every message: a burst of 20,000 fills takes minutes to
frame. LinearReader reads the socket into one bytearray, cuts every complete length-prefixed frame
out of it in a single pass, and puts each payload on the client's msg_queue exactly as EReader does
(the same bytes, in the same order), so EClient.run and the decoder see no difference.

The blotter's Client starts one per connection; IB's own EClient builds `ibapi.reader.EReader` by
name, and gets this one only through blotter.ib._ibapi.install_reader_for_ibapi() (benchmarks).
It decodes nothing, so no frame's content can end it; a length prefix above any message's
(MAX_MSG_LEN) means the stream is out of step, and only a new connection can mend that.
"""

from __future__ import annotations

import logging
import socket
import struct
from typing import Any

from ibapi import reader as ibapi_reader
from ibapi.const import MAX_MSG_LEN

log = logging.getLogger("blotter.ib")

_LEN = struct.Struct("!I")
READ_SIZE = 1 << 16  # bytes a recv asks for: a burst is read in a few large reads, not many 4 KB ones


def frames(buf: bytearray) -> tuple[list[bytes], int]:
    """The complete length-prefixed frames at the start of `buf` (payloads only), and the bytes they used.

    A zero-length frame carries nothing and is skipped (ibapi's reader would wait on it for ever).
    It stops at a length above MAX_MSG_LEN, which no frame has (see `out_of_step`).
    """
    out: list[bytes] = []
    pos, end = 0, len(buf)
    view = memoryview(buf)
    try:
        while end - pos >= 4:
            (size,) = _LEN.unpack_from(buf, pos)
            stop = pos + 4 + size
            if stop > end or size > MAX_MSG_LEN:
                break
            if size:
                out.append(bytes(view[pos + 4:stop]))
            pos = stop
    finally:
        view.release()  # a bytearray with a live view cannot be resized
    return out, pos


def out_of_step(rest: bytearray) -> bool:
    """Whether what `frames` left starts with a length no frame has: the stream lost its framing."""
    return len(rest) >= 4 and _LEN.unpack_from(rest)[0] > MAX_MSG_LEN


class LinearReader(ibapi_reader.EReader):
    """ibapi's EReader with linear framing: one bytearray, consumed from the front once per read."""

    def __init__(self, conn: Any, msg_queue: Any) -> None:
        super().__init__(conn, msg_queue)
        self.name = "ibapi-reader"
        self.daemon = True

    def received(self, messages: list[bytes]) -> None:
        """Hand the messages of one read on, in order, to EClient.run (a hook for measuring)."""
        put = self.msg_queue.put
        for message in messages:
            put(message)

    def run(self) -> None:
        conn = self.conn
        buf = bytearray()
        try:
            while conn.isConnected():
                sock = conn.socket
                if sock is None:
                    break
                try:
                    data = sock.recv(READ_SIZE)
                except socket.timeout:
                    continue
                except OSError:  # reset, or closed under us by disconnect()
                    conn.disconnect()
                    break
                if not data:  # TWS closed the connection
                    conn.disconnect()
                    break
                buf += data
                messages, used = frames(buf)
                if used:
                    del buf[:used]
                    self.received(messages)
                if out_of_step(buf):
                    log.warning("TWS sent a frame length of %d bytes, more than any message: the stream is out "
                                "of step; closing the connection (the session reconnects)", _LEN.unpack_from(buf)[0])
                    conn.disconnect()
                    break
        except Exception:
            log.exception("unhandled exception in the ibapi reader thread")
            conn.disconnect()

