"""Elementary functions of floats (``math`` module semantics on IEEE values).

``math %x {fn = "sin"} : f64`` and ``math2 %y, %x {fn = "atan2"} : f64``.  The
ops compute the C library function; Python's domain and range errors
(``ValueError: math domain error``, ``OverflowError: math range error``) are
checked by the frontend with ``raise_if`` ops around them.  The predicates
``isnan``/``isinf``/``isfinite`` have their own op giving a ``bool``.
``np.exp``, ``np.log``, ``np.sin`` and ``np.cos`` are NumPy's (of floats), which need
not be the C library's in the last bit: the code generator makes them code that
vector loops can hold; ``exp``, ``log``, ``sin`` and ``cos`` are ``math``'s, the C library's.
"""
from __future__ import annotations

import math
from typing import Any, Callable

from ..core import Operation, Pure, Value
from ..diagnostics import Location
from ..types import ComplexType, FloatType, Type, bool_

__all__ = ["MathOp", "Math2Op", "FloatTestOp", "UNARY_MATH", "BINARY_MATH", "FLOAT_TESTS"]


def _numpy(name: str) -> Callable[..., float]:
    """A NumPy ufunc on Python floats: the IEEE/C result, never an exception."""

    def fn(*args: float) -> float:
        import numpy as np  # deferred: only constant folding needs it

        with np.errstate(all="ignore"):
            return float(getattr(np, name)(*(np.float64(a) for a in args)))

    return fn


def _gamma(x: float) -> float:
    """C ``tgamma``: +-inf at +-0, NaN at negative integers, inf on overflow."""
    if x == 0.0:
        return math.copysign(math.inf, x)
    try:
        return math.gamma(x)
    except OverflowError:
        return math.inf
    except ValueError:
        return math.nan if x != math.inf else math.inf


def _lgamma(x: float) -> float:
    """C ``lgamma``: inf at poles (0 and negative integers) and on overflow."""
    try:
        return math.lgamma(x)
    except (OverflowError, ValueError):
        return math.inf


def _ieee_remainder(x: float, y: float) -> float:
    """C ``remainder``: NaN where ``math.remainder`` raises."""
    try:
        return math.remainder(x, y)
    except ValueError:
        return math.nan


UNARY_MATH: dict[str, Callable[[float], float]] = {
    "sqrt": _numpy("sqrt"), "exp": _numpy("exp"), "np.exp": _numpy("exp"), "expm1": _numpy("expm1"),
    "log": _numpy("log"), "np.log": _numpy("log"),
    "log2": _numpy("log2"), "log10": _numpy("log10"), "log1p": _numpy("log1p"),
    "sin": _numpy("sin"), "cos": _numpy("cos"), "np.sin": _numpy("sin"), "np.cos": _numpy("cos"),
    "tan": _numpy("tan"),
    "asin": _numpy("arcsin"), "acos": _numpy("arccos"), "atan": _numpy("arctan"),
    "sinh": _numpy("sinh"), "cosh": _numpy("cosh"), "tanh": _numpy("tanh"),
    "asinh": _numpy("arcsinh"), "acosh": _numpy("arccosh"), "atanh": _numpy("arctanh"),
    "erf": math.erf, "erfc": math.erfc, "gamma": _gamma, "lgamma": _lgamma,
    "fabs": _numpy("fabs"), "floor": _numpy("floor"), "ceil": _numpy("ceil"),
    "trunc": _numpy("trunc"), "rint": _numpy("rint"), "cbrt": _numpy("cbrt"), "exp2": _numpy("exp2"),
}

BINARY_MATH: dict[str, Callable[[float, float], float]] = {
    "atan2": _numpy("arctan2"), "hypot": _numpy("hypot"), "copysign": _numpy("copysign"),
    "fmod": _numpy("fmod"), "pow": _numpy("power"), "remainder": _ieee_remainder,
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
        return UNARY_MATH[self.fn](a)


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
        return BINARY_MATH[self.fn](a, b)


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
