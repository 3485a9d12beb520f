"""Tuples as arguments of compiled functions: compiled results equal CPython's.

A tuple argument's type is the tuple of its elements' types (one
specialisation per such signature, Python numbers kept apart from NumPy
scalars element by element); inside, it is the Python tuple a traced tuple is.
"""
import sys

import numpy as np
import pytest

from compiler import compile
from compiler.dispatcher import Dispatcher
from ir import TypingError, UnsupportedError
from ir.types import TupleType, f64, i64
from runtime.boxing import python_scalars, typeof

from .support import OPT_LEVELS, CompiledCache, assert_matches_cpython

compiled = CompiledCache()


def pair_sum(t, k):
    return t[0] + t[1], (t, k)


def unpacked(t):
    a, b = t
    return b - a


def nested(t):
    (a, b), c = t
    return a * c + b, len(t), t[0], t


def length(t):
    return len(t)


def iterated(t):
    total = 0
    for v in t:
        total += v
    return total


def indexed(t, i):
    return t[i]


def indexed_in_loop(t, n):
    total = 0.0
    for i in range(n):
        total += t[i % 3] * i
    return total


def returned(t):
    return t


def mixed(t):
    flag, n, x, z, s = t
    if flag:
        return n * x, z.real, s + "!"
    return n - x, z.imag, s


def typed(t):
    return t[0] * t[1], t


def optional_part(t):
    if t[1] is None:
        return t[0]
    return t[0] + t[1]


def empty_or_one(t):
    return len(t), t


def strings(t):
    return t[0] + t[1], len(t[0]), t


def dividing(t):
    return t[0] // t[1]


CASES = [
    (pair_sum, ((1.0, 2.0), 3)),
    (pair_sum, ((1, 2.5), -4)),
    (pair_sum, ((True, 2), 0)),
    (pair_sum, ((1 + 2j, 2), 1.5)),
    (unpacked, ((3, 10),)),
    (unpacked, ((3.5, -1),)),
    (nested, (((1, 2.0), 3),)),
    (nested, (((1.5, True), -2),)),
    (length, ((1, 2.0, 3j, "x", None),)),
    (iterated, ((1, 2.5, True),)),
    (iterated, ((),)),
    (indexed, ((1.0, 2.0, 3.0), 0)),
    (indexed, ((1.0, 2.0, 3.0), 2)),
    (indexed, ((1.0, 2.0, 3.0), -1)),
    (indexed, ((1.0, 2.0, 3.0), -3)),
    (indexed, ((1.0, 2.0, 3.0), 3)),       # IndexError: tuple index out of range
    (indexed, ((1.0, 2.0, 3.0), -4)),
    (indexed, ((5,), 0)),
    (indexed, ((5,), 1)),
    (indexed_in_loop, ((1.0, 2.0, 3.0), 7)),
    (returned, ((1, 2.0, True, 3j, "s"),)),
    (returned, (((1, (2.0, (False,))), ()),)),
    (returned, ((),)),
    (returned, ((7,),)),
    (mixed, ((True, 3, 0.5, 1 + 2j, "ab"),)),
    (mixed, ((False, 3, 0.5, 1 + 2j, "ab"),)),
    (typed, ((np.float32(1.5), 2.0),)),    # a Python float meets float32 as NumPy 2's weak scalar
    (typed, ((np.float32(1.5), np.float32(2.0)),)),
    (typed, ((np.int8(100), 2),)),         # int8 * Python int stays int8 (and wraps as NumPy's does)
    (typed, ((np.int16(7), np.uint8(3)),)),
    (optional_part, ((2.0, None),)),
    (optional_part, ((2.0, 3.0),)),
    (empty_or_one, ((),)),
    (empty_or_one, ((1.5,),)),
    (empty_or_one, ((np.float32(2.5),),)),
    (strings, (("ab", "cde"),)),
    (strings, (("", "x"),)),
    (dividing, ((7, 2),)),
    (dividing, ((7, 0),)),                 # ZeroDivisionError, located at the line
    (dividing, ((-7.5, 2),)),
]


@pytest.mark.parametrize("opt", OPT_LEVELS)
@pytest.mark.parametrize("func, args", CASES, ids=lambda v: getattr(v, "__name__", None))
def test_compiled_equals_cpython(func, args, opt):
    f = compiled(func, opt)
    for _ in range(3):   # the Python path, then the native path once made
        assert_matches_cpython(func, f, args, sys.modules[__name__])


def array_parts(t):
    a, scale = t
    return a * scale, a, a[1:], t


