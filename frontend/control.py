"""The traced (staged) control flow: ``if``, conditional expressions, ``for``, ``while``, ``assert``.

``frontend.operators`` hands these a condition or an iterable that is a
traced value.  Each builds a structured op (``if``, ``for``, ``while``) and
traces the converted code's branch and body functions inside its regions;
``get_state``/``set_state`` move the variables the construct changes in and
out, and ``frontend.layout`` decides how each travels (see there).

Python-semantics decisions:

* a ``for`` over ``range`` -- constant or traced bounds -- is a ``for`` op;
  with ``break`` or an early ``return`` inside it becomes a ``while`` op;
* a ``while`` loop whose condition is a plain Python value runs at trace
  time (it unrolls) for at most :data:`UNROLL_LIMIT` iterations, then is
  staged with its state as run-time values;
* a loop variable whose type widens in the body (``s = 0`` then
  ``s += 0.5``) gets the wider type from the start: the body is traced
  again, so Python side effects in it (``print``) happen once more;
* a path that always raises does not take part in merges;
* in a branch whose condition is ``x is None`` or ``x is not None``, ``x`` is
  None or its value (``frontend.optional``); after an ``if`` whose other
  branch always raises too;
* ``assert`` is a run-time check (see ``frontend.raising`` for ``raise``);
* a ``for`` over a generator or a generator expression is traced by that iterable
  (:class:`TracesItsOwnLoop`): through the generator's body, or as a loop over the
  expression's iterable.

Layer: above iteration, layouts, variables and sequences; below the
tracer, which runs a function's body with :func:`frontend.raising.run_user_code`.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from ir import TypingError, UnsupportedError
from ir.core import Operation
from ir.ops import ConditionOp, ForOp, IfOp, WhileOp, YieldOp
from ir.types import bool_, i64, u64

from . import arith
from .context import PathEnds, TraceContext, current, tracing
from .iteration import IndexedIterable, RangeItems, indexed
from .optional import narrow, narrowed, narrowings
from .layout import (
    Layout, Scalar, Unbound, combine, layout_of, leaves, placeholders, rebuild, same_bounds,
)
from .raising import raise_, run_user_code
from .sequences import Range, trip_count
from .values import Symbolic, Undefined, describe
from .variables import load

#: iterations a while loop on Python values runs at trace time before it is staged
UNROLL_LIMIT = 64
#: times a loop body is traced again while its variables' types widen
MAX_LOOP_RETRACES = 6


def _tr() -> TraceContext:
    return current()


def probe(test: Callable[[], Any]) -> Any:
    """``test()``; when the result is symbolic, the ops it traced are removed again.

    A loop condition is first evaluated to see whether it is a Python value
    (the loop then unrolls); a symbolic one means the loop is staged, and the
    staged loop evaluates the condition itself on entry.  The probe's ops must
    not stay, or what they do -- a call that writes an array, a check -- would
    happen once more before the loop (``while i < n and f(a)`` called ``f``
    twice on entry)."""
    if not tracing():
        return test()
    builder = _tr().builder
    block, index = builder.block, builder.index
    start = len(block.ops) if index is None else index
    before = len(block.ops)
    memo = dict(_tr().frame.memo)
    value = test()
    if isinstance(value, Symbolic) and builder.block is block:
        emitted = block.ops[start:start + len(block.ops) - before]
        for op in reversed(emitted):
            op.erase()
        builder.index = index
        _tr().frame.memo = memo   # forget the values just erased
    return value


def staged_if(cond: Any, body: Callable[[], None], orelse: Callable[[], None],
              get_state: Callable[[], tuple], set_state: Callable[[tuple], None],
              names: Sequence[str]) -> None:
    tr = _tr()
    c = arith.truth(cond)
    if not isinstance(c, Symbolic):
        (body if c else orelse)()
        return
    facts = narrowings(c)
    state0 = get_state()
    op = tr.emit(IfOp(c.value))
    ends, frames = [], []
    for block, branch, fact in ((op.then_block, body, facts[0]), (op.else_block, orelse, facts[1])):
        with tr.region(block) as frame:
            narrow(fact)
            set_state(state0)
            run_user_code(branch)
            ends.append(tuple(narrowed(v) for v in get_state()))
            frames.append(frame)
    live = [i for i in (0, 1) if not frames[i].terminated]
    if not live:
        tr.frame.terminated = True
    layouts = [layout_of(name, [ends[i][k] for i in live], loc=op.loc, inside=op) if live else Unbound()
               for k, name in enumerate(names)]
    for i, block in enumerate((op.then_block, op.else_block)):
        with tr.region(block):
            values = [leaf for lay, v in zip(layouts, ends[i]) for leaf in
                      (leaves(lay, v) if i in live else placeholders(lay))]
            _yield(YieldOp, values, layouts)
    results = iter(Symbolic(op.add_result(t, hint)) for t, hint in _leaf_types_and_names(layouts, names))
    set_state(tuple(rebuild(lay, results, name) for lay, name in zip(layouts, names)))
    if len(live) == 1:
        narrow(facts[live[0]])


def _leaf_types_and_names(layouts: list[Layout], names: Sequence[str]) -> list[tuple]:
    return [(t, name) for lay, name in zip(layouts, names) for t in lay.leaf_types()]


def _yield(cls: type, values: list[Any], layouts: list[Layout], *extra: Any) -> None:
    types = [t for lay in layouts for t in lay.leaf_types()]
    ir_values = [arith.materialize(v, t) for v, t in zip(values, types)]
    _tr().emit(cls(*extra, ir_values) if extra else cls(ir_values))


def staged_if_exp(cond: Any, if_true: Callable[[], Any], if_false: Callable[[], Any]) -> Any:
    """``a if cond else b`` (also ``and``/``or``): only the chosen side runs."""
    box: list[Any] = [Undefined("(conditional expression)")]

    def get_state() -> tuple:
        return (box[0],)

    def set_state(values: tuple) -> None:
        box[0] = values[0]

    def run(fn: Callable[[], Any]) -> Callable[[], None]:
        def branch() -> None:
            box[0] = fn()
        return branch

    staged_if(cond, run(if_true), run(if_false), get_state, set_state, ("(conditional expression)",))
    if _tr().frame.terminated:  # both sides always raise: the expression has no value, the path ends
        raise PathEnds()
    return load(box[0])


class TracesItsOwnLoop:
    """An iterable that traces the loop over it itself (a generator, ``frontend.generator_functions``;
    a generator expression, ``frontend.generators``) where :meth:`is_staged` says so."""

    def is_staged(self) -> bool:
        raise NotImplementedError

    def staged_loop(self, extra_test: Callable[[], Any] | None, body: Callable[[Any], None],
                    get_state: Callable[[], tuple], set_state: Callable[[tuple], None], names: Sequence[str]) -> None:
        """Trace ``for item in self: body(item)``, stopping where ``extra_test()`` is false."""
        raise NotImplementedError


def is_staged_iterable(iterable: Any) -> bool:
    if isinstance(iterable, TracesItsOwnLoop):
        return iterable.is_staged()
    return indexed(iterable) is not None


def _loop_layouts(names: Sequence[str], state: tuple) -> list[Layout]:
    return [layout_of(name, [v], carry=True) for name, v in zip(names, state)]


def _widen(layouts: list[Layout], names: Sequence[str], end: tuple) -> list[Layout]:
    return [combine(lay, layout_of(name, [v], carry=True), name)
            for lay, name, v in zip(layouts, names, end)]


def _inits(layouts: list[Layout], state: tuple) -> list:
    values = [leaf for lay, v in zip(layouts, state) for leaf in leaves(lay, v)]
    types = [t for lay in layouts for t in lay.leaf_types()]
    return [arith.materialize(v, t) for v, t in zip(values, types)]


def _state_from(layouts: list[Layout], values: Sequence[Any], names: Sequence[str]) -> tuple:
    it = iter(Symbolic(v) for v in values)
    return tuple(rebuild(lay, it, name) for lay, name in zip(layouts, names))


def _exit_state(op: ForOp | WhileOp, layouts: list[Layout], names: Sequence[str], state0: tuple) -> tuple:
    """The variables after a loop: the loop's results, except that a variable
    every path of the body hands back unchanged keeps the value it had before
    the loop.  A Python constant stays a constant: a ``break`` or ``return``
    flag that no traced path sets stays ``False``, so the code after the loop
    is not guarded by a run-time test that can never fail (and a function
    whose only ``return`` is never traced still ends where it raises)."""
    unchanged = iter(_unchanged_leaves(op))
    results = iter(op.results)
    state = []
    for lay, name, before in zip(layouts, names, state0):
        count = len(lay.leaf_types())
        values = [Symbolic(next(results)) for _ in range(count)]
        same = [next(unchanged) for _ in range(count)]
        state.append(before if count and all(same) else rebuild(lay, iter(values), name))
    return tuple(state)


def _unchanged_leaves(op: ForOp | WhileOp) -> list[bool]:
    """Per loop-carried value: whether the body yields its own argument back."""
    if isinstance(op, ForOp):
        carried, yielded = op.body.args[1:], op.body.terminator.operands
        return [y is a for y, a in zip(yielded, carried)]
    forwarded = op.before.terminator.operands[1:]
    yielded = op.after.terminator.operands
    return [f is b and y is a for f, b, y, a in zip(forwarded, op.before.args, yielded, op.after.args)]


def _end_of_body(frame: Any, layouts: list[Layout], names: Sequence[str], end: tuple) -> list[Layout]:
    """The layouts the loop needs after this trace of its body; when they did
    not widen, the body's ``yield`` (placeholders if every path raised)."""
    widened = layouts if frame.terminated else _widen(layouts, names, end)
    if widened == layouts:
        values = [leaf for lay, v in zip(layouts, end) for leaf in
                  (placeholders(lay) if frame.terminated else leaves(lay, v))]
        _yield(YieldOp, values, layouts)
    return widened


