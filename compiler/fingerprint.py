"""Fingerprints: what a compiled function depends on in the program, as plain data.

The disk cache (``compiler.cache``) keys a specialisation by everything its
code depends on.  From the program, that is the function's code and every
value its code can read by name -- globals, closure variables, attributes of
modules (``helpers.scale``, ``np.pi``) -- followed through the functions it
reaches that way, which the tracer may have traced through.  Globals and
closure variables are constants of a specialisation (``compiler.dispatcher``),
so a changed value must give another key, as must an edited helper in another
module.

:func:`function_fingerprint` returns ``{name: fingerprint}`` for the
function and what it reaches: ``"code <module>.<qualname>"`` -> the digest of
its code object (``marshal``: bytecode, constants, names, and the line table,
so a moved line -- whose number error messages give -- is a change too), and
``"<qualname>: <name>"`` -> the fingerprint of the value that name held.
Names are found in the bytecode: ``LOAD_GLOBAL``/``LOAD_NAME`` and closure
loads, each followed by the chain of ``LOAD_ATTR``/``LOAD_METHOD`` after it,
which is followed through modules (``np.linalg.norm`` is the function
``numpy.linalg.norm``, not the module ``numpy``); nested code objects (lambdas,
comprehensions, inner functions) are scanned with their function.

Value fingerprints are plain data: a number, string, bytes, ``None`` or bool
by type and ``repr``; tuples and frozensets element-wise; a module by name;
a NumPy dtype, scalar or array by dtype and value (an array by dtype, shape
and strides: compiled code reads its elements in place); a Python function by
its own fingerprint (recursively, each function once); a compiled function
by its Python function and options; a class or builtin that a module exports
under its name by that name (NumPy's version is part of the key), and any
other object read as an attribute of a module of NumPy or the standard library
(``np.random.random``, a method of NumPy's global generator) by that module
and attribute.  Anything
else -- an instance of a user class, a dict -- cannot be compared across
processes: :class:`Unfingerprintable` says which name held it, and the
specialisation is not cached.

Over-approximation is deliberate: a name the code reads on a path the trace
never took still counts.  A stale entry is never used; at worst one is not
found.
"""
from __future__ import annotations

import dis
import marshal
import sys
import types
from typing import Any

try:   # CPython's own SHA-256: importing hashlib loads OpenSSL, 3 to 10 ms of a cached first call
    from _sha256 import sha256
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import sha256

__all__ = ["Unfingerprintable", "function_fingerprint", "sha256"]

_SCALARS = (int, float, complex, bool, str, bytes, type(None), type(Ellipsis))
_LOADS = {"LOAD_GLOBAL", "LOAD_NAME"}
_CLOSURE_LOADS = {"LOAD_DEREF", "LOAD_CLASSDEREF"}
_ATTRIBUTES = {"LOAD_ATTR", "LOAD_METHOD"}


class Unfingerprintable(Exception):
    """A value a compiled function reads cannot be compared across processes."""


def function_fingerprint(fn: types.FunctionType) -> dict[str, Any]:
    """The fingerprint of ``fn`` and of everything it reaches by name (see the module docstring);
    :class:`Unfingerprintable` if a value it reads has none."""
    parts: dict[str, Any] = {}
    _Walk(parts).function(fn)
    return parts


