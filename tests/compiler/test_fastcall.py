"""The native call path (``compiler.fastcall``): a builtin ``__call__`` per dispatcher.

Every result and exception must be the one the Python path (``_call_slow``,
through ctypes) and CPython give.  ``slow_calls`` counts the calls that went
through ctypes, so a test can tell that the native path ran.
"""
import ctypes
import enum
import gc
import math
import os
import sys
import threading
import time
import traceback
import weakref

import numpy as np
import pytest

from compiler import CompiledFunction, Dispatcher, compile, fastcall
from compiler.dispatcher import NATIVE_CHAIN
from ir.types import ArrayType, bool_, f64, i64
from runtime.boxing import ResultUnpacker
from runtime.memory import HEADER_SIZE, live_owners, owned_block, refcount


@pytest.fixture
def python_calls(monkeypatch):
    """The calls that took the dispatcher's Python path (``_call_slow``, as ``__call__`` or as
    the end of the native chain) of the dispatchers made after the fixture: (args, kwargs)."""
    calls = []
    original = Dispatcher._call_slow

    def counting(self, *args, **kwargs):
        calls.append((args, kwargs))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Dispatcher, "_call_slow", counting)
    monkeypatch.setattr(Dispatcher, "__call__", counting)
    return calls


@pytest.fixture
def unpacked(monkeypatch):
    """The results that Python code unpacked (``ResultUnpacker.unpack``: the Python path and
    the native path's boxer)."""
    calls = []
    original = ResultUnpacker.unpack

    def counting(self, *args):
        calls.append(args)
        return original(self, *args)

    monkeypatch.setattr(ResultUnpacker, "unpack", counting)
    return calls


@pytest.fixture
def slow_calls(monkeypatch):
    """The argument tuples of the calls that ran through ``CompiledFunction.__call__`` (ctypes)."""
    calls = []
    original = CompiledFunction.__call__

    def counting(self, args):
        calls.append(args)
        return original(self, args)

    monkeypatch.setattr(CompiledFunction, "__call__", counting)
    return calls


