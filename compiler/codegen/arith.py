"""Lowering of the arithmetic: constants, ``select``, the binary ops, comparisons, negation,
``not``/``invert``, casts, and ``vector.reduce`` (the binary ops folded over the lanes).

The binary ops, comparisons and negation also take vectors, lane by lane.
Semantics (those of the op docstrings in ``ir.ops.arith``), with these decisions:

* integer ``add``/``sub``/``mul`` wrap (no ``nsw``/``nuw``); ``floordiv``/``mod``
  round toward negative infinity; a divisor of -1 is special-cased so that
  ``INT_MIN // -1`` wraps instead of trapping; unsigned types use
  ``udiv``/``urem``;
* float ``floordiv``/``mod`` follow CPython's ``float_divmod`` (signed zeros
  included); integer ``pow`` is square-and-multiply, wrapping; complex ``mul``
  is the textbook formula (``_Py_c_prod``), ``div`` is ``_Py_c_quot`` and
  ``pow`` is CPython's: repeated multiplication for integral exponents up to
  100 in magnitude (``c_powi``), else ``_Py_c_pow``;
* those of them that take several IEEE operations -- ``f32`` ``floordiv``/``mod``,
  ``c64`` ``mul``/``div``/``pow`` -- are computed in double precision and
  rounded once, which is exactly what the constant folder (CPython's double
  algorithm, then rounding) gives; the other ``f32``/``c64`` arithmetic is
  single-precision IEEE, equally exact;
* float ``**`` is the C library's ``pow`` (see ``math.py``).
"""
from __future__ import annotations

from typing import Callable, Sequence

import llvmlite.ir as lir

from ir.core import Operation
from ir.ops.arith import (
    BINARY_OPS, AddOp, AndOp, BinaryOp, BitcastOp, CastOp, CompareOp, ConstantOp, DivOp, EqOp, FloorDivOp, GeOp, GtOp,
    InvertOp, LeOp, LtOp, MaxOp, MinOp, ModOp, MulOp, NegOp, NeOp, NotOp, OrOp, PowOp, SelectOp, ShlOp, ShrOp,
    SubOp, XorOp,
)
from ir.ops.vector import VectorReduceOp
from ir.types import BoolType, ComplexType, FloatType, IntType, Type, VectorType, c64, c128

from .core import (
    _I1, _I32, _I32_ZERO, _I64, _FunctionLowering, _ModuleLowering, _complex, _constant, _fconst, _lowers, _parts,
    value_type,
)

_CMP_SYMBOLS = {EqOp: "==", NeOp: "!=", LtOp: "<", LeOp: "<=", GtOp: ">", GeOp: ">="}
_INT_SIMPLE = {AddOp: "add", SubOp: "sub", MulOp: "mul", AndOp: "and_", OrOp: "or_", XorOp: "xor"}
_FLOAT_SIMPLE = {AddOp: "fadd", SubOp: "fsub", MulOp: "fmul", DivOp: "fdiv"}


# ----------------------------------------------------------------- complex numbers and powers
def _complex_mul(b: lir.IRBuilder, x: lir.Value, y: lir.Value) -> lir.Value:
    """CPython's ``_Py_c_prod``: the textbook formula, no special cases."""
    (a, c), (d, e) = _parts(b, x), _parts(b, y)
    return _complex(b, b.fsub(b.fmul(a, d), b.fmul(c, e)), b.fadd(b.fmul(a, e), b.fmul(c, d)))


