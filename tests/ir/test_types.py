"""Types: text forms round-trip through the parser; integer ranges and wrapping."""
import pytest

from ir.parser import IRParseError, parse_type, parse_type_text
from ir.types import (
    NAMED_TYPES, SCALAR_TYPES, ArrayType, BoolType, ComplexType, FloatType, IntType, TupleType,
    VectorType, bool_, c64, c128, f32, f64, i8, i16, i32, i64, kind_rank, none, u8, u16,
    u32, u64,
)

ALL_TYPES = [
    *NAMED_TYPES.values(),
    TupleType(()),
    TupleType((i64,)),
    TupleType((f64, TupleType((bool_, TupleType(()))), c64)),
    ArrayType(f64, 2, "C"),
    ArrayType(f64, 1, "A", readonly=True),
    ArrayType(i32, 3, "F"),
    ArrayType(c128, 0, "A"),
    ArrayType(TupleType((i64, f64)), 1, "C", readonly=True),
    VectorType(f64, 4),
    VectorType(u8, 16),
    VectorType(VectorType(f32, 2), 8),
    TupleType((ArrayType(f64, 2, "C"), VectorType(i64, 2))),
]


@pytest.mark.parametrize("t", ALL_TYPES, ids=str)
def test_text_form_round_trips(t):
    text = str(t)
    parsed = parse_type(text)
    assert parsed == t
    assert hash(parsed) == hash(t)
    assert str(parsed) == text


def test_text_forms():
    assert [str(t) for t in (bool_, i8, u64, f32, c128, none)] == ["bool", "i8", "u64", "f32", "c128", "none"]
    assert str(TupleType(())) == "tuple<>"
    assert str(TupleType((i64, f64))) == "tuple<i64, f64>"
    assert str(ArrayType(f64, 2, "C")) == "array<f64, 2, C>"
    assert str(ArrayType(f64, 1, "A", readonly=True)) == "array<f64, 1, A, readonly>"
    assert str(VectorType(f64, 4)) == "vector<4 x f64>"


def test_parse_type_accepts_extra_whitespace():
    assert parse_type("  array< f64 ,2,C >\n") == ArrayType(f64, 2, "C")
    assert parse_type("tuple< >") == TupleType(())


@pytest.mark.parametrize("text, col, fragment", [
    ("", 1, "expected a type, found end of input"),
    ("i7", 1, "expected a type, found 'i7'"),
    ("f16", 1, "expected a type"),
    ("tuple<i64", 10, "expected ',' or '>' in the tuple type, found end of input"),
    ("tuple<i64,>", 11, "expected a type, found '>'"),
    ("array<f64, 2, X>", 15, "expected the array layout 'C', 'F' or 'A', found 'X'"),
    ("array<f64, -1, C>", 12, "expected the array's number of dimensions, found '-1'"),
    ("array<f64, 1.5, C>", 12, "number of dimensions"),
    ("array<f64, 1, C, mutable>", 18, "expected 'readonly', found 'mutable'"),
    ("vector<4 f64>", 10, "expected 'x' between the vector width and the element type"),
    ("vector<x x f64>", 8, "expected the vector width"),
    ("i64 i64", 5, "expected end of input after the type, found 'i64'"),
    ("i64$", 4, "unexpected character '$'"),
])
def test_parse_type_errors(text, col, fragment):
    with pytest.raises(IRParseError) as info:
        parse_type_text(text)
    assert str(info.value).startswith(f"<type>:1:{col}: ")
    assert fragment in str(info.value)
    assert (info.value.line, info.value.col) == (1, col)


def test_type_kinds():
    assert all(t.is_scalar for t in SCALAR_TYPES.values())
    assert not any(t.is_scalar for t in (none, TupleType(()), ArrayType(f64, 1), VectorType(f64, 2)))
    assert [kind_rank(t) for t in (bool_, u8, i64, f32, c64)] == [0, 1, 1, 2, 3]
    with pytest.raises(TypeError):
        kind_rank(none)
    assert c64.part == f32 and c128.part == f64
    assert isinstance(bool_, BoolType) and isinstance(f64, FloatType) and isinstance(c64, ComplexType)
    assert IntType(64) == i64 and IntType(64, False) == u64 and i64 != u64
    assert ArrayType(f64, 1) == ArrayType(f64, 1, "A", False)
    assert ArrayType(f64, 1, "C") != ArrayType(f64, 1, "C", readonly=True)


@pytest.mark.parametrize("t, lo, hi", [
    (i8, -128, 127), (i16, -32768, 32767), (i32, -2**31, 2**31 - 1), (i64, -2**63, 2**63 - 1),
    (u8, 0, 255), (u16, 0, 65535), (u32, 0, 2**32 - 1), (u64, 0, 2**64 - 1),
])
def test_int_min_max(t, lo, hi):
    assert (t.min, t.max) == (lo, hi)
    assert t.wrap(lo) == lo and t.wrap(hi) == hi
    assert t.wrap(hi + 1) == lo
    assert t.wrap(lo - 1) == hi


@pytest.mark.parametrize("t, value, wrapped", [
    (i8, 128, -128), (i8, 255, -1), (i8, 256, 0), (i8, -129, 127), (i8, 300, 44),
    (u8, -1, 255), (u8, 256, 0), (u8, 511, 255),
    (i64, 2**63, -2**63), (i64, 2**64 + 5, 5), (i64, -2**63 - 1, 2**63 - 1),
    (u64, -1, 2**64 - 1), (i32, 3 * 2**40 + 7, 7),
])
def test_int_wrap(t, value, wrapped):
    assert t.wrap(value) == wrapped
    assert t.min <= t.wrap(value) <= t.max
