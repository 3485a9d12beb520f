"""Arguments in, results out: the Python side of the calling convention.

Compiled entry points have the C signature
``int32 entry(void *ret, int64 *errargs, void *args)`` (see
``compiler.codegen``): ``args`` is an array of 8-byte slots laid out as
:func:`runtime.abi.argument_slots` says, and ``ret`` receives the result in
its natural C layout.  This module maps Python values to IR types
(the specialisation key), and builds the ctypes structures that pack
arguments and unpack results, once per signature.

Arrays (the ABI in two lines):

* ``array<T, n, L>`` is ``{ptr meminfo, ptr data, [n x i64] shape, [n x i64] strides}`` (byte
  strides) in registers and in memory; as an argument, slots meminfo, data, shape[0..n-1], strides[0..n-1].
* meminfo is null for arrays the caller lends; compiled code's arrays point it to a header
  ``{i64 refcount, padding}`` directly followed by the data (sizes and alignment: :mod:`runtime.abi`).

A NumPy array argument is lent: meminfo 0, its own data pointer, shape and
byte strides; it must stay alive during the call (the caller's argument
tuple keeps it).  Its IR type is ``array<dtype, ndim, layout>`` with layout
``C`` if it is C-contiguous, else ``F`` if Fortran-contiguous, else ``A``,
and ``readonly`` when it is not writeable.  Not supported: dtypes the IR
has no type for (object, strings, datetimes, structured) and ndarray
subclasses other than ``np.memmap`` (a masked array or a matrix would lose
its meaning) -- ``typeof`` gives None and the dispatcher raises its
``TypeError``; 0-d arrays (pass a scalar), non-native byte order and
misaligned data (compiled code accesses elements at their natural
alignment) -- ``typeof`` raises a ``TypeError`` that says what to pass (the
dispatcher passes a misaligned array as an aligned copy instead:
``compiler.dispatcher._with_aligned_copies``).

An array result becomes a NumPy array without a copy
(:func:`runtime.memory.array_from_result`): one that compiled code
allocated keeps its block alive through a ``MemInfoOwner``; one that
belongs to an argument (returned as is or as a view) keeps that argument
alive, so ``ResultUnpacker.unpack`` needs the call's arguments.

A tuple argument (exactly ``tuple``: a named tuple has no type here, and the dispatcher's
``TypeError`` says to pass ``tuple(x)``) has the type ``tuple<...>`` of its
elements' types, nested as the value is, if every element is an argument of a
type above (else ``typeof`` gives None); it takes the slots of its elements in order
(:func:`runtime.abi.argument_slots`), each packed as it would be alone.  Whether an
element is a Python scalar is part of the key as it is for an argument
(:func:`python_scalars`).

A ``str`` argument (exactly ``str``: a subclass has no type here, and the dispatcher's
``TypeError`` says to pass ``str(x)``) is passed as its address, borrowed; a ``str`` result holds a reference the
result takes over (:func:`_steal`).

Python ``int`` arguments must fit in 64 bits (compiled ints are ``i64``);
a larger one is an ``OverflowError``, never a silent wrap.

``None`` is an argument of type ``none`` (no slots: the compiled code knows
the value from the type, so ``if out is None`` is decided when it is traced).
A result of type ``optional<T>`` comes back as None or as the ``T`` value.
"""
from __future__ import annotations

import ctypes
import sys
from typing import Any, Callable, Mapping, Sequence

from ir.dtypes import from_dtype, to_dtype
from ir.types import (
    ArrayType, BoolType, ComplexType, DictType, FloatType, GeneratorType, IntType, ListType, NoneType, ObjectType,
    OptionalType, SetType, TupleType, Type, bool_, c128, f64, generator, i64, none, str_,
)

from .abi import argument_slots

#: argument types that are Python scalars (weak in NumPy 2's promotion)
PYTHON_SCALARS = (bool, int, float, complex)

ACCEPTED = ("bool, int (64-bit), float, complex, str, NumPy scalars of those kinds, NumPy arrays "
            "(1-d or more) of them, np.random.Generator objects, None, tuples of these, and lists, dicts and "
            "sets whose items (keys, values) have one type")

_INT_CTYPES = {
    (8, True): ctypes.c_int8, (16, True): ctypes.c_int16, (32, True): ctypes.c_int32,
    (64, True): ctypes.c_int64, (8, False): ctypes.c_uint8, (16, False): ctypes.c_uint16,
    (32, False): ctypes.c_uint32, (64, False): ctypes.c_uint64,
}


