"""The blotter reads an openOrder exactly as ibapi's own decoder does (blotter.ib._ibapi.open_order, through
Client._decode): the same openOrder call with the same Contract, Order and OrderState, attribute by
attribute, or the same error, for the simulator's orders at every version, real TWS frames and
damaged messages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st
from ibapi import comm
from ibapi.decoder import Decoder
from ibapi.wrapper import EWrapper

from blotter.ib._ibapi.client import Client
from blotter.ib._ibapi.open_order import open_order
from tests import captures
from tests.sim.test_encode_orders import ORDERS, VERSIONS
from blotter.sim import encode_orders as enc


def flat(x: Any) -> Any:
    """A value with everything inside it, comparable: objects by their attributes, floats by repr (NaN)."""
    if isinstance(x, (list, tuple)):
        return [flat(item) for item in x]
    if hasattr(x, "__dict__"):
        return type(x).__name__, {k: flat(v) for k, v in vars(x).items()}
    return type(x).__name__, repr(x)


class Recorder(EWrapper):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Any] = []

    def openOrder(self, orderId: Any, contract: Any, order: Any, orderState: Any) -> None:  # noqa: N802
        self.calls.append(("openOrder", flat([orderId, contract, order, orderState])))

    def error(self, reqId: Any, errorTime: Any, errorCode: Any, errorString: Any, advancedOrderRejectJson: Any = "") -> None:  # noqa: N802,E501
        self.calls.append(("error", reqId, errorCode, errorString))


_DECODERS: dict[int, Decoder] = {}


def _decoder(version: int, wrapper: EWrapper) -> Decoder:
    decoder = _DECODERS.get(version)
    if decoder is None:  # Decoder() inspects every EWrapper signature (~7 ms): once per version
        decoder = _DECODERS[version] = Decoder(wrapper, version)
    decoder.wrapper = wrapper
    return decoder


def by_ibapi(message: bytes, version: int) -> list[Any]:
    """What the wrapper hears when ibapi's decoder reads the message (its error raised is dropped)."""
    rec = Recorder()
    fields = comm.read_fields(message)
    try:
        _decoder(version, rec).interpret(fields[1:], int(fields[0]))
    except Exception:
        pass
    return rec.calls


def by_blotter(message: bytes, version: int) -> list[Any]:
    """What the wrapper hears when the blotter's client reads it."""
    rec = Recorder()
    client = Client(rec)
    client.decoder = _decoder(version, rec)
    client._decode(message, version)
    return rec.calls


def message(fields: list[str] | list[bytes]) -> bytes:
    raw = [f.encode() if isinstance(f, str) else f for f in fields]
    return b"\0".join(raw) + b"\0"


@pytest.mark.parametrize("version", VERSIONS)
def test_the_simulators_orders_read_as_ibapi_reads_them(version: int) -> None:
    for name, sim in ORDERS.items():
        fields = enc.open_order(version, sim)
        # the fast reader takes them itself (else this test would only show ibapi agreeing with itself)
        assert open_order(fields[1:], version)[0] == sim.order_id, name
        ours = by_blotter(message(fields), version)
        assert ours == by_ibapi(message(fields), version), name
        assert [call[0] for call in ours] == ["openOrder"], name


def _captured() -> list[tuple[list[str], int]]:
    return [(row["fields"], version) for row in captures.records() if row["msg_id"] == 5
            for version in row.get("decodes_exactly_at_server_versions") or [] if version in VERSIONS]


CAPTURED = _captured()


def test_real_tws_frames_read_as_ibapi_reads_them() -> None:
    assert CAPTURED, "no recorded openOrder decodes at a supported version"
    for fields, version in CAPTURED:
        ours = by_blotter(message(fields), version)
        assert ours == by_ibapi(message(fields), version)
        assert [call[0] for call in ours] == ["openOrder"]


# -- damaged and unusual messages: whatever ibapi makes of them, the blotter makes the same ----------

BASES = [(enc.open_order(version, sim), version) for sim in ORDERS.values() for version in (VERSIONS[0], 176, 195,
                                                                                            VERSIONS[-1])]
VALUES = [b"", b"0", b"1", b"2", b"3", b"-1", b"2147483647", b"1.7976931348623157E308", b"Infinity", b"nan",
          b"1.5", b"abc", b"PEG BENCH", b"Vwap", b"\xc3\xa9", b"\xff", b"9223372036854775807", b" 7 "]


@settings(max_examples=400, deadline=None)
@given(base=st.sampled_from(BASES), data=st.data())
def test_a_damaged_or_unusual_open_order_reads_as_ibapi_reads_it(base: tuple[list[str], int], data: Any) -> None:
    fields, version = base
    raw = [f.encode() for f in fields]
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(1, len(raw) - 1))
        change = data.draw(st.sampled_from(("set", "set", "set", "drop", "insert")))
        value = data.draw(st.sampled_from(VALUES))
        if change == "set":
            raw[at] = value
        elif change == "drop":
            del raw[at]
        else:
            raw.insert(at, value)
    assert by_blotter(message(raw), version) == by_ibapi(message(raw), version)


