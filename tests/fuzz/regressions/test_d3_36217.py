"""Shrunk from generated program d3-36217 (``python -m tests.fuzz.generator d3-36217``)."""

from ..runner import assert_agrees


def f0():
    x1 = -0.001 - 1.0
    c2 = 0
    while c2 < 2:
        c2 += 1
        for k3 in range(3, 8):
            c4 = 0
            while c4 < min(k3, 4):
                c4 += 1
                if k3 // c2 == k3:
                    break
                x1 = x1 ** 2
    return (x1, True, c2)


# f0() at -O3: got (3.816044908452432e+227, True, 0) (tuple), CPython gives (3.816044908453086e+227, True, 0) (tuple)
def test_d3_36217():
    assert_agrees(f0, (), **{'opt': 3})
