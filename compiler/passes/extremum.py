"""NumPy's order for float ``min``/``max`` reductions, for ``lower-arrays``.

Which of two equal floats a ``min`` keeps shows in the sign of a zero
(``min(-0.0, 0.0)``), so NumPy's result depends on the order its loops
(``numpy/_core/src/umath/loops_minmax.dispatch.c.src``) compare in.  Every
comparison there is x86's ``minps``/``maxps`` with NaN kept:
``combine(a, b) = a if isnan(a) or a < b else b`` (``>`` for ``max``): the
running value ``a`` first, NaN sticks, a tie keeps ``b``; that is also the
region of our ``array.reduce``.  NumPy reduces a run of elements, the first as
the start, in one of three orders:

- **vector** (the run contiguous in memory): ``L`` lanes (NumPy's SIMD width
  over the item size) all start at the first element; blocks of ``8 L`` elements
  are combined lane by lane as ``((v0 v1)(v2 v3))((v4 v5)(v6 v7))`` into the
  lanes, then single vectors of ``L``; the lanes then halve (lane ``i`` with
  lane ``i + L/2``, plain ``a < b``, or ``b < a`` for AVX-512's halves of 128 bits and more:
  :func:`_keeps_low`), or give NaN if one is NaN; the last
  elements one by one.
- **unrolled** (a strided run): with 8 or more elements after the first, eight
  accumulators start at them, take blocks of 8, combine as
  ``((m0 m1)(m2 m3))((m4 m5)(m6 m7))``, and then the first; the rest one by one.
- **in order** (along an axis that is not the innermost in memory): one by one,
  the region as written.

Which run NumPy makes: a whole array is one run, in memory order (a
non-contiguous array NumPy cannot see as 1-D is copied to a contiguous buffer:
vector order over it in C order; one it can see as 1-D with another stride:
unrolled); along an axis, each row is a run when the axis is the innermost in
memory (vector order when contiguous, else unrolled), else in order.  An
expression (``np.min(a * b)``) is a new contiguous array to NumPy: vector order
(the frontend marks a reduction of an expression's result ``new_operand``: the
expression may fold away, as ``a * 1.0`` does).
``L`` is that of NumPy's dispatch on this machine (256-bit vectors with AVX2,
512 with AVX-512, else 128).

The value of a min/max is the same in every order unless it is a zero or NaN, so
``lower-arrays`` first reduces in any order (a plain min and a NaN flag, which
vectorize) and calls NumPy's order only for a zero or NaN result.
:func:`outline` makes the function of one order, kept small (``cold``: the
vector order holds its lanes in a scratch array, and neither ``unroll``,
``vectorize`` nor LLVM's inliner grows it):
``@<caller>.extremum(n, outer indices..., extents..., inputs..., free values...) -> T``
reduces ``v`` over the ``n >= 1`` first positions of the last ``summed`` axes.
"""
from __future__ import annotations

import functools
import math
from typing import Sequence

from ir import Module
from ir.core import Block, Value
from ir.ops import (
    AddOp, AndOp, ArrayAllocOp, ArrayLoadOp, ArrayReduceOp, ArrayStoreOp, ConstantOp, FloatTestOp, ForOp, FuncOp, GeOp,
    GtOp, IfOp, LtOp, OrOp, ReturnOp, SelectOp, SubOp, YieldOp,
)
from ir.types import FloatType, i64

from .outlining import Outline

BLOCK = 8   # vectors (or, unrolled, elements) a block of NumPy's loop takes


def operand(op: ArrayReduceOp) -> tuple[Value, str] | None:
    """``(v, "min" | "max")`` when ``op`` is a float minimum or maximum of ``v`` from ``±inf``
    (the region ``select(isnan(acc), acc, select(isnan(v), v, select(acc < v, acc, v)))``)."""
    if len(op.inits) != 1 or not isinstance(op.inits[0].type, FloatType):
        return None
    init, acc = op.inits[0].owner, op.accumulator_args()[0]
    keep_nan = op.body.terminator.operand(0).owner
    if not isinstance(init, ConstantOp) or not math.isinf(init.value) or not _picks(keep_nan, acc):
        return None
    nan_v = keep_nan.operand(2).owner
    if not _picks(nan_v, None):
        return None
    v = nan_v.operand(1)
    pick = nan_v.operand(2).owner
    if not isinstance(pick, SelectOp) or pick.operand(1) is not acc or pick.operand(2) is not v:
        return None
    compare = pick.operand(0).owner
    kind = "min" if isinstance(compare, LtOp) else "max" if isinstance(compare, GtOp) else None
    if kind is None or compare.operands != (acc, v) or init.value != (math.inf if kind == "min" else -math.inf) \
            or v is acc or len(acc.uses) != 4:
        return None
    return v, kind


