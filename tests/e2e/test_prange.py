"""``prange`` and ``compile(parallel=True)``: results against the sequential loop, reductions,
races refused, errors raised in trips, threads, fork."""
import multiprocessing
import os
import threading
import time

import numpy as np
import pytest

from compiler import compile, get_num_threads, prange, set_num_threads
from ir import UnsupportedError
from runtime import threads
from tests.long import grid, long_except


@pytest.fixture(params=[1, 2, 3, 7])
def thread_count(request):
    before = get_num_threads()
    set_num_threads(request.param)
    yield request.param
    set_num_threads(before)


def parallel(f):
    return compile(parallel=True)(f)


# ----------------------------------------------------------------- element-wise and reductions
def saxpy(a, x, y, out):
    for i in prange(x.shape[0]):
        out[i] = a * x[i] + y[i]
    return out


def reductions(x, k):
    total, product, low, high = 0, 1, x[0], x[0]
    both, either, odd = -1, 0, 0
    for i in prange(x.shape[0]):
        total += x[i]
        product *= x[i] % 7 + 1
        low = min(low, x[i])
        high = max(high, x[i])
        both &= x[i] | k
        either |= x[i]
        odd ^= x[i]
    return total, product, low, high, both, either, odd


def conditional_sum(x):
    s = 0.0
    n = 0
    for i in prange(x.shape[0]):
        if x[i] > 0.5:
            s += x[i]
            n += 1
        else:
            s -= 1.0
    return s, n


def row_sums(a):
    out = np.empty(a.shape[0])
    total = 0.0
    for i in prange(a.shape[0]):
        s = 0.0
        for j in range(a.shape[1]):
            s += a[i, j]
        out[i] = s
        total += s
    return out, total


def rows_doubled(a, out):
    for i in prange(a.shape[0]):
        out[i, :] = a[i, :] * 2


def columns_scaled(a):
    out = np.zeros_like(a)
    for j in prange(a.shape[1]):
        out[:, j] = a[:, j] * (j + 1)
    return out


def nested(a):
    out = np.zeros_like(a)
    for i in prange(a.shape[0]):
        for j in prange(a.shape[1]):   # runs as a plain loop inside each trip of the outer one
            out[i, j] = a[i, j] + i * j
    return out


def trip_temporaries(a):
    out = np.empty(a.shape[0])
    for i in prange(a.shape[0]):
        t = a[i] * 2.0      # an array each trip allocates for itself
        t[0] = 1.0
        out[i] = t.sum()
    return out


def stepped(x):
    s = 0
    for i in prange(x.shape[0] - 1, -1, -3):
        s += x[i] * i
    return s


def test_saxpy_writes_every_element(thread_count):
    x, y = np.random.default_rng(0).random((2, 1001))
    out = np.zeros_like(x)
    parallel(saxpy)(2.5, x, y, out)
    assert np.array_equal(out, 2.5 * x + y)


@pytest.mark.filterwarnings("ignore:overflow encountered")   # the product wraps, in NumPy as in compiled code
@pytest.mark.parametrize("n", [1, 2, 5, 1000])
def test_integer_reductions_are_those_of_the_sequential_loop(thread_count, n):
    x = np.random.default_rng(n).integers(-10**6, 10**6, n)
    assert parallel(reductions)(x, 12345) == reductions(x, 12345)


def test_float_sums_are_close_to_the_sequential_loop(thread_count):
    x = np.random.default_rng(1).random(10_001)
    s, n = parallel(conditional_sum)(x)
    expected_s, expected_n = conditional_sum(x)
    assert n == expected_n and s == pytest.approx(expected_s, rel=1e-12)


def float_extremes(x):
    low, high = np.inf, -np.inf
    for i in prange(x.shape[0]):
        low = min(low, x[i])
        high = max(high, x[i])
    return low, high


def kept_by_comparison(x, k):
    high, low = -1.0, 10.0
    n_high, n_low = -10**9, 10**9
    for i in prange(x.shape[0]):
        if x[i] > high:
            high = x[i]
        low = x[i] if x[i] < low else low
        if k[i] >= n_high:
            n_high = k[i]
        n_low = n_low if n_low <= k[i] else k[i]
    return high, low, n_high, n_low


def test_min_and_max_written_as_comparisons(thread_count):
    rng = np.random.default_rng(9)
    x, k = rng.random(5001), rng.integers(-10**6, 10**6, 5001)
    assert parallel(kept_by_comparison)(x, k) == kept_by_comparison(x, k)


