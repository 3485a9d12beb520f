"""Measurements other than kernel speed: first-call latency, import time, call
overhead and peak memory, each for this compiler beside Numba (and plain
Python where that means something).

First-call latency, import time and peak memory are measured in fresh child
processes (a process's first compile pays for initialising LLVM, which is
part of what a user waits for); call overhead is measured in this process,
interleaved like the kernels.  The children import the compiler from
byte-compiled modules, as an installed package is (pip compiles Numba's and
NumPy's when it installs them; an editable install of ours has no ``.pyc``
files until Python writes them, which ``PYTHONDONTWRITEBYTECODE`` forbids):
:func:`run_child` writes them first.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import timeit
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
#: the kernel whose first call is timed: 20 lines with loops, branches and math
FIRST_CALL_KERNEL = "mandelbrot"
#: array-style kernels whose first calls are timed too (slices, fused expressions, reductions)
FIRST_CALL_ARRAY_KERNELS = ("heat_step", "standardize", "jacobi_2d")


def run_child(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON object last."""
    byte_compile()
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child failed: {proc.stderr.strip()[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def byte_compile() -> None:
    """Write the ``.pyc`` files of the compiler's packages (once a process; quick when current)."""
    if getattr(byte_compile, "done", False):
        return
    import compileall

    for package in ("ir", "frontend", "compiler", "runtime", "bench"):
        compileall.compile_dir(str(ROOT / package), quiet=1)
    byte_compile.done = True


def import_time(module: str, repeat: int = 5) -> float:
    """Median seconds for ``import module`` in a fresh interpreter."""
    code = ("import time; t0 = time.perf_counter(); import {m}; "
            "import json; print(json.dumps({{'s': time.perf_counter() - t0}}))").format(m=module)
    return statistics.median(run_child(code)["s"] for _ in range(repeat))


_FIRST_CALL = """
import json, time
import numpy as np
from bench.kernel import all_kernels, numba_version
kernel = next(k for k in all_kernels() if k.name == {name!r})
args = kernel.make_args(kernel.sizes["tiny"], np.random.default_rng(1))
{setup}
t0 = time.perf_counter()
fn(*args)
print(json.dumps({{"s": time.perf_counter() - t0}}))
"""


_IMPORT_AND_FIRST_CALL = """
import json, time
t0 = time.perf_counter()
{setup}
import numpy as np
from bench.kernel import all_kernels, numba_version
kernel = next(k for k in all_kernels() if k.name == {name!r})
args = kernel.make_args(kernel.sizes["tiny"], np.random.default_rng(1))
fn = make(kernel.func)
fn(*args)
print(json.dumps({{"s": time.perf_counter() - t0}}))
"""


def import_and_first_call(variant: str, repeat: int = 3) -> float:
    """Median seconds from a fresh interpreter's ``import`` of the compiler to the end of the
    first call of :data:`FIRST_CALL_KERNEL`: what a user waits for in a new process."""
    setup = {"ours": "from compiler import compile as make",
             "Numba": "import numba\nfrom bench.kernel import numba_version as make"}[variant]
    code = _IMPORT_AND_FIRST_CALL.format(name=FIRST_CALL_KERNEL, setup=setup)
    return statistics.median(run_child(code)["s"] for _ in range(repeat))


def first_call(variant: str, repeat: int = 3, kernel: str = FIRST_CALL_KERNEL) -> float:
    """Median seconds of the first call (compile and run) of ``kernel`` at its tiny size, each
    in a fresh process that has already imported the compiler."""
    setup = {"ours": "from compiler import compile\nfn = compile(kernel.func)",
             "Numba": "import numba\nfn = numba_version(kernel.func)"}[variant]
    code = _FIRST_CALL.format(name=kernel, setup=setup)
    return statistics.median(run_child(code)["s"] for _ in range(repeat))


_PEAK = """
import json, resource
import numpy as np
from bench.kernel import all_kernels, fresh_args, numba_version
{setup}
for kernel in all_kernels():
    args = kernel.make_args(kernel.sizes["tiny"], np.random.default_rng(1))
    make(kernel.func)(*fresh_args(kernel, args))
try:  # this process's own peak (Linux keeps ru_maxrss across exec: the parent's peak)
    kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"kb": kb}}))
"""


def peak_memory(variant: str) -> float:
    """Peak resident memory (MiB) of a process that compiles and runs every kernel once at its
    tiny size (so that the compiler, not the data, makes the difference); ``baseline`` runs
    them under CPython."""
    setup = {"ours": "from compiler import compile as make",
             "Numba": "import numba\nmake = numba_version",
             "baseline": "make = lambda f: f"}[variant]
    return run_child(_PEAK.format(setup=setup))["kb"] / 1024


def _identity(x):
    return x


def _first(a):
    return a[0]


def _doubled(a):
    return a * 2.0


def _two_arrays(a):
    return a * 2.0, a + 1.0


def _tail(a):
    return a[1:]


def call_overhead(numba_available: bool, rounds: int = 7, number: int = 200_000) -> dict[str, dict[str, float]]:
    """Nanoseconds per call (``timeit`` of ``fn(x)``) of a function returning its float
    argument, of one returning the first element of a 1-element array, of two making
    new arrays of a 16-element one (``a * 2.0``; ``a * 2.0, a + 1.0``: what boxing array
    and tuple results costs) and of one returning a view of it (``a[1:]``): plain Python,
    ours, Numba."""
    from compiler import compile

    from .kernel import numba_version

    cases = {"float": (_identity, (1.5,)), "array": (_first, (np.ones(1),)),
             "new array": (_doubled, (np.ones(16),)), "tuple of new arrays": (_two_arrays, (np.ones(16),)),
             "view of an argument": (_tail, (np.ones(16),))}
    results: dict[str, dict[str, float]] = {}
    for case, (func, args) in cases.items():
        calls = number if case in ("float", "array") else number // 10   # microseconds, not nanoseconds
        callables = {"Python": func, "ours": compile(func)}
        if numba_available:
            callables["Numba"] = numba_version(func)
        for fn in callables.values():   # compile, then make the native call path
            fn(*args)
            fn(*args)
        samples: dict[str, list[float]] = {name: [] for name in callables}
        timers = {name: timeit.Timer("fn(x)", globals={"fn": fn, "x": args[0]}) for name, fn in callables.items()}
        for _ in range(rounds):
            for name, timer in timers.items():
                samples[name].append(timer.timeit(calls) / calls * 1e9)
        results[case] = {name: statistics.median(s) for name, s in samples.items()}
    return results
