"""Strings as run-time values: the ``str`` IR type and the operations on it.

A value of IR type ``str`` is a CPython ``str`` object (its ``PyObject *``), a reference
counted as an array is (``compiler.passes.refcount``); compiled code that holds strings
runs with the GIL held (``compile(nogil=True)`` refuses them).  Every operation on one is
a ``py.call`` of CPython's own function -- ``operator.add``, ``operator.eq``, ``len``,
``str.__getitem__``, ``str.upper`` ... -- so results, exceptions and their messages are
CPython's, byte for byte.

Where strings come from:

* a ``str`` argument (exactly ``str``; the dispatcher refuses a subclass with a
  ``TypeError`` saying to pass ``str(x)``);
* an operation on strings (``s + t``, ``s[i]``, ``s.upper()``, ...), or
  ``compiler.py_call(fn, str, ...)``;
* a constant string (``"abc"``) stays a trace-time Python value -- ``mode == "fast"`` of two
  constants is decided while compiling, so a ``compile(static=("mode",))`` argument still
  picks code at trace time -- until it is used as a run-time value: merged with another
  string where paths meet (``s = "a" if x > 0 else "b"``), carried around a loop, put in a
  returned tuple, returned; it is then *materialized* (``str.const``);
* text made of run-time values (``f"{x:.3f}"``, ``str(n)``, ``"-".join(...)``: a
  ``frontend.text.Text``) is made by CPython where it is used as a value: in an operation
  (``len(t)``, ``t == "1.000"``), or where it becomes one (merged, returned, passed to
  another compiled function).  Printed or raised it is made where it is printed, as before.

Decision: a plain (not static) ``str`` argument compared with a constant is a run-time
comparison (``operator.eq`` called when the code runs): its value is not known when
compiling; declare it static to pick code while compiling.

What a run-time string supports: ``len``, ``== != < <= > >=`` (with anything: CPython's
result or ``TypeError``), ``in`` (substring; and ``s in ("a", "b")``), ``+`` with strings,
``*`` by an int, indexing and slicing (CPython's ``IndexError``; also of a constant string, and
a Python tuple of strings indexed at run time), iteration ``for ch in s``, truth (``if s:``),
``str(s)``, ``int(s)``, ``float(s)``, ``ord(c)``, ``chr(n)``, ``%`` formatting with ``s`` as the
template, f-strings and ``format`` of it, ``print`` and exception messages, the methods of
:data:`METHODS`;
everything else (``encode``, ``hash(s)``) is an ``UnsupportedError`` naming the line.  Operations on strings call into Python, so inside a
``try`` statement they are refused as other run-time Python calls are.
"""
from __future__ import annotations

import operator
import types
from typing import Any, Callable

from ir import TypingError, UnsupportedError
from ir.ops.runtime import StrConstOp
from ir.types import BoolType, IntType, ListType, StrType, TupleType, Type, bool_, f64, i64, str_

from . import text as text_module
from .iteration import IndexedIterable
from .context import TraceContext, current
from .runtime_calls import call_python
from .values import Symbolic, define, describe

__all__ = ["is_str", "str_like", "run_time_str_like", "as_str", "as_value", "text_as_value", "length", "compare",
           "contains", "truth", "getitem", "item_of", "binary", "to_number", "ord_", "chr_", "bound_method",
           "METHODS", "StrItems"]


def _tr() -> TraceContext:
    return current()


def is_str(x: Any) -> bool:
    """A run-time string (a traced value of type ``str``)."""
    return isinstance(x, Symbolic) and isinstance(x.type, StrType)


def str_like(x: Any) -> bool:
    """A string of any kind: a run-time one, text made at run time, or a Python ``str``."""
    return is_str(x) or isinstance(x, (str, text_module.Text))


def run_time_str_like(x: Any) -> bool:
    """A string known only at run time (a run-time ``str`` or text)."""
    return is_str(x) or isinstance(x, text_module.Text)


def _call(name: str, fn: Callable[..., Any], args: tuple, result: Type, raises: bool = True) -> Symbolic:
    """``fn(*args)`` called when the code runs (``runtime_calls.call_python``)."""
    return call_python(name, fn, args, result, raises, what=f"{name} of a run-time string")


