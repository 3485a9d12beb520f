"""The run-time part of a package compiled ahead of time (``compiler.aot``).

``python -m compiler.aot`` copies this file, unchanged, into every package it
writes (as ``_runtime.py``); the package's ``__init__`` calls :func:`load`.  It
imports only the standard library and NumPy: a package runs where neither this
compiler nor llvmlite is installed.  It is a small, self-contained copy of what
the compiler's runtime does for a specialisation loaded from the disk cache
(``compiler.cached``, ``compiler.relocate``, ``compiler.fastcall``,
``runtime.errors``, ``runtime.memory``), for the kinds of code ``compiler.aot``
accepts:

* the shared library is opened with ``dlopen`` (``RTLD_NOW | RTLD_LOCAL``); the
  CPython C API and the C library it calls come from the process;
* every *reference* (an exported pointer global the code loads an address
  from) is filled from its descriptor: ``("const", "True")``, ``("str", text)``,
  ``("import", module, qualname)`` (``builtins`` and NumPy only),
  ``("dtype", str)``, ``("tp_alloc", dtype)``, ``("numpy_api", name, slot)``,
  ``("memory", "new_owner" | "decref")`` (the library's ``<name>_meminfo_owner`` and
  ``<name>_meminfo_decref``) and
  ``("entry", "raiser" | "boxer")``;
* each function is one CPython builtin per signature (``METH_FASTCALL |
  METH_KEYWORDS``, made with ``PyCFunction_NewEx`` from the wrapper symbol),
  chained through their fallback pointers: a call whose arguments are not of the
  first signature goes to the second, and so on, and the last one to
  :class:`_Unmatched`, which binds keywords and defaults, turns NumPy scalars into
  Python numbers and calls the chain again, or raises a ``TypeError`` listing the
  compiled signatures;
* a non-zero status raises the exception of the specialisation's error-site
  table (stored as data in ``manifest.json``) with its message, from a frame of
  its source line;
* an array result with a block of its own is handed to NumPy without a copy; its
  owner -- a capsule of the library's ``<name>_meminfo_owner`` on the native path,
  a :class:`MemInfoOwner` on the Python one -- gives the block's reference back
  (the library's ``<name>_meminfo_decref``) when the last array over it dies.
"""
from __future__ import annotations

import builtins
import ctypes
import importlib
import json
import os
import struct
import sys
from typing import Any, Callable

import numpy as np

__all__ = ["MemInfoOwner", "load"]

#: ``PyMethodDef.ml_flags``
_METH_FASTCALL_KEYWORDS = 0x80 | 0x02
#: ``Py_tp_alloc``, for ``PyType_GetSlot``
_TP_ALLOC_SLOT = 47
_MASK64 = (1 << 64) - 1
#: the status of code stopped by a Python exception (the first three slots hold it)
_PYTHON_EXCEPTION = -1
#: exceptions of NumPy compiled code raises as NumPy does
_LIBRARY_EXCEPTIONS = {"numpy.exceptions.AxisError": ("numpy.exceptions", "AxisError"),
                       "numpy.linalg.LinAlgError": ("numpy.linalg", "LinAlgError")}
#: messages CPython raises with ``(errno, strerror)``
_ERRNO_MESSAGES = {"(34, 'Numerical result out of range')": (34, "Numerical result out of range")}


class _MethodDef(ctypes.Structure):
    _fields_ = [("ml_name", ctypes.c_char_p), ("ml_meth", ctypes.c_void_p), ("ml_flags", ctypes.c_int),
                ("ml_doc", ctypes.c_char_p)]


_new_builtin = ctypes.PYFUNCTYPE(ctypes.py_object, ctypes.c_void_p, ctypes.c_void_p, ctypes.py_object)(
    ("PyCFunction_NewEx", ctypes.pythonapi))
