"""Array helpers written in the Python compiled code runs (traced like user code).

``a.ndim`` is a compile-time int, so the ``if`` on it runs at trace time and
each helper unrolls into one loop nest per number of dimensions.
"""
from __future__ import annotations

import numpy as np


def fill(a, value):
    """Every element of ``a`` set to ``value`` (converted to the dtype)."""
    if a.ndim == 1:
        for i in range(a.shape[0]):
            a[i] = value
    else:
        for i in range(a.shape[0]):
            fill(a[i], value)


def copy_into(dst, src):
    """``dst[...] = src[...]`` for arrays of one shape."""
    if dst.ndim == 1:
        for i in range(dst.shape[0]):
            dst[i] = src[i]
    else:
        for i in range(dst.shape[0]):
            copy_into(dst[i], src[i])


def arange_fill(a, start, delta):
    """``a[i] = start + i * delta`` over a 1-d array (NumPy's ``arange`` fill)."""
    for i in range(a.shape[0]):
        a[i] = start + i * delta


def cumulate(src, out, op):
    """``out[i, j, k]`` = ``src[i, :j + 1, k]`` combined in order by ``op`` (``"+"``, ``"*"``,
    ``"max"``, ``"min"``: NumPy's ``maximum``/``minimum``, a NaN carried on), over 3-d arrays of
    one shape: NumPy's ``cumsum``/``cumprod`` and ``accumulate`` along the middle axis."""
    for i in range(src.shape[0]):
        for k in range(src.shape[2]):
            if src.shape[1] > 0:
                out[i, 0, k] = src[i, 0, k]
        for j in range(1, src.shape[1]):
            for k in range(src.shape[2]):
                if op == "*":
                    out[i, j, k] = out[i, j - 1, k] * src[i, j, k]
                elif op == "max":
                    out[i, j, k] = np.maximum(out[i, j - 1, k], src[i, j, k])
                elif op == "min":
                    out[i, j, k] = np.minimum(out[i, j - 1, k], src[i, j, k])
                else:
                    out[i, j, k] = out[i, j - 1, k] + src[i, j, k]


def linspace_fill(a, start, stop, delta, div, endpoint):
    """NumPy's ``linspace`` into the 1-d float array ``a``: ``i * step + start`` with ``step =
    delta / div`` (``i / div * delta + start`` when the step underflows to 0, ``i * delta +
    start`` without a step), the last element ``stop`` itself with ``endpoint``."""
    n = a.shape[0]
    if div > 0:
        step = delta / div
        if step == 0:
            for i in range(n):
                a[i] = i / div * delta + start
        else:
            for i in range(n):
                a[i] = i * step + start
    else:
        for i in range(n):
            a[i] = i * delta + start
    if endpoint and n > 1:
        a[n - 1] = stop


def set_diagonal(a, k, value):
    """``a[i, i + k] = value`` along the ``k``-th diagonal of the 2-d array ``a``."""
    for i in range(max(-k, 0), min(a.shape[0], a.shape[1] - k)):
        a[i, i + k] = value


def diagonal_from(a, v, k):
    """``a[i, i + k] = v[j]`` for the 1-d ``v``, ``a`` square of side ``len(v) + |k|``."""
    for j in range(v.shape[0]):
        a[j + max(-k, 0), j + max(k, 0)] = v[j]


def diagonal_into(out, a, k):
    """``out[j] = a[j + max(-k, 0), j + max(k, 0)]``: the ``k``-th diagonal of ``a``."""
    for j in range(out.shape[0]):
        out[j] = a[j + max(-k, 0), j + max(k, 0)]


def triangle(out, a, k, lower):
    """``out`` = ``a`` with the elements above (``lower``) or below the ``k``-th diagonal zeroed."""
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            if (j - i <= k) if lower else (j - i >= k):
                out[i, j] = a[i, j]
            else:
                out[i, j] = 0


def select_where(out, a, mask):
    """``out[j]`` = the ``j``-th element of the 1-d ``a`` where the 1-d ``mask`` is true."""
    j = 0
    for i in range(a.shape[0]):
        if mask[i]:
            out[j] = a[i]
            j += 1


def store_where(a, mask, value):
    """``a[mask] = value`` for arrays of one shape and a scalar ``value``."""
    if a.ndim == 1:
        for i in range(a.shape[0]):
            if mask[i]:
                a[i] = value
    else:
        for i in range(a.shape[0]):
            store_where(a[i], mask[i], value)


