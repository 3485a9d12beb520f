"""Nested defs in compiled functions, against CPython: converted with the enclosing function
and traced into its code, reading its variables when called (late binding), with defaults,
keyword-only parameters, their own control flow, returns of any value; the exceptions they
raise leave with CPython's type, message and line; what is not compiled is refused."""
import sys

import numpy as np
import pytest

from compiler import compile
from ir import TypingError, UnsupportedError

from .support import OPT_LEVELS, CompiledCache, assert_matches_cpython, plain

THIS = sys.modules[__name__]
compiled = CompiledCache()


def apply_twice(f, x):
    return f(f(x))


def closure_sum(a, scale):
    def g(x):
        return x * scale
    total = 0.0
    for v in a:
        total += g(v)
    return total


def late_binding(x, scale):
    def g(v):
        return v * scale
    before = g(x)
    scale = scale + 1
    return before, g(x)


def late_binding_in_loop(a, k):
    def scaled(v):
        return v * k
    s = 0.0
    for x in a:
        s += scaled(x)
        k = k + 1.0
    return s, k


def late_binding_in_branch(x, c):
    def g():
        return x * 2
    if c > 0:
        x = x + 10
    return g()


def defaults(x):
    def g(v, w=x, *, c=3):
        return v * w + c
    x = 100
    return g(1), g(2, 5), g(1, c=0), g(v=2, w=1, c=x)


def own_control_flow(a, t):
    def count_above(limit):
        c = 0
        for v in a:
            if v > limit:
                c += 1
            if c >= 3:
                break
        return c
    return count_above(t), count_above(t + 2.0)


def early_returns(x):
    def sign_and_size(v):
        if v > 0:
            return 1, v
        if v < 0:
            return -1, -v
        return 0, 0
    s, m = sign_and_size(x)
    return s * 10 + m


def nested_twice(x):
    def outer(v):
        def inner(w):
            return w + v + x
        return inner(v * 2)
    return outer(x + 1)


def closure_factory(x):
    def make(k):
        def f(v):
            return v * k
        return f
    return make(3)(x) + make(x)(2)


def default_used_in_its_branch(x, c):
    r = 0.0
    if c > 0:
        def g(v, w=x * 2):
            return v + w
        r = g(1)
    return r


def def_in_loop(a):
    s = 0.0
    for i in range(len(a)):
        def term(v, w=a[i]):
            return v * w + i
        s += term(2.0)
    return s


def passed_on(x):
    def inc(v):
        return v + 1
    return apply_twice(inc, x)


def in_generator_expression(a, t):
    def weight(v):
        return v * v if v > t else -v
    return sum(weight(v) for v in a)


def calls_the_next_def(x):
    def first(v):
        return second(v) + 1
    def second(v):
        return v * 3
    return first(x)


def star_args(x):
    def total(*vals):
        s = 0
        for v in vals:
            s += v
        return s
    return total(x, 2, 3)


def raises(x):
    def check(v):
        if v < 0:
            raise ValueError("negative input")
        return 10 // v
    return check(x)


def caught_in_the_caller(x):
    def check(v):
        if v < 0:
            raise ValueError("negative")
        return v
    try:
        r = check(x)
    except ValueError:
        r = -1
    return r


def free_variable_unbound(x, c):
    if c > 0:
        k = 2
    def g(v):
        return v * k
    return g(x)


def free_variable_never_bound(x):
    def g(v):
        return v + k
    r = g(x)
    k = 1
    return r + k


def lambda_reads_unbound(x):
    f = lambda: k  # noqa: E731
    r = f()
    k = x
    return r


def defined_in_a_try_body(x):
    try:
        def inverse(v):
            return 1 / v
        r = inverse(x)
    except ZeroDivisionError:
        r = -1.0
    return r


def called_by_a_nested_generator(n, k):
    def scaled(v):
        return v * k
    def values(m):
        for i in range(m):
            yield scaled(i)
    return sum(values(n))


