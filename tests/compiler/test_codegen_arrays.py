"""Code generation of the array ops: IR built by hand, lowered, checked by LLVM,
JIT-compiled and called through the ``.entry`` wrapper with the real
``ArgPacker``/``ResultUnpacker``, compared with NumPy."""
from __future__ import annotations

import ctypes
import gc
import itertools
import re
from typing import Any, Callable, Sequence

import llvmlite.binding as llvm
import numpy as np
import pytest

from compiler.codegen import entry_symbol, function_symbol, lower, lower_module
from ir import (
    AddOp, Block, Builder, CallOp, CastOp, ConditionOp, EqOp, ForOp, IfOp, LtOp, MakeTupleOp, ModOp,
    Module, MulOp, NotOp, Operation, RaiseIfOp, Region, SelectOp, TupleGetOp, TupleType, Type, WhileOp,
    YieldOp, verify,
)
from ir.dtypes import to_dtype
from ir.ops.array import (
    ArrayAllocOp, ArrayDecrefOp, ArrayDimOp, ArrayIncrefOp, ArrayLoadOp, ArrayStoreOp, ArrayUndefOp,
    ArrayViewOp,
)
from ir.ops.complex import ImagOp, MakeComplexOp, RealOp
from ir.types import (
    ArrayType, BoolType, ComplexType, bool_, c64, none, c128, f32, f64, i8, i16, i32, i64, u8, u16, u32, u64,
)
from runtime import memory
from runtime.boxing import ArgPacker, ResultUnpacker
from runtime.engine import get_engine
from runtime.errors import ERRARGS_SLOTS
from tests.compiler.test_codegen import ENTRY, const, define

DTYPES = [bool_, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, c64, c128]


class ArrayJit:
    """A hand-built module, lowered, verified by LLVM, compiled; functions are
    called as ``CompiledFunction`` calls them (packer, entry, unpacker)."""

    def __init__(self, module: Module, opt_level: int = 3):
        verify(module)
        self.module = module
        lowered = lower(module)
        self.text, self.error_sites = lowered.llvm_ir, lowered.error_sites
        llvm.parse_assembly(self.text).verify()
        self.lib = get_engine().compile(self.text, opt_level, "arrays")
        self._calls: dict[str, Any] = {}

    def raw(self, name: str, *args: Any) -> tuple[Any, Any]:
        """Call ``name``; return the result buffer and its unpacker (nothing unpacked)."""
        call = self._calls.get(name)
        if call is None:
            func = self.module[name]
            call = self._calls[name] = (ENTRY(self.lib.address(entry_symbol(name))),
                                        ArgPacker(func.arg_types), ResultUnpacker(func.result_type))
        entry, packer, unpacker = call
        packed = packer.pack(args)
        ret = unpacker.new_buffer()
        errargs = (ctypes.c_int64 * ERRARGS_SLOTS)()
        status = entry(ctypes.addressof(ret), ctypes.addressof(errargs), ctypes.addressof(packed))
        if status:
            self.error_sites.raise_error(status, list(errargs))
        return ret, unpacker

    def __call__(self, name: str, *args: Any) -> Any:
        ret, unpacker = self.raw(name, *args)
        return unpacker.unpack(ret, args)


def loops(b: Builder, extents: Sequence[Any], body: Callable[[list], None]) -> None:
    """Nested ``for`` ops over ``range(e)`` for each extent; ``body(indices)`` inside."""
    zero, one = const(b, 0), const(b, 1)

    def nest(k: int, indices: list) -> None:
        if k == len(extents):
            body(indices)
            return
        loop = b.insert(ForOp(zero, extents[k], one, []))
        with b.inside(loop.body):
            nest(k + 1, [*indices, loop.induction_var])
            b.insert(YieldOp([]))

    nest(0, [])


def dims(b: Builder, a: Any) -> list:
    return [b.add(ArrayDimOp(a, k)) for k in range(a.type.ndim)]


def sample(t: Type, shape: tuple, seed: int = 0) -> np.ndarray:
    """Distinct-ish values of dtype ``t`` whose sums are exact in floating point."""
    rng = np.random.default_rng(seed)
    values = rng.integers(-60, 60, size=shape)
    dtype = to_dtype(t)
    if isinstance(t, BoolType):
        return values > 0
    if isinstance(t, ComplexType):
        return (values + 1j * rng.integers(-60, 60, size=shape)).astype(dtype)
    if dtype.kind == "u":
        return np.abs(values).astype(dtype)
    return values.astype(dtype)


