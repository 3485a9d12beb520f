"""CPython's own ``math`` algorithms, written in the Python compiled code runs.

CPython computes some ``math`` functions itself instead of calling the C
library, so the C functions give different last bits.  These are Python
ports of CPython 3.11's algorithms (``Modules/mathmodule.c``), written with
only what the compiler stages -- scalar float arithmetic, ``if``, ``for``
over tuples, the ``math`` functions CPython takes from the C library -- so
that tracing them gives bit-for-bit CPython's results:

* :func:`gamma` mirrors ``math.gamma``: ``m_tgamma`` (a Lanczos
  approximation, N=13, with the reflection formula for x < 0), with the
  helpers ``lanczos_sum`` and ``m_sinpi``, and ``math_1a``'s errors;
* :func:`lgamma` mirrors ``math.lgamma``: ``m_lgamma``;
* :func:`hypot` mirrors ``math.hypot`` of two arguments: ``vector_norm``
  (power-of-two scaling, Veltkamp-Dekker squaring, compensated sums and a
  correction of the square root).  ``frexp``/``ldexp`` are replaced by
  multiplications by exact powers of two, which give the same numbers.

Each raising function has an errno-style twin -- :func:`tgamma_errno`,
:func:`lgamma_errno` -- returning ``(result, error)`` with ``error`` one of
:data:`OK`, :data:`DOMAIN` (``ValueError: math domain error``) or
:data:`RANGE` (``OverflowError: math range error``), as CPython's C
functions set ``errno`` for ``is_error`` to turn into an exception.
``frontend.builtins`` calls the twins so that the exception is raised at the
user's line, not inside this module.

``abs()`` of a complex number is not here: CPython's ``_Py_c_abs`` is the C
library ``hypot`` for finite parts, so the compiler keeps that call.
"""
from __future__ import annotations

import math

#: error codes of the ``*_errno`` functions (``errno`` 0, ``EDOM``, ``ERANGE``)
OK, DOMAIN, RANGE = 0, 1, 2

_PI = 3.141592653589793238462643383279502884197
_LOGPI = 1.144729885849400174143427351353058711647

# Lanczos approximation, N = 13 (the coefficients of CPython, after Boost)
_LANCZOS_G = 6.024680040776729583740234375
_LANCZOS_G_MINUS_HALF = 5.524680040776729583740234375
_LANCZOS_NUM = (
    23531376880.410759688572007674451636754734846804940,
    42919803642.649098768957899047001988850926355848959,
    35711959237.355668049440185451547166705960488635843,
    17921034426.037209699919755754458931112671403265390,
    6039542586.3520280050642916443072979210699388420708,
    1439720407.3117216736632230727949123939715485786772,
    248874557.86205415651146038641322942321632125127801,
    31426415.585400194380614231628318205362874684987640,
    2876370.6289353724412254090516208496135991145378768,
    186056.26539522349504029498971604569928220784236328,
    8071.6720023658162106380029022722506138218516325024,
    210.82427775157934587250973392071336271166969580291,
    2.5066282746310002701649081771338373386264310793408,
)
# the denominator is x*(x+1)*...*(x+11)
_LANCZOS_DEN = (
    0.0, 39916800.0, 120543840.0, 150917976.0, 105258076.0, 45995730.0,
    13339535.0, 2637558.0, 357423.0, 32670.0, 1925.0, 66.0, 1.0,
)
# (numerator, denominator) coefficient pairs: from the constant term up, and
# from the highest power down (a tuple cannot be indexed by a run-time value,
# so the loops walk these instead of counting)
_LANCZOS_PAIRS = tuple(zip(_LANCZOS_NUM, _LANCZOS_DEN))
_LANCZOS_PAIRS_DOWN = tuple(reversed(_LANCZOS_PAIRS))

# (n, gamma(n)) for n = 1 .. 23, which are exact doubles
_GAMMA_INTEGRAL = tuple((float(n), float(math.factorial(n - 1))) for n in range(1, 24))

