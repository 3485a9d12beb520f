"""Constant folding and canonicalization, as rewrite patterns (:data:`PATTERNS`);
not a pass: the ``fold`` pass applies them, and ``bce`` applies them with its own.

Every op folds from one definition of its semantics, its class's
``evaluate`` (Python's, see :mod:`ir.ops.arith`).  Folding never hides a
run-time error: an op whose ``evaluate`` raises (``1 // 0``,
``math.sqrt(-1.0)``) stays as it is, and so does a ``raise_if`` whose
condition is true; only a ``raise_if`` that can never fire goes.  Ops on
``f32``/``c64`` fold only where computing in double precision and rounding
gives exactly the single-precision result (``+ - * /``, negation,
comparisons and casts); the rest are left to run in single precision.

Canonicalizations:

* ``select`` and ``if`` on a constant keep the chosen value or region;
* an ``if`` whose regions only yield numbers (constants, or values from outside) is a
  ``select`` of them for each result, and ``select c, true, false`` is ``c`` (``false,
  true``: ``not c``) -- the flag ``do_return = c`` an early ``return`` leaves behind
  becomes ``c`` itself, with no branch;
* a ``for`` whose constant bounds give zero trips is replaced by its inits;
* the algebraic identities of :data:`IDENTITIES` (one rule a line);
* an integer compared with its own type's least or greatest value;
* a value widened by a ``cast`` and compared with a constant that the narrower
  type holds exactly, or with another value widened from the same type, is
  compared in the narrower type (``cast(x: i32) > 0`` becomes ``x > 0`` on
  ``i32``): the same answer, and no cast left in loops the vectorizer wants to
  be of one element type;
* ``isnan(sqrt(x))`` is ``isnan(x)`` where ``x`` is never below zero (a sum of
  squares, :func:`never_negative`), and ``b and not b`` is False (``b or not b``
  True): so ``math.sqrt``'s domain check of a distance goes;
* the extent of an array a whole-array op made is the extent it was made with
  (the operand of ``array.map`` and ``array.reshape``, the count of
  ``array.subview``, the permuted extent of ``array.transpose``), so shapes
  computed twice become one value (what ``fuse`` matches, what ``bce`` bounds).
"""
from __future__ import annotations

import struct
from typing import Any, Callable

from ir.core import Operation, Value
from ir.ops import (
    AddOp, AndOp, ArrayDimOp, ArrayTransposeOp, CastOp, CompareOp, ConstantOp, DivOp, EqOp, FloatTestOp, FloorDivOp,
    ForOp, GeOp, GtOp, IfOp, LeOp, LtOp, MathOp, MaxOp, MinOp, MulOp, NeOp, NotOp, OrOp, RaiseIfOp, SelectOp, ShlOp,
    ShrOp, SubOp, XorOp, known_extent,
)
from ir.interfaces import exact_in_single
from ir.rewriting import Pattern, Rewriter, pattern
from ir.types import BoolType, ComplexType, FloatType, IntType, Type, c64, f32

from .analysis import constant_of

#: errors ``evaluate`` raises where an op is undefined: the op is left alone
UNDEFINED = (ArithmeticError, ValueError, TypeError)


def _is_int(t: Type) -> bool:
    return isinstance(t, IntType)


def _is_bool(t: Type) -> bool:
    return isinstance(t, BoolType)


def _any_type(t: Type) -> bool:
    return True


