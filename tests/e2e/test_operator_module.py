"""The ``operator`` module's functions, ``bin``/``hex``/``oct`` and ``hash`` of tuples in compiled
code, against CPython on the same inputs: values of the same Python type, and the same
exceptions (type; message and line where CPython's are located, ``support.LOCATED``)."""
import operator
import sys

import numpy as np
import pytest

from ir import TypingError, UnsupportedError

from .support import I64MAX, I64MIN, OPT_LEVELS, CompiledCache, assert_matches_cpython, outcome

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


# ----------------------------------------------------------------- the operator module
def arithmetic(a, b):
    return (operator.add(a, b), operator.sub(a, b), operator.mul(a, b), operator.neg(a), operator.pos(b),
            operator.abs(a), operator.iadd(a, b), operator.isub(a, b), operator.imul(a, b))


def divisions(a, b):
    return operator.truediv(a, b), operator.floordiv(a, b), operator.mod(a, b)


def divisions_in_place(a, b):
    return operator.itruediv(a, b), operator.ifloordiv(a, b), operator.imod(a, b)


def comparisons(a, b):
    return (operator.lt(a, b), operator.le(a, b), operator.eq(a, b), operator.ne(a, b), operator.gt(a, b),
            operator.ge(a, b))


def truths(a):
    return operator.not_(a), operator.truth(a), operator.not_(operator.not_(a))


def bits(a, b):
    return (operator.and_(a, b), operator.or_(a, b), operator.xor(a, b), operator.invert(a), operator.inv(b),
            operator.iand(a, b), operator.ior(a, b), operator.ixor(a, b))


def shifts(a, k):
    return operator.lshift(a, k), operator.rshift(a, k), operator.ilshift(a, k), operator.irshift(a, k)


def powers(a, k):
    return operator.pow(a, k), operator.ipow(a, k)


def indexes(a):
    return operator.index(a), operator.index(a) - 1


NUMBERS = [0, 1, -1, 7, -7, 3, I64MAX, I64MIN + 1, 0.0, -0.0, 2.5, -2.5, 1e300, float("inf"), float("nan"), True,
           False]
PAIRS = [(a, b) for a in NUMBERS for b in NUMBERS[:8] + [0.5, -0.0, True, float("inf")]]


def fits(*values):
    """Both CPython's results fit in 64 bits (big ints are documented to overflow)."""
    try:
        results = arithmetic(*values)
    except (ArithmeticError, ValueError):
        return True
    return all(not isinstance(r, int) or I64MIN <= r <= I64MAX for r in results)


@pytest.mark.parametrize("a, b", [p for p in PAIRS if fits(*p)])
def test_arithmetic_and_comparisons_of_python_numbers(a, b):
    check(arithmetic, a, b)
    check(comparisons, a, b)


@pytest.mark.parametrize("a, b", [(7, 2), (-7, 2), (7, -2), (0, 5), (7, 0), (2.5, 0.0), (-2.5, 0), (0, 0.0),
                                  (I64MIN + 1, -1), (7.5, 2), (-0.0, 3.0), (float("inf"), 2.0), (True, 2),
                                  (5, False), (1e308, 1e-308), (-1e-308, float("inf"))])
def test_divisions(a, b):
    """By zero: CPython's ZeroDivisionError and message, at the line of the call."""
    check(divisions, a, b)
    check(divisions_in_place, a, b)


@pytest.mark.parametrize("a", NUMBERS)
def test_truth(a):
    check(truths, a)


@pytest.mark.parametrize("a, b", [(12, 10), (-12, 10), (0, -1), (I64MAX, I64MIN), (True, False), (True, 6),
                                  (False, True)])
def test_bitwise(a, b):
    check(bits, a, b)


@pytest.mark.parametrize("a, k", [(1, 3), (-5, 2), (1000, 0), (7, -1), (-1, 62), (12345, 40)])
def test_shifts(a, k):
    """A negative count: CPython's ValueError."""
    check(shifts, a, k)


