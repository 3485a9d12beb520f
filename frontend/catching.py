"""``try``/``except``/``else``/``finally`` in traced code.

A ``try`` statement becomes a ``try`` op (``ir.ops.control``) whose region holds
the traced ``try`` body.  Compiled code knows at compile time what every raise
site raises (the class of ``raise Cls(...)``, the exception of each run-time
check), so the handler is chosen while tracing: at a site that a handler
catches, the handler's code is traced right there, on the branch where the
site's condition holds, with the exception it would receive bound to its
``as`` name; it ends with a ``leave`` to the end of the ``try`` op, carrying
the variables as the handler left them.  The ``else`` clause is traced at the
end of the body, inside the ``try`` op (it runs only where the body ended
normally; what it raises goes past this statement's handlers).  The ``try``
op's results merge the variables of its normal end and of every ``leave``, as
the branches of an ``if`` merge.  The ``finally`` clause runs after it, and,
for an exception that passes through the statement uncaught (from its body, a
handler or its ``else``), is traced at that site too, before the exception
goes on.

Python-semantics decisions:

* handler classes are evaluated while compiling, in order, until one matches
  (as CPython evaluates them when an exception arrives), and must be classes
  or tuples of classes derived from ``BaseException``;
* the exception a handler gets is the one CPython would make: the class of the
  site, with its message (made when the compiled code runs if it has run-time
  values); ``str(e)``, ``repr(e)``, ``e.args``, ``type(e)``, ``isinstance`` and
  a bare ``raise`` of it work as in CPython;
* after an ``except ... as e`` clause, ``e`` is unbound, as CPython deletes it;
* a function called inside a ``try`` statement is traced into the caller's code
  (``Tracer.call``), so that its raise sites are sites of the caller's;
* exceptions that compiled code cannot see coming are refused where they would
  have to be caught: a call of a recursive function, or of Python code
  (``compiler.py_call``), whose exceptions a handler around it could catch or
  that a ``finally`` around it would have to see, is an ``UnsupportedError``;
  so is a raise site inside code our own operations build (the element
  function of an array expression);
* an exception compiled code raises where CPython does not (the README's differences:
  an int power with a negative exponent, NumPy's inf or NaN as ``OverflowError``) leaves
  the function past every handler and ``finally`` clause: a handler must never run where
  CPython's code does not;
* under a handler that catches ``ZeroDivisionError``, NumPy scalars divided by zero give
  NumPy's inf, NaN or 0, as in CPython (``frontend.arith``; elsewhere compiled code raises,
  a documented difference);
* ``MemoryError`` from an allocation that fails is not caught (the arrays are
  allocated where no handler is known); the process is out of memory then.

Layer: above ``frontend.control`` (merges, state), below the operators.
"""
from __future__ import annotations

from dataclasses import field
from typing import Any, Callable, Sequence

from ir import TypingError, UnsupportedError
from ir.core import Operation
from ir.ops import CallOp, ForOp, IfOp, LeaveOp, PyCallOp, RaiseIfOp, TryOp, WhileOp, YieldOp
from ir.records import record

from . import arith
from .context import RegionFrame, TraceContext, current
from .control import _leaf_types_and_names
from .layout import layout_of, leaves, placeholders, rebuild
from .optional import narrowed
from .raising import RAISED_AT, run_user_code
from .values import Symbolic

__all__ = ["TryScope", "staged_try", "route", "would_catch", "check_call", "check_python_call"]


def _tr() -> TraceContext:
    return current()


#: a handler: the thunk that evaluates its classes (None: a bare ``except:``) and its code
Handler = tuple[Callable[[], Any] | None, Callable[[Any], None]]


