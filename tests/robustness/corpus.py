"""The corpus of bad inputs: every case, what it must give, and how that is checked.

A bad input must end in a Python exception that says where and what to do --
never a crash, a hang, a wrong answer or an error from the compiler's own
insides (``KeyError``, ``AttributeError``, ``RecursionError``, ...).  Where:

* a compile-time error is a ``CompileError`` whose message names
  ``bad_code.py:LINE:COL`` -- the line ``bad_code.py`` marks with ``# <-`` --
  and shows that line with a caret under it;
* a run-time error is CPython's exception type, raised from ``bad_code.py:LINE``
  (the last frame of its traceback);
* a bad argument is refused at the call with a ``TypeError`` naming the
  function, the parameter and what is accepted, before anything is compiled.

Some cases say what they must give relative to CPython: ``AS_CPYTHON`` (the
value CPython returns, or CPython's exception and message, raised from the line) or
``CPYTHON_OR_COMPILE_ERROR`` (that, or a located ``CompileError``; used where
compiling the construct is optional but a wrong answer is not).

Every case is an object with ``id`` and ``check()``; ``test_bad_inputs.py`` runs
each as a test and also runs the whole list in a child process, so that a
crash is reported instead of killing pytest.  ``check`` restores whatever it
changes (module globals, files), so cases can run in any order.
"""
from __future__ import annotations

import builtins
import contextlib
import decimal
import fractions
import functools
import importlib.util
import itertools
import linecache
import math
import os
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from compiler import compile
from frontend.tracer import tracing
from ir.diagnostics import CompileError, TypingError, UnsupportedError
from tests.arrays.support import assert_same
from tests.e2e.support import CARET_LINE

from . import bad_code as B

MARK = "# <-"
FILE = "bad_code.py"
AS_CPYTHON = "as CPython"
CPYTHON_OR_COMPILE_ERROR = "as CPython, or a located CompileError"


# ============================================================== helpers
def marked_line(func: Callable) -> int:
    """The line of ``func``'s definition marked ``# <-``."""
    code = func.__code__
    lines = linecache.getlines(code.co_filename)
    for number in range(code.co_firstlineno, len(lines) + 1):
        text = lines[number - 1]
        if number > code.co_firstlineno and text[:1] not in (" ", "\t", "\n", "#"):
            break
        if MARK in text:
            return number
    raise LookupError(f"{func.__name__} has no line marked {MARK}")


def outcome(fn: Callable, args: tuple, kwargs: dict | None = None) -> tuple[str, Any]:
    """('value', result) or ('raised', exception): any exception, SystemExit included."""
    try:
        return "value", fn(*args, **(kwargs or {}))
    except BaseException as err:  # the exception is the outcome
        if isinstance(err, KeyboardInterrupt):
            raise
        return "raised", err


def describe(err: BaseException) -> str:
    """``Type: message``, and where it was raised (to tell compiler bugs apart)."""
    frames = traceback.extract_tb(err.__traceback__)
    where = f" [raised at {os.path.relpath(frames[-1].filename)}:{frames[-1].lineno} in {frames[-1].name}]" \
        if frames else ""
    return f"{type(err).__name__}: {err}{where}"


def assert_located_compile_error(err: CompileError, filename: str, line: int) -> None:
    """``err`` names ``filename:line:`` and shows that line with a caret."""
    message = str(err)
    assert err.loc is not None, f"no location: {describe(err)}"
    assert f"{filename}:{line}:" in message, f"expected the location {filename}:{line}, got {describe(err)}"
    assert CARET_LINE.search(message), f"no source line with a caret: {message}"


def assert_located_runtime_error(err: BaseException, filename: str, line: int) -> None:
    """``err`` was raised from ``filename:line``: the last frame of its traceback."""
    frames = traceback.extract_tb(err.__traceback__)
    where = (os.path.basename(frames[-1].filename), frames[-1].lineno) if frames else None
    assert where == (filename, line), f"expected it raised at {filename}:{line}, got {describe(err)}"


def assert_no_trace_left_running() -> None:
    assert not tracing(), "a failed compile left a trace active"