def _settle(build: Callable[[list[Layout]], tuple[Any, list[Layout]]], layouts: list[Layout]) -> Any:
    """Trace a loop until its variables' layouts stop widening: their types,
    whether they are Python numbers, and the constants they are known to hold
    where the body relied on those."""
    tr = _tr()
    for _ in range(MAX_LOOP_RETRACES):
        relied_on, typed = tr.bounds_relied_on, len(tr.typed_after_read)
        op, widened = build(layouts)
        if widened == layouts and (tr.bounds_relied_on == relied_on or same_bounds(widened, layouts)) \
                and not _typed_from_outside(op, tr.typed_after_read[typed:]):
            return op, widened
        op.erase()
        layouts = widened
    raise _tr().error(TypingError, "the types of the loop's variables do not settle; "
                                   "give each variable one type before the loop")


def _typed_from_outside(op: Any, typed: list) -> bool:
    """Whether the body of loop ``op`` read a container that exists before the loop as empty
    (``lists.assume_empty``) and then stored in it: the next trip reads its items, so the
    loop is traced again with the container typed."""
    return any(not op.is_ancestor_of(v.owner if isinstance(v.owner, Operation) else v.owner.parent_op)
               for v in typed)


def staged_for(iterable: Any, extra_test: Callable[[], Any] | None, body: Callable[[Any], None],
               get_state: Callable[[], tuple], set_state: Callable[[tuple], None],
               names: Sequence[str]) -> None:
    if isinstance(iterable, TracesItsOwnLoop):
        iterable.staged_loop(extra_test, body, get_state, set_state, names)
        return
    items = indexed(iterable)
    if items is None:
        raise _tr().error(UnsupportedError, f"cannot iterate over a {describe(iterable)} in compiled code")
    if isinstance(items, TracesItsOwnLoop):   # a dict or set (``frontend.hashed``)
        items.staged_loop(extra_test, body, get_state, set_state, names)
        return
    if getattr(items, "live", False):   # a list: its length is read again before every step
        _staged_live_while(items, extra_test, body, get_state, set_state, names)
        return
    if not isinstance(items, RangeItems):  # a counted loop over the items' indices
        def item_body(k: Any) -> None:
            body(items.item(k))
        staged_for(Range(items.length()), extra_test, item_body, get_state, set_state, names)
        return
    if iterable.dead or iterable.constant and not range(iterable.start, iterable.stop, iterable.step):
        return   # no trip: the body never runs, so it is not compiled either (as Python never looks at it)
    parallel = getattr(iterable, "parallel", False)
    if extra_test is not None:
        loop = _staged_range_while(iterable, extra_test, body, get_state, set_state, names)
        if parallel:
            loop.attributes["prange"] = True   # refused by the parallel pass where it would run in parallel
        return
    tr = _tr()
    state0 = get_state()
    bounds = [arith.materialize(v, i64) for v in (iterable.start, iterable.stop, iterable.step)]

    def build(layouts: list[Layout]) -> tuple[Any, list[Layout]]:
        op = tr.emit(ForOp(*bounds, _inits(layouts, state0), iv_name=None,
                           names=[n for _, n in _leaf_types_and_names(layouts, names)]))
        with tr.region(op.body) as frame:
            set_state(_state_from(layouts, op.iter_args, names))
            run_user_code(body, Symbolic(op.induction_var, weak=True))  # range gives Python ints
            widened = _end_of_body(frame, layouts, names, get_state())
        return op, widened

    op, layouts = _settle(build, _loop_layouts(names, state0))
    if parallel:
        op.attributes["prange"] = True
    set_state(_exit_state(op, layouts, names, state0))


