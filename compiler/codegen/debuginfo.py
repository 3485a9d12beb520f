"""DWARF line information for ``compile(debug=True)``: debuggers and profilers show compiled
frames as ``file.py:line`` in the Python function they came from.

What a debug module carries (``llvmlite.ir``'s debug metadata, turned into DWARF by LLVM
when the engine emits the object file):

* the module flags ``"Dwarf Version"`` (4: what every gdb and perf reads) and
  ``"Debug Info Version"`` (LLVM's metadata version; without it LLVM drops the rest);
* one ``DICompileUnit`` (language ``DW_LANG_Python``, producer ``pyjit``) for the file
  of the module's first function, and a ``DIFile`` per source file;
* a ``DISubprogram`` per LLVM function that carries locations: the name a debugger shows
  is the IR function's name -- the Python ``__qualname__`` (``Grid.step``,
  ``outer.<locals>.inner``; ``f.1`` for a further specialisation) --, the line that of
  the ``def`` (its decorator's, as ``co_firstlineno``).  The exported entry wrapper
  (``pyjit_entry.f``) is a subprogram of that symbol's name at the same line, and the
  functions the parallel lowering outlines (``f.share1``) get one of their own name, made
  when their first op is lowered;
* a ``DILocation`` on every instruction an op's lowering emits, from the op's ``loc``
  (line and column; an op without a location keeps the previous op's).  An op that came
  from another file (a helper our ``inline`` pass inlined from another module) has a
  ``DILexicalBlockFile`` of that file as its scope, so its line is shown in its own file.

The hook in ``core``: a module is lowered with debug information when one of its
functions has the ``debug`` attribute (``compile(debug=True)``; set by the pipeline as
``fastmath`` is).  Without it nothing here runs and the LLVM text is the same as before.
LLVM keeps the locations through its optimizer as well as it can: instructions it moves
or merges lose theirs or take one of the merged lines, and a function it inlines becomes
an inlined frame (``DW_TAG_inlined_subroutine``) that gdb shows as a frame of its own.

Decision: line tables and subprograms only, no variables (``DILocalVariable``) or types:
values live in SSA registers that LLVM moves freely; what users asked for is *where*
compiled code is (a backtrace, a profile by line), which is what this gives.  The
subprogram has no linkage name: gdb would show that (``pyjit.f``) instead of the
Python name, and ``break f`` would not find it.

How gdb gets it: nothing to do at run time.  llvmlite's ``create_lljit_compiler`` (as
the engine calls it: ``use_jit_link=False``) links objects with RuntimeDyld and registers
LLVM's GDB registration listener on that linking layer; the listener hands gdb every
loaded object, with its section addresses patched to where they were loaded, through
gdb's JIT interface (``__jit_debug_descriptor``, ``__jit_debug_register_code``, defined in
llvmlite's shared library as local symbols, which gdb finds in its symbol table), and
unregisters it when the library is freed.  So a ``debug=True`` object needs no loading
path of its own: ``gdb -ex 'set breakpoint pending on' -ex 'break f' -ex run`` stops in
it, and ``bt`` shows ``f () at file.py:12`` (its unwind tables are in the same object).
Looked at and not needed: MCJIT (``create_mcjit_compiler``) registers the same listener
but resolves names across modules and never frees code; ``ExecutionEngine.enable_jit_events``
is MCJIT's and adds only the OProfile and VTune listeners, if LLVM was built with them;
registering an ELF image ourselves through the JIT interface with ctypes would need the
load addresses written into its section headers, which the listener already does.  Not
covered: a JITLink engine (``use_jit_link=True``), for which llvmlite 0.50 registers
nothing with gdb, and an llvmlite whose shared library is stripped of its symbol table.
"""
from __future__ import annotations

import os
import sys
from typing import Any, Mapping

import llvmlite.ir as lir

from ir.diagnostics import Location

from ..signatures import format_type
from .core import entry_symbol, function_symbol

__all__ = ["DebugInfo", "symbol_names", "python_module_name"]

#: DWARF 4: read by every gdb, perf and addr2line in use
DWARF_VERSION = 4
#: LLVM's ``DEBUG_METADATA_VERSION``
DEBUG_INFO_VERSION = 3