@pytest.mark.parametrize("a, k", [(3, 2), (-2, 3), (2.5, 2), (2.0, 0.5), (-8.0, 3), (0.0, 0), (10, 18), (2, True)])
def test_powers(a, k):
    check(powers, a, k)


@pytest.mark.parametrize("a", [5, -5, 0, True, False, I64MAX, 2.5, float("nan"), 1j, "3"])
def test_index(a):
    """An int or bool is the int itself; anything else CPython's TypeError."""
    check(indexes, a)


def numpy_scalars(a, b, i):
    x, y = a[i], b[i]
    return (operator.add(x, y), operator.mul(x, y), operator.truediv(x, y), operator.lt(x, y), operator.neg(x),
            operator.not_(x), operator.truth(y), operator.index(b[0]), operator.floordiv(x, y))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("dtype", [np.float32, np.int8, np.int64, np.uint16])
@pytest.mark.parametrize("i", [0, 1, 2])
def test_numpy_scalars(dtype, i):
    """NumPy's types and wrap-around (int8 100 + 100 is -56); ``index`` of a NumPy int a Python int."""
    a = np.array([100, 0, 3], dtype)
    b = np.array([100, 7, 2], dtype) if dtype != np.float32 else np.array([1, 7, 2], np.int8)
    want = numpy_scalars(a, b, i)
    for opt in OPT_LEVELS:
        got = compiled(numpy_scalars, opt)(a, b, i)
        # compiled code returns an int64, float64 or bool NumPy scalar as the Python number
        assert [np.asarray(v).dtype for v in got] == [np.asarray(v).dtype for v in want]
        assert got == want


def divide_elements(a, b):
    return a[0] / b[0], a[0] // b[0], a[0] % b[0]


def divide_elements_by_operator(a, b):
    return operator.truediv(a[0], b[0]), operator.floordiv(a[0], b[0]), operator.mod(a[0], b[0])


@pytest.mark.parametrize("a", [np.array([1.5], np.float32), np.array([-3], np.int16)])
def test_numpy_scalars_by_zero_as_the_operators(a):
    """By a NumPy zero the functions raise what ``/``, ``//`` and ``%`` raise in compiled code."""
    b = np.zeros(1, a.dtype)
    for opt in OPT_LEVELS:
        want = outcome(compiled(divide_elements, opt), (a, b))
        got = outcome(compiled(divide_elements_by_operator, opt), (a, b))
        assert (got[0], type(got[1]), str(got[1])) == (want[0], type(want[1]), str(want[1]))


def on_arrays(a, b):
    return (operator.add(a, b), operator.mul(a, 2.0), operator.truediv(a, b), operator.neg(a), operator.lt(a, b),
            operator.matmul(a, b), operator.abs(operator.sub(b, a)))


def in_place_on_an_array(a, b):
    operator.iadd(a, b)
    operator.itruediv(a, 2.0)
    return a


def test_arrays():
    a, b = np.array([[1.0, -2.0], [3.0, 0.5]]), np.array([[2.0, 4.0], [-1.0, 0.25]])
    want = on_arrays(a, b)
    for opt in OPT_LEVELS:
        got = compiled(on_arrays, opt)(a, b)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)
        a1, a2 = a.copy(), a.copy()
        np.testing.assert_array_equal(compiled(in_place_on_an_array, opt)(a1, b), in_place_on_an_array(a2, b))
        np.testing.assert_array_equal(a1, a2)


def identities(n):
    v = None
    if n > 2:
        v = n
    w = 1.5
    return operator.is_(v, None), operator.is_not(v, None), operator.is_(w, w), operator.is_not(w, None)


def narrowed(n):
    v = None
    if n > 2:
        v = n * 2
    if operator.is_not(v, None):
        return v + 1
    return -1


@pytest.mark.parametrize("n", [5, 1])
def test_is_and_is_not(n):
    """A value that may be None tested against None at run time; a test with is_not narrows it."""
    check(identities, n)
    check(narrowed, n)


