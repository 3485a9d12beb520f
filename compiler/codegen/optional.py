"""Lowering of ``optional``: the literal struct ``{present, value}`` of a tuple (``core``)."""
from __future__ import annotations

import llvmlite.ir as lir

from ir.ops.optional import MakeOptionalOp

from .core import _FunctionLowering, _lowers, value_type


@_lowers(MakeOptionalOp)
def _optional(self: _FunctionLowering, op: MakeOptionalOp) -> lir.Value:
    out = lir.Constant(value_type(op.result.type), lir.Undefined)
    for i, v in enumerate(op.operands):
        out = self.b.insert_value(out, self.value(v), i)
    return out