def array_pairs(t):
    a, (b, c) = t
    total = 0.0
    for i in range(a.shape[0]):
        total += a[i] * b[i] + c
    return total


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_arrays_in_tuples(opt):
    a = np.arange(5.0)
    f = compiled(array_parts, opt)
    for _ in range(3):
        scaled, same, view, whole = f((a, 2.0))
        assert np.array_equal(scaled, a * 2.0)
        assert same is a and whole[0] is a and whole[1] == 2.0 and type(whole[1]) is float
        assert np.shares_memory(view, a) and np.array_equal(view, a[1:])
    g = compiled(array_pairs, opt)
    b = np.arange(5, dtype=np.int32)[::-1]
    for _ in range(3):
        assert g((a, (b, 0.5))) == array_pairs((a, (b, 0.5)))
    c = np.arange(6.0).reshape(2, 3)
    assert np.array_equal(f((c, 3))[0], c * 3)   # another specialisation: 2-d, a Python int


def test_writes_to_an_array_in_a_tuple_are_seen():
    def fill(t):
        a, value = t
        for i in range(a.shape[0]):
            a[i] = value
        return a

    f = compile(fill)
    a = np.zeros(3)
    for value in (1.5, 2.5, 3.5):
        assert f((a, value)) is a and np.array_equal(a, [value] * 3)


def test_what_traced_tuples_refuse_is_refused_for_arguments_too():
    """Traced tuples (not only arguments) index an empty tuple at run time, and return None
    inside a tuple, nowhere yet: refused with the frontend's errors, never a wrong answer."""
    with pytest.raises(UnsupportedError, match="run-time index works only for non-empty tuples"):
        compile(indexed)((), 0)
    with pytest.raises(TypingError, match="a none cannot be used as a value"):
        compile(returned)((1, None))


def test_the_type_of_a_tuple_is_its_elements_types():
    assert typeof((1.0, 2)) == TupleType((f64, i64))
    assert typeof(((1.0, 2), ())) == TupleType((TupleType((f64, i64)), TupleType(())))
    assert typeof((1, [2, "3"])) is None and typeof((1, (2, {1: 2, "a": 3}))) is None   # mixed items
    assert python_scalars((1, np.float64(2.0), (True, np.arange(2)))) == (True, False, (True, False))


@pytest.mark.parametrize("value, part", [
    ((1, [2, "3"]), "its element t[1] has type list (its items have types int, str"),
    ((1, (2.0, {1: 2, "a": 3})), "its element t[1][1] has type dict"),
    (((), (1, (object(),))), "its element t[1][1][0] has type object"),
    ((1, b"x"), "its element t[1] has type bytes"),
])
def test_a_wrong_element_is_a_type_error_naming_the_argument(value, part):
    f = compile(returned)
    with pytest.raises(TypeError) as info:
        f(value)
    message = str(info.value)
    assert message.startswith("returned(): argument 't' has unsupported type tuple (") and part in message
    assert "tuples of these" in message


def test_a_named_tuple_and_elements_out_of_range_are_refused():
    from collections import namedtuple

    Point = namedtuple("Point", "x y")
    f = compile(returned)
    with pytest.raises(TypeError, match=r"argument 't' has unsupported type Point \(a subclass of tuple: "
                                        r"pass tuple\(x\)\)"):
        f(Point(1, 2))
    with pytest.raises(OverflowError, match="does not fit in 64 bits"):
        f((1, 2**70))
    with pytest.raises(TypeError, match="0-d arrays"):
        f((1, np.array(2.0)))


def test_one_specialisation_per_element_types():
    f = compile(pair_sum)
    for t in [(1.0, 2.0), (3.0, 4.0), (1, 2.0), (1.0, 2.0), (np.float64(1.0), 2.0), (1, 2.0)]:
        assert f(t, 0) == pair_sum(t, 0)
    assert [record.arguments[0] for record in f.explain()] == [
        ("t", "tuple<Python float, Python float>"), ("t", "tuple<Python int, Python float>"),
        ("t", "tuple<f64, Python float>")]
    assert f.explain()[1].reason == ("type of 't' changed: tuple<Python int, Python float> "
                                     "(before: tuple<Python float, Python float>)")
    assert [str(s) for s in f.signatures] == ["tuple<f64, tuple<tuple<f64, f64>, i64>>(tuple<f64, f64>, i64)",
                                              "tuple<f64, tuple<tuple<i64, f64>, i64>>(tuple<i64, f64>, i64)",
                                              "tuple<f64, tuple<tuple<f64, f64>, i64>>(tuple<f64, f64>, i64)"]


def test_an_explicit_signature_names_tuples():
    f = compile("f8(tuple<f8, i8>)")(unpacked)
    assert f((2.0, 5)) == 3.0 and len(f.explain()) == 1   # a Python tuple of numbers fits it
    g = compile("tuple<f8, f8[::1]>(tuple<f8[::1], tuple<>>)")(lambda t: (t[0][0], t[0]))
    a = np.arange(3.0)
    assert g((a, ())) == (0.0, a) and g((a, ()))[1] is a and len(g.explain()) == 1


