"""``math`` functions and ``round``/``hash``/``bin``/``hex``/``oct`` computed by CPython itself
when the compiled code runs: exact where CPython's results depend on more than an expression
of machine operations (``fsum``'s exact partial sums, ``comb``'s and ``perm``'s big integers
checked against the 64-bit result, ``round(x, n)``'s correctly rounded decimal, ``hash``, the
text of an int).

Each is a ``py.call`` (``frontend.runtime_calls``) of the CPython function with the values
as CPython holds them; with constant arguments it runs while compiling.  Python-semantics
decisions:

* the results are Python numbers (``math.frexp`` gives ``(float, int)``);
* an ``int`` result that does not fit in 64 bits (``math.comb(100, 50)``) raises
  ``OverflowError`` where the compiled code gets there: compiled integers are 64-bit, and a
  wrong number is never returned;
* ``math.fsum``, ``math.prod`` and ``math.dist`` take arrays, tuples and lists of numbers (read
  where the code runs, run-time lists too); ``math.prod`` of floats is a float, also for an
  empty array or list (CPython gives its ``start``, the int 1: the type cannot depend on a
  run-time length);
* ``round(x, n)`` of a Python ``float`` (or of an ``int`` to negative digits) is computed
  so, for a constant or run-time ``n``; of a NumPy scalar it is NumPy's rounding, compiled
  for a constant ``n`` and refused for a run-time one;
* ``hash`` of a number, or of a tuple of numbers (nested tuples, run-time strings too), is
  CPython's hash of the objects CPython would hold (a Python ``int``, a NumPy scalar of an
  array element), so it equals ``hash(t)`` in the same process; only a NaN's hash differs,
  as it does between two NaN objects in CPython;
* ``bin``, ``hex`` and ``oct`` of an int (a Python ``int`` or ``bool``, a NumPy integer: its
  ``__index__``) are run-time strings (``frontend.strings``) CPython makes; of a value of a
  type that has no ``__index__`` (a float, a NumPy bool, a string, an array) they are
  CPython's ``TypeError`` for that type, raised while compiling (a ``TypingError``), as every
  value of the type raises it (:func:`cpython_type_error`).

Layer: above ``frontend.runtime_calls``; ``frontend.calls`` looks these up.
"""
from __future__ import annotations

import builtins
import math
from typing import Any, Callable

from ir import TypingError, UnsupportedError
from ir.types import f64, i64, str_

from . import arrays, runtime_calls
from .context import TraceContext, current
from .raising import user_computation
from .text import Text, sample
from .values import OptionalValue, Symbolic, type_of


def _tr() -> TraceContext:
    return current()


def _traced(*values: Any) -> bool:
    return any(isinstance(v, Symbolic) or isinstance(v, tuple) and _traced(*v) for v in values)


def _at_run_time(f: Callable, name: str, result: type) -> Callable:
    """``f`` of numbers: folded when constant, else called by the compiled code."""
    staged = runtime_calls.run_time_call(f, name, result)

    def call(*args: Any, **kwargs: Any) -> Any:
        if not _traced(*args, *kwargs.values()):
            return user_computation(f, *args, **kwargs)
        return staged(*args, **kwargs)
    return call


def _frexp(x: Any) -> Any:
    if not _traced(x):
        return user_computation(math.frexp, x)
    mantissa = runtime_calls.run_time_call(lambda v: math.frexp(v)[0], "math.frexp", float)(x)
    exponent = runtime_calls.run_time_call(lambda v: math.frexp(v)[1], "math.frexp", int)(x)
    return mantissa, exponent


def _fsum(values: Any) -> Any:
    if arrays.is_array(values):
        if values.type.ndim != 1:   # CPython iterates over rows: fsum of arrays is a TypeError
            raise _tr().error(UnsupportedError, "math.fsum() of an array of more than one dimension is not "
                                                "supported (CPython would iterate over its rows)")
        return runtime_calls.call_with_values("math.fsum", math.fsum, (values,), f64)
    if _run_time_sequence(values):
        return runtime_calls.call_with_values("math.fsum", math.fsum, (values,), f64)
    return user_computation(math.fsum, values)


def _run_time_sequence(values: Any) -> bool:
    """Whether ``values`` is a tuple or list holding traced items, or a run-time list or tuple
    (``frontend.lists``): CPython reads it when the code runs."""
    from . import lists   # a layer above

    values = lists.current_value(values)
    return isinstance(values, (tuple, list)) and _traced(*values) or lists.is_list(values)


