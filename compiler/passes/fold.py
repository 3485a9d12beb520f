"""The ``fold`` pass: constant folding and canonicalization.

It applies the patterns of :mod:`compiler.passes.canonical` with the greedy
driver (:func:`ir.rewriting.apply_patterns`) until none applies, so what one
fold exposes (an ``if`` on a value that just became a constant) is folded in
the same run, and what becomes unused on the way is erased.
"""
from __future__ import annotations

from ir import Module
from ir.rewriting import apply_patterns

from .base import changes_of, register_pass
from .canonical import PATTERNS


@register_pass
class ConstantFolding:
    name = "fold"

    def run(self, module: Module) -> bool:
        return apply_patterns(module, PATTERNS, changes_of(self))
