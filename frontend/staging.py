"""The staged half of the operators converted code calls (``frontend.operators``).

An operator hands over to the function of the same name here when a trace
is running and its deciding value is traced.  Decision: this module only
gathers them, in one namespace, from the modules that implement them by
topic -- ``frontend.control`` (``if``, loops, conditional expressions,
``assert``), ``frontend.variables`` (reads, assignments, the result),
``frontend.raising`` (``raise``), ``frontend.optional`` (``is``),
``frontend.sequences`` (``in`` and indexing of Python tuples, ``range``),
``frontend.calls`` (what a call runs) -- because the operators look it up
at each call: the converter's tests stand a fake staging module in for it.
"""
from __future__ import annotations

from typing import Any

from . import fancy  # noqa: F401  (array indices: registers the arrays' [] last)
from . import grids  # noqa: F401  (np.mgrid[...], np.ogrid[...]: registers their subscripts)
from . import strings  # noqa: F401  (run-time strings: registers the str kind's operators and methods)
from .arith import divide, logical_not, truth
from .calls import mutable, resolve_call
from .catching import staged_try
from .generators import GeneratorExpression as generator_expression
from .hashed import run_time_container
from .dicts import comprehension as dict_comprehension, delitem, display as dict_display
from .lists import list_comprehension, list_rest, unpacked
from .sets import comprehension as set_comprehension, display as set_display
from .context import tracing
from .control import (
    UNROLL_LIMIT, assert_, is_staged_iterable, probe, staged_for, staged_if, staged_if_exp, staged_while,
)
from .optional import identity
from .raising import raise_
from .sequences import contains, getitem, tuple_compare
from .text import format_string, percent_format
from .values import OptionalValue, Symbolic
from .variables import load, named, return_value, undefined_read


def is_symbolic(value: Any) -> bool:
    """Whether ``value``'s truth is only known at run time: a traced value, or one that may be None."""
    return isinstance(value, (Symbolic, OptionalValue))


__all__ = [
    "UNROLL_LIMIT", "tracing", "is_symbolic", "probe", "load", "undefined_read", "named", "staged_if",
    "staged_if_exp", "truth", "logical_not", "is_staged_iterable", "staged_for", "staged_while",
    "return_value", "raise_", "assert_", "staged_try", "generator_expression", "list_comprehension", "list_rest",
    "run_time_container", "dict_display", "set_display", "dict_comprehension", "set_comprehension",
    "mutable", "getitem", "delitem", "contains", "unpacked", "tuple_compare",
    "resolve_call", "format_string", "percent_format", "identity", "divide",
]
