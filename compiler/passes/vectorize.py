"""The ``vectorize`` pass: element-wise innermost loops and reductions become vector loops.

A ``for`` with step 1 whose body, once its branches are if-converted, is
straight-line code with no checks left (``bce`` or ``version`` removed them,
or ``boundscheck=False``), reads and writes C-contiguous arrays of one
element type along their last axis at the induction variable plus a small
constant (the other indices fixed in the loop: ``a[i, j - 1]`` in a loop over
``j``) or reads one element the loop does not move along (``row_sums[i, 0]``,
loaded once per vector and put in every lane), stores an array at one element per trip and reads it only there (so
no trip reads what another writes), and computes with ``+ - * /``, ``min``,
``max``, negation, comparisons, ``select`` and bitwise ops on that type and
on ``bool``, is rewritten as

    vectorized = the stored arrays share no memory with the other arrays (run-time check)
    if vectorized:
        for j in range(lo, lo + (hi - lo) // W * W, W): the body on vectors of W elements
    for i in range(lo + (hi - lo) // W * W if vectorized else lo, hi): the original body

so the original loop does the remaining trips, or all of them when the
arrays overlap (where vector loads could read what the same vector's
stores write); a loop that stores nothing needs no check, nor one marked
``independent`` (``lower-arrays`` marks the loops of a whole-array map so).  ``W`` comes from
the host: 512-bit vectors with AVX-512, 256-bit with AVX, else 128-bit.

**If-conversion.**  An ``if`` in the body becomes a ``select`` of what its
branches yield, both branches computed on every lane.  That is allowed only
where computing the untaken branch cannot be observed: its ops must be pure
(so no stores, calls or checks -- a division guarded by a zero test keeps
its check in the branch, and so its branch) and its loads must read elements
the loop reads or writes unconditionally anyway (the same array at the
induction variable), so a speculated load never leaves the arrays.

**Reductions.**  A value carried from one trip to the next is vectorized
when every use of it, and of what is computed from it, is one associative
operation of one kind -- ``s + x`` / ``s - x`` (kind ``add``), ``s * x``, ``min``,
``max`` (also written ``if x > s: s = x``), and for integers ``& | ^`` -- or a
``select`` between such values (``if c: s += x``).  Each lane then accumulates its own share of the trips from the
kind's identity (``0``, ``1``, the type's extremes; ``-0.0`` for float sums), and
after the vector loop the lanes are combined in lane order and with the
initial value; the remaining trips continue from there.  Integer arithmetic
wraps, so integer reductions are exact in any order and always vectorized.
Floating-point reductions change their rounding (and, for ``min``/``max``, which
of two equal zeros or which NaN survives) when reordered, so they are
vectorized only in functions compiled with ``fastmath=True`` (the function's
``fastmath`` attribute), or, for ``min``/``max``, in loops marked
``any_order`` (``lower-arrays``' first pass over a float min/max, whose
caller redoes the reduction in NumPy's order where the result is a zero or
NaN); everywhere else each lane does the same IEEE operations in the same
order as the scalar loop, so results are identical.

Loops left alone get a remark saying why: checks that remain, stores or
other effects under a branch, carried values that are not reductions, other
element types or strides, other operations.
"""
from __future__ import annotations


from ir.clone import clone_block
from ir.core import Block, ConstantLike, Operation, Value
from ir.interfaces import lanewise_kinds, loop_regions, reduction_kind, reduction_of, slots, speculatable
from ir.ops import (
    AddOp, ArrayLoadOp, ArrayOverlapOp, ArrayStoreOp, ConstantOp, ForOp, FuncOp, GeOp, GtOp, IfOp, LeOp, LtOp,
    NotOp, OrOp, RaiseIfOp, SelectOp, ShlOp, ShrOp, SubOp, VectorLoadOp, VectorReduceOp, VectorSplatOp,
    VectorStoreOp, YieldOp,
)
from ir.rewriting import Rewriter
from ir.types import FloatType, Type, VectorType, bool_, i64

