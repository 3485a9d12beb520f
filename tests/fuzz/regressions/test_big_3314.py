"""Shrunk from generated program big-3314 (``python -m tests.fuzz.generator big-3314``)."""


from ..runner import assert_agrees


def f0(p0, p1):
    c2 = 0
    b26 = p0
    if p1 % 1000.0 < c2 != 2:
        b26 = (1000 // c2 if b26 else c2 % c2) > p1
    return p1


# f0(False, -1.0) at -O0: got TypingError: line 127: unsupported operand type for <: Python Undefined
#     b26 = (((1000 // c2) if b26 else (c2 % c2)) > (float(c2) - p1))
#            ^, CPython gives -32.59113799786263 (float)
def test_big_3314():
    assert_agrees(f0, (False, -1.0), **{'opt': 0})
