"""NumPy's NaN-ignoring reductions in compiled code: ``np.nansum``, ``np.nanprod``,
``np.nanmean``, ``np.nanmin``, ``np.nanmax``, ``np.nanargmin``, ``np.nanargmax``, ``np.nanvar``
and ``np.nanstd`` (an int ``ddof=``), of the whole array or along one ``axis`` (negative too; out of
range: NumPy's ``AxisError``), with ``keepdims=``.

As NumPy computes them (``numpy/lib/_nanfunctions_impl.py``): ``nansum``/``nanprod`` reduce
the array with NaNs replaced by 0 (1), so float sums add in NumPy's pairwise order;
``nanmean`` divides that sum by the count of non-NaN elements (NaN for none; in float64,
then in the array's dtype); ``nanvar`` takes that mean, the squares of the deviations of
the non-NaN elements (in the array's dtype), their sum over ``count - ddof`` (in float64,
then the dtype; NaN where that is not positive), and ``nanstd`` its square root;
``nanmin``/``nanmax`` are ``fmin``/``fmax`` reductions (NaN only for an all-NaN slice; an
empty reduced axis is NumPy's ``ValueError``); ``nanargmin``/``nanargmax`` are
``argmin``/``argmax`` with NaN replaced by ``+inf`` (``-inf``), and NumPy's ``ValueError:
All-NaN slice encountered`` when a slice (of a non-empty array) is all NaN.  Integer and
bool arrays have no NaN: the plain reductions.  NumPy's ``RuntimeWarning`` for an all-NaN
slice is not given.

Known difference: which zero ``nanmin``/``nanmax`` keep when ``-0.0`` and ``0.0`` tie
follows our order of comparisons (one by one), not the vector order of NumPy's ``fmin``
loop, so the sign of a zero result may differ from NumPy's.  Sums along an axis of an
F-ordered array add in C order, as ``np.sum`` does here (NumPy adds pairwise along the
axis that is contiguous in memory).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ir import UnsupportedError
from ir.ops import MathOp
from ir.types import BoolType, ComplexType, FloatType, IntType, i64

from . import arith, arrays, wholearray
from .context import TraceContext, current
from .values import Symbolic, type_of

__all__ = ["FUNCTIONS"]


def _tr() -> TraceContext:
    return current()


def _array(a: Any, name: str, keepdims: Any = False, **unsupported: Any) -> Symbolic:
    if not wholearray.is_array(a):
        raise _tr().error(UnsupportedError, f"np.{name}() takes an array in compiled code")
    used = [key for key, value in unsupported.items() if value is not None]
    if used:
        raise _tr().error(UnsupportedError, f"np.{name}() with {'=, '.join(used)}= is not supported in compiled "
                                            "code yet")
    if not isinstance(keepdims, bool):
        raise _tr().error(UnsupportedError, f"np.{name}(keepdims=) must be a constant True or False in compiled "
                                            "code")
    if isinstance(a.type.dtype, ComplexType):
        raise _tr().error(UnsupportedError, f"np.{name}() of complex arrays is not supported in compiled code yet")
    return a


def _floats(a: Symbolic) -> bool:
    return isinstance(a.type.dtype, FloatType)


def _replaced(a: Symbolic, value: float) -> Symbolic:
    """``a`` with its NaNs replaced by ``value`` (``a`` itself without floats)."""
    if not _floats(a):
        return a
    return wholearray.elementwise(lambda x: arith.select(arith.emit_test("isnan", x), arith.cast(value, x.type), x),
                                  (a,), "a NaN replaced")


def _numbers(a: Symbolic, axis: Any, keepdims: bool = False) -> Any:
    """The count of the non-NaN elements of the float array ``a`` (along ``axis``): ``int64``."""
    present = wholearray.elementwise(lambda x: arith.logical_not(arith.emit_test("isnan", x)), (a,), "a NaN test")
    return wholearray.count_nonzero(present, axis, keepdims)


def _map(fn: Callable[..., Any], *values: Any) -> Any:
    """``fn`` of scalars, or element-wise when a value is an array."""
    if any(wholearray.is_array(v) for v in values):
        return wholearray.elementwise(fn, values, "a NaN-ignoring reduction")
    return fn(*values)


def _divided(total: Any, count: Any, t: Any) -> Any:
    """NumPy's ``_divide_by_count``: ``total / count`` in float64, then in ``t``."""
    return _map(lambda s, n: arith.cast(wholearray.numpy_binary("/", s, n), t), total, count)


def nansum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: Any = False) -> Any:
    a = _array(a, "nansum", keepdims, dtype=dtype, out=out)
    return wholearray.total(_replaced(a, 0.0), axis, keepdims=keepdims)


def nanprod(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: Any = False) -> Any:
    a = _array(a, "nanprod", keepdims, dtype=dtype, out=out)
    return wholearray.product(_replaced(a, 1.0), axis, keepdims=keepdims)