@pytest.mark.parametrize("version", [VERSIONS[0], 176, VERSIONS[-1]])
def test_every_field_emptied_or_changed_reads_as_ibapi_reads_it(version: int) -> None:
    """One field at a time: empty (unset or zero, by the field's type), 1 (a flag, a count or a
    number), 1.5 (not a whole number), text. Each field's type and unset value must match ibapi's."""
    fields = enc.open_order(version, ORDERS["what-if"])
    for at in range(1, len(fields)):
        for value in ("", "1", "1.5", "x"):
            changed = fields[:at] + [value] + fields[at + 1:]
            assert by_blotter(message(changed), version) == by_ibapi(message(changed), version), (at, value)


class _Tracking:
    """The fields of a message, counting how many have been read."""

    def __init__(self, items: tuple[bytes, ...]) -> None:
        self.items, self.at = items, 0

    def __iter__(self) -> "_Tracking":
        return self

    def __next__(self) -> bytes:
        if self.at >= len(self.items):
            raise StopIteration
        self.at += 1
        return self.items[self.at - 1]


def _starts(fields: list[str], version: int, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Where ibapi's OrderDecoder starts each optional part, as an index into the message's fields."""
    from ibapi.orderdecoder import OrderDecoder
    tracking = _Tracking(comm.read_fields(message(fields))[1:])
    starts: dict[str, int] = {}
    for method in ("decodeVolOrderParams", "decodeComboLegs", "decodeHedgeParams", "decodeAlgoParams"):
        original = getattr(OrderDecoder, method)

        def spy(self: Any, it: Any, *args: Any, _name: str = method, _original: Any = original) -> Any:
            starts[_name] = tracking.at + 1  # + the message id
            return _original(self, it, *args)
        monkeypatch.setattr(OrderDecoder, method, spy)
    _decoder(version, Recorder()).processOpenOrder(tracking)
    monkeypatch.undo()
    return starts


def _shaped(fields: list[str], shape: str, starts: dict[str, int]) -> list[str]:
    """The message with one optional part filled in where ibapi reads it."""
    out = fields[:]
    if shape == "delta neutral":  # after volatility and its type: TWS's "None" is a type too, so the
        at = starts["decodeVolOrderParams"] + 2  # eight fields after it are there already: fill them in
        out[at:at + 10] = ["LMT", "1.5", "12345", "FIRM", "ACCT", "IB", "O", "1", "2", "LOC"]
    elif shape == "algo":
        at = starts["decodeAlgoParams"]
        out[at:at + 1] = ["Vwap", "2", "maxPctVol", "0.1", "noTakeLiq", "1"]
    elif shape == "hedge":
        at = starts["decodeHedgeParams"]
        out[at:at + 1] = ["D", "0.5"]
    else:  # combo legs: the description, one leg, one order leg price
        at = starts["decodeComboLegs"]
        out[at:at + 3] = ["leg 1", "1", "8314", "1", "BUY", "SMART", "0", "0", "", "-1", "1", "1.25"]
    return out


@pytest.mark.parametrize("shape", ["delta neutral", "algo", "hedge", "combo legs"])
def test_an_order_with_an_optional_part_reads_as_ibapi_reads_it(shape: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Shapes the simulator never sends, written where ibapi's decoder reads them."""
    version = VERSIONS[-1]
    fields = enc.open_order(version, ORDERS["lmt-day"])
    shaped = _shaped(fields, shape, _starts(fields, version, monkeypatch))
    ours = by_blotter(message(shaped), version)
    assert ours == by_ibapi(message(shaped), version)
    assert [call[0] for call in ours] == ["openOrder"]
    order = ours[0][1][2][1]
    assert {"delta neutral": order["deltaNeutralDesignatedLocation"] == ("str", "'LOC'"),
            "algo": len(order["algoParams"]) == 2, "hedge": order["hedgeParam"] == ("str", "'0.5'"),
            "combo legs": len(ours[0][1][1][1]["comboLegs"]) == 1}[shape]


def test_the_decimal_quantity_and_unset_prices_come_as_ibapi_gives_them() -> None:
    fields = enc.open_order(VERSIONS[-1], ORDERS["forex"])
    _, _, order, state = open_order(fields[1:], VERSIONS[-1])
    assert isinstance(order.totalQuantity, Decimal) and order.totalQuantity == Decimal("25000.5")
    assert order.conditions == [] and order.conditions is not open_order(fields[1:], VERSIONS[-1])[2].conditions


def test_the_fields_orders_repeat_are_one_object_for_a_day_of_orders() -> None:
    from blotter.ib.convert import order_fields

    raw = message(enc.open_order(VERSIONS[-1], ORDERS["forex"]))
    # each message read from the socket is split into fields of its own, as blotter.ib._ibapi.client does
    first, again = (order_fields(open_order(raw.decode("ascii").split("\0")[1:-1], VERSIONS[-1])[2])
                    for _ in range(2))
    assert first == again
    for name in ("action", "order_type", "tif", "account", "total_quantity"):
        assert getattr(first, name) is getattr(again, name), name
