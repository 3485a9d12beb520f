"""The native call path: a CPython builtin that unboxes the arguments and calls compiled code.

Calling a specialisation through ctypes (``CompiledFunction.__call__``)
costs microseconds: packing a ctypes structure, the foreign call, reading
the result back.  For one *argument key* -- the dispatcher's ``(type, is a
Python scalar)`` per argument -- and the specialisation the dispatcher runs
for it, :func:`native_call` generates a small LLVM module with one function
in CPython's ``METH_FASTCALL | METH_KEYWORDS`` convention::

    PyObject *fast(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)

and turns it into a builtin function object with ``PyCFunction_NewEx`` and
a ``PyMethodDef`` built with ctypes.  It is also a ``vectorcallfunc`` (the
same signature; ``self`` is not used and ``nargs`` is masked, as vectorcall's
``nargsf`` may carry a flag bit), so the dispatcher's class calls it directly
(:mod:`compiler.vectorcall`).  The function

1. binds the call as CPython would (see "Binding" below: a call of exactly
   the parameters, positionally and without keywords, is taken as it is),
   then checks, without touching anything, that the bound arguments are
   exactly of the key: per argument the exact type -- ``True``/``False`` by identity for a ``bool``,
   ``type(x) is int`` for an ``int`` (so a bool never passes for an int, nor
   an ``int`` subclass, whose key differs), ``float``, ``complex``; for an
   array ``np.ndarray`` or ``np.memmap`` (which ``typeof`` treats alike), a
   dtype object that is one of NumPy's canonical native ones for the element
   type, the number of dimensions, and the flags that decide the key's
   layout and ``readonly`` (``typeof``'s rules: ``C`` if C-contiguous, else
   ``F`` if Fortran-contiguous, else ``A``; writeable unless read-only;
   aligned always) -- and that an ``int`` fits in 64 bits; ``None`` by identity;
   for a tuple exactly ``tuple``, its length, and each element as an argument
   of the element's type; for a function argument or a function in a tuple
   (:mod:`compiler.callees`) the very function object, and each closure cell
   its key depends on still holding the object it held (a cell rebound since
   takes the Python path, which keys its new value);
2. on any mismatch returns ``PyObject_Vectorcall(fallback, args, nargs,
   kwnames)``: the next builtin of the dispatcher's chain or its Python slow
   path, which binds, raises the usual ``TypeError``/``OverflowError``,
   compiles new signatures, and so on.  Nothing has run at that point, so
   the fallback sees the call as it was made;
3. fills the 8-byte slot array (a tuple's elements in their slots; a function
   argument, a constant of the specialisation, has none) at the field offsets of
   :class:`runtime.boxing.ArgPacker`'s structure (an ``alloca``) and calls
   the exported entry at its address (``errargs`` is only read after an
   error, whose site wrote the slots its message uses);
4. on a non-zero status calls the raiser of :func:`_raiser` (which raises
   with the specialisation's error-site table,
   :meth:`runtime.errors.ErrorSites.raise_error`) and returns its NULL;
5. returns a ``str`` result as it is (compiled code hands over a new reference); boxes a
   ``bool``, ``i64``, ``f64``, ``c128`` or ``none`` result itself
   (a new reference to ``True``, ``False`` or ``None``, ``PyLong_FromLongLong``,
   ``PyFloat_FromDouble``, ``PyComplex_FromDoubles``), and a NumPy scalar
   (``np.float32``, ``np.int8``, ...) as NumPy's ``PyArrayScalar_New`` does: the
   scalar type's ``tp_alloc``, then the value stored after the object header
   (the layout checked once per type on real scalars); an array result with a
   block of its own (a non-null meminfo) through NumPy's C API, as NumPy's own
   functions make arrays: an owner of the block (a capsule, made natively:
   ``runtime.memory.helpers_ir``),
   ``PyArray_NewFromDescr`` over the result's data, shape and strides, and
   ``PyArray_SetBaseObject`` to the owner; an array result without a block (a
   view of an argument, ``return a[1:]``) the same way, its base the first
   argument array whose bytes hold the view's (NumPy then makes it that
   argument's own base where it is a view, as for NumPy's views), writeable
   where the argument is; a flat tuple of such numbers and arrays, and of
   arguments returned as they are, as ``PyTuple_New`` of its elements, each
   boxed so.  It hands any other result (a view no argument holds -- of an
   array in a list argument, or with no elements --, nested tuples, optional
   values) to a Python boxer, ``box(ret_address, *args)``, which runs the
   specialisation's ``ResultUnpacker`` -- with the arguments, so that an
   array result that is a view of an argument keeps that argument alive.
   An array result that *is* an argument (``return out``) is that argument
   object, found natively without the boxer.

Binding.  ``f(x)`` with defaults to fill, ``f(x, k=3)`` and keyword-only
parameters are bound by the native code itself (:class:`Binding`, made from
the function's code object: what CPython binds with), into an array of the
parameters (an ``alloca``) that the checks then read in place of ``args``:
the positional arguments first (no more than the code's ``co_argcount``),
then each keyword name -- compared *by identity* with the parameter names of
the code object, which CPython interns as it interns the keyword names a
call site passes -- into a parameter that may be named (not positional-only)
and is not given yet, then each parameter left out from its default, and a
required one left out goes to the fallback.  Costs: a keyword or a default
adds 1-8 ns to a call of ~35 ns.  Anything else -- an unknown or equal-but-not-identical keyword
name (``f(**{"".join(...): v})``), an argument given twice, too many or too
few, a default rebound since -- goes to the fallback with the call as it was
made: the Python path binds it with ``inspect`` and raises CPython's own
``TypeError``.

Decision on defaults: they are constants of the native path, the objects
``__defaults__`` and ``__kwdefaults__`` held when it was made (kept alive by
it, so that no refcount is needed even while the GIL is released), checked
by identity at each call that fills one: ``__defaults__`` is a tuple, which
cannot change, so the function must still hold that very tuple (a
``PyFunction_GetDefaults`` call); ``__kwdefaults__`` is a dict, which can
change in place, so it must be that very dict with the version tag it had
(CPython bumps a dict's ``ma_version_tag`` on every change; read at offset
24, checked by :func:`_dict_version_ok`, else keyword-only defaults are never
filled natively).  A filled default is then checked against the key like
any argument, so a default whose type is not the key's (or an array default
whose flags changed) takes the fallback.  Why not read the defaults at each
call: the value read would need a reference held across the call (another
thread may rebind ``__defaults__`` while the GIL is released), and a lookup
in a dict may run a key's ``__eq__``; the identity check is two loads and
runs nothing.  A rebound default thus costs the Python path, which binds the
defaults of the moment (:meth:`compiler.dispatcher.Dispatcher._bind`).
Static arguments are not concerned: a function with static arguments has no
native path.  A function argument given by default is checked by identity as
any function argument is.

The fallback is a pointer the module exports (``@pyjit_fallback``), so that the
dispatcher can relink its chain (:meth:`NativeCall.set_fallback`) without
compiling again.  The native code holds the GIL from the load of the
pointer to the call, so a relink (done under the GIL) cannot fall between.

The GIL.  The ctypes path releases it around every call; releasing and
taking it back costs about 25 ns, as much as the rest of a native call.
So the native path keeps it for calls whose array arguments have fewer
than :data:`RELEASE_GIL_ELEMENTS` elements in all (scalar-only calls
included), and releases it around the entry call otherwise: threads
working on big arrays still run in parallel, short calls are not slowed
down, and other threads wait for a short call as they would for any
builtin.  A long scalar-only call holds the GIL (as Numba does by default).

The wrapper is made with the function: the dispatcher asks :func:`prebuilt_wrapper` for
its text when it compiles a specialisation, and the engine links it into the
specialisation's own module (its function ``optnone``: not optimized, machine code
from the fast instruction selector, as at -O0), so the native path of the key is
ready after the first call and costs no compile later.  A wrapper that does not fit
the native path asked for later (another binding: the function's parameters
changed) is compiled then, at LLVM -O0 (:data:`_WRAPPER_OPT`) in a module of its own:
it is straight-line code already in SSA form.

Everything the machine code points to is kept alive by Python references:
the builtin's ``self`` holds its :class:`NativeCall` and the ``PyMethodDef``
(in a ``bytes`` object, which the collector never clears before the builtin is
freed); the :class:`NativeCall` holds the specialisation (and so its JIT
library), the wrapper's library, the boxer, the error handler, the type and
dtype objects whose addresses are constants, and the current fallback.

Assumptions about object layouts (CPython 3 on a 64-bit platform: the type
pointer at offset 8, a ``float``'s and ``complex``'s value at 16; NumPy's
``PyArrayObject``: data 16, nd 24, dimensions 32, strides 40, descr 56,
flags 64, with the flag bits below) are checked once per process against
objects whose values Python reports (:func:`_scalar_layout_ok`,
:func:`_array_layout_ok`; a tuple's size at 16 and items from 24,
:func:`_tuple_layout_ok`; a cell's object at 16, :func:`_cell_layout_ok`);
if a check fails, :func:`native_call` makes no
builtin for keys that need it and every call takes the Python path.

Not handled natively (they take the Python path through ctypes, as fast as
before): NumPy scalar arguments (in tuples too), ndarray subclasses other than ``memmap``,
keys beyond the dispatcher's chain, and arrays whose dtype object is equal
to but not one of NumPy's canonical ones (e.g. unpickled arrays).  Binding
errors, keyword names that are not the parameter names' own objects and
rebound defaults take the Python path (see "Binding"), and so do all calls of
a function with ``*args``, ``**kwargs`` or a ``__signature__`` of its own.
"""
from __future__ import annotations

