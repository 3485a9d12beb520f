"""Specialisations to and from the disk cache (what an entry holds: ``compiler.cache``).

:func:`compile_cached` is the dispatcher's compile when the cache is on: the
key's parts, then the stored entry if there is one, else a compile whose
code is made as a shared library and stored.  An entry's manifest holds what
calling the code needs besides the machine code: the entry's symbol, the
result type, the error-site table (``runtime.errors``: plain data), whether
the code keeps arrays in containers, whether the native call wrapper is in
the library, the references with their descriptors, and the libraries it was
linked against.  The argument types are the key's.

Loading resolves every reference first (``compiler.relocate``) and only then
opens the library and writes the addresses into it: an entry that cannot be
resolved is a miss before any of its code is mapped.  NumPy's distribution
functions (``np.random.poisson``, ``randint``: ``runtime.nprandom``), which the JIT
links from NumPy's static ``libnpyrandom.a``, are copied into the stored library
from that archive, so that a process of cached code needs no LLVM for them.
"""
from __future__ import annotations

from typing import Any, Callable

from runtime.errors import ErrorSites
from runtime.memory import CACHED_HELPERS, helpers_ir, provide_helpers
from runtime.nprandom import distribution_archive

from .cache import FunctionCache, NotCacheable, type_data, type_of
from .callees import FUNCTION, FunctionArgument
from .pipeline import CompiledFunction, compile_function
from .relocate import resolve, write_pointer

__all__ = ["compile_cached"]


def compile_cached(dispatcher: Any, key: tuple, types: tuple, result_type: Any, weak: tuple,
                   constants: dict[int, Any], wrapper: Callable | None) -> CompiledFunction:
    """The specialisation of ``key`` from the disk cache, or compiled and stored there."""
    fcache = dispatcher._disk_cache()
    signature = dispatcher._describe_key(key, constants)
    try:
        parts = fcache.key_parts(arguments_data(key), result_type)
    except NotCacheable as err:
        fcache.record(signature, "not stored", str(err))
        return compile_function(dispatcher.py_func, types, result_type, dispatcher.options, weak, constants, wrapper)
    possible, binding = dispatcher._native_binding()

    def make(manifest: dict, open_library: Callable[[], Any]) -> CompiledFunction:
        return _loaded(manifest, open_library, dispatcher.py_func, key, types,
                       dispatcher.options.nogil, binding if possible else None, possible)
    compiled = fcache.load(signature, parts, make)
    if compiled is not None:
        return compiled
    store = _Store(fcache, signature, parts)
    return compile_function(dispatcher.py_func, types, result_type, dispatcher.options, weak, constants, wrapper,
                            store)


def arguments_data(key: tuple) -> list:
    """The manifest's form of a dispatcher's argument key (:class:`NotCacheable` for a function
    argument: a specialisation for one function object of this process)."""
    from .dispatcher import STATIC

    found = []
    for t, weak in key:
        if t == FUNCTION or _has_function(weak):
            raise NotCacheable("a function argument (its specialisation is for one function object of this "
                               "process)")
        if t == STATIC:
            found.append(["static", repr(weak)])
        else:
            found.append([type_data(t), repr(weak)])
    return found


def _has_function(weak: Any) -> bool:
    if isinstance(weak, tuple):
        return any(_has_function(w) for w in weak)
    return isinstance(weak, FunctionArgument)


