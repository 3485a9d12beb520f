"""Ahead-of-time compilation: a Python file's functions as a shared library and a package.

    python -m compiler.aot kernels.py --sig "total: f64(f64[::1])" --sig "total: i64(i64[::1])" \\
        --sig "scaled: f64[::1](f64[::1], f64)" -o build

writes ``build/kernels/`` (the package name is the file's stem unless ``--name``):

* ``libkernels.so`` -- one shared library with every signature's code;
* ``kernels.h`` -- its C header: per signature a C-callable entry and the
  structures of its packed arguments and of its result (the ABI below);
* ``__init__.py``, ``_runtime.py`` and ``manifest.json`` -- an importable Python
  package that needs nothing but CPython (the same minor version) and NumPy (the
  same major version) at run time: neither llvmlite nor this compiler.
  ``import kernels; kernels.total(a)`` calls the native code through CPython
  builtins made from the library's call wrappers, as a ``@compile`` function's
  native path does (``compiler.fastcall``), about as fast.

How.  The file is imported as a module (by path); each ``--sig "func:
signature"`` (the syntax of ``compiler.signatures``) names one of its functions --
a plain function, or a ``@compile`` function (its ``py_func``, with its options) --
which is compiled by :func:`compiler.pipeline.compile_function` with the native
call wrapper of that signature (``compiler.fastcall.prebuilt_wrapper``, positional
binding only) and, as the disk cache does (``compiler.cached``), a ``store`` of our
own that takes the lowered module with *patchable* references
(``compiler.references``) instead of JIT-compiling it.  The kernels' and wrappers'
modules are then parsed and linked into one LLVM module, where every symbol a
signature defines is renamed to be unique in the library: its C entry to
``<name>_<func>`` (the first signature of ``func``) or ``<name>_<func>_<k>`` (its
``k``-th, from 1: adding a signature keeps the earlier names), everything else to
``<name>.<func>.<k>.<symbol>`` (the dots keep these names out of C's way).  The
engine optimizes that module for the host CPU (the machine code is for this
machine's CPU features; LLVM's level is the command's ``-O``, our passes run as each
function's options say) with the memory count helpers ``<name>_meminfo_incref`` /
``<name>_meminfo_decref`` (and ``<name>_meminfo_owner`` with its capsules' destructor,
which the call wrappers box array results with) linked in once, and the system's linker makes it the
library (``runtime.sharedlib``).

The C ABI (the header says it too): ``int32_t entry(void *ret, int64_t *errargs,
const void *args)``; ``args`` points to the packed arguments (8-byte slots:
integers sign- or zero-extended, ``double``; a ``float`` in the low 4 bytes; a
complex number as two slots; an array as ``{meminfo, data, shape[n],
strides[n]}`` with byte strides, ``meminfo`` NULL for memory the caller lends; a
tuple as its elements' slots); ``ret`` to a buffer of the result's structure;
``errargs`` to ``ERRARGS_SLOTS`` int64 slots (``<NAME>_ERRARGS_SLOTS`` in the header;
the entry keeps the stack limit of recursive calls in the last).  Status 0 is success; status ``k``
> 0 is the ``k``-th error site of the entry (the header lists them: exception,
message template with ``{}`` fields filled from the slots, source line).  An array
result with a non-null ``meminfo`` owns one reference of its block (the count is
the block's first int64): the caller gives it back with
``<name>_meminfo_decref(meminfo)``.

Decisions:

* What C can call without Python: an entry whose kernel holds no *references*
  (addresses of Python objects: NumPy scalar types, ``str`` constants) is plain
  numeric code -- it calls only the C library and libm -- and the header marks it
  "callable from C"; the others point at Python objects that only the package's
  loader fills, and the header says they need Python (no C init function: there
  is nothing a C program could fill them with).  The library also holds the Python
  call wrappers, whose CPython symbols stay undefined: a C program links with
  ``-Wl,--unresolved-symbols=ignore-in-shared-libs`` (or ``dlopen``s with
  ``RTLD_LAZY``) and ``-lm``.
* Refused at build time, each with an :class:`AotError` naming the function (and
  the source line where there is one) and what to do: code calling back into
  Python (``print``, functions run at run time: ``py.call``), global arrays read in
  place, ``np.random`` and ``Generator`` arguments, ``parallel=True`` (the thread
  pool and its runtime are the compiler's), matrix products and ``np.linalg``
  (NumPy's BLAS is found in the process by the compiler's runtime), lists, dicts and
  sets that hold arrays, and any reference the package's loader cannot find
  (anything but ``builtins``, NumPy and the package itself); arguments that take no
  native path (NumPy scalar types in a signature other than ``bool``, ``i64``,
  ``f64``, ``c128`` -- Python's numbers; lists, dicts, sets, generators); results of
  a type without a memory layout.  Results are boxed as the native path boxes them
  (numbers, NumPy scalars, ``str``, new arrays) and by the package's small boxer
  where it would call Python (tuples, optionals, arrays that are views of an
  argument, which keep that argument alive).
* Calls: a call of exactly the parameters, positionally, runs natively (a
  signature's builtin after the other).  An array parameter of any layout
  (``f64[:]``) takes C- and Fortran-contiguous arrays natively too, and a read-only
  one writable arrays, through a wrapper per such argument key (:func:`_variants`,
  at most :data:`MAX_VARIANTS` per signature), all calling the one entry.  A call
  with keywords or defaults to fill, or with numbers of another kind (a NumPy
  scalar, an int for an ``f64`` parameter, as an explicit signature converts them),
  is bound and converted by the package in Python (a few microseconds) and runs
  natively then; anything else is a ``TypeError`` listing the compiled signatures.
  Arrays are never copied or converted (compiled code may write to them).
  Defaults must be literals (numbers, strings, ``None``, tuples of these): they
  are stored in the package.  Functions with keyword-only parameters are bound in
  Python on every call.  ``*args`` and ``**kwargs`` are refused.
"""
from __future__ import annotations

