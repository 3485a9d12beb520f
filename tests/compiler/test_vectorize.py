"""The vectorizer: the IR it makes, results equal to CPython's at every length, overlap
checks, and the remarks for loops it leaves alone."""
import textwrap

import numpy as np
import pytest

from compiler import compile
from compiler.passes import vectorize
from compiler.passes.manager import PassManager
from compiler.pipeline import CompileOptions, build_module
from ir.parser import parse_module
from ir.types import ArrayType, f64, i64

PIPELINE = "inline,fold,dce,cse,bce,fold,bce,fold,licm,dce,vectorize,cse,dce"


def saxpy(a, x, y, out):
    for i in range(len(x)):
        out[i] = a * x[i] + y[i]
    return out


def axpy_checked(a, x, out):
    for i in range(len(x)):
        out[i] = a * x[i] - out[i]       # bce cannot prove ``out[i]``: the check stays
    return out


def scale_in_place(x, k):
    for i in range(len(x)):
        x[i] = min(x[i] * k, -x[i])      # one array read and written at the same index
    return x


def total(x):
    s = 0.0
    for i in range(len(x)):
        s += x[i]
    return s


def prefix_sums(x, out):
    s = 0.0
    for i in range(len(x)):
        s += x[i]
        out[i] = s                       # the running value is stored: a scan, not a reduction


def store_positive(x, out):
    for i in range(len(x)):
        if x[i] > 0.0:
            out[i] = x[i]                # a store under a branch


def take_where(mask, x, out):
    for i in range(len(x)):
        y = 0.0
        if mask[i] > 0.0:
            y = x[i]                     # x is read only where the mask says: it cannot run on every lane
        out[i] = y


@pytest.fixture
def avx2(monkeypatch):
    """256-bit vectors whatever the host has, for IR that does not depend on the machine."""
    monkeypatch.setattr(vectorize, "host_vector_bits", lambda: 256)


def optimized(func, types, boundscheck=True, fastmath=False):
    manager = PassManager(PIPELINE, verify_each=True)
    module, _ = build_module(func, types, None, CompileOptions(boundscheck=boundscheck, fastmath=fastmath),
                             [not isinstance(t, ArrayType) for t in types], True, manager)
    return str(module), [str(r) for r in manager.remarks if r.pass_name == "vectorize"]


ARRAY = ArrayType(f64, 1, "C")


def test_an_elementwise_loop_becomes_a_vector_loop_and_a_remainder(avx2):
    text, remarks = optimized(saxpy, [f64, ARRAY, ARRAY, ARRAY], boundscheck=False)
    assert "vector.load %x" in text and "vector.splat %a : vector<4 x f64>" in text
    assert "array.overlap %out, %x" in text and "array.overlap %out, %y" in text
    assert text.count(" for ") == 2   # the vector loop and the original (remainder or fallback)
    assert remarks and remarks[0].endswith("[vectorize] loop vectorized: 4 x f64")


def test_loops_it_leaves_alone_say_why(avx2):
    _, remarks = optimized(axpy_checked, [f64, ARRAY, ARRAY])
    assert "a check remains at line" in remarks[0] and "IndexError" in remarks[0]
    _, remarks = optimized(total, [ARRAY])
    assert "%s is a floating-point add reduction" in remarks[0] and "fastmath=True" in remarks[0]
    _, remarks = optimized(prefix_sums, [ARRAY, ARRAY], boundscheck=False)
    assert "%s is carried from one trip to the next and used by 'array.store'" in remarks[0]
    _, remarks = optimized(store_positive, [ARRAY, ARRAY], boundscheck=False)
    assert "'array.store' under a branch" in remarks[0]
    _, remarks = optimized(take_where, [ARRAY, ARRAY, ARRAY], boundscheck=False)
    assert "'array.load' under a branch" in remarks[0]


def test_fastmath_vectorizes_float_reductions(avx2):
    text, remarks = optimized(total, [ARRAY], fastmath=True)
    assert "vector.reduce" in text and "attributes {fastmath = true}" in text
    assert remarks[0].endswith("loop vectorized: 4 x f64, add reduction of %s")


# the store's range check of an int32 result folds away (an i32 is always in int32's range)
@pytest.mark.parametrize("dtype, vectorizes", [(np.float64, True), (np.float32, True), (np.int64, True),
                                               (np.int32, True)])
