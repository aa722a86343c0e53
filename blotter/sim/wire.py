"""TWS wire format: length-prefixed frames of NUL-terminated text fields, and field formatting.

A frame is a 4-byte big-endian length followed by that many bytes; its payload is a run of fields,
each ended by a NUL. The first frame a client sends is `API\\0` followed by one such frame holding
`vMIN..MAX` (optionally followed by a space and connect options).
"""

from __future__ import annotations

import math
import struct
from decimal import Decimal
import builtins
from typing import Iterable

UNSET_INT = 2147483647
UNSET_LONG = 9223372036854775807
UNSET_DOUBLE_TEXT = "1.7976931348623157E308"
INFINITY_TEXT = "Infinity"
MAX_FRAME = 0xFFFFFF  # TWS refuses frames above 16 MB; so do we

_LEN = struct.Struct("!I")


class WireError(ValueError):
    """The bytes a client sent are not a TWS frame (bad length, bad prefix, bad field)."""


def frame(fields: Iterable[object]) -> bytes:
    """Encode already-formatted fields (see `fmt`) into one length-prefixed frame.

    One join and one encode per message, not one per field: this is the simulator's hottest path.
    Encoders return text already; anything else is passed through str().
    """
    parts = fields if isinstance(fields, (list, tuple)) else list(fields)
    try:
        text = "\0".join(parts)  # type: ignore[arg-type]
    except TypeError:
        text = "\0".join(map(str, parts))
    payload = (text + "\0").encode("ascii", "replace")
    return _LEN.pack(len(payload)) + payload


def split_fields(payload: bytes) -> list[str]:
    """The text fields of a frame's payload (the trailing NUL ends the last field)."""
    if not payload.endswith(b"\0"):
        raise WireError("frame does not end with a NUL field terminator")
    try:
        return payload[:-1].decode("ascii").split("\0")
    except UnicodeDecodeError as exc:
        raise WireError(f"non-ASCII bytes in frame: {exc}") from None


def take_frame(buf: bytearray) -> bytes | None:
    """Remove and return one complete frame's payload from `buf`, or None when more bytes are needed."""
    if len(buf) < 4:
        return None
    (size,) = _LEN.unpack_from(buf)
    if size == 0 or size > MAX_FRAME:
        raise WireError(f"bad frame length {size}")
    if len(buf) < 4 + size:
        return None
    payload = bytes(buf[4 : 4 + size])
    del buf[: 4 + size]
    return payload


def fmt(value: object) -> str:
    """Format one value as TWS writes it.

    None -> "" (an unset optional); bool -> "1"/"0"; float -> shortest repr ("0.0", "144.8"), with
    the unset double written as TWS writes it; Decimal -> plain digits with no exponent.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value == math.inf:
            return INFINITY_TEXT
        if value >= 1.7976931348623157e308:
            return UNSET_DOUBLE_TEXT
        return repr(value)
    if isinstance(value, Decimal):
        return fmt_decimal(value)
    return str(value)


def fmt_decimal(value: Decimal) -> str:
    """Decimal as plain text, no exponent, no trailing zeros after the point ("100", "0.5")."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def fmt_opt_float(value: float | None) -> str:
    """An optional double that TWS writes as the empty string when unset."""
    return "" if value is None else fmt(float(value))


def fmt_unset_float(value: float | None) -> str:
    """An optional double that TWS writes as 1.7976931348623157E308 when unset."""
    return UNSET_DOUBLE_TEXT if value is None else fmt(float(value))


class Fields:
    """A cursor over a request's fields, with typed reads that raise WireError on bad values."""

    def __init__(self, fields: list[str], start: int = 0) -> None:
        self.fields = fields
        self.pos = start

    def remaining(self) -> int:
        return len(self.fields) - self.pos

    def str(self) -> str:
        if self.pos >= len(self.fields):
            raise WireError(f"message ended early: wanted field {self.pos + 1}, have {len(self.fields)}")
        value = self.fields[self.pos]
        self.pos += 1
        return value

    def int(self, default: int = 0) -> int:
        text = self.str()
        if text == "":
            return default
        try:
            return int(text)
        except ValueError:
            raise WireError(f"field {self.pos}: {text!r} is not an integer") from None

    def opt_int(self) -> builtins.int | None:
        """An int where "" or 2147483647 means unset."""
        text = self.str()
        if text == "" or text == str(UNSET_INT):
            return None
        try:
            return int(text)
        except ValueError:
            raise WireError(f"field {self.pos}: {text!r} is not an integer") from None

    def bool(self) -> bool:
        return self.int() != 0

    def float(self, default: float = 0.0) -> float:
        text = self.str()
        if text == "":
            return default
        try:
            return float(text)
        except ValueError:
            raise WireError(f"field {self.pos}: {text!r} is not a number") from None

    def opt_float(self) -> builtins.float | None:
        """A double where "" or the max double means unset."""
        text = self.str()
        if text == "":
            return None
        try:
            value = float(text)
        except ValueError:
            raise WireError(f"field {self.pos}: {text!r} is not a number") from None
        return None if value >= 1.7976931348623157e308 else value

    def decimal(self) -> Decimal | None:
        text = self.str()
        if text == "":
            return None
        try:
            value = Decimal(text)
        except ArithmeticError:
            raise WireError(f"field {self.pos}: {text!r} is not a quantity") from None
        if not value.is_finite():
            raise WireError(f"field {self.pos}: {text!r} is not a quantity")
        return value

    def skip(self, n: builtins.int = 1) -> None:
        for _ in range(n):
            self.str()