def as_str(x: Any) -> Symbolic:
    """``x`` (a string of any kind) as a run-time ``str`` value."""
    if is_str(x):
        return x
    if isinstance(x, str):
        return _tr().emit_value(StrConstOp(x))
    if isinstance(x, text_module.Text):
        return _call("str", str, (x,), str_)
    raise _tr().error(TypingError, f"expected a string, not {describe(x)}")


def as_value(x: Any) -> Any:
    """``x`` with its text and (``constants``) Python strings made run-time strings, inside
    tuples too: what becomes a value of the IR (a result, an argument of another function)."""
    if isinstance(x, tuple):
        return tuple(as_value(v) for v in x)
    if isinstance(x, (str, text_module.Text)):
        return as_str(x)
    return x


def text_as_value(x: Any) -> Any:
    """``x`` with its text (not its Python strings) made run-time strings, inside tuples too."""
    if isinstance(x, tuple):
        return tuple(text_as_value(v) for v in x)
    return as_str(x) if isinstance(x, text_module.Text) else x


# ----------------------------------------------------------------- operations
def length(s: Any) -> Symbolic:
    """``len(s)``: a Python int."""
    return _call("len", len, (s,), i64, raises=False)


_COMPARISONS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
                ">=": operator.ge}


def compare(op: str, a: Any, b: Any) -> Any:
    """``a <op> b`` where one side is a run-time string: CPython's comparison when the code runs
    (a ``bool``; a ``TypeError`` for an order between a string and a number)."""
    return _call(f"str {op}", _COMPARISONS[op], (a, b), bool_, raises=op not in ("==", "!="))


def contains(container: Any, item: Any) -> Symbolic:
    """``item in container`` for a run-time string ``container`` (a substring test)."""
    return _call("str in", operator.contains, (container, item), bool_)


def truth(s: Any) -> Symbolic:
    """``bool(s)``: not empty."""
    return _call("str truth", bool, (s,), bool_, raises=False)


def _integer(x: Any) -> bool:
    if isinstance(x, Symbolic):
        return isinstance(x.type, (IntType, BoolType))
    return isinstance(x, int) or hasattr(x, "__index__") and not isinstance(x, float)


def getitem(s: Any, key: Any) -> Symbolic:
    """``s[i]`` or ``s[start:stop:step]`` (ints, run-time or constant, or None)."""
    if isinstance(key, slice):
        for bound in (key.start, key.stop, key.step):
            if bound is not None and not _integer(bound):
                raise _tr().error(TypingError, f"slice indices must be integers or None, not {describe(bound)}")
        return _call("str slice", lambda v, start, stop, step: v[start:stop:step],
                     (s, key.start, key.stop, key.step), str_)
    if not _integer(key):
        raise _tr().error(TypingError, f"string indices must be integers, not {describe(key)}")
    return _call("str index", operator.getitem, (s, key), str_)


def to_number(s: Any, kind: type) -> Symbolic:
    """``int(s)`` (an ``i64``: a value beyond 64 bits is CPython's ``OverflowError``) or
    ``float(s)``; a string that is no number raises CPython's ``ValueError``."""
    return _call(kind.__name__, kind, (s,), i64 if kind is int else f64)


def ord_(c: Any) -> Symbolic:
    return _call("ord", ord, (c,), i64)


def chr_(n: Any) -> Symbolic:
    if not _integer(n):
        raise _tr().error(TypingError, f"'{describe(n)}' object cannot be interpreted as an integer")
    return _call("chr", chr, (n,), str_)


def item_of(strings: tuple, key: Any) -> Symbolic:
    """``strings[i]`` of a Python tuple of strings (of any kind) at a run-time index."""
    return _call("tuple index", operator.getitem, (strings, key), str_)


def _concatenate(a: Any, b: Any) -> Any:
    for x in (a, b):
        if not str_like(x):
            raise _tr().error(TypingError, f'can only concatenate str (not "{describe(x)}") to str')
    return _call("str +", operator.add, (a, b), str_)


def _repeat(s: Any, n: Any) -> Any:
    if not _integer(n):
        raise _tr().error(TypingError, f"can't multiply sequence by non-int of type '{describe(n)}'")
    return _call("str *", operator.mul, (s, n), str_)


