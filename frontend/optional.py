"""Values that may be None (``Optional[T]``): ``is None`` tests, narrowing, operators.

A variable that is None on some paths and a value on others is an
:class:`~frontend.values.OptionalValue` after the paths meet (see
``frontend.layout``): a run-time bool that says whether it is present, and
the value (a placeholder where it is None).  Python-semantics decisions:

* ``x is None`` / ``x is not None`` is that bool (negated for ``is None``);
  ``is`` between two values that are not None is decided at trace time as
  before (a traced number is never None; two Python objects are compared);
  ``is`` between a value that may be None and anything but None is refused;
* *narrowing*: in the branch of an ``if`` (or a conditional expression)
  whose condition is such a test, the variable is its value, or None, with
  no run-time check; when the other branch always raises, that holds after
  the ``if`` too (``if x is None: raise ...``).  A test combined with
  ``and``/``or``/``not`` narrows nothing: operations check at run time;
* its truth (``if x:``, ``x and y``, ``not x``) is False where it is None, else the
  value's truth (numbers and strings; an array's is refused); where ``if x:`` holds, x is
  its value;
* an operator, ``[]`` or attribute on a value that may be None checks at
  run time and raises CPython's exception where it is None -- its message
  found by CPython itself, doing the same operation on None and a value of
  the other operand's run-time type (``unsupported operand type(s) for +:
  'NoneType' and 'int'``); ``==`` and ``!=`` between numbers do not raise:
  None equals only None.  Where it is present, the operation is that of the
  value.  An operand that is None itself (a None argument, ``x * None``)
  raises the same way, always.  Passing one to a function traces the function with an optional
  parameter; NumPy, math and builtin functions refuse it at compile time
  (test ``x is not None`` first).

Layer: above the typing rules (``frontend.arith``) and the trace context;
``frontend.layout``, ``frontend.variables`` and ``frontend.control`` use it.
"""
from __future__ import annotations

import operator
from itertools import product
from typing import Any, Callable

import numpy as np

from ir import TypingError
from ir.dtypes import to_dtype
from ir.types import ArrayType, BoolType, ComplexType, FloatType, IntType, OptionalType

from . import arith
from .context import PathEnds, current
from .values import OptionalValue, Symbolic, define, describe


# ----------------------------------------------------------------- `is None` and narrowing
def identity(a: Any, b: Any, negate: bool) -> Any:
    """``a is b`` (``a is not b`` when ``negate``)."""
    if b is None and isinstance(a, OptionalValue) or a is None and isinstance(b, OptionalValue):
        opt = a if isinstance(a, OptionalValue) else b
        present = arith.truth(opt.flag)
        result = present if negate else arith.logical_not(present)
        if isinstance(result, Symbolic):
            result = Symbolic(result.value, weak=True)
            when_present = (opt, opt.value)
            when_none = (opt, None)
            current().function.tests[result.value] = (when_present, when_none) if negate else (when_none, when_present)
        return result
    if isinstance(a, OptionalValue) or isinstance(b, OptionalValue):
        raise current().error(TypingError, f"'is' between a {describe(a)} and a {describe(b)}: a value that may be "
                                           "None can only be tested with 'is None' or 'is not None'")
    return (a is not b) if negate else (a is b)


def narrowings(cond: Any) -> tuple[tuple | None, tuple | None]:
    """What each branch of an ``if`` on ``cond`` knows: ``(optional, value)`` where it is
    true and where it is false (None: nothing)."""
    if isinstance(cond, Symbolic):
        return current().function.tests.get(cond.value, (None, None))
    return None, None


def narrow(fact: tuple | None) -> None:
    """Let the code traced from here on in this region know ``fact`` (see :func:`narrowings`)."""
    if fact is not None:
        current().frame.narrowed[id(fact[0])] = fact


def narrowed(value: Any) -> Any:
    """``value`` as the regions being traced know it: the value or None for an optional
    one tested there, else ``value`` itself."""
    if isinstance(value, OptionalValue):
        for frame in reversed(current().function.frames):
            fact = frame.narrowed.get(id(value))
            if fact is not None:
                return fact[1]
    return value


# ----------------------------------------------------------------- operators
def _sample(value: Any) -> Any:
    """A Python value of the type ``value`` has when the compiled code runs (for CPython's
    error message of an operation), or ``value`` itself if it is a Python value."""
    if not isinstance(value, Symbolic):
        return value
    t = value.type
    if isinstance(t, ArrayType):
        return np.ones((1,) * t.ndim, to_dtype(t.dtype))
    if not t.is_scalar:
        raise current().error(TypingError, f"an operation between a value that may be None and a {t} "
                                           "is not supported; test 'x is not None' first")
    if value.weak:
        return {BoolType: True, IntType: 1, FloatType: 1.0, ComplexType: 1j}[type(t)]
    return to_dtype(t).type(1)