def same(a, b):
    """Equal values of the same type (arrays: dtype, shape and elements; NaNs equal)."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    elif isinstance(a, tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            same(x, y)
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b)
    else:
        assert a == b, (a, b)


def equal(a, b):
    """Equal values, types aside (compiled code gives Python numbers where NumPy gives ``int64``...)."""
    if isinstance(a, tuple):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and np.array_equal(a, b)
    return a == b or (np.isnan(a) and np.isnan(b))


def check(f, *args):
    """``f(*args)`` three times (the first call compiles, the second makes the native path)
    is the same as through the Python path, and equal to CPython's result; returns the
    native result."""
    first = f(*args)
    f(*args)
    native = f(*args)
    slow = Dispatcher._call_slow(f, *args)
    same(first, slow)
    same(native, slow)
    assert equal(native, f.py_func(*args))
    return native


# ------------------------------------------------------------------ kernels
def identity(x):
    return x


def affine(x, k):
    return x * k + 1


def add3(a, b, c):
    return a + b + c


def is_positive(x):
    return x > 0


def nothing(x):
    pass


def as_float32(x):
    return np.float32(x) * np.float32(2)


def as_uint8(x):
    return np.uint8(x)


def divide(a, b):
    return a / b


def int_divide(a, b):
    return a // b


def pair(x, y):
    return x + y, x * y


def to_complex(x):
    return complex(x, 2.0) * 1j


def total(a):
    s = a[0] * 0
    for v in a:
        s += v
    return s


def total2d(m):
    s = m[0, 0] * 0
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            s += m[i, j]
    return s


def first_row(m):
    return m[0]


def doubled(a):
    out = np.empty(len(a))
    for i in range(len(a)):
        out[i] = a[i] * 2
    return out


def doubled_and_row(m):
    out = np.empty(m.shape[1])
    for i in range(m.shape[1]):
        out[i] = m[0, i] * 2
    return out, m[1]


def fill(a, v):
    for i in range(len(a)):
        a[i] = v


def with_default(x, k=3, shift=0.5):
    return x * k + shift


def keyword_only(x, *, k=2):
    return x * k


def positional_only(x, k, /):
    return x - k


def depth(n):
    if n == 0:
        return 0
    return 1 + depth(n - 1)


def spin(a, reps):
    s = 0.0
    for r in range(reps):
        for i in range(len(a)):
            s += a[i] * r
    return s


def constant():
    return 42


class Color(enum.IntEnum):
    RED = 1


class MyFloat(float):
    pass


# ------------------------------------------------------------------ the mechanism
def test_the_native_path_is_the_class_call():
    f = compile(identity)
    assert isinstance(f, Dispatcher) and type(f) is not Dispatcher
    assert type(f).__call__ is Dispatcher.__call__  # nothing native before a call
    assert f(1.5) == 1.5   # compiles the key with its native path, which takes the next calls
    call = type(f).__call__
    assert type(call).__name__ == "builtin_function_or_method" and call.__name__ == "identity"
    assert isinstance(call.__self__[0], fastcall.NativeCall)
    assert f.__name__ == "identity" and f.__wrapped__ is identity and "identity" in repr(f)
    other = compile(identity)
    assert type(other) is not type(f) and type(other).__call__ is Dispatcher.__call__


def test_the_method_definition_outlives_the_builtin_whatever_the_collector_clears():
    """CPython reads a builtin's PyMethodDef when it frees the builtin; the definition lives
    in a bytes object of the builtin's own ``self`` tuple, which the collector never clears
    (a ctypes buffer it may free first, when it breaks the cycle builtin -> NativeCall)."""
    f = compile(identity)
    f(1.5)
    call = type(f).__call__
    native, definition, name = call.__self__
    assert isinstance(native, fastcall.NativeCall) and type(definition) is bytes and name == b"identity\0"
    m_ml = ctypes.c_void_p.from_address(id(call) + 16).value   # PyCFunctionObject.m_ml
    assert m_ml == ctypes.cast(ctypes.c_char_p(definition), ctypes.c_void_p).value
    del f, call, native
    for _ in range(3):
        gc.collect()


def test_no_arguments(slow_calls):
    f = compile(constant)
    assert f() == 42 and f() == 42 and f() == 42 and len(slow_calls) == 1
    with pytest.raises(TypeError, match="takes 0 positional arguments but 1 was given"):
        f(1)


def test_a_subclass_with_its_own_call_keeps_it():
    class Logged(Dispatcher):
        def __call__(self, *args):
            self.log.append(args)
            return super().__call__(*args)

    f = Logged(identity)
    f.log = []
    assert f(1.5) == 1.5 and f(2.5) == 2.5 and f.log == [(1.5,), (2.5,)]
    g = type("Plain", (Dispatcher,), {})(identity)  # a subclass without __call__: native
    assert g(1.5) == 1.5 and g(1.5) == 1.5 and isinstance(type(g).__call__.__self__[0], fastcall.NativeCall)


def test_a_copied_dispatcher_still_calls():
    import copy

    f = compile(affine)
    assert f(1.0, 2.0) == 3.0
    g = copy.copy(f)
    assert g(1.0, 2.0) == 3.0 and g(2, 2) == 5 and f(2, 2) == 5 and f(1.0, 2.0) == 3.0


def test_the_layouts_are_verified_on_this_platform():
    assert fastcall.supports_key(((f64, True), (i64, True), (bool_, True)))
    assert fastcall.supports_key(((ArrayType(f64, 2, "F", readonly=True), False),))
    assert not fastcall.supports_key(((f64, False),))  # a NumPy scalar


# ------------------------------------------------------------------ scalars
@pytest.mark.parametrize("args", [(1.5,), (-7,), (True,), (False,), (2.5 - 1j,), (0.0,), (-(2 ** 63),),
                                  (2 ** 63 - 1,), (float("nan"),), (float("-inf"),)])
def test_scalar_arguments_and_results(slow_calls, args):
    f = compile(identity)
    check(f, *args)
    before = len(slow_calls)
    same(f(*args), args[0])
    assert len(slow_calls) == before  # native


def test_mixed_scalar_arguments(slow_calls):
    f = compile(add3)
    check(f, 1.5, 2, True)
    check(f, 1, 2, 3)
    n = len(slow_calls)
    same(f(0.25, -4, False), 0.25 + -4 + False)
    same(f(10, 20, 30), 60)
    assert len(slow_calls) == n


@pytest.mark.parametrize("func, args", [(is_positive, (2.5,)), (is_positive, (-3,)), (nothing, (1.0,)),
                                        (as_float32, (1.5,)), (as_uint8, (200,)), (pair, (3, 4)),
                                        (pair, (1.5, 2)), (to_complex, (3.0,)), (divide, (7, 2))])
def test_results_of_every_kind(slow_calls, func, args):
    f = compile(func)
    check(f, *args)
    n = len(slow_calls)
    f(*args)
    assert len(slow_calls) == n


def test_bool_and_int_are_different_keys():
    f = compile(identity)
    assert f(1) == 1 and type(f(1)) is int
    assert f(True) is True
    assert type(f(1)) is int and f(False) is False and type(f(0)) is int
    assert [str(s) for s in f.signatures] == ["i64(i64)", "bool(bool)"]


def test_subclasses_take_the_python_path(slow_calls):
    f = compile(affine)
    assert f(2, 3) == 7
    n = len(slow_calls)
    assert f(Color.RED, 3) == 4 and len(slow_calls) == n + 1  # an int subclass is a NumPy-like strong int
    assert f(MyFloat(0.5), 2) == 2.0
    assert [str(s) for s in f.signatures] == ["i64(i64, i64)", "i64(i64, i64)", "f64(f64, i64)"]


def test_an_int_argument_where_a_float_was_compiled_compiles_a_new_specialisation():
    f = compile(affine)
    assert f(0.5, 2.0) == 2.0
    assert f(1, 2.0) == 3.0 and f(1, 2) == 3 and type(f(1, 2)) is int
    assert len(f.signatures) == 3


@pytest.mark.parametrize("big", [2 ** 63, -(2 ** 63) - 1, 10 ** 30])
def test_an_int_beyond_64_bits_is_an_overflow_error(big):
    f = compile(identity)
    with pytest.raises(OverflowError, match="does not fit in 64 bits"):
        f(big)
    assert f(5) == 5  # the native path exists now
    with pytest.raises(OverflowError, match="does not fit in 64 bits"):
        f(big)


# ------------------------------------------------------------------ arrays
DTYPES = ["bool", "int8", "uint16", "int32", "int64", "uint64", "float32", "float64", "complex64", "complex128"]


def layouts(dtype):
    base = np.arange(1, 25).reshape(4, 6).astype(dtype)
    readonly = base.copy()
    readonly.flags.writeable = False
    return {"C": base, "F": np.asfortranarray(base), "A": base[::2, 1::2], "T": base.T,
            "readonly": readonly, "readonly-A": readonly[:, ::3]}


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # CPython's int8 sums
@pytest.mark.parametrize("dtype", DTYPES)
def test_arrays_of_every_dtype_and_layout(slow_calls, dtype):
    f, g = compile(total), compile(total2d)
    for name, m in layouts(dtype).items():
        check(g, m)
        check(f, m[1])
        check(f, m.ravel())
        n = len(slow_calls)
        assert equal(g(m), g.py_func(m)) and equal(f(m.ravel()), f.py_func(m.ravel()))
        assert len(slow_calls) == n, name


def test_each_array_key_runs_the_specialisation_the_python_path_picks():
    f = compile("f64(f64[:])")(total)  # layout A: every layout runs it
    a = np.arange(6.0)
    assert f(a) == 15.0 and f(a[::2]) == 6.0 and f(np.asfortranarray(a)) == 15.0
    assert [str(s) for s in f.signatures] == ["f64(f64[:])"]
    g = compile(first_row)
    ro = np.ones((2, 3))
    ro.flags.writeable = False
    assert not g(ro).flags.writeable
    # a writable argument runs the read-only specialisation: its result is read-only too
    w = np.ones((2, 3))
    assert not g(w).flags.writeable and not g(w).flags.writeable
    assert not Dispatcher._call_slow(g, w).flags.writeable and len(g.signatures) == 1


def test_array_results_borrow_or_own(slow_calls):
    f = compile(identity)
    a = np.arange(5.0)
    check(f, a)
    assert f(a) is a
    m = np.arange(6.0).reshape(2, 3)
    row = compile(first_row)
    check(row, m)
    v = row(m)
    assert np.shares_memory(v, m) and v.base is not None
    new = compile(doubled)
    check(new, a)
    out = new(a)
    assert not np.shares_memory(out, a) and out.flags.writeable
    both = compile(doubled_and_row)
    check(both, m)
    n = len(slow_calls)
    out, second = both(m)
    assert np.shares_memory(second, m) and not np.shares_memory(out, m)
    assert out.tolist() == [0.0, 2.0, 4.0] and second.tolist() == [3.0, 4.0, 5.0]
    assert len(slow_calls) == n


def second_of(a, b):
    return b


def updated(pos, vel, dt):
    pos += vel * dt
    return pos, vel


def twice_new(n):
    b = np.zeros(n)
    return b, b


def view_twice(a):
    x = a[1:]
    return x, x, x[:1]


def chosen_twice(a, b, flag):
    x = a if flag else b
    return x, x


def test_one_variable_twice_in_a_result_is_one_object_twice(slow_calls):
    """``return x, x`` holds one object twice whatever ``x`` is (a view, a value a branch
    chose), as CPython's tuple does, on the Python path and the native one."""
    f, g = compile(view_twice), compile(chosen_twice)
    a, b = np.arange(5.0), np.ones(2)
    for _ in range(3):
        x, y, z = f(a)
        assert x is y and z is not x and x.tolist() == [1.0, 2.0, 3.0, 4.0] and np.shares_memory(x, a)
        for flag, want in ((True, a), (False, b)):
            p, q = g(a, b, flag)
            assert p is q is want


