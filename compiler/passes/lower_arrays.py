"""The ``lower-arrays`` pass: whole-array maps and reductions become loop nests.

Each ``array.map`` and ``array.reduce`` (:mod:`ir.ops.wholearray`) becomes a
nest of ``for`` loops over its iteration space, outermost axis first (C order),
whose innermost body loads one element of every input, runs a copy of the op's
region on them, and stores the result (``array.map``, into a new
``array.alloc`` or its ``out`` array) or carries the accumulators
(``array.reduce``).  ``bce``, ``licm``, ``version`` and ``vectorize`` then
work on these loops as on loops the user wrote.

Broadcasting: an input with fewer axes lines up with the last axes of the
space; along an axis where its extent may be 1 while the space's is not, it
is read at ``select(extent == 1, 0, i)``.  Where the space's extent operand
is the input's own ``array.dim`` (the frontend takes it from there when the
extents are the same value), the loop index is used as it is.

Overlap (NumPy's ``a[1:] = a[:-1]``): a map into ``out`` whose inputs may share
memory with ``out`` tests ``array.overlap`` at run time; when one does, the
results go to a new array first and are then copied into ``out``, so every
element is computed before any is stored.

The compiler runs this pass after every pipeline too, so array ops never
reach code generation (at ``-O0`` or with a pipeline that does not name it).
"""
from __future__ import annotations

from typing import Sequence

from ir import Module
from ir.clone import clone
from ir.core import Operation, Value
from ir.ops import (
    ArrayAllocOp, ArrayDimOp, ArrayLoadOp, ArrayMapOp, ArrayOverlapOp, ArrayReduceOp, ArrayStoreOp, ArrayYieldOp,
    ConstantOp, EqOp, ForOp, IfOp, OrOp, SelectOp, YieldOp,
)
from ir.rewriting import Rewriter
from ir.types import i64

from .base import changes_of, register_pass


@register_pass
class LowerArrays:
    name = "lower-arrays"

    def run(self, module: Module) -> bool:
        rewriter = Rewriter(changes_of(self))
        pending = [op for op in module.walk() if isinstance(op, (ArrayMapOp, ArrayReduceOp))]
        changed = bool(pending)
        while pending:
            op = pending.pop()
            if isinstance(op, ArrayMapOp) and op.out is not None and op.inputs and not op.attributes.get("disjoint"):
                pending += _split_on_overlap(op, rewriter)
            else:
                _lower(op, rewriter)
        return changed


def _split_on_overlap(op: ArrayMapOp, rewriter: Rewriter) -> list[ArrayMapOp]:
    """``if overlap(any input, out): tmp = map(inputs); copy tmp into out  else: map into out``;
    returns the new maps (marked ``disjoint``: their inputs cannot overlap ``out``)."""
    out = op.out
    overlap = None
    for x in dict.fromkeys(op.inputs):
        found = rewriter.insert_before(op, ArrayOverlapOp(x, out, loc=op.loc)).result
        overlap = found if overlap is None else rewriter.insert_before(op, OrOp(overlap, found, loc=op.loc)).result
    branch = rewriter.insert_before(op, IfOp(overlap, [], loc=op.loc))
    temporary = _copy_of(op, out=None)
    branch.then_block.append(temporary)
    copy = ArrayMapOp(op.extents, [temporary.result], op.element_type(), out=out, loc=op.loc)
    copy.attributes["disjoint"] = True
    copy.body.append(ArrayYieldOp([copy.element_args()[0]], loc=op.loc))
    branch.then_block.append(copy)
    branch.then_block.append(YieldOp([], loc=op.loc))
    direct = _copy_of(op, out=out)
    direct.attributes["disjoint"] = True
    branch.else_block.append(direct)
    branch.else_block.append(YieldOp([], loc=op.loc))
    rewriter.modified(branch)
    rewriter.erase(op)
    return [temporary, copy, direct]


def _copy_of(op: ArrayMapOp, out: Value | None) -> ArrayMapOp:
    new = ArrayMapOp(op.extents, op.inputs, op.element_type(), out=out, loc=op.loc)
    mapping: dict[Value, Value] = dict(zip(op.body.args, new.body.args))
    for inner in op.body.ops:
        new.body.append(clone(inner, mapping))
    return new


def _lower(op: ArrayMapOp | ArrayReduceOp, rewriter: Rewriter) -> None:
    loc = op.loc
    if isinstance(op, ArrayMapOp):
        dest = op.out if op.out is not None else \
            rewriter.insert_before(op, ArrayAllocOp(op.element_type(), op.extents, loc=loc)).result
        carried: list[Value] = []
    else:
        carried = list(op.inits)
    zero = rewriter.insert_before(op, ConstantOp(0, i64, loc=loc)).result
    one = rewriter.insert_before(op, ConstantOp(1, i64, loc=loc)).result
    # the loop nest, outermost first; each loop carries the accumulators
    indices: list[Value] = []
    outermost = None
    block_of = None   # where the next op goes (None: before ``op``)

    def put(new: Operation) -> Operation:
        if block_of is None:
            return rewriter.insert_before(op, new)
        block_of.append(new)
        return new

    loops: list[ForOp] = []
    for extent in op.extents:
        loop = put(ForOp(zero, extent, one, carried, loc=loc))
        outermost = outermost or loop
        loops.append(loop)
        indices.append(loop.induction_var)
        carried = list(loop.iter_args)
        block_of = loop.body
    # the innermost body: the elements, the region, the store or the new accumulators
    mapping: dict[Value, Value] = {}
    for arg, x in zip(op.element_args(), op.inputs):
        mapping[arg] = put(ArrayLoadOp(x, _input_indices(op, x, indices, put), loc=loc)).result
    if isinstance(op, ArrayReduceOp):
        mapping.update(zip(op.accumulator_args(), carried))
    for inner in op.body.ops[:-1]:
        put(clone(inner, mapping))
    values = [mapping.get(v, v) for v in op.body.terminator.operands]
    if isinstance(op, ArrayMapOp):
        put(ArrayStoreOp(dest, indices, values[0], loc=loc))
        values = []
    # close the loops from the inside out: each yields what the one inside it gave
    for loop in reversed(loops):
        loop.body.append(YieldOp(values, loc=loc))
        values = list(loop.results)
    if outermost is not None:
        rewriter.modified(outermost)
    if isinstance(op, ArrayMapOp) and op.out is not None:
        rewriter.erase(op)
    else:
        rewriter.replace(op, [dest] if isinstance(op, ArrayMapOp) else values)


def _input_indices(op: ArrayMapOp | ArrayReduceOp, x: Value, indices: Sequence[Value], put) -> list[Value]:
    """The indices of ``x``'s element at ``indices`` of the iteration space (broadcast)."""
    first = op.ndim - x.type.ndim
    out = []
    for j in range(x.type.ndim):
        extent, i = op.extents[first + j], indices[first + j]
        owner = extent.owner
        if isinstance(owner, ArrayDimOp) and owner.operand(0) is x and owner.axis == j:
            out.append(i)   # the space's extent is this input's own: no broadcasting on this axis
            continue
        dim = put(ArrayDimOp(x, j, loc=op.loc)).result
        one = put(ConstantOp(1, i64, loc=op.loc)).result
        zero = put(ConstantOp(0, i64, loc=op.loc)).result
        out.append(put(SelectOp(put(EqOp(dim, one, loc=op.loc)).result, zero, i, loc=op.loc)).result)
    return out
