"""NumPy inner loops around a compiled kernel, generated in the kernel's own LLVM module.

A ufunc's inner loop has NumPy's legacy signature::

    void loop(char **args, npy_intp const *dimensions, npy_intp const *steps, void *data)

:func:`lower_ufunc_loop` lowers the kernel's IR module (every function
``internal``, none with an entry wrapper, so none is ``noinline``) and adds two
functions to that same LLVM module, so that LLVM inlines the kernel into the
loop and vectorizes the loop where the kernel allows:

* ``i32 elements(args, dimensions, steps, begin, end, errargs)`` (internal): the
  loop over elements (outer iterations) ``begin..end-1``, returning the status
  of the first failing one;
* the loop, exported as :func:`loop_symbol`: it runs ``elements`` over all of
  ``dimensions[0]`` -- at once, or for ``target="parallel"`` split over a team of
  threads (:mod:`.ufunc_threads`) -- and raises a failing status (below).

What ``elements`` does per element:

* **Element-wise** (``vectorize``): ``dimensions[0]`` elements; operand ``k``'s
  element ``i`` is at ``args[k] + i * steps[k]``.  When every step is the
  operand's item size (contiguous operands: NumPy's common case) the loop
  indexes typed pointers, which LLVM vectorizes (with run-time checks for
  overlapping operands); otherwise it adds byte strides.  The inputs are loaded in
  their memory form and converted as compiled code's arguments are (``bool``:
  a byte), the result stored as the kernel stores it.
* **Generalized** (``guvectorize``): ``dimensions[0]`` outer iterations; each
  calls the kernel with, per operand, a scalar loaded from
  ``args[k] + i * steps[k]`` or an array lent to it (meminfo null, as the ABI of
  ``core`` has it) whose data is that address, whose shape is the operand's core
  dimensions (``dimensions[1 + d]``) and whose byte strides are the operand's
  core steps (``steps[nargs + offset + j]``), described by :class:`CoreOperand`.
  An array operand with no core dimension (Numba's ``()`` output written as
  ``out[0]``) is one element long.

Errors.  A kernel that fails returns a status (its module's error site); the
loop stops there and calls a cold helper.  NumPy calls loops of
non-object dtypes with the GIL released (for more than a few hundred elements),
so the helper takes it (``PyGILState_Ensure``), calls the Python
:class:`LoopErrorRaiser`, which sets the exception of the status with the
kernel's message, marks the thread as failing (below), clears the
floating-point status flags (NumPy's ``PyUFunc_clearfperr``) and gives the GIL
back.  NumPy (2.x) sees the exception: its single-call path checks
``PyErr_Occurred()`` after the loop, and its iterator paths (strided, buffered,
masked ``where=``, reductions, accumulations, generalized ufuncs) fail in
``NpyIter_Deallocate``, which does.

But NumPy calls the loop again for the remaining chunks of an iteration before
it looks, and then checks the floating-point flags before the exception: an
overflow in a later chunk would, under ``np.errstate(over="raise")``, replace
the kernel's exception by a ``FloatingPointError`` (and warn, by default).  So a
failing loop also sets a thread-local mark (CPython's ``PyThread_tss_set`` on a
process-wide key, :func:`failing_mark`), and every loop call first reads it
(``PyThread_tss_get``, which needs no GIL: a few nanoseconds per call): when it is
set, a cold helper takes the GIL and looks whether the exception is still
pending -- then this call belongs to the failing iteration and returns at once,
computing nothing -- else (the exception was raised and handled since) it
clears the mark and the loop runs.  So the first error of a call is the one
raised, and nothing runs after it.

The entry guards a family registered (``core._guards_entries``: the GIL for a
kernel with ``str`` values, NumPy's generator lock for one that draws random
numbers) surround each call of the kernel, as they surround an entry wrapper's.
"""
from __future__ import annotations

import ctypes
import functools
from typing import Any, Sequence

import llvmlite.ir as lir

from ir.dtypes import to_dtype
from ir.module import Module
from ir.ops.func import FuncOp
from ir.records import record
from ir.types import ArrayType, Type
from runtime.errors import ERRARGS_SLOTS, ErrorSites

