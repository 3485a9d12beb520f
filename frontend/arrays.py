"""NumPy arrays in traced code: indexing, attributes, iteration.

A traced array is a :class:`~frontend.values.Symbolic` of ``array<T, n, L>``
type.  Python-semantics (NumPy-semantics) decisions:

* ``a[i]`` on a 1-d array reads an element; on an n-d array it is the
  sub-array ``a[i, ...]`` (a view); ``a[i, j]`` reads or views likewise;
* a negative index counts from the end; an index out of range raises
  ``IndexError: index 10 is out of bounds for axis 0 with size 10``, as
  NumPy does, unless the function was compiled with ``boundscheck=False``
  (then it is undefined, as in Numba);
* an index must be an integer (a float index is a ``TypingError``);
  slices, ``None`` and ``...`` make views (``frontend.wholearray``, which
  defines indexing of arrays and calls :func:`getitem`/:func:`setitem` for
  integer indices);
* storing converts the value to the element type as NumPy does (a float
  stored into an int array is truncated); storing into a read-only array is
  a ``TypingError`` at compile time;
* ``a.shape`` is a tuple of traced ints, ``a.ndim`` a Python int,
  ``a.dtype`` the NumPy dtype (a compile-time constant usable in
  allocation), ``a.size`` the product of the extents, ``len(a)`` the first
  extent;
* ``for x in a`` iterates over the first axis.

Layer: above the typing rules of ``frontend.arith``; it defines indexing
and the attributes of traced values of array type (``values.define``), and
what they are for other kinds (errors).
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ir import TypingError, UnsupportedError
from ir.dtypes import from_dtype, to_dtype
from ir.ops import ArrayDimOp, ArrayGlobalOp, ArrayLoadOp, ArrayPartOp, ArrayStoreOp, ArrayTransposeOp, ArrayViewOp, known_extent
from ir.types import ArrayType, BoolType, ComplexType, FloatType, IntType, Type, i64

from . import arith, values
from .context import TraceContext, current
from .values import Symbolic, define, describe, type_of


def _tr() -> TraceContext:
    return current()


def global_array(x: np.ndarray) -> Any:
    """A NumPy array of the process (a module's lookup table, a closure's array) as a traced
    read-only array (``array.global``).  Decision: compiled code reads the array's own memory,
    so changes to its elements are seen by later calls, as CPython sees them; the name is
    read once, when compiling, as every global is (rebinding it to another array needs a new
    compile, or pass the array in).  Writing to it is refused (read-only), and the array is
    kept alive for the life of the process."""
    from .pycall import register

    dtype = from_dtype(x.dtype) if x.dtype.isnative else None
    if dtype is None:
        raise _tr().error(UnsupportedError, f"a NumPy array of {x.dtype} cannot be used by compiled code")
    if x.ndim == 0:
        return x[()]   # a 0-d array computes as the NumPy scalar it holds
    layout = "C" if x.flags.c_contiguous else "F" if x.flags.f_contiguous else "A"
    key = _tr().memo(("global array", id(x)), lambda: register("array", x))
    return _tr().memo(("global array value", key), lambda: Symbolic(
        _tr().emit(ArrayGlobalOp(key, ArrayType(dtype, x.ndim, layout, True))).result))


values.as_traced_array = global_array


def is_array(value: Any) -> bool:
    return isinstance(value, Symbolic) and isinstance(value.type, ArrayType)


def dim(a: Symbolic, axis: int) -> Any:
    """An extent: a Python int in NumPy, so weak (see ``values.Symbolic``).  The extent an
    array op was made with where there is one (a view's count, a map's extent; 1 for a new
    axis), else one ``array.dim`` per array and axis where it is visible: equal extents are
    the same value, which the whole-array layer sees (``wholearray.same_extent``)."""
    owner = a.value.owner
    if isinstance(owner, ArrayTransposeOp):
        return dim(Symbolic(owner.operand(0)), owner.perm[axis])
    if isinstance(owner, ArrayPartOp):
        return dim(Symbolic(owner.operand(0)), axis)
    known = known_extent(a.value, axis)
    if isinstance(known, int):
        return known
    extent = Symbolic(known) if known is not None else \
        _tr().memo(("dim", a.value, axis), lambda: _tr().emit_value(ArrayDimOp(a.value, axis)))
    return Symbolic(extent.value, weak=True)


def shape(a: Symbolic) -> tuple:
    return tuple(dim(a, k) for k in range(a.type.ndim))


def size(a: Symbolic) -> Any:
    result: Any = 1
    for extent in shape(a):
        result = arith.binary("*", result, extent)
    return result


def _index_list(a: Symbolic, key: Any) -> list:
    keys = list(key) if isinstance(key, tuple) else [key]
    t = a.type
    if len(keys) > t.ndim:
        raise _tr().error(TypingError, f"too many indices for array: array is {t.ndim}-dimensional, "
                                       f"but {len(keys)} were indexed")
    for k in keys:
        if isinstance(k, slice) or k is Ellipsis or k is None:
            raise _tr().error(UnsupportedError, "slicing arrays inside compiled code is not supported yet; "
                                                "index with integers")
        kt = type_of(k)
        refuse_bool_index(kt)
        if not isinstance(kt, IntType):
            raise _tr().error(TypingError, "only integers are valid array indices in compiled code, "
                                           f"not {describe(k)}")
    return keys


def refuse_bool_index(kt: Any) -> None:
    """A ``bool`` index is NumPy's 0-d mask (``a[True]`` adds an axis), not the integer 0 or 1."""
    if isinstance(kt, BoolType):
        raise _tr().error(UnsupportedError, "a boolean scalar as an index (NumPy's 0-d mask: a[True] adds an axis) "
                                            "is not supported in compiled code; index with None or an integer")


