"""Plain-Python NumPy array kernels for the array tests.

Every function here is ordinary module-level Python, written the way
people write Numba kernels: explicit loops over indices or elements.  The
tests run each one under CPython (on NumPy arrays, so elements are NumPy
scalars) and compiled, on freshly built inputs, and compare the results and
the inputs the kernel mutated.  Lines that can raise keep the raising
expression on one line, so the line in a compiled error message can be
checked against CPython's traceback; the lines the safety tests point at
carry a ``# <- name`` marker.
"""
import math

import numpy as np


# ================================================================ reductions
def array_sum(a):
    s = 0
    for i in range(a.shape[0]):
        s += a[i]
    return s


def array_sum_float(a):
    s = 0.0
    for x in a:
        s += x
    return s


def mean(a):
    s = 0.0
    for i in range(len(a)):
        s += a[i]
    return s / len(a)


def dot(a, b):
    s = 0.0
    for i in range(len(a)):
        s += a[i] * b[i]
    return s


def sum_of_squares(a):
    s = 0.0
    for x in a:
        s += x * x
    return s


def count_nonzero(a):
    c = 0
    for x in a:
        if x != 0:
            c += 1
    return c


def count_nonzero_2d(m):
    c = 0
    for row in m:
        for x in row:
            if x:
                c += 1
    return c


def argmin_argmax(a):
    lo = a[0]  # <- argmin_argmax first
    hi = a[0]
    ilo = 0
    ihi = 0
    for i in range(1, len(a)):
        if a[i] < lo:
            lo = a[i]
            ilo = i
        if a[i] > hi:
            hi = a[i]
            ihi = i
    return ilo, lo, ihi, hi


def sum3d(a):
    n0, n1, n2 = a.shape
    s = 0.0
    for i in range(n0):
        for j in range(n1):
            for k in range(n2):
                s += a[i, j, k]
    return s


def sum4d(a):
    s = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            for k in range(a.shape[2]):
                for m in range(a.shape[3]):
                    s += a[i, j, k, m]
    return s


def max4d(a):
    best = a[0, 0, 0, 0]
    for block in a:
        for plane in block:
            for row in plane:
                for x in row:
                    if x > best:
                        best = x
    return best


def row_sums(m):
    out = np.zeros(m.shape[0])
    i = 0
    for row in m:
        for x in row:
            out[i] += x
        i += 1
    return out


def diagonal_sums(m):
    n = min(m.shape[0], m.shape[1])
    main = 0.0
    anti = 0.0
    for i in range(n):
        main += m[i, i]
        anti += m[i, -1 - i]
    return main, anti


def corners(m):
    return m[0, 0], m[0, -1], m[-1, 0], m[-1][-1]


# ================================================================ scans and elementwise updates
def saxpy(alpha, x, y):
    for i in range(len(x)):
        y[i] = alpha * x[i] + y[i]


def prefix_sum_inplace(a):
    for i in range(1, len(a)):
        a[i] += a[i - 1]


def prefix_sum(a):
    out = np.empty_like(a)
    if len(a) == 0:
        return out
    out[0] = a[0]
    for i in range(1, len(a)):
        out[i] = out[i - 1] + a[i]
    return out


def cumulative_max(a):
    out = np.empty_like(a)
    if len(a) > 0:
        m = a[0]
        for i in range(len(a)):
            if a[i] > m:
                m = a[i]
            out[i] = m
    return out


def clip(a, lo, hi):
    out = np.empty_like(a)
    for i in range(len(a)):
        out[i] = min(max(a[i], lo), hi)
    return out


def histogram_into(data, lo, hi, counts):
    nbins = len(counts)
    width = (hi - lo) / nbins
    for x in data:
        b = int((x - lo) / width)
        if 0 <= b < nbins:
            counts[b] += 1
        elif x == hi:
            counts[nbins - 1] += 1


def histogram(data, lo, hi, nbins):
    counts = np.zeros(nbins, dtype=np.int64)  # <- histogram zeros
    width = (hi - lo) / nbins
    for i in range(len(data)):
        b = int((data[i] - lo) / width)
        if b >= 0 and b < nbins:
            counts[b] += 1
    return counts