_decref_object = ctypes.pythonapi.Py_DecRef
_decref_object.argtypes, _decref_object.restype = [ctypes.c_void_p], None
_keep_forever = ctypes.PYFUNCTYPE(None, ctypes.py_object)(("Py_IncRef", ctypes.pythonapi))

#: ``void <name>_meminfo_decref(void *)`` of this package's library (set by :func:`load`)
_meminfo_decref: Any = None
#: every signature's :class:`_Native`: what its machine code points to lives as long as the process
#: (the library is never unloaded), and the builtins are plain functions, with no ``__self__``
_natives: list = []


class MemInfoOwner:
    """Owns one reference to a block compiled code allocated (``meminfo``: its address, the
    reference count in its first 8 bytes) and gives it back, atomically, when collected."""

    __slots__ = ("meminfo", "__weakref__")

    def __init__(self, meminfo: int) -> None:
        if not meminfo:
            raise ValueError("a MemInfoOwner needs a non-null meminfo")
        self.meminfo = meminfo

    def __del__(self) -> None:
        meminfo, self.meminfo = getattr(self, "meminfo", 0), 0
        if meminfo:
            try:
                _meminfo_decref(meminfo)
            except TypeError:   # interpreter shutdown: the OS frees
                pass


class _ArrayInterface:
    """What NumPy wraps: ``__array_interface__`` and the object keeping the memory alive."""

    __slots__ = ("__array_interface__", "keepalive")

    def __init__(self, typestr: str, shape: tuple, strides: tuple, data: int, readonly: bool, keepalive: Any):
        self.__array_interface__ = {"version": 3, "typestr": typestr, "shape": shape, "strides": strides,
                                    "data": (data, readonly)}
        self.keepalive = keepalive


# ----------------------------------------------------------------- results
def _word(address: int) -> int:
    return ctypes.c_int64.from_address(address).value


def _claim(layout: list, base: int, owners: list) -> None:
    """A :class:`MemInfoOwner` for every non-null meminfo of the result, in order (all made
    before any array, so that a failure half-way leaks nothing)."""
    kind = layout[0]
    if kind == "array":
        meminfo = _word(base + layout[4]) & _MASK64
        if meminfo:
            owners.append(MemInfoOwner(meminfo))
    elif kind == "tuple":
        for element in layout[1]:
            _claim(element, base, owners)
    elif kind == "optional":
        _claim(layout[2], base, owners)


def _byte_range(data: int, shape: tuple, strides: tuple, itemsize: int) -> tuple[int, int]:
    low = high = data
    for n, s in zip(shape, strides):
        if s < 0:
            low += (n - 1) * s
        else:
            high += (n - 1) * s
    return low, high + itemsize


def _arrays_in(values: Any) -> list:
    found = []
    for v in values:
        if isinstance(v, np.ndarray):
            found.append(v)
        elif isinstance(v, tuple):
            found.extend(_arrays_in(v))
    return found


