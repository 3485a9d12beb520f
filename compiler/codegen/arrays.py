"""Lowering of the array ops (the array ABI and element addressing: ``core``).

``array.alloc`` gets ``HEADER_SIZE + nbytes`` bytes (rounded up to a multiple
of ``DATA_ALIGNMENT``) from the C library's ``aligned_alloc(DATA_ALIGNMENT,
size)``, sets the count to 1 and returns the status of a ``MemoryError`` site
on a null result (on Linux a block of 4 MiB or more is then advised into huge
pages, as NumPy's are: :func:`_advise_huge_pages`); ``array.incref`` and ``array.decref`` are the count changes
of :mod:`runtime.abi` (an ``atomicrmw add monotonic``; an ``atomicrmw sub
acq_rel`` that calls ``free(meminfo)`` when the count was 1), which skip a
null meminfo (``array.undef`` is the all-zero struct).
``array.view`` and ``array.subview`` share the meminfo and do not touch the
count (the ``refcount`` pass decides that).  ``linalg.matmul`` allocates its
result the same way and calls the ``gemm`` of NumPy's BLAS into it.
"""
from __future__ import annotations

import sys
from typing import Sequence

import llvmlite.ir as lir

from ir.core import Operation, Value
from ir.ops.array import (
    ArrayAllocOp, ArrayDecrefOp, ArrayDimOp, ArrayGlobalOp, ArrayIncrefOp, ArrayLoadOp, ArrayStoreOp, ArrayStrideOp,
    ArrayUndefOp, ArrayViewOp,
)
from ir.ops.linalg import LinalgGesvOp, LinalgMatmulOp
from ir.ops.parallel import ParallelForOp
from ir.ops.vector import ArrayOverlapOp, VectorLoadOp, VectorStoreOp
from ir.ops.wholearray import (
    ArrayBroadcastOp, ArrayPartOp, ArrayReshapeOp, ArrayRestrideOp, ArraySubviewOp, ArrayTransposeOp,
)
from ir.types import ArrayType, ComplexType, LocalListType, ObjectType
from runtime.abi import DATA_ALIGNMENT, HEADER_SIZE, emit_decref, emit_incref

from .core import (
    _I8, _I32, _I32_ZERO, _I64, _INDEX_FLAGS, _PTR, LOCAL_LIST_ITEMS, _FunctionLowering,
    _complex, _from_memory, _itemsize, _lowers, _parts, _to_memory, index_add, index_mul, local_list_field, memory_type,
    value_type,
)


@_lowers(ArrayDimOp)
def _array_dim(self: _FunctionLowering, op: ArrayDimOp) -> lir.Value:
    return self.b.extract_value(self.value(op.operand(0)), [2, op.axis])


@_lowers(ArrayStrideOp)
def _array_stride(self: _FunctionLowering, op: ArrayStrideOp) -> lir.Value:
    array, t = self.value(op.operand(0)), op.operand(0).type
    if t.layout == "A":
        return self.b.extract_value(array, [3, op.axis])
    shape = self._shape(array, t)
    inner = range(op.axis + 1, t.ndim) if t.layout == "C" else range(op.axis)
    stride = lir.Constant(_I64, _itemsize(t.dtype))
    for k in inner:
        stride = self.b.mul(stride, shape[k])
    return stride


@_lowers(ArrayLoadOp)
def _array_load(self: _FunctionLowering, op: ArrayLoadOp) -> lir.Value:
    b, t = self.b, op.array.type
    ptr = self._element_pointer(self.value(op.array), t, [self.value(v) for v in op.indices],
                               op.attributes.get("contiguous_axis"))
    if isinstance(t.dtype, ComplexType):  # the two parts, as NumPy stores them
        part, pair = value_type(t.dtype.part), memory_type(t.dtype)
        return _complex(b, *(b.load(b.gep(ptr, [_I32_ZERO, lir.Constant(_I32, k)], inbounds=True,
                                               source_etype=pair), typ=part) for k in (0, 1)))
    return _from_memory(b, b.load(ptr, typ=memory_type(t.dtype)), t.dtype)


