"""Tests of ``frontend.pylib``: CPython's ``math.gamma``/``lgamma``/``hypot``.

The ports must equal CPython bit for bit -- as plain Python first, then
compiled through ``math.gamma``/``math.lgamma``/``math.hypot`` (which the
compiler stages as calls of the ports), with CPython's exceptions raised at
the caller's line.
"""
import inspect
import math
import random
import struct
import traceback

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from compiler import compile
from frontend import pylib

INF, NAN = math.inf, math.nan
DBL_MAX, DBL_TRUE_MIN, DBL_MIN = 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308


# ===================================================================== helpers
def bits(x):
    return struct.unpack("<q", struct.pack("<d", x))[0]


def same(got, want):
    """Bit-equal floats (so zeros of the same sign), or both NaN."""
    return (math.isnan(got) and math.isnan(want)) or bits(got) == bits(want)


def outcome(fn, *args):
    try:
        return "value", fn(*args)
    except (ValueError, OverflowError) as err:
        return "raised", err


def assert_same(got_fn, want_fn, *args, where=None):
    """``got_fn(*args)`` returns a float bit-equal to ``want_fn``'s or raises the same
    exception; ``where`` is the line of this file compiled code raises from."""
    want_kind, want = outcome(want_fn, *args)
    got_kind, got = outcome(got_fn, *args)
    assert got_kind == want_kind, f"{args}: got {got!r}, CPython {want!r}"
    if want_kind == "value":
        assert type(got) is float and same(got, want), f"{args}: got {got!r}, CPython {want!r}"
    else:
        assert type(got) is type(want), f"{args}: got {got!r}, CPython {want!r}"
        assert str(got) == str(want), f"{args}: got {str(got)!r}, expected {str(want)!r}"
        if where is not None:
            frame = traceback.extract_tb(got.__traceback__)[-1]
            assert (frame.filename, frame.lineno) == (__file__, where), f"{args}: raised at {frame}"


def step(x, k):
    """The float ``k`` steps above (k > 0) or below (k < 0) ``x``."""
    for _ in range(abs(k)):
        x = math.nextafter(x, INF if k > 0 else -INF)
    return x


def neighbours(x, k=3):
    """x and the k floats on either side of it."""
    out, up, down = [x], x, x
    for _ in range(k):
        up, down = math.nextafter(up, INF), math.nextafter(down, -INF)
        out += [up, down]
    return out


SPECIAL = [0.0, -0.0, INF, -INF, NAN, DBL_TRUE_MIN, -DBL_TRUE_MIN, DBL_MIN, -DBL_MIN, DBL_MAX, -DBL_MAX,
           1e-20, -1e-20, 1e-300, 2.0 ** -1024, 0.5, -0.5, 1.0, 2.0, 3.0, 5.0, 23.0, 24.0, 140.0, -140.5,
           171.6, 171.7, 200.0, -200.0, 200.5, -200.5, -1e300, 2.0 ** 52 + 0.5, -(2.0 ** 52 + 0.5), 2.0 ** 53,
           pylib._LANCZOS_G_MINUS_HALF, -1.0, -2.0, -170.5, -190.25]
UNARY_POINTS = sorted({y for x in SPECIAL if math.isfinite(x) for y in neighbours(x)} |
                      {y for n in range(-402, 403) for y in neighbours(n / 4, 1)}, key=lambda v: (v, bits(v)))
UNARY_POINTS += [INF, -INF, NAN]