def _read(layout: list, base: int, args: tuple, owners: Any) -> Any:
    """The Python value of the result described by ``layout`` (``compiler.aot``'s
    ``_result_layout``) in the buffer at ``base``."""
    kind = layout[0]
    if kind == "none":
        return None
    if kind == "scalar":   # [dtype, offset, as a Python number]
        dtype = np.dtype(layout[1])
        value = np.frombuffer(ctypes.string_at(base + layout[2], dtype.itemsize), dtype)[0]
        return value.item() if layout[3] else value
    if kind == "str":
        address = _word(base + layout[1]) & _MASK64
        if not address:
            return None
        obj = ctypes.cast(address, ctypes.py_object).value
        _decref_object(address)   # the result's reference: Python holds its own now
        return obj
    if kind == "tuple":
        return tuple(_read(element, base, args, owners) for element in layout[1])
    if kind == "optional":   # [flag offset, value]
        return _read(layout[2], base, args, owners) if ctypes.c_bool.from_address(base + layout[1]).value else None
    # ["array", dtype, ndim, readonly, offset, a view the function made]: {meminfo, data, shape[n], strides[n]}
    dtype, ndim, readonly, at, view = np.dtype(layout[1]), layout[2], layout[3], base + layout[4], layout[5]
    meminfo, data = _word(at) & _MASK64, _word(at + 8) & _MASK64
    shape = tuple(_word(at + 16 + 8 * k) for k in range(ndim))
    strides = tuple(_word(at + 16 + 8 * (ndim + k)) for k in range(ndim))
    if meminfo:
        return np.asarray(_ArrayInterface(dtype.str, shape, strides, data, readonly, next(owners)))
    candidates = _arrays_in(args)   # the result is an argument, or a view of one
    for a in candidates:
        if a.__array_interface__["data"][0] == data and a.shape == shape and a.strides == strides \
                and a.dtype == dtype:   # that object, unless the function made a view (a new one)
            return np.asarray(_ArrayInterface(dtype.str, shape, strides, data, readonly or not a.flags.writeable,
                                              a)) if view else a
    if 0 in shape:
        return np.empty(shape, dtype)
    low, high = _byte_range(data, shape, strides, dtype.itemsize)
    for a in candidates:
        if a.size:
            a_low, a_high = _byte_range(a.__array_interface__["data"][0], a.shape, a.strides, a.itemsize)
            if a_low <= low and high <= a_high:
                return np.asarray(_ArrayInterface(dtype.str, shape, strides, data,
                                                  readonly or not a.flags.writeable, a))
    return np.array(np.asarray(_ArrayInterface(dtype.str, shape, strides, data, True, None)), copy=True)


def _boxer(layout: list) -> Callable[..., Any]:
    """``box(ret_address, *args)``: what the native code calls for results it does not box
    itself (tuples, views of arguments)."""
    def box(address: int, *args: Any) -> Any:
        owners: list = []
        _claim(layout, address, owners)
        return _read(layout, address, args, iter(owners))
    return box


# ----------------------------------------------------------------- errors
def _decode(raw: int, kind: str, bits: int) -> Any:
    """One 8-byte message-argument slot (``runtime.errors.decode_slot``)."""
    raw &= _MASK64
    if kind == "bool":
        return raw != 0
    if kind in ("int", "uint"):
        raw &= (1 << bits) - 1
        return raw - (1 << bits) if kind == "int" and raw >> (bits - 1) else raw
    if bits == 32:
        return struct.unpack("<f", struct.pack("<I", raw & 0xFFFFFFFF))[0]
    return struct.unpack("<d", struct.pack("<Q", raw))[0]


def _exception_class(name: str) -> Any:
    if name in _LIBRARY_EXCEPTIONS:
        module, attribute = _LIBRARY_EXCEPTIONS[name]
        return getattr(importlib.import_module(module), attribute)
    cls = getattr(builtins, name, None)
    return cls if isinstance(cls, type) and issubclass(cls, Exception) else None


def _raise_at(exc: BaseException, loc: list | None) -> None:
    """Raise ``exc`` from a frame of ``loc`` (``[file, line, function]``): the traceback
    ends at the compiled function's source line, as the compiler's runtime does."""
    if loc is None:
        raise exc
    file, line, function = loc
    code = compile("\n" * (line - 1) + "raise __exception__", file, "exec")
    exec(code.replace(co_name=function), {"__exception__": exc})


def _fetched_exception(raw: list) -> BaseException:
    """The exception of the owned ``(type, value, traceback)`` references in the first slots."""
    objects = []
    for word in raw[:3]:
        address = word & _MASK64
        objects.append(ctypes.cast(address, ctypes.py_object).value if address else None)
        if address:
            _decref_object(address)
    exc_type, value, traceback = objects
    if not isinstance(value, BaseException):
        value = exc_type() if value is None else exc_type(value)
    return value.with_traceback(traceback)


