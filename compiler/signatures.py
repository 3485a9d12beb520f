"""Signature strings: ``"f64(f64, i64)"``, ``"(f64, i64)"`` or ``"f64, i64"``.

Type names are the IR's (``i64``, ``f64``, ``bool``, ``c128``...) or NumPy's
long names (``int64``, ``float64``, ``complex128``...).
"""
from __future__ import annotations

from dataclasses import dataclass

from ir.types import NAMED_TYPES, Type

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
    name = _LONG_NAMES.get(name, name)
    t = NAMED_TYPES.get(name)
    if t is None:
        raise SignatureError(f"unknown type {text.strip()!r} in signature; use one of "
                             f"{', '.join(NAMED_TYPES)}")
    return t


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
    args = tuple(parse_type_name(p) for p in s.split(",")) if s.strip() else ()
    return Signature(args, result)
