"""Sorting in compiled code: ``np.sort``, ``a.sort()``, ``np.argsort`` and ``np.unique`` of 1-d
arrays (or flattened with ``axis=None``): radix sorts of ``int64`` keys for integers, bools and
floats (NaN last, as NumPy orders them), also carrying indices for ``argsort``, a stable merge
sort for ``uint64``.  Complex values are refused.

Decisions: NumPy's stable sort is the one order it defines for equal elements (the input
order), so ``kind="stable"`` (or ``"mergesort"``) gives NumPy's result exactly.  The default
``quicksort`` leaves the order of equal elements to NumPy's SIMD sorts.  For values that order
shows only where equal elements differ in their bits: never for integers and bools; for
floats where ``-0.0`` meets ``0.0``, and there NumPy itself sorts the array when the code runs
(see ``sort_values``); NumPy's SIMD sorts write every NaN as the one quiet NaN, and so does
the compiled default sort (where NumPy's own quicksort runs instead and keeps NaNs' bits,
NumPy sorts arrays with NaNs of different bits).  So ``np.sort`` and ``np.unique`` give
NumPy's result bit for bit.  For ``argsort`` the indices of any equal elements show the
order: NumPy's ``argsort`` gives them when the array has equal elements.
"""
from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from ir import UnsupportedError
from ir.dtypes import to_dtype
from ir.types import ArrayType, BoolType, ComplexType, FloatType, IntType, i64

from . import arith, arrays, numpy_api, pyarray, runtime_calls, wholearray
from .control import staged_if
from .context import TraceContext, current
from .values import Symbolic, define, method

__all__ = ["sort", "argsort", "unique", "FUNCTIONS"]

_STABLE = ("stable", "mergesort")


def _tr() -> TraceContext:
    return current()


def _vector(a: Any, axis: Any, name: str) -> Symbolic:
    if not wholearray.is_array(a):
        raise _tr().error(UnsupportedError, f"np.{name}() takes an array in compiled code")
    if isinstance(a.type.dtype, ComplexType):
        raise _tr().error(UnsupportedError, f"np.{name}() of complex arrays is not supported in compiled code")
    if axis is None:
        return wholearray.ravel(a)
    if a.type.ndim != 1 or axis not in (0, -1):
        raise _tr().error(UnsupportedError, f"np.{name}() of arrays of more than 1 dimension along an axis is not "
                                            "supported in compiled code yet; sort a 1-d view, or pass axis=None")
    return a


def _stable(kind: Any, name: str) -> bool:
    """Whether ``kind`` asks for NumPy's stable sort (else its default quicksort)."""
    if kind in _STABLE:
        return True
    if kind not in (None, "quicksort", "heapsort"):
        raise _tr().error(UnsupportedError, f"np.{name}(kind={kind!r}) is not a sort kind compiled code knows")
    return False


def sort_values(values: Symbolic, stable: bool = True) -> None:
    """The 1-d ``values`` sorted in place by radix sorts of ``int64`` keys (linear): integers
    and bools that fit ``int64`` as their own keys, floats by their bits
    (``pyarray.float_keys``, ``sort_floats``: NaN last); ``uint64`` by a merge sort
    (``pyarray.sort_values``).  All of them stable: equal elements keep their
    order, as NumPy's stable sort (``stable``) keeps them.  NumPy's default sort leaves equal
    elements in the order its SIMD sort gives, which shows only where equal elements differ
    in their bits (``-0.0`` beside ``0.0``; NaNs of different bits, unless NumPy makes them
    the one quiet NaN): there NumPy itself sorts them, at run time
    (``runtime_calls.numpy_in_place``)."""
    t = values.type.dtype
    n = arrays.dim(values, 0)
    scratch, counts = numpy_api.allocate(n, i64), numpy_api.allocate(pyarray.RADIX_COUNTS, i64)
    if isinstance(t, BoolType) or isinstance(t, IntType) and (t.signed or t.bits < 64):
        keys = wholearray.astype(values, np.int64)
        _tr().call(pyarray.radix_sort, (keys, scratch, counts), {})
        wholearray.assign(values, keys)
    elif isinstance(t, FloatType):
        keys = numpy_api.allocate(n, i64)
        lost = _tr().call(pyarray.float_keys, (keys, values), {})
        canonical = not stable and _default_sort_makes_nans_canonical(to_dtype(t))

        def radix() -> None:
            nan = math.nan if canonical else 0.0
            _tr().call(pyarray.sort_floats, (values, keys, scratch, counts, lost, nan), {})

        if stable:
            radix()
        else:
            shows = pyarray.MIXED_ZEROS | (0 if canonical else pyarray.MIXED_NANS)
            staged_if(arith.compare("!=", arith.binary("&", lost, shows), 0),
                      lambda: runtime_calls.numpy_in_place("sort", np.ndarray.sort, values),
                      radix, lambda: (), lambda state: None, ())
    else:
        _tr().call(pyarray.sort_values, (values, numpy_api.allocate(n, t)), {})