def stencil3(a):
    out = np.empty_like(a)
    n = len(a)
    out[0] = a[0]  # <- stencil3 first
    out[n - 1] = a[n - 1]
    for i in range(1, n - 1):
        out[i] = 0.25 * a[i - 1] + 0.5 * a[i] + 0.25 * a[i + 1]
    return out


def moving_average(a, w):
    n = len(a)
    out = np.empty(n - w + 1)  # <- moving_average alloc
    for i in range(n - w + 1):
        s = 0.0
        for k in range(w):
            s += a[i + k]
        out[i] = s / w
    return out


def convolve_valid(x, k):
    n = len(x) - len(k) + 1
    out = np.zeros(max(n, 0))
    for i in range(n):
        for j in range(len(k)):
            out[i] += x[i + j] * k[len(k) - 1 - j]
    return out


def rotate(a, k):
    n = len(a)
    out = np.empty_like(a)
    for i in range(n):
        out[i] = a[i + k - n]  # <- rotate read
    return out


def ends(a):
    return a[-1], a[0], a[-len(a)], a[len(a) - 1]


def reverse_inplace(a):
    n = len(a)
    for i in range(n // 2):
        a[i], a[n - 1 - i] = a[n - 1 - i], a[i]


def bubble_sort(a):
    n = len(a)
    for i in range(n):
        swapped = False
        for j in range(n - 1 - i):
            if a[j] > a[j + 1]:
                a[j], a[j + 1] = a[j + 1], a[j]
                swapped = True
        if not swapped:
            break


def binary_search(a, x):
    lo = 0
    hi = len(a)
    while lo < hi:
        mid = (lo + hi) // 2
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def first_index(a, value):
    for i in range(len(a)):
        if a[i] == value:
            break
    else:
        return -1
    return i


def any_nan(a):
    for x in a:
        if np.isnan(x):
            return True
    return False


def polyval(coeffs, x):
    r = 0.0
    for c in coeffs:
        r = r * x + c
    return r


def count_in_range(a, lo, hi):
    c = 0
    for x in a:
        if lo <= x < hi:
            c += 1
    return c


# ================================================================ iteration forms
def argmax_enumerate(a):
    best = a[0]
    where = 0
    for i, x in enumerate(a):
        if x > best:
            best = x
            where = i
    return where, best


def weighted_positions(a):
    s = 0.0
    for i, x in enumerate(a, 1):
        s += i * x
    return s


def dot_zip(a, b):
    s = 0.0
    for x, y in zip(a, b):
        s += x * y
    return s


def zip_three(a, b, c):
    out = np.empty(min(len(a), len(b), len(c)))
    k = 0
    for x, y, z in zip(a, b, c):
        out[k] = x * y + z
        k += 1
    return out


def index_styles(a):
    n, m = a.shape
    out = np.empty((n, m), a.dtype)
    same = 0
    for i in range(n):
        for j in range(m):
            out[i][j] = a[i, j]
            if a[i][j] == out[i, j]:
                same += 1
    return out, same


# ================================================================ 2-d kernels
def jacobi_step(u):
    n, m = u.shape
    new = np.empty_like(u)
    for i in range(n):
        for j in range(m):
            if i == 0 or j == 0 or i == n - 1 or j == m - 1:
                new[i, j] = u[i, j]
            else:
                new[i, j] = 0.25 * (u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1])
    return new


def gauss_seidel(u, f, h):
    n, m = u.shape
    h2 = h * h
    for i in range(1, n - 1):
        for j in range(1, m - 1):
            u[i, j] = 0.25 * (u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1] - h2 * f[i, j])


def matmul(a, b):
    n, k = a.shape
    m = b.shape[1]
    c = np.zeros((n, m))
    for i in range(n):
        for j in range(m):
            for p in range(k):
                c[i, j] += a[i, p] * b[p, j]  # <- matmul inner
    return c