from .analysis import constant_of, may_share_memory
from .base import OpPass, register_pass, remark

# Which ops run lane by lane on vectors (and on which types), and which accumulate
# associatively (with which identity and combining op), the ops declare
# (``ir.interfaces.lanewise_kinds``, ``reduction_of``, ``reduction_kind``).
#: comparisons that may pick the larger or smaller of an element and an accumulator
#: (a pattern: ``x if x > s else s`` is a ``max``)
ORDERINGS = (LtOp, LeOp, GtOp, GeOp)
#: index offsets ``i + c`` the pass accepts (small: ``j + c`` cannot wrap)
MAX_INDEX_OFFSET = 1 << 32
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
    #: run after this pass when it changed the module (in a level's pipeline):
    #: the vector loop's splats and constants are invariant,
    #: the scalar loop's old ops dead
    cleanup = ("licm", "cse", "dce")

    def __init__(self) -> None:
        self._bits: int | None = None

    def visit(self, op: Operation) -> bool:
        if not isinstance(op, ForOp) or op.attributes.get("vectorized") or op.attributes.get("cold"):
            return False   # done, or code that rarely runs (kept small)
        if op.attributes.get("prange"):   # its trips may run on several threads: LLVM vectorizes each share
            remark(self, op, "loop not vectorized: a prange loop (its trips run in parallel)")
            return False
        why = _shape(op)
        if why is not None:
            if why:
                remark(self, op, f"loop not vectorized: {why}")
            return False
        flat, why = _if_converted_body(op)
        if flat is None:
            remark(self, op, f"loop not vectorized: {why}")
            return False
        try:
            element, kinds, why = _eligible(flat, _fastmath(op), bool(op.attributes.get("any_order")))
            if element is None:
                remark(self, op, f"loop not vectorized: {why}")
                return False
            if self._bits is None:
                self._bits = host_vector_bits()
            width = self._bits // ELEMENT_BITS[str(element)]
            _vectorize(op, flat, element, width, kinds, self.rewriter)
        finally:
            _discard(flat)
        what = [f"{width} x {element}"]
        if any(isinstance(inner, IfOp) for inner in op.body.ops):
            what.append("branches as selects")
        what += [f"{kind} reduction of %{arg.name_hint or 'carried'}" for kind, arg in zip(kinds, op.iter_args)]
        remark(self, op, "loop vectorized: " + ", ".join(what))
        return True


def _fastmath(op: Operation) -> bool:
    """Whether the function around ``op`` may reorder floating-point operations."""
    func = op.parent_op
    while func is not None and not isinstance(func, FuncOp):
        func = func.parent_op
    return bool(func is not None and func.attributes.get("fastmath"))


def _shape(op: ForOp) -> str | None:
    """Why ``op`` cannot be vectorized whatever its body computes (``""``: an outer loop,
    not worth a remark), or ``None``."""
    if any(loop_regions(inner) for inner in op.body.walk()):
        return ""
    known, step = constant_of(op.step)
    if not known or step != 1:
        return "the step is not 1"
    check = next((inner for inner in op.body.walk() if isinstance(inner, RaiseIfOp)), None)
    if check is not None:
        line = f" at line {check.loc.line}" if check.loc is not None else ""
        return (f"a check remains{line} ({check.attributes['exception']}); index the arrays with the loop "
                "variable of a range their length bounds, or compile with boundscheck=False")
    return None


# ---------------------------------------------------------------- if-conversion
def _if_converted_body(op: ForOp) -> tuple[Block | None, str]:
    """A copy of ``op``'s body with every ``if`` turned into ``select`` s, or ``None``
    and why that is not allowed.  The copy is scratch: the vector body is built
    from it, then it is discarded."""
    flat = clone_block(op.body, {})
    read_anyway = {_access(inner) for inner in flat.ops if _access(inner) is not None}
    why = _flatten(flat, read_anyway)
    if why:
        _discard(flat)
        return None, why
    return flat, ""


