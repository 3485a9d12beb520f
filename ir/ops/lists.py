"""Reads of a run-time list (``list<T>``, a CPython ``list`` object) that compiled code does
without calling into Python; every other list operation is a ``py.call`` of CPython's own
function (``frontend.lists``).

* ``list.len``: the number of items (``PyList_GET_SIZE``);
* ``list.get``: the item at an index the producer has checked (``0 <= index < len``), of a
  number type or a tuple of Python numbers, read as the type the list's items have (a Python
  number, or a NumPy scalar of that type): an item of another type is not possible, since
  every store into a run-time list is typed;
* ``object.retype``: a container whose item (key, value) types are not known -- ``list<?>``,
  ``dict<?, ?>``, ``set<?>``: nothing was ever stored in it, so it is empty, or an unbound
  variable's placeholder -- as the same object of the same kind of container with item types:
  no code.

Both read the list's memory (``Read``), so that a change of any list (a ``py.call``)
orders them.
"""
from __future__ import annotations

from ..core import Operation, Pure, ReadsMemory, Value
from ..diagnostics import Location
from ..interfaces import BORROWS, Ownership, Read
from ..types import DictType, IntType, ListType, SetType, TupleType, Type, i64

__all__ = ["ListLenOp", "ListGetOp", "RetypeOp", "unknown_items"]


def _list(op: Operation, v: Value) -> ListType:
    if not isinstance(v.type, ListType):
        op.fail(f"expects a list operand, got {v.type}")
    return v.type


class ListLenOp(Operation):
    name = "list.len"
    traits = frozenset({ReadsMemory})

    def effects(self):
        return (Read(0),)

    def __init__(self, lst: Value, loc: Location | None = None, name: str | None = None):
        self._setup([lst], [i64], loc=loc, result_names=[name])

    def verify_(self) -> None:
        if len(self.operands) != 1 or len(self.results) != 1 or self.result.type != i64:
            self.fail("expects a list and gives an i64")
        _list(self, self.operand(0))


class ListGetOp(Operation):
    name = "list.get"
    traits = frozenset({ReadsMemory})

    def effects(self):
        return (Read(0),)

    def __init__(self, lst: Value, index: Value, loc: Location | None = None, name: str | None = None):
        self._setup([lst, index], [lst.type.element], loc=loc, result_names=[name])

    @staticmethod
    def reads_in_place(t: Type) -> bool:
        """Whether items of type ``t`` are read in place: numbers, and tuples of (Python)
        numbers (``pairs.append((i, x))``)."""
        if isinstance(t, TupleType):
            return all(e.is_scalar for e in t.elements)
        return t.is_scalar

    def verify_(self) -> None:
        if len(self.operands) != 2 or len(self.results) != 1:
            self.fail("expects a list, an index and 1 result")
        t = _list(self, self.operand(0))
        if t.element is None or not self.reads_in_place(t.element):
            self.fail(f"reads items of a number type or tuples of numbers, not of a {t}")
        if not isinstance(self.operand(1).type, IntType):
            self.fail(f"index of type {self.operand(1).type} is not an integer")
        if self.result.type != t.element:
            self.fail(f"result type {self.result.type} is not the item type {t.element}")


def unknown_items(t: Type) -> bool:
    """Whether ``t`` is a container type some of whose item types are not known yet."""
    if isinstance(t, (ListType, SetType)):
        return t.element is None
    return isinstance(t, DictType) and (t.key is None or t.value is None)


class RetypeOp(Operation):
    name = "object.retype"
    traits = frozenset({Pure})

    def ownership(self, index: int) -> Ownership:
        """The operand itself: holds no reference of its own."""
        return BORROWS

    def __init__(self, container: Value, type: Type, loc: Location | None = None, name: str | None = None):
        self._setup([container], [type], loc=loc, result_names=[name])

    def verify_(self) -> None:
        if len(self.operands) != 1 or len(self.results) != 1:
            self.fail("expects 1 container and 1 result")
        t = self.operand(0).type
        if not unknown_items(t):
            self.fail(f"retypes a container of unknown item types only, not a {t}")
        if type(self.result.type) is not type(t):
            self.fail(f"result type {self.result.type} is not a {type(t).__name__} like its operand's")
