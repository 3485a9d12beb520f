"""Vector ops: several consecutive array elements at once (what the vectorizer makes).

* ``%v = vector.load %a, %i, %j : vector<4 x f64>`` -- elements ``a[i, j .. j+3]``
  of a C-contiguous array (consecutive in memory along the last axis; all in
  range: the vectorizer only makes it where the loop bounds say so), one index
  per axis;
* ``vector.store %a, %i, %j, %v`` -- the same elements, written;
* ``%v = vector.splat %x : vector<4 x f64>`` -- a scalar in every lane;
* ``%r = vector.reduce %v {kind = "add"} : f64`` -- the lanes combined with a
  binary op (``add``, ``mul``, ``min``, ``max``, ``and``, ``or``, ``xor``), in
  lane order: ``((v0 op v1) op v2) op ...``;
* ``%o = array.overlap %a, %b : bool`` -- whether the memory of two arrays
  may share a byte (the vectorizer's run-time alias check; for strided arrays,
  whether the spans from their lowest to their highest element intersect).

The element-wise arithmetic ops (``add``, ``mul``, ``min``, ``neg``, ...), the
comparisons (giving vectors of ``bool``) and ``select`` accept vector types of
the element types they accept, lane by lane.
"""
from __future__ import annotations

from typing import Sequence

from ..core import Operation, Pure, ReadsMemory, Value, WritesMemory
from ..diagnostics import Location
from ..interfaces import Read, Write
from ..types import ArrayType, VectorType, bool_, i64
from .arith import BINARY_OPS

__all__ = ["VectorLoadOp", "VectorStoreOp", "VectorSplatOp", "VectorReduceOp", "ArrayOverlapOp",
           "REDUCTION_KINDS"]

#: the binary ops ``vector.reduce`` combines lanes with
REDUCTION_KINDS = ("add", "mul", "min", "max", "and", "or", "xor")


def _contiguous(op: Operation, value: Value) -> ArrayType:
    t = value.type
    if not isinstance(t, ArrayType) or t.ndim < 1 or t.layout != "C":
        op.fail(f"needs a C-contiguous array, not {t}")
    return t


def _check_indices(op: Operation, t: ArrayType, indices: Sequence[Value]) -> None:
    if len(indices) != t.ndim or any(v.type != i64 for v in indices):
        op.fail(f"needs {t.ndim} i64 index(es) into {t}, one per axis")


class VectorLoadOp(Operation):
    name = "vector.load"
    traits = frozenset({ReadsMemory})

    def effects(self):
        return (Read(0),)

    def __init__(self, array: Value, indices: Value | Sequence[Value], width: int, loc: Location | None = None):
        indices = [indices] if isinstance(indices, Value) else list(indices)
        self._setup([array, *indices], [VectorType(array.type.dtype, width)], loc=loc)

    @property
    def indices(self) -> tuple[Value, ...]:
        return self.operands[1:]

    def verify_(self) -> None:
        if len(self.operands) < 2 or len(self.results) != 1:
            self.fail("expects an array, its indices and 1 result")
        t = _contiguous(self, self.operand(0))
        _check_indices(self, t, self.indices)
        r = self.result.type
        if not isinstance(r, VectorType) or r.element != t.dtype:
            self.fail(f"loads a vector of {t.dtype}, not {r}")


class VectorStoreOp(Operation):
    name = "vector.store"
    traits = frozenset({WritesMemory})

    def effects(self):
        return (Write(0),)

    def __init__(self, array: Value, indices: Value | Sequence[Value], value: Value, loc: Location | None = None):
        indices = [indices] if isinstance(indices, Value) else list(indices)
        self._setup([array, *indices, value], [], loc=loc)

    @property
    def indices(self) -> tuple[Value, ...]:
        return self.operands[1:-1]

    def verify_(self) -> None:
        if len(self.operands) < 3 or self.results:
            self.fail("expects an array, its indices and a vector")
        t = _contiguous(self, self.operand(0))
        _check_indices(self, t, self.indices)
        v = self.operands[-1].type
        if not isinstance(v, VectorType) or v.element != t.dtype:
            self.fail(f"stores a vector of {t.dtype}, not {v}")
        if t.readonly:
            self.fail("cannot store into a read-only array")


class VectorSplatOp(Operation):
    name = "vector.splat"
    traits = frozenset({Pure})

    def __init__(self, value: Value, width: int, loc: Location | None = None):
        self._setup([value], [VectorType(value.type, width)], loc=loc)

    def verify_(self) -> None:
        r = self.result.type
        if len(self.operands) != 1 or not isinstance(r, VectorType) or r.element != self.operand(0).type:
            self.fail("makes a vector of its operand's type")


class VectorReduceOp(Operation):
    name = "vector.reduce"
    traits = frozenset({Pure})

    def __init__(self, vector: Value, kind: str, loc: Location | None = None):
        self._setup([vector], [vector.type.element], {"kind": kind}, loc=loc)

    @property
    def kind(self) -> str:
        return self.attributes.get("kind")

    def verify_(self) -> None:
        if len(self.operands) != 1 or len(self.results) != 1:
            self.fail("expects a vector and 1 result")
        v = self.operand(0).type
        if not isinstance(v, VectorType) or self.result.type != v.element:
            self.fail(f"combines the lanes of a vector into its element type, not {v} into {self.result.type}")
        if self.kind not in REDUCTION_KINDS:
            self.fail(f"kind must be one of {', '.join(REDUCTION_KINDS)}, not {self.kind!r}")
        if not isinstance(v.element, BINARY_OPS[self.kind].kinds):
            self.fail(f"'{self.kind}' does not accept {v.element}")


class ArrayOverlapOp(Operation):
    name = "array.overlap"
    traits = frozenset({Pure})

    def __init__(self, a: Value, b: Value, loc: Location | None = None):
        self._setup([a, b], [bool_], loc=loc)

    def verify_(self) -> None:
        if len(self.operands) != 2 or len(self.results) != 1 or self.result.type != bool_:
            self.fail("expects 2 arrays and a bool result")
        for v in self.operands:
            if not isinstance(v.type, ArrayType):
                self.fail(f"needs arrays, not {v.type}")
