"""Indexing with arrays (``frontend/fancy.py``) against NumPy on the same inputs: boolean masks
of the array's shape, and 1-d integer or boolean index arrays mixed with slices, integers,
``None`` and ``...``, read and written."""
import numpy as np
import pytest

from compiler import compile
from ir import UnsupportedError
from tests.arrays.support import check_against_numpy as check


def positives(a):
    return a[a > 0]


def masked(a, mask):
    return a[mask]


def clear_negatives(a):
    a[a < 0] = 0
    return a


def store_where_positive(a, values):
    a[a > 0] = values
    return a


def take(a, index):
    return a[index]


def put(a, index, value):
    a[index] = value
    return a


def increment(a, index):
    a[index] += 1
    return a


V = np.array([0.5, -1.0, 2.0, -0.0, np.nan])
M = np.array([[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]])


@pytest.mark.parametrize("kernel, args", [
    (positives, (V,)), (positives, (M,)), (positives, (M.T,)), (positives, (np.zeros(0),)),
    (masked, (V, np.array([True, False]))), (masked, (M, M > 0)),
    (clear_negatives, (V,)), (clear_negatives, (M,)), (clear_negatives, (M[:, ::2],)),
    (store_where_positive, (V, np.array([9.0, 8.0]))), (store_where_positive, (V, np.array([7.0]))),
    (store_where_positive, (V, np.array([1.0, 2.0, 3.0]))),
    (take, (V, np.array([3, -1, 0, 0]))), (take, (M, np.array([1, 0, 1], np.int8))), (take, (V, np.array([5]))),
    (take, (V, np.array([-6]))), (take, (V, np.array([], np.int64))), (take, (M, np.array([2], np.uint8))),
    (put, (V, np.array([0, 0, 2]), 5.0)), (put, (V, np.array([1, 2]), np.array([3.0, 4.0]))),
    (put, (M, np.array([1]), 0.0)), (put, (V, np.array([9]), 1.0)), (put, (V, np.array([0, 0]), np.array([1.0, 2.0]))),
    (increment, (V, np.array([0, 0, 1]))),
], ids=lambda x: getattr(x, "__name__", None) or "")
def test_fancy_indexing(kernel, args):
    """New arrays for reads (C order, repeats included); writes in index order (the last of a
    repeated index stays; ``+=`` adds once); NumPy's errors for out-of-range indices, masks of
    another shape and value arrays of another length."""
    check(kernel, *args)


def columns(a, index):
    return a[:, index]


def columns_of_row(a, index):
    return a[1, index]


def rows_then_slice(a, index):
    return a[index, 1:3]


def pairs(a, rows, cols):
    return a[rows, cols]


def middle_axis(a, index):
    return a[:, 1, index]


def split_by_slice(a, index):
    return a[1, :, index]   # the integer and the array are apart: the indexed axis goes first


def last_axis(a, index):
    return a[..., index]


def new_axis_first(a, index):
    return a[None, index]


def set_columns(a, index):
    a[:, index] = 7
    return a


def bump_columns(a, index):
    a[:, index] += 1
    return a


def set_pairs(a, rows, cols):
    a[rows, cols] = np.arange(rows.shape[0]) * 1.5
    return a


def bump_pairs(a, rows, cols):
    a[rows, cols] += 1
    return a


def set_block(a, index):
    a[1:, index] = np.ones(index.shape[0])
    return a


def set_columns_from_column(a, index):
    a[:, index] = np.ones((a.shape[0], 1))
    return a


A3 = np.arange(60.0).reshape(3, 4, 5)
G = np.arange(20.0).reshape(4, 5)
I = np.array([3, -1, 0, 3])
R, C = np.array([0, 2, 3]), np.array([4, 0, 1])


@pytest.mark.parametrize("kernel, args", [
    (columns, (G, I)), (columns, (G.T, np.array([1, 0], np.int8))), (columns_of_row, (G, I)),
    (rows_then_slice, (G, I)), (rows_then_slice, (G, np.array([True, False, True, True]))),
    (pairs, (G, R, C)), (pairs, (G, R[:1], C)), (pairs, (A3, R[:2], C[:2])), (middle_axis, (A3, I)),
    (split_by_slice, (A3, I)), (last_axis, (A3, I)), (new_axis_first, (G, I[:2])), (masked, (M, np.array([True, False]))),
    (set_columns, (G, I)), (bump_columns, (G, I)), (set_pairs, (G, R, C)), (bump_pairs, (G, np.array([0, 0]), np.array([1, 1]))),
    (set_block, (G, I[:3])), (set_columns_from_column, (G, I)),
    # NumPy's errors
    (columns, (G, np.array([5]))), (pairs, (G, R, C[:2])), (rows_then_slice, (G, np.array([True, False, True]))),
    (set_block, (G, I)),
], ids=lambda x: getattr(x, "__name__", None) or "")
def test_index_arrays_mixed_with_other_indices(kernel, args):
    """NumPy's result shapes (the indexed axis where the first index was, or first when an
    integer and an array are apart), broadcasting of index arrays, and NumPy's errors."""
    check(kernel, *args)


def table_rows(a, index):
    return a[index, 1:]


def three_arrays(a, i):
    return a[i, i, i]


def test_other_index_arrays_are_refused():
    with pytest.raises(UnsupportedError, match="more than 1 dimension"):
        compile(table_rows)(M, np.array([[0]]))
    with pytest.raises(UnsupportedError, match="more than two index arrays"):
        compile(three_arrays)(A3, np.array([0]))


def boolean_scalar_index(a, flag):
    return a[1, flag]


def test_a_boolean_scalar_index_is_refused():
    """NumPy reads ``a[1, True]`` as a 0-d mask (a new axis), not as ``a[1, 1]``: refused
    rather than read as an integer (the fuzzer's shrinker found it)."""
    with pytest.raises(UnsupportedError, match="boolean scalar as an index"):
        compile(boolean_scalar_index)(G, True)


def store_minus_three(a, index):
    a[index, 1:] = -3
    return a


@pytest.mark.parametrize("index", [np.array([5]), np.array([True, False, True])], ids=["int", "mask"])
def test_a_stored_value_is_converted_between_numpys_index_checks(index):
    """NumPy checks a boolean array's length before it converts the value (IndexError), and
    an integer index's range after (OverflowError for -3 into uint8): the fuzzer's
    arrays-s24c-7 and arrays-s24f-98."""
    check(store_minus_three, np.zeros((2, 3), np.uint8), index)
