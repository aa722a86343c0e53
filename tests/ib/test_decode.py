"""blotter.ib._ibapi.decode reads every field exactly as ibapi's own decode does, only faster."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st
from ibapi.utils import BadMessage

from blotter.ib._ibapi.decode import IBAPI_DECODE, decode

TYPES = (str, int, float, bool, Decimal)
SPECIAL = [b"", b"0", b"1", b"-1", b"2147483647", b"9223372036854775807", b"-9223372036854775808",
           b"1.7976931348623157E308", b"Infinity", b"-Infinity", b"1.5", b"0.01", b"1e5", b"abc",
           b"\\u00e9", b"caf\xc3\xa9", b"\xff\xfe", b" 12 ", b"nan", b"12.50"]
fields = st.one_of(st.sampled_from(SPECIAL), st.binary(max_size=12),
                   st.from_regex(rb"\A-?[0-9]{1,20}(\.[0-9]{1,10})?\Z"))


def outcome(fn: Any, the_type: Any, field: bytes, show_unset: bool, use_unicode: bool) -> tuple[str, Any]:
    """What a decode call gives: ("value", value with its type) or ("raises", the error's family)."""
    try:
        value = fn(the_type, iter((field,)), show_unset, use_unicode)
    except (ValueError, ArithmeticError) as exc:  # UnicodeDecodeError and InvalidOperation among them
        return "raises", ValueError if isinstance(exc, ValueError) else ArithmeticError
    return "value", (repr(value), type(value))  # repr: NaN equals itself, -0.0 differs from 0.0


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # a stray backslash warns in both, alike
@settings(max_examples=600, deadline=None)
@given(field=fields, the_type=st.sampled_from(TYPES), show_unset=st.booleans(), use_unicode=st.booleans())
def test_every_field_decodes_as_ibapi_decodes_it(field: bytes, the_type: Any, show_unset: bool,
                                                 use_unicode: bool) -> None:
    assert outcome(decode, the_type, field, show_unset, use_unicode) == \
        outcome(IBAPI_DECODE, the_type, field, show_unset, use_unicode)


@pytest.mark.parametrize("field", SPECIAL)
@pytest.mark.parametrize("the_type", TYPES)
def test_the_fields_tws_sends_for_unset_and_infinity(field: bytes, the_type: Any) -> None:
    for show_unset in (False, True):
        assert outcome(decode, the_type, field, show_unset, False) == \
            outcome(IBAPI_DECODE, the_type, field, show_unset, False)


def test_a_message_that_runs_out_of_fields_is_a_bad_message_as_in_ibapi() -> None:
    with pytest.raises(BadMessage):
        decode(int, iter(()))


def test_repeated_short_fields_are_one_object_and_what_is_kept_stays_bounded() -> None:
    from blotter.ib._ibapi import decode as module

    def twice(the_type: Any, field: bytes) -> tuple[Any, Any]:
        return decode(the_type, iter((field,))), decode(the_type, iter((field,)))

    first, again = twice(str, b"NASDAQ")  # a day of fills holds one "NASDAQ", not one a fill
    assert first == "NASDAQ" and first is again
    first, again = twice(Decimal, b"100")
    assert first == Decimal(100) and first is again
    first, again = twice(str, b"0000e0d5.6b0e0001.01.01")  # an exec id: longer than SHARED_LONGEST, new each time
    assert first == again and first is not again
    for n in range(3 * module.SHARED_MOST):  # a stream of distinct short fields (order refs)
        assert decode(str, iter((b"ref%d" % n,))) == f"ref{n}"
    assert len(module._TEXTS) <= module.SHARED_MOST
    assert decode(str, iter((b"NASDAQ",))) == "NASDAQ"
