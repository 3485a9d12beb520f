"""The pass manager: pipelines of passes, run in order, observable through hooks.

A pipeline is a list of pass names, written ``"fold,dce,cse"``, or a preset
level (``0``..``3``, also written ``"-O2"``).  :class:`PassManager` builds the
passes from the registry (:mod:`compiler.passes`) and runs them in order on
a module, once each.  In a level's pipeline, after a pass that changed the
module it runs the passes the pass class names as its ``cleanup`` (``version``
leaves invariant code for ``licm``), once each, without their own cleanups; a
pipeline of names runs exactly the passes it names.  Every pass gets a
:class:`~ir.rewriting.ChangeLog` as its ``changes`` for its rewriter to
report to: a pass changed the module if it says so or its log does.  With
``verify_each=True`` it verifies the module after every pass and names the
pass that broke it.  Hooks observe a run without
changing it: each *before* hook is called as ``hook(pass_, module)`` and each
*after* hook as ``hook(pass_, module, changed)`` -- printing, timing and
counting op changes (``irdump``) are hooks.  Passes report their decisions
as :class:`~compiler.passes.base.Remark` s through :func:`compiler.passes.remark`; the manager collects
them.  Names are resolved in a registry: the process-wide one (:func:`compiler.passes.register_pass`)
unless the manager is given another -- a :class:`compiler.Compiler` gives its own, so that the
passes a tool registers there are seen by that compiler alone.
"""
from __future__ import annotations

from typing import Callable, Sequence

import ir
from ir.rewriting import ChangeLog

from .base import Remark, get_pass

#: the passes of each optimisation level, in order (the ``refcount`` pass is
#: not a choice: the compiler runs it after the pipeline, just before codegen).
#: No name repeats: ``fold`` and ``bce`` reach their own fixpoint, and a pass that
#: leaves work for others declares them as its ``cleanup``.
PRESETS: dict[int, tuple[str, ...]] = {
    0: (),
    1: ("fold", "dce", "lower-arrays"),
    2: ("inline", "fold", "dce", "cse", "fuse", "lower-arrays", "cse", "bce", "licm"),
    3: ("inline", "fold", "dce", "cse", "fuse", "lower-arrays", "unroll", "cse", "bce", "licm", "version", "vectorize"),
}


#: passes the compiler runs itself, exactly once, after the pipeline (``parallel`` in functions
#: compiled with ``parallel=True``)
AUTOMATIC = ("parallel", "refcount", "local-lists")

BeforeHook = Callable[[object, ir.Module], None]
AfterHook = Callable[[object, ir.Module, bool], None]


def parse_pipeline(spec: str | int | Sequence[str], registry: dict[str, type] | None = None) -> list[str]:
    """Pass names for ``spec``: a level (``2``, ``"-O2"``, ``"O2"``), a comma-separated
    list (``"fold,dce"``) or a sequence of names.  Unknown names (in ``registry``, default
    the process-wide one) and levels are a ``ValueError`` that lists what exists."""
    if _is_level(spec):
        level = spec if isinstance(spec, int) else int(spec.lstrip("-").lstrip("O"))
        if level not in PRESETS:
            raise ValueError(f"unknown optimisation level {spec!r}; levels are 0, 1, 2 and 3")
        return list(PRESETS[level])
    names = [n.strip() for n in spec.split(",")] if isinstance(spec, str) else list(spec)
    names = [n for n in names if n]
    for name in names:
        get_pass(name, registry)  # raises for an unknown name
        if name in AUTOMATIC:
            raise ValueError(f"the '{name}' pass cannot be part of a pipeline: the compiler runs it once, "
                             "after the pipeline, just before code generation")
    return names


def _is_level(spec: str | int | Sequence[str]) -> bool:
    return isinstance(spec, int) or (isinstance(spec, str) and spec.lstrip("-").lstrip("O").isdigit())


class PassManager:
    """Runs a pipeline of passes over modules; see the module docstring."""

    #: ``verify_each`` when a manager is not told (the test suite turns it on)
    verify_each_default = False

    def __init__(self, pipeline: str | int | Sequence[str] = (), verify_each: bool | None = None,
                 registry: dict[str, type] | None = None, cleanups: bool | None = None):
        #: where the pass names are resolved (None: the process-wide registry)
        self.registry = registry
        self.names = parse_pipeline(pipeline, registry)
        #: run the passes' ``cleanup`` passes after them (default: for a level, not for
        #: passes named one by one, which run exactly as written)
        self.cleanups = _is_level(pipeline) if cleanups is None else cleanups
        self.verify_each = self.verify_each_default if verify_each is None else verify_each
        self.before: list[BeforeHook] = []
        self.after: list[AfterHook] = []
        #: what the passes decided, in order (see :func:`compiler.passes.remark`)
        self.remarks: list[Remark] = []

    def run(self, module: ir.Module) -> bool:
        """Run every pass of the pipeline once, in order; whether any changed the module."""
        changed = False
        for name in self.names:
            if not self._run_pass(name, module):
                continue
            changed = True
            if self.cleanups:
                for cleanup in getattr(get_pass(name, self.registry), "cleanup", ()):
                    self._run_pass(cleanup, module, name)
        return changed

    def _run_pass(self, name: str, module: ir.Module, cleanup_for: str | None = None) -> bool:
        pass_ = get_pass(name, self.registry)()
        pass_.remarks = self.remarks
        pass_.changes = ChangeLog()
        pass_.cleanup_for = cleanup_for   # the pass it cleans up after, for hooks to show
        for hook in self.before:
            hook(pass_, module)
        did = bool(pass_.run(module)) or pass_.changes.changed
        if self.verify_each:
            try:
                ir.verify(module)
            except ir.VerificationError as err:
                raise ir.VerificationError(f"the IR is invalid after the '{name}' pass: {err}") from None
        for hook in self.after:
            hook(pass_, module, did)
        return did