def test_results_equal_cpythons_at_every_length(dtype, vectorizes):
    vectorized = compile(scale_in_place, boundscheck=False)
    for n in range(0, 37):
        x = (np.arange(n) - 7).astype(dtype)
        want = x.copy()
        scale_in_place(want, 3)
        got = vectorized(x.copy(), 3)
        assert np.array_equal(got, want), (dtype, n)
    assert ("vector.load" in vectorized.inspect_ir(stage="optimized")) == vectorizes


def test_overlapping_arrays_take_the_scalar_loop():
    f = compile(saxpy, boundscheck=False)
    for n in (5, 16, 33):
        buf, ref = np.arange(n + 1.0), np.arange(n + 1.0)
        f(2.0, buf[1:], buf[:-1], buf[:-1])           # out and y are the same memory, x shifted by one
        saxpy(2.0, ref[1:], ref[:-1], ref[:-1])
        assert np.array_equal(buf, ref), n
        assert "vector.load" in f.inspect_ir(stage="optimized")


# ---------------------------------------------------------------- IR text: input, pass, expected output
IR_CASES = {
    "an if in the body becomes a select": ("""
        func @clip(%a: array<f64, 1, C>, %out: array<f64, 1, C>, %lo: f64, %n: i64) -> none {
          %zero = const {value = 0} : i64
          %one = const {value = 1} : i64
          for %zero, %n, %one {
            ^(%i: i64):
            %x = array.load %a, %i : f64
            %small = lt %x, %lo : bool
            %y = if %small : f64 {
              yield %lo
            } else {
              yield %x
            }
            array.store %out, %i, %y
            yield
          }
          return
        }""", """
          %8 = array.overlap %out, %a : bool
          %9 = not %8 : bool
          if %9 {
            %10 = const {value = 4} : i64
            for %zero, %7, %10 {vectorized = true} {
              ^(%11: i64):
              %12 = vector.load %a, %11 : vector<4 x f64>
              %13 = vector.splat %lo : vector<4 x f64>
              %14 = lt %12, %13 : vector<4 x bool>
              %15 = select %14, %13, %12 : vector<4 x f64>
              vector.store %out, %11, %15
              yield
            }
            yield
          } else {
            yield
          }
          %16 = select %9, %7, %zero : i64
          for %16, %n, %one {vectorized = true} {"""),
    "an integer sum under a condition is a reduction": ("""
        func @count(%a: array<i64, 1, C>, %n: i64) -> i64 {
          %zero = const {value = 0} : i64
          %one = const {value = 1} : i64
          %s = for %zero, %n, %one, %zero : i64 {
            ^(%i: i64, %acc: i64):
            %x = array.load %a, %i : i64
            %pos = gt %x, %zero : bool
            %next = if %pos : i64 {
              %t = add %acc, %x : i64
              yield %t
            } else {
              yield %acc
            }
            yield %next
          }
          return %s
        }""", """
          %8 = const {value = 4} : i64
          %9 = const {value = 0} : i64
          %10 = vector.splat %9 : vector<4 x i64>
          %11 = for %zero, %7, %8, %10 {vectorized = true} : vector<4 x i64> {
            ^(%12: i64, %13: vector<4 x i64>):
            %14 = vector.load %a, %12 : vector<4 x i64>
            %15 = vector.splat %zero : vector<4 x i64>
            %16 = gt %14, %15 : vector<4 x bool>
            %17 = add %13, %14 : vector<4 x i64>
            %18 = select %16, %17, %13 : vector<4 x i64>
            yield %18
          }
          %19 = vector.reduce %11 {kind = "add"} : i64
          %20 = add %zero, %19 : i64
          %s = for %7, %n, %one, %20 {vectorized = true} : i64 {"""),
    "a float sum is a reduction in a fastmath function only": ("""
        func @total(%a: array<f64, 1, C>, %n: i64) -> f64 attributes {fastmath = true} {
          %zero = const {value = 0} : i64
          %one = const {value = 1} : i64
          %init = const {value = 0.0} : f64
          %s = for %zero, %n, %one, %init : f64 {
            ^(%i: i64, %acc: f64):
            %x = array.load %a, %i : f64
            %t = add %acc, %x : f64
            yield %t
          }
          return %s
        }""", """
          %9 = const {value = -0.0} : f64
          %10 = vector.splat %9 : vector<4 x f64>
          %11 = for %zero, %7, %8, %10 {vectorized = true} : vector<4 x f64> {
            ^(%12: i64, %13: vector<4 x f64>):
            %14 = vector.load %a, %12 : vector<4 x f64>
            %15 = add %13, %14 : vector<4 x f64>
            yield %15
          }
          %16 = vector.reduce %11 {kind = "add"} : f64
          %17 = add %init, %16 : f64
          %s = for %7, %n, %one, %17 {vectorized = true} : f64 {"""),
}


