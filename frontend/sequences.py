"""``range`` and Python tuples and lists meeting traced values.

:class:`Range` is ``range(start, stop, step)`` with constant or traced
bounds; ``len`` of it, ``in`` on it or on a Python tuple/list, and a
Python tuple indexed by a traced int are computed here.

Layer: above the typing rules and ``frontend.raising``.
"""
from __future__ import annotations

import operator
from typing import Any, Callable

import numpy as np

from ir import TypingError, UnsupportedError
from ir.ops import FloorDivOp
from ir.types import BoolType, IntType, i64, u64

from . import arith
from .arrays import global_array
from .context import TraceContext, current
from .raising import raise_, user_computation
from .values import Symbolic, describe, type_of


def _tr() -> TraceContext:
    return current()


class Range:
    """``range(start, stop, step)`` with constant or traced bounds.

    A zero step raises ``ValueError`` when ``range`` is called, as in
    CPython.  Iterating over a constant range in Python code that runs at
    trace time (a comprehension) works; a traced one cannot be.  ``len``,
    ``in``, ``r[i]`` (``IndexError: range object index out of range``),
    ``reversed`` (``frontend.iteration``) and ``.start``/``.stop``/``.step``
    work with traced bounds too.
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


class ParallelRange(Range):
    """``prange(...)``: a ``range`` whose ``for`` loop is marked ``prange`` (its trips run in
    parallel where the function is compiled with ``parallel=True``: ``compiler.passes.parallel``)."""

    parallel = True


def is_prange(f: Any) -> bool:
    """Whether ``f`` is ``compiler.prange`` (it carries the mark ``__pyjit_prange__``) or Numba's
    ``prange``, which code written for Numba imports (it is not imported here)."""
    if getattr(f, "__pyjit_prange__", False) is True:
        return True
    return isinstance(f, type) and f.__name__ == "prange" and (f.__module__ or "").startswith("numba.")


def range_item(rng: Range, key: Any) -> Any:
    """``rng[key]`` for an int ``key`` (negative counts from the end)."""
    if rng.constant and not isinstance(key, Symbolic):
        return user_computation(operator.getitem, range(rng.start, rng.stop, rng.step), key)
    if isinstance(key, slice):
        raise _tr().error(UnsupportedError, "slicing a range with run-time bounds or a run-time slice is not "
                                            "supported in compiled code; compute the new start, stop and step")
    if not isinstance(key, (int, Symbolic)) or not isinstance(type_of(key), (IntType, BoolType)):
        raise _tr().error(TypingError, f"range indices must be integers or slices, not {describe(key)}")
    n = range_length(rng)
    index = arith.select(arith.compare("<", key, 0), arith.binary("+", key, n), key)
    arith.raise_if(arith.logical_or(arith.compare("<", index, 0), arith.compare(">=", index, n)),
                   "IndexError", "range object index out of range")
    return arith.binary("+", rng.start, arith.binary("*", index, rng.step))


def range_length(rng: Range) -> Any:
    """``len(range)``: a Python int (an i64 as a weak value: CPython's ``len`` gives an ``int``)."""
    if rng.constant:
        return len(range(rng.start, rng.stop, rng.step))
    return Symbolic(arith.cast(trip_count(rng), i64).value, weak=True)


def trip_count(rng: Range) -> Symbolic:
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


def contains(container: Any, item: Any) -> Any:
    """``item in container`` for a Python tuple/list or a range, with traced items; a
    substring test for a run-time string (``frontend.strings``)."""
    from . import strings   # a layer above

    if strings.run_time_str_like(container) or strings.run_time_str_like(item) and isinstance(container, str):
        return strings.contains(container, item)
    from . import lists   # a layer above

    container = lists.current_value(container)
    if lists.is_list(container):
        return lists.contains(container, item)
    hashed_in = _hashed_contains(container, item)
    if hashed_in is not None:
        return hashed_in
    if isinstance(container, Symbolic):
        raise _tr().error(TypingError, f"argument of type '{container.type}' is not iterable")
    if isinstance(container, Range):
        if not isinstance(item, Symbolic) and container.constant:
            return item in range(container.start, container.stop, container.step)
        start, stop, step = container.start, container.stop, container.step
        up_within = arith.logical_and(arith.compare("<=", start, item), arith.compare("<", item, stop))
        down_within = arith.logical_and(arith.compare("<", stop, item), arith.compare("<=", item, start))
        if isinstance(step, Symbolic):
            within = arith.select(arith.compare(">", step, 0), up_within, down_within)
        else:
            within = up_within if step > 0 else down_within
        on_step = arith.compare("==", arith.binary("%", arith.binary("-", item, container.start), step), 0)
        return arith.logical_and(within, on_step)
    if not isinstance(item, Symbolic) and not any(isinstance(e, Symbolic) for e in container):
        return user_computation(operator.contains, container, item)
    found: Any = False
    for element in container:  # CPython compares with == element by element (the same object first)
        found = arith.logical_or(found, _item_compare("==", element, item))
    return found


_ORDERS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
}


