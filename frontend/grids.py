"""``np.mgrid[...]`` and ``np.ogrid[...]`` in compiled code.

The grids are objects indexed with slices (``np.mgrid[0:1:5j, 0:2:3j]``), not calls:
:func:`getitem` is what a subscript of one of them runs while tracing (``GRIDS`` names
them).  Decisions: the bounds and steps must be constants (Python or NumPy numbers; a
complex step ``5j`` is NumPy's number of points, ends included); the grid is then NumPy's
own, computed while compiling (its dtype, shape and values, bit for bit), and every call
gets a new C-contiguous copy of it (``ogrid``: a tuple of new arrays of NumPy's shapes),
which it may write to and return, as NumPy gives a new array per subscript.  NumPy's errors
for constant bounds (``np.mgrid[0:3:0]``: its ``ZeroDivisionError``) are raised when
compiling.  Bounds known only at run time are refused (their number of points decides
nothing else, but NumPy's dtype follows their Python types and ``math.ceil`` of their ratio):
``np.arange``, ``np.linspace`` and ``np.meshgrid`` compile with run-time bounds.
"""
from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ir import UnsupportedError

from . import arrays, numpy_api, sequences
from .context import TraceContext, current
from .raising import user_computation
from .values import Symbolic

__all__ = ["GRIDS", "getitem"]

#: the grid objects a subscript of which :func:`getitem` stages
GRIDS = (np.mgrid, np.ogrid)


def _tr() -> TraceContext:
    return current()


def _traced(key: Any) -> bool:
    if isinstance(key, tuple):
        return any(_traced(k) for k in key)
    if isinstance(key, slice):
        return any(isinstance(part, Symbolic) for part in (key.start, key.stop, key.step))
    return isinstance(key, Symbolic)


def getitem(grid: Any, key: Any) -> Any:
    """``grid[key]`` for ``grid`` one of :data:`GRIDS`: new arrays holding NumPy's grid."""
    name = "np.mgrid" if grid is np.mgrid else "np.ogrid"
    if _traced(key):
        raise _tr().error(UnsupportedError, f"{name}[...] with bounds or steps known only at run time is not "
                                            "supported in compiled code; use constants, or np.arange, np.linspace "
                                            "and np.meshgrid")
    result = user_computation(operator.getitem, grid, key)   # NumPy's own grid, and its errors
    if isinstance(result, tuple):
        return tuple(_fresh(x) for x in result)
    return _fresh(result)


def _fresh(x: np.ndarray) -> Symbolic:
    """A new array holding the values of the constant ``x``, made at every call."""
    return numpy_api.copy(arrays.global_array(np.ascontiguousarray(x)))


for _grid in GRIDS:
    sequences.SUBSCRIPTED[id(_grid)] = getitem
