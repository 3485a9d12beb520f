"""Outlined functions over the positions of a reduction, for ``lower-arrays``.

NumPy reduces floats in orders of its own (:mod:`.pairwise` for sums,
:mod:`.extremum` for ``min``/``max``); ``lower-arrays`` gives each such
reduction a function of its own, ``@<caller>.<kind>(leading..., outer indices...,
extents..., inputs..., free values...) -> T``, which reads the reduced element
``v`` at positions of the reduction's last ``summed`` axes, the outer indices
fixed.  :class:`Outline` builds the frame of that function and the code that
reads ``v`` and steps between positions.
"""
from __future__ import annotations

from typing import Sequence

from ir import Module
from ir.clone import clone
from ir.core import Block, Operation, Value
from ir.dtypes import to_dtype
from ir.ops import (
    AddOp, AndOp, ArrayLoadOp, ArrayReduceOp, ArrayStrideOp, ConstantOp, EqOp, FloorDivOp, FuncOp, ModOp, SelectOp,
)
from ir.types import Type, i64


def needed_ops(op: ArrayReduceOp, v: Value) -> list[Operation]:
    """The ops of ``op``'s region that ``v`` depends on, in their order."""
    needed: set[Operation] = set()
    work = [v.owner] if v.owner is not None and v.owner.parent is op.body else []
    while work:
        inner = work.pop()
        if inner in needed:
            continue
        needed.add(inner)
        for nested in inner.walk():
            for x in nested.operands:
                if x.owner is not None and x.owner.parent is op.body:
                    work.append(x.owner)
    return [inner for inner in op.body.ops[:-1] if inner in needed]


class Outline:
    """The function ``@<caller>.<kind>`` for the reduction ``op`` of the element ``v``, its
    inputs read as ``inputs`` at ``(outer fixed indices..., indices of the last ``summed``
    axes)``; its leading arguments (i64) are named ``leading``.  ``fn``'s body is empty:
    the caller fills it; ``module.add(fn)`` when done."""

    def __init__(self, op: ArrayReduceOp, v: Value, inputs: Sequence[Value], outer: int, summed: int,
                 module: Module, caller: FuncOp, kind: str, leading: Sequence[str]) -> None:
        self.op, self.v, self.loc = op, v, op.loc
        self.free = op.body.free_values()
        self.spread = summed if summed > 1 else 0   # extents passed to find a position's indices
        self.name = module.unique_name(f"{caller.sym_name}.{kind}")
        n = len(leading)
        self.fn = FuncOp(self.name, [*[i64] * (n + outer + self.spread), *(x.type for x in inputs),
                                     *(x.type for x in self.free)], v.type,
                         [*leading, *(f"i{k}" for k in range(outer)), *(f"n{k}" for k in range(self.spread)),
                          *(f"x{k}" for k in range(len(inputs))), *(x.name_hint for x in self.free)], loc=self.loc)
        args = self.fn.args
        self.leading = args[:n]
        self.fixed = args[n:n + outer]
        self.extents = args[n + outer:n + outer + self.spread]
        self.arrays = args[n + outer + self.spread:n + outer + self.spread + len(inputs)]
        self.params = args[n + outer + self.spread + len(inputs):]
        #: the arguments after the leading ones (as the function passes them on to itself)
        self.rest = args[n:]
        #: what a caller passes after the outer indices and extents
        self.passed = [*inputs, *self.free]
        self._ops = needed_ops(op, v)

    def put(self, block: Block, new: Operation) -> Value | None:
        block.append(new)
        return new.results[0] if new.results else None

    def const(self, block: Block, value, type_: Type = i64) -> Value:
        return self.put(block, ConstantOp(value, type_, loc=self.loc))

    def element(self, block: Block, index: Sequence[Value], contiguous: bool = False) -> Value:
        """``v`` at ``(fixed..., index...)``: the inputs' elements loaded, the ops ``v`` needs
        copied; ``contiguous``: the loads of the arrays :meth:`walked` names are addressed
        with the item size as the last axis's stride (``contiguous_axis``)."""
        op, outer = self.op, len(self.fixed)
        mapping: dict[Value, Value] = dict(zip(self.free, self.params))
        walked = self.walked() if contiguous else ()
        for arg, x in zip(op.element_args(), self.arrays):
            at = [*self.fixed, *index][outer + len(index) - x.type.ndim:]
            load = ArrayLoadOp(x, at, loc=self.loc)
            if x in walked:
                load.attributes["contiguous_axis"] = x.type.ndim - 1
            mapping[arg] = self.put(block, load)
        for inner in self._ops:
            block.append(clone(inner, mapping))
        return mapping.get(self.v, self.v)

    def walked(self) -> list[Value]:
        """The input arrays whose last axis (the one a single summed axis steps along) has a
        stride only known at run time (layout ``A``: a view, a broadcast).  Not ``F`` ones of
        several axes: their last axis steps one element only where the others have extent 1,
        so a copy for unit strides would be code that hardly ever runs."""
        return [x for x in self.arrays if x.type.layout == "A" and x.type.ndim]

    def unit_strides(self, block: Block) -> Value | None:
        """Whether every array :meth:`walked` steps one element along its last axis, computed
        in ``block`` (None: there are none, or several summed axes)."""
        unit = None
        for x in ([] if self.spread else self.walked()):
            itemsize = self.const(block, int(to_dtype(x.type.dtype).itemsize))
            stride = self.put(block, ArrayStrideOp(x, x.type.ndim - 1, loc=self.loc))
            same = self.put(block, EqOp(stride, itemsize, loc=self.loc))
            unit = same if unit is None else self.put(block, AndOp(unit, same, loc=self.loc))
        return unit

    def position(self, block: Block, flat: Value) -> list[Value]:
        """The indices of the summed axes at the C-order position ``flat``."""
        if not self.spread:
            return [flat]
        loc, index = self.loc, []
        zero, one = self.const(block, 0), self.const(block, 1)
        for extent in reversed(self.extents[1:]):
            safe = self.put(block, SelectOp(self.put(block, EqOp(extent, zero, loc=loc)), one, extent, loc=loc))
            index.append(self.put(block, ModOp(flat, safe, loc=loc)))
            flat = self.put(block, FloorDivOp(flat, safe, loc=loc))
        return [flat, *reversed(index)]

    def advance(self, block: Block, index: Sequence[Value]) -> list[Value]:
        """The indices of the next position: the last axis steps, carrying into those before."""
        loc, put = self.loc, self.put
        if not self.spread:
            return [put(block, AddOp(index[0], self.const(block, 1), loc=loc))]
        one, zero = self.const(block, 1), self.const(block, 0)
        new, wrap = list(index), None
        for d in reversed(range(len(index))):
            step = put(block, AddOp(index[d], one, loc=loc))
            if d == 0:   # the first axis never wraps inside the space
                new[d] = step if wrap is None else put(block, SelectOp(wrap, step, index[d], loc=loc))
                break
            wraps = put(block, EqOp(step, self.extents[d], loc=loc))
            stepped = put(block, SelectOp(wraps, zero, step, loc=loc))
            new[d] = stepped if wrap is None else put(block, SelectOp(wrap, stepped, index[d], loc=loc))
            wrap = wraps if wrap is None else put(block, AndOp(wrap, wraps, loc=loc))
        return new
