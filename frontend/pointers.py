"""C pointers in traced code: the arguments of a ``compiler.cfunc`` callback declared ``f64*``
or ``voidptr`` (IR type ``ptr<T>``), and the array views ``carray``/``farray`` make of them.

    @cfunc("f64(i32, f64*)")
    def integrand(n, xx):
        x = carray(xx, n)          # a 1-d C array of n float64 over the caller's memory
        return x[0] * x[1]

Decisions (Numba's ``carray``/``farray`` and ``CPointer`` semantics, where Python has none):

* ``carray(ptr, shape)`` / ``farray(ptr, shape)`` (:func:`view`): ``shape`` is an int or a
  tuple of ints (constants or run-time values); the result is a writable C-contiguous
  (Fortran-contiguous) array of the pointer's element type whose memory is the caller's
  -- nothing is copied, nothing is freed, writes go to the caller's memory.  A ``voidptr``
  needs ``dtype=`` (``np.float64``, ``"f8"``); a typed pointer takes none or its own type
  (another is a ``TypingError``: reinterpreting memory is what a ``voidptr`` is for).
* A negative extent raises ``ValueError`` (at compile time where it is a constant, else when
  the line runs); a float, bool or array extent, an empty shape and a shape of more than
  32 extents are ``TypingError``s.  Whether the memory really holds that many elements
  cannot be known: as in C and in Numba, that is the caller's promise.  Indices into the
  view are bounds-checked against ``shape`` as for any array.
* ``ptr[i]`` reads element ``i`` and ``ptr[i] = v`` writes it, as in C and Numba: ``i``
  counts from the pointer (a negative ``i`` is an ``IndexError``, never an element before
  it).  No other operation is defined on a pointer (arithmetic, comparison, slicing,
  printing): each is a ``TypingError`` saying to use ``carray``.

Layer: above the arrays (it indexes the views it makes), below nothing of the tracer; only
``compiler.cfunc`` imports it, while a trace runs.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ir import TypingError
from ir.dtypes import from_dtype
from ir.ops import PointerArrayOp
from ir.types import ArrayType, BoolType, IntType, PointerType, Type, i64

from . import arith
from .context import TraceContext, current
from .values import Symbolic, define, describe

#: NumPy's limit on the number of dimensions
MAX_DIMENSIONS = 32


def _tr() -> TraceContext:
    return current()


def is_traced(*values: Any) -> bool:
    """Whether any of ``values`` (or an element of a tuple among them) is a traced value."""
    return any(isinstance(v, Symbolic) or isinstance(v, tuple) and is_traced(*v) for v in values)


def view(pointer: Any, shape: Any, dtype: Any, layout: str, name: str) -> Symbolic:
    """``carray(pointer, shape, dtype)`` (``layout`` ``"C"``) or ``farray(...)`` (``"F"``)
    in traced code; ``name`` is the function's name for messages."""
    if not (isinstance(pointer, Symbolic) and isinstance(pointer.type, PointerType)):
        raise _tr().error(TypingError, f"{name}() views a C pointer, an argument of a cfunc declared f64* or voidptr, "
                                       f"not {describe(pointer)}")
    element = _element_type(pointer.type, dtype, name)
    extents = _extents(shape, name)
    result = ArrayType(element, len(extents), layout)
    return _tr().emit_value(PointerArrayOp(pointer.value, [e.value for e in extents], result))


def _element_type(pointer: PointerType, dtype: Any, name: str) -> Type:
    if dtype is None:
        if pointer.pointee is None:
            raise _tr().error(TypingError, f"{name}() of a voidptr needs the element type: "
                                           f"{name}(ptr, shape, np.float64)")
        return pointer.pointee
    if isinstance(dtype, Symbolic):
        raise _tr().error(TypingError, f"{name}(): the dtype must be a NumPy type known while compiling "
                                       f"(np.float64, 'f8'), not a run-time {describe(dtype)}")
    try:
        element = from_dtype(np.dtype(dtype))
    except TypeError:
        element = None
    if element is None or not element.is_scalar:
        raise _tr().error(TypingError, f"{name}(): dtype {dtype!r} is not a number type compiled code has "
                                       "(bool, int8..uint64, float32, float64, complex64, complex128)")
    if pointer.pointee is not None and pointer.pointee != element:
        raise _tr().error(TypingError, f"{name}(): the pointer points to {pointer.pointee}, not {element}; "
                                       "leave dtype out, or declare the argument voidptr to reinterpret memory")
    return element