def _raiser(sites: list, slots: int) -> Callable[[int, int], None]:
    """``raise_status(status, errargs_address)``: raises the exception of error site ``status``
    (``[exception, message, [file, line, function] or None, [[kind, bits]...]]``)."""
    errargs_type = ctypes.c_int64 * slots

    def raise_status(status: int, errargs: int) -> None:
        raw = list(errargs_type.from_address(errargs))
        if status == _PYTHON_EXCEPTION:
            raise _fetched_exception(raw)
        name, message, loc, arg_types = sites[status - 1]
        text = message.format(*(_decode(r, kind, bits) for r, (kind, bits) in zip(raw, arg_types)))
        cls = _exception_class(name)
        if cls is None:
            exc: BaseException = RuntimeError(f"{name}: {text}")
        elif not text:
            exc = cls()
        else:
            exc = cls(*_ERRNO_MESSAGES[text]) if text in _ERRNO_MESSAGES else cls(text)
        _raise_at(exc, loc)
    return raise_status


# ----------------------------------------------------------------- calls that no signature takes
def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        layout = "C" if value.flags.c_contiguous else "F" if value.flags.f_contiguous else "strided"
        readonly = ", read-only" if not value.flags.writeable else ""
        return f"{value.dtype} array ({value.ndim}-d, {layout}{readonly})"
    if isinstance(value, tuple):
        return f"tuple({', '.join(map(_describe, value))})"
    return type(value).__name__


class _NoMatch(Exception):
    pass


def _convert(value: Any, kind: list) -> Any:
    """``value`` as an argument of the type ``kind`` describes (``compiler.aot._argument_data``):
    NumPy scalars become Python numbers, an int a float or complex, a float a complex, as an
    explicit signature converts them; arrays must be of the type (never copied: the compiled
    code may write to them).  :class:`_NoMatch` if it is not one."""
    what = kind[0]
    if what == "array":
        dtype, ndim, layout, readonly = kind[1:]
        if not isinstance(value, np.ndarray) or value.dtype != np.dtype(dtype) or value.ndim != ndim \
                or layout == "C" and not value.flags.c_contiguous or layout == "F" and not value.flags.f_contiguous \
                or not readonly and not value.flags.writeable:
            raise _NoMatch
        return value
    if what == "tuple":
        if type(value) is not tuple or len(value) != len(kind[1]):
            raise _NoMatch
        return tuple(_convert(v, k) for v, k in zip(value, kind[1]))
    if what == "none":
        if value is not None:
            raise _NoMatch
        return value
    if what == "str":
        if type(value) is not str:
            raise _NoMatch
        return value
    if isinstance(value, np.generic) and isinstance(value, (np.bool_, np.number)):
        value = value.item()
    if what == "bool" and type(value) is bool \
            or what == "int" and type(value) is int \
            or what == "float" and type(value) in (int, float) \
            or what == "complex" and type(value) in (int, float, complex):
        return {"bool": bool, "int": int, "float": float, "complex": complex}[what](value)
    raise _NoMatch


