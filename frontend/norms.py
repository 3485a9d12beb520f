"""``np.linalg.norm`` and ``np.kron`` in compiled code (traced helpers of
``frontend.pynorms``), with NumPy 2's results and dtypes.

Decisions: integer and bool arrays are converted to ``float64`` first, as NumPy's ``norm``
does; ``ord``, ``axis`` and ``keepdims`` must be constants (they pick the computation).  As
NumPy: ``axis=None`` with ``ord=None`` (or ``'fro'`` of a 2-d array, 2 of a 1-d one) is the
2-norm of the flattened array; otherwise ``axis=None`` means all the axes; one axis gives the
vector norms (``ord`` None, 1, 2, inf, -inf, 0 or any other number) along it, two distinct axes
the matrix norms (None/``'fro'``, 1, -1, inf, -inf, 2, -2, ``'nuc'``; the last three from the
singular values, ``gesdd`` as NumPy's) of the matrices they span, for arrays of any number of
dimensions; ``keepdims=True`` keeps the reduced axes with extent 1.  The sums are added in
NumPy's order for C-ordered arrays (``pynorms.sum_over``); NumPy follows the memory order of
other layouts, so their results agree to rounding.  NumPy's errors for invalid orders, axes out
of range, duplicate axes and more than two axes are raised when compiling (a ``TypingError``
naming NumPy's exception).  ``np.kron`` takes 1-d and 2-d arrays (a 1-d array beside a 2-d one
is a row, as NumPy's ``kron`` prepends the axis); the product's dtype is NumPy's
``multiply``'s.
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ir import TypingError, UnsupportedError

from . import arrays, numpy_api, pynorms, wholearray
from .context import TraceContext, current

__all__ = ["norm", "kron", "FUNCTIONS"]


def _tr() -> TraceContext:
    return current()


def _helper(fn: Any, *args: Any) -> Any:
    return _tr().call(fn, args, {})


def _array(x: Any, name: str) -> Any:
    if isinstance(x, np.ndarray):
        x = arrays.global_array(x)
    if not wholearray.is_array(x):
        raise _tr().error(UnsupportedError, f"{name}() takes an array in compiled code")
    return x


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: Any = False) -> Any:
    """``np.linalg.norm(x, ord=None, axis=None, keepdims=False)`` as NumPy computes it."""
    x = _array(x, "np.linalg.norm")
    if not isinstance(keepdims, (bool, int, np.bool_, np.integer)):
        raise _tr().error(UnsupportedError, "np.linalg.norm(keepdims=) must be a constant True or False in compiled "
                                            "code")
    keepdims = bool(keepdims)
    if not (ord is None or isinstance(ord, (str, numbers.Number))) or isinstance(ord, bool):
        raise _tr().error(UnsupportedError, "np.linalg.norm(ord=) takes a constant number or string in compiled "
                                            "code")
    if x.type.dtype.__class__.__name__ in ("IntType", "BoolType"):
        x = wholearray.astype(x, np.dtype(np.float64))
    ndim = x.type.ndim
    if axis is None and (ord is None or ord in ("f", "fro") and ndim == 2 or ord == 2 and ndim == 1):
        result = _helper(pynorms.norm_flat, x)
        return numpy_api.full((1,) * ndim, result) if keepdims else result
    axes = _axes(axis, ndim)
    if len(axes) == 1:
        if isinstance(ord, str):
            raise _tr().error(TypingError, f"ValueError: Invalid norm order '{ord}' for vectors")
        if not -ndim <= axes[0] < ndim:
            raise _tr().error(TypingError, f"numpy.exceptions.AxisError: axis {axes[0]} is out of bounds for array "
                                           f"of dimension {ndim}")
        return _helper(pynorms.vector_norm(ord, axes[0] % ndim, keepdims), x)
    if len(axes) != 2:
        raise _tr().error(TypingError, "ValueError: Improper number of dimensions to norm.")
    for a in axes:
        if not -ndim <= a < ndim:
            raise _tr().error(TypingError, f"numpy.exceptions.AxisError: axis {a} is out of bounds for array of "
                                           f"dimension {ndim}")
    row, col = (a % ndim for a in axes)
    if row == col:
        raise _tr().error(TypingError, "ValueError: Duplicate axes given.")
    if ord not in (None, "fro", "f", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
        raise _tr().error(TypingError, "ValueError: Invalid norm order for matrices.")
    result = _helper(pynorms.matrix_norm(ord, row, col, ndim), x)
    if not keepdims:
        return result
    if ndim == 2:
        return numpy_api.full((1, 1), result)
    for a in sorted((row, col)):
        result = wholearray.expand_dims(result, a)
    return result


def _axes(axis: Any, ndim: int) -> tuple:
    """``axis`` as NumPy's ``norm`` takes it: a tuple of constant ints (None: all the axes)."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
        return (int(axis),)
    if isinstance(axis, tuple) and all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axis):
        return tuple(int(a) for a in axis)
    raise _tr().error(UnsupportedError, f"np.linalg.norm(axis={axis!r}) is not supported in compiled code; pass "
                                        "None, a constant int or a tuple of them")


def kron(a: Any, b: Any) -> Any:
    """``np.kron(a, b)`` of 1-d and 2-d arrays."""
    a, b = _array(a, "np.kron"), _array(b, "np.kron")
    if a.type.ndim not in (1, 2) or b.type.ndim not in (1, 2):
        raise _tr().error(UnsupportedError, "np.kron() takes 1-d and 2-d arrays in compiled code")
    if a.type.ndim == 1 and b.type.ndim == 1:
        product = _helper(pynorms.kron, wholearray.subview(a, (None, slice(None))),
                          wholearray.subview(b, (None, slice(None))))
        return wholearray.reshape(product, (arrays.dim(product, 1),))
    rows = [x if x.type.ndim == 2 else wholearray.subview(x, (None, slice(None))) for x in (a, b)]
    return _helper(pynorms.kron, *rows)


#: the NumPy functions of this module
FUNCTIONS = {np.linalg.norm: norm, np.kron: kron}
