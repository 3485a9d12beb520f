"""``@cfunc``: a Python function compiled into a C function of a declared signature, for C
libraries that take callbacks (Numba's ``@cfunc``).

    from compiler import cfunc, carray
    import scipy.integrate

    @cfunc("f64(i32, f64*)")                  # double f(int n, double *xx)
    def integrand(n, xx):
        x = carray(xx, n)
        return np.exp(-x[0] ** 2) * x[1]

    scipy.integrate.nquad(scipy.LowLevelCallable(integrand.ctypes), [[0, 1], [0, 2]])
    integrand.address                         # the C function's address, for any C library
    integrand.ctypes                          # a ctypes function object of the C signature
    integrand(2, np.array([0.5, 1.0]))        # a Python call of the compiled code

The kernel is traced and optimized as ``@compile`` does it (``compiler.pipeline``) and lowered
with its C function (``compiler.codegen.cabi``) into one LLVM module, JIT-compiled as a
library of its own that the :class:`CFunc` keeps alive: keep the object as long as C code
may call its address (as with a ctypes callback).

Decisions:

* **Signatures** are this project's (``compiler.signatures``) with a result (``void`` for none):
  arguments are numbers (``bool``, ``int8``..``uint64``, ``f32``, ``f64``; Numba's ``intc``,
  ``intp``...) or C pointers, written ``T*`` (``f64*``: Numba's ``CPointer(float64)``) or
  ``voidptr`` (``void *``); the result is a number or ``void``.  Complex numbers (their C ABI
  differs between platforms: pass a pointer, ``c128*``), arrays (a C function gets a pointer:
  declare ``f64*`` and view it with :func:`carray`), pointers to pointers and pointer results
  are refused with a ``TypingError`` at the function's ``def`` line.  Number arguments are
  what a signature's scalars are to ``@compile``: Python numbers of that type.  The result
  converts to the declared type as an ``@compile`` function's declared result does.
* **Pointers** are read through :func:`carray` / :func:`farray` (``frontend.pointers``:
  shapes, dtypes, their checks) or indexed directly (``xx[i]``, ``i >= 0``).
* **Errors in the callback**: a C caller cannot take a Python exception.  When the kernel
  raises (a ``raise``, an index out of bounds, ``ZeroDivisionError``...), the C function takes
  the GIL, reports the exception -- with its message and source line -- through
  ``sys.unraisablehook`` (``PyErr_WriteUnraisable``: printed as ``Exception ignored in:
  <cfunc ...>`` by default; tests and applications can install their own hook), and returns
  ``error_result``: by default NaN for a float result and 0 for an integer or bool one (so
  that SciPy's ``ndimage`` callbacks, whose 0 means failure, stop with an error), which
  ``cfunc(..., error_result=-1)`` changes.  A Python call of the object
  (``integrand(...)``) raises the exception itself instead: it calls a checked variant of
  the C function that returns the status.
* **The GIL**: the C function neither needs nor takes it (C threads without it may call
  it), except on the error path above and where the kernel's own code needs it (strings,
  ``np.random``, ``py_call``), which takes it there as any compiled call does.
* **Options**: ``opt``, ``boundscheck``, ``fastmath``, ``error_model`` as for ``@compile``,
  ``error_result``; Numba's ``nopython=True`` and ``nogil`` (a C function never holds the
  GIL) are accepted; ``cache`` and ``locals`` are refused with an ``UnsupportedError``;
  any other keyword is a ``TypeError`` listing the options.
"""
from __future__ import annotations

import ctypes
import functools
import inspect
import math
from typing import Any, Callable

from ir import Location, TypingError, UnsupportedError
from ir.types import BoolType, FloatType, IntType, NoneType, PointerType, Type

from .pipeline import CompileOptions
from .signatures import Signature, SignatureError, format_type, parse_signature

__all__ = ["cfunc", "carray", "farray", "CFunc"]