def layouts(a: np.ndarray) -> dict[str, np.ndarray]:
    """``a`` (C), a Fortran copy and a strided view with the same values."""
    big = np.zeros(tuple(2 * n for n in a.shape), a.dtype)
    strided = big[tuple(slice(None, None, 2) for _ in a.shape)]
    strided[...] = a
    return {"C": a, "F": np.asfortranarray(a), "A": strided}


# ----------------------------------------------------------------- sum over every dtype
def sum_function(module: Module, name: str, t: ArrayType) -> None:
    acc_type = i64 if isinstance(t.dtype, BoolType) else t.dtype

    def body(b: Builder, a: Any) -> Any:
        n = b.add(ArrayDimOp(a, 0))
        zero = b.add(CastOp(const(b, 0), acc_type))
        loop = b.insert(ForOp(const(b, 0), n, const(b, 1), [zero]))
        with b.inside(loop.body):
            x = b.add(ArrayLoadOp(a, [loop.induction_var]))
            if x.type != acc_type:
                x = b.add(CastOp(x, acc_type))
            b.insert(YieldOp([b.add(AddOp(loop.iter_args[0], x))]))
        return loop.results[0]

    define(module, name, [t], acc_type, body)


@pytest.fixture(scope="module")
def sums() -> ArrayJit:
    module = Module([])
    for t in DTYPES:
        for layout in "CA":
            sum_function(module, f"sum_{t}_{layout}", ArrayType(t, 1, layout))
        sum_function(module, f"sum_{t}_ro", ArrayType(t, 1, "A", readonly=True))
    return ArrayJit(module)


@pytest.mark.parametrize("t", DTYPES, ids=str)
def test_sum_of_every_dtype(sums, t):
    a = sample(t, (37,))
    want = a.astype(np.int64).sum() if isinstance(t, BoolType) else a.sum(dtype=a.dtype)
    assert sums(f"sum_{t}_C", a) == want
    assert sums(f"sum_{t}_A", a[::-3]) == (a[::-3].astype(np.int64).sum() if isinstance(t, BoolType)
                                           else a[::-3].sum(dtype=a.dtype))
    assert sums(f"sum_{t}_A", a[:0]) == 0
    frozen = a.copy()
    frozen.flags.writeable = False
    assert sums(f"sum_{t}_ro", frozen) == want


def test_integer_sum_wraps_and_c_layout_vectorizes(sums):
    a = np.full(10, 2**62, np.int64)
    assert sums("sum_i64_C", a) == np.int64(a.sum())
    assert re.search(r"<\d+ x i64>", sums.lib.llvm_ir), "the C-layout i64 sum is not vectorized"


def test_c_and_f_layouts_never_read_the_strides():
    module = Module([])
    for layout in "CFA":
        t = ArrayType(f64, 3, layout)

        def access(b, a, i, j, k):
            x = b.add(ArrayLoadOp(a, [i, j, k]))
            b.insert(ArrayStoreOp(a, [k, j, i], x))
            return x

        define(module, f"access{layout}", [t, i64, i64, i64], f64, access)

        def view(b, a, i, j):
            return b.add(ArrayLoadOp(b.add(ArrayViewOp(a, i)), [j, j]))

        define(module, f"view{layout}", [t, i64, i64], f64, view)
    text = lower_module(module)
    functions = dict(re.findall(r'define internal i32 @"pyjit\.(\w+)"(.*?)\n}', text, re.S))
    stride_read = re.compile(r"extractvalue \{ptr, ptr, \[\d x i64\], \[\d x i64\]\} %\S+, 3, ")
    assert not stride_read.search(functions["accessC"]) and not stride_read.search(functions["accessF"])
    assert stride_read.search(functions["accessA"])
    for name in ("accessC", "accessF", "viewC", "viewF"):  # addresses from the shape
        assert "getelementptr inbounds double" in functions[name]
    for name in ("accessC", "accessF", "viewC"):  # (a view of an F array is an A array)
        assert "getelementptr inbounds i8" not in functions[name]
    assert "getelementptr inbounds i8" in functions["viewA"]


# ----------------------------------------------------------------- n-d loads and stores
def copy_function(module: Module, name: str, src: ArrayType) -> None:
    """``out = empty_like(src); out[idx] = src[idx]`` for every index; returns ``out``."""

    def body(b: Builder, a: Any) -> Any:
        extents = dims(b, a)
        out = b.add(ArrayAllocOp(src.dtype, extents))
        loops(b, extents, lambda idx: b.insert(ArrayStoreOp(out, idx, b.add(ArrayLoadOp(a, idx)))))
        return out

    define(module, name, [src], ArrayType(src.dtype, src.ndim, "C"), body)


