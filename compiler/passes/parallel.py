"""The ``parallel`` pass: the loops ``prange`` made run their trips on several threads.

The compiler runs it once, after the pipeline and before ``refcount``, in functions
compiled with ``parallel=True`` (the function's ``parallel`` attribute; without it
``prange`` is ``range`` and the pipeline drops the loops' ``prange`` mark).  Each
outermost ``for`` marked ``prange`` becomes a ``parallel.for`` (``ir.ops.parallel``)
once it passes the checks below; a ``prange`` inside it runs as a plain loop inside
each trip.  Each check that fails is an ``UnsupportedError`` at the line of what
breaks it, saying what to write instead: a loop this pass cannot prove safe to run
in parallel is refused, never run with a race.

* **Carried values are reductions.**  A variable the trips carry from one to the
  next must be accumulated with one associative operator and read nowhere else in
  the loop: ``s += x``, ``s -= x``, ``s *= x``, ``s = min(s, x)``, ``s = max(s, x)``
  (also ``if x > s: s = x`` and its ``select``, where it is exactly ``max``: for floats
  only the strict comparisons), and for ints and bools ``& | ^`` -- also under a
  condition (``if c: s += x``), in an inner loop, and several variables at once; a
  constant the operator absorbs (``s *= 0``, folded) is that accumulation.  A number
  each trip computes anew without reading the one before (the loop variable, read
  after the loop) comes out as the last trip's.  Anything else (``s = s * 2 + x``,
  reading ``s``) carries a value from trip to trip: refused, naming the variable.
* **Trips write their own elements.**  An array the trips write (one made before the
  loop, or an argument) must be written and read by every trip only at positions
  that hold its own trip index: some axis is indexed by ``i + c`` (the same ``c``
  at every access) directly or through views (``out[i] = ...``, ``out[i, j] += ...``,
  ``row = out[i]; row[:] = ...``, ``out[:, i]``, one slice or transpose of the array:
  ``a[1:]`` or ``a.T`` passed to a function that writes ``out[i]``).  Writing ``a[0]``,
  ``a[k]`` for a computed ``k`` (a histogram), or reading ``a[i - 1]`` where ``a[i]`` is
  written, is refused: other trips could write the same element at once.  An index
  that would count from the end where negative (``-O0``, or a start not known to be
  at least 0) holds only where every ``i + c`` is at least 0: checked when the loop
  starts, the trips running in order where it fails.  Arrays that a trip allocates
  itself are its own.  Arrays the loop only reads are free to read.
* **Nothing else is shared.**  Drawing random numbers (one generator for every
  trip), changing a list, dict or set made outside the loop, ``str`` values (CPython
  objects, which need the GIL), ``break``/``return`` out of the loop and an
  exception caught outside the loop are refused.  Calls of compiled functions are
  checked as writes of the arrays they are passed and write.  ``print`` and
  ``py_call`` run with the GIL, in the order the threads get there.

The loops ``lower-arrays`` marks in functions compiled with ``parallel=True``
(``parallel_if_large``: the outer loops of whole-array nests) run in parallel only
from ``MIN_PARALLEL_WORK`` elements, checked when they start; one that fails a check
runs in order with a remark (the user did not ask for it).  The nests of whole-array
maps (``independent`` loops) are apart by construction: each trip stores its own
elements, and where an input may overlap the output, the map computes into a new
array first.

Two different arrays the loop is passed may be one (``f(a, a)``): where a written
array may share memory with another the loop reads or writes, the loop is
versioned -- ``if array.overlap: for (the trips in order) else parallel.for`` -- so
such a call gets the sequential loop's result.

Remarks (``irdump --remarks``) say which loops run in parallel, with their reductions.
"""
from __future__ import annotations

import os

import frontend

from ir import Location, Module, UnsupportedError
from ir.clone import clone
from ir.core import Block, BlockArgument, Operation, Value
from ir.interfaces import (
    Allocate, Read, Write, effects, is_region_branch, ownership, reduction_of, sources_of_argument, sources_of_result,
)
from ir.ops import (
    AddOp, ArrayLoadOp, ArrayOverlapOp, ArrayStoreOp, ArraySubviewOp, ArrayTransposeOp, ArrayViewOp, CallOp, CastOp,
    ConstantOp, DrawOp, ForOp, FuncOp, GeOp, GeneratorOp, GtOp, IfOp, LeOp, LeaveOp, LtOp, MinOp, MulOp, OrOp,
    ParallelForOp, PyCallOp, SelectOp, SubOp, VectorLoadOp, VectorStoreOp, WhileOp, YieldOp,
)
from ir.ops.parallel import REDUCTION_KINDS
from ir.records import record
from ir.rewriting import Rewriter
from ir.types import ArrayType, BoolType, DictType, FloatType, IntType, ListType, SetType, StrType, Type, i64

