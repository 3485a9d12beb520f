"""Lambdas of a compiled function that read its variables, called there or passed to the
functions it calls: compiled into the caller's code, reading the variables when called (as
CPython's closures do)."""
import numpy as np
import pytest

from compiler import compile
from ir import UnsupportedError

from .support import assert_same_value


def apply_plus_one(g, x):
    return g(x) + 1


def called_later(x, scale):
    f = lambda v, w=2: v * scale + w  # noqa: E731
    s = 0.0
    for i in range(3):
        scale = scale + 1
        s += f(x)
    return s, (lambda: scale)()


def passed_on(x, scale):
    f = lambda v: v * scale  # noqa: E731
    return apply_plus_one(f, x)


def as_a_predicate(a, t):
    above = lambda v: v > t  # noqa: E731
    c = 0
    for x in a:
        if above(x):
            c += 1
    return c


def captures_local(x):
    k = x * 2
    f = lambda y: y + k  # noqa: E731
    return f(1)


def recurse(f, n):
    return f(n) if n <= 0 else recurse(f, n - 1) + 1


def passed_to_recursion(x, s):
    return recurse(lambda v: v * s, x)


@pytest.mark.parametrize("fn, args", [
    (called_later, (2.0, 3.0)), (passed_on, (2.0, 3.0)), (as_a_predicate, (np.arange(10.0), 4.5)),
    (captures_local, (4,)), (captures_local, (-1.5,)),
])
def test_as_cpython(fn, args):
    assert_same_value(compile(fn)(*args), fn(*args))


def test_lambda_passed_to_a_recursive_function_is_refused():
    with pytest.raises(UnsupportedError, match="calls itself and is passed a lambda"):
        compile(passed_to_recursion)(3, 2.0)