_OPTIONS = "opt, boundscheck, fastmath, error_model, error_result, nopython and nogil"
_REFUSED = {
    "cache": "there is no disk cache for C callbacks: drop cache=True",
    "locals": "types of local variables are inferred; drop locals=",
}
_CTYPES_INTS = {(8, True): ctypes.c_int8, (16, True): ctypes.c_int16, (32, True): ctypes.c_int32,
                (64, True): ctypes.c_int64, (8, False): ctypes.c_uint8, (16, False): ctypes.c_uint16,
                (32, False): ctypes.c_uint32, (64, False): ctypes.c_uint64}


def cfunc(signature: Any, **options: Any) -> Callable[[Callable], "CFunc"]:
    """Compile the decorated function now into a C function of ``signature``
    (``"f64(f64)"``, ``"f64(i32, f64*)"``, ``"intc(f64*, intp, f64*, voidptr)"``); see the
    module docstring."""
    if callable(signature) and not isinstance(signature, (str, Signature)):
        raise TypeError("cfunc needs the C signature: @cfunc('f64(f64)')")
    if not isinstance(signature, (str, Signature)):
        raise TypeError(f"cfunc() takes a signature string such as 'f64(i32, f64*)', not {signature!r}")
    error_result = options.pop("error_result", None)
    compile_options = _compile_options(options)
    return lambda pyfunc: CFunc(pyfunc, signature, compile_options, error_result)


def carray(ptr: Any, shape: Any, dtype: Any = None) -> Any:
    """The C-contiguous array of ``shape`` (an int or a tuple of ints) over the memory ``ptr``
    points to (Numba's ``carray``): no copy.  In compiled code ``ptr`` is an argument of a
    ``cfunc`` declared ``T*`` or ``voidptr`` (``dtype`` then required); in Python a ctypes
    pointer, a ``c_void_p`` or an address (``dtype`` required for the last two)."""
    return _view(ptr, shape, dtype, "C", "carray")


def farray(ptr: Any, shape: Any, dtype: Any = None) -> Any:
    """As :func:`carray`, Fortran-contiguous (the first index varies fastest)."""
    return _view(ptr, shape, dtype, "F", "farray")


def _view(ptr: Any, shape: Any, dtype: Any, layout: str, name: str) -> Any:
    from frontend.pointers import is_traced, view

    if is_traced(ptr, shape, dtype):
        return view(ptr, shape, dtype, layout, name)
    return _python_view(ptr, shape, dtype, layout, name)


def _python_view(ptr: Any, shape: Any, dtype: Any, layout: str, name: str) -> Any:
    """``carray``/``farray`` outside compiled code, on ctypes pointers and addresses."""
    import numpy as np

    dims = tuple(shape) if isinstance(shape, tuple) else (shape,)
    if not dims or not all(isinstance(d, (int, np.integer)) and not isinstance(d, bool) for d in dims):
        raise TypeError(f"{name}(): the shape is an int or a non-empty tuple of ints, not {shape!r}")
    if any(d < 0 for d in dims):
        raise ValueError(f"{name}(): negative dimensions are not allowed (shape {shape!r})")
    pointee = getattr(getattr(ptr, "_type_", None), "__name__", None) if isinstance(ptr, ctypes._Pointer) else None
    if pointee is not None:
        own = np.dtype(ptr._type_)
        if dtype is not None and np.dtype(dtype) != own:
            raise TypeError(f"{name}(): the pointer points to {own}, not {np.dtype(dtype)}")
        dtype, address = own, ctypes.cast(ptr, ctypes.c_void_p).value
    elif isinstance(ptr, (ctypes.c_void_p, int)) and not isinstance(ptr, bool):
        if dtype is None:
            raise TypeError(f"{name}() of an address or a c_void_p needs the dtype: {name}(ptr, shape, np.float64)")
        address = ptr.value if isinstance(ptr, ctypes.c_void_p) else ptr
    else:
        raise TypeError(f"{name}() takes a ctypes pointer, a c_void_p or an address, not {type(ptr).__name__}")
    dtype = np.dtype(dtype)
    count = math.prod(dims)
    if count == 0:
        return np.empty(dims, dtype, order=layout)
    if not address:
        raise ValueError(f"{name}() of a null pointer")
    buffer = (ctypes.c_char * (count * dtype.itemsize)).from_address(address)
    return np.frombuffer(buffer, dtype).reshape(dims, order=layout)