from .analysis import affine, constant_of, may_share_memory
from .base import changes_of, register_pass, remark

__all__ = ["ParallelPass", "strip_prange", "MIN_PARALLEL_WORK"]

#: the fewest elements a whole-array nest runs in parallel over (``parallel_if_large``):
#: below, the team's start (a few microseconds) would cost more than it saves
MIN_PARALLEL_WORK = 1 << 15


def strip_prange(module: Module, nested_only: bool = False) -> None:
    """Make every ``prange`` loop of ``module`` a plain loop (a function compiled without
    ``parallel=True``), or (``nested_only``) those inside another ``prange`` loop, which run
    in order inside each trip of the outer one (and so are optimized as any loop)."""
    for func in module:
        for op in func.walk():
            if op.attributes.get("prange") and (not nested_only or _inside_parallel(op)):
                del op.attributes["prange"]


@register_pass
class ParallelPass:
    """Make the outermost ``prange`` loops ``parallel.for`` (see the module docstring)."""

    name = "parallel"

    def run(self, module: Module) -> bool:
        self.rewriter = Rewriter(changes_of(self))
        self.module = module
        changed = False
        for func in module:
            if not func.attributes.get("parallel"):
                continue
            for op in list(func.walk()):
                if op.attributes.get("prange") and op.parent is not None and not _inside_parallel(op):
                    changed |= self._parallelize_or_not(op)
        return changed

    def _parallelize_or_not(self, op: Operation) -> bool:
        """A loop ``lower-arrays`` chose (``parallel_if_large``) that fails a check runs in
        order, with a remark saying why; a ``prange`` of the user's raises the error."""
        try:
            return self._parallelize(op)
        except UnsupportedError as err:
            if not op.attributes.get("parallel_if_large"):
                raise
            op.attributes.pop("prange")
            remark(self, op, f"the array operation runs on one thread: {err.message}")
            return False

    def _parallelize(self, op: Operation) -> bool:
        if isinstance(op, WhileOp):
            raise UnsupportedError("a prange loop that may stop early (break, or return from inside it) cannot run "
                                   "its trips in parallel: every trip runs; use range for a loop that stops early",
                                   op.loc)
        assert isinstance(op, ForOp)
        kinds = [_reduction_kind(op, k) for k in range(len(op.results))]
        from_the_end = _check_effects(op, self.module)
        overlaps = _overlapping_pairs(op, self.module)
        parallel = ParallelForOp.create(list(op.operands), [r.type for r in op.results],
                                        {**{k: v for k, v in op.attributes.items() if k != "prange"},
                                         "reductions": kinds}, [], op.loc)
        for old, new in zip(op.results, parallel.results):
            new.name_hint = old.name_hint
        small = op.attributes.get("parallel_if_large")
        if overlaps or small or from_the_end:
            sequential = clone(op, {})
            sequential.attributes.pop("prange")
            results = self._versioned(op, parallel, sequential, overlaps, small, min(from_the_end, default=None))
        else:
            results = list(self.rewriter.insert_before(op, parallel).results)
        parallel.add_region(op.regions.pop(0))
        for old, new in zip(op.results, results):
            self.rewriter.replace_uses(old, new)
        self.rewriter.erase(op)
        names = ", ".join(f"{_name(parallel, k)} ({kind})" for k, kind in enumerate(kinds))
        remark(self, parallel, "the loop's trips run in parallel" + (f"; reductions: {names}" if kinds else "")
               + ("; where arrays it writes overlap others it uses, the trips run in order" if overlaps else "")
               + (f"; below {MIN_PARALLEL_WORK} elements, in order" if small else "")
               + ("; where an index it writes at may count from the end, in order" if from_the_end else ""))
        return True

    def _versioned(self, op: ForOp, parallel: ParallelForOp, sequential: ForOp,
                   overlaps: list[tuple[Value, Value]], small: bool, lowest_offset: int | None) -> list[Value]:
        """``if <a written array overlaps another> or <the nest is small> or <some i +
        lowest_offset is negative>: sequential else: parallel``, before ``op``; its results."""
        def put(new: Operation) -> Value:
            return self.rewriter.insert_before(op, new).result

        tests = [put(ArrayOverlapOp(a, b, loc=op.loc)) for a, b in overlaps]
        if small:
            threshold = put(ConstantOp(MIN_PARALLEL_WORK, i64, loc=op.loc))
            tests.append(put(LtOp(_work(op, put), threshold, loc=op.loc)))
        if lowest_offset is not None:   # every trip's i is at least lower (step > 0), or upper + 1 (step < 0)
            zero, one = put(ConstantOp(0, i64, loc=op.loc)), put(ConstantOp(1, i64, loc=op.loc))
            rising = put(GtOp(op.step, zero, loc=op.loc))
            least = put(SelectOp(rising, op.lower, put(AddOp(op.upper, one, loc=op.loc)), loc=op.loc))
            offset = put(ConstantOp(lowest_offset, i64, loc=op.loc))
            tests.append(put(LtOp(put(AddOp(least, offset, loc=op.loc)), zero, loc=op.loc)))
        condition = tests[0]
        for test in tests[1:]:
            condition = put(OrOp(condition, test, loc=op.loc))
        branch = IfOp(condition, [r.type for r in op.results], loc=op.loc,
                      result_names=[r.name_hint for r in op.results])
        branch.then_block.append(sequential)
        branch.then_block.append(YieldOp(list(sequential.results), loc=op.loc))
        branch.else_block.append(parallel)
        branch.else_block.append(YieldOp(list(parallel.results), loc=op.loc))
        return list(self.rewriter.insert_before(op, branch).results)


