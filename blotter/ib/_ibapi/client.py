"""The EClient the blotter uses: ibapi's, with its own connect, a lean message loop, and no frame fatal.

ibapi 10.50.2's `EClient.connect` builds its Connection and its reader thread by module-global name
and waits for TWS's handshake for ever; `Client.connect` does the same handshake with a connection of
its own (a timeout on the TCP connect, blotter.ib._ibapi.connection), the linear reader
(`reader_type`), and all of it within the client's `timeout`. Nothing of ibapi's modules is touched.

ibapi's `EClient.run` passes messages through a `queue.Queue` (a Python-level lock on every put and
get) and builds the arguments of two debug log calls per message even when debug logging is off;
`Client.run` decodes the same messages in the same order through a `queue.SimpleQueue`.

A message that fails to decode is logged with its id and first fields and skipped; the session goes
on with the next one. An openOrder in text is read by blotter.ib._ibapi.open_order (the same objects
in half the time) unless it has a shape that reader leaves to ibapi's decoder.
"""

from __future__ import annotations

import logging
import queue
import socket
import time
from threading import Thread

from ibapi import comm
from ibapi.client import EClient
from ibapi.common import PROTOBUF_MSG_ID
from ibapi.const import MAX_MSG_LEN, NO_VALID_ID
from ibapi.decoder import Decoder
from ibapi.errors import BAD_LENGTH, CONNECT_FAIL
from ibapi.message import IN
from ibapi.server_versions import MAX_CLIENT_VER, MIN_CLIENT_VER, MIN_SERVER_VER_PROTOBUF
from ibapi.utils import BadMessage, currentTimeMillis
from ibapi.wrapper import EWrapper

from blotter.ib._ibapi.connection import TimedConnection
from blotter.ib._ibapi.open_order import Unusual, open_order
from blotter.ib._ibapi.reader import LinearReader, frames

log = logging.getLogger("blotter.ib")


class Client(EClient):
    """ibapi's EClient; connect, the message loop and decoding differ (see the module's docstring)."""

    reader_type: type[Thread] = LinearReader  # the reader thread each connection starts (a hook for measuring)

    def __init__(self, wrapper: EWrapper, timeout: float = 5.0) -> None:
        super().__init__(wrapper)
        self.msg_queue = queue.SimpleQueue()  # type: ignore[assignment]
        self.timeout = timeout
        self.failure = ""  # why the last connect failed, in a few words

    # -- connecting ---------------------------------------------------------------------------

    def connect(self, host: str, port: int, clientId: int) -> None:  # noqa: N803 (ibapi's name)
        """TCP connect, hand-shake and START_API as ibapi's connect does, all within `timeout` seconds."""
        deadline = time.monotonic() + self.timeout
        self.host, self.port, self.clientId = host or "127.0.0.1", port, clientId
        self.conn = conn = TimedConnection(self.host, self.port, self.timeout)
        conn.connect()
        if conn.failure:
            self._failed(conn.failure, report=True)
            return
        self.setConnState(EClient.CONNECTING)
        try:
            offer = f"v{MIN_CLIENT_VER}..{MAX_CLIENT_VER}" + (f" {self.connectOptions}" if self.connectOptions else "")
            conn.sendMsg(b"API\0" + comm.make_initial_msg(offer))
            version, conn_time = self._handshake(conn, deadline)
        except socket.timeout:
            self._failed(f"no handshake within {self.timeout:g}s")
            return
        except OSError as exc:
            self._failed((exc.strerror or str(exc)).lower(), report=True)
            return
        except EOFError:
            self._failed("TWS closed the connection during the handshake")
            return
        self.serverVersion_, self.connTime = version, conn_time
        self.decoder = Decoder(self.wrapper, version)
        self.setConnState(EClient.CONNECTED)
        self.reader = self.reader_type(conn, self.msg_queue)  # type: ignore[call-arg]
        self.reader.start()
        self.startApi()
        self.wrapper.connectAck()

    @staticmethod
    def _handshake(conn: TimedConnection, deadline: float) -> tuple[int, bytes]:
        """TWS's server version and connection time: the first frame of two fields (news may come first)."""
        sock, buf = conn.socket, bytearray()
        while True:
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
            data = sock.recv(4096)
            if not data:
                raise EOFError
            buf += data
            got, used = frames(buf)
            del buf[:used]
            for frame in got:
                fields = comm.read_fields(frame)
                if len(fields) == 2:
                    sock.settimeout(1)  # as ibapi's connection: the reader wakes each second
                    return int(fields[0]), fields[1]

    def _failed(self, why: str, report: bool = False) -> None:
        """Give up this connect; `report`: tell the wrapper, as ibapi does when the socket fails (502)."""
        self.failure = why
        if report:
            self.wrapper.error(NO_VALID_ID, currentTimeMillis(), CONNECT_FAIL.code(), CONNECT_FAIL.msg())
        self.disconnect()

    # -- the message loop ---------------------------------------------------------------------

    def run(self) -> None:
        """Decode every message the reader queued until the connection ends and the queue is empty."""
        messages = self.msg_queue
        try:
            while self.isConnected() or not messages.empty():
                try:
                    frame = messages.get(block=True, timeout=0.2)
                except queue.Empty:
                    self.msgLoopTmo()
                    continue
                if len(frame) > MAX_MSG_LEN:
                    self.wrapper.error(NO_VALID_ID, currentTimeMillis(), BAD_LENGTH.code(),
                                       f"{BAD_LENGTH.msg()}:{len(frame)}:{frame!r}")
                    break
                version = self.serverVersion()
                if version is None:  # the connection ended and ibapi forgot the version: nothing to decode with
                    log.info("dropped %d message(s) that arrived as the connection ended", messages.qsize() + 1)
                    break
                self._decode(frame, version)
                self.msgLoopRec()
        finally:
            self.disconnect()

    def _decode(self, text: bytes, version: int) -> None:
        msg_id = 0
        try:
            if version >= MIN_SERVER_VER_PROTOBUF:
                msg_id, text = int.from_bytes(text[:4], "big"), text[4:]
            else:
                cut = text.index(b"\0")
                msg_id, text = int(text[:cut]), text[cut + 1:]
            if msg_id > PROTOBUF_MSG_ID:
                self.decoder.processProtoBuf(text, msg_id - PROTOBUF_MSG_ID)
            elif msg_id == IN.OPEN_ORDER and text.isascii() and self._open_order(text, version):
                pass
            else:
                self.decoder.interpret(comm.read_fields(text), msg_id)
        except BadMessage:  # ibapi's decoder has already told the wrapper (error 320)
            log.warning("skipped a message TWS sent that ended early (id %s): %r", msg_id, text[:120])
        except Exception:
            log.warning("skipped a message TWS sent that could not be read (id %s): %r", msg_id, text[:120],
                        exc_info=True)

    def _open_order(self, payload: bytes, version: int) -> bool:
        """An openOrder read by blotter.ib._ibapi.open_order and handed on; False: leave it to ibapi's decoder."""
        try:
            decoded = open_order(payload.decode("ascii").split("\0")[:-1], version)  # as comm.read_fields splits
        except Unusual:
            return False
        self.wrapper.openOrder(*decoded)
        return True
