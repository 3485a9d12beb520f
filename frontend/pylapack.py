"""LAPACK drivers written in the Python compiled code runs (traced like user code, as
``frontend.pyarray``), after NumPy's ``umath_linalg``: the same routines with the same
arguments and workspace sizes, and NumPy's post-processing of their results; and the loop
over the matrices of a stack (``stacked``, ``stacked_one``, ``stacked_two``, ``stacked_svd``).

Every matrix here is a C-contiguous array holding LAPACK's column-major matrix (a
``k x n`` array is the ``n x k`` matrix: ``at[j, i]`` is element ``(i, j)``), made by
``frontend.lapack``, which also raises NumPy's errors from the ``info`` these return.
:func:`lapack` stands for the routine itself (the ``linalg.lapack`` op, emitted by
``frontend.lapack.call``).  Flags are constants: strings (``"L"``) and the arrays' dtypes,
decided while tracing (a Python bool argument would be a run-time value here).
"""
from __future__ import annotations

import numpy as np


def lapack(routine, *args):
    """LAPACK's ``routine`` (``"getrf"``; the type letter from the first array, ``orgqr`` and
    ``syevd`` are ``ungqr`` and ``heevd`` for complex arrays): its ``info``.  Compiled code
    only (``frontend.lapack.call``)."""
    raise NotImplementedError("linalg.lapack is emitted while tracing")


def c_log(x):
    """The C library's ``log`` of the float ``x`` (``umath_linalg``'s ``npy_log``): IEEE's
    results, no exception, and not ``np.log``, which compiled code computes its own way
    (``compiler.codegen.nplog``).  Compiled code only (``frontend.lapack``)."""
    raise NotImplementedError("c_log is emitted while tracing")


def c_exp(x):
    """The C library's ``exp`` of the float ``x`` (``npy_exp``), as :func:`c_log`."""
    raise NotImplementedError("c_exp is emitted while tracing")


def _count(work):
    """A workspace size LAPACK reported in ``work[0]`` (the real part), as an int."""
    return int(work[0].real)


def det_real(lu, ipiv):
    """``det`` of the matrix ``lu`` holds: NumPy's ``sign * npy_exp(logdet)`` of :func:`slogdet_real`
    (``0.0`` for a singular matrix: sign 0 times ``exp(-inf)``)."""
    sign, logdet = slogdet_real(lu, ipiv)
    return sign * c_exp(logdet)


def det_complex(lu, ipiv):
    """``det_real`` for complex matrices: the sign of :func:`slogdet_complex` times
    ``exp(logdet)``, multiplied out as NumPy's ``mult`` does."""
    sign, logdet = slogdet_complex(lu, ipiv)
    e = c_exp(logdet)
    return complex(sign.real * e - sign.imag * 0.0, sign.real * 0.0 + sign.imag * e)


def _pivot_sign(ipiv, n):
    """The sign of ``getrf``'s row permutation: -1.0 for an odd number of swaps, else 1.0."""
    changes = 0
    for i in range(n):
        if ipiv[i] != i + 1:
            changes += 1
    return -1.0 if changes % 2 == 1 else 1.0


def slogdet_real(lu, ipiv):
    """NumPy's ``slogdet`` of the matrix ``lu`` holds, from ``getrf``'s factors as ``det_real``:
    ``(sign, logdet)``, ``(0.0, -inf)`` for a singular matrix."""
    n = lu.shape[0]
    info = lapack("getrf", n, n, lu, max(n, 1), ipiv)
    sign = 0.0
    logdet = -np.inf
    if info == 0:
        sign = _pivot_sign(ipiv, n)
        logdet = 0.0
        for i in range(n):
            d = lu[i, i]
            if d < 0.0:
                sign = -sign
                d = -d
            logdet += c_log(d)
    return sign, logdet


def slogdet_complex(lu, ipiv):
    """``slogdet_real`` for complex matrices: the sign the product of ``d / |d|`` over the
    diagonal, multiplied out as NumPy's ``mult``; ``(0j, -inf)`` for a singular matrix."""
    n = lu.shape[0]
    info = lapack("getrf", n, n, lu, max(n, 1), ipiv)
    sr = 0.0
    si = 0.0
    logdet = -np.inf
    if info == 0:
        sr = _pivot_sign(ipiv, n)
        logdet = 0.0
        for i in range(n):
            d = lu[i, i]
            ad = abs(d)
            er = d.real / ad
            ei = d.imag / ad
            r = sr * er - si * ei
            si = sr * ei + si * er
            sr = r
            logdet += c_log(ad)
    return complex(sr, si), logdet