import ctypes
import functools
import inspect
import struct
import sys
import threading
import types
from typing import Any, Callable, Mapping

from ir.core import BlockArgument
from ir.dtypes import to_dtype
from ir.ops import ArrayAllocOp, FuncOp, MakeTupleOp, ReturnOp
from ir.types import (
    ArrayType, BoolType, ComplexType, FloatType, IntType, NoneType, ObjectType, StrType, TupleType, Type, bool_,
    c128, f64, i64, str_,
)
from runtime.boxing import ArgPacker, ResultUnpacker, memory_ctype, with_proven_objects
from runtime.errors import ERRARGS_SLOTS, ErrorSites
from runtime.memory import ARRAY_API_SLOTS, helper_address, numpy_array_api

from .callees import FUNCTION, FunctionArgument
from .references import References
from .vectorcall import NARGS_MASK

__all__ = ["Binding", "NativeCall", "binding_of", "native_call", "supports_key"]

#: ``PyMethodDef.ml_flags``: vectorcall-style arguments, keyword names passed (and forwarded)
METH_FASTCALL = 0x80
METH_KEYWORDS = 0x02
#: calls whose array arguments have this many elements in all run with the GIL released
RELEASE_GIL_ELEMENTS = 4096
#: the LLVM level of a wrapper compiled in a module of its own (see the module docstring)
_WRAPPER_OPT = 0
#: the names of the wrapper's function and of its fallback pointer (in the specialisation's module)
WRAPPER_SYMBOL, FALLBACK_SYMBOL = "pyjit_fast", "pyjit_fallback"

# CPython object layout (checked by _scalar_layout_ok)
_OB_TYPE = 8
_FLOAT_VALUE = 16  # PyFloatObject.ob_fval
_COMPLEX_VALUE = 16  # PyComplexObject.cval: real, then imaginary
_TUPLE_SIZE, _TUPLE_ITEMS = 16, 24  # PyTupleObject.ob_size, ob_item
_CELL_REF = 16  # PyCellObject.ob_ref
_DICT_USED, _DICT_VERSION = 16, 24  # PyDictObject.ma_used, ma_version_tag (checked by _dict_version_ok)
_NUMPY_SCALAR_VALUE = 16  # a NumPy scalar's obval, after the object header
_TP_ALLOC_SLOT = 47  # Py_tp_alloc, for PyType_GetSlot
# NumPy's PyArrayObject_fields (checked by _array_layout_ok)
_ARRAY_DATA, _ARRAY_ND, _ARRAY_DIMENSIONS, _ARRAY_STRIDES, _ARRAY_DESCR, _ARRAY_FLAGS = 16, 24, 32, 40, 56, 64
_C_CONTIGUOUS, _F_CONTIGUOUS, _ALIGNED, _WRITEABLE = 0x1, 0x2, 0x100, 0x400


_new_builtin = ctypes.PYFUNCTYPE(ctypes.py_object, ctypes.c_void_p, ctypes.py_object, ctypes.c_void_p)(
    ("PyCFunction_NewEx", ctypes.pythonapi))


def _method_def(name: bytes, function: int, flags: int) -> tuple[bytes, bytes]:
    """A ``PyMethodDef`` {ml_name, ml_meth, ml_flags, ml_doc = NULL} in a ``bytes`` object,
    and the name it points into.

    ``bytes``, not a ctypes structure: CPython reads the definition when it frees the
    builtin, and a ctypes object the garbage collector clears frees its buffer then, in
    whatever order the collector breaks a cycle.  A ``bytes`` object is never cleared,
    and its buffer never moves."""
    name = name + b"\0"
    definition = struct.pack("=QQiiQ", _buffer_address(name), function, flags, 0, 0)
    return definition, name


def _buffer_address(data: bytes) -> int:
    """The address of the characters of ``data`` (valid while ``data`` lives)."""
    return ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p).value


def _word(address: int) -> int:
    return ctypes.c_void_p.from_address(address).value or 0


# ----------------------------------------------------------------- layout checks
_checks: dict[str, bool] = {}
_checks_lock = threading.Lock()


def _checked(name: str, check: Callable[[], bool]) -> bool:
    """``check()``'s verdict, computed once per process."""
    verdict = _checks.get(name)
    if verdict is None:
        with _checks_lock:
            verdict = _checks.get(name)
            if verdict is None:
                try:
                    verdict = bool(check())
                except Exception:  # an unexpected platform: no native path
                    verdict = False
                _checks[name] = verdict
    return verdict


def _scalar_layout_ok() -> bool:
    """CPython on a 64-bit platform with the object header, ``float`` and ``complex``
    layouts and C type sizes the generated code assumes."""
    sizes = (ctypes.c_void_p, 8), (ctypes.c_ssize_t, 8), (ctypes.c_longlong, 8), (ctypes.c_int, 4), \
        (ctypes.c_double, 8)
    if sys.implementation.name != "cpython" or any(ctypes.sizeof(c) != n for c, n in sizes):
        return False
    if float.__basicsize__ < _FLOAT_VALUE + 8 or complex.__basicsize__ < _COMPLEX_VALUE + 16:
        return False
    values = (1.5, -0.25, 7, True, False, None, 2.5 - 3j)
    if any(_word(id(v) + _OB_TYPE) != id(type(v)) for v in values):
        return False
    read = ctypes.c_double.from_address
    z = 2.5 - 3j
    return read(id(1.5) + _FLOAT_VALUE).value == 1.5 and read(id(-0.25) + _FLOAT_VALUE).value == -0.25 \
        and read(id(z) + _COMPLEX_VALUE).value == 2.5 and read(id(z) + _COMPLEX_VALUE + 8).value == -3.0


def _numpy_scalar_layout_ok(t: Type) -> bool:
    """NumPy's scalars of ``t`` hold their value right after the object header, and their type
    has a ``tp_alloc`` (checked on a few values, read back through ctypes)."""
    import numpy as np   # not at import: ``import compiler`` stays free of NumPy

    dtype = to_dtype(t)
    if dtype.type.__basicsize__ < _NUMPY_SCALAR_VALUE + dtype.itemsize or not _tp_alloc(dtype.type):
        return False
    for value in (1, 3, 100):
        scalar = dtype.type(value)
        stored = ctypes.string_at(id(scalar) + _NUMPY_SCALAR_VALUE, dtype.itemsize)
        if stored != np.array(value, dtype).tobytes() or _word(id(scalar) + _OB_TYPE) != id(dtype.type):
            return False
    return True


def _tp_alloc(cls: type) -> int:
    """The address of ``cls``'s ``tp_alloc`` (0 if it has none)."""
    get_slot = ctypes.pythonapi.PyType_GetSlot
    get_slot.restype, get_slot.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_int]
    return get_slot(cls, _TP_ALLOC_SLOT) or 0


def _array_layout_ok() -> bool:
    """NumPy's array object has the fields and flag bits the generated code reads:
    checked on arrays of several layouts, flags and dtypes.  The pointer fields
    are dereferenced only after every other field has matched."""
    import numpy as np

    if np.ndarray.__basicsize__ < _ARRAY_FLAGS + 4:
        return False
    base = np.arange(24.0).reshape(4, 6)
    readonly = np.arange(5, dtype=np.int8)
    readonly.flags.writeable = False
    probes = [base, base.T, base[::2, 1::3], base[1], readonly, np.ones((2, 1, 3), np.complex64),
              np.frombuffer(bytearray(40), np.float64, 2, offset=1), np.zeros(3, ">i4")]
    bits = (_C_CONTIGUOUS, "c_contiguous"), (_F_CONTIGUOUS, "f_contiguous"), (_ALIGNED, "aligned"), \
        (_WRITEABLE, "writeable")
    for a in probes:
        address = id(a)
        flags = ctypes.c_int.from_address(address + _ARRAY_FLAGS).value
        if _word(address + _ARRAY_DATA) != a.__array_interface__["data"][0] \
                or ctypes.c_int.from_address(address + _ARRAY_ND).value != a.ndim \
                or _word(address + _ARRAY_DESCR) != id(a.dtype) \
                or any(bool(flags & bit) != getattr(a.flags, name) for bit, name in bits):
            return False
    for a in probes:
        dims = (ctypes.c_ssize_t * a.ndim).from_address(_word(id(a) + _ARRAY_DIMENSIONS))
        strides = (ctypes.c_ssize_t * a.ndim).from_address(_word(id(a) + _ARRAY_STRIDES))
        if tuple(dims) != a.shape or tuple(strides) != a.strides:
            return False
    return True


def _tuple_layout_ok() -> bool:
    """A tuple's length and item pointers are where the generated code reads them."""
    if tuple.__basicsize__ != _TUPLE_ITEMS or tuple.__itemsize__ != 8:
        return False
    probes = [(1.5, "x", None), (), (7,)]
    return all(_word(id(t) + _TUPLE_SIZE) == len(t)
               and all(_word(id(t) + _TUPLE_ITEMS + 8 * j) == id(v) for j, v in enumerate(t)) for t in probes)


def _cell_layout_ok() -> bool:
    """A cell's object (null while empty) is where the generated code reads it."""
    held = object()
    full, empty = types.CellType(held), types.CellType()
    return _word(id(full) + _CELL_REF) == id(held) and _word(id(empty) + _CELL_REF) == 0


