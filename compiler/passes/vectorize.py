"""The ``vectorize`` pass: element-wise innermost loops become vector loops.

A ``for`` with step 1 whose body is straight-line code (no nested regions, no
checks left -- ``bce`` removed them, or ``boundscheck=False``), carries no
value from one trip to the next, reads and writes 1-d C-contiguous arrays
of one element type at exactly the induction variable, and computes with
``+ - * /``, ``min``, ``max`` and negation on that type, is rewritten as

    vectorized = the stored arrays share no memory with the other arrays (run-time check)
    if vectorized:
        for j in range(lo, lo + (hi - lo) // W * W, W): the body on vectors of W elements
    for i in range(lo + (hi - lo) // W * W if vectorized else lo, hi): the original body

so the original loop does the remaining trips, or all of them when the
arrays overlap (where vector loads could read what the same vector's
stores write).  ``W`` comes from the host: 512-bit vectors with AVX-512,
256-bit with AVX, else 128-bit.  Integer arithmetic wraps lane by lane as it
does element by element, and each lane does the same IEEE operations in the
same order as the scalar loop, so results are identical.

Not (yet) vectorized, each with a remark saying why: loop-carried values
(reductions), branches in the body (if-conversion), checks that remain,
other element types or strides, other operations.
"""
from __future__ import annotations

from ir.core import Operation, Value
from ir.ops import (
    AddOp, ArrayLoadOp, ArrayOverlapOp, ArrayStoreOp, ConstantOp, DivOp, ForOp, GtOp, IfOp, MaxOp, MinOp,
    MulOp, NegOp, NotOp, OrOp, RaiseIfOp, SelectOp, ShlOp, ShrOp, SubOp, VectorLoadOp, VectorSplatOp, VectorStoreOp,
    YieldOp,
)
from ir.types import FloatType, IntType, Type, VectorType, bool_, i64

from . import OpPass, register_pass
from .fold import constant_of
from .manager import remark

#: element-wise ops the vector body may use, and the element kinds they may work on
LANE_OPS: dict[type, tuple[type, ...]] = {
    AddOp: (IntType, FloatType), SubOp: (IntType, FloatType), MulOp: (IntType, FloatType),
    DivOp: (FloatType,), MinOp: (IntType, FloatType), MaxOp: (IntType, FloatType), NegOp: (IntType, FloatType),
}
#: element types the pass works on
ELEMENT_BITS = {"f64": 64, "f32": 32, "i64": 64, "i32": 32}


def host_vector_bits() -> int:
    """The widest vector registers of this CPU: 512 (AVX-512), 256 (AVX) or 128."""
    import llvmlite.binding as llvm

    llvm.initialize_native_target()
    features = llvm.get_host_cpu_features()
    if features.get("avx512f"):
        return 512
    if features.get("avx") or features.get("avx2"):
        return 256
    return 128


@register_pass
class Vectorize(OpPass):
    name = "vectorize"

    def __init__(self) -> None:
        self._bits: int | None = None

    def visit(self, op: Operation) -> bool:
        if not isinstance(op, ForOp):
            return False
        element, why = _eligible(op)
        if element is None:
            if why:
                remark(self, op, f"loop not vectorized: {why}")
            return False
        if self._bits is None:
            self._bits = host_vector_bits()
        width = self._bits // ELEMENT_BITS[str(element)]
        _vectorize(op, element, width)
        remark(self, op, f"loop vectorized: {width} x {element}")
        return True


def _eligible(op: ForOp) -> tuple[Type | None, str]:
    """The element type to vectorize ``op`` on, or ``None`` and why not (``""``: not worth a remark)."""
    body = op.body
    if any(inner.regions for inner in body.ops):
        return None, "" if any(isinstance(i, ForOp) for i in body.ops) else "a branch in the body"
    known, step = constant_of(op.step)
    if not known or step != 1:
        return None, "the step is not 1"
    if op.results:
        return None, "a value is carried from one trip to the next (reductions are not vectorized yet)"
    check = next((inner for inner in body.ops if isinstance(inner, RaiseIfOp)), None)
    if check is not None:
        line = f" at line {check.loc.line}" if check.loc is not None else ""
        return None, (f"a check remains{line} ({check.attributes['exception']}); index the arrays with the "
                      "loop variable of a range their length bounds, or compile with boundscheck=False")
    iv = op.induction_var
    element: Type | None = None
    stores = 0
    for inner in body.ops[:-1]:
        if isinstance(inner, (ArrayLoadOp, ArrayStoreOp)):
            t = inner.operand(0).type
            if t.ndim != 1 or t.layout != "C" or inner.operand(1) is not iv:
                return None, f"'{inner.name}' is not at the loop index of a 1-d C-contiguous array"
            dtype = t.dtype
            stores += isinstance(inner, ArrayStoreOp)
        elif type(inner) in LANE_OPS:
            dtype = inner.result.type
            if not isinstance(dtype, LANE_OPS[type(inner)]):
                return None, f"'{inner.name}' on {dtype}"
        elif isinstance(inner, ConstantOp):
            continue
        else:
            return None, f"'{inner.name}' in the body"
        if str(dtype) not in ELEMENT_BITS or (element is not None and dtype != element):
            return None, f"elements of {dtype}" + (f" and {element}" if element is not None else "")
        element = dtype
    if element is None or not stores:
        return None, "nothing is stored"
    uses_iv = [user for user, _ in iv.uses if user is not body.terminator]
    if any(not isinstance(user, (ArrayLoadOp, ArrayStoreOp)) for user in uses_iv):
        return None, "the loop index is used as a number"
    return element, ""


