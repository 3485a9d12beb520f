"""C pointers: an array view of the memory a C caller passes to a callback.

* ``%a = ptr.array %p, %d0, %d1 {layout = "C"} : array<f64, 2, C>`` -- the array
  of extents ``%d0, %d1`` (``i64``, non-negative: the frontend checks) whose
  data starts at the pointer ``%p`` (``ptr<f64>``, or ``ptr<void>`` read as the
  result's element type), C-contiguous (``layout = "C"``, ``compiler.carray``)
  or Fortran-contiguous (``"F"``, ``compiler.farray``).  The memory is the
  caller's: the view has a null meminfo (nothing to count, as an array lent by
  a caller) and is writable.

A pointer is only ever an argument of a ``compiler.cfunc`` callback
(``ir.types.PointerType``); this op is how compiled code reads it.
"""
from __future__ import annotations

from typing import Sequence

from ..core import Operation, Pure, Value
from ..diagnostics import Location
from ..interfaces import NULL, Ownership
from ..types import ArrayType, PointerType, i64

__all__ = ["PointerArrayOp"]


class PointerArrayOp(Operation):
    name = "ptr.array"
    traits = frozenset({Pure})

    def ownership(self, index: int) -> Ownership:
        """The caller's memory: nothing to count."""
        return NULL

    def __init__(self, pointer: Value, extents: Sequence[Value], result: ArrayType,
                 loc: Location | None = None, name: str | None = None):
        self._setup([pointer, *extents], [result], {"layout": result.layout}, loc=loc, result_names=[name])

    @property
    def layout(self) -> str:
        return self.attributes["layout"]

    def verify_(self) -> None:
        if not self.operands or len(self.results) != 1:
            self.fail("expects a pointer, its extents and 1 result")
        p, t = self.operand(0).type, self.result.type
        if not isinstance(p, PointerType):
            self.fail(f"expects a pointer operand, not {p}")
        if not isinstance(t, ArrayType) or t.readonly or t.layout not in ("C", "F") or not t.dtype.is_scalar:
            self.fail(f"makes a writable C or F array of numbers, not {t}")
        if self.attributes.get("layout") != t.layout:
            self.fail(f"the layout attribute {self.attributes.get('layout')!r} is not the result's {t.layout!r}")
        if len(self.operands) - 1 != t.ndim:
            self.fail(f"a {t.ndim}-d array takes {t.ndim} extents, not {len(self.operands) - 1}")
        if any(v.type != i64 for v in self.operands[1:]):
            self.fail("extents must be i64")
        if p.pointee is not None and p.pointee != t.dtype:
            self.fail(f"a view of a {p} has elements of type {p.pointee}, not {t.dtype}")