def _prod(values: Any, *, start: Any = 1) -> Any:
    """``math.prod`` of an array or a tuple: CPython multiplies the items as it holds them
    (NumPy scalars of an array: NumPy's arithmetic)."""
    from . import lists   # a layer above

    values = lists.current_value(values)
    if not (arrays.is_array(values) or _run_time_sequence(values) or _traced(start)):
        return user_computation(math.prod, values, start=start)
    if arrays.is_array(values) and values.type.ndim != 1:
        raise _tr().error(UnsupportedError, "math.prod() of an array of more than one dimension is not "
                                            "supported (CPython would multiply its rows)")
    items = [values.type.dtype] if arrays.is_array(values) else [values.type.element] if lists.is_list(values) \
        else [type_of(v) for v in values]
    types = [*items, type_of(start)]
    kinds = {str(t)[0] for t in types}
    if not kinds <= set("iuf") or "u" in kinds:
        raise _tr().error(UnsupportedError, "math.prod() in compiled code takes signed ints and floats")
    result_type = f64 if "f" in kinds else i64
    return runtime_calls.call_with_values("math.prod", lambda v, s: math.prod(v, start=s), (values, start),
                                          result_type)


def _dist(p: Any, q: Any) -> Any:
    if not _traced(p, q) and not (arrays.is_array(p) or arrays.is_array(q)) and \
            not (_run_time_sequence(p) or _run_time_sequence(q)):
        return user_computation(math.dist, p, q)
    return runtime_calls.call_with_values("math.dist", math.dist, (p, q), f64)


def _round(x: Any, ndigits: Any = None) -> Any:
    """``round(x, n)`` with a run-time ``n``, or of a Python number (the other cases: ``frontend.builtins``)."""
    t = type_of(x)
    if isinstance(x, Symbolic) and not x.weak or t is None or not t.is_scalar:
        raise _tr().error(UnsupportedError, "round() of a NumPy scalar with a run-time number of digits is "
                                            "not supported: NumPy rounds differently; use a constant number "
                                            "of digits, or round a Python float")
    result = int if str(t)[0] in "iub" else float
    return runtime_calls.run_time_call(builtins.round, "round", result)(x, ndigits)


def cpython_type_error(fn: Callable, *args: Any) -> str | None:
    """The message of the ``TypeError`` CPython's ``fn`` raises for arguments of the types
    ``args`` have when the compiled code runs, where it raises one for every value of those
    types (``bin(x)`` of a float: "'float' object cannot be interpreted as an integer"); None
    where values of those types pass, and for a value that may be None (it depends on the
    value)."""
    if any(isinstance(a, OptionalValue) for a in args):
        return None
    try:
        fn(*[sample(a) for a in args])
    except TypeError as err:
        return str(err)
    return None


def _int_text(fn: Callable) -> Callable:
    """``bin``, ``hex`` or ``oct`` of a value (see the module docstring)."""
    def call(x: Any) -> Any:
        if not isinstance(x, (Symbolic, OptionalValue, Text)):
            return user_computation(fn, x)
        message = cpython_type_error(fn, x)
        if message is not None:
            raise _tr().error(TypingError, message)
        return runtime_calls.call_with_values(fn.__name__, fn, (x,), str_)
    return call


#: the functions computed so, with their results' Python types
_FUNCTIONS: dict[Any, Callable] = {
    math.ldexp: _at_run_time(math.ldexp, "math.ldexp", float),
    math.nextafter: _at_run_time(math.nextafter, "math.nextafter", float),
    math.ulp: _at_run_time(math.ulp, "math.ulp", float),
    math.isclose: _at_run_time(math.isclose, "math.isclose", bool),
    math.comb: _at_run_time(math.comb, "math.comb", int),
    math.perm: _at_run_time(math.perm, "math.perm", int),
    math.frexp: _frexp,
    math.fsum: _fsum,
    math.prod: _prod,
    math.dist: _dist,
    builtins.hash: _at_run_time(builtins.hash, "hash", int),
    builtins.bin: _int_text(builtins.bin),
    builtins.hex: _int_text(builtins.hex),
    builtins.oct: _int_text(builtins.oct),
}


def lookup(f: Any) -> Callable | None:
    try:
        return _FUNCTIONS.get(f)
    except TypeError:   # unhashable
        return None


def round_digits(x: Any, ndigits: Any) -> Any:
    """``round(x, ndigits)`` as CPython computes it (see the module docstring)."""
    return _round(x, ndigits)
