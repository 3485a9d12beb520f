"""NumPy's legacy random algorithms, written in the Python compiled code runs.

``np.random.random()``, ``randn()``, ``randint()``, ``shuffle()``... draw from
NumPy's global ``RandomState`` (see ``runtime.nprandom``).  Compiled code draws
from the same state with the ``random.*`` ops, and these ports of NumPy's C
code (``numpy/random/src/legacy/legacy-distributions.c`` and
``distributions.c``) turn the draws into the same numbers, bit for bit:

* :func:`gauss` is ``legacy_gauss``: the polar method, keeping the second
  deviate in the ``RandomState`` for the next call;
* :func:`standard_exponential` is ``legacy_standard_exponential``: ``-log(1 - U)``;
* :func:`interval` is ``random_interval`` -- and ``random_bounded_uint64_fill``
  with the mask, which ``randint`` uses, draws the same way: 32-bit draws under
  the smallest all-ones mask covering the range while it fits in 32 bits,
  64-bit draws above;
* :func:`binomial` is ``legacy_random_binomial`` (inversion and the legacy BTPE);
* :func:`shuffle` is ``RandomState.shuffle`` of a 1-d array (Fisher-Yates from
  the end, ``random_interval(i)`` for each ``i``).

``poisson`` is NumPy's own compiled ``random_poisson`` (:func:`numpy_poisson`).
A ``np.random.Generator`` passed in draws through NumPy's own compiled
``random_standard_normal`` (the ziggurat) and ``random_bounded_uint64`` (Lemire),
and ``next_double``: the ``generator_*`` functions.
The primitives (the functions that raise) stand for the ops; ``frontend.nprandom`` stages
them.  ``math.log`` and ``math.sqrt`` compile to the C library's ``log`` and
an exact square root, as NumPy's C code computes them.
"""
from __future__ import annotations

import math

import numpy as np


def next_double():
    """The next float64 in [0, 1) of NumPy's global generator (``random.draw``)."""
    raise RuntimeError("pyrandom's primitives run only in compiled code")


def next_uint32():
    """The next 32 random bits (``random.draw``)."""
    raise RuntimeError("pyrandom's primitives run only in compiled code")


def next_uint64():
    """The next 64 random bits (``random.draw``)."""
    raise RuntimeError("pyrandom's primitives run only in compiled code")


def take_gauss():
    """``(has, value)``: the kept normal deviate, which is dropped (``random.take_gauss``)."""
    raise RuntimeError("pyrandom's primitives run only in compiled code")


def put_gauss(value):
    """Keep ``value`` for the next :func:`gauss` (``random.put_gauss``)."""
    raise RuntimeError("pyrandom's primitives run only in compiled code")


def sign_bit(x):
    """Whether ``x`` is negative or -0.0 (not NaN): NumPy's ``CONS_NON_NEGATIVE`` test."""
    return x == x and math.copysign(1.0, x) < 0.0


def numpy_poisson(lam):
    """NumPy's compiled ``random_poisson`` (``random.call``), which the legacy
    ``poisson`` calls too."""
    raise RuntimeError("pyrandom's primitives run only in compiled code")


def generator_double(g):
    """The next float64 in [0, 1) of the ``Generator`` ``g`` (``random.draw``)."""
    raise RuntimeError("pyrandom's primitives run only in compiled code")


def generator_standard_normal(g):
    """NumPy's compiled ``random_standard_normal`` (the ziggurat) on ``g`` (``random.call``)."""
    raise RuntimeError("pyrandom's primitives run only in compiled code")


def generator_bounded(g, limit):
    """NumPy's compiled ``random_bounded_uint64`` on ``g``: a uniform ``np.uint64`` in
    ``[0, limit]`` by Lemire's method, as ``Generator.integers`` draws (``random.call``)."""
    raise RuntimeError("pyrandom's primitives run only in compiled code")


def generator_random(g):
    return generator_double(g)


def generator_standard(g):
    return generator_standard_normal(g)


