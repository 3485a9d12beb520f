"""Linear algebra in compiled code: ``a @ b``, ``np.matmul``, ``np.dot``, ``np.vdot``,
``np.inner``, ``np.outer``, ``np.linalg.solve``, ``np.linalg.inv`` and
``np.linalg.matrix_power``, with NumPy 2's dtypes, shapes and errors (``solve`` and ``inv``:
LAPACK's ``gesv``, see :func:`solve`; ``matrix_power``: NumPy's products in its order).

A product of 1-d and 2-d arrays is one ``linalg.matmul`` of two matrices (``ir.ops.linalg``):
a vector is viewed as a ``1 x k`` or ``k x 1`` matrix and the result viewed back, as
NumPy's ``matmul`` treats it.  Decisions:

* the operands are converted to the loop type NumPy's ``matmul`` picks (``int8 @ bool``
  is ``int8``; ``float32 @ float64`` is ``float64``), copied first where they are neither
  C- nor F-contiguous (the layouts BLAS reads);
* ``f32``, ``f64``, ``c64`` and ``c128`` products run in the BLAS NumPy itself calls
  (``runtime.blas``), so they agree with NumPy's to BLAS's rounding (NumPy too picks
  between ``gemm``, ``gemv``, ``syrk`` and ``dot`` by shape: results may differ from
  NumPy's in the last bits, as NumPy's own do between machines); integer and bool
  products are loops, exact as NumPy's (integers wrap);
* ``k`` mismatches are NumPy's ``ValueError`` (its message for ``matmul`` and for
  ``dot``), raised where the product runs; a 0-d operand of ``@``/``matmul`` is NumPy's
  error when compiling (a ``TypingError`` with its message); ``np.dot`` of a scalar
  multiplies (a Python number as the array NumPy makes of it: ``int64``, not weak);
* ``a @ b`` / ``np.matmul`` of stacks of matrices (more than 2 dimensions) broadcast the
  leading extents as NumPy does and compute each product as above (see
  :func:`_stacked_product`); ``np.linalg.solve`` and ``inv`` of stacks loop over the matrices
  as NumPy 2's gufuncs (:func:`solve`); ``np.dot``, ``np.inner`` of such arrays are refused (an
  ``UnsupportedError`` suggesting ``@``).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ir import TypingError, UnsupportedError
from ir.diagnostics import MAX_MESSAGE_ARGS
from ir.dtypes import from_dtype, to_dtype
from ir.ops import LinalgGesvOp, LinalgMatmulOp
from ir.types import ArrayType, BoolType, ComplexType, FloatType, IntType, c128, f64, i64

from . import arith, arrays, lapack, numpy_api, pylapack, wholearray
from .context import TraceContext, current
from .values import Symbolic, define, method, type_of

__all__ = ["matmul", "dot", "vdot", "inner", "outer", "solve", "inv", "matrix_power", "FUNCTIONS"]

_SIGNATURE = "(n?,k),(k,m?)->(n?,m?)"


def _tr() -> TraceContext:
    return current()


def _traced(x: Any) -> Any:
    """A NumPy array of the process read where the code runs (``arrays.global_array``)."""
    return arrays.global_array(x) if isinstance(x, np.ndarray) else x


def matmul(a: Any, b: Any) -> Any:
    """``a @ b`` / ``np.matmul(a, b)``."""
    a, b = _traced(a), _traced(b)
    for k, x in enumerate((a, b)):
        t = type_of(x)
        ndim = t.ndim if isinstance(t, ArrayType) else 0
        if ndim == 0:
            raise _tr().error(TypingError, f"matmul: Input operand {k} does not have enough dimensions (has 0, "
                                           f"gufunc core with signature {_SIGNATURE} requires 1)")
    return _product(a, b, "matmul")


def dot(a: Any, b: Any) -> Any:
    """``np.dot(a, b)``: ``matmul`` for 1-d and 2-d arrays (its own error message), a product
    for a scalar operand."""
    a, b = _traced(a), _traced(b)
    if not (wholearray.is_array(a) and wholearray.is_array(b)):   # NumPy makes arrays of Python numbers: strong
        a, b = (_strong(x) for x in (a, b))
        return wholearray.apply_ufunc(np.multiply, lambda x, y: wholearray.numpy_binary("*", x, y), (a, b),
                                      "np.dot")
    return _product(a, b, "dot")


def _strong(x: Any) -> Any:
    """A Python number as NumPy's ``np.asarray`` makes it: of its default dtype (``int64``,
    ``float64``, ``complex128``), no longer weak."""
    if wholearray.is_array(x) or isinstance(x, np.generic) or (isinstance(x, Symbolic) and not x.weak):
        return x
    value = x if isinstance(x, Symbolic) else arith.constant(x, type_of(x))
    return Symbolic(value.value, weak=False)


def vdot(a: Any, b: Any) -> Any:
    """``np.vdot(a, b)``: the dot product of the flattened arrays, ``a`` conjugated."""
    if not (wholearray.is_array(a) and wholearray.is_array(b)):
        raise _tr().error(UnsupportedError, "np.vdot() of a scalar is not supported in compiled code; pass arrays")
    x = wholearray.ravel(a)
    y = wholearray.reshape(b, (arrays.dim(x, 0),))   # NumPy's error for another size: the reshape's
    return _product(wholearray.conjugate(x) if isinstance(x.type.dtype, ComplexType) else x, y, "vdot")


def inner(a: Any, b: Any) -> Any:
    """``np.inner(a, b)``: ``a @ b.T`` for 1-d and 2-d arrays (sums over the last axes)."""
    if not (wholearray.is_array(a) and wholearray.is_array(b)):
        return dot(a, b)
    if a.type.ndim > 2 or b.type.ndim > 2:
        raise _tr().error(UnsupportedError, "np.inner() of arrays of more than 2 dimensions is not supported in "
                                            "compiled code")
    return _product(a, b if b.type.ndim == 1 else wholearray.transpose(b), "dot")   # dot's message, b.T's shape


def outer(a: Any, b: Any) -> Any:
    """``np.outer(a, b)``: ``a.ravel()[:, None] * b.ravel()[None, :]``, products as NumPy's
    ``multiply`` gives them (a Python number is an array of its default dtype, as for ``dot``)."""
    x, y = (wholearray.ravel(v) if wholearray.is_array(v) else _strong(v) for v in (a, b))
    if wholearray.is_array(x):
        x = wholearray.subview(x, (slice(None), None))
    if wholearray.is_array(y):
        y = wholearray.subview(y, (None, slice(None)))
    return wholearray.apply_ufunc(np.multiply, lambda p, q: wholearray.numpy_binary("*", p, q), (x, y),
                                  "np.outer")


def _product(a: Symbolic, b: Symbolic, name: str) -> Any:
    """The product of two 1-d or 2-d arrays as NumPy's ``matmul`` computes it."""
    if a.type.ndim > 2 or b.type.ndim > 2:
        if name == "matmul":
            return _stacked_product(a, b)
        raise _tr().error(UnsupportedError, f"np.{name}() of arrays of more than 2 dimensions is not supported in "
                                            "compiled code; use a @ b (np.matmul) for stacks of matrices")
    t = _loop_type(a, b, name)
    x, y = (wholearray.astype(v, to_dtype(t), copy=False) for v in (a, b))
    x = x if x.type.ndim == 2 else wholearray.subview(x, (None, slice(None)))
    y = y if y.type.ndim == 2 else wholearray.subview(y, (slice(None), None))
    message, *values = _mismatch(a, b, name)
    arith.raise_if(arith.compare("!=", arrays.dim(x, 1), arrays.dim(y, 0)), "ValueError", message,
                   *(v if isinstance(v, Symbolic) else arith.constant(v, i64) for v in values))
    product = _tr().emit_value(LinalgMatmulOp(_contiguous(x).value, _contiguous(y).value))
    if a.type.ndim == 2 and b.type.ndim == 2:
        return product
    if a.type.ndim == 1 and b.type.ndim == 1:
        return arrays.getitem(product, (0, 0))
    return wholearray.reshape(product, (arrays.dim(product, 1),) if a.type.ndim == 1 else (arrays.dim(product, 0),))


