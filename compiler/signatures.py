"""Signature strings: ``"f8(f8, i8)"``, ``"(f64, i64)"`` or ``"float64, int64"``.

Type names mean what they mean in NumPy and Numba, so that a signature copied
from Numba compiles for the types it names:

* NumPy's sized codes, sizes in bytes, exactly as ``np.dtype(code)`` reads
  them: ``b1 i1 i2 i4 i8 u1 u2 u4 u8 f4 f8 c8 c16`` (``i8`` is int64, ``u1``
  uint8, ``c16`` complex128);
* NumPy's and Numba's names: ``int8`` .. ``int64``, ``uint8`` .. ``uint64``,
  ``float32``, ``float64``, ``complex64``, ``complex128``, ``bool``,
  ``bool_``, ``boolean``, and ``int`` (int64), ``float``, ``complex``,
  ``void`` (no result);
* the IR's bit-sized names where they cannot be misread: ``i16 i32 i64 u16
  u32 u64 f32 f64 c64 c128 bool none``.

Decision: ``i8`` and ``u8`` are both a NumPy code (8 bytes) and an IR name (8
bits); in a signature NumPy's meaning wins, so ``i8`` is int64 and ``u8``
uint64 (write ``int8``/``i1`` and ``uint8``/``u1`` for the 8-bit types).  The
IR's text form (``ir.types``, the printer and parser of the IR) keeps its own
names, where ``i8`` is int8: signatures are formatted here, by
:func:`format_type`, never with ``str`` of an IR type, so a printed signature
reads back as the same types (int8 prints as ``int8``, uint8 as ``uint8``).

C pointers, for ``compiler.cfunc`` signatures only: ``T*`` (``f64*``, ``int32*``: Numba's
``CPointer(float64)``, printed ``float64*`` by Numba too) and ``voidptr`` (``void *``); with
Numba's names of C integers ``intc``/``uintc`` (int32/uint32) and ``intp``/``uintp``
(``intptr_t``: int64/uint64 here).  Elsewhere a pointer is a ``SignatureError``.

Arrays are written as Numba users write them, with any of the names above:
``f8[:]`` (1-d, any layout), ``f64[::1]`` (1-d C-contiguous), ``i4[:, ::1]``
(2-d C), ``int32[::1, :]`` (2-d Fortran), ``int32[:, :]`` (2-d, any layout).
Read-only arrays print as ``readonly f64[::1]``.  Tuples are written
``tuple<f64, i8>`` (nested: ``tuple<tuple<f8, f8>, f8[::1]>``; ``tuple<>`` is the empty
one), as arguments and results; a Python number in a tuple argument is a
scalar of the tuple's type, as a scalar argument is.  A result that may be None is
``optional<f64>`` (read back too).

:func:`as_type` also reads a type given as a Python object (``compiler.py_call``'s
result type): a name above, a Python type (``bool``, ``int`` for int64,
``float``, ``complex``, ``str``), a NumPy type or dtype (``np.float32``,
``np.dtype("i2")``), an IR type, or ``None`` for no value.
"""
from __future__ import annotations

from typing import Any

from ir.dtypes import from_dtype
from ir.records import record
from ir.types import (
    ArrayType, IntType, OptionalType, PointerType, TupleType, Type, bool_, c64, c128, f32, f64, generator, i8, i16,
    i32, i64, none, optional, str_, u8, u16, u32, u64,
)

#: NumPy's sized character codes (sizes in bytes), as ``np.dtype(code)`` reads them
NUMPY_CODES: dict[str, Type] = {
    "b1": bool_, "i1": i8, "i2": i16, "i4": i32, "i8": i64, "u1": u8, "u2": u16, "u4": u32, "u8": u64,
    "f4": f32, "f8": f64, "c8": c64, "c16": c128,
}
#: NumPy's and Numba's type names
NAMES: dict[str, Type] = {
    "int8": i8, "int16": i16, "int32": i32, "int64": i64, "uint8": u8, "uint16": u16, "uint32": u32,
    "uint64": u64, "float32": f32, "float64": f64, "complex64": c64, "complex128": c128,
    "bool": bool_, "bool_": bool_, "boolean": bool_, "int": i64, "float": f64, "complex": c128, "void": none,
    "intc": i32, "uintc": u32, "intp": i64, "uintp": u64,
}
#: the IR's bit-sized names that no NumPy code reads differently (not i8, u8)
BIT_NAMES: dict[str, Type] = {
    "i16": i16, "i32": i32, "i64": i64, "u16": u16, "u32": u32, "u64": u64,
    "f32": f32, "f64": f64, "c64": c64, "c128": c128, "bool": bool_, "none": none,
}
TYPE_NAMES: dict[str, Type] = {**BIT_NAMES, **NAMES, **NUMPY_CODES, "generator": generator, "str": str_}

#: what the error for an unknown name lists
ACCEPTED = (f"a NumPy code ({' '.join(NUMPY_CODES)}; sizes in bytes: i8 is int64), "
            f"a name ({' '.join(NAMES)}), "
            f"a bit-sized name ({' '.join(BIT_NAMES)}), "
            "an array of one of them (f8[:], f8[::1], i4[:, ::1], int32[::1, :]), "
            "a tuple of these (tuple<f8, i8[:]>), generator (a np.random.Generator) or str")
#: what the error for a C pointer outside a cfunc signature says
POINTERS_ONLY_IN_CFUNC = ("C pointer types (f64*, voidptr) are types of compiler.cfunc signatures only; "
                          "@compile and py_call take arrays (f64[:])")


