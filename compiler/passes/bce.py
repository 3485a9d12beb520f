"""The ``bce`` pass: bounds-check elimination by range analysis.

An index check is a comparison (``lt %i, 0`` for a negative index, ``ge %i,
%dim`` past the end) feeding a ``raise_if``.  This pass decides integer
comparisons whose outcome follows from loop bounds and array extents, and
replaces each decided one by a constant; ``fold`` then removes the
``select`` that wrapped a negative index and the ``raise_if`` that can no
longer fire, and ``dce`` the rest.

Values are tracked as *affine* expressions ``base + k``
(:func:`compiler.passes.analysis.affine`): ``base`` is an array extent
(``array.dim`` of an array, or of an array ``array.alloc`` made, which is its
extent operand), another SSA value, or nothing (a constant), and ``k`` an
integer; ``add``/``sub`` of a constant move ``k``.
The induction variable of a ``for`` with a constant non-zero step lies,
inside the body (which runs only when there are trips), between the lower
bound and the last value before the upper bound.  ``a < b`` is decided when
the bounds of both sides share a base (or are both constants) and their
offsets settle it; array extents are never negative, which settles
``extent + k >= 0`` for ``k >= 0``.  Array extents are far below 2**62, so
the small offsets involved cannot wrap; constant-only facts are computed
exactly and used only inside the 64-bit range.
"""
from __future__ import annotations

from ir.core import BlockArgument, Operation, Value
from ir.ops import AddOp, CompareOp, ConstantOp, ForOp, GeOp, GtOp, LeOp, LtOp, SubOp
from ir.types import IntType, bool_

from .analysis import Affine, affine, constant_of
from .base import OpPass, register_pass, remark


def bounds(value: Value) -> tuple[Affine, Affine]:
    """The least and greatest values ``value`` can have, as affine expressions."""
    base = value
    offset = 0
    owner = value.owner
    if isinstance(owner, (AddOp, SubOp)):
        known, c = constant_of(owner.operand(1))
        if known and isinstance(c, int):
            base, offset = owner.operand(0), (c if isinstance(owner, AddOp) else -c)
    exact = affine(value)
    loop = _loop_of_induction_variable(base)
    if loop is None:
        return exact, exact
    _, step = constant_of(loop.step)
    lower, upper = affine(loop.lower), affine(loop.upper)
    least, greatest = (lower.plus(offset), upper.plus(offset - 1)) if step > 0 else \
        (upper.plus(offset + 1), lower.plus(offset))
    if not (_fits(least) and _fits(greatest)):   # the run-time value would wrap around
        return exact, exact
    return least, greatest


def _fits(a: Affine) -> bool:
    return a.base is not None or -(1 << 63) <= a.offset < (1 << 63)


def _loop_of_induction_variable(value: Value) -> ForOp | None:
    if not isinstance(value, BlockArgument) or value.index != 0:
        return None
    loop = value.owner.parent_op
    if not isinstance(loop, ForOp):
        return None
    known, step = constant_of(loop.step)
    return loop if known and step != 0 else None


def less(a: Affine, b: Affine) -> bool:
    """Proven ``a < b``: both constants, or the same extent, or a constant below an
    extent plus at least as much (extents are >= 0).  Other bases could wrap."""
    if a.base == b.base and (a.base is None or a.extent):
        return a.offset < b.offset
    if a.base is None and b.extent:
        return a.offset < b.offset
    return False


def _decide(op: CompareOp) -> bool | None:
    """The comparison's outcome on every run, or ``None`` if it is not settled."""
    a, b = bounds(op.operand(0)), bounds(op.operand(1))
    if isinstance(op, LtOp):
        return _decide_lt(*a, *b)
    if isinstance(op, GtOp):
        return _decide_lt(*b, *a)
    decided = _decide_lt(*a, *b) if isinstance(op, GeOp) else _decide_lt(*b, *a)  # ge, le
    return None if decided is None else not decided


def _decide_lt(a_lo: Affine, a_hi: Affine, b_lo: Affine, b_hi: Affine) -> bool | None:
    """``a < b`` for every value in the bounds (``True``), for none (``False``), or unknown."""
    if less(a_hi, b_lo):
        return True
    if _le(b_hi, a_lo):
        return False
    return None


def _le(a: Affine, b: Affine) -> bool:
    """Proven ``a <= b``."""
    return less(a, b.plus(1))


@register_pass
class BoundsCheckElimination(OpPass):
    name = "bce"

    def visit(self, op: Operation) -> bool:
        if not (isinstance(op, (LtOp, GeOp, GtOp, LeOp)) and isinstance(op.operand(0).type, IntType)
                and op.operand(0).type.signed):
            return False
        decided = _decide(op)
        if decided is None:
            return False
        remark(self, op, f"'{op.name}' is always {decided} here: proven by loop bounds and array extents")
        _replace_by(op, decided)
        return True


def _replace_by(op: Operation, value: bool) -> None:
    const = ConstantOp(value, bool_, loc=op.loc)
    block = op.parent
    block.insert(block.index_of(op), const)
    op.result.replace_all_uses_with(const.result)
    op.erase()