def _stacked_product(a: Symbolic, b: Symbolic) -> Symbolic:
    """``a @ b`` where an operand has more than 2 dimensions: a stack of matrices, its leading
    extents broadcast as NumPy's ``matmul`` broadcasts them (a vector operand is a matrix of one
    row or column, that axis dropped from the result).  The operands are converted to the loop
    type and viewed as ``count x m x k`` and ``count x k x n`` stacks (C-contiguous copies where
    they are not), each product one ``linalg.matmul`` in a loop (``pylapack.stacked``)
    written into the result.  Errors are NumPy's, in its order: the core extents first, then
    the leading extents (its ``remapped shapes`` message)."""
    t = _loop_type(a, b, "matmul")
    x, y = (wholearray.astype(v, to_dtype(t), copy=False) for v in (a, b))
    x = x if x.type.ndim > 1 else wholearray.subview(x, (None, slice(None)))
    y = y if y.type.ndim > 1 else wholearray.subview(y, (slice(None), None))
    message, *values = _mismatch(a, b, "matmul")
    arith.raise_if(arith.compare("!=", arrays.dim(x, x.type.ndim - 1), arrays.dim(y, y.type.ndim - 2)),
                   "ValueError", message, *(_int(v) for v in values))
    m, n = arrays.dim(x, x.type.ndim - 2), arrays.dim(y, y.type.ndim - 1)
    core = [e for e, keep in ((m, a.type.ndim > 1), (n, b.type.ndim > 1)) if keep]
    return _core_view(_over_stacks("matmul", x, y, 2, 2, [m, n], t, (a, b), ((0, -2), (1, -1))), core)


