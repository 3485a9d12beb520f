"""The binary interface defined once in ``runtime.abi`` and used by the runtime and the codegen alike."""
from __future__ import annotations

import ctypes

import pytest

from ir.types import ArrayType, TupleType, VectorType, bool_, c64, c128, f32, f64, generator, i8, none, u64
from runtime import abi, memory
from runtime.boxing import ArgPacker


@pytest.mark.parametrize("t,slots", [
    (bool_, [("", "uint")]), (i8, [("", "int")]), (u64, [("", "uint")]), (f64, [("", "f64")]),
    (f32, [("", "f32")]), (c64, [("", "f32"), ("_im", "f32")]), (c128, [("", "f64"), ("_im", "f64")]),
    (generator, [("", "ptr")]), (none, []),
    (TupleType((i8, c128)), [("_0", "int"), ("_1", "f64"), ("_1_im", "f64")]),
    (ArrayType(f64, 2, "C"), [("_meminfo", "ptr"), ("_data", "ptr"), ("_shape0", "int"), ("_shape1", "int"),
                              ("_stride0", "int"), ("_stride1", "int")]),
])
def test_argument_slots(t, slots) -> None:
    assert abi.argument_slots(t) == slots


def test_argument_slots_refuse_other_types() -> None:
    with pytest.raises(TypeError, match="cannot have type"):
        abi.argument_slots(VectorType(f64, 4))


def test_the_packer_lays_the_slots_out_as_the_abi_says() -> None:
    types = (bool_, f32, c64, ArrayType(i8, 3, "A"), f64)
    packer = ArgPacker(types)
    assert ctypes.sizeof(packer.struct) == abi.SLOT_SIZE * sum(len(abi.argument_slots(t)) for t in types)
    assert packer.struct.a2_im.offset == 3 * abi.SLOT_SIZE  # bool, f32, the real part of a c64
    assert packer.struct.a3_stride2.offset == (4 + 7) * abi.SLOT_SIZE


def test_the_runtime_changes_counts_with_the_abi_code() -> None:
    """``memory``'s helper module is the ABI's increment and decrement, nothing else."""
    text = memory.helpers_ir()
    assert "atomicrmw add ptr" in text and "monotonic" in text
    assert "atomicrmw sub ptr" in text and "acq_rel" in text and 'call void @"free"' in text
