"""User function names never clash with C, CPython or runtime symbols, nor with each other.

The LLVM symbol of a compiled function is mangled (``compiler.codegen.function_symbol``),
so a user function may be called ``sin``, ``free`` or ``PyFloat_FromDouble`` while the
same LLVM module declares the C function of that name.  The functions below are
written to a real module file (the compiler reads their source through ``inspect``).
"""
from __future__ import annotations

import importlib.util
import math
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import llvmlite.binding as llvm
import numpy as np
import pytest

from compiler import compile
from compiler.codegen import entry_symbol, function_symbol, lower_module
from ir import verify
from ir.parser import parse_module

X = 0.5

MATH_NAMES = [n for n in dir(math) if callable(getattr(math, n)) and not n.startswith("_")]
UFUNC_NAMES = [n for n in dir(np) if isinstance(getattr(np, n), np.ufunc)]
C_NAMES = ["malloc", "free", "memcpy", "memset", "printf", "abort", "exit", "strlen", "aligned_alloc"]
C_API_NAMES = ["PyFloat_FromDouble", "Py_IncRef", "PyLong_FromLongLong", "PyObject_Vectorcall"]
NAMES = sorted(set(MATH_NAMES) | set(UFUNC_NAMES) | set(C_NAMES) | set(C_API_NAMES))

#: the real function of that name, called on ``x`` (where the compiler supports it)
_MATH_CALLS = {
    **{n: f"math.{n}(x)" for n in (
        "sqrt", "exp", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "asin", "acos", "atan",
        "sinh", "cosh", "tanh", "asinh", "atanh", "erf", "erfc", "fabs", "cbrt", "exp2", "gamma", "lgamma",
        "degrees", "radians", "floor", "ceil", "trunc")},
    "acosh": "math.acosh(x + 1.0)",
    **{n: f"math.{n}(x, 0.25)" for n in ("atan2", "copysign", "fmod", "remainder", "pow", "hypot")},
    **{n: f"float(math.{n}(x))" for n in ("isnan", "isinf", "isfinite")},
    "gcd": "math.gcd(int(x * 10.0), 15)",
    "isqrt": "math.isqrt(int(x * 10.0))",
    "factorial": "math.factorial(int(x * 10.0))",
    # C names that are NumPy's only
    "rint": "np.rint(x)",
    "abs": "np.abs(x)",
}


def real_call(name: str) -> str:
    """An expression of ``x`` that makes the compiler declare (or emit) the C symbol ``name``."""
    if name in _MATH_CALLS:
        return _MATH_CALLS[name]
    if name in C_NAMES or name in C_API_NAMES:
        return "_arrays(x)"  # aligned_alloc and free, loops LLVM may turn into memset/memcpy
    return "0.0"


def module_source() -> str:
    parts = ['''\
        import math
        import numpy as np


        def _arrays(x):
            a = np.zeros(64)
            b = np.empty(64)
            for i in range(64):
                b[i] = a[i] + x
            return b[0] + b[63]
        ''']
    for k, name in enumerate(NAMES, start=2):
        parts.append(f'''

        def {name}(x):
            return x * {k}.0 + {real_call(name)}


        def call_{name}(x):
            return {name}(x) + 2.0 * {real_call(name)}
        ''')
    return textwrap.dedent("".join(parts))


def import_file(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def user_module(tmp_path_factory):
    path = tmp_path_factory.mktemp("symbols") / "clashing_names.py"
    path.write_text(module_source())
    yield import_file(path, "clashing_names")
    del sys.modules["clashing_names"]


@pytest.mark.parametrize("name", NAMES)
def test_a_function_named_like_a_c_symbol_compiles_and_is_called(user_module, name):
    user, caller = getattr(user_module, name), getattr(user_module, f"call_{name}")
    assert compile(user)(X) == user(X)
    # opt=0: no inlining, so the LLVM module defines the user function next to the C declaration
    assert compile(caller, opt=0)(X) == caller(X)


def test_symbols_are_mangled_and_the_ir_keeps_its_names(user_module):
    f = compile(user_module.call_sin, opt=0)
    assert f(X) == user_module.call_sin(X)
    assert "func @sin(" in f.inspect_ir(stage="ir") and "func @call_sin(" in f.inspect_ir(stage="ir")
    lowered = f.inspect_ir(stage="lowered")
    assert f'define internal i32 @"{function_symbol("sin")}"(' in lowered
    assert f'define i32 @"{entry_symbol("call_sin")}"(' in lowered and entry_symbol("sin") not in lowered
    assert 'declare double @"sin"(double' in lowered  # the C library's, untouched


def test_a_specialisation_exports_one_entry_and_its_function_is_optimized_once(user_module):
    """Only the traced entry gets an exported wrapper (its callees are called from compiled
    code alone), and its function is ``noinline``: LLVM optimizes the body once instead of
    again inlined into the wrapper."""
    f = compile(user_module.call_sin, opt=0)
    f(X)
    lowered = f.inspect_ir(stage="lowered")
    assert lowered.count('define i32 @"pyjit_entry.') == 1
    assert f'define i32 @"{entry_symbol("call_sin")}"(' in lowered
    header = next(line for line in lowered.splitlines() if f'@"{function_symbol("call_sin")}"(' in line
                  and line.startswith("define"))
    assert " noinline " in header


def test_function_and_entry_symbols_never_coincide():
    names = ["f", "f.entry", "entry.f", "entry", "pyjit", "pyjit.f", "pyjit_entry.f", "f.1"]
    symbols = [function_symbol(n) for n in names] + [entry_symbol(n) for n in names]
    assert len(set(symbols)) == len(symbols)
    # an IR module with all of them lowers to a valid LLVM module
    text = "\n".join(f'func @"{n}"() -> none {{\n  return\n}}\n' for n in names)
    module = parse_module(text)
    verify(module)
    llvm.parse_assembly(lower_module(module)).verify()


# ----------------------------------------------------------------- two modules, one name
def test_functions_of_the_same_name_in_two_modules(tmp_path):
    (tmp_path / "sym_mod_a.py").write_text(textwrap.dedent('''\
        def f(x):
            return x + 1.0
        '''))
    (tmp_path / "sym_mod_b.py").write_text(textwrap.dedent('''\
        import sym_mod_a


        def f(x):
            return sym_mod_a.f(x) * 10.0


        def both(x):
            return sym_mod_a.f(x) + 100.0 * f(x)
        '''))
    try:
        a = import_file(tmp_path / "sym_mod_a.py", "sym_mod_a")
        b = import_file(tmp_path / "sym_mod_b.py", "sym_mod_b")
    finally:
        sys.modules.pop("sym_mod_a", None)
        sys.modules.pop("sym_mod_b", None)
    assert b.f(2.0) == 30.0 and b.both(2.0) == 3003.0
    for opt in (0, 3):
        assert compile(a.f, opt=opt)(2.0) == 3.0
        assert compile(b.f, opt=opt)(2.0) == 30.0  # b's f calls a's f
        both = compile(b.both, opt=opt)
        assert both(2.0) == 3003.0
    ir_text = both.inspect_ir(stage="ir")
    assert "func @f(" in ir_text and "func @f.1(" in ir_text
