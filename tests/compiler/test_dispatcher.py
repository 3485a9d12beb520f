"""The dispatcher under concurrency, and its specialisation cache."""
from concurrent.futures import ThreadPoolExecutor

from compiler import compile


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
