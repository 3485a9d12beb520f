"""``math`` functions and ``round``/``hash`` computed by CPython itself when the compiled code
runs: exact where CPython's results depend on more than an expression of machine
operations (``fsum``'s exact partial sums, ``comb``'s and ``perm``'s big integers checked
against the 64-bit result, ``round(x, n)``'s correctly rounded decimal, ``hash``).

Each is a ``py.call`` (``frontend.runtime_calls``) of the CPython function with the values
as CPython holds them; with constant arguments it runs while compiling.  Python-semantics
decisions:

* the results are Python numbers (``math.frexp`` gives ``(float, int)``);
* an ``int`` result that does not fit in 64 bits (``math.comb(100, 50)``) raises
  ``OverflowError`` where the compiled code gets there: compiled integers are 64-bit, and a
  wrong number is never returned;
* ``math.fsum`` takes an array (read where the code runs) or a tuple of numbers;
* ``round(x, n)`` with a run-time ``n`` is computed so for a Python ``float`` or ``int``
  ``x``; for a NumPy scalar it stays refused (NumPy rounds differently).

Layer: above ``frontend.runtime_calls``; ``frontend.calls`` looks these up.
"""
from __future__ import annotations

import builtins
import math
from typing import Any, Callable

from ir import UnsupportedError
from ir.types import ArrayType, f64

from . import arrays, runtime_calls
from .context import TraceContext, current
from .raising import user_computation
from .values import Symbolic, type_of


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
    if isinstance(values, tuple) and _traced(*values):
        return runtime_calls.call_with_values("math.fsum", lambda t: math.fsum(t), (values,), f64)
    return user_computation(math.fsum, values)


def _round(x: Any, ndigits: Any = None) -> Any:
    """``round(x, n)`` with a run-time ``n``, or of a Python number (the other cases: ``frontend.builtins``)."""
    t = type_of(x)
    if isinstance(x, Symbolic) and not x.weak or t is None or not t.is_scalar:
        raise _tr().error(UnsupportedError, "round() of a NumPy scalar with a run-time number of digits is "
                                            "not supported: NumPy rounds differently; use a constant number "
                                            "of digits, or round a Python float")
    result = int if str(t)[0] in "iub" else float
    return runtime_calls.run_time_call(builtins.round, "round", result)(x, ndigits)


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
    builtins.hash: _at_run_time(builtins.hash, "hash", int),
}


def lookup(f: Any) -> Callable | None:
    try:
        return _FUNCTIONS.get(f)
    except TypeError:   # unhashable
        return None


def round_digits(x: Any, ndigits: Any) -> Any:
    """``round(x, ndigits)`` where ``ndigits`` is a traced value."""
    return _round(x, ndigits)
