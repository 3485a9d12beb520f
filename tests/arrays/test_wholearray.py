"""Differential tests of whole-array code (``frontend/wholearray.py``): slicing views,
element-wise operators and ufuncs with broadcasting, whole-array reductions and
assignment to slices, compiled at -O0 and -O3 against NumPy on the same inputs.

Every kernel runs twice on equal but distinct inputs (clones that keep the
memory layout: strides, offset into their base, Fortran order, and which
arguments view the same buffer): once under
CPython and NumPy, once compiled.  The results must agree -- arrays with the
same dtype, shape and elements (NaN equal to NaN, zeros with their sign),
scalars with the same dtype and value, or the same exception (``ValueError``
with NumPy's message, raised from the kernel's line) -- and so must the
argument arrays and the buffers they view afterwards, and whether the result
shares memory with an argument.

Float reductions are compared to a relative tolerance: complex sums and sums
over F-ordered arrays add in another order than NumPy's (``test_pairwise``
checks the orders that are NumPy's, bit for bit).  Transcendental ufuncs are compared to a few ULPs
(NumPy's SIMD implementations are not the C library's), complex results to
4 epsilon of their modulus (NumPy's complex multiply and divide round
differently from CPython's, which compiled code follows, and may differ in the
sign of a zero part).

Compiling is most of the run time (about 0.2 s per signature at -O3), so each
case is one signature, chosen to cover a semantic point; a kernel that takes
several inputs of one signature checks them all in one test.  Cases that fail
because of a compiler bug are marked ``xfail(strict=True)`` with the bug.
"""
import sys
import warnings

import numpy as np
import pytest

from compiler import compile
from ir import TypingError, UnsupportedError
from tests.e2e.support import assert_same_exception

OPTS = (0, 3)
THIS = sys.modules[__name__]
_compiled = {}


def compiled(kernel, opt):
    """``compile(kernel, opt=opt)``, once per kernel and level (it compiles per signature)."""
    if (kernel, opt) not in _compiled:
        _compiled[kernel, opt] = compile(kernel, opt=opt)
    return _compiled[kernel, opt]


# ===================================================================== inputs
def data(dtype, shape, seed=0, kind="small"):
    """A C array of ``dtype``: ``small`` values (ints in -9..9, 0..9 unsigned, with zeros;
    floats of modest size with 0.0 and -0.0), ``pos`` (above zero) or ``special``
    (floats with NaN and infinities)."""
    dt = np.dtype(dtype)
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    n = int(np.prod(shape))
    rng = np.random.default_rng(seed)
    if dt.kind == "b":
        out = rng.random(n) < 0.5
    elif dt.kind in "iu":
        lo = 1 if kind == "pos" else (0 if dt.kind == "u" else -9)
        out = rng.integers(lo, 10, n).astype(dt)
    elif dt.kind == "f":
        if kind == "pos":
            out = rng.uniform(0.5, 4.0, n).astype(dt)
        else:
            out = np.round(rng.standard_normal(n) * 4.0, 2).astype(dt)
            specials = [0.0, -0.0, 2.5, -3.0] + ([np.nan, np.inf, -np.inf] if kind == "special" else [])
            k = min(n // 2, len(specials))
            out[rng.permutation(n)[:k]] = specials[:k]
    elif dt.kind == "c":
        part = "float32" if dt.itemsize == 8 else "float64"
        out = (data(part, n, seed, kind) + 1j * data(part, n, seed + 99, kind)).astype(dt)
    else:
        raise ValueError(dtype)
    return out.reshape(shape)


def fortran(a):
    return np.asfortranarray(a)


def strided(a):
    """``a`` as every second row of a twice as long C array (a view with a stride)."""
    big = np.repeat(a, 2, axis=0) if a.ndim else a
    big[1::2] = data(a.dtype, big[1::2].shape, seed=77)
    return big[::2]


def transposed(a):
    """``a`` as the transpose of a C array (Fortran-ordered view)."""
    return np.ascontiguousarray(a.T).T


def backwards(a):
    """``a`` as a view with a negative stride on axis 0."""
    return np.ascontiguousarray(a[::-1])[::-1]


def _root(x):
    while isinstance(x.base, np.ndarray):
        x = x.base
    return x


def clones(args):
    """Deep copies of ``args`` with the same layout: each array with the same strides and
    offset into a copy of the buffer it views; arrays viewing one buffer view one copy.
    Returns ``(copies, for each copy the whole buffer it views, or None)``."""
    raws, copies, buffers = {}, [], []
    for x in args:
        if not isinstance(x, np.ndarray):
            copies.append(x)
            buffers.append(None)
            continue
        root = _root(x)
        assert root.base is None and (root.flags.c_contiguous or root.flags.f_contiguous)
        if id(root) not in raws:
            raw = np.empty(max(root.nbytes, 1), np.uint8)
            buffer = np.ndarray(root.shape, root.dtype, buffer=raw, strides=root.strides)
            buffer[...] = root
            raws[id(root)] = raw, buffer
        raw, buffer = raws[id(root)]
        offset = x.__array_interface__["data"][0] - root.__array_interface__["data"][0]
        copies.append(np.ndarray(x.shape, x.dtype, buffer=raw, offset=offset, strides=x.strides))
        buffers.append(buffer)
    return copies, buffers


# ===================================================================== comparing
COMPLEX_EPS = 4 * np.finfo(np.float64).eps


def _assert_values(got, want, where, rtol, ulps):
    if want.dtype.kind == "c" and not rtol and not ulps:
        _assert_values(np.isnan(got), np.isnan(want), where + " is nan", 0, 0)
        finite = np.isfinite(want)
        assert np.array_equal(got[~finite], want[~finite], equal_nan=True), f"{where}:\n got {got!r}\nwant {want!r}"
        error = np.abs(got[finite] - want[finite])
        assert (error <= COMPLEX_EPS * np.abs(want[finite])).all(), f"{where}:\n got {got!r}\nwant {want!r}"
        return
    if want.dtype.kind == "c":
        _assert_values(got.real, want.real, where + ".real", rtol, ulps)
        _assert_values(got.imag, want.imag, where + ".imag", rtol, ulps)
        return
    if want.dtype.kind != "f":
        assert np.array_equal(got, want), f"{where}:\n got {got!r}\nwant {want!r}"
        return
    got, want = got.ravel(), want.ravel()
    assert np.array_equal(np.isnan(got), np.isnan(want)), f"{where}: NaN differ:\n got {got!r}\nwant {want!r}"
    if rtol:
        np.testing.assert_allclose(got, want, rtol=rtol, atol=0, equal_nan=True, err_msg=where)
    elif ulps:
        np.testing.assert_array_max_ulp(got, want, maxulp=ulps)
    else:
        ok = np.isnan(want) | ((got == want) & (np.signbit(got) == np.signbit(want)))
        assert ok.all(), f"{where}: differs at {np.flatnonzero(~ok)[:8]}:\n got {got!r}\nwant {want!r}"


def assert_same(got, want, where="result", rtol=0.0, ulps=0):
    """Same dtype, shape and values (scalars: same dtype, Python or NumPy scalar alike)."""
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want), f"{where}: got {got!r}, want {want!r}"
        for k, (g, w) in enumerate(zip(got, want)):
            assert_same(g, w, f"{where}[{k}]", rtol, ulps)
        return
    if isinstance(want, np.ndarray):
        assert isinstance(got, np.ndarray), f"{where}: got {type(got).__name__} {got!r}, want an array {want!r}"
        assert got.shape == want.shape, f"{where}: shape {got.shape}, NumPy gives {want.shape}"
    else:
        assert not isinstance(got, np.ndarray), f"{where}: got an array {got!r}, want the scalar {want!r}"
    g, w = np.asarray(got), np.asarray(want)
    assert g.dtype == w.dtype, f"{where}: dtype {g.dtype} ({got!r}), NumPy gives {w.dtype} ({want!r})"
    _assert_values(g, w, where, rtol, ulps)


def outcome(fn, args):
    try:
        return "value", fn(*args)
    except Exception as err:  # noqa: BLE001 -- an exception is part of the outcome
        return "raised", err


def check(kernel, opt, *args, rtol=0.0, ulps=0):
    """``kernel(*args)`` compiled at ``opt`` does what it does under NumPy: same result or
    exception, same effect on the argument arrays, same sharing of memory."""
    want_args, want_buffers = clones(args)
    got_args, got_buffers = clones(args)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")   # NumPy's "Mean of empty slice" and the like
        want_kind, want = outcome(kernel, want_args)
    got_kind, got = outcome(compiled(kernel, opt), got_args)
    if want_kind == "raised":
        assert got_kind == "raised", f"NumPy raises {type(want).__name__}: {want}, compiled returns {got!r}"
        assert_same_exception(got, want, THIS)
        return got
    if got_kind == "raised":
        raise AssertionError(f"NumPy gives {want!r}, compiled raises {type(got).__name__}: {got}") from got
    assert_same(got, want, rtol=rtol, ulps=ulps)
    for k, (g, w) in enumerate(zip(got_args, want_args)):
        if isinstance(w, np.ndarray):
            assert_same(g, w, f"argument {k} afterwards")
            assert_same(got_buffers[k], want_buffers[k], f"the buffer argument {k} views, afterwards")
            if isinstance(want, np.ndarray):
                assert np.shares_memory(got, g) == np.shares_memory(want, w), \
                    f"the result shares memory with argument {k}: {np.shares_memory(got, g)}, in NumPy: " \
                    f"{np.shares_memory(want, w)}"
    return got


def params(cases):
    """pytest params ``(kernel, args)`` from ``(id, kernel, *args)`` tuples (the kernel's name
    starts the id) and from params already made (:func:`bug`)."""
    return [case if hasattr(case, "marks") else
            pytest.param(case[1], case[2:], id=f"{case[1].__name__}-{case[0]}" if case[0] else case[1].__name__)
            for case in cases]


def bug(reason, name, kernel, *args):
    """A case that fails because of a compiler bug (the reason says which)."""
    return pytest.param(kernel, args, id=f"{kernel.__name__}-{name}" if name else kernel.__name__,
                        marks=pytest.mark.xfail(strict=True, reason=reason))


opt_levels = pytest.mark.parametrize("opt", OPTS, ids=lambda o: f"O{o}")


# ===================================================================== views by slicing
def tail(a):
    return a[2:]


def head(a):
    return a[:-2]


def middle(a):
    return a[1:-1]


def every_second(a):
    return a[::2]


def reverse(a):
    return a[::-1]


def last_three(a):
    return a[-3:]


