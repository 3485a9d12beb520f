"""First calls with and without the disk cache, ours beside Numba's.

    python -m bench.cache            # make bench-cache
    python -m bench.cache --quick    # fewer runs

Every figure is the first call of a kernel in a new process (``perf_counter``
around the call, after the imports; the median over ``--runs`` processes):

* *cold*: nothing cached -- trace, optimize, generate code (ours), or Numba's
  type inference and compile;
* *cached*: a second process finds the entry the first one wrote (ours:
  ``compile(cache=True)``; Numba: ``njit(cache=True)``), each compiler with a
  cache directory of its own, filled by one untimed process first.

Kernels: the demo's (``examples/mandelbrot.py``) and a few of the bench's, scalar and
array-style.  Results go to ``bench/results/<date>-cache.md`` and ``.json``.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

#: (name, module, function, arguments as Python source)
KERNELS = [
    ("demo mandelbrot_total", "mandelbrot", "mandelbrot_total", "(120, 80, 200)"),
    ("crc16", "bench.kernels.scalar", "crc16", "(np.arange(1000, dtype=np.uint8),)"),
    ("monte_carlo_pi", "bench.kernels.scalar", "monte_carlo_pi", "(1000,)"),
    ("standardize", "bench.kernels.arrays", "standardize", "(np.linspace(0.0, 1.0, 1000),)"),
    ("softmax_rows", "bench.kernels.arrays", "softmax_rows", "(np.ones((50, 50)),)"),
    ("jacobi_2d", "bench.kernels.arrays", "jacobi_2d", "(np.ones((50, 50)), np.ones((50, 50)), 3)"),
]

PROBE = """
import sys, time, json
sys.path[:0] = [{root!r}, {examples!r}]
import numpy as np
import {module} as kernels
mode = {mode!r}
if mode.startswith("ours"):
    from compiler import compile
    f = compile(cache=mode == "ours cached")(kernels.{function})
else:
    import numba
    from bench.kernel import numba_version
    f = numba_version(kernels.{function}, cache=mode == "Numba cached")
args = {args}
start = time.perf_counter()
f(*args)
print(json.dumps(time.perf_counter() - start))
"""

MODES = ("ours cold", "ours cached", "Numba cold", "Numba cached")


def first_call(module: str, function: str, args: str, mode: str, directory: str) -> float | None:
    """Seconds of the first call in a new process (None: that compiler refused the kernel)."""
    env = {**os.environ, "PYJIT_CACHE_DIR": os.path.join(directory, "ours"),
           "NUMBA_CACHE_DIR": os.path.join(directory, "numba"), "PYTHONPATH": str(ROOT)}
    env.pop("PYJIT_CACHE", None)
    probe = PROBE.format(root=str(ROOT), examples=str(ROOT / "examples"), module=module, function=function,
                         args=args, mode=mode)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    if done.returncode:
        if mode.startswith("ours"):
            raise RuntimeError(done.stderr)
        return None
    return json.loads(done.stdout.splitlines()[-1])


def measure(runs: int) -> list[dict]:
    rows = []
    for name, module, function, args in KERNELS:
        row = {"kernel": name}
        with tempfile.TemporaryDirectory(prefix="bench-cache") as directory:
            for mode in MODES:
                if mode.endswith("cached"):   # one untimed process writes the entry
                    first_call(module, function, args, mode, directory)
                times = [first_call(module, function, args, mode, directory) for _ in range(runs)]
                row[mode] = None if None in times else statistics.median(times)
        rows.append(row)
        print(f"{name:24s}" + "".join(f"{mode}: {_ms(row[mode])} ms  " for mode in MODES), flush=True)
    return rows


def _ms(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds * 1e3:.1f}"


def report(rows: list[dict], runs: int) -> str:
    lines = [f"# First calls with and without the disk cache ({datetime.date.today()})", "",
             f"First call of each kernel in a new process, median of {runs} processes, in ms "
             "(`python -m bench.cache`). *cached*: a second process loads what the first stored.", "",
             "| kernel | ours cold | ours cached | Numba cold | Numba cached | cold / cached (ours) "
             "| Numba cached / ours cached |", "|---|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        numba = "n/a (Numba refuses it)" if row["Numba cached"] is None else \
            f"{row['Numba cached'] / row['ours cached']:.1f}x"
        lines.append(f"| {row['kernel']} | " + " | ".join(_ms(row[m]) for m in MODES)
                     + f" | {row['ours cold'] / row['ours cached']:.1f}x | {numba} |")
    cached = sorted(row["ours cached"] * 1e3 for row in rows)
    lines += ["", f"Ours cached: median {statistics.median(cached):.1f} ms, worst {cached[-1]:.1f} ms."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs per figure instead of 7")
    parser.add_argument("--runs", type=int)
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.quick else 7)
    rows = measure(runs)
    text = report(rows, runs)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"{datetime.date.today()}-cache"
    stem.with_suffix(".md").write_text(text)
    stem.with_suffix(".json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
