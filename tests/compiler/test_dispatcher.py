"""The dispatcher under concurrency, and its specialisation cache; the collector while compiling."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from compiler import compile
from ir import UnsupportedError


def poly(x, n):
    acc = 0
    for i in range(n):
        acc = acc * x + i
    return acc


def collatz(n):
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


def test_threads_compiling_the_same_signature_compile_it_once():
    fast = compile(poly)
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda k: fast(2, k), range(64)))
    assert results == [poly(2, k) for k in range(64)]
    assert len(fast.signatures) == 1


def test_threads_compiling_different_functions_and_signatures():
    functions = [compile(poly) for _ in range(4)] + [compile(collatz) for _ in range(4)]

    def work(k):
        f = functions[k % len(functions)]
        if f.py_func is poly:
            arg = 1.5 if k % 2 else 3
            return f(arg, k % 7 + 1), poly(arg, k % 7 + 1)
        return f(k + 1), collatz(k + 1)

    with ThreadPoolExecutor(16) as pool:
        for got, expected in pool.map(work, range(128)):
            assert got == expected and type(got) is type(expected)


def test_one_specialisation_per_argument_types():
    fast = compile(poly)
    assert fast(2, 3) == poly(2, 3)
    assert fast(2.5, 3) == poly(2.5, 3)
    assert fast(True, 3) == poly(True, 3)
    assert [str(s) for s in fast.signatures] == ["i64(i64, i64)", "f64(f64, i64)", "i64(bool, i64)"]


def _plus_one(x):
    return x + 1


def _unsupported(x):
    return {x: eval("1")}


def test_the_collector_is_paused_only_while_compiling(monkeypatch):
    """Python's garbage collector does not run during a compile, runs again after it (also
    after a failed compile), and stays off in a process that turned it off."""
    import gc

    import compiler.pipeline as pipeline

    seen = []
    build = pipeline.build_module
    monkeypatch.setattr(pipeline, "build_module", lambda *a, **k: (seen.append(gc.isenabled()), build(*a, **k))[1])
    assert gc.isenabled()
    assert compile(_plus_one)(1) == 2
    assert seen == [False] and gc.isenabled()
    with pytest.raises(UnsupportedError):
        compile(_unsupported)(1)
    assert gc.isenabled()
    gc.disable()
    try:
        assert compile(_plus_one)(1.5) == 2.5
        assert not gc.isenabled()
    finally:
        gc.enable()


def _view_or_argument(a, flag):
    b = a[1:]
    return (a, b) if flag else (b, a)


def test_a_specialisation_keeps_no_ir_but_what_calls_and_inspection_need(monkeypatch):
    """A dispatcher's specialisation lets its IR go once made (``forget_ir``): calls still
    return the argument itself where the IR proved it, and the optimized IR is traced again:
    the one that was lowered, reference counting included (pickling: tests/workers)."""
    import numpy as np

    from compiler.pipeline import CompiledFunction

    f = compile(_view_or_argument)
    a = np.arange(5.0)
    first, second = f(a, True)
    assert first is a and second.base is a and list(second) == [1.0, 2.0, 3.0, 4.0]
    compiled = next(iter(f._compiled.values()))
    assert compiled.module is None and compiled.entry is None
    assert compiled.function_name == "_view_or_argument" and compiled.source_file == __file__
    assert f.inspect_ir(stage="lowered") == compiled.llvm_ir

    monkeypatch.setattr(CompiledFunction, "forget_ir", lambda self: None)
    kept = compile(_view_or_argument)
    kept(a, True)
    module = next(iter(kept._compiled.values())).module
    assert f.inspect_ir(stage="optimized") == str(module) and "array.incref" in str(module)