@functools.cache
def _register_views() -> None:
    """Make traced code run :func:`carray`/:func:`farray` while tracing (they stage the view
    themselves when given traced values), and define the pointer kind's operators."""
    import frontend.pointers  # noqa: F401  (defines the operators of traced pointers)
    from frontend.purity import mark_pure

    mark_pure(carray)
    mark_pure(farray)


class CallbackErrorReporter:
    """What a failing C function calls with the GIL: ``reporter(status, errargs_address)`` raises
    the exception of ``status`` (``runtime.errors.ErrorSites.raise_error``); its ``repr`` is what
    ``sys.unraisablehook`` shows as the object the exception was ignored in."""

    __slots__ = ("error_sites", "description")

    def __init__(self, error_sites: Any, description: str) -> None:
        self.error_sites = error_sites
        self.description = description

    def __call__(self, status: int, errargs_address: int) -> None:
        from runtime.errors import ERRARGS_SLOTS

        slots = (ctypes.c_int64 * ERRARGS_SLOTS).from_address(errargs_address)
        self.error_sites.raise_error(status, list(slots))

    def __repr__(self) -> str:
        return self.description


class CFunc:
    """A compiled C callback (see the module docstring): ``address``, ``ctypes``, ``llvm_name``
    (also ``native_name``, Numba's name), ``signature``, ``py_func``; calling it runs the
    compiled code and raises its exceptions."""

    def __init__(self, pyfunc: Callable, signature: str | Signature, options: CompileOptions,
                 error_result: Any = None) -> None:
        if not callable(pyfunc) or not hasattr(pyfunc, "__code__"):
            raise TypeError(f"cfunc decorates a Python function, not {pyfunc!r}")
        self.py_func = pyfunc
        self.__name__ = getattr(pyfunc, "__name__", "cfunc")
        self.__qualname__ = getattr(pyfunc, "__qualname__", self.__name__)
        self.__doc__ = pyfunc.__doc__
        self.__module__ = getattr(pyfunc, "__module__", None)
        loc = Location(pyfunc.__code__.co_filename, pyfunc.__code__.co_firstlineno)
        self.signature = _read_signature(pyfunc, signature, loc)
        self.error_result = _error_result(self.signature.result, error_result, loc)
        self.options = options
        try:
            self._compile()
        except Exception as err:
            err.add_note(f"(while compiling the cfunc {self.__name__}() for the C signature {self.signature})")
            raise

    def _compile(self) -> None:
        import ir
        from runtime.engine import get_engine

        from .codegen import cabi
        from .pipeline import build_module
        from .passes.lower_arrays import LowerArrays
        from .passes.refcount import RefcountPass

        _register_views()
        sig = self.signature
        weak = [t.is_scalar for t in sig.args]
        module, entry = build_module(self.py_func, sig.args, sig.result, self.options, weak)
        self._ir = str(module)
        LowerArrays().run(module)
        RefcountPass().run(module)
        ir.verify(module)
        self._reporter = CallbackErrorReporter(None, f"<cfunc {self.__name__}: {_c_text(sig)}>")
        lowered = cabi.lower_cfunc(module, entry, self.error_result, self._reporter)
        self._reporter.error_sites = lowered.lowered.error_sites
        self._llvm_ir = lowered.lowered.llvm_ir
        self._library = get_engine().compile(self._llvm_ir, opt_level=self.options.opt, name=f"{entry.sym_name}.cfunc",
                                              loop_vectorize=self.options.llvm_vectorize, cold=lowered.lowered.cold)
        self.llvm_name = lowered.symbol
        self.address = self._library.address(lowered.symbol)
        restype = None if isinstance(sig.result, NoneType) else _ctypes_type(sig.result)
        self.ctypes = ctypes.CFUNCTYPE(restype, *map(_ctypes_type, sig.args))(self.address)
        checked_args = [ctypes.c_void_p if isinstance(t, PointerType) else _ctypes_type(t) for t in sig.args]
        self._checked = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p,
                                         *checked_args)(self._library.address(lowered.checked))
        self._result_type = restype

    @property
    def native_name(self) -> str:
        """Numba's name of :attr:`llvm_name`."""
        return self.llvm_name

    def __call__(self, *args: Any) -> Any:
        """Run the compiled code on Python numbers and, for pointers, NumPy arrays (of the
        pointer's element type, C-contiguous), ctypes pointers or arrays, addresses or None;
        raises what the kernel raises."""
        from runtime.errors import ERRARGS_SLOTS

        sig = self.signature
        if len(args) != len(sig.args):
            raise TypeError(f"{self.__name__}() takes {len(sig.args)} arguments ({_c_text(sig)}), "
                            f"{len(args)} given")
        values = [_pointer_argument(self.__name__, k, a, t) if isinstance(t, PointerType) else a
                  for k, (a, t) in enumerate(zip(args, sig.args))]
        ret = (self._result_type or ctypes.c_int8)()
        errargs = (ctypes.c_int64 * ERRARGS_SLOTS)()
        try:
            status = self._checked(ctypes.addressof(ret), ctypes.addressof(errargs), *values)
        except ctypes.ArgumentError as err:
            raise TypeError(f"{self.__name__}(): {err} (its C signature is {_c_text(sig)})") from None
        if status:
            self._reporter.error_sites.raise_error(status, list(errargs))
        if self._result_type is None:
            return None
        value = ret.value
        return bool(value) if isinstance(sig.result, BoolType) else value

    def inspect_llvm(self) -> str:
        """The LLVM IR of the kernel and its C function, before LLVM's optimizer."""
        return self._llvm_ir

    def inspect_ir(self) -> str:
        """The kernel's IR after our passes."""
        return self._ir

    def __repr__(self) -> str:
        return f"<cfunc {self.__name__}: {_c_text(self.signature)} at {self.address:#x}>"


