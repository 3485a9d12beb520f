"""The ``fuse`` pass: element-wise producers merged into their consumers.

``x = a * b + c; return x.sum()`` traces as two ``array.map`` s and an
``array.reduce``, each a loop nest and the maps each a temporary array.  A
map (the *producer*) whose result is used once, as an input of another map or
a reduction (the *consumer*) over a space of the same rank whose extents are
the producer's or their broadcast with another operand's, is merged into it: the consumer reads the producer's inputs
instead and computes the producer's element itself, at the top of its region.
Applied until nothing fuses, ``(a * b + c).sum()`` becomes one reduction over
``a``, ``b`` and ``c`` that allocates nothing.

What does not fuse, with the reason in a remark:

* a producer used more than once (computing it twice would cost more than
  the temporary) or returned, stored or passed on (any use that is not an
  input of a map or reduction);
* a producer of fewer dimensions (the row of an outer product: each element
  would be computed again for every row).  Along an axis where the producer's
  extent is 1 at run time and the consumer's is not, the fused element is
  computed again for every repeat: no more work than the consumer's own;
* a producer whose region may raise (``np.power`` of integers): fused, it
  would raise in the middle of the consumer's work instead of before it;
* a consumer in another block (inside a loop or branch the producer is not
  in: the producer's work would be repeated, or done on another path), or
  after an op that may write memory or touch state outside the IR (a slice
  assignment, a call): the fused element would read what was written since,
  where NumPy read it before (``y = x + 1; x[:] = 0; y.min()``).

A consumer with an ``out`` array (an assignment) may then read memory it
writes: ``lower-arrays`` tests that at run time and goes through a temporary
when it happens, so ``a[1:] = a[:-1] * 2`` keeps NumPy's result.  The extents
compare as SSA values: ``fold`` runs first and makes the shape of a map's
result the extents it was made with.
"""
from __future__ import annotations

from ir import Module
from ir.clone import clone
from ir.core import Operation, Terminator, Value
from ir.interfaces import Global, Write, all_effects
from ir.ops import ArrayMapOp, ArrayReduceOp, ArrayYieldOp, EqOp, SelectOp
from ir.rewriting import Pattern, Rewriter, apply_patterns

from .analysis import constant_of
from .base import changes_of, register_pass, remark


class FuseProducer(Pattern):
    """Merge one producer map into the consumer ``op`` (see the module docstring)."""

    ops = (ArrayMapOp, ArrayReduceOp)

    def __init__(self, pass_: object) -> None:
        self.pass_ = pass_

    def match_and_rewrite(self, op: Operation, rewriter: Rewriter) -> bool:
        for k, x in enumerate(op.inputs):
            producer = x.owner
            if not isinstance(producer, ArrayMapOp) or producer.out is not None:
                continue
            why = _why_not(producer, op, x)
            if why:
                remark(self.pass_, producer, f"not fused into the '{op.name}' at line "
                                             f"{op.loc.line if op.loc else '?'}: {why}")
                continue
            _fuse(producer, op, k, rewriter)
            remark(self.pass_, producer, f"fused into the '{op.name}' at line {op.loc.line if op.loc else '?'}: "
                                         "no temporary array")
            return True
        return False


def _why_not(producer: ArrayMapOp, consumer: Operation, value: Value) -> str:
    if len(value.uses) != 1:
        return "its result is used more than once"
    if producer.ndim != consumer.ndim or not all(map(_same_or_broadcast, producer.extents, consumer.extents)):
        return "it is broadcast (it has fewer dimensions than the consumer)"
    if any(all_effects(inner) for inner in producer.body.ops if not inner.has_trait(Terminator)):
        return "computing an element may raise"
    if consumer.parent is not producer.parent:
        return "its consumer is in another block (a loop or branch)"
    ops = producer.parent.ops
    between = ops[ops.index(producer) + 1:ops.index(consumer)]
    if any(isinstance(e, (Write, Global)) for op in between for e in all_effects(op)):
        return "memory may be written between it and its consumer"
    return ""


def _same_or_broadcast(mine: Value, theirs: Value) -> bool:
    """The consumer's extent is the producer's, or the broadcast of the producer's with
    another (``select(x == 1, y, x)`` with the producer's ``x`` or ``y``, as the frontend
    makes it): equal at run time unless the producer's extent is 1."""
    if mine is theirs:
        return True
    owner = theirs.owner
    if not isinstance(owner, SelectOp) or not isinstance(owner.operand(0).owner, EqOp):
        return False
    compared = owner.operand(0).owner.operands
    picked = owner.operands[1:]
    return constant_of(compared[1]) == (True, 1) and picked[1] is compared[0] and mine in (picked[0], picked[1])


def _fuse(producer: ArrayMapOp, consumer: ArrayMapOp | ArrayReduceOp, k: int, rewriter: Rewriter) -> None:
    inputs = [*consumer.inputs[:k], *consumer.inputs[k + 1:], *producer.inputs]
    if isinstance(consumer, ArrayMapOp):
        fused = ArrayMapOp(consumer.extents, inputs, consumer.element_type(), out=consumer.out, loc=consumer.loc,
                           layout=consumer.result.type.layout if consumer.out is None else "C")
        leading: list = []
    else:
        fused = ArrayReduceOp(consumer.extents, inputs, consumer.inits, consumer.axis, loc=consumer.loc)
        leading = consumer.accumulator_args()
    fused.attributes.update({key: value for key, value in consumer.attributes.items()
                             if key not in fused.attributes})
    args = iter(fused.body.args)
    mapping: dict[Value, Value] = {old: next(args) for old in leading}
    elements = consumer.element_args()
    for old in [*elements[:k], *elements[k + 1:]]:
        mapping[old] = next(args)
    for old in producer.element_args():
        mapping[old] = next(args)
    for inner in producer.body.ops[:-1]:   # the producer's element, first
        fused.body.append(clone(inner, mapping))
    produced = producer.body.terminator.operand(0)
    mapping[elements[k]] = mapping.get(produced, produced)
    for inner in consumer.body.ops:
        fused.body.append(clone(inner, mapping))
    assert isinstance(fused.body.terminator, ArrayYieldOp)
    rewriter.insert_before(consumer, fused)
    if consumer.results:
        rewriter.replace(consumer, list(fused.results))
    else:
        rewriter.erase(consumer)
    rewriter.erase(producer)


@register_pass
class Fuse:
    name = "fuse"

    def run(self, module: Module) -> bool:
        return apply_patterns(module, [FuseProducer(self)], changes_of(self))
