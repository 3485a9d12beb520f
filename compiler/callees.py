"""Functions passed as arguments of compiled functions: constants of the specialisation.

    @compile
    def apply(fn, a): ...

    apply(np.sin, a); apply(lambda x: x * 2, a); apply(compiled_g, a); apply(math.sqrt, a)

A function argument is no run-time value.  The call specialises on *which*
function it is -- one specialisation per function object, as a static argument
makes one per value -- and inside the trace the argument is the function
itself, so that calling it traces it as a call of a global function is traced
(a compiled function: its ``py_func``; a builtin or NumPy function or a class: as
traced code calls it by name).  Taken: Python functions and lambdas, compiled
functions (``compile``'s dispatchers), builtins (``abs``, ``math.sqrt``), NumPy's
ufuncs (``np.sin``) and NumPy's other functions (``np.sum``), and classes used as
conversions (``int``, ``np.float32``).  A bound method, a ``functools.partial`` or
any other callable object is refused by the dispatcher's ``TypeError`` (their
state is not a function's).

Closures.  A function's closure cells are read by the trace as constants, and
a cell can be rebound after the function was made (``nonlocal``, or the
enclosing function assigning the variable again) while the function object
stays the same.  So the cells' values are part of the key
(:class:`FunctionArgument`): a cell holding another value makes another
specialisation, the value a call sees is the value its specialisation
traced.  Cell values are compared as static values are (``1``, ``1.0`` and
``True`` differ; tuples element by element): numbers, strings, bytes, None and
NumPy scalars by value; functions by identity and their own cells,
recursively; NumPy arrays, modules and classes by identity (compiled code reads
an array's elements when it runs, and a module's or class's attributes when it
is traced, as it reads a global's).  A cell holding anything else -- a list, a
dict, an object -- is refused (``TypeError`` naming the argument and the
variable): compiled code would read its contents once, when traced, and
miss later changes; pass such a value as an argument, or as a tuple.

What a function reads besides its cells -- its globals, its defaults, its code
-- is read when it is traced, as for the compiled function itself: rebinding
them later leaves the specialisations made as they were (the dispatcher's
rule for globals).

The key keeps the function, and what its cells held, alive (as static values
are kept).

Functions inside a tuple argument (``newton((f, df), x)``) are constants too
(:func:`tuple_part`): the tuple's type has ``none`` in a function's place (no
slots, no run-time value: the tuple's other elements are passed as usual), and
the tuple's weakness entry -- which says, per element, whether it is a Python
number -- holds the function's :class:`FunctionArgument` there, so the key
tells the function apart from a None element and from other functions.  The
trace sees the function itself in its place.

The native call path (:mod:`compiler.fastcall`) checks a function argument
by identity, and each watched cell (:attr:`FunctionArgument.cells`) by the
identity of the object it holds: a cell rebound since, even to an equal
value, takes the Python path, which keys it by value.
"""
from __future__ import annotations

import sys
import types
from typing import Any

from ir.types import TupleType, Type, none

__all__ = ["FUNCTION", "FunctionArgument", "function_argument", "tuple_part"]

#: the first element of a function argument's entry in a key: ``(FUNCTION, FunctionArgument)``
FUNCTION = "function"

#: a cell that holds nothing yet (a variable of the enclosing function not assigned yet)
_EMPTY = object()

_VALUE_TYPES = (bool, int, float, complex, str, bytes, type(None))


class FunctionArgument:
    """A function argument's part of a specialisation key: the function, by identity, and
    the values of its closure cells (see the module docstring)."""

    __slots__ = ("function", "state", "cells", "_hash")

    def __init__(self, function: Any, state: tuple, cells: tuple) -> None:
        self.function = function
        #: the cells' values, keyed as the module docstring says (recursively)
        self.state = state
        #: ``(cell, the object it held)`` for every cell the key depends on, nested ones too
        self.cells = cells
        self._hash = hash((id(function), state))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FunctionArgument) and other.function is self.function and other.state == self.state

    def __hash__(self) -> int:
        return self._hash

    def watched(self) -> list[tuple[int, int]]:
        """What the native path checks a call against, besides the function's identity: the
        address of each cell the key depends on and of the object it held (0: it was empty)."""
        return [(id(cell), 0 if content is _EMPTY else id(content)) for cell, content in self.cells]

    def describe(self) -> str:
        """How ``explain()`` names it: kind, name, address (two lambdas share a name) and
        its closure's values."""
        fn = self.function
        py_func = getattr(fn, "py_func", None)
        if isinstance(py_func, types.FunctionType):
            text = f"compiled function {py_func.__qualname__} at {id(fn):#x}"
        elif isinstance(fn, types.FunctionType):
            text = f"function {fn.__qualname__} at {id(fn):#x}"
        elif isinstance(fn, type):
            text = f"class {'' if fn.__module__ == 'builtins' else fn.__module__ + '.'}{fn.__qualname__}"
        else:
            module = getattr(fn, "__module__", None) or type(fn).__module__
            kind = "builtin" if isinstance(fn, types.BuiltinFunctionType) else type(fn).__name__ \
                if type(fn).__name__ == "ufunc" else "function"
            text = f"{kind} {'' if module == 'builtins' else module + '.'}{fn.__name__}"
        names = _closure_names(py_func if isinstance(py_func, types.FunctionType) else fn)
        if names:
            text += " (closure: " + ", ".join(f"{name}={_show(cell)}" for name, cell in names) + ")"
        return text

    def __repr__(self) -> str:
        return f"<FunctionArgument {self.describe()}>"


