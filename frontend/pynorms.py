"""``np.linalg.norm`` and ``np.kron`` written in the Python compiled code runs (traced like
user code, as ``frontend.pyarray``), after NumPy's own ``norm`` and ``kron``: the same
operations in the same order, so the results round as NumPy's.  ``frontend.norms`` picks
the function for the (constant) ``ord``: a number passed here would be a run-time value."""
from __future__ import annotations

import numpy as np


def norm_flat(x):
    """The 2-norm of all elements, as NumPy's fast path: ``sqrt(x.dot(x))`` of the flattened
    array (real and imaginary parts dotted separately)."""
    x = x.ravel()
    if x.dtype.kind == "c":
        re = np.copy(x.real)
        im = np.copy(x.imag)
        return np.sqrt(np.dot(re, re) + np.dot(im, im))
    return np.sqrt(np.dot(x, x))


def max_or_zero(y):
    """``y.max(axis=0, initial=0)`` of a non-negative array."""
    if y.ndim == 1:
        if y.shape[0] == 0:
            return np.zeros(1, y.dtype)[0]
        return np.max(y)
    if y.shape[0] == 0:
        return np.zeros(y.shape[1], y.dtype)
    return np.max(y, axis=0)


# The vector norms along axis 0 (``frontend.norms`` passes ``x.T`` for axis 1).
def inf_norm(x):
    return max_or_zero(np.abs(x))


def minus_inf_norm(x):
    return np.min(np.abs(x), axis=0)


def zero_norm(x):
    return np.sum((x != 0).astype(x.real.dtype), axis=0)


def one_norm(x):
    return np.sum(np.abs(x), axis=0)


def two_norm(x):
    return np.sqrt(np.sum((x.conj() * x).real, axis=0))


def p_norm(x, p):
    s = np.sum(np.abs(x) ** p, axis=0)
    return np.power(s, 1.0 / p)   # NumPy's power: inf for 0 ** -1, as NumPy's norm


def largest_singular_value(x):
    return max_or_zero(np.linalg.svd(x, compute_uv=False))


def smallest_singular_value(x):
    return np.min(np.linalg.svd(x, compute_uv=False))


def nuclear_norm(x):
    return np.sum(np.linalg.svd(x, compute_uv=False))


def largest_sum(x):
    """The largest column sum of absolute values (NumPy's ``ord=1``; ``x.T``: ``ord=inf``)."""
    return max_or_zero(np.sum(np.abs(x), axis=0))


def smallest_sum(x):
    return np.min(np.sum(np.abs(x), axis=0))


def frobenius_norm(x):
    return np.sqrt(np.sum((x.conj() * x).real))


def kron(a, b):
    """``np.kron`` of two 2-d arrays: ``out[i*p + k, j*q + l] = a[i, j] * b[k, l]``."""
    product = a[:, None, :, None] * b[None, :, None, :]
    return product.reshape(a.shape[0] * b.shape[0], a.shape[1] * b.shape[1])