def fill_function(module: Module, name: str, dst: ArrayType) -> None:
    """``dst[i, j, ...] = i + 10 j + 100 k + ...`` (as f64) for every index."""

    def body(b: Builder, a: Any) -> None:
        def store(idx: list) -> None:
            value = const(b, 0)
            for k, i in enumerate(idx):
                value = b.add(AddOp(value, b.add(MulOp(i, const(b, 10 ** k)))))
            b.insert(ArrayStoreOp(a, idx, b.add(CastOp(value, f64))))

        loops(b, dims(b, a), store)

    define(module, name, [dst], none, body)


@pytest.fixture(scope="module")
def nd() -> ArrayJit:
    module = Module([])
    for ndim in (2, 3, 4):
        for layout in "CFA":
            for t in (f64, i32, c128):
                copy_function(module, f"copy_{t}_{ndim}{layout}", ArrayType(t, ndim, layout))
            fill_function(module, f"fill_{ndim}{layout}", ArrayType(f64, ndim, layout))
    return ArrayJit(module)


def expected_fill(shape: tuple) -> np.ndarray:
    return sum(np.indices(shape)[k] * 10.0 ** k for k in range(len(shape)))


STRIDED = {
    2: [lambda a: a[::2], lambda a: a.T, lambda a: a[:, ::3], lambda a: a[::-1, 1::2]],
    3: [lambda a: a[::2], lambda a: a.transpose(1, 2, 0), lambda a: a[:, ::3, ::-2]],
    4: [lambda a: a[::2], lambda a: a.T, lambda a: a[1:, :, ::3, :]],
}


@pytest.mark.parametrize("ndim", [2, 3, 4])
@pytest.mark.parametrize("t", [f64, i32, c128], ids=str)
def test_nd_loads_in_every_layout(nd, ndim, t):
    shape = (5, 7, 4, 3)[:ndim]
    base = sample(t, shape, seed=ndim)
    for layout, a in layouts(base).items():
        out = nd(f"copy_{t}_{ndim}{layout}", a)
        assert out.flags.c_contiguous and out.dtype == a.dtype
        np.testing.assert_array_equal(out, base)
    big = sample(t, tuple(2 * n + 1 for n in shape), seed=7)
    for view in STRIDED[ndim]:
        a = view(big)
        layout = "C" if a.flags.c_contiguous else "F" if a.flags.f_contiguous else "A"
        np.testing.assert_array_equal(nd(f"copy_{t}_{ndim}{layout}", a), a)
        np.testing.assert_array_equal(nd(f"copy_{t}_{ndim}A", a), a)  # any array fits "A"


@pytest.mark.parametrize("ndim", [2, 3, 4])
def test_nd_stores_in_every_layout(nd, ndim):
    shape = (5, 7, 4, 3)[:ndim]
    for layout, order in (("C", "C"), ("F", "F")):
        a = np.full(shape, -1.0, order=order)
        nd(f"fill_{ndim}{layout}", a)
        np.testing.assert_array_equal(a, expected_fill(shape))
    for view in STRIDED[ndim]:
        big = np.full(tuple(2 * n + 1 for n in shape), -1.0)
        a = view(big)
        before = big.copy()
        nd(f"fill_{ndim}A", a)
        np.testing.assert_array_equal(a, expected_fill(a.shape))
        touched = np.zeros(big.shape, bool)
        view(touched)[...] = True
        np.testing.assert_array_equal(big[~touched], before[~touched])  # nothing else written


# ----------------------------------------------------------------- views
@pytest.fixture(scope="module")
def views() -> ArrayJit:
    module = Module([])
    for layout in "CFA":
        t = ArrayType(f64, 3, layout)

        def load(b, a, i, j, k):
            plane = b.add(ArrayViewOp(a, i))
            row = b.add(ArrayViewOp(plane, j))
            return b.add(ArrayLoadOp(row, [k]))

        define(module, f"load_{layout}", [t, i64, i64, i64], f64, load)
        sub = ArrayType(f64, 2, "C" if layout == "C" else "A")
        define(module, f"plane_{layout}", [t, i64], sub, lambda b, a, i: b.add(ArrayViewOp(a, i)))

        def store(b, a, i, j, x):  # a[i][j][0] = x
            row = b.add(ArrayViewOp(b.add(ArrayViewOp(a, i)), j))
            b.insert(ArrayStoreOp(row, [const(b, 0)], x))

        define(module, f"store_{layout}", [t, i64, i64, f64], none, store)
    return ArrayJit(module)


