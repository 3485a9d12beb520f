"""Joining arrays and values in compiled code: ``np.concatenate``, ``np.stack``, ``np.hstack``,
``np.vstack`` and ``np.column_stack`` of a tuple or list of arrays, and ``np.array`` /
``np.asarray`` of lists and tuples of numbers or arrays.

The result is a new C-contiguous array of NumPy's result type of the inputs' dtypes; each
input is assigned to its slice of it.  Decisions: extents that must agree are checked where
the code runs, with NumPy's ``ValueError`` messages; what the types decide (a number of
dimensions that differs, a 0-d operand, an axis out of range) is NumPy's message as a
``TypingError`` when compiling.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ir import TypingError, UnsupportedError
from ir.dtypes import from_dtype, to_dtype
from ir.types import BoolType, FloatType, IntType, bool_, i64

from . import arith, arrays, numpy_api, pyarray, wholearray
from .context import PathEnds, TraceContext, current
from .values import Symbolic, describe, type_of

__all__ = ["concatenate", "stack", "hstack", "vstack", "column_stack", "array", "asarray", "repeat", "tile",
           "meshgrid", "FUNCTIONS"]


def _tr() -> TraceContext:
    return current()


def _sequence(items: Any, name: str) -> list[Symbolic]:
    """The arrays to join: NumPy arrays of constants read where the code runs, lists and tuples
    as the arrays NumPy makes of them (``np.concatenate(([1.5], x))``)."""
    if not isinstance(items, (tuple, list)) or not items:
        raise _tr().error(UnsupportedError, f"np.{name}() takes a non-empty tuple or list of arrays in compiled code")
    items = [wholearray.as_array(x) for x in items]
    if not all(wholearray.is_array(x) for x in items):
        raise _tr().error(TypingError, "zero-dimensional arrays cannot be concatenated" if name == "concatenate"
                          else f"np.{name}() takes arrays in compiled code (convert numbers with np.array first)")
    return list(items)


def _axis(axis: Any, ndim: int) -> int:
    if not isinstance(axis, int) or isinstance(axis, bool):
        raise _tr().error(UnsupportedError, "the axis must be a constant int in compiled code")
    if not -ndim <= axis < ndim:
        raise _tr().error(TypingError, f"axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim


def concatenate(items: Any, axis: Any = 0, out: Any = None, dtype: Any = None, casting: Any = "same_kind") -> Symbolic:
    if out is not None or dtype is not None or casting != "same_kind":
        raise _tr().error(UnsupportedError, "np.concatenate() with out=, dtype= or casting= is not supported in "
                                            "compiled code yet")
    xs = _sequence(items, "concatenate")
    if axis is None:
        xs, axis = [wholearray.ravel(x) for x in xs], 0
    ndim = xs[0].type.ndim
    for k, x in enumerate(xs[1:], 1):
        if x.type.ndim != ndim:
            raise _tr().error(TypingError, f"all the input arrays must have same number of dimensions, but the array "
                                           f"at index 0 has {ndim} dimension(s) and the array at index {k} has "
                                           f"{x.type.ndim} dimension(s)")
    axis = _axis(axis, ndim)
    t = from_dtype(np.result_type(*(to_dtype(x.type.dtype) for x in xs)))
    if t is None:
        raise _tr().error(TypingError, "np.concatenate() of these dtypes computes in a type compiled code does not "
                                       "support")
    first = arrays.shape(xs[0])
    for k, x in enumerate(xs[1:], 1):
        for j, (n, m) in enumerate(zip(first, arrays.shape(x))):
            if j != axis:
                arith.raise_if(arith.compare("!=", n, m), "ValueError",
                               "all the input array dimensions except for the concatenation axis must match exactly, "
                               f"but along dimension {j}, the array at index 0 has size {{}} and the array at index {k} "
                               "has size {}", _value(n), _value(m))
    total: Any = 0
    for x in xs:
        total = arith.binary("+", total, arrays.dim(x, axis))
    result = numpy_api.allocate(tuple(total if j == axis else n for j, n in enumerate(first)), t)
    start: Any = 0
    for x in xs:
        stop = arith.binary("+", start, arrays.dim(x, axis))
        window = tuple(slice(start, stop) if j == axis else slice(None) for j in range(ndim))
        wholearray.assign(wholearray.subview(result, window), x)
        start = stop
    return result


def stack(items: Any, axis: Any = 0) -> Symbolic:
    xs = _sequence(items, "stack")
    ndim = xs[0].type.ndim
    if any(x.type.ndim != ndim for x in xs):
        raise _tr().error(TypingError, "all input arrays must have the same shape")
    shape = arrays.shape(xs[0])
    for x in xs[1:]:
        for n, m in zip(shape, arrays.shape(x)):
            arith.raise_if(arith.compare("!=", n, m), "ValueError", "all input arrays must have the same shape")
    axis = _axis(axis, ndim + 1)
    key = tuple(None if j == axis else slice(None) for j in range(ndim + 1))
    return concatenate([wholearray.subview(x, key) for x in xs], axis)


def hstack(items: Any) -> Symbolic:
    xs = _sequence(items, "hstack")
    return concatenate(xs, 0 if xs[0].type.ndim == 1 else 1)


def vstack(items: Any) -> Symbolic:
    xs = _sequence(items, "vstack")
    return concatenate([wholearray.subview(x, (None, slice(None))) if x.type.ndim == 1 else x for x in xs], 0)


def column_stack(items: Any) -> Symbolic:
    xs = _sequence(items, "column_stack")
    return concatenate([wholearray.subview(x, (slice(None), None)) if x.type.ndim == 1 else x for x in xs], 1)


def array(obj: Any, dtype: Any = None, copy: Any = True, ndmin: Any = 0) -> Symbolic:
    """``np.array(obj)`` of a traced array (a copy), or of a (nested) list or tuple of numbers
    (traced or not: a new array of their shape) or of arrays of one shape (stacked).  The dtype
    is NumPy's for those values: a Python number as the array NumPy makes of it (``int64``,
    ``float64``, ``complex128``, ``bool``), a NumPy scalar and an array as their own."""
    if ndmin or copy not in (True, False, None):
        raise _tr().error(UnsupportedError, "np.array() with ndmin= or copy= other than True/False is not "
                                            "supported in compiled code")
    from . import lists   # a layer above

    if lists.is_list(lists.current_value(obj)):
        return lists.to_array(lists.current_value(obj), dtype)
    if not _traced_in(obj):   # constants: NumPy's own array, made while compiling
        return np.array(obj, dtype=dtype, copy=copy)
    if wholearray.is_array(obj):
        target = obj.type.dtype if dtype is None else numpy_api.dtype_of(dtype, "np.array")
        if copy is not True and target == obj.type.dtype:
            return obj
        _copy_allowed(copy)
        return wholearray.elementwise(lambda v: arith.cast(v, target), (obj,), "np.array()")
    _copy_allowed(copy)
    if not isinstance(obj, (tuple, list)):
        raise _tr().error(UnsupportedError, "np.array() takes an array, or a list or tuple of numbers or arrays, in "
                                            "compiled code")
    if obj and all(wholearray.is_array(x) for x in obj):
        _check_homogeneous(list(obj))
        stacked = stack(list(obj))
        return stacked if dtype is None else array(stacked, dtype, copy=None)
    shape, leaves = _nested(obj)
    t = numpy_api.dtype_of(dtype, "np.array") if dtype is not None else \
        from_dtype(np.result_type(*(_coerced(v) for v in leaves))) if leaves else from_dtype(np.dtype(np.float64))
    if t is None:
        raise _tr().error(TypingError, "np.array() of these values gives a dtype compiled code does not support")
    out = numpy_api.allocate(shape, t)
    for k, value in enumerate(leaves):
        index, rest = [], k
        for extent in reversed(shape):
            index.insert(0, rest % extent)
            rest //= extent
        arrays.setitem(out, tuple(index), value)
    return out


def _check_homogeneous(xs: list[Symbolic]) -> None:
    """NumPy's error for arrays of different shapes in one ``np.array`` (the first axis where
    they differ, and the shape found before it)."""
    ndim = xs[0].type.ndim
    if any(x.type.ndim != ndim for x in xs):
        raise _tr().error(TypingError, "setting an array element with a sequence. The requested array has an "
                                       "inhomogeneous shape after 1 dimensions")
    first = arrays.shape(xs[0])
    for j in range(ndim):
        differs = None
        for x in xs[1:]:
            found = arith.compare("!=", arrays.dim(x, j), first[j])
            differs = found if differs is None else arith.logical_or(differs, found)
        if differs is None:
            return
        detected = ", ".join([str(len(xs))] + ["{}"] * j) + ("," if j == 0 else "")
        arith.raise_if(differs, "ValueError", "setting an array element with a sequence. The requested array has an "
                       f"inhomogeneous shape after {j + 1} dimensions. The detected shape was ({detected}) + "
                       "inhomogeneous part.", *(_value(n) for n in first[:j]))


def asarray(obj: Any, dtype: Any = None) -> Symbolic:
    """``np.asarray``: a traced array as it is (of another dtype: converted), else ``np.array``."""
    if not _traced_in(obj):
        return np.asarray(obj, dtype=dtype)
    return array(obj, dtype, copy=None)


def _copy_allowed(copy: Any) -> None:
    """NumPy 2's ``copy=False``: a copy that is needed is its ``ValueError`` (when compiling here)."""
    if copy is False:
        raise _tr().error(TypingError, "Unable to avoid copy while creating an array as requested.")