def _picks(op, value: Value | None) -> bool:
    """``op`` is ``select(isnan(x), x, ...)`` (``x`` is ``value`` unless None)."""
    if not isinstance(op, SelectOp):
        return False
    test = op.operand(0).owner
    return isinstance(test, FloatTestOp) and test.fn == "isnan" and test.operand(0) is op.operand(1) \
        and (value is None or op.operand(1) is value)


@functools.cache
def vector_bits() -> int:
    """The vector width NumPy's min/max loops run with in this process."""
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:
        return 128
    for target, bits in (("X86_V4", 512), ("X86_V3", 256)):
        if target in __cpu_dispatch__ and __cpu_features__.get(target):
            return bits
    return 128


def lanes(t: FloatType) -> int:
    return max(1, vector_bits() // t.bits)


def _keeps_low(half: int, t: FloatType) -> bool:
    """Whether the halving of the lanes that pairs lane ``i`` with lane ``i + half`` keeps the
    low lane of a tie.  With AVX-512 NumPy reduces the lanes with ``_mm512_reduce_min/max``,
    which takes the 256- and then 128-bit halves as ``min(high, low)`` (a tie keeps the low
    half) and the lanes within 128 bits as ``min(v, shuffled v)`` (a tie keeps the high lane);
    with narrower vectors every halving is ``min(low, high)``."""
    return vector_bits() == 512 and half * t.bits >= 128


def outline(op: ArrayReduceOp, v: Value, kind: str, order: str, inputs: Sequence[Value], outer: int, summed: int,
            module: Module, caller: FuncOp) -> tuple[str, list[Value]]:
    """The function reducing ``v`` in ``order`` (``"vector"``, ``"unrolled"`` or ``"in order"``); its name and
    the arguments that follow ``n, outer indices..., extents (when several axes)...``."""
    frame = Outline(op, v, inputs, outer, summed, module, caller, "extremum", ["n"])
    frame.fn.attributes["cold"] = True   # called only for a zero or NaN result: kept out of the caller
    _Orders(frame, kind).build(order)
    module.add(frame.fn)
    return frame.name, frame.passed


class _Orders:
    def __init__(self, frame: Outline, kind: str) -> None:
        self.frame, self.loc, self.t = frame, frame.loc, frame.v.type
        self.before = LtOp if kind == "min" else GtOp

    def put(self, block: Block, new) -> Value:
        return self.frame.put(block, new)

    def pick(self, block: Block, a: Value, b: Value) -> Value:
        """``a if a < b else b`` (``>`` for max)."""
        return self.put(block, SelectOp(self.put(block, self.before(a, b, loc=self.loc)), a, b, loc=self.loc))

    def isnan(self, block: Block, a: Value) -> Value:
        return self.put(block, FloatTestOp("isnan", a, loc=self.loc))

    def combine(self, block: Block, a: Value, b: Value) -> Value:
        """x86's ``minps(a, b)`` keeping a NaN ``a``: NumPy's ``npyv_minn`` and scalar ``min``."""
        return self.put(block, SelectOp(self.isnan(block, a), a, self.pick(block, a, b), loc=self.loc))

    def tree(self, block: Block, values: Sequence[Value]) -> Value:
        """``((v0 v1)(v2 v3))((v4 v5)(v6 v7))``."""
        values = list(values)
        while len(values) > 1:
            values = [self.combine(block, values[k], values[k + 1]) for k in range(0, len(values), 2)]
        return values[0]

    def read(self, block: Block, index: list[Value], count: int) -> tuple[list[Value], list[Value]]:
        """``count`` elements from ``index`` on, and the index after them."""
        values = []
        for _ in range(count):
            values.append(self.frame.element(block, index))
            index = self.frame.advance(block, index)
        return values, index

    def down_to(self, block: Block, n: Value, multiple: int) -> Value:
        """``n`` rounded down to a multiple of ``multiple`` (a power of two)."""
        const = self.frame.const
        return self.put(block, SubOp(n, self.put(block, AndOp(n, const(block, multiple - 1), loc=self.loc)),
                                     loc=self.loc))

    def loop(self, block: Block, lower: Value, upper: Value, step: int, carried: Sequence[Value], width: int,
             body) -> list[Value]:
        """A loop from ``lower`` to ``upper`` by ``step`` carrying ``width`` values and an index
        (the rest of ``carried``); ``body(block, values, index) -> (values, index)``."""
        loop = ForOp(lower, upper, self.frame.const(block, step), list(carried), loc=self.loc)
        block.append(loop)
        values, index = body(loop.body, list(loop.iter_args[:width]), list(loop.iter_args[width:]))
        loop.body.append(YieldOp([*values, *index], loc=self.loc))
        return list(loop.results)

    def build(self, order: str) -> None:
        frame, body, loc = self.frame, self.frame.fn.body, self.loc
        (first,), index = self.read(body, frame.position(body, frame.const(body, 0)), 1)
        m = self.put(body, SubOp(frame.leading[0], frame.const(body, 1), loc=loc))   # elements after the first
        zero = frame.const(body, 0)
        if order == "vector":
            r, done, index = self._vector(body, first, m, zero)
        elif order == "unrolled":
            r, done, index = self._unrolled(body, first, m, zero, index)
        else:
            r, done = first, zero

        def one_by_one(block, values, index):
            (x,), index = self.read(block, index, 1)
            return [self.combine(block, values[0], x)], index
        r = self.loop(body, done, m, 1, [r, *index], 1, one_by_one)[0]
        body.append(ReturnOp(r, loc=loc))

    def each(self, block: Block, lower: Value, upper: Value, step: int, body) -> None:
        """``for i in range(lower, upper, step): body(loop block, i)``."""
        loop = ForOp(lower, upper, self.frame.const(block, step), [], loc=self.loc)
        loop.attributes["cold"] = True   # runs only for a zero or NaN result: kept small
        block.append(loop)
        body(loop.body, loop.induction_var)
        loop.body.append(YieldOp([], loc=self.loc))

    def at(self, block: Block, flat: Value, offset: Value | int = 0) -> Value:
        """``v`` at the position ``flat + offset``."""
        if not isinstance(offset, int) or offset:
            offset = offset if not isinstance(offset, int) else self.frame.const(block, offset)
            flat = self.put(block, AddOp(flat, offset, loc=self.loc))
        return self.frame.element(block, self.frame.position(block, flat))

    def _vector(self, body: Block, first: Value, m: Value, zero: Value):
        """The lanes in a scratch array of ``L`` (this order runs only where the result is a
        zero or NaN: :func:`operand`'s callers reduce in any order first)."""
        frame, loc, t = self.frame, self.loc, self.t
        const, put = frame.const, self.put
        lanes_ = lanes(t)
        width = lanes_ * BLOCK
        acc = put(body, ArrayAllocOp(t, [const(body, lanes_)], loc=loc))

        def load(block, j):
            return put(block, ArrayLoadOp(acc, [j], loc=loc))

        def store(block, j, value):
            block.append(ArrayStoreOp(acc, [j], value, loc=loc))
        self.each(body, zero, const(body, lanes_), 1, lambda block, j: store(block, j, first))
        blocks_end = self.down_to(body, m, width)

        def block_of(block, b):   # lane j takes the elements 1 + b + k L + j, k < 8, as a tree
            def lane(inner, j):
                start = put(inner, AddOp(b, j, loc=loc))
                x = [self.at(inner, start, 1 + k * lanes_) for k in range(BLOCK)]
                store(inner, j, self.combine(inner, load(inner, j), self.tree(inner, x)))
            self.each(block, const(block, 0), const(block, lanes_), 1, lane)
        self.each(body, zero, blocks_end, width, block_of)
        vectors_end = self.down_to(body, m, lanes_)

        def vector(block, r):
            def lane(inner, j):
                x = self.at(inner, put(inner, AddOp(r, j, loc=loc)), 1)
                store(inner, j, self.combine(inner, load(inner, j), x))
            self.each(block, const(block, 0), const(block, lanes_), 1, lane)
        self.each(body, blocks_end, vectors_end, lanes_, vector)
        nan = None
        for j in range(lanes_):
            test = self.isnan(body, load(body, const(body, j)))
            nan = test if nan is None else put(body, OrOp(nan, test, loc=loc))
        half = lanes_ // 2
        while half:   # lane i with lane i + half (x86's halving shuffles)
            def halve(block, i, half=half, low_kept=_keeps_low(half, t)):
                other = load(block, put(block, AddOp(i, const(block, half), loc=loc)))
                mine = load(block, i)
                store(block, i, self.pick(block, other, mine) if low_kept else self.pick(block, mine, other))
            self.each(body, zero, const(body, half), 1, halve)
            half //= 2
        r = put(body, SelectOp(nan, const(body, math.nan, t), load(body, zero), loc=loc))
        after = put(body, AddOp(vectors_end, const(body, 1), loc=loc))
        return r, vectors_end, frame.position(body, after)

    def _unrolled(self, body: Block, first: Value, m: Value, zero: Value, index: list[Value]):
        frame, loc = self.frame, self.loc
        split = IfOp(self.put(body, GeOp(m, frame.const(body, BLOCK), loc=loc)),
                     [self.t, i64, *(i.type for i in index)], loc=loc)
        body.append(split)
        then = split.then_block
        acc, inside = self.read(then, index, BLOCK)

        def blocks(block, acc, index):
            x, index = self.read(block, index, BLOCK)
            return [self.combine(block, a, b) for a, b in zip(acc, x)], index
        end = self.down_to(then, m, BLOCK)
        carried = self.loop(then, frame.const(then, BLOCK), end, BLOCK, [*acc, *inside], BLOCK, blocks)
        r = self.combine(then, first, self.tree(then, carried[:BLOCK]))
        then.append(YieldOp([r, end, *carried[BLOCK:]], loc=loc))
        split.else_block.append(YieldOp([first, zero, *index], loc=loc))
        return split.results[0], split.results[1], list(split.results[2:])