def store_where_from(a, mask, values):
    """``a[mask] = values``: the 1-d ``values`` (as many as ``mask`` has true elements, or one)
    into the 1-d ``a``, in order, where ``mask`` is true."""
    j = 0
    for i in range(a.shape[0]):
        if mask[i]:
            a[i] = values[j % values.shape[0]]
            j += 1


def take_rows(out, a, index):
    """``out[j] = a[index[j]]`` (the index already wrapped and checked)."""
    for j in range(index.shape[0]):
        out[j] = a[index[j]]


def put_rows(a, index, value):
    """``a[index[j]] = value``, in order."""
    for j in range(index.shape[0]):
        a[index[j]] = value


def put_rows_from(a, index, values):
    """``a[index[j]] = values[j]``, in order: a repeated index keeps the last."""
    for j in range(index.shape[0]):
        a[index[j]] = values[j]


def take_pairs(out, a, rows, cols):
    """``out[j] = a[rows[j], cols[j]]``, an index array of length 1 read for every ``j``."""
    one_row, one_col = rows.shape[0] == 1, cols.shape[0] == 1
    for j in range(out.shape[0]):
        out[j] = a[rows[0 if one_row else j], cols[0 if one_col else j]]


def put_pairs(a, rows, cols, value):
    """``a[rows[j], cols[j]] = value``, in order."""
    one_row, one_col = rows.shape[0] == 1, cols.shape[0] == 1
    for j in range(cols.shape[0] if one_row else rows.shape[0]):
        a[rows[0 if one_row else j], cols[0 if one_col else j]] = value


def put_pairs_from(a, rows, cols, values):
    """``a[rows[j], cols[j]] = values[j]``, in order: a repeated pair keeps the last."""
    one_row, one_col = rows.shape[0] == 1, cols.shape[0] == 1
    for j in range(values.shape[0]):
        a[rows[0 if one_row else j], cols[0 if one_col else j]] = values[j]


def wrap_indices(out, index, size):
    """``out[j] = index[j]``, a negative one counted from the end; ``(True, the index)`` for the
    first one outside ``-size..size-1``, else ``(False, 0)``."""
    for j in range(index.shape[0]):
        i = index[j]
        if i < -size or i >= size:
            return True, i
        out[j] = i + size if i < 0 else i
    return False, 0


def _less(x, y):
    """NumPy's sort order: NaN after everything (``npy::less``)."""
    return x < y or (y != y and x == x)


def search_sorted(out, a, keys, right):
    """NumPy's ``binsearch``: ``out[j]`` = the first index of ``a`` where ``keys[j]`` may go
    (after equal elements with ``right``), each search starting from what the previous key left."""
    n = a.shape[0]
    lo = 0
    hi = n
    if keys.shape[0] > 0:
        last = keys[0]
        for j in range(keys.shape[0]):
            key = keys[j]
            if (not _less(key, last)) if right else _less(last, key):
                hi = n
            else:
                lo = 0
                hi = hi + 1 if hi < n else n
            last = key
            while lo < hi:
                mid = lo + ((hi - lo) >> 1)
                if (not _less(key, a[mid])) if right else _less(a[mid], key):
                    lo = mid + 1
                else:
                    hi = mid
            out[j] = lo


def monotonic(bins):
    """1 for increasing ``bins``, -1 for decreasing, 0 for neither: NumPy's
    ``check_array_monotonic`` (equal edges first are skipped; a NaN breaks nothing)."""
    n = bins.shape[0]
    if n == 0:
        return 1
    i = 1
    while i < n and bins[i] == bins[0]:
        i += 1
    if i == n:
        return 1
    if bins[i - 1] < bins[i]:
        for k in range(i + 1, n):
            if bins[k - 1] > bins[k]:
                return 0
        return 1
    for k in range(i + 1, n):
        if bins[k - 1] < bins[k]:
            return 0
    return -1


