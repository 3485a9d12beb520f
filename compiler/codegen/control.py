"""Lowering of the structured control flow: ``if``, ``for``, ``while``, ``try``/``leave``.

The ``yield``/``condition`` that end their blocks pass values on: the core's
``lower_block`` returns them.  Semantics (those of the op docstrings in
``ir.ops.control``), with this decision:

* ``for`` computes its trip count first (in unsigned arithmetic, so any i64
  bounds work), then counts ``k = 0..n-1`` with the induction variable
  ``lower + k*step``.
* ``try`` ends in a block whose phis take the values of its ``yield`` and of each
  ``leave`` that ends it; a ``leave`` branches there, and what follows it in its
  block is lowered into a block no branch reaches (LLVM drops it).
* a ``for`` our ``vectorize`` pass made (a vector loop, or the loop of the trips
  that remain) is marked ``llvm.loop.isvectorized`` for LLVM: its loop
  vectorizer leaves it alone instead of vectorizing it again.
* outer loops, our vector loops and their remainders, and the nests of
  whole-array operations are marked ``llvm.loop.unroll.runtime.disable``:
  LLVM does not unroll them by counts known only at run time
  (:func:`_no_runtime_unroll`: it was the costliest part of LLVM's work on an
  array kernel); a loop marked ``no_unroll`` (the eight lanes of a pairwise sum
  and the fewer than eight elements after them: ``passes.pairwise``) is marked
  ``llvm.loop.unroll.disable``: no unrolling at all (LLVM copied the second loop,
  of at most 7 trips, 7 times, and the first twice with a remainder: standardize's
  LLVM work 130 -> 105 ms, its run time the same).
* the loads and stores of a whole-array operation's loop (``independent``: no
  trip reads or writes what another writes) that steps through its arrays one
  element at a time (:func:`_contiguous_independent`) are put in an access
  group, and the loop is marked ``llvm.loop.parallel_accesses``
  (:func:`_mark_parallel`): LLVM's vectorizer then needs no run-time checks that
  the arrays do not overlap (lower-arrays made them apart), which were most of
  the code it made for such a loop.  A loop with any other access to memory (a
  call, a count of references) is not annotated parallel by LLVM's rules, and
  keeps its checks.  The loop ``version`` left for strides that skip elements
  (``strided``) is marked ``llvm.loop.vectorize.enable`` false: a scalar loop.
"""
from __future__ import annotations

import llvmlite.ir as lir

from ir.ops.array import ArrayLoadOp, ArrayStoreOp
from ir.ops.control import ForOp, IfOp, LeaveOp, TryOp, WhileOp

from .core import _I64, _FunctionLowering, _lowers, constant_int, index_add, index_mul, value_type


@_lowers(IfOp)
def _if(self: _FunctionLowering, op: IfOp) -> list[lir.Value]:
    b = self.b
    likely = False if op.attributes.get("unlikely") else None
    with b.if_else(self.value(op.cond), likely=likely) as (then, otherwise):
        with then:
            then_values = self.lower_block(op.then_block)
            then_end = b.basic_block
        with otherwise:
            else_values = self.lower_block(op.else_block)
            else_end = b.basic_block
    results = []
    for result, a, c in zip(op.results, then_values, else_values):
        phi = b.phi(value_type(result.type))
        phi.add_incoming(a, then_end)
        phi.add_incoming(c, else_end)
        results.append(phi)
    return results


def _trip_count(self: _FunctionLowering, lower: lir.Value, upper: lir.Value, step: lir.Value) -> lir.Value:
    """``len(range(lower, upper, step))`` for a non-zero step, as an unsigned i64 (for a
    step of constant 1, the common case, just ``upper - lower`` or 0: the general form's
    selects and division cost LLVM's optimizer time in every loop it is given)."""
    b = self.b
    zero, one = lir.Constant(_I64, 0), lir.Constant(_I64, 1)
    if constant_int(step) == 1:
        span = upper if constant_int(lower) == 0 else b.sub(upper, lower)
        return b.select(b.icmp_signed("<", lower, upper), span, zero)
    up = b.icmp_signed(">", step, zero)
    high, low = b.select(up, upper, lower), b.select(up, lower, upper)
    nonempty = b.icmp_signed("<", low, high)
    span = b.sub(high, low)  # exact as an unsigned number when nonempty
    magnitude = b.select(up, step, b.neg(step))  # |step| as unsigned (|INT_MIN| = 2**63)
    count = b.add(b.udiv(b.sub(span, one), magnitude), one)
    return b.select(nonempty, count, zero)