@functools.cache
def _default_sort_makes_nans_canonical(dtype: np.dtype) -> bool:
    """Whether NumPy's default sort of ``dtype`` writes every NaN as the one quiet NaN (its
    SIMD sorts do, on machines with AVX2 or AVX-512; its own quicksort keeps NaNs' bits)."""
    nans = np.array([-np.nan, 0.0, -np.nan], dtype)
    nans.sort()
    return not np.signbit(nans[-1])


def sort(a: Any, axis: Any = -1, kind: Any = None, order: Any = None) -> Symbolic:
    """``np.sort``: a sorted copy."""
    if order is not None:
        raise _tr().error(UnsupportedError, "np.sort(order=) is not supported in compiled code")
    x = _vector(a, axis, "sort")
    stable = _stable(kind, "sort")
    values = wholearray.elementwise(lambda v: v, (x,), "np.sort()")
    sort_values(values, stable)
    return values


def sort_in_place(a: Symbolic, axis: Any = -1, kind: Any = None, order: Any = None) -> None:
    """``a.sort()`` of a 1-d array, in place."""
    if order is not None or a.type.ndim != 1 or axis not in (0, -1):
        raise _tr().error(UnsupportedError, "a.sort() is supported for 1-d arrays in compiled code")
    if a.type.readonly:
        raise _tr().error(UnsupportedError, "a.sort() of a read-only array")
    sort_values(a, _stable(kind, "sort"))


def argsort(a: Any, axis: Any = -1, kind: Any = None, order: Any = None, stable: Any = None) -> Symbolic:
    """``np.argsort``: the indices that sort ``a`` (``int64``), stably: a radix sort of the
    keys ``sort_values`` sorts by, carrying the indices (``uint64``: the merge sort).  NumPy's default kind orders the indices of equal elements its own way, so
    where ``a`` has equal elements NumPy's ``argsort`` gives them at run time
    (``runtime_calls.numpy_in_place``); without, the order is the one sorted order."""
    if order is not None:
        raise _tr().error(UnsupportedError, "np.argsort(order=) is not supported in compiled code")
    x = _vector(a, axis, "argsort")
    stable = _stable("stable" if stable else kind, "argsort")
    indices = numpy_api.arange(arrays.dim(x, 0))
    keys = stable_order(indices, x)
    if not stable:
        ties = _tr().call(ties_in_order, (indices, x), {}) if keys is None else _tr().call(adjacent_ties, (keys,), {})
        staged_if(ties, lambda: runtime_calls.numpy_in_place("argsort", _numpy_argsort, indices, x),
                  lambda: None, lambda: (), lambda state: None, ())
    return indices


