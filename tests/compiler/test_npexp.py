"""``np.exp`` of floats is the compiler's own code (``compiler.codegen.npexp``), ``math.exp`` the C library's.

Accuracy is measured against the exact result (50-digit ``decimal``); special
values must be NumPy's exactly; the loop holding it must be vector code.
"""
import math
from decimal import Context, Decimal

import llvmlite.binding as llvm
import numpy as np
import pytest

from compiler import compile as jit

_CONTEXT = Context(prec=50)


def _np_exp(a):
    return np.exp(a)


def _exp_into(a, out):
    out[:] = np.exp(a)


def _math_exp(a, out):
    for i in range(a.shape[0]):
        out[i] = math.exp(a[i])


def _ulps(got: float, x: float) -> float:
    """|got - exp(x)| in units of got's last place."""
    exact = _CONTEXT.exp(Decimal(float(x)))
    return float(abs(Decimal(float(got)) - exact) / Decimal(math.ulp(float(got))))


def test_normal_results_are_within_half_an_ulp_and_a_little():
    x = np.random.default_rng(7).uniform(-708.0, 709.7, 4000)
    got = jit(_np_exp)(x)
    assert max(_ulps(g, v) for g, v in zip(got, x)) <= 0.51


def test_subnormal_results_are_within_one_ulp():
    x = np.random.default_rng(8).uniform(-745.0, -708.5, 2000)
    got = jit(_np_exp)(x)
    assert (got > 0).all()
    assert max(_ulps(g, v) for g, v in zip(got, x)) <= 0.76


def test_small_arguments_and_the_integers():
    x = np.concatenate([np.random.default_rng(9).uniform(-1e-3, 1e-3, 1000), np.arange(-30.0, 31.0)])
    got = jit(_np_exp)(x)
    assert max(_ulps(g, v) for g, v in zip(got, x)) <= 0.51
    assert got[np.flatnonzero(x == 0.0)[0]] == 1.0


SPECIAL = [0.0, -0.0, 5e-324, -5e-324, 1.0, np.inf, -np.inf, np.nan, 709.782712893384, 709.7827128933841,
           -745.1332191019411, -745.1332191019412, -708.3964185322641, 710.0, -746.0, 1e308, -1e308]


def test_special_values_are_numpys():
    x = np.array(SPECIAL)
    with np.errstate(all="ignore"):
        expected = np.exp(x)
    np.testing.assert_array_equal(jit(_np_exp)(x), expected)


def test_float32_is_rounded_from_float64():
    x = np.random.default_rng(10).uniform(-103.0, 88.8, 20000).astype(np.float32)
    got = jit(_np_exp)(x)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, np.exp(x.astype(np.float64)).astype(np.float32))
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(jit(_np_exp)(np.array(SPECIAL, np.float32)),
                                      np.exp(np.array(SPECIAL, np.float64)).astype(np.float32))


def test_math_exp_stays_the_c_librarys():
    """math.exp must equal CPython's to the bit, also where np.exp's results differ."""
    x = np.random.default_rng(11).uniform(-20.0, 20.0, 2000)
    out = np.empty_like(x)
    jit(_math_exp)(x, out)
    assert out.tolist() == [math.exp(v) for v in x]
    if _numpy_simd("AVX512_SKX"):   # (elsewhere NumPy's float64 exp is the C library's)
        assert (np.exp(x) != out).any()   # the inputs do reach results where NumPy's AVX-512 exp differs


def _numpy_simd(feature):
    """NumPy found ``feature`` on this machine (its dispatch picks that SIMD code)."""
    from numpy._core._multiarray_umath import __cpu_features__
    return __cpu_features__.get(feature, False)


def test_scalar_np_exp_in_element_code():
    @jit
    def f(v):
        return np.exp(v) + np.exp(np.float32(v))

    assert abs(f(0.75) - (np.exp(0.75) + float(np.exp(np.float32(0.75))))) <= 4 * math.ulp(4.0)


@pytest.mark.skipif("avx2" not in llvm.get_host_cpu_features().flatten(), reason="needs vector gathers")
def test_the_loop_is_vector_code():
    f = jit(_exp_into)
    f(np.arange(20.0), np.empty(20))
    text = f.inspect_ir(stage="llvm")
    assert "fmul <" in text and "0x40671547652B82FE" in text   # N / ln 2, on a vector
    assert "call double @exp" not in text and "@exp(" not in text