#: ``x op c`` or ``c op x`` with the constant ``c`` -> ``x`` (``"x"``) or a constant.
#: (op class, side of the constant, the constant, types it holds for, result)
IDENTITIES: list[tuple[type, str, Any, Callable[[Type], bool], Any]] = [
    (AddOp, "either", 0, _is_int, "x"),            # x + 0 (not for floats: -0.0 + 0 is 0.0)
    (SubOp, "right", 0, _any_type, "x"),           # x - 0, x - 0.0
    (MulOp, "either", 1, _any_type, "x"),          # x * 1, x * 1.0
    (MulOp, "either", 0, _is_int, 0),              # x * 0 (not for floats: nan * 0, -1.0 * 0)
    (DivOp, "right", 1, _any_type, "x"),           # x / 1.0
    (FloorDivOp, "right", 1, _is_int, "x"),        # x // 1
    (OrOp, "either", 0, _is_int, "x"),             # x | 0
    (XorOp, "either", 0, _is_int, "x"),            # x ^ 0
    (AndOp, "either", -1, _is_int, "x"),           # x & -1
    (AndOp, "either", 0, _is_int, 0),              # x & 0
    (ShlOp, "right", 0, _is_int, "x"),             # x << 0
    (ShrOp, "right", 0, _is_int, "x"),             # x >> 0
    (OrOp, "either", False, _is_bool, "x"),        # b or False (on bools: no short-circuit left)
    (OrOp, "either", True, _is_bool, True),        # b or True
    (AndOp, "either", True, _is_bool, "x"),        # b and True
    (AndOp, "either", False, _is_bool, False),     # b and False
]
#: ``x op x`` -> ``x`` or a constant (ints only where floats differ: ``nan - nan``)
SAME_OPERAND: list[tuple[type, Callable[[Type], bool], Any]] = [
    (SubOp, _is_int, 0),                           # x - x
    (XorOp, _is_int, 0),                           # x ^ x
    (AndOp, _is_int, "x"),                         # x & x
    (OrOp, _is_int, "x"),                          # x | x
    (MinOp, _any_type, "x"),                       # min(x, x)
    (MaxOp, _any_type, "x"),                       # max(x, x)
    (EqOp, _is_int, True),                         # x == x (not for floats: nan)
    (LeOp, _is_int, True),                         # x <= x
    (GeOp, _is_int, True),                         # x >= x
    (NeOp, _is_int, False),                        # x != x
    (LtOp, _is_int, False),                        # x < x
    (GtOp, _is_int, False),                        # x > x
]


@pattern(RaiseIfOp)
def _check_that_never_fires(op: RaiseIfOp, rewriter: Rewriter) -> bool:
    known, cond = constant_of(op.cond)
    if known and not cond:
        rewriter.erase(op)
        return True
    return False


@pattern(SelectOp)
def _select_known(op: SelectOp, rewriter: Rewriter) -> bool:
    known, cond = constant_of(op.operand(0))
    if known:
        rewriter.replace(op, [op.operand(1 if cond else 2)])
        return True
    if op.operand(1) is op.operand(2):
        rewriter.replace(op, [op.operand(1)])
        return True
    picks = [constant_of(v) for v in (op.operand(1), op.operand(2))]
    if isinstance(op.result.type, BoolType) and all(known for known, _ in picks) and picks[0][1] != picks[1][1]:
        cond = op.operand(0)
        rewriter.replace(op, [cond if picks[0][1] else rewriter.insert_before(op, NotOp(cond, loc=op.loc)).result])
        return True
    return False


@pattern(IfOp)
def _if_of_values(op: IfOp, rewriter: Rewriter) -> bool:
    """An ``if`` whose regions hold nothing but constants: a ``select`` for each result."""
    blocks = (op.then_block, op.else_block)
    if not op.results or not all(isinstance(r.type, (BoolType, IntType, FloatType, ComplexType)) for r in op.results) \
            or any(not isinstance(inner, ConstantOp) for b in blocks for inner in b.ops[:-1]):
        return False
    then_values = rewriter.inline_block_before(op.then_block, op)
    else_values = rewriter.inline_block_before(op.else_block, op)
    rewriter.replace(op, [a if a is b else rewriter.insert_before(op, SelectOp(op.cond, a, b, loc=op.loc)).result
                          for a, b in zip(then_values, else_values)])
    return True


@pattern(IfOp)
def _if_known(op: IfOp, rewriter: Rewriter) -> bool:
    """An ``if`` on a constant: the chosen region's ops take its place."""
    known, cond = constant_of(op.cond)
    if not known:
        return False
    values = rewriter.inline_block_before(op.then_block if cond else op.else_block, op)
    rewriter.replace(op, values)
    return True


@pattern(ForOp)
def _loop_without_trips(op: ForOp, rewriter: Rewriter) -> bool:
    """A ``for`` whose constant bounds give no trips: its results are its inits."""
    bounds = [constant_of(v) for v in (op.lower, op.upper, op.step)]
    if not all(known for known, _ in bounds):
        return False
    lower, upper, step = (c for _, c in bounds)
    if step == 0 or len(range(lower, upper, step)) != 0:
        return False
    rewriter.replace(op, list(op.inits))
    return True


@pattern()
def _evaluate(op: Operation, rewriter: Rewriter) -> bool:
    """An op whose operands are all constants becomes the constant its ``evaluate`` gives."""
    if not hasattr(op, "evaluate") or len(op.results) != 1 or op.regions:
        return False
    constants = [constant_of(v) for v in op.operands]
    if not constants or not all(known for known, _ in constants):
        return False
    single = any(t in (f32, c64) for t in (*(v.type for v in op.operands), op.result.type))
    if single and not exact_in_single(op):   # the op declares whether rounding the double result is exact
        return False
    try:
        value = op.evaluate(*(c for _, c in constants), op.result.type)
    except UNDEFINED:
        return False
    return _replace_by_constant(op, value, rewriter)


