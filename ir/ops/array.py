"""NumPy arrays: shape, element access, allocation, views and reference counts.

An ``array<T, n, L>`` value is a strided view: a data pointer, ``n`` extents
and ``n`` byte strides, plus the *meminfo* that owns the memory -- null for
arrays the caller lent (a NumPy array passed in), or a reference-counted
block for arrays allocated by compiled code.  ``L`` is ``C`` (C-contiguous:
the strides follow from the shape), ``F`` (Fortran-contiguous) or ``A``
(any strides).

* ``%n = array.dim %a {axis = 0} : i64`` -- an extent (shapes never change);
* ``%x = array.load %a, %i, %j : f64`` and ``array.store %a, %i, %j, %x`` --
  one element; indices are ``i64``, already wrapped and bounds-checked by
  the frontend (``raise_if`` before the access), so the op itself is only
  defined for in-range indices; with ``{contiguous_axis = k}`` the op is also only
  defined where the byte stride of axis ``k`` is the item size (a guard before
  it checked that: the ``version`` pass), which code generation may assume;
* ``%r = array.view %a, %i : array<f64, 1, C>`` -- ``a[i]`` of an array of
  two or more dimensions: the sub-array along the first axis, sharing
  memory (and the meminfo) with ``a``;
* ``%a = array.alloc %d0, %d1 : array<f64, 2, C>`` -- new, uninitialised,
  C-contiguous memory with one reference; the extents are non-negative and
  their product times the item size does not overflow (the frontend checks
  both); raises ``MemoryError`` when the memory cannot be had;
* ``%t = array.global {target = "LUT#3"} : array<f64, 1, C, readonly>`` -- a NumPy
  array of the process (a lookup table), read-only, its memory the array's own;
* ``%a = array.undef : array<f64, 1, C>`` -- an array that owns nothing (null
  meminfo and data, zero extents): the placeholder value of a variable
  that is unbound on some path; it is never read;
* ``array.incref %a`` / ``array.decref %a`` -- reference counting, inserted
  by the ``refcount`` pass; no-ops on a null meminfo; the last ``decref``
  frees the memory.
"""
from __future__ import annotations

from typing import Sequence

from ..core import MayRaise, Operation, Pure, ReadsMemory, Value, WritesMemory
from ..diagnostics import Location
from ..interfaces import NULL, Allocate, Free, Ownership, Raise, Read, Write
from ..types import ArrayType, LocalListType, ObjectType, i64

__all__ = ["ArrayUndefOp", "ArrayGlobalOp", "ArrayDimOp", "ArrayStrideOp", "ArrayLoadOp", "ArrayStoreOp", "ArrayViewOp", "ArrayAllocOp",
           "ArrayIncrefOp", "ArrayDecrefOp", "Allocates"]


class Allocates(MayRaise):
    """Allocates memory (and may fail with ``MemoryError``)."""


def _array(op: Operation, value: Value) -> ArrayType:
    t = value.type
    if not isinstance(t, ArrayType):
        op.fail(f"expects an array operand, not {t}")
    return t  # type: ignore[return-value]


def _check_indices(op: Operation, array: ArrayType, indices: Sequence[Value]) -> None:
    if len(indices) != array.ndim:
        op.fail(f"a {array.ndim}-d array takes {array.ndim} indices, not {len(indices)}")
    for i in indices:
        if i.type != i64:
            op.fail(f"indices must be i64, not {i.type}")


class ArrayDimOp(Operation):
    name = "array.dim"
    traits = frozenset({Pure})

    def __init__(self, array: Value, axis: int, loc: Location | None = None, name: str | None = None):
        self._setup([array], [i64], {"axis": axis}, loc=loc, result_names=[name])

    @property
    def axis(self) -> int:
        return self.attributes["axis"]

    def verify_(self) -> None:
        if len(self.operands) != 1 or len(self.results) != 1 or self.result.type != i64:
            self.fail("expects 1 array operand and an i64 result")
        t = _array(self, self.operand(0))
        axis = self.attributes.get("axis")
        if not isinstance(axis, int) or not 0 <= axis < t.ndim:
            self.fail(f"axis {axis!r} is out of range for a {t.ndim}-d array")


