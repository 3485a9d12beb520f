"""Differential tests of array kernels: CPython against compiled at -O0 and -O3.

Every kernel of ``kernels.py`` runs on inputs built afresh for each run,
under CPython (NumPy arrays, elements are NumPy scalars) and compiled; the
results must be equal -- arrays of the same dtype and shape with the same
elements (NaN equal to NaN, zeros with their sign), scalars of the same
kind and value -- or the exceptions the same (with CPython's message and the
kernel's line for ``IndexError``, ``ValueError``, ``ZeroDivisionError``),
and so must the input arrays afterwards, which kernels may write into.

Inputs cover the dtypes a kernel makes sense for (bool, int8..int64,
uint8..uint64, float32, float64, complex64, complex128), 1 to 4 dimensions,
C- and Fortran-ordered arrays and strided views (``a[::2]``, ``a[::-1]``,
``a.T``, ``a[:, ::3]``), with sizes 0, 1 and a few dozen.  Each dtype runs
C-contiguous and as a view with a stride; one dtype per kernel runs in
every layout.  ``make test`` runs each kernel's first case at -O0 and all its
cases at -O3; ``make test-long`` the other cases at -O0.

NumPy computes some transcendental functions with its own vectorised code
(on this kind of CPU: AVX-512), which differs from the C library by a few
units in the last place; kernels calling them are compared to 4 ULPs.  All
other kernels must match exactly.

The cases where NumPy 2's promotion of Python numbers (NEP 50: a Python
``int``/``float`` takes the dtype of the NumPy operand it meets) decides
the result of a plain-Python accumulator are grouped at the end.
"""
import functools

import numpy as np
import pytest

from compiler import compile
from tests.long import LONG

from tests.e2e.support import OPT_LEVELS, CompiledCache

from . import kernels as K
from .support import (
    ALL_DTYPES, COMPLEX_DTYPES, FLOAT_DTYPES, INT_DTYPES, LAYOUTS_1D, LAYOUTS_2D, LAYOUTS_ND, REAL_DTYPES,
    array, assert_matches_cpython, assert_same,
)

compiled = CompiledCache()
TRANSCENDENTAL_ULPS = 4
SIZES_1D = (0, 1, 37)
SHAPES_2D = ((0, 3), (1, 1), (5, 7))
CASES = []  # (kernel, label, make_args, ulps)


def add(kernel, label, make, ulps=0):
    CASES.append((kernel, label, make, ulps))


def _args(*parts):
    """Evaluate the parts of an argument tuple: callables are input builders."""
    return tuple(p() if callable(p) else p for p in parts)


def arr(dtype, shape, layout="C", seed=0, kind="any"):
    return functools.partial(array, dtype, shape, layout, seed, kind)


def combos(dtypes, layouts, primary=None, each_strided=False):
    """Every dtype C-contiguous, ``primary`` (the last dtype by default) in
    every layout; with ``each_strided`` every dtype in the first strided
    layout too (byte strides depend on the item size)."""
    primary = primary or dtypes[-1]
    strided = [lay for lay in layouts if lay != "C"]
    out = [(dt, "C") for dt in dtypes]
    if each_strided and strided:
        out += [(dt, strided[0]) for dt in dtypes if dt != primary]
    return out + [(primary, lay) for lay in strided]


def family(kernel, dtypes, shapes, layouts, *, kind="any", others=(), extra=(), ulps=0, primary=None,
           each_strided=False):
    """Cases of ``kernel(a, *others_arrays, *extra)``: ``a`` (and each entry of
    ``others``, a (kind, seed) pair built with a's dtype, shape and layout)."""
    for dt, lay in combos(dtypes, layouts, primary, each_strided):
        for shape in shapes:
            parts = [arr(dt, shape, lay, 1, kind)] + [arr(dt, shape, lay, seed, k) for k, seed in others]
            add(kernel, f"{dt}-{lay}-{shape}", functools.partial(_args, *parts, *extra), ulps)


# ------------------------------------------------------------------ reductions
# Accumulators that start from a Python literal: the dtypes where NumPy and a
# 64-bit accumulator agree run here; the others are in the NumPy 2 promotion tests at the end.
family(K.array_sum, ("bool", "int64"), SIZES_1D, LAYOUTS_1D)
# (an empty float array leaves ``s`` the int 0, where the compiled int/float merge gives 0.0: see the end)
family(K.array_sum, ("float64", "complex128"), (1, 37), LAYOUTS_1D)
family(K.array_sum, ("int32", "uint16"), SIZES_1D, ("C", "rev"), kind="small")
family(K.array_sum, ("int8",), (0, 1, 12), ("C", "rev"), kind="small")  # partial sums stay inside int8
family(K.array_sum_float, ("bool", "int8", "int32", "uint64", "float64"), SIZES_1D, LAYOUTS_1D,
       primary="float64")
