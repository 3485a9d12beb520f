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
the sorted data, as NumPy counts them), ``density=True``, and ``weights=`` of ``a``'s shape (else
NumPy's ``ValueError``), summed in the weights' dtype in NumPy's order of additions: per block
of 65,536 elements, equal bins by ``np.bincount`` in float64 converted to the dtype, edges by the
cumulative sums of the weights in the order of the sorted data.  Bool weights are refused.

Known differences: with edges, the data of a block are sorted stably, while NumPy's ``argsort``
orders equal values its own way, so float weights of equal data may sum with other roundings;
``density=True`` with complex weights divides by ``np.sum`` of the histogram, which compiled code
adds in another order than NumPy's pairwise sum of complex numbers (agreeing to rounding).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ir import TypingError, UnsupportedError
from ir.dtypes import from_dtype, to_dtype
from ir.types import BoolType, ComplexType, IntType, Type, f64, i64, u64

from . import arith, arrays, combining, numpy_api, pyarray, wholearray
from .context import PathEnds, TraceContext, current
from .values import Symbolic, describe, type_of

__all__ = ["searchsorted", "digitize", "bincount", "histogram", "flatnonzero", "nonzero", "argwhere", "FUNCTIONS"]


def _tr() -> TraceContext:
    return current()


def _vector(x: Any, name: str) -> Symbolic:
    """``x`` as a 1-d array (a list, a tuple and a NumPy array of constants as NumPy's
    ``asarray`` makes them: ``wholearray.as_array``)."""
    x = wholearray.as_array(x)
    if not wholearray.is_array(x) or x.type.ndim != 1:
        got = f"a {x.type.ndim}-d array" if wholearray.is_array(x) else f"a value of type {describe(x)}"
        raise _tr().error(UnsupportedError, f"np.{name}() takes a 1-d array there in compiled code, not {got}")
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
    """``np.histogram`` with a number of equal bins, NumPy's algorithm (``histogram_counts``):
    the edges are ``np.linspace`` of the range (``a``'s least and greatest element, widened by
    0.5 each way when equal, or ``range``), each element's bin computed from its distance to
    the first edge and corrected against the edges; NumPy's ``ValueError`` for a range that is
    not finite or too many bins.  With ``weights``, the sums of the weights (``_weighted``)."""
    if not wholearray.is_array(a) or not isinstance(density, (bool, type(None))):
        raise _tr().error(UnsupportedError, "np.histogram() takes an array in compiled code (density= must be a "
                                            "constant True or False)")
    if weights is not None:
        weights = _weights_of(a, weights)
    if isinstance(bins, (list, tuple)):
        bins = combining.array(bins)
    if isinstance(bins, np.ndarray):
        bins = arrays.global_array(bins) if bins.ndim else bins[()]
    if wholearray.is_array(bins):
        return _with_density(_histogram_of_edges(a, bins, weights), density)
    if isinstance(bins, str):
        raise _tr().error(UnsupportedError, f"np.histogram(bins={bins!r}): a bin estimator is not supported in "
                                            "compiled code; pass a number of bins or an array of edges")
    if not isinstance(type_of(bins), (IntType, BoolType)):
        raise _tr().error(TypingError, "TypeError: `bins` must be an integer, a string, or an array")
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
    denom = arith.binary("-", last, first)
    if weights is not None:
        return _with_density((_weighted(x, weights, edges, first, last, denom), edges), density)
    counts = numpy_api.zeros(n, np.int64)
    _tr().call(histogram_counts, (counts, x, edges, first, last, denom), {})
    return _with_density((counts, edges), density)


#: NumPy's ``histogram`` adds its data in blocks of this many elements
BLOCK = 65536


def _weights_of(a: Symbolic, weights: Any) -> Symbolic:
    """``weights`` raveled, NumPy's ``ValueError`` unless of ``a``'s shape.  Bool weights are
    refused: NumPy's histogram of them is of bools (equal bins) or its ``TypeError`` (edges)."""
    if isinstance(weights, (list, tuple)):
        weights = combining.array(weights)
    if isinstance(weights, np.ndarray):
        weights = arrays.global_array(weights)
    if not wholearray.is_array(weights):
        raise _tr().error(UnsupportedError, "np.histogram(weights=) takes an array in compiled code")
    if isinstance(weights.type.dtype, BoolType):
        raise _tr().error(UnsupportedError, "np.histogram() with bool weights is not supported in compiled code; "
                                            "pass weights.astype(np.int64)")
    message = "weights should have the same shape as a."
    if weights.type.ndim != a.type.ndim:
        arith.raise_if(True, "ValueError", message)
        raise PathEnds()
    for d in range(a.type.ndim):
        arith.raise_if(arith.compare("!=", arrays.dim(weights, d), arrays.dim(a, d)), "ValueError", message)
    return wholearray.ravel(weights)


