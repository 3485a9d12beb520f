"""The references of an ``llvmlite.ir`` module (what references are: ``compiler.references``)."""
from __future__ import annotations

from typing import Any

import llvmlite.ir as lir

from ..references import References, signed

__all__ = ["ModuleReferences"]

_PTR = lir.PointerType()


class ModuleReferences(References):
    """The references of an ``llvmlite.ir`` module: globals declared as they are used,
    defined when the text is finished (:meth:`finish`)."""

    def __init__(self, module: lir.Module, prefix: str) -> None:
        super().__init__(prefix)
        self.module = module
        self._invariant: Any = None
        #: how :meth:`finish` defined the globals (None: not yet); code lowered after it (a
        #: C callback's or a ufunc loop's wrapper, around a finished module) defines its own so
        self._patchable: bool | None = None

    def load(self, b: lir.IRBuilder, symbol: str, typ: lir.Type = _PTR) -> lir.Value:
        """The address the reference ``symbol`` holds, loaded at ``b`` (as ``typ``: a
        function pointer type for a call through it)."""
        g = self.module.globals.get(symbol)
        if g is None:
            g = lir.GlobalVariable(self.module, _PTR, symbol)
            g.align = 8
            if self._patchable is not None:
                self._define(g, next(ref for ref in self if ref.symbol == symbol))
        if self._invariant is None:
            self._invariant = self.module.add_metadata([])
        value = b.load(g, typ=typ)
        value.set_metadata("invariant.load", self._invariant)
        return value

    def finish(self, patchable: bool) -> None:
        """Define the globals (see :meth:`References.definitions`)."""
        self._patchable = patchable
        for ref in self:
            self._define(self.module.globals[ref.symbol], ref)

    def _define(self, g: lir.GlobalVariable, ref: Any) -> None:
        if self._patchable:
            g.initializer = lir.Constant(_PTR, None)
        else:
            g.initializer = lir.Constant(lir.IntType(64), signed(ref.address)).inttoptr(_PTR)
            g.global_constant = True
            g.linkage = "internal"
