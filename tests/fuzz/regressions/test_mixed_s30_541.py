"""Shrunk from generated program mixed-s30-541 (``python -m tests.fuzz.generator mixed-s30-541``)."""

from ..runner import assert_agrees


def f1(p0, l1):
    for k5 in range(0, 1):
        try:
            i6 = k5
            c7 = 0
            while c7:
                return 5
            i9 = i6
        except RuntimeError:
            pass
        else:
            try:
                pass
            finally:
                i9 *= p0
    return 0.0


# f1(-1, [-474, 378, 565, -928, -170]) at -O0: got TypingError: line 74: unsupported operand type for *: Python MaybeUnbound
#     i9 *= ((p0) % 1000003)
#     ^, arrays after: [[-474, 378, 565, -928, -170]], CPython gives False (bool), arrays after: [[-474, 378, 565, -928, -170]]
def test_mixed_s30_541():
    assert_agrees(f1, (-1, [-474, 378, 565, -928, -170]), **{'opt': 0})
