"""End-to-end demo: compile a Mandelbrot kernel, show its IR, time it against CPython."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from compiler import compile  # noqa: E402
from mandelbrot import mandelbrot_total  # noqa: E402

ARGS = (120, 80, 200)


def best_time(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(*ARGS)
        best = min(best, time.perf_counter() - start)
    return best, result


def main():
    fast = compile(mandelbrot_total)
    start = time.perf_counter()
    compiled_result = fast(*ARGS)
    first_call = time.perf_counter() - start

    print("== IR of mandelbrot_total(i64, i64, i64) ==")
    print(fast.inspect_ir())
    py_time, py_result = best_time(mandelbrot_total)
    jit_time, jit_result = best_time(fast)
    assert py_result == jit_result == compiled_result, (py_result, jit_result)
    print(f"result: {jit_result} (same as CPython)")
    print(f"first call (compile + run): {first_call * 1e3:.1f} ms")
    print(f"CPython: {py_time * 1e3:.2f} ms   compiled: {jit_time * 1e3:.3f} ms   "
          f"speed-up: {py_time / jit_time:.0f}x")


if __name__ == "__main__":
    main()