def cholesky(at, uplo):
    """``potrf`` of the ``uplo`` triangle of ``at`` (``"L"`` or ``"U"``, in LAPACK's terms), the
    other triangle then zeroed, as NumPy's: ``info``."""
    n = at.shape[0]
    info = lapack("potrf", uplo, n, at, max(n, 1))
    if info == 0:
        for j in range(n):
            for i in range(n):
                if i < j if uplo == "L" else i > j:   # element (i, j) of the other triangle
                    at[j, i] = 0
    return info


def eigh(at, w, jobz, uplo):
    """``syevd``/``heevd`` of the ``uplo`` triangle of ``at`` (``w`` gets the eigenvalues,
    ``at`` the eigenvectors with ``jobz == "V"``), workspaces as NumPy's queries give them:
    ``info``."""
    n = at.shape[0]
    work = np.empty(1, at.dtype)
    iwork = np.empty(1, np.int64)
    if at.dtype.kind == "c":   # if/else: the code after an if with a return is traced for both
        rwork = np.empty(1, w.dtype)
        info = lapack("syevd", jobz, uplo, n, at, max(n, 1), w, work, -1, rwork, -1, iwork, -1)
        if info == 0:
            lwork = _count(work)
            lrwork = int(rwork[0])
            liwork = iwork[0]
            info = lapack("syevd", jobz, uplo, n, at, max(n, 1), w, np.empty(lwork, at.dtype), lwork,
                          np.empty(lrwork, w.dtype), lrwork, np.empty(liwork, np.int64), liwork)
    else:
        info = lapack("syevd", jobz, uplo, n, at, max(n, 1), w, work, -1, iwork, -1)
        if info == 0:
            lwork = _count(work)
            liwork = iwork[0]
            info = lapack("syevd", jobz, uplo, n, at, max(n, 1), w, np.empty(lwork, at.dtype), lwork,
                          np.empty(liwork, np.int64), liwork)
    return info


def svd(at, s, u, vt, jobz):
    """``gesdd`` of the ``m x n`` matrix ``at`` (``jobz`` ``"A"``, ``"S"`` or ``"N"``) into ``s``,
    ``u`` (``ucols x m``: LAPACK's ``m x ucols``) and ``vt`` (``n x ldvt``), NumPy's
    workspaces (the ``rwork`` of the complex routine as LAPACK documents it, at least
    NumPy's), and NumPy's identities for ``u`` and ``vt`` of an empty matrix: ``info``."""
    n = at.shape[0]
    m = at.shape[1]
    mn = min(m, n)
    mx = max(m, n)
    ldvt = vt.shape[1]
    work = np.empty(1, at.dtype)
    iwork = np.empty(max(8 * mn, 1), np.int64)
    if at.dtype.kind == "c":
        if jobz == "N":
            lrwork = 7 * mn
        else:
            lrwork = max(5 * mn * mn + 5 * mn, 2 * mx * mn + 2 * mn * mn + mn)
        rwork = np.empty(max(lrwork, 1), s.dtype)
        info = lapack("gesdd", jobz, m, n, at, max(m, 1), s, u, max(m, 1), vt, ldvt, work, -1, rwork, iwork)
        if info != 0:
            return info
        lwork = max(_count(work), 1)
        info = lapack("gesdd", jobz, m, n, at, max(m, 1), s, u, max(m, 1), vt, ldvt, np.empty(lwork, at.dtype),
                      lwork, rwork, iwork)
    else:
        info = lapack("gesdd", jobz, m, n, at, max(m, 1), s, u, max(m, 1), vt, ldvt, work, -1, iwork)
        if info != 0:
            return info
        lwork = max(_count(work), 1)
        info = lapack("gesdd", jobz, m, n, at, max(m, 1), s, u, max(m, 1), vt, ldvt, np.empty(lwork, at.dtype),
                      lwork, iwork)
    if info == 0 and jobz == "A" and mn == 0:
        for i in range(m):
            for j in range(m):
                u[i, j] = 1 if i == j else 0
        for i in range(n):
            for j in range(n):
                vt[i, j] = 1 if i == j else 0
    return info


