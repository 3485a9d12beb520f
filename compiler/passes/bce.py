"""The ``bce`` pass: bounds-check elimination by range analysis.

An index check is a comparison (``lt %i, 0`` for a negative index, ``ge %i,
%dim`` past the end) feeding a ``raise_if``.  This pass decides integer
comparisons whose outcome follows from loop bounds and array extents, and
replaces each decided one by a constant.  It applies that rule
(:class:`DecideComparison`) together with the fold patterns
(:mod:`compiler.passes.canonical`) until neither applies: a decided
``i < 0`` removes the ``select`` that wrapped a negative index, which puts
``i`` itself under the next check, which is then decided too; a ``raise_if``
that can no longer fire goes, and so does what becomes unused.

Values are tracked as *affine* expressions ``base + k``
(:func:`compiler.passes.analysis.affine`): ``base`` is an array extent
(``array.dim`` of an array, or of an array ``array.alloc`` made, which is its
extent operand), another SSA value, or nothing (a constant), and ``k`` an
integer; ``add``/``sub`` of a constant move ``k``, also the bounds of a ``min``/``max``.
The induction variable of a ``for`` whose step's sign is known (a constant, or
a value the bounds prove positive or negative) lies, inside the body (which runs
only when there are trips), between the lower bound and the last value before
the upper bound.  ``a < b`` is decided when
the bounds of both sides share a base (or are both constants) and their
offsets settle it; array extents are never negative, which settles
``extent + k >= 0`` for ``k >= 0``.  Array extents are far below 2**62, so
the small offsets involved cannot wrap; constant-only facts are computed
exactly and used only inside the 64-bit range.  Two sides on the same other
SSA value compare by their offsets only where neither was computed by adding a
constant to it (which wraps around in 64 bits): ``i < n`` is decided inside
``for i in range(k, n)``, ``i + 1 < n`` is not.
"""
from __future__ import annotations

from ir import Module
from ir.core import BlockArgument, Operation, Value
from ir.ops import (
    AddOp, AndOp, CompareOp, ConstantOp, EqOp, ForOp, GeOp, GtOp, LeOp, LtOp, MaxOp, MinOp, ModOp, MulOp, NeOp,
    SelectOp, ShrOp, SubOp,
)
from ir.rewriting import Pattern, Rewriter, apply_patterns
from ir.types import IntType, bool_

from .analysis import Affine, affine, computed_plus, constant_of
from .base import changes_of, register_pass, remark
from .canonical import PATTERNS as CANONICAL


def bounds(value: Value) -> tuple[Affine, Affine]:
    """The least and greatest values ``value`` can have, as affine expressions."""
    owner = value.owner
    if isinstance(owner, (MinOp, MaxOp)) and isinstance(value.type, IntType) and value.type.signed:
        return _extreme_bounds(owner)
    if isinstance(owner, SelectOp):
        wrapped = _wrapped_index(owner)
        if wrapped is not None:
            return wrapped
    base = value
    offset = 0
    owner = value.owner
    if isinstance(owner, (AddOp, SubOp)):
        known, c = constant_of(owner.operand(1))
        if known and isinstance(c, int):
            base, offset = owner.operand(0), (c if isinstance(owner, AddOp) else -c)
        elif isinstance(owner, AddOp):
            known, c = constant_of(owner.operand(0))
            if known and isinstance(c, int):
                base, offset = owner.operand(1), c
    exact = affine(value)
    known_range = _constant_range(base)
    if known_range is not None:
        least, greatest = (Affine(None, bound + offset) for bound in known_range)
        return (least, greatest) if _fits(least) and _fits(greatest) else (exact, exact)
    if offset and isinstance(base.owner, (MinOp, MaxOp)) and isinstance(base.type, IntType) and base.type.signed:
        least, greatest = (computed_plus(bound, offset) for bound in _extreme_bounds(base.owner))
        return (least, greatest) if _fits(least) and _fits(greatest) else (exact, exact)
    loop = _loop_of_induction_variable(base)
    if loop is None:
        return exact, exact
    (lower_least, lower_greatest), (upper_least, upper_greatest) = bounds(loop.lower), bounds(loop.upper)
    if _step_sign(loop) > 0:
        least, greatest = lower_least, upper_greatest.plus(-1)
    else:
        least, greatest = upper_least.plus(1), lower_greatest
    least, greatest = computed_plus(least, offset), computed_plus(greatest, offset)
    if not (_fits(least) and _fits(greatest)):   # the run-time value would wrap around
        return exact, exact
    return least, greatest