def assert_matches(got: tuple[str, Any], want: tuple[str, Any], filename: str, line: int,
                   compile_error_allowed: bool) -> None:
    """The compiled outcome ``got`` against CPython's ``want`` (see the module docstring): the same
    value, or the same exception with CPython's message, raised from ``filename:line``."""
    got_kind, got_value = got
    want_kind, want_value = want
    if got_kind == "value":
        assert want_kind == "value", \
            f"CPython raises {describe(want_value)}, the compiled function returns {got_value!r}"
        assert_same(got_value, want_value)
        return
    if isinstance(got_value, CompileError):
        assert compile_error_allowed, \
            f"CPython gives {want_value!r}; compiling fails with {describe(got_value)}"
        assert_located_compile_error(got_value, filename, line)
        return
    assert want_kind == "raised", \
        f"CPython returns {want_value!r}, the compiled function raises {describe(got_value)}"
    assert type(got_value) is type(want_value), \
        f"CPython raises {describe(want_value)}, the compiled function raises {describe(got_value)}"
    assert_located_runtime_error(got_value, filename, line)
    assert str(got_value) == str(want_value), f"CPython says {want_value}, the compiled function {got_value}"


# ============================================================== kinds of cases
@dataclass
class Bad:
    """``compile(func)(*args)`` must raise ``expect`` (a class, a tuple of classes) located at
    the ``# <-`` line of ``where`` (default ``func``) with ``phrase`` and ``advice`` in the
    message -- or give ``AS_CPYTHON`` / ``CPYTHON_OR_COMPILE_ERROR``."""

    func: Callable
    args: tuple
    expect: Any
    phrase: str | None = None
    advice: str | None = None
    where: Callable | None = None
    id: str = ""

    def __post_init__(self) -> None:
        self.id = self.id or self.func.__name__

    def check(self) -> None:
        line = marked_line(self.where or self.func)
        dispatcher = compile(self.func)
        got = outcome(dispatcher, self.args)
        assert_no_trace_left_running()
        if isinstance(self.expect, str):
            want = outcome(self.func, self.args)
            assert_matches(got, want, FILE, line, self.expect == CPYTHON_OR_COMPILE_ERROR)
        else:
            classes = self.expect if isinstance(self.expect, tuple) else (self.expect,)
            names = " or ".join(c.__name__ for c in classes)
            kind, err = got
            assert kind == "raised", f"expected {names}, the compiled function returns {err!r}"
            assert type(err) in classes, f"expected {names}, got {describe(err)}"
            if isinstance(err, CompileError):
                assert_located_compile_error(err, FILE, line)
            else:
                assert_located_runtime_error(err, FILE, line)
        if got[0] == "raised":
            for words in (self.phrase, self.advice):
                assert words is None or words in str(got[1]), f"{words!r} is not in the message: {describe(got[1])}"


@dataclass
class BadCall:
    """A call the dispatcher must refuse before compiling anything: ``expect`` with every
    phrase of ``phrases`` in the message, or exactly CPython's message (``phrases="cpython"``).
    A refusal that is a ``CompileError`` must name the function's ``def`` line.  With
    ``warm_up``, the dispatcher is first called with those (good) arguments, and the refusal
    must list the signature that compiled."""

    id: str
    func: Callable
    args: tuple
    kwargs: dict = field(default_factory=dict)
    expect: type = TypeError
    phrases: Any = ()
    warm_up: tuple | None = None

    def check(self) -> None:
        dispatcher = compile(self.func)
        if self.warm_up is not None:
            assert_same(dispatcher(*self.warm_up), self.func(*self.warm_up))
        before = [str(s) for s in dispatcher.signatures]
        kind, err = outcome(dispatcher, self.args, self.kwargs)
        assert kind == "raised", f"expected {self.expect.__name__}, the compiled function returns {err!r}"
        assert type(err) is self.expect, f"expected {self.expect.__name__}, got {describe(err)}"
        if self.phrases == "cpython":
            want_kind, want = outcome(self.func, self.args, self.kwargs)
            assert want_kind == "raised" and str(err) == str(want), \
                f"message {str(err)!r}, CPython says {want}"
        else:
            for words in self.phrases:
                assert words in str(err), f"{words!r} is not in the message: {describe(err)}"
        if isinstance(err, CompileError):
            assert_located_compile_error(err, FILE, self.func.__code__.co_firstlineno)
        if before:
            assert f"(compiled signatures: {', '.join(before)})" in str(err), describe(err)
        assert [str(s) for s in dispatcher.signatures] == before, f"a refused call compiled {dispatcher.signatures}"
        assert_no_trace_left_running()


