"""The process's JIT engine: LLVM IR text in, addresses of native code out.

One :class:`Engine` per process (:func:`get_engine`).  All LLVM work --
parsing, verifying, optimizing, code generation, linking -- happens under the
engine's lock, because llvmlite shares one LLVM context between threads;
compiling from several threads is therefore safe, and calling compiled code
needs no lock at all.  llvmlite is imported on first use, so ``import runtime``
stays cheap, and LLVM's native target is initialised on the first compile.

The JIT is ORC's LLJIT rather than MCJIT:

* each compiled module becomes its own JIT library with its own symbol
  namespace, so one function name can be compiled any number of times (new
  signatures, recompiles, tests) without clashing -- MCJIT resolves names
  across all of its modules;
* a library's code is freed when its :class:`CompiledLibrary` is garbage
  collected -- MCJIT never frees code;
* symbols of the running process (libm, the CPython C API) are resolved
  through the library's "current process" link element; NumPy's BLAS, which
  NumPy loads privately, is imported into each library that calls it, by
  address (:mod:`runtime.blas`).  Symbols given to
  ``llvmlite.binding.add_symbol`` are *not* seen by ORC; code that needs such
  a symbol must get it from the process or have it imported into its library.

The price: the exported addresses are fixed when the library is linked:
every defined function or global with external linkage is exported, the rest
(``internal`` functions) is not visible.

Debuggers and profilers: llvmlite's LLJIT links objects with RuntimeDyld and
registers LLVM's GDB listener on it, so every object linked here is announced
through gdb's JIT interface, its sections at their load addresses; one compiled
with ``debug=True`` carries DWARF line tables (``compiler.codegen.debuginfo``) and
shows in gdb as ``file.py:line`` in its Python function.  With ``PYJIT_PERF_MAP=1``
each library's functions are appended to perf's map file (:mod:`runtime.perfmap`).

Optimization uses LLVM's new pass manager with a default pipeline for the
host target machine (host CPU name and features): level 0, 1 and 2 run LLVM's
pipeline of that level, and level 3 runs LLVM's level 2 too
(:data:`LLVM_PIPELINE`); loop and SLP vectorization are on from level 2.
Decision: LLVM's level 3 adds non-trivial loop unswitching, the aggressive
instruction combiner and call-site splitting, whose work our own passes
already did (``version``, ``licm``, ``fold``): on the benchmark kernels it
took up to 2.7 times as long (matmul's loop nest, copied whole by the
unswitching; 73 ms against 68 ms for jacobi_2d) and made no kernel faster.
Which loops LLVM may unroll by a count known only at run time is said per
loop by the code generator (``compiler.codegen.control._no_runtime_unroll``),
not by a process-wide LLVM option.
Functions the caller names ``cold`` (code that rarely runs) are marked
``optnone``: no pipeline optimizes them (:func:`_set_cold`).  Machine code is generated at LLVM's level 3, except for level 0, which
uses the fast instruction selector of LLVM's level 0 (a separate LLJIT): -O0
is for compiling quickly and for checking the optimizer against.  The
optimized module is compiled to an object file by the target machine and the
JIT links that object (ORC would otherwise parse the module's text again).
"""
from __future__ import annotations

import itertools
import re
import threading
from typing import Any, Callable, Mapping, Sequence

from . import perfmap

__all__ = ["Engine", "CompiledLibrary", "LLVMError", "get_engine"]

_TARGET_LINE = re.compile(r'^target (?:triple|datalayout) = ".*"$', re.MULTILINE)

#: the level of LLVM's default pipeline each optimisation level runs (see the module docstring)
LLVM_PIPELINE = {0: 0, 1: 1, 2: 2, 3: 2}


class LLVMError(RuntimeError):
    """LLVM rejected a module (a bug in the code generator, never a user error)."""


