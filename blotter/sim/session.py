"""One client connection to the simulated TWS: handshake, message-rate limit, and frame I/O.

The session owns the socket. It reads frames, holds the negotiated server version and client id,
and hands decoded requests to its `Host` (the server). Bad input (garbage, a truncated frame, a wrong
handshake) ends this session with a logged reason and never touches the others.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from dataclasses import field
from typing import Callable, Iterable, Protocol

from blotter.records import record
from blotter.sim import versions
from blotter.sim.config import SimConfig
from blotter.sim.frames import Incoming, Message, frame_message, read_payload
from blotter.sim.record import Recorder
from blotter.sim.wire import WireError, frame, take_frame

log = logging.getLogger("blotter.sim")

START_API = 71
READ_CHUNK = 1 << 16


class SessionClosed(Exception):
    """The session is over (peer gone, bad input, or told to close)."""


@record
class RateLimit:
    """TWS's incoming message limit: at most `per_second` messages in any one second."""

    per_second: int = 50
    max_violations: int = 3
    times: collections.deque[float] = field(default_factory=collections.deque)
    violations: int = 0

    def admit(self, now: float) -> int | None:
        """None if the message is within the limit, else how many arrived in the last second."""
        while self.times and now - self.times[0] >= 1.0:
            self.times.popleft()
        if len(self.times) >= self.per_second:
            self.violations += 1
            return len(self.times) + 1
        self.times.append(now)
        return None


class Host(Protocol):
    """What a session needs of the server it belongs to (a protocol, so this module never names the server)."""

    config: SimConfig  # read for the rate limit, the delay and the highest version
    recorder: Recorder

    def handle(self, session: Session, incoming: Incoming) -> None: ...

    def rate_violation(self, session: Session, received: int) -> None: ...

    def forget(self, session: Session) -> None: ...

    def connection_time(self) -> str: ...


