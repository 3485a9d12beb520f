"""Lowering of an IR module to LLVM IR text (with ``llvmlite.ir``).

ABI.  Every IR function ``@f(%a: A, ...) -> R`` becomes (symbol names: :func:`function_symbol`)

* ``i32 @"pyjit.f"(ptr ret, ptr errargs, i64 depth, A a, ...)`` with ``internal`` linkage: it
  returns 0 on success after storing the result to ``*ret`` in its memory form
  (nothing for ``none``), or, when a ``raise_if`` fires, the id of the error
  site registered with :func:`runtime.errors.register_error_site`, after
  storing the message arguments into ``errargs`` (``MAX_ERROR_ARGS`` slots of
  8 bytes: integers sign- or zero-extended, bools zero-extended, floats as
  their bit pattern, an ``f32`` in the low 4 bytes).  ``call`` passes its own
  ``errargs`` down and returns a callee's non-zero status at once.  ``depth``
  counts the nested recursive calls (in a register: no memory traffic per
  call): a call that can come back to its caller (a cycle of the call graph)
  passes ``depth + 1`` and raises ``RecursionError`` past
  :data:`MAX_RECURSION_DEPTH` instead of overflowing the native stack; any
  other call passes ``depth`` on, so the count spans every function.
* ``i32 @"pyjit_entry.f"(ptr ret, ptr errargs, ptr args)``, exported: ``args``
  points to 8-byte slots, one per scalar argument in order (ints and bools
  sign-/zero-extended, ``f64`` as is, ``f32`` in the low 4 bytes, a complex
  number two slots: real then imaginary, a tuple the slots of its elements,
  ``none`` no slot, an array ``2 + 2n`` slots, see below); it loads them,
  calls ``@"pyjit.f"`` with depth 0 and returns its status.

Types.  In registers: bool is ``i1``, ``iN``/``uN`` are ``iN``, ``f32``/``f64``
are ``float``/``double``, complex is ``{float, float}``/``{double, double}``,
a tuple a literal struct, ``none`` the empty struct ``{}``.  In memory (the
result slot) bool is ``i8`` and a tuple is the struct of its elements' memory
forms.

Arrays (the ABI in two lines):

* ``array<T, n, L>`` is ``{ptr meminfo, ptr data, [n x i64] shape, [n x i64] strides}`` (byte
  strides) in registers and in memory; as an argument, slots meminfo, data, shape[0..n-1], strides[0..n-1].
* meminfo is null for arrays the caller lends; compiled code's arrays point it to a 64-byte header
  ``{i64 refcount, padding}`` directly followed by the data (data = meminfo + 64, 64-byte aligned).

Elements are stored in their memory form (bool ``i8``, complex the
``{float, float}``/``{double, double}`` pair NumPy stores).  Addresses:
layout ``C`` (``F``) computes the element offset from the shape alone,
row-major (column-major), as an ``inbounds`` GEP over the element type --
the strides are never read, which leaves LLVM unit-stride loops to
vectorize; layout ``A`` adds ``index * stride`` in bytes.  Index arithmetic
is ``nsw`` (and ``nuw`` for ``C``/``F``): the ops are only defined for
in-range indices.  ``array.alloc`` gets ``64 + nbytes`` bytes (rounded up
to a multiple of 64) from the C library's ``aligned_alloc(64, size)``, sets
the count to 1 and returns the status of a ``MemoryError`` site on a null
result; ``array.incref`` is an ``atomicrmw add monotonic``,
``array.decref`` an ``atomicrmw sub acq_rel`` that calls ``free(meminfo)``
when the count was 1; both skip a null meminfo (``array.undef`` is the
all-zero struct).  ``array.view`` shares the meminfo and does not touch the
count (the ``refcount`` pass decides that).  The argument slots are loaded
as they are (meminfo included), so a caller may also lend an owned array:
the callee only ever borrows its arguments.

Semantics (those of the op docstrings in ``ir.ops``), with these decisions:

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
* ``fmod`` (also inside float ``floordiv``/``mod``) is LLVM's ``frem``, which
  is defined as C ``fmod``; ``sqrt``, ``fabs``, ``floor``, ``ceil``, ``trunc``,
  ``rint`` and ``copysign`` (exact IEEE operations) are LLVM intrinsics; the other
  ``math`` functions and ``**`` are calls of the C library function, as CPython
  makes them (``f``-suffixed for ``f32``), declared ``readnone`` (``errno`` is never
  looked at) and called ``nobuiltin``: LLVM would otherwise rewrite them -- ``pow(x,
  2.0)`` as ``x*x``, which differs from the C ``pow`` in the last bit now and then;
* ``for`` computes its trip count first (in unsigned arithmetic, so any i64
  bounds work), then counts ``k = 0..n-1`` with the induction variable
  ``lower + k*step``;
* ``raise_if`` branches to a cold block (branch weights 1:99);
* the cleanup region of a ``raise_if`` or ``call`` (the arrays the
  ``refcount`` pass releases on the error path) is lowered on the failing
  branch, just before it returns the status -- for a ``call``, also on the
  ``RecursionError`` branch of the depth check.
"""
from __future__ import annotations

from typing import Callable, Sequence

import llvmlite.ir as lir

from ir.core import Block, Operation, Value
from ir.module import Module
from ir.ops.array import (
    ArrayAllocOp, ArrayDecrefOp, ArrayDimOp, ArrayIncrefOp, ArrayLoadOp, ArrayStoreOp, ArrayUndefOp,
    ArrayViewOp,
)
from ir.ops.arith import (
    BINARY_OPS, AddOp, AndOp, BinaryOp, CastOp, CompareOp, ConstantOp, DivOp, EqOp, FloorDivOp, GeOp, GtOp,
    InvertOp, LeOp, LtOp, MaxOp, MinOp, ModOp, MulOp, NegOp, NeOp, NotOp, OrOp, PowOp,
    RaiseIfOp, SelectOp, ShlOp, ShrOp, SubOp, XorOp,
)
from ir.ops.complex import ImagOp, MakeComplexOp, RealOp
from ir.ops.control import ConditionOp, ForOp, IfOp, WhileOp, YieldOp
from ir.ops.func import CallOp, FuncOp, ReturnOp
from ir.ops.math import FloatTestOp, Math2Op, MathOp
from ir.ops.tuple import MakeTupleOp, TupleGetOp
from ir.ops.vector import ArrayOverlapOp, VectorLoadOp, VectorReduceOp, VectorSplatOp, VectorStoreOp
from ir.types import (
    ArrayType, BoolType, ComplexType, FloatType, GeneratorType, IntType, NoneType, TupleType, Type, VectorType,
    c64, c128,
)
from runtime.errors import register_error_site