@functools.lru_cache(maxsize=None)
def _canonical_dtypes(element: Type) -> tuple[Any, ...]:
    """NumPy's built-in native dtype objects whose arrays ``typeof`` maps to ``element``
    (``int64`` has two on Linux: ``long`` and ``long long``); found once per element type
    (each search builds every type code's dtype: 1 ms)."""
    import numpy as np

    from ir.dtypes import from_dtype

    found: dict[int, Any] = {}
    for code in np.typecodes["All"]:
        dtype = np.dtype(code)
        if dtype.isnative and from_dtype(dtype) == element:
            found[id(dtype)] = dtype
    return tuple(found.values())


def supports_key(key: tuple[tuple[Any, Any], ...]) -> bool:
    """Whether calls of this argument key can take the native path: Python ``bool``,
    ``int``, ``float``, ``complex`` and ``str`` arguments, None, NumPy arrays (not NumPy
    scalars), tuples of these and functions."""
    return _checked("scalars", _scalar_layout_ok) and all(_supports(t, weak) for t, weak in key)


def _supports(t: Any, python_scalar: Any) -> bool:
    if t == FUNCTION or isinstance(python_scalar, FunctionArgument):
        return _checked("cells", _cell_layout_ok)
    if isinstance(t, TupleType):
        return _checked("tuples", _tuple_layout_ok) and all(map(_supports, t.elements, python_scalar))
    if isinstance(t, ArrayType):
        return not python_scalar and _checked("arrays", _array_layout_ok) and bool(_canonical_dtypes(t.dtype))
    return t == str_ or isinstance(t, NoneType) or python_scalar is True and t in (bool_, i64, f64, c128)


# ----------------------------------------------------------------- binding
class Binding:
    """How the native code binds a call of ``function`` (see the module docstring, "Binding").

    From the function's code object, which is what CPython binds with: the parameter names
    (the code's own interned strings, which keyword names are compared with by identity),
    how many may be given positionally and how many of those only positionally; and the
    defaults of the moment the native path is made: ``__defaults__`` (a tuple, checked by
    identity at each call that uses one of its values: a tuple cannot change) and
    ``__kwdefaults__`` (a dict, which can change in place: checked by identity and by its
    version tag, which every change of a dict bumps; without a readable version tag a
    keyword-only default is never filled natively)."""

    __slots__ = ("defaults", "function", "keyword_only", "kwdefaults", "names", "positional",
                 "positional_only", "version")

    def __init__(self, function: Any) -> None:
        code = function.__code__
        self.function = function
        self.positional, self.positional_only = code.co_argcount, code.co_posonlyargcount
        self.keyword_only = code.co_kwonlyargcount
        self.names: tuple[str, ...] = code.co_varnames[:self.positional + self.keyword_only]
        defaults = function.__defaults__
        self.defaults = defaults if isinstance(defaults, tuple) and len(defaults) <= self.positional else None
        kwdefaults = function.__kwdefaults__
        self.kwdefaults, self.version = None, None
        if type(kwdefaults) is dict and all(type(k) is str for k in kwdefaults) \
                and _checked("dict version", _dict_version_ok):
            self.kwdefaults, self.version = kwdefaults, _dict_version(kwdefaults)

    def default(self, i: int) -> tuple[Any] | None:
        """``(value,)``: the default of parameter ``i``; None if it has none."""
        if i < self.positional:
            start = self.positional - len(self.defaults or ())
            return (self.defaults[i - start],) if i >= start else None
        if self.kwdefaults is not None and self.names[i] in self.kwdefaults:
            return (self.kwdefaults[self.names[i]],)
        return None


def binding_of(function: Any, parameters: list) -> Binding | None:
    """The :class:`Binding` of ``function``, whose parameters the dispatcher binds as
    ``parameters`` (``inspect.Parameter`` objects); None (no native binding: such calls take
    the Python path) if the function has ``*args`` or ``**kwargs``, or its code disagrees
    with ``parameters`` (a ``__signature__`` of its own)."""
    code = getattr(function, "__code__", None)
    if code is None or code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS):
        return None
    binding = Binding(function)
    kinds = [inspect.Parameter.POSITIONAL_ONLY] * binding.positional_only \
        + [inspect.Parameter.POSITIONAL_OR_KEYWORD] * (binding.positional - binding.positional_only) \
        + [inspect.Parameter.KEYWORD_ONLY] * binding.keyword_only
    if [(p.name, p.kind) for p in parameters] != list(zip(binding.names, kinds)):
        return None
    return binding


def _dict_version(d: dict) -> int:
    return ctypes.c_uint64.from_address(id(d) + _DICT_VERSION).value


def _dict_version_ok() -> bool:
    """A dict's size and version tag are where the generated code reads them, and every change
    of the dict changes the tag (checked on a dict changed in each way)."""
    if dict.__basicsize__ < _DICT_VERSION + 8:
        return False
    d: dict = {"a": 1}
    versions = []
    for change in (lambda: d.__setitem__("b", 2.5), lambda: d.__setitem__("a", 3),
                   lambda: d.pop("b"), lambda: d.update(c=None), d.clear):
        before = _dict_version(d)
        change()
        versions.append(_dict_version(d))
        if versions[-1] == before or ctypes.c_ssize_t.from_address(id(d) + _DICT_USED).value != len(d):
            return False
    return len(set(versions)) == len(versions)


