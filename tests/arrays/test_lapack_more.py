"""``np.linalg.lstsq``, ``eig`` and ``eigvals`` (``frontend/lapack.py``) against NumPy on the same
inputs: the routines NumPy's ``umath_linalg`` calls (``gelsd``, ``geev``) with its workspaces on
the same column-major copies, so float64 and complex128 results are compared bit for bit;
NumPy's errors, dtypes and shapes (empty matrices, rank-deficient systems)."""
import numpy as np
import pytest

from compiler import compile
from ir import TypingError, UnsupportedError
from tests.arrays.support import check_against_numpy
from tests.long import grid, long_except

RNG = np.random.default_rng(4321)
TALL = RNG.standard_normal((6, 3))
RHS = RNG.standard_normal((6, 2))
DEFICIENT = np.c_[TALL[:, :2], TALL[:, :1] + TALL[:, 1:2]]   # rank 2
SQUARE = RNG.standard_normal((4, 4))
COMPLEX = SQUARE + 1j * RNG.standard_normal((4, 4))


def check(kernel, *args):
    """Bit for bit (NumPy computes in double; single precision results are cast back)."""
    check_against_numpy(kernel, *args, exact=True)


def lstsq(a, b):
    return np.linalg.lstsq(a, b)


def lstsq_rcond(a, b, rcond):
    x, residuals, rank, s = np.linalg.lstsq(a, b, rcond)
    return x, residuals, rank, s


def lstsq_constant_rcond(a, b):
    return np.linalg.lstsq(a, b, rcond=0.3)


LSTSQ = {
    "tall": (TALL, RHS), "tall_vector": (TALL, RHS[:, 0]), "wide": (TALL.T, RHS[:3]), "square": (SQUARE, RHS[:4]),
    "deficient": (DEFICIENT, RHS), "deficient_vector": (DEFICIENT, RHS[:, 1]),
    "c128": (TALL + 1j * TALL[::-1], RHS), "c64": (COMPLEX.astype(np.complex64), RHS[:4].astype(np.float32)),
    "f32": (TALL.astype(np.float32), RHS.astype(np.float32)), "f32_f64": (TALL.astype(np.float32), RHS),
    "int": (np.arange(12).reshape(4, 3), np.arange(4)), "bool_int8": (TALL > 0, RHS.astype(np.int8)),
    "ones": (np.ones((4, 3)), np.ones(4)), "zero_rows": (np.zeros((0, 3)), np.zeros(0)),
    "zero_cols": (np.zeros((3, 0)), np.ones(3)), "no_rhs": (TALL, np.zeros((6, 0))),
    "empty": (np.zeros((0, 0)), np.zeros((0, 2))), "views": (TALL[::2, ::-1], RHS[::2]),
    "fortran": (np.asfortranarray(TALL), np.asfortranarray(RHS)), "mismatch": (TALL, RHS[:5]),
    "nan": (np.full((3, 3), np.nan), np.ones(3)),
}


#: the inputs only ``-m long`` runs, each like others run by default: c128 (complex as c64; test_lstsq_rcond
#: solves it too), deficient_vector (deficient, tall_vector), bool_int8 (converted as int), ones (as deficient)
LSTSQ_LONG = {"c128", "deficient_vector", "bool_int8", "ones"}


@pytest.mark.parametrize("name", long_except(sorted(LSTSQ), keep=sorted(set(LSTSQ) - LSTSQ_LONG)))
def test_lstsq(name):
    a, b = LSTSQ[name]
    check(lstsq, a, b)
    check(lstsq_constant_rcond, a, b)


@pytest.mark.parametrize("rcond", [0.5, -1, 1e-20, 0])
def test_lstsq_rcond(rcond):
    for a, b in (LSTSQ["deficient"], LSTSQ["c128"], LSTSQ["wide"]):
        check(lstsq_rcond, a, b, rcond)


def test_lstsq_returns_numpys_types():
    x, residuals, rank, s = compile(lstsq)(*LSTSQ["tall_vector"])
    assert x.shape == (3,) and residuals.shape == (1,) and s.shape == (3,)
    assert isinstance(rank, np.int32) and rank == 3
    x, residuals, rank, s = compile(lstsq)(*LSTSQ["deficient"])
    assert residuals.shape == (0,) and rank == 2