def _constant_range(value: Value, depth: int = 0) -> tuple[int, int] | None:
    """The least and greatest values of a signed integer ``value`` whatever its operands
    are, where its op bounds it by constants: ``x & m`` for a constant ``m >= 0`` lies in
    ``[0, m]`` (two's complement: the sign bit is cleared), Python's ``x % m`` for a
    constant ``m > 0`` in ``[0, m - 1]`` (``m < 0``: ``[m + 1, 0]``), ``x >> k`` for a
    constant ``0 <= k`` in ``x``'s range shifted, and ``+``, ``-``, ``*`` of operands whose
    bounds are constants (loop counters too) in the range interval arithmetic gives; None
    for any other value, and where the range leaves the type's (the operation wrapped
    around).  (``table[(crc ^ byte) & 0xFF]``, a radix sort's ``counts[base + (key >> shift
    & 2047)]`` and its ``counts[digit * 2048 + j]``: the checks these settle go.)"""
    t = value.type
    if not (isinstance(t, IntType) and t.signed) or depth > _RANGE_DEPTH:
        return None
    found = _op_range(value.owner, depth)
    if found is None or not t.min <= found[0] <= found[1] <= t.max:
        return None
    return found


#: how deep :func:`_constant_range` follows operands (an expression tree can share operands)
_RANGE_DEPTH = 6


def _op_range(owner: Operation | None, depth: int) -> tuple[int, int] | None:
    if isinstance(owner, AndOp):
        masks = [c for known, c in map(constant_of, owner.operands) if known and isinstance(c, int) and c >= 0]
        return (0, min(masks)) if masks else None
    if isinstance(owner, ModOp):
        known, m = constant_of(owner.operand(1))
        if not (known and isinstance(m, int) and m):
            return None
        return (0, m - 1) if m > 0 else (m + 1, 0)
    if isinstance(owner, ShrOp):
        known, k = constant_of(owner.operand(1))
        inner = _operand_range(owner.operand(0), depth)
        if not (known and isinstance(k, int) and k >= 0 and inner is not None):
            return None
        k = min(k, 127)
        return inner[0] >> k, inner[1] >> k
    if isinstance(owner, (AddOp, SubOp, MulOp)):
        a, b = (_operand_range(v, depth) for v in owner.operands)
        if a is None or b is None:
            return None
        if isinstance(owner, AddOp):
            return a[0] + b[0], a[1] + b[1]
        if isinstance(owner, SubOp):
            return a[0] - b[1], a[1] - b[0]
        corners = [x * y for x in a for y in b]
        return min(corners), max(corners)
    return None


def _operand_range(value: Value, depth: int) -> tuple[int, int] | None:
    """Constant bounds of ``value``: its own op's (:func:`_constant_range`), or what
    :func:`bounds` proves (a constant, a loop counter between constants)."""
    if not (isinstance(value.type, IntType) and value.type.signed):
        return None
    found = _constant_range(value, depth + 1)
    if found is not None:
        return found
    if not (isinstance(value, BlockArgument) or isinstance(value.owner, (ConstantOp, MinOp, MaxOp, SelectOp))):
        return None   # no constant, loop counter, min, max or index wrap: bounds finds no constants
    least, greatest = bounds(value)
    if least.base is None and greatest.base is None:
        return least.offset, greatest.offset
    return None


def _extreme_bounds(op: MinOp | MaxOp) -> tuple[Affine, Affine]:
    """``min(a, b)`` is at most either's greatest value, ``max(a, b)`` at least either's least;
    the other bound is the operands' lower (higher) one where that is proven."""
    (a_lo, a_hi), (b_lo, b_hi) = bounds(op.operand(0)), bounds(op.operand(1))
    exact = affine(op.result)
    if isinstance(op, MinOp):
        least = a_lo if _le(a_lo, b_lo) else b_lo if _le(b_lo, a_lo) else exact
        return least, _preferred(a_hi, b_hi, _le)
    greatest = a_hi if _le(b_hi, a_hi) else b_hi if _le(a_hi, b_hi) else exact
    return _preferred(a_lo, b_lo, lambda x, y: _le(y, x)), greatest


