"""Lists in compiled code.

A list made by the compiled function (a display ``[a, b]``, ``list(...)``, a comprehension)
is a Python ``list`` while tracing: its items are the traced values, and what Python does
with it -- indexing by a constant, ``for x in lst`` (unrolled), ``np.array(lst)`` -- happens
while compiling.
"""
from __future__ import annotations

from typing import Any, Callable

from ir import UnsupportedError

from .context import current
from .control import is_staged_iterable
from .sequences import Range


def list_comprehension(element: Callable[[Any], Any], iterable: Any,
                       condition: Callable[[Any], Any] | None) -> Any:
    """``[element(x) for x in iterable if condition(x)]`` while tracing."""
    if is_staged_iterable(iterable) and not (isinstance(iterable, Range) and iterable.constant):
        raise current().error(UnsupportedError, "a list comprehension over values iterated at run time is not "
                                                "supported in compiled code; fill a NumPy array in a for loop")
    return [element(x) for x in iterable if condition is None or condition(x)]
