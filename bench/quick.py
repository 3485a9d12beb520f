"""Quick measurements: first-call latency, and speed against CPython and NumPy.

    python bench/quick.py

Prints the median of several timed runs per variant, run side by side in one
process; every variant's result is checked against CPython's first.  (The
full harness with Numba columns is a later issue.)
"""
from __future__ import annotations

import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))

from compiler import compile  # noqa: E402
from mandelbrot import mandelbrot_total  # noqa: E402


def array_sum(a):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i]
    return s


def stencil(a):
    out = np.empty_like(a)
    n = a.shape[0]
    out[0] = a[0]
    out[n - 1] = a[n - 1]
    for i in range(1, n - 1):
        out[i] = (a[i - 1] + a[i] + a[i + 1]) / 3.0
    return out


def floyd_warshall(d):
    n = d.shape[0]
    for k in range(n):
        for i in range(n):
            for j in range(n):
                via = d[i, k] + d[k, j]
                if via < d[i, j]:
                    d[i, j] = via
    return d


def numpy_stencil(a):
    out = a.copy()
    out[1:-1] = (a[:-2] + a[1:-1] + a[2:]) / 3.0
    return out


def numpy_floyd_warshall(d):
    for k in range(d.shape[0]):
        np.minimum(d, d[:, k, None] + d[None, k, :], out=d)
    return d


def median_time(fn, make_args, repeat=5):
    times = []
    for _ in range(repeat):
        args = make_args()
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    fast = compile(mandelbrot_total)
    start = time.perf_counter()
    fast(8, 8, 50)
    print(f"mandelbrot_total first call (compile + run): {(time.perf_counter() - start) * 1e3:.0f} ms")
    args = (120, 80, 200)
    assert fast(*args) == mandelbrot_total(*args)
    py, jit = median_time(mandelbrot_total, lambda: args, 3), median_time(fast, lambda: args)
    print(f"mandelbrot_total{args}: CPython {py * 1e3:.1f} ms, compiled {jit * 1e3:.3f} ms, {py / jit:.0f}x")

    rng = np.random.default_rng(0)
    x = rng.random(1_000_000)
    graph = rng.random((120, 120)) * 10
    cases = [
        ("array_sum", array_sum, lambda: (x,), np.sum),
        ("stencil", stencil, lambda: (x,), numpy_stencil),
        ("floyd_warshall", floyd_warshall, lambda: (graph.copy(),), numpy_floyd_warshall),
    ]
    print(f"{'kernel':16} {'CPython':>10} {'NumPy':>10} {'compiled':>10} {'vs CPython':>11} {'vs NumPy':>9}")
    for name, kernel, make_args, numpy_version in cases:
        compiled = compile(kernel)
        expected = kernel(*make_args())
        for variant in (compiled, numpy_version):
            got = variant(*make_args())
            assert np.allclose(got, expected), name
        t_py = median_time(kernel, make_args, 1)
        t_np = median_time(numpy_version, make_args)
        t_jit = median_time(compiled, make_args)
        print(f"{name:16} {t_py * 1e3:9.1f}ms {t_np * 1e3:9.2f}ms {t_jit * 1e3:9.2f}ms "
              f"{t_py / t_jit:10.0f}x {t_np / t_jit:8.2f}x")


if __name__ == "__main__":
    main()