def beyond_end(a):
    return a[5:100]


def before_start(a):
    return a[-100:2]


def empty_slice(a):
    return a[4:2]


def negative_step_bounds(a):
    return a[-2:1:-3]


def everything(a):
    return a[:]


def row(a, i):
    return a[i, :]


def column0(a):
    return a[:, 0]


def inner_block(a):
    return a[1:-1, 2:]


def new_axis_last(a):
    return a[:, None]


def new_axis_first(a):
    return a[None, :]


def new_axes_around(a):
    return a[None, ..., None]


def ellipsis_last_index(a):
    return a[..., 0]


def ellipsis_first_index(a):
    return a[0, ...]


def ellipsis_only(a):
    return a[...]


def reverse_both(a):
    return a[::-1, ::-2]


def mixed_3d(a):
    return a[1, ..., ::2]


def mixed_3d_b(a):
    return a[:, 1:, -1]


def view_of_view(a):
    return a[1:][::2]


def view_of_view_back(a):
    return a[::-1][1:-1][::-2]


def view_of_row(a, i):
    r = a[i]
    return r[1:]


def view_sum(a):
    return a[1:-1].sum()


def view_if(a, flag):
    x = a[::2] if flag else a
    return x.sum()


def view_in_a_branch(a, flag):
    x = a
    if flag:
        x = a[::-2]
    x[0] = 7
    return x


def view_of_view_in_a_loop(a, n):
    x = a
    for _ in range(n):
        x = x[1::2]
    return x


def transposed_or_not(a, flag):
    if flag:
        return a.T
    return a


v10 = data("float64", 10)
i10 = data("int32", 10, seed=1)
m45 = data("int64", (4, 5), seed=2)
f45 = data("float32", (4, 5), seed=3)
t345 = data("int8", (3, 4, 5), seed=4)

VIEW_CASES = [
    ("", tail, v10), ("", head, v10), ("", middle, i10), ("", every_second, v10), ("", reverse, i10),
    ("", last_three, v10), ("", beyond_end, i10), ("", before_start, v10), ("", empty_slice, v10),
    ("", negative_step_bounds, i10), ("", everything, v10), ("strided", every_second, strided(v10)),
    ("backwards", reverse, backwards(i10)), ("empty", reverse, v10[:0]), ("empty", tail, i10[:0]),
    ("2d", middle, m45), ("2d", reverse, f45), ("0", row, m45, 0), ("-1", row, m45, -1), ("F", row, fortran(f45), 2),
    ("", column0, m45), ("T", column0, transposed(f45)), ("", inner_block, m45), ("F", inner_block, fortran(m45)),
    ("", new_axis_last, v10), ("", new_axis_first, i10), ("2d", new_axis_last, m45), ("", new_axes_around, i10),
    ("", ellipsis_last_index, t345), ("", ellipsis_first_index, t345), ("", ellipsis_only, m45),
    ("", reverse_both, m45), ("T", reverse_both, transposed(f45)), ("", mixed_3d, t345), ("", mixed_3d_b, t345),
    ("", view_of_view, v10), ("", view_of_view_back, i10), ("2d", view_of_view_back, m45),
    ("", view_of_row, m45, 3), ("", view_sum, i10),
    ("out of bounds 4", row, m45, 4), ("out of bounds -5", row, m45, -5),
    # views of other layouts meet the array itself as layout A, after branches and loops
    ("True", view_if, v10, True), ("False", view_if, v10, False), ("True", view_in_a_branch, i10, True),
    ("False", view_in_a_branch, i10, False), ("F", view_in_a_branch, fortran(f45), True),
    ("0", view_of_view_in_a_loop, v10, 0), ("3", view_of_view_in_a_loop, v10, 3),
    ("True", transposed_or_not, m45, True), ("False", transposed_or_not, m45, False),
]


@opt_levels
@pytest.mark.parametrize("kernel, args", params(VIEW_CASES))
def test_view(kernel, args, opt):
    check(kernel, opt, *args)


# ===================================================================== reshape: a view where NumPy makes one
def reshaped_and_written(a, shape):
    b = a.reshape(shape)
    b[...] = -1
    return b


def ravelled_and_written(a):
    b = a.ravel()
    b[...] = -1
    return b


def reshaped_to(a):
    return a.reshape(2, -1)


def reshaped_unknown_leading(a):
    return a.reshape(-1, 0)


grid = data("float64", (4, 6), seed=40)
RESHAPE_CASES = [
    # strided arrays NumPy views (writes reach the argument) and copies (they do not)
    ("columns", reshaped_and_written, grid[:, 1:], (4, 5)), ("columns 3d", reshaped_and_written, grid[:, 1:], (2, 2, 5)),
    ("columns flat", reshaped_and_written, grid[:, 1:], (-1,)), ("T", reshaped_and_written, transposed(grid), (6, 4)),
    ("T split", reshaped_and_written, transposed(grid), (6, 2, 2)), ("T flat", reshaped_and_written, transposed(grid), (24,)),
    ("every other", reshaped_and_written, grid[::2, ::3], (2, 2)), ("column", reshaped_and_written, grid[:, :1], (4,)),
    ("column split", reshaped_and_written, grid[:, :1], (2, 2)), ("strided 1d", reshaped_and_written, strided(v10), (-1,)),
    ("strided 1d to 2d", reshaped_and_written, strided(v10), (5, 1)), ("F", reshaped_and_written, fortran(grid), (6, 4)),
    ("F same", reshaped_and_written, fortran(grid), (4, 6)), ("backwards", reshaped_and_written, grid[:, ::-1], (2, 12)),
    ("run-time -1", reshaped_and_written, grid, (3, -1)), ("run-time -3", reshaped_and_written, grid[:, 1:], (-3, 10)),
    ("two unknown", reshaped_and_written, grid, (-1, -1)), ("wrong size", reshaped_and_written, grid[:, 1:], (7, -1)),
    ("wrong size 1", reshaped_and_written, grid, (7,)), ("empty", reshaped_and_written, grid[:0, 1:], (5, 0)),
    ("C", ravelled_and_written, grid), ("columns", ravelled_and_written, grid[:, 1:]),
    ("strided 1d", ravelled_and_written, strided(v10)), ("rows", ravelled_and_written, grid[1:3]),
    ("", reshaped_to, grid[:, ::2]), ("", reshaped_unknown_leading, grid),
]


@opt_levels
@pytest.mark.parametrize("kernel, args", params(RESHAPE_CASES))
def test_reshape_views_where_numpy_does(kernel, args, opt):
    """``reshape`` of an array that is not C-contiguous is a view exactly where NumPy's is (the
    same extents; an array C-contiguous at run time; groups of axes contiguous in C order),
    so writes through it reach the argument there and only there, else a copy; ``ravel``
    views only a C-contiguous array.  A negative extent is the unknown one, given at run
    time too, with NumPy's errors and its text of the shape."""
    check(kernel, opt, *args)


# ===================================================================== axes, peaks, fills and items
def swap_first_last(a):
    return np.swapaxes(a, 0, -1)


def swap_method(a):
    return a.swapaxes(1, 0)


def swap_one_axis(a):
    return np.swapaxes(a, 1, 1)


def swap_out_of_range(a):
    return np.swapaxes(a, 0, 5)


def move_first_last(a):
    return np.moveaxis(a, 0, -1)


def move_two(a):
    return np.moveaxis(a, (0, 1), (-1, 0))


def move_repeated(a):
    return np.moveaxis(a, (0, 0), (1, 2))


def move_unequal(a):
    return np.moveaxis(a, (0, 1), (1,))


def at_least_1d(a):
    return np.atleast_1d(a)


def at_least_2d(a):
    return np.atleast_2d(a)


def at_least_3d(a):
    return np.atleast_3d(a)


def at_least_2d_of_two(a):
    return np.atleast_2d(a, a[::2])


def peak(a):
    return np.ptp(a)


def peak_of_columns(a):
    return np.ptp(a, axis=0)


def peak_of_rows_kept(a):
    return np.ptp(a, axis=-1, keepdims=True)


def filled_copy(a):
    b = a.copy()
    b.fill(2.7)
    return b


def filled_view(a):
    a[1:].fill(1)
    return a


def filled_like(a):
    return np.full_like(a, 2.7)


def filled_like_float32(a):
    return np.full_like(a, 3, dtype=np.float32)


def indices_where(a):
    return np.where(a > 0)


def flipped_sides(a):
    return np.fliplr(a), np.flipud(a)


def flipped_ends(a):
    return np.flipud(a)


def flipped_sides_of_a_vector(a):
    return np.fliplr(a)


def turned(a):
    return np.rot90(a), np.rot90(a, 2), np.rot90(a, -1), np.rot90(a, 4)


def turned_on_axes(a):
    return np.rot90(a, 1, axes=(1, 2)), np.rot90(a, 3, (2, 0))


def turned_on_one_axis(a):
    return np.rot90(a, 1, (0, 0))


def turned_out_of_range(a):
    return np.rot90(a, 1, (0, 5))


def trapezoids(y):
    return np.trapezoid(y), np.trapezoid(y, dx=0.5), np.trapezoid(y, axis=0)


def trapezoids_at(y, x):
    return np.trapezoid(y, x), np.trapezoid(y, x, axis=-1)


AXES_CASES = [
    ("2d", swap_first_last, m45), ("3d", swap_first_last, t345), ("1d", swap_first_last, v10),
    ("", swap_method, f45), ("", swap_one_axis, m45), ("", swap_out_of_range, m45),
    ("2d", move_first_last, f45), ("3d", move_first_last, t345), ("", move_two, t345), ("", move_repeated, t345),
    ("", move_unequal, t345), ("1d", at_least_1d, v10), ("1d", at_least_2d, i10), ("2d", at_least_2d, m45),
    ("1d", at_least_3d, v10), ("2d", at_least_3d, f45), ("3d", at_least_3d, t345), ("", at_least_2d_of_two, i10),
    ("", peak, v10), ("int", peak, i10), ("bool", peak, data("bool", 6, seed=5)), ("2d", peak, m45),
    ("empty", peak, v10[:0]), ("", peak_of_columns, f45), ("3d", peak_of_columns, t345), ("", peak_of_rows_kept, m45),
    ("float", filled_copy, v10), ("int", filled_copy, i10), ("bool", filled_copy, data("bool", 6, seed=5)),
    ("", filled_view, m45), ("float", filled_like, v10), ("int", filled_like, i10), ("F", filled_like, fortran(f45)),
    ("", filled_like_float32, i10), ("1d", indices_where, v10), ("2d", indices_where, m45),
    ("C", flipped_sides, m45), ("F", flipped_sides, f45), ("1d", flipped_ends, v10),
    ("", flipped_sides_of_a_vector, v10),
    ("2d", turned, m45), ("3d", turned, t345), ("", turned_on_axes, t345), ("", turned_on_one_axis, m45),
    ("", turned_out_of_range, m45), ("1d", trapezoids, v10), ("2d", trapezoids, m45), ("int", trapezoids, i10),
    ("float32", trapezoids, data("float32", (3, 5), seed=8)), ("empty", trapezoids, v10[:0]),
    ("1d", trapezoids_at, v10, np.cumsum(np.abs(v10))), ("2d", trapezoids_at, m45, np.arange(5.0) ** 2),
    ("2d by 2d", trapezoids_at, m45, f45), ("shapes", trapezoids_at, m45, np.arange(3.0)),
]


