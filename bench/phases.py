"""Where the first call of a kernel spends its time, phase by phase.

    python -m bench.phases softmax_rows jacobi_2d      # median of 5 fresh processes each
    python -m bench.phases --repeat 9 --markdown mandelbrot
    python -m bench.phases --all --markdown               # every bench kernel, one process

Each measurement is a fresh interpreter (as :func:`bench.measure.first_call`)
that imports the compiler, builds the kernel's tiny arguments and then makes
the first call, with timers around the compiler's phases.  The phases, in
CPU milliseconds (``time.process_time``: the machines that run this also run
other work, which wall-clock time would count):

* ``imports``: the modules the first call imports (the frontend, the passes,
  the code generator, llvmlite), imported just before the call so that they
  are not counted in the phases that first use them;
* ``convert``, ``trace``: the AutoGraph-style conversion and the tracing
  (tracing without the conversions it asks for);
* ``verify``: every verification of our IR;
* ``pass <name>``: each of our passes (every run of it: as part of the
  pipeline and as another pass's cleanup), ``lower-arrays`` and ``refcount``
  included when the compiler runs them after the pipeline;
* ``codegen``: lowering to LLVM IR text;
* ``llvm parse``, ``llvm cold``, ``llvm optimize``, ``llvm machine code``:
  the engine's parse and verification, the treatment of cold functions, the
  optimization pipeline and the code generation to an object file
  (``llvm init``: LLVM's target and JIT, made on the first compile);
* ``llvm link``: the JIT linking the library (with everything else of the
  engine's compile that no phase above counts);
* ``other``: the rest of the call -- the dispatcher, argument boxing, the
  run of the compiled code.

``--all`` compiles every bench kernel (``bench.kernel.all_kernels()``, tiny sizes)
one after the other in one process -- what a module of kernels costs on its first
calls -- and reports the phases summed over them, the total and the slowest kernels.

The timers wrap functions by name; a phase whose function is gone (renamed,
moved) is left out and counted in ``other``.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from .measure import run_child

#: the modules the first call would import (imported before the timed call)
LAZY_IMPORTS = ("frontend", "compiler.passes.manager", "compiler.passes.inline", "compiler.passes.refcount",
                "compiler.codegen", "llvmlite.binding", "runtime.engine")

_CHILD = r"""
import collections, importlib, json, sys, time

clock = time.process_time
import numpy as np
from bench.kernel import all_kernels
kernels = [k for k in all_kernels() if KERNELS is None or k.name in KERNELS]
missing = set(KERNELS or ()) - {k.name for k in kernels}
if missing:
    raise SystemExit(f"no such kernel: {', '.join(sorted(missing))}")
from compiler import compile
calls = [(k.name, compile(k.func), k.make_args(k.sizes["tiny"], np.random.default_rng(1))) for k in kernels]

totals = collections.defaultdict(float)
stack = []

def timed(label, f):
    def wrapper(*a, **k):
        t0 = clock()
        stack.append(label)
        try:
            return f(*a, **k)
        finally:
            dt = clock() - t0
            stack.pop()
            totals[label] += dt
            if stack:  # exclusive times: the caller's phase does not count it again
                totals[stack[-1]] -= dt
    return wrapper

def wrap(owner, attr, label):
    f = owner.__dict__.get(attr) if isinstance(owner, type) else getattr(owner, attr, None)
    if f is None:
        return
    if isinstance(f, staticmethod):
        setattr(owner, attr, staticmethod(timed(label, f.__func__)))
    else:
        setattr(owner, attr, timed(label, f))

t0 = clock()
for name in LAZY:
    try:
        importlib.import_module(name)
    except ImportError:
        pass
imports = clock() - t0

import ir
import frontend, frontend.tracer
import compiler.pipeline as pipeline
import compiler.codegen as codegen
import compiler.passes.manager as manager
import runtime.engine as engine
import llvmlite.binding as llvm

wrap(frontend.tracer, "convert", "convert")
wrap(frontend, "trace", "trace")
wrap(ir, "verify", "verify")
wrap(codegen, "lower", "codegen")
run_pass = manager.PassManager._run_pass
def _run_pass(self, name, *a, **k):
    return timed("pass " + name, run_pass)(self, name, *a, **k)