def _complex_div(b: lir.IRBuilder, x: lir.Value, y: lir.Value) -> lir.Value:
    """CPython's ``_Py_c_quot`` (Smith's algorithm; 0 for a zero divisor, NaN if it has a NaN)."""
    (ar, ai), (br, bi) = _parts(b, x), _parts(b, y)
    zero, nan = _fconst(br, 0.0), _fconst(br, float("nan"))
    abs_r = b.select(b.fcmp_ordered("<", br, zero), b.fneg(br), br)
    abs_i = b.select(b.fcmp_ordered("<", bi, zero), b.fneg(bi), bi)
    # |b.real| >= |b.imag|: divide top and bottom by b.real
    ratio = b.fdiv(bi, br)
    denom = b.fadd(br, b.fmul(bi, ratio))
    by_real = (b.fdiv(b.fadd(ar, b.fmul(ai, ratio)), denom),
               b.fdiv(b.fsub(ai, b.fmul(ar, ratio)), denom))
    # |b.imag| >= |b.real|: divide by b.imag
    ratio = b.fdiv(br, bi)
    denom = b.fadd(b.fmul(br, ratio), bi)
    by_imag = (b.fdiv(b.fadd(b.fmul(ar, ratio), ai), denom),
               b.fdiv(b.fsub(b.fmul(ai, ratio), ar), denom))
    real_big = b.fcmp_ordered(">=", abs_r, abs_i)
    imag_big = b.fcmp_ordered(">=", abs_i, abs_r)
    divisor_zero = b.fcmp_ordered("==", abs_r, zero)
    parts = []
    for r_part, i_part in zip(by_real, by_imag):
        first = b.select(divisor_zero, zero, r_part)
        parts.append(b.select(real_big, first, b.select(imag_big, i_part, nan)))
    return _complex(b, *parts)


def _power_loop(b: lir.IRBuilder, base: lir.Value, exponent: lir.Value, one: lir.Value,
                mul: Callable[[lir.IRBuilder, lir.Value, lir.Value], lir.Value]) -> lir.Value:
    """Square-and-multiply: ``base ** exponent`` for an unsigned ``exponent``,
    multiplying in the order CPython's ``c_powu`` does."""
    start = b.basic_block
    loop = b.append_basic_block("pow.loop")
    done = b.append_basic_block("pow.done")
    zero_e = lir.Constant(exponent.type, 0)
    b.cbranch(b.icmp_unsigned("!=", exponent, zero_e), loop, done)
    b.position_at_end(loop)
    result = b.phi(one.type)
    power = b.phi(base.type)
    e = b.phi(exponent.type)
    odd = b.trunc(e, _I1)
    next_result = b.select(odd, mul(b, result, power), result)
    next_power = mul(b, power, power)
    next_e = b.lshr(e, lir.Constant(e.type, 1))
    b.cbranch(b.icmp_unsigned("!=", next_e, zero_e), loop, done)
    for phi, first, again in ((result, one, next_result), (power, base, next_power), (e, exponent, next_e)):
        phi.add_incoming(first, start)
        phi.add_incoming(again, loop)
    b.position_at_end(done)
    out = b.phi(one.type)
    out.add_incoming(one, start)
    out.add_incoming(next_result, loop)
    return out


def _int_pow(module: _ModuleLowering, t: lir.IntType) -> lir.Function:
    """The helper ``.ipow.iN``: integer ``pow``."""
    def build(b: lir.IRBuilder, args: Sequence[lir.Argument]) -> lir.Value:
        return _power_loop(b, args[0], args[1], lir.Constant(t, 1), lambda b, x, y: b.mul(x, y))

    return module.helper(f".ipow.i{t.width}", lir.FunctionType(t, [t, t]), build)


def _complex_pow(module: _ModuleLowering, t: lir.LiteralStructType) -> lir.Function:
    """The helper ``.cpow.float``/``.cpow.double``: complex ``pow``."""
    return module.helper(f".cpow.{t.elements[0]}", lir.FunctionType(t, [t, t]),
                         lambda b, args: _build_cpow(module, b, *args))


def _build_cpow(module: _ModuleLowering, b: lir.IRBuilder, a: lir.Value, e: lir.Value) -> lir.Value:
    """CPython's ``complex_pow``: ``c_powi`` for an integral exponent of at most
    100 in magnitude, else ``_Py_c_pow`` (0 ** e is 0; errors are the frontend's)."""
    part = a.type.elements[0]
    er, ei = _parts(b, e)
    floor = b.call(module.intrinsic("floor", part), [er])
    small = b.fcmp_ordered("<=", b.call(module.intrinsic("fabs", part), [er]), _fconst(part, 100.0))
    integral = b.and_(b.and_(b.fcmp_ordered("==", ei, _fconst(part, 0.0)),
                             b.fcmp_ordered("==", er, floor)), small)
    with b.if_else(integral) as (powi, general):
        with powi:
            powi_value = _complex_powi(b, a, b.fptosi(er, _I64))
            powi_block = b.basic_block
        with general:
            general_value = _complex_pow_general(module, b, a, e)
            general_block = b.basic_block
    out = b.phi(a.type)
    out.add_incoming(powi_value, powi_block)
    out.add_incoming(general_value, general_block)
    return out