@_lowers(ArrayStoreOp)
def _array_store(self: _FunctionLowering, op: ArrayStoreOp) -> None:
    b, t = self.b, op.array.type
    ptr = self._element_pointer(self.value(op.array), t, [self.value(v) for v in op.indices],
                               op.attributes.get("contiguous_axis"))
    value = self.value(op.value)
    if isinstance(t.dtype, ComplexType):
        pair = memory_type(t.dtype)
        for k, part in enumerate(_parts(b, value)):
            b.store(part, b.gep(ptr, [_I32_ZERO, lir.Constant(_I32, k)], inbounds=True, source_etype=pair))
        return
    b.store(_to_memory(b, value, t.dtype), ptr)


@_lowers(ArrayViewOp)
def _array_view(self: _FunctionLowering, op: ArrayViewOp) -> lir.Value:
    """``a[i]``: the same meminfo (no count change), data moved to row ``i``,
    the shape and strides without their first entries."""
    b, t = self.b, op.operand(0).type
    array, index = (self.value(v) for v in op.operands)
    shape, data = self._shape(array, t), b.extract_value(array, 1)
    strides = self._strides(array, t)
    if t.layout == "C":
        row = shape[1]
        for extent in shape[2:]:  # wraps: exact when non-zero, 0 when an extent is (see alloc)
            row = b.mul(row, extent)
        data = b.gep(data, [b.mul(index, row, flags=_INDEX_FLAGS)], inbounds=True,
                     source_etype=memory_type(t.dtype))
    elif t.layout == "F":  # the first axis is the unit-stride one
        data = b.gep(data, [index], inbounds=True, source_etype=memory_type(t.dtype))
    else:
        data = b.gep(data, [b.mul(index, strides[0], flags=("nsw",))], inbounds=True, source_etype=_I8)
    return _make_array(self, op.result, b.extract_value(array, 0), data, shape[1:], strides[1:])


@_lowers(ArraySubviewOp)
def _array_subview(self: _FunctionLowering, op: ArraySubviewOp) -> lir.Value:
    """A strided view: the data pointer moved by ``start * stride`` (and ``index * stride``)
    over the source's axes, extents ``count`` and strides ``stride * step``; a new axis has
    extent 1 and stride 0.  Same meminfo, no count change."""
    b, t = self.b, op.operand(0).type
    array = self.value(op.operand(0))
    source_strides = self._strides(array, t)
    offset = lir.Constant(_I64, 0)
    shape: list[lir.Value] = []
    strides: list[lir.Value] = []
    axis = 0
    for letter, operands in op.parts():
        values = [self.value(v) for v in operands]
        if letter == "n":
            shape.append(lir.Constant(_I64, 1))
            strides.append(lir.Constant(_I64, 0))
            continue
        stride = source_strides[axis]
        offset = index_add(b, offset, index_mul(b, values[0], stride))
        if letter == "s":
            shape.append(values[1])
            strides.append(index_mul(b, stride, values[2]))
        axis += 1
    data = b.gep(b.extract_value(array, 1), [offset], inbounds=True, source_etype=_I8)
    return _make_array(self, op.result, b.extract_value(array, 0), data, shape, strides)


@_lowers(ArrayTransposeOp)
def _array_transpose(self: _FunctionLowering, op: ArrayTransposeOp) -> lir.Value:
    """The same data and meminfo; extents and strides permuted."""
    t = op.operand(0).type
    array = self.value(op.operand(0))
    shape, strides = self._shape(array, t), self._strides(array, t)
    return _make_array(self, op.result, self.b.extract_value(array, 0), self.b.extract_value(array, 1),
                       [shape[k] for k in op.perm], [strides[k] for k in op.perm])


@_lowers(ArrayPartOp)
def _array_part(self: _FunctionLowering, op: ArrayPartOp) -> lir.Value:
    """The same meminfo, extents and (byte) strides; for ``imag`` the data one part further."""
    b, t = self.b, op.operand(0).type
    array = self.value(op.operand(0))
    data = b.extract_value(array, 1)
    if op.part == "imag":
        data = b.gep(data, [lir.Constant(_I64, _itemsize(t.dtype.part))], inbounds=True, source_etype=_I8)
    return _make_array(self, op.result, b.extract_value(array, 0), data, self._shape(array, t),
                       self._strides(array, t))


