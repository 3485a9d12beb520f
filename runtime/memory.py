"""Memory of arrays that compiled code allocates, and its hand-over to NumPy.

An array allocated by compiled code lives in one block from the C
library's ``aligned_alloc``: a header whose first 8 bytes are the reference
count (an ``int64``), then the data (``data = meminfo + HEADER_SIZE``); the
layout and the code that changes the count are defined in
:mod:`runtime.abi`.  The pointer to the block is the array's *meminfo*; it
is null for arrays that compiled code did not allocate (NumPy arrays lent by
the caller).

A result array reaches Python holding one reference.  An owner holds it and
gives it back when it dies, so the memory is freed exactly when the last
NumPy view of it goes away.  The native call path (``compiler.fastcall``)
makes the NumPy array itself, its ``base`` a capsule that native code makes
and releases (:func:`helpers_ir`); the Python path's
:func:`array_from_result` wraps the data *without copying* in a NumPy array
whose ``base`` is a small object exposing ``__array_interface__`` that keeps
a :class:`MemInfoOwner` alive.

Decision on the count.  Once Python owns a reference, compiled code could
only change the same count through another reference -- a second result
sharing the block (``return a, a[0]``), handed to Python as a second owner.
Two owners can die in two threads at once, and a ctypes read-modify-write
of a ``c_int64`` view is not atomic (a thread switch can fall between the
read and the write, and compiled code in another thread does not take the
GIL).  The decrement is therefore the same atomic instruction compiled code
uses (:func:`runtime.abi.emit_incref`/:func:`~runtime.abi.emit_decref`, in a
helper module, ``meminfo_incref``/``meminfo_decref``, with the capsules' maker and destructor,
JIT-compiled by the process's engine when the first owner is created -- never
from ``__del__``, which the garbage collector may run while the engine's lock
is held).  The ``c_int64`` view serves only to *read* the count
(:func:`refcount`, a snapshot for tests and debugging).
"""
from __future__ import annotations

import ctypes
import functools
import itertools
import sys
import threading
from typing import Any, Callable, Sequence

from .abi import HEADER_SIZE, emit_decref, emit_incref

__all__ = ["HEADER_SIZE", "MemInfoOwner", "array_from_result", "refcount", "incref", "decref",
           "live_owners", "helper_address", "owned_block", "data_pointer_function", "stored_array", "array_parts",
           "lending", "ARRAY_API_SLOTS", "numpy_array_api"]

_REFCOUNT_FUNCTION = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
_helpers_lock = threading.Lock()
_library: Any = None
_incref: Any = None
_decref: Any = None
_new_owner = 0
_decref_address = 0
_owner_counts: Any = None

# owners created and released (``next`` on ``itertools.count`` is atomic under the GIL)
_created = itertools.count()
_released = itertools.count()


_np: Any = None


def _numpy() -> Any:
    global _np
    if _np is None:
        import numpy

        _np = numpy
    return _np


def _load_helpers() -> None:
    """JIT-compile the helpers once (never called from ``__del__``)."""
    if _decref is not None:
        return
    with _helpers_lock:
        if _decref is None:
            from .engine import get_engine

            _take_helpers(get_engine().compile(helpers_ir(), opt_level=0, name="meminfo"), HELPERS)


def provide_helpers(library: Any) -> None:
    """Take the helpers from a library loaded from the disk cache, which carries them
    (:func:`helpers_ir` with :data:`CACHED_HELPERS`), so that a process whose code all came
    from the cache never starts LLVM for them."""
    with _helpers_lock:
        if _decref is None:
            _take_helpers(library, CACHED_HELPERS)


def _take_helpers(library: Any, names: tuple[str, str, str, str]) -> None:
    """Decision: the helpers' library is never freed (one reference to it is leaked).  The
    owner capsules' destructor is its code, and an array may die after this module's
    globals are gone, while the interpreter shuts down: freed code would crash it then."""
    global _library, _incref, _decref, _new_owner, _decref_address, _owner_counts
    _library = library
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(library))
    _incref = _REFCOUNT_FUNCTION(library.address(names[0]))
    _new_owner, _decref_address = library.address(names[2]), library.address(names[1])
    _owner_counts = (ctypes.c_int64 * 2).from_address(library.address(_counts_symbol(names)))
    _decref = _REFCOUNT_FUNCTION(_decref_address)   # set last: it says the others are


