"""Lowering of the vector ops the vectorizer makes: ``vector.load``/``vector.store`` (at an
array element's address, see ``core``), ``vector.splat`` and ``array.overlap``.

``vector.reduce`` is lowered with the arithmetic (``arith.py``): each step is a scalar binary op.
"""
from __future__ import annotations

import llvmlite.ir as lir

from ir.ops.vector import ArrayOverlapOp, VectorLoadOp, VectorSplatOp, VectorStoreOp

from .core import (
    _I32, _I32_ZERO, _I64, _FunctionLowering, _from_memory, _itemsize, _lowers, _to_memory, memory_type, value_type,
)


@_lowers(VectorLoadOp)
def _vector_load(self: _FunctionLowering, op: VectorLoadOp) -> lir.Value:
    t = op.operand(0).type
    ptr = self._element_pointer(self.value(op.operand(0)), t, [self.value(v) for v in op.indices])
    loaded = self.b.load(ptr, typ=memory_type(op.result.type), align=_itemsize(t.dtype))
    return _from_memory(self.b, loaded, op.result.type)


@_lowers(VectorStoreOp)
def _vector_store(self: _FunctionLowering, op: VectorStoreOp) -> None:
    t = op.operand(0).type
    ptr = self._element_pointer(self.value(op.operand(0)), t, [self.value(v) for v in op.indices])
    value = op.operands[-1]
    self.b.store(_to_memory(self.b, self.value(value), value.type), ptr, align=_itemsize(t.dtype))


@_lowers(VectorSplatOp)
def _vector_splat(self: _FunctionLowering, op: VectorSplatOp) -> lir.Value:
    b, vt = self.b, value_type(op.result.type)
    one = b.insert_element(lir.Constant(vt, None), self.value(op.operand(0)), _I32_ZERO)
    mask = lir.Constant(lir.VectorType(_I32, op.result.type.width), [0] * op.result.type.width)
    return b.shuffle_vector(one, lir.Constant(vt, None), mask)


@_lowers(ArrayOverlapOp)
def _array_overlap(self: _FunctionLowering, op: ArrayOverlapOp) -> lir.Value:
    """``[start, start + size * itemsize)`` of the two arrays intersect (both non-empty)."""
    b = self.b
    spans = []
    for v in op.operands:
        array = self.value(v)
        start = b.ptrtoint(b.extract_value(array, 1), _I64)
        size = lir.Constant(_I64, _itemsize(v.type.dtype))
        for extent in self._shape(array, v.type):
            size = b.mul(size, extent)
        spans.append((start, b.add(start, size), b.icmp_signed(">", size, lir.Constant(_I64, 0))))
    (a0, a1, a_any), (b0, b1, b_any) = spans
    crossing = b.and_(b.icmp_unsigned("<", a0, b1), b.icmp_unsigned("<", b0, a1))
    return b.and_(crossing, b.and_(a_any, b_any))