import argparse
import ast
import ctypes
import importlib.util
import inspect
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from typing import Any, Sequence

__all__ = ["AotError", "build", "main"]


class AotError(Exception):
    """The file, a signature or a function cannot be compiled ahead of time (one line,
    exit status 2)."""


#: reference kinds the package's loader resolves (``compiler.aot_runtime._resolve``)
_LOADABLE_KINDS = ("const", "str", "import", "dtype", "tp_alloc", "numpy_api", "entry", "memory")
#: ops whose code points into the compiling process: what to do instead
_REFUSED_OPS = {
    "py.call": "it calls back into Python at run time (print, a function run by the interpreter); "
               "leave that call out of the compiled function",
    "array.global": "it reads a global array in place; pass the array as an argument",
    "random.draw": "it draws from np.random, whose state lives in the compiler's runtime; pass the random "
                   "numbers in as an array",
    "random.take_gauss": "it draws from np.random; pass the random numbers in as an array",
    "random.put_gauss": "it draws from np.random; pass the random numbers in as an array",
    "random.call": "it draws from np.random; pass the random numbers in as an array",
    "random.generator": "it uses a np.random.Generator; pass the random numbers in as an array",
}
#: the ``py.call``s the compiler itself makes (by the name of their target), what to do instead
_LIBRARY_CALLS = {
    "sort": "np.sort() and a.sort() of floats of the default kind have NumPy itself sort data holding both "
            "-0.0 and 0.0 or NaNs of other bits (the order its SIMD sort leaves such equal elements in); "
            "pass kind='stable', which compiled code sorts on its own",
    "argsort": "np.argsort() of the default kind has NumPy itself order the indices of equal elements (the "
               "order of its SIMD sort); pass kind='stable', which compiled code computes on its own",
    "list.sort": "sorting a list of floats that may hold NaN calls CPython's sort (its order around NaN); "
                 "sort a NumPy array instead",
}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass
class _Compiled:
    """One signature, compiled: its lowered kernel, its call wrappers and what the package needs."""

    function: str
    index: int
    signature: str
    arg_types: tuple
    result_type: Any
    kernel: str
    cold: tuple
    entry: str
    kernel_references: list
    error_sites: Any
    #: per argument key the wrapper takes (the signature's, then its variants): its text and references
    wrappers: list
    #: the symbols renamed in the library: old -> new (a wrapper's: ``w<i>.<old>`` -> new)
    names: dict = field(default_factory=dict)
    #: where the result holds a view the function made (``returns_views``: a new object)
    views: tuple = ()


#: at most this many argument keys (the signature and its variants) get a native wrapper each
MAX_VARIANTS = 8


