"""Blocks allocated by compiled code: ownership by Python, the atomic count,
results handed to NumPy without copies, and memory staying flat over many
calls."""
from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from ir import CastOp, Module
from ir.ops.array import ArrayAllocOp, ArrayDecrefOp, ArrayStoreOp
from ir.types import ArrayType, f64, i64, u8
from runtime import memory
from runtime.abi import DATA_ALIGNMENT, HEADER_SIZE
from runtime.memory import MemInfoOwner, array_from_result
from tests.compiler.test_codegen import const, define
from tests.compiler.test_codegen_arrays import ArrayJit, baseline, loops

_libc = ctypes.CDLL(None)
_libc.aligned_alloc.restype = ctypes.c_void_p
_libc.aligned_alloc.argtypes = [ctypes.c_size_t, ctypes.c_size_t]

ROOT = Path(__file__).resolve().parents[2]


def new_block(nbytes: int, count: int = 1) -> int:
    """A block laid out as compiled code lays it out, with ``count`` references."""
    size = (HEADER_SIZE + nbytes + DATA_ALIGNMENT - 1) // DATA_ALIGNMENT * DATA_ALIGNMENT
    meminfo = _libc.aligned_alloc(DATA_ALIGNMENT, size)
    assert meminfo
    ctypes.c_int64.from_address(meminfo).value = count
    return meminfo


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


# ----------------------------------------------------------------- the owner
def test_owner_gives_its_reference_back():
    live = baseline()
    meminfo = new_block(16, count=2)  # the test keeps the second reference
    owner = MemInfoOwner(meminfo)
    assert owner.refcount == 2 and owner.data == meminfo + 64 and memory.live_owners() == live + 1
    del owner
    assert memory.refcount(meminfo) == 1 and memory.live_owners() == live
    memory.incref(meminfo)
    assert memory.refcount(meminfo) == 2
    memory.decref(meminfo)
    memory.decref(meminfo)  # the last reference: freed (not read again)
    with pytest.raises(ValueError):
        MemInfoOwner(0)


def test_native_owner_capsule_gives_its_reference_back():
    """The native call path's owner: a capsule that native code makes and releases."""
    live = baseline()
    meminfo = new_block(16, count=2)  # the test keeps the second reference
    new_owner = ctypes.PYFUNCTYPE(ctypes.py_object, ctypes.c_void_p)(memory.helper_address("new_owner"))
    owner = new_owner(meminfo)
    assert type(owner).__name__ == "PyCapsule" and memory.owned_block(owner) == meminfo
    assert memory.refcount(meminfo) == 2 and memory.live_owners() == live + 1
    del owner
    assert memory.refcount(meminfo) == 1 and memory.live_owners() == live
    assert memory.owned_block(object()) == 0
    assert memory.owned_block(MemInfoOwner(meminfo)) == meminfo   # takes the last reference: freed


def test_concurrent_decrefs_are_atomic():
    n, threads = 4000, 8
    meminfo = new_block(8, count=n + 1)
    owners = [MemInfoOwner(meminfo) for _ in range(n)]
    chunks = [owners[i::threads] for i in range(threads)]
    del owners
    start = threading.Barrier(threads)

    def drop(chunk: list) -> None:
        start.wait()
        while chunk:
            chunk.pop()  # the ctypes call releases the GIL: the decrements really overlap

    workers = [threading.Thread(target=drop, args=(chunk,)) for chunk in chunks]
    del chunks
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert memory.refcount(meminfo) == 1
    memory.decref(meminfo)


# ----------------------------------------------------------------- results as NumPy arrays
def test_owned_result_is_not_copied():
    meminfo = new_block(6 * 8)
    live = baseline()
    a = array_from_result(np.float64, (2, 3), (24, 8), meminfo + HEADER_SIZE, meminfo, ())
    assert a.ctypes.data == meminfo + HEADER_SIZE and a.flags.writeable and a.shape == (2, 3)
    assert isinstance(a.base.keepalive, MemInfoOwner) and a.base.keepalive.meminfo == meminfo
    a[...] = 7.0
    assert memory.live_owners() == live + 1
    column = a[:, 1]
    del a
    assert column.sum() == 14.0 and memory.live_owners() == live + 1
    del column
    assert memory.live_owners() == live


def test_owned_readonly_result():
    meminfo = new_block(3)
    a = array_from_result(np.int8, (3,), (1,), meminfo + HEADER_SIZE, meminfo, (), readonly=True)
    assert not a.flags.writeable
    with pytest.raises(ValueError):
        a[0] = 1