def _core_view(out: Symbolic, core: list) -> Symbolic:
    """``out`` (``... x m x n``) with the core extents ``core`` (a vector operand's dropped)."""
    lead = arrays.shape(out)[:-2]
    return out if len(core) == 2 else wholearray.reshape(out, (*lead, *core))


def _over_stacks(kind: str, x: Symbolic, y: Symbolic, core_x: int, core_y: int, core: list, t, originals: tuple,
                 requested: tuple) -> Symbolic:
    """``pylapack.stacked(kind, ...)``: the stacks ``x`` and ``y`` (``core_x``/``core_y`` trailing
    axes per item), their leading extents broadcast as NumPy's gufuncs do (its error, with the
    shapes of ``originals`` and the extents at ``requested`` as its "requested shape"), one item
    of extents ``core`` and type ``t`` computed per pair, each operand viewed as a C-contiguous
    ``count x core`` stack (copied where it is not): the ``broadcast x core`` result."""
    sx, sy = arrays.shape(x), arrays.shape(y)
    lead_x, lead_y = list(sx[:len(sx) - core_x]), list(sy[:len(sy) - core_y])
    d = max(len(lead_x), len(lead_y))
    ex, ey = [1] * (d - len(lead_x)) + lead_x, [1] * (d - len(lead_y)) + lead_y
    ok: Any = True
    extents = []
    for p, q in zip(ex, ey):
        if wholearray.same_extent(p, q) or (isinstance(q, int) and q == 1):
            extents.append(p)
            continue
        if isinstance(p, int) and p == 1:
            extents.append(q)
            continue
        fits = arith.logical_or(arith.compare("==", p, q), arith.logical_or(arith.compare("==", p, 1),
                                                                            arith.compare("==", q, 1)))
        ok = arith.logical_and(ok, fits)
        extents.append(arith.select(arith.compare("==", p, 1), q, p))
    if ok is not True:   # both operands have leading axes here
        _broadcast_error(ok, *(arrays.shape(v) for v in originals), requested)
    x3 = wholearray.reshape(x, (_product_of(lead_x), *sx[len(sx) - core_x:]))
    y3 = wholearray.reshape(y, (_product_of(lead_y), *sy[len(sy) - core_y:]))
    out = numpy_api.allocate((_product_of(extents), *core), t)
    _tr().call(pylapack.stacked, (kind, out, x3, y3, *(_extent_array(e, d) for e in (ex, ey, extents))), {})
    return wholearray.reshape(out, (*extents, *core))


