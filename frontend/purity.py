"""Which Python callables may run while a function is traced.

Tracing calls Python on plain values: that is how ``math.sqrt(2.0)`` or
``np.float32(0.5)`` become constants.  It is only right for a call that gives
the same result every time and changes nothing outside the trace, because the
trace runs once per specialisation, not once per call of the compiled code.
The rule:

* a call of a *known pure* callable runs at trace time: the builtins of
  :data:`PURE_BUILTINS`, the functions of the modules in :data:`PURE_MODULES`
  (``math``, ``cmath``, ``operator``, ``itertools``, ``functools``), NumPy's
  functions, ufuncs, scalar types and dtypes except ``np.random``, file I/O and
  functions that write into their arguments or change NumPy's settings
  (:data:`NUMPY_IMPURE`), exception classes, and the methods of values that
  cannot change (tuples, strings, numbers, ...);
* methods of Python lists, dicts, sets and NumPy arrays that exist only
  while compiling are pure when they only read, and allowed to change the
  container only outside run-time branches and loops (``frontend.calls``);
* calls with side effects or a different result per call run when the
  compiled code runs (``frontend.runtime_calls``, ``frontend.nprandom``);
* any other callable -- ``os.getpid``, ``input``, ``open``, a method of an
  object of a library -- is refused with an ``UnsupportedError`` naming it.
  A callable known to the user to be pure can be marked with
  :func:`mark_pure` (``compiler.trace_pure``): it then runs at trace time on
  constant arguments.

Python functions with source are not called at trace time at all: they are
traced and compiled with the caller.
"""
from __future__ import annotations

import builtins
import types
from typing import Any, Callable

import numpy as np

__all__ = ["PURE_BUILTINS", "PURE_MODULES", "NUMPY_IMPURE", "mark_pure", "is_pure", "callable_name"]

PURE_BUILTINS = frozenset({
    builtins.abs, builtins.all, builtins.any, builtins.ascii, builtins.bin, builtins.bool, builtins.callable,
    builtins.chr, builtins.complex, builtins.dict, builtins.divmod, builtins.enumerate, builtins.filter,
    builtins.float, builtins.format, builtins.frozenset, builtins.getattr, builtins.hasattr, builtins.hash,
    builtins.hex, builtins.int, builtins.isinstance, builtins.issubclass, builtins.len, builtins.list,
    builtins.map, builtins.max, builtins.min, builtins.oct, builtins.ord, builtins.pow, builtins.range,
    builtins.repr, builtins.reversed, builtins.round, builtins.set, builtins.slice, builtins.sorted,
    builtins.str, builtins.sum, builtins.tuple, builtins.type, builtins.zip, builtins.bytes,
})

PURE_MODULES = frozenset({"math", "cmath", "operator", "_operator", "itertools", "functools", "_functools"})

#: NumPy functions that are not pure: I/O, writes into an argument, global settings
NUMPY_IMPURE = frozenset({
    "save", "savez", "savez_compressed", "savetxt", "load", "loadtxt", "genfromtxt", "fromfile", "tofile",
    "memmap", "copyto", "put", "place", "putmask", "fill_diagonal", "put_along_axis", "seterr", "seterrcall",
    "set_printoptions", "setbufsize", "show_config", "show_runtime", "info",
})

#: immutable types whose methods are pure
_IMMUTABLE = (tuple, str, bytes, int, float, complex, frozenset, range, type(None), slice, np.generic, np.dtype)
#: methods of mutable containers that change them (allowed outside run-time regions only)
_MUTATING_METHODS = {
    list: {"append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse"},
    dict: {"update", "pop", "popitem", "setdefault", "clear"},
    set: {"add", "discard", "remove", "update", "pop", "clear", "difference_update", "intersection_update",
          "symmetric_difference_update"},
    np.ndarray: {"fill", "sort", "put", "itemset", "resize", "setfield", "setflags", "partition", "byteswap"},
}

_marked: dict[int, Callable] = {}


def mark_pure(fn: Callable) -> Callable:
    """Declare ``fn`` pure: compiled code then evaluates its calls on constant
    arguments while tracing.  Returns ``fn``, so it works as a decorator."""
    if not callable(fn):
        raise TypeError(f"trace_pure() takes a callable, not {type(fn).__name__}")
    _marked[id(fn)] = fn
    return fn


def callable_name(fn: Any) -> str:
    """``module.qualname`` of a callable, for messages."""
    owner = getattr(fn, "__self__", None)
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)
    module = getattr(fn, "__module__", None)
    if module is None and isinstance(owner, types.ModuleType):
        module = owner.__name__
    if module is None and owner is not None and not isinstance(owner, types.ModuleType):
        module = type(owner).__module__
    module = {"numpy": "np", "builtins": None}.get(module, module)
    return f"{module}.{name}" if module else name


def mutating_method(fn: Any) -> bool:
    """Whether ``fn`` is a method that changes the container it belongs to."""
    owner = getattr(fn, "__self__", None)
    return any(isinstance(owner, cls) and getattr(fn, "__name__", "") in names
               for cls, names in _MUTATING_METHODS.items())


def is_pure(fn: Any) -> bool:
    """Whether a call of ``fn`` may run at trace time (see the module docstring)."""
    if id(fn) in _marked and _marked[id(fn)] is fn:
        return True
    try:
        if fn in PURE_BUILTINS:
            return True
    except TypeError:  # unhashable callables
        pass
    if isinstance(fn, type):
        return issubclass(fn, (BaseException, np.generic, np.dtype, tuple, int, float, complex, str))
    owner = getattr(fn, "__self__", None)
    module = getattr(fn, "__module__", None) or (owner.__name__ if isinstance(owner, types.ModuleType) else "")
    if isinstance(owner, types.ModuleType) or owner is None:
        if module in PURE_MODULES:
            return True
        if isinstance(fn, np.ufunc):
            return True
        if module.startswith("numpy") and not module.startswith("numpy.random"):
            return getattr(fn, "__name__", "") not in NUMPY_IMPURE
        return False
    if isinstance(owner, _IMMUTABLE):
        return True
    return any(isinstance(owner, cls) for cls in _MUTATING_METHODS)
