"""The NumPy functions traced code can call on traced values.

* Allocation -- ``np.empty``, ``zeros``, ``ones``, ``full``, ``empty_like``,
  ``zeros_like``, ``ones_like``, ``arange`` (1-d) and ``a.copy()``: new
  C-contiguous arrays owned by compiled code, with NumPy's default dtypes
  (float64; ``full`` and ``arange`` take the dtype of their values) and
  NumPy's errors: ``ValueError: negative dimensions are not allowed``, and
  ``ValueError: array is too big; ...`` when the byte size overflows.
* Element functions -- ``np.sqrt``, ``exp``, ``log``, ``log1p``, ``expm1``,
  ``sin``, ``cos``, ``tan``, ``arcsin``, ``arccos``, ``arctan``, ``arctan2``,
  ``sinh``, ``cosh``, ``tanh``, ``abs``/``absolute``, ``floor``, ``ceil``,
  ``trunc``, ``isnan``, ``isinf``, ``isfinite``, ``minimum``, ``maximum``,
  ``hypot``, ``power``, ``sign`` on scalars: IEEE results, no exceptions
  (``np.sqrt(-1.0)`` is NaN, as NumPy gives it); integers become float64
  for the transcendental functions, ``float32`` stays ``float32``;
  ``minimum``/``maximum`` propagate NaN; an integer ``power`` with a
  negative exponent raises NumPy's ``ValueError``.
* Scalar types as functions -- ``np.float32(x)``, ``np.int64(x)``, ... convert.

Layer: above arrays and builtins; it defines ``copy()`` of traced arrays
(``values.define``).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ir import TypingError, UnsupportedError
from ir.dtypes import from_dtype, to_dtype
from ir.ops import ArrayAllocOp, ArrayBroadcastOp, ArrayTransposeOp, BitcastOp, FloorDivOp, Math2Op, MathOp, PowOp
from ir.types import ArrayType, BoolType, ComplexType, FloatType, IntType, Type, f32, f64, i64, u64

from . import arith, arrays, pyarray, pyint
from .builtins import to_int
from .context import TraceContext, current
from .values import Symbolic, define, describe, method, type_of


def _tr() -> TraceContext:
    return current()


def _traced(*args: Any) -> bool:
    return any(isinstance(a, Symbolic) or (isinstance(a, tuple) and _traced(*a)) for a in args)


# ----------------------------------------------------------------- allocation
def _dtype(dtype: Any, default: Type) -> Type:
    if dtype is None:
        return default
    if isinstance(dtype, Symbolic):
        raise _tr().error(TypingError, "a dtype must be a constant NumPy type in compiled code, "
                                       f"not a run-time {dtype.type}")
    try:
        t = from_dtype(np.dtype(dtype))
    except TypeError:
        t = None
    if t is None:
        raise _tr().error(TypingError, f"dtype {dtype!r} is not supported in compiled code")
    return t


def _extents(shape: Any) -> list:
    dims = list(shape) if isinstance(shape, tuple) else [shape]
    for d in dims:
        if not isinstance(type_of(d), (IntType, BoolType)):
            raise _tr().error(TypingError, f"array dimensions must be integers, not {describe(d)}")
    return [arith.cast(d, i64) for d in dims]


def allocate(shape: Any, dtype: Type) -> Symbolic:
    """A new uninitialised C-contiguous array, with NumPy's size checks."""
    dims = _extents(shape)
    limit = (2 ** 63 - 1) // to_dtype(dtype).itemsize
    total: Any = 1
    for d in dims:
        arith.raise_if(arith.compare("<", d, 0), "ValueError", "negative dimensions are not allowed")
    for d in dims:  # as NumPy: zero extents count as 1, so (0, 2**62) is still too big
        counted = arith.select(arith.compare(">", d, 0), d, arith.constant(1, i64))
        too_big = arith.compare(">", total, arith.emit(FloorDivOp, arith.constant(limit, i64), counted))
        arith.raise_if(too_big, "ValueError", "array is too big; `arr.size * arr.dtype.itemsize` is "
                                              "larger than the maximum possible size.")
        total = arith.binary("*", total, counted)
    return _tr().emit_value(ArrayAllocOp(dtype, [d.value for d in dims]))