def polyval_into(out, p, x, zero, peeled):
    """``out[...] = np.polyval(p, x)``: for each element ``v`` of ``x``, ``y = zero`` (of
    ``x``'s dtype), then ``y = y * v + p[k]`` for each ``k``, as NumPy's loop over ``p``
    computes each element.  ``peeled``: the first step, ``zero * v + p[0]`` (``p`` is not
    empty), changes the dtype, so it is taken before the loop (a loop carries one type)."""
    if out.ndim == 1:
        for i in range(out.shape[0]):
            v = x[i]
            if peeled:
                y = zero * v + p[0]
                for k in range(1, p.shape[0]):
                    y = y * v + p[k]
            else:
                y = zero
                for k in range(p.shape[0]):
                    y = y * v + p[k]
            out[i] = y
    else:
        for i in range(out.shape[0]):
            polyval_into(out[i], p, x[i], zero, peeled)


def count_into(counts, x):
    """``counts[x[i]] += 1`` (``np.bincount``: every ``x[i]`` is an index of ``counts``; the
    bounds ``min``/``max`` change nothing but show ``bce`` so).

    Decision: for up to :data:`ROWS_UP_TO` counts, four rows of counts, the elements taken
    four at a time and element ``i + j`` counted in row ``j`` by an increment of its own, as
    ``searching.histogram_counts`` does (and why)."""
    n, m = x.shape[0], counts.shape[0]
    if m <= ROWS_UP_TO:
        rows = np.zeros((4, m), np.int64)
        for i in range(0, n - n % 4, 4):
            rows[0, min(max(x[i], 0), m - 1)] += 1
            rows[1, min(max(x[i + 1], 0), m - 1)] += 1
            rows[2, min(max(x[i + 2], 0), m - 1)] += 1
            rows[3, min(max(x[i + 3], 0), m - 1)] += 1
        for i in range(n - n % 4, n):
            rows[0, min(max(x[i], 0), m - 1)] += 1
        for k in range(m):
            counts[k] = rows[0, k] + rows[1, k] + rows[2, k] + rows[3, k]
    else:
        for i in range(n):
            counts[min(max(x[i], 0), m - 1)] += 1


#: ``count_into`` counts in four rows up to this many counts (the rows are zeroed and added up)
ROWS_UP_TO = 4096


def weigh_into(sums, x, weights):
    """``sums[x[i]] += weights[i]``, in order (``np.bincount`` with weights)."""
    for i in range(x.shape[0]):
        sums[x[i]] += weights[i]


def _merge_values(src, dst, width):
    """One pass of a bottom-up merge sort: the runs of ``width`` of ``src`` merged in pairs into
    ``dst``, the left run first among equal elements (stable), NaN last."""
    n = src.shape[0]
    lo = 0
    while lo < n:
        mid = min(lo + width, n)
        hi = min(lo + 2 * width, n)
        i = lo
        j = mid
        for k in range(lo, hi):
            if i < mid and (j >= hi or not _less(src[j], src[i])):
                dst[k] = src[i]
                i += 1
            else:
                dst[k] = src[j]
                j += 1
        lo += 2 * width


def _merge_indices(src, dst, keys, width):
    """``_merge_values`` of the indices ``src``, compared by ``keys[index]``."""
    n = src.shape[0]
    lo = 0
    while lo < n:
        mid = min(lo + width, n)
        hi = min(lo + 2 * width, n)
        i = lo
        j = mid
        for k in range(lo, hi):
            if i < mid and (j >= hi or not _less(keys[src[j]], keys[src[i]])):
                dst[k] = src[i]
                i += 1
            else:
                dst[k] = src[j]
                j += 1
        lo += 2 * width


def sort_values(a, scratch):
    """A stable sort of the 1-d ``a`` in place (``scratch``: as long as ``a``), NaN last."""
    n = a.shape[0]
    width = 1
    passes = 0
    while width < n:
        if passes % 2 == 0:
            _merge_values(a, scratch, width)
        else:
            _merge_values(scratch, a, width)
        passes += 1
        width *= 2
    if passes % 2 == 1:
        for i in range(n):
            a[i] = scratch[i]


#: ``radix_sort``'s digits: 6 of 11 bits (the top one 9 bits, its top bit the sign)
_DIGIT_BITS = 11
_DIGITS = 6
_DIGIT_VALUES = 2 ** _DIGIT_BITS
#: the length of ``radix_sort``'s ``counts``
RADIX_COUNTS = _DIGITS * _DIGIT_VALUES


