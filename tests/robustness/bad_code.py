# ruff: noqa  -- deliberately bad code
"""Functions the compiler must refuse cleanly (or compile exactly as CPython runs them).

Each function marks with ``# <-`` the line an error about it must name.  The
cases that use them, with what each must raise, are in ``corpus.py``; this
module holds only code, so that line numbers stay put.  Nothing here repeats
``tests/e2e/test_errors.py``: these are other constructs, or the same
constructs in other places (inside loops and branches, in callees).
"""
import functools
import math

import numpy as np

SCALE = 3
TABLE = (10, 20, 30)


# ------------------------------------------------------------------ unsupported statements
def return_in_finally(x):
    try:
        x = x + 1
    finally:
        return 0  # <-


def try_star(x):
    y = 0
    try:  # <-
        y = x
    except* ValueError:
        y = -1
    return y


def with_inside_loop(n):
    s = 0
    for i in range(n):
        with open("/nonexistent") as handle:  # <-
            s += len(handle.read())
    return s


async def async_for_def(n):  # <-
    async for i in n:
        pass
    return 0


def yield_in_while(n):
    while n > 0:
        n -= 1
        yield n  # <-


def yield_from_range(n):
    yield from range(n)  # <-


def yield_in_lambda(x):
    f = lambda: (yield)  # <-
    return x


def class_in_branch(x):
    if x > 0:
        class Local:  # <-
            pass
    return x


def def_in_loop(n):
    s = 0
    for i in range(n):
        def step(k):  # <-
            return k + 1
        s = step(s)
    return s


def global_in_branch(x):
    if x > 0:
        global SCALE  # <-
        SCALE = x
    return x


def del_array_element(a):
    del a[0]  # <-
    return 0


def del_attribute(x):
    del x.real  # <-
    return x


def import_from_inside(x):
    from math import sqrt  # <-
    return sqrt(x)


def walrus_in_comprehension(x):
    return sum([(y := v) for v in (1, 2, 3)]) + x  # <-


def bare_reraise(x):
    if x > 0:
        raise  # <-
    return x


def raise_from(x):
    if x > 0:
        raise ValueError("bad") from None  # <-
    return x


def raise_user_class(x):
    if x > 0:
        raise RobustnessError("x must not be positive")  # <-
    return x


class RobustnessError(Exception):
    pass


def raise_an_int(x):
    if x > 0:
        raise 5  # <-
    return x


def raise_system_exit(x):
    if x > 0:
        raise SystemExit(1)  # <-
    return x


def assert_traced_message(x):
    assert x < 0, x  # <-
    return x


# ------------------------------------------------------------------ comprehensions and generators
def listcomp_over_runtime_range(n):
    return sum([i * i for i in range(n)])  # <-


def genexp_over_runtime_range(n):
    return max(i for i in range(n))  # <-


def setcomp_over_runtime_range(n):
    return len({i % 3 for i in range(n)})  # <-


def dictcomp_over_runtime_range(n):
    return len({i: i for i in range(n)})  # <-


def nested_comprehension_runtime_inner(n):
    return sum([i * j for i in range(3) for j in range(n)])  # <-


def comprehension_over_array(a):
    return sum([v * 2.0 for v in a])  # <-


def map_over_array(a):
    return sum(map(abs, a))  # <-


def comprehension_over_constants(x):
    return sum([i * i for i in range(4)]) + sum(v for v in (x, x, 1))  # <- (supported)


# ------------------------------------------------------------------ calls and parameters
def star_args_helper(*args):
    return args[0]


def calls_star_args_helper(x):
    return star_args_helper(x, x)  # <-


def kwargs_helper(x, **options):
    return x


def calls_kwargs_helper(x):
    return kwargs_helper(x, scale=2)  # <-


def one_param(a):
    return a


def calls_with_unknown_keyword(x):
    return one_param(b=x)  # <-


def calls_with_too_many(x):
    return one_param(x, x)  # <-


def keyword_only(x, *, k):
    return x + k


def calls_without_keyword_only(x):
    return keyword_only(x)  # <-


def calls_a_traced_value(x):
    return x(3)  # <-


def entry_star_args(*args):
    return args[0]


def entry_kwargs(x, **options):
    return x


def entry_posonly_kwonly(x, /, y, *, k=2):
    return x * y + k


def entry_list_default(x, y=[]):  # noqa: B006 -- a list argument, the same object at every call as in CPython
    return x + len(y)  # <-


# ------------------------------------------------------------------ strings, formatting and Python-only objects
def returns_fstring(x):
    return f"{x}"  # <-


def fstring_format_spec_unused(x):
    text = f"{x:.2f}"  # <-
    return x


def length_of_fstring(x):
    return len(f"{x}")  # <-


def length_of_str(x):
    return len(str(x))  # <-


def length_of_repr(x):
    return len(repr(x))  # <-


def hash_of_value(x):
    return hash(x)  # <-


def percent_format(x):
    return len("%d" % x)  # <-


def str_index_runtime(x):
    return "abc"[x]  # <-


def str_times_runtime(x):
    return len("ab" * x)  # <-


def none_arithmetic(x):
    return x + None  # <-


def compare_with_complex(x):
    return x < 1j  # <-