def _work(loop: ForOp, put) -> Value:
    """The elements a nest ``lower-arrays`` made runs over: its outer loop's trips times the
    extents of the loops nested in it that start at 0 and end where the nest begins
    (saturating: a product past 2**62 stays large)."""
    work = put(SubOp(loop.upper, loop.lower, loc=loop.loc))
    cap = put(ConstantOp(1 << 31, i64, loc=loop.loc))
    for inner in loop.body.walk():
        if isinstance(inner, ForOp) and constant_of(inner.lower) == (True, 0) and not _inside(inner.upper, loop.body):
            extent = put(MinOp(inner.upper, cap, loc=loop.loc))
            work = put(MulOp(put(MinOp(work, cap, loc=loop.loc)), extent, loc=loop.loc))
    return work


def _inside_parallel(op: Operation) -> bool:
    """Whether ``op`` is inside a loop that runs in parallel (or will: an outer ``prange``)."""
    outer = op.parent_op
    while outer is not None and not isinstance(outer, FuncOp):
        if isinstance(outer, ParallelForOp) or outer.attributes.get("prange"):
            return True
        outer = outer.parent_op
    return False


def _where(op: Operation | None, loop: ForOp) -> Location | None:
    """The source line to name for ``op`` in ``loop``: its own, or the loop's where ``op``
    comes from the compiler's own Python (``np.random.random`` is traced from the frontend's)."""
    if op is None or op.loc is None or os.path.dirname(os.path.abspath(op.loc.file)) == _FRONTEND:
        return loop.loc
    return op.loc


_FRONTEND = os.path.dirname(os.path.abspath(frontend.__file__))


def _name(op: ForOp, k: int) -> str:
    name = op.results[k].name_hint or op.iter_args[k].name_hint
    return f"'{name.split('.')[0]}'" if name else f"carried value {k}"


def _inside(value: Value, block: Block) -> bool:
    """Whether ``value`` is defined in ``block`` or in a region nested in it."""
    holder: Block | None = value.owner if isinstance(value, BlockArgument) else value.owner.parent
    while holder is not None:
        if holder is block:
            return True
        op = holder.parent_op
        holder = op.parent if op is not None else None
    return False


