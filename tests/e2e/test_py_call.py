"""``compiler.py_call``: a plain Python function called back from compiled code at run time,
against the same function run by CPython (where ``py_call`` simply calls it)."""
import math

import numpy as np
import pytest

from compiler import compile, py_call
from ir import TypingError

OPTS = (0, 3)


def both(fn, *args, opt=3):
    """``fn(*args)`` compiled, and under CPython."""
    return compile(fn, opt=opt)(*args), fn(*args)


# ------------------------------------------------------------- callees
def gamma(x):
    return math.gamma(x)


def weighted_sum(a, w):
    return float(a.sum()) * w


def fail(x):
    raise ValueError(f"bad value {x}")


def zero_division(x):
    return 1 / (x - x)


def ramp(n):
    return np.arange(n) * 1.5


def grid(n):
    return np.arange(3 * n, dtype=np.int32).reshape(n, 3)


def kinds(*args):
    return tuple(type(a).__name__ for a in args)


# ------------------------------------------------------------- kernels
def gamma_series(x, n):
    s = 0.0
    for i in range(n):
        s += py_call(gamma, "f64", x + i)
    return s


def array_argument(a):
    return py_call(weighted_sum, float, a * 2.0, 3)


def raising(x):
    y = x + 1
    return py_call(fail, "i64", y)


def raising_in_loop(n):
    total = 0.0
    for i in range(n):
        total += py_call(zero_division, float, i)
    return total


def array_result(n):
    a = py_call(ramp, "f64[:]", n)
    return a * 2.0


def array_2d_result(n):
    return py_call(grid, "i64[:, :]", n)


def argument_kinds(x, a):
    return py_call(lambda *args: len(kinds(*args)), int, x, a[0], (x, a[1]), a, "text")


@pytest.mark.parametrize("opt", OPTS)
def test_numbers_in_a_run_time_loop(opt):
    got, want = both(gamma_series, 1.5, 4, opt=opt)
    assert got == want and type(got) is float


@pytest.mark.parametrize("opt", OPTS)
def test_array_arguments_are_numpy_arrays(opt):
    a = np.arange(5.0)
    got, want = both(array_argument, a, opt=opt)
    assert got == want == 60.0


def test_the_callee_sees_the_objects_cpython_passes():
    seen = []

    def record(*args):
        seen.append(tuple(type(a) for a in args))

    def f(x, a):
        py_call(record, None, x, a[0], (x, a[1]), a, "text")

    a = np.arange(3, dtype=np.float32)
    compile(f)(2, a)
    f(2, a)
    assert seen[0] == seen[1] == (int, np.float32, tuple, np.ndarray, str)


def test_called_each_time_the_code_gets_there():
    calls = []

    def count(i):
        calls.append(i)
        return i * i

    def f(n):
        total = 0
        for i in range(n):
            if i % 2 == 0:
                total += py_call(count, int, i)
        return total

    g = compile(f)
    assert g(7) == f(7)
    assert calls == [0, 2, 4, 6] * 2
    assert "py.call" in g.inspect_ir()


@pytest.mark.parametrize("opt", OPTS)
@pytest.mark.parametrize("kernel, args", [(raising, (3,)), (raising_in_loop, (3,))])
def test_exceptions_propagate_with_their_type_and_message(opt, kernel, args):
    with pytest.raises(Exception) as want:
        kernel(*args)
    with pytest.raises(want.type) as got:
        compile(kernel, opt=opt)(*args)
    assert str(got.value) == str(want.value)


def test_arrays_are_read_only_in_the_callee():
    def write(a):
        a[0] = 1.0

    @compile
    def f(a):
        py_call(write, None, a + 1.0)

    with pytest.raises(ValueError, match="read-only"):
        f(np.zeros(3))


# ------------------------------------------------------------- result types
@pytest.mark.parametrize("result_type, value, want", [
    ("f64", 2, np.float64(2.0)), (float, 2, 2.0), ("f4", 0.1, np.float32(0.1)), (np.float32, 1, np.float32(1)),
    ("i64", 7, np.int64(7)), (int, np.int16(7), 7), ("i32", -5, np.int32(-5)), (np.uint8, 255, np.uint8(255)),
    ("u64", 2**64 - 1, np.uint64(2**64 - 1)), ("bool", np.bool_(True), np.True_), (bool, False, False),
    ("c128", 1 + 2j, np.complex128(1 + 2j)), (complex, 3, 3 + 0j), (np.complex64, 0.5j, np.complex64(0.5j)),
    (None, "anything", None),
])
def test_declared_result_types(result_type, value, want):
    @compile
    def f():
        return py_call(lambda: value, result_type)

    got = f()   # (a result of type f64, i64, bool or c128 is returned as a Python number)
    assert got == want and np.asarray(got).dtype == np.asarray(want).dtype, (got, want)


