"""Indexing with arrays in compiled code ("fancy" indexing), read and written: a boolean
mask (``a[a > 0]``, ``a[mask] = 0``), and integer or boolean index arrays of any shape and
number mixed with slices, integers, ``None`` and ``...`` (``a[idx]``, ``a[:, idx2d]``,
``a[i, idx] = v``, ``a[rows, cols] += 1``, ``a[i, j, k]``, ``a[mask2d, 1]``).

Decisions, NumPy's (2.4):

- A read is a new array; a write stores in C order of the index arrays' broadcast shape, so
  a repeated point keeps the last value, and ``a[idx] += 1`` adds once per distinct point
  (it reads, adds and writes back, as NumPy's).
- A boolean array of ``d`` axes stands for its ``nonzero()``: ``d`` integer index arrays of
  the positions of its true elements (C order), for the ``d`` axes it covers.  A mask of
  all of ``a``'s axes alone is read and stored in place (``select_where``, ``store_where``).
- The index arrays broadcast together; the broadcast axes sit in the result where the first
  array index was when the array indices and the integers among them are next to each other
  in the key, else first.
- Checks in NumPy's order, where the code runs: boolean arrays' shapes as the key is read
  (``IndexError``), then a stored number's conversion, then whether the index arrays
  broadcast (``IndexError: shape mismatch: indexing arrays could not be broadcast together
  with shapes ...``), then whether a stored array broadcasts to the result (``ValueError``;
  leading axes of extent 1 beyond the result's are dropped), then the indices' range,
  index array by index array in C order (``IndexError`` for the first one out of range;
  none when the broadcast shape is empty).  ``a[mask] = values`` with a whole mask keeps
  NumPy's own messages (``values`` of one element or one per true element, 1-d).
- Negative indices count from the end; an index array of any integer dtype is converted to
  ``int64`` as NumPy converts it (``uint64`` 2**64 - 1 is -1).
- One or two 1-d index arrays are read in place (``take_rows``, ``take_pairs``); more, or
  arrays of several dimensions, through read-only views broadcast to the common shape
  (``take_points``): no copy of the index arrays beyond their ``int64`` wrapped form.
- A 0-d index array is refused (NumPy reads it as the integer it holds, but copies what
  that integer would view).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ir import UnsupportedError
from ir.dtypes import to_dtype
from ir.ops import ArrayBroadcastOp
from ir.records import record
from ir.types import ArrayType, BoolType, IntType, i64

from . import arith, arrays, numpy_api, pyarray, searching, wholearray
from .context import PathEnds, TraceContext, current
from .values import Symbolic, define

__all__ = ["getitem", "setitem"]


def _tr() -> TraceContext:
    return current()


def _is_index_array(k: Any) -> bool:
    return isinstance(k, Symbolic) and isinstance(k.type, ArrayType)


def _whole_mask(a: Symbolic, key: Any) -> bool:
    """Whether ``key`` is one boolean array of ``a``'s number of axes (``a[a > 0]``)."""
    return _is_index_array(key) and isinstance(key.type.dtype, BoolType) and key.type.ndim == a.type.ndim


@record
class _Selection:
    """What an index with arrays selects: ``view``, ``a``'s view with the indexed axes first, at
    the points of ``indices`` (per indexed axis: ``a``'s axis, the index array, whether it is
    known to be in range: a boolean's positions), broadcast to ``broadcast``; the broadcast
    axes of the result sit at ``at``."""

    view: Symbolic
    indices: list[tuple[int, Symbolic, bool]]
    broadcast: list
    at: int

    @property
    def fast(self) -> bool:
        """One or two 1-d index arrays: read as they are (``take_rows``, ``take_pairs``: an array
        of length 1 is read at every point), not through broadcast views (``take_points``)."""
        return len(self.indices) <= 2 and all(index.type.ndim == 1 for _, index, _ in self.indices)

    def shape(self) -> tuple:
        """The result's shape in the order of ``view`` (the broadcast axes first)."""
        return (*self.broadcast, *arrays.shape(self.view)[len(self.indices):])

    def placed(self, x: Symbolic) -> Symbolic:
        """``x``, in the order of ``view``, in the result's order."""
        if self.at == 0:
            return x
        first, rest = list(range(len(self.broadcast))), list(range(len(self.broadcast), x.type.ndim))
        return wholearray.transpose(x, tuple(rest[:self.at] + first + rest[self.at:]))

    def points(self, checked: Any = True) -> list[Symbolic]:
        """The ``int64`` positions along each indexed axis, wrapped and checked (NumPy's
        ``IndexError`` for the first one out of range, index array by index array, each in C
        order; none when the broadcast is empty, as NumPy, nor where ``checked`` is false):
        ``fast``, the 1-d arrays as they are; else each as a read-only view broadcast to
        ``broadcast`` (no copy)."""
        empty: Any = False
        for extent in self.broadcast:
            empty = arith.logical_or(empty, arith.compare("==", extent, 0))
        check = arith.logical_and(arith.logical_not(empty), checked)
        points = [index if known else _checked(self.view, axis, original, index, check)
                  for axis, (original, index, known) in enumerate(self.indices)]
        if self.fast:
            return points
        extents = [_value(e).value for e in self.broadcast]
        return [_tr().emit_value(ArrayBroadcastOp(p.value, extents)) for p in points]