def checked_index(a: Symbolic, axis: int, index: Any) -> Symbolic:
    """``index`` wrapped if negative and bounds-checked against ``a``'s extent."""
    extent = dim(a, axis)
    if isinstance(extent, int):   # a new axis' 1
        extent = arith.constant(extent, i64)
    if isinstance(index, Symbolic):
        index = arith.cast(index, i64)
        wrapped = arith.select(arith.compare("<", index, 0), arith.binary("+", index, extent), index)
        below = arith.compare("<", wrapped, 0)
    else:  # a constant index: its sign is known now
        index = int(index)
        wrapped = arith.binary("+", extent, index) if index < 0 else arith.constant(index, i64)
        below = arith.compare("<", wrapped, 0) if index < 0 else False
        index = arith.constant(index, i64)
    if _tr().boundscheck:
        outside = arith.logical_or(below, arith.compare(">=", wrapped, extent))
        arith.raise_if(outside, "IndexError", "index {} is out of bounds for axis {} with size {}",
                       index, arith.constant(axis, i64), extent)
    return wrapped


def getitem(a: Symbolic, key: Any) -> Any:
    keys = _index_list(a, key)
    ndim = a.type.ndim
    if len(keys) == ndim:
        indices = [checked_index(a, axis, k) for axis, k in enumerate(keys)]
        return _tr().emit_value(ArrayLoadOp(a.value, [i.value for i in indices]))
    for k in keys:  # fewer indices than dimensions: views along the first axes
        a = _tr().emit_value(ArrayViewOp(a.value, checked_index(a, 0, k).value))
    return a


def setitem(a: Symbolic, key: Any, value: Any) -> None:
    t = a.type
    if t.readonly:
        raise _tr().error(TypingError, "assignment destination is read-only (the array passed in is not "
                                       "writeable)")
    keys = _index_list(a, key)
    if len(keys) != t.ndim:
        raise _tr().error(UnsupportedError, "assigning to a whole sub-array is not supported yet; "
                                            "assign element by element")
    vt = type_of(value)
    if vt is None or not vt.is_scalar:
        raise _tr().error(TypingError, f"cannot store a {describe(value)} into an array of {t.dtype}")
    indices = [checked_index(a, axis, k) for axis, k in enumerate(keys)]
    element = stored(value, t.dtype)
    _tr().emit(ArrayStoreOp(a.value, [i.value for i in indices], element.value))