def _filled(shape: Any, dtype: Type, value: Any) -> Symbolic:
    return _fill(allocate(shape, dtype), value)


def _fill(a: Symbolic, value: Any) -> Symbolic:
    _tr().call(pyarray.fill, (a, value), {})
    return a


def allocate_in(a: Symbolic, dtype: Type, order: Any) -> Symbolic:
    """A new uninitialised array of ``a``'s shape in NumPy's ``order`` of ``a``: ``"C"``, ``"F"``,
    ``"A"`` (Fortran order where ``a`` is Fortran-ordered) or ``"K"`` (``a``'s memory order):
    where ``a``'s type does not tell its memory order (layout ``A``), C order."""
    if order not in ("C", "F", "A", "K"):
        raise _tr().error(UnsupportedError, f"order={order!r} is not supported in compiled code: pass 'C', 'F', "
                                            "'A' or 'K', known when compiling")
    n = a.type.ndim
    if n >= 2 and (order == "F" or order in ("A", "K") and a.type.layout == "F"):
        new = allocate(tuple(reversed(arrays.shape(a))), dtype)
        return _tr().emit_value(ArrayTransposeOp(new.value, list(range(n))[::-1]))
    return allocate(arrays.shape(a), dtype)


def empty(shape: Any, dtype: Any = None) -> Symbolic:
    return allocate(shape, _dtype(dtype, f64))


def zeros(shape: Any, dtype: Any = None) -> Symbolic:
    return _filled(shape, _dtype(dtype, f64), 0)


def ones(shape: Any, dtype: Any = None) -> Symbolic:
    return _filled(shape, _dtype(dtype, f64), 1)


def full(shape: Any, fill_value: Any, dtype: Any = None) -> Symbolic:
    value_type = type_of(fill_value)
    if value_type is None or not value_type.is_scalar:
        raise _tr().error(TypingError, f"np.full() needs a number to fill with, not {describe(fill_value)}")
    return _filled(shape, _dtype(dtype, value_type), fill_value)


def _like(a: Any, name: str) -> Symbolic:
    if not arrays.is_array(a):
        raise _tr().error(TypingError, f"np.{name}() needs an array, not {describe(a)}")
    return a


def empty_like(a: Any, dtype: Any = None, order: Any = "K") -> Symbolic:
    """``np.empty_like`` and the others below: a new array of ``a``'s shape, dtype (or
    ``dtype``) and, by default, memory order (see :func:`allocate_in`)."""
    a = _like(a, "empty_like")
    return allocate_in(a, _dtype(dtype, a.type.dtype), order)


def zeros_like(a: Any, dtype: Any = None, order: Any = "K") -> Symbolic:
    a = _like(a, "zeros_like")
    return _fill(allocate_in(a, _dtype(dtype, a.type.dtype), order), 0)


def ones_like(a: Any, dtype: Any = None, order: Any = "K") -> Symbolic:
    a = _like(a, "ones_like")
    return _fill(allocate_in(a, _dtype(dtype, a.type.dtype), order), 1)


def full_like(a: Any, fill_value: Any, dtype: Any = None, order: Any = "K") -> Symbolic:
    """Every element ``fill_value`` cast as a store casts (2.7 into an int array is 2, as in NumPy)."""
    a = _like(a, "full_like")
    value_type = type_of(fill_value)
    if value_type is None or not value_type.is_scalar:
        raise _tr().error(TypingError, f"np.full_like() needs a number to fill with, not {describe(fill_value)}")
    return _fill(allocate_in(a, _dtype(dtype, a.type.dtype), order), fill_value)


def copy(a: Symbolic, order: Any = "K") -> Symbolic:
    """``np.copy(a)`` (in ``a``'s memory order by default) and, with ``order="C"``, ``a.copy()``."""
    result = allocate_in(a, a.type.dtype, order)
    _tr().call(pyarray.copy_into, (result, a), {})
    return result


def copy_method(a: Symbolic, order: Any = "C") -> Symbolic:
    return copy(a, order)


