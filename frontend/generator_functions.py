"""Generator functions iterated in compiled code: ``for v in evens(n):``, ``sum(evens(n))``.

A call of a generator function while tracing makes a :class:`Generator`: its arguments
are bound then, as CPython binds them at the call, and none of its body runs yet.  The
loop over it traces the generator's body (converted, ``frontend.convert``) into the
consuming code, and each ``yield v`` runs the loop's body there with the loop variable
bound to ``v``, as though the body were written at the ``yield``; the constructs of the
generator with a ``yield`` in them carry the loop's variables along with their own
(:func:`with_consumer_state`).  A generator iterating another generator is the same
twice over: the inner one's consumer is the outer one's loop, whose ``yield`` runs the
outermost loop's body.

Python-semantics decisions:

* the generator's code runs lazily and in CPython's order: up to the first ``yield``
  when the loop starts, then from each ``yield`` to the next after each iteration;
  what it reads of the variables around it is read then (late binding);
* a ``break`` or ``return`` of the consuming loop ends the generator at that ``yield``:
  none of its code after it runs (CPython never resumes it); a ``return`` in the
  generator ends the loop (its value is dropped, as a ``for`` drops it);
* an exception raised in the generator propagates to the consuming code with its type,
  message and line, as CPython's does.

Refused with an ``UnsupportedError``: a generator iterated a second time, or inside a
loop that runs at run time apart from where it is made (the loop would see it exhausted
after its first iteration); ``next()``, ``send()``, ``throw()`` and ``close()``; any use
of a generator object but a loop over it (``for``, a comprehension, ``list``,
``enumerate`` and the consumers of ``frontend.generators``), such as ``zip(gen, ...)``
or ``tuple(gen)``; a generator that iterates itself (recursion); a compiled function
that is itself a generator.  The converter refuses ``yield from``, a ``yield`` whose
value is used (``x = yield v``) and a ``yield`` inside a ``try`` statement (the
consuming loop would run under the generator's handlers).

Layer: above the staging of control flow (``frontend.control``), whose ``for`` it drives.
"""
from __future__ import annotations

import inspect
import threading
import types
import weakref
from typing import Any, Callable, Sequence

from ir import TypingError, UnsupportedError
from ir.ops import IfOp
from ir.records import record

from . import operators
from .context import PathEnds, RegionFrame, TraceContext, current
from .control import TracesItsOwnLoop
from .locations import is_converted
from .nested_functions import check_defaults
from .raising import run_user_code

_USES = "iterate it with a for loop, or pass it to list(), enumerate(), sum(), min(), max(), any() or all()"

#: the converted nested defs that are generators (their converted code has no yield left)
_CONVERTED_GENERATORS: weakref.WeakSet = weakref.WeakSet()

_active = threading.local()


def _tr() -> TraceContext:
    return current()


def mark_generator(function: Callable) -> Callable:
    """``function``, a converted nested def that is a generator function, made known as one."""
    _CONVERTED_GENERATORS.add(function)
    return function


def is_generator_function(f: Any) -> bool:
    return inspect.isgeneratorfunction(f) or (isinstance(f, types.FunctionType) and f in _CONVERTED_GENERATORS)


@record
class _Consumer:
    """The loop consuming a generator whose body is being traced."""

    generator: "Generator"
    extra_test: Callable[[], Any] | None
    body: Callable[[Any], None]
    get_state: Callable[[], tuple]
    set_state: Callable[[tuple], None]
    names: tuple[str, ...]
    #: the consumer of the code the loop is in (None: the compiled function's own code)
    outer: "_Consumer | None"


def _consumer() -> _Consumer | None:
    return getattr(_active, "consumer", None)