def _weighted(x: Symbolic, weights: Symbolic, edges: Symbolic, first: Symbolic, last: Symbolic,
              denom: Symbolic) -> Symbolic:
    """The sums of ``weights`` in the equal bins of ``edges``, in the weights' dtype, as NumPy adds
    them (``weighted_histogram``): per block of 65,536 elements ``np.bincount`` in float64,
    converted to the dtype and added (a complex dtype: its real and imaginary parts
    each, unconverted, as NumPy's ``n.real += ...``)."""
    t = weights.type.dtype
    n = arith.binary("-", arrays.dim(edges, 0), 1)
    counts = numpy_api.zeros(n, to_dtype(_running(t)))
    if isinstance(t, ComplexType):
        parts = [(wholearray.real_part(counts), wholearray.real_part(weights)),
                 (wholearray.imaginary_part(counts), wholearray.imaginary_part(weights))]
    else:
        parts = [(counts, weights)]
    for into, w in parts:
        sums = numpy_api.allocate(n, f64)
        unconverted = into.type.dtype == f64 or isinstance(t, ComplexType)
        rounded = sums if unconverted else numpy_api.allocate(n, into.type.dtype)
        w = wholearray.astype(w, np.float64, copy=False)
        _tr().call(weighted_histogram, (into, sums, rounded, x, w, edges, first, last, denom, BLOCK), {})
    return wholearray.astype(counts, to_dtype(t), copy=False)


def _running(t: Type) -> Type:
    """The dtype a histogram of weights of dtype ``t`` adds in: ``int64`` (``uint64`` for
    ``uint64``) for integers, converted to ``t`` at the end (the same as NumPy's sums wrapping in
    ``t`` at every step, as integers wrap), ``t`` itself otherwise.  It is also NumPy's ``cumsum``
    dtype of ``t``, but for ``int64`` rather than ``uint64`` from narrower unsigned integers (the
    same bits)."""
    return (u64 if t == u64 else i64) if isinstance(t, IntType) else t


def _histogram_of_edges(a: Symbolic, edges: Symbolic, weights: Symbolic | None) -> tuple:
    """``np.histogram`` with bin edges, NumPy's way: NumPy's ``ValueError`` unless they are 1-d and
    never decrease (a NaN breaks nothing); the count up to each edge is a ``searchsorted`` of the
    sorted data (the last edge from the right, so the last bin is closed), the counts their
    differences (``int64``).  Booleans count as ``uint8``, as NumPy converts them.  With
    ``weights``, ``_weighted_by_edges``."""
    if edges.type.ndim != 1:
        arith.raise_if(True, "ValueError", "`bins` must be 1d, when an array")
        raise PathEnds()
    decreasing = _tr().call(pyarray_decreases, (edges,), {})
    arith.raise_if(decreasing, "ValueError", "`bins` must increase monotonically, when an array")
    x = wholearray.ravel(wholearray.astype(a, np.uint8) if isinstance(a.type.dtype, BoolType) else
                         wholearray.elementwise(lambda v: v, (a,), "np.histogram()"))
    if weights is not None:
        return _weighted_by_edges(x, weights, edges), edges
    _tr().call(pyarray.sort_values, (x, numpy_api.allocate(arrays.dim(x, 0), x.type.dtype)), {})
    below = searchsorted(x, wholearray.subview(edges, slice(None, -1)), "left")
    through = searchsorted(x, wholearray.subview(edges, slice(-1, None)), "right")
    counts = numpy_api.allocate(arith.binary("-", arrays.dim(below, 0), arith.binary("-", 1, arrays.dim(through, 0))),
                                i64)
    _tr().call(bin_differences, (counts, below, through), {})
    return counts, edges


