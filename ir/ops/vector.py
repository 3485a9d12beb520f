"""Vector ops: several consecutive array elements at once (what the vectorizer makes).

* ``%v = vector.load %a, %i : vector<4 x f64>`` -- elements ``i .. i+3`` of a
  1-d C-contiguous array (all in range: the vectorizer only makes it where
  the loop bounds say so);
* ``vector.store %a, %i, %v`` -- the same elements, written;
* ``%v = vector.splat %x : vector<4 x f64>`` -- a scalar in every lane;
* ``%r = vector.reduce %v {kind = "add"} : f64`` -- the lanes combined with a
  binary op (``add``, ``mul``, ``min``, ``max``, ``and``, ``or``, ``xor``), in
  lane order: ``((v0 op v1) op v2) op ...``;
* ``%o = array.overlap %a, %b : bool`` -- whether the memory of two 1-d
  C-contiguous arrays shares a byte (the vectorizer's run-time alias check).

The element-wise arithmetic ops (``add``, ``mul``, ``min``, ``neg``, ...)
accept vector types of the element types they accept, lane by lane.
"""
from __future__ import annotations

from ..core import Operation, Pure, ReadsMemory, Value, WritesMemory
from ..diagnostics import Location
from ..types import ArrayType, VectorType, bool_, i64
from .arith import BINARY_OPS

__all__ = ["VectorLoadOp", "VectorStoreOp", "VectorSplatOp", "VectorReduceOp", "ArrayOverlapOp",
           "REDUCTION_KINDS"]

#: the binary ops ``vector.reduce`` combines lanes with
REDUCTION_KINDS = ("add", "mul", "min", "max", "and", "or", "xor")


def _contiguous_1d(op: Operation, value: Value) -> ArrayType:
    t = value.type
    if not isinstance(t, ArrayType) or t.ndim != 1 or t.layout != "C":
        op.fail(f"needs a 1-d C-contiguous array, not {t}")
    return t


class VectorLoadOp(Operation):
    name = "vector.load"
    traits = frozenset({ReadsMemory})

    def __init__(self, array: Value, index: Value, width: int, loc: Location | None = None):
        self._setup([array, index], [VectorType(array.type.dtype, width)], loc=loc)

    def verify_(self) -> None:
        if len(self.operands) != 2 or len(self.results) != 1:
            self.fail("expects an array, an index and 1 result")
        t = _contiguous_1d(self, self.operand(0))
        r = self.result.type
        if self.operand(1).type != i64 or not isinstance(r, VectorType) or r.element != t.dtype:
            self.fail(f"loads a vector of {t.dtype} at an i64 index, not {r}")


class VectorStoreOp(Operation):
    name = "vector.store"
    traits = frozenset({WritesMemory})

    def __init__(self, array: Value, index: Value, value: Value, loc: Location | None = None):
        self._setup([array, index, value], [], loc=loc)

    def verify_(self) -> None:
        if len(self.operands) != 3 or self.results:
            self.fail("expects an array, an index and a vector")
        t = _contiguous_1d(self, self.operand(0))
        v = self.operand(2).type
        if self.operand(1).type != i64 or not isinstance(v, VectorType) or v.element != t.dtype:
            self.fail(f"stores a vector of {t.dtype} at an i64 index, not {v}")
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
            _contiguous_1d(self, v)