def _complex_powi(b: lir.IRBuilder, a: lir.Value, n: lir.Value) -> lir.Value:
    part = a.type.elements[0]
    one = _complex(b, _fconst(part, 1.0), _fconst(part, 0.0))
    positive = b.icmp_signed(">", n, lir.Constant(_I64, 0))
    magnitude = b.select(positive, n, b.neg(n))
    power = _power_loop(b, a, magnitude, one, _complex_mul)
    return b.select(positive, power, _complex_div(b, one, power))


def _complex_pow_general(module: _ModuleLowering, b: lir.IRBuilder, a: lir.Value, e: lir.Value) -> lir.Value:
    part = a.type.elements[0]
    (ar, ai), (er, ei) = _parts(b, a), _parts(b, e)

    def call(fn: str, *args: lir.Value) -> lir.Value:
        return module.call_math(b, fn, *args)

    zero = _fconst(part, 0.0)
    vabs = call("hypot", ar, ai)
    length = call("pow", vabs, er)
    angle = call("atan2", ai, ar)
    phase = b.fmul(angle, er)
    has_imag = b.fcmp_unordered("!=", ei, zero)
    length = b.select(has_imag, b.fdiv(length, call("exp", b.fmul(angle, ei))), length)
    phase = b.select(has_imag, b.fadd(phase, b.fmul(ei, call("log", vabs))), phase)
    result = _complex(b, b.fmul(length, call("cos", phase)), b.fmul(length, call("sin", phase)))
    base_zero = b.and_(b.fcmp_ordered("==", ar, zero), b.fcmp_ordered("==", ai, zero))
    return b.select(base_zero, _complex(b, zero, zero), result)


# ----------------------------------------------------------------- constants, select
@_lowers(ConstantOp)
def _const(self: _FunctionLowering, op: ConstantOp) -> lir.Value:
    return _constant(op.value, op.result.type)


@_lowers(SelectOp)
def _select(self: _FunctionLowering, op: SelectOp) -> lir.Value:
    c, x, y = (self.value(v) for v in op.operands)
    return self.b.select(c, x, y)


# ----------------------------------------------------------------- binary ops
@_lowers(AddOp, SubOp, MulOp, DivOp, FloorDivOp, ModOp, PowOp, AndOp, OrOp, XorOp,
         ShlOp, ShrOp, MinOp, MaxOp)
def _binary(self: _FunctionLowering, op: BinaryOp) -> lir.Value:
    x, y = self.value(op.lhs), self.value(op.rhs)
    cls, t = type(op), op.lhs.type
    if isinstance(t, VectorType):  # lane by lane: the vectorizer makes only the simple ops
        t = t.element
    if isinstance(t, (BoolType, IntType)):
        return _int_binary(self, cls, x, y, t)
    if cls is PowOp and t == c64:  # single precision loses too much through exp/log: go wide
        wide = _real_or_complex_binary(self, cls, _convert(self, x, t, c128), _convert(self, y, t, c128), c128)
        return _convert(self, wide, c128, t)
    return _real_or_complex_binary(self, cls, x, y, t)


@_lowers(VectorReduceOp)
def _vector_reduce(self: _FunctionLowering, op: VectorReduceOp) -> lir.Value:
    """The lanes combined in lane order, each step the scalar op's own semantics."""
    b, vector, t = self.b, self.value(op.operand(0)), op.result.type
    cls = BINARY_OPS[op.kind]
    combined = b.extract_element(vector, _I32_ZERO)
    for lane in range(1, op.operand(0).type.width):
        x = b.extract_element(vector, lir.Constant(_I32, lane))
        combined = (_int_binary(self, cls, combined, x, t) if isinstance(t, (BoolType, IntType))
                    else _float_binary(self, cls, combined, x))
    return combined


