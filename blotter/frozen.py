"""`@frozen`: a frozen dataclass that is quick to define and quick to make. Standard library only
(the domain's events and the simulator's requests both use it).

`dataclass(frozen=True)` compiles six methods from source text for every class (`__init__`,
`__repr__`, `__eq__`, `__hash__`, `__setattr__`, `__delattr__`): ~1-2 ms a class, and the blotter
defines ~60 of them at start-up. Its `__init__` then writes each field through `object.__setattr__`,
a call per field: 4.4 us for twelve fields.

Here `dataclass` only gathers the fields (no method compiled: `fields`, `replace` and `match` work
as on any dataclass); `__init__` is compiled once, with the same signature and defaults, and writes
the fields straight into the instance's `__dict__` (0.8 us for twelve); the other methods are shared
functions over the class's fields in field order, as a frozen dataclass's are: equal when of the
same class with equal fields, hashed by the fields, shown as `Name(field=value, ...)`, and any
assignment or deletion of a field raises `FrozenInstanceError`.
"""

from __future__ import annotations

import reprlib
from dataclasses import MISSING, FrozenInstanceError, dataclass, fields
from operator import attrgetter
from typing import Any, Callable, TypeVar

T = TypeVar("T")


def frozen(cls: type[T] | None = None, *, slots: bool = False) -> Any:
    """`@dataclass(frozen=True)`, quicker; `@frozen(slots=True)` for `__slots__`. No `__post_init__`,
    and no field left out of `__init__`, equality, hashing or the repr (TypeError)."""
    if cls is None:
        return lambda c: frozen(c, slots=slots)
    undocumented = cls.__doc__ is None
    if undocumented:
        cls.__doc__ = ""  # else dataclass would describe it with inspect.signature (slow, and before __init__)
    cls = dataclass(init=False, repr=False, eq=False, slots=slots)(cls)
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    if undocumented:
        cls.__doc__ = f"{cls.__name__}({', '.join(names)})"
    values = _getter(names)
    cls.__init__ = _init(cls, slots)  # type: ignore[misc]
    cls.__eq__ = lambda self, other: (values(self) == values(other)  # type: ignore[method-assign,assignment]
                                      if other.__class__ is self.__class__ else NotImplemented)
    cls.__hash__ = lambda self: hash(values(self))  # type: ignore[method-assign,assignment]
    cls.__repr__ = _repr(names)  # type: ignore[method-assign]
    cls.__setattr__ = _refuse(cls, frozenset(names), "assign to")  # type: ignore[method-assign]
    cls.__delattr__ = _refuse(cls, frozenset(names), "delete")  # type: ignore[method-assign]
    return cls


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The fields' values as a tuple, in field order."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


_NOT_GIVEN = object()


def _init(cls: type, slots: bool) -> Callable[..., None]:
    """Written into the instance's __dict__, or through each slot's descriptor (no __dict__ then)."""
    params: list[str] = []
    body: list[str] = []
    namespace: dict[str, Any] = {"_NOT_GIVEN": _NOT_GIVEN}
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: @frozen has no __post_init__")
    for f in fields(cls):
        if not (f.init and f.repr and f.compare and f.hash is None and not f.kw_only):
            raise TypeError(f"{cls.__name__}.{f.name}: @frozen fields are compared, hashed and shown, "
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
        if slots:
            namespace[f"_set_{f.name}"] = getattr(cls, f.name).__set__
            body.append(f"    _set_{f.name}(self, {value})")
        else:
            body.append(f"    d[{f.name!r}] = {value}")
    head = "" if slots else "    d = self.__dict__\n"
    source = f"def __init__(self, {', '.join(params)}):\n{head}" + "\n".join(body) + "\n    pass\n"
    exec(source, namespace)  # noqa: S102  (the source is made above from the class's own field names)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {**{f.name: f.type for f in fields(cls)}, "return": None}
    return init  # type: ignore[no-any-return]


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