@record
class TryScope:
    """A ``try`` statement being traced: its clauses, its op, and the ``leave`` ops that end
    it with the variables their handler left (``id(leave) -> (leave, state)``).  ``phase``:
    which clause is being traced (``body``, ``handler``, ``else``, ``finally``)."""

    handlers: Sequence[Handler]
    final: Callable[[], None] | None
    get_state: Callable[[], tuple]
    set_state: Callable[[tuple], None]
    names: Sequence[str]
    op: TryOp
    phase: str = "body"
    exits: dict[int, tuple[LeaveOp, tuple]] = field(default_factory=dict)
    classes: list[tuple[type, ...]] = field(default_factory=list)
    #: the functions being inlined where the statement starts: its clauses are traced as its
    #: own code, into which the functions its body inlines may be inlined again
    inlining: frozenset = frozenset()

    def handler_for(self, cls: type) -> Callable[[Any], None] | None:
        """The code of the first handler that catches ``cls``; evaluates the handlers'
        classes (once each, in order) until one matches."""
        for index, (thunk, handler) in enumerate(self.handlers):
            if index == len(self.classes):
                self.classes.append(_handler_classes(thunk))
            if issubclass(cls, self.classes[index]):
                return handler
        return None


def _handler_classes(thunk: Callable[[], Any] | None) -> tuple[type, ...]:
    if thunk is None:
        return (BaseException,)
    value = thunk()
    classes = value if isinstance(value, tuple) else (value,)
    for cls in classes:
        if not (isinstance(cls, type) and issubclass(cls, BaseException)):
            raise _tr().error(TypingError, "catching classes that do not inherit from BaseException is not "
                                           "allowed")
    return classes


def _scopes() -> list[TryScope]:
    return _tr().function.try_scopes


# ----------------------------------------------------------------- the statement
def staged_try(body: Callable[[], None], handlers: Sequence[Handler], orelse: Callable[[], None] | None,
               final: Callable[[], None] | None, get_state: Callable[[], tuple],
               set_state: Callable[[tuple], None], names: Sequence[str]) -> None:
    tr = _tr()
    state0 = get_state()
    op = tr.emit(TryOp())
    scope = TryScope(handlers, final, get_state, set_state, names, op,
                     inlining=frozenset(_tr().inlining))
    scopes = _scopes()
    scopes.append(scope)
    try:
        with tr.region(op.body) as frame:
            run_user_code(body)
            if orelse is not None and not frame.terminated:   # only where the body ended normally
                scope.phase = "else"
                run_user_code(orelse)
            end = None if frame.terminated else tuple(narrowed(v) for v in get_state())
        _merge(scope, end, state0)
    finally:
        scopes.remove(scope)
    if final is not None and not tr.frame.terminated:
        run_user_code(final)


def _merge(scope: TryScope, end: tuple | None, state0: tuple) -> None:
    """Give the ``try`` op its results: the variables as its normal end (after the ``else``
    clause) and each ``leave`` left them; set the variables.  A statement that never ends
    ends the path (the variables keep their values from before it, which code after it,
    never run, may still read while it is traced)."""
    tr, op = _tr(), scope.op
    exits = [(leave, state) for leave, state in scope.exits.values() if _ends(leave, op)]
    states = ([end] if end is not None else []) + [state for _, state in exits]
    if not states:
        with tr.region(op.body):
            tr.emit(YieldOp([]))
        scope.set_state(state0)
        tr.frame.terminated = True
        return
    layouts = [layout_of(name, [state[k] for state in states], loc=op.loc, inside=op)
               for k, name in enumerate(scope.names)]
    types = [t for lay in layouts for t in lay.leaf_types()]

    def operands(state: tuple | None) -> list:
        values = [leaf for lay in layouts for leaf in placeholders(lay)] if state is None else \
            [leaf for lay, v in zip(layouts, state) for leaf in leaves(lay, v)]
        return [arith.materialize(v, t) for v, t in zip(values, types)]

    with tr.region(op.body):
        tr.emit(YieldOp(operands(end)))
    for leave, state in exits:
        with _before(leave):
            leave.set_operands(operands(state))
    results = iter(Symbolic(op.add_result(t, hint)) for t, hint in _leaf_types_and_names(layouts, scope.names))
    scope.set_state(tuple(rebuild(lay, results, name) for lay, name in zip(layouts, scope.names)))


def _ends(leave: LeaveOp, op: TryOp) -> bool:
    """Whether ``leave`` is still in ``op`` (a loop retraced or a probe dropped the code it was in)."""
    return leave.target() is op and op.is_ancestor_of(leave)


