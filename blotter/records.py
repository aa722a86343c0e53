"""`@frozen` and `@record`: dataclasses (frozen, and plain) that are quick to define and to make.
Standard library only, below every layer (the domain's events and rows, the simulator's requests and
state use them).

`dataclass` compiles its methods from source text for every class (`__init__`, `__repr__`,
`__eq__`, and for a frozen one `__hash__`, `__setattr__`, `__delattr__`): 1-2 ms a class, and the
blotter defines ~80 of them before its first frame. A frozen one's `__init__` then writes each
field through `object.__setattr__`, a call per field: 4.4 us for twelve fields.

Here `dataclass` only gathers the fields (nothing compiled: `fields`, `replace` and `match` work as
on any dataclass); `__init__` is compiled once, with the same signature and defaults (default
factories and `__post_init__` as dataclass does them); a frozen one writes the fields straight into
the instance's `__dict__` (0.8 us for twelve) or through its slots' descriptors. The other methods
are shared functions over the fields in field order, as a dataclass's are: equal when of the same
class with equal fields, shown as `Name(field=value, ...)`; a frozen one is hashed by its fields and
any assignment or deletion of a field raises `FrozenInstanceError`; a plain one is unhashable.
"""

from __future__ import annotations

import reprlib
from dataclasses import MISSING, FrozenInstanceError, dataclass, fields
from operator import attrgetter
from typing import Any, Callable, TypeVar, dataclass_transform, overload

T = TypeVar("T")


@overload
def frozen(cls: type[T], *, slots: bool = False) -> type[T]: ...
@overload
def frozen(cls: None = None, *, slots: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True)  # so type checkers read the fields as a frozen dataclass's
def frozen(cls: type[T] | None = None, *, slots: bool = False) -> Any:
    """`@dataclass(frozen=True)`, quicker; `@frozen(slots=True)` for `__slots__`."""
    if cls is None:
        return lambda c: frozen(c, slots=slots)
    own = _own(cls)
    if own & {"__setattr__", "__delattr__"}:
        raise TypeError(f"{cls.__name__}: a frozen class cannot define __setattr__ or __delattr__")
    cls, names, values = _gathered(cls, slots, own)
    cls.__init__ = _init(cls, "slots" if slots else "dict")  # type: ignore[misc,method-assign]
    if "__hash__" not in own:
        cls.__hash__ = lambda self: hash(values(self))  # type: ignore[method-assign,assignment]
    if slots:  # copy and pickle set the slots back through these, not through the refusing __setattr__
        cls.__getstate__ = lambda self: values(self)  # type: ignore[method-assign]
        cls.__setstate__ = _set_state(names)  # type: ignore[method-assign,union-attr]
    cls.__setattr__ = _refuse(cls, frozenset(names), "assign to")  # type: ignore[method-assign]
    cls.__delattr__ = _refuse(cls, frozenset(names), "delete")  # type: ignore[method-assign]
    return cls


@dataclass_transform()
def record(cls: type[T]) -> type[T]:
    """`@dataclass`, quicker: fields set as attributes, unhashable (as dataclass makes it)."""
    own = _own(cls)
    cls, _, _ = _gathered(cls, False, own)
    cls.__init__ = _init(cls, "attributes")  # type: ignore[misc,method-assign]
    if "__hash__" not in own:
        cls.__hash__ = None  # type: ignore[assignment]
    return cls


def _own(cls: type) -> set[str]:
    """The methods the class defines itself, which, as dataclass does, are kept (a frozen class may
    not define __setattr__ or __delattr__)."""
    return {name for name in ("__eq__", "__repr__", "__hash__", "__setattr__", "__delattr__")
            if name in cls.__dict__ and not (name == "__hash__" and cls.__dict__[name] is None)}


def _gathered(cls: type[T], slots: bool,
              own: set[str]) -> tuple[Any, tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    """The dataclass with its fields gathered, compared and shown (unless it has its `own` way);
    its field names and their getter."""
    undocumented = cls.__doc__ is None
    if undocumented:  # else dataclass describes it with inspect.signature: slow (the first call compiles
        cls.__doc__ = cls.__name__  # tokenize's patterns), and before __init__; an empty doc counts as none
    made: Any = dataclass(init=False, repr=False, eq=False, slots=slots)(cls)
    names = tuple(f.name for f in fields(made))
    if undocumented:
        made.__doc__ = f"{made.__name__}({', '.join(names)})"
    values = _getter(names)
    if "__eq__" not in own:
        made.__eq__ = lambda self, other: (values(self) == values(other)
                                           if other.__class__ is self.__class__ else NotImplemented)
    if "__repr__" not in own:
        made.__repr__ = _repr(names)
    return made, names, values


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The fields' values as a tuple, in field order."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


class _NotGiven:
    def __repr__(self) -> str:
        return "<factory>"  # as dataclass shows such a default in the signature


_NOT_GIVEN = _NotGiven()


def _init(cls: type, writes: str) -> Callable[..., None]:
    """`__init__` writing each field into the instance's "dict", through its "slots" descriptors, or
    as "attributes" (a plain class's assignment)."""
    params: list[str] = []
    body: list[str] = ["    __fields__ = self.__dict__"] if writes == "dict" else []  # a name no field has
    namespace: dict[str, Any] = {"_NOT_GIVEN": _NOT_GIVEN}
    for f in fields(cls):
        if not (f.init and f.repr and f.compare and f.hash is None and not f.kw_only):
            raise TypeError(f"{cls.__name__}.{f.name}: these fields are compared, hashed and shown, "
                            "positional or keyword")
        if f.default_factory is not MISSING:  # as dataclass does: a marker default, the factory called for it
            namespace[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_NOT_GIVEN")
            value = f"_factory_{f.name}() if {f.name} is _NOT_GIVEN else {f.name}"
        elif f.default is MISSING:
            params.append(f.name)
            value = f.name
        else:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
            value = f.name
        if writes == "dict":
            body.append(f"    __fields__[{f.name!r}] = {value}")
        elif writes == "slots":
            namespace[f"_set_{f.name}"] = getattr(cls, f.name).__set__
            body.append(f"    _set_{f.name}(self, {value})")
        else:
            body.append(f"    self.{f.name} = {value}")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body) + "\n    pass\n"
    exec(source, namespace)  # noqa: S102  (the source is made above from the class's own field names)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {**{f.name: f.type for f in fields(cls)}, "return": None}
    return init  # type: ignore[no-any-return]


def _set_state(names: tuple[str, ...]) -> Callable[[Any, tuple[Any, ...]], None]:
    def __setstate__(self: Any, state: tuple[Any, ...]) -> None:
        for name, value in zip(names, state):
            object.__setattr__(self, name, value)
    return __setstate__


def _repr(names: tuple[str, ...]) -> Callable[[Any], str]:
    @reprlib.recursive_repr()
    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"
    return __repr__


def _refuse(cls: type, names: frozenset[str], verb: str) -> Callable[..., None]:
    def refuse(self: Any, name: str, *value: Any) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot {verb} field {name!r}")
        getattr(super(cls, self), "__setattr__" if value else "__delattr__")(name, *value)
    return refuse
