"""try/except/else/finally in compiled code, compared with CPython: the values, what is
printed, and the exceptions that leave (type, message, the line of the traceback's last
entry); the constructs compiled code cannot catch are refused."""
import traceback

import numpy as np
import pytest

from compiler import compile
from ir import UnsupportedError
from tests.e2e import try_kernels as k
from tests.e2e.support import assert_same_value

CASES = [
    (k.divide_or_default, [(7, 2), (7, 0), (-7, 2)]),
    (k.return_from_both, [(7, 0), (9, 2)]),
    (k.sum_prefix, [(np.arange(5.0), 3), (np.arange(5.0), 7), (np.arange(5.0), 0)]),
    (k.formatted_message, [(2,), (5,)]),
    (k.jumps_in_loop, [(np.array([1.0, 1.5, 1.2, 3.0, 0.5]), 5), (np.array([1.0, -1.5, 1.2]), 3),
                       (np.array([4.0, 1.0]), 2)]),
    (k.nested, [(np.arange(3.0), 1), (np.arange(3.0), 5)]),
    (k.assertion, [(1,), (-1,)]),
    (k.reraise, [(2,), (0,)]),
    (k.wrap, [(2,), (0,)]),
    (k.else_raises, [(0,), (5,), (1,)]),
    (k.arrays_on_both_paths, [(np.arange(12.0),), (np.arange(5.0),)]),
    (k.user_class, [(3,), (0,)]),
    (k.user_class_with_constant, [(5,), (1,)]),
    (k.first_matching_handler, [(7, 0), (7, 2)]),
    (k.bare_except, [(0,), (1,)]),
    (k.handler_classes_from_a_constant, [(0,), (2,)]),
    (k.name_unbound_after, [(0,), (1,)]),
    (k.handler_raise_caught_outside, [(0,), (1,)]),
    (k.uncaught_passes_finally, [(np.arange(3.0), 1), (np.arange(3.0), 9)]),
    (k.widening_loop, [(5, 2), (3, 1)]),
    (k.in_while, [(10,), (0,)]),
    (k.returns_in_try_with_finally, [(1,), (-1,)]),
    (k.calls_inside_harmless, [(2,), (0,)]),
    (k.calls_inside, [(5,), (0,), (500,)]),
    (k.raising_in_finally_path, [(0,), (2,)]),
    (k.else_reads_the_body, [(3,), (-1,), (0,)]),
    (k.never_ends, [(3,)]),
    (k.calls_a_function_with_finally, [(-1.0,), (1.0,)]),
    (k.messages, [(1,), (-1,), (-4,), (-6,)]),
    (k.returns_a_raising_expression, [(0,), (3,)]),
    (k.assertion_message_only_where_it_fails, [(0,), (3,)]),
    (k.not_of_python_numbers, [(1,), (5,)]),
    (k.divides_in_handler_of_an_inlined_raise, [(7, 2, 3), (2 ** 60 + 1, 3, 5), (1, 0, 7)]),
]
PARAMS = [pytest.param(fn, args, id=f"{fn.__name__}{i}") for fn, arg_list in CASES
          for i, args in enumerate(arg_list)]


def run(fn, args, capsys):
    """(value or exception, printed text, line of the traceback's last entry)."""
    try:
        result, line = fn(*[a.copy() if isinstance(a, np.ndarray) else a for a in args]), None
    except Exception as err:  # noqa: BLE001 -- any exception is part of the outcome
        result, line = err, traceback.extract_tb(err.__traceback__)[-1].lineno
    return result, capsys.readouterr().out, line


@pytest.mark.parametrize("fn, args", PARAMS)
def test_as_cpython(fn, args, capsys):
    want, want_out, want_line = run(fn, args, capsys)
    got, got_out, got_line = run(compile(fn), args, capsys)
    assert got_out == want_out
    if isinstance(want, Exception):
        assert type(got) is type(want) and str(got) == str(want) and got_line == want_line, (got, want)
    elif isinstance(want, np.ndarray):
        np.testing.assert_array_equal(got, want)
    else:
        assert_same_value(got, np.float64(want).item() if isinstance(want, np.floating) else want)


def test_user_exception_made_once_at_run_time():
    """``Bad.__init__`` formats its argument: the exception raised is made from the call's
    arguments (it used to be made again from its message: 'bad bad y')."""
    with pytest.raises(k.Bad) as info:
        compile(k.user_class_with_constant)(5)
    assert str(info.value) == "bad y" and info.value.x == "y"


@pytest.mark.parametrize("fn, what", [(k.recursion_inside, "the call of factorial()"),
                                      (k.python_inside, "py_call(abs, ...)")])
def test_exceptions_of_calls_cannot_be_caught_yet(fn, what):
    with pytest.raises(UnsupportedError) as info:
        compile(fn)(1)
    assert f"{what} may raise an exception that the try statement around it would have to see" in str(info.value)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("a", [np.array([0, 2]), np.array([0.0, 3.0]), np.array([4.0, 3.0])])
def test_numpy_division_by_zero_under_a_handler_is_numpys(a):
    """NumPy scalars divided by zero give NumPy's results under a handler of ZeroDivisionError
    (CPython never raises there), not the ZeroDivisionError compiled code raises elsewhere."""
    want = k.numpy_division_under_a_handler(a, 0)
    got = compile(k.numpy_division_under_a_handler)(a, 0)
    assert repr(np.float64(got)) == repr(np.float64(want))


@pytest.mark.parametrize("fn, args", [(k.int_power_under_a_handler, (-1,)), (k.big_int_under_a_handler, (1e30,)),
                                      (k.numpy_overflow_under_a_handler, (np.array([10.0]),))])
def test_raises_cpython_does_not_make_are_not_caught(fn, args):
    """Compiled code raises where CPython gives a float, a big int or NumPy's inf (README:
    differences): the exception leaves the function past the handler, which never runs where
    CPython's code does not run it."""
    with pytest.raises((ValueError, OverflowError)):
        compile(fn)(*args)


def test_caught_exception_leaves_no_allocation_behind():
    """Arrays made inside the try before the exception are released on the way to the handler."""
    from runtime import memory

    fn = compile(k.arrays_on_both_paths)
    a = np.arange(5.0)
    fn(a)
    before = memory.live_owners()
    for _ in range(50):
        fn(a)
    assert memory.live_owners() == before