@pytest.mark.parametrize("layout", "CFA")
def test_views_then_loads(views, layout):
    base = sample(f64, (3, 4, 5), seed=3)
    a = layouts(base)[layout]
    for i, j, k in itertools.product(range(3), range(4), range(5)):
        assert views(f"load_{layout}", a, i, j, k) == base[i][j][k]


@pytest.mark.parametrize("layout", "CFA")
def test_returned_views_share_the_argument(views, layout):
    base = sample(f64, (3, 4, 5), seed=4)
    a = layouts(base)[layout]
    live = baseline()
    for i in range(3):
        plane = views(f"plane_{layout}", a, i)
        np.testing.assert_array_equal(plane, base[i])
        assert np.shares_memory(plane, a) and plane.shape == (4, 5)
        assert plane.strides == a[i].strides
    assert memory.live_owners() == live  # lent memory: no owner
    plane = views(f"plane_{layout}", a, 2)
    del a, base
    assert plane.sum() == plane.sum()  # still alive: the view keeps the argument
    views(f"store_{layout}", layouts(np.zeros((3, 4, 5)))[layout], 1, 2, 1.0)


def test_view_stores_reach_the_argument(views):
    for layout in "CFA":
        a = layouts(np.zeros((3, 4, 5)))[layout]
        views(f"store_{layout}", a, 2, 3, 7.5)
        assert a[2, 3, 0] == 7.5 and np.count_nonzero(a) == 1


# ----------------------------------------------------------------- allocation and results
@pytest.fixture(scope="module")
def allocs() -> ArrayJit:
    module = Module([])

    def arange(b, n, m):
        out = b.add(ArrayAllocOp(f64, [n, m]))
        loops(b, [n, m], lambda idx: b.insert(ArrayStoreOp(
            out, idx, b.add(CastOp(b.add(AddOp(b.add(MulOp(idx[0], m)), idx[1])), f64)))))
        return out

    define(module, "arange", [i64, i64], ArrayType(f64, 2, "C"), arange)
    for t in DTYPES:
        define(module, f"empty_{t}", [i64], ArrayType(t, 1, "C"), lambda b, n, t=t: b.add(ArrayAllocOp(t, [n])))
    define(module, "empty3", [i64, i64, i64], ArrayType(i16, 3, "C"),
           lambda b, n, m, k: b.add(ArrayAllocOp(i16, [n, m, k])))
    define(module, "scalar0d", [f64], ArrayType(f64, 0, "C"), lambda b, x: _store0(b, x))
    define(module, "ident", [ArrayType(f64, 2, "A")], ArrayType(f64, 2, "A"), lambda b, a: a)

    def twice(b, n):  # alloc, incref: the same block returned twice, one reference each
        out = b.add(ArrayAllocOp(f64, [n]))
        b.insert(ArrayIncrefOp(out))
        return b.add(MakeTupleOp([out, n, out]))

    define(module, "twice", [i64], TupleType((ArrayType(f64, 1, "C"), i64, ArrayType(f64, 1, "C"))), twice)

    def balance(b, n):  # alloc, incref, decref: one reference left, returned
        out = b.add(ArrayAllocOp(f64, [n]))
        b.insert(ArrayIncrefOp(out))
        b.insert(ArrayStoreOp(out, [const(b, 0)], const(b, 2.5, f64)))
        b.insert(ArrayDecrefOp(out))
        return out

    define(module, "balance", [i64], ArrayType(f64, 1, "C"), balance)

    def freed(b, n):  # alloc, incref, decref, decref: freed inside
        out = b.add(ArrayAllocOp(u8, [n]))
        b.insert(ArrayIncrefOp(out))
        b.insert(ArrayDecrefOp(out))
        b.insert(ArrayDecrefOp(out))
        return n

    define(module, "freed", [i64], i64, freed)

    def lent(b, a):  # reference counting on a lent array does nothing
        b.insert(ArrayIncrefOp(a))
        b.insert(ArrayDecrefOp(a))
        b.insert(ArrayDecrefOp(a))
        return b.add(ArrayDimOp(a, 0))

    define(module, "lent", [ArrayType(f64, 1, "A")], i64, lent)

    def maybe(b, c, n):  # an unbound placeholder, reference-counted as the pass would
        t = ArrayType(f64, 2, "C")
        branch = b.insert(IfOp(c, [t]))
        with b.inside(branch.then_block):
            b.insert(YieldOp([b.add(ArrayAllocOp(f64, [n, n]))]))
        with b.inside(branch.else_block):
            placeholder = b.add(ArrayUndefOp(t))
            b.insert(ArrayIncrefOp(placeholder))
            b.insert(ArrayDecrefOp(placeholder))
            b.insert(YieldOp([placeholder]))
        return branch.results[0]

    define(module, "maybe", [bool_, i64], ArrayType(f64, 2, "C"), maybe)
    return ArrayJit(module)


