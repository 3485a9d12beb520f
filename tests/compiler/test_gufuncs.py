"""``@guvectorize``: generalized NumPy ufuncs of compiled kernels that write their outputs,
compared with NumPy's own functions; and the layout strings they are declared with."""
import numpy as np
import pytest

from compiler import guvectorize
from compiler.gufunc_layout import LayoutError, parse_layout
from ir import TypingError, UnsupportedError


@guvectorize(["void(f64[:], f64, f64[:])", "void(f32[:], f32, f32[:])"], "(n),()->(n)")
def shift(a, k, out):
    """Adds k to every element."""
    for i in range(a.shape[0]):
        out[i] = a[i] + k


@guvectorize(["void(f64[:], f64[:])", "void(i64[:], i64[:])"], "(n)->()")
def total(a, out):
    s = a[0] - a[0]
    for i in range(a.shape[0]):
        s += a[i]
    out[0] = s


@guvectorize(["void(f64[:, :], f64[:], f64[:])"], "(m,n),(n)->(m)")
def matvec(A, x, out):
    for i in range(A.shape[0]):
        s = 0.0
        for j in range(A.shape[1]):
            s += A[i, j] * x[j]
        out[i] = s


@guvectorize(["void(f64[:, :], f64[:, :], f64[:, :])"], "(m,n),(n,p)->(m,p)")
def matmul(A, B, out):
    for i in range(A.shape[0]):
        for j in range(B.shape[1]):
            s = 0.0
            for k in range(A.shape[1]):
                s += A[i, k] * B[k, j]
            out[i, j] = s


@guvectorize(["void(f64[:], f64[:], f64[:])"], "(3),(3)->(3)")
def cross(a, b, out):
    out[0] = a[1] * b[2] - a[2] * b[1]
    out[1] = a[2] * b[0] - a[0] * b[2]
    out[2] = a[0] * b[1] - a[1] * b[0]


def floats(*shape, seed=3):
    return np.random.default_rng(seed).standard_normal(shape)


def test_guvectorize_is_a_generalized_numpy_ufunc():
    assert isinstance(shift, np.ufunc)
    assert shift.signature == "(n),()->(n)" and (shift.nin, shift.nout) == (2, 1)
    assert shift.types == ["dd->d", "ff->f"]
    assert shift.__name__ == "shift" and "Adds k to every element." in shift.__doc__


def test_loop_dimensions_broadcast_and_outputs_are_allocated_or_given():
    m = floats(3, 4)
    np.testing.assert_array_equal(shift(m, 2.0), m + 2.0)
    k = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(shift(m, k), m + k[:, None])               # loop dimensions (3,) and (3,)
    np.testing.assert_array_equal(shift(m[0], k[:, None]), m[0] + k[:, None, None])   # () and (3, 1)
    assert shift(m, k[:, None]).shape == (3, 3, 4)
    out = np.zeros((3, 4))
    assert shift(m, 1.0, out=out) is out
    np.testing.assert_array_equal(out, m + 1.0)
    assert shift(m.astype(np.float32), 1.0).dtype == np.float64   # dd->d comes first and float32 casts to it
    assert shift(m.astype(np.float32), 1.0, dtype=np.float32).dtype == np.float32


@pytest.mark.parametrize("view", ["rows", "columns", "reversed", "fortran", "stepped"])
def test_core_dimensions_of_any_strides(view):
    m = floats(6, 8)
    x = {"rows": m, "columns": m.T, "reversed": m[::-1, ::-1], "fortran": np.asfortranarray(m),
         "stepped": m[::2, 1::3]}[view]
    np.testing.assert_array_equal(shift(x, 0.5), x + 0.5)
    np.testing.assert_allclose(total(x), x.sum(axis=-1), rtol=1e-13)
    np.testing.assert_allclose(matvec(x, x[0]), x @ x[0], rtol=1e-13)


def test_reductions_matrix_products_and_fixed_sizes_match_numpy():
    A, B = floats(5, 3, 4), floats(4, 2, seed=4)
    np.testing.assert_allclose(matmul(A, B), A @ B, rtol=1e-13)
    np.testing.assert_allclose(matmul(A.transpose(0, 2, 1), A), A.transpose(0, 2, 1) @ A, rtol=1e-13)
    np.testing.assert_allclose(matvec(A, B[:, 0]), A @ B[:, 0], rtol=1e-13)
    a, b = floats(10, 3), floats(10, 3, seed=5)
    np.testing.assert_allclose(cross(a, b), np.cross(a, b), rtol=1e-13)
    with pytest.raises(ValueError):
        cross(floats(10, 4), floats(10, 4))          # NumPy checks the fixed core size
    ints = np.arange(12).reshape(3, 4)
    np.testing.assert_array_equal(total(ints), ints.sum(axis=1))
    assert total(ints).dtype == np.int64


def test_axes_and_axis_keywords_are_numpys():
    m = floats(4, 5)
    np.testing.assert_allclose(total(m, axis=0), m.sum(axis=0), rtol=1e-13)
    np.testing.assert_array_equal(shift(m, 1.0, axes=[(0,), (), (0,)]), m + 1.0)


def test_empty_loops_and_empty_core_dimensions():
    assert shift(np.zeros((0, 4)), 1.0).shape == (0, 4)
    np.testing.assert_array_equal(matvec(np.zeros((2, 3, 0)), np.zeros(0)), np.zeros((2, 3)))
    assert total(np.arange(5.0)) == 10.0                # no loop dimension: a scalar


def test_mismatched_core_dimensions_are_numpys_error():
    with pytest.raises(ValueError, match="mismatch in its core dimension"):
        matvec(floats(3, 4), floats(5))