@_lowers(ArrayBroadcastOp)
def _array_broadcast(self: _FunctionLowering, op: ArrayBroadcastOp) -> lir.Value:
    """The same data and meminfo, the given extents; stride 0 on new leading axes and where
    the source's extent is 1 (chosen at run time: a select per axis, once)."""
    b, t = self.b, op.operand(0).type
    array = self.value(op.operand(0))
    shape = [self.value(v) for v in op.operands[1:]]
    source_shape, source_strides = self._shape(array, t), self._strides(array, t)
    zero, one = lir.Constant(_I64, 0), lir.Constant(_I64, 1)
    lead = len(shape) - t.ndim
    strides = [zero] * lead
    for extent, stride in zip(source_shape, source_strides):
        strides.append(b.select(b.icmp_signed("==", extent, one), zero, stride))
    return _make_array(self, op.result, b.extract_value(array, 0), b.extract_value(array, 1), shape, strides)


@_lowers(ArrayReshapeOp)
def _array_reshape(self: _FunctionLowering, op: ArrayReshapeOp) -> lir.Value:
    """The same data and meminfo; the new extents with their C strides (wrapping products,
    exact unless an extent is 0, as for ``array.alloc``)."""
    b, t = self.b, op.operand(0).type
    array = self.value(op.operand(0))
    shape = [self.value(v) for v in op.operands[1:]]
    strides = [lir.Constant(_I64, _itemsize(t.dtype))]
    for extent in reversed(shape[1:]):
        strides.insert(0, b.mul(strides[0], extent))
    return _make_array(self, op.result, b.extract_value(array, 0), b.extract_value(array, 1), shape,
                       strides[:len(shape)])


@_lowers(ArrayRestrideOp)
def _array_restride(self: _FunctionLowering, op: ArrayRestrideOp) -> lir.Value:
    """The same data and meminfo; the extents and byte strides given."""
    array = self.value(op.operand(0))
    return _make_array(self, op.result, self.b.extract_value(array, 0), self.b.extract_value(array, 1),
                       [self.value(v) for v in op.extents], [self.value(v) for v in op.strides])


def _make_array(self: _FunctionLowering, array: ArrayType | Value, meminfo: lir.Value, data: lir.Value,
                shape: Sequence[lir.Value], strides: Sequence[lir.Value]) -> lir.Value:
    """The array struct of these fields; for a view (``array``: the op's result) that only
    ops reading its fields use (:func:`_fields_only`), no struct at all: a placeholder the
    builder knows the fields of (``_FoldingBuilder.known_fields``)."""
    b = self.b
    t = array if isinstance(array, ArrayType) else array.type
    if not isinstance(array, ArrayType) and _fields_only(array):
        placeholder = lir.Constant(value_type(t), lir.Undefined)
        fields = {(0,): meminfo, (1,): data}
        for k, (extent, stride) in enumerate(zip(shape, strides)):
            fields[(2, k)], fields[(3, k)] = extent, stride
        b.known_fields[id(placeholder)] = fields
        return placeholder
    out = b.insert_value(lir.Constant(value_type(t), lir.Undefined), meminfo, 0)
    out = b.insert_value(out, data, 1)
    for k, (extent, stride) in enumerate(zip(shape, strides)):
        out = b.insert_value(out, extent, [2, k])
        out = b.insert_value(out, stride, [3, k])
    return out


#: the ops whose lowering reads an array operand only through ``extract_value`` of its
#: fields, and which operand that is (None: any)
_FIELD_READERS = {
    ArrayDimOp: 0, ArrayStrideOp: 0, ArrayLoadOp: 0, ArrayStoreOp: 0, ArrayViewOp: 0, ArraySubviewOp: 0,
    ArrayTransposeOp: 0, ArrayPartOp: 0, ArrayBroadcastOp: 0, ArrayReshapeOp: 0, ArrayRestrideOp: 0, ArrayIncrefOp: 0,
    ArrayDecrefOp: 0, ArrayOverlapOp: None, VectorLoadOp: 0, VectorStoreOp: 0,
}


def _fields_only(array: Value) -> bool:
    """Whether every use of ``array`` reads only its fields (its struct is never passed on:
    not yielded, returned, called with or stored) and is lowered into the same LLVM function
    (a parallel loop's body is a function of its own, which gets the struct)."""
    home = _outlined_in(array.owner)
    return all(type(op) in _FIELD_READERS and _FIELD_READERS[type(op)] in (None, index)
               and _outlined_in(op) is home for op, index in array.uses)


def _outlined_in(op: Operation) -> Operation | None:
    """The innermost ``parallel_for`` around ``op`` (lowered as a function of its own), if any."""
    parent = op.parent_op
    while parent is not None and not isinstance(parent, ParallelForOp):
        parent = parent.parent_op
    return parent


