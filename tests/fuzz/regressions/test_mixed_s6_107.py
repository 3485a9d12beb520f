"""Shrunk from generated program mixed-s6-107 (``python -m tests.fuzz.generator mixed-s6-107``)."""
import numpy as np

from ..runner import assert_agrees


import numpy as np


def f2(p0, p1, p2):
    x26 = 0.0
    if p2:
        pass
    elif p0:
        pass
    else:
        try:
            raise ValueError
        except Exception as e60:
            while min(p1, 4):
                x26 -= x26 / np.random.randint(5, 6)
    for k75 in range(p1):
        o76 = x26
        c77 = 0
        try:
            pass
        finally:
            print(f'{k75 != 1 != 7:d} {p0 != 3.0 or (1 < c77 or o76 > x26)!r}')
    return p1


# f2(-1, 3, -563) at -O0: got (3, -10.0) (tuple), printed 'integer division or modulo by zero?\n1 np.True_\nTrue!\nTrue!\ntick True False 0.002\nTrue!\n-395.0\n32|-395.00\n0 np.True_\n', CPython gives (3, -10.0) (tuple), printed 'integer division or modulo by zero?\n1 True\nTrue!\nTrue!\ntick True False 0.002\nTrue!\n-395.0\n32|-395.00\n0 True\n'
def test_mixed_s6_107():
    assert_agrees(f2, (-1, 3, -563), **{'opt': 0})
