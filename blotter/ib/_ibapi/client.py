"""The EClient the blotter uses: ibapi's, with its own connect, a lean message loop, and no frame fatal.

ibapi 10.50.2's `EClient.connect` builds its Connection and its reader thread by module-global name
and waits for TWS's handshake for ever; `Client.connect` does the same handshake with a connection of
its own (a timeout on the TCP connect, blotter.ib._ibapi.connection), the linear reader
(`reader_type`), and all of it within the client's `timeout`. Nothing of ibapi's modules is touched.

ibapi's `EClient.run` passes messages through a `queue.Queue` (a Python-level lock on every put and
get) and builds the arguments of two debug log calls per message even when debug logging is off;
`Client.run` decodes the same messages in the same order through a `queue.SimpleQueue`.

A frame TWS sends that cannot be read (too short, an unknown message id, a protobuf payload that is
truncated, has bad UTF-8 or a field in the wrong wire type, a number or decimal that is not one) is
logged once with its message id and skipped; the connection stays up and the next frame is read.
ibapi's decoder would call the wrapper's `error` with codes of its own (505, 508), which a user would
take for TWS's, and raise out of the loop, ending the connection: `_decode` looks the handler up in
the decoder's tables itself and calls it directly, so neither happens. An openOrder in text is read by
blotter.ib._ibapi.open_order (the same objects in half the time) unless it has a shape that reader
leaves to ibapi's decoder.
"""

from __future__ import annotations

import decimal
import logging
import queue
import socket
import time
from threading import Thread
from typing import Callable

from google.protobuf.message import DecodeError
from ibapi import comm
from ibapi.client import EClient
from ibapi.common import PROTOBUF_MSG_ID
from ibapi.const import NO_VALID_ID
from ibapi.decoder import Decoder
from ibapi.errors import CONNECT_FAIL
from ibapi.message import IN
from ibapi.server_versions import MAX_CLIENT_VER, MIN_CLIENT_VER, MIN_SERVER_VER_PROTOBUF
from ibapi.utils import BadMessage, currentTimeMillis
from ibapi.wrapper import EWrapper

from blotter.ib._ibapi.connection import TimedConnection
from blotter.ib._ibapi.open_order import Unusual, open_order
from blotter.ib._ibapi.reader import LinearReader, frames
from blotter.ib._ibapi.vet import Vetting

log = logging.getLogger("blotter.ib")

MESSAGE_NAMES = {value: name for name, value in vars(IN).items() if name.isupper() and isinstance(value, int)}


class BadFrame(ValueError):
    """A frame too short for its message id, or with an id (or a field count) no handler reads."""


# what a frame's own content raises: fields run out, a protobuf parse fails, a number or a decimal is
# not one (ValueError, decimal.InvalidOperation), bad UTF-8 or a wrong wire type (both ValueErrors)
UNREADABLE = (BadMessage, DecodeError, ValueError, ArithmeticError)


