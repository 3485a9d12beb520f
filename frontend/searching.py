"""Searching and counting in compiled code: ``np.searchsorted``, ``np.digitize``,
``np.bincount`` and ``np.histogram``, as NumPy computes them (traced helpers of
``frontend.pyarray``).

Decisions: ``searchsorted`` runs NumPy's own binary search, each search starting where the
previous key left it, so even an unsorted ``a`` gives NumPy's answer; NaN sorts last.  The
operands meet in NumPy's result type of the two.  ``digitize`` checks that the bins are
monotonic as NumPy does (a NaN breaks nothing) and searches reversed decreasing bins.
``bincount`` counts (or adds the weights, in order, in ``float64``) into
``max(x) + 1`` (at least ``minlength``) bins; negative values are NumPy's ``ValueError``.
``histogram`` takes a number of equal bins or an array of edges (counted by ``searchsorted`` of
the sorted data, as NumPy counts them), and ``density=True``; ``weights=`` is refused for now.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ir import TypingError, UnsupportedError
from ir.dtypes import from_dtype, to_dtype
from ir.types import BoolType, IntType, f64, i64

from . import arith, arrays, combining, numpy_api, pyarray, wholearray
from .context import PathEnds, TraceContext, current
from .values import Symbolic, type_of

__all__ = ["searchsorted", "digitize", "bincount", "histogram", "flatnonzero", "nonzero", "argwhere", "FUNCTIONS"]


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
    """The dtype ``np.searchsorted`` gives a key that is a number: a NumPy scalar's own; a Python
    float is ``float64`` (compared in double precision even with a float32 array), a Python int
    the smallest type holding it (``int64`` when it is known only at run time), a bool ``bool``."""
    weak = v.weak if isinstance(v, Symbolic) else not isinstance(v, np.generic)
    t = type_of(v)
    if not weak:
        return to_dtype(t)
    if isinstance(t, BoolType):
        return np.dtype(np.bool_)
    if isinstance(t, IntType):
        return np.dtype(np.int64) if isinstance(v, Symbolic) else np.min_scalar_type(v)
    return np.dtype(np.float64)


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


def histogram(a: Any, bins: Any = 10, range: Any = None, density: Any = None, weights: Any = None) -> tuple:
    """``np.histogram`` with a number of equal bins, NumPy's algorithm (``pyarray.histogram_counts``):
    the edges are ``np.linspace`` of the range (``a``'s least and greatest element, widened by
    0.5 each way when equal, or ``range``), each element's bin computed from its distance to
    the first edge and corrected against the edges; NumPy's ``ValueError`` for a range that is
    not finite or too many bins."""
    if weights is not None or not wholearray.is_array(a) or not isinstance(density, (bool, type(None))):
        raise _tr().error(UnsupportedError, "np.histogram() with weights= is not supported in compiled code yet "
                                            "(density= must be a constant True or False)")
    if isinstance(bins, (list, tuple)):
        bins = combining.array(bins)
    if isinstance(bins, np.ndarray):
        bins = arrays.global_array(bins) if bins.ndim else bins[()]
    if wholearray.is_array(bins):
        return _with_density(_histogram_of_edges(a, bins), density)
    if not isinstance(type_of(bins), IntType):
        raise _tr().error(UnsupportedError, "np.histogram() takes a number of bins in compiled code (bin edges "
                                            "are not supported yet)")
    dtype = a.type.dtype
    if not (isinstance(dtype, IntType) or str(dtype) == "f64"):
        raise _tr().error(UnsupportedError, f"np.histogram() of {to_dtype(dtype)} arrays is not supported in "
                                            "compiled code yet (float64 and integers are)")
    x = wholearray.astype(wholearray.ravel(a), np.float64, copy=False)
    arith.raise_if(arith.compare("<", bins, 1), "ValueError", "`bins` must be positive, when an integer")
    if range is None:
        empty = arith.compare("==", arrays.size(a), 0)
        first, last = _least_or(a, x, empty, "min"), _least_or(a, x, empty, "max")
        finite = arith.logical_and(arith.emit_test("isfinite", first), arith.emit_test("isfinite", last))
        arith.raise_if(arith.logical_not(finite), "ValueError", "autodetected range of [{}, {}] is not finite",
                       first, last)
    else:
        if not isinstance(range, tuple) or len(range) != 2:
            raise _tr().error(UnsupportedError, "np.histogram(range=) takes a tuple of two numbers in compiled code")
        first, last = (arith.cast(v, f64) for v in range)
        arith.raise_if(arith.compare(">", first, last), "ValueError", "max must be larger than min in range parameter.")
        finite = arith.logical_and(arith.emit_test("isfinite", first), arith.emit_test("isfinite", last))
        arith.raise_if(arith.logical_not(finite), "ValueError", "supplied range of [{}, {}] is not finite",
                       first, last)
    same = arith.compare("==", first, last)
    first = arith.select(same, arith.binary("-", first, 0.5), first)
    last = arith.select(same, arith.binary("+", last, 0.5), last)
    n = arith.cast(bins, i64)
    edges = numpy_api.linspace(first, last, arith.binary("+", n, 1))
    increasing = _tr().call(pyarray.strictly_increasing, (edges,), {})
    arith.raise_if(arith.logical_not(increasing), "ValueError", "Too many bins for data range. Cannot create {} "
                                                                "finite-sized bins.", n)
    counts = numpy_api.zeros(n, np.int64)
    _tr().call(pyarray.histogram_counts, (counts, x, edges, first, last, arith.binary("-", last, first)), {})
    return _with_density((counts, edges), density)


def _histogram_of_edges(a: Symbolic, edges: Symbolic) -> tuple:
    """``np.histogram`` with bin edges, NumPy's way: NumPy's ``ValueError`` unless they are 1-d and
    never decrease (a NaN breaks nothing); the count up to each edge is a ``searchsorted`` of the
    sorted data (the last edge from the right, so the last bin is closed), the counts their
    differences (``int64``).  Booleans count as ``uint8``, as NumPy converts them."""
    if edges.type.ndim != 1:
        arith.raise_if(True, "ValueError", "`bins` must be 1d, when an array")
        raise PathEnds()
    decreasing = _tr().call(pyarray_decreases, (edges,), {})
    arith.raise_if(decreasing, "ValueError", "`bins` must increase monotonically, when an array")
    x = wholearray.ravel(wholearray.astype(a, np.uint8) if isinstance(a.type.dtype, BoolType) else
                         wholearray.elementwise(lambda v: v, (a,), "np.histogram()"))
    _tr().call(pyarray.sort_values, (x, numpy_api.allocate(arrays.dim(x, 0), x.type.dtype)), {})
    below = searchsorted(x, wholearray.subview(edges, slice(None, -1)), "left")
    through = searchsorted(x, wholearray.subview(edges, slice(-1, None)), "right")
    counts = numpy_api.allocate(arith.binary("-", arrays.dim(below, 0), arith.binary("-", 1, arrays.dim(through, 0))),
                                i64)
    _tr().call(bin_differences, (counts, below, through), {})
    return counts, edges


def pyarray_decreases(edges):
    """Whether an edge is greater than the next (traced)."""
    for i in range(1, edges.shape[0]):
        if edges[i - 1] > edges[i]:
            return True
    return False


def bin_differences(counts, below, through):
    """``counts[j] = cum[j + 1] - cum[j]`` for ``cum`` = ``below`` followed by ``through`` (traced)."""
    for j in range(counts.shape[0]):
        high = below[j + 1] if j + 1 < below.shape[0] else through[0]
        counts[j] = high - below[j]


def _with_density(result: tuple, density: Any) -> tuple:
    """With ``density``, NumPy's ``n / np.diff(edges) / n.sum()`` in float64."""
    counts, edges = result
    if not density:
        return result
    widths = wholearray.elementwise(lambda hi, lo: arith.cast(wholearray.numpy_binary("-", hi, lo), f64),
                                    (wholearray.subview(edges, slice(1, None)), wholearray.subview(edges, slice(None, -1))),
                                    "np.histogram()")
    total = wholearray.total(counts)
    return wholearray.elementwise(
        lambda c, w: wholearray.numpy_binary("/", wholearray.numpy_binary("/", arith.cast(c, f64), w), total),
        (counts, widths), "np.histogram()"), edges


