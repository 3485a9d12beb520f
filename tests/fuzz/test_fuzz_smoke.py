"""A fixed-seed smoke run of the differential fuzzer: 90 generated programs
with float64/int64 array inputs, and 30 more with inputs of every dtype (30% of
them whole-array programs, which compile longer; long runs: ``make fuzz``; the
counts keep ``make test`` under 10 minutes on 2 cores).

Each program runs under CPython and compiled at -O0 and -O3 (and without
bounds checks when its indices are in range), in child processes -- two at a
time, so a crash is reported rather than killing the test run; every result
must agree.  A failure lists the programs (their seeds are ``smoke-K`` or
``smoke-all-K``); ``python -m tests.fuzz.generator smoke-K`` prints one and
``python -m tests.fuzz.shrink smoke-K`` (``smoke-all-K --dtypes all``) shrinks
it into a regression test.
"""
from concurrent.futures import ThreadPoolExecutor

import pytest

from .runner import run_batch

BATCH = 15


@pytest.mark.parametrize("seed, count, dtypes", [("smoke", 90, "64"), ("smoke-all", 30, "all")])
def test_fuzz_smoke(seed, count, dtypes):
    with ThreadPoolExecutor(2) as pool:
        batches = pool.map(lambda start: run_batch(seed, start, BATCH, timeout=600.0, dtypes=dtypes),
                           range(0, count, BATCH))
        results = [r for batch in batches for r in batch]
    assert len(results) == count
    failing = [r for r in results if r["mismatches"] or r.get("crash")]
    report = "\n".join(
        f"{r['seed']}: " + (r.get("crash") or r["mismatches"][0]).splitlines()[0][:300] for r in failing)
    assert not failing, f"{len(failing)} of {count} programs disagree with CPython:\n{report}"
