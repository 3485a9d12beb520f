"""Functions as arguments of compiled functions: constants of the specialisation.

A Python function, a lambda, a compiled function, a builtin or a NumPy
function passed as an argument is traced where it is called; the call
specialises on which function it is, and on the values of its closure.
"""
import math
import sys

import numpy as np
import pytest

from compiler import compile
from compiler.callees import FunctionArgument, function_argument
from ir import CompileError

from .support import OPT_LEVELS, CompiledCache, assert_matches_cpython

compiled = CompiledCache()
MODULE = sys.modules[__name__]


def apply(fn, n):
    return fn(n)


def apply_twice(fn, x):
    return fn(fn(x))


def over(fn, a):
    out = np.empty_like(a)
    for i in range(a.shape[0]):
        out[i] = fn(a[i])
    return out


def fold(fn, a, start):
    acc = start
    for x in a:
        acc = fn(acc, x)
    return acc


def square(x):
    return x * x


def halve(x):
    return x // 2


def pair(x):
    return x, -x


def add(a, b):
    return a + b


def clamp(x, low=0.0, high=1.0):
    return min(max(x, low), high)


def reciprocal(x):
    return 1 / x


compiled_square = compile(square)


def make_scale(k):
    return lambda x: x * k


def make_offset(k):
    def offset(x):
        return x + k
    return offset


CASES = [
    (apply, (square, 3)),
    (apply, (square, 2.5)),
    (apply, (halve, -7)),
    (apply, (pair, 4)),
    (apply, (clamp, 1.5)),
    (apply, (clamp, -0.5)),
    (apply, (lambda x: x * 2, 3)),
    (apply, (lambda x: (x, x + 1.0), 3)),
    (apply, (compiled_square, 4)),
    (apply, (make_scale(3), 2.5)),
    (apply, (make_offset(10), 2)),
    (apply, (abs, -3)),
    (apply, (abs, -2.5)),
    (apply, (math.sqrt, 2.0)),
    (apply, (math.sqrt, -1.0)),       # ValueError: math domain error
    (apply, (math.floor, 2.5)),
    (apply, (reciprocal, 4)),
    (apply, (reciprocal, 0)),         # ZeroDivisionError, at the function's line
    (apply, (int, 2.7)),
    (apply, (float, 3)),
    (apply, (np.float32, 2.5)),
    (apply, (np.int8, 100)),
    (apply_twice, (square, 3)),
    (apply_twice, (lambda x: x - 1, 0.5)),
    (apply_twice, (compiled_square, 1.5)),
]


@pytest.mark.parametrize("opt", OPT_LEVELS)
@pytest.mark.parametrize("func, args", CASES, ids=lambda v: getattr(v, "__name__", None))
def test_compiled_equals_cpython(func, args, opt):
    f = compiled(func, opt)
    for _ in range(3):   # the Python path, then the native path
        assert_matches_cpython(func, f, args, MODULE)


@pytest.mark.parametrize("opt", OPT_LEVELS)
@pytest.mark.parametrize("fn", [square, lambda x: x * 0.5 + 1.0, compiled_square, make_scale(-2.0), abs, np.sqrt,
                                np.sin, math.exp], ids=lambda f: getattr(f, "__name__", "?"))
def test_a_function_over_an_array_in_a_loop(fn, opt):
    a = np.linspace(0.0, 3.0, 7)
    f = compiled(over, opt)
    for _ in range(3):
        got, want = f(fn, a), over(fn, a)
        assert got.dtype == a.dtype
        if fn is np.sin:   # NumPy's sin is the C library's, compiled np.sin its own: within an ulp
            assert (np.abs(got - want) <= np.spacing(np.abs(want))).all()
        else:
            assert np.array_equal(got, want)


@pytest.mark.parametrize("fn, a, start", [(add, np.arange(5), 0), (add, np.arange(5.0), 0.5), (max, np.arange(5.0), 0.0),
                                          (lambda acc, x: acc * 2 + x, np.arange(4), 1), (np.add, np.arange(3.0), 1.0)],
                         ids=lambda v: getattr(v, "__name__", None))
