"""Compiled code as a shared library: linked by the system's linker, loaded with ``dlopen``.

The disk cache (``compiler.cache``) keeps a specialisation's machine code as a
shared library, so that a later process loads it without LLVM (importing
llvmlite alone takes about 40 ms): :func:`link` turns the object file LLVM
emitted (position-independent code) into a library with ``ld -shared`` (or
``cc -shared``), and :func:`load` opens one with ``dlopen`` (``RTLD_NOW |
RTLD_LOCAL``: every symbol is resolved at once, and nothing it defines is
seen by other libraries).

What the code needs from the process is resolved by the dynamic loader: the
CPython C API and the C library from the process itself, the libraries the
code imports privately (NumPy's BLAS, the OpenMP runtime) by the names they
were linked against -- :func:`load` is given their files and loads them
first, and the loader then finds them loaded.  Addresses of objects (Python
objects, NumPy's state) are references, globals the caller fills after
loading (``compiler.references``).

Platforms: ELF systems with binutils' ``ld`` or a C compiler driver on the
path (Linux, the BSDs); elsewhere :func:`link` raises :class:`LinkError`
and the cache is off for that process (``compiler.cache`` says so).
"""
from __future__ import annotations

import ctypes
import os
import sys
from typing import Sequence

__all__ = ["LinkError", "SharedLibrary", "link", "load", "linker"]


class LinkError(RuntimeError):
    """The system's linker is missing or failed (the message says which, and what it printed)."""


def linker() -> list[str] | None:
    """The command that links a shared library (``PYJIT_LINKER`` if set), or None."""
    chosen = os.environ.get("PYJIT_LINKER")
    if chosen:
        return chosen.split()
    if sys.platform in ("win32", "darwin"):
        return None
    import shutil

    for name in ("ld", "cc", "gcc", "clang"):
        found = shutil.which(name)
        if found:
            return [found] if name == "ld" else [found, "-nostdlib"]
    return None


def link(image: bytes, path: str, needed: Sequence[str] = (), members: Sequence[tuple[str, str]] = ()) -> None:
    """Write the object file ``image`` to ``path`` as a shared library that depends on the
    library files ``needed`` and holds the functions ``members`` names, (symbol, static
    archive) each, copied from their archives (exported under their names)."""
    import subprocess

    command = linker()
    if command is None:
        raise LinkError("no linker found to make a shared library (install binutils' ld or a C compiler, "
                        "or set PYJIT_LINKER)")
    obj = f"{path}.o"
    with open(obj, "wb") as file:
        file.write(image)
    try:
        pulled = [arg for symbol, _ in members for arg in ("-u", symbol)] + list(dict.fromkeys(a for _, a in members))
        done = subprocess.run([*command, "-shared", "-z", "noexecstack", "-o", path, obj, *needed, *pulled],
                              capture_output=True, text=True)
    except OSError as err:
        raise LinkError(f"the linker {command[0]} could not run: {err}") from None
    finally:
        os.unlink(obj)
    if done.returncode:
        raise LinkError(f"the linker {command[0]} failed: {done.stderr.strip()[:500]}")


class SharedLibrary:
    """A loaded shared library of compiled code (never unloaded: its code may be running)."""

    def __init__(self, path: str, handle: ctypes.CDLL):
        self.path = path
        self.name = os.path.basename(path)
        self._handle = handle
        #: the optimized LLVM IR is not kept with a library loaded from disk
        self.llvm_ir = ""

    def address(self, symbol: str) -> int:
        """The address of an exported function or global; ``KeyError`` if there is none."""
        try:
            return ctypes.cast(self._handle[symbol], ctypes.c_void_p).value
        except AttributeError:
            raise KeyError(f"{self.name} has no exported symbol {symbol!r}") from None

    def __repr__(self) -> str:
        return f"<SharedLibrary {self.name}>"


def load(path: str) -> SharedLibrary:
    """Open the shared library at ``path`` (``OSError`` if the loader refuses it: a file that
    is no library, or a dependency it cannot find)."""
    return SharedLibrary(path, ctypes.CDLL(path, mode=os.RTLD_NOW | os.RTLD_LOCAL))
