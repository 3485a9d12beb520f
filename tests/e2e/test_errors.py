"""Errors: compile-time errors for unsupported code, and run-time exceptions.

A compile-time error must be the right ``CompileError`` subclass and say
where: ``test_errors.py:LINE:COL``, the source line with a caret under it,
and what is wrong.  Each function below marks the line the error must point
at with a ``# <-`` comment.  Run-time errors must be CPython's exception and
message, raised from a frame of the line (``kernels.py:LINE``) as the traceback's last.
"""
import builtins
import math
import sys

import numpy as np
import pytest

from compiler import compile, py_call
from ir import CompileError, TypingError, UnsupportedError

from . import kernels as K
from .support import CARET_LINE, OPT_LEVELS, CompiledCache, assert_located, line_of

MARK = "# <-"
SOME_GLOBAL = 0


# ------------------------------------------------------------------ functions that do not compile
def calls_python_inside_try(x):
    try:
        return py_call(abs, float, x)  # <-
    except ValueError:
        return 0.0


def uses_with(x):
    with open("data.txt") as handle:  # <-
        return x + len(handle.read())


def uses_yield(n):
    for i in range(n):
        yield i  # <-


def defines_class(x):
    class Point:  # <-
        pass
    return x


def decorates_nested_def(x):
    @staticmethod  # <-
    def inner(y):
        return y + 1
    return inner(x)


def uses_global(x):
    global SOME_GLOBAL  # <-
    SOME_GLOBAL = x
    return x


def _make_nonlocal_user():
    total = 0

    def bump(x):
        nonlocal total  # <-
        total += x
        return total
    return bump


uses_nonlocal = _make_nonlocal_user()


def uses_del(x):
    y = x
    del y  # <-
    return x


def imports_inside(x):
    import math  # <-
    return math.sqrt(x)


def uses_walrus(x):
    if (y := x * 2) > 3:  # <-
        return y
    return 0


def uses_match(x):
    match x:  # <-
        case 0:
            return 1
        case _:
            return 2


def star_assignment(x):
    a, *rest = (x, x, x)  # <-
    return a


async def async_kernel(x):  # <-
    return x


def string_concat(x):
    return "value: " + x  # <-


def stores_a_float_in_an_int_list(n):
    out = [0]
    for i in range(n):
        out.append(i * 0.5)  # <-
    return out


def function_or_int(x):
    if x > 0:  # <-
        y = abs
    else:
        y = 1
    return y


def tuple_or_int(x):
    if x > 0:  # <-
        t = (x, x)
    else:
        t = x
    return t


def clips_into(a):
    np.clip(a, 0.2, 0.8, out=a)  # <-
    return a


def ravels_in_fortran_order(a):
    return a.ravel(order="F")  # <-


def sums_where(a):
    return np.sum(a, where=a > 0.5)  # <-


def reads_unassigned(x):
    r = y + x  # <-
    y = 2
    return r


def recursion_without_base_case(n):
    return recursion_without_base_case(n - 1) + 1  # <-


COMPILE_ERRORS = [
    (calls_python_inside_try, (1.0,), UnsupportedError, "compiled code cannot catch exceptions of calls yet"),
    (uses_with, (1,), UnsupportedError, "the with statement is not supported"),
    (uses_yield, (3,), UnsupportedError, "a compiled function cannot be a generator"),
    (defines_class, (1,), UnsupportedError, "a class definition is not supported"),
    (decorates_nested_def, (1,), UnsupportedError, "a decorator on a nested def is not supported"),
    (uses_global, (1,), UnsupportedError, "the global statement is not supported"),
    (uses_nonlocal, (1,), UnsupportedError, "the nonlocal statement is not supported"),
    (uses_del, (1,), UnsupportedError, "del is not supported"),
    (imports_inside, (1.0,), UnsupportedError, "import inside a function is not supported"),
    (uses_walrus, (1,), UnsupportedError, "the walrus operator := is not supported"),
    (uses_match, (1,), UnsupportedError, "match is not supported"),
    (star_assignment, (1,), UnsupportedError, "starred assignment"),
    (async_kernel, (1,), UnsupportedError, "async def is not supported"),
    (string_concat, (1,), TypingError, "str"),
    (stores_a_float_in_an_int_list, (3,), TypingError, "holds int items; storing a float"),
    (function_or_int, (1,), TypingError, "incompatible types"),
    (tuple_or_int, (1,), TypingError, "incompatible types"),
    (recursion_without_base_case, (3,), TypingError, "a base case"),
    # arguments our functions do not take: never Python's TypeError about our code at run time
    (clips_into, (np.ones(3),), UnsupportedError,
     "np.clip() is not supported with these arguments in compiled code (it got an unexpected keyword argument 'out')"),
    (ravels_in_fortran_order, (np.ones(3),), UnsupportedError, "ndarray.ravel() is not supported with these arguments"),
    (sums_where, (np.ones(3),), UnsupportedError, "np.sum() is not supported with these arguments"),
]


