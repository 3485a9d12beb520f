"""Signature strings: ``"f64(f64, i64)"``, ``"(f64, i64)"`` or ``"f64, i64"``.

Type names are the IR's (``i64``, ``f64``, ``bool``, ``c128``...) or NumPy's
long names (``int64``, ``float64``, ``complex128``...).  Arrays are written
as Numba users write them: ``f64[:]`` (1-d, any layout), ``f64[::1]`` (1-d
C-contiguous), ``f64[:, ::1]`` (2-d C), ``f64[::1, :]`` (2-d Fortran),
``int32[:, :]`` (2-d, any layout).
"""
from __future__ import annotations

from dataclasses import dataclass

from ir.types import NAMED_TYPES, ArrayType, Type

_LONG_NAMES = {
    "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64", "uint8": "u8", "uint16": "u16",
    "uint32": "u32", "uint64": "u64", "float32": "f32", "float64": "f64", "complex64": "c64",
    "complex128": "c128", "boolean": "bool", "bool_": "bool", "int": "i64", "float": "f64",
    "complex": "c128", "void": "none",
}


class SignatureError(ValueError):
    """A signature string that cannot be read."""


@dataclass(frozen=True)
class Signature:
    args: tuple[Type, ...]
    result: Type | None = None

    def __str__(self) -> str:
        args = ", ".join(map(str, self.args))
        return f"{self.result}({args})" if self.result is not None else f"({args})"


def parse_type_name(text: str) -> Type:
    name = text.strip()
    if name.endswith("]") and "[" in name:
        return _parse_array(name)
    name = _LONG_NAMES.get(name, name)
    t = NAMED_TYPES.get(name)
    if t is None:
        raise SignatureError(f"unknown type {text.strip()!r} in signature; use one of "
                             f"{', '.join(NAMED_TYPES)}")
    return t


def _parse_array(text: str) -> ArrayType:
    base, _, dims = text[:-1].partition("[")
    dtype = parse_type_name(base)
    axes = [a.replace(" ", "") for a in dims.split(",")]
    if not dtype.is_scalar or any(a not in (":", "::1") for a in axes):
        raise SignatureError(f"cannot read the array type {text!r}; write e.g. f64[:], f64[::1] or f64[:, ::1]")
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
    """Split at the commas that are not inside brackets."""
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += {"[": 1, "]": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return parts


def parse_signature(text: str) -> Signature:
    """Read a signature string (see the module docstring)."""
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