def _trip_local(array: Value, body: Block, seen: set[Value] | None = None) -> bool:
    """Whether the memory of ``array`` (a view's root) is one a trip allocated itself: an
    allocation in ``body``, or a value of a branch or loop in it that only such
    allocations flow into."""
    seen = set() if seen is None else seen
    if array in seen:
        return True
    seen.add(array)
    if not _inside(array, body):
        return False
    if isinstance(array, BlockArgument):
        holder = array.owner.parent_op
        sources = sources_of_argument(holder, holder.regions.index(array.owner.parent), array.index) \
            if is_region_branch(holder) else []
    else:
        op = array.owner
        index = op.results.index(array)
        if Allocate(index) in effects(op):
            return True
        sources = sources_of_result(op, index) if is_region_branch(op) else \
            [op.operand(1), op.operand(2)] if isinstance(op, SelectOp) else []
    return bool(sources) and all(_trip_local(_view_path(v)[0], body, seen) for v in sources)


# ----------------------------------------------------------------- reductions
def _reduction_kind(loop: ForOp, k: int) -> str:
    """The reduction kind of carried value ``k`` of ``loop``, or an ``UnsupportedError``
    naming it and what reads it (see the module docstring)."""
    name = _name(loop, k)
    acc, result = loop.iter_args[k], loop.results[k]

    def refuse(why: str, where: Operation | None = None) -> UnsupportedError:
        return UnsupportedError(
            f"the trips of this prange loop carry {name} from one to the next ({why}), so they cannot run at "
            f"once; accumulate it with one operator only (s += x, s *= x, s = min(s, x), s = max(s, x), "
            f"s |= x, ...), or use range", _where(where, loop))

    if isinstance(result.type, REDUCTION_KINDS["last"]) and (not acc.uses or not result.uses and _never_read(acc)):
        return "last"   # computed anew by each trip (read after the loop), or read nowhere
    chain: set[Value] = {acc}
    joins: list[tuple[Operation, int]] = []   # region results the chain flows into: every way in must be chain
    combines: list[Operation] = []
    tests: list[Operation] = []   # comparisons of a chain value that pick a min or max (checked below)
    kinds: set[str] = set()
    work = [acc]
    while work:
        value = work.pop()
        for user, index in list(value.uses):
            if user is loop.body.terminator:
                if index != k:
                    raise refuse("it becomes another carried variable", user)
                continue
            joined: list[Value] = []
            if isinstance(user, ORDERINGS):
                tests.append(user)
                continue
            if isinstance(user, CastOp) and _widened(user.result) is value \
                    and all(isinstance(u, ORDERINGS) for u, _ in user.result.uses):
                tests.extend(u for u, _ in user.result.uses)   # compared as a wider type: as itself
                continue
            if isinstance(user, YieldOp):
                holder = user.parent.parent_op
                if not isinstance(holder, (IfOp, ForOp)) or isinstance(holder, ParallelForOp):
                    raise refuse(f"it leaves a '{holder.name}'", user)
                joined = [holder.results[index]] + ([holder.iter_args[index]] if isinstance(holder, ForOp) else [])
                joins.append((holder, index))
            elif isinstance(user, ForOp) and index >= 3 and not isinstance(user, ParallelForOp):
                joined = [user.iter_args[index - 3], user.results[index - 3]]
                joins.append((user, index - 3))
            elif isinstance(user, SelectOp) and index in (1, 2):
                joined = [user.result]
                joins.append((user, 0))
            elif reduction_of(user) is not None and index in reduction_of(user).accumulator_operands:
                kinds.add(reduction_of(user).kind)
                combines.append(user)
                joined = [user.result]
            else:
                raise refuse(f"it is read by '{user.name}'", user)
            for v in joined:
                if v not in chain:
                    chain.add(v)
                    work.append(v)
    picks: dict[tuple[Operation, int], str] = {}
    for test in tests:
        for user, index in test.result.uses:
            found = _extremum_kind(user, index, test, chain, result.type, loop)
            if found is None:
                raise refuse(f"it is compared by '{test.name}' other than to keep the smaller or larger value as "
                             "max(s, x) or min(s, x) would: for floats, if x > s: s = x", test)
            picks[found[0]] = found[1]
    kinds.update(picks.values())
    absorbed: list[set[str]] = []   # the kinds for which each constant that replaces it absorbs
    for holder, index in joins:
        if (holder, index) in picks:
            continue
        if isinstance(holder, SelectOp):
            ways_in = [holder.operand(1), holder.operand(2)]
        elif isinstance(holder, IfOp):
            ways_in = [holder.then_block.terminator.operand(index), holder.else_block.terminator.operand(index)]
        else:
            ways_in = [holder.operand(3 + index), holder.body.terminator.operand(index)]
        for v in ways_in:
            if v not in chain:
                absorbed.append(_absorbing_kinds(v, result.type))
                if not absorbed[-1]:
                    raise refuse("it is replaced, not accumulated, on some path", holder)
    for op in combines:
        if sum(v in chain for v in op.operands) != 1:
            raise refuse("it is combined with itself", op)
    yielded = loop.body.terminator.operand(k)
    if yielded not in chain:
        absorbed.append(_absorbing_kinds(yielded, result.type))
        if not absorbed[-1]:
            raise refuse("it is replaced, not accumulated")
    if len(kinds) > 1:
        raise refuse(f"it is accumulated by {' and '.join(sorted(kinds))}")
    if absorbed:   # s *= 0, s &= 0, s |= -1 (folded to a constant): the kind that constant absorbs
        allowed = set.intersection(*absorbed) & (kinds or set(REDUCTION_KINDS))
        if not allowed:
            raise refuse("it is replaced by a constant that its accumulation would not give")
        kinds = {min(allowed)}
    kind = kinds.pop() if kinds else "min"   # carried unchanged: min(x, x) is x, so the init comes out
    if not isinstance(result.type, REDUCTION_KINDS[kind]):
        raise refuse(f"a '{kind}' reduction of {result.type} cannot be split between threads")
    return kind