def _weighted_by_edges(x: Symbolic, weights: Symbolic, edges: Symbolic) -> Symbolic:
    """The sums of ``weights`` between ``edges``, in the weights' dtype, as NumPy adds them
    (``weighted_cumulative``): per block of 65,536 elements the weights in the order of
    the sorted data summed cumulatively (``cumsum``'s dtype: ``int64``/``uint64`` for narrower
    integers), the sums at the edges added up, and their differences.

    Decision: the data of a block is sorted stably, so weights of equal values are added in
    input order; NumPy's ``argsort`` (its SIMD quicksort) adds them in an order of its own, so
    float sums over equal values may round differently from NumPy's (integer weights and
    distinct values give NumPy's result exactly)."""
    dt = np.result_type(to_dtype(x.type.dtype), to_dtype(edges.type.dtype))
    if from_dtype(dt) is None:
        raise _tr().error(TypingError, f"np.histogram() compares in {dt}, which compiled code does not support")
    x = wholearray.astype(x, dt, copy=False)
    edges_in = wholearray.astype(edges, dt, copy=False)
    t = weights.type.dtype
    running = _running(t)
    m = arith.select(arith.compare("<", arrays.dim(x, 0), BLOCK), arrays.dim(x, 0), BLOCK)
    k = arrays.dim(edges, 0)
    bins = arith.select(arith.compare(">", k, 0), arith.binary("-", k, 1), 0)
    cum = numpy_api.zeros(k, to_dtype(running))
    scratch = (numpy_api.allocate(arith.binary("+", m, 1), running), numpy_api.allocate(m, i64),
               numpy_api.allocate(m, i64), numpy_api.allocate(m, from_dtype(dt)), numpy_api.allocate(bins, i64),
               numpy_api.allocate(1, i64))
    _tr().call(weighted_cumulative, (cum,) + scratch + (x, weights, edges_in, BLOCK), {})
    counts = numpy_api.allocate(bins, running)
    _tr().call(differences, (counts, cum), {})
    return wholearray.astype(counts, to_dtype(t), copy=False)


#: the elements whose bins ``histogram_counts`` computes before it counts them
BIN_CHUNK = 512


def histogram_counts(counts, a, edges, first, last, denom):
    """NumPy's histogram of the 1-d float64 ``a`` in equal bins: each element between ``first``
    and ``last`` counted in its ``uniform_bin`` (traced).

    Decision: above ``pyarray.ROWS_UP_TO`` bins, each element's bin is counted as it is
    found (rows of counts would take four times the memory of ``counts``, as ``np.bincount``
    would not).  Up to that, the bins of a chunk of :data:`BIN_CHUNK` elements are computed
    first, an element outside the edges in an extra bin: by ``estimated_bins`` (vector code)
    unless it finds an element whose bin it cannot tell NumPy's from, then by ``uniform_bin``.  They are then
    counted in four rows of counts, element ``i + j`` of every four in row ``j`` by an
    increment of its own, the rows added up at the end.  One increment of one small array for
    every element ran at a third of the speed on random data: the CPU predicts that a load
    reads what the same store instruction wrote the trip before, and was wrong most of the
    time (a loop of only such increments: 6.2 ms for 600,000 normal floats in 50 bins, 1.6 ms
    with four rows).  ``uniform_bin`` for every element, with its two loads of edges, took
    3.4 to 3.9 ms for 600,000 normal floats in 50 bins; with ``estimated_bins``, 1.0 to
    1.1 ms (0.43 ms of it the estimates, 0.45 ms the counting)."""
    nbins = counts.shape[0]
    n = a.shape[0]
    scale = nbins / denom
    if nbins > pyarray.ROWS_UP_TO:   # no rows of counts: one increment of counts per element
        for i in range(n):
            x = a[i]
            if x >= first and x <= last:
                counts[uniform_bin(x, edges, first, denom, scale)] += 1
        return
    magnitude = max(abs(first), abs(last))
    slack = (nbins + 1.0) * 2.0 ** -45 + (2.0 * nbins + magnitude * scale) * 2.0 ** -50
    estimate = scale > 0.0 and slack < 0.25   # an infinite range (scale 0) has no estimate
    rows = np.zeros((4, nbins + 1), np.int64)
    bins = np.empty(BIN_CHUNK, np.int64)
    for start in range(0, n, BIN_CHUNK):
        m = min(BIN_CHUNK, n - start)
        if not estimate or estimated_bins(bins, a[start:start + m], first, last, scale, slack, nbins):
            for t in range(m):
                x = a[start + t]
                bins[t] = uniform_bin(x, edges, first, denom, scale) if x >= first and x <= last else nbins
        for t in range(0, m - m % 4, 4):   # the min changes nothing (a bin) but tells bce
            rows[0, min(max(bins[t], 0), nbins)] += 1
            rows[1, min(max(bins[t + 1], 0), nbins)] += 1
            rows[2, min(max(bins[t + 2], 0), nbins)] += 1
            rows[3, min(max(bins[t + 3], 0), nbins)] += 1
        for t in range(m - m % 4, m):
            rows[0, min(max(bins[t], 0), nbins)] += 1
    for k in range(nbins):
        counts[k] += rows[0, k] + rows[1, k] + rows[2, k] + rows[3, k]