from .core import (
    _I32, _I64, _PTR, _STATUS, LoweredModule, _from_memory, _ModuleLowering, memory_type, set_stack_limit, value_type,
)
from .runtime import _FunctionPointer
from .ufunc_threads import ELEMENTS_PER_THREAD, ITERATIONS_PER_THREAD, run_split

#: the exported loop of IR function ``@f`` is ``"pyjit_ufunc." + f``
LOOP_PREFIX = "pyjit_ufunc."
_I8 = lir.IntType(8)
_VOID = lir.VoidType()


def loop_symbol(sym_name: str) -> str:
    """The exported inner loop's symbol for the kernel ``@sym_name``."""
    return LOOP_PREFIX + sym_name


@record(frozen=True)
class CoreOperand:
    """How a generalized ufunc's operand reaches the kernel: ``dims[j]`` is the index (into
    ``dimensions[1:]``) of its ``j``-th core dimension, ``step_offset`` where its core
    steps start after the ``nargs`` outer steps.  A scalar operand has no core dimension."""

    dims: tuple[int, ...]
    step_offset: int


class LoopErrorRaiser:
    """What a failing loop calls, holding the GIL: ``raiser(status, errargs_address)`` raises the
    exception of ``status`` in the kernel module's error-site table, with the message arguments
    the kernel stored in the ``errargs`` slots (:meth:`runtime.errors.ErrorSites.raise_error`)."""

    __slots__ = ("error_sites",)

    def __init__(self, error_sites: ErrorSites) -> None:
        self.error_sites = error_sites

    def __call__(self, status: int, errargs_address: int) -> None:
        slots = (ctypes.c_int64 * ERRARGS_SLOTS).from_address(errargs_address)
        self.error_sites.raise_error(status, list(slots))


@record(frozen=True)
class LoweredLoop:
    """A kernel module lowered with its inner loop: the module (its LLVM IR, error sites
    and cold functions), the loop's symbol, and the Python objects the code refers to by
    address (keep them alive as long as the code)."""

    lowered: LoweredModule
    symbol: str
    referenced: tuple[Any, ...]


@functools.cache
def failing_mark() -> int:
    """The address of the process's ``Py_tss_t`` key whose value marks a thread whose ufunc
    loop failed (see the module docstring); made on first use, never freed."""
    alloc, create = ctypes.pythonapi.PyThread_tss_alloc, ctypes.pythonapi.PyThread_tss_create
    alloc.restype, create.argtypes = ctypes.c_void_p, [ctypes.c_void_p]
    key = alloc()
    if not key or create(key) != 0:
        raise MemoryError("cannot create the thread-local key of failing ufunc loops")
    return key


def lower_ufunc_loop(module: Module, kernel: FuncOp, clear_fp_status: int,
                     core: Sequence[CoreOperand] | None = None, parallel: bool = False) -> LoweredLoop:
    """Lower ``module`` (after the refcount pass) with the inner loop that calls ``kernel``:
    element-wise (``core`` None: its arguments are the inputs, its result the output) or
    generalized (one :class:`CoreOperand` per argument; its result is ``none``); ``parallel``:
    the loop splits its elements over threads (:mod:`.ufunc_threads`).
    ``clear_fp_status``: the address of NumPy's ``PyUFunc_clearfperr``."""
    lowering = _ModuleLowering(module, ())
    lowered = lowering.run()
    raiser = LoopErrorRaiser(lowered.error_sites)
    builder = _Elements(lowering, kernel)
    elements = builder.elementwise() if core is None else builder.generalized(core)
    split = None if not parallel else ELEMENTS_PER_THREAD if core is None else ITERATIONS_PER_THREAD
    symbol = loop_symbol(kernel.sym_name)
    _loop_function(lowering, symbol, elements, _error_helper(lowering, raiser, clear_fp_status),
                   _still_failing_helper(lowering), split)
    return LoweredLoop(LoweredModule(str(lowering.llvm), lowered.error_sites, lowered.cold), symbol, (raiser,))


