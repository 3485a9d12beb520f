"""Classes whose instances CPython calls through a native function pointer (PEP 590).

A call ``f(x)`` of an instance of an ordinary Python class costs an argument
tuple, a lookup of ``__call__`` on the class and a second call through
``tp_call`` -- about 25 ns before anything of ours runs.  CPython's
*vectorcall* protocol skips all of that for a type that says where, in each
instance, a ``vectorcallfunc`` pointer lives: the interpreter reads the
pointer and calls it with the argument array as it stands.

:func:`vectorcall_subclass` makes such a subclass of a Python class with the
public C API: ``PyType_FromSpecWithBases`` with eight more bytes per
instance and the ``__vectorcalloffset__`` member at them, and the
``Py_TPFLAGS_HAVE_VECTORCALL`` flag.  Everything else -- the instance
``__dict__``, weak references, garbage collection, ``__call__`` -- is the
base's.  :func:`set_vectorcall` stores a function's address in an instance;
the function must have vectorcall's signature,
``PyObject *f(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames)``,
and take the argument count as ``nargsf & ~PY_VECTORCALL_ARGUMENTS_OFFSET``.
While the pointer is NULL (as in a new instance) calls take ``tp_call``, that
is the class's ``__call__``, as they would without this.

If the API is not there or refuses (another Python implementation), the
subclass is an ordinary one and :func:`set_vectorcall` does nothing: calls
then simply stay on ``__call__``.
"""
from __future__ import annotations

import ctypes
from typing import Any

__all__ = ["vectorcall_subclass", "set_vectorcall", "NARGS_MASK"]

#: ``nargsf & NARGS_MASK`` is the argument count (clears ``PY_VECTORCALL_ARGUMENTS_OFFSET``)
NARGS_MASK = (1 << 63) - 1

_T_PYSSIZET = 19
_READONLY = 1
_PY_TP_MEMBERS = 72
_PY_TPFLAGS_BASETYPE = 1 << 10
_PY_TPFLAGS_HAVE_VECTORCALL = 1 << 11


class _MemberDef(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("type", ctypes.c_int), ("offset", ctypes.c_ssize_t),
                ("flags", ctypes.c_int), ("doc", ctypes.c_char_p)]


class _TypeSlot(ctypes.Structure):
    _fields_ = [("slot", ctypes.c_int), ("pfunc", ctypes.c_void_p)]


class _TypeSpec(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("basicsize", ctypes.c_int), ("itemsize", ctypes.c_int),
                ("flags", ctypes.c_uint), ("slots", ctypes.POINTER(_TypeSlot))]


def _from_spec():
    try:
        function = ctypes.pythonapi.PyType_FromSpecWithBases
    except AttributeError:
        return None
    function.restype = ctypes.py_object
    function.argtypes = [ctypes.c_void_p, ctypes.py_object]
    return function


_FROM_SPEC = _from_spec()


def vectorcall_subclass(base: type, attributes: dict[str, Any]) -> type:
    """A subclass of ``base`` with ``attributes`` set on it, whose instances hold a
    vectorcall pointer (see the module docstring)."""
    cls = None
    if _FROM_SPEC is not None:
        offset = base.__basicsize__
        members = (_MemberDef * 2)(_MemberDef(b"__vectorcalloffset__", _T_PYSSIZET, offset, _READONLY, None),
                                   _MemberDef())
        slots = (_TypeSlot * 2)(_TypeSlot(_PY_TP_MEMBERS, ctypes.cast(members, ctypes.c_void_p)), _TypeSlot(0, None))
        # the name, members and slots are copied into the new type; garbage collection,
        # the instance dict and weak references are inherited from the base
        spec = _TypeSpec(f"{base.__module__}.{base.__name__}".encode(), offset + 8, 0,
                         _PY_TPFLAGS_BASETYPE | _PY_TPFLAGS_HAVE_VECTORCALL, slots)
        try:
            cls = _FROM_SPEC(ctypes.addressof(spec), (base,))
        except (TypeError, SystemError, ValueError):
            cls = None
        if cls is not None:
            cls._vectorcall_offset = offset
    if cls is None:
        cls = type(base.__name__, (base,), {"__slots__": ()})
    for name, value in attributes.items():
        setattr(cls, name, value)
    return cls


def set_vectorcall(instance: Any, address: int) -> None:
    """Make ``address`` (0: none) the function CPython calls ``instance`` with."""
    offset = type(instance).__dict__.get("_vectorcall_offset")   # the instance's own class made it
    if offset is not None:
        ctypes.c_void_p.from_address(id(instance) + offset).value = address or None