def stable_order(indices: Symbolic, x: Symbolic) -> Symbolic | None:
    """``indices`` (``0..n-1``) sorted stably by the 1-d ``x``: a radix sort of the keys
    ``sort_values`` sorts by (returned, sorted), or the merge sort (None) for ``uint64``."""
    n = arrays.dim(x, 0)
    t = x.type.dtype
    if isinstance(t, FloatType):
        keys = numpy_api.allocate(n, i64)
        _tr().call(pyarray.float_keys, (keys, x), {})
    elif isinstance(t, BoolType) or isinstance(t, IntType) and (t.signed or t.bits < 64):
        keys = wholearray.astype(x, np.int64)
    else:
        _tr().call(pyarray.sort_indices, (indices, numpy_api.allocate(n, i64), x), {})
        return None
    _tr().call(pyarray.radix_argsort, (indices, keys, numpy_api.allocate(n, i64), numpy_api.allocate(n, i64),
                                       numpy_api.allocate(pyarray.RADIX_COUNTS, i64)), {})
    return keys


def _numpy_argsort(out: np.ndarray, a: np.ndarray) -> None:
    out[...] = np.argsort(a)


def adjacent_ties(keys):
    """Whether two neighbours of the sorted ``keys`` are equal (traced)."""
    for i in range(1, keys.shape[0]):
        if keys[i] == keys[i - 1]:
            return True
    return False


def ties_in_order(order, a):
    """Whether two neighbours of ``a[order]`` are equal, NaNs equal to each other (traced)."""
    for i in range(1, order.shape[0]):
        x = a[order[i]]
        y = a[order[i - 1]]
        if x == y or (x != x and y != y):
            return True
    return False


def unique(a: Any, return_index: Any = False, return_inverse: Any = False, return_counts: Any = False,
           axis: Any = None, equal_nan: Any = True, sorted: Any = True) -> Any:
    """``np.unique`` (flattened, or of a 1-d array along its axis): its sorted distinct values,
    and with ``return_index`` the index of each one's first occurrence, with ``return_inverse``
    the index of each element's value in the result (of ``a``'s shape), with ``return_counts``
    how often each occurs.  NaNs are one value, last, with ``equal_nan`` (NumPy 2's default),
    else each NaN is its own.

    Of equal values of different bits (``-0.0`` and ``0.0``) NumPy returns the first in its
    sorted order: with ``return_index`` or ``return_inverse`` that of a stable sort (the first
    in the input), else that of its default sort (``sort_values``), as here."""
    flags = (return_index, return_inverse, return_counts, equal_nan, sorted)
    if any(not isinstance(f, bool) for f in flags):
        raise _tr().error(UnsupportedError, "np.unique()'s return_index=, return_inverse=, return_counts=, "
                                            "equal_nan= and sorted= must be constant True or False")
    if not sorted:
        raise _tr().error(UnsupportedError, "np.unique(sorted=False) returns NumPy's hash-table order, which "
                                            "compiled code does not reproduce; leave sorted=True")
    if not wholearray.is_array(a):
        raise _tr().error(UnsupportedError, "np.unique() takes an array in compiled code")
    if axis is not None and (a.type.ndim != 1 or axis not in (0, -1)):
        raise _tr().error(UnsupportedError, "np.unique() with axis= is supported for 1-d arrays in compiled code")
    t = a.type.dtype
    if isinstance(t, ComplexType):
        raise _tr().error(UnsupportedError, "np.unique() of complex arrays is not supported in compiled code")
    x = wholearray.ravel(wholearray.elementwise(lambda v: v, (a,), "np.unique()"))
    n = arrays.dim(x, 0)
    if isinstance(t, IntType) and (t.signed or t.bits < 64) and not (return_index or return_inverse):
        out, counts = _tr().call(unique_integers, (x,), {})
        return (out, counts) if return_counts else out
    if return_index or return_inverse:
        order = numpy_api.arange(n)
        stable_order(order, x)   # NumPy's mergesort
        values = numpy_api.allocate(n, t)
        _tr().call(gather, (values, x, order), {})
    else:
        order = numpy_api.allocate(0, i64)
        values = x
        sort_values(values, stable=False)   # NumPy's ``ar.sort()``
    one_nan = equal_nan and isinstance(t, FloatType)
    runs = _tr().call(count_distinct, (values, one_nan), {})
    out = numpy_api.allocate(runs, t)
    index = numpy_api.allocate(runs if return_index else 0, i64)
    inverse = numpy_api.allocate(n if return_inverse else 0, i64)
    counts = numpy_api.allocate(runs if return_counts else 0, i64)
    _tr().call(distinct_into, (out, index, inverse, counts, values, order, one_nan, return_index, return_inverse,
                               return_counts), {})
    results = [out]
    if return_index:
        results.append(index)
    if return_inverse:
        results.append(wholearray.reshape(inverse, tuple(arrays.shape(a))) if a.type.ndim != 1 else inverse)
    if return_counts:
        results.append(counts)
    return tuple(results) if len(results) > 1 else out