def docstring_and_no_return(x):
    def g(v):
        """A docstring."""
        v + 1
    return g(x) is None


CASES = [
    (closure_sum, [(np.arange(4.0), 2.0), (np.zeros(0), 3.0)]),
    (late_binding, [(3.0, 2.0), (2, 5)]),
    (late_binding_in_loop, [(np.arange(3.0), 1.5), (np.zeros(0), 1.0)]),
    (late_binding_in_branch, [(3, 1), (3, -1)]),
    (defaults, [(2,), (-1,)]),
    (own_control_flow, [(np.arange(8.0), 1.0), (np.arange(3.0), 0.5)]),
    (early_returns, [(3,), (-4,), (0,)]),
    (nested_twice, [(2,), (-7,)]),
    (closure_factory, [(2.0,), (-1.5,)]),
    (def_in_loop, [(np.arange(3.0),), (np.zeros(0),)]),
    (default_used_in_its_branch, [(2.5, 1), (2.5, 0)]),
    (passed_on, [(5,), (1.5,)]),
    (in_generator_expression, [(np.arange(5.0), 2.0), (np.arange(2.0), 5.0)]),
    (calls_the_next_def, [(4,)]),
    (star_args, [(1,), (2.5,)]),
    (raises, [(5,), (-1,), (0,)]),
    (caught_in_the_caller, [(5,), (-1,)]),
    (free_variable_unbound, [(3, 1), (3, 0)]),
    (free_variable_never_bound, [(3,)]),
    (lambda_reads_unbound, [(3,)]),
    (defined_in_a_try_body, [(4,), (0,)]),
    (called_by_a_nested_generator, [(4, 3), (0, 2)]),
    (docstring_and_no_return, [(3,)]),
]
PARAMS = [pytest.param(fn, args, opt, id=f"{fn.__name__}{i}-O{opt}") for fn, arg_list in CASES
          for i, args in enumerate(arg_list) for opt in OPT_LEVELS]


@pytest.mark.parametrize("fn, args, opt", PARAMS)
def test_matches_cpython(fn, args, opt):
    run = compiled(fn, opt)
    assert_matches_cpython(lambda *a: plain(fn(*a)), lambda *a: plain(run(*a)), args, THIS)


# ------------------------------------------------------------------ refused
def recursive(n):
    def fact(k):
        return 1 if k <= 1 else k * fact(k - 1)
    return fact(n)


def recursive_lambda(n):
    f = lambda k: 1 if k <= 1 else k * f(k - 1)  # noqa: E731
    return f(n)


def assigns_nonlocal(n):
    t = 0

    def add(v):
        nonlocal t
        t += v
    add(n)
    return t


def decorated(n):
    @staticmethod
    def g(v):
        return v
    return g(n)


def different_defs_in_branches(x, c):
    if c > 0:
        def g(v):
            return v + 1
    else:
        def g(v):
            return v - 1
    return g(x)


def default_computed_in_an_ended_branch(x, c):
    if c > 0:
        def g(v, w=x * 2):
            return v + w
    return g(1)


@pytest.mark.parametrize("fn, error, phrase", [
    (recursive, UnsupportedError, "fact\\(\\) calls itself"),
    (recursive_lambda, UnsupportedError, "<lambda>\\(\\) calls itself"),
    (assigns_nonlocal, UnsupportedError, "nonlocal statement is not supported"),
    (decorated, UnsupportedError, "decorator on a nested def"),
    (different_defs_in_branches, TypingError, "variable 'g' has incompatible types"),
    (default_computed_in_an_ended_branch, UnsupportedError, "default value of the parameter 'w' of g\\(\\)"),
])
def test_refused(fn, error, phrase):
    args = (3, 1) if fn in (different_defs_in_branches, default_computed_in_an_ended_branch) else (3,)
    with pytest.raises(error, match=phrase):
        compile(fn)(*args)
