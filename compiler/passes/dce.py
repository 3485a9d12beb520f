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
  ``condition`` and the body's ``yield``;
* scalar results of ``if``, ``for`` and ``while`` that no effect depends on
  (:func:`live_values`), also where they only feed each other in a cycle
  through nested regions: a variable a loop carries through an inner ``if``
  and an inner loop (a flag saying whether it was assigned, say) that is
  never read after the loop.  Their remaining users are dead too; they get a
  placeholder constant and go in the next sweep.
"""
from __future__ import annotations

from ir import Module
from ir.core import (
    Block, BlockArgument, HasSideEffects, MayRaise, Operation, ReadsMemory, Terminator, Value, WritesMemory,
)
from ir.ops import ConditionOp, ConstantOp, ForOp, FuncOp, IfOp, WhileOp, YieldOp
from ir.types import BoolType, ComplexType, FloatType, IntType

from .base import register_pass


def _free_itself(op: Operation) -> bool:
    """The op, not counting what its regions hold, could go if its results were unused."""
    if any(op.has_trait(t) for t in (MayRaise, HasSideEffects, WritesMemory, Terminator)):
        return False
    return not op.regions or isinstance(op, (IfOp, ForOp))


def has_no_effect(op: Operation) -> bool:
    """The op (with everything nested in it) could be removed if its results were unused."""
    return _free_itself(op) and all(has_no_effect(inner) or inner.has_trait(Terminator)
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
        # one liveness pass finds every dead slot (deadness is already transitive in it)
        changed = any([_drop_dead_slots(func) for func in module])
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


# ---------------------------------------------------------------- liveness
def live_values(func: FuncOp) -> set[Value]:
    """The values some effect of ``func`` depends on: the operands of ops that must stay
    (effects, ``return``, a ``while``'s ``condition``, the control operands of regions
    that hold effects), and, backwards, everything they are computed from -- through a
    region op's result to what its regions yield, through a loop's carried value to its
    init and to what the previous trip yields."""
    live: set[Value] = set()
    work: list[Value] = []

    def mark(*values: Value) -> None:
        for v in values:
            if v not in live:
                live.add(v)
                work.append(v)

    for op, effect_free in _effect_freedom(func.body):
        if isinstance(op, YieldOp):
            continue
        if isinstance(op, ConditionOp):
            mark(op.operand(0))
        elif effect_free:
            continue
        elif isinstance(op, IfOp):    # effects inside: which of them run depends on these
            mark(op.cond)
        elif isinstance(op, ForOp):
            mark(op.lower, op.upper, op.step)
        elif not isinstance(op, WhileOp):
            mark(*op.operands)
    while work:
        value = work.pop()
        if isinstance(value, BlockArgument):
            _mark_argument(value, mark)
        else:
            _mark_result(value.owner, value.index, mark)
    return live


def _effect_freedom(block: Block) -> list[tuple[Operation, bool]]:
    """``(op, has_no_effect(op))`` for every op nested in ``block``, computed once per op
    (inner regions first) instead of again for each enclosing op."""
    found: list[tuple[Operation, bool]] = []

    def visit(inner_block: Block) -> bool:   # whether every op of the block is effect-free
        all_free = True
        for op in inner_block.ops:
            regions_free = all([visit(region.block) for region in op.regions])
            free = _free_itself(op) and regions_free
            found.append((op, free))
            all_free &= free or op.has_trait(Terminator)
        return all_free

    visit(block)
    return found


def _mark_result(op: Operation, k: int, mark) -> None:
    if isinstance(op, IfOp):
        mark(op.cond, op.then_block.terminator.operand(k), op.else_block.terminator.operand(k))
    elif isinstance(op, ForOp):
        mark(op.lower, op.upper, op.step, op.inits[k], op.body.terminator.operand(k))
    elif isinstance(op, WhileOp):
        mark(op.before.terminator.operand(1 + k))
    else:
        mark(*op.operands)


def _mark_argument(arg: BlockArgument, mark) -> None:
    op, k = arg.block.parent_op, arg.index
    if isinstance(op, ForOp):
        if k == 0:
            mark(op.lower, op.upper, op.step)
        else:
            mark(op.inits[k - 1], op.body.terminator.operand(k - 1))
    elif isinstance(op, WhileOp):
        if arg.block is op.before:
            mark(op.operand(k), op.after.terminator.operand(k))
        else:
            mark(op.before.terminator.operand(1 + k))


def _drop_dead_slots(func: FuncOp) -> bool:
    """Remove the scalar result slots of region ops that :func:`live_values` does not reach."""
    live = live_values(func)
    changed = False
    for op in list(func.body.walk()):
        if not isinstance(op, (IfOp, ForOp, WhileOp)):
            continue
        for k in reversed(range(len(op.results))):
            if op.results[k] in live or not _scalar(op.results[k]):
                continue
            if isinstance(op, ForOp):
                if op.iter_args[k] in live:
                    continue
                _replace_by_placeholder(op.iter_args[k], op.body, 0)
                _drop_operand(op.body.terminator, k)
                op.body.erase_arg(k + 1)
                _drop_operand(op, 3 + k)
            elif isinstance(op, WhileOp):
                if op.before.args[k] in live or op.after.args[k] in live:
                    continue
                for block in (op.before, op.after):
                    _replace_by_placeholder(block.args[k], block, 0)
                _drop_operand(op.before.terminator, 1 + k)
                _drop_operand(op.after.terminator, k)
                op.before.erase_arg(k)
                op.after.erase_arg(k)
                _drop_operand(op, k)
            else:
                for block in (op.then_block, op.else_block):
                    _drop_operand(block.terminator, k)
            _replace_by_placeholder(op.results[k], op.parent, op.parent.index_of(op) + 1)
            op.erase_result(k)
            changed = True
    return changed


def _scalar(value: Value) -> bool:
    return isinstance(value.type, (BoolType, IntType, FloatType, ComplexType))


def _replace_by_placeholder(value: Value, block: Block, index: int) -> None:
    """Let the (dead) users of ``value`` use a constant instead, so that it can go."""
    if not value.uses:
        return
    zero = {BoolType: False, IntType: 0, FloatType: 0.0, ComplexType: 0j}[type(value.type)]
    const = block.insert(index, ConstantOp(zero, value.type))
    value.replace_all_uses_with(const.result)
