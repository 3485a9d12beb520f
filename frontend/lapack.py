"""``np.linalg`` functions that factor matrices, compiled as calls of NumPy's own LAPACK
(``linalg.lapack``, :mod:`frontend.pylapack`): ``det``, ``slogdet``, ``cholesky``, ``qr``,
``eigh``, ``eigvalsh``, ``svd``, ``svdvals``, ``lstsq``, ``pinv``, ``matrix_rank``, and
``eig``/``eigvals`` of complex matrices, with NumPy 2's dtypes, shapes and errors.

Decisions, each NumPy's own:

* the matrix is copied to column-major order in NumPy's computing type: ``float64`` for
  every real input (``float32`` too: NumPy's ``linalg`` computes in double and casts the
  results back; integers and bools give ``float64``), ``complex128`` for complex inputs;
  the same LAPACK routine runs with the same workspace sizes (queried as NumPy queries
  them), so results are NumPy's to the last bit where the data reach LAPACK the same way;
* errors: an array of fewer than 2 dimensions is NumPy's ``LinAlgError`` when compiling; a
  non-square matrix is its ``LinAlgError`` at run time; failures that depend on the data
  (``Matrix is not positive definite``, ``Eigenvalues did not converge``, ``SVD did not
  converge``) are raised at run time from LAPACK's ``info``;
* ``det`` is ``sign * exp(logdet)`` over ``getrf``'s diagonal (0 for a singular matrix), as
  NumPy's; results are C-contiguous new arrays; ``qr``, ``eigh`` and ``svd`` return plain
  tuples (NumPy's named tuples unpack the same way; their attributes are not supported);
* stacks of matrices (more than 2 dimensions): each matrix is computed as a 2-d one, in a
  loop (:func:`over_stack`), as NumPy's gufuncs loop; the results have the stack's leading
  extents; the first matrix that fails raises NumPy's error;
* ``eig``/``eigvals`` of a real matrix give NumPy's real results, and raise a ``ValueError``
  at run time where its eigenvalues are not all real (NumPy's result type depends on the
  values: see :func:`eig`);
* not supported (an ``UnsupportedError`` naming the function): ``qr(mode='raw')`` and the
  deprecated modes, ``svd(hermitian=True)``, dtypes NumPy's ``linalg`` refuses (``float16``),
  ``eig``/``eigvals`` of stacks of real matrices.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ir import TypingError, UnsupportedError
from ir.dtypes import to_dtype
from ir.ops.linalg import LinalgLapackOp, lapack_signature
from ir.ops.math import MathOp
from ir.types import BoolType, ComplexType, FloatType, IntType, c64, c128, f32, f64, i8, i32, i64

from . import arith, arrays, numpy_api, pylapack, wholearray
from .context import TraceContext, current
from .values import Symbolic, describe, type_of

__all__ = ["call", "det", "slogdet", "cholesky", "qr", "eigh", "eigvalsh", "svd", "svdvals", "lstsq", "eig",
           "eigvals", "pinv", "matrix_rank", "over_stack", "FUNCTIONS"]

_LETTERS = {"f32": "s", "f64": "d", "c64": "c", "c128": "z"}
_COMPLEX_NAMES = {"orgqr": "ungqr", "syevd": "heevd"}
_LINALG_ERROR = "numpy.linalg.LinAlgError"


def _tr() -> TraceContext:
    return current()


def call(routine: str, *args: Any) -> Symbolic:
    """``pylapack.lapack(routine, *args)``: the ``linalg.lapack`` op of the routine for the
    dtype of the first array argument; characters (``"L"``) become ``i8``, integers ``i64``,
    a float the routine's real type."""
    first = next(a for a in args if wholearray.is_array(a))
    t = first.type.dtype
    name = _LETTERS[str(t)] + (_COMPLEX_NAMES.get(routine, routine) if isinstance(t, ComplexType) else routine)
    _, kinds = lapack_signature(name)
    real = t.part if isinstance(t, ComplexType) else t
    values = []
    for kind, x in zip(kinds, args, strict=True):
        if kind == "c":
            x = arith.constant(ord(x), i8) if isinstance(x, str) else arith.cast(x, i8)
        elif kind in "ir":
            x = arith.cast(x, i64 if kind == "i" else real)
        values.append(x.value)
    return _tr().emit_value(LinalgLapackOp(name, values))