def view_bits(x: Symbolic, dtype: Any = None) -> Symbolic:
    """``x.view(dtype)`` of a NumPy scalar: its bits read as ``dtype`` (NumPy's rule: the same
    itemsize), an int or float of another; a ``bool`` viewed as an 8-bit int is 0 or 1.  A
    Python number has no ``view`` (CPython's ``AttributeError``); an 8-bit int viewed as
    ``bool`` (NumPy keeps bytes other than 0 and 1 in its bools) is refused."""
    if x.weak:
        kind = {BoolType: "bool", IntType: "int", FloatType: "float"}.get(type(x.type), "number")
        raise _tr().error(TypingError, f"AttributeError: '{kind}' object has no attribute 'view'")
    t = dtype_of(dtype, "view")
    src = x.type
    if not all(isinstance(k, (BoolType, IntType, FloatType)) for k in (src, t)):
        raise _tr().error(UnsupportedError, f"view() of a {src} as {t} is not supported in compiled code")
    if to_dtype(src).itemsize != to_dtype(t).itemsize:
        raise _tr().error(TypingError, "ValueError: Changing the dtype of a 0d array is only supported if the "
                                       "itemsize is unchanged")
    if isinstance(t, BoolType) and not isinstance(src, BoolType):
        raise _tr().error(UnsupportedError, f"view() of a {src} as bool is not supported in compiled code: "
                                            "NumPy keeps bytes other than 0 and 1 in such a bool; use x != 0")
    if src == t or isinstance(src, BoolType) or all(isinstance(k, IntType) for k in (src, t)):
        return arith.cast(x, t)
    return Symbolic(_tr().emit_value(BitcastOp(x.value, t)).value)


define(ArrayType, {"copy": method(copy_method),
                   "view": arrays.refused("a.view(dtype) of an array is not supported in compiled code; "
                                          "a.astype(dtype) converts the values")})
define(Type, {"copy": arrays.refused("a {type} has no attribute 'copy'"), "view": method(view_bits)})


def arange(start: Any, stop: Any = None, step: Any = 1, dtype: Any = None) -> Symbolic:
    if stop is None:
        start, stop = 0, start
    types = [type_of(v) for v in (start, stop, step)]
    if any(t is None or not t.is_scalar or isinstance(t, ComplexType) for t in types):
        raise _tr().error(TypingError, "np.arange() takes real numbers")
    floating = any(isinstance(t, FloatType) for t in types)
    t = _dtype(dtype, f64 if floating else i64)
    arith.raise_if(arith.compare("==", step, 0), "ZeroDivisionError",
                   "float division by zero" if floating else "division by zero")
    if floating:
        span = arith.binary("/", arith.binary("-", stop, start), step)
        count = _ceil_to_int(span)
    else:
        delta = arith.binary("-", stop, start)
        count = arith.binary("//", arith.binary("+", delta, arith.binary("-", step, arith.select(
            arith.compare(">", step, 0), 1, -1))), step)
    count = arith.select(arith.compare("<", count, 0), 0, count) if isinstance(count, Symbolic) else max(count, 0)
    a = allocate(count, t)
    delta = arith.binary("-", arith.binary("+", start, step), start) if floating else step
    _tr().call(pyarray.arange_fill, (a, start, delta), {})  # NumPy steps by (start + step) - start
    return a