@dataclass
class BadTarget:
    """``compile(target)`` of something that is not a Python function: a ``TypeError`` now."""

    id: str
    target: Any

    def check(self) -> None:
        kind, err = outcome(compile, (self.target,))
        assert kind == "raised" and type(err) is TypeError, f"expected TypeError, got {err!r}"
        assert "needs a Python function" in str(err), describe(err)


@dataclass
class Scenario:
    """A check that needs more than one call (its docstring says what it checks)."""

    run: Callable[[], None]
    id: str = ""

    def __post_init__(self) -> None:
        self.id = self.id or self.run.__name__

    def check(self) -> None:
        self.run()


# ============================================================== scenarios: source unavailable
def _exec_function(source: str, filename: str, name: str) -> Callable:
    namespace: dict[str, Any] = {}
    exec(builtins.compile(source, filename, "exec"), namespace)  # noqa: S102 -- code without a source file
    return namespace[name]


def _expect_no_source(func: Callable, args: tuple, filename: str, line: int, name: str) -> None:
    kind, err = outcome(compile(func), args)
    assert kind == "raised" and type(err) is CompileError, f"expected CompileError, got {err!r}"
    message = str(err)
    assert f"{filename}:{line}:" in message, describe(err)
    assert name in message and "not available" in message and ".py file" in message, describe(err)
    assert_no_trace_left_running()


def function_typed_at_the_repl():
    """A function typed at the interactive prompt (``<stdin>``) has no source to compile."""
    f = _exec_function("def typed_at_the_prompt(x):\n    return x + 1\n", "<stdin>", "typed_at_the_prompt")
    _expect_no_source(f, (1,), "<stdin>", 1, "typed_at_the_prompt")


def lambda_typed_in_a_console():
    """A lambda from ``code.InteractiveConsole`` (``<console>``) has no source either."""
    f = _exec_function("\n\ndouble = lambda x: x * 2\n", "<console>", "double")
    _expect_no_source(f, (1,), "<console>", 3, "<lambda>")


def lambda_from_eval():
    """``eval("lambda ...")``: no source."""
    _expect_no_source(eval("lambda x: x * 2"), (1.5,), "<string>", 1, "<lambda>")


def callee_without_source():
    """A compiled function calling a helper made by ``exec``: the error names the helper and
    where it came from."""
    helper = _exec_function("def generated_helper(x):\n    return x - 1\n", "<generated>", "generated_helper")
    with _rebound(B, callee=helper):
        assert B.caller(3) == 2
        kind, err = outcome(compile(B.caller), (3,))
    assert kind == "raised" and type(err) is CompileError, f"expected CompileError, got {err!r}"
    assert "generated_helper" in str(err) and "not available" in str(err) and "<generated>:1:" in str(err), \
        describe(err)
    assert_no_trace_left_running()


def source_registered_in_linecache():
    """Source that only ``linecache`` knows (as IPython registers its cells) is enough to compile."""
    filename = "<ipython-input-robustness-1>"
    source = "def from_a_cell(x, n):\n    s = 0.0\n    for i in range(n):\n        s += x * i\n    return s\n"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    try:
        f = _exec_function(source, filename, "from_a_cell")
        assert_same(compile(f)(1.5, 10), f(1.5, 10))
    finally:
        linecache.cache.pop(filename, None)


_module_ids = itertools.count()


@contextlib.contextmanager
def _temporary_module(source: str):
    """A module imported from a temporary file: (module, path)."""
    with tempfile.TemporaryDirectory() as directory:
        name = f"robustness_tmp_{os.getpid()}_{next(_module_ids)}"
        path = os.path.join(directory, name + ".py")
        with open(path, "w") as handle:
            handle.write(source)
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        try:
            yield module, path
        finally:
            linecache.checkcache(path)