def transpose(a):
    n, m = a.shape
    out = np.empty((m, n), a.dtype)
    for i in range(n):
        for j in range(m):
            out[j, i] = a[i, j]
    return out


def outer(a, b):
    out = np.empty((len(a), len(b)), a.dtype)
    for i in range(len(a)):
        for j in range(len(b)):
            out[i, j] = a[i] * b[j]
    return out


def floyd_warshall(d):
    n = d.shape[0]
    for k in range(n):
        for i in range(n):
            for j in range(n):
                via = d[i, k] + d[k, j]
                if via < d[i, j]:
                    d[i, j] = via


def lower_triangle_inplace(m):
    for i in range(m.shape[0]):
        for j in range(i + 1, m.shape[1]):
            m[i, j] = 0


def nbody_accel(pos, mass, eps):
    n = pos.shape[0]
    acc = np.zeros((n, 3))
    for i in range(n):
        for j in range(n):
            if i != j:
                dx = pos[j, 0] - pos[i, 0]
                dy = pos[j, 1] - pos[i, 1]
                dz = pos[j, 2] - pos[i, 2]
                r2 = dx * dx + dy * dy + dz * dz + eps
                inv = mass[j] / (r2 * np.sqrt(r2))
                acc[i, 0] += dx * inv
                acc[i, 1] += dy * inv
                acc[i, 2] += dz * inv
    return acc


def pairwise_distances(x):
    n, d = x.shape
    out = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            s = 0.0
            for k in range(d):
                t = x[i, k] - x[j, k]
                s += t * t
            out[i, j] = np.sqrt(s)
    return out


# ================================================================ attributes and allocation
def attributes(a):
    return a.ndim, a.size, len(a), a.shape[0], a.shape[-1], a.itemsize


def shape_of(a):
    return a.shape


def double_new(a):
    out = np.empty(len(a), a.dtype)
    for i in range(len(a)):
        out[i] = a[i] + a[i]
    return out


def evens_kept(a):
    z = np.zeros_like(a)
    for i in range(0, len(a), 2):
        z[i] = a[i]
    return z


def ones_and_full(n, m):
    a = np.ones(n)
    b = np.ones((n, m), np.int32)
    c = np.full((m, n), 7)
    d = np.full(n, 2.5, np.float32)
    e = np.ones_like(b)
    return a, b, c, d, e


def arange_stop(stop):
    return np.arange(stop)


def arange3(start, stop, step):
    return np.arange(start, stop, step)


def arange_squares(n):
    r = np.arange(n)
    for i in range(len(r)):
        r[i] = r[i] * r[i]
    return r


def copy_and_modify(a):
    b = a.copy()
    if len(b) > 1:
        b[0] = b[len(b) - 1]
        a[len(a) - 1] = a[0]
    return b


def copy_2d(m):
    b = m.copy()
    for i in range(b.shape[0]):
        for j in range(b.shape[1]):
            b[i, j] = b[i, j] * 2
    return b


def normalize(a):
    total = 0.0
    for x in a:
        total += abs(x)
    out = np.empty(len(a))
    for i in range(len(a)):
        out[i] = a[i] / total
    return out, total


# ================================================================ nested calls passing arrays
def _fill_squares(out, scale):
    for i in range(len(out)):
        out[i] = scale * i * i


def squares_via_helper(n, scale):
    out = np.empty(n)
    _fill_squares(out, scale)
    return out


def _norm(a):
    s = 0.0
    for x in a:
        s += x * x
    return np.sqrt(s)


def cosine_similarity(a, b):
    return dot(a, b) / (_norm(a) * _norm(b))


def _scaled(a, k):
    out = np.empty_like(a)
    for i in range(len(a)):
        out[i] = a[i] * k
    return out


def scaled_twice(a):
    b = _scaled(a, 2.0)
    c = _scaled(b, 0.25)
    return c, b


def _row_dot(row, v):
    s = 0.0
    for j in range(len(row)):
        s += row[j] * v[j]
    return s


def matvec(m, v):
    out = np.empty(m.shape[0])
    for i in range(m.shape[0]):
        out[i] = _row_dot(m[i], v)
    return out