def _broadcast_error(ok: Symbolic, sa: tuple, sb: tuple, requested: tuple) -> None:
    """NumPy's error for stacks whose leading extents do not broadcast, unless ``ok``: each
    extent a field once (``{3}``), or ``?`` where they are more than a check carries; the
    "requested shape" the extents at ``requested`` (``(operand, axis)`` pairs)."""
    fields = [f"{{{j}}}" for j in range(len(sa) + len(sb))]
    if len(fields) > MAX_MESSAGE_ARGS:
        fields = ["?"] * len(fields)
    fa, fb = fields[:len(sa)], fields[len(sa):]
    remapped = " ".join(f"({','.join(f)})->({','.join([*f[:-2], 'newaxis', 'newaxis'])})" for f in (fa, fb))
    shape = ",".join((fa, fb)[k][axis] for k, axis in requested)
    message = (f"operands could not be broadcast together with remapped shapes [original->remapped]: {remapped}  "
               f"and requested shape ({shape})")
    values = [_int(e) for e in (*sa, *sb)] if len(fields) <= MAX_MESSAGE_ARGS else []
    arith.raise_if(arith.logical_not(ok), "ValueError", message, *values)


def _product_of(extents: list) -> Any:
    result: Any = 1
    for e in extents:
        result = arith.binary("*", result, e)
    return _int(result)


def _extent_array(extents: list, d: int) -> Symbolic:
    """A new ``int64`` array of the ``d`` extents."""
    x = numpy_api.allocate(d, i64)
    for j, e in enumerate(extents):
        arrays.setitem(x, j, _int(e))
    return x


def _loop_type(a: Symbolic, b: Symbolic, name: str):
    try:
        loop = np.matmul.resolve_dtypes((to_dtype(a.type.dtype), to_dtype(b.type.dtype), None))
    except TypeError as e:
        raise _tr().error(TypingError, str(e).replace("matmul", name, 1)) from None
    t = from_dtype(loop[2])
    if t is None:
        raise _tr().error(TypingError, f"{name} computes in {loop[2]} here (NumPy's choice), a type compiled code "
                                       "does not support; convert the operands first")
    return t


def _mismatch(a: Symbolic, b: Symbolic, name: str) -> tuple:
    """NumPy's message for operands whose inner extents differ, and its arguments."""
    if name != "dot":   # matmul (vdot's operands have one length by then)
        k = arrays.dim(a, a.type.ndim - 1)
        k2 = arrays.dim(b, 0 if b.type.ndim == 1 else b.type.ndim - 2)
        return (f"matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature "
                f"{_SIGNATURE} (size {{}} is different from {{}})", k2, k)
    shapes = [arrays.shape(v) for v in (a, b)]
    text = ["(" + ",".join("{}" for _ in s) + ("," if len(s) == 1 else "") + ")" for s in shapes]
    axis_a, axis_b = a.type.ndim - 1, max(b.type.ndim - 2, 0)
    return (f"shapes {text[0]} and {text[1]} not aligned: {{}} (dim {axis_a}) != {{}} (dim {axis_b})",
            *shapes[0], *shapes[1], shapes[0][axis_a], shapes[1][axis_b])


def _contiguous(x: Symbolic) -> Symbolic:
    """``x``, or a C-contiguous copy of it when it is neither C- nor F-contiguous."""
    if x.type.layout in ("C", "F"):
        return x
    return wholearray.elementwise(lambda v: v, (x,), "a copy", order="C")