def function_argument(value: Any, where: str) -> FunctionArgument | None:
    """``value``'s key as a function argument; None if it is no function taken here.
    ``TypeError`` (its message starting with ``where``) for a closure over a value that
    cannot be part of a key."""
    if not _is_function(value):
        return None
    cells: list = []
    state = _function_state(value, where, cells, set())
    return FunctionArgument(value, state, tuple(cells))


def tuple_part(value: Any, where: str) -> tuple[Type, Any] | None:
    """The key entry ``(type, weakness)`` of a value inside a tuple argument, functions
    included (see the module docstring); None if it cannot be one.  ``where`` names the
    element in errors (``f(): argument 't' (its element [1])``)."""
    from runtime.boxing import python_scalars, typeof

    t = typeof(value)
    if t is not None:
        return t, python_scalars(value)
    if type(value) is tuple:
        parts = [tuple_part(v, f"{where} (its element [{i}])") for i, v in enumerate(value)]
        if any(part is None for part in parts):
            return None
        return TupleType(tuple(t for t, _ in parts)), tuple(w for _, w in parts)
    function = function_argument(value, where)
    return None if function is None else (none, function)


def _is_function(value: Any) -> bool:
    if isinstance(value, (types.FunctionType, type)):
        return True
    if isinstance(value, types.BuiltinFunctionType):   # a module's function, not a bound method
        return value.__self__ is None or isinstance(value.__self__, types.ModuleType)
    if isinstance(getattr(value, "py_func", None), types.FunctionType) and callable(value):
        from .dispatcher import Dispatcher

        return isinstance(value, Dispatcher)
    np = sys.modules.get("numpy")   # a NumPy function implies that NumPy is imported
    return np is not None and (isinstance(value, np.ufunc) or type(value).__name__ == "_ArrayFunctionDispatcher"
                               and type(value).__module__ == "numpy")


def _function_state(fn: Any, where: str, cells: list, seen: set[int]) -> tuple:
    """The values of the cells of ``fn`` (a compiled function's: of its ``py_func``), keyed;
    appends ``(cell, content)`` to ``cells``.  ``seen`` stops a closure that refers to itself."""
    py_func = getattr(fn, "py_func", fn)
    if id(py_func) in seen:
        return ()
    seen.add(id(py_func))
    state = []
    for name, cell in _closure_names(py_func):
        try:
            content = cell.cell_contents
        except ValueError:
            cells.append((cell, _EMPTY))
            state.append(_EMPTY)
            continue
        cells.append((cell, content))
        state.append(_value_key(content, f"{where}: the closure variable '{name}' of {py_func.__qualname__}()",
                                cells, seen))
    return tuple(state)


def _value_key(value: Any, where: str, cells: list, seen: set[int]) -> Any:
    """A closure value's part of a key (see the module docstring)."""
    if isinstance(value, _VALUE_TYPES):
        return type(value), value
    if isinstance(value, tuple):
        return tuple, tuple(_value_key(v, where, cells, seen) for v in value)
    if _is_function(value):
        return FUNCTION, _Identity(value), _function_state(value, where, cells, seen)
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, np.generic):
        return type(value), value
    if isinstance(value, types.ModuleType) or np is not None and type(value) in (np.ndarray, np.memmap):
        return _Identity(value)
    raise TypeError(f"{where} holds a {type(value).__name__}, whose contents compiled code would read once, "
                    "when it is traced; pass it to the function as an argument instead (or make it a tuple)")


class _Identity:
    """An object in a key by identity (kept alive by the key)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Identity) and other.value is self.value

    def __hash__(self) -> int:
        return id(self.value)


def _closure_names(fn: Any) -> list[tuple[str, Any]]:
    """``(variable name, cell)`` of a Python function's closure (none for other callables)."""
    closure = getattr(fn, "__closure__", None) if isinstance(fn, types.FunctionType) else None
    return list(zip(fn.__code__.co_freevars, closure)) if closure else []


def _show(cell: Any) -> str:
    try:
        content = cell.cell_contents
    except ValueError:
        return "<empty>"
    if _is_function(content):
        return getattr(content, "__qualname__", repr(content))
    text = repr(content)
    return text if len(text) <= 40 else text[:37] + "..."
