"""Shrunk from generated program wd-330 (``python -m tests.fuzz.generator wd-330``)."""
import numpy as np

from ..runner import assert_agrees


def f1(p0, a1):
    for k15 in range(2, 6):
        c16 = 0
        a1[0] = c16 - 7 + k15
        return 7
    return 1000


# f1(True, np.array([106, 204], dtype=np.uint8)) at -O0: got 1000 (int), arrays after: [[1, 1]], CPython gives OverflowError: Python integer 999999 out of bounds for uint8, arrays after: [[106, 204]]
def test_wd_330():
    assert_agrees(f1, (True, np.array([106, 204], dtype=np.uint8)), **{'opt': 0})
