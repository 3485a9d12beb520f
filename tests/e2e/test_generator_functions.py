"""Generator functions (module-level and nested) iterated by for loops in compiled code and
consumed by sum, min, max, any and all, against CPython: a break or return of the loop
ends the generator, a return of the generator ends the loop, generators iterate
generators, exceptions raised inside one leave with CPython's type, message and line;
what is not compiled faithfully is refused."""
import sys

import numpy as np
import pytest

from compiler import compile
from ir import TypingError, UnsupportedError

from .support import OPT_LEVELS, CompiledCache, assert_matches_cpython, plain

THIS = sys.modules[__name__]
compiled = CompiledCache()
A = np.array([1.5, -2.0, 3.0, 0.5, 4.0])


# ------------------------------------------------------------------ generators
def evens_squared(n):
    for i in range(n):
        if i % 2 == 0:
            yield i * i


def until_negative(a):
    for x in a:
        if x < 0:
            return
        yield x * 2.0


def plus_minus(n):
    for v in evens_squared(n):
        yield v
        yield -v


def nothing(n):
    if n > 100:
        yield n


def collatz(n):
    while n != 1:
        yield n
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
    yield 1


def quotients(values, k):
    for x in values:
        yield 100 // (x - k)


def checked(n):
    for i in range(n):
        if i == 3:
            raise ValueError("three is not allowed")
        yield i


def indexed(a):
    for i in range(len(a)):
        yield i, a[i]


def running_totals(n):
    s = 0
    for i in range(n):
        s += i
        yield s, i


def magnitudes(a):
    for x in a:
        if x > 0:
            yield x
        else:
            yield -x * 10


def above(a, t):
    i = 0
    while True:
        if i >= len(a):
            break
        if a[i] > t:
            yield i, a[i]
        i += 1


def ticks(n):
    for _ in range(n):
        yield


def with_defaults(n, step=2, *, start=0):
    i = start
    while i < n:
        yield i
        i += step


# ------------------------------------------------------------------ consumers
def for_sum(n):
    s = 0
    for v in evens_squared(n):
        s += v
    return s


def breaks(n, limit):
    s = 0
    for v in evens_squared(n):
        if v > limit:
            break
        s += v
    return s


def returns_from_the_loop(n, limit):
    s = 0
    for v in evens_squared(n):
        if v > limit:
            return v
        s += v
    return -s


def continues_and_else(n):
    s = 0
    for v in collatz(n):
        if v % 3 == 0:
            continue
        s += v
    else:
        s = -s
    return s


def else_after_break(n):
    found = -1
    for v in collatz(n):
        if v > 20:
            found = v
            break
    else:
        found = 0
    return found


def generator_returns(a):
    s = 0.0
    c = 0
    for v in until_negative(a):
        s += v
        c += 1
    return s, c


def empty(n):
    s = 0
    for v in nothing(n):
        s += v
    return s, sum(nothing(n)), any(nothing(n)), all(nothing(n)), max(nothing(n), default=-1)


def nested_generators(n):
    t = 0
    for v in plus_minus(n):
        t = t * 2 + v
    return t


def nested_loops(n):
    s = 0
    for v in evens_squared(n):
        for w in evens_squared(v):
            s += w
    return s


def over_an_array(a):
    s = 0.0
    for i, x in indexed(a):
        s += i * x
    return s, max(until_negative(a), default=0.0), sum(until_negative(a), 0.0)


def consumers(n):
    return sum(evens_squared(n)), max(evens_squared(n)), min(collatz(n)), any(evens_squared(n)), \
        all(evens_squared(n)), sum(evens_squared(n), 10)


def keyed(a, n):
    return (max(evens_squared(n), key=lambda v: -v), min((x for x in a), key=abs),
            max(magnitudes(a), key=lambda v: v % 7.0, default=-1.0),
            max((x for x in a if x > 100), key=abs, default=None))


def as_lists(n):
    return sum(list(evens_squared(n))), sum([v + 1 for v in evens_squared(n) if v > 3])


def max_of_empty(n):
    return max(nothing(n))


