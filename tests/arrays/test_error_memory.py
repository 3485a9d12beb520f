"""Memory of compiled array code on error paths: the arrays a function owns
when an exception stops it -- a failed bounds check, or a callee that
raised -- are released before the exception reaches Python.

Each test calls a compiled function 100,000 times, catching the exception
every time, and reads the resident memory from ``/proc/self/statm`` before
and after (after a warm-up that compiles everything and lets the allocator
reach its working size).  One leaked 8 KB array per call would grow it by
about 800 MB; the allowed growth is 32 MB.
"""
import gc
import os
import re

import numpy as np
import pytest

from tests.e2e.support import OPT_LEVELS, CompiledCache
from tests.long import long_except

compiled = CompiledCache()
CALLS = 100_000
MARGIN = 32 * 2**20
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc/self/statm")


def rss() -> int:
    gc.collect()
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


def growth_over_failing_calls(f, args, exception) -> int:
    """Resident memory growth over ``CALLS`` calls of ``f(*args)``, each raising ``exception``."""
    for _ in range(1000):  # warm-up
        with pytest.raises(exception):
            f(*args)
    before = rss()
    for _ in range(CALLS):
        try:
            f(*args)
        except exception:
            pass
    return rss() - before


# ------------------------------------------------------------------ kernels
def alloc_then_index_error(n, i):
    t = np.empty(n)
    t[i] = 1.0  # out of bounds for i >= n: IndexError
    return t


def fill_then_fail(n, i):
    t = np.zeros(n)
    t[i] = 2.0  # IndexError in the callee, its own array live
    return t[0]


def hold_and_call(n, i):
    mine = np.ones(n)
    s = fill_then_fail(n, i)  # the caller's array is live across the failing call
    return s + mine[0]


def carried_and_temporary(n, fail_at):
    acc = np.zeros(n)
    guard = np.zeros(fail_at)
    for k in range(n):
        tmp = np.empty(n)
        tmp[0] = acc[0] + 1.0 + guard[k]  # IndexError at k == fail_at: carried and temporary live
        acc = tmp
    return acc


# ------------------------------------------------------------------ tests
@pytest.mark.parametrize("opt", long_except(OPT_LEVELS, keep=[3]))   # by default -O3; the callee's test runs -O0 too
def test_arrays_allocated_before_a_failed_bounds_check_are_freed(opt):
    f = compiled(alloc_then_index_error, opt)
    assert f(1000, 999).shape == (1000,)
    grown = growth_over_failing_calls(f, (1000, 1000), IndexError)
    assert grown < MARGIN, f"resident memory grew by {grown / 2**20:.1f} MB over {CALLS:,} failed calls"


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_arrays_of_the_callee_and_the_caller_are_freed_when_the_callee_raises(opt):
    f = compiled(hold_and_call, opt)
    assert f(1000, 0) == 3.0
    ir_text = f.inspect_ir(stage="optimized")   # the IR lowered: after the refcount pass
    # the failing call -- or, with the callee inlined (-O2, -O3), its failing check -- releases the array
    assert re.search(r"(= call|raise_if) .*\{\n\s*array\.decref", ir_text), "the error path releases the array"
    grown = growth_over_failing_calls(f, (1000, 1000), IndexError)
    assert grown < MARGIN, f"resident memory grew by {grown / 2**20:.1f} MB over {CALLS:,} failed calls"


@pytest.mark.parametrize("opt", long_except(OPT_LEVELS, keep=[3]))   # by default -O3; the callee's test runs -O0 too
def test_loop_carried_and_temporary_arrays_are_freed_when_a_loop_raises(opt):
    f = compiled(carried_and_temporary, opt)
    assert f(1000, 1000)[0] == 1000.0
    grown = growth_over_failing_calls(f, (1000, 5), IndexError)  # fails in the 6th iteration
    assert grown < MARGIN, f"resident memory grew by {grown / 2**20:.1f} MB over {CALLS:,} failed calls"