def histogram_via_helper(data, nbins):
    counts = np.zeros(nbins, dtype=np.int64)
    histogram_into(data, -2.0, 2.0, counts)
    return counts


# ================================================================ element functions
def float_functions_exact(a):
    n = len(a)
    out = np.empty((6, n), a.dtype)
    for i in range(n):
        x = a[i]
        out[0, i] = np.sqrt(np.abs(x))
        out[1, i] = np.floor(x)
        out[2, i] = np.ceil(x)
        out[3, i] = np.sign(x)
        out[4, i] = np.abs(x)
        out[5, i] = np.hypot(x, x + 1)
    return out


def float_functions_transcendental(a):
    n = len(a)
    out = np.empty((7, n), a.dtype)
    for i in range(n):
        x = a[i]
        out[0, i] = np.exp(x)
        out[1, i] = np.log1p(np.abs(x))
        out[2, i] = np.expm1(x)
        out[3, i] = np.sin(x)
        out[4, i] = np.cos(x)
        out[5, i] = np.tanh(x)
        out[6, i] = np.arctan2(x, x - 1)
    return out


def float_functions_with_constants(a):
    n = len(a)
    out = np.empty((4, n), a.dtype)
    for i in range(n):
        x = a[i]
        out[0, i] = np.hypot(x, 2.0)
        out[1, i] = np.minimum(x, 0.5)
        out[2, i] = np.maximum(x, -0.5)
        out[3, i] = np.power(np.abs(x), 2.0)
    return out


def float_predicates(a):
    n = len(a)
    flags = np.empty((3, n), np.bool_)
    nans = 0
    infs = 0
    finite = 0
    for i in range(n):
        flags[0, i] = np.isnan(a[i])
        flags[1, i] = np.isinf(a[i])
        flags[2, i] = np.isfinite(a[i])
        if np.isnan(a[i]):
            nans += 1
        elif np.isinf(a[i]):
            infs += 1
        if np.isfinite(a[i]):
            finite += 1
    return flags, nans, infs, finite


def minimum_maximum(a, b):
    n = len(a)
    out = np.empty((2, n), a.dtype)
    for i in range(n):
        out[0, i] = np.minimum(a[i], b[i])
        out[1, i] = np.maximum(a[i], b[i])
    return out


def power_elementwise(a, b):
    out = np.empty(len(a), a.dtype)
    for i in range(len(a)):
        out[i] = np.power(np.abs(a[i]), b[i])
    return out


def int_functions(a):
    n = len(a)
    out = np.empty((5, n), a.dtype)
    for i in range(n):
        x = a[i]
        out[0, i] = np.abs(x)
        out[1, i] = np.sign(x)
        out[2, i] = np.floor(x)
        out[3, i] = np.ceil(x)
        out[4, i] = np.power(x, 3)
    return out


def int_power(a, e):
    out = np.empty(len(a), a.dtype)
    for i in range(len(a)):
        out[i] = np.power(a[i], e[i])  # <- int_power call
    return out


# ================================================================ dtypes
def scale_f32(a):
    out = np.empty_like(a)
    s = np.float32(0)
    for i in range(len(a)):
        out[i] = a[i] * np.float32(2) + np.float32(0.1)
        s += out[i] / 3
    return out, s


def int_arith(a, b):
    n = len(a)
    add = np.empty(n, a.dtype)
    sub = np.empty(n, a.dtype)
    mul = np.empty(n, a.dtype)
    lin = np.empty(n, a.dtype)
    for i in range(n):
        add[i] = a[i] + b[i]
        sub[i] = a[i] - b[i]
        mul[i] = a[i] * b[i]
        lin[i] = a[i] * 3 + 7
    return add, sub, mul, lin


def int_unary(a):
    n = len(a)
    out = np.empty((3, n), a.dtype)
    for i in range(n):
        out[0, i] = -a[i]
        out[1, i] = abs(a[i])
        out[2, i] = a[i] * a[i] - a[i]
    return out