def matrix(a: Any, name: str, square: bool, stacks: bool = False) -> Symbolic:
    """``a`` as NumPy's ``linalg`` checks it: an array of 2 dimensions (fewer: NumPy's error;
    more: not supported unless ``stacks``), square at run time with ``square``."""
    if isinstance(a, np.ndarray):
        a = arrays.global_array(a)
    if not wholearray.is_array(a):
        raise _tr().error(UnsupportedError, f"np.linalg.{name}() takes an array in compiled code")
    ndim = a.type.ndim
    if ndim < 2:
        raise _tr().error(TypingError, f"{_LINALG_ERROR}: {ndim}-dimensional array given. Array must be at least "
                                       "two-dimensional")
    if ndim > 2 and not stacks:
        raise _tr().error(UnsupportedError, f"np.linalg.{name}() of a stack of matrices ({ndim}-d array) is not "
                                            "supported in compiled code yet; loop over the matrices")
    if square:
        arith.raise_if(arith.compare("!=", arrays.dim(a, ndim - 2), arrays.dim(a, ndim - 1)), _LINALG_ERROR,
                       "Last 2 dimensions of the array must be square")
    return a


def _types(*arrays: Symbolic) -> tuple:
    """NumPy's ``_commonType`` of the arrays: (the computing type, the result type): double
    precision, single precision results only where every array is ``float32``/``complex64``."""
    complex_, single = False, True
    for a in arrays:
        dt = to_dtype(a.type.dtype)
        if dt.kind not in "fc":
            single = False
            continue
        if dt.itemsize not in (4, 8, 16) or dt == np.float16:
            raise _tr().error(TypingError, f"array type {dt.name} is unsupported in linalg")
        complex_ = complex_ or dt.kind == "c"
        single = single and dt in (np.float32, np.complex64)
    if complex_:
        return c128, (c64 if single else c128)
    return f64, (f32 if single else f64)


def _real(t):
    return t.part if isinstance(t, ComplexType) else t


def _column_major(x: Symbolic, t) -> Symbolic:
    """A new C-contiguous array holding ``x`` in column-major order (``x.T``), as ``t``."""
    return wholearray.elementwise(lambda v: arith.cast(v, t), (wholearray.transpose(x),), "a copy", order="C")


def _result(x: Symbolic, t, transposed: bool = True) -> Symbolic:
    """The result NumPy gives from a matrix LAPACK left in ``x``: ``x.T`` (or ``x``) as a new
    C-contiguous array of ``t``."""
    return wholearray.elementwise(lambda v: arith.cast(v, t), (wholearray.transpose(x) if transposed else x,),
                                  "a copy", order="C")


def _helper(fn: Any, *args: Any) -> Any:
    return _tr().call(fn, args, {})


def _fail_if(info: Symbolic, message: str) -> None:
    arith.raise_if(arith.compare("!=", info, 0), _LINALG_ERROR, message)


def det(a: Any) -> Symbolic:
    """``np.linalg.det(a)``: ``getrf`` and NumPy's ``sign * exp(logdet)`` (:mod:`frontend.pylapack`)."""
    a = matrix(a, "det", square=True, stacks=True)
    t, result_t = _types(a)
    if a.type.ndim > 2:
        return over_stack("det", "", a, [([], result_t)])
    lu = _column_major(a, t)
    ipiv = numpy_api.allocate(arrays.dim(a, 0), i64)
    d = _helper(pylapack.det_complex if isinstance(t, ComplexType) else pylapack.det_real, lu, ipiv)
    return arith.cast(d, result_t)