__all__ = ["lower_module", "value_type", "memory_type", "function_symbol", "entry_symbol", "MEMINFO_HEADER",
           "DATA_ALIGNMENT"]

#: the LLVM symbol of IR function ``@f`` is ``"pyjit." + f``, that of its exported entry wrapper
#: ``"pyjit_entry." + f`` (see :func:`function_symbol`)
FUNCTION_PREFIX = "pyjit."
ENTRY_PREFIX = "pyjit_entry."


def function_symbol(sym_name: str) -> str:
    """The LLVM symbol of the IR function ``@sym_name`` (``sin`` -> ``pyjit.sin``).

    Decision: the IR name (the Python ``__qualname__``, ``f.1``... for further
    specialisations and for a function of the same name from another Python module)
    is unique in its module but may be any C name, while the same LLVM module declares
    the C library (``sin``, ``aligned_alloc``, ``free``; LLVM may add ``memset``...),
    intrinsics (``llvm.*``) and our helpers (``.ipow.i64``...).  So the symbol is a
    fixed prefix plus the IR name: unique because the IR name is, readable in
    ``inspect_llvm()``/``inspect_asm()``, and never a C, CPython API, intrinsic or
    helper name (those have no ``.`` or start with ``llvm.`` or ``.``).  Entry wrappers
    (:func:`entry_symbol`) take another prefix, neither being a prefix of the other,
    so no function's symbol equals another's entry (a suffix would not do: ``f`` +
    ``.entry`` is the method ``entry`` of a class ``f``).  The Python module is not in
    the symbol -- the IR does not record it, and each compiled module is its own JIT
    library with its own namespace.  The IR keeps the plain names.
    """
    return FUNCTION_PREFIX + sym_name


def entry_symbol(sym_name: str) -> str:
    """The exported entry wrapper's symbol of the IR function ``@sym_name`` (``pyjit_entry.sin``)."""
    return ENTRY_PREFIX + sym_name


#: nested recursive calls allowed before ``RecursionError`` (native frames are
#: small: this stays far below an 8 MiB thread stack)
MAX_RECURSION_DEPTH = 20_000
#: bytes of the header of an allocated array (the reference count, then padding)
MEMINFO_HEADER = 64
#: alignment of an allocated array's block and data
DATA_ALIGNMENT = 64

_I1 = lir.IntType(1)
_I8 = lir.IntType(8)
_I32 = lir.IntType(32)
_I64 = lir.IntType(64)
_PTR = lir.PointerType()
_STATUS = _I32
_NONE = lir.LiteralStructType([])

#: the math functions whose result is an exact IEEE operation, so that LLVM may fold and rewrite them
_EXACT_INTRINSICS = frozenset({"sqrt", "fabs", "floor", "ceil", "trunc", "rint", "copysign"})
_LIBM_NAMES = {"gamma": "tgamma"}


# ----------------------------------------------------------------- types
def value_type(t: Type) -> lir.Type:
    """The LLVM type of a value of IR type ``t`` in registers."""
    if isinstance(t, BoolType):
        return _I1
    if isinstance(t, IntType):
        return lir.IntType(t.bits)
    if isinstance(t, FloatType):
        return lir.FloatType() if t.bits == 32 else lir.DoubleType()
    if isinstance(t, ComplexType):
        part = value_type(t.part)
        return lir.LiteralStructType([part, part])
    if isinstance(t, TupleType):
        return lir.LiteralStructType([value_type(e) for e in t.elements])
    if isinstance(t, NoneType):
        return _NONE
    if isinstance(t, ArrayType):
        dims = lir.ArrayType(_I64, t.ndim)
        return lir.LiteralStructType([_PTR, _PTR, dims, dims])
    if isinstance(t, VectorType):
        return lir.VectorType(value_type(t.element), t.width)
    if isinstance(t, GeneratorType):
        return _PTR
    raise NotImplementedError(f"code generation for type {t} is not implemented")


def memory_type(t: Type) -> lir.Type:
    """The LLVM type of a value of IR type ``t`` in memory (bool is ``i8``, a
    vector of bools ``<N x i8>``: NumPy's bools are bytes, ``<N x i1>`` in memory
    would be N bits)."""
    if isinstance(t, BoolType):
        return _I8
    if isinstance(t, TupleType):
        return lir.LiteralStructType([memory_type(e) for e in t.elements])
    if isinstance(t, VectorType):
        return lir.VectorType(memory_type(t.element), t.width)
    return value_type(t)


def _to_memory(b: lir.IRBuilder, v: lir.Value, t: Type) -> lir.Value:
    if isinstance(t, BoolType) or isinstance(t, VectorType) and isinstance(t.element, BoolType):
        return b.zext(v, memory_type(t))
    if isinstance(t, TupleType):
        out = lir.Constant(memory_type(t), lir.Undefined)
        for i, e in enumerate(t.elements):
            out = b.insert_value(out, _to_memory(b, b.extract_value(v, i), e), i)
        return out
    return v


def _from_memory(b: lir.IRBuilder, v: lir.Value, t: Type) -> lir.Value:
    if isinstance(t, BoolType) or isinstance(t, VectorType) and isinstance(t.element, BoolType):
        return b.icmp_unsigned("!=", v, lir.Constant(v.type, None))
    if isinstance(t, TupleType):
        out = lir.Constant(value_type(t), lir.Undefined)
        for i, e in enumerate(t.elements):
            out = b.insert_value(out, _from_memory(b, b.extract_value(v, i), e), i)
        return out
    return v


def _constant(value: object, t: Type) -> lir.Constant:
    if isinstance(t, IntType):
        return lir.Constant(value_type(t), IntType(t.bits).wrap(value))  # LLVM spells it signed
    if isinstance(t, ComplexType):
        part = value_type(t.part)
        return lir.Constant(value_type(t), [lir.Constant(part, value.real), lir.Constant(part, value.imag)])
    if isinstance(t, NoneType):
        return lir.Constant(_NONE, [])
    return lir.Constant(value_type(t), value)


# ----------------------------------------------------------------- small builders
def _complex(b: lir.IRBuilder, re: lir.Value, im: lir.Value) -> lir.Value:
    out = lir.Constant(lir.LiteralStructType([re.type, re.type]), lir.Undefined)
    return b.insert_value(b.insert_value(out, re, 0), im, 1)


def _parts(b: lir.IRBuilder, z: lir.Value) -> tuple[lir.Value, lir.Value]:
    return b.extract_value(z, 0), b.extract_value(z, 1)


def _fconst(like: lir.Value | lir.Type, value: float) -> lir.Constant:
    return lir.Constant(like if isinstance(like, lir.Type) else like.type, value)


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


