"""The ``refcount`` pass: insert ``array.incref`` / ``array.decref``.

It runs last, just before code generation, exactly once.  Afterwards every
array that compiled code allocates is freed as soon as nothing refers to it
any more (a temporary allocated in a loop body dies at the end of each
iteration, so memory stays flat), and an array a function returns carries
exactly one reference, which the caller (or the runtime, for the entry
point) owns.

Ownership rules
===============

The rules apply to values of ``array<...>`` type, to ``str`` values (a CPython
object: the same rules, its count changed by ``Py_IncRef``/``Py_DecRef``) and to
tuple values that contain them, at any depth; the *array leaves* of a tuple are its array
elements, reached with ``tuple_get`` (recursively for nested tuples).  A
value is either *owned* -- it holds one reference (+1) that its defining
block must give back -- or *borrowed* -- it holds nothing and lives on a
reference someone else keeps.

Owned (+1):
  * results of ops that allocate (the ``Allocates`` trait: ``array.alloc``);
  * results of views (``array.view``, ``array.subview``, ...): a view shares its
    base's meminfo, so the pass inserts an ``array.incref`` of the view right
    after the op -- except for views of a function argument (also through
    other views), which borrow as the argument does;
  * results of ``call`` (the callee returns +1, see ``return`` below);
  * results of ``if``, ``for`` and ``while``;
  * the block arguments of ``for`` bodies (the loop-carried values; the
    induction variable is an ``i64``) and of both ``while`` regions.

Borrowed (+0):
  * function arguments (the caller keeps its own reference alive across the
    call; arrays passed in from Python have a null meminfo anyway);
  * results of ``tuple_get`` (they borrow from the tuple) and of ``tuple``
    (it borrows its elements); ``select`` of two arrays borrows the one it
    picks;
  * results of ``array.undef``: a placeholder with a null meminfo, which
    owns nothing (increfs and decrefs of it would be no-ops anyway).

Transfers (+1 handed on):
  * the operands of ``yield``, ``condition`` (its forwarded values) and
    ``return``: an ``array.incref`` of every array leaf is inserted right
    before the terminator;
  * the inits of ``for`` and ``while`` become owned block arguments: an
    ``array.incref`` of every array leaf is inserted right before the loop;
  * ``call`` arguments are borrowed by the callee: nothing to do.

Release:
  * at the end of every block -- just before its terminator and after the
    transfer increfs -- an ``array.decref`` of every array leaf of every
    owned value defined in that block (block arguments, then op results in
    program order), whether the value was used or not.

Because the IR is structured SSA, a value is visible only in its defining
block and the regions nested in it, and it leaves its region only through a
terminator; every use therefore comes before the releases at the end of its
defining block, and every reference that crosses a region boundary is a
transfer.  So these local rules free each allocation exactly once and never
too early.  Each transferred value is both incref'd (for the receiver) and,
if owned, decref'd (for the block) -- the pass does not fuse such pairs into
a "move"; that is left to a later clean-up.

Error paths
===========

A ``raise_if`` that fires, or a ``call`` whose callee ends with an error
(the caller passes the error on), ends the function early, before the
releases at the ends of the blocks.  The references owned at that point are
released on that path instead:

  * The *live owned set* at such an op is every owned value (by the rules
    above) defined before the op in its own block and in every enclosing
    block of the function, outermost block first, each block's block
    arguments then op results in program order.  A value that was already
    handed on (incref'd for a ``yield`` or as a loop init) is still owned by
    its block until that block's end, so it is in the set; the owned block
    arguments of the loop bodies are there too (the reference handed to
    them is theirs); a ``call``'s own result is not (it does not exist when
    the call fails).  The set stops at an ``IsolatedFromAbove`` op (a nested
    function has its own) and at an ``ErrorBoundary`` op (``parallel.for``: an error in
    its body ends that thread's share of the trips, so the ops in the body release what
    the body owns, and the op's own cleanup region, after its body, what the function
    owns around it).
  * Decision: the set is recorded as a *cleanup region* of the op -- an
    ``array.decref`` of every array leaf of every value in the set (tuples
    through ``tuple_get`` ops inside the region) -- which code generation
    emits on the failing branch before the function returns the error's
    status.  The region keeps the IR self-describing (the printer and
    parser round-trip it, the verifier checks that its operands are visible
    at the op and that the call's result is not) and leaves the operands of
    ``call`` exactly the callee's arguments (which the verifier matches
    against the callee's signature, so extra trailing operands would not
    do).  An op whose set is empty gets no region.

A ``leave`` (an exception caught: the end of its handler's code) ends the
blocks between it and its ``try`` early, before their releases: right
before it, an ``array.incref`` of every array leaf it hands on (a transfer,
as for ``yield``) and an ``array.decref`` of every value of the live owned
set defined inside that ``try``.

So every reference is released exactly once on every path: at the end of
its block on the normal path, in the cleanup of the op that stops the
function on an error path (a callee that fails has run its own cleanup
before returning, and callees only borrow their arguments).

Remaining limitation: ``array.alloc`` itself fails with ``MemoryError``
when the memory cannot be had; the arrays owned at that point are not
released then (the op has no cleanup region).  That path means the process
is out of memory anyway.

The pass names no op class for these rules but ``try``/``leave`` (the edge from a
``leave`` to its ``try`` is one no interface describes): it asks each op
(:mod:`ir.interfaces`) -- ``ownership(op, i)`` says whether an array result owns
a reference (an ``Allocate`` effect, a ``call``, a region op declaring its flow),
is a view of an operand (``array.view``), borrows (``tuple``, ``tuple_get``,
``select``) or has no memory (``array.undef``); ``entry_operands`` gives the
operands a region op hands to its (owned) block arguments; the
``HasCleanupRegion`` trait marks the ops that may stop the function with an
error and get a cleanup region.  Ops whose results contain arrays but that
declare no ownership are refused with :class:`RefcountError` rather than
guessed at; a new op that produces arrays must declare ``ownership``.  Running the pass a second time is an
error too: the module must not contain ``array.incref``/``array.decref`` yet.
"""
from __future__ import annotations

