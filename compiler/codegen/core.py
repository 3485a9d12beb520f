"""The lowering machinery every op family uses: the ABI, the type mapping, the registry.

ABI.  Every IR function ``@f(%a: A, ...) -> R`` becomes (symbol names: :func:`function_symbol`)

* ``i32 @"pyjit.f"(ptr ret, ptr errargs, A a, ...)`` with ``internal`` linkage: it
  returns 0 on success after storing the result to ``*ret`` in its memory form
  (nothing for ``none``), or, when a ``raise_if`` fires, the status of its
  error site in the module's own table (:class:`runtime.errors.ErrorSites`,
  returned with the LLVM IR by :func:`lower`), after
  storing the message arguments into ``errargs`` (``MAX_ERROR_ARGS`` slots of
  8 bytes: integers sign- or zero-extended, bools zero-extended, floats as
  their bit pattern, an ``f32`` in the low 4 bytes).  ``call`` passes its own
  ``errargs`` down and returns a callee's non-zero status at once.  A call that
  can come back to its caller (a cycle of the call graph) first compares the
  address of its result slot (in the caller's frame: where the stack is) with the
  limit in ``errargs``' last slot (``runtime.errors.STACK_LIMIT_SLOT``) and raises
  ``RecursionError`` below it, at the call's line as CPython does, instead of
  overflowing the native stack: the code that enters compiled code
  (:func:`set_stack_limit`: the entry wrapper, a cfunc, a ufunc's loop, each
  thread of a parallel loop) stores its own stack pointer minus
  :data:`RECURSION_STACK_BYTES` there, where what it calls can recurse.  Decision: a limit in memory the code
  already points at, not a count of nested calls passed in a register -- the
  count cost fib a callee-saved register and an add per call (0.79 of Numba's
  speed, 0.88 with the limit; Numba checks nothing, and with no check at all fib
  cannot fail, so LLVM drops its status tests too: 1.0), and bytes of stack are
  what runs out, not calls.
* ``i32 @"pyjit_entry.f"(ptr ret, ptr errargs, ptr args)``, exported: ``args``
  points to 8-byte slots, laid out as :func:`runtime.abi.argument_slots`
  says (ints and bools sign-/zero-extended, ``f64`` as is, ``f32`` in the low
  4 bytes, a complex number two slots: real then imaginary, a tuple the slots
  of its elements, ``none`` no slot, an array ``2 + 2n`` slots); it loads them,
  stores the stack limit, calls ``@"pyjit.f"`` and returns its status (through the entry
  guards a family registered, see :func:`_guards_entries`).  A module lowered for
  one specialisation has the wrapper of its entry function only, and that
  function is ``noinline``: LLVM optimizes its body once, instead of once more
  after inlining it into the wrapper (a call of a few nanoseconds a call).  So is a
  function whose ``noinline`` attribute says so (``passes.pairwise``'s combination of
  the lanes), and a ``cold`` one is ``noinline cold`` too.

Types.  In registers: bool is ``i1``, ``iN``/``uN`` are ``iN``, ``f32``/``f64``
are ``float``/``double``, complex is ``{float, float}``/``{double, double}``,
a tuple a literal struct, ``none`` the empty struct ``{}``.  In memory (the
result slot) bool is ``i8`` and a tuple is the struct of its elements' memory
forms.

Arrays (the ABI in two lines):

* ``array<T, n, L>`` is ``{ptr meminfo, ptr data, [n x i64] shape, [n x i64] strides}`` (byte
  strides) in registers and in memory; as an argument, slots meminfo, data, shape[0..n-1], strides[0..n-1].
* the fields of an array parameter are extracted once, at the start of the function; a
  view (``array.subview``, ``array.broadcast``, ...) whose uses only read its fields
  (``arrays._fields_only``) gets no struct at all, its fields are used directly: a
  stencil's views were half of the LLVM IR of its function.
* meminfo is null for arrays the caller lends; compiled code's arrays point it to a header
  ``{i64 refcount, padding}`` directly followed by the data (``runtime.abi``: ``HEADER_SIZE``,
  ``DATA_ALIGNMENT``, and the count changes ``emit_incref``/``emit_decref``).

Elements are stored in their memory form (bool ``i8``, complex the
``{float, float}``/``{double, double}`` pair NumPy stores).  Addresses:
layout ``C`` (``F``) computes the element offset from the shape alone,
row-major (column-major), as an ``inbounds`` GEP over the element type --
the strides are never read, which leaves LLVM unit-stride loops to
vectorize; layout ``A`` adds ``index * stride`` in bytes.  Index arithmetic
is ``nsw`` (and ``nuw`` for ``C``/``F``): the ops are only defined for
in-range indices.  The argument slots are loaded as they are (meminfo
included), so a caller may also lend an owned array: the callee only ever
borrows its arguments.  (The array ops themselves: ``arrays.py``.)

Local lists: ``local_list<T>`` is the address of its header :data:`LOCAL_LIST_HEADER`, in the
stack frame of the function that made it -- ``{i64 length, i64 capacity, ptr items}``, the
items in their memory form in a buffer of the C allocator (null while there is none), which
``array.decref`` of the list frees.  (The ops: ``local_lists.py``.)

Machinery.  The op families register their lowerings with :func:`_lowers`:
``lowering(function_lowering, op)`` emits ``op`` at the builder's position and
returns its result (or the list of its results).  This module imports none of
them (the package's ``__init__`` does): what the entry wrapper needs from a
family it gets through an entry guard the family registers.
"""
from __future__ import annotations

