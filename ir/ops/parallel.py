"""Parallel loops: ``parallel.for``.

``parallel.for %lo, %hi, %step, %init... {reductions = ["add", ...]} : T...
{ ^(%i: i64, %acc: T...): ... yield %acc'... } cleanup { ... }``
    The trips of ``range(lo, hi, step)`` run at once on several threads, each
    thread a contiguous share of them in order.  Carried value ``k`` is a
    reduction of kind ``reductions[k]`` (``add``, ``mul``, ``min``, ``max``,
    ``and``, ``or``, ``xor``): each thread accumulates its share from a start of
    its own -- the kind's identity, or, for the kinds where combining a value
    twice changes nothing (``min``, ``max``, ``and``, ``or``), the init itself --
    and result ``k`` combines the init (for the others) and the threads' partial
    results in thread order.  Kind ``last`` is a value each trip computes anew
    (the loop variable, read after the loop): the result is the last trip's, or
    the init when there is no trip.  So integer results are those of the sequential
    loop, ``min``/``max`` results too (the first of equal values is kept), and
    float sums and products are the same for a given number of threads.

    An error raised in a trip ends its thread's share; the threads after it
    stop at their next check, those before it run on (their trips come first in
    the sequential order, and may raise an error of their own); the op then
    raises the error of the first trip, in the sequential order, that raised
    one.  Trips after it may have run.  The op's cleanup region runs on that
    path (``ir.interfaces.ErrorBoundary``).

The ``parallel`` pass makes this op of a ``for`` that ``prange`` made, after
checking that its trips may run at once (``compiler.passes.parallel``).
"""
from __future__ import annotations

from typing import Sequence

from ..core import Block, Value
from ..diagnostics import Location
from ..interfaces import ErrorBoundary, RegionBranch
from ..types import BoolType, ComplexType, FloatType, IntType
from .arith import verify_cleanup_block
from .control import ForOp

__all__ = ["ParallelForOp", "REDUCTION_KINDS", "IDEMPOTENT_KINDS"]

#: the reduction kinds a carried value may have, each with the type kinds it works on
REDUCTION_KINDS: dict[str, tuple[type, ...]] = {
    "add": (IntType, FloatType, ComplexType), "mul": (IntType, FloatType), "min": (IntType, FloatType, BoolType),
    "max": (IntType, FloatType, BoolType), "and": (IntType, BoolType), "or": (IntType, BoolType),
    "xor": (IntType, BoolType), "last": (IntType, FloatType, ComplexType, BoolType),
}
#: the kinds each thread starts from the init itself (for the others ``x op x`` is ``x``)
IDEMPOTENT_KINDS = ("min", "max", "and", "or", "last")


class ParallelForOp(ForOp):
    """A ``for`` whose trips run on several threads (see the module docstring).  Its
    data flow is the ``for``'s; its cleanup region, if any, is its second region."""

    name = "parallel.for"
    traits = frozenset({RegionBranch, ErrorBoundary})
    region_keywords = ("cleanup",)

    def __init__(self, lower: Value, upper: Value, step: Value, inits: Sequence[Value], reductions: Sequence[str],
                 loc: Location | None = None, iv_name: str | None = None,
                 names: Sequence[str | None] | None = None):
        super().__init__(lower, upper, step, inits, loc=loc, iv_name=iv_name, names=names)
        self.attributes["reductions"] = list(reductions)

    @property
    def reductions(self) -> list[str]:
        return self.attributes["reductions"]

    @property
    def cleanup(self) -> Block | None:
        """The block that runs when a trip raised an error, if any."""
        return self.regions[1].block if len(self.regions) > 1 else None

    def verify_(self) -> None:
        if len(self.regions) not in (1, 2):
            self.fail("expects a body and at most a cleanup region")
        self.verify_loop()
        kinds = self.attributes.get("reductions")
        if not isinstance(kinds, list) or len(kinds) != len(self.results):
            self.fail("needs a 'reductions' list with one kind per carried value")
        for kind, result in zip(kinds, self.results):
            allowed = REDUCTION_KINDS.get(kind)
            if allowed is None:
                self.fail(f"unknown reduction kind {kind!r}")
            if not isinstance(result.type, allowed):
                self.fail(f"a '{kind}' reduction of {result.type}")
        if self.cleanup is not None:
            verify_cleanup_block(self, self.cleanup)
