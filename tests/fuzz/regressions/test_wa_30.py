"""Shrunk from generated program wa-30 (``python -m tests.fuzz.generator wa-30``)."""
import numpy as np

from ..runner import assert_agrees


def f0(p0, a1, p2, p3):
    a1[0] = -1 // int(a1[0])
    return 7


# f0(-4.130510050668546, np.array([647, 647, 643, 471], dtype=np.uint64), 1e+300, True) at -O0: got 0 (int), arrays after: [[647, 647, 18446744073709551615, 2]], CPython gives OverflowError: Python integer -1 out of bounds for uint64, arrays after: [[647, 647, 643, 2]]
def test_wa_30():
    assert_agrees(f0, (-4.130510050668546, np.array([647, 647, 643, 471], dtype=np.uint64), 1e+300, True), **{'opt': 0})