def test_a_function_of_two_arguments_folds_an_array(fn, a, start):
    f = compile(fold)
    for _ in range(3):
        got, want = f(fn, a, start), fold(fn, a, start)
        assert got == want


def test_numpy_functions_give_numpys_values():
    """``np.sin(2.0)`` is NumPy's float64; a compiled function returns it as a Python float
    (the README's rule for float64 results), equal to NumPy's."""
    f = compile(apply)
    for fn, x in [(np.sin, 2.0), (np.exp, -1.5), (np.sum, np.arange(4.0)), (np.negative, 3)]:
        got, want = f(fn, x), apply(fn, x)
        assert got == want and type(got) is type(want.item())


def test_a_compiled_function_passed_to_a_compiled_function():
    inner = compile(halve)
    outer = compile(apply_twice)
    assert outer(inner, 17) == 4 and outer(inner, 17.0) == 4.0
    assert inner(9) == 4  # the inner one still works on its own
    assert [record.arguments for record in outer.explain()][0][0][1].startswith("compiled function halve at 0x")


def test_one_specialisation_per_function_object():
    f = compile(apply)
    for fn in (square, square, halve, square, compiled_square, halve):
        assert f(fn, 7) == fn(7)
    assert len(f.explain()) == 3
    records = f.explain()
    assert records[0].reason == "the first call"
    assert records[1].reason == (f"the function passed as 'fn' changed: function halve at {id(halve):#x} "
                                 f"(before: function square at {id(square):#x})")
    assert records[2].arguments == (("fn", f"compiled function square at {id(compiled_square):#x}"),
                                    ("n", "Python int"))
    f(square, 7.0)   # another type of n
    assert f.explain()[3].reason == "type of 'n' changed: Python float (before: Python int)"


def test_lambdas_are_different_functions():
    f = compile(apply)
    assert [f(lambda x: x + k, 1) for k in range(3)] == [1, 2, 3]
    assert len(f.explain()) == 3 and all(".<lambda> at 0x" in r.arguments[0][1] for r in f.explain())


def test_a_closure_cell_rebound_makes_another_specialisation():
    scale = 2

    def scaled(x):
        return x * scale

    f = compile(apply)
    assert f(scaled, 5) == 10 and f(scaled, 5) == 10 and f(scaled, 5) == 10   # native path made
    scale = 3
    assert f(scaled, 5) == 15 and f(scaled, 5) == 15
    scale = 2.5
    assert f(scaled, 5) == 12.5
    scale = 2
    assert f(scaled, 5) == 10 and len(f.explain()) == 3
    assert f.explain()[1].reason.startswith("the function passed as 'fn' changed: function ")
    assert f.explain()[1].arguments[0][1].endswith("(closure: scale=3)")


def test_a_cell_holding_a_function_is_keyed_by_that_function():
    inner = square

    def outer(x):
        return inner(x) + 1

    f = compile(apply)
    assert f(outer, 3) == 10
    inner = halve
    assert f(outer, 3) == 2 and f(outer, 3) == 2 and len(f.explain()) == 2


def test_a_closure_over_an_array_reads_it_when_it_runs():
    a = np.arange(4.0)
    f = compile(apply)
    for i in range(3):
        a[1] = i
        assert f(lambda k: a[k] * 2, 1) == 2.0 * i
    g = make_scale(a)
    assert np.array_equal(f(g, 2.0), a * 2.0)


@pytest.mark.parametrize("value, kind", [([1, 2], "list"), ({"a": 1}, "dict"), (object(), "object")])
def test_a_closure_over_a_mutable_value_is_refused(value, kind):
    def reads(i):
        return value[i]

    with pytest.raises(TypeError) as info:
        compile(apply)(reads, 0)
    assert str(info.value).startswith(f"apply(): argument 'fn': the closure variable 'value' of "
                                      f"{reads.__qualname__}() holds a {kind}, whose contents compiled code "
                                      "would read once")


@pytest.mark.parametrize("value", [[1].append, np.random.rand, "abc".upper, object.__new__,
                                   __import__("functools").partial(add, 1), np.float64(2.0).__add__])