def _never_read(value: Value) -> bool:
    """Whether ``value`` only flows on, into loops and out of branches and loops, and is
    never computed with (an inner loop's variable the outer loop carries at ``-O0``)."""
    seen, work = {value}, [value]
    while work:
        for user, index in work.pop().uses:
            if isinstance(user, YieldOp):
                holder = user.parent.parent_op
                if isinstance(holder, ParallelForOp) or not isinstance(holder, (IfOp, ForOp)):
                    continue   # the loop's own yield (or one the chain analysis refuses anyway)
                onward = [holder.results[index]] + ([holder.iter_args[index]] if isinstance(holder, ForOp) else [])
            elif isinstance(user, ForOp) and index >= 3:
                onward = [user.iter_args[index - 3], user.results[index - 3]]
            else:
                return False
            for v in onward:
                if v not in seen:
                    seen.add(v)
                    work.append(v)
    return True


def _absorbing_kinds(value: Value, t: Type) -> set[str]:
    """The reduction kinds for which ``value`` is a constant that absorbs every other value of
    type ``t`` (``0`` for ints' ``*`` and ``&``, all ones for ``|``; ``False`` for bools' ``&``,
    ``True`` for ``|``): replacing the accumulator by it is accumulating it.  Empty otherwise."""
    known, c = constant_of(value)
    if not known:
        return set()
    if isinstance(t, BoolType):
        return {"and", "min"} if c is False or c == 0 else {"or", "max"}
    if isinstance(t, IntType) and not isinstance(c, bool):
        if c == 0:
            return {"mul", "and"}
        if c == -1 or (not t.signed and c == (1 << t.bits) - 1):
            return {"or"}
    return set()


def _extremum_kind(user: Operation, index: int, test: Operation, chain: set[Value], t: Type,
                   loop: ForOp) -> tuple[tuple[Operation, int], str] | None:
    """Where ``user`` keeps the larger or smaller of a chain value ``c`` and another value
    ``x`` by ``test`` exactly as ``max(c, x)``/``min(c, x)`` would -- ``x if x > c else c``
    as a ``select`` or an ``if`` (for floats only the strict forms, which keep ``c`` on ties
    and against NaN) -- ``((user, slot), "max" or "min")``, the slot being where the kept
    value comes out; else None."""
    if index != 0 or not isinstance(user, (SelectOp, IfOp)):
        return None
    u, v = (_widened(w) if _widened(w) in chain else w for w in test.operands)   # the chain side, not widened
    if (u in chain) == (v in chain):
        return None
    c, x = (u, v) if u in chain else (v, u)
    if isinstance(user, SelectOp):
        slot, taken, other = 0, user.operand(1), user.operand(2)
    else:
        slots = [j for j in range(len(user.results)) if user.results[j] in chain]
        if len(slots) != 1:
            return None
        slot = slots[0]
        taken, other = user.then_block.terminator.operand(slot), user.else_block.terminator.operand(slot)

    def is_x(w: Value) -> bool:   # x, or what x widens
        return any(_same(w, candidate, loop) for candidate in (x, _widened(x)) if candidate is not None)

    if c is x or not ((is_x(taken) and other is c) or (taken is c and is_x(other))):
        return None
    strict = isinstance(test, (GtOp, LtOp))
    if isinstance(t, FloatType) and not (strict and taken is not c):
        return None
    larger_if_true = u if isinstance(test, (GtOp, GeOp)) else v
    return (user, slot), ("max" if (taken is not c) == (larger_if_true is x) else "min")