@pytest.mark.parametrize("name", IR_CASES)
def test_vectorize_on_ir_text(name, avx2):
    source, expected = IR_CASES[name]
    module = parse_module(textwrap.dedent(source))
    PassManager("vectorize", verify_each=True).run(module)
    got = [line.strip() for line in str(module).splitlines()]
    want = [line.strip() for line in expected.strip().splitlines()]
    assert any(got[k:k + len(want)] == want for k in range(len(got))), str(module)
    reparsed = parse_module(str(module))   # the vector ops print and parse back
    assert str(reparsed) == str(module)


def test_without_fastmath_the_float_sum_stays_scalar(avx2):
    source, _ = IR_CASES["a float sum is a reduction in a fastmath function only"]
    text = textwrap.dedent(source).replace(" attributes {fastmath = true}", "")
    module = parse_module(text)
    assert not PassManager("vectorize", verify_each=True).run(module)
    assert str(module) == str(parse_module(text))


# ---------------------------------------------------------------- results against CPython
def clip_branches(x, lo, hi, out):
    for i in range(len(x)):
        v = x[i]
        if v < lo:
            v = lo
        elif v > hi:
            v = hi
        out[i] = -v if v < 0 and not v > lo else v
    return out


def positive_sum(x):
    s = 0
    for i in range(len(x)):
        if x[i] > 0:
            s += x[i]
    return s


def integer_reductions(x):
    total, lowest, highest, bits, odd, product = 0, x[0], x[0], 0, 0, 1
    for i in range(len(x)):
        total -= x[i]
        lowest = min(lowest, x[i])
        highest = max(x[i], highest)
        bits |= x[i]
        odd ^= x[i]
        product *= x[i] | 1
    return total, lowest, highest, bits, odd, product


def scaled_with_sum(x, k, out):
    s = 0
    for i in range(len(x)):
        out[i] = x[i] * k
        s += x[i]
    return s


def float_sum(x):
    s = 0.0
    for i in range(len(x)):
        s += x[i] * x[i]
    return s


