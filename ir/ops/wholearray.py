"""Whole-array operations: strided views, element-wise maps and reductions.

NumPy-style code (``a[1:-1] + 2 * b``, ``x.sum()``) is traced into these ops
and stays whole until the ``fuse`` pass merges producers into consumers and
``lower-arrays`` turns each into a nest of ``for`` loops of element ops
(which ``bce``, ``licm`` and ``vectorize`` then work on).  Shapes are SSA
values: the frontend computes the extents (and checks that operands
broadcast, as NumPy does) before the op.

* ``%v = array.subview %a, ... {spec = "sin"} : array<f64, 2, A>`` -- a view
  sharing ``%a``'s memory.  ``spec`` has one letter per axis of the result
  being built: ``s`` takes the next axis of ``%a`` with three operands
  ``start, count, step`` (already clipped as NumPy does: ``count >= 0`` and,
  when ``count > 0``, every ``start + j * step`` in range), ``i`` drops the
  next axis of ``%a`` at one in-range index operand, ``n`` inserts a new axis
  of extent 1.  Every axis of ``%a`` is consumed by an ``s`` or an ``i``.
  ``{relabel = true}`` marks the whole of ``%a`` seen with layout ``A`` where
  a type asks for it: the same Python object as ``%a``, not a view of it.
* ``%t = array.transpose %a {perm = [1, 0]} : array<f64, 2, F>`` -- the view
  whose axis ``j`` is axis ``perm[j]`` of ``%a`` (``a.T``: the reversed axes; the
  transpose of a C-contiguous array is Fortran-contiguous and the other way round);
* ``%r = array.reshape %a, %e0, .. : array<f64, 2, C>`` -- the C-contiguous
  array ``%a`` seen with the extents ``%e`` (their product is ``%a``'s size: the
  frontend checks it), sharing its memory;
* ``%s = array.restride %a, %e0, .., %s0, .. : array<f64, 2, A>`` -- ``%a``'s memory from
  its first element seen with the extents ``%e`` and the byte strides ``%s`` (NumPy's
  ``reshape`` of an array that is not C-contiguous where its no-copy test finds strides:
  the frontend computed them, and every element they reach is one of ``%a``'s);
* ``%p = array.part %a {part = "imag"} : array<f64, 1, A>`` -- the real or imaginary
  parts of the complex array ``%a`` as a view (``a.real``, ``a.imag``): ``%a``'s
  extents and byte strides, its data moved by the size of a part for ``imag``;
* ``%b = array.broadcast %a, %e0, .. : array<f64, 2, A>`` -- ``%a`` (of at most
  as many axes) seen with the extents ``%e``, aligned on the right: an axis where
  ``%a``'s extent is 1, and every new leading axis, repeats (stride 0); elsewhere
  ``%a``'s extent is the one given (the frontend checked that they broadcast);
* ``%r = array.map %e0, .., %en-1, %x0, .., %xk-1 [, %out] {ndim, inputs, out}``
  with a region ``^(%v0: T0, ..): ... array.yield %y`` -- for every index of
  the ``n``-d iteration space of extents ``%e``, the region applied to the
  elements of the inputs ``%x`` (arrays of at most ``n`` dimensions,
  broadcast as NumPy does: aligned on the right, an extent of 1 repeats);
  the results form a new C-contiguous array, or, with ``out``, are stored into
  ``%out`` (an array of the iteration space's shape; no result).  When an
  input overlaps ``%out`` the result is as if every element were computed
  before any was stored, NumPy's ``a[1:] = a[:-1]``.
* ``%s = array.reduce %e.., %x.., %init.. {ndim, inputs [, axis]}`` with a region
  ``^(%acc.., %v..): ... array.yield %acc'..`` -- the accumulators start at
  ``%init`` and the region combines them with the elements of every index,
  in C order of the iteration space; the results are the final accumulators.
  With ``axis = k`` there is one set of accumulators per index of the other
  axes, each combined along axis ``k`` in order, and the results are new
  C-contiguous arrays of the other axes' extents.  A float sum (``acc + v``)
  may be added in NumPy's pairwise order instead (``compiler.passes.pairwise``)
  unless the op is marked ``ordered``.
* ``array.yield`` ends the region of ``array.map`` and ``array.reduce``.
"""
from __future__ import annotations

from typing import Sequence