class SignatureError(ValueError):
    """A signature string that cannot be read."""


@record(frozen=True)
class Signature:
    """Argument types and an optional result type: what ``"f64(i64, f64)"`` reads as."""

    args: tuple[Type, ...]
    result: Type | None = None

    def __str__(self) -> str:
        """The signature as a string that :func:`parse_signature` reads back."""
        args = ", ".join(map(format_type, self.args))
        return f"{format_type(self.result)}({args})" if self.result is not None else f"({args})"


def format_type(t: Type) -> str:
    """``t`` as a signature writes it: the IR's name, but ``int8``/``uint8`` for
    the 8-bit ints (``i8`` reads as int64 here) and arrays as ``f64[:, ::1]``."""
    if isinstance(t, IntType) and t.bits == 8:
        return "int8" if t.signed else "uint8"
    if isinstance(t, ArrayType):
        axes = [":"] * t.ndim
        if t.layout == "C":
            axes[-1] = "::1"
        elif t.layout == "F":
            axes[0] = "::1"
        text = f"{format_type(t.dtype)}[{', '.join(axes)}]"
        return f"readonly {text}" if t.readonly else text
    if isinstance(t, OptionalType):
        return f"optional<{format_type(t.value)}>"
    if isinstance(t, TupleType):
        return f"tuple<{', '.join(map(format_type, t.elements))}>"
    if isinstance(t, PointerType):
        return "voidptr" if t.pointee is None else f"{format_type(t.pointee)}*"
    return str(t)


def parse_type_name(text: str) -> Type:
    name = text.strip()
    if name.startswith("optional<") and name.endswith(">"):
        return optional(parse_type_name(name[len("optional<"):-1]))
    if name.startswith("tuple<") and name.endswith(">"):
        inside = name[len("tuple<"):-1]
        return TupleType(tuple(parse_type_name(p) for p in _split_arguments(inside)) if inside.strip() else ())
    if name.endswith("]") and "[" in name:
        return _parse_array(name)
    if name.endswith("*"):
        return PointerType(parse_type_name(name[:-1]))
    if name == "voidptr":
        return PointerType(None)
    t = TYPE_NAMES.get(name)
    if t is None:
        raise SignatureError(f"unknown type {name!r} in signature; use {ACCEPTED}")
    return t


def as_type(spec: Any) -> Type:
    """The IR type ``spec`` names (see the module docstring); ``SignatureError`` if none."""
    if spec is None:
        return none
    if isinstance(spec, Type):
        return spec
    if spec is str:
        return str_
    if isinstance(spec, str):
        t = parse_type_name(spec)
        if _has_pointer(t):
            raise SignatureError(f"{spec!r}: {POINTERS_ONLY_IN_CFUNC}")
        return t
    import numpy as np

    try:
        t = from_dtype(np.dtype(spec))
    except TypeError:
        t = None
    if t is None:
        raise SignatureError(f"{spec!r} is not a type compiled code has; use None, a Python or NumPy type "
                             f"(float, np.int32), or {ACCEPTED}")
    return t


def _parse_array(text: str) -> ArrayType:
    base, _, dims = text[:-1].partition("[")
    dtype = parse_type_name(base)
    axes = [a.replace(" ", "") for a in dims.split(",")]
    if not dtype.is_scalar or any(a not in (":", "::1") for a in axes):
        raise SignatureError(f"cannot read the array type {text!r}; write e.g. f8[:], f8[::1] or f8[:, ::1]")
    contiguous = [i for i, a in enumerate(axes) if a == "::1"]
    if not contiguous:
        layout = "A"
    elif contiguous == [len(axes) - 1]:
        layout = "C"
    elif contiguous == [0]:
        layout = "F"
    else:
        raise SignatureError(f"in {text!r} only the last (C) or the first (Fortran) axis can be ::1")
    return ArrayType(dtype, len(axes), layout)


def _split_arguments(text: str) -> list[str]:
    """Split at the commas that are not inside brackets (``[]``, ``<>``)."""
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += {"[": 1, "]": -1, "<": 1, ">": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return parts


def _has_pointer(t: Type | None) -> bool:
    if isinstance(t, TupleType):
        return any(map(_has_pointer, t.elements))
    return isinstance(t, PointerType)


def parse_signature(text: str, pointers: bool = False) -> Signature:
    """Read a signature string (see the module docstring); C pointer types only with ``pointers``."""
    if "CPointer(" in text:
        raise SignatureError(f"write Numba's CPointer(T) as T* in signature {text!r} (f64* for CPointer(float64))")
    sig = _parse_signature(text)
    if not pointers and any(map(_has_pointer, (*sig.args, sig.result))):
        raise SignatureError(f"signature {text!r}: {POINTERS_ONLY_IN_CFUNC}")
    return sig


def _parse_signature(text: str) -> Signature:
    s = text.strip()
    result = None
    if s.endswith(")"):
        open_paren = s.find("(")
        if open_paren < 0:
            raise SignatureError(f"unbalanced parentheses in signature {text!r}")
        head, s = s[:open_paren].strip(), s[open_paren + 1:-1]
        if head:
            result = parse_type_name(head)
    if "(" in s or ")" in s:
        raise SignatureError(f"unbalanced parentheses in signature {text!r}")
    args = tuple(parse_type_name(p) for p in _split_arguments(s)) if s.strip() else ()
    return Signature(args, result)
