"""NumPy's NaN-ignoring reductions along an axis, ``np.nonzero``/``np.argwhere`` of n-d arrays,
``np.repeat`` along an axis, ``np.tile`` by a tuple and ``np.mgrid``/``np.ogrid`` in compiled
code, against NumPy on the same inputs (bit for bit, zero signs included; NumPy's errors).
Each kernel computes many results so that a compile covers many cases.
"""
import numpy as np
import pytest

from compiler import compile
from ir import TypingError, UnsupportedError
from tests.arrays.support import check_against_numpy as check, check_compiled


def check_each(kernel, *inputs):
    """``check`` of ``kernel`` on each tuple of arguments in ``inputs``, compiled once (one
    specialisation per signature)."""
    compiled = compile(kernel)
    for args in inputs:
        check_compiled(kernel, compiled, args)


def _with_nans(shape, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    a = (rng.standard_normal(shape) * 3).astype(dtype)
    a[rng.random(shape) < 0.25] = np.nan
    return a


# ----------------------------------------------------------------- NaN-ignoring reductions
def along_axes(a):
    return (np.nansum(a, axis=0), np.nansum(a, -1, keepdims=True), np.nanprod(a, axis=1),
            np.nanmean(a, axis=0), np.nanmean(a, axis=-1, keepdims=True), np.nanmin(a, axis=1),
            np.nanmax(a, axis=0, keepdims=True), np.nanargmin(a, axis=0), np.nanargmax(a, axis=-1),
            np.nanvar(a, axis=0), np.nanvar(a, axis=1, ddof=1, keepdims=True), np.nanstd(a, axis=-1),
            np.nanstd(a, axis=0, ddof=2))


def whole(a):
    return (np.nansum(a, keepdims=True), np.nanprod(a), np.nanmean(a, keepdims=True), np.nanvar(a),
            np.nanstd(a, ddof=1), np.nanmin(a, keepdims=True), np.nanmax(a))


def arg_whole(a):
    return np.nanargmin(a), np.nanargmax(a, keepdims=True)


ALL_NAN_COLUMN = _with_nans((4, 5))
ALL_NAN_COLUMN[:, 2] = np.nan


def test_nan_reductions_along_an_axis():
    """Pairwise float sums (NaNs replaced by 0), means and variances divided in float64,
    fmin/fmax, arg-extrema with NaN as +-inf; integers and bools: the plain reductions."""
    check_each(along_axes, (_with_nans((6, 7)),), (ALL_NAN_COLUMN[:, [0, 1, 3, 4]],), (_with_nans((300, 150), seed=2),),
               (_with_nans((1, 9)),), (_with_nans((9, 1)),), (_with_nans((6, 7), np.float32, 1),),
               (_with_nans((150, 300), np.float32, 3)[::2, ::-1],), (np.arange(-6, 6, dtype=np.int8).reshape(3, 4),),
               (np.array([[True, False], [True, True]]),), (np.arange(12, dtype=np.uint32).reshape(4, 3),))


def test_nan_reductions_of_whole_arrays():
    """keepdims of whole arrays; empty arrays: NaN means, fmin's ValueError."""
    inputs = [(_with_nans((5, 6)),), (np.full((2, 3), np.nan),), (np.zeros((0, 3)),), (_with_nans(17, np.float32),),
              (np.zeros(0, np.float32),), (np.array([np.nan, 1.0]),), (_with_nans((3, 4, 5), seed=4),),
              (np.arange(5),), (np.zeros(0, np.int8),)]
    check_each(whole, *inputs)
    check_each(arg_whole, *inputs)


def three_d(a):
    return (np.nansum(a, axis=1), np.nanmean(a, axis=-2, keepdims=True), np.nanmax(a, axis=2),
            np.nanargmin(a, axis=1, keepdims=True), np.nanstd(a, axis=0), np.nanvar(a, -1))


def empty_axis(a):
    return np.nansum(a, axis=0), np.nanmean(a, axis=0), np.nanvar(a, axis=0), np.nanprod(a, axis=1)


def empty_min(a):
    return np.nanmin(a, axis=0)


def empty_argmax(a):
    return np.nanargmax(a, axis=1)


def out_of_range(a):
    return np.nanmean(a, axis=2)


def negative_out_of_range(a):
    return np.nanargmin(a, axis=-3)


def test_nan_reductions_of_three_axes_empty_extents_and_errors():
    check(three_d, _with_nans((4, 5, 6), seed=5))
    check(three_d, _with_nans((3, 1, 2), np.float32, 6))
    check(empty_axis, np.zeros((0, 3)))
    check(empty_axis, np.zeros((3, 0)))
    check(empty_min, np.zeros((0, 3)))    # an empty reduced axis: fmin's ValueError
    check(empty_min, np.zeros((3, 0)))    # other extents empty: an empty result
    check(empty_argmax, np.zeros((2, 0), np.float32))
    check(empty_argmax, ALL_NAN_COLUMN.T)     # All-NaN slice encountered
    check(empty_argmax, ALL_NAN_COLUMN)       # no slice along axis 1 is all NaN
    check(out_of_range, np.ones((2, 3)))
    check(negative_out_of_range, np.ones((2, 3)))


def keepdims_traced(a, flag):
    return np.nansum(a, axis=0, keepdims=flag)


def with_out(a, b):
    return np.nanmean(a, axis=0, out=b)


def complex_mean(a):
    return np.nanmean(a, axis=0)


def float_ddof(a):
    return np.nanvar(a, ddof=0.5)


def test_nan_reductions_refuse_what_they_do_not_compile():
    with pytest.raises(UnsupportedError, match=r"keepdims=\) must be a constant"):
        compile(keepdims_traced)(np.ones((2, 2)), True)
    with pytest.raises(UnsupportedError, match=r"np.nanmean\(\) with out= is not supported"):
        compile(with_out)(np.ones((2, 2)), np.ones(2))
    with pytest.raises(UnsupportedError, match=r"np.nanmean\(\) of complex arrays"):
        compile(complex_mean)(np.ones((2, 2), complex))
    with pytest.raises(UnsupportedError, match=r"np.nanvar\(ddof=\) takes an int"):
        compile(float_ddof)(np.ones(2))


def nan_extrema(a):
    return np.nanmin(a), np.nanmax(a), np.nanmin(a, axis=0), np.nanmax(a, axis=1)


@pytest.mark.xfail(strict=True, reason="which of -0.0 and 0.0 np.nanmin/np.nanmax keep follows NumPy's vector "
                                       "order of fmin; compiled code compares one by one")
def test_the_zero_nanmin_keeps_among_signed_zeros():
    check(nan_extrema, np.array([[0.0, -0.0, np.nan, 0.0] * 5, [-0.0, 0.0, -0.0, np.nan] * 5] * 9))


# ----------------------------------------------------------------- nonzero and argwhere
def positions(a):
    return np.nonzero(a) + (np.argwhere(a),)


@pytest.mark.parametrize("a", [
    np.array([[0, 3, 0], [1, 0, 2]]), np.random.default_rng(7).integers(0, 2, (3, 4, 5)).astype(bool),
    np.array([[0.0, np.nan], [-0.0, 2.0]]).T, np.zeros((0, 3)), np.zeros((3, 0, 2)), np.ones((1, 1), np.int8),
    np.array([0, 3, 0, 1]), np.arange(24.0).reshape(2, 3, 4)[:, ::-2], np.zeros((2, 2, 1, 2)),
], ids=lambda a: f"{a.dtype}{a.shape}")
def test_nonzero_and_argwhere_of_n_d_arrays(a):
    """One index array per axis in C order; argwhere's rows (count, ndim)."""
    check(positions, a)


# ----------------------------------------------------------------- repeat along an axis, tile by a tuple
def repeat_by(a, counts):
    return np.repeat(a, counts, axis=0), np.repeat(a, counts)


def repeat_columns(a, counts):
    return np.repeat(a, counts, axis=-1)


def repeat_constants(a):
    return (np.repeat(a, [1, 2], axis=0), np.repeat(a, (2, 0, 1), axis=-1), np.repeat(a, 2, 1),
            np.repeat(a, 2.7, 0), np.repeat(a, np.array([3]), axis=1))


A23 = np.arange(6).reshape(2, 3)


def test_repeat_along_an_axis():
    """One count for all, or one per element (read at run time); NumPy's errors for the wrong
    number of counts, negative counts (two messages), counts of 2 dimensions."""
    check_each(repeat_by, *[(A23, c) for c in (np.array([1, 2]), np.array([3]), np.array([-1]), np.array([1, -1]),
                                               np.array([1, 2, 3]), np.array([0, 0]), np.array([[1, 2]]))],
               (A23, np.array([1, 2], np.int32)), (A23, np.array([True, False])), (A23, 2), (A23, -1),
               (np.zeros((0, 2)), -1), (np.arange(3.0), np.array([2, 0, 1])), (np.arange(3.0)[::-1], 2))
    check_each(repeat_columns, (np.zeros((0, 2)), np.array([-1, 1])), (np.zeros((2, 0)), np.array([], np.int64)),
               (np.arange(24.0).reshape(2, 3, 4), np.array([1, 0, 2, 1])),
               (np.arange(24.0).reshape(2, 3, 4)[:, ::2], np.array([2])))
    check(repeat_constants, np.asfortranarray(np.arange(6.0).reshape(2, 3)))
    check(repeat_constants, A23.astype(np.float32))


def repeat_out_of_range(a):
    return np.repeat(a, 2, axis=2)


def test_repeat_errors_decided_when_compiling():
    check(repeat_out_of_range, A23)
    with pytest.raises(TypingError, match=r"Cannot cast array data from dtype\('float64'\) to dtype\('int64'\)"):
        compile(repeat_by)(A23, np.array([1.0, 2.0]))
    with pytest.raises(TypingError, match=r"Cannot cast array data from dtype\('uint64'\)"):
        compile(repeat_by)(A23, np.array([1, 2], np.uint64))


def tiles(a):
    return np.tile(a, (2, 1)), np.tile(a, (2, 1, 3)), np.tile(a, 2), np.tile(a, [1, 1]), np.tile(a, (0, 2))


def tile_traced(a, n, m):
    return np.tile(a, (n, m))


def tile_float(a):
    return np.tile(a, (2, 1.5))


def test_tile_by_a_tuple():
    """More reps than axes: leading axes of extent 1; fewer: the last axes; a negative rep is
    NumPy's ValueError unless the array is empty; a float rep its TypeError."""
    check(tiles, A23)
    check(tiles, np.arange(24).reshape(2, 3, 4)[:, ::-1])
    check_each(tiles, (np.arange(3.0),), (np.zeros(0),))
    check(tiles, np.ones((1, 1), bool))
    check_each(tile_traced, (np.arange(3), 2, 3), (np.arange(3), 2, -1), (np.zeros(0, np.int64), 2, -1),
               (np.arange(3), 0, 0))
    with pytest.raises(TypingError, match="'float' object cannot be interpreted as an integer"):
        compile(tile_float)(np.ones(2))


# ----------------------------------------------------------------- mgrid and ogrid
def mgrids(x):
    a = np.mgrid[0:1:5j, 0:2:3j]
    a[0, 0, 0] = x    # a new array at every call: it may be written and returned
    return (a, np.mgrid[0:5], np.mgrid[-1:3:2, 0:4], np.mgrid[0.5:2:0.25], np.mgrid[0:1:1j], np.mgrid[3:0],
            np.mgrid[np.float32(0):1:0.5], np.mgrid[0:4:-1j, 1:2], np.mgrid[0:2, 0:3, 0:0] + x)


def ogrids(x):
    return np.ogrid[0:1:5j, 0:2:3j] + (np.ogrid[0:3],)


def zero_step(x):
    return np.mgrid[0:3:0]


def run_time_bound(n):
    return np.mgrid[0:n]


def test_mgrid_and_ogrid_with_constant_bounds():
    """NumPy's grid (int steps, complex numbers of points, float steps; its dtypes), new at
    every call; NumPy's error for a zero step; run-time bounds refused."""
    check_each(mgrids, (7.0,), (-2.5,))
    check(ogrids, 1)
    check(zero_step, 1)
    with pytest.raises(UnsupportedError, match=r"np.mgrid\[...\] with bounds or steps known only at run time"):
        compile(run_time_bound)(3)