def radix_sort(keys, scratch, counts):
    """``keys`` (``int64``) sorted in place by an LSD radix sort on 11-bit digits (``scratch``:
    as long, ``counts``: ``RADIX_COUNTS`` long): stable, linear.  One pass counts every digit
    (``_count_digits``); a digit in which all keys agree is not passed over (so keys below
    2**22 take two passes)."""
    n = keys.shape[0]
    _count_digits(counts, keys)
    moved = 0
    for digit in range(_DIGITS):
        if _digit_starts(counts, digit, n):
            if moved % 2 == 0:
                _radix_pass(keys, scratch, counts, digit)
            else:
                _radix_pass(scratch, keys, counts, digit)
            moved += 1
    if moved % 2 == 1:
        for i in range(n):
            keys[i] = scratch[i]


def radix_argsort(order, keys, scratch, order_scratch, counts):
    """``order`` (``0..n-1``) sorted stably by the ``int64`` ``keys``, which are sorted with it:
    ``radix_sort`` moving each key's index along (``order_scratch``: as long)."""
    n = keys.shape[0]
    _count_digits(counts, keys)
    moved = 0
    for digit in range(_DIGITS):
        if _digit_starts(counts, digit, n):
            if moved % 2 == 0:
                _radix_pass_with(keys, scratch, order, order_scratch, counts, digit)
            else:
                _radix_pass_with(scratch, keys, order_scratch, order, counts, digit)
            moved += 1
    if moved % 2 == 1:
        for i in range(n):
            keys[i] = scratch[i]
            order[i] = order_scratch[i]


def _count_digits(counts, keys):
    """``counts[digit * _DIGIT_VALUES + d]``: how many ``keys`` have the value ``d`` in the
    digit ``digit`` (of the key with its sign bit flipped, so that negative keys come first)."""
    for d in range(_DIGITS * _DIGIT_VALUES):
        counts[d] = 0
    for i in range(keys.shape[0]):
        x = keys[i] ^ (-2 ** 63)
        for digit in range(_DIGITS):
            counts[digit * _DIGIT_VALUES + ((x >> (digit * _DIGIT_BITS)) & (_DIGIT_VALUES - 1))] += 1


def _digit_starts(counts, digit, n):
    """The counts of ``digit`` turned into the positions where each value's keys start;
    whether the keys differ in that digit at all (else it needs no pass)."""
    base = digit * _DIGIT_VALUES
    total = 0
    spread = n > 0
    for d in range(_DIGIT_VALUES):
        c = counts[base + d]
        if c == n:
            spread = False
        counts[base + d] = total
        total += c
    return spread


def _radix_pass(src, dst, counts, digit):
    """``src`` distributed into ``dst`` by its digit ``digit`` (of the key with its sign bit
    flipped), stably, at the starts ``counts`` holds for that digit.  The shift is
    arithmetic: the top digit's two bits above the key copy its sign bit, which keeps the
    order."""
    shift = digit * _DIGIT_BITS
    base = digit * _DIGIT_VALUES
    for i in range(src.shape[0]):
        x = src[i]
        d = base + (((x ^ (-2 ** 63)) >> shift) & (_DIGIT_VALUES - 1))
        dst[counts[d]] = x
        counts[d] += 1


def _radix_pass_with(src, dst, order, order_dst, counts, digit):
    """``_radix_pass`` moving ``order[i]`` along with ``src[i]``."""
    shift = digit * _DIGIT_BITS
    base = digit * _DIGIT_VALUES
    for i in range(src.shape[0]):
        x = src[i]
        d = base + (((x ^ (-2 ** 63)) >> shift) & (_DIGIT_VALUES - 1))
        dst[counts[d]] = x
        order_dst[counts[d]] = order[i]
        counts[d] += 1


#: what ``float_keys`` returns: flags of what the keys lose
HAS_SPECIALS = 1      # the bits of NaNs or of ``-0.0``
MIXED_ZEROS = 2       # which of ``-0.0`` and ``0.0`` comes first
MIXED_NANS = 4        # which of two NaNs of different bits comes first