# ----------------------------------------------------------------- helpers
def _compile_options(options: dict[str, Any]) -> CompileOptions:
    if options.pop("nopython", True) is not True:
        raise UnsupportedError("cfunc(nopython=False): a C callback is always compiled; drop nopython=False")
    if options.pop("nogil", False) not in (True, False):
        raise TypeError("cfunc(nogil=...) must be True or False")
    for name, value in options.items():
        if name in _REFUSED and value not in (False, None, ()):
            raise UnsupportedError(f"cfunc({name}={value!r}): {_REFUSED[name]}")
    unknown = [n for n in options if n not in ("opt", "boundscheck", "fastmath", "error_model") and n not in _REFUSED]
    if unknown:
        raise TypeError(f"cfunc() got an unexpected keyword argument {unknown[0]!r}; its options are {_OPTIONS}")
    return CompileOptions(**{n: v for n, v in options.items() if n not in _REFUSED})


def _c_text(sig: Signature) -> str:
    result = "void" if isinstance(sig.result, NoneType) else format_type(sig.result)
    return f"{result}({', '.join(map(format_type, sig.args))})"


def _read_signature(pyfunc: Callable, signature: str | Signature, loc: Location) -> Signature:
    """``signature`` read and checked against what a C function can take and ``pyfunc``'s parameters."""
    name = pyfunc.__name__
    if isinstance(signature, Signature):
        sig = signature
    else:
        try:
            sig = parse_signature(signature, pointers=True)
        except SignatureError as err:
            raise SignatureError(f"cfunc({signature!r}) of {name}() at {loc}: {err}") from None
    if sig.result is None:
        raise TypingError(f"cfunc({str(signature)!r}) of {name}(): a C signature names its result, as in "
                          "'f64(f64)' or 'void(f64*, i64)'", loc)
    for k, t in enumerate(sig.args):
        why = _unsupported_argument(t)
        if why:
            raise TypingError(f"cfunc({str(signature)!r}) of {name}(): argument {k} is {format_type(t)}: {why}", loc)
    if not (isinstance(sig.result, (NoneType, BoolType, IntType, FloatType))):
        raise TypingError(f"cfunc({str(signature)!r}) of {name}(): the result is {format_type(sig.result)}; a C "
                          "callback returns a number (bool, an int type, f32, f64) or void (write results "
                          "through a pointer argument)", loc)
    params = inspect.signature(pyfunc).parameters.values()
    if any(p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params):
        raise UnsupportedError(f"cfunc {name}() must take positional parameters only (no *args, **kwargs or "
                               "keyword-only parameters): a C function has a fixed argument list", loc)
    if len(params) != len(sig.args):
        raise TypingError(f"cfunc({str(signature)!r}): the signature has {len(sig.args)} argument(s) but "
                          f"{name}() takes {len(params)}", loc)
    return sig


