"""The simulator's dispatch (issue 24.4): an explicit table from request type to handler, every type the
decoders give either in it or deliberately answered with error 321; and the small protocols a session,
a scenario and the faults see the server through, which SimServer satisfies."""

from __future__ import annotations

import typing

import pytest

from blotter.sim import errors, faults, scenarios, session
from blotter.sim import requests as rq
from blotter.sim import requests_proto as rp
from blotter.sim.frames import Incoming
from blotter.sim.server import UNSERVED, SimServer

# The request types the simulator decodes but does not serve: each is answered with error 321.
DELIBERATELY_UNSERVED = {rq.Unsupported}


def decodable_types() -> set[type]:
    """Every request type the text or protobuf decoders can give, from the union and the decoders."""
    found = set(typing.get_args(rq.Request)) | {plain.cls for plain in rq.PLAIN.values()}
    for table in (rq._DECODERS, rp._DECODERS):
        for decoder in table.values():
            returns = typing.get_type_hints(decoder, vars(rq) | vars(rp)).get("return")
            found |= set(typing.get_args(returns)) or ({returns} if isinstance(returns, type) else set())
    return found


def test_every_decoded_type_is_in_the_union_of_requests() -> None:
    assert decodable_types() == set(typing.get_args(rq.Request))


def test_every_decoded_type_has_a_handler_or_is_deliberately_answered_with_321() -> None:
    table = SimServer().handlers
    assert set(UNSERVED) == DELIBERATELY_UNSERVED
    assert not set(table) & DELIBERATELY_UNSERVED
    missing = {t.__name__ for t in decodable_types() - set(table) - DELIBERATELY_UNSERVED}
    assert not missing, f"decoded but neither handled nor listed as unserved: {sorted(missing)}"
    assert set(table) <= decodable_types(), "a handler for a type no decoder gives"
    assert all(callable(handler) for handler in table.values())


class _Peer:
    """Just enough of a session for one request: what it was sent."""

    version, client_id, number = 200, 1, 1

    def __init__(self) -> None:
        self.sent: list[object] = []

    def send(self, message: object) -> None:
        self.sent.append(message)


@pytest.mark.parametrize("fields, req_id", [(["20", "77"], 77), (["24", "1"], -1)])
def test_a_request_with_no_handler_is_answered_with_321_on_its_id(fields: list[str], req_id: int) -> None:
    server = SimServer()
    peer = _Peer()
    server.handle(peer, Incoming(int(fields[0]), fields, None))  # type: ignore[arg-type]
    [message] = peer.sent  # errMsg at 200: id 4, the request's id, the code, the text, ...
    assert message[:3] == ["4", str(req_id), str(errors.UNSUPPORTED_REQUEST.code)]
    assert message[3] == errors.UNSUPPORTED_REQUEST.format(name=rq.MSG_NAMES[int(fields[0])])


@pytest.mark.parametrize("protocol", [session.Host, scenarios.Stage, faults.Switchboard])
def test_the_server_has_all_a_protocol_names(protocol: type) -> None:
    server = SimServer()
    names = set(typing.get_type_hints(protocol)) | {
        name for name, value in vars(protocol).items() if callable(value) and not name.startswith("_")}
    assert names, protocol
    missing = {name for name in names if not hasattr(server, name)}
    assert not missing, f"SimServer lacks {sorted(missing)} of {protocol.__name__}"
    for name in names - set(typing.get_type_hints(protocol)):
        assert callable(getattr(server, name)), name
