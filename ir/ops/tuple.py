"""Tuples: built from scalars and taken apart by index.

The tracer keeps tuples as Python tuples of values wherever it can; these
ops appear at function boundaries (a function returning several values).
"""
from __future__ import annotations

from ..core import Operation, Pure, Value
from ..diagnostics import Location, VerificationError
from ..interfaces import BORROWS, Ownership
from ..types import TupleType

__all__ = ["MakeTupleOp", "TupleGetOp"]


class MakeTupleOp(Operation):
    name = "tuple"
    traits = frozenset({Pure})

    def ownership(self, index: int) -> Ownership:
        """Aliases (parts of) its operands: holds no reference of its own."""
        return BORROWS

    def __init__(self, elements: list[Value], loc: Location | None = None, name: str | None = None):
        self._setup(elements, [TupleType(tuple(v.type for v in elements))], loc=loc, result_names=[name])

    def verify_(self) -> None:
        t = self.result.type
        if not isinstance(t, TupleType) or t.elements != tuple(v.type for v in self.operands):
            self.fail(f"result type {t} does not match operand types")


class TupleGetOp(Operation):
    name = "tuple_get"
    traits = frozenset({Pure})

    def ownership(self, index: int) -> Ownership:
        """Aliases (parts of) its operands: holds no reference of its own."""
        return BORROWS

    def __init__(self, tup: Value, index: int, loc: Location | None = None, name: str | None = None):
        t = tup.type
        if not isinstance(t, TupleType) or not 0 <= index < len(t.elements):
            raise VerificationError(f"'tuple_get' of index {index} on a value of type {t}")
        self._setup([tup], [t.elements[index]], {"index": index}, loc=loc, result_names=[name])

    @property
    def index(self) -> int:
        return self.attributes["index"]

    def verify_(self) -> None:
        if len(self.operands) != 1 or len(self.results) != 1:
            self.fail("expects 1 operand and 1 result")
        t = self.operand(0).type
        i = self.attributes.get("index")
        if not isinstance(t, TupleType) or not isinstance(i, int) or not 0 <= i < len(t.elements):
            self.fail(f"index {i!r} is not valid for {t}")
        elif self.result.type != t.elements[i]:
            self.fail(f"result type {self.result.type} is not element {i} of {t}")