# (2**k, 2**-k) for k = 512, 256, ..., 1: frexp by binary search
_POWERS_OF_TWO = tuple((2.0 ** k, 2.0 ** -k) for k in (512, 256, 128, 64, 32, 16, 8, 4, 2, 1))
# frexp(m)'s exponent is at least -1023 exactly when m >= 2**-1024
_SMALLEST_SCALABLE = 2.0 ** -1024
# 2**27 + 1, the Veltkamp-Dekker splitting constant
_T27 = 134217729.0


# ----------------------------------------------------------------- gamma, lgamma
def _sinpi(x):
    """sin(pi*x), exact at integers (``m_sinpi``); x is finite."""
    y = math.fmod(math.fabs(x), 2.0)
    # CPython switches on n = round(2*y) (half away from zero); 2*y is exact,
    # so n's ranges are y < 0.25, y < 0.75, ...
    if y < 0.25:
        r = math.sin(_PI * y)
    elif y < 0.75:
        r = math.cos(_PI * (y - 0.5))
    elif y < 1.25:
        r = math.sin(_PI * (1.0 - y))  # not -sin(pi*(y-1)): that is -0.0 at y == 1
    elif y < 1.75:
        r = -math.cos(_PI * (y - 1.5))
    else:
        r = math.sin(_PI * (y - 2.0))
    return math.copysign(1.0, x) * r


def _lanczos_sum(x):
    """The Lanczos sum L_g(x) for x > 0, a rational function (``lanczos_sum``)."""
    num = 0.0
    den = 0.0
    if x < 5.0:
        for a, b in _LANCZOS_PAIRS_DOWN:
            num = num * x + a
            den = den * x + b
    else:
        # in 1/x, scaled by x**-12, so that large x does not overflow
        for a, b in _LANCZOS_PAIRS:
            num = num / x + a
            den = den / x + b
    return num / den


def _is_integral(x):
    """x == floor(x) for a finite x (``math.floor`` would make an int)."""
    return math.fmod(x, 1.0) == 0.0


def tgamma_errno(x):
    """``(m_tgamma(x), error)``: CPython's gamma with its ``errno``."""
    if not math.isfinite(x):
        if math.isnan(x) or x > 0.0:
            return x, OK  # gamma(nan) = nan, gamma(inf) = inf
        return math.nan, DOMAIN  # gamma(-inf)
    if x == 0.0:
        return math.copysign(math.inf, x), DOMAIN
    if _is_integral(x):
        if x < 0.0:
            return math.nan, DOMAIN
        if x <= 23.0:
            r = 0.0
            for n, g in _GAMMA_INTEGRAL:
                if x == n:
                    r = g
            return r, OK
    absx = math.fabs(x)
    if absx < 1e-20:  # gamma(x) ~ 1/x
        r = 1.0 / x
        if math.isinf(r):
            return r, RANGE
        return r, OK
    if absx > 200.0:  # overflows for x > 200, underflows to +-0 for x < -200
        if x < 0.0:
            return 0.0 / _sinpi(x), OK
        return math.inf, RANGE
    y = absx + _LANCZOS_G_MINUS_HALF
    # the rounding error of y, for a correction factor (1 + z) below
    if absx > _LANCZOS_G_MINUS_HALF:
        q = y - absx
        z = q - _LANCZOS_G_MINUS_HALF
    else:
        q = y - _LANCZOS_G_MINUS_HALF
        z = q - absx
    z = z * _LANCZOS_G / y
    if x < 0.0:
        r = -_PI / _sinpi(absx) / absx * math.exp(y) / _lanczos_sum(absx)
        r -= z * r
        if absx < 140.0:
            r /= math.pow(y, absx - 0.5)
        else:
            sqrtpow = math.pow(y, absx / 2.0 - 0.25)
            r /= sqrtpow
            r /= sqrtpow
    else:
        r = _lanczos_sum(absx) / math.exp(y)
        r += z * r
        if absx < 140.0:
            r *= math.pow(y, absx - 0.5)
        else:
            sqrtpow = math.pow(y, absx / 2.0 - 0.25)
            r *= sqrtpow
            r *= sqrtpow
    if math.isinf(r):
        return r, RANGE
    return r, OK


