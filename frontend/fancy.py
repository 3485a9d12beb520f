"""Indexing with arrays in compiled code ("fancy" indexing), read and written: a boolean
mask of the array's shape (``a[a > 0]``, ``a[mask] = 0``), and integer (or 1-d boolean)
index arrays mixed with slices, integers, ``None`` and ``...`` (``a[idx]``, ``a[:, idx]``,
``a[i, idx] = v``, ``a[rows, cols] += 1``, ``a[mask_of_rows, 2:]``).

Decisions, NumPy's: a read is a new array; a write stores in index order, so a repeated
index keeps the last value, and ``a[idx] += 1`` adds once per distinct index (it reads,
adds and writes back, as NumPy's).  Index arrays broadcast together (1-d: equal lengths or
1); where the indexed axes sit in the result is NumPy's rule: where the first of them was
when the array indices and the integers among them are next to each other in the key,
else first.  A 1-d boolean array in a key stands for the positions of its true elements.
Negative indices count from the end; one out of range is NumPy's ``IndexError``, a mask of
another shape and a value array that does not broadcast to the result NumPy's
``IndexError``/``ValueError``, where the code runs.  Index arrays of more than one
dimension (but a whole mask), boolean arrays of several axes mixed with other indices and
more than two index arrays in one key are refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ir import UnsupportedError
from ir.types import ArrayType, BoolType, IntType, i64

from . import arith, arrays, numpy_api, pyarray, searching, wholearray
from .context import TraceContext, current
from .values import Symbolic, define

__all__ = ["getitem", "setitem"]


def _tr() -> TraceContext:
    return current()


def _is_index_array(k: Any) -> bool:
    return isinstance(k, Symbolic) and isinstance(k.type, ArrayType)


def _whole_mask(a: Symbolic, key: Any) -> Symbolic | None:
    """The boolean mask ``key`` is when it is one array of several axes (``a[a > 0]``)."""
    if _is_index_array(key) and isinstance(key.type.dtype, BoolType) and (key.type.ndim > 1 or a.type.ndim == 1):
        return _mask_of(a, key)
    return None


@dataclass
class _Selection:
    """What an index with arrays selects: ``view``, ``a``'s view with the indexed axes first,
    read at ``positions`` (``int64``, wrapped and checked, one array per indexed axis, of
    length ``length`` or 1); the indexed axes of the result sit at ``at``."""

    view: Symbolic
    positions: list[Symbolic]
    length: Any
    at: int

    def shape(self) -> tuple:
        return (self.length, *arrays.shape(self.view)[len(self.positions):])

    def placed(self, x: Symbolic) -> Symbolic:
        """``x``, in the order of ``view`` (the indexed axis first), in the result's order."""
        if self.at == 0:
            return x
        axes = list(range(1, x.type.ndim))
        return wholearray.transpose(x, tuple(axes[:self.at] + [0] + axes[self.at:]))

    def unplaced(self, x: Symbolic) -> Symbolic:
        """``x``, in the result's order, in the order of ``view``."""
        if self.at == 0:
            return x
        axes = list(range(x.type.ndim))
        return wholearray.transpose(x, tuple([self.at] + axes[:self.at] + axes[self.at + 1:]))


def _constants(key: Any) -> Any:
    """``key`` with NumPy arrays and lists of the process (``a[np.array([0, -1])]``,
    ``a[:, [1, 2]]``) as the traced arrays compiled code reads (``arrays.global_array``)."""
    def traced(k: Any) -> Any:
        if isinstance(k, list) and not any(isinstance(x, Symbolic) for x in k):
            k = np.asarray(k)
        return arrays.global_array(k) if isinstance(k, np.ndarray) else k
    return tuple(traced(k) for k in key) if isinstance(key, tuple) else traced(key)


