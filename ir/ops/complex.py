"""Complex numbers taken apart and put together.

``%re = real %z : f64``, ``%im = imag %z : f64`` and
``%z = complex %re, %im : c128``: the parts of a ``c64`` are ``f32``, of a
``c128`` ``f64``.
"""
from __future__ import annotations

from typing import Any

from ..core import Operation, Pure, Value
from ..diagnostics import Location
from ..types import ComplexType, FloatType, Type

__all__ = ["RealOp", "ImagOp", "MakeComplexOp"]


class _PartOp(Operation):
    traits = frozenset({Pure})

    def __init__(self, z: Value, loc: Location | None = None, name: str | None = None):
        t = z.type
        part = t.part if isinstance(t, ComplexType) else t
        self._setup([z], [part], loc=loc, result_names=[name])

    def verify_(self) -> None:
        if len(self.operands) != 1 or len(self.results) != 1:
            self.fail("expects 1 operand and 1 result")
        t = self.operand(0).type
        if not isinstance(t, ComplexType) or self.result.type != t.part:
            self.fail(f"expects a complex operand and its part type, got {t} -> {self.result.type}")


class RealOp(_PartOp):
    name = "real"

    @classmethod
    def evaluate(cls, z: complex, type: Type) -> Any:
        return z.real


class ImagOp(_PartOp):
    name = "imag"

    @classmethod
    def evaluate(cls, z: complex, type: Type) -> Any:
        return z.imag


class MakeComplexOp(Operation):
    name = "complex"
    traits = frozenset({Pure})

    def __init__(self, re: Value, im: Value, loc: Location | None = None, name: str | None = None):
        t = re.type
        bits = t.bits * 2 if isinstance(t, FloatType) else 128
        self._setup([re, im], [ComplexType(bits)], loc=loc, result_names=[name])

    def verify_(self) -> None:
        if len(self.operands) != 2 or len(self.results) != 1:
            self.fail("expects 2 operands and 1 result")
        re, im = self.operands
        t = self.result.type
        if not isinstance(t, ComplexType) or re.type != t.part or im.type != t.part:
            self.fail(f"expects two {getattr(t, 'part', 'float')} parts for {t}, got {re.type}, {im.type}")

    @classmethod
    def evaluate(cls, re: float, im: float, type: Type) -> Any:
        return complex(re, im)
