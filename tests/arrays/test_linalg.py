"""Matrix products (``frontend/linalg.py``, ``linalg.matmul``): ``a @ b``, ``np.matmul``, ``np.dot``,
``np.vdot``, ``np.inner``, ``np.outer`` and ``a @= b`` against NumPy on the same inputs.

Float and complex products run in NumPy's own BLAS: 2-d by 2-d products call the same
``gemm`` NumPy calls and are compared bit for bit; where NumPy picks another routine (``gemv``
or ``dot`` for a vector) the results agree to rounding.  Integer and bool products are
loops and exact.  Without a BLAS the float products are loops too, equal to rounding.
"""
import numpy as np
import pytest

import runtime.blas
from compiler import compile
from ir import TypingError, UnsupportedError
from tests.arrays.support import check_against_numpy
from tests.arrays.test_wholearray import data, fortran, strided, transposed
from tests.long import grid, long_except


def check(kernel, *args, exact=False):
    check_against_numpy(kernel, *args, exact=exact)


def matmul_operator(a, b):
    return a @ b


def matmul_function(a, b):
    return np.matmul(a, b)


def dot_function(a, b):
    return np.dot(a, b)


def dot_method(a, b):
    return a.dot(b)


def vdot(a, b):
    return np.vdot(a, b)


def inner(a, b):
    return np.inner(a, b)


def outer(a, b):
    return np.outer(a, b)


def matmul_in_place(a, b):
    a @= b
    return a


def gemm(alpha, a, b, beta, c):
    return alpha * a @ b + beta * c


SHAPES = [((3, 4), (4, 5)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,)), ((0, 4), (4, 3)), ((2, 0), (0, 3)),
          ((1, 1), (1, 1)), ((3, 4), (4, 0))]


@pytest.mark.parametrize("kernel", [matmul_operator, matmul_function, dot_function, dot_method])
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
def test_products_of_vectors_and_matrices(kernel, shapes):
    a, b = data("float64", shapes[0], seed=1), data("float64", shapes[1], seed=2)
    check(kernel, a, b, exact=len(shapes[0]) == len(shapes[1]) == 2)


@pytest.mark.parametrize("layout", [fortran, strided, transposed], ids=lambda f: f.__name__)
def test_layouts_of_the_operands(layout):
    """F-ordered operands go to BLAS transposed; other views are copied first."""
    a, b = data("float64", (5, 4), seed=3), data("float64", (4, 6), seed=4)
    check(matmul_operator, layout(a), b, exact=True)
    check(matmul_operator, a, layout(b), exact=True)
    check(matmul_operator, a[1:, ::2], b[::2, 1:], exact=True)


@pytest.mark.parametrize("dtypes", [("float32", "float32"), ("float32", "float64"), ("complex128", "complex128"),
                                    ("complex64", "complex64"), ("complex64", "float64"), ("int64", "int64"),
                                    ("int8", "int8"), ("int8", "bool"), ("uint16", "int32"), ("bool", "bool")],
                         ids=str)
def test_dtypes_are_numpys(dtypes):
    """NumPy's loop type; integer products wrap as NumPy's (int8 here), bools are any(a and b)."""
    a, b = data(dtypes[0], (3, 5), seed=5), data(dtypes[1], (5, 2), seed=6)
    if dtypes == ("int8", "int8"):
        a, b = a * np.int8(12), b * np.int8(11)
    check(matmul_operator, a, b, exact=dtypes[0] == dtypes[1] and "complex" not in dtypes[0])
    check(dot_function, a[0], b, exact=dtypes[0] in ("int8", "bool", "int64", "uint16"))


def test_mismatched_inner_extents_raise_numpys_value_error():
    for kernel in (matmul_operator, dot_function, vdot, inner):
        check(kernel, data("float64", (2, 3)), data("float64", (4, 5)))
        check(kernel, data("float64", 3), data("float64", 4))


def test_a_scalar_operand_of_matmul_is_numpys_error_when_compiling():
    with pytest.raises(TypingError, match="Input operand 1 does not have enough dimensions"):
        compile(matmul_operator)(data("float64", 3), 2.0)
    check(dot_function, data("float64", 3), 2.0)
    check(dot_function, 2, data("int32", (2, 2)))


