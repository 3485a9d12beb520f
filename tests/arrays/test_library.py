"""NumPy's library functions in compiled code, against NumPy on the same inputs: creation
(``np.linspace``, ``np.eye``, ``np.identity``, ``np.copy``, ``np.diag``, ``np.trace``,
``np.tril``/``np.triu``), joining (``np.concatenate``, ``np.stack``, ``np.hstack``,
``np.vstack``, ``np.column_stack``), and the refusal of the functions not compiled yet.
"""
import numpy as np
import pytest

from compiler import compile
from ir import TypingError, UnsupportedError
from tests.arrays.support import check_against_numpy as check
from tests.long import LONG, grid


def linspace(start, stop, n):
    return np.linspace(start, stop, n)


def linspace_open(n):
    return np.linspace(0, 1, n, endpoint=False)


def linspace_float32(n):
    return np.linspace(np.float32(0.5), 2, n)


@pytest.mark.parametrize("args", [(0.0, 1.0, 7), (1, 10, 10), (-3.5, 1e-320, 5), (0.0, 1.0, 1), (0.0, 1.0, 0),
                                  (2.0, 2.0, 4), (-0.0, 5e-324, 3), (0.0, 1.0, -1), (1e308, -1e308, 5)], ids=str)
def test_linspace_steps_as_numpy(args):
    """NumPy's own steps: ``i * step + start``, the end exact, a step that underflows divided
    first; a negative count is NumPy's ValueError."""
    check(linspace, *args)


def test_linspace_without_endpoint_and_in_float32():
    check(linspace_open, 6)
    check(linspace_float32, 5)


def eye(n, m, k):
    return np.eye(n, m, k)


def identity(n):
    return np.identity(n, dtype=np.int32)


def copy(a):
    return np.copy(a)


def diag(a, k):
    return np.diag(a, k)


def write_to_diagonal(a):
    d = np.diag(a)
    d[0] = 5.0
    return d


def trace(a):
    return np.trace(a), np.trace(a, 1)


def triangles(a):
    return np.tril(a), np.triu(a, 1), np.tril(a, -1)


def test_creation_and_diagonals():
    for args in ((3, 4, 1), (3, 2, -1), (0, 3, 0), (2, 2, 5)):
        check(eye, *args)
    check(identity, 3)
    check(copy, np.arange(5.0)[::2])
    for k in (-2, 0, 1, 4):
        check(diag, np.arange(3.0), k)
        check(diag, np.arange(12).reshape(3, 4), k)
    check(trace, np.arange(12).reshape(3, 4))
    with pytest.raises(TypingError, match="read-only"):   # NumPy's diagonal is a read-only view
        compile(write_to_diagonal)(np.ones((2, 2)))
    check(triangles, np.arange(12.0).reshape(3, 4))


def concatenate(a, b):
    return np.concatenate((a, b))


def concatenate_columns(a, b):
    return np.concatenate([a, b], axis=1)


def concatenate_flat(a, b):
    return np.concatenate((a, b), axis=None)


def stack(a, b):
    return np.stack((a, b)), np.stack((a, b), axis=-1)


def hstack(a, b):
    return np.hstack((a, b))


def vstack(a, b):
    return np.vstack((a, b))


def column_stack(a, b):
    return np.column_stack((a, b))


M, N = np.arange(6.0).reshape(2, 3), np.arange(8, dtype=np.int8).reshape(2, 4)
V, W = np.arange(3.0), np.arange(4, dtype=np.float32)


@pytest.mark.parametrize("kernel, a, b", [
    (concatenate, V, W), (concatenate, M, M), (concatenate, M.T, M[:, :2].T), (concatenate_columns, M, N),
    (concatenate_columns, M, M[:1]), (concatenate_flat, M, N), (stack, V, V), (stack, V, W), (hstack, V, W),
    (hstack, M, N), (vstack, V, V), (vstack, M, V), (vstack, V, W), (column_stack, V, V), (column_stack, M, M),
    (concatenate, np.zeros((0, 3)), M),
], ids=lambda x: getattr(x, "__name__", None) or str(getattr(x, "shape", x)))
def test_joining_arrays(kernel, a, b):
    """NumPy's result dtype and shape; extents that do not agree are its ValueError."""
    check(kernel, a, b)


def joined_with_constants(a):
    return (np.concatenate((np.array([1.5]), a)), np.concatenate(([7], a)), np.stack(([1.0, 2.0, 3.0], a)),
            np.hstack((a, [True])), np.concatenate((a > 0, np.array([True]))))


def test_joining_arrays_with_lists_and_constant_arrays():
    """A list or a NumPy array of constants among the arrays joins as the array NumPy makes of it
    (they were refused as 'zero-dimensional arrays cannot be concatenated')."""
    check(joined_with_constants, V)
    check(joined_with_constants, W)


def crossed(a, b):
    return np.cross(a, b), np.cross(a, b, axisc=0), np.cross(a.T, b.T, axis=0)


_VECTORS = np.random.default_rng(14).standard_normal((4, 3))


@pytest.mark.parametrize("a, b", [
    (_VECTORS, _VECTORS[::-1]), (_VECTORS, _VECTORS[:1]), (_VECTORS.astype(np.float32), np.arange(12).reshape(4, 3)),
    (_VECTORS[:0], _VECTORS[:0]), (_VECTORS[:, :1], _VECTORS[:, :1]),
], ids=["float64", "broadcast", "float32 by int", "empty", "1-element"])
def test_cross_products_of_3_vectors(a, b):
    """np.cross of 3-element vectors (leading axes broadcast, axisa/axisb/axisc/axis), NumPy's
    components in the promoted dtype; other lengths are NumPy's ValueError."""
    check(crossed, a, b)


def test_cross_product_of_2_vectors_is_refused_where_it_runs():
    with pytest.raises(ValueError, match="2-element vectors is not supported in compiled code"):
        compile(crossed)(_VECTORS[:, :2], _VECTORS[:, :2])


def test_numbers_of_dimensions_that_differ_are_numpys_error_when_compiling():
    with pytest.raises(TypingError, match="all the input arrays must have same number of dimensions"):
        compile(concatenate)(M, V)


def nanpercentile(a):
    return np.nanpercentile(a, 50)


def nanmedian(a):
    return np.nanmedian(a)


def rolled(a, shift):
    return np.roll(a, shift)


def rolled_rows(a, shift):
    return np.roll(a, shift, axis=0)


