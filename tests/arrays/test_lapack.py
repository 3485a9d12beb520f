"""``np.linalg`` functions computed by NumPy's own LAPACK (``frontend/lapack.py``,
``linalg.lapack``) against NumPy on the same inputs: the same routines with the same
workspaces on the same column-major copies, so float64 and complex128 results are compared
bit for bit (float32 and int inputs compute in double as NumPy's do); NumPy's errors for
non-square, singular, not positive definite and non-2-d inputs; empty matrices."""
import numpy as np
import pytest

from compiler import compile
from ir import TypingError, UnsupportedError
from tests.arrays.support import check_against_numpy
from tests.long import grid, long_except

RNG = np.random.default_rng(1234)
SQUARE = RNG.standard_normal((5, 5))
SPD = SQUARE @ SQUARE.T + 5 * np.eye(5)
HERMITIAN = SPD + 1j * (np.triu(SQUARE, 1) - np.triu(SQUARE, 1).T)
WIDE = RNG.standard_normal((3, 5))
TALL = RNG.standard_normal((6, 4))
COMPLEX = SQUARE + 1j * RNG.standard_normal((5, 5))
SINGULAR = np.array([[1.0, 2.0], [2.0, 4.0]])
INTS = np.array([[4, 1, 2], [1, 5, 3], [2, 3, 6]])

MATRICES = {
    "f64": SQUARE, "f32": SQUARE.astype(np.float32), "c128": COMPLEX, "c64": COMPLEX.astype(np.complex64),
    "int": INTS, "bool": np.array([[True, False], [True, True]]), "F": np.asfortranarray(SQUARE),
    "strided": SQUARE[::2, ::2], "T": SQUARE.T, "empty": np.zeros((0, 0)), "one": np.array([[3.0]]),
    "nan": np.array([[1.0, np.nan], [0.0, 2.0]]),
}
RECTANGLES = {"wide": WIDE, "tall": TALL, "c_wide": WIDE + 1j * WIDE[::-1], "f32_tall": TALL.astype(np.float32),
              "empty_rows": np.zeros((0, 3)), "empty_cols": np.zeros((3, 0)), "row": WIDE[:1]}
POSITIVE = {"f64": SPD, "f32": SPD.astype(np.float32), "c128": HERMITIAN, "c64": HERMITIAN.astype(np.complex64),
            "int": INTS, "empty": np.zeros((0, 0))}


def check(kernel, *args):
    """Bit for bit where NumPy computes in double (every case here), else to rounding."""
    exact = all(np.asarray(a).dtype not in (np.float32, np.complex64) for a in args)
    check_against_numpy(kernel, *args, exact=exact)


def det(a):
    return np.linalg.det(a)


def cholesky(a):
    return np.linalg.cholesky(a)


def cholesky_upper(a):
    return np.linalg.cholesky(a, upper=True)


def qr(a):
    return np.linalg.qr(a)


def qr_complete(a):
    q, r = np.linalg.qr(a, mode="complete")
    return q, r


def qr_r(a):
    return np.linalg.qr(a, mode="r")


def eigh(a):
    w, v = np.linalg.eigh(a)
    return w, v


def eigh_upper(a):
    return np.linalg.eigh(a, UPLO="U")


def eigvalsh(a):
    return np.linalg.eigvalsh(a)


def svd(a):
    u, s, vh = np.linalg.svd(a)
    return u, s, vh


def svd_reduced(a):
    return np.linalg.svd(a, full_matrices=False)


def svd_values(a):
    return np.linalg.svd(a, compute_uv=False)


@pytest.mark.parametrize("name", sorted(MATRICES))
def test_det(name):
    check(det, MATRICES[name])


def test_det_of_singular_and_non_square_matrices():
    check(det, SINGULAR)
    check(det, np.zeros((3, 3)))
    check(det, WIDE)
    check(det, -np.eye(3))   # pivots and negative diagonal: NumPy's sign


@pytest.mark.parametrize("kernel", [cholesky, cholesky_upper])
@pytest.mark.parametrize("name", sorted(POSITIVE))
def test_cholesky(kernel, name):
    check(kernel, POSITIVE[name])


def test_cholesky_errors():
    check(cholesky, SQUARE)              # not positive definite: LinAlgError at run time
    check(cholesky, np.full((2, 2), np.nan))
    check(cholesky, WIDE)                # not square


