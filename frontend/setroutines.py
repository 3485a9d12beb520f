"""NumPy's set routines in compiled code: ``np.isin``, ``np.intersect1d``, ``np.union1d``,
``np.setdiff1d`` and ``np.setxor1d``.

The set routines are NumPy's own code (``numpy/lib/_arraysetops_impl.py``) written in the
NumPy compiled code runs (traced helpers): ``np.unique`` of each operand, ``np.concatenate``,
a sort and masks of neighbours that are equal, so their results are NumPy's -- the dtype of
the concatenation, the sorted order, one NaN where ``np.unique`` keeps one and none in an
intersection (NaN equals nothing), and the zero NumPy keeps of ``-0.0`` and ``0.0``.

``np.isin`` is membership by ``==`` (NaN is a member of nothing, ``-0.0`` of what holds
``0.0``), found by ``np.searchsorted`` in the sorted test elements, for every ``kind`` NumPy
takes; it has ``element``'s shape.  Decision: ``assume_unique=True`` is refused in ``isin``
and ``setdiff1d``: NumPy trusts it and then gives results that depend on its method, not on
membership, for operands that are not unique; compiled code computes membership.  An
``element`` that is a number (NumPy's 0-d result) and ``return_indices=`` are refused too.

Layer: above sorting, combining and the whole-array layer.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ir import UnsupportedError
from ir.types import BoolType, ComplexType, IntType, bool_

from . import arith, arrays, numpy_api, sorting, wholearray
from .context import PathEnds, TraceContext, current
from .values import Symbolic, describe, type_of


def _tr() -> TraceContext:
    return current()


def _array(x: Any, name: str) -> Symbolic:
    """An operand as NumPy's ``asarray`` makes it (flattened where the routine ravels it): a
    list or tuple as the array of its values, a number as an array of one, a NumPy array of
    constants read where the code runs."""
    t = type_of(x)
    x = wholearray.as_array([x] if t is not None and t.is_scalar else x)
    if not wholearray.is_array(x):
        raise _tr().error(UnsupportedError, f"np.{name}() takes arrays (or lists) in compiled code, not "
                                            f"{describe(x)}")
    if isinstance(x.type.dtype, ComplexType):
        raise _tr().error(UnsupportedError, f"np.{name}() of complex arrays is not supported in compiled code yet")
    return x


def _flag(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise _tr().error(UnsupportedError, f"{what} must be a constant True or False in compiled code")
    return value


def _trusted_uniqueness(assume_unique: Any, name: str) -> None:
    if _flag(assume_unique, f"np.{name}(assume_unique=)"):
        raise _tr().error(UnsupportedError, f"np.{name}(assume_unique=True) is not supported in compiled code: "
                                            "NumPy trusts it, and its results for operands that are not unique "
                                            "depend on its method; leave assume_unique False")


def isin(element: Any, test_elements: Any, assume_unique: Any = False, invert: Any = False, *,
         kind: Any = None) -> Symbolic:
    """``np.isin``: whether each element of ``element`` is equal to one of ``test_elements``
    (``invert``: is not), of ``element``'s shape."""
    _trusted_uniqueness(assume_unique, "isin")
    invert = _flag(invert, "np.isin(invert=)")
    if not wholearray.is_array(element) and not isinstance(element, (np.ndarray, list, tuple)):
        raise _tr().error(UnsupportedError, "np.isin() of a number (NumPy's 0-d array) is not supported in "
                                            "compiled code; pass an array")
    x, test = _array(element, "isin"), _array(test_elements, "isin")
    if kind not in (None, "sort", "table"):
        arith.raise_if(True, "ValueError", f"Invalid kind: '{kind}'. Please use None, 'sort' or 'table'.")
        raise PathEnds()
    if kind == "table" and not all(isinstance(a.type.dtype, (IntType, BoolType)) for a in (x, test)):
        arith.raise_if(True, "ValueError", "The 'table' method is only supported for boolean or integer arrays. "
                                           "Please select 'sort' or None for kind.")
        raise PathEnds()
    flat = wholearray.ravel(x)
    ordered = sorting.sort(wholearray.ravel(test), kind="stable")
    found = numpy_api.allocate(arrays.size(x), bool_)
    _tr().call(members, (found, flat, ordered, invert), {})
    return wholearray.reshape(found, tuple(arrays.shape(x)))


