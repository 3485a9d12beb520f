"""A compiler instance for tools that embed the compiler: its own passes and options.

    from compiler import Compiler

    tool = Compiler(opt=3)

    @tool.register_pass
    class CountOps:
        name = "count-ops"
        def run(self, module) -> bool: ...

    tool.optimize(module, "count-ops,fold,dce")   # an IR module, e.g. built with ir.Builder
    f = tool.jit(module)                          # a CompiledFunction
    f([10])                                       # its arguments, as a sequence

Decisions:

* **The pass registry belongs to the instance.**  It starts as a copy of the
  process-wide registry when the instance is made (the built-in passes, and
  any a program registered there with :func:`compiler.passes.register_pass`);
  what :meth:`Compiler.register_pass` adds is seen by this instance alone, so
  two tools in one process cannot see or clash with each other's passes.  A
  pipeline naming a pass the instance does not know is a ``ValueError`` that
  names it.
* **The options are the instance's** (:class:`~compiler.pipeline.CompileOptions`:
  ``opt``, ``boundscheck``, ``passes``, ``verify_each``, ``llvm_vectorize``,
  ``fastmath``, and ``registry``, the instance's registry).  ``passes`` (the
  default pipeline) is checked when the instance is made, so it may only name
  built-in passes; a pipeline with the tool's own passes is given to
  :meth:`pipeline`, :meth:`optimize` or :meth:`compile`.
* **It reuses the compiler's stages**, not copies of them: the pass manager,
  the ``refcount`` pass and code generation (:func:`~compiler.pipeline.lower_for_jit`),
  the process's JIT engine (:func:`~compiler.pipeline.jit_module`).  An
  instance works on IR modules (build them with :class:`ir.Builder`, parse
  them with :func:`ir.parse_module`) and on Python functions: ``@tool.compile``
  is ``@compile`` with the instance's options and passes.  The plain
  ``@compile`` decorator uses the process-wide registry, as before.
* **A module is lowered once**: :meth:`lower` and :meth:`jit` run the
  ``refcount`` pass on it in place, as the compiler does just before code
  generation.
"""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Callable, Sequence

import ir

from .pipeline import CompiledFunction, CompileOptions, jit_module, lower_for_jit

if TYPE_CHECKING:  # imported where first needed: the codegen imports llvmlite
    from .codegen import LoweredModule
    from .passes.manager import PassManager

__all__ = ["Compiler"]


class Compiler:
    """A pass registry and options of its own; see the module docstring."""

    def __init__(self, **options: Any) -> None:
        from .passes import PASSES  # importing the package registers the built-in passes

        #: the passes this instance knows, by name
        self.registry: dict[str, type] = dict(PASSES)
        #: the options of everything this instance compiles
        self.options = CompileOptions(**options, registry=self.registry)

    def compile(self, func: Callable | None = None, **options: Any) -> Any:
        """The ``@compile`` decorator of this instance: a function compiled with this
        instance's options (keyword arguments override them, as ``@compile``'s do) and
        its passes -- ``passes=`` may name the passes registered here.  Used bare
        (``@tool.compile``) or called (``@tool.compile(passes="count-ops,fold")``)."""
        from .dispatcher import Dispatcher

        chosen = dataclasses.replace(self.options, **options)
        if func is None:
            return lambda f: Dispatcher(f, (), chosen)
        return Dispatcher(func, (), chosen)

    def register_pass(self, cls: type) -> type:
        """Class decorator: make the pass ``cls`` known to this instance by its ``name``
        (``ValueError`` if the class is no pass or a different one holds the name)."""
        from .passes.base import register_pass

        return register_pass(cls, self.registry)

    def pipeline(self, spec: str | int | Sequence[str] | None = None) -> PassManager:
        """A :class:`~compiler.passes.manager.PassManager` for ``spec`` (``"fold,dce"``, a level,
        a list of names; default: the options' pipeline) resolving names in this instance's
        registry.  Add hooks to it (``manager.before``/``after``) and run it on modules."""
        from .passes.manager import PassManager

        return PassManager(self.options.pipeline if spec is None else spec, self.options.verify_each,
                           self.registry)

    def optimize(self, module: ir.Module, pipeline: str | int | Sequence[str] | None = None) -> bool:
        """Verify ``module``, run ``pipeline`` (see :meth:`pipeline`) on it in place and verify
        the result; whether a pass changed it.  With ``fastmath`` every function gets the
        ``fastmath`` attribute first, as traced functions do."""
        ir.verify(module)
        if self.options.fastmath:
            for func in module:
                func.attributes["fastmath"] = True
        manager = self.pipeline(pipeline)
        changed = manager.run(module)
        if changed and not manager.verify_each:
            ir.verify(module)
        return changed

    def lower(self, module: ir.Module) -> LoweredModule:
        """The optimized ``module`` lowered to LLVM IR: a :class:`~compiler.codegen.LoweredModule`
        (``llvm_ir``, and ``error_sites``, the table its statuses stand for).  Runs the
        ``refcount`` pass on ``module`` first (in place: lower a module once)."""
        return lower_for_jit(module)

    def jit(self, module: ir.Module, entry: str | None = None) -> CompiledFunction:
        """Lower ``module`` (see :meth:`lower`), JIT-compile it and return its function
        ``entry`` (default: the module's ``entry``, else its only function) as a
        :class:`~compiler.pipeline.CompiledFunction`: call it with the arguments as a
        sequence (``f([x, y])``); it raises what the compiled code raises."""
        name = entry or module.entry
        if name is None:
            names = [func.sym_name for func in module]
            if len(names) != 1:
                raise ValueError(f"the module has {len(names)} functions ({', '.join(names) or 'none'}): "
                                 "name the entry")
            name = names[0]
        func = module[name]
        return jit_module(module, func, self.lower(module), self.options)
