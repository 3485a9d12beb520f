"""Safety of compiled array code: bounds checks, read-only arrays, allocation
limits, unsupported arguments and constructs, and hostile inputs.

* An index out of range raises NumPy's ``IndexError`` (``index 10 is out of
  bounds for axis 0 with size 10``) followed by `` (kernels.py:LINE)``, the
  line of the access -- for reads and writes, too large and too negative,
  on every axis; ``boundscheck=False`` leaves the checks out and in-range
  code still computes what CPython computes.
* Writing into a read-only array is a compile-time ``TypingError`` naming
  the line; reading one works.
* Allocation fails as NumPy's does: ``ValueError`` for negative or
  impossibly large shapes, ``MemoryError`` when the memory cannot be had.
* Arguments the compiler cannot take (object, string, datetime arrays, 0-d
  arrays, ...) are a ``TypeError``; a float index is a ``TypingError``;
  slicing gives NumPy's views.
* A process calling compiled kernels with many hostile inputs ends normally.
"""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from compiler import compile
from ir import CompileError, TypingError
from tests.e2e.support import OPT_LEVELS, CompiledCache, assert_located, line_of
from tests.long import long_except

from . import kernels as K
from .support import array, assert_matches_cpython, assert_same

compiled = CompiledCache()
MARK = "# <- "


def marked_line(func):
    """The line of ``func`` marked ``# <- name``."""
    return line_of(func, MARK + func.__name__)


def cpython_error(kernel, args):
    try:
        kernel(*args)
    except Exception as err:  # noqa: BLE001
        return err
    raise AssertionError(f"CPython runs {kernel.__name__}{args!r} without an error")


# ------------------------------------------------------------------ bounds checks
def vec(layout="C", n=10):
    return array("float64", n, layout, 1, "finite")


def mat(layout="C"):
    return array("int32", (3, 5), layout, 1)


def cube(layout="C"):
    return array("float32", (2, 3, 4), layout, 1, "finite")


OUT_OF_BOUNDS = [
    # kernel, make the arguments, NumPy's message
    (K.read_at, lambda: (vec(), 10), "index 10 is out of bounds for axis 0 with size 10"),
    (K.read_at, lambda: (vec(), -11), "index -11 is out of bounds for axis 0 with size 10"),
    (K.read_at, lambda: (vec(), 2**62), f"index {2**62} is out of bounds for axis 0 with size 10"),
    (K.read_at, lambda: (vec(), -2**63), f"index {-2**63} is out of bounds for axis 0 with size 10"),
    (K.read_at, lambda: (vec(), 2**63 - 1), f"index {2**63 - 1} is out of bounds for axis 0 with size 10"),
    (K.read_at, lambda: (vec(n=0), 0), "index 0 is out of bounds for axis 0 with size 0"),
    (K.read_at, lambda: (vec(n=0), -1), "index -1 is out of bounds for axis 0 with size 0"),
    (K.read_at, lambda: (vec("rev"), 10), "index 10 is out of bounds for axis 0 with size 10"),
    (K.read_at, lambda: (vec("step2"), -11), "index -11 is out of bounds for axis 0 with size 10"),
    (K.read_at, lambda: (mat(), 3), None),  # a row view: index 3, axis 0, size 3
    (K.write_at, lambda: (vec(), 10, 1.0), "index 10 is out of bounds for axis 0 with size 10"),
    (K.write_at, lambda: (vec(), -11, 1.0), "index -11 is out of bounds for axis 0 with size 10"),
    (K.write_at, lambda: (vec("rev"), -11, 1.0), "index -11 is out of bounds for axis 0 with size 10"),
    (K.write_at, lambda: (np.zeros(0, np.int8), 0, 1), "index 0 is out of bounds for axis 0 with size 0"),
    (K.read2, lambda: (mat(), 3, 0), "index 3 is out of bounds for axis 0 with size 3"),
    (K.read2, lambda: (mat(), 0, 5), "index 5 is out of bounds for axis 1 with size 5"),
    (K.read2, lambda: (mat(), -4, 0), "index -4 is out of bounds for axis 0 with size 3"),
    (K.read2, lambda: (mat(), 0, -6), "index -6 is out of bounds for axis 1 with size 5"),
    (K.read2, lambda: (mat("F"), 2, 5), "index 5 is out of bounds for axis 1 with size 5"),
    (K.read2, lambda: (mat("T"), 3, -1), "index 3 is out of bounds for axis 0 with size 3"),
    (K.read2, lambda: (mat("cols3"), -1, 7), "index 7 is out of bounds for axis 1 with size 5"),
    (K.write2, lambda: (mat(), 3, 0, 7), "index 3 is out of bounds for axis 0 with size 3"),
    (K.write2, lambda: (mat(), 0, 5, 7), "index 5 is out of bounds for axis 1 with size 5"),
    (K.write2, lambda: (mat(), -4, 0, 7), "index -4 is out of bounds for axis 0 with size 3"),
    (K.write2, lambda: (mat(), 0, -6, 7), "index -6 is out of bounds for axis 1 with size 5"),
    (K.write2, lambda: (mat("F"), 1, -6, 7), "index -6 is out of bounds for axis 1 with size 5"),
    (K.read_chained, lambda: (mat(), 0, 5), "index 5 is out of bounds for axis 0 with size 5"),
    (K.read_chained, lambda: (mat(), 3, 0), "index 3 is out of bounds for axis 0 with size 3"),
    (K.read_chained, lambda: (mat("F"), 1, -6), "index -6 is out of bounds for axis 0 with size 5"),
    (K.read_masked, lambda: (np.arange(100.0), 200), "index 200 is out of bounds for axis 0 with size 100"),
    (K.read_masked, lambda: (np.arange(10.0), 15), "index 15 is out of bounds for axis 0 with size 10"),
    (K.read_masked, lambda: (np.arange(200.0), 2047), "index 255 is out of bounds for axis 0 with size 200"),
    (K.read3, lambda: (cube(), 0, 0, 4), "index 4 is out of bounds for axis 2 with size 4"),
    (K.read3, lambda: (cube("F"), 0, -4, 0), "index -4 is out of bounds for axis 1 with size 3"),
    (K.read3, lambda: (cube("rev"), 2, 0, 0), "index 2 is out of bounds for axis 0 with size 2"),
]