from typing import Iterable, Sequence

from ir.builder import Builder
from ir.core import Block, BlockArgument, IsolatedFromAbove, Operation, Region, Terminator, Value
from ir.interfaces import ErrorBoundary, entry_operands, has_cleanup_region, is_region_branch, ownership
from ir.module import Module
from ir.ops.array import ArrayDecrefOp, ArrayIncrefOp
from ir.ops.control import LeaveOp, TryOp
from ir.ops.tuple import TupleGetOp
from ir.types import ArrayType, ObjectType, TupleType, Type

from .base import register_pass

__all__ = ["RefcountPass", "RefcountError", "contains_array", "array_leaves"]

#: Set on a module once the pass has run on it.
_DONE_FLAG = "refcount_done"


class RefcountError(RuntimeError):
    """The pass cannot do its job: it ran twice, or met an op it has no rule for.

    Always a compiler bug, never a problem in the user's program.
    """


# ----------------------------------------------------------------- array leaves
def contains_array(t: Type) -> bool:
    """Is ``t`` a reference-counted type (an array, or a ``str``: a CPython object, whose
    ``array.incref``/``array.decref`` are ``Py_IncRef``/``Py_DecRef``), or a tuple with one
    somewhere inside?"""
    if isinstance(t, (ArrayType, ObjectType)):
        return True
    if isinstance(t, TupleType):
        return any(contains_array(e) for e in t.elements)
    return False


