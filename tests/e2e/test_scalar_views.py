"""``x.view(dtype)`` of NumPy scalars: the bits read as another type, as NumPy does."""
import numpy as np
import pytest

from compiler import compile
from ir import TypingError, UnsupportedError


def bits(a, i):
    x = a[i]
    return x.view(np.int64), x.view(np.uint64), x.view(np.int64).view(np.float64)


def bits32(a, i):
    x = a[i]
    return x.view(np.int32), x.view("u4"), x.view(np.int32).view(np.float32)


def flag_bits(a, i):
    return a[i].view(np.uint8), a[i].view(np.int8)


@pytest.mark.parametrize("kernel, a", [
    (bits, np.array([1.5, -0.0, np.nan, -np.inf, 5e-324, -np.nan])),
    (bits32, np.array([1.5, -0.0, np.nan, -np.inf, 1e-45, -np.nan], np.float32)),
    (flag_bits, np.array([True, False])),
], ids=["float64", "float32", "bool"])
def test_view_reads_the_bits_as_numpy(kernel, a):
    compiled = compile(kernel)
    for i in range(len(a)):
        for got, want in zip(compiled(a, i), kernel(a, i)):   # int64/float64 may come back as Python's
            assert type(got) in (type(want), type(want.item()))
            assert np.asarray(got, want.dtype).tobytes() == np.asarray(want).tobytes()


def python_float_view(x):
    return x.view(np.int64)


def narrowing_view(a):
    return a[0].view(np.int32)


def bool_view(a):
    return a[0].view(np.bool_)


def test_view_errors():
    with pytest.raises(TypingError, match="AttributeError: 'float' object has no attribute 'view'"):
        compile(python_float_view)(1.5)
    with pytest.raises(TypingError, match="itemsize is unchanged"):
        compile(narrowing_view)(np.zeros(1))
    with pytest.raises(UnsupportedError, match="as bool"):
        compile(bool_view)(np.zeros(1, np.uint8))