STACKS = [((2, 3, 4), (2, 4, 5)), ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)), ((2, 1, 3, 4), (5, 4, 2)),
          ((2, 3, 4), (1, 4, 2)), ((1, 2, 3), (4, 1, 3, 2)), ((0, 3, 4), (4, 2)), ((0, 3, 4), (1, 4, 5)),
          ((2, 0, 4), (2, 4, 3)), ((2, 3, 0), (2, 0, 3)), ((1,) * 5 + (2, 2), (3,) * 5 + (2, 2))]
VECTOR_STACKS = [((2, 3, 4), (4,)), ((4,), (2, 4, 3)), ((3,), (2, 3, 3, 4))]


# each pair of shapes by default, with the operator or the function in turn
@pytest.mark.parametrize("shapes, kernel", grid([(shapes,) for shapes in STACKS + VECTOR_STACKS],
                                                [matmul_operator, matmul_function],
                                                row_ids=lambda r: str(r[0]), col_ids=lambda k: k.__name__))
def test_stacks_of_matrices(kernel, shapes):
    """NumPy's broadcasting of the leading extents; each product is NumPy's gemm (bit for bit)."""
    a, b = data("float64", shapes[0], seed=21), data("float64", shapes[1], seed=22)
    check(kernel, a, b, exact=len(shapes[0]) > 1 and len(shapes[1]) > 1)


@pytest.mark.parametrize("dtypes", [("float32", "float32"), ("float32", "float64"), ("complex64", "complex64"),
                                    ("complex128", "int32"), ("int64", "int64"), ("int8", "bool"), ("bool", "bool")],
                         ids=str)
def test_stacks_of_matrices_of_every_dtype(dtypes):
    a, b = data(dtypes[0], (2, 3, 4), seed=23), data(dtypes[1], (2, 4, 2), seed=24)
    check(matmul_operator, a, b, exact=dtypes[0] == dtypes[1] and "complex" not in dtypes[0])
    check(matmul_operator, a, b[1])


@pytest.mark.parametrize("layout", [fortran, strided, transposed], ids=lambda f: f.__name__)
def test_layouts_of_stacks(layout):
    a, b = data("float64", (4, 5, 4), seed=25), data("float64", (4, 4, 4), seed=26)
    check(matmul_operator, layout(a), b, exact=True)
    check(matmul_operator, a, layout(b), exact=True)


def test_stacks_of_matrices_errors_are_numpys():
    """The core extents are checked first, then the leading ones, with NumPy's messages (the
    extents shown as ``?`` when they are more than a run-time check carries)."""
    for shapes in [((2, 3, 4), (3, 4, 5)), ((2, 3, 4), (3, 5, 5)), ((3, 4), (2, 5, 2)), ((2, 3, 4), (3, 3, 4, 2)),
                   ((2, 2, 2, 2), (3, 2, 2, 2)), ((0, 3, 4), (2, 4, 5)), ((2, 3, 4), (5,))]:
        check(matmul_operator, data("float64", shapes[0]), data("float64", shapes[1]))
    with pytest.raises(ValueError, match=r"operands could not be broadcast together with remapped shapes "
                                         r"\[original->remapped\]: \(\?,\?,\?,\?,\?\)"):
        compile(matmul_operator)(np.ones((2,) * 5), np.ones((3,) + (2,) * 4))


def test_stacks_in_place():
    check(matmul_in_place, data("float64", (2, 3, 3), seed=27), data("float64", (2, 3, 3), seed=28), exact=True)
    check(matmul_in_place, data("float64", (2, 3, 3), seed=27), data("float64", (3, 3), seed=28), exact=True)


def test_dot_and_inner_of_stacks_are_refused():
    with pytest.raises(UnsupportedError, match=r"np.dot\(\) of arrays of more than 2 dimensions .* a @ b"):
        compile(dot_function)(data("float64", (2, 3, 4)), data("float64", (4, 2)))
    with pytest.raises(UnsupportedError, match=r"np.inner\(\) of arrays of more than 2 dimensions"):
        compile(inner)(data("float64", (2, 3, 4)), data("float64", (2, 4)))


def test_vdot_inner_outer():
    z, w = data("complex128", (2, 3), seed=7), data("complex128", (2, 3), seed=8)
    check(vdot, z, w)
    check(vdot, data("float64", (2, 3)), data("float64", 6))
    check(inner, data("float64", (2, 3)), data("float64", (4, 3)))
    check(inner, data("float64", 3), data("float64", (4, 3)))
    check(outer, data("float64", (2, 2)), data("int32", 3))
    check(outer, data("float32", 3), 2.5)