def slogdet(a: Any) -> tuple:
    """``np.linalg.slogdet(a)``: ``(sign, logabsdet)`` from ``getrf`` as NumPy's (``det`` is
    ``sign * exp(logabsdet)``); a plain tuple (NumPy's named tuple unpacks the same way); the
    sign of NumPy's result type, the logarithm of its real type; stacks in a loop."""
    a = matrix(a, "slogdet", square=True, stacks=True)
    t, result_t = _types(a)
    if a.type.ndim > 2:
        return over_stack("slogdet", "", a, [([], result_t), ([], _real(result_t))])
    lu = _column_major(a, t)
    ipiv = numpy_api.allocate(arrays.dim(a, 0), i64)
    sign, logdet = _helper(pylapack.slogdet_complex if isinstance(t, ComplexType) else pylapack.slogdet_real, lu,
                           ipiv)
    return arith.cast(sign, result_t), arith.cast(logdet, _real(result_t))


def svdvals(x: Any) -> Symbolic:
    """``np.linalg.svdvals(x)``: ``svd(x, compute_uv=False)``, as NumPy 2 defines it."""
    return svd(x, compute_uv=False)


def cholesky(a: Any, upper: bool = False) -> Symbolic:
    """``np.linalg.cholesky(a, upper=False)``: ``potrf`` of the lower (``upper``: upper) triangle."""
    if not isinstance(upper, (bool, np.bool_)):
        raise _tr().error(UnsupportedError, "np.linalg.cholesky(upper=) takes a constant bool in compiled code")
    a = matrix(a, "cholesky", square=True, stacks=True)
    t, result_t = _types(a)
    if a.type.ndim > 2:
        m = _extents(a)[0]
        return over_stack("cholesky", "U" if upper else "L", a, [([m, m], result_t)])
    at = _column_major(a, t)
    _fail_if(_helper(pylapack.cholesky, at, "U" if upper else "L"), "Matrix is not positive definite")
    return _result(at, result_t)


def qr(a: Any, mode: str = "reduced") -> Any:
    """``np.linalg.qr(a, mode)`` for the modes ``'reduced'``, ``'complete'`` and ``'r'``:
    ``geqrf``, then ``orgqr``/``ungqr`` for ``q``, as NumPy's."""
    if mode not in ("reduced", "complete", "r"):
        if mode in ("raw", "f", "full", "e", "economic"):
            raise _tr().error(UnsupportedError, f"np.linalg.qr(mode={mode!r}) is not supported in compiled code; "
                                                "use 'reduced', 'complete' or 'r'")
        raise _tr().error(TypingError, f"ValueError: Unrecognized mode '{mode}'")
    a = matrix(a, "qr", square=False, stacks=True)
    t, result_t = _types(a)
    if a.type.ndim > 2:
        m, n = _extents(a)
        k = _min(m, n)
        if mode == "r":
            return over_stack("qr_r", "", a, [([k, n], result_t)])
        rows = m if mode == "complete" else k
        return over_stack("qr", mode, a, [([m, rows], result_t), ([rows, n], result_t)])
    m, n = arrays.dim(a, 0), arrays.dim(a, 1)
    mn = _min(m, n)
    at = _column_major(a, t)
    tau = numpy_api.allocate(mn, t)
    _fail_if(_helper(pylapack.geqrf, at, tau), "Incorrect argument found while performing QR factorization")
    mc = mn if mode != "complete" else arith.select(arith.compare(">", m, n), m, mn)
    r = numpy_api.allocate((mc, n), t)
    _helper(pylapack.upper_part, r, at)
    r = _result(r, result_t, transposed=False)
    if mode == "r":
        return r
    q = numpy_api.allocate((mc, m), t)
    _fail_if(_helper(pylapack.orgqr, q, at, tau), "Incorrect argument found while performing QR factorization")
    return _result(q, result_t), r


def _min(x: Any, y: Any) -> Any:
    return arith.select(arith.compare("<", x, y), x, y)


def _uplo(UPLO: Any, name: str) -> bool:
    """Whether ``UPLO`` names the upper triangle (NumPy's ``ValueError`` otherwise)."""
    if not isinstance(UPLO, str):
        raise _tr().error(UnsupportedError, f"np.linalg.{name}(UPLO=) takes a constant string in compiled code")
    if UPLO.upper() not in ("L", "U"):
        raise _tr().error(TypingError, "ValueError: UPLO argument must be 'L' or 'U'")
    return UPLO.upper() == "U"


