"""The ibapi release blotter.ib._ibapi was checked against, and every private name, signature and
behaviour of ibapi's it relies on. A new ibapi fails exactly these tests, each saying what to re-check.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import logging
import pkgutil
from typing import Any, Iterator

import ibapi
import pytest
from google.protobuf.unknown_fields import UnknownFieldSet
from ibapi import comm
from ibapi.client import EClient
from ibapi.connection import Connection
from ibapi.decoder import Decoder, HandleInfo
from ibapi.protobuf.OrderStatus_pb2 import OrderStatus
from ibapi.reader import EReader
from ibapi.server_versions import MAX_CLIENT_VER
from ibapi.wrapper import EWrapper

from blotter.ib._ibapi import BUILT_FOR, DECODE_USERS, replaced
from blotter.ib._ibapi.client import Client
from blotter.ib._ibapi.vet import Vetting
from tests.ib.test_bad_frames import field, proto



@pytest.fixture(autouse=True)
def blotter_ibapi() -> Iterator[None]:
    """These tests read IB's own ibapi: tests/ib/conftest.py's fixture of this name is not wanted here."""
    assert not replaced(), f"ibapi is not IB's own: {replaced()}"
    yield


AFTER_A_BUMP = ("re-check the code this message names, re-run bench/throughput.py at 200 and 226, then update "
                "BUILT_FOR (blotter/ib/_ibapi/__init__.py) and this file")


def test_ibapi_is_the_release_the_seam_was_checked_against():
    assert ibapi.get_version_string() == BUILT_FOR, (
        f"ibapi {ibapi.get_version_string()}, but blotter.ib._ibapi was checked against {BUILT_FOR}: the other "
        f"tests in this file say what changed; {AFTER_A_BUMP}")
    assert MAX_CLIENT_VER == 226, "a new top server version: the bad-frame tests and the benchmarks run at 226"


# what ibapi does that the seam does its own way: the source it was written against, by its digest
COPIED = [
    ("ibapi.client.EClient.connect", "7bca2571f32db4e9", "Client.connect makes this handshake itself"),
    ("ibapi.client.EClient.run", "9c1a521b9b4d07d2", "Client.run is this loop with a SimpleQueue and _decode"),
    ("ibapi.client.EClient.reset", "825c820b6eb98a55", "Client.connect sets the state reset() clears"),
    ("ibapi.reader.EReader", "72d232034a22a6f9", "LinearReader puts the same bytes on the same queue"),
    ("ibapi.connection.Connection.connect", "4aed043b509f5a34", "TimedConnection.connect, with a timeout"),
    ("ibapi.utils.decode", "6def198de6402347", "decode.decode returns what it returns (tests/ib/test_decode.py)"),
    ("ibapi.decoder.Decoder.interpret", "8a296a79ef0a2b81", "Client._interpret, without its error callbacks"),
    ("ibapi.decoder.Decoder.processProtoBuf", "be1866e53e919a75", "Client._decode's protobuf dispatch"),
    ("ibapi.decoder.Decoder.interpretWithSignature", "06ea4c970713b605", "Client._interpret counts its fields"),
    ("ibapi.decoder.Decoder.processOpenOrder", "83550c7227ef79b7", "open_order.py reads these fields in turn"),
    ("ibapi.orderdecoder.OrderDecoder", "f13c5ad8527635af", "open_order.py reads what its decode* methods read"),
]


def resolve(dotted: str) -> Any:
    """The object a dotted name names: the longest importable module, then attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            obj = getattr(obj, part)
        return obj
    raise LookupError(dotted)


@pytest.mark.parametrize("name, digest, what", COPIED, ids=[c[0] for c in COPIED])
def test_what_the_seam_does_its_own_way_is_what_it_was_written_against(name, digest, what):
    now = hashlib.sha256(inspect.getsource(resolve(name)).encode()).hexdigest()[:16]
    assert now == digest, f"{name} changed in ibapi {ibapi.get_version_string()} ({what}): {AFTER_A_BUMP}"


_CLIENT = EClient(EWrapper())
NAMES = [  # (where, the name, what relies on it)
    *[(_CLIENT, name, "Client.connect and Client.run set or read it") for name in (
        "msg_queue", "decoder", "conn", "reader", "host", "port", "clientId", "serverVersion_", "connTime",
        "connState", "connectOptions", "wrapper")],
    *[(EClient, name, "Client calls it as ibapi's connect and run do") for name in (
        "setConnState", "startApi", "reset", "disconnect", "isConnected", "serverVersion", "msgLoopTmo",
        "msgLoopRec", "CONNECTING", "CONNECTED", "DISCONNECTED")],
    (Decoder, "msgId2handleInfo", "Client._interpret finds a text message's handler there"),
    (Decoder, "msgId2handleInfoProtoBuf", "Client._decode finds a protobuf message's handler there"),
    (Decoder, "interpretWithSignature", "Client._interpret reads a message by its wrapper method's signature"),
    *[(HandleInfo(proc=print), name, "Client._decode and _interpret call the handler by it")
      for name in ("processMeth", "wrapperMeth", "wrapperParams")],
    *[(Connection("127.0.0.1", 1), name, "TimedConnection and the readers use it")
      for name in ("socket", "host", "port", "lock", "sendMsg", "disconnect", "isConnected")],
    *[(EReader(None, None), name, "LinearReader reads its connection and fills its queue")
      for name in ("conn", "msg_queue")],
    (comm, "read_fields", "Client._decode splits a text message with it"),
    (comm, "make_initial_msg", "Client.connect frames the versions it offers with it"),
]