# each input and mode by default: the complete mode of a tall matrix, the reduced of a tall and a wide one
@pytest.mark.parametrize("name, kernel", grid(sorted(RECTANGLES) + ["f64", "c128", "int", "empty"],
                                              [qr, qr_r, qr_complete], col_ids=lambda k: k.__name__))
def test_qr(kernel, name):
    check(kernel, {**RECTANGLES, **MATRICES}[name])


@pytest.mark.parametrize("kernel", [eigh, eigh_upper, eigvalsh])
@pytest.mark.parametrize("name", sorted(POSITIVE) + ["nonsymmetric"])
def test_eigh(kernel, name):
    check(kernel, {**POSITIVE, "nonsymmetric": SQUARE}[name])


def test_eigh_of_a_non_square_matrix():
    check(eigh, WIDE)
    check(eigvalsh, TALL)


# each input and kernel by default: full matrices of a tall and a wide matrix, the reduced of a tall one
@pytest.mark.parametrize("name, kernel", grid(sorted(RECTANGLES) + ["f64", "c128", "c64", "int", "empty", "nan"],
                                              [svd, svd_values, svd_reduced], col_ids=lambda k: k.__name__))
def test_svd(kernel, name):
    a = {**RECTANGLES, **MATRICES}[name]
    if name == "nan":   # NumPy: "SVD did not converge" (or NaN): the same as ours either way
        pass
    check(kernel, a)


def test_results_reconstruct_the_matrix():
    u, s, vh = compile(svd_reduced)(COMPLEX)
    np.testing.assert_allclose((u * s) @ vh, COMPLEX, atol=1e-12)
    q, r = compile(qr)(TALL)
    np.testing.assert_allclose(q @ r, TALL, atol=1e-12)
    w, v = compile(eigh)(HERMITIAN)
    np.testing.assert_allclose(v @ np.diag(w) @ v.conj().T, HERMITIAN, atol=1e-10)


def vector_det(a):
    return np.linalg.det(a)


def test_refusals():
    with pytest.raises(TypingError, match="1-dimensional array given. Array must be at least two-dimensional"):
        compile(vector_det)(np.ones(3))

    def raw(a):
        return np.linalg.qr(a, mode="raw")

    def bad_uplo(a):
        return np.linalg.eigvalsh(a, UPLO="X")

    def hermitian(a):
        return np.linalg.svd(a, hermitian=True)

    with pytest.raises(UnsupportedError, match=r"np.linalg.qr\(mode='raw'\)"):
        compile(raw)(SQUARE)
    with pytest.raises(TypingError, match="UPLO argument must be 'L' or 'U'"):
        compile(bad_uplo)(SQUARE)
    with pytest.raises(UnsupportedError, match="hermitian=True"):
        compile(hermitian)(SQUARE)


def solve(a, b):
    return np.linalg.solve(a, b)


def test_solve_computes_on_nan_as_numpy():
    """Fortran gesv, as NumPy calls it: LAPACKE's NaN check returned b unchanged."""
    check(solve, MATRICES["nan"], np.ones(2))
    check(solve, SQUARE.astype(np.float32), np.ones(5, np.float32))   # in float64, cast back: NumPy's bits


def _norm(ord, axis):
    def norm(x):
        return np.linalg.norm(x, ord, axis)
    return norm


VECTOR_ORDS = [None, 1, 2, np.inf, -np.inf, 0, 3, 0.5, -1]
MATRIX_ORDS = [None, "fro", 1, -1, 2, -2, "nuc", np.inf, -np.inf]
NORM_INPUTS = {"f64": TALL, "f32": TALL.astype(np.float32), "c128": WIDE + 1j * WIDE[::-1], "int": INTS,
               "empty_rows": np.zeros((0, 3))}


@pytest.mark.parametrize("name, ord", grid(sorted(NORM_INPUTS), VECTOR_ORDS))   # each input and order by default
def test_vector_norms(ord, name):
    x = NORM_INPUTS[name]
    check_against_numpy(_norm(ord, None), x[0] if len(x) else np.zeros(0), exact=False)
    for axis in (0, 1, -1):
        if not (len(x) == 0 and ord == -np.inf and axis == 0):
            check_against_numpy(_norm(ord, axis), x, exact=False)


@pytest.mark.parametrize("name, ord", grid(sorted(NORM_INPUTS), MATRIX_ORDS))
def test_matrix_norms(ord, name):
    check_against_numpy(_norm(ord, None), NORM_INPUTS[name], exact=False)
    check_against_numpy(_norm(ord, (1, 0)), NORM_INPUTS[name], exact=False)