def min_of_empty(n):
    return min(nothing(n))


def divides(k):
    s = 0
    for q in quotients((1, 2, 3, 4), k):
        s += q
    return s


def raises_in_the_middle(n):
    s = 0
    for v in checked(n):
        s += v
    return s


def caught_around_the_loop(n):
    s = 0
    try:
        for v in checked(n):
            s += v
    except ValueError:
        s = -s
    return s


def nested_def_generator(n, k):
    def multiples(m):
        for i in range(m):
            yield i * k
    s = 0
    for v in multiples(n):
        s += v
    k = 100
    return s + sum(multiples(n))


def keywords(n):
    return sum(with_defaults(n)), sum(with_defaults(n, 3, start=1)), sum(with_defaults(n, start=n))


def in_a_generator_expression(n):
    return sum(v * 2 for v in evens_squared(n) if v > 3)


def stored_then_iterated(n):
    g = evens_squared(n)
    s = 0
    for v in g:
        s += v
    return s


def in_a_run_time_loop(n):
    s = 0
    for k in range(n):
        s += max(evens_squared(k), default=-1)
    return s


def the_same_names_as_the_generator(n):
    s = 0
    i = 100
    for a, b in running_totals(n):
        s += a * b
        i += 1
    return s, i


def two_yields(a):
    t = 0.0
    for v in magnitudes(a):
        t = t * 0.5 + v
    return t


def in_a_run_time_branch(n, c):
    s = 0
    if c > 0:
        for total, _ in running_totals(n):
            s += total
    return s


def nested_loops_return(a, t):
    for i, x in above(a, t):
        for j, y in above(a, x):
            if y > 3.5:
                return i * 10 + j
    return -1


def counts_bare_yields(n):
    c = 0
    for v in ticks(n):
        if v is None:
            c += 1
    return c


def raises_in_the_loop_body(n):
    s = 0
    for v in evens_squared(n):
        s += 100 // (v - 4)
    return s


def enumerated(n, a):
    s = 0
    for i, v in enumerate(evens_squared(n)):
        s += i * v
        if s > 100:
            break
    t = 0.0
    for i, x in enumerate((x for x in a if x > 0), 10):
        t += i * x
    u = 0
    for i, x in enumerate(x * 2 for x in (1, 2, 3)):
        u += i * x
    return s, t, u


def made_before_a_run_time_branch(n, c):
    g = evens_squared(n)
    squares = (x * x for x in range(n))
    s = 0
    if c > 0:
        for v in g:
            s += v
    else:
        s = sum(squares)
    return s


def over_a_generator_expression(a):
    s = 0.0
    for v in (x * 2 for x in a if x > 0):
        s += v
        if s > 5:
            break
    return s


CASES = [
    (for_sum, [(10,), (0,), (1,)]),
    (breaks, [(20, 50), (20, 1000), (0, 5)]),
    (returns_from_the_loop, [(3,), (10,), (0,)]),
    (continues_and_else, [(6,), (1,), (27,)]),
    (else_after_break, [(6,), (3,), (1,)]),
    (generator_returns, [(A,), (np.array([1.0, 2.0]),), (np.zeros(0),)]),
    (empty, [(3,), (200,)]),
    (nested_generators, [(6,), (0,)]),
    (nested_loops, [(6,), (1,)]),
    (over_an_array, [(A,), (np.zeros(0),)]),
    (consumers, [(7,), (1,)]),
    (keyed, [(A, 7), (np.zeros(0) + 1.0, 1)]),
    (as_lists, [(7,), (0,)]),
    (max_of_empty, [(3,), (300,)]),
    (min_of_empty, [(3,), (300,)]),
    (divides, [(0,), (1,), (2,), (4,)]),
    (raises_in_the_middle, [(3,), (8,)]),
    (caught_around_the_loop, [(3,), (8,)]),
    (nested_def_generator, [(4, 3), (0, 1)]),
    (keywords, [(9,), (0,)]),
    (in_a_generator_expression, [(9,)]),
    (stored_then_iterated, [(9,)]),
    (in_a_run_time_loop, [(5,), (0,)]),
    (the_same_names_as_the_generator, [(5,), (0,)]),
    (two_yields, [(A,)]),
    (in_a_run_time_branch, [(4, 1), (4, 0)]),
    (over_a_generator_expression, [(A,), (np.array([1.0, 0.5]),)]),
    (made_before_a_run_time_branch, [(6, 1), (6, 0)]),
    (enumerated, [(9, A), (0, np.zeros(0)), (30, A)]),
    (nested_loops_return, [(A, 1.0), (A, 10.0)]),
    (counts_bare_yields, [(4,), (0,)]),
    (raises_in_the_loop_body, [(2,), (5,)]),
]
PARAMS = [pytest.param(fn, args, opt, id=f"{fn.__name__}{i}-O{opt}") for fn, arg_list in CASES
          for i, args in enumerate(arg_list) for opt in OPT_LEVELS]


