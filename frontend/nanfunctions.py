"""NumPy's NaN-ignoring reductions of whole arrays in compiled code: ``np.nansum``,
``np.nanprod``, ``np.nanmean``, ``np.nanmin`` and ``np.nanmax`` (``axis=None``).

As NumPy computes them: ``nansum``/``nanprod`` reduce the array with NaNs replaced by 0
(1), so float sums add in NumPy's pairwise order; ``nanmean`` divides that sum by the
count of non-NaN elements (NaN for none; in float64, then in the array's dtype); ``nanmin``/``nanmax`` are ``fmin``/``fmax``
reductions (NaN only when every element is NaN; an empty array is NumPy's ``ValueError``).
Integer and bool arrays have no NaN: the plain reductions.  NumPy's ``RuntimeWarning`` for
an all-NaN slice is not given.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ir import UnsupportedError
from ir.types import ComplexType, FloatType

from . import arith, arrays, wholearray
from .context import TraceContext, current
from .values import Symbolic

__all__ = ["FUNCTIONS"]


def _tr() -> TraceContext:
    return current()


def _array(a: Any, name: str, axis: Any) -> Symbolic:
    if not wholearray.is_array(a) or axis is not None:
        raise _tr().error(UnsupportedError, f"np.{name}() takes an array, with axis=None, in compiled code for now")
    if isinstance(a.type.dtype, ComplexType):
        raise _tr().error(UnsupportedError, f"np.{name}() of complex arrays is not supported in compiled code yet")
    return a


def _replaced(a: Symbolic, value: float) -> Symbolic:
    """``a`` with its NaNs replaced by ``value`` (``a`` itself without floats)."""
    if not isinstance(a.type.dtype, FloatType):
        return a
    return wholearray.elementwise(lambda x: arith.select(arith.emit_test("isnan", x), arith.cast(value, x.type), x),
                                  (a,), "a NaN replaced")


def nansum(a: Any, axis: Any = None) -> Any:
    return wholearray.total(_replaced(_array(a, "nansum", axis), 0.0))


def nanprod(a: Any, axis: Any = None) -> Any:
    return wholearray.product(_replaced(_array(a, "nanprod", axis), 1.0))


def nanmean(a: Any, axis: Any = None) -> Any:
    a = _array(a, "nanmean", axis)
    if not isinstance(a.type.dtype, FloatType):
        return wholearray.mean(a)
    count = wholearray.count_nonzero(wholearray.elementwise(lambda x: arith.logical_not(arith.emit_test("isnan", x)),
                                                            (a,), "np.nanmean()"))
    quotient = wholearray.numpy_binary("/", wholearray.total(_replaced(a, 0.0)), count)
    return arith.cast(quotient, a.type.dtype)   # NumPy divides in float64, then casts to a's dtype


def _nan_extremum(name: str, op: str):
    def reduce(a: Any, axis: Any = None) -> Any:
        a = _array(a, name, axis)
        if not isinstance(a.type.dtype, FloatType):
            return wholearray.REDUCTIONS[name[3:]](a)
        arith.raise_if(arith.compare("==", arrays.size(a), 0), "ValueError",
                       f"zero-size array to reduction operation {'fmin' if op == '<' else 'fmax'} which has no "
                       "identity")
        nan = arith.constant(float("nan"), a.type.dtype)

        def fold(acc: Any, x: Any) -> list:   # fmax: a NaN loses to a number
            better = arith.logical_or(arith.compare(op, x, acc), arith.emit_test("isnan", acc))
            return [arith.select(arith.logical_and(better, arith.logical_not(arith.emit_test("isnan", x))), x, acc)]
        return wholearray.reduce(a, [nan], fold, None, ordered=True)[0]
    return reduce


FUNCTIONS = {np.nansum: nansum, np.nanprod: nanprod, np.nanmean: nanmean, np.nanmin: _nan_extremum("nanmin", "<"),
             np.nanmax: _nan_extremum("nanmax", ">")}