def _unsupported_argument(t: Type) -> str | None:
    """Why a C function cannot take ``t`` (None: it can)."""
    if isinstance(t, (BoolType, IntType, FloatType)):
        return None
    if isinstance(t, PointerType):
        if t.pointee is None or t.pointee.is_scalar:
            return None
        return "a pointer to a pointer or to a non-number is not supported; declare voidptr and view it with " \
               "carray(ptr, shape, dtype)"
    if t.is_scalar:   # complex
        return "complex numbers are not passed by value to C callbacks (their C ABI differs between " \
               "platforms); pass a pointer (c128*) and read it with carray(ptr, 1)[0]"
    from ir.types import ArrayType

    if isinstance(t, ArrayType):
        return f"a C function gets a pointer, not an array: declare {format_type(t.dtype)}* and view it with " \
               "carray(ptr, shape) in the function"
    return "a C callback takes numbers (bool, int types, f32, f64) and pointers (f64*, voidptr)"


def _error_result(result: Type, value: Any, loc: Location) -> Any:
    """What the C function returns when the kernel fails (see the module docstring)."""
    if isinstance(result, NoneType):
        if value is not None:
            raise TypingError("cfunc(error_result=...): a void C function returns nothing; drop error_result", loc)
        return None
    if isinstance(result, FloatType):
        if value is None:
            return math.nan
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"cfunc(error_result={value!r}): the result is {format_type(result)}, give a float")
        return float(value)
    if value is None:
        return 0
    if isinstance(result, BoolType):
        if not isinstance(value, bool):
            raise TypeError(f"cfunc(error_result={value!r}): the result is bool, give True or False")
        return value
    if isinstance(value, bool) or not isinstance(value, int) or not result.min <= value <= result.max:
        raise TypeError(f"cfunc(error_result={value!r}): the result is {format_type(result)}, give an int in "
                        f"[{result.min}, {result.max}]")
    return value


def _ctypes_type(t: Type) -> Any:
    """The ctypes type of a C argument or result."""
    if isinstance(t, BoolType):
        return ctypes.c_bool
    if isinstance(t, IntType):
        return _CTYPES_INTS[t.bits, t.signed]
    if isinstance(t, FloatType):
        return ctypes.c_float if t.bits == 32 else ctypes.c_double
    assert isinstance(t, PointerType)
    if t.pointee is None or not isinstance(t.pointee, (BoolType, IntType, FloatType)):
        return ctypes.c_void_p   # void *, and complex elements (ctypes has no complex type)
    return ctypes.POINTER(_ctypes_type(t.pointee))


def _pointer_argument(name: str, k: int, value: Any, t: PointerType) -> int | None:
    """The address a Python caller passes for pointer argument ``k``."""
    import numpy as np

    if value is None:
        return None
    if isinstance(value, np.ndarray):
        from ir.dtypes import to_dtype

        if t.pointee is not None and value.dtype != to_dtype(t.pointee):
            raise TypeError(f"{name}(): argument {k} is {format_type(t)}, not an array of {value.dtype}")
        if not value.flags.c_contiguous:
            raise TypeError(f"{name}(): argument {k} ({format_type(t)}) must be a C-contiguous array")
        return value.ctypes.data
    if isinstance(value, (ctypes._Pointer, ctypes.Array, ctypes.c_void_p)):
        return ctypes.cast(value, ctypes.c_void_p).value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TypeError(f"{name}(): argument {k} is a pointer ({format_type(t)}): pass a NumPy array, a ctypes "
                    f"pointer or array, an address or None, not {type(value).__name__}")