def range_of_a_str(n):
    s = 0
    for i in range("abc"):  # <-
        s += i
    return s


def range_of_a_float(x):
    s = 0
    for i in range(x):  # <-
        s += i
    return s


def numpy_norm_of_scalar(x):
    return np.linalg.norm(x)  # <-


def map_abs_over_tuple(x):
    return sum(map(abs, (x, -x)))  # <-


def matmul_arrays(a):
    return a @ a  # <-


def literal_list_indexed(x):
    values = [4, 5, 6]
    return values[x] + TABLE[x]  # <- (supported)


# ------------------------------------------------------------------ attributes
def assign_real_part(x):
    x.real = 1.0  # <-
    return x


def assign_new_attribute(x):
    x.unit = "m"  # <-
    return x


def assign_array_shape(a):
    a.shape = (3,)  # <-
    return 0


def unknown_array_method(a):
    return a.searchsorted(1.0)  # <-


def unknown_numpy_function(a):
    return np.nanmedian(a)  # <-


def math_lcm(x):
    return math.lcm(x, 4)  # <-


# ------------------------------------------------------------------ arrays
def broadcast_mismatch(a, b):
    return a + b  # <-


def boolean_subtract(a):
    return (a > 0) - (a > 1)  # <-


def slice_step_zero(a, step):
    return a[::step]  # <-


def assign_shape_mismatch(a, b):
    a[:] = b  # <-
    return a


def array_truth(a):
    if a:  # <-
        return 1
    return 0


def array_unpack(a):
    first, second = a  # <-
    return first


def float_shape(n):
    return np.zeros(n * 0.5)  # <-


def object_dtype(n):
    return np.zeros(n, dtype=object)  # <-


def empty_negative_constant(n):
    return np.empty(-1)  # <-


def zeros_negative_in_2d(n):
    return np.zeros((2, -n))  # <-


def full_negative_in_loop(n):
    total = 0
    for i in range(3):
        total += np.full(n - i, 1.0).size  # <-
    return total


def arange_zero_step(n):
    return np.arange(0, n, 0)  # <-


def local_array_out_of_bounds(n):
    a = np.zeros(3)
    for i in range(n):
        a[i] = i  # <-
    return a


def local_2d_out_of_bounds(n):
    a = np.ones((n, n))
    return a[n - 1, -n - 1]  # <-


# ------------------------------------------------------------------ types that do not meet
def array_or_float(n):
    if n > 0:  # <-
        v = np.zeros(3)
    else:
        v = 1.0
    return v


def arrays_of_two_dtypes(n):
    if n > 0:  # <-
        v = np.zeros(3)
    else:
        v = np.zeros(3, np.int32)
    return v


def arrays_of_two_ndims(n):
    if n > 0:  # <-
        v = np.zeros(3)
    else:
        v = np.zeros((3, 3))
    return v


def returns_array_or_int(n):
    if n > 0:
        return np.zeros(3)
    return 0  # <-


def tuple_grows_in_loop(n):
    t = 0
    for i in range(n):
        t = (t, i)  # <-
    return 0


def tuple_lengths_differ(n):
    if n > 0:  # <-
        t = (1, 2)
    else:
        t = (1, 2, 3)
    return t


def none_or_tuple_in_loop(n):
    best = None
    for i in range(n):
        if i > 1:  # <-
            best = (i, i)
    return best


# ------------------------------------------------------------------ undefined names
def undefined_global(x):
    return x + name_that_is_nowhere  # <-  # noqa: F821


def undefined_callee(x):
    return helper_that_is_nowhere(x)  # <-  # noqa: F821


def bound_only_in_loop(n):
    for i in range(n):
        last = i
    return last  # <-


def tuple_constant_out_of_range(x):
    return TABLE[5] + x  # <-


def tuple_runtime_out_of_range(x):
    return TABLE[x]  # <-


# ------------------------------------------------------------------ recursion
def depth(n):
    if n == 0:
        return 0
    return depth(n - 1) + 1  # <-


def ping(n):
    if n == 0:
        return 0
    return pong(n - 1) + 1  # <-


def pong(n):
    if n == 0:
        return 0
    return ping(n - 1) + 1


def grows_forever(t):
    return grows_forever(t + (1,))  # <-


def traces_forever(x):
    return grows_forever((x,))


def no_base_case_mutual(n):
    return no_base_case_other(n)


def no_base_case_other(n):
    return no_base_case_mutual(n)  # <-


# ------------------------------------------------------------------ redefinition (see corpus.py)
def callee(x):
    return x + 1


def callee_replacement(x):
    return x * 100


def caller(x):
    return callee(x)


def recursive_countdown(n):
    if n <= 0:
        return 0
    return recursive_countdown(n - 1) + 1


def countdown_replacement(n):
    return -1


def uses_scale(x):
    return x * SCALE


# ------------------------------------------------------------------ wrapped functions
def doubled(fn):
    @functools.wraps(fn)
    def wrapper(x):
        return fn(x) * 2
    return wrapper


def doubled_any(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs) * 2
    return wrapper


@doubled
def wrapped_increment(x):
    return x + 1


@doubled_any
def wrapped_any_increment(x):
    return x + 1


def calls_wrapped(x):
    return wrapped_increment(x) + 1