def compile_error(func, args):
    """The CompileError compiling ``func`` for ``args`` raises."""
    with pytest.raises(CompileError) as info:
        compile(func)(*args)
    return info.value


@pytest.mark.parametrize("func, args, cls, phrase", COMPILE_ERRORS, ids=[c[0].__name__ for c in COMPILE_ERRORS])
def test_compile_time_error(func, args, cls, phrase):
    err = compile_error(func, args)
    message = str(err)
    assert type(err) is cls, f"{type(err).__name__}: {message}"
    assert f"test_errors.py:{line_of(func, MARK)}:" in message
    assert CARET_LINE.search(message), message
    assert phrase in message


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_read_before_any_assignment_raises_when_reached(opt):
    with pytest.raises(UnboundLocalError) as cpython:
        reads_unassigned(1)
    with pytest.raises(UnboundLocalError) as got:
        compile(reads_unassigned, opt=opt)(1)
    assert_located(got.value, cpython.value, sys.modules[__name__], line_of(reads_unassigned, MARK))


def test_error_classes_subclass_as_documented():
    assert issubclass(UnsupportedError, CompileError)
    assert issubclass(TypingError, CompileError) and issubclass(TypingError, TypeError)
    assert isinstance(compile_error(string_concat, (1,)), TypeError)


def test_merge_conflict_names_both_types():
    message = str(compile_error(function_or_int, (1,)))
    assert "Python builtin_function_or_method" in message and "i64" in message and "'y'" in message


def test_caret_points_at_the_column():
    message = str(compile_error(string_concat, (1,)))
    source, caret = message.splitlines()[1:3]
    assert source.strip() == 'return "value: " + x  # <-'
    column = caret.index("^")
    assert source[column:].startswith(('"value', "return")), message


def test_function_without_source():
    namespace = {}
    code = builtins.compile("def made_by_exec(x):\n    return x + 1\n", "<generated>", "exec")
    exec(code, namespace)
    err = compile_error(namespace["made_by_exec"], (1,))
    assert type(err) is CompileError
    assert "made_by_exec" in str(err) and "source" in str(err) and "not available" in str(err)
    assert "<generated>:1:" in str(err)


def test_calling_with_bytes():
    with pytest.raises(TypeError) as info:
        compile(K.square)(b"abc")
    assert not isinstance(info.value, CompileError)
    assert "argument 'x' has unsupported type bytes" in str(info.value)
    assert "accept bool, int (64-bit), float, complex" in str(info.value)


# ------------------------------------------------------------------ run-time errors
compiled = CompiledCache()

