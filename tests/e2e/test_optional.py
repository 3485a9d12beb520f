"""None and values that may be None, against CPython: ``is None`` narrowing, None
arguments and defaults, functions that fall off their end, recursion whose base
case comes last, and CPython's exceptions for operations on None."""
import math

import numpy as np
import pytest

from compiler import compile

from .support import OPT_LEVELS, CompiledCache, assert_same_value, outcome

compiled = CompiledCache()
A = np.array([3.0, 1.0, 2.0, 5.0, 4.0])


# ----------------------------------------------------------------- kernels
def narrowed(c):
    x = None
    if c > 0:
        x = c * 1.5
    if x is not None:
        return x + 1
    return -1.0


def is_none_value(c):
    x = None
    if c:
        x = c * 2
    return x is None, x is not None


def returns_optional(c):
    x = None
    if c > 0:
        x = c * 1.5
    return x


def out_default(a, out=None):
    if out is None:
        out = np.empty_like(a)
    out[:] = a * 2
    return out


def falls_off(n):
    if n > 0:
        return n * 2


def returns_none_explicitly(n):
    if n > 0:
        return None
    return n - 1


def fact(n):
    if n > 1:
        return n * fact(n - 1)
    return 1


def is_even(n):
    if n != 0:
        return is_odd(n - 1)
    return True


def is_odd(n):
    if n != 0:
        return is_even(n - 1)
    return False


def partition(a, lo, hi):
    p = a[hi]
    i = lo
    for j in range(lo, hi):
        if a[j] < p:
            a[i], a[j] = a[j], a[i]
            i += 1
    a[i], a[hi] = a[hi], a[i]
    return i


def quicksort(a, lo, hi):
    if lo < hi:
        p = partition(a, lo, hi)
        quicksort(a, lo, p - 1)
        quicksort(a, p + 1, hi)


def sorted_copy(a):
    b = a.copy()
    quicksort(b, 0, b.shape[0] - 1)
    return b


def add_unnarrowed(c):
    x = None
    if c > 0:
        x = 2
    return x + 1


def multiply_reflected(c):
    x = None
    if c > 0:
        x = 2
    return 1.5 * x


def traced_plus_optional(c):
    x = None
    if c > 0:
        x = c
    return c + x


def less_than(c):
    x = None
    if c > 0:
        x = 2
    return x < 2


def negated(c):
    x = None
    if c > 0:
        x = c
    return -x


def add_in_place(c):
    x = None
    if c > 0:
        x = c
    x += 1
    return x


def equals_three(c):
    x = None
    if c > 0:
        x = c
    return x == 3, x != 3


def shape_of(a, c):
    r = None
    if c > 0:
        r = a * 2
    return r.shape[0]


def index_of(a, c):
    r = None
    if c > 0:
        r = a * 2
    return float(r[1])


def last_multiple_of_three(n):
    x = None
    for i in range(n):
        if i % 3 == 2:
            x = i
    return x


def first_above(a, t):
    for i in range(a.shape[0]):
        if a[i] > t:
            return i
    return None


def running_max(a):
    best = None
    for i in range(a.shape[0]):
        if best is None or a[i] > best:
            best = a[i]
    return None if best is None else float(best)


def narrowed_after_raise(c):
    x = None
    if c > 0:
        x = c + 0.5
    if x is None:
        raise ValueError("no value")
    return x * 2


def or_default(x):
    if x is None:
        return 0.0
    return x


def passes_optional(c):
    y = None
    if c:
        y = 2.5
    return or_default(y)


def optional_array(a, c):
    r = None
    if c > 0:
        r = a * 2
    return r


def ternary(c):
    x = None
    if c > 0:
        x = c * 0.5
    return x if x is not None else -1.0


def scaled(x, scale=None):
    if scale is None:
        return x
    return x * scale


def none_argument_used(x, y):
    return x * y + 2


def truth_of_optional(c):
    x = None
    if c > -5:
        x = c
    r = 0
    if x:
        r += 1 + x  # narrowed: x is an int here
    if not x:
        r += 10
    return r, 2 if x and c < 7 else 3, x or -1


def optional_bool_in_condition(i, j):
    """The fuzzer's program: ``x and p`` with p a bool that may be None."""
    p = None
    if i > j:
        p = i > 2 * j
    r = 0
    if (not (i != j != 10)) and p:
        r += 1
    while p and r < 50:
        r += 10
    return r, 7.5 if p else -1.0


def optional_float_truth(x):
    y = None
    if x != 1.0:
        y = x - 1.0
    return 1 if y else 0


