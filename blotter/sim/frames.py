"""Frames of either generation of the protocol: the message id, then text fields or protobuf.

Up to server version 200 a frame's payload is text fields, the message id the first of them. From
201 on the payload starts with the message id as 4 big-endian bytes; an id above 200 means the rest
is protobuf of message (id - 200), else the rest is text fields as before.
"""

from __future__ import annotations

import struct
from typing import Any, Union

from blotter.sim import proto
from blotter.sim.versions import PROTOBUF, PROTOBUF_ID_OFFSET
from blotter.sim.wire import WireError, frame, split_fields

_LEN = struct.Struct("!I")
_ID = struct.Struct("!I")


class Proto:
    """One protobuf message TWS sends: its message id (without the offset), schema and field values."""

    __slots__ = ("msg_id", "name", "values")

    def __init__(self, msg_id: int, name: str, values: dict[str, Any]) -> None:
        self.msg_id, self.name, self.values = msg_id, name, values

    def __repr__(self) -> str:
        return f"Proto({self.msg_id}, {self.name!r}, {self.values!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Proto) and (self.msg_id, self.name, self.values) == (
            other.msg_id, other.name, other.values)


# What an encoder returns: text fields (message id first) or a protobuf message.
Message = Union[list[str], Proto]


def frame_message(version: int, message: Message) -> bytes:
    """One message as a length-prefixed frame, laid out for server version `version`."""
    if type(message) is Proto:
        payload = _ID.pack(message.msg_id + PROTOBUF_ID_OFFSET) + proto.encoder(message.name)(message.values)
        return _LEN.pack(len(payload)) + payload
    if version < PROTOBUF:
        return frame(message)  # type: ignore[arg-type]
    fields = message[1:]  # type: ignore[index]
    text = ("\0".join(fields) + "\0").encode("ascii", "replace") if fields else b""
    payload = _ID.pack(int(message[0])) + text  # type: ignore[index]
    return _LEN.pack(len(payload)) + payload


def message_id(message: Message) -> int:
    return message.msg_id if type(message) is Proto else int(message[0])  # type: ignore[union-attr,index]


def recordable(message: Message) -> dict[str, Any]:
    """A message for the recorder's JSON lines: its id, and its text fields or protobuf name and values."""
    if type(message) is Proto:
        return {"id": message.msg_id, "protobuf": message.name, "values": message.values}  # type: ignore[union-attr]
    return {"id": int(message[0]), "fields": message}  # type: ignore[index]


class Incoming:
    """One request as it came: its message id, and its text fields or protobuf bytes."""

    __slots__ = ("msg_id", "fields", "protobuf")

    def __init__(self, msg_id: int, fields: list[str] | None, protobuf: bytes | None) -> None:
        self.msg_id, self.fields, self.protobuf = msg_id, fields, protobuf

    @property
    def is_protobuf(self) -> bool:
        return self.protobuf is not None

    def recordable(self, schema: str | None) -> dict[str, Any]:
        """As `recordable` gives a message; protobuf as its values where `schema` reads them, else as hex."""
        if self.protobuf is None:
            return {"id": self.msg_id, "fields": self.fields}
        if schema is not None:
            try:
                return {"id": self.msg_id, "protobuf": schema, "values": proto.decode(schema, self.protobuf)}
            except WireError:
                pass
        return {"id": self.msg_id, "protobuf_hex": self.protobuf.hex()}


def read_payload(version: int, payload: bytes) -> Incoming:
    """Split a request frame's payload into its message id and body, as TWS at `version` reads it."""
    if version < PROTOBUF:
        fields = split_fields(payload)
        try:
            msg_id = int(fields[0])
        except ValueError:
            raise WireError(f"message id {fields[0]!r} is not an integer") from None
        return Incoming(msg_id, fields, None)
    if len(payload) < 4:
        raise WireError(f"a frame of {len(payload)} byte(s) has no 4-byte message id")
    (msg_id,) = _ID.unpack_from(payload)
    body = payload[4:]
    if msg_id > PROTOBUF_ID_OFFSET:
        return Incoming(msg_id - PROTOBUF_ID_OFFSET, None, body)
    return Incoming(msg_id, [str(msg_id), *split_fields(body)] if body else [str(msg_id)], None)
