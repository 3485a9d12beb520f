"""The traced (staged) half of the control-flow operators.

``frontend.operators`` calls these when a condition or an iterable is a
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
* a variable bound on some paths only carries a run-time flag; reading it
  where it is unbound raises ``UnboundLocalError`` like CPython;
* ``raise`` of a built-in exception with constant arguments, and
  ``assert``, become run-time checks; a path that always raises does not
  take part in merges.  ``SystemExit``, ``KeyboardInterrupt`` and other
  exceptions the run time cannot raise as themselves are an
  ``UnsupportedError``;
* Python code evaluated at trace time (``TABLE[5]``, a library function)
  that raises on constants raises at run time on its path; one that fails
  because it was given a traced value is an ``UnsupportedError`` (see
  :func:`run_user_code`).
"""
from __future__ import annotations

import operator
import os
import re
import types as pytypes
from typing import Any, Callable, Sequence

import ir as ir_package
from ir import CompileError, Location, TypingError, UnsupportedError
from ir.ops import ConditionOp, FloorDivOp, ForOp, IfOp, WhileOp, YieldOp
from ir.types import BoolType, IntType, bool_, i64, u64

from . import arith
from . import tracer as _tracer
from .layout import (
    Layout, Unbound, combine, is_undefined, layout_of, leaves, placeholders, rebuild, same_bounds,
)
from .values import MaybeUnbound, Symbolic, TypeConflict, describe, type_of

#: iterations a while loop on Python values runs at trace time before it is staged
UNROLL_LIMIT = 64
#: times a loop body is traced again while its variables' types widen
MAX_LOOP_RETRACES = 6


def tracing() -> bool:
    return _tracer.tracing()


def is_symbolic(value: Any) -> bool:
    return isinstance(value, Symbolic)


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
    value = test()
    if isinstance(value, Symbolic) and builder.block is block:
        emitted = block.ops[start:start + len(block.ops) - before]
        for op in reversed(emitted):
            op.erase()
        builder.index = index
    return value


def _tr() -> _tracer.Tracer:
    return _tracer.current()


# ----------------------------------------------------------------- variables
def load(value: Any) -> Any:
    """A read of a local variable: checks a maybe-unbound one at run time."""
    if isinstance(value, TypeConflict):
        raise value.error()
    if isinstance(value, MaybeUnbound):
        arith.raise_if(arith.logical_not(value.flag), "UnboundLocalError",
                       f"cannot access local variable '{value.name}' where it is not associated with a value")
        return load(value.value)
    if isinstance(value, tuple) and any(isinstance(v, (MaybeUnbound, TypeConflict)) for v in value):
        return tuple(load(v) for v in value)
    return value


def undefined_read(undefined: Any) -> Any:
    """A read of a variable no path has assigned yet: CPython's ``UnboundLocalError``
    at run time, when (and only when) this path is taken -- an earlier raise
    may make the path unreachable, and the function must still compile."""
    name = getattr(undefined, "name", "?")
    raise_(UnboundLocalError(f"cannot access local variable '{name}' where it is not associated with a value"))
    raise _tracer.PathEnds()


def named(value: Any, name: str) -> Any:
    """An assignment ``name = value``: names the IR value after the variable."""
    if isinstance(value, Symbolic) and value.value.name_hint is None:
        value.value.name_hint = name.rstrip("_") or name
    if name.startswith("retval"):
        _note_return_type(value)
    return value


def _note_return_type(value: Any) -> None:
    """Record a traced return's type: recursive calls use it (see tracer)."""
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
        from .layout import unify_types

        trace.return_hint = unify_types([trace.return_hint, t]) or trace.return_hint


def _check_int_constants(value: Any) -> None:
    """A returned Python int must fit in 64 bits (a TypingError at this line)."""
    for leaf in (value if isinstance(value, tuple) else (value,)):
        if isinstance(leaf, int) and not isinstance(leaf, bool) and not -(1 << 63) <= leaf < (1 << 64):
            raise _tr().error(TypingError, f"the integer constant {leaf} does not fit in 64 bits")


def load_quietly(value: Any) -> Any:
    return value.value if isinstance(value, MaybeUnbound) else value


# ----------------------------------------------------------------- running user code
#: exceptions that user code evaluated at trace time may raise on a path: they
#: become run-time raises on that path, as CPython would raise them there
USER_ERRORS = (ArithmeticError, ValueError, LookupError, TypeError, AssertionError, NameError)
_OWN_DIRS = tuple(os.path.dirname(os.path.abspath(path)) + os.sep
                  for path in (ir_package.__file__, __file__))  # ir/ and frontend/