@_lowers(ArrayAllocOp)
def _array_alloc(self: _FunctionLowering, op: ArrayAllocOp) -> lir.Value:
    return _allocate(self, op.result.type, [self.value(v) for v in op.operands], op.loc)


def _allocate(self: _FunctionLowering, t: ArrayType, shape: list[lir.Value], loc) -> lir.Value:
    """``aligned_alloc(DATA_ALIGNMENT, HEADER_SIZE + nbytes rounded up)``; the frontend guarantees that
    ``nbytes`` does not overflow, so neither does the rounding (``nbytes < 2**63``).

    The strides and ``nbytes`` are products that wrap (no ``nsw``/``nuw``):
    without a zero extent they are exact (they divide ``nbytes``); with one,
    a partial product may overflow (``(0, 2**40, 2**40)``) but ``nbytes`` is
    still exactly 0 and the strides of an empty array are never used --
    an overflow flag would make them poison instead."""
    b = self.b
    itemsize = lir.Constant(_I64, _itemsize(t.dtype))
    strides = [itemsize]
    for extent in reversed(shape[1:]):
        strides.insert(0, b.mul(strides[0], extent))
    nbytes = b.mul(strides[0], shape[0]) if shape else itemsize
    size = b.and_(b.add(nbytes, lir.Constant(_I64, HEADER_SIZE + DATA_ALIGNMENT - 1), flags=("nuw",)),
                  lir.Constant(_I64, -DATA_ALIGNMENT))
    alloc = self.module.libc("aligned_alloc", lir.FunctionType(_PTR, [_I64, _I64]))
    meminfo = b.call(alloc, [lir.Constant(_I64, DATA_ALIGNMENT), size], name="meminfo")
    status = self.error_status("MemoryError", "unable to allocate array data", loc)
    with b.if_then(b.icmp_unsigned("==", meminfo, lir.Constant(_PTR, None)), likely=False):
        b.ret(status)
    b.store(lir.Constant(_I64, 1), meminfo)
    if sys.platform == "linux":
        with b.if_then(b.icmp_unsigned(">=", size, lir.Constant(_I64, HUGE_PAGES_FROM)), likely=False):
            b.call(_advise_huge_pages(self.module), [meminfo, size])
    data = b.gep(meminfo, [lir.Constant(_I64, HEADER_SIZE)], inbounds=True, source_etype=_I8, name="data")
    return _make_array(self, t, meminfo, data, shape, strides)


#: the size in bytes from which an array's memory is advised into huge pages (NumPy's bound)
HUGE_PAGES_FROM = 1 << 22
_PAGE = 4096
_MADV_HUGEPAGE = 14


def _advise_huge_pages(module) -> lir.Function:
    """``pyjit_runtime.advise_huge_pages(block, size)``: ``madvise(MADV_HUGEPAGE)`` on the whole
    pages of a new block, as NumPy does for its arrays of 4 MiB and more (Linux only).

    Why: such a block comes fresh from ``mmap``, and writing it first costs a page fault
    per 4 KiB page: filling 80 MB took 48 ms where NumPy took 17 ms.  With transparent
    huge pages on ``madvise`` (the usual setting), the advice gives 2 MiB pages and
    512 times fewer faults.  Its result is ignored: without huge pages the block works
    as before."""
    def build(b: lir.IRBuilder, args) -> lir.Value:
        block, size = args
        address = b.ptrtoint(block, _I64)
        start = b.and_(b.add(address, lir.Constant(_I64, _PAGE - 1)), lir.Constant(_I64, -_PAGE))
        length = b.sub(b.add(address, size), start)
        madvise = module.libc("madvise", lir.FunctionType(_I32, [_PTR, _I64, _I32]))
        return b.call(madvise, [b.inttoptr(start, _PTR), length, lir.Constant(_I32, _MADV_HUGEPAGE)])

    function = module.helper("pyjit_runtime.advise_huge_pages", lir.FunctionType(_I32, [_PTR, _I64]), build)
    function.attributes.add("noinline")
    return function


@_lowers(ArrayGlobalOp)
def _array_global(self: _FunctionLowering, op: ArrayGlobalOp) -> lir.Value:
    """The registered NumPy array's data address, shape and strides, as constants (a null
    meminfo: the registry keeps it alive)."""
    from frontend.pycall import target

    array = target(op.target)
    t = op.result.type
    refs = self.module.refs
    data = refs.load(self.b, refs.add(array.ctypes.data, None, array, f"the global array {op.target}"))
    return _make_array(self, t, lir.Constant(_PTR, None), data, [lir.Constant(_I64, n) for n in array.shape],
                       [lir.Constant(_I64, s) for s in array.strides])