def array_leaves(value: Value, builder: Builder) -> list[Value]:
    """The arrays held by ``value``: itself if it is an array, the array
    elements of a tuple (extracted with ``tuple_get`` ops inserted at
    ``builder``, recursively), or nothing."""
    t = value.type
    if isinstance(t, (ArrayType, ObjectType)):
        return [value]
    if not isinstance(t, TupleType):
        return []
    leaves: list[Value] = []
    for index, element in enumerate(t.elements):
        if contains_array(element):
            part = builder.add(TupleGetOp(value, index))
            leaves.extend(array_leaves(part, builder))
    return leaves


def _insert_refcount_ops(kind: type[Operation], values: Iterable[Value], builder: Builder) -> int:
    """A ``kind`` op (incref or decref) of every array leaf of ``values``;
    returns how many refcount ops were inserted."""
    count = 0
    for value in values:
        for leaf in array_leaves(value, builder):
            builder.insert(kind(leaf))
            count += 1
    return count


# ----------------------------------------------------------------- the rules per op
def _has_array_results(op: Operation) -> bool:
    return any(contains_array(r.type) for r in op.results)


def _ownership(op: Operation):
    """The declared ownership of ``op``'s array results (one for all of them)."""
    kinds = {ownership(op, r.index) for r in op.results if contains_array(r.type)}
    if not kinds:
        return None
    if None in kinds or len(kinds) > 1:
        raise RefcountError(f"the refcount pass has no ownership rule for the array results of "
                            f"'{op.name}' (at {op.loc or 'an unknown location'})")
    return kinds.pop()


def _results_owned(op: Operation) -> bool:
    """Do ``op``'s array results hold a reference (+1) of their own (owned, or a view
    that gets its own reference)?"""
    kind = _ownership(op)
    return kind is not None and (kind.kind == "owns" or kind.kind == "view" and not _views_an_argument(op))


def _is_view(op: Operation) -> bool:
    kind = _ownership(op)
    return kind is not None and kind.kind == "view" and not _views_an_argument(op)


def _views_an_argument(op: Operation) -> bool:
    """``op`` is a view of a function argument, directly or through other views: it
    borrows, as the argument does (the caller keeps the memory alive for the whole
    call), and needs no reference of its own."""
    while True:
        kind = _ownership(op)
        if kind is None or kind.kind != "view":
            return False
        base = op.operand(kind.view_of)
        if isinstance(base, BlockArgument):
            return base.block.parent_op is not None and base.block.parent_op.has_trait(IsolatedFromAbove)
        op = base.owner


def _region_args_owned(op: Operation) -> bool:
    """Do the array arguments of ``op``'s regions hold a reference?  Yes for a region
    op declaring its flow (what flows in is handed on, +1); no for a function (its
    arguments are borrowed)."""
    if is_region_branch(op):
        return True
    if op.has_trait(IsolatedFromAbove):
        return False
    if any(contains_array(a.type) for r in op.regions for a in r.block.args):
        raise RefcountError(f"the refcount pass has no ownership rule for the region arguments "
                            f"of '{op.name}' (at {op.loc or 'an unknown location'})")
    return False


def _loop_inits(op: Operation) -> Sequence[Value]:
    """The operands that ``op`` hands to owned block arguments (``ir.interfaces.entry_operands``)."""
    return [op.operand(i) for i in entry_operands(op)]


