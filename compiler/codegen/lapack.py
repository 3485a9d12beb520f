"""Lowering of ``linalg.lapack``: a call of a Fortran LAPACK routine of NumPy's LAPACK.

Decisions: the routine is the one NumPy's own ``umath_linalg`` calls, by its Fortran
interface (``scipy_dgesdd_64_``), not LAPACKE's, whose high-level functions check the input
for NaN and return an error where LAPACK (and so NumPy) computes on.  Every argument goes
by address: a scalar operand is stored in a stack slot of the function's entry block (an
``i64`` narrowed to a 32-bit LAPACK's integer), an array operand passes its data pointer;
``info`` is a stack slot too, loaded (sign-extended) as the op's result.  A ``CHARACTER``
argument's hidden length (1) is passed after the others, as gfortran's ABI has it (a C
LAPACK ignores the extra arguments).  Routines taking integer arrays need a LAPACK with
64-bit integers; a process without NumPy's LAPACK gets an ``UnsupportedError`` naming the
routine when compiling, never an unresolved symbol.
"""
from __future__ import annotations

import llvmlite.ir as lir

from ir import UnsupportedError
from ir.ops.linalg import LinalgLapackOp, lapack_signature
from ir.types import ComplexType

from .core import _I64, _PTR, _FunctionLowering, _lowers, value_type


@_lowers(LinalgLapackOp)
def _linalg_lapack(self: _FunctionLowering, op: LinalgLapackOp) -> lir.Value:
    from runtime.blas import find

    blas, b = find(), self.b
    t, kinds = lapack_signature(op.routine)
    symbol = blas.fortran(op.routine) if blas is not None else None
    if symbol is None or blas.address(symbol) is None:
        raise UnsupportedError(f"LAPACK's {op.routine} is needed here, and NumPy's LAPACK was not found in this "
                               "process", op.loc)
    if "I" in kinds and blas.int_bits != 64:
        raise UnsupportedError(f"LAPACK's {op.routine} is called with 64-bit integer arrays, and NumPy's LAPACK in "
                               "this process has 32-bit integers", op.loc)
    integer = lir.IntType(blas.int_bits)
    real = value_type(t.part if isinstance(t, ComplexType) else t)
    args = []
    for kind, operand in zip(kinds, op.operands):
        value = self.value(operand)
        if kind in "AIR":
            args.append(b.extract_value(value, 1))
            continue
        if kind == "i" and blas.int_bits < 64:
            value = b.trunc(value, integer)
        slot = self.allocas.alloca({"c": lir.IntType(8), "i": integer, "r": real}[kind])
        b.store(value, slot)
        args.append(slot)
    info = self.allocas.alloca(integer)
    b.store(lir.Constant(integer, 0), info)
    lengths = [lir.Constant(_I64, 1)] * kinds.count("c")
    signature = lir.FunctionType(lir.VoidType(), [_PTR] * (len(args) + 1) + [_I64] * len(lengths))
    routine = self.module.libc(symbol, signature)
    b.call(routine, [*args, info, *lengths])
    result = b.load(info)
    return b.sext(result, _I64) if blas.int_bits < 64 else result
