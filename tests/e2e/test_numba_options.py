"""Numba's options of ``compile``: taken (``error_model``, ``nogil``, ``nopython=True``) or
refused with what to do instead."""
import math

import numpy as np
import pytest

from compiler import compile
from ir import UnsupportedError


def divisions(a, x, n):
    e = a[0]
    return e / x, e // x, e % x, 1.5 / x, -1.5 // x, 2.5 % x, 7 // n, 7 % n, 7 / n, np.int8(-7) // np.int8(n)


@pytest.mark.parametrize("x, n", [(0.0, 0), (-0.0, 0), (2.0, 3), (-4.0, -3)])
@pytest.mark.parametrize("element", [1.5, -1.5, 0.0, np.inf])
def test_error_model_numpy_divides_by_zero_as_numpy(element, x, n):
    """NumPy's ufuncs' results (inf, -inf, NaN, 0) where Python raises ZeroDivisionError."""
    a = np.array([element])
    got = compile(divisions, error_model="numpy")(a, x, n)
    e = a[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        want = (np.true_divide(e, x), np.floor_divide(e, x), np.remainder(e, x), np.true_divide(1.5, x),
                np.floor_divide(-1.5, x), np.remainder(2.5, x), np.floor_divide(7, n), np.remainder(7, n),
                np.true_divide(7, n), np.floor_divide(np.int8(-7), np.int8(n)))
    assert np.array(got, dtype=object).astype(str).tolist() == np.array(want, dtype=object).astype(str).tolist()


def test_error_model_python_raises():
    with pytest.raises(ZeroDivisionError, match="float division by zero"):
        compile(divisions)(np.ones(1), 0.0, 1)
    with pytest.raises(ValueError, match="error_model"):
        compile(divisions, error_model="c")


def squares(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def test_nogil_releases_the_gil_around_every_call():
    f = compile(squares, nogil=True)
    assert [f(1000) for _ in range(3)] == [squares(1000)] * 3   # the third call takes the native path


@pytest.mark.parametrize("option, message", [
    ({"nopython": False}, "no object mode"), ({"forceobj": True}, "no object mode"),
    ({"inline": "always"}, "inline pass"), ({"locals": {"x": "f8"}}, "inferred"),
])
def test_numbas_other_options_are_refused_saying_what_to_do(option, message):
    with pytest.raises(UnsupportedError, match=message):
        compile(squares, **option)


def test_false_flags_are_accepted_and_unknown_keywords_are_type_errors():
    assert compile(squares, cache=False, parallel=False, nopython=True)(4) == 14
    assert compile(squares, parallel=True)(4) == 14
    with pytest.raises(TypeError, match="unexpected keyword argument 'fast'; its options are"):
        compile(squares, fast=True)


def constant_modulo():
    i = 13 % (0 or 0)
    return i


def constant_divisions(x):
    return x // 0.0, 7 // 0, 7.0 % 0.0, 1 / 0


def augmented_modulo(p):
    p = 0
    p %= p
    return p


def nested_constant_division():
    i = 998988
    return ((7 // (i - i)) % (i - 1)) % 1000003


@pytest.mark.parametrize("fn, args, want", [(constant_modulo, (), 0), (augmented_modulo, (5,), 0),
                                            (nested_constant_division, (), 0)])
def test_numpy_error_model_numbers_known_while_compiling(fn, args, want):
    """Python numbers known while compiling divide by zero as run-time ones do under the
    NumPy error model (they raised ZeroDivisionError when computed while compiling)."""
    assert compile(fn, error_model="numpy")(*args) == want
    with pytest.raises(ZeroDivisionError):
        compile(fn)(*args)


def test_numpy_error_model_constant_float_divisions():
    got = compile(constant_divisions, error_model="numpy")(2.0)
    assert got[0] == math.inf and got[1] == 0 and math.isnan(got[2]) and got[3] == math.inf


def constant_division_on_a_path(n):
    if n > 3:
        return 1.0 / 0
    return n


def test_constant_division_by_zero_raises_where_its_path_runs():
    """Numbers known while compiling that divide by zero raise on their path when it runs (the
    error must not escape the compiler)."""
    fn = compile(constant_division_on_a_path)
    assert fn(1) == 1
    with pytest.raises(ZeroDivisionError, match="float division by zero"):
        fn(5)
