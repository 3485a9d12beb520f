"""The fuzzer's entry-point variants (``entry_points``: ``cfunc``, ``vectorize``) and its gufunc
kernels (``gufunc_gen``: ``guvectorize``): what they compare, and a few programs of each."""
import ast
import math

import numpy as np

from . import runner
from .entry_points import (CFUNC, GUVECTORIZE, VECTORIZE, NumpyScalarWarning, cfunc_call, elementwise,
                           entry_variants, vectorize_call)
from .generator import generate
from .gufunc_gen import LAYOUTS, layout_text, loop_reference


def divide(p, q):
    if q == 3:
        print("three")
    return p // q


def ratio(x, flag):
    return x / 2.0 if flag else -x


def checked(p, q):
    if q < 0:
        raise ValueError(str(q))
    return p + q


def draw(x):
    return x + np.random.random()


def test_a_cfunc_reports_what_cpython_raises_through_the_unraisable_hook():
    call = cfunc_call(divide, {"opt": 3}, (7, 2))
    assert runner.agree(runner.outcome(call, (7, 3)), runner.outcome(divide, (7, 3)))
    got = runner.outcome(call, (7, 0))
    assert got[0] == "raised" and isinstance(got[1], ZeroDivisionError)
    assert runner.agree(got, runner.outcome(divide, (7, 0)))
    c = cfunc_call(ratio, {"opt": 3}, (1.5, True))
    assert c(1.5, True) == 0.75 and c(1.5, False) == -1.5


def test_vectorize_is_compared_element_by_element_and_raises_the_first_failure():
    arrays = (np.array([7, 8, 9]), np.array([2, 3, 4]))
    call = vectorize_call(divide, {"opt": 3}, arrays, parallel=False)
    want = runner.outcome(elementwise(divide, call.result_dtype), arrays)
    assert want[1].dtype == np.int64 and want[3] == "three\n"
    assert runner.agree(runner.outcome(call, arrays), want)
    failing = (np.array([7, 8, 9]), np.array([3, -1, -2]))
    call = vectorize_call(checked, {"opt": 3}, failing, parallel=False)
    got, want = runner.outcome(call, failing), runner.outcome(elementwise(checked, call.result_dtype), failing)
    assert got[0] == want[0] == "raised" and str(want[1]) == "-1" and runner.agree(got, want)
    # NumPy's scalars warn (np.int64(8) // 0 is 0) where the kernel raises ZeroDivisionError: not compared
    want = runner.outcome(elementwise(divide, np.int64), (np.array([7, 8]), np.array([3, 0])))
    assert want[0] == "raised" and isinstance(want[1], NumpyScalarWarning)


QUIET_DIVISIONS = """
import operator


def halve_by_nothing(x):
    y = x / 0.0 if x != x or x > 1e308 else x
    y %= 0.0 if y < -1e308 else 10.0
    return operator.truediv(y, 2.0) + divmod(y, 1.0)[0] * 0.0
"""


def test_a_vectorize_reference_leaves_divisions_of_numpy_scalars_by_zero_uncompared():
    """``np.float64(nan) / 0.0`` and ``np.float64(-inf) % 0.0`` give NaN without NumPy's warning,
    where the kernel raises ``ZeroDivisionError`` (documented): the reference of a vectorize
    kernel warns for every division of a NumPy scalar by zero (``runner.reference_source``),
    so that such a call is not compared; other calls still are."""
    options = {"opt": 3, "entry": "vectorize"}
    source = runner.reference_source(QUIET_DIVISIONS, options)
    assert "_scalar_division(_operator.truediv, x, 0.0)" in source and "_scalar_division(divmod, y, 1.0)" in source
    namespace = {}
    exec(source, namespace)  # noqa: S102
    reference = elementwise(namespace["halve_by_nothing"], np.float64)
    for quiet in (math.nan, math.inf, -math.inf):
        want = runner.outcome(reference, (np.array([1.0, quiet]),))
        assert want[0] == "raised" and isinstance(want[1], NumpyScalarWarning)
    assert runner.outcome(reference, (np.array([1.0, 3.0]),))[1].tolist() == [0.5, 1.5]
    assert runner.reference_source(QUIET_DIVISIONS, {"opt": 3}) == QUIET_DIVISIONS


def test_scalar_functions_of_cfunc_and_vectorize_seeds_go_through_both():
    chosen = [name for k in range(20) for fn in generate(f"cfunc-t-{k}").functions
              for name in entry_variants(generate(f"cfunc-t-{k}"), fn)]
    assert chosen.count(CFUNC) >= 5
    chosen = [name for k in range(20) for fn in generate(f"vectorize-t-{k}").functions
              for name in entry_variants(generate(f"vectorize-t-{k}"), fn)]
    assert chosen.count(VECTORIZE) >= 5 and CFUNC not in chosen


def test_gufunc_kernels_have_every_layout_and_write_their_outputs_first():
    programs = [generate(f"gufunc-t-{k}") for k in range(60)]
    assert {p.layout for p in programs} == {layout_text(*layout) for layout in LAYOUTS}
    for p in programs:
        assert entry_variants(p, p.functions[0])[0] == GUVECTORIZE
        g = next(n for n in ast.parse(p.source).body if isinstance(n, ast.FunctionDef))
        outputs = [name for name, t in p.functions[0].params if name.startswith("o")]
        first = ast.unparse(g.body[:len(outputs)])
        assert all(f"{name}[" in first for name in outputs), p.source


def test_the_loop_reference_broadcasts_and_gives_scalar_outputs_as_one_element_views():
    namespace = {"LAYOUT": "(n),()->()", "OUTPUT_DTYPES": ("float64",), "math": math}
    exec("def g(a, k, out):\n    out[0] = float(a[0]) * k + len(a)\n", namespace)  # noqa: S102
    out = loop_reference(namespace["g"])(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([10.0, 100.0]))
    assert out.tolist() == [12.0, 302.0]


def test_a_few_gufunc_programs_agree_with_cpython():
    results = runner.run_batch("gufunc-test", 0, 3, timeout=300.0, dtypes="all")   # (the smoke has the others)
    assert len(results) == 3
    failing = [r for r in results if r["mismatches"] or r.get("crash")]
    assert not failing, [(r["seed"], (r.get("crash") or r["mismatches"][0])[:300]) for r in failing]


def test_cfunc_and_vectorize_of_a_function_that_draws():
    """(The entry guards of the C function and of the ufunc loop add references after the
    module's were defined: ``compiler.codegen.references`` defines those as they come.)"""
    from compiler import cfunc, vectorize

    np.random.seed(1)
    want = [draw(1.0), draw(1.0)]
    np.random.seed(1)
    assert cfunc("f64(f64)")(draw).ctypes(1.0) == want[0]
    np.random.seed(1)
    assert vectorize(["f64(f64)"])(draw)(np.ones(2)).tolist() == want