def test_results_the_ir_proves_are_arguments_or_new_arrays(slow_calls):
    """Where the IR proves a result array is a parameter, the native code returns that object
    (``a`` and ``a[:]`` have the same data, shape and strides: the one returned is the one
    CPython returns); a tuple holding one new array twice holds one object twice, on the
    first call too, and its block has one reference (the owner's)."""
    f = compile(second_of)
    a = np.arange(4.0)
    for _ in range(3):
        b = a[:]
        assert f(a, b) is b and f(b, a) is a
    g = compile(updated)
    pos, vel = np.zeros(3), np.ones(3)
    for _ in range(3):
        p, v = g(pos, vel, 0.5)
        assert p is pos and v is vel
    assert pos.tolist() == [1.5] * 3
    h = compile(twice_new)
    n = len(slow_calls)
    for _ in range(3):
        x, y = h(3)
        assert x is y and x.tolist() == [0.0] * 3
        if owned_block(x.base):   # the native path's owner
            assert refcount(owned_block(x.base)) == 1
    assert len(slow_calls) == n + 1


def test_writing_into_an_argument(slow_calls):
    f = compile(fill)
    a = np.zeros(4)
    assert f(a, 2.5) is None and f(a, 2.5) is None and a.tolist() == [2.5] * 4
    n = len(slow_calls)
    assert f(a, 1.0) is None and a.tolist() == [1.0] * 4
    assert len(slow_calls) == n


def test_refused_arrays_raise_the_same_type_error():
    f = compile(total)
    assert f(np.arange(4.0)) == 6.0 and f(np.arange(4.0)) == 6.0  # the native path exists
    swapped = np.arange(4.0).astype(">f8")
    misaligned = np.frombuffer(bytearray(8 * 4 + 1), np.float64, 4, offset=1)
    for bad, message in ((swapped, "non-native byte order"), (misaligned, None),
                         (np.array(2.0), "0-d arrays"), (np.array(["x"]), "unsupported type"),
                         (np.arange(4.0)[::2], None)):
        if message is None:  # another layout: a new specialisation; misaligned: an aligned copy
            assert f.py_func(bad) == f(bad)
            continue
        with pytest.raises(TypeError, match=message) as native:
            f(bad)
        with pytest.raises(TypeError) as slow:
            Dispatcher._call_slow(f, bad)
        assert str(native.value) == str(slow.value)


def test_memmap_and_non_canonical_dtypes(tmp_path):
    f = compile(total)
    m = np.memmap(tmp_path / "m.bin", np.float64, "w+", shape=(4,))
    m[:] = [1, 2, 3, 4]
    assert f(m) == 10.0 and f(m) == 10.0
    import pickle

    unpickled = pickle.loads(pickle.dumps(np.arange(4.0)))  # an equal dtype object, not NumPy's own
    assert f(unpickled) == 6.0
    assert [str(s) for s in f.signatures] == ["f64(f64[::1])"]
    del m
    gc.collect()


# ------------------------------------------------------------------ binding
def test_keywords_and_defaults(slow_calls):
    f = compile(with_default)
    check(f, 2.0, 4, 0.0)
    n = len(slow_calls)
    assert f(2.0) == 6.5 and f(2.0, k=1) == 2.5 and f(shift=1.0, x=2.0, k=2) == 5.0 and f(2.0, 4, 0.0) == 8.0
    assert len(slow_calls) == n  # bound by the Python path, then run natively
    assert f(2.0, k=1.5) == 3.5 and len(slow_calls) == n + 1  # a new key: compiled with its native path
    assert f(2.0, k=1.5) == 3.5 and f(x=2.0, k=0.5) == 1.5 and len(slow_calls) == n + 1