family(K.array_sum_float, ("complex128",), (1, 37), LAYOUTS_1D)  # (empty: see the end)
family(K.mean, ("int16", "float64"), SIZES_1D, LAYOUTS_1D)
family(K.dot, ("bool", "int32", "int64", "uint8", "float64"), SIZES_1D, LAYOUTS_1D,
       others=[("any", 2)], primary="float64")
family(K.dot, ("complex128",), (1, 37), LAYOUTS_1D, others=[("any", 2)])  # (empty: see the end)
add(K.dot, "float64-shorter-second", functools.partial(_args, arr("float64", 5), arr("float64", 3)))
family(K.sum_of_squares, ("int8", "uint32", "float64"), SIZES_1D, LAYOUTS_1D)
family(K.count_nonzero, ALL_DTYPES, SIZES_1D, LAYOUTS_1D)
family(K.count_nonzero_2d, ("bool", "int8", "float32", "complex64"), SHAPES_2D, LAYOUTS_2D)
family(K.argmin_argmax, REAL_DTYPES, SIZES_1D, LAYOUTS_1D, primary="float64")
family(K.sum3d, ("int8", "uint64", "float64"), ((2, 3, 4), (0, 2, 2), (1, 1, 1)), LAYOUTS_ND)
family(K.sum4d, ("int32", "float64"), ((2, 3, 2, 3), (1, 0, 2, 2), (3, 1, 2, 1)), LAYOUTS_ND)
family(K.max4d, ("int16", "uint8", "float64"), ((2, 3, 2, 3), (1, 1, 1, 1), (0, 2, 2, 2)), LAYOUTS_ND,
       kind="finite")
family(K.row_sums, REAL_DTYPES, SHAPES_2D, LAYOUTS_2D, primary="float64")
family(K.diagonal_sums, ("int8", "float64"), ((4, 4), (3, 6), (6, 3), (0, 2)), LAYOUTS_2D)
family(K.corners, ("int64", "float32", "complex128"), ((1, 1), (4, 6), (0, 3)), LAYOUTS_2D)

# ------------------------------------------------------------------ scans and updates
for dt, lay in combos(("float32", "float64"), LAYOUTS_1D):
    alpha = np.float32(1.5) if dt == "float32" else -0.75
    for n in SIZES_1D:
        add(K.saxpy, f"{dt}-{lay}-{n}", functools.partial(_args, alpha, arr(dt, n, lay, 1), arr(dt, n, lay, 2)))
add(K.saxpy, "complex128", functools.partial(_args, 0.5 - 1j, arr("complex128", 9), arr("complex128", 9, seed=4)))
family(K.prefix_sum_inplace, ALL_DTYPES, SIZES_1D, LAYOUTS_1D, primary="int32")
family(K.prefix_sum, ALL_DTYPES, SIZES_1D, LAYOUTS_1D, primary="float64")
family(K.cumulative_max, REAL_DTYPES, SIZES_1D, LAYOUTS_1D, primary="float64")
family(K.clip, ("int8", "int64", "uint16"), SIZES_1D, LAYOUTS_1D, extra=(0, 100))
family(K.clip, ("float32", "float64"), SIZES_1D, LAYOUTS_1D, extra=(-1.5, 2.0))
for lay in LAYOUTS_1D:
    for n in SIZES_1D:
        add(K.histogram_into, f"float64-{lay}-{n}", functools.partial(
            _args, arr("float64", n, lay, 3, "finite"), -4.0, 4.0, lambda: np.zeros(6, np.int64)))
        add(K.histogram, f"float64-{lay}-{n}", functools.partial(_args, arr("float64", n, lay, 3, "finite"),
                                                                  -3.0, 5.0, 10))
add(K.histogram_into, "int32-data", functools.partial(_args, arr("int32", 40, kind="small"), -5.0, 5.0,
                                                      lambda: np.zeros(4, np.int64)))
add(K.histogram_into, "counts-strided", functools.partial(
    _args, arr("float64", 30, kind="finite"), -4.0, 4.0, lambda: np.zeros(10, np.int64)[::2]))
add(K.histogram, "no-bins", functools.partial(_args, arr("float64", 5, kind="finite"), -2.0, 2.0, 0))
add(K.histogram, "negative-bins", functools.partial(_args, arr("float64", 5, kind="finite"), -2.0, 2.0, -3))
family(K.stencil3, ("int16", "uint8", "float32", "float64", "complex128"), SIZES_1D, LAYOUTS_1D,
       primary="float64")
for w in (1, 3, 37, 38):
    add(K.moving_average, f"w={w}", functools.partial(_args, arr("float64", 37, "step2", kind="finite"), w))
add(K.moving_average, "int64", functools.partial(_args, arr("int64", 20, kind="small"), 4))
for n, m in ((20, 3), (5, 5), (3, 7), (0, 0)):
    add(K.convolve_valid, f"{n}-{m}", functools.partial(_args, arr("float64", n, "rev", 1, "finite"),
                                                         arr("float64", m, "C", 2, "finite")))