def random_floats(seed, n):
    """Floats of every kind: any bit pattern, small, half-integers and near them, any exponent."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        k = rng.random()
        if k < 0.25:
            out.append(struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0])
        elif k < 0.45:
            out.append(rng.uniform(-205.0, 205.0))
        elif k < 0.55:
            out.append(rng.randint(-420, 420) / 2)
        elif k < 0.7:
            out.append(rng.randint(-420, 420) / 2 + rng.choice((1, -1)) * rng.random() * 1e-9)
        elif k < 0.85:
            out.append(rng.uniform(-6.0, 6.0))
        else:
            out.append(math.ldexp(rng.random(), rng.randint(-1075, 1024)) * rng.choice((1, -1)))
    return out


any_float = st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True)
unary_floats = st.one_of(
    any_float,
    st.floats(-210.0, 210.0),
    st.integers(-420, 420).map(lambda n: n / 2),
    st.builds(step, st.integers(-210, 2).map(float), st.integers(-4, 4)),  # at and near the poles
    st.floats(-1e-18, 1e-18),
    st.floats(-2.0 ** 53, -200.0),
    st.floats(min_value=0.0, max_value=2.0 ** -1020),
)
ratios = st.sampled_from([1.0, -1.0, 0.5, 3.0, 1e-8, 1e8, 1e-300, 2.0 ** -1000])
scaled_pairs = st.tuples(any_float, ratios).map(lambda t: (t[0], t[0] * t[1]))
hypot_pairs = st.one_of(st.tuples(any_float, any_float), st.tuples(unary_floats, unary_floats), scaled_pairs)


# ===================================================================== plain CPython
@pytest.mark.parametrize("name", ["gamma", "lgamma"])
def test_special_points_equal_cpython(name):
    for x in UNARY_POINTS:
        assert_same(getattr(pylib, name), getattr(math, name), x)


@pytest.mark.parametrize("name", ["gamma", "lgamma"])
def test_random_points_equal_cpython(name):
    for x in random_floats(11, 20000):
        assert_same(getattr(pylib, name), getattr(math, name), x)


@settings(max_examples=3000, deadline=None)
@given(unary_floats)
def test_gamma_equals_cpython(x):
    assert_same(pylib.gamma, math.gamma, x)


@settings(max_examples=3000, deadline=None)
@given(unary_floats)
def test_lgamma_equals_cpython(x):
    assert_same(pylib.lgamma, math.lgamma, x)


def test_errors_are_cpythons():
    for x in (0.0, -0.0, -1.0, -2.0, -200.0, -1e300, -INF):
        with pytest.raises(ValueError, match="^math domain error$"):
            pylib.gamma(x)
    for x in (171.7, 200.0, 1e300, DBL_TRUE_MIN, -DBL_TRUE_MIN, 1e-309):
        with pytest.raises(OverflowError, match="^math range error$"):
            pylib.gamma(x)
    for x in (0.0, -0.0, -1.0, -3.0, -1e300):
        with pytest.raises(ValueError, match="^math domain error$"):
            pylib.lgamma(x)
    with pytest.raises(OverflowError, match="^math range error$"):
        pylib.lgamma(DBL_MAX)
    assert pylib.lgamma(-INF) == INF == pylib.lgamma(INF) == pylib.gamma(INF)


def test_hypot_special_pairs_equal_cpython():
    values = [v for x in SPECIAL for v in (x, -x)] + [math.ldexp(1.0, e) for e in range(-1074, 1024, 7)]
    for x in values:
        for y in values:
            assert_same(pylib.hypot, math.hypot, x, y)


def test_hypot_random_pairs_equal_cpython():
    xs, ys = random_floats(12, 20000), random_floats(13, 20000)
    for x, y in zip(xs, ys):
        assert_same(pylib.hypot, math.hypot, x, y)
        assert_same(pylib.hypot, math.hypot, x, x * 0.75)


@settings(max_examples=3000, deadline=None)
@given(hypot_pairs)
def test_hypot_equals_cpython(pair):
    assert_same(pylib.hypot, math.hypot, *pair)


def test_frexp_scale_is_ldexp_of_frexp():
    for e in range(-1074, 1024):
        p = math.ldexp(1.0, e)
        for m in (p, p * 1.5, math.nextafter(2.0 * p, 0.0)):
            if m >= 2.0 ** -1024:
                assert pylib._frexp_scale(m) == math.ldexp(1.0, -math.frexp(m)[1]), m


# ===================================================================== compiled
def call_gamma(x):
    return math.gamma(x)  # <- gamma


def call_lgamma(x):
    return math.lgamma(x)  # <- lgamma


def call_hypot(x, y):
    return math.hypot(x, y)


def call_abs(z):
    return abs(z)


def line_of(func, marker):
    lines, first = inspect.getsourcelines(func)
    return first + next(i for i, line in enumerate(lines) if marker in line)


COMPILED_POINTS = UNARY_POINTS[::4] + random_floats(21, 300)


@pytest.fixture(scope="module", params=[0, 3], ids=["O0", "O3"])
def opt(request):
    return request.param


@pytest.mark.parametrize("func,marker", [(call_gamma, "gamma"), (call_lgamma, "lgamma")])
def test_compiled_equals_cpython(func, marker, opt):
    compiled = compile(func, opt=opt)
    where = line_of(func, f"# <- {marker}")
    for x in COMPILED_POINTS + [0.0, -0.0, -1.0, -INF, 171.7, DBL_TRUE_MIN, DBL_MAX]:
        assert_same(compiled, func, x, where=where)


@pytest.mark.parametrize("func", [call_gamma, call_lgamma])
def test_compiled_takes_ints_and_float32(func):
    compiled = compile(func)
    for x in (5, 1, 30, -3, 0):
        assert_same(compiled, func, x, where=line_of(func, "# <-"))
    for x in (0.5, -2.5, 3.25, 40.0):
        assert_same(compiled, func, np.float32(x))


def test_compiled_hypot_equals_cpython(opt):
    compiled = compile(call_hypot, opt=opt)
    xs, ys = COMPILED_POINTS, random_floats(22, len(COMPILED_POINTS))
    for x, y in zip(xs, ys):
        assert_same(compiled, call_hypot, x, y)
    for x in SPECIAL:
        for y in (0.0, -0.0, 3.0, INF, NAN, DBL_TRUE_MIN, DBL_MAX, x):
            assert_same(compiled, call_hypot, x, y)
            assert_same(compiled, call_hypot, y, x)


def test_compiled_hypot_with_a_constant_and_an_int():
    def hyp(x, n):
        return math.hypot(x, 3.0) + math.hypot(n, x)

    compiled = compile(hyp)
    for x, n in ((4.0, 4), (1e-310, 0), (-2.5, -7), (NAN, 1), (INF, 2)):
        assert_same(compiled, hyp, x, n)


def test_compiled_abs_of_complex_is_cpythons():
    """C ``hypot``, with CPython's own NaN (positive) and its OverflowError."""
    compiled = compile(call_abs)
    rng = random.Random(23)
    parts = SPECIAL + [-NAN] + [-x for x in SPECIAL]
    parts += random_floats(24, 100)
    for re in parts:
        im = rng.choice(parts)
        for z in (complex(re, im), complex(im, re)):
            want_kind, want = outcome(call_abs, z)
            got_kind, got = outcome(compiled, z)
            assert got_kind == want_kind, z
            if want_kind == "value":
                assert same(got, want) and (not math.isnan(want) or bits(got) == bits(want)), (z, got, want)
            else:
                assert type(got) is OverflowError and str(got).startswith("absolute value too large ("), z