@pytest.mark.parametrize("args, kwargs", [((), {}), ((1.0, 2, 3, 4), {}), ((1.0,), {"z": 1}),
                                          ((1.0,), {"x": 2.0})])
def test_binding_errors_are_cpythons(args, kwargs):
    f = compile(with_default)
    f(1.0)
    with pytest.raises(TypeError) as expected:
        with_default(*args, **kwargs)
    with pytest.raises(TypeError) as got:
        f(*args, **kwargs)
    assert str(got.value) == str(expected.value)


def test_keyword_only_and_positional_only_parameters(slow_calls):
    f = compile(keyword_only)
    assert f(2.0) == 4.0 and f(2.0, k=3) == 6.0 and f(2.0) == 4.0
    assert isinstance(type(f).__call__.__self__[0], fastcall.NativeCall)  # bound natively too
    with pytest.raises(TypeError) as expected:
        keyword_only(2.0, 3)
    with pytest.raises(TypeError) as got:
        f(2.0, 3)
    assert str(got.value) == str(expected.value)
    g = compile(positional_only)
    assert g(5, 2) == 3 and g(5, 2) == 3
    n = len(slow_calls)
    assert g(5, 2) == 3 and len(slow_calls) == n
    with pytest.raises(TypeError) as expected:
        positional_only(5, k=2)
    with pytest.raises(TypeError) as got:
        g(5, k=2)
    assert str(got.value) == str(expected.value)


def with_positional_only_default(x, k=2, /, shift=1.0, *, scale=1.0, clip=None):
    return (x * k + shift) * scale


def required_keyword(x, *, k):
    return x - k


def apply_default(x, fn=np.sqrt):
    return fn(x)


def pick(a, i=0, *, offset=0.0):
    return a[i] + offset


def native_calls_of(f, calls, python_calls, reference):
    """Each of ``calls`` ((args, kwargs)) gives the result of its first call (through the Python
    path) and the value ``reference`` gives, without the Python path (after two warm-up calls
    of each, which make the native paths)."""
    first = [f(*args, **kwargs) for args, kwargs in calls]
    for args, kwargs in calls:
        f(*args, **kwargs)
    assert isinstance(type(f).__call__.__self__[0], fastcall.NativeCall)
    del python_calls[:]
    for (args, kwargs), expected in zip(calls, first):
        got = f(*args, **kwargs)
        same(got, expected)
        assert equal(got, reference(*args, **kwargs))
    assert python_calls == []


def test_keyword_and_default_calls_take_the_native_path(python_calls):
    f = compile(with_default)
    native_calls_of(f, [((2.0,), {}), ((2.0, 3), {}), ((2.0,), {"k": 3}), ((), {"x": 2.0}),
                        ((2.0,), {"shift": 0.5, "k": 3}), ((), {"shift": 0.5, "x": 2.0, "k": 3}),
                        ((2.0, 3, 0.5), {}), ((2.0, 3), {"shift": 0.5})], python_calls, with_default)
    assert len(f.signatures) == 1
    g = compile(keyword_only)
    native_calls_of(g, [((2.0,), {}), ((2.0,), {"k": 2}), ((), {"x": 2.0}), ((), {"k": 2, "x": 2.0})],
                    python_calls, keyword_only)
    h = compile(with_positional_only_default)
    native_calls_of(h, [((2.0,), {}), ((2.0, 2), {}), ((2.0, 2, 1.0), {"scale": 1.0}), ((2.0,), {"clip": None}),
                        ((2.0,), {"shift": 1.0, "scale": 1.0, "clip": None})], python_calls,
                    with_positional_only_default)
    r = compile(required_keyword)
    native_calls_of(r, [((2.0,), {"k": 1.0}), ((), {"k": 1.0, "x": 2.0})], python_calls, required_keyword)


def test_defaults_of_every_kind_natively(python_calls):
    a = np.arange(5.0)
    p = compile(pick)
    native_calls_of(p, [((a,), {}), ((a, 0), {}), ((a,), {"offset": 0.0}), ((), {"a": a, "i": 0})], python_calls,
                    pick)
    q = compile(apply_default)   # a function as default: a constant of the specialisation
    native_calls_of(q, [((4.0,), {}), ((4.0,), {"fn": np.sqrt})], python_calls, apply_default)
    assert q(4.0, fn=np.negative) == -4.0 and q(x=4.0, fn=np.negative) == -4.0   # another key
    assert q(4.0, fn=np.negative) == -4.0 and q(4.0) == 2.0 and len(q.signatures) == 2


def test_a_call_of_another_key_by_keyword_is_the_key_of_its_values(python_calls):
    f = compile(with_default)
    for _ in range(3):
        assert f(2.0) == 6.5 and f(2.0, k=1.5) == 3.5 and f(2.0, shift=1) == 7
    del python_calls[:]
    assert f(2.0) == 6.5 and f(2.0, k=1.5) == 3.5 and f(2.0, shift=1) == 7 and f(2.0, 1.5) == 3.5
    assert python_calls == [] and len(f.signatures) == 3


