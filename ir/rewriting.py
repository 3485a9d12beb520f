"""Rewriting the IR: a rewriter that tells listeners what it changes, patterns keyed
by op class, and a greedy driver that applies them until none applies.

The model is MLIR's ``RewriterBase`` with its ``Listener`` and the greedy pattern
driver (``GreedyPatternRewriteDriver``), written our own, smaller way:

* :class:`Rewriter` makes every change a pattern or a pass makes -- insert,
  modify an operand, replace an op's results, erase, move, inline a block --
  and tells its :class:`Listener` s.  :class:`ChangeLog` is the listener that
  records what changed (``irdump --print-changed`` and the remarks show it);
  the driver is a listener too, which puts what a change touched back on its
  worklist.
* A :class:`Pattern` names the op classes it looks at (``ops``; subclasses
  match too) and rewrites one op through the rewriter, returning whether it
  did.  :func:`pattern` makes one of a function.
* :func:`apply_patterns` visits every op once, nested ops before the op that
  holds them and in program order, then again every op a rewrite touched:
  what it inserted or moved, the users of what it replaced or modified, and the
  ops that computed the operands of what it erased.  Ops that become unused and
  have no effect (:func:`ir.interfaces.effects`) are erased as it goes.  It
  stops when the worklist is empty: a fixpoint, so a pipeline never repeats a
  pattern pass to get there.  A set of patterns that keeps rewriting (two
  undoing each other) is a bug in the patterns; the driver stops it with a
  ``RuntimeError`` naming them rather than running forever.
"""
from __future__ import annotations

import re
from collections import Counter, deque
from typing import Callable, ClassVar, Iterable, Sequence

from .core import Block, Operation, Terminator, Value
from .interfaces import effects

__all__ = ["Listener", "ChangeLog", "Rewriter", "Pattern", "pattern", "apply_patterns", "is_trivially_dead"]


class Listener:
    """What a :class:`Rewriter` reports; every method does nothing unless overridden."""

    def op_inserted(self, op: Operation) -> None:
        """``op`` was put in a block (new, or moved from elsewhere)."""

    def op_modified(self, op: Operation) -> None:
        """An operand of ``op`` was changed in place."""

    def op_replaced(self, op: Operation, values: Sequence[Value]) -> None:
        """Every use of ``op``'s results now uses ``values``; ``op`` is erased next."""

    def op_erased(self, op: Operation) -> None:
        """``op`` (with whatever its regions hold) is about to be erased."""

    def pattern_applied(self, pattern: "Pattern", op: Operation) -> None:
        """``pattern`` rewrote ``op`` (reported by :func:`apply_patterns`)."""


class ChangeLog(Listener):
    """Counts the changes a rewriter made, and which patterns made them."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.patterns: Counter[str] = Counter()

    def op_inserted(self, op: Operation) -> None:
        self.counts["inserted"] += 1

    def op_modified(self, op: Operation) -> None:
        self.counts["modified"] += 1

    def op_replaced(self, op: Operation, values: Sequence[Value]) -> None:
        self.counts["replaced"] += 1

    def op_erased(self, op: Operation) -> None:
        self.counts["erased"] += 1

    def pattern_applied(self, pattern: "Pattern", op: Operation) -> None:
        self.patterns[pattern.name] += 1

    @property
    def changed(self) -> bool:
        return bool(self.counts)

    def summary(self) -> str:
        """``"5 rewrites (evaluate 3, identity 2); 3 inserted, 5 replaced, 7 erased"``, or ``""``."""
        parts = []
        if self.patterns:
            total = sum(self.patterns.values())
            each = ", ".join(f"{name} {n}" for name, n in self.patterns.most_common())
            parts.append(f"{total} rewrite{'s' if total != 1 else ''} ({each})")
        ops = ", ".join(f"{self.counts[k]} {k}" for k in ("inserted", "modified", "replaced", "erased")
                        if self.counts[k])
        if ops:
            parts.append(ops)
        return "; ".join(parts)


class Rewriter:
    """Changes the IR and tells its listeners (``None`` among them is ignored)."""

    def __init__(self, *listeners: Listener | None) -> None:
        self.listeners = [listener for listener in listeners if listener is not None]

    def insert(self, block: Block, index: int, op: Operation) -> Operation:
        """Put the new ``op`` at ``index`` in ``block``."""
        block.insert(index, op)
        for listener in self.listeners:
            listener.op_inserted(op)
        return op

    def insert_before(self, anchor: Operation, op: Operation) -> Operation:
        """Put the new ``op`` just before ``anchor``, in ``anchor``'s block."""
        return self.insert(anchor.parent, anchor.parent.index_of(anchor), op)

    def modified(self, op: Operation) -> None:
        """Report that ``op`` was changed in place by its own methods (operands,
        results or block arguments dropped)."""
        for listener in self.listeners:
            listener.op_modified(op)

    def move_before(self, op: Operation, anchor: Operation) -> None:
        """Move ``op`` (from wherever it is) to just before ``anchor``."""
        op.move_before(anchor)
        for listener in self.listeners:
            listener.op_inserted(op)

    def set_operand(self, op: Operation, index: int, value: Value) -> None:
        op.set_operand(index, value)
        for listener in self.listeners:
            listener.op_modified(op)

    def replace_uses(self, old: Value, new: Value) -> None:
        """Every use of ``old`` uses ``new`` instead (each user is reported modified)."""
        for user, index in list(old.uses):
            self.set_operand(user, index, new)

    def replace(self, op: Operation, values: Sequence[Value]) -> None:
        """Replace the uses of ``op``'s results by ``values``, one for one, and erase ``op``."""
        if len(values) != len(op.results):
            raise ValueError(f"'{op.name}' has {len(op.results)} results, replaced by {len(values)} values")
        for listener in self.listeners:
            listener.op_replaced(op, values)
        for result, value in zip(op.results, values):
            self.replace_uses(result, value)
        self.erase(op)

    def erase(self, op: Operation) -> None:
        """Erase ``op``, whose results must be unused, with everything its regions hold."""
        for listener in self.listeners:
            listener.op_erased(op)
        op.erase()

    def inline_block_before(self, block: Block, anchor: Operation) -> list[Value]:
        """Move the ops of ``block`` but its terminator to just before ``anchor``; the
        terminator's operands (what the block yields) are returned."""
        terminator = block.terminator
        for inner in list(block.ops):
            if inner is not terminator:
                self.move_before(inner, anchor)
        return list(terminator.operands) if terminator is not None else []