def test_in_place_product_writes_into_the_array():
    a, b = data("float64", (3, 3), seed=9), data("float64", (3, 3), seed=10)
    check(matmul_in_place, a, b, exact=True)
    want, got = a.copy(), a.copy()
    matmul_in_place(want, b)
    compile(matmul_in_place)(got, b)
    np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match="Output operand 0 has a mismatch"):
        compile(matmul_in_place)(data("float64", (3, 3)), data("float64", (3, 1)))


def test_gemm_fuses_around_the_product():
    a, b, c = data("float64", (6, 4), seed=11), data("float64", (4, 5), seed=12), data("float64", (6, 5), seed=13)
    check(gemm, 1.5, a, b, 0.5, c)


def test_float_products_are_loops_without_a_blas(monkeypatch):
    """No BLAS in the process: the product is an ``array.reduce`` over ``m x k x n``, equal
    to NumPy's to rounding."""
    monkeypatch.setattr(runtime.blas, "find", lambda: None)
    for dtype in ("float64", "complex64"):
        check(matmul_operator, data(dtype, (3, 4), seed=14), data(dtype, (4, 2), seed=15))
    f = compile(matmul_operator)
    f(data("float64", (2, 2)), data("float64", (2, 2)))
    assert "linalg.matmul" not in f.inspect_ir(stage="optimized")


def test_blas_is_numpys_own():
    blas = runtime.blas.find()
    assert blas is not None, "NumPy's BLAS was not found in this process"
    assert blas.address(blas.symbol("dgemm")) is not None
    f = compile(matmul_operator)
    f(data("float64", (2, 2)), data("float64", (2, 2)))
    assert "linalg.matmul" in f.inspect_ir(stage="optimized")
    assert blas.symbol("dgemm") in f.inspect_ir(stage="lowered")


def solve(a, b):
    return np.linalg.solve(a, b)


def inverse(a):
    return np.linalg.inv(a)


SYSTEM = data("float64", (4, 4), seed=16) + 8 * np.eye(4)
SINGULAR = np.array([[1.0, 2.0], [2.0, 4.0]])


@pytest.mark.parametrize("a, b, exact", [
    (SYSTEM, data("float64", 4, seed=17), True), (SYSTEM, data("float64", (4, 3), seed=18), True),
    (fortran(SYSTEM), data("float64", 4, seed=17), True), (SYSTEM[::2, ::2], data("float64", 2), True),
    (np.eye(3, dtype=np.int32), np.arange(3), True), (SYSTEM + 1j * np.eye(4), data("complex128", 4), True),
    (SYSTEM.astype(np.float32), data("float32", 4, seed=19), True), (np.zeros((0, 0)), np.zeros(0), True),
    (SINGULAR, np.ones(2), True), (np.ones((2, 3)), np.ones(2), True), (np.ones((2, 2)), np.ones(3), True),
    (np.ones((2, 2)), np.ones((3, 2)), True),
], ids=lambda x: str(getattr(x, "shape", "")))
def test_solve_is_numpys(a, b, exact):
    """LAPACK's gesv of NumPy's LAPACK on the column-major copies NumPy makes too: float64 and
    complex128 bit for bit; a singular matrix is NumPy's LinAlgError, shapes its errors."""
    check(solve, a, b, exact=exact)


def test_inverse_is_numpys():
    check(inverse, SYSTEM, exact=True)
    check(inverse, SINGULAR)
    check(inverse, SYSTEM.astype(np.complex64), exact=True)   # in complex128, as NumPy


def determinant(a):
    return np.linalg.det(a)


SOLVE_STACKS = [((2, 3, 3), (3, 3, 4)), ((2, 3, 3), (3,)), ((2, 3, 3), (2, 3)), ((2, 3, 3), (4,)),
                ((2, 3, 3), (3, 4, 2)), ((2, 3, 3), (3, 2, 4)), ((3, 3), (2, 3, 4)), ((0, 3, 3), (3,)),
                ((2, 3, 3), (1, 3, 1)), ((2, 2, 3, 3), (2, 3, 3)), ((3, 3), (5, 2, 3)), ((2, 3, 4), (3,)),
                ((2, 0, 0), (2, 0, 1)), ((1, 2, 2), (3, 2, 2))]


