"""Linear algebra on whole arrays.

* ``%c = linalg.matmul %a, %b : array<f64, 2, C>`` -- the matrix product of an
  ``m x k`` and a ``k x n`` array of one dtype (the frontend converted both to
  NumPy's loop type and checked that the ``k`` agree): a new C-contiguous
  ``m x n`` array.  Each operand is C- or F-contiguous (the layouts BLAS takes;
  the frontend copies any other view first).  Code generation calls the BLAS
  NumPy uses for ``f32``, ``f64``, ``c64`` and ``c128`` where the process has
  one; ``lower-arrays`` makes loops of every other product (integers wrap,
  bools are ``any(a and b)``, as NumPy's own loops).
"""
from __future__ import annotations

from ..core import Operation, Value
from ..diagnostics import Location
from ..interfaces import Allocate, Raise, Read
from ..types import ArrayType
from .array import Allocates

__all__ = ["LinalgMatmulOp"]


class LinalgMatmulOp(Operation):
    name = "linalg.matmul"
    traits = frozenset({Allocates})

    def effects(self):
        return (Read(0), Read(1), Allocate(0), Raise())

    def __init__(self, a: Value, b: Value, loc: Location | None = None, name: str | None = None):
        self._setup([a, b], [ArrayType(a.type.dtype, 2, "C")], loc=loc, result_names=[name])

    def verify_(self) -> None:
        if len(self.operands) != 2 or len(self.results) != 1:
            self.fail("takes two arrays and gives one")
        a, b, r = self.operand(0).type, self.operand(1).type, self.result.type
        for t in (a, b):
            if not isinstance(t, ArrayType) or t.ndim != 2 or t.layout not in ("C", "F"):
                self.fail(f"multiplies C- or F-contiguous 2-d arrays, not {t}")
        if a.dtype != b.dtype or r != ArrayType(a.dtype, 2, "C"):
            self.fail(f"the operands and the result have one dtype: {a}, {b} -> {r}")
