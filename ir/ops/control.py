"""Structured control flow: ``if``, ``for``, ``while`` and their terminators.

``if %c : T... { yield ... } else { yield ... }``
    Runs one region; its ``yield`` operands become the op's results.

``for %lo, %hi, %step, %init... : T... { ^(%i: i64, %x: T...): ... yield %x' }``
    Python ``range(lo, hi, step)`` semantics, negative steps included (a
    zero step is checked by the frontend).  The region's first argument is
    the induction variable, the rest are the loop-carried values; results
    are their values after the last trip (the inits if there is none).

``while %init... : T... { ^(%x...): ... condition %c, %x... } do { ^(%x...): ... yield %x'... }``
    The first region computes the condition from the current values; when
    it is false, the values forwarded by ``condition`` are the results;
    when true, they enter the second region, whose ``yield`` gives the next
    iteration's values.

``try : T... { ... leave 0, %x... ... yield %y... }``
    Runs its region; the values of its ``yield`` are its results -- or those
    of a ``leave`` nested in it, which ends the region early (an exception
    that a handler caught: the handler's code comes before the ``leave``).
    ``leave N`` ends the ``try`` that encloses it ``N`` levels up (0: the
    innermost); only ``if``, ``for``, ``while`` and ``try`` may stand between
    them.
"""
from __future__ import annotations

from typing import Sequence

from ..core import Block, Operation, Region, Terminator, Value
from ..diagnostics import Location
from ..interfaces import OWNS, Diverge, Flow, Global, Ownership, RecursiveEffects, RegionBranch, Slot, terminator_targets
from ..types import Type, bool_, i64

__all__ = ["YieldOp", "ConditionOp", "IfOp", "ForOp", "WhileOp", "TryOp", "LeaveOp"]


def _types(values: Sequence[Value]) -> list[Type]:
    return [v.type for v in values]


class YieldOp(Operation):
    name = "yield"
    traits = frozenset({Terminator})

    def __init__(self, values: Sequence[Value] = (), loc: Location | None = None):
        self._setup(values, [], loc=loc)

    def verify_(self) -> None:
        """The parent must be a region op declaring its flow (``RegionBranch``); the
        yielded values must match, in number and type, where its flow sends them."""
        parent = self.parent_op
        if isinstance(parent, TryOp):
            if _types(self.operands) != [r.type for r in parent.results]:
                self.fail(f"yields ({', '.join(map(str, _types(self.operands)))}) but 'try' has results "
                          f"({', '.join(str(r.type) for r in parent.results)})")
            return
        if parent is None or not parent.has_trait(RegionBranch):
            self.fail("must end a region of 'if', 'for', 'try' or the 'do' region of 'while'")
        region = next(i for i, r in enumerate(parent.regions) if r.block is self.parent)
        targets = terminator_targets(parent, region)
        expected = [parent.results[k].type if where is None else parent.regions[where].block.args[k].type
                    for where, k in (targets[i][0] for i in sorted(targets))]
        if _types(self.operands) != expected or sorted(targets) != list(range(len(targets))):
            self.fail(f"yields ({', '.join(map(str, _types(self.operands)))}) "
                      f"but '{parent.name}' has results ({', '.join(map(str, expected))})")


class ConditionOp(Operation):
    name = "condition"
    traits = frozenset({Terminator})

    def __init__(self, cond: Value, values: Sequence[Value] = (), loc: Location | None = None):
        self._setup([cond, *values], [], loc=loc)

    def verify_(self) -> None:
        parent = self.parent_op
        if not isinstance(parent, WhileOp) or self.parent is not parent.before:
            self.fail("must end the condition region of a 'while'")
        if not self.operands or self.operand(0).type != bool_:
            self.fail("first operand must be a bool")
        forwarded = _types(self.operands[1:])
        if forwarded != [r.type for r in parent.results]:
            self.fail("forwarded values do not match the 'while' results")


def _check_terminator(op: Operation, block: Block, kind: type[Operation]) -> None:
    if not block.ops or not isinstance(block.ops[-1], kind):
        op.fail(f"region must end with '{kind.name}'")
    for inner in block.ops[:-1]:
        if inner.has_trait(Terminator):
            op.fail(f"'{inner.name}' must be the last op of its region")


