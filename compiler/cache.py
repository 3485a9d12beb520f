"""The disk cache: machine code kept between processes.

    @compile(cache=True)          # or PYJIT_CACHE=1 for every compiled function
    def f(a): ...

    f.cache_info()                # what the cache did for each signature, and why
    python -m compiler.cache      # list the entries; ``size``; ``clear``

A specialisation compiled with the cache on is written as a shared library
(``runtime.sharedlib``: LLVM's position-independent object linked by the
system's linker) plus a manifest (JSON), under a key; a later process with
the same key loads the library with ``dlopen`` instead of tracing, optimizing
and generating code again -- and without importing LLVM at all.

**The key** is the SHA-256 of these parts (all in the manifest, so a miss can
say which one changed):

* ``program`` -- the function's code and every value its code reads by name,
  through the functions it reaches (``compiler.fingerprint``): an edited helper
  in another module, a rebound global or closure variable, a changed default
  ... of a function it calls gives another key;
* ``arguments``, ``result`` -- the specialisation's argument key (types, which
  ones are Python scalars, static values) and declared result type;
* ``options`` -- every compile option that changes the code;
* ``compiler`` -- the size and modification time of every source file of this
  compiler (so an edited or upgraded compiler never reuses code);
* ``python``, ``numpy``, ``llvmlite`` -- their versions (LLVM's is llvmlite's);
* ``cpu`` -- the host CPU's model and feature flags (code is generated for
  the host CPU: another machine sharing the directory gets entries of its own).

**Nothing from the cache is executed as Python**: a manifest is data (JSON);
the library's pointers into the process -- Python objects, NumPy's C API and
random state -- are *references* (``compiler.references``) that this module
resolves by their descriptors (``compiler.relocate``) and writes into the
library before its code runs.  A specialisation whose code points at
something no other process can find -- a call back into Python made while
tracing (``print``, containers), a global array (read in place), a function
argument, an ``np.random.Generator`` global -- or whose program reads a value
that cannot be compared between processes (an instance of a user class) is
compiled as usual and not stored; ``cache_info`` says why.

**Robustness.**  An entry is written as temporary files and renamed into
place, the library before its manifest, which holds the library's SHA-256: a
reader sees a whole entry or none, and processes writing the same entry at
once each rename a whole file over the other's (identical content).  A
manifest that does not parse, has another format or key, or whose library is
missing, truncated or altered is ignored (and replaced by the compile that
follows); so is a library the loader refuses.  The directory is created
private to the user (mode ``0700``), and one that another user owns or others may
write to is not used (code is loaded from it).

**Where**: ``PYJIT_CACHE_DIR`` if set, else the platform's cache location
(``$XDG_CACHE_HOME/pyjit`` or ``~/.cache/pyjit``; ``~/Library/Caches/pyjit``;
``%LOCALAPPDATA%\\pyjit\\Cache``), one folder per function.  ``PYJIT_CACHE=1``
turns the cache on for functions that do not say ``cache=False``;
``PYJIT_CACHE_DEBUG=1`` prints every hit, miss (with its reason) and store on
stderr.  Shared libraries need a linker (binutils' ``ld`` or a C compiler):
without one, functions compile as usual and ``cache_info`` says so.
"""
from __future__ import annotations

import json
import os
import sys
import time
from typing import Any, Callable

from ir.records import record

from .fingerprint import sha256

__all__ = ["CacheEvent", "FunctionCache", "cache_dir", "enabled", "NotCacheable"]

#: the manifest format (a change makes every older entry a miss)
FORMAT = 2
ENV_SWITCH, ENV_DIR, ENV_DEBUG = "PYJIT_CACHE", "PYJIT_CACHE_DIR", "PYJIT_CACHE_DEBUG"
#: the compile options that do not change the code (``registry``: a compiler's own passes are
#: refused before, see :meth:`FunctionCache.key_parts`)
_NOT_KEYED = {"cache", "registry", "verify_each"}


class NotCacheable(Exception):
    """A specialisation that cannot be stored (the message says why)."""


def enabled(option: bool | None) -> bool:
    """Whether the cache is on for a function compiled with ``cache=option``."""
    if option is not None:
        return option
    return os.environ.get(ENV_SWITCH, "").lower() in ("1", "true", "yes", "on")