#: the names of the helpers: ``incref``, ``decref``, ``new_owner`` and its capsules' destructor
HELPERS = ("meminfo_incref", "meminfo_decref", "meminfo_owner", "meminfo_owner_release")
#: the names of the helpers in a library stored in the disk cache (``compiler.cached``)
CACHED_HELPERS = ("pyjit_meminfo_incref", "pyjit_meminfo_decref", "pyjit_meminfo_owner",
                  "pyjit_meminfo_owner_release")
#: the name of the capsules that own a block (``PyCapsule_GetPointer`` checks it)
OWNER_CAPSULE = b"pyjit.block"


def _counts_symbol(names: tuple[str, ...]) -> str:
    return f"{names[2]}_counts"


def helpers_ir(names: tuple[str, str, str, str] = HELPERS) -> str:
    """The helpers under ``names``: ``void incref(ptr)`` and ``void decref(ptr)``, the count
    changes of compiled code; ``PyObject *new_owner(ptr meminfo)``, a capsule that takes
    over one reference to the block (NULL with Python's exception set if no capsule can be
    made: the reference is then given back), and ``void release(PyObject *)``, the capsule's
    destructor, which gives it back.  The global ``<new_owner>_counts`` (``i64[2]``) counts
    the capsules made and released.

    Decision: the owner of an array result that the native call path boxes
    (``compiler.fastcall``) is such a capsule, made and released by native code alone.
    A :class:`MemInfoOwner` costs a Python ``__init__``, a ``__del__`` and a ctypes call:
    about 2 us an array, where ``np.empty(16)`` takes 0.5."""
    from llvmlite import ir as lir

    module = lir.Module(name="meminfo")
    ptr, i64 = lir.PointerType(), lir.IntType(64)
    signature = lir.FunctionType(lir.VoidType(), [ptr])
    free = lir.Function(module, signature, "free")
    incref = lir.Function(module, signature, names[0])
    b = lir.IRBuilder(incref.append_basic_block("entry"))
    emit_incref(b, incref.args[0])
    b.ret_void()
    decref = lir.Function(module, signature, names[1])
    b = lir.IRBuilder(decref.append_basic_block("entry"))
    emit_decref(b, decref.args[0], free)
    b.ret_void()

    counts = lir.GlobalVariable(module, lir.ArrayType(i64, 2), _counts_symbol(names))
    counts.initializer = lir.Constant(counts.value_type, None)
    text = bytearray(OWNER_CAPSULE + b"\0")
    name = lir.GlobalVariable(module, lir.ArrayType(lir.IntType(8), len(text)), f"{names[2]}_name")
    name.initializer, name.global_constant, name.linkage = lir.Constant(name.value_type, text), True, "internal"
    capsule_new = lir.Function(module, lir.FunctionType(ptr, [ptr, ptr, ptr]), "PyCapsule_New")
    capsule_pointer = lir.Function(module, lir.FunctionType(ptr, [ptr, ptr]), "PyCapsule_GetPointer")

    def count(b: Any, which: int) -> None:
        b.atomic_rmw("add", b.gep(counts, [i64(0), i64(which)]), i64(1), "monotonic")

    release = lir.Function(module, signature, names[3])
    b = lir.IRBuilder(release.append_basic_block("entry"))
    b.call(decref, [b.call(capsule_pointer, [release.args[0], name])])
    count(b, 1)
    b.ret_void()
    new_owner = lir.Function(module, lir.FunctionType(ptr, [ptr]), names[2])
    b = lir.IRBuilder(new_owner.append_basic_block("entry"))
    capsule = b.call(capsule_new, [new_owner.args[0], name, release])
    with b.if_else(b.icmp_unsigned("!=", capsule, ptr(None))) as (made, failed):
        with made:
            count(b, 0)
        with failed:
            b.call(decref, [new_owner.args[0]])
    b.ret(capsule)
    return str(module)


def helper_address(which: str) -> int:
    """The address of the helper ``which`` (:func:`helpers_ir`) that the native call path
    calls: ``"new_owner"`` (boxing an array result) or ``"decref"`` (giving a result's
    reference back when boxing fails)."""
    _load_helpers()
    return {"new_owner": _new_owner, "decref": _decref_address}[which]


def owned_block(owner: Any) -> int:
    """The block (meminfo) that ``owner`` holds a reference to, if it is a
    :class:`MemInfoOwner` or a capsule of :func:`helpers_ir`'s; else 0."""
    if isinstance(owner, MemInfoOwner):
        return owner.meminfo
    if type(owner).__name__ != "PyCapsule" or not _capsule_is_valid(owner, OWNER_CAPSULE):
        return 0
    return _capsule_pointer(owner, OWNER_CAPSULE) or 0


