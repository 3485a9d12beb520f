"""``np.linalg.norm`` and ``np.kron`` in compiled code (traced helpers of
``frontend.pynorms``), with NumPy 2's results and dtypes.

Decisions: integer and bool arrays are converted to ``float64`` first, as NumPy's ``norm``
does; ``ord``, ``axis`` and ``keepdims`` must be constants (they pick the computation);
vector norms (``ord`` None, 1, 2, inf, -inf, 0 or any other number) along an int ``axis`` or
of a 1-d array; matrix norms (None/``'fro'``, 1, -1, inf, -inf, 2, -2, ``'nuc'``; the last
three from the singular values, ``gesdd`` as NumPy's) of a 2-d array with ``axis=None``.
NumPy's errors for invalid orders are raised when compiling (a ``TypingError`` naming
NumPy's ``ValueError``); tuple axes other than the whole matrix, ``keepdims=True`` and arrays
of more than 2 dimensions are refused with an ``UnsupportedError``.  ``np.kron`` takes 1-d
and 2-d arrays (a 1-d array beside a 2-d one is a row, as NumPy's ``kron`` prepends the
axis); the product's dtype is NumPy's ``multiply``'s.
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ir import TypingError, UnsupportedError

from . import arrays, pynorms, wholearray
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
    """``np.linalg.norm(x, ord=None, axis=None)`` as NumPy computes it."""
    x = _array(x, "np.linalg.norm")
    if keepdims is not False:
        raise _tr().error(UnsupportedError, "np.linalg.norm(keepdims=True) is not supported in compiled code")
    if not (ord is None or isinstance(ord, (str, numbers.Number))) or isinstance(ord, bool):
        raise _tr().error(UnsupportedError, "np.linalg.norm(ord=) takes a constant number or string in compiled "
                                            "code")
    if x.type.ndim > 2:
        raise _tr().error(UnsupportedError, "np.linalg.norm() of an array of more than 2 dimensions is not "
                                            "supported in compiled code yet")
    if x.type.dtype.__class__.__name__ in ("IntType", "BoolType"):
        x = wholearray.astype(x, np.dtype(np.float64))
    ndim = x.type.ndim
    if axis is None and (ord is None or ord in ("f", "fro") and ndim == 2 or ord == 2 and ndim == 1):
        return _helper(pynorms.norm_flat, x)
    if isinstance(axis, tuple) and len(axis) == 1:
        axis = axis[0]
    if axis is None and ndim == 1:
        axis = 0
    if isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
        if not -ndim <= axis < ndim:
            raise _tr().error(TypingError, f"numpy.exceptions.AxisError: axis {axis} is out of bounds for array of "
                                           f"dimension {ndim}")
        if isinstance(ord, str):
            raise _tr().error(TypingError, f"ValueError: Invalid norm order '{ord}' for vectors")
        if int(axis) % ndim == 1:   # the helpers reduce along axis 0
            x = wholearray.transpose(x)
        vector = {np.inf: pynorms.inf_norm, -np.inf: pynorms.minus_inf_norm, 0: pynorms.zero_norm,
                  1: pynorms.one_norm, 2: pynorms.two_norm, None: pynorms.two_norm}
        if ord in vector:
            return _helper(vector[ord], x)
        return _helper(pynorms.p_norm, x, ord)
    if axis is None or isinstance(axis, tuple) and sorted(a % ndim for a in axis) == [0, 1] and ndim == 2:
        if axis is not None and tuple(a % ndim for a in axis) == (1, 0):
            x = wholearray.transpose(x)
        if ndim != 2:
            raise _tr().error(TypingError, "ValueError: Improper number of dimensions to norm.")
        if ord not in (None, "fro", "f", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
            raise _tr().error(TypingError, "ValueError: Invalid norm order for matrices.")
        if ord in (1, -1, np.inf, -np.inf):
            return _helper(pynorms.largest_sum if ord > 0 else pynorms.smallest_sum,
                           x if ord in (1, -1) else wholearray.transpose(x))
        return _helper({2: pynorms.largest_singular_value, -2: pynorms.smallest_singular_value,
                        "nuc": pynorms.nuclear_norm}.get(ord, pynorms.frobenius_norm), x)
    raise _tr().error(UnsupportedError, f"np.linalg.norm(axis={axis!r}) is not supported in compiled code; pass "
                                        "None or an int axis")


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
