"""Text of traced values for print() and exception messages: f-strings, str(), repr(), ascii(),
format(), % and str.format, made by CPython when the compiled code runs (byte for byte)."""
import traceback

import numpy as np
import pytest

from compiler import compile
from ir import UnsupportedError
from tests.e2e.text_kernels import check_value


def report(a, n, x):
    print(f"step {n}: {x:.3f} {a[0]!r} {a[0]} {n:>5d} {x:e} {n:,} {x=} {a[0]:+.2g}")
    print("%d items, %.2f, %s" % (n, x, a[0]), str(n) + "!", repr(x), ascii(x), format(x, ".1%"), str(a[1]))
    print("{} and {:.2f} {k}".format(n, a[0], k=x), "-".join([str(n), f"{x:08.3f}"]), f"{x:{n}.{n}}")
    print(f"{a[:2]}", (f"{n}", n), sep="|")


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int8, np.uint64, np.bool_])
@pytest.mark.parametrize("n, x", [(7, 3.14159), (3, -0.0), (1234567, float("nan")), (0, 1e300)])
def test_printed_text_is_cpythons(capsys, dtype, n, x):
    a = np.array([0.1, 2.5, 3], dtype=dtype)
    report(a, n, x)
    want = capsys.readouterr().out
    compile(report)(a, n, x)
    assert capsys.readouterr().out == want


@pytest.mark.parametrize("x, n", [(0.5, 1), (2.5, 1), (-3.0, 2), (-1.5, 3)])
def test_exception_messages_made_at_run_time(x, n):
    """CPython's message, as other run-time errors of compiled code."""
    try:
        want = check_value(x, n)
    except (ValueError, AssertionError) as err:
        with pytest.raises(type(err)) as got:
            compile(check_value)(x, n)
        assert str(got.value) == str(err)
    else:
        assert compile(check_value)(x, n) == want


class NegativeError(Exception):
    def __init__(self, what, value):
        super().__init__(what, value)
        self.value = value


def checked(n):
    if n < 0:
        raise NegativeError("negative", n)
    return n


def test_the_users_exception_classes_are_raised_as_they_are():
    """With their arguments, from a frame of the line that raises them."""
    with pytest.raises(NegativeError) as got:
        compile(checked)(-3)
    assert got.value.args == ("negative", -3) and got.value.value == -3
    frame = traceback.extract_tb(got.value.__traceback__)[-1]
    assert (frame.name, frame.line) == ("checked", 'raise NegativeError("negative", n)')


def spec_wrong_for_the_type(x):
    print("before")
    text = f"{x:d}"
    print("after", text)


def spec_wrong_for_a_constant(x):
    print("before", x)
    print(f"{-0.0:x}")


@pytest.mark.parametrize("kernel", [spec_wrong_for_the_type, spec_wrong_for_a_constant])
def test_a_format_spec_wrong_for_the_type_raises_where_the_text_is_made(capsys, kernel):
    """At run time, after what came before it (the fuzzer's text1-11: a constant's)."""
    with pytest.raises(ValueError, match="Unknown format code '.' for object of type 'float'"):
        kernel(1.5)
    want = capsys.readouterr().out
    with pytest.raises(ValueError, match="Unknown format code '.' for object of type 'float'"):
        compile(kernel)(1.5)
    assert capsys.readouterr().out == want


def length(n):
    return len(f"{n}")


def compared(n):
    return str(n) == "3"


def method(x):
    return repr(x).upper()


def returned(x):
    return f"{x}"


def passed(x):
    show(f"{x}")


def show(text):
    print(text)


def carried(n):
    s = ""
    for i in range(n):
        s = s + f"{i},"
    print(s)


def split(x):
    return len(repr(x).split())


def hashed(n):
    return hash(str(n))


@pytest.mark.parametrize("kernel", [length, compared, method, returned, passed, carried, split])
def test_run_time_text_used_as_a_value_is_a_run_time_string(capsys, kernel):
    """len, ==, methods, returning it, passing it on, carrying it round a loop: a run-time
    string CPython made (``frontend.strings``)."""
    want = kernel(3)
    printed = capsys.readouterr().out
    assert compile(kernel)(3) == want
    assert capsys.readouterr().out == printed


@pytest.mark.parametrize("kernel, message", [
    (hashed, "hashing it is not supported"),
])
def test_other_uses_of_run_time_text_are_refused(kernel, message):
    with pytest.raises(UnsupportedError, match=message):
        compile(kernel)(3)