def _preferred(a: Affine, b: Affine, tighter) -> Affine:
    """Of two valid bounds, the tighter where proven, else the one on an array extent (what
    index checks compare with), else a constant, else ``a``."""
    if tighter(b, a) and not tighter(a, b):
        return b
    if tighter(a, b):
        return a
    rank = {True: 2, False: 0}
    return b if rank[b.extent] + (b.base is None) > rank[a.extent] + (a.base is None) else a


def _wrapped_index(op: SelectOp) -> tuple[Affine, Affine] | None:
    """The bounds of a negative index wrapped around an extent, ``select(i < 0, i + n, i)``:
    below ``n`` when ``i`` is (a negative ``i`` plus ``n`` is too); None for any other
    ``select``.  (Where ``i`` is known not to be negative, the test is decided and the
    ``select`` folded away instead.)"""
    test, wrapped, index = op.operands
    if not (isinstance(test.owner, LtOp) and test.owner.operand(0) is index and constant_of(test.owner.operand(1))
            == (True, 0) and isinstance(wrapped.owner, AddOp) and index in wrapped.owner.operands):
        return None
    extent = wrapped.owner.operand(1) if wrapped.owner.operand(0) is index else wrapped.owner.operand(0)
    n = affine(extent)
    if not n.extent:
        return None
    exact = affine(op.result)
    return exact, n.plus(-1) if less(bounds(index)[1], n) else exact


def _fits(a: Affine) -> bool:
    return a.base is not None or -(1 << 63) <= a.offset < (1 << 63)


def _loop_of_induction_variable(value: Value) -> ForOp | None:
    """The ``for`` whose induction variable ``value`` is, if its step's sign is known."""
    if not isinstance(value, BlockArgument) or value.index != 0:
        return None
    loop = value.owner.parent_op
    return loop if isinstance(loop, ForOp) and _step_sign(loop) else None


def _step_sign(loop: ForOp) -> int:
    """1 or -1 when ``loop``'s step is a positive or negative constant, or proven so by its
    bounds (``range(j, n, i)`` inside ``for i in range(2, n)``), else 0."""
    known, step = constant_of(loop.step)
    if known:
        return (step > 0) - (step < 0)
    least, greatest = bounds(loop.step)
    if least.base is None and least.offset > 0:
        return 1
    if greatest.base is None and greatest.offset < 0:
        return -1
    return 0


def less(a: Affine, b: Affine) -> bool:
    """Proven ``a < b``: both constants, or the same extent, or the same SSA value where
    neither side is a 64-bit sum that could have wrapped around (:attr:`Affine.wraps`: the
    greatest value of ``i`` in ``range(lo, n)`` is ``n - 1`` as an integer, below ``n``), or
    a constant below an extent plus at least as much (extents are >= 0)."""
    if a.base == b.base and (a.base is None or a.extent or not (a.wraps or b.wraps)):
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
    if isinstance(op, (EqOp, NeOp)):
        apart = _decide_lt(*a, *b) is True or _decide_lt(*b, *a) is True
        return (not isinstance(op, EqOp)) if apart else None
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


class DecideComparison(Pattern):
    """A signed integer comparison that loop bounds and array extents settle becomes
    a constant (and the pass that applies it says so in a remark)."""

    ops = (LtOp, GeOp, GtOp, LeOp, EqOp, NeOp)

    def __init__(self, pass_: object) -> None:
        self.pass_ = pass_

    def match_and_rewrite(self, op: Operation, rewriter: Rewriter) -> bool:
        if not (isinstance(op.operand(0).type, IntType) and op.operand(0).type.signed):
            return False
        decided = _decide(op)
        if decided is None:
            return False
        remark(self.pass_, op, f"'{op.name}' is always {decided} here: proven by loop bounds and array extents")
        const = rewriter.insert_before(op, ConstantOp(decided, bool_, loc=op.loc))
        rewriter.replace(op, [const.result])
        return True


@register_pass
class BoundsCheckElimination:
    name = "bce"

    def run(self, module: Module) -> bool:
        return apply_patterns(module, (DecideComparison(self), *CANONICAL), changes_of(self))