def _store0(b, x):
    out = b.add(ArrayAllocOp(f64, []))
    b.insert(ArrayStoreOp(out, [], x))
    return out


def baseline() -> int:
    """The live owners now, garbage cycles of earlier tests collected first (so that
    no collection of theirs can change the count during a test)."""
    gc.collect()
    return memory.live_owners()


def owner_of(a: np.ndarray) -> Any:
    """The ``MemInfoOwner`` found along ``a``'s base chain (None if there is none)."""
    while a is not None:
        keep = getattr(a, "keepalive", None)
        if isinstance(keep, memory.MemInfoOwner):
            return keep
        a = getattr(a, "base", None)
    return None


def test_alloc_fill_and_return(allocs):
    live = baseline()
    out = allocs("arange", 3, 5)
    np.testing.assert_array_equal(out, np.arange(15.0).reshape(3, 5))
    assert out.flags.c_contiguous and out.flags.writeable and out.strides == (40, 8)
    owner = owner_of(out)
    assert owner is not None and owner.refcount == 1
    assert out.ctypes.data == owner.meminfo + memory.HEADER_SIZE and out.ctypes.data % 64 == 0
    assert memory.live_owners() == live + 1
    view = out[1:, ::2]
    del out, owner
    assert memory.live_owners() == live + 1  # the NumPy view keeps the block
    np.testing.assert_array_equal(view, np.arange(15.0).reshape(3, 5)[1:, ::2])
    del view
    assert memory.live_owners() == live


@pytest.mark.parametrize("t", DTYPES, ids=str)
def test_alloc_of_every_dtype(allocs, t):
    out = allocs(f"empty_{t}", 10)
    assert out.dtype == to_dtype(t) and out.shape == (10,) and out.strides == (out.itemsize,)
    out[...] = sample(t, (10,))  # writable, and really 10 elements of memory
    np.testing.assert_array_equal(out, sample(t, (10,)))


def test_alloc_shapes(allocs):
    out = allocs("empty3", 2, 3, 4)
    assert out.shape == (2, 3, 4) and out.strides == (24, 8, 2) and out.dtype == np.int16
    for shape in [(0, 3, 4), (2, 0, 0), (0, 0, 0)]:
        empty = allocs("empty3", *shape)
        assert empty.shape == shape and empty.size == 0 and owner_of(empty) is not None
    zero_d = allocs("scalar0d", 2.5)
    assert zero_d.shape == () and zero_d[()] == 2.5


def test_alloc_failure_is_memory_error(allocs):
    # 2**40 * 2**19 f64 = 2**62 bytes: no overflow (the frontend checks that), far beyond memory
    with pytest.raises(MemoryError, match=r"^unable to allocate array data$"):
        allocs("arange", 2**40, 2**19)
    with pytest.raises(MemoryError):
        allocs("empty3", 2**20, 2**20, 2**20)
    assert allocs("arange", 1, 1)[0, 0] == 0.0  # and the next allocation works


def test_returning_an_argument_returns_it(allocs):
    a = np.arange(12.0).reshape(3, 4)
    assert allocs("ident", a) is a
    t = a.T
    assert allocs("ident", t) is t
    live = baseline()
    strided = a[::2, 1:]
    assert np.shares_memory(allocs("ident", strided), a)
    assert memory.live_owners() == live


def test_incref_decref_balance(allocs):
    live = baseline()
    out = allocs("balance", 4)
    assert owner_of(out).refcount == 1 and out[0] == 2.5
    del out
    assert memory.live_owners() == live
    first, n, second = allocs("twice", 3)
    assert n == 3 and np.shares_memory(first, second)
    owner = owner_of(first)
    assert owner is not owner_of(second) and owner.refcount == 2
    assert memory.live_owners() == live + 2
    del second
    assert owner.refcount == 1  # read back before the last reference goes
    del owner, first
    assert memory.live_owners() == live
    for _ in range(1000):  # alloc, incref, decref, decref: freed in compiled code
        assert allocs("freed", 1 << 16) == 1 << 16
    a = np.ones(5)
    assert allocs("lent", a) == 5 and a.sum() == 5


def test_undef_is_an_empty_array_owning_nothing(allocs):
    live = baseline()
    placeholder = allocs("maybe", False, 3)
    assert placeholder.shape == (0, 0) and owner_of(placeholder) is None
    assert memory.live_owners() == live
    assert allocs("maybe", True, 3).shape == (3, 3)


