"""The Python objects compiled code calls at run time (the targets of ``py.call``) or reads.

The frontend registers a *target* for each ``py.call`` it traces (the code
generator finds it by key, ``compiler.codegen.runtime``): a Python
callable taking the boxed operands (see ``compiler.codegen.runtime``) and
returning the op's result as exactly the Python type its IR type stands for.
Targets are kept for the life of the process (compiled code holds their
address), under a key that names them: ``"print#3"``; so are the objects
compiled code reads in place (a ``np.random.Generator`` of a global variable).

:func:`array_view` is how a target turns an array operand, passed as
``(data, *shape, *strides, meminfo)``, back into a NumPy array: a view of the compiled
code's memory, valid during the call only.  :func:`stored_array` is how it turns one
into an array a container keeps (owning a reference of the memory), and
:func:`array_parts` how compiled code reads such an array back: functions of the
runtime's memory management, which the compiler installs
(:func:`install_array_memory`; the frontend does not import the runtime).
"""
from __future__ import annotations

import ctypes
import itertools
import threading
from typing import Callable

import numpy as np

__all__ = ["register", "target", "array_view", "string_constant", "install_array_memory",
           "stored_array", "array_parts"]

_lock = threading.Lock()
_targets: dict[str, Callable] = {}
_counter = itertools.count(1)


def register(name: str, target: Callable) -> str:
    """Keep ``target`` for the life of the process; its key (``name#N``)."""
    with _lock:
        key = f"{name}#{next(_counter)}"
        _targets[key] = target
    return key


def target(key: str) -> Callable:
    try:
        return _targets[key]
    except KeyError:
        raise LookupError(f"no run-time call target {key!r} in this process: a py.call's target is registered "
                          "when its function is traced, so IR text with one compiles only in that process") from None


_strings: dict[str, str] = {}


def string_constant(value: str) -> str:
    """The one ``str`` object equal to ``value`` kept for the life of the process, which the
    code of ``str.const`` ops points to."""
    with _lock:
        return _strings.setdefault(value, value)


def array_view(parts: tuple, dtype: np.dtype, ndim: int, writable: bool = False) -> np.ndarray:
    """A NumPy view of an array of compiled code, read-only unless ``writable``: ``parts`` is
    ``(data, *shape, *strides, meminfo)`` with byte strides."""
    data, shape, strides = parts[0], parts[1:1 + ndim], parts[1 + ndim:1 + 2 * ndim]
    if not all(shape):
        return np.empty(shape, dtype)
    low = sum((n - 1) * s for n, s in zip(shape, strides) if s < 0)       # the lowest byte, from data
    high = sum((n - 1) * s for n, s in zip(shape, strides) if s > 0) + dtype.itemsize
    memory = np.frombuffer((ctypes.c_char * (high - low)).from_address(data + low), np.uint8)
    view = np.ndarray(shape, dtype, buffer=memory, offset=-low, strides=strides)
    view.flags.writeable = writable
    return view


_array_memory: dict[str, Callable] = {}


def install_array_memory(stored: Callable, parts: Callable) -> None:
    """The runtime's ``stored_array`` and ``array_parts`` (``runtime.memory``), which the
    targets below call."""
    _array_memory.update(stored=stored, parts=parts)


def stored_array(parts: tuple, dtype: np.dtype, ndim: int) -> np.ndarray:
    """An array operand as a container stores it: sharing the memory, owning a reference."""
    return _array_memory["stored"](parts, dtype, ndim)


def array_parts(a: np.ndarray) -> tuple:
    """``(meminfo, data, *shape, *strides)`` of an array :func:`stored_array` made, a reference
    of its memory for compiled code to own (the ``py.call`` result of an array type)."""
    return _array_memory["parts"](a)
