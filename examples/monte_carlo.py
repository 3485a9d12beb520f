"""Random numbers and print in compiled code: they run at every call, as in CPython.

    python examples/monte_carlo.py

The compiled function draws from NumPy's own global generator, so after the
same ``np.random.seed`` it draws exactly the numbers CPython draws, and its
``print`` writes what CPython writes, when it runs.
"""
import time

import numpy as np

from compiler import compile


def estimate_pi(n, report_every):
    inside = 0
    for i in range(1, n + 1):
        x = np.random.random()
        y = np.random.random()
        if x * x + y * y < 1.0:
            inside += 1
        if i % report_every == 0:
            print("after", i, "points:", 4.0 * inside / i)
    return 4.0 * inside / n


def main():
    fast = compile(estimate_pi)
    for label, fn in (("compiled", fast), ("CPython ", estimate_pi)):
        np.random.seed(2026)
        start = time.perf_counter()
        result = fn(1_000_000, 250_000)
        print(f"{label}: pi ~ {result} in {time.perf_counter() - start:.3f} s")
    np.random.seed(2026)
    print("a second compiled call draws new numbers:", fast(1000, 1000), fast(1000, 1000))


if __name__ == "__main__":
    main()