def estimated_bins(bins, chunk, first, last, scale, slack, nbins):
    """``bins[t]``: the bin of ``chunk[t]`` among ``nbins`` equal bins from ``first`` to
    ``last`` (``nbins`` outside them), ``floor((x - first) * scale)``, with no branch and no
    load of an edge (vector code); whether some element's estimate lies within ``slack`` of a
    bin's end, where it may not be NumPy's bin: the caller then computes them all again
    (traced).

    Why the estimate is NumPy's bin elsewhere: NumPy's first guess ``int((x - first) / denom
    * n)`` and ``y = (x - first) * scale`` are within a few units in the last place of
    ``y``, at most ``n + 1``: ``(n + 1) * 2**-45`` is hundreds of times that, so the two
    truncate alike (``numpy_estimate``).  NumPy then moves the guess ``k`` down if ``x <
    edges[k]`` and up if ``x >= edges[k + 1]``.  The edges are ``np.linspace``'s, ``k * step
    + first``, off their exact values by at most ``denom * 2**-52 + magnitude * 2**-53``,
    ``n * 2**-52 + magnitude * scale * 2**-53`` in units of bins; the second term of
    ``slack`` is eight times that.  So an ``x`` whose ``y`` is more than ``slack`` from both
    ends of its bin is not moved.  ``y`` is 0 exactly where ``x`` is ``first``, the first
    edge: bin 0, as NumPy's.  A ``y`` past ``n - 0.5`` is the last bin (NumPy's guess ``n``
    is moved to it too), which ``slack`` below 0.25 keeps from moving down."""
    near = False
    top = nbins - 0.5
    for t in range(chunk.shape[0]):
        x = chunk[t]
        inside = (x >= first) & (x <= last)
        y = min(max((x - first) * scale, 0.0), top)
        whole = np.floor(y)
        part = y - whole
        near |= inside & (((part <= slack) & (y != 0.0)) | (part >= 1.0 - slack))
        bins[t] = (np.float64(whole + TWO_52).view(np.int64) - TWO_52_BITS) if inside else nbins
    return near


#: a whole float ``w`` in ``[0, 2**52)`` is ``(w + TWO_52).view(np.int64) - TWO_52_BITS``: two
#: vector instructions, where AVX2 has no conversion of doubles to 64-bit integers (LLVM
#: converts lane by lane)
TWO_52, TWO_52_BITS = 2.0 ** 52, 0x4330000000000000


def uniform_bin(x, edges, first, denom, scale):
    """NumPy's bin of ``x`` (between the first and the last edge) among the equal bins of
    ``edges``: ``int((x - first) / denom * n)`` (``numpy_estimate``), corrected by one against
    the edges (the last bin closed) (traced).

    The bounds ``min(.., n - 1)`` and ``max(.., 0)`` never change ``k`` (``x`` is between the
    first and the last edge, so the quotient is between 0 and 1, and ``x`` is never below the
    first edge), but they show the ``bce`` pass that every index is in range: without them
    three index checks ran for every element, a fifth of the histogram's time."""
    n = edges.shape[0] - 1
    k = max(min(numpy_estimate(x, n, first, denom, scale), n - 1), 0)
    if x < edges[k]:
        k -= 1
    k = max(min(k, n - 1), 0)
    if x >= edges[k + 1] and k != n - 1:
        k += 1
    return max(min(k, n - 1), 0)


def numpy_estimate(x, n, first, denom, scale):
    """``int((x - first) / denom * n)``, NumPy's first guess of ``x``'s bin, for ``x`` at or
    above ``first``, without a division where that gives the same integer (traced).

    ``(x - first) * scale``, with ``scale = n / denom``, is within a few units in the last
    place of NumPy's quotient, so the two truncate to the same integer unless the product is
    that close to an integer (``slack``): only then, or when ``scale`` overflowed, is NumPy's
    division done.  The division was the loop's slowest step: the counting loop of 600,000
    elements took 5.5 ms with it and 4.0 ms without (the fastest runs of each)."""
    slack = (n + 1.0) * 2.0 ** -45
    t = (x - first) * scale
    if t < n + 1.0:
        k = int(t)
        part = t - k
        if part > slack and part < 1.0 - slack:
            return k
    return int((x - first) / denom * n)