LENGTHS = [*range(1, 37), 1000]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_if_converted_loops_equal_cpython(dtype):
    f = compile(clip_branches, boundscheck=False)
    rng = np.random.default_rng(1)
    for n in LENGTHS:
        x = (rng.standard_normal(n) * 2).astype(dtype)
        x[: n // 5] = np.nan
        got, want = f(x, dtype(-1), dtype(1.5), np.zeros(n, dtype)), clip_branches(x, -1, 1.5, np.zeros(n, dtype))
        assert np.array_equal(got, want, equal_nan=True), n
    assert "select" in f.inspect_ir(stage="optimized") and "vector.load" in f.inspect_ir(stage="optimized")


@pytest.mark.parametrize("dtype", [np.int64, np.int32])
def test_integer_reductions_equal_cpython(dtype):
    f, g = compile(positive_sum), compile(integer_reductions)
    rng = np.random.default_rng(2)
    for n in LENGTHS:
        x = rng.integers(-2 ** 20, 2 ** 20, n).astype(dtype)
        with np.errstate(over="ignore"):   # NumPy integers wrap, as compiled ones do
            assert f(x) == positive_sum(x), n
            assert g(x) == integer_reductions(x), n
    extremes = np.array([np.iinfo(dtype).max] * 40 + [np.iinfo(dtype).min] * 9, dtype)   # sums that wrap
    with np.errstate(over="ignore"):
        assert g(extremes) == integer_reductions(extremes)
    assert "vector.reduce" in f.inspect_ir(stage="optimized")
    assert g.inspect_ir(stage="optimized").count("vector.reduce") == 6


def test_a_reduction_beside_stores_takes_the_scalar_loop_when_arrays_overlap():
    f = compile(scaled_with_sum, boundscheck=False)
    for n in (3, 17, 40):
        buf, ref = np.arange(n + 1), np.arange(n + 1)
        assert f(buf[1:], 3, buf[:-1]) == scaled_with_sum(ref[1:], 3, ref[:-1])
        assert np.array_equal(buf, ref)
        x = np.arange(n)
        assert f(x, 3, np.zeros(n, np.int64)) == scaled_with_sum(x, 3, np.zeros(n, np.int64))
    assert "vector.reduce" in f.inspect_ir(stage="optimized")


def test_float_reductions_are_exact_without_fastmath_and_close_with_it():
    exact, fast = compile(float_sum), compile(float_sum, fastmath=True)
    rng = np.random.default_rng(3)
    for n in LENGTHS:
        x = rng.standard_normal(n)
        assert exact(x) == float_sum(x), n
        assert fast(x) == pytest.approx(float_sum(x), rel=1e-12), n
    assert "vector.reduce" not in exact.inspect_ir(stage="optimized")
    assert "vector.reduce" in fast.inspect_ir(stage="optimized")
    assert np.isnan(fast(np.array([1.0, np.nan] * 20))) and fast(np.array([np.inf] * 20)) == np.inf


def index_values(out):
    for i in range(len(out)):
        out[i] = i            # the index is stored as a number: no vector of it (yet)
    return out


def test_a_loop_storing_its_index_stays_scalar_and_right(avx2):
    _, remarks = optimized(index_values, [ArrayType(i64, 1, "C")])
    assert remarks[0].endswith("loop not vectorized: the loop index is used as a number")
    assert np.array_equal(compile(index_values)(np.zeros(19, np.int64)), np.arange(19))


def max_by_test(x):
    m = x[0]
    for i in range(len(x)):
        if x[i] > m:
            m = x[i]
    return m


def min_by_test(x):
    m = x[0]
    for i in range(len(x)):
        if m >= x[i]:
            m = x[i]
    return m


def doubled_when_larger(x):
    m = x[0]
    for i in range(len(x)):
        if x[i] > m:
            m = x[i] * 2      # not the larger of the two: no reduction
    return m


def max_after_a_store(x):
    m = x[0]
    for i in range(len(x)):
        big = x[i] > m
        x[i] = -x[i]          # the element changes between the test and the take
        if big:
            m = x[i]
    return m


@pytest.mark.parametrize("dtype", [np.int64, np.int32])
def test_max_and_min_written_as_tests_are_reductions(dtype):
    fs = {k: compile(k) for k in (max_by_test, min_by_test, doubled_when_larger)}
    fs[max_after_a_store] = compile(max_after_a_store, boundscheck=False)
    rng = np.random.default_rng(4)
    for n in LENGTHS:
        x = rng.integers(-2 ** 20, 2 ** 20, n).astype(dtype)
        for kernel, f in fs.items():
            a, b = x.copy(), x.copy()
            assert f(a) == kernel(b) and np.array_equal(a, b), (kernel.__name__, n)
    for kernel in (max_by_test, min_by_test):
        assert "vector.reduce" in fs[kernel].inspect_ir(stage="optimized")
    for kernel in (doubled_when_larger, max_after_a_store):
        assert "vector.reduce" not in fs[kernel].inspect_ir(stage="optimized")


def test_float_max_by_test_needs_fastmath():
    exact, fast = compile(max_by_test), compile(max_by_test, fastmath=True)
    x = np.random.default_rng(5).standard_normal(101)
    assert exact(x) == fast(x) == max_by_test(x)
    assert "vector.reduce" not in exact.inspect_ir(stage="optimized")
    assert 'vector.reduce %' in fast.inspect_ir(stage="optimized")


def jacobi_step(old, new):
    n, m = old.shape
    for i in range(1, n - 1):
        for j in range(1, m - 1):
            new[i, j] = 0.25 * (old[i - 1, j] + old[i + 1, j] + old[i, j - 1] + old[i, j + 1])
    return new


def second_difference(x, out):
    for i in range(1, len(x) - 1):
        out[i] = x[i - 1] + x[i + 1] - 2.0 * x[i]
    return out


def running_sum(a):
    for i in range(1, len(a)):
        a[i] = a[i - 1] + a[i]     # reads what the previous trip wrote
    return a


def test_rows_of_c_arrays_and_offset_indices_vectorize(avx2):
    grid = ArrayType(f64, 2, "C")
    text, remarks = optimized(jacobi_step, [grid, grid], boundscheck=False)
    assert "vector.load %old, %" in text and "vector.store %new, %" in text
    assert any(r.endswith("loop vectorized: 4 x f64") for r in remarks)
    _, remarks = optimized(second_difference, [ARRAY, ARRAY], boundscheck=False)
    assert remarks[0].endswith("loop vectorized: 4 x f64")
    _, remarks = optimized(running_sum, [ARRAY], boundscheck=False)
    assert remarks[0].endswith("an array is stored and also read at another element (a dependence between trips)")


def test_stencils_equal_cpython_with_and_without_overlap():
    rng = np.random.default_rng(6)
    jacobi, second, running = (compile(f) for f in (jacobi_step, second_difference, running_sum))
    for n in range(0, 24):
        for m in (1, 2, 9, 21):
            old = rng.standard_normal((n, m))
            assert np.array_equal(jacobi(old, np.zeros((n, m))), jacobi_step(old, np.zeros((n, m))))
            same, ref = old.copy(), old.copy()
            assert np.array_equal(jacobi(same, same), jacobi_step(ref, ref))   # in place: the scalar loop
        buf, ref = rng.standard_normal(n + 2), None
        ref = buf.copy()
        second(buf[1:], buf[:-1])                    # out overlaps x shifted by one
        second_difference(ref[1:], ref[:-1])
        assert np.array_equal(buf, ref)
        x = rng.standard_normal(n)
        assert np.array_equal(second(x, np.zeros(n)), second_difference(x, np.zeros(n)))
        assert np.array_equal(running(x.copy()), running_sum(x.copy()))
    assert "vector.load" in jacobi.inspect_ir(stage="optimized")


def count_true(mask):
    c = 0
    for i in range(len(mask)):
        if mask[i]:
            c += 1
    return c


def positive_mask(x, out):
    for i in range(len(x)):
        out[i] = x[i] > 0.0
    return out


def test_bool_arrays_load_and_store_bytes_per_lane():
    """NumPy's bools are bytes: a vector of N bools is loaded and stored as N bytes, not
    N bits (a ``<4 x i1>`` load read one byte and counted one true lane in four)."""
    count, store = compile(count_true), compile(positive_mask, boundscheck=False)
    rng = np.random.default_rng(3)
    for n in LENGTHS:
        mask = rng.random(n) > 0.4
        assert count(mask) == count_true(mask), n
        x = rng.standard_normal(n)
        assert np.array_equal(store(x, np.zeros(n, bool)), positive_mask(x, np.zeros(n, bool))), n
    assert "vector.load" in count.inspect_ir(stage="optimized")
    assert "vector.store" in store.inspect_ir(stage="optimized")


# ---------------------------------------------------------------- invariant loads, LLVM's hints
def scale_rows(e, factors):
    for i in range(e.shape[0]):
        for j in range(e.shape[1]):
            e[i, j] = e[i, j] * factors[i, 0]


def test_a_load_the_loop_does_not_move_along_is_put_in_every_lane(avx2):
    """``factors[i, 0]`` in a loop over ``j``: loaded once per vector (where its own trip would
    load it), in every lane; results as CPython's."""
    grid = ArrayType(f64, 2, "C")
    text, remarks = optimized(scale_rows, [grid, grid], boundscheck=False)
    assert any(r.endswith("loop vectorized: 4 x f64") for r in remarks)
    assert "vector.splat" in text
    e, factors = np.arange(1.0, 22.0).reshape(3, 7), np.array([[2.0], [4.0], [8.0]])
    want, got = e.copy(), e.copy()
    scale_rows(want, factors)
    compile(scale_rows, boundscheck=False)(got, factors)
    np.testing.assert_array_equal(got, want)
    scale_rows(want, want)            # the factors in the array stored into: the scalar loop
    compile(scale_rows, boundscheck=False)(got, got)
    np.testing.assert_array_equal(got, want)


def test_loops_we_vectorized_are_marked_for_llvm():
    """Our vector loop and its remainder carry ``llvm.loop.isvectorized``: LLVM's own loop
    vectorizer leaves them alone (compiling faster, with the same code)."""
    f = compile(saxpy, boundscheck=False)
    x = np.arange(10.0)
    f(2.0, x, x, np.empty(10))
    llvm_ir = f._pick(f.signatures[0]).llvm_ir
    assert llvm_ir.count("!llvm.loop") == 2 and '!"llvm.loop.isvectorized", i32 1' in llvm_ir
