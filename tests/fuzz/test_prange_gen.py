"""The fuzzer's programs with ``prange`` loops (``prange_gen``): what their loops hold, what they
leave out, and a few of them compiled with ``parallel=True`` against CPython."""
import ast
import re

from . import runner
from .generator import Program, generate
from .prange_gen import generate_prange

SEEDS = [f"prange-test-{k}" for k in range(60)]


def _loops(tree: ast.AST) -> list[ast.For]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.For) and isinstance(n.iter, ast.Call)
            and getattr(n.iter.func, "id", None) == "prange"]


def _outermost(tree: ast.AST) -> list[ast.For]:
    inner = {id(m) for loop in _loops(tree) for m in ast.walk(loop) if m is not loop}
    return [loop for loop in _loops(tree) if id(loop) not in inner]


def test_prange_programs_are_reproducible_python_compiled_in_parallel():
    for seed in SEEDS:
        program = generate(seed)
        assert program.source == generate_prange(seed).source == generate(seed).source
        assert program.parallel and _loops(ast.parse(program.source))
        assert runner.PARALLEL in runner.variants(program)
    assert runner.PARALLEL not in runner.variants(Program("s", "", in_bounds=True))


def test_a_share_of_the_generated_programs_have_prange_loops():
    heads = [generate(f"share-{k}").source.splitlines()[0] for k in range(300)]
    assert 10 < sum("prange program" in h for h in heads) < 60


def test_the_loops_hold_every_kind_of_parallel_work():
    texts = [ast.unparse(loop) for seed in SEEDS for loop in _outermost(ast.parse(generate(seed).source))]
    text = "\n".join(texts)
    for words in ("+= np.int64(", "*= np.uint8(", "^= np.", "= min(", "= max(", "|= ", "&= ", "np.float32(",
                  "min(max(", ", :] = ", "[:, ", "for j", "in prange(", "np.full(", " // (", "- 1, -1, -1)",
                  "(3, 1)", ".T"):
        assert words in text or words in str([generate(s).source for s in SEEDS]), words
    sources = [generate(s).source for s in SEEDS]
    assert any("9223372036854775000" in s for s in sources) and any(".T.copy().T" in s for s in sources)


def test_the_loops_leave_out_what_the_parallel_pass_refuses():
    for seed in SEEDS:
        tree = ast.parse(generate(seed).source)
        for loop in _outermost(tree):
            for node in ast.walk(loop):
                assert not isinstance(node, (ast.Break, ast.Return, ast.Try, ast.JoinedStr, ast.ListComp,
                                             ast.List)), (seed, ast.unparse(node))
                if isinstance(node, ast.Call):
                    called = ast.unparse(node.func)
                    assert not called.startswith(("np.random", "print", "str", "len(bin")) \
                        and not re.fullmatch(r"f\d+", called) and "append" not in called, (seed, called)


def test_float_sums_are_compared_to_a_tolerance():
    fns = [f for seed in SEEDS for f in generate(seed).functions]
    assert any(f.approx for f in fns)


def test_arrays_a_parallel_call_wrote_before_it_raised_are_not_compared():
    raised = ("raised", IndexError("index 3 is out of bounds for axis 0 with size 3"))
    assert runner.agree((*raised, [[1, 0, 7]], ""), (*raised, [[1, 0, 0]], ""), parallel=True)
    assert not runner.agree((*raised, [[1, 0, 7]], ""), (*raised, [[1, 0, 0]], ""))
    assert not runner.agree(("value", 1, [[1, 0, 7]], ""), ("value", 1, [[1, 0, 0]], ""), parallel=True)
    assert not runner.agree(("raised", ValueError("x"), [], ""), (*raised, [], ""), parallel=True)


def test_a_few_prange_programs_agree_with_cpython():
    results = runner.run_batch("prange-test", 3, 3, timeout=300.0, dtypes="all")   # three short ones
    assert len(results) == 3
    failing = [r for r in results if r["mismatches"] or r.get("crash")]
    assert not failing, [(r["seed"], (r.get("crash") or r["mismatches"][0])[:300]) for r in failing]