# ----------------------------------------------------------------- code generation
class _Text:
    """The wrapper's LLVM IR, written as text: numbered values, labelled blocks."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._count = 0
        #: the objects and addresses of the process the wrapper points to (``compiler.codegen.references``)
        self.refs = References("w")
        #: the label of the block being written (a phi's predecessor)
        self.current = ""

    def value(self, instruction: str) -> str:
        name = f"%v{self._count}"
        self._count += 1
        self.lines.append(f"  {name} = {instruction}")
        return name

    def emit(self, instruction: str) -> None:
        self.lines.append(f"  {instruction}")

    def pointer(self, obj: Any, descriptor: tuple | None = None) -> str:
        """The ``PyObject *`` of ``obj`` (a reference; the caller keeps ``obj`` alive)."""
        return self._load(self.refs.of(obj, descriptor))

    def address(self, address: int, descriptor: tuple | None, what: str = "") -> str:
        """A raw address of the process (a reference described by ``descriptor``)."""
        return self._load(self.refs.add(address, descriptor, what=what))

    def _load(self, symbol: str) -> str:
        return self.value(f'load ptr, ptr @"{symbol}", !invariant.load !0')

    def label(self) -> str:
        self._count += 1
        return f"b{self._count}"

    def block(self, label: str) -> None:
        self.lines.append(f"{label}:")
        self.current = label

    def require(self, condition: str) -> None:
        """Go on if ``condition`` holds, else to the fallback."""
        ok = self.label()
        self.emit(f"br i1 {condition}, label %{ok}, label %fallback")
        self.block(ok)

    def field(self, base: str, offset: int, type: str) -> str:
        """Load the ``type`` at byte ``offset`` of ``base``."""
        address = self.value(f"getelementptr i8, ptr {base}, i64 {offset}")
        return self.value(f"load {type}, ptr {address}")

    def store(self, type: str, value: str, base: str, offset: int) -> None:
        address = self.value(f"getelementptr i8, ptr {base}, i64 {offset}")
        self.emit(f"store {type} {value}, ptr {address}")

    def any_of(self, value: str, type: str, constants: list[str]) -> str:
        """``value`` equals one of ``constants``."""
        result = "false"
        for constant in constants:
            equal = self.value(f"icmp eq {type} {value}, {constant}")
            result = self.value(f"or i1 {result}, {equal}")
        return result


def _address(address: int) -> str:
    return f"inttoptr (i64 {address} to ptr)"


def _c_string(name: str, text: str) -> str:
    data = text.encode() + b"\0"
    return f'@{name} = private unnamed_addr constant [{len(data)} x i8] c"{text}\\00"'


_DECLARATIONS = """
declare i64 @PyLong_AsLongLongAndOverflow(ptr, ptr)
declare ptr @PyFloat_FromDouble(double)
declare ptr @PyLong_FromLongLong(i64)
declare ptr @PyComplex_FromDoubles(double, double)
declare void @Py_IncRef(ptr)
declare void @Py_DecRef(ptr)
declare ptr @PyObject_Vectorcall(ptr, ptr, i64, ptr)
declare ptr @PyObject_CallFunction(ptr, ptr, ...)
declare ptr @PyTuple_New(i64)
declare i32 @PyTuple_SetItem(ptr, i64, ptr)
declare ptr @PyEval_SaveThread()
declare void @PyEval_RestoreThread(ptr)
declare ptr @PyFunction_GetDefaults(ptr)
declare ptr @PyFunction_GetKwDefaults(ptr)
declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
"""


def _module_text(key: tuple[tuple[Type, bool], ...], result_type: Type, entry: str,
                 boxer: Any, raiser: Any, keep: list, nogil: bool = False, binding: Binding | None = None,
                 patchable: bool = False, sources: Sources | None = None) -> tuple[str, References]:
    """The wrapper module for ``key``, calling ``entry`` (the entry's symbol, declared, or its
    address), and its references; every object whose address it embeds is appended to
    ``keep``.  ``nogil``: the GIL released around every call of the entry.  ``binding``: how a
    call with keywords or defaults to fill is bound (None: only a call of exactly the
    parameters, positionally, is taken).  ``patchable``: the references are globals a loader
    fills (``compiler.references``).  ``sources``: where the result's arrays come from, as
    the IR proves it (:func:`result_sources`; what it does not prove is found at run time)."""
    packed = [i for i, (t, _) in enumerate(key) if t != FUNCTION]  # a function argument has no slots
    packer = ArgPacker(tuple(key[i][0] for i in packed))
    slot = lambda name: getattr(packer.struct, name).offset
    f = _Text()
    nargs = len(key)
    keep.extend((True, False, None, int, float, complex, tuple, str, boxer, raiser))
    f.block("entry")
    f.emit(f"%nargs = and i64 %nargsf, {NARGS_MASK}")  # called as a vectorcallfunc too
    f.emit(f"%slots = alloca [{ctypes.sizeof(packer.struct)} x i8], align 16")
    f.emit(f"%ret = alloca [{max(ctypes.sizeof(memory_ctype(result_type)), 8)} x i8], align 16")
    f.emit(f"%errargs = alloca [{ERRARGS_SLOTS} x i64], align 8")
    f.emit("%overflow = alloca i32, align 4")
    if nargs:
        f.emit(f"%params = alloca [{nargs} x ptr], align 8")
    incoming = []   # (the bound arguments' array, the block it comes from)
    if binding is None or binding.keyword_only == 0:   # exactly the parameters, in order: as they are
        no_keywords = f.value("icmp eq ptr %kwnames, null")
        count = f.value(f"icmp eq i64 %nargs, {nargs}")
        f.emit(f"br i1 {f.value(f'and i1 {no_keywords}, {count}')}, label %bound, label %bind")
        incoming.append(("%args", f.current))
    else:
        f.emit("br label %bind")
    f.block("bind")
    if binding is None or not nargs:
        f.emit("br label %fallback")
    else:
        _bind(f, binding, keep)
        incoming.append(("%params", f.current))
        f.emit("br label %bound")
    f.block("bound")
    f.emit(f"%base = phi ptr {', '.join(f'[{array}, %{label}]' for array, label in incoming)}")
    sizes: list[str] = []  # the element counts of the array arguments
    for i, (t, weak) in enumerate(key):
        arg = f.field("%base", 8 * i, "ptr")
        if t == FUNCTION:
            _check_function(f, weak, arg)
        else:
            _unbox(f, t, weak, arg, f"a{packed.index(i)}", slot, keep, sizes)
    status = _call_entry(f, entry, sizes, nogil)
    error, done = f.label(), f.label()
    f.emit(f"br i1 {f.value(f'icmp ne i32 {status}, 0')}, label %{error}, label %{done}")
    f.block(error)
    errargs = f.value("ptrtoint ptr %errargs to i64")
    raised = f.value(f"call ptr (ptr, ptr, ...) @PyObject_CallFunction(ptr {f.pointer(raiser, ('entry', 'raiser'))}, "
                     f"ptr @error_format, i32 {status}, i64 {errargs})")
    f.emit(f"ret ptr {raised}")
    f.block(done)
    f.emit(f"ret ptr {_box_result(f, result_type, boxer, nargs, key, sources or {})}")
    f.block("fallback")
    target = f.value(f"load ptr, ptr @{FALLBACK_SYMBOL}")
    result = f.value(f"call ptr @PyObject_Vectorcall(ptr {target}, ptr %args, i64 %nargs, ptr %kwnames)")
    f.emit(f"ret ptr {result}")
    declared = [f"declare i32 {entry}(ptr, ptr, ptr)"] if entry.startswith("@") else []
    text = "\n".join([
        f"@{FALLBACK_SYMBOL} = global ptr null, align 8",
        _c_string("error_format", "iL"),
        _c_string("box_format", "L" + "O" * nargs),
        _DECLARATIONS,
        *declared,
        f"define ptr @{WRAPPER_SYMBOL}(ptr %self, ptr %args, i64 %nargsf, ptr %kwnames) noinline {{",
        *f.lines,
        "}",
        f.refs.definitions(patchable),
        "!0 = !{}",
    ])
    return text, f.refs


def _bind(f: _Text, binding: Binding, keep: list) -> None:
    """Bind the call into ``%params`` as CPython binds it (see :class:`Binding`), going to the
    fallback on anything else.  Reads the arguments and keyword names only: nothing runs."""
    names, positional, first_keyword = binding.names, binding.positional, binding.positional_only
    keep.extend((binding.function, binding.defaults, binding.kwdefaults, names))
    f.require(f.value(f"icmp ule i64 %nargs, {positional}"))   # too many positional arguments
    before, counting, counted = f.current, f.label(), f.label()
    f.emit(f"br i1 {f.value('icmp ne ptr %kwnames, null')}, label %{counting}, label %{counted}")
    f.block(counting)
    size = f.field("%kwnames", _TUPLE_SIZE, "i64")
    f.emit(f"br label %{counted}")
    f.block(counted)
    count = f.value(f"phi i64 [0, %{before}], [{size}, %{counting}]")
    f.require(f.value(f"icmp ule i64 {count}, {len(names) - first_keyword}"))  # more than can be named
    for i in range(len(names)):
        f.store("ptr", "null", "%params", 8 * i)
    f.emit(f"call void @llvm.memcpy.p0.p0.i64(ptr %params, ptr %args, i64 {f.value('shl i64 %nargs, 3')}, i1 false)")
    if len(names) > first_keyword:   # each keyword names one parameter not given yet, by identity
        before, loop, body, store, latch, done = f.current, f.label(), f.label(), f.label(), f.label(), f.label()
        f.emit(f"br label %{loop}")
        f.block(loop)
        f.emit(f"%kwj = phi i64 [0, %{before}], [%kwnext, %{latch}]")
        f.emit(f"br i1 {f.value(f'icmp eq i64 %kwj, {count}')}, label %{done}, label %{body}")
        f.block(body)
        offset = f.value(f"add i64 {f.value('shl i64 %kwj, 3')}, {_TUPLE_ITEMS}")
        name = f.value(f"load ptr, ptr {f.value(f'getelementptr i8, ptr %kwnames, i64 {offset}')}")
        # a chain of compares with the names' references, not a switch on their addresses: a
        # stored library runs in other processes (LLVM makes a switch of it where they fold)
        cases = []
        for i in range(first_keyword, len(names)):
            found, other = f.label(), f.label()
            f.emit(f"br i1 {f.value(f'icmp eq ptr {name}, {f.pointer(names[i])}')}, label %{found}, label %{other}")
            f.block(found)
            f.emit(f"br label %{store}")
            cases.append((i, found))
            f.block(other)
        f.emit("br label %fallback")
        f.block(store)
        index = f.value(f"phi i64 {', '.join(f'[{i}, %{label}]' for i, label in cases)}")
        slot = f.value(f"getelementptr ptr, ptr %params, i64 {index}")
        f.require(f.value(f"icmp eq ptr {f.value(f'load ptr, ptr {slot}')}, null"))   # given twice
        value = f.value(f"getelementptr ptr, ptr %args, i64 {f.value('add i64 %nargs, %kwj')}")
        f.emit(f"store ptr {f.value(f'load ptr, ptr {value}')}, ptr {slot}")
        f.emit(f"br label %{latch}")
        f.block(latch)
        f.emit("%kwnext = add i64 %kwj, 1")
        f.emit(f"br label %{loop}")
        f.block(done)
    function = f.pointer(binding.function, ("entry", "function"))
    for i in range(len(names)):
        given = f.value(f"icmp ne ptr {f.field('%params', 8 * i, 'ptr')}, null")
        default = binding.default(i)
        if default is None:   # a required argument missing
            f.require(given)
            continue
        keep.append(default[0])
        fill, filled = f.label(), f.label()
        f.emit(f"br i1 {given}, label %{filled}, label %{fill}")
        f.block(fill)
        if i < positional:   # the function's defaults are still the tuple they were
            current = f.value(f"call ptr @PyFunction_GetDefaults(ptr {function})")
            f.require(f.value(f"icmp eq ptr {current}, {f.pointer(binding.defaults, ('entry', 'defaults'))}"))
        else:   # its keyword-only defaults still the dict they were, unchanged since
            current = f.value(f"call ptr @PyFunction_GetKwDefaults(ptr {function})")
            f.require(f.value(f"icmp eq ptr {current}, {f.pointer(binding.kwdefaults, ('entry', 'kwdefaults'))}"))
            version = f.value(f"ptrtoint ptr {f.address(binding.version, ('entry', 'kwdefaults_version'))} to i64")
            f.require(f.value(f"icmp eq i64 {f.field(current, _DICT_VERSION, 'i64')}, {version}"))
        f.store("ptr", f.pointer(default[0], ("entry", "default", names[i])), "%params", 8 * i)
        f.emit(f"br label %{filled}")
        f.block(filled)


def _unbox(f: _Text, t: Type, weak: Any, arg: str, name: str, slot: Callable[[str], int], keep: list,
           sizes: list[str]) -> None:
    """Check that ``arg`` is a value of the key's entry ``(t, weak)`` (see the module docstring) and
    store it in its slots, whose fields are named ``name`` and its suffixes; an array's element
    count is appended to ``sizes``."""
    if isinstance(weak, FunctionArgument):   # a function in a tuple: no slots
        _check_function(f, weak, arg)
        return
    if isinstance(t, NoneType):
        f.require(f.value(f"icmp eq ptr {arg}, {f.pointer(None)}"))
        return
    if isinstance(t, BoolType):
        is_true = f.value(f"icmp eq ptr {arg}, {f.pointer(True)}")
        is_false = f.value(f"icmp eq ptr {arg}, {f.pointer(False)}")
        f.require(f.value(f"or i1 {is_true}, {is_false}"))
        f.store("i64", f.value(f"zext i1 {is_true} to i64"), "%slots", slot(name))
        return
    cls = f.field(arg, _OB_TYPE, "ptr")
    if isinstance(t, ArrayType):
        sizes.append(_unbox_array(f, name, t, arg, cls, slot, keep))
        return
    if isinstance(t, TupleType):   # exactly tuple, of the key's length
        f.require(f.value(f"icmp eq ptr {cls}, {f.pointer(tuple)}"))
        f.require(f.value(f"icmp eq i64 {f.field(arg, _TUPLE_SIZE, 'i64')}, {len(t.elements)}"))
        for j, (element, w) in enumerate(zip(t.elements, weak)):
            _unbox(f, element, w, f.field(arg, _TUPLE_ITEMS + 8 * j, "ptr"), f"{name}_{j}", slot, keep, sizes)
        return
    if isinstance(t, StrType):   # exactly str (a subclass takes the Python path, which refuses it)
        f.require(f.value(f"icmp eq ptr {cls}, {f.pointer(str)}"))
        f.store("ptr", arg, "%slots", slot(name))
        return
    f.require(f.value(f"icmp eq ptr {cls}, {f.pointer({i64: int, f64: float, c128: complex}[t])}"))
    if isinstance(t, IntType):
        value = f.value(f"call i64 @PyLong_AsLongLongAndOverflow(ptr {arg}, ptr %overflow)")
        f.require(f.value(f"icmp eq i32 {f.value('load i32, ptr %overflow')}, 0"))
        f.store("i64", value, "%slots", slot(name))
    elif isinstance(t, FloatType):
        f.store("double", f.field(arg, _FLOAT_VALUE, "double"), "%slots", slot(name))
    else:
        f.store("double", f.field(arg, _COMPLEX_VALUE, "double"), "%slots", slot(name))
        f.store("double", f.field(arg, _COMPLEX_VALUE + 8, "double"), "%slots", slot(f"{name}_im"))


def _check_function(f: _Text, function: Any, arg: str) -> None:
    """A function argument is the key's very function object (a
    :class:`~compiler.callees.FunctionArgument`, which keeps it, its cells and what they held
    alive), and each cell its key depends on holds the object it held."""
    what = "a function argument (a specialisation for one function object)"
    f.require(f.value(f"icmp eq ptr {arg}, {f.address(id(function.function), None, what)}"))
    for cell, content in function.watched():
        held = f.field(f.address(cell, None, what), _CELL_REF, "ptr")
        f.require(f.value(f"icmp eq ptr {held}, {f.address(content, None, what) if content else 'null'}"))


def _call_entry(f: _Text, entry: str, sizes: list[str], nogil: bool = False) -> str:
    """Call the entry (``entry``: the callee, a symbol or an address); the status.  With the
    GIL released if the arrays have :data:`RELEASE_GIL_ELEMENTS` elements or more in all (see
    the module docstring), or always with ``nogil``."""
    call = f"call i32 {entry}(ptr %ret, ptr %errargs, ptr %slots)"
    if nogil:
        state = f.value("call ptr @PyEval_SaveThread()")
        status = f.value(call)
        f.emit(f"call void @PyEval_RestoreThread(ptr {state})")
        return status
    if not sizes:
        return f.value(call)
    total = sizes[0]
    for size in sizes[1:]:
        total = f.value(f"add i64 {total}, {size}")
    released, held, called = f.label(), f.label(), f.label()
    big = f.value(f"icmp uge i64 {total}, {RELEASE_GIL_ELEMENTS}")
    f.emit(f"br i1 {big}, label %{released}, label %{held}")
    f.block(released)
    state = f.value("call ptr @PyEval_SaveThread()")
    released_status = f.value(call)
    f.emit(f"call void @PyEval_RestoreThread(ptr {state})")
    f.emit(f"br label %{called}")
    f.block(held)
    held_status = f.value(call)
    f.emit(f"br label %{called}")
    f.block(called)
    return f.value(f"phi i32 [{released_status}, %{released}], [{held_status}, %{held}]")


def _unbox_array(f: _Text, name: str, t: ArrayType, arg: str, cls: str, slot: Callable[[str], int],
                 keep: list) -> str:
    """Check that ``arg`` has exactly the key's array type (see the module docstring), then
    fill its slots: meminfo 0 (lent), data, shape, byte strides.  Returns its element count."""
    import numpy as np

    dtypes = _canonical_dtypes(t.dtype)
    keep.extend((np.ndarray, np.memmap, *dtypes))
    f.require(f.any_of(cls, "ptr", [f.pointer(np.ndarray), f.pointer(np.memmap)]))
    f.require(f.any_of(f.field(arg, _ARRAY_DESCR, "ptr"), "ptr", [f.pointer(d) for d in dtypes]))
    f.require(f.value(f"icmp eq i32 {f.field(arg, _ARRAY_ND, 'i32')}, {t.ndim}"))
    layout = {"C": _C_CONTIGUOUS, "F": _F_CONTIGUOUS, "A": 0}[t.layout]
    mask = _ALIGNED | _WRITEABLE | _C_CONTIGUOUS | (0 if t.layout == "C" else _F_CONTIGUOUS)
    expected = _ALIGNED | (0 if t.readonly else _WRITEABLE) | layout
    flags = f.field(arg, _ARRAY_FLAGS, "i32")
    f.require(f.value(f"icmp eq i32 {f.value(f'and i32 {flags}, {mask}')}, {expected}"))
    f.store("i64", "0", "%slots", slot(f"{name}_meminfo"))
    f.store("ptr", f.field(arg, _ARRAY_DATA, "ptr"), "%slots", slot(f"{name}_data"))
    size = "1"
    for kind, offset in (("shape", _ARRAY_DIMENSIONS), ("stride", _ARRAY_STRIDES)):
        values = f.field(arg, offset, "ptr")
        for k in range(t.ndim):
            value = f.field(values, 8 * k, "i64")
            f.store("i64", value, "%slots", slot(f"{name}_{kind}{k}"))
            if kind == "shape":
                size = f.value(f"mul i64 {size}, {value}")
    return size


def _return_argument_if_same(f: _Text, t: ArrayType, key: tuple) -> None:
    """An array result that is an argument array itself -- no block of its own
    (null meminfo), the same data, shape and strides, and the argument's key
    has the result's element type -- is that argument object (a new
    reference), as ``return a`` is in Python; the boxer is not called.  The
    native code returns from here; else it goes on to box the result."""
    if not _argument_candidates(t, key):
        return
    found, other = f.label(), f.label()
    f.emit(f"br i1 {f.value('icmp ne ptr ' + f.value('load ptr, ptr %ret') + ', null')}, "
           f"label %{other}, label %{found}")
    f.block(found)
    arg = _same_argument(f, t, "%ret", key, other)
    f.emit(f"call void @Py_IncRef(ptr {arg})")
    f.emit(f"ret ptr {arg}")
    f.block(other)


def _argument_candidates(t: ArrayType, key: tuple) -> list[int]:
    """The arguments an array result of type ``t`` can be: arrays of its element type and rank."""
    return [i for i, (a, _) in enumerate(key) if isinstance(a, ArrayType) and (a.dtype, a.ndim) == (t.dtype, t.ndim)]


def _same_argument(f: _Text, t: ArrayType, at: str, key: tuple, none: str) -> str:
    """The argument array object whose data, shape and strides the array stored at ``at`` has
    (a borrowed reference); a branch to ``none`` if there is none."""
    layout = memory_ctype(t)  # the array's fields, where the codegen stores them
    data = f.field(at, layout.data.offset, "ptr")

    def same(arg: str, _: ArrayType) -> str:
        equal = f.value(f"icmp eq ptr {data}, {f.field(arg, _ARRAY_DATA, 'ptr')}")
        for mine_at, offset in ((layout.shape.offset, _ARRAY_DIMENSIONS), (layout.strides.offset, _ARRAY_STRIDES)):
            values = f.field(arg, offset, "ptr")
            for k in range(t.ndim):
                mine, theirs = f.field(at, mine_at + 8 * k, "i64"), f.field(values, 8 * k, "i64")
                equal = f.value(f"and i1 {equal}, {f.value(f'icmp eq i64 {mine}, {theirs}')}")
        return equal

    return _first_argument(f, [(i, key[i][0]) for i in _argument_candidates(t, key)], same, none)


def _first_argument(f: _Text, candidates: list[tuple[int, ArrayType]], test: Callable[[str, ArrayType], str],
                    none: str) -> str:
    """The first argument array object of ``candidates`` (positions and types) for which
    ``test(object, type)`` -- an ``i1`` it emits -- holds (a borrowed reference); a branch
    to ``none`` if none does."""
    found, done = [], f.label()
    for n, (i, a) in enumerate(candidates):
        arg = f.field("%base", 8 * i, "ptr")
        holds = test(arg, a)
        following = f.label() if n + 1 < len(candidates) else none
        found.append((arg, f.current))
        f.emit(f"br i1 {holds}, label %{done}, label %{following}")
        if following != none:
            f.block(following)
    f.block(done)
    return f.value("phi ptr " + ", ".join(f"[{arg}, %{block}]" for arg, block in found))


#: what :func:`result_sources` says of an array the code allocated
NEW = "new"
#: what :func:`result_sources` says of a view the code made: a new object, never an argument
VIEW = "view"
#: where the result's arrays come from: the key position of the argument it is, :data:`NEW`,
#: :data:`VIEW`, or ``("element", j)``, the same value as an earlier tuple element, by tuple
#: element (None: the result itself); what is not there is unknown
Sources = Mapping[int | None, Any]


def result_sources(entry: FuncOp, key: tuple) -> Sources:
    """Where the arrays of ``entry``'s result come from, as its IR proves it: an array that is
    a parameter of the entry (``return a``, ``return pos, vel``) is that argument object,
    which native code returns as it is (CPython's ``return a``: the same object, no test of
    data, shape and strides against every argument); an array ``array.alloc`` made is new
    (no test of whether it is a view), and a tuple element that is the same value as an
    earlier one is that element's object (``return b, b``, ``x = a[1:]; return x, x``: one
    object twice, as in CPython).  A view the function made (``return a[:]``, recorded by the
    trace as ``returns_views`` before any pass could fold it into ``a``) is :data:`VIEW`: a
    new object even where it spans all of an argument, as NumPy's views are.  Other values a
    branch or a call chose are left out: the native code finds them at run time."""
    body = entry.body
    ret = body.ops[-1] if body.ops else None
    if not isinstance(ret, ReturnOp) or ret.value is None:
        return {}
    positions = [i for i, (t, _) in enumerate(key) if not isinstance(t, str)]   # the entry's parameters

    def source(value: Any) -> int | str | None:
        if not isinstance(value.type, ArrayType):
            return None
        if isinstance(value, BlockArgument) and value.owner is body and value.index < len(positions):
            return positions[value.index]
        return NEW if isinstance(value.owner, ArrayAllocOp) else None

    value = ret.value
    if type(value.type) is TupleType:   # not an OptionalType
        if not isinstance(value.owner, MakeTupleOp):
            return {}
        elements = value.owner.operands
        found = {i: source(v) for i, v in enumerate(elements)}
        for i, v in enumerate(elements):
            first = elements.index(v)
            if first < i and isinstance(v.type, ArrayType) and not isinstance(found[i], int):
                found[i] = ("element", first)   # one variable twice: one object twice
    else:
        found = {None: source(value)}
    for position in entry.attributes.get("returns_views", ()):
        found[None if position < 0 else position] = VIEW
    return {where: s for where, s in found.items() if s is not None}


def _argument_as_result(f: _Text, position: int) -> str:
    """The argument at ``position``, a new reference: the result is that object."""
    arg = f.field("%base", 8 * position, "ptr")
    f.emit(f"call void @Py_IncRef(ptr {arg})")
    return arg


def _box_result(f: _Text, t: Type, boxer: Any, nargs: int, key: tuple, sources: Sources) -> str:
    """The Python object for the result in ``%ret`` (a new reference, or NULL with an exception)."""
    if isinstance(t, ObjectType):   # the result's reference is the caller's
        return f.value("load ptr, ptr %ret")
    scalar = _box_scalar(f, t, "%ret")
    if scalar is not None:
        return scalar
    if isinstance(t, ArrayType) and isinstance(sources.get(None), int):
        return _argument_as_result(f, sources[None])
    if isinstance(t, ArrayType):
        new = sources.get(None) == NEW
        if sources.get(None) is None:
            _return_argument_if_same(f, t, key)
        if _checked("numpy array api", _numpy_array_api_ok):
            _box_owned_array(f, t, key, new)
    elif type(t) is TupleType and all(_boxed_in_tuples(e) for e in t.elements):   # not an OptionalType
        _box_owned_tuple(f, t, key, sources)
    address = f.value("ptrtoint ptr %ret to i64")
    args = "".join(f", ptr {f.field('%base', 8 * i, 'ptr')}" for i in range(nargs))
    return f.value(f"call ptr (ptr, ptr, ...) @PyObject_CallFunction(ptr {f.pointer(boxer, ('entry', 'boxer'))}, ptr @box_format, "
                   f"i64 {address}{args})")


def _box_scalar(f: _Text, t: Type, at: str) -> str | None:
    """The Python object for the scalar of type ``t`` stored at ``at`` (a new reference, or NULL
    with an exception); None for a type the native code does not box."""
    if isinstance(t, NoneType):
        none = f.pointer(None)
        f.emit(f"call void @Py_IncRef(ptr {none})")
        return none
    if t == f64:
        return f.value(f"call ptr @PyFloat_FromDouble(double {f.value(f'load double, ptr {at}')})")
    if t == i64:
        return f.value(f"call ptr @PyLong_FromLongLong(i64 {f.value(f'load i64, ptr {at}')})")
    if t == bool_:
        truth = f.value(f"icmp ne i8 {f.value(f'load i8, ptr {at}')}, 0")
        result = f.value(f"select i1 {truth}, ptr {f.pointer(True)}, ptr {f.pointer(False)}")
        f.emit(f"call void @Py_IncRef(ptr {result})")
        return result
    if t == c128:
        real, imag = f.value(f"load double, ptr {at}"), f.field(at, 8, "double")
        return f.value(f"call ptr @PyComplex_FromDoubles(double {real}, double {imag})")
    if _numpy_scalar_boxed(t):
        return _box_numpy_scalar(f, t, at)
    return None


def _numpy_scalar_boxed(t: Type) -> bool:
    return isinstance(t, (IntType, FloatType, ComplexType)) \
        and _checked(f"numpy scalar {t}", lambda: _numpy_scalar_layout_ok(t))


def _boxed_in_tuples(t: Type) -> bool:
    """Whether the native code boxes an element of type ``t`` of a tuple result (a nested
    tuple, an object or text goes to the boxer with the whole result)."""
    if isinstance(t, ArrayType):
        return _checked("numpy array api", _numpy_array_api_ok)
    return t in (f64, i64, bool_, c128) or _numpy_scalar_boxed(t)


def _box_owned_array(f: _Text, t: ArrayType, key: tuple, new: bool = False) -> None:
    """An array result with a block of its own becomes a NumPy array over it; one without, a
    view whose base is the argument that holds its bytes (the native code returns from
    here).  The rest -- no argument holds it, or it has no elements -- goes on to the boxer.
    ``new``: the result is an array the code allocated (:data:`NEW`), so it has a block."""
    native, unowned, other, failed = f.label(), f.label(), f.label(), f.label()
    meminfo = f.field("%ret", memory_ctype(t).meminfo.offset, "ptr")
    if new:
        f.emit(f"br label %{native}")
        f.block(native)
        f.emit(f"ret ptr {_array_over_block(f, t, '%ret', failed)}")
        f.block(failed)
        f.emit("ret ptr null")
        f.block(other)   # reached by no branch: the boxer's call that follows is dead code
        return
    f.emit(f"br i1 {f.value(f'icmp ne ptr {meminfo}, null')}, label %{native}, label %{unowned}")
    f.block(native)
    f.emit(f"ret ptr {_array_over_block(f, t, '%ret', failed)}")
    f.block(unowned)
    if _view_candidates(key):
        holder = _holding_argument(f, t, "%ret", key, other)
        f.emit(f"ret ptr {_view_of_argument(f, t, '%ret', holder, failed)}")
    else:
        f.emit(f"br label %{other}")
    f.block(failed)
    f.emit("ret ptr null")
    f.block(other)


def _box_owned_tuple(f: _Text, t: TupleType, key: tuple, sources: Sources) -> None:
    """A tuple result whose arrays each have a block of its own, are an argument itself or
    a view of one becomes a Python tuple, each element boxed natively (an argument as that
    object, as ``_return_argument_if_same``, a view as ``_box_owned_array`` makes it; the
    native code returns from here); one holding another array without a block goes on to
    the boxer.  On a failure (no memory) the elements made so far go with the tuple, and
    the arrays not boxed yet give their references back (an argument's null meminfo has
    none).  An element the IR proves to be an argument (``sources``) is that object, one it
    proves new an array over its block, without the tests at run time."""
    layout = memory_ctype(t)
    at = [f.value(f"getelementptr i8, ptr %ret, i64 {getattr(layout, f'f{i}').offset}")
          for i in range(len(t.elements))]
    blocks, arguments, holders = {}, {}, {}
    other = f.label()
    for i, e in enumerate(t.elements):
        if not isinstance(e, ArrayType) or isinstance(sources.get(i), int):
            continue
        blocks[i] = f.field(at[i], memory_ctype(e).meminfo.offset, "ptr")
        if sources.get(i) == NEW or isinstance(sources.get(i), tuple):
            continue
        owned, unowned, decided = f.label(), f.label(), f.label()
        f.emit(f"br i1 {f.value(f'icmp ne ptr {blocks[i]}, null')}, label %{owned}, label %{unowned}")
        f.block(owned)
        f.emit(f"br label %{decided}")
        f.block(unowned)
        if not _view_candidates(key):
            f.emit(f"br label %{other}")
            f.block(decided)
            continue
        same, views = [f"[null, %{owned}]"], [f"[null, %{owned}]"]
        if _argument_candidates(e, key) and sources.get(i) != VIEW:
            not_same = f.label()
            argument = _same_argument(f, e, at[i], key, not_same)
            same.append(f"[{argument}, %{f.current}]")
            views.append(f"[null, %{f.current}]")
            f.emit(f"br label %{decided}")
            f.block(not_same)
        holder = _holding_argument(f, e, at[i], key, other)
        same.append(f"[null, %{f.current}]")
        views.append(f"[{holder}, %{f.current}]")
        f.emit(f"br label %{decided}")
        f.block(decided)
        arguments[i], holders[i] = f.value("phi ptr " + ", ".join(same)), f.value("phi ptr " + ", ".join(views))
    decref = f.address(helper_address("decref"), ("memory", "decref"))   # where every failure can use it
    tuple_ = f.value(f"call ptr @PyTuple_New(i64 {len(t.elements)})")
    failures = [f.label() for _ in range(len(t.elements) + 1)]   # before element i, and at the tuple
    made = f.label()
    f.emit(f"br i1 {f.value(f'icmp eq ptr {tuple_}, null')}, label %{failures[-1]}, label %{made}")
    f.block(made)
    elements: list[str] = []
    for i, e in enumerate(t.elements):
        if isinstance(e, ArrayType) and isinstance(sources.get(i), int):
            element = f.field("%base", 8 * sources[i], "ptr")
            f.emit(f"call void @Py_IncRef(ptr {element})")
        elif isinstance(e, ArrayType) and isinstance(sources.get(i), tuple):   # the object of element j
            element = elements[sources[i][1]]
            f.emit(f"call void {decref}(ptr {blocks[i]})")   # its reference: element j's owner holds one
            f.emit(f"call void @Py_IncRef(ptr {element})")
        elif i in arguments:
            given, not_given, view, new, joined = f.label(), f.label(), f.label(), f.label(), f.label()
            f.emit(f"br i1 {f.value(f'icmp ne ptr {arguments[i]}, null')}, label %{given}, label %{not_given}")
            f.block(given)
            f.emit(f"call void @Py_IncRef(ptr {arguments[i]})")
            f.emit(f"br label %{joined}")
            f.block(not_given)
            f.emit(f"br i1 {f.value(f'icmp ne ptr {holders[i]}, null')}, label %{view}, label %{new}")
            f.block(view)
            viewed = _view_of_argument(f, e, at[i], holders[i], failures[i])
            viewed_in = f.current
            f.emit(f"br label %{joined}")
            f.block(new)
            array = _array_over_block(f, e, at[i], failures[i])
            boxed = f.current
            f.emit(f"br label %{joined}")
            f.block(joined)
            element = f.value(f"phi ptr [{arguments[i]}, %{given}], [{viewed}, %{viewed_in}], [{array}, %{boxed}]")
        elif isinstance(e, ArrayType):
            element = _array_over_block(f, e, at[i], failures[i])
        else:
            element = _box_scalar(f, e, at[i])
            boxed = f.label()
            f.emit(f"br i1 {f.value(f'icmp eq ptr {element}, null')}, label %{failures[i]}, label %{boxed}")
            f.block(boxed)
        elements.append(element)
        f.emit(f"call i32 @PyTuple_SetItem(ptr {tuple_}, i64 {i}, ptr {element})")   # steals it
    f.emit(f"ret ptr {tuple_}")
    for i, failure in enumerate(failures):
        f.block(failure)
        if i < len(t.elements):
            f.emit(f"call void @Py_DecRef(ptr {tuple_})")   # and the elements set so far
        for j, meminfo in blocks.items():
            if j > i or i == len(t.elements):
                f.emit(f"call void {decref}(ptr {meminfo})")
        f.emit("ret ptr null")
    f.block(other)


def _array_over_block(f: _Text, t: ArrayType, at: str, failed: str) -> str:
    """A NumPy array over the block of the array stored at ``at`` (a non-null meminfo), its
    base a capsule that takes over the array's reference (``runtime.memory.helpers_ir``); on
    a failure -- Python's exception set, the reference given back -- a branch to ``failed``."""
    meminfo = f.field(at, memory_ctype(t).meminfo.offset, "ptr")
    owner = f.value(f"call ptr {f.address(helper_address('new_owner'), ('memory', 'new_owner'))}(ptr {meminfo})")
    made = f.label()
    f.emit(f"br i1 {f.value(f'icmp eq ptr {owner}, null')}, label %{failed}, label %{made}")
    f.block(made)
    return _new_array(f, t, at, owner, str(0 if t.readonly else _WRITEABLE), failed)


