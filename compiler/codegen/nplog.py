"""``np.log`` of floats as straight-line code that LLVM's loop vectorizer can vectorize.

The C library's ``log`` is a call, and a loop that calls it runs one element at
a time; this is ``log`` written out in operations
on vectors: the bits of the argument, multiplications, one division and
selects in place of the branches.

Semantics.  NumPy's ``np.log`` of float64 is the C library's on this platform;
this one is the algorithm of FreeBSD's ``msun`` (fdlibm's ``__ieee754_log``),
whose error is below one unit in the last place (ulp):
``tests/compiler/test_nplog.py`` measures it against 50-digit ``decimal`` values
(at worst 0.76 ulp), and the results differ from the C library's in the last bit
for about four results in a hundred.
``math.log`` keeps the C library's function, which is what CPython calls (with
its ``ValueError`` for arguments that are not positive).  Special values are
IEEE's, as NumPy's: ``log(0.0)`` and ``log(-0.0)`` are ``-inf``, ``log(inf)`` is
``inf``, a negative argument or NaN gives NaN, without NumPy's warnings.  A
``float32`` argument is computed in ``float64`` and rounded once more.

The method: ``x = 2**k * (1 + f)`` with ``sqrt(2)/2 <= 1 + f < sqrt(2)`` (a
subnormal ``x`` scaled by ``2**54`` first); ``log(1 + f) = f - f*f/2 +
s * (f*f/2 + R(s*s))`` with ``s = f / (2 + f)`` and ``R`` fdlibm's minimax
polynomial of degree 14; ``log(x) = k * ln2_hi + (log(1 + f) + k * ln2_lo)``
with ``ln2_hi`` of 32 bits, so ``k * ln2_hi`` is exact.  fdlibm's branches
(``f`` within ``2**-20`` of 0, the two forms of the sum by the size of ``f``)
are computed on every lane and selected.  fdlibm's separate forms for ``k == 0``
are the general ones with ``k = 0`` to the bit, so there is one of each.
"""
from __future__ import annotations

import llvmlite.ir as lir

from .floatbits import from_words

_DOUBLE, _I64 = lir.DoubleType(), lir.IntType(64)


#: ``ln 2`` in two parts: ``LN2_HI`` of 32 significant bits, ``LN2_LO`` the rest
LN2_HI, LN2_LO = from_words(0x3FE62E42, 0xFEE00000), from_words(0x3DEA39EF, 0x35793C76)
#: fdlibm's ``Lg1`` .. ``Lg7``
COEFFICIENTS = tuple(from_words(h, l) for h, l in (
    (0x3FE55555, 0x55555593), (0x3FD99999, 0x9997FA04), (0x3FD24924, 0x94229359), (0x3FCC71C5, 0x1D8E78AF),
    (0x3FC74664, 0x96CB03DE), (0x3FC39A09, 0xD078C69F), (0x3FC2F112, 0xDF3E5244)))
_TWO54 = 2.0 ** 54
_LEAST_NORMAL = 2.0 ** -1022


def np_log(b: lir.IRBuilder, x: lir.Value) -> lir.Value:
    """``np.log(x)`` for a ``float``/``double`` value ``x``, emitted at ``b`` (inline: the loop
    that holds it is vectorized with it)."""
    if isinstance(x.type, lir.FloatType):
        return b.fptrunc(np_log(b, b.fpext(x, _DOUBLE)), x.type)

    def c(v: float) -> lir.Constant:
        return _DOUBLE(v)

    def i(v: int) -> lir.Constant:
        return _I64(v)

    add, sub, mul = b.fadd, b.fsub, b.fmul
    # below the least normal number (and not positive: those results are selected at the end)
    subnormal = b.fcmp_ordered("<", x, c(_LEAST_NORMAL))
    scaled = b.select(subnormal, mul(x, c(_TWO54)), x)
    bits = b.bitcast(scaled, _I64)
    high = b.lshr(bits, i(32))   # logical shifts and 32-bit conversions: AVX2 has no 64-bit arithmetic ones
    mantissa_high = b.and_(high, i(0x000FFFFF))
    half = b.and_(b.add(mantissa_high, i(0x95F64)), i(0x100000))   # 1 + f at or above sqrt(2): halve it
    k = b.add(b.add(b.select(subnormal, i(-54), i(0)), b.sub(b.lshr(high, i(20)), i(1023))), b.lshr(half, i(20)))
    normalized = b.or_(b.shl(b.or_(mantissa_high, b.xor(half, i(0x3FF00000))), i(32)),
                       b.and_(bits, i(0xFFFFFFFF)))
    f = sub(b.bitcast(normalized, _DOUBLE), c(1.0))
    dk = b.sitofp(b.trunc(k, lir.IntType(32)), _DOUBLE)   # -1077 <= k <= 1024
    hi, lo = mul(dk, c(LN2_HI)), mul(dk, c(LN2_LO))

    # |f| < 2**-20: log(1 + f) = f - f*f*(1/2 - f/3)
    tiny_r = mul(mul(f, f), sub(c(0.5), mul(c(0.33333333333333333), f)))
    tiny = b.select(b.fcmp_ordered("==", f, c(0.0)), add(hi, lo), sub(hi, sub(sub(tiny_r, lo), f)))
    is_tiny = b.icmp_signed("<", b.and_(b.add(mantissa_high, i(2)), i(0x000FFFFF)), i(3))

    lg1, lg2, lg3, lg4, lg5, lg6, lg7 = (c(v) for v in COEFFICIENTS)
    s = b.fdiv(f, add(c(2.0), f))
    z = mul(s, s)
    w = mul(z, z)
    t1 = mul(w, add(lg2, mul(w, add(lg4, mul(w, lg6)))))
    t2 = mul(z, add(lg1, mul(w, add(lg3, mul(w, add(lg5, mul(w, lg7)))))))
    r = add(t2, t1)
    hfsq = mul(mul(c(0.5), f), f)
    large_f = b.icmp_signed(">", b.or_(b.sub(mantissa_high, i(0x6147A)), b.sub(i(0x6B851), mantissa_high)), i(0))
    with_square = sub(hi, sub(sub(hfsq, add(mul(s, add(hfsq, r)), lo)), f))
    without = sub(hi, sub(sub(mul(s, sub(f, r)), lo), f))
    result = b.select(is_tiny, tiny, b.select(large_f, with_square, without))

    nan = b.fcmp_unordered("uno", x, x)
    result = b.select(b.fcmp_ordered("<", x, c(0.0)), c(float("nan")), result)
    result = b.select(b.fcmp_ordered("==", x, c(0.0)), c(float("-inf")), result)
    result = b.select(b.fcmp_ordered("==", x, c(float("inf"))), x, result)
    return b.select(nan, add(x, x), result)
