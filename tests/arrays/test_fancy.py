"""Indexing with arrays (``frontend/fancy.py``) against NumPy on the same inputs: boolean masks
of the array's shape, and integer or boolean index arrays of any shape and number mixed with
slices, integers, ``None`` and ``...``, read and written."""
import numpy as np
import pytest

from compiler import compile
from ir import UnsupportedError
from tests.arrays.support import check_against_numpy as check
from tests.long import long_except


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


def rows_by_table(a, index):
    return a[index, :]


def table_then_integer(a, index):
    return a[index, 3]


def triples(a, i, j, k):
    return a[i, j, k]


def around_an_integer(a, i, k):
    return a[:, i, 1, k]   # adjacent: the broadcast axes where i was


def mask_then_integer(a, mask):
    return a[mask, 1]


def integer_then_mask(a, mask):
    return a[1, mask]


def mask_and_table(a, mask, index):
    return a[mask, index]


def strided_columns(a, index):
    return a[::2, ::-1][:, index]


def put_triples(a, i, j, k, value):
    a[i, j, k] = value
    return a


def bump_triples(a, i, j, k):
    a[i, j, k] += 1
    return a


def put_mask_then_integer(a, mask, value):
    a[mask, 1] = value
    return a


def put_strided_rows(a, index, value):
    a[1::2, ::-1][index] = value
    return a


A4 = np.arange(120.0).reshape(2, 3, 4, 5)
T = np.array([[3, -1], [0, 3], [1, 1]])   # a 2-d index array
J, K = np.array([3, 0, 1]), np.array([4, -1, 0])


@pytest.mark.parametrize("kernel, args", [
    (rows_by_table, (G, T)), (columns, (G, T)), (columns, (A3, T)), (table_then_integer, (G, T)),
    (take, (G, T)), (take, (V, np.array([[0, 1, 2], [2, 1, 0]]).T)), (take, (G, np.zeros((2, 0), np.int64))),
    (pairs, (G, T, np.array([4, 0]))), (pairs, (G, T[:, :1], J)),
    (pairs, (np.asfortranarray(G), T.T % 4, np.asfortranarray(T.T)[:, ::-1])),
    (triples, (A3, np.array([0, 2, 1]), J, K)), (triples, (A3, np.array([[0], [2]]), J, K[:1])),
    (triples, (A3, np.array([[0], [2]])[::-1], np.asfortranarray(T.T % 4), np.array([[1], [2]]))),
    (around_an_integer, (A4, T % 3, np.array([4, 0]))), (split_by_slice, (A3, T)), (last_axis, (A3, T)),
    (new_axis_first, (G, T)), (strided_columns, (G, T)),
    (mask_then_integer, (A3, A3[:, :, 0] > 20)), (mask_then_integer, (A3, np.zeros((3, 4), bool))),
    (masked, (A3, A3[:, :, 0] > 20)), (integer_then_mask, (A3, A3[0] > 7)),
    (mask_and_table, (A3, np.array([True, False, True]), T[:1] % 4)), (mask_and_table, (A3, A3[:, :, 0] > 20, 2)),
    (put, (G, T, 7.0)), (put, (G, T, np.arange(6.0).reshape(3, 2, 1))), (put, (np.zeros(5), J, np.ones((1, 3)))),
    (put, (G, np.array([[0, 1]]), np.ones((1, 1, 2, 5)))), (increment, (G, T)),
    (set_columns, (np.asfortranarray(G), T)),
    (put_triples, (A3, np.array([0, 0]), np.array([1, 1]), np.array([2, 2]), np.array([5.0, 6.0]))),
    (put_triples, (A3, np.array([[0], [2]]), J, K, np.arange(6.0).reshape(2, 3))),
    (bump_triples, (A3, np.array([0, 0, 2]), np.array([1, 1, 3]), np.array([2, 2, -1]))),
    (put_mask_then_integer, (A3, A3[:, :, 0] > 20, 0.5)),
    (put_mask_then_integer, (A3, A3[:, :, 0] > 20, np.arange(7.0))),
    (put_strided_rows, (G, T % 2, -1.0)),
    (put, (M, M > 0, np.array([7.0, 8.0, 9.0]))), (put, (M.T, M.T > 0, np.array([7.0]))),
    (put, (A3, A3[:, :, 0] > 20, np.arange(5.0))),
    # NumPy's errors, and the cases that are none
    (pairs, (G, T, J)), (triples, (A3, J[:2], J, K)), (triples, (A3, np.array([0, 3]), J[:2], K[:2])),
    (triples, (A3, np.array([0, 1]), J[:2], np.array([9, 9]))),
    (triples, (A3, np.array([], np.int64), J[:1], K[:1] + 9)), (triples, (A3, np.zeros((0, 1), np.int64), J + 9, K)),
    (rows_by_table, (G, T + 4)), (table_then_integer, (G, T * 3)),
    (mask_then_integer, (A3, np.ones((3, 3), bool))), (mask_then_integer, (A3, np.ones((2, 4), bool))),
    (triples, (A3, np.array([[0], [5]]), J + 5, K)),
    (put_mask_then_integer, (A3, A3[:, :, 0] > 20, np.arange(5.0))),
    (put, (G, T, np.ones((3, 3)))), (put, (np.zeros(5), J, np.ones((2, 3)))),
    (put, (M, M > 0, np.array([7.0, 8.0]))), (put, (M, M > 0, np.ones((1, 3)))),
    (put_triples, (A3, np.array([0, 9]), J[:2], K[:2], np.array([5.0, 6.0, 7.0]))),
    (put_triples, (A3, np.array([0, 9]), J[:2], K[:2], 1.0)),
], ids=lambda x: getattr(x, "__name__", None) or "")
def test_index_arrays_of_any_shape_and_number(kernel, args):
    """Index arrays of several dimensions, more than two of them, and boolean arrays of several
    axes among other indices (their true elements' positions), read and written: the broadcast
    shape where NumPy puts it, the last of repeated points stays, ``+=`` adds once, NumPy's
    ``IndexError``/``ValueError`` (index arrays that do not broadcast, out of range where the
    broadcast is not empty, masks of another shape, values that do not broadcast)."""
    check(kernel, *args)


@pytest.mark.parametrize("dtype", long_except(["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"],
                                              keep=["int8", "int64", "uint8", "uint64"]))
def test_every_integer_dtype_indexes(dtype):
    """``uint64`` indices too, converted as NumPy converts them (2**64 - 1 is -1)."""
    i, j = np.array([[0], [2]], dtype), np.array([3, 0, 1], dtype)
    for k in (np.array([4], dtype), np.array([-1]).astype(dtype), np.array([5], dtype)):
        check(triples, A3, i, j, k)
        check(put_triples, A3, i, j, k, 2.5)


def zero_d_index(a, i):
    return a[i.reshape(())]


def test_a_0d_index_array_is_refused():
    """NumPy reads a 0-d integer array as the integer it holds, but copies what the integer
    would view: refused rather than read either way."""
    with pytest.raises(UnsupportedError, match="0-d index array"):
        compile(zero_d_index)(G, np.array([1]))


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