def items(x, i, a, s):
    t = (x, 2.5, -1.0)
    return (operator.getitem(t, i), float(operator.getitem(a, i)), operator.getitem(s, i),
            operator.contains((1, 2, 3), i), operator.contains(s, "b"), operator.contains(range(0, 10, 3), i))


@pytest.mark.parametrize("i", [0, 1, 2, -1, -3, 3, 6, -4])
def test_getitem_and_contains(i):
    """As ``t[i]`` and ``x in c``: CPython's IndexError out of range."""
    check(items, 0.5, i, np.array([1.0, 2.0, 3.0]), "abc")


def stores(a, i, v):
    operator.setitem(a, i, v)
    return float(a[0] + a[1])


@pytest.mark.parametrize("i", [0, 1, -2, 2])
def test_setitem(i):
    a = np.array([1.0, 2.0])
    for opt in OPT_LEVELS:
        a1, a2 = a.copy(), a.copy()
        assert_matches_cpython(stores, compiled(stores, opt), (a1, i, 5.5), MODULE)
        outcome(stores, (a2, i, 5.5))
        np.testing.assert_array_equal(a1, a2)


def getters(x, y):
    t = (x, y, x + y)
    first, ends = operator.itemgetter(0), operator.itemgetter(0, -1)
    return first(t), ends(t), GLOBAL_GETTER(t), operator.attrgetter("real")(x), operator.methodcaller("conjugate")(y)


GLOBAL_GETTER = operator.itemgetter(1)


@pytest.mark.parametrize("x, y", [(1, 2), (2.5, -1.0)])
def test_itemgetter_attrgetter_methodcaller(x, y):
    """Made of constants (in the function or outside it), called on run-time values."""
    check(getters, x, y)


def strings(s, t):
    return operator.add(s, t), operator.concat(s, t), operator.mul(s, 2), operator.lt(s, t), operator.eq(s, t)


@pytest.mark.parametrize("s, t", [("ab", "cd"), ("", "z"), ("b", "a")])
def test_run_time_strings(s, t):
    check(strings, s, t)


def concat_numbers(a, b):
    return operator.concat(a, b)


def test_concat_of_numbers_is_cpythons_type_error():
    check(concat_numbers, 1, 2)
    check(concat_numbers, 1.5, 2.5)


def constants(n):
    return operator.add(2, 3) * n, operator.truediv(1, 4) * n, operator.countOf((1, 2, 1), 1) * n, \
        operator.indexOf((5, 6, 7), 7) * n, operator.length_hint((1, 2)) * n


def constant_division_by_zero(n):
    if n > 0:
        return operator.truediv(1, 0)
    return operator.mod(n, 1.0)


def test_constants_fold_and_raise_where_the_path_runs():
    check(constants, 3)
    check(constant_division_by_zero, 1)
    check(constant_division_by_zero, -1)


def numpy_model(a, b):
    return operator.truediv(a, b), operator.floordiv(a, b), operator.mod(a, b), operator.truediv(1, 0)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_divisions_follow_the_error_model():
    """With ``error_model="numpy"`` the functions divide as ``/``, ``//`` and ``%`` do there."""
    from compiler import compile

    fn = compile(numpy_model, error_model="numpy")
    assert fn(7, 0) == (float("inf"), 0, 0, float("inf"))
    assert fn(7, 2) == (3.5, 3, 1, float("inf"))


def count_of(a, x):
    return operator.countOf((a, 2), x)


def getter_of_a_run_time_key(t, i):
    return operator.itemgetter(i)(t)


def test_the_others_are_refused_with_run_time_values():
    with pytest.raises(UnsupportedError, match=r"operator\.countOf\(\) of run-time values is not supported"):
        compiled(count_of, 0)(1, 2)
    with pytest.raises(UnsupportedError, match=r"operator\.itemgetter\(\) of run-time values is not supported"):
        compiled(getter_of_a_run_time_key, 0)((1.0, 2.0), 1)
