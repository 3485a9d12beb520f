"""Ufunc kernels: a scalar function made a NumPy ufunc with ``vectorize``.

``func`` is the plain Python loop that applies the scalar function to every
element (what CPython runs; ``@compile`` compiles it too, for the kernel tests);
the timed 'ours' and 'Numba' are the scalar function made a ufunc by
``compiler.vectorize`` and ``numba.vectorize`` with the same signatures, and
'NumPy' is the same computation as a NumPy expression, whose every operator
makes a temporary array.  The size is beyond the last-level cache (4M float64 are
32 MB an array).
"""
from __future__ import annotations

import numpy as np

from ..kernel import Kernel


def huber(r, d):
    """The Huber loss of a residual ``r``: quadratic within ``d``, linear beyond."""
    if abs(r) <= d:
        return 0.5 * r * r
    return d * (abs(r) - 0.5 * d)


def huber_loop(r, d):
    """``huber`` of every element of ``r``."""
    out = np.empty_like(r)
    for i in range(len(r)):
        out[i] = huber(r[i], d)
    return out


def huber_pairs(r, d):
    """``huber`` of every element of ``r`` with the threshold of the same element of ``d``."""
    out = np.empty_like(r)
    for i in range(len(r)):
        out[i] = huber(r[i], d[i])
    return out


def huber_numpy(r, d):
    a = np.abs(r)
    return np.where(a <= d, 0.5 * r * r, d * (a - 0.5 * d))


KERNELS = [
    Kernel("huber_ufunc", "ufuncs", huber_loop, lambda size, rng: (rng.standard_normal(size) * 2.0, 1.0),
           {"full": 4_000_000, "quick": 1_000_000, "tiny": 1_000}, numpy=huber_numpy, overhead_size=16,
           ufunc=huber, ufunc_signatures=("float64(float64, float64)", "float32(float32, float32)"),
           notes="the scalar d is a 0-d operand of stride 0"),
    Kernel("huber_ufunc_arrays", "ufuncs", huber_pairs,
           lambda size, rng: (rng.standard_normal(size) * 2.0, rng.random(size) + 0.5),
           {"full": 4_000_000, "quick": 1_000_000, "tiny": 1_000}, numpy=huber_numpy,
           ufunc=huber, ufunc_signatures=("float64(float64, float64)", "float32(float32, float32)"),
           notes="every operand contiguous: the loops of both compilers vectorize"),
]