def _select(a: Symbolic, key: Any, before_bounds: Any = lambda: None) -> _Selection | None:
    """The selection of ``key`` if it holds an index array (None for every other key);
    ``before_bounds()`` runs after the boolean arrays' checks, before the integer ones'."""
    keys = list(key) if isinstance(key, tuple) else [key]
    if not any(_is_index_array(k) for k in keys):
        return None
    for k in keys:
        if _is_index_array(k):
            if not isinstance(k.type.dtype, (BoolType, IntType)):
                raise IndexError("arrays used as indices must be of integer (or boolean) type")
            if k.type.ndim != 1:
                raise _tr().error(UnsupportedError, "an index array of more than 1 dimension mixed with other "
                                                    "indices is not supported in compiled code yet")
    ndim = a.type.ndim
    consuming = sum(k is not None and k is not Ellipsis for k in keys)
    if sum(k is Ellipsis for k in keys) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if consuming > ndim:
        raise IndexError(f"too many indices for array: array is {ndim}-dimensional, but {consuming} were indexed")
    at_ellipsis = next((j for j, k in enumerate(keys) if k is Ellipsis), None)
    if at_ellipsis is None:
        keys += [slice(None)] * (ndim - consuming)
    else:
        keys[at_ellipsis:at_ellipsis + 1] = [slice(None)] * (ndim - consuming)
    basic, indexed, advanced, axis, view_axis, before = [], [], [], 0, 0, None
    for j, k in enumerate(keys):
        if k is None or isinstance(k, slice):
            basic.append(k)
            view_axis += 1
            axis += k is not None
            continue
        advanced.append(j)
        if before is None:   # the result's axes before the first advanced index
            before = sum(1 for x in keys[:j] if x is None or isinstance(x, slice))
        if _is_index_array(k):
            basic.append(slice(None))
            indexed.append((view_axis, axis, k))
            view_axis += 1
        else:
            basic.append(k)
        axis += 1
    if len(indexed) > 2:
        raise _tr().error(UnsupportedError, "more than two index arrays in one index are not supported in compiled "
                                            "code yet")
    everything = all(isinstance(k, slice) and k.start is None and k.stop is None and k.step is None for k in basic)
    view = a if everything else wholearray.subview(a, tuple(basic))
    moved = [v for v, _, _ in indexed]
    order = moved + [v for v in range(view.type.ndim) if v not in moved]
    if order != sorted(order):
        view = wholearray.transpose(view, tuple(order))
    # NumPy checks boolean arrays' lengths as it reads the index, then converts a stored value
    # (``before_bounds``), then checks integer indices as it goes
    positions: list = [_checked(view, j, original, index) if isinstance(index.type.dtype, BoolType) else None
                       for j, (_, original, index) in enumerate(indexed)]
    before_bounds()
    positions = [p if p is not None else _checked(view, j, original, index)
                 for j, (p, (_, original, index)) in enumerate(zip(positions, indexed))]
    length = _broadcast_length(positions)
    adjacent = advanced == list(range(advanced[0], advanced[-1] + 1))
    return _Selection(view, positions, length, before if adjacent else 0)


def _broadcast_length(positions: list[Symbolic]) -> Any:
    """The length index arrays broadcast to (NumPy's ``IndexError`` if they do not)."""
    n = arrays.dim(positions[0], 0)
    for other in positions[1:]:
        m = arrays.dim(other, 0)
        ok = arith.logical_or(arith.logical_or(arith.compare("==", n, m), arith.compare("==", n, 1)),
                              arith.compare("==", m, 1))
        arith.raise_if(arith.logical_not(ok), "IndexError", "shape mismatch: indexing arrays could not be broadcast "
                                                            "together with shapes ({},) ({},) ", n, m)
        n = arith.select(arith.compare("==", n, 1), m, n)
    return n


def getitem(a: Symbolic, key: Any) -> Any:
    key = _constants(key)
    mask = _whole_mask(a, key)
    if mask is not None:
        x, m = wholearray.ravel(a), wholearray.ravel(mask)
        out = numpy_api.allocate(wholearray.count_nonzero(m), a.type.dtype)
        _tr().call(pyarray.select_where, (out, x, m), {})
        return out
    selection = _select(a, key)
    if selection is None:
        return wholearray.getitem(a, key)
    out = numpy_api.allocate(selection.shape(), a.type.dtype)
    _tr().call(pyarray.take_rows if len(selection.positions) == 1 else pyarray.take_pairs,
               (out, selection.view, *selection.positions), {})
    return selection.placed(out)


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
    mask = _whole_mask(a, key)
    if mask is not None:
        convert()
        _store_masked(a, mask, stored[0])
        return
    selection = _select(a, key, convert)
    value = stored[0]
    pairs = len(selection.positions) == 2
    if not wholearray.is_array(value):
        _tr().call(pyarray.put_pairs if pairs else pyarray.put_rows, (selection.view, *selection.positions, value), {})
        return
    values = _values_for(selection, value)
    _tr().call(pyarray.put_pairs_from if pairs else pyarray.put_rows_from,
               (selection.view, *selection.positions, values), {})