def test_float_min_and_max_keep_the_first_of_equal_values(thread_count):
    x = np.array([0.0, -0.0, 1.0, -0.0, 0.0, 2.0, -1.0, -1.0])
    assert [np.copysign(1, v) for v in parallel(float_extremes)(x)] == \
        [np.copysign(1, v) for v in float_extremes(x)]
    x = np.random.default_rng(2).random(999)
    assert parallel(float_extremes)(x) == float_extremes(x)


def test_float_sums_are_the_same_for_a_given_thread_count(thread_count):
    x = np.random.default_rng(3).random(100_003)
    f = parallel(conditional_sum)
    assert len({f(x) for _ in range(5)}) == 1


@pytest.mark.parametrize("thread_count", long_except([1, 2, 3, 7], keep=[3, 7]), indirect=True)
def test_nested_loops_views_and_trip_temporaries(thread_count):
    a = np.random.default_rng(4).random((13, 7))
    out, total = parallel(row_sums)(a)
    assert np.allclose(out, a.sum(axis=1)) and total == pytest.approx(a.sum())
    out = np.zeros_like(a)
    parallel(rows_doubled)(a, out)
    assert np.array_equal(out, a * 2)
    assert np.array_equal(parallel(columns_scaled)(a), columns_scaled(a))
    assert np.array_equal(parallel(nested)(a), nested(a))
    assert np.array_equal(parallel(trip_temporaries)(a), trip_temporaries(a))


def test_steps_and_empty_ranges(thread_count):
    x = np.arange(20)
    assert parallel(stepped)(x) == stepped(x)
    assert parallel(stepped)(x[:0]) == 0
    assert parallel(reductions)(x[:1], 3) == reductions(x[:1], 3)


def test_without_parallel_prange_is_range():
    x = np.arange(10)
    assert compile(stepped)(x) == stepped(x)
    assert list(prange(3)) == [0, 1, 2]


def test_overlapping_arguments_run_in_order(thread_count):
    def shifted(a, b):
        for i in prange(a.shape[0] - 1):
            b[i] = a[i + 1] + 1
    a = np.arange(10.0)
    expected = a.copy()
    shifted(expected, expected)
    parallel(shifted)(a, a)
    assert np.array_equal(a, expected)


