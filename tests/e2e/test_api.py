"""The user-facing API: ``@compile``, signatures, dispatch, ``inspect_ir``."""
import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from compiler import Dispatcher, SignatureError, compile
from ir import TypingError


# ------------------------------------------------------------------ functions under test
@compile
def add(x, y):
    """Add two numbers."""
    return x + y


@compile(opt=1)
def mul_opt1(x, y):
    return x * y


@compile()
def sub_no_args(x, y):
    return x - y


@compile("f64(f64, i64)")
def scale(x, n):
    return x * n


@compile(["i64(i64)", "f64(f64)"])
def double(x):
    return 2 * x


@compile("f64(i64)")
def half_as_float(n):
    return n // 2


def poly(x, n):
    acc = 0.0
    for k in range(n):
        acc = acc * x + k
    return acc


@compile
def affine(x, a=2.0, b=1.0):
    return a * x + b


def three_args(x, y, z):
    return x + y * z


@compile
def helper(x):
    return x * x + 1


@compile
def calls_compiled_helper(x):
    return helper(x) + helper(x + 1)


def identity_plus(x):
    return x * 2 + 1


def concat_str(x):
    return "value: " + x


# ------------------------------------------------------------------ the decorator
def test_decorator_without_arguments():
    assert isinstance(add, Dispatcher)
    assert add(2, 3) == 5
    assert add(0.5, 0.25) == 0.75
    assert "add" in repr(add)


def test_decorator_with_arguments():
    assert mul_opt1.options.opt == 1
    assert mul_opt1(6, 7) == 42
    assert sub_no_args(10, 4) == 6


def test_compile_called_on_a_function():
    f = compile(three_args, opt=0)
    assert f(1, 2, 3) == 7
    assert f.options.opt == 0


@pytest.mark.parametrize("opt", [-1, 4, "3"])
def test_bad_opt_level(opt):
    with pytest.raises(ValueError, match="opt"):
        compile(three_args, opt=opt)


@pytest.mark.parametrize("target", [abs, int, 42])
def test_compile_needs_a_python_function(target):
    with pytest.raises(TypeError, match="needs a Python function"):
        compile()(target)


def test_py_func_and_metadata():
    assert add.py_func(2, 3) == 5
    assert add.py_func.__name__ == "add"
    assert add.__name__ == "add"
    assert add.__doc__ == "Add two numbers."
    assert not isinstance(add.py_func, Dispatcher)


# ------------------------------------------------------------------ signatures
def test_explicit_signature_is_compiled_eagerly():
    assert [str(s) for s in scale.signatures] == ["f64(f64, i64)"]
    assert scale(1.5, 4) == 6.0
    assert [str(s) for s in scale.signatures] == ["f64(f64, i64)"]


def test_list_of_signatures():
    assert [str(s) for s in double.signatures] == ["i64(i64)", "f64(f64)"]
    assert double(21) == 42 and type(double(21)) is int
    assert double(1.25) == 2.5
    assert len(double.signatures) == 2


def test_signature_result_type_converts_the_result():
    assert half_as_float(7) == 3.0
    assert type(half_as_float(7)) is float


def test_eager_signature_reports_errors_at_decoration():
    with pytest.raises(TypingError):
        compile("f64(f64)")(concat_str)


@pytest.mark.parametrize("text", ["(f64, i64)", "f64, i64", "float64(float64, int64)", "f64(float, int)"])
def test_signature_spellings(text):
    f = compile(text)(poly)
    assert [str(s.args[i]) for s in f.signatures for i in range(2)] == ["f64", "i64"]
    assert f(2.0, 3) == 4.0


def test_unknown_type_in_signature():
    with pytest.raises(SignatureError, match="unknown type 'f65'"):
        compile("f65(f64)")(helper.py_func)


def test_signature_with_wrong_argument_count():
    with pytest.raises(TypingError, match="2 arguments"):
        compile("f64(f64, f64)")(helper.py_func)


def test_one_specialisation_per_argument_types():
    f = compile(identity_plus)
    assert f.signatures == []
    assert f(1) == 3
    assert f(2) == 5
    assert [str(s) for s in f.signatures] == ["i64(i64)"]
    assert f(1.5) == 4.0
    assert [str(s) for s in f.signatures] == ["i64(i64)", "f64(f64)"]
    assert f(True) == 3
    assert len(f.signatures) == 3


# ------------------------------------------------------------------ calling
@pytest.mark.parametrize("args, kwargs", [
    ((3.0,), {}), ((3.0, 4.0), {}), ((3.0,), {"b": 0.0}), ((), {"x": 1.0, "a": 3.0, "b": -1.0}),
    ((2.0,), {"a": 0.5}), ((1.5, -1.0, 2.0), {}),
])
def test_keyword_arguments_and_defaults(args, kwargs):
    assert affine(*args, **kwargs) == affine.py_func(*args, **kwargs)


@pytest.mark.parametrize("args, kwargs", [
    ((), {}), ((1,), {}), ((1, 2, 3, 4), {}), ((1, 2), {"w": 3}), ((1, 2, 3), {"x": 1}),
    ((), {"x": 1, "y": 2}),
])
def test_wrong_arguments_raise_cpythons_type_error(args, kwargs):
    with pytest.raises(TypeError) as expected:
        three_args(*args, **kwargs)
    with pytest.raises(TypeError) as got:
        compile(three_args)(*args, **kwargs)
    assert str(got.value) == str(expected.value)


