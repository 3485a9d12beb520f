"""Record classes: dataclasses that cost a fraction of a millisecond to define.

``@record`` is ``@dataclasses.dataclass`` for the options this project uses (``frozen``,
``eq``, ``slots``; fields with defaults, ``field(default_factory=..., compare=..., repr=...)``,
``__post_init__``): the same fields, the same ``dataclasses.fields``, ``replace`` and
``is_dataclass``, the same methods and behaviour.

Why: ``dataclasses`` compiles every method it generates on its own (``__init__``,
``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``, ``__delattr__``), about a millisecond
per class; the compiler's 70 such classes were half the time of its import (57 ms of
``import compiler`` and of the modules its first call imports).  Here ``dataclasses`` only
collects the fields; ``__init__`` is the one method compiled, and the others are made from
``operator.attrgetter`` (C code: as fast as the generated tuple compares and hashes) and
closures.
"""
from __future__ import annotations

import dataclasses
from operator import attrgetter
from typing import Any, Callable

__all__ = ["record"]


def record(cls: type | None = None, /, *, frozen: bool = False, eq: bool = True, slots: bool = False) -> Any:
    """``dataclass(cls, frozen=frozen, eq=eq, slots=slots)``, defined quickly (module docstring)."""
    def make(cls: type) -> type:
        cls = dataclasses.dataclass(cls, init=False, repr=False, eq=False, slots=slots)
        fields = dataclasses.fields(cls)
        own = cls.__dict__
        _define(cls, "__init__", _init(cls, fields, frozen))
        _define(cls, "__repr__", _repr([f.name for f in fields if f.repr]))
        if eq:
            key = _key([f.name for f in fields if f.compare])
            _define(cls, "__eq__", _equal(key))
            explicit_hash = "__hash__" in own and not (own["__hash__"] is None and "__eq__" in own)
            if not explicit_hash:       # as dataclass: frozen hashes its compared fields, mutable is unhashable
                cls.__hash__ = (lambda self: hash(key(self))) if frozen else None
        if frozen:
            _define(cls, "__setattr__", _refuse(cls, fields, "assign to"))
            _define(cls, "__delattr__", _refuse(cls, fields, "delete"))
            if slots:   # pickling and copying: the fields set past the refusing __setattr__
                _define(cls, "__getstate__", lambda self: [getattr(self, f.name) for f in fields])
                _define(cls, "__setstate__", _set_state(fields))
        return cls

    return make if cls is None else make(cls)


def _define(cls: type, name: str, method: Callable) -> None:
    """Set ``method`` unless the class body defined ``name`` itself (as dataclass does)."""
    if name not in cls.__dict__:
        method.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, method)


def _init(cls: type, fields: tuple, frozen: bool) -> Callable:
    """``__init__`` of the fields in order, compiled (the one method on the path of every
    instance): defaults as dataclass binds them, factories called per instance."""
    params, body = ["self"], []
    scope: dict[str, Any] = {"_set": object.__setattr__, "_FACTORY": object()}
    assign = "_set(self, {0!r}, {1})" if frozen else "self.{0} = {1}"
    for f in fields:
        if not f.init:
            raise TypeError(f"record {cls.__qualname__}: field {f.name} with init=False is not supported")
        value = f.name
        if f.default is not dataclasses.MISSING:
            scope[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        elif f.default_factory is not dataclasses.MISSING:
            scope[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_FACTORY")
            value = f"_factory_{f.name}() if {f.name} is _FACTORY else {f.name}"
        else:
            params.append(f.name)
        body.append(assign.format(f.name, value))
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    source = f"def __init__({', '.join(params)}):\n    " + "\n    ".join(body or ["pass"]) + "\n"
    exec(source, scope)
    return scope["__init__"]


def _repr(names: list[str]) -> Callable:
    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{type(self).__qualname__}({shown})"
    return __repr__


def _set_state(fields: tuple) -> Callable:
    def __setstate__(self: Any, state: list) -> None:
        for f, value in zip(fields, state):
            object.__setattr__(self, f.name, value)
    return __setstate__


def _key(names: list[str]) -> Callable[[Any], tuple]:
    """The tuple of the compared fields of an instance (a tuple even of one field: tuples
    compare items by identity first, so a field holding NaN equals itself, as in dataclass)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        get = attrgetter(names[0])
        return lambda self: (get(self),)
    return lambda self: ()


def _equal(key: Callable[[Any], Any]) -> Callable:
    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented
    return __eq__


def _refuse(cls: type, fields: tuple, verb: str) -> Callable:
    """Frozen: assigning or deleting a field of an instance of ``cls`` itself raises
    ``dataclasses.FrozenInstanceError`` (a subclass that is no record may still set its own)."""
    names = frozenset(f.name for f in fields)
    method = "__setattr__" if verb == "assign to" else "__delattr__"

    def refuse(self: Any, name: str, *value: Any) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot {verb} field {name!r}")
        getattr(super(cls, self), method)(name, *value)
    return refuse