@_lowers(ArrayUndefOp)
def _array_undef(self: _FunctionLowering, op: ArrayUndefOp) -> lir.Value:
    """Null meminfo and data, zero extents and strides (reference counting skips it)."""
    return lir.Constant(value_type(op.result.type), None)


@_lowers(ArrayIncrefOp, ArrayDecrefOp)
def _array_refcount(self: _FunctionLowering, op: Operation) -> None:
    """Atomic count changes on a non-null meminfo; the last ``decref`` frees.  Of a ``str``:
    ``Py_IncRef``/``Py_DecRef`` of the object (compiled code holding strings holds the GIL).
    Of a local list: ``free`` of its items (see ``core``)."""
    if isinstance(op.operand(0).type, LocalListType):   # (``array.decref`` only): its one reference
        items = self.b.load(local_list_field(self.b, self.value(op.operand(0)), LOCAL_LIST_ITEMS), typ=_PTR)
        self.b.call(self.module.libc("free", lir.FunctionType(lir.VoidType(), [_PTR])), [items])
        return
    if isinstance(op.operand(0).type, ObjectType):
        name = "Py_IncRef" if isinstance(op, ArrayIncrefOp) else "Py_DecRef"
        self.b.call(self.module.libc(name, lir.FunctionType(lir.VoidType(), [_PTR])), [self.value(op.operand(0))])
        return
    meminfo = self.b.extract_value(self.value(op.operand(0)), 0)
    if isinstance(op, ArrayIncrefOp):
        emit_incref(self.b, meminfo)
    elif self.on_error_path:   # a cleanup region: one call each, out of line
        self.b.call(self.module.release(), [meminfo])
    else:
        emit_decref(self.b, meminfo, self.module.libc("free", lir.FunctionType(lir.VoidType(), [_PTR])))


#: CBLAS's enum values (``CBLAS_ORDER``, ``CBLAS_TRANSPOSE``)
_ROW_MAJOR, _NO_TRANS, _TRANS = 101, 111, 112
_GEMM = {"f32": "sgemm", "f64": "dgemm", "c64": "cgemm", "c128": "zgemm"}


@_lowers(LinalgMatmulOp)
def _linalg_matmul(self: _FunctionLowering, op: LinalgMatmulOp) -> lir.Value:
    """A new ``m x n`` array, then ``cblas_?gemm(RowMajor, ...)`` of NumPy's BLAS
    (:mod:`runtime.blas`; ``lower-arrays`` left only products it can take) with
    ``alpha = 1``, ``beta = 0`` (which sets the result, also for ``k = 0``).  A
    C-contiguous operand is passed as it is, an F-contiguous one transposed; the
    leading dimensions come from the shape (at least 1, as BLAS requires), never
    from strides NumPy may leave arbitrary along an extent of 1.  No call for an
    empty result; with a 32-bit BLAS an extent past its range is a ``ValueError``
    (before anything is allocated)."""
    from runtime.blas import find

    blas, b = find(), self.b
    ta, tb, t = op.operand(0).type, op.operand(1).type, op.result.type
    a, bm = self.value(op.operand(0)), self.value(op.operand(1))
    (m, k), n = self._shape(a, ta), self._shape(bm, tb)[1]
    if blas.int_bits == 32:
        limit = lir.Constant(_I64, 2**31 - 1)
        too_big = b.or_(b.icmp_signed(">", m, limit), b.or_(b.icmp_signed(">", n, limit), b.icmp_signed(">", k, limit)))
        with b.if_then(too_big, likely=False):
            b.ret(self.error_status("ValueError", "an extent of a matrix product exceeds the range of NumPy's "
                                                  "32-bit BLAS", op.loc))
    c = _allocate(self, t, [m, n], op.loc)
    one = lir.Constant(_I64, 1)
    at_least_one = [b.select(b.icmp_signed(">", v, one), v, one) for v in (m, n, k)]
    integer = lir.IntType(blas.int_bits)
    m1, n1, k1 = (b.trunc(v, integer) if blas.int_bits < 64 else v for v in at_least_one)
    dims = [b.trunc(v, integer) if blas.int_bits < 64 else v for v in (m, n, k)]
    lda = k1 if ta.layout == "C" else m1
    ldb = n1 if tb.layout == "C" else k1
    element = value_type(t.dtype)
    if isinstance(t.dtype, ComplexType):   # alpha and beta by address
        pair = memory_type(t.dtype)
        scalars = []
        for value in (1.0, 0.0):
            slot = self.allocas.alloca(pair)
            self.allocas.store(lir.Constant(pair, [lir.Constant(pair.elements[0], value),
                                                   lir.Constant(pair.elements[0], 0.0)]), slot)
            scalars.append(slot)
        scalar_type = _PTR
    else:
        scalars, scalar_type = [lir.Constant(element, 1.0), lir.Constant(element, 0.0)], element
    i32 = lir.IntType(32)
    gemm = self.module.libc(blas.symbol(_GEMM[str(t.dtype)]), lir.FunctionType(lir.VoidType(), [
        i32, i32, i32, integer, integer, integer, scalar_type, _PTR, integer, _PTR, integer, scalar_type, _PTR,
        integer]))
    nonempty = b.and_(b.icmp_signed(">", m, lir.Constant(_I64, 0)), b.icmp_signed(">", n, lir.Constant(_I64, 0)))
    with b.if_then(nonempty):
        b.call(gemm, [lir.Constant(i32, _ROW_MAJOR), lir.Constant(i32, _NO_TRANS if ta.layout == "C" else _TRANS),
                      lir.Constant(i32, _NO_TRANS if tb.layout == "C" else _TRANS), *dims, scalars[0],
                      b.extract_value(a, 1), lda, b.extract_value(bm, 1), ldb, scalars[1], b.extract_value(c, 1), n1])
    return c