def build(path: str, signatures: Sequence[str], out_dir: str, name: str | None = None, opt: int = 3,
          boundscheck: bool = True, fastmath: bool = False, error_model: str = "python") -> str:
    """Compile the functions of the file ``path`` for ``signatures`` (``"func: signature"``)
    into the package ``out_dir/<name>/`` (see the module docstring); its directory."""
    from runtime import sharedlib

    from .pipeline import CompileOptions

    name = name or os.path.splitext(os.path.basename(path))[0]
    if not _IDENTIFIER.match(name):
        raise AotError(f"the package name {name!r} is not a Python identifier: give one with --name")
    if not signatures:
        raise AotError("no signature given: --sig \"function: signature\", e.g. --sig \"total: f64(f64[::1])\"")
    if sharedlib.linker() is None:
        raise AotError("no linker found to make a shared library (install binutils' ld or a C compiler)")
    module = _import(path)
    defaults = CompileOptions(opt=opt, boundscheck=boundscheck, fastmath=fastmath, error_model=error_model)
    requested: dict[str, list[str]] = {}
    for text in signatures:
        func, sep, sig = text.partition(":")
        func, sig = func.strip(), sig.strip()
        if not sep or not _IDENTIFIER.match(func) or not sig:
            raise AotError(f"expected \"function: signature\", got {text!r}")
        requested.setdefault(func, []).append(sig)
    compiled: list[_Compiled] = []
    functions = []
    for func, sigs in requested.items():
        py_func, options = _function(module, path, func, defaults)
        functions.append(_function_data(py_func, path))
        for k, sig in enumerate(sigs):
            compiled.append(_compile(py_func, func, k, sig, options))
    directory = os.path.join(out_dir, name)
    os.makedirs(directory, exist_ok=True)
    library = f"lib{name}.so"
    _link(compiled, name, os.path.join(directory, library), defaults.opt)
    from runtime.errors import ERRARGS_SLOTS

    manifest = {
        "name": name, "library": library, "python": list(sys.version_info[:2]),
        "numpy_major": int(__import__("numpy").__version__.split(".")[0]), "errargs_slots": ERRARGS_SLOTS,
        "decref": f"{name}_meminfo_decref", "new_owner": f"{name}_meminfo_owner", "functions": functions,
    }
    for data in functions:
        data["signatures"] = [_signature_data(c) for c in compiled if c.function == data["name"]]
    with open(os.path.join(directory, "manifest.json"), "w", encoding="utf-8") as file:
        json.dump(manifest, file, indent=1)
    with open(os.path.join(directory, f"{name}.h"), "w", encoding="utf-8") as file:
        file.write(_header(name, path, compiled))
    shutil.copyfile(os.path.join(os.path.dirname(os.path.abspath(__file__)), "aot_runtime.py"),
                    os.path.join(directory, "_runtime.py"))
    with open(os.path.join(directory, "__init__.py"), "w", encoding="utf-8") as file:
        file.write(_init_text(name, path, [data["name"] for data in functions]))
    return directory


