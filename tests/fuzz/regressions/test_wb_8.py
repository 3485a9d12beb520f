"""Shrunk from generated program wb-8 (``python -m tests.fuzz.generator wb-8``)."""
import numpy as np

from ..runner import assert_agrees


def f0(p0, a1, p2):
    a1[p0] = max(p0, 10, 12345)
    return 100.0


# f0(-3, np.array([222, 255, 6, 83, 67, 82], dtype=np.uint8), True) at -O0: got 100.0 (float), arrays after: [[222, 255, 6, 57, 67, 82]], CPython gives OverflowError: Python integer 12345 out of bounds for uint8, arrays after: [[222, 255, 6, 83, 67, 82]]
def test_wb_8():
    assert_agrees(f0, (-3, np.array([222, 255, 6, 83, 67, 82], dtype=np.uint8), True), **{'opt': 0})