def linspace(start: Any, stop: Any, num: Any = 50, endpoint: Any = True, retstep: Any = False,
             dtype: Any = None, axis: Any = 0) -> Symbolic:
    """``np.linspace`` of two numbers, NumPy's steps exactly (``pyarray.linspace_fill``): in the
    inexact result type of ``start`` and ``stop`` (Python numbers as ``int64``/``float64``),
    cast to a float ``dtype``."""
    if retstep is not False or axis != 0 or not isinstance(endpoint, bool):
        raise _tr().error(UnsupportedError, "np.linspace() with retstep=, axis= or a run-time endpoint is not "
                                            "supported in compiled code yet")
    kinds = [type_of(v) for v in (start, stop)]
    if any(t is None or not t.is_scalar or isinstance(t, ComplexType) for t in kinds) \
            or not isinstance(type_of(num), (IntType, BoolType)):
        raise _tr().error(UnsupportedError, "np.linspace() takes real numbers for start and stop and an integer "
                                            "num in compiled code")
    dt = np.result_type(*(_seen_by_result_type(v) for v in (start, stop)))
    t = from_dtype(dt if dt.kind in "fc" else np.dtype(np.float64))
    if t is None:
        raise _tr().error(TypingError, f"np.linspace() computes in {dt} here (NumPy's choice), a type compiled code "
                                       "does not support")
    n = arith.cast(num, i64)
    if isinstance(n, Symbolic):
        arith.raise_if(arith.compare("<", n, 0), "ValueError", "Number of samples, {}, must be non-negative.", n)
    elif n < 0:
        raise ValueError(f"Number of samples, {n}, must be non-negative.")
    div = arith.binary("-", n, 1) if endpoint else n
    first, last = arith.cast(start, t), arith.cast(stop, t)
    a = allocate(n, t)
    _tr().call(pyarray.linspace_fill, (a, first, last, arith.binary("-", last, first), div, endpoint), {})
    if dtype is None:
        return a
    target = _dtype(dtype, t)
    if not isinstance(target, FloatType):
        raise _tr().error(UnsupportedError, "np.linspace() with a dtype= other than a float type is not supported "
                                            "in compiled code yet")
    converted = allocate(n, target)
    _tr().call(pyarray.copy_into, (converted, a), {})
    return converted


def _seen_by_result_type(x: Any) -> Any:
    """What ``np.result_type`` is given for ``x``: a NumPy scalar's dtype, or a Python number
    of ``x``'s kind (weak, NEP 50: ``linspace(np.float32(0), 2)`` is ``float32``)."""
    t = type_of(x)
    weak = x.weak if isinstance(x, Symbolic) else not isinstance(x, np.generic)
    if weak:
        return {BoolType: False, IntType: 0, FloatType: 0.0}[type(t)]
    return to_dtype(t)


def eye(n: Any, m: Any = None, k: Any = 0, dtype: Any = None) -> Symbolic:
    """``np.eye(n, m, k)``: zeros with ones on the ``k``-th diagonal."""
    a = zeros((n, n if m is None else m), dtype)
    _tr().call(pyarray.set_diagonal, (a, k, 1), {})
    return a


def identity(n: Any, dtype: Any = None) -> Symbolic:
    return eye(n, dtype=dtype)


def diag(v: Any, k: Any = 0) -> Symbolic:
    """``np.diag``: of a 1-d array the square array with it on the ``k``-th diagonal, of a
    2-d array its ``k``-th diagonal, read-only as NumPy's (NumPy's is a view of ``v``; this
    is a copy: the same values, and writing to it is refused alike)."""
    if not arrays.is_array(v) or v.type.ndim not in (1, 2):
        raise _tr().error(TypingError if not arrays.is_array(v) else UnsupportedError,
                          "np.diag() takes a 1-d or 2-d array in compiled code")
    side = arith.binary("+", arrays.dim(v, 0), _larger(k, arith.negate(k)))
    if v.type.ndim == 1:
        a = _filled((side, side), v.type.dtype, 0)
        _tr().call(pyarray.diagonal_from, (a, v, k), {})
        return a
    rows, cols = arrays.dim(v, 0), arrays.dim(v, 1)
    length = _smaller(arith.binary("+", rows, _smaller(k, 0)), arith.binary("-", cols, _larger(k, 0)))
    out = allocate(_larger(length, 0), v.type.dtype)
    _tr().call(pyarray.diagonal_into, (out, v, k), {})
    extent = arrays.dim(out, 0)
    extent = extent if isinstance(extent, Symbolic) else arith.constant(extent, i64)
    return _tr().emit_value(ArrayBroadcastOp(out.value, [extent.value]))   # a read-only view, as NumPy's


def _smaller(x: Any, y: Any) -> Any:
    return arith.select(arith.compare("<", x, y), x, y)