# ----------------------------------------------------------------- the source
def _import(path: str) -> Any:
    """The file ``path`` imported as a module of its own (its directory on ``sys.path``
    while it runs, for its own imports)."""
    if not os.path.isfile(path):
        raise AotError(f"no such file: {path}")
    stem = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(f"_pyjit_aot_{stem}", path)
    if spec is None or spec.loader is None:
        raise AotError(f"cannot load {path} as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        spec.loader.exec_module(module)
    except Exception as err:
        raise AotError(f"{path} failed to import: {type(err).__name__}: {err}") from None
    finally:
        sys.path.pop(0)
    return module


def _function(module: Any, path: str, func: str, defaults: Any) -> tuple[Any, Any]:
    """The Python function ``func`` of the module, and the options to compile it with (a
    ``@compile`` function's own)."""
    obj = getattr(module, func, None)
    if obj is None:
        raise AotError(f"{path} has no function {func!r}")
    options = getattr(obj, "options", None) if hasattr(obj, "py_func") else None
    py_func = getattr(obj, "py_func", obj)
    if not inspect.isfunction(py_func):
        raise AotError(f"{path}:{func} is a {type(obj).__name__}, not a function")
    options = options or defaults
    if options.parallel:
        raise AotError(f"{func}() is compiled with parallel=True, which needs the compiler's thread pool: "
                       "compile it without for ahead of time")
    return py_func, options


def _function_data(py_func: Any, path: str) -> dict:
    """The manifest's form of a function's parameters (for binding keyword calls)."""
    kinds = {inspect.Parameter.POSITIONAL_ONLY: "positional_only",
             inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional",
             inspect.Parameter.KEYWORD_ONLY: "keyword_only"}
    name = py_func.__name__
    parameters = []
    for p in inspect.signature(py_func).parameters.values():
        if p.kind not in kinds:
            raise AotError(f"{name}() takes *{p.name} or **{p.name}, which compiled functions do not")
        default = None
        if p.default is not p.empty:
            default = repr(p.default)
            try:
                literal = ast.literal_eval(default) == p.default
            except (ValueError, SyntaxError):
                literal = False
            if not literal:
                raise AotError(f"{name}(): the default of '{p.name}' ({default[:60]}) is not a literal (a number, "
                               "string, None or a tuple of these), which the package stores; give it explicitly")
        parameters.append([p.name, kinds[p.kind], default])
    return {"name": name, "source": os.path.basename(path), "parameters": parameters,
            "keyword_only": any(kind == "keyword_only" for _, kind, _ in parameters)}


# ----------------------------------------------------------------- compiling
def _signature_weakness(t: Any) -> Any:
    """A scalar in a signature stands for a Python number (as ``Dispatcher.compile`` has it)."""
    from ir.types import TupleType

    if isinstance(t, TupleType):
        return tuple(_signature_weakness(e) for e in t.elements)
    return t.is_scalar


def _variants(key: tuple) -> list[tuple]:
    """The argument keys whose calls run the signature of ``key``, ``key`` first: an array of
    any layout (``f64[:]``) takes C- and Fortran-contiguous arrays too, a read-only one
    writable arrays too, as a ``@compile`` function's compatible specialisations do; each is
    a native wrapper of its own (the wrapper checks the exact layout and flags), at most
    :data:`MAX_VARIANTS` of them (further combinations are a ``TypeError`` at the call)."""
    import dataclasses
    import itertools

    from ir.types import ArrayType

    def options(t: Any) -> list:
        if not isinstance(t, ArrayType):
            return [t]
        layouts = [t.layout] if t.layout != "A" else ["A", "C"] if t.ndim <= 1 else ["A", "C", "F"]
        return [dataclasses.replace(t, layout=layout, readonly=readonly)
                for layout in layouts for readonly in ([True, False] if t.readonly else [False])]
    keys = [tuple(zip(types, (w for _, w in key)))
            for types in itertools.product(*(options(t) for t, _ in key))]
    return keys[:MAX_VARIANTS]


def _compile(py_func: Any, func: str, k: int, text: str, options: Any) -> _Compiled:
    """Compile ``py_func`` for the signature ``text`` (its ``k``-th)."""
    from ir import CompileError

    from .codegen import entry_symbol
    from .fastcall import prebuilt_wrapper, result_sources
    from .pipeline import compile_function
    from .signatures import SignatureError, format_type, parse_signature

    try:
        sig = parse_signature(text)
    except SignatureError as err:
        raise AotError(f"{func}: bad signature {text!r}: {err}") from None
    nparams = len(inspect.signature(py_func).parameters)
    if len(sig.args) != nparams:
        raise AotError(f"signature {text!r} has {len(sig.args)} arguments but {func}() takes {nparams}")
    key = tuple((t, _signature_weakness(t)) for t in sig.args)
    wrappers: list = []

    def wrapper(module: Any, entry: Any, error_sites: Any, patchable: bool) -> Any:
        if any(f.attributes.get("keeps_arrays") for f in module):
            raise AotError(f"{func}() for {text} keeps arrays in lists, dicts or sets, whose memory the compiler's "
                           "runtime manages: not supported ahead of time")
        for variant in _variants(key):
            made = prebuilt_wrapper(variant, entry.result_type, entry_symbol(entry.sym_name), error_sites,
                                    options.nogil, None, patchable, result_sources(entry, variant))
            if made is None:
                raise AotError(f"{func}() for {text}: its arguments take no native call path; ahead of time, scalar "
                               "arguments are bool, i64, f64 or c128 (Python's numbers), arrays of any dtype, "
                               "str, and tuples of these")
            wrappers.append(made)
        return wrappers[0]

    def store(module: Any, entry: Any, lowered: Any, _options: Any, prebuilt: Any) -> _Compiled:
        _refuse_ops(module, py_func)
        result = entry.result_type
        signature = f"{format_type(result)}({', '.join(map(format_type, entry.arg_types))})"
        try:
            _result_layout(result)
        except TypeError as err:
            raise AotError(f"{func}() for {text} returns {format_type(result)}: {err}") from None
        return _Compiled(func, k, signature, tuple(entry.arg_types), result, lowered.llvm_ir,
                         tuple(lowered.cold), entry_symbol(entry.sym_name),
                         _loadable(lowered.references, func, text), lowered.error_sites,
                         [(w.text, _loadable(w.references, func, text)) for w in wrappers],
                         views=tuple(entry.attributes.get("returns_views", ())))
    try:
        return compile_function(py_func, sig.args, sig.result, options, tuple(w for _, w in key), None, wrapper,
                                store)
    except CompileError as err:
        raise AotError(f"{func}() for {text}: {type(err).__name__}: {err}") from None


def _refuse_ops(module: Any, py_func: Any) -> None:
    """:class:`AotError` for the first op whose code points into this process (see the
    module docstring), at its source line (the function's ``def`` where the op was traced in
    library code, ``np.random``'s)."""
    code = py_func.__code__
    for op in module.walk():
        why = _REFUSED_OPS.get(op.name)
        if op.name == "py.call":
            why = _LIBRARY_CALLS.get(op.target.rpartition("#")[0], why)
        if why is not None:
            loc = op.loc
            where = f"{loc.file}:{loc.line}" if loc is not None and loc.file == code.co_filename \
                else f"{code.co_filename}:{code.co_firstlineno}"
            raise AotError(f"{where}: {py_func.__name__}() cannot be compiled ahead of time: {why}")


def _loadable(references: Any, func: str, text: str) -> list:
    """``[symbol, descriptor]`` of each reference, in the package loader's terms;
    :class:`AotError` for one it cannot resolve."""
    from runtime.memory import ARRAY_API_SLOTS

    found = []
    for ref in references:
        descriptor = ref.descriptor
        if descriptor is None and type(ref.obj).__module__.startswith("numpy") and hasattr(ref.obj, "char"):
            descriptor = ("dtype", ref.obj.char)   # a second built-in dtype of a type (int64: 'l' and 'q')
        kind = descriptor[0] if descriptor else None
        if kind == "numpy_api":
            descriptor = ("numpy_api", descriptor[1], ARRAY_API_SLOTS[descriptor[1]])
        elif kind == "import" and not (descriptor[1] in ("builtins", "numpy") or descriptor[1].startswith("numpy.")):
            kind = None
        elif kind == "entry" and descriptor[1] not in ("raiser", "boxer"):
            kind = None
        if kind not in _LOADABLE_KINDS:
            what = f"{descriptor!r}" if descriptor else "an object of this process"
            if descriptor and descriptor[0] == "threads":
                what = "the thread pool's settings"
            elif descriptor and descriptor[0] in ("nprandom", "distribution"):
                what = "np.random's state"
            raise AotError(f"{func}() for {text} cannot be compiled ahead of time: its code points at {what}, which "
                           "a package without the compiler cannot find")
        found.append([ref.symbol, list(descriptor)])
    return found


def _result_layout(t: Any, offset: int = 0, views: Sequence[int] = ()) -> list:
    """How the package reads a result of type ``t`` at ``offset`` of the ``ret`` buffer
    (``compiler.aot_runtime._read``); ``TypeError`` for a type without one.  ``views``:
    where the result holds a view the function made (tuple positions, -1: the result)."""
    from ir.dtypes import to_dtype
    from ir.types import (
        ArrayType, BoolType, ComplexType, FloatType, IntType, NoneType, ObjectType, OptionalType, StrType,
        TupleType, bool_, c128, f64, i64,
    )
    from runtime.boxing import memory_ctype

    if isinstance(t, NoneType):
        return ["none"]
    if isinstance(t, (BoolType, IntType, FloatType, ComplexType)):
        return ["scalar", to_dtype(t).str, offset, t in (bool_, i64, f64, c128)]
    if isinstance(t, StrType):
        return ["str", offset]
    if isinstance(t, ArrayType):
        return ["array", to_dtype(t.dtype).str, t.ndim, t.readonly, offset, -1 in views]
    if isinstance(t, TupleType):
        ctype = memory_ctype(t)
        fields = [getattr(ctype, f"f{i}").offset for i in range(len(t.elements))]
        if isinstance(t, OptionalType):
            return ["optional", offset + fields[0], _result_layout(t.value, offset + fields[1])]
        return ["tuple", [_result_layout(e, offset + at, [-1] if i in views else [])
                          for i, (e, at) in enumerate(zip(t.elements, fields))]]
    if isinstance(t, ObjectType):
        raise TypeError("lists, dicts and sets are objects of the compiler's runtime; return an array or a tuple")
    raise TypeError("a result of this type has no memory layout the package reads")


def _signature_data(c: _Compiled) -> dict:
    from .fastcall import FALLBACK_SYMBOL, WRAPPER_SYMBOL

    kernel = [[c.names[symbol], d] for symbol, d in c.kernel_references]
    natives = [{"wrapper": c.names[f"w{i}.{WRAPPER_SYMBOL}"], "fallback": c.names[f"w{i}.{FALLBACK_SYMBOL}"],
                "references": [[c.names[f"w{i}.{symbol}"], d] for symbol, d in references]}
               for i, (_, references) in enumerate(c.wrappers)]
    return {"signature": c.signature, "entry": c.names[c.entry], "kernel_references": kernel, "natives": natives,
            "arguments": [_argument_data(t) for t in c.arg_types],
            "result": _result_layout(c.result_type, views=c.views), "error_sites": _sites_data(c.error_sites)}


def _argument_data(t: Any) -> list:
    """How the package's Python path tells a value of argument type ``t``
    (``compiler.aot_runtime._convert``)."""
    from ir.dtypes import to_dtype
    from ir.types import ArrayType, BoolType, ComplexType, FloatType, IntType, NoneType, StrType, TupleType

    if isinstance(t, ArrayType):
        return ["array", to_dtype(t.dtype).str, t.ndim, t.layout, t.readonly]
    if isinstance(t, TupleType):
        return ["tuple", [_argument_data(e) for e in t.elements]]
    for cls, kind in ((BoolType, "bool"), (IntType, "int"), (FloatType, "float"), (ComplexType, "complex"),
                      (NoneType, "none"), (StrType, "str")):
        if isinstance(t, cls):
            return [kind]
    return ["other"]


def _sites_data(sites: Any) -> list:
    """The package's form of an error-site table: ``[exception, message, [file, line,
    function] or None, [[kind, bits]...]]`` (``compiler.aot_runtime._raiser``)."""
    from ir.diagnostics import _enclosing_function
    from ir.types import BoolType, IntType

    def kind(t: Any) -> list:
        if isinstance(t, BoolType):
            return ["bool", 8]
        if isinstance(t, IntType):
            return ["int" if t.signed else "uint", t.bits]
        return ["float", t.bits]
    return [[site.exception, site.message,
             None if site.loc is None else [site.loc.file, site.loc.line,
                                            _enclosing_function(site.loc.file, site.loc.line)],
             [kind(t) for t in site.arg_types]] for site in sites]


# ----------------------------------------------------------------- the library
def _link(compiled: list[_Compiled], name: str, path: str, opt: int) -> None:
    """One LLVM module of every signature's kernel and wrapper, each signature's symbols
    renamed (see the module docstring), optimized and linked as the library ``path``."""
    from runtime.engine import get_engine
    from runtime.memory import HELPERS, helpers_ir

    entries = [f"{name}_{c.function}" if c.index == 0 else f"{name}_{c.function}_{c.index}" for c in compiled]
    helper_names = tuple(f"{name}_{helper}" for helper in HELPERS)
    entries += helper_names
    clash = sorted({e for e in entries if entries.count(e) > 1})
    if clash:
        raise AotError(f"two C symbols of the library would be named {clash[0]} (a function's entry, the k-th "
                       "signature's <name>_<func>_<k>, or the count helpers): rename a function")
    engine = get_engine()
    with engine._lock:   # llvmlite's LLVM context is shared: all LLVM work under the engine's lock
        machine = engine._pic_machine(0 if opt == 0 else 3)
        combined, cold = _combined(compiled, name, machine)
        text = str(combined)
    helpers = helpers_ir(helper_names)
    needs = engine.shared_object(text, path, opt, name, True, tuple(cold), [helpers])
    if needs:   # _refuse_private_libraries saw them first
        raise AotError(f"the library needs {', '.join(needs)}, which the package cannot load")


def _combined(compiled: list[_Compiled], name: str, machine: Any) -> tuple[Any, list[str]]:
    """The one LLVM module of every signature (renamed, see the module docstring) and the names
    of its cold functions (the call wrappers among them: not optimized)."""
    import llvmlite.binding as llvm

    from runtime.engine import _TARGET_LINE

    from .fastcall import WRAPPER_SYMBOL

    host = f'target triple = "{machine.triple}"\ntarget datalayout = "{machine.target_data}"\n'
    parse = lambda text: llvm.parse_assembly(host + _TARGET_LINE.sub("", text))   # noqa: E731
    combined = None
    cold: list[str] = []
    for c in compiled:
        module = parse(c.kernel)
        for i, (text, _) in enumerate(c.wrappers):
            wrapper = parse(text)
            for g in _defined(wrapper):   # a wrapper's symbols, apart from the other wrappers'
                g.name = f"w{i}.{g.name}"
            module.link_in(wrapper)
        _refuse_private_libraries(module, c)
        prefix = f"{name}.{c.function}.{c.index}."
        entry_name = f"{name}_{c.function}" if c.index == 0 else f"{name}_{c.function}_{c.index}"
        for g in _defined(module):
            c.names[g.name] = g.name = entry_name if g.name == c.entry else prefix + g.name
        cold += [c.names[symbol] for symbol in c.cold]
        cold += [c.names[f"w{i}.{WRAPPER_SYMBOL}"] for i in range(len(c.wrappers))]
        if combined is None:
            combined = module
        else:
            combined.link_in(module)
    return combined, cold


def _defined(module: Any) -> list:
    """The functions and globals ``module`` defines (not LLVM's own)."""
    return [g for g in (*module.functions, *module.global_variables)
            if not g.is_declaration and g.name and not g.name.startswith("llvm.")]


def _refuse_private_libraries(module: Any, c: _Compiled) -> None:
    """Code calling NumPy's BLAS or LAPACK or the OpenMP runtime (found in the process by the
    compiler's runtime) is refused."""
    from runtime.engine import _private_symbols

    found = _private_symbols(module)
    if found:
        what = "the OpenMP runtime" if any(s.startswith(("omp", "__kmpc", "GOMP")) for s in found) \
            else "NumPy's BLAS/LAPACK (a matrix product or np.linalg)"
        raise AotError(f"{c.function}() for {c.signature} calls {what}, which the compiler's runtime finds in the "
                       "process: not supported ahead of time")


# ----------------------------------------------------------------- the header
_C_TYPES = {"q": "int64_t", "l": "int64_t", "Q": "uint64_t", "L": "uint64_t", "i": "int32_t", "I": "uint32_t",
            "h": "int16_t", "H": "uint16_t", "b": "int8_t", "B": "uint8_t", "?": "bool", "d": "double",
            "f": "float", "P": "void *"}


def _c_fields(ctype: Any, indent: str) -> list[str]:
    """The C declarations of a ctypes structure's fields."""
    lines = []
    for field_name, ft in ctype._fields_:
        if field_name.endswith(("_meminfo", "_data")):   # an array argument's pointers
            ft = ctypes.c_void_p
        lines.append(indent + _c_declaration(ft, field_name, indent) + ";")
    return lines


def _c_declaration(ft: Any, field_name: str, indent: str) -> str:
    if isinstance(ft, type) and issubclass(ft, ctypes.Structure):
        inner = "\n".join(_c_fields(ft, indent + "    "))
        return f"struct {{\n{inner}\n{indent}}} {field_name}"
    if isinstance(ft, type) and issubclass(ft, ctypes.Array):
        return f"{_c_declaration(ft._type_, field_name, indent)}[{ft._length_}]"
    c = _C_TYPES[ft._type_]
    return f"{c}{'' if c.endswith('*') else ' '}{field_name}"


def _header(name: str, path: str, compiled: list[_Compiled]) -> str:
    from runtime.boxing import ArgPacker, memory_ctype
    from runtime.errors import ERRARGS_SLOTS

    guard = f"{name.upper()}_H"
    out = [f"""/* {name}.h -- compiled ahead of time from {os.path.basename(path)} (python -m compiler.aot).

   ABI of every entry:

       int32_t entry(void *ret, int64_t *errargs, const void *args);

   args     the packed arguments (the entry's _args structure): 8-byte slots; integers
            sign- (unsigned: zero-) extended to 64 bits, bools 0/1, doubles as they are,
            a float in the low 4 bytes of its slot, a complex number two slots (real,
            imaginary); an array as {{meminfo, data, shape[n], strides[n]}} with strides
            in bytes and meminfo NULL (the caller lends the memory); a tuple as its
            elements' slots.
   ret      a buffer of the entry's _result structure, written on success.
   errargs  {name.upper()}_ERRARGS_SLOTS int64_t slots: an error's message arguments; the
            entry uses the last itself (the stack limit of recursive calls).
   status   0: success.  k > 0: the entry's error site k (listed at the entry: the
            Python exception, its message with each {{}} filled from the next errargs
            slot -- integers as int64, floats as the bits of a double -- and the
            source line).  -1: an exception raised in Python (not produced by the
            entries of this library).
   arrays   an array result whose meminfo is not NULL owns one reference to its block
            (the block's first int64_t is the reference count, the data follows its
            header): give it back with {name}_meminfo_decref(meminfo), which frees the
            block with the last reference.  An array result with a NULL meminfo is a
            view of an argument's memory.

   Entries marked "callable from C" are plain numeric code: they call the C library
   and libm only.  The others point at Python objects (NumPy's scalar types, str
   constants...) through references that the Python package's loader fills: call
   them through the Python package.  The library also holds the Python call
   wrappers, whose CPython symbols stay undefined: link a C program with -lm and
   -Wl,--unresolved-symbols=ignore-in-shared-libs (or dlopen with RTLD_LAZY).
   The machine code is for the CPU it was compiled on and its features. */
#ifndef {guard}
#define {guard}

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {{
#endif

/* the int64_t slots of an errargs buffer (see above) */
#define {name.upper()}_ERRARGS_SLOTS {ERRARGS_SLOTS}

/* reference counts of array blocks (see above) */
void {name}_meminfo_incref(void *meminfo);
void {name}_meminfo_decref(void *meminfo);
"""]
    for c in compiled:
        entry = c.names[c.entry]
        args = ArgPacker(c.arg_types).struct
        result = memory_ctype(c.result_type)
        pure = not c.kernel_references
        out.append(f"/* {c.function}: {c.signature} -- "
                   f"{'callable from C' if pure else 'needs Python (call it through the package)'} */")
        out.append("typedef struct {")
        out += _c_fields(args, "    ")
        out.append(f"}} {entry}_args;")
        if isinstance(result, type) and issubclass(result, ctypes.Structure):
            out.append("typedef struct {")
            out += _c_fields(result, "    ")
            out.append(f"}} {entry}_result;")
        else:
            out.append(f"typedef {_c_declaration(result, f'{entry}_result', '')};")
        sites = list(c.error_sites)
        if sites:
            out.append("/* error statuses:")
            for k, site in enumerate(sites, 1):
                where = f" ({site.loc.short})" if site.loc is not None else ""
                out.append(f"     {k}: {site.exception}: {site.message}{where}".replace("*/", "* /"))
            out.append("*/")
        out.append(f"int32_t {entry}(void *ret, int64_t *errargs, const void *args);\n")
    out.append(f"#ifdef __cplusplus\n}}\n#endif\n\n#endif /* {guard} */\n")
    return "\n".join(out)


def _init_text(name: str, path: str, functions: list[str]) -> str:
    return f'''"""{name}: functions of {os.path.basename(path)} compiled ahead of time (python -m compiler.aot).

Needs only NumPy: the machine code is in lib{name}.so, its C header in {name}.h.
"""
from ._runtime import load as _load

globals().update(_load(__name__, __path__[0]))
del _load

__all__ = {functions!r}
'''


# ----------------------------------------------------------------- the command
def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m compiler.aot", description=__doc__.splitlines()[0])
    parser.add_argument("file", help="the Python file whose functions to compile")
    parser.add_argument("--sig", action="append", default=[], metavar="FUNC: SIGNATURE",
                        help='a function and a signature, e.g. "total: f64(f64[::1])" (repeatable: several '
                             "functions, several signatures of one)")
    parser.add_argument("-o", "--output", default=".", help="where the package's directory goes (default: .)")
    parser.add_argument("--name", help="the package's name (default: the file's stem)")
    parser.add_argument("-O", dest="opt", type=int, choices=(0, 1, 2, 3), default=3,
                        help="optimisation level (default 3)")
    parser.add_argument("--no-boundscheck", action="store_true", help="compile without array index checks")
    parser.add_argument("--fastmath", action="store_true", help="let floating-point reductions be reordered")
    parser.add_argument("--error-model", choices=("python", "numpy"), default="python",
                        help="division by zero: Python's ZeroDivisionError or NumPy's inf/nan")
    args = parser.parse_args(argv)
    try:
        directory = build(args.file, args.sig, args.output, args.name, args.opt, not args.no_boundscheck,
                          args.fastmath, args.error_model)
    except AotError as err:
        print(f"python -m compiler.aot: error: {err}", file=sys.stderr)
        return 2
    print(directory)
    return 0


if __name__ == "__main__":
    sys.exit(main())