class _Store:
    """Builds a specialisation as a shared library, stores it, and loads it (or, where it
    cannot be stored, JIT-compiles it as usual and says why)."""

    def __init__(self, fcache: FunctionCache, signature: str, parts: dict) -> None:
        self.fcache, self.signature, self.parts = fcache, signature, parts

    def __call__(self, module: Any, entry: Any, lowered: Any, options: Any, prebuilt: Any) -> CompiledFunction:
        from runtime import sharedlib
        from runtime.engine import get_engine

        from .pipeline import jit_module, linked_wrapper, proven_results

        tables = [lowered.references] + ([prebuilt.references] if prebuilt is not None else [])
        refs = [ref for table in tables for ref in table]
        unrelocatable = [what for table in tables for what in table.unrelocatable]
        reason = ""
        if unrelocatable:
            reason = f"its code points at {unrelocatable[0]}, which another process cannot find"
        elif sharedlib.linker() is None:
            reason = "no linker found to make a shared library (install binutils' ld or a C compiler)"
        compiled = None
        if not reason:
            linked, cold = linked_wrapper(lowered, prebuilt)
            linked = [*linked, helpers_ir(CACHED_HELPERS)]   # a process of cached code needs no LLVM for them
            manifest = {"signature": self.signature, "symbol": _entry_symbol(entry), "result": type_data(entry.result_type),
                        "error_sites": sites_data(lowered.error_sites), "wrapper": prebuilt is not None,
                        "keeps_arrays": any(func.attributes.get("keeps_arrays") for func in module),
                        "proven": [[where, source] for where, source in proven_results(entry).items()],
                        "views": list(entry.attributes.get("returns_views", ())),
                        "references": [[ref.symbol, list(ref.descriptor)] for ref in refs], "needs": []}

            members = [(ref.descriptor[1], distribution_archive()) for ref in refs if ref.descriptor[0] == "distribution"]

            def build(path: str) -> None:
                needs = get_engine().shared_object(lowered.llvm_ir, path, options.opt, entry.sym_name,
                                                      options.llvm_vectorize, cold, linked, members)
                manifest["needs"] = needs
            try:
                library = sharedlib.load(self.fcache.store(self.parts, build, manifest))
            except (sharedlib.LinkError, OSError) as err:
                reason = f"the shared library could not be made or loaded ({err})"
            else:
                compiled = CompiledFunction(tuple(entry.arg_types), entry.result_type, module, entry,
                                            lowered.llvm_ir, library, lowered.error_sites, wrapper=prebuilt)
                self.fcache.record(self.signature, "stored")
        if compiled is None:
            compiled = jit_module(module, entry, lowered, options, prebuilt)
            self.fcache.record(self.signature, "not stored", reason)
        for ref in refs:
            write_pointer(compiled.library.address(ref.symbol), ref.address)
        return compiled


def _entry_symbol(entry: Any) -> str:
    from .codegen import entry_symbol

    return entry_symbol(entry.sym_name)


def sites_data(sites: ErrorSites) -> list:
    """The manifest's form of an error-site table."""
    return [[site.exception, site.message, None if site.loc is None else [site.loc.file, site.loc.line, site.loc.col],
             [type_data(t) for t in site.arg_types]] for site in sites]


def sites_of(data: list) -> ErrorSites:
    from ir.diagnostics import Location

    sites = ErrorSites()
    for exception, message, loc, arg_types in data:
        sites.add(exception, message, None if loc is None else Location(*loc), [type_of(t) for t in arg_types])
    return sites


def _loaded(manifest: dict, open_library: Callable[[], Any], py_func: Any, key: tuple, types: tuple,
            nogil: bool, binding: Any, native: bool) -> CompiledFunction:
    """The specialisation of a stored entry (see the module docstring)."""
    import inspect

    from runtime.boxing import ResultUnpacker

    from .fastcall import PrebuiltWrapper, _boxer, _dict_version, _native_binding, _raiser
    from .references import References

    result_type = type_of(manifest["result"])
    error_sites = sites_of(manifest["error_sites"])
    proven = {where: source if isinstance(source, int) else tuple(source) for where, source in manifest.get("proven", ())}
    boxer, raiser = _boxer(ResultUnpacker(result_type, manifest["views"]), proven), _raiser(error_sites)
    parameters = inspect.signature(py_func).parameters
    parts = {"boxer": lambda: boxer, "raiser": lambda: raiser, "function": lambda: py_func,
             "defaults": lambda: py_func.__defaults__, "kwdefaults": lambda: py_func.__kwdefaults__,
             "kwdefaults_version": lambda: _dict_version(py_func.__kwdefaults__),
             "default": lambda name: parameters[name].default}
    library = open_library()
    provide_helpers(library)   # first: the call wrapper's references name one of them
    resolved = [(symbol, resolve(descriptor, parts)) for symbol, descriptor in manifest["references"]
                if descriptor[0] != "distribution"]
    resolved += [(symbol, (library.address(descriptor[1]), None)) for symbol, descriptor in manifest["references"]
                 if descriptor[0] == "distribution"]   # copied into the library (``_Store``)
    for symbol, (address, _) in resolved:
        write_pointer(library.address(symbol), address)
    keep = [boxer, raiser, *(obj for _, (_, obj) in resolved if obj is not None)]
    wrapper = None
    if manifest["wrapper"] and native and _native_binding(key, binding) is not False:   # as it was built
        wrapper = PrebuiltWrapper("", References("w"), keep, key, nogil, _native_binding(key, binding))
    return CompiledFunction(types, result_type, None, None, "", library, error_sites, wrapper=wrapper,
                            symbol=manifest["symbol"], stored_keeps_arrays=manifest["keeps_arrays"], keep=keep,
                            stored_proven=proven,
                            stored_views=manifest["views"], function_name=py_func.__qualname__,
                            source_file=py_func.__code__.co_filename)