@pytest.mark.parametrize("shapes", SOLVE_STACKS, ids=str)
def test_solve_inv_det_of_stacks(shapes):
    """NumPy 2's gufuncs: a 1-d b is one vector for every matrix (solve1), any other b a stack of
    matrices broadcast with a's; each matrix solved, inverted or factored as a 2-d one (bit for
    bit); NumPy's errors (non-square, core extents, broadcasting) in its order."""
    a, b = data("float64", shapes[0], seed=29), data("float64", shapes[1], seed=30)
    if shapes[0][-1] == shapes[0][-2]:
        a = a + 8 * np.eye(shapes[0][-1])
    check(solve, a, b, exact=True)
    check(inverse, a, exact=True)
    check(determinant, a, exact=True)


@pytest.mark.parametrize("dtype", long_except(["float32", "complex64", "complex128", "int32", "bool"],
                                              keep=["float32", "complex128", "int32"]))
def test_solve_inv_det_of_stacks_of_every_dtype(dtype):
    a = (data("float64", (3, 2, 4, 4), seed=31) + 8 * np.eye(4)).astype(dtype)
    check(solve, a, data(dtype, 4, seed=32), exact=True)   # in double precision, as NumPy
    check(inverse, a, exact=True)
    check(determinant, a, exact=True)
    check(inverse, transposed(a), exact=True)
    check(determinant, a[:, :, ::2, ::2], exact=True)


def test_a_singular_matrix_in_a_stack():
    stack = np.stack([np.eye(2), np.ones((2, 2))])
    check(solve, stack, np.ones(2))     # NumPy's LinAlgError: Singular matrix
    check(inverse, stack)
    check(determinant, stack)           # 0.0 for that one


def test_linalg_of_a_vector_is_numpys_error_when_compiling():
    for kernel in (inverse, determinant):
        with pytest.raises(TypingError, match="1-dimensional array given. Array must be at least two-dimensional"):
            compile(kernel)(np.ones(3))


def matrix_power(a, n):
    return np.linalg.matrix_power(a, n)


def _constant_power(n):
    def power(a):
        return np.linalg.matrix_power(a, n)
    return power


POWERS = [-5, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 13]
#: the constant exponents (a compile each): one of every path of NumPy's matrix_power
CONSTANT_POWERS = [-3, -1, 0, 1, 2, 3, 13]
POWER_INPUTS = {"f64": SYSTEM, "f32": SYSTEM.astype(np.float32), "c128": SYSTEM + 1j * SYSTEM.T,
                "stack": data("float64", (2, 3, 3), seed=33), "empty": np.zeros((0, 0)),
                "empty_stack": np.zeros((2, 0, 0)), "not_square": np.ones((2, 3)), "singular": SINGULAR}


# by default a stack of float64 matrices, both kinds of exponent (2-d matrices: the integer test below, constant
# exponents; -m long: f64 and the others)
@pytest.mark.parametrize("name", long_except(sorted(POWER_INPUTS), keep=["stack"]))
def test_matrix_power(name):
    """NumPy's products in its order (short cuts, then binary decomposition): bit for bit, for a
    run-time and a constant exponent."""
    for n in POWERS:
        check(matrix_power, POWER_INPUTS[name], n, exact=True)
    for n in CONSTANT_POWERS:
        check(_constant_power(n), POWER_INPUTS[name], exact=True)


@pytest.mark.parametrize("dtype", ["int64", "int8", "bool"])
def test_matrix_power_of_integers_takes_a_constant_exponent(dtype):
    """NumPy's result type depends on the sign of n for them (inv gives floats)."""
    a = data(dtype, (3, 3), seed=34)
    for n in [-2, 0, 1, 2, 3, 5, 8]:
        check(_constant_power(n), a, exact=True)
    with pytest.raises(UnsupportedError, match="takes a constant exponent"):
        compile(matrix_power)(a, 2)


def test_matrix_power_errors():
    with pytest.raises(TypingError, match="exponent must be an integer"):
        compile(matrix_power)(SYSTEM, 2.0)
    assert compile(_constant_power(1))(SYSTEM) is SYSTEM   # NumPy's a itself
