"""From a Python function and argument types to a native entry point.

    trace (frontend) -> verify -> our passes (the pipeline of -O<n> or ``passes``) -> verify
      -> refcount and local-lists passes -> lower to LLVM IR (codegen) -> LLVM -O<n> + JIT

The LLVM IR before and after LLVM's optimizer is kept on the result; the IR
before and after our passes is rebuilt on request (:func:`build_module`), so
compiling never pays for printing.
"""
from __future__ import annotations

import ctypes
import gc
from contextlib import contextmanager
from dataclasses import field
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

import ir
from ir import FuncOp, Module, Type
from ir.records import record
from ir.types import ArrayType, TupleType
from runtime.boxing import ArgPacker, ResultUnpacker, with_proven_objects
from runtime.errors import ERRARGS_SLOTS, ErrorSites
from runtime.memory import lending

if TYPE_CHECKING:  # the codegen imports llvmlite: imported where it is first needed
    from .codegen import LoweredModule

_ENTRY_TYPE = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)


@record
class CompileOptions:
    """The options of one compilation (those of ``compile``)."""

    #: optimisation level: our pass pipeline's preset and LLVM's level
    opt: int = 3
    boundscheck: bool = True
    #: our pass pipeline (``"fold,dce,cse"``) instead of the preset of ``opt``
    passes: str | None = None
    #: verify the IR after every pass (``None``: the pass manager's default)
    verify_each: bool | None = None
    #: LLVM's own loop vectorizer (off to measure ours alone)
    llvm_vectorize: bool = True
    #: floating-point reductions may be reordered, so our vectorizer makes them vector
    #: loops (rounding then differs from CPython's); every traced function gets the
    #: ``fastmath`` attribute, which passes read
    fastmath: bool = False
    #: ``"python"``: division and modulo by zero raise ``ZeroDivisionError`` as CPython does;
    #: ``"numpy"``: they give NumPy's results (inf, NaN, 0) as Numba's option of that name
    error_model: str = "python"
    #: release the GIL around every call (else only around calls on big arrays: ``fastcall``)
    nogil: bool = False
    #: ``prange`` loops run their trips on several threads (else ``prange`` is ``range``)
    parallel: bool = False
    #: keep the machine code in the disk cache and load it from there in later processes
    #: (``compiler.cache``; ``None``: the ``PYJIT_CACHE`` environment variable decides)
    cache: bool | None = None
    #: DWARF line information and symbol names for debuggers and profilers
    debug: bool = False
    #: where pass names are found: a :class:`compiler.Compiler` instance's own registry,
    #: or ``None`` for the process-wide one
    registry: dict[str, type] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        from .passes.manager import parse_pipeline

        if self.opt not in (0, 1, 2, 3):
            raise ValueError(f"opt must be 0, 1, 2 or 3, not {self.opt!r}")
        if self.error_model not in ("python", "numpy"):
            raise ValueError(f"error_model must be 'python' or 'numpy', not {self.error_model!r}")
        if self.passes is not None:
            parse_pipeline(self.passes, self.registry)   # an unknown pass name fails at once

    @property
    def pipeline(self) -> str | int:
        return self.passes if self.passes is not None else self.opt