def test_lstsq_refusals():
    with pytest.raises(TypingError, match="1-dimensional array given. Array must be two-dimensional"):
        compile(lstsq)(np.ones(3), np.ones(3))
    with pytest.raises(TypingError, match="3-dimensional array given. Array must be two-dimensional"):
        compile(lstsq)(np.ones((2, 2)), np.ones((2, 2, 2)))
    with pytest.raises(UnsupportedError, match="rcond"):
        compile(lstsq_rcond)(TALL, RHS, np.ones(3))
    with pytest.raises(TypingError, match=r"lstsq\(rcond=\) takes a real number, not c128"):
        compile(lstsq_rcond)(TALL, RHS, 1j)


def eig(a):
    w, v = np.linalg.eig(a)
    return w, v


def eigvals(a):
    return np.linalg.eigvals(a)


def eig_of_real_as_complex(a):
    w, v = np.linalg.eig(a.astype(complex))
    return w, v


EIG = {
    "c128": COMPLEX, "c64": COMPLEX.astype(np.complex64), "real_values": SQUARE.astype(complex),
    "empty": np.zeros((0, 0), complex), "one": np.array([[2j]]), "strided": COMPLEX[::2, ::2], "T": COMPLEX.T,
    "fortran": np.asfortranarray(COMPLEX), "nan": np.array([[1, np.nan], [0, 1]], complex),
    "inf": np.array([[np.inf, 0], [0, 1j]]), "not_square": np.ones((2, 3), complex),
}


@pytest.mark.parametrize("name, kernel", grid(sorted(EIG), [eig, eigvals], col_ids=lambda k: k.__name__))   # each once
def test_eig_of_complex_matrices(kernel, name):
    check(kernel, EIG[name])


@pytest.mark.parametrize("a", [SQUARE, SQUARE.astype(np.float32), np.eye(3, dtype=np.int64)], ids=str)
def test_eig_of_a_real_matrix_made_complex(a):
    check(eig_of_real_as_complex, a)


def test_eig_results_are_eigenpairs():
    w, v = compile(eig)(COMPLEX)
    np.testing.assert_allclose(COMPLEX @ v, v * w, atol=1e-12)


SYMMETRIC = SQUARE + SQUARE.T
REAL_EIG = {
    "symmetric": SYMMETRIC, "f32": SYMMETRIC.astype(np.float32), "int": np.array([[2, 1], [1, 3]]),
    "bool": np.eye(3) > 0, "triangular": np.triu(SQUARE) + np.diag([0.0, 1.0, 2.0, 3.0]), "empty": np.zeros((0, 0)),
    "strided": SYMMETRIC[::2, ::2], "fortran": np.asfortranarray(SYMMETRIC),
    "nan": np.array([[1, np.nan], [0, 1]]),
}


@pytest.mark.parametrize("name, kernel", grid(sorted(REAL_EIG), [eig, eigvals], col_ids=lambda k: k.__name__))
def test_eig_of_a_real_matrix_with_real_eigenvalues(kernel, name):
    """dgeev as NumPy runs it: NumPy's real arrays, bit for bit."""
    check(kernel, REAL_EIG[name])


@pytest.mark.parametrize("kernel", [eig, eigvals])
def test_eig_of_a_real_matrix_with_complex_eigenvalues_raises(kernel):
    """NumPy returns complex arrays then, a type compiled code cannot choose at run time."""
    with pytest.raises(ValueError, match=r"has complex eigenvalues.*\(a\.astype\(complex\)\)"):
        compile(kernel)(np.array([[0.0, -1.0], [1.0, 0.0]]))
    with pytest.raises(TypingError, match="1-dimensional array given"):
        compile(kernel)(np.ones(3, complex))


@pytest.mark.parametrize("kernel", [eig, eigvals])
def test_eig_of_stacks(kernel):
    stack = RNG.standard_normal((2, 3, 4, 4)) + 1j * RNG.standard_normal((2, 3, 4, 4))
    for a in (stack, stack.astype(np.complex64), np.zeros((0, 2, 2), complex), np.full((2, 2, 2), np.nan + 0j)):
        check(kernel, a)
    with pytest.raises(UnsupportedError, match="of a stack of real matrices"):
        compile(kernel)(stack.real)


def test_lstsq_of_stacks_is_numpys_error():
    """NumPy's lstsq takes 2-d arrays only."""
    with pytest.raises(TypingError, match="3-dimensional array given. Array must be two-dimensional"):
        compile(lstsq)(np.ones((2, 3, 3)), np.ones(3))


