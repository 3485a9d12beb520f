"""The pass manager: pipelines of passes, run in order, observable through hooks.

A pipeline is a list of pass names, written ``"fold,dce,cse"``, or a preset
level (``0``..``3``, also written ``"-O2"``).  :class:`PassManager` builds the
passes from the registry (:mod:`compiler.passes`) and runs them in order on
a module, once each.  With ``verify_each=True`` it verifies the module after
every pass and names the pass that broke it.  Hooks observe a run without
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

from .base import Remark, get_pass

#: the passes of each optimisation level, in order (the ``refcount`` pass is
#: not a choice: the compiler runs it after the pipeline, just before codegen)
PRESETS: dict[int, tuple[str, ...]] = {
    0: (),
    1: ("fold", "dce"),
    2: ("inline", "fold", "dce", "cse", "bce", "fold", "bce", "fold", "licm", "cse", "dce"),
    3: ("inline", "fold", "dce", "unroll", "fold", "cse", "bce", "fold", "bce", "fold", "licm", "version", "licm",
        "cse", "dce", "vectorize", "licm", "cse", "dce"),
}


#: passes the compiler runs itself, exactly once
AUTOMATIC = ("refcount",)

BeforeHook = Callable[[object, ir.Module], None]
AfterHook = Callable[[object, ir.Module, bool], None]


def parse_pipeline(spec: str | int | Sequence[str], registry: dict[str, type] | None = None) -> list[str]:
    """Pass names for ``spec``: a level (``2``, ``"-O2"``, ``"O2"``), a comma-separated
    list (``"fold,dce"``) or a sequence of names.  Unknown names (in ``registry``, default
    the process-wide one) and levels are a ``ValueError`` that lists what exists."""
    if isinstance(spec, int) or (isinstance(spec, str) and spec.lstrip("-").lstrip("O").isdigit()
                                 and spec.strip() != ""):
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


class PassManager:
    """Runs a pipeline of passes over modules; see the module docstring."""

    #: ``verify_each`` when a manager is not told (the test suite turns it on)
    verify_each_default = False

    def __init__(self, pipeline: str | int | Sequence[str] = (), verify_each: bool | None = None,
                 registry: dict[str, type] | None = None):
        #: where the pass names are resolved (None: the process-wide registry)
        self.registry = registry
        self.names = parse_pipeline(pipeline, registry)
        self.verify_each = self.verify_each_default if verify_each is None else verify_each
        self.before: list[BeforeHook] = []
        self.after: list[AfterHook] = []
        #: what the passes decided, in order (see :func:`compiler.passes.remark`)
        self.remarks: list[Remark] = []

    def run(self, module: ir.Module) -> bool:
        """Run every pass of the pipeline once, in order; whether any changed the module."""
        changed = False
        for name in self.names:
            pass_ = get_pass(name, self.registry)()
            pass_.remarks = self.remarks
            for hook in self.before:
                hook(pass_, module)
            did = bool(pass_.run(module))
            changed |= did
            if self.verify_each:
                try:
                    ir.verify(module)
                except ir.VerificationError as err:
                    raise ir.VerificationError(f"the IR is invalid after the '{name}' pass: {err}") from None
            for hook in self.after:
                hook(pass_, module, did)
        return changed