def solve(a: Any, b: Any) -> Symbolic:
    """``np.linalg.solve(a, b)``: LAPACK's ``gesv`` of NumPy's LAPACK on column-major copies, as
    NumPy makes them (``a`` square, ``b`` a vector or a matrix of as many rows), in double
    precision as NumPy computes, the result in NumPy's type (integers give ``float64``,
    ``float32`` stays ``float32``); a singular ``a`` is NumPy's ``LinAlgError``; the result is
    C-contiguous, as NumPy's.  Stacks (``a`` or ``b`` of more than 2 dimensions) are NumPy 2's
    gufuncs: a 1-d ``b`` is one vector for every matrix of ``a`` (``solve1``), any other ``b`` a
    stack of matrices whose leading extents broadcast with ``a``'s; each system is solved as
    above, in a loop (``pylapack.stacked``); a singular matrix anywhere is the ``LinAlgError``."""
    a = _square(a, "solve")
    if isinstance(b, np.ndarray):
        b = arrays.global_array(b)
    if not wholearray.is_array(b) or b.type.ndim == 0:
        raise _tr().error(UnsupportedError, "np.linalg.solve() takes a vector or a matrix (or a stack of them) as "
                                            "b in compiled code")
    result_t = _inexact_type(a, b, "solve")
    t = _computing_type(result_t)
    n = arrays.dim(a, a.type.ndim - 1)
    rows = arrays.dim(b, 0 if b.type.ndim == 1 else b.type.ndim - 2)
    name, signature = ("solve1", "(m,m),(m)->(m)") if b.type.ndim == 1 else ("solve", "(m,m),(m,n)->(m,n)")
    arith.raise_if(arith.compare("!=", rows, n), "ValueError",
                   f"{name}: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature "
                   f"{signature} (size {{}} is different from {{}})", _int(rows), _int(n))
    if a.type.ndim > 2 or b.type.ndim > 2:
        core = arrays.shape(b)[-1 if b.type.ndim == 1 else -2:]
        return _over_stacks("solve", a, b, 2, min(b.type.ndim, 2), list(core), result_t, (a, b),
                            ((1, -2), (1, -1)))
    if b.type.ndim == 1:
        x = _solved(_copy(a, t, transposed=True), _copy(wholearray.subview(b, (None, slice(None))), t))
        return wholearray.astype(wholearray.reshape(x, (arrays.dim(x, 1),)), to_dtype(result_t), copy=False)
    return _copy(_solved(_copy(a, t, transposed=True), _copy(b, t, transposed=True)), result_t, transposed=True)


def inv(a: Any) -> Symbolic:
    """``np.linalg.inv(a)``: ``solve(a, identity)``, as NumPy computes it; of each matrix of a
    stack in a loop (``lapack.over_stack``), as NumPy's gufunc."""
    a = _square(a, "inv")
    result_t = _inexact_type(a, a, "inv")
    if a.type.ndim > 2:
        m = arrays.dim(a, a.type.ndim - 1)
        return lapack.over_stack("inv", "", a, [([m, m], result_t)])
    t = _computing_type(result_t)
    identity = numpy_api.eye(arrays.dim(a, 0), dtype=to_dtype(t))   # its own transpose
    return _copy(_solved(_copy(a, t, transposed=True), identity), result_t, transposed=True)


def matrix_power(a: Any, n: Any) -> Symbolic:
    """``np.linalg.matrix_power(a, n)`` of a square matrix or a stack, NumPy's products in its
    order (``inv`` for ``n < 0``, its short cuts up to 3, then binary decomposition), so results
    are NumPy's bit for bit.  A constant ``n`` unrolls the products while tracing; a run-time
    ``n`` is a loop (``pylapack.matrix_power``) for float and complex arrays only: for integer and
    bool arrays NumPy's result type depends on the sign of ``n`` (``inv`` gives floats), so they
    need a constant ``n`` (an ``UnsupportedError`` says so).  Decision: NumPy returns ``a`` itself
    for ``n == 1``; compiled code returns it too for a constant ``n``, a new array for a run-time
    ``n``."""
    a = _square(a, "matrix_power")
    if isinstance(n, (int, np.integer)):   # a bool too, as NumPy's operator.index takes it
        return _constant_power(a, int(n))
    if not (isinstance(n, Symbolic) and isinstance(n.type, (IntType, BoolType))):
        raise _tr().error(TypingError, "exponent must be an integer")
    if not isinstance(a.type.dtype, (FloatType, ComplexType)):
        dtype = to_dtype(a.type.dtype).name
        raise _tr().error(UnsupportedError, f"np.linalg.matrix_power() of an array of {dtype} takes a constant "
                                            "exponent in compiled code: NumPy's result is of the array's type for "
                                            "n >= 0 and float64 for n < 0; convert the array to float first")
    result = numpy_api.allocate(arrays.shape(a), a.type.dtype)
    _tr().call(pylapack.matrix_power, (a, arith.cast(n, i64), result), {})
    return result


