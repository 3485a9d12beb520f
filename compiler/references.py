"""References: the addresses of the running process that compiled code uses, named.

Compiled code points into the process: at Python objects (``True``, ``float``,
a NumPy scalar type, a ``str`` constant, the callable a ``py.call`` calls), at
NumPy's C API and its random generator's state, at the data of a global array.
Code generators do not write such an address into the code as a number: they
load it from a *reference*, a global of the module holding a ``ptr``, which
:class:`References` names (``@"pyjit.ref.k.3"``) and describes.  A reference
has

* its address in this process (and the object it belongs to, kept alive by
  whoever keeps the compiled code);
* a *descriptor*: plain data (a tuple of strings and numbers) that says how
  another process finds the same thing -- ``("const", "True")``, ``("import",
  "numpy", "ndarray")``, ``("dtype", "<f8")``, ``("str", "abc")`` -- or None
  when no other process can (a closure made while tracing): the module is then
  not *relocatable*, and :attr:`References.unrelocatable` says why.

How the global is defined is decided when the module's text is finished
(:meth:`References.definitions`):

* ``constant``: an internal constant holding the address, for code JIT-compiled
  and used in this process; LLVM folds each load into the address itself, so the
  code is what it would be with the number written in;
* ``patchable``: an exported ``ptr`` initialised to null, which the loader of a
  shared object fills with the address it finds from the descriptor
  (``compiler.cache``) before any code runs.  The loads are marked
  ``!invariant.load``: LLVM may hoist them out of loops.
"""
from __future__ import annotations

import sys
from typing import Any

from ir.records import record

__all__ = ["Reference", "References", "describe", "signed", "REFERENCE_PREFIX"]

#: every reference's symbol starts so (``compiler.cache`` finds them in a shared object)
REFERENCE_PREFIX = "pyjit.ref."

@record(frozen=True)
class Reference:
    """An address of this process the compiled code loads, by symbol."""

    symbol: str
    address: int
    #: how another process finds it (plain data), or None: it cannot
    descriptor: tuple | None
    #: the object the address belongs to (kept alive with the code), if any
    obj: Any = None


def signed(address: int) -> int:
    """``address`` as LLVM's ``i64`` literal (a value of 2**63 or more is negative)."""
    return address - (1 << 64) if address >= 1 << 63 else address


class References:
    """The references of one LLVM module (the ``llvmlite.ir`` kind is
    ``compiler.codegen.references.ModuleReferences``); ``prefix`` keeps two modules that are linked
    together apart (the kernel's ``k``, the native call wrapper's ``w``)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = f"{REFERENCE_PREFIX}{prefix}."
        self._by_key: dict[tuple, Reference] = {}
        #: why the module cannot be loaded in another process (what has no descriptor)
        self.unrelocatable: list[str] = []

    def __iter__(self):
        return iter(self._by_key.values())

    def __len__(self) -> int:
        return len(self._by_key)

    def add(self, address: int, descriptor: tuple | None, obj: Any = None, what: str = "") -> str:
        """The symbol of the reference to ``address`` (one per address and descriptor);
        ``what`` says what it is when ``descriptor`` is None."""
        key = (address, descriptor)
        ref = self._by_key.get(key)
        if ref is None:
            ref = self._by_key[key] = Reference(f"{self.prefix}{len(self._by_key)}", address, descriptor, obj)
            if descriptor is None:
                self.unrelocatable.append(what or f"the object at {address:#x}")
        return ref.symbol

    def of(self, obj: Any, descriptor: tuple | None = None, what: str = "") -> str:
        """The symbol of the reference to the Python object ``obj``, described by
        ``descriptor`` or else by :func:`describe`."""
        if descriptor is None:
            descriptor = describe(obj)
        return self.add(id(obj), descriptor, obj, what or _what(obj))

    def definitions(self, patchable: bool) -> str:
        """The LLVM text defining every reference (see the module docstring)."""
        if patchable:
            return "\n".join(f'@"{ref.symbol}" = global ptr null, align 8' for ref in self)
        return "\n".join(f'@"{ref.symbol}" = internal constant ptr inttoptr (i64 {signed(ref.address)} to ptr), align 8'
                         for ref in self)



def _what(obj: Any) -> str:
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    return f"the {type(obj).__name__} {name}" if name else f"a {type(obj).__name__} object"


def describe(obj: Any) -> tuple | None:
    """How another process finds ``obj`` (see the module docstring), or None.

    ``True``, ``False``, ``None``; a class, function or other object a module
    exports under its ``__qualname__`` (``float``, ``numpy.ndarray``,
    ``runtime.memory.MemInfoOwner``): that name; one of NumPy's canonical dtype
    objects: its ``str``, or its ``char`` where two canonical objects share a ``str``
    (``int64``'s ``'l'`` and ``'q'``); a ``str``: its value (found again as the interned
    string, which is also what a code object's names are)."""
    if obj is True or obj is False or obj is None:
        return ("const", repr(obj))
    if type(obj) is str:
        return ("str", obj)
    module_name = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if isinstance(module_name, str) and isinstance(qualname, str) and "<" not in qualname:
        module = sys.modules.get(module_name)
        found: Any = module
        for part in qualname.split("."):
            found = getattr(found, part, None)
        if found is obj:
            return ("import", module_name, qualname)
    np = sys.modules.get("numpy")
    if np is not None and isinstance(obj, np.dtype):   # int64 has two canonical objects: 'l' and 'q'
        for text in (obj.str, obj.char):
            if np.dtype(text) is obj:
                return ("dtype", text)
    return None