import functools
from typing import Callable, Iterator, Sequence

import llvmlite.ir as lir

from ir.core import Block, Operation, Value
from ir.diagnostics import Location
from ir.module import Module
from ir.ops.control import ConditionOp, YieldOp
from ir.ops.func import CallOp, FuncOp
from ir.records import record
from ir.types import (
    ArrayType, BoolType, ComplexType, FloatType, GeneratorType, IntType, LocalListType, NoneType, ObjectType,
    PointerType, TupleType, Type, VectorType,
)
from runtime.abi import argument_slots, emit_decref
from runtime.errors import STACK_LIMIT_SLOT, ErrorSites
from ..references import References
from .references import ModuleReferences

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


def stack_pointer(llvm: lir.Module, b: lir.IRBuilder) -> lir.Value:
    """The stack pointer where ``b`` is, as an ``i64`` (``llvm.stacksave``)."""
    save = llvm.globals.get("llvm.stacksave.p0") or lir.Function(llvm, lir.FunctionType(_PTR, []), "llvm.stacksave.p0")
    return b.ptrtoint(b.call(save, []), _I64)


def stack_limit_slot(b: lir.IRBuilder, errargs: lir.Value) -> lir.Value:
    """The address of ``errargs``' stack-limit slot (``runtime.errors.STACK_LIMIT_SLOT``)."""
    return b.gep(errargs, [lir.Constant(_I64, STACK_LIMIT_SLOT)], inbounds=True, source_etype=_I64)


def set_stack_limit(llvm: lir.Module, b: lir.IRBuilder, errargs: lir.Value) -> None:
    """Store in ``errargs`` the lowest stack address the recursive calls of the compiled code
    this thread enters here may reach: :data:`RECURSION_STACK_BYTES` below the stack pointer
    (see the module docstring)."""
    sp, budget = stack_pointer(llvm, b), lir.Constant(_I64, RECURSION_STACK_BYTES)
    limit = b.select(b.icmp_unsigned(">", sp, budget), b.sub(sp, budget), lir.Constant(_I64, 0))
    b.store(limit, stack_limit_slot(b, errargs))


def entry_symbol(sym_name: str) -> str:
    """The exported entry wrapper's symbol of the IR function ``@sym_name`` (``pyjit_entry.sin``)."""
    return ENTRY_PREFIX + sym_name


#: the bytes of native stack that recursive calls may use below the point where compiled code
#: was entered before ``RecursionError``: far below the 8 MiB of a Python thread's stack and
#: the 4 MiB of an OpenMP worker's (a frame of fib is 64 bytes: 30,000 levels)
RECURSION_STACK_BYTES = 2 << 20

_I1 = lir.IntType(1)
_I8 = lir.IntType(8)
_I32 = lir.IntType(32)
_I64 = lir.IntType(64)
_PTR = lir.PointerType()
_STATUS = _I32
_NONE = lir.LiteralStructType([])
_I32_ZERO = lir.Constant(_I32, 0)