def _real_or_complex_binary(self: _FunctionLowering, cls: type[BinaryOp], x: lir.Value, y: lir.Value,
                            t: Type) -> lir.Value:
    if isinstance(t, FloatType):
        return _float_binary(self, cls, x, y)
    return _complex_binary(self, cls, x, y)


def _int_binary(self: _FunctionLowering, cls: type[BinaryOp], x: lir.Value, y: lir.Value, t: Type) -> lir.Value:
    b = self.b
    signed = isinstance(t, IntType) and t.signed  # bool compares as unsigned (False < True)
    if cls in _INT_SIMPLE:
        return getattr(b, _INT_SIMPLE[cls])(x, y)
    if cls in (FloorDivOp, ModOp):
        quotient, remainder = (_floor_divmod if signed else _unsigned_divmod)(self, x, y)
        return quotient if cls is FloorDivOp else remainder
    if cls is PowOp:
        return b.call(_int_pow(self.module, x.type), [x, y])
    if cls in (ShlOp, ShrOp):
        return _shift(self, cls, x, y, signed)
    compare = b.icmp_signed if signed else b.icmp_unsigned
    return b.select(compare("<" if cls is MinOp else ">", y, x), y, x)


def _unsigned_divmod(self: _FunctionLowering, x: lir.Value, y: lir.Value) -> tuple[lir.Value, lir.Value]:
    return self.b.udiv(x, y), self.b.urem(x, y)


def _floor_divmod(self: _FunctionLowering, x: lir.Value, y: lir.Value) -> tuple[lir.Value, lir.Value]:
    """Python's ``//`` and ``%`` for a non-zero signed divisor; ``x // -1`` is ``0 - x``
    (wrapping), computed without dividing by -1, which traps on x86 for INT_MIN."""
    b = self.b
    k = _power_of_two(y)
    if k is not None:  # two's complement: floor division is a shift, the remainder a mask
        return b.ashr(x, lir.Constant(x.type, k)), b.and_(x, lir.Constant(x.type, (1 << k) - 1))
    zero, one = lir.Constant(x.type, 0), lir.Constant(x.type, 1)
    minus_one = b.icmp_signed("==", y, lir.Constant(x.type, -1))
    divisor = b.select(minus_one, one, y)
    q, r = b.sdiv(x, divisor), b.srem(x, divisor)  # r is 0 when the divisor is -1
    adjust = b.and_(b.icmp_signed("!=", r, zero), b.icmp_signed("<", b.xor(r, y), zero))
    q = b.select(adjust, b.sub(q, one), q)
    r = b.select(adjust, b.add(r, y), r)
    return b.select(minus_one, b.neg(x), q), r


def _power_of_two(value: lir.Value) -> int | None:
    """``k`` when ``value`` is the constant ``2**k`` (k >= 0, below the sign bit), else ``None``."""
    c = getattr(value, "constant", None) if isinstance(value, lir.Constant) else None
    if isinstance(c, int) and c > 0 and c & (c - 1) == 0 and c.bit_length() < value.type.width:
        return c.bit_length() - 1
    return None


def _shift(self: _FunctionLowering, cls: type[BinaryOp], x: lir.Value, y: lir.Value, signed: bool) -> lir.Value:
    """Counts of at least the width give 0, or the sign for a signed ``shr``."""
    b = self.b
    width = lir.Constant(x.type, x.type.width)
    too_big = b.icmp_unsigned(">=", y, width)
    if cls is ShrOp and signed:
        return b.ashr(x, b.select(too_big, lir.Constant(x.type, x.type.width - 1), y))
    shifted = b.shl(x, y) if cls is ShlOp else b.lshr(x, y)
    return b.select(too_big, lir.Constant(x.type, 0), shifted)


def _float_binary(self: _FunctionLowering, cls: type[BinaryOp], x: lir.Value, y: lir.Value) -> lir.Value:
    b = self.b
    if cls in _FLOAT_SIMPLE:
        return getattr(b, _FLOAT_SIMPLE[cls])(x, y)
    if cls in (FloorDivOp, ModOp):
        quotient, remainder = _float_divmod(self, x, y)
        return quotient if cls is FloorDivOp else remainder
    if cls is PowOp:
        return self.module.call_math(b, "pow", x, y)
    compare = b.fcmp_ordered("<" if cls is MinOp else ">", y, x)
    return b.select(compare, y, x)