from ..core import Block, MayRaise, Operation, Pure, Region, Terminator, Value
from ..diagnostics import Location
from ..interfaces import Allocate, Ownership, Raise, Read, RecursiveEffects, Write
from ..types import ArrayType, ComplexType, Type, i64
from .arith import ConstantOp
from .array import ArrayAllocOp
from .control import IfOp
from .array import ArrayDimOp

__all__ = ["ArraySubviewOp", "ArrayTransposeOp", "ArrayPartOp", "ArrayReshapeOp", "ArrayRestrideOp", "ArrayBroadcastOp",
           "ArrayMapOp", "ArrayReduceOp", "ArrayYieldOp",
           "known_extent", "is_extent_of"]

#: operands each letter of a subview's ``spec`` takes
SPEC_OPERANDS = {"s": 3, "i": 1, "n": 0}


class _ViewOp(Operation):
    """A pure op whose result is a view sharing operand 0's memory (and its meminfo)."""

    traits = frozenset({Pure})

    def ownership(self, index: int) -> Ownership:
        return Ownership("view", view_of=0)


class ArraySubviewOp(_ViewOp):
    name = "array.subview"

    def __init__(self, array: Value, spec: str, operands: Sequence[Value], result: ArrayType,
                 loc: Location | None = None, name: str | None = None, relabel: bool = False):
        self._setup([array, *operands], [result], {"spec": spec, **({"relabel": True} if relabel else {})}, loc=loc,
                    result_names=[name])

    @property
    def relabel(self) -> bool:
        """Whether this is ``%a`` itself, its layout relabelled (not a view the program made)."""
        return self.attributes.get("relabel", False)

    @property
    def spec(self) -> str:
        return self.attributes["spec"]

    def parts(self) -> list[tuple[str, tuple[Value, ...]]]:
        """``(letter, its operands)`` for each letter of the spec."""
        out, at = [], 1
        for letter in self.spec:
            n = SPEC_OPERANDS[letter]
            out.append((letter, tuple(self.operands[at:at + n])))
            at += n
        return out

    def verify_(self) -> None:
        spec = self.attributes.get("spec")
        if not isinstance(spec, str) or any(c not in SPEC_OPERANDS for c in spec):
            self.fail(f"spec must be a string of 's', 'i' and 'n', not {spec!r}")
        t = self.operand(0).type
        if not isinstance(t, ArrayType):
            self.fail(f"takes a view of an array, not {t}")
        if sum(c in "si" for c in spec) != t.ndim:
            self.fail(f"spec {spec!r} does not consume the {t.ndim} axes of {t}")
        if len(self.operands) != 1 + sum(SPEC_OPERANDS[c] for c in spec):
            self.fail(f"spec {spec!r} takes {sum(SPEC_OPERANDS[c] for c in spec)} operands after the array")
        if any(v.type != i64 for v in self.operands[1:]):
            self.fail("starts, counts, steps and indices must be i64")
        r = self.result.type if len(self.results) == 1 else None
        if not isinstance(r, ArrayType) or (r.dtype, r.ndim, r.readonly) != (t.dtype, spec.count("s") + spec.count("n"),
                                                                           t.readonly):
            self.fail(f"result type {r} is not a view of {t} with spec {spec!r}")
        if r.layout != "A" and r.layout != t.layout:
            self.fail(f"a view of a {t.layout}-layout array cannot be declared {r.layout}")


class ArrayTransposeOp(_ViewOp):
    name = "array.transpose"

    def __init__(self, array: Value, perm: Sequence[int], loc: Location | None = None, name: str | None = None):
        t = array.type
        self._setup([array], [ArrayType(t.dtype, t.ndim, transposed_layout(t, perm), t.readonly)],
                    {"perm": list(perm)}, loc=loc, result_names=[name])

    @property
    def perm(self) -> list[int]:
        return self.attributes["perm"]

    def verify_(self) -> None:
        t = self.operand(0).type if len(self.operands) == 1 else None
        if not isinstance(t, ArrayType) or len(self.results) != 1:
            self.fail("takes an array and gives its transposed view")
        perm = self.attributes.get("perm")
        if not isinstance(perm, list) or sorted(perm) != list(range(t.ndim)):
            self.fail(f"perm {perm!r} is not a permutation of the {t.ndim} axes")
        r = self.result.type
        if r != ArrayType(t.dtype, t.ndim, transposed_layout(t, perm), t.readonly):
            self.fail(f"result type {r} is not the transpose of {t}")


