"""The benchmark kernels at their ``tiny`` size: compiled and NumPy versions agree with CPython."""
import numpy as np
import pytest

from bench.kernel import GROUPS, agree, all_kernels, fresh_args
from compiler import compile

KERNELS = all_kernels()


def _args(kernel, size):
    return kernel.make_args(size, np.random.default_rng(0))


def test_registry():
    names = [k.name for k in KERNELS]
    assert len(names) == len(set(names)) >= 18
    for group in GROUPS:
        in_group = [k for k in KERNELS if k.group == group]
        assert in_group and sum(k.overhead_size is not None for k in in_group) == 1, group
    for k in KERNELS:
        assert k.sizes.keys() == {"full", "quick", "tiny"}, k.name
        assert k.sizes["tiny"] < k.sizes["quick"] < k.sizes["full"], k.name


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.name)
def test_compiled_agrees_with_cpython(kernel):
    compiled = compile(kernel.func)
    for size in {kernel.sizes["tiny"], kernel.overhead_size} - {None}:
        args = _args(kernel, size)
        want = kernel.func(*fresh_args(kernel, args))
        assert agree(compiled(*fresh_args(kernel, args)), want, kernel.rtol), size


@pytest.mark.parametrize("kernel", [k for k in KERNELS if k.numpy], ids=lambda k: k.name)
def test_numpy_agrees_with_cpython(kernel):
    args = _args(kernel, kernel.sizes["tiny"])
    want = kernel.func(*fresh_args(kernel, args))
    assert agree(kernel.numpy(*fresh_args(kernel, args)), want, kernel.rtol)


@pytest.mark.parametrize("kernel", [k for k in KERNELS if not k.mutates], ids=lambda k: k.name)
def test_kernels_not_marked_mutates_leave_their_arguments_alone(kernel):
    args = _args(kernel, kernel.sizes["tiny"])
    before = [a.copy() for a in args if isinstance(a, np.ndarray)]
    kernel.func(*args)
    if kernel.numpy:
        kernel.numpy(*args)
    after = [a for a in args if isinstance(a, np.ndarray)]
    assert all(np.array_equal(b, a, equal_nan=True) for b, a in zip(before, after))