#: ``unique_integers`` counts in a table when the values' range is at most this much longer
#: than the array
DENSE_SLACK = 65536


def unique_integers(a):
    """The distinct values of the 1-d integers ``a`` (that fit ``int64``), sorted, and how often
    each occurs (traced).  Where their range is at most ``DENSE_SLACK`` longer than ``a``
    they are counted in a table of the range (linear, no sort); else radix-sorted and their
    runs counted."""
    n = a.shape[0]
    lo = np.int64(0)
    hi = np.int64(-1)
    for i in range(n):
        v = np.int64(a[i])
        if i == 0 or v < lo:
            lo = v
        if i == 0 or v > hi:
            hi = v
    span = hi - lo   # wraps below 0 for a range beyond int64's
    if n > 0 and 0 <= span < n + DENSE_SLACK:
        tally = np.zeros(span + 1, np.int64)
        for i in range(n):
            tally[np.int64(a[i]) - lo] += 1
        runs = 0
        for v in range(span + 1):
            if tally[v] != 0:
                runs += 1
        out = np.empty(runs, a.dtype)
        counts = np.empty(runs, np.int64)
        j = 0
        for v in range(span + 1):
            if tally[v] != 0:
                out[j] = lo + v
                counts[j] = tally[v]
                j += 1
    else:
        keys = a.astype(np.int64)
        pyarray.radix_sort(keys, np.empty(n, np.int64), np.empty(pyarray.RADIX_COUNTS, np.int64))
        out = np.empty(pyarray.count_runs(keys), a.dtype)
        counts = np.empty(out.shape[0], np.int64)
        pyarray.first_of_runs(out, counts, keys, True)
    return out, counts


def gather(out, a, order):
    """``out[k] = a[order[k]]`` (traced)."""
    for k in range(order.shape[0]):
        out[k] = a[order[k]]


def count_distinct(a, one_nan):
    """The number of distinct values of the sorted 1-d ``a`` (its NaNs, last, as one with ``one_nan``)."""
    runs = 0
    for i in range(a.shape[0]):
        if i == 0 or (a[i] != a[i - 1] and not (one_nan and a[i] != a[i] and a[i - 1] != a[i - 1])):
            runs += 1
    return runs


def distinct_into(out, index, inverse, counts, a, order, one_nan, with_index, with_inverse, with_counts):
    """The first element of each run of equal values of the sorted ``a`` into ``out`` (with
    ``with_index``, its position ``order[i]`` in the input into ``index``); with ``with_inverse``
    ``inverse[order[i]]`` = the run of element ``i``; with ``with_counts`` each run's length."""
    j = -1
    for i in range(a.shape[0]):
        if i == 0 or (a[i] != a[i - 1] and not (one_nan and a[i] != a[i] and a[i - 1] != a[i - 1])):
            j += 1
            out[j] = a[i]
            if with_index:
                index[j] = order[i]
            if with_counts:
                counts[j] = 0
        if with_inverse:
            inverse[order[i]] = j
        if with_counts:
            counts[j] += 1


FUNCTIONS = {np.sort: sort, np.argsort: argsort, np.unique: unique}
define(ArrayType, {"sort": method(sort_in_place), "argsort": method(argsort)})
