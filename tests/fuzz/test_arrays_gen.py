"""The whole-array programs of the fuzzer (``arrays_gen``) under CPython alone, and the
runner's comparison of their results."""
import ast
import math
import traceback
import warnings

import numpy as np

from . import runner
from .arrays_gen import ONE, broadcast, compose, fits, generate_arrays, slice_extent
from .generator import generate

SEEDS = [f"wa-test-{k}" for k in range(40)]


def test_programs_are_reproducible_python():
    for seed in SEEDS:
        source = generate_arrays(seed).source
        ast.parse(source)
        assert source == generate_arrays(seed).source


def test_a_share_of_the_generated_programs_are_whole_array_ones():
    heads = [generate(f"share-{k}").source.splitlines()[0] for k in range(200)]
    assert 30 < sum("whole-array" in h for h in heads) < 100


def test_extents_follow_numpy():
    n = ("s", "n", tuple(range(8)))
    assert slice_extent(n, slice(1, None), "1:") == slice_extent(n, slice(None, -1), ":-1")
    assert slice_extent(n, slice(None, None, 2), "::2") != slice_extent(n, slice(1, None, 2), "1::2")
    assert slice_extent(ONE, slice(None, None, -1), "::-1") == ONE
    assert broadcast((n,), (ONE, n)) == (ONE, n) and broadcast((n,), (slice_extent(n, slice(1, None), "1:"),)) is None
    assert fits((ONE,), (n, n)) and not fits((n, n), (n,))
    half = slice_extent(n, slice(None, None, 2), "::2")   # a callee's a[::2], called with b[1:] for a
    assert compose(half, {"n": slice_extent(n, slice(1, None), "1:")}, "call") == ("s", "n", (0, 0, 1, 1, 2, 2, 3, 3))


def test_operands_broadcast_as_the_generator_says(tmp_path):
    """Under CPython only the statements meant to (``w = x + y``) fail to broadcast."""
    calls = values = 0
    for k, seed in enumerate(SEEDS):
        program = generate_arrays(seed)
        module = runner.load_module(program.source, str(tmp_path), f"wa_{k}")
        for fn, args in runner.calls(program, seed, "all"):
            calls += 1
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    getattr(module, fn.name)(*runner.copy_args(args))
                    values += 1
                except ValueError as err:
                    if "broadcast" in str(err):
                        line = traceback.extract_tb(err.__traceback__)[-1].line
                        assert line.lstrip().startswith("w"), f"{seed} {fn.name}: {line}: {err}"
                except Exception:  # noqa: BLE001 -- NumPy's errors are outcomes too
                    pass
    assert values > calls // 2


def test_array_inputs_have_the_shapes_of_their_types():
    r = __import__("random").Random(3)
    params = [("a0", "f64[n,1]"), ("a1", "i64[m,n]"), ("p2", "int")]
    for _ in range(50):
        sizes = runner.random_sizes(r, params)
        a, b = (runner.random_value(r, t, "all", sizes) for _, t in params[:2])
        assert a.shape == (sizes["n"], 1) and b.shape == (sizes["m"], sizes["n"]) and b.dtype != np.bool_
        again = eval(runner.literal(b), {"np": np, "math": math})  # noqa: S307 -- our own literal
        assert again.dtype == b.dtype and again.shape == b.shape and np.array_equal(again, b)


def test_arrays_compare_by_dtype_shape_and_elements():
    a = np.array([1.0, math.nan])
    assert runner.same(a, a.copy()) and not runner.same(a.astype(np.float32), a)
    assert not runner.same(a.reshape(1, 2), a) and not runner.same(np.array([1.0, 2.0]), a)


def test_only_float_reductions_may_differ_in_the_last_bits():
    x, y = np.float64(0.1 + 0.2), 0.3
    assert runner.same(0.3, np.float64(0.3))               # float64 comes back as a Python float
    assert not runner.same(np.float32(0.3), np.float64(0.3))
    assert not runner.same_result((y, y), (np.float64(0.3), x))
    assert runner.same_result((y, y), (np.float64(0.3), x), approx=(1,))
    assert not runner.same_result((x, y), (np.float64(0.3), x), approx=(1,))
    assert runner.same_result(np.float32(1.0000001), np.float32(1.0), approx=(0,))
    assert not runner.same_result(1.001, 1.0, approx=(0,)) and not runner.same_result(5, 6, approx=(0,))


def test_numpy_exceptions_compare_by_their_builtin_class():
    try:
        np.add(np.zeros(2, np.int8), 1.5, out=np.zeros(2, np.int8))
    except TypeError as err:
        numpy_error = err
    assert type(numpy_error) is not TypeError and runner.builtin_class(numpy_error) is TypeError
    assert runner.builtin_class(ZeroDivisionError()) is ZeroDivisionError