def _eigh(a: Any, UPLO: Any, name: str, vectors: bool) -> Any:
    upper = _uplo(UPLO, name)
    a = matrix(a, name, square=True, stacks=True)
    t, result_t = _types(a)
    if a.type.ndim > 2:
        m = _extents(a)[0]
        uplo = "U" if upper else "L"
        if vectors:
            return over_stack("eigh", uplo, a, [([m], _real(result_t)), ([m, m], result_t)])
        return over_stack("eigvalsh", uplo, a, [([m], _real(result_t))])
    at = _column_major(a, t)
    w = numpy_api.allocate(arrays.dim(a, 0), _real(t))
    _fail_if(_helper(pylapack.eigh, at, w, "V" if vectors else "N", "U" if upper else "L"),
             "Eigenvalues did not converge")
    w = wholearray.astype(w, to_dtype(_real(result_t)), copy=False)
    return (w, _result(at, result_t)) if vectors else w


def eigh(a: Any, UPLO: Any = "L") -> Any:
    """``np.linalg.eigh(a, UPLO='L')``: ``syevd``/``heevd`` as NumPy's; ``(w, v)``."""
    return _eigh(a, UPLO, "eigh", vectors=True)


def eigvalsh(a: Any, UPLO: Any = "L") -> Symbolic:
    """``np.linalg.eigvalsh(a, UPLO='L')``: ``syevd``/``heevd`` without vectors, as NumPy's."""
    return _eigh(a, UPLO, "eigvalsh", vectors=False)


def svd(a: Any, full_matrices: bool = True, compute_uv: bool = True, hermitian: bool = False) -> Any:
    """``np.linalg.svd(a, full_matrices=True, compute_uv=True)``: ``gesdd`` as NumPy's;
    ``(u, s, vh)``, or ``s`` without ``compute_uv``."""
    for flag, what in ((full_matrices, "full_matrices"), (compute_uv, "compute_uv"), (hermitian, "hermitian")):
        if not isinstance(flag, (bool, np.bool_, int)):
            raise _tr().error(UnsupportedError, f"np.linalg.svd({what}=) takes a constant bool in compiled code")
    if hermitian:
        raise _tr().error(UnsupportedError, "np.linalg.svd(hermitian=True) is not supported in compiled code; use "
                                            "np.linalg.eigh")
    a = matrix(a, "svd", square=False, stacks=True)
    if a.type.ndim > 2:
        _, result_t = _types(a)
        m, n = _extents(a)
        k = _min(m, n)
        if not compute_uv:
            return over_stack("svdvals", "", a, [([k], _real(result_t))])
        rows, cols = (m, n) if full_matrices else (k, k)
        return over_stack("svd", "full" if full_matrices else "reduced", a,
                          [([m, rows], result_t), ([k], _real(result_t)), ([cols, n], result_t)])
    return singular_values(a, "svd", "A" if full_matrices else "S") if compute_uv else \
        singular_values(a, "svd", "N")


def singular_values(a: Symbolic, name: str, jobz: str) -> Any:
    """``gesdd`` of the 2-d array ``a`` with ``jobz``: ``s`` (``"N"``) or ``(u, s, vh)``."""
    t, result_t = _types(a)
    m, n = arrays.dim(a, 0), arrays.dim(a, 1)
    mn = _min(m, n)
    one = arith.constant(1, i64)
    ucols, vrows = (m, n) if jobz == "A" else (mn, mn)
    at = _column_major(a, t)
    s = numpy_api.allocate(mn, _real(t))
    if jobz == "N":   # not referenced; LAPACK's leading dimensions are still at least 1
        zero = arith.constant(0, i64)
        u, vt = numpy_api.allocate((zero, zero), t), numpy_api.allocate((zero, one), t)
    else:
        u, vt = numpy_api.allocate((ucols, m), t), numpy_api.allocate((n, _max(vrows, one)), t)
    _fail_if(_helper(pylapack.svd, at, s, u, vt, jobz), "SVD did not converge")
    s = wholearray.astype(s, to_dtype(_real(result_t)), copy=False)
    if jobz == "N":
        return s
    vh = wholearray.subview(vt, (slice(None), slice(None, vrows)))
    return _result(u, result_t), s, _result(vh, result_t)


