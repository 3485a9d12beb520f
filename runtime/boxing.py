"""Arguments in, results out: the Python side of the calling convention.

Compiled entry points have the C signature
``int32 entry(void *ret, int64 *errargs, void *args)`` (see
``compiler.codegen``): ``args`` is an array of 8-byte slots, one per scalar
argument (a complex takes two: real, imaginary), and ``ret`` receives the
result in its natural C layout.  This module maps Python values to IR types
(the specialisation key), and builds the ctypes structures that pack
arguments and unpack results, once per signature.

Python ``int`` arguments must fit in 64 bits (compiled ints are ``i64``);
a larger one is an ``OverflowError``, never a silent wrap.
"""
from __future__ import annotations

import ctypes
from typing import Any, Callable, Sequence

from ir.dtypes import from_dtype
from ir.types import (
    BoolType, ComplexType, FloatType, IntType, NoneType, TupleType, Type, bool_, c128, f64, i64,
)

ACCEPTED = "bool, int (64-bit), float, complex and NumPy scalars of those kinds"

_INT_CTYPES = {
    (8, True): ctypes.c_int8, (16, True): ctypes.c_int16, (32, True): ctypes.c_int32,
    (64, True): ctypes.c_int64, (8, False): ctypes.c_uint8, (16, False): ctypes.c_uint16,
    (32, False): ctypes.c_uint32, (64, False): ctypes.c_uint64,
}


def typeof(value: Any) -> Type | None:
    """The IR type an argument value specialises on, or None if unsupported."""
    if isinstance(value, bool):
        return bool_
    if isinstance(value, int):
        if not -(1 << 63) <= value < (1 << 63):
            raise OverflowError(f"int argument {value} does not fit in 64 bits; compiled functions "
                                "take 64-bit ints")
        return i64
    if isinstance(value, float):
        return f64
    if isinstance(value, complex):
        return c128
    dtype = getattr(value, "dtype", None)
    if dtype is not None and getattr(value, "ndim", None) == 0 and type(value).__module__ == "numpy":
        return from_dtype(dtype)
    return None


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
    raise TypeError(f"no memory layout for {t}")


def _slot_fields(i: int, t: Type) -> list[tuple[str, Any]]:
    """The fields one argument takes in the 8-byte-slot array."""
    if isinstance(t, BoolType):
        return [(f"a{i}", ctypes.c_uint64)]
    if isinstance(t, IntType):
        return [(f"a{i}", ctypes.c_int64 if t.signed else ctypes.c_uint64)]
    if isinstance(t, FloatType):
        if t.bits == 64:
            return [(f"a{i}", ctypes.c_double)]
        return [(f"a{i}", ctypes.c_float), (f"_pad{i}", ctypes.c_uint32)]
    if isinstance(t, ComplexType):
        return _slot_fields(i, t.part) + [(f + "_im", c) for f, c in _slot_fields(i, t.part)]
    raise TypeError(f"an argument cannot have type {t}")


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
    """Packs the arguments of one signature into the slot array."""

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
    if isinstance(t, ComplexType):
        if t.bits == 64:
            return lambda v: (complex(v).real, 0, complex(v).imag, 0)
        return lambda v: (complex(v).real, complex(v).imag)
    convert = _to_python(t)
    if isinstance(t, FloatType) and t.bits == 32:
        return lambda v: (convert(v), 0)
    return lambda v: (convert(v),)


class ResultUnpacker:
    """Reads a result of type ``t`` from the ``ret`` buffer."""

    def __init__(self, t: Type):
        self.type = t
        self.ctype = memory_ctype(t)

    def new_buffer(self) -> Any:
        return self.ctype()

    def unpack(self, buffer: Any) -> Any:
        return _read(self.type, buffer)


def _read(t: Type, cvalue: Any) -> Any:
    if isinstance(t, NoneType):
        return None
    if isinstance(t, TupleType):
        return tuple(_read(e, getattr(cvalue, f"f{i}")) for i, e in enumerate(t.elements))
    if isinstance(t, ComplexType):
        return complex(cvalue.re, cvalue.im)
    value = cvalue.value if hasattr(cvalue, "value") else cvalue
    if isinstance(t, BoolType):
        return bool(value)
    return value