class _Unmatched:
    """The end of a function's chain: a call that no compiled signature took natively.  Binds
    it as Python would (keywords, defaults, the ``TypeError`` of a bad call), converts the
    arguments to the first signature they fit (:func:`_convert`) and calls the chain again
    with exactly those; arguments that fit none (or that the native code refused as they
    are: an unaligned array, a dtype that is equal to but not NumPy's own) raise a
    ``TypeError`` naming the compiled signatures."""

    def __init__(self, name: str, parameters: list, signatures: list, arguments: list) -> None:
        import ast
        import inspect

        kinds = {"positional_only": inspect.Parameter.POSITIONAL_ONLY,
                 "positional": inspect.Parameter.POSITIONAL_OR_KEYWORD,
                 "keyword_only": inspect.Parameter.KEYWORD_ONLY}
        self.signature = inspect.Signature([
            inspect.Parameter(p, kinds[kind], default=inspect.Parameter.empty if default is None
                              else ast.literal_eval(default)) for p, kind, default in parameters])
        self.keyword_only = any(kind == "keyword_only" for _, kind, _ in parameters)
        self.name, self.signatures, self.arguments, self.head = name, signatures, arguments, None

    def bind(self, args: tuple, kwargs: dict) -> tuple:
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError as err:
            raise TypeError(f"{self.name}(): {err}") from None
        bound.apply_defaults()
        return tuple(bound.arguments.values())

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # a function with keyword-only parameters comes here bound already (see load)
        bound = args if self.keyword_only and not kwargs else self.bind(args, kwargs)
        refused = ""
        for kinds in self.arguments:
            try:
                converted = tuple(_convert(v, k) for v, k in zip(bound, kinds))
            except _NoMatch:
                continue
            if not kwargs and len(converted) == len(args) and all(a is b for a, b in zip(args, converted)):
                refused = " (arrays must be aligned, of NumPy's own dtype objects, and of the layouts named)"
                break   # the native code refused these very arguments
            return self.head(*converted)
        raise TypeError(f"{self.name}() has no compiled signature for the arguments "
                        f"({', '.join(map(_describe, bound))}); it was compiled ahead of time for: "
                        f"{'; '.join(self.signatures)}{refused}")


# ----------------------------------------------------------------- loading
def _numpy_api() -> int:
    """The address of NumPy's C API table."""
    try:
        from numpy._core import _multiarray_umath
    except ImportError:   # NumPy 1
        from numpy.core import _multiarray_umath
    get = ctypes.pythonapi.PyCapsule_GetPointer
    get.restype, get.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
    return get(_multiarray_umath._ARRAY_API, None)


def _tp_alloc(cls: type) -> int:
    get_slot = ctypes.pythonapi.PyType_GetSlot
    get_slot.restype, get_slot.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_int]
    return get_slot(cls, _TP_ALLOC_SLOT) or 0


def _resolve(descriptor: list, parts: dict) -> tuple[int, Any]:
    """(address, object or None) of a reference's descriptor."""
    kind, *args = descriptor
    if kind == "const":
        obj = {"True": True, "False": False, "None": None}[args[0]]
    elif kind == "str":
        obj = sys.intern(args[0])
    elif kind == "import":
        obj = importlib.import_module(args[0])
        for part in args[1].split("."):
            obj = getattr(obj, part)
    elif kind == "dtype":
        obj = np.dtype(args[0])
    elif kind == "memory":
        return parts[args[0]], None
    elif kind == "entry":
        obj = parts[args[0]]
    elif kind == "tp_alloc":
        return _tp_alloc(np.dtype(args[0]).type), None
    elif kind == "numpy_api":
        return ctypes.c_void_p.from_address(_numpy_api() + 8 * args[1]).value or 0, None
    else:
        raise ImportError(f"unknown reference kind {kind!r} (the package is newer than its loader?)")
    return id(obj), obj


def _check_process(name: str, manifest: dict) -> None:
    """The process is the kind the library was compiled for (the native code assumes its
    object layouts and C API)."""
    python, numpy_major = tuple(manifest["python"]), manifest["numpy_major"]
    if sys.implementation.name != "cpython" or sys.version_info[:2] != python or sys.maxsize != 2 ** 63 - 1:
        raise ImportError(f"{name} was compiled ahead of time for 64-bit CPython {python[0]}.{python[1]}; "
                          f"this is {sys.implementation.name} {sys.version.split()[0]}: compile it again here")
    if int(np.__version__.split(".")[0]) != numpy_major:
        raise ImportError(f"{name} was compiled ahead of time with NumPy {numpy_major}.x; this is NumPy "
                          f"{np.__version__}: compile it again with this NumPy")
    if ctypes.c_void_p.from_address(_numpy_api() + 8 * 2).value != id(np.ndarray):   # PyArray_Type
        raise ImportError(f"{name}: NumPy's C API table is not the one the code was compiled for")