def _max(x: Any, y: Any) -> Any:
    return arith.select(arith.compare(">", x, y), x, y)


def _eig(a: Any, name: str, vectors: bool) -> Any:
    a = matrix(a, name, square=True, stacks=True)
    real = not isinstance(a.type.dtype, ComplexType)
    call = "np.linalg.eig(a.astype(complex))" if vectors else "np.linalg.eigvals(a.astype(complex))"
    if real and a.type.ndim > 2:
        raise _tr().error(UnsupportedError, f"np.linalg.{name}() of a stack of real matrices is not supported in "
                                            f"compiled code; pass complex matrices ({call}), or one matrix at a "
                                            "time")
    t, result_t = _types(a)
    m = _extents(a)[0]
    rows = a if a.type.ndim == 2 else wholearray.reshape(a, (_count(arrays.shape(a)[:-1]), m))
    arith.raise_if(arith.compare("==", _helper(pylapack.all_finite, rows), False), _LINALG_ERROR,
                   "Array must not contain infs or NaNs")   # NumPy checks the whole stack first
    if a.type.ndim > 2:
        if vectors:
            return over_stack("eig", "", a, [([m], result_t), ([m, m], result_t)])
        return over_stack("eigvals", "", a, [([m], result_t)])
    n = arrays.dim(a, 0)
    at = _column_major(a, t)
    w = numpy_api.allocate(n, t)
    vr = numpy_api.allocate((n, n) if vectors else (arith.constant(1, i64),), t)
    if real:
        wi = numpy_api.allocate(n, t)
        _fail_if(_helper(pylapack.geev_real, at, w, wi, vr, "V" if vectors else "N"), "Eigenvalues did not converge")
        arith.raise_if(arith.compare("==", _helper(pylapack.all_real, wi), False), "ValueError",
                       f"np.linalg.{name}() of this real matrix has complex eigenvalues, for which NumPy returns "
                       "complex arrays: compiled code gives the real arrays NumPy returns for real eigenvalues "
                       f"only; pass a complex matrix ({call}) for complex results always")
    else:
        _fail_if(_helper(pylapack.geev, at, w, vr, "V" if vectors else "N"), "Eigenvalues did not converge")
    w = wholearray.astype(w, to_dtype(result_t), copy=False)
    return (w, _result(vr, result_t)) if vectors else w


def eig(a: Any) -> Any:
    """``np.linalg.eig(a)``: ``zgeev`` (``dgeev`` for a real matrix) as NumPy's
    ``umath_linalg`` runs it (its workspace, right eigenvectors only), ``(w, v)``.

    Decision: NumPy returns real arrays for a real matrix when every eigenvalue is real and
    complex ones otherwise: the result's type depends on the values, and compiled code types
    it before it runs.  Compiled code gives the real arrays (NumPy's, bit for bit) and, for a
    real matrix whose eigenvalues are not all real, raises a ``ValueError`` at run time saying
    to pass a complex matrix (``eig(a.astype(complex))``: complex results always), never
    results of another type.  Stacks of real matrices are refused when compiling.
    ``complex64`` matrices compute in ``complex128`` and give ``complex64``, as NumPy's; a matrix
    holding inf or NaN is NumPy's ``LinAlgError('Array must not contain infs or NaNs')``, a
    failure of ``geev`` its ``'Eigenvalues did not converge'``, both at run time."""
    return _eig(a, "eig", vectors=True)


def eigvals(a: Any) -> Any:
    """``np.linalg.eigvals(a)``: ``zgeev`` (``dgeev``) without vectors, as NumPy's; a real
    matrix with complex eigenvalues raises as :func:`eig` says."""
    return _eig(a, "eigvals", vectors=False)


def _extents(a: Symbolic) -> tuple:
    """The extents of the matrices of ``a``: its last two."""
    return arrays.shape(a)[-2:]