add(K.convolve_valid, "int32", functools.partial(_args, arr("int32", 30), arr("int32", 4, seed=2)))
for k in (0, 3, 10, 11, -1, -5):
    add(K.rotate, f"k={k}", functools.partial(_args, arr("int64", 10), k))
    add(K.rotate, f"rev-k={k}", functools.partial(_args, arr("float32", 10, "rev"), k))
family(K.ends, ALL_DTYPES, SIZES_1D, LAYOUTS_1D, primary="uint64")
family(K.reverse_inplace, ALL_DTYPES, SIZES_1D + (36,), LAYOUTS_1D, primary="complex64", each_strided=True)
family(K.bubble_sort, REAL_DTYPES, SIZES_1D, LAYOUTS_1D, primary="int32")
def _sorted(layout):
    s = np.sort(array("float64", 31, "C", 5, "finite"))
    if layout == "rev":
        return s[::-1].copy()[::-1]  # ascending, with a negative stride
    if layout == "step2":
        return np.repeat(s, 2)[::2]
    return s


for lay in LAYOUTS_1D:
    for x in (-100.0, -1.0, 0.0, 0.25, 3.0, 1e9):
        add(K.binary_search, f"{lay}-x={x}", functools.partial(_args, functools.partial(_sorted, lay), x))
add(K.binary_search, "empty", functools.partial(_args, arr("int64", 0), 5))
for value in (0, 1, 3, 100):
    add(K.first_index, f"int8-{value}", functools.partial(_args, arr("int8", 37, kind="small"), value))
    add(K.first_index, f"float64-{value}", functools.partial(_args, arr("float64", 0), value))
family(K.any_nan, ("float32", "float64"), SIZES_1D, LAYOUTS_1D)
family(K.any_nan, ("float64",), SIZES_1D, ("C",), kind="finite")
family(K.any_nan, ("int32",), SIZES_1D, ("C",))
for coeffs_dt in ("float64", "int64"):
    for x in (0.0, 1.5, -2.0, 3):
        add(K.polyval, f"{coeffs_dt}-{x}", functools.partial(_args, arr(coeffs_dt, 6, "rev", 2, "small"), x))
family(K.count_in_range, ("int8", "uint32", "float64"), SIZES_1D, LAYOUTS_1D, extra=(-3, 5))
family(K.count_in_range, ("float32",), SIZES_1D, LAYOUTS_1D, extra=(-0.5, 0.5))

# ------------------------------------------------------------------ iteration forms
family(K.argmax_enumerate, REAL_DTYPES, SIZES_1D, LAYOUTS_1D, primary="float64")
family(K.weighted_positions, ("float64",), SIZES_1D, LAYOUTS_1D)
family(K.weighted_positions, ("complex128",), (1, 37), LAYOUTS_1D)  # (empty: see the end)
family(K.dot_zip, ("int16", "float64"), SIZES_1D, LAYOUTS_1D, others=[("any", 2)])
add(K.dot_zip, "different-lengths", functools.partial(_args, arr("float64", 7), arr("float64", 4, "rev", 3)))
for n1, n2, n3 in ((5, 5, 5), (7, 3, 9), (0, 4, 4), (9, 9, 2)):
    add(K.zip_three, f"{n1}-{n2}-{n3}", functools.partial(
        _args, arr("float64", n1), arr("float64", n2, "step2", 2), arr("float64", n3, "rev", 3)))
family(K.index_styles, ALL_DTYPES, SHAPES_2D, LAYOUTS_2D, primary="float64", each_strided=True)

# ------------------------------------------------------------------ 2-d kernels
family(K.jacobi_step, ("int32", "float32", "float64"), ((6, 7), (1, 1), (0, 4), (2, 9)), LAYOUTS_2D)
for dt, lay in combos(("float32", "float64"), LAYOUTS_2D):
    h = np.float32(0.1) if dt == "float32" else 0.1
    for shape in ((6, 7), (2, 2), (0, 3)):
        add(K.gauss_seidel, f"{dt}-{lay}-{shape}", functools.partial(
            _args, arr(dt, shape, lay, 1, "finite"), arr(dt, shape, lay, 2, "finite"), h))
for dt, lay in combos(("int32", "float64"), LAYOUTS_2D):
    for n, k, m in ((4, 5, 3), (1, 1, 1), (0, 3, 2), (3, 0, 2), (6, 6, 6)):
        add(K.matmul, f"{dt}-{lay}-{n}x{k}x{m}", functools.partial(
            _args, arr(dt, (n, k), lay, 1, "small"), arr(dt, (k, m), lay, 2, "small")))
