"""Container kernels: Python lists (and tuples in them) and dicts built and used in compiled code.

Numba compiles the same source with its typed lists and dicts (a list made in ``njit`` code is
reflected back to a Python list when returned); CPython runs it as it is.
"""
from __future__ import annotations

import numpy as np

from ..kernel import Kernel


def primes_below(n):
    """The primes below n as a list: a sieve on an array, the primes appended to a list."""
    composite = np.zeros(n, np.bool_)
    primes = []
    for p in range(2, n):
        if not composite[p]:
            primes.append(p)
            for q in range(p * p, n, p):
                composite[q] = True
    return primes


def order_by_key(a):
    """The positions of a's items sorted by their value: a list of (position, value) tuples
    sorted with a key function."""
    pairs = []
    for i in range(len(a)):
        pairs.append((i, float(a[i])))
    pairs.sort(key=lambda p: p[1])
    return [p[0] for p in pairs]


def running_means(a, window):
    """Means of each window of a, kept in a list that is read back while it grows."""
    means = []
    total = 0.0
    for i in range(len(a)):
        total += a[i]
        if i >= window:
            total -= a[i - window]
        if i >= window - 1:
            means.append(total / window)
    smooth = 0.0
    for k in range(len(means)):
        smooth += means[k] * (k % 3)
    return smooth


def word_count(a):
    """How many distinct values a has and the largest count: counting in a dict."""
    counts = {}
    for v in a:
        k = int(v)
        counts[k] = counts.get(k, 0) + 1
    best = 0
    for k, c in counts.items():
        if c > best:
            best = c
    return len(counts), best


KERNELS = [
    Kernel("primes_list", "containers", primes_below, lambda size, rng: (size,),
           {"full": 2_000_000, "quick": 300_000, "tiny": 1_000}, overhead_size=30),
    Kernel("sort_pairs_by_key", "containers", order_by_key, lambda size, rng: (rng.random(size),),
           {"full": 400_000, "quick": 60_000, "tiny": 200}),
    Kernel("word_count", "containers", word_count, lambda size, rng: (rng.integers(0, 1000, size),),
           {"full": 1_000_000, "quick": 150_000, "tiny": 300},
           notes="Numba cannot type `counts.get(k, 0)` on the empty `{}` it starts from (it needs "
                 "`numba.typed.Dict.empty(key_type=..., value_type=...)`): no Numba column"),
    Kernel("list_read_back", "containers", running_means, lambda size, rng: (rng.random(size), 8),
           {"full": 1_000_000, "quick": 150_000, "tiny": 300}),
]
