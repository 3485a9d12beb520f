"""Generator expressions: ``sum(x * x for x in a)``, ``any(v < 0 for v in a)``.

The converter turns ``(elt for target in it if cond)`` (one ``for``) into
:class:`GeneratorExpression`, the element and condition as functions of an item.
``sum``, ``any`` and ``all`` of one consume it in a loop over ``it`` -- a compiled loop
when ``it`` is an array, a range, ``enumerate``/``zip`` of them; Python's iteration
when it is a Python tuple or list -- without making the items into a sequence first.

Python-semantics decisions:

* the items are computed in order, one at a time, each only if the condition holds;
  ``any`` stops at the first true item and ``all`` at the first false one, as CPython's
  do (an item after it is never computed, so what it would raise is not raised);
* ``sum(gen, start)`` adds the items to ``start`` left to right; its result type is the
  loop variable's (as ``s = 0`` then ``s += x`` in a loop: a sum of floats over an empty
  array is ``0.0``);
* any other use of a generator expression over a run-time iterable (``min``, ``max``,
  ``list``, a ``for`` loop over it) is an ``UnsupportedError``; over a Python
  iterable it is a Python generator, as in CPython.

Layer: above the staging of ``for``/``if`` (``frontend.operators``).
"""
from __future__ import annotations

import builtins
from typing import Any, Callable

from ir import UnsupportedError

from . import arith, operators
from .context import TraceContext, current
from .control import is_staged_iterable


def _tr() -> TraceContext:
    return current()


class GeneratorExpression:
    """``(element(item) for item in iterable if condition(item))`` while tracing."""

    def __init__(self, element: Callable[[Any], Any], iterable: Any, condition: Callable[[Any], Any] | None):
        self.element, self.iterable, self.condition = element, iterable, condition

    def __iter__(self):
        if is_staged_iterable(self.iterable):
            raise _tr().error(UnsupportedError, "a generator expression over run-time values can only be "
                                                "consumed by sum(), any() or all() in compiled code; write a "
                                                "for loop instead")
        return (self.element(item) for item in self.iterable
                if self.condition is None or self.condition(item))

    def _loop(self, state: list, names: tuple, step: Callable[[Any], None],
              go_on: Callable[[], Any] | None = None) -> None:
        """For each item: if the condition holds, ``step(element)`` (which updates ``state``)."""
        def get_state() -> tuple:
            return tuple(state)

        def set_state(values: tuple) -> None:
            state[:] = values

        def body(item: Any) -> None:
            if self.condition is None:
                step(self.element(item))
                return
            operators.if_stmt(self.condition(item), lambda: step(self.element(item)), lambda: None,
                              get_state, set_state, names)

        operators.for_stmt(self.iterable, go_on, body, get_state, set_state, names)


def _sum(gen: GeneratorExpression, start: Any = 0) -> Any:
    state = [start]

    def add(value: Any) -> None:
        state[0] = state[0] + value

    gen._loop(state, ("(sum)",), add)
    return state[0]


def _any(gen: GeneratorExpression) -> Any:
    state = [False]

    def found(value: Any) -> None:
        state[0] = arith.truth(value)

    gen._loop(state, ("(any)",), found, go_on=lambda: arith.logical_not(state[0]))
    return state[0]


def _all(gen: GeneratorExpression) -> Any:
    state = [True]

    def holds(value: Any) -> None:
        state[0] = arith.truth(value)

    gen._loop(state, ("(all)",), holds, go_on=lambda: state[0])
    return state[0]


_CONSUMERS = {builtins.sum: _sum, builtins.any: _any, builtins.all: _all}


def consuming(f: Any, otherwise: Callable[..., Any]) -> Callable[..., Any]:
    """``f`` (``sum``, ``any``, ``all``) consuming a generator expression, else ``otherwise``."""
    consume = _CONSUMERS.get(f) if isinstance(f, type(builtins.sum)) else None
    if consume is None:
        return otherwise

    def call(*args: Any, **kwargs: Any) -> Any:
        if args and isinstance(args[0], GeneratorExpression) and set(kwargs) <= ({"start"} if f is builtins.sum
                                                                                 else set()):
            return consume(*args, **kwargs)
        return otherwise(*args, **kwargs)
    return call
