"""Argument types and packing: ``typeof`` for NumPy arrays of every dtype,
layout and flag, the slot layout of mixed scalar and array signatures, and
array results read back from a result buffer."""
from __future__ import annotations

import ctypes
import struct

import numpy as np
import pytest

from ir.dtypes import to_dtype
from ir.types import (
    ArrayType, ListType, TupleType, bool_, c64, c128, f32, f64, i8, i16, i32, i64, none, str_, u8, u16, u32, u64,
)
from runtime.boxing import ArgPacker, ResultUnpacker, memory_ctype, typeof
from runtime.memory import data_pointer_function

DTYPES = [bool_, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, c64, c128]


def data(a: np.ndarray) -> int:
    return a.__array_interface__["data"][0]


@pytest.mark.parametrize("t", DTYPES, ids=str)
def test_typeof_arrays_of_every_dtype_and_layout(t):
    dtype = to_dtype(t)
    for ndim in range(1, 9):
        shape = (2, 3, 2, 2, 1, 2, 2, 3)[:ndim]
        c = np.zeros(shape, dtype)
        assert typeof(c) == ArrayType(t, ndim, "C")
        if ndim > 1:
            assert typeof(np.asfortranarray(c)) == ArrayType(t, ndim, "F")
            assert typeof(c.swapaxes(0, -1)[:, ..., ::-1]) == ArrayType(t, ndim, "A")
        assert typeof(np.zeros((5,) * ndim, dtype)[::2]) == ArrayType(t, ndim, "A")
        frozen = c.copy()
        frozen.flags.writeable = False
        assert typeof(frozen) == ArrayType(t, ndim, "C", readonly=True)
    assert typeof(np.zeros(3, dtype)[::-1]) == ArrayType(t, 1, "A")
    assert typeof(np.zeros(0, dtype)) == ArrayType(t, 1, "C")


def test_typeof_layout_details():
    assert typeof(np.zeros((3, 1))) == ArrayType(f64, 2, "C")  # both contiguous: C wins
    assert typeof(np.zeros((1, 3)).T) == ArrayType(f64, 2, "C")
    assert typeof(np.zeros((4, 5))[:, :3]) == ArrayType(f64, 2, "A")
    assert typeof(np.zeros((4, 5))[1:3]) == ArrayType(f64, 2, "C")
    assert typeof(np.broadcast_to(np.arange(3.0), (4, 3))) == ArrayType(f64, 2, "A", readonly=True)
    assert typeof(np.zeros((2, 3), order="F")[:, 1:]) == ArrayType(f64, 2, "F")


def test_typeof_scalars_unchanged():
    assert typeof(np.float32(1.5)) == f32 and typeof(np.int8(3)) == i8 and typeof(np.bool_(True)) == bool_
    assert typeof(np.uint64(7)) == u64 and typeof(np.complex64(1j)) == c64
    assert typeof(1.5) == f64 and typeof(3) == i64 and typeof(True) == bool_ and typeof(1j) == c128
    assert typeof("text") == str_ and typeof(b"text") is None and typeof([1.0, "a"]) is None and typeof(None) is none
    assert typeof([1.0]) == ListType(f64) and typeof([]) == ListType(None)


def test_typeof_refuses_what_compiled_code_cannot_read():
    for a in (np.array(["a", "b"]), np.array([b"x"]), np.array([object()]), np.zeros(3, "M8[ns]"),
              np.zeros(3, "m8[s]"), np.zeros(3, [("x", "f8"), ("y", "i4")]), np.zeros(3, np.float16),
              np.zeros(3, np.longdouble) if np.dtype(np.longdouble).itemsize > 8 else np.zeros(3, "U1"),
              np.ma.array([1.0, 2.0]), np.zeros((2, 2)).view(np.matrix)):
        assert typeof(a) is None, a.dtype
    with pytest.raises(TypeError, match="0-d arrays"):
        typeof(np.array(1.0))
    with pytest.raises(TypeError, match="byte order"):
        typeof(np.zeros(3, ">f8" if np.little_endian else "<f8"))
    misaligned = np.frombuffer(bytearray(8 * 11), np.float64, count=10, offset=1)
    assert not misaligned.flags.aligned
    with pytest.raises(TypeError, match="misaligned"):
        typeof(misaligned)
    assert typeof(np.zeros(3, ">u1")) == ArrayType(u8, 1, "C")  # one byte has no order