def _error_helper(lowering: _ModuleLowering, raiser: LoopErrorRaiser, clear_fp_status: int) -> lir.Function:
    """``void @"pyjit_ufunc.raise"(i32 status, ptr errargs)``: sets the kernel's exception and
    the failing mark (see the module docstring)."""
    fn = _cold_helper(lowering, "raise", lir.FunctionType(_VOID, [_STATUS, _PTR]))
    status, errargs = fn.args
    fmt = _c_string(lowering.llvm, LOOP_PREFIX + "error_format", "iL")
    b = lir.IRBuilder(fn.append_basic_block("entry"))
    gil = b.call(lowering.libc("PyGILState_Ensure", lir.FunctionType(_I32, [])), [])
    call = lowering.libc("PyObject_CallFunction", lir.FunctionType(_PTR, [_PTR, _PTR], var_arg=True))
    raised = b.call(call, [_address(b, id(raiser)), fmt, status, b.ptrtoint(errargs, _I64)])
    b.call(lowering.libc("Py_DecRef", lir.FunctionType(_VOID, [_PTR])), [raised])  # NULL: it raised
    _set_mark(lowering, b, b.inttoptr(lir.Constant(_I64, 1), _PTR))
    b.call(_address(b, clear_fp_status, lir.FunctionType(_VOID, [])), [])
    b.call(lowering.libc("PyGILState_Release", lir.FunctionType(_VOID, [_I32])), [gil])
    b.ret_void()
    return fn


def _still_failing_helper(lowering: _ModuleLowering) -> lir.Function:
    """``i1 @"pyjit_ufunc.still_failing"()``, called when the thread's failing mark is set: whether
    an exception is still pending (this call belongs to the failing iteration); if not, the
    mark is cleared."""
    fn = _cold_helper(lowering, "still_failing", lir.FunctionType(lir.IntType(1), []))
    b = lir.IRBuilder(fn.append_basic_block("entry"))
    gil = b.call(lowering.libc("PyGILState_Ensure", lir.FunctionType(_I32, [])), [])
    pending = b.icmp_unsigned("!=", b.call(lowering.libc("PyErr_Occurred", lir.FunctionType(_PTR, [])), []),
                              lir.Constant(_PTR, None))
    with b.if_then(b.not_(pending)):
        _set_mark(lowering, b, lir.Constant(_PTR, None))
    b.call(lowering.libc("PyGILState_Release", lir.FunctionType(_VOID, [_I32])), [gil])
    b.ret(pending)
    return fn


def _cold_helper(lowering: _ModuleLowering, name: str, fnty: lir.FunctionType) -> lir.Function:
    """An internal function the loop rarely calls, kept out of line so that the loop stays small."""
    fn = lir.Function(lowering.llvm, fnty, LOOP_PREFIX + name)
    fn.linkage = "internal"
    for attribute in ("noinline", "cold", "nounwind"):
        fn.attributes.add(attribute)
    return fn


def _set_mark(lowering: _ModuleLowering, b: lir.IRBuilder, value: lir.Value) -> None:
    tss_set = lowering.libc("PyThread_tss_set", lir.FunctionType(_I32, [_PTR, _PTR]))
    b.call(tss_set, [_address(b, failing_mark()), value])


def _loop_function(lowering: _ModuleLowering, symbol: str, elements: lir.Function, raise_error: lir.Function,
                   still_failing: lir.Function, split: int | None) -> None:
    """The exported ``void loop(args, dimensions, steps, data)``: returns at once when the thread's
    failing mark says so, runs ``elements`` over all of ``dimensions[0]`` -- on this thread, or
    split over a team of threads in shares of at least ``split`` -- and raises the error of the
    first failing element (of the first failing thread)."""
    fn = lir.Function(lowering.llvm, lir.FunctionType(_VOID, [_PTR, _PTR, _PTR, _PTR]), symbol)
    fn.attributes.add("nounwind")
    for arg, name in zip(fn.args, ("args", "dimensions", "steps", "data")):
        arg.name = name
    args, dims, steps, _ = fn.args
    b = lir.IRBuilder(fn.append_basic_block("entry"))
    tss_get = lowering.libc("PyThread_tss_get", lir.FunctionType(_PTR, [_PTR]))
    marked = b.icmp_unsigned("!=", b.call(tss_get, [_address(b, failing_mark())]), lir.Constant(_PTR, None))
    with b.if_then(marked, likely=False):
        with b.if_then(b.call(still_failing, [])):
            b.ret_void()
    count = b.load(dims, typ=_I64)
    if split is None:
        errargs = b.alloca(lir.ArrayType(_I64, ERRARGS_SLOTS))
        errargs.type = _PTR
        status = b.call(elements, [args, dims, steps, lir.Constant(_I64, 0), count, errargs])
    else:
        status, errargs = run_split(lowering, b, elements, [args, dims, steps], count, split)
    with b.if_then(b.icmp_unsigned("!=", status, lir.Constant(_STATUS, 0)), likely=False):
        b.call(raise_error, [status, errargs])
    b.ret_void()