def _loop_id(module: lir.Module, vectorized: bool = False, no_runtime_unroll: bool = False,
             access_group: lir.MDValue | None = None, scalar: bool = False, no_unroll: bool = False) -> lir.MDValue | None:
    """A new loop ID (a node naming itself first) with the hints for LLVM:
    ``llvm.loop.isvectorized`` for a loop our ``vectorize`` pass made,
    ``llvm.loop.unroll.runtime.disable`` where asked (:func:`_no_runtime_unroll`),
    ``llvm.loop.parallel_accesses`` of ``access_group`` and ``llvm.loop.vectorize.enable``
    false for a ``scalar`` loop; None when there is no hint to give."""
    hints = []
    if scalar:
        hints.append(module.add_metadata([lir.MetaDataString(module, "llvm.loop.vectorize.enable"),
                                          lir.Constant(lir.IntType(1), 0)]))
    if access_group is not None:
        hints.append(module.add_metadata([lir.MetaDataString(module, "llvm.loop.parallel_accesses"), access_group]))
        hints.append(module.add_metadata([lir.MetaDataString(module, "llvm.loop.interleave.count"),
                                          lir.Constant(lir.IntType(32), 1)]))
    if no_unroll:
        hints.append(module.add_metadata([lir.MetaDataString(module, "llvm.loop.unroll.disable")]))
    elif no_runtime_unroll:
        hints.append(module.add_metadata([lir.MetaDataString(module, "llvm.loop.unroll.runtime.disable")]))
    if vectorized:
        hints.append(module.add_metadata([lir.MetaDataString(module, "llvm.loop.isvectorized"),
                                          lir.Constant(lir.IntType(32), 1)]))
    if not hints:
        return None
    loop_id = module.add_metadata([*hints, lir.MetaDataString(module, f"loop {len(module.metadata)}")])
    loop_id.operands = (loop_id, *hints)   # the unique placeholder made it new; now it refers to itself
    return loop_id


def _no_runtime_unroll(op: ForOp | WhileOp) -> bool:
    """Whether LLVM must not unroll ``op`` by a count known only at run time (the unrolled
    body plus a prologue or epilogue loop for the trips left over): true for an outer loop
    (one holding another loop), a loop our ``vectorize`` pass made (the vector loop and the
    loop of the fewer than a vector's trips left), and a loop of a whole-array
    operation's nest (``independent``, made by ``lower-arrays``).  LLVM may still unroll
    any loop whose trip count it knows, and runtime-unrolls the other innermost loops.

    Decision, measured (bench/results/2026-12-06-first-call-phases.md): runtime
    unrolling was the costliest part of an array kernel's LLVM work -- the copies of
    whole inner nests when an outer loop was unrolled, of the scalar loops LLVM's
    vectorizer leaves after its vector loop, of the copy loops of a whole-array
    assignment -- and the machine code's instruction selection, register allocation and
    loop strength reduction then worked on all of it.  Without it on these loops, LLVM's
    optimization plus machine code in the first call took 71 instead of 90 ms for
    softmax_rows and 102 instead of 141 ms for jacobi_2d (first call 189 -> 166 ms and
    239 -> 197 ms of CPU).  Run times at the bench's quick sizes: within
    noise for every kernel but heat_step (0.58 of before) and jacobi_2d (0.66), whose
    unrolled scalar loops were slower; arc_distance perhaps 2 % slower.  Turning it off for
    every loop saved 3 to 5 ms more but made kernels with plain innermost loops slower
    (column_sums 1.28 times, matmul 1.18, floyd_warshall 1.11).  A hint per loop, not LLVM's
    global ``-unroll-runtime`` option, which would change the code of every other user of
    LLVM in the process (Numba)."""
    if op.attributes.get("vectorized") or op.attributes.get("independent"):
        return True
    regions = [op.body] if isinstance(op, ForOp) else [op.before, op.after]
    return any(isinstance(inner, (ForOp, WhileOp)) for region in regions for inner in region.walk())


@_lowers(ForOp)
def _for(self: _FunctionLowering, op: ForOp) -> list[lir.Value]:
    b = self.b
    lower, upper, step = (self.value(v) for v in (op.lower, op.upper, op.step))
    count = _trip_count(self, lower, upper, step)
    preheader = b.basic_block
    header = b.append_basic_block("for.header")
    body = b.append_basic_block("for.body")
    exit_ = b.append_basic_block("for.exit")
    b.branch(header)
    b.position_at_end(header)
    k = b.phi(_I64, "k")
    carried = [b.phi(value_type(v.type)) for v in op.inits]
    k.add_incoming(lir.Constant(_I64, 0), preheader)
    for phi, init in zip(carried, op.inits):
        phi.add_incoming(self.value(init), preheader)
    b.cbranch(b.icmp_unsigned("<", k, count), body, exit_)
    b.position_at_end(body)
    self.values[op.induction_var] = index_add(b, lower, index_mul(b, k, step, ()), ())   # lower + k * step
    self.values.update(zip(op.iter_args, carried))
    first_block = len(b.function.basic_blocks)
    next_values = self.lower_block(op.body)
    next_k = b.add(k, lir.Constant(_I64, 1), flags=("nuw",))  # k < count <= 2**64 - 1
    latch = b.basic_block
    back = b.branch(header)
    group = None
    if _contiguous_independent(op):
        group = _mark_parallel(self, [body, *b.function.basic_blocks[first_block:]])
    loop_id = _loop_id(self.module.llvm, bool(op.attributes.get("vectorized")), _no_runtime_unroll(op), group,
                       bool(op.attributes.get("strided")), bool(op.attributes.get("no_unroll")))
    if loop_id is not None:
        back.set_metadata("llvm.loop", loop_id)
    k.add_incoming(next_k, latch)
    for phi, value in zip(carried, next_values):
        phi.add_incoming(value, latch)
    b.position_at_end(exit_)
    return carried


