"""Signature strings, scalar and array (Numba's spelling), with NumPy's meaning of the codes."""
import numpy as np
import pytest

from compiler import compile
from ir import TypingError
from compiler.signatures import ACCEPTED, BIT_NAMES, NAMES, NUMPY_CODES, Signature, SignatureError, parse_signature
from ir.dtypes import from_dtype
from ir.types import SCALAR_TYPES, ArrayType, TupleType, bool_, c128, f32, f64, i8, i32, i64, none, u8, u64


@pytest.mark.parametrize("text, args, result", [
    ("f64(f64, i64)", (f64, i64), f64),
    ("(f64, i64)", (f64, i64), None),
    ("float64, int64", (f64, i64), None),
    ("f8(f8, i8)", (f64, i64), f64),
    ("i8(i8)", (i64,), i64),
    ("u8, u1, i1, int8, uint8", (u64, u8, i8, i8, u8), None),
    ("void(f64)", (f64,), none),
    ("f64[:]", (ArrayType(f64, 1, "A"),), None),
    ("f64[::1]", (ArrayType(f64, 1, "C"),), None),
    ("f64(f64[:, ::1], i64)", (ArrayType(f64, 2, "C"), i64), f64),
    ("float32[::1, :]", (ArrayType(f32, 2, "F"),), None),
    ("int32[:, :], int32[:,:,::1]", (ArrayType(i32, 2, "A"), ArrayType(i32, 3, "C")), None),
    ("f8[:], i4[:, ::1], u1[::1, :]", (ArrayType(f64, 1, "A"), ArrayType(i32, 2, "C"), ArrayType(u8, 2, "F")), None),
    ("b1[::1], i8[:, :], c16[::1]", (ArrayType(bool_, 1, "C"), ArrayType(i64, 2, "A"), ArrayType(c128, 1, "C")), None),
    ("()", (), None),
])
def test_parse(text, args, result):
    sig = parse_signature(text)
    assert sig.args == args and sig.result == result


@pytest.mark.parametrize("code", list(NUMPY_CODES))
def test_numpy_codes_mean_what_np_dtype_means(code):
    expected = from_dtype(np.dtype(code))
    assert parse_signature(code).args == (expected,)
    assert parse_signature(f"{code}[:, ::1]").args == (ArrayType(expected, 2, "C"),)


@pytest.mark.parametrize("name", [n for n in NAMES if n not in ("boolean", "void")])
def test_names_mean_what_np_dtype_means(name):
    expected = from_dtype(np.dtype(name))
    assert parse_signature(name).args == (expected,)
    assert parse_signature(f"{name}[::1, :]").args == (ArrayType(expected, 2, "F"),)


def test_numba_only_names():
    assert parse_signature("boolean, void").args == (bool_, none)


def test_a_generator_argument_has_a_name_and_no_array_form():
    from ir.types import generator

    assert parse_signature("f8(generator, i8)") == Signature((generator, i64), f64)
    assert str(parse_signature("f8(generator, i8)")) == "f64(generator, i64)"
    with pytest.raises(SignatureError):
        parse_signature("generator[:]")


@pytest.mark.parametrize("name", list(BIT_NAMES))
def test_bit_sized_names(name):
    t = BIT_NAMES[name]
    assert parse_signature(name).args == (t,)
    assert str(t) == name  # the IR's own name for it


def test_the_byte_and_bit_sized_names_agree_except_i8_u8():
    assert {"i8", "u8"}.isdisjoint(BIT_NAMES)
    assert NUMPY_CODES["i8"] == i64 and NUMPY_CODES["u8"] == u64


@pytest.mark.parametrize("t", list(SCALAR_TYPES.values()), ids=str)
def test_scalar_signatures_round_trip(t):
    for sig in (Signature((t, t), t), Signature((t, i64)), Signature((t,), none)):
        assert parse_signature(str(sig)) == sig


@pytest.mark.parametrize("t", list(SCALAR_TYPES.values()), ids=str)
def test_array_signatures_round_trip(t):
    sig = Signature((ArrayType(t, 1, "A"), ArrayType(t, 1, "C"), ArrayType(t, 2, "C"), ArrayType(t, 3, "F"),
                     ArrayType(t, 2, "A")), ArrayType(t, 2, "C"))
    assert parse_signature(str(sig)) == sig


