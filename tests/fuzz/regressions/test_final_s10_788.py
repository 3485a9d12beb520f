"""Shrunk from generated program final-s10-788 (``python -m tests.fuzz.generator final-s10-788``)."""
import math

import numpy as np

from ..runner import assert_agrees


def f0(p0, p1):
    if 0:
        pass
    elif int(p1 % 1000.0):
        pass
    c10 = 0
    while 3:
        if p0:
            break
        if c10:
            pass
        else:
            l31 = [np for k32 in range(10) if 0]
            print(l31)
    return 12345


# f0(-4.198614219346936, math.inf) at -O0: got VerificationError: 'while' op: operand 31 (unnamed:
# list<?>) does not dominate this use; CPython gives ValueError: cannot convert float NaN to integer
def test_final_s10_788():
    assert_agrees(f0, (-4.198614219346936, math.inf), **{'opt': 0})