class IfOp(Operation):
    """Data flow: the condition is the control operand; each region's ``yield``
    operand ``k`` becomes result ``k``.  ``{unlikely = true}``: the condition is rarely true
    (the exact checks behind a cheap test), which code generation tells LLVM, so that the
    other branch is the straight path."""

    name = "if"
    traits = frozenset({RegionBranch})
    region_keywords = ("else",)

    def control_operands(self) -> tuple[int, ...]:
        return (0,)

    def flow(self) -> list[Flow]:
        return [Flow(r, k, None, k) for r in (0, 1) for k in range(len(self.results))]

    def slots(self) -> list[Slot]:
        return [Slot(k, None, (), ((0, k), (1, k))) for k in range(len(self.results))]

    def loop_regions(self) -> list[tuple[int, bool]]:
        return []

    def __init__(self, cond: Value, result_types: Sequence[Type] = (), loc: Location | None = None,
                 result_names: Sequence[str | None] | None = None):
        self._setup([cond], result_types, regions=[Region(), Region()], loc=loc,
                    result_names=result_names)

    @property
    def cond(self) -> Value:
        return self.operand(0)

    @property
    def then_block(self) -> Block:
        return self.regions[0].block

    @property
    def else_block(self) -> Block:
        return self.regions[1].block

    def verify_(self) -> None:
        if len(self.operands) != 1 or self.cond.type != bool_:
            self.fail("expects one bool condition")
        if len(self.regions) != 2:
            self.fail("expects two regions")
        for block in (self.then_block, self.else_block):
            if block.args:
                self.fail("regions take no arguments")
            _check_terminator(self, block, YieldOp)


class ForOp(Operation):
    """Data flow: the bounds and step are control operands (they give the
    induction variable, block argument 0); init ``k`` (operand ``3 + k``) flows into
    block argument ``1 + k`` and, when the loop makes no trip, into result ``k``; the
    body's ``yield`` operand ``k`` flows into the next trip's argument ``1 + k`` and
    result ``k``.  A ``for`` always ends (its trip count is fixed on entry), so it
    has no effect of its own; its body may not run at all."""

    name = "for"
    traits = frozenset({RegionBranch})

    def control_operands(self) -> tuple[int, ...]:
        return (0, 1, 2)

    def flow(self) -> list[Flow]:
        n = len(self.results)
        return [*(Flow(None, 3 + k, 0, 1 + k) for k in range(n)), *(Flow(None, 3 + k, None, k) for k in range(n)),
                *(Flow(0, k, 0, 1 + k) for k in range(n)), *(Flow(0, k, None, k) for k in range(n))]

    def slots(self) -> list[Slot]:
        return [Slot(k, 3 + k, ((0, 1 + k),), ((0, k),)) for k in range(len(self.results))]

    def loop_regions(self) -> list[tuple[int, bool]]:
        return [(0, False)]

    def __init__(self, lower: Value, upper: Value, step: Value, inits: Sequence[Value] = (),
                 loc: Location | None = None, iv_name: str | None = None,
                 names: Sequence[str | None] | None = None):
        names = list(names) if names is not None else [None] * len(inits)
        body = Block([i64, *_types(inits)], [iv_name, *names])
        self._setup([lower, upper, step, *inits], _types(inits), regions=[Region(body)], loc=loc,
                    result_names=names)

    @property
    def lower(self) -> Value:
        return self.operand(0)

    @property
    def upper(self) -> Value:
        return self.operand(1)

    @property
    def step(self) -> Value:
        return self.operand(2)

    @property
    def inits(self) -> tuple[Value, ...]:
        return self.operands[3:]

    @property
    def body(self) -> Block:
        return self.regions[0].block

    @property
    def induction_var(self) -> Value:
        return self.body.args[0]

    @property
    def iter_args(self) -> list[Value]:
        return self.body.args[1:]

    def verify_(self) -> None:
        if len(self.operands) < 3:
            self.fail("expects lower, upper and step operands")
        for v in self.operands[:3]:
            if v.type != i64:
                self.fail(f"bounds and step must be i64, not {v.type}")
        if len(self.regions) != 1:
            self.fail("expects one region")
        self.verify_loop()

    def verify_loop(self) -> None:
        """The checks of the loop itself: its region's arguments, results and ``yield``."""
        args = self.body.args
        if not args or args[0].type != i64:
            self.fail("the region's first argument (induction variable) must be i64")
        carried = _types(self.inits)
        if [a.type for a in args[1:]] != carried or [r.type for r in self.results] != carried:
            self.fail("inits, region arguments and results must have the same types")
        _check_terminator(self, self.body, YieldOp)