def typeof(value: Any) -> Type | None:
    """The IR type an argument value specialises on, or None if unsupported.

    Raises ``OverflowError`` for an int beyond 64 bits and ``TypeError`` for an
    array refused for a reason the caller can fix (0-d, byte order, alignment).
    """
    if isinstance(value, bool):
        return bool_
    if value is None:
        return none
    if isinstance(value, int):
        if not -(1 << 63) <= value < (1 << 63):
            raise OverflowError(f"int argument {value} does not fit in 64 bits; compiled functions "
                                "take 64-bit ints")
        return i64
    if isinstance(value, float):
        return f64
    if isinstance(value, complex):
        return c128
    if isinstance(value, str):   # exactly str: a subclass (np.str_ too) is refused by the dispatcher
        return str_ if type(value) is str else None
    if isinstance(value, tuple):  # exactly tuple: a named tuple is refused by the dispatcher
        return _tuple_type(value) if type(value) is tuple else None
    if type(value) is list:   # exactly a list, dict or set
        return list_type(value)
    if type(value) is dict:
        return dict_type(value)
    if type(value) is set:
        return set_type(value)
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        return generator if type(value).__module__ == "numpy.random._generator" and \
            type(value).__name__ == "Generator" else None
    np = sys.modules.get("numpy")  # a NumPy value implies that NumPy is imported
    if np is None:
        return None
    cls = type(value)
    if cls is np.ndarray or cls is np.memmap:
        return _array_type(value)
    if isinstance(value, np.generic):
        return from_dtype(dtype)
    return None


def list_type(items: list) -> ListType | None:
    """``list<T>`` of a list argument: its items all of one type (:func:`_items_kind`);
    ``list<?>`` when empty.  None for anything else (mixed items).  Every item is looked at,
    at every call: compiled code reads them as that type."""
    kind = _items_kind(items, arrays=True)
    return None if kind is None else ListType(*kind)


def dict_type(d: dict) -> DictType | None:
    """``dict<K, V>`` of a dict argument: keys of one hashable kind, values of one kind
    (:func:`_items_kind`; keys not lists, dicts or sets); ``dict<?, ?>`` when empty."""
    keys, values = _items_kind(list(d), key=True), _items_kind(list(d.values()))
    if keys is None or values is None:
        return None
    return DictType(keys[0], values[0], keys[1], values[1])


def set_type(items: set) -> SetType | None:
    """``set<T>`` of a set argument: elements of one hashable kind; ``set<?>`` when empty."""
    kind = _items_kind(list(items), key=True)
    return None if kind is None else SetType(*kind)


def _items_kind(items: list, key: bool = False, arrays: bool = False) -> tuple[Type | None, bool] | None:
    """(type, NumPy scalars?) of the items of a container argument: all Python bools, ints
    (64-bit), floats or complex numbers, NumPy scalars of one dtype (not uint64), strings,
    tuples of Python numbers and strings, or (not for a ``key``: a dict's keys, a set's elements)
    lists, dicts or sets of one such type; for a list's items (``arrays``) also writable NumPy
    arrays of one dtype and number of dimensions, ``array<T, n, A>`` (a list holds arrays of
    any layout); ``(None, False)`` for none; None for anything else."""
    classes = set(map(type, items))
    if not classes:
        return None, False
    if len(classes) != 1:
        return None
    cls = classes.pop()
    if cls in (list, dict, set) and not key:
        types = {{list: list_type, dict: dict_type, set: set_type}[cls](v) for v in items}
        if None in types:
            return None
        known = {t for t in types if not _unknown_items(t)}
        return (known.pop() if known else types.pop(), False) if len(known) <= 1 else None
    np = sys.modules.get("numpy")
    if arrays and np is not None and cls is np.ndarray:
        types = [_array_type(v) for v in items]
        kinds = {None if t is None or t.readonly else (t.dtype, t.ndim) for t in types}
        return (ArrayType(*kinds.pop(), "A"), False) if len(kinds) == 1 and None not in kinds else None
    if cls is tuple:
        parts = {_python_tuple(v) for v in items}
        return (parts.pop(), False) if len(parts) == 1 and None not in parts else None
    simple = {bool: bool_, float: f64, complex: c128, str: str_}.get(cls)
    if simple is not None:
        return simple, False
    if cls is int:
        return (i64, False) if min(items) >= -(1 << 63) and max(items) < (1 << 63) else None
    if np is not None and issubclass(cls, np.generic) and cls is not np.uint64:
        t = from_dtype(items[0].dtype)
        return (t, True) if t.is_scalar else None
    return None


