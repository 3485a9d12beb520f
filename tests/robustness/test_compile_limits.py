"""Pathological functions: deep nesting, huge bodies, very long expressions.

Each case generates a module's source text, writes it to a temporary file and
has a child process import it, compile the function, call it and compare the
result with CPython's.  The case passes when the compiled function gives
CPython's result, or -- for cases marked ``may_refuse`` -- when compiling fails
with a ``CompileError`` that names the generated file and a line.  The child
runs under a timeout, so a hang fails the test instead of stalling the suite;
the time compiling and the first call took is printed (``pytest -s``) and is
never asserted on.
"""
import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass

import pytest

from tests.long import LONG

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
#: seconds a child may take; reaching it means the compiler hangs
HANG_TIMEOUT = 120


# ------------------------------------------------------------------ generators (each returns source text)
def nested_for_loops(depth):
    """``depth`` nested ``for`` loops (CPython allows at most 20 nested blocks)."""
    lines = ["def f(n):", "    s = 0"]
    for d in range(depth):
        lines.append("    " * (d + 1) + f"for i{d} in range(n):")
    lines.append("    " * (depth + 1) + f"s += i0 * 3 + i{depth - 1} - i{depth // 2} + 1")
    lines.append("    return s")
    return "\n".join(lines) + "\n"


def nested_ifs(depth):
    """``depth`` nested ``if``/``else`` statements."""
    lines = ["def f(x):", "    s = 0"]
    for d in range(depth):
        lines.append("    " * (d + 1) + f"if x > {d}:")
        lines.append("    " * (d + 2) + f"s = s * 3 + {d}")
    for d in reversed(range(depth)):
        lines.append("    " * (d + 1) + "else:")
        lines.append("    " * (d + 2) + f"s -= {d + 1}")
    lines.append("    return s")
    return "\n".join(lines) + "\n"


def mixed_nesting(depth):
    """``for``, ``if`` and ``while`` in turn, ``depth`` levels, with ``break`` and ``continue``."""
    lines = ["def f(n):", "    s = 0"]
    for d in range(depth):
        pad = "    " * (d + 1)
        kind = ("for", "if", "while")[d % 3]
        if kind == "for":
            lines += [f"{pad}for a{d} in range(n):",
                      f"{pad}    if (s + a{d}) % 7 == 3:",
                      f"{pad}        continue"]
        elif kind == "if":
            lines += [f"{pad}if (s + {d}) % 5 != 0:"]
        else:
            lines += [f"{pad}w{d} = 0",
                      f"{pad}while w{d} < n:",
                      f"{pad}    w{d} += 1",
                      f"{pad}    if s > 100000:",
                      f"{pad}        break"]
    lines.append("    " * (depth + 1) + "s = (s * 7 + 1) % 1000003")
    lines.append("    return s")
    return "\n".join(lines) + "\n"


def long_body(statements):
    """A straight-line body of ``statements`` lines, an ``if`` every 500."""
    lines = ["def f(x):", "    s = x", "    t = 1"]
    for k in range(statements):
        if k % 500 == 499:
            lines += ["    if s > 100000:", "        s = s % 1003"]
            continue
        lines.append(("    s = s + {k}", "    t = t ^ s", "    s = s - t % 7", "    t = t + 1")[k % 4]
                     .format(k=k % 97))
    lines.append("    return s, t")
    return "\n".join(lines) + "\n"


def long_expression(terms):
    """``return x * 0 + x * 1 + ... + x * (terms - 1)`` on one line."""
    return "def f(x):\n    return " + " + ".join(f"x * {i}" for i in range(terms)) + "\n"


def deep_parentheses(depth):
    """``(x + (x + (... + 1)))``, ``depth`` levels (CPython's parser allows 200)."""
    return "def f(x):\n    return " + "(x + " * depth + "1" + ")" * depth + "\n"


def elif_chain(branches):
    """An ``if``/``elif`` chain of ``branches`` tests (a dispatch table written out)."""
    lines = ["def f(x):", "    if x == 0:", "        r = 0"]
    for i in range(1, branches):
        lines += [f"    elif x == {i}:", f"        r = {i * 3 % 101}"]
    lines += ["    else:", "        r = -1", "    return r"]
    return "\n".join(lines) + "\n"


def elif_chain_of_returns(branches):
    """An ``if``/``elif``/``else`` chain of ``branches`` tests, every branch a ``return``."""
    lines = ["def f(x):", "    if x == 0:", "        return 0"]
    for i in range(1, branches):
        lines += [f"    elif x == {i}:", f"        return {i * 7 % 103}"]
    lines += ["    else:", "        return -1"]
    return "\n".join(lines) + "\n"


def elif_chain_in_a_loop(branches):
    """A loop whose body is a chain of ``branches`` tests with ``continue``, ``break`` and ``return``."""
    lines = ["def f(n):", "    s = 0", "    for i in range(n):", f"        k = i % {branches + 3}",
             "        if k == 0:", "            continue"]
    for i in range(1, branches):
        body = (["return s * 3 + i"] if i == branches - 1 else
                ["if s > 100000:", "    break", "s = s * 2 + 1"] if i % 7 == 1 else [f"s = s + {i % 13} - (s >> 9)"])
        lines += [f"        elif k == {i}:"] + [f"            {line}" for line in body]
    lines += ["        else:", "            s -= 1", "    return s"]
    return "\n".join(lines) + "\n"