def _larger(x: Any, y: Any) -> Any:
    return arith.select(arith.compare(">", x, y), x, y)


def trace(a: Any, offset: Any = 0) -> Any:
    """``np.trace`` of a 2-d array: the sum of its ``offset``-th diagonal (in NumPy's sum type)."""
    if not arrays.is_array(a) or a.type.ndim != 2:
        raise _tr().error(UnsupportedError, "np.trace() takes a 2-d array in compiled code")
    return diag(a, offset).sum()


def _triangle(lower: bool) -> Callable:
    def tri(m: Any, k: Any = 0) -> Symbolic:
        if not arrays.is_array(m) or m.type.ndim != 2:
            raise _tr().error(UnsupportedError, f"np.{'tril' if lower else 'triu'}() takes a 2-d array in compiled "
                                                "code")
        out = allocate(arrays.shape(m), m.type.dtype)
        _tr().call(pyarray.triangle, (out, m, k, lower), {})
        return out
    return tri


def _ceil_to_int(x: Any) -> Any:
    return to_int(arith.cast(x, f64), "ceil")


# ----------------------------------------------------------------- element functions
def _float_arg(x: Any, name: str) -> Symbolic:
    return arith.as_float(x, f"np.{name}()")


def _unary(fn: str, name: str) -> Callable:
    def staged(x: Any) -> Symbolic:
        return _tr().emit_value(MathOp(fn, _float_arg(x, name).value))
    return staged


def _binary(fn: str, name: str) -> Callable:
    def staged(x: Any, y: Any) -> Symbolic:
        promoted = arith.result_type(x, y, f"np.{name}")   # NEP 50: np.float32(x) ** 2 stays float32
        x, y = _float_arg(x, name), _float_arg(y, name)
        t = promoted if isinstance(promoted, FloatType) else f64
        return _tr().emit_value(Math2Op(fn, arith.cast(x, t).value, arith.cast(y, t).value))
    return staged


def _rounding(fn: str) -> Callable:
    def staged(x: Any) -> Symbolic:
        if isinstance(type_of(x), (IntType, BoolType)):
            return arith.positive(x) if isinstance(x, Symbolic) else x
        return _tr().emit_value(MathOp(fn, _float_arg(x, fn).value))
    return staged


def _absolute(x: Any) -> Symbolic:
    t = type_of(x)
    if isinstance(t, (IntType, BoolType)):
        return arith.select(arith.compare("<", x, 0), arith.negate(x), arith.positive(x))
    if isinstance(t, ComplexType):   # NumPy's npy_cabs: hypot of the parts
        return _tr().emit_value(Math2Op("hypot", arith.real(x).value, arith.imag(x).value))
    return _tr().emit_value(MathOp("fabs", _float_arg(x, "abs").value))


def _test(fn: str) -> Callable:
    def staged(x: Any) -> Any:
        if isinstance(type_of(x), (IntType, BoolType)):
            return fn == "isfinite"
        return arith.emit_test(fn, _float_arg(x, fn))
    return staged


def _extremum(op: str) -> Callable:
    def staged(a: Any, b: Any) -> Symbolic:
        t = arith.result_type(a, b, "np." + ("minimum" if op == "<" else "maximum"))
        a, b = arith.cast(a, t), arith.cast(b, t)
        pick = arith.select(arith.compare(op, a, b), a, b)
        if isinstance(t, FloatType):  # NaN propagates (the first NaN wins)
            pick = arith.select(arith.emit_test("isnan", b), b, pick)
            pick = arith.select(arith.emit_test("isnan", a), a, pick)
        return pick
    return staged


def _power(a: Any, b: Any) -> Symbolic:
    ta, tb = type_of(a), type_of(b)
    if isinstance(ta, (IntType, BoolType)) and isinstance(tb, (IntType, BoolType)):
        arith.raise_if(arith.compare("<", b, 0), "ValueError",
                       "Integers to negative integer powers are not allowed.")
        t = arith.result_type(a, b, "np.power")
        return arith.emit(PowOp, arith.cast(a, t), arith.cast(b, t))
    return _binary("pow", "power")(a, b)