def _constants(key: Any) -> Any:
    """``key`` with NumPy arrays and lists of the process (``a[np.array([0, -1])]``,
    ``a[:, [1, 2]]``) as the traced arrays compiled code reads (``arrays.global_array``)."""
    def traced(k: Any) -> Any:
        if isinstance(k, list) and not any(isinstance(x, Symbolic) for x in k):
            k = np.asarray(k)
        return arrays.global_array(k) if isinstance(k, np.ndarray) else k
    return tuple(traced(k) for k in key) if isinstance(key, tuple) else traced(key)


def _axes(k: Any) -> int:
    """How many of the array's axes the index ``k`` consumes."""
    if k is None or k is Ellipsis:
        return 0
    return k.type.ndim if _is_index_array(k) and isinstance(k.type.dtype, BoolType) else 1


def _select(a: Symbolic, key: Any, before_broadcast: Any = lambda: None) -> _Selection | None:
    """The selection of ``key`` if it holds an index array (None for every other key).  NumPy's
    order of checks: boolean arrays' shapes as the key is read, then ``before_broadcast()``
    (a stored value's conversion), then whether the index arrays broadcast; the integer
    indices' range is checked later (``_Selection.points``)."""
    keys = list(key) if isinstance(key, tuple) else [key]
    if not any(_is_index_array(k) for k in keys):
        return None
    for k in keys:
        if _is_index_array(k) and not isinstance(k.type.dtype, (BoolType, IntType)):
            raise IndexError("arrays used as indices must be of integer (or boolean) type")
        if _is_index_array(k) and k.type.ndim == 0:
            raise _tr().error(UnsupportedError, "a 0-d index array is not supported in compiled code; index with "
                                                "the number it holds")
    ndim = a.type.ndim
    consuming = sum(_axes(k) for k in keys)
    if sum(k is Ellipsis for k in keys) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if consuming > ndim:
        raise IndexError(f"too many indices for array: array is {ndim}-dimensional, but {consuming} were indexed")
    at_ellipsis = next((j for j, k in enumerate(keys) if k is Ellipsis), None)
    if at_ellipsis is None:
        keys += [slice(None)] * (ndim - consuming)
    else:
        keys[at_ellipsis:at_ellipsis + 1] = [slice(None)] * (ndim - consuming)
    basic, indices, moved, advanced, axis, view_axis, before = [], [], [], [], 0, 0, None
    for j, k in enumerate(keys):
        if k is None or isinstance(k, slice):
            basic.append(k)
            view_axis += 1
            axis += k is not None
            continue
        advanced.append(j)
        if before is None:   # the result's axes before the first advanced index
            before = sum(1 for x in keys[:j] if x is None or isinstance(x, slice))
        if not _is_index_array(k):
            basic.append(k)
            axis += 1
            continue
        if isinstance(k.type.dtype, BoolType):   # its true elements' positions, one array per axis
            _check_mask(a, axis, k)
            positions = (searching.flatnonzero(k),) if k.type.ndim == 1 else searching.nonzero(k)
            indices += [(axis + m, p, True) for m, p in enumerate(positions)]
        else:
            indices.append((axis, k, False))
        basic += [slice(None)] * _axes(k)
        moved += range(view_axis, view_axis + _axes(k))
        view_axis += _axes(k)
        axis += _axes(k)
    everything = all(isinstance(k, slice) and k.start is None and k.stop is None and k.step is None for k in basic)
    view = a if everything else wholearray.subview(a, tuple(basic))
    order = moved + [v for v in range(view.type.ndim) if v not in moved]
    if order != sorted(order):
        view = wholearray.transpose(view, tuple(order))
    before_broadcast()
    broadcast = _broadcast([index for _, index, _ in indices])
    adjacent = advanced == list(range(advanced[0], advanced[-1] + 1))
    return _Selection(view, indices, broadcast, before if adjacent else 0)


def _broadcast(indices: list[Symbolic]) -> list:
    """The shape the index arrays broadcast to (NumPy's ``IndexError`` if they do not)."""
    shapes = [arrays.shape(index) for index in indices]
    result, ok = wholearray.broadcast_shapes(shapes)
    arith.raise_if(arith.logical_not(ok), "IndexError", "shape mismatch: indexing arrays could not be broadcast "
                   "together with shapes " + " ".join(_shape(len(s)) for s in shapes) + " ",
                   *(_value(e) for s in shapes for e in s))
    return result