CASES = [
    (truth_of_optional, [(3,), (0,), (-9,), (8,)]),
    (optional_bool_in_condition, [(1, 2), (5, 1), (3, 2), (10, 10), (11, 10)]),
    (optional_float_truth, [(1.0,), (2.0,), (float("nan"),)]),
    (narrowed, [(2,), (0,)]),
    (is_none_value, [(1,), (0,)]),
    (returns_optional, [(2,), (-1,)]),
    (out_default, [(A,), (A, np.zeros(5))]),
    (falls_off, [(3,), (-3,)]),
    (returns_none_explicitly, [(3,), (-3,)]),
    (fact, [(5,), (1,), (0,)]),
    (is_even, [(4,), (7,)]),
    (sorted_copy, [(A,), (A[:1],)]),
    (add_unnarrowed, [(1,), (0,)]),
    (multiply_reflected, [(1,), (0,)]),
    (traced_plus_optional, [(1,), (0,)]),
    (less_than, [(1,), (0,)]),
    (negated, [(1,), (0,)]),
    (add_in_place, [(1,), (0,)]),
    (equals_three, [(3,), (2,), (0,)]),
    (shape_of, [(A, 1), (A, 0)]),
    (index_of, [(A, 1), (A, 0)]),
    (last_multiple_of_three, [(7,), (2,)]),
    (first_above, [(A, 4.5), (A, 9.0)]),
    (running_max, [(A,), (A[:0],)]),
    (narrowed_after_raise, [(1,), (0,)]),
    (passes_optional, [(True,), (False,)]),
    (optional_array, [(A, 1), (A, 0)]),
    (ternary, [(3,), (0,)]),
    (scaled, [(2.0,), (2.0, 3), (2.0, None)]),
    (none_argument_used, [(1, None), (A, None)]),
]


def assert_like_cpython(func, args, opt):
    """The compiled function returns or raises what CPython does: the same value, or the
    same exception with CPython's message."""
    want_kind, want = outcome(func, args)
    got_kind, got = outcome(compiled(func, opt), args)
    assert got_kind == want_kind, f"CPython: {want_kind} {want!r}, compiled: {got_kind} {got!r}"
    if want_kind == "raised":
        assert type(got) is type(want), f"got {type(got).__name__}: {got}, CPython raises {want!r}"
        assert str(got) == str(want), f"message {str(got)!r}, CPython's {str(want)!r}"
    elif isinstance(want, np.ndarray):
        assert isinstance(got, np.ndarray) and got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    else:
        assert_same_value(got, want)


@pytest.mark.parametrize("opt", OPT_LEVELS)
@pytest.mark.parametrize("func, calls", CASES, ids=[f.__name__ for f, _ in CASES])
def test_matches_cpython(func, calls, opt):
    for args in calls:
        assert_like_cpython(func, args, opt)


def test_narrowing_removes_the_run_time_check():
    f = compile(narrowed, opt=0)
    f(1)
    text = f.inspect_ir()
    assert "TypeError" not in text and "optional" not in text


def test_unnarrowed_operation_checks_at_run_time():
    f = compile(add_unnarrowed, opt=0)
    f(1)
    assert "unsupported operand type(s) for +: 'NoneType' and 'int'" in f.inspect_ir()


def test_result_type_is_optional():
    f = compile(falls_off, opt=0)
    f(1)
    assert "-> optional<i64>" in f.inspect_ir()


def test_recursion_without_any_base_case_is_a_typing_error():
    def endless(n):
        return endless(n - 1) + 1

    from ir import TypingError

    with pytest.raises(TypingError, match="a base case"):
        compile(endless)(3)


def test_truth_of_an_optional_array_is_refused():
    def truth(a, c):
        x = None
        if c > 0:
            x = a
        if x:
            return 1
        return 0

    from ir import TypingError

    with pytest.raises(TypingError, match="is not None"):
        compile(truth)(A, 3)


def test_library_function_of_a_value_that_may_be_none_is_refused():
    def square_root(c):
        x = None
        if c > 0:
            x = c * 1.0
        return math.sqrt(x)

    from ir import UnsupportedError

    with pytest.raises(UnsupportedError, match="not supported on a run-time value"):
        compile(square_root)(3)


def printed_optional(n, a):
    x = None
    if n > 2:
        x = n * 2
    y = a[0] if n > 3 else None
    print(f"x is {x}, {x!r:>6}", x, y, repr(y), str(x), sep="|")


@pytest.mark.parametrize("n", [1, 3, 5])
def test_optional_values_in_text_are_cpythons(capsys, n):
    """print and f-strings of a value that may be None: None or the value, as CPython prints it."""
    printed_optional(n, A)
    want = capsys.readouterr().out
    compile(printed_optional)(n, A)
    assert capsys.readouterr().out == want