def _constant_power(a: Symbolic, n: int) -> Symbolic:
    if n == 0:
        result = numpy_api.allocate(arrays.shape(a), a.type.dtype)
        wholearray.assign(result, numpy_api.eye(arrays.dim(a, a.type.ndim - 1), dtype=to_dtype(a.type.dtype)))
        return result
    if n < 0:
        a, n = inv(a), -n
    if n == 1:
        return a
    if n == 2:
        return matmul(a, a)
    if n == 3:
        return matmul(matmul(a, a), a)
    z = result = None
    while n > 0:
        z = a if z is None else matmul(z, z)
        n, bit = divmod(n, 2)
        if bit:
            result = z if result is None else matmul(result, z)
    return result


def _square(a: Any, name: str) -> Symbolic:
    """``a`` as NumPy's ``_assert_stacked_square`` checks it: at least 2 dimensions (its
    ``LinAlgError`` when compiling), the last two equal (its ``LinAlgError`` at run time)."""
    return lapack.matrix(a, name, square=True, stacks=True)


def _inexact_type(a: Symbolic, b: Symbolic, name: str):
    dt = np.result_type(to_dtype(a.type.dtype), to_dtype(b.type.dtype))
    t = from_dtype(dt if dt.kind in "fc" else np.dtype(np.float64))
    if t is None or dt.itemsize < 4 and dt.kind in "fc":
        raise _tr().error(TypingError, f"np.linalg.{name}() of {dt} is not supported in compiled code")
    return t


def _computing_type(t):
    """The type NumPy's ``linalg`` computes in for results of ``t``: double precision (its
    ``_commonType``: ``float32`` arrays are solved in ``float64`` and the result cast back)."""
    return c128 if isinstance(t, ComplexType) else f64


def _copy(x: Symbolic, t, transposed: bool = False) -> Symbolic:
    """A new C-contiguous array of the elements of ``x`` (of ``x.T`` with ``transposed``: ``x``
    in column-major order, as LAPACK reads it) as ``t``."""
    return wholearray.elementwise(lambda v: arith.cast(v, t), (wholearray.transpose(x) if transposed else x,),
                                  "a copy", order="C")


def _solved(a: Symbolic, b: Symbolic) -> Symbolic:
    """``gesv`` of the matrices whose column-major copies ``a`` and ``b`` are (``b`` one right-hand
    side per row): ``b`` then holds the solutions, as rows."""
    info = _tr().emit_value(LinalgGesvOp(a.value, b.value))
    arith.raise_if(arith.compare(">", info, 0), "numpy.linalg.LinAlgError", "Singular matrix")
    return b


def _int(n: Any) -> Symbolic:
    return n if isinstance(n, Symbolic) else arith.constant(n, i64)


def _matmul_in_place(a: Symbolic, b: Any) -> Symbolic:
    """``a @= b``: the product written into ``a``, as NumPy's (whose shape it must have)."""
    product = matmul(a, b)
    extents = arrays.shape(product) if wholearray.is_array(product) else ()
    if len(extents) != a.type.ndim:
        raise _tr().error(TypingError, "matmul: the product of a @= b must have the shape of a; its number of "
                                       "dimensions differs")
    for axis, extent in enumerate(extents):
        arith.raise_if(arith.compare("!=", extent, arrays.dim(a, axis)), "ValueError",
                       "matmul: Output operand 0 has a mismatch in its core dimension")
    wholearray.assign(a, product)
    return a


#: the NumPy functions of this module
FUNCTIONS = {np.matmul: matmul, np.linalg.matmul: matmul, np.dot: dot, np.vdot: vdot, np.inner: inner,
             np.outer: outer, np.linalg.solve: solve, np.linalg.inv: inv, np.linalg.matrix_power: matrix_power}
define(ArrayType, {"__matmul__": matmul, "__rmatmul__": lambda b, a: matmul(a, b), "__imatmul__": _matmul_in_place,
                   "dot": method(dot)})
