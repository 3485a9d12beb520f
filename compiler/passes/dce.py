"""The ``dce`` pass: dead-code elimination.

Removed, until nothing more goes:

* ops whose results are unused and that have no effect: ``Pure`` ops
  (constants, arithmetic, casts, ``select``, tuples) and reads of memory
  (``array.load``, ``array.dim``) -- but never an op that may raise
  (``raise_if``, an allocation that may fail with ``MemoryError``, a
  ``call``): removing it would hide a run-time error CPython raises;
* ``if`` and ``for`` ops whose results are unused and whose regions hold only
  removable ops (a ``for`` always ends: its trip count is fixed on entry); a
  ``while`` is kept, since it may not end and CPython would not end either;
* unused results of ``if`` (with the values their branches yield);
* loop-carried values that nothing needs: the loop's result is unused and,
  inside the loop, the value only flows back into its own slot -- for a
  ``for``, the body's ``yield``; for a ``while``, the condition region's
  ``condition`` and the body's ``yield``.
"""
from __future__ import annotations

from ir import Module
from ir.core import HasSideEffects, MayRaise, Operation, ReadsMemory, Terminator, WritesMemory
from ir.ops import ForOp, IfOp, WhileOp

from . import register_pass


def has_no_effect(op: Operation) -> bool:
    """The op (with everything nested in it) could be removed if its results were unused."""
    if any(op.has_trait(t) for t in (MayRaise, HasSideEffects, WritesMemory, Terminator)):
        return False
    if op.regions and not isinstance(op, (IfOp, ForOp)):
        return False
    return all(has_no_effect(inner) or inner.has_trait(Terminator)
               for region in op.regions for inner in region.block.ops)


def _removable(op: Operation) -> bool:
    if any(r.uses for r in op.results):
        return False
    if op.regions:
        return has_no_effect(op)
    return op.is_pure or (op.has_trait(ReadsMemory) and has_no_effect(op))


@register_pass
class DeadCodeElimination:
    name = "dce"

    def run(self, module: Module) -> bool:
        changed = False
        progress = True
        while progress:
            progress = False
            for func in module:
                progress |= self._sweep(func.body)
            changed |= progress
        return changed

    def _sweep(self, block) -> bool:
        """One backward sweep over ``block`` and, first, the blocks nested in it."""
        changed = False
        for op in reversed(list(block.ops)):
            for region in op.regions:
                changed |= self._sweep(region.block)
            if _removable(op):
                op.erase()
                changed = True
            elif isinstance(op, IfOp):
                changed |= _prune_if_results(op)
            elif isinstance(op, ForOp):
                changed |= _prune_for_carried(op)
            elif isinstance(op, WhileOp):
                changed |= _prune_while_carried(op)
        return changed


def _prune_if_results(op: IfOp) -> bool:
    dead = [i for i, r in enumerate(op.results) if not r.uses]
    for i in reversed(dead):
        for block in (op.then_block, op.else_block):
            _drop_operand(block.terminator, i)
        op.erase_result(i)
    return bool(dead)


def _prune_for_carried(op: ForOp) -> bool:
    changed = False
    for i in reversed(range(len(op.results))):
        arg = op.iter_args[i]
        yield_op = op.body.terminator
        if op.results[i].uses or any(user is not yield_op or index != i for user, index in arg.uses):
            continue
        _drop_operand(yield_op, i)
        op.body.erase_arg(i + 1)
        op.erase_result(i)
        _drop_operand(op, 3 + i)
        changed = True
    return changed


def _prune_while_carried(op: WhileOp) -> bool:
    changed = False
    for i in reversed(range(len(op.results))):
        condition, yield_op = op.before.terminator, op.after.terminator
        before_ok = all(user is condition and index == 1 + i for user, index in op.before.args[i].uses)
        after_ok = all(user is yield_op and index == i for user, index in op.after.args[i].uses)
        if op.results[i].uses or not (before_ok and after_ok):
            continue
        _drop_operand(yield_op, i)
        _drop_operand(condition, 1 + i)
        op.before.erase_arg(i)
        op.after.erase_arg(i)
        op.erase_result(i)
        _drop_operand(op, i)
        changed = True
    return changed


def _drop_operand(op: Operation, index: int) -> None:
    values = list(op.operands)
    del values[index]
    op.set_operands(values)
