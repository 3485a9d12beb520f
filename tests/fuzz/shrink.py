"""Shrinking a failing generated program, and writing it as a regression test.

    python -m tests.fuzz.shrink 3-34                # the program of seed 3-34, its first failure
    python -m tests.fuzz.shrink 3-34 --dtypes all   # ... with the inputs of ``runner --dtypes all``

A failure is one call: a function of the program, its arguments and the
compiled variant (``-O0``, ``-O3``, ``-O3 boundscheck=False``, ``-O3 parallel=True``, and the
entry points' ``-O3 cfunc``, ``-O3 vectorize``, ``-O3 guvectorize``...: ``runner.compiled``).  Its *symptom*
says how the compiled outcome differs from CPython's: a wrong value, a
different exception, or a crash of the process.  The shrinker edits the
module's syntax tree -- drops functions and statements, replaces an ``if`` or
a loop by its body, drops ``else`` clauses, replaces an expression by one of
its operands or by a small constant -- and keeps an edit when the program
still shows the same symptom, until no edit helps.  CPython runs each
candidate with a budget of traced lines, so an edit that makes a loop
endless is rejected rather than hanging the shrinker.  A crash is checked in
a child process.

The result is written to ``tests/fuzz/regressions/test_<seed>.py``: the
shrunk functions and a test that runs the failing call compiled under the
variant and under CPython and asserts that both agree.
"""
from __future__ import annotations

import argparse
import ast
import copy
import itertools
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import runner
from .generator import generate

REGRESSIONS = Path(__file__).resolve().parent / "regressions"
#: lines CPython may run for one candidate before the candidate is rejected as endless
LINE_BUDGET = 200_000
#: simple constants an expression is tried as
SMALL_CONSTANTS = (0, 1, 0.0, True)


@dataclass
class Failure:
    """One failing call of a generated program."""

    source: str
    function: str
    args: tuple
    variant: str     # a key of runner.variants()
    crash: bool = False
    approx: tuple = ()   # positions of float reductions in the result (runner.same_result)


class _OverBudget(Exception):
    pass


def _run_limited(fn, args):
    """CPython's outcome for ``fn(*args)``, or ``None`` past ``LINE_BUDGET`` lines."""
    count = itertools.count()

    def local(frame, event, arg):
        if event == "line" and next(count) > LINE_BUDGET:
            raise _OverBudget
        return local

    sys.settrace(lambda frame, event, arg: local)
    try:
        result = runner.outcome(fn, args)
    finally:
        sys.settrace(None)
    if result[0] == "raised" and isinstance(result[1], _OverBudget):
        return None
    return result


_module_ids = itertools.count()


def _load(source: str, directory: str):
    try:
        return runner.load_module(source, directory, f"shrink_{os.getpid()}_{next(_module_ids)}")
    except Exception:  # noqa: BLE001 -- a candidate that does not even import is rejected
        return None


def symptom(failure: Failure, directory: str) -> tuple | None:
    """How the compiled call differs from CPython's, or ``None`` if it does not
    (or if CPython itself cannot run the candidate within the budget)."""
    from compiler import compile

    module = _load(failure.source, directory)
    py = getattr(module, failure.function, None)
    if py is None:
        return None
    options = runner.variants_by_name()[failure.variant]
    reference = runner.reference_source(failure.source, options)
    made = compile(py, **options) if "entry" not in options else runner.compiled(py, options, failure.args)
    if made is None:
        return None
    want = _run_limited(runner.reference(py if reference == failure.source else
                                         getattr(_load(reference, directory), failure.function), options, made),
                        failure.args)
    if want is None or want[0] == "value" and not _generated_kind(want[1]) \
            or want[0] == "raised" and type(want[1]).__name__ == "NumpyScalarWarning":
        return None
    got = runner.outcome(made, failure.args)
    if runner.agree(got, want, failure.approx, options.get("parallel", False) or options.get("target") == "parallel"):
        return None
    if got[0] == "raised" and (want[0] != "raised" or type(got[1]) is not type(want[1])):
        return ("raised", type(got[1]).__name__, _message_shape(got[1]), _kind(want))
    if got[3] != want[3]:
        return ("differs", "printed", _kind(want))
    if got[0] == want[0] == "value" and got[4] != want[4]:
        return ("differs", "objects", tuple(got[4]), tuple(want[4]))
    if got[0] == want[0] == "value":
        return ("differs", "value", "value", _difference(got[1], want[1]))
    return ("differs", got[0], _kind(want))


