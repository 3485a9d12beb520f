"""Array-style kernels: whole-array NumPy code (slices, element-wise expressions, reductions).

Each kernel is NumPy code written once: the CPython column runs it under
CPython calling NumPy, ours and Numba compile that same source.  It is also
registered as its own ``numpy`` version, so the NumPy column (timed over every
round, where CPython takes part in only a few) holds the same code: there is no
loop version to compare with here.  What these kernels measure is how well a
compiler handles NumPy expressions: every operator of an unfused expression
allocates a temporary, as NumPy does.

The reductions of the whole array add left to right where NumPy adds
pairwise: ``rtol`` allows for the rounding.
"""
from __future__ import annotations

import numpy as np

from ..kernel import Kernel

#: the steps of :func:`jacobi_2d` (each one two sweeps, A -> B -> A) and :func:`heat_step`
STEPS = 5
#: the diffusion number of :func:`heat_step` (stable below 0.5)
HEAT_K = 0.25


def jacobi_2d(A, B, steps):
    """Five-point Jacobi sweeps on a grid (PolyBench's jacobi-2d): A -> B, then B -> A, ``steps`` times."""
    for _ in range(steps):
        B[1:-1, 1:-1] = 0.2 * (A[1:-1, 1:-1] + A[1:-1, :-2] + A[1:-1, 2:] + A[2:, 1:-1] + A[:-2, 1:-1])
        A[1:-1, 1:-1] = 0.2 * (B[1:-1, 1:-1] + B[1:-1, :-2] + B[1:-1, 2:] + B[2:, 1:-1] + B[:-2, 1:-1])
    return A


def standardize(a):
    """The z-scores of a: zero mean, unit standard deviation."""
    return (a - a.mean()) / a.std()


def arc_distance(theta_1, phi_1, theta_2, phi_2):
    """Great-circle distances (haversine) between the points (theta_1, phi_1) and (theta_2, phi_2)."""
    temp = (np.sin((theta_2 - theta_1) / 2) ** 2
            + np.cos(theta_1) * np.cos(theta_2) * np.sin((phi_2 - phi_1) / 2) ** 2)
    return 2 * np.arctan2(np.sqrt(temp), np.sqrt(1 - temp))


def heat_step(u, k, steps):
    """Explicit steps of the 1-D heat equation, in place, the end values held fixed."""
    for _ in range(steps):
        u[1:-1] = u[1:-1] + k * (u[2:] - 2 * u[1:-1] + u[:-2])
    return u


def sum_of_products(x, y):
    """The sum of the element-wise products of x and y (a dot product written as NumPy expressions)."""
    return (x * y).sum()


def softmax(x):
    """exp(x) normalized to sum 1, the maximum factored out first so that nothing overflows."""
    e = np.exp(x - x.max())
    return e / e.sum()


def column_sums(a, b):
    """The column sums of the element-wise product: ``np.sum(a * b, axis=0)``."""
    return np.sum(a * b, axis=0)


def softmax_rows(x):
    """softmax of every row of a matrix (reductions along the last axis, kept for broadcasting)."""
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def center_columns(a):
    """Every column minus its mean: ``a - a.mean(axis=0)``."""
    return a - a.mean(axis=0)


def gemm(alpha, a, b, beta, c):
    """BLAS's gemm written as NumPy: ``alpha * a @ b + beta * c`` (the product in NumPy's BLAS)."""
    return alpha * a @ b + beta * c


def linear_solve(a, b):
    """A dense linear system, solved twice over (the second right-hand side is ``2 * b``)."""
    return np.linalg.solve(a, np.stack((b, 2.0 * b), axis=1))


def _system(size, rng):
    return rng.random((size, size)) + size * np.eye(size), rng.random(size)


def histogram_counts(a):
    """The counts of ``np.histogram`` of the data in 50 equal bins."""
    return np.histogram(a, 50)[0]


def sort_floats(a):
    """``np.sort`` of float data, the default kind (NumPy: its SIMD quicksort; compiled: a
    radix sort on the floats' bits)."""
    return np.sort(a)


def unique_counts(a):
    """The distinct values of integer data and how often each occurs."""
    return np.unique(a, return_counts=True)


