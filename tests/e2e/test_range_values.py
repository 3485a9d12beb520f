"""Ranges with run-time bounds as values, against CPython: len, in, indexing, reversed,
their attributes; reversed arrays."""
import numpy as np
import pytest

from compiler import compile
from ir import TypingError, UnsupportedError

from .support import assert_same_value, outcome


def range_facts(lo, hi, st, k, x):
    r = range(lo, hi, st)
    s = 0
    for i in reversed(r):
        s = s * 3 + i % 7
    return len(r), s, (x in r), (x not in r), r[k], r.start, r.stop, r.step


def reversed_array(v):
    t = 0.0
    for x in reversed(v):
        t = t * 2 + x
    for i, y in enumerate(reversed(v)):
        t += i * y
    return t


def reversed_tuple(n):
    s = 0
    for i in reversed((1, 2, n)):
        s = s * 10 + i
    return s


def slices_a_range(n):
    return range(n)[1:]


def reverses_enumerate(n):
    return reversed(enumerate(range(n)))


RANGES = [(0, 10, 1), (10, 0, -3), (-5, 5, 4), (3, 3, 1), (2**62, -2**62, -2**61), (-9, 9, 9)]


@pytest.mark.parametrize("lo, hi, st", RANGES)
@pytest.mark.parametrize("k", [0, 1, -1, 5, -9])
def test_range_values_as_cpython(lo, hi, st, k):
    fn = compile(range_facts)
    for x in (0, 3, 4, 10, -5, 2**62):
        want, got = outcome(range_facts, (lo, hi, st, k, x)), outcome(fn, (lo, hi, st, k, x))
        assert want[0] == got[0], (want, got)
        if want[0] == "raised":
            assert type(got[1]) is type(want[1]) and str(got[1]) == str(want[1])
        else:
            assert_same_value(got[1], want[1])


def test_reversed_arrays_and_tuples():
    v = np.array([0.5, 1.0, 4.0, -2.0])
    assert compile(reversed_array)(v) == reversed_array(v)
    assert compile(reversed_tuple)(7) == reversed_tuple(7)


@pytest.mark.parametrize("fn, error, text", [
    (slices_a_range, UnsupportedError, "slicing a range with run-time bounds"),
    (reverses_enumerate, TypingError, "'enumerate' object is not reversible"),
])
def test_refused_with_a_reason(fn, error, text):
    with pytest.raises(error, match=text):
        compile(fn)(3)


def length_of_a_run_time_range(p):
    n = len(range(p, 10, 1))
    return repr(n), repr(n / 2), repr([n][0])


def test_the_length_of_a_run_time_range_is_a_python_int():
    """From the fuzzer: it was an int64 (NumPy's ``n / 2`` then a ``np.float64``)."""
    for p in (3, 12):
        assert compile(length_of_a_run_time_range)(p) == length_of_a_run_time_range(p)
