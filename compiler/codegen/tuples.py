"""Lowering of the tuple ops: a tuple is a literal struct of its elements' values (``core``)."""
from __future__ import annotations

import llvmlite.ir as lir

from ir.ops.tuple import MakeTupleOp, TupleGetOp

from .core import _FunctionLowering, _lowers, value_type


@_lowers(MakeTupleOp)
def _tuple(self: _FunctionLowering, op: MakeTupleOp) -> lir.Value:
    out = lir.Constant(value_type(op.result.type), lir.Undefined)
    for i, v in enumerate(op.operands):
        out = self.b.insert_value(out, self.value(v), i)
    return out


@_lowers(TupleGetOp)
def _tuple_get(self: _FunctionLowering, op: TupleGetOp) -> lir.Value:
    return self.b.extract_value(self.value(op.operand(0)), op.index)