def test_scalar_operands_as_one_element_arrays_numba_style():
    @guvectorize(["void(f64[:], f64[:], f64[:])"], "(n),()->()")
    def dot_scaled(a, k, out):
        s = 0.0
        for i in range(a.shape[0]):
            s += a[i] * k[0]
        out[0] = s

    m = floats(3, 4)
    np.testing.assert_allclose(dot_scaled(m, 2.0), m.sum(axis=1) * 2.0, rtol=1e-13)


def test_errors_in_the_kernel_are_raised():
    @guvectorize(["void(f64[:], f64[:])"], "(n)->(n)")
    def off_by_one(a, out):
        for i in range(a.shape[0] + 1):
            out[i] = a[i]

    with pytest.raises(IndexError, match="index 4 is out of bounds for axis 0 with size 4"):
        off_by_one(np.ones((3, 4)))
    with pytest.raises(IndexError):
        off_by_one(np.ones((3000, 4)))               # the GIL released by NumPy

    @guvectorize(["void(i64[:], i64[:])"], "(n)->()")
    def mean_int(a, out):
        out[0] = a.sum() // a.shape[0]

    with pytest.raises(ZeroDivisionError):
        mean_int(np.zeros((2, 0), dtype=np.int64))
    np.testing.assert_array_equal(mean_int(np.arange(6).reshape(2, 3)), [1, 4])


def test_kernels_that_cannot_be_compiled_name_what_to_do():
    def write_input(a, out):
        a[0] = 1.0
        out[0] = 1.0

    with pytest.raises(TypingError, match="read-only") as caught:
        guvectorize(["void(f64[:], f64[:])"], "(n)->(n)")(write_input)
    assert any("guvectorize kernel write_input()" in note for note in caught.value.__notes__)

    def returns(a, out):
        return a[0]

    with pytest.raises(TypingError, match="returns nothing"):
        guvectorize(["void(f64[:], f64[:])"], "(n)->()")(returns)
    with pytest.raises(TypingError, match="write 'void"):
        guvectorize(["f64(f64[:], f64[:])"], "(n)->()")(returns)


def test_bad_signatures_and_layouts():
    def f(a, out):
        out[0] = a[0]

    with pytest.raises(TypingError, match=r"the output 'out' is declared f64 .* declare it f64\[:\]"):
        guvectorize(["void(f64[:], f64)"], "(n)->()")(f)
    with pytest.raises(TypingError, match="2-d array but its layout \\(n\\) has 1 core"):
        guvectorize(["void(f64[:, :], f64[:])"], "(n)->(n)")(f)
    with pytest.raises(TypingError, match=r"the input 'a' is declared f64 but its layout is \(n\)"):
        guvectorize(["void(f64, f64[:])"], "(n)->(n)")(f)
    with pytest.raises(TypingError, match="has 3 operands but f\\(\\) takes 2"):
        guvectorize(["void(f64[:], f64[:])"], "(n),(n)->(n)")(f)
    with pytest.raises(TypeError, match="needs the signatures and the layout"):
        guvectorize(["void(f64[:], f64[:])"])
    with pytest.raises(TypeError, match="needs the signatures and the layout"):
        guvectorize(f)
    with pytest.raises(LayoutError, match="guvectorize: .*flexible"):
        guvectorize(["void(f64[:], f64[:])"], "(n?)->(n)")
    with pytest.raises(UnsupportedError, match="identity"):
        guvectorize(["void(f64[:], f64[:])"], "(n)->(n)", identity=0)


@pytest.mark.parametrize("text, inputs, outputs", [
    ("(n),()->(n)", (("n",), ()), (("n",),)),
    (" ( m , n ) , (n)  -> (m) ", (("m", "n"), ("n",)), (("m",),)),
    ("(3),(3)->(3)", (("3",), ("3",)), (("3",),)),
    ("()->(),()", ((),), ((), ())),
])
def test_layouts_are_read(text, inputs, outputs):
    layout = parse_layout(text)
    assert (layout.inputs, layout.outputs) == (inputs, outputs)
    assert parse_layout(str(layout)) == layout


def test_layout_dimension_indices_and_step_offsets():
    layout = parse_layout("(m,n),(n,p)->(m,p)")
    assert layout.dimensions == ("m", "n", "p")
    assert [layout.dimension_indices(k) for k in range(3)] == [(0, 1), (1, 2), (0, 2)]
    assert [layout.step_offset(k) for k in range(3)] == [0, 2, 4]


@pytest.mark.parametrize("text, message", [
    ("(n)", "one '->'"),
    ("(n)->", "no output"),
    ("(n)(m)->(n)", "separated by commas"),
    ("n->(n)", "parenthesized"),
    ("(n|1)->(n)", "broadcastable"),
    ("(n),->(n)", "parenthesized"),
    ("(1n)->()", "a dimension is a name or a size"),
])
def test_bad_layouts(text, message):
    with pytest.raises(LayoutError, match=message):
        parse_layout(text)


def test_parallel_target_splits_the_outer_loop():
    @guvectorize(["void(f64[:], f64[:])"], "(n)->()", target="parallel")
    def par_total(a, out):
        s = 0.0
        for i in range(a.shape[0]):
            s += a[i]
        out[0] = s

    m = floats(1000, 30)
    np.testing.assert_array_equal(par_total(m), total(m))
    np.testing.assert_array_equal(par_total(m[:3]), total(m[:3]))

    @guvectorize(["void(f64[:], f64[:])"], "(n)->(n)", target="parallel")
    def checked(a, out):
        for i in range(a.shape[0]):
            if a[i] < 0:
                raise ValueError(f"negative {a[i]}")
            out[i] = a[i]

    rows = np.abs(floats(500, 4))
    rows[300, 2], rows[400, 0] = -1.0, -2.0
    with pytest.raises(ValueError, match="negative -1.0"):
        checked(rows)