class Generator(TracesItsOwnLoop):
    """A call of a generator function while tracing, not iterated yet."""

    def __init__(self, function: Callable, run: Callable[[], Any]):
        self.function = function
        self._run = run
        self._frame = _tr().frame
        self._iterated = False

    def is_staged(self) -> bool:
        return True

    def staged_loop(self, extra_test: Callable[[], Any] | None, body: Callable[[Any], None],
                    get_state: Callable[[], tuple], set_state: Callable[[tuple], None], names: Sequence[str]) -> None:
        tr = _tr()
        name = self.function.__name__
        if self._iterated:
            raise tr.error(UnsupportedError, f"the generator {name}() is iterated a second time: not supported in "
                                             f"compiled code; call {name}() again for a new generator")
        if not runs_once_where_made(self._frame):
            raise tr.error(UnsupportedError, f"the generator {name}() is iterated inside a loop that runs at run "
                                             "time, apart from where it is made: not supported in compiled code; "
                                             f"iterate it where it is made (for v in {name}(...):)")
        outer = _consumer()
        consumer = outer
        while consumer is not None:
            if consumer.generator.function is self.function:
                raise tr.error(UnsupportedError, f"the generator {name}() iterates itself (recursion): not "
                                                 "supported in compiled code; write it with a loop")
            consumer = consumer.outer
        self._iterated = True
        _active.consumer = _Consumer(self, extra_test, body, get_state, set_state, tuple(names), outer)
        try:
            run_user_code(self._run)
        finally:
            _active.consumer = outer
        if tr.frame.terminated:
            raise PathEnds()

    def __iter__(self):
        raise _tr().error(UnsupportedError, f"this use of the generator {self.function.__name__}() is not "
                                            f"supported in compiled code; {_USES}")

    def __next__(self):
        raise _tr().error(UnsupportedError, f"next() of the generator {self.function.__name__}() is not supported "
                                            f"in compiled code; {_USES}")

    def __getattr__(self, attribute: str) -> Any:
        if attribute not in ("send", "throw", "close"):
            raise AttributeError(attribute)
        raise _tr().error(UnsupportedError, f"{attribute}() of the generator {self.function.__name__}() is not "
                                            f"supported in compiled code; {_USES}")


def runs_once_where_made(made_in: RegionFrame) -> bool:
    """Whether the code being traced runs at most once each time the code traced into
    ``made_in`` runs: only branches, no loop, lie between them (an iterable made outside
    a loop and iterated inside it is exhausted after the loop's first iteration)."""
    frames = _tr().function.frames
    for k, frame in enumerate(frames):
        if frame is made_in:
            return all(isinstance(inner.block.parent_op, IfOp) for inner in frames[k + 1:])
    return False


def generator_call(function: Callable) -> Callable[..., Generator]:
    """What a call of the generator function ``function`` makes while tracing."""
    def call(*args: Any, **kwargs: Any) -> Generator:
        try:
            bound = inspect.signature(function, follow_wrapped=False).bind(*args, **kwargs)
        except TypeError as err:
            raise _tr().error(TypingError, f"{function.__name__}(): {err}") from None
        if is_converted(getattr(function, "__code__", None)):
            check_defaults(function)
            converted = function
        else:
            from .convert import convert

            converted = convert(function).function
        return Generator(function, lambda: converted(*bound.args, **bound.kwargs))
    return call


def yield_to_consumer(value: Any) -> Any:
    """``yield value``: the consuming loop's body on ``value``; whether the loop ends there."""
    consumer = _consumer()
    if consumer is None:
        raise _tr().error(UnsupportedError, "a compiled function cannot be a generator; compile the function "
                                            "that iterates it")
    _active.consumer = consumer.outer   # the body is code of the consumer's
    try:
        consumer.body(value)
    finally:
        _active.consumer = consumer
    if consumer.extra_test is None:
        return False
    return operators.not_(consumer.extra_test())


def with_consumer_state(get_state: Callable[[], tuple], set_state: Callable[[tuple], None],
                        names: Sequence[str]) -> tuple:
    """The state of a generator's construct with a ``yield`` in it, and the consuming loop's."""
    consumer = _consumer()
    if consumer is None:
        return get_state, set_state, names
    own = len(names)

    def get_all() -> tuple:
        return (*get_state(), *consumer.get_state())

    def set_all(values: tuple) -> None:
        set_state(values[:own])
        consumer.set_state(values[own:])

    return get_all, set_all, (*names, *consumer.names)
