"""What a benchmark kernel is, and the registry of all of them.

A kernel is written once, as a plain Python function: the harness runs that
very function under CPython, compiled by this project and by ``numba.njit``.
An idiomatic NumPy version, where one exists, is a separate function taking
the same arguments.  ``make_args(size, rng)`` builds the inputs of one call;
a kernel that writes into its arguments gets fresh copies for every call
(copied outside the timed region).
"""
from __future__ import annotations

import types
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

#: the groups of kernels, in report order
#: ("array-style": whole-array NumPy code, compiled as written; "ufuncs": a scalar function
#: made a NumPy ufunc by ``vectorize``)
GROUPS = ("scalar", "1-D", "2-D", "array-style", "containers", "ufuncs")


@dataclass(frozen=True)
class Kernel:
    name: str
    group: str
    #: the plain Python function (CPython, ours and Numba all run this source)
    func: Callable
    #: ``make_args(size, rng) -> tuple``: the arguments of one call
    make_args: Callable[[int, np.random.Generator], tuple]
    #: size -> a timing of a few milliseconds or more compiled (``full``), a
    #: quicker one (``quick``), and one for the tests (``tiny``)
    sizes: dict[str, int]
    #: an idiomatic vectorized NumPy version taking the same arguments, if any
    numpy: Callable | None = None
    #: the kernel writes into its array arguments: each call gets copies
    mutates: bool = False
    #: a second, small size that shows call overhead (one such kernel per group)
    overhead_size: int | None = None
    #: relative tolerance when comparing float results (reassociating variants,
    #: like NumPy's pairwise sums, round differently)
    rtol: float = 1e-9
    notes: str = field(default="", compare=False)
    #: the scalar function ``func`` applies to every element, if it is such a loop: then the
    #: timed 'ours' and 'Numba' are this function made a ufunc (``compiler.vectorize`` and
    #: ``numba.vectorize`` of ``ufunc_signatures``), called with ``func``'s arguments
    ufunc: Callable | None = None
    ufunc_signatures: tuple[str, ...] = ()


def fresh_args(kernel: Kernel, args: tuple) -> tuple:
    """The arguments for one call: copies of the arrays when the kernel writes into them."""
    if not kernel.mutates:
        return args
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)


def agree(got: Any, want: Any, rtol: float) -> bool:
    """Results agree: same structure; ints and bools equal, floats within ``rtol``."""
    if isinstance(want, tuple):
        return isinstance(got, tuple) and len(got) == len(want) and all(
            agree(g, w, rtol) for g, w in zip(got, want))
    got, want = np.asarray(got), np.asarray(want)
    if got.shape != want.shape:
        return False
    if want.dtype.kind in "fc" or got.dtype.kind in "fc":
        return bool(np.allclose(got, want, rtol=rtol, atol=0.0, equal_nan=True))
    return bool(np.array_equal(got, want))


def numba_version(func: Callable, cache: bool = False) -> Callable:
    """``numba.njit(func)`` where the functions of ``func``'s module that it calls
    (itself included, for recursion) are jitted too: Numba needs a jitted
    function wherever compiled code calls one, where our compiler traces any
    Python function it meets.  ``cache``: Numba's ``cache=True`` (``bench.cache``)."""
    import numba

    namespace = dict(func.__globals__)
    for name, value in list(namespace.items()):
        if isinstance(value, types.FunctionType) and value.__module__ == func.__module__:
            copy = types.FunctionType(value.__code__, namespace, value.__name__, value.__defaults__,
                                      value.__closure__)
            namespace[name] = numba.njit(cache=cache)(copy)
    return namespace[func.__name__]


def ufunc_versions(kernel: Kernel, numba_available: bool) -> dict[str, Callable]:
    """``kernel.ufunc`` made a NumPy ufunc by this compiler ('ours') and by Numba ('Numba')."""
    from compiler import vectorize

    found = {"ours": vectorize(list(kernel.ufunc_signatures))(kernel.ufunc)}
    if numba_available:
        import numba

        found["Numba"] = numba.vectorize(list(kernel.ufunc_signatures))(kernel.ufunc)
    return found


def all_kernels() -> list[Kernel]:
    """Every kernel, grouped as :data:`GROUPS`."""
    from .kernels import arrays, containers, matrix, scalar, ufuncs, vector

    kernels = [*scalar.KERNELS, *vector.KERNELS, *matrix.KERNELS, *arrays.KERNELS, *containers.KERNELS,
               *ufuncs.KERNELS]
    return sorted(kernels, key=lambda k: GROUPS.index(k.group))
