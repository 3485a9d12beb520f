"""A Python kernel compiled into a NumPy inner loop (:class:`UFuncLoop`), and a ufunc made of such loops.

    loop = compile_loop(kernel, (f64, f64), f64, options)          # element-wise
    loop = compile_loop(kernel, (array<f64,1,A>, f64, array<f64,1,A>), none, options, layout)
    ufunc = ufunc_of(kernel, [loop, ...], nin=2, nout=1, identity=None)

The kernel is traced and optimized as ``@compile`` does it (``compiler.pipeline``:
our passes, then ``lower-arrays`` and the ``refcount`` pass), and lowered
together with its inner loop (``compiler.codegen.ufunc_loops``) into one LLVM
module, which the process's engine optimizes and JIT-compiles as a library of
its own.  The ufunc (``runtime.ufunc_api``) keeps its loops alive: each
:class:`UFuncLoop` holds its library and the Python objects its code refers to.

Every error is raised with a note naming the kernel, the kind of ufunc and the
signature being compiled (the exception itself keeps its type and location).
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import ir
from ir import TypingError
from ir.dtypes import to_dtype
from ir.records import record
from ir.types import ArrayType, NoneType, Type

from .gufunc_layout import Layout
from .pipeline import CompileOptions, build_module
from .signatures import format_type

__all__ = ["UFuncLoop", "compile_loop", "ufunc_of", "describe_signature"]


@record(frozen=True)
class UFuncLoop:
    """One inner loop: the kernel's argument and result types, the loop's address, and what
    keeps its code alive (the JIT library, the objects the code refers to)."""

    arg_types: tuple[Type, ...]
    result_type: Type
    address: int
    library: Any
    referenced: tuple[Any, ...]

    @property
    def operand_types(self) -> tuple[Type, ...]:
        """The element types of the ufunc's operands: the arguments' (an array's dtype), and
        for an element-wise loop the result's."""
        elements = tuple(t.dtype if isinstance(t, ArrayType) else t for t in self.arg_types)
        return elements if isinstance(self.result_type, NoneType) else (*elements, self.result_type)

    @property
    def type_numbers(self) -> tuple[int, ...]:
        """NumPy's type numbers of :attr:`operand_types`."""
        return tuple(to_dtype(t).num for t in self.operand_types)


def describe_signature(arg_types: Sequence[Type], result_type: Type | None) -> str:
    """A signature as the user writes it (``f64(f64, i64)``, ``void(f64[:], f64[:])``)."""
    args = ", ".join(map(format_type, arg_types))
    if result_type is None:
        return f"({args})"
    return f"{'void' if isinstance(result_type, NoneType) else format_type(result_type)}({args})"


def compile_loop(pyfunc: Callable, arg_types: Sequence[Type], result_type: Type | None,
                 options: CompileOptions, layout: Layout | None = None, parallel: bool = False) -> UFuncLoop:
    """The inner loop of ``pyfunc`` for ``arg_types``: element-wise (``layout`` None) with the
    result converted to ``result_type`` (None: the type the kernel returns; the kernel is
    traced once more, converting its result as ``@compile`` converts a declared result, only
    when the two differ), or generalized for ``layout`` (the kernel writes its output
    arguments and returns nothing).  The kernel's own result must be a scalar for
    ``vectorize``.  ``parallel``: the loop splits big calls over threads.  Errors carry a note
    naming the kernel and the signature."""
    kind = "vectorize" if layout is None else "guvectorize"
    try:
        return _compile_loop(pyfunc, tuple(arg_types), result_type, options, layout, parallel)
    except Exception as err:
        err.add_note(f"(while compiling the {kind} kernel {pyfunc.__name__}() for the signature "
                     f"{describe_signature(arg_types, result_type)})")
        raise


def _compile_loop(pyfunc: Callable, arg_types: tuple[Type, ...], result_type: Type | None,
                  options: CompileOptions, layout: Layout | None, parallel: bool) -> UFuncLoop:
    from runtime.engine import get_engine
    from runtime.ufunc_api import api_address

    from .codegen.ufunc_loops import CoreOperand, lower_ufunc_loop
    from .passes.lower_arrays import LowerArrays
    from .passes.refcount import RefcountPass

    module, entry = build_module(pyfunc, arg_types, None, options)
    _check_result(pyfunc, entry, layout)
    if layout is None and result_type is not None and entry.result_type != result_type:
        module, entry = build_module(pyfunc, arg_types, result_type, options)   # converts the result
    LowerArrays().run(module)
    RefcountPass().run(module)
    ir.verify(module)
    core = None if layout is None else [CoreOperand(layout.dimension_indices(k), layout.step_offset(k))
                                        for k in range(len(arg_types))]
    lowered = lower_ufunc_loop(module, entry, api_address("PyUFunc_clearfperr"), core, parallel)
    library = get_engine().compile(lowered.lowered.llvm_ir, opt_level=options.opt,
                                   name=f"{entry.sym_name}.ufunc", loop_vectorize=options.llvm_vectorize,
                                   cold=lowered.lowered.cold)
    return UFuncLoop(tuple(entry.arg_types), entry.result_type, library.address(lowered.symbol), library,
                     lowered.referenced)


def _check_result(pyfunc: Callable, entry: ir.FuncOp, layout: Layout | None) -> None:
    """A ``vectorize`` kernel returns one scalar; a ``guvectorize`` kernel, nothing."""
    t = entry.result_type
    if layout is None and not t.is_scalar:
        raise TypingError(f"the vectorize kernel {pyfunc.__name__}() returns {format_type(t)}: a ufunc kernel "
                          "takes scalars and returns one scalar (bool, int, float or complex); for arrays "
                          "use guvectorize", entry.loc)
    if layout is not None and not isinstance(t, NoneType):
        raise TypingError(f"the guvectorize kernel {pyfunc.__name__}() returns {format_type(t)}: it returns "
                          "nothing and writes its results into its output arguments", entry.loc)


def ufunc_of(pyfunc: Callable, loops: Sequence[UFuncLoop], nin: int, nout: int, identity: Any = None,
             layout: Layout | None = None) -> Any:
    """A ``numpy.ufunc`` named after ``pyfunc`` (its ``__doc__`` too) with ``loops``, tried by
    NumPy in this order; generalized when ``layout`` is given."""
    from runtime.ufunc_api import make_ufunc

    return make_ufunc([loop.address for loop in loops], [loop.type_numbers for loop in loops], nin, nout,
                      pyfunc.__name__, pyfunc.__doc__, identity, None if layout is None else str(layout),
                      keep=tuple(loops))