RUNTIME_ERRORS = [
    (K.int_floordiv, (1, 0), ZeroDivisionError, "integer division or modulo by zero", "return a // b"),
    (K.int_mod, (1, 0), ZeroDivisionError, "integer modulo by zero", "return a % b"),
    (K.int_true_div, (1, 0), ZeroDivisionError, "division by zero", "return a / b"),
    (K.float_div, (1.0, 0.0), ZeroDivisionError, "float division by zero", "return x / y"),
    (K.float_floordiv, (1.0, 0.0), ZeroDivisionError, "float floor division by zero", "return x // y"),
    (K.float_mod, (1.0, 0.0), ZeroDivisionError, "float modulo", "return x % y"),
    (K.builtin_divmod, (1, 0), ZeroDivisionError, "integer division or modulo by zero", "return divmod(a, b)"),
    (K.builtin_divmod, (1.0, 0.0), ZeroDivisionError, "float divmod()", "return divmod(a, b)"),
    (K.math_sqrt, (-1.0,), ValueError, "math domain error", "math.sqrt(x)"),
    (K.math_log, (0.0,), ValueError, "math domain error", "math.log(x)"),
    (K.math_exp, (1000.0,), OverflowError, "math range error", "math.exp(x)"),
    (K.float_power, (10.0, 400.0), OverflowError, "(34, 'Numerical result out of range')", "return x ** y"),
    (K.float_power, (0.0, -1.0), ZeroDivisionError, "0.0 cannot be raised to a negative power", "return x ** y"),
    (K.maybe_unbound, (-1,), UnboundLocalError,
     "cannot access local variable 'y' where it is not associated with a value", "return y"),
    (K.assert_positive, (0,), AssertionError, "n must be positive", "assert n > 0"),
    (K.assert_no_message, (0.0,), AssertionError, "", "assert x != 0.0"),
    (K.checked_sqrt, (-1.0,), ValueError, "negative input", "raise ValueError"),
    (K.raise_else_binds, (-1.0,), ValueError, "x must not be negative", "raise ValueError"),
    (K.range3_sum, (0, 10, 0), ValueError, "range() arg 3 must not be zero", "for i in range(a, b, step)"),
    (K.int_shifts, (1, -1), ValueError, "negative shift count", "return a << b"),
    (K.builtin_int_float_bool, (float("nan"),), ValueError, "cannot convert float NaN to integer", "return int(x)"),
    (K.builtin_round, (float("inf"),), OverflowError, "cannot convert float infinity to integer", "return round(x)"),
    (K.error_in_helper, (1, 0), ZeroDivisionError, "integer division or modulo by zero", None),
]


@pytest.mark.parametrize("opt", OPT_LEVELS)
@pytest.mark.parametrize("kernel, args, exc, message, marker", RUNTIME_ERRORS,
                         ids=[f"{c[0].__name__}{c[1]!r}" for c in RUNTIME_ERRORS])
def test_run_time_error(kernel, args, exc, message, marker, opt):
    with pytest.raises(exc) as cpython:
        kernel(*args)
    assert str(cpython.value) == message
    line = line_of(kernel, marker) if marker else line_of(K.helper_divides, "return a // b")
    with pytest.raises(exc) as got:
        compiled(kernel, opt)(*args)
    assert_located(got.value, message, K, line)


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_run_time_error_leaves_the_function_usable(opt):
    f = compiled(K.int_floordiv, opt)
    for _ in range(3):
        with pytest.raises(ZeroDivisionError):
            f(5, 0)
        assert f(7, 2) == 3


def unknown_method(x):
    return x.bit_length()  # <- unknown attribute


def test_unknown_attribute_of_a_traced_value_is_a_located_typing_error():
    from compiler import compile
    from ir import TypingError

    with pytest.raises(TypingError) as info:
        compile(unknown_method)(3)
    message = str(info.value)
    assert "has no attribute 'bit_length'" in message
    assert f"test_errors.py:{unknown_method.__code__.co_firstlineno + 1}:" in message


def dict_lookup(x):
    table = {1: 2}
    return table[x]  # <- dict lookup


def test_python_dict_indexed_by_a_traced_value_is_looked_up_at_run_time():
    from compiler import compile

    assert compile(dict_lookup)(1) == 2
    with pytest.raises(KeyError, match="5"):   # CPython's KeyError (frontend.dicts)
        compile(dict_lookup)(5)


def overflow_caught(x):
    try:
        return (2.5 * x) ** 2, 0, ""
    except OverflowError as e:
        return 0.0, e.args[0], e.args[1]