def float_keys(keys, a):
    """``keys[i]``: an ``int64`` in the order of the floats ``a[i]``, equal for equal floats
    (``-0.0`` and ``0.0``; every NaN has the largest key).  The IEEE bits of a float, the
    magnitude bits flipped for negative ones; a ``float32``'s moved to ``[0, 2**32)`` so that
    a radix sort passes over 4 bytes.  Returns what the keys lose: the flags ``HAS_SPECIALS``,
    ``MIXED_ZEROS``, ``MIXED_NANS``."""
    lost = 0
    positive_zero = False
    negative_zero = False
    nan_bits = 0
    for i in range(a.shape[0]):
        x = a[i]
        b = x.view(np.int32) if a.itemsize == 4 else x.view(np.int64)
        if x != x:
            keys[i] = 2 ** 32 - 1 if a.itemsize == 4 else 2 ** 63 - 1
            if nan_bits == 0:   # the first NaN (no NaN has the bits 0)
                nan_bits = b
            elif b != nan_bits:
                lost |= MIXED_NANS
            lost |= HAS_SPECIALS
        else:
            if b == (-2 ** 31 if a.itemsize == 4 else -2 ** 63):
                b = b - b
                negative_zero = True
                lost |= HAS_SPECIALS
            elif b == 0:
                positive_zero = True
            if a.itemsize == 4:
                keys[i] = np.int64(b if b >= 0 else b ^ (2 ** 31 - 1)) + 2 ** 31
            else:
                keys[i] = b if b >= 0 else b ^ (2 ** 63 - 1)
    return lost | MIXED_ZEROS if positive_zero and negative_zero else lost


def floats_of_keys(a, keys):
    """``a[i]``: the float of ``keys[i]`` (``float_keys`` undone; ``0.0`` for a zero, a NaN
    for a NaN)."""
    for i in range(a.shape[0]):
        k = keys[i]
        if a.itemsize == 4:
            b = np.int32(k - 2 ** 31)
            a[i] = (b if b >= 0 else b ^ (2 ** 31 - 1)).view(np.float32)
        else:
            a[i] = (k if k >= 0 else k ^ (2 ** 63 - 1)).view(np.float64)


def sort_floats(a, keys, scratch, counts, lost, nan):
    """The floats ``a`` sorted in place, stably, NaN last: their ``keys`` (``float_keys``,
    which returned ``lost``) radix-sorted (``scratch``, ``counts``: ``radix_sort``'s) and
    turned back into floats.  The zeros, which the keys merge, are then put back as the input
    holds them, in input order (NumPy's stable sort: equal elements keep their order); so are
    the NaNs, unless ``nan`` is a NaN: then every NaN of more than one element is that one."""
    n = a.shape[0]
    m = 0
    if lost != 0:
        for i in range(n):
            if a[i] == 0.0 or a[i] != a[i]:
                m += 1
    specials = np.empty(m, a.dtype)
    m = 0
    if lost != 0:
        for i in range(n):
            if a[i] == 0.0 or a[i] != a[i]:
                specials[m] = a[i]
                m += 1
    radix_sort(keys, scratch, counts)
    floats_of_keys(a, keys)
    if lost != 0:
        zero = 0
        first_nan = n
        for i in range(n):
            x = a[i]
            if x == 0.0:
                while specials[zero] != 0.0:
                    zero += 1
                a[i] = specials[zero]
                zero += 1
            elif x != x:
                first_nan = i
                break
        k = 0
        for i in range(first_nan, n):
            if nan != nan and n > 1:   # (NumPy does not sort one element: its NaN keeps its bits)
                a[i] = nan
            else:
                while specials[k] == specials[k]:
                    k += 1
                a[i] = specials[k]
                k += 1


def sort_indices(order, scratch, keys):
    """``order`` (``0..n-1``) sorted stably by ``keys[order]``, NaN last."""
    n = order.shape[0]
    width = 1
    passes = 0
    while width < n:
        if passes % 2 == 0:
            _merge_indices(order, scratch, keys, width)
        else:
            _merge_indices(scratch, order, keys, width)
        passes += 1
        width *= 2
    if passes % 2 == 1:
        for i in range(n):
            order[i] = scratch[i]


def list_values(values, items, reverse):
    """``values[i] = items[i]`` (``items[n - 1 - i]`` with ``reverse``, a constant): a run-time
    list's numbers into an array as long; whether one is NaN (traced)."""
    n = values.shape[0]
    nan = False
    for i in range(n):
        x = items[n - 1 - i] if reverse else items[i]
        values[i] = x
        nan = nan or x != x
    return nan


def list_sum(items, start):
    """``sum(items, start)`` of a run-time list of floats: added in order, from ``start``
    (traced)."""
    total = start
    for x in items:
        total = total + x
    return total