def transposed_layout(t: ArrayType, perm: Sequence[int]) -> str:
    """``C`` <-> ``F`` when every axis is reversed, the layout itself for the identity, else ``A``."""
    if list(perm) == list(range(t.ndim)) or t.ndim < 2 and t.layout != "A":
        return t.layout
    if list(perm) == list(reversed(range(t.ndim))) and t.layout in ("C", "F"):
        return "F" if t.layout == "C" else "C"
    return "A"


class ArrayPartOp(_ViewOp):
    name = "array.part"

    def __init__(self, array: Value, part: str, loc: Location | None = None, name: str | None = None):
        t = array.type
        self._setup([array], [ArrayType(t.dtype.part, t.ndim, "A", t.readonly)], {"part": part}, loc=loc,
                    result_names=[name])

    @property
    def part(self) -> str:
        return self.attributes["part"]

    def verify_(self) -> None:
        t = self.operand(0).type if len(self.operands) == 1 else None
        if not isinstance(t, ArrayType) or not isinstance(t.dtype, ComplexType) or len(self.results) != 1:
            self.fail("takes a complex array and gives a view of its parts")
        if self.attributes.get("part") not in ("real", "imag"):
            self.fail(f"part must be 'real' or 'imag', not {self.attributes.get('part')!r}")
        if self.result.type != ArrayType(t.dtype.part, t.ndim, "A", t.readonly):
            self.fail(f"result type {self.result.type} is not a view of the parts of {t}")


class ArrayReshapeOp(_ViewOp):
    name = "array.reshape"

    def __init__(self, array: Value, extents: Sequence[Value], loc: Location | None = None,
                 name: str | None = None):
        t = array.type
        self._setup([array, *extents], [ArrayType(t.dtype, len(extents), "C", t.readonly)], loc=loc,
                    result_names=[name])

    def verify_(self) -> None:
        t = self.operand(0).type
        if not isinstance(t, ArrayType) or t.layout != "C":
            self.fail(f"reshapes C-contiguous arrays, not {t}")
        if any(v.type != i64 for v in self.operands[1:]):
            self.fail("extents must be i64")
        r = self.result.type if len(self.results) == 1 else None
        if r != ArrayType(t.dtype, len(self.operands) - 1, "C", t.readonly):
            self.fail(f"result type {r} is not a C-contiguous {len(self.operands) - 1}-d view of {t}")


