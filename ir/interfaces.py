"""Op interfaces: the properties passes ask of an op instead of naming its class.

Passes never keep lists of op classes that stand for a property (Numba's
``ir_utils`` is the thing to avoid); they call the queries of this module,
which read what each op class declares.  Matching one specific op in a rewrite
pattern (``x + 0 -> x``) stays a plain ``isinstance``.  The models are MLIR's
``MemoryEffectOpInterface`` (``SideEffectInterfaces.td``),
``RegionBranchOpInterface`` (``ControlFlowInterfaces.td``) and
``LoopLikeOpInterface`` (``LoopLikeInterface.td``), written our own way.

What an op class may declare (all optional; the defaults are derived from its
traits, so an op that only has traits keeps working):

``effects(self) -> tuple[Effect, ...]``
    Its own memory and other effects (see :class:`Effect`), per operand where
    they concern one.  Default (:func:`effects`): ``Pure`` -> none;
    ``ReadsMemory`` -> ``Read()``; ``WritesMemory`` -> ``Write()``;
    ``MayRaise`` -> ``Raise()``; ``Allocates`` -> ``Allocate(0)``;
    ``HasSideEffects`` -> ``Global()``; an op with none of these traits (and
    not a terminator or a region op declaring its flow) -> ``Global()``:
    unknown is treated as the worst.
``RecursiveEffects`` trait
    The op's effects include those of the ops in its regions
    (:func:`all_effects`); ``if``/``for``/``while`` have it.  Ops whose regions
    do not run on the normal path (a ``call``'s cleanup region) do not.
``speculatable(self) -> bool``
    May run where it would not have run (hoisted out of a loop that might not
    run, computed on both sides of a branch).  Default: no effects, no regions,
    not a terminator.  Integer ``//``, ``%``, ``**`` are pure but not speculatable: they
    are defined only where the check before them passed.
``reduction: ClassVar[Reduction | None]``
    The op accumulates associatively (see :class:`Reduction`); what the
    vectorizer needs for reductions.  ``reduction_kind(kind)`` finds the one
    declared for a ``vector.reduce`` kind.
``lanewise_kinds: ClassVar[tuple[type, ...]]``
    The operand type kinds for which the op runs lane by lane on vectors.
``exact_in_single: ClassVar[bool]``
    Computing in double precision and rounding gives exactly the single
    precision result (the folder may fold it on ``f32``/``c64``).
``ownership(self, index) -> Ownership | None``
    What an array (or array-holding tuple) result is (see :class:`Ownership`).
    Default (:func:`ownership`): ``Allocate(index)`` effect -> ``OWNS``; a region
    op declaring its flow -> ``OWNS``; ``None`` (unknown) otherwise, which the
    refcount pass refuses.
``ConstantLike`` trait with ``constant_value(self)``
    The op produces a constant (:func:`constant_value`).
``HasCleanupRegion`` trait (``ErrorBoundary``: errors of its body end the body, not the function)
    The op may end the function with an error and then runs its optional
    cleanup region (the refcount pass fills it).
``RegionBranch`` trait with ``control_operands``, ``flow``, ``slots``, ``loop_regions``
    A region op describes its data flow (see :class:`Flow`, :class:`Slot`):
    which operands decide which regions run and how often, which operands and
    terminator operands flow into which region arguments and results, and,
    per result, the values carried with it.  DCE, LICM, the refcount pass and
    the verifier use only that, so a new region op works with them by
    declaring its flow.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, Sequence

from .core import (
    ConstantLike, HasSideEffects, MayRaise, Operation, Pure, ReadsMemory, Terminator, Trait, WritesMemory,
)
from .records import record

__all__ = [
    "Effect", "Read", "Write", "Allocate", "Free", "Raise", "Global", "Diverge",
    "RecursiveEffects", "RegionBranch", "HasCleanupRegion", "ErrorBoundary", "Flow", "Slot", "Reduction", "Ownership",
    "OWNS", "BORROWS", "NULL", "effects", "all_effects", "only_reads", "speculatable", "reduction_of",
    "reduction_kind", "lanewise_kinds", "exact_in_single", "ownership", "constant_value", "is_region_branch",
    "flow", "slots", "control_operands", "loop_regions", "entry_operands", "sources_of_result",
    "sources_of_argument", "has_cleanup_region", "declare_reduction",
]


# ----------------------------------------------------------------- traits
class RecursiveEffects(Trait):
    """The op's effects include those of the ops nested in its regions."""


class RegionBranch(RecursiveEffects):
    """A region op that declares its data flow: ``control_operands()``, ``flow()``,
    ``slots()`` and ``loop_regions()`` (see :class:`Flow`, :class:`Slot`)."""


class HasCleanupRegion(MayRaise):
    """May end the function with an error; carries an optional cleanup region,
    run on that path (the refcount pass puts the releases there)."""


