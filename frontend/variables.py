"""Reads and assignments of local variables while tracing, and the function's result.

A variable bound on some paths only carries a run-time flag (a
``values.MaybeUnbound``); reading it where it is unbound raises
``UnboundLocalError`` like CPython, as does reading one no path has
assigned.  A variable whose paths disagree on its type (a
``values.TypeConflict``) is a ``TypingError`` when it is read.  A variable
that may be None reads as its value or None where an ``is None`` test
decided it (``frontend.optional``).

A function that returns a value on some paths and falls off its end (or
returns None) on others returns an optional value: None or the value, as
CPython does; its result type is ``optional<T>`` (:func:`unify_results`).

Layer: above the typing rules, ``frontend.layout`` and ``frontend.raising``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ir import TypingError
from ir.types import NoneType, OptionalType, Type, none, optional

from . import arith
from .context import PathEnds, TraceContext, current
from .layout import is_undefined
from .optional import narrowed
from .raising import raise_
from .values import MaybeUnbound, OptionalValue, Symbolic, TypeConflict, describe, type_of


def _tr() -> TraceContext:
    return current()


def load(value: Any) -> Any:
    """A read of a local variable: checks a maybe-unbound one at run time."""
    if isinstance(value, TypeConflict):
        raise value.error()
    if isinstance(value, MaybeUnbound):
        arith.raise_if(arith.logical_not(value.flag), "UnboundLocalError",
                       f"cannot access local variable '{value.name}' where it is not associated with a value")
        return load(value.value)
    if isinstance(value, OptionalValue):
        return narrowed(value)
    if isinstance(value, tuple) and any(isinstance(v, (MaybeUnbound, TypeConflict, OptionalValue)) for v in value):
        return tuple(load(v) for v in value)
    if isinstance(value, list):
        from .lists import load as list_load   # a layer above: a Python list that became a run-time one is that

        return list_load(value)
    if type(value) in (dict, set):
        from .hashed import load as hashed_load   # a layer above: as lists

        return hashed_load(value)
    return value


def undefined_read(undefined: Any) -> Any:
    """A read of a variable no path has assigned yet: CPython's ``UnboundLocalError``
    at run time, when (and only when) this path is taken -- an earlier raise
    may make the path unreachable, and the function must still compile."""
    name = getattr(undefined, "name", "?")
    raise_(UnboundLocalError(f"cannot access local variable '{name}' where it is not associated with a value"))
    raise PathEnds()


def named(value: Any, name: str) -> Any:
    """An assignment ``name = value``: names the IR value after the variable."""
    if isinstance(value, Symbolic) and value.value.name_hint is None:
        value.value.name_hint = name.rstrip("_") or name
    from . import hashed, lists   # a layer above: the lists, dicts and sets the function makes

    value = hashed.made(lists.made(value))
    if name.startswith("retval"):
        from .strings import as_value   # a layer above: a string, list, dict or set returned is a run-time value

        value = as_value(lists.as_value(hashed.as_value(value)))
        _note_return_type(value)
    return value


def _note_return_type(value: Any) -> None:
    """Record a traced return's type: recursive calls use it (see ``frontend.tracer``)."""
    trace = _tr().function
    value = load_quietly(value)
    _check_int_constants(value)
    t = type_of(value)
    if t is None and not isinstance(value, TypeConflict) and not is_undefined(value):
        function_result(value)  # raises the error, located at this return statement
    if t is None or trace.return_hint_fixed:
        return
    if trace.return_hint is None:
        trace.return_hint = t
    else:
        trace.return_hint = unify_results([trace.return_hint, t]) or trace.return_hint


def unify_results(types: list[Type]) -> Type | None:
    """The type of a function that returns values of each of ``types`` (None if there is
    none): numbers unify as arithmetic does; None and ``T`` give ``optional<T>``."""
    values = [t.value if isinstance(t, OptionalType) else t for t in types if not isinstance(t, NoneType)]
    if not values:
        return none
    t = values[0] if all(v == values[0] for v in values) else arith.unify_types(values)
    if t is None:
        return None
    return optional(t) if any(isinstance(t, (NoneType, OptionalType)) for t in types) else t


def _check_int_constants(value: Any) -> None:
    """A returned Python int must fit in 64 bits (a TypingError at this line)."""
    for leaf in (value if isinstance(value, tuple) else (value,)):
        if isinstance(leaf, int) and not isinstance(leaf, bool) and not -(1 << 63) <= leaf < (1 << 64):
            raise _tr().error(TypingError, f"the integer constant {leaf} does not fit in 64 bits")


def load_quietly(value: Any) -> Any:
    return value.value if isinstance(value, MaybeUnbound) else value


def return_value(do_return: Any, retval: Any, always: bool) -> Any:
    """The converted function's final ``return`` (see the converter): ``retval`` where a
    ``return`` ran, else None -- an optional value where ``do_return`` is known at run time
    only."""
    if always or do_return is True:
        if is_undefined(retval):
            return None  # every path raised
        return function_result(load_quietly(retval))
    if do_return is False or do_return is None:
        return None
    value = load_quietly(retval)
    if is_undefined(value) or value is None:
        return None
    value = function_result(value)
    if isinstance(value, OptionalValue):
        return OptionalValue(value.value, arith.logical_and(do_return, arith.truth(value.flag)))
    return OptionalValue(value, do_return)


def _made_arrays(value: Any) -> Any:
    """``value`` with each NumPy array in it (in tuples too) that NumPy made while tracing, from
    constants (``np.logspace(0, 2, 3)``, ``np.hanning(5)``), as a new array of its values, made
    at each call as CPython makes one.  An array of the process itself -- a global's, a closure
    variable's, a default's -- is refused: CPython returns that very object."""
    if type(value) is tuple:
        return tuple(_made_arrays(v) for v in value)
    if not isinstance(value, np.ndarray) or value.ndim == 0:
        return value
    if _tr().outlives_the_trace(value):
        raise _tr().error(TypingError, "the function returns an array of the process itself (a global, a "
                                       "closure variable or a default), which CPython returns as that very "
                                       "object; return a copy (.copy()) or pass the array in as an argument")
    from .arrays import global_array   # both above this layer
    from .numpy_api import copy

    return copy(global_array(value))


def function_result(result: Any) -> Any:
    """What the traced function returned, with its variables loaded."""
    if is_undefined(result):
        return None
    from .strings import as_value

    result = _made_arrays(as_value(load(result)))
    _check_int_constants(result)
    if type_of(result) is None:
        raise _tr().error(TypingError, f"the function returns a {describe(result)}, which compiled code "
                                       "cannot return; return numbers, strings, arrays or tuples of them")
    return result