def _difference(got, want):
    """The types at each position of two results and which positions disagree, so
    that shrinking keeps a wrong float a wrong float instead of drifting to another
    difference (a bool where CPython has an int)."""
    if isinstance(got, tuple) and isinstance(want, tuple) and len(got) == len(want):
        return tuple(_difference(g, w) for g, w in zip(got, want))
    return (type(got).__name__, type(want).__name__, runner.same(got, want))


def _kind(result: tuple) -> str:
    """``value`` or the name of the exception CPython raised."""
    return "value" if result[0] == "value" else type(result[1]).__name__


def _generated_kind(value) -> bool:
    """A result generated programs can have (an edit can make one return ``max``)."""
    if isinstance(value, tuple):
        return all(_generated_kind(v) for v in value)
    return type(value) in (bool, int, float) or isinstance(value, (np.ndarray, np.generic))


def _message_shape(err: BaseException) -> str:
    """The first line of an error message without its location, names and numbers,
    so that shrinking keeps the same error rather than drifting to another one."""
    text = str(err).splitlines()[0] if str(err) else ""
    text = re.sub(r"^\S+:\d+:\d+: ", "", text)
    return re.sub(r"'[^']*'|\d+", "", text)


def crash_symptom(failure: Failure, directory: str) -> tuple | None:
    """``("crash",)`` when the call kills a child process, else ``None``."""
    path = os.path.join(directory, f"probe_{next(_module_ids)}.json")
    with open(path, "w") as f:
        json.dump({"source": failure.source, "function": failure.function, "variant": failure.variant,
                   "args": [runner.literal(a) for a in failure.args]}, f)
    root = str(Path(__file__).resolve().parents[2])
    try:
        proc = subprocess.run([sys.executable, "-m", "tests.fuzz.shrink", "--probe", path], cwd=root,
                              capture_output=True, timeout=120,
                              env=dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", "")))
    except subprocess.TimeoutExpired:
        return None
    return ("crash",) if proc.returncode not in (0, 1) else None


def _probe(path: str) -> int:
    """Child side of :func:`crash_symptom`: run the candidate; exit 0 whatever its outcome
    (a crash of compiled code kills the process instead)."""
    with open(path) as f:
        spec = json.load(f)
    args = tuple(eval(a, {"np": np, "math": math}) for a in spec["args"])  # noqa: S307 -- our own literals
    with tempfile.TemporaryDirectory(prefix="probe") as directory:
        symptom(Failure(spec["source"], spec["function"], args, spec["variant"]), directory)
    return 0


# ---------------------------------------------------------------- edits
def _statement_lists(tree: ast.AST):
    """Every (node, field) holding a list of statements, outermost first."""
    for node in ast.walk(tree):
        for name in ("body", "orelse", "finalbody"):
            stmts = getattr(node, name, None)
            if isinstance(stmts, list) and stmts and isinstance(stmts[0], ast.stmt):
                yield node, name


def _edits(tree: ast.Module, target: str):
    """Candidate trees, each one edit smaller than ``tree`` (largest edits first)."""
    for i, node in enumerate(tree.body):
        if isinstance(node, ast.FunctionDef) and node.name != target:
            yield _edit(tree, lambda t, i=i: t.body.pop(i))
    lists = list(_statement_lists(tree))
    for index, (owner, name) in enumerate(lists):
        stmts = getattr(owner, name)
        for j in reversed(range(len(stmts))):
            stmt = stmts[j]
            if isinstance(stmt, ast.FunctionDef):
                continue
            yield _edit_list(tree, index, name, lambda s, j=j: s[:j] + s[j + 1:])
            if isinstance(stmt, (ast.If, ast.While, ast.For, ast.Try)):
                yield _edit_list(tree, index, name, lambda s, j=j: s[:j] + s[j].body + s[j + 1:])
            if isinstance(stmt, ast.Try):
                for h in range(len(stmt.handlers)):   # drop a handler (one must stay, or the finally)
                    if len(stmt.handlers) > 1 or stmt.finalbody:
                        yield _edit_list(tree, index, name, lambda s, j=j, h=h: s[:j] + [_without_handler(s[j], h)]
                                         + s[j + 1:])
                if stmt.finalbody and stmt.handlers:
                    yield _edit_list(tree, index, name, lambda s, j=j: s[:j] + [_without_finally(s[j])] + s[j + 1:])
                if stmt.orelse:
                    yield _edit_list(tree, index, name, lambda s, j=j: s[:j] + s[j].orelse + s[j + 1:])
                    yield _edit_list(tree, index, name, lambda s, j=j: s[:j] + [_without_else(s[j])] + s[j + 1:])
    expressions = [n for n in ast.walk(tree) if isinstance(n, ast.expr) and _replaceable(n)]
    for k in range(len(expressions)):
        for replacement in _simpler(expressions[k]):
            yield _edit_expr(tree, k, replacement)


def _replaceable(node: ast.expr) -> bool:
    return not isinstance(node, (ast.Name, ast.Constant)) and not isinstance(getattr(node, "ctx", None), ast.Store)


def _simpler(node: ast.expr):
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.expr):
            yield child
    for value in SMALL_CONSTANTS:
        yield ast.Constant(value)


