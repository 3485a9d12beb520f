"""The ``licm`` pass: loop-invariant code motion.

A ``Pure`` op without regions inside a ``for`` body or a ``while`` region
whose operands are all defined outside the loop (or by ops already hoisted)
computes the same value on every iteration; it moves to just before the
loop.  Inner loops are treated first, so an op can climb several levels.

Pure ops never raise (the checks that may raise are separate ``raise_if``
ops, which stay where they are), but a few are only defined where their
check passed: integer ``//``, ``%`` and ``**`` (a zero divisor traps in
machine code, a negative exponent has no integer result).  Those are hoisted
only out of a ``while`` condition region, which runs at least once, never
out of a body that might not run.
"""
from __future__ import annotations

from ir.core import Block, Operation
from ir.ops import ConstantOp, FloorDivOp, ForOp, ModOp, PowOp, WhileOp
from ir.types import IntType

from . import OpPass, register_pass
from .manager import remark


def _defined_only_where_checked(op: Operation) -> bool:
    return isinstance(op, (FloorDivOp, ModOp, PowOp)) and isinstance(op.result.type, IntType)


@register_pass
class LoopInvariantCodeMotion(OpPass):
    name = "licm"

    def visit(self, op: Operation) -> bool:
        if isinstance(op, ForOp):
            return self._hoist(op, op.body, runs_once=False)
        if isinstance(op, WhileOp):
            return self._hoist(op, op.before, runs_once=True) | self._hoist(op, op.after, runs_once=False)
        return False

    def _hoist(self, loop: Operation, block: Block, runs_once: bool) -> bool:
        """Move the invariant ops of ``block`` (a region of ``loop``) before ``loop``."""
        inside = {id(a) for a in block.args}
        changed = False
        for op in list(block.ops):
            invariant = (op.is_pure and not op.regions and op.results
                         and all(id(v) not in inside for v in op.operands))
            if invariant and (runs_once or not _defined_only_where_checked(op)):
                op.move_before(loop)
                changed = True
                if not isinstance(op, ConstantOp):
                    remark(self, op, f"'{op.name}' hoisted out of the loop: its operands do not change in it")
            else:
                if invariant:
                    remark(self, op, f"'{op.name}' not hoisted: it is defined only where its check passed, "
                                     "and the loop might not run")
                inside.update(id(r) for r in op.results)
        return changed
