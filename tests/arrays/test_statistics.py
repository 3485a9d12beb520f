"""Order statistics and interpolation (``frontend.statistics``) against NumPy on the same inputs:
``np.median``, ``np.quantile``, ``np.percentile`` and ``np.interp``, bit for bit (zeros' signs
included) wherever NumPy's result is deterministic, with NumPy's dtypes, shapes and errors.

Inputs avoid runs holding both ``-0.0`` and ``0.0`` at a picked position: which of the two
NumPy's partition leaves there is its own (see the module's docstring).
"""
import numpy as np
import pytest

from compiler import compile
from ir import TypingError, UnsupportedError
from tests.arrays import support
from tests.long import long_except

_COMPILED = {}


def check(kernel, *args):
    """``support.check_against_numpy``, with one compiled function per kernel (a compile costs
    more than the calls: each new argument signature still compiles once)."""
    compiled = _COMPILED.setdefault(kernel, compile(kernel))
    want_kind, want = support._library_outcome(kernel, args)
    got_kind, got = support._library_outcome(compiled, args)
    assert got_kind == want_kind, f"NumPy: {want!r}, compiled: {got!r}"
    if want_kind == "raised":
        assert isinstance(got, type(want)) and str(want) in str(got), f"{got!r} vs NumPy's {want!r}"   # a compile-time error: with the location
        return
    for w, g in zip(want if isinstance(want, tuple) else (want,), got if isinstance(got, tuple) else (got,)):
        assert type(np.asarray(g)) is np.ndarray and np.ndim(g) == np.ndim(w), f"{g!r} vs NumPy's {w!r}"
        w, g = np.asarray(w), np.asarray(g)
        assert (g.dtype, g.shape) == (w.dtype, w.shape), f"{g!r} vs NumPy's {w!r}"
        np.testing.assert_array_equal(g, w)
        if w.dtype.kind in "fc":
            np.testing.assert_array_equal(np.signbit(g.real), np.signbit(w.real))
            np.testing.assert_array_equal(np.signbit(g.imag), np.signbit(w.imag))