class ArrayRestrideOp(_ViewOp):
    name = "array.restride"

    def __init__(self, array: Value, extents: Sequence[Value], strides: Sequence[Value],
                 loc: Location | None = None, name: str | None = None):
        t = array.type
        self._setup([array, *extents, *strides], [ArrayType(t.dtype, len(extents), "A", t.readonly)], loc=loc,
                    result_names=[name])

    @property
    def extents(self) -> tuple[Value, ...]:
        return tuple(self.operands[1:1 + self.result.type.ndim])

    @property
    def strides(self) -> tuple[Value, ...]:
        return tuple(self.operands[1 + self.result.type.ndim:])

    def verify_(self) -> None:
        t = self.operand(0).type
        if not isinstance(t, ArrayType):
            self.fail(f"restrides an array, not {t}")
        if len(self.operands) % 2 == 0 or any(v.type != i64 for v in self.operands[1:]):
            self.fail("takes an array, then as many i64 extents as i64 byte strides")
        r = self.result.type if len(self.results) == 1 else None
        if r != ArrayType(t.dtype, (len(self.operands) - 1) // 2, "A", t.readonly):
            self.fail(f"result type {r} is not a {(len(self.operands) - 1) // 2}-d strided view of {t}")


class ArrayBroadcastOp(_ViewOp):
    name = "array.broadcast"

    def __init__(self, array: Value, extents: Sequence[Value], loc: Location | None = None,
                 name: str | None = None):
        t = array.type
        self._setup([array, *extents], [ArrayType(t.dtype, len(extents), "A", True)], loc=loc,
                    result_names=[name])

    def verify_(self) -> None:
        t = self.operand(0).type
        if not isinstance(t, ArrayType) or t.ndim > len(self.operands) - 1:
            self.fail(f"broadcasts an array to at least as many axes, not {t}")
        if any(v.type != i64 for v in self.operands[1:]):
            self.fail("extents must be i64")
        r = self.result.type if len(self.results) == 1 else None
        if r != ArrayType(t.dtype, len(self.operands) - 1, "A", True):
            self.fail(f"result type {r} is not a read-only strided view of {t}'s elements")


class ArrayYieldOp(Operation):
    name = "array.yield"
    traits = frozenset({Terminator})

    def __init__(self, values: Sequence[Value], loc: Location | None = None):
        self._setup(values, [], loc=loc)

    def verify_(self) -> None:
        parent = self.parent_op
        if not isinstance(parent, (ArrayMapOp, ArrayReduceOp)):
            self.fail("must end the region of 'array.map' or 'array.reduce'")
        expected = parent.yielded_types()
        got = [v.type for v in self.operands]
        if got != expected:
            self.fail(f"yields ({', '.join(map(str, got))}) where '{parent.name}' expects "
                      f"({', '.join(map(str, expected))})")


class _ArrayLoopOp(Operation):
    """What maps and reductions share: an ``ndim``-d iteration space (its extents are the
    first operands) over broadcast ``inputs`` (the next operands), and one region."""

    traits = frozenset({RecursiveEffects, MayRaise})

    @property
    def ndim(self) -> int:
        return self.attributes["ndim"]

    @property
    def extents(self) -> tuple[Value, ...]:
        return self.operands[:self.ndim]

    @property
    def inputs(self) -> tuple[Value, ...]:
        return self.operands[self.ndim:self.ndim + self.attributes["inputs"]]

    @property
    def body(self) -> Block:
        return self.regions[0].block

    def element_args(self) -> list:
        """The region's arguments that take the inputs' elements."""
        return self.body.args[len(self.body.args) - len(self.inputs):]

    def yielded_types(self) -> list[Type]:  # pragma: no cover - defined by subclasses
        raise NotImplementedError

    def _verify_space(self) -> None:
        ndim, inputs = self.attributes.get("ndim"), self.attributes.get("inputs")
        if not isinstance(ndim, int) or ndim < 0 or not isinstance(inputs, int) or inputs < 0:
            self.fail("needs non-negative int attributes 'ndim' and 'inputs'")
        if len(self.regions) != 1:
            self.fail("needs one region")
        if any(v.type != i64 for v in self.extents):
            self.fail("extents must be i64")
        for x in self.inputs:
            if not isinstance(x.type, ArrayType) or x.type.ndim > ndim:
                self.fail(f"inputs must be arrays of at most {ndim} dimensions, not {x.type}")
        elements = self.element_args()
        if len(elements) != len(self.inputs) or any(a.type != x.type.dtype for a, x in zip(elements, self.inputs)):
            self.fail("the region's last arguments must take the inputs' elements")
        if not isinstance(self.body.terminator, ArrayYieldOp):
            self.fail("the region must end with 'array.yield'")


class ArrayMapOp(_ArrayLoopOp):
    """``array.map``: the region applied to the inputs' elements (broadcast over ``extents``),
    stored into ``out``, or into a new array in the memory order of its result's layout
    (``C``, or ``F``: NumPy's order K of Fortran-ordered inputs)."""
    name = "array.map"

    def __init__(self, extents: Sequence[Value], inputs: Sequence[Value], element_type: Type,
                 out: Value | None = None, loc: Location | None = None, name: str | None = None,
                 layout: str = "C"):
        block = Block([x.type.dtype for x in inputs])
        results = [] if out is not None else [ArrayType(element_type, len(extents), layout)]
        self._setup([*extents, *inputs, *([out] if out is not None else [])], results,
                    {"ndim": len(extents), "inputs": len(inputs), "out": out is not None}, [Region(block)],
                    loc=loc, result_names=[name] if results else None)

    @property
    def out(self) -> Value | None:
        return self.operands[-1] if self.attributes["out"] else None

    def element_type(self) -> Type:
        return (self.out.type if self.out is not None else self.result.type).dtype

    def yielded_types(self) -> list[Type]:
        return [self.element_type()]

    def effects(self):
        reads = tuple(Read(self.ndim + k) for k in range(len(self.inputs)))
        if self.out is not None:
            return (*reads, Write(len(self.operands) - 1))
        return (*reads, Allocate(0), Raise())

    def verify_(self) -> None:
        self._verify_space()
        out = self.attributes.get("out")
        expected = self.ndim + self.attributes["inputs"] + (1 if out else 0)
        if len(self.operands) != expected or len(self.results) != (0 if out else 1):
            self.fail("expects its extents, its inputs and an optional out array; a result unless out is given")
        t = self.out.type if out else self.result.type
        if not isinstance(t, ArrayType) or t.ndim != self.ndim or (out and t.readonly) \
                or (not out and (t.layout not in ("C", "F") or t.readonly)):
            self.fail(f"{'out' if out else 'the result'} must be a writable {self.ndim}-d array"
                      f"{'' if out else ' (C- or F-contiguous)'}, not {t}")


class ArrayReduceOp(_ArrayLoopOp):
    name = "array.reduce"

    def __init__(self, extents: Sequence[Value], inputs: Sequence[Value], inits: Sequence[Value],
                 axis: int | None = None, loc: Location | None = None, names: Sequence[str | None] | None = None):
        block = Block([*(v.type for v in inits), *(x.type.dtype for x in inputs)])
        attributes = {"ndim": len(extents), "inputs": len(inputs)}
        results = [v.type for v in inits]
        if axis is not None:
            attributes["axis"] = axis
            results = [ArrayType(t, len(extents) - 1, "C") for t in results]
        self._setup([*extents, *inputs, *inits], results, attributes, [Region(block)], loc=loc, result_names=names)

    @property
    def axis(self) -> int | None:
        return self.attributes.get("axis")

    @property
    def inits(self) -> tuple[Value, ...]:
        return self.operands[self.ndim + self.attributes["inputs"]:]

    def accumulator_args(self) -> list:
        return self.body.args[:len(self.inits)]

    def yielded_types(self) -> list[Type]:
        return [v.type for v in self.inits]

    def effects(self):
        reads = tuple(Read(self.ndim + k) for k in range(len(self.inputs)))
        return reads if self.axis is None else (*reads, *(Allocate(r) for r in range(len(self.results))), Raise())

    def verify_(self) -> None:
        self._verify_space()
        inits = [v.type for v in self.inits]
        axis = self.axis
        if axis is not None and (not isinstance(axis, int) or not 0 <= axis < self.ndim):
            self.fail(f"axis {axis!r} is out of range for a {self.ndim}-d space")
        results = inits if axis is None else [ArrayType(t, self.ndim - 1, "C") for t in inits]
        if [r.type for r in self.results] != results or [a.type for a in self.accumulator_args()] != inits:
            self.fail("the region's first arguments must have the types of the inits, and the results those "
                      "types (arrays of them, with an axis)")


def known_extent(array: Value, axis: int) -> Value | int | None:
    """The extent ``axis`` of ``array`` as the op that made it knows it: an ``array.map``'s
    extent, an ``array.alloc``'s, an ``array.reshape``'s, an ``array.subview``'s count (1
    for a new axis), the kept extents of an ``array.reduce`` along an axis, through
    transposes, and that of an ``if`` result both of whose branches yield arrays with the
    same known extent; None for other arrays (an ``array.dim`` finds it at run time)."""
    source = array.owner
    if isinstance(source, ArrayAllocOp):
        return source.operand(axis)
    if isinstance(source, ArrayTransposeOp):
        return known_extent(source.operand(0), source.perm[axis])
    if isinstance(source, IfOp):
        at = source.results.index(array)
        then, other = (known_extent(b.terminator.operand(at), axis) for b in (source.then_block, source.else_block))
        return then if then is not None and (then is other or then == other) else None
    if isinstance(source, ArrayMapOp):
        return source.extents[axis]
    if isinstance(source, ArrayReduceOp) and source.axis is not None:
        return [e for j, e in enumerate(source.extents) if j != source.axis][axis]
    if isinstance(source, ArrayReshapeOp):
        return source.operand(1 + axis)
    if isinstance(source, ArraySubviewOp):
        letter, operands = [part for part in source.parts() if part[0] != "i"][axis]
        return operands[1] if letter == "s" else 1
    return None


def is_extent_of(extent: Value, array: Value, axis: int) -> bool:
    """``extent`` is known to be extent ``axis`` of ``array``: its ``array.dim``, the extent the
    op that made ``array`` was given, or that of the array a transpose or part view shows."""
    owner = extent.owner
    if isinstance(owner, ArrayDimOp) and owner.operand(0) is array and owner.axis == axis:
        return True
    source = array.owner
    if isinstance(source, ArrayTransposeOp):
        return is_extent_of(extent, source.operand(0), source.perm[axis])
    if isinstance(source, ArrayPartOp):
        return is_extent_of(extent, source.operand(0), axis)
    known = known_extent(array, axis)
    if isinstance(known, int):
        return isinstance(owner, ConstantOp) and owner.value == known
    return known is extent