def int_floordiv_mod(a, b):
    n = len(a)
    q = np.empty(n, a.dtype)
    r = np.empty(n, a.dtype)
    for i in range(n):
        q[i] = a[i] // b[i]
        r[i] = a[i] % b[i]
    return q, r


def float_floordiv_mod(a, b):
    n = len(a)
    q = np.empty(n, a.dtype)
    r = np.empty(n, a.dtype)
    for i in range(n):
        q[i] = a[i] // b[i]
        r[i] = a[i] % b[i]
    return q, r


def int_bits(a, b):
    n = len(a)
    out = np.empty((3, n), a.dtype)
    for i in range(n):
        out[0, i] = a[i] & b[i]
        out[1, i] = a[i] | b[i]
        out[2, i] = a[i] ^ b[i]
    return out


def store_converts(a, out):
    for i in range(len(a)):
        out[i] = a[i]


def fill_int_of(out, s):
    """``int(s)`` is invariant: its checks leave the loop, guarded by the loop running."""
    for i in range(len(out)):
        out[i] = int(s) + i


def python_numbers_of_elements(a, k):
    """int(), float(), round(), math.floor(), math.sqrt() of an element and abs()
    and ~ of a Python int are Python numbers: the NumPy element they meet keeps
    its dtype (NEP 50), and math works in double precision."""
    x, y = a[0], a[1]
    return (int(x) * y, float(x) * y, round(x) * y, math.floor(x) * y, abs(k) * y, math.sqrt(abs(x)),
            (~k) * y)


def divmod_and_min_meet_the_element_dtype(a, k):
    """divmod(element, Python int) is of the element's dtype (NEP 50); min() of
    Python ints is a Python int, which does not widen the element it meets."""
    q, r = divmod(a[0], k)
    return q * 100, r * 100, min(k, 100) * a[1]


def complex_of_floats_meets_the_element_dtype(a, x):
    """complex() is a Python complex: times a complex64 element it is a complex64."""
    return complex(x, 1.0) * a[0]


def range_index_in_a_loop_that_breaks(a):
    """The index of a range loop with ``break`` is a Python int, like any range
    index: times an int8 it is an int8 (wrapping)."""
    y = a[0]
    for k in range(100, 200):
        y = k * a[1]
        if k > 101:
            break
    return y


def round_to_digits_keeps_the_int_type(a):
    """round(x, 1) of an int8 is an int8: times 100 it wraps as int8 arithmetic does."""
    return round(a[0], 1) * 100


def bool_logic(a, b):
    n = len(a)
    out = np.empty((5, n), np.bool_)
    count = 0
    for i in range(n):
        out[0, i] = a[i] and b[i]
        out[1, i] = a[i] or not b[i]
        out[2, i] = a[i] ^ b[i]
        out[3, i] = a[i] & b[i]
        out[4, i] = a[i] != b[i]
        if a[i]:
            count += 1
    return out, count


def bool_invert(a):
    out = np.empty(len(a), np.bool_)
    for i in range(len(a)):
        out[i] = ~a[i]
    return out


def complex_kernel(z, w):
    n = len(z)
    out = np.empty((5, n), z.dtype)
    for i in range(n):
        out[0, i] = z[i] * w[i]
        out[1, i] = z[i] + w[i].conjugate()
        out[2, i] = z[i] * 2.0 - 1j
        out[3, i] = z[i] - w[i] * z[i]
        out[4, i] = z[i].imag + z[i].real * 1j
    return out


def complex_divide(z, w):
    out = np.empty(len(z), z.dtype)
    for i in range(len(z)):
        out[i] = z[i] / w[i]
    return out


def complex_abs(z):
    out = np.empty(len(z))
    for i in range(len(z)):
        out[i] = abs(z[i])
    return out


# ================================================================ safety: indexing and allocation
def read_at(a, i):
    return a[i]  # <- read_at


def read_masked(a, x):
    return a[x & 255] + a[x % 16] + a[(x & 2047) >> 3]  # <- read_masked


def write_at(a, i, v):
    a[i] = v  # <- write_at


def read2(a, i, j):
    return a[i, j]  # <- read2