BINDING_ERRORS = [
    (with_default, (), {}), (with_default, (1.0, 2, 3, 4), {}), (with_default, (1.0,), {"z": 1}),
    (with_default, (1.0,), {"x": 2.0}), (with_default, (1.0, 2), {"k": 2}), (with_default, (), {"k": 2}),
    (with_default, (1.0,), {"k": 2, "z": 1, "shift": 0.5}),
    (keyword_only, (2.0, 3), {}), (keyword_only, (), {"k": 3}), (keyword_only, (2.0,), {"kk": 3}),
    (keyword_only, (2.0,), {"x": 3.0}),
    (required_keyword, (2.0,), {}), (required_keyword, (2.0, 1.0), {}), (required_keyword, (), {"k": 1.0}),
    (with_positional_only_default, (), {"x": 2.0}), (with_positional_only_default, (2.0,), {"k": 2}),
    (with_positional_only_default, (2.0, 2, 1.0, 1.0), {}),
    (with_positional_only_default, (2.0, 2, 1.0), {"shift": 1.0}),
    (positional_only, (5, 2), {"x": 1}),
]


@pytest.mark.parametrize("func, args, kwargs", BINDING_ERRORS,
                         ids=[f"{f.__name__}-{a}-{k}" for f, a, k in BINDING_ERRORS])
def test_binding_errors_after_the_native_path_are_cpythons(python_calls, func, args, kwargs):
    f = compile(func)
    good = {with_default: ((1.0,), {"k": 2}), keyword_only: ((1.0,), {"k": 2}),
            required_keyword: ((1.0,), {"k": 2.0}), with_positional_only_default: ((1.0,), {"scale": 2.0}),
            positional_only: ((5, 2), {})}[func]
    for _ in range(3):
        f(*good[0], **good[1])
    assert isinstance(type(f).__call__.__self__[0], fastcall.NativeCall)
    with pytest.raises(TypeError) as expected:
        func(*args, **kwargs)
    del python_calls[:]
    with pytest.raises(TypeError) as got:
        f(*args, **kwargs)
    assert str(got.value) == str(expected.value)
    assert python_calls[0] == (args, kwargs)   # the Python path saw the call as it was made


def test_keyword_names_that_are_not_interned_take_the_python_path(python_calls):
    f = compile(with_default)
    for _ in range(3):
        f(2.0, k=3)
    name = "".join(["sh", "ift"])   # equal to the parameter's name, another object
    assert name == "shift" and name is not with_default.__code__.co_varnames[2]
    del python_calls[:]
    assert f(2.0, shift=1.0) == 7.0 and python_calls == []
    assert f(2.0, **{name: 1.0}) == 7.0 and len(python_calls) >= 1


def test_rebound_defaults_take_the_python_path_and_are_followed(python_calls):
    def scaled(x, k=3, *, shift=0.5):
        return x * k + shift

    f = compile(scaled)
    for _ in range(3):
        assert f(2.0) == 6.5
    del python_calls[:]
    assert f(2.0) == 6.5 and python_calls == []
    scaled.__defaults__ = (4,)
    assert f(2.0) == 8.5 and len(python_calls) >= 1
    scaled.__kwdefaults__["shift"] = 1.5   # changed in place
    assert f(2.0) == 9.5 and f(2.0, k=3) == 7.5
    scaled.__kwdefaults__ = {"shift": 0.0}
    assert f(2.0) == 8.0 and f(2.0, k=1, shift=1.0) == 3.0
    scaled.__defaults__ = None
    for args in [(2.0,), (2.0, 1)]:
        with pytest.raises(TypeError) as expected:
            scaled(*args)
        with pytest.raises(TypeError) as got:
            f(*args)
        assert str(got.value) == str(expected.value)
        assert str(got.value).endswith("missing 1 required positional argument: 'k'") or args == (2.0, 1)
        scaled.__kwdefaults__ = None
    assert str(got.value).endswith("missing 1 required keyword-only argument: 'shift'")
    scaled.__defaults__, scaled.__kwdefaults__ = (3,), {"shift": 0.5}
    assert f(2.0) == 6.5 and f(2.0, 1, shift=2.0) == 4.0
    del python_calls[:]
    for _ in range(3):   # the key's native path was made with the old defaults: still correct
        assert f(2.0) == 6.5


def test_static_arguments_with_defaults_take_the_python_path(python_calls):
    def stepped(x, n=2, *, mode="fast"):
        return x * n if mode == "fast" else x - n

    f = compile(stepped, static=("n", "mode"))
    for _ in range(3):
        assert f(3.0) == 6.0 and f(3.0, 4) == 12.0 and f(3.0, n=4, mode="slow") == -1.0 and f(3.0, mode="x") == 1.0
    assert type(f).__call__ is Dispatcher.__call__ and len(f.signatures) == 4


def test_keyword_calls_leak_no_reference():
    f = compile(pick)
    a = np.arange(5.0)
    default = pick.__kwdefaults__["offset"]
    for _ in range(3):
        f(a, i=1), f(a), f(a, offset=1.0)
    before = sys.getrefcount(a), sys.getrefcount(default), sys.getrefcount(pick.__defaults__)
    for _ in range(10_000):
        f(a, i=1), f(a), f(a, offset=1.0), f(i=2, a=a)
    assert (sys.getrefcount(a), sys.getrefcount(default), sys.getrefcount(pick.__defaults__)) == before


def test_unsupported_arguments():
    f = compile(identity)
    f(1.0)
    for bad in (b"text", [1.0, "a"], np.float16(1)):
        with pytest.raises(TypeError, match=r"unsupported type .*\(compiled signatures: f64\(f64\)\)"):
            f(bad)


def test_numpy_scalars_take_the_python_path(slow_calls):
    f = compile(identity)
    for v in (np.float32(1.5), np.int8(-3), np.float64(2.0), np.bool_(True)):
        n = len(slow_calls)
        same(f(v), f(v))
        assert len(slow_calls) == n + 2 and f(v) == v


