"""What our passes buy: kernel speed with our pipeline on and off, our vectorizer on and off,
bounds checks on and off, and the compile time each pass takes.

    python -m bench.passes [--quick] [--only jacobi,gauss_seidel]

Variants, all compiled by us at -O3 (LLVM's own optimizer on in every one):

* ``passes``: our -O3 pipeline, bounds checks on (the default);
* ``no passes``: our pipeline off (``passes=""``), bounds checks on;
* ``no checks``: our pipeline, ``boundscheck=False``;
* ``vectorizer``: our pipeline with ``boundscheck=False`` and LLVM's loop vectorizer off;
* ``no vectorizer``: the same without our ``vectorize`` pass;
* ``fastmath vectorizer`` and ``fastmath no vectorizer``: those two with
  ``fastmath=True``, which lets our vectorizer reorder floating-point reductions.

Each pair isolates our vectorizer (LLVM's SLP vectorizer stays on in both).

Each variant's result is checked against CPython's and the variants are timed
interleaved, like the main suite (``bench.harness``).  Compile time per pass
is the sum over the kernels of the time each pass of the -O3 pipeline took,
measured with the pass manager's hooks.
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from .harness import KernelResult, time_interleaved
from .kernel import agree, all_kernels, fresh_args

def _without_vectorize() -> str:
    """The -O3 pipeline without ``vectorize``, each pass followed by its cleanup passes
    (a list of names runs only the passes it names)."""
    from compiler.passes import get_pass
    from compiler.passes.manager import PRESETS

    names = []
    for name in PRESETS[3]:
        if name != "vectorize":
            names += [name, *getattr(get_pass(name), "cleanup", ())]
    return ",".join(names)


VARIANTS = {"passes": {}, "no passes": {"passes": ""}, "no checks": {"boundscheck": False},
            "vectorizer": {"boundscheck": False, "llvm_vectorize": False},
            "no vectorizer": {"boundscheck": False, "llvm_vectorize": False, "passes": None},
            "fastmath vectorizer": {"boundscheck": False, "llvm_vectorize": False, "fastmath": True},
            "fastmath no vectorizer": {"boundscheck": False, "llvm_vectorize": False, "fastmath": True,
                                       "passes": None}}


def run(kernel, size: int, rounds: int) -> KernelResult:
    from compiler import compile

    args = kernel.make_args(size, np.random.default_rng(12345))
    want = kernel.func(*fresh_args(kernel, args))
    result = KernelResult(kernel.name, kernel.group, size)
    callables = {}
    for name, options in VARIANTS.items():
        if "passes" in options and options["passes"] is None:
            options = dict(options, passes=_without_vectorize())
        fn = compile(kernel.func, **options)
        if agree(fn(*fresh_args(kernel, args)), want, kernel.rtol):
            callables[name] = fn
        else:
            result.skipped[name] = "result differs from CPython's"
    result.timings = time_interleaved(kernel, callables, args, rounds)
    return result


def pass_times(kernels, mode: str) -> dict[str, float]:
    """Seconds per pass name, summed over the kernels' -O3 pipelines."""
    from compiler import compile
    from compiler.passes.manager import PassManager

    totals: dict[str, float] = {}
    for kernel in kernels:
        args = kernel.make_args(kernel.sizes["tiny"], np.random.default_rng(1))
        dispatcher = compile(kernel.func)
        dispatcher(*fresh_args(kernel, args))
        compiled = dispatcher._pick(None)
        manager = PassManager(3)
        started: dict = {}
        manager.before.append(lambda p, m: started.__setitem__("t", time.perf_counter()))
        manager.after.append(lambda p, m, changed: totals.__setitem__(
            p.name, totals.get(p.name, 0.0) + time.perf_counter() - started["t"]))
        dispatcher.build_module(compiled, optimize=True, manager=manager)
    return totals


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.passes", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", help="comma-separated kernel names")
    args = parser.parse_args(argv)
    mode = "quick" if args.quick else "full"
    kernels = [k for k in all_kernels() if k.group != "scalar" or k.name in ("sieve", "mandelbrot")]
    if args.only:
        kernels = [k for k in kernels if k.name in args.only.split(",")]
    print("| kernel | size | " + " | ".join(f"{v} (ms)" for v in VARIANTS)
          + " | passes speed-up | checks cost | vectorizer speed-up | with fastmath |")
    print("|---|---:|" + "---:|" * (len(VARIANTS) + 4))
    for kernel in kernels:
        r = run(kernel, kernel.sizes[mode], 5 if args.quick else 11)
        cells = " | ".join(f"{r.timings[v].median * 1e3:.3g}" if v in r.timings else "-" for v in VARIANTS)
        ratios = [r.speedup("passes", "no passes"), r.speedup("no checks", "passes"),
                  r.speedup("vectorizer", "no vectorizer"),
                  r.speedup("fastmath vectorizer", "fastmath no vectorizer")]
        shown = " | ".join(f"{x:.2f}x" if x else "-" for x in ratios)
        print(f"| {r.kernel} | {r.size} | {cells} | {shown} |", flush=True)
    totals = pass_times(kernels, mode)
    print()
    print("| pass | compile time over all kernels (ms) |")
    print("|---|---:|")
    for name, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"| {name} | {seconds * 1e3:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
