"""The ``operator`` module in compiled code: each function is its operator.

CPython defines ``operator.add(a, b)`` as ``a + b``, ``operator.truediv(a, b)`` as ``a / b``,
``operator.not_(x)`` as ``not x``, ``operator.getitem(a, k)`` as ``a[k]``, ...  In compiled code
each function calls the staged implementation the converted operator calls (``frontend.staging``),
so its types, results, errors and error model are the operator's:

* the operators converted code leaves to Python -- ``+ - * ** << >> & | ^ @``, the comparisons,
  unary ``- + ~`` and the augmented forms but the divisions -- are the traced values' own
  operators: ``operator.add`` and the others are called as they are (``operator.add`` of a
  traced value calls its ``__add__``, as ``a + b`` does), also on arrays;
* ``truediv``, ``floordiv``, ``mod`` and ``itruediv``, ``ifloordiv``, ``imod`` divide as ``/``,
  ``//`` and ``%`` do (``frontend.arith.divide``: ``error_model="numpy"`` gives NumPy's results
  by zero for them too);
* ``not_`` is ``not``, ``truth`` is ``bool()``, ``abs`` is ``abs()``, ``is_`` and ``is_not`` are
  ``is`` and ``is not`` (a value that may be None tested against None), ``contains(a, b)`` is
  ``b in a``, ``getitem(a, k)`` is ``a[k]``; ``setitem`` and ``delitem`` change a container
  where ``a[k] = v`` and ``del a[k]`` may (``frontend.calls.mutable``);
* ``index(x)`` of an int or bool is the Python int ``int(x)`` gives (a ``uint64`` above
  2**63 - 1 raises ``OverflowError``: compiled ints are 64-bit); ``concat`` and ``iconcat`` are
  ``+`` and ``+=`` of sequences (run-time strings); for a type CPython refuses (a float's
  ``index``, a number's ``concat``) they raise CPython's ``TypeError`` while compiling, a
  ``TypingError`` (``frontend.pymath.cpython_type_error``);
* ``itemgetter``, ``attrgetter`` and ``methodcaller`` made of constants are CPython's own
  objects, also where they are made outside the compiled function; called in compiled code an
  item getter indexes as ``a[k]`` does (a tuple of items for several keys), the others read
  attributes and call methods as ``a.name`` and ``a.name(...)`` do.  Made of run-time values
  they are refused;
* ``countOf``, ``indexOf``, ``length_hint`` and ``call`` run while compiling on constants and
  are refused with run-time values.

Layer: above ``frontend.builtins``, ``frontend.sequences`` and ``frontend.optional``;
``frontend.calls`` looks these up.
"""
from __future__ import annotations

import builtins as py_builtins
import operator
from typing import Any, Callable

from ir import TypingError, UnsupportedError
from ir.types import BoolType, IntType

from . import arith, builtins, pymath, sequences
from .context import TraceContext, current
from .optional import identity
from .raising import user_computation
from .text import Text
from .values import OptionalValue, Symbolic, type_of


def _tr() -> TraceContext:
    return current()


def _traced(*values: Any) -> bool:
    return any(isinstance(v, (Symbolic, OptionalValue, Text)) or isinstance(v, (tuple, list)) and _traced(*v)
               for v in values)


#: the functions whose operators converted code leaves to Python: called as they are
_THE_OPERATORS = (
    operator.add, operator.sub, operator.mul, operator.pow, operator.lshift, operator.rshift, operator.and_,
    operator.or_, operator.xor, operator.matmul, operator.neg, operator.pos, operator.invert, operator.inv,
    operator.lt, operator.le, operator.eq, operator.ne, operator.gt, operator.ge, operator.iadd, operator.isub,
    operator.imul, operator.ipow, operator.ilshift, operator.irshift, operator.iand, operator.ior, operator.ixor,
    operator.imatmul,
)

_DIVISIONS = {operator.truediv: "/", operator.floordiv: "//", operator.mod: "%",
              operator.itruediv: "/", operator.ifloordiv: "//", operator.imod: "%"}