def _view_of_argument(f: _Text, t: ArrayType, at: str, argument: str, failed: str) -> str:
    """A NumPy array over the bytes of the array stored at ``at``, which ``argument`` holds:
    a view whose base is ``argument`` -- NumPy's ``PyArray_SetBaseObject`` makes it the
    argument's own base where the argument is a view, as NumPy's slicing does -- writeable
    where the argument is; on a failure a branch to ``failed``."""
    writeable = f.value(f"and i32 {f.field(argument, _ARRAY_FLAGS, 'i32')}, {_WRITEABLE}")
    f.emit(f"call void @Py_IncRef(ptr {argument})")   # the base's reference
    return _new_array(f, t, at, argument, "0" if t.readonly else writeable, failed)


def _new_array(f: _Text, t: ArrayType, at: str, base: str, flags: str, failed: str) -> str:
    """A NumPy array over the data, shape and strides of the array stored at ``at``, with
    ``flags`` and whose base is ``base``, whose reference it takes over (given back on a
    failure, with Python's exception set: a branch to ``failed``)."""
    api = numpy_array_api()
    layout = memory_ctype(t)
    entry = {name: f.address(api[name], ("numpy_api", name)) for name in ARRAY_API_SLOTS}
    descr = f.value(f"call ptr {entry['PyArray_DescrFromType']}(i32 {to_dtype(t.dtype).num})")
    shape = f.value(f"getelementptr i8, ptr {at}, i64 {layout.shape.offset}")
    strides = f.value(f"getelementptr i8, ptr {at}, i64 {layout.strides.offset}")
    array = f.value(f"call ptr {entry['PyArray_NewFromDescr']}(ptr {entry['PyArray_Type']}, "
                    f"ptr {descr}, i32 {t.ndim}, ptr {shape}, ptr {strides}, "
                    f"ptr {f.field(at, layout.data.offset, 'ptr')}, i32 {flags}, ptr null)")
    wrapped, based = f.label(), f.label()
    no_array = f.value(f"icmp eq ptr {array}, null")
    f.emit(f"br i1 {no_array}, label %{wrapped}_fail, label %{wrapped}")
    f.block(f"{wrapped}_fail")
    f.emit(f"call void @Py_DecRef(ptr {base})")   # an owner releases the block
    f.emit(f"br label %{failed}")
    f.block(wrapped)
    status = f.value(f"call i32 {entry['PyArray_SetBaseObject']}(ptr {array}, ptr {base})")   # steals it
    f.emit(f"br i1 {f.value(f'icmp eq i32 {status}, 0')}, label %{based}, label %{based}_fail")
    f.block(f"{based}_fail")
    f.emit(f"call void @Py_DecRef(ptr {array})")
    f.emit(f"br label %{failed}")
    f.block(based)
    return array


