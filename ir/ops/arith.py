"""Scalar arithmetic, comparison, cast, select, constants and checks.

Semantics are Python's, with one documented exception: integers are fixed
width and wrap (two's complement), as in NumPy and Numba.

* ``floordiv`` and ``mod`` round toward negative infinity and give the
  remainder the divisor's sign, like Python's ``//`` and ``%``.  A zero
  divisor is the frontend's business: it emits a ``raise_if`` before the op,
  so the op itself is only defined for a non-zero divisor.
* ``div`` is true division and exists for float and complex types only.
* ``pow`` on integers requires a non-negative exponent (checked by the
  frontend); on floats it is C ``pow`` (domain errors checked by the frontend).
* ``shl``/``shr`` require a non-negative count; counts past the width give
  what Python's unbounded ints would give after wrapping (0 or the sign).
* Float comparisons are IEEE: everything but ``ne`` is false on NaN.
* ``f32`` and ``c64`` arithmetic is done in single precision, as NumPy does
  it (these types only come from NumPy); ``evaluate`` computes in double
  precision and rounds, which can differ in the last bit for ``//``, ``%``,
  ``**`` and complex ``*`` and ``/``.

Each op class has ``evaluate(*values, type)`` -- its Python semantics, used
by the constant folder.  ``evaluate`` raises ``ArithmeticError`` or
``ValueError`` where the op is undefined; the folder then leaves the op alone.
"""
from __future__ import annotations

import math
import operator
import struct
from typing import Any, Callable, ClassVar

from ..core import (
    Block, Commutative, ConstantLike, Operation, Pure, Value,
)
from ..diagnostics import MAX_MESSAGE_ARGS, Location
from ..interfaces import BORROWS, HasCleanupRegion, Ownership, Reduction, declare_reduction
from ..types import (
    BoolType, ComplexType, FloatType, IntType, NoneType, Type, VectorType, bool_,
)
from .array import ArrayDecrefOp
from .tuple import TupleGetOp

__all__ = [
    "ConstantOp", "BinaryOp", "AddOp", "SubOp", "MulOp", "DivOp", "FloorDivOp",
    "ModOp", "PowOp", "AndOp", "OrOp", "XorOp", "ShlOp", "ShrOp", "MinOp", "MaxOp",
    "CompareOp", "EqOp", "NeOp", "LtOp", "LeOp", "GtOp", "GeOp",
    "UnaryOp", "NegOp", "NotOp", "InvertOp", "CastOp", "BitcastOp", "SelectOp", "RaiseIfOp",
    "BINARY_OPS", "COMPARE_OPS", "convert_scalar",
]


def convert_scalar(value: Any, to: Type) -> Any:
    """Python semantics of converting a constant to type ``to``."""
    if isinstance(to, BoolType):
        return bool(value)
    if isinstance(to, IntType):
        if isinstance(value, float):
            if math.isnan(value) or math.isinf(value):
                raise ValueError(f"cannot convert {value} to int")
            value = int(value)
        if isinstance(value, complex):
            raise TypeError("cannot convert complex to int")
        return to.wrap(int(value))
    if isinstance(to, FloatType):
        if isinstance(value, complex):
            raise TypeError("cannot convert complex to float")
        v = float(value)
        if to.bits == 32:
            import numpy as np  # deferred: only constant folding of f32 needs it

            v = float(np.float32(v))
        return v
    if isinstance(to, ComplexType):
        c = complex(value)
        if to.bits == 64:
            import numpy as np

            c = complex(np.complex64(c))
        return c
    if isinstance(to, NoneType):
        return None
    raise TypeError(f"cannot convert a constant to {to}")