_capsule_is_valid = ctypes.pythonapi.PyCapsule_IsValid
_capsule_is_valid.argtypes, _capsule_is_valid.restype = [ctypes.py_object, ctypes.c_char_p], ctypes.c_int
_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.argtypes, _capsule_pointer.restype = [ctypes.py_object, ctypes.c_char_p], ctypes.c_void_p


def refcount(meminfo: int) -> int:
    """The current count of a live block (a snapshot: other owners may change it)."""
    return ctypes.c_int64.from_address(meminfo).value


def incref(meminfo: int) -> None:
    """Add a reference to a live block, as compiled code does."""
    _load_helpers()
    _incref(meminfo)


def decref(meminfo: int) -> None:
    """Give up a reference, as compiled code does: the last one frees the block."""
    _load_helpers()
    _decref(meminfo)


def live_owners() -> int:
    """How many owners -- :class:`MemInfoOwner` objects and the native path's capsules
    (:func:`helpers_ir`) -- hold a reference right now (for tests and leak hunting: each
    one is a block that Python keeps alive)."""
    # reading a count advances it: advance both, the difference stays exact
    python = next(_created) - next(_released)
    counts = _owner_counts
    return python + (counts[0] - counts[1] if counts is not None else 0)


class MemInfoOwner:
    """Owns one reference to the block ``meminfo`` (an address, never 0); gives it
    back, atomically, when garbage collected."""

    __slots__ = ("meminfo", "__weakref__")

    def __init__(self, meminfo: int):
        if not meminfo:
            raise ValueError("a MemInfoOwner needs a non-null meminfo")
        if _decref is None:
            _load_helpers()
        self.meminfo = meminfo
        next(_created)

    @property
    def refcount(self) -> int:
        """The block's current count (a snapshot)."""
        return refcount(self.meminfo)

    @property
    def data(self) -> int:
        """The address of the block's data."""
        return self.meminfo + HEADER_SIZE

    def __del__(self) -> None:
        meminfo = getattr(self, "meminfo", 0)
        self.meminfo = 0
        if meminfo:
            try:
                _decref(meminfo)
                next(_released)
            except TypeError:  # interpreter shutdown: module globals are gone; the OS frees
                pass

    def __repr__(self) -> str:
        return f"<MemInfoOwner 0x{self.meminfo:x}>"


_data_pointer: Callable[[Any], int] | None = None


def data_pointer_function() -> Callable[[Any], int]:
    """``a -> address of a's data``.  ``a.__array_interface__["data"][0]`` builds a
    dict (about 0.9 us); on CPython the field is read straight from the array
    object instead (``char *data`` follows the object header in NumPy's
    ``PyArrayObject``; about 0.1 us) -- checked once against the interface, with
    the interface as the fallback."""
    global _data_pointer
    if _data_pointer is None:
        np = _numpy()

        def by_interface(a: Any) -> int:
            return a.__array_interface__["data"][0]

        offset = object.__basicsize__  # the object header: refcount and type
        read = ctypes.c_size_t.from_address

        def by_field(a: Any) -> int:
            return read(id(a) + offset).value

        choice = by_interface
        if sys.implementation.name == "cpython":
            probes = [np.arange(12.0).reshape(3, 4)[1:, ::2], np.zeros(3, np.int8)[1:], np.ones((2, 2)).T]
            if all(by_field(p) == by_interface(p) for p in probes):
                choice = by_field
        _data_pointer = choice
    return _data_pointer


class _ArrayInterface:
    """What NumPy wraps: ``__array_interface__`` plus the object keeping the memory
    alive (a :class:`MemInfoOwner`)."""

    __slots__ = ("__array_interface__", "keepalive")

    def __init__(self, typestr: str, shape: tuple, strides: tuple, data: int, readonly: bool,
                 keepalive: Any):
        self.__array_interface__ = {
            "version": 3, "typestr": typestr, "shape": shape, "strides": strides,
            "data": (data, readonly),
        }
        self.keepalive = keepalive


#: slots of NumPy's C API table (numpy/_core/code_generators/numpy_api.py; stable across versions)
ARRAY_API_SLOTS = {"PyArray_Type": 2, "PyArray_DescrFromType": 45, "PyArray_NewFromDescr": 94,
                   "PyArray_SetBaseObject": 282}
_NPY_ARRAY_WRITEABLE = 0x0400


