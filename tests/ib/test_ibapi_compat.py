"""The ibapi release blotter.ib._ibapi was checked against, and every private name, signature and
behaviour of ibapi's it relies on. A new ibapi fails exactly these tests, each saying what to re-check.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import pkgutil
from typing import Any, Iterator

import ibapi
import pytest
from ibapi import comm
from ibapi.client import EClient
from ibapi.connection import Connection
from ibapi.reader import EReader
from ibapi.server_versions import MAX_CLIENT_VER
from ibapi.wrapper import EWrapper

from blotter.ib._ibapi import BUILT_FOR, DECODE_USERS, replaced



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