def members(found, x, ordered, invert):
    """``found[i]``: whether ``x[i]`` equals an element of the sorted ``ordered`` (NaNs last),
    the one ``np.searchsorted`` finds (``!=`` that with ``invert``) (traced)."""
    at = np.searchsorted(ordered, x)
    n = ordered.shape[0]
    for i in range(x.shape[0]):
        k = at[i]
        found[i] = (k < n and ordered[k] == x[i]) != invert


def intersect1d(ar1: Any, ar2: Any, assume_unique: Any = False, return_indices: Any = False) -> Symbolic:
    """``np.intersect1d``: the sorted values both hold (of each operand's ``np.unique``, or of
    the operands as they are with ``assume_unique``, as NumPy)."""
    if _flag(return_indices, "np.intersect1d(return_indices=)"):
        raise _tr().error(UnsupportedError, "np.intersect1d(return_indices=True) is not supported in compiled "
                                            "code yet")
    a, b = _operands(ar1, ar2, "intersect1d", assume_unique)
    return _tr().call(common_values, (a, b), {})


def common_values(a, b):
    """NumPy's intersection of ``a`` and ``b`` (each unique): the values a sort of both puts
    side by side (traced)."""
    aux = np.concatenate((a, b))
    aux.sort()
    return aux[:-1][aux[1:] == aux[:-1]]


def union1d(ar1: Any, ar2: Any) -> Symbolic:
    """``np.union1d``: the unique values of both, flattened together."""
    a, b = _array(ar1, "union1d"), _array(ar2, "union1d")
    return _tr().call(all_values, (wholearray.ravel(a), wholearray.ravel(b)), {})


def all_values(a, b):
    """NumPy's union: ``np.unique`` of the concatenation (traced)."""
    return np.unique(np.concatenate((a, b)))


def setdiff1d(ar1: Any, ar2: Any, assume_unique: Any = False) -> Symbolic:
    """``np.setdiff1d``: the unique values of ``ar1`` that ``ar2`` does not hold, sorted."""
    _trusted_uniqueness(assume_unique, "setdiff1d")
    a, b = _operands(ar1, ar2, "setdiff1d", False)
    return _tr().call(values_not_in, (a, b), {})


def values_not_in(a, b):
    """The values of ``a`` that are not members of ``b`` (traced)."""
    return a[np.isin(a, b, invert=True)]


def setxor1d(ar1: Any, ar2: Any, assume_unique: Any = False) -> Symbolic:
    """``np.setxor1d``: the sorted values exactly one of the operands holds (of each
    operand's ``np.unique``, or of the operands as they are with ``assume_unique``, as NumPy)."""
    a, b = _operands(ar1, ar2, "setxor1d", assume_unique)
    return _tr().call(values_of_one, (a, b), {})


def values_of_one(a, b):
    """NumPy's exclusive or: the values of the sorted concatenation equal to neither
    neighbour (NumPy's ``flag[1:] & flag[:-1]``, ``flag`` the inequalities of neighbours
    between two ``True``) (traced)."""
    aux = np.concatenate((a, b))
    aux.sort()
    differs = aux[1:] != aux[:-1]
    keep = np.ones(aux.shape[0], np.bool_)
    keep[1:] &= differs
    keep[:-1] &= differs
    return aux[keep]


def _operands(ar1: Any, ar2: Any, name: str, assume_unique: Any) -> tuple[Symbolic, Symbolic]:
    """Both operands flattened (``assume_unique``), else each one's ``np.unique``."""
    a, b = _array(ar1, name), _array(ar2, name)
    if _flag(assume_unique, f"np.{name}(assume_unique=)"):
        return wholearray.ravel(a), wholearray.ravel(b)
    return sorting.unique(a), sorting.unique(b)


FUNCTIONS = {np.isin: isin, np.intersect1d: intersect1d, np.union1d: union1d, np.setdiff1d: setdiff1d,
             np.setxor1d: setxor1d}

__all__ = ["FUNCTIONS", "isin", "intersect1d", "union1d", "setdiff1d", "setxor1d"]
