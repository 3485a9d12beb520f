"""Helpers for the array tests: building inputs, running both ways, comparing.

Inputs are built afresh for every run (kernels may mutate them), from a
seed, so CPython and the compiled function see equal but distinct arrays.
"""
import traceback
import warnings

import numpy as np

from tests.e2e.support import assert_located

INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
FLOAT_DTYPES = ("float32", "float64")
COMPLEX_DTYPES = ("complex64", "complex128")
REAL_DTYPES = ("bool",) + INT_DTYPES + FLOAT_DTYPES
ALL_DTYPES = REAL_DTYPES + COMPLEX_DTYPES

#: how an input array is laid out in memory
LAYOUTS_1D = ("C", "step2", "rev")
LAYOUTS_2D = ("C", "F", "step2", "T", "cols3", "rev")
LAYOUTS_ND = ("C", "F", "step2", "rev")


# ------------------------------------------------------------------ values
def values(dtype, size, seed, kind="any"):
    """``size`` values of ``dtype``.

    kind: ``any`` (the whole range of the type, extremes included; floats
    with NaN, infinities and signed zeros), ``finite`` (no NaN or inf),
    ``small`` (small integers, or floats of modest size), ``positive``
    (small, above zero).
    """
    dt = np.dtype(dtype)
    rng = np.random.default_rng(seed)
    if dt.kind == "b":
        return rng.random(size) < 0.5
    if dt.kind in "iu":
        info = np.iinfo(dt)
        if kind == "small":
            lo = 0 if dt.kind == "u" else -9
            return rng.integers(lo, 10, size).astype(dt)
        if kind == "positive":
            return rng.integers(1, 10, size).astype(dt)
        out = rng.integers(info.min, info.max, size, dtype=dt, endpoint=True)
        extremes = np.array([info.min, info.max, 0, 1, info.max // 2 + 1, info.min + 1], dtype=dt)
        k = min(size, len(extremes))
        out[:k] = extremes[:k]
        rng.shuffle(out)
        return out
    if dt.kind == "f":
        if kind == "positive":
            return rng.uniform(0.1, 10.0, size).astype(dt)
        out = (rng.standard_normal(size) * 4.0).astype(dt)
        if kind == "any":
            specials = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 0.5, -2.5], dtype=dt)
            k = min(size // 3, len(specials))
            out[:k] = specials[:k]
            rng.shuffle(out)
        return out
    if dt.kind == "c":
        part = np.dtype(f"float{dt.itemsize * 4}")
        re = values(part, size, seed, kind)
        im = values(part, size, seed + 1000, kind)
        if kind == "any":
            im = np.where(np.isfinite(im), im, 1.0).astype(part)  # keep products free of inf*0 noise
            re = np.where(np.isfinite(re), re, -1.0).astype(part)
        return (re + 1j * im).astype(dt)
    raise ValueError(dtype)


def array(dtype, shape, layout="C", seed=0, kind="any"):
    """A ``shape`` array of ``dtype`` laid out as ``layout``:

    ``C``; ``F`` (``np.asfortranarray``); ``step2`` (``base[::2]``, every
    second element along axis 0); ``rev`` (``base[::-1]``, a negative
    stride); ``T`` (the transpose of a C array of the reversed shape);
    ``cols3`` (``base[..., ::3]``).
    """
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    size = int(np.prod(shape))
    if layout in ("C", "F", "rev"):
        a = values(dtype, size, seed, kind).reshape(shape)
        if layout == "F":
            a = np.asfortranarray(a)
        elif layout == "rev":
            a = a[::-1]
    elif layout == "step2":
        big = (shape[0] * 2,) + shape[1:]
        a = values(dtype, int(np.prod(big)), seed, kind).reshape(big)[::2]
    elif layout == "T":
        a = values(dtype, size, seed, kind).reshape(shape[::-1]).T
    elif layout == "cols3":
        big = shape[:-1] + (shape[-1] * 3,)
        a = values(dtype, int(np.prod(big)), seed, kind).reshape(big)[..., ::3]
    else:
        raise ValueError(layout)
    assert a.shape == shape and a.dtype == np.dtype(dtype)
    return a


# ------------------------------------------------------------------ running
def outcome(fn, args, reference=False):
    """('value', result) or ('raised', exception) of ``fn(*args)``.  The
    CPython reference runs with NumPy's overflow warnings silenced."""
    try:
        if reference:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return "value", fn(*args)
        return "value", fn(*args)
    except Exception as err:  # noqa: BLE001 -- any exception is part of the outcome
        return "raised", err


# ------------------------------------------------------------------ comparing
def _kind(x):
    if isinstance(x, (bool, np.bool_)):
        return "bool"
    if isinstance(x, (int, np.integer)):
        return "int"
    if isinstance(x, (float, np.floating)):
        return "float"
    if isinstance(x, (complex, np.complexfloating)):
        return "complex"
    return type(x).__name__


def _ulp_diff(got, want):
    """ULPs between two float arrays of one dtype (NaN/inf handled by the caller)."""
    bits = {4: np.int32, 8: np.int64}[want.dtype.itemsize]
    g = got.view(bits).astype(np.int64)
    w = want.view(bits).astype(np.int64)
    # map the sign-magnitude patterns to a monotonic integer line
    top = np.int64(np.iinfo(bits).min)
    g = np.where(g < 0, top - g, g)
    w = np.where(w < 0, top - w, w)
    return np.abs(g - w)


def _assert_float_arrays(got, want, where, ulps):
    nan_g, nan_w = np.isnan(got), np.isnan(want)
    assert np.array_equal(nan_g, nan_w), f"{where}: NaN at different places:\n got {got!r}\nwant {want!r}"
    g, w = got[~nan_w], want[~nan_w]
    if ulps == 0:
        same = (g == w) & (np.signbit(g) == np.signbit(w))
        assert same.all(), (f"{where}: differs at {np.flatnonzero(~same)[:10]}: got {g[~same][:10]!r}, "
                            f"CPython gives {w[~same][:10]!r}")
        return
    inf = np.isinf(w) | np.isinf(g)
    assert np.array_equal(g[inf], w[inf]), f"{where}: infinities differ: got {g[inf]!r}, want {w[inf]!r}"
    diff = _ulp_diff(np.ascontiguousarray(g[~inf]), np.ascontiguousarray(w[~inf]))
    assert diff.size == 0 or diff.max() <= ulps, \
        f"{where}: {diff.max()} ULPs apart (at most {ulps} allowed):\n got {g!r}\nwant {w!r}"


def assert_same(got, want, where="result", ulps=0):
    """``got`` (compiled) equals ``want`` (CPython): arrays of the same dtype
    and shape with equal elements (NaN equals NaN, zeros keep their sign;
    floats within ``ulps`` units in the last place when ``ulps`` > 0);
    scalars of the same kind (bool/int/float/complex) and value; strings equal; tuples
    element by element."""
    if isinstance(want, np.ndarray):
        assert isinstance(got, np.ndarray), f"{where}: got {type(got).__name__} {got!r}, CPython gives an array"
        assert got.dtype == want.dtype, f"{where}: dtype {got.dtype}, CPython gives {want.dtype}"
        assert got.shape == want.shape, f"{where}: shape {got.shape}, CPython gives {want.shape}"
        if want.dtype.kind == "f":
            _assert_float_arrays(got.ravel(), want.ravel(), where, ulps)
        elif want.dtype.kind == "c":
            _assert_float_arrays(got.real.ravel(), want.real.ravel(), where + ".real", ulps)
            _assert_float_arrays(got.imag.ravel(), want.imag.ravel(), where + ".imag", ulps)
        else:
            assert np.array_equal(got, want), f"{where}:\n got {got!r}\nwant {want!r}"
        return
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want), f"{where}: got {got!r}, CPython gives {want!r}"
        for i, (g, w) in enumerate(zip(got, want)):
            assert_same(g, w, f"{where}[{i}]", ulps)
        return
    if want is None:
        assert got is None, f"{where}: got {got!r}, CPython gives None"
        return
    if isinstance(want, str):
        assert type(got) is str and got == want, f"{where}: got {got!r}, CPython gives {want!r}"
        return
    assert _kind(got) == _kind(want), \
        f"{where}: got {got!r} ({type(got).__name__}), CPython gives {want!r} ({type(want).__name__})"
    kind = _kind(want)
    if kind in ("float", "complex"):
        dt = np.asarray(want).dtype
        _assert_float_arrays(np.atleast_1d(np.asarray(got, dt).real), np.atleast_1d(np.asarray(want).real),
                             where, ulps)
        _assert_float_arrays(np.atleast_1d(np.asarray(got, dt).imag), np.atleast_1d(np.asarray(want).imag),
                             where, ulps)
        assert complex(got) == complex(np.asarray(got, dt)) or np.isnan(complex(got)), \
            f"{where}: got {got!r}, which is not a {dt} value like CPython's {want!r}"
    else:
        assert int(got) == int(want), f"{where}: got {got!r}, CPython gives {want!r}"