def _norm_kept(ord, axis):
    def norm(x):
        return np.linalg.norm(x, ord, axis, keepdims=True)
    return norm


CUBE = RNG.standard_normal((3, 4, 5))
CUBES = {"f64": CUBE, "f32": CUBE.astype(np.float32), "c128": CUBE + 1j * CUBE[::-1],
         "c64": (CUBE - 2j * CUBE[:, ::-1]).astype(np.complex64), "int": np.arange(60).reshape(3, 4, 5) - 30,
         "bool": CUBE > 0, "nan": np.where(CUBE > 1.5, np.nan, CUBE), "ones": np.ones((1, 1, 1)),
         "four": RNG.standard_normal((2, 3, 1, 4))}
OTHER_CUBES = {"F": np.asfortranarray(CUBE), "strided": CUBE[::2, 1:, ::2], "reversed": CUBE[:, ::-1, ::-1],
               "T": CUBE.transpose(2, 0, 1), "empty_first": np.zeros((0, 3, 4)), "empty_middle": np.zeros((2, 0, 3)),
               "empty_last": np.zeros((2, 3, 0))}


def _vector_norms(ord):
    def norms(x):
        return (np.linalg.norm(x, ord, 0), np.linalg.norm(x, ord, 1), np.linalg.norm(x, ord, -1),
                np.linalg.norm(x, ord, (-2,), keepdims=True))
    return norms


def _matrix_norms(ord):
    """The three ways of summing over two axes (the last two; the last and another; two others),
    axes in either order and negative, keepdims."""
    def norms(x):
        return (np.linalg.norm(x, ord, (2, 1)), np.linalg.norm(x, ord, (0, 2)), np.linalg.norm(x, ord, (1, 0)),
                np.linalg.norm(x, ord, (-1, -3), keepdims=True))
    return norms


def _matrix_norms_4d(ord):
    def norms(x):
        return (np.linalg.norm(x, ord, (3, 1)), np.linalg.norm(x, ord, (0, 3)), np.linalg.norm(x, ord, (2, 1)),
                np.linalg.norm(x, ord, (-4, -2), keepdims=True))
    return norms


def _exact_norm(name, ord):
    """Whether compiled norms of ``CUBES[name]`` are NumPy's bit for bit: not for complex arrays
    (``np.abs`` and ``x.conj() * x`` of complex numbers round otherwise here than in NumPy's SIMD
    loops), nor past an axis of extent 1 (NumPy's iterator drops it and may sum pairwise where
    the sum is in order here), nor from singular values (gesdd of moved copies)."""
    return not name.startswith("c") and name != "four" and ord not in (2, -2, "nuc")


@pytest.mark.parametrize("name, ord", grid(sorted(CUBES), VECTOR_ORDS))
def test_vector_norms_of_stacks(ord, name):
    """Vector norms along any axis of an n-d array, with keepdims; C-ordered arrays sum as
    NumPy does (pairwise along the last axis, in order along the others): bit for bit."""
    check_against_numpy(_vector_norms(ord), CUBES[name], exact=_exact_norm(name, ord))


@pytest.mark.parametrize("name, ord", grid(sorted(CUBES), MATRIX_ORDS))
def test_matrix_norms_of_stacks(ord, name):
    """Matrix norms over any two axes of an n-d array (one per matrix of the stack), with
    keepdims: the sums of NumPy's order for C-ordered arrays, the singular values of gesdd."""
    x = CUBES[name]
    check_against_numpy(_matrix_norms_4d(ord) if x.ndim == 4 else _matrix_norms(ord), x,
                        exact=_exact_norm(name, ord))


@pytest.mark.parametrize("name", long_except(sorted(OTHER_CUBES), keep=["F", "empty_middle"]))
def test_norms_of_other_layouts_and_empty_stacks(name):
    """F-ordered, strided and reversed arrays (NumPy sums them in memory order: equal to
    rounding); empty extents: zeros, or NumPy's ValueError for a minimum over nothing."""
    x = OTHER_CUBES[name]
    for ord in (None, 1, -np.inf, 0.5):
        check_against_numpy(_vector_norms(ord), x, exact=False)
    for ord in ("fro", "nuc", -1, np.inf, -2):
        check_against_numpy(_matrix_norms(ord), x, exact=False)


def _flat_norms(x, matrix, vector):
    return (np.linalg.norm(x), np.linalg.norm(x, keepdims=True), np.linalg.norm(matrix, "fro", keepdims=True),
            np.linalg.norm(vector, 2, keepdims=True), np.linalg.norm(matrix, 1, keepdims=True))