@_lowers(LinalgGesvOp)
def _linalg_gesv(self: _FunctionLowering, op: LinalgGesvOp) -> lir.Value:
    """``?gesv(n, k, at, max(1, n), ipiv, bt, max(1, n), info)``, the Fortran routine of NumPy's
    LAPACK NumPy's ``solve`` calls (LAPACKE's would check the input for NaN and refuse it where
    NumPy computes NaN), on the column-major copies the frontend made (as NumPy's ``solve``
    makes them, so the factors and results are NumPy's), the arguments by address, the pivots
    in memory from ``malloc`` (freed right after).  Nothing is called for ``n = 0`` (info 0);
    ``lower-arrays`` refuses the op when the process has no LAPACK."""
    from runtime.blas import find

    blas, b = find(), self.b
    a, rhs = self.value(op.operand(0)), self.value(op.operand(1))
    k, n = self._shape(rhs, op.operand(1).type)
    integer = lir.IntType(blas.int_bits)
    size = lambda v: b.trunc(v, integer) if blas.int_bits < 64 else v   # noqa: E731
    one = lir.Constant(_I64, 1)
    at_least_one = b.select(b.icmp_signed(">", n, one), n, one)
    t = op.operand(0).type.dtype
    gesv = self.module.libc(blas.fortran({"f32": "sgesv", "f64": "dgesv", "c64": "cgesv", "c128": "zgesv"}[str(t)]),
                            lir.FunctionType(lir.VoidType(), [_PTR] * 8))
    malloc = self.module.libc("malloc", lir.FunctionType(_PTR, [_I64]))
    free = self.module.libc("free", lir.FunctionType(lir.VoidType(), [_PTR]))
    slots = [self.allocas.alloca(integer) for _ in range(4)]   # n, k, the leading dimension, info
    result = self.allocas.alloca(_I64)
    b.store(lir.Constant(_I64, 0), result)
    with b.if_then(b.icmp_signed(">", n, lir.Constant(_I64, 0))):
        pivots = b.call(malloc, [b.mul(at_least_one, lir.Constant(_I64, blas.int_bits // 8))])
        with b.if_then(b.icmp_unsigned("==", pivots, lir.Constant(_PTR, None)), likely=False):
            b.ret(self.error_status("MemoryError", "unable to allocate the pivots of a linear solve", op.loc))
        for slot, value in zip(slots, (n, k, at_least_one, lir.Constant(_I64, 0))):
            b.store(size(value), slot)
        b.call(gesv, [slots[0], slots[1], b.extract_value(a, 1), slots[2], pivots, b.extract_value(rhs, 1), slots[2],
                      slots[3]])
        b.call(free, [pivots])
        info = b.load(slots[3])
        b.store(b.sext(info, _I64) if blas.int_bits < 64 else info, result)
    return b.load(result)
