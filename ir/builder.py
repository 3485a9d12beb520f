"""A builder: inserts ops at an insertion point and tracks the location.

    b = Builder.at_end(func.body)
    x = b.add(AddOp(a, c))          # returns the single result
    with b.inside(if_op.then_block):
        b.add(YieldOp([x]))
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from .core import Block, Operation, OpResult
from .diagnostics import Location


class Builder:
    def __init__(self, block: Block | None = None, index: int | None = None, loc: Location | None = None):
        self.block = block
        self.index = index  # None: at the end of the block
        self.loc = loc

    @classmethod
    def at_end(cls, block: Block, loc: Location | None = None) -> "Builder":
        return cls(block, None, loc)

    @classmethod
    def before(cls, op: Operation, loc: Location | None = None) -> "Builder":
        if op.parent is None:
            raise ValueError(f"cannot insert before '{op.name}': it is not in a block")
        return cls(op.parent, op.parent.index_of(op), loc)

    def insert(self, op: Operation) -> Operation:
        """Insert ``op`` at the insertion point; fill in its location."""
        if self.block is None:
            raise RuntimeError("builder has no insertion point")
        if op.loc is None:
            op.loc = self.loc
        if self.index is None:
            self.block.append(op)
        else:
            self.block.insert(self.index, op)
            self.index += 1
        return op

    def add(self, op: Operation) -> OpResult:
        """Insert ``op`` and return its single result."""
        return self.insert(op).result

    @contextmanager
    def inside(self, block: Block, index: int | None = None) -> Iterator["Builder"]:
        """Temporarily move the insertion point to ``block``."""
        saved = (self.block, self.index)
        self.block, self.index = block, index
        try:
            yield self
        finally:
            self.block, self.index = saved

    @contextmanager
    def at(self, loc: Location | None) -> Iterator["Builder"]:
        """Temporarily use ``loc`` for new ops."""
        saved = self.loc
        self.loc = loc
        try:
            yield self
        finally:
            self.loc = saved
