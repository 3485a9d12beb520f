"""A perf map of the JIT-compiled code, for ``perf report`` and ``perf top``.

Set the environment variable ``PYJIT_PERF_MAP=1`` (any value but empty or ``0``) and every
library the engine links appends a line per function it defines to
``/tmp/perf-<pid>.map``, the file ``perf`` reads for code it finds in no ELF file
(the convention of V8, the JVM's perf-map-agent and CPython 3.12's ``-X perf``)::

    START SIZE name

``START`` and ``SIZE`` in hex without ``0x`` (``7f3a1c2e5000 151``), ``name`` the rest of the
line.  Functions compiled from Python are named ``pyjit:<module>.<qualname>(<argument
types>)`` -- ``pyjit:kernels.smooth(f64[::1], i64)`` --, their exported entry wrapper
the same with `` [entry]``, the native call wrapper with `` [fastcall]``; other code (the
bodies the parallel lowering outlines, the runtime's helpers, the object files of
``Engine.load_objects``) by its symbol after ``pyjit:``.  The names come from the caller
(``Engine.compile(..., names=...)``; ``compiler.codegen.debuginfo.symbol_names``).  Code
of the disk cache is a shared library the loader opens: perf reads its symbols from the
file, as for any library, and needs no map for it.

Addresses and sizes: the sizes are those of the object file's symbol table; the
addresses are the sections' load addresses plus the symbols' offsets in them.  The
engine's JIT (ORC with the RuntimeDyld linker, see ``runtime.engine``) loads each
section of an object as one piece, so a section's load address is that of any
exported symbol in it minus the symbol's offset; a function in a section without an
exported symbol (none so far: LLVM puts all of a module's functions, cold ones too, in
one text section) is left out.  ELF objects only (perf is Linux's); other formats give no lines.

A map is only ever appended to: a library freed later leaves its lines (a perf map has
no way to take a line back), so code at a reused address may be named by an older line.
Each library's lines are written by one ``write`` on a descriptor opened with
``O_APPEND``, under the engine's lock: the lines of libraries compiled by different
threads never interleave.  The environment variable is read at each link, so it can be set after
import; with it unset this costs one dictionary lookup per library.
"""
from __future__ import annotations

import os
import struct
from typing import Iterable, Mapping

__all__ = ["ENV", "enabled", "map_path", "function_symbols", "map_lines", "record"]

#: the environment variable that turns the map on
ENV = "PYJIT_PERF_MAP"

_STT_FUNC = 2
_SHN_UNDEF, _SHN_LORESERVE = 0, 0xFF00
_SHT_SYMTAB = 2


def enabled() -> bool:
    """Whether libraries are written to the perf map (``PYJIT_PERF_MAP`` set, not ``0``)."""
    return os.environ.get(ENV, "") not in ("", "0")


def map_path(pid: int | None = None) -> str:
    """The file perf reads for process ``pid`` (this one by default)."""
    return f"/tmp/perf-{os.getpid() if pid is None else pid}.map"


def function_symbols(image: bytes) -> list[tuple[str, int, int, int, bool]]:
    """The symbols of the relocatable ELF object ``image``: ``(name, section index,
    offset in the section, size, is a function)`` of every symbol defined in a section;
    ``[]`` if ``image`` is no 64-bit little-endian ELF object."""
    if image[:4] != b"\x7fELF" or image[4] != 2 or image[5] != 1:
        return []
    shoff, = struct.unpack_from("<Q", image, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", image, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", image, shoff + k * shentsize) for k in range(shnum)]
    found = []
    for _, kind, _, _, offset, size, link, _, _, entsize in sections:
        if kind != _SHT_SYMTAB or not entsize:
            continue
        strings = sections[link][4]
        for k in range(1, size // entsize):
            name, info, _, shndx, value, sym_size = struct.unpack_from("<IBBHQQ", image, offset + k * entsize)
            if _SHN_UNDEF < shndx < _SHN_LORESERVE and name:
                end = image.index(b"\0", strings + name)
                found.append((image[strings + name:end].decode(errors="replace"), shndx, value, sym_size,
                              info & 0xF == _STT_FUNC))
    return found


def map_lines(image: bytes, exported: Mapping[str, int], names: Mapping[str, str] | None = None) -> list[str]:
    """The perf map lines of the functions of object ``image`` once loaded, given the load
    addresses of its ``exported`` symbols; ``names``: what to call a symbol (default
    ``pyjit:<symbol>``)."""
    symbols = function_symbols(image)
    bases = {}
    for name, section, offset, _, _ in symbols:
        if name in exported and section not in bases:
            bases[section] = exported[name] - offset
    names = names or {}
    return [f"{bases[section] + offset:x} {size:x} {_clean(names.get(name) or 'pyjit:' + name)}\n"
            for name, section, offset, size, function in symbols
            if function and size and section in bases]


def record(image: bytes, exported: Mapping[str, int], names: Mapping[str, str] | None = None) -> None:
    """Append the lines of a linked object to this process's perf map (see the module
    docstring), if the map is on.  Called by the engine under its lock; never raises
    for a map it cannot write (profiling must not break compiling)."""
    if not enabled():
        return
    _append(map_lines(image, exported, names))


def _append(lines: Iterable[str]) -> None:
    text = "".join(lines).encode()
    if not text:
        return
    try:
        fd = os.open(map_path(), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    except OSError:
        return
    try:
        os.write(fd, text)
    except OSError:
        pass
    finally:
        os.close(fd)


def _clean(name: str) -> str:
    """A name on one line (perf reads a name to the end of its line)."""
    return name.replace("\n", " ").replace("\r", " ")