@pytest.mark.parametrize("opt", OPT_LEVELS)
@pytest.mark.parametrize("kernel, make_args, message", OUT_OF_BOUNDS,
                         ids=[f"{k.__name__}-{i}" for i, (k, _, _) in enumerate(OUT_OF_BOUNDS)])
def test_out_of_bounds_raises_numpys_index_error_with_the_line(kernel, make_args, message, opt):
    want = cpython_error(kernel, make_args())
    assert isinstance(want, IndexError)
    if message is not None:
        assert str(want) == message  # the test's own expectation is NumPy's
    args = make_args()
    before = [a.copy() for a in args if isinstance(a, np.ndarray)]
    with pytest.raises(IndexError) as info:
        compiled(kernel, opt)(*args)
    assert_located(info.value, want, K, marked_line(kernel))
    for b, a in zip(before, [a for a in args if isinstance(a, np.ndarray)]):
        assert_same(a, b, "the array after the failed access")  # nothing was written


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_in_bounds_accesses_at_the_edges(opt):
    a, m, c = vec(), mat("T"), cube("F")
    assert_same(compiled(K.read_at, opt)(a, -10), float(a[-10]))
    assert_same(compiled(K.read_at, opt)(a, 9), float(a[9]))
    assert_same(compiled(K.read2, opt)(m, -3, -5), int(m[-3, -5]))
    assert_same(compiled(K.read_chained, opt)(m, 2, 4), int(m[2][4]))
    assert_same(compiled(K.read3, opt)(c, -1, -1, -1), float(c[-1, -1, -1]))
    compiled(K.write2, opt)(m, -1, -1, 99)
    assert m[2, 4] == 99


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_masked_indices_that_cannot_leave_the_array_read_it(opt):
    """``x & 255``, ``x % 16`` and ``(x & 2047) >> 3`` read what CPython reads, for any ``x``;
    ``bce`` proves them never negative, so the negative-index wrap goes (the check against
    the table's size, known only when the code runs, stays)."""
    table = np.arange(256.0) * 1.5
    for x in (0, 1, 255, 256, 2047, -1, -17, 2**63 - 1, -2**63):
        assert_same(compiled(K.read_masked, opt)(table, x), K.read_masked(table, x))
    if opt:
        assert " select " not in compiled(K.read_masked, opt).inspect_ir(stage="optimized")


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_an_index_error_inside_a_loop_reports_the_loop_line(opt):
    a = np.arange(10.0)
    with pytest.raises(IndexError) as info:
        compiled(K.rotate, opt)(a, 11)
    assert_located(info.value, "index 10 is out of bounds for axis 0 with size 10", K,
                   line_of(K.rotate, MARK + "rotate read"))
    with pytest.raises(IndexError) as info:
        compiled(K.matmul, opt)(np.ones((3, 4)), np.ones((3, 2)))
    assert_located(info.value, "index 3 is out of bounds for axis 0 with size 3", K,
                   line_of(K.matmul, MARK + "matmul inner"))