def _returns_at_end(tree: ast.Module) -> bool:
    """Every function still ends in ``return`` as generated ones do (a function
    falling off its end returns ``None``, a type conflict of its own)."""
    return all(isinstance(f.body[-1], ast.Return) for f in tree.body if isinstance(f, ast.FunctionDef))


def _without_else(stmt: ast.stmt) -> ast.stmt:
    stmt.orelse = []
    return stmt


def _without_handler(stmt: ast.Try, index: int) -> ast.Try:
    stmt.handlers = stmt.handlers[:index] + stmt.handlers[index + 1:]
    if not stmt.handlers:
        stmt.orelse = []   # an else clause needs a handler
    return stmt


def _without_finally(stmt: ast.Try) -> ast.Try:
    stmt.finalbody = []
    return stmt


def _edit(tree: ast.Module, change) -> ast.Module:
    new = copy.deepcopy(tree)
    change(new)
    return new


def _edit_list(tree: ast.Module, index: int, name: str, change) -> ast.Module:
    new = copy.deepcopy(tree)
    owner, _ = list(_statement_lists(new))[index]
    stmts = change(getattr(owner, name))
    if not stmts and not (isinstance(owner, (ast.If, ast.For, ast.While, ast.Try)) and name in ("orelse", "finalbody")):
        stmts = [ast.Pass()]
    setattr(owner, name, stmts)
    return new


def _edit_expr(tree: ast.Module, index: int, replacement: ast.expr) -> ast.Module:
    new = copy.deepcopy(tree)
    target = [n for n in ast.walk(new) if isinstance(n, ast.expr) and _replaceable(n)][index]
    replacement = copy.deepcopy(replacement)
    for parent in ast.walk(new):
        for field, value in ast.iter_fields(parent):
            if value is target:
                setattr(parent, field, replacement)
                return new
            if isinstance(value, list) and any(v is target for v in value):
                setattr(parent, field, [replacement if v is target else v for v in value])
                return new
    return new