@pattern(*dict.fromkeys(cls for cls, *_ in (*IDENTITIES, *SAME_OPERAND)))
def _identity(op: Operation, rewriter: Rewriter) -> bool:
    """The rules of :data:`SAME_OPERAND` and :data:`IDENTITIES`."""
    if len(op.operands) != 2:
        return False
    x, y = op.operands
    t = x.type   # the operands' type (for a comparison, not its result's)
    if x is y:
        for cls, holds, result in SAME_OPERAND:
            if type(op) is cls and holds(t):
                return _replace(op, x, rewriter) if result == "x" else _replace_by_constant(op, result, rewriter)
    for cls, side, c, holds, result in IDENTITIES:
        if type(op) is not cls or not holds(t):
            continue
        for const, other, where in ((y, x, "right"), (x, y, "left")):
            if side not in (where, "either"):
                continue
            known, value = constant_of(const)
            if known and isinstance(value, bool) == isinstance(c, bool) and value == c:
                return _replace(op, other, rewriter) if result == "x" else _replace_by_constant(op, result, rewriter)
    return False


@pattern(LtOp, GtOp, LeOp, GeOp)
def _beyond_the_type(op: CompareOp, rewriter: Rewriter) -> bool:
    """An integer compared with its type's own least or greatest value: ``x < MIN``
    and ``x > MAX`` are false, ``x >= MIN`` and ``x <= MAX`` true (for any ``x``)."""
    if not _is_int(op.operand(0).type):
        return False
    t = op.operand(0).type
    known, c = constant_of(op.operand(1))
    if not known:
        return False
    decided = {(LtOp, t.min): False, (GeOp, t.min): True, (GtOp, t.max): False, (LeOp, t.max): True}
    value = decided.get((type(op), c))
    return False if value is None else _replace_by_constant(op, value, rewriter)


@pattern(CompareOp)
def _compare_narrower(op: CompareOp, rewriter: Rewriter) -> bool:
    """``cast(x) OP c`` -> ``x OP c'`` where the cast only widens (every value of ``x``'s
    type is one of the wider type) and ``c'``, ``c`` in ``x``'s type, is exactly ``c``."""
    first, second = (v.owner for v in op.operands)
    if isinstance(first, CastOp) and isinstance(second, CastOp) \
            and first.operand(0).type == second.operand(0).type and _widens(first.operand(0).type, op.operand(0).type):
        rewriter.set_operand(op, 0, first.operand(0))     # two values widened alike: compared as they were
        rewriter.set_operand(op, 1, second.operand(0))
        return True
    for side in (0, 1):
        cast, known = op.operand(side).owner, constant_of(op.operand(1 - side))
        if not isinstance(cast, CastOp) or not known[0]:
            continue
        narrow, wide = cast.operand(0).type, cast.result.type
        if not _widens(narrow, wide) or not _holds(narrow, known[1]):
            continue
        const = ConstantOp(float(known[1]) if isinstance(narrow, FloatType) else known[1], narrow, loc=op.loc)
        rewriter.insert_before(op, const)
        rewriter.set_operand(op, side, cast.operand(0))
        rewriter.set_operand(op, 1 - side, const.result)
        return True
    return False


def _widens(narrow: Type, wide: Type) -> bool:
    if _is_int(narrow) and _is_int(wide):
        return wide.min <= narrow.min and narrow.max <= wide.max
    return narrow == f32 and isinstance(wide, FloatType) and wide.bits == 64


def _holds(t: Type, c: Any) -> bool:
    """Whether the type ``t`` represents the constant ``c`` exactly."""
    if _is_int(t):
        return isinstance(c, int) and not isinstance(c, bool) and t.min <= c <= t.max
    if t == f32 and isinstance(c, float):
        try:
            return c != c or struct.unpack("f", struct.pack("f", c))[0] == c
        except OverflowError:   # beyond f32's range
            return False
    return False


def _replace(op: Operation, value: Value, rewriter: Rewriter) -> bool:
    rewriter.replace(op, [value])
    return True


