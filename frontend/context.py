"""The trace context: the trace in progress on this thread and how ops are emitted.

Every layer that emits IR (the typing rules, arrays, NumPy, builtins, the
staging of control flow) works through :func:`current`: a
:class:`TraceContext` holds the builder, the regions and functions being
filled, and makes errors located at the user's line.  Decision: this sits
right above ``frontend.values`` and below every such layer; tracing a
Python function into an IR function of its own needs the converter and
the staging of control flow, so it lives on top, in ``frontend.tracer``,
whose :class:`~frontend.tracer.Tracer` is the context the layers see and
implements :meth:`TraceContext.call`.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import field
from typing import Any, Callable, Iterator

from ir import Block, Builder, CompileError, Location, Operation, TypingError
from ir.interfaces import Global, Write, effects
from ir.ops import ConstantOp, FuncOp, TupleGetOp, convert_scalar
from ir.records import record
from ir.types import TupleType, Type

from .locations import user_location
from .values import PY_SCALARS, Symbolic

_active = threading.local()


def current() -> "TraceContext":
    context = getattr(_active, "tracer", None)
    if context is None:
        raise RuntimeError("no trace is in progress")
    return context


def tracing() -> bool:
    return getattr(_active, "tracer", None) is not None


@contextmanager
def activate(context: "TraceContext") -> Iterator["TraceContext"]:
    previous = getattr(_active, "tracer", None)
    _active.tracer = context
    try:
        yield context
    finally:
        _active.tracer = previous


class PathEnds(Exception):
    """Raised at trace time where the rest of the current path never runs (after
    a call to a function that always raises, a read of an unassigned variable):
    ``frontend.raising.run_user_code`` ends the path there."""


@record
class RegionFrame:
    """The block being filled, whether its path already ended in a raise, the pure
    values traced in it by key (:meth:`TraceContext.memo`), and the values that may be
    None known to be None or not here (``id(optional) -> (optional, value)``, see
    ``frontend.optional``)."""

    block: Block
    terminated: bool = False
    memo: dict = field(default_factory=dict)
    narrowed: dict = field(default_factory=dict)


@record
class FunctionTrace:
    """A function being traced.  ``recursive_call_types``: the result types its recursive
    calls assumed (None: not known yet, the call ended its path); ``unknown_call``: where
    the first such call is; ``provisional``: a call in it (or in a function it calls)
    assumed a type not known yet, so its trace is thrown away with the caller's;
    ``discard``: the provisional functions traced for it; ``tests``: the ``is None``
    tests traced in it (``frontend.optional``); ``try_scopes``: the ``try`` statements
    being traced around the current point (``frontend.catching``); ``lists``: the Python lists
    it made and their run-time lists (``frontend.lists``)."""

    pyfunc: Callable
    func_op: FuncOp
    return_hint: Type | None = None
    return_hint_fixed: bool = False
    frames: list[RegionFrame] = field(default_factory=list)
    recursive_call_types: list[Type | None] = field(default_factory=list)
    unknown_call: Location | None = None
    provisional: bool = False
    discard: list[str] = field(default_factory=list)
    tests: dict = field(default_factory=dict)
    try_scopes: list = field(default_factory=list)
    #: the Python lists the function made, by id (``frontend.lists``)
    lists: dict = field(default_factory=dict)


class TraceContext:
    def __init__(self, boundscheck: bool = True, error_model: str = "python") -> None:
        self.boundscheck = boundscheck
        #: ``"python"``: division and modulo by zero raise ``ZeroDivisionError``; ``"numpy"``:
        #: they give NumPy's results (``arith``)
        self.error_model = error_model
        self.builder = Builder()
        #: the functions being traced, innermost last
        self.stack: list[FunctionTrace] = []
        #: merges kept narrow by the known constants of a traced value (``layout.Scalar.bounds``)
        self.bounds_relied_on = 0
        #: how many ops that may write memory (or do anything: a call) were traced so far;
        #: a value read from memory is the same while this stays (:meth:`memo` keys)
        self.writes = 0
        #: the functions being traced into their caller's code (``Tracer.call``)
        self.inlining: set[Callable] = set()
        #: containers of no item type whose items were read, as empty (``lists.assume_empty``),
        #: by the id of their value; and those of them typed by a store after the read
        self.assumed_empty: dict[int, Any] = {}
        self.typed_after_read: list = []
        #: lists of no item type read from a dict's values, by the id of their value: the dict,
        #: whose values take the type the list takes (``lists.give_type``)
        self.typed_with: dict[int, Any] = {}

    @property
    def function(self) -> FunctionTrace:
        return self.stack[-1]

    @property
    def frame(self) -> RegionFrame:
        return self.function.frames[-1]

    def location(self) -> Location | None:
        return user_location()

    def emit(self, op: Operation) -> Operation:
        if op.loc is None:
            op.loc = self.location()
        if any(isinstance(e, (Write, Global)) for e in effects(op)):
            self.writes += 1
        return self.builder.insert(op)

    def emit_value(self, op: Operation) -> Symbolic:
        return Symbolic(self.emit(op).result)

    @contextmanager
    def region(self, block: Block) -> Iterator[RegionFrame]:
        """Trace into ``block`` (appending at its end)."""
        frame = RegionFrame(block)
        self.function.frames.append(frame)
        with self.builder.inside(block):
            try:
                yield frame
            finally:
                self.function.frames.pop()

    def memo(self, key: Any, make: Callable[[], Any]) -> Any:
        """The pure value ``make()`` traced once per ``key`` where it is visible: found in
        the block being filled or one enclosing it (whose values dominate it), else made
        and kept with this block.  Equal keys give the same value, so that later code can
        see by identity that two extents are equal (``a[1:-1]`` and ``a[2:]``).  A value
        read from memory has :attr:`writes` in its key: it is found again only while
        nothing was written since."""
        for frame in reversed(self.function.frames):
            if key in frame.memo:
                return frame.memo[key]
        value = make()
        self.frame.memo[key] = value
        return value

    def error(self, cls: type[CompileError], message: str) -> CompileError:
        return cls(message, self.location())

    def call(self, pyfunc: Callable, args: tuple, kwargs: dict) -> Any:
        """A call from traced code to a Python function, traced into an IR function
        of its own (implemented by ``frontend.tracer.Tracer``)."""
        raise NotImplementedError

    def inline(self, pyfunc: Callable, args: tuple) -> Any:
        """A call of a helper traced into the code being traced (a run-time list it reads stays
        the caller's: ``compiler.passes.local_lists``) (implemented by ``frontend.tracer.Tracer``)."""
        raise NotImplementedError

    def constant(self, value: Any, type: Type) -> Symbolic:
        """A constant of ``type``.  An int constant must fit in 64 bits, signed or
        unsigned: ``0xFFFFFFFFFFFFFFFF`` is accepted and wraps to -1 in an ``i64``,
        as 64-bit arithmetic would make it."""
        value = _plain(value)
        if isinstance(value, int) and not isinstance(value, bool) and not -(1 << 63) <= value < (1 << 64):
            raise self.error(TypingError, f"the integer constant {value} does not fit in 64 bits")
        return self.emit_value(ConstantOp(convert_scalar(value, type), type))

    def unpack(self, value: Any) -> Any:
        """A traced tuple as a Python tuple of traced elements."""
        if isinstance(value, Symbolic) and isinstance(value.type, TupleType):
            return tuple(self.unpack(self.emit_value(TupleGetOp(value.value, i)))
                         for i in range(len(value.type.elements)))
        return value

    def outlives_the_trace(self, container: Any) -> bool:
        """Whether a Python container was there before this trace: reachable from a
        global, closure variable or default of a function being traced (through
        lists, tuples, dicts and sets, a few levels deep)."""
        roots: list[Any] = []
        for trace in self.stack:
            fn = trace.pyfunc
            roots += list(getattr(fn, "__globals__", {}).values())
            roots += [cell.cell_contents for cell in (getattr(fn, "__closure__", None) or ())
                      if _cell_is_set(cell)]
            roots += list(getattr(fn, "__defaults__", None) or ()) + \
                list((getattr(fn, "__kwdefaults__", None) or {}).values())
        seen: set[int] = set()
        level = roots
        for _ in range(_REACH_DEPTH):
            found = []
            for value in level:
                if value is container:
                    return True
                if isinstance(value, _CONTAINERS) and id(value) not in seen and len(seen) < _REACH_LIMIT:
                    seen.add(id(value))
                    found += list(value.values()) if isinstance(value, dict) else list(value)
            level = found
        return False


#: how deep and how far ``outlives_the_trace`` looks for a container
_REACH_DEPTH, _REACH_LIMIT = 4, 20_000
_CONTAINERS = (list, tuple, dict, set, frozenset)


def _cell_is_set(cell: Any) -> bool:
    try:
        cell.cell_contents
    except ValueError:  # an empty cell
        return False
    return True


def _plain(value: Any) -> Any:
    """A NumPy scalar as the Python scalar of the same kind."""
    return value.item() if hasattr(value, "item") and not isinstance(value, PY_SCALARS) else value
