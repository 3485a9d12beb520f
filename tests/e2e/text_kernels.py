"""Kernels with ``assert`` for tests/e2e/test_text.py (pytest rewrites asserts in test files)."""


def check_value(x, n):
    if x > n:
        raise ValueError(f"bad value {x:.2f} for n={n}")
    assert x > -n, f"x={x!r} below {-n}"
    assert x != -1.5, x
    return x
