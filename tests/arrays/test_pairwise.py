"""Float sums add in NumPy's pairwise order: bit for bit NumPy's result for 1-D arrays and
views, C-contiguous arrays, 2-D views and along the last axis, at every length around
NumPy's block of 128 and its unrolling by 8."""
import numpy as np
import pytest

from compiler import compile
from tests.long import grid

LENGTHS = (0, 1, 7, 8, 9, 16, 17, 127, 128, 129, 136, 255, 256, 257, 1000, 4097, 65539)
DTYPES = ("float32", "float64")


def data(dtype, shape, seed=0):
    rng = np.random.default_rng(seed)
    size = int(np.prod(shape))
    return (rng.standard_normal(size) * 10.0 ** rng.uniform(-3, 3, size)).astype(dtype).reshape(shape)


def total(a):
    return a.sum()


def dot(a, b):
    return np.sum(a * b)


def mean(a):
    return np.mean(a)


def variance(a):
    return a.var()


def rows(a):
    return a.sum(axis=-1)


def every_other(a):
    return a[:, ::2].sum()


def reversed_sum(a):
    return a[::-1].sum()


def fortran_sum(a):
    return a.T.sum() + np.sum(a.T * 2.0)


def scaled_rows(a, row):
    return (a * row).sum(), (a * row).sum(axis=1)


def scaled_columns(a, column):
    return (a * column).sum()


def stepped_sum(a, step):
    return a[::step].sum() + np.sum(a[::step] * 2.0)


def same_bits(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    assert got.tobytes() == want.tobytes(), f"{got!r} != NumPy's {want!r}"


@pytest.mark.parametrize("n, dtype", grid(LENGTHS, DTYPES))   # each length (the blocks are of elements), each dtype
def test_one_dimensional(n, dtype):
    a, b = data(dtype, n, 1), data(dtype, n, 2)
    for kernel, args in ((total, (a,)), (dot, (a, b)), (reversed_sum, (a,))):
        same_bits(compile(kernel)(*args), kernel(*args))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kernel", (mean, variance))
def test_mean_and_variance(kernel, dtype):
    with np.errstate(all="ignore"):
        for n in (1, 9, 130, 4097):
            a = data(dtype, n, 3)
            same_bits(compile(kernel)(a), kernel(a))


SHAPES = [(3, 5), (4, 130), (300, 3), (7, 300), (2, 3, 50)]


@pytest.mark.parametrize("shape, dtype", grid([(shape,) for shape in SHAPES], DTYPES,
                                              row_ids=lambda r: f"shape{SHAPES.index(r[0])}"))   # each once
def test_arrays_views_and_rows(shape, dtype):
    a = data(dtype, shape, 4)
    for kernel in (total, rows, every_other, fortran_sum):
        same_bits(compile(kernel)(a), kernel(a))


@pytest.mark.parametrize("dtype", DTYPES)
def test_sums_of_broadcast_expressions(dtype):
    """A row or a column broadcast into the sum is read at its own indices (not as a
    flattened array of the space's size)."""
    a = data(dtype, (5, 300), 5)
    row, column = data(dtype, 300, 6), data(dtype, (5, 1), 7)
    for got, want in zip(compile(scaled_rows)(a, row), scaled_rows(a, row)):
        same_bits(got, want)
    same_bits(compile(scaled_columns)(a, column), scaled_columns(a, column))


@pytest.mark.parametrize("dtype", DTYPES)
def test_views_of_any_step_in_one_specialisation(dtype):
    """A view whose stride is known only at run time is summed in the unit-stride copy of
    the eight lanes when it steps one element, else in the strided copy: the same bits."""
    fn = compile(stepped_sum)
    for n in (7, 130, 1000):
        a = data(dtype, n, 8)
        for step in (1, 2, -1, 3):
            same_bits(fn(a, step), stepped_sum(a, step))


def test_the_leaf_is_versioned_on_unit_strides():
    """Only arrays whose layout leaves the stride open get the run-time test."""
    from compiler import CompileOptions
    from compiler.pipeline import build_module
    from ir.types import ArrayType, f64

    for layout, versioned in (("A", True), ("C", False)):
        module, _ = build_module(total, [ArrayType(f64, 1, layout)], None, CompileOptions(opt=2))
        text = str(module)
        assert ("array.stride" in text and "contiguous_axis = 0" in text) == versioned, layout


def test_the_lanes_are_combined_by_a_function_no_pass_inlines():
    """The combination of the eight lanes stays a call (LLVM's SLP vectorizer would start
    from its additions), also when ``inline`` runs after ``lower-arrays``."""
    from compiler import CompileOptions
    from compiler.passes.manager import PassManager
    from compiler.pipeline import build_module
    from ir.types import ArrayType, f64

    manager = PassManager("fold,dce,cse,fuse,lower-arrays,inline", verify_each=True)
    module, _ = build_module(total, [ArrayType(f64, 1, "C")], None, CompileOptions(opt=2), manager=manager)
    text = str(module)
    assert '{callee = "total.pairwise.combine"}' in text and "noinline = true" in text


def test_long_float32_sum_is_as_accurate_as_numpys():
    """Left to right, 10**6 float32 tenths are off by about 1%; pairwise, by less than 1e-6."""
    a = np.full(10 ** 6, 0.1, np.float32)
    exact = np.float64(np.float32(0.1)) * 10 ** 6
    got = compile(total)(a)
    same_bits(got, a.sum())
    assert abs(got - exact) / exact < 1e-6


def test_the_outlined_function_recurses():
    from compiler import CompileOptions
    from compiler.pipeline import build_module
    from ir.types import ArrayType, f64

    module, _ = build_module(total, [ArrayType(f64, 1, "C")], None, CompileOptions(opt=2))
    text = str(module)
    assert "func @total.pairwise(" in text and text.count('{callee = "total.pairwise"}') == 3