def weighted_histogram(n, sums, rounded, a, w, edges, first, last, denom, block):
    """NumPy's histogram of the 1-d float64 ``a`` in equal bins weighted by the float64 ``w``,
    added as NumPy adds it: per block of ``block`` elements one ``np.bincount`` (``sums``: each
    bin's weights added in order, from 0.0), stored into ``rounded`` (NumPy's
    ``.astype(ntype)``; ``sums`` itself where NumPy adds the float64 sums unconverted) and added
    to ``n`` (traced)."""
    size = a.shape[0]
    scale = (edges.shape[0] - 1) / denom
    for start in range(0, size, block):
        for k in range(sums.shape[0]):
            sums[k] = 0.0
        for i in range(start, min(start + block, size)):
            x = a[i]
            if x >= first and x <= last:
                sums[uniform_bin(x, edges, first, denom, scale)] += w[i]
        for k in range(n.shape[0]):
            rounded[k] = sums[k]
            n[k] = n[k] + rounded[k]


def weighted_cumulative(cum, cw, order, scratch, sa, below, through, a, w, edges, block):
    """NumPy's cumulative weighted histogram of ``a`` at its bin ``edges`` (of ``a``'s dtype), per
    block of ``block`` elements: the block's values sorted stably (``order``, ``scratch``; ``sa``
    the sorted values), ``cw`` the running sums of their weights in that order (``cw[0] = 0``, in
    ``cw``'s dtype: NumPy's ``cumsum``), and at each edge the sum up to it (``searchsorted``
    left; the last edge right) added to ``cum`` (nothing without edges) (traced)."""
    size = a.shape[0]
    last = cum.shape[0] - 1
    for start in range(0, size if last >= 0 else 0, block):
        m = min(block, size - start)
        keys = a[start:start + m]
        for j in range(m):
            order[j] = j
        pyarray.sort_indices(order[:m], scratch[:m], keys)
        cw[0] = 0
        for j in range(m):
            sa[j] = keys[order[j]]
            cw[j + 1] = w[start + order[j]] if j == 0 else cw[j] + w[start + order[j]]
        pyarray.search_sorted(below, sa[:m], edges[:last], False)
        pyarray.search_sorted(through, sa[:m], edges[last:], True)
        for e in range(last):
            cum[e] += cw[below[e]]
        cum[last] += cw[through[0]]


def differences(out, a):
    """``out[j] = a[j + 1] - a[j]`` (``np.diff``, in the dtype) (traced)."""
    for j in range(out.shape[0]):
        out[j] = a[j + 1] - a[j]


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
    """With ``density``, NumPy's ``n / np.diff(edges) / n.sum()``: the widths in float64, the
    divisions in NumPy's result types (complex weights: ``complex128``)."""
    counts, edges = result
    if not density:
        return result
    widths = wholearray.elementwise(lambda hi, lo: arith.cast(wholearray.numpy_binary("-", hi, lo), f64),
                                    (wholearray.subview(edges, slice(1, None)), wholearray.subview(edges, slice(None, -1))),
                                    "np.histogram()")
    total = wholearray.total(counts)
    return wholearray.elementwise(
        lambda c, w: wholearray.numpy_binary("/", wholearray.numpy_binary("/", c, w), total),
        (counts, widths), "np.histogram()"), edges


def _least_or(a: Symbolic, x: Symbolic, empty: Symbolic, which: str) -> Symbolic:
    """``a``'s least (``min``) or greatest element as a float64, or 0 (1) for an empty ``a``."""
    if isinstance(a.type.dtype, IntType):
        value = arith.cast(_reduce(wholearray.astype(wholearray.ravel(a), np.int64, copy=False), which), f64)
    else:
        value = _float_extreme(x, which)
    return arith.select(empty, 0.0 if which == "min" else 1.0, value)


def _float_extreme(x: Symbolic, which: str) -> Symbolic:
    """min or max of a float64 array as NumPy's ``a.min()`` (a NaN wins; of equal zeros, the
    one NumPy's order of comparisons keeps: ``lower-arrays``' NumPy-order extremum), or NaN
    for an empty one."""
    op = "<" if which == "min" else ">"
    nan = arith.constant(float("nan"), f64)
    start = arith.constant(float("inf") if op == "<" else float("-inf"), f64)
    extreme = wholearray.reduce(x, [start], lambda acc, v: [numpy_api.extremum(op)(acc, v)], None)[0]
    return arith.select(arith.compare("==", arrays.size(x), 0), nan, extreme)


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
