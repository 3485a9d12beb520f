"""The ``operator`` module's functions, ``bin``/``hex``/``oct`` and ``hash`` of tuples in compiled
code, against CPython on the same inputs: values of the same Python type, and the same
exceptions (type; message and line where CPython's are located, ``support.LOCATED``)."""
import sys

import numpy as np
import pytest

from ir import TypingError

from .support import I64MAX, I64MIN, OPT_LEVELS, CompiledCache, assert_matches_cpython

MODULE = sys.modules[__name__]
compiled = CompiledCache()


def check(func, *args):
    for opt in OPT_LEVELS:
        assert_matches_cpython(func, compiled(func, opt), args, MODULE)


# ----------------------------------------------------------------- bin, hex, oct
def int_texts(n):
    return bin(n), hex(n), oct(n)


def text_lengths(n):
    return len(bin(n)) + len(hex(n)) * 100 + len(oct(n)) * 10000


def text_of_an_element(a, i):
    return bin(a[i]), hex(a[i]), oct(a[i])


def text_used_as_a_string(n):
    s = hex(n)
    return s[2:] + "|" + bin(n)[-3:], s == "0x10", s.upper()


def text_of_a_constant(n):
    return hex(-255) + oct(8) + bin(n > 3)


def text_of_a_bool(n):
    return bin(n > 0), hex(n == 0)


@pytest.mark.parametrize("n", [0, 1, -1, 10, -10, 255, 4096, I64MAX, I64MIN, True, False, 2 ** 31, -(2 ** 40) - 1])
def test_bin_hex_oct_of_ints(n):
    check(int_texts, n)
    check(text_lengths, n)
    check(text_used_as_a_string, n)
    check(text_of_a_constant, n)
    check(text_of_a_bool, n)


@pytest.mark.parametrize("a", [np.array([-128, 0, 127], np.int8), np.array([0, 2 ** 64 - 1, 7], np.uint64),
                               np.array([I64MIN, -1, I64MAX]), np.array([65535, 0, 1], np.uint16)])
@pytest.mark.parametrize("i", [0, 1, 2])
def test_bin_hex_oct_of_numpy_ints(a, i):
    """A NumPy integer is converted by its ``__index__``: an unsigned one above 2**63 too."""
    check(text_of_an_element, a, i)


def bin_of(x):
    return bin(x)


def hex_of(x):
    return hex(x)


def oct_of(x):
    return oct(x)


def hex_if_positive(x):
    return hex(x) if x > 0 else "none"


@pytest.mark.parametrize("fn", [bin_of, hex_of, oct_of])
@pytest.mark.parametrize("x", [1.5, -0.0, "12", 2j, np.float32(2.0), np.bool_(True), np.int16(-3)])
def test_bin_hex_oct_of_other_types(fn, x):
    """CPython's TypeError for a type without ``__index__`` (raised while compiling: a TypingError)."""
    check(fn, x)


@pytest.mark.parametrize("a", [np.array([True, False]), np.array([1.5]), np.arange(3)])
def test_bin_hex_oct_of_elements_and_arrays(a):
    check(lambda v: hex(v[0]), a)
    check(hex_of, a)


def test_the_type_error_is_a_typing_error_naming_the_line():
    with pytest.raises(TypingError, match="'float' object cannot be interpreted as an integer"):
        compiled(hex_of, 0)(2.5)


def maybe_none(n):
    v = None
    if n > 2:
        v = n * 3
    return oct(v)


@pytest.mark.parametrize("n", [5, 1])
def test_bin_hex_oct_of_a_value_that_may_be_none(n):
    """CPython's result where it is an int, its TypeError where it is None."""
    check(maybe_none, n)


# ----------------------------------------------------------------- hash
def hashes(x, n, b):
    return hash((x, n)), hash((n, (x, b), ())), hash((b,)), hash(((x,), n, 1.5, -1)), hash((n,)), hash(n)


def hash_of_elements(a, i):
    return hash((a[i], a[0])), hash((float(a[i]), int(a[0])))


@pytest.mark.parametrize("x, n, b", [
    (0.1, 5, True), (-0.0, -1, False), (float("inf"), I64MAX, True), (-float("inf"), I64MIN, False),
    (1e300, 2 ** 61 - 1, True), (2.0 ** 61, -2, False), (-1.0, 2 ** 61, True), (5e-324, 0, False),
])
def test_hash_of_tuples(x, n, b):
    """``hash`` of a tuple (nested, with bools, floats, ints that differ by CPython's modulus
    2**61 - 1, -1 whose hash is -2) is CPython's ``hash(t)``."""
    check(hashes, x, n, b)


@pytest.mark.parametrize("a", [np.array([0.1, -2.5, 1e20], np.float32), np.array([-1, 7, 2 ** 62]),
                               np.array([0, 2 ** 64 - 1, 3], np.uint64), np.array([True, False, True])])
@pytest.mark.parametrize("i", [0, 1, 2])
def test_hash_of_tuples_of_elements(a, i):
    """Elements are hashed as the NumPy scalars CPython holds (a float32's hash is its value's)."""
    check(hash_of_elements, a, i)


def hash_of_a_tuple_with_a_string(s, n):
    return hash((s, n)), hash((n, (s, 1.5)))


def test_hash_of_a_tuple_with_a_run_time_string():
    """A string is hashed by CPython in the same process: as the argument's own hash."""
    check(hash_of_a_tuple_with_a_string, "abc", 3)
