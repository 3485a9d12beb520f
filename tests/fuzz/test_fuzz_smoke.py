"""A fixed-seed smoke run of the differential fuzzer: 100 generated programs.

Each program runs under CPython and compiled at -O0 and -O3 (in a child
process, so a crash is reported rather than killing the test run); every
result must agree.  A failure lists the programs (their seeds are
``smoke-K``); ``python -m tests.fuzz.generator smoke-K`` prints one.
"""
from .runner import run_batch

SEED = "smoke"
COUNT = 100


def test_fuzz_smoke():
    results = []
    for start in range(0, COUNT, 25):
        results += run_batch(SEED, start, 25, timeout=600.0)
    assert len(results) == COUNT
    failing = [r for r in results if r["mismatches"] or r.get("crash")]
    report = "\n".join(
        f"{r['seed']}: " + (r.get("crash") or r["mismatches"][0]).splitlines()[0][:300] for r in failing)
    assert not failing, f"{len(failing)} of {COUNT} programs disagree with CPython:\n{report}"