def _widened(value: Value) -> Value | None:
    """``x`` where ``value`` is ``x`` cast to a type that holds every value of ``x``'s
    exactly (an int16 compared as an int64), else None."""
    op = value.owner
    if not isinstance(op, CastOp):
        return None
    src, dst = op.operand(0).type, value.type
    exact = (isinstance(src, IntType) and isinstance(dst, IntType)
             and (dst.bits > src.bits and (dst.signed or not src.signed)
                  or (dst.bits, dst.signed) == (src.bits, src.signed))
             or isinstance(src, IntType) and isinstance(dst, FloatType) and src.bits < dst.bits // 2 + 1
             or isinstance(src, FloatType) and isinstance(dst, FloatType) and src.bits <= dst.bits)
    return op.operand(0) if exact else None


def _same(a: Value, b: Value, loop: ForOp) -> bool:
    """``a`` is ``b``, or both are one constant, or both load one element of an array the
    loop does not write."""
    if a is b:
        return True
    (known_a, c_a), (known_b, c_b) = constant_of(a), constant_of(b)
    if known_a and known_b:   # (ints of any width alike: they are compared widened; repr: 0.0 is not -0.0)
        both_ints = isinstance(a.type, IntType) and isinstance(b.type, IntType)
        return (both_ints or a.type == b.type) and repr(c_a) == repr(c_b)
    first, second = a.owner, b.owner
    if not (isinstance(first, ArrayLoadOp) and isinstance(second, ArrayLoadOp)
            and first.operands == second.operands):
        return False
    root, _ = _view_path(first.array)
    for op in loop.body.walk():
        for e in effects(op):
            if isinstance(e, Write) and e.operand is not None and _view_path(op.operand(e.operand))[0] is root:
                return False
        if isinstance(op, CallOp):
            return False
    return True


# ----------------------------------------------------------------- effects and races
#: the comparisons that may pick the smaller or larger of two values
ORDERINGS = (LtOp, LeOp, GtOp, GeOp)
#: the ops that read or write elements of their array operand 0 at their ``indices``
ELEMENT_ACCESSES = (ArrayLoadOp, ArrayStoreOp, VectorLoadOp, VectorStoreOp)


@record
class _Access:
    """A load or store in a loop, with its array and indices."""

    op: Operation
    array: Value
    write: bool
    #: the element indices (an element load or store), else None (the whole array)
    indices: tuple[Value, ...] | None


def _check_effects(loop: ForOp, module: Module) -> set[int]:
    """Refuse what the trips may not share (see the module docstring); check the arrays they
    write.  Returns the offsets ``c`` for which every ``i + c`` must be at least 0 for the
    check to hold (see :func:`_trip_keys`)."""
    body = loop.body
    from_the_end: set[int] = set()
    accesses: list[_Access] = []
    for op in body.walk():
        _check_shared(op, loop)
        if isinstance(op, CallOp):
            written = _written_parameters(module, op.callee, set())
            for index, arg in enumerate(op.operands):
                if isinstance(arg.type, ArrayType):
                    accesses.append(_Access(op, arg, index in written, None))
            continue
        for effect in effects(op):
            if isinstance(effect, (Read, Write)) and effect.operand is not None \
                    and isinstance(op.operand(effect.operand).type, ArrayType):
                array = op.operand(effect.operand)
                indices = tuple(op.indices) if isinstance(op, ELEMENT_ACCESSES) else None
                accesses.append(_Access(op, array, isinstance(effect, Write), indices))
    if loop.attributes.get("independent"):   # a whole-array map's nest: lower-arrays made its trips apart
        return from_the_end
    by_root: dict[Value, list[_Access]] = {}
    for access in accesses:
        for array in _possible_arrays(access.array):
            root, _ = _view_path(array)
            if not _trip_local(root, body):
                by_root.setdefault(root, []).append(_Access(access.op, array, access.write, access.indices))
    for root, group in by_root.items():
        writes = [a for a in group if a.write]
        if not writes:
            continue
        keys = None
        for access in group:
            found, wrapped = _trip_keys(access, loop)
            from_the_end.update(wrapped)
            keys = found if keys is None else keys & found
            if not keys:
                what = "writes" if access.write else "reads"
                raise UnsupportedError(
                    f"a trip of this prange loop {what} {_array_name(root)} where other trips write it at once (a "
                    "race: each trip must write and read only elements at its own index, such as out[i] or "
                    "out[i, j]); compute per-trip results into an array indexed by the loop variable and combine "
                    "them after the loop, or use range", _where(access.op, loop))
    return from_the_end


