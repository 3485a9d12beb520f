"""Loop versioning: the fast copy runs where no index check can fire, the original
(with its checks) everywhere else -- results, exceptions and partial stores as CPython's."""
import numpy as np
import pytest

from bench.kernels.scalar import sieve
from compiler import compile
from compiler.passes.manager import PassManager
from compiler.pipeline import CompileOptions, build_module
from ir.types import ArrayType, f64, i64


def relu_into(x, out):
    for i in range(len(x)):
        out[i] = x[i] if x[i] > 0.0 else 0.0
    return out


def shifted_into(x, out):
    for i in range(len(x)):
        out[i + 1] = x[i] * 2.0
        out[i - 1] += 1.0
    return out


def outcome(f, x, out):
    try:
        return "value", f(x, out).tolist()
    except IndexError as err:
        return "IndexError", str(err).split(" (")[0], out.tolist()


@pytest.mark.parametrize("kernel", [relu_into, shifted_into])
@pytest.mark.parametrize("opt", [0, 3])
def test_every_output_size_behaves_as_in_cpython(kernel, opt):
    f = compile(kernel, opt=opt)
    x = np.linspace(-1.0, 1.0, 23)
    for n in (0, 1, 5, 22, 23, 24, 25, 40):
        assert outcome(f, x, np.zeros(n)) == outcome(kernel, x, np.zeros(n)), n


def test_the_fast_copy_has_no_check_and_vectorizes():
    array = ArrayType(f64, 1, "C")
    manager = PassManager(3, verify_each=True)
    module, _ = build_module(relu_into, [array, array], None, CompileOptions(), [False, False], True, manager)
    text = str(module)
    assert text.count("raise_if") == 1 and "vector.store %out" in text
    remarks = [str(r) for r in manager.remarks]
    assert any("[version] loop versioned: 1 index check(s)" in r for r in remarks)
    assert any("[vectorize] loop vectorized: " in r for r in remarks)


def marked_from(out, start, step):
    for j in range(start, len(out), step):
        out[j] += 1.0
    return out


@pytest.mark.parametrize("opt", [0, 3])
def test_a_range_that_may_start_below_zero_behaves_as_in_cpython(opt):
    f = compile(marked_from, opt=opt)
    for start in (-9, -8, -3, -1, 0, 2, 7, 8, 20):
        for step in (1, 2, 3, 5, -1, -2, 0):
            want, got = np.zeros(8), np.zeros(8)
            try:
                expected = ("value", marked_from(want, start, step).tolist())
            except (IndexError, ValueError) as err:
                expected = (type(err).__name__, want.tolist())
            try:
                outcome_ = ("value", f(got, start, step).tolist())
            except (IndexError, ValueError) as err:
                outcome_ = (type(err).__name__, got.tolist())
            assert outcome_ == expected, (start, step)
    assert [compile(sieve, opt=opt)(n) for n in (0, 1, 2, 3, 10, 100, 1000)] == \
        [sieve(n) for n in (0, 1, 2, 3, 10, 100, 1000)]


def test_the_copy_that_starts_at_zero_or_above_has_no_check():
    manager = PassManager(3, verify_each=True)
    module, _ = build_module(sieve, [i64], None, CompileOptions(), [False], True, manager)
    text = str(module)
    assert text.count("raise_if") == 1 + 2    # one inner loop's copy keeps its check; np.zeros' two
    assert any("[version] loop versioned: its index cannot be negative" in str(r) for r in manager.remarks)
    assert "range() arg 3 must not be zero" not in text   # the step i >= 2 is proven


# ---------------------------------------------------------------- unit strides
def stencil(a, b):
    b[1:-1, 1:-1] = 0.5 * (a[1:-1, :-2] + a[1:-1, 2:])
    return b


def scaled(a, out):
    out[...] = a * 2.0 + 1.0
    return out


def test_a_whole_array_loop_is_versioned_on_unit_strides():
    array = ArrayType(f64, 2, "A")
    manager = PassManager(3, verify_each=True)
    module, _ = build_module(stencil, [array, array], None, CompileOptions(), [False, False], True, manager)
    text = str(module)
    assert "{contiguous_axis = 1}" in text and "strided = true" in text
    assert text.count("array.stride") >= 3   # the two inputs and the output, once each
    assert any("walked with strides known at run time" in str(r) for r in manager.remarks)


def doubled(a):
    return a * 2.0 + 1.0


def test_a_loop_over_c_arrays_is_not_versioned():
    manager = PassManager(3, verify_each=True)
    module, _ = build_module(doubled, [ArrayType(f64, 2, "C")], None, CompileOptions(), [False], True, manager)
    assert "contiguous_axis" not in str(module) and "strided" not in str(module)


def test_only_the_unit_stride_copy_is_marked_parallel_for_llvm():
    from compiler.pipeline import lower_for_jit

    array = ArrayType(f64, 2, "A")
    module, entry = build_module(stencil, [array, array], None, CompileOptions(), [False, False], True,
                                 PassManager(3))
    llvm_ir = lower_for_jit(module, entry).llvm_ir
    assert 'distinct !{}' in llvm_ir and '"llvm.loop.parallel_accesses"' in llvm_ir
    assert '"llvm.loop.vectorize.enable", i1 0' in llvm_ir and "!llvm.access.group" in llvm_ir


@pytest.mark.parametrize("make", [
    lambda a: a,                                  # C: the fast copy
    lambda a: a[:, ::2],                          # every other column: the strided copy
    lambda a: np.asfortranarray(a),               # F order
    lambda a: a.T,                                # transposed
    lambda a: np.broadcast_to(a[:1], a.shape),    # a broadcast row (stride 0 along the rows)
    lambda a: np.broadcast_to(a[:, :1], a.shape),  # a broadcast column (stride 0 along the columns)
])
@pytest.mark.parametrize("shape", [(0, 5), (1, 1), (3, 7), (6, 33)])
def test_every_layout_gives_numpys_result(make, shape):
    f = compile(stencil)
    rng = np.random.default_rng(3)
    source = make(rng.standard_normal(shape) if shape[1] else np.zeros(shape))
    for out in (np.zeros(source.shape), np.zeros((source.shape[1], source.shape[0])).T):
        want = stencil(source, out.copy())
        np.testing.assert_array_equal(f(source, out.copy()), want)
    g = compile(scaled)
    out = np.zeros(source.shape)[:, ::-1] if source.shape[1] else np.zeros(source.shape)
    np.testing.assert_array_equal(g(source, out.copy()), scaled(source, out.copy()))


def test_a_stencil_into_its_own_input_keeps_numpys_order():
    f = compile(stencil)
    a, b = np.arange(48.0).reshape(6, 8), np.arange(48.0).reshape(6, 8)
    np.testing.assert_array_equal(f(a, a), stencil(b, b))   # b[1:-1, 1:-1] reads b[1:-1, :-2]