def _count(extents: Any) -> Symbolic:
    """The product of the extents (the number of matrices of a stack), an ``i64``."""
    result: Any = 1
    for e in extents:
        result = arith.binary("*", result, e)
    return arith.cast(result, i64)


def over_stack(kind: str, option: str, a: Symbolic, outputs: list, *extra: Any) -> Any:
    """``np.linalg.<kind>`` of each matrix of the stack ``a``, in a loop of NumPy's order
    (``pylapack.stacked_one``, ``stacked_two``, ``stacked_svd``; ``option`` a constant string
    the loop passes on, and ``extra`` arguments): the results, one array per ``(extents, type)`` of ``outputs`` (the
    extents of one matrix's result), each of the stack's leading extents and those."""
    extents = arrays.shape(a)
    lead = list(extents[:-2])
    count = _count(lead)
    stack = wholearray.reshape(a, (count, *extents[-2:]))
    outs = [numpy_api.allocate((count, *core), t) for core, t in outputs]
    if kind == "svd":
        _tr().call(pylapack.stacked_svd, (option, *outs, stack), {})
    else:
        helper = pylapack.stacked_one if len(outs) == 1 else pylapack.stacked_two
        _tr().call(helper, (kind, option, *outs, stack, *extra), {})
    results = [wholearray.reshape(x, (*lead, *core)) for x, (core, _) in zip(outs, outputs)]
    return results[0] if len(results) == 1 else tuple(results)


def _real_scalar(x: Any, name: str) -> Symbolic:
    """A number NumPy makes a ``float64`` array of (``asarray``): strong, of ``float64``."""
    if not isinstance(type_of(x), (BoolType, IntType, FloatType)) or wholearray.is_array(x):
        raise _tr().error(UnsupportedError, f"np.linalg.{name} takes a real number in compiled code, not "
                                            f"{describe(x)}")
    return arith.cast(x, f64)


def pinv(a: Any, rcond: Any = None, hermitian: bool = False, *, rtol: Any = np._NoValue) -> Symbolic:
    """``np.linalg.pinv(a, rcond=None, hermitian=False, *, rtol)`` as NumPy's code computes it
    (``pylapack.pinv``; stacks in a loop, each matrix alone as NumPy's ``keepdims`` amounts to):
    ``rcond`` is ``1e-15``, or ``rtol``, a ``float64`` as NumPy's ``asarray`` makes it (``rtol=None``:
    ``max(m, n) * eps`` in the array's real type, as NumPy's); an empty matrix gives an empty
    ``n x m`` array.

    Refused: ``hermitian=True`` (as ``svd``'s), and integer and bool arrays, whose result is
    ``float64`` in NumPy unless the matrix is empty, then of their own type: a type that depends
    on the extents (convert to float first)."""
    if not isinstance(hermitian, (bool, np.bool_)) or hermitian:
        raise _tr().error(UnsupportedError, "np.linalg.pinv(hermitian=True) is not supported in compiled code")
    if rcond is not None and rtol is not np._NoValue:
        raise _tr().error(TypingError, "ValueError: `rtol` and `rcond` can't be both set.")
    a = matrix(a, "pinv", square=False, stacks=True)
    if to_dtype(a.type.dtype).kind not in "fc":
        raise _tr().error(UnsupportedError, f"np.linalg.pinv() of an array of {to_dtype(a.type.dtype).name} is not "
                                            "supported in compiled code: NumPy's result is float64, or of the "
                                            "array's type when the matrix is empty; convert the array to float")
    _, result_t = _types(a)
    m, n = _extents(a)
    if rcond is None:
        if rtol is np._NoValue:
            rcond = arith.constant(1e-15, f64)
        elif rtol is None:
            eps = arith.constant(float(np.finfo(to_dtype(a.type.dtype)).eps), _real(a.type.dtype))
            rcond = arith.binary("*", arith.cast(_max(m, n), _real(a.type.dtype)), eps)   # of the array's type
        else:
            rcond = _real_scalar(rtol, "pinv(rtol=)")
    else:
        rcond = _real_scalar(rcond, "pinv(rcond=)")
    if a.type.ndim > 2:
        return over_stack("pinv", "", a, [([n, m], result_t)], rcond)
    out = numpy_api.allocate((n, m), result_t)
    empty = arith.compare("==", arith.binary("*", m, n), 0)
    _helper(pylapack.pinv_unless_empty, a, rcond, out, empty)
    return out


