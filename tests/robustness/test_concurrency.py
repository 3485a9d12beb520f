"""Compiling and calling from 16 threads at once.

Every test starts its threads together at a ``threading.Barrier`` so that they
really overlap (tracing runs under the GIL, LLVM under the engine's lock, and
compiled code releases the GIL for large array arguments), joins them with a timeout (a
deadlock fails the test instead of hanging it), and re-raises the first error
any thread met.  Results must equal CPython's, computed in the main thread.

``tests/compiler/test_dispatcher.py`` already runs a pool of threads over a
dispatcher; these tests add the barrier, count the compilations, compile in
parallel through separate dispatchers, call array kernels and failing kernels
concurrently, and read ``signatures`` while specialisations are being added.
"""
from __future__ import annotations

import math
import sys
import threading
import traceback

import numpy as np
import pytest

import compiler.dispatcher
from compiler import compile
from ir.diagnostics import TypingError
from tests.arrays.support import assert_same

THREADS = 16
JOIN_TIMEOUT = 120


def run_together(work, n=THREADS):
    """``[work(i) for i in range(n)]``, each call in its own thread, all released at once."""
    barrier = threading.Barrier(n)
    results = [None] * n
    errors = []

    def worker(i):
        try:
            barrier.wait(timeout=JOIN_TIMEOUT)
            results[i] = work(i)
        except BaseException as err:  # noqa: BLE001 -- re-raised in the main thread
            errors.append((i, err, traceback.format_exc()))

    threads = [threading.Thread(target=worker, args=(i,), name=f"robustness-{i}") for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN_TIMEOUT)
    stuck = [t.name for t in threads if t.is_alive()]
    assert not stuck, f"threads still running after {JOIN_TIMEOUT} s (deadlock?): {stuck}"
    if errors:
        i, err, text = errors[0]
        raise AssertionError(f"{len(errors)} of {n} threads failed; thread {i}:\n{text}") from err
    return results


@pytest.fixture
def compilations(monkeypatch):
    """Counts ``compile_function`` calls made by dispatchers (one per specialisation built)."""
    calls = []
    original = compiler.dispatcher.compile_function

    def counting(pyfunc, *args, **kwargs):
        calls.append(pyfunc.__name__)  # list.append is atomic
        return original(pyfunc, *args, **kwargs)

    monkeypatch.setattr(compiler.dispatcher, "compile_function", counting)
    return calls


# ------------------------------------------------------------------ kernels
def poly(x, n):
    acc = 0
    for i in range(n):
        acc = acc * x + i
    return acc


def collatz(n):
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


def shared_helper(x, k):
    return x * k + 1


def uses_helper_a(x):
    return shared_helper(x, 2) - shared_helper(x, 3)


def uses_helper_b(x):
    s = 0.0
    for i in range(5):
        s += shared_helper(x, i)
    return s


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def gcd_loop(a, b):
    while b:
        a, b = b, a % b
    return a


def trig(x):
    return math.sin(x) * math.cos(x) + math.sqrt(abs(x))


def branches(x):
    if x > 10:
        r = x - 10
    elif x < -10:
        r = -x
    else:
        r = x * x
    return r


def tuple_stats(n):
    lo, hi, total = n, -n, 0
    for i in range(-n, n):
        v = (i * 37) % 11
        lo, hi, total = min(lo, v), max(hi, v), total + v
    return lo, hi, total


def array_sum(a):
    s = 0.0
    for v in a:
        s += v
    return s


def array_dot(a, b):
    s = 0.0
    for i in range(len(a)):
        s += a[i] * b[i]
    return s


def cumulative(a):
    out = np.empty_like(a)
    s = 0.0
    for i in range(len(a)):
        s += a[i]
        out[i] = s
    return out


def outer(a, b):
    out = np.zeros((len(a), len(b)))
    for i in range(len(a)):
        for j in range(len(b)):
            out[i, j] = a[i] * b[j]
    return out


def scale_in_place(a, k):
    for i in range(len(a)):
        a[i] = a[i] * k
    return 0


def int_histogram(a, bins):
    counts = np.zeros(bins, np.int64)
    for v in a:
        counts[v % bins] += 1
    return counts


def read_at(a, i):
    return a[i]


def divide(a, b):
    return a // b


def depth(n):
    if n == 0:
        return 0
    return depth(n - 1) + 1


def bad_types(n):
    if n > 0:
        v = (1, 2)
    else:
        v = 1.5
    return v


VECTOR = np.linspace(-3.0, 5.0, 257)
OTHER = np.cos(VECTOR)
INTS = np.arange(-40, 89, dtype=np.int64)