def _staged_range_while(rng: Range, extra_test: Callable[[], Any], body: Callable[[Any], None],
                        get_state: Callable[[], tuple], set_state: Callable[[tuple], None],
                        names: Sequence[str]) -> WhileOp:
    """A range loop that may stop early (``break``, ``return``); returns its ``while``.

    A ``while`` over a counter ``k`` in ``[0, len(range))``, the iterate being
    ``start + k*step``: the counter never overflows, even for ranges that end
    at the edge of the 64-bit integers.
    """
    trips = trip_count(rng)
    return _counted_while(lambda k: arith.compare("<", arith.cast(k, u64), trips),
                   lambda k: arith.binary("+", rng.start, arith.binary("*", k, rng.step)),
                   extra_test, body, get_state, set_state, names, "(range index)")


def _staged_live_while(items: IndexedIterable, extra_test: Callable[[], Any] | None, body: Callable[[Any], None],
                       get_state: Callable[[], tuple], set_state: Callable[[tuple], None],
                       names: Sequence[str]) -> None:
    """A loop over a sequence that the loop may change (a list): a ``while`` over a counter
    ``k`` tested against the length read again at every step, as CPython's list iterator
    does (items appended by the body are visited; a list shortened by it ends the loop), or
    while ``items.more(k)`` where the items say when to stop (``reversed(lst)``)."""
    more = getattr(items, "more", None) or (lambda k: arith.compare("<", k, items.length()))
    _counted_while(more, items.item, extra_test, body, get_state, set_state, names, "(list index)")