@opt_levels
@pytest.mark.parametrize("kernel, args", params(AXES_CASES))
def test_axes_peaks_fills(kernel, args, opt):
    """np.swapaxes, np.moveaxis, np.atleast_Nd (an array of enough axes is itself), np.ptp,
    a.fill, np.full_like, np.where(c) (np.nonzero's indices), np.fliplr/flipud/rot90 (views)
    and np.trapezoid (NumPy's pairwise sum of the trapezoids), with NumPy's errors."""
    check(kernel, opt, *args)


def ufunc_reductions(a):
    return (np.add.reduce(a), np.multiply.reduce(a, axis=-1), np.maximum.reduce(a, axis=None),
            np.minimum.reduce(a, 0, keepdims=True), np.logical_and.reduce(a), np.logical_or.reduce(a, axis=None))


def ufunc_accumulations(a):
    return (np.add.accumulate(a), np.multiply.accumulate(a, axis=-1), np.maximum.accumulate(a),
            np.minimum.accumulate(a, axis=-1))


def ufunc_outers(a, b):
    return np.subtract.outer(a, b), np.multiply.outer(a, b), np.maximum.outer(a, b), np.less.outer(a, b)


def ufunc_reduce_unsupported(a):
    return np.subtract.reduce(a)


@opt_levels
@pytest.mark.parametrize("a", [m45, f45, data("float64", (3, 4), seed=9, kind="special"), i10,
                               data("int8", (2, 6), seed=3), m45[:0]], ids=["C", "F", "nan", "int", "int8", "empty"])
def test_ufunc_reduce_accumulate_and_outer(a, opt):
    """np.add.reduce and the others are NumPy's np.sum, prod, max, min, all and any with the
    methods' axis=0 (an empty maximum is NumPy's ValueError); accumulate is cumsum, cumprod and
    the running maximum and minimum (a NaN carried on, the dtype kept); outer has the shape of
    both operands."""
    check(ufunc_reductions, opt, a)
    check(ufunc_accumulations, opt, a)
    check(ufunc_outers, opt, a.ravel()[:4], a.ravel()[::-1][:3])


def test_a_ufunc_method_compiled_code_lacks_is_refused_by_name():
    with pytest.raises(UnsupportedError, match=r"np.subtract.reduce\(\) is not supported in compiled code yet"):
        compile(ufunc_reduce_unsupported)(np.ones(3))


def selected(a):
    return np.select([a > 1, a < 0], [a, -a], 0), np.select([a > 1, a > 2], [a, 2.5], -1)


def selected_with_numpy_scalars(a):
    return np.select((a > 1,), (np.float32(2),), 0), np.select([a > 5, a[0] > 2], [a, a[::-1]], a[1])


def selected_from_lists(a):
    return np.select([[True, False, True, False, True, False, True]], [a], 0), np.select([a > 1], [[1.5] * 7], 0)


def selected_a_python_int(a):
    return np.select([a > 1, a > 2], [a, 2], 0)   # of uint8s: NumPy's copyto refuses int64 -> uint8


def selected_on_a_number(a):
    return np.select([a], [a], 0)


def selected_of_unequal_lists(a):
    return np.select([a > 1], [a, a], 0)


@opt_levels
@pytest.mark.parametrize("kernel, args", params([
    ("int8", selected, data("int8", 7, seed=4)), ("float32", selected, data("float32", 7, seed=4, kind="special")),
    ("2d", selected, m45), ("int8", selected_with_numpy_scalars, data("int8", 7, seed=4)),
    ("float32", selected_with_numpy_scalars, data("float32", 7, seed=5)), ("2d", selected_with_numpy_scalars, m45),
    ("", selected_on_a_number, data("int8", 3)), ("", selected_of_unequal_lists, v10),
    ("", selected_from_lists, data("float64", 7, seed=6)),
    ("uint8", selected_a_python_int, data("uint8", 7, seed=4)), ("int8", selected_a_python_int, data("int8", 7, seed=4)),
]))
def test_select(kernel, args, opt):
    """np.select: the first choice whose condition holds, in NumPy's result_type of every
    choice and the default (Python numbers weak, NumPy scalars not), broadcast; NumPy's
    errors for a condition that is not bool, lists of other lengths and a Python int
    choice among unsigned ones."""
    check(kernel, opt, *args)


def coordinates_of_the_largest(a):
    return np.unravel_index(np.argmax(a), a.shape)


def coordinates(i):
    return np.unravel_index(i, (3, 4, 5)), np.unravel_index(i, (6, 10), order="F"), np.unravel_index(i, 60)


@pytest.mark.parametrize("i", [0, 7, 59, 60, -1])
def test_unravel_index(i):
    """np.unravel_index of one index, C and Fortran order, a shape of run-time extents too, and
    NumPy's ValueError outside [0, size)."""
    check(coordinates, 3, i)
    check(coordinates_of_the_largest, 3, m45)
    check(coordinates_of_the_largest, 3, f45[:0])


def item_of_one(a):
    return a[:1].item()


def item_of_many(a):
    return a.item()


def item_at(a):
    return a.item(2)


def item_at_both(a):
    return a.item(1, 0)


def element_item(a):
    return a[1].item() + 1


@pytest.mark.parametrize("kernel, a", [
    (item_of_one, v10), (item_of_one, i10), (item_of_one, data("bool", 6, seed=5)), (item_of_one, f45[0]),
    (item_of_many, v10), (item_at, v10), (item_at, m45), (item_at, v10[:2]), (item_at_both, m45),
    (item_at_both, t345), (element_item, i10), (element_item, f45[0]), (element_item, data("bool", 6, seed=5)),
], ids=lambda x: getattr(x, "__name__", None) or str(getattr(x, "dtype", x)))
def test_item_is_a_python_number(kernel, a):
    """``a.item()`` and ``x.item()`` of an element give Python's int, float or bool whatever
    the dtype (an int32 element's item is an int), NumPy's errors for a size other than 1, an
    index out of range or too few indices."""
    got = check(kernel, 3, a)
    want = outcome(kernel, (a,))[1]
    assert type(got) is type(want)


def item_of_uint64(a):
    return a[0].item()


def test_item_of_uint64_is_refused():
    with pytest.raises(UnsupportedError, match=r"item\(\) of a uint64 value is not supported"):
        compile(item_of_uint64)(np.arange(3, dtype=np.uint64))


def slice_start_stop_step(a, i, j, k):
    return a[i:j:k]


def slice_step(a, k):
    return a[::k]


def slice_rows_cols(a, i, j, k):
    return a[i:j, ::k]


BOUNDS = (-12, -3, -1, 0, 2, 9, 10, 12)


@opt_levels
@pytest.mark.parametrize("k", (-11, -3, -2, -1, 1, 2, 3, 11))
def test_runtime_slice_bounds(k, opt):
    """``a[i:j:k]`` with run-time i, j, k: clipped as NumPy clips them (every i, j of BOUNDS)."""
    for i in BOUNDS:
        for j in BOUNDS:
            check(slice_start_stop_step, opt, i10, i, j, k)
    check(slice_step, opt, v10, k)
    check(slice_step, opt, backwards(v10), k)
    check(slice_step, opt, v10[:0], k)
    check(slice_rows_cols, opt, m45, -3, 3, k)


@opt_levels
def test_runtime_step_zero(opt):
    check(slice_step, opt, v10, 0)
    check(slice_start_stop_step, opt, i10, 1, 3, 0)


def constant_step_zero(a, flag):
    if flag:
        return a[::0]
    return a


@opt_levels
def test_constant_step_zero(opt):
    """A constant step 0 raises NumPy's ValueError where the line runs, not at compile time."""
    check(constant_step_zero, opt, v10, False)
    check(constant_step_zero, opt, v10, True)


# --------------------------------------------------------------------- writing through views
def write_through_tail(a):
    v = a[1:]
    v[0] = 5
    return a


def write_through_column(a):
    v = a[:, 1]
    v[2] = 7
    return v


def write_through_backwards(a):
    v = a[::-2]
    v[1] = 9
    return a


def write_through_view_of_view(a):
    v = a[1:]
    w = v[::2]
    w[1] = -4
    return w


def write_through_row(a, i):
    r = a[i, :]
    r[-1] = 1
    return r.sum()


def fill_view(a):
    v = a[2:-2]
    v[:] = 0
    return a


def returned_view(a):
    return a[1::3]


WRITE_CASES = [
    ("", write_through_tail, v10), ("int", write_through_tail, i10), ("strided", write_through_tail, strided(i10)),
    ("", write_through_column, m45), ("F", write_through_column, fortran(f45)),
    ("T", write_through_column, transposed(m45)), ("", write_through_backwards, v10),
    ("backwards", write_through_backwards, backwards(i10)), ("", write_through_view_of_view, i10),
    ("", write_through_row, m45, 2), ("T", write_through_row, transposed(f45), -1), ("", fill_view, v10),
    ("2d", fill_view, f45), ("", returned_view, v10), ("strided", returned_view, strided(i10)),
]


@opt_levels
@pytest.mark.parametrize("kernel, args", params(WRITE_CASES))
def test_write_through_view(kernel, args, opt):
    check(kernel, opt, *args)


@opt_levels
def test_returned_view_aliases_argument(opt):
    a = data("float64", 10)
    v = compiled(returned_view, opt)(a)
    v[1] = 123.0
    assert a[4] == 123.0 and np.shares_memory(v, a)