# ------------------------------------------------------------------ boundscheck=False
UNCHECKED = [
    (K.matmul, lambda: (array("float64", (4, 5), "F", 1), array("float64", (5, 3), "T", 2))),
    (K.stencil3, lambda: (array("float32", 37, "rev", 1),)),
    (K.jacobi_step, lambda: (array("float64", (6, 7), "cols3", 1),)),
    (K.floyd_warshall, lambda: (np.where(np.eye(6) > 0, 0.0, np.arange(36.0).reshape(6, 6) % 7 + 1),)),
    (K.prefix_sum_inplace, lambda: (array("int8", 37, "step2", 1),)),
    (K.bubble_sort, lambda: (array("uint16", 37, "rev", 1),)),
    (K.transpose, lambda: (array("complex64", (3, 5), "F", 1),)),
    (K.rotate, lambda: (array("int64", 10), 3)),
    (K.ends, lambda: (array("float64", 7, "rev"),)),
    (K.read3, lambda: (array("int16", (2, 3, 4), "F"), -1, 1, -2)),
    (K.index_styles, lambda: (array("bool", (4, 6), "T"),)),
]


@pytest.mark.parametrize("opt", OPT_LEVELS)
@pytest.mark.parametrize("kernel, make_args", UNCHECKED, ids=[k.__name__ for k, _ in UNCHECKED])
def test_boundscheck_false_compiles_and_computes_in_bounds_code(kernel, make_args, opt):
    unchecked = compile(kernel, opt=opt, boundscheck=False)
    assert_matches_cpython(kernel, unchecked, make_args, K)
    assert "IndexError" not in unchecked.inspect_ir(stage="ir")
    assert "IndexError" in compiled(kernel, opt).inspect_ir(unchecked.signatures[0], stage="ir")  # checked by default


def test_boundscheck_false_by_decorator():
    @compile(boundscheck=False)
    def last(a):
        return a[len(a) - 1]

    assert last(np.arange(5.0)) == 4.0
    assert "IndexError" not in last.inspect_ir(stage="ir")


# ------------------------------------------------------------------ read-only arrays
def readonly(a):
    a.setflags(write=False)
    return a


@pytest.mark.parametrize("opt", OPT_LEVELS)
@pytest.mark.parametrize("kernel, make_args", [
    (K.write_at, lambda: (readonly(np.zeros(5)), 1, 2.0)),
    (K.write_at, lambda: (readonly(np.zeros(10, np.int16)[::2]), 1, 2)),
    (K.write2, lambda: (readonly(np.zeros((3, 4), order="F")), 1, 2, 3.0)),
    (K.scale_inplace, lambda: (readonly(np.ones(4)), 2.0)),
], ids=["write_at", "write_at-strided", "write2-F", "scale_inplace"])
def test_writing_into_a_read_only_array_is_a_typing_error_naming_the_line(kernel, make_args, opt):
    with pytest.raises(ValueError, match="read-only"):
        kernel(*make_args())  # CPython: NumPy refuses at run time
    with pytest.raises(TypingError) as info:
        compiled(kernel, opt)(*make_args())
    line = marked_line(kernel)
    assert info.value.loc is not None and info.value.loc.line == line
    assert f"kernels.py:{line}:" in str(info.value)
    assert "read-only" in str(info.value)


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_reading_a_read_only_array_works(opt):
    a = readonly(array("float64", 37, "C", 1, "finite"))
    assert_same(compiled(K.array_sum_float, opt)(a), K.array_sum_float(a))
    assert_same(compiled(K.read_at, opt)(a, -1), float(a[-1]))
    m = readonly(array("int32", (4, 6), "F", 2))
    assert_same(compiled(K.transpose, opt)(m), K.transpose(m))
    assert_same(compiled(K.row_sums, opt)(m), K.row_sums(m))
    b = np.broadcast_to(np.arange(3.0), (4, 3))  # read-only, with a zero stride
    assert_same(compiled(K.row_sums, opt)(b), K.row_sums(b))
    # the read-only input can still be copied and the copy written
    out = compiled(K.copy_2d, opt)(m)
    with np.errstate(over="ignore"):
        assert_same(out, K.copy_2d(m))
    assert out.flags.writeable


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_read_only_and_writeable_arrays_get_separate_specialisations(opt):
    f = compile(K.scale_inplace, opt=opt)
    a = np.ones(3)
    f(a, 2.0)
    assert_same(a, np.full(3, 2.0))
    with pytest.raises(TypingError):
        f(readonly(np.ones(3)), 2.0)
    b = np.ones(3)
    f(b, 3.0)  # the writeable specialisation still works
    assert_same(b, np.full(3, 3.0))


