"""A module: the functions compiled together, by symbol name."""
from __future__ import annotations

from typing import Iterator

from .core import Operation
from .ops.func import FuncOp
from .printer import print_module


class Module:
    """An ordered collection of :class:`FuncOp` with unique names.

    ``entry`` names the function callers outside the module call (the
    compiler's entry point), if the module has one; passes keep the functions
    it reaches.  It is not part of the text form: a parsed module has none.
    """

    def __init__(self, functions: list[FuncOp] | None = None, entry: str | None = None):
        self.entry = entry
        self.functions: dict[str, FuncOp] = {}
        for f in functions or ():
            self.add(f)

    def add(self, func: FuncOp) -> FuncOp:
        if func.sym_name in self.functions:
            raise ValueError(f"module already has a function @{func.sym_name}")
        self.functions[func.sym_name] = func
        return func

    def remove(self, name: str) -> None:
        del self.functions[name]

    def unique_name(self, base: str) -> str:
        """``base``, or ``base.1``, ``base.2``... whichever is free."""
        name, n = base, 0
        while name in self.functions:
            n += 1
            name = f"{base}.{n}"
        return name

    def __getitem__(self, name: str) -> FuncOp:
        return self.functions[name]

    def __contains__(self, name: str) -> bool:
        return name in self.functions

    def __iter__(self) -> Iterator[FuncOp]:
        return iter(list(self.functions.values()))

    def walk(self) -> Iterator[Operation]:
        for f in self:
            yield from f.walk()

    def __str__(self) -> str:
        return print_module(self)
