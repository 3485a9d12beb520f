"""The ``version`` pass: loop versioning for the index checks ``bce`` cannot prove.

``for i in range(n): out[i] = x[i]`` keeps the check of ``out[i]`` after
``bce``: nothing ties ``n = len(x)`` to ``len(out)``.  The check can only fire
when the loop runs past ``out``'s end, which is known before the loop starts.
So an innermost ``for`` with step 1 whose body checks ``i + c >= X`` (a
``raise_if`` of that condition, ``i`` the induction variable, ``c`` a small
constant, ``X`` an array extent defined outside the loop) becomes

    if hi <= X - c (for each such check):   # every trip's i + c is below X
        the loop without those checks
    else:
        the loop as it was

``X - c`` cannot wrap (extents are far below 2**62 and ``c`` is small), and a
loop with no trips takes either copy with the same (no) effect.  Python
semantics are kept exactly: when a check would fire, the original loop runs
and raises the same ``IndexError`` at the same trip, after the same stores.
The fast copy is what the vectorizer then works on.  Only innermost loops are
versioned, so the code grows by one copy of each, not exponentially.

**Negative indices.**  ``for j in range(i * i, n, i): flags[j] = True`` keeps
the test ``j < 0`` (and the wrap-around of a negative index that follows it):
nothing bounds ``i * i`` from below (it may have wrapped around).  A loop with a
positive step whose body tests ``j < 0`` for its induction variable ``j`` is
versioned on ``lower >= 0`` (and ``step >= 1`` when the step is no constant);
the fast copy starts at ``max(lower, 0)`` and steps by ``max(step, 1)`` -- the
same values under the guard -- which shows ``bce`` (run after this pass) that
``j`` is never negative: the wrap-around goes, and with it the checks that
``j`` stays below the bound of the range.  Any step that is positive keeps
``j < upper`` on every trip, so the test ``upper <= X - c`` above serves such
loops too.

**Unit strides.**  The innermost loop of a whole-array operation's nest
(``independent``, made by ``lower-arrays``) reads and writes views whose byte
strides are known only at run time (``a[1:-1, :-2]``, a broadcast, an argument
of layout ``A``).  LLVM's vectorizer would guess each stride to be one element
and check all those guesses, and that the arrays do not overlap, before its
vector loop: most of the code, and of the compile time, of such a nest.  So the
loop becomes

    if stride(a, k) == itemsize and ... (each array the loop walks along an axis k
                                         whose stride its layout does not give):
        the loop, its accesses marked ``contiguous_axis = k``
    else:
        the loop, marked ``strided``

Code generation then addresses the marked accesses with the item size as
their stride, and tells LLVM the fast loop's trips are independent
(``compiler.codegen.control``); the ``strided`` copy, for views that really
skip elements, is left as a scalar loop.  Both copies compute the same values
in the same order: the guard only picks the addressing.
"""
from __future__ import annotations

from ir.clone import clone
from ir.core import Operation, Value
from ir.dtypes import to_dtype
from ir.ops import (
    AddOp, AndOp, ArrayDimOp, ArrayLoadOp, ArrayStoreOp, ArrayStrideOp, ConstantOp, EqOp, ForOp, GeOp, IfOp, LeOp,
    LtOp, MaxOp, RaiseIfOp, SubOp, YieldOp,
)
from ir.interfaces import loop_regions
from ir.rewriting import Rewriter
from ir.types import i64

from .analysis import constant_of
from .base import OpPass, register_pass, remark

#: offsets ``c`` (``i + c``) small enough that ``extent - c`` cannot wrap
MAX_OFFSET = 1 << 32


@register_pass
class LoopVersioning(OpPass):
    name = "version"
    #: run after this pass when it changed the module (in a level's pipeline): the copy
    #: that starts at 0 or above has checks ``bce`` now decides, the copies of the loop
    #: hold invariant code again, and the guard repeats what the loop computes
    cleanup = ("bce", "licm", "cse", "dce")

    def visit(self, op: Operation) -> bool:
        if not isinstance(op, ForOp):
            return False
        known, step = constant_of(op.step)
        if known and step <= 0:
            return False
        if any(loop_regions(inner) for inner in op.body.walk()):   # not an innermost loop
            return False
        if step == 1 and op.attributes.get("independent") and not op.attributes.get("strided"):
            walked = _walked_axes(op)
            if walked:
                _version_strides(op, walked, self.rewriter)
                remark(self, op, f"loop versioned: {len(walked)} array(s) walked with strides known at run time; "
                                 "the copy for unit strides has contiguous accesses and no overlap checks")
                return True
        checks = {}
        negative = False
        for inner in op.body.walk():
            if isinstance(inner, RaiseIfOp):
                bound = _past_the_end(inner.cond, op)
                if bound is not None:
                    checks[inner] = bound
            negative = negative or _is_negative_test(inner, op)
        if not (checks or negative):
            return False
        _version(op, checks, negative, self.rewriter)
        if checks:
            remark(self, op, f"loop versioned: {len(checks)} index check(s) cannot fire when the loop stays "
                             "inside the arrays, checked once before it")
        if negative:
            remark(self, op, "loop versioned: its index cannot be negative when the range starts at 0 or "
                             "above, checked once before it")
        return True


def _is_negative_test(op: Operation, loop: ForOp) -> bool:
    """Whether ``op`` is ``i < 0`` for ``loop``'s induction variable ``i`` (the test of a
    negative index that ``bce`` could not decide)."""
    return (isinstance(op, LtOp) and op.operand(0) is loop.induction_var
            and constant_of(op.operand(1)) == (True, 0))