def _traced_in(obj: Any) -> bool:
    if isinstance(obj, (tuple, list)):
        return any(_traced_in(x) for x in obj)
    return isinstance(obj, Symbolic)


def _nested(obj: Any) -> tuple[tuple, list]:
    """The shape of a rectangular nest of lists and tuples of numbers, and its numbers in C order."""
    if not isinstance(obj, (tuple, list)):
        kind = type_of(obj)
        if kind is None or not kind.is_scalar:
            raise _tr().error(UnsupportedError, "np.array() of a list holding arrays and numbers, or other objects, "
                                                "is not supported in compiled code")
        return (), [obj]
    parts = [_nested(x) for x in obj]
    shapes = {shape for shape, _ in parts}
    if len(shapes) > 1:
        raise _tr().error(TypingError, "setting an array element with a sequence. The requested array has an "
                                       "inhomogeneous shape")
    inner = shapes.pop() if shapes else ()
    return (len(obj), *inner), [leaf for _, leaves in parts for leaf in leaves]


def _coerced(value: Any) -> Any:
    """What NumPy's array coercion sees of ``value``: a dtype (a Python number: its default)."""
    kind = type_of(value)
    weak = value.weak if isinstance(value, Symbolic) else not isinstance(value, np.generic)
    if weak:
        if isinstance(value, int) and not isinstance(value, bool) and not -2**63 <= value < 2**63:
            raise _tr().error(UnsupportedError, f"np.array() of the Python int {value} needs a dtype compiled code "
                                                "does not support")
        return np.dtype({"BoolType": np.bool_, "IntType": np.int64, "FloatType": np.float64,
                         "ComplexType": np.complex128}[type(kind).__name__])
    return to_dtype(kind)