# ===================================================================== compiler bugs found
COMPLEX_POWER = "complex ** complex is a TypingError ('np.power() needs a real number')"
COMPLEX_ORDER = "<, <=, >, >= with complex operands are a TypingError; NumPy 2 orders complex lexicographically"
FLOAT16 = "np.sqrt/np.sin of an int8 or uint8 array compute in float16 (NumPy's loop): a TypingError, no float16"
COMPLEX_UFUNC = "np.exp of a complex array is a TypingError ('np.exp() needs a real number')"
IN_PLACE_MESSAGE = ("a[i, :] += b with shapes that do not broadcast: NumPy's message also names the output, "
                    "'(4,) (3,) (4,) '")


# ===================================================================== element-wise operators
def add(a, b):
    return a + b


def sub(a, b):
    return a - b


def mul(a, b):
    return a * b


def truediv(a, b):
    return a / b


def floordiv(a, b):
    return a // b


def mod(a, b):
    return a % b


def power(a, b):
    return a ** b


def eq(a, b):
    return a == b


def ne(a, b):
    return a != b


def lt(a, b):
    return a < b


def le(a, b):
    return a <= b


def gt(a, b):
    return a > b


def ge(a, b):
    return a >= b


def bit_and(a, b):
    return a & b


def bit_or(a, b):
    return a | b


def bit_xor(a, b):
    return a ^ b


ARITHMETIC = (add, sub, mul, truediv, floordiv, mod, power)
DTYPES = ("int8", "int32", "int64", "uint8", "float32", "float64", "complex128", "bool")
KNOWN_BINARY_BUGS = {(power, "complex128"): COMPLEX_POWER}


def operands(kernel, dtype, n=11):
    """Two arrays for ``kernel``: the right one has zeros (division by zero); for ``**``
    exponents 0..3 (and halves for floats: negative bases give nan)."""
    a = data(dtype, n, seed=10, kind="special")
    b = data(dtype, n, seed=11)
    if kernel is power and dtype != "bool":
        b = (np.arange(n) % 4).astype(dtype)
        if np.dtype(dtype).kind in "fc":
            b = b + np.asarray(0.5, dtype) * (np.arange(n) % 3 == 1)
    return a, b


def arithmetic_cases():
    cases = []
    for kernel in ARITHMETIC:
        for dtype in DTYPES:
            if (kernel, dtype) == (sub, "bool"):
                continue   # a TypingError: test_boolean_subtract
            case = (dtype, kernel, *operands(kernel, dtype))
            reason = KNOWN_BINARY_BUGS.get((kernel, dtype))
            cases.append(bug(reason, *case) if reason else case)
    return params(cases)


@opt_levels
@pytest.mark.parametrize("kernel, args", arithmetic_cases())
def test_arithmetic(kernel, args, opt):
    """+ - * / // % ** between two arrays of each dtype (complex // and %: the same TypeError)."""
    check(kernel, opt, *args)


def comparison_cases():
    nan = data("float64", 11, seed=12, kind="special")
    cases = [(dtype, kernel, data(dtype, 11, seed=13, kind="special"), nan if dtype == "float64" else
              data(dtype, 11, seed=14))
             for kernel in (eq, ne, lt, le, gt, ge) for dtype in ("int8", "float64")]
    cases += [(dtype, kernel, data(dtype, 11, seed=15), data(dtype, 11, seed=16))
              for kernel in (eq, lt) for dtype in ("uint8", "bool", "float32")]
    cases += [("complex128", ne, data("complex128", 7, seed=17), data("complex128", 7, seed=18)),
              bug(COMPLEX_ORDER, "complex128", lt, data("complex128", 7, seed=17), data("complex128", 7, seed=18))]
    return params(cases)


@opt_levels
@pytest.mark.parametrize("kernel, args", comparison_cases())
def test_comparison(kernel, args, opt):
    check(kernel, opt, *args)


def bitwise_cases():
    cases = [(dtype, kernel, data(dtype, 11, seed=19, kind="special"), data(dtype, 11, seed=20))
             for kernel in (bit_and, bit_or, bit_xor) for dtype in ("int8", "uint8", "bool")]
    cases.append(("int64", bit_xor, data("int64", 5) * 1000003, data("int64", 5, seed=1)))
    cases.append(("float64", bit_and, data("float64", 5), data("float64", 5, seed=1)))   # TypeError
    return params(cases)


@opt_levels
@pytest.mark.parametrize("kernel, args", bitwise_cases())
def test_bitwise(kernel, args, opt):
    check(kernel, opt, *args)


PROMOTIONS = [(add, "int8", "int32"), (mul, "uint8", "int8"), (sub, "uint8", "int64"), (truediv, "int64", "float32"),
              (add, "int32", "float32"), (add, "bool", "int8"), (mul, "bool", "float64"),
              (mul, "float32", "complex128"), (floordiv, "uint8", "float32"), (truediv, "int8", "complex128"),
              (lt, "int8", "uint8"), (eq, "int64", "float64")]


def promotion_cases():
    cases = []
    for kernel, left, right in PROMOTIONS:
        name = f"{kernel.__name__}-{left}-{right}"
        cases.append(pytest.param(kernel, left, right, id=name))
    return cases


@opt_levels
@pytest.mark.parametrize("kernel, left, right", promotion_cases())
def test_promotion(kernel, left, right, opt):
    """Mixed dtypes, both operand orders: NumPy's result dtype."""
    a, b = data(left, 9, seed=21, kind="special"), data(right, 9, seed=22)
    check(kernel, opt, a, b)
    check(kernel, opt, b, a)


# --------------------------------------------------------------------- Python and traced scalars
def plus_one(a):
    return a + 1


def one_minus(a):
    return 1 - a


def times_float(a):
    return a * 2.5


def float_over(a):
    return 2.5 / a


def floordiv_two(a):
    return a // 2


def seven_mod(a):
    return 7 % a


def squared(a):
    return a ** 2


def two_to_the(a):
    return 2 ** a


def less_than_three(a):
    return a < 3


def three_less_than(a):
    return 3 < a


def and_one(a):
    return a & 1


def true_or(a):
    return True | a


def times_complex(a):
    return a * 1j


CONSTANT_CASES = [(dtype, kernel, data(dtype, 9, seed=30, kind="special"))
                  for kernel in (plus_one, one_minus, times_float, float_over, floordiv_two, seven_mod,
                                 less_than_three, three_less_than, times_complex)
                  for dtype in ("int8", "float32")]
CONSTANT_CASES += [
    ("uint8", one_minus, data("uint8", 9)), ("bool", plus_one, data("bool", 9)), ("bool", times_float, data("bool", 9)),
    ("uint8", seven_mod, data("uint8", 9)), ("bool", three_less_than, data("bool", 9)),
    ("int8", and_one, data("int8", 9)), ("bool", and_one, data("bool", 9)), ("uint8", true_or, data("uint8", 9)),
    ("bool", true_or, data("bool", 9)), ("int8", squared, data("int8", 9)),
    ("int64", two_to_the, data("int64", 9, kind="pos")),
    ("float32", squared, data("float32", 9)),
    ("float32", two_to_the, data("float32", 9)),
]


@opt_levels
@pytest.mark.parametrize("kernel, args", params(CONSTANT_CASES))
def test_python_scalar_constant(kernel, args, opt):
    """A Python number in the code, either side: NEP 50 (it does not widen the array's dtype)."""
    check(kernel, opt, *args)


TRACED = [("int8", 3), ("int8", 1.5), ("uint8", 250), ("float32", 1.5), ("float32", 3), ("float64", 0),
          ("bool", True), ("bool", 3), ("int64", 2 - 1j)]
TRACED_FEW = [("int8", 3), ("float32", 1.5), ("float64", 0), ("bool", True), ("bool", 3)]


def traced_cases():
    cases = []
    for kernel, scalars in ((add, TRACED), (truediv, TRACED), (floordiv, TRACED_FEW), (lt, TRACED_FEW)):
        for dtype, scalar in scalars:
            case = (f"{dtype}-{scalar}", kernel, data(dtype, 9, seed=31, kind="special"), scalar)
            cases.append(case)
    cases.append(("int64-nonzero-(2-1j)", truediv, data("int64", 9, seed=31, kind="pos"), 2 - 1j))
    return params(cases)


@opt_levels
@pytest.mark.parametrize("kernel, args", traced_cases())
def test_traced_scalar(kernel, args, opt):
    """A scalar argument (a run-time value, weak like a Python number), both operand orders."""
    a, scalar = args
    check(kernel, opt, a, scalar)
    check(kernel, opt, scalar, a)


@opt_levels
@pytest.mark.parametrize("kernel, args", params([
    ("int8", add, data("int8", 5), 1000), ("uint8", sub, data("uint8", 5), -1),
    ("uint8", bit_and, data("uint8", 5), 256),
    ("fits", plus_one, np.full(3, 127, np.int8)),   # wraps: the 1 fits
    ("uint8", floordiv, data("uint8", 5), -2), ("int8", mod, data("int8", 5), 200),
]))
def test_scalar_out_of_range_for_dtype(kernel, args, opt):
    """NumPy 2: a Python int that the array's dtype cannot hold is an OverflowError."""
    check(kernel, opt, *args)


@opt_levels
def test_numpy_scalar_is_not_weak(opt):
    check(sub, opt, data("float32", 5), np.float64(2.5))
    check(mul, opt, np.int8(3), data("int8", 5))


# --------------------------------------------------------------------- division by zero, wrapping
def divide_all(a, b):
    return a / b, a // b, a % b


@opt_levels
@pytest.mark.parametrize("dtype", ("int8", "int64", "uint8", "float32", "float64"))
def test_division_by_zero_is_numpys(dtype, opt):
    """``/ // %`` never raise: inf/nan for floats, 0 for integer // and % (both operand
    orders; with the integer minimum // -1, which wraps)."""
    a = data(dtype, 12, seed=40, kind="special")
    b = data(dtype, 12, seed=41)
    b[::3] = 0
    if dtype[0] == "i":
        a[0], b[0] = np.iinfo(dtype).min, -1
    check(divide_all, opt, a, b)
    check(divide_all, opt, b, a)


@opt_levels
def test_integer_wrapping(opt):
    big = np.array([-128, 127, 100, -7], np.int8)
    check(add, opt, big, big)
    check(mul, opt, big, np.array([-1, 2, 3, -20], np.int8))
    check(sub, opt, np.array([0, 1, 2], np.uint8), np.array([1, 2, 3], np.uint8))


@opt_levels
def test_complex_division_by_zero(opt):
    check(truediv, opt, np.array([1 + 1j, 0j, 1 + 0j, -2j]), np.zeros(4, np.complex128))


@opt_levels
def test_integer_negative_power_raises(opt):
    check(power, opt, np.array([2, 3, 1], np.int64), np.array([3, -1, 2], np.int64))