# ----------------------------------------------------------------- constants
class ConstantOp(Operation):
    """``%x = const {value = 3} : i64`` -- a scalar or ``none`` constant."""

    name = "const"
    traits = frozenset({Pure, ConstantLike})

    def constant_value(self) -> Any:
        return self.attributes["value"]

    def __init__(self, value: Any, type: Type, loc: Location | None = None, name: str | None = None):
        self._setup([], [type], {"value": value}, loc=loc, result_names=[name])

    @property
    def value(self) -> Any:
        return self.attributes["value"]

    def verify_(self) -> None:
        if "value" not in self.attributes:
            self.fail("needs a 'value' attribute")
        t = self.result.type
        v = self.value
        ok = (
            (isinstance(t, BoolType) and isinstance(v, bool))
            or (isinstance(t, IntType) and isinstance(v, int) and not isinstance(v, bool) and t.min <= v <= t.max)
            or (isinstance(t, FloatType) and isinstance(v, float))
            or (isinstance(t, ComplexType) and isinstance(v, complex))
            or (isinstance(t, NoneType) and v is None)
        )
        if not ok:
            self.fail(f"value {v!r} does not fit type {t}")


# ----------------------------------------------------------------- binary
def _lane(t: Type) -> Type:
    """The type an element-wise op works on: a vector's element type, else ``t``."""
    return t.element if isinstance(t, VectorType) else t


NUM = (IntType, FloatType, ComplexType)
REAL = (IntType, FloatType)
INTEGRAL = (BoolType, IntType)


class BinaryOp(Operation):
    """Two operands of one scalar type, one result of the same type."""

    traits: ClassVar[frozenset] = frozenset({Pure})
    kinds: ClassVar[tuple[type, ...]] = NUM
    py: ClassVar[Callable[[Any, Any], Any]]

    def __init__(self, lhs: Value, rhs: Value, loc: Location | None = None, name: str | None = None):
        self._setup([lhs, rhs], [lhs.type], loc=loc, result_names=[name])

    @property
    def lhs(self) -> Value:
        return self.operand(0)

    @property
    def rhs(self) -> Value:
        return self.operand(1)

    def verify_(self) -> None:
        if len(self.operands) != 2 or len(self.results) != 1:
            self.fail("expects 2 operands and 1 result")
        a, b = self.operands
        if a.type != b.type:
            self.fail(f"operand types differ: {a.type} and {b.type}")
        if self.result.type != a.type:
            self.fail(f"result type {self.result.type} differs from operand type {a.type}")
        if not isinstance(_lane(a.type), self.kinds):
            self.fail(f"does not accept type {a.type}")

    @classmethod
    def evaluate(cls, a: Any, b: Any, type: Type) -> Any:
        result = cls.py(a, b)
        return convert_scalar(result, type)


class AddOp(BinaryOp):
    name = "add"
    exact_in_single = True
    lanewise_kinds = (IntType, FloatType)
    traits = frozenset({Pure, Commutative})
    py = staticmethod(operator.add)


class SubOp(BinaryOp):
    name = "sub"
    exact_in_single = True
    lanewise_kinds = (IntType, FloatType)
    py = staticmethod(operator.sub)


class MulOp(BinaryOp):
    name = "mul"
    exact_in_single = True
    lanewise_kinds = (IntType, FloatType)
    traits = frozenset({Pure, Commutative})
    py = staticmethod(operator.mul)


class DivOp(BinaryOp):
    name = "div"
    exact_in_single = True
    lanewise_kinds = (FloatType,)
    kinds = (FloatType, ComplexType)
    py = staticmethod(operator.truediv)


class FloorDivOp(BinaryOp):
    name = "floordiv"
    kinds = REAL
    py = staticmethod(operator.floordiv)

    def speculatable(self) -> bool:
        """On integers defined only where the check before it passed (a zero divisor
        or a negative exponent traps in machine code): never run speculatively."""
        return not isinstance(self.result.type, IntType)


class ModOp(BinaryOp):
    name = "mod"
    kinds = REAL
    py = staticmethod(operator.mod)

    def speculatable(self) -> bool:
        """On integers defined only where the check before it passed (a zero divisor
        or a negative exponent traps in machine code): never run speculatively."""
        return not isinstance(self.result.type, IntType)


