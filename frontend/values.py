"""What a variable can hold while a function is traced.

* plain Python values (ints, floats, tuples, functions, modules, ...): they
  are evaluated at trace time and never reach the IR unless an operation
  mixes them with traced values, where scalars become constants;
* :class:`Symbolic`: an IR value (a type, no value); every Python operator
  on it appends ops to the IR (see ``frontend.arith``).  A *weak* symbolic
  value stands for a Python ``int``/``float``/``complex`` object (an
  argument, an accumulator started from a literal): as in NumPy 2 (NEP 50)
  it does not widen a NumPy type it meets -- ``alpha * x`` is ``float32``
  when ``x`` is a ``float32`` element, even if ``alpha`` is a Python float;
* :class:`MaybeUnbound`: a variable bound on some paths only, with a
  run-time flag that says whether it is bound; reading it checks the flag
  and raises ``UnboundLocalError`` as CPython would;
* :class:`TypeConflict`: a variable whose paths disagree on its type;
  reading it is a ``TypingError`` naming both types and places.
"""
from __future__ import annotations

from typing import Any

from ir import Location, TypingError, UnsupportedError, Value
from ir.types import (
    TupleType, Type, bool_, c128, f64, i64, none,
)

PY_SCALARS = (bool, int, float, complex)


class Symbolic:
    """A traced value: wraps an IR :class:`~ir.Value`.

    Python operators are defined in ``frontend.arith`` (installed on this
    class there).  Using one where Python needs a concrete value
    (``bool(x)``, ``range(x)`` outside the compiled code) is a
    ``TypingError`` that says so.  A traced value has no text and no hash
    until the compiled code runs: ``str``, ``repr``, ``format`` (f-strings,
    ``%``, ``print``) and ``hash`` of one are an ``UnsupportedError`` rather
    than the text or hash of a placeholder (CPython would give the number's).

    ``bounds``, on a weak int that merged or carried Python int constants only:
    the lowest and highest of them (see ``frontend.layout``).
    """

    __slots__ = ("value", "weak", "bounds")

    def __init__(self, value: Value, weak: bool = False):
        self.value = value
        self.weak = weak
        self.bounds: tuple[int, int] | None = None

    @property
    def type(self) -> Type:
        return self.value.type

    def __bool__(self) -> bool:
        raise TypingError(
            f"the truth value of a traced {self.type} is not known at compile time; "
            "it can only be used in conditions of the compiled function itself "
            "(if, while, and/or, ternaries), not in Python code it calls at compile time")

    def __index__(self) -> int:
        raise TypingError(
            f"a traced {self.type} cannot be used where Python needs a concrete integer "
            "at compile time (a list index, a slice of a Python object, ...)")

    def __iter__(self):
        raise TypingError(f"a traced {self.type} is not iterable")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise TypingError(f"a traced {self.type} has no attribute '{name}' in compiled code")

    def __repr__(self) -> str:
        raise UnsupportedError(
            f"converting a run-time {self.type} to text (str, repr, format, f-strings, %, print) is not "
            "supported in compiled code: its value is only known when the compiled code runs; "
            "return the number and format it outside the compiled function")

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __hash__(self) -> int:
        raise UnsupportedError(
            f"hash() of a run-time {self.type} (also as a set element or dict key) is not supported in "
            "compiled code: its value is only known when the compiled code runs; "
            "compute the hash outside the compiled function")


class MaybeUnbound:
    """A variable bound only on some paths: ``value`` where ``flag`` is true."""

    __slots__ = ("value", "flag", "name")

    def __init__(self, value: Any, flag: Any, name: str):
        self.value = value
        self.flag = flag
        self.name = name


class TypeConflict:
    """A variable whose types differ between the paths that meet."""

    __slots__ = ("name", "message", "loc")

    def __init__(self, name: str, message: str, loc: Location | None):
        self.name = name
        self.message = message
        self.loc = loc

    def error(self) -> TypingError:
        return TypingError(self.message, self.loc)


def python_scalar_type(value: Any) -> Type | None:
    """The IR type of a Python scalar constant, or None if it is not one."""
    if isinstance(value, bool):
        return bool_
    if isinstance(value, int):
        return i64
    if isinstance(value, float):
        return f64
    if isinstance(value, complex):
        return c128
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is a dependency
        return None
    if isinstance(value, np.generic):
        from ir.dtypes import from_dtype

        return from_dtype(value.dtype)
    return None


def type_of(value: Any) -> Type | None:
    """The IR type a value would have in the IR, or None if it has none."""
    if isinstance(value, Symbolic):
        return value.type
    if value is None:
        return none
    if isinstance(value, tuple):
        elements = [type_of(v) for v in value]
        if any(e is None for e in elements):
            return None
        return TupleType(tuple(elements))  # type: ignore[arg-type]
    return python_scalar_type(value)


def describe(value: Any) -> str:
    """A short description of a value for error messages."""
    t = type_of(value)
    if t is not None:
        return str(t)
    return f"Python {type(value).__name__}"