class _before:
    """Trace right before ``op`` in its block, in a frame of its own (values made there
    are not found again after the ``try``)."""

    def __init__(self, op: Operation):
        self.op = op

    def __enter__(self) -> None:
        tr = _tr()
        block = self.op.parent
        tr.function.frames.append(RegionFrame(block))
        self._inside = tr.builder.inside(block, block.index_of(self.op))
        self._inside.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._inside.__exit__(*exc)
        _tr().function.frames.pop()


# ----------------------------------------------------------------- raise sites
def route(cls: type, make: Callable[[], BaseException], cond: Symbolic | bool,
          raise_uncaught: Callable[[], None], deviation: bool = False) -> bool:
    """A raise site of ``cls`` where ``cond`` holds, inside ``try`` statements: trace what
    CPython would run there -- the ``finally`` clauses it passes, then the handler that
    catches it (ending with a ``leave``) or, if none does, ``raise_uncaught()``.
    Returns False when no ``try`` statement is concerned (the caller raises as usual).
    A ``deviation`` (an exception CPython would not raise: compiled code's integer power
    with a negative exponent, NumPy's inf as ``OverflowError``) is not routed: it leaves
    the function as it is, past every handler and ``finally`` clause (a handler catching
    it would run where CPython's code does not)."""
    if deviation:
        return False
    scopes = _scopes() if _tr().stack else []
    target, finals = None, []
    for index in reversed(range(len(scopes))):
        scope = scopes[index]
        if scope.phase == "body" and scope.handler_for(cls) is not None:
            target = index
            break
        if scope.phase != "finally" and scope.final is not None:
            finals.append(index)
    if target is None and not finals:
        return False
    tr = _tr()
    if target is not None:
        _check_nesting(scopes[target].op)
    # the clauses traced at the site assign variables -- of each statement, which may be of
    # different functions (one called in a try body is traced into its caller): restored after
    involved = scopes[target if target is not None else finals[-1]:]
    saved = [(scope, scope.get_state()) for scope in involved]
    if cond is True:
        _at_site(scopes, target, finals, cls, make, raise_uncaught)
        tr.frame.terminated = True
    else:
        op = tr.emit(IfOp(cond.value))
        with tr.region(op.then_block):
            _at_site(scopes, target, finals, cls, make, raise_uncaught)
            tr.emit(YieldOp([]))
        with tr.region(op.else_block):
            tr.emit(YieldOp([]))
    for scope, state in reversed(saved):
        scope.set_state(state)
    return True


def _at_site(scopes: list[TryScope], target: int | None, finals: list[int], cls: type,
             make: Callable[[], BaseException], raise_uncaught: Callable[[], None]) -> None:
    tr = _tr()
    for index in finals:
        _run_clause(scopes, index, "finally", scopes[index].final)
        if tr.frame.terminated:
            return
    if target is None:
        with _visible(scopes, 0):
            raise_uncaught()
        return
    scope = scopes[target]
    handler = scope.handler_for(cls)
    location = tr.location()

    def run_handler() -> None:
        exc = make()
        try:   # a bare raise in the handler raises it from here again, as CPython's traceback shows
            setattr(exc, RAISED_AT, location)
        except AttributeError:
            pass
        handler(exc)

    _run_clause(scopes, target, "handler", run_handler, visible=target + 1)
    if tr.frame.terminated:
        return
    leave = tr.emit(LeaveOp(_depth(scope.op)))
    scope.exits[id(leave)] = (leave, tuple(narrowed(v) for v in scope.get_state()))
    tr.frame.terminated = True


def _run_clause(scopes: list[TryScope], index: int, phase: str, clause: Callable[[], None],
                visible: int | None = None) -> None:
    """Trace a clause of ``scopes[index]``: a raise in it sees only the statements around
    it (``visible`` scopes; for a ``finally``, those outside its statement)."""
    scope = scopes[index]
    tr = _tr()
    before, scope.phase = scope.phase, phase
    inlining, tr.inlining = tr.inlining, set(scope.inlining)
    try:
        with _visible(scopes, index if visible is None else visible):
            run_user_code(clause)
    finally:
        scope.phase = before
        tr.inlining = inlining