def _byte_range(f: _Text, data: str, shape: Callable[[int], str], strides: Callable[[int], str], ndim: int,
                itemsize: int) -> tuple[str, str, str]:
    """``(low, high, empty)``: the addresses of the first byte and past the last byte an
    array's elements take, and whether it has no elements."""
    low = f.value(f"ptrtoint ptr {data} to i64")
    high, empty = f.value(f"add i64 {low}, {itemsize}"), "false"
    for k in range(ndim):
        n = shape(k)
        empty = f.value(f"or i1 {empty}, {f.value(f'icmp sle i64 {n}, 0')}")
        extent = f.value(f"mul i64 {f.value(f'sub i64 {n}, 1')}, {strides(k)}")
        below = f.value(f"icmp slt i64 {extent}, 0")
        low = f.value(f"add i64 {low}, {f.value(f'select i1 {below}, i64 {extent}, i64 0')}")
        high = f.value(f"add i64 {high}, {f.value(f'select i1 {below}, i64 0, i64 {extent}')}")
    return low, high, empty


def _view_candidates(key: tuple) -> list[tuple[int, ArrayType]]:
    """The arguments an array result without a block of its own can be a view of: every array."""
    return [(i, a) for i, (a, _) in enumerate(key) if isinstance(a, ArrayType)]


