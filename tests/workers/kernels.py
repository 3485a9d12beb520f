"""Kernels that the worker processes of ``tests/workers`` import by name.

They live in an importable module (not in a test file, not in ``__main__``) because
compiled functions pickle by reference: a worker imports this module and finds them
by their qualified names (``compiler.pickling``).
"""
from __future__ import annotations

import numpy as np

from compiler import compile, guvectorize, vectorize


@compile
def smooth(a):
    out = np.empty_like(a)
    n = len(a)
    out[0], out[n - 1] = a[0], a[n - 1]
    for i in range(1, n - 1):
        out[i] = (a[i - 1] + a[i] + a[i + 1]) / 3.0
    return out


@compile(boundscheck=False, error_model="numpy")
def total(a):
    s = 0.0
    for x in a:
        s += x * x
    return s


@compile("f8(f8, i8)", opt=2)
def power(x, n):
    r = 1.0
    for _ in range(n):
        r *= x
    return r


@compile(static=("mode",))
def scaled(a, mode):
    if mode == "double":
        return a * 2.0
    return a * 0.5


@compile
def apply(f, x):
    return f(x)


def collatz(n):
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


#: two compiled functions of one plain function kept under its name (made by compile(f))
collatz_fast = compile(collatz)
collatz_o0 = compile(collatz, opt=0, boundscheck=False)


@vectorize
def rel_diff(x, y):
    return abs(x - y) / (abs(x) + abs(y) + 1.0)


@vectorize(["f8(f8, f8)"])
def hypot2(x, y):
    return x * x + y * y


@guvectorize(["void(f8[:], f8, f8[:])"], "(n),()->(n)")
def shift(a, k, out):
    for i in range(a.shape[0]):
        out[i] = a[i] + k


def run_specialization(compiled, *args):
    """Call one specialisation (a ``CompiledFunction``: its arguments as a sequence)."""
    return compiled(args)


def worker_report(x):
    """Where the work ran, and collatz_o0's result (the worker finds collatz_o0 in its own
    import of this module)."""
    import os

    return os.getpid(), collatz_o0(x)


def options_of(compiled):
    """The options of a compiled function as the worker unpickled it."""
    return compiled.options


@compile(cache=True)
def cached_norm(a):
    s = 0.0
    for x in a:
        s += abs(x)
    return s


def cached_norm_in_worker(a):
    """``cached_norm(a)`` and what the disk cache did for it in this process."""
    return cached_norm(a), [event.outcome for event in cached_norm.cache_info()]
