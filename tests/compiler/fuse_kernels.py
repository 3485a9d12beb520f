"""Kernels for the ``fuse`` pass tests (a file of their own: compiled code needs a source file)."""
import numpy as np


def dot_plus(a, b, c):
    return (a * b + c).sum()


def used_twice(a, b):
    x = a * b
    return x + x.sum()


def outer_row(a, B):
    return (a * 2.0) + B


def may_raise(a, b):
    return np.power(a, b) + a


def shifted(a):
    a[1:] = a[:-1] * 2
    return a


def returned(a, b):
    x = a + b
    return x, (x * 2.0).sum()


def column_sums(a, b):
    return np.sum(a * b, axis=0)


def stencil(A, B):
    B[1:-1, 1:-1] = 0.2 * (A[1:-1, 1:-1] + A[1:-1, :-2] + A[1:-1, 2:] + A[2:, 1:-1] + A[:-2, 1:-1])
    return B


def written_between(x):
    y = x + 1.0
    x[:] = 0.0
    return y.min()


def consumed_in_a_loop(x, n):
    y = x * 2.0
    total = 0.0
    for _ in range(n):
        total += y.sum()
    return total


def center_columns(a):
    return a - a.mean(axis=0)


def scaled(a, b):
    return a * 2.0 + b


def shifted_fortran(a):
    a[1:, :] = a[:-1, :] * 2
    return a