add(K.matmul, "mismatch", functools.partial(_args, arr("float64", (3, 4)), arr("float64", (3, 2))))
family(K.transpose, ALL_DTYPES, ((3, 5), (1, 1), (0, 4), (7, 0)), LAYOUTS_2D, primary="float64")
for dt in ("int8", "uint16", "int64", "float32", "complex64"):
    for n1, n2 in ((5, 4), (0, 3), (1, 1)):
        add(K.outer, f"{dt}-{n1}x{n2}", functools.partial(_args, arr(dt, n1, "rev", 1), arr(dt, n2, "step2", 2)))


def _graph(dtype, n, layout, seed):
    rng = np.random.default_rng(seed)
    d = rng.integers(1, 20, (n, n)).astype(dtype)
    if np.dtype(dtype).kind == "f":
        d[rng.random((n, n)) < 0.4] = np.inf
    np.fill_diagonal(d, 0)
    if layout == "F":
        return np.asfortranarray(d)
    if layout == "T":
        return np.ascontiguousarray(d.T).T
    if layout == "step2":
        big = np.zeros((2 * n, n), dtype)
        big[::2] = d
        return big[::2]
    return d


for dt, lay in combos(("int32", "int64", "float64"), ("C", "F", "T", "step2"), primary="float64"):
    for n in (0, 1, 7):
        add(K.floyd_warshall, f"{dt}-{lay}-{n}", functools.partial(_args, functools.partial(_graph, dt, n, lay, 11)))
family(K.lower_triangle_inplace, ("bool", "int8", "float64", "complex64"), ((4, 4), (3, 6), (0, 2)), LAYOUTS_2D,
       primary="float64")
for lay in ("C", "F", "step2"):
    for n in (0, 1, 2, 9):
        add(K.nbody_accel, f"{lay}-{n}", functools.partial(
            _args, arr("float64", (n, 3), lay, 1, "finite"), arr("float64", n, "C", 2, "positive"), 1e-3))
for dt, lay in combos(("int8", "int64", "float64"), LAYOUTS_2D, primary="float64"):
    for shape in ((6, 3), (1, 5), (0, 2), (4, 0)):
        add(K.pairwise_distances, f"{dt}-{lay}-{shape}", functools.partial(_args, arr(dt, shape, lay, 1)))

# ------------------------------------------------------------------ attributes and allocation
family(K.attributes, ALL_DTYPES, ((1,), (0,), (37,)), LAYOUTS_1D, primary="int16")
family(K.attributes, ("bool", "float64"), SHAPES_2D, LAYOUTS_2D)
family(K.attributes, ("uint8",), ((2, 3, 4), (2, 0, 3)), LAYOUTS_ND)
family(K.attributes, ("complex64",), ((2, 3, 2, 3), (1, 1, 1, 1)), LAYOUTS_ND)
for shape in ((5,), (3, 4), (2, 0, 3), (1, 2, 3, 4)):
    add(K.shape_of, f"{shape}", functools.partial(_args, arr("int32", shape, "F")))
family(K.double_new, ALL_DTYPES, SIZES_1D, LAYOUTS_1D, primary="int8")
family(K.evens_kept, ALL_DTYPES, SIZES_1D, LAYOUTS_1D, primary="float32")
for n, m in ((3, 4), (0, 2), (1, 0), (-1, 2), (2, -3)):
    add(K.ones_and_full, f"{n}x{m}", functools.partial(_args, n, m))
for stop in (0, 1, 10, -3, 2.5, 0.0, -1.5):
    add(K.arange_stop, f"{stop}", functools.partial(_args, stop))
for start, stop, step in ((0, 10, 3), (10, 0, -3), (0, 10, -1), (-7, 8, 5), (3, 3, 1), (0, 10, 0),
                          (0.0, 1.0, 0.1), (0.1, 2.0, 0.25), (1.0, 2.0, 0.1), (-1.3, 5.7, 0.7),
                          (0.3, -2.0, -0.3), (1e16, 1e16 + 40, 3.0), (0, 5, 0.5), (2.0, 1.0, 0.5),
                          (0.0, 1.0, 0.0)):
    add(K.arange3, f"{start}-{stop}-{step}", functools.partial(_args, start, stop, step))
for n in (0, 1, 20, -2):
    add(K.arange_squares, f"{n}", functools.partial(_args, n))
family(K.copy_and_modify, ALL_DTYPES, SIZES_1D, LAYOUTS_1D, primary="float64")
family(K.copy_2d, ("int8", "uint32", "float64", "complex64"), SHAPES_2D, LAYOUTS_2D, primary="float64")
family(K.normalize, ("int64", "float64"), (1, 37), LAYOUTS_1D, kind="positive", primary="float64")

# ------------------------------------------------------------------ nested calls passing arrays
for n in (0, 1, 17):
    add(K.squares_via_helper, f"{n}", functools.partial(_args, n, 0.5))