def _holding_argument(f: _Text, t: ArrayType, at: str, key: tuple, none: str) -> str:
    """The first argument array whose bytes hold those of the array stored at ``at`` (a
    borrowed reference), as ``runtime.memory.array_from_result`` looks for it; a branch to
    ``none`` where there is none or the array has no elements (the Python boxer decides)."""
    layout = memory_ctype(t)
    low, high, empty = _byte_range(f, f.field(at, layout.data.offset, "ptr"),
                                   lambda k: f.field(at, layout.shape.offset + 8 * k, "i64"),
                                   lambda k: f.field(at, layout.strides.offset + 8 * k, "i64"),
                                   t.ndim, to_dtype(t.dtype).itemsize)
    look = f.label()
    f.emit(f"br i1 {empty}, label %{none}, label %{look}")
    f.block(look)

    def holds(arg: str, a: ArrayType) -> str:
        dims, steps = f.field(arg, _ARRAY_DIMENSIONS, "ptr"), f.field(arg, _ARRAY_STRIDES, "ptr")
        a_low, a_high, a_empty = _byte_range(f, f.field(arg, _ARRAY_DATA, "ptr"),
                                             lambda k: f.field(dims, 8 * k, "i64"),
                                             lambda k: f.field(steps, 8 * k, "i64"),
                                             a.ndim, to_dtype(a.dtype).itemsize)
        inside = f.value(f"and i1 {f.value(f'icmp ule i64 {a_low}, {low}')}, {f.value(f'icmp ule i64 {high}, {a_high}')}")
        return f.value(f"and i1 {inside}, {f.value(f'xor i1 {a_empty}, true')}")

    return _first_argument(f, _view_candidates(key), holds, none)