def rolled_columns(a, shift):
    return np.roll(a, shift, axis=-1)


def rolled_past_the_axes(a, shift):
    return np.roll(a, shift, axis=2)


def periodic_laplacian(u):
    return np.roll(u, 1) + np.roll(u, -1) - 2 * u


@pytest.mark.parametrize("kernel", [rolled, rolled_rows, rolled_columns, rolled_past_the_axes])
@pytest.mark.parametrize("a", [V, M, M[:, ::-2], np.asfortranarray(M), V[:0], M > 4], ids=lambda a: str(a.shape))
@pytest.mark.parametrize("shift", [0, 1, -1, 9, -13, np.int32(2)], ids=str)
def test_roll(kernel, a, shift):
    """``np.roll`` along one axis or of the flattened elements, any shift (modulo the extent as
    Python's ``%``, an empty axis rolling nothing), NumPy's ``AxisError`` past the axes."""
    check(kernel, a, shift)


def taken(a, indices):
    return np.take(a, indices)


def taken_columns(a, indices):
    return np.take(a, indices, axis=1)


def taken_rows(a, indices):
    return a.take(indices, axis=0)


def taken_from_a_list(a):
    return np.take(a, [0, -1, 2])


@pytest.mark.parametrize("kernel", [taken, taken_columns, taken_rows])
@pytest.mark.parametrize("a", [V, M, M[:, ::-2], np.asfortranarray(M)], ids=lambda a: str(a.shape))
@pytest.mark.parametrize("indices", [3, -1, 10, np.array([0, 2, -1]), np.array([[1, 0]]), np.array([5])], ids=str)
def test_take(kernel, a, indices):
    """``np.take``/``a.take`` of the flattened array or along an axis: what indexing with the
    indices gives (an element for an int), NumPy's ``IndexError`` out of range."""
    check(kernel, a, indices)


@pytest.mark.parametrize("kernel", [taken, taken_columns, taken_rows])
@pytest.mark.parametrize("a", [np.empty((0, 0)), np.empty((0, 3)), np.empty((2, 0)), np.ones((3, 0, 2))],
                         ids=lambda a: str(a.shape))
@pytest.mark.parametrize("indices", [1, 0, np.array([1, 0]), np.array([], dtype=np.int64), np.array([True, False]),
                                     np.array([1.0]), np.array([2], dtype=np.uint32)], ids=str)
def test_take_from_empty_arrays_and_other_index_types(kernel, a, indices):
    """NumPy checks the indices once per position of the axes before ``axis``: none when one of
    them is empty (``np.empty((0, 0)).take([1, 0], axis=1)`` is an empty array); an empty axis
    with a non-empty result is its own ``IndexError``; bool indices are the ints 0 and 1, float
    ones NumPy's ``TypeError``."""
    check(kernel, a, indices)


def test_roll_of_several_axes_is_refused_and_one_is_a_stencil():
    with pytest.raises(UnsupportedError, match="several shifts or axes"):
        compile(rolled)(M, (1, 2))
    check(periodic_laplacian, V)
    check(taken_from_a_list, M)


def lexsort(a, b):
    return np.lexsort((a, b))


def trim_zeros(a):
    return np.trim_zeros(a)


def shape_queries(a):
    return np.ndim(a) + np.size(a) + np.shape(a)[0]


def test_numpy_functions_not_compiled_yet_are_refused_with_their_name():
    """A NumPy function without a compiled form runs while compiling only on constants; given
    run-time values it is refused by name, never an error of NumPy's about something else,
    nor what NumPy computed on the traced values as Python objects (``np.lexsort`` of two
    traced arrays sorted the two objects and gave 0); the shape queries read their shapes."""
    with pytest.raises(UnsupportedError, match=r"np.nanpercentile\(\) of run-time values is not supported"):
        compile(nanpercentile)(V)
    with pytest.raises(UnsupportedError, match=r"np.nanmedian\(\) of run-time values is not supported"):
        compile(nanmedian)(V)
    with pytest.raises(UnsupportedError, match=r"np.lexsort\(\) of run-time values is not supported"):
        compile(lexsort)(V, V)
    assert compile(shape_queries)(M) == shape_queries(M)


def test_numpy_code_that_makes_an_array_of_a_traced_value_is_refused():
    """A traced value refuses to become a NumPy array while compiling: NumPy's Python code
    that starts with ``np.asarray(x)`` held it in a 0-d object array and computed on it as
    one object (``np.trim_zeros`` returned its argument untrimmed, ``np.nan_to_num``
    returned its argument with its NaNs)."""
    with pytest.raises(UnsupportedError, match=r"np.trim_zeros\(\) of run-time values is not supported"):
        compile(trim_zeros)(np.array([0.0, 1.0, 0.0]))


def nan_to_num(a):
    return np.nan_to_num(a)


def nan_to_num_given(a):
    return np.nan_to_num(a, nan=-1.0, posinf=7, neginf=-7)


def nan_to_num_in_place(a):
    b = np.nan_to_num(a, copy=False)
    return b, a


SPECIAL = np.array([[1.0, np.nan, 3.0], [np.inf, -0.0, -np.inf]])


@pytest.mark.parametrize("a", [SPECIAL, SPECIAL[:, ::-1], SPECIAL.T, SPECIAL.astype(np.float32),
                               SPECIAL.astype(np.complex128) * (1 + 1j), SPECIAL[0].astype(np.complex64) * 1j,
                               np.arange(6).reshape(2, 3), np.array([True, False]), np.zeros((0, 2))],
                         ids=lambda a: f"{a.dtype}{a.shape}{a.strides}")
def test_nan_to_num_as_numpy(a):
    """NaN, +inf and -inf replaced (by 0 and the dtype's extremes, or the values given, cast to
    the dtype), in the real and imaginary parts of complex numbers; integers and bools
    unchanged; a new array, or with ``copy=False`` the argument changed in place."""
    check(nan_to_num, a)
    check(nan_to_num_given, a)
    check(nan_to_num_in_place, a)


@pytest.mark.parametrize("x", [float("nan"), np.float32("inf"), -np.inf, 3, np.complex64(complex("nan")), True],
                         ids=repr)
def test_nan_to_num_of_a_number(x):
    got, want = compile(nan_to_num)(x), np.nan_to_num(x)
    assert np.asarray(got).dtype == np.asarray(want).dtype
    np.testing.assert_array_equal(got, want)