# --------------------------------------------------------------------- unary
def negate(a):
    return -a


def invert(a):
    return ~a


def absolute(a):
    return abs(a)


def positive(a):
    return +a


def np_abs(a):
    return np.abs(a)


UNARY_CASES = [
    ("int8", negate, np.array([-128, 127, 0, -5], np.int8)), ("uint8", negate, data("uint8", 7)),
    ("float64", negate, data("float64", 9, kind="special")), ("complex128", negate, data("complex128", 5)),
    ("T", negate, transposed(data("float32", (3, 4)))),
    ("int8", invert, data("int8", 7)), ("uint8", invert, data("uint8", 7)), ("int64", invert, data("int64", 7)),
    ("bool", invert, data("bool", 7)), ("strided", invert, strided(data("int32", 8))),
    ("int8", np_abs, np.array([-128, 127, 0, -5], np.int8)), ("float32", np_abs, data("float32", 9, kind="special")),
    ("complex128", np_abs, data("complex128", 5)),
    ("float64", absolute, data("float64", 9, kind="special")),
    ("int8", absolute, np.array([-128, 127, 0, -5], np.int8)),
    ("int32", positive, data("int32", 5)),
]


@opt_levels
@pytest.mark.parametrize("kernel, args", params(UNARY_CASES))
def test_unary(kernel, args, opt):
    check(kernel, opt, *args)


# --------------------------------------------------------------------- ufuncs
def np_sqrt(a):
    return np.sqrt(a)


def np_exp(a):
    return np.exp(a)


def np_sin(a):
    return np.sin(a)


def np_log(a):
    return np.log(a)


def np_minimum(a, b):
    return np.minimum(a, b)


def np_maximum(a, b):
    return np.maximum(a, b)


def np_power(a, b):
    return np.power(a, b)


def np_where(c, a, b):
    return np.where(c, a, b)


def np_where_scalar(a):
    return np.where(a > 0, a, 0)


def np_add(a, b):
    return np.add(a, b)


def np_subtract(a, b):
    return np.subtract(a, b)


def np_multiply(a, b):
    return np.multiply(a, b)


def np_divide(a, b):
    return np.divide(a, b)


def np_floor_divide(a, b):
    return np.floor_divide(a, b)


def np_remainder(a, b):
    return np.remainder(a, b)


def np_negative(a):
    return np.negative(a)


def store_constants_if(a, flag):
    if flag == 1:
        a[:] = float("nan")
    if flag == 2:
        a[0] = 1e30
    if flag == 3:
        a[1] = -7.5
    return a


def np_square(a):
    return np.square(a)


def np_logical_and(a, b):
    return np.logical_and(a, b)


def np_logical_not(a):
    return np.logical_not(a)


def np_greater(a, b):
    return np.greater(a, b)


def np_floor(a):
    return np.floor(a)


def np_isnan(a):
    return np.isnan(a)


def expression(a, b, c):
    return np.sqrt(np.abs(a * b - c)) + np.maximum(a, c) / 2


TRANSCENDENTAL = (np_sqrt, np_exp, np_sin, np_log, expression)
f9 = data("float64", 9, seed=60, kind="special")
g9 = data("float64", 9, seed=61)

UFUNC_CASES = [(dtype, kernel, data(dtype, 9, seed=62, kind="special"))
               for kernel, dtypes in ((np_sqrt, ("float32", "float64", "int32")), (np_exp, ("float32", "float64")),
                                      (np_sin, ("float64",)), (np_log, ("float32", "float64")))
               for dtype in dtypes]
UFUNC_CASES += [
    ("float32", np_negative, data("float32", 7)), ("int8", np_square, data("int8", 7)),
    ("float32", np_square, data("float32", 7)), ("float64", np_logical_not, f9),
    ("int8", np_logical_not, data("int8", 7)),
    ("float32", np_floor, data("float32", 9, kind="special")), ("float64", np_isnan, f9),
    ("float64", np_minimum, f9, g9), ("float64", np_maximum, g9, f9), ("int32", np_minimum, data("int32", 7), 3),
    ("uint8", np_maximum, data("uint8", 7), data("uint8", 7, seed=1)),
    ("float32", np_power, data("float32", 7, kind="pos"), data("float32", 7, seed=1)),
    ("int32", np_power, data("int32", 7), np.arange(7, dtype=np.int32) % 3),
    ("broadcast", np_add, f9[:, None], g9[None, :4]), ("scalar", np_subtract, 2, data("int8", 7)),
    ("int32", np_multiply, data("int32", 7), data("int32", 7, seed=1)), ("float64", np_divide, f9, g9),
    ("int64", np_floor_divide, data("int64", 7), data("int64", 7, seed=1)), ("float64", np_remainder, f9, g9),
    ("int32", np_remainder, data("int32", 7), -3),
    ("mixed", np_logical_and, data("int8", 7), data("float64", 7, seed=1)), ("scalar", np_greater, f9, 0.5),
    ("", np_where, data("bool", 9, seed=65), data("int32", 9), data("float32", 9, seed=66)),
    ("scalars", np_where, data("bool", 9, seed=65), 1, 2.5),
    ("broadcast", np_where, data("bool", (3, 1), seed=67), data("int8", 4), np.int8(-1)),
    ("", np_where_scalar, f9), ("int8", np_where_scalar, data("int8", 9, seed=68)),
    ("", expression, data("float64", (2, 5)), data("float64", 5, seed=1), data("float64", (2, 1), seed=2)),
    ("F", expression, fortran(data("float32", (3, 4))), data("float32", 4, seed=1), np.float32(0.5)),
    bug(FLOAT16, "int8", np_sqrt, data("int8", 9, kind="pos")), bug(FLOAT16, "uint8", np_sin, data("uint8", 9)),
    bug(COMPLEX_UFUNC, "complex128", np_exp, data("complex128", 5)),
    ("bool", np_abs, data("bool", 7)), ("bool", np_floor, data("bool", 7)), ("bool", np_square, data("bool", 7)),
]


@opt_levels
@pytest.mark.parametrize("kernel, args", params(UFUNC_CASES))
def test_ufunc(kernel, args, opt):
    check(kernel, opt, *args, ulps=4 if kernel in TRANSCENDENTAL else 0)


def as_float32(a):
    return a.astype(np.float32)


def as_int8(a):
    return a.astype(np.int8)


def as_bool(a):
    return a.astype(np.bool_)


def as_complex(a):
    return a.astype(np.complex128)


ASTYPE_CASES = [
    ("int64", as_float32, data("int64", 7)), ("float64", as_float32, data("float64", 7, kind="special")),
    ("bool", as_float32, data("bool", 7)), ("strided", as_float32, strided(data("int8", (3, 2)))),
    ("float64", as_int8, data("float64", 7)), ("int32", as_int8, data("int32", 7) * 30),
    ("float32", as_bool, data("float32", 7)), ("int32", as_complex, data("int32", 7)),
]


@opt_levels
@pytest.mark.parametrize("kernel, args", params(ASTYPE_CASES))
def test_astype(kernel, args, opt):
    check(kernel, opt, *args)


# --------------------------------------------------------------------- NumPy's loops and conversions
def uint32_mod(a):
    return np.uint32(2) % a


def int64_times(a):
    return np.int64(5) * a


def float64_plus(a):
    return np.float64(0.5) + a


def power_minus_one(a):
    return a ** -1


def subtract_tail(a, k):
    a[k:] -= -7
    return a


def fill_with(a, v):
    a[:] = v
    return a


def fill_with_sum(a, b):
    a[:] = b.sum()
    return a


def store_first(a, v):
    a[0] = v
    return a


def np_negative(a):
    return np.negative(a)


@opt_levels
@pytest.mark.parametrize("kernel, args", params([
    ("uint32", uint32_mod, data("uint32", 5)), ("uint32", int64_times, data("uint32", 5)),
    ("float32", float64_plus, data("float32", 5)), ("uint32", power_minus_one, data("uint32", 3, kind="pos")),
    ("empty view", subtract_tail, data("uint32", 2), 2), ("view", subtract_tail, data("uint32", 4), 1),
    ("int16 into uint8", fill_with, data("uint8", 3), np.int16(-2)),
    ("int16 into int8", fill_with, data("int8", 3), np.int16(300)),
    ("float into int8", fill_with, data("int8", 3), 300.5), ("float fits int8", fill_with, data("int8", 3), -7.9),
    ("nan into int32", fill_with, data("int32", 3), float("nan")),
    ("inf into int64", fill_with, data("int64", 3), float("-inf")),
    ("big float into int64", fill_with, data("int64", 3), 1e19),
    ("float into uint64", fill_with, data("uint64", 3), 1e19), ("negative into uint64", fill_with, data("uint64", 3), -3.5),
    ("sum into int8", fill_with_sum, data("int8", 3), np.array([100, 100, 100])),
    ("float into int16", store_first, data("int16", 3), 40000.0),
    ("np.float64 into uint8", store_first, data("uint8", 3), np.float64(3.7)),
    *((f"constant {k}", store_constants_if, data("int8", 3), k) for k in range(4)),
]))
def test_numpy_conversions(kernel, args, opt):
    """Operands go through NumPy's own loop choice (``np.int64(5) * uint32`` is int64, a
    Python int must fit the loop's type even when no element is computed); values stored
    into arrays convert as NumPy's ``__setitem__`` converts them."""
    check(kernel, opt, *args)


@opt_levels
@pytest.mark.parametrize("kernel, args", params([
    ("bool", np_abs, data("bool", 5)), ("bool", np_square, data("bool", 5)),
    ("bool", np_floor, data("bool", 5)), ("int8", np_square, data("int8", 5)),
]))
def test_ufunc_loop_types(kernel, args, opt):
    check(kernel, opt, *args)


def signs_and_angles(a):
    return np.signbit(a), np.degrees(a), np.radians(a), np.rad2deg(a), np.deg2rad(a)


def log_sums(a, b):
    return np.logaddexp(a, b), np.logaddexp2(a, b), np.logaddexp(a, 1.5), np.logaddexp2(np.float32(-2.0), b)


def divisors(a, b):
    return np.gcd(a, b), np.lcm(a, b), np.gcd(a, 12), np.lcm(np.int8(6), b)


_EDGES = [0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan, 1e308, -1e308, 5e-324, 1.0, -1.0, 700.0, -745.0, 3.0]