def _check_contiguous_axis(op: Operation, array: ArrayType) -> None:
    axis = op.attributes.get("contiguous_axis")
    if axis is not None and not (isinstance(axis, int) and 0 <= axis < array.ndim):
        op.fail(f"contiguous_axis {axis!r} is not an axis of a {array.ndim}-d array")


class ArrayStrideOp(Operation):
    """The byte stride of axis ``axis``: NumPy's ``a.strides[axis]`` (of a ``C``/``F``
    array, the one its layout gives)."""

    name = "array.stride"
    traits = frozenset({Pure})

    def __init__(self, array: Value, axis: int, loc: Location | None = None, name: str | None = None):
        self._setup([array], [i64], {"axis": axis}, loc=loc, result_names=[name])

    @property
    def axis(self) -> int:
        return self.attributes["axis"]

    def verify_(self) -> None:
        ArrayDimOp.verify_(self)


class ArrayLoadOp(Operation):
    name = "array.load"
    traits = frozenset({ReadsMemory})

    def effects(self):
        return (Read(0),)

    def __init__(self, array: Value, indices: Sequence[Value], loc: Location | None = None,
                 name: str | None = None):
        t = array.type
        dtype = t.dtype if isinstance(t, ArrayType) else t
        self._setup([array, *indices], [dtype], loc=loc, result_names=[name])

    @property
    def array(self) -> Value:
        return self.operand(0)

    @property
    def indices(self) -> tuple[Value, ...]:
        return self.operands[1:]

    def verify_(self) -> None:
        if not self.operands or len(self.results) != 1:
            self.fail("expects an array, its indices and 1 result")
        t = _array(self, self.array)
        _check_indices(self, t, self.indices)
        if self.result.type != t.dtype:
            self.fail(f"result type {self.result.type} is not the element type {t.dtype}")
        _check_contiguous_axis(self, t)


class ArrayStoreOp(Operation):
    name = "array.store"
    traits = frozenset({WritesMemory})

    def effects(self):
        return (Write(0),)

    def __init__(self, array: Value, indices: Sequence[Value], value: Value, loc: Location | None = None):
        self._setup([array, *indices, value], [], loc=loc)

    @property
    def array(self) -> Value:
        return self.operand(0)

    @property
    def indices(self) -> tuple[Value, ...]:
        return self.operands[1:-1]

    @property
    def value(self) -> Value:
        return self.operands[-1]

    def verify_(self) -> None:
        if len(self.operands) < 2 or self.results:
            self.fail("expects an array, its indices and a value, and no result")
        t = _array(self, self.array)
        _check_indices(self, t, self.indices)
        if self.value.type != t.dtype:
            self.fail(f"stores a {self.value.type} into an array of {t.dtype}")
        _check_contiguous_axis(self, t)
        if t.readonly:
            self.fail("stores into a read-only array")


class ArrayViewOp(Operation):
    name = "array.view"
    traits = frozenset({Pure})

    def ownership(self, index: int) -> Ownership:
        """A view shares the meminfo of the array it is taken from."""
        return Ownership("view", view_of=0)

    def __init__(self, array: Value, index: Value, loc: Location | None = None, name: str | None = None):
        t = array.type
        result = ArrayType(t.dtype, t.ndim - 1, "C" if t.layout == "C" else "A", t.readonly) \
            if isinstance(t, ArrayType) else t
        self._setup([array, index], [result], loc=loc, result_names=[name])

    def verify_(self) -> None:
        if len(self.operands) != 2 or len(self.results) != 1:
            self.fail("expects an array and an index, and 1 result")
        t = _array(self, self.operand(0))
        if t.ndim < 2:
            self.fail("a view along the first axis needs an array of 2 or more dimensions")
        if self.operand(1).type != i64:
            self.fail("the index must be i64")
        r = self.result.type
        if not isinstance(r, ArrayType) or (r.dtype, r.ndim, r.readonly) != (t.dtype, t.ndim - 1, t.readonly):
            self.fail(f"result type {r} is not a sub-array of {t}")
        if t.layout != "C" and r.layout == "C":
            self.fail("a view of a non-C-contiguous array cannot be C-contiguous")