TABLE = np.array([1.5, 2.5, 4.0, -1.0])
GRID = np.arange(12.0).reshape(3, 4)


def look_up(i):
    return TABLE[i]


def look_up_grid(i, j):
    return GRID[i, j], GRID[i:, j:].sum()


def with_constant_array(a):
    return np.array([1.0, 2.0, 3.0]) * a, a + TABLE[:3], np.maximum(TABLE[1:], a)


def write_to_table(i):
    TABLE[i] = 0.0


def test_arrays_of_the_module_are_read_where_the_code_runs():
    """A module's NumPy array (a lookup table) is read in place: element reads, slices,
    operators and ufuncs; NumPy's IndexError out of range."""
    for i in (2, -1, 7):
        check(look_up, i)
    check(look_up_grid, 2, 3)
    check(with_constant_array, np.ones(3))
    f = compile(look_up)
    assert f(0) == 1.5
    TABLE[0] = 100.0      # changes to its elements are seen, as CPython sees them
    try:
        assert f(0) == 100.0
    finally:
        TABLE[0] = 1.5


def test_writing_to_an_array_of_the_module_is_refused():
    with pytest.raises(UnsupportedError, match="exists outside the compiled function"):
        compile(write_to_table)(1)


def made_while_compiling(a):
    return np.logspace(0, 2, 3), np.eye(3).T, a, np.hanning(4).astype(np.float32)


def returns_the_table(a):
    return TABLE


def returns_the_table_in_a_tuple(a):
    return a, GRID


def test_an_array_numpy_made_from_constants_is_returned_as_a_new_array_each_call():
    """What NumPy computed while compiling (NumPy's functions of constants) is returned as a
    new array of its values, dtype and memory order, at every call (CPython makes one per call)."""
    check(made_while_compiling, np.ones(2))
    f = compile(made_while_compiling)
    first, second = f(np.ones(2)), f(np.ones(2))
    assert first[0] is not second[0] and first[0].flags.writeable
    assert first[1].flags.f_contiguous and first[3].dtype == np.float32
    first[0][0] = 7.0
    assert second[0][0] == 1.0


@pytest.mark.parametrize("kernel", [returns_the_table, returns_the_table_in_a_tuple])
def test_returning_an_array_of_the_module_is_refused(kernel):
    """CPython returns the module's array itself: compiled code says to return a copy or pass it in."""
    with pytest.raises(TypingError, match="an array of the process itself .* return a copy"):
        compile(kernel)(np.ones(2))


def search(a, v):
    return np.searchsorted(a, v), np.searchsorted(a, v, side="right")


def digitize(x, bins):
    return np.digitize(x, bins), np.digitize(x, bins, right=True)


def count(x):
    return np.bincount(x)


def weigh(x, w):
    return np.bincount(x, weights=w, minlength=6)


SORTED = np.array([0.0, 1.0, 1.0, 2.5, np.nan])


@pytest.mark.parametrize("kernel, args", [
    (search, (SORTED, 1.0)), (search, (SORTED, np.array([1.0, -1.0, 9.0, np.nan, 2.0]))),
    (search, (np.array([3, 1, 2, 0]), np.array([2, 0]))), (search, (np.arange(5), 2.5)),
    (search, (np.zeros(0), np.array([1.0]))), (search, (np.array([0.1], np.float32), 0.1)),
    (search, (np.array([1, 100], np.int8), 300)), (search, (np.array([1, 100], np.int8), -300)),
    (digitize, (np.array([0.2, 6.4, 3.0, 1.6, 10.0]), np.array([0.0, 1.0, 2.5, 4.0, 10.0]))),
    (digitize, (np.array([0.2, 6.4, 3.0]), np.array([10.0, 4.0, 2.5, 1.0, 0.0]))),
    (digitize, (np.array([1.0]), np.array([1.0, 0.0, 2.0]))), (digitize, (np.array([1.0]), np.array([2.0, 2.0]))),
    (count, (np.array([0, 1, 1, 3, 2, 1, 7]),)), (count, (np.array([], np.int64),)), (count, (np.array([-1, 2]),)),
    (count, (np.array([True, False, True]),)), (count, (np.random.default_rng(3).integers(0, 50, 1003),)),
    (count, (np.array([5000, 3, 5000, 1, 0]),)),   # more counts than count_into takes in four rows
    (weigh, (np.array([0, 1, 1, 2]), np.array([0.3, 0.5, 0.2, 0.1]))),
    (weigh, (np.array([0, 1]), np.array([0.3]))),
], ids=lambda x: getattr(x, "__name__", None) or "")
def test_searching_and_counting(kernel, args):
    """NumPy's binary search (also on an unsorted array), NaN last; digitize's monotonic check;
    bincount's lengths, weights in order and errors."""
    check(kernel, *args)


def digitize_by_constants(x):
    return np.digitize(x, np.array([0.2, 0.5])), np.digitize(x, [0.5, 0.2], right=True)


def search_a_list(x):
    return np.searchsorted([0.2, 0.5], x), np.bincount((0, 2, 2))


def test_bins_and_sorted_arrays_may_be_lists_or_constant_arrays():
    """As NumPy's ``asarray`` makes them (they were refused as "not a 1-d array")."""
    x = np.array([0.1, 0.2, 0.3, 0.5, 0.9])
    check(digitize_by_constants, x)
    check(search_a_list, x)


def test_bins_of_another_shape_are_refused_saying_what_they_are():
    with pytest.raises(UnsupportedError, match=r"np.digitize\(\) takes a 1-d array there .*, not a 2-d array"):
        compile(lambda x: np.digitize(x, np.ones((2, 2))))(np.ones(3))
    with pytest.raises(UnsupportedError, match="not a value of type f64"):
        compile(lambda x: np.digitize(x, 3.0))(np.ones(3))


def polynomial(p, x):
    return np.polyval(p, x)


def polynomial_of_constants(x):
    return (np.polyval([1.5, -2.0, 0.25], x), np.polyval((2, -1), x), np.polyval(np.array([0.5]), x),
            np.polyval([x[0], 1.0], x))


