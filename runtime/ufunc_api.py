"""NumPy's ufunc C API, reached from Python: a real ``numpy.ufunc`` made of native inner loops.

NumPy exports its ufunc functions as a table of addresses in the capsule
``numpy._core._multiarray_umath._UFUNC_API`` (what a C extension's
``import_umath()`` reads).  :func:`make_ufunc` calls the table's
``PyUFunc_FromFuncAndDataAndSignatureAndIdentity`` through ctypes, with the
addresses of inner loops compiled code provides
(``void loop(char **args, npy_intp const *dimensions, npy_intp const *steps,
void *data)``), and gives the ufunc object NumPy makes.

Decisions:

* **The table's indices are checked, not assumed.**  NumPy promises that an
  entry keeps its index, but a wrong index would call some other function with
  our arguments.  So before the first use, the indices of the entries used here
  (:data:`TABLE_INDEX`) are read from the installed NumPy's own header
  (``numpy/_core/include/numpy/__ufunc_api.h``, which every NumPy wheel ships) and
  compared, and entry 0 must be the address of ``numpy.ufunc`` itself; any
  difference (or no header) is a :class:`UFuncAPIError` saying what changed.
* **The ufunc keeps alive what its machine code points at.**  NumPy keeps the
  arrays given to it (loop addresses, their ``data`` pointers, the type codes)
  and the name and doc strings by pointer, never copying them.  They are held,
  with whatever the caller passes as ``keep`` (the JIT libraries of the loops and
  the objects their code refers to), by one :class:`UFuncOwner`, which becomes
  the ufunc's ``obj`` field -- the reference NumPy's ``frompyfunc`` ufuncs use
  for their Python function, released in the ufunc's deallocator -- and the
  ufunc is then tracked by the garbage collector, as ``frompyfunc`` does.  So
  everything lives exactly as long as the ufunc.  The field's offset is that of
  NumPy's ``PyUFuncObject`` (:class:`_UFuncHead`, its leading fields); it is
  checked on every ufunc made, against the arrays, counts and name just passed
  in, before anything is written to it.
* Identities are NumPy's (and Numba's) codes: ``0``, ``1``, ``None`` (no
  identity: reductions of one axis of non-empty arrays only) and
  ``"reorderable"`` (no identity, but reductions over several axes are allowed).
"""
from __future__ import annotations

import ctypes
import functools
import gc
import os
import re
from typing import Any, Sequence

__all__ = ["UFuncAPIError", "UFuncOwner", "TABLE_INDEX", "IDENTITIES", "header_indices", "check_indices",
           "api_address", "make_ufunc"]

#: the entries of ``PyUFunc_API`` used here, with the index this module was written for
TABLE_INDEX = {
    "PyUFunc_Type": 0,
    "PyUFunc_clearfperr": 27,
    "PyUFunc_FromFuncAndDataAndSignatureAndIdentity": 42,
}
#: NumPy's identity codes (``ufuncobject.h``) by the value ``identity=`` takes
IDENTITIES = {0: 0, 1: 1, None: -1, "reorderable": -2}
_HEADER = os.path.join("numpy", "__ufunc_api.h")


class UFuncAPIError(RuntimeError):
    """The installed NumPy's ufunc C API is not the one this module was written for."""


class _UFuncHead(ctypes.Structure):
    """The leading fields of NumPy's ``PyUFuncObject`` (``ufuncobject.h``), up to ``obj``."""

    _fields_ = [("ob_refcnt", ctypes.c_ssize_t), ("ob_type", ctypes.c_void_p),
                ("nin", ctypes.c_int), ("nout", ctypes.c_int), ("nargs", ctypes.c_int), ("identity", ctypes.c_int),
                ("functions", ctypes.c_void_p), ("data", ctypes.c_void_p),
                ("ntypes", ctypes.c_int), ("reserved1", ctypes.c_int),
                ("name", ctypes.c_void_p), ("types", ctypes.c_void_p), ("doc", ctypes.c_void_p),
                ("ptr", ctypes.c_void_p), ("obj", ctypes.c_void_p)]


_FROM_FUNC = ctypes.PYFUNCTYPE(
    ctypes.py_object,
    ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int,   # functions, data, types, ntypes
    ctypes.c_int, ctypes.c_int, ctypes.c_int,                            # nin, nout, identity
    ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int,                      # name, doc, unused
    ctypes.c_void_p, ctypes.c_void_p)                                    # signature, identity_value


class UFuncOwner:
    """What a ufunc made by :func:`make_ufunc` refers to: its ``obj``, alive as long as it is."""

    __slots__ = ("buffers", "keep")

    def __init__(self, buffers: tuple, keep: Any) -> None:
        #: the arrays and strings NumPy holds by pointer
        self.buffers = buffers
        #: the caller's objects (the loops' JIT libraries and what their code refers to)
        self.keep = keep


