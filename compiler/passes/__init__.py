"""Passes over the IR, and the registry that finds them by name.

A pass is a class with a class attribute ``name`` (the word used in
pipelines such as ``fold,dce,cse``) and a method ``run(module) -> bool``
that transforms the module in place and says whether it changed anything.
Passes are registered with :func:`register_pass` and looked up with
:func:`get_pass`; the pass manager, which builds pipelines from these names,
instantiates the classes it gets back.

    @register_pass
    class MyPass:
        name = "mine"

        def run(self, module) -> bool:
            ...
"""
from __future__ import annotations

from typing import Protocol

from ir.ops import IfOp, RaiseIfOp, YieldOp

__all__ = ["Pass", "PASSES", "register_pass", "get_pass", "OpPass", "is_check_group"]


class Pass(Protocol):
    """What every pass provides."""

    name: str

    def run(self, module) -> bool:  # pragma: no cover - a protocol
        ...


class OpPass:
    """A pass that looks at every op once, the ops nested in an op's regions before
    the op itself; subclasses define ``visit(op) -> bool`` (changed).  An op that an
    earlier visit moved out of its block or erased is not visited."""

    def run(self, module) -> bool:
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


def is_check_group(op) -> bool:
    """Whether ``op`` is a *check group*: an ``if`` without results whose
    then-region holds only pure ops and region-free ``raise_if``s and whose
    else-region is empty -- one cheap test guarding exact checks, as
    ``int()`` of a float makes.  It computes nothing; it may only raise."""
    return (isinstance(op, IfOp) and not op.results and len(op.else_block.ops) == 1
            and all(isinstance(inner, YieldOp) or (isinstance(inner, RaiseIfOp) or inner.is_pure)
                    and not inner.regions for inner in op.then_block.ops))


#: Every registered pass class, by name.
PASSES: dict[str, type] = {}


def register_pass(cls: type) -> type:
    """Class decorator: make ``cls`` known by its ``name``.

    Raises ``ValueError`` if the class has no usable name, has no ``run``
    method, or a different class already holds the name.
    """
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not name:
        raise ValueError(f"pass class {cls.__name__} needs a non-empty string 'name'")
    if not callable(getattr(cls, "run", None)):
        raise ValueError(f"pass class {cls.__name__} ('{name}') needs a 'run(module)' method")
    existing = PASSES.get(name)
    if existing is not None and existing is not cls:
        raise ValueError(f"pass name '{name}' is already taken by {existing.__name__}")
    PASSES[name] = cls
    return cls


def get_pass(name: str) -> type:
    """The pass class registered as ``name``; ``ValueError`` if there is none."""
    cls = PASSES.get(name)
    if cls is None:
        known = ", ".join(sorted(PASSES)) or "(none)"
        raise ValueError(f"unknown pass '{name}'; known passes: {known}")
    return cls


# Import the passes so that they register themselves.
from . import bce, cse, dce, fold, inline, licm, refcount, unroll, vectorize, version  # noqa: E402,F401
