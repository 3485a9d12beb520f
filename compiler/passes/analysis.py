"""Facts about the IR that several passes use; this module is not a pass.

Decision: a pass never imports another pass (no pass depends on another's
module being there, and the passes form one layer above this one), so what
more than one pass asks of the IR lives here: the constant a value is
(:func:`constant_of`), a value as an affine expression (:func:`affine`, for
``bce`` and ``unroll``), whether an op is a check group
(:func:`is_check_group`, for ``cse`` and ``licm``), and whether two arrays
can share memory (:func:`may_share_memory`, for ``lower-arrays`` and
``vectorize``).
"""
from __future__ import annotations

from typing import Any

from ir.core import BlockArgument, ConstantLike, Operation, Value
from ir.ops import (
    AddOp, ArrayAllocOp, ArrayBroadcastOp, ArrayDimOp, ArrayPartOp, ArrayReshapeOp, ArrayRestrideOp, ArraySubviewOp,
    ArrayTransposeOp, ArrayViewOp, FuncOp, IfOp, RaiseIfOp, SubOp, YieldOp,
)
from ir.records import record

__all__ = ["constant_of", "Affine", "affine", "computed_plus", "is_check_group", "may_share_memory"]


def constant_of(value: Value) -> tuple[bool, Any]:
    """``(True, c)`` when ``value`` is a constant ``c``, else ``(False, None)``."""
    owner = value.owner
    if isinstance(owner, Operation) and owner.has_trait(ConstantLike):
        return True, owner.constant_value()
    return False, None


@record(frozen=True)
class Affine:
    """``base + offset``; ``base`` is ``None`` for a constant, else a hashable key."""

    base: Any
    offset: int
    #: the base is an array extent (never negative)
    extent: bool = False
    #: the value was computed by adding a constant to another value in 64 bits, so it is
    #: ``base + offset`` only modulo 2**64 (never said of a constant or an extent: see
    #: :func:`computed_plus`)
    wraps: bool = False

    def plus(self, k: int) -> "Affine":
        """``base + offset + k`` as a bound (true integer arithmetic)."""
        return Affine(self.base, self.offset + k, self.extent, self.wraps)


def computed_plus(a: Affine, k: int) -> Affine:
    """The affine form of a value computed as ``a``'s value plus ``k`` (an ``add`` or ``sub``
    of a constant, which wraps around in 64 bits): it ``wraps`` when ``k`` moves a base that
    is another SSA value.  A constant's sum is computed exactly (and checked to fit where it
    is used), and array extents are far below 2**62, so small offsets cannot wrap them."""
    moved = a.plus(k)
    if k and a.base is not None and not a.extent:
        return Affine(moved.base, moved.offset, moved.extent, True)
    return moved


def affine(value: Value) -> Affine:
    """``value`` as an affine expression (at worst, itself plus 0): the base is an
    array extent (``array.dim`` of an array, or of an array ``array.alloc`` made,
    which is its extent operand), another SSA value, or nothing (a constant), and
    ``add``/``sub`` of a constant move the offset (:func:`computed_plus`)."""
    owner = value.owner
    known, c = constant_of(value)
    if known and isinstance(c, int) and not isinstance(c, bool):
        return Affine(None, c)
    if isinstance(owner, ArrayDimOp):
        array = owner.operand(0)
        if isinstance(array.owner, ArrayAllocOp):     # the extent it was allocated with
            return affine(array.owner.operand(owner.axis))
        return Affine(("extent", id(array), owner.axis), 0, extent=True)
    if isinstance(owner, (AddOp, SubOp)):
        known, c = constant_of(owner.operand(1))
        if known and isinstance(c, int):
            return computed_plus(affine(owner.operand(0)), c if isinstance(owner, AddOp) else -c)
        known, c = constant_of(owner.operand(0))
        if known and isinstance(c, int) and isinstance(owner, AddOp):
            return computed_plus(affine(owner.operand(1)), c)
    return Affine(("value", id(value)), 0)


def is_check_group(op) -> bool:
    """Whether ``op`` is a *check group*: an ``if`` without results whose
    then-region holds only pure ops and region-free ``raise_if``s and whose
    else-region is empty -- one cheap test guarding exact checks, as
    ``int()`` of a float makes.  It computes nothing; it may only raise."""
    return (isinstance(op, IfOp) and not op.results and len(op.else_block.ops) == 1
            and all(isinstance(inner, YieldOp) or (isinstance(inner, RaiseIfOp) or inner.is_pure)
                    and not inner.regions for inner in op.then_block.ops))


_VIEWS = (ArraySubviewOp, ArrayTransposeOp, ArrayPartOp, ArrayReshapeOp, ArrayRestrideOp, ArrayBroadcastOp, ArrayViewOp)


def memory_root(array: Value) -> Value:
    """The array whose memory ``array`` is a view of (through any chain of view ops;
    ``array.reshape`` counts as a view even where it copies: that only errs towards
    sharing)."""
    while isinstance(array.owner, _VIEWS):
        array = array.owner.operand(0)
    return array


def _known_root(root: Value) -> str | None:
    """``"new"`` for an array this function allocated, ``"argument"`` for one it was
    passed, None for any other (a call's result, a value a loop or branch carries)."""
    if isinstance(root.owner, ArrayAllocOp):
        return "new"
    if isinstance(root, BlockArgument) and isinstance(root.owner.parent_op, FuncOp):
        return "argument"
    return None


def may_share_memory(a: Value, b: Value) -> bool:
    """Whether arrays ``a`` and ``b`` may share memory.  Decision: only what the IR
    proves is apart counts: an array ``array.alloc`` made and an array not viewed
    from that very allocation (another allocation, an argument, or a view of
    either) never share memory; everything else may."""
    ra, rb = memory_root(a), memory_root(b)
    if ra is rb:
        return True
    kinds = {_known_root(ra), _known_root(rb)}
    return not ("new" in kinds and None not in kinds)
