"""C callbacks: a C function of a declared signature around a compiled kernel, and the lowering
of ``ptr.array`` (an array view of a C pointer).

:func:`lower_cfunc` lowers the kernel's IR module (every function ``internal``, none with
an entry wrapper, so LLVM inlines the kernel) and adds to that same LLVM module:

* ``i32 @"pyjit_cfunc_checked.f"(ptr ret, ptr errargs, <C arguments>)`` (exported): calls
  the kernel on the C arguments (a C ``bool`` is a byte, non-zero is true; a pointer is
  passed as it is) and returns its status, the result in ``*ret`` in its memory form.
  ``compiler.cfunc.CFunc.__call__`` calls it, so that a Python caller gets the kernel's
  exception itself;
* ``<C result> @"pyjit_cfunc.f"(<C arguments>)`` (exported, :func:`cfunc_symbol`): the C
  function, which calls the checked one and returns the result (a ``bool`` as a byte 0/1).

When the kernel fails -- it raised, or a bounds check fired -- the C function cannot raise:
its caller is C.  It calls a cold helper that takes the GIL (``PyGILState_Ensure``: the C
caller may hold it or not, on any thread), sets the kernel's exception by calling the
Python ``reporter`` (``reporter(status, errargs_address)`` raises it, with its message
and source line), hands it to ``PyErr_WriteUnraisable(reporter)`` -- which calls
``sys.unraisablehook``, printing ``Exception ignored in: <cfunc ...>`` and the traceback
by default -- and gives the GIL back; the C function then returns its ``error_result``
constant.  No other path takes the GIL: code that needs it (strings, ``np.random``,
``py_call``) takes it where it does, through the entry guards its families registered,
as an entry wrapper's call does.
"""
from __future__ import annotations

import functools
from typing import Any

import llvmlite.ir as lir

from ir.module import Module
from ir.ops import PointerArrayOp
from ir.ops.func import FuncOp
from ir.records import record
from ir.types import BoolType, FloatType, IntType, NoneType, PointerType, Type
from runtime.errors import ERRARGS_SLOTS

from .core import (
    _I8, _I32, _I64, _PTR, _STATUS, LoweredModule, _FunctionLowering, _itemsize, _lowers, _ModuleLowering,
    memory_type, set_stack_limit, value_type,
)

#: the exported C function of IR function ``@f`` is ``"pyjit_cfunc." + f``, its checked variant
#: ``"pyjit_cfunc_checked." + f``
CFUNC_PREFIX = "pyjit_cfunc."
CHECKED_PREFIX = "pyjit_cfunc_checked."
_VOID = lir.VoidType()


def cfunc_symbol(sym_name: str) -> str:
    """The exported C function's symbol for the kernel ``@sym_name``."""
    return CFUNC_PREFIX + sym_name


def checked_symbol(sym_name: str) -> str:
    """The exported checked variant's symbol for the kernel ``@sym_name``."""
    return CHECKED_PREFIX + sym_name


# ----------------------------------------------------------------- ptr.array
@_lowers(PointerArrayOp)
def _pointer_array(self: _FunctionLowering, op: PointerArrayOp) -> lir.Value:
    """``{null, ptr, shape, strides}``, the byte strides those of a C (F) contiguous array."""
    b = self.b
    t = op.result.type
    shape = [self.value(v) for v in op.operands[1:]]
    strides: list[lir.Value] = [lir.Constant(_I64, 0)] * t.ndim
    stride: lir.Value = lir.Constant(_I64, _itemsize(t.dtype))
    for k in (reversed(range(t.ndim)) if t.layout == "C" else range(t.ndim)):
        strides[k] = stride
        stride = b.mul(stride, shape[k], flags=("nsw",))
    out = b.insert_value(lir.Constant(value_type(t), lir.Undefined), lir.Constant(_PTR, None), 0)
    out = b.insert_value(out, self.value(op.operand(0)), 1)
    for k in range(t.ndim):
        out = b.insert_value(b.insert_value(out, shape[k], [2, k]), strides[k], [3, k])
    return out


# ----------------------------------------------------------------- the C function
def c_type(t: Type) -> lir.Type:
    """The LLVM type of a C argument or result of IR type ``t`` (a ``bool`` is a byte)."""
    if isinstance(t, BoolType):
        return _I8
    if isinstance(t, NoneType):
        return _VOID
    if isinstance(t, (IntType, FloatType, PointerType)):
        return value_type(t)
    raise NotImplementedError(f"a C function cannot take or return {t}")   # checked by compiler.cfunc


@record(frozen=True)
class LoweredCFunc:
    """A kernel module lowered with its C function: the module, the two exported symbols."""

    lowered: LoweredModule
    symbol: str
    checked: str


