"""Searching and counting in compiled code: ``np.searchsorted``, ``np.digitize`` and
``np.bincount``, as NumPy computes them (traced helpers of ``frontend.pyarray``).

Decisions: ``searchsorted`` runs NumPy's own binary search, each search starting where the
previous key left it, so even an unsorted ``a`` gives NumPy's answer; NaN sorts last.  The
operands meet in NumPy's result type of the two.  ``digitize`` checks that the bins are
monotonic as NumPy does (a NaN breaks nothing) and searches reversed decreasing bins.
``bincount`` counts (or adds the weights, in order, in ``float64``) into
``max(x) + 1`` (at least ``minlength``) bins; negative values are NumPy's ``ValueError``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ir import TypingError, UnsupportedError
from ir.dtypes import from_dtype, to_dtype
from ir.types import BoolType, IntType, i64

from . import arith, arrays, numpy_api, pyarray, wholearray
from .context import TraceContext, current
from .values import Symbolic, type_of

__all__ = ["searchsorted", "digitize", "bincount", "FUNCTIONS"]


def _tr() -> TraceContext:
    return current()


def _vector(x: Any, name: str) -> Symbolic:
    if not wholearray.is_array(x) or x.type.ndim != 1:
        raise _tr().error(UnsupportedError, f"np.{name}() takes a 1-d array there in compiled code")
    return x


def searchsorted(a: Any, v: Any, side: str = "left", sorter: Any = None) -> Any:
    if sorter is not None or side not in ("left", "right"):
        raise _tr().error(UnsupportedError, "np.searchsorted() with sorter= or another side is not supported in "
                                            "compiled code")
    a = _vector(a, "searchsorted")
    scalar = not wholearray.is_array(v)
    kind = type_of(v)
    if kind is None or not (kind.is_scalar or wholearray.is_array(v)):
        raise _tr().error(TypingError, "np.searchsorted() searches numbers or arrays of numbers")
    dt = np.result_type(to_dtype(a.type.dtype), to_dtype(v.type.dtype) if not scalar else
                        _python_number(v))
    t = from_dtype(dt)
    if t is None:
        raise _tr().error(TypingError, f"np.searchsorted() compares in {dt}, which compiled code does not support")
    keys = wholearray.astype(v, dt, copy=False) if not scalar else None
    if scalar:
        keys = numpy_api.full(1, arith.cast(v, t), to_dtype(t))
    elif keys.type.ndim != 1:
        raise _tr().error(UnsupportedError, "np.searchsorted() of keys of more than 1 dimension is not supported in "
                                            "compiled code yet")
    out = numpy_api.allocate(arrays.dim(keys, 0), i64)
    _tr().call(pyarray.search_sorted, (out, wholearray.astype(a, dt, copy=False), keys, side == "right"), {})
    return arrays.getitem(out, 0) if scalar else out


def _python_number(v: Any) -> Any:
    """``v`` as ``np.result_type`` sees it: a NumPy scalar's dtype, a Python number weak."""
    weak = v.weak if isinstance(v, Symbolic) else not isinstance(v, np.generic)
    t = type_of(v)
    return {BoolType: False, IntType: 0}.get(type(t), 0.0) if weak else to_dtype(t)


def digitize(x: Any, bins: Any, right: bool = False) -> Any:
    bins = _vector(bins, "digitize")
    if not isinstance(right, bool):
        raise _tr().error(UnsupportedError, "np.digitize(right=) must be a constant True or False")
    edges = wholearray.astype(bins, np.float64, copy=False)
    mono = _tr().call(pyarray.monotonic, (edges,), {})
    arith.raise_if(arith.compare("==", mono, 0), "ValueError", "bins must be monotonically increasing or decreasing")
    side = "left" if right else "right"
    up = searchsorted(bins, x, side)
    down = arrays.dim(bins, 0) - searchsorted(wholearray.flip(bins), x, side)
    if wholearray.is_array(up):
        return wholearray.elementwise(lambda p, q: arith.select(arith.compare("==", mono, -1), q, p), (up, down),
                                      "np.digitize()")
    return arith.select(arith.compare("==", mono, -1), down, up)


def bincount(x: Any, weights: Any = None, minlength: Any = 0) -> Symbolic:
    x = _vector(x, "bincount")
    if not isinstance(x.type.dtype, (IntType, BoolType)):   # uint64 wraps: too big is "negative", as NumPy
        raise _tr().error(TypingError, f"Cannot cast array data from dtype('{to_dtype(x.type.dtype)}') to "
                                       "dtype('int64') according to the rule 'safe'")
    values = wholearray.astype(x, np.int64, copy=False)
    n = arrays.dim(values, 0)
    nonempty = arith.compare(">", n, 0)
    smallest = arith.select(nonempty, _reduce(values, "min"), 0)
    arith.raise_if(arith.compare("<", smallest, 0), "ValueError", "'list' argument must have no negative elements")
    arith.raise_if(arith.compare("<", minlength, 0), "ValueError", "'minlength' must not be negative")
    length = arith.select(nonempty, arith.binary("+", _reduce(values, "max"), 1), 0)
    length = arith.select(arith.compare("<", length, minlength), arith.cast(minlength, i64), length)
    if weights is None:
        counts = numpy_api.zeros(length, np.int64)
        _tr().call(pyarray.count_into, (counts, values), {})
        return counts
    weights = wholearray.astype(_vector(weights, "bincount"), np.float64, copy=False)
    arith.raise_if(arith.compare("!=", arrays.dim(weights, 0), n), "ValueError",
                   "The weights and list don't have the same length.")
    sums = numpy_api.zeros(length, np.float64)
    _tr().call(pyarray.weigh_into, (sums, values, weights), {})
    return sums


def _reduce(values: Symbolic, name: str) -> Symbolic:
    """The least (``min``) or greatest element of ``values`` (an extreme int64 for an empty
    one: the callers guard)."""
    op = "<" if name == "min" else ">"
    first = arith.constant(2**63 - 1 if op == "<" else -2**63, i64)
    return wholearray.reduce(values, [first], lambda acc, v: [arith.select(arith.compare(op, v, acc), v, acc)])[0]


FUNCTIONS = {np.searchsorted: searchsorted, np.digitize: digitize, np.bincount: bincount}