for lay in LAYOUTS_1D:
    add(K.cosine_similarity, lay, functools.partial(_args, arr("float64", 23, lay, 1, "positive"),
                                                   arr("float64", 23, lay, 2, "positive")))
family(K.scaled_twice, ("float32", "float64", "complex128"), SIZES_1D, LAYOUTS_1D, primary="float64")
for dt, lay in combos(("int32", "float64"), LAYOUTS_2D, primary="float64"):
    for n, m in ((4, 6), (0, 3), (3, 0)):
        add(K.matvec, f"{dt}-{lay}-{n}x{m}", functools.partial(
            _args, arr(dt, (n, m), lay, 1, "small"), arr(dt, m, "rev", 2, "small")))
for n in (0, 1, 40):
    add(K.histogram_via_helper, f"{n}", functools.partial(_args, arr("float64", n, "step2", 5, "finite"), 8))

# ------------------------------------------------------------------ element functions
family(K.float_functions_exact, FLOAT_DTYPES, SIZES_1D, LAYOUTS_1D)
family(K.float_functions_transcendental, FLOAT_DTYPES, SIZES_1D, LAYOUTS_1D, ulps=TRANSCENDENTAL_ULPS)
family(K.float_functions_with_constants, FLOAT_DTYPES, SIZES_1D, LAYOUTS_1D, ulps=TRANSCENDENTAL_ULPS)
family(K.float_predicates, ("int32", "float32", "float64"), SIZES_1D, LAYOUTS_1D)
family(K.minimum_maximum, REAL_DTYPES, SIZES_1D, LAYOUTS_1D, others=[("any", 2)], primary="float64")
family(K.power_elementwise, FLOAT_DTYPES, SIZES_1D, LAYOUTS_1D, others=[("finite", 2)],
       ulps=TRANSCENDENTAL_ULPS)
family(K.int_functions, INT_DTYPES, SIZES_1D, LAYOUTS_1D)
family(K.int_power, ("int8", "int32", "int64", "uint8", "uint64"), SIZES_1D, LAYOUTS_1D,
       others=[("positive", 2)], kind="small")
add(K.int_power, "negative-exponent", functools.partial(_args, lambda: np.array([2, 3, 4], np.int64),
                                                         lambda: np.array([1, 0, -1], np.int64)))
add(K.int_power, "overflowing-int8", functools.partial(_args, lambda: np.array([3, -3, 2, 100], np.int8),
                                                        lambda: np.array([5, 7, 8, 9], np.int8)))

# ------------------------------------------------------------------ dtypes
family(K.scale_f32, ("float32",), SIZES_1D, LAYOUTS_1D)
family(K.int_arith, INT_DTYPES, SIZES_1D, LAYOUTS_1D, others=[("any", 2)], each_strided=True)
family(K.int_unary, INT_DTYPES + ("float32",), SIZES_1D, LAYOUTS_1D)
family(K.int_floordiv_mod, INT_DTYPES, SIZES_1D, LAYOUTS_1D, kind="any", others=[("positive", 2)])
for dt in ("int8", "int16", "int32", "int64"):
    add(K.int_floordiv_mod, f"{dt}-min-by-minus-one", functools.partial(
        _args, lambda dt=dt: np.array([np.iinfo(dt).min, -7, 7, -7, 0], dt),
        lambda dt=dt: np.array([-1, 2, -2, -2, -3], dt)))
family(K.float_floordiv_mod, FLOAT_DTYPES, SIZES_1D, LAYOUTS_1D, others=[("positive", 2)])
family(K.int_bits, ("bool",) + INT_DTYPES, SIZES_1D, LAYOUTS_1D, others=[("any", 2)])
def _convertible(src, dst, in_range=True):
    """29 values of ``src`` to store into an array of ``dst``.  A float going
    into an integer array is finite and in range (NumPy leaves the rest to
    the C compiler), and not negative for an unsigned one.  With
    ``in_range``, an integer going into a signed integer array fits it
    (NumPy raises ``OverflowError`` for the others: see the end)."""
    s, d = np.dtype(src), np.dtype(dst)
    a = array(src, 29, "C", 1, "any")
    if s.kind == "f" and d.kind in "iu":
        a = np.clip(array(src, 29, "C", 1, "finite") * 10, -100, 100).astype(src)
        if d.kind == "u":
            a = np.abs(a)
    elif in_range and s.kind in "iu" and d.kind == "i":
        lo, hi = np.iinfo(d).min, np.iinfo(d).max
        a = np.array([min(max(int(v), lo), hi) for v in a], src)
    return np.ascontiguousarray(a[::-1])[::-1]


