"""Shrunk from generated program big-132 (``python -m tests.fuzz.generator big-132``)."""
import math

import numpy as np

from ..runner import assert_agrees


def f0():
    x1 = 0.5
    x1 -= x1 / 0
    return 12345


def f1(a0, p1, p2, p3):
    if not p1:
        pass
    else:
        i25, i26, b27 = f0()
        i13 *= i13
    return i13


# f1(np.array([math.nan, math.nan, -24.67760498714388, math.inf, math.inf, math.inf], dtype=np.float64), True, True, math.inf) at -O0: got CompileError: line 116: local variable 'i13' is read before any assignment to it can have run (CPython would raise UnboundLocalError here); assign it before this line
#     return ((abs((i13 - i13))) % 1000003)
#                   ^, arrays after: [[nan, nan, -24.67760498714388, inf, inf, inf]], CPython gives ZeroDivisionError: float division by zero, arrays after: [[nan, nan, -24.67760498714388, inf, inf, inf]]
def test_big_132():
    assert_agrees(f1, (np.array([math.nan, math.nan, -24.67760498714388, math.inf, math.inf, math.inf], dtype=np.float64), True, True, math.inf), **{'opt': 0})