@pytest.mark.parametrize("kernel, args", [
    (polynomial, (np.array([1.5, -2.0, 0.25]), np.array([0.5, -3.0, np.inf, -np.inf, np.nan, -0.0, 1e300]))),
    (polynomial, (np.array([1.5, -2.0]), np.arange(12.0).reshape(3, 4).T)),
    (polynomial, (np.array([3, -1, 2]), np.arange(-3, 4))), (polynomial, (np.array([2 ** 62, 3]), np.array([4, -4]))),
    (polynomial, (np.array([100, 3], np.int8), np.array([4, -4, 5], np.int8))),
    (polynomial, (np.array([0.5, 2.0], np.float32), np.array([0.1, 3.0], np.float32))),
    (polynomial, (np.array([3, -1]), np.array([0.5, 2.0]))), (polynomial, (np.zeros(0), np.array([1.5, 2.0]))),
    (polynomial, (np.array([1.5, -2.0]), 2.5)), (polynomial, (np.array([1 + 2j, 3.0]), np.array([1j, 2.0]))),
    (polynomial_of_constants, (np.array([0.5, -3.0, np.inf]),)),
    (polynomial_of_constants, (np.arange(-2, 3),)), (polynomial_of_constants, (np.array([0.5, 7.0], np.float32),)),
], ids=lambda x: getattr(x, "__name__", None) or "")
def test_polyval_is_numpys_loop_element_by_element(kernel, args):
    """``y = zeros_like(x)``, then ``y = y * x + pv`` for each coefficient: the same bits,
    dtypes (the first step in x's dtype) and wrapping of ints."""
    with np.errstate(all="ignore"):
        check(kernel, *args)


def test_polyval_refuses_what_it_cannot_do_as_numpy():
    with pytest.raises(UnsupportedError, match="their number known only at run time.*x.astype"):
        compile(polynomial)(np.array([1.5, 2.0]), np.arange(3))
    with pytest.raises(UnsupportedError, match="of bools"):
        compile(polynomial)(np.array([1.5, 2.0]), np.ones(3, bool))
    with pytest.raises(UnsupportedError, match="not a 2-d array"):
        compile(polynomial)(np.ones((2, 2)), np.ones(3))


def clipped(x, lo, hi):
    return np.clip(x, lo, hi), x.clip(lo), x.clip(max=hi)


@pytest.mark.parametrize("lo, hi", [(0.0, 1.0), (-0.0, 1.0), (-1.0, -0.0), (np.nan, 1.0), (0.0, np.nan), (1.0, 0.0)])
def test_clip_keeps_an_element_equal_to_a_bound_and_propagates_nan_bounds(lo, hi):
    """NumPy's clip replaces only elements beyond a bound: ``clip(-0.0, 0.0, 1.0)`` is -0.0
    (``np.maximum`` gives 0.0); a NaN bound makes every element NaN."""
    check(clipped, np.array([-0.0, 0.0, 0.5, np.nan, 2.0, -1.0]), lo, hi)


def scalar_methods(a, b):
    x, k = a[0], b[0]
    return (x.sum(), x.prod(), x.min(), x.max(), x.mean(), x.std(), x.var(ddof=0), x.argmax(), x.any(), x.all(),
            x.astype(np.float32), x.round(), x.clip(0.0, 1.0), k.sum(), k.prod(), k.mean(), k.astype(np.float64),
            x.shape, x.ndim, x.size, x.itemsize, x.nbytes, k.dtype == np.int8, np.trapezoid(a).sum(axis=None))


@pytest.mark.parametrize("x", [2.5, -0.0, np.nan, -3.75])
def test_numpy_scalars_have_the_array_methods_of_their_0d_array(x):
    """``a[0].sum()``, ``.astype()``, ``.shape``...: NumPy's scalar methods are those of a 0-d
    array (a small int's sum in int64, a float's mean a float64)."""
    check(scalar_methods, np.array([x, 1.0]), np.array([100, 7], np.int8))


def test_a_scalar_reduction_takes_no_axis_and_a_python_number_has_none():
    with pytest.raises(UnsupportedError, match=r"sum\(\) of a NumPy scalar takes no axis"):
        compile(lambda a: a[0].sum(axis=0))(np.ones(2))
    with pytest.raises(TypingError, match="no attribute 'sum'"):
        compile(lambda a: (a[0] + 1.0).item().sum())(np.ones(2))


def test_a_scalar_method_given_wrong_arguments_is_named_in_the_error():
    with pytest.raises(UnsupportedError, match=r"f64\.astype\(\) is not supported with these arguments"):
        compile(lambda a: a[0].astype())(np.ones(2))


def differences(a):
    return np.diff(a), np.diff(a, 0)


def differences_twice(a):
    return np.diff(a, 2, axis=0)


def rounded(a):
    return np.round(a, 2), np.around(a), a.round(1), np.round(a, -1)


def all_close(a, b):
    return np.allclose(a, b)


def ignoring_nan(a):
    return np.nansum(a), np.nanprod(a), np.nanmean(a), np.nanmin(a), np.nanmax(a)


SPECIAL = np.array([0.125, -2.675, np.nan, 1e300, -0.0, 2.5, 3.5])
with np.errstate(over="ignore"):
    SPECIAL32 = SPECIAL.astype(np.float32)   # 1e300 is inf


@pytest.mark.parametrize("kernel, args", [
    (differences, (SPECIAL,)), (differences, (np.array([True, False, False, True]),)),
    (differences, (np.array([1, 5, 2], np.uint8),)), (differences_twice, (np.arange(12.0).reshape(4, 3) ** 2,)),
    (rounded, (SPECIAL,)), (rounded, (SPECIAL32,)), (rounded, (np.arange(-3, 3) * 7.5,)),
    (all_close, (SPECIAL, SPECIAL)), (all_close, (np.ones(3), np.ones(3) + 1e-9)), (all_close, (np.ones(3), 1.001)),
    (ignoring_nan, (SPECIAL,)), (ignoring_nan, (np.array([np.nan, np.nan]),)), (ignoring_nan, (np.arange(5),)),
    (ignoring_nan, (np.array([]),)), (ignoring_nan, (SPECIAL32,)),
], ids=lambda x: getattr(x, "__name__", None) or "")
def test_differences_rounding_and_nan_reductions(kernel, args):
    """np.diff (!= of bools), np.round NumPy's way (rint of a scaled value: 2.675 -> 2.67 as
    NumPy), np.allclose, and the NaN-ignoring reductions (pairwise sums, fmin/fmax)."""
    check(kernel, *args)


def sort_stable(a):
    return np.sort(a, kind="stable"), np.argsort(a, kind="stable"), np.sort(a, axis=None, kind="mergesort")


def sort_ints(a):
    return np.sort(a)


