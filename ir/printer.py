"""The IR's text form.

One generic syntax serves every op, so any op prints and parses back::

    %a, %b = name %x, %y {key = value} : T1, T2 { ...region... } kw { ...region... }

A region's block arguments open it as ``^(%i: i64, %acc: f64):``.  A function
prints as ``func @name(%a: i64) -> f64 { ... }``.  Attribute values: ``true``,
``false``, ints, floats (``1.0``, ``nan``, ``-inf``), ``complex(re, im)``,
``none``, strings in double quotes, types as ``!i64``, lists ``[a, b]``.
A function or attribute name that is not an identifier is quoted like a
string (``@"f.<locals>.g"``).  :mod:`ir.parser` reads this text back.
The printer sits below :mod:`ir.module` (a module's ``str`` is
:func:`print_module`), so :func:`print_module` takes any iterable of
functions, a :class:`~ir.module.Module` among them.

Names come from the source variable when there is one (``%acc``, then
``%acc.1`` ...), otherwise numbers (``%0``, ``%1``); they are assigned at
print time, per function, in program order, so printing is deterministic.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any, Iterable

from .core import Block, Operation, Value
from .ops.func import FuncOp
from .types import Type

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


def format_attribute(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "none"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _format_float(value)
    if isinstance(value, complex):
        return f"complex({_format_float(value.real)}, {_format_float(value.imag)})"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, Type):
        return f"!{value}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_attribute(v) for v in value) + "]"
    raise TypeError(f"cannot print attribute value {value!r}")


def _name(name: str) -> str:
    """A function or attribute name: bare if an identifier, else quoted."""
    return name if _IDENT.fullmatch(name) else json.dumps(name)


def _format_float(x: float) -> str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    text = repr(x)
    return text if any(c in text for c in ".en") else text + ".0"


class Namer:
    """Gives each value of a function a unique, readable name."""

    def __init__(self) -> None:
        self.names: dict[Value, str] = {}
        self.used: set[str] = set()
        self.counter = 0

    def name(self, value: Value) -> str:
        existing = self.names.get(value)
        if existing is not None:
            return existing
        hint = value.name_hint
        if hint and _IDENT.fullmatch(hint):
            candidate, n = hint, 0
            while candidate in self.used:
                n += 1
                candidate = f"{hint}.{n}"
        else:
            while str(self.counter) in self.used:
                self.counter += 1
            candidate = str(self.counter)
            self.counter += 1
        self.used.add(candidate)
        self.names[value] = candidate
        return candidate

    def ref(self, value: Value) -> str:
        """A use: the value must be named already (defined earlier)."""
        if value not in self.names:
            return f"%<undefined:{value.name_hint or '?'}>"
        return "%" + self.names[value]


class Printer:
    def __init__(self, with_locations: bool = False, mark: Operation | None = None, indent: str = "  "):
        self.with_locations = with_locations
        self.mark = mark
        self.indent = indent
        self.lines: list[str] = []
        self.namer = Namer()

    def function(self, func: FuncOp) -> None:
        self.namer = Namer()
        args = ", ".join(f"%{self.namer.name(a)}: {a.type}" for a in func.body.args)
        extra = {k: v for k, v in func.attributes.items() if k not in ("sym_name", "result_type")}
        attrs = f" attributes {self._attrs(extra)}" if extra else ""
        self._line(0, f"func @{_name(func.sym_name)}({args}) -> {func.result_type}{attrs} {{{self._loc(func)}", func)
        self._block_ops(func.body, 1)
        self._line(0, "}", None)

    def _block_ops(self, block: Block, depth: int) -> None:
        for op in block.ops:
            self.op(op, depth)

    def op(self, op: Operation, depth: int) -> None:
        text = ""
        if op.results:
            text += ", ".join("%" + self.namer.name(r) for r in op.results) + " = "
        text += op.name
        if op.operands:
            text += " " + ", ".join(self.namer.ref(v) for v in op.operands)
        if op.attributes:
            text += " " + self._attrs(op.attributes)
        if op.results:
            text += " : " + ", ".join(str(r.type) for r in op.results)
        if not op.regions:
            self._line(depth, text + self._loc(op), op)
            return
        for i, region in enumerate(op.regions):
            if i == 0:
                self._line(depth, text + " {", op)
            else:
                kw = op.region_keywords[i - 1] + " " if i - 1 < len(op.region_keywords) else ""
                self._line(depth, f"}} {kw}{{", None)
            block = region.block
            if block.args:
                args = ", ".join(f"%{self.namer.name(a)}: {a.type}" for a in block.args)
                self._line(depth + 1, f"^({args}):", None)
            self._block_ops(block, depth + 1)
        self._line(depth, "}" + self._loc(op), None)

    def _attrs(self, attributes: dict[str, Any]) -> str:
        items = ", ".join(f"{_name(k)} = {format_attribute(v)}" for k, v in sorted(attributes.items()))
        return "{" + items + "}"

    def _loc(self, op: Operation) -> str:
        if not self.with_locations or op.loc is None:
            return ""
        loc = op.loc
        return f" loc({json.dumps(loc.file)}:{loc.line}:{loc.col})"

    def _line(self, depth: int, text: str, op: Operation | None) -> None:
        prefix = ">> " if self.mark is not None and op is self.mark else ""
        self.lines.append(prefix + self.indent * depth + text)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def print_function(func: FuncOp, with_locations: bool = False, mark: Operation | None = None) -> str:
    p = Printer(with_locations, mark)
    p.function(func)
    return p.text()


def print_module(module: Iterable[FuncOp], with_locations: bool = False) -> str:
    return "\n".join(print_function(f, with_locations) for f in module)


def print_op(op: Operation) -> str:
    """One op (with its regions), names local to this printout."""
    p = Printer()
    p.op(op, 0)
    return p.text()
