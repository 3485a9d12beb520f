"""Nested functions while tracing: reads of the enclosing function's variables, and results.

A nested def, a lambda or a comprehension of a compiled function is converted with
it (``frontend.convert``) and traced into its caller's code (``Tracer.call``), reading
the enclosing function's variables when it runs -- CPython's late binding: a variable
assigned after the def and before the call is read with its new value.

Python-semantics decisions:

* where such a variable is unbound, the read raises CPython's ``NameError("cannot
  access free variable 'x' where it is not associated with a value in enclosing
  scope")`` -- not the ``UnboundLocalError`` of a read of the function's own variable
  -- at run time, where (and only where) the path is taken;
* a nested def returns any value its caller can use while compiling (a function, a
  list), as CPython does, where it is known while compiling that it returns; where
  that is known at run time only, what it returns on some paths is a run-time value
  or None (``frontend.variables.return_value``).

Layer: beside ``frontend.variables``, whose reads and results it completes.
"""
from __future__ import annotations

from typing import Any

from . import arith
from .context import PathEnds
from .layout import is_undefined
from .raising import raise_
from .values import MaybeUnbound, Undefined
from .variables import load, load_quietly, return_value


def _message(name: str) -> str:
    return f"cannot access free variable '{name}' where it is not associated with a value in enclosing scope"


def load_free(value: Any) -> Any:
    """A read of a variable of an enclosing function."""
    if isinstance(value, Undefined):
        raise_(NameError(_message(value.name)))
        raise PathEnds()
    if isinstance(value, MaybeUnbound):
        arith.raise_if(arith.logical_not(value.flag), "NameError", _message(value.name))
        return load(value.value)
    return load(value)


def nested_result(do_return: Any, retval: Any, always: bool) -> Any:
    """The result of a nested def: ``retval`` where a ``return`` ran, else None."""
    if always or do_return is True:
        value = load_quietly(retval)
        return None if is_undefined(value) else load(value)
    return return_value(do_return, retval, always)
