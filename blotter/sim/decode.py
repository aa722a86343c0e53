"""One request of either generation decoded: protobuf by requests_proto, text by requests.

Its own module because requests_proto builds the dataclasses of requests: the entry point that
chooses between the two decoders can live in neither without an import circle.
"""

from __future__ import annotations

from blotter.sim.frames import Incoming
from blotter.sim.requests import Request, decode_request
from blotter.sim.requests_proto import decode_proto


def read(version: int, incoming: Incoming) -> Request:
    """Decode one request of either generation as a client sends it at `version`."""
    if incoming.protobuf is not None:
        return decode_proto(version, incoming.msg_id, incoming.protobuf)
    return decode_request(version, incoming.fields or [])
