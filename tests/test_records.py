"""@frozen and @record classes behave as dataclasses (frozen, and plain): same signature and defaults,
equal by value, hashable and unchangeable when frozen, and dataclasses.replace / fields work on them."""

from __future__ import annotations

import dataclasses
import inspect
from decimal import Decimal

import pytest

from blotter.domain import events as ev
from blotter.records import frozen, record


def test_an_event_is_made_equal_hashed_and_kept_as_a_frozen_dataclass_would() -> None:
    ref = ev.ContractRef(con_id=265598, symbol="AAPL", sec_type="STK")
    assert ref == ev.ContractRef(265598, "AAPL", "STK") and hash(ref) == hash(ev.ContractRef(265598, "AAPL", "STK"))
    assert ref.currency == "" and ref.strike == 0.0  # the defaults
    with pytest.raises(dataclasses.FrozenInstanceError):
        ref.symbol = "MSFT"  # type: ignore[misc]
    assert dataclasses.replace(ref, symbol="MSFT").symbol == "MSFT" and ref.symbol == "AAPL"
    assert [f.name for f in dataclasses.fields(ev.OrderFields)][:2] == ["action", "total_quantity"]
    assert ev.OrderFields().total_quantity == Decimal(0)


def test_the_signature_is_the_dataclasses() -> None:
    @dataclasses.dataclass(frozen=True)
    class Plain:
        a: int
        b: str = "x"

    @frozen
    class Quick:
        a: int
        b: str = "x"

    assert str(inspect.signature(Quick)) == str(inspect.signature(Plain))
    with pytest.raises(TypeError):
        Quick()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Quick(1, "y", 3)  # type: ignore[call-arg]
    assert repr(Quick(1)) == "test_the_signature_is_the_dataclasses.<locals>.Quick(a=1, b='x')"


def test_a_default_factory_makes_a_new_value_for_each_instance() -> None:
    @frozen
    class Listy:
        name: str
        items: list[int] = dataclasses.field(default_factory=list)

    first, second = Listy("a"), Listy("b")
    assert first.items == [] and first.items is not second.items
    given = [1]
    assert Listy("c", given).items is given


def test_no_field_can_be_assigned_or_deleted_nor_an_attribute_added() -> None:
    ref = ev.ContractRef(con_id=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        del ref.con_id
    with pytest.raises(dataclasses.FrozenInstanceError):
        ref.anything = 1  # type: ignore[attr-defined]
    assert ev.ContractRef(1) != (1,) and ev.ContractRef(1) != ev.OrderBound(1, 0, 0)


def test_a_slotted_one_has_no_dict_and_behaves_the_same() -> None:
    @frozen(slots=True)
    class Row:
        key: int
        text: str = ""

    row = Row(1, "a")
    assert not hasattr(row, "__dict__") and Row.__slots__ == ("key", "text")
    assert row == Row(1, "a") and hash(row) == hash(Row(1, "a")) and row != Row(2, "a")
    assert repr(row).endswith("Row(key=1, text='a')") and Row(3).text == ""
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.key = 2  # type: ignore[misc]
    assert dataclasses.replace(row, text="b") == Row(1, "b")


def test_a_field_it_would_treat_differently_from_dataclass_is_refused() -> None:
    with pytest.raises(TypeError):
        @frozen
        class Partly:
            key: int
            note: str = dataclasses.field(default="", compare=False)


def test_a_record_is_a_plain_dataclass_with_post_init_and_factories() -> None:
    @dataclasses.dataclass
    class Plain:
        key: int
        items: list[int] = dataclasses.field(default_factory=list)
        note: str = ""

        def __post_init__(self) -> None:
            self.note = self.note or f"#{self.key}"

    @record
    class Quick:
        key: int
        items: list[int] = dataclasses.field(default_factory=list)
        note: str = ""

        def __post_init__(self) -> None:
            self.note = self.note or f"#{self.key}"

    assert str(inspect.signature(Quick)) == str(inspect.signature(Plain))
    quick = Quick(1)
    assert (quick.key, quick.items, quick.note) == (1, [], "#1") and quick.items is not Quick(1).items
    quick.key = 2  # a record is mutable
    assert quick == Quick(2, [], "#1") and quick != Quick(2, [], "#2")
    assert repr(quick).endswith("Quick(key=2, items=[], note='#1')")
    with pytest.raises(TypeError):
        hash(quick)
    assert dataclasses.replace(quick, key=3).key == 3


def test_methods_the_class_defines_itself_are_kept_as_dataclass_keeps_them() -> None:
    @frozen
    class Named:
        key: int

        def __repr__(self) -> str:
            return f"#{self.key}"

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Named) and other.key % 10 == self.key % 10

        def __hash__(self) -> int:
            return self.key % 10

    assert repr(Named(1)) == "#1" and Named(1) == Named(11) and hash(Named(11)) == 1
    with pytest.raises(TypeError):
        @frozen
        class Guarded:
            key: int

            def __setattr__(self, name: str, value: object) -> None:
                pass


def test_a_field_may_have_any_name_and_a_slotted_one_copies_and_pickles() -> None:
    import copy
    import pickle

    @frozen
    class Letters:
        d: int
        self_: int = 0

    assert Letters(5).d == 5 and Letters(d=6, self_=1) == Letters(6, 1)
    row = _Row(1, "a")
    assert copy.copy(row) == row and copy.deepcopy(row) == row and pickle.loads(pickle.dumps(row)) == row


@frozen(slots=True)
class _Row:  # at module level: pickle finds it by name
    key: int
    text: str = ""


def test_an_undocumented_class_is_described_by_its_fields_without_asking_inspect(monkeypatch) -> None:
    """dataclass describes an undocumented class with inspect.signature, slow at start-up (its first
    call compiles tokenize's patterns): a record never asks it."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("inspect.signature was asked")

    monkeypatch.setattr(inspect, "signature", refuse)

    @frozen
    class Undocumented:
        a: int
        b: str = ""

    @record
    class Plain:
        n: int

    assert Undocumented.__doc__ == "Undocumented(a, b)" and Plain.__doc__ == "Plain(n)"