def _pow(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int):
        if b < 0:
            raise ValueError("negative integer exponent")
        return pow(a, b, 1 << 64)
    result = a ** b
    if isinstance(result, complex) and not isinstance(a, complex) and not isinstance(b, complex):
        raise ValueError("complex result of real power")
    return result


class PowOp(BinaryOp):
    name = "pow"
    py = staticmethod(_pow)

    def speculatable(self) -> bool:
        """On integers defined only where the check before it passed (a zero divisor
        or a negative exponent traps in machine code): never run speculatively."""
        return not isinstance(self.result.type, IntType)


class AndOp(BinaryOp):
    name = "and"
    lanewise_kinds = (BoolType, IntType)
    kinds = INTEGRAL
    traits = frozenset({Pure, Commutative})
    py = staticmethod(operator.and_)


class OrOp(BinaryOp):
    name = "or"
    lanewise_kinds = (BoolType, IntType)
    kinds = INTEGRAL
    traits = frozenset({Pure, Commutative})
    py = staticmethod(operator.or_)


class XorOp(BinaryOp):
    name = "xor"
    lanewise_kinds = (BoolType, IntType)
    kinds = INTEGRAL
    traits = frozenset({Pure, Commutative})
    py = staticmethod(operator.xor)


def _shl(a: int, b: int) -> int:
    if b < 0:
        raise ValueError("negative shift count")
    return 0 if b >= 128 else a << b


def _shr(a: int, b: int) -> int:
    if b < 0:
        raise ValueError("negative shift count")
    return a >> min(b, 128)


class ShlOp(BinaryOp):
    name = "shl"
    kinds = (IntType,)
    py = staticmethod(_shl)


class ShrOp(BinaryOp):
    name = "shr"
    kinds = (IntType,)
    py = staticmethod(_shr)


def _py_min(a: Any, b: Any) -> Any:
    return b if b < a else a


def _py_max(a: Any, b: Any) -> Any:
    return b if b > a else a


class MinOp(BinaryOp):
    """Python's ``min(a, b)``: ``b if b < a else a`` (so NaN in ``a`` sticks)."""

    name = "min"
    lanewise_kinds = (IntType, FloatType)
    kinds = (BoolType, IntType, FloatType)
    py = staticmethod(_py_min)


class MaxOp(BinaryOp):
    """Python's ``max(a, b)``: ``b if b > a else a``."""

    name = "max"
    lanewise_kinds = (IntType, FloatType)
    kinds = (BoolType, IntType, FloatType)
    py = staticmethod(_py_max)


BINARY_OPS: dict[str, type[BinaryOp]] = {
    cls.name: cls
    for cls in (AddOp, SubOp, MulOp, DivOp, FloorDivOp, ModOp, PowOp, AndOp, OrOp, XorOp,
                ShlOp, ShrOp, MinOp, MaxOp)
}


# ----------------------------------------------------------------- comparisons
def bool_like(t: Type) -> Type:
    """``bool``, or a vector of ``bool`` as wide as the vector ``t``: what comparing ``t`` gives."""
    return VectorType(bool_, t.width) if isinstance(t, VectorType) else bool_


class CompareOp(Operation):
    """Two operands of one scalar type, a ``bool`` result (lane by lane on vectors:
    a vector of ``bool``)."""

    traits: ClassVar[frozenset] = frozenset({Pure})
    kinds: ClassVar[tuple[type, ...]] = (BoolType, IntType, FloatType)
    py: ClassVar[Callable[[Any, Any], bool]]
    #: every comparison is exact in single precision and runs lane by lane on numbers
    exact_in_single: ClassVar[bool] = True
    lanewise_kinds: ClassVar[tuple[type, ...]] = (IntType, FloatType)

    def __init__(self, lhs: Value, rhs: Value, loc: Location | None = None, name: str | None = None):
        self._setup([lhs, rhs], [bool_like(lhs.type)], loc=loc, result_names=[name])

    def verify_(self) -> None:
        if len(self.operands) != 2 or len(self.results) != 1:
            self.fail("expects 2 operands and 1 result")
        a, b = self.operands
        if a.type != b.type:
            self.fail(f"operand types differ: {a.type} and {b.type}")
        if self.result.type != bool_like(a.type):
            self.fail(f"result must be {bool_like(a.type)}")
        if not isinstance(_lane(a.type), self.kinds):
            self.fail(f"does not accept type {a.type}")

    @classmethod
    def evaluate(cls, a: Any, b: Any, type: Type) -> bool:
        return bool(cls.py(a, b))


