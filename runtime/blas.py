"""NumPy's own BLAS and LAPACK, found in the running process, for the matrix products and
the linear algebra (``np.linalg``) compiled code computes.

Decision: compiled code calls the BLAS NumPy was built with, never a library of
its own: a product is computed by the routines NumPy itself calls, and no native
dependency is added.  NumPy's wheels ship scipy-openblas, whose CBLAS functions
are named ``scipy_cblas_dgemm64_`` (a ``scipy_`` prefix, a ``64_`` suffix: 64-bit
integer arguments) and live in a library beside NumPy (``numpy.libs`` on Linux and
Windows, ``numpy/.dylibs`` on macOS) that NumPy loads privately, so its symbols are
not in the process's global namespace: :func:`find` opens that file (or, on
Linux, any mapped library with ``blas`` in its name) and asks it for the symbol.
The plain ``cblas_dgemm`` of a BLAS loaded globally (a NumPy linked to a system
BLAS) is used too, with 32-bit integers.  Where no BLAS is found, the products
are compiled as loops (``compiler.passes.lower_arrays``).

The JIT links compiled code to these functions by address
(:meth:`Blas.address`; ``runtime.engine`` imports each symbol a module declares).
"""
from __future__ import annotations

import ctypes
import functools
import glob
import os
import sys

from ir.records import record

__all__ = ["Blas", "find", "ROUTINES"]

#: the CBLAS routines compiled code calls (``gemm`` of each of NumPy's BLAS dtypes)
ROUTINES = ("sgemm", "dgemm", "cgemm", "zgemm")


@record(frozen=True)
class Blas:
    """A CBLAS found in the process: how its functions are named and their integer width."""

    library: ctypes.CDLL
    prefix: str
    suffix: str
    int_bits: int

    def symbol(self, routine: str) -> str:
        """The exported name of ``cblas_<routine>`` (``scipy_cblas_dgemm64_``)."""
        return f"{self.prefix}cblas_{routine}{self.suffix}"

    def lapacke(self, routine: str) -> str:
        """The exported name of ``LAPACKE_<routine>`` (``scipy_LAPACKE_dgesv64_``); LAPACKE's
        integers are as wide as CBLAS's."""
        return f"{self.prefix}LAPACKE_{routine}{self.suffix}"

    def fortran(self, routine: str) -> str:
        """The exported name of the Fortran LAPACK routine ``routine`` (``scipy_dgetrf_64_``,
        ``dgetrf_``): the interface NumPy's ``umath_linalg`` calls; its integers are as wide
        as CBLAS's."""
        return f"{self.prefix}{routine}_{self.suffix}"

    def address(self, symbol: str) -> int | None:
        """The address of ``symbol`` in the library, or None."""
        try:
            return ctypes.cast(getattr(self.library, symbol), ctypes.c_void_p).value
        except AttributeError:
            return None


#: the namings NumPy's BLAS builds use: (prefix, suffix, integer bits)
_NAMINGS = (("scipy_", "64_", 64), ("scipy_", "", 32), ("", "64_", 64), ("", "", 32))


@functools.lru_cache(maxsize=None)
def find() -> Blas | None:
    """NumPy's BLAS, or None when the process has none that compiled code can call."""
    for library in _candidates():
        for prefix, suffix, bits in _NAMINGS:
            blas = Blas(library, prefix, suffix, bits)
            if all(blas.address(blas.symbol(r)) is not None for r in ROUTINES):
                return blas
    return None


def _candidates():
    """The libraries that may hold NumPy's BLAS: the files beside NumPy, those mapped into
    the process with ``blas`` in their name (Linux), and the process's global namespace."""
    import numpy

    root = os.path.dirname(numpy.__file__)
    patterns = [os.path.join(root, os.pardir, "numpy.libs", "*blas*"), os.path.join(root, ".dylibs", "*blas*")]
    paths = [path for pattern in patterns for path in sorted(glob.glob(pattern))]
    if sys.platform.startswith("linux"):
        try:
            with open("/proc/self/maps") as maps:
                paths += sorted({line.split(None, 5)[5].strip() for line in maps
                                 if line.count(" ") >= 5 and "blas" in line.rsplit("/", 1)[-1]})
        except OSError:
            pass
    for path in dict.fromkeys(paths):
        try:
            yield ctypes.CDLL(path)
        except OSError:
            continue
    yield ctypes.CDLL(None)
