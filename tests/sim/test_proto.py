"""The simulator's protobuf codec against Google's (the one ibapi reads with), on every TWS message.

The simulator carries its schemas as plain data (blotter/sim/proto_schema.py); the first test fails
when ibapi's descriptors and that module part ways, which a bump of ibapi can do.
"""

from __future__ import annotations

import importlib
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blotter.sim import proto
from blotter.sim.proto_schema import IBAPI_VERSION, MESSAGES
from blotter.sim.wire import WireError
from tests.sim.schema_from_ibapi import TARGET, render


def test_the_committed_schemas_are_ibapis():
    assert TARGET.read_text() == render(), (
        "blotter/sim/proto_schema.py differs from ibapi's protobuf descriptors: "
        "run `python -m tests.sim.schema_from_ibapi` and review the change")


def test_the_schemas_come_from_the_ibapi_this_project_pins():
    from importlib.metadata import version
    assert IBAPI_VERSION == version("ibapi-stable")


def google_class(name: str):
    return getattr(importlib.import_module(f"ibapi.protobuf.{name}_pb2"), name)


def as_dict(message) -> dict:
    """A Google message's present fields, as the simulator's codec gives them."""
    out = {}
    for field, value in message.ListFields():
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            out[field.name] = dict(value)
        elif field.message_type is not None:
            out[field.name] = [as_dict(v) for v in value] if field.is_repeated else as_dict(value)
        elif field.is_repeated:
            out[field.name] = list(value)
        else:
            out[field.name] = value
    return out


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
_SCALAR = {
    "int32": st.integers(-(2**31), 2**31 - 1),
    "int64": st.integers(-(2**63), 2**63 - 1),
    "bool": st.booleans(),
    "double": st.floats(allow_nan=False),
    "string": _text,
}


def values_of(name: str, depth: int = 0) -> st.SearchStrategy[dict]:
    fields = {}
    for field, _, kind in MESSAGES[name]:
        bare = kind.strip("[]")
        if bare == "map":
            inner = st.dictionaries(_text, _text, min_size=1, max_size=3)  # empty: absent
        elif bare in _SCALAR:
            inner = _SCALAR[bare]
        elif depth >= 2:
            continue
        else:
            inner = values_of(bare, depth + 1)
        fields[field] = st.lists(inner, min_size=1, max_size=3) if kind.startswith("[") else inner
    return st.fixed_dictionaries({}, optional=fields)


SAMPLED = ["Order", "Contract", "ContractDetails", "ExecutionDetails", "OpenOrder", "OrderState", "OrderStatus",
           "ErrorMessage", "CommissionAndFeesReport", "PlaceOrderRequest", "ExecutionRequest", "SecDefOptParameter",
           "MarketRule", "TickPrice", "PnLSingle"]


@pytest.mark.parametrize("name", SAMPLED)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_what_the_simulator_writes_google_reads_and_back(name, data):
    values = data.draw(values_of(name))
    ours = proto.encode(name, values)
    message = google_class(name)()
    message.ParseFromString(ours)
    assert as_dict(message) == values
    assert proto.decode(name, message.SerializeToString()) == values


@pytest.mark.parametrize("name", SAMPLED)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_the_quicker_encoder_writes_the_same_bytes(name, data):
    values = data.draw(values_of(name))
    assert proto.encoder(name)(values) == proto.encode(name, values)
    with pytest.raises(KeyError, match="no field"):
        proto.encoder(name)({"noSuchField": 1})


def test_every_message_has_a_schema_google_agrees_with():
    for name, fields in MESSAGES.items():
        descriptor = google_class(name).DESCRIPTOR if hasattr(
            importlib.import_module(f"ibapi.protobuf.{name}_pb2"), name) else None
        if descriptor is None:
            continue  # a message defined in another message's file
        assert [(f.name, f.number) for f in sorted(descriptor.fields, key=lambda f: f.number)] == \
            [(f, n) for f, n, _ in fields], name


def test_negative_ints_are_ten_bytes_as_protobuf_writes_them():
    assert proto.encode("ErrorMessage", {"id": -1}) == google_class("ErrorMessage")(id=-1).SerializeToString()
    assert proto.decode("ErrorMessage", proto.encode("ErrorMessage", {"id": -1})) == {"id": -1}


def test_zero_and_empty_are_written_because_presence_is_meaning():
    assert proto.decode("OrderStatus", proto.encode("OrderStatus", {"filled": "0", "parentId": 0})) == \
        {"filled": "0", "parentId": 0}
    assert proto.encode("OrderStatus", {"status": None}) == b""


@pytest.mark.parametrize("data, why", [
    (b"\x08", "ended inside a number"),                 # orderId's varint cut off
    (b"\x12\x05Fil", "past the end"),                    # status says 5 bytes, has 3
    (b"\x11" + b"\x00" * 8, "wire type 1"),              # orderId (int32) as a fixed64
    (b"\x12\x02\xff\xfe", "not UTF-8"),                  # status is not UTF-8
    (b"\x0f", "wire type 7"),                            # no such wire type
    (b"\x00\x01", "field number 0"),
    (b"\x08" + b"\xff" * 11, "longer than ten bytes"),
])
def test_a_damaged_message_is_refused_with_a_reason(data, why):
    with pytest.raises(WireError, match=why):
        proto.decode("OrderStatus", data)


def test_a_field_the_schema_does_not_know_is_skipped():
    unknown = b"\xf8\x3e\x07"  # field 999, a varint
    assert proto.decode("OrderStatus", unknown + proto.encode("OrderStatus", {"orderId": 7})) == {"orderId": 7}


def test_packed_and_unpacked_repeated_numbers_both_read():
    packed = proto.encode("ExecutionFilter", {"specificDates": [20261120, 20261121]})
    unpacked = b"".join(b"\x48" + proto._varint(d) for d in (20261120, 20261121))  # field 9, one by one
    assert proto.decode("ExecutionFilter", packed) == proto.decode("ExecutionFilter", unpacked) == \
        {"specificDates": [20261120, 20261121]}


def test_doubles_keep_every_bit():
    for value in (0.0, -0.0, 1e-300, 1.7976931348623157e308, math.inf, 144.8):
        assert proto.decode("TickPrice", proto.encode("TickPrice", {"price": value})) == {"price": value}


def test_an_encoded_sub_message_is_spliced_in_as_it_was_encoded():
    contract = {"conId": 265598, "symbol": "AAPL", "strike": 0.0, "right": None}
    encoded = proto.Encoded("Contract", contract)
    values = {"orderId": 7, "contract": contract}
    assert proto.encode("OpenOrder", {"orderId": 7, "contract": encoded}) == proto.encode("OpenOrder", values)
    assert proto.encode("PositionMulti", {"contract": encoded}) == proto.encode("PositionMulti", {"contract": contract})
    message = google_class("OpenOrder")()
    message.ParseFromString(proto.encode("OpenOrder", {"orderId": 7, "contract": encoded}))
    assert (message.contract.conId, message.contract.symbol, message.contract.HasField("right")) == (
        265598, "AAPL", False)


def test_an_encoded_sub_message_reads_as_its_values():
    """What the simulator records (JSON) and compares is the values, not the bytes."""
    values = {"conId": 1, "symbol": "ES", "right": None}
    encoded = proto.Encoded("Contract", values)
    assert encoded == values and json.loads(json.dumps(encoded)) == values
    listed = proto.encode("SymbolSamples", {"contractDescriptions": [{"contract": encoded}]})
    assert proto.decode("SymbolSamples", listed) == \
        {"contractDescriptions": [{"contract": {"conId": 1, "symbol": "ES"}}]}
