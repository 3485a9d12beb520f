"""1-D kernels: streaming loops over float64 arrays, reductions and scans.

Kernels that write into an ``out`` (or ``counts``) argument are marked
``mutates`` so that every run writes into its own copy and returns a
distinct array.  The loops add in index order; NumPy's ``sum``, ``dot`` and
``exp`` round differently, by far less than the default ``rtol``.
"""
from __future__ import annotations

import math

import numpy as np

from ..kernel import Kernel


def saxpy(alpha, x, y, out):
    """out = alpha * x + y."""
    for i in range(len(x)):
        out[i] = alpha * x[i] + y[i]
    return out


def saxpy_numpy(alpha, x, y, out):
    np.multiply(alpha, x, out=out)
    out += y
    return out


def dot(x, y):
    """The dot product of x and y."""
    s = 0.0
    for i in range(len(x)):
        s += x[i] * y[i]
    return s


def dot_numpy(x, y):
    return float(np.dot(x, y))


def array_sum(x):
    """The sum of the elements of x."""
    s = 0.0
    for v in x:
        s += v
    return s


def array_sum_numpy(x):
    return float(np.sum(x))


def prefix_sum(x, out):
    """out[i] = x[0] + ... + x[i]."""
    s = 0.0
    for i in range(len(x)):
        s += x[i]
        out[i] = s
    return out


def prefix_sum_numpy(x, out):
    return np.cumsum(x, out=out)


def histogram(x, lo, hi, counts):
    """Adds to counts[k] the number of values of x in the k-th of len(counts) equal bins of [lo, hi)."""
    nbins = len(counts)
    scale = nbins / (hi - lo)
    for v in x:
        if lo <= v < hi:
            k = int((v - lo) * scale)
            counts[min(k, nbins - 1)] += 1
    return counts


def histogram_numpy(x, lo, hi, counts):
    nbins = len(counts)
    inside = x[(lo <= x) & (x < hi)]
    k = ((inside - lo) * (nbins / (hi - lo))).astype(np.int64)
    counts += np.bincount(np.minimum(k, nbins - 1), minlength=nbins)
    return counts


def clip(x, lo, hi, out):
    """out = x limited to [lo, hi]."""
    for i in range(len(x)):
        out[i] = min(max(x[i], lo), hi)
    return out


def clip_numpy(x, lo, hi, out):
    return np.clip(x, lo, hi, out=out)


def logsumexp(x):
    """log(sum(exp(x))) without overflow: the maximum is factored out first."""
    m = x[0]
    for v in x:
        if v > m:
            m = v
    s = 0.0
    for v in x:
        s += math.exp(v - m)
    return m + math.log(s)


def logsumexp_numpy(x):
    m = np.max(x)
    return float(m + np.log(np.sum(np.exp(x - m))))


KERNELS = [
    Kernel("saxpy", "1-D", saxpy,
           lambda size, rng: (2.5, rng.random(size), rng.random(size), np.zeros(size)),
           {"full": 4_000_000, "quick": 600_000, "tiny": 1_000},
           numpy=saxpy_numpy, mutates=True, overhead_size=16),
    Kernel("dot", "1-D", dot,
           lambda size, rng: (rng.random(size), rng.random(size)),
           {"full": 4_000_000, "quick": 600_000, "tiny": 1_000}, numpy=dot_numpy),
    Kernel("sum", "1-D", array_sum, lambda size, rng: (rng.random(size),),
           {"full": 4_000_000, "quick": 600_000, "tiny": 1_000}, numpy=array_sum_numpy),
    Kernel("prefix_sum", "1-D", prefix_sum,
           lambda size, rng: (rng.random(size), np.zeros(size)),
           {"full": 4_000_000, "quick": 600_000, "tiny": 1_000}, numpy=prefix_sum_numpy, mutates=True),
    Kernel("histogram", "1-D", histogram,
           lambda size, rng: (rng.standard_normal(size), -3.0, 3.0, np.zeros(64, np.int64)),
           {"full": 2_000_000, "quick": 300_000, "tiny": 1_000}, numpy=histogram_numpy, mutates=True),
    Kernel("clip", "1-D", clip,
           lambda size, rng: (rng.standard_normal(size), -1.0, 1.0, np.zeros(size)),
           {"full": 4_000_000, "quick": 600_000, "tiny": 1_000}, numpy=clip_numpy, mutates=True),
    Kernel("logsumexp", "1-D", logsumexp, lambda size, rng: (rng.standard_normal(size) * 10.0,),
           {"full": 4_000_000, "quick": 600_000, "tiny": 1_000}, numpy=logsumexp_numpy),
]