def _access(op: Operation) -> tuple[Value, tuple[Value, ...]] | None:
    """``(array, indices)`` of an ``array.load`` or ``array.store``, else ``None``."""
    if isinstance(op, (ArrayLoadOp, ArrayStoreOp)):
        return op.operand(0), tuple(op.indices)
    return None


def _flatten(block: Block, read_anyway: set) -> str:
    """If-convert ``block`` in place (innermost ``if`` s first); ``""`` or why not."""
    for inner in list(block.ops):
        if not isinstance(inner, IfOp):
            continue
        branches = (inner.then_block, inner.else_block)
        for branch in branches:
            why = _flatten(branch, read_anyway)
            if why:
                return why
            for speculated in branch.ops[:-1]:
                safe_load = isinstance(speculated, ArrayLoadOp) and _access(speculated) in read_anyway
                if not (speculatable(speculated) or safe_load):
                    return (f"'{speculated.name}' under a branch (only pure code and loads of elements "
                            "the loop reads anyway can run on every lane)")
        for branch in branches:
            for speculated in list(branch.ops[:-1]):
                speculated.move_before(inner)
        then_values, else_values = (branch.terminator.operands for branch in branches)
        for result, a, b in zip(inner.results, then_values, else_values):
            select = SelectOp(inner.cond, a, b, loc=inner.loc)
            block.insert(block.index_of(inner), select)
            result.replace_all_uses_with(select.result)
        inner.erase()
    return ""


def _discard(block: Block) -> None:
    """Drop a scratch block's ops (and their uses of values outside it)."""
    for inner in reversed(list(block.ops)):
        inner.erase()


# ---------------------------------------------------------------- eligibility
def _index_offset(value: Value, iv: Value) -> int | None:
    """``c`` if ``value`` is ``iv + c`` (``c`` a small constant, 0 for ``iv`` itself), else ``None``."""
    if value is iv:
        return 0
    owner = value.owner
    if isinstance(owner, (AddOp, SubOp)):
        for k in (0, 1) if isinstance(owner, AddOp) else (0,):
            known, c = constant_of(owner.operand(1 - k))
            if owner.operand(k) is iv and known and isinstance(c, int) and not isinstance(c, bool) \
                    and abs(c) < MAX_INDEX_OFFSET:
                return c if isinstance(owner, AddOp) else -c
    return None


def _is_invariant_load(load: ArrayLoadOp, flat: Block) -> bool:
    """The load reads the same element on every trip (no index is computed in the body)."""
    inside = set(flat.args) | {r for inner in flat.ops for r in inner.results}
    return not any(v in inside for v in load.operands[1:])