def test_8_bit_ints_print_as_numpy_names():
    assert str(Signature((i8, u8, ArrayType(i8, 1, "C")), u8)) == "uint8(int8, uint8, int8[::1])"
    assert str(Signature((i64, f64, ArrayType(f64, 2, "F")), f64)) == "f64(i64, f64, f64[::1, :])"


def test_what_strings_cannot_spell_prints_readably():
    sig = Signature((ArrayType(f64, 1, "C", readonly=True),), TupleType((i8, f64)))
    assert str(sig) == "tuple<int8, f64>(readonly f64[::1])"


def plus_one(n):
    return n + 1


def same(x):
    return x


def test_numba_signature_compiles_for_int64():
    f = compile("i8(i8)")(plus_one)
    assert f(10**12) == 10**12 + 1 and f(-2**62) == -2**62 + 1
    assert f.signatures == [Signature((i64,), i64)]
    assert [str(s) for s in f.signatures] == ["i64(i64)"]


def doubled(a):
    return a * 2.0


def test_a_result_declared_any_layout_takes_a_new_array():
    """``f64[:](f64[:])`` of a function returning a new (C) array: the result is relabelled."""
    f = compile("f64[:](f64[:])")(doubled)
    got = f(np.arange(4.0))
    assert got.tolist() == [0.0, 2.0, 4.0, 6.0] and got.flags.c_contiguous
    assert compile("f64[::1](f64[:])")(doubled)(np.arange(3.0)).tolist() == [0.0, 2.0, 4.0]


@pytest.mark.parametrize("sig", ["i64[:](f64[:])", "f64[:, :](f64[:])", "f64(f64[:])"])
def test_a_result_of_another_type_than_declared_is_a_typing_error(sig):
    with pytest.raises(TypingError, match=r"test_signatures.py:\d+:\d+: a value of type array<f64, 1, C> is given "
                                          r"where .* is declared"):
        compile(sig)(doubled)


def test_int8_signature_prints_as_int8_and_reads_back():
    f = compile("i1(int8)")(plus_one)
    assert f.signatures == [Signature((i8,), i8)]
    assert [str(s) for s in f.signatures] == ["int8(int8)"]
    assert [parse_signature(str(s)) for s in f.signatures] == f.signatures
    with pytest.raises(TypeError, match=r"compiled signatures: int8\(int8\)"):
        f(b"text")


def test_signatures_of_numpy_arguments_read_back():
    f = compile(same)
    f(np.int8(5)), f(np.uint8(5)), f(np.zeros(3, np.int8)), f(np.zeros((2, 2), np.uint8, order="F"))
    printed = [str(s) for s in f.signatures]
    assert printed == ["int8(int8)", "uint8(uint8)", "int8[::1](int8[::1])", "uint8[::1, :](uint8[::1, :])"]
    assert [parse_signature(p) for p in printed] == f.signatures


@pytest.mark.parametrize("text, message", [
    ("f64, banana", "unknown type 'banana'"),
    ("f64[::2]", "cannot read the array type"),
    ("f64[::1, ::1]", "only the last (C) or the first (Fortran)"),
    ("f64(i64", "unbalanced parentheses"),
    ("i64)", "unbalanced parentheses"),
    ("i128", "unknown type 'i128'"),
    ("f2", "unknown type 'f2'"),
    ("float16[:]", "unknown type 'float16'"),
])
def test_errors(text, message):
    with pytest.raises(SignatureError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_signature(text)


def test_unknown_name_lists_what_is_accepted():
    with pytest.raises(SignatureError) as info:
        parse_signature("f64(banana)")
    message = str(info.value)
    assert message.endswith(ACCEPTED)
    for part in ("a NumPy code (b1 i1 i2 i4 i8 u1", "c8 c16", "a name (int8 ", "uint64 float32", "bool_ boolean",
                 "a bit-sized name (i16 ", "c128 bool none", "an array of one of them (f8[:], f8[::1]"):
        assert part in message, part
