"""Loop unrolling: ``unroll`` (full, few constant trips) and ``unroll-partial`` (by 4).

A ``for`` whose bounds and step are constants and that runs at most
:data:`MAX_TRIPS` times, with at most :data:`MAX_OPS` ops in all once
unrolled and no loop in its body, is replaced by that many copies of its body, one after the other:
each copy sees its induction value as a constant and the previous copy's
yielded values as its loop-carried values.  A loop marked ``cold`` (code that
rarely runs, as ``lower-arrays``' NumPy-order min/max) is left rolled.  Python's ``range`` semantics
give the trip count; a zero step is left alone (the frontend raises before
it).  Later ``fold``/``cse``/``dce`` clean up what the constants allow.

Decision: a loop holding another loop stays rolled, however few its trips: its
own trip overhead is nothing beside its inner loops', and each copy is more work
for LLVM.  NumPy's sort compiled (``frontend.pyarray.radix_sort``: six digits,
each a 2048-trip count loop and a pass over the keys) was six copies of its
loops; rolled, LLVM's optimization and machine code for ``np.sort`` of floats
took 138 instead of 221 ms, and the sort ran as fast (0.94 of the time).

``unroll-partial`` (an option, not in the presets: LLVM unrolls too) turns an
innermost ``for`` with step 1 into a loop with step :data:`FACTOR` whose body
holds that many copies of the original body (induction values ``j``,
``j + 1``, ...), followed by the original loop for the remaining trips.  Only
loops whose bounds are constants or array extents plus small constants are
unrolled, so computing ``lo + (hi - lo) // FACTOR * FACTOR`` cannot wrap.
"""
from __future__ import annotations

from ir import Module
from ir.clone import clone
from ir.core import Operation
from ir.interfaces import loop_regions, slots
from ir.ops import AddOp, ConstantOp, ForOp, GtOp, MulOp, SelectOp, ShrOp, SubOp
from ir.rewriting import Rewriter
from ir.types import i64

from .analysis import affine, constant_of
from .base import OpPass, changes_of, register_pass, remark

MAX_TRIPS = 8
MAX_OPS = 256
#: copies of the body per trip of a partially unrolled loop (a power of two)
FACTOR = 4
#: bodies at most this big are partially unrolled
MAX_PARTIAL_OPS = 64


@register_pass
class Unroll(OpPass):
    name = "unroll"
    #: run after this pass when it changed the module (in a level's pipeline):
    #: each unrolled trip has
    #: a constant induction variable
    cleanup = ("fold",)

    def visit(self, op: Operation) -> bool:
        trips = _constant_trips(op) if isinstance(op, ForOp) else None
        if not trips or op.attributes.get("cold"):   # code that rarely runs stays small
            return False
        if op.attributes.get("prange"):   # its trips may run in parallel (``parallel``)
            remark(self, op, "loop not unrolled: a prange loop")
            return False
        if any(loop_regions(inner) for inner in op.body.walk()):
            remark(self, op, "loop not unrolled: its body holds a loop")
            return False
        size = len(trips) * sum(1 for _ in op.body.walk())
        if len(trips) > MAX_TRIPS or size > MAX_OPS:
            remark(self, op, f"loop not unrolled: {len(trips)} trips, {size} ops unrolled "
                             f"(limits {MAX_TRIPS} trips, {MAX_OPS} ops)")
            return False
        remark(self, op, f"loop unrolled: {len(trips)} trips")
        _unroll(op, trips, self.rewriter)
        return True


def _constant_trips(op: ForOp) -> range | None:
    bounds = [constant_of(v) for v in (op.lower, op.upper, op.step)]
    if not all(known for known, _ in bounds) or bounds[2][1] == 0:
        return None
    return range(bounds[0][1], bounds[1][1], bounds[2][1])


def _unroll(op: ForOp, trips: range, rewriter: Rewriter) -> None:
    carried = list(op.inits)
    body = op.body
    for value in trips:
        iv = rewriter.insert_before(op, ConstantOp(value, i64, loc=op.loc))
        mapping = {body.args[0]: iv.result, **dict(zip(body.args[1:], carried))}
        for inner in body.ops[:-1]:
            rewriter.insert_before(op, clone(inner, mapping))
        carried = [mapping.get(v, v) for v in body.terminator.operands]
    rewriter.replace(op, carried)


@register_pass
class PartialUnroll:
    name = "unroll-partial"

    def run(self, module: Module) -> bool:
        rewriter = Rewriter(changes_of(self))
        changed = False
        for func in module:
            for op in list(func.walk()):
                if isinstance(op, ForOp) and self._eligible(op):
                    remark(self, op, f"loop unrolled by {FACTOR}, the remaining trips in a second loop")
                    _unroll_partially(op, rewriter)
                    changed = True
        return changed

    @staticmethod
    def _eligible(op: ForOp) -> bool:
        known, step = constant_of(op.step)
        if not known or step != 1 or op.attributes.get("prange") or any(isinstance(inner, ForOp) for inner in list(op.body.walk())[1:]):
            return False
        if _constant_trips(op) is not None or sum(1 for _ in op.body.walk()) > MAX_PARTIAL_OPS:
            return False
        return all(a.base is None or a.extent for a in (affine(op.lower), affine(op.upper)))


def _unroll_partially(op: ForOp, rewriter: Rewriter) -> None:
    """``for i in range(lo, hi)`` -> ``for j in range(lo, mid, FACTOR)`` (FACTOR bodies) then
    ``for i in range(mid, hi)``, with ``mid = lo + max(hi - lo, 0) // FACTOR * FACTOR``."""
    def emit(new):
        return rewriter.insert_before(op, new).result

    zero, factor = emit(ConstantOp(0, i64, loc=op.loc)), emit(ConstantOp(FACTOR, i64, loc=op.loc))
    shift = emit(ConstantOp(FACTOR.bit_length() - 1, i64, loc=op.loc))
    span = emit(SubOp(op.upper, op.lower, loc=op.loc))
    span = emit(SelectOp(emit(GtOp(span, zero, loc=op.loc)), span, zero, loc=op.loc))
    mid = emit(AddOp(op.lower, emit(MulOp(emit(ShrOp(span, shift, loc=op.loc)), factor, loc=op.loc)),
                     loc=op.loc))
    main = ForOp(op.lower, mid, factor, list(op.inits), loc=op.loc,
                 names=[a.name_hint for a in op.iter_args])
    body = op.body
    carried = list(main.iter_args)
    for k in range(FACTOR):
        iv = main.induction_var
        if k:
            offset = main.body.append(ConstantOp(k, i64, loc=op.loc)).result
            iv = main.body.append(AddOp(main.induction_var, offset, loc=op.loc)).result
        mapping = {body.args[0]: iv, **dict(zip(body.args[1:], carried))}
        for inner in body.ops[:-1]:
            main.body.append(clone(inner, mapping))
        carried = [mapping.get(v, v) for v in body.terminator.operands]
    main.body.append(clone(body.terminator, {}))
    main.body.terminator.set_operands(carried)
    rewriter.insert_before(op, main)
    rewriter.set_operand(op, 0, mid)   # the remaining trips start at mid ...
    for slot, result in zip(slots(op), main.results):
        rewriter.set_operand(op, slot.operand, result)   # ... from what the main loop carried
