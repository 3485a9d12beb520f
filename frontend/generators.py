"""Generator expressions and generators consumed in compiled code: ``sum(x * x for x in a)``,
``max(evens(n))``, ``for v in (x for x in a if x > 0):``.

The converter turns ``(elt for target in it if cond)`` (one ``for``) into
:class:`GeneratorExpression`, the element and condition as functions of an item; a
call of a generator function is a ``frontend.generator_functions.Generator``.  A ``for``
loop over either, and ``sum``, ``min``, ``max``, ``any`` and ``all`` of one, consume it
in a loop -- over ``it`` (a compiled loop when ``it`` is an array, a range,
``enumerate``/``zip`` of them; Python's iteration when it is a Python tuple or list),
or through the generator's body -- without making the items into a sequence first.

Python-semantics decisions:

* the items are computed in order, one at a time, each only if the condition holds;
  ``any`` stops at the first true item and ``all`` at the first false one, as CPython's
  do (an item after it is never computed, so what it would raise is not raised);
* ``sum(gen, start)`` adds the items to ``start`` left to right; its result type is the
  loop variable's (as ``s = 0`` then ``s += x`` in a loop: a sum of floats over an empty
  array is ``0.0``);
* ``max`` keeps an item where ``item > best`` holds, ``min`` where ``item < best`` does,
  as CPython compares (the first of equal items wins; a NaN first stays, a NaN later is
  skipped); of no items they raise CPython's ``ValueError("max() arg is an empty
  sequence")``, or give ``default=``; ``key=`` is called once per item, as CPython calls it;
* ``enumerate`` of one counts its items in the loop over it (``zip`` of one is refused);
* a generator expression or generator is consumed once: iterating it a second time is
  an ``UnsupportedError`` (CPython would find it exhausted, or resume it where it
  stopped); so is any other use of one over a run-time iterable (``list``, ``zip``);
  over a Python iterable it is a Python generator, as in CPython.

Layer: above the staging of ``for``/``if`` (``frontend.operators``).
"""
from __future__ import annotations

import builtins
import operator
from typing import Any, Callable, Sequence

from ir import UnsupportedError

from . import arith, operators
from .context import PathEnds, TraceContext, current
from .control import TracesItsOwnLoop, is_staged_iterable
from .generator_functions import generator_call, is_generator_function, runs_once_where_made
from .raising import raise_
from .values import MaybeUnbound, OptionalValue, Symbolic, Undefined
from .variables import load


def _tr() -> TraceContext:
    return current()


class GeneratorExpression(TracesItsOwnLoop):
    """``(element(item) for item in iterable if condition(item))`` while tracing."""

    def __init__(self, element: Callable[[Any], Any], iterable: Any, condition: Callable[[Any], Any] | None):
        self.element, self.iterable, self.condition = element, iterable, condition
        self._frame = _tr().frame
        self._iterated = False
        self._python: Any = None

    def is_staged(self) -> bool:
        return is_staged_iterable(self.iterable)

    def __iter__(self):
        if self.is_staged():
            raise _tr().error(UnsupportedError, "a generator expression over run-time values can only be "
                                                "iterated by a for loop or consumed by sum(), min(), max(), any() "
                                                "or all() in compiled code; write a for loop instead")
        if self._python is None:
            self._python = (self.element(item) for item in self.iterable
                            if self.condition is None or self.condition(item))
        return self._python

    def staged_loop(self, extra_test: Callable[[], Any] | None, body: Callable[[Any], None],
                    get_state: Callable[[], tuple], set_state: Callable[[tuple], None], names: Sequence[str]) -> None:
        """For each item: if the condition holds, ``body(element)``."""
        tr = _tr()
        if self._iterated or self._python is not None:
            raise tr.error(UnsupportedError, "a generator expression is iterated a second time: not supported in "
                                             "compiled code; write the generator expression again where it is used")
        if not runs_once_where_made(self._frame):
            raise tr.error(UnsupportedError, "a generator expression is iterated inside a loop that runs at run time, "
                                             "apart from where it is made: not supported in compiled code; write the "
                                             "generator expression where it is used")
        self._iterated = True

        def item_body(item: Any) -> None:
            if self.condition is None:
                body(self.element(item))
                return
            operators.if_stmt(self.condition(item), lambda: body(self.element(item)), _nothing,
                              get_state, set_state, names)

        operators.for_stmt(self.iterable, extra_test, item_body, get_state, set_state, names)


def _nothing() -> None:
    pass


class _Accumulator:
    """The variables of a consuming loop: ``values``, named ``names``."""

    def __init__(self, names: tuple[str, ...], *values: Any):
        self.names, self.values = names, list(values)

    def get_state(self) -> tuple:
        return tuple(self.values)

    def set_state(self, values: tuple) -> None:
        self.values[:] = values

    def loop(self, items: TracesItsOwnLoop, step: Callable[[Any], None],
             go_on: Callable[[], Any] | None = None) -> None:
        """``step(item)`` for each item while ``go_on()`` holds."""
        items.staged_loop(go_on, step, self.get_state, self.set_state, self.names)

    def if_(self, cond: Any, then: Callable[[], None], orelse: Callable[[], None] = _nothing) -> None:
        operators.if_stmt(cond, then, orelse, self.get_state, self.set_state, self.names)