class _Walk:
    def __init__(self, parts: dict[str, Any]) -> None:
        self.parts = parts
        self.seen: set[int] = set()

    def function(self, fn: types.FunctionType) -> str:
        """Fingerprint ``fn`` into the parts (once); the name it is filed under."""
        name = f"{fn.__module__}.{fn.__qualname__}"
        if id(fn) in self.seen:
            return name
        self.seen.add(id(fn))
        code = fn.__code__
        self.parts[f"code {name}"] = sha256(marshal.dumps(code)).hexdigest()
        cells = dict(zip(code.co_freevars, fn.__closure__ or ()))
        for chain, closure in sorted(_chains(code)):
            where = f"{fn.__qualname__}: {'.'.join(chain)}"
            try:
                if closure:
                    if chain[0] not in cells:   # a cell of the function's own (a local of it)
                        continue
                    value = cells[chain[0]].cell_contents
                else:
                    value = _global(fn, chain[0])
            except (KeyError, ValueError):   # not bound (yet): reading it raises when traced
                self.parts[where] = "unbound"
                continue
            owner = None
            for attribute in chain[1:]:
                if not isinstance(value, types.ModuleType):
                    break
                if not hasattr(value, attribute):
                    value = "missing"
                    break
                owner, value = (value.__name__, attribute), getattr(value, attribute)
            try:
                self.parts[where] = self.value(value, where)
            except Unfingerprintable:
                if owner is None or not _library(owner[0]):
                    raise
                self.parts[where] = ["import", *owner]   # np.random.random: a bound method NumPy exports
        return name

    def value(self, value: Any, where: str) -> Any:
        if isinstance(value, _SCALARS):
            return [type(value).__name__, repr(value)]
        if isinstance(value, (tuple, frozenset)):
            items = sorted(value, key=repr) if isinstance(value, frozenset) else value
            return [type(value).__name__, [self.value(v, where) for v in items]]
        if isinstance(value, types.ModuleType):
            return ["module", value.__name__]
        if isinstance(value, types.FunctionType):
            return ["function", self.function(value)]
        py_func = getattr(value, "py_func", None)
        if isinstance(py_func, types.FunctionType) and hasattr(value, "options"):   # a compiled function
            return ["compiled", self.function(py_func), repr(value.options)]
        np = sys.modules.get("numpy")
        if np is not None:
            if isinstance(value, np.ndarray):
                return ["ndarray", value.dtype.str, list(value.shape), list(value.strides)]
            if isinstance(value, np.generic):
                return ["numpy", value.dtype.str, repr(value.item())]
            if isinstance(value, np.dtype):
                return ["dtype", value.str]
        named = _exported_name(value)
        if named is not None:
            return ["import", *named]
        raise Unfingerprintable(f"{where} is a {type(value).__name__} object, which the disk cache cannot "
                                "compare between processes")


def _library(module: str) -> bool:
    """Whether ``module`` is of the standard library or NumPy (whose versions are in the key)."""
    top = module.partition(".")[0]
    return top == "numpy" or top in sys.stdlib_module_names


def _global(fn: types.FunctionType, name: str) -> Any:
    if name in fn.__globals__:
        return fn.__globals__[name]
    builtins = fn.__globals__.get("__builtins__", __builtins__)
    return (builtins if isinstance(builtins, dict) else vars(builtins))[name]


def _exported_name(value: Any) -> tuple[str, str] | None:
    """(module, name) under which a module exports ``value`` itself (a class, a builtin or
    NumPy function, a ufunc), or None."""
    module = getattr(value, "__module__", None)
    name = getattr(value, "__qualname__", None) or getattr(value, "__name__", None)
    if not isinstance(name, str) or "<" in name:
        return None
    if module is None and type(value).__name__ == "ufunc":
        module = "numpy"
    if not isinstance(module, str) or module not in sys.modules:
        return None
    found: Any = sys.modules[module]
    for part in name.split("."):
        found = getattr(found, part, None)
    return (module, name) if found is value else None


def _chains(code: types.CodeType) -> set[tuple[tuple[str, ...], bool]]:
    """The names ``code`` (and the code nested in it) loads, each with the attributes read
    from it right after, and whether it is a closure variable."""
    found: set[tuple[tuple[str, ...], bool]] = set()
    chain: list[str] = []
    closure = False

    def close() -> None:
        if chain:
            found.add((tuple(chain), closure))
        chain.clear()
    for instruction in dis.get_instructions(code):
        if instruction.opname in _ATTRIBUTES and chain:
            chain.append(instruction.argval)
            continue
        close()
        if instruction.opname in _LOADS or instruction.opname in _CLOSURE_LOADS:
            chain.append(instruction.argval)
            closure = instruction.opname in _CLOSURE_LOADS
    close()
    for const in code.co_consts:
        if isinstance(const, types.CodeType):   # its closure loads of the outer function's locals are skipped
            found |= _chains(const)             # by the caller, which resolves only the outer's free variables
    return found