def repeat(a: Any, repeats: Any, axis: Any = None) -> Symbolic:
    """``np.repeat`` of the flattened elements (``axis=None``) or along ``axis`` (negative too; out
    of range: NumPy's ``AxisError``): each element (each slice along the axis) a number of times,
    one count for all or one per element.  As NumPy: a float count is truncated; counts in an
    array must cast safely to ``int64`` (else NumPy's ``TypeError``) and be 1-d (``ValueError:
    object too deep``); one count is broadcast; another number of counts than elements is
    NumPy's broadcast ``ValueError``, a negative count among several ``repeats may not contain
    negative values.``, a single one ``negative dimensions are not allowed`` (unless nothing is
    repeated).  The counts are read when the code runs."""
    if not wholearray.is_array(a) or a.type.ndim == 0:
        raise _tr().error(UnsupportedError, "np.repeat() takes an array of at least 1 dimension in compiled code")
    counts = _counts(repeats)
    if axis is None:
        a, k = wholearray.ravel(a), 0
    else:
        k = wholearray._axis_index(a, axis)
    extents = arrays.shape(a)
    n = arrays.dim(a, k)
    m = arrays.dim(counts, 0)
    single = arith.compare("==", m, 1)
    arith.raise_if(arith.logical_and(arith.logical_not(single), arith.compare("!=", m, n)), "ValueError",
                   "operands could not be broadcast together with shape ({},) ({},)", _value(n), _value(m))
    total, negative, last = wholearray.reduce(
        counts, [arith.constant(0, i64), arith.constant(False, bool_), arith.constant(0, i64)],
        lambda total, negative, last, c: [arith.binary("+", total, c),
                                          arith.logical_or(negative, arith.compare("<", c, 0)), c])
    arith.raise_if(arith.logical_and(arith.logical_not(single), negative), "ValueError",
                   "repeats may not contain negative values.")
    length = arith.select(single, arith.binary("*", n, last), total)   # one count: it is the last
    before: Any = 1
    after: Any = 1
    for e in extents[:k]:
        before = arith.binary("*", before, e)
    for e in extents[k + 1:]:
        after = arith.binary("*", after, e)
    out = numpy_api.allocate(tuple(length if j == k else e for j, e in enumerate(extents)), a.type.dtype)
    _tr().call(pyarray.repeat_counts_into, (wholearray.reshape(out, (before, length, after)),
                                            wholearray.reshape(a, (before, n, after)), counts), {})
    return out