@pytest.mark.parametrize("where, name, what", NAMES, ids=[f"{type(n[0]).__name__}.{n[1]}" for n in NAMES])
def test_a_name_of_ibapis_the_seam_uses_is_there(where, name, what):
    assert hasattr(where, name), f"ibapi {ibapi.get_version_string()} has no {name} on {where!r}: {what}"


SIGNATURES = [
    ("ibapi.utils.decode", "(the_type, fields, show_unset=False, use_unicode=False)", "decode.decode"),
    ("ibapi.client.EClient.__init__", "(self, wrapper)", "Client.__init__"),
    ("ibapi.client.EClient.connect", "(self, host, port, clientId)", "Client.connect"),
    ("ibapi.reader.EReader.__init__", "(self, conn, msg_queue)", "Client.connect builds reader_type(conn, queue)"),
    ("ibapi.connection.Connection.__init__", "(self, host, port)", "TimedConnection.__init__"),
    ("ibapi.decoder.Decoder.__init__", "(self, wrapper, serverVersion)", "Client.connect"),
    ("ibapi.decoder.Decoder.interpretWithSignature", "(self, fields, handleInfo)", "Client._interpret"),
]


@pytest.mark.parametrize("name, signature, user", SIGNATURES, ids=[s[0] for s in SIGNATURES])
def test_a_signature_the_seam_calls_or_overrides_is_the_same(name, signature, user):
    now = str(inspect.signature(resolve(name)))
    assert now == signature, f"{name} is now {now} in ibapi {ibapi.get_version_string()}: re-check {user}"


def test_every_module_of_ibapis_that_calls_decode_by_name_gets_the_blotters():
    own = importlib.import_module("ibapi.utils").decode
    users = set()
    for info in pkgutil.walk_packages(ibapi.__path__, "ibapi."):
        module = importlib.import_module(info.name)
        if vars(module).get("decode") is own:
            users.add(info.name)
    assert users == set(DECODE_USERS), f"add {sorted(users - set(DECODE_USERS))} to DECODE_USERS; drop the rest"


def test_the_protobuf_runtime_keeps_a_field_in_the_wrong_wire_type_as_unknown():
    """What vet.py relies on: the message parses, without the field, which is among its unknown fields."""
    message = OrderStatus()
    message.ParseFromString(field(1, 2, b"ab") + field(2, 2, b"Filled"))
    assert not message.HasField("orderId") and message.status == "Filled"
    assert [f.field_number for f in UnknownFieldSet(message)] == [1]
    message.DiscardUnknownFields()
    assert message.ByteSize() == len(field(2, 2, b"Filled"))


class Hearing(Vetting, EWrapper):
    """A vetting wrapper that notes the message type each protobuf hook is given and every decoded callback."""

    def __init__(self) -> None:
        super().__init__()
        self.types: list[type] = []
        self.callbacks: list[str] = []

    def vet(self, message: Any) -> None:
        self.types.append(type(message))
        super().vet(message)


for _name in dir(EWrapper):
    if not _name.startswith("_") and not _name.endswith("ProtoBuf") and callable(getattr(EWrapper, _name)):
        setattr(Hearing, _name, lambda self, *args, _n=_name: self.callbacks.append(_n))
for _name in dir(EWrapper):
    if _name.endswith("ProtoBuf"):
        setattr(Hearing, _name, Hearing.vet)


FIXED32 = {2, 7, 15}  # float, fixed32, sfixed32


def wrong_first_field(message_type: type) -> bytes:
    """The message's lowest-numbered field in a wire type its schema does not give it, packed or not:
    a 4-byte value (wire type 5) for any field but a 4-byte one, which gets an 8-byte value (1)."""
    first = min(message_type.DESCRIPTOR.fields, key=lambda f: f.number)
    wire_type, value = (1, bytes(8)) if first.type in FIXED32 else (5, bytes(4))
    key, raw = first.number << 3 | wire_type, bytearray()
    while key >= 0x80:
        raw.append(key & 0x7F | 0x80)
        key >>= 7
    return bytes(raw) + bytes([key]) + value


@pytest.mark.parametrize("msg_id", sorted(Decoder.msgId2handleInfoProtoBuf))
def test_every_protobuf_message_reaches_the_wrappers_hook_before_it_is_decoded(msg_id, caplog):
    """So vet.py refuses a message before ibapi calls anything with what it decoded from it."""
    wrapper = Hearing()
    client = Client(wrapper)
    client.decoder = Decoder(wrapper, MAX_CLIENT_VER)
    client._decode(proto(msg_id, b""), MAX_CLIENT_VER)  # an empty message: its type, as the hook is given it
    [message_type] = wrapper.types
    if not message_type.DESCRIPTOR.fields:  # an end marker: nothing in it to get wrong
        return
    wrapper.callbacks.clear()
    with caplog.at_level(logging.WARNING):
        client._decode(proto(msg_id, wrong_first_field(message_type)), MAX_CLIENT_VER)
    assert wrapper.callbacks == [], f"ibapi decoded message {msg_id} before handing it to the hook"
    assert "WrongWireType" in caplog.text