def write2(a, i, j, v):
    a[i, j] = v  # <- write2


def read_chained(a, i, j):
    return a[i][j]  # <- read_chained


def read3(a, i, j, k):
    return a[i, j, k]  # <- read3


def scale_inplace(a, k):
    for i in range(len(a)):
        a[i] = a[i] * k  # <- scale_inplace


def alloc_1d(n):
    return np.empty(n)  # <- alloc_1d


def alloc_2d(n, m):
    return np.empty((n, m))  # <- alloc_2d


def zeros_2d(n, m):
    return np.zeros((n, m), np.int8)  # <- zeros_2d


def slice_inside(a):
    b = a[1:]  # <- slice_inside
    return b[0]


def float_index(a, x):
    return a[x]  # <- float_index


def ellipsis_index(a):
    return a[..., 0]  # <- ellipsis_index


def too_many_indices(a, i):
    return a[i, i]  # <- too_many_indices


# ================================================================ memory
def temporaries_in_loop(iterations, n):
    total = 0.0
    for k in range(iterations):
        t = np.empty(n)
        t[0] = k
        t[n - 1] = 1.0
        total += t[0] + t[n - 1]
    return total


def fresh_array(n):
    out = np.empty(n)
    out[0] = n
    return out


def identity(a):
    return a


def first_row(m):
    return m[0]


def pair_of_new(n):
    a = np.zeros(n)
    return a, a


def alloc_then_raise(n, i):
    t = np.empty(n)
    t[i] = 1.0  # <- alloc_then_raise
    return t


def running_min_from_a_big_start(a):
    """A Python int too big for the elements' dtype meets them where paths meet:
    the variable must hold both (CPython keeps each object as it is)."""
    m = 10 ** 18
    for i in range(len(a)):
        if a[i] < m:
            m = a[i]
    return m


def last_negative_or(a, default):
    """A Python int argument (its value unknown when tracing) meets elements."""
    found = default
    for v in a:
        if v < 0:
            found = v
    return found


def count_from_zero_in_the_element_dtype(a):
    """A constant that fits keeps the elements' dtype: ``s`` is an int8 after the
    first addition in CPython, and wraps there."""
    s = 0
    for v in a:
        if v > 0:
            s += v
    return s


def constant_grows_in_the_loop(a):
    """The first trace of the body sees ``s`` as 0, which fits the elements'
    dtype; ``s`` takes a constant that does not on the next trips.  No variable
    changes type (``i`` and ``t`` are bound before), so only that makes the
    loop be traced again."""
    s = i = 0
    t = a[0]
    for i in range(len(a)):
        t = s if a[i] > 0 else a[i]
        s = 10 ** 18
    return t


def accumulator_used_after_the_loop(a, b):
    """``s`` starts a Python int and is an element's dtype after the first trip:
    after the loop it meets ``b``'s dtype as that, not as a Python int."""
    s = 0
    for v in a:
        s = s + v
    return s * b[0]


def accumulator_turns_double(a, b):
    """float32 - int32 is float64 (NumPy): from the second trip on, ``s`` is a
    float64 and ``s * 0.5 + a[i]`` is computed in double."""
    s = 0.5
    for i in range(len(a)):
        s = s * 0.5 + a[i] - b[i]
    return s


def any_above(a):
    """``False | element comparison`` is NumPy's bool: ``~`` is logical not."""
    found = False
    for v in a:
        found = found | (v > 3)
    return found, ~found


def numpy_bool_meets_integers(a, b):
    """A bool element meeting an integer or float element takes its dtype
    (NumPy puts bool lowest)."""
    x, y = a[0], b[0]
    return x + y, x * y, x & y, y << x, y // (x + 1), x - y


def bitwise_and(a, b):
    return a[0] & b[0]


def true_divide_elements(a, b):
    return a[0] / b[0], b[0] / a[0]


def int_of_element(a):
    return int(a[0])


def scale_by(a, k):
    for i in range(len(a)):
        a[i] = a[i] * k + 1
    return a


def plus_constants(a):
    return a[0] + 100, a[0] - 300, a[0] & 1000