def many_variables(count):
    """``count`` variables, all carried through a loop."""
    lines = ["def f(n):"] + [f"    v{i} = {i}" for i in range(count)] + ["    for k in range(n):"]
    lines += [f"        v{i} = v{(i + 1) % count} + k" for i in range(count)]
    lines += ["    return " + " + ".join(f"v{i}" for i in range(0, count, max(1, count // 50)))]
    return "\n".join(lines) + "\n"


def loop_over_long_tuple(length):
    """A ``for`` over a module-level tuple of ``length`` numbers (unrolled when traced)."""
    return f"T = tuple(range({length}))\n\n\ndef f(x):\n    s = 0\n    for v in T:\n        s += v * x\n    return s\n"


def call_chain(length):
    """``f`` calls ``g0``, which calls ``g1``, ... ``length`` functions deep."""
    parts = [f"def g{i}(x):\n    return g{i + 1}(x) + {i % 7}\n" for i in range(length - 1)]
    parts.append(f"def g{length - 1}(x):\n    return x\n")
    parts.append("def f(x):\n    return g0(x) * 2\n")
    return "\n\n".join(parts)


@dataclass
class Case:
    id: str
    source: str
    calls: list  # argument tuples
    may_refuse: bool = False  # a located CompileError is an acceptable answer


CASES = [
    Case("nested_for_20", nested_for_loops(20), [(2,), (0,)]),
    Case("nested_if_40", nested_ifs(40), [(25,), (40,), (-1,)]),
    Case("mixed_for_if_while_30", mixed_nesting(30), [(2,), (1,)]),
    Case("body_1000_lines", long_body(1000), [(3,), (-7,)]),
    Case("body_5000_lines", long_body(5000), [(3,), (-7,)]),
    Case("expression_250_terms", long_expression(250), [(3,), (-2,)]),
    Case("expression_2000_terms", long_expression(2000), [(3,), (-5,)]),
    Case("parentheses_190_deep", deep_parentheses(190), [(2,)]),
    Case("elif_chain_150", elif_chain(150), [(0,), (77,), (149,), (150,)]),
    Case("elif_chain_1000", elif_chain(1000), [(999,), (5,), (1000,)]),
    Case("elif_chain_of_returns_150", elif_chain_of_returns(150), [(0,), (148,), (150,), (-3,)]),
    Case("elif_chain_of_returns_1000", elif_chain_of_returns(1000), [(0,), (998,), (1000,), (-3,)]),
    Case("elif_chain_of_100_in_a_loop", elif_chain_in_a_loop(100), [(0,), (5,), (90,), (2000,)]),
    Case("elif_chain_of_300_in_a_loop", elif_chain_in_a_loop(300), [(0,), (5,), (250,), (2000,)]),
    Case("variables_150_in_a_loop", many_variables(150), [(3,)]),
    Case("variables_400_in_a_loop", many_variables(400), [(3,)]),
    Case("loop_over_1000_tuple_items", loop_over_long_tuple(1000), [(3,)]),
    Case("loop_over_3000_tuple_items", loop_over_long_tuple(3000), [(3,)]),
    Case("call_chain_150", call_chain(150), [(5,)]),
]
#: cases only ``-m long`` runs: the larger of two of the same shape (body_1000_lines, elif_chain_150,
#: elif_chain_of_returns_150 and expression_250_terms run by default)
LONG_CASES = {"body_5000_lines", "elif_chain_1000", "elif_chain_of_returns_1000", "expression_2000_terms",
              "elif_chain_of_300_in_a_loop", "variables_400_in_a_loop", "loop_over_3000_tuple_items"}

CHILD = textwrap.dedent("""
    import importlib.util, json, sys, time
    from compiler import compile
    from ir.diagnostics import CompileError

    path, calls = sys.argv[1], json.loads(sys.argv[2])
    spec = importlib.util.spec_from_file_location("pathological", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    start = time.perf_counter()
    try:
        f = compile(module.f)
        first = f(*calls[0])
    except CompileError as err:
        print(json.dumps({"status": "CompileError", "seconds": time.perf_counter() - start, "message": str(err),
                          "line": err.loc.line if err.loc else None,
                          "file": err.loc.file if err.loc else None}))
        sys.exit(0)
    seconds = time.perf_counter() - start
    got = [first] + [f(*args) for args in calls[1:]]
    want = [module.f(*args) for args in calls]
    print(json.dumps({"status": "ok", "seconds": seconds, "got": repr(got), "want": repr(want),
                      "same": got == want and [type(g) for g in got] == [type(w) for w in want]}))
""")


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=LONG if c.id in LONG_CASES else ()) for c in CASES])
def test_pathological_function(case, tmp_path):
    path = tmp_path / f"{case.id}.py"
    path.write_text(case.source)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (ROOT, os.environ.get("PYTHONPATH")) if p))
    try:
        proc = subprocess.run([sys.executable, "-X", "faulthandler", "-c", CHILD, str(path), repr_calls(case.calls)],
                              check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=HANG_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{case.id}: compiling and calling did not finish within {HANG_TIMEOUT} s")
    assert proc.returncode == 0, f"{case.id}: exit status {proc.returncode}\n{proc.stderr[-3000:]}"
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"{case.id}: {report['status']} after {report['seconds']:.2f} s "
          f"({len(case.source.splitlines())} source lines)")
    if report["status"] == "CompileError":
        assert case.may_refuse, f"{case.id} must compile, but: {report['message']}"
        assert report["file"] == str(path) and report["line"] is not None, report
        assert f"{path.name}:{report['line']}:" in report["message"], report["message"]
        return
    assert report["same"], f"{case.id}: compiled {report['got']}, CPython {report['want']}"


def repr_calls(calls):
    return json.dumps([list(args) for args in calls])