def raising_line(err, module):
    """The line of ``module`` where ``err`` was raised (its innermost frame there)."""
    lines = [frame.lineno for frame in traceback.extract_tb(err.__traceback__)
             if frame.filename == module.__file__]
    return lines[-1]


#: run-time exceptions whose compiled message is CPython's, raised from the line CPython
#: raised at (the last frame of the traceback)
LOCATED = (IndexError, ValueError, ZeroDivisionError, OverflowError)


def assert_same_exception(got, want, module):
    assert isinstance(got, type(want)), \
        f"got {type(got).__name__}: {got}, CPython raises {type(want).__name__}: {want}"
    if isinstance(want, LOCATED):
        assert_located(got, want, module, raising_line(want, module))


def arrays_in(args):
    return [(i, a) for i, a in enumerate(args) if isinstance(a, np.ndarray)]


def assert_matches_cpython(kernel, compiled, make_args, module, ulps=0):
    """Run ``kernel`` under CPython and ``compiled`` on fresh copies of the
    inputs; the outcomes (value or exception) and the inputs afterwards
    (kernels may write into them) must be the same."""
    want_args, got_args = make_args(), make_args()
    want_kind, want = outcome(kernel, want_args, reference=True)
    got_kind, got = outcome(compiled, got_args)
    if want_kind == "value":
        if got_kind == "raised":
            raise AssertionError(f"CPython returns {want!r}, compiled raises {type(got).__name__}: {got}") from got
        assert_same(got, want, ulps=ulps)
    else:
        assert got_kind == "raised", f"CPython raises {type(want).__name__}: {want}, compiled returns {got!r}"
        assert_same_exception(got, want, module)
    for (i, g), (_, w) in zip(arrays_in(got_args), arrays_in(want_args)):
        assert_same(g, w, f"argument {i} afterwards", ulps=ulps)