def geqrf(at, tau):
    """``geqrf`` of the ``m x n`` matrix ``at`` (``tau`` of ``min(m, n)``), NumPy's workspace
    (at least ``max(1, n)``): ``info``."""
    n = at.shape[0]
    m = at.shape[1]
    work = np.empty(1, at.dtype)
    info = lapack("geqrf", m, n, at, max(m, 1), tau, work, -1)
    if info != 0:
        return info
    lwork = max(max(1, n), _count(work))
    return lapack("geqrf", m, n, at, max(m, 1), tau, np.empty(lwork, at.dtype), lwork)


def orgqr(q, at, tau):
    """``orgqr``/``ungqr``: the ``m x mc`` matrix ``q`` of the reflectors ``geqrf`` left in the
    ``m x n`` matrix ``at`` (their first columns copied in, the rest zero), NumPy's
    workspace: ``info``."""
    mc = q.shape[0]
    m = q.shape[1]
    n = at.shape[0]
    mn = tau.shape[0]
    for j in range(mc):
        if j < n:
            for i in range(m):
                q[j, i] = at[j, i]
        else:
            for i in range(m):
                q[j, i] = 0
    work = np.empty(1, q.dtype)
    info = lapack("orgqr", m, mc, mn, q, max(m, 1), tau, work, -1)
    if info != 0:
        return info
    lwork = max(max(1, n), _count(work))
    return lapack("orgqr", m, mc, mn, q, max(m, 1), tau, np.empty(lwork, q.dtype), lwork)


def upper_part(r, at):
    """``r`` (``k x n``) = the upper triangle of the first ``k`` rows of the matrix ``at``
    holds (NumPy's ``triu(a[:k, :])``)."""
    for i in range(r.shape[0]):
        for j in range(r.shape[1]):
            r[i, j] = at[j, i] if j >= i else 0


def gelsd(at, bt, s, rank, rcond):
    """``gelsd`` of the ``m x n`` matrix ``at`` and the ``ldb x nrhs`` matrix ``bt`` (``ldb`` is
    ``max(1, m, n)``; ``bt`` then holds the solutions in its first ``n`` rows) into ``s`` and
    ``rank[0]``, with the workspaces NumPy's query gives: ``info``."""
    n = at.shape[0]
    m = at.shape[1]
    nrhs = bt.shape[0]
    ldb = bt.shape[1]
    work = np.empty(1, at.dtype)
    iwork = np.empty(1, np.int64)
    if at.dtype.kind == "c":
        rwork = np.empty(1, s.dtype)
        info = lapack("gelsd", m, n, nrhs, at, max(m, 1), bt, ldb, s, rcond, rank, work, -1, rwork, iwork)
        if info == 0:
            lwork = _count(work)
            lrwork = int(rwork[0])
            liwork = iwork[0]
            info = lapack("gelsd", m, n, nrhs, at, max(m, 1), bt, ldb, s, rcond, rank, np.empty(lwork, at.dtype),
                          lwork, np.empty(lrwork, s.dtype), np.empty(liwork, np.int64))
    else:
        info = lapack("gelsd", m, n, nrhs, at, max(m, 1), bt, ldb, s, rcond, rank, work, -1, iwork)
        if info == 0:
            lwork = _count(work)
            liwork = iwork[0]
            info = lapack("gelsd", m, n, nrhs, at, max(m, 1), bt, ldb, s, rcond, rank, np.empty(lwork, at.dtype),
                          lwork, np.empty(liwork, np.int64))
    return info


def fill_rhs(bt, b):
    """``bt`` (``nrhs x ldb``, zero) gets the ``m x k`` matrix ``b`` in its first ``m`` rows and
    ``k`` columns (LAPACK's terms), as NumPy's copy of ``b`` into ``gelsd``'s ``B``."""
    for j in range(b.shape[1]):
        for i in range(b.shape[0]):
            bt[j, i] = b[i, j]


def residuals(r, bt, n, m):
    """``r[j]``: the sum of ``|x|**2`` over rows ``n..m-1`` of column ``j`` of the matrix ``bt``
    holds after ``gelsd``, added in order as NumPy's ``abs2``."""
    for j in range(r.shape[0]):
        total = 0.0
        for i in range(n, m):
            x = bt[j, i]
            if bt.dtype.kind == "c":
                total += x.real * x.real + x.imag * x.imag
            else:
                total += x * x
        r[j] = total