def _eligible(flat: Block, fastmath: bool, any_order: bool = False) -> tuple[Type | None, list[str], str]:
    """The element type and the reduction kinds of the carried values to vectorize the
    loop whose if-converted body is ``flat``, or ``None`` and why not."""
    iv = flat.args[0]
    inside = set(flat.args) | {r for inner in flat.ops for r in inner.results}
    index_ops = {inner for inner in flat.ops if len(inner.results) == 1 and _index_offset(inner.result, iv) is not None}
    element: Type | None = None
    stores: dict[Value, tuple[Value, ...]] = {}
    accesses = []
    for inner in flat.ops[:-1]:
        access = _access(inner)
        if access is not None:
            array, indices = access
            invariant = isinstance(inner, ArrayLoadOp) and not any(v in inside for v in indices)
            if not invariant and (not indices or array.type.layout != "C" or _index_offset(indices[-1], iv) is None
                                  or any(v in inside for v in indices[:-1])):
                return None, [], (f"'{inner.name}' is not at the loop index (plus a constant) along the last "
                                  "axis of a C-contiguous array with the other indices fixed")
            if isinstance(inner, ArrayStoreOp) and stores.setdefault(array, indices) != indices:
                return None, [], "an array is stored at two places in one trip"
            accesses.append(access)
            types = [array.type.dtype]
        elif inner in index_ops or inner.has_trait(ConstantLike):
            continue
        elif lanewise_kinds(inner):
            if not isinstance(inner.operand(0).type, lanewise_kinds(inner)):
                return None, [], f"'{inner.name}' on {inner.operand(0).type}"
            types = [v.type for v in (*inner.operands, inner.result)]
        else:
            return None, [], f"'{inner.name}' in the body"
        for t in types:
            if t == bool_:
                continue
            if str(t) not in ELEMENT_BITS or (element is not None and t != element):
                return None, [], f"elements of {t}" + (f" and {element}" if element is not None else "")
            element = t
    for array, indices in accesses:   # a stored array is read only where the same trip writes it
        if array in stores and stores[array] != indices:
            return None, [], "an array is stored and also read at another element (a dependence between trips)"
    for value in (iv, *(op.result for op in index_ops)):
        for user, index in value.uses:
            last = len(user.operands) - (2 if isinstance(user, ArrayStoreOp) else 1)
            as_index = isinstance(user, (ArrayLoadOp, ArrayStoreOp)) and index == last
            if not (as_index or (value is iv and user in index_ops)):
                return None, [], "the loop index is used as a number"
    if element is None:
        return None, [], "no array is read or written"
    kinds, why = _reductions(flat, element, fastmath, any_order)
    if why:
        return None, [], why
    if not (stores or kinds):
        return None, [], "nothing is stored or accumulated"
    return element, kinds, ""


def _reductions(flat: Block, element: Type, fastmath: bool, any_order: bool = False) -> tuple[list[str], str]:
    """The reduction kind of each carried value of the body ``flat``, or why one is not a reduction."""
    kinds: list[str] = []
    claimed: set[Operation] = set()
    stored = {op.operand(0) for op in flat.ops if isinstance(op, ArrayStoreOp)}
    for acc, yielded in zip(flat.args[1:], flat.terminator.operands):
        name = f"%{acc.name_hint}" if acc.name_hint else "a carried value"
        if acc.type != element:
            return [], f"{name} is a {acc.type}, not an element of the arrays ({element})"
        chain, ops, tests = {acc}, [], []
        work = [acc]
        while work:
            for user, index in work.pop().uses:
                if user is flat.terminator or user in ops or user in tests:
                    continue
                if user in claimed:
                    return [], f"{name} is combined with another carried value"
                claimed.add(user)
                if isinstance(user, ORDERINGS):   # only as the condition of a max/min select (checked below)
                    tests.append(user)
                    continue
                reduction = reduction_of(user)
                if not (isinstance(user, SelectOp) and index != 0
                        or reduction is not None and index in reduction.accumulator_operands):
                    return [], f"{name} is carried from one trip to the next and used by '{user.name}'"
                ops.append(user)
                chain.add(user.result)
                work.append(user.result)
        if yielded not in chain:
            return [], f"{name} is replaced, not accumulated, from one trip to the next"
        found = set()
        for test in tests:
            if not all(isinstance(u, SelectOp) and i == 0 and u in ops for u, i in test.result.uses):
                return [], f"{name} is carried from one trip to the next and compared by '{test.name}'"
        for user in ops:
            if isinstance(user, SelectOp):
                kind = _select_kind(user, chain, tests, stored)
                if kind is None:
                    return [], f"{name} is replaced under a condition, not accumulated"
                if kind:
                    found.add(kind)
            elif sum(v in chain for v in user.operands) != 1:
                return [], f"{name} is combined with itself"
            else:
                found.add(reduction_of(user).kind)
        if len(found) != 1:
            return [], f"{name} is " + (f"accumulated by {' and '.join(sorted(found))}" if found
                                        else "carried unchanged")
        kind = found.pop()
        if isinstance(element, FloatType) and not fastmath and not (any_order and kind in ("min", "max")):
            return [], (f"{name} is a floating-point {kind} reduction, which vectorizing reorders; compile "
                        "with fastmath=True to allow that")
        if not isinstance(element, reduction_kind(kind).combine.kinds):
            return [], f"{name} is accumulated by '{kind}' on {element}"
        kinds.append(kind)
    return kinds, ""