def test_through_compiled_function(allocs):
    """``CompiledFunction.__call__`` passes the arguments on to the unpacker."""
    from compiler.pipeline import CompiledFunction

    func = allocs.module["ident"]
    compiled = CompiledFunction(tuple(func.arg_types), func.result_type, allocs.module, func,
                                allocs.text, allocs.lib, allocs.error_sites)
    a = np.zeros((2, 3))[:, ::2]
    assert compiled([a]) is a
    func = allocs.module["arange"]
    compiled = CompiledFunction(tuple(func.arg_types), func.result_type, allocs.module, func,
                                allocs.text, allocs.lib, allocs.error_sites)
    np.testing.assert_array_equal(compiled([2, 2]), [[0.0, 1.0], [2.0, 3.0]])


# ----------------------------------------------------------------- bool and complex elements
@pytest.fixture(scope="module")
def elements() -> ArrayJit:
    module = Module([])

    def negate(b, a):
        loops(b, dims(b, a), lambda idx: b.insert(ArrayStoreOp(a, idx, b.add(NotOp(b.add(ArrayLoadOp(a, idx)))))))
        return b.add(ArrayLoadOp(a, [const(b, 0), const(b, 0)]))

    define(module, "negate", [ArrayType(bool_, 2, "A")], bool_, negate)
    for t in (c64, c128):
        def swap(b, a):  # a[i] = imag + real*1j, returns a copy as a new array
            out = b.add(ArrayAllocOp(a.type.dtype, dims(b, a)))

            def step(idx):
                z = b.add(ArrayLoadOp(a, idx))
                w = b.add(MakeComplexOp(b.add(ImagOp(z)), b.add(RealOp(z))))
                b.insert(ArrayStoreOp(a, idx, w))
                b.insert(ArrayStoreOp(out, idx, z))

            loops(b, dims(b, a), step)
            return out

        define(module, f"swap_{t}", [ArrayType(t, 1, "A")], ArrayType(t, 1, "C"), swap)
    return ArrayJit(module)


def test_bool_elements_round_trip(elements):
    a = np.array([[True, False, True], [False, False, True]])
    for view in (a.copy(), np.asfortranarray(a), np.repeat(a, 2, axis=1)[:, ::2]):
        before = view.copy()
        first = elements("negate", view)
        assert first == (not before[0, 0])
        np.testing.assert_array_equal(view, ~before)
        assert view.view(np.uint8).max() == 1  # stored as 0/1 bytes


@pytest.mark.parametrize("t", [c64, c128], ids=str)
def test_complex_elements_round_trip(elements, t):
    a = np.array([1 + 2j, -3.5 + 0.25j, np.inf - 1j, 0j], dtype=to_dtype(t))
    for view in (a.copy(), np.repeat(a, 3)[::3], a[::-1].copy()[::-1]):
        before = view.copy()
        out = elements(f"swap_{t}", view)
        np.testing.assert_array_equal(out, before)
        swapped = np.empty_like(before)
        swapped.real, swapped.imag = before.imag, before.real
        np.testing.assert_array_equal(view, swapped)


# ----------------------------------------------------------------- control flow, tuples, calls
@pytest.fixture(scope="module")
def control() -> ArrayJit:
    module = Module([])
    A1 = ArrayType(f64, 1, "A")

    def choose(b, c, x, y):
        branch = b.insert(IfOp(c, [A1]))
        with b.inside(branch.then_block):
            b.insert(YieldOp([x]))
        with b.inside(branch.else_block):
            b.insert(YieldOp([y]))
        return branch.results[0]

    define(module, "choose", [bool_, A1, A1], A1, choose)

    def alternate(b, x, y, n):  # for: carries an array, swaps each iteration
        loop = b.insert(ForOp(const(b, 0), n, const(b, 1), [x, y]))
        with b.inside(loop.body):
            b.insert(YieldOp([loop.iter_args[1], loop.iter_args[0]]))
        return b.add(MakeTupleOp([loop.results[0], n, loop.results[1]]))

    define(module, "alternate", [A1, A1, i64], TupleType((A1, i64, A1)), alternate)

    def walk(b, x, y, n):  # while: picks the array by parity
        loop = b.insert(WhileOp([const(b, 0), x]))
        with b.inside(loop.before):
            k, cur = loop.before.args
            b.insert(ConditionOp(b.add(LtOp(k, n)), [k, cur]))
        with b.inside(loop.after):
            k, cur = loop.after.args
            odd = b.add(EqOp(b.add(ModOp(k, const(b, 2))), const(b, 0)))
            b.insert(YieldOp([b.add(AddOp(k, const(b, 1))), b.add(SelectOp(odd, y, x))]))
        return loop.results[1]

    define(module, "walk", [A1, A1, i64], A1, walk)

    def first(b, a):
        return b.add(ArrayLoadOp(a, [const(b, 0)]))

    define(module, "first", [A1], f64, first)
    define(module, "make", [i64], ArrayType(f64, 1, "C"), lambda b, n: _filled(b, n))

    def caller(b, x, n):  # calls with arrays in and out
        made = b.add(CallOp("make", [n], ArrayType(f64, 1, "C")))
        got = b.add(CallOp("first", [x], f64))
        return b.add(MakeTupleOp([made, got]))

    define(module, "caller", [A1, i64], TupleType((ArrayType(f64, 1, "C"), f64)), caller)
    return ArrayJit(module)