class CompiledLibrary:
    """A JIT-compiled module.  Its code stays valid while this object lives:
    keep it referenced as long as any of its addresses may be called."""

    def __init__(self, engine: "Engine", name: str, optimize_again: Callable[[], str], tracker: Any,
                 symbols: dict[str, int], codegen_level: int):
        self._engine = engine
        self._codegen_level = codegen_level
        self._tracker = tracker  # owns the machine code
        self._symbols = symbols
        self._asm: str | None = None
        self._optimize_again = optimize_again
        self._llvm_ir: str | None = None
        self.name = name

    @property
    def llvm_ir(self) -> str:
        """The module's text after optimization (made again on first use: the same input
        through the same pipeline gives the same text, and printing every module would
        cost each compile a millisecond or so)."""
        if self._llvm_ir is None:
            self._llvm_ir = self._optimize_again()
        return self._llvm_ir

    def address(self, symbol: str) -> int:
        """Address of an exported function or global; ``KeyError`` if there is none."""
        try:
            return self._symbols[symbol]
        except KeyError:
            exported = ", ".join(sorted(self._symbols)) or "nothing"
            raise KeyError(f"{self.name} has no exported symbol {symbol!r} "
                           f"(it exports {exported})") from None

    @property
    def symbols(self) -> list[str]:
        """Names of the exported symbols."""
        return sorted(self._symbols)

    @property
    def asm(self) -> str:
        """The host assembly of the optimized module (produced on first use)."""
        if self._asm is None:
            self._asm = self._engine.emit_assembly(self.llvm_ir, self._codegen_level)
        return self._asm

    def __repr__(self) -> str:
        return f"<CompiledLibrary {self.name} exports {', '.join(self.symbols)}>"