def test_typeof_memmap(tmp_path):
    m = np.memmap(tmp_path / "m.bin", np.float32, "w+", shape=(4, 3))
    assert typeof(m) == ArrayType(f32, 2, "C")
    assert typeof(m[:, ::2]) == ArrayType(f32, 2, "A")


def test_data_pointer_matches_the_array_interface():
    read = data_pointer_function()
    base = np.arange(2 * 3 * 4, dtype=np.int16).reshape(2, 3, 4)
    for a in (base, base[1:], base[:, ::-1], base.T, base[..., 3:], base[1, 2, 1:2], np.zeros(0)):
        assert read(a) == data(a)


def slots(packed: ctypes.Structure) -> list[int]:
    raw = ctypes.string_at(ctypes.addressof(packed), ctypes.sizeof(packed))
    return list(struct.unpack(f"<{len(raw) // 8}q", raw))


def test_packing_mixed_scalars_and_arrays():
    types = [f64, ArrayType(i32, 2, "A"), i64, c64, ArrayType(bool_, 1, "C"), f32, ArrayType(c128, 3, "F", True), u64]
    packer = ArgPacker(types)
    a = np.arange(30, dtype=np.int32).reshape(5, 6)[::-2, 1::2]
    flags = np.array([True, False])
    cube = np.asfortranarray(np.zeros((2, 3, 4), np.complex128))
    cube.flags.writeable = False
    got = slots(packer.pack([2.5, a, -7, 1.5 - 2j, flags, 0.25, cube, 2**64 - 1]))
    f64_bits = struct.unpack("<q", struct.pack("<d", 2.5))[0]
    def f32_bits(x: float) -> int:  # the low 4 bytes of the slot, the rest zero
        return struct.unpack("<I", struct.pack("<f", x))[0]

    want = [f64_bits,
            0, data(a), 3, 3, -48, 8,
            -7,
            f32_bits(1.5), f32_bits(-2.0),
            0, data(flags), 2, 1,
            f32_bits(0.25),
            0, data(cube), 2, 3, 4, 16, 32, 96,
            -1]
    assert got == want
    assert a.strides == (-48, 8)


def test_packing_only_arrays_and_no_arguments():
    packer = ArgPacker([ArrayType(u8, 1, "C")] * 2)
    x, y = np.zeros(4, np.uint8), np.ones(7, np.uint8)[::3]
    assert slots(packer.pack([x, y])) == [0, data(x), 4, 1, 0, data(y), 3, 3]
    assert ctypes.sizeof(ArgPacker([]).pack([])) == 8


def test_array_result_layout_matches_the_abi():
    struct_type = memory_ctype(ArrayType(f64, 3, "C"))
    assert ctypes.sizeof(struct_type) == 8 * (2 + 2 * 3)
    assert [name for name, _ in struct_type._fields_] == ["meminfo", "data", "shape", "strides"]
    pair = memory_ctype(TupleType((bool_, ArrayType(i8, 1, "A"), f32)))
    assert ctypes.sizeof(pair) == 8 + 32 + 8 and pair.f1.offset == 8


def fill_array(c: ctypes.Structure, a: np.ndarray, meminfo: int = 0) -> None:
    c.meminfo, c.data = meminfo, data(a)
    c.shape[:] = a.shape
    c.strides[:] = a.strides


def test_unpacking_borrowed_array_results():
    a = np.arange(24.0).reshape(4, 6)
    t = TupleType((ArrayType(f64, 2, "A"), i64, ArrayType(f64, 1, "A")))
    unpacker = ResultUnpacker(t)
    buffer = unpacker.new_buffer()
    fill_array(buffer.f0, a)
    buffer.f1 = 5
    fill_array(buffer.f2, a[2, ::-2])
    whole, n, row = unpacker.unpack(buffer, (1.0, a))
    assert whole is a and n == 5
    np.testing.assert_array_equal(row, a[2, ::-2])
    assert np.shares_memory(row, a) and row.base is a[2, ::-2].base   # NumPy's base (a's own: a is a view)
    copied = unpacker.unpack(buffer, ())[2]  # the owner of the data is unknown: a copy
    np.testing.assert_array_equal(copied, a[2, ::-2])
    assert not np.shares_memory(copied, a)