def _past_the_end(cond: Value, loop: ForOp) -> tuple[Value, int] | None:
    """``(X, c)`` if ``cond`` is ``i + c >= X`` for ``loop``'s induction variable ``i``, an
    array extent ``X`` defined outside the loop and a small constant ``c``."""
    test = cond.owner
    if not isinstance(test, GeOp):
        return None
    index, extent = test.operands
    if not isinstance(extent.owner, ArrayDimOp) or loop.is_ancestor_of(extent.owner):
        return None
    offset = 0
    if isinstance(index.owner, (AddOp, SubOp)):
        known, c = constant_of(index.owner.operand(1))
        if not (known and isinstance(c, int) and not isinstance(c, bool)):
            return None
        offset = c if isinstance(index.owner, AddOp) else -c
        index = index.owner.operand(0)
    if index is not loop.induction_var or abs(offset) >= MAX_OFFSET:
        return None
    return extent, offset


def _version(loop: ForOp, checks: dict[RaiseIfOp, tuple[Value, int]], negative: bool, rewriter: Rewriter) -> None:
    """``loop`` in an ``if`` on its ``checks`` not firing: the copy taken when they cannot
    has them removed.  With ``negative`` the guard also asks that the range starts at 0 or
    above, and that copy starts at ``max(lower, 0)`` (the same value there), which shows
    ``bce`` (this pass's cleanup) that its index is never negative.  A step that is not a
    constant is asked to be positive too (``i < upper`` on every trip needs it) and becomes
    ``max(step, 1)`` in that copy."""
    loc = loop.loc

    def before(new: Operation) -> Value:
        return rewriter.insert_before(loop, new).result

    zero, one = (before(ConstantOp(c, i64, loc=loc)) for c in (0, 1))
    tests = [before(LeOp(loop.upper, extent if offset == 0 else
                         before(SubOp(extent, before(ConstantOp(offset, i64, loc=loc)), loc=loc)), loc=loc))
             for extent, offset in dict.fromkeys(checks.values())]
    if negative:
        tests.append(before(GeOp(loop.lower, zero, loc=loc)))
    variable_step = not constant_of(loop.step)[0]
    if variable_step:
        tests.append(before(GeOp(loop.step, one, loc=loc)))
    inside = tests[0]
    for test in tests[1:]:
        inside = before(AndOp(inside, test, loc=loc))
    guard = rewriter.insert_before(loop, IfOp(inside, [r.type for r in loop.results], loc=loc))
    for result, new in zip(loop.results, guard.results):
        rewriter.replace_uses(result, new)
    fast = clone(loop, {})
    guard.then_block.append(fast)
    if negative:
        fast.set_operand(0, rewriter.insert_before(fast, MaxOp(loop.lower, zero, loc=loc)).result)
    if variable_step:
        fast.set_operand(2, rewriter.insert_before(fast, MaxOp(loop.step, one, loc=loc)).result)
    guard.then_block.append(YieldOp(list(fast.results), loc=loc))
    copies = dict(zip(loop.body.walk(), fast.body.walk()))   # the same structure, op for op
    for check in checks:
        copies[check].erase()
    loop.detach()
    guard.else_block.append(loop)
    rewriter.modified(guard)
    guard.else_block.append(YieldOp(list(loop.results), loc=loc))


def _walked_axes(loop: ForOp) -> dict[tuple[Value, int], list[Operation]]:
    """The arrays ``loop`` loads or stores along an axis ``k`` (its induction variable the
    ``k``-th index) whose stride their layout does not give, each with its accesses;
    empty when there are none, or when an access cannot be so addressed (the induction
    variable at two indices, an array made in the loop)."""
    walked: dict[tuple[Value, int], list[Operation]] = {}
    for op in loop.body.walk():
        if not isinstance(op, (ArrayLoadOp, ArrayStoreOp)) or "contiguous_axis" in op.attributes:
            continue
        axes = [k for k, index in enumerate(op.indices) if index is loop.induction_var]
        if not axes:
            continue
        if len(axes) > 1 or loop.is_ancestor_of(op.array.owner):
            return {}
        t, k = op.array.type, axes[0]
        if (t.layout, k) in (("C", t.ndim - 1), ("F", 0)):
            continue
        walked.setdefault((op.array, k), []).append(op)
    return walked


def _version_strides(loop: ForOp, walked: dict[tuple[Value, int], list[Operation]], rewriter: Rewriter) -> None:
    loc = loop.loc

    def before(new: Operation) -> Value:
        return rewriter.insert_before(loop, new).result

    unit = None
    for array, axis in walked:
        itemsize = before(ConstantOp(int(to_dtype(array.type.dtype).itemsize), i64, loc=loc))
        same = before(EqOp(before(ArrayStrideOp(array, axis, loc=loc)), itemsize, loc=loc))
        unit = same if unit is None else before(AndOp(unit, same, loc=loc))
    guard = rewriter.insert_before(loop, IfOp(unit, [r.type for r in loop.results], loc=loc))
    for result, new in zip(loop.results, guard.results):
        rewriter.replace_uses(result, new)
    fast = clone(loop, {})
    copies = dict(zip(loop.body.walk(), fast.body.walk()))   # the same structure, op for op
    for (_, axis), accesses in walked.items():
        for access in accesses:
            copies[access].attributes["contiguous_axis"] = axis
    guard.then_block.append(fast)
    guard.then_block.append(YieldOp(list(fast.results), loc=loc))
    loop.detach()
    loop.attributes["strided"] = True
    guard.else_block.append(loop)
    rewriter.modified(guard)
    guard.else_block.append(YieldOp(list(loop.results), loc=loc))