def _sign(x: Any) -> Symbolic:
    t = type_of(x)
    if isinstance(t, (IntType, BoolType)):
        x = arith.positive(x)
        return arith.select(arith.compare(">", x, 0), arith.constant(1, x.type),
                            arith.select(arith.compare("<", x, 0), arith.constant(-1, x.type),
                                         arith.constant(0, x.type)))
    x = _float_arg(x, "sign")
    one, minus_one, zero = (arith.constant(v, x.type) for v in (1.0, -1.0, 0.0))
    signed = arith.select(arith.compare(">", x, 0.0), one, arith.select(arith.compare("<", x, 0.0), minus_one, zero))
    return arith.select(arith.emit_test("isnan", x), x, signed)


def _signbit(x: Any) -> Symbolic:
    """``np.signbit``: the sign bit of the float (set for ``-0.0`` and negative NaNs too)."""
    x = _float_arg(x, "signbit")
    bits = IntType(to_dtype(x.type).itemsize * 8)
    return arith.compare("<", Symbolic(_tr().emit_value(BitcastOp(x.value, bits)).value), 0)


def _scaled(name: str, numerator: float, denominator: float) -> Callable:
    """``np.degrees``/``np.radians`` (and ``rad2deg``/``deg2rad``): ``x`` times NumPy's constant
    ``numerator / denominator``, divided in the loop's float type as C divides it
    (``180.0f / NPY_PIf`` for float32)."""
    def staged(x: Any) -> Symbolic:
        x = _float_arg(x, name)
        factor = float(np.float32(numerator) / np.float32(denominator)) if x.type == f32 else numerator / denominator
        return arith.binary("*", x, arith.constant(factor, x.type))
    return staged


def _logaddexp(base2: bool) -> Callable:
    """``np.logaddexp``/``np.logaddexp2``: NumPy's ``npy_logaddexp``: ``x + log(2)`` (``x + 1``)
    where ``x == y`` (equal infinities too), else the larger plus ``log1p(exp(-|x - y|))``
    (times ``log2(e)``) with the C library's ``log1p`` and ``exp`` (``exp2``), and the
    difference (NaN) where it is no number."""
    name = "logaddexp2" if base2 else "logaddexp"

    def staged(x: Any, y: Any) -> Symbolic:
        promoted = arith.result_type(x, y, f"np.{name}")
        t = promoted if isinstance(promoted, FloatType) else f64
        x, y = (arith.cast(_float_arg(v, name), t) for v in (x, y))
        tmp = arith.binary("-", x, y)
        larger = arith.select(arith.compare(">", tmp, 0.0), x, y)
        power = _tr().emit_value(MathOp("exp2" if base2 else "exp", arith.negate(_absolute(tmp)).value))
        tail = _tr().emit_value(MathOp("log1p", power.value))
        if base2:
            tail = arith.binary("*", arith.constant(_LOG2E[t], t), tail)
        same = arith.binary("+", x, arith.constant(1.0 if base2 else _LOGE2[t], t))
        spread = arith.select(arith.emit_test("isnan", tmp), tmp, arith.binary("+", larger, tail))
        return arith.select(arith.compare("==", x, y), same, spread)
    return staged


#: NumPy's ``NPY_LOGE2`` and ``NPY_LOG2E`` in each float type (``..f`` constants for float32)
_LOGE2 = {f64: 0.6931471805599453, f32: float(np.float32(0.6931471805599453))}
_LOG2E = {f64: 1.4426950408889634, f32: float(np.float32(1.4426950408889634))}


def _gcd_or_lcm(lcm: bool) -> Callable:
    """``np.gcd``/``np.lcm`` of integers, as NumPy's ``npy_gcd``/``npy_lcm``: of the operands'
    magnitudes as unsigned numbers (``|-2**63|`` is ``2**63``), Euclid's algorithm
    (``pyint.unsigned_gcd``); the lcm ``|a| / gcd * |b|`` wraps, 0 where both are 0; the result
    converted to the loop's type (wrapping)."""
    name = "lcm" if lcm else "gcd"

    def staged(a: Any, b: Any) -> Symbolic:
        t = arith.result_type(a, b, f"np.{name}")   # the loop's integer type (``apply_ufunc`` chose it)
        ua, ub = _magnitude(a), _magnitude(b)
        g = _tr().call(pyint.unsigned_gcd, (ua, ub), {})
        if lcm:
            none = arith.compare("==", g, 0)
            quotient = arith.emit(FloorDivOp, ua, arith.select(none, arith.constant(1, u64), g))
            g = arith.select(none, arith.constant(0, u64), arith.binary("*", quotient, ub))
        return arith.cast(g, t)
    return staged


