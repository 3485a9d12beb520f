"""Strings as run-time values (``frontend.strings``): str arguments and results, operations
made by CPython's own functions, text of run-time numbers used as a string, reference counts,
and what is refused."""
import gc
import sys
import traceback

import pytest

from compiler import compile
from frontend import pycall
from ir import TypingError, UnsupportedError
from tests.e2e import string_kernels as K
from tests.long import LONG


def outcome(fn, args):
    try:
        return "ok", fn(*args)
    except Exception as err:   # noqa: BLE001 -- compared with CPython's
        return "raised", type(err), str(err)


CASES = [
    (K.ident, ("abc",)), (K.ident, ("",)), (K.ident, ("héllo wörld ✓",)),
    (K.concat, ("ab", "cd")), (K.repeat, ("ab", 3)), (K.repeat, ("ab", -1)), (K.length, ("héllo",)),
    (K.length, ("",)), (K.comparisons, ("abc", "abd")), (K.comparisons, ("b", "b")), (K.comparisons, ("", "a")),
    (K.with_constant, ("fast",)), (K.with_constant, ("x",)), (K.with_constant, ("slow",)),
    (K.substring, ("abcab", "ca")), (K.substring, ("cd", "z")), (K.index, ("hello", 1)), (K.index, ("hello", -5)),
    (K.slices, ("abcdefgh", 1, 6, 2)), (K.slices, ("abcdefgh", -3, 100, -1)), (K.slices, ("", 0, 1, 3)),
    (K.methods, ("  abca ",)), (K.methods, ("123",)), (K.joined, ("x", "y", 7)), (K.text_as_value, (1.5, 42)),
    (K.text_as_value, (-0.25, -7)), (K.iterate, ("education",)), (K.iterate, ("",)), (K.enumerated, ("axbxx",)),
    (K.truth, ("",)), (K.truth, ("a",)), (K.merged, (1,)), (K.merged, (0,)), (K.merged, (-4,)),
    (K.ternary, (11,)), (K.ternary, (1,)), (K.built, (5,)), (K.built, (0,)), (K.calls_a_helper, ("ab", 2)),
    (K.calls_a_labeller, (3,)), (K.raises, ("abcd",)), (K.raises, ("bad",)), (K.raises, ("ok",)),
    (K.out_of_range, ("abc", 5)), (K.out_of_range, ("abc", -4)), (K.not_found, ("abc",)),
    (K.ordered_with_a_number, ("a", 1)), (K.maybe, ("xy",)), (K.maybe, ("ab",)), (K.via_py_call, ("hi",)),
    (K.a_tuple_of_strings, ("s", 2)), (K.make_and_raise, ("a", 1)), (K.make_and_raise, ("a", 0)),
    (K.percent, ("v%d", 3)), (K.percent, ("v", 3)), (K.formatted, ("ab", 3)), (K.loop_count, ("ab", 12)),
    (K.mode_picker, (3, "double")), (K.mode_picker, (3, "inc")), (K.numbers, ("12", "2.5", 3)),
    (K.numbers, ("-7", "1e3", 0)), (K.bad_number, ("x1",)), (K.bad_number, ("",)),
    (K.day_name, (1, "wed")), (K.day_name, (-1, "wed")), (K.day_name, (3, "wed")),
    (K.split, ("a b  c",)), (K.split, ("",)), (K.words_counted, ("a b a c b a",)), (K.fields, ("k=v, w x",)),
    (K.fields, ("novalue",)),
]


@pytest.mark.parametrize("opt", [0, 3])
@pytest.mark.parametrize("kernel, args", CASES, ids=[f"{k.__name__}-{i}" for i, (k, _) in enumerate(CASES)])
def test_as_cpython(kernel, args, opt):
    """Values and exceptions (type and message) as CPython's; the second and third calls take
    the native path."""
    want = outcome(kernel, args)
    compiled = compile(kernel, opt=opt)
    for _ in range(3):
        assert outcome(compiled, args) == want


def test_printed_as_cpython(capsys):
    K.printed("zz", 3)
    want = capsys.readouterr().out
    compiled = compile(K.printed)
    for _ in range(3):
        compiled("zz", 3)
        assert capsys.readouterr().out == want


def test_exceptions_are_raised_from_the_line():
    with pytest.raises(ValueError, match="^abcd$") as got:
        compile(K.raises)("abcd")
    assert traceback.extract_tb(got.value.__traceback__)[-1].line == "raise ValueError(s)"
    for _ in range(3):   # both call paths
        with pytest.raises(IndexError, match="^string index out of range$") as got:
            compile(K.out_of_range)("abc", 7)
        frame = traceback.extract_tb(got.value.__traceback__)[-1]
        assert (frame.name, frame.line) == ("out_of_range", "return s[i]")
    with pytest.raises(ValueError, match="^substring not found$") as got:
        compile(K.not_found)("abc")
    assert traceback.extract_tb(got.value.__traceback__)[-1].line == 'return s.index("z")'


