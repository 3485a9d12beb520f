"""Shrunk from generated program s10a-1864 (``python -m tests.fuzz.generator s10a-1864``)."""
import numpy as np

from ..runner import assert_agrees


def f0(a0):
    i3 = 5 - int(a0[5])
    return (1.0, i3)


def f1(a0):
    c4 = 0
    x27, i28 = f0(a0)
    a0[0] = i28
    b39 = c4 / c4
    return c4


# f1(np.array([280, 289, 501, 81, 352, 148], dtype=np.uint16)) at -O0: got ZeroDivisionError: division by zero (find_4375.py:79), arrays after: [[280, 289, 501, 81, 16821, 148]], CPython gives OverflowError: Python integer 999861 out of bounds for uint16, arrays after: [[280, 289, 501, 81, 352, 148]]
def test_s10a_1864():
    assert_agrees(f1, (np.array([280, 289, 501, 81, 352, 148], dtype=np.uint16),), **{'opt': 0})