def _checked(fn: Callable, operands: tuple) -> tuple:
    """Raise, at run time, CPython's exception of ``fn(*operands)`` where one of the
    optional operands is None; the operands with their values (where they are present)."""
    optional = [i for i, v in enumerate(operands) if isinstance(v, OptionalValue)]
    for absent in product((False, True), repeat=len(optional)):
        if not any(absent):
            continue
        nones = {i for i, a in zip(optional, absent) if a}
        samples = [None if i in nones else _sample(v.value if isinstance(v, OptionalValue) else v)
                   for i, v in enumerate(operands)]
        try:
            fn(*samples)
        except Exception as err:
            error = err
        else:
            raise current().error(TypingError, f"this operation on a value that may be None is not supported "
                                               "in compiled code; test 'x is not None' first")
        cond: Any = True
        for i, a in zip(optional, absent):
            present = arith.truth(operands[i].flag)
            cond = arith.logical_and(cond, arith.logical_not(present) if a else present)
        message = str(error).replace("{", "{{").replace("}", "}}")
        arith.raise_if(cond, type(error).__name__, message)
        if cond is True:  # an operand that is None: the path ends here
            raise PathEnds()
    return tuple(v.value if isinstance(v, OptionalValue) else v for v in operands)


def _apply(fn: Callable, *operands: Any) -> Any:
    return fn(*_checked(fn, operands))


def _equal(a: Any, b: Any) -> Any:
    """``a == b`` where either may be None: None equals None only (numbers, no raise)."""
    values = [v.value if isinstance(v, OptionalValue) else v for v in (a, b)]
    if any(isinstance(v, Symbolic) and not v.type.is_scalar for v in values):
        raise current().error(TypingError, "== and != between an array that may be None and another value are "
                                           "not supported; test 'x is not None' first")
    flags = [arith.truth(v.flag) if isinstance(v, OptionalValue) else v is not None for v in (a, b)]
    both = arith.logical_and(flags[0], flags[1])
    neither = arith.logical_and(arith.logical_not(flags[0]), arith.logical_not(flags[1]))
    same = arith.truth(values[0] == values[1]) if both is not False else False
    result = arith.logical_or(arith.logical_and(both, same), neither)
    return Symbolic(result.value, weak=True) if isinstance(result, Symbolic) else result


def _operator(name: str) -> Callable:
    """The ``operator`` function of the dunder ``name`` (``__add__``, ``__iadd__``, ``__lt__``)."""
    base = name.strip("_")
    return getattr(operator, base + "_" if base in ("and", "or") else base)


_ARITHMETIC = ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "lshift", "rshift", "and", "or", "xor",
               "matmul")
#: the dunders of binary operators: ``__add__``, ``__iadd__``, ``__lt__``, ...
_FORWARD = [f"__{p}{n}__" for n in _ARITHMETIC for p in ("", "i")] + ["__lt__", "__le__", "__gt__", "__ge__"]


def _reflected(opt: OptionalValue, left: Any, name: str) -> Any:
    """``left <name> opt``, ``name`` a forward dunder, ``left`` a traced value (see ``values._binary``)."""
    if name in ("__eq__", "__ne__"):
        equal = _equal(left, opt)
        return arith.logical_not(equal) if name == "__ne__" else equal
    if name.startswith("__r") and name[3:-2] in _ARITHMETIC:
        return _apply(_operator(f"__{name[3:]}"), opt, left)
    return _apply(_operator(name), left, opt)


def _operators() -> dict[str, Callable]:
    table: dict[str, Callable] = {}
    for name in _FORWARD:
        table[name] = lambda self, other, fn=_operator(name): _apply(fn, self, other)
    for name in _ARITHMETIC:
        table[f"__r{name}__"] = lambda self, other, fn=_operator(f"__{name}__"): _apply(fn, other, self)
    for name, fn in (("neg", operator.neg), ("pos", operator.pos), ("invert", operator.invert), ("abs", abs)):
        table[f"__{name}__"] = lambda self, fn=fn: _apply(fn, self)
    table["__eq__"] = _equal
    table["__ne__"] = lambda self, other: arith.logical_not(_equal(self, other))
    table["__getitem__"] = lambda self, key: _apply(operator.getitem, self, key)
    table["__setitem__"] = lambda self, key, value: _apply(operator.setitem, self, key, value)
    table["__getattr__"] = lambda self, name: _apply(lambda v: getattr(v, name), self)
    table["reflected"] = _reflected
    return table


define(OptionalType, _operators())