def test_numpy_scalars_come_back_as_the_result_rules_say():
    """A returned tuple is made anew from the compiled values: an ``int64``, ``float64`` or
    ``bool`` element is a Python number (the values are equal), other NumPy scalars stay
    NumPy scalars (the README's rule for results)."""
    t = (np.bool_(True), np.float64(1.5), np.int64(2), np.float32(0.25), np.int8(3), 7, 2.5)
    got = compile(returned)(t)
    assert got == t and [type(v) for v in got] == [bool, float, int, np.float32, np.int8, int, float]


def test_a_tuple_argument_takes_the_native_path(monkeypatch):
    from compiler.pipeline import CompiledFunction

    slow = []
    original = CompiledFunction.__call__
    monkeypatch.setattr(CompiledFunction, "__call__", lambda self, args: slow.append(args) or original(self, args))
    f = compile(mixed)
    t = (True, 3, 0.5, 1 + 2j, "ab")
    for _ in range(3):
        assert f(t) == mixed(t)
    assert len(slow) == 1 and isinstance(type(f).__call__.__self__[0], __import__("compiler").fastcall.NativeCall)
    for other in [(False, 3, 0.5, 1 + 2j, "ab"), (True, -2, 1e300, 0j, "")]:
        assert f(other) == mixed(other)
    assert len(slow) == 1   # the native path took them
    # not of its key: the element types differ, or an element is an int subclass, a NumPy scalar...
    for other in [(1, 3, 0.5, 1 + 2j, "ab"), (True, 3.0, 0.5, 1 + 2j, "ab"), (True, 3, 0.5, 1 + 2j),
                  (True, np.float32(3), 0.5, 1 + 2j, "ab"), (True, 3, 0.5, 1 + 2j, "ab", 1)]:
        assert_matches_cpython(mixed, f, (other,), sys.modules[__name__])
    with pytest.raises(TypeError, match="argument 't' has unsupported type list"):
        f([True, 3, 0.5, 1j, "ab"])
    assert isinstance(f, Dispatcher)


def test_arrays_and_none_in_tuples_take_the_native_path(monkeypatch):
    from compiler.pipeline import CompiledFunction

    slow = []
    original = CompiledFunction.__call__
    monkeypatch.setattr(CompiledFunction, "__call__", lambda self, args: slow.append(args) or original(self, args))
    f, g = compile(array_pairs), compile(optional_part)
    a, b = np.arange(5.0), np.arange(5, dtype=np.int32)[::-1]
    for _ in range(3):
        assert f((a, (b, 0.5))) == array_pairs((a, (b, 0.5))) and g((2.0, None)) == 2.0
    assert len(slow) == 2
    for args in [(a * 2, (b, -1.0)), (a[::-1].copy(), (np.arange(5, 10, dtype=np.int32)[::-1], 0.0))]:
        assert f(args) == array_pairs(args)
    assert g((3.5, None)) == 3.5 and len(slow) == 2
    h = compile(array_parts)
    big = np.arange(10_000.0)   # the GIL released around the call: the elements are counted in tuples too
    for _ in range(3):
        scaled, same, view, whole = h((big, 2.0))
        assert same is big and whole[0] is big and np.shares_memory(view, big)
    # not of the key: an int64 array where the int32 one was, a float where None was
    assert f((a, (b.astype(np.int64), 0.5))) == array_pairs((a, (b.astype(np.int64), 0.5)))
    assert g((2.0, 1.0)) == 3.0
    assert len(slow) == 2 + 1 + 2   # each new key's first call


def test_a_tuple_parameter_is_taken_apart_in_the_trace():
    from frontend import trace

    for weak in ([(False, True), True], [False, False], None):   # per element, one for all, or none given
        module, entry = trace(pair_sum, [TupleType((f64, i64)), i64], weak=weak)
        assert tuple(entry.arg_types) == (TupleType((f64, i64)), i64)
        assert str(module).count("tuple_get %t") == 2


def tuples_compared(x, y):
    """Tuples holding run-time values compare item by item, as CPython's do."""
    t = (x, 1.0, x)
    return (x, y) < (y, x), (x, (1, y)) <= (x, (1, 2)), (x, y) == (y, x), (1, 2) < (1, 2, 3), t.count(y), \
        t.index(y) if y in t else -1


@pytest.mark.parametrize("args", [(2.0, 2.0), (1.0, 2.0), (3.0, 1.0), (float("nan"), 1.0)])
def test_tuples_of_run_time_values_compare_as_cpython(args):
    assert compile(tuples_compared)(*args) == tuples_compared(*args)


def index_of_missing(x):
    return (x, 2.0).index(5.0)


def test_tuple_index_of_a_missing_item_raises_cpythons_value_error():
    with pytest.raises(ValueError, match=r"tuple.index\(x\): x not in tuple"):
        compile(index_of_missing)(1.0)