@opt_levels
@pytest.mark.parametrize("dtype", ("float32", "float64", "int16", "int64"))
def test_signbit_angles_and_logaddexp(dtype, opt):
    """np.signbit (of -0.0 and -NaN too), np.degrees/radians/rad2deg/deg2rad (NumPy's constant
    in the loop's type) and np.logaddexp/logaddexp2 (NumPy's npy_logaddexp with the C
    library's exp and log1p), bit for bit, on NumPy's loop types (int16: float32; bools would
    compute in float16, which compiled code refuses)."""
    a = data(dtype, 60, seed=5, kind="special")
    b = data(dtype, 60, seed=6, kind="special")
    if dtype.startswith("float"):
        with np.errstate(over="ignore"):   # 1e308 as float32: inf
            edges = np.array(_EDGES, dtype)
        a, b = np.concatenate([a, edges, edges]), np.concatenate([b, edges[::-1], edges])
    check(signs_and_angles, opt, a)
    check(log_sums, opt, a, b)


@opt_levels
@pytest.mark.parametrize("dtype", ("int8", "uint8", "int16", "int32", "int64", "uint64"))
def test_gcd_and_lcm(dtype, opt):
    """np.gcd/np.lcm as NumPy's npy_gcd/npy_lcm: of the magnitudes as unsigned numbers (the
    minimum's magnitude too), the lcm wrapping to the loop's type, 0 for two zeros."""
    info = np.iinfo(dtype)
    rng = np.random.default_rng(7)
    edge = np.array([0, 0, 1, info.max, info.min, info.min, 12, 7], dtype)
    a = np.concatenate([edge, rng.integers(info.min, info.max, 80, dtype=dtype, endpoint=True)])
    small = rng.integers(-30 if info.min else 0, 30, 80).astype(dtype)
    b = np.concatenate([np.array([0, 5, 0, 6, 6, info.min, 18, 7], dtype), small])
    check(divisors, opt, a, b)


def test_gcd_of_floats_is_numpys_type_error():
    with pytest.raises(TypeError, match="ufunc 'gcd' did not contain a loop"):
        compile(divisors)(np.ones(2), np.ones(2))


def power_half(a):
    return a ** 0.5


def power_two(a):
    return a ** 2


def power_minus_one_float(a):
    return a ** -1


def power_two_in_place(a):
    a **= 2
    return a


@opt_levels
@pytest.mark.parametrize("dtype", ("bool", "int8", "uint16", "int64", "float32", "float64"))
def test_power_of_python_two_and_minus_one(dtype, opt):
    """NumPy's ``array ** 2`` is ``np.square`` for every dtype (bools give int8, not np.power's
    int64) and ``** -1`` of floats ``np.reciprocal``, also with the exponent a run-time int."""
    a = data(dtype, 6, seed=87)
    check(power_two, opt, a)
    if dtype == "bool":   # NumPy's casting error for the int8 squares, when compiling
        with pytest.raises(TypingError, match="Cannot cast ufunc 'square' output from dtype\\('int8'\\)"):
            compiled(power_two_in_place, opt)(a.copy())
    else:
        check(power_two_in_place, opt, a)
    if dtype.startswith("float"):
        check(power_minus_one_float, opt, a)
        for n in (2, -1, 3):
            check(power, opt, a, n)


def test_power_of_bools_by_a_run_time_int_is_refused():
    with pytest.raises(UnsupportedError, match="depends on the value"):
        compile(power)(np.array([True, False]), 3)


@opt_levels
@pytest.mark.parametrize("exponent", (0.5, 1.5))
def test_power_of_one_half_is_sqrt(exponent, opt):
    """NumPy computes ``a ** 0.5`` as ``np.sqrt(a)``: -0.0 and -inf differ from ``pow``."""
    a = np.array([-0.0, 0.0, -np.inf, np.inf, 4.0, -1.0, 2.0], np.float32)
    check(power_half, opt, a)
    check(power, opt, a, exponent)


@opt_levels
def test_ufunc_without_loop(opt):
    """No NumPy loop for the operand types: NumPy's TypeError where the code gets there (on a
    path that does not run, nothing: fuzz arrays-s9-585)."""
    with pytest.raises(TypeError, match="boolean negative"):
        np_negative(data("bool", 3))
    with pytest.raises(TypeError, match="boolean negative") as got:
        compile(np_negative, opt=opt)(data("bool", 3))
    assert not isinstance(got.value, TypingError)


# --------------------------------------------------------------------- complex parts, builtins
def real_of(a):
    return a.real


def imag_of(a):
    return a.imag


def zero_real_parts(a):
    a.real[1:] = 0
    a.imag[0] += 1.5
    return a


def conjugate_of(a):
    return a.conj(), np.conjugate(a), a.T.real, (a.real > 0).conj(), np.conjugate(a.real > 0)


def python_sum(a):
    return sum(a)


def python_sum_from(a):
    return sum(a, 10)


def python_max(a):
    return max(a)


def python_min(a):
    return min(a[::-1])


COMPLEX_2D = np.array([[1 + 2j, 3 - 4j], [5j, -6 + 0j]])


@opt_levels
@pytest.mark.parametrize("kernel, args", params([
    ("complex", real_of, data("complex128", 5)), ("complex", imag_of, data("complex128", 5)),
    ("float", real_of, data("float64", 5)), ("float", imag_of, data("float32", 5)),
    ("2d", real_of, COMPLEX_2D), ("strided", imag_of, strided(data("complex128", 8))),
    ("complex", zero_real_parts, data("complex128", 4)), ("complex64", zero_real_parts, data("complex64", 3)),
    ("complex", conjugate_of, COMPLEX_2D), ("float", conjugate_of, data("float64", (2, 2))),
]))
def test_complex_parts(kernel, args, opt):
    """``.real``/``.imag`` are views of a complex array's parts (writes reach it); of a real
    array, the array itself and zeros; ``conj()`` conjugates."""
    check(kernel, opt, *args)


@opt_levels
@pytest.mark.parametrize("kernel, args", params([
    ("float", python_sum, data("float64", 9)), ("2d", python_sum, data("float32", (3, 4))),
    ("bool", python_sum, data("bool", 6)), ("int8 wraps", python_sum, np.array([100, 100], np.int8)),
    ("start", python_sum_from, data("int32", 5)),
    ("float", python_max, data("float64", 9, kind="special")), ("nan first", python_max, np.array([np.nan, 1.0])),
    ("uint8", python_min, data("uint8", 7)), ("empty", python_max, data("float64", 0)),
]))
def test_python_builtins_over_the_first_axis(kernel, args, opt):
    """``sum(a)`` adds the elements (rows) in order from 0, ``max(a)``/``min(a)`` compare as Python's."""
    check(kernel, opt, *args)


def astype_no_copy(a):
    return a.astype(np.float64, copy=False), a.astype(np.int8, copy=False)


def add_into(a, b):
    return np.add(a, b, b)


def fill_twice_plus_one(a, b):
    a[:] = b * 2.0 + 1.0
    a[:, :] += b
    return a


@opt_levels
def test_fortran_ordered_targets(opt):
    """A map into an F-ordered array (``a[:]`` of one stays F) runs in its memory order."""
    check(fill_twice_plus_one, opt, fortran(data("float64", (4, 3))), fortran(data("float64", (4, 3), seed=2)))
    check(fill_twice_plus_one, opt, fortran(data("float64", (4, 3))), data("float64", (4, 3), seed=2))


ORDER_KERNELS = {
    "a + 1": lambda a: a + 1, "a * a": lambda a: a * a, "-a": lambda a: -a, "np.sqrt": lambda a: np.sqrt(np.abs(a)),
    "astype": lambda a: a.astype(np.float32), "np.where": lambda a: np.where(a > 0.5, a, 0.0),
    "np.clip": lambda a: np.clip(a, 0.2, 0.8), "a + row": lambda a: a + np.arange(a.shape[-1]), "np.isnan": lambda a: np.isnan(a),
    "np.empty_like": lambda a: np.empty_like(a), "np.zeros_like": lambda a: np.zeros_like(a),
    "np.ones_like": lambda a: np.ones_like(a, dtype=np.int8), "np.full_like": lambda a: np.full_like(a, 2.5),
    "zeros_like C": lambda a: np.zeros_like(a, order="C"), "np.copy": lambda a: np.copy(a),
    "a.copy()": lambda a: a.copy(), "copy F": lambda a: a.copy(order="F"), "cumsum 0": lambda a: np.cumsum(a, axis=0),
    "cumsum -1": lambda a: a.cumsum(axis=-1), "np.roll": lambda a: np.roll(a, 1, axis=0),
    "a + a.T.T": lambda a: a + a.T.T,
}


@pytest.mark.parametrize("name", ORDER_KERNELS)
@pytest.mark.parametrize("layout", ["C", "F", "C.T", "F 3-d"])
def test_new_arrays_follow_numpys_memory_order(name, layout):
    """A new array made from Fortran-ordered arrays (``np.asfortranarray``, a C array's ``.T``)
    element by element, by ``*_like``, ``np.copy`` or along an axis is Fortran-ordered, as
    NumPy's order K makes it; from C-ordered ones, and with ``order="C"`` (``a.copy()``),
    C-ordered: the same strides as NumPy's."""
    base = data("float64", (3, 4, 2) if layout == "F 3-d" else (3, 4))
    a = {"C": base, "F": fortran(base), "C.T": base.T, "F 3-d": fortran(base)}[layout]
    kernel = ORDER_KERNELS[name]
    got, want = compile(kernel)(a), kernel(a)
    assert (got.shape, got.strides, got.dtype) == (want.shape, want.strides, want.dtype)
    if name != "np.empty_like":
        np.testing.assert_array_equal(got, want)


def to_uint64(a):
    return a.astype(np.uint64)


def to_int16(a):
    return a.astype(np.int16)


def to_int32(a):
    return a.astype(np.int32)


@opt_levels
@pytest.mark.parametrize("kernel", (to_uint64, to_int16, to_int32))
def test_float_to_int_casts_out_of_range_are_numpys(kernel, opt):
    """Out of the target's range a float converts as NumPy's casts do on x86-64, at every
    level (LLVM would call it poison): -466.0 to uint64 wraps, 4e9 to int16 is 0."""
    check(kernel, opt, np.array([-466.0, 3.7, -3.7, 1e19, 2.0 ** 63, 4e9, -4e9, 255.9, -1.0, 9.3e18, 1e300]))


def clips_and_sizes(a, m):
    return (np.clip(a, None, 2), a.clip(0), a.clip(max=2), a.clip(min=0, max=2), np.clip(a, None, None), a.clip(),
            a.clip(a[::-1], 3.0), a.nbytes, m.nbytes, a[0:0].nbytes)


