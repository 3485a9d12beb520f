"""Kernels with ``prange`` loops (and one whole-array expression) for :mod:`bench.parallel`.

Each is a plain Python function; ``prange`` is the compiler's (``range`` outside compiled
code and without ``parallel=True``); the bench gives Numba its own.
"""
from __future__ import annotations

import numpy as np

from compiler import prange


def saxpy(a, x, y, out):
    for i in prange(x.shape[0]):
        out[i] = a * x[i] + y[i]
    return out


def pairwise_distances(points, out):
    n, d = points.shape
    for i in prange(n):
        for j in range(n):
            s = 0.0
            for k in range(d):
                t = points[i, k] - points[j, k]
                s += t * t
            out[i, j] = np.sqrt(s)
    return out


def mandelbrot(out, max_iter):
    height, width = out.shape
    for y in prange(height):
        for x in range(width):
            cr = -2.0 + 3.0 * x / width
            ci = -1.5 + 3.0 * y / height
            zr = zi = 0.0
            k = 0
            while k < max_iter and zr * zr + zi * zi < 4.0:
                zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
                k += 1
            out[y, x] = k
    return out


def nbody_accelerations(pos, mass, acc):
    n = pos.shape[0]
    energy = 0.0
    for i in prange(n):
        ax = ay = az = 0.0
        for j in range(n):
            if i != j:
                dx = pos[j, 0] - pos[i, 0]
                dy = pos[j, 1] - pos[i, 1]
                dz = pos[j, 2] - pos[i, 2]
                r2 = dx * dx + dy * dy + dz * dz + 1e-3
                inv = mass[j] / (r2 * np.sqrt(r2))
                ax += dx * inv
                ay += dy * inv
                az += dz * inv
                energy -= mass[i] * mass[j] / np.sqrt(r2)
        acc[i, 0] = ax
        acc[i, 1] = ay
        acc[i, 2] = az
    return acc, energy


def fused_expression(a, b):
    return np.sqrt(a * a + b * b) * np.exp(-a) + np.where(a > b, a, b)


def two_trips(out):
    for i in prange(out.shape[0]):
        out[i] = i
    return out


def _vectors(n, rng):
    x, y = rng.random((2, n))
    return 2.5, x, y, np.empty(n)


#: (name, function, make_args(size, rng), (full size, quick size))
KERNELS = [
    ("saxpy", saxpy, _vectors, (10_000_000, 1_000_000)),
    ("pairwise_distances", pairwise_distances,
     lambda n, rng: (rng.random((n, 3)), np.empty((n, n))), (2000, 600)),
    ("mandelbrot", mandelbrot, lambda n, rng: (np.zeros((n, n), np.int64), 200), (600, 200)),
    ("nbody", nbody_accelerations,
     lambda n, rng: (rng.random((n, 3)), rng.random(n) + 0.5, np.zeros((n, 3))), (3000, 800)),
    ("fused_expression", fused_expression, lambda n, rng: tuple(rng.random((2, n, n))), (3000, 1000)),
    ("two_trips", two_trips, lambda n, rng: (np.zeros(n),), (2, 2)),
]
#: the kernels limited by arithmetic, not memory bandwidth
COMPUTE_BOUND = ("pairwise_distances", "mandelbrot", "nbody")


def agree(got, want) -> bool:
    """Results agree: same structure, arrays and numbers equal up to float rounding (a
    parallel sum adds in another order)."""
    if isinstance(want, tuple):
        return isinstance(got, tuple) and len(got) == len(want) and all(map(agree, got, want))
    return bool(np.allclose(np.asarray(got), np.asarray(want), rtol=1e-9, atol=0.0))