@functools.cache
def numpy_array_api() -> dict[str, int]:
    """The addresses of the NumPy C API entries that make an array over given memory
    (:data:`ARRAY_API_SLOTS` of NumPy's ``_ARRAY_API`` table)."""
    from numpy._core import _multiarray_umath

    get = ctypes.pythonapi.PyCapsule_GetPointer
    get.restype, get.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
    table = get(_multiarray_umath._ARRAY_API, None)
    return {name: ctypes.c_void_p.from_address(table + 8 * slot).value for name, slot in ARRAY_API_SLOTS.items()}


@functools.cache
def _view_makers() -> tuple[Callable, Callable, Callable]:
    api = numpy_array_api()
    descr_from_type = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_int)(api["PyArray_DescrFromType"])
    new = ctypes.PYFUNCTYPE(ctypes.py_object, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p,
                            ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)(api["PyArray_NewFromDescr"])
    set_base = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.py_object, ctypes.py_object)(api["PyArray_SetBaseObject"])
    return descr_from_type, new, set_base


def _view(dtype: Any, shape: tuple, strides: tuple, data: int, readonly: bool, base: Any) -> Any:
    """A NumPy array over ``data`` whose ``base`` is the array ``base`` holding those bytes,
    as NumPy's own views have it (NumPy makes it ``base``'s base where ``base`` is a view);
    writeable where ``base`` is, unless ``readonly``."""
    descr_from_type, new, set_base = _view_makers()
    np, ndim = _np or _numpy(), len(shape)
    dims, steps = (ctypes.c_ssize_t * ndim)(*shape), (ctypes.c_ssize_t * ndim)(*strides)
    writeable = base.flags.writeable and not readonly
    array = new(id(np.ndarray), descr_from_type(dtype.num), ndim, ctypes.addressof(dims), ctypes.addressof(steps),
                data, _NPY_ARRAY_WRITEABLE if writeable else 0, None)
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(base))   # PyArray_SetBaseObject takes it over
    if set_base(array, base) != 0:
        raise MemoryError("could not make a NumPy view of an argument's memory")
    return array


def _byte_range(data: int, shape: Sequence[int], strides: Sequence[int], itemsize: int) -> tuple[int, int]:
    """``[low, high)``: the bytes the elements of a non-empty strided array occupy."""
    low = high = data
    for n, s in zip(shape, strides):
        if s < 0:
            low += (n - 1) * s
        else:
            high += (n - 1) * s
    return low, high + itemsize


def _arrays_in(values: Sequence[Any], ndarray: type) -> list[Any]:
    found = []
    for v in values:
        if isinstance(v, ndarray):
            found.append(v)
        elif isinstance(v, tuple):
            found.extend(_arrays_in(v, ndarray))
    return found


def array_from_result(dtype: Any, shape: Sequence[int], strides: Sequence[int], data_ptr: int,
                      meminfo: "int | MemInfoOwner | None", borrowed_from: Sequence[Any] = (),
                      readonly: bool = False, view: bool = False) -> Any:
    """A NumPy array for an array result of compiled code, without copying.

    * ``meminfo`` non-null: the result owns one reference, which a new
      :class:`MemInfoOwner` takes over (or the given owner already holds);
      the array's ``base`` is an ``__array_interface__`` object holding the
      owner.
    * ``meminfo`` null: the data belongs to one of the call's argument arrays
      (``borrowed_from``, tuples searched too) -- compiled code returned an
      argument or a view of it.  If the result *is* an argument (same data,
      shape, strides and dtype), that very object is returned, as Python's
      ``return a`` would -- unless ``view`` says the function made a view
      (``return a[:]``: a new object, as NumPy's); otherwise the result is a
      view whose ``base`` is the argument whose bytes contain the result's,
      as NumPy's views have it.  A
      result with no elements that matches nothing is a new empty array.  If
      no argument contains the data the memory is not ours to keep: the result
      is **copied** (while the data is still valid, during the unpacking of
      the call).
    """
    np = _np or _numpy()
    dtype = np.dtype(dtype)
    shape, strides = tuple(shape), tuple(strides)
    if meminfo:
        owner = meminfo if isinstance(meminfo, MemInfoOwner) else MemInfoOwner(meminfo)
        return np.asarray(_ArrayInterface(dtype.str, shape, strides, data_ptr, readonly, owner))
    candidates = _arrays_in(borrowed_from, np.ndarray)
    address = _data_pointer or data_pointer_function()
    for a in candidates:
        if address(a) == data_ptr and a.shape == shape and a.strides == strides and a.dtype == dtype:
            return _view(dtype, shape, strides, data_ptr, readonly, a) if view else a
    size = 1
    for n in shape:
        size *= n
    if size == 0:
        return np.empty(shape, dtype)
    low, high = _byte_range(data_ptr, shape, strides, dtype.itemsize)
    for a in candidates:
        if a.size:
            a_low, a_high = _byte_range(address(a), a.shape, a.strides, a.itemsize)
            if a_low <= low and high <= a_high:
                return _view(dtype, shape, strides, data_ptr, readonly, a)
    return np.array(np.asarray(_ArrayInterface(dtype.str, shape, strides, data_ptr, True, None)), copy=True)