class ErrorBoundary(HasCleanupRegion):
    """An error raised in the op's body ends that run of the body, not the function:
    the op passes it on once its body's runs are over (they run on other threads:
    ``parallel.for``).  The cleanup regions of the ops in the body release only what
    the body owns; the op's own cleanup region (its last region) releases what the
    function owns around it."""


# ----------------------------------------------------------------- effects
@record(frozen=True)
class Effect:
    """One effect of an op.  Everything but :class:`Read` keeps the op in place."""


@record(frozen=True)
class Read(Effect):
    """Reads memory (of array operand ``operand``; ``None``: unknown memory)."""
    operand: int | None = None


@record(frozen=True)
class Write(Effect):
    """Writes memory (of array operand ``operand``; ``None``: unknown memory)."""
    operand: int | None = None


@record(frozen=True)
class Allocate(Effect):
    """Allocates the memory of result ``result`` (which then owns it)."""
    result: int = 0


@record(frozen=True)
class Free(Effect):
    """May free the memory of operand ``operand`` (a reference released)."""
    operand: int = 0


@record(frozen=True)
class Raise(Effect):
    """May end the function with a Python exception: stays, in order with effects."""


@record(frozen=True)
class Global(Effect):
    """Touches state outside the IR (Python objects, a random generator, a callee):
    never removed, merged, hoisted, duplicated across paths or reordered against
    any other effect."""


@record(frozen=True)
class Diverge(Effect):
    """May not terminate (a ``while``): not removed even when nothing uses it,
    since CPython would not end either."""


@lru_cache(maxsize=None)
def _effects_from_traits(cls: type) -> tuple[Effect, ...]:
    if cls.has_trait(Pure):
        return ()
    found: list[Effect] = []
    if cls.has_trait(ReadsMemory):
        found.append(Read())
    if cls.has_trait(WritesMemory):
        found.append(Write())
    if cls.has_trait(HasSideEffects):
        found.append(Global())
    if cls.has_trait(MayRaise):
        found.append(Raise())
    if not found and not cls.has_trait(Terminator) and not cls.has_trait(RecursiveEffects):
        found.append(Global())   # nothing declared: assume the worst
    return tuple(found)


def effects(op: Operation) -> tuple[Effect, ...]:
    """The op's own effects (not those of its regions): what it declares with an
    ``effects`` method, else what its traits say."""
    declared = getattr(op, "effects", None)
    if declared is not None:
        return tuple(declared())
    return _effects_from_traits(type(op))


def all_effects(op: Operation) -> tuple[Effect, ...]:
    """The op's effects with, for a ``RecursiveEffects`` op, those of every op in its
    regions (terminators included: their own effects are none)."""
    found = list(effects(op))
    if op.has_trait(RecursiveEffects):
        for region in op.regions:
            for inner in region.block.ops:
                found.extend(all_effects(inner))
    return tuple(found)


def only_reads(op: Operation) -> bool:
    """The op's own effects are reads at most (it may go when unused, not move past a write)."""
    return all(isinstance(e, Read) for e in effects(op))


def speculatable(op: Operation) -> bool:
    """May the op run where it would not have run?  Declared by ``speculatable()``,
    else: no effects, no regions, not a terminator."""
    declared = getattr(op, "speculatable", None)
    if declared is not None:
        return bool(declared())
    return not op.regions and not op.has_trait(Terminator) and not effects(op)


# ----------------------------------------------------------------- associativity
@record(frozen=True)
class Reduction:
    """The op accumulates associatively: ``acc = op(acc, x)`` in any grouping.

    ``kind`` names the ``vector.reduce`` that combines the lanes; ``identity(t)``
    is the value a lane of type ``t`` starts from; ``combine`` is the op class
    that combines two partial results (``sub`` accumulates as ``add``);
    ``accumulator_operands`` are the operand positions the accumulator may take
    (both for a commutative op, only the first for ``s - x``)."""
    kind: str
    identity: Callable[[Any], Any]
    combine: type
    accumulator_operands: tuple[int, ...] = (0, 1)


_REDUCTIONS: dict[str, Reduction] = {}


def declare_reduction(cls: type, reduction: Reduction) -> None:
    """Give op class ``cls`` its :class:`Reduction` (the combining op of a kind is
    the one whose ``combine`` is itself)."""
    cls.reduction = reduction
    if reduction.combine is cls:
        _REDUCTIONS[reduction.kind] = reduction


def reduction_of(op: Operation) -> Reduction | None:
    return getattr(op, "reduction", None)


def reduction_kind(kind: str) -> Reduction:
    """The reduction declared for a ``vector.reduce`` kind (``add``, ``max``, ...)."""
    return _REDUCTIONS[kind]


def lanewise_kinds(op: Operation) -> tuple[type, ...]:
    """The type kinds of its first operand for which ``op`` runs lane by lane on vectors."""
    return getattr(op, "lanewise_kinds", ())