def nanmean(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: Any = False) -> Any:
    a = _array(a, "nanmean", keepdims, dtype=dtype, out=out)
    if not _floats(a):
        return wholearray.mean(a, axis, keepdims=keepdims)
    total = wholearray.total(_replaced(a, 0.0), axis, keepdims=keepdims)
    return _divided(total, _numbers(a, axis, keepdims), a.type.dtype)


def _nan_extremum(name: str, op: str) -> Callable[..., Any]:
    ufunc = "fmin" if op == "<" else "fmax"

    def reduce(a: Any, axis: Any = None, out: Any = None, keepdims: Any = False) -> Any:
        a = _array(a, name, keepdims, out=out)
        k = wholearray._axis(a, axis)
        count = arrays.size(a) if k is None else arrays.dim(a, k)
        arith.raise_if(arith.compare("==", count, 0), "ValueError",
                       f"zero-size array to reduction operation {ufunc} which has no identity")
        if not _floats(a):
            return wholearray.REDUCTIONS[name[3:]](a, axis, keepdims=keepdims)
        nan = arith.constant(float("nan"), a.type.dtype)

        def fold(acc: Any, x: Any) -> list:   # fmax: a NaN loses to a number
            better = arith.logical_or(arith.compare(op, x, acc), arith.emit_test("isnan", acc))
            return [arith.select(arith.logical_and(better, arith.logical_not(arith.emit_test("isnan", x))), x, acc)]
        m = wholearray.reduce(a, [nan], fold, k, ordered=True)[0]
        return wholearray._finish(a, m, k, keepdims)
    return reduce


def _nan_arg_extremum(name: str, fill: float) -> Callable[..., Any]:
    def reduce_arg(a: Any, axis: Any = None, out: Any = None, keepdims: Any = False) -> Any:
        a = _array(a, name, keepdims, out=out)
        if _floats(a):
            k = wholearray._axis(a, axis)
            numbers = _numbers(a, axis)
            if k is None:
                all_nan = arith.compare("==", numbers, 0)
            else:
                all_nan = wholearray.REDUCTIONS["any"](
                    wholearray.elementwise(lambda n: arith.compare("==", n, 0), (numbers,), "a NaN test"))
            arith.raise_if(arith.logical_and(arith.compare(">", arrays.size(a), 0), all_nan), "ValueError",
                           "All-NaN slice encountered")
            a = _replaced(a, fill)
        return wholearray.REDUCTIONS[name[3:]](a, axis, keepdims=keepdims)
    return reduce_arg


def _ddof(ddof: Any, name: str) -> Any:
    """``ddof`` as an ``int64`` (an int, constant or not; a float ``ddof`` is refused)."""
    if not isinstance(type_of(ddof), (IntType, BoolType)):
        raise _tr().error(UnsupportedError, f"np.{name}(ddof=) takes an int in compiled code")
    return arith.cast(ddof, i64)


def nanvar(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: Any = 0,
           keepdims: Any = False) -> Any:
    a = _array(a, "nanvar", keepdims, dtype=dtype, out=out)
    if not _floats(a):
        return wholearray.variance(a, axis, ddof=ddof, keepdims=keepdims)
    return _variance(a, axis, ddof, keepdims, "nanvar")


def _variance(a: Symbolic, axis: Any, ddof: Any, keepdims: bool, name: str) -> Any:
    ddof = _ddof(ddof, name)
    t = a.type.dtype
    k = wholearray._axis(a, axis)
    count = _numbers(a, axis)
    mean = _divided(wholearray.total(_replaced(a, 0.0), axis), count, t)
    centre = wholearray._finish(a, mean, k, True) if k is not None else mean

    def squared(x: Any, m: Any) -> Any:   # NaN - mean is NaN: NumPy sets those deviations to 0
        d = arith.select(arith.emit_test("isnan", x), arith.constant(0.0, t), arith.binary("-", x, m))
        return arith.binary("*", d, d)
    squares = wholearray.total(wholearray.elementwise(squared, (a, centre), f"np.{name}()"), axis)

    def divided(s: Any, n: Any) -> Any:
        dof = arith.binary("-", n, ddof)
        quotient = arith.cast(wholearray.numpy_binary("/", s, dof), t)
        return arith.select(arith.compare("<=", dof, 0), arith.constant(float("nan"), t), quotient)
    return wholearray._finish(a, _map(divided, squares, count), k, keepdims)


def nanstd(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: Any = 0,
           keepdims: Any = False) -> Any:
    a = _array(a, "nanstd", keepdims, dtype=dtype, out=out)
    if not _floats(a):
        return wholearray.deviation(a, axis, ddof=ddof, keepdims=keepdims)
    v = _variance(a, axis, ddof, keepdims, "nanstd")
    return _map(lambda x: _tr().emit_value(MathOp("sqrt", x.value)), v)


FUNCTIONS = {np.nansum: nansum, np.nanprod: nanprod, np.nanmean: nanmean, np.nanmin: _nan_extremum("nanmin", "<"),
             np.nanmax: _nan_extremum("nanmax", ">"), np.nanargmin: _nan_arg_extremum("nanargmin", float("inf")),
             np.nanargmax: _nan_arg_extremum("nanargmax", float("-inf")), np.nanvar: nanvar, np.nanstd: nanstd}