#: the math functions whose result is an exact IEEE operation, so that LLVM may fold and rewrite them
_EXACT_INTRINSICS = frozenset({"sqrt", "fabs", "floor", "ceil", "trunc", "rint", "copysign"})
_LIBM_NAMES = {"gamma": "tgamma"}
#: index arithmetic of in-range accesses cannot overflow (see the array ops' semantics)
_INDEX_FLAGS = ("nsw", "nuw")


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
    if isinstance(t, (GeneratorType, ObjectType, PointerType, LocalListType)):
        return _PTR
    raise NotImplementedError(f"code generation for type {t} is not implemented")


#: a local list's header (see the module docstring), and the indices of its fields
LOCAL_LIST_HEADER = lir.LiteralStructType([_I64, _I64, _PTR])
LOCAL_LIST_LENGTH, LOCAL_LIST_CAPACITY, LOCAL_LIST_ITEMS = 0, 1, 2


def local_list_field(b: lir.IRBuilder, header: lir.Value, index: int) -> lir.Value:
    """The address of field ``index`` of the local list ``header``."""
    return b.gep(header, [_I32_ZERO, lir.Constant(lir.IntType(32), index)], inbounds=True,
                 source_etype=LOCAL_LIST_HEADER)


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


def constant_int(value: lir.Value) -> int | None:
    """The value of an LLVM integer constant, else None."""
    return value.constant if isinstance(value, lir.Constant) and isinstance(value.constant, int) else None


def index_mul(b: lir.IRBuilder, x: lir.Value, y: lir.Value, flags: tuple = ("nsw",)) -> lir.Value:
    """``x * y`` of i64 address arithmetic, with no instruction for a factor 1 or 0
    (LLVM would remove it, but every instruction it is given costs it time)."""
    for a, c in ((x, y), (y, x)):
        if constant_int(c) == 1:
            return a
        if constant_int(c) == 0:
            return c
    return b.mul(x, y, flags=flags)


def index_add(b: lir.IRBuilder, x: lir.Value, y: lir.Value, flags: tuple = ("nsw",)) -> lir.Value:
    """``x + y`` of i64 address arithmetic, with no instruction for a term 0."""
    if constant_int(x) == 0:
        return y
    if constant_int(y) == 0:
        return x
    return b.add(x, y, flags=flags)


def _itemsize(t: Type) -> int:
    """Bytes per array element, as NumPy stores them."""
    if isinstance(t, BoolType):
        return 1
    if isinstance(t, (IntType, FloatType, ComplexType)):
        return t.bits // 8
    raise NotImplementedError(f"code generation for arrays of {t} is not implemented")


# ----------------------------------------------------------------- small builders
def _complex(b: lir.IRBuilder, re: lir.Value, im: lir.Value) -> lir.Value:
    out = lir.Constant(lir.LiteralStructType([re.type, re.type]), lir.Undefined)
    return b.insert_value(b.insert_value(out, re, 0), im, 1)


def _parts(b: lir.IRBuilder, z: lir.Value) -> tuple[lir.Value, lir.Value]:
    return b.extract_value(z, 0), b.extract_value(z, 1)


def _fconst(like: lir.Value | lir.Type, value: float) -> lir.Constant:
    return lir.Constant(like if isinstance(like, lir.Type) else like.type, value)


# ----------------------------------------------------------------- the registries
_LOWERINGS: dict[type[Operation], Callable[["_FunctionLowering", Operation], object]] = {}


def _lowers(*classes: type[Operation]) -> Callable:
    """Register the decorated ``lowering(function_lowering, op)`` for the op classes ``classes``."""
    def register(method: Callable) -> Callable:
        for cls in classes:
            _LOWERINGS[cls] = method
        return method

    return register


#: ``guard(module, builder, errargs, found, call) -> status``: emits an entry wrapper's call of
#: its function (``call()`` emits the call itself) with what has to surround it
_EntryGuard = Callable[["_ModuleLowering", lir.IRBuilder, lir.Value, object, Callable[[], lir.Value]], lir.Value]
#: the registered entry guards, each with the condition of the modules it guards
_ENTRY_GUARDS: list[tuple[Callable[[Module], object], _EntryGuard]] = []