def _python_tuple(value: tuple) -> TupleType | None:
    """The type of a tuple of Python numbers and strings (and such tuples) a container holds."""
    parts = []
    for v in value:
        t = _python_tuple(v) if type(v) is tuple else \
            {bool: bool_, int: i64, float: f64, complex: c128, str: str_}.get(type(v))
        if t is None or t == i64 and not -(1 << 63) <= v < (1 << 63):
            return None
        parts.append(t)
    return TupleType(tuple(parts))


def _unknown_items(t: Type) -> bool:
    if isinstance(t, (ListType, SetType)):
        return t.element is None
    return isinstance(t, DictType) and (t.key is None or t.value is None)


def _tuple_type(value: tuple) -> TupleType | None:
    elements = []
    for v in value:
        t = typeof(v)
        if t is None:
            return None
        elements.append(t)
    return TupleType(tuple(elements))


def python_scalars(value: Any) -> Any:
    """Whether an argument is a Python scalar (weak in NumPy 2's promotion): a bool, or for a
    tuple a tuple of these, nested as the value is -- its part of the specialisation key."""
    if type(value) is tuple:
        return tuple(python_scalars(v) for v in value)
    return type(value) in PYTHON_SCALARS


#: (dtype, ndim, flags) -> the array's type, None, or why it is refused (a str);
#: flags: C-contiguous, F-contiguous, writeable, aligned
_ARRAY_TYPES: dict[tuple, ArrayType | str | None] = {}


def _array_type(a: Any) -> ArrayType | None:
    flags = a.flags
    key = (a.dtype, a.ndim, flags.c_contiguous, flags.f_contiguous, flags.writeable, flags.aligned)
    t = _ARRAY_TYPES.get(key, False)
    if t is False:
        t = _ARRAY_TYPES[key] = _new_array_type(*key)
    if isinstance(t, str):
        raise TypeError(t)
    return t


def _new_array_type(dtype: Any, ndim: int, c_contiguous: bool, f_contiguous: bool, writeable: bool,
                    aligned: bool) -> ArrayType | str | None:
    element = from_dtype(dtype)
    if element is None:
        return None  # the dispatcher's TypeError lists what is accepted
    if ndim == 0:
        return "compiled functions do not take 0-d arrays: pass the scalar a[()] instead"
    if not dtype.isnative:
        return (f"compiled functions do not take arrays of non-native byte order ({dtype.str}): "
                "pass a.astype(a.dtype.newbyteorder('='))")
    if not aligned:
        return "compiled functions do not take arrays with misaligned data: pass a copy (a.copy())"
    layout = "C" if c_contiguous else "F" if f_contiguous else "A"
    return ArrayType(element, ndim, layout, readonly=not writeable)


def memory_ctype(t: Type) -> Any:
    """The ctypes type of ``t`` in memory (the layout the codegen stores)."""
    if isinstance(t, BoolType):
        return ctypes.c_bool
    if isinstance(t, IntType):
        return _INT_CTYPES[(t.bits, t.signed)]
    if isinstance(t, FloatType):
        return ctypes.c_float if t.bits == 32 else ctypes.c_double
    if isinstance(t, ComplexType):
        part = ctypes.c_float if t.bits == 64 else ctypes.c_double
        return type(f"{t}", (ctypes.Structure,), {"_fields_": [("re", part), ("im", part)]})
    if isinstance(t, TupleType):
        fields = [(f"f{i}", memory_ctype(e)) for i, e in enumerate(t.elements)]
        return type(f"tuple{len(fields)}", (ctypes.Structure,), {"_fields_": fields})
    if isinstance(t, NoneType):
        return ctypes.c_int64  # nothing is stored; a word keeps the pointer valid
    if isinstance(t, ArrayType):
        return _array_struct(t.ndim)
    if isinstance(t, ObjectType):
        return ctypes.c_void_p
    raise TypeError(f"no memory layout for {t}")


_ARRAY_STRUCTS: dict[int, Any] = {}


def _array_struct(ndim: int) -> Any:
    """``{ptr meminfo, ptr data, [n x i64] shape, [n x i64] strides}`` as a ctypes structure."""
    struct = _ARRAY_STRUCTS.get(ndim)
    if struct is None:
        dims = ctypes.c_int64 * ndim
        struct = _ARRAY_STRUCTS[ndim] = type(f"array{ndim}", (ctypes.Structure,), {"_fields_": [
            ("meminfo", ctypes.c_void_p), ("data", ctypes.c_void_p), ("shape", dims), ("strides", dims)]})
    return struct


