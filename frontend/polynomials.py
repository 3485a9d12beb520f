"""``np.polyval`` in compiled code.

NumPy evaluates ``np.polyval(p, x)`` as ``y = zeros_like(x)`` followed by ``y = y * x + pv``
for each coefficient ``pv`` of ``p`` (``numpy/lib/_polynomial_impl.py``).  Compiled code does
the same operations on each element (:func:`pyarray.polyval_into`), so the results are
NumPy's bit for bit: the first step is ``0 * x + p[0]`` in ``x``'s dtype (an infinite ``x``
gives NaN, as in NumPy), the others in the dtype NumPy's promotion gives ``x`` and ``p``.
``x`` may be an array, a list or a number (a number gives a number); ``p`` an array, a list
or a tuple of coefficients.

Decisions.  The result's dtype depends on whether ``p`` is empty (then it is ``x``'s); where
the number of coefficients is known only at run time and promoting ``x`` with ``p`` changes
``x``'s dtype, the call is refused (convert ``x`` first).  ``p`` of more than one dimension
and bool operands (NumPy's arithmetic on bools is logical; compiled arithmetic on bool
elements is on ints, see the README) are refused.

Layer: above the whole-array layer.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ir import UnsupportedError
from ir.dtypes import from_dtype, to_dtype
from ir.types import BoolType

from . import arith, arrays, numpy_api, pyarray, wholearray
from .context import TraceContext, current
from .values import Symbolic, describe, type_of

__all__ = ["polyval", "FUNCTIONS"]


def _tr() -> TraceContext:
    return current()


def polyval(p: Any, x: Any) -> Any:
    # the number of coefficients where it is known while tracing
    known = len(p) if isinstance(p, (list, tuple)) or isinstance(p, np.ndarray) and p.ndim else None
    p = wholearray.as_array(p)
    if not wholearray.is_array(p) or p.type.ndim != 1:
        got = f"a {p.type.ndim}-d array" if wholearray.is_array(p) else f"a value of type {describe(p)}"
        raise _tr().error(UnsupportedError, f"np.polyval() takes a 1-d array (or list) of coefficients in compiled "
                                            f"code, not {got}")
    number = not wholearray.is_array(wholearray.as_array(x))
    if number:
        t = type_of(x)
        if t is None or not t.is_scalar:
            raise _tr().error(UnsupportedError, f"np.polyval() evaluates at numbers or arrays, not {describe(x)}")
        x = numpy_api.full(1, x, to_dtype(t) if isinstance(x, Symbolic) else np.asarray(x).dtype)
    else:
        x = wholearray.as_array(x)
    if isinstance(x.type.dtype, BoolType) or isinstance(p.type.dtype, BoolType):
        raise _tr().error(UnsupportedError, "np.polyval() of bools is not supported in compiled code (NumPy's "
                                            "arithmetic on bools is logical); convert them to ints first")
    x_dtype, p_dtype = to_dtype(x.type.dtype), to_dtype(p.type.dtype)
    result = np.result_type(x_dtype, p_dtype)
    if from_dtype(result) is None:
        raise _tr().error(UnsupportedError, f"np.polyval() computes in {result}, which compiled code does not support")
    count = known if known is not None else arrays.dim(p, 0)   # an int where it is known while tracing
    if isinstance(count, int) and count == 0:
        y = numpy_api.zeros_like(x)
    else:
        if result != x_dtype and not isinstance(count, int):
            raise _tr().error(UnsupportedError, f"np.polyval() of {p_dtype} coefficients at {x_dtype} values, their "
                                                "number known only at run time, is not supported in compiled code "
                                                "(NumPy's result is of x's dtype when there are none); convert x "
                                                f"first: x.astype(np.{result})")
        y = numpy_api.allocate(arrays.shape(x), from_dtype(result))
        zero = arith.cast(0, x.type.dtype)
        _tr().call(pyarray.polyval_into, (y, p, x, zero, result != x_dtype), {})
    return arrays.getitem(y, 0) if number else y


FUNCTIONS = {np.polyval: polyval}