def header_indices(text: str) -> dict[str, int]:
    """The table index of every ``#define NAME ... PyUFunc_API[k]`` of ``__ufunc_api.h``."""
    found = {}
    for chunk in text.split("#define")[1:]:
        name = chunk.split(None, 1)[0]
        index = re.search(r"PyUFunc_API\[(\d+)\]", chunk)
        if index is not None:
            found[name] = int(index.group(1))
    return found


def check_indices(indices: dict[str, int], version: str) -> None:
    """:class:`UFuncAPIError` unless ``indices`` (read from NumPy ``version``'s header) has every
    entry of :data:`TABLE_INDEX` at the index this module was written for."""
    changed = {name: indices.get(name) for name, index in TABLE_INDEX.items() if indices.get(name) != index}
    if changed:
        described = ", ".join(f"{name} is at {index} (expected {TABLE_INDEX[name]})" if index is not None
                              else f"{name} is missing" for name, index in changed.items())
        raise UFuncAPIError(f"NumPy {version} changed its ufunc C API table: {described}; "
                            "runtime/ufunc_api.py must be updated for it")


@functools.cache
def _table() -> dict[str, int]:
    """The addresses of the entries of :data:`TABLE_INDEX`, checked (see the module docstring)."""
    import numpy as np
    from numpy._core import _multiarray_umath

    header = os.path.join(np.get_include(), _HEADER)
    try:
        with open(header) as f:
            indices = header_indices(f.read())
    except OSError as err:
        raise UFuncAPIError(f"cannot check NumPy {np.__version__}'s ufunc C API: its header {_HEADER} is not "
                            f"installed ({err.strerror}); reinstall NumPy from a wheel") from None
    check_indices(indices, np.__version__)
    get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
    get_pointer.restype, get_pointer.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
    table = (ctypes.c_void_p * (max(TABLE_INDEX.values()) + 1)).from_address(
        get_pointer(_multiarray_umath._UFUNC_API, None))
    if table[TABLE_INDEX["PyUFunc_Type"]] != id(np.ufunc):
        raise UFuncAPIError(f"NumPy {np.__version__}'s _UFUNC_API table does not start with numpy.ufunc")
    return {name: table[index] for name, index in TABLE_INDEX.items()}


def api_address(name: str) -> int:
    """The address of the ufunc C API function ``name`` (one of :data:`TABLE_INDEX`)."""
    return _table()[name]


def make_ufunc(loops: Sequence[int], types: Sequence[Sequence[int]], nin: int, nout: int, name: str,
               doc: str | None = None, identity: Any = None, signature: str | None = None,
               keep: Any = None) -> Any:
    """A new ``numpy.ufunc`` called ``name`` with one inner loop per entry of ``loops`` (their
    addresses; NumPy tries them in this order), ``types[i]`` the NumPy type numbers of loop
    ``i``'s ``nin + nout`` operands; ``signature`` the core-dimension layout of a
    generalized ufunc (``"(n),()->(n)"``).  ``keep`` lives as long as the ufunc."""
    if not (identity is None or type(identity) in (int, str) and identity in IDENTITIES):
        raise ValueError(f"identity must be 0, 1, None or 'reorderable', not {identity!r}")
    count = len(loops)
    functions = (ctypes.c_void_p * count)(*loops)
    data = (ctypes.c_void_p * count)()
    codes = (ctypes.c_char * (count * (nin + nout)))(*(bytes([code]) for row in types for code in row))
    texts = [ctypes.create_string_buffer(text.encode()) if text is not None else None
             for text in (name, doc, signature)]
    address = [ctypes.addressof(text) if text is not None else None for text in texts]
    owner = UFuncOwner((functions, data, codes, *texts), keep)
    new = _FROM_FUNC(_table()["PyUFunc_FromFuncAndDataAndSignatureAndIdentity"])
    ufunc = new(ctypes.addressof(functions), ctypes.addressof(data), ctypes.addressof(codes), count,
                nin, nout, IDENTITIES[identity], address[0], address[1], 0, address[2], None)
    head = _UFuncHead.from_address(id(ufunc))
    if (head.functions, head.data, head.types, head.name, head.ntypes, head.nin, head.nout, head.obj) != (
            ctypes.addressof(functions), ctypes.addressof(data), ctypes.addressof(codes), address[0], count,
            nin, nout, None):
        raise UFuncAPIError("NumPy's PyUFuncObject is not laid out as runtime/ufunc_api.py expects")
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(owner))
    head.obj = id(owner)
    if not gc.is_tracked(ufunc):
        ctypes.pythonapi.PyObject_GC_Track(ctypes.py_object(ufunc))
    return ufunc
