"""A fixed-seed smoke run of the differential fuzzer: ``make test`` runs 10 generated
programs with float64/int64 array inputs and 4 with inputs of every dtype (30% of them
whole-array programs, which compile longer); ``make test-long`` (``-m long``) runs the next
200 and 56, so that the two together run the 270 programs the smoke once had (long runs:
``make fuzz``, and the fuzzer in the background while one works).

Each program runs under CPython and compiled at -O0 and -O3 (and without
bounds checks when its indices are in range), in child processes -- two at a
time, so a crash is reported rather than killing the test run; every result
must agree.  A failure lists the programs (their seeds are ``smoke-K`` or
``smoke-all-K``); ``python -m tests.fuzz.generator smoke-K`` prints one and
``python -m tests.fuzz.shrink smoke-K`` (``smoke-all-K --dtypes all``) shrinks
it into a regression test.
"""
import math
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.long import LONG

from .runner import run_batch

#: programs per child process at most; the two children of a round get equal shares
BATCH = 15


@pytest.mark.parametrize("seed, start, count, dtypes", [
    ("smoke", 0, 10, "64"), ("smoke-all", 0, 4, "all"),
    pytest.param("smoke", 10, 200, "64", marks=LONG), pytest.param("smoke-all", 4, 56, "all", marks=LONG),
])
def test_fuzz_smoke(seed, start, count, dtypes):
    size = math.ceil(count / (2 * math.ceil(count / (2 * BATCH))))
    with ThreadPoolExecutor(2) as pool:
        batches = pool.map(lambda first: run_batch(seed, first, min(size, start + count - first), timeout=600.0,
                                                   dtypes=dtypes),
                           range(start, start + count, size))
        results = [r for batch in batches for r in batch]
    assert len(results) == count
    failing = [r for r in results if r["mismatches"] or r.get("crash")]
    report = "\n".join(
        f"{r['seed']}: " + (r.get("crash") or r["mismatches"][0]).splitlines()[0][:300] for r in failing)
    assert not failing, f"{len(failing)} of {count} programs disagree with CPython:\n{report}"