def _check_shared(op: Operation, loop: ForOp) -> None:
    if isinstance(op, (DrawOp, GeneratorOp)):
        raise UnsupportedError("random numbers cannot be drawn in a prange loop: every trip would draw from one "
                               "generator at once, in an order that changes from run to run; draw them before the "
                               "loop (r = np.random.random(n)) and read r[i] in it", _where(op, loop))
    if isinstance(op, LeaveOp) and not loop.is_ancestor_of(op.target()):
        raise UnsupportedError("an exception raised in a prange loop cannot be caught by a try around the loop (the "
                               "trips run on other threads); put the try inside the loop", _where(op, loop))
    for v in (*op.operands, *op.results):
        if isinstance(v.type, StrType):
            raise UnsupportedError("str values cannot be used in a prange loop (strings are CPython objects, "
                                   "which need the GIL); keep text outside the loop", _where(op, loop))
    if isinstance(op, PyCallOp):
        for v in op.operands:
            if isinstance(v.type, (ListType, DictType, SetType)) and not _inside(v, loop.body):
                if (v.name_hint or "").startswith("retval"):   # the list a comprehension builds
                    raise UnsupportedError(
                        f"a {_container_kind(v.type)} comprehension over prange builds its result in order, one "
                        "item after another; iterate range in the comprehension, or write the items into an "
                        "array in a prange loop", _where(op, loop))
                raise UnsupportedError(
                    f"a prange loop cannot change the {_container_kind(v.type)} {_array_name(v)}, which every "
                    "trip shares (the trips run at once); write per-trip results into an array indexed by the "
                    "loop variable, or use range", _where(op, loop))


def _container_kind(t: Type) -> str:
    return "list" if isinstance(t, ListType) else "dict" if isinstance(t, DictType) else "set"


def _array_name(value: Value) -> str:
    return f"'{value.name_hint.split('.')[0]}'" if value.name_hint else "an array"


def _possible_arrays(array: Value, seen: set[Value] | None = None) -> list[Value]:
    """The arrays ``array`` may be: the values a branch or loop result, or a ``select``,
    may take (each through its own views), else ``array`` itself."""
    seen = set() if seen is None else seen
    if array in seen:
        return []
    seen.add(array)
    op = array.owner
    if isinstance(op, Operation) and (is_region_branch(op) or isinstance(op, SelectOp)):
        sources = sources_of_result(op, op.results.index(array)) if is_region_branch(op) \
            else [op.operand(1), op.operand(2)]
        return [found for source in sources for found in _possible_arrays(source, seen)]
    return [array]


def _view_path(array: Value) -> tuple[Value, list[Operation]]:
    """The array whose memory ``array`` views, and the view ops from it to ``array``."""
    path: list[Operation] = []
    while isinstance(array.owner, Operation):
        held = ownership(array.owner, 0)
        if held is None or held.view_of is None:
            break
        path.append(array.owner)
        array = array.owner.operand(held.view_of)
    path.reverse()
    return array, path