CONVERSIONS = [
    ("bool", "int8"), ("bool", "float32"), ("bool", "complex128"), ("int8", "bool"), ("int8", "uint16"),
    ("int8", "int64"), ("int8", "float32"), ("int8", "complex128"), ("uint8", "int8"), ("uint64", "bool"),
    ("uint64", "int64"), ("uint64", "float32"), ("int64", "int8"), ("int64", "uint16"), ("int64", "float32"),
    ("float32", "float64"), ("float32", "int8"), ("float32", "uint64"), ("float64", "float32"),
    ("float64", "uint16"), ("float64", "int64"), ("float64", "bool"), ("float64", "complex128"),
]
for src, dst in CONVERSIONS:
    add(K.store_converts, f"{src}-into-{dst}", functools.partial(
        _args, functools.partial(_convertible, src, dst), functools.partial(np.zeros, 29, dst)))
for s in (2.5, -7.9, float("nan"), float("inf")):  # past 2**63: see test_differential
    for n in (0, 5):
        add(K.fill_int_of, f"{n}-of-{s}", functools.partial(_args, functools.partial(np.zeros, n, np.int64), s))
family(K.python_numbers_of_elements, ("int8", "uint16", "int64", "float32", "float64"), (2,), ("C",),
       kind="small", extra=(-3,))
for dt, values, k in (("int8", [100, 3], -3), ("uint16", [300, 300], -300)):   # products that wrap in the dtype
    add(K.python_numbers_of_elements, f"{dt}-wrapping", functools.partial(
        _args, lambda dt=dt, values=values: np.array(values, dt), k))
for dt, values, k in (("int8", [7, 3], 50), ("uint8", [200, 2], 3), ("float32", [7.5, 3.0], 2)):
    add(K.divmod_and_min_meet_the_element_dtype, dt, functools.partial(
        _args, lambda dt=dt, values=values: np.array(values, dt), k))
# a Python int where paths meet elements: int64 unless it is a constant that fits the dtype
for dt, values in (("int32", [5, -49, 7]), ("uint8", [9, 5, 200]), ("uint64", [9, 5]), ("int16", [])):
    add(K.running_min_from_a_big_start, dt, functools.partial(
        _args, lambda dt=dt, values=values: np.array(values, dt)))
for dt, values, default in (("int8", [3, 4], 2**40), ("int8", [3, -4], 2**40), ("uint16", [3], -1)):
    add(K.last_negative_or, f"{dt}-{values}-{default}", functools.partial(
        _args, lambda dt=dt, values=values: np.array(values, dt), default))
add(K.constant_grows_in_the_loop, "int8", functools.partial(_args, lambda: np.array([5, 7], np.int8)))
for dt_a, dt_b in (("int64", "int8"), ("uint8", "int16"), ("int16", "int8"), ("float32", "int8")):
    add(K.accumulator_used_after_the_loop, f"{dt_a}-{dt_b}", functools.partial(   # sums beyond b's dtype
        _args, lambda dt_a=dt_a: np.array([100, 100, 100], dt_a), lambda dt_b=dt_b: np.array([2], dt_b)))
for dt_b in ("int32", "int64", "float32"):
    add(K.accumulator_turns_double, f"float32-{dt_b}", functools.partial(
        _args, arr("float32", 6, "C", 1, "finite"), arr(dt_b, 6, "C", 2, "small")))
family(K.any_above, ("int8", "float32", "uint16"), (1, 7), ("C",), kind="small")
for dt_b in ("int8", "uint64", "int16", "float32"):
    add(K.numpy_bool_meets_integers, dt_b, functools.partial(
        _args, arr("bool", 2, "C", 1), lambda dt_b=dt_b: np.array([5, 3], dt_b)))
for dt_a, dt_b in (("uint8", "uint64"), ("uint64", "uint64"), ("int16", "int64"), ("uint32", "int64")):
    add(K.true_divide_elements, f"{dt_a}-{dt_b}", functools.partial(   # a uint64 above 2**63 is no negative
        _args, lambda dt_a=dt_a: np.array([3], dt_a), lambda dt_b=dt_b: np.array([np.iinfo(dt_b).max], dt_b)))
family(K.bitwise_and, ("int8", "uint64", "int64"), (1,), ("C",), others=[("any", 2)])
family(K.int_of_element, ("uint64", "int8", "float32"), (1,), ("C",), kind="small")
add(K.count_from_zero_in_the_element_dtype, "int8-wrapping",
    functools.partial(_args, lambda: np.full(5, 100, np.int8)))
family(K.complex_of_floats_meets_the_element_dtype, COMPLEX_DTYPES, (1,), ("C",), kind="finite", extra=(0.1,))
add(K.range_index_in_a_loop_that_breaks, "int8", functools.partial(_args, lambda: np.array([1, 3], np.int8)))
add(K.round_to_digits_keeps_the_int_type, "int8", functools.partial(_args, lambda: np.array([3, 1], np.int8)))
family(K.bool_logic, ("bool",), SIZES_1D, LAYOUTS_1D, others=[("any", 2)])
family(K.bool_invert, ("bool",), SIZES_1D, LAYOUTS_1D)
family(K.complex_kernel, COMPLEX_DTYPES, SIZES_1D, LAYOUTS_1D, others=[("any", 2)])
family(K.complex_divide, COMPLEX_DTYPES, SIZES_1D, LAYOUTS_1D, kind="finite", others=[("positive", 2)])
family(K.complex_abs, COMPLEX_DTYPES, SIZES_1D, LAYOUTS_1D)
family(K.scale_by, ("int8", "uint16", "int32", "int64"), SIZES_1D, ("C", "rev"), kind="small", extra=(3,))
family(K.plus_constants, ("int16", "int32", "uint64"), (1, 37), ("C",), kind="small")


