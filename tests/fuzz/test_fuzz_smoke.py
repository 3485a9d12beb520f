"""A fixed-seed smoke run of the differential fuzzer: 300 generated programs.

Each program runs under CPython and compiled at -O0 and -O3 (and without
bounds checks when its indices are in range), in child processes -- two at a
time, so a crash is reported rather than killing the test run; every result
must agree.  A failure lists the programs (their seeds are ``smoke-K``);
``python -m tests.fuzz.generator smoke-K`` prints one and
``python -m tests.fuzz.shrink smoke-K`` shrinks it into a regression test.
"""
from concurrent.futures import ThreadPoolExecutor

from .runner import run_batch

SEED = "smoke"
COUNT = 300
BATCH = 50


def test_fuzz_smoke():
    with ThreadPoolExecutor(2) as pool:
        batches = pool.map(lambda start: run_batch(SEED, start, BATCH, timeout=600.0), range(0, COUNT, BATCH))
        results = [r for batch in batches for r in batch]
    assert len(results) == COUNT
    failing = [r for r in results if r["mismatches"] or r.get("crash")]
    report = "\n".join(
        f"{r['seed']}: " + (r.get("crash") or r["mismatches"][0]).splitlines()[0][:300] for r in failing)
    assert not failing, f"{len(failing)} of {COUNT} programs disagree with CPython:\n{report}"
