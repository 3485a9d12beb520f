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
* a default value is computed when the def runs, as CPython computes it; a call after
  the branch or loop the def ran in has ended, of a def whose default is a run-time
  value computed there, is refused (:func:`check_defaults`);
* a nested def returns any value its caller can use while compiling (a function, a
  list), as CPython does, where it is known while compiling that it returns; where
  that is known at run time only, what it returns on some paths is a run-time value
  or None (``frontend.variables.return_value``).

Layer: beside ``frontend.variables``, whose reads and results it completes.
"""
from __future__ import annotations

from typing import Any, Callable

from ir import Block, BlockArgument, UnsupportedError

from . import arith
from .context import PathEnds, TraceContext, current
from .layout import is_undefined
from .raising import raise_
from .values import MaybeUnbound, OptionalValue, Symbolic, Undefined
from .variables import load, load_quietly, return_value


def _tr() -> TraceContext:
    return current()


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


def check_defaults(function: Callable) -> None:
    """Refuse a call of a nested def or lambda whose default value is a run-time value
    computed inside a branch or loop that has ended (the def ran there, the call runs
    after it): compiled code has that value only inside the branch or loop."""
    parameters = function.__code__.co_varnames[:function.__code__.co_argcount]
    defaults = dict(zip(parameters[len(parameters) - len(function.__defaults__ or ()):], function.__defaults__ or ()))
    defaults.update(function.__kwdefaults__ or {})
    block = _tr().builder.block
    for name, value in defaults.items():
        if not all(_visible(leaf, block) for leaf in _leaves(value)):
            raise _tr().error(UnsupportedError, f"the default value of the parameter '{name}' of {function.__name__}() "
                                                "was computed inside a branch or loop that has ended (CPython computes "
                                                "it when the def runs); compute it before the branch or loop, or pass "
                                                "it in the call")


def _leaves(value: Any) -> list[Symbolic]:
    if isinstance(value, tuple):
        return [leaf for v in value for leaf in _leaves(v)]
    if isinstance(value, OptionalValue):
        return [*_leaves(value.value), *_leaves(value.flag)]
    return [value] if isinstance(value, Symbolic) else []


def _visible(leaf: Symbolic, block: Block) -> bool:
    """Whether the IR value of ``leaf`` is defined in ``block`` or a block around it."""
    value = leaf.value
    home = value.block if isinstance(value, BlockArgument) else value.op.parent
    while block is not None:
        if block is home:
            return True
        op = block.parent_op
        block = op.parent if op is not None else None
    return False


def nested_result(do_return: Any, retval: Any, always: bool) -> Any:
    """The result of a nested def: ``retval`` where a ``return`` ran, else None."""
    if always or do_return is True:
        value = load_quietly(retval)
        return None if is_undefined(value) else load(value)
    return return_value(do_return, retval, always)