def matrix_rank(A: Any, tol: Any = None, hermitian: bool = False, *, rtol: Any = None) -> Any:
    """``np.linalg.matrix_rank(A, tol=None, hermitian=False, *, rtol=None)`` as NumPy's code
    computes it: how many singular values (``gesdd``) exceed ``tol``, else ``rtol`` (default
    ``max(m, n) * eps`` of their type) times the largest; an ``int64`` (an array of them for a
    stack); for a vector ``int(not all(A == 0))``.  ``tol`` and ``rtol`` are numbers (``float64``,
    as NumPy's ``asarray`` makes them); ``hermitian=True`` is refused as ``svd``'s."""
    if rtol is not None and tol is not None:
        raise _tr().error(TypingError, "ValueError: `tol` and `rtol` can't be both set.")
    if not isinstance(hermitian, (bool, np.bool_)) or hermitian:
        raise _tr().error(UnsupportedError, "np.linalg.matrix_rank(hermitian=True) is not supported in compiled code")
    if isinstance(A, np.ndarray):
        A = arrays.global_array(A)
    if not wholearray.is_array(A):
        raise _tr().error(UnsupportedError, "np.linalg.matrix_rank() takes an array in compiled code")
    if A.type.ndim < 2:
        return arith.cast(_helper(pylapack.any_nonzero, A), i64)
    s = svd(A, compute_uv=False)
    real = s.type.dtype
    m, n = _extents(A)
    if tol is not None:
        scale, kind = _real_scalar(tol, "matrix_rank(tol=)"), "tol"
    elif rtol is not None:
        scale, kind = _real_scalar(rtol, "matrix_rank(rtol=)"), "rtol"
    else:
        eps = arith.constant(float(np.finfo(to_dtype(real)).eps), real)
        scale, kind = arith.binary("*", arith.cast(_max(m, n), real), eps), "rtol"
    lead = list(arrays.shape(s)[:-1])
    count = _count(lead)
    out = numpy_api.allocate(count, i64)
    rows = wholearray.reshape(s, (count, _min(m, n)))
    _helper(pylapack.rank_counts, rows, out, scale, arith.constant(0, real), kind)
    if not lead:
        return arrays.getitem(out, 0)
    return wholearray.reshape(out, tuple(lead))


def _two_d(x: Any, name: str) -> Symbolic:
    """``x`` as NumPy's ``_assert_2d`` checks it: an array of exactly 2 dimensions."""
    if isinstance(x, np.ndarray):
        x = arrays.global_array(x)
    if not wholearray.is_array(x):
        raise _tr().error(UnsupportedError, f"np.linalg.{name}() takes arrays in compiled code")
    if x.type.ndim != 2:
        raise _tr().error(TypingError, f"{_LINALG_ERROR}: {x.type.ndim}-dimensional array given. Array must be "
                                       "two-dimensional")
    return x