# ------------------------------------------------------------------ many signatures
def test_a_chain_of_the_newest_signatures(slow_calls):
    f = compile(identity)
    values = [1.5, 2, True, 1j, np.arange(3.0), np.arange(3), np.ones((2, 2))]
    for v in values:
        same(f(v), v)
    for v in values:
        same(f(v), v)
    n = len(slow_calls)
    for v in values[-NATIVE_CHAIN:]:
        same(f(v), v)
    assert len(slow_calls) == n
    for v in values[:-NATIVE_CHAIN]:
        same(f(v), v)
    assert len(slow_calls) == n + len(values) - NATIVE_CHAIN
    assert len(f.signatures) == len(values)


def test_recompiling_a_key_with_another_result_type_replaces_its_native_path():
    f = compile(affine)
    assert f(1.5, 2) == 4.0
    f.compile("i64(f64, i64)")
    assert f(1.5, 2) == 4 and type(f(1.5, 2)) is int
    f.compile("f64(f64, i64)")
    assert f(1.5, 2) == 4.0 and type(f(1.5, 2)) is float


# ------------------------------------------------------------------ errors
def test_errors_of_compiled_code(slow_calls):
    f, g = compile(divide), compile(int_divide)
    assert f(1.0, 4.0) == 0.25 and g(7, 2) == 3 and f(1.0, 4.0) == 0.25 and g(7, 2) == 3
    n = len(slow_calls)
    for func, args in ((f, (1.0, 0.0)), (g, (7, 0))):
        with pytest.raises(ZeroDivisionError) as native:
            func(*args)
        assert traceback.extract_tb(native.value.__traceback__)[-1].filename == __file__   # the kernel's line
        with pytest.raises(ZeroDivisionError) as slow:
            Dispatcher._call_slow(func, *args)
        with pytest.raises(ZeroDivisionError):
            func.py_func(*args)
        assert str(native.value) == str(slow.value)
    assert len(slow_calls) == n + 2
    assert f(1.0, 2.0) == 0.5


def test_an_index_error_with_its_message():
    f = compile(total2d)
    with pytest.raises(IndexError, match="index 0 is out of bounds"):
        f(np.zeros((0, 3)))
    with pytest.raises(IndexError, match="index 0 is out of bounds"):
        f(np.zeros((0, 3)))


def test_recursion_too_deep_in_compiled_code():
    f = compile(depth)
    assert f(100) == 100
    with pytest.raises(RecursionError):
        f(10 ** 6)
    assert f(1000) == 1000


def test_deep_python_recursion_through_the_native_path():
    f = compile(affine)
    f(1.0, 2.0)

    def recurse(n):  # every level calls natively, and through the Python path (a keyword)
        return f(1.0, 2.0) + f(1.0, k=2.0) + recurse(n - 1) if n else 0.0

    with pytest.raises(RecursionError):
        recurse(sys.getrecursionlimit() + 100)
    assert recurse(100) == 600.0


# ------------------------------------------------------------------ threads
def test_sixteen_threads_calling_while_signatures_are_added():
    f, g = compile(affine), compile(total)
    a = np.arange(10.0)
    ro = a.copy()
    ro.flags.writeable = False
    errors = []
    barrier = threading.Barrier(16)
    cases = [(1.5, 2.0), (3, 4), (True, 2), (2.5, 3), (1j, 2.0), (2, 1.5)]
    arrays = [a, a[::2], ro, np.arange(10)]

    def work(i):
        try:
            barrier.wait(60)
            for k in range(300):
                args = cases[(i + k) % len(cases)]
                same(f(*args), affine(*args))
                b = arrays[(i + k) % len(arrays)]
                assert g(b) == total(b)
        except BaseException as err:  # noqa: BLE001 -- re-raised below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads)
    assert not errors, errors[0]
    assert len(f.signatures) == len(cases) and len(g.signatures) <= len(arrays)  # aliases depend on the order


def test_big_arrays_run_with_the_gil_released():
    """A call over at least RELEASE_GIL_ELEMENTS elements lets other threads run."""
    f = compile(spin)
    a = np.ones(fastcall.RELEASE_GIL_ELEMENTS)
    f(a, 1)
    reps = 1
    while True:  # a call of 0.2 s or more
        t0 = time.perf_counter()
        f(a, reps)
        if time.perf_counter() - t0 > 0.2:
            break
        reps *= 2
    gaps, stop = [], threading.Event()

    def ticker():
        last = time.perf_counter()
        while not stop.is_set():
            time.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    t = threading.Thread(target=ticker)
    t.start()
    time.sleep(0.02)
    t0 = time.perf_counter()
    assert f(a, reps) == len(a) * reps * (reps - 1) / 2
    elapsed = time.perf_counter() - t0
    stop.set()
    t.join()
    assert max(gaps) < elapsed / 2, (max(gaps), elapsed)


# ------------------------------------------------------------------ memory
def test_no_reference_is_leaked():
    funcs = {"f": compile(identity), "pair": compile(pair), "pos": compile(is_positive),
             "none": compile(nothing), "row": compile(first_row), "new": compile(doubled)}
    x, n, a = 12345.678, 10 ** 12, np.arange(6.0).reshape(2, 3)
    cases = [("f", (x,)), ("f", (n,)), ("f", (a,)), ("pair", (x, n)), ("pos", (x,)), ("none", (x,)),
             ("row", (a,)), ("new", (a[0],))]
    for name, args in cases:
        funcs[name](*args)
        funcs[name](*args)
    watched = [x, n, a, None, True, False]
    for name, args in cases:
        f = funcs[name]
        gc.collect()
        before = [sys.getrefcount(v) for v in watched]
        owners = live_owners()
        for _ in range(10_000):
            f(*args)
        gc.collect()
        after = [sys.getrefcount(v) for v in watched]
        assert before[:3] == after[:3], (name, before, after)  # the arguments
        assert all(abs(b - a) < 50 for b, a in zip(before[3:], after[3:])), (name, before, after)  # singletons
        assert live_owners() == owners, name
    r = funcs["f"](a)
    assert r is a


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc/self/statm")
def test_array_results_do_not_grow_memory():
    from tests.arrays.test_memory import MARGIN, rss

    f = compile(doubled)
    a = np.ones(1000)
    for _ in range(2000):
        f(a)
    before = rss()
    for _ in range(100_000):
        f(a)
    assert rss() - before < MARGIN