def test_other_callables_are_refused(value):
    with pytest.raises(TypeError, match="argument 'fn' has unsupported type"):
        compile(apply)(value, 1)


def newton(fs, x):
    f, df = fs
    for _ in range(30):
        x = x - f(x) / df(x)
    return x


def first_applied(t, x):
    head, rest = t[0], t[1:]
    return head(x), rest


def nested_applied(t, x):
    scale, (fn, offset) = t
    return fn(x) * scale + offset


def maybe_offset(t, x):
    fn, offset = t
    return fn(x) if offset is None else fn(x) + offset


@pytest.mark.parametrize("opt", OPT_LEVELS)
@pytest.mark.parametrize("func, args", [
    (maybe_offset, ((square, None), 3)),                     # None and a function: both of type none, told apart
    (maybe_offset, ((square, 2), 3)),
    (newton, ((lambda x: x * x - 2.0, lambda x: 2.0 * x), 1.0)),
    (newton, ((math.cos, lambda x: -math.sin(x)), 1.0)),
    (newton, ((square, lambda x: 2 * x), 0.0)),             # ZeroDivisionError in the first step
    (first_applied, ((math.sqrt, 2.5, "s"), 4.0)),
    (first_applied, ((compiled_square, (1, 2)), 3)),
    (first_applied, ((abs,), -2)),
    (nested_applied, ((2, (halve, 0.5)), 9)),
    (nested_applied, ((1.5, (make_scale(4), True)), 2)),
], ids=lambda v: getattr(v, "__name__", None))
def test_functions_inside_tuples(func, args, opt):
    f = compiled(func, opt)
    for _ in range(3):   # the Python path, then the native path
        assert_matches_cpython(func, f, args, MODULE)


def test_a_function_inside_a_tuple_is_part_of_the_key(slow_calls):
    f = compile(first_applied)
    for fn in (square, square, square, halve, square):
        assert f((fn, 1.0), 6) == first_applied((fn, 1.0), 6)
    assert len(slow_calls) == 2 and len(f.explain()) == 2   # but the first call of each key is native
    assert f.explain()[1].reason == (f"type of 't' changed: tuple<function halve at {id(halve):#x}, Python float> "
                                     f"(before: tuple<function square at {id(square):#x}, Python float>)")
    with pytest.raises(TypeError, match=r"argument 't' has unsupported type tuple \(its element t\[1\]\[0\] has "
                                        r"type list \(its items have types int, str"):
        f((square, ([1, "2"],)), 6)


def test_a_closure_inside_a_tuple_is_keyed_and_checked_as_an_argument():
    offset = 1
    shifted = lambda x: x + offset   # noqa: E731
    f = compile(first_applied)
    for _ in range(3):
        assert f((shifted,), 1) == (2, ())
    offset = 5
    assert f((shifted,), 1) == (6, ()) and len(f.explain()) == 2
    values = [1.0]
    with pytest.raises(TypeError, match=r"first_applied\(\): argument 't' \(its element \[0\]\): the closure "
                                        r"variable 'values' of .*<lambda>\(\) holds a list"):
        f((lambda i: values[i],), 0)


def test_function_arguments_by_keyword_with_static_ones():
    def apply_n(fn, x, n):
        for _ in range(n):
            x = fn(x)
        return x

    f = compile(apply_n, static="n")
    assert f(square, 2, 3) == 256 and f(fn=halve, x=100, n=2) == 25 and f(n=1, fn=square, x=1.5) == 2.25
    assert f.explain()[1].arguments == (("fn", f"function halve at {id(halve):#x}"), ("x", "Python int"),
                                        ("n", "static 2"))