# ------------------------------------------------------------------ the differential test
def _params() -> list:
    """Every case at each level; ``make test`` runs a kernel's other cases at -O3 only (its
    first case at -O0 too), ``make test-long`` them at -O0."""
    first = {}
    for kernel, label, make, ulps in CASES:
        first.setdefault(kernel, label)
    return [pytest.param(kernel, make, ulps, opt, id=f"{kernel.__name__}[{label}]-O{opt}",
                         marks=LONG if opt == 0 and first[kernel] != label else ())
            for kernel, label, make, ulps in CASES for opt in OPT_LEVELS]


PARAMS = _params()


@pytest.mark.parametrize("kernel, make_args, ulps, opt", PARAMS)
def test_matches_cpython(kernel, make_args, ulps, opt):
    assert_matches_cpython(kernel, compiled(kernel, opt), make_args, K, ulps)


MEMORY_AND_SAFETY = {  # kernels of kernels.py that test_safety.py and test_memory.py cover
    K.read_at, K.write_at, K.read2, K.write2, K.read_chained, K.read3, K.scale_inplace, K.alloc_1d, K.alloc_2d,
    K.zeros_2d, K.slice_inside, K.float_index, K.ellipsis_index, K.too_many_indices, K.temporaries_in_loop,
    K.fresh_array, K.identity, K.first_row, K.pair_of_new, K.alloc_then_raise, K.read_masked,
}
HELPERS = {K._fill_squares, K._norm, K._scaled, K._row_dot}


def test_every_kernel_is_covered():
    kernels = {f for f in vars(K).values() if callable(f) and getattr(f, "__module__", None) == K.__name__}
    covered = {kernel for kernel, *_ in CASES}
    assert kernels - covered - MEMORY_AND_SAFETY - HELPERS == set()
    assert len(covered) >= 45


def test_inputs_have_the_layouts_they_claim():
    assert array("float64", (3, 4), "F").flags.f_contiguous and not array("float64", (3, 4), "F").flags.c_contiguous
    for layout in ("step2", "cols3", "rev"):
        a = array("int16", (4, 5), layout)
        assert not a.flags.c_contiguous and not a.flags.f_contiguous and a.base is not None
    assert array("int8", 9, "rev").strides == (-1,)
    assert array("float32", (3, 5), "T").flags.f_contiguous


# ------------------------------------------------------------------ NumPy 2 promotion of Python numbers
# Under NumPy 2 a Python int or float meeting a NumPy scalar takes the
# scalar's dtype (NEP 50).  So ``s = 0; s += a[i]`` over an int8 array
# accumulates -- and wraps -- in int8; ``s = 0.0; s += a[i]`` over float32
# accumulates in float32; ``i * a[i]`` with ``i`` from enumerate multiplies
# in the element dtype.  The compiled code must give what CPython gives.
WEAK_CASES = [
    (K.array_sum, "int8-overflowing", functools.partial(_args, lambda: np.full(40, 100, np.int8))),
    (K.array_sum, "uint8-overflowing", functools.partial(_args, lambda: np.full(10, 200, np.uint8))),
    (K.array_sum, "int32-overflowing", functools.partial(_args, lambda: np.full(3, 2**30, np.int32))),
    (K.array_sum, "uint64", functools.partial(_args, lambda: np.arange(5, dtype=np.uint64))),
    (K.array_sum, "float32", functools.partial(_args, arr("float32", 37, "C", 1, "finite"))),
    (K.array_sum, "complex64", functools.partial(_args, arr("complex64", 37, "C", 1, "finite"))),
    (K.array_sum_float, "float32", functools.partial(_args, arr("float32", 37, "C", 1, "finite"))),
    (K.array_sum_float, "complex64", functools.partial(_args, arr("complex64", 37, "C", 1, "finite"))),
    (K.mean, "float32", functools.partial(_args, arr("float32", 37, "C", 1, "finite"))),
    (K.normalize, "float32", functools.partial(_args, arr("float32", 37, "C", 1, "positive"))),
    (K.dot, "float32", functools.partial(_args, arr("float32", 37, "C", 1, "finite"),
                                         arr("float32", 37, "C", 2, "finite"))),
    (K.sum3d, "float32", functools.partial(_args, arr("float32", (3, 4, 5), "C", 1, "finite"))),
    (K.weighted_positions, "int8", functools.partial(_args, lambda: np.full(30, 50, np.int8))),
    (K.weighted_positions, "float32", functools.partial(_args, arr("float32", 37, "C", 1, "finite"))),
]


