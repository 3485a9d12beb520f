"""What every pass builds on: the :class:`Pass` protocol, the :class:`OpPass`
base class, :func:`remark` through which passes report their decisions, and
the registry that finds passes by name.

Decision: these live in a module of their own, below every pass, rather than
in the package's ``__init__``, which imports the passes to register them:
a pass importing its own package would be an import cycle.
"""
from __future__ import annotations

from typing import Protocol

import ir
from ir.records import record
from ir.rewriting import ChangeLog, Rewriter

__all__ = ["Pass", "OpPass", "Remark", "remark", "changes_of", "PASSES", "register_pass", "get_pass"]


class Pass(Protocol):
    """What every pass provides."""

    name: str

    def run(self, module) -> bool:  # pragma: no cover - a protocol
        ...


class OpPass:
    """A pass that looks at every op once, the ops nested in an op's regions before
    the op itself; subclasses define ``visit(op) -> bool`` (changed) and make their
    changes through ``self.rewriter``.  An op that an earlier visit moved out of its
    block or erased is not visited."""

    def run(self, module) -> bool:
        self.rewriter = Rewriter(changes_of(self))
        changed = False
        for func in module:
            changed |= self._block(func.body)
        return changed

    def _block(self, block) -> bool:
        changed = False
        for op in list(block.ops):
            if op.parent is not block:
                continue
            for region in op.regions:
                changed |= self._block(region.block)
            changed |= bool(self.visit(op))
        return changed

    def visit(self, op) -> bool:  # pragma: no cover - subclasses define it
        raise NotImplementedError


@record(frozen=True)
class Remark:
    """A decision a pass took (or did not take) at a place in the user's source."""

    pass_name: str
    loc: ir.Location | None
    message: str

    def __str__(self) -> str:
        where = f"{self.loc}: " if self.loc is not None else ""
        return f"{where}[{self.pass_name}] {self.message}"


def remark(pass_: object, op: ir.Operation, message: str) -> None:
    """Record a remark of ``pass_`` about ``op`` (kept when a pass manager collects them)."""
    remarks = getattr(pass_, "remarks", None)
    if remarks is not None:
        remarks.append(Remark(getattr(pass_, "name", "?"), op.loc, message))


def changes_of(pass_: object) -> ChangeLog | None:
    """The :class:`~ir.rewriting.ChangeLog` a pass manager gave ``pass_`` for this run
    (``None`` outside a manager): give it to the pass's :class:`~ir.rewriting.Rewriter`."""
    return getattr(pass_, "changes", None)


#: Every registered pass class, by name: the process-wide registry, which the pass modules
#: register into as they are imported.  A :class:`compiler.Compiler` starts its own registry
#: from a copy of it; any function here takes such a registry in its place.
PASSES: dict[str, type] = {}


def register_pass(cls: type, registry: dict[str, type] | None = None) -> type:
    """Class decorator: make ``cls`` known by its ``name`` in ``registry`` (default :data:`PASSES`).

    Raises ``ValueError`` if the class has no usable name, has no ``run``
    method, or a different class already holds the name.
    """
    registry = PASSES if registry is None else registry
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not name:
        raise ValueError(f"pass class {cls.__name__} needs a non-empty string 'name'")
    if not callable(getattr(cls, "run", None)):
        raise ValueError(f"pass class {cls.__name__} ('{name}') needs a 'run(module)' method")
    existing = registry.get(name)
    if existing is not None and existing is not cls:
        raise ValueError(f"pass name '{name}' is already taken by {existing.__name__}")
    registry[name] = cls
    return cls


def get_pass(name: str, registry: dict[str, type] | None = None) -> type:
    """The pass class registered as ``name`` in ``registry`` (default :data:`PASSES`);
    ``ValueError`` naming the pass and the known ones if there is none."""
    registry = PASSES if registry is None else registry
    cls = registry.get(name)
    if cls is None:
        known = ", ".join(sorted(registry)) or "(none)"
        raise ValueError(f"unknown pass '{name}'; known passes: {known}")
    return cls
