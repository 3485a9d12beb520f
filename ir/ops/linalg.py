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
  LAPACK's (``> 0``: ``a`` is singular).  Code generation calls the Fortran ``?gesv`` of
  NumPy's LAPACK.
* ``%info = linalg.lapack %m, %n, %a, %lda, %ipiv {routine = "dgetrf"} : i64`` -- a call of
  the LAPACK routine ``routine`` (Fortran interface, of NumPy's LAPACK) with the operands as
  its arguments up to ``info``, which is the op's result.  The arguments each routine takes
  are declared in :data:`LAPACK_ROUTINES` (checked by the verifier); all are passed by
  address, as Fortran takes them: a scalar operand is copied to memory of the call's own
  (an ``i8`` is a ``CHARACTER``, an ``i64`` LAPACK's integer, a float the routine's real
  type), an array operand passes its data pointer: a new C-contiguous array of the
  frontend's, holding a matrix in column-major order (a ``k x n`` C array is LAPACK's
  ``n x k`` matrix), which the routine may overwrite (so the op reads and writes every
  array operand).  Integer arrays (pivots, ``iwork``, ``rank``) are ``i64``: code
  generation needs a LAPACK with 64-bit integers (as NumPy's wheels ship) for routines
  that take one.  Workspace sizes are the frontend's: it queries them with ``lwork = -1``
  as NumPy does, so the routine runs as NumPy runs it.
"""
from __future__ import annotations

from ..core import Operation, Value
from ..diagnostics import Location
from ..interfaces import Allocate, Raise, Read, Write
from ..types import ArrayType, ComplexType, c64, c128, f32, f64, i8, i64
from .array import Allocates

__all__ = ["LinalgMatmulOp", "LinalgGesvOp", "LinalgLapackOp", "LAPACK_ROUTINES"]

#: the arguments (before ``info``) of the LAPACK routines compiled code calls, by name without
#: the type letter, for real (``s``/``d``) and complex (``c``/``z``) routines: ``c`` a character
#: (``i8``), ``i`` an integer (``i64``), ``r`` a real scalar, ``A`` an array of the routine's
#: type, ``R`` one of its real type, ``I`` one of integers (``i64``)
LAPACK_ROUTINES: dict[str, tuple[str | None, str | None]] = {
    "gesv": ("iiAiIAi", "iiAiIAi"),
    "getrf": ("iiAiI", "iiAiI"),
    "potrf": ("ciAi", "ciAi"),
    "geqrf": ("iiAiAAi", "iiAiAAi"),
    "orgqr": ("iiiAiAAi", None),
    "ungqr": (None, "iiiAiAAi"),
    "syevd": ("cciAiRAiIi", None),
    "heevd": (None, "cciAiRAiRiIi"),
    "gesdd": ("ciiAiRAiAiAiI", "ciiAiRAiAiAiRI"),
    "gelsd": ("iiiAiAiRrIAiI", "iiiAiAiRrIAiRI"),
    "geev": ("cciAiRRAiAiAi", "cciAiAAiAiAiR"),
}
_TYPES = {"s": f32, "d": f64, "c": c64, "z": c128}


def lapack_signature(routine: str):
    """``(element type, argument kinds)`` of a routine (``"dgetrf"``), or None when unknown."""
    t = _TYPES.get(routine[:1])
    kinds = LAPACK_ROUTINES.get(routine[1:])
    if t is None or kinds is None:
        return None
    kind = kinds[isinstance(t, ComplexType)]
    return None if kind is None else (t, kind)


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


class LinalgLapackOp(Operation):
    name = "linalg.lapack"

    def effects(self):
        arrays = [k for k, v in enumerate(self.operands) if isinstance(v.type, ArrayType)]
        return (*(Read(k) for k in arrays), *(Write(k) for k in arrays))

    def __init__(self, routine: str, args, loc: Location | None = None, name: str | None = None):
        self._setup(list(args), [i64], {"routine": routine}, loc=loc, result_names=[name])

    @property
    def routine(self) -> str:
        return self.attributes.get("routine", "")

    def verify_(self) -> None:
        if len(self.results) != 1 or self.result.type != i64:
            self.fail("gives LAPACK's info, an i64")
        signature = lapack_signature(self.routine) if isinstance(self.routine, str) else None
        if signature is None:
            self.fail(f"calls a LAPACK routine it knows (LAPACK_ROUTINES), not {self.routine!r}")
        t, kinds = signature
        if len(kinds) != len(self.operands):
            self.fail(f"{self.routine} takes {len(kinds)} arguments before info, not {len(self.operands)}")
        real = t.part if isinstance(t, ComplexType) else t
        for k, (kind, value) in enumerate(zip(kinds, self.operands)):
            want = {"c": i8, "i": i64, "r": real}.get(kind)
            if want is not None:
                if value.type != want:
                    self.fail(f"argument {k} of {self.routine} is a {want}, not {value.type}")
                continue
            a = value.type
            dtype = {"A": t, "R": real, "I": i64}[kind]
            if not isinstance(a, ArrayType) or a.layout != "C" or a.readonly or a.dtype != dtype:
                self.fail(f"argument {k} of {self.routine} is a writable C-contiguous array of {dtype}, not {a}")