def sort_in_place(a):
    a.sort(kind="stable")
    return a


ZEROS_AND_NANS = np.array([3.0, -0.0, np.nan, 0.0, 1.0, -np.inf, np.nan, 0.0, -0.0, 2.0])


@pytest.mark.parametrize("kernel, a", [
    (sort_stable, ZEROS_AND_NANS), (sort_stable, np.random.default_rng(3).integers(0, 5, 300)),
    (sort_stable, np.zeros(0)), (sort_stable, np.array([True, False, True])), (sort_ints, np.array([3, 1, 2, 1, 0])),
    (sort_in_place, ZEROS_AND_NANS), (sort_in_place, np.arange(10.0)[::-2]),
], ids=lambda x: getattr(x, "__name__", None) or str(getattr(x, "dtype", "")))
def test_sorting_is_numpys_stable_order(kernel, a):
    """Equal elements in input order (-0.0 and 0.0 too), NaN last, as NumPy's stable sort."""
    check(kernel, a)


def sort_every_way(a):
    b = a.copy()
    b.sort()
    return np.sort(a), np.sort(a, kind="stable"), b, np.unique(a)


def special_floats(seed: int, n: int, dtype) -> np.ndarray:
    """``n`` floats drawn from signed zeros, NaNs of both signs, infinities, subnormals and
    ordinary values (some arrays strided)."""
    rng = np.random.default_rng(seed)
    pool = np.array([0.0, -0.0, np.nan, -np.nan, 1.5, -1.5, np.inf, -np.inf, 5e-324, -5e-324, 1e30, -2.0])
    a = np.concatenate([rng.choice(pool, n), rng.standard_normal(n)])[rng.permutation(2 * n)]
    return a.astype(dtype)[:: 1 + seed % 3]


@pytest.mark.parametrize("seed, n, dtype", grid([(0, 0), (1, 1), (2, 7), (3, 40), (4, 300), (5, 5000), (6, 3)],
                                               [np.float64, np.float32], col_ids=lambda d: d.__name__))
def test_float_sorts_are_numpys_bit_for_bit(seed, n, dtype):
    """Floats by their bits (radix), NaN last: the stable sort keeps equal elements (-0.0 and
    0.0, NaNs) in input order; the default sort (np.sort, a.sort(), np.unique) gives NumPy's
    bits, NumPy's SIMD sort's own order of -0.0 beside 0.0 (NumPy itself sorts those arrays
    at run time) and its NaNs."""
    a = special_floats(seed, n, dtype)
    with np.errstate(invalid="ignore"):
        got, want = compile(sort_every_way)(a.copy()), sort_every_way(a.copy())
    assert [x.tobytes() for x in got] == [x.tobytes() for x in want]


@pytest.mark.parametrize("a", [np.array([0.0, -0.0, 1.0]), np.array([-0.0, -0.0, np.nan, 2.0]),
                               np.array([np.nan, -np.nan, 1.0], np.float32), np.array([-np.nan, 0.0]),
                               np.array([-np.nan]), np.array([-np.nan], np.float32)],
                         ids=["mixed-zeros", "negative-zeros", "mixed-nans", "negative-nan", "one-negative-nan",
                              "one-negative-nan-float32"])
def test_float_sorts_of_zeros_and_nans(a):
    """(NumPy does not sort one element: a lone NaN keeps its sign; from the fuzzer, arrays-s8-73.)"""
    got, want = compile(sort_every_way)(a.copy()), sort_every_way(a.copy())
    assert [x.tobytes() for x in got] == [x.tobytes() for x in want]


def argsorts(a):
    return np.argsort(a), np.argsort(a, kind="stable"), np.unique(a, return_index=True, return_inverse=True)


@pytest.mark.parametrize("a", [
    special_floats(7, 30, np.float64), special_floats(8, 30, np.float32), special_floats(9, 3000, np.float64),
    np.random.default_rng(10).permutation(500).astype(np.float32), np.random.default_rng(11).permutation(40),
    np.random.default_rng(12).integers(-3, 3, 50).astype(np.int8), np.array([True, False, True]),
    np.array([2 ** 64 - 1, 0, 5, 5], np.uint64), np.zeros(0),
], ids=["floats", "float32", "many-floats", "distinct-float32", "distinct-ints", "int8-ties", "bools", "uint64",
        "empty"])
def test_argsorts_are_numpys(a):
    """Stable: a radix sort carrying the indices (uint64: the merge sort); the default kind:
    the same where no elements are equal, else NumPy's argsort at run time."""
    got, want = compile(argsorts)(a), argsorts(a)
    assert [x.tobytes() for x in (*got[:2], *got[2])] == [x.tobytes() for x in (*want[:2], *want[2])]


def test_complex_sorts_are_refused():
    with pytest.raises(UnsupportedError, match="complex arrays"):
        compile(argsorts)(np.array([1j, 2.0]))


def distinct(a):
    return np.unique(a), np.unique(a, return_counts=True)


def distinct_floats(a):
    return np.unique(a)


@pytest.mark.parametrize("a", [np.array([3, 1, 2, 1, 0, 3]), np.array([3, 1, 2, 1, 0, 3], np.int8),
                               np.array([], np.int64), np.array([True, False, True]), np.arange(6).reshape(2, 3) % 2],
                         ids=lambda a: f"{a.dtype}-{a.shape}")
def test_unique_of_integers_and_bools(a):
    check(distinct, a)


@pytest.mark.parametrize("a", [
    np.random.default_rng(4).integers(-128, 128, 1000).astype(np.int8),          # counted in a table
    np.random.default_rng(5).integers(0, 2 ** 32, 300, dtype=np.uint32),         # radix-sorted: a wide range
    np.array([-2 ** 63, 2 ** 63 - 1, 0, -2 ** 63]),                             # a range beyond int64's
    np.array([7, 7, 7], np.uint16), np.array([], np.int32),
], ids=["dense", "sparse", "int64-extremes", "one-value", "empty"])
def test_unique_of_integers_counted_or_sorted(a):
    check(distinct, a)


def distinct_all(a):
    values, index, inverse, counts = np.unique(a, return_index=True, return_inverse=True, return_counts=True)
    again, inverse_only = np.unique(a, return_inverse=True)
    return values, index, inverse, counts, again, inverse_only


def distinct_nans(a):
    values, index, counts = np.unique(a, equal_nan=False, return_index=True, return_counts=True)
    return values, index, counts, np.unique(a, equal_nan=False)


