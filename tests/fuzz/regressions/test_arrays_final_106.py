"""Shrunk from generated program arrays-final-106 (``python -m tests.fuzz.generator arrays-final-106``)."""
import math

import numpy as np

from ..runner import assert_agrees


def f0(p0, a1, a2, a3):
    v1 = a1.imag
    v1[:] += v1
    s2 = a2
    return s2


# f0(0, np.array([-0.0, 1.0, 0.0, 1.0], dtype=np.float64), np.array([23, 74, 236, 194, 173, 23, 96, 199], dtype=np.uint8).reshape((4, 2)), np.array([-0.0, -0.0, 1.0, math.inf], dtype=np.float64)) at -O0: got (np.uint8(236), array([1.]), 0.0, nan) (tuple), arrays after: [[1.0, 1.0, 0.0, 1.0], [[23, 74], [236, 194], [173, 23], [96, 199]], [-0.0, -0.0, 1.0, inf]], CPython gives ValueError: output array is read-only, arrays after: [[1.0, 1.0, 0.0, 1.0], [[23, 74], [236, 194], [173, 23], [96, 199]], [-0.0, -0.0, 1.0, inf]]
def test_arrays_final_106():
    assert_agrees(f0, (0, np.array([-0.0, 1.0, 0.0, 1.0], dtype=np.float64), np.array([23, 74, 236, 194, 173, 23, 96, 199], dtype=np.uint8).reshape((4, 2)), np.array([-0.0, -0.0, 1.0, math.inf], dtype=np.float64)), approx=(3,), **{'opt': 0})
