"""Order statistics and interpolation in compiled code: ``np.median``, ``np.percentile``,
``np.quantile`` and ``np.interp``, with NumPy 2's result dtypes, shapes and errors.

Decisions (NumPy's semantics, read from its Python and C code):

* **Lanes**: the elements reduced (all of them for ``axis=None``, else those along one
  constant ``axis``) are copied, as rows of a new array, and each row is sorted with the stable
  merge sort of ``np.sort`` (NaN last, as NumPy's partition puts it).  NumPy partitions
  instead; the values it picks are the same order statistics, except which of ``-0.0`` and
  ``0.0`` lands at a position where both occur: here the input order decides (NumPy's
  introselect does otherwise, so the sign of a zero result may differ there).
* **median** is NumPy's mean of the one or two middle elements: ``(0 + lo + hi) / 2`` or
  ``(0 + x) / 1`` in the float type (``float64`` for integers and bools; NumPy's sum starts from
  0, so ``-0.0`` gives ``0.0``); a lane holding NaN gives its NaN; an empty lane gives ``nan``
  (NumPy also warns "Mean of empty slice"; compiled code does not warn).  Complex arrays are
  refused.
* **quantile / percentile** (``q`` a number or a 1-d sequence or array, constant or run-time;
  percentile divides it by 100 in its float type first): ``q`` outside ``[0, 1]`` (``[0, 100]``)
  or NaN is NumPy's ``ValueError``.  With ``method="linear"`` the virtual index is ``(n - 1) * q``
  in ``q``'s type; an integer ``q`` (so an integer index) takes the element itself (the result
  has the array's dtype, as NumPy's ``take``), else the neighbours ``a``, ``b`` are blended with
  NumPy's ``_lerp``: ``a + (b - a) * t``, and ``b - (b - a) * (1 - t)`` where ``t >= 0.5``, with
  ``b - a`` in the array's dtype (integers wrap) and the rest in the result type (NEP 50: a
  Python number ``q`` is weak, so ``float32`` data stays ``float32``).  An index at or past the
  last element uses it with ``t = index + 1``, as NumPy's index -1 does (so ``inf`` there gives
  NumPy's ``nan``).  ``lower``, ``higher`` and ``nearest`` take the element at the floor,
  ceiling or rounded-to-even index; ``midpoint`` blends with ``t`` 0.5 (0 at an integer index).
  A lane holding NaN gives its NaN.  An empty lane is NumPy's ``IndexError``.  Other methods,
  ``weights=``, ``out=`` and tuples of axes are refused; booleans with a blended result are
  NumPy's ``TypeError`` (no boolean subtract).
* **interp** is NumPy's C loop: ``x``, ``xp``, ``fp`` as ``float64`` (``fp`` complex: the
  parts separately, result ``complex128``), the interval found by NumPy's binary search that
  starts from the previous interval, an ``x`` equal to a sample point giving its ``fp``, and
  ``slope * (x - xp[j]) + fp[j]`` retried from the right end when NaN.  ``period=`` is refused.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ir import TypingError, UnsupportedError
from ir.dtypes import from_dtype, to_dtype
from ir.ops import MathOp
from ir.types import ArrayType, BoolType, ComplexType, FloatType, IntType, Type, f64, i64

from . import arith, arrays, combining, numpy_api, wholearray
from .context import PathEnds, TraceContext, current
from .pyarray import sort_values
from .values import Symbolic, type_of

__all__ = ["median", "quantile", "percentile", "interp", "FUNCTIONS"]

#: the methods of ``np.quantile`` NumPy knows, in its order (its ``ValueError`` lists them)
_NUMPY_METHODS = ('inverted_cdf', 'averaged_inverted_cdf', 'closest_observation', 'interpolated_inverted_cdf',
                  'hazen', 'weibull', 'linear', 'median_unbiased', 'normal_unbiased', 'lower', 'higher',
                  'midpoint', 'nearest')
_TAKING = {"lower": "floor", "higher": "ceil", "nearest": "rint"}


def _tr() -> TraceContext:
    return current()


# ----------------------------------------------------------------- traced helpers (compiled code)
def sort_rows(rows, scratch):
    """Every row of the 2-d ``rows`` sorted in place (``scratch``: as long as a row)."""
    for i in range(rows.shape[0]):
        sort_values(rows[i], scratch)


def take_columns(picked, rows, below, above):
    """``picked[k, i] = rows[i, below[k]]``, ``picked[nq + k, i] = rows[i, above[k]]`` (``nq`` indices
    each, in range) and ``picked[2 * nq, i] = rows[i, n - 1]``; nothing when the rows are empty."""
    n = rows.shape[1]
    nq = below.shape[0]
    if n > 0:
        for i in range(rows.shape[0]):
            for k in range(nq):
                picked[k, i] = rows[i, below[k]]
                picked[nq + k, i] = rows[i, above[k]]
            picked[2 * nq, i] = rows[i, n - 1]


def take_middle(picked, rows, below, above):
    """``picked[0, i] = rows[i, below]``, ``picked[1, i] = rows[i, above]`` and ``picked[2, i] =
    rows[i, n - 1]``; nothing when the rows are empty."""
    n = rows.shape[1]
    if n > 0:
        for i in range(rows.shape[0]):
            picked[0, i] = rows[i, below]
            picked[1, i] = rows[i, above]
            picked[2, i] = rows[i, n - 1]


def first_or_zero(a):
    """``a[0]``, or 0 for an empty ``a``."""
    if a.shape[0] > 0:
        return a[0]
    return 0


def search_with_guess(key, xp, guess):
    """NumPy's ``binary_search_with_guess``: ``j`` with ``xp[j] <= key < xp[j + 1]`` (-1 below
    ``xp[0]``, ``len(xp)`` above the last), looking next to ``guess`` first."""
    n = xp.shape[0]
    if key > xp[n - 1]:
        return n
    if key < xp[0]:
        return -1
    if n <= 4:
        i = 1
        while i < n and key >= xp[i]:
            i += 1
        return i - 1
    guess = max(min(guess, n - 3), 1)
    lo = 0
    hi = n
    if key < xp[guess]:
        if key >= xp[guess - 1]:
            return guess - 1
        hi = guess - 1
        if guess > 8 and key >= xp[guess - 8]:
            lo = guess - 8
    else:
        if key < xp[guess + 1]:
            return guess
        if key < xp[guess + 2]:
            return guess + 1
        lo = guess + 2
        if guess < n - 9 and key < xp[guess + 8]:
            hi = guess + 8
    while lo < hi:
        mid = lo + ((hi - lo) >> 1)
        if key >= xp[mid]:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1


def interp_into(out, x, xp, fp, slopes, left, lval, right, rval):
    """NumPy's ``arr_interp`` loop over float64 ``x``, ``xp``, ``fp`` and ``slopes[j] = (fp[j + 1] -
    fp[j]) / (xp[j + 1] - xp[j])``; ``lval``/``rval`` replace ``fp[0]``/``fp[-1]`` outside when
    ``left``/``right``."""
    nx = x.shape[0]
    n = xp.shape[0]
    if nx > 0:
        lo = lval if left else fp[0]
        hi = rval if right else fp[n - 1]
        if n == 1:
            for i in range(nx):
                v = x[i]
                if v < xp[0]:
                    out[i] = lo
                elif v > xp[0]:
                    out[i] = hi
                else:
                    out[i] = fp[0]
        else:
            j = 0
            for i in range(nx):
                v = x[i]
                if v != v:
                    out[i] = v
                else:
                    j = search_with_guess(v, xp, j)
                    if j == -1:
                        out[i] = lo
                    elif j == n:
                        out[i] = hi
                    elif j == n - 1 or xp[j] == v:
                        out[i] = fp[j]
                    else:
                        r = slopes[j] * (v - xp[j]) + fp[j]
                        if r != r:
                            r = slopes[j] * (v - xp[j + 1]) + fp[j + 1]
                            if r != r and fp[j] == fp[j + 1]:
                                r = fp[j]
                        out[i] = r


# ----------------------------------------------------------------- lanes and shapes
def _array(a: Any, name: str) -> Symbolic:
    """``a`` as a traced real array (a number: a 1-element array; a constant array: NumPy's)."""
    if isinstance(a, np.ndarray):
        a = arrays.global_array(a)
    if isinstance(a, (list, tuple)):
        a = combining.array(a)
        if isinstance(a, np.ndarray):
            a = arrays.global_array(a)
    if not wholearray.is_array(a):
        t = type_of(a)
        if t is None or not t.is_scalar:
            raise _tr().error(UnsupportedError, f"np.{name}() takes an array or a number in compiled code")
        a = numpy_api.full(1, a, to_dtype(t))
    if isinstance(a.type.dtype, ComplexType):
        if name == "median":
            raise _tr().error(UnsupportedError, "np.median() of complex arrays is not supported in compiled code")
        raise _tr().error(TypingError, "a must be an array of real numbers")
    return a


def _options(name: str, out: Any, overwrite_input: Any, keepdims: Any, axis: Any) -> None:
    if out is not None:
        raise _tr().error(UnsupportedError, f"np.{name}(out=) is not supported in compiled code")
    if not isinstance(keepdims, bool) or not isinstance(overwrite_input, bool):
        raise _tr().error(UnsupportedError, f"np.{name}(keepdims=, overwrite_input=) must be constant True or False")
    if axis is not None and (not isinstance(axis, int) or isinstance(axis, bool)):
        raise _tr().error(UnsupportedError, f"np.{name}() takes axis=None or a constant int in compiled code "
                                            "(tuples of axes are not supported)")


def _lanes(a: Symbolic, axis: Any, dtype: Type, name: str) -> tuple[Symbolic, Any, list, int | None]:
    """The lanes of ``a`` along ``axis`` (every element for None) converted to ``dtype``, as the
    sorted rows of a new ``(m, n)`` array; with ``n``, the extents of the other axes, and the
    axis (a non-negative int, or None)."""
    convert = (lambda v: arith.cast(v, dtype))
    shape = arrays.shape(a)
    if axis is None:
        n = arrays.size(a)
        rows = wholearray.reshape(wholearray.elementwise(convert, (a,), name), (1, n))
        others: list = []
        k = None
    else:
        k = wholearray._axis_index(a, axis)   # NumPy's AxisError out of range
        perm = tuple(j for j in range(a.type.ndim) if j != k) + (k,)
        moved = wholearray.elementwise(convert, (wholearray.transpose(a, perm),), name)
        others = [shape[j] for j in range(a.type.ndim) if j != k]
        n = shape[k]
        m: Any = 1
        for e in others:
            m = arith.binary("*", m, e)
        rows = wholearray.reshape(moved, (m, n))
    _tr().call(sort_rows, (rows, numpy_api.allocate(n, dtype)), {})
    return rows, n, others, k


def _shaped(result: Symbolic, q_dims: list, others: list, k: int | None, ndim: int, keepdims: bool) -> Any:
    """The ``(nq, m)`` ``result`` in NumPy's shape: ``q``'s axis, then the other axes of ``a``
    (with ``keepdims``, every axis of ``a``, the reduced ones of extent 1); a scalar for none."""
    if keepdims:
        dims = [1] * ndim if k is None else others[:k] + [1] + others[k:]
    else:
        dims = others
    dims = q_dims + dims
    if not dims:
        return arrays.getitem(result, (0,) * result.type.ndim)
    return wholearray.reshape(result, tuple(dims))


def _math(fn: str, x: Symbolic) -> Symbolic:
    return _tr().emit_value(MathOp(fn, x.value))


def _picked(rows: Symbolic, below: Symbolic, above: Symbolic, dtype: Type) -> tuple[Symbolic, Symbolic, Symbolic]:
    """``rows[:, below]`` and ``rows[:, above]`` as ``(nq, m)`` arrays, and the last column (views
    of one new array; left unset for empty rows, where the callers use none of it)."""
    nq, m = arrays.dim(below, 0), arrays.dim(rows, 0)
    picked = numpy_api.allocate((arith.binary("+", arith.binary("*", nq, 2), 1), m), dtype)
    _tr().call(take_columns, (picked, rows, below, above), {})
    return (wholearray.subview(picked, slice(0, nq)), wholearray.subview(picked, slice(nq, arith.binary("*", nq, 2))),
            wholearray.subview(picked, arith.binary("*", nq, 2)))


# ----------------------------------------------------------------- median
def median(a: Any, axis: Any = None, out: Any = None, overwrite_input: Any = False, keepdims: Any = False) -> Any:
    """``np.median``: the mean of the middle one or two elements of each sorted lane."""
    a = _array(a, "median")
    _options("median", out, overwrite_input, keepdims, axis)
    t = a.type.dtype
    floats = isinstance(t, FloatType)
    r = t if floats else f64
    rows, n, others, k = _lanes(a, axis, r, "np.median()")
    nonempty = arith.compare(">", n, 0)
    middle = arith.binary("//", n, 2)
    below = arith.select(nonempty, arith.binary("//", arith.binary("-", n, 1), 2), 0)
    picked = numpy_api.allocate((3, arrays.dim(rows, 0)), r)
    _tr().call(take_middle, (picked, rows, below, middle), {})
    lower, upper, last = (wholearray.subview(picked, j) for j in range(3))
    even = arith.compare("==", arith.binary("%", n, 2), 0)
    nan = arith.constant(float("-nan"), r)   # NumPy's 0.0 / 0 (the mean of nothing): the sign bit set

    def value(lo: Any, hi: Any, end: Any) -> Any:
        s = arith.binary("+", arith.constant(0.0, r), lo)   # NumPy's sum starts from 0
        pair = wholearray.numpy_binary("/", arith.binary("+", s, hi), arith.constant(2.0, r))
        v = arith.select(even, pair, wholearray.numpy_binary("/", s, arith.constant(1.0, r)))
        if floats:
            v = arith.select(arith.emit_test("isnan", end), end, v)
        return arith.select(nonempty, v, nan)
    result = wholearray.elementwise(value, (lower, upper, last), "np.median()")
    return _shaped(result, [], others, k, a.type.ndim, keepdims)


# ----------------------------------------------------------------- quantile and percentile
def _quantiles(q: Any, name: str) -> tuple[Symbolic, np.dtype, bool, list]:
    """``q`` as a traced 1-d array, with NumPy's dtype of it, whether it is a weak Python number,
    and the result's leading extents (none for a number)."""
    if isinstance(q, (list, tuple)):
        q = combining.array(q)
    if isinstance(q, np.ndarray):
        if q.ndim == 0:
            q = q[()]
        else:
            q = arrays.global_array(q)
    if wholearray.is_array(q):
        if q.type.ndim > 1:
            raise _tr().error(UnsupportedError, f"np.{name}() takes q as a number or a 1-d sequence in compiled "
                                                "code")
        if q.type.ndim == 0:
            q = wholearray.reshape(q, (1,))
            return q, to_dtype(q.type.dtype), False, []
        return q, to_dtype(q.type.dtype), False, [arrays.dim(q, 0)]
    t = type_of(q)
    if t is None or not t.is_scalar or isinstance(t, ComplexType):
        raise _tr().error(TypingError, f"np.{name}() takes q as real numbers")
    weak = q.weak if isinstance(q, Symbolic) else type(q) in (int, float)
    dt = to_dtype(t)
    return numpy_api.full(1, q, dt), dt, weak, []


def _check_method(method: Any, name: str) -> None:
    if method not in _NUMPY_METHODS:
        keys = "dict_keys([" + ", ".join(repr(m) for m in _NUMPY_METHODS) + "])"
        arith.raise_if(True, "ValueError", f"{method!r} is not a valid method. Use one of: {keys}")
        raise PathEnds()
    if method not in ("linear", "lower", "higher", "nearest", "midpoint"):
        raise _tr().error(UnsupportedError, f"np.{name}(method={method!r}) is not supported in compiled code; "
                                            "'linear' (the default), 'lower', 'higher', 'nearest' and 'midpoint' "
                                            "are")


def _quantile(a: Any, q: Any, axis: Any, out: Any, overwrite_input: Any, method: Any, keepdims: Any,
              weights: Any, name: str) -> Any:
    a = _array(a, name)
    _options(name, out, overwrite_input, keepdims, axis)
    if weights is not None:
        raise _tr().error(UnsupportedError, f"np.{name}(weights=) is not supported in compiled code")
    _check_method(method, name)
    q, qd, weak, q_dims = _quantiles(q, name)
    if qd == np.bool_:
        q, qd = wholearray.astype(q, np.int64), np.dtype(np.int64)
    if qd.kind in "iu" and qd != np.int64:
        raise _tr().error(UnsupportedError, f"np.{name}() of q of {qd} is not supported in compiled code; pass "
                                            "int64 or float values")
    if name == "percentile":   # np.true_divide(q, 100)
        qd = np.result_type(qd, 1.0) if qd.kind != "f" else qd
        qt = from_dtype(qd)
        q = wholearray.elementwise(lambda v: wholearray.numpy_binary("/", arith.cast(v, qt), arith.constant(100.0, qt)),
                                   (q,), "np.percentile()")
    qt = from_dtype(qd)

    def outside(acc: Any, v: Any) -> list:
        inside = arith.logical_and(arith.compare(">=", v, arith.constant(0, qt)),
                                   arith.compare("<=", v, arith.constant(1, qt)))
        return [arith.logical_or(acc, arith.logical_not(inside))]
    bad = wholearray.reduce(q, [arith.constant(False, from_dtype(np.dtype(np.bool_)))], outside, None, ordered=True)[0]
    text = "Percentiles must be in the range [0, 100]" if name == "percentile" else \
        "Quantiles must be in the range [0, 1]"
    arith.raise_if(bad, "ValueError", text)

    at = a.type.dtype
    floats = isinstance(at, FloatType)
    taking = method in _TAKING or (method == "linear" and qd.kind in "iu")
    rows, n, others, k = _lanes(a, axis, at, f"np.{name}()")
    vt = qt if qd.kind == "f" else f64
    last_index = arith.binary("-", n, 1)
    nq, m = arrays.dim(q, 0), arrays.dim(rows, 0)
    empty = arith.compare("==", n, 0)

    def wrapped(index: Any) -> Any:   # NumPy's index -1: the last element
        return arith.select(arith.compare("<", index, 0), arith.binary("+", index, n), index)

    if taking:
        if method == "linear":
            index = wholearray.elementwise(lambda v: arith.binary("*", arith.cast(last_index, i64), v), (q,),
                                           f"np.{name}()")
        else:
            fn = _TAKING[method]
            index = wholearray.elementwise(
                lambda v: arith.cast(_math(fn, arith.binary("*", arith.cast(last_index, vt), arith.cast(v, vt))), i64),
                (q,), f"np.{name}()")
        _empty_lane_errors(floats, empty, index, nq, m, taking=True)
        at_index = wholearray.elementwise(wrapped, (index,), f"np.{name}()")
        lower, _, last = _picked(rows, at_index, at_index, at)

        def taken(x: Any, end: Any) -> Any:
            return arith.select(arith.emit_test("isnan", end), end, x) if floats else x
        return _shaped(wholearray.elementwise(taken, (lower, last), f"np.{name}()"), q_dims, others, k,
                       a.type.ndim, keepdims)

    if isinstance(at, BoolType):
        raise _tr().error(TypingError, "numpy boolean subtract, the `-` operator, is not supported, use the "
                                       "bitwise_xor, the `^` operator, or the logical_xor function instead.")
    r = from_dtype(np.result_type(to_dtype(at), 0.0 if weak else to_dtype(vt)))

    def virtual(v: Any) -> Any:
        scaled = arith.binary("*", arith.cast(last_index, vt if qd.kind == "f" else i64),
                              arith.cast(v, vt if qd.kind == "f" else i64))
        if method == "linear":
            return scaled
        scaled = arith.cast(scaled, vt)
        return arith.binary("*", arith.constant(0.5, vt), arith.binary("+", _math("floor", scaled),
                                                                       _math("ceil", scaled)))
    index = wholearray.elementwise(virtual, (q,), f"np.{name}()")

    def previous(vi: Any, step: int) -> Any:
        above = arith.compare(">=", vi, arith.cast(last_index, vt))
        below = arith.compare("<", vi, arith.constant(0.0, vt))
        floor = arith.binary("+", arith.cast(_math("floor", vi), i64), step)
        return arith.select(below, 0, arith.select(above, -1, floor))   # NumPy sets the low ones last
    before = wholearray.elementwise(lambda vi: previous(vi, 0), (index,), f"np.{name}()")
    after = wholearray.elementwise(lambda vi: previous(vi, 1), (index,), f"np.{name}()")
    if method == "linear":   # the fraction, from the index NumPy looks up (-1 past the end)
        gamma = wholearray.elementwise(lambda vi, p: arith.cast(arith.binary("-", arith.cast(vi, f64),
                                                                               arith.cast(p, f64)), vt),
                                       (index, before), f"np.{name}()")
    else:
        gamma = wholearray.elementwise(lambda vi: arith.select(arith.compare("==", _math("floor", vi), vi),
                                                               arith.constant(0.0, vt), arith.constant(0.5, vt)),
                                       (index,), f"np.{name}()")
    _empty_lane_errors(floats, empty, before, nq, m, taking=False)
    lower, upper, last = _picked(rows, wholearray.elementwise(wrapped, (before,), f"np.{name}()"),
                                 wholearray.elementwise(wrapped, (after,), f"np.{name}()"), at)

    def lerp(x: Any, y: Any, t: Any, end: Any) -> Any:
        diff = arith.binary("-", y, x)   # in the array's dtype, as NumPy's b - a
        complement = arith.binary("-", arith.constant(1, vt), t)
        d = arith.cast(diff, r)
        low = arith.binary("+", arith.cast(x, r), arith.binary("*", d, arith.cast(t, r)))
        high = arith.binary("-", arith.cast(y, r), arith.binary("*", d, arith.cast(complement, r)))
        v = arith.select(arith.compare(">=", t, arith.constant(0.5, vt)), high, low)
        return arith.select(arith.emit_test("isnan", end), arith.cast(end, r), v) if floats else v
    gamma = wholearray.reshape(gamma, (nq, 1))
    result = wholearray.elementwise(lerp, (lower, upper, gamma, last), f"np.{name}()")
    return _shaped(result, q_dims, others, k, a.type.ndim, keepdims)


def _empty_lane_errors(floats: bool, empty: Any, index: Symbolic, nq: Any, m: Any, taking: bool) -> None:
    """NumPy's ``IndexError`` for quantiles of an empty lane: its look at the last element for
    NaN (float arrays), else its ``take`` or indexing by the first index."""
    if empty is False:
        return
    if floats:
        arith.raise_if(empty, "IndexError", "index -1 is out of bounds for axis 0 with size 0")
        return
    some = arith.logical_and(empty, arith.compare(">", nq, 0))
    if taking:
        arith.raise_if(arith.logical_and(some, arith.compare(">", m, 0)), "IndexError",
                       "cannot do a non-empty take from an empty axes.")
    first = _tr().call(first_or_zero, (index,), {})
    arith.raise_if(some, "IndexError", "index {} is out of bounds for axis 0 with size 0", arith.cast(first, i64))


def quantile(a: Any, q: Any, axis: Any = None, out: Any = None, overwrite_input: Any = False,
             method: Any = "linear", keepdims: Any = False, *, weights: Any = None) -> Any:
    return _quantile(a, q, axis, out, overwrite_input, method, keepdims, weights, "quantile")


def percentile(a: Any, q: Any, axis: Any = None, out: Any = None, overwrite_input: Any = False,
               method: Any = "linear", keepdims: Any = False, *, weights: Any = None) -> Any:
    return _quantile(a, q, axis, out, overwrite_input, method, keepdims, weights, "percentile")


# ----------------------------------------------------------------- interp
def _traced(v: Any) -> Any:
    """A list or tuple as ``np.array`` makes it, a NumPy array of the process as the traced
    array compiled code reads (a 0-d one: its scalar); anything else as it is."""
    if isinstance(v, (list, tuple)):
        v = combining.array(v)
    if isinstance(v, np.ndarray):
        v = arrays.global_array(v) if v.ndim else v[()]
    return v


def _samples(v: Any, name: str) -> Symbolic:
    """``xp`` or ``fp``: a traced 1-d array (NumPy's ``ValueError`` for another number of
    dimensions)."""
    v = _traced(v)
    if not wholearray.is_array(v):
        t = type_of(v)
        if t is None or not t.is_scalar:
            raise _tr().error(TypingError, f"np.interp() takes {name} as an array of numbers")
        arith.raise_if(True, "ValueError", "object of too small depth for desired array")
        raise PathEnds()
    if v.type.ndim != 1:
        arith.raise_if(True, "ValueError", "object too deep for desired array" if v.type.ndim > 1 else
                       "object of too small depth for desired array")
        raise PathEnds()
    return v


def _floats(v: Symbolic, name: str) -> Symbolic:
    if isinstance(v.type.dtype, ComplexType):
        raise _tr().error(TypingError, f"Cannot cast array data from dtype('{to_dtype(v.type.dtype)}') to "
                                       "dtype('float64') according to the rule 'safe'")
    return wholearray.elementwise(lambda e: arith.cast(e, f64), (v,), name)


def interp(x: Any, xp: Any, fp: Any, left: Any = None, right: Any = None, period: Any = None) -> Any:
    """``np.interp`` with increasing ``xp`` (NumPy's loop; any ``xp`` gives NumPy's answer)."""
    if period is not None:
        raise _tr().error(UnsupportedError, "np.interp(period=) is not supported in compiled code")
    fp = _samples(fp, "fp")
    xp = _floats(_samples(xp, "xp"), "np.interp()")
    scalar = not wholearray.is_array(x) and not isinstance(x, (list, tuple, np.ndarray))
    x = _traced(x)
    if not wholearray.is_array(x):
        t = type_of(x)
        if t is None or not t.is_scalar:
            raise _tr().error(TypingError, "np.interp() takes x as a number or an array of numbers")
        x = numpy_api.full(1, x, to_dtype(t))
    shape = arrays.shape(x)
    xs = wholearray.reshape(_floats(x, "np.interp()"), (-1,))
    n, nx = arrays.dim(xp, 0), arrays.dim(xs, 0)
    arith.raise_if(arith.compare("==", n, 0), "ValueError", "array of sample points is empty")   # even for no x
    arith.raise_if(arith.compare("!=", arrays.dim(fp, 0), n), "ValueError", "fp and xp are not of the same length.")
    spans = wholearray.elementwise(lambda hi, lo: arith.binary("-", hi, lo),
                                   (wholearray.subview(xp, slice(1, None)), wholearray.subview(xp, slice(None, -1))),
                                   "np.interp()")
    complex_fp = isinstance(fp.type.dtype, ComplexType)
    parts = [(arith.real, "real"), (arith.imag, "imag")] if complex_fp else [(None, None)]
    results = []
    for part, _ in parts:
        def of(v: Any, part: Any = part) -> Any:
            if v is None:
                return v
            if part is None:
                return arith.cast(v, f64)
            return part(arith.cast(v, from_dtype(np.dtype(np.complex128))))
        values = wholearray.elementwise(of, (fp,), "np.interp()")
        rises = wholearray.elementwise(lambda hi, lo: arith.binary("-", hi, lo),
                                       (wholearray.subview(values, slice(1, None)),
                                        wholearray.subview(values, slice(None, -1))), "np.interp()")
        if complex_fp:   # NumPy: the rise times 1 / the run
            slopes = wholearray.elementwise(
                lambda rise, run: arith.binary("*", rise, wholearray.numpy_binary("/", arith.constant(1.0, f64), run)),
                (rises, spans), "np.interp()")
        else:
            slopes = wholearray.elementwise(lambda rise, run: wholearray.numpy_binary("/", rise, run),
                                            (rises, spans), "np.interp()")
        out = numpy_api.allocate(nx, f64)
        lval = of(left) if left is not None else arith.constant(0.0, f64)
        rval = of(right) if right is not None else arith.constant(0.0, f64)
        _tr().call(interp_into, (out, xs, xp, values, slopes, left is not None, lval, right is not None, rval), {})
        results.append(out)
    if complex_fp:
        result = wholearray.elementwise(lambda re, im: arith.make_complex(re, im), tuple(results), "np.interp()")
    else:
        result = results[0]
    if scalar:
        return arrays.getitem(result, 0)
    return wholearray.reshape(result, tuple(shape)) if shape else arrays.getitem(result, 0)


FUNCTIONS = {np.median: median, np.quantile: quantile, np.percentile: percentile, np.interp: interp}