def _vectorize(op: ForOp, element: Type, width: int) -> None:
    block = op.parent
    index = block.index_of(op)

    def before(new: Operation) -> Value | None:
        nonlocal index
        block.insert(index, new)
        index += 1
        return new.results[0] if new.results else None

    loc = op.loc
    zero = before(ConstantOp(0, i64, loc=loc))
    span = before(SubOp(op.upper, op.lower, loc=loc))
    span = before(SelectOp(before(GtOp(span, zero, loc=loc)), span, zero, loc=loc))
    shift = before(ConstantOp(width.bit_length() - 1, i64, loc=loc))
    vector_end = before(AddOp(op.lower, before(ShlOp(before(ShrOp(span, shift, loc=loc)), shift, loc=loc)),
                              loc=loc))
    overlap = None
    for a, b in _aliasing_pairs(op):
        found = before(ArrayOverlapOp(a, b, loc=loc))
        overlap = found if overlap is None else before(OrOp(overlap, found, loc=loc))
    vectorized = before(NotOp(overlap, loc=loc)) if overlap is not None else \
        before(ConstantOp(True, bool_, loc=loc))
    guard = IfOp(vectorized, [], loc=loc)
    before(guard)
    _vector_loop(op, vector_end, element, width, guard.then_block)
    guard.then_block.append(YieldOp([], loc=loc))
    guard.else_block.append(YieldOp([], loc=loc))
    op.set_operand(0, before(SelectOp(vectorized, vector_end, op.lower, loc=loc)))


def _aliasing_pairs(op: ForOp) -> list[tuple[Value, Value]]:
    """The pairs of arrays whose memory must not overlap: each stored array with each
    other array the body reads or stores."""
    stored: list[Value] = []
    read: list[Value] = []
    for inner in op.body.ops:
        if isinstance(inner, ArrayStoreOp) and inner.operand(0) not in stored:
            stored.append(inner.operand(0))
    for inner in op.body.ops:
        if isinstance(inner, ArrayLoadOp) and inner.operand(0) not in stored and inner.operand(0) not in read:
            read.append(inner.operand(0))
    return [(s, r) for s in stored for r in read] + [(a, b) for k, a in enumerate(stored) for b in stored[k + 1:]]


def _vector_loop(op: ForOp, end: Value, element: Type, width: int, block) -> None:
    """Append to ``block`` ``for j in range(op.lower, end, width)``: the body on vectors."""
    loc = op.loc
    step = block.append(ConstantOp(width, i64, loc=loc)).result
    loop = block.append(ForOp(op.lower, end, step, [], loc=loc))
    body = loop.body
    mapping: dict[Value, Value] = {}

    def vector(value: Value) -> Value:
        """The vector form of an operand: its mapped value, or the scalar in every lane."""
        if value not in mapping:
            mapping[value] = body.append(VectorSplatOp(value, width, loc=loc)).result
        return mapping[value]

    j = loop.induction_var
    for inner in op.body.ops[:-1]:
        if isinstance(inner, ConstantOp):
            continue   # splat where used
        if isinstance(inner, ArrayLoadOp):
            mapping[inner.result] = body.append(VectorLoadOp(inner.operand(0), j, width, loc=inner.loc)).result
        elif isinstance(inner, ArrayStoreOp):
            body.append(VectorStoreOp(inner.operand(0), j, vector(inner.operand(2)), loc=inner.loc))
        else:
            new = type(inner).create([vector(v) for v in inner.operands], [VectorType(element, width)],
                                     dict(inner.attributes), [], inner.loc)
            mapping[inner.result] = body.append(new).result
    body.append(YieldOp([], loc=loc))