def _counts(repeats: Any) -> Symbolic:
    """The counts of ``np.repeat`` as a 1-d ``int64`` array (one number: of one element)."""
    if isinstance(repeats, (list, tuple)):
        repeats = array(repeats) if _traced_in(repeats) else np.asarray(repeats)
    if isinstance(repeats, np.ndarray):
        repeats = arrays.global_array(repeats) if repeats.ndim else repeats[()]
    if not wholearray.is_array(repeats):
        t = type_of(repeats)
        if not isinstance(t, (IntType, BoolType, FloatType)):
            raise _tr().error(TypingError, f"np.repeat() takes a number of repeats, not {describe(repeats)}")
        return numpy_api.full(1, arith.cast(repeats, i64), np.int64)
    dt = to_dtype(repeats.type.dtype)
    if not np.can_cast(dt, np.int64, "safe"):
        raise _tr().error(TypingError, f"Cannot cast array data from dtype('{dt}') to dtype('int64') according "
                                       "to the rule 'safe'")
    if repeats.type.ndim > 1:
        arith.raise_if(True, "ValueError", "object too deep for desired array")
        raise PathEnds()
    if repeats.type.ndim == 0:
        repeats = wholearray.subview(repeats, None)
    return wholearray.astype(repeats, np.int64, copy=False)


def roll(a: Any, shift: Any, axis: Any = None) -> Symbolic:
    """``np.roll``: a new array of ``a``'s elements moved ``shift`` places along ``axis`` (with
    ``axis=None``, of the flattened elements, the shape kept), those pushed past the end coming
    back at the start: the shift is taken modulo the extent as Python's ``%`` takes it (a
    negative one rolls back; an empty axis rolls nothing).  One shift and one axis (tuples of
    them are not compiled); an axis out of range is NumPy's ``AxisError``."""
    if not wholearray.is_array(a):
        raise _tr().error(UnsupportedError, "np.roll() takes an array in compiled code")
    if isinstance(shift, (tuple, list)) or isinstance(axis, (tuple, list)):
        raise _tr().error(UnsupportedError, "np.roll() with several shifts or axes is not supported in compiled code "
                                            "yet; roll one axis at a time")
    if not isinstance(type_of(shift), (IntType, BoolType)):
        raise _tr().error(TypingError, f"np.roll() takes an int shift, not {describe(shift)}")
    if axis is None:
        return wholearray.reshape(roll(wholearray.ravel(a), shift, 0), arrays.shape(a))
    k = wholearray._axis_index(a, axis)
    n = arrays.dim(a, k)
    places = arith.binary("%", arith.cast(shift, i64), arith.select(arith.compare("==", n, 0), 1, n))
    back = arith.binary("-", n, places)

    def along(window: slice) -> tuple:
        return tuple(window if j == k else slice(None) for j in range(a.type.ndim))

    result = numpy_api.allocate_in(a, a.type.dtype, "K")
    wholearray.assign(wholearray.subview(result, along(slice(places, None))), wholearray.subview(a, along(slice(None, back))))
    wholearray.assign(wholearray.subview(result, along(slice(None, places))), wholearray.subview(a, along(slice(back, None))))
    return result


def tile(a: Any, reps: Any) -> Symbolic:
    """``np.tile``: ``a`` repeated ``reps`` times along each axis, NumPy's way when the numbers
    differ: more reps than axes give ``a`` leading axes of extent 1, fewer apply to the last
    axes.  The reps are ints known when compiling (their number decides the result's
    dimensions), or run-time ints in a tuple; a float is NumPy's ``TypeError``, a negative rep
    NumPy's ``ValueError`` (unless nothing is repeated).  Always a new array."""
    if isinstance(reps, np.ndarray):
        reps = tuple(reps.tolist())
    reps = tuple(reps) if isinstance(reps, (tuple, list)) else (reps,)
    if not wholearray.is_array(a):
        raise _tr().error(UnsupportedError, "np.tile() takes an array in compiled code")
    for r in reps:
        t = type_of(r)
        if not isinstance(t, (IntType, BoolType)):
            name = "float" if isinstance(t, FloatType) else describe(r)
            raise _tr().error(TypingError, f"np.tile(): '{name}' object cannot be interpreted as an integer; pass "
                                           "int counts")
    if len(reps) > a.type.ndim:
        a = wholearray.subview(a, (*[None] * (len(reps) - a.type.ndim), Ellipsis))
    reps = (1,) * (a.type.ndim - len(reps)) + reps
    extents = arrays.shape(a)
    size = arrays.size(a)
    for r in reps:
        arith.raise_if(arith.logical_and(arith.compare(">", size, 0), arith.compare("<", r, 0)), "ValueError",
                       "negative dimensions are not allowed")
    if a.type.ndim == 0:
        return numpy_api.copy(a)
    out = numpy_api.allocate(tuple(arith.binary("*", e, arith.cast(r, i64)) for e, r in zip(extents, reps)),
                             a.type.dtype)
    _tr().call(pyarray.tile_from, (out, a), {})
    return out