def geev(at, w, vr, jobvr):
    """``zgeev`` of the complex matrix ``at`` (``jobvl`` ``"N"``; ``jobvr`` ``"V"``: the right
    eigenvectors into ``vr``, ``n x n``, else ``vr`` is not referenced), the eigenvalues into
    ``w``, NumPy's workspace (its query, at least 1) and ``rwork`` of ``2 * n``: ``info``."""
    n = at.shape[0]
    ld = max(n, 1)
    vl = np.empty(1, at.dtype)   # not referenced with jobvl "N"
    rwork = np.empty(max(2 * n, 1), np.float64)
    work = np.empty(1, at.dtype)
    info = lapack("geev", "N", jobvr, n, at, ld, w, vl, ld, vr, ld, work, -1, rwork)
    if info == 0:
        lwork = max(_count(work), 1)
        info = lapack("geev", "N", jobvr, n, at, ld, w, vl, ld, vr, ld, np.empty(lwork, at.dtype), lwork, rwork)
    return info


def geev_real(at, wr, wi, vr, jobvr):
    """``dgeev``/``sgeev`` of the real matrix ``at``, as :func:`geev` (the eigenvalues' real
    and imaginary parts into ``wr`` and ``wi``; a real pair of columns of ``vr`` stands for a
    complex conjugate pair of vectors): ``info``."""
    n = at.shape[0]
    ld = max(n, 1)
    vl = np.empty(1, at.dtype)   # not referenced with jobvl "N"
    work = np.empty(1, at.dtype)
    info = lapack("geev", "N", jobvr, n, at, ld, wr, wi, vl, ld, vr, ld, work, -1)
    if info == 0:
        lwork = max(_count(work), 1)
        info = lapack("geev", "N", jobvr, n, at, ld, wr, wi, vl, ld, vr, ld, np.empty(lwork, at.dtype), lwork)
    return info


def all_real(wi):
    """Whether every eigenvalue's imaginary part in ``wi`` is zero."""
    for i in range(wi.shape[0]):
        if wi[i] != 0.0:
            return False
    return True


def all_finite(a):
    """Whether every element of the 2-d complex array ``a`` is finite (NumPy's ``_assert_finite``)."""
    ok = True
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            x = a[i, j]
            if not np.isfinite(x.real):
                ok = False
            if not np.isfinite(x.imag):
                ok = False
    return ok


def stacked(kind, out, a, b, ea, eb, er):
    """``out[i] = a[ia] @ b[ib]`` (``kind`` ``"matmul"``; ``"solve"``: ``np.linalg.solve(a[ia],
    b[ib])``) for each item ``i`` of a stack: ``out`` (``count x ...``), ``a`` and ``b`` the
    stacks of the operands, whose leading extents ``ea`` and ``eb`` (as many as ``er``, padded
    with 1 in front) broadcast to ``er``: ``i`` is split into an index per leading axis (last
    fastest), an axis of extent 1 of an operand read at 0, as NumPy's gufuncs broadcast."""
    d = er.shape[0]
    for i in range(out.shape[0]):
        rest = i
        ia = 0
        ib = 0
        sa = 1
        sb = 1
        for jj in range(d):
            j = d - 1 - jj
            index = rest % er[j]
            rest = rest // er[j]
            if ea[j] != 1:
                ia += index * sa
            if eb[j] != 1:
                ib += index * sb
            sa *= ea[j]
            sb *= eb[j]
        if kind == "matmul":
            out[i] = a[ia] @ b[ib]
        else:
            out[i] = np.linalg.solve(a[ia], b[ib])


def stacked_one(kind, option, out, a, rcond=0.0):
    """``out[i] = np.linalg.<kind>(a[i])`` for each matrix of the stack ``a``, as NumPy's gufuncs
    loop: ``"det"``, ``"inv"``, ``"cholesky"`` (``option`` ``"U"``: ``upper=True``),
    ``"eigvalsh"`` (``option`` the ``UPLO``), ``"eigvals"``, ``"pinv"`` (with ``rcond``),
    ``"svdvals"``, ``"qr_r"``."""
    for i in range(a.shape[0]):
        if kind == "det":
            out[i] = np.linalg.det(a[i])
        elif kind == "inv":
            out[i] = np.linalg.inv(a[i])
        elif kind == "cholesky":
            out[i] = np.linalg.cholesky(a[i], upper=option == "U")
        elif kind == "eigvalsh":
            out[i] = np.linalg.eigvalsh(a[i], UPLO=option)
        elif kind == "eigvals":
            out[i] = np.linalg.eigvals(a[i])
        elif kind == "pinv":
            out[i] = np.linalg.pinv(a[i], rcond)
        elif kind == "svdvals":
            out[i] = np.linalg.svd(a[i], compute_uv=False)
        else:
            out[i] = np.linalg.qr(a[i], mode="r")