# ----------------------------------------------------------------- the module
class _ModuleLowering:
    """The LLVM module being built: declarations, intrinsics, helpers."""

    def __init__(self, module: Module):
        self.ir_module = module
        self.llvm = lir.Module(name="module")
        self.functions: dict[str, lir.Function] = {}
        self._reachable: dict[str, set[str]] = {}
        #: the random streams the module draws from (see ``lower_runtime.guarded_call``)
        self.streams: set[str] = set()

    def reachable_from(self, name: str) -> set[str]:
        """The functions a call of ``name`` can reach (through any chain of calls)."""
        found = self._reachable.get(name)
        if found is None:
            found, todo = set(), [name]
            while todo:
                for op in self.ir_module[todo.pop()].walk():
                    if isinstance(op, CallOp) and op.callee not in found:
                        found.add(op.callee)
                        todo.append(op.callee)
            self._reachable[name] = found
        return found

    def run(self) -> str:
        self.streams = random_streams(self.ir_module)
        for func in self.ir_module:
            self.functions[func.sym_name] = self._declare(func)
        for func in self.ir_module:
            _FunctionLowering(self, func, self.functions[func.sym_name]).lower()
            self._entry_wrapper(func)
        return str(self.llvm)

    def _declare(self, func: FuncOp) -> lir.Function:
        fnty = lir.FunctionType(_STATUS, [_PTR, _PTR, _I64, *(value_type(t) for t in func.arg_types)])
        fn = lir.Function(self.llvm, fnty, function_symbol(func.sym_name))
        fn.linkage = "internal"
        fn.attributes.add("nounwind")
        for ptr in fn.args[:2]:
            for attr in ("noalias", "nonnull", "captures(none)"):
                ptr.add_attribute(attr)
        fn.args[0].name, fn.args[1].name, fn.args[2].name = "ret", "errargs", "depth"
        for arg, value in zip(fn.args[3:], func.args):
            arg.name = value.name_hint or ""
        return fn

    def _entry_wrapper(self, func: FuncOp) -> None:
        """``i32 @"pyjit_entry.f"(ptr ret, ptr errargs, ptr args)``: unpack the slots, call ``@"pyjit.f"``."""
        fn = lir.Function(self.llvm, lir.FunctionType(_STATUS, [_PTR, _PTR, _PTR]), entry_symbol(func.sym_name))
        fn.attributes.add("nounwind")
        ret, errargs, slots = fn.args
        ret.name, errargs.name, slots.name = "ret", "errargs", "args"
        b = lir.IRBuilder(fn.append_basic_block("entry"))
        values, next_slot = [], 0
        for t in func.arg_types:
            value, next_slot = _load_argument(b, slots, next_slot, t)
            values.append(value)
        def call() -> lir.Value:
            return b.call(self.functions[func.sym_name], [ret, errargs, lir.Constant(_I64, 0), *values])

        b.ret(guarded_call(self, b, errargs, self.streams, call) if self.streams else call())

    # -- declarations
    def declare(self, name: str, fnty: lir.FunctionType) -> lir.Function:
        """An external pure function (``errno`` is never read, so libm is ``readnone`` too)."""
        fn = self.llvm.globals.get(name)
        if fn is None:
            fn = lir.Function(self.llvm, fnty, name)
            fn.attributes.add("nounwind")
            fn.attributes.add("readnone")
        return fn

    def libc(self, name: str, fnty: lir.FunctionType) -> lir.Function:
        """A C library function with side effects (the allocator): resolved from the process."""
        fn = self.llvm.globals.get(name)
        if fn is None:
            fn = lir.Function(self.llvm, fnty, name)
            fn.attributes.add("nounwind")
        return fn

    def intrinsic(self, fn: str, t: lir.Type, arity: int = 1) -> lir.Function:
        suffix = "f32" if isinstance(t, lir.FloatType) else "f64"
        return self.declare(f"llvm.{fn}.{suffix}", lir.FunctionType(t, [t] * arity))

    def libm(self, fn: str, t: lir.Type, arity: int = 1) -> lir.Function:
        """The C function ``fn``, ``nobuiltin``: LLVM calls it as it is, never its own idea of it."""
        name = _LIBM_NAMES.get(fn, fn) + ("f" if isinstance(t, lir.FloatType) else "")
        function = self.declare(name, lir.FunctionType(t, [t] * arity))
        function.attributes.add("nobuiltin")
        return function

    def call_math(self, b: lir.IRBuilder, fn: str, *args: lir.Value) -> lir.Value:
        """``fn(*args)``: the LLVM intrinsic of an exact operation, else the C
        function, called ``nobuiltin`` so that LLVM keeps the call as it is."""
        t = args[0].type
        if fn in _EXACT_INTRINSICS:
            return b.call(self.intrinsic(fn, t, len(args)), list(args))
        return b.call(self.libm(fn, t, len(args)), list(args))

    def helper(self, name: str, fnty: lir.FunctionType,
               build: Callable[[lir.IRBuilder, Sequence[lir.Argument]], lir.Value]) -> lir.Function:
        """An internal helper function, built on first use by ``build(builder, args)``."""
        fn = self.llvm.globals.get(name)
        if fn is None:
            fn = lir.Function(self.llvm, fnty, name)
            fn.linkage = "internal"
            fn.attributes.add("nounwind")
            b = lir.IRBuilder(fn.append_basic_block("entry"))
            b.ret(build(b, fn.args))
        return fn

    # -- helpers
    def int_pow(self, t: lir.IntType) -> lir.Function:
        def build(b: lir.IRBuilder, args: Sequence[lir.Argument]) -> lir.Value:
            return _power_loop(b, args[0], args[1], lir.Constant(t, 1), lambda b, x, y: b.mul(x, y))

        return self.helper(f".ipow.i{t.width}", lir.FunctionType(t, [t, t]), build)

    def complex_pow(self, t: lir.LiteralStructType) -> lir.Function:
        return self.helper(f".cpow.{t.elements[0]}", lir.FunctionType(t, [t, t]), lambda b, args: self._build_cpow(b, *args))

    def _build_cpow(self, b: lir.IRBuilder, a: lir.Value, e: lir.Value) -> lir.Value:
        """CPython's ``complex_pow``: ``c_powi`` for an integral exponent of at most
        100 in magnitude, else ``_Py_c_pow`` (0 ** e is 0; errors are the frontend's)."""
        part = a.type.elements[0]
        er, ei = _parts(b, e)
        floor = b.call(self.intrinsic("floor", part), [er])
        small = b.fcmp_ordered("<=", b.call(self.intrinsic("fabs", part), [er]), _fconst(part, 100.0))
        integral = b.and_(b.and_(b.fcmp_ordered("==", ei, _fconst(part, 0.0)),
                                 b.fcmp_ordered("==", er, floor)), small)
        with b.if_else(integral) as (powi, general):
            with powi:
                powi_value = self._complex_powi(b, a, b.fptosi(er, _I64))
                powi_block = b.basic_block
            with general:
                general_value = self._complex_pow_general(b, a, e)
                general_block = b.basic_block
        out = b.phi(a.type)
        out.add_incoming(powi_value, powi_block)
        out.add_incoming(general_value, general_block)
        return out

    @staticmethod
    def _complex_powi(b: lir.IRBuilder, a: lir.Value, n: lir.Value) -> lir.Value:
        part = a.type.elements[0]
        one = _complex(b, _fconst(part, 1.0), _fconst(part, 0.0))
        positive = b.icmp_signed(">", n, lir.Constant(_I64, 0))
        magnitude = b.select(positive, n, b.neg(n))
        power = _power_loop(b, a, magnitude, one, _complex_mul)
        return b.select(positive, power, _complex_div(b, one, power))

    def _complex_pow_general(self, b: lir.IRBuilder, a: lir.Value, e: lir.Value) -> lir.Value:
        part = a.type.elements[0]
        (ar, ai), (er, ei) = _parts(b, a), _parts(b, e)

        def call(fn: str, *args: lir.Value) -> lir.Value:
            return self.call_math(b, fn, *args)

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