def tuple_compare(op: str, a: tuple, b: tuple) -> Any:
    """``a op b`` of two Python tuples some of whose items are traced: CPython's order -- the
    first items that differ (by ``==``) decide, else the lengths -- with the items' comparisons
    traced (a bool known only at run time).  Each pair of items is compared whether or not an
    earlier pair already differs: numbers and strings compare without effects, so the result
    is CPython's."""
    if not _traced_in(a) and not _traced_in(b):
        return user_computation(_ORDERS[op], a, b)
    result = _ORDERS[op](len(a), len(b))   # where every item of the shorter one is equal
    for x, y in reversed(list(zip(a, b))):
        same = _item_compare("==", x, y)
        if op == "==":
            result = arith.logical_and(same, result)
        elif op == "!=":
            result = arith.logical_or(arith.logical_not(same), result)
        else:
            result = arith.select(arith.truth(same), result, arith.truth(_item_compare(op, x, y)))
    return result


def _item_compare(op: str, x: Any, y: Any) -> Any:
    """``x op y`` of two items of tuples; the same object is equal to itself, as CPython's
    comparisons of items first test (a NaN in one variable, on both sides)."""
    if x is y and op in ("==", "!="):
        return op == "=="
    if isinstance(x, tuple) and isinstance(y, tuple):
        return tuple_compare(op, x, y)
    return _ORDERS[op](x, y)


def tuple_method(f: Any) -> Callable[..., Any] | None:
    """``t.count(x)``, ``t.index(x)`` of a Python tuple holding traced items (or of a traced
    ``x``): staged, each item compared with ``==`` as CPython does; None for anything else."""
    t = getattr(f, "__self__", None)
    if type(t) is not tuple or getattr(f, "__name__", None) not in ("count", "index"):
        return None

    def staged(x: Any, *bounds: Any) -> Any:
        if not _traced_in(t) and not isinstance(x, Symbolic) or bounds or not t:
            return user_computation(f, x, *bounds)
        hits = [arith.truth(_item_compare("==", e, x)) for e in t]
        if f.__name__ == "count":
            count: Any = 0
            for hit in hits:
                count = arith.binary("+", count, arith.select(hit, 1, 0))
            return count
        position: Any = -1   # the first hit: ValueError where none
        for k in reversed(range(len(t))):
            position = arith.select(hits[k], k, position)
        arith.raise_if(arith.compare("<", position, 0), "ValueError", "tuple.index(x): x not in tuple")
        return position
    return staged


