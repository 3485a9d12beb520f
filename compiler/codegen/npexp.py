"""``np.exp`` of floats as straight-line code that LLVM's loop vectorizer can vectorize.

The C library's ``exp`` is a call, and a loop that calls it runs one element
at a time: NumPy's own ``np.exp`` is SIMD code (AVX-512 or AVX2 where the CPU
has them), so a compiled ``np.exp(x - x.max())`` ran at half NumPy's speed.
This is ``exp`` written out in operations LLVM vectorizes: loads from a
table, multiplications, additions and integer operations on the bits.

Semantics.  NumPy's ``np.exp`` is not the C library's either (they differ
in the last bit for about one float64 result in twenty): both are within
one unit in the last place (ulp) of the exact result, as is this one
(measured: at most 0.51 ulp, 0.75 for subnormal results; the C library's and
this one differ for about one result in 800: ``tests/compiler/test_npexp.py``).  ``math.exp`` keeps
the C library's function, which is what CPython calls.  Special values are
IEEE's: ``exp(nan)`` is NaN, ``exp(inf)`` is inf, ``exp(-inf)`` is 0.0,
results beyond the largest float are inf and results below the smallest
subnormal are 0.0, without an error (NumPy warns; compiled code does not).
A ``float32`` argument is computed in ``float64`` and rounded once more.

The method (Tang's, as in the C libraries): with ``N = 128``,
``x = (k / N) ln 2 + r`` for the integer ``k`` nearest ``x N / ln 2``,
so ``|r| <= ln 2 / 2N``; then ``exp(x) = 2**(k // N) * 2**((k % N) / N) * exp(r)``:

* ``k`` is rounded by adding ``1.5 * 2**52`` (the sum's low bits are ``k``);
* ``r = (x - k * L_hi) - k * L_lo`` (``L_hi + L_lo = ln 2 / N``; ``L_hi`` has 35
  significant bits, so ``k * L_hi`` and the subtraction are exact);
* ``exp(r) - 1`` is Taylor's polynomial to ``r**5`` (its error ``r**6 / 720`` is
  below ``2**-60``);
* ``2**(j / N)`` is a pair ``hi + lo`` from a table (``lo`` the rounding error of
  ``hi``), so the one rounding that matters is the last addition;
* ``2**(k // N)`` is applied as two exact powers of two ``2**e1 * 2**e2``, so
  results near the overflow threshold and subnormal results need no branch
  (a subnormal result is rounded twice: within one ulp).

The argument is first clamped to ``[-746, 710]``, where ``exp`` is already 0.0 and
inf (NaN passes through: both comparisons are false for it).
"""
from __future__ import annotations

import functools

import llvmlite.ir as lir

from .floatbits import bits_of, truncated

#: table entries: ``2**(j / N)`` for ``j`` in ``range(N)``
N = 128
#: the argument's bounds: ``exp`` is 0.0 below the first and inf above the second
LOW, HIGH = -746.0, 710.0
_SHIFT = float.fromhex("0x1.8p52")
_I64, _DOUBLE = lir.IntType(64), lir.DoubleType()
_TABLE_NAME = "pyjit_runtime.exp_table"


@functools.cache
def constants() -> tuple[float, float, float, tuple[float, ...]]:
    """``N / ln 2``, ``L_hi``, ``L_lo`` and the table ``hi0, lo0, hi1, lo1, ...``,
    computed to 50 digits and rounded once (the table as powers of ``2**(1/N)``: 1.7 ms,
    where 128 powers ``2**(j/N)`` took 17)."""
    from decimal import Context, Decimal

    context = Context(prec=50)
    ln2 = context.ln(Decimal(2))
    step = context.divide(ln2, N)
    step_hi = truncated(float(step), 35)
    step_lo = float(context.subtract(step, Decimal(step_hi)))
    root = context.exp(step)   # 2**(1/N); its powers by multiplication keep 45 digits and more
    table: list[float] = []
    exact = Decimal(1)
    for _ in range(N):
        hi = float(exact)
        table += [hi, float(context.subtract(exact, Decimal(hi)))]
        exact = context.multiply(exact, root)
    return float(context.divide(N, ln2)), step_hi, step_lo, tuple(table)


def np_exp(module: lir.Module, b: lir.IRBuilder, x: lir.Value) -> lir.Value:
    """``np.exp(x)`` for a ``float``/``double`` value ``x``, emitted at ``b``.

    Inline, not a call of a helper LLVM would inline: the table loads must be
    instructions of the loop that holds them, so that a whole-array loop's
    access group takes them in (``codegen.control``)."""
    if isinstance(x.type, lir.FloatType):
        return b.fptrunc(np_exp(module, b, b.fpext(x, _DOUBLE)), x.type)
    inv_step, step_hi, step_lo, _ = constants()
    x = b.select(b.fcmp_ordered(">", x, _const(HIGH)), _const(HIGH), x)
    x = b.select(b.fcmp_ordered("<", x, _const(LOW)), _const(LOW), x)
    shifted = b.fadd(b.fmul(x, _const(inv_step)), _const(_SHIFT))
    k = b.sub(b.bitcast(shifted, _I64), _integer(bits_of(_SHIFT)))
    kd = b.fsub(shifted, _const(_SHIFT))
    r = b.fsub(b.fsub(x, b.fmul(kd, _const(step_hi))), b.fmul(kd, _const(step_lo)))

    r2 = b.fmul(r, r)
    low_terms = b.fmul(r2, b.fadd(_const(1 / 2), b.fmul(r, _const(1 / 6))))
    high_terms = b.fmul(b.fmul(r2, r2), b.fadd(_const(1 / 24), b.fmul(r, _const(1 / 120))))
    expm1_r = b.fadd(r, b.fadd(low_terms, high_terms))

    table = _table(module)
    slot = b.shl(b.and_(k, _integer(N - 1)), _integer(1))
    hi = b.load(b.gep(table, [_integer(0), slot], inbounds=True))
    lo = b.load(b.gep(table, [_integer(0), b.add(slot, _integer(1))], inbounds=True))
    y = b.fadd(hi, b.fadd(b.fmul(hi, expm1_r), lo))

    exponent = b.ashr(k, _integer(N.bit_length() - 1))
    half = b.ashr(exponent, _integer(1))
    return b.fmul(b.fmul(y, _power_of_two(b, half)), _power_of_two(b, b.sub(exponent, half)))


def _table(module: lir.Module) -> lir.GlobalVariable:
    """The module's constant table of ``2**(j / N)`` as ``hi, lo`` pairs."""
    table = module.globals.get(_TABLE_NAME)
    if table is None:
        values = constants()[3]
        kind = lir.ArrayType(_DOUBLE, len(values))
        table = lir.GlobalVariable(module, kind, _TABLE_NAME)
        table.linkage = "internal"
        table.global_constant = True
        table.initializer = lir.Constant(kind, [_const(v) for v in values])
        table.align = 64
    return table


def _const(v: float) -> lir.Constant:
    return lir.Constant(_DOUBLE, v)


def _integer(v: int) -> lir.Constant:
    return lir.Constant(_I64, v)


def _power_of_two(b: lir.IRBuilder, e: lir.Value) -> lir.Value:
    """``2.0 ** e`` for ``-1022 <= e <= 1023``: the exponent field set, the significand 0."""
    return b.bitcast(b.shl(b.add(e, _integer(1023)), _integer(52)), _DOUBLE)
