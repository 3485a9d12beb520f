"""Timing kernels side by side: CPython, NumPy, Numba and this compiler.

Every variant's result is checked against CPython's before it is timed; a
variant that disagrees is reported and not timed.  Variants are timed
interleaved (A B C A B C ...) after a warm-up call (which also compiles), so a
slow phase of a noisy machine hits all of them alike; a sample is one call,
or a calibrated number of calls when one call is shorter than
:data:`MIN_SAMPLE` seconds.  CPython takes part in at most
:data:`CPYTHON_ROUNDS` rounds (it is the slow reference, not the subject).
Reported: the median time per call and the spread (the interquartile range
relative to the median).
"""
from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .kernel import Kernel, agree, fresh_args, numba_version, ufunc_versions

#: shortest sample worth timing, in seconds
MIN_SAMPLE = 2e-3
#: rounds CPython takes part in
CPYTHON_ROUNDS = 3


@dataclass
class Timing:
    median: float   # seconds per call
    spread: float   # interquartile range / median
    samples: int


@dataclass
class KernelResult:
    kernel: str
    group: str
    size: int
    #: the small size that exposes call overhead (not part of the headline figure)
    small: bool = False
    timings: dict[str, Timing] = field(default_factory=dict)
    #: variant -> why it was not timed (no such variant, not installed, disagrees, failed)
    skipped: dict[str, str] = field(default_factory=dict)

    def speedup(self, subject: str, baseline: str) -> float | None:
        """How many times faster ``subject`` runs than ``baseline`` (``None`` if either is missing)."""
        a, b = self.timings.get(subject), self.timings.get(baseline)
        return b.median / a.median if a and b else None


def variants(kernel: Kernel, numba_available: bool) -> tuple[dict[str, Callable], dict[str, str]]:
    """The callables to time (by variant name), and the variants left out with the reason."""
    from compiler import compile

    found: dict[str, Callable] = {"CPython": kernel.func}
    skipped: dict[str, str] = {}
    if kernel.numpy is not None:
        found["NumPy"] = kernel.numpy
    else:
        skipped["NumPy"] = "no vectorized version"
    if not numba_available:
        skipped["Numba"] = "numba is not installed"
    if kernel.ufunc is not None:   # a scalar function applied by a loop: timed as the ufuncs made of it
        found.update(ufunc_versions(kernel, numba_available))
        return found, skipped
    if numba_available:
        found["Numba"] = numba_version(kernel.func)
    found["ours"] = compile(kernel.func)
    return found, skipped


def run_kernel(kernel: Kernel, size: int, rounds: int, numba_available: bool) -> KernelResult:
    """Check every variant of ``kernel`` at ``size`` against CPython, then time them."""
    args = kernel.make_args(size, np.random.default_rng(12345))
    result = KernelResult(kernel.name, kernel.group, size, small=size == kernel.overhead_size)
    callables, result.skipped = variants(kernel, numba_available)
    want = kernel.func(*fresh_args(kernel, args))
    for name, fn in list(callables.items()):
        if name == "CPython":
            continue
        try:
            got = fn(*fresh_args(kernel, args))   # the warm-up: the first call compiles,
            fn(*fresh_args(kernel, args))         # the second makes the native call path
        except Exception as err:  # noqa: BLE001 -- a failing variant is reported, not fatal
            result.skipped[name] = f"failed: {type(err).__name__}: {str(err).splitlines()[0][:200]}"
            del callables[name]
            continue
        if not agree(got, want, kernel.rtol):
            result.skipped[name] = "result differs from CPython's"
            del callables[name]
    result.timings = time_interleaved(kernel, callables, args, rounds)
    return result


def time_interleaved(kernel: Kernel, callables: dict[str, Callable], args: tuple,
                     rounds: int) -> dict[str, Timing]:
    numbers = {name: _calls_per_sample(kernel, fn, args) for name, fn in callables.items()}
    samples: dict[str, list[float]] = {name: [] for name in callables}
    for r in range(rounds):
        for name, fn in callables.items():
            if name == "CPython" and r >= CPYTHON_ROUNDS:
                continue
            samples[name].append(_sample(kernel, fn, args, numbers[name]))
    return {name: _summary(times) for name, times in samples.items() if times}


def _calls_per_sample(kernel: Kernel, fn: Callable, args: tuple) -> int:
    """How many calls make a sample of at least :data:`MIN_SAMPLE` seconds."""
    number = 1
    while True:
        elapsed = _sample(kernel, fn, args, number) * number
        if elapsed >= MIN_SAMPLE or number >= 1 << 20:
            return number
        number *= max(2, min(100, int(MIN_SAMPLE / max(elapsed, 1e-9)) + 1))


def _sample(kernel: Kernel, fn: Callable, args: tuple, number: int) -> float:
    """Seconds per call over ``number`` calls (argument copies made beforehand)."""
    calls = [fresh_args(kernel, args) for _ in range(number)] if kernel.mutates else [args] * number
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        t0 = time.perf_counter()
        for a in calls:
            fn(*a)
        elapsed = time.perf_counter() - t0
    finally:
        if gc_was_enabled:
            gc.enable()
    return elapsed / number


def _summary(times: list[float]) -> Timing:
    median = statistics.median(times)
    if len(times) >= 4:
        q = statistics.quantiles(times, n=4)
        spread = (q[2] - q[0]) / median
    else:
        spread = (max(times) - min(times)) / median
    return Timing(median, spread, len(times))


def geometric_mean(values: list[float]) -> float | None:
    values = [v for v in values if v and v > 0]
    return float(np.exp(np.mean(np.log(values)))) if values else None


def describe(value: Any) -> str:
    return f"{value:.2f}x" if isinstance(value, float) else "-"