def test_python_types_give_python_numbers_numpy_types_numpy_scalars():
    x = np.float32(2)

    @compile
    def f(x):
        return py_call(lambda: 0.5, float, ) * x, py_call(lambda: 0.5, np.float64) * x

    got = f(x)
    want = (0.5 * x, np.float64(0.5) * x)
    assert [np.asarray(v).dtype for v in got] == [np.asarray(v).dtype for v in want] == [np.float32, np.float64]


@pytest.mark.parametrize("result_type, value, error, message", [
    ("f64", "1.0", TypeError, "py_call of <lambda>() returned str, which does not convert to the declared "
                              "result type float64"),
    ("i64", 1.5, TypeError, "returned float, which does not convert to the declared result type int64"),
    (bool, 1, TypeError, "returned int, which does not convert to the declared result type bool"),
    ("f64", 1j, TypeError, "returned complex, which does not convert"),
    ("i64", None, TypeError, "returned NoneType"),
    ("i32", 2**31, OverflowError, "returned 2147483648, out of the range of the declared result type int32"),
    (np.uint8, -1, OverflowError, "out of the range of the declared result type uint8"),
    ("f64[:]", "abc", TypeError, "returned a str (as an array: 0-d <U3), which does not convert to the declared "
                                 "result type 1-d float64 array"),
    ("f64[:]", [[1.0]], TypeError, "(as an array: 2-d float64), which does not convert"),
    ("i64[:]", [1.5], TypeError, "1-d float64), which does not convert to the declared result type 1-d int64"),
    ("f64[:]", [1, "a"], TypeError, "returned a list (as an array: 1-d <U"),
    ("f64[:]", [[1.0], [1.0, 2.0]], TypeError, "inhomogeneous"),
    ("f64[:]", [1, 2], None, None),
])
def test_results_that_do_not_convert(result_type, value, error, message):
    @compile
    def f():
        return py_call(lambda: value, result_type)

    if error is None:   # a list of ints converts
        assert np.array_equal(f(), value)
        return
    with pytest.raises(error) as raised:
        f()
    assert message in str(raised.value)


@pytest.mark.parametrize("opt", OPTS)
def test_array_results_are_new_arrays(opt):
    got, want = both(array_result, 4, opt=opt)
    assert got.dtype == want.dtype and np.array_equal(got, want)
    got = compile(array_2d_result, opt=opt)(2)
    assert got.dtype == np.int64 and got.flags.c_contiguous and np.array_equal(got, grid(2))
    assert compile(array_result, opt=opt)(0).shape == (0,)


def test_array_results_of_nested_callbacks():
    """A callee that runs compiled code with array results of its own, between the call and the copy."""
    inner = compile(array_result)

    def outer_values(n):
        return inner(n) + 1.0

    @compile
    def f(n):
        return py_call(outer_values, "f8[:]", n) + py_call(ramp, "f8[:]", n)

    assert np.array_equal(f(3), outer_values(3) + np.array(ramp(3)))


@pytest.mark.parametrize("result_type, message", [
    ("f64[::1, :]", "an array result is a new C-contiguous array"),
    ("nothing", "unknown type 'nothing'"),
    (dict, "is not a type compiled code has"),
    ("generator", "a generator cannot come back from Python"),
])
def test_result_types_refused_at_compile_time(result_type, message):
    @compile
    def f(x):
        return py_call(gamma, result_type, x)

    with pytest.raises(TypingError, match=message):
        f(1.0)


def test_refused_callees_and_arguments():
    @compile
    def not_callable(x):
        return py_call(3, float, x)

    with pytest.raises(TypingError, match="needs a Python function to call"):
        not_callable(1.0)

    @compile
    def run_time_type(x):
        return py_call(gamma, x, x)

    with pytest.raises(TypingError, match="the result type must be a constant"):
        run_time_type(1.0)


def test_outside_compiled_code_it_calls_the_function():
    assert py_call(gamma, "f64", 3.0) == 2.0
    assert py_call(max, int, 1, 4) == 4