@pytest.mark.parametrize("opt", OPT_LEVELS)
@pytest.mark.parametrize("kernel, label, make_args", WEAK_CASES,
                         ids=[f"{k.__name__}[{label}]" for k, label, _ in WEAK_CASES])
def test_python_literal_meets_element_dtype_as_numpy_does(kernel, label, make_args, opt):
    assert_matches_cpython(kernel, compiled(kernel, opt), make_args, K)


# ------------------------------------------------------------------ where CPython and NumPy differ from the rules
@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_storing_an_integer_out_of_a_signed_arrays_range_raises_as_numpy_does(opt):
    """NumPy 2 refuses to store an integer scalar that a signed integer array
    cannot hold (``OverflowError: Python integer 168 out of bounds for int8``)
    and wraps it into an unsigned one."""
    for src, dst in (("uint8", "int8"), ("int64", "int8"), ("int64", "int32"), ("uint64", "int64"),
                     ("int16", "uint8"), ("int64", "uint16")):
        make = functools.partial(_args, functools.partial(_convertible, src, dst, False),
                                 functools.partial(np.zeros, 29, dst))
        assert_matches_cpython(K.store_converts, compiled(K.store_converts, opt), make, K)


def _store_element(dst, src):
    for i in range(src.shape[0]):
        dst[i] = src[i]


@pytest.mark.parametrize("src, dst", [("int8", "int8"), ("uint8", "int16"), ("int32", "int64"), ("bool", "int8")])
def test_storing_an_integer_the_array_holds_needs_no_range_check(src, dst):
    """A value whose type the array's dtype holds is stored without NumPy's range check
    (``OverflowError``), which could never fire: the loop has no check left to keep it scalar."""
    source = np.arange(-3, 5).astype(src)
    out = np.zeros(8, dst)
    fn = compile(_store_element)
    fn(out, source)
    assert (out == source.astype(dst)).all()
    assert "OverflowError" not in fn.inspect_ir()


@pytest.mark.parametrize("opt", OPT_LEVELS)
@pytest.mark.parametrize("dtype, k", [("int8", 3), ("int8", 300), ("uint8", -1), ("uint8", 255), ("int32", 2**40),
                                      ("int32", -2**31), ("uint64", 2**62), ("int16", -2**20)])
def test_a_python_int_meeting_a_narrower_integer_must_fit_it(dtype, k, opt):
    """NumPy 2 converts a Python int meeting a NumPy integer to its type and raises
    ``OverflowError: Python integer 300 out of bounds for int8`` when it does not fit
    (NEP 50) -- only where the operation runs: not for an empty array."""
    for n in (0, 1, 19):
        make = functools.partial(_args, functools.partial(np.arange, n, dtype=dtype), k)
        assert_matches_cpython(K.scale_by, compiled(K.scale_by, opt), make, K)
    make = functools.partial(_args, functools.partial(np.arange, 1, 3, dtype=dtype))
    assert_matches_cpython(K.plus_constants, compiled(K.plus_constants, opt), make, K)


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_an_accumulator_that_never_changes_keeps_the_merged_type(opt):
    """``s = 0`` (or ``0.0``) that a loop over an empty array never touches is
    the int 0 (or the float 0.0) under CPython; compiled, the variable has
    the one type its paths unify to -- float for int and float (README:
    "Known differences"), complex for float and complex."""
    empty = functools.partial(np.zeros, 0)
    assert_same(compiled(K.array_sum, opt)(empty()), 0.0)
    assert_same(compiled(K.array_sum, opt)(empty(np.complex128)), 0j)
    assert_same(compiled(K.array_sum_float, opt)(empty(np.complex128)), 0j)
    assert_same(compiled(K.dot, opt)(empty(np.complex128), empty(np.complex128)), 0j)
    assert_same(compiled(K.weighted_positions, opt)(empty(np.complex128)), 0j)


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_signed_and_uint64_have_no_common_integer_type(opt):
    """NumPy promotes int8 and uint64 to float64, which has no ``&``: a TypeError."""
    from ir.diagnostics import TypingError

    with pytest.raises(TypingError, match="no common integer type"):
        compiled(K.bitwise_and, opt)(np.array([3], np.int8), np.array([5], np.uint64))


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_int_of_a_uint64_beyond_int64_raises_overflow_error(opt):
    """``int()`` is a Python int, held in 64 bits: it cannot wrap a uint64 to a negative number."""
    with pytest.raises(OverflowError, match="compiled code uses 64-bit ints"):
        compiled(K.int_of_element, opt)(np.array([2**63], np.uint64))
