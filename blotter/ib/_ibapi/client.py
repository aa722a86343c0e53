"""The EClient the blotter uses: ibapi's, with a lean message loop that skips what it cannot read.

ibapi 10.50.2's `EClient.run` passes messages from its reader through a `queue.Queue` (a Python-level
lock and condition on every put and get) and, for every message, builds the arguments of two debug
log calls (the queue's size among them) even when debug logging is off: together about a tenth of
the decoding thread's time in a flood. A message it cannot decode (a field that is not a number
where one belongs) raises out of the loop, which ends the connection.

`Client.run` decodes the same messages in the same order with the same decoder; the queue is a
`queue.SimpleQueue` (the same methods, implemented in C). A message that fails to decode is logged
with its id and first fields and skipped; the session goes on with the next one. An openOrder is read
by blotter.ib.open_order (the same objects in half the time) unless it has a shape that
reader leaves to ibapi's decoder.
"""

from __future__ import annotations

import logging
import queue

from ibapi import comm
from ibapi.client import EClient
from ibapi.common import PROTOBUF_MSG_ID
from ibapi.const import MAX_MSG_LEN, NO_VALID_ID
from ibapi.errors import BAD_LENGTH
from ibapi.message import IN
from ibapi.server_versions import MIN_SERVER_VER_PROTOBUF
from ibapi.utils import BadMessage, currentTimeMillis
from ibapi.wrapper import EWrapper

from blotter.ib.open_order import Unusual, open_order

log = logging.getLogger("blotter.ib")


class Client(EClient):
    """ibapi's EClient; only the message loop differs (see the module's docstring)."""

    def __init__(self, wrapper: EWrapper) -> None:
        super().__init__(wrapper)
        self.msg_queue = queue.SimpleQueue()  # type: ignore[assignment]

    def run(self) -> None:
        """Decode every message the reader queued until the connection ends and the queue is empty."""
        messages = self.msg_queue
        try:
            while self.isConnected() or not messages.empty():
                try:
                    text = messages.get(block=True, timeout=0.2)
                except queue.Empty:
                    self.msgLoopTmo()
                    continue
                if len(text) > MAX_MSG_LEN:
                    self.wrapper.error(NO_VALID_ID, currentTimeMillis(), BAD_LENGTH.code(),
                                       f"{BAD_LENGTH.msg()}:{len(text)}:{text!r}")
                    break
                version = self.serverVersion()
                if version is None:  # the connection ended and ibapi forgot the version: nothing to decode with
                    log.info("dropped %d message(s) that arrived as the connection ended", messages.qsize() + 1)
                    break
                self._decode(text, version)
                self.msgLoopRec()
        finally:
            self.disconnect()

    def _open_order(self, text: bytes, version: int) -> bool:
        """An openOrder read by blotter.ib.open_order and handed on; False: leave it to ibapi's decoder."""
        try:
            decoded = open_order(text.decode("ascii").split("\0")[:-1], version)  # as comm.read_fields splits
        except Unusual:
            return False
        self.wrapper.openOrder(*decoded)
        return True

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