def _magnitude(x: Any) -> Symbolic:
    """``|x|`` of an integer as a ``uint64`` (``-2**63`` gives ``2**63``)."""
    if isinstance(type_of(x), IntType) and type_of(x).signed:
        x = arith.cast(x, i64)
        x = arith.select(arith.compare("<", x, 0), arith.negate(x), x)
    return arith.cast(x, u64)


def unravel_index(indices: Any, shape: Any, order: Any = "C") -> tuple:
    """``np.unravel_index`` of one index: its coordinates in an array of ``shape`` (an int or a
    tuple of ints, run-time ones too), in C or Fortran ``order``, as ``int64`` (NumPy's intp);
    NumPy's ``ValueError`` for an index outside ``[0, size)``."""
    if _is_an_array(indices):
        raise _tr().error(UnsupportedError, "np.unravel_index() of an array of indices is not supported in "
                                            "compiled code yet; pass one index")
    if order not in ("C", "F"):
        raise _tr().error(UnsupportedError if isinstance(order, Symbolic) else TypingError,
                          "np.unravel_index(order=) takes 'C' or 'F'")
    if not isinstance(type_of(indices), IntType):
        raise _tr().error(TypingError, "TypeError: only int indices permitted")
    dims = _extents(shape)
    size: Any = arith.constant(1, i64)
    for d in dims:
        size = arith.binary("*", size, d)
    index = arith.cast(indices, i64)
    arith.raise_if(arith.logical_or(arith.compare("<", index, 0), arith.compare(">=", index, size)), "ValueError",
                   "index {} is out of bounds for array with size {}", index, size)
    coordinates = []
    for d in (reversed(dims) if order == "C" else dims):
        coordinates.append(arith.binary("%", index, d))
        index = arith.binary("//", index, d)
    return tuple(reversed(coordinates)) if order == "C" else tuple(coordinates)


def _is_an_array(x: Any) -> bool:
    """An array argument, traced or NumPy's own."""
    return isinstance(x, np.ndarray) or isinstance(x, Symbolic) and isinstance(x.type, ArrayType)


def _scalar_type(np_type: Any) -> Callable:
    t = from_dtype(np.dtype(np_type))

    def convert(x: Any = 0) -> Any:
        if isinstance(t, BoolType):
            return arith.truth(x)
        xt = type_of(x)
        if xt is None or not xt.is_scalar:
            raise _tr().error(TypingError, f"np.{np.dtype(np_type).name}() of a {describe(x)}")
        return arith.cast(x, t)
    return convert


def _machine_limits(cls: type) -> Callable:
    """``np.finfo``/``np.iinfo`` (made while compiling, constants): of a dtype or a type, as
    NumPy's; of a traced value, of its dtype."""
    def limits(x: Any) -> Any:
        if isinstance(x, Symbolic):
            x = to_dtype(x.type.dtype if isinstance(x.type, ArrayType) else x.type)
        return cls(x)
    return limits


def _folding(py: Callable, staged: Callable) -> Callable:
    """``py`` on constants (NumPy itself), ``staged`` when any argument is traced."""
    def impl(*args: Any, **kwargs: Any) -> Any:
        if _traced(*args, *kwargs.values()):
            return staged(*args, **kwargs)
        return py(*args, **kwargs)
    return impl


def _always(staged: Callable) -> Callable:
    return staged


