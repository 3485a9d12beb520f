"""Linear algebra on whole arrays.

* ``%c = linalg.matmul %a, %b : array<f64, 2, C>`` -- the matrix product of an
  ``m x k`` and a ``k x n`` array of one dtype (the frontend converted both to
  NumPy's loop type and checked that the ``k`` agree): a new C-contiguous
  ``m x n`` array.  Each operand is C- or F-contiguous (the layouts BLAS takes;
  the frontend copies any other view first).  Code generation calls the BLAS
  NumPy uses for ``f32``, ``f64``, ``c64`` and ``c128`` where the process has
  one; ``lower-arrays`` makes loops of every other product (integers wrap,
  bools are ``any(a and b)``, as NumPy's own loops).
* ``%info = linalg.gesv %at, %bt : i64`` -- LAPACK's ``gesv``: solves ``a @ x = b`` for the
  ``n x n`` matrix ``a`` and the ``n x k`` matrix ``b`` of one float or complex dtype, given
  as new C-contiguous arrays of the frontend's holding them in column-major order (``at``
  is ``n x n``, ``bt`` is ``k x n``: their transposes), as LAPACK reads them: ``at`` is
  overwritten with the LU factors, ``bt`` with ``x`` (column-major: ``x.T``); ``info`` is
  LAPACK's (``> 0``: ``a`` is singular).  Code generation calls the ``LAPACKE_?gesv`` of
  NumPy's LAPACK.
"""
from __future__ import annotations

from ..core import Operation, Value
from ..diagnostics import Location
from ..interfaces import Allocate, Raise, Read, Write
from ..types import ArrayType, i64
from .array import Allocates

__all__ = ["LinalgMatmulOp", "LinalgGesvOp"]


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


class LinalgGesvOp(Operation):
    name = "linalg.gesv"

    def effects(self):
        return (Read(0), Read(1), Write(0), Write(1), Raise())

    def __init__(self, a: Value, b: Value, loc: Location | None = None, name: str | None = None):
        self._setup([a, b], [i64], loc=loc, result_names=[name])

    def verify_(self) -> None:
        if len(self.operands) != 2 or len(self.results) != 1 or self.result.type != i64:
            self.fail("takes two arrays and gives LAPACK's info, an i64")
        a, b = self.operand(0).type, self.operand(1).type
        for t in (a, b):
            if not isinstance(t, ArrayType) or t.ndim != 2 or t.layout != "C" or t.readonly:
                self.fail(f"solves with writable C-contiguous 2-d arrays, not {t}")
        if a.dtype != b.dtype or str(a.dtype) not in ("f32", "f64", "c64", "c128"):
            self.fail(f"solves in one float or complex dtype, not {a.dtype} and {b.dtype}")
