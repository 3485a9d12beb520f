"""Shrunk from generated program d3-29593 (``python -m tests.fuzz.generator d3-29593``)."""
import math

import numpy as np

from ..runner import assert_agrees


def f0(a0, p1, p2, p3):
    c1 = 0
    a0[c1] += p3
    return p2


def f1(p0, p1, a2, p3):
    c28 = 0
    c32 = 0
    while c32 < p0 and f0(a2, 0.1, p3, p3):
        c32 += 1
    x36 = p0 // c28
    return 0.0


# f1(1, -0.0, np.array([32.569632273088644, -0.0, 0.0, 24.317525386472198, math.inf], dtype=np.float64), 394717.4711341637) at -O0: got ZeroDivisionError: float floor division by zero (find_12286.py:28), arrays after: [[32.569632273088644, 789434.9422683273, 0.0, 24.317525386472198, inf]], CPython gives ZeroDivisionError: float floor division by zero, arrays after: [[32.569632273088644, 394717.4711341637, 0.0, 24.317525386472198, inf]]
def test_d3_29593():
    assert_agrees(f1, (1, -0.0, np.array([32.569632273088644, -0.0, 0.0, 24.317525386472198, math.inf], dtype=np.float64), 394717.4711341637), **{'opt': 0})