class Client(EClient):
    """ibapi's EClient; connect, the message loop and decoding differ (see the module's docstring)."""

    reader_type: Callable[..., Thread] = LinearReader  # the reader thread each connection starts (a hook for measuring)

    def __init__(self, wrapper: EWrapper, timeout: float = 5.0,
                 readers: dict[int, Callable[[bytes], bool]] | None = None) -> None:
        super().__init__(wrapper)
        self.readers = readers or {}  # protobuf message id -> a reader of its own (False: ibapi's after all)
        self.msg_queue: queue.SimpleQueue[bytes] = queue.SimpleQueue()  # ibapi's own is a Queue
        self.timeout = timeout
        self.failure = ""  # why the last connect failed, in a few words
        self._vetting = wrapper if isinstance(wrapper, Vetting) else None

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
        except ValueError:  # a server version that is no number
            self._failed("TWS's answer to the handshake could not be read")
            return
        self.serverVersion_, self.connTime = version, conn_time
        self.decoder = Decoder(self.wrapper, version)
        self.setConnState(EClient.CONNECTED)
        self.reader = self.reader_type(conn, self.msg_queue)
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
                version = self.serverVersion()
                if version is None:  # the connection ended and ibapi forgot the version: nothing to decode with
                    log.info("dropped %d message(s) that arrived as the connection ended", messages.qsize() + 1)
                    break
                self._decode(frame, version)
                self.msgLoopRec()
        finally:
            self.disconnect()

    def _decode(self, frame: bytes, version: int) -> None:
        """Hand one frame to its handler in ibapi's decoder; one that cannot be read is logged and skipped."""
        msg_id, protobuf = -1, False
        try:
            if version >= MIN_SERVER_VER_PROTOBUF:
                if len(frame) < 4:
                    raise BadFrame("shorter than its message id")
                msg_id, payload = int.from_bytes(frame[:4], "big"), frame[4:]
            else:
                cut = frame.index(b"\0")
                msg_id, payload = int(frame[:cut]), frame[cut + 1:]
            decoder = self.decoder
            if msg_id > PROTOBUF_MSG_ID:
                protobuf = True
                read = self.readers.get(msg_id - PROTOBUF_MSG_ID)
                if read is not None and read(payload):
                    return
                info = decoder.msgId2handleInfoProtoBuf.get(msg_id - PROTOBUF_MSG_ID)
                if info is None or info.processMeth is None:
                    raise BadFrame("no such message")
                if self._vetting is not None:
                    self._vetting.frame = payload
                info.processMeth(decoder, payload)
            elif msg_id == IN.OPEN_ORDER and payload.isascii() and self._open_order(payload, version):
                pass
            else:
                self._interpret(decoder, msg_id, comm.read_fields(payload))
        except UNREADABLE as exc:
            self._skipped(msg_id, protobuf, frame, exc, trace=False)
        except Exception as exc:  # not the frame's fault, maybe; the traceback says where
            self._skipped(msg_id, protobuf, frame, exc, trace=True)

    @staticmethod
    def _interpret(decoder: Decoder, msg_id: int, fields: tuple[bytes, ...]) -> None:
        """Decoder.interpret without its error callbacks: what it would report raises instead."""
        info = decoder.msgId2handleInfo.get(msg_id)
        if info is None:
            raise BadFrame("no such message")
        if info.wrapperMeth is not None:  # read by the wrapper method's signature, one field a parameter
            if info.wrapperParams is None or len(fields) != len(info.wrapperParams):
                raise BadFrame(f"{len(fields)} fields where the message has {len(info.wrapperParams or ())}")
            decoder.interpretWithSignature(fields, info)
        elif info.processMeth is not None:
            info.processMeth(decoder, iter(fields))

    def _open_order(self, payload: bytes, version: int) -> bool:
        """An openOrder read by blotter.ib._ibapi.open_order and handed on; False: leave it to ibapi's decoder."""
        try:
            decoded = open_order(payload.decode("ascii").split("\0")[:-1], version)  # as comm.read_fields splits
        except Unusual:
            return False
        self.wrapper.openOrder(*decoded)
        return True

    @staticmethod
    def _skipped(msg_id: int, protobuf: bool, frame: bytes, exc: Exception, trace: bool) -> None:
        """One log line: the frame's message id (and what it would be), why, and how it began."""
        if msg_id < 0:
            which = "no readable message id"
        else:
            name = MESSAGE_NAMES.get(msg_id - PROTOBUF_MSG_ID if protobuf else msg_id, "unknown")
            which = f"message id {msg_id} ({name}{', protobuf' if protobuf else ''})"
        detail = "a decimal that is not a number" if isinstance(exc, decimal.InvalidOperation) else str(exc)
        why = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
        log.warning("skipped a message TWS sent that could not be read: %s, %s; %r", which, why, frame[:120],
                    exc_info=trace)