def _guards_entries(condition: Callable[[Module], object]) -> Callable[[_EntryGuard], _EntryGuard]:
    """Register the decorated entry guard for the modules where ``condition(ir_module)``,
    computed once per module, is true; the guard gets that value as ``found``.

    This is how a family puts code around every entry's call without this module
    importing it: ``runtime.py`` holds the GIL and NumPy's generator lock in a module
    that draws random numbers (``found``: the streams it draws from).
    """
    def register(guard: _EntryGuard) -> _EntryGuard:
        _ENTRY_GUARDS.append((condition, guard))
        return guard

    return register


# ----------------------------------------------------------------- the module
class _ModuleLowering:
    """The LLVM module being built: declarations, intrinsics, helpers."""

    def __init__(self, module: Module, entries: Sequence[str] | None = None, patchable: bool = False):
        self.ir_module = module
        #: the references are exported globals a loader fills (``compiler.codegen.references``)
        self.patchable = patchable
        #: the functions that get an exported entry wrapper (None: every one)
        self.entries = entries
        self.llvm = lir.Module(name="module")
        #: the addresses of this process the code loads (``compiler.codegen.references``)
        self.refs = ModuleReferences(self.llvm, "k")
        self.functions: dict[str, lir.Function] = {}
        self._reachable: dict[str, set[str]] = {}
        #: the entry guards of this module, each with what its condition found (see :func:`_guards_entries`)
        self.entry_guards: list[tuple[_EntryGuard, object]] = []
        #: the error sites of this module (its statuses 1..n)
        self.error_sites = ErrorSites()
        #: DWARF line information (``compile(debug=True)``; ``debuginfo``), or None
        self.debug = None
        if any(func.attributes.get("debug") for func in module):
            from .debuginfo import DebugInfo

            self.debug = DebugInfo(self.llvm, module)

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

    def recurses_from(self, name: str) -> bool:
        """Whether a call of ``name`` can reach a recursive call (one that checks the stack
        limit: only then need the code entering it store one)."""
        return any(f in self.reachable_from(f) for f in {name, *self.reachable_from(name)})

    def run(self) -> LoweredModule:
        for condition, guard in _ENTRY_GUARDS:
            found = condition(self.ir_module)
            if found:
                self.entry_guards.append((guard, found))
        for func in self.ir_module:
            self.functions[func.sym_name] = self._declare(func)
        for func in self.ir_module:
            _FunctionLowering(self, func, self.functions[func.sym_name]).lower()
            if self.entries is None or func.sym_name in self.entries:
                self._entry_wrapper(func)
        cold = tuple(function_symbol(func.sym_name) for func in self.ir_module if func.attributes.get("cold"))
        if self.debug is not None:
            self.debug.finish()
        self.refs.finish(self.patchable)
        return LoweredModule(str(self.llvm), self.error_sites, cold, self.refs)

    def _declare(self, func: FuncOp) -> lir.Function:
        fnty = lir.FunctionType(_STATUS, [_PTR, _PTR, *(value_type(t) for t in func.arg_types)])
        fn = lir.Function(self.llvm, fnty, function_symbol(func.sym_name))
        fn.linkage = "internal"
        fn.attributes.add("nounwind")
        if self.entries is not None and func.sym_name in self.entries:
            fn.attributes.add("noinline")   # LLVM optimizes its body once, not again inlined into the wrapper
        if func.attributes.get("noinline"):
            fn.attributes.add("noinline")
        if func.attributes.get("cold"):   # rarely called (lower-arrays' NumPy-order min/max): kept apart,
            for attribute in ("noinline", "cold"):   # optimized lightly (``LoweredModule.cold``)
                fn.attributes.add(attribute)
        for ptr in fn.args[:2]:
            for attr in ("noalias", "nonnull", "captures(none)"):
                ptr.add_attribute(attr)
        fn.args[0].name, fn.args[1].name = "ret", "errargs"
        for arg, value in zip(fn.args[2:], func.args):
            arg.name = value.name_hint or ""
        if self.debug is not None:
            self.debug.subprogram(fn, func.sym_name, func.loc)
        return fn

    def _entry_wrapper(self, func: FuncOp) -> None:
        """``i32 @"pyjit_entry.f"(ptr ret, ptr errargs, ptr args)``: unpack the slots, call ``@"pyjit.f"``."""
        fn = lir.Function(self.llvm, lir.FunctionType(_STATUS, [_PTR, _PTR, _PTR]), entry_symbol(func.sym_name))
        fn.attributes.add("nounwind")
        ret, errargs, slots = fn.args
        ret.name, errargs.name, slots.name = "ret", "errargs", "args"
        b = lir.IRBuilder(fn.append_basic_block("entry"))
        if self.debug is not None:
            self.debug.subprogram(fn, fn.name, func.loc)
            b.debug_metadata = self.debug.location(fn, None)
        values, next_slot = [], 0
        for t in func.arg_types:
            value, next_slot = _load_argument(b, slots, next_slot, t)
            values.append(value)
        if self.recurses_from(func.sym_name):
            set_stack_limit(self.llvm, b, errargs)

        def call() -> lir.Value:
            return b.call(self.functions[func.sym_name], [ret, errargs, *values])

        guarded_call = call
        for guard, found in self.entry_guards:
            guarded_call = functools.partial(guard, self, b, errargs, found, guarded_call)
        b.ret(guarded_call())

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

    def release(self) -> lir.Function:
        """``@pyjit_runtime.release(meminfo)``: ``emit_decref`` out of line, for the cleanup of error
        paths.  A function with many ``raise_if`` sites and many live arrays would otherwise
        carry a copy of every release on every error path (sites x arrays of branchy code,
        all cold): LLVM's time on such functions grew with their product."""
        fn = self.llvm.globals.get("pyjit_runtime.release")
        if fn is None:
            fn = lir.Function(self.llvm, lir.FunctionType(lir.VoidType(), [_PTR]), "pyjit_runtime.release")
            fn.linkage = "internal"
            for attribute in ("noinline", "cold", "nounwind"):
                fn.attributes.add(attribute)
            b = lir.IRBuilder(fn.append_basic_block("entry"))
            emit_decref(b, fn.args[0], self.libc("free", lir.FunctionType(lir.VoidType(), [_PTR])))
            b.ret_void()
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
        function, called ``nobuiltin`` so that LLVM keeps the call as it is
        (why: ``math.py``)."""
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


#: the LLVM type each kind of argument slot is loaded as (see :func:`runtime.abi.argument_slots`)
_SLOT_LOADS = {"int": _I64, "uint": _I64, "f64": lir.DoubleType(), "f32": lir.FloatType(), "ptr": _PTR}


def _load_argument(b: lir.IRBuilder, slots: lir.Value, index: int, t: Type) -> tuple[lir.Value, int]:
    """Load the argument of type ``t`` from its slots (:func:`runtime.abi.argument_slots`)
    starting at slot ``index``; return it and the next slot's index.  The slots
    hold the fields of the value in their order (a complex number's parts, a
    tuple's elements, an array's meminfo, data, shape and strides)."""
    try:
        kinds = [kind for _, kind in argument_slots(t)]
    except TypeError:
        raise NotImplementedError(f"code generation for arguments of type {t} is not implemented") from None
    raw = [b.load(b.gep(slots, [lir.Constant(_I64, index + k)], inbounds=True, source_etype=_I64),
                  typ=_SLOT_LOADS[kind]) for k, kind in enumerate(kinds)]
    return _from_slots(b, iter(raw), t), index + len(kinds)


def _from_slots(b: lir.IRBuilder, raw: Iterator[lir.Value], t: Type) -> lir.Value:
    """The value of type ``t`` from the loaded slots ``raw`` (consumed in order)."""
    if isinstance(t, BoolType):
        return b.icmp_unsigned("!=", next(raw), lir.Constant(_I64, 0))
    if isinstance(t, IntType):
        value = next(raw)
        return value if t.bits == 64 else b.trunc(value, value_type(t))
    if isinstance(t, (FloatType, GeneratorType, ObjectType)):
        return next(raw)
    if isinstance(t, ComplexType):
        return _complex(b, _from_slots(b, raw, t.part), _from_slots(b, raw, t.part))
    if isinstance(t, NoneType):
        return _constant(None, t)
    out = lir.Constant(value_type(t), lir.Undefined)
    if isinstance(t, TupleType):
        for i, e in enumerate(t.elements):
            out = b.insert_value(out, _from_slots(b, raw, e), i)
        return out
    assert isinstance(t, ArrayType)  # argument_slots knows no other type
    for path in [[0], [1], *([field, k] for field in (2, 3) for k in range(t.ndim))]:
        out = b.insert_value(out, next(raw), path)
    return out


# ----------------------------------------------------------------- functions
class _FoldingBuilder(lir.IRBuilder):
    """An ``IRBuilder`` whose ``extract_value`` looks through the ``insertvalue`` chain that
    built its aggregate: a field inserted there is returned as it is, inserts of other
    fields are skipped (an array view's data pointer and strides are used directly, not
    extracted again from the struct made for the view).  What it returns dominates every
    use of the aggregate, so this is always valid; it keeps LLVM's input small."""

    def __init__(self, block: lir.Block):
        super().__init__(block)
        #: the fields of aggregates made without a struct (an array view only its fields are
        #: read of: ``arrays._make_array``) or extracted once (the function's parameters), by
        #: ``id`` of the value standing for the aggregate, then field path
        self.known_fields: dict[int, dict[tuple, lir.Value]] = {}
        #: the aggregates whose fields are extracted once, at the start of this block
        self.hoisted: dict[int, lir.Block] = {}

    def hoist_fields(self, agg: lir.Value, block: lir.Block) -> None:
        """Extract each field of ``agg`` (a parameter) once, at the start of ``block`` (the
        function's first), when first asked for: every later read is that value (the
        fields of an array parameter were extracted again for each view of it and each
        element address)."""
        self.hoisted[id(agg)] = block
        self.known_fields[id(agg)] = {}

    def extract_value(self, agg, idx, name=""):
        path = list(idx) if isinstance(idx, (tuple, list)) else [idx]
        known = self.known_fields.get(id(agg))
        if known is not None:
            field = known.get(tuple(path))
            if field is None and id(agg) in self.hoisted:
                block = self.hoisted[id(agg)]
                at_start = lir.IRBuilder()
                at_start.position_at_start(block)
                field = known[tuple(path)] = at_start.extract_value(agg, path, name)
                if self._block is block:   # this builder's place moved one instruction down
                    self._anchor += 1
            if field is not None:
                return field
        while isinstance(agg, lir.InsertValue):
            inserted = list(agg.indices)
            if inserted == path:
                return agg.value
            if inserted[:len(path)] == path or path[:len(inserted)] == inserted:
                break   # a field of an inserted part, or a part with inserts in it: extract for real
            agg = agg.aggregate
        return super().extract_value(agg, path, name)


