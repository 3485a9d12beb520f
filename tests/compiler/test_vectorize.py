"""The vectorizer: the IR it makes, results equal to CPython's at every length, overlap
checks, and the remarks for loops it leaves alone."""
import numpy as np
import pytest

from compiler import compile
from compiler.passes import vectorize
from compiler.passes.manager import PassManager
from compiler.pipeline import CompileOptions, build_module
from ir.types import ArrayType, f64

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


@pytest.fixture
def avx2(monkeypatch):
    """256-bit vectors whatever the host has, for IR that does not depend on the machine."""
    monkeypatch.setattr(vectorize, "host_vector_bits", lambda: 256)


def optimized(func, types, boundscheck=True):
    manager = PassManager(PIPELINE, verify_each=True)
    module, _ = build_module(func, types, None, CompileOptions(boundscheck=boundscheck),
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
    assert "reductions are not vectorized yet" in remarks[0]


# int32 elements times a Python int keep a range check on the store: no vector loop there
@pytest.mark.parametrize("dtype, vectorizes", [(np.float64, True), (np.float32, True), (np.int64, True),
                                               (np.int32, False)])
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
