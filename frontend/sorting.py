"""Sorting in compiled code: ``np.sort``, ``a.sort()``, ``np.argsort`` and ``np.unique`` of 1-d
arrays (or flattened with ``axis=None``), a stable merge sort (``frontend.pyarray.sort_values``) with
NaN last, as NumPy orders them.

Decision: NumPy's stable sort is the one order it defines for equal elements (the input
order), so ``kind="stable"`` (or ``"mergesort"``) gives NumPy's result exactly.  The default
``quicksort`` leaves the order of equal elements to NumPy's SIMD sorts, which compiled code
does not reproduce: for integer and bool values that order cannot be seen, so ``np.sort`` of
them takes the default; for floats (``-0.0`` and ``0.0`` are equal) and for ``argsort`` (the
indices of equal elements) the default kind is refused with a clear error naming
``kind="stable"``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ir import UnsupportedError
from ir.types import ArrayType, BoolType, IntType, i64

from . import arrays, numpy_api, pyarray, wholearray
from .context import TraceContext, current
from .values import Symbolic, define, method

__all__ = ["sort", "argsort", "unique", "FUNCTIONS"]

_STABLE = ("stable", "mergesort")


def _tr() -> TraceContext:
    return current()


def _vector(a: Any, axis: Any, name: str) -> Symbolic:
    if not wholearray.is_array(a):
        raise _tr().error(UnsupportedError, f"np.{name}() takes an array in compiled code")
    if axis is None:
        return wholearray.ravel(a)
    if a.type.ndim != 1 or axis not in (0, -1):
        raise _tr().error(UnsupportedError, f"np.{name}() of arrays of more than 1 dimension along an axis is not "
                                            "supported in compiled code yet; sort a 1-d view, or pass axis=None")
    return a


def _check_kind(a: Symbolic, kind: Any, name: str, indices: bool) -> None:
    if kind in _STABLE:
        return
    if kind not in (None, "quicksort", "heapsort"):
        raise _tr().error(UnsupportedError, f"np.{name}(kind={kind!r}) is not a sort kind compiled code knows")
    if indices or not isinstance(a.type.dtype, (IntType, BoolType)):
        what = "equal elements' indices" if indices else "equal values such as -0.0 and 0.0"
        raise _tr().error(UnsupportedError, f"np.{name}() with the default kind orders {what} as NumPy's SIMD sort "
                                            f"does, which compiled code does not reproduce; pass kind='stable' "
                                            "(NumPy's stable order: the input order)")


def sort(a: Any, axis: Any = -1, kind: Any = None, order: Any = None) -> Symbolic:
    """``np.sort``: a sorted copy."""
    if order is not None:
        raise _tr().error(UnsupportedError, "np.sort(order=) is not supported in compiled code")
    x = _vector(a, axis, "sort")
    _check_kind(x, kind, "sort", False)
    values = wholearray.elementwise(lambda v: v, (x,), "np.sort()")
    _tr().call(pyarray.sort_values, (values, numpy_api.allocate(arrays.dim(values, 0), x.type.dtype)), {})
    return values


def sort_in_place(a: Symbolic, axis: Any = -1, kind: Any = None, order: Any = None) -> None:
    """``a.sort()`` of a 1-d array, in place."""
    if order is not None or a.type.ndim != 1 or axis not in (0, -1):
        raise _tr().error(UnsupportedError, "a.sort() is supported for 1-d arrays in compiled code")
    if a.type.readonly:
        raise _tr().error(UnsupportedError, "a.sort() of a read-only array")
    _check_kind(a, kind, "sort", False)
    _tr().call(pyarray.sort_values, (a, numpy_api.allocate(arrays.dim(a, 0), a.type.dtype)), {})


def argsort(a: Any, axis: Any = -1, kind: Any = None, order: Any = None, stable: Any = None) -> Symbolic:
    """``np.argsort``: the indices that sort ``a`` (``int64``)."""
    if order is not None:
        raise _tr().error(UnsupportedError, "np.argsort(order=) is not supported in compiled code")
    x = _vector(a, axis, "argsort")
    _check_kind(x, "stable" if stable else kind, "argsort", True)
    n = arrays.dim(x, 0)
    indices = numpy_api.arange(n)
    _tr().call(pyarray.sort_indices, (indices, numpy_api.allocate(n, i64), x), {})
    return indices


def unique(a: Any, return_index: Any = False, return_inverse: Any = False, return_counts: Any = False,
           axis: Any = None, equal_nan: Any = True) -> Any:
    """``np.unique`` of an integer or bool array: its sorted distinct values (and with
    ``return_counts`` how often each occurs).  Floats are refused: NumPy keeps the first of
    each run of its SIMD sort, so which of ``-0.0`` and ``0.0`` it returns is its own."""
    if return_index or return_inverse or axis is not None or not isinstance(return_counts, bool):
        raise _tr().error(UnsupportedError, "np.unique() with return_index=, return_inverse= or axis= is not "
                                            "supported in compiled code yet")
    x = _vector(a, None, "unique")
    if not isinstance(x.type.dtype, (IntType, BoolType)):
        raise _tr().error(UnsupportedError, "np.unique() of floats keeps -0.0 or 0.0 as NumPy's SIMD sort leaves "
                                            "them, which compiled code does not reproduce; it is supported for "
                                            "integers and bools")
    values = sort(x, kind="stable")
    runs = _tr().call(pyarray.count_runs, (values,), {})
    out = numpy_api.allocate(runs, x.type.dtype)
    counts = numpy_api.allocate(runs if return_counts else 0, i64)
    _tr().call(pyarray.first_of_runs, (out, counts, values, return_counts), {})
    return (out, counts) if return_counts else out


FUNCTIONS = {np.sort: sort, np.argsort: argsort, np.unique: unique}
define(ArrayType, {"sort": method(sort_in_place), "argsort": method(argsort)})