def cache_dir() -> str:
    """The cache's directory (see the module docstring), created private to the user;
    :class:`NotCacheable` if it belongs to another user or others may write to it."""
    chosen = os.environ.get(ENV_DIR)
    if not chosen:
        if sys.platform == "win32":
            chosen = os.path.join(os.environ.get("LOCALAPPDATA", os.path.expanduser("~")), "pyjit", "Cache")
        elif sys.platform == "darwin":
            chosen = os.path.expanduser("~/Library/Caches/pyjit")
        else:
            chosen = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "pyjit")
    os.makedirs(chosen, mode=0o700, exist_ok=True)
    if hasattr(os, "getuid"):   # code is loaded from it: nobody else may write there
        info = os.stat(chosen)
        if info.st_uid != os.getuid() or info.st_mode & 0o022:
            raise NotCacheable(f"the cache directory {chosen} belongs to another user or others may write to "
                               f"it; make it yours and private (chmod 700), or set {ENV_DIR}")
    return chosen


@record(frozen=True)
class CacheEvent:
    """What the cache did for one specialisation: ``hit``, ``miss`` (then compiled and
    ``stored``), or ``not stored``; ``detail`` says why."""

    signature: str
    outcome: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.signature}: {self.outcome}{': ' + self.detail if self.detail else ''}"


# ----------------------------------------------------------------- key parts
_environment: dict[str, Any] | None = None


def environment() -> dict[str, Any]:
    """The key parts that do not depend on the function (computed once per process)."""
    global _environment
    if _environment is None:
        import llvmlite
        import numpy

        _environment = {"format": FORMAT, "compiler": compiler_stamp(), "python": sys.version,
                        "numpy": numpy.__version__, "llvmlite": llvmlite.__version__, "cpu": cpu_id()}
    return _environment


def compiler_stamp() -> str:
    """A digest of the size and modification time of every source file of this compiler."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    h = sha256()
    for package in ("ir", "frontend", "compiler", "runtime"):
        for folder, dirs, files in os.walk(os.path.join(root, package)):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith(".py"):
                    stat = os.stat(os.path.join(folder, name))
                    h.update(f"{folder[len(root):]}/{name} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return h.hexdigest()


def cpu_id() -> str:
    """The host CPU's model and feature flags (Linux: ``/proc/cpuinfo``; elsewhere LLVM's view)."""
    try:
        with open("/proc/cpuinfo") as file:
            lines = [line for line in file.read(1 << 16).splitlines()
                     if line.startswith(("model name", "flags", "Features", "CPU part"))]
        described = "\n".join(dict.fromkeys(lines))
    except OSError:
        import llvmlite.binding as llvm

        described = f"{llvm.get_host_cpu_name()} {llvm.get_host_cpu_features().flatten()}"
    return sha256(described.encode()).hexdigest()


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


# ----------------------------------------------------------------- types in manifests
def type_data(t: Any) -> Any:
    """A manifest's form of the IR type ``t``; :class:`NotCacheable` for a type it has none of."""
    from ir.types import ArrayType, BoolType, ComplexType, FloatType, IntType, ListType, NoneType, OptionalType, \
        StrType, TupleType

    if isinstance(t, (BoolType, IntType, FloatType, ComplexType, NoneType, StrType)):
        return str(t)
    if isinstance(t, ArrayType):
        return ["array", str(t.dtype), t.ndim, t.layout, t.readonly]
    if type(t) is ListType:   # (an element of None: a list nothing was stored in)
        return ["list", None if t.element is None else type_data(t.element), t.numpy]
    if isinstance(t, TupleType):
        return ["optional" if isinstance(t, OptionalType) else "tuple", [type_data(e) for e in t.elements]]
    raise NotCacheable(f"values of type {t} are not stored in the disk cache")


def type_of(data: Any) -> Any:
    """The IR type of a manifest's form."""
    from ir import types as T

    if isinstance(data, str):
        named = {"bool": T.bool_, "none": T.none, "str": T.str_}
        if data in named:
            return named[data]
        bits = int(data[1:])
        return {"i": T.IntType(bits), "u": T.IntType(bits, False), "f": T.FloatType(bits),
                "c": T.ComplexType(bits)}[data[0]]
    kind, *rest = data
    if kind == "array":
        dtype, ndim, layout, readonly = rest
        return T.ArrayType(type_of(dtype), ndim, layout, readonly)
    if kind == "list":
        element, numpy = rest
        return T.ListType(None if element is None else type_of(element), numpy)
    elements = tuple(type_of(e) for e in rest[0])
    return T.OptionalType(elements) if kind == "optional" else T.TupleType(elements)