def slogdet(a):
    sign, logabsdet = np.linalg.slogdet(a)
    return sign, logabsdet


def svdvals(a):
    return np.linalg.svdvals(a)


def linalg_matmul(a, b):
    return np.linalg.matmul(a, b)


STACK = RNG.standard_normal((2, 3, 4, 4))
SLOGDET = {
    "f64": SQUARE, "f32": SQUARE.astype(np.float32), "c128": COMPLEX, "c64": COMPLEX.astype(np.complex64),
    "int": (SQUARE * 3).astype(int), "empty": np.zeros((0, 0)), "singular": np.ones((3, 3)), "negative": -np.eye(3),
    "nan": np.array([[1, np.nan], [0, 1.0]]), "stack": STACK, "complex_stack": STACK + 1j * STACK[::-1],
    "empty_stack": np.zeros((2, 0, 0)), "not_square": np.zeros((2, 3)),
}


@pytest.mark.parametrize("name", sorted(SLOGDET))
def test_slogdet_and_svdvals(name):
    check(slogdet, SLOGDET[name])
    check(svdvals, SLOGDET[name])


def test_linalg_matmul_is_matmul():
    check(linalg_matmul, STACK, SQUARE)
    with pytest.raises(TypingError, match="1-dimensional array given"):
        compile(slogdet)(np.ones(3))


def pinv(a):
    return np.linalg.pinv(a)


def pinv_rcond(a, rcond):
    return np.linalg.pinv(a, rcond)


def pinv_rtol_none(a):
    return np.linalg.pinv(a, rtol=None)


def matrix_rank(a):
    return np.linalg.matrix_rank(a)


def matrix_rank_tol(a, tol):
    return np.linalg.matrix_rank(a, tol)


def matrix_rank_rtol(a, rtol):
    return np.linalg.matrix_rank(a, rtol=rtol)


PSEUDO = {
    "tall": TALL, "wide": TALL.T, "deficient": DEFICIENT, "f32": TALL.astype(np.float32),
    "f32_deficient": DEFICIENT.astype(np.float32), "c128": TALL + 1j * TALL[::-1],
    "c64": (TALL + 1j).astype(np.complex64), "zero_rows": np.zeros((0, 3)), "zero_cols": np.zeros((3, 0)),
    "zeros": np.zeros((2, 2)), "nan": np.full((2, 2), np.nan), "stack": STACK[..., :3],
    "empty_stack": np.zeros((0, 3, 3)), "stack_of_empty": np.zeros((2, 0, 3)),
}


@pytest.mark.parametrize("name", long_except(sorted(PSEUDO), keep=["c64", "deficient", "stack", "zero_rows"]))
def test_pinv_and_matrix_rank(name):
    """NumPy's code: the reduced svd, its cutoffs in its types (float32's eps for rtol=None),
    bit for bit."""
    a = PSEUDO[name]
    check(pinv, a)
    check(pinv_rcond, a, 0.3)
    check(pinv_rtol_none, a)
    check(matrix_rank, a)
    check(matrix_rank_tol, a, 0.5)
    check(matrix_rank_rtol, a, 0.2)


@pytest.mark.parametrize("a", [np.zeros(3), np.array([0.0, 1.0]), np.array([np.nan, 0]), np.arange(6).reshape(2, 3),
                               TALL > 0], ids=str)
def test_matrix_rank_of_vectors_and_integers(a):
    check(matrix_rank, a)


def test_pinv_and_matrix_rank_refusals():
    with pytest.raises(UnsupportedError, match=r"pinv\(\) of an array of int64 .* convert the array to float"):
        compile(pinv)(np.eye(2, dtype=np.int64))
    with pytest.raises(UnsupportedError, match="takes a real number"):
        compile(matrix_rank_tol)(TALL, np.ones(3))

    def both(a):
        return np.linalg.matrix_rank(a, 0.1, rtol=0.1)

    def hermitian(a):
        return np.linalg.pinv(a, hermitian=True)

    with pytest.raises(TypingError, match="`tol` and `rtol` can't be both set"):
        compile(both)(TALL)
    with pytest.raises(UnsupportedError, match=r"hermitian=True"):
        compile(hermitian)(SQUARE)