def stacked_two(kind, option, out1, out2, a):
    """``out1[i], out2[i] = np.linalg.<kind>(a[i])`` for each matrix of the stack ``a``:
    ``"eigh"`` (``option`` the ``UPLO``), ``"eig"``, ``"slogdet"``, ``"qr"`` (``option`` the mode)."""
    for i in range(a.shape[0]):
        if kind == "eigh":
            x, y = np.linalg.eigh(a[i], UPLO=option)
        elif kind == "eig":
            x, y = np.linalg.eig(a[i])
        elif kind == "slogdet":
            x, y = np.linalg.slogdet(a[i])
        else:
            x, y = np.linalg.qr(a[i], mode=option)
        out1[i] = x
        out2[i] = y


def stacked_svd(option, u_out, s_out, vh_out, a):
    """``np.linalg.svd(a[i], full_matrices=option == "full")`` for each matrix of the stack ``a``."""
    for i in range(a.shape[0]):
        u, s, vh = np.linalg.svd(a[i], full_matrices=option == "full")
        u_out[i] = u
        s_out[i] = s
        vh_out[i] = vh


def matrix_power(a, n, result):
    """``result[...] = np.linalg.matrix_power(a, n)`` for a run-time ``n`` and a float or complex
    ``a`` (a matrix or a stack), with NumPy's products in its order: ``inv(a)`` first for
    ``n < 0``, its short cuts for ``n`` up to 3, else its binary decomposition (the powers of
    two from the lowest bit up, multiplied into the result as ``result @ z``)."""
    if n < 0:
        a = np.linalg.inv(a)
        n = -n
    if n == 0:
        result[...] = np.eye(a.shape[-1], dtype=result.dtype)
    elif n == 1:
        result[...] = a
    elif n == 2:
        result[...] = a @ a
    elif n == 3:
        result[...] = (a @ a) @ a
    else:
        z = a
        first = True
        empty = True
        while n > 0:
            if not first:
                z = z @ z
            first = False
            bit = n % 2
            n = n // 2
            if bit == 1:
                if empty:
                    result[...] = z
                else:
                    result[...] = result @ z
                empty = False


def pinv(a, rcond, out):
    """``out[...] = np.linalg.pinv(a, rcond)`` of the non-empty matrix ``a`` as NumPy's code
    computes it: the reduced ``svd`` of ``a.conj()``, singular values above ``rcond`` times the
    largest inverted (``1 / s`` in their type), the others 0, then ``vt.T @ (s[:, None] * u.T)``."""
    if a.dtype.kind == "c":
        u, s, vt = np.linalg.svd(a.conj(), full_matrices=False)
    else:
        u, s, vt = np.linalg.svd(a, full_matrices=False)
    cutoff = rcond * np.max(s)
    for i in range(s.shape[0]):
        if s[i] > cutoff:
            s[i] = 1 / s[i]
        else:
            s[i] = 0
    out[...] = vt.T @ (s[:, None] * u.T)


def rank_counts(s, out, scale, zero, kind):
    """``out[i]``: how many of the singular values ``s[i, :]`` exceed the threshold, as NumPy's
    ``matrix_rank``: ``scale`` (``kind`` ``"tol"``), else ``scale`` times the largest (``zero``, of
    the type of ``s``, for none; NaN propagates, and nothing exceeds NaN); the comparisons in
    the types of ``s`` and ``scale`` as NumPy promotes them."""
    for i in range(s.shape[0]):
        largest = zero
        for j in range(s.shape[1]):
            x = s[i, j]
            if x > largest or x != x:
                if largest == largest:
                    largest = x
        if kind == "tol":
            threshold = scale
        else:
            threshold = largest * scale
        count = 0
        for j in range(s.shape[1]):
            if s[i, j] > threshold:
                count += 1
        out[i] = count


def pinv_unless_empty(a, rcond, out, empty):
    """``pinv`` of the matrix ``a`` into ``out``, nothing for an empty one (NumPy's empty result)."""
    if not empty:
        pinv(a, rcond, out)


def any_nonzero(a):
    """``int(not all(a == 0))`` of the vector ``a``, as NumPy's ``matrix_rank`` of one."""
    r = 0
    for i in range(a.shape[0]):
        if a[i] != 0:
            r = 1
    return r