def stored(value: Any, dtype: Type) -> Symbolic:
    """The scalar ``value`` converted as NumPy's ``__setitem__`` converts it for an array of
    ``dtype``.  NumPy 2 converts a Python number, and for a signed integer array any
    NumPy scalar too, with ``int()`` and refuses what the type cannot hold
    (``OverflowError: Python integer 300 out of bounds for int8``; a float NaN is a
    ``ValueError``, an infinity an ``OverflowError``); NumPy scalars into an unsigned
    array are cast (``np.int16(-2)`` into ``uint8`` is 254).  Complex into real: a
    ``TypingError`` (NumPy's ``TypeError``)."""
    vt = type_of(value)
    if isinstance(vt, ComplexType) and not isinstance(dtype, ComplexType):
        raise _tr().error(TypingError, f"cannot store a complex value into an array of {dtype}")
    if isinstance(dtype, IntType) and isinstance(vt, (IntType, FloatType)) and (dtype.signed or _is_python(value)):
        if isinstance(vt, FloatType):
            return arith.cast(_checked_float(value, dtype), dtype)
        arith.check_int_fits(value, dtype)
    return arith.cast(value, dtype)


def _is_python(value: Any) -> bool:
    """A Python number (weak), not a NumPy scalar."""
    if isinstance(value, Symbolic):
        return value.weak
    return isinstance(value, (int, float)) and not isinstance(value, (bool, np.generic))


def _checked_float(value: Any, dtype: IntType) -> Any:
    """The float ``value`` after ``int(value)``'s checks and the range check of ``dtype``,
    with NumPy's messages (``PyLong_AsLong`` fails beyond the ``int64`` range)."""
    if not isinstance(value, Symbolic):   # the same errors, raised where the store runs
        if math.isnan(value) or math.isinf(value):
            arith.raise_if(True, "ValueError" if math.isnan(value) else "OverflowError",
                           f"cannot convert float {'NaN' if math.isnan(value) else 'infinity'} to integer")
            return 0
        whole = int(value)
        if not -2 ** 63 <= whole < 2 ** 64 or whole >= 2 ** 63 and dtype != IntType(64, False):
            arith.raise_if(True, "OverflowError", "Python int too large to convert to C long")
            return 0
        arith.check_int_fits(whole, dtype)
        return whole
    arith.raise_if(arith.emit_test("isnan", value), "ValueError", "cannot convert float NaN to integer")
    arith.raise_if(arith.emit_test("isinf", value), "OverflowError", "cannot convert float infinity to integer")
    two63 = arith.constant(float(2 ** 63), value.type)
    below = arith.compare("<", value, arith.negate(two63))
    if dtype == IntType(64, False):
        arith.raise_if(arith.compare(">=", value, arith.constant(float(2 ** 64), value.type)), "OverflowError",
                       "Python int too large to convert to C unsigned long")
        arith.raise_if(below, "OverflowError", "Python int too large to convert to C long")
        negative = arith.compare("<=", value, arith.constant(-1.0, value.type))
        whole = arith.cast(arith.select(negative, value, arith.constant(0.0, value.type)), i64)
        arith.raise_if(negative, "OverflowError", "Python integer {} out of bounds for uint64", whole)
        return value
    arith.raise_if(arith.logical_or(below, arith.compare(">=", value, two63)), "OverflowError",
                   "Python int too large to convert to C long")
    if dtype != i64:
        whole = arith.cast(value, i64)   # in range now: truncates toward zero, as int() does
        whole.weak = True
        arith.check_int_fits(whole, dtype)
    return value


def attribute(a: Symbolic, name: str) -> Any:
    if name == "shape":
        return shape(a)
    if name == "ndim":
        return a.type.ndim
    if name == "size":
        return size(a)
    if name == "dtype":
        return to_dtype(a.type.dtype)
    if name == "itemsize":
        return to_dtype(a.type.dtype).itemsize
    if name == "nbytes":
        return arith.binary("*", size(a), to_dtype(a.type.dtype).itemsize)
    raise AttributeError(name)


def length(a: Symbolic) -> Symbolic:
    return dim(a, 0)


def refused(message: str) -> Callable[..., Any]:
    """What an array operation is on a traced value of another kind: a ``TypingError``."""
    def refuse(value: Symbolic, *args: Any) -> Any:
        raise _tr().error(TypingError, message.format(type=value.type))
    return refuse


_ATTRIBUTES = ("shape", "ndim", "size", "dtype", "itemsize", "nbytes")
define(ArrayType, {name: lambda a, name=name: attribute(a, name) for name in _ATTRIBUTES})
define(Type, {"__getitem__": refused("a {type} is not subscriptable"),
              "__setitem__": refused("a {type} does not support item assignment"),
              **{name: refused(f"a {{type}} has no attribute '{name}'") for name in _ATTRIBUTES}})