def _float_divmod(self: _FunctionLowering, vx: lir.Value, wx: lir.Value) -> tuple[lir.Value, lir.Value]:
    """CPython's ``float_divmod`` (``_float_div_mod``) for a non-zero divisor."""
    b = self.b
    zero, one, half = _fconst(vx, 0.0), _fconst(vx, 1.0), _fconst(vx, 0.5)
    copysign = self.module.intrinsic("copysign", vx.type, 2)
    mod = b.frem(vx, wx)
    div = b.fdiv(b.fsub(vx, mod), wx)
    mod_nonzero = b.fcmp_unordered("!=", mod, zero)
    signs_differ = b.xor(b.fcmp_ordered("<", wx, zero), b.fcmp_ordered("<", mod, zero))
    fix = b.and_(mod_nonzero, signs_differ)
    mod = b.select(fix, b.fadd(mod, wx), mod)
    div = b.select(fix, b.fsub(div, one), div)
    mod = b.select(mod_nonzero, mod, b.call(copysign, [zero, wx]))
    floordiv = b.call(self.module.intrinsic("floor", vx.type), [div])
    floordiv = b.select(b.fcmp_ordered(">", b.fsub(div, floordiv), half), b.fadd(floordiv, one), floordiv)
    div_nonzero = b.fcmp_unordered("!=", div, zero)
    floordiv = b.select(div_nonzero, floordiv, b.call(copysign, [zero, b.fdiv(vx, wx)]))
    return floordiv, mod


def _complex_binary(self: _FunctionLowering, cls: type[BinaryOp], x: lir.Value, y: lir.Value) -> lir.Value:
    b = self.b
    if cls in (AddOp, SubOp):
        method = b.fadd if cls is AddOp else b.fsub
        (a, c), (d, e) = _parts(b, x), _parts(b, y)
        return _complex(b, method(a, d), method(c, e))
    if cls is MulOp:
        return _complex_mul(b, x, y)
    if cls is DivOp:
        return _complex_div(b, x, y)
    return b.call(_complex_pow(self.module, x.type), [x, y])


# ----------------------------------------------------------------- comparisons
@_lowers(EqOp, NeOp, LtOp, LeOp, GtOp, GeOp)
def _compare(self: _FunctionLowering, op: CompareOp) -> lir.Value:
    b = self.b
    x, y = (self.value(v) for v in op.operands)
    t = op.operand(0).type
    if isinstance(t, VectorType):  # lane by lane
        t = t.element
    symbol = _CMP_SYMBOLS[type(op)]
    if isinstance(t, IntType) and t.signed:
        return b.icmp_signed(symbol, x, y)
    if isinstance(t, (BoolType, IntType)):
        return b.icmp_unsigned(symbol, x, y)
    fcmp = b.fcmp_unordered if symbol == "!=" else b.fcmp_ordered
    if isinstance(t, FloatType):
        return fcmp(symbol, x, y)
    parts = [fcmp(symbol, p, q) for p, q in zip(_parts(b, x), _parts(b, y))]
    return b.or_(*parts) if symbol == "!=" else b.and_(*parts)


# ----------------------------------------------------------------- unary
@_lowers(NegOp)
def _neg(self: _FunctionLowering, op: NegOp) -> lir.Value:
    b = self.b
    x, t = self.value(op.operand(0)), op.operand(0).type
    if isinstance(t, VectorType):
        t = t.element
    if isinstance(t, IntType):
        return b.neg(x)
    if isinstance(t, FloatType):
        return b.fneg(x)
    return _complex(b, *(b.fneg(p) for p in _parts(b, x)))


@_lowers(NotOp, InvertOp)
def _not(self: _FunctionLowering, op: Operation) -> lir.Value:
    return self.b.not_(self.value(op.operand(0)))  # xor with all ones