class _visible:
    """Only the first ``count`` scopes are active while the ``with`` body runs."""

    def __init__(self, scopes: list[TryScope], count: int):
        self.scopes, self.count = scopes, count

    def __enter__(self) -> None:
        self.hidden = self.scopes[self.count:]
        del self.scopes[self.count:]

    def __exit__(self, *exc: Any) -> None:
        self.scopes.extend(self.hidden)


def _depth(target: TryOp) -> int:
    """How many ``try`` ops stand between the insertion point and ``target``."""
    depth, op = 0, _tr().builder.block.parent_op
    while op is not target:
        depth += isinstance(op, TryOp)
        op = op.parent_op
    return depth


def would_catch(cls: type) -> bool:
    """Whether a handler of a ``try`` statement around the current point catches ``cls``."""
    return any(scope.phase == "body" and scope.handler_for(cls) is not None for scope in _scopes())


def _check_nesting(target: TryOp) -> None:
    """A ``leave`` can cross ``if``, ``for``, ``while`` and ``try`` ops only."""
    op = _tr().builder.block.parent_op
    while op is not target:
        if not isinstance(op, (IfOp, ForOp, WhileOp, TryOp)):
            raise _tr().error(UnsupportedError, f"an exception raised inside '{op.name}' (code compiled for an "
                                                "array operation) cannot be caught by a try statement in "
                                                "compiled code; check the values before the operation instead")
        op = op.parent_op


# ----------------------------------------------------------------- what cannot be caught
def check_call(callee: Any, what: str) -> None:
    """A call of compiled function ``callee`` (a ``func`` op) inside ``try`` statements:
    refused if a handler around it could catch what it raises or a ``finally`` would
    have to see it (its exceptions leave compiled code as a status, not a site)."""
    _check_unseen(_raises(callee), what)


def check_python_call(what: str) -> None:
    """A call of Python code at run time (any exception) inside ``try`` statements."""
    _check_unseen({BaseException}, what)


def _check_unseen(classes: set[type], what: str) -> None:
    if not classes or not _tr().stack:
        return
    for scope in reversed(_scopes()):
        caught = scope.phase == "body" and any(scope.handler_for(cls) is not None or
                                               any(issubclass(c, cls) for c in _all_classes(scope))
                                               for cls in classes)
        if caught or scope.phase != "finally" and scope.final is not None:
            raise _tr().error(UnsupportedError, f"{what} may raise an exception that the try statement around "
                                                "it would have to see (a handler or finally clause); compiled "
                                                "code cannot catch exceptions of calls yet: put the try inside "
                                                "the called function, or check the values before the call")


def _all_classes(scope: TryScope) -> list[type]:
    for index in range(len(scope.classes), len(scope.handlers)):
        scope.classes.append(_handler_classes(scope.handlers[index][0]))
    return [cls for classes in scope.classes for cls in classes]


#: the ``py.call`` targets that raise nothing of their own: print, NumPy's sort in place
_SILENT_CALLS = ("print", "sort", "argsort")


def _raises(func: Any) -> set[type]:
    """The exception classes compiled function ``func`` may raise (through its callees)."""
    from ir.diagnostics import builtin_exception

    found: set[type] = set()
    seen: set[str] = set()
    module_functions = {f.sym_name: f for f in getattr(_tr(), "functions", {}).values()}
    work = [func]
    while work:
        f = work.pop()
        if f.sym_name in seen:
            continue
        seen.add(f.sym_name)
        for op in f.walk():
            if isinstance(op, RaiseIfOp):
                found.add(builtin_exception(op.attributes["exception"]) or RuntimeError)
            elif isinstance(op, PyCallOp) and not op.target.startswith(_SILENT_CALLS):
                found.add(BaseException)
            elif isinstance(op, CallOp):
                found.add(RecursionError)
                callee = module_functions.get(op.callee)
                if callee is None:
                    found.add(BaseException)
                else:
                    work.append(callee)
    return found