class EqOp(CompareOp):
    name = "eq"
    kinds = (BoolType, IntType, FloatType, ComplexType)
    traits = frozenset({Pure, Commutative})
    py = staticmethod(operator.eq)


class NeOp(CompareOp):
    name = "ne"
    kinds = (BoolType, IntType, FloatType, ComplexType)
    traits = frozenset({Pure, Commutative})
    py = staticmethod(operator.ne)


class LtOp(CompareOp):
    name = "lt"
    py = staticmethod(operator.lt)


class LeOp(CompareOp):
    name = "le"
    py = staticmethod(operator.le)


class GtOp(CompareOp):
    name = "gt"
    py = staticmethod(operator.gt)


class GeOp(CompareOp):
    name = "ge"
    py = staticmethod(operator.ge)


COMPARE_OPS: dict[str, type[CompareOp]] = {
    cls.name: cls for cls in (EqOp, NeOp, LtOp, LeOp, GtOp, GeOp)
}


# ----------------------------------------------------------------- unary
class UnaryOp(Operation):
    traits: ClassVar[frozenset] = frozenset({Pure})
    kinds: ClassVar[tuple[type, ...]] = NUM
    py: ClassVar[Callable[[Any], Any]]

    def __init__(self, operand: Value, loc: Location | None = None, name: str | None = None):
        self._setup([operand], [operand.type], loc=loc, result_names=[name])

    def verify_(self) -> None:
        if len(self.operands) != 1 or len(self.results) != 1:
            self.fail("expects 1 operand and 1 result")
        t = self.operand(0).type
        if self.result.type != t:
            self.fail(f"result type {self.result.type} differs from operand type {t}")
        if not isinstance(_lane(t), self.kinds):
            self.fail(f"does not accept type {t}")

    @classmethod
    def evaluate(cls, a: Any, type: Type) -> Any:
        return convert_scalar(cls.py(a), type)


class NegOp(UnaryOp):
    name = "neg"
    exact_in_single = True
    lanewise_kinds = (IntType, FloatType)
    py = staticmethod(operator.neg)


class NotOp(UnaryOp):
    """Logical not of a ``bool``."""

    name = "not"
    lanewise_kinds = (BoolType,)
    kinds = (BoolType,)
    py = staticmethod(operator.not_)


class InvertOp(UnaryOp):
    """Bitwise ``~`` of an integer."""

    name = "invert"
    kinds = (IntType,)
    py = staticmethod(operator.invert)