def run_user_code(fn: Callable[..., Any], *args: Any) -> Any:
    """Run converted code at trace time.

    A compile error without a location gets the user line it came from.  An
    exception raised outside the compiler's own code (by C code, a library,
    or the user's computation on constants, see :func:`user_computation`):

    * if it names a traced value -- a ``Symbolic`` among its arguments or in
      its message, as in ``TypeError: bad operand type for abs(): 'Symbolic'``
      -- code that works on concrete values only was handed a run-time one (a
      NumPy function, ``"%d" % x``, setting an attribute).  CPython would do
      it, so it is an ``UnsupportedError`` at the user's line, never a
      run-time raise;
    * else, if it is one of :data:`USER_ERRORS` (``1 // 0`` on a path,
      ``math.sqrt(-1.0)``, ``TABLE[5]``), it becomes a run-time raise on the
      current path, as CPython would raise it there -- the compiled function
      raises it only if the path is taken.

    Exceptions from the compiler itself propagate.
    """
    from .convert import traceback_location

    try:
        return fn(*args)
    except _tracer.PathEnds:
        _tr().frame.terminated = True
        return None
    except CompileError as err:
        raise err.with_location(traceback_location(err.__traceback__)) from None
    except Exception as err:
        if not _is_user_error(err):
            raise
        loc = traceback_location(err.__traceback__)
        if _names_a_traced_value(err):
            text = _SYMBOLIC_WORD.sub("run-time value", "; ".join(a for a in err.args if isinstance(a, str)))
            raise UnsupportedError(
                f"this operation is not supported on a run-time value in compiled code ({type(err).__name__}: "
                f"{text}); compute it outside the compiled function, or write it with operations compiled "
                "code supports", loc) from None
        if not isinstance(err, USER_ERRORS):
            raise
        raise_(err, loc)
        return None


def _is_user_error(err: BaseException) -> bool:
    if getattr(err, "user_error", False):
        return True
    tb = err.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is None or not os.path.abspath(tb.tb_frame.f_code.co_filename).startswith(_OWN_DIRS)


_SYMBOLIC_WORD = re.compile(rf"\b{Symbolic.__name__}\b")


def _names_a_traced_value(err: BaseException) -> bool:
    return any(isinstance(a, Symbolic) or isinstance(a, str) and _SYMBOLIC_WORD.search(a) for a in err.args)