def test_borrowed_results():
    arg = np.arange(20.0).reshape(4, 5)
    ptr = arg.__array_interface__["data"][0]
    assert array_from_result(np.float64, (4, 5), (40, 8), ptr, 0, (1, arg)) is arg
    assert array_from_result(np.float64, (4, 5), (40, 8), ptr, 0, ((arg,),)) is arg  # inside a tuple
    view = array_from_result(np.float64, (2, 2), (-80, 16), ptr + 8 * 12, 0, (arg,))
    np.testing.assert_array_equal(view, arg[2::-2, 2::2])
    assert view.base is arg[2::-2, 2::2].base and np.shares_memory(view, arg)   # NumPy's base
    frozen = arg.copy()
    frozen.flags.writeable = False
    fptr = frozen.__array_interface__["data"][0]
    assert not array_from_result(np.float64, (5,), (8,), fptr + 40, 0, (frozen,)).flags.writeable
    other = np.arange(5.0)
    copied = array_from_result(np.float64, (5,), (8,), other.__array_interface__["data"][0], 0, (arg,))
    np.testing.assert_array_equal(copied, other)
    assert not np.shares_memory(copied, other)
    empty = array_from_result(np.float64, (0, 3), (24, 8), 0, 0, ())
    assert empty.shape == (0, 3)
    inside = np.zeros(40)
    tail = inside[20:30]  # only the tail is an argument; a result reaching past it is copied
    tptr = tail.__array_interface__["data"][0]
    past = array_from_result(np.float64, (4,), (8,), tptr + 8 * 8, 0, (tail,))
    assert past.shape == (4,) and not np.shares_memory(past, inside)


# ----------------------------------------------------------------- memory stays flat
@pytest.fixture(scope="module")
def kernels() -> ArrayJit:
    module = Module([])

    def fresh(b, n):
        out = b.add(ArrayAllocOp(f64, [n]))
        loops(b, [n], lambda idx: b.insert(ArrayStoreOp(out, idx, b.add(CastOp(idx[0], f64)))))
        return out

    define(module, "fresh", [i64], ArrayType(f64, 1, "C"), fresh)

    def scratch(b, n):  # allocated and freed by compiled code
        out = b.add(ArrayAllocOp(u8, [n]))
        b.insert(ArrayStoreOp(out, [const(b, 0)], b.add(CastOp(n, u8))))
        b.insert(ArrayDecrefOp(out))
        return n

    define(module, "scratch", [i64], i64, scratch)
    return ArrayJit(module)


def test_returned_arrays_are_freed(kernels):
    first = kernels("fresh", 1000)
    np.testing.assert_array_equal(first, np.arange(1000.0))
    del first
    live = baseline()
    before = rss_bytes()
    for _ in range(200_000):
        a = kernels("fresh", 1000)
    assert a[999] == 999.0
    del a
    after = rss_bytes()
    assert memory.live_owners() == live
    print(f"RSS before {before / 2**20:.1f} MiB, after 200000 calls {after / 2**20:.1f} MiB")
    assert after - before < 50 * 2**20


def test_compiled_frees_give_memory_back(kernels):
    before = rss_bytes()
    for _ in range(2000):  # 4 MiB each: 8 GB if nothing were freed
        assert kernels("scratch", 4 << 20) == 4 << 20
    assert rss_bytes() - before < 50 * 2**20


#: a program whose native owners die after the helpers' module let go of its library, and
#: at interpreter shutdown from the globals of modules cleared in any order
OWNERS_OUTLIVE_THE_MODULE = """
import collections, gc, json, sys
import numpy as np
from compiler import compile
from tests.runtime.test_memory import plus_one
f = compile(plus_one)
a = np.ones(8)
f(a)
x, json.kept, np.kept, sys.kept = f(a), f(a), f(a), f(a)
collections.kept = [f(a) for _ in range(3)]
assert type(x.base).__name__ == "PyCapsule"
import runtime.memory
runtime.memory._library = None
del f
gc.collect()
del x
"""


def plus_one(a):
    return a + 1.0


def test_native_owners_outlive_the_helpers_module() -> None:
    """The capsules' destructor is never freed: an array may die after ``runtime.memory``'s
    globals are gone (at shutdown), and its owner's destructor still runs."""
    done = subprocess.run([sys.executable, "-c", OWNERS_OUTLIVE_THE_MODULE], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