class _Elements:
    """The builder of ``i32 elements(ptr args, ptr dimensions, ptr steps, i64 begin, i64 end, ptr
    errargs)``: the loop over elements (outer iterations) ``begin..end-1``, returning the status
    of the first failing one (its message arguments in ``errargs``) or 0."""

    def __init__(self, lowering: _ModuleLowering, kernel: FuncOp) -> None:
        self.lowering = lowering
        self.kernel = kernel
        fnty = lir.FunctionType(_STATUS, [_PTR, _PTR, _PTR, _I64, _I64, _PTR])
        self.fn = lir.Function(lowering.llvm, fnty, loop_symbol(kernel.sym_name) + ".elements")
        self.fn.linkage = "internal"
        self.fn.attributes.add("nounwind")
        for arg, name in zip(self.fn.args, ("args", "dimensions", "steps", "begin", "end", "errargs")):
            arg.name = name
        self.args, self.dims, self.steps, self.begin, self.end, self.errargs = self.fn.args
        self.b = lir.IRBuilder(self.fn.append_basic_block("entry"))
        self.ret = self.b.alloca(memory_type(kernel.result_type))
        self.ret.type = _PTR   # llvmlite types allocas as typed pointers; LLVM has only `ptr`
        if lowering.recurses_from(kernel.sym_name):   # each thread's loop its own
            set_stack_limit(lowering.llvm, self.b, self.errargs)

    # -- the two kinds of loop
    def elementwise(self) -> lir.Function:
        """Contiguous operands: typed indexing; any other steps: byte strides."""
        b = self.b
        types = [*self.kernel.arg_types, self.kernel.result_type]
        bases = [self._load(self.args, k, _PTR) for k in range(len(types))]
        steps = [self._load(self.steps, k, _I64) for k in range(len(types))]
        contiguous = functools.reduce(b.and_, [b.icmp_signed("==", step, lir.Constant(_I64, _itemsize(t)))
                                               for step, t in zip(steps, types)])
        with b.if_else(contiguous) as (unit, strided):
            with unit:
                self._loop(lambda i: [b.gep(base, [i], inbounds=True, source_etype=memory_type(t))
                                      for base, t in zip(bases, types)])
            with strided:
                self._loop(lambda i: [b.gep(base, [b.mul(i, step, flags=("nsw",))], inbounds=True, source_etype=_I8)
                                      for base, step in zip(bases, steps)])
        b.ret(lir.Constant(_STATUS, 0))
        return self.fn

    def generalized(self, operands: Sequence[CoreOperand]) -> lir.Function:
        """One kernel call per outer iteration, on scalars and lent arrays of the core dimensions."""
        b = self.b
        nargs = len(operands)
        bases = [self._load(self.args, k, _PTR) for k in range(nargs)]
        steps = [self._load(self.steps, k, _I64) for k in range(nargs)]
        shapes = [[self._load(self.dims, 1 + d, _I64) for d in op.dims] for op in operands]
        strides = [[self._load(self.steps, nargs + op.step_offset + j, _I64) for j in range(len(op.dims))]
                   for op in operands]

        def pointers(i: lir.Value) -> list[lir.Value]:
            return [b.gep(base, [b.mul(i, step, flags=("nsw",))], inbounds=True, source_etype=_I8)
                    for base, step in zip(bases, steps)]

        def arguments(addresses: list[lir.Value]) -> list[lir.Value]:
            values = []
            for address, t, shape, stride in zip(addresses, self.kernel.arg_types, shapes, strides):
                if not isinstance(t, ArrayType):
                    values.append(_from_memory(b, b.load(address, typ=memory_type(t)), t))
                    continue
                if not shape:   # no core dimension: one element
                    shape, stride = [lir.Constant(_I64, 1)], [lir.Constant(_I64, _itemsize(t.dtype))]
                array = lir.Constant(value_type(t), lir.Undefined)
                array = b.insert_value(b.insert_value(array, lir.Constant(_PTR, None), 0), address, 1)
                for k, (extent, step) in enumerate(zip(shape, stride)):
                    array = b.insert_value(b.insert_value(array, extent, [2, k]), step, [3, k])
                values.append(array)
            return values

        self._loop(pointers, arguments)
        b.ret(lir.Constant(_STATUS, 0))
        return self.fn

    # -- pieces
    def _loop(self, pointers, arguments=None) -> None:
        """``for i in range(begin, end)``: call the kernel on the operands at ``pointers(i)`` (the
        inputs, then for an element-wise loop the output, which gets the result); return a
        failing status at once."""
        b = self.b
        before = b.block
        body = self.fn.append_basic_block("loop")
        done = self.fn.append_basic_block("loop.done")
        b.cbranch(b.icmp_signed("<", self.begin, self.end), body, done)
        b.position_at_end(body)
        i = b.phi(_I64, name="i")
        i.add_incoming(self.begin, before)
        addresses = pointers(i)
        nargs = len(self.kernel.arg_types)
        if arguments is None:
            values = [_from_memory(b, b.load(p, typ=memory_type(t)), t)
                      for p, t in zip(addresses, self.kernel.arg_types)]
        else:
            values = arguments(addresses)
        status = self._call_kernel(values)
        with b.if_then(b.icmp_unsigned("!=", status, lir.Constant(_STATUS, 0)), likely=False):
            b.ret(status)
        if arguments is None:
            result_type = memory_type(self.kernel.result_type)
            b.store(b.load(self.ret, typ=result_type), addresses[nargs])
        following = b.add(i, lir.Constant(_I64, 1), flags=("nsw", "nuw"))
        i.add_incoming(following, b.block)
        b.cbranch(b.icmp_signed("<", following, self.end), body, done)
        b.position_at_end(done)

    def _call_kernel(self, values: list[lir.Value]) -> lir.Value:
        """The kernel's call, inside the entry guards of its module."""
        b = self.b
        kernel = self.lowering.functions[self.kernel.sym_name]

        def call() -> lir.Value:
            return b.call(kernel, [self.ret, self.errargs, *values])

        guarded = call
        for guard, found in self.lowering.entry_guards:
            guarded = functools.partial(guard, self.lowering, b, self.errargs, found, guarded)
        return guarded()

    def _load(self, array: lir.Value, index: int, t: lir.Type) -> lir.Value:
        """Element ``index`` of a C array of 8-byte ``t``."""
        slot = self.b.gep(array, [lir.Constant(_I64, index)], inbounds=True, source_etype=t)
        return self.b.load(slot, typ=t)


def _itemsize(t: Type) -> int:
    """Bytes of one element of scalar type ``t`` as NumPy stores it."""
    return to_dtype(t).itemsize


def _address(b: lir.IRBuilder, address: int, fnty: lir.FunctionType | None = None) -> lir.Value:
    """A constant pointer (to an object of the process, or to a function of type ``fnty``)."""
    if fnty is None:
        return b.inttoptr(lir.Constant(_I64, address), _PTR)
    return b.inttoptr(lir.Constant(_I64, address), _FunctionPointer(fnty))


def _c_string(module: lir.Module, name: str, text: str) -> lir.GlobalVariable:
    data = bytearray(text.encode() + b"\0")
    string = lir.GlobalVariable(module, lir.ArrayType(_I8, len(data)), name)
    string.global_constant = True
    string.linkage = "private"
    string.initializer = lir.Constant(lir.ArrayType(_I8, len(data)), data)
    return string