def test_the_key_of_a_function():
    assert function_argument(3, "f") is None and function_argument([square], "f") is None
    assert function_argument(square, "f") == function_argument(square, "f")
    assert function_argument(square, "f") != function_argument(halve, "f")
    assert function_argument(make_scale(2), "f") != function_argument(make_scale(2), "f")  # other objects
    g = make_scale(2)
    assert function_argument(g, "f") == function_argument(g, "f")
    assert isinstance(function_argument(np.sin, "f"), FunctionArgument)
    assert function_argument(np.sin, "f").describe() == "ufunc numpy.sin"
    assert function_argument(math.sqrt, "f").describe() == "builtin math.sqrt"
    assert function_argument(abs, "f").describe() == "builtin abs"
    assert function_argument(np.sum, "f").describe() == "function numpy.sum"
    assert function_argument(int, "f").describe() == "class int"
    assert function_argument(np.float32, "f").describe() == "class numpy.float32"


@pytest.fixture
def slow_calls(monkeypatch):
    """The argument tuples of the calls that ran through ctypes (not the native path)."""
    from compiler.pipeline import CompiledFunction

    calls = []
    original = CompiledFunction.__call__
    monkeypatch.setattr(CompiledFunction, "__call__", lambda self, args: calls.append(args) or original(self, args))
    return calls


def test_a_function_argument_takes_the_native_path(slow_calls):
    from compiler.fastcall import NativeCall

    f = compile(apply)
    for _ in range(3):
        assert f(square, 3) == 9
    assert len(slow_calls) == 1 and isinstance(type(f).__call__.__self__[0], NativeCall)
    assert slow_calls[0] == (3,)   # the function is no run-time argument
    for n in (4, -2, 10):
        assert f(square, n) == n * n
    assert len(slow_calls) == 1
    assert f(halve, 9) == 4 and len(slow_calls) == 2   # another function: the Python path


def test_the_native_path_sees_a_rebound_cell(slow_calls):
    offset = 1

    def shifted(x):
        return x + offset

    f = compile(apply)
    for _ in range(3):
        assert f(shifted, 1) == 2
    before = len(slow_calls)
    assert f(shifted, 5) == 6 and len(slow_calls) == before   # native
    offset = 10
    assert f(shifted, 5) == 15 and len(slow_calls) == before + 1   # the cell holds another object
    offset = 1
    assert f(shifted, 5) == 6   # the first specialisation again
    del offset   # an empty cell: refused when traced (CPython raises NameError when it is read)
    with pytest.raises(NameError):
        shifted(0)
    with pytest.raises(CompileError, match="the free variable 'offset' of .*shifted has no value yet"):
        f(shifted, 5)


def returns_it(fn):
    return fn


def picks(fn, x):
    if fn is np.sin:
        return fn(x) * 2
    return fn(x=x) if fn.__name__ == "keyword_only_x" else fn(x)


def keyword_only_x(*, x):
    return x + 0.5


def test_a_function_is_a_python_value_in_the_trace():
    f = compile(picks)
    for fn, x in [(np.sin, 1.0), (square, 3), (keyword_only_x, 2.0), (np.sin, 0.5)]:
        assert f(fn, x) == picks(fn, x)
    with pytest.raises(TypeError, match="returns a Python function, which compiled code cannot return"):
        compile(returns_it)(square)


def test_more_functions_than_the_native_chain_holds():
    from compiler.dispatcher import NATIVE_CHAIN

    functions = [square, halve, pair, abs, compiled_square, make_scale(3), make_offset(1), lambda x: -x]
    assert len(functions) > NATIVE_CHAIN
    f = compile(apply)
    for _ in range(3):
        for fn in functions:
            for n in (3, -8):
                assert f(fn, n) == apply(fn, n)
    assert len(f.explain()) == len(functions)


def test_a_new_lambda_per_call_is_warned_about():
    from compiler import SpecializationWarning
    from compiler.dispatcher import RESPECIALIZATION_LIMIT

    f = compile(apply)
    with pytest.warns(SpecializationWarning) as caught:
        for k in range(RESPECIALIZATION_LIMIT + 1):
            assert f(lambda x: x + k, 1) == 1 + k
    message = str(caught[0].message)
    assert f"the arguments that keep changing: 'fn' ({RESPECIALIZATION_LIMIT + 1}: function " in message
    assert "pass one function object as 'fn' (a lambda or closure made anew for each call is a new function" \
        in message
