"""A protobuf message whose known fields came with the wrong wire type is refused before ibapi decodes it.

The protobuf runtime (upb) keeps such a field as an unknown one and parses on, so ibapi would decode
the message without it: an orderStatus whose order id had the wrong wire type would reach the
blotter as a status of order 2147483647. Every protobuf handler of ibapi's decoder parses the frame,
then hands the message to the wrapper's `<name>ProtoBuf` callback, then decodes it; `Vetting` makes
those callbacks check it, and raise, before anything is decoded.

A clean message costs two calls into the runtime: drop its unknown fields, measure it. Only when it
measures less than its frame (unknown fields, or an encoding that is not the shortest) is the frame
parsed again and searched, and only a field number the schema knows, in the wrong form, refuses it: a
field a newer TWS added is unknown here and is ignored, as ibapi ignores it.
"""

from __future__ import annotations

from typing import Any

from google.protobuf.message import Message
from google.protobuf.unknown_fields import UnknownFieldSet
from ibapi.wrapper import EWrapper


class WrongWireType(ValueError):
    """A field of a protobuf message came in a wire type its schema does not give it."""


def misfit(cls: type[Message], payload: bytes) -> str:
    """The first field of `payload` (a `cls`) that came in the wrong wire type, as its full name; "" if none."""
    message = cls()
    message.ParseFromString(payload)
    return _misfit(message)


def _misfit(message: Message) -> str:
    known = message.DESCRIPTOR.fields_by_number
    for field in UnknownFieldSet(message):
        if field.field_number in known:
            return known[field.field_number].full_name
    for descriptor, value in message.ListFields():
        kind = descriptor.message_type
        if kind is None or kind.GetOptions().map_entry:  # ibapi's maps are string to string
            continue
        for part in (value if descriptor.is_repeated else (value,)):
            found = _misfit(part)
            if found:
                return found
    return ""


class Vetting:
    """EWrapper mixin: every `<name>ProtoBuf` callback vets the message ibapi just parsed from `frame`.

    `frame` is the payload being decoded; the blotter's Client sets it before each protobuf frame.
    """

    frame = b""

    def vet(self, message: Any) -> None:
        message.DiscardUnknownFields()  # they are never decoded; what is left measures as its frame
        if message.ByteSize() != len(self.frame):
            wrong = misfit(type(message), self.frame)
            if wrong:
                raise WrongWireType(f"{wrong} came in the wrong wire type")


HOOKS = tuple(name for name in dir(EWrapper) if name.endswith("ProtoBuf") and callable(getattr(EWrapper, name)))
for _name in HOOKS:
    setattr(Vetting, _name, Vetting.vet)
