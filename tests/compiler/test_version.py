"""Loop versioning: the fast copy runs where no index check can fire, the original
(with its checks) everywhere else -- results, exceptions and partial stores as CPython's."""
import numpy as np
import pytest

from compiler import compile
from compiler.passes.manager import PassManager
from compiler.pipeline import CompileOptions, build_module
from ir.types import ArrayType, f64


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