class Engine:
    """Parses, optimizes and JIT-compiles LLVM IR modules; see the module docstring."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        #: code generation level (0 or 3) -> (target machine, LLJIT), made on first use
        self._backends: dict[int, tuple[Any, Any]] = {}
        self._library_ids = itertools.count(1)
        #: libraries linked from object files, which live as long as the process
        self._kept: list[Any] = []
        #: code generation level -> the target machine for shared libraries, made on first use
        self._pic_machines: dict[int, Any] = {}

    def _backend(self, codegen_level: int) -> tuple[Any, Any]:
        """The target machine and JIT generating code at ``codegen_level`` (under the lock)."""
        backend = self._backends.get(codegen_level)
        if backend is None:
            import llvmlite.binding as llvm

            llvm.initialize_native_target()
            llvm.initialize_native_asmprinter()
            target = llvm.Target.from_default_triple()
            machine = target.create_target_machine(
                cpu=llvm.get_host_cpu_name(), features=llvm.get_host_cpu_features().flatten(),
                opt=codegen_level)
            backend = self._backends[codegen_level] = (machine, llvm.create_lljit_compiler(machine))
        return backend

    def compile(self, llvm_ir: str, opt_level: int = 3, name: str = "module",
                loop_vectorize: bool = True, cold: Sequence[str] = (),
                linked: Sequence[str] = (), names: Mapping[str, str] | None = None) -> CompiledLibrary:
        """Parse, verify, optimize at ``opt_level`` (0..3) and JIT-compile ``llvm_ir``;
        ``loop_vectorize=False`` turns LLVM's loop vectorizer off (to measure ours); the
        functions named in ``cold`` (code that rarely runs) are not optimized
        (:func:`_set_cold`); the modules ``linked`` (texts) are linked into it first (the
        native call wrapper made with a specialisation: ``compiler.fastcall``); ``names``:
        what profilers call its functions, by symbol (:mod:`runtime.perfmap`).

        Raises :class:`LLVMError` if LLVM rejects the text.
        """
        import llvmlite.binding as llvm

        codegen_level = 0 if opt_level == 0 else 3
        with self._lock:
            machine, jit = self._backend(codegen_level)
            module = self._optimized(llvm_ir, opt_level, name, machine, loop_vectorize, cold, linked)
            exports = [g.name for g in (*module.functions, *module.global_variables)
                       if not g.is_declaration and g.linkage == llvm.Linkage.external]
            library_name = f"{name}#{next(self._library_ids)}"
            try:
                image = machine.emit_object(module)
            except RuntimeError as err:
                raise LLVMError(f"code generation for {name} failed: {err}") from None
            builder = llvm.JITLibraryBuilder().add_object_img(image).add_current_process()
            for symbol, address in _private_symbols(module).items():
                builder.import_symbol(symbol, address)
            for symbol in exports:
                builder.export_symbol(symbol)
            try:
                tracker = builder.link(jit, library_name)
            except RuntimeError as err:
                raise LLVMError(f"linking {name} failed: {err}") from None
            symbols = {symbol: tracker[symbol] for symbol in exports}
            perfmap.record(image, symbols, names)
        return CompiledLibrary(self, library_name, lambda: self.optimized_text(
            llvm_ir, opt_level, name, loop_vectorize, cold, linked), tracker, symbols, codegen_level)

    def optimized_text(self, llvm_ir: str, opt_level: int = 3, name: str = "module", loop_vectorize: bool = True,
                       cold: Sequence[str] = (), linked: Sequence[str] = ()) -> str:
        """The text of ``llvm_ir`` optimized as :meth:`compile` optimizes it."""
        with self._lock:
            machine, _ = self._backend(0 if opt_level == 0 else 3)
            return str(self._optimized(llvm_ir, opt_level, name, machine, loop_vectorize, cold, linked))

    def _optimized(self, llvm_ir: str, opt_level: int, name: str, machine: Any, loop_vectorize: bool,
                   cold: Sequence[str], linked: Sequence[str]) -> Any:
        """The parsed, linked and optimized module (under the lock)."""
        if opt_level not in (0, 1, 2, 3):
            raise ValueError(f"opt_level must be 0, 1, 2 or 3, not {opt_level!r}")
        module = self._parse(llvm_ir, name, machine)
        for text in linked:
            module.link_in(self._parse(text, name, machine))
        self._optimize(module, opt_level, machine, loop_vectorize, cold)
        return module

    def shared_object(self, llvm_ir: str, path: str, opt_level: int = 3, name: str = "module",
                      loop_vectorize: bool = True, cold: Sequence[str] = (),
                      linked: Sequence[str] = (), members: Sequence[tuple[str, str]] = ()) -> list[str]:
        """Optimize ``llvm_ir`` as :meth:`compile` does and write it to ``path`` as a shared
        library (position-independent code, linked by the system's linker, ``sharedlib``);
        the libraries that define the symbols the module
        imports privately (NumPy's BLAS, the OpenMP runtime) are its dependencies, by name: a
        process loads them before the library (``sharedlib.load``).  Returns the names of
        those libraries (``"blas"``, ``"openmp"``).  ``members``:
        (symbol, static archive) of functions to copy into the library from archives (NumPy's
        distribution functions, ``runtime.nprandom``), exported under their names.

        Raises :class:`LLVMError` if LLVM rejects the text, :class:`sharedlib.LinkError` if
        there is no linker or it fails."""
        from . import sharedlib

        codegen_level = 0 if opt_level == 0 else 3
        with self._lock:
            machine = self._pic_machine(codegen_level)
            module = self._optimized(llvm_ir, opt_level, name, machine, loop_vectorize, cold, linked)
            needed = _private_libraries(module)
            try:
                image = machine.emit_object(module)
            except RuntimeError as err:
                raise LLVMError(f"code generation for {name} failed: {err}") from None
        sharedlib.link(image, path, [file for _, file in needed], members)
        return [kind for kind, _ in needed]

    def _pic_machine(self, codegen_level: int) -> Any:
        """The host's target machine for position-independent code (shared libraries)."""
        machine = self._pic_machines.get(codegen_level)
        if machine is None:
            import llvmlite.binding as llvm

            self._backend(codegen_level)   # initialises LLVM's native target
            target = llvm.Target.from_default_triple()
            machine = self._pic_machines[codegen_level] = target.create_target_machine(
                cpu=llvm.get_host_cpu_name(), features=llvm.get_host_cpu_features().flatten(),
                opt=codegen_level, reloc="pic", codemodel="default")
        return machine

    def load_objects(self, name: str, images: list[bytes], exports: list[str]) -> dict[str, int]:
        """Link compiled object files (``images``) into a library of their own, kept for
        the life of the process, and return the addresses of ``exports``.  Their
        undefined symbols are resolved from the process (the C library)."""
        import llvmlite.binding as llvm

        with self._lock:
            _, jit = self._backend(3)
            builder = llvm.JITLibraryBuilder().add_current_process()
            for image in images:
                builder.add_object_img(image)
            for symbol in exports:
                builder.export_symbol(symbol)
            try:
                tracker = builder.link(jit, f"{name}#{next(self._library_ids)}")
            except RuntimeError as err:
                raise LLVMError(f"linking {name} failed: {err}") from None
            self._kept.append(tracker)
            addresses = {symbol: tracker[symbol] for symbol in exports}
            for image in images:
                perfmap.record(image, addresses)
            return addresses

    def emit_assembly(self, llvm_ir: str, codegen_level: int = 3) -> str:
        """Host assembly for a module's text, without optimizing it further."""
        with self._lock:
            machine, _ = self._backend(codegen_level)
            return machine.emit_assembly(self._parse(llvm_ir, "asm", machine))

    def _parse(self, llvm_ir: str, name: str, machine: Any) -> Any:
        """Parse and verify for the host: the text's own target lines are replaced
        by the host's *before* parsing, so that the alignments the parser gives
        loads and stores are the host's."""
        import llvmlite.binding as llvm

        host = f'target triple = "{machine.triple}"\ntarget datalayout = "{machine.target_data}"\n'
        try:
            module = llvm.parse_assembly(host + _TARGET_LINE.sub("", llvm_ir))
            module.verify()
        except RuntimeError as err:
            raise LLVMError(f"LLVM rejected module {name}: {err}") from None
        module.name = name
        return module

    @staticmethod
    def _optimize(module: Any, opt_level: int, machine: Any, loop_vectorize: bool, cold: Sequence[str]) -> None:
        import llvmlite.binding as llvm

        if opt_level and cold:
            _set_cold([module.get_function(name) for name in cold])
        options = llvm.create_pipeline_tuning_options(speed_level=LLVM_PIPELINE[opt_level])
        options.loop_vectorization = opt_level >= 2 and loop_vectorize
        options.slp_vectorization = opt_level >= 2
        pass_builder = llvm.create_pass_builder(machine, options)
        pass_builder.getModulePassManager().run(module, pass_builder)


def _set_cold(cold: list[Any]) -> None:
    """Mark the functions ``cold`` (code that rarely runs, ``noinline``) ``optnone``: the
    default pipeline skips them and the code generator takes its fast instruction selector
    for them.  The full pipeline on such a function (a NumPy-order min/max,
    :mod:`compiler.passes.extremum`) took a third of a module's LLVM time.

    Decision: no pipeline at all, not even a light one.  ``instcombine`` and ``simplifycfg``
    on softmax_rows' min/max function cost 3.2 ms, and its machine code then took 2 to 3 ms
    longer than without them: 5 ms of a first call; that function's code, which runs only for
    a row whose maximum is a zero or NaN, takes 430 us instead of 365 us for 600 such rows
    of 600.  (A light pipeline would need a pass builder of its own per run: every run
    of a pass manager registers its instrumentation with the builder it is given and frees
    it when it returns, so a builder run twice calls freed instrumentation.)"""
    for function in cold:
        function.add_function_attribute("optnone")


def _private_symbols(module: Any) -> dict[str, int]:
    """The symbols ``module`` declares that the process does not export, by address:
    the CBLAS, LAPACKE and Fortran LAPACK functions of NumPy's BLAS (:mod:`runtime.blas`; a
    Fortran name ends with ``_``), which NumPy loads privately, and the OpenMP runtime's
    functions (:mod:`runtime.threads`)."""
    from . import threads

    found: dict[str, int | None] = {}
    declared = [f.name for f in module.functions if f.is_declaration
                and ("cblas_" in f.name or "LAPACKE_" in f.name or f.name.endswith("_"))]
    if declared:
        from .blas import find

        blas = find()
        found.update({name: blas.address(name) for name in declared} if blas is not None else {})
    for g in (*module.functions, *module.global_variables):
        if g.is_declaration and g.name in threads.SYMBOLS:
            found[g.name] = threads.address(g.name)
    return {name: address for name, address in found.items() if address is not None}


def _private_libraries(module: Any) -> list[tuple[str, str]]:
    """(``"openmp"`` or ``"blas"``, file) of the libraries that define the symbols
    :func:`_private_symbols` finds for ``module`` (a shared library's dependencies)."""
    from . import threads

    names = set(_private_symbols(module))
    found = []
    if any(name in threads.SYMBOLS for name in names):
        found.append(("openmp", threads.library_file()))
    if names - set(threads.SYMBOLS):
        from .blas import find

        found.append(("blas", find().library._name))
    return found


_engine: Engine | None = None
_engine_lock = threading.Lock()


def get_engine() -> Engine:
    """The process's engine, created on first use (cheap: LLVM starts on the first compile)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = Engine()
        return _engine
