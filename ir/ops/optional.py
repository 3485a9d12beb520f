"""A value that may be None, at a function's boundary.

* ``%r = optional %present, %x : optional<T>`` -- ``x`` if ``present``, else None;
  ``x`` is then a placeholder that nothing reads.  ``tuple_get`` takes it apart
  (index 0: ``present``, index 1: the value), as an ``optional<T>`` is the tuple
  ``(present, value)`` (see :class:`ir.types.OptionalType`).

The frontend keeps an optional value as its two parts while it traces a
function; these ops appear only where one is returned and where a call's
result is one.
"""
from __future__ import annotations

from ..core import Operation, Pure, Value
from ..diagnostics import Location
from ..interfaces import BORROWS, Ownership
from ..types import BoolType, OptionalType, optional

__all__ = ["MakeOptionalOp"]


class MakeOptionalOp(Operation):
    name = "optional"
    traits = frozenset({Pure})

    def ownership(self, index: int) -> Ownership:
        """Aliases its value operand: holds no reference of its own (as ``tuple``)."""
        return BORROWS

    def __init__(self, present: Value, value: Value, loc: Location | None = None, name: str | None = None):
        self._setup([present, value], [optional(value.type)], loc=loc, result_names=[name])

    def verify_(self) -> None:
        if len(self.operands) != 2 or len(self.results) != 1:
            self.fail("expects 2 operands and 1 result")
        elif not isinstance(self.operand(0).type, BoolType):
            self.fail(f"the present flag has type {self.operand(0).type}, not bool")
        elif self.result.type != optional(self.operand(1).type):
            self.fail(f"result type {self.result.type} is not optional<{self.operand(1).type}>")
