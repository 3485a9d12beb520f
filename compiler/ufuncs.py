"""``@vectorize`` and ``@guvectorize``: Python kernels compiled into real NumPy ufuncs.

    from compiler import vectorize, guvectorize

    @vectorize(["f64(f64, f64)", "float32(float32, float32)"], identity=0)
    def rel_diff(x, y):
        return abs(x - y) / (abs(x) + abs(y) + 1.0)

    rel_diff(a, b, out=c, where=mask)     # a numpy.ufunc: NumPy does the rest
    rel_diff.reduce(a)

    @vectorize                            # lazy: a loop per new combination of input dtypes
    def clip01(x): ...

    @guvectorize(["void(f64[:], f64, f64[:])"], "(n),()->(n)")
    def shift(a, k, out):
        for i in range(a.shape[0]):
            out[i] = a[i] + k

    shift(matrix, 2.0)                    # a generalized ufunc over the rows of matrix

The eager forms (with signatures) return a real ``numpy.ufunc``
(``isinstance(f, np.ufunc)``), made with NumPy's C API
(``runtime.ufunc_api``), whose inner loops are generated in LLVM IR around
the compiled kernel, in the kernel's own LLVM module, so that LLVM inlines the
kernel and vectorizes the loop (``compiler.codegen.ufunc_loops``).  Everything
about calling it -- broadcasting, ``out=``, ``where=``, ``dtype=``/``signature=``,
casting, ``reduce``/``accumulate``/``reduceat``/``outer``/``at``, 0-d and empty
inputs, scalars returned for scalar inputs -- is NumPy's own machinery.  Without
signatures ``@vectorize`` returns a :class:`~compiler.lazy_ufunc.LazyUFunc`,
which compiles a loop for the input dtypes of each new call and calls a real
ufunc of all its loops.

Decisions (Python and NumPy semantics):

* **The kernel runs with this compiler's semantics**, the ones ``@compile``
  gives a function called with NumPy scalars of the loop's types: NumPy 2's
  promotion inside the kernel (a ``float32`` loop stays in ``float32`` when
  the kernel multiplies by ``2.0``), ints that wrap, and Python's errors:
  integer ``//`` or ``%`` by zero raises ``ZeroDivisionError``, a ``raise`` in
  the kernel raises, and so do out-of-range indices in a ``guvectorize``
  kernel.  The error leaves the ufunc call as that exception, with the kernel's
  message and its source line.  Numba's ``vectorize`` defaults to NumPy's error
  model instead (a division by zero gives ``inf``, ``nan`` or 0):
  ``error_model="numpy"`` chooses that here too.
* **The result converts to the declared type** (``"f32(f64)"``) as an
  ``@compile`` function's declared result does; without one (``"(f64, f64)"``, or
  the lazy form) the loop's output type is the type the kernel returns.
* **Loop order is NumPy's choice order**: NumPy calls the first loop of the list
  its inputs cast to safely, so list narrow types before wide ones (as with
  Numba).  Two signatures with the same input types are an error.
* **Signatures** are this project's (``compiler.signatures``: ``"f8(f8, i8)"``,
  ``"f64(f64)"``) and Numba's strings (``"float64(float64, int64)"``); a
  ``vectorize`` signature names scalars (bool, integers, floats, complex); a
  ``guvectorize`` one names 1-d or n-d arrays (``f8[:]``, ``f8[:, :]``) and
  scalars, returns ``void`` (or names no result), and its kernel writes its
  output arguments.  An array operand is passed to the kernel as a strided view
  (any layout: ``f8[::1]`` is read as ``f8[:]``, since NumPy may pass any
  strides); input arrays are read-only in the kernel (a write is a compile-time
  error: NumPy may have handed the kernel a buffered copy).  An input whose core
  layout is ``()`` may be declared a scalar (``f8``) or a 1-d array; an output
  with core layout ``()`` is a 1-d array the kernel writes as ``out[0]``
  (Numba's convention).
* ``identity=`` is NumPy's and Numba's: ``0``, ``1``, ``None`` (the default: no
  identity, so reductions only of one axis of non-empty arrays) or
  ``"reorderable"`` (no identity, but reductions over several axes).
* ``__name__`` and ``__doc__`` are the Python function's (NumPy puts its call
  signature line before the docstring, as for its own ufuncs).
* **Options**: ``identity``, ``target``, and of ``@compile``'s ``opt``,
  ``boundscheck``, ``fastmath``, ``error_model``; Numba's ``nopython=True`` (the
  only mode) and ``nogil`` (the loops never hold the GIL anyway: NumPy releases
  it around them) are accepted; ``cache``, ``forceobj``, ``writable_args`` and
  ``locals`` are refused with an ``UnsupportedError`` saying what to do; any
  other keyword is a ``TypeError`` listing the options.
* ``target="cpu"`` runs a loop on the thread NumPy calls it on; ``target="parallel"``
  splits the elements of a big call (of a ``vectorize`` ufunc; the outer iterations
  of a ``guvectorize`` one) over the process's OpenMP team
  (``compiler.codegen.ufunc_threads``, ``runtime.threads``: ``set_num_threads``):
  results are the same, and an error is the one of the first failing element;
  any other target is refused naming the two.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Iterable

from ir import TypingError, UnsupportedError
from ir.types import ArrayType, NoneType, Type, none

from .gufunc_layout import Layout, LayoutError, parse_layout
from .lazy_ufunc import LazyUFunc
from .pipeline import CompileOptions
from .signatures import Signature, SignatureError, format_type, parse_signature
from .ufunc_kernels import UFuncLoop, compile_loop, ufunc_of

__all__ = ["vectorize", "guvectorize"]

#: the targets there are
TARGETS = ("cpu", "parallel")
#: Numba's options refused, with what to do instead
_REFUSED = {
    "cache": "there is no disk cache yet: drop cache=True (a ufunc compiles in milliseconds per signature)",
    "forceobj": "kernels are always compiled (nopython); drop forceobj=True",
    "writable_args": "inputs are read-only in a kernel; pass the array as an output argument to write it",
    "locals": "types of local variables are inferred; drop locals=",
}
_OPTIONS = "identity, target, opt, boundscheck, fastmath, error_model, nopython and nogil"


def vectorize(signatures: Any = None, *, identity: Any = None, target: str = "cpu", **options: Any) -> Any:
    """Make a NumPy ufunc of a scalar kernel (see the module docstring).

    ``@vectorize`` and ``@vectorize()`` give a lazily compiling ufunc; with a signature
    or a list of them (``@vectorize(["f64(f64, f64)", ...])``) a ``numpy.ufunc`` with one
    loop per signature, compiled now."""
    compile_options, parallel = _compile_options("vectorize", target, identity, options)
    if callable(signatures) and not isinstance(signatures, (str, Signature)):
        return _lazy(signatures, identity, compile_options, parallel)
    if signatures is None or (isinstance(signatures, (list, tuple)) and not signatures):
        return lambda pyfunc: _lazy(pyfunc, identity, compile_options, parallel)
    texts = _signature_list("vectorize", signatures)
    return lambda pyfunc: _vectorize_eagerly(pyfunc, texts, identity, compile_options, parallel)


def guvectorize(signatures: Any, layout: str | None = None, *, target: str = "cpu", **options: Any) -> Any:
    """Make a generalized NumPy ufunc of a kernel that writes its output arguments: the
    signatures (``["void(f64[:], f64, f64[:])"]``) and the layout of core dimensions
    (``"(n),()->(n)"``) are required (see the module docstring)."""
    if callable(signatures) and not isinstance(signatures, (str, Signature)) or layout is None:
        raise TypeError("guvectorize needs the signatures and the layout: "
                        "@guvectorize(['void(f64[:], f64, f64[:])'], '(n),()->(n)')")
    if options.get("identity") is not None:
        raise UnsupportedError("guvectorize(identity=...): NumPy's generalized ufuncs do not reduce; "
                               "drop identity=")
    options.pop("identity", None)
    compile_options, parallel = _compile_options("guvectorize", target, None, options)
    texts = _signature_list("guvectorize", signatures)
    try:
        parsed = parse_layout(layout)
    except LayoutError as err:
        raise LayoutError(f"guvectorize: {err}") from None
    return lambda pyfunc: _guvectorize_eagerly(pyfunc, texts, parsed, compile_options, parallel)


# ----------------------------------------------------------------- vectorize
def _lazy(pyfunc: Callable, identity: Any, options: CompileOptions, parallel: bool) -> LazyUFunc:
    return LazyUFunc(pyfunc, _arity("vectorize", pyfunc), identity, options, parallel)


def _vectorize_eagerly(pyfunc: Callable, texts: list, identity: Any, options: CompileOptions,
                       parallel: bool) -> Any:
    nin = _arity("vectorize", pyfunc)
    loops: list[UFuncLoop] = []
    for text in texts:
        sig = _signature("vectorize", pyfunc, text, nin)
        if not all(t.is_scalar for t in sig.args) or sig.result is not None and not sig.result.is_scalar:
            raise TypingError(f"vectorize({str(text)!r}) of {pyfunc.__name__}(): a vectorize signature names "
                              "scalars (bool, integers, floats, complex), as in 'f64(f64, f64)'; for arrays "
                              "use guvectorize")
        _no_duplicate("vectorize", pyfunc, loops, sig.args)
        loops.append(compile_loop(pyfunc, sig.args, sig.result, options, parallel=parallel))
    return ufunc_of(pyfunc, loops, nin, 1, identity)


# ----------------------------------------------------------------- guvectorize
def _guvectorize_eagerly(pyfunc: Callable, texts: list, layout: Layout, options: CompileOptions,
                         parallel: bool) -> Any:
    nargs = _arity("guvectorize", pyfunc)
    if nargs != len(layout.operands):
        raise TypingError(f"guvectorize: the layout {str(layout)!r} has {len(layout.operands)} operands but "
                          f"{pyfunc.__name__}() takes {nargs} arguments (its inputs, then its outputs)")
    loops: list[UFuncLoop] = []
    for text in texts:
        sig = _signature("guvectorize", pyfunc, text, nargs)
        if sig.result is not None and not isinstance(sig.result, NoneType):
            raise TypingError(f"guvectorize({str(text)!r}) of {pyfunc.__name__}(): the kernel returns nothing and "
                              "writes its outputs into its output arguments: write 'void(...)'")
        arg_types = tuple(_operand_type(pyfunc, text, layout, k, t) for k, t in enumerate(sig.args))
        _no_duplicate("guvectorize", pyfunc, loops, arg_types)
        loops.append(compile_loop(pyfunc, arg_types, none, options, layout, parallel))
    return ufunc_of(pyfunc, loops, len(layout.inputs), len(layout.outputs), layout=layout)


def _operand_type(pyfunc: Callable, text: Any, layout: Layout, k: int, t: Type) -> Type:
    """The type the kernel gets operand ``k`` as: a scalar, or a strided array (read-only for inputs)."""
    dims = layout.operands[k]
    is_input = k < len(layout.inputs)
    name = list(inspect.signature(pyfunc).parameters)[k]
    role = "input" if is_input else "output"
    if t.is_scalar:
        if dims or not is_input:
            axes = ", ".join([":"] * max(1, len(dims)))
            raise TypingError(f"guvectorize({str(text)!r}) of {pyfunc.__name__}(): the {role} {name!r} is declared "
                              f"{format_type(t)} but its layout is ({','.join(dims)}): declare it "
                              f"{format_type(t)}[{axes}]" + ("" if is_input else " (an output is an array the kernel "
                                                            "writes)"))
        return t
    if not isinstance(t, ArrayType) or not t.dtype.is_scalar:
        raise TypingError(f"guvectorize({str(text)!r}) of {pyfunc.__name__}(): the {role} {name!r} is "
                          f"{format_type(t)}: operands are arrays of numbers (f8[:]) or numbers")
    if t.ndim != len(dims) and not (t.ndim == 1 and not dims):
        raise TypingError(f"guvectorize({str(text)!r}) of {pyfunc.__name__}(): the {role} {name!r} is a "
                          f"{t.ndim}-d array but its layout ({','.join(dims)}) has {len(dims)} core "
                          "dimension(s)")
    return ArrayType(t.dtype, t.ndim, "A", readonly=is_input)


# ----------------------------------------------------------------- shared
def _compile_options(kind: str, target: str, identity: Any, options: dict[str, Any]) -> tuple[CompileOptions, bool]:
    """The compile options of a decorator's keywords (see the module docstring), and whether
    the loops split over threads."""
    if identity is not None and not (type(identity) in (int, str) and identity in (0, 1, "reorderable")):
        raise ValueError(f"{kind}(identity={identity!r}): the identity is 0, 1, None or 'reorderable'")
    if target not in TARGETS:
        raise UnsupportedError(f"{kind}(target={target!r}): the targets are 'cpu' and 'parallel' (no GPU target)")
    if options.pop("nopython", True) is not True:
        raise UnsupportedError(f"{kind}(nopython=False): kernels are always compiled; drop nopython=False")
    if options.pop("nogil", False) not in (True, False):
        raise TypeError(f"{kind}(nogil=...) must be True or False")
    for name, value in options.items():
        if name in _REFUSED and value not in (False, None, ()):
            raise UnsupportedError(f"{kind}({name}={value!r}): {_REFUSED[name]}")
    unknown = [name for name in options if name not in ("opt", "boundscheck", "fastmath", "error_model")
               and name not in _REFUSED]
    if unknown:
        raise TypeError(f"{kind}() got an unexpected keyword argument {unknown[0]!r}; its options are {_OPTIONS}")
    chosen = {name: value for name, value in options.items() if name not in _REFUSED}
    return CompileOptions(**chosen), target == "parallel"


def _signature_list(kind: str, signatures: Any) -> list:
    if isinstance(signatures, (str, Signature)):
        return [signatures]
    if not isinstance(signatures, Iterable):
        raise TypeError(f"{kind}() takes a signature string or a list of them (['f64(f64, f64)']), "
                        f"not {signatures!r}")
    return list(signatures)


def _signature(kind: str, pyfunc: Callable, text: Any, nargs: int) -> Signature:
    """``text`` read as a signature of ``pyfunc`` (which takes ``nargs`` arguments)."""
    if isinstance(text, Signature):
        sig = text
    elif isinstance(text, str):
        try:
            sig = parse_signature(text)
        except SignatureError as err:
            raise SignatureError(f"{kind}({text!r}) of {pyfunc.__name__}(): {err}") from None
    else:
        raise TypeError(f"{kind}() of {pyfunc.__name__}(): a signature is a string such as 'f64(f64, f64)' "
                        f"or 'float64(float64, float64)', not {text!r}")
    if len(sig.args) != nargs:
        raise TypeError(f"{kind}({str(text)!r}) of {pyfunc.__name__}(): the signature has {len(sig.args)} "
                        f"argument(s) but {pyfunc.__name__}() takes {nargs}")
    return sig


def _arity(kind: str, pyfunc: Callable) -> int:
    """The number of parameters of a kernel: positional, no ``*args``/``**kwargs``, at least one."""
    if not callable(pyfunc):
        raise TypeError(f"{kind} decorates a function, not {pyfunc!r}")
    try:
        params = inspect.signature(pyfunc).parameters.values()
    except (TypeError, ValueError):
        raise TypeError(f"{kind} needs a Python function; {pyfunc!r} has no signature to read") from None
    if any(p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params):
        raise UnsupportedError(f"{kind} kernel {getattr(pyfunc, '__name__', pyfunc)}() must take positional "
                               "parameters only (no *args, **kwargs or keyword-only parameters)")
    if not params:
        raise UnsupportedError(f"{kind} kernel {getattr(pyfunc, '__name__', pyfunc)}() takes no argument: "
                               "a ufunc needs at least one input")
    return len(params)


def _no_duplicate(kind: str, pyfunc: Callable, loops: list[UFuncLoop], arg_types: tuple[Type, ...]) -> None:
    for loop in loops:
        if loop.arg_types == arg_types:
            raise TypingError(f"{kind}: two signatures of {pyfunc.__name__}() have the argument types "
                              f"({', '.join(map(format_type, arg_types))}); NumPy would only ever call the first")
