"""Scalar kernels: integer and float arithmetic, branches and loops, few arrays.

Integer kernels mask every step that could leave 32 bits (``& 0xFFFFFFFF``),
so CPython's unbounded ints and the compiled 64-bit ones give the same answer.
"""
from __future__ import annotations

import math

import numpy as np

from ..kernel import Kernel


def fib(n):
    """The n-th Fibonacci number, by naive double recursion."""
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def collatz(n):
    """Total and longest Collatz step counts for the starts 1..n."""
    total = 0
    longest = 0
    for start in range(1, n + 1):
        x = start
        steps = 0
        while x != 1:
            if x % 2 == 0:
                x = x // 2
            else:
                x = 3 * x + 1
            steps += 1
        total += steps
        if steps > longest:
            longest = steps
    return total, longest


def mandelbrot(width, height, max_iter):
    """Escape counts (max_iter if never) over a height x width grid of [-2, 1] x [-1.5, 1.5]."""
    counts = np.empty((height, width), np.int64)
    for y in range(height):
        ci = -1.5 + 3.0 * y / height
        for x in range(width):
            cr = -2.0 + 3.0 * x / width
            zr = 0.0
            zi = 0.0
            n = 0
            while n < max_iter:
                zr2 = zr * zr
                zi2 = zi * zi
                if zr2 + zi2 > 4.0:
                    break
                zi = 2.0 * zr * zi + ci
                zr = zr2 - zi2 + cr
                n += 1
            counts[y, x] = n
    return counts


def mandelbrot_numpy(width, height, max_iter):
    cr = -2.0 + 3.0 * np.arange(width) / width
    ci = -1.5 + 3.0 * np.arange(height) / height
    cr, ci = np.broadcast_to(cr, (height, width)), np.broadcast_to(ci[:, None], (height, width))
    zr = np.zeros((height, width))
    zi = np.zeros((height, width))
    counts = np.full((height, width), max_iter, np.int64)
    active = np.ones((height, width), bool)
    for n in range(max_iter):
        zr2, zi2 = zr * zr, zi * zi
        escaped = active & (zr2 + zi2 > 4.0)
        counts[escaped] = n
        active &= ~escaped
        zi = np.where(active, 2.0 * zr * zi + ci, zi)
        zr = np.where(active, zr2 - zi2 + cr, zr)
    return counts


def sieve(n):
    """The number of primes below n (sieve of Eratosthenes)."""
    composite = np.zeros(n, np.bool_)
    count = 0
    for i in range(2, n):
        if not composite[i]:
            count += 1
            for j in range(i * i, n, i):
                composite[j] = True
    return count


def sieve_numpy(n):
    prime = np.ones(n, bool)
    prime[:2] = False
    for i in range(2, math.isqrt(n) + 1):
        if prime[i]:
            prime[i * i::i] = False
    return int(np.count_nonzero(prime))


def crc16(data):
    """CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF) of a uint8 array, bit by bit."""
    crc = 0xFFFF
    for byte in data:
        crc ^= int(byte) << 8
        for _ in range(8):
            if crc & 0x8000:
                crc = ((crc << 1) ^ 0x1021) & 0xFFFF
            else:
                crc = (crc << 1) & 0xFFFF
    return crc


def int_hash(n, seed):
    """Sum mod 2**32 of MurmurHash3's 32-bit finaliser applied to ``i ^ seed`` for i < n."""
    total = 0
    for i in range(n):
        h = (i ^ seed) & 0xFFFFFFFF
        h ^= h >> 16
        h = (h * 0x85EBCA6B) & 0xFFFFFFFF
        h ^= h >> 13
        h = (h * 0xC2B2AE35) & 0xFFFFFFFF
        h ^= h >> 16
        total = (total + h) & 0xFFFFFFFF
    return total


def int_hash_numpy(n, seed):
    h = np.arange(n, dtype=np.uint32) ^ np.uint32(seed)
    h ^= h >> 16
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> 13
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> 16
    return int(h.sum(dtype=np.uint32))


def monte_carlo_pi(n):
    """pi estimated from n points drawn uniformly in the unit square (np.random, one draw at a time)."""
    inside = 0
    for _ in range(n):
        x = np.random.random()
        y = np.random.random()
        if x * x + y * y < 1.0:
            inside += 1
    return 4.0 * inside / n


def monte_carlo_pi_numpy(n):
    x = np.random.random(n)
    y = np.random.random(n)
    return 4.0 * np.count_nonzero(x * x + y * y < 1.0) / n


KERNELS = [
    Kernel("fib", "scalar", fib, lambda size, rng: (size,),
           {"full": 34, "quick": 30, "tiny": 15}, overhead_size=1,
           notes="recursive: Numba compiles it only with the global name `fib` bound to its own dispatcher"),
    Kernel("collatz", "scalar", collatz, lambda size, rng: (size,),
           {"full": 300_000, "quick": 50_000, "tiny": 300}),
    Kernel("mandelbrot", "scalar", mandelbrot, lambda size, rng: (size, size, 200),
           {"full": 400, "quick": 150, "tiny": 12}, numpy=mandelbrot_numpy),
    Kernel("sieve", "scalar", sieve, lambda size, rng: (size,),
           {"full": 5_000_000, "quick": 800_000, "tiny": 2_000}, numpy=sieve_numpy),
    Kernel("crc16", "scalar", crc16,
           lambda size, rng: (rng.integers(0, 256, size, dtype=np.uint8),),
           {"full": 1_000_000, "quick": 150_000, "tiny": 300}),
    Kernel("int_hash", "scalar", int_hash,
           lambda size, rng: (size, int(rng.integers(0, 2 ** 32))),
           {"full": 4_000_000, "quick": 600_000, "tiny": 1_000}, numpy=int_hash_numpy),
    Kernel("monte_carlo_pi", "scalar", monte_carlo_pi, lambda size, rng: (size,),
           {"full": 4_000_000, "quick": 500_000, "tiny": 20_000}, numpy=monte_carlo_pi_numpy, rtol=2e-2,
           notes="random: every variant draws other numbers (Numba from its own generator), so results "
                 "agree only statistically; compiled with a seed, ours draws CPython's numbers"),
]
