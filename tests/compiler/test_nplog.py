"""``np.log`` of floats is the compiler's own code (``compiler.codegen.nplog``), ``math.log`` the C library's.

Accuracy is measured against the exact result (50-digit ``decimal``); special values must be
NumPy's exactly; the loop holding it must be vector code.
"""
import math
from decimal import Context, Decimal

import numpy as np

from compiler import compile as jit
from compiler.codegen import nplog
from compiler.codegen.nptrig import host_lanes

_CONTEXT = Context(prec=50)


def _np_log(a):
    return np.log(a)


def _log_into(a, out):
    out[:] = np.log(a)


def _math_log(a, out):
    for i in range(a.shape[0]):
        out[i] = math.log(a[i])


def _worst_ulps(got: np.ndarray, x: np.ndarray) -> float:
    worst = 0.0
    for g, v in zip(got.tolist(), x.tolist()):
        exact = _CONTEXT.ln(Decimal(v))
        worst = max(worst, float(abs(Decimal(g) - exact) / Decimal(math.ulp(float(exact)))))
    return worst


def test_the_constants_are_fdlibms():
    assert (nplog.LN2_HI, nplog.LN2_LO) == (6.93147180369123816490e-01, 1.90821492927058770002e-10)
    assert nplog.COEFFICIENTS == (6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01,
                                  2.222219843214978396e-01, 1.818357216161805012e-01, 1.531383769920937332e-01,
                                  1.479819860511658591e-01)


def test_results_are_within_one_ulp():
    rng = np.random.default_rng(21)
    x = np.concatenate([rng.uniform(0.0, 10.0, 1500), rng.lognormal(0.0, 200.0, 1500),
                        1.0 + rng.uniform(-1e-6, 1e-6, 300),          # f within 2**-20 of 0
                        1.0 + rng.uniform(-0.3, 0.45, 300),           # k = 0
                        rng.uniform(1e-320, 2.2e-308, 200),           # subnormal: scaled by 2**54
                        np.sqrt(2.0) * np.array([1.0, 0.5, 2.0, 1024.0]),
                        2.0 ** np.arange(-1074.0, 1024.0, 37.0)])
    x = x[(x > 0) & np.isfinite(x)]
    assert _worst_ulps(jit(_np_log)(x), x) < 1.0


SPECIAL = [0.0, -0.0, -1.0, -5e-324, np.inf, -np.inf, np.nan, -np.nan, 5e-324, 2.2250738585072014e-308, 1.0,
           np.nextafter(1.0, 2.0), np.nextafter(1.0, 0.0), 2.0, 0.5, 1.7976931348623157e308]


def test_special_values_are_numpys():
    x = np.array(SPECIAL)
    with np.errstate(all="ignore"):
        expected = np.log(x)
    np.testing.assert_array_equal(jit(_np_log)(x), expected)
    assert jit(_np_log)(np.array([1.0]))[0] == 0.0 and not np.signbit(jit(_np_log)(np.array([1.0]))[0])


def test_float32_is_rounded_from_float64():
    x = np.random.default_rng(22).lognormal(0.0, 10.0, 5000).astype(np.float32)
    got = jit(_np_log)(x)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, jit(_np_log)(x.astype(np.float64)).astype(np.float32))


def test_the_loop_is_vector_code():
    compiled = jit(_log_into)
    a = np.ones(8)
    compiled(a, a.copy())
    assert f"fdiv <{host_lanes()} x double>" in compiled.inspect_llvm()


def test_math_log_stays_the_c_librarys():
    """math.log equals CPython's to the bit, also where np.log's results differ."""
    x = np.random.default_rng(23).lognormal(0.0, 20.0, 3000)
    out = np.empty_like(x)
    jit(_math_log)(x, out)
    assert out.tolist() == [math.log(v) for v in x.tolist()]
    assert (jit(_np_log)(x) != np.log(x)).any()
