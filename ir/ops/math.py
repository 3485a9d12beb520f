"""Elementary functions of floats (``math`` module semantics on IEEE values).

``math %x {fn = "sin"} : f64`` and ``math2 %y, %x {fn = "atan2"} : f64``.  The
ops compute the C library function; Python's domain and range errors
(``ValueError: math domain error``, ``OverflowError: math range error``) are
checked by the frontend with ``raise_if`` ops around them.  The predicates
``isnan``/``isinf``/``isfinite`` have their own op giving a ``bool``.
"""
from __future__ import annotations

import math
from typing import Any, Callable

from ..core import Operation, Pure, Value
from ..diagnostics import Location
from ..types import ComplexType, FloatType, Type, bool_

__all__ = ["MathOp", "Math2Op", "FloatTestOp", "UNARY_MATH", "BINARY_MATH", "FLOAT_TESTS"]


def _ieee(fn: Callable[..., float]) -> Callable[..., float]:
    """Wrap a ``math`` function to give the IEEE result instead of raising."""

    def wrapped(*args: float) -> float:
        try:
            return fn(*args)
        except OverflowError:
            return math.inf
        except ValueError:
            return math.nan

    return wrapped


UNARY_MATH: dict[str, Callable[[float], float]] = {
    "sqrt": math.sqrt, "exp": math.exp, "expm1": math.expm1, "log": math.log,
    "log2": math.log2, "log10": math.log10, "log1p": math.log1p,
    "sin": math.sin, "cos": math.cos, "tan": math.tan,
    "asin": math.asin, "acos": math.acos, "atan": math.atan,
    "sinh": math.sinh, "cosh": math.cosh, "tanh": math.tanh,
    "asinh": math.asinh, "acosh": math.acosh, "atanh": math.atanh,
    "erf": math.erf, "erfc": math.erfc, "gamma": math.gamma, "lgamma": math.lgamma,
    "fabs": math.fabs, "floor": lambda x: float(math.floor(x)) if math.isfinite(x) else x,
    "ceil": lambda x: float(math.ceil(x)) if math.isfinite(x) else x,
    "trunc": lambda x: float(math.trunc(x)) if math.isfinite(x) else x,
    "rint": lambda x: float(round(x)) if math.isfinite(x) else x,
}

BINARY_MATH: dict[str, Callable[[float, float], float]] = {
    "atan2": math.atan2, "hypot": math.hypot, "copysign": math.copysign,
    "fmod": math.fmod, "pow": math.pow,
}

FLOAT_TESTS: dict[str, Callable[[float], bool]] = {
    "isnan": math.isnan, "isinf": math.isinf, "isfinite": math.isfinite,
}


class MathOp(Operation):
    name = "math"
    traits = frozenset({Pure})

    def __init__(self, fn: str, operand: Value, loc: Location | None = None, name: str | None = None):
        self._setup([operand], [operand.type], {"fn": fn}, loc=loc, result_names=[name])

    @property
    def fn(self) -> str:
        return self.attributes["fn"]

    def verify_(self) -> None:
        if not isinstance(self.attributes.get("fn"), str) or self.attributes["fn"] not in UNARY_MATH:
            self.fail(f"unknown function {self.attributes.get('fn')!r}")
        if len(self.operands) != 1 or len(self.results) != 1:
            self.fail("expects 1 operand and 1 result")
        t = self.operand(0).type
        if not isinstance(t, FloatType) or self.result.type != t:
            self.fail(f"expects a float operand and the same result type, got {t} -> {self.result.type}")

    def evaluate(self, a: float, type: Type) -> Any:
        return _ieee(UNARY_MATH[self.fn])(a)


class Math2Op(Operation):
    name = "math2"
    traits = frozenset({Pure})

    def __init__(self, fn: str, lhs: Value, rhs: Value, loc: Location | None = None, name: str | None = None):
        self._setup([lhs, rhs], [lhs.type], {"fn": fn}, loc=loc, result_names=[name])

    @property
    def fn(self) -> str:
        return self.attributes["fn"]

    def verify_(self) -> None:
        if not isinstance(self.attributes.get("fn"), str) or self.attributes["fn"] not in BINARY_MATH:
            self.fail(f"unknown function {self.attributes.get('fn')!r}")
        if len(self.operands) != 2 or len(self.results) != 1:
            self.fail("expects 2 operands and 1 result")
        a, b = self.operands
        if not isinstance(a.type, FloatType) or a.type != b.type or self.result.type != a.type:
            self.fail(f"expects two float operands of one type, got {a.type}, {b.type}")

    def evaluate(self, a: float, b: float, type: Type) -> Any:
        return _ieee(BINARY_MATH[self.fn])(a, b)


class FloatTestOp(Operation):
    """``isnan``/``isinf``/``isfinite`` of a float or complex: a ``bool``."""

    name = "ftest"
    traits = frozenset({Pure})

    def __init__(self, fn: str, operand: Value, loc: Location | None = None, name: str | None = None):
        self._setup([operand], [bool_], {"fn": fn}, loc=loc, result_names=[name])

    @property
    def fn(self) -> str:
        return self.attributes["fn"]

    def verify_(self) -> None:
        if not isinstance(self.attributes.get("fn"), str) or self.attributes["fn"] not in FLOAT_TESTS:
            self.fail(f"unknown test {self.attributes.get('fn')!r}")
        if len(self.operands) != 1 or not isinstance(self.operand(0).type, (FloatType, ComplexType)):
            self.fail("expects one float or complex operand")
        if self.result.type != bool_:
            self.fail("result must be bool")

    def evaluate(self, a: Any, type: Type) -> bool:
        import cmath

        fn = getattr(cmath if isinstance(a, complex) else math, self.fn)
        return fn(a)