class WhileOp(Operation):
    """Data flow: no control operand (the condition region's ``condition`` decides,
    its operand 0 flows nowhere); init ``k`` flows into the condition region's
    argument ``k``; ``condition`` operand ``1 + k`` into the body's argument ``k`` and
    result ``k``; the body's ``yield`` operand ``k`` into the condition region's
    argument ``k``.  A ``while`` may not end (``Diverge``): it is never removed.  Its
    condition region runs at least once, its body may not run."""

    name = "while"
    traits = frozenset({RegionBranch})
    region_keywords = ("do",)

    def effects(self):
        return (Diverge(),)

    def control_operands(self) -> tuple[int, ...]:
        return ()

    def flow(self) -> list[Flow]:
        n = len(self.results)
        return [*(Flow(None, k, 0, k) for k in range(n)), *(Flow(0, 1 + k, 1, k) for k in range(n)),
                *(Flow(0, 1 + k, None, k) for k in range(n)), *(Flow(1, k, 0, k) for k in range(n))]

    def slots(self) -> list[Slot]:
        return [Slot(k, k, ((0, k), (1, k)), ((0, 1 + k), (1, k))) for k in range(len(self.results))]

    def loop_regions(self) -> list[tuple[int, bool]]:
        return [(0, True), (1, False)]

    def __init__(self, inits: Sequence[Value] = (), loc: Location | None = None,
                 names: Sequence[str | None] | None = None):
        names = list(names) if names is not None else [None] * len(inits)
        types = _types(inits)
        self._setup(inits, types, regions=[Region(Block(types, names)), Region(Block(types, names))],
                    loc=loc, result_names=names)

    @property
    def before(self) -> Block:
        return self.regions[0].block

    @property
    def after(self) -> Block:
        return self.regions[1].block

    def verify_(self) -> None:
        if len(self.regions) != 2:
            self.fail("expects two regions")
        types = _types(self.operands)
        if [a.type for a in self.before.args] != types or [a.type for a in self.after.args] != types \
                or [r.type for r in self.results] != types:
            self.fail("inits, region arguments and results must have the same types")
        _check_terminator(self, self.before, ConditionOp)
        _check_terminator(self, self.after, YieldOp)


class TryOp(Operation):
    """A region that may end early: its results are the operands of its ``yield``, or
    of the ``leave`` that ended it (see the module docstring).

    Decision: it declares no ``RegionBranch`` flow, since a ``leave`` deep inside is an
    edge that flow cannot name: passes that drop result slots or follow values
    through region ops (DCE) treat it as an op they know nothing of, which keeps
    every result and everything its ``yield`` and ``leave`` operands use.  Its
    array results own a reference, as an ``if``'s do (``yield`` and ``leave``
    hand one on)."""

    name = "try"
    traits = frozenset({RecursiveEffects})

    def __init__(self, result_types: Sequence[Type] = (), loc: Location | None = None,
                 result_names: Sequence[str | None] | None = None):
        self._setup([], result_types, regions=[Region()], loc=loc, result_names=result_names)

    @property
    def body(self) -> Block:
        return self.regions[0].block

    def ownership(self, index: int) -> Ownership:
        return OWNS

    def verify_(self) -> None:
        if self.operands or len(self.regions) != 1 or self.body.args:
            self.fail("expects no operands and one region without arguments")
        _check_terminator(self, self.body, YieldOp)


class LeaveOp(Operation):
    """``leave N, %values...``: end the ``try`` ``N`` levels up with ``values`` as its
    results.  Nothing after it in its block runs.  It is a jump, not a terminator:
    the code of an exception handler ends with it in the middle of the code
    around it.  Never moved, removed or duplicated across paths (``Global``)."""

    name = "leave"

    def __init__(self, depth: int, values: Sequence[Value] = (), loc: Location | None = None):
        self._setup(values, [], {"depth": depth}, loc=loc)

    @property
    def depth(self) -> int:
        return self.attributes["depth"]

    def effects(self):
        return (Global(),)

    def target(self, block: Block | None = None) -> TryOp | None:
        """The ``try`` this op ends (None if there is no such ``try`` around it), seen from
        its block or from ``block`` (where a pass is about to put it)."""
        depth, op = self.depth, (block or self.parent).parent_op if (block or self.parent) else None
        while op is not None:
            if isinstance(op, TryOp):
                if depth == 0:
                    return op
                depth -= 1
            elif not isinstance(op, (IfOp, ForOp, WhileOp)):
                return None
            op = op.parent_op
        return None

    def verify_(self) -> None:
        target = self.target()
        if target is None:
            self.fail(f"must be inside {self.depth + 1} 'try' op(s), with only 'if', 'for', 'while' "
                      "and 'try' between")
        if _types(self.operands) != [r.type for r in target.results]:
            self.fail(f"passes ({', '.join(map(str, _types(self.operands)))}) but its 'try' has results "
                      f"({', '.join(str(r.type) for r in target.results)})")
