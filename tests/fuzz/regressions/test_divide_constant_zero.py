"""Shrunk from generated program smoke-1 (``python -m tests.fuzz.generator smoke-1``)."""

from ..runner import assert_agrees


def f1(p0):
    p0 += 1
    x20 = 0.0
    for k21 in range(p0 % 4):
        o23 = 0.1 / x20
    return 1000


# f1(7) at -O0: got ZeroDivisionError: float division by zero, CPython gives True (bool), printed '33\n'
def test_divide_constant_zero():
    assert_agrees(f1, (7,), **{'opt': 0})
