"""Lists held as native values (``local_list<T>``): what ``compiler.passes.local_lists`` makes of a
run-time list the function makes and never lets out.

* ``local_list.new``: an empty list (its header in the function's stack frame: nothing is
  allocated, nothing can fail);
* ``local_list.append``: the item stored after the last, the items' buffer grown (doubled)
  when it is full; a buffer that cannot grow is CPython's ``MemoryError``, after the op's
  cleanup region;
* ``local_list.len``: the number of items;
* ``local_list.get``: the item at an index the producer has checked (``0 <= index < len``);
* ``local_list.set``: the item at such an index replaced;
* ``local_list.pop``: the last item removed (the producer checked there is one, and read it);
* ``local_list.permute``: the items put in the order of a 1-d ``i64`` array, a permutation of
  their positions (``lst.sort()``: ``frontend.lists``): CPython's ``ValueError`` when the list
  changed length since the order was made (a sort key that changes the list), a
  ``MemoryError`` when the new buffer cannot be had, after the op's cleanup region;
* ``local_list.box``: a new CPython ``list`` of the items (Python numbers, or NumPy scalars
  for a ``list<np.T>``): the list a function returns, made when it returns (what CPython
  raises making it, after the op's cleanup region).

``array.decref`` of a local list frees its buffer: a local list has one reference, the one
``local_list.new`` gave (the pass makes no others).
"""
from __future__ import annotations

from ..core import Block, Operation, Value
from ..diagnostics import Location
from ..interfaces import Global, HasCleanupRegion, Raise, Read, Write
from ..types import ArrayType, IntType, ListType, LocalListType, TupleType, Type, i64
from .arith import verify_cleanup

__all__ = ["LocalListNewOp", "LocalListAppendOp", "LocalListLenOp", "LocalListGetOp", "LocalListSetOp",
           "LocalListPopOp", "LocalListPermuteOp", "LocalListBoxOp", "holds_in_place"]


def holds_in_place(t: Type) -> bool:
    """Whether a local list can hold items of type ``t``: numbers, and tuples of numbers."""
    if isinstance(t, TupleType):
        return all(e.is_scalar for e in t.elements)
    return t.is_scalar


def _local_list(op: Operation, v: Value) -> LocalListType:
    if not isinstance(v.type, LocalListType):
        op.fail(f"expects a local list operand, got {v.type}")
    if not holds_in_place(v.type.element):
        op.fail(f"a local list holds numbers or tuples of numbers, not {v.type.element}")
    return v.type


class _MayRaise(Operation):
    """A local list op that may raise: its optional cleanup region runs first (the releases the
    ``refcount`` pass put on the ``py.call`` it replaced)."""

    traits = frozenset({HasCleanupRegion})

    @property
    def cleanup(self) -> Block | None:
        return self.regions[0].block if self.regions else None


class LocalListNewOp(Operation):
    name = "local_list.new"

    def effects(self):
        """Its header is the memory it writes (in the stack frame): kept in place."""
        return (Write(),)

    def __init__(self, type: LocalListType, loc: Location | None = None, name: str | None = None):
        self._setup([], [type], loc=loc, result_names=[name])

    def verify_(self) -> None:
        if self.operands or len(self.results) != 1:
            self.fail("expects no operand and 1 result")
        _local_list(self, self.result)


class LocalListAppendOp(_MayRaise):
    name = "local_list.append"

    def effects(self):
        return (Write(0), Raise())

    def __init__(self, lst: Value, item: Value, loc: Location | None = None):
        self._setup([lst, item], [], loc=loc)

    def verify_(self) -> None:
        if len(self.operands) != 2 or self.results:
            self.fail("expects a local list and an item, and no result")
        t = _local_list(self, self.operand(0))
        if self.operand(1).type != t.element:
            self.fail(f"item of type {self.operand(1).type} is not the list's item type {t.element}")
        verify_cleanup(self)


class LocalListLenOp(Operation):
    name = "local_list.len"

    def effects(self):
        return (Read(0),)

    def __init__(self, lst: Value, loc: Location | None = None, name: str | None = None):
        self._setup([lst], [i64], loc=loc, result_names=[name])

    def verify_(self) -> None:
        if len(self.operands) != 1 or len(self.results) != 1 or self.result.type != i64:
            self.fail("expects a local list and gives an i64")
        _local_list(self, self.operand(0))


class LocalListGetOp(Operation):
    name = "local_list.get"

    def effects(self):
        return (Read(0),)

    def __init__(self, lst: Value, index: Value, loc: Location | None = None, name: str | None = None):
        self._setup([lst, index], [lst.type.element], loc=loc, result_names=[name])

    def verify_(self) -> None:
        if len(self.operands) != 2 or len(self.results) != 1:
            self.fail("expects a local list, an index and 1 result")
        t = _local_list(self, self.operand(0))
        if not isinstance(self.operand(1).type, IntType):
            self.fail(f"index of type {self.operand(1).type} is not an integer")
        if self.result.type != t.element:
            self.fail(f"result type {self.result.type} is not the item type {t.element}")


class LocalListSetOp(Operation):
    name = "local_list.set"

    def effects(self):
        return (Write(0),)

    def __init__(self, lst: Value, index: Value, item: Value, loc: Location | None = None):
        self._setup([lst, index, item], [], loc=loc)

    def verify_(self) -> None:
        if len(self.operands) != 3 or self.results:
            self.fail("expects a local list, an index and an item, and no result")
        t = _local_list(self, self.operand(0))
        if not isinstance(self.operand(1).type, IntType):
            self.fail(f"index of type {self.operand(1).type} is not an integer")
        if self.operand(2).type != t.element:
            self.fail(f"item of type {self.operand(2).type} is not the list's item type {t.element}")


class LocalListPopOp(Operation):
    name = "local_list.pop"

    def effects(self):
        return (Write(0),)

    def __init__(self, lst: Value, loc: Location | None = None):
        self._setup([lst], [], loc=loc)

    def verify_(self) -> None:
        if len(self.operands) != 1 or self.results:
            self.fail("expects a local list and no result")
        _local_list(self, self.operand(0))


class LocalListPermuteOp(_MayRaise):
    name = "local_list.permute"

    def effects(self):
        return (Write(0), Read(1), Raise())

    def __init__(self, lst: Value, order: Value, loc: Location | None = None):
        self._setup([lst, order], [], loc=loc)

    def verify_(self) -> None:
        if len(self.operands) != 2 or self.results:
            self.fail("expects a local list and an order, and no result")
        _local_list(self, self.operand(0))
        t = self.operand(1).type
        if not (isinstance(t, ArrayType) and t.ndim == 1 and t.dtype == i64):
            self.fail(f"the order is a 1-d i64 array, not {t}")
        verify_cleanup(self)


class LocalListBoxOp(_MayRaise):
    name = "local_list.box"

    def effects(self):
        """Makes Python objects (``Global``, as a ``py.call``)."""
        return (Read(0), Global(), Raise())

    def __init__(self, lst: Value, type: ListType, loc: Location | None = None, name: str | None = None):
        self._setup([lst], [type], loc=loc, result_names=[name])

    def verify_(self) -> None:
        if len(self.operands) != 1 or len(self.results) != 1:
            self.fail("expects a local list and 1 result")
        t = _local_list(self, self.operand(0))
        result = self.result.type
        if type(result) is not ListType or result.element != t.element:
            self.fail(f"makes a list<{t.element}> (or list<np.{t.element}>), not a {result}")
        verify_cleanup(self)
