"""``np.linalg.norm`` and ``np.kron`` written in the Python compiled code runs (traced like
user code, as ``frontend.pyarray``), after NumPy's own ``norm`` and ``kron``: the same
operations in the same order, so the results round as NumPy's.

A number passed to a traced function is a run-time value, but ``ord``, the axes and
``keepdims`` pick the computation: so ``frontend.norms`` asks a factory here (``vector_norm``,
``matrix_norm``) for a traced function of ``x`` alone, with those as constants of its closure
(cached, so that one set of them is one function).
"""
from __future__ import annotations

import functools

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


@functools.cache
def max_or_zero(axis, keepdims):
    """``y.max(axis=axis, keepdims=keepdims, initial=0)`` of a non-negative ``y``: its sum (zeros)
    along an empty axis."""
    def largest(y):
        if y.shape[axis] == 0:
            return np.sum(y, axis=axis, keepdims=keepdims)
        return np.max(y, axis=axis, keepdims=keepdims)
    return largest


@functools.cache
def vector_norm(ord, axis, keepdims):
    """NumPy's vector norm of ``ord`` (None, inf, -inf, 0, 1, 2 or another number) along
    ``axis``, its branches in its order."""
    largest = max_or_zero(axis, keepdims)

    def norm(x):
        if ord == np.inf:
            return largest(np.abs(x))
        if ord == -np.inf:
            return np.min(np.abs(x), axis=axis, keepdims=keepdims)
        if ord == 0:
            return np.sum((x != 0).astype(x.real.dtype), axis=axis, keepdims=keepdims)
        if ord == 1:
            return np.sum(np.abs(x), axis=axis, keepdims=keepdims)
        if ord is None or ord == 2:
            return np.sqrt(np.sum((x.conj() * x).real, axis=axis, keepdims=keepdims))
        s = np.sum(np.abs(x) ** ord, axis=axis, keepdims=keepdims)
        return np.power(s, 1.0 / ord)   # NumPy's power: inf for 0 ** -1, as NumPy's norm
    return norm


@functools.cache
def sum_over(p, q, ndim):
    """``np.add.reduce(s, axis=(p, q))`` (``p < q``) of an ``ndim``-d array in NumPy's order for a
    C-ordered one: the two last axes pairwise as one run of ``m * n`` elements; with the last
    axis, pairwise along it and then in order along ``p``; else in order over the two axes in
    C order."""
    if (p, q) == (ndim - 2, ndim - 1):
        def total(s):
            return np.sum(s.reshape(s.shape[:p] + (s.shape[p] * s.shape[q],)), axis=p)
    elif q == ndim - 1:
        def total(s):
            return np.sum(np.sum(s, axis=q), axis=p)
    else:
        order = tuple(range(p + 1)) + (q,) + tuple(a for a in range(p + 1, ndim) if a != q)

        def total(s):
            t = np.transpose(s, order)
            return np.sum(t.reshape(t.shape[:p] + (t.shape[p] * t.shape[p + 1],) + t.shape[p + 2:]), axis=p)
    return total


@functools.cache
def matrix_norm(ord, row, col, ndim):
    """NumPy's matrix norm of ``ord`` (None/``'fro'``/``'f'``, 1, -1, inf, -inf, 2, -2, ``'nuc'``)
    over the axes ``row`` and ``col`` (distinct, in ``range(ndim)``), one per matrix of a stack;
    2, -2 and ``'nuc'`` from the singular values of the matrices moved to the last two axes."""
    if ord in (1, -1):
        inner, outer = row, col - (col > row)
    else:
        inner, outer = col, row - (row > col)
    largest = max_or_zero(outer, False)
    singular_largest = max_or_zero(-1, False)
    total = sum_over(min(row, col), max(row, col), ndim)
    moved = tuple(a for a in range(ndim) if a not in (row, col)) + (row, col)

    def norm(x):
        if ord in (1, np.inf):
            return largest(np.sum(np.abs(x), axis=inner))
        if ord in (-1, -np.inf):
            return np.min(np.sum(np.abs(x), axis=inner), axis=outer)
        if ord in (2, -2, "nuc"):
            s = np.linalg.svd(np.transpose(x, moved), compute_uv=False)
            if ord == 2:
                return singular_largest(s)
            if ord == -2:
                return np.min(s, axis=-1)
            return np.sum(s, axis=-1)
        return np.sqrt(total((x.conj() * x).real))
    return norm


def kron(a, b):
    """``np.kron`` of two 2-d arrays: ``out[i*p + k, j*q + l] = a[i, j] * b[k, l]``."""
    product = a[:, None, :, None] * b[None, :, None, :]
    return product.reshape(a.shape[0] * b.shape[0], a.shape[1] * b.shape[1])