def fortran_hypot(a, b):
    """An element-wise expression of two Fortran-ordered (column-major) matrices: a new array in
    their memory order, as NumPy's order K makes it, read and written contiguously."""
    return np.sqrt(a * a + b * b) + 1.0


def _fortran_pair(size, rng):
    return np.asfortranarray(rng.random((size, size))), np.asfortranarray(rng.random((size, size)))


def _gemm_args(size, rng):
    return 1.5, rng.random((size, size)), rng.random((size, size)), 0.5, rng.random((size, size))


def _grids(size, rng):
    a = rng.random((size, size))
    return a, a.copy(), STEPS


def _angles(size, rng):
    return tuple(rng.random(size) * np.pi for _ in range(4))


KERNELS = [
    Kernel("jacobi_2d", "array-style", jacobi_2d, _grids,
           {"full": 1_000, "quick": 300, "tiny": 12}, numpy=jacobi_2d, mutates=True),
    Kernel("standardize", "array-style", standardize, lambda size, rng: (rng.standard_normal(size) * 3 + 1,),
           {"full": 4_000_000, "quick": 600_000, "tiny": 1_000}, numpy=standardize, rtol=1e-6,
           overhead_size=16,
           notes="the elements nearest the mean lose relative precision to the mean's rounding "
                 "(5.6e-8 at the full size)"),
    Kernel("arc_distance", "array-style", arc_distance, _angles,
           {"full": 2_000_000, "quick": 300_000, "tiny": 1_000}, numpy=arc_distance),
    Kernel("heat_step", "array-style", heat_step, lambda size, rng: (rng.random(size), HEAT_K, STEPS),
           {"full": 4_000_000, "quick": 600_000, "tiny": 1_000}, numpy=heat_step, mutates=True),
    Kernel("sum_of_products", "array-style", sum_of_products,
           lambda size, rng: (rng.random(size), rng.random(size)),
           {"full": 4_000_000, "quick": 600_000, "tiny": 1_000}, numpy=sum_of_products),
    Kernel("softmax", "array-style", softmax, lambda size, rng: (rng.standard_normal(size) * 10.0,),
           {"full": 4_000_000, "quick": 600_000, "tiny": 1_000}, numpy=softmax),
    Kernel("column_sums", "array-style", column_sums,
           lambda size, rng: (rng.random((size, size)), rng.random((size, size))),
           {"full": 2_000, "quick": 600, "tiny": 12}, numpy=column_sums),
    Kernel("softmax_rows", "array-style", softmax_rows, lambda size, rng: (rng.standard_normal((size, size)),),
           {"full": 2_000, "quick": 600, "tiny": 12}, numpy=softmax_rows, rtol=1e-12),
    Kernel("center_columns", "array-style", center_columns, lambda size, rng: (rng.random((size, size)),),
           {"full": 2_000, "quick": 600, "tiny": 12}, numpy=center_columns, rtol=1e-12),
    Kernel("fortran_hypot", "array-style", fortran_hypot, _fortran_pair,
           {"full": 2_000, "quick": 1_000, "tiny": 12}, numpy=fortran_hypot),
    Kernel("gemm", "array-style", gemm, _gemm_args, {"full": 1_000, "quick": 500, "tiny": 12}, numpy=gemm,
           rtol=1e-12, notes="NumPy's BLAS does the product for all three; run with OPENBLAS_CORETYPE unset"),
    Kernel("linear_solve", "array-style", linear_solve, _system, {"full": 1_000, "quick": 300, "tiny": 12},
           numpy=linear_solve, rtol=1e-9, notes="LAPACK's gesv of NumPy's own LAPACK"),
    Kernel("histogram_counts", "array-style", histogram_counts, lambda size, rng: (rng.standard_normal(size),),
           {"full": 4_000_000, "quick": 600_000, "tiny": 1_000}, numpy=histogram_counts),
    Kernel("sort_floats", "array-style", sort_floats, lambda size, rng: (rng.standard_normal(size),),
           {"full": 4_000_000, "quick": 1_000_000, "tiny": 1_000}, numpy=sort_floats),
    Kernel("unique_counts", "array-style", unique_counts, lambda size, rng: (rng.integers(0, 1_000, size),),
           {"full": 4_000_000, "quick": 1_000_000, "tiny": 1_000}, numpy=unique_counts),
]