@record
class CompiledFunction:
    """One specialisation: the IR, the LLVM artefacts and a callable entry.

    Calling it (``compiled(args)``) goes through ctypes: microseconds, but it
    takes any signature.  The dispatcher's calls take the native path of
    :mod:`compiler.fastcall` where they can, which calls the same exported
    entry (``entry_address``) and unpacks non-scalar results with the same
    ``unpacker`` and raises with the same ``error_sites``.
    """

    arg_types: tuple[Type, ...]
    result_type: Type
    #: the IR (None for a specialisation loaded from the disk cache: ``compiler.cache``)
    module: Module | None
    entry: FuncOp | None
    llvm_ir: str
    library: Any
    #: what the statuses of this module's code stand for (see :mod:`runtime.errors`)
    error_sites: ErrorSites
    stages: dict[str, str] = field(default_factory=dict)
    #: the native call wrapper linked into ``library`` (``compiler.fastcall.PrebuiltWrapper``), if any
    wrapper: Any = None
    #: the entry's symbol and whether the code keeps arrays, where there is no IR (loaded from the cache)
    symbol: str = ""
    stored_keeps_arrays: bool = False
    #: what :func:`proven_results` found, where there is no IR (loaded from the cache)
    stored_proven: Any = None
    #: the entry's ``returns_views``, where there is no IR (loaded from the cache)
    stored_views: Any = None
    #: objects the loaded code points to (kept alive with it)
    keep: Any = None
    #: the Python function's name and source file, for messages and for finding it by name
    #: when the IR is gone (:meth:`forget_ir`; ``compiler.pickling``)
    function_name: str = ""
    source_file: str | None = None

    def __post_init__(self) -> None:
        #: the exported ``int32 entry(void *ret, int64 *errargs, void *args)``
        self.entry_address = self.library.address(self.entry_symbol)
        self._cfunc = _ENTRY_TYPE(self.entry_address)
        self._packer = ArgPacker(self.arg_types)
        views = self.entry.attributes.get("returns_views", ()) if self.entry is not None else self.stored_views or ()
        self.unpacker = ResultUnpacker(self.result_type, views)
        self._errargs_type = ctypes.c_int64 * ERRARGS_SLOTS
        #: its code stores arrays in containers or reads them back (``frontend.lists``): a
        #: call runs in ``runtime.memory.lending``, which keeps the memory it borrows alive
        self.keeps_arrays = self.stored_keeps_arrays if self.module is None else \
            any(func.attributes.get("keeps_arrays") for func in self.module)
        #: result arrays the IR proves to be an argument (its index) or an earlier tuple element's
        #: new array (``("element", j)``: ``return b, b``), by tuple element (None: the result
        #: itself): the result holds those objects, as CPython's does and as the native path's
        #: does (``compiler.fastcall.result_sources``)
        self._proven = proven_results(self.entry) if self.entry is not None else dict(self.stored_proven or ())
        if self.entry is not None:
            self.function_name = self.function_name or self.entry.sym_name
            self.source_file = self.source_file or getattr(self.entry.loc, "file", None)

    def forget_ir(self) -> None:
        """Let the IR go, keeping what calls need (worked out as the specialisation was made):
        a dispatcher's specialisations do, once made.  The IR of a function is about 60 % of the
        Python objects its specialisation holds (the 40 bench kernels: 66,000 objects with it,
        26,000 without), and every full collection of Python's cyclic garbage collector walks
        them all; ``inspect_ir("optimized")`` traces the function again, as for a specialisation
        loaded from the disk cache."""
        if self.entry is not None:
            self.symbol = self.entry_symbol
            self.module = self.entry = None

    def __reduce__(self) -> tuple:
        """Pickled by reference: its compiled function and argument key (``compiler.pickling``)."""
        from .pickling import reduce_compiled

        return reduce_compiled(self)

    @property
    def entry_symbol(self) -> str:
        if self.entry is None:
            return self.symbol
        from .codegen import entry_symbol

        return entry_symbol(self.entry.sym_name)

    def __call__(self, args: Sequence[Any]) -> Any:
        if self.keeps_arrays:
            with lending(args):
                return self._call(args)
        return self._call(args)

    def _call(self, args: Sequence[Any]) -> Any:
        packed = self._packer.pack(args)
        ret = self.unpacker.new_buffer()
        errargs = self._errargs_type()
        status = self._cfunc(ctypes.addressof(ret), ctypes.addressof(errargs), ctypes.addressof(packed))
        if status:
            self.error_sites.raise_error(status, list(errargs))
        result = self.unpacker.unpack(ret, args)  # an array result may borrow an argument
        return with_proven_objects(result, args, self._proven) if self._proven else result


def proven_results(entry: FuncOp) -> dict[int | None, Any]:
    """The result arrays ``entry``'s IR proves to be a parameter (its index among the
    run-time arguments) or an earlier tuple element's new array (``("element", j)``), by
    tuple element (None: the result itself) -- ``compiler.fastcall.result_sources`` without
    the arrays that are only new or a view (the result unpacker makes those new objects)."""
    if not (isinstance(entry.result_type, ArrayType) or type(entry.result_type) is TupleType):   # not optional
        return {}
    from .fastcall import NEW, VIEW, result_sources

    parameters = tuple((t, False) for t in entry.arg_types)   # the run-time arguments, in order
    return {where: s for where, s in result_sources(entry, parameters).items() if s not in (NEW, VIEW)}