# ------------------------------------------------------------------ NumPy's library
def _library_outcome(fn, args):
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")   # NumPy's "Mean of empty slice" and the like
            return "value", fn(*[x.copy(order="K") if isinstance(x, np.ndarray) else x for x in args])
    except Exception as err:  # noqa: BLE001 -- the exception is the outcome
        return "raised", err


def check_against_numpy(kernel, *args, exact=True, opt=3):
    """Compiled ``kernel(*args)`` gives NumPy's results (dtype, shape, and values: bit for bit
    with zeros' signs with ``exact``, else to rounding) or raises NumPy's exception with its
    message (plus the source line).  The kernel is compiled once per level for all the checks
    of a test process (a compile costs more than the calls; each new argument signature still
    compiles once)."""
    check_compiled(kernel, _compiled(kernel, opt), args, exact)


_COMPILED_KERNELS: dict = {}


def _compiled(kernel, opt):
    from compiler import compile

    key = (kernel, opt)
    if key not in _COMPILED_KERNELS:
        _COMPILED_KERNELS[key] = compile(kernel, opt=opt)
    return _COMPILED_KERNELS[key]


def check_compiled(kernel, compiled, args, exact=True):
    """``compiled(*args)`` gives what ``kernel(*args)`` gives under NumPy (as
    :func:`check_against_numpy` says), for a kernel compiled once and checked on several inputs."""
    want_kind, want = _library_outcome(kernel, args)
    got_kind, got = _library_outcome(compiled, args)
    assert got_kind == want_kind, f"{args!r}: NumPy: {want!r}, compiled: {got!r}"
    if want_kind == "raised":
        assert isinstance(got, type(want)) and str(got).startswith(str(want)), f"{got!r} vs NumPy's {want!r}"
        return
    for w, g in zip(want if isinstance(want, tuple) else (want,), got if isinstance(got, tuple) else (got,)):
        w, g = np.asarray(w), np.asarray(g)
        assert (g.dtype, g.shape) == (w.dtype, w.shape), args
        if exact or w.dtype.kind in "biu":
            np.testing.assert_array_equal(g, w)
            if w.dtype.kind == "f":
                np.testing.assert_array_equal(np.signbit(g), np.signbit(w))
        else:
            np.testing.assert_allclose(g, w, rtol=1e-5 if w.dtype in (np.float32, np.complex64) else 1e-12)