# ------------------------------------------------------------------ allocation errors
@pytest.mark.parametrize("opt", OPT_LEVELS)
@pytest.mark.parametrize("kernel, args", [
    (K.alloc_1d, (-1,)),
    (K.alloc_1d, (-2**63,)),
    (K.alloc_2d, (-1, 5)),
    (K.alloc_2d, (5, -1)),
    (K.alloc_2d, (0, -1)),
    (K.alloc_2d, (2**40, 2**40)),
    (K.alloc_2d, (2**62, 2)),
    (K.alloc_2d, (2**31, 2**32)),
    (K.alloc_2d, (0, 2**62)),
    (K.alloc_2d, (2**62, 0)),
    (K.alloc_1d, (2**60,)),
    (K.alloc_1d, (2**63 - 1,)),
    (K.zeros_2d, (-3, 0)),
    (K.zeros_2d, (2**62, 2)),
    (K.zeros_2d, (0, 0)),
], ids=lambda v: getattr(v, "__name__", None) or repr(v))
def test_allocation_errors_match_numpy(kernel, args, opt):
    assert_matches_cpython(kernel, compiled(kernel, opt), lambda: args, K)


def test_numpys_messages_are_what_the_compiled_code_must_say():
    assert str(cpython_error(K.alloc_1d, (-1,))) == "negative dimensions are not allowed"
    assert str(cpython_error(K.alloc_2d, (2**40, 2**40))).startswith("array is too big")
    assert isinstance(cpython_error(K.alloc_1d, (2**60,)), ValueError)  # 2**63 bytes: too big for NumPy
    assert isinstance(cpython_error(K.alloc_1d, (2**59,)), MemoryError)  # 2**62 bytes: malloc fails


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_negative_dimension_message_and_line(opt):
    with pytest.raises(ValueError) as info:
        compiled(K.alloc_1d, opt)(-1)
    assert_located(info.value, "negative dimensions are not allowed", K, marked_line(K.alloc_1d))


@pytest.mark.parametrize("opt", OPT_LEVELS)
@pytest.mark.parametrize("n", [2**59, 2**50, 2**60 - 1])
def test_allocation_beyond_memory_raises_memory_error_as_numpy_does(n, opt):
    assert isinstance(cpython_error(K.alloc_1d, (n,)), MemoryError)
    with pytest.raises(MemoryError):
        compiled(K.alloc_1d, opt)(n)
    assert compiled(K.alloc_1d, opt)(3).shape == (3,)  # the process is fine afterwards


