"""The shrinker on a planted bug: a fake compiler that gets every function using ``% 7`` wrong."""
import ast
import inspect
import json

import pytest

import compiler

from . import runner, shrink
from .generator import generate

PROGRAM = '''
def helper(p0):
    return p0 * 2


def f(p0, p1):
    i1 = 3
    x2 = 0.5
    for k3 in range(4):
        i1 += k3
        if p1 > 1.0:
            x2 = x2 * 2.0
        else:
            x2 = x2 + 1.0
    i4 = (helper(i1) + p0 % 7) if p0 > -5 else i1
    c5 = 0
    while c5 < 3:
        c5 += 1
        i1 = i1 - 1
    return i4 + i1
'''


@pytest.fixture
def planted_bug(monkeypatch):
    """``compile`` gives a result one too big for functions whose source uses ``% 7``."""
    def fake_compile(py, **options):
        wrong = "% 7" in inspect.getsource(py)
        return lambda *args: py(*args) + 1 if wrong else py(*args)

    monkeypatch.setattr(compiler, "compile", fake_compile)


def test_a_failure_shrinks_to_the_statement_that_fails(planted_bug, tmp_path):
    failure = shrink.Failure(PROGRAM, "f", (3, 2.0), "-O3")
    small = shrink.shrink(failure, time_limit=120)
    assert len(small.source.splitlines()) < len(PROGRAM.strip().splitlines()) / 2
    assert "% 7" in small.source and "while" not in small.source and "helper" not in small.source
    assert shrink.symptom(small, str(tmp_path)) == ("differs", "value", "value", ("int", "int", False))


def test_the_regression_test_it_writes_runs_the_failing_call(planted_bug, tmp_path, monkeypatch):
    monkeypatch.setattr(shrink, "REGRESSIONS", tmp_path)
    failure = shrink.Failure("def f(p0):\n    return p0 % 7\n", "f", (10,), "-O0")
    path = shrink.write_regression(failure, "seed-1", "f(10) at -O0: got 4, CPython gives 3")
    text = path.read_text()
    ast.parse(text)
    assert path.name == "test_seed_1.py"
    assert "def test_seed_1():" in text and "assert_agrees(f, (10,), **{'opt': 0})" in text
    assert "# f(10) at -O0: got 4, CPython gives 3" in text


def test_a_failure_that_does_not_reproduce_is_refused():
    with pytest.raises(ValueError, match="does not reproduce"):
        shrink.shrink(shrink.Failure(generate("smoke-0").source, "f0", (), "-O3"), time_limit=10)


def _dtypes_in(seed: str) -> set[str]:
    """The ``dtype=np.*`` prefixes of the inputs the runner gives program ``seed``."""
    text = str([runner.literal(a) for _, args in runner.calls(generate(seed), seed, "all") for a in args])
    return {d for d in ("dtype=np.float32", "dtype=np.uint") if d in text}


def test_the_failure_search_calls_with_the_inputs_of_the_runs_dtypes(capsys):
    seed = next(s for s in (f"smoke-all-{n}" for n in range(200))    # float32 and unsigned arrays among its inputs
                if {"dtype=np.float32", "dtype=np.uint"} <= _dtypes_in(s)
                and "whole-array" not in generate(s).source.splitlines()[0])   # (those still find compiler bugs)
    assert shrink.main(["--find", seed, "--dtypes", "all"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[-1] is None   # the program agrees with CPython
    tried = {tuple(line["args"]) for line in lines[:-1]}
    wanted = {tuple(runner.literal(a) for a in args) for _, args in runner.calls(generate(seed), seed, "all")}
    text = str(tried)
    assert tried == wanted and "dtype=np.float32" in text and "dtype=np.uint" in text