def _least_or(a: Symbolic, x: Symbolic, empty: Symbolic, which: str) -> Symbolic:
    """``a``'s least (``min``) or greatest element as a float64, or 0 (1) for an empty ``a``."""
    if isinstance(a.type.dtype, IntType):
        value = arith.cast(_reduce(wholearray.astype(wholearray.ravel(a), np.int64, copy=False), which), f64)
    else:
        value = _float_extreme(x, which)
    return arith.select(empty, 0.0 if which == "min" else 1.0, value)


def _float_extreme(x: Symbolic, which: str) -> Symbolic:
    """min or max of a float64 array as NumPy (a NaN wins), or NaN for an empty one."""
    op = "<" if which == "min" else ">"
    nan = arith.constant(float("nan"), f64)
    start = arith.constant(float("inf") if op == "<" else float("-inf"), f64)

    def fold(acc: Any, v: Any) -> list:
        keep_nan = arith.emit_test("isnan", acc)
        return [arith.select(keep_nan, acc, arith.select(arith.logical_or(arith.compare(op, v, acc),
                                                                           arith.emit_test("isnan", v)), v, acc))]
    return arith.select(arith.compare("==", arrays.size(x), 0), nan,
                        wholearray.reduce(x, [start], fold, None, ordered=True)[0])