# ------------------------------------------------------------------ unsupported arguments
UNSUPPORTED_ARGUMENTS = {
    "object": lambda: np.array([1, "a", None], dtype=object),
    "str": lambda: np.array(["ab", "c"]),
    "bytes": lambda: np.array([b"ab", b"c"]),
    "datetime64": lambda: np.array(["2024-01-01", "2024-02-01"], dtype="datetime64[D]"),
    "timedelta64": lambda: np.array([1, 2], dtype="timedelta64[s]"),
    "structured": lambda: np.zeros(3, dtype=[("x", "f8"), ("y", "i4")]),
    "float16": lambda: np.ones(3, np.float16),
    "longdouble": lambda: np.ones(3, np.longdouble) if np.dtype(np.longdouble).itemsize > 8 else None,
    "big-endian": lambda: np.ones(3, ">f8"),
    "0-d": lambda: np.array(1.5),
    "0-d-int": lambda: np.array(7),
    "matrix": lambda: np.asmatrix(np.ones((2, 2))),
    "masked": lambda: np.ma.masked_array(np.ones(3), [0, 1, 0]),
    "list of mixed items": lambda: [1.0, "2"],
}


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
@pytest.mark.parametrize("name", list(UNSUPPORTED_ARGUMENTS))
def test_unsupported_array_arguments_are_a_type_error(name):
    value = UNSUPPORTED_ARGUMENTS[name]()
    if value is None:
        pytest.skip("long double is float64 on this platform")
    f = compile(K.attributes)
    with pytest.raises(TypeError) as info:
        f(value)
    assert not isinstance(info.value, CompileError)  # refused at the call, before compiling
    assert f.signatures == []


def test_misaligned_arrays_are_passed_as_aligned_copies_written_back():
    raw = np.zeros(8 * 5 + 1, np.uint8)
    misaligned = raw[1:].view(np.float64)
    misaligned[:] = np.arange(5.0)
    assert not misaligned.flags.aligned

    def double(a):
        for i in range(a.shape[0]):
            a[i] *= 2.0
        return a.sum()
    f = compile(double)
    assert f(misaligned) == 20.0 and f(misaligned) == 40.0
    np.testing.assert_array_equal(misaligned, np.arange(5.0) * 4)
    readonly = np.frombuffer(bytes(8 * 5 + 1), np.float64, count=5, offset=1)
    assert compile(K.attributes)(readonly) == K.attributes(readonly)
    with pytest.raises(IndexError):   # written back before the exception leaves
        compile(_doubles_then_fails)(misaligned)
    np.testing.assert_array_equal(misaligned, np.arange(5.0) * 8)


def test_a_misaligned_array_passed_twice_is_one_copy_and_overlapping_views_are_refused():
    raw = np.zeros(8 * 6 + 1, np.uint8)
    misaligned = raw[1:].view(np.float64)

    def bump_both(a, b):
        a[0] += 1.0
        return b[0]
    f = compile(bump_both)
    assert f(misaligned, misaligned) == 1.0   # the write through a is seen through b, as in CPython
    assert misaligned[0] == 1.0
    with pytest.raises(TypeError, match="may share memory"):
        f(misaligned[1:], misaligned[:-1])


def _doubles_then_fails(a):
    for i in range(a.shape[0]):
        a[i] *= 2.0
    return a[a.shape[0]]


# ------------------------------------------------------------------ unsupported constructs
@pytest.mark.parametrize("opt", OPT_LEVELS)
@pytest.mark.parametrize("index", [1.0, np.float64(2.0), 0.5])
def test_a_float_index_is_a_typing_error(index, opt):
    with pytest.raises(IndexError):
        K.float_index(np.arange(5.0), index)  # CPython: NumPy refuses at run time
    with pytest.raises(TypingError) as info:
        compiled(K.float_index, opt)(np.arange(5.0), index)
    line = marked_line(K.float_index)
    assert info.value.loc.line == line and f"kernels.py:{line}:" in str(info.value)
    assert "integer" in str(info.value)


@pytest.mark.parametrize("opt", OPT_LEVELS)
@pytest.mark.parametrize("kernel, args", [
    (K.slice_inside, (np.arange(5.0),)),
    (K.slice_inside, (np.ones((3, 3)),)),
    (K.ellipsis_index, (np.ones((3, 3)),)),
], ids=["slice-1d", "slice-2d", "ellipsis"])
def test_slicing_inside_compiled_code_gives_numpys_views(kernel, args, opt):
    assert np.array_equal(compiled(kernel, opt)(*args), kernel(*args))


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_too_many_indices_is_a_typing_error(opt):
    with pytest.raises(IndexError, match="too many indices"):
        K.too_many_indices(np.arange(5.0), 1)
    with pytest.raises(TypingError, match="too many indices") as info:
        compiled(K.too_many_indices, opt)(np.arange(5.0), 1)
    assert info.value.loc.line == marked_line(K.too_many_indices)