def compile_function(pyfunc: Callable, arg_types: Sequence[Type], result_type: Type | None = None,
                     options: CompileOptions | None = None,
                     weak: Sequence[bool] | None = None, constants: dict[int, Any] | None = None,
                     wrapper: Callable[[Module, FuncOp, Any, bool], Any] | None = None,
                     store: Callable[..., CompiledFunction] | None = None) -> CompiledFunction:
    """Trace, verify, lower and JIT ``pyfunc`` for ``arg_types`` (``weak[i]``:
    argument ``i`` is a Python scalar, see ``frontend.values``; ``constants[i]``: argument
    ``i`` is that Python value, a constant of the trace and no parameter of the entry).
    ``wrapper(module, entry, error_sites, patchable)``: the native call wrapper to link into
    the module (``compiler.fastcall.prebuilt_wrapper``), or None.  ``store(module, entry,
    lowered, options, wrapper)``: builds the specialisation for the disk cache instead of the
    JIT (``compiler.cached``; its references are then patchable)."""
    with collector_paused():
        compiled = _compile(pyfunc, arg_types, result_type, options or CompileOptions(), weak, constants,
                            wrapper, store)
    return compiled


def _compile(pyfunc: Callable, arg_types: Sequence[Type], result_type: Type | None, options: CompileOptions,
             weak: Sequence[bool] | None, constants: dict[int, Any] | None,
             wrapper: Callable[[Module, FuncOp, Any, bool], Any] | None,
             store: Callable[..., CompiledFunction] | None) -> CompiledFunction:
    """:func:`compile_function`'s work, in a frame of its own: when the collector runs again
    (:func:`collector_paused`) the compile's temporaries are gone, so its first collection
    frees their cycles (IR ops and their results, the code generator's LLVM objects) from the
    youngest generation; with them still referenced, that collection moved them to the
    older generations, to be freed by their slower collections (over the 40 bench kernels,
    collections of the second generation that freed up to 42,000 objects each)."""
    try:
        # verified once, as it is lowered, not also as the pipeline leaves it
        module, entry = build_module(pyfunc, arg_types, result_type, options, weak, constants=constants,
                                     verify_optimized=False)
        lowered = lower_for_jit(module, entry, patchable=store is not None, verified=False)
    except RecursionError as err:
        raise _too_deep(pyfunc, err) from err
    prebuilt = wrapper(module, entry, lowered.error_sites, store is not None) if wrapper is not None else None
    if store is not None:
        return store(module, entry, lowered, options, prebuilt)
    return jit_module(module, entry, lowered, options, prebuilt)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector does not run while a function compiles.

    A compile makes tens of thousands of objects (syntax trees, IR, LLVM IR) that live until
    it ends; the collector counted them as new and ran full collections in the middle of it,
    each walking every object of the process (the bench's 40 kernels: 225 ms of collections in
    6 s of first calls, and more in a program with a large heap).  The collector runs again as
    the compile ends, as it would have; a compile inside a compile, or one in a process that
    turned the collector off, leaves it as it was."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def lower_for_jit(module: Module, entry: FuncOp | None = None, patchable: bool = False,
                  verified: bool = True) -> LoweredModule:
    """Run :func:`finish_for_codegen` on the optimized ``module`` (in place) and lower it to
    LLVM IR with its error sites; with an entry wrapper for ``entry`` only (None: for every
    function); ``patchable``: its references are globals a loader fills
    (``compiler.references``).  The module is verified before it is lowered where those
    passes changed it, or where it was not ``verified`` as it came."""
    from .codegen import lower

    if finish_for_codegen(module) or not verified:
        ir.verify(module)
    return lower(module, None if entry is None else [entry.sym_name], patchable)


def finish_for_codegen(module: Module) -> bool:
    """Lower the whole-array ops the pipeline left (``lower-arrays``: none at ``-O1`` and
    up, which lower them early), make the ``prange`` loops of functions compiled with
    ``parallel=True`` parallel (``dce``, then the ``parallel`` pass), and run the ``refcount``
    and ``local-lists`` passes (they run once per module, just before codegen); whether
    any of them changed ``module``."""
    from .passes.dce import DeadCodeElimination
    from .passes.local_lists import LocalLists
    from .passes.lower_arrays import LowerArrays
    from .passes.parallel import ParallelPass
    from .passes.refcount import RefcountPass

    changed = LowerArrays().run(module)
    if any(func.attributes.get("parallel") for func in module):
        changed |= DeadCodeElimination().run(module)   # at -O0 too: loops carry no values nothing reads
        changed |= ParallelPass().run(module)
    changed |= RefcountPass().run(module)
    return LocalLists().run(module) or changed


