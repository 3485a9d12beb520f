"""Shrunk from generated program 3-34 (``python -m tests.fuzz.generator 3-34``)."""


from ..runner import assert_agrees

def f1():
    return 3

def f2():
    for k12 in range(2, 1, 1):
        if True:
            continue
        return 0.5
    return x30

def f3():
    c31 = 0
    c31 += 1
    x32 = 2
    c33 = 0
    if f1() < x32:
        pass
    else:
        return c33
    x41 = 3.0
    while c31:
        if c31:
            x41 /= x41
        else:
            break
    else:
        x41 = f2()
    return x41

# f3() at -O0: got TypingError: line 183: variable 'x41' has incompatible types where control flow paths meet: none and f64 (from line 153); give it one type on every path
#     x41 = f2()
#     ^, CPython gives -3.0 (float)
def test_3_34():
    assert_agrees(f3, (), **{'opt': 0})