def exact_in_single(op: Operation) -> bool:
    return bool(getattr(op, "exact_in_single", False))


# ----------------------------------------------------------------- ownership
@record(frozen=True)
class Ownership:
    """What an array-valued result holds.

    ``OWNS``: a reference (+1) of its own; ``Ownership(view_of=i)``: shares operand
    ``i``'s memory (the refcount pass gives it a reference of its own right after
    the op); ``BORROWS``: aliases (parts of) its operands, no reference; ``NULL``:
    no memory at all (nothing to count)."""
    kind: str
    view_of: int | None = None


OWNS = Ownership("owns")
BORROWS = Ownership("borrows")
NULL = Ownership("null")


def ownership(op: Operation, index: int) -> Ownership | None:
    """The ownership of result ``index`` of ``op``; ``None`` when it declares none."""
    declared = getattr(op, "ownership", None)
    if declared is not None:
        return declared(index)
    if Allocate(index) in effects(op) or op.has_trait(RegionBranch):
        return OWNS
    return None


# ----------------------------------------------------------------- constants
def constant_value(op: Operation) -> tuple[bool, Any]:
    """``(True, c)`` when ``op`` is ``ConstantLike`` with value ``c``."""
    if op.has_trait(ConstantLike):
        return True, op.constant_value()
    return False, None


def has_cleanup_region(op: Operation) -> bool:
    return op.has_trait(HasCleanupRegion)


# ----------------------------------------------------------------- region data flow
@record(frozen=True)
class Flow:
    """One value flowing along a region-op edge.

    From ``source``: ``None`` for the op's operand ``source_index``, else the
    terminator of region ``source`` (its operand ``source_index``); into
    ``target``: ``None`` for the op's result ``target_index``, else region
    ``target``'s block argument ``target_index``."""
    source: int | None
    source_index: int
    target: int | None
    target_index: int


@record(frozen=True)
class Slot:
    """Everything that carries result ``result`` of a region op: the op operand
    initialising it (``operand``, or ``None``), its block arguments
    (``(region, index)``) and terminator operands (``(region, index)``).  Dropping
    the slot drops all of them together (DCE)."""
    result: int
    operand: int | None
    args: tuple[tuple[int, int], ...]
    yields: tuple[tuple[int, int], ...]


def is_region_branch(op: Operation) -> bool:
    return op.has_trait(RegionBranch)


def control_operands(op: Operation) -> tuple[int, ...]:
    """Operands that decide which regions run and how often (an ``if``'s condition,
    a ``for``'s bounds); the region arguments no flow feeds (a ``for``'s induction
    variable) are computed from them."""
    return tuple(op.control_operands()) if is_region_branch(op) else ()


def flow(op: Operation) -> list[Flow]:
    return list(op.flow()) if is_region_branch(op) else []


def slots(op: Operation) -> list[Slot]:
    return list(op.slots()) if is_region_branch(op) else []


def loop_regions(op: Operation) -> list[tuple[int, bool]]:
    """``(region, runs_at_least_once)`` for each region the op may run repeatedly
    (LICM hoists out of them); empty for an op that is not a loop."""
    return list(op.loop_regions()) if is_region_branch(op) else []


def entry_operands(op: Operation) -> list[int]:
    """Operands handed to region arguments on entry (the inits of a loop), in order."""
    seen: list[int] = []
    for f in flow(op):
        if f.source is None and f.target is not None and f.source_index not in seen:
            seen.append(f.source_index)
    return seen


def _source_value(op: Operation, f: Flow):
    if f.source is None:
        return op.operand(f.source_index)
    return op.regions[f.source].block.terminator.operand(f.source_index)


def sources_of_result(op: Operation, index: int) -> list:
    """The values that may become result ``index`` of the region op ``op``."""
    return [_source_value(op, f) for f in flow(op) if f.target is None and f.target_index == index]


def sources_of_argument(op: Operation, region: int, index: int) -> list:
    """The values that may become block argument ``index`` of region ``region``
    (empty for one computed by the op itself, as an induction variable)."""
    return [_source_value(op, f) for f in flow(op) if f.target == region and f.target_index == index]


def terminator_targets(op: Operation, region: int) -> dict[int, list[tuple[int | None, int]]]:
    """For the terminator of ``region``: operand index -> the targets it flows to."""
    found: dict[int, list[tuple[int | None, int]]] = {}
    for f in flow(op):
        if f.source == region:
            found.setdefault(f.source_index, []).append((f.target, f.target_index))
    return found


def target_type(op: Operation, target: int | None, index: int):
    return op.results[index].type if target is None else op.regions[target].block.args[index].type


def values_of(op: Operation, where: Sequence[tuple[int, int]], terminators: bool) -> list:
    if terminators:
        return [op.regions[r].block.terminator.operand(i) for r, i in where]
    return [op.regions[r].block.args[i] for r, i in where]
