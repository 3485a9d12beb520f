"""Lowering of the math functions (``math.*``), the float tests and the parts of complex numbers.

Semantics (those of the op docstrings in ``ir.ops.math`` and ``ir.ops.complex``), with this decision:

* ``fmod`` (also inside float ``floordiv``/``mod``) is LLVM's ``frem``, which
  is defined as C ``fmod``; ``sqrt``, ``fabs``, ``floor``, ``ceil``, ``trunc``,
  ``rint`` and ``copysign`` (exact IEEE operations) are LLVM intrinsics; the other
  ``math`` functions and ``**`` are calls of the C library function, as CPython
  makes them (``f``-suffixed for ``f32``), declared ``readnone`` (``errno`` is never
  looked at) and called ``nobuiltin``: LLVM would otherwise rewrite them -- ``pow(x,
  2.0)`` as ``x*x``, which differs from the C ``pow`` in the last bit now and then
  (the declarations: ``core._ModuleLowering.call_math``);
* ``np.exp`` is not a call but code of our own (:mod:`.npexp`): LLVM vectorizes the
  loops that hold it, as NumPy's own ``np.exp`` is vector code;
* ``np.log`` is straight-line code of our own too (:mod:`.nplog`);
* ``np.sin`` and ``np.cos`` call functions of our own with vector variants
  (:mod:`.nptrig`), so LLVM vectorizes the loops that hold them too.
"""
from __future__ import annotations

import llvmlite.ir as lir

from ir.ops.complex import ImagOp, MakeComplexOp, RealOp
from ir.ops.math import FloatTestOp, Math2Op, MathOp
from ir.types import FloatType

from .core import _FunctionLowering, _complex, _fconst, _lowers, _parts
from .npexp import np_exp
from .nplog import np_log
from .nptrig import np_trig

_DOUBLE = lir.DoubleType()


@_lowers(MathOp)
def _math(self: _FunctionLowering, op: MathOp) -> lir.Value:
    x = self.value(op.operand(0))
    if op.fn == "np.exp":
        return np_exp(self.module.llvm, self.b, x)
    if op.fn == "np.log":
        return np_log(self.b, x)
    if op.fn in ("np.sin", "np.cos"):
        return np_trig(self.module.llvm, lambda name: self.module.libm(name, _DOUBLE), self.b, op.fn[3:], x)
    return self.module.call_math(self.b, op.fn, x)


@_lowers(Math2Op)
def _math2(self: _FunctionLowering, op: Math2Op) -> lir.Value:
    x, y = (self.value(v) for v in op.operands)
    if op.fn == "fmod":
        return self.b.frem(x, y)
    return self.module.call_math(self.b, op.fn, x, y)


@_lowers(FloatTestOp)
def _ftest(self: _FunctionLowering, op: FloatTestOp) -> lir.Value:
    """``isnan``/``isinf``/``isfinite``; for complex numbers as in ``cmath``:
    NaN or infinite if either part is, finite if both are."""
    b = self.b
    x, t = self.value(op.operand(0)), op.operand(0).type
    if isinstance(t, FloatType):
        return _float_test(self, op.fn, x)
    re, im = (_float_test(self, op.fn, p) for p in _parts(b, x))
    return b.and_(re, im) if op.fn == "isfinite" else b.or_(re, im)


def _float_test(self: _FunctionLowering, fn: str, x: lir.Value) -> lir.Value:
    b = self.b
    if fn == "isnan":
        return b.fcmp_unordered("uno", x, x)
    magnitude = b.call(self.module.intrinsic("fabs", x.type), [x])
    inf = _fconst(x, float("inf"))
    return b.fcmp_ordered("==" if fn == "isinf" else "<", magnitude, inf)


@_lowers(RealOp, ImagOp)
def _complex_part(self: _FunctionLowering, op: RealOp | ImagOp) -> lir.Value:
    return self.b.extract_value(self.value(op.operand(0)), 0 if isinstance(op, RealOp) else 1)


@_lowers(MakeComplexOp)
def _make_complex(self: _FunctionLowering, op: MakeComplexOp) -> lir.Value:
    re, im = (self.value(v) for v in op.operands)
    return _complex(self.b, re, im)