def _numpy_array_api_ok() -> bool:
    """The API entries make a NumPy array over given memory as the native code calls them
    (checked through ctypes on a strided float64 view)."""
    import numpy as np

    api = numpy_array_api()
    if api["PyArray_Type"] != id(np.ndarray):
        return False
    descr_from_type = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_int)(api["PyArray_DescrFromType"])
    new = ctypes.PYFUNCTYPE(ctypes.py_object, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p,
                            ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)(
        api["PyArray_NewFromDescr"])
    source = np.arange(12.0).reshape(3, 4)
    shape, strides = (ctypes.c_int64 * 2)(3, 2), (ctypes.c_int64 * 2)(32, 16)
    view = new(id(np.ndarray), descr_from_type(np.dtype(np.float64).num), 2, ctypes.addressof(shape),
               ctypes.addressof(strides), source.ctypes.data, _WRITEABLE, None)
    return view.dtype == np.float64 and view.shape == (3, 2) and np.array_equal(view, source[:, ::2]) \
        and view.flags.writeable


def _box_numpy_scalar(f: _Text, t: Type, at: str) -> str:
    """A new NumPy scalar of ``t`` holding the bytes at ``at`` (NULL if allocating fails)."""
    cls = to_dtype(t).type   # NumPy's scalar types live as long as the process
    bits = to_dtype(t).itemsize * 8
    alloc = f.address(_tp_alloc(cls), ("tp_alloc", to_dtype(t).str))
    scalar = f.value(f"call ptr {alloc}(ptr {f.pointer(cls)}, i64 0)")
    allocated, filled, done = f.current, f.label(), f.label()
    f.emit(f"br i1 {f.value(f'icmp eq ptr {scalar}, null')}, label %{done}, label %{filled}")
    f.block(filled)
    f.store(f"i{bits}", f.value(f"load i{bits}, ptr {at}"), scalar, _NUMPY_SCALAR_VALUE)
    f.emit(f"br label %{done}")
    f.block(done)
    return f.value(f"phi ptr [null, %{allocated}], [{scalar}, %{filled}]")


# ----------------------------------------------------------------- the Python side
def _raiser(error_sites: ErrorSites) -> Callable[[int, int], None]:
    """``raise_status(status, errargs_address)``: what the native code calls when compiled code
    returns a non-zero status -- raises with the specialisation's own error-site table."""
    errargs_type = ctypes.c_int64 * ERRARGS_SLOTS

    def raise_status(status: int, errargs_address: int) -> None:
        error_sites.raise_error(status, list(errargs_type.from_address(errargs_address)))
    return raise_status


def _boxer(unpacker: Any, sources: Sources | None = None) -> Callable[..., Any]:
    """``box(ret_address, *args)``: the result in the native code's ``ret`` buffer (alive
    during the call), unpacked as ``CompiledFunction.__call__`` does: a tuple element the IR
    proves to be an earlier one's value (``sources``: ``("element", j)``) is that element's
    object, as in CPython's ``return v, v`` (the native code comes here for a tuple it cannot
    box itself: one holding an empty view of an argument, say)."""
    ctype = unpacker.ctype
    repeats = {i: source for i, source in (sources or {}).items() if isinstance(source, tuple)}

    def box(address: int, *args: Any) -> Any:
        result = unpacker.unpack(ctype.from_address(address), args)
        return with_proven_objects(result, args, repeats) if repeats else result
    return box


class NativeCall:
    """The builtin for one argument key and everything its machine code refers to.

    ``builtin`` is the callable; its ``self`` (``builtin.__self__``) is the tuple
    (this object, its ``PyMethodDef``, the name that points to), so the builtin keeps
    all of this alive, and the definition outlives it however the collector breaks
    the cycle through this object.
    """

    __slots__ = ("_fallback", "_fallback_slot", "_keep", "address", "builtin", "compiled", "key")

    def __init__(self, key: tuple, compiled: Any, name: str, fallback: Callable, nogil: bool = False,
                 binding: Binding | None = None) -> None:
        self.key = key
        self.compiled = compiled
        prebuilt = compiled.wrapper
        if prebuilt is not None and prebuilt.claim(key, nogil, binding):   # linked into the specialisation's module
            library, keep = compiled.library, prebuilt.keep
        else:
            from runtime.engine import get_engine

            keep = []
            views = {None if position < 0 else position: VIEW for position in compiled.unpacker.views}
            text, _ = _module_text(key, compiled.result_type, _address(compiled.entry_address),
                                _boxer(compiled.unpacker, compiled._proven), _raiser(compiled.error_sites), keep,
                                nogil, binding,
                                sources=views)
            library = get_engine().compile(text, opt_level=_WRAPPER_OPT, name=f"{name}.fastcall")
        self._fallback_slot = ctypes.c_void_p.from_address(library.address(FALLBACK_SYMBOL))
        self.set_fallback(fallback)
        #: the native function (METH_FASTCALL | METH_KEYWORDS, also a vectorcallfunc)
        self.address = library.address(WRAPPER_SYMBOL)
        method = _method_def(name.encode(), self.address, METH_FASTCALL | METH_KEYWORDS)
        self._keep = (library, keep)
        # a tuple, which the collector never clears: the definition outlives the builtin
        self.builtin = _new_builtin(_buffer_address(method[0]), (self, *method), None)

    def set_fallback(self, target: Callable) -> None:
        """Where calls that are not of this key go (kept referenced here)."""
        self._fallback = target
        self._fallback_slot.value = id(target)

    def __repr__(self) -> str:
        return f"<NativeCall {self.builtin.__name__}{self.key}>"


def native_call(key: tuple[tuple[Type, bool], ...], compiled: Any, name: str,
                fallback: Callable, nogil: bool = False, binding: Binding | None = None) -> NativeCall | None:
    """The native path for calls of argument ``key`` that run ``compiled``, falling back to
    ``fallback`` (``nogil``: the GIL released around every call; ``binding``: how calls with
    keywords and defaults are bound, None: only positional calls of every parameter are taken
    natively); None if this key cannot
    take it (see :func:`supports_key`), or if ``compiled`` keeps arrays in containers (its
    calls run in ``runtime.memory.lending``, which the ctypes path sets up)."""
    if not supports_key(key) or compiled.keeps_arrays:
        return None
    binding = _native_binding(key, binding)
    if binding is False:
        return None
    return NativeCall(key, compiled, name, fallback, nogil, binding)


def _native_binding(key: tuple, binding: Binding | None) -> Binding | None | bool:
    """The binding the native path of ``key`` takes: ``binding``, None (positional calls of
    every parameter only), or False (no native path: keyword-only parameters it cannot bind)."""
    if binding is not None and (len(binding.names) != len(key) or not _checked("tuples", _tuple_layout_ok)):
        return False if binding.keyword_only else None   # keyword-only: cannot all be given positionally
    return binding


class PrebuiltWrapper:
    """The wrapper of a specialisation's key, made with it (see the module docstring): its
    text, linked into the specialisation's module, and what that text points to."""

    __slots__ = ("claimed", "keep", "key", "nogil", "references", "shape", "text")

    def __init__(self, text: str, references: References, keep: list, key: tuple, nogil: bool,
                 binding: Binding | None) -> None:
        self.text, self.keep, self.key, self.nogil, self.shape = text, keep, key, nogil, _shape(binding)
        #: what the text points to (``compiler.references``)
        self.references = references
        self.claimed = False

    def claim(self, key: tuple, nogil: bool, binding: Binding | None) -> bool:
        """Take this wrapper for the native path of ``key``, if it is the one asked for: made
        for that key (another key that runs the same specialisation checks its arguments
        otherwise), with the same GIL rule and a binding of the same parameters (its defaults
        are checked by identity at each call anyway), and not taken before (it has one
        fallback pointer)."""
        if self.claimed or key != self.key or nogil != self.nogil or _shape(binding) != self.shape:
            return False
        self.claimed = True
        return True


def _shape(binding: Binding | None) -> tuple | None:
    if binding is None:
        return None
    return binding.names, binding.positional, binding.positional_only, binding.keyword_only


def prebuilt_wrapper(key: tuple[tuple[Type, bool], ...], result_type: Type, entry_symbol: str,
                     error_sites: ErrorSites, nogil: bool = False,
                     binding: Binding | None = None, patchable: bool = False,
                     sources: Sources | None = None) -> PrebuiltWrapper | None:
    """The wrapper of ``key`` to link into the module whose exported entry is ``entry_symbol``,
    before that module is compiled (None where ``key`` takes no native path: see
    :func:`native_call`; the caller checks that the code keeps no arrays in containers);
    ``patchable``: its references are globals a loader fills (for the disk cache);
    ``sources``: where the result's arrays come from (:func:`result_sources`)."""
    if not supports_key(key):
        return None
    binding = _native_binding(key, binding)
    if binding is False:
        return None
    keep: list = []
    sources = sources or {}
    views = [-1 if where is None else where for where, source in sources.items() if source == VIEW]
    text, references = _module_text(key, result_type, f'@"{entry_symbol}"',
                                    _boxer(ResultUnpacker(result_type, views), sources), _raiser(error_sites), keep,
                                    nogil, binding, patchable, sources)
    return PrebuiltWrapper(text, references, keep, key, nogil, binding)
