"""Lowering of the ops that end a function or propagate its status: ``return``,
``call`` and ``raise_if`` (the status ABI: ``core``'s docstring).

Decisions:

* ``raise_if`` branches to a cold block (branch weights 1:99);
* the cleanup region of a ``raise_if`` or ``call`` (the arrays the
  ``refcount`` pass releases on the error path) is lowered on the failing
  branch, just before it returns the status -- for a ``call``, also on the
  ``RecursionError`` branch of the stack check (``core``'s docstring).
"""
from __future__ import annotations

import llvmlite.ir as lir

from ir.ops.arith import RaiseIfOp
from ir.ops.func import CallOp, ReturnOp
from ir.types import FloatType, IntType, Type

from .core import (
    _I32, _I64, _STATUS, _FunctionLowering, _from_memory, _lowers, _to_memory, memory_type, stack_limit_slot,
)


@_lowers(ReturnOp)
def _return(self: _FunctionLowering, op: ReturnOp) -> None:
    if op.value is not None:
        self.b.store(_to_memory(self.b, self.value(op.value), op.value.type), self.ret_ptr)
    self.b.ret(lir.Constant(_STATUS, 0))


@_lowers(CallOp)
def _call(self: _FunctionLowering, op: CallOp) -> lir.Value | None:
    """Call with a stack slot for the result; a non-zero status is returned at once."""
    b = self.b
    callee = self.module.ir_module[op.callee]
    slot = self.stack_slot(memory_type(callee.result_type))
    if self.func.sym_name in self.module.reachable_from(op.callee):  # a recursive call: the stack check
        too_deep = self.error_status("RecursionError", "maximum recursion depth exceeded", op.loc)
        limit = b.load(stack_limit_slot(b, self.err_ptr), typ=_I64)
        with b.if_then(b.icmp_unsigned("<", b.ptrtoint(slot, _I64), limit), likely=False):
            self._fail(op, too_deep)
    status = b.call(self.module.functions[op.callee], [slot, self.err_ptr, *(self.value(v) for v in op.operands)])
    with b.if_then(b.icmp_unsigned("!=", status, lir.Constant(_STATUS, 0)), likely=False):
        self._fail(op, status)
    if not op.results:
        return None
    t = op.result.type
    return _from_memory(b, b.load(slot, typ=memory_type(t)), t)


@_lowers(RaiseIfOp)
def _raise_if(self: _FunctionLowering, op: RaiseIfOp) -> None:
    """Cold branch: store the message arguments, return the status of the error site
    (in the module's own table, see ``core``)."""
    b = self.b
    status = self.error_status(op.attributes["exception"], op.attributes["message"], op.loc,
                               [a.type for a in op.args])
    with b.if_then(self.value(op.cond), likely=False):
        for i, arg in enumerate(op.args):
            slot = b.gep(self.err_ptr, [lir.Constant(_I64, i)], inbounds=True, source_etype=_I64)
            b.store(_to_slot(b, self.value(arg), arg.type), slot)
        self._fail(op, status)


def _to_slot(b: lir.IRBuilder, v: lir.Value, t: Type) -> lir.Value:
    """An error-message argument as its 8-byte slot value."""
    if isinstance(t, FloatType):
        if t.bits == 32:
            return b.zext(b.bitcast(v, _I32), _I64)
        return b.bitcast(v, _I64)
    if v.type.width == 64:
        return v
    return b.sext(v, _I64) if isinstance(t, IntType) and t.signed else b.zext(v, _I64)