manager.PassManager._run_pass = _run_pass
from compiler.passes.lower_arrays import LowerArrays
from compiler.passes.refcount import RefcountPass
wrap(LowerArrays, "run", "pass lower-arrays")
wrap(RefcountPass, "run", "pass refcount")
wrap(engine.Engine, "_backend", "llvm init")
wrap(engine.Engine, "_parse", "llvm parse")
wrap(engine, "_set_cold", "llvm cold")
wrap(engine.Engine, "_optimize", "llvm optimize")
wrap(llvm.TargetMachine, "emit_object", "llvm machine code")
wrap(engine.Engine, "compile", "llvm link")

each = {}
for name, fn, args in calls:
    t0 = clock()
    fn(*args)
    each[name] = clock() - t0
total = sum(each.values())
phases = {"imports": imports, **totals}
phases["other"] = phases.get("other", 0.0) + total - sum(totals.values())
print(json.dumps({"first call": imports + total, "phases": phases, "kernels": each}))
"""


def measure(kernel: str | None) -> dict:
    """One fresh process's first call of ``kernel`` (``None``: of every bench kernel, one
    after the other in that process): total and per-phase CPU seconds, and each kernel's
    first call (``kernels``)."""
    kernels = None if kernel is None else [kernel]
    return run_child(_CHILD.replace("KERNELS", repr(kernels)).replace("LAZY", repr(LAZY_IMPORTS)))


def profile(kernel: str | None, repeat: int = 5) -> dict[str, float]:
    """Median milliseconds per phase (and ``first call``) over ``repeat`` fresh processes;
    ``kernel=None``: all bench kernels compiled in one process (:func:`measure`)."""
    runs = [measure(kernel) for _ in range(repeat)]
    names = list(dict.fromkeys(name for run in runs for name in run["phases"]))
    result = {name: statistics.median(run["phases"].get(name, 0.0) for run in runs) * 1e3 for name in names}
    result["first call"] = statistics.median(run["first call"] for run in runs) * 1e3
    result["kernels"] = {name: statistics.median(run["kernels"][name] for run in runs) * 1e3
                         for name in runs[0]["kernels"]}
    return result


def markdown(profiles: dict[str, dict[str, float]]) -> str:
    """A table: one row per phase, one column per kernel."""
    kernels = list(profiles)
    names = list(dict.fromkeys(n for p in profiles.values() for n in p if n not in ("first call", "kernels")))
    lines = ["| phase (CPU ms) | " + " | ".join(kernels) + " |", "|---|" + "---:|" * len(kernels)]
    for name in names + ["first call"]:
        cells = [f"{profiles[k].get(name, 0.0):.1f}" for k in kernels]
        label = f"**{name}**" if name == "first call" else name
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.phases", description=__doc__.splitlines()[0])
    parser.add_argument("kernels", nargs="*")
    parser.add_argument("--all", action="store_true",
                        help="also compile every bench kernel in one process (column 'all'; with "
                             "--slowest N, the N slowest first calls of that process)")
    parser.add_argument("--slowest", type=int, default=5, metavar="N")
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes per kernel (the median is shown)")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    args = parser.parse_args(argv)
    if not args.kernels and not args.all:
        parser.error("name kernels or --all")
    profiles = {kernel: profile(kernel, args.repeat) for kernel in args.kernels}
    if args.all:
        profiles["all"] = profile(None, args.repeat)
    each = {k: p.pop("kernels") for k, p in profiles.items()}
    if args.markdown:
        print(markdown(profiles))
        if args.all:
            slowest = sorted(each["all"].items(), key=lambda item: -item[1])[:args.slowest]
            print(f"\n{len(each['all'])} kernels in one process; the slowest first calls (CPU ms, "
                  "median): " + ", ".join(f"{name} {ms:.1f}" for name, ms in slowest))
    else:
        print(json.dumps({k: {n: round(v, 2) for n, v in p.items()} for k, p in profiles.items()}
                         | ({"all kernels": {n: round(v, 2) for n, v in each["all"].items()}}
                            if args.all else {}), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