def _division(fn: Callable, op: str) -> Callable:
    def divide(a: Any, b: Any) -> Any:
        return arith.divide(fn, op, a, b)
    return divide


def _refuse_unless_cpython_takes(fn: Callable, *args: Any) -> None:
    """CPython's ``TypeError`` of ``fn`` for the types of ``args``, raised while compiling."""
    message = pymath.cpython_type_error(fn, *args)
    if message is not None:
        raise _tr().error(TypingError, message)


def _index(x: Any) -> Any:
    if not _traced(x):
        return user_computation(operator.index, x)
    _refuse_unless_cpython_takes(operator.index, x)
    t = type_of(x)
    if not isinstance(t, (IntType, BoolType)):
        raise _tr().error(UnsupportedError, f"operator.index() of a {t} is not supported in compiled code")
    return builtins.lookup(py_builtins.int)(x)


def _concatenation(fn: Callable, plus: Callable) -> Callable:
    """``concat`` (``plus``: ``+``) or ``iconcat`` (``+=``)."""
    def concat(a: Any, b: Any) -> Any:
        if not _traced(a, b):
            return user_computation(fn, a, b)
        _refuse_unless_cpython_takes(fn, a, b)
        return plus(a, b)
    return concat


def _setitem(obj: Any, key: Any, value: Any) -> None:
    from .calls import mutable   # a layer above

    mutable(obj)[key] = value


def _delitem(obj: Any, key: Any) -> None:
    from .calls import mutable   # a layer above

    del mutable(obj)[key]


def _of_constants(fn: Callable) -> Callable:
    """``fn`` run while compiling, on constants only."""
    def call(*args: Any, **kwargs: Any) -> Any:
        if _traced(*args, *kwargs.values()):
            name = getattr(fn, "__name__", repr(fn))
            raise _tr().error(UnsupportedError, f"operator.{name}() of run-time values is not supported in compiled "
                                                "code; write it with the operators it stands for")
        return user_computation(fn, *args, **kwargs)
    return call


def _item_getter(getter: operator.itemgetter) -> Callable:
    """Calling an ``operator.itemgetter``: ``a[k]``, or a tuple of them for several keys."""
    keys = getter.__reduce__()[1]

    def get(obj: Any) -> Any:
        if len(keys) == 1:
            return sequences.getitem(obj, keys[0])
        return tuple(sequences.getitem(obj, k) for k in keys)
    return get


def _table() -> dict[Any, Callable]:
    table: dict[Any, Callable] = {fn: fn for fn in _THE_OPERATORS}
    table.update({fn: _division(fn, op) for fn, op in _DIVISIONS.items()})
    table.update({
        operator.not_: arith.logical_not,
        operator.truth: builtins.lookup(py_builtins.bool),
        operator.abs: builtins.lookup(py_builtins.abs),
        operator.is_: lambda a, b: identity(a, b, False),
        operator.is_not: lambda a, b: identity(a, b, True),
        operator.contains: sequences.contains,
        operator.getitem: sequences.getitem,
        operator.setitem: _setitem,
        operator.delitem: _delitem,
        operator.index: _index,
        operator.concat: _concatenation(operator.concat, operator.add),
        operator.iconcat: _concatenation(operator.iconcat, operator.iadd),
    })
    for name in operator.__all__:   # the getters' classes, countOf, indexOf, length_hint, call
        fn = getattr(operator, name)
        if fn not in table:
            table[fn] = _of_constants(fn)
    return table


_FUNCTIONS = _table()


def lookup(f: Any) -> Callable | None:
    """Our implementation of the ``operator`` function ``f`` (or of calling the item getter
    ``f``), or None if ``f`` is no such function."""
    if isinstance(f, operator.itemgetter):
        return _item_getter(f)
    try:
        return _FUNCTIONS.get(f)
    except TypeError:   # unhashable
        return None