def _filled(b, n):
    out = b.add(ArrayAllocOp(f64, [n]))
    loops(b, [n], lambda idx: b.insert(ArrayStoreOp(out, idx, b.add(CastOp(idx[0], f64)))))
    return out


def test_arrays_through_if_for_while_and_tuples(control):
    x, y = np.arange(4.0), np.arange(10.0, 16.0)[::2]
    assert control("choose", True, x, y) is x and control("choose", False, x, y) is y
    a, n, b = control("alternate", x, y, 3)
    assert a is y and n == 3 and b is x
    assert control("walk", x, y, 0) is x and control("walk", x, y, 1) is y and control("walk", x, y, 2) is x


def test_calls_pass_and_return_arrays(control):
    live = baseline()
    made, got = control("caller", np.array([7.0, 8.0]), 4)
    assert got == 7.0
    np.testing.assert_array_equal(made, [0.0, 1.0, 2.0, 3.0])
    assert memory.live_owners() == live + 1
    del made
    assert memory.live_owners() == live


def test_eight_dimensions():
    module = Module([])
    for layout in "CFA":
        copy_function(module, f"copy{layout}", ArrayType(i16, 8, layout))
    jit = ArrayJit(module)
    base = np.arange(3 * 2 ** 7, dtype=np.int16).reshape(3, 2, 2, 2, 2, 2, 2, 2)
    for layout, a in layouts(base).items():
        np.testing.assert_array_equal(jit(f"copy{layout}", a), base)
    np.testing.assert_array_equal(jit("copyA", base.transpose(7, 1, 2, 0, 4, 5, 6, 3)[::-1]),
                                  base.transpose(7, 1, 2, 0, 4, 5, 6, 3)[::-1])


@pytest.mark.parametrize("opt", [0, 2])
def test_other_optimization_levels(opt):
    module = Module([])
    copy_function(module, "copy", ArrayType(f64, 2, "A"))
    jit = ArrayJit(module, opt)
    a = np.arange(20.0).reshape(4, 5)[::-2, 1::2]
    np.testing.assert_array_equal(jit("copy", a), a)


# ----------------------------------------------------------------- error paths: cleanup regions
# The functions lend a compiled-code array (its meminfo passed in the argument
# slot, as a caller holding it would) and take references to it as the
# ``refcount`` pass would for owned values; the cleanup region of a
# ``raise_if`` or ``call`` must give them back before the error status is
# returned, so the count the Python owner reads is unchanged afterwards.
OWNED = ArrayType(f64, 1, "C")


def with_cleanup(op: Operation, *releases: Any) -> None:
    """Give ``op`` a cleanup region: ``array.decref`` of each array in
    ``releases``; a ``(tuple, index)`` pair releases that element of a tuple."""
    b = Builder.at_end(op.add_region(Region(Block())).block)
    for value in releases:
        if isinstance(value, tuple):
            value = b.add(TupleGetOp(*value))
        b.insert(ArrayDecrefOp(value))


