"""math functions, round(x, n) and hash computed by CPython when the compiled code runs:
the same results as CPython's (the hash of a NaN is its object's, in CPython too: not compared),
OverflowError where an int result does not fit in 64 bits."""
import math

import numpy as np
import pytest

from compiler import compile
from ir import UnsupportedError

from .support import assert_same_value, outcome


def many(x, n, k, a):
    return (math.ldexp(x, n), math.frexp(x), math.isclose(x, 1.0, rel_tol=1e-3), math.comb(n, k),
            math.perm(n, k), math.nextafter(x, -1.0), math.ulp(x), math.fsum(a), math.fsum((x, 1e100, -1e100)),
            hash(x), hash(n), hash((x, n)), round(x, k), round(n, -k))


def big_comb(n):
    return math.comb(n, 30)


def rounds_an_element(a, k):
    return round(a[0], k)


@pytest.mark.parametrize("x, n, k, a", [
    (0.1, 5, 2, np.array([0.1] * 10)), (1e308, 1100, 3, np.array([1e100, 1.0, -1e100])),
    (-0.0, 0, 0, np.zeros(0)), (float("inf"), 3, 5, np.array([np.inf])), (2.675, 7, -1, np.ones(3)),
])
def test_as_cpython(x, n, k, a):
    want, got = outcome(many, (x, n, k, a)), outcome(compile(many), (x, n, k, a))
    assert want[0] == got[0], (want, got)
    if want[0] == "raised":
        assert type(got[1]) is type(want[1]) and str(got[1]) == str(want[1])
    else:
        assert repr(got[1]) == repr(want[1])


def test_int_result_that_does_not_fit_raises_overflow():
    fn = compile(big_comb)
    assert_same_value(fn(40), big_comb(40))
    with pytest.raises(OverflowError):
        fn(100)


def test_round_of_numpy_scalar_to_run_time_digits_is_refused():
    with pytest.raises(UnsupportedError, match="NumPy rounds differently"):
        compile(rounds_an_element)(np.array([2.5]), 0)


def rounds(x, n, a):
    return round(x, 2), round(x, -1), round(n, -2), round(a[0], 2), round(n, 1)


@pytest.mark.parametrize("x", [2.675, 0.125, 1.005, 2.5, -0.5, 1e300, float("inf"), -76.41625926578779, 0.285])
def test_round_to_digits_is_cpythons(x):
    """A Python float rounds correctly (CPython's decimal rounding); a NumPy float as NumPy
    rounds it (CPython calls NumPy's ``__round__``)."""
    a = np.array([x])
    want = rounds(x, 459267, a)
    got = compile(rounds)(x, 459267, a)
    assert repr(got) == repr(tuple(float(v) if isinstance(v, np.floating) else v for v in want))


def products_and_distances(a, b, x):
    return math.prod(a), math.prod((x, 2.0, 3)), math.dist(a, b), math.dist((x, 1.0), (0.0, 0.0))


def int_product(a):
    return math.prod(a)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("a, b, x", [(np.array([1.5, 2.0]), np.array([0.0, 1.0]), 2.0),
                                     (np.array([1e200, 1e200]), np.array([-1e200, 1.0]), -1.0)])
def test_prod_and_dist_as_cpython(a, b, x):
    assert repr(compile(products_and_distances)(a, b, x)) == repr(tuple(
        float(v) for v in products_and_distances(a, b, x)))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("a", [np.array([3, 4, 5]), np.zeros(0, np.int64), np.array([2**40, 2**30])])
def test_prod_of_ints_wraps_as_numpys(a):
    assert compile(int_product)(a) == int_product(a)


def of_lists(x, n):
    """``fsum``, ``prod`` and ``dist`` of lists: of run-time values, and run-time lists."""
    built = [x * i for i in range(n)]
    return math.fsum([x, 1e16, -1e16]), math.fsum(built), math.prod([i + 1 for i in range(n)]), \
        math.prod([x, 2.0]), math.dist([0.0, x], [3.0, float(n)])


@pytest.mark.parametrize("x, n", [(0.1, 10), (2.5, 3), (-1.5, 1)])
def test_of_lists_as_cpython(x, n):
    assert compile(of_lists)(x, n) == of_lists(x, n)