def _hashed_contains(container: Any, item: Any) -> Any:
    """``item in container`` for a run-time dict (or a view of one), set, or a Python one tested
    for a run-time item (``frontend.dicts``, ``frontend.sets``); None for other containers."""
    from . import dicts, hashed, sets   # a layer above

    container = hashed.current_value(container)
    if isinstance(container, hashed.Iteration):   # d.keys(), d.values(), d.items()
        return container.contains(item)
    if type(container) in (dict, set) and (isinstance(item, Symbolic) or strings_at_run_time(item)):
        container = hashed.run_time(container)
    if dicts.is_dict(container):
        return dicts.contains(container, item)
    if sets.is_set(container):
        return sets.contains(container, item)
    return None


def strings_at_run_time(x: Any) -> bool:
    from .strings import run_time_str_like   # a layer above

    return run_time_str_like(x)


def _traced_in(key: Any) -> bool:
    """Whether an index holds a traced value (as an index, a slice bound, in a tuple)."""
    if isinstance(key, tuple):
        return any(_traced_in(k) for k in key)
    if isinstance(key, slice):
        return any(isinstance(v, Symbolic) for v in (key.start, key.stop, key.step))
    return isinstance(key, Symbolic)


#: how ``obj[key]`` is traced for particular Python objects, by their ``id`` (``np.mgrid``:
#: ``frontend.grids``, a layer above, registers itself)
SUBSCRIPTED: dict[int, Any] = {}


def getitem(obj: Any, key: Any) -> Any:
    """``obj[key]``: arrays index (see ``frontend.arrays``); a Python tuple
    indexed by a traced int selects at run time."""
    if isinstance(obj, Symbolic):
        return obj[key]
    if isinstance(obj, np.ndarray) and _traced_in(key):   # a lookup table read at run time
        return global_array(obj)[key]
    staged = SUBSCRIPTED.get(id(obj))
    if staged is not None:   # np.mgrid[...], np.ogrid[...]
        return staged(obj, key)
    if isinstance(obj, Range):
        return range_item(obj, key)
    if isinstance(obj, str) and _traced_in(key):   # a constant string indexed at run time
        from .strings import getitem as string_item

        return string_item(obj, key)
    if type(obj) is dict and (isinstance(key, Symbolic) or strings_at_run_time(key)):
        from .dicts import python_getitem   # a layer above: looked up in its run-time dict

        return python_getitem(obj, key)
    if not isinstance(key, Symbolic):
        return user_computation(operator.getitem, obj, key)
    if not isinstance(obj, (tuple, list)):
        raise _tr().error(UnsupportedError, f"indexing a Python {type(obj).__name__} with a run-time value is "
                                            "not supported; use a tuple of numbers or a NumPy array")
    if not isinstance(key.type, (IntType, BoolType)):
        raise _tr().error(TypingError, f"{type(obj).__name__} indices must be integers, not {key.type}")
    from . import strings   # a layer above

    if obj and all(strings.str_like(e) for e in obj):   # a tuple of strings: CPython indexes it
        return strings.item_of(tuple(obj), key)
    types = [type_of(e) for e in obj]
    if isinstance(obj, list) and any(t is None or not t.is_scalar for t in types):   # of arrays, lists, ...
        from . import lists   # a layer above: read from its run-time list

        return lists.getitem(lists.as_value(obj), key)
    if not obj or any(t is None or not t.is_scalar for t in types):
        raise _tr().error(UnsupportedError, f"indexing a Python {type(obj).__name__} with a run-time index "
                                            "works only for non-empty tuples of numbers and lists")
    t = arith.unify_types(types)
    n = len(obj)
    key = arith.cast(key, i64)
    index = arith.select(arith.compare("<", key, 0), arith.binary("+", key, n), key)
    outside = arith.logical_or(arith.compare("<", index, 0), arith.compare(">=", index, n))
    arith.raise_if(outside, "IndexError", f"{type(obj).__name__} index out of range")
    result = arith.cast(obj[-1], t)
    for i in range(n - 2, -1, -1):
        result = arith.select(arith.compare("==", index, i), arith.cast(obj[i], t), result)
    return result