@opt_levels
def test_clip_with_a_bound_missing_and_nbytes(opt):
    """``np.clip``/``a.clip``: a bound that is None (or not given) is no bound; ``nbytes``."""
    check(clips_and_sizes, opt, np.array([1.0, 5.0, -2.0, np.nan]), np.ones((3, 2), np.int8))


def reductions_of_tuples_and_machine_limits(m, x):
    return (np.prod(m.shape), np.sum(m.shape), np.max((x, 2.0, m[0, 0])), np.mean([x, 3.0]), np.prod(m.shape[:0]),
            np.finfo(m.dtype).eps * x, np.finfo(m[0, 0]).tiny, np.iinfo(np.int16).max + m.size,
            np.iinfo(m.astype(np.int8).dtype).min)


@opt_levels
def test_reductions_of_tuples_and_machine_limits(opt):
    """A NumPy reduction of a tuple or list (``np.prod(a.shape)``) reduces the array NumPy makes
    of it; ``np.finfo``/``np.iinfo`` of a dtype, a type or a traced value are constants."""
    check(reductions_of_tuples_and_machine_limits, opt, np.ones((3, 4), np.float32), 1.5)


@opt_levels
def test_astype_without_copy(opt):
    """``copy=False`` gives the array itself when the dtype is already the one asked for."""
    check(astype_no_copy, opt, data("float64", 5))


@pytest.mark.parametrize("kernel, args, message", [
    (add_into, (data("float64", 3), data("float64", 3)), "output array argument"),
])
def test_refused_forms_say_so(kernel, args, message):
    with pytest.raises(UnsupportedError, match=message):
        compile(kernel)(*args)


# ===================================================================== broadcasting
def outer_sum(a, b):
    return a[:, None] + b[None, :]


def outer_product(a, b):
    return a[:, None] * b


SHAPE_PAIRS = [((3, 4), (4,)), ((3, 1), (1, 4)), ((3, 1), (4,)), ((1,), (5,)), ((0,), (1,)), ((0, 3), (3,)),
               ((2, 0), (2, 1)), ((1, 1), (2, 3)), ((5,), (5,)), ((4, 1), (1,)), ((0,), (2, 1)),
               ((2, 1, 3), (4, 1))]


@opt_levels
@pytest.mark.parametrize("left, right", SHAPE_PAIRS, ids=str)
def test_broadcasting(left, right, opt):
    a, b = data("float64", left, seed=70), data("int32", right, seed=71)
    check(add, opt, a, b)
    check(add, opt, b, a)


@opt_levels
@pytest.mark.parametrize("kernel, args", params([
    ("", outer_sum, data("float64", 4), data("int8", 3, seed=1)),
    ("views", outer_sum, backwards(data("float64", 4)), strided(data("int8", 3, seed=1))),
    ("empty", outer_sum, data("float64", 0), data("int8", 3, seed=1)),
    ("", outer_product, data("int32", 3), data("int32", 5, seed=1)),
    ("F+T", add, fortran(data("float32", (3, 4))), transposed(data("float32", (1, 4), seed=1))),
    ("T+strided", truediv, transposed(data("float64", (3, 4))), strided(data("float64", (3, 1), seed=1))),
    ("reversed", lt, data("float64", (2, 3))[:, ::-1], data("float64", (2, 3), seed=1)[::-1]),
]))
def test_broadcasting_views(kernel, args, opt):
    check(kernel, opt, *args)


# ===================================================================== reductions
def sum_method(a):
    return a.sum()


def sum_function(a):
    return np.sum(a)


def prod_method(a):
    return a.prod()


def prod_function(a):
    return np.prod(a)


def min_method(a):
    return a.min()


def min_function(a):
    return np.min(a)


def max_method(a):
    return a.max()


def max_function(a):
    return np.max(a)


def amin_function(a):
    return np.amin(a)


def mean_method(a):
    return a.mean()


def mean_function(a):
    return np.mean(a)


def var_method(a):
    return a.var()


def var_function(a):
    return np.var(a)


def std_method(a):
    return a.std()


def std_function(a):
    return np.std(a)


def any_method(a):
    return a.any()


def any_function(a):
    return np.any(a)


def all_method(a):
    return a.all()


def all_function(a):
    return np.all(a)


METHODS = (sum_method, prod_method, min_method, max_method, mean_method, var_method, std_method, any_method,
           all_method)
FUNCTIONS = (sum_function, prod_function, min_function, max_function, amin_function, mean_function, var_function,
             std_function, any_function, all_function)
EXTREMA = (min_method, max_method, min_function, max_function, amin_function)
PRODUCTS = (prod_method, prod_function)


def method_inputs(kernel):
    """(id, array): each dtype C-ordered, 2-D arrays in each layout, empty arrays, NaN."""
    kind = "pos" if kernel in PRODUCTS else "small"
    out = [(dtype, data(dtype, 13, seed=80, kind=kind)) for dtype in ("int8", "uint8", "float32", "bool")]
    if kernel not in EXTREMA:
        out.append(("complex128", data("complex128", 7, seed=80)))
    out += [("F", fortran(data("float64", (4, 3), seed=81, kind=kind))),
            ("strided", strided(data("int64", (4, 3), seed=81, kind=kind))),
            ("T", transposed(data("float64", (4, 3), seed=81, kind=kind))),
            ("empty", data("float64", 0)), ("nan", data("float64", 9, seed=83, kind="special"))]
    return out


def tolerance(kernel, a):
    """Float sums of complex and F-ordered arrays add in another order than NumPy's: equal to
    rounding."""
    if a.dtype.kind in "fc" or kernel in (mean_method, mean_function, var_method, var_function, std_method,
                                          std_function):
        return 1e-5 if a.dtype.kind == "f" and a.dtype.itemsize == 4 else 1e-12
    return 0.0


REDUCTION_CASES = [pytest.param(kernel, a, id=f"{kernel.__name__}-{name}")
                   for kernel in METHODS for name, a in method_inputs(kernel)]
REDUCTION_CASES += [pytest.param(kernel, transposed(data("int64", (3, 4), seed=85, kind="pos")),
                                 id=f"{kernel.__name__}-T") for kernel in FUNCTIONS]
REDUCTION_CASES += [pytest.param(kernel, a, id=f"{kernel.__name__}-{name}")
                    for kernel in (min_function, sum_method, mean_method)
                    for name, a in (("empty-2d", data("int32", (3, 0))),
                                    ("backwards", backwards(data("int32", 6, seed=82, kind="pos"))),
                                    ("3d-F", fortran(data("float32", (2, 3, 2), seed=82, kind="pos"))))]


@opt_levels
@pytest.mark.parametrize("kernel, a", REDUCTION_CASES)
def test_reduction(kernel, a, opt):
    """Whole-array reductions of each dtype and layout; empty min/max: NumPy's ValueError."""
    check(kernel, opt, a, rtol=tolerance(kernel, a))


def view_sum(a):
    return a[1:-1].sum()


def reduce_expression(a, b):
    return (a * b).sum() + np.max(a - b)


def var_ddof(a):
    return a.var(ddof=1), np.std(a, ddof=1)


def standardized(a):
    return (a - a.mean()) / a.std()


def mean_before_and_after_a_write(a):
    m = a.mean()
    a[0] = 100.0
    return m, a.mean(), np.mean(a[1:]), a.mean(axis=0)


def means_in_branches(a, flag):
    if flag:
        m = a.mean()
    else:
        a[1] = -5.0
        m = 2.0
    return m + a.mean()


@opt_levels
def test_a_mean_is_summed_once_while_nothing_is_written(opt):
    """``a.std()`` takes the mean ``a.mean()`` already took (one sum of ``a``, one of the squared
    deviations); after a write, or in a branch, the mean is taken again."""
    a = data("float64", (5, 3), seed=86)
    check(standardized, opt, a, rtol=1e-12)
    check(mean_before_and_after_a_write, opt, a, rtol=1e-12)
    for flag in (True, False):
        check(means_in_branches, opt, a[:, 0].copy(), flag, rtol=1e-12)
    f = compiled(standardized, opt)
    f(a)
    assert str(f.build_module(f._pick(None), optimize=False)).count("array.reduce") == 2


@opt_levels
def test_reduction_accumulates_wide(opt):
    """sum/prod of narrow ints and bools accumulate in int64/uint64 as NumPy's."""
    check(sum_method, opt, np.full(37, 100, np.int8))
    check(sum_method, opt, np.full(37, -100, np.int8))
    check(sum_function, opt, np.full(37, 200, np.uint8))
    check(sum_method, opt, np.ones(300, np.bool_))
    check(prod_function, opt, np.full(70, 3, np.int64))    # wraps in int64
    check(prod_method, opt, np.full(5, 100, np.int8))


@opt_levels
def test_reduction_of_expressions_and_views(opt):
    a, b = data("float64", (3, 4), seed=84), data("float64", 4, seed=85)
    check(reduce_expression, opt, a, b, rtol=1e-12)
    check(view_sum, opt, strided(data("int8", 9)))
    check(view_sum, opt, data("float64", 9, seed=86, kind="pos"), rtol=1e-12)
    check(var_ddof, opt, data("float64", 6, seed=86), rtol=1e-12)
    check(var_ddof, opt, data("float64", 1, seed=86), rtol=1e-12)


# ===================================================================== assignment
def assign_middle(a, b):
    a[1:-1] = b
    return a


def assign_stencil(a):
    a[1:-1] = (a[:-2] + a[2:]) / 2
    return a


def assign_zero(a):
    a[:] = 0
    return a


def assign_float_constant(a):
    a[...] = 3.7
    return a


def add_to_row(a, i, b):
    a[i, :] += b
    return a


def double_column(a, j):
    a[:, j] = a[:, j] * 2
    return a


def shift_right(a):
    a[1:] = a[:-1]
    return a


def shift_left(a):
    a[:-1] = a[1:]
    return a


def shift_right_expression(a):
    a[1:] = a[:-1] + 1
    return a


def accumulate_shifted(a):
    a[1:] += a[:-1]
    return a


def reverse_in_place(a):
    a[:] = a[::-1]
    return a


def reverse_into_itself(a):
    a[::-1] = a
    return a


def interleave(a):
    a[::2] = a[1::2]
    return a


def row_into_column(a):
    a[:, 0] = a[0, :]
    return a


def assign_rows(a, r):
    a[:, :] = r
    return a


def assign_column_broadcast(a, c):
    a[:, 1:] = c[:, None]
    return a