def lower_cfunc(module: Module, kernel: FuncOp, error_result: Any, reporter: Any) -> LoweredCFunc:
    """Lower ``module`` (after the refcount pass) with the C function around ``kernel``, whose
    argument and result types are the C signature's (scalars, pointers; ``none``: void).
    ``error_result``: what the C function returns when the kernel fails (ignored for void);
    ``reporter``: the Python callable that raises a status (kept alive by the caller)."""
    lowering = _ModuleLowering(module, ())
    lowered = lowering.run()
    checked = _checked_function(lowering, kernel)
    report = _report_helper(lowering, reporter)
    symbol = cfunc_symbol(kernel.sym_name)
    result = kernel.result_type
    fn = lir.Function(lowering.llvm, lir.FunctionType(c_type(result), [c_type(t) for t in kernel.arg_types]), symbol)
    fn.attributes.add("nounwind")
    _extension_attributes(fn, kernel)
    b = lir.IRBuilder(fn.append_basic_block("entry"))
    ret = b.alloca(memory_type(result) if not isinstance(result, NoneType) else _I8)
    ret.type = _PTR   # llvmlite types allocas as typed pointers; LLVM has only `ptr`
    errargs = b.alloca(lir.ArrayType(_I64, ERRARGS_SLOTS))
    errargs.type = _PTR
    status = b.call(checked, [ret, errargs, *fn.args])
    with b.if_then(b.icmp_unsigned("!=", status, lir.Constant(_STATUS, 0)), likely=False):
        b.call(report, [status, errargs])
        if isinstance(result, NoneType):
            b.ret_void()
        else:
            b.ret(_error_constant(result, error_result))
    if isinstance(result, NoneType):
        b.ret_void()
    else:
        b.ret(b.load(ret, typ=c_type(result)))   # memory form: a bool is its byte already
    return LoweredCFunc(LoweredModule(str(lowering.llvm), lowered.error_sites, lowered.cold), symbol,
                        checked.name)


def _checked_function(lowering: _ModuleLowering, kernel: FuncOp) -> lir.Function:
    """``i32 checked(ptr ret, ptr errargs, <C arguments>)``: the kernel's call, in its entry guards."""
    fnty = lir.FunctionType(_STATUS, [_PTR, _PTR, *(c_type(t) for t in kernel.arg_types)])
    fn = lir.Function(lowering.llvm, fnty, checked_symbol(kernel.sym_name))
    fn.attributes.add("nounwind")
    ret, errargs, *args = fn.args
    ret.name, errargs.name = "ret", "errargs"
    b = lir.IRBuilder(fn.append_basic_block("entry"))
    values = [b.icmp_unsigned("!=", a, lir.Constant(_I8, 0)) if isinstance(t, BoolType) else a
              for a, t in zip(args, kernel.arg_types)]
    target = lowering.functions[kernel.sym_name]
    if lowering.recurses_from(kernel.sym_name):
        set_stack_limit(lowering.llvm, b, errargs)

    def call() -> lir.Value:
        return b.call(target, [ret, errargs, *values])

    guarded = call
    for guard, found in lowering.entry_guards:
        guarded = functools.partial(guard, lowering, b, errargs, found, guarded)
    b.ret(guarded())
    return fn


def _report_helper(lowering: _ModuleLowering, reporter: Any) -> lir.Function:
    """``void report(i32 status, ptr errargs)``: with the GIL, raise the status through
    ``reporter`` and hand the exception to ``PyErr_WriteUnraisable`` (see the module docstring)."""
    fn = lir.Function(lowering.llvm, lir.FunctionType(_VOID, [_STATUS, _PTR]), CFUNC_PREFIX + "report")
    fn.linkage = "internal"
    for attribute in ("noinline", "cold", "nounwind"):
        fn.attributes.add(attribute)
    status, errargs = fn.args
    b = lir.IRBuilder(fn.append_basic_block("entry"))
    text = bytearray(b"iL\0")
    fmt = lir.GlobalVariable(lowering.llvm, lir.ArrayType(_I8, len(text)), CFUNC_PREFIX + "report_format")
    fmt.global_constant, fmt.linkage = True, "private"
    fmt.initializer = lir.Constant(lir.ArrayType(_I8, len(text)), text)
    owner = b.inttoptr(lir.Constant(_I64, id(reporter)), _PTR)
    gil = b.call(lowering.libc("PyGILState_Ensure", lir.FunctionType(_I32, [])), [])
    call = lowering.libc("PyObject_CallFunction", lir.FunctionType(_PTR, [_PTR, _PTR], var_arg=True))
    raised = b.call(call, [owner, fmt, status, b.ptrtoint(errargs, _I64)])
    b.call(lowering.libc("Py_DecRef", lir.FunctionType(_VOID, [_PTR])), [raised])   # NULL: it raised
    b.call(lowering.libc("PyErr_WriteUnraisable", lir.FunctionType(_VOID, [_PTR])), [owner])
    b.call(lowering.libc("PyGILState_Release", lir.FunctionType(_VOID, [_I32])), [gil])
    b.ret_void()
    return fn


def _error_constant(t: Type, value: Any) -> lir.Constant:
    """``value`` (checked by ``compiler.cfunc``) as the C result of type ``t``."""
    if isinstance(t, BoolType):
        return lir.Constant(_I8, int(bool(value)))
    if isinstance(t, IntType):
        return lir.Constant(value_type(t), t.wrap(int(value)))
    if isinstance(t, PointerType):
        return lir.Constant(_PTR, None)
    return lir.Constant(value_type(t), float(value))


def _extension_attributes(fn: lir.Function, kernel: FuncOp) -> None:
    """``signext``/``zeroext`` on integers narrower than 32 bits, as C compilers mark them."""
    def extension(t: Type) -> str | None:
        if isinstance(t, BoolType):
            return "zeroext"
        if isinstance(t, IntType) and t.bits < 32:
            return "signext" if t.signed else "zeroext"
        return None

    for arg, t in zip(fn.args, kernel.arg_types):
        if extension(t):
            arg.add_attribute(extension(t))
    if extension(kernel.result_type):
        fn.return_value.add_attribute(extension(kernel.result_type))