def _select_kind(select: SelectOp, chain: set[Value], tests: list[Operation], stored: set[Value]) -> str | None:
    """How ``select`` takes part in a reduction: ``""`` choosing between two accumulated
    values (``if c: s += x``), ``"max"``/``"min"`` for ``x if x > s else s`` and its
    variants, ``None`` for anything else (the value replaced under a condition)."""
    cond, a, b = select.operands
    if a in chain and b in chain and cond.owner not in tests:
        return ""
    test = cond.owner
    if test not in tests or (a in chain) == (b in chain):
        return None
    u, v = test.operands
    def same(x: Value, y: Value) -> bool:   # or loads of one element of an array the body never stores
        return x is y or (isinstance(x.owner, ArrayLoadOp) and isinstance(y.owner, ArrayLoadOp)
                          and x.owner.operands == y.owner.operands and x.owner.operand(0) not in stored)

    if not ((same(u, a) and same(v, b)) or (same(u, b) and same(v, a))):
        return None
    says_greater = isinstance(test, (GtOp, GeOp))   # the test is u > v (or u >= v)
    return "max" if says_greater == same(u, a) else "min"


def _identity(kind: str, t: Type) -> int | float:
    """The value a lane of a ``kind`` reduction of ``t`` starts from (declared by the op)."""
    return reduction_kind(kind).identity(t)


# ---------------------------------------------------------------- rewriting
def _vectorize(op: ForOp, flat: Block, element: Type, width: int, kinds: list[str], rewriter: Rewriter) -> None:
    def before(new: Operation) -> Value | None:
        rewriter.insert_before(op, new)
        return new.results[0] if new.results else None

    def in_guard(new: Operation) -> Value | None:
        guard.then_block.append(new)
        return new.results[0] if new.results else None

    loc = op.loc
    zero = before(ConstantOp(0, i64, loc=loc))
    span = before(SubOp(op.upper, op.lower, loc=loc))
    span = before(SelectOp(before(GtOp(span, zero, loc=loc)), span, zero, loc=loc))
    shift = before(ConstantOp(width.bit_length() - 1, i64, loc=loc))
    vector_end = before(AddOp(op.lower, before(ShlOp(before(ShrOp(span, shift, loc=loc)), shift, loc=loc)),
                              loc=loc))
    overlap = None
    for a, b in [] if op.attributes.get("independent") else _aliasing_pairs(op):
        found = before(ArrayOverlapOp(a, b, loc=loc))
        overlap = found if overlap is None else before(OrOp(overlap, found, loc=loc))
    if overlap is None:   # nothing can alias: the vector loop always runs
        finals = _vector_loop(op, flat, vector_end, element, width, kinds, before)
        rewriter.set_operand(op, 0, vector_end)   # the scalar loop runs the remaining trips
    else:
        vectorized = before(NotOp(overlap, loc=loc))
        guard = IfOp(vectorized, [v.type for v in op.inits], loc=loc)
        before(guard)
        finals = _vector_loop(op, flat, vector_end, element, width, kinds, in_guard)
        guard.then_block.append(YieldOp(finals, loc=loc))
        guard.else_block.append(YieldOp(list(op.inits), loc=loc))
        rewriter.modified(guard)
        finals = guard.results
        rewriter.set_operand(op, 0, before(SelectOp(vectorized, vector_end, op.lower, loc=loc)))
    for slot, final in zip(slots(op), finals):
        rewriter.set_operand(op, slot.operand, final)   # ... from what the vector loop carried