def generator_normal(g, loc, scale):
    return loc + scale * generator_standard_normal(g)


def generator_uniform(g, low, width):
    return low + width * generator_double(g)


def generator_integers(g, low, last):
    """A uniform int in ``[low, last]``."""
    span = np.uint64(np.int64(last) - np.int64(low))
    return np.int64(low) + np.int64(generator_bounded(g, span))


def random_sample():
    return next_double()


def gauss():
    has, kept = take_gauss()
    if has:
        return kept
    x1 = 2.0 * next_double() - 1.0
    x2 = 2.0 * next_double() - 1.0
    r2 = x1 * x1 + x2 * x2
    while r2 >= 1.0 or r2 == 0.0:
        x1 = 2.0 * next_double() - 1.0
        x2 = 2.0 * next_double() - 1.0
        r2 = x1 * x1 + x2 * x2
    f = math.sqrt(-2.0 * math.log(r2) / r2)
    put_gauss(f * x1)
    return f * x2


def normal(loc, scale):
    return loc + scale * gauss()


def standard_exponential():
    return -math.log(1.0 - next_double())


def exponential(scale):
    return scale * standard_exponential()


def uniform(low, width):
    return low + width * next_double()


def poisson(lam):
    return numpy_poisson(lam)


def binomial(n, p):
    """``legacy_random_binomial``: inversion while the mean of the smaller tail is
    at most 30, else BTPE, on the tail whose probability is at most 1/2."""
    if p <= 0.5:
        if p * n <= 30.0:
            return binomial_inversion(n, p)
        return binomial_btpe(n, p)
    q = 1.0 - p
    if q * n <= 30.0:
        return n - binomial_inversion(n, q)
    return n - binomial_btpe(n, q)


def binomial_inversion(n, p):
    q = 1.0 - p
    qn = math.exp(n * math.log(q))
    mean = n * p
    bound = int(min(float(n), mean + 10.0 * math.sqrt(mean * q + 1)))
    x = 0
    px = qn
    u = next_double()
    while u > px:
        x += 1
        if x > bound:
            x = 0
            px = qn
            u = next_double()
        else:
            u -= px
            px = ((n - x + 1) * p * px) / (x * q)
    return x


def binomial_btpe(n, p):
    """The legacy BTPE (its Stirling terms kept as NumPy 1.16 had them); the C code's
    ``goto``s become one loop whose ``continue`` is "reject, draw again".  A ``v`` of
    0.0 is rejected before ``log(v)`` is taken: the C code takes it, then rejects."""
    r = min(p, 1.0 - p)
    q = 1.0 - r
    fm = n * r + r
    m = math.floor(fm)
    p1 = math.floor(2.195 * math.sqrt(n * r * q) - 4.6 * q) + 0.5
    xm = m + 0.5
    xl = xm - p1
    xr = xm + p1
    c = 0.134 + 20.5 / (15.3 + m)
    a = (fm - xl) / (fm - xl * r)
    laml = a * (1.0 + a / 2.0)
    a = (xr - fm) / (xr * q)
    lamr = a * (1.0 + a / 2.0)
    p2 = p1 * (1.0 + 2.0 * c)
    p3 = p2 + c / laml
    p4 = p3 + c / lamr
    nrq = n * r * q
    while True:
        u = next_double() * p4
        v = next_double()
        if u <= p1:
            return math.floor(xm - p1 * v + u)
        if u <= p2:
            x = xl + (u - p1) / c
            v = v * c + 1.0 - abs(m - x + 0.5) / p1
            if v > 1.0:
                continue
            y = math.floor(x)
        elif u <= p3:
            if v == 0.0:
                continue
            y = math.floor(xl + math.log(v) / laml)
            if y < 0:
                continue
            v = v * (u - p2) * laml
        else:
            if v == 0.0:
                continue
            y = math.floor(xr - math.log(v) / lamr)
            if y > n:
                continue
            v = v * (u - p3) * lamr
        k = abs(y - m)
        if not (k > 20 and k < nrq / 2.0 - 1):
            s = r / q
            a = s * (n + 1)
            f = 1.0
            if m < y:
                for i in range(m + 1, y + 1):
                    f *= a / i - s
            elif m > y:
                for i in range(y + 1, m + 1):
                    f /= a / i - s
            if v > f:
                continue
            return y
        rho = (k / nrq) * ((k * (k / 3.0 + 0.625) + 0.16666666666666666) / nrq + 0.5)
        t = -k * k / (2 * nrq)
        if v <= 0.0:             # log(0) is -inf in C: below t - rho, accepted
            return y
        big_a = math.log(v)
        if big_a < t - rho:
            return y
        if big_a > t + rho:
            continue
        x1 = y + 1.0
        f1 = m + 1.0
        z = n + 1.0 - m
        w = n - y + 1.0
        x2 = x1 * x1
        f2 = f1 * f1
        z2 = z * z
        w2 = w * w
        if big_a > (xm * math.log(f1 / x1) + (n - m + 0.5) * math.log(z / w) + (y - m) * math.log(w * r / (x1 * q))
                    + (13680. - (462. - (132. - (99. - 140. / f2) / f2) / f2) / f2) / f1 / 166320.
                    + (13680. - (462. - (132. - (99. - 140. / z2) / z2) / z2) / z2) / z / 166320.
                    + (13680. - (462. - (132. - (99. - 140. / x2) / x2) / x2) / x2) / x1 / 166320.
                    + (13680. - (462. - (132. - (99. - 140. / w2) / w2) / w2) / w2) / w / 166320.):
            continue
        return y


