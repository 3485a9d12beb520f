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

A ``raise_if`` whose condition and message values are invariant moves out
too when nothing before it in the region can write, raise or branch (so on
the first trip it is the first thing that can be seen): out of a ``for``
body guarded by the loop running at all (``raise_if lo < hi and cond`` for a
positive constant step, ``lo > hi`` for a negative one), out of a ``while``
condition region as it is.  The same exception with the same message is
raised before the same effects, once instead of on every trip -- and the loop
is left without a check (the vectorizer wants none).  A check group (see
``analysis.is_check_group``: one cheap test guarding exact checks, as ``int()``
of a float makes) moves the same way when all it uses is invariant.

The pass asks the ops (``ir.interfaces``): the regions a loop-like op may run
repeatedly and whether each runs at least once (``loop_regions``), whether an
op may run speculatively (``speculatable``: integer ``//``, ``%``, ``**`` say no),
and which ops only read (``effects``).  Building the "loop runs at all" guard
for a hoisted check still needs a ``for``'s bounds.
"""
from __future__ import annotations

from ir.core import Block, ConstantLike, Operation
from ir.interfaces import Read, effects, loop_regions, speculatable
from ir.ops import AndOp, ForOp, GtOp, IfOp, LtOp, RaiseIfOp

from .analysis import constant_of, is_check_group
from .base import OpPass, register_pass, remark


@register_pass
class LoopInvariantCodeMotion(OpPass):
    name = "licm"
    #: run after this pass when it changed the module (in a level's pipeline):
    #: what it hoisted may repeat code outside the loop or leave some unused
    cleanup = ("cse", "dce")

    def visit(self, op: Operation) -> bool:
        """Hoist out of each region the op declares it may run repeatedly
        (``ir.interfaces.loop_regions``), in order."""
        changed = False
        for region, runs_once in loop_regions(op):
            changed |= self._hoist(op, op.regions[region].block, runs_once=runs_once)
        return changed

    def _hoist(self, loop: Operation, block: Block, runs_once: bool) -> bool:
        """Move the invariant ops of ``block`` (a region of ``loop``) before ``loop``."""
        inside = {id(a) for a in block.args}
        changed = False
        first_seen = True   # nothing before ``op`` in the region writes, raises or branches
        for op in list(block.ops):
            operands_invariant = all(id(v) not in inside for v in op.operands)
            is_check = isinstance(op, RaiseIfOp) and not op.regions
            if is_check_group(op):
                is_check, operands_invariant = True, all(id(v) not in inside for v in _used_from_outside(op))
            if is_check and first_seen and operands_invariant and self._hoist_check(loop, op, runs_once):
                changed = True
                continue
            first_seen &= not op.regions and (op.is_pure or _only_reads(op))
            invariant = op.is_pure and not op.regions and op.results and operands_invariant
            if invariant and (runs_once or speculatable(op)):
                self.rewriter.move_before(op, loop)
                changed = True
                if not op.has_trait(ConstantLike):
                    remark(self, op, f"'{op.name}' hoisted out of the loop: its operands do not change in it")
            else:
                if invariant:
                    remark(self, op, f"'{op.name}' not hoisted: it is defined only where its check passed, "
                                     "and the loop might not run")
                inside.update(id(r) for r in op.results)
        return changed

    def _hoist_check(self, loop: Operation, check: RaiseIfOp | IfOp, runs_once: bool) -> bool:
        """Move the invariant ``check`` (or check group) before ``loop``, guarded by the loop running at all."""
        if not runs_once:
            known, step = constant_of(loop.step) if isinstance(loop, ForOp) else (False, None)
            if not known or step == 0:
                return False
            runs = self.rewriter.insert_before(loop, (LtOp if step > 0 else GtOp)(loop.lower, loop.upper,
                                                                                  loc=check.loc))
            guarded = self.rewriter.insert_before(loop, AndOp(runs.result, check.cond, loc=check.loc))
            self.rewriter.set_operand(check, 0, guarded.result)
        self.rewriter.move_before(check, loop)
        what = "checks" if isinstance(check, IfOp) else f"check ({check.attributes['exception']})"
        remark(self, check, f"{what} hoisted out of the loop: the condition does not change in it")
        return True


def _used_from_outside(group: IfOp) -> list:
    """The condition of ``group`` and the values its ops use that it does not define."""
    defined = {id(r) for inner in group.then_block.ops for r in inner.results}
    return [group.cond, *(v for inner in group.then_block.ops for v in inner.operands if id(v) not in defined)]


def _only_reads(op: Operation) -> bool:
    """The op reads memory and does nothing else (no write, raise or other effect)."""
    own = effects(op)
    return bool(own) and all(isinstance(e, Read) for e in own)