def jit_module(module: Module, entry: FuncOp, lowered: LoweredModule, options: CompileOptions,
               wrapper: Any = None) -> CompiledFunction:
    """Optimize ``lowered`` (see :func:`lower_for_jit`) with LLVM at ``options.opt``, with the
    native call ``wrapper`` linked in (its function not optimized), JIT it as a library of its
    own, and give the specialisation whose entry is ``entry``."""
    from runtime.engine import get_engine

    linked, cold = linked_wrapper(lowered, wrapper)
    library = get_engine().compile(lowered.llvm_ir, opt_level=options.opt, name=entry.sym_name,
                                   loop_vectorize=options.llvm_vectorize, cold=cold, linked=linked,
                                   names=_perf_names(module, entry, wrapper is not None))
    return CompiledFunction(tuple(entry.arg_types), entry.result_type, module, entry, lowered.llvm_ir, library,
                            lowered.error_sites, wrapper=wrapper)


def linked_wrapper(lowered: LoweredModule, wrapper: Any) -> tuple[list[str], tuple[str, ...]]:
    """The texts to link into ``lowered`` (the native call ``wrapper``'s, if any) and the
    functions not to optimize (its cold ones, and the wrapper's)."""
    from .fastcall import WRAPPER_SYMBOL

    if wrapper is None:
        return [], lowered.cold
    return [wrapper.text], (*lowered.cold, WRAPPER_SYMBOL)


def _perf_names(module: Module, entry: FuncOp, wrapped: bool) -> dict[str, str] | None:
    """The names of the module's functions in the perf map, if it is on (``runtime.perfmap``)."""
    from runtime import perfmap

    if not perfmap.enabled():
        return None
    from .codegen.debuginfo import symbol_names
    from .fastcall import WRAPPER_SYMBOL

    return symbol_names(module, entry.sym_name, {WRAPPER_SYMBOL: "fastcall"} if wrapped else None)


def build_module(pyfunc: Callable, arg_types: Sequence[Type], result_type: Type | None,
                 options: CompileOptions, weak: Sequence[bool] | None = None, optimize: bool = True,
                 manager: Any = None, constants: dict[int, Any] | None = None,
                 verify_optimized: bool = True) -> tuple[Module, FuncOp]:
    """The verified IR of ``pyfunc`` for ``arg_types``: traced, then (``optimize``) run
    through the pass pipeline of ``options`` -- or through ``manager``, a
    :class:`~compiler.passes.manager.PassManager` a tool set up with its hooks.  The trace is
    verified; what the pipeline makes of it too, unless not ``verify_optimized`` (a caller
    that verifies it later: :func:`compile_function`, as it lowers it)."""
    from frontend import trace

    from . import register_py_call
    from .passes.manager import PassManager

    register_py_call()
    module, entry = trace(pyfunc, arg_types, result_type, options.boundscheck, weak, options.error_model, constants)
    if options.nogil:
        from .codegen.runtime import refuse_strings_without_gil

        refuse_strings_without_gil(module)
    if options.fastmath:
        for func in module:
            func.attributes["fastmath"] = True
    if options.debug:   # DWARF line information (compiler.codegen.debuginfo)
        for func in module:
            func.attributes["debug"] = True
    from .passes.parallel import strip_prange

    for func in module if options.parallel else ():
        func.attributes["parallel"] = True
    strip_prange(module, nested_only=options.parallel)
    ir.verify(module)
    if optimize:
        manager = manager or PassManager(options.pipeline, options.verify_each, options.registry)
        if manager.run(module) and not manager.verify_each and verify_optimized:
            ir.verify(module)
    return module, entry


def _too_deep(pyfunc: Callable, err: RecursionError) -> ir.CompileError:
    """The error for a program whose structure is deeper than Python's recursion limit.

    The frontend and the passes walk the program recursively (its syntax tree,
    nested regions, calls traced inside calls), so a very long expression or
    ``elif`` chain, or tracing that never ends (a helper that calls itself with
    an ever longer tuple), exhausts Python's stack.  The function cannot be
    compiled then, and the user is told so where it happened -- a
    ``CompileError`` at the innermost line of user code being traced, or at the
    ``def`` line when the recursion happened while converting the source --
    instead of getting a bare ``RecursionError`` from the compiler's insides.
    The ``RecursionError`` stays attached as the cause.
    """
    from frontend.convert import traceback_location

    code = getattr(pyfunc, "__code__", None)
    loc = traceback_location(err.__traceback__)
    if loc is None and code is not None:
        loc = ir.Location(code.co_filename, code.co_firstlineno)
    return ir.CompileError(
        f"compiling {getattr(pyfunc, '__name__', pyfunc)}() needs deeper recursion than Python allows: the "
        "code nests too deeply (a very long expression or elif chain, deeply nested blocks or calls, or "
        "calls traced without end, e.g. recursion on ever longer tuples); split it into smaller statements "
        "or functions", loc)