class Session:
    """A connected client, from handshake to close."""

    def __init__(self, host: Host, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 number: int) -> None:
        self.host = host
        self.reader = reader
        self.writer = writer
        self.number = number
        self.peer = writer.get_extra_info("peername")
        self.version = 0
        self.client_id: int | None = None  # set by START_API
        self.optional_capabilities = ""
        self.auto_bind = False
        self.market_data_type = 1
        self.subscriptions: dict[int, int] = {}  # reqId -> conId
        self.pnl_streams: dict[int, tuple[str, int | None]] = {}  # reqId -> (account, conId or None: the account's)
        self.summary_streams: dict[int, str] = {}  # reqAccountSummary's reqId -> its tags, sent again every 3 min
        # subscriptions that positions changed by a fill are pushed to
        self.positions_stream = False  # reqPositions, until cancelPositions
        self.position_multi_streams: dict[int, tuple[str, str]] = {}  # reqId -> (account, model code)
        self.account_stream: str | None = None  # the account of reqAccountUpdates
        self.rate = RateLimit(host.config.rate_limit, host.config.max_rate_violations)
        self._buf = bytearray()
        self._delayed: asyncio.Queue[tuple[float, bytes]] | None = None
        self.closed = False

    # -- output ------------------------------------------------------------------------------

    def send(self, message: Message) -> None:
        """Queue one message to the client (after the host's configured delay, if any)."""
        if self.closed:
            return
        self.host.recorder.sent(self, message)
        self._write(frame_message(self.version, message))

    def send_many(self, messages: Iterable[Message]) -> None:
        """Queue several messages, in order, with one socket write (a burst, as in the flood).

        Each message is framed as it comes, so a generator of messages never holds them all.
        """
        if self.closed:
            return
        recorder, version = self.host.recorder, self.version
        chunks: list[bytes] = []
        for message in messages:
            recorder.sent(self, message)
            chunks.append(frame_message(version, message))
        if chunks:
            self._write(b"".join(chunks))

    def _write(self, data: bytes) -> None:
        """Write now, or after the configured delay (and behind anything still held back)."""
        delay = self.host.config.delay
        if delay > 0 or (self._delayed is not None and not self._delayed.empty()):
            if self._delayed is None:
                self._delayed = asyncio.Queue()
                asyncio.get_running_loop().create_task(self._drain_delayed())
            self._delayed.put_nowait((time.monotonic() + delay, data))
        else:
            self.writer.write(data)

    def send_raw(self, data: bytes) -> None:
        if not self.closed:
            self.writer.write(data)

    async def _drain_delayed(self) -> None:
        assert self._delayed is not None
        while not self.closed:
            due, data = await self._delayed.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if not self.closed:
                self.writer.write(data)

    def close(self, reason: str) -> None:
        if self.closed:
            return
        self.closed = True
        log.info("session %d (client %s, %s) closed: %s", self.number, self.client_id, self.peer, reason)
        self.writer.close()

    # -- input -------------------------------------------------------------------------------

    async def _read_more(self) -> None:
        chunk = await self.reader.read(READ_CHUNK)
        if not chunk:
            raise SessionClosed("peer closed the connection")
        self._buf += chunk

    async def _next_frame(self) -> bytes:
        while True:
            payload = take_frame(self._buf)
            if payload is not None:
                return payload
            await self._read_more()

    async def handshake(self) -> None:
        """Read `API\\0` + `vMIN..MAX[ options]`; answer the version and connection time."""
        while len(self._buf) < 4:
            await self._read_more()
        if bytes(self._buf[:4]) != b"API\0":
            raise WireError(f"bad handshake prefix {bytes(self._buf[:4])!r}")
        del self._buf[:4]
        text = (await self._next_frame()).decode("ascii", "replace")
        spec, _, options = text.partition(" ")
        try:
            if not spec.startswith("v"):
                raise ValueError
            low, _, high = spec[1:].partition("..")
            client_min, client_max = int(low), int(high or low)
        except ValueError:
            raise WireError(f"bad version range {text!r}") from None
        highest = self.host.config.max_version
        version = versions.negotiate(client_min, client_max, highest)
        if version is None:
            self.send_raw(frame(["4", "2", "-1", "503",
                                 f"The TWS is out of date and must be upgraded. Client supports "
                                 f"v{client_min}..{client_max}; this TWS speaks v{versions.MIN_SUPPORTED}"
                                 f"..{highest}."]))
            raise SessionClosed(f"client range v{client_min}..{client_max} does not meet ours")
        self.version = version
        self.connect_options = options
        self.send_raw(frame([str(version), self.host.connection_time()]))
        log.info("session %d: %s handshake v%d..%d -> %d %s", self.number, self.peer, client_min,
                 client_max, version, options)

    async def serve(self) -> None:
        """The session's life: handshake, then requests until the client goes or breaks a rule."""
        try:
            await self.handshake()
            while not self.closed:
                payload = await self._next_frame()
                incoming = read_payload(self.version, payload)
                if self.client_id is None and incoming.msg_id != START_API:
                    log.info("session %d: message %d before START_API ignored", self.number, incoming.msg_id)
                    continue
                over = self.rate.admit(time.monotonic())
                if over is not None:
                    self.host.rate_violation(self, over)
                    if self.rate.violations > self.rate.max_violations:
                        raise SessionClosed("message rate limit broken repeatedly")
                    continue
                self.host.handle(self, incoming)
                await self.writer.drain()
        except WireError as exc:
            log.warning("session %d (%s): bad input, closing: %s", self.number, self.peer, exc)
        except (SessionClosed, ConnectionError, asyncio.IncompleteReadError) as exc:
            log.info("session %d (%s): %s", self.number, self.peer, exc)
        finally:
            self.close("end of session")
            self.host.forget(self)


# how a handler answers a session with a TWS error: (session, request id, (code, text)), stamped by the server
ErrorReply = Callable[[Session, int, tuple[int, str]], None]
