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
    """The byte spans of the two arrays intersect (both non-empty): ``[data, data + size *
    itemsize)`` for C and F layouts; for any strides, from the lowest to just past the highest
    element address (``data + sum((n - 1) * stride)`` over the negative, resp. positive, strides).
    An array's span is computed once per basic block (an assignment tests the target
    against each input in a row)."""
    spans = [_span(self, v) for v in op.operands]
    (a0, a1, a_any), (b0, b1, b_any) = spans
    b = self.b
    crossing = b.and_(b.icmp_unsigned("<", a0, b1), b.icmp_unsigned("<", b0, a1))
    return b.and_(crossing, b.and_(a_any, b_any))


def _span(self: _FunctionLowering, v) -> tuple[lir.Value, lir.Value, lir.Value]:
    """``(lowest address, just past the highest, non-empty)`` of array ``v``, as integers."""
    b = self.b
    known = self.spans.get(v)
    if known is not None and known[0] is b.basic_block:
        return known[1]
    zero = lir.Constant(_I64, 0)
    array, t = self.value(v), v.type
    start = b.ptrtoint(b.extract_value(array, 1), _I64)
    shape = self._shape(array, t)
    size = lir.Constant(_I64, _itemsize(t.dtype))
    for extent in shape:
        size = b.mul(size, extent)
    if t.layout in ("C", "F") or t.ndim == 0:
        low, high = start, b.add(start, size)
    else:
        low, high = start, b.add(start, lir.Constant(_I64, _itemsize(t.dtype)))
        for extent, stride in zip(shape, self._strides(array, t)):
            reach = b.mul(b.sub(extent, lir.Constant(_I64, 1)), stride)
            negative = b.icmp_signed("<", reach, zero)
            low = b.add(low, b.select(negative, reach, zero))
            high = b.add(high, b.select(negative, zero, reach))
    span = (low, high, b.icmp_signed(">", size, zero))
    self.spans[v] = (b.basic_block, span)
    return span