@pytest.mark.parametrize("name", ["f64", "c64", "int", "four", "empty_first", "empty_middle"])
def test_norm_of_the_whole_stack(name):
    """axis=None with ord=None of an n-d array: NumPy's 2-norm of the flattened array, with
    keepdims an array of ones' shape."""
    x = {**CUBES, **OTHER_CUBES}[name]
    check_against_numpy(_flat_norms, x, x.reshape(x.shape[0], x[:1].size), x.ravel(), exact=False)


def test_norm_refusals():
    """NumPy's errors, raised when compiling (the orders and axes are constants)."""
    with pytest.raises(TypingError, match="Invalid norm order 'fro' for vectors"):
        compile(_norm("fro", 0))(TALL)
    with pytest.raises(TypingError, match="Invalid norm order 'nuc' for vectors"):
        compile(_norm("nuc", 2))(CUBE)
    with pytest.raises(TypingError, match="Invalid norm order for matrices"):
        compile(_norm(3, None))(TALL)
    with pytest.raises(TypingError, match="Invalid norm order for matrices"):
        compile(_norm(0, (0, 2)))(CUBE)
    with pytest.raises(TypingError, match="Improper number of dimensions to norm"):
        compile(_norm(1, None))(CUBE)
    with pytest.raises(TypingError, match="Improper number of dimensions to norm"):
        compile(_norm(None, (0, 1, 2)))(CUBE)
    with pytest.raises(TypingError, match="Duplicate axes given"):
        compile(_norm(None, (1, -2)))(CUBE)
    with pytest.raises(TypingError, match="AxisError: axis 3 is out of bounds"):
        compile(_norm(None, (0, 3)))(CUBE)
    with pytest.raises(TypingError, match="AxisError: axis -4 is out of bounds"):
        compile(_norm(2, -4))(CUBE)
    with pytest.raises(TypingError, match="AxisError: axis 1 is out of bounds"):
        compile(_norm(None, (0, 1)))(CUBE[0, 0])
    with pytest.raises(UnsupportedError, match="keepdims"):
        compile(norm_kept_if)(CUBE, True)


def norm_kept_if(x, keep):
    return np.linalg.norm(x, keepdims=keep)


def kron(a, b):
    return np.kron(a, b)


@pytest.mark.parametrize("a, b", [(TALL, WIDE), (TALL[0], WIDE[1]), (TALL[0], WIDE),
                                  (INTS, np.eye(2, dtype=np.float32)), (INTS.astype(np.int8), INTS.astype(np.uint8)), (np.zeros((0, 2)), WIDE),
                                  (COMPLEX, INTS)], ids=lambda x: str(x.shape))
def test_kron(a, b):
    check_against_numpy(kron, a, b, exact=True)


STACK = RNG.standard_normal((2, 3, 4, 4))
STACKS = {
    "f64": STACK @ STACK.transpose(0, 1, 3, 2) + 4 * np.eye(4), "f32": (STACK @ STACK.transpose(0, 1, 3, 2)
                                                                       + 4 * np.eye(4)).astype(np.float32),
    "c128": STACK @ STACK.transpose(0, 1, 3, 2) + 4 * np.eye(4) + 0j, "int": np.stack([INTS, INTS.T]),
    "empty_stack": np.zeros((0, 3, 3)), "empty_matrices": np.zeros((2, 0, 0)), "wide": STACK[..., :3, :],
    "tall": STACK[..., :3], "strided": STACK[:, :, ::2, ::2] @ STACK[:, :, ::2, ::2].transpose(0, 1, 3, 2),
}
STACK_KERNELS = [det, cholesky, cholesky_upper, qr, qr_complete, qr_r, eigh, eigh_upper, eigvalsh, svd, svd_reduced,
                 svd_values]


@pytest.mark.parametrize("name, kernel", grid(sorted(STACKS), STACK_KERNELS, col_ids=lambda k: k.__name__))
def test_stacks_of_matrices(kernel, name):
    """Each matrix computed as a 2-d one, in a loop (NumPy's gufuncs): bit for bit; non-square
    stacks are NumPy's LinAlgError for the square-only functions."""
    check(kernel, STACKS[name])


def test_errors_in_a_stack():
    check(cholesky, np.stack([np.eye(2), -np.eye(2)]))   # not positive definite: the second matrix
    check(det, np.stack([np.eye(2), SINGULAR]))          # 0.0 for the singular one
