"""Feed frames to IB's own decoder (ibapi) at a given server version and record what it calls.

Used by the simulator's tests to check that every frame it writes is read by the real client with
every field consumed: no more, no fewer.
"""

from __future__ import annotations

from typing import Any

from ibapi.decoder import Decoder
from ibapi.wrapper import EWrapper


class RecordingWrapper(EWrapper):
    """An EWrapper that records every callback as (name, args)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, tuple[Any, ...]]] = []


def _recorder(name: str):
    def method(self: RecordingWrapper, *args: Any) -> None:
        self.calls.append((name, args))

    method.__name__ = name
    return method


for _name in dir(EWrapper):
    if not _name.startswith("_") and callable(getattr(EWrapper, _name)) and _name != "logAnswer":
        setattr(RecordingWrapper, _name, _recorder(_name))


class _Counting:
    """An iterator over fields that counts what the decoder took."""

    def __init__(self, fields: list[bytes]) -> None:
        self.fields = fields
        self.taken = 0

    def __iter__(self) -> "_Counting":
        return self

    def __next__(self) -> bytes:
        if self.taken >= len(self.fields):
            raise AssertionError(f"decoder wanted field {self.taken + 1} of a {len(self.fields)}-field message")
        self.taken += 1
        return self.fields[self.taken - 1]


def decode(version: int, fields: list[str]) -> list[tuple[str, tuple[Any, ...]]]:
    """Decode one message (fields including the message id) with ibapi at `version`.

    Returns the wrapper calls made. Raises AssertionError if the decoder did not consume exactly
    every field, or reported an error about the message itself.
    """
    wrapper = RecordingWrapper()
    decoder = Decoder(wrapper, version)
    msg_id = int(fields[0])
    body = [f.encode("ascii") for f in fields[1:]]
    info = decoder.msgId2handleInfo.get(msg_id)
    assert info is not None, f"ibapi has no decoder for message id {msg_id}"
    if info.processMeth is not None:
        counting = _Counting(body)
        info.processMeth(decoder, counting)
        assert counting.taken == len(body), (
            f"msg {msg_id} at v{version}: decoder took {counting.taken} of {len(body)} fields"
        )
    else:
        decoder.interpret(tuple(body), msg_id)
        assert wrapper.calls, f"msg {msg_id} at v{version}: field count does not match {info.wrapperMeth}"
    bad = [c for c in wrapper.calls if c[0] == "error" and c[1][2] in (320, 321, 322, 505, 10029)]
    assert not bad, f"decoder complained: {bad}"
    return wrapper.calls