# ----------------------------------------------------------------- cast, select
class CastOp(Operation):
    """Convert a scalar to another scalar type.

    int->int wraps; int->float rounds to nearest; float->int truncates toward
    zero (the frontend checks NaN, infinities and range first; where it did not --
    NumPy's ``astype`` -- a value outside the target's range gives its least value);
    anything->bool is ``x != 0``; real->complex has a zero imaginary part.
    complex->real is not allowed.  ``{in_range = true}`` on a float->int cast says the
    operand is known to truncate into the target's range (the checks before it raise
    otherwise), so code generation converts without guarding the other values.
    """

    name = "cast"
    exact_in_single = True
    traits = frozenset({Pure})

    def __init__(self, operand: Value, to: Type, loc: Location | None = None, name: str | None = None):
        self._setup([operand], [to], loc=loc, result_names=[name])

    def verify_(self) -> None:
        if len(self.operands) != 1 or len(self.results) != 1:
            self.fail("expects 1 operand and 1 result")
        src, dst = self.operand(0).type, self.result.type
        if not (src.is_scalar and dst.is_scalar):
            self.fail(f"cannot cast {src} to {dst}")
        if isinstance(src, ComplexType) and not isinstance(dst, (ComplexType, BoolType)):
            self.fail(f"cannot cast {src} to {dst}")
        if self.attributes.get("in_range") and not (isinstance(src, FloatType) and isinstance(dst, IntType)):
            self.fail("in_range is said of a float->int cast only")

    @classmethod
    def evaluate(cls, a: Any, type: Type) -> Any:
        if isinstance(a, float) and isinstance(type, IntType):
            v = int(a)
            if not type.min <= v <= type.max:
                raise OverflowError("out of range")
            return v
        return convert_scalar(a, type)


class BitcastOp(Operation):
    """The bits of a scalar read as another scalar type of the same width (NumPy's
    ``np.float64(x).view(np.int64)``): between a float and an int, or two ints."""

    name = "bitcast"
    traits = frozenset({Pure})

    def __init__(self, operand: Value, to: Type, loc: Location | None = None, name: str | None = None):
        self._setup([operand], [to], loc=loc, result_names=[name])

    def verify_(self) -> None:
        if len(self.operands) != 1 or len(self.results) != 1:
            self.fail("expects 1 operand and 1 result")
        src, dst = self.operand(0).type, self.result.type
        if not all(isinstance(t, (IntType, FloatType)) for t in (src, dst)) or src.bits != dst.bits:
            self.fail(f"cannot reinterpret {src} as {dst}: both must be ints or floats of one width")

    @classmethod
    def evaluate(cls, a: Any, type: Type) -> Any:
        float_format = "d" if type.bits == 64 else "f"
        src = float_format if isinstance(a, float) else _INT_FORMATS[type.bits][a < 0]
        dst = float_format if isinstance(type, FloatType) else _INT_FORMATS[type.bits][type.signed]
        return struct.unpack("<" + dst, struct.pack("<" + src, a))[0]


#: the ``struct`` formats of an int of each width: ``[signed]``
_INT_FORMATS = {8: ("B", "b"), 16: ("H", "h"), 32: ("I", "i"), 64: ("Q", "q")}


class SelectOp(Operation):
    """``select %c, %a, %b``: ``a if c else b`` with both already computed (lane by
    lane when ``c`` is a vector of ``bool``)."""

    name = "select"
    lanewise_kinds = (BoolType,)
    traits = frozenset({Pure})

    def ownership(self, index: int) -> Ownership:
        """Borrows the array it picks."""
        return BORROWS

    def __init__(self, cond: Value, a: Value, b: Value, loc: Location | None = None, name: str | None = None):
        self._setup([cond, a, b], [a.type], loc=loc, result_names=[name])

    def verify_(self) -> None:
        if len(self.operands) != 3 or len(self.results) != 1:
            self.fail("expects 3 operands and 1 result")
        c, a, b = self.operands
        if c.type not in (bool_, bool_like(a.type)):
            allowed = "bool" if bool_like(a.type) == bool_ else f"bool or {bool_like(a.type)}"
            self.fail(f"condition must be {allowed}, not {c.type}")
        if a.type != b.type or self.result.type != a.type:
            self.fail(f"operand and result types differ: {a.type}, {b.type} -> {self.result.type}")


# ----------------------------------------------------------------- checks
def verify_cleanup(op: Operation) -> None:
    """Check the optional *cleanup* region of an op that may end the function
    with an error (``raise_if``, ``call``): at most one region, whose block
    has no arguments and no terminator and holds only ``array.decref`` and the
    ``tuple_get`` ops that reach the array leaves it releases."""
    if len(op.regions) > 1:
        op.fail("has at most one (cleanup) region")
    if op.regions:
        verify_cleanup_block(op, op.regions[0].block)