# ----------------------------------------------------------------- one function's entries
class FunctionCache:
    """The disk cache of one dispatcher's function: its key parts, loading and storing."""

    def __init__(self, py_func: Callable, options: Any) -> None:
        self.py_func = py_func
        self.options = options
        #: what happened, per specialisation (``Dispatcher.cache_info``)
        self.events: list[CacheEvent] = []
        self.debug = os.environ.get(ENV_DEBUG, "").lower() in ("1", "true", "yes", "on")
        name = f"{py_func.__module__}.{py_func.__qualname__}"
        #: the folder of this function's entries
        self.name = name
        self._folder = sha256(f"{name}\n{py_func.__code__.co_filename}".encode()).hexdigest()[:20]

    def folder(self) -> str:
        path = os.path.join(cache_dir(), self._folder)
        os.makedirs(path, mode=0o700, exist_ok=True)
        return path

    def record(self, signature: str, outcome: str, detail: str = "") -> None:
        event = CacheEvent(signature, outcome, detail)
        self.events.append(event)
        if self.debug:
            print(f"pyjit cache: {self.py_func.__module__}.{event}", file=sys.stderr)

    def key_parts(self, arguments: list, result: Any) -> dict[str, Any]:
        """The key's parts for a specialisation (:class:`NotCacheable` if it has none)."""
        from dataclasses import fields

        from .fingerprint import Unfingerprintable, function_fingerprint

        if self.options.registry is not None:
            raise NotCacheable("a compiler instance with passes of its own (its pipeline is not keyed)")
        cache_dir()   # usable at all
        try:
            program = function_fingerprint(self.py_func)
        except Unfingerprintable as err:
            raise NotCacheable(str(err)) from None
        options = {f.name: repr(getattr(self.options, f.name)) for f in fields(self.options)
                   if f.name not in _NOT_KEYED}
        return {**environment(), "options": options, "arguments": arguments,
                "result": None if result is None else type_data(result), "program": program}

    @staticmethod
    def digest(parts: dict[str, Any]) -> str:
        return sha256(_json(parts).encode()).hexdigest()

    # ------------------------------------------------------------- loading
    def load(self, signature: str, parts: dict[str, Any], make: Callable[[dict, Any], Any]) -> Any:
        """The specialisation stored under ``parts`` (``make(manifest, library)`` builds it
        from the manifest and the loaded library, resolving its references), or None: a
        miss, recorded with its reason."""
        from runtime import sharedlib

        digest = self.digest(parts)
        folder = self.folder()
        manifest_path = os.path.join(folder, f"{digest}.json")
        try:
            with open(manifest_path, encoding="utf-8") as file:
                manifest = json.load(file)
        except FileNotFoundError:
            self.record(signature, "miss", self._why_missed(folder, parts))
            return None
        except (OSError, ValueError) as err:
            self.record(signature, "miss", f"ignored an unreadable entry ({type(err).__name__})")
            return None
        library_path = os.path.join(folder, f"{digest}.so")
        problem = _check(manifest, parts, library_path)
        if problem:
            self.record(signature, "miss", f"ignored a damaged entry ({problem})")
            return None
        try:
            _load_dependencies(manifest.get("needs", []))
            compiled = make(manifest, lambda: sharedlib.load(library_path))
        except (OSError, LookupError, ValueError, TypeError, AttributeError) as err:   # LookupError: Key, Index
            self.record(signature, "miss", f"ignored an entry that does not load here ({type(err).__name__}: {err})")
            return None
        self.record(signature, "hit", f"loaded {digest[:12]}")
        return compiled

    def _why_missed(self, folder: str, parts: dict[str, Any]) -> str:
        """Which key parts changed since the newest entry of the same signature (if any)."""
        newest, newest_time = None, -1.0
        try:
            names = [n for n in os.listdir(folder) if n.endswith(".json")]
        except OSError:
            names = []
        for name in names:
            path = os.path.join(folder, name)
            try:
                with open(path, encoding="utf-8") as file:
                    other = json.load(file)["key"]
                if other.get("arguments") == parts["arguments"] and other.get("result") == parts["result"] \
                        and os.path.getmtime(path) > newest_time:
                    newest, newest_time = other, os.path.getmtime(path)
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                continue
        if newest is None:
            return "no entry for this signature yet"
        return "changed since the stored entry: " + "; ".join(_differences(newest, parts))

    # ------------------------------------------------------------- storing
    def store(self, parts: dict[str, Any], build: Callable[[str], None], manifest: dict[str, Any]) -> str:
        """Write an entry: ``build(path)`` writes the shared library to ``path`` (a temporary
        name), then the library and the manifest (with the key and the library's digest) are
        renamed into place, in that order.  Returns the library's final path."""
        import tempfile

        digest = self.digest(parts)
        folder = self.folder()
        library_path = os.path.join(folder, f"{digest}.so")
        fd, temporary = tempfile.mkstemp(prefix=f".{digest[:12]}.", suffix=".so", dir=folder)
        os.close(fd)
        try:
            build(temporary)
            with open(temporary, "rb") as file:
                library_digest = sha256(file.read()).hexdigest()
            os.chmod(temporary, 0o600)
            os.replace(temporary, library_path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        entry = {**manifest, "key": parts, "library_sha256": library_digest, "function": self.name,
                 "written": time.time()}
        fd, temporary = tempfile.mkstemp(prefix=f".{digest[:12]}.", suffix=".json", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(_json(entry))
        os.replace(temporary, os.path.join(folder, f"{digest}.json"))
        return library_path


def _check(manifest: Any, parts: dict[str, Any], library_path: str) -> str:
    """What is wrong with an entry ('' if nothing)."""
    if not isinstance(manifest, dict) or manifest.get("key", {}).get("format") != FORMAT:
        return "another format"
    if _json(manifest["key"]) != _json(parts):
        return "its key differs"
    try:
        with open(library_path, "rb") as file:
            content = file.read()
    except OSError:
        return "the library is missing"
    if sha256(content).hexdigest() != manifest.get("library_sha256"):
        return "the library is truncated or altered"
    return ""


def _load_dependencies(needs: list[str]) -> None:
    """Load the libraries a stored library was linked against (``runtime.sharedlib``)."""
    if "openmp" in needs:
        from runtime import threads

        if not threads.available():
            raise OSError("the OpenMP runtime is not available")
    if "blas" in needs:
        from runtime.blas import find

        if find() is None:
            raise OSError("NumPy's BLAS is not found")


def _differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    said = {"compiler": "the compiler's files", "python": "Python's version", "numpy": "NumPy's version",
            "llvmlite": "llvmlite's version", "cpu": "the CPU (model or features)", "format": "the entry format"}
    found = []
    for part in new:
        if part in ("program", "options") or old.get(part) == new[part]:
            continue
        found.append(f"{said.get(part, part)} changed")
    for part, describe in (("options", "option"), ("program", "")):
        before, now = old.get(part, {}), new[part]
        for name in sorted(set(before) | set(now)):
            if before.get(name) == now.get(name):
                continue
            if part == "options":
                found.append(f"option {name} changed: {before.get(name)} -> {now.get(name)}")
            elif name.startswith("code "):
                found.append(f"the code of {name[5:]} changed")
            else:
                found.append(f"{name} changed: {_short(before.get(name))} -> {_short(now.get(name))}")
    return found or ["the key differs"]


def _short(fingerprint: Any) -> str:
    if fingerprint is None:
        return "(not read)"
    if isinstance(fingerprint, list) and len(fingerprint) == 2 and isinstance(fingerprint[1], str):
        return fingerprint[1]
    text = _json(fingerprint)
    return text if len(text) < 60 else text[:57] + "..."


# ----------------------------------------------------------------- the command line
def entries(directory: str) -> list[dict[str, Any]]:
    """Every entry under ``directory``: its manifest's function, signature and time, its
    files and their size in bytes (unreadable manifests are listed as such)."""
    found = []
    for folder in sorted(os.listdir(directory)) if os.path.isdir(directory) else []:
        path = os.path.join(directory, folder)
        if not os.path.isdir(path):
            continue
        for name in sorted(os.listdir(path)):
            if not name.endswith(".json") or name.startswith("."):
                continue
            manifest_path = os.path.join(path, name)
            files = [manifest_path, manifest_path[:-5] + ".so"]
            size = sum(os.path.getsize(f) for f in files if os.path.exists(f))
            try:
                with open(manifest_path, encoding="utf-8") as file:
                    manifest = json.load(file)
                function, signature, written = manifest["function"], manifest["signature"], manifest["written"]
            except (OSError, ValueError, KeyError, TypeError):
                function, signature, written = "(unreadable entry)", "", os.path.getmtime(manifest_path)
            found.append({"function": function, "signature": signature, "written": written, "size": size,
                          "files": files})
    return found


def main(argv: list[str] | None = None) -> int:
    """``python -m compiler.cache [list | size | clear [NAME]] [--dir DIR]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m compiler.cache",
                                     description="List, size or clear the disk cache of compiled functions.")
    parser.add_argument("command", nargs="?", default="list", choices=("list", "size", "clear"))
    parser.add_argument("name", nargs="?", help="clear: only the entries of functions whose name contains this")
    parser.add_argument("--dir", help=f"the cache directory (default: ${ENV_DIR} or the platform's)")
    args = parser.parse_args(argv)
    directory = args.dir or cache_dir()
    found = entries(directory)
    if args.command == "list":
        print(f"{directory}: {len(found)} entries")
        for entry in found:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry["written"]))
            print(f"  {when}  {entry['size'] / 1024:8.1f} KiB  {entry['function']}: {entry['signature']}")
    elif args.command == "size":
        print(f"{directory}: {len(found)} entries, {sum(e['size'] for e in found) / 1024:.1f} KiB")
    else:
        chosen = [e for e in found if args.name is None or args.name in e["function"]]
        for entry in chosen:
            for file in entry["files"]:
                if os.path.exists(file):
                    os.unlink(file)
        print(f"{directory}: removed {len(chosen)} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