class Pattern:
    """One rewrite: ``match_and_rewrite(op, rewriter)`` changes the IR around ``op``
    through ``rewriter`` and returns True, or leaves everything as it is and returns
    False.  ``ops`` are the op classes it is tried on (their subclasses too; empty:
    every op); its ``name`` is the class name in kebab case (``DecideComparison``:
    ``decide-comparison``)."""

    ops: ClassVar[tuple[type, ...]] = ()

    @property
    def name(self) -> str:
        return re.sub(r"(?<!^)(?=[A-Z])", "-", type(self).__name__).lower()

    def match_and_rewrite(self, op: Operation, rewriter: Rewriter) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError


class _FunctionPattern(Pattern):
    def __init__(self, function: Callable[[Operation, Rewriter], bool], ops: tuple[type, ...]) -> None:
        self.function = function
        self.ops = ops   # type: ignore[misc]  (an instance's own classes)

    @property
    def name(self) -> str:
        return self.function.__name__.strip("_").replace("_", "-")

    def match_and_rewrite(self, op: Operation, rewriter: Rewriter) -> bool:
        return bool(self.function(op, rewriter))


def pattern(*ops: type) -> Callable[[Callable[[Operation, Rewriter], bool]], Pattern]:
    """Decorator: ``@pattern(AddOp, SubOp)`` over ``def name(op, rewriter) -> bool``
    makes it a :class:`Pattern` tried on those op classes (none named: every op),
    named after the function (``_fold_if`` -> ``fold-if``)."""
    def make(function: Callable[[Operation, Rewriter], bool]) -> Pattern:
        return _FunctionPattern(function, tuple(ops))
    return make


def is_trivially_dead(op: Operation) -> bool:
    """Unused, without regions or effects of its own, and no terminator: it can go."""
    return (not op.regions and not any(r.uses for r in op.results) and not op.has_trait(Terminator)
            and not effects(op))


class _Worklist(Listener):
    """The driver's queue: the ops still to visit, fed by what the rewriter reports."""

    def __init__(self, ops: Iterable[Operation]) -> None:
        self.queue: deque[Operation] = deque()
        self.queued: set[Operation] = set()
        self.erased: set[Operation] = set()
        for op in ops:
            self.push(op)

    def push(self, op: Operation) -> None:
        if op not in self.queued:
            self.queued.add(op)
            self.queue.append(op)

    def pop(self) -> Operation | None:
        while self.queue:
            op = self.queue.popleft()
            self.queued.discard(op)
            if op not in self.erased and op.parent is not None:
                return op
        return None

    def op_inserted(self, op: Operation) -> None:
        for inner in op.walk():
            self.erased.discard(inner)
            self.push(inner)

    def op_modified(self, op: Operation) -> None:
        self.push(op)

    def op_erased(self, op: Operation) -> None:
        for inner in op.walk():
            self.erased.add(inner)
            for value in inner.operands:
                owner = value.owner
                if isinstance(owner, Operation):   # it may be dead now
                    self.push(owner)


def _post_order(block: Block, out: list[Operation]) -> list[Operation]:
    for op in block.ops:
        for region in op.regions:
            _post_order(region.block, out)
        out.append(op)
    return out


def apply_patterns(funcs: Iterable[Operation], patterns: Sequence[Pattern], *listeners: Listener | None,
                   erase_dead: bool = True) -> bool:
    """Apply ``patterns`` to the ops of ``funcs`` (a module, or functions) until none
    applies; see the module docstring.  Patterns are tried in the order given; the
    first that rewrites an op wins.  ``listeners`` hear every change.  Whether
    anything changed."""
    ops: list[Operation] = []
    for func in funcs:
        for region in func.regions:
            _post_order(region.block, ops)
    worklist = _Worklist(ops)
    rewriter = Rewriter(worklist, *listeners)
    by_class: dict[type, list[Pattern]] = {}
    budget = 8 * len(ops) + 1000   # rewrites before the patterns count as looping
    recent: deque[str] = deque(maxlen=4)
    changed = False
    while (op := worklist.pop()) is not None:
        if erase_dead and is_trivially_dead(op):
            rewriter.erase(op)
            changed = True
            continue
        cls = type(op)
        candidates = by_class.get(cls)
        if candidates is None:
            candidates = by_class[cls] = [p for p in patterns if not p.ops or issubclass(cls, p.ops)]
        for p in candidates:
            if p.match_and_rewrite(op, rewriter):
                for listener in rewriter.listeners:
                    listener.pattern_applied(p, op)
                changed = True
                recent.append(f"{p.name} on '{op.name}'")
                budget -= 1
                if budget < 0:
                    raise RuntimeError("the rewrite patterns do not reach a fixpoint; the last rewrites were: "
                                       + ", ".join(recent))
                break
    return changed
