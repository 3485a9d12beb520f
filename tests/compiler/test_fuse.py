"""The ``fuse`` pass: what fuses into one loop nest, what must not, and that results stay NumPy's."""
from __future__ import annotations

import numpy as np
import pytest

from compiler import compile
from compiler.passes.manager import PassManager

from . import fuse_kernels as K

F64 = np.arange(1.0, 7.0)


def fused(kernel, args):
    """The IR after ``fold,dce,cse,fuse`` and the fuse pass's remarks."""
    f = compile(kernel)
    f(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    manager = PassManager("fold,dce,cse,fuse", verify_each=True)
    module = f.build_module(f._pick(None), optimize=True, manager=manager)
    return str(module), [str(r) for r in manager.remarks if r.pass_name == "fuse"]


def test_a_chain_into_a_reduction_is_one_loop_nest_without_temporaries():
    text, remarks = fused(K.dot_plus, (F64, F64, F64))
    assert "array.map" not in text and text.count("array.reduce") == 1
    assert "{inputs = 3, ndim = 1}" in text
    assert sum("fused into" in r for r in remarks) == 2


def test_a_value_used_twice_is_not_fused():
    text, remarks = fused(K.used_twice, (F64, F64))
    assert text.count("array.map") == 2
    assert any("used more than once" in r for r in remarks)


def test_a_producer_of_fewer_dimensions_is_not_fused():
    text, remarks = fused(K.outer_row, (F64, np.ones((3, 6))))
    assert text.count("array.map") == 2
    assert any("fewer dimensions" in r for r in remarks)


def test_a_producer_that_may_raise_is_not_fused():
    ints = np.arange(1, 7)
    text, remarks = fused(K.may_raise, (ints, ints))
    assert text.count("array.map") == 2
    assert any("may raise" in r for r in remarks)


def test_a_returned_array_is_not_fused_away():
    text, _ = fused(K.returned, (F64, F64))
    assert text.count("array.map") == 1 and text.count("array.reduce") == 1


def test_a_reduction_along_an_axis_takes_its_producer():
    text, _ = fused(K.column_sums, (np.ones((3, 4)), np.ones((3, 4))))
    assert "array.map" not in text and "axis = 0" in text


@pytest.mark.parametrize("opt", [0, 1, 2, 3])
@pytest.mark.parametrize("kernel, make", [
    (K.dot_plus, lambda: (F64, F64[::-1], F64)),
    (K.used_twice, lambda: (F64, F64)),
    (K.outer_row, lambda: (F64, np.ones((3, 6)))),
    (K.shifted, lambda: (np.arange(8.0),)),
    (K.returned, lambda: (F64, F64)),
    (K.column_sums, lambda: (np.arange(12.0).reshape(3, 4), np.arange(12.0).reshape(4, 3).T)),
])
def test_fused_or_not_the_results_are_numpys(kernel, make, opt):
    want, got = kernel(*make()), compile(kernel, opt=opt)(*make())
    for w, g in zip(want if isinstance(want, tuple) else (want,), got if isinstance(got, tuple) else (got,)):
        np.testing.assert_allclose(g, w, rtol=1e-12)
        assert np.asarray(g).dtype == np.asarray(w).dtype and np.shape(g) == np.shape(w)


def test_an_assignment_reading_what_it_writes_goes_through_a_temporary():
    """``a[1:] = a[:-1] * 2`` fuses into the store, and the run-time overlap test then
    computes every element before storing any: NumPy's result."""
    text, remarks = fused(K.shifted, (np.arange(8.0),))
    assert text.count("array.map") == 1 and "out = true" in text
    a = np.arange(8.0)
    compile(K.shifted)(a)
    assert a.tolist() == K.shifted(np.arange(8.0)).tolist() == [0, 0, 2, 4, 6, 8, 10, 12]


def lowered(kernel, args, passes="fold,dce,cse,fuse,lower-arrays,vectorize"):
    f = compile(kernel)
    f(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    return str(f.build_module(f._pick(None), optimize=True, manager=PassManager(passes, verify_each=True)))


@pytest.mark.parametrize("kernel, make", [
    (K.shifted, lambda: np.arange(8.0)),
    (K.stencil, lambda: (np.arange(30.0).reshape(5, 6), np.zeros((5, 6)))),
    (K.shifted_fortran, lambda: np.asfortranarray(np.arange(12.0).reshape(4, 3))),
])
def test_an_assignment_that_may_overlap_computes_in_one_nest(kernel, make):
    """The overlap test picks where the one nest stores (a new array of the target's layout,
    or the target itself); only when they overlap are the results copied over."""
    args = make() if isinstance(make(), tuple) else (make(),)
    text = lowered(kernel, args, "fold,dce,cse,fuse,lower-arrays")
    assert text.count("array.alloc") == 1 and text.count("mul") == 1
    assert "independent = true" in text
    assert text.count("strided = true") == 1   # the copy back: a scalar loop, cheap to compile
    got = compile(kernel)(*[a.copy() for a in args])
    want = kernel(*[a.copy() for a in args])
    np.testing.assert_array_equal(got, want)
    assert got.flags.f_contiguous == want.flags.f_contiguous


def test_a_reduction_along_the_first_axis_updates_its_results_in_independent_trips():
    """Each trip of the innermost loop adds to its own element of the new results: the loop
    is ``independent``, and ``version`` gives it a copy for unit strides (the operands are
    broadcast views, whose strides are known only at run time)."""
    a, b = np.arange(12.0).reshape(3, 4), np.arange(12.0).reshape(4, 3).T
    text = lowered(K.column_sums, (a, b), "fold,dce,cse,fuse,lower-arrays,version")
    assert "independent = true" in text and text.count("contiguous_axis = 1") == 2
    for x, y in ((a, b), (a, a), (a[:, ::-1], b), (a, b[:1])):
        np.testing.assert_array_equal(compile(K.column_sums)(x, y), K.column_sums(x, y))


def test_a_new_array_needs_no_overlap_test():
    """A map into a new array, and the copy out of the temporary: nothing to test at run time."""
    assert "array.overlap" not in lowered(K.scaled, (F64, F64))
    text = lowered(K.shifted, (np.arange(8.0),))
    assert text.count("array.overlap") == 1   # a[:-1] against a[1:], once
    assert text.count("vector.store") == 2    # the nest and the copy, vectorized without a test


def test_views_of_another_array_are_tested_as_that_array_once():
    """The five views of ``A`` in ``B[1:-1, 1:-1] = 0.2 * (A[1:-1, 1:-1] + A[1:-1, :-2] + ...)``
    are tested against the target as ``A`` itself, once; passed the same array twice, the
    stencil still reads every element before it writes one (NumPy's result)."""
    A = np.arange(30.0).reshape(5, 6)
    text = lowered(K.stencil, (A, np.zeros((5, 6))))
    assert text.count("array.overlap") == 1 and "array.overlap %A, " in text
    for make in (lambda: (A.copy(),) * 2, lambda: (A.copy(), np.zeros((5, 6)))):
        got, want = compile(K.stencil)(*make()), K.stencil(*make())
        np.testing.assert_array_equal(got, want)


def test_slices_of_one_extent_agree_without_a_check():
    """``a[1:-1]``, ``a[2:]`` and ``a[:-2]`` share one count value (max(n - 2, 0)): no broadcast
    check between them (only the one of A's shape against B's), one loop nest, NumPy's results."""
    A = np.arange(30.0).reshape(5, 6)
    text, remarks = fused(K.stencil, (A, np.zeros((5, 6))))
    assert "operands could not be broadcast" not in text and text.count("could not broadcast input") == 1
    assert text.count("array.map") == 1 and sum("fused into" in r for r in remarks) == 5
    for shape in ((5, 6), (2, 2), (1, 3), (0, 4)):
        A, B = np.arange(np.prod(shape) * 1.0).reshape(shape), np.zeros(shape)
        np.testing.assert_array_equal(compile(K.stencil)(A, B.copy()), K.stencil(A, B.copy()))


@pytest.mark.parametrize("kernel, args, why", [
    (K.written_between, (np.arange(1.0, 5.0),), "memory may be written"),
    (K.consumed_in_a_loop, (np.arange(1.0, 5.0), 3), "another block"),
])
def test_a_producer_is_not_moved_past_writes_or_into_loops(kernel, args, why):
    """Fused, ``y`` would be computed where it is used: after ``x[:] = 0`` (NumPy's ``y`` was
    computed before), or again on every trip of the loop."""
    text, remarks = fused(kernel, tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args))
    assert any(why in r for r in remarks)
    want = kernel(*(a.copy() if isinstance(a, np.ndarray) else a for a in args))
    assert compile(kernel)(*(a.copy() if isinstance(a, np.ndarray) else a for a in args)) == want


def test_a_row_of_the_space_is_read_without_a_broadcast_view():
    """``a - a.mean(axis=0)``: the mean's extent is the one the reduction kept (``a``'s), so no
    check, and the lowered loops read the row of means at the last index directly."""
    a = np.arange(12.0).reshape(3, 4)
    f = compile(K.center_columns)
    np.testing.assert_array_equal(f(a), K.center_columns(a))
    manager = PassManager("fold,dce,cse,fuse,lower-arrays", verify_each=True)
    text = str(f.build_module(f._pick(None), optimize=True, manager=manager))
    assert "array.broadcast" not in text and "could not be broadcast" not in text