def _extents(shape: Any, name: str) -> list[Symbolic]:
    """The extents of ``shape`` as ``i64`` values, checked non-negative."""
    items = shape if isinstance(shape, tuple) else (shape,)
    if not items:
        raise _tr().error(TypingError, f"{name}(): the shape needs at least one extent (an int or a tuple of ints)")
    if len(items) > MAX_DIMENSIONS:
        raise _tr().error(TypingError, f"{name}(): {len(items)} dimensions; NumPy allows at most {MAX_DIMENSIONS}")
    extents = []
    for k, extent in enumerate(items):
        t = extent.type if isinstance(extent, Symbolic) else None
        if isinstance(extent, bool) or isinstance(t, BoolType) or not (
                isinstance(extent, (int, np.integer)) or isinstance(t, IntType)):
            raise _tr().error(TypingError, f"{name}(): the shape is an int or a tuple of ints, and extent {k} is "
                                           f"{describe(extent)}")
        if not isinstance(extent, Symbolic):
            if extent < 0:
                raise _tr().error(TypingError, f"{name}(): extent {k} of the shape is {int(extent)}; "
                                               "negative dimensions are not allowed")
            extents.append(arith.constant(int(extent), i64))
            continue
        value = arith.cast(extent, i64)
        arith.raise_if(arith.compare("<", value, 0), "ValueError",
                       f"{name}(): negative dimensions are not allowed (extent {k} is {{}})", value)
        extents.append(value)
    return extents


# ----------------------------------------------------------------- the pointer kind
def _element(pointer: Symbolic, index: Any) -> tuple[Symbolic, Any]:
    """The 1-d view of ``pointer`` reaching element ``index``, and the index (checked
    non-negative)."""
    if isinstance(index, tuple) or isinstance(index, slice) or not (
            isinstance(index, (int, np.integer)) and not isinstance(index, bool)
            or isinstance(index, Symbolic) and isinstance(index.type, IntType)):
        raise _tr().error(TypingError, f"a pointer ({pointer.type}) is indexed by one int, not {describe(index)}; "
                                       "view it as an array with carray(ptr, shape) to slice it or use several axes")
    if pointer.type.pointee is None:
        raise _tr().error(TypingError, "a voidptr has no element type: view it with carray(ptr, shape, dtype)")
    if not isinstance(index, Symbolic):
        if index < 0:
            raise _tr().error(TypingError, f"pointer index {int(index)} is negative: a pointer's elements count "
                                           "from it (carray(ptr, n)[-1] is the last of n)")
        index = arith.constant(int(index), i64)
    index = arith.cast(index, i64)
    arith.raise_if(arith.compare("<", index, 0), "IndexError",
                   "pointer index {} is negative: a pointer's elements count from it", index)
    extent = arith.binary("+", index, 1)
    array = _tr().emit_value(PointerArrayOp(pointer.value, [extent.value], ArrayType(pointer.type.pointee, 1, "C")))
    return array, index


def _getitem(pointer: Symbolic, index: Any) -> Any:
    array, index = _element(pointer, index)
    return array[index]


def _setitem(pointer: Symbolic, index: Any, value: Any) -> None:
    array, index = _element(pointer, index)
    array[index] = value


def _refused(what: str):
    def refuse(pointer: Symbolic, *args: Any) -> Any:
        raise _tr().error(TypingError, f"{what} of a C pointer ({pointer.type}) is not supported in compiled code; "
                                       "view it as an array with carray(ptr, shape) and use the array")
    return refuse


define(PointerType, {
    "__getitem__": _getitem, "__setitem__": _setitem,
    **{op: _refused("arithmetic") for op in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__")},
})