def interval(limit):
    """A uniform ``np.uint64`` in ``[0, limit]`` (``limit`` an ``np.uint64``)."""
    if limit == 0:
        return limit
    mask = limit
    mask |= mask >> 1
    mask |= mask >> 2
    mask |= mask >> 4
    mask |= mask >> 8
    mask |= mask >> 16
    mask |= mask >> 32
    if limit <= 0xFFFFFFFF:
        value = np.uint64(next_uint32()) & mask
        while value > limit:
            value = np.uint64(next_uint32()) & mask
    else:
        value = next_uint64() & mask
        while value > limit:
            value = next_uint64() & mask
    return value


def randint(low, high):
    """A uniform int in ``[low, high)``, ``low < high`` (int64 arithmetic, which wraps
    exactly as NumPy's unsigned range does)."""
    span = np.uint64(np.int64(high) - np.int64(1) - np.int64(low))
    return np.int64(low) + np.int64(interval(span))


def shuffle(x):
    """``x`` (1-d) shuffled in place."""
    for i in range(len(x) - 1, 0, -1):
        j = np.int64(interval(np.uint64(i)))
        if i != j:
            x[i], x[j] = x[j], x[i]


def fill(out, draw, args):
    """Every element of ``out``, in C order, set to ``draw(*args)``."""
    if out.ndim == 1:
        for i in range(out.shape[0]):
            out[i] = draw(*args)
    else:
        for i in range(out.shape[0]):
            fill(out[i], draw, args)


def choose(out, a, count):
    """``out`` filled with elements of ``a`` (1-d) at uniform indices below ``count``."""
    if out.ndim == 1:
        for i in range(out.shape[0]):
            out[i] = a[randint(0, count)]
    else:
        for i in range(out.shape[0]):
            choose(out[i], a, count)


def permutation_into(out):
    """``out`` (1-d int64) set to ``0 .. n-1``, then shuffled."""
    for i in range(out.shape[0]):
        out[i] = i
    shuffle(out)


def sample_without_replacement(out, a, count):
    """``out[i] = a[p[i]]`` for the first ``len(out)`` of a permutation ``p`` of ``range(count)``,
    which is drawn whole, as ``RandomState.choice(..., replace=False)`` draws it."""
    p = np.empty(count, np.int64)
    permutation_into(p)
    for i in range(out.shape[0]):
        out[i] = a[p[i]]