def _sum(items: TracesItsOwnLoop, start: Any = 0) -> Any:
    acc = _Accumulator(("(sum)",), start)

    def add(value: Any) -> None:
        acc.values[0] = acc.values[0] + value

    acc.loop(items, add)
    return acc.values[0]


def _any(items: TracesItsOwnLoop) -> Any:
    acc = _Accumulator(("(any)",), False)

    def found(value: Any) -> None:
        acc.values[0] = arith.truth(value)

    acc.loop(items, found, go_on=lambda: arith.logical_not(acc.values[0]))
    return acc.values[0]


def _all(items: TracesItsOwnLoop) -> Any:
    acc = _Accumulator(("(all)",), True)

    def holds(value: Any) -> None:
        acc.values[0] = arith.truth(value)

    acc.loop(items, holds, go_on=lambda: acc.values[0])
    return acc.values[0]


_NO_DEFAULT = object()


def _extremum(name: str, better: Callable[[Any, Any], Any]) -> Callable[..., Any]:
    """``min`` or ``max`` of the items: ``better(key, best_key)`` says an item replaces the best so far."""
    def consume(items: TracesItsOwnLoop, *, key: Any = None, default: Any = _NO_DEFAULT) -> Any:
        acc = _Accumulator((f"({name})", f"({name} key)"), Undefined(f"({name})"), Undefined(f"({name} key)"))
        call_site = _tr().location()

        def step(value: Any) -> None:
            best, best_key = acc.values
            value_key = value if key is None else operators.call(key)(value)
            if isinstance(value_key, tuple) and any(isinstance(v, (Symbolic, OptionalValue)) for v in value_key):
                raise UnsupportedError(f"{name}() of tuples of run-time values is not supported in compiled code; "
                                       "pass key= a function that gives a number", call_site)

            def take() -> None:
                acc.values[:] = [value, value_key]

            if isinstance(best, Undefined):   # the first item, known while compiling
                take()
            elif isinstance(best, MaybeUnbound):   # there is a best item where its flag holds
                acc.if_(best.flag, lambda: acc.if_(better(value_key, best_key.value), take), take)
            else:
                acc.if_(better(value_key, best_key), take)

        acc.loop(items, step)
        best = acc.values[0]
        empty = f"{name}() arg is an empty sequence"
        if isinstance(best, Undefined):
            if default is not _NO_DEFAULT:
                return default
            raise_(ValueError(empty))
            raise PathEnds()
        if not isinstance(best, MaybeUnbound):
            return best
        if default is not _NO_DEFAULT:
            return operators.if_exp(best.flag, lambda: best.value, lambda: default)
        arith.raise_if(arith.logical_not(best.flag), "ValueError", empty)
        return load(best.value)
    return consume


class _Enumerated(TracesItsOwnLoop):
    """``enumerate(items, start)`` of a generator or generator expression: its loop counts
    the items (Python ints, as ``enumerate`` makes them) as it goes."""

    def __init__(self, items: TracesItsOwnLoop, start: Any = 0):
        self.items, self.start = items, start

    def is_staged(self) -> bool:
        return self.items.is_staged()

    def __iter__(self):
        return builtins.enumerate(iter(self.items), self.start)

    def staged_loop(self, extra_test: Callable[[], Any] | None, body: Callable[[Any], None],
                    get_state: Callable[[], tuple], set_state: Callable[[tuple], None], names: Sequence[str]) -> None:
        count = [self.start]

        def get_all() -> tuple:
            return (count[0], *get_state())

        def set_all(values: tuple) -> None:
            count[0] = values[0]
            set_state(values[1:])

        def counted(item: Any) -> None:
            k = count[0]
            count[0] = k + 1
            body((k, item))

        self.items.staged_loop(extra_test, counted, get_all, set_all, ("(enumerate)", *names))


_CONSUMERS = {builtins.enumerate: (_Enumerated, {"start"}), builtins.sum: (_sum, {"start"}), builtins.any: (_any, set()), builtins.all: (_all, set()),
              builtins.min: (_extremum("min", operator.lt), {"key", "default"}),
              builtins.max: (_extremum("max", operator.gt), {"key", "default"})}


def consuming(f: Any, otherwise: Callable[..., Any]) -> Callable[..., Any]:
    """What a call of ``f`` runs: a generator of the generator function ``f``; ``f``
    (``sum``, ``min``, ``max``, ``any``, ``all``, ``enumerate``) of a generator expression
    or a generator; else ``otherwise``."""
    if is_generator_function(f):
        return generator_call(f)
    try:
        consumer = _CONSUMERS.get(f)
    except TypeError:   # an unhashable callable
        consumer = None
    if consumer is None:
        return otherwise
    consume, keywords = consumer

    def call(*args: Any, **kwargs: Any) -> Any:
        if args and isinstance(args[0], TracesItsOwnLoop) and set(kwargs) <= keywords:
            return consume(*args, **kwargs)
        return otherwise(*args, **kwargs)
    return call