def _build_table() -> dict[Any, Callable]:
    table: dict[Any, Callable] = {
        np.empty: _always(empty), np.zeros: _always(zeros), np.ones: _always(ones),
        np.full: _always(full), np.empty_like: _always(empty_like), np.zeros_like: _always(zeros_like),
        np.ones_like: _always(ones_like), np.full_like: _always(full_like), np.arange: _always(arange), np.linspace: _always(linspace),
        np.eye: _always(eye), np.identity: _always(identity), np.copy: _always(copy), np.diag: _always(diag),
        np.trace: _always(trace), np.tril: _always(_triangle(True)), np.triu: _always(_triangle(False)),
        np.finfo: _machine_limits(np.finfo), np.iinfo: _machine_limits(np.iinfo),
        np.unravel_index: _folding(np.unravel_index, unravel_index),
    }
    for name, fn in (("sqrt", "sqrt"), ("exp", "np.exp"), ("log", "np.log"), ("log1p", "log1p"), ("expm1", "expm1"),
                     ("sin", "np.sin"), ("cos", "np.cos"), ("tan", "tan"), ("arcsin", "asin"), ("arccos", "acos"),
                     ("arctan", "atan"), ("sinh", "sinh"), ("cosh", "cosh"), ("tanh", "tanh"),
                     ("log2", "log2"), ("log10", "log10"), ("exp2", "exp2"), ("cbrt", "cbrt")):
        table[getattr(np, name)] = _folding(getattr(np, name), _unary(fn, name))
    for name, fn in (("arctan2", "atan2"), ("hypot", "hypot"), ("copysign", "copysign"), ("fmod", "fmod")):
        table[getattr(np, name)] = _folding(getattr(np, name), _binary(fn, name))
    for name in ("floor", "ceil", "trunc", "rint"):
        table[getattr(np, name)] = _folding(getattr(np, name), _rounding(name))
    for name in ("isnan", "isinf", "isfinite"):
        table[getattr(np, name)] = _folding(getattr(np, name), _test(name))
    table[np.abs] = table[np.absolute] = _folding(np.absolute, _absolute)
    table[np.minimum] = _folding(np.minimum, _extremum("<"))
    table[np.maximum] = _folding(np.maximum, _extremum(">"))
    table[np.power] = _folding(np.power, _power)
    table[np.sign] = _folding(np.sign, _sign)
    table[np.signbit] = _folding(np.signbit, _signbit)
    for name, numerator, denominator in (("degrees", 180.0, np.pi), ("rad2deg", 180.0, np.pi),
                                         ("radians", np.pi, 180.0), ("deg2rad", np.pi, 180.0)):
        table[getattr(np, name)] = _folding(getattr(np, name), _scaled(name, numerator, denominator))
    table[np.logaddexp] = _folding(np.logaddexp, _logaddexp(False))
    table[np.logaddexp2] = _folding(np.logaddexp2, _logaddexp(True))
    table[np.gcd] = _folding(np.gcd, _gcd_or_lcm(False))
    table[np.lcm] = _folding(np.lcm, _gcd_or_lcm(True))
    for np_type in (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
                    np.uint64, np.float32, np.float64, np.complex64, np.complex128):
        table[np_type] = _folding(np_type, _scalar_type(np_type))
    return table


_TABLE = _build_table()


def lookup(f: Any) -> Callable | None:
    """Our implementation of a NumPy callable, or None."""
    try:
        impl = _TABLE.get(f)
    except TypeError:
        return None
    if impl is None and isinstance(f, np.ufunc):
        def unsupported(*args: Any, **kwargs: Any) -> Any:
            if not _traced(*args, *kwargs.values()):
                return f(*args, **kwargs)
            raise _tr().error(UnsupportedError, f"np.{f.__name__}() is not supported in compiled code yet")
        return unsupported
    return impl


def dtype_of(dtype: Any, what: str) -> Type:
    """The IR type of a constant NumPy dtype argument (``TypingError`` naming ``what`` else)."""
    if dtype is None:
        raise _tr().error(TypingError, f"{what}() needs a dtype")
    return _dtype(dtype, f64)


#: the scalar implementations the whole-array layer applies element by element
numpy_power = _power
extremum = _extremum

__all__ = ["lookup", "allocate", "copy", "dtype_of", "numpy_power", "extremum"]
