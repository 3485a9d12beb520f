"""``np.sin`` and ``np.cos`` of floats are the compiler's own code with vector variants
(``compiler.codegen.nptrig``); ``math.sin`` and ``math.cos`` the C library's.

Accuracy is measured against the exact result (60-digit ``decimal``); special values and
arguments beyond the reduction's range must be NumPy's exactly; the loop holding them must
call the vector variant.
"""
import math
import struct
from decimal import Context, Decimal

import numpy as np
import pytest

from compiler import compile as jit
from compiler.codegen import nptrig

_CONTEXT = Context(prec=60)
_HALF_PI = _CONTEXT.multiply(nptrig._pi(_CONTEXT), Decimal("0.5"))
_SMALLEST = Decimal(10) ** -80


def _np_sin(a):
    return np.sin(a)


def _np_cos(a):
    return np.cos(a)


def _sin_of_float(x):
    return np.sin(x)


def _cos_of_float(x):
    return np.cos(x)


def _math_sin_cos(a, out):
    for i in range(a.shape[0]):
        out[i] = math.sin(a[i]) + 2.0 * math.cos(a[i])


def _exact(fn: str, x: float) -> Decimal:
    """``sin(x)`` or ``cos(x)`` to 60 digits: ``x`` reduced by the nearest multiple of
    ``pi / 2``, then Taylor's series."""
    d = Decimal(x)
    k = int(_CONTEXT.divide(d, _HALF_PI).to_integral_value())
    r = _CONTEXT.subtract(d, _CONTEXT.multiply(k, _HALF_PI))
    quadrant = (k + (1 if fn == "cos" else 0)) % 4
    value = _series(r, odd=quadrant % 2 == 0)
    return _CONTEXT.minus(value) if quadrant >= 2 else value


def _series(r: Decimal, odd: bool) -> Decimal:
    """``sin(r)`` (``odd``) or ``cos(r)``."""
    term = r if odd else Decimal(1)
    total, n = Decimal(0), 1 if odd else 0
    while abs(term) > _SMALLEST:
        total = _CONTEXT.add(total, term)
        term = _CONTEXT.divide(_CONTEXT.multiply(_CONTEXT.minus(term), _CONTEXT.multiply(r, r)), (n + 1) * (n + 2))
        n += 2
    return total


def _worst_ulps(fn: str, got: np.ndarray, x: np.ndarray) -> float:
    worst = 0.0
    for g, v in zip(got.tolist(), x.tolist()):
        exact = _exact(fn, v)
        worst = max(worst, float(abs(Decimal(g) - exact) / Decimal(math.ulp(float(exact)))))
    return worst


def _bits(high: int, low: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", (high << 32) | low))[0]


def test_the_reduction_constants_are_fdlibms():
    assert nptrig.reduction_constants() == (
        _bits(0x3FE45F30, 0x6DC9C883), _bits(0x3FF921FB, 0x54400000), _bits(0x3DD0B461, 0x1A626331),
        _bits(0x3DD0B461, 0x1A600000), _bits(0x3BA3198A, 0x2E037073), _bits(0x3BA3198A, 0x2E000000),
        _bits(0x397B839A, 0x252049C1))


def test_the_kernel_coefficients_are_fdlibms():
    assert nptrig.SIN_COEFFICIENTS == (-1.66666666666666324348e-01, 8.33333333332248946124e-03,
                                       -1.98412698298579493134e-04, 2.75573137070700676789e-06,
                                       -2.50507602534068634195e-08, 1.58969099521155010221e-10)
    assert nptrig.COS_COEFFICIENTS == (4.16666666666666019037e-02, -1.38888888888741095749e-03,
                                       2.48015872894767294178e-05, -2.75573143513906633035e-07,
                                       2.08757232129817482790e-09, -1.13596475577881948265e-11)


def _arguments() -> np.ndarray:
    rng = np.random.default_rng(12)
    near_multiples = np.array([float(_CONTEXT.multiply(k, _HALF_PI)) for k in
                               [1, 2, 3, 4, 5, 6, 7, 8, 100, 1000, 6381956, 1 << 19, (1 << 20) - 1,
                                *rng.integers(1, 1 << 20, 40).tolist()]])
    near_multiples = np.concatenate([near_multiples, np.nextafter(near_multiples, 0), -near_multiples])
    near_multiples = near_multiples[np.abs(near_multiples) < nptrig.LIMIT]
    return np.concatenate([rng.uniform(-10.0, 10.0, 1500), rng.uniform(-1.6e6, 1.6e6, 500),
                           rng.uniform(-1e-3, 1e-3, 200), rng.uniform(-1.0, 1.0, 300) * 2.0 ** -30,
                           np.arange(-40.0, 41.0), near_multiples, [np.pi / 4, -np.pi / 4, 0.7853981633974484]])


@pytest.mark.parametrize("fn,compiled", [("sin", _np_sin), ("cos", _np_cos)])
def test_results_are_within_one_ulp(fn, compiled):
    x = _arguments()
    assert _worst_ulps(fn, jit(compiled)(x), x) < 1.0


SPECIAL = [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, np.inf, -np.inf, np.nan,
           nptrig.LIMIT, -nptrig.LIMIT, np.nextafter(nptrig.LIMIT, 0), 1e22, -1e22, 1e300, 1.7976931348623157e308]


@pytest.mark.parametrize("compiled,numpy", [(_np_sin, np.sin), (_np_cos, np.cos)])
def test_special_values_and_large_arguments_are_numpys(compiled, numpy):
    x = np.array(SPECIAL)
    with np.errstate(all="ignore"):
        expected = numpy(x)
    got = jit(compiled)(x)
    np.testing.assert_array_equal(got, expected)
    assert list(np.signbit(got[:4])) == list(np.signbit(expected[:4]))   # sin(-0.0) is -0.0
    large = np.random.default_rng(13).uniform(nptrig.LIMIT, 1e9, 300) * np.tile([1, -1], 150)
    np.testing.assert_array_equal(jit(compiled)(large), numpy(large))


@pytest.mark.parametrize("compiled,scalar", [(_np_sin, _sin_of_float), (_np_cos, _cos_of_float)])
def test_a_vector_lane_and_the_scalar_function_agree_to_the_bit(compiled, scalar):
    x = np.concatenate([_arguments()[::7], SPECIAL])
    one_by_one = jit(scalar)
    np.testing.assert_array_equal(jit(compiled)(x), np.array([one_by_one(v) for v in x.tolist()]))


def test_float32_is_rounded_from_float64():
    x = np.random.default_rng(14).uniform(-100.0, 100.0, 5000).astype(np.float32)
    got = jit(_np_sin)(x)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, jit(_np_sin)(x.astype(np.float64)).astype(np.float32))


def test_the_loop_calls_the_vector_variant():
    compiled = jit(_np_cos)
    compiled(np.ones(8))
    lanes = nptrig.host_lanes()
    assert f"call <{lanes} x double> @pyjit_runtime.np_cos.v{lanes}" in compiled.inspect_llvm()


def test_math_sin_and_cos_stay_the_c_librarys():
    """math.sin and math.cos equal CPython's to the bit, also where np.sin's results differ."""
    x = np.random.default_rng(15).uniform(-20.0, 20.0, 3000)
    out = np.empty_like(x)
    jit(_math_sin_cos)(x, out)
    assert out.tolist() == [math.sin(v) + 2.0 * math.cos(v) for v in x.tolist()]
    assert (jit(_np_sin)(x) != np.array([math.sin(v) for v in x.tolist()])).any()