def lstsq(a: Any, b: Any, rcond: Any = None) -> tuple:
    """``np.linalg.lstsq(a, b, rcond=None)``: ``gelsd`` as NumPy's ``umath_linalg`` runs it;
    ``(x, residuals, rank, s)`` with NumPy's shapes and dtypes.

    ``a`` is ``m x n``, ``b`` a vector of ``m`` or an ``m x k`` matrix (other dimensions: NumPy's
    ``LinAlgError`` when compiling; another ``m``: its ``'Incompatible dimensions'`` at run time).
    ``b`` is copied into a zeroed ``max(1, m, n) x max(k, 1)`` column-major matrix (NumPy too
    gives LAPACK one right-hand side of zeros when ``k == 0``); ``rcond=None`` is NumPy's
    ``eps * max(m, n)``.  ``x`` is ``n`` or ``n x k``; ``residuals`` the squared norms of the
    rows ``n..m-1`` of each solved column (NumPy's sums) when ``rank == n`` and ``m > n``, else
    empty (of ``k`` elements, ``1`` for a vector ``b``, as NumPy's); ``rank`` a ``numpy.int32``;
    ``s`` the singular values.  Results are ``float32``/``complex64`` only when both operands
    are; failure is NumPy's ``LinAlgError('SVD did not converge in Linear Least Squares')``."""
    if wholearray.is_array(rcond) or isinstance(rcond, np.ndarray):
        raise _tr().error(UnsupportedError, "np.linalg.lstsq(rcond=) takes a scalar in compiled code")
    if rcond is not None and not isinstance(type_of(rcond), (BoolType, IntType, FloatType)):
        raise _tr().error(TypingError, f"np.linalg.lstsq(rcond=) takes a real number, not {describe(rcond)}")
    a = _two_d(a, "lstsq")
    if isinstance(b, np.ndarray):
        b = arrays.global_array(b)
    vector = wholearray.is_array(b) and b.type.ndim == 1
    b = _two_d(wholearray.subview(b, (slice(None), None)) if vector else b, "lstsq")
    m, n, k = arrays.dim(a, 0), arrays.dim(a, 1), arrays.dim(b, 1)
    arith.raise_if(arith.compare("!=", m, arrays.dim(b, 0)), _LINALG_ERROR, "Incompatible dimensions")
    t, result_t = _types(a, b)
    if rcond is None:
        rcond = arith.binary("*", arith.constant(float(np.finfo(np.float64).eps), f64),
                             arith.cast(_max(m, n), f64))
    at = _column_major(a, t)
    one = arith.constant(1, i64)
    bt = numpy_api.zeros((_max(k, one), _max(_max(m, n), one)), to_dtype(t))
    _helper(pylapack.fill_rhs, bt, wholearray.astype(b, to_dtype(t), copy=False))
    s = numpy_api.allocate(_min(m, n), _real(t))
    rank = numpy_api.allocate(one, i64)
    _fail_if(_helper(pylapack.gelsd, at, bt, s, rank, arith.cast(rcond, f64)),
             "SVD did not converge in Linear Least Squares")
    r = arrays.getitem(rank, 0)
    full = arith.binary("&", arith.compare("==", r, n), arith.compare(">", m, n))
    residuals = numpy_api.allocate(arith.select(full, k, arith.constant(0, i64)), _real(t))
    _helper(pylapack.residuals, residuals, bt, n, m)
    real_t = to_dtype(_real(result_t))
    if vector:
        x = _result(wholearray.subview(bt, (0, slice(None, n))), result_t, transposed=False)
    else:
        x = _result(wholearray.subview(bt, (slice(None, k), slice(None, n))), result_t)
    return (x, wholearray.astype(residuals, real_t, copy=False), arith.cast(r, i32),
            wholearray.astype(s, real_t, copy=False))


def _c_function(fn: str) -> Any:
    """The staged ``pylapack.c_log`` or ``c_exp``: the C library's ``fn`` of a float (``logf``
    of a float32, as NumPy's float32 routines), the ``math`` op ``fn`` without ``math``'s checks."""
    def staged(x: Any) -> Symbolic:
        if not (isinstance(x, Symbolic) and isinstance(x.type, FloatType)):
            x = arith.cast(x, f64)
        return _tr().emit_value(MathOp(fn, x.value))
    return staged


#: the NumPy functions of this module
FUNCTIONS = {np.linalg.det: det, np.linalg.cholesky: cholesky, np.linalg.qr: qr, np.linalg.eigh: eigh,
             np.linalg.eigvalsh: eigvalsh, np.linalg.svd: svd, np.linalg.lstsq: lstsq,
             np.linalg.eig: eig, np.linalg.eigvals: eigvals, np.linalg.slogdet: slogdet,
             np.linalg.svdvals: svdvals, np.linalg.pinv: pinv, np.linalg.matrix_rank: matrix_rank,
             pylapack.lapack: call, pylapack.c_log: _c_function("log"), pylapack.c_exp: _c_function("exp")}