class _FunctionLowering:
    """Lowers the body of one IR function into its internal LLVM function."""

    def __init__(self, module: _ModuleLowering, func: FuncOp, fn: lir.Function):
        self.module = module
        self.func = func
        self.allocas = lir.IRBuilder(fn.append_basic_block("entry"))  # holds the stack slots only
        self.b = _FoldingBuilder(fn.append_basic_block("body"))
        self.ret_ptr, self.err_ptr = fn.args[:2]
        self.on_error_path = False   # lowering a cleanup region (its releases go out of line)
        #: the ``try`` ops being lowered, innermost last: (op, exit block, [(values, block)] of its exits)
        self.try_exits: list[tuple] = []
        self.values: dict[Value, lir.Value] = dict(zip(func.args, fn.args[2:]))
        #: the byte span of an array computed for ``array.overlap``, with the basic block it is valid in
        self.spans: dict[Value, tuple[lir.Block, tuple]] = {}
        #: the access groups of the loads and stores in parallel loops (``control._mark_parallel``)
        self.access_groups: dict[lir.Instruction, list] = {}

    def lower(self) -> None:
        body = self.b.basic_block
        for param in self.func.args:
            if isinstance(param.type, ArrayType):
                self.b.hoist_fields(self.values[param], body)
        self.lower_block(self.func.body)
        self.allocas.branch(body)

    # -- blocks and values
    def value(self, v: Value) -> lir.Value:
        return self.values[v]

    def lower_block(self, block: Block) -> list[lir.Value]:
        """Lower the ops of ``block``; return the values its ``yield``/``condition`` passes on."""
        debug = self.module.debug
        for op in block.ops:
            if isinstance(op, (YieldOp, ConditionOp)):
                return [self.value(v) for v in op.operands]
            if debug is not None and op.loc is not None:
                self.b.debug_metadata = debug.location(self.b.function, op.loc)
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

    def error_status(self, exception: str, message: str, loc: Location | None,
                     arg_types: Sequence[Type] = ()) -> lir.Constant:
        """The status that raises ``exception(message)``: a site of the module's table."""
        return lir.Constant(_STATUS, self.module.error_sites.add(exception, message, loc, arg_types))

    def _fail(self, op: Operation, status: lir.Value) -> None:
        """The end of an error path: ``op``'s cleanup region (the releases the
        ``refcount`` pass put there), then return ``status``."""
        if op.cleanup is not None:
            self.on_error_path = True
            try:
                self.lower_block(op.cleanup)
            finally:
                self.on_error_path = False
        self.b.ret(status)

    # -- array addressing
    def _shape(self, array: lir.Value, t: ArrayType) -> list[lir.Value]:
        return [self.b.extract_value(array, [2, k]) for k in range(t.ndim)]

    def _strides(self, array: lir.Value, t: ArrayType) -> list[lir.Value]:
        return [self.b.extract_value(array, [3, k]) for k in range(t.ndim)]

    def _element_pointer(self, array: lir.Value, t: ArrayType, indices: Sequence[lir.Value],
                         contiguous_axis: int | None = None) -> lir.Value:
        """The address of ``array[indices]`` (in-range indices): from the shape for
        ``C``/``F``, from the byte strides for ``A`` -- the item size for ``contiguous_axis``,
        whose stride a guard before the loop found to be that (``passes.version``)."""
        b = self.b
        data = b.extract_value(array, 1)
        if t.ndim == 0:
            return data
        if t.layout in ("C", "F"):
            shape = self._shape(array, t)
            axes = list(range(t.ndim)) if t.layout == "C" else list(reversed(range(t.ndim)))
            offset = indices[axes[0]]
            for k in axes[1:]:  # Horner: ((i0 * n1 + i1) * n2 + i2) ... for C
                offset = index_add(b, index_mul(b, offset, shape[k], _INDEX_FLAGS), indices[k], _INDEX_FLAGS)
            return b.gep(data, [offset], inbounds=True, source_etype=memory_type(t.dtype))
        offset = lir.Constant(_I64, 0)
        strides = self._strides(array, t)
        if contiguous_axis is not None:
            strides[contiguous_axis] = lir.Constant(_I64, _itemsize(t.dtype))
        for index, stride in zip(indices, strides):
            offset = index_add(b, offset, index_mul(b, index, stride))
        return b.gep(data, [offset], inbounds=True, source_etype=_I8)