def getitem(a: Symbolic, key: Any) -> Any:
    key = _constants(key)
    if _whole_mask(a, key):
        _check_mask(a, 0, key)
        x, m = wholearray.ravel(a), wholearray.ravel(key)
        out = numpy_api.allocate(wholearray.count_nonzero(m), a.type.dtype)
        _tr().call(pyarray.select_where, (out, x, m), {})
        return out
    selection = _select(a, key)
    if selection is None:
        return wholearray.getitem(a, key)
    return _gathered(a, selection)


def _gathered(a: Symbolic, selection: _Selection, read: Any = True) -> Symbolic:
    """A new array of ``a``'s elements at ``selection``'s points (read only where ``read``:
    else the array is empty and its positions unchecked)."""
    points = selection.points(read)
    view, rest = selection.view, arrays.shape(selection.view)[len(points):]
    if selection.fast:
        out = numpy_api.allocate((selection.broadcast[0], *rest), a.type.dtype)
        arith.only_where(read, lambda: _tr().call(pyarray.take_rows if len(points) == 1 else pyarray.take_pairs,
                                                  (out, view, *points), {}))
    else:
        out = numpy_api.allocate(selection.shape(), a.type.dtype)
        arith.only_where(read, lambda: _tr().call(pyarray.take_points, (out, view, tuple(points)), {}))
    return selection.placed(out)


def take(a: Symbolic, indices: Any, axis: int) -> Symbolic:
    """``np.take(a, indices, axis)`` (mode "raise"), as NumPy's ``PyArray_TakeFrom``: ``a``
    indexed along ``axis`` by ``indices`` (an int drops the axis; bools are the ints 0 and 1,
    as NumPy casts them); NumPy's ``IndexError`` "cannot do a non-empty take from an empty
    axes." where the axis is empty and the result is not, else for the first index out of
    range, checked only where an element lies before ``axis`` (NumPy checks the indices once
    per position of the axes before it: never when one of them is empty)."""
    indices = _constants(indices)
    single = not _is_index_array(indices)
    if single:
        if not isinstance(arith.scalar_type(indices, "np.take")[0], (IntType, BoolType)):
            raise _tr().error(UnsupportedError, "np.take() of an index that is not an int or a bool is not "
                                                "supported in compiled code: pass an int")
        indices = numpy_api.full((1,), arith.cast(indices, i64))
    elif not isinstance(indices.type.dtype, (IntType, BoolType)):
        raise TypeError(f"Cannot cast array data from dtype('{to_dtype(indices.type.dtype)}') to dtype('int64') "
                        "according to the rule 'same_kind'")
    elif isinstance(indices.type.dtype, BoolType):
        indices = wholearray.astype(indices, np.int64)
    extents = arrays.shape(a)
    outer: Any = True
    for extent in extents[:axis]:
        outer = arith.logical_and(outer, arith.compare("!=", extent, 0))
    others: Any = arith.compare("!=", arrays.size(indices), 0)
    for extent in extents[:axis] + extents[axis + 1:]:
        others = arith.logical_and(others, arith.compare("!=", extent, 0))
    arith.raise_if(arith.logical_and(arith.compare("==", extents[axis], 0), others), "IndexError",
                   "cannot do a non-empty take from an empty axes.")
    taken = _gathered(a, _select(a, (slice(None),) * axis + (indices,)), outer)
    return wholearray.getitem(taken, (slice(None),) * axis + (0,)) if single else taken


def setitem(a: Symbolic, key: Any, value: Any) -> None:
    key = _constants(key)
    if not any(_is_index_array(k) for k in (key if isinstance(key, tuple) else (key,))):
        wholearray.setitem(a, key, value)
        return
    if a.type.readonly:
        wholearray.setitem(a, slice(None), value)   # NumPy's read-only error, as for any store
        return
    stored = [value]

    def convert() -> None:   # NumPy converts a value after the masks' checks, before the integer indices'
        if not wholearray.is_array(value):
            stored[0] = arrays.stored(value, a.type.dtype)
    whole = _whole_mask(a, key)
    if whole and not (wholearray.is_array(value) and value.type.ndim == 1 and a.type.ndim > 1):
        _check_mask(a, 0, key)
        convert()
        _store_masked(a, key, stored[0])
        return
    selection = _select(a, key, convert)   # a mask of several axes: stored at its true elements' positions
    value = stored[0]
    if whole:
        _check_count(key, value)
    values = _values_for(selection, value) if wholearray.is_array(value) else None
    points = selection.points()
    view = selection.view
    if selection.fast:
        pairs = len(points) == 2
        if values is None:
            _tr().call(pyarray.put_pairs if pairs else pyarray.put_rows, (view, *points, value), {})
        else:
            _tr().call(pyarray.put_pairs_from if pairs else pyarray.put_rows_from, (view, *points, values), {})
    elif values is None:
        _tr().call(pyarray.put_points, (view, tuple(points), value), {})
    else:
        _tr().call(pyarray.put_points_from, (view, tuple(points), values), {})


