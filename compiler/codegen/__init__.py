"""Lowering of an IR module to LLVM IR (with ``llvmlite.ir``): :func:`lower` gives the text
and the module's error-site table, :func:`lower_module` the text alone.

``core`` holds the ABI (its docstring), the mapping of IR types to LLVM types
and the machinery: the lowering of a module and of a function's blocks, and
the registry every op family registers its lowerings in, one module per
family (as JAX registers a lowering per primitive):

* ``arith``: constants, ``select``, the binary ops, comparisons, casts, ``vector.reduce``;
* ``math``: the math functions, the float tests, the parts of complex numbers;
* ``control``: ``if``, ``for``, ``while``;
* ``calls``: ``return``, ``call``, ``raise_if``;
* ``tuples``, ``optional``, ``arrays``, ``vectors``: the tuple, optional, array and vector ops;
* ``local_lists``: the ops of lists held as native values;
* ``parallel``: ``parallel.for``, an OpenMP region over the loop's trips;
* ``lapack``: ``linalg.lapack``, a call of a routine of NumPy's LAPACK;
* ``runtime``: ``py.call``, ``local_list.box`` and the random ops (and what the entry of a
  function that draws holds).

The semantics are those of the op docstrings in ``ir.ops``; each family's
docstring lists the decisions its lowering makes.  The families import only
``core``; importing this package imports them all, which registers their lowerings.
"""
from . import (  # noqa: F401 (registers the lowerings)
    arith, arrays, calls, control, lapack, local_lists, math, optional, parallel, runtime, tuples, vectors,
)
from .core import LoweredModule, entry_symbol, function_symbol, lower, lower_module, memory_type, value_type

__all__ = ["lower", "LoweredModule", "lower_module", "value_type", "memory_type", "function_symbol", "entry_symbol"]
