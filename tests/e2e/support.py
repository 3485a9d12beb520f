"""Helpers shared by the end-to-end tests: running, comparing, finding lines."""
import inspect
import math
import re
import traceback

import numpy as np

from compiler import compile

I64MAX, I64MIN = 2**63 - 1, -2**63
OPT_LEVELS = (0, 3)
#: exceptions whose compiled message must be CPython's plus `` (file.py:LINE)``
LOCATED = (ZeroDivisionError, ValueError, OverflowError, UnboundLocalError, AssertionError)
CARET_LINE = re.compile(r"^\s*\^\s*$", re.MULTILINE)


class CompiledCache:
    """``compile(f, opt=o)``, made once per function and level."""

    def __init__(self):
        self._compiled = {}

    def __call__(self, func, opt):
        key = (func, opt)
        if key not in self._compiled:
            self._compiled[key] = compile(func, opt=opt)
        return self._compiled[key]


def outcome(fn, args):
    """('value', result) or ('raised', exception) of ``fn(*args)``."""
    try:
        return "value", fn(*args)
    except Exception as err:  # noqa: BLE001 -- any exception is part of the outcome
        return "raised", err


def same_float(got, want):
    """Equal floats, both NaN, or zeros of the same sign."""
    if math.isnan(want):
        return math.isnan(got)
    return got == want and math.copysign(1.0, got) == math.copysign(1.0, want)


def assert_same_value(got, want, where="result"):
    """Equal values of the same Python type, recursively through tuples."""
    assert type(got) is type(want), \
        f"{where}: got {got!r} ({type(got).__name__}), CPython gives {want!r} ({type(want).__name__})"
    if isinstance(want, tuple):
        assert len(got) == len(want), f"{where}: got {got!r}, CPython gives {want!r}"
        for i, (g, w) in enumerate(zip(got, want)):
            assert_same_value(g, w, f"{where}[{i}]")
    elif isinstance(want, float):
        assert same_float(got, want), f"{where}: got {got!r}, CPython gives {want!r}"
    elif isinstance(want, complex):
        assert same_float(got.real, want.real) and same_float(got.imag, want.imag), \
            f"{where}: got {got!r}, CPython gives {want!r}"
    else:
        assert got == want, f"{where}: got {got!r}, CPython gives {want!r}"


def raising_line(err, module):
    """The line of ``module`` where CPython raised ``err`` (its innermost frame there)."""
    lines = [frame.lineno for frame in traceback.extract_tb(err.__traceback__)
             if frame.filename == module.__file__]
    return lines[-1]


def assert_located(err, message, module, line):
    """``err`` has the message ``message`` and was raised from ``module``'s ``line``: the
    last frame of its traceback (the one compiled code raises from) is there."""
    assert str(err) == str(message), f"message {str(err)!r}, expected {str(message)!r}"
    frame = traceback.extract_tb(err.__traceback__)[-1]
    assert (frame.filename, frame.lineno) == (module.__file__, line), \
        f"raised at {frame.filename}:{frame.lineno}, expected {module.__file__}:{line}"


def assert_same_exception(got, want, module):
    """Same exception type (a compile-time ``TypingError`` is a ``TypeError``); for
    :data:`LOCATED` ones CPython's message, raised from the line CPython raised at."""
    assert isinstance(got, type(want)), \
        f"got {type(got).__name__}: {got}, CPython raises {type(want).__name__}: {want}"
    if isinstance(want, LOCATED):
        assert_located(got, want, module, raising_line(want, module))


def assert_in_int64(value):
    """Guard on the test data: CPython's results must fit the compiled ints."""
    if isinstance(value, tuple):
        for v in value:
            assert_in_int64(v)
    elif isinstance(value, int):
        assert I64MIN <= value <= I64MAX, f"bad test input: CPython's result {value} exceeds int64"


def assert_matches_cpython(func, compiled_func, args, module):
    """``compiled_func(*args)`` returns or raises what ``func(*args)`` does under CPython."""
    want_kind, want = outcome(func, args)
    got_kind, got = outcome(compiled_func, args)
    if want_kind == "value":
        assert_in_int64(want)
        if got_kind == "raised":
            raise AssertionError(f"CPython returns {want!r}, compiled raises "
                                 f"{type(got).__name__}: {got}") from got
        assert_same_value(got, want)
    else:
        assert got_kind == "raised", f"CPython raises {type(want).__name__}: {want}, compiled returns {got!r}"
        assert_same_exception(got, want, module)


def line_of(func, marker):
    """The file line number of the first line of ``func``'s source containing ``marker``."""
    lines, first = inspect.getsourcelines(func)
    return first + next(i for i, line in enumerate(lines) if marker in line)


def plain(value):
    """NumPy scalars as the Python numbers compiled code returns for them."""
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    return value.item() if isinstance(value, np.generic) else value