def test_signatures_name_str():
    f = compile("str(str, i64)")(K.helper)
    assert [str(s) for s in f.signatures] == ["str(str, i64)"]
    assert f("ab", 2) == "abab."
    g = compile(K.ident)
    g("x")
    assert [str(s) for s in g.signatures] == ["str(str)"]


def test_a_str_subclass_is_refused():
    class Name(str):
        pass

    f = compile(K.ident)
    f("warm")
    f("up")   # the native path exists: a subclass falls back to the Python path, which refuses it
    with pytest.raises(TypeError, match="unsupported type Name \\(a subclass of str: pass str\\(x\\)\\)"):
        f(Name("x"))


def test_a_static_string_picks_code_while_compiling():
    f = compile(K.mode_picker, static=("mode",))
    assert f(3, "double") == 6 and f(3, "inc") == 4
    ir = f.inspect_ir(stage="ir")
    assert "py.call" not in ir and "str" not in ir


def test_a_plain_string_argument_is_compared_at_run_time():
    f = compile(K.mode_picker)
    assert (f(3, "double"), f(3, "inc"), f(3, "double")) == (6, 4, 6)
    assert len(f.signatures) == 1
    assert "py.call" in f.inspect_ir(stage="ir")


def test_nogil_refuses_strings():
    with pytest.raises(UnsupportedError, match="nogil=True\\) cannot compile run-time strings"):
        compile(K.concat, nogil=True)("a", "b")
    with pytest.raises(UnsupportedError, match="nogil=True\\) cannot compile run-time strings"):
        compile(K.text_as_value, nogil=True)(1.5, 2)
    assert compile(K.mode_picker, nogil=True, static=("mode",))(3, "double") == 6


def _references(values):
    gc.collect()
    return [sys.getrefcount(v) for v in values]


REFERENCE_CASES = [
    (K.ident, ("abc1",)), (K.concat, ("ab1", "cd1")), (K.slices, ("abcdefgh1", 1, 6, 2)),
    (K.methods, ("  abca1 ",)), (K.text_as_value, (1.5, 42)), (K.iterate, ("education1",)),
    (K.merged, (1,)), (K.ternary, (11,)), (K.built, (5,)), (K.calls_a_helper, ("ab1", 2)),
    (K.raises, ("abcd1",)), (K.raises, ("bad",)), (K.out_of_range, ("abc1", 5)), (K.maybe, ("xy1",)),
    (K.maybe, ("ab1",)), (K.a_tuple_of_strings, ("s1", 2)), (K.make_and_raise, ("a1", 1)),
    (K.make_and_raise, ("a1", 0)), (K.via_py_call, ("hi1",)),
]
#: the cases only ``-m long`` runs: a string built and raised (raises-11: as make_and_raise-16) and one
#: built and returned (make_and_raise-17: as concat-1 and built-8)
REFERENCE_LONG = {11, 17}


@pytest.mark.parametrize("kernel, args", [pytest.param(k, args, id=f"{k.__name__}-{i}",
                                                       marks=LONG if i in REFERENCE_LONG else ())
                                          for i, (k, args) in enumerate(REFERENCE_CASES)])
def test_reference_counts_stay_flat(kernel, args):
    """Arguments and the constants compiled code returns keep their reference counts over many
    calls (both call paths, results dropped, exceptions too); a returned new string is held by
    its caller alone."""
    f = compile(kernel)

    def call():
        try:
            f(*args)
        except Exception:   # noqa: BLE001
            pass

    for _ in range(5):
        call()
    constants = list(pycall._strings.values())
    before = _references([*args, *constants])
    for _ in range(2000):
        call()
    grown = [after - was for after, was in zip(_references([*args, *constants]), before)]
    assert all(0 <= g < 20 for g in grown), grown   # never one a call (a cache of CPython's may keep one)


def test_a_returned_string_is_owned_by_the_caller():
    f = compile(K.concat)
    for _ in range(3):
        result = f("ab", "cd")
        count = sys.getrefcount(result)
        assert result == "ab-cd!" and count == 2
    g = compile(K.a_tuple_of_strings)
    for _ in range(3):
        item = g("s", 2)[0][2][0]
        count = sys.getrefcount(item)
        assert item == "ss" and count == 2


@pytest.mark.parametrize("kernel, message, line", [
    (K.encode, "str.encode\\(\\) of a run-time string is not supported", "return s.encode()"),
    (K.hashed, "hash\\(\\)", "return hash(s)"),
])
def test_other_uses_are_refused(kernel, message, line):
    with pytest.raises((UnsupportedError, TypingError), match=message) as got:
        compile(kernel)("a b")
    assert line in str(got.value)


def test_type_errors_at_compile_time():
    with pytest.raises(TypingError, match="can only concatenate str"):
        compile(K.add_number)("a")
    with pytest.raises(TypingError, match="string indices must be integers"):
        compile(K.index_by_float)("a")
