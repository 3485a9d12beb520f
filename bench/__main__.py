"""The benchmark suite: every kernel under CPython, NumPy, Numba and this compiler.

    python -m bench              # full sizes (make bench)
    python -m bench --quick      # smaller sizes and fewer rounds: under 2 minutes on 2 cores
    python -m bench --only fib,dot --no-extra

Numba and matplotlib are optional (``pip install .[bench]``); without them the
Numba column and the chart are left out, and the output says so.  Results go
to ``bench/results/<date>.json``, ``.md`` and ``.png``.
"""
from __future__ import annotations

import argparse
import datetime
import importlib.util
import sys
from pathlib import Path

from . import measure, report
from .harness import run_kernel
from .kernel import all_kernels

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer rounds")
    parser.add_argument("--rounds", type=int, help="timing rounds per kernel (default 15, quick 5)")
    parser.add_argument("--only", help="comma-separated kernel names")
    parser.add_argument("--no-extra", action="store_true",
                        help="skip first-call, import, call-overhead and memory measurements")
    parser.add_argument("--out", type=Path, default=RESULTS, help="directory for the results")
    args = parser.parse_args(argv)

    numba_available = importlib.util.find_spec("numba") is not None
    if not numba_available:
        print("numba is not installed: the Numba column is skipped (pip install .[bench])")
    if importlib.util.find_spec("matplotlib") is None:
        print("matplotlib is not installed: no chart (pip install .[bench])")
    mode = "quick" if args.quick else "full"
    rounds = args.rounds or (5 if args.quick else 15)
    kernels = all_kernels()
    if args.only:
        names = set(args.only.split(","))
        unknown = names - {k.name for k in kernels}
        if unknown:
            parser.error(f"unknown kernels: {', '.join(sorted(unknown))}")
        kernels = [k for k in kernels if k.name in names]

    results = []
    for kernel in kernels:
        sizes = [kernel.sizes[mode]] + ([kernel.overhead_size] if kernel.overhead_size else [])
        for size in sizes:
            result = run_kernel(kernel, size, rounds, numba_available)
            results.append(result)
            print(_line(result), flush=True)

    extra = {} if args.no_extra else extra_measurements(numba_available, quick=args.quick)
    stem = datetime.date.today().isoformat() + ("-quick" if args.quick else "")
    paths = report.write(args.out, stem, results, extra, mode)
    print()
    print(report.markdown(results, extra))
    print("written: " + ", ".join(str(p) for p in paths))
    return 0


def _line(result) -> str:
    cells = " ".join(f"{v}={t.median * 1e3:.3g}ms" for v, t in result.timings.items())
    ratio = result.speedup("ours", "Numba")
    tail = f"  ours/Numba {ratio:.2f}x" if ratio else ""
    skipped = "".join(f"  [{v}: {why}]" for v, why in result.skipped.items()
                      if not why.startswith(("no vectorized", "numba is not")))
    return f"{result.kernel:>18} n={result.size:<8} {cells}{tail}{skipped}"


def extra_measurements(numba_available: bool, quick: bool) -> dict:
    """First call, import time, call overhead and (full runs only) peak memory."""
    variants = ["ours"] + (["Numba"] if numba_available else [])
    repeat = 1 if quick else 3
    extra: dict = {
        f"first call of {measure.FIRST_CALL_KERNEL} (ms)": {
            v: measure.first_call(v, repeat) * 1e3 for v in variants},
        **{f"first call of {name} (ms)": {v: measure.first_call(v, repeat, name) * 1e3 for v in variants}
           for name in measure.FIRST_CALL_ARRAY_KERNELS},
        f"import and first call of {measure.FIRST_CALL_KERNEL} (ms)": {
            v: measure.import_and_first_call(v, repeat) * 1e3 for v in variants},
        "import time (ms)": {
            name: measure.import_time(module, 3 if quick else 5) * 1e3
            for name, module in [("compiler", "compiler"), ("numba", "numba")][:len(variants)]},
        "call overhead (ns)": measure.call_overhead(numba_available, rounds=3 if quick else 7,
                                                    number=50_000 if quick else 200_000),
    }
    if not quick:
        extra["peak memory (MiB)"] = {v: measure.peak_memory(v) for v in ["baseline", *variants]}
    return extra


if __name__ == "__main__":
    sys.exit(main())