def user_computation(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` on plain Python values, for the user's code: an
    exception it raises is the user's own (see :func:`run_user_code`)."""
    try:
        return fn(*args, **kwargs)
    except Exception as err:
        err.user_error = True
        raise


# ----------------------------------------------------------------- if
def staged_if(cond: Any, body: Callable[[], None], orelse: Callable[[], None],
              get_state: Callable[[], tuple], set_state: Callable[[tuple], None],
              names: Sequence[str]) -> None:
    tr = _tr()
    c = arith.truth(cond)
    if not isinstance(c, Symbolic):
        (body if c else orelse)()
        return
    state0 = get_state()
    op = tr.emit(IfOp(c.value))
    ends, frames = [], []
    for block, branch in ((op.then_block, body), (op.else_block, orelse)):
        with tr.region(block) as frame:
            set_state(state0)
            run_user_code(branch)
            ends.append(get_state())
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


def _leaf_types_and_names(layouts: list[Layout], names: Sequence[str]) -> list[tuple]:
    return [(t, name) for lay, name in zip(layouts, names) for t in lay.leaf_types()]


def _yield(cls: type, values: list[Any], layouts: list[Layout], *extra: Any) -> None:
    tr = _tr()
    types = [t for lay in layouts for t in lay.leaf_types()]
    ir_values = [tr.materialize(v, t) for v, t in zip(values, types)]
    tr.emit(cls(*extra, ir_values) if extra else cls(ir_values))


def staged_if_exp(cond: Any, if_true: Callable[[], Any], if_false: Callable[[], Any]) -> Any:
    """``a if cond else b`` (also ``and``/``or``): only the chosen side runs."""
    from .operators import Undefined

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
        raise _tracer.PathEnds()
    return load(box[0])


def truth(value: Any) -> Any:
    return arith.truth(value)


def logical_not(value: Any) -> Any:
    return arith.logical_not(value)


# ----------------------------------------------------------------- loops
class Range:
    """``range(start, stop, step)`` with constant or traced bounds.

    A zero step raises ``ValueError`` when ``range`` is called, as in
    CPython.  Iterating over a constant range in Python code that runs at
    trace time (a comprehension) works; a traced one cannot be.
    """

    def __init__(self, *args: Any):
        if not 1 <= len(args) <= 3:
            raise _tr().error(TypingError, f"range expected 1 to 3 arguments, got {len(args)}")
        for a in args:
            t = type_of(a)
            if not isinstance(a, (int, Symbolic)) or t is None or str(t)[0] not in "iub":
                raise _tr().error(TypingError,
                                  f"'{describe(a)}' object cannot be interpreted as an integer (range)")
        args = tuple(arith.cast(a, i64) if isinstance(a, Symbolic) else int(a) for a in args)
        start, stop, step = (0, args[0], 1) if len(args) == 1 else (*args, 1)[:3]
        self.start, self.stop, self.step = start, stop, step
        self.dead = False
        if isinstance(step, Symbolic):
            arith.raise_if(arith.compare("==", step, 0), "ValueError", "range() arg 3 must not be zero")
        elif step == 0:
            raise_(ValueError("range() arg 3 must not be zero"))
            self.dead = True

    @property
    def constant(self) -> bool:
        return not any(isinstance(v, Symbolic) for v in (self.start, self.stop, self.step))

    def __iter__(self):
        if not self.constant:
            raise _tr().error(UnsupportedError,
                              "a range with run-time bounds can only be iterated by a for loop of the "
                              "compiled function itself (not in a comprehension or a Python call)")
        return iter(range(self.start, self.stop, self.step))

    def __len__(self) -> int:
        if not self.constant:
            raise _tr().error(UnsupportedError, "len() of a range with run-time bounds is not supported")
        return len(range(self.start, self.stop, self.step))


def contains(container: Any, item: Any) -> Any:
    """``item in container`` for a Python tuple/list or a range, with traced items."""
    if isinstance(container, Symbolic):
        raise _tr().error(TypingError, f"argument of type '{container.type}' is not iterable")
    if isinstance(container, Range):
        if not isinstance(item, Symbolic) and container.constant:
            return item in range(container.start, container.stop, container.step)
        step = container.step
        lo, hi = (container.start, container.stop) if not isinstance(step, Symbolic) and step > 0 \
            else (container.stop, container.start)
        if isinstance(step, Symbolic):
            raise _tr().error(UnsupportedError, "'in' on a range with a run-time step is not supported")
        within = arith.logical_and(arith.compare("<=" if step > 0 else "<", lo, item),
                                   arith.compare("<" if step > 0 else "<=", item, hi))
        on_step = arith.compare("==", arith.binary("%", arith.binary("-", item, container.start), step), 0)
        return arith.logical_and(within, on_step)
    if not isinstance(item, Symbolic) and not any(isinstance(e, Symbolic) for e in container):
        return user_computation(operator.contains, container, item)
    found: Any = False
    for element in container:  # CPython compares with == element by element
        found = arith.logical_or(found, arith.compare("==", item, element))
    return found


def getitem(obj: Any, key: Any) -> Any:
    """``obj[key]``: arrays index (see ``frontend.arrays``); a Python tuple
    indexed by a traced int selects at run time."""
    if isinstance(obj, Symbolic):
        return obj[key]
    if not isinstance(key, Symbolic):
        return user_computation(operator.getitem, obj, key)
    if not isinstance(obj, (tuple, list)):
        raise _tr().error(UnsupportedError, f"indexing a Python {type(obj).__name__} with a run-time value is "
                                            "not supported; use a tuple of numbers or a NumPy array")
    if not isinstance(key.type, (IntType, BoolType)):
        raise _tr().error(TypingError, f"{type(obj).__name__} indices must be integers, not {key.type}")
    types = [type_of(e) for e in obj]
    if not obj or any(t is None or not t.is_scalar for t in types):
        raise _tr().error(UnsupportedError, f"indexing a Python {type(obj).__name__} with a run-time index "
                                            "works only for non-empty tuples of numbers")
    from .layout import unify_types

    t = unify_types(types)
    n = len(obj)
    key = arith.cast(key, i64)
    index = arith.select(arith.compare("<", key, 0), arith.binary("+", key, n), key)
    outside = arith.logical_or(arith.compare("<", index, 0), arith.compare(">=", index, n))
    arith.raise_if(outside, "IndexError", f"{type(obj).__name__} index out of range")
    result = arith.cast(obj[-1], t)
    for i in range(n - 2, -1, -1):
        result = arith.select(arith.compare("==", index, i), arith.cast(obj[i], t), result)
    return result


def is_staged_iterable(iterable: Any) -> bool:
    from .iteration import indexed

    return indexed(iterable) is not None


def range_length(rng: Range) -> Any:
    """``len(range)`` as an i64 (a Python int for constant ranges)."""
    if rng.constant:
        return len(range(rng.start, rng.stop, rng.step))
    return arith.cast(_trip_count(rng), i64)


def _loop_layouts(names: Sequence[str], state: tuple) -> list[Layout]:
    return [layout_of(name, [v], carry=True) for name, v in zip(names, state)]


def _widen(layouts: list[Layout], names: Sequence[str], end: tuple) -> list[Layout]:
    return [combine(lay, layout_of(name, [v], carry=True), name)
            for lay, name, v in zip(layouts, names, end)]


def _inits(layouts: list[Layout], state: tuple) -> list:
    tr = _tr()
    values = [leaf for lay, v in zip(layouts, state) for leaf in leaves(lay, v)]
    types = [t for lay in layouts for t in lay.leaf_types()]
    return [tr.materialize(v, t) for v, t in zip(values, types)]


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
        relied_on = tr.bounds_relied_on
        op, widened = build(layouts)
        if widened == layouts and (tr.bounds_relied_on == relied_on or same_bounds(widened, layouts)):
            return op, widened
        op.erase()
        layouts = widened
    raise _tr().error(TypingError, "the types of the loop's variables do not settle; "
                                   "give each variable one type before the loop")


def staged_for(iterable: Any, extra_test: Callable[[], Any] | None, body: Callable[[Any], None],
               get_state: Callable[[], tuple], set_state: Callable[[tuple], None],
               names: Sequence[str]) -> None:
    from .iteration import RangeItems, indexed

    items = indexed(iterable)
    if items is None:
        raise _tr().error(UnsupportedError, f"cannot iterate over a {describe(iterable)} in compiled code")
    if not isinstance(items, RangeItems):  # a counted loop over the items' indices
        def item_body(k: Any) -> None:
            body(items.item(k))
        staged_for(Range(items.length()), extra_test, item_body, get_state, set_state, names)
        return
    if iterable.dead:
        return
    if extra_test is not None:
        _staged_range_while(iterable, extra_test, body, get_state, set_state, names)
        return
    tr = _tr()
    state0 = get_state()
    bounds = [tr.materialize(v, i64) for v in (iterable.start, iterable.stop, iterable.step)]

    def build(layouts: list[Layout]) -> tuple[Any, list[Layout]]:
        op = tr.emit(ForOp(*bounds, _inits(layouts, state0), iv_name=None,
                           names=[n for _, n in _leaf_types_and_names(layouts, names)]))
        with tr.region(op.body) as frame:
            set_state(_state_from(layouts, op.iter_args, names))
            run_user_code(body, Symbolic(op.induction_var, weak=True))  # range gives Python ints
            widened = _end_of_body(frame, layouts, names, get_state())
        return op, widened

    op, layouts = _settle(build, _loop_layouts(names, state0))
    set_state(_exit_state(op, layouts, names, state0))


def _staged_range_while(rng: Range, extra_test: Callable[[], Any], body: Callable[[Any], None],
                        get_state: Callable[[], tuple], set_state: Callable[[tuple], None],
                        names: Sequence[str]) -> None:
    """A range loop that may stop early (``break``, ``return``).

    A ``while`` over a counter ``k`` in ``[0, len(range))``, the iterate being
    ``start + k*step``: the counter never overflows, even for ranges that end
    at the edge of the 64-bit integers.
    """
    from .layout import Scalar

    trips = _trip_count(rng)
    box: list[Any] = [0]

    def get_all() -> tuple:
        return (box[0], *get_state())

    def set_all(values: tuple) -> None:
        box[0] = values[0]
        set_state(values[1:])

    def test() -> Any:
        return arith.logical_and(arith.compare("<", arith.cast(box[0], u64), trips), arith.truth(extra_test()))

    def loop_body() -> None:
        k = box[0]
        box[0] = arith.binary("+", k, 1)
        body(arith.binary("+", rng.start, arith.binary("*", k, rng.step)))

    _while(test, loop_body, get_all, set_all, ("(range index)", *names),
           first_layouts=lambda st: [Scalar(i64, weak=True), *_loop_layouts(names, st[1:])])  # Python ints


def _trip_count(rng: Range) -> Symbolic:
    """``len(range(start, stop, step))`` as a ``u64`` (it may exceed the i64 range)."""
    start, stop, step = rng.start, rng.stop, rng.step
    if isinstance(step, Symbolic):
        up = arith.compare(">", step, 0)
        lo, hi = arith.select(up, arith.cast(start, i64), arith.cast(stop, i64)), \
            arith.select(up, arith.cast(stop, i64), arith.cast(start, i64))
        magnitude = arith.select(up, arith.cast(step, u64), arith.binary("-", arith.cast(0, u64), arith.cast(step, u64)))
    else:
        lo, hi = (start, stop) if step > 0 else (stop, start)
        magnitude = arith.cast(abs(step), u64)
    span = arith.binary("-", arith.binary("-", arith.cast(hi, u64), arith.cast(lo, u64)), arith.cast(1, u64))
    count = arith.binary("+", arith.emit(FloorDivOp, span, magnitude), arith.cast(1, u64))
    return arith.select(arith.compare("<", lo, hi), count, arith.cast(0, u64))


def staged_while(test: Callable[[], Any], body: Callable[[], None],
                 get_state: Callable[[], tuple], set_state: Callable[[tuple], None],
                 names: Sequence[str]) -> None:
    _while(test, body, get_state, set_state, names)


def _while(test: Callable[[], Any], body: Callable[[], None], get_state: Callable[[], tuple],
           set_state: Callable[[tuple], None], names: Sequence[str],
           first_layouts: Callable[[tuple], list[Layout]] | None = None) -> None:
    tr = _tr()
    state0 = get_state()

    def build(layouts: list[Layout]) -> tuple[Any, list[Layout]]:
        op = tr.emit(WhileOp(_inits(layouts, state0),
                             names=[n for _, n in _leaf_types_and_names(layouts, names)]))
        with tr.region(op.before):
            set_state(_state_from(layouts, op.before.args, names))
            c = arith.truth(test())
            cond = c.value if isinstance(c, Symbolic) else tr.materialize(bool(c), bool_)
            tr.emit(ConditionOp(cond, op.before.args))
        with tr.region(op.after) as frame:
            set_state(_state_from(layouts, op.after.args, names))
            run_user_code(body)
            widened = _end_of_body(frame, layouts, names, get_state())
        return op, widened

    initial = first_layouts(state0) if first_layouts else _loop_layouts(names, state0)
    op, layouts = _settle(build, initial)
    set_state(_exit_state(op, layouts, names, state0))


# ----------------------------------------------------------------- return, raise, assert
def return_value(do_return: Any, retval: Any, always: bool) -> Any:
    """The converted function's final ``return`` (see the converter)."""
    if always or do_return is True:
        if is_undefined(retval):
            return None  # every path raised
        return function_result(load_quietly(retval))
    if do_return is False or do_return is None:
        return None
    value = load_quietly(retval)
    if is_undefined(value) or value is None:
        return None
    raise _tr().error(TypingError,
                      f"the function can end without a return statement (returning None) but it also "
                      f"returns a {describe(value)}; add a return statement at its end")


def function_result(result: Any) -> Any:
    """What the traced function returned, with its variables loaded."""
    if is_undefined(result):
        return None
    result = load(result)
    _check_int_constants(result)
    if type_of(result) is None:
        raise _tr().error(TypingError, f"the function returns a {describe(result)}, which compiled code "
                                       "cannot return; return numbers or tuples of numbers")
    return result


def raise_(exc: Any, loc: Location | None = None) -> None:
    """``raise E(...)``: an unconditional run-time raise on this path.

    Only built-in exception classes the run time can raise as themselves
    (``runtime.errors.can_raise``) compile: ``SystemExit``,
    ``KeyboardInterrupt``, ``GeneratorExit`` (not ``Exception`` subclasses)
    and classes that need more than a message are an ``UnsupportedError``.
    """
    from runtime.errors import can_raise

    tr = _tr()
    loc = loc or tr.location()
    if isinstance(exc, type) and issubclass(exc, BaseException):
        exc = exc()
    if not isinstance(exc, BaseException):
        raise TypingError("exceptions must derive from BaseException", loc)
    import builtins

    name = type(exc).__name__
    if getattr(builtins, name, None) is not type(exc):
        raise UnsupportedError(f"raising {name} is not supported: only built-in exception "
                               "classes can be raised from compiled code", loc)
    if not can_raise(name):
        raise UnsupportedError(f"raising {name} is not supported in compiled code: only built-in "
                               "exceptions derived from Exception that take a message can be raised there; "
                               "raise it outside the compiled function", loc)
    if any(isinstance(a, Symbolic) for a in exc.args):
        raise UnsupportedError("exception arguments must be constants in compiled code; "
                               "use a constant message", loc)
    message = str(exc).replace("{", "{{").replace("}", "}}")
    arith.raise_if(True, name, message, loc=loc)
    tr.frame.terminated = True


def assert_(cond: Any, msg_fn: Callable[[], Any] | None) -> None:
    c = arith.truth(load(cond))
    message = "" if msg_fn is None else msg_fn()
    if isinstance(message, Symbolic):
        raise _tr().error(UnsupportedError, "assert messages must be constants in compiled code")
    if not isinstance(c, Symbolic):
        if not c:
            raise_(AssertionError(message) if msg_fn is not None else AssertionError())
        return
    arith.raise_if(arith.logical_not(c), "AssertionError", str(message).replace("{", "{{").replace("}", "}}"))


# ----------------------------------------------------------------- calls
def mutable(obj: Any) -> Any:
    """``obj`` as the container of a subscript store; see :func:`_check_mutation`."""
    if not isinstance(obj, Symbolic):
        _check_mutation(obj, f"changing an item of a Python {type(obj).__name__}")
    return obj


def _check_mutation(container: Any, what: str) -> None:
    """A Python container that only exists while compiling may change at the top
    level of a traced function, where CPython changes it once per call too.  One
    that exists outside the compiled code (a global, a closure variable, a
    default) would change once per compilation instead of once per call, and one
    changed inside a run-time branch or loop once instead of once per iteration:
    both are refused."""
    tr = _tr()
    if len(tr.function.frames) > 1:
        raise tr.error(UnsupportedError,
                       f"{what} inside a branch or loop that runs at run time: the Python "
                       f"{type(container).__name__} only exists while compiling, so it would change once, not "
                       "once per iteration; use a NumPy array instead")
    if tr.outlives_the_trace(container):
        raise tr.error(UnsupportedError,
                       f"{what}: this {type(container).__name__} exists outside the compiled function (a global, "
                       "closure or default value), and compiled code would change it once, when it is compiled, "
                       "not at every call; pass a NumPy array in and change that, or return the new value")


def resolve_call(f: Any) -> Callable:
    """What a call of ``f`` in converted code runs: our staged version of a
    builtin, ``math``/NumPy function or run-time call; the traced Python
    function; or ``f`` itself where it is pure and may run at trace time
    (see ``frontend.purity``).  Anything else is refused."""
    from . import nprandom, purity, runtime_calls
    from .builtins import lookup
    from .numpy_api import lookup as numpy_lookup

    if isinstance(f, Symbolic):
        raise _tr().error(TypingError, f"'{f.type}' object is not callable")
    impl = lookup(f) or numpy_lookup(f) or nprandom.lookup(f) or runtime_calls.lookup(f)
    if impl is not None:
        return impl
    if isinstance(getattr(f, "__self__", None), Symbolic):  # a method of a traced value: it stages itself
        return f
    py_func = getattr(f, "py_func", None)
    if py_func is not None and callable(py_func):  # a compiled function: trace its source
        f = py_func
    if isinstance(f, pytypes.FunctionType) and not purity.is_pure(f):
        return lambda *args, **kwargs: _tr().call(f, args, kwargs)
    if purity.mutating_method(f):
        _check_mutation(f.__self__, f"{type(f.__self__).__name__}.{f.__name__}()")
        return f
    if purity.is_pure(f):
        return f
    raise _tr().error(UnsupportedError,
                      f"{purity.callable_name(f)}() cannot be called in compiled code: it is not known to be pure, "
                      "and calling it once while compiling could differ from calling it at every run; call it "
                      "outside the compiled function and pass its result in, or, if it always gives the same "
                      "result for the same arguments and changes nothing, mark it with compiler.trace_pure()")


__all__ = [
    "UNROLL_LIMIT", "tracing", "is_symbolic", "load", "undefined_read", "named", "staged_if",
    "staged_if_exp", "truth", "logical_not", "Range", "is_staged_iterable", "staged_for",
    "staged_while", "return_value", "function_result", "raise_", "assert_", "resolve_call",
]