def positions_reversed(order):
    """``order[:] = n - 1 - order[::-1]``: the order of a reversed sequence as positions of the
    sequence itself, reversed (CPython's ``list.sort(reverse=True)``) (traced)."""
    n = order.shape[0]
    for i in range(n // 2):
        order[i], order[n - 1 - i] = n - 1 - order[n - 1 - i], n - 1 - order[i]
    if n % 2 == 1:
        order[n // 2] = n - 1 - order[n // 2]


def count_runs(a):
    """The number of runs of equal elements of the sorted 1-d ``a``."""
    runs = 0
    for i in range(a.shape[0]):
        if i == 0 or a[i] != a[i - 1]:
            runs += 1
    return runs


def first_of_runs(out, counts, a, with_counts):
    """``out``: the first element of each run of the sorted ``a``; ``counts``: each run's length."""
    j = -1
    for i in range(a.shape[0]):
        if i == 0 or a[i] != a[i - 1]:
            j += 1
            out[j] = a[i]
            if with_counts:
                counts[j] = 0
        if with_counts:
            counts[j] += 1


def strictly_increasing(edges):
    """Whether every edge is less than the next."""
    for i in range(1, edges.shape[0]):
        if not edges[i - 1] < edges[i]:
            return False
    return True


def positions_where(out, a):
    """``out[j]`` = the index of the ``j``-th true (non-zero) element of the 1-d ``a``."""
    j = 0
    for i in range(a.shape[0]):
        if a[i]:
            out[j] = i
            j += 1


def repeat_counts_into(out, a, counts):
    """``out[i, :, k]`` = each ``a[i, m, k]`` ``counts[m]`` times in turn (``counts[0]`` times when
    ``counts`` has one element): ``np.repeat`` along the middle axis of 3-d arrays."""
    one = counts.shape[0] == 1
    for i in range(a.shape[0]):
        j = 0
        for m in range(a.shape[1]):
            for r in range(counts[0 if one else m]):
                for k in range(a.shape[2]):
                    out[i, j, k] = a[i, m, k]
                j += 1


def tile_from(out, a):
    """``out[i, j, ...] = a[i % a.shape[0], j % a.shape[1], ...]`` (``np.tile``; ``a`` of
    ``out``'s number of dimensions)."""
    n = a.shape[0]
    if out.ndim == 1:
        for i in range(out.shape[0]):
            out[i] = a[i % n]
    else:
        for i in range(out.shape[0]):
            tile_from(out[i], a[i % n])


def _at(a, points, j):
    """``a[points[0][j], points[1][j], ...]`` for 1-d ``points``: an element, or a view of the
    axes left."""
    if len(points) == 1:
        return a[points[0][j]]
    return _at(a[points[0][j]], points[1:], j)


def _put_at(a, points, j, value):
    """``a[points[0][j], points[1][j], ...] = value`` for 1-d ``points``."""
    if len(points) == 1:
        a[points[0][j]] = value
    else:
        _put_at(a[points[0][j]], points[1:], j, value)


def take_points(out, a, points):
    """``out[j, ...] = a[points[0][j, ...], points[1][j, ...], ...]`` over the multi-indices
    ``j, ...`` of the first axes of ``out``, the shape of every array of the tuple ``points``
    (indices already broadcast, wrapped and checked)."""
    if points[0].ndim == 1:
        for j in range(out.shape[0]):
            out[j] = _at(a, points, j)
    else:
        for j in range(out.shape[0]):
            take_points(out[j], a, tuple(p[j] for p in points))


def put_points(a, points, value):
    """``a[points[0][j, ...], points[1][j, ...], ...] = value``, in C order of ``j, ...``."""
    if points[0].ndim == 1:
        for j in range(points[0].shape[0]):
            _put_at(a, points, j, value)
    else:
        for j in range(points[0].shape[0]):
            put_points(a, tuple(p[j] for p in points), value)


def put_points_from(a, points, values):
    """``a[points[0][j, ...], ...] = values[j, ...]``, in C order of ``j, ...``: a repeated point
    keeps the last value."""
    if points[0].ndim == 1:
        for j in range(values.shape[0]):
            _put_at(a, points, j, values[j])
    else:
        for j in range(values.shape[0]):
            put_points_from(a, tuple(p[j] for p in points), values[j])