def _rewrite(path: str, source: str) -> None:
    with open(path, "w") as handle:
        handle.write(source)
    linecache.checkcache(path)


ORIGINAL = "def f(x):\n    return x + 1\n"


def source_file_deleted():
    """The module's file is gone after import: a located CompileError, not a crash."""
    with _temporary_module(ORIGINAL) as (module, path):
        os.remove(path)
        linecache.checkcache(path)
        _expect_no_source(module.f, (1,), os.path.basename(path), 1, "f")


def _expect_cpython_or_compile_error(func: Callable, args: tuple, filename: str, line: int) -> None:
    got = outcome(compile(func), args)
    assert_matches(got, outcome(func, args), filename, line, compile_error_allowed=True)
    assert_no_trace_left_running()


def source_file_edited_after_import():
    """The file now holds a different body for the same function: compiling it would compute
    something CPython does not.  It must compute what the running code computes, or refuse
    with a CompileError naming the file and line."""
    with _temporary_module(ORIGINAL) as (module, path):
        _rewrite(path, "def f(x):\n    return x * 1000\n")
        _expect_cpython_or_compile_error(module.f, (2,), os.path.basename(path), 1)


def source_file_replaced_by_other_code():
    """The function's line now holds a plain assignment (the file was rewritten)."""
    with _temporary_module(ORIGINAL) as (module, path):
        _rewrite(path, "x = 1\n\n\n")
        _expect_cpython_or_compile_error(module.f, (2,), os.path.basename(path), 1)


def source_file_now_defines_another_function():
    """The function's line now starts another function, ``g``."""
    with _temporary_module(ORIGINAL) as (module, path):
        _rewrite(path, "def g(y):\n    return y * 3\n")
        _expect_cpython_or_compile_error(module.f, (2,), os.path.basename(path), 1)


def exec_under_a_real_file_name():
    """Code passed to ``exec`` under the name of a real file whose lines are something else."""
    f = _exec_function("def made_by_exec(x):\n    return x - 1\n", B.__file__, "made_by_exec")
    _expect_cpython_or_compile_error(f, (2,), FILE, 1)


