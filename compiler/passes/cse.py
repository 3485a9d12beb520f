"""The ``cse`` pass: common-subexpression elimination.

Two ``Pure`` ops without regions compute the same value when they are the
same op with the same operands, attributes and result types; the later one
is replaced by the earlier when the earlier dominates it -- it comes before
it in the same block, or in a block that encloses it (a value defined in a
block is visible in every region nested in it).  A region's ops are never
matched with ops of a sibling region (the ``then`` and ``else`` of an
``if``), nor across a function.  Commutative ops match with their operands
in either order.  Memory reads are not merged (a store may come between).

The same rule removes repeated checks: a ``raise_if`` on the very condition
value (with the same exception and message) of one that dominates it can
never fire -- had its condition been true, the first one would have raised.
So does a check group (``analysis.is_check_group``, as ``int(x)`` makes) on the
very condition whose ops are those of one that dominates it, op for op (``int(x)``
twice tests ``x`` once).
"""
from __future__ import annotations

from ir import Module
from ir.core import Block, Commutative, Operation
from ir.ops import RaiseIfOp
from ir.rewriting import Rewriter

from .analysis import is_check_group
from .base import changes_of, register_pass


def _key(op: Operation) -> tuple:
    operands = [id(v) for v in op.operands]
    if op.has_trait(Commutative):
        operands.sort()
    attributes = tuple(sorted((name, repr(value)) for name, value in op.attributes.items()))
    return (type(op), tuple(operands), attributes, tuple(str(r.type) for r in op.results))


def _group_key(group: Operation) -> tuple:
    """A check group's condition and ops, the values it defines itself by position."""
    local: dict[int, tuple[int, int]] = {}
    ops = []
    for i, inner in enumerate(group.then_block.ops):
        operands = tuple(local.get(id(v), id(v)) for v in inner.operands)
        attributes = tuple(sorted((name, repr(value)) for name, value in inner.attributes.items()))
        ops.append((type(inner), operands, attributes, tuple(str(r.type) for r in inner.results)))
        local.update((id(r), (i, j)) for j, r in enumerate(inner.results))
    return ("check group", id(group.cond), tuple(ops))


@register_pass
class CommonSubexpressionElimination:
    name = "cse"

    def run(self, module: Module) -> bool:
        self.rewriter = Rewriter(changes_of(self))
        changed = False
        for func in module:
            changed |= self._block(func.body, [{}])
        return changed

    def _block(self, block: Block, scopes: list[dict]) -> bool:
        changed = False
        scopes.append({})
        for op in list(block.ops):
            checks = isinstance(op, RaiseIfOp) and not op.regions
            if checks or is_check_group(op):
                key = _key(op) if checks else _group_key(op)
                if any(key in s for s in scopes):
                    self.rewriter.erase(op)
                    changed = True
                    continue
                scopes[-1][key] = op
            elif op.is_pure and not op.regions and op.results:
                key = _key(op)
                known = next((s[key] for s in reversed(scopes) if key in s), None)
                if known is not None:
                    self.rewriter.replace(op, known.results)
                    changed = True
                    continue
                scopes[-1][key] = op
            for region in op.regions:
                changed |= self._block(region.block, scopes)
        scopes.pop()
        return changed
