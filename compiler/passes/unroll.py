"""The ``unroll`` pass: full unrolling of ``for`` loops with few, constant trips.

A ``for`` whose bounds and step are constants and that runs at most
:data:`MAX_TRIPS` times, with at most :data:`MAX_OPS` ops in all once
unrolled, is replaced by that many copies of its body, one after the other:
each copy sees its induction value as a constant and the previous copy's
yielded values as its loop-carried values.  Python's ``range`` semantics
give the trip count; a zero step is left alone (the frontend raises before
it).  Later ``fold``/``cse``/``dce`` clean up what the constants allow.
"""
from __future__ import annotations

from ir import Module
from ir.clone import clone
from ir.core import Block
from ir.ops import ConstantOp, ForOp
from ir.types import i64

from . import register_pass
from .fold import constant_of
from .manager import remark

MAX_TRIPS = 8
MAX_OPS = 256


@register_pass
class Unroll:
    name = "unroll"

    def run(self, module: Module) -> bool:
        changed = False
        for func in module:
            changed |= self._block(func.body)
        return changed

    def _block(self, block: Block) -> bool:
        changed = False
        for op in list(block.ops):
            for region in op.regions:
                changed |= self._block(region.block)
            if isinstance(op, ForOp):
                trips = _constant_trips(op)
                if trips is None:
                    continue
                size = len(trips) * sum(1 for _ in op.body.walk())
                if 0 < len(trips) <= MAX_TRIPS and size <= MAX_OPS:
                    remark(self, op, f"loop unrolled: {len(trips)} trips")
                    _unroll(op, trips)
                    changed = True
                elif trips:
                    remark(self, op, f"loop not unrolled: {len(trips)} trips, {size} ops unrolled "
                                     f"(limits {MAX_TRIPS} trips, {MAX_OPS} ops)")
        return changed


def _constant_trips(op: ForOp) -> range | None:
    bounds = [constant_of(v) for v in (op.lower, op.upper, op.step)]
    if not all(known for known, _ in bounds) or bounds[2][1] == 0:
        return None
    return range(bounds[0][1], bounds[1][1], bounds[2][1])


def _unroll(op: ForOp, trips: range) -> None:
    block = op.parent
    index = block.index_of(op)
    carried = list(op.inits)
    body = op.body
    for value in trips:
        iv = ConstantOp(value, i64, loc=op.loc)
        block.insert(index, iv)
        index += 1
        mapping = {body.args[0]: iv.result, **dict(zip(body.args[1:], carried))}
        for inner in body.ops[:-1]:
            block.insert(index, clone(inner, mapping))
            index += 1
        carried = [mapping.get(v, v) for v in body.terminator.operands]
    for result, value in zip(op.results, carried):
        result.replace_all_uses_with(value)
    op.erase()