def _aliasing_pairs(op: ForOp) -> list[tuple[Value, Value]]:
    """The pairs of arrays whose memory must not overlap: each stored array with each
    other array the body reads or stores, where the two may share memory at all."""
    stored: list[Value] = []
    read: list[Value] = []
    for inner in op.body.walk():
        if isinstance(inner, ArrayStoreOp) and inner.operand(0) not in stored:
            stored.append(inner.operand(0))
    for inner in op.body.walk():
        if isinstance(inner, ArrayLoadOp) and inner.operand(0) not in stored and inner.operand(0) not in read:
            read.append(inner.operand(0))
    pairs = [(s, r) for s in stored for r in read] + [(a, b) for k, a in enumerate(stored) for b in stored[k + 1:]]
    return [(a, b) for a, b in pairs if may_share_memory(a, b)]


def _vector_loop(op: ForOp, flat: Block, end: Value, element: Type, width: int, kinds: list[str],
                 emit) -> list[Value]:
    """Emit (with ``emit``) ``for j in range(op.lower, end, width)`` running the
    if-converted body ``flat`` on vectors, and the combining of its reductions;
    the carried values after it."""
    loc = op.loc
    step = emit(ConstantOp(width, i64, loc=loc))
    inits = [emit(VectorSplatOp(emit(ConstantOp(_identity(kind, element), element, loc=loc)), width, loc=loc))
             for kind in kinds]
    loop = ForOp(op.lower, end, step, inits, loc=loc)
    loop.attributes["vectorized"] = op.attributes["vectorized"] = True   # LLVM's vectorizer leaves both alone
    emit(loop)
    body = loop.body
    mapping: dict[Value, Value] = dict(zip(flat.args[1:], body.args[1:]))
    scalars: dict[Value, Value] = {}   # the scratch body's constants, made again in the vector body

    def vector(value: Value) -> Value:
        """The vector form of an operand: its mapped value, or the scalar in every lane."""
        if value not in mapping:
            scalar = scalars.get(value, value)
            mapping[value] = body.append(VectorSplatOp(scalar, width, loc=loc)).result
        return mapping[value]

    j, iv = loop.induction_var, flat.args[0]
    starts: dict[int, Value] = {0: j}

    def start(index: Value) -> Value:
        """The first element a vector access at scalar ``index`` (``iv + c``) covers: ``j + c``."""
        offset = _index_offset(index, iv)
        if offset not in starts:
            step_by = body.append(ConstantOp(offset, i64, loc=loc)).result
            starts[offset] = body.append(AddOp(j, step_by, loc=loc)).result
        return starts[offset]

    for inner in flat.ops[:-1]:
        if inner.has_trait(ConstantLike):
            scalars[inner.result] = body.append(ConstantOp(inner.constant_value(), inner.result.type,
                                                           loc=inner.loc)).result
        elif isinstance(inner, ArrayLoadOp) and _is_invariant_load(inner, flat):
            scalars[inner.result] = body.append(ArrayLoadOp(inner.operand(0), inner.operands[1:],
                                                            loc=inner.loc)).result   # one element, every lane
        elif _access(inner) is not None:
            array, indices = _access(inner)
            where = [*indices[:-1], start(indices[-1])]
            if isinstance(inner, ArrayLoadOp):
                mapping[inner.result] = body.append(VectorLoadOp(array, where, width, loc=inner.loc)).result
            else:
                body.append(VectorStoreOp(array, where, vector(inner.operand(-1)), loc=inner.loc))
        elif len(inner.results) == 1 and _index_offset(inner.result, iv) is not None:
            continue   # index arithmetic: ``start`` makes it on the vector index
        else:
            new = type(inner).create([vector(v) for v in inner.operands], [VectorType(inner.result.type, width)],
                                     dict(inner.attributes), [], inner.loc)
            mapping[inner.result] = body.append(new).result
    body.append(YieldOp([vector(v) for v in flat.terminator.operands], loc=loc))
    finals = []
    for kind, init, lanes in zip(kinds, op.inits, loop.results):
        combined = emit(VectorReduceOp(lanes, kind, loc=loc))
        finals.append(emit(reduction_kind(kind).combine(init, combined, loc=loc)))
    return finals
