"""The correspondence between NumPy dtypes and IR scalar types.

NumPy is imported lazily, inside the functions, so that ``import ir`` does
not pay for it.
"""
from __future__ import annotations

from typing import Any

from .types import SCALAR_TYPES, Type

_DTYPE_NAMES = {
    "bool": "bool", "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64",
    "uint8": "u8", "uint16": "u16", "uint32": "u32", "uint64": "u64",
    "float32": "f32", "float64": "f64", "complex64": "c64", "complex128": "c128",
}
_TYPE_TO_DTYPE = {v: k for k, v in _DTYPE_NAMES.items()}


def from_dtype(dtype: Any) -> Type | None:
    """The IR type of a NumPy dtype, or None if the IR has no such type."""
    name = _DTYPE_NAMES.get(getattr(dtype, "name", str(dtype)))
    return SCALAR_TYPES[name] if name else None


def to_dtype(t: Type) -> Any:
    """The NumPy dtype of an IR scalar type."""
    import numpy as np

    return np.dtype(_TYPE_TO_DTYPE[str(t)])


def promote(a: Type, b: Type) -> Type:
    """NumPy's promotion of two scalar types (``np.promote_types``)."""
    result = from_dtype(__import__("numpy").promote_types(to_dtype(a), to_dtype(b)))
    assert result is not None
    return result