@pytest.fixture(scope="module")
def cleanups() -> ArrayJit:
    module = Module([])
    define(module, "make", [i64], OWNED, lambda b, n: _filled(b, n))

    def raise_owning(b, a, fail):  # two references, released through a tuple's leaves
        b.insert(ArrayIncrefOp(a))
        b.insert(ArrayIncrefOp(a))
        n = b.add(ArrayDimOp(a, 0))
        pair = b.add(MakeTupleOp([a, n, a]))
        check = b.insert(RaiseIfOp(fail, "IndexError", "index {} is out of bounds", (n,)))
        with_cleanup(check, (pair, 0), (pair, 2))
        b.insert(ArrayDecrefOp(a))
        b.insert(ArrayDecrefOp(a))
        return n

    define(module, "raise_owning", [OWNED, bool_], i64, raise_owning)

    def callee(b, a, fail):
        b.insert(ArrayIncrefOp(a))
        with_cleanup(b.insert(RaiseIfOp(fail, "ValueError", "callee failed")), a)
        b.insert(ArrayDecrefOp(a))
        return b.add(ArrayDimOp(a, 0))

    define(module, "callee", [OWNED, bool_], i64, callee)

    def caller(b, a, fail):
        b.insert(ArrayIncrefOp(a))
        call = b.insert(CallOp("callee", [a, fail], i64))
        with_cleanup(call, a)
        b.insert(ArrayDecrefOp(a))
        return call.result

    define(module, "caller", [OWNED, bool_], i64, caller)

    def deep(b, a):  # endless recursion: RecursionError, each frame releases its reference
        b.insert(ArrayIncrefOp(a))
        call = b.insert(CallOp("deep", [a], i64))
        with_cleanup(call, a)
        b.insert(ArrayDecrefOp(a))
        return call.result

    define(module, "deep", [OWNED], i64, deep)

    def in_loop(b, a, n):  # stops in iteration 3 with the carried reference
        b.insert(ArrayIncrefOp(a))
        loop = b.insert(ForOp(const(b, 0), n, const(b, 1), [a]))
        with b.inside(loop.body):
            i, acc = loop.body.args
            with_cleanup(b.insert(RaiseIfOp(b.add(EqOp(i, const(b, 3))), "ValueError", "stop")), acc)
            b.insert(ArrayIncrefOp(acc))
            b.insert(ArrayDecrefOp(acc))
            b.insert(YieldOp([acc]))
        b.insert(ArrayDecrefOp(loop.results[0]))
        return n

    define(module, "in_loop", [OWNED, i64], i64, in_loop)
    return ArrayJit(module)


def call_lending(jit: ArrayJit, name: str, a: np.ndarray, *scalars: int) -> int:
    """Call ``name(a, *scalars)`` lending ``a`` with its meminfo, as compiled code would."""
    owner = owner_of(a)
    slots = [owner.meminfo, a.ctypes.data, *a.shape, *a.strides, *(int(s) & (2**64 - 1) for s in scalars)]
    args = (ctypes.c_uint64 * len(slots))(*slots)
    result = ctypes.c_int64()
    errargs = (ctypes.c_int64 * ERRARGS_SLOTS)()
    entry = ENTRY(jit.lib.address(entry_symbol(name)))
    status = entry(ctypes.addressof(result), ctypes.addressof(errargs), ctypes.addressof(args))
    if status:
        jit.error_sites.raise_error(status, list(errargs))
    return result.value


def test_a_cleanup_region_lowers_to_releases_on_the_error_branch(cleanups):
    body = cleanups.text.split(f'define internal i32 @"{function_symbol("raise_owning")}"', 1)[1].split("\n}\n", 1)[0]
    assert body.count("atomicrmw sub") == 2   # the two releases of the normal path, inline
    assert body.count('call void @"pyjit_runtime.release"') == 2   # those of the error path, out of line


def test_raise_if_releases_what_its_cleanup_names(cleanups):
    a = cleanups("make", 4)
    owner = owner_of(a)
    assert owner.refcount == 1
    assert call_lending(cleanups, "raise_owning", a, False) == 4
    assert owner.refcount == 1
    for _ in range(3):
        with pytest.raises(IndexError, match=r"^index 4 is out of bounds$"):
            call_lending(cleanups, "raise_owning", a, True)
        assert owner.refcount == 1


def test_a_failing_call_runs_the_callers_cleanup(cleanups):
    a = cleanups("make", 3)
    owner = owner_of(a)
    assert call_lending(cleanups, "caller", a, False) == 3 and owner.refcount == 1
    with pytest.raises(ValueError, match="callee failed"):
        call_lending(cleanups, "caller", a, True)
    assert owner.refcount == 1


def test_the_recursion_limit_runs_the_cleanup_of_every_frame(cleanups):
    a = cleanups("make", 2)
    owner = owner_of(a)
    with pytest.raises(RecursionError):
        call_lending(cleanups, "deep", a)
    assert owner.refcount == 1


def test_a_raise_in_a_loop_releases_the_carried_array(cleanups):
    a = cleanups("make", 2)
    owner = owner_of(a)
    assert call_lending(cleanups, "in_loop", a, 3) == 3 and owner.refcount == 1
    with pytest.raises(ValueError, match="stop"):
        call_lending(cleanups, "in_loop", a, 10)
    assert owner.refcount == 1
    np.testing.assert_array_equal(a, [0.0, 1.0])  # and the memory is still there