def lgamma_errno(x):
    """``(m_lgamma(x), error)``: CPython's lgamma with its ``errno``."""
    if not math.isfinite(x):
        if math.isnan(x):
            return x, OK
        return math.inf, OK  # lgamma(+-inf) = inf, no error
    if _is_integral(x) and x <= 2.0:
        if x <= 0.0:
            return math.inf, DOMAIN  # the poles 0, -1, -2, ...
        return 0.0, OK  # lgamma(1) = lgamma(2) = 0
    absx = math.fabs(x)
    if absx < 1e-20:  # lgamma(x) ~ -log(|x|)
        return -math.log(absx), OK
    r = math.log(_lanczos_sum(absx)) - _LANCZOS_G
    r += (absx - 0.5) * (math.log(absx + _LANCZOS_G - 0.5) - 1.0)
    if x < 0.0:  # the reflection formula
        r = _LOGPI - math.log(math.fabs(_sinpi(absx))) - math.log(absx) - r
    if math.isinf(r):
        return r, RANGE
    return r, OK


def _raise_for(error):
    """``is_error``: the exception for an error code (results never underflow here)."""
    if error == DOMAIN:
        raise ValueError("math domain error")
    if error == RANGE:
        raise OverflowError("math range error")


def gamma(x):
    """``math.gamma(x)`` as CPython 3.11 computes it, errors included."""
    r, error = tgamma_errno(x)
    _raise_for(error)
    return r


def lgamma(x):
    """``math.lgamma(x)`` as CPython 3.11 computes it, errors included."""
    r, error = lgamma_errno(x)
    _raise_for(error)
    return r


# ----------------------------------------------------------------- hypot
def _frexp_scale(m):
    """``ldexp(1.0, -e)`` where ``frexp(m)`` has exponent ``e`` (``2**-1024 <= m < inf``).

    That is the power of two ``s`` with ``0.5 <= m*s < 1``; it is found by
    binary search on ``m``, multiplying only by powers of two (exact here).
    """
    s = 1.0
    for big, small in _POWERS_OF_TWO:  # down to m < 2
        if m >= big:
            m *= small
            s *= small
    for big, small in _POWERS_OF_TWO:  # up to m >= 0.5
        if m < small:
            m *= big
            s *= big
    if m >= 1.0:
        s *= 0.5
    return s


def hypot(x, y):
    """``math.hypot(x, y)`` as CPython 3.11 computes it (``vector_norm``, n = 2)."""
    x = math.fabs(x)
    y = math.fabs(y)
    biggest = 0.0  # a NaN never becomes the maximum
    if x > biggest:
        biggest = x
    if y > biggest:
        biggest = y
    if math.isinf(biggest):
        return biggest  # an infinity wins over a NaN
    if math.isnan(x) or math.isnan(y):
        return math.nan
    if biggest == 0.0:
        return biggest
    csum = 1.0
    frac1 = 0.0
    if biggest < _SMALLEST_SCALABLE:
        # 1/scale would overflow: divide by the maximum instead
        for v in (x, y):
            v = v / biggest
            v = v * v
            old = csum
            csum += v
            frac1 += (old - csum) + v
        return biggest * math.sqrt(csum - 1.0 + frac1)
    frac2 = 0.0
    frac3 = 0.0
    scale = _frexp_scale(biggest)
    for v in (x, y):
        v = v * scale  # lossless
        t = v * _T27  # Veltkamp-Dekker split: v == hi + lo, exact squares
        hi = t - (t - v)
        lo = v - hi
        v = hi * hi
        old = csum
        csum += v
        frac1 += (old - csum) + v
        v = 2.0 * hi * lo
        old = csum
        csum += v
        frac2 += (old - csum) + v
        frac3 += lo * lo  # below half an ulp of csum
    h = math.sqrt(csum - 1.0 + (frac1 + frac2 + frac3))
    # correct h by the first-order term of sqrt(h*h + d), d the sum's excess
    t = h * _T27
    hi = t - (t - h)
    lo = h - hi
    v = -hi * hi
    old = csum
    csum += v
    frac1 += (old - csum) + v
    v = -2.0 * hi * lo
    old = csum
    csum += v
    frac2 += (old - csum) + v
    v = -lo * lo
    old = csum
    csum += v
    frac3 += (old - csum) + v
    v = csum - 1.0 + (frac1 + frac2 + frac3)
    return (h + v / (2.0 * h)) / scale