# ----------------------------------------------------------------- casts
@_lowers(CastOp)
def _cast(self: _FunctionLowering, op: CastOp) -> lir.Value:
    """A float->int cast ``{in_range}`` is LLVM's own conversion (defined for the values
    the checks before it let through); every other cast is ``_convert``."""
    x, src, dst = self.value(op.operand(0)), op.operand(0).type, op.result.type
    if op.attributes.get("in_range"):
        return (self.b.fptosi if dst.signed else self.b.fptoui)(x, value_type(dst))
    return _convert(self, x, src, dst)


@_lowers(BitcastOp)
def _bitcast(self: _FunctionLowering, op: BitcastOp) -> lir.Value:
    return self.b.bitcast(self.value(op.operand(0)), value_type(op.result.type))


def _convert(self: _FunctionLowering, x: lir.Value, src: Type, dst: Type) -> lir.Value:
    """CastOp's semantics: ints wrap, floats truncate toward zero, ``x != 0`` to bool.  A float
    outside the target's range converts as NumPy's casts do on x86-64 (no poison, the same at
    every optimization level): through ``int32`` for the signed types up to 32 bits and the
    unsigned ones up to 16, else through ``int64`` (NaN and values beyond the one gone through
    give its minimum), then wrapped to the target (``-466.0`` to ``uint64`` is ``2**64 -
    466``); ``uint64`` takes ``[2**63, 2**64)`` as it is and larger values as 0."""
    b = self.b
    if src == dst:
        return x
    if isinstance(dst, BoolType):
        return _truth(self, x, src)
    if isinstance(dst, ComplexType):
        if isinstance(src, ComplexType):
            return _complex(b, *(_convert(self, p, src.part, dst.part) for p in _parts(b, x)))
        return _complex(b, _convert(self, x, src, dst.part), _fconst(value_type(dst.part), 0.0))
    if isinstance(src, BoolType):
        src = IntType(1, signed=False)
    target = value_type(dst)
    if isinstance(src, IntType) and isinstance(dst, IntType):
        if src.bits > dst.bits:
            return b.trunc(x, target)
        if src.bits < dst.bits:
            return b.sext(x, target) if src.signed else b.zext(x, target)
        return x
    if isinstance(src, IntType):
        return b.sitofp(x, target) if src.signed else b.uitofp(x, target)
    if isinstance(dst, IntType):
        return _float_to_int(self, x, dst, target)
    return b.fpext(x, target) if dst.bits > src.bits else b.fptrunc(x, target)


def _float_to_int(self: _FunctionLowering, x: lir.Value, dst: IntType, target: lir.Type) -> lir.Value:
    """``x`` truncated toward zero into ``dst`` (see ``_convert``)."""
    b = self.b
    bits = 32 if dst.bits <= (32 if dst.signed else 16) else 64
    through = lir.IntType(bits)
    limit = _fconst(x, 2.0 ** (bits - 1))
    inside = b.fcmp_ordered("<", b.call(self.module.intrinsic("fabs", x.type), [x]), limit)   # false for NaN
    whole = b.select(inside, b.fptosi(x, through), lir.Constant(through, -(2 ** (bits - 1))))
    if dst.bits == 64 and not dst.signed:
        top = _fconst(x, 2.0 ** 64)
        upper = b.and_(b.fcmp_ordered(">=", x, limit), b.fcmp_ordered("<", x, top))
        whole = b.select(upper, b.fptoui(x, through), whole)
        whole = b.select(b.fcmp_ordered(">=", x, top), lir.Constant(through, 0), whole)
    return whole if dst.bits == bits else b.trunc(whole, target)


def _truth(self: _FunctionLowering, x: lir.Value, t: Type) -> lir.Value:
    """``x != 0``: NaN is true; a complex number is true if either part is."""
    b = self.b
    if isinstance(t, (BoolType, IntType)):
        return b.icmp_unsigned("!=", x, lir.Constant(x.type, 0))
    if isinstance(t, FloatType):
        return b.fcmp_unordered("!=", x, _fconst(x, 0.0))
    re, im = _parts(b, x)
    return b.or_(_truth(self, re, t.part), _truth(self, im, t.part))
