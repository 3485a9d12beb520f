"""Shrunk from generated program wa-101 (``python -m tests.fuzz.generator wa-101``)."""
import numpy as np

from ..runner import assert_agrees


def f1(a0, p1, p2):
    for k22 in range(0, p1):
        for k23 in range(p1, -1, -1):
            a0[(p1 + k23 >> 3) % len(a0)] = int(a0[k22 % len(a0)]) % 1000003 * (int(a0[k23 % len(a0)]) % 1000003) % 1000003
            p2 /= k23 / (int(a0[p1 % len(a0)]) % 1000003)
    return p2


# f1(np.array([274, 389, 343, 137], dtype=np.uint16), 2147483648, 2.5) at -O0: got ZeroDivisionError: float division by zero (find_6691.py:124), arrays after: [[9540, 389, 343, 137]], CPython gives OverflowError: Python integer 75076 out of bounds for uint16, arrays after: [[274, 389, 343, 137]]
def test_wa_101():
    assert_agrees(f1, (np.array([274, 389, 343, 137], dtype=np.uint16), 2147483648, 2.5), **{'opt': 0})