def test_a_dropped_dispatcher_is_collected_and_a_kept_builtin_keeps_working():
    f = compile(affine)
    assert f(1.0, 2.0) == 3.0 and f(1.0, 2.0) == 3.0
    call = type(f).__call__
    ref = weakref.ref(f)
    del f
    gc.collect()
    assert ref() is not None  # the builtin keeps its dispatcher (its fallback) alive
    assert call(2.0, 2.0) == 5.0 and call(2, 2) == 5  # native, then the Python path
    del call
    gc.collect()
    assert ref() is None


def _returns_its_argument(a, b):
    return b


def test_an_argument_returned_as_is_is_the_same_object_without_the_boxer():
    """``return b`` gives the very object passed in, as in CPython, on the native path."""
    import sys

    import numpy as np

    from compiler import compile

    f = compile(_returns_its_argument)
    a, b = np.zeros(4), np.ones((2, 3))[:, ::2]     # a strided view: its own object
    before = sys.getrefcount(b)
    for _ in range(1000):
        assert f(a, b) is b
    assert sys.getrefcount(b) == before


def element_sum(a):
    return a.sum()


@pytest.mark.parametrize("dtype", ["float32", "int8", "int16", "int32", "uint8", "uint16", "uint32", "uint64",
                                   "complex64"])
def test_numpy_scalar_results_are_boxed_natively(slow_calls, dtype):
    """A NumPy scalar result (``np.float32``, ``np.uint8``, ...) is made by the native code."""
    a = np.array([1, 2, 250], dtype) if dtype[0] in "ui" and dtype != "int8" else np.array([1, 2, 3], dtype)
    f = compile(first_element)
    result = check(f, a)
    assert type(result) is np.dtype(dtype).type and result == a[0]
    before = len(slow_calls)
    for _ in range(3):
        same(f(a), a[0])
    assert len(slow_calls) == before
    if dtype == "float32":
        same(compile(element_sum)(a), a.sum())


def first_element(a):
    return a[0]


def plus_one(a):
    return a + 1.0


def test_new_array_results_are_made_natively(slow_calls):
    """An array result with a block of its own becomes a NumPy array in the native code: its
    base owns the block, which goes when the array does."""
    f = compile(plus_one)
    a = np.arange(6.0).reshape(2, 3)[:, ::2]
    check(f, a)
    before, owners = len(slow_calls), live_owners()
    result = f(a)
    assert len(slow_calls) == before
    same(result, a + 1.0)
    assert result.flags.writeable and result.flags.c_contiguous
    assert owned_block(result.base) + HEADER_SIZE == result.ctypes.data and refcount(owned_block(result.base)) == 1
    assert live_owners() == owners + 1
    view = result[1:]
    del result
    assert live_owners() == owners + 1   # the view keeps the block
    del view
    assert live_owners() == owners


def arrays_and_scalars(a, k):
    return a * 2.0, k + 1, a.sum(), a > 0.5, complex(k, 1.5), np.float32(k), a[0] > 0.0


def argument_in_tuple(a):
    return a, a + 1.0, a.shape[0]


def argument_or_new(a, flag):
    b = a if flag else a * 2.0
    return b, a[0]


def view_in_tuple(a):
    return a[1:], a + 1.0


def nested_tuple(a):
    return (a + 1.0, 2), 3.0


def test_tuple_results_are_made_natively(unpacked):
    """A tuple of new arrays and scalars is made by the native code, each array over its own
    block; no Python code unpacks it."""
    f = compile(arrays_and_scalars)
    a = np.linspace(0.0, 1.0, 5)
    check(f, a, 3)
    n, owners = len(unpacked), live_owners()
    result = f(a, 3)
    assert len(unpacked) == n
    same(result, check(f, a, 3))
    assert owned_block(result[0].base) + HEADER_SIZE == result[0].ctypes.data
    assert live_owners() == owners + 2
    del result
    assert live_owners() == owners


def test_an_argument_in_a_tuple_result_is_that_object_natively(unpacked):
    f = compile(argument_in_tuple)
    a, b = np.arange(3.0), np.arange(4.0)
    check(f, a)
    n, owners = len(unpacked), live_owners()
    result = f(b)
    assert len(unpacked) == n and result[0] is b and result[2] == 4
    same(result[1], b + 1.0)
    assert live_owners() == owners + 1
    del result
    assert live_owners() == owners


def test_a_tuple_element_that_is_an_argument_or_new_is_boxed_natively_either_way(unpacked):
    f = compile(argument_or_new)
    a = np.arange(3.0)
    check(f, a, True)
    n, owners = len(unpacked), live_owners()
    given, made = f(a, True), f(a, False)
    assert len(unpacked) == n and given[0] is a and made[0] is not a
    same(made, (a * 2.0, 0.0))
    assert live_owners() == owners + 1
    del given, made
    assert live_owners() == owners


def test_a_nested_tuple_goes_to_the_boxer(unpacked):
    """A nested tuple in a tuple result: the whole result goes to the Python boxer."""
    f = compile(nested_tuple)
    a = np.arange(3.0)
    check(f, a)
    n, owners = len(unpacked), live_owners()
    result = f(a)
    assert len(unpacked) == n + 1
    same(result, nested_tuple(a))
    del result
    assert live_owners() == owners


def whole_slice(a):
    return a[:]


def whole_of_whole(a):
    return a[...][:]


def transposed_vector(a):
    return a.T


def reshaped_alike(a):
    return a.reshape(a.shape[0])