def _replace_by_constant(op: Operation, value: Any, rewriter: Rewriter) -> bool:
    t = op.result.type
    if isinstance(t, FloatType):
        value = float(value)
    elif isinstance(t, ComplexType):
        value = complex(value)
    elif _is_int(t) and not isinstance(value, bool):
        value = int(value)
    const = ConstantOp(value, t, loc=op.loc)
    const.result.name_hint = op.result.name_hint
    rewriter.insert_before(op, const)
    return _replace(op, const.result, rewriter)


@pattern(ArrayDimOp)
def _extent_known(op: ArrayDimOp, rewriter: Rewriter) -> bool:
    """The extent of an array an ``array.map`` made is its extent operand; of an
    ``array.subview``, its count operand (1 for a new axis)."""
    source = op.operand(0).owner
    if isinstance(source, ArrayTransposeOp):
        rewriter.replace(op, [rewriter.insert_before(op, ArrayDimOp(source.operand(0), source.perm[op.axis],
                                                                    loc=op.loc)).result])
        return True
    known = known_extent(op.operand(0), op.axis)
    if isinstance(known, int):
        return _replace_by_constant(op, known, rewriter)
    if known is not None:
        rewriter.replace(op, [known])
        return True
    return False


@pattern(FloatTestOp)
def _nan_of_a_square_root(op: FloatTestOp, rewriter: Rewriter) -> bool:
    """``isnan(sqrt(x))`` is ``isnan(x)`` where ``x`` is never below zero (a sum of squares):
    then ``math.sqrt``'s domain check, ``isnan(sqrt(x)) and not isnan(x)``, is
    :func:`_both_ways` false."""
    root = op.operand(0).owner
    if op.fn != "isnan" or not (isinstance(root, MathOp) and root.fn == "sqrt") \
            or not never_negative(root.operand(0)):
        return False
    test = rewriter.insert_before(op, FloatTestOp("isnan", root.operand(0), loc=op.loc))
    return _replace(op, test.result, rewriter)


@pattern(AndOp, OrOp)
def _both_ways(op: Operation, rewriter: Rewriter) -> bool:
    """``b and not b`` is False, ``b or not b`` True (bools)."""
    x, y = op.operands
    if not _is_bool(x.type):
        return False
    if any(isinstance(b.owner, NotOp) and b.owner.operand(0) is a for a, b in ((x, y), (y, x))):
        return _replace_by_constant(op, isinstance(op, OrOp), rewriter)
    return False


def never_negative(value: Value) -> bool:
    """Whether the float ``value`` is never below zero (it may be NaN, or -0.0): a constant
    that is not, ``x * x``, a sum or product of such values, ``fabs``, ``sqrt`` or
    ``exp`` of anything, and a loop-carried value that starts so and stays so (``s += t * t``:
    proven assuming it of the carried value during a trip, which induction over the trips
    justifies; the answers found on the way are kept for this one question, so shared
    operands are looked at once)."""
    found: dict[Value, bool] = {}

    def holds(v: Value) -> bool:
        if v not in found:
            found[v] = True            # assumed while its loop is looked at (a carried value)
            found[v] = _never_negative(v, holds)
        return found[v]

    return holds(value)


def _never_negative(value: Value, holds: Callable[[Value], bool]) -> bool:
    owner = value.owner
    known, c = constant_of(value)
    if known:
        return isinstance(c, float) and not c < 0.0
    if not isinstance(value.type, FloatType):
        return False
    if isinstance(owner, MathOp):
        return owner.fn in ("fabs", "sqrt", "exp")
    if isinstance(owner, MulOp) and owner.operand(0) is owner.operand(1):
        return True
    if isinstance(owner, (AddOp, MulOp)):   # not a quotient: 1.0 / -0.0 is -inf (NumPy scalars)
        return all(holds(v) for v in owner.operands)
    if isinstance(owner, ForOp):                                  # the value after the last trip
        loop, carried = owner, value.index
    elif isinstance(owner, Operation) or not isinstance(value.block.parent_op, ForOp) or value.index == 0:
        return False
    else:                                                         # the value during a trip
        loop, carried = value.block.parent_op, value.index - 1
    return holds(loop.body.args[1 + carried]) if loop.body.args[1 + carried] is not value else \
        holds(loop.inits[carried]) and holds(loop.body.terminator.operand(carried))


#: the fold patterns, in the order they are tried on an op
PATTERNS: tuple[Pattern, ...] = (
    _check_that_never_fires, _select_known, _if_known, _if_of_values, _loop_without_trips,
    _evaluate, _identity, _beyond_the_type, _compare_narrower, _extent_known, _nan_of_a_square_root, _both_ways,
)
