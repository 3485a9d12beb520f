"""Generator expressions consumed by sum(), any() and all() in a loop, against CPython."""
import numpy as np
import pytest

from compiler import compile
from ir import UnsupportedError

A = np.array([0.5, 1.5, 2.0, 3.0])
B = np.array([0.5, 1.0, 2.0, 4.0])


def sums(a, n):
    return sum(x * x for x in a if x > 1), sum(i for i in range(n)), sum((v for v in a), 10.5)


def truth_tests(a, t):
    return any(v < t for v in a), all(v < t for v in a), any(v > 100 for v in a), all(v > -1 for v in a)


def unpacks(a, b):
    return (sum(i * x for i, x in enumerate(a)), sum(x - y for x, y in zip(a, b) if x != y),
            sum(i * p * q for i, (p, q) in enumerate(zip(a, b))))


def stops_early(a, k):
    return any(10 // (int(x) - k) > 3 for x in a)


def over_a_tuple(x, y):
    return sum(v * 2 for v in (x, y, 3)), all(v for v in (x, y))


def over_ranges(n):
    return all(i < 5 for i in range(n)), sum(i for i in range(2, n, 3))


def extrema(a):
    return max(x for x in a), min(x * 2 for x in a if x > 1), max((x for x in a if x > 99), default=-1.0)


def ordered(a):
    return sorted(x for x in a)


def _plain(value):
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value.item() if isinstance(value, np.generic) else value


@pytest.mark.parametrize("fn, args", [
    (sums, (A, 5)), (truth_tests, (A, 2.0)), (truth_tests, (np.zeros(0), 1.0)), (unpacks, (A, B)),
    (stops_early, (np.array([1.0, 3.0, 2.0]), 2)), (over_a_tuple, (1.5, 0)), (over_a_tuple, (2.5, 3)),
    (over_ranges, (3,)), (over_ranges, (9,)), (extrema, (A,)),
])
def test_as_cpython(fn, args):
    assert repr(_plain(compile(fn)(*args))) == repr(_plain(fn(*args)))


def test_the_item_after_any_stops_is_not_computed():
    """``any`` stops at the first true item: the division by zero after it is never made."""
    a = np.array([1.0, 3.0, 2.0])
    assert compile(stops_early)(a, 2) is True
    with pytest.raises(ZeroDivisionError):
        compile(stops_early)(np.array([2.0, 9.0]), 2)


def test_other_consumers_are_refused():
    with pytest.raises(UnsupportedError, match="consumed by sum"):
        compile(ordered)(A)