#: 16 different functions, each with arguments for thread i
DIFFERENT = [
    (poly, lambda i: (1.5, i + 3)),
    (collatz, lambda i: (27 + i,)),
    (uses_helper_a, lambda i: (i,)),
    (uses_helper_b, lambda i: (0.5 * i,)),
    (fib, lambda i: (10 + i % 5,)),
    (gcd_loop, lambda i: (1071 * (i + 1), 462)),
    (trig, lambda i: (0.1 * i - 0.7,)),
    (branches, lambda i: (4 * i - 30,)),
    (tuple_stats, lambda i: (i + 1,)),
    (array_sum, lambda i: (VECTOR[i:],)),
    (array_dot, lambda i: (VECTOR, OTHER)),
    (cumulative, lambda i: (VECTOR[::i + 1],)),
    (outer, lambda i: (VECTOR[:i + 1], OTHER[:7])),
    (int_histogram, lambda i: (INTS, i + 2)),
    (read_at, lambda i: (VECTOR, -i - 1)),
    (divide, lambda i: (1000 + i, i + 1)),
]


# ------------------------------------------------------------------ compiling
def test_sixteen_threads_compile_the_same_function_once(compilations):
    f = compile(poly)
    results = run_together(lambda i: f(2.5, 12))
    assert all(type(r) is float and r == poly(2.5, 12) for r in results), results
    assert [str(s) for s in f.signatures] == ["f64(f64, i64)"]
    assert compilations == ["poly"]


def test_sixteen_threads_compile_the_same_array_function_once(compilations):
    f = compile(cumulative)
    results = run_together(lambda i: f(VECTOR))
    for r in results:
        assert_same(r, cumulative(VECTOR))
    assert len({id(r) for r in results}) == THREADS  # each call returns its own array
    assert len(f.signatures) == 1 and compilations == ["cumulative"]


def test_sixteen_threads_compile_one_explicit_signature_once(compilations):
    f = compile(fib)
    compiled = run_together(lambda i: f.compile("i64(i64)"))
    assert all(c is compiled[0] for c in compiled)
    assert compilations == ["fib"] and f(20) == fib(20)


def test_sixteen_threads_compile_different_functions():
    """Each thread its own function, through its own dispatcher: the compilations overlap."""
    dispatchers = [compile(func) for func, _ in DIFFERENT]
    results = run_together(lambda i: dispatchers[i](*DIFFERENT[i][1](i)))
    for i, (func, args) in enumerate(DIFFERENT):
        assert_same(results[i], func(*args(i)), f"{func.__name__} in thread {i}")
        assert len(dispatchers[i].signatures) == 1


def test_sixteen_threads_compile_the_same_function_through_separate_dispatchers():
    """The source conversion of a function (and of the helper it calls) is shared; sixteen
    dispatchers of it compiling at once must not trip over each other."""
    results = run_together(lambda i: (compile(uses_helper_b)(0.25 * i), compile(uses_helper_a)(i)))
    assert results == [(uses_helper_b(0.25 * i), uses_helper_a(i)) for i in range(THREADS)]


SIGNATURE_ARGUMENTS = [np.int8(3), np.int16(3), np.int32(3), np.int64(3), np.uint8(3), np.uint16(3), np.uint32(3),
                       np.uint64(3), np.float32(1.5), np.float64(1.5), 3, 1.5, True, 1 + 2j, np.complex64(1 - 1j),
                       np.complex128(0.5j)]


@pytest.mark.filterwarnings("ignore::compiler.SpecializationWarning")   # sixteen signatures on purpose
def test_sixteen_signatures_at_once_while_signatures_is_read(compilations):
    """Sixteen threads each add a specialisation to one dispatcher while a seventeenth reads
    ``signatures`` in a loop (with a tiny switch interval, which made that read fail with
    'dictionary changed size during iteration' before ``signatures`` took a snapshot)."""
    f = compile(poly)
    stop = threading.Event()
    finished = []

    def work(i):
        if i == THREADS:
            seen = 0
            while not stop.is_set():
                seen = max(seen, len(f.signatures))
            return seen
        try:
            return f(SIGNATURE_ARGUMENTS[i], 4)
        finally:
            finished.append(i)
            if len(finished) == THREADS:
                stop.set()

    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        results = run_together(work, THREADS + 1)
    finally:
        stop.set()
        sys.setswitchinterval(previous)
    for i, arg in enumerate(SIGNATURE_ARGUMENTS):
        want = poly(arg, 4)
        with np.errstate(over="ignore"):
            assert results[i] == want, (arg, results[i], want)
    assert len(f.signatures) == THREADS and len(compilations) == THREADS
    assert results[THREADS] <= THREADS