def _load_argument(b: lir.IRBuilder, slots: lir.Value, index: int, t: Type) -> tuple[lir.Value, int]:
    """Load the argument of type ``t`` starting at slot ``index``; return it and the next slot."""
    if isinstance(t, NoneType):
        return _constant(None, t), index
    if isinstance(t, ComplexType):
        re, index = _load_argument(b, slots, index, t.part)
        im, index = _load_argument(b, slots, index, t.part)
        return _complex(b, re, im), index
    if isinstance(t, TupleType):
        out = lir.Constant(value_type(t), lir.Undefined)
        for i, e in enumerate(t.elements):
            value, index = _load_argument(b, slots, index, e)
            out = b.insert_value(out, value, i)
        return out, index
    if isinstance(t, ArrayType):  # meminfo, data, shape..., strides...
        def slot_at(k: int) -> lir.Value:
            return b.gep(slots, [lir.Constant(_I64, index + k)], inbounds=True, source_etype=_I64)

        out = lir.Constant(value_type(t), lir.Undefined)
        out = b.insert_value(out, b.load(slot_at(0), typ=_PTR, name="meminfo"), 0)
        out = b.insert_value(out, b.load(slot_at(1), typ=_PTR, name="data"), 1)
        for k in range(2 * t.ndim):
            out = b.insert_value(out, b.load(slot_at(2 + k), typ=_I64), [2 + k // t.ndim, k % t.ndim])
        return out, index + 2 + 2 * t.ndim
    slot = b.gep(slots, [lir.Constant(_I64, index)], inbounds=True, source_etype=_I64)
    if isinstance(t, GeneratorType):
        return b.load(slot, typ=_PTR, name="bitgen"), index + 1
    if isinstance(t, FloatType):
        return b.load(slot, typ=value_type(t)), index + 1
    raw = b.load(slot, typ=_I64)
    if isinstance(t, BoolType):
        return b.icmp_unsigned("!=", raw, lir.Constant(_I64, 0)), index + 1
    if isinstance(t, IntType):
        return (raw if t.bits == 64 else b.trunc(raw, value_type(t))), index + 1
    raise NotImplementedError(f"code generation for arguments of type {t} is not implemented")


def _to_slot(b: lir.IRBuilder, v: lir.Value, t: Type) -> lir.Value:
    """An error-message argument as its 8-byte slot value."""
    if isinstance(t, FloatType):
        if t.bits == 32:
            return b.zext(b.bitcast(v, _I32), _I64)
        return b.bitcast(v, _I64)
    if v.type.width == 64:
        return v
    return b.sext(v, _I64) if isinstance(t, IntType) and t.signed else b.zext(v, _I64)


# ----------------------------------------------------------------- functions
_LOWERINGS: dict[type[Operation], Callable[["_FunctionLowering", Operation], object]] = {}


def _lowers(*classes: type[Operation]) -> Callable:
    def register(method: Callable) -> Callable:
        for cls in classes:
            _LOWERINGS[cls] = method
        return method

    return register


#: index arithmetic of in-range accesses cannot overflow (see the array ops' semantics)
_INDEX_FLAGS = ("nsw", "nuw")
_I32_ZERO = lir.Constant(_I32, 0)


def _itemsize(t: Type) -> int:
    """Bytes per array element, as NumPy stores them."""
    if isinstance(t, BoolType):
        return 1
    if isinstance(t, (IntType, FloatType, ComplexType)):
        return t.bits // 8
    raise NotImplementedError(f"code generation for arrays of {t} is not implemented")


_CMP_SYMBOLS = {EqOp: "==", NeOp: "!=", LtOp: "<", LeOp: "<=", GtOp: ">", GeOp: ">="}
_INT_SIMPLE = {AddOp: "add", SubOp: "sub", MulOp: "mul", AndOp: "and_", OrOp: "or_", XorOp: "xor"}
_FLOAT_SIMPLE = {AddOp: "fadd", SubOp: "fsub", MulOp: "fmul", DivOp: "fdiv"}


class _FunctionLowering:
    """Lowers the body of one IR function into its internal LLVM function."""

    def __init__(self, module: _ModuleLowering, func: FuncOp, fn: lir.Function):
        self.module = module
        self.func = func
        self.allocas = lir.IRBuilder(fn.append_basic_block("entry"))  # holds the stack slots only
        self.b = lir.IRBuilder(fn.append_basic_block("body"))
        self.ret_ptr, self.err_ptr, self.depth = fn.args[:3]
        self.values: dict[Value, lir.Value] = dict(zip(func.args, fn.args[3:]))

    def lower(self) -> None:
        body = self.b.basic_block
        self.lower_block(self.func.body)
        self.allocas.branch(body)

    # -- blocks and values
    def value(self, v: Value) -> lir.Value:
        return self.values[v]

    def lower_block(self, block: Block) -> list[lir.Value]:
        """Lower the ops of ``block``; return the values its ``yield``/``condition`` passes on."""
        for op in block.ops:
            if isinstance(op, (YieldOp, ConditionOp)):
                return [self.value(v) for v in op.operands]
            lowering = _LOWERINGS.get(type(op))
            if lowering is None:
                raise NotImplementedError(f"code generation for op '{op.name}' is not implemented")
            results = lowering(self, op)
            if len(op.results) == 1 and not isinstance(results, list):
                results = [results]
            for result, value in zip(op.results, results or ()):
                self.values[result] = value
        return []

    def stack_slot(self, t: lir.Type) -> lir.Value:
        """A stack slot for a ``t``, allocated once in the entry block (not in a loop)."""
        slot = self.allocas.alloca(t)
        slot.type = _PTR  # llvmlite types allocas as typed pointers; LLVM has only `ptr`
        return slot

    # -- functions
    @_lowers(ReturnOp)
    def _return(self, op: ReturnOp) -> None:
        if op.value is not None:
            self.b.store(_to_memory(self.b, self.value(op.value), op.value.type), self.ret_ptr)
        self.b.ret(lir.Constant(_STATUS, 0))

    @_lowers(CallOp)
    def _call(self, op: CallOp) -> lir.Value | None:
        """Call with a stack slot for the result; a non-zero status is returned at once."""
        b = self.b
        callee = self.module.ir_module[op.callee]
        slot = self.stack_slot(memory_type(callee.result_type))
        depth = self.depth
        if self.func.sym_name in self.module.reachable_from(op.callee):  # a recursive call
            depth = b.add(depth, lir.Constant(_I64, 1))
            site = register_error_site("RecursionError", "maximum recursion depth exceeded", op.loc, ())
            with b.if_then(b.icmp_signed(">", depth, lir.Constant(_I64, MAX_RECURSION_DEPTH)), likely=False):
                self._fail(op, lir.Constant(_STATUS, site))
        status = b.call(self.module.functions[op.callee],
                        [slot, self.err_ptr, depth, *(self.value(v) for v in op.operands)])
        with b.if_then(b.icmp_unsigned("!=", status, lir.Constant(_STATUS, 0)), likely=False):
            self._fail(op, status)
        if not op.results:
            return None
        t = op.result.type
        return _from_memory(b, b.load(slot, typ=memory_type(t)), t)

    @_lowers(RaiseIfOp)
    def _raise_if(self, op: RaiseIfOp) -> None:
        """Cold branch: store the message arguments, return the error site's id."""
        b = self.b
        site = register_error_site(op.attributes["exception"], op.attributes["message"], op.loc,
                                   tuple(a.type for a in op.args))
        with b.if_then(self.value(op.cond), likely=False):
            for i, arg in enumerate(op.args):
                slot = b.gep(self.err_ptr, [lir.Constant(_I64, i)], inbounds=True, source_etype=_I64)
                b.store(_to_slot(b, self.value(arg), arg.type), slot)
            self._fail(op, lir.Constant(_STATUS, site))

    def _fail(self, op: Operation, status: lir.Value) -> None:
        """The end of an error path: ``op``'s cleanup region (the releases the
        ``refcount`` pass put there), then return ``status``."""
        if op.cleanup is not None:
            self.lower_block(op.cleanup)
        self.b.ret(status)

    # -- structured control flow
    @_lowers(IfOp)
    def _if(self, op: IfOp) -> list[lir.Value]:
        b = self.b
        with b.if_else(self.value(op.cond)) as (then, otherwise):
            with then:
                then_values = self.lower_block(op.then_block)
                then_end = b.basic_block
            with otherwise:
                else_values = self.lower_block(op.else_block)
                else_end = b.basic_block
        results = []
        for result, a, c in zip(op.results, then_values, else_values):
            phi = b.phi(value_type(result.type))
            phi.add_incoming(a, then_end)
            phi.add_incoming(c, else_end)
            results.append(phi)
        return results

    def _trip_count(self, lower: lir.Value, upper: lir.Value, step: lir.Value) -> lir.Value:
        """``len(range(lower, upper, step))`` for a non-zero step, as an unsigned i64."""
        b = self.b
        zero, one = lir.Constant(_I64, 0), lir.Constant(_I64, 1)
        up = b.icmp_signed(">", step, zero)
        high, low = b.select(up, upper, lower), b.select(up, lower, upper)
        nonempty = b.icmp_signed("<", low, high)
        span = b.sub(high, low)  # exact as an unsigned number when nonempty
        magnitude = b.select(up, step, b.neg(step))  # |step| as unsigned (|INT_MIN| = 2**63)
        count = b.add(b.udiv(b.sub(span, one), magnitude), one)
        return b.select(nonempty, count, zero)

    @_lowers(ForOp)
    def _for(self, op: ForOp) -> list[lir.Value]:
        b = self.b
        lower, upper, step = (self.value(v) for v in (op.lower, op.upper, op.step))
        count = self._trip_count(lower, upper, step)
        preheader = b.basic_block
        header = b.append_basic_block("for.header")
        body = b.append_basic_block("for.body")
        exit_ = b.append_basic_block("for.exit")
        b.branch(header)
        b.position_at_end(header)
        k = b.phi(_I64, "k")
        carried = [b.phi(value_type(v.type)) for v in op.inits]
        k.add_incoming(lir.Constant(_I64, 0), preheader)
        for phi, init in zip(carried, op.inits):
            phi.add_incoming(self.value(init), preheader)
        b.cbranch(b.icmp_unsigned("<", k, count), body, exit_)
        b.position_at_end(body)
        self.values[op.induction_var] = b.add(lower, b.mul(k, step), name="i")
        self.values.update(zip(op.iter_args, carried))
        next_values = self.lower_block(op.body)
        next_k = b.add(k, lir.Constant(_I64, 1), flags=("nuw",))  # k < count <= 2**64 - 1
        latch = b.basic_block
        b.branch(header)
        k.add_incoming(next_k, latch)
        for phi, value in zip(carried, next_values):
            phi.add_incoming(value, latch)
        b.position_at_end(exit_)
        return carried

    @_lowers(WhileOp)
    def _while(self, op: WhileOp) -> list[lir.Value]:
        b = self.b
        preheader = b.basic_block
        before = b.append_basic_block("while.before")
        after = b.append_basic_block("while.after")
        exit_ = b.append_basic_block("while.exit")
        b.branch(before)
        b.position_at_end(before)
        current = [b.phi(value_type(v.type)) for v in op.operands]
        for phi, init in zip(current, op.operands):
            phi.add_incoming(self.value(init), preheader)
        self.values.update(zip(op.before.args, current))
        cond, *forwarded = self.lower_block(op.before)
        b.cbranch(cond, after, exit_)
        b.position_at_end(after)
        self.values.update(zip(op.after.args, forwarded))
        next_values = self.lower_block(op.after)
        latch = b.basic_block
        b.branch(before)
        for phi, value in zip(current, next_values):
            phi.add_incoming(value, latch)
        b.position_at_end(exit_)
        return forwarded  # computed in the block that branches to the exit: they dominate it

    # -- constants, tuples, select
    @_lowers(ConstantOp)
    def _const(self, op: ConstantOp) -> lir.Value:
        return _constant(op.value, op.result.type)

    @_lowers(MakeTupleOp)
    def _tuple(self, op: MakeTupleOp) -> lir.Value:
        out = lir.Constant(value_type(op.result.type), lir.Undefined)
        for i, v in enumerate(op.operands):
            out = self.b.insert_value(out, self.value(v), i)
        return out

    @_lowers(TupleGetOp)
    def _tuple_get(self, op: TupleGetOp) -> lir.Value:
        return self.b.extract_value(self.value(op.operand(0)), op.index)

    # -- arrays
    def _shape(self, array: lir.Value, t: ArrayType) -> list[lir.Value]:
        return [self.b.extract_value(array, [2, k]) for k in range(t.ndim)]

    def _strides(self, array: lir.Value, t: ArrayType) -> list[lir.Value]:
        return [self.b.extract_value(array, [3, k]) for k in range(t.ndim)]

    def _element_pointer(self, array: lir.Value, t: ArrayType, indices: Sequence[lir.Value]) -> lir.Value:
        """The address of ``array[indices]`` (in-range indices): from the shape for
        ``C``/``F``, from the byte strides for ``A``."""
        b = self.b
        data = b.extract_value(array, 1)
        if t.ndim == 0:
            return data
        if t.layout in ("C", "F"):
            shape = self._shape(array, t)
            axes = list(range(t.ndim)) if t.layout == "C" else list(reversed(range(t.ndim)))
            offset = indices[axes[0]]
            for k in axes[1:]:  # Horner: ((i0 * n1 + i1) * n2 + i2) ... for C
                offset = b.add(b.mul(offset, shape[k], flags=_INDEX_FLAGS), indices[k], flags=_INDEX_FLAGS)
            return b.gep(data, [offset], inbounds=True, source_etype=memory_type(t.dtype))
        offset = None
        for index, stride in zip(indices, self._strides(array, t)):
            term = b.mul(index, stride, flags=("nsw",))
            offset = term if offset is None else b.add(offset, term, flags=("nsw",))
        return b.gep(data, [offset], inbounds=True, source_etype=_I8)

    @_lowers(ArrayDimOp)
    def _array_dim(self, op: ArrayDimOp) -> lir.Value:
        return self.b.extract_value(self.value(op.operand(0)), [2, op.axis])

    @_lowers(ArrayLoadOp)
    def _array_load(self, op: ArrayLoadOp) -> lir.Value:
        b, t = self.b, op.array.type
        ptr = self._element_pointer(self.value(op.array), t, [self.value(v) for v in op.indices])
        if isinstance(t.dtype, ComplexType):  # the two parts, as NumPy stores them
            part, pair = value_type(t.dtype.part), memory_type(t.dtype)
            return _complex(b, *(b.load(b.gep(ptr, [_I32_ZERO, lir.Constant(_I32, k)], inbounds=True,
                                                   source_etype=pair), typ=part) for k in (0, 1)))
        return _from_memory(b, b.load(ptr, typ=memory_type(t.dtype)), t.dtype)

    @_lowers(ArrayStoreOp)
    def _array_store(self, op: ArrayStoreOp) -> None:
        b, t = self.b, op.array.type
        ptr = self._element_pointer(self.value(op.array), t, [self.value(v) for v in op.indices])
        value = self.value(op.value)
        if isinstance(t.dtype, ComplexType):
            pair = memory_type(t.dtype)
            for k, part in enumerate(_parts(b, value)):
                b.store(part, b.gep(ptr, [_I32_ZERO, lir.Constant(_I32, k)], inbounds=True, source_etype=pair))
            return
        b.store(_to_memory(b, value, t.dtype), ptr)

    @_lowers(VectorLoadOp)
    def _vector_load(self, op: VectorLoadOp) -> lir.Value:
        t = op.operand(0).type
        ptr = self._element_pointer(self.value(op.operand(0)), t, [self.value(v) for v in op.indices])
        loaded = self.b.load(ptr, typ=memory_type(op.result.type), align=_itemsize(t.dtype))
        return _from_memory(self.b, loaded, op.result.type)

    @_lowers(VectorStoreOp)
    def _vector_store(self, op: VectorStoreOp) -> None:
        t = op.operand(0).type
        ptr = self._element_pointer(self.value(op.operand(0)), t, [self.value(v) for v in op.indices])
        value = op.operands[-1]
        self.b.store(_to_memory(self.b, self.value(value), value.type), ptr, align=_itemsize(t.dtype))

    @_lowers(VectorSplatOp)
    def _vector_splat(self, op: VectorSplatOp) -> lir.Value:
        b, vt = self.b, value_type(op.result.type)
        one = b.insert_element(lir.Constant(vt, None), self.value(op.operand(0)), _I32_ZERO)
        mask = lir.Constant(lir.VectorType(_I32, op.result.type.width), [0] * op.result.type.width)
        return b.shuffle_vector(one, lir.Constant(vt, None), mask)

    @_lowers(VectorReduceOp)
    def _vector_reduce(self, op: VectorReduceOp) -> lir.Value:
        """The lanes combined in lane order, each step the scalar op's own semantics."""
        b, vector, t = self.b, self.value(op.operand(0)), op.result.type
        cls = BINARY_OPS[op.kind]
        combined = b.extract_element(vector, _I32_ZERO)
        for lane in range(1, op.operand(0).type.width):
            x = b.extract_element(vector, lir.Constant(_I32, lane))
            combined = (self._int_binary(cls, combined, x, t) if isinstance(t, (BoolType, IntType))
                        else self._float_binary(cls, combined, x))
        return combined

    @_lowers(ArrayOverlapOp)
    def _array_overlap(self, op: ArrayOverlapOp) -> lir.Value:
        """``[start, start + size * itemsize)`` of the two arrays intersect (both non-empty)."""
        b = self.b
        spans = []
        for v in op.operands:
            array = self.value(v)
            start = b.ptrtoint(b.extract_value(array, 1), _I64)
            size = lir.Constant(_I64, _itemsize(v.type.dtype))
            for extent in self._shape(array, v.type):
                size = b.mul(size, extent)
            spans.append((start, b.add(start, size), b.icmp_signed(">", size, lir.Constant(_I64, 0))))
        (a0, a1, a_any), (b0, b1, b_any) = spans
        crossing = b.and_(b.icmp_unsigned("<", a0, b1), b.icmp_unsigned("<", b0, a1))
        return b.and_(crossing, b.and_(a_any, b_any))

    @_lowers(ArrayViewOp)
    def _array_view(self, op: ArrayViewOp) -> lir.Value:
        """``a[i]``: the same meminfo (no count change), data moved to row ``i``,
        the shape and strides without their first entries."""
        b, t = self.b, op.operand(0).type
        array, index = (self.value(v) for v in op.operands)
        shape, data = self._shape(array, t), b.extract_value(array, 1)
        strides = self._strides(array, t)
        if t.layout == "C":
            row = shape[1]
            for extent in shape[2:]:  # wraps: exact when non-zero, 0 when an extent is (see alloc)
                row = b.mul(row, extent)
            data = b.gep(data, [b.mul(index, row, flags=_INDEX_FLAGS)], inbounds=True,
                         source_etype=memory_type(t.dtype))
        elif t.layout == "F":  # the first axis is the unit-stride one
            data = b.gep(data, [index], inbounds=True, source_etype=memory_type(t.dtype))
        else:
            data = b.gep(data, [b.mul(index, strides[0], flags=("nsw",))], inbounds=True, source_etype=_I8)
        return self._make_array(op.result.type, b.extract_value(array, 0), data, shape[1:], strides[1:])

    def _make_array(self, t: ArrayType, meminfo: lir.Value, data: lir.Value,
                    shape: Sequence[lir.Value], strides: Sequence[lir.Value]) -> lir.Value:
        b = self.b
        out = b.insert_value(lir.Constant(value_type(t), lir.Undefined), meminfo, 0)
        out = b.insert_value(out, data, 1)
        for k, (extent, stride) in enumerate(zip(shape, strides)):
            out = b.insert_value(out, extent, [2, k])
            out = b.insert_value(out, stride, [3, k])
        return out

    @_lowers(ArrayAllocOp)
    def _array_alloc(self, op: ArrayAllocOp) -> lir.Value:
        """``aligned_alloc(64, round64(64 + nbytes))``; the frontend guarantees that
        ``nbytes`` does not overflow, so neither does the rounding (``nbytes < 2**63``).

        The strides and ``nbytes`` are products that wrap (no ``nsw``/``nuw``):
        without a zero extent they are exact (they divide ``nbytes``); with one,
        a partial product may overflow (``(0, 2**40, 2**40)``) but ``nbytes`` is
        still exactly 0 and the strides of an empty array are never used --
        an overflow flag would make them poison instead."""
        b, t = self.b, op.result.type
        shape = [self.value(v) for v in op.operands]
        itemsize = lir.Constant(_I64, _itemsize(t.dtype))
        strides = [itemsize]
        for extent in reversed(shape[1:]):
            strides.insert(0, b.mul(strides[0], extent))
        nbytes = b.mul(strides[0], shape[0]) if shape else itemsize
        size = b.and_(b.add(nbytes, lir.Constant(_I64, MEMINFO_HEADER + DATA_ALIGNMENT - 1), flags=("nuw",)),
                      lir.Constant(_I64, -DATA_ALIGNMENT))
        alloc = self.module.libc("aligned_alloc", lir.FunctionType(_PTR, [_I64, _I64]))
        meminfo = b.call(alloc, [lir.Constant(_I64, DATA_ALIGNMENT), size], name="meminfo")
        site = register_error_site("MemoryError", "unable to allocate array data", op.loc, ())
        with b.if_then(b.icmp_unsigned("==", meminfo, lir.Constant(_PTR, None)), likely=False):
            b.ret(lir.Constant(_STATUS, site))
        b.store(lir.Constant(_I64, 1), meminfo)
        data = b.gep(meminfo, [lir.Constant(_I64, MEMINFO_HEADER)], inbounds=True, source_etype=_I8, name="data")
        return self._make_array(t, meminfo, data, shape, strides)

    @_lowers(ArrayUndefOp)
    def _array_undef(self, op: ArrayUndefOp) -> lir.Value:
        """Null meminfo and data, zero extents and strides (reference counting skips it)."""
        return lir.Constant(value_type(op.result.type), None)

    @_lowers(ArrayIncrefOp, ArrayDecrefOp)
    def _array_refcount(self, op: Operation) -> None:
        """Atomic count changes on a non-null meminfo; the last ``decref`` frees."""
        b = self.b
        meminfo = b.extract_value(self.value(op.operand(0)), 0)
        one = lir.Constant(_I64, 1)
        with b.if_then(b.icmp_unsigned("!=", meminfo, lir.Constant(_PTR, None))):
            if isinstance(op, ArrayIncrefOp):
                b.atomic_rmw("add", meminfo, one, "monotonic")
            else:
                old = b.atomic_rmw("sub", meminfo, one, "acq_rel")
                with b.if_then(b.icmp_unsigned("==", old, one)):
                    b.call(self.module.libc("free", lir.FunctionType(lir.VoidType(), [_PTR])), [meminfo])

    @_lowers(RealOp, ImagOp)
    def _complex_part(self, op: RealOp | ImagOp) -> lir.Value:
        return self.b.extract_value(self.value(op.operand(0)), 0 if isinstance(op, RealOp) else 1)

    @_lowers(MakeComplexOp)
    def _make_complex(self, op: MakeComplexOp) -> lir.Value:
        re, im = (self.value(v) for v in op.operands)
        return _complex(self.b, re, im)

    @_lowers(SelectOp)
    def _select(self, op: SelectOp) -> lir.Value:
        c, x, y = (self.value(v) for v in op.operands)
        return self.b.select(c, x, y)

    # -- arithmetic
    @_lowers(AddOp, SubOp, MulOp, DivOp, FloorDivOp, ModOp, PowOp, AndOp, OrOp, XorOp,
             ShlOp, ShrOp, MinOp, MaxOp)
    def _binary(self, op: BinaryOp) -> lir.Value:
        x, y = self.value(op.lhs), self.value(op.rhs)
        cls, t = type(op), op.lhs.type
        if isinstance(t, VectorType):  # lane by lane: the vectorizer makes only the simple ops
            t = t.element
        if isinstance(t, (BoolType, IntType)):
            return self._int_binary(cls, x, y, t)
        if cls is PowOp and t == c64:  # single precision loses too much through exp/log: go wide
            wide = self._real_or_complex_binary(cls, self.convert(x, t, c128), self.convert(y, t, c128), c128)
            return self.convert(wide, c128, t)
        return self._real_or_complex_binary(cls, x, y, t)

    def _real_or_complex_binary(self, cls: type[BinaryOp], x: lir.Value, y: lir.Value, t: Type) -> lir.Value:
        if isinstance(t, FloatType):
            return self._float_binary(cls, x, y)
        return self._complex_binary(cls, x, y)

    def _int_binary(self, cls: type[BinaryOp], x: lir.Value, y: lir.Value, t: Type) -> lir.Value:
        b = self.b
        signed = isinstance(t, IntType) and t.signed  # bool compares as unsigned (False < True)
        if cls in _INT_SIMPLE:
            return getattr(b, _INT_SIMPLE[cls])(x, y)
        if cls in (FloorDivOp, ModOp):
            quotient, remainder = (self._floor_divmod if signed else self._unsigned_divmod)(x, y)
            return quotient if cls is FloorDivOp else remainder
        if cls is PowOp:
            return b.call(self.module.int_pow(x.type), [x, y])
        if cls in (ShlOp, ShrOp):
            return self._shift(cls, x, y, signed)
        compare = b.icmp_signed if signed else b.icmp_unsigned
        return b.select(compare("<" if cls is MinOp else ">", y, x), y, x)

    def _unsigned_divmod(self, x: lir.Value, y: lir.Value) -> tuple[lir.Value, lir.Value]:
        return self.b.udiv(x, y), self.b.urem(x, y)

    def _floor_divmod(self, x: lir.Value, y: lir.Value) -> tuple[lir.Value, lir.Value]:
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

    def _shift(self, cls: type[BinaryOp], x: lir.Value, y: lir.Value, signed: bool) -> lir.Value:
        """Counts of at least the width give 0, or the sign for a signed ``shr``."""
        b = self.b
        width = lir.Constant(x.type, x.type.width)
        too_big = b.icmp_unsigned(">=", y, width)
        if cls is ShrOp and signed:
            return b.ashr(x, b.select(too_big, lir.Constant(x.type, x.type.width - 1), y))
        shifted = b.shl(x, y) if cls is ShlOp else b.lshr(x, y)
        return b.select(too_big, lir.Constant(x.type, 0), shifted)

    def _float_binary(self, cls: type[BinaryOp], x: lir.Value, y: lir.Value) -> lir.Value:
        b = self.b
        if cls in _FLOAT_SIMPLE:
            return getattr(b, _FLOAT_SIMPLE[cls])(x, y)
        if cls in (FloorDivOp, ModOp):
            quotient, remainder = self._float_divmod(x, y)
            return quotient if cls is FloorDivOp else remainder
        if cls is PowOp:
            return self.module.call_math(b, "pow", x, y)
        compare = b.fcmp_ordered("<" if cls is MinOp else ">", y, x)
        return b.select(compare, y, x)

    def _float_divmod(self, vx: lir.Value, wx: lir.Value) -> tuple[lir.Value, lir.Value]:
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

    def _complex_binary(self, cls: type[BinaryOp], x: lir.Value, y: lir.Value) -> lir.Value:
        b = self.b
        if cls in (AddOp, SubOp):
            method = b.fadd if cls is AddOp else b.fsub
            (a, c), (d, e) = _parts(b, x), _parts(b, y)
            return _complex(b, method(a, d), method(c, e))
        if cls is MulOp:
            return _complex_mul(b, x, y)
        if cls is DivOp:
            return _complex_div(b, x, y)
        return b.call(self.module.complex_pow(x.type), [x, y])

    # -- comparisons
    @_lowers(EqOp, NeOp, LtOp, LeOp, GtOp, GeOp)
    def _compare(self, op: CompareOp) -> lir.Value:
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

    # -- unary
    @_lowers(NegOp)
    def _neg(self, op: NegOp) -> lir.Value:
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
    def _not(self, op: Operation) -> lir.Value:
        return self.b.not_(self.value(op.operand(0)))  # xor with all ones

    # -- casts
    @_lowers(CastOp)
    def _cast(self, op: CastOp) -> lir.Value:
        return self.convert(self.value(op.operand(0)), op.operand(0).type, op.result.type)

    def convert(self, x: lir.Value, src: Type, dst: Type) -> lir.Value:
        """CastOp's semantics: ints wrap, floats truncate toward zero, ``x != 0`` to bool."""
        b = self.b
        if src == dst:
            return x
        if isinstance(dst, BoolType):
            return self.truth(x, src)
        if isinstance(dst, ComplexType):
            if isinstance(src, ComplexType):
                return _complex(b, *(self.convert(p, src.part, dst.part) for p in _parts(b, x)))
            return _complex(b, self.convert(x, src, dst.part), _fconst(value_type(dst.part), 0.0))
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
            return b.fptosi(x, target) if dst.signed else b.fptoui(x, target)
        return b.fpext(x, target) if dst.bits > src.bits else b.fptrunc(x, target)

    def truth(self, x: lir.Value, t: Type) -> lir.Value:
        """``x != 0``: NaN is true; a complex number is true if either part is."""
        b = self.b
        if isinstance(t, (BoolType, IntType)):
            return b.icmp_unsigned("!=", x, lir.Constant(x.type, 0))
        if isinstance(t, FloatType):
            return b.fcmp_unordered("!=", x, _fconst(x, 0.0))
        re, im = _parts(b, x)
        return b.or_(self.truth(re, t.part), self.truth(im, t.part))

    # -- math
    @_lowers(MathOp)
    def _math(self, op: MathOp) -> lir.Value:
        x = self.value(op.operand(0))
        return self.module.call_math(self.b, op.fn, x)

    @_lowers(Math2Op)
    def _math2(self, op: Math2Op) -> lir.Value:
        x, y = (self.value(v) for v in op.operands)
        if op.fn == "fmod":
            return self.b.frem(x, y)
        return self.module.call_math(self.b, op.fn, x, y)

    @_lowers(FloatTestOp)
    def _ftest(self, op: FloatTestOp) -> lir.Value:
        """``isnan``/``isinf``/``isfinite``; for complex numbers as in ``cmath``:
        NaN or infinite if either part is, finite if both are."""
        b = self.b
        x, t = self.value(op.operand(0)), op.operand(0).type
        if isinstance(t, FloatType):
            return self._float_test(op.fn, x)
        re, im = (self._float_test(op.fn, p) for p in _parts(b, x))
        return b.and_(re, im) if op.fn == "isfinite" else b.or_(re, im)

    def _float_test(self, fn: str, x: lir.Value) -> lir.Value:
        b = self.b
        if fn == "isnan":
            return b.fcmp_unordered("uno", x, x)
        magnitude = b.call(self.module.intrinsic("fabs", x.type), [x])
        inf = _fconst(x, float("inf"))
        return b.fcmp_ordered("==" if fn == "isinf" else "<", magnitude, inf)


def lower_module(module: Module) -> str:
    """The LLVM IR text of ``module`` (see the module docstring for the ABI).

    Registers an error site for every ``raise_if`` (``ValueError`` from the
    registry for more than ``MAX_ERROR_ARGS`` message arguments or a bad
    template).  Raises ``NotImplementedError`` for ops or types the code
    generator does not handle yet (vectors).
    """
    return _ModuleLowering(module).run()


def _power_of_two(value: lir.Value) -> int | None:
    """``k`` when ``value`` is the constant ``2**k`` (k >= 0, below the sign bit), else ``None``."""
    c = getattr(value, "constant", None) if isinstance(value, lir.Constant) else None
    if isinstance(c, int) and c > 0 and c & (c - 1) == 0 and c.bit_length() < value.type.width:
        return c.bit_length() - 1
    return None


from .lower_runtime import guarded_call, random_streams  # noqa: E402  (also registers their lowerings)