def assign_block(a):
    a[1:3, 1:3] = -1
    return a


def assign_every_second(a, b):
    a[::2] = b
    return a


def assign_row_by_index(a, i, b):
    a[i] = b
    return a


def assign_through_view_variable(a, b):
    v = a[::-1]
    v[1:] = b
    return a


def assign_runtime_bounds(a, i, j, x):
    a[i:j] = x
    return a


def assign_300(a):
    a[:] = 300
    return a


def assign_leading_one(a, b):
    a[:] = b
    return a


def add_in_place(a, b):
    a += b


def scale_view_in_place(a):
    v = a[1:]
    v *= 2
    return v


def m34(dtype="float64", seed=0):
    return data(dtype, (3, 4), seed=seed)


own = m34("int32", seed=5)
ASSIGN_CASES = [
    ("", assign_middle, data("float64", 8), data("float64", 6, seed=1)),
    ("scalar", assign_middle, data("int32", 8), 5),
    ("broadcast", assign_middle, data("int32", 8), data("int32", 1, seed=1)),
    ("float into int", assign_middle, data("int32", 8), data("float64", 6, seed=1) * 3),
    ("float into uint8", assign_middle, data("uint8", 8), np.abs(data("float32", 6, seed=1)) * 3),
    ("bool into int8", assign_middle, data("int8", 8), data("bool", 6, seed=1)),
    ("", assign_stencil, data("float64", 10)), ("strided", assign_stencil, strided(data("float64", 7))),
    ("", assign_zero, data("float64", 5)), ("F", assign_zero, fortran(data("int8", (3, 4)))),
    ("empty", assign_zero, data("float64", 0)),
    ("", assign_float_constant, data("int64", 5)),
    ("", add_to_row, m34(), 1, data("float64", 4, seed=1)),
    ("T", add_to_row, transposed(m34()), 2, 2.5),
    ("", double_column, data("int64", (4, 3)), 1), ("F", double_column, fortran(data("float32", (4, 3))), -1),
    ("", shift_right, data("int64", 8)), ("", shift_left, data("int64", 8)),
    ("2d", shift_left, data("float64", (4, 3))),
    ("strided", shift_left, strided(data("int32", 6))),
    ("", shift_right_expression, data("int32", 8)), ("", accumulate_shifted, data("int64", 8)),
    ("2d", reverse_in_place, data("int32", (4, 2))),
    ("", reverse_into_itself, data("int32", 8)), ("", interleave, data("int64", 10)),
    ("", row_into_column, data("int32", (4, 4))), ("T", row_into_column, transposed(data("int32", (3, 3)))),
    ("", assign_rows, m34(), data("float64", 4, seed=1)),
    ("own row", assign_rows, own, own[1]), ("own column", assign_column_broadcast, own, own[:, 2]),
    ("", assign_column_broadcast, m34(), data("float64", 3, seed=1)),
    ("", assign_block, data("int8", (4, 4))),
    ("", assign_every_second, data("float64", 9), data("float64", 5, seed=1)),
    ("", assign_row_by_index, m34(), 2, data("float64", 4, seed=1)),
    ("", assign_through_view_variable, data("int32", 6), data("int32", 5, seed=1)),
    ("", assign_runtime_bounds, data("float64", 8), 2, -1, 9.0),
    ("clipped", assign_runtime_bounds, data("float64", 8), -20, 20, 9.0),
    ("empty", assign_runtime_bounds, data("float64", 8), 5, 2, 9.0),
    ("", add_in_place, data("float64", 5), 1.5), ("array", add_in_place, data("int8", (2, 3)), data("int8", 3)),
    ("", scale_view_in_place, data("int32", 5)),
    ("(1,4) into (4,)", assign_leading_one, data("float64", 4), data("float64", (1, 4), seed=1)),
    ("(2,4) into (4,)", assign_leading_one, data("float64", 4), data("float64", (2, 4), seed=1)),
]


@opt_levels
@pytest.mark.parametrize("kernel, args", params(ASSIGN_CASES))
def test_assignment(kernel, args, opt):
    """Assignment to slices: broadcast, converted to the view's dtype, overlap read in full first."""
    check(kernel, opt, *args)


# ===================================================================== errors
def zeros_plus_ones(n):
    return np.zeros(3) + np.ones(4)


ERROR_CASES = [
    ("(3,) (4,)", add, data("float64", 3), data("float64", 4)),
    ("(4,) (3,)", mul, data("int32", 4), data("int32", 3)),
    ("(2,3) (3,2)", add, data("float64", (2, 3)), data("float64", (3, 2))),
    ("(2,3) (2,)", lt, data("float64", (2, 3)), data("float64", 2)),
    ("(0,) (2,)", add, data("float64", 0), data("float64", 2)),
    ("views", outer_sum, data("float64", 3), data("float64", 4)), ("constant shapes", zeros_plus_ones, 1),
    ("where", np_where, data("bool", 3), data("float64", 4), data("float64", 3)),
    ("ufunc", np_maximum, data("float64", (2, 2)), data("float64", 3)),
    ("assign", assign_middle, data("float64", 8), data("float64", 5)),
    ("assign 2d", assign_rows, m34(), data("float64", 3)),
    ("assign empty", assign_runtime_bounds, data("float64", 8), 5, 2, data("float64", 2)),
    ("int too large for int8", assign_300, data("int8", 3)),
    bug(IN_PLACE_MESSAGE, "assign row", add_to_row, m34(), 0, data("float64", 3)),
]


@opt_levels
@pytest.mark.parametrize("kernel, args", params(ERROR_CASES))
def test_errors_like_numpy(kernel, args, opt):
    """The exception NumPy raises, with its message (plus the kernel's line)."""
    check(kernel, opt, *args)


@opt_levels
def test_broadcast_message_text(opt):
    """NumPy's messages, the trailing space included."""
    with pytest.raises(ValueError) as caught:
        compiled(add, opt)(np.zeros(3), np.zeros(4))
    assert str(caught.value) == "operands could not be broadcast together with shapes (3,) (4,) "
    with pytest.raises(ValueError, match=r"^could not broadcast input array from shape \(5,\) into shape \(6,\)$"):
        compiled(assign_middle, opt)(np.zeros(8), np.zeros(5))


# ===================================================================== ufunc out=
def exp_into(a, out):
    return np.exp(a, out=out)


def add_into(a, b, out):
    r = np.add(a, b, out=out)
    return r, out


def scale_into_tuple(a, out):
    return np.multiply(a, 2.5, out=(out,))


def exp_in_place(a):
    np.exp(a, out=a)
    return a


def add_shifted_in_place(a):
    np.add(a[1:], a[:-1], out=a[1:])
    return a


def sqrt_into_column(a, out):
    np.sqrt(a, out=out[:, 1])
    return out


OUT_CASES = [
    ("", exp_into, data("float64", (2, 3)), data("float64", (2, 3), seed=1)),
    ("into float32", exp_into, data("float64", 4), data("float32", 4)),
    ("broadcast into", exp_into, data("float64", 3), data("float64", (2, 3))),
    ("F", exp_into, fortran(data("float64", (3, 2))), data("float64", (3, 2))),
    ("int8 loop into float64", add_into, data("int8", 3), data("int8", 3, seed=1), data("float64", 3)),
    ("", scale_into_tuple, data("int32", 4), data("float64", 4)),
    ("", exp_in_place, data("float64", 5)), ("", add_shifted_in_place, data("int64", 8)),
    ("", sqrt_into_column, data("float64", 3), data("float64", (3, 2))),
    ("(2,3) into (3,)", exp_into, data("float64", (2, 3)), data("float64", 3)),
    ("(1,3) into (3,)", exp_into, data("float64", (1, 3)), data("float64", 3)),
    ("(2,3) into (1,3)", exp_into, data("float64", (2, 3)), data("float64", (1, 3))),
    ("(4,) into (3,)", exp_into, data("float64", 4), data("float64", 3)),
]


@opt_levels
@pytest.mark.parametrize("kernel, args", params(OUT_CASES))
def test_ufunc_out(kernel, args, opt):
    """``out=``: cast to its dtype, inputs broadcast into it, overlap read first, ``out``
    returned; shapes that do not fit: NumPy's ValueError and message."""
    check(kernel, opt, *args, ulps=1)


def exp_of_scalar_out_none(x):
    return np.exp(x, out=None)


def exp_of_scalar_where(x):
    return np.exp(x, where=True)


def test_ufunc_of_scalars_with_keywords():
    """``out=None`` is the default; other keywords are refused by name, not a TypeError of ours."""
    assert compile(exp_of_scalar_out_none)(1.5) == np.exp(1.5)
    with pytest.raises(UnsupportedError, match=r"np.exp\(\) with keyword arguments \(where\) is not supported"):
        compile(exp_of_scalar_where)(1.5)


def test_ufunc_out_of_a_kind_it_cannot_cast_to_or_read_only():
    with pytest.raises(TypingError, match=r"Cannot cast ufunc 'exp' output from dtype\('float64'\) to "
                                          r"dtype\('int64'\) with casting rule 'same_kind'"):
        compile(exp_into)(np.ones(3), np.zeros(3, np.int64))
    frozen = np.zeros(3)
    frozen.flags.writeable = False
    with pytest.raises(TypingError, match="output array is read-only"):
        compile(exp_into)(np.ones(3), frozen)


def bool_minus_bool(a, b):
    return a - b


def bool_minus_scalar(a):
    return a - True


@opt_levels
@pytest.mark.parametrize("kernel, args", [
    pytest.param(bool_minus_bool, (data("bool", 3), data("bool", 3, seed=1)), id="a-b"),
    pytest.param(bool_minus_scalar, (data("bool", 3),), id="a-True"),
    pytest.param(negate, (data("bool", 3),), id="-a"),
])
def test_boolean_subtract(kernel, args, opt):
    """Boolean ``-``: NumPy's TypeError, where the code gets there."""
    with pytest.raises(TypeError):
        kernel(*args)
    with pytest.raises(TypeError, match="boolean"):
        compile(kernel, opt=opt)(*args)


def no_loop_on_a_path(a, b, flag):
    if flag:
        return ((a * b) & True).sum()
    return 0


def test_a_ufunc_without_loop_on_a_path_that_does_not_run_is_no_error():
    a, b = np.arange(3), np.arange(3, dtype=np.uint64)
    assert compile(no_loop_on_a_path)(a, b, False) == 0
    with pytest.raises(TypeError, match="bitwise_and"):
        compile(no_loop_on_a_path)(a, b, True)