def verify_cleanup_block(op: Operation, block: Block) -> None:
    """Check ``op``'s cleanup region's ``block`` (see :func:`verify_cleanup`)."""
    if block.args:
        op.fail("the cleanup region takes no block arguments")
    for inner in block.ops:
        if not isinstance(inner, (ArrayDecrefOp, TupleGetOp)):
            op.fail(f"the cleanup region may hold only 'array.decref' and 'tuple_get', not '{inner.name}'")


class RaiseIfOp(Operation):
    """``raise_if %cond, %args... {exception = "ZeroDivisionError", message = "..."}``

    When ``cond`` is true the function stops and the caller sees the Python
    exception ``exception`` with ``message.format(*args)`` and this op's
    source line.  Integer ``args`` fill ``{}`` fields of the message
    (e.g. an index and a size).

    The op may carry one *cleanup* region, which runs only when ``cond`` is
    true, just before the function stops: the ``refcount`` pass puts there an
    ``array.decref`` of every array the function owns at this point, so that
    the error path leaks nothing::

        raise_if %c, %i, %n {exception = "IndexError", message = "..."} {
          array.decref %a
        }

    The region has no block arguments and no terminator and holds only
    ``array.decref`` and ``tuple_get`` ops (see :func:`verify_cleanup`).
    """

    name = "raise_if"
    traits = frozenset({HasCleanupRegion})

    def __init__(self, cond: Value, exception: str, message: str, args: tuple[Value, ...] = (),
                 loc: Location | None = None):
        self._setup([cond, *args], [], {"exception": exception, "message": message}, loc=loc)

    @property
    def cond(self) -> Value:
        return self.operand(0)

    @property
    def args(self) -> tuple[Value, ...]:
        return self.operands[1:]

    @property
    def cleanup(self) -> Block | None:
        """The block that runs on the error path, if any."""
        return self.regions[0].block if self.regions else None

    def verify_(self) -> None:
        if not self.operands or self.operand(0).type != bool_:
            self.fail("first operand must be a bool condition")
        if not isinstance(self.attributes.get("exception"), str) or not isinstance(self.attributes.get("message"), str):
            self.fail("needs string attributes 'exception' and 'message'")
        if len(self.args) > MAX_MESSAGE_ARGS:
            self.fail(f"a message takes at most {MAX_MESSAGE_ARGS} arguments, not {len(self.args)}")
        for a in self.args:
            if not isinstance(a.type, (IntType, BoolType, FloatType)):
                self.fail(f"message argument of type {a.type} is not supported")
        verify_cleanup(self)


# ----------------------------------------------------------------- associativity
def _float_or_int(float_value: float, int_value: Callable[[Type], int]) -> Callable[[Type], Any]:
    return lambda t: float_value if isinstance(t, FloatType) else int_value(t)


#: the associative accumulations the vectorizer turns into per-lane partial results;
#: ``-0.0`` is the float sum's identity (``-0.0 + x`` is ``x`` for every ``x``)
declare_reduction(AddOp, Reduction("add", _float_or_int(-0.0, lambda t: 0), AddOp))
declare_reduction(SubOp, Reduction("add", _float_or_int(-0.0, lambda t: 0), AddOp, accumulator_operands=(0,)))
declare_reduction(MulOp, Reduction("mul", _float_or_int(1.0, lambda t: 1), MulOp))
declare_reduction(MinOp, Reduction("min", _float_or_int(math.inf, lambda t: t.max), MinOp))
declare_reduction(MaxOp, Reduction("max", _float_or_int(-math.inf, lambda t: t.min), MaxOp))
declare_reduction(AndOp, Reduction("and", lambda t: -1, AndOp))
declare_reduction(OrOp, Reduction("or", lambda t: 0, OrOp))
declare_reduction(XorOp, Reduction("xor", lambda t: 0, XorOp))