def _values_for(selection: _Selection, value: Symbolic) -> Symbolic:
    """``value`` broadcast to the result's shape (NumPy's ``ValueError`` if it does not), as an
    array in the order of the selection's view."""
    shape = selection.shape()
    result = [shape[k] for k in _result_order(selection, len(shape))]
    source = arrays.shape(value)
    ok: Any = len(source) <= len(result)
    if ok:
        for extent, target in zip(reversed(source), reversed(result)):
            fits = arith.logical_or(arith.compare("==", extent, target), arith.compare("==", extent, 1))
            ok = fits if ok is True else arith.logical_and(ok, fits)
    text = (f"shape mismatch: value array of shape {_shape(len(source))} could not be broadcast to indexing "
            f"result of shape {_shape(len(result))}")
    if ok is False:
        arith.raise_if(True, "ValueError", text, *source, *result)
    elif ok is not True:
        arith.raise_if(arith.logical_not(ok), "ValueError", text, *source, *result)
    full = numpy_api.allocate(tuple(result), selection.view.type.dtype)
    wholearray.assign(full, value)
    return selection.unplaced(full)


def _result_order(selection: _Selection, ndim: int) -> list[int]:
    """The axes of ``selection.shape()`` in the result's order."""
    axes = list(range(1, ndim))
    return axes[:selection.at] + [0] + axes[selection.at:]


def _shape(ndim: int) -> str:
    return "(" + ",".join(["{}"] * ndim) + ("," if ndim == 1 else "") + ")"


def _store_masked(a: Symbolic, mask: Symbolic, value: Any) -> None:
    if not wholearray.is_array(value):
        _tr().call(pyarray.store_where, (a, mask, value), {})
        return
    if a.type.ndim != 1 or value.type.ndim != 1:
        raise _tr().error(UnsupportedError, "a[mask] = array is supported for 1-d arrays in compiled code; "
                                            "assign a number, or index a 1-d view")
    count, n = wholearray.count_nonzero(mask), arrays.dim(value, 0)
    arith.raise_if(arith.logical_and(arith.compare("!=", n, count), arith.compare("!=", n, 1)), "ValueError",
                   "NumPy boolean array indexing assignment cannot assign {} input values to the {} output "
                   "values where the mask is true", n, count)
    _tr().call(pyarray.store_where_from, (a, mask, value), {})


def _mask_of(a: Symbolic, mask: Symbolic) -> Symbolic:
    """``mask`` checked against ``a``'s shape (NumPy's ``IndexError``); only whole-shape masks."""
    if mask.type.ndim != a.type.ndim:
        raise _tr().error(UnsupportedError, "a boolean index of fewer dimensions than the array is not supported in "
                                            "compiled code yet; index with a mask of the array's shape")
    for axis, (n, m) in enumerate(zip(arrays.shape(a), arrays.shape(mask))):
        arith.raise_if(arith.compare("!=", n, m), "IndexError",
                       f"boolean index did not match indexed array along axis {axis}; size of axis is {{}} but size "
                       "of corresponding boolean axis is {}", _value(n), _value(m))
    return mask


def _checked(view: Symbolic, axis: int, original: int, index: Symbolic) -> Symbolic:
    """The 1-d ``index`` (integers, or a boolean array's true positions) as ``int64`` positions
    along ``view``'s ``axis`` (``a``'s axis ``original``), wrapped and checked (NumPy's
    ``IndexError`` for the first one out of range, or a boolean array of another length)."""
    size = arrays.dim(view, axis)
    if isinstance(index.type.dtype, BoolType):
        n = arrays.dim(index, 0)
        arith.raise_if(arith.compare("!=", n, size), "IndexError",
                       f"boolean index did not match indexed array along axis {original}; size of axis is {{}} but "
                       "size of corresponding boolean axis is {}", _value(size), _value(n))
        return searching.flatnonzero(index)
    positions = wholearray.astype(index, np.int64, copy=False)
    out = numpy_api.allocate(arrays.dim(positions, 0), i64)
    bad, first = _tr().call(pyarray.wrap_indices, (out, positions, size), {})
    arith.raise_if(bad, "IndexError", f"index {{}} is out of bounds for axis {original} with size {{}}", first,
                   _value(size))
    return out


def _value(n: Any) -> Symbolic:
    return n if isinstance(n, Symbolic) else arith.constant(n, i64)


define(ArrayType, {"__getitem__": getitem, "__setitem__": setitem})
