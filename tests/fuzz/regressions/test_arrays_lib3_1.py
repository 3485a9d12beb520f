"""Shrunk from generated program arrays-lib3-1 (``python -m tests.fuzz.generator arrays-lib3-1``)."""
import math

import numpy as np

from ..runner import assert_agrees


import numpy as np


def f1(p0, a1, a2, a3):
    a2[:] = np.bincount(a2.ravel()).max()
    return 0


# f1(7, np.array([1.0, math.nan, -73.49940490722656], dtype=np.float32), np.array([413, 425, 730, 386, 585, 906, 503, 370, 942, 729, 54, 618], dtype=np.uint64).reshape((4, 3)), np.array([201, 157, 173, 74], dtype=np.uint8)) at -O0: got TypingError: line 16: Cannot cast array data from dtype('uint64') to dtype('int64') according to the rule 'safe'
#     a2[:, p0:0:(p0 % 3 + 1)] = np.where(np.abs((a3[:, None] / np.bincount(np.abs(a2.ravel()) % 7).max())) < 100.0, np.abs((a3[:, None] / np.bincount(np.abs(a2.ravel()) % , arrays after: [[1.0, nan, -73.49940490722656], [[413, 425, 730], [386, 585, 906], [503, 370, 942], [729, 54, 618]], [201, 157, 173, 74]], CPython gives np.uint64(163210112965085796) (uint64), arrays after: [[-74.0, nan, 1.0], [[413, 425, 730], [386, 585, 906], [503, 370, 942], [729, 54, 618]], [201, 157, 173, 74]], printed 'a = [  1.              nan -73.499405]\na = [  1.              nan -73.499405]\na = [  1.              nan -73.499405]\n'
def test_arrays_lib3_1():
    assert_agrees(f1, (7, np.array([1.0, math.nan, -73.49940490722656], dtype=np.float32), np.array([413, 425, 730, 386, 585, 906, 503, 370, 942, 729, 54, 618], dtype=np.uint64).reshape((4, 3)), np.array([201, 157, 173, 74], dtype=np.uint8)), **{'opt': 0})
