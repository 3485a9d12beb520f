"""Array helpers written in the Python compiled code runs (traced like user code).

``a.ndim`` is a compile-time int, so the ``if`` on it runs at trace time and
each helper unrolls into one loop nest per number of dimensions.
"""
from __future__ import annotations


def fill(a, value):
    """Every element of ``a`` set to ``value`` (converted to the dtype)."""
    if a.ndim == 1:
        for i in range(a.shape[0]):
            a[i] = value
    else:
        for i in range(a.shape[0]):
            fill(a[i], value)


def copy_into(dst, src):
    """``dst[...] = src[...]`` for arrays of one shape."""
    if dst.ndim == 1:
        for i in range(dst.shape[0]):
            dst[i] = src[i]
    else:
        for i in range(dst.shape[0]):
            copy_into(dst[i], src[i])


def arange_fill(a, start, delta):
    """``a[i] = start + i * delta`` over a 1-d array (NumPy's ``arange`` fill)."""
    for i in range(a.shape[0]):
        a[i] = start + i * delta


def cumulate(src, out, multiply):
    """``out[i, j, k]`` = the running sum (``multiply``: product) of ``src[i, :j + 1, k]``,
    over 3-d arrays of one shape: NumPy's ``cumsum``/``cumprod`` along the middle axis,
    in order."""
    for i in range(src.shape[0]):
        for k in range(src.shape[2]):
            if src.shape[1] > 0:
                out[i, 0, k] = src[i, 0, k]
        for j in range(1, src.shape[1]):
            for k in range(src.shape[2]):
                if multiply:
                    out[i, j, k] = out[i, j - 1, k] * src[i, j, k]
                else:
                    out[i, j, k] = out[i, j - 1, k] + src[i, j, k]
