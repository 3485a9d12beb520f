"""The generator's try statements and the runner's comparison of what leaves a call: the
exception's class and message; programs compiled with ``error_model="numpy"`` against
CPython running them with NumPy's division by zero."""
import ast
import re

from . import runner
from .generator import Program, generate

SEEDS = [f"try-test-{k}" for k in range(60)]


def _scalar_sources() -> list[str]:
    return [p.source for p in map(generate, SEEDS) if "whole-array" not in p.source.splitlines()[0]
            and not p.parallel]   # (not the programs of arrays_gen and prange_gen)


def test_try_programs_are_reproducible_python():
    for seed in SEEDS:
        source = generate(seed).source
        ast.parse(source)
        assert source == generate(seed).source


def test_try_statements_have_every_clause():
    nodes = [n for source in _scalar_sources() for n in ast.walk(ast.parse(source))]
    tries = [n for n in nodes if isinstance(n, ast.Try)]
    handlers = [h for t in tries for h in t.handlers]
    assert len(tries) > 20
    assert any(t.orelse for t in tries) and any(t.finalbody for t in tries)
    assert any(h.type is None for h in handlers) and any(isinstance(h.type, ast.Tuple) for h in handlers)
    assert any(h.name for h in handlers) and any(isinstance(n, ast.Raise) and n.exc is None for n in nodes)
    assert any(isinstance(n, ast.Assert) for n in nodes)
    assert all(not isinstance(n, (ast.Return, ast.Break, ast.Continue))
               for t in tries for s in t.finalbody for n in ast.walk(s))   # refused in finally


def test_the_module_defines_the_exception_classes_it_names():
    for source in _scalar_sources():
        assert ("Fuzz" in source) == ("class FuzzError(Exception):" in source)


def _a_container(node: ast.expr) -> bool:
    """The generator's dicts, lists and tuples are named ``d<N>``, ``l<N>``, ``t<N>``
    (``dict_statement``, ``list_statement``), and its reads of them are guarded: a key, or an
    index into one (or into an item of a list of arrays), is no unreduced array index."""
    if isinstance(node, ast.Subscript):
        return _a_container(node.value)
    return isinstance(node, ast.Name) and re.fullmatch(r"[dlt]\d+", node.id) is not None


def test_indices_out_of_range_in_try_bodies_keep_bounds_checks():
    for seed in SEEDS:
        program = generate(seed)
        unreduced = any(isinstance(n, ast.Subscript) and "len(" not in ast.unparse(n.slice)
                        and not _a_container(n.value) and not isinstance(n.slice, ast.Slice)
                        for f in ast.walk(ast.parse(program.source)) if isinstance(f, ast.FunctionDef)
                        for n in ast.walk(f))
        if "whole-array" not in program.source.splitlines()[0] and unreduced:
            assert not program.in_bounds and "-O3 boundscheck=False" not in runner.variants(program)


def test_exceptions_compare_by_class_and_message():
    want = ("raised", ValueError("bad 1"), [], "")
    assert runner.agree(("raised", ValueError("bad 1"), [], ""), want)
    assert not runner.agree(("raised", ValueError("bad 2"), [], ""), want)
    assert not runner.agree(("raised", KeyError("bad 1"), [], ""), want)
    assert not runner.agree(("raised", ValueError("bad 1"), [], "printed\n"), want)


def test_numpy_model_programs_compare_with_numpys_division(tmp_path):
    source = ("class FuzzError(Exception):\n    pass\n\n\n"
              "def f(p0, x):\n    i = p0\n    i //= p0\n    y = x / 0.0\n"
              "    if p0 > 5:\n        raise FuzzError('%d|%.1f' % (p0 % 0, x % 0.0))\n"
              "    return (i, p0 % 0, y, -x // 0.0, 0.0 / x, 7 / p0)\n")
    program = Program("t", source, error_model="numpy")
    assert list(runner.variants(program)) == ["-O0 error_model=numpy", "-O3 error_model=numpy"]
    assert runner.variants_by_name()["-O3 error_model=numpy"] == {"opt": 3, "error_model": "numpy"}
    reference = runner.load_module(runner.reference_source(source, {"error_model": "numpy"}), str(tmp_path), "ref")
    assert runner.reference_source(source, {}) == source
    assert repr(reference.f(0, 2.0)) == repr((0, 0, float("inf"), -float("inf"), 0.0, float("inf")))
    assert repr(reference.f(3, 0.0)) == repr((1, 0, float("nan"), float("nan"), float("nan"), 7 / 3))
    want = runner.outcome(reference.f, (7, 1.0))
    assert want[0] == "raised" and str(want[1]) == "0|nan"
    module = runner.load_module(source, str(tmp_path), "original")   # its own FuzzError: the same by name
    assert runner.agree(("raised", module.FuzzError("0|nan"), [], ""), want)
    assert not runner.agree(("raised", ValueError("0|nan"), [], ""), want)
