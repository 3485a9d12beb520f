"""``@vectorize`` without signatures: a ufunc that compiles a loop for each new combination of input dtypes.

    @vectorize
    def rel_diff(x, y):
        return abs(x - y) / (abs(x) + abs(y) + 1.0)

    rel_diff(a, b)            # compiles the loop for (a.dtype, b.dtype), then calls a real ufunc
    rel_diff.ufunc            # that numpy.ufunc (rebuilt with every new loop)
    rel_diff.add("f32(f32, f32)")

A :class:`LazyUFunc` call finds the dtype of each input, compiles the kernel
for them the first time it sees them (the result's type is the type the kernel
returns), makes a new ``numpy.ufunc`` of every loop compiled so far, and calls
it with the call's arguments unchanged: broadcasting, ``out=``, ``where=``,
casting and the rest are NumPy's own.  ``reduce``, ``accumulate`` and
``reduceat`` compile the loop ``(dtype, dtype)`` of the array's dtype (or of
``dtype=``), ``outer`` and ``at`` that of their operands.

Decisions:

* **The dtype of an input** is its NumPy dtype (arrays, NumPy scalars, anything
  ``np.asarray`` reads); a Python number is NumPy 2's weak scalar (NEP 50): it
  takes the dtype NumPy's promotion gives it with the other inputs' dtypes
  (``rel_diff(float32_array, 2.0)`` compiles ``(f32, f32)``, as
  ``np.subtract(float32_array, 2.0)`` computes in float32), or its default
  dtype (int64, float64, complex128, bool) when every input is a Python number.
* **The loops are ordered so that NumPy picks the one compiled for the inputs.**
  NumPy takes the first loop its inputs can be cast to safely, so a loop goes
  before every loop its input types cast to safely: a ``(f32, f32)`` loop
  compiled after ``(f64, f64)`` still serves float32 inputs.
* The ufunc of the moment (:attr:`LazyUFunc.ufunc`) is replaced, not changed,
  when a loop is added; one already handed out keeps working with its loops.
* Compiling is serialised by a lock; a call whose dtypes have a loop takes no lock.
"""
from __future__ import annotations

import functools
import threading
from typing import Any, Callable

from ir.dtypes import from_dtype, to_dtype
from ir.types import Type

from .pipeline import CompileOptions
from .signatures import parse_signature
from .ufunc_kernels import UFuncLoop, compile_loop, ufunc_of

__all__ = ["LazyUFunc"]

_PYTHON_NUMBERS = (bool, int, float, complex)