def shrink(failure: Failure, time_limit: float = 300.0, log=None) -> Failure:
    """The smallest program found that fails like ``failure`` (within ``time_limit`` seconds)."""
    deadline = time.monotonic() + time_limit
    with tempfile.TemporaryDirectory(prefix="shrink") as directory:
        check = crash_symptom if failure.crash else symptom
        wanted = check(failure, directory)
        if wanted is None:
            raise ValueError("the failure does not reproduce")
        tree = ast.parse(failure.source)
        improved = True
        while improved and time.monotonic() < deadline:
            improved = False
            for candidate in _edits(tree, failure.function):
                if time.monotonic() > deadline:
                    break
                source = ast.unparse(ast.fix_missing_locations(candidate))
                if len(source) >= len(ast.unparse(tree)) or not _returns_at_end(candidate):
                    continue
                trial = Failure(source, failure.function, failure.args, failure.variant, failure.crash,
                                failure.approx)
                if check(trial, directory) == wanted:
                    tree, improved = candidate, True
                    if log:
                        log(f"shrunk to {len(source.splitlines())} lines")
                    break
    source = "\n\n\n".join(ast.unparse(node) for node in tree.body) + "\n"
    return Failure(source, failure.function, failure.args, failure.variant, failure.crash, failure.approx)


# ---------------------------------------------------------------- regression tests
def regression_test(failure: Failure, seed, note: str) -> str:
    """The text of a test module asserting that ``failure``'s call agrees with CPython."""
    args = ", ".join(runner.literal(a) for a in failure.args)
    options = runner.variants_by_name()[failure.variant]
    name = "test_" + "".join(c if c.isalnum() else "_" for c in str(seed))
    note = re.sub(r"\S+\.py:(\d+):(\d+): ", r"line \1: ", note)  # the generated file was temporary
    comment = "".join(f"# {line}\n" for line in note.splitlines())
    used = failure.source + args
    imports = "\n\n".join(f"import {line}" for module, line in (("math.", "math"), ("np.", "numpy as np"))
                            if module in used)
    imports += "\n\nfrom compiler import prange" if "prange(" in failure.source else ""
    imports += "\n" if imports else ""
    return (f'"""Shrunk from generated program {seed} (``python -m tests.fuzz.generator {seed}``)."""\n'
            f"{imports}\nfrom ..runner import assert_agrees\n\n\n"
            f"{failure.source.strip()}\n\n\n"
            f"{comment}"
            f"def {name}():\n"
            f"    assert_agrees({failure.function}, ({args}{',' if len(failure.args) == 1 else ''}), "
            + (f"approx={failure.approx!r}, " if failure.approx else "") + f"**{options!r})\n")


def write_regression(failure: Failure, seed, note: str) -> Path:
    REGRESSIONS.mkdir(exist_ok=True)
    (REGRESSIONS / "__init__.py").touch()
    path = REGRESSIONS / f"test_{str(seed).replace('-', '_')}.py"
    path.write_text(regression_test(failure, seed, note))
    return path


