"""Finding a reference's target again in this process, from its descriptor.

A specialisation loaded from the disk cache (``compiler.cache``) points into
this process through references (``compiler.references``), each stored as a
descriptor.  :func:`resolve` gives the address (and the object, which the
loaded code keeps alive) for one:

* ``("const", "True")`` -- ``True``, ``False``, ``None``;
* ``("str", text)`` -- the interned string of that value (what a code
  object's parameter names are, which the native call wrapper compares keyword
  names with by identity);
* ``("import", module, qualname)`` -- the object the module exports so;
* ``("dtype", str)`` -- NumPy's canonical dtype object; ``("tp_alloc", str)`` --
  the allocator of that dtype's scalar type; ``("numpy_api", name)`` -- an entry
  of NumPy's C API table;
* ``("nprandom", field)``, ``("distribution", name)`` -- NumPy's global random
  generator's state and distribution functions (``runtime.nprandom``);
* ``("threads", "num_threads")`` -- the thread count parallel loops read;
* ``("memory", which)`` -- a helper of the runtime's that the native call path
  calls (``runtime.memory.helper_address``);
* ``("entry", what, ...)`` -- a part of the specialisation itself: its
  ``raiser`` and ``boxer`` (made for the loaded code), its Python ``function``,
  that function's ``defaults``, ``kwdefaults`` (and their ``kwdefaults_version``),
  and one parameter's ``default`` -- taken from the function as it is now;
  the native call wrapper checks at each call that they are still those.

An unknown descriptor, or one that cannot be found (a module that no longer
exports the name), raises :class:`RelocationError`: the entry is then not
used.
"""
from __future__ import annotations

import ctypes
import importlib
import sys
from typing import Any, Callable

__all__ = ["RelocationError", "resolve"]


class RelocationError(LookupError):
    """A reference cannot be found in this process."""


def resolve(descriptor: list | tuple, entry: dict[str, Callable[[], Any]]) -> tuple[int, Any]:
    """(address, object or None) of ``descriptor``; ``entry[what]()`` gives the parts of the
    specialisation (``("entry", what, *args)``: called with ``args``)."""
    kind, *args = descriptor
    try:
        if kind == "const":
            obj = {"True": True, "False": False, "None": None}[args[0]]
        elif kind == "str":
            obj = sys.intern(args[0])
        elif kind == "import":
            obj = importlib.import_module(args[0])
            for part in args[1].split("."):
                obj = getattr(obj, part)
        elif kind == "dtype":
            import numpy as np

            obj = np.dtype(args[0])
        elif kind == "entry":
            obj = entry[args[0]](*args[1:])
            if args[0] == "kwdefaults_version":
                return obj, None
        else:
            return _address(kind, args), None
    except (KeyError, AttributeError, ImportError, IndexError, TypeError, ValueError) as err:
        raise RelocationError(f"cannot find {descriptor!r} in this process ({type(err).__name__}: {err})") from None
    return id(obj), obj


def _address(kind: str, args: list) -> int:
    if kind == "tp_alloc":
        import numpy as np

        from .fastcall import _tp_alloc

        return _tp_alloc(np.dtype(args[0]).type)
    if kind == "numpy_api":
        from runtime.memory import numpy_array_api

        return numpy_array_api()[args[0]]
    if kind == "nprandom":
        from runtime.nprandom import legacy_layout, legacy_lock

        if args[0].startswith("lock."):
            acquire, release = legacy_lock()
            return id(acquire if args[0] == "lock.acquire" else release)
        return getattr(legacy_layout(), args[0])
    if kind == "distribution":
        from runtime.nprandom import distribution_address

        return distribution_address(args[0])
    if kind == "memory":
        from runtime.memory import helper_address

        return helper_address(args[0])
    if kind == "threads":
        from runtime import threads

        address = threads.address(threads.NUM_THREADS_SYMBOL)
        if address is None:
            raise KeyError("the thread count")
        return address
    raise KeyError(f"unknown reference kind {kind!r}")


def write_pointer(address: int, value: int) -> None:
    """Store ``value`` into the pointer-sized global at ``address``."""
    ctypes.c_void_p.from_address(address).value = value