@record(frozen=True)
class LoweredModule:
    """An IR module lowered: its LLVM IR text and the table of the error sites its
    statuses stand for (all a caller of its entry points needs to raise)."""

    llvm_ir: str
    error_sites: ErrorSites
    #: the LLVM names of the functions marked ``cold`` (for ``runtime.engine``'s light pipeline)
    cold: tuple[str, ...] = ()
    #: the addresses of this process the code loads (``compiler.codegen.references``)
    references: References | None = None


def lower(module: Module, entries: Sequence[str] | None = None, patchable: bool = False) -> LoweredModule:
    """The LLVM IR of ``module`` (see the module docstring for the ABI) and its error sites,
    with an exported entry wrapper for each function ``entries`` names (None: every one).

    Adds an error site for every ``raise_if`` (``ValueError`` from the table
    for more than ``MAX_ERROR_ARGS`` message arguments or a bad template).
    Raises ``NotImplementedError`` for ops or types the code generator does
    not handle yet (vectors).  ``patchable``: the references are globals a loader fills
    (a shared object for the disk cache), not constants (``compiler.codegen.references``).
    """
    return _ModuleLowering(module, entries, patchable).run()


def lower_module(module: Module) -> str:
    """The LLVM IR text of ``module`` alone (see :func:`lower`)."""
    return lower(module).llvm_ir
