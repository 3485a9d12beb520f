"""Indexing with arrays (``frontend/fancy.py``) against NumPy on the same inputs: boolean masks
of the array's shape and 1-d integer index arrays, read and written."""
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


def rows_and_columns(a, index):
    return a[index, 1:]


def test_other_index_arrays_are_refused():
    with pytest.raises(UnsupportedError, match="mixed with other indices"):
        compile(rows_and_columns)(M, np.array([0]))
    with pytest.raises(UnsupportedError, match="fewer dimensions"):
        compile(masked)(M, np.array([True, False]))
