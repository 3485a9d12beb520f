"""Programs the fuzzer found miscompiled, reduced by hand; each against CPython."""
import numpy as np
import pytest

from compiler import compile


def elif_reads_what_a_sibling_branch_assigns(flag, x):
    if x > 10:
        flag = not flag  # assigned here, never read after the if
        x = 1
    elif flag:  # must see the parameter, not the sibling branch's value
        x = 2
    flag = x > 0
    return x


@pytest.mark.parametrize("opt", [0, 3])
@pytest.mark.parametrize("args", [(True, 20), (True, 5), (False, 5), (False, 20)])
def test_branches_start_from_the_state_before_the_if(opt, args):
    assert compile(elif_reads_what_a_sibling_branch_assigns, opt=opt)(*args) == \
        elif_reads_what_a_sibling_branch_assigns(*args)


def always_raises():
    return 1.0 / 0.0


def calls_a_function_that_always_raises(x):
    if x > 0:
        y = always_raises()
        return y + 1
    return 2.0


@pytest.mark.parametrize("opt", [0, 3])
def test_a_call_to_a_function_that_always_raises_ends_the_path(opt):
    fast = compile(calls_a_function_that_always_raises, opt=opt)
    assert fast(-1) == 2.0
    with pytest.raises(ZeroDivisionError, match="float division by zero"):
        fast(1)


def inner_loop_variable_never_read(p):
    s = 0
    for k in range(p):
        for j in range(p):
            s = s + 1
    return s


def self_assignment_in_a_loop_then_read_in_a_sibling_branch(p):
    x = 0.5
    if p > 100:
        for k in range(p):
            x = x
    elif x < 1.0:
        x = 2.0
    return x


@pytest.mark.parametrize("opt", [0, 3])
@pytest.mark.parametrize("kernel", [inner_loop_variable_never_read,
                                    self_assignment_in_a_loop_then_read_in_a_sibling_branch])
@pytest.mark.parametrize("p", [0, 3, 150])
def test_loops_retraced_or_branched_see_no_stale_values(opt, kernel, p):
    assert compile(kernel, opt=opt)(p) == kernel(p)


def stores_a_uint64_product(a, b):
    a[0:1, 0] = np.prod(b)   # NumPy converts the uint64 to a Python int, then through a C long
    return a


@pytest.mark.parametrize("opt", [0, 3])
def test_a_uint64_above_the_int64_range_stored_into_int16_fails_as_numpy_does(opt):
    """fuzz arrays-s13-194: NumPy says 'Python int too large to convert to C long', not 'out
    of bounds for int16', for a uint64 scalar above 2**63 - 1."""
    b = np.array([201, 4294967295, 4294967295], dtype=np.uint64)
    for x in (b, b[:1]):
        try:
            expected = stores_a_uint64_product(np.zeros((2, 2), np.int16), x)
        except OverflowError as err:
            with pytest.raises(OverflowError, match=str(err)):
                compile(opt=opt)(stores_a_uint64_product)(np.zeros((2, 2), np.int16), x)
        else:
            assert np.array_equal(compile(opt=opt)(stores_a_uint64_product)(np.zeros((2, 2), np.int16), x), expected)


def truths_of_numpy_scalars(x, y):
    """``not`` and ``bool()`` always give Python bools (fuzzer: mixed-s51-320 printed
    ``np.False_`` for ``not x`` of an ``np.float64`` element)."""
    b = x > y
    return repr(not x), repr(not b), repr(bool(x)), repr(bool(b)), repr(b), repr(not np.True_)


@pytest.mark.parametrize("args", [(np.float64(0.5), 0.3), (np.float32(0.0), np.float64(0.3)), (np.int64(3), 2),
                                  (np.bool_(True), False), (0.5, 0.3), (np.uint8(0), np.int8(-1))])
def test_not_and_bool_of_numpy_scalars_are_python_bools(args):
    assert compile(truths_of_numpy_scalars)(*args) == truths_of_numpy_scalars(*args)


def classes_of(a, x, n, t, maybe):
    """``type``/``isinstance`` of traced values, CPython's answers (an ``np.int64`` is no ``int``)."""
    element, count = a[0], a.astype(np.int64)[0]
    y = None if maybe else x
    return (type(element) is np.float64, type(element) is float, isinstance(element, float),
            isinstance(element, np.floating), isinstance(count, int), isinstance(count, np.integer),
            isinstance(a, np.ndarray), type(a) is np.ndarray, type(x) is float, type(n) is int,
            isinstance(n, np.number), isinstance(x, int | float), isinstance(t, tuple), type(t) is tuple,
            isinstance(element > 1, np.bool_), isinstance(x > 1, bool), type(a.sum()) is np.float64,
            isinstance(y, float), isinstance(y, (float, type(None))))


@pytest.mark.parametrize("maybe", [False, True])
def test_type_and_isinstance_of_traced_values_are_cpythons(maybe):
    """Of the class of the object CPython would hold: a Python number where the value is one,
    else the NumPy scalar of its dtype; an array is an ``np.ndarray`` (isinstance of one was
    False, and ``type(a[0]) is np.float64`` too); of a value that may be None, at run time."""
    args = (np.arange(3.0), 2.5, 3, (1, 2.0), maybe)
    assert compile(classes_of)(*args) == classes_of(*args)