#: per thread, the calls of functions that keep arrays in containers now running: each the
#: call's arguments (the memory compiled code borrows) and the foreign arrays it read
_lending = threading.local()


class lending:
    """``with lending(args):`` around a call of compiled code that stores arrays in containers
    or reads them back (the ``keeps_arrays`` attribute of its functions): an argument's memory
    stored in a list, which compiled code only borrows, is kept alive by the argument it
    belongs to; an array of the caller's read from a list argument is kept alive until the
    call returns."""

    __slots__ = ("args", "read")

    def __init__(self, args: Sequence[Any]):
        self.args, self.read = args, []

    def __enter__(self) -> "lending":
        stack = getattr(_lending, "stack", None)
        if stack is None:
            stack = _lending.stack = []
        stack.append(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        _lending.stack.pop()


def _current_lending() -> "lending | None":
    stack = getattr(_lending, "stack", None)
    return stack[-1] if stack else None


def _lenders(frame: lending, np: Any) -> list[Any]:
    """The arrays of the call's arguments (in tuples and lists too) and those it read."""
    found, pending = [], [*frame.args, *frame.read]
    while pending:
        v = pending.pop()
        if isinstance(v, np.ndarray):
            found.append(v)
        elif isinstance(v, (tuple, list)):
            pending.extend(v)
    return found


def stored_array(parts: Sequence[int], dtype: Any, ndim: int) -> Any:
    """The NumPy array compiled code stores in a container (a list of arrays): ``parts`` is
    ``(data, *shape, *strides, meminfo)``, and the array shares that memory, keeping it alive
    -- the container holds the very memory, as CPython's list holds the very array.  Memory
    compiled code allocated: the array owns a reference of its block.  Memory it borrows (a
    null meminfo: an argument's, or an array of a list argument, or a view of one): the array
    keeps the argument array whose bytes hold it alive (the call runs in :class:`lending`);
    other borrowed memory (an array of a global) raises a ``TypeError`` saying to store a copy."""
    np = _np or _numpy()
    dtype = np.dtype(dtype)
    data, shape, strides, meminfo = parts[0], tuple(parts[1:1 + ndim]), tuple(parts[1 + ndim:1 + 2 * ndim]), parts[-1]
    if meminfo:
        incref(meminfo)
        return array_from_result(dtype, shape, strides, data, meminfo)
    frame = _current_lending()
    if 0 in shape:
        return np.empty(shape, dtype)
    low, high = _byte_range(data, shape, strides, dtype.itemsize)
    for a in _lenders(frame, np) if frame is not None else ():
        if a.size and _contains(a, low, high):
            return _view(dtype, shape, strides, data, False, a)
    raise TypeError("compiled code stores in a list arrays it made or its arguments' arrays (or views of these); "
                    "this one's memory is neither (an array of a global variable?): store a copy, "
                    "lst.append(a.copy())")


def _contains(a: Any, low: int, high: int) -> bool:
    address = _data_pointer or data_pointer_function()
    a_low, a_high = _byte_range(address(a), a.shape, a.strides, a.itemsize)
    return a_low <= low and high <= a_high


def array_parts(a: Any) -> tuple:
    """``(meminfo, data, *shape, *strides)`` of an array read from a container, for compiled
    code: an array :func:`stored_array` made over compiled code's memory with a reference of
    its block for compiled code to own; any other (an argument's, one of a list argument) with
    a null meminfo, borrowed -- kept alive until the call returns (:class:`lending`)."""
    np = _np or _numpy()
    if not isinstance(a, np.ndarray):
        raise TypeError(f"compiled code reads arrays from this list, not a {type(a).__name__}")
    address = _data_pointer or data_pointer_function()
    interface = a.base
    owner = interface.keepalive if isinstance(interface, _ArrayInterface) else None
    if isinstance(owner, MemInfoOwner):
        incref(owner.meminfo)
        return (owner.meminfo, address(a), *a.shape, *a.strides)
    frame = _current_lending()
    if frame is None:
        raise TypeError("an array read from a list outside a call that lends it (internal)")
    frame.read.append(a)
    return (0, address(a), *a.shape, *a.strides)