#: the ctypes fields of each kind of argument slot (see :func:`runtime.abi.argument_slots`)
_SLOT_CTYPES = {"int": [ctypes.c_int64], "uint": [ctypes.c_uint64], "ptr": [ctypes.c_uint64],
                "f64": [ctypes.c_double], "f32": [ctypes.c_float, ctypes.c_uint32]}


def _slot_fields(i: int, t: Type) -> list[tuple[str, Any]]:
    """The fields argument ``i`` takes in the slot structure: ``a<i><suffix>`` per slot of
    :func:`runtime.abi.argument_slots` (an ``f32`` slot is a ``float`` and a padding field
    ``_pad<i><suffix>``).  A tuple's elements take theirs, in order (``a<i>_<j>...``); ``none``
    takes no field."""
    return [(name, ctype) for suffix, kind in argument_slots(t)
            for name, ctype in zip((f"a{i}{suffix}", f"_pad{i}{suffix}"), _SLOT_CTYPES[kind])]


def _to_python(t: Type) -> Callable[[Any], Any]:
    if isinstance(t, BoolType):
        return bool
    if isinstance(t, IntType):
        return int
    if isinstance(t, FloatType):
        return float
    if isinstance(t, ComplexType):
        return complex
    raise TypeError(f"no Python conversion for {t}")


class ArgPacker:
    """Packs the arguments of one signature into the slot array.

    The arguments are trusted to have the types of the signature (the
    dispatcher checked them with :func:`typeof`); each argument's packing
    function is chosen once, here.
    """

    def __init__(self, arg_types: Sequence[Type]):
        self.arg_types = tuple(arg_types)
        fields = [f for i, t in enumerate(self.arg_types) for f in _slot_fields(i, t)]
        self.struct = type("Args", (ctypes.Structure,), {"_fields_": fields or [("_empty", ctypes.c_int64)]})
        self.converters = [_slot_values(t) for t in self.arg_types]

    def pack(self, values: Sequence[Any]) -> ctypes.Structure:
        """The slot structure for ``values`` (fields in order, padding included)."""
        return self.struct(*[field for convert, v in zip(self.converters, values) for field in convert(v)])


def _slot_values(t: Type) -> Callable[[Any], tuple]:
    """How one argument fills its fields of the slot structure (see ``_slot_fields``)."""
    if isinstance(t, NoneType):
        return lambda v: ()
    if isinstance(t, TupleType):
        parts = [_slot_values(e) for e in t.elements]
        return lambda v: tuple(field for fill, e in zip(parts, v) for field in fill(e))
    if isinstance(t, ArrayType):
        from .memory import data_pointer_function

        data_pointer = data_pointer_function()
        return lambda a: (0, data_pointer(a), *a.shape, *a.strides)
    if isinstance(t, GeneratorType):  # the caller's Generator keeps its bit generator alive
        return lambda g: (g.bit_generator.ctypes.bit_generator.value,)
    if isinstance(t, ObjectType):  # the caller's reference keeps it alive during the call
        return lambda v: (id(v),)
    if isinstance(t, ComplexType):
        if t.bits == 64:
            return lambda v: (complex(v).real, 0, complex(v).imag, 0)
        return lambda v: (complex(v).real, complex(v).imag)
    convert = _to_python(t)
    if isinstance(t, FloatType) and t.bits == 32:
        return lambda v: (convert(v), 0)
    return lambda v: (convert(v),)


def with_proven_objects(result: Any, args: Sequence[Any], proven: Mapping[int | None, Any]) -> Any:
    """``result`` (an unpacked result) with the objects ``proven`` names in place of the arrays
    unpacked for them, by tuple element (None: the result itself): an index is that argument
    object, ``("element", j)`` tuple element ``j``'s object (CPython's ``return v, v``: one
    object twice).  The array unpacked for it goes, and with its owner its reference."""
    def proven_object(where: int | None, value: Any) -> Any:
        source = proven.get(where)
        if source is None:
            return value
        return args[source] if isinstance(source, int) else result[source[1]]

    if None in proven:
        return proven_object(None, result)
    return tuple(proven_object(i, value) for i, value in enumerate(result))