def symbol_names(ir_module: Any, entry: str | None = None, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """What profilers call the LLVM functions of ``ir_module`` (``runtime.perfmap``), by
    symbol: ``pyjit:<module>.<qualname>(<argument types>)`` for a function
    (``pyjit:kernels.smooth(f64[::1], i64)``), the same with `` [entry]`` for its entry
    wrapper; ``extra`` maps further symbols to a suffix for the name of the function
    ``entry`` (the native call wrapper: ``{"pyjit_fast": "fastcall"}``)."""
    names: dict[str, str] = {}
    for func in ir_module:
        module = python_module_name(func.loc.file) if func.loc is not None else "<compiled>"
        name = f"pyjit:{module}.{func.sym_name}({', '.join(format_type(t) for t in func.arg_types)})"
        names[function_symbol(func.sym_name)] = name
        names[entry_symbol(func.sym_name)] = f"{name} [entry]"
    if entry is not None:
        for symbol, suffix in (extra or {}).items():
            names[symbol] = f"{names[function_symbol(entry)]} [{suffix}]"
    return names


_MODULE_NAMES: dict[str, str] = {}


def python_module_name(path: str) -> str:
    """The dotted name of the imported Python module whose file is ``path`` (``__main__``
    for the script), else the file's name without ``.py``."""
    found = _MODULE_NAMES.get(path)
    if found is None:
        found = os.path.splitext(os.path.basename(path))[0]
        for name, module in list(sys.modules.items()):
            if getattr(module, "__file__", None) == path:
                found = name
                break
        _MODULE_NAMES[path] = found
    return found


class DebugInfo:
    """The debug metadata of one LLVM module being lowered (see the module docstring)."""

    def __init__(self, llvm: lir.Module, ir_module: Any):
        self.llvm = llvm
        self._files: dict[str, Any] = {}
        self._block_files: dict[tuple[int, str], Any] = {}
        #: LLVM function name -> (its subprogram, its file name, its line)
        self._subprograms: dict[str, tuple[Any, str, int]] = {}
        first = next((func.loc for func in ir_module if func.loc is not None), None)
        self._default = first or Location("<compiled>", 0)
        self._type = llvm.add_debug_info("DISubroutineType", {"types": llvm.add_metadata([])})
        self.unit = llvm.add_debug_info("DICompileUnit", {
            "language": lir.DIToken("DW_LANG_Python"),
            "file": self.file(self._default.file),
            "producer": "pyjit",
            "runtimeVersion": 0,
            "isOptimized": True,   # (nothing gdb or perf reads from an ELF object)
            "emissionKind": lir.DIToken("FullDebug"),
        }, is_distinct=True)
        llvm.add_named_metadata("llvm.dbg.cu", self.unit)
        for name, value in (("Dwarf Version", DWARF_VERSION), ("Debug Info Version", DEBUG_INFO_VERSION)):
            llvm.add_named_metadata("llvm.module.flags", [lir.Constant(lir.IntType(32), 2), name,
                                                          lir.Constant(lir.IntType(32), value)])

    def file(self, path: str) -> Any:
        """The ``DIFile`` of the source file ``path``."""
        found = self._files.get(path)
        if found is None:
            directory, name = os.path.split(path)
            found = self._files[path] = self.llvm.add_debug_info("DIFile", {"filename": name,
                                                                            "directory": directory})
        return found

    def subprogram(self, fn: lir.Function, name: str, loc: Location | None) -> Any:
        """Attach a ``DISubprogram`` called ``name`` at ``loc`` (the ``def``) to ``fn``."""
        loc = loc or self._default
        sp = self.llvm.add_debug_info("DISubprogram", {
            "name": name,
            "scope": self.file(loc.file),
            "file": self.file(loc.file),
            "line": loc.line,
            "scopeLine": loc.line,
            "type": self._type,
            "spFlags": lir.DIToken("DISPFlagDefinition" + ("|DISPFlagLocalToUnit" if fn.linkage == "internal"
                                                            else "")),
            "unit": self.unit,
        }, is_distinct=True)
        fn.set_metadata("dbg", sp)
        self._subprograms[fn.name] = (sp, loc.file, loc.line)
        return sp

    def location(self, fn: lir.Function, loc: Location | None) -> Any:
        """The ``DILocation`` of ``loc`` in ``fn`` (``fn``'s own line if ``loc`` is None);
        ``fn`` gets a subprogram of its own name if it has none yet (an outlined body)."""
        if fn.name not in self._subprograms:
            self.subprogram(fn, fn.name, loc)
        sp, file, line = self._subprograms[fn.name]
        if loc is None:
            return self.llvm.add_debug_info("DILocation", {"line": line, "column": 0, "scope": sp})
        scope = sp
        if loc.file != file:
            scope = self._block_files.get((id(sp), loc.file))
            if scope is None:
                scope = self._block_files[(id(sp), loc.file)] = self.llvm.add_debug_info(
                    "DILexicalBlockFile", {"scope": sp, "file": self.file(loc.file), "discriminator": 0})
        return self.llvm.add_debug_info("DILocation", {"line": loc.line, "column": loc.col + 1, "scope": scope})

    def finish(self) -> None:
        """Give the calls that have no location, in functions that have debug information,
        their function's line: LLVM requires one on every call of a function with debug
        information (it may inline it), and a builder other than the op lowering's
        (a helper's, an outlined body's) emits them without."""
        for fn in self.llvm.functions:
            if fn.name not in self._subprograms or fn.is_declaration:
                continue
            at_def = None
            for block in fn.blocks:
                for instr in block.instructions:
                    if isinstance(instr, lir.CallInstr) and "dbg" not in instr.metadata:
                        at_def = at_def or self.location(fn, None)
                        instr.set_metadata("dbg", at_def)