def second_half(x, p):
    out = np.zeros(len(x))
    for i in prange(len(x) // 2 + p, len(x)):   # a start not known to be >= 0: checked when the loop starts
        out[i] = x[i] + i
    return out


def fill(out):
    for i in prange(len(out)):
        out[i] = i * 2


def fills_views(a, b):
    fill(a[1:])
    fill(a[::-1][:3])
    fill(b.T[0])
    return a, b


def absorbed(p, n):
    w, b, c = 5, False, -1
    for i in prange(n):
        if i >= p:
            w *= 0
        if i > p:
            b |= True
        if i == p:
            c &= 0
    return w, b, c


def narrow_minimum(x):
    w = np.int16(1)
    v = np.uint16(1)
    for i in prange(x.shape[0]):
        t = np.int16(x[i])
        if t < w:
            w = t
        c = np.uint16(100)   # at -O0 compared as the int64 constant 100 (fuzz prange-s3-63)
        v = c if c > v else v
    return w, v


def widened_minimum(x32):
    m = 1.5
    for i in prange(x32.shape[0]):
        t = float(x32[i])   # a float32 compared as the float64 it widens to (fuzz prange-s4-74)
        m = t if t < m else m
    return m


@pytest.mark.parametrize("thread_count, opt", grid([1, 2, 3, 7], [0, 3]), indirect=["thread_count"])
def test_loops_the_pass_proves_apart_in_more_forms(thread_count, opt):
    f = compile(parallel=True, opt=opt)
    x = np.arange(10.0)
    for p in (0, 3, -7, -10):   # with p < -5 the first trips count from the end: run in order
        assert np.array_equal(f(second_half)(x, p), second_half(x, p))
    got, want = f(fills_views)(np.zeros(6), np.zeros((3, 2))), fills_views(np.zeros(6), np.zeros((3, 2)))
    assert all(np.array_equal(g, w) for g, w in zip(got, want))
    assert f(absorbed)(3, 10) == absorbed(3, 10) and f(absorbed)(30, 10) == absorbed(30, 10)
    k = np.random.default_rng(10).integers(-30000, 30000, 999)
    assert f(narrow_minimum)(k) == narrow_minimum(k)
    x32 = np.random.default_rng(11).random(777).astype(np.float32)
    assert f(widened_minimum)(x32) == widened_minimum(x32)
    assert np.array_equal(f(saxpy)(2.0, x, x, np.zeros(10)), 3.0 * x)


# ----------------------------------------------------------------- errors in trips
def divide_all(x, k):
    s = 0
    for i in prange(x.shape[0]):
        s += 100 // (int(x[i]) - k)
    return s


def gather(x, idx):
    out = np.empty(idx.shape[0])
    for i in prange(idx.shape[0]):
        out[i] = x[idx[i]]
    return out


@pytest.mark.parametrize("k", [0, 3, 50, 99])
def test_an_error_in_a_trip_reaches_the_caller(thread_count, k):
    x = np.arange(100)
    with pytest.raises(ZeroDivisionError):
        parallel(divide_all)(x, k)
    assert parallel(divide_all)(x, 1000) == divide_all(x, 1000)


def test_the_error_raised_is_that_of_the_first_failing_trip(thread_count):
    x = np.arange(5.0)
    idx = np.array([0, 1, 7, 2, 3, 9, 4, 11])
    with pytest.raises(IndexError, match="index 7 is out of bounds"):
        parallel(gather)(x, idx)
    idx = np.array([0, 1, 2, 3, 4, 3, 2, 1, 0, 12])
    with pytest.raises(IndexError, match="index 12 is out of bounds"):
        parallel(gather)(x, idx)


# ----------------------------------------------------------------- what is refused
def carries(x):
    s = 0.0
    for i in prange(x.shape[0]):
        s = s * 0.5 + x[i]
    return s


def reads_the_sum(x):
    s = 0.0
    out = np.empty_like(x)
    for i in prange(x.shape[0]):
        s += x[i]
        out[i] = s
    return out


def tie_keeps_the_later(x):
    m = 0.0
    for i in prange(x.shape[0]):
        if x[i] >= m:   # for floats not max(m, x[i]): a later -0.0 replaces 0.0
            m = x[i]
    return m


def histogram(x, h):
    for i in prange(x.shape[0]):
        h[x[i]] += 1


def neighbours(a):
    for i in prange(1, a.shape[0]):
        a[i] = a[i - 1] + 1


def same_element(a):
    for i in prange(a.shape[0]):
        a[0] = i


def whole_read(a):
    for i in prange(a.shape[0]):
        a[i] = a.sum()


def draws(n):
    s = 0.0
    for i in prange(n):
        s += np.random.random()
    return s


def stops_early(n):
    s = 0
    for i in prange(n):
        if i > 5:
            break
        s += i
    return s


def appends(n):
    items = []
    for i in prange(n):
        items.append(i)
    return len(items)


def caught_outside(x):
    try:
        for i in prange(x.shape[0]):
            x[i] = 1 // int(x[i])
    except ZeroDivisionError:
        return -1
    return 0


def comprehension(n):
    return [i * 2 for i in prange(n)]


def calls_a_writer(a):
    for i in prange(a.shape[0]):
        fill_first(a, i)


@compile
def fill_first(a, v):
    a[0] = v


@pytest.mark.parametrize("f, args, message", [
    (carries, (np.ones(4),), "carry 's' from one to the next"),
    (reads_the_sum, (np.ones(4),), "carry 's'"),
    (tie_keeps_the_later, (np.ones(4),), "compared by 'ge' other than to keep the smaller or larger"),
    (histogram, (np.array([1, 2, 1]), np.zeros(4, np.int64)), "reads 'h' where other trips write it"),
    (neighbours, (np.zeros(4),), "where other trips write it"),
    (same_element, (np.zeros(4),), "writes 'a' where other trips write it"),
    (whole_read, (np.zeros(4),), "reads 'a' where other trips write it"),
    (draws, (4,), "random numbers cannot be drawn in a prange loop"),
    (stops_early, (4,), "may stop early"),
    (appends, (4,), "cannot change the list 'items'"),
    (caught_outside, (np.ones(4, np.int64),), "cannot be caught by a try around the loop"),
    (calls_a_writer, (np.zeros(4),), "writes 'a' where other trips write it"),
    (comprehension, (4,), "a list comprehension over prange builds its result in order"),
])
def test_loops_whose_trips_cannot_run_at_once_are_refused_naming_the_line(f, args, message):
    with pytest.raises(UnsupportedError, match=message) as info:
        parallel(f)(*args)
    assert info.value.loc is not None and info.value.loc.file == __file__
    compile(f)   # without parallel=True the same loop is a plain range: no error (nor a race)


# ----------------------------------------------------------------- threads and processes
def test_the_thread_count_is_checked():
    with pytest.raises(ValueError, match="from 1 to"):
        set_num_threads(0)
    with pytest.raises(TypeError, match="must be an int"):
        set_num_threads(2.0)
    assert get_num_threads() >= 1


def test_sixteen_python_threads_call_parallel_kernels_at_once():
    f = parallel(row_sums)
    a = np.random.default_rng(5).random((301, 50))
    expected = f(a)
    results = [None] * 16

    def work(k):
        results[k] = [f(a) for _ in range(5)]

    workers = [threading.Thread(target=work, args=(k,)) for k in range(16)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    for found in results:
        for out, total in found:
            assert np.array_equal(out, expected[0]) and total == expected[1]


def _child(queue):
    f = parallel(row_sums)
    a = np.ones((100, 10))
    queue.put(f(a)[1])


@pytest.mark.skipif(not threads.available() or not hasattr(os, "fork"), reason="needs fork and the OpenMP runtime")
def test_a_forked_child_gets_working_threads():
    parallel(row_sums)(np.ones((100, 10)))   # the parent's team exists
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child, args=(queue,))
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 0 and queue.get(timeout=5) == 1000.0


# ----------------------------------------------------------------- whole-array code with parallel=True
def standardize(a, b):
    return np.sqrt(a * a + b * b) * np.exp(-a) + np.where(a > b, a, b)


def row_norms(a):
    return np.sqrt((a * a).sum(axis=1)), a.max(axis=1), (a > 0.5).sum(axis=1)


def centered(a):
    return a - a.mean(axis=0)


def integer_total(x):
    return (x * 3 - 1).sum(), (x & 5).max()


def in_place(a):
    a[1:] = a[:-1] * 2.0
    return a


ARRAY_SHAPES = [(7, 5), (300, 301), (40_000,)]


# each thread count and shape by default (thread_count: the fixture's parameter, given here)
@pytest.mark.parametrize("thread_count, shape", grid([1, 2, 3, 7], [(shape,) for shape in ARRAY_SHAPES],
                                                     col_ids=lambda c: f"shape{ARRAY_SHAPES.index(c[0])}"),
                         indirect=["thread_count"])
def test_array_expressions_give_the_sequential_results(thread_count, shape):
    rng = np.random.default_rng(6)
    a, b = rng.random((2, *shape))
    assert np.array_equal(parallel(standardize)(a, b), compile(standardize)(a, b))
    assert np.array_equal(parallel(centered)(a), compile(centered)(a))
    expected = in_place(a.copy())
    assert np.array_equal(parallel(in_place)(a.copy()), expected)
    if len(shape) == 2:
        for got, want in zip(parallel(row_norms)(a), compile(row_norms)(a)):
            assert np.array_equal(got, want)
    x = rng.integers(-1000, 1000, shape)
    assert parallel(integer_total)(x) == integer_total(x)


@pytest.mark.parametrize("thread_count", long_except([1, 2, 3, 7], keep=[3, 7]), indirect=True)
def test_array_expressions_on_views_and_fortran_arrays(thread_count):
    a = np.asfortranarray(np.random.default_rng(7).random((400, 300)))
    assert np.array_equal(parallel(standardize)(a, a.T.copy().T), compile(standardize)(a, a))
    v = np.random.default_rng(8).random((600, 500))[::2, 1::3]
    assert np.array_equal(parallel(standardize)(v, v), compile(standardize)(v, v))


def spin(n):
    s = 0
    for i in prange(n):
        s += (i * i) % 7
    return s


@pytest.mark.skipif(not threads.available(), reason="without the OpenMP runtime loops run on the calling thread")
def test_the_gil_is_released_while_a_loop_runs_on_several_threads():
    if get_num_threads() < 2:
        set_num_threads(2)
    f = parallel(spin)
    for _ in range(3):
        f(10)   # the third call takes the native path, which keeps the GIL for scalar arguments
    ticks = 0
    worker = threading.Thread(target=f, args=(300_000_000,))   # scalar arguments: the call itself keeps the GIL
    worker.start()
    time.sleep(0.02)   # the worker is in the loop now; were the GIL held there, this thread would wait for it
    while worker.is_alive():
        ticks += 1
    worker.join()
    assert ticks > 1000   # this thread ran while the loop did


def views_read_in_trips(a):
    inner = a[1:, ::2].T
    column = a[:, 0]
    out = np.zeros(inner.shape[0])
    for i in prange(inner.shape[0]):
        out[i] = inner[i, 0] + inner[i, -1] * column[-1]
    return out


def test_views_made_before_the_loop_are_read_in_every_trip(thread_count):
    """Views made outside a parallel loop and only read in it (no struct of their own in
    the outer function) reach the loop's body, a function of its own, whole."""
    a = np.arange(35.0).reshape(5, 7)
    np.testing.assert_array_equal(parallel(views_read_in_trips)(a), views_read_in_trips(a))