def ravelled(a):
    return a.ravel()


def real_of_reals(a):
    return a.real


def argument_and_its_slice(a):
    return a, a[:]


def one_slice_twice(a):
    x = a[:]
    return a, x, x


def two_equal_slices(a):
    return a[1:], a[1:]


def slice_on_every_path(a, flag):
    if flag:
        return a.T
    return a[:]


def views_and_a_sum(a):
    return a[:], a.sum(), a[None]


def views_a_callee_made(a):
    whole, _, widened = views_and_a_sum(a)
    return widened, whole


def a_callees_view(a):
    return whole_slice(a), a


@pytest.mark.parametrize("func, args", [
    (whole_slice, (np.arange(5.0),)),
    (whole_slice, (np.arange(0.0),)),              # no elements: made by the boxer
    (whole_slice, (np.arange(12.0)[2:8],)),        # a view already: NumPy's base is its base
    (whole_of_whole, (np.arange(6.0).reshape(2, 3),)),
    (transposed_vector, (np.arange(4.0),)),
    (reshaped_alike, (np.arange(4.0),)),
    (ravelled, (np.arange(4.0),)),
    (real_of_reals, (np.arange(4.0),)),            # NumPy's a.real of real numbers is a itself
    (argument_and_its_slice, (np.arange(3.0),)),
    (one_slice_twice, (np.arange(3.0),)),
    (two_equal_slices, (np.arange(3.0),)),
    (slice_on_every_path, (np.arange(3.0), True)),
    (slice_on_every_path, (np.arange(3.0), False)),
    (views_a_callee_made, (np.arange(3.0),)),      # the callee's record of its views (arrays-s60-61)
    (a_callees_view, (np.arange(3.0),)),
], ids=["slice", "empty", "slice_of_a_view", "twice_sliced", "transpose", "reshape", "ravel", "real", "in_a_tuple",
        "one_view_twice", "two_views", "on_every_path_true", "on_every_path_false", "callee_tuple", "callee"])
def test_views_the_function_made_are_new_objects_even_spanning_an_argument(func, args):
    """``return a[:]`` gives a new view of ``a`` (``a[:] is a`` is False in NumPy, and setting
    its ``shape`` leaves ``a`` alone), though it has ``a``'s data, shape and strides and a
    pass folds it into ``a``: the trace records the views it made.  Each result array is the
    argument, a view of it with NumPy's base, or one object twice exactly where CPython's is,
    on the Python path, the native one and the boxer's."""
    arrays = [a for a in args if isinstance(a, np.ndarray)]

    def identities(result):   # per result array: which arguments it is, is based on, and which results
        results = result if isinstance(result, tuple) else (result,)
        return [([x is a for a in arrays], [x.base is (a if a.base is None else a.base) for a in arrays],
                 [x is y for y in results]) for x in results]

    f = compile(func)
    want = identities(func(*args))
    for _ in range(3):
        assert identities(f(*args)) == want
    assert identities(Dispatcher._call_slow(f, *args)) == want


def slice_of(a):
    return a[1:]


def reversed_row(a):
    return a[1, ::-1]


def real_part(a):
    return a.real


def nothing_of(a):
    return a[2:2]


@pytest.mark.parametrize("func, a", [
    (slice_of, np.arange(5.0)),
    (slice_of, np.arange(20.0)[3:9]),           # a view: NumPy's base is the array it views
    (reversed_row, np.arange(12.0).reshape(3, 4)),
    (real_part, np.arange(4) + 2j),             # another dtype than the argument's
    (view_in_tuple, np.arange(3.0)),
], ids=["slice", "slice_of_a_view", "reversed_row", "real_part", "in_a_tuple"])
def test_views_of_arguments_are_boxed_natively_with_numpys_base(unpacked, func, a):
    """A view of an argument is made by the native code, alone or in a tuple: a NumPy array
    whose ``base`` is what NumPy's own view has (the argument, or its base), writeable as
    the argument is; no Python code unpacks it, and the first call (the Python path) gives
    the same base."""
    f = compile(func)
    first = f(a)
    check(f, a)
    for frozen in (False, True):   # a read-only argument is another signature
        a.flags.writeable = not frozen
        f(a), f(a)
        n = len(unpacked)
        want, got = func(a), f(a)
        assert len(unpacked) == n
        same(got, want)
        for x, y in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
            if np.shares_memory(y, a):
                assert x.base is y.base and x.flags.writeable == y.flags.writeable
    a.flags.writeable = True
    count = sys.getrefcount(a)
    for _ in range(100):
        f(a)
    assert sys.getrefcount(a) == count   # each view gave its reference of the argument back
    view = first[0] if isinstance(first, tuple) else first
    assert view.base is (func(a)[0] if isinstance(first, tuple) else func(a)).base


def test_an_empty_view_goes_to_the_boxer(unpacked):
    """A view with no elements holds no argument's bytes: the Python boxer makes it."""
    f = compile(nothing_of)
    a = np.arange(5.0)
    check(f, a)
    n = len(unpacked)
    same(f(a), a[2:2])
    assert len(unpacked) == n + 1


def _twice_and_an_empty_view(a, b):
    v = np.arange(len(b))
    return v, v, a[0, 2:]


def test_an_element_returned_twice_is_one_object_also_where_python_boxes_the_tuple():
    """``return v, v, a[0, 2:]`` of an empty ``a``: the native code cannot tell which argument
    the empty view views and hands the tuple to the Python boxer, which gives ``v`` once as
    CPython does (it gave two objects from the second call on: fuzz program arrays-s68-185)."""
    f = compile(_twice_and_an_empty_view)
    a, b = np.zeros((3, 0)), np.ones(3)
    for _ in range(3):
        r = f(a, b)
        assert r[0] is r[1] and r[0].tolist() == [0, 1, 2] and r[2].shape == (0,)
