"""CPython's integer results, written in the Python compiled code runs.

Traced like user code, these give CPython's exact results on 64-bit ints:

* :func:`true_divide` -- ``a / b`` for ints, correctly rounded as CPython's
  ``long_true_divide`` is (converting both to float first rounds twice
  once an operand exceeds 2**53).  Past the fast path it divides
  magnitudes, produces quotient bits one at a time from the remainder
  (``2r >= b`` tested as ``r >= b - r``, so nothing overflows) until 55
  bits are known, folds the rest of the remainder into a sticky bit, and
  rounds once when converting to float.  The divisor is non-zero (the
  caller raises ``ZeroDivisionError`` first).
* :func:`gcd`, :func:`isqrt`, :func:`factorial` -- ``math.gcd``,
  ``math.isqrt`` and ``math.factorial`` for arguments the caller has
  checked (non-negative, and a factorial that fits in 64 bits).
* :func:`unsigned_gcd` -- NumPy's ``np.gcd`` of magnitudes (``uint64``, C's unsigned
  arithmetic).
"""
from __future__ import annotations

import math

_EXACT = 2 ** 53
_INT_MIN = -2 ** 63


def true_divide(a, b):
    if -_EXACT <= a <= _EXACT and -_EXACT <= b <= _EXACT:
        return float(a) / float(b)  # both exact: IEEE division rounds once
    negative = (a < 0) != (b < 0)
    if a == 0:  # no quotient bit would ever be found below
        return -0.0 if negative else 0.0
    scale = 1.0
    if a == _INT_MIN:  # |a| does not fit: halve it, double the result (exact)
        a = a // 2
        scale = 2.0
    if b == _INT_MIN:
        b = b // 2
        scale = scale * 0.5
    a = abs(a)
    b = abs(b)
    q = a // b
    r = a % b
    shift = 0
    while q < 2 ** 54:
        if r >= b - r:
            r = r - (b - r)
            q = q * 2 + 1
        else:
            r = r + r
            q = q * 2
        shift += 1
    if r != 0:
        q = q | 1  # sticky: at least two bits below the rounding point
    result = float(q) * 2.0 ** -shift * scale
    return -result if negative else result


def gcd(a, b):
    a = abs(a)
    b = abs(b)
    while b != 0:
        a, b = b, a % b
    return a


def unsigned_gcd(a, b):
    """NumPy's ``npy_gcdu``: Euclid's algorithm on two ``uint64`` magnitudes."""
    while a != 0:
        a, b = b % a, a
    return b


def isqrt(n):
    s = int(math.sqrt(float(n)))
    while s > 0 and s > n // s:
        s -= 1
    while (s + 1) <= n // (s + 1):
        s += 1
    return s


def factorial(n):
    result = 1
    for i in range(2, n + 1):
        result *= i
    return result