def meshgrid(*xs: Any, indexing: str = "xy", sparse: bool = False, copy: bool = True) -> tuple:
    """``np.meshgrid`` of two 1-d arrays: new arrays (``xy``: ``len(y) x len(x)``; ``ij``: the other
    way round)."""
    if len(xs) != 2 or sparse or copy is not True or indexing not in ("xy", "ij") \
            or not all(wholearray.is_array(v) and v.type.ndim == 1 for v in xs):
        raise _tr().error(UnsupportedError, "np.meshgrid() of two 1-d arrays (copies: not sparse=, copy=False) is "
                                            "supported in compiled code")
    x, y = xs
    rows, columns = (y, x) if indexing == "xy" else (x, y)
    shape = (arrays.dim(rows, 0), arrays.dim(columns, 0))
    first = numpy_api.allocate(shape, x.type.dtype)
    second = numpy_api.allocate(shape, y.type.dtype)
    across, down = (x, y) if indexing == "xy" else (y, x)
    wholearray.assign(first if indexing == "xy" else second, wholearray.subview(across, (None, slice(None))))
    wholearray.assign(second if indexing == "xy" else first, wholearray.subview(down, (slice(None), None)))
    return first, second


def _value(n: Any) -> Symbolic:
    return n if isinstance(n, Symbolic) else arith.constant(n, i64)


def cross(a: Any, b: Any, axisa: Any = -1, axisb: Any = -1, axisc: Any = -1, axis: Any = None) -> Symbolic:
    """``np.cross`` of 3-element vectors along ``axisa``/``axisb`` (the leading axes broadcast),
    the components NumPy's ``a1 * b2 - a2 * b1``, ... in the promoted dtype, the result's vector
    axis at ``axisc``.  Decision: vectors of 2 elements, whose cross product has one axis fewer
    (and which NumPy 2 deprecates), raise ``ValueError`` where the code meets them, as other
    lengths do with NumPy's message."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = wholearray.as_array(a), wholearray.as_array(b)
    if not (wholearray.is_array(a) and wholearray.is_array(b)):
        raise _tr().error(UnsupportedError, "np.cross() takes two arrays in compiled code")
    a = wholearray.moveaxis(a, axisa, -1)
    b = wholearray.moveaxis(b, axisb, -1)
    n, m = arrays.dim(a, a.type.ndim - 1), arrays.dim(b, b.type.ndim - 1)
    for k in (n, m):
        arith.raise_if(arith.logical_and(arith.compare("!=", k, 2), arith.compare("!=", k, 3)), "ValueError",
                       "incompatible dimensions for cross product\n(dimension must be 2 or 3)")
    arith.raise_if(arith.logical_or(arith.compare("==", n, 2), arith.compare("==", m, 2)), "ValueError",
                   "np.cross() of 2-element vectors is not supported in compiled code (their product has one "
                   "axis fewer); give the vectors a third element of 0")
    dtype = np.promote_types(to_dtype(a.type.dtype), to_dtype(b.type.dtype))
    a0, a1, a2 = (wholearray.astype(wholearray.subview(a, (Ellipsis, k)), dtype, copy=False) for k in range(3))
    b0, b1, b2 = (wholearray.astype(wholearray.subview(b, (Ellipsis, k)), dtype, copy=False) for k in range(3))
    product = stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], -1)
    return wholearray.moveaxis(product, -1, axisc)


FUNCTIONS = {np.concatenate: concatenate, np.stack: stack, np.hstack: hstack, np.vstack: vstack,
             np.column_stack: column_stack, np.array: array, np.asarray: asarray, np.repeat: repeat, np.tile: tile,
             np.meshgrid: meshgrid, np.roll: roll, np.cross: cross}