class ArrayAllocOp(Operation):
    name = "array.alloc"
    traits = frozenset({Allocates})

    def effects(self):
        return (Allocate(0), Raise())

    def __init__(self, dtype, shape: Sequence[Value], loc: Location | None = None, name: str | None = None):
        self._setup(shape, [ArrayType(dtype, len(shape), "C")], loc=loc, result_names=[name])

    def verify_(self) -> None:
        if len(self.results) != 1:
            self.fail("expects 1 result")
        t = self.result.type
        if not isinstance(t, ArrayType) or t.layout != "C" or t.readonly:
            self.fail(f"allocates writable C-contiguous arrays, not {t}")
        elif len(self.operands) != t.ndim:
            self.fail(f"a {t.ndim}-d array takes {t.ndim} extents, not {len(self.operands)}")
        if any(v.type != i64 for v in self.operands):
            self.fail("extents must be i64")


class ArrayUndefOp(Operation):
    name = "array.undef"
    traits = frozenset({Pure})

    def ownership(self, index: int) -> Ownership:
        """A placeholder with a null meminfo (of a ``str``: a null pointer): nothing to count."""
        return NULL

    def __init__(self, type: ArrayType | ObjectType, loc: Location | None = None, name: str | None = None):
        self._setup([], [type], loc=loc, result_names=[name])

    def verify_(self) -> None:
        if self.operands or len(self.results) != 1 or not isinstance(self.result.type, (ArrayType, ObjectType)):
            self.fail("expects no operand and 1 array result")


class ArrayGlobalOp(Operation):
    """``%t = array.global {target = "LUT#3"} : array<f64, 1, C, readonly>``: a NumPy array of
    the process that compiled code reads (a module's lookup table): ``target`` is the key
    its frontend registered it under; its memory is the array's own, read-only, with a null
    meminfo (the registry keeps the array alive)."""

    name = "array.global"
    traits = frozenset({Pure})

    def ownership(self, index: int) -> Ownership:
        """The process's array: nothing to count."""
        return NULL

    def __init__(self, target: str, type: ArrayType, loc: Location | None = None, name: str | None = None):
        self._setup([], [type], {"target": target}, loc=loc, result_names=[name])

    @property
    def target(self) -> str:
        return self.attributes["target"]

    def verify_(self) -> None:
        if self.operands or len(self.results) != 1 or not isinstance(self.result.type, ArrayType):
            self.fail("expects no operand and 1 array result")
        if not self.result.type.readonly or not isinstance(self.attributes.get("target"), str):
            self.fail("reads a registered array (a string 'target') as a read-only array")


class _RefcountOp(Operation):
    """A reference of an array's block, or of a ``str`` object (``Py_IncRef``/``Py_DecRef``):
    the refcount pass counts both alike."""

    traits = frozenset({WritesMemory})

    def __init__(self, array: Value, loc: Location | None = None):
        self._setup([array], [], loc=loc)

    def verify_(self) -> None:
        if len(self.operands) != 1 or self.results:
            self.fail("expects 1 array operand and no result")
        if isinstance(self.operand(0).type, LocalListType) and isinstance(self, ArrayDecrefOp):
            return   # frees the list (``ir.ops.local_lists``)
        if not isinstance(self.operand(0).type, ObjectType):
            _array(self, self.operand(0))


class ArrayIncrefOp(_RefcountOp):
    name = "array.incref"

    def effects(self):
        return (Write(0),)


class ArrayDecrefOp(_RefcountOp):
    name = "array.decref"

    def effects(self):
        return (Write(0), Free(0))
