"""Copying ops: the building block of inlining and unrolling.

``clone(op, mapping)`` builds a new op of the same class with the same
attributes, result types and location, whose operands are the old ones
looked up in ``mapping`` (a value missing from it is used as it is: it is
defined outside what is being copied), and whose regions are deep copies.
``mapping`` is extended with old result -> new result and old block argument
-> new block argument, so later copies refer to the new values.
"""
from __future__ import annotations

from .core import Block, Operation, Region, Value


def clone(op: Operation, mapping: dict[Value, Value]) -> Operation:
    regions = [Region(clone_block(region.block, mapping)) for region in op.regions]
    new = type(op).create([mapping.get(v, v) for v in op.operands], [r.type for r in op.results],
                          dict(op.attributes), regions, op.loc)
    for old, result in zip(op.results, new.results):
        result.name_hint = old.name_hint
        mapping[old] = result
    return new


def clone_block(block: Block, mapping: dict[Value, Value]) -> Block:
    """A copy of ``block`` with fresh arguments and copies of its ops."""
    new = Block([a.type for a in block.args], [a.name_hint for a in block.args])
    for old, arg in zip(block.args, new.args):
        mapping[old] = arg
    for op in block.ops:
        new.append(clone(op, mapping))
    return new