def distinct_index(a):
    return np.unique(a, return_index=True)


FLOATS_WITH_NANS = np.array([[3.0, np.nan, 1.0, -np.inf], [np.nan, 1.0, 2.0, 3.0]])


# (the 2-d float64 array under ``-m long``: the float32 transpose and the 1-d float64 NaNs cover it)
@pytest.mark.parametrize("a", [pytest.param(FLOATS_WITH_NANS, marks=LONG), FLOATS_WITH_NANS.astype(np.float32).T,
                               np.array([np.nan, np.nan]),
                               np.zeros((0, 2)), pytest.param(np.array([2, 7, 2, 0, 7], np.uint16), marks=LONG),
                               np.array([True, False, True])],
                         ids=lambda a: f"{a.dtype}-{a.shape}")
def test_unique_of_floats_with_indices_inverse_and_counts(a):
    """NaNs collapse to one, last (NumPy 2's equal_nan=True), or stay apart; the first
    occurrence's index, the inverse in the input's shape, the counts, as NumPy."""
    check(distinct, a)
    check(distinct_all, a)
    check(distinct_nans, a)


def test_unique_keeps_the_first_zero_as_numpys_stable_order():
    """With return_index NumPy sorts stably too: the first of -0.0 and 0.0 in the input is kept."""
    check(distinct_index, np.array([0.0, -0.0, 1.0, -0.0]))
    check(distinct_index, np.array([-0.0, 0.0]))


def unique_unsorted(a):
    return np.unique(a, sorted=False)


def test_unique_refusals():
    with pytest.raises(UnsupportedError, match="sorted=False"):
        compile(unique_unsorted)(np.array([0.0, 1.0]))
    with pytest.raises(UnsupportedError, match="complex"):
        compile(distinct_floats)(np.array([1j]))


def histogram(a, bins):
    return np.histogram(a, bins)


def histogram_in_range(a):
    return np.histogram(a, 5, range=(-1.0, 1.0))


@pytest.mark.parametrize("kernel, args", [
    (histogram, (np.random.default_rng(4).standard_normal(1000), 10)), (histogram, (np.array([2.0, 2.0]), 3)),
    (histogram, (np.zeros(0), 4)), (histogram, (np.array([1.0, np.nan]), 3)), (histogram, (np.arange(10), 3)),
    (histogram, (np.array([0.0, 1e-300]), 5)), (histogram, (np.array([0.0, 1.0]), 0)),
    (histogram, (np.linspace(0, 1, 11), 10)), (histogram_in_range, (np.random.default_rng(5).standard_normal(200),)),
    (histogram, (np.random.default_rng(6).standard_normal(1203), 7)),   # chunks of bins, a remainder of 3
    (histogram_in_range, (np.random.default_rng(7).standard_normal(1027) * 2.0,)),   # many outside the range
    (histogram_in_range, (np.array([-1.0, 1.0, 0.2, 7.0]),)),
    (histogram, (np.array([0.0, -0.0, np.inf]), 5)), (histogram, (np.array([-0.0, 0.0, np.inf]), 5)),
    (histogram, (np.array([0.0, -0.0, 3.0, -0.0, 0.0, 1.0, -0.0, 0.0, 0.0, np.inf] * 3), 5)),   # which zero NumPy's min keeps
], ids=lambda x: getattr(x, "__name__", None) or "")
def test_histogram_is_numpys(kernel, args):
    """NumPy's edges (linspace of the range) and its bin of every element, edge cases included;
    its errors for a range that is not finite and a count of bins below 1."""
    check(kernel, *args)


def _on_and_beside_edges(first, last, bins):
    edges = np.linspace(first, last, bins + 1)
    return np.concatenate([edges, np.nextafter(edges, np.inf), np.nextafter(edges, -np.inf)])


@pytest.mark.parametrize("a, bins", [
    (_on_and_beside_edges(-1.3, 2.9, 7), 7), pytest.param(_on_and_beside_edges(0.1, 0.7, 97), 97, marks=LONG),
    (_on_and_beside_edges(-3.0, 3.0, 12345), 12345),
    (1e16 + np.random.default_rng(6).integers(0, 64, 300).astype(float), 50),   # edges rounded by more than a bin
    (np.array([1.0000000000000025e-300, 1.0000000000000158e-300, 1.0000000000000043e-300]), 15),   # bins / width: inf
    (np.random.default_rng(7).standard_normal(300) * 1e-310, 7),                 # a subnormal range
    (np.concatenate([np.random.default_rng(8).standard_normal(50) * 1e300, [1.7e308, -1.7e308]]), 5),
], ids=["on-edges-7", "on-edges-97", "on-edges-12345", "edges-coarser-than-bins", "scale-overflows",
                               "subnormal", "overflowing"])
def test_histogram_bins_where_the_first_guess_is_close(a, bins):
    """Values on every edge and one step beside it, edges that rounding moves by more than a
    bin, ranges whose ``bins / width`` overflows: the bin NumPy's division would guess is the
    one compiled code starts from, with or without weights."""
    check(histogram, a, bins)
    check(histogram_weighted, a, bins, np.linspace(-1.0, 1.0, a.size))


def test_histogram_estimates_where_rounding_of_the_edges_matters():
    """Data far from zero for their spread (the edges rounded by up to a bin), many bins and
    few, values on the edges and beside them: compiled code's estimated bins (vector code,
    ``searching.estimated_bins``) and its exact path agree with NumPy's bins."""
    rng = np.random.default_rng(11)
    for offset in (0.0, 1e3, 1e6, 1e9, 1e12, 1e15):
        for bins in (1, 7, 50, 1000):
            spread = rng.standard_normal(2000) * rng.choice([1e-3, 1.0, 40.0])
            a = offset + spread
            edges = np.linspace(a.min(), a.max(), bins + 1)
            inner = edges[1:-1]
            beside = np.concatenate([a, inner, np.nextafter(inner, np.inf), np.nextafter(inner, -np.inf)])
            check(histogram, a, bins)
            check(histogram, rng.permutation(beside), bins)
            check(histogram_in_range, a - offset)


def histogram_of_many_bins(a):
    return np.histogram(a, 5000)


def test_histogram_of_more_bins_than_rows_of_counts_hold():
    """Above ``pyarray.ROWS_UP_TO`` bins each bin is counted as it is found: NumPy's counts."""
    a = np.random.default_rng(12).standard_normal(20000)
    check(histogram_of_many_bins, a)
    check(histogram, a, True)   # bins=True is one bin, as operator.index makes it


