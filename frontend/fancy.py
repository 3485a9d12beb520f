"""Indexing with arrays in compiled code ("fancy" indexing), read and written: a boolean
mask of the array's shape (``a[a > 0]``, ``a[mask] = 0``) and a 1-d integer array along
the first axis (``a[idx]``, ``a[idx] = v``, ``a[idx] += 1``).

Decisions, NumPy's: a read is a new array (the selected elements in C order; the rows
``idx`` picks, in its order, repeats included); a write stores in index order, so a
repeated index keeps the last value, and ``a[idx] += 1`` adds once per distinct index
(it reads, adds and writes back, as NumPy's).  Negative indices count from the end; one
out of range is NumPy's ``IndexError``, a mask of another shape and a value array of
another length NumPy's ``IndexError``/``ValueError``, where the code runs.  Other index
arrays (several of them, a mask of the first axes only, arrays mixed with slices) are
refused for now.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ir import UnsupportedError
from ir.types import ArrayType, BoolType, IntType, i64

from . import arith, arrays, numpy_api, pyarray, wholearray
from .context import TraceContext, current
from .values import Symbolic, define

__all__ = ["getitem", "setitem"]


def _tr() -> TraceContext:
    return current()


def _index_array(key: Any) -> Symbolic | None:
    """The index array of ``key`` if it is one (None for every other key); refused forms raise."""
    keys = key if isinstance(key, tuple) else (key,)
    found = [k for k in keys if isinstance(k, Symbolic) and isinstance(k.type, ArrayType)]
    if not found:
        return None
    if len(keys) != 1:
        raise _tr().error(UnsupportedError, "an index array mixed with other indices or slices is not supported in "
                                            "compiled code yet; index with one array")
    index = found[0]
    if not isinstance(index.type.dtype, (BoolType, IntType)):
        raise IndexError("arrays used as indices must be of integer (or boolean) type")
    return index


def getitem(a: Symbolic, key: Any) -> Any:
    index = _index_array(key)
    if index is None:
        return wholearray.getitem(a, key)
    if isinstance(index.type.dtype, BoolType):
        mask = _mask_of(a, index)
        x, m = wholearray.ravel(a), wholearray.ravel(mask)
        out = numpy_api.allocate(wholearray.count_nonzero(m), a.type.dtype)
        _tr().call(pyarray.select_where, (out, x, m), {})
        return out
    rows = _checked(a, index)
    out = numpy_api.allocate((arrays.dim(rows, 0), *arrays.shape(a)[1:]), a.type.dtype)
    _tr().call(pyarray.take_rows, (out, a, rows), {})
    return out


def setitem(a: Symbolic, key: Any, value: Any) -> None:
    index = _index_array(key)
    if index is None:
        wholearray.setitem(a, key, value)
        return
    if a.type.readonly:
        wholearray.setitem(a, slice(None), value)   # NumPy's read-only error, as for any store
        return
    each = wholearray.is_array(value)
    if isinstance(index.type.dtype, BoolType):
        mask = _mask_of(a, index)
        if not each:
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
        return
    rows = _checked(a, index)
    if each:
        shape = (arrays.dim(rows, 0), *arrays.shape(a)[1:])
        if value.type.ndim != len(shape):
            raise _tr().error(UnsupportedError, "a[idx] = array needs the array to have the shape of a[idx] in "
                                                "compiled code")
        for n, m in zip(arrays.shape(value), shape):
            arith.raise_if(arith.compare("!=", n, m), "ValueError", "shape mismatch: value array could not be "
                                                                    "broadcast to indexing result")
    _tr().call(pyarray.put_rows_from if each else pyarray.put_rows, (a, rows, value), {})


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


def _checked(a: Symbolic, index: Symbolic) -> Symbolic:
    """The 1-d integer ``index`` as ``int64`` positions along ``a``'s first axis, wrapped and
    checked (NumPy's ``IndexError`` for the first one out of range)."""
    if index.type.ndim != 1:
        raise _tr().error(UnsupportedError, "an integer index array of more than 1 dimension is not supported in "
                                            "compiled code yet")
    size = arrays.dim(a, 0)
    positions = wholearray.astype(index, np.int64, copy=False)
    out = numpy_api.allocate(arrays.dim(positions, 0), i64)
    bad, first = _tr().call(pyarray.wrap_indices, (out, positions, size), {})
    arith.raise_if(bad, "IndexError", "index {} is out of bounds for axis 0 with size {}", first, _value(size))
    return out


def _value(n: Any) -> Symbolic:
    return n if isinstance(n, Symbolic) else arith.constant(n, i64)


define(ArrayType, {"__getitem__": getitem, "__setitem__": setitem})