def test_float_power_overflow_has_cpythons_errno_arguments():
    """CPython raises it as OverflowError(34, 'Numerical result out of range'): two arguments,
    caught or not (fuzz final-s14-119 printed e.args)."""
    assert compile(overflow_caught)(1e300) == overflow_caught(1e300)
    with pytest.raises(OverflowError) as got:
        compile(K.float_power)(10.0, 400.0)
    assert got.value.args == (34, "Numerical result out of range")


def _math_of(name):
    fn = getattr(__import__("math"), name)

    def kernel(x):
        return fn(x)
    return kernel


_MATH_INPUTS = (0.0, -0.0, 1.0, -1.0, 0.5, 2.0, -2.0, 710.0, -710.0, 1e300, -1e300, 5e-324, float("inf"),
                float("-inf"), float("nan"))


@pytest.mark.parametrize("name", ["sqrt", "exp", "expm1", "exp2", "log2", "log10", "log1p", "sin", "cos", "tan",
                                  "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "erf",
                                  "erfc", "fabs", "cbrt"])
def test_math_functions_raise_where_cpython_does(name):
    """Each one-argument math function, over zeros, signs, overflowing and special values: the
    value or the exception CPython gives (some checks are left out where the C library's result
    cannot be NaN or infinite: this sweep holds them to it)."""
    import math

    if not hasattr(math, name):
        pytest.skip(f"math.{name} is not in this Python")
    kernel = _math_of(name)
    compiled = compile(kernel)
    for x in _MATH_INPUTS:
        try:
            want = kernel(x)
        except (ValueError, OverflowError) as err:
            with pytest.raises(type(err), match=str(err)):
                compiled(x)
        else:
            got = compiled(x)
            assert got == want or (math.isnan(got) and math.isnan(want)), (name, x, got, want)


def _root_of_squares(x):
    s = 0.0
    for v in x:
        s += v * v
    return math.sqrt(s)


def _root_of_squares_from(x, start):
    s = start
    for v in x:
        s += v * v
    return math.sqrt(s)


def _root_of_a_difference(x):
    s = 0.0
    for v in x:
        s += v * v
    return math.sqrt(s - 1.0)


@pytest.mark.parametrize("kernel", [_root_of_squares, _root_of_squares_from, _root_of_a_difference])
def test_the_square_root_of_a_sum_of_squares_raises_only_where_cpython_does(kernel):
    """The domain check of ``math.sqrt`` goes where its argument cannot be below zero (a sum
    of squares from 0.0), and stays where it can (another start, a difference)."""
    compiled = compile(kernel)
    starts = (0.0, 2.0, -0.0, -1.0, -100.0) if kernel is _root_of_squares_from else (None,)
    for x in (np.array([]), np.array([0.5, -2.0]), np.array([0.25]), np.array([np.nan]), np.array([np.inf, 1.0])):
        for start in starts:
            args = (x,) if start is None else (x, start)
            try:
                want = kernel(*args)
            except ValueError as err:
                with pytest.raises(ValueError, match=str(err)):
                    compiled(*args)
            else:
                got = compiled(*args)
                assert got == want or (math.isnan(got) and math.isnan(want)), (x, start, got, want)
    checks = compiled.inspect_ir(stage="optimized").count("math domain error")
    assert checks == (0 if kernel is _root_of_squares else 1)


def _root_of_a_quotient(d):
    s = np.float64(2.0) / np.sqrt(d)     # NumPy's division: -inf for d = -0.0 (its root is -0.0)
    s += 1.0
    return math.sqrt(s)


def test_a_quotient_is_no_sum_of_squares():
    """``2.0 / -0.0`` is -inf under NumPy's error model: the square root's domain check stays."""
    compiled = compile(_root_of_a_quotient, error_model="numpy")
    with np.errstate(divide="ignore"), pytest.raises(ValueError, match="math domain error"):
        _root_of_a_quotient(np.float64(-0.0))
    with np.errstate(divide="ignore"), pytest.raises(ValueError, match="math domain error"):
        compiled(np.float64(-0.0))
    assert compiled(np.float64(2.0)) == _root_of_a_quotient(np.float64(2.0))