def _trip_keys(access: _Access, loop: ForOp) -> tuple[set[tuple], set[int]]:
    """Where ``access`` is at the trip's own index: keys ``(axis, view, c)`` of the root
    array's axes whose index is a one-to-one function of ``i + c`` (``i`` the induction
    variable), fixed by the access's indices or by the views between it and the root
    (``a[i]``, ``a[i, :]``, ``a[:, i]``, ``a[1:][i]``, ``a[::-1][i]``, ``a.T[:, i]``); ``view`` says how:
    ``None`` the root's own index, else the start and step of the one slice taken along
    that axis (accesses agree only through equal slices).  Also the offsets ``c`` of
    the indices that count from the end when negative (``a[i - 1]``, as Python does): a
    key of such an index holds only where every ``i + c`` is at least 0, which the caller
    checks at run time."""
    root, path = _view_path(access.array)
    axes: list[tuple | None] = [(axis, None) for axis in range(root.type.ndim)]   # (root axis, slice) per view axis
    fixed: list[tuple[tuple | None, Value]] = []
    for view in path:
        if isinstance(view, ArrayViewOp):
            fixed.append((axes[0], view.operand(1)))
            axes = axes[1:]
        elif isinstance(view, ArraySubviewOp):
            kept: list[tuple | None] = []
            position = 0
            for letter, operands in view.parts():
                if letter == "i":
                    fixed.append((axes[position], operands[0]))
                elif letter == "s":
                    kept.append(_sliced(axes[position], operands[0], operands[2]))
                else:
                    kept.append(None)
                position += letter != "n"
            axes = kept
        elif isinstance(view, ArrayTransposeOp):
            axes = [axes[j] for j in view.attributes["perm"]]
        else:
            axes = [None] * view.result.type.ndim
    if access.indices is not None:
        fixed.extend(zip(axes, access.indices))
    iv = affine(loop.induction_var).base
    keys, wrapped = set(), set()
    for axis, index in fixed:
        unwrapped = _counted_from_the_end(index)
        form = affine(unwrapped if unwrapped is not None else index)
        if axis is not None and form.base == iv:
            keys.add((*axis, form.offset))
            if unwrapped is not None:
                wrapped.add(form.offset)
    return keys, wrapped


def _sliced(axis: tuple | None, start: Value, step: Value) -> tuple | None:
    """The view axis of ``axis`` after a slice with ``start`` and ``step``: the root's own
    index for ``[:]``; one slice of the root's axis is followed (its start as an affine
    form, its constant step), a second is not."""
    if axis is None:
        return None
    known, by = constant_of(step)
    if constant_of(start) == (True, 0) and (known, by) == (True, 1):
        return axis
    if axis[1] is not None or not known or not by:
        return None
    form = affine(start)
    return axis[0], (form.base, form.offset, by)


def _counted_from_the_end(index: Value) -> Value | None:
    """``e`` where ``index`` is ``e + n if e < 0 else e`` (a Python index that may be
    negative, before ``bce`` proves it is not), else None."""
    op = index.owner
    if not isinstance(op, SelectOp):
        return None
    test, wrapped, e = op.operands
    if not (isinstance(test.owner, LtOp) and test.owner.operand(0) is e
            and constant_of(test.owner.operand(1)) == (True, 0)):
        return None
    add = wrapped.owner
    return e if isinstance(add, AddOp) and e in add.operands else None


def _written_parameters(module: Module, name: str, seen: set[str]) -> set[int]:
    """The positions of the array parameters ``@name`` writes (through calls too)."""
    if name in seen or name not in module:
        return set()
    seen.add(name)
    func = module[name]
    params = {arg: index for index, arg in enumerate(func.args)}
    written: set[int] = set()
    for op in func.walk():
        if isinstance(op, CallOp):
            inner = _written_parameters(module, op.callee, seen)
            targets = [op.operand(i) for i in inner]
        else:
            targets = [op.operand(e.operand) for e in effects(op) if isinstance(e, Write) and e.operand is not None]
        for target in targets:
            root, _ = _view_path(target)
            if root in params:
                written.add(params[root])
    return written


def _overlapping_pairs(loop: ForOp, module: Module) -> list[tuple[Value, Value]]:
    """Pairs (an array the trips write, another array they use) of different roots, both
    from outside the loop, that may share memory: the loop runs in order where they do."""
    if loop.attributes.get("independent"):   # lower-arrays tested the overlaps of a map already
        return []
    written: dict[Value, None] = {}
    used: dict[Value, None] = {}
    for op in loop.body.walk():
        if isinstance(op, CallOp):
            writes = _written_parameters(module, op.callee, set())
            pairs = [(arg, i in writes) for i, arg in enumerate(op.operands) if isinstance(arg.type, ArrayType)]
        else:
            pairs = [(op.operand(e.operand), isinstance(e, Write)) for e in effects(op)
                     if isinstance(e, (Read, Write)) and e.operand is not None
                     and isinstance(op.operand(e.operand).type, ArrayType)]
        for array, write in pairs:
            root, _ = _view_path(array)
            if _inside(root, loop.body):   # the trip's own, or refused by _check_effects
                continue
            used[root] = None
            if write:
                written[root] = None
    return [(w, u) for w in written for u in used if u is not w and may_share_memory(w, u)]