def _data(dtype, shape, seed, nan=False):
    rng = np.random.default_rng(seed)
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return rng.random(shape) < 0.5
    if dt.kind in "iu":
        return rng.integers(0 if dt.kind == "u" else -50, 50, shape).astype(dt)
    a = (rng.standard_normal(shape) * 10).astype(dt)
    if nan and a.size > 2:
        a.flat[a.size // 2] = np.nan
    return a


# ------------------------------------------------------------------ median
def medians(a):
    return np.median(a), np.median(a, axis=0), np.median(a, axis=-1, keepdims=True), np.median(a, keepdims=True)


def median_1d(a):
    return np.median(a), np.median(a, axis=0), np.median(a, keepdims=True)


@pytest.mark.parametrize("dtype", long_except(["bool", "uint16", "float32", "float64"],
                                              keep=["bool", "float32", "float64"]))   # integers: the next test too
def test_median_dtypes_axes_and_keepdims(dtype):
    """float64 for integers and bools, the float type for floats; axis and keepdims as NumPy."""
    for shape, seed in (((5, 4), 1), ((4, 6), 2), ((1, 3), 3), ((3, 1), 4)):
        check(medians, _data(dtype, shape, seed))
    for n in (1, 2, 7, 10):
        check(median_1d, _data(dtype, n, n))


def test_median_nan_empty_and_extremes():
    """A lane holding NaN gives NaN; an empty lane NumPy's nan (the mean of nothing); the middle
    pair of large integers added in float64; -0.0 alone gives 0.0 (NumPy's sum starts from 0)."""
    check(medians, _data("float64", (5, 4), 7, nan=True))
    check(medians, _data("float32", (4, 5), 8, nan=True))
    check(median_1d, np.array([1.0, np.nan, np.inf, -np.inf]))
    check(median_1d, np.array([np.inf, -np.inf]))
    check(median_1d, np.array([-0.0]))
    check(median_1d, np.array([-0.0, -0.0]))
    check(median_1d, np.array([2**63 - 1, 2**63 - 2], dtype=np.int64))
    check(median_1d, np.zeros(0))
    check(median_1d, np.zeros(0, dtype=np.int32))
    check(medians, np.zeros((0, 3)))
    check(medians, np.zeros((3, 0), dtype=np.float32))
    check(median_3d, _data("float64", (3, 4, 5), 9))
    check(median_3d, _data("int16", (2, 1, 3), 10))


def median_3d(a):
    return np.median(a, axis=1), np.median(a, axis=2, keepdims=True), np.median(a[:, ::2, ::-1], axis=0)


def median_bad_axis(a):
    return np.median(a, axis=2)


def median_complex(a):
    return np.median(a)


def test_median_errors():
    check(median_bad_axis, np.ones((2, 3)))   # NumPy's AxisError
    with pytest.raises(UnsupportedError, match="complex"):
        compile(median_complex)(np.ones(3, dtype=np.complex128))


# ------------------------------------------------------------------ quantile and percentile
def quantiles(a, q):
    return np.quantile(a, [0.0, 0.25, 0.5, 0.75, 1.0]), np.quantile(a, (0.1, q), axis=0)


def percentiles(a, q):
    return np.percentile(a, q), np.percentile(a, (10, 90.5), axis=-1, keepdims=True), np.quantile(a, 0.3, axis=0)


def quantiles_of_int_q(a):
    return np.quantile(a, [0, 1]), np.quantile(a, 0, axis=0, keepdims=True)


@pytest.mark.parametrize("dtype", long_except(["uint8", "int64", "float32", "float64"],
                                              keep=["uint8", "float32", "float64"]))   # an integer dtype, each float
def test_quantile_and_percentile_as_numpy(dtype):
    """NumPy's lerp bit for bit; an integer q takes the element itself (the array's dtype)."""
    for shape, seed in (((6, 5), 1), ((5, 4), 2), ((1, 4), 3), ((4, 1), 4), ((9, 3), 5)):
        a = _data(dtype, shape, seed)
        check(quantiles, a, 0.77)
        check(percentiles, a, 33.3)
        check(quantiles_of_int_q, a)


def q_typed(a, q32, q64):
    return np.quantile(a, q32), np.percentile(a, q32), np.quantile(a, [q64[0], 0.5])


def q_numpy_scalar(a):
    return np.quantile(a, np.float32(0.3))


def test_quantile_types_of_q():
    """A float32 q (a NumPy scalar or array: strong) computes in float32 and promotes; a Python
    float (weak) keeps float32 data float32."""
    q32 = np.array([0.1, 0.3, 0.5, 0.9], dtype=np.float32)
    q64 = np.array([0.33, 1.0])
    for dtype in ("float32", "float64", "int16"):
        check(q_typed, _data(dtype, 11, 6), q32, q64)
        check(q_numpy_scalar, _data(dtype, 11, 7))


def quantile_of_run_time(a, q):
    return np.quantile(a, q), np.percentile(a, q * 100), np.quantile(a, [q, 1 - q])


def test_quantile_nan_extremes_and_zeros():
    """NaN lanes give NaN; inf at the last position gives NumPy's nan (its t = index + 1);
    zeros keep NumPy's signs; integer differences wrap as NumPy's b - a does."""
    check(quantiles, _data("float64", (6, 5), 7, nan=True), 0.4)
    check(quantiles, np.array([[1.0, np.nan], [2.0, 3.0], [4.0, 5.0]]), 0.4)
    check(quantile_of_run_time, np.array([1.0, np.inf]), 1.0)
    check(quantile_of_run_time, np.array([1.0, np.inf]), 0.75)
    check(quantile_of_run_time, np.array([-0.0, -0.0, -0.0]), 0.7)
    check(quantile_of_run_time, np.array([-0.0, -0.0]), 1.0)
    check(quantile_of_run_time, np.array([-np.inf, np.inf, 2.0]), 0.25)
    check(quantile_of_run_time, np.array([-2**63, 2**63 - 1]), 0.5)
    check(quantile_of_run_time, np.array([5.0]), 0.5)
    check(quantile_of_run_time, np.array([True, False, True]), 1.0 - 1.0)


def quantile_methods(a, q):
    return (np.quantile(a, [q, 0.5], method="lower"), np.quantile(a, [q, 0.5], method="higher"),
            np.quantile(a, [q, 0.5, 0.25, 0.75], method="nearest"), np.quantile(a, [q, 0.5, 1.0], method="midpoint"))


def quantile_methods_axis(a, q):
    return np.percentile(a, q * 100, method="nearest", axis=0), np.quantile(a, q, method="midpoint", axis=-1)


def test_quantile_methods():
    for dtype, seed in (("float64", 1), ("int32", 3)):
        for q in (0.0, 0.3, 0.5, 0.875, 1.0):
            check(quantile_methods, _data(dtype, (5, 4), seed), q)
            check(quantile_methods_axis, _data(dtype, (5, 4), seed), q)
    check(quantile_methods, _data("float64", (8, 2), 4, nan=True), 0.5)


def quantile_bools(a):
    return np.quantile(a, 1), np.quantile(a, [0, 1]), np.quantile(a, 0.5, method="lower")


def quantile_bool_blend(a):
    return np.quantile(a, 0.5)


def quantile_bad_method(a):
    return np.quantile(a, 0.5, method="bogus")


def quantile_unsupported_method(a):
    return np.quantile(a, 0.5, method="hazen")


def quantile_complex(a):
    return np.quantile(a, 0.5)


def quantile_empty(a, q):
    return np.quantile(a, q)


def quantile_empty_axis(a):
    return np.quantile(a, [0.5, 0.25], axis=0), np.quantile(a, [0, 1], axis=0)


def quantile_q_empty(a):
    return np.quantile(a, np.zeros(0))


def test_quantile_errors():
    """q out of range (or NaN) is NumPy's ValueError, an empty lane its IndexError, a method it
    does not know its ValueError; bools blended are its TypeError (when compiling)."""
    a = np.arange(5.0)
    for q in (-0.1, 1.5, np.nan):
        check(quantile_of_run_time, a, q)
    check(quantiles, a, 1.01)
    check(quantile_bools, np.array([True, False, True]))
    check(quantile_bad_method, a)
    with pytest.raises(UnsupportedError, match="hazen"):
        compile(quantile_unsupported_method)(a)
    with pytest.raises(TypingError, match="real numbers"):
        compile(quantile_complex)(np.ones(3, dtype=np.complex64))
    with pytest.raises(TypingError, match="boolean subtract"):
        compile(quantile_bool_blend)(np.ones(3, dtype=np.bool_))
    for x in (np.zeros(0), np.zeros(0, dtype=np.int64)):
        for q in (0.0, 0.5, 1):
            check(quantile_empty, x, q)
    for x in (np.zeros((0, 3)), np.zeros((3, 0)), np.zeros((0, 0), dtype=np.int64), np.zeros((0, 2), dtype=np.int64)):
        check(quantile_empty_axis, x)
    check(quantile_q_empty, a)


# ------------------------------------------------------------------ interp
def interps(x, xp, fp):
    return np.interp(x, xp, fp), np.interp(x, xp, fp, left=-1.0, right=2), np.interp(0.25, xp, fp)


def interp_scalar(x, xp, fp):
    return np.interp(x, xp, fp)


def test_interp_as_numpy():
    """NumPy's loop bit for bit: the search from the previous interval, exact sample points,
    NaN x, left/right, one sample point, repeated and NaN-sloped samples."""
    rng = np.random.default_rng(11)
    xp = np.sort(rng.uniform(-5, 5, 20))
    fp = rng.standard_normal(20)
    x = np.concatenate([rng.uniform(-6, 6, 40), xp[::3], [np.nan, np.inf, -np.inf]])
    check(interps, x, xp, fp)
    check(interps, np.sort(x), xp, fp)                       # ordered keys: the guessed interval
    check(interps, x[:48].reshape(3, -1)[:, ::2], xp, fp)         # any shape of x
    check(interps, x, xp[:3], fp[:3])                        # the linear search of short samples
    check(interps, x, xp[:1], fp[:1])
    check(interps, np.arange(-2, 8), np.array([0.0, 1.0, 1.0, 2.0, 3.0, 5.0]), np.array([0.0, 1.0, 5.0, -1.0, 2.0, 9.0]))
    check(interps, np.linspace(-1, 4, 11), np.arange(4.0), np.array([np.inf, 1.0, np.inf, np.inf]))
    check(interps, np.linspace(-1, 4, 11), np.arange(4), np.array([0, 3, 1, 2], dtype=np.int32))
    check(interps, np.linspace(0, 3, 7, dtype=np.float32), np.arange(4.0), np.array([1 + 2j, 3j, -1, 0.5 - 1j]))
    check(interp_scalar, 2.5, np.arange(4.0), np.array([0.0, 1.0, 4.0, 9.0]))
    check(interp_scalar, 7, np.arange(4.0), np.array([0.0, 1.0, 4.0, 9.0]))
    check(interp_scalar, np.zeros(0), np.zeros(0), np.zeros(0))
    check(interp_scalar, 1.0, np.zeros(0), np.zeros(0))         # NumPy's ValueError
    check(interp_scalar, 1.0, np.arange(3.0), np.arange(4.0))   # NumPy's ValueError
    check(interp_scalar, 1.0, np.arange(6.0).reshape(2, 3), np.arange(6.0))


def interp_lists(x):
    return np.interp(x, [0.0, 1.0, 2.0], (10, 20, 40)), np.interp([x, 0.5], (0, 1, 2), [1.0, 2.0, 3.0])


def interp_period(x):
    return np.interp(x, [0.0, 1.0], [0.0, 1.0], period=2)


def test_interp_sequences_and_refusals():
    check(interp_lists, 1.5)
    with pytest.raises(UnsupportedError, match="period"):
        compile(interp_period)(0.5)
