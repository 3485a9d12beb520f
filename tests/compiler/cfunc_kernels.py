"""Kernels for the ``cfunc`` tests (a file of their own: compiled code needs a source file)."""
import math

import numpy as np

from compiler import carray, farray


def gaussian(x):
    return math.exp(-x * x / 2.0) / math.sqrt(2.0 * math.pi)


def plane(n, xx):
    x = carray(xx, n)
    return math.exp(-x[0] * x[0]) * (1.0 + x[1])


def plane_direct(n, xx):
    return math.exp(-xx[0] * xx[0]) * (1.0 + xx[1])


def with_user_data(x, data):
    c = carray(data, 2, np.float64)
    return c[0] * x + c[1]


def ptp_filter(buffer, size, result, user_data):
    b = carray(buffer, size)
    result[0] = b.max() - b.min()
    return 1


def double_matrix(src, dst, m, n):
    a = carray(src, (m, n))
    b = carray(dst, (m, n))
    for i in range(m):
        for j in range(n):
            b[i, j] = 2.0 * a[i, j]


def fortran_matrix(src, dst, m, n):
    a = farray(src, (m, n))
    b = carray(dst, (m, n))
    for i in range(m):
        for j in range(n):
            b[i, j] = a[i, j]


def sum_ints(p, n):
    return carray(p, n).sum()


def add_ints(a, b):
    return a + b


def is_positive(x):
    return x > 0


def raises_above_one(x):
    if x > 1.0:
        raise ValueError("x is too big")
    return x


def out_of_bounds(n, xx):
    x = carray(xx, n)
    return x[n]


def negative_shape(n, xx):
    return carray(xx, n - 10).sum()


def int_division(a, b):
    return a // b


def constant_negative_shape(xx):
    return carray(xx, -1).sum()


def float_shape(xx):
    return carray(xx, 2.5).sum()


def voidptr_without_dtype(data):
    return carray(data, 2).sum()


def wrong_dtype(xx):
    return carray(xx, 2, np.int32).sum()


def not_a_pointer(x):
    return carray(x, 2).sum()


def pointer_arithmetic(xx):
    return (xx + 1)[0]


def negative_pointer_index(xx):
    return xx[-1]


def thread_worker(arg):
    data = carray(arg, 3, np.float64)
    if data[0] < 0:
        raise ValueError("negative input in a C thread")
    data[2] = data[0] + data[1]
    return 0


def compare(a, b):
    if a[0] < b[0]:
        return -1
    if a[0] > b[0]:
        return 1
    return 0


def filter_out_of_bounds(buffer, size, result, user_data):
    b = carray(buffer, size)
    result[0] = b[size]
    return 1