class ResultUnpacker:
    """Reads a result of type ``t`` from the ``ret`` buffer.

    ``unpack(buffer, args)`` takes the call's arguments too: an array result
    that is an argument, or a view of one, keeps that argument alive (see
    :func:`runtime.memory.array_from_result`).  ``views``: where the result
    holds a view the function made (tuple positions, -1 for the result
    itself), a new object even where it spans all of an argument.  Arrays are unpacked in two
    steps, so that a failure half-way cannot leak a block: first every
    non-null meminfo of the result gets its ``MemInfoOwner``, then the NumPy
    arrays are built.
    """

    def __init__(self, t: Type, views: Sequence[int] = ()):
        self.type = t
        self.views = tuple(views)
        self.ctype = memory_ctype(t)
        self._arrays = _contains_array(t)
        self._read = _reader(t, -1 in self.views, self.views)
        self._claim = _claimer(t) if self._arrays else None

    def new_buffer(self) -> Any:
        return self.ctype()

    def unpack(self, buffer: Any, args: Sequence[Any] = ()) -> Any:
        if not self._arrays:
            return self._read(buffer, args, None)
        owners: list[Any] = []
        self._claim(buffer, owners)
        return self._read(buffer, args, iter(owners))


def _contains_array(t: Type) -> bool:
    if isinstance(t, ArrayType):
        return True
    return isinstance(t, TupleType) and any(_contains_array(e) for e in t.elements)


def _claimer(t: Type) -> Callable[[Any, list], None]:
    """Appends a ``MemInfoOwner`` for every non-null meminfo in a result, in order."""
    if isinstance(t, ArrayType):
        from .memory import MemInfoOwner

        def claim(c: Any, owners: list) -> None:
            if c.meminfo:
                owners.append(MemInfoOwner(c.meminfo))
        return claim
    if isinstance(t, TupleType):
        parts = [(f"f{i}", _claimer(e)) for i, e in enumerate(t.elements) if _contains_array(e)]

        def claim_all(c: Any, owners: list) -> None:
            for name, claim in parts:
                claim(getattr(c, name), owners)
        return claim_all
    return lambda c, owners: None


def _reader(t: Type, view: bool = False, views: Sequence[int] = ()) -> Callable[[Any, Sequence[Any], Any], Any]:
    """``(cvalue, args, owners) -> Python value``; ``owners`` iterates over the
    owners :func:`_claimer` made, in the same order.  ``view``: the array is a view the
    function made; ``views``: the tuple elements that are."""
    if isinstance(t, ArrayType):
        from .memory import array_from_result

        try:
            dtype = to_dtype(t.dtype)
        except KeyError:
            raise TypeError(f"no NumPy dtype for the elements of {t}") from None
        readonly = t.readonly

        def read_array(c: Any, args: Sequence[Any], owners: Any) -> Any:
            owner = next(owners) if c.meminfo else None
            return array_from_result(dtype, c.shape[:], c.strides[:], c.data or 0, owner, args, readonly, view)
        return read_array
    if isinstance(t, ObjectType):
        return lambda c, args, owners: _steal(c)
    if isinstance(t, OptionalType):  # an absent value's placeholder has no meminfo: nothing was claimed
        read_value = _reader(t.value)
        return lambda c, args, owners: read_value(c.f1, args, owners) if c.f0 else None
    if isinstance(t, TupleType):
        parts = [(f"f{i}", _reader(e, i in views)) for i, e in enumerate(t.elements)]
        return lambda c, args, owners: tuple(read(getattr(c, name), args, owners) for name, read in parts)
    return lambda c, args, owners: _read(t, c)


#: result types that come back as Python objects; the others have no Python
#: type and come back as NumPy scalars (``np.float32``, ``np.int8``...)
_PYTHON_RESULT_TYPES = (bool_, i64, f64, c128)


_decref = ctypes.pythonapi.Py_DecRef
_decref.argtypes, _decref.restype = [ctypes.c_void_p], None


def _steal(cvalue: Any) -> Any:
    """The ``str`` object a result slot holds a reference to (handed to the caller: ours is
    given up once Python holds its own)."""
    address = cvalue.value if hasattr(cvalue, "value") else cvalue
    if not address:   # an absent optional's placeholder
        return None
    obj = ctypes.cast(address, ctypes.py_object).value
    _decref(address)
    return obj


def _read(t: Type, cvalue: Any) -> Any:
    if isinstance(t, NoneType):
        return None
    if isinstance(t, ObjectType):
        return _steal(cvalue)
    if isinstance(t, OptionalType):
        return _read(t.value, cvalue.f1) if cvalue.f0 else None
    if isinstance(t, TupleType):
        return tuple(_read(e, getattr(cvalue, f"f{i}")) for i, e in enumerate(t.elements))
    if isinstance(t, ComplexType):
        value: Any = complex(cvalue.re, cvalue.im)
    else:
        value = cvalue.value if hasattr(cvalue, "value") else cvalue
    if isinstance(t, BoolType):
        return bool(value)
    if t not in _PYTHON_RESULT_TYPES:
        return to_dtype(t).type(value)
    return value