def test_compile_errors_in_some_threads_do_not_disturb_the_others():
    """Half the threads compile a function with a type conflict, half a good one, at once:
    every bad compile raises the same located TypingError and leaves no trace running;
    every good one computes CPython's result."""
    bad, good = compile(bad_types), compile(tuple_stats)

    def work(i):
        if i % 2:
            return good(i)
        try:
            bad(i)
        except TypingError as err:
            from frontend.tracer import tracing
            assert not tracing()
            return str(err)
        raise AssertionError("no TypingError")

    results = run_together(work)
    messages = set(results[0::2])
    assert len(messages) == 1 and "incompatible types" in messages.pop()
    assert results[1::2] == [tuple_stats(i) for i in range(1, THREADS, 2)]
    assert bad.signatures == []


# ------------------------------------------------------------------ calling
CALLS = 60


def test_sixteen_threads_call_scalar_functions():
    compiled = [(compile(func), func, args) for func, args in DIFFERENT[:9]]
    for c, func, args in compiled:  # compile first: this test is about calling
        c(*args(0))
    expected = [[func(*args((i + k) % THREADS)) for k in range(CALLS) for _, func, args in compiled]
                for i in range(THREADS)]
    got = run_together(lambda i: [c(*args((i + k) % THREADS)) for k in range(CALLS) for c, _, args in compiled])
    for i in range(THREADS):
        for g, w in zip(got[i], expected[i]):
            assert_same(g, w, f"thread {i}")


def test_sixteen_threads_call_array_functions():
    """Shared read-only inputs, arrays allocated and returned by compiled code in every thread
    (their reference counts change concurrently), and each thread writing its own array."""
    fs = {f: compile(f) for f in (array_sum, array_dot, cumulative, outer, int_histogram, scale_in_place)}
    fs[scale_in_place](np.ones(2), 2.0)
    for f in (array_sum, array_dot, cumulative, outer, int_histogram):
        fs[f](*dict(DIFFERENT)[f](0))

    def work(i):
        own = VECTOR.copy()
        out = []
        for k in range(CALLS // 4):
            out.append(fs[array_sum](VECTOR[k:]))
            out.append(fs[array_dot](VECTOR, OTHER))
            out.append(fs[cumulative](VECTOR[::i + 1]))
            out.append(fs[outer](VECTOR[:i + 1], OTHER[:k + 1]))
            out.append(fs[int_histogram](INTS, i + 2))
            fs[scale_in_place](own, 1.0 + 1.0 / (k + 1))
        out.append(own)
        return out

    def reference(i):
        own = VECTOR.copy()
        out = []
        for k in range(CALLS // 4):
            out += [array_sum(VECTOR[k:]), array_dot(VECTOR, OTHER), cumulative(VECTOR[::i + 1]),
                    outer(VECTOR[:i + 1], OTHER[:k + 1]), int_histogram(INTS, i + 2)]
            scale_in_place(own, 1.0 + 1.0 / (k + 1))
        return out + [own]

    got = run_together(work)
    for i in range(THREADS):
        want = reference(i)
        assert len(got[i]) == len(want)
        for g, w in zip(got[i], want):
            assert_same(g, w, f"thread {i}")


def test_sixteen_threads_get_their_own_run_time_errors():
    """Errors raised by compiled code in many threads at once: each call gets its own message
    (the error arguments are per call) -- or its own result when it does not fail."""
    at, div, deep = compile(read_at), compile(divide), compile(depth)
    at(VECTOR, 0), div(1, 1), deep(3)

    def work(i):
        out = []
        for k in range(CALLS // 3):
            index = len(VECTOR) + i + k  # out of range, by a different amount per call
            try:
                at(VECTOR, index)
                out.append("no error")
            except IndexError as err:
                out.append(str(err))
            try:
                out.append(div(i + k, k % 3))
            except ZeroDivisionError as err:
                out.append(str(err))
            try:
                out.append(deep(10 ** 6 if k % 5 == 0 else k))
            except RecursionError as err:
                out.append(str(err))
        return out

    got = run_together(work)
    for i in range(THREADS):
        for k in range(CALLS // 3):
            index = len(VECTOR) + i + k
            message, quotient, d = got[i][3 * k: 3 * k + 3]
            assert message == f"index {index} is out of bounds for axis 0 with size {len(VECTOR)}", message
            if k % 3:
                assert quotient == (i + k) // (k % 3)
            else:
                assert quotient == "integer division or modulo by zero", quotient
            assert d == ("maximum recursion depth exceeded" if k % 5 == 0 else k), d