def histogram_of_a_float_count(a):
    return np.histogram(a, 2.5)


def histogram_estimated(a):
    return np.histogram(a, "auto")


def test_histogram_bins_of_other_types():
    """A float number of bins is NumPy's TypeError; a bin estimator ("auto") is refused."""
    with pytest.raises(TypingError, match="TypeError: `bins` must be an integer, a string, or an array"):
        compile(histogram_of_a_float_count)(np.ones(3))
    with pytest.raises(UnsupportedError, match="bin estimator"):
        compile(histogram_estimated)(np.ones(3))


def set_routines(a, b):
    return (np.isin(a, b), np.isin(a, b, invert=True), np.isin(a, [1, 2.5]), np.intersect1d(a, b), np.union1d(a, b),
            np.setdiff1d(a, b), np.setxor1d(a, b), np.intersect1d(a, b, assume_unique=True),
            np.setxor1d(a, b, assume_unique=True))


def set_routines_of_a_number(a, k):
    return np.isin(a, k), np.intersect1d(a, k), np.union1d(k, a), np.setdiff1d(a, 2.5), np.setxor1d(k, a)


def trusted_uniqueness(a, b):
    return np.isin(a, b, assume_unique=True)


_SET_FLOATS = np.array([[1.0, -0.0, np.nan, 2.5], [3.0, 1.0, 0.0, np.nan]])
_SET_INTS = np.random.default_rng(13).integers(-5, 5, 20)


@pytest.mark.parametrize("a, b", [
    (_SET_FLOATS, np.array([0.0, 1.0, np.nan, 7.0, 2.5, 2.5])), (_SET_INTS, _SET_INTS[:7].astype(np.int8)),
    (_SET_INTS[:7].astype(np.int8), _SET_INTS), (_SET_INTS[:0], _SET_INTS), (_SET_FLOATS, _SET_FLOATS[::-1]),
    (_SET_INTS, np.array([0.0, 1.5, np.nan])),
], ids=["floats", "ints", "int8", "empty", "same", "mixed"])
def test_set_routines_are_numpys(a, b):
    """np.isin (of element's shape; NaN a member of nothing, -0.0 of what holds 0.0),
    np.intersect1d (the zero NumPy's sort puts first), np.union1d, np.setdiff1d and np.setxor1d
    (one NaN of each operand's np.unique), with NumPy's dtypes, assume_unique as NumPy reads it."""
    check(set_routines, a, b)


@pytest.mark.parametrize("k", [2, 2.5, np.int8(-5)])
def test_set_routines_of_a_number(k):
    """A number is the array of one NumPy makes of it (an isin element of a number, NumPy's
    0-d result, is refused)."""
    check(set_routines_of_a_number, _SET_INTS, k)


def test_isin_refuses_trusted_uniqueness():
    with pytest.raises(UnsupportedError, match="assume_unique=True"):
        compile(trusted_uniqueness)(_SET_INTS, _SET_INTS)


def from_numbers(x, y):
    return np.array([x, y, 1.0]), np.asarray([x, 2]), np.array([[x, 1], [2, x]]), np.array([x, y], dtype=np.float32)


def from_arrays(a, b):
    return np.array([a, b]), np.asarray(a), np.array(a)


def with_constants(x):
    return np.array([1.0, 2.0]) * x, np.array(0.5) + x, np.array([np.float32(1), x])


@pytest.mark.parametrize("kernel, args", [
    (from_numbers, (1.5, 2)), (from_numbers, (3, True)), (from_numbers, (np.float32(0.5), np.int8(3))),
    (from_arrays, (np.ones(2), np.zeros(2))), (from_arrays, (np.ones(2), np.zeros(3))), (with_constants, (2.0,)),
], ids=lambda x: getattr(x, "__name__", None) or "")
def test_arrays_from_lists_of_values(kernel, args):
    """np.array / np.asarray of lists of run-time numbers (NumPy's dtype: Python numbers as int64,
    float64), of arrays of one shape (stacked), and constant arrays meeting run-time values."""
    check(kernel, *args)


def repeated(a, n):
    return np.repeat(a, n), np.tile(a.ravel(), n)


def grids(x, y):
    return np.meshgrid(x, y) + np.meshgrid(x, y, indexing="ij")


def where_nonzero(a):
    return np.flatnonzero(a), np.nonzero(a.ravel())[0], np.argwhere(a.ravel())


@pytest.mark.parametrize("kernel, args", [
    (repeated, (np.array([1.0, 2.0, 3.0]), 2)), (repeated, (np.arange(4).reshape(2, 2), 3)),
    (repeated, (np.array([1.0]), 0)), (repeated, (np.array([1.0]), -1)),
    (grids, (np.array([1.0, 2.0, 3.0]), np.arange(2))), (grids, (np.zeros(0), np.arange(2))),
    (where_nonzero, (np.array([0, 3, 0, 1]),)), (where_nonzero, (np.array([[0.0, np.nan], [-0.0, 2.0]]),)),
], ids=lambda x: getattr(x, "__name__", None) or "")
def test_repeating_grids_and_positions(kernel, args):
    check(kernel, *args)


def shares(a):
    b = np.asarray(a)
    b[0] = 7.0
    c = np.array(a)
    c[1] = 8.0
    return a


def no_copy_allowed(a):
    return np.array(a, dtype=np.float32, copy=False)


def test_copies_as_numpy_2():
    """np.asarray of an array is the array; np.array copies; copy=False where a copy is needed
    is NumPy's error (when compiling)."""
    check(shares, np.ones(3))
    with pytest.raises(TypingError, match="Unable to avoid copy"):
        compile(no_copy_allowed)(np.ones(3))


def tiled(a, n):
    return np.tile(a, n)


def test_a_float_count_of_tile_is_numpys_type_error_when_compiling():
    with pytest.raises(TypingError, match="cannot be interpreted as an integer"):
        compile(tiled)(np.ones(2), 2.5)


def histogram_edges(a, edges):
    return np.histogram(a, edges)


def histogram_density(a, edges):
    counts, _ = np.histogram(a, edges, density=True)
    uniform, _ = np.histogram(a, 4, density=True)
    return counts, uniform


def histogram_listed_edges(a):
    return np.histogram(a, [0, 1, 2.5, 4])