def flatnonzero(a: Any) -> Symbolic:
    """``np.flatnonzero``: the indices of the non-zero elements of the flattened array."""
    if not wholearray.is_array(a):
        raise _tr().error(UnsupportedError, "np.flatnonzero() takes an array in compiled code")
    x = wholearray.ravel(a)
    out = numpy_api.allocate(wholearray.count_nonzero(x), i64)
    _tr().call(pyarray.positions_where, (out, x), {})
    return out


def nonzero(a: Any) -> tuple:
    """``np.nonzero``: one index array per axis (``int64``), the non-zero elements' indices in C
    order, found from their flat positions (``flatnonzero``); of a 0-d array NumPy's
    ``ValueError``."""
    if not wholearray.is_array(a):
        raise _tr().error(UnsupportedError, "np.nonzero() takes an array in compiled code")
    if a.type.ndim == 0:
        arith.raise_if(True, "ValueError", "Calling nonzero on 0d arrays is not allowed. Use np.atleast_1d(scalar)"
                                           ".nonzero() instead. If the context of this error is of the form "
                                           "`arr[nonzero(cond)]`, just use `arr[cond]`.")
        raise PathEnds()
    flat = flatnonzero(a)
    if a.type.ndim == 1:
        return (flat,)
    extents = arrays.shape(a)
    indices, stride = [], None   # stride: the product of the extents after the axis
    for d in reversed(range(a.type.ndim)):
        def index(p: Any, stride: Any = stride, extent: Any = extents[d], first: bool = d == 0) -> Any:
            q = p if stride is None else wholearray.numpy_binary("//", p, stride)
            return q if first else wholearray.numpy_binary("%", q, arith.cast(extent, i64))
        indices.insert(0, wholearray.elementwise(index, (flat,), "np.nonzero()"))
        stride = arith.cast(extents[d], i64) if stride is None else arith.binary("*", stride, extents[d])
    return tuple(indices)


def argwhere(a: Any) -> Symbolic:
    """``np.argwhere``: the indices of the non-zero elements, one row each (``(count, ndim)``,
    ``int64``)."""
    if not wholearray.is_array(a) or a.type.ndim == 0:
        raise _tr().error(UnsupportedError, "np.argwhere() takes an array of at least 1 dimension in compiled code")
    indices = nonzero(a)
    if a.type.ndim == 1:
        return wholearray.subview(indices[0], (slice(None), None))
    return combining.stack(list(indices), axis=1)


def _reduce(values: Symbolic, name: str) -> Symbolic:
    """The least (``min``) or greatest element of ``values`` (an extreme int64 for an empty
    one: the callers guard)."""
    op = "<" if name == "min" else ">"
    first = arith.constant(2**63 - 1 if op == "<" else -2**63, i64)
    return wholearray.reduce(values, [first], lambda acc, v: [arith.select(arith.compare(op, v, acc), v, acc)])[0]


FUNCTIONS = {np.searchsorted: searchsorted, np.digitize: digitize, np.bincount: bincount, np.histogram: histogram,
             np.flatnonzero: flatnonzero, np.nonzero: nonzero, np.argwhere: argwhere}