class _AccessGroup(lir.values.MDValue):
    """A distinct metadata node with no operands: an access group (``distinct !{}``)."""

    def __init__(self, module: lir.Module):
        super().__init__(module, [], name=str(len(module.metadata)))

    def descr(self, buf):
        buf += ("distinct !{}", "\n")

    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return id(self)


def _contiguous_independent(op: ForOp) -> bool:
    """Whether ``op`` is a loop of a whole-array nest (``independent``) whose loads and stores
    along its induction variable all step one element at a time (by their layout, or
    ``contiguous_axis``: ``passes.version``) -- so LLVM, told its trips are independent,
    makes contiguous vector accesses, not gathers."""
    if not op.attributes.get("independent"):
        return False
    walks = False
    for inner in op.body.walk():
        if isinstance(inner, (ArrayLoadOp, ArrayStoreOp)):
            axes = [k for k, index in enumerate(inner.indices) if index is op.induction_var]
            if not axes:
                continue
            t = inner.array.type
            if len(axes) > 1 or not (inner.attributes.get("contiguous_axis") == axes[0]
                                     or (t.layout, axes[0]) in (("C", t.ndim - 1), ("F", 0))):
                return False
            walks = True
    return walks


def _mark_parallel(self: _FunctionLowering, blocks: list[lir.Block]) -> lir.MDValue:
    """Put the loads and stores of ``blocks`` (a loop's body) in a new access group, beside
    the groups of the loops inside it that hold them, and return the group.  Accesses to
    the function's stack slots are left out: a slot is the same memory in every trip, so
    the loop is then not annotated parallel at all (LLVM's rule: every access in the group)."""
    module = self.module.llvm
    group = _AccessGroup(module)
    for block in blocks:
        for instr in block.instructions:
            if isinstance(instr, lir.LoadInstr):
                pointer = instr.operands[0]
            elif isinstance(instr, lir.StoreInstr):
                pointer = instr.operands[1]
            else:
                continue
            if not _on_stack(pointer):
                groups = self.access_groups.setdefault(instr, [])
                groups.append(group)
                instr.set_metadata("llvm.access.group", group if len(groups) == 1 else module.add_metadata(groups))
    return group


def _on_stack(pointer: lir.Value) -> bool:
    """Whether ``pointer`` points into a stack slot (an ``alloca``, or an element of one)."""
    while isinstance(pointer, lir.GEPInstr):
        pointer = pointer.pointer
    return isinstance(pointer, lir.AllocaInstr)


@_lowers(WhileOp)
def _while(self: _FunctionLowering, op: WhileOp) -> list[lir.Value]:
    b = self.b
    preheader = b.basic_block
    before = b.append_basic_block("while.before")
    after = b.append_basic_block("while.after")
    exit_ = b.append_basic_block("while.exit")
    b.branch(before)
    b.position_at_end(before)
    current = [b.phi(value_type(v.type)) for v in op.operands]
    for phi, init in zip(current, op.operands):
        phi.add_incoming(self.value(init), preheader)
    self.values.update(zip(op.before.args, current))
    cond, *forwarded = self.lower_block(op.before)
    b.cbranch(cond, after, exit_)
    b.position_at_end(after)
    self.values.update(zip(op.after.args, forwarded))
    next_values = self.lower_block(op.after)
    latch = b.basic_block
    back = b.branch(before)
    loop_id = _loop_id(self.module.llvm, no_runtime_unroll=_no_runtime_unroll(op))
    if loop_id is not None:
        back.set_metadata("llvm.loop", loop_id)
    for phi, value in zip(current, next_values):
        phi.add_incoming(value, latch)
    b.position_at_end(exit_)
    return forwarded  # computed in the block that branches to the exit: they dominate it


@_lowers(TryOp)
def _try(self: _FunctionLowering, op: TryOp) -> list[lir.Value]:
    b = self.b
    exit_ = b.append_basic_block("try.exit")
    incoming: list[tuple[list[lir.Value], lir.Block]] = []
    self.try_exits.append((op, exit_, incoming))
    try:
        values = self.lower_block(op.body)
    finally:
        self.try_exits.pop()
    incoming.append((values, b.basic_block))
    b.branch(exit_)
    b.position_at_end(exit_)
    results = []
    for k, result in enumerate(op.results):
        phi = b.phi(value_type(result.type))
        for values, block in incoming:
            phi.add_incoming(values[k], block)
        results.append(phi)
    return results


@_lowers(LeaveOp)
def _leave(self: _FunctionLowering, op: LeaveOp) -> None:
    b = self.b
    target = op.target()
    _, exit_, incoming = next(entry for entry in self.try_exits if entry[0] is target)
    incoming.append(([self.value(v) for v in op.operands], b.basic_block))
    b.branch(exit_)
    b.position_at_end(b.append_basic_block("after.leave"))
