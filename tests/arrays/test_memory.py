"""Memory of compiled array code: temporaries are freed, results are handed
to NumPy without a copy and freed when NumPy drops them.

Resident memory is read from ``/proc/self/statm`` before and after a long
run (after a warm-up that compiles everything and lets the allocator reach
its working size); a leak of one 8 KB array per iteration or call would
grow it by 800 MB to 1.6 GB, so a 64 MB margin separates the two clearly.
"""
import gc
import os
import sys

import numpy as np
import pytest

from compiler import compile
from tests.e2e.support import OPT_LEVELS, CompiledCache
from tests.long import long_except

from . import kernels as K

compiled = CompiledCache()
MARGIN = 64 * 2**20
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc/self/statm")


def rss():
    gc.collect()
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


# each of these three by default at one level (-O0, -O3, -O0), the other under ``-m long``
@pytest.mark.parametrize("opt", long_except(OPT_LEVELS, keep=[0]))
def test_a_temporary_allocated_in_every_iteration_is_freed(opt):
    f = compiled(K.temporaries_in_loop, opt)
    assert f(10, 1000) == K.temporaries_in_loop(10, 1000)  # warm-up: compiled, checked
    f(100_000, 1000)
    before = rss()
    for _ in range(4):
        assert f(100_000, 1000) == sum(range(100_000)) + 100_000.0
    grown = rss() - before
    assert grown < MARGIN, f"resident memory grew by {grown / 2**20:.1f} MB over 400,000 temporaries"


@pytest.mark.parametrize("opt", long_except(OPT_LEVELS, keep=[3]))
def test_returned_arrays_dropped_at_once_are_freed(opt):
    f = compiled(K.fresh_array, opt)
    for _ in range(2000):  # warm-up
        f(1000)
    before = rss()
    for _ in range(200_000):
        f(1000)
    grown = rss() - before
    assert grown < MARGIN, f"resident memory grew by {grown / 2**20:.1f} MB over 200,000 results"


@pytest.mark.parametrize("opt", long_except(OPT_LEVELS, keep=[3]))   # by default -O3; test_error_memory.py runs -O0 too
def test_arrays_allocated_before_an_exception_are_freed(opt):
    f = compiled(K.alloc_then_raise, opt)
    for _ in range(1000):  # warm-up
        with pytest.raises(IndexError):
            f(1000, 1000)
    before = rss()
    for _ in range(100_000):
        try:
            f(1000, 1000)
        except IndexError:
            pass
    grown = rss() - before
    assert grown < MARGIN, f"resident memory grew by {grown / 2**20:.1f} MB over 100,000 failed calls"


@pytest.mark.parametrize("opt", long_except(OPT_LEVELS, keep=[0]))
def test_arguments_are_not_kept_alive_by_calls(opt):
    a = np.arange(12.0)
    m = np.ones((3, 4))
    for f, arg in ((compiled(K.array_sum_float, opt), a), (compiled(K.identity, opt), a),
                   (compiled(K.first_row, opt), m), (compiled(K.prefix_sum, opt), a)):
        f(arg)
        before = sys.getrefcount(arg)
        for _ in range(10_000):
            f(arg)
        gc.collect()
        assert sys.getrefcount(arg) == before, f.__name__


# ------------------------------------------------------------------ results without a copy
@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_a_new_result_owns_its_memory_without_a_copy(opt):
    out = compiled(K.fresh_array, opt)(5)
    assert isinstance(out, np.ndarray) and out.dtype == np.float64 and out.shape == (5,)
    assert out[0] == 5.0
    assert out.base is not None  # the buffer of the compiled code, not a copy NumPy owns
    assert out.flags.writeable and out.flags.c_contiguous and out.flags.aligned
    out[:] = np.arange(5.0)
    out[4] += 1
    assert out.tolist() == [0.0, 1.0, 2.0, 3.0, 5.0]
    view = out[1:3]
    del out
    gc.collect()
    assert view.tolist() == [1.0, 2.0]  # a view keeps the memory alive


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_results_of_every_kind_are_usable(opt):
    out = compiled(K.ones_and_full, opt)(3, 2)
    assert [a.dtype for a in out] == [np.float64, np.int32, np.int64, np.float32, np.int32]
    for a in out:
        assert a.base is not None and a.flags.writeable and a.flags.c_contiguous
        a += 1
    assert out[2].tolist() == [[8, 8, 8], [8, 8, 8]]
    empty = compiled(K.fresh_array, opt)
    with pytest.raises(IndexError):
        empty(0)


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_returning_an_argument_shares_its_memory(opt):
    a = np.arange(6.0)
    r = compiled(K.identity, opt)(a)
    assert np.shares_memory(r, a)
    r[0] = 42.0
    assert a[0] == 42.0
    strided = np.arange(20)[::-3]
    r = compiled(K.identity, opt)(strided)
    assert np.shares_memory(r, strided) and r.strides == strided.strides and r.tolist() == strided.tolist()


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_a_returned_view_of_an_argument_keeps_the_argument_alive(opt):
    m = np.arange(12.0).reshape(3, 4)
    row = compiled(K.first_row, opt)(m)
    assert np.shares_memory(row, m) and row.tolist() == [0.0, 1.0, 2.0, 3.0]
    row[1] = -1.0
    assert m[0, 1] == -1.0
    del m
    gc.collect()
    junk = [np.full(4, 7.0) for _ in range(1000)]  # reuse any freed memory
    assert row.tolist() == [0.0, -1.0, 2.0, 3.0]
    del junk
    fm = np.asfortranarray(np.arange(12).reshape(3, 4))
    frow = compiled(K.first_row, opt)(fm)
    assert np.shares_memory(frow, fm) and frow.tolist() == [0, 1, 2, 3] and frow.strides == fm[0].strides


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_one_array_returned_twice(opt):
    a, b = compiled(K.pair_of_new, opt)(4)
    assert np.shares_memory(a, b)
    a[2] = 3.0
    assert b[2] == 3.0
    del a
    gc.collect()
    junk = [np.full(4, 7.0) for _ in range(1000)]
    assert b.tolist() == [0.0, 0.0, 3.0, 0.0]
    del junk


def test_a_helper_writing_into_the_callers_array():
    f = compile(K.squares_via_helper)
    out = f(6, 2.0)
    assert out.tolist() == [0.0, 2.0, 8.0, 18.0, 32.0, 50.0]
    assert out.base is not None and out.flags.writeable


def _double(a):
    return 2 * a


def test_big_arrays_are_advised_into_huge_pages():
    """Arrays of 4 MiB and more get ``madvise(MADV_HUGEPAGE)``, as NumPy's do: a test of the size, then the call."""
    f = compile(_double)
    x = np.linspace(-1.0, 1.0, (1 << 19) + 1)
    np.testing.assert_array_equal(f(x), 2 * x)
    text = f.inspect_ir(stage="llvm")
    if sys.platform == "linux":
        assert "@madvise" in text and "icmp uge i64" in text