class LazyUFunc:
    """A dispatching ufunc; see the module docstring."""

    def __init__(self, pyfunc: Callable, nin: int, identity: Any, options: CompileOptions,
                 parallel: bool = False) -> None:
        self.pyfunc = pyfunc
        self.nin = nin
        self.nout = 1
        self.identity = identity
        self.options = options
        #: the loops split big calls over threads (``target="parallel"``)
        self.parallel = parallel
        #: the loops compiled so far, in the order NumPy tries them
        self._loops: list[UFuncLoop] = []
        #: the input types of those loops
        self._compiled: set[tuple[Type, ...]] = set()
        self._ufunc: Any = None
        self._lock = threading.Lock()
        functools.update_wrapper(self, pyfunc)

    # -- the ufunc of the moment
    @property
    def ufunc(self) -> Any:
        """The ``numpy.ufunc`` of every loop compiled so far (None before the first)."""
        return self._ufunc

    @property
    def types(self) -> list[str]:
        return list(self._ufunc.types) if self._ufunc is not None else []

    @property
    def ntypes(self) -> int:
        return len(self._loops)

    @property
    def nargs(self) -> int:
        return self.nin + self.nout

    def add(self, signature: str) -> None:
        """Compile the loop of ``signature`` (``"f32(f32, f32)"``; without a result type, the
        kernel's own) now, as ``@vectorize([...])`` would."""
        sig = parse_signature(signature) if isinstance(signature, str) else signature
        if len(sig.args) != self.nin:
            raise TypeError(f"{self.__name__}() takes {self.nin} inputs; the signature {signature!r} "
                            f"has {len(sig.args)}")
        self._ufunc_for(sig.args, sig.result)

    # -- calls
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) < self.nin:
            raise TypeError(f"{self.__name__}() takes from {self.nin} to {self.nargs} positional arguments "
                            f"but {len(args)} were given")
        return self._ufunc_for(_input_types(self.__name__, args[:self.nin]))(*args, **kwargs)

    def reduce(self, array: Any, *args: Any, **kwargs: Any) -> Any:
        return self._binary_same("reduce", array, args, 1, kwargs).reduce(array, *args, **kwargs)

    def accumulate(self, array: Any, *args: Any, **kwargs: Any) -> Any:
        return self._binary_same("accumulate", array, args, 1, kwargs).accumulate(array, *args, **kwargs)

    def reduceat(self, array: Any, *args: Any, **kwargs: Any) -> Any:
        return self._binary_same("reduceat", array, args, 2, kwargs).reduceat(array, *args, **kwargs)

    def outer(self, a: Any, b: Any, **kwargs: Any) -> Any:
        return self._ufunc_for(_input_types(self.__name__, (a, b))).outer(a, b, **kwargs)

    def at(self, a: Any, indices: Any, b: Any = None) -> None:
        import numpy as np

        operands = (np.asarray(a).dtype,) if b is None else (np.asarray(a).dtype, b)
        ufunc = self._ufunc_for(_input_types(self.__name__, operands))
        ufunc.at(a, indices) if b is None else ufunc.at(a, indices, b)

    def __reduce__(self) -> tuple:
        """Pickled by reference: its kernel's module and name, with its options (``compiler.pickling``)."""
        from .pickling import reduce_lazy_ufunc

        return reduce_lazy_ufunc(self)

    def __repr__(self) -> str:
        return f"<LazyUFunc {self.__name__!r} with loops {self.types}>"

    # -- loops
    def _binary_same(self, method: str, array: Any, args: tuple, dtype_position: int, kwargs: dict) -> Any:
        """The ufunc with the loop ``(d, d)`` of a reduction's dtype ``d``: ``dtype=`` (the
        positional argument ``dtype_position`` after the array, or the keyword), else the array's."""
        import numpy as np

        if self.nin != 2:
            raise ValueError(f"{method} only supported for binary functions")
        dtype = kwargs.get("dtype", args[dtype_position] if len(args) > dtype_position else None)
        dtype = np.asarray(array).dtype if dtype is None else np.dtype(dtype)
        return self._ufunc_for(_input_types(self.__name__, (dtype, dtype)))

    def _ufunc_for(self, arg_types: tuple[Type, ...], result_type: Type | None = None) -> Any:
        """The ufunc, with a loop for ``arg_types`` compiled first if there is none."""
        if arg_types in self._compiled:
            return self._ufunc
        with self._lock:
            if arg_types not in self._compiled:
                loop = compile_loop(self.pyfunc, arg_types, result_type, self.options, parallel=self.parallel)
                self._loops.insert(_position(self._loops, arg_types), loop)
                self._ufunc = ufunc_of(self.pyfunc, self._loops, self.nin, 1, self.identity)
                self._compiled.add(arg_types)
            return self._ufunc


def _position(loops: list[UFuncLoop], arg_types: tuple[Type, ...]) -> int:
    """Where a loop of ``arg_types`` goes: before the first loop its inputs cast to safely."""
    import numpy as np

    for index, loop in enumerate(loops):
        if all(np.can_cast(to_dtype(a), to_dtype(b), "safe") for a, b in zip(arg_types, loop.arg_types)):
            return index
    return len(loops)


def _input_types(name: str, inputs: tuple) -> tuple[Type, ...]:
    """The IR types of the inputs' dtypes (see the module docstring: Python numbers are weak)."""
    import numpy as np

    strong = [value if isinstance(value, np.dtype) else np.asarray(value).dtype
              for value in inputs if not type(value) in _PYTHON_NUMBERS]
    dtypes = []
    for value in inputs:
        if isinstance(value, np.dtype):
            dtypes.append(value)
        elif type(value) in _PYTHON_NUMBERS:
            dtypes.append(np.result_type(*strong, value) if strong else np.asarray(value).dtype)
        else:
            dtypes.append(np.asarray(value).dtype)
    types = tuple(from_dtype(d) for d in dtypes)
    if None in types:
        shown = ", ".join(str(d) for d in dtypes)
        raise TypeError(f"{name}() has no loop for the input dtypes ({shown}) and cannot compile one: "
                        "a vectorize kernel is compiled for bool, integer, float and complex dtypes")
    return types
