"""Signature strings, scalar and array (Numba's spelling)."""
import pytest

from compiler.signatures import SignatureError, parse_signature
from ir.types import ArrayType, f32, f64, i32, i64


@pytest.mark.parametrize("text, args, result", [
    ("f64(f64, i64)", (f64, i64), f64),
    ("(f64, i64)", (f64, i64), None),
    ("float64, int64", (f64, i64), None),
    ("f64[:]", (ArrayType(f64, 1, "A"),), None),
    ("f64[::1]", (ArrayType(f64, 1, "C"),), None),
    ("f64(f64[:, ::1], i64)", (ArrayType(f64, 2, "C"), i64), f64),
    ("float32[::1, :]", (ArrayType(f32, 2, "F"),), None),
    ("int32[:, :], int32[:,:,::1]", (ArrayType(i32, 2, "A"), ArrayType(i32, 3, "C")), None),
    ("()", (), None),
])
def test_parse(text, args, result):
    sig = parse_signature(text)
    assert sig.args == args and sig.result == result


@pytest.mark.parametrize("text, message", [
    ("f64, banana", "unknown type 'banana'"),
    ("f64[::2]", "cannot read the array type"),
    ("f64[::1, ::1]", "only the last (C) or the first (Fortran)"),
    ("f64(i64", "unbalanced parentheses"),
    ("i64)", "unbalanced parentheses"),
])
def test_errors(text, message):
    with pytest.raises(SignatureError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_signature(text)
