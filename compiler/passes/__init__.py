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

Passes report their decisions with :func:`remark`, and make their changes
through an :class:`ir.rewriting.Rewriter` given the pass's ``changes`` log
(:func:`changes_of`).  The modules are layered:
:mod:`~compiler.passes.base` (the protocol, :class:`OpPass`, remarks, the
registry), :mod:`~compiler.passes.analysis` (facts several passes use) and
:mod:`~compiler.passes.canonical` (the fold patterns) at
the bottom, the passes above them -- a pass never imports another pass --
and this package, which imports the passes so that they register, on top;
:mod:`~compiler.passes.manager` finds them through the registry.
"""
from __future__ import annotations

from .analysis import is_check_group
from .base import PASSES, OpPass, Pass, Remark, changes_of, get_pass, register_pass, remark

# Import the passes so that they register themselves.
from . import (  # noqa: F401
    bce, cse, dce, fold, fuse, inline, licm, local_lists, lower_arrays, parallel, refcount, unroll, vectorize, version,
)

__all__ = ["Pass", "PASSES", "register_pass", "get_pass", "OpPass", "Remark", "remark", "changes_of", "is_check_group"]