def _format(template: Any, values: Any) -> Any:
    return _call("str %", operator.mod, (template, values), str_)


def binary(op: str, a: Any, b: Any) -> Any:
    """``a <op> b`` (an arithmetic operator) where a side is a run-time string or text."""
    if op == "+":
        return _concatenate(a, b)
    if op == "*":
        return _repeat(b, a) if _integer(a) else _repeat(a, b)
    if op == "%" and str_like(a):
        return _format(a, b)
    raise _tr().error(TypingError, f"unsupported operand type(s) for {op}: '{_name(a)}' and '{_name(b)}'")


def _name(x: Any) -> str:
    return "str" if str_like(x) else describe(x)


#: the ``str`` methods compiled code calls on run-time strings, by the type of their result
METHODS: dict[str, Type] = {
    **{name: str_ for name in ("upper", "lower", "casefold", "capitalize", "title", "swapcase", "strip", "lstrip",
                               "rstrip", "replace", "removeprefix", "removesuffix", "zfill", "center", "ljust",
                               "rjust", "expandtabs", "format", "join")},
    **{name: bool_ for name in ("startswith", "endswith", "isalpha", "isdigit", "isdecimal", "isnumeric",
                                "isalnum", "isspace", "isupper", "islower", "istitle", "isidentifier",
                                "isprintable", "isascii")},
    **{name: i64 for name in ("find", "rfind", "index", "rindex", "count")},
    **{name: ListType(str_) for name in ("split", "rsplit", "splitlines")},
    **{name: TupleType((str_, str_, str_)) for name in ("partition", "rpartition")},
}


def _method(name: str, result: Type) -> Callable[..., Any]:
    unbound = getattr(str, name)

    def call(s: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs:   # (keyword arguments: a Python frame between anyway)
            names = tuple(kwargs)
            n = len(args)
            return _call(f"str.{name}", lambda v, *values: unbound(v, *values[:n], **dict(zip(names, values[n:]))),
                         (s, *args, *kwargs.values()), result)
        value = _call(f"str.{name}", unbound, (s, *args), result, raises=bool(args) or name == "format")
        return _tr().unpack(value) if isinstance(result, TupleType) else value   # (partition: three strings)
    return call


def bound_method(s: Any, name: str) -> Callable[..., Any]:
    """``s.<name>`` of a run-time string or text: a method of :data:`METHODS`, else refused."""
    result = METHODS.get(name)
    if result is None:
        if not hasattr(str, name):
            raise _tr().error(TypingError, f"'str' object has no attribute '{name}'")
        raise _tr().error(UnsupportedError, f"str.{name}() of a run-time string is not supported in compiled code "
                                            f"(strings support {', '.join(sorted(METHODS))}, len, comparisons, "
                                            "in, +, * and indexing); do it outside the compiled function")
    return types.MethodType(_method(name, result), as_str(s))   # a method of a traced value (``frontend.calls``)


class StrItems(IndexedIterable):
    """``for ch in s``: a counted loop over ``s[k]`` (``frontend.iteration``)."""

    def __init__(self, s: Any) -> None:
        self.s = as_str(s)

    def length(self) -> Any:
        return length(self.s)

    def item(self, k: Any) -> Any:
        return getitem(self.s, k)


def _reflected(fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    return lambda self, other: fn(other, self)


def _comparison(op: str) -> Callable[[Any, Any], Any]:
    return lambda self, other: compare(op, self, other)


def _refuse_hash(self: Any) -> Any:
    raise _tr().error(UnsupportedError, "hash() of a run-time string (also as a set element or dict key) is not "
                                        "supported in compiled code")


def _attributes() -> dict[str, Callable]:
    table: dict[str, Callable] = {
        "__add__": _concatenate, "__radd__": _reflected(_concatenate),
        "__mul__": _repeat, "__rmul__": _repeat,
        "__mod__": _format,
        "__getitem__": getitem,
        **{f"__{name}__": _comparison(op) for name, op in (("eq", "=="), ("ne", "!="), ("lt", "<"), ("le", "<="),
                                                             ("gt", ">"), ("ge", ">="))},
    }
    for name in dir(str):
        if not name.startswith("_"):
            table[name] = (lambda n: lambda s: bound_method(s, n))(name)
    return table


define(StrType, _attributes())