# ------------------------------------------------------------------ hostile inputs in a separate process
HOSTILE_SCRIPT = textwrap.dedent('''
    import itertools
    import sys
    import numpy as np
    from compiler import compile
    from tests.arrays import kernels as K

    def views(dtype):
        base = np.arange(40).astype(dtype)
        ro = base.copy()
        ro.setflags(write=False)
        return [base, base[:0], base[:1], base[::-1], base[::7], base[::-13], base[5:6], ro, ro[::-3],
                np.lib.stride_tricks.as_strided(base[:1], (25,), (0,)), np.broadcast_to(base[:1], (9,)),
                np.zeros(0, dtype)[::-1]]

    def matrices(dtype):
        base = np.arange(48).astype(dtype).reshape(6, 8)
        return [base, base.T, base[::-1, ::-3], base[:0], base[:, :0], np.asfortranarray(base)[1:, ::2],
                np.broadcast_to(base[:1], (4, 8)), base[::2, ::-1][:, 3:4]]

    INDICES = [0, 1, -1, 39, 40, -40, -41, 2**31, -2**31, 2**62, 2**63 - 1, -2**63, -2**63 + 1]
    calls = raised = 0

    def attempt(f, *args):
        global calls, raised
        calls += 1
        try:
            f(*args)
        except (IndexError, ValueError, TypeError, ZeroDivisionError, OverflowError, MemoryError):
            raised += 1

    for opt in map(int, sys.argv[1:]):
        c = {k: compile(k, opt=opt) for k in (K.read_at, K.write_at, K.array_sum_float, K.prefix_sum_inplace,
                                               K.reverse_inplace, K.bubble_sort, K.stencil3, K.rotate, K.ends,
                                               K.argmin_argmax, K.cumulative_max, K.read2, K.write2,
                                               K.transpose, K.jacobi_step, K.row_sums, K.alloc_1d, K.alloc_2d,
                                               K.moving_average, K.binary_search, K.copy_and_modify,
                                               K.histogram, K.identity, K.first_row)}
        for dtype in ("int8", "uint64", "float32", "complex128", "bool"):
            for a in views(dtype):
                for i in INDICES:
                    attempt(c[K.read_at], a, i)
                    attempt(c[K.write_at], a, i, 1)
                    attempt(c[K.rotate], a, i)
                for w in (-2, -1, 0, 1, 40, 41, 42):  # (a window of -2**31 would allocate 17 GB)
                    attempt(c[K.moving_average], a, w)
                for k in (K.array_sum_float, K.prefix_sum_inplace, K.reverse_inplace, K.stencil3, K.ends,
                          K.cumulative_max, K.copy_and_modify, K.identity):
                    attempt(c[k], a)
                if dtype != "complex128":
                    attempt(c[K.bubble_sort], a)
                    attempt(c[K.argmin_argmax], a)
                    attempt(c[K.binary_search], a, 3)
                    attempt(c[K.histogram], a, -1.0, 50.0, 7)
            for m in matrices(dtype):
                for i, j in itertools.product(INDICES[:8] + [-2**63], repeat=2):
                    attempt(c[K.read2], m, i, j)
                    attempt(c[K.write2], m, i, j, 0)
                for k in (K.transpose, K.row_sums, K.first_row, K.identity):
                    if not (k is K.row_sums and dtype == "complex128"):
                        attempt(c[k], m)
                if dtype in ("float32", "int8"):
                    attempt(c[K.jacobi_step], m)
        for n in (-1, 0, 1, -2**63, 2**63 - 1, 2**62, 2**40, 2**59):
            attempt(c[K.alloc_1d], n)
            for m in (-1, 0, 3, 2**62, 2**63 - 1):
                attempt(c[K.alloc_2d], n, m)
    print("finished", calls, raised)
''')


@pytest.mark.parametrize("opt", long_except([3, 0], keep=[3]))   # by default -O3, where bce and version drop checks
def test_hostile_inputs_do_not_crash_the_process(opt):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    proc = subprocess.run([sys.executable, "-c", HOSTILE_SCRIPT, str(opt)], cwd=root, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, f"exit status {proc.returncode}\nstdout: {proc.stdout[-2000:]}\n" \
                                 f"stderr: {proc.stderr[-4000:]}"
    words = proc.stdout.split()
    assert words[0] == "finished" and int(words[1]) > 5000 and 0 < int(words[2]) < int(words[1]), proc.stdout
