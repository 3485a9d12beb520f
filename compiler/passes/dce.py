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

The pass names no op class: what an op does it asks ``ir.interfaces`` --
``effects`` (an op whose own effects are reads at most may go; ``Raise``,
``Write``, ``Global`` and a ``while``'s ``Diverge`` keep it), ``RecursiveEffects``
(a region op is as effect-free as its regions), and for region ops the declared
data flow (``control_operands``, ``flow``, ``slots``): what is carried with each
result, which values become which result or block argument.  A new loop-like
op that declares its flow is pruned and analysed like ``for`` and ``while``.
"""
from __future__ import annotations

from ir import Module
from ir.core import Block, BlockArgument, Operation, Terminator, Value
from ir.interfaces import (
    Read, RecursiveEffects, control_operands, effects, is_region_branch, only_reads, slots, sources_of_argument,
    sources_of_result,
)
from ir.ops import ConstantOp, FuncOp
from ir.rewriting import Rewriter
from ir.types import BoolType, ComplexType, FloatType, IntType

from .base import changes_of, register_pass


def _free_itself(op: Operation) -> bool:
    """The op, not counting what its regions hold, could go if its results were unused:
    its own effects are reads at most (``ir.interfaces.effects``), it is no terminator,
    and its regions (if any) run as part of it (``RecursiveEffects``; a ``while``
    declares ``Diverge`` itself, a cleanup region does not run on the normal path)."""
    if op.has_trait(Terminator) or not only_reads(op):
        return False
    return not op.regions or op.has_trait(RecursiveEffects)


def has_no_effect(op: Operation) -> bool:
    """The op (with everything nested in it) could be removed if its results were unused."""
    return _free_itself(op) and all(has_no_effect(inner) or inner.has_trait(Terminator)
                                    for region in op.regions for inner in region.block.ops)


def _removable(op: Operation) -> bool:
    if any(r.uses for r in op.results) or op.has_trait(Terminator):
        return False
    if op.regions:
        return has_no_effect(op)
    own = effects(op)
    return not own or (any(isinstance(e, Read) for e in own) and has_no_effect(op))


@register_pass
class DeadCodeElimination:
    name = "dce"

    def run(self, module: Module) -> bool:
        rewriter = Rewriter(changes_of(self))
        # one liveness pass finds every dead slot (deadness is already transitive in it)
        changed = any([_drop_dead_slots(func, rewriter) for func in module])
        progress = True
        while progress:
            progress = False
            for func in module:
                progress |= self._sweep(func.body, rewriter)
            changed |= progress
        return changed

    def _sweep(self, block: Block, rewriter: Rewriter) -> bool:
        """One backward sweep over ``block`` and, first, the blocks nested in it."""
        changed = False
        for op in reversed(list(block.ops)):
            for region in op.regions:
                changed |= self._sweep(region.block, rewriter)
            if _removable(op):
                rewriter.erase(op)
                changed = True
            elif is_region_branch(op):
                changed |= _prune_slots(op, rewriter)
        return changed


def _prune_slots(op: Operation, rewriter: Rewriter) -> bool:
    """Drop the result slots (``ir.interfaces.Slot``) of the region op ``op`` that nothing
    needs: the result is unused and each of the slot's block arguments is used only by
    the slot's own terminator operands (the value only flows back into its own slot)."""
    changed = False
    for k in reversed(range(len(op.results))):
        slot = slots(op)[k]
        own = {(id(op.regions[r].block.terminator), i) for r, i in slot.yields}
        if op.results[k].uses or any((id(user), index) not in own
                                     for r, j in slot.args for user, index in op.regions[r].block.args[j].uses):
            continue
        _drop_slot(op, k)
        rewriter.modified(op)
        changed = True
    return changed


def _drop_slot(op: Operation, k: int) -> None:
    """Remove slot ``k`` of ``op``: its terminator operands, block arguments, operand and result.
    (The uses of its block arguments and result must be gone.)"""
    slot = slots(op)[k]
    for r, i in sorted(slot.yields, key=lambda y: -y[1]):
        _drop_operand(op.regions[r].block.terminator, i)
    for r, j in slot.args:
        op.regions[r].block.erase_arg(j)
    if slot.operand is not None:
        _drop_operand(op, slot.operand)
    op.erase_result(k)


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
        parent = op.parent_op if op.has_trait(Terminator) else None
        if parent is not None and is_region_branch(parent):
            # what a region op's terminator forwards is live only if its target is; an
            # operand it forwards nowhere (a ``condition``'s test) decides the control flow
            flowing = _forwarded(parent, op)
            mark(*(v for i, v in enumerate(op.operands) if i not in flowing))
        elif effect_free:
            continue
        elif is_region_branch(op):    # effects inside: which of them run depends on these
            mark(*(op.operand(i) for i in control_operands(op)))
        else:
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


def _forwarded(parent: Operation, term: Operation) -> set[int]:
    """The operand positions of ``term`` (a terminator of a region of ``parent``) that flow somewhere."""
    region = next(i for i, r in enumerate(parent.regions) if r.block is term.parent)
    return {f.source_index for f in parent.flow() if f.source == region}


def _mark_result(op: Operation, k: int, mark) -> None:
    if is_region_branch(op):
        mark(*(op.operand(i) for i in control_operands(op)), *sources_of_result(op, k))
    else:
        mark(*op.operands)


def _mark_argument(arg: BlockArgument, mark) -> None:
    op = arg.block.parent_op
    if op is None or not is_region_branch(op):
        return
    region = next(i for i, r in enumerate(op.regions) if r.block is arg.block)
    sources = sources_of_argument(op, region, arg.index)
    if sources:
        mark(*sources)
    else:   # computed by the op itself (an induction variable): from its control operands
        mark(*(op.operand(i) for i in control_operands(op)))


def _drop_dead_slots(func: FuncOp, rewriter: Rewriter) -> bool:
    """Remove the scalar result slots of region ops that :func:`live_values` does not reach."""
    live = live_values(func)
    changed = False
    for op in list(func.body.walk()):
        if not is_region_branch(op):
            continue
        for k in reversed(range(len(op.results))):
            if op.results[k] in live or not _scalar(op.results[k]):
                continue
            slot = slots(op)[k]
            args = [op.regions[r].block.args[j] for r, j in slot.args]
            if any(a in live for a in args):
                continue
            for a in args:
                _replace_by_placeholder(a, a.block, 0, rewriter)
            _replace_by_placeholder(op.results[k], op.parent, op.parent.index_of(op) + 1, rewriter)
            _drop_slot(op, k)
            rewriter.modified(op)
            changed = True
    return changed


def _scalar(value: Value) -> bool:
    return isinstance(value.type, (BoolType, IntType, FloatType, ComplexType))


def _replace_by_placeholder(value: Value, block: Block, index: int, rewriter: Rewriter) -> None:
    """Let the (dead) users of ``value`` use a constant instead, so that it can go."""
    if not value.uses:
        return
    zero = {BoolType: False, IntType: 0, FloatType: 0.0, ComplexType: 0j}[type(value.type)]
    const = rewriter.insert(block, index, ConstantOp(zero, value.type))
    rewriter.replace_uses(value, const.result)
