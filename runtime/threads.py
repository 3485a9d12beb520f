"""The threads that parallel loops run on: the OpenMP runtime of the ``intel-openmp`` package.

Compiled code runs a parallel loop as one OpenMP parallel region, through the
runtime's GNU-compatible C entry points, which the code generator declares and
the JIT links by address (:func:`address`; ``runtime.engine`` imports them):

* ``GOMP_parallel(fn, data, num_threads, flags)`` runs ``fn(data)`` on a team of
  ``num_threads`` threads, the calling thread among them, and returns when every
  one has returned;
* ``omp_get_thread_num()`` and ``omp_get_num_threads()`` tell each member its
  place in the team (``compiler.codegen.parallel`` gives each a contiguous share of
  the trips);
* ``pyjit_num_threads``, an ``i32`` this module owns: how many threads a region
  asks for (:func:`set_num_threads`), which compiled code reads through a
  reference (``compiler.references``: the address :func:`address` gives).

Decision: the runtime is libiomp5, the LLVM OpenMP runtime as Intel ships it on
PyPI (``intel-openmp``), loaded privately (``RTLD_LOCAL``: it does not clash with
another OpenMP a library of the process loaded).  Why this one:

* it keeps a team of threads waiting between regions: a loop of two trips costs under
  1 microsecond more than on one thread when called back to back, 5-7 after the threads
  idled a few milliseconds (2 cores; bench/results/2026-12-06-parallel.md);
* a child process made by ``fork`` gets a working team (the runtime resets itself in
  the child).  GNU's libgomp, which gcc's packages install, hangs in a child whose
  parent ran a region -- and ``multiprocessing`` forks;
* it has a C interface (TBB, the other well-kept runtime on PyPI, is C++ templates),
  and it is maintained with LLVM.

The threads of the team spin for a while after a region before they sleep (the
runtime's ``KMP_BLOCKTIME``, 200 ms by default), so that the next region starts
at once; ``KMP_BLOCKTIME=0`` in the environment makes them sleep at once (a region
then costs 10-20 microseconds).  Where the package is not installed (a platform it
has no wheel for), :func:`available` is false and parallel loops run their trips
on the calling thread, one after the other; results are the same.

The thread count is the process's: :func:`set_num_threads` changes it for every
later region of every thread (Numba's is per thread).  Its default is the
``PYJIT_NUM_THREADS`` environment variable, else the number of CPUs this process
may run on.
"""
from __future__ import annotations

import ctypes
import functools
import os
from typing import Any

__all__ = ["available", "address", "set_num_threads", "get_num_threads", "SYMBOLS", "NUM_THREADS_SYMBOL"]

#: the runtime's functions compiled code calls
SYMBOLS = ("GOMP_parallel", "omp_get_thread_num", "omp_get_num_threads")
#: the ``i32`` global that holds the number of threads a region asks for
NUM_THREADS_SYMBOL = "pyjit_num_threads"
#: the most threads a region may ask for (the per-thread slots of a loop are on the caller's stack)
MAX_THREADS = 1024

_num_threads = ctypes.c_int32(0)


def _default_threads() -> int:
    text = os.environ.get("PYJIT_NUM_THREADS")
    if text is not None:
        try:
            return _checked(int(text))
        except ValueError:
            raise ValueError(f"the environment variable PYJIT_NUM_THREADS must be a whole number from 1 to "
                             f"{MAX_THREADS}, not {text!r}") from None
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:   # not on Linux
        return max(1, os.cpu_count() or 1)


def _checked(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"the number of threads must be an int, not {type(n).__name__}")
    if not 1 <= n <= MAX_THREADS:
        raise ValueError(f"the number of threads must be from 1 to {MAX_THREADS}, not {n}")
    return n


def set_num_threads(n: int) -> None:
    """Run later parallel regions (of every thread of the process) on ``n`` threads."""
    _num_threads.value = _checked(n)


def get_num_threads() -> int:
    """How many threads a parallel region runs on (1 where no runtime is available)."""
    if not _num_threads.value:
        _num_threads.value = _default_threads()
    return _num_threads.value if available() else 1


@functools.cache
def _library() -> ctypes.CDLL | None:
    path = _find()
    if path is None:
        return None
    try:
        return ctypes.CDLL(path)
    except OSError:
        return None


def _find() -> str | None:
    """The file of libiomp5: where the ``intel-openmp`` package put it (the environment's
    ``lib`` folder), else wherever the system's loader finds it."""
    from importlib import metadata

    try:
        files = metadata.files("intel-openmp") or []
    except metadata.PackageNotFoundError:
        files = []
    for file in files:
        if file.name == "libiomp5.so":
            located = str(file.locate())
            if os.path.exists(located):
                return located
    import ctypes.util

    return ctypes.util.find_library("iomp5")


def library_file() -> str | None:
    """The file the OpenMP runtime was loaded from (None: it is not available)."""
    library = _library()
    return None if library is None else library._name


def available() -> bool:
    """Whether the OpenMP runtime is loaded (else parallel loops run on the calling thread)."""
    return _library() is not None


def address(symbol: str) -> int | None:
    """The address of one of :data:`SYMBOLS` or of :data:`NUM_THREADS_SYMBOL`, or None
    (the runtime is not available)."""
    if symbol == NUM_THREADS_SYMBOL:
        get_num_threads()   # the default is set before any region reads it
        return ctypes.addressof(_num_threads)
    library = _library()
    if library is None or symbol not in SYMBOLS:
        return None
    return ctypes.cast(getattr(library, symbol), ctypes.c_void_p).value