@pytest.mark.parametrize("value, type_name", [
    (b"text", "bytes"), ([1, "2"], "list"), (object(), "object"), ({"a": 1, 2: 3}, "dict"),
    ((1, [2, "3"]), "tuple"),   # tuples and lists of one item type are taken, not a list of mixed items
])
def test_unsupported_argument_types(value, type_name):
    with pytest.raises(TypeError) as info:
        add(1, value)
    message = str(info.value)
    assert "'y'" in message and type_name in message
    assert "accept bool, int (64-bit), float, complex" in message


@pytest.mark.parametrize("value", [2**63, -2**63 - 1, 10**30])
def test_int_too_big_for_int64(value):
    with pytest.raises(OverflowError, match="64 bits"):
        add(value, 1)


@pytest.mark.parametrize("value", [2**63 - 1, -2**63])
def test_int64_limits_are_accepted(value):
    assert helper(0) == 1
    assert compile(three_args)(value, 0, 5) == value


@pytest.mark.parametrize("value, type_name", [
    (np.float32(1.5), "f32"), (np.int8(5), "i8"), (np.int64(7), "i64"), (np.float64(2.25), "f64"),
    (np.int32(-3), "i32"), (np.uint16(9), "u16"), (np.bool_(True), "bool"), (np.complex128(1 + 2j), "c128"),
])
def test_numpy_scalar_arguments(value, type_name):
    f = compile(identity_plus)
    result = f(value)
    assert result == identity_plus(value)
    assert [str(s.args[0]) for s in f.signatures] == [type_name]


def test_complex_and_bool_arguments():
    assert add(1 + 2j, 3 - 1j) == 4 + 1j
    assert add(True, True) == 2 and type(add(True, True)) is int


def test_calling_a_compiled_helper():
    assert calls_compiled_helper(3) == helper.py_func(3) + helper.py_func(4)
    assert calls_compiled_helper(0.5) == calls_compiled_helper.py_func(0.5)


# ------------------------------------------------------------------ inspect_ir
#: an x86-64 or AArch64 instruction at the start of an assembly line
ASM_MNEMONIC = re.compile(r"^\s+(v?mov\w*|lea|add|sub|imul|ret|push|pop|xor|cmp|j[a-z]+|v?mul[sp]d"
                          r"|ldr|str|stp|ldp|mul|b\.?\w*)\b", re.MULTILINE)

STAGE_CHECKS = {
    "source": lambda text: "def poly(x, n):" in text and "acc = acc * x + k" in text,
    "converted": lambda text: "def poly(" in text and "ag__" in text,
    "ir": lambda text: "func @poly" in text and re.search(r"\bfor\b", text) is not None,
    "optimized": lambda text: "func @poly" in text,
    "lowered": lambda text: "define" in text and "poly" in text,
    "llvm": lambda text: "define" in text and "poly" in text,
    "asm": lambda text: "poly" in text and ASM_MNEMONIC.search(text) is not None,
}


@pytest.mark.parametrize("stage", list(STAGE_CHECKS))
def test_inspect_ir_stages(stage):
    f = compile(poly)
    assert f(2.0, 3) == 4.0
    text = f.inspect_ir(stage=stage)
    assert STAGE_CHECKS[stage](text), text[:2000]


def test_inspect_ir_with_a_signature_compiles_it():
    f = compile(poly)
    text = f.inspect_ir("f64(f64, i64)", stage="ir")
    assert "func @poly" in text and "f64" in text
    assert [str(s) for s in f.signatures] == ["f64(f64, i64)"]


def test_inspect_shortcuts():
    f = compile(poly)
    f(1.0, 2)
    assert f.inspect_llvm() == f.inspect_ir(stage="llvm")
    assert f.inspect_asm() == f.inspect_ir(stage="asm")
    assert f.inspect_ir() == f.inspect_ir(stage="ir")


def test_inspect_ir_before_compiling():
    with pytest.raises(ValueError, match="not been compiled"):
        compile(poly).inspect_ir(stage="ir")


def test_inspect_ir_unknown_stage():
    f = compile(poly)
    f(1.0, 2)
    with pytest.raises(ValueError, match="unknown stage"):
        f.inspect_ir(stage="bitcode")


# ------------------------------------------------------------------ NumPy scalar semantics, threads
def scale_args(x, n):
    return x * n


def float32_ops(x, y):
    return x + y, x * y, x / y


def test_float32_arithmetic_is_done_in_float32():
    x, y = np.float32(1.1), np.float32(3.3)
    got = compile(float32_ops)(x, y)
    assert got == tuple(float(v) for v in float32_ops(x, y))
    assert tuple(float(v) for v in got) != float32_ops(float(x), float(y))


@pytest.mark.parametrize("args", [(np.float32(1.5), 4), (np.float32(1.5), np.float32(4.0)), (2.5, np.float32(4.0)),
                                  (np.float32(-0.5), np.int8(3))])
def test_float32_argument_followed_by_others(args):
    assert compile(scale_args)(*args) == float(scale_args(*args))


def test_int8_arithmetic_wraps_like_numpy():
    with np.errstate(over="ignore"):
        expected = identity_plus(np.int8(100))
    assert compile(identity_plus)(np.int8(100)) == int(expected) == -55


def test_threads_compiling_one_new_signature():
    f = compile(poly)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda k: f(1.5, k % 5), range(64)))
    assert results == [poly(1.5, k % 5) for k in range(64)]
    assert [str(s) for s in f.signatures] == ["f64(f64, i64)"]