def first_failure(seed, dtypes: str = "64") -> tuple[Failure, str] | None:
    """The first failing call of program ``seed`` and its description, found in a child process."""
    root = str(Path(__file__).resolve().parents[2])
    proc = subprocess.run([sys.executable, "-m", "tests.fuzz.shrink", "--find", str(seed), "--dtypes", dtypes],
                          cwd=root, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", "")))
    program = generate(seed)
    approx = {f.name: f.approx for f in program.functions}
    lines = proc.stdout.splitlines()
    if proc.returncode == 0 and lines:
        found = json.loads(lines[-1])
        if found is None:
            return None
        args = tuple(eval(a, {"np": np, "math": math}) for a in found["args"])  # noqa: S307 -- our own literals
        return (Failure(program.source, found["function"], args, found["variant"], approx=approx[found["function"]]),
                found["note"])
    begun = [json.loads(line) for line in lines if line.startswith("{")]
    if not begun:
        return None
    last = begun[-1]   # the call that was running when the child died
    args = tuple(eval(a, {"np": np, "math": math}) for a in last["args"])  # noqa: S307 -- our own literals
    return (Failure(program.source, last["function"], args, last["variant"], crash=True),
            f"{last['function']}({', '.join(last['args'])}) at {last['variant']} crashes the process")


def _find(seed, dtypes: str) -> None:
    """Child side of :func:`first_failure`: a JSON line before each call, then the failure."""
    from compiler import compile, set_num_threads

    set_num_threads(runner.PARALLEL_THREADS)
    program = generate(seed)
    with tempfile.TemporaryDirectory(prefix="find") as directory:
        module = runner.load_module(program.source, directory, f"find_{os.getpid()}")
        reference = runner.load_module(runner.reference_source(program.source, {"error_model": program.error_model}),
                                       directory, f"find_{os.getpid()}_reference")
        for fn, args in runner.calls(program, seed, dtypes):
            py = getattr(module, fn.name)
            want = runner.outcome(getattr(reference, fn.name), args)
            for variant, options in runner.variants(program).items():
                print(json.dumps({"function": fn.name, "variant": variant,
                                  "args": [runner.literal(a) for a in args]}), flush=True)
                got = runner.outcome(compile(py, **options), args)
                if not runner.agree(got, want, fn.approx, options.get("parallel", False)):
                    note = (f"{fn.name}{runner.fmt_args(args)} at {variant}: got {runner.describe(got)}, "
                            f"CPython gives {runner.describe(want)}")
                    print(json.dumps({"function": fn.name, "variant": variant, "note": note,
                                      "args": [runner.literal(a) for a in args]}))
                    return
        for fn, variant, args in runner.entry_calls(program, seed, dtypes):   # cfunc, vectorize, guvectorize
            options = runner.variants_by_name()[variant]
            print(json.dumps({"function": fn.name, "variant": variant,
                              "args": [runner.literal(a) for a in args]}), flush=True)
            made = runner.compiled(getattr(module, fn.name), options, args)
            if made is None:
                continue
            want = runner.outcome(runner.reference(getattr(reference, fn.name), options, made), args)
            if want[0] == "raised" and type(want[1]).__name__ == "NumpyScalarWarning":
                continue
            got = runner.outcome(made, args)
            if not runner.agree(got, want, fn.approx, options.get("target") == "parallel"):
                note = (f"{fn.name}{runner.fmt_args(args)} at {variant}: got {runner.describe(got)}, "
                        f"CPython gives {runner.describe(want)}")
                print(json.dumps({"function": fn.name, "variant": variant, "note": note,
                                  "args": [runner.literal(a) for a in args]}))
                return
    print(json.dumps(None))


def shrink_seed(seed, time_limit: float = 300.0, log=print, dtypes: str = "64") -> Path | None:
    """Shrink the first failure of program ``seed`` (inputs of ``dtypes``) and write its regression test."""
    found = first_failure(seed, dtypes)
    if found is None:
        log(f"program {seed}: no failure to shrink")
        return None
    failure, note = found
    small = shrink(failure, time_limit, log=None)
    path = write_regression(small, seed, note)
    log(f"program {seed}: shrunk from {len(failure.source.splitlines())} to "
        f"{len(small.source.splitlines())} lines: {path}")
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seed", nargs="?")
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument("--dtypes", choices=sorted(runner.DTYPES), default="64",
                        help="the inputs' dtypes, as the runner's --dtypes")
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    parser.add_argument("--find", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        return _probe(args.probe)
    if args.find:
        _find(args.find, args.dtypes)
        return 0
    if args.seed is None:
        parser.error("give the seed of a generated program (e.g. 3-34)")
    return 0 if shrink_seed(args.seed, args.time_limit, dtypes=args.dtypes) else 1


if __name__ == "__main__":
    sys.exit(main())