@pytest.mark.parametrize("fn, args, opt", PARAMS)
def test_matches_cpython(fn, args, opt):
    run = compiled(fn, opt)
    assert_matches_cpython(lambda *a: plain(fn(*a)), lambda *a: plain(run(*a)), args, THIS)


def test_the_generator_stops_at_the_break():
    """No code of the generator after the yield the loop broke at runs: the division by zero
    that would come next is never made."""
    assert compile(breaks_before_a_division)(3) == breaks_before_a_division(3) == 10


def divide_after_yield(k):
    yield 10
    yield 10 // (k - 3)


def breaks_before_a_division(k):
    for v in divide_after_yield(k):
        return v
    return -1


# ------------------------------------------------------------------ refused
def sends(n):
    def gen():
        x = yield 1
        yield x
    return sum(gen())


def yields_from(n):
    def gen():
        yield from evens_squared(n)
    return sum(gen())


def yields_in_try(n):
    def gen():
        try:
            yield n
        finally:
            pass
    return sum(gen())


def advanced_with_next(n):
    g = evens_squared(n)
    return next(g) + next(g)


def calls_send(n):
    g = evens_squared(n)
    return g.send(None)


def iterated_twice(n):
    g = evens_squared(n)
    return sum(g) + sum(g)


def iterated_in_a_loop_apart(n):
    g = evens_squared(n)
    s = 0
    for k in range(n):
        for v in g:
            s += v + k
    return s


def recursive(n):
    def walk(k):
        if k > 0:
            yield k
            for v in walk(k - 1):
                yield v
    return sum(walk(n))


def zipped(n):
    s = 0
    for v, w in zip(evens_squared(n), evens_squared(n)):
        s += v * w
    return s


def max_of_tuples(n):
    return max(enumerate(evens_squared(n)))


def generator_expression_twice(n):
    g = (i * i for i in range(n))
    return sum(g) + max(g)


def wrong_arguments(n):
    return sum(evens_squared(n, 2))


@pytest.mark.parametrize("fn, error, phrase", [
    (sends, UnsupportedError, "value of a yield expression"),
    (yields_from, UnsupportedError, "yield from is not supported"),
    (yields_in_try, UnsupportedError, "yield inside a try statement"),
    (advanced_with_next, UnsupportedError, "next\\(\\) cannot be called"),
    (calls_send, UnsupportedError, "send\\(\\) of the generator evens_squared\\(\\)"),
    (iterated_twice, UnsupportedError, "iterated a second time"),
    (iterated_in_a_loop_apart, UnsupportedError, "apart from where it is made"),
    (recursive, UnsupportedError, "walk\\(\\) iterates itself"),
    (zipped, UnsupportedError, "this use of the generator evens_squared\\(\\)"),
    (max_of_tuples, UnsupportedError, "max\\(\\) of tuples of run-time values"),
    (generator_expression_twice, UnsupportedError, "generator expression is iterated a second time"),
    (wrong_arguments, TypingError, "evens_squared\\(\\): too many positional arguments"),
    (evens_squared, UnsupportedError, "a compiled function cannot be a generator"),
])
def test_refused(fn, error, phrase):
    with pytest.raises(error, match=phrase):
        compile(fn)(3)