def load(name: str, directory: str) -> dict[str, Callable]:
    """The functions of the package ``name`` whose files are in ``directory``."""
    global _meminfo_decref
    with open(os.path.join(directory, "manifest.json"), encoding="utf-8") as file:
        manifest = json.load(file)
    _check_process(name, manifest)
    library = ctypes.CDLL(os.path.join(directory, manifest["library"]), mode=os.RTLD_NOW | os.RTLD_LOCAL)
    _meminfo_decref = ctypes.CFUNCTYPE(None, ctypes.c_void_p)((manifest["decref"], library))
    helpers = {which: ctypes.cast(getattr(library, manifest[which]), ctypes.c_void_p).value
               for which in ("new_owner", "decref")}
    functions: dict[str, Callable] = {}
    for function in manifest["functions"]:
        specs = function["signatures"]
        texts = [spec["signature"] for spec in specs]
        unmatched = _Unmatched(function["name"], function["parameters"], texts,
                               [spec["arguments"] for spec in specs])
        doc = (f"{function['name']}{unmatched.signature}\n--\n\n"
               f"Compiled ahead of time from {function['source']} for: {'; '.join(texts)}")
        natives = []
        for spec in specs:
            raiser, boxer = _raiser(spec["error_sites"], manifest["errargs_slots"]), _boxer(spec["result"])
            parts = {"raiser": raiser, "boxer": boxer, **helpers}
            keep = [raiser, boxer, *_fill(library, spec["kernel_references"], parts)]
            natives += [_Native(library, function["name"], doc, native, parts, keep, name)
                        for native in spec["natives"]]
        for native, following in zip(natives, natives[1:] + [None]):
            native.set_fallback(following.builtin if following is not None else unmatched)
        unmatched.head = natives[0].builtin
        if unmatched.keyword_only:   # bound in Python first: a keyword-only parameter is never positional
            def call(*args: Any, _unmatched: Any = unmatched, **kwargs: Any) -> Any:
                return _unmatched.head(*_unmatched.bind(args, kwargs))
            call.__name__ = call.__qualname__ = function["name"]
            call.__doc__, call.__module__ = doc.split("--\n\n", 1)[1], name
            call.__signature__ = unmatched.signature   # type: ignore[attr-defined]
            functions[function["name"]] = call
        else:
            functions[function["name"]] = natives[0].builtin
    return functions


def _fill(library: Any, references: list, parts: dict) -> list:
    """Write each reference's address into its global; the objects they belong to."""
    objects = []
    for symbol, descriptor in references:
        address, obj = _resolve(descriptor, parts)
        ctypes.c_void_p.in_dll(library, symbol).value = address
        if obj is not None:
            objects.append(obj)
    return objects


class _Native:
    """The builtin of one argument key (a signature or a variant of it) and everything its
    machine code points to (kept in :data:`_natives`)."""

    __slots__ = ("_fallback", "_fallback_slot", "_keep", "builtin")

    def __init__(self, library: Any, name: str, doc: str, native: dict, parts: dict, keep: list,
                 module: str) -> None:
        keep = [*keep, *_fill(library, native["references"], parts)]
        self._fallback_slot = ctypes.c_void_p.in_dll(library, native["fallback"])
        self._fallback = None
        address = ctypes.cast(library[native["wrapper"]], ctypes.c_void_p).value
        method = _MethodDef(name.encode(), address, _METH_FASTCALL_KEYWORDS, doc.encode())
        # never freed: CPython reads it when it frees the builtin, which at exit may be
        # after this object and its slots are gone (a module's globals still hold it)
        _keep_forever(method)
        self._keep = (library, method, keep)
        self.builtin = _new_builtin(ctypes.addressof(method), None, module)
        _natives.append(self)

    def set_fallback(self, target: Callable) -> None:
        self._fallback = target
        self._fallback_slot.value = id(target)