def test_histogram_with_edges_and_density():
    """Counts from NumPy's searchsorted of the sorted data (the last bin closed, NaN counted
    nowhere), its errors for edges that decrease or are not 1-d; density=True as NumPy divides."""
    rng = np.random.default_rng(6)
    data = np.concatenate([rng.standard_normal(300), [np.nan, 1.0, -1.0, 3.0]])
    edges = np.array([-3.0, -1.0, 0.0, 0.5, 1.0, 3.0])
    for a, e in ((data, edges), (data, np.array([-1.0, -1.0, 1.0])), (np.zeros(0), edges), (np.arange(10), edges),
                 (np.arange(10, dtype=np.int8), np.array([0, 3, 9])), (data, np.array([1.0, 0.0])),
                 (data, np.array([0.0, np.nan, 1.0])), (data, np.ones((2, 2))), (np.array([True, False]), edges)):
        check(histogram_edges, a, e)
    check(histogram_density, data[np.isfinite(data)], edges)
    check(histogram_listed_edges, np.arange(6.0))


def histogram_weighted(a, bins, w):
    return np.histogram(a, bins, weights=w)


def histogram_weighted_density(a, bins, w):
    return np.histogram(a, bins, weights=w, density=True)


def histogram_weighted_in_range(a, w):
    return np.histogram(a, 4, range=(-1.0, 1.0), weights=w)


WEIGHTED_DATA = np.random.default_rng(7).standard_normal(301)
WEIGHTS = {"f64": np.random.default_rng(8).standard_normal(301),
           "f32": np.random.default_rng(9).standard_normal(301).astype(np.float32),
           "c128": np.random.default_rng(10).standard_normal(301) * (1 - 2j),
           "c64": (np.random.default_rng(11).standard_normal(301) + 1j).astype(np.complex64),
           "int8": np.arange(301, dtype=np.int8), "uint16": np.arange(301, dtype=np.uint16) * 300,
           "int64": np.arange(301) - 150, "uint64": np.arange(301, dtype=np.uint64)}
WEIGHT_BINS = {"equal": 7, "one": 1, "edges": np.array([-3.0, -1.0, 0.0, 0.5, 1.0, 3.0]),
               "int_edges": np.array([-2, 0, 1, 3]), "one_edge": np.array([0.5]), "no_edges": np.zeros(0)}


@pytest.mark.parametrize("name, bins", grid(sorted(WEIGHTS), sorted(WEIGHT_BINS)))   # each dtype and bins by default
def test_weighted_histogram_is_numpys(name, bins):
    """NumPy's sums of the weights, bit for bit, in its dtype (the weights'): equal bins add per
    bin in float64 as ``np.bincount`` then convert (integers wrap, as int8's); edges add the
    weights cumulatively in the order of the sorted data (distinct data here); density=True
    divides in NumPy's types (complex128 for complex weights)."""
    w, b = WEIGHTS[name], WEIGHT_BINS[bins]
    check(histogram_weighted, WEIGHTED_DATA, b, w)
    complex_total = name.startswith("c") and np.size(b) > 4   # np.sum of complex: see the module's text
    check(histogram_weighted_density, WEIGHTED_DATA, b, w, exact=not complex_total)


@pytest.mark.parametrize("a, w", [   # (2-d C and complex weights by default: in the F and strided cases)
    pytest.param(WEIGHTED_DATA.reshape(7, 43), WEIGHTS["f64"].reshape(7, 43), marks=LONG),
    (np.asfortranarray(WEIGHTED_DATA.reshape(7, 43)), WEIGHTS["f32"].reshape(43, 7).T),
    (WEIGHTED_DATA[::3], WEIGHTS["c128"][::3]),
    pytest.param(WEIGHTED_DATA[::-2], WEIGHTS["int8"][1::2], marks=LONG),   # 151 and 150: NumPy's error, as below
    (np.arange(20) % 7, np.arange(20.0) - 7.5), (np.zeros(0), np.zeros(0, np.float32)),
    (np.array([0.5, np.nan, 0.25]), np.array([1.0, 2.0, 4.0])), (np.full(5, 2.0), np.arange(5.0)),
    pytest.param(np.array([[0.5]]), np.array([[3j]]), marks=LONG),
], ids=lambda x: f"{x.dtype}{x.shape}")
def test_weighted_histogram_layouts_and_edge_cases(a, w):
    """Weights of ``a``'s shape in any layout, raveled in C order as NumPy ravels them; equal data
    (its range widened by 0.5), integer data, empty arrays, NaN (NumPy's ValueError for equal
    bins, counted nowhere with edges).  Equal data with edges: weights whose sums are exact, as
    NumPy's argsort adds the weights of equal values in an order of its own."""
    for bins in (3, np.array([-1.0, 0.0, 0.5, 1.0, 3.0])):
        check(histogram_weighted, a, bins, w)
        check(histogram_weighted_density, a, bins, w)
    check(histogram_weighted_in_range, a, w)


def test_weighted_histogram_of_more_than_one_block():
    """NumPy adds blocks of 65,536 elements: their sums converted to the weights' dtype (float32:
    rounded per block) and added, the cumulative sums of each block's sorted data added at the
    edges; float32 and complex64 sums of the blocks are added as NumPy adds them."""
    rng = np.random.default_rng(12)
    a = rng.standard_normal(150_000)
    edges = np.array([-2.0, -0.5, 0.0, 0.1, 2.5])
    for w in (rng.standard_normal(150_000), rng.random(150_000).astype(np.float32),
              (rng.random(150_000) + 1j * rng.random(150_000)).astype(np.complex64),
              rng.integers(-100, 100, 150_000).astype(np.int8)):
        check(histogram_weighted, a, 5, w)
        check(histogram_weighted, a, edges, w)


def test_weighted_histogram_errors():
    """NumPy's ValueError for weights of another shape (checked first); bool weights refused."""
    for w in (np.ones(4), np.ones((3, 1)), np.ones(3)[:, None]):
        check(histogram_weighted, np.ones(3), 2, w)
    check(histogram_weighted, np.ones((2, 3)), 0, np.ones((3, 2)))
    check(histogram_weighted, np.ones(3), np.array([1.0, 0.0]), np.ones(3))
    check(histogram_weighted, np.ones(3), 0, np.ones(3))
    with pytest.raises(UnsupportedError, match="bool weights"):
        compile(histogram_weighted)(np.ones(3), 2, np.ones(3, bool))