# ----------------------------------------------------------------- the rewrite
def _rewrite_block(block: Block, args_owned: bool, live_outer: Sequence[Value] = (),
                   tries: tuple[tuple[TryOp, int], ...] = ()) -> int:
    """Apply the rules to ``block`` and the regions nested in it; returns the
    number of refcount ops inserted.  ``live_outer`` is the live owned set of
    the enclosing blocks at the op that holds ``block``; ``tries``, for each
    ``try`` around it, how much of that set was live outside the ``try``.

    The block is rebuilt in one sweep: its ops are taken out and appended back,
    each with the refcount ops that go before and after it."""
    inserted = 0
    owned: list[Value] = [a for a in block.args if args_owned and contains_array(a.type)]
    ops = block.take_ops()
    term = ops.pop() if ops and ops[-1].has_trait(Terminator) else None
    for op in ops:
        builder = Builder.at_end(block, op.loc)
        inserted += _insert_refcount_ops(ArrayIncrefOp, _loop_inits(op), builder)
        if isinstance(op, LeaveOp):
            inserted += _leave(op, block, (*live_outer, *owned), tries, builder)
        block.append(op)
        isolated = op.has_trait(IsolatedFromAbove)
        live = () if isolated else (*live_outer, *owned)
        boundary = isolated or op.has_trait(ErrorBoundary)   # errors inside end the body only
        inner_tries = () if boundary else (*tries, (op, len(live))) if isinstance(op, TryOp) else tries
        for region in op.regions:
            inserted += _rewrite_block(region.block, _region_args_owned(op), () if boundary else live, inner_tries)
        if has_cleanup_region(op):
            inserted += _add_cleanup(op, live)
        if _results_owned(op):
            owned.extend(r for r in op.results if contains_array(r.type))
        if _is_view(op):
            inserted += _insert_refcount_ops(ArrayIncrefOp, op.results, builder)
    return inserted + _release_at_end(block, owned, term)


def _leave(op: LeaveOp, block: Block, live: Sequence[Value], tries: tuple[tuple[TryOp, int], ...],
           builder: Builder) -> int:
    """Before a ``leave`` (going back into ``block``): an incref of every array it hands to its
    ``try``'s results, then a decref of every owned value it leaves behind (those defined
    inside that ``try``)."""
    target = op.target(block)
    outside = next(count for try_op, count in tries if try_op is target)
    inserted = _insert_refcount_ops(ArrayIncrefOp, op.operands, builder)
    return inserted + _insert_refcount_ops(ArrayDecrefOp, live[outside:], builder)


def _add_cleanup(op: Operation, live: Sequence[Value]) -> int:
    """Give ``op`` a cleanup region releasing the live owned set ``live``
    (nothing when it is empty); returns the number of decrefs."""
    if not live:
        return 0
    if op.regions and not op.has_trait(ErrorBoundary):   # an ErrorBoundary's cleanup follows its body
        raise RefcountError(f"'{op.name}' (at {op.loc or 'an unknown location'}) already has a region")
    region = op.add_region(Region(Block()))
    return _insert_refcount_ops(ArrayDecrefOp, live, Builder.at_end(region.block, op.loc))


def _release_at_end(block: Block, owned: list[Value], term: Operation | None) -> int:
    """At the end of ``block``, then its terminator ``term`` (if any): an incref
    of every transferred array, then a decref of every owned value of the block."""
    builder = Builder.at_end(block, term.loc if term is not None else None)
    transferred: Sequence[Value] = term.operands if term is not None else ()
    inserted = _insert_refcount_ops(ArrayIncrefOp, transferred, builder)
    inserted += _insert_refcount_ops(ArrayDecrefOp, owned, builder)
    if term is not None:
        block.append(term)
    return inserted


def _check_not_run(module: Module) -> None:
    if getattr(module, _DONE_FLAG, False):
        raise RefcountError("the refcount pass has already run on this module; "
                            "it must run exactly once, just before code generation")
    for func in module:
        for op in func.walk():
            if isinstance(op, (ArrayIncrefOp, ArrayDecrefOp)):
                raise RefcountError(f"@{func.sym_name} already contains '{op.name}': the refcount "
                                    "pass must run exactly once, just before code generation")


@register_pass
class RefcountPass:
    """Insert the reference counting of arrays (see the module docstring)."""

    name = "refcount"

    def run(self, module: Module) -> bool:
        _check_not_run(module)
        inserted = 0
        for func in module:
            inserted += _rewrite_block(func.body, args_owned=False)
        setattr(module, _DONE_FLAG, True)
        return inserted > 0