# ============================================================== scenarios: redefinition
@contextlib.contextmanager
def _rebound(module: Any, **values: Any):
    """Rebind module globals for the duration, then restore them."""
    saved = {name: getattr(module, name) for name in values}
    for name, value in values.items():
        setattr(module, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(module, name, value)


def callee_rebound_after_the_caller_compiled():
    """Globals are constants captured when a specialisation is traced: rebinding the module
    global ``callee`` leaves the caller's existing specialisation calling the old callee
    (it was compiled into the same native module), while a new specialisation of the same
    dispatcher and a new ``compile`` trace the global as it is then, as CPython would call it."""
    compiled = compile(B.caller)
    assert compiled(1) == 2
    with _rebound(B, callee=B.callee_replacement):
        assert B.caller(1) == 100
        assert compiled(1) == 2  # the i64 specialisation: the callee it was traced with
        assert_same(compiled(1.5), B.caller(1.5))  # a new specialisation: the callee of now
        assert compile(B.caller)(1) == 100  # a new compile: the callee of now
    assert compiled(1) == 2 and compiled(1.5) == 150.0  # each specialisation keeps what it traced
    assert compile(B.caller)(1) == 2


def compiled_function_rebound_at_module_level():
    """Rebinding the module global a compiled recursive function calls itself through: its
    compiled specialisations keep the recursion they were traced with; a new one (or a new
    compile of the original) calls what the global is now -- here another compiled function,
    whose Python source is traced -- exactly as ``compiled.py_func`` would under CPython."""
    original = B.recursive_countdown
    compiled = compile(original)
    assert compiled(5) == 5
    replacement = compile(B.countdown_replacement)
    with _rebound(B, recursive_countdown=replacement):
        assert compiled(5) == 5
        assert B.recursive_countdown(5) == -1
        assert_same(compiled(5.0), original(5.0))  # 0.0: one level, then the replacement
        assert compile(original)(7) == original(7) == 0
        assert replacement(5) == -1
    assert compiled(5) == 5 and compiled(5.0) == 0.0


def module_constant_changed_after_compiling():
    """A module-level number is a constant of the specialisation that read it."""
    compiled = compile(B.uses_scale)
    assert compiled(2) == 6
    with _rebound(B, SCALE=5):
        assert compiled(2) == 6
        assert_same(compiled(2.0), B.uses_scale(2.0))  # 10.0
        assert compile(B.uses_scale)(2) == 10
    assert compiled(2.0) == 10.0


def function_code_replaced_after_compiling():
    """``func.__code__ = other.__code__``: existing specialisations keep the code they compiled;
    a new specialisation compiles the new code (the conversion cache notices the new code)."""
    with _temporary_module("def f(x):\n    return x + 1\n\n\ndef g(x):\n    return x - 1\n") as (module, _):
        compiled = compile(module.f)
        assert compiled(1) == 2
        module.f.__code__ = module.g.__code__
        assert compiled(1) == 2
        assert_same(compiled(1.0), module.f(1.0))  # 0.0
        assert compile(module.f)(5) == 4


def closure_cell_changed_after_compiling():
    """A closure variable is captured by value when a specialisation is traced."""
    def make(step):
        def advance(x):
            return x + step
        def set_step(value):
            nonlocal step
            step = value
        return advance, set_step

    advance, set_step = make(2)
    compiled = compile(advance)
    assert compiled(1) == 3
    set_step(10)
    assert compiled(1) == 3
    assert_same(compiled(1.0), advance(1.0))  # 11.0


def wrapped_function():
    """A ``functools.wraps`` decorator: the function called is the wrapper (``x + 1``, doubled);
    compiling the wrapped function's source instead gives a wrong answer."""
    _expect_cpython_or_compile_error(B.wrapped_increment, (1,), FILE, B.wrapped_increment.__code__.co_firstlineno)


def wrapped_function_with_star_args():
    """The usual ``wrapper(*args, **kwargs)`` decorator: a wrapper with ``*args`` cannot be
    compiled; it must say so (or compute what CPython does), never compile ``__wrapped__``."""
    _expect_cpython_or_compile_error(B.wrapped_any_increment, (1,), FILE,
                                     B.wrapped_any_increment.__code__.co_firstlineno)


def calls_a_wrapped_function():
    """A compiled function calling a ``functools.wraps``-decorated helper."""
    _expect_cpython_or_compile_error(B.calls_wrapped, (1,), FILE, B.wrapped_increment.__code__.co_firstlineno)


def star_args_with_an_explicit_signature():
    """``@compile("i64(i64)")`` on a function with ``*args``: refused when compiling, located."""
    for func in (B.entry_star_args, B.entry_kwargs):
        kind, err = outcome(compile("i64(i64)"), (func,))
        assert kind == "raised" and type(err) is UnsupportedError, f"expected UnsupportedError, got {err!r}"
        assert_located_compile_error(err, FILE, func.__code__.co_firstlineno)


def failed_compile_leaves_the_dispatcher_usable():
    """A compile error for one signature neither poisons the dispatcher nor caches a broken
    specialisation: other signatures compile, and the bad one fails the same way again."""
    compiled = compile(B.range_of_a_float)
    first = outcome(compiled, (2.5,))[1]
    assert isinstance(first, TypingError), describe(first)
    assert compiled(4) == 6
    again = outcome(compiled, (2.5,))[1]
    assert type(again) is type(first) and str(again) == str(first)
    assert [str(s) for s in compiled.signatures] == ["i64(i64)"]
    assert_no_trace_left_running()


# ============================================================== the corpus
U, T, C = UnsupportedError, TypingError, CompileError

SYNTAX = [
    Bad(B.return_in_finally, (1,), U, "'return' in a finally clause", "move it after the try statement"),
    Bad(B.try_star, (1,), U, "try/except*", "move the try outside"),
    Bad(B.with_inside_loop, (3,), U, "the with statement", "move the with block outside"),
    Bad(B.async_for_def, (1,), U, "async def", "regular def"),
    Bad(B.yield_in_while, (3,), U, "cannot be a generator", "compile the function that iterates it"),
    Bad(B.yield_from_range, (3,), U, "yield from", "a for loop that yields each item"),
    Bad(B.yield_in_lambda, (3,), U, "yield"),
    Bad(B.class_in_branch, (1,), U, "class definition", "module level"),
    Bad(B.def_in_loop, (3,), AS_CPYTHON, id="def_in_loop_is_supported"),
    Bad(B.global_in_branch, (1,), U, "global statement", "pass the value in as an argument"),
    Bad(B.del_array_element, (np.arange(3.0),), U, "del"),
    Bad(B.del_attribute, (1.0,), U, "del"),
    Bad(B.import_from_inside, (4.0,), U, "import inside a function", "import at module level"),
    Bad(B.walrus_in_comprehension, (1,), U, "walrus", "separate statement"),
    Bad(B.bare_reraise, (1,), U, "bare raise"),
    Bad(B.raise_from, (1,), U, "raise ... from"),
    Bad(B.raise_user_class, (1,), AS_CPYTHON, id="raise_user_class_is_supported"),
    Bad(B.raise_an_int, (1,), T, "BaseException"),
    Bad(B.raise_system_exit, (1,), CPYTHON_OR_COMPILE_ERROR),
    Bad(B.assert_traced_message, (1,), AS_CPYTHON, id="assert_traced_message_is_supported"),
]

COMPREHENSIONS = [
    Bad(B.listcomp_over_runtime_range, (5,), AS_CPYTHON, id="listcomp_over_runtime_range_is_supported"),
    Bad(B.genexp_over_runtime_range, (5,), AS_CPYTHON, id="genexp_over_runtime_range_is_supported"),
    Bad(B.setcomp_over_runtime_range, (5,), AS_CPYTHON, id="setcomp_over_runtime_range_is_supported"),
    Bad(B.dictcomp_over_runtime_range, (5,), AS_CPYTHON, id="dictcomp_over_runtime_range_is_supported"),
    Bad(B.nested_comprehension_runtime_inner, (5,), U, "run-time bounds", "for loop"),
    Bad(B.comprehension_over_array, (np.arange(4.0),), AS_CPYTHON, id="comprehension_over_array_is_supported"),
    Bad(B.map_over_array, (np.arange(4.0),), (T, U), "iter"),
    Bad(B.comprehension_over_constants, (3,), AS_CPYTHON, id="comprehension_over_constants_is_supported"),
]

CALLS = [
    Bad(B.calls_star_args_helper, (1,), U, "star_args_helper()", "explicit parameters"),
    Bad(B.calls_kwargs_helper, (1,), U, "kwargs_helper()", "explicit parameters"),
    Bad(B.calls_with_unknown_keyword, (1,), T, "one_param()"),
    Bad(B.calls_with_too_many, (1,), T, "one_param()"),
    Bad(B.calls_without_keyword_only, (1,), T, "'k'"),
    Bad(B.calls_a_traced_value, (1,), T, "not callable"),
    BadCall("entry_star_args", B.entry_star_args, (1, 2), expect=U, phrases=("entry_star_args()", "*args")),
    BadCall("entry_kwargs", B.entry_kwargs, (1,), {"scale": 2}, expect=U, phrases=("entry_kwargs()", "**kwargs")),
    BadCall("entry_kwargs_none_given", B.entry_kwargs, (1,), expect=U, phrases=("entry_kwargs()", "**kwargs")),
    BadCall("posonly_passed_by_keyword", B.entry_posonly_kwonly, (), {"x": 1, "y": 2}, phrases="cpython"),
    BadCall("kwonly_passed_positionally", B.entry_posonly_kwonly, (1, 2, 3), phrases="cpython"),
    BadCall("unknown_keyword_with_defaults", B.entry_posonly_kwonly, (1, 2), {"j": 3}, phrases="cpython"),
    BadCall("missing_positional", B.entry_posonly_kwonly, (1,), {"k": 3}, phrases="cpython"),
    Scenario(star_args_with_an_explicit_signature),
]

_ARGUMENTS = {
    "set": {1, "2"}, "bytes": b"ab", "bytearray": bytearray(b"ab"), "range": range(3),   # (functions are accepted)
    "module": math, "Fraction": fractions.Fraction(1, 3), "Decimal": decimal.Decimal("1.5"),
    "float16": np.float16(1.0), "datetime64": np.datetime64("2024-01-01"), "str_": np.str_("a"),
    "generator": (i for i in ()), "ellipsis": ..., "memoryview": memoryview(b"ab"),
}
ARGUMENTS = [BadCall(f"argument_{name}", B.one_param, (value,), phrases=("one_param()", "'a'", type(value).__name__,
                                                                          "compiled functions accept"))
             for name, value in _ARGUMENTS.items()]
# the types tests/e2e/test_api.py refuses on a fresh dispatcher, here after a signature compiled
ARGUMENTS += [BadCall(f"argument_{name}_after_a_compile", B.entry_posonly_kwonly, (1, value), warm_up=(1, 2),
                      phrases=("entry_posonly_kwonly()", "'y'", type(value).__name__, "compiled functions accept"))
              for name, value in {"bytes": b"2", "list": [2, "two"], "dict": {"k": 2, 3: 4}}.items()]

STRINGS_AND_OBJECTS = [
    Bad(B.returns_fstring, (1,), AS_CPYTHON),
    Bad(B.entry_list_default, (1,), AS_CPYTHON, id="list_default_value_is_supported"),
    Bad(B.fstring_format_spec_unused, (2,), CPYTHON_OR_COMPILE_ERROR),
    Bad(B.length_of_fstring, (2,), CPYTHON_OR_COMPILE_ERROR),
    Bad(B.length_of_str, (2,), CPYTHON_OR_COMPILE_ERROR),
    Bad(B.length_of_repr, (2,), CPYTHON_OR_COMPILE_ERROR),
    Bad(B.hash_of_value, (2,), CPYTHON_OR_COMPILE_ERROR),
    Bad(B.percent_format, (2,), CPYTHON_OR_COMPILE_ERROR),
    Bad(B.str_index_runtime, (1,), AS_CPYTHON),
    Bad(B.str_index_runtime, (5,), AS_CPYTHON, id="str_index_runtime_out_of_range"),
    Bad(B.str_times_runtime, (2,), AS_CPYTHON),
    Bad(B.none_arithmetic, (1,), AS_CPYTHON),
    Bad(B.compare_with_complex, (1,), T, "'<' not supported"),
    Bad(B.range_of_a_str, (1,), T, "cannot be interpreted as an integer"),
    Bad(B.range_of_a_float, (2.5,), T, "integer"),
    Bad(B.numpy_norm_of_scalar, (2.0,), CPYTHON_OR_COMPILE_ERROR),
    Bad(B.map_abs_over_tuple, (2,), CPYTHON_OR_COMPILE_ERROR),
    Bad(B.matmul_arrays, (np.arange(3.0),), CPYTHON_OR_COMPILE_ERROR),
    Bad(B.literal_list_indexed, (1,), AS_CPYTHON, id="literal_list_indexed_is_supported"),
]

ATTRIBUTES = [
    Bad(B.assign_real_part, (1.0,), CPYTHON_OR_COMPILE_ERROR),
    Bad(B.assign_new_attribute, (1.0,), CPYTHON_OR_COMPILE_ERROR),
    Bad(B.assign_array_shape, (np.zeros((1, 3)),), CPYTHON_OR_COMPILE_ERROR),
    Bad(B.unknown_array_method, (np.arange(3.0),), (T, U), "searchsorted"),
    Bad(B.unknown_numpy_function, (np.arange(3.0),), (T, U), "nanmedian"),
    Bad(B.math_lcm, (6,), U, "math.lcm()", "write it with supported operations"),
]

ARRAYS = [
    Bad(B.broadcast_mismatch, (np.arange(3.0), np.arange(4.0)), AS_CPYTHON),
    Bad(B.boolean_subtract, (np.arange(3.0),), AS_CPYTHON),
    Bad(B.slice_step_zero, (np.arange(3.0), 0), AS_CPYTHON),
    Bad(B.assign_shape_mismatch, (np.zeros(4), np.ones(3)), AS_CPYTHON),
    Bad(B.array_truth, (np.arange(3.0),), T, "truth value"),
    Bad(B.array_unpack, (np.arange(3.0),), (T, U)),
    Bad(B.float_shape, (3,), T, "integers"),
    Bad(B.object_dtype, (3,), T, "dtype"),
    Bad(B.empty_negative_constant, (1,), AS_CPYTHON),
    Bad(B.zeros_negative_in_2d, (1,), AS_CPYTHON),
    Bad(B.full_negative_in_loop, (1,), AS_CPYTHON),
    Bad(B.arange_zero_step, (3,), AS_CPYTHON),
    Bad(B.local_array_out_of_bounds, (5,), AS_CPYTHON),
    Bad(B.local_2d_out_of_bounds, (2,), AS_CPYTHON),
]

TYPE_CONFLICTS = [
    Bad(B.array_or_float, (1,), T, "incompatible types", "give it one type"),
    Bad(B.arrays_of_two_dtypes, (1,), T, "incompatible types", "give it one type"),
    Bad(B.arrays_of_two_ndims, (1,), T, "incompatible types", "give it one type"),
    Bad(B.returns_array_or_int, (1,), T, "incompatible types", "return one type"),
    Bad(B.tuple_grows_in_loop, (3,), T, "incompatible type", "give it one type"),
    Bad(B.tuple_lengths_differ, (1,), T, "incompatible types", "give it one type"),
    Bad(B.none_or_tuple_in_loop, (3,), AS_CPYTHON),
]

UNDEFINED = [
    Bad(B.undefined_global, (1,), AS_CPYTHON),
    Bad(B.undefined_callee, (1,), AS_CPYTHON),
    Bad(B.bound_only_in_loop, (0,), AS_CPYTHON),
    Bad(B.tuple_constant_out_of_range, (1,), CPYTHON_OR_COMPILE_ERROR),
    Bad(B.tuple_runtime_out_of_range, (5,), AS_CPYTHON),
]

RECURSION = [
    # deep enough for any frame size: the limit is 2 MiB of stack (a frame of ping, with pong
    # inlined into it, is 32 bytes for two levels: 100,000 levels fit)
    Bad(B.depth, (10_000_000,), RecursionError, "maximum recursion depth exceeded", id="depth_10000000"),
    Bad(B.ping, (10_000_000,), RecursionError, "maximum recursion depth exceeded", id="mutual_depth_10000000"),
    Bad(B.traces_forever, (1,), C, "recurs", where=B.grows_forever),
    Bad(B.no_base_case_mutual, (3,), T, "base case", where=B.no_base_case_other),
]

SOURCE = [
    Scenario(function_typed_at_the_repl),
    Scenario(lambda_typed_in_a_console),
    Scenario(lambda_from_eval),
    Scenario(callee_without_source),
    Scenario(source_registered_in_linecache),
    Scenario(source_file_deleted),
    Scenario(source_file_edited_after_import),
    Scenario(source_file_replaced_by_other_code),
    Scenario(source_file_now_defines_another_function),
    Scenario(exec_under_a_real_file_name),
    BadTarget("builtin_len", len),
    BadTarget("builtin_math_sqrt", math.sqrt),
    BadTarget("numpy_ufunc", np.sqrt),
    BadTarget("partial", functools.partial(B.one_param, 1)),
    BadTarget("class", B.RobustnessError),
    BadTarget("bound_method", (1.5).conjugate),
]

REDEFINITION = [
    Scenario(callee_rebound_after_the_caller_compiled),
    Scenario(compiled_function_rebound_at_module_level),
    Scenario(module_constant_changed_after_compiling),
    Scenario(function_code_replaced_after_compiling),
    Scenario(closure_cell_changed_after_compiling),
    Scenario(wrapped_function),
    Scenario(wrapped_function_with_star_args),
    Scenario(calls_a_wrapped_function),
    Scenario(failed_compile_leaves_the_dispatcher_usable),
]

CASES = (SYNTAX + COMPREHENSIONS + CALLS + ARGUMENTS + STRINGS_AND_OBJECTS + ATTRIBUTES + ARRAYS + TYPE_CONFLICTS
         + UNDEFINED + RECURSION + SOURCE + REDEFINITION)