def _counted_while(more: Callable[[Any], Any], item: Callable[[Any], Any], extra_test: Callable[[], Any] | None,
                   body: Callable[[Any], None], get_state: Callable[[], tuple], set_state: Callable[[tuple], None],
                   names: Sequence[str], counter: str) -> WhileOp:
    """A ``while`` over a counter ``k`` (a Python int named ``counter`` in the IR) from 0 while
    ``more(k)`` and ``extra_test()``, running ``body(item(k))`` then counting on."""
    box: list[Any] = [0]

    def get_all() -> tuple:
        return (box[0], *get_state())

    def set_all(values: tuple) -> None:
        box[0] = values[0]
        set_state(values[1:])

    def test() -> Any:
        going = more(box[0])
        return going if extra_test is None else arith.logical_and(going, arith.truth(extra_test()))

    def loop_body() -> None:
        k = box[0]
        box[0] = arith.binary("+", k, 1)
        body(item(k))

    return _while(test, loop_body, get_all, set_all, (counter, *names),
                  first_layouts=lambda st: [Scalar(i64, weak=True), *_loop_layouts(names, st[1:])])


def staged_while(test: Callable[[], Any], body: Callable[[], None],
                 get_state: Callable[[], tuple], set_state: Callable[[tuple], None],
                 names: Sequence[str]) -> None:
    _while(test, body, get_state, set_state, names)


def _while(test: Callable[[], Any], body: Callable[[], None], get_state: Callable[[], tuple],
           set_state: Callable[[tuple], None], names: Sequence[str],
           first_layouts: Callable[[tuple], list[Layout]] | None = None) -> WhileOp:
    tr = _tr()
    state0 = get_state()

    def build(layouts: list[Layout]) -> tuple[Any, list[Layout]]:
        op = tr.emit(WhileOp(_inits(layouts, state0),
                             names=[n for _, n in _leaf_types_and_names(layouts, names)]))
        with tr.region(op.before):
            set_state(_state_from(layouts, op.before.args, names))
            c = arith.truth(test())
            cond = c.value if isinstance(c, Symbolic) else arith.materialize(bool(c), bool_)
            tr.emit(ConditionOp(cond, op.before.args))
        with tr.region(op.after) as frame:
            set_state(_state_from(layouts, op.after.args, names))
            run_user_code(body)
            widened = _end_of_body(frame, layouts, names, get_state())
        return op, widened

    initial = first_layouts(state0) if first_layouts else _loop_layouts(names, state0)
    op, layouts = _settle(build, initial)
    set_state(_exit_state(op, layouts, names, state0))
    return op


def assert_(cond: Any, msg_fn: Callable[[], Any] | None) -> None:
    """``assert cond, msg``: the message is computed only where the assertion fails, as
    CPython computes it (what it raises is raised only there)."""
    c = arith.truth(load(cond))
    if not isinstance(c, Symbolic):
        if not c:
            raise_(AssertionError(msg_fn()) if msg_fn is not None else AssertionError())
        return
    if msg_fn is None:
        arith.raise_if(arith.logical_not(c), "AssertionError", "")
        return
    staged_if(arith.logical_not(c), lambda: raise_(AssertionError(msg_fn())), lambda: None,
              lambda: (), lambda state: None, ())
