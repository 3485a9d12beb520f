"""Iterables that compile to counted loops: arrays, ``enumerate``, ``zip``, ``reversed``.

Each has a length (a constant or a traced int) and gives its ``k``-th item
for a traced ``k`` in range, so ``for x in it`` becomes a loop over
``range(len)``.  ``for x in a`` walks the first axis of ``a`` (elements of
a 1-d array, sub-arrays otherwise); ``enumerate(it, start)`` and
``zip(a, b, ...)`` (stopping at the shortest, as Python does) take arrays,
ranges, Python tuples and each other; ``reversed`` takes arrays and ranges (the
items from the last, each computed exactly: ``start + k * step`` for a range).

Layer: above arrays and ``frontend.sequences``; below builtins (which
stage ``enumerate`` and ``zip`` with these) and the staging of ``for``.
"""
from __future__ import annotations

import builtins
from typing import Any

from ir import TypingError
from ir.ops import ArrayLoadOp, ArrayViewOp, MinOp
from ir.types import i64

from . import arith, arrays
from .context import TraceContext, current
from .sequences import Range, getitem, range_length
from .values import Symbolic, describe


def _tr() -> TraceContext:
    return current()


class IndexedIterable:
    def length(self) -> Any:
        raise NotImplementedError

    def item(self, k: Any) -> Any:
        raise NotImplementedError


class ArrayItems(IndexedIterable):
    def __init__(self, array: Symbolic):
        self.array = array

    def length(self) -> Any:
        return arrays.dim(self.array, 0)

    def item(self, k: Any) -> Any:  # k is in range: no check needed
        a, k = self.array, arith.cast(k, i64)
        if a.type.ndim == 1:
            return _tr().emit_value(ArrayLoadOp(a.value, [k.value]))
        return _tr().emit_value(ArrayViewOp(a.value, k.value))


class RangeItems(IndexedIterable):
    def __init__(self, rng: Any):
        self.range = rng

    def length(self) -> Any:
        return range_length(self.range)

    def item(self, k: Any) -> Any:
        return arith.binary("+", self.range.start, arith.binary("*", k, self.range.step))


class TupleItems(IndexedIterable):
    def __init__(self, items: tuple):
        self.items = items

    def length(self) -> Any:
        return len(self.items)

    def item(self, k: Any) -> Any:
        return getitem(self.items, k)


class Enumerate(IndexedIterable):
    def __init__(self, inner: IndexedIterable, start: Any):
        self.inner, self.start = inner, start

    def length(self) -> Any:
        return self.inner.length()

    def item(self, k: Any) -> Any:
        return arith.binary("+", self.start, k), self.inner.item(k)


class Zip(IndexedIterable):
    def __init__(self, parts: list[IndexedIterable]):
        self.parts = parts

    def length(self) -> Any:
        """The shortest part's length: ``zip`` stops there."""
        lengths = [p.length() for p in self.parts]
        if len(lengths) == 1:
            return lengths[0]
        if not any(isinstance(n, Symbolic) for n in lengths):
            return builtins.min(lengths)
        return arith.extremum(MinOp, lengths)

    def item(self, k: Any) -> Any:
        return tuple(p.item(k) for p in self.parts)


class Reversed(IndexedIterable):
    def __init__(self, inner: IndexedIterable):
        self.inner = inner

    def length(self) -> Any:
        return self.inner.length()

    def item(self, k: Any) -> Any:
        return self.inner.item(arith.binary("-", arith.binary("-", self.length(), 1), k))


def indexed(iterable: Any) -> IndexedIterable | None:
    """The counted-loop view of ``iterable``, or None if Python should iterate it."""
    if isinstance(iterable, IndexedIterable):
        return iterable
    if arrays.is_array(iterable):
        return ArrayItems(iterable)
    if isinstance(iterable, Range):
        return RangeItems(iterable)
    from . import strings   # a layer above

    if strings.run_time_str_like(iterable):
        return strings.StrItems(iterable)
    from . import lists   # a layer above

    iterable = lists.current_value(iterable)
    if lists.is_list(iterable):
        return lists.ListItems(iterable)
    from . import hashed   # a layer above

    over_container = hashed.iteration(iterable)
    if over_container is not None:   # a dict or set: CPython's iterator held by the loop
        return over_container
    if isinstance(iterable, Symbolic):
        raise _tr().error(TypingError, f"a {iterable.type} is not iterable")
    return None


def _part(iterable: Any) -> IndexedIterable:
    staged = indexed(iterable)
    if staged is not None:
        return staged
    if isinstance(iterable, (tuple, list)):
        return TupleItems(tuple(iterable))
    raise _tr().error(TypingError, f"cannot iterate over a {describe(iterable)} with traced values")


def _staged(*iterables: Any) -> bool:
    return any(indexed(it) is not None for it in iterables)


def enumerate_(iterable: Any, start: Any = 0) -> Any:
    if not _staged(iterable):
        return builtins.enumerate(iterable, start)
    part = _part(iterable)
    counted = getattr(part, "enumerated", None)   # a loop over a dict or set counts itself (``frontend.hashed``)
    return counted(start) if counted is not None else Enumerate(part, start)


def reversed_(sequence: Any) -> Any:
    """``reversed`` of an array or a range, as a counted loop; of a run-time list or tuple,
    CPython's reverse iterator (``frontend.lists.ListReversed``); of anything else, Python's."""
    if arrays.is_array(sequence) or isinstance(sequence, Range):
        return Reversed(indexed(sequence))
    from . import lists   # a layer above

    if lists.is_list(lists.current_value(sequence)):
        return lists.ListReversed(lists.current_value(sequence))
    if isinstance(sequence, (Symbolic, IndexedIterable)):
        name = sequence.type if isinstance(sequence, Symbolic) else type(sequence).__name__.lower()
        raise _tr().error(TypingError, f"'{name}' object is not reversible")
    return builtins.reversed(sequence)


def zip_(*iterables: Any) -> Any:
    if not _staged(*iterables):
        return builtins.zip(*iterables)
    return Zip([_part(it) for it in iterables])