def _values_for(selection: _Selection, value: Symbolic) -> Symbolic:
    """``value`` broadcast to the result's shape (NumPy's ``ValueError`` if it does not; leading
    axes of extent 1 beyond the result's are dropped, as NumPy's), as a new array in the order
    of the selection's view."""
    full = numpy_api.allocate(selection.shape(), selection.view.type.dtype)
    target = selection.placed(full)
    result, source = arrays.shape(target), arrays.shape(value)
    extra = max(len(source) - len(result), 0)
    ok: Any = True
    for extent in source[:extra]:
        ok = arith.logical_and(ok, arith.compare("==", extent, 1))
    for extent, wanted in zip(reversed(source[extra:]), reversed(result)):
        if not wholearray.same_extent(extent, wanted):
            ok = arith.logical_and(ok, arith.logical_or(arith.compare("==", extent, wanted),
                                                        arith.compare("==", extent, 1)))
    arith.raise_if(arith.logical_not(ok), "ValueError", f"shape mismatch: value array of shape {_shape(len(source))} "
                   f"could not be broadcast to indexing result of shape {_shape(len(result))}",
                   *(_value(e) for e in (*source, *result)))
    wholearray.assign(target, value)
    return full


def _shape(ndim: int) -> str:
    return "(" + ",".join(["{}"] * ndim) + ("," if ndim == 1 else "") + ")"


def _store_masked(a: Symbolic, mask: Symbolic, value: Any) -> None:
    """``a[mask] = value`` for a number, or a 1-d array into a 1-d ``a``; NumPy's ``TypeError``
    for an array of more dimensions."""
    if not wholearray.is_array(value):
        _tr().call(pyarray.store_where, (a, mask, value), {})
        return
    if value.type.ndim != 1:
        arith.raise_if(True, "TypeError", "NumPy boolean array indexing assignment requires a 0 or 1-dimensional "
                                          f"input, input has {value.type.ndim} dimensions")
        raise PathEnds()
    _check_count(mask, value)
    _tr().call(pyarray.store_where_from, (a, mask, value), {})


def _check_count(mask: Symbolic, value: Symbolic) -> None:
    """NumPy's ``ValueError`` unless the 1-d ``value`` has one element or one per true one of ``mask``."""
    count, n = wholearray.count_nonzero(mask), arrays.dim(value, 0)
    arith.raise_if(arith.logical_and(arith.compare("!=", n, count), arith.compare("!=", n, 1)), "ValueError",
                   "NumPy boolean array indexing assignment cannot assign {} input values to the {} output "
                   "values where the mask is true", n, count)


def _check_mask(a: Symbolic, first: int, mask: Symbolic) -> None:
    """``mask``'s shape checked against ``a``'s axes from ``first`` on (NumPy's ``IndexError``)."""
    for axis, m in enumerate(arrays.shape(mask), first):
        n = arrays.dim(a, axis)
        arith.raise_if(arith.compare("!=", n, m), "IndexError",
                       f"boolean index did not match indexed array along axis {axis}; size of axis is {{}} but size "
                       "of corresponding boolean axis is {}", _value(n), _value(m))


def _checked(view: Symbolic, axis: int, original: int, index: Symbolic, check: Any) -> Symbolic:
    """The integer ``index`` as ``int64`` positions along ``view``'s ``axis`` (``a``'s axis
    ``original``), a new array of its shape, wrapped and checked where ``check``."""
    positions = wholearray.astype(index, np.int64, copy=False)
    out = numpy_api.allocate(arrays.shape(positions), i64)
    _wrap(wholearray.ravel(out), wholearray.ravel(positions), arrays.dim(view, axis), original, check)
    return out


def _wrap(out: Symbolic, positions: Symbolic, size: Any, original: int, check: Any) -> None:
    """``out`` = the ``int64`` ``positions`` wrapped (negative ones count from the end); NumPy's
    ``IndexError`` for the first one out of range (where ``check``)."""
    bad, first = _tr().call(pyarray.wrap_indices, (out, positions, size), {})
    arith.raise_if(arith.logical_and(bad, check), "IndexError",
                   f"index {{}} is out of bounds for axis {original} with size {{}}", first, _value(size))


def _value(n: Any) -> Symbolic:
    return n if isinstance(n, Symbolic) else arith.constant(n, i64)


define(ArrayType, {"__getitem__": getitem, "__setitem__": setitem})
