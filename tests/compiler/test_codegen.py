"""Code generation: IR functions built by hand, lowered, JIT-compiled and called
through their ``.entry`` wrappers, compared with Python (``op.evaluate`` where
the op has one)."""
from __future__ import annotations

import ctypes
import math
import re
import struct
import threading
from typing import Any, Callable

import llvmlite.binding as llvm
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from compiler.codegen import entry_symbol, lower, lower_module
from ir import (
    AddOp, BINARY_OPS, COMPARE_OPS, Builder, CallOp, CastOp, ConditionOp, ConstantOp, EqOp,
    FloatTestOp, FloorDivOp, ForOp, FuncOp, GtOp, IfOp, InvertOp, Location, LtOp, MakeTupleOp,
    Math2Op, MathOp, ModOp, Module, MulOp, NegOp, NotOp, RaiseIfOp, ReturnOp, SelectOp, SubOp,
    TupleGetOp, TupleType, Type, WhileOp, YieldOp, verify,
)
from ir.ops.math import BINARY_MATH, FLOAT_TESTS, UNARY_MATH
from ir.types import (
    BoolType, ComplexType, FloatType, IntType, NoneType, bool_, c64, c128, f32, f64, i8, i16,
    i32, i64, none, u8, u16, u32, u64,
)
from runtime.engine import get_engine
from runtime.errors import ERRARGS_SLOTS

LOC = Location("kernels.py", 12)
SCALARS = [bool_, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, c64, c128]
INT_MIN, INT_MAX = -2**63, 2**63 - 1
ENTRY = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)


# ----------------------------------------------------------------- calling compiled code
def _f32(x: float) -> float:
    with np.errstate(over="ignore"):
        return float(np.float32(x))


def slots_of(value: Any, t: Type) -> list[int]:
    """The 8-byte argument slots of ``value`` (the entry wrapper's ABI)."""
    if isinstance(t, (BoolType, IntType)):
        return [int(value) & (2**64 - 1)]
    if isinstance(t, FloatType):
        if t.bits == 32:
            return [struct.unpack("<I", struct.pack("<f", value))[0]]
        return [struct.unpack("<Q", struct.pack("<d", value))[0]]
    if isinstance(t, ComplexType):
        return slots_of(value.real, t.part) + slots_of(value.imag, t.part)
    if isinstance(t, TupleType):
        return [s for v, e in zip(value, t.elements) for s in slots_of(v, e)]
    assert isinstance(t, NoneType)
    return []


_SIMPLE_CTYPES = {
    bool_: ctypes.c_uint8, i8: ctypes.c_int8, i16: ctypes.c_int16, i32: ctypes.c_int32,
    i64: ctypes.c_int64, u8: ctypes.c_uint8, u16: ctypes.c_uint16, u32: ctypes.c_uint32,
    u64: ctypes.c_uint64, f32: ctypes.c_float, f64: ctypes.c_double,
}


def ctype_of(t: Type) -> Any:
    """The ctypes type of a result's memory form."""
    if t in _SIMPLE_CTYPES:
        return _SIMPLE_CTYPES[t]
    if isinstance(t, ComplexType):
        fields = [("f0", ctype_of(t.part)), ("f1", ctype_of(t.part))]
    elif isinstance(t, TupleType):
        fields = [(f"f{i}", ctype_of(e)) for i, e in enumerate(t.elements)]
    else:
        return ctypes.c_uint64  # none: a slot nothing is stored to
    return type("Struct", (ctypes.Structure,), {"_fields_": fields})


def from_c(value: Any, t: Type) -> Any:
    if isinstance(t, NoneType):
        return None
    if isinstance(t, ComplexType):
        return complex(value.f0, value.f1)
    if isinstance(t, TupleType):
        return tuple(from_c(getattr(value, f"f{i}"), e) for i, e in enumerate(t.elements))
    value = getattr(value, "value", value)
    return bool(value) if isinstance(t, BoolType) else value


class Jit:
    """A module lowered, verified by LLVM and compiled; call its functions by name."""

    def __init__(self, module: Module, opt_level: int = 3):
        verify(module)
        self.module = module
        lowered = lower(module)
        self.text, self.error_sites = lowered.llvm_ir, lowered.error_sites
        llvm.parse_assembly(self.text).verify()
        self.lib = get_engine().compile(self.text, opt_level, "test")
        self._entries: dict[str, Any] = {}

    def __call__(self, name: str, *args: Any) -> Any:
        func = self.module[name]
        slots = [s for v, t in zip(args, func.arg_types, strict=True) for s in slots_of(v, t)]
        arg_buffer = (ctypes.c_uint64 * max(len(slots), 1))(*slots)
        result = ctype_of(func.result_type)()
        errargs = (ctypes.c_uint64 * ERRARGS_SLOTS)()
        entry = self._entries.get(name)
        if entry is None:
            entry = self._entries[name] = ENTRY(self.lib.address(entry_symbol(name)))
        status = entry(ctypes.addressof(result), ctypes.addressof(errargs), ctypes.addressof(arg_buffer))
        if status:
            self.error_sites.raise_error(status, list(errargs))
        return from_c(result, func.result_type)


def define(module: Module, name: str, arg_types: list[Type], result_type: Type,
           body: Callable[..., Any]) -> FuncOp:
    """Add ``@name``; ``body(builder, *args)`` returns the value to return (or None)."""
    func = FuncOp(name, arg_types, result_type, loc=LOC)
    b = Builder.at_end(func.body, loc=LOC)
    result = body(b, *func.args)
    b.insert(ReturnOp(result))
    module.add(func)
    return func


def const(b: Builder, value: Any, t: Type = i64) -> Any:
    return b.add(ConstantOp(value, t))


def same(got: Any, want: Any, rel_tol: float = 0.0, abs_tol: float = 0.0) -> bool:
    """Equal values of one kind; floats: NaN matches NaN, zeros must agree in sign."""
    if isinstance(want, complex):
        return (isinstance(got, complex) and same(got.real, want.real, rel_tol, abs_tol)
                and same(got.imag, want.imag, rel_tol, abs_tol))
    if isinstance(want, float):
        if math.isnan(want):
            return math.isnan(got)
        if got == want == 0.0:
            return math.copysign(1, got) == math.copysign(1, want)
        return got == want or math.isclose(got, want, rel_tol=rel_tol, abs_tol=abs_tol)
    return type(got) is type(want) and got == want


def reference(evaluate: Callable[..., Any], *args: Any) -> Any:
    """``evaluate(*args)``, or ``None`` where the op is undefined (the frontend guards it)."""
    try:
        with np.errstate(over="ignore"):  # f32/c64 results may overflow to inf
            return evaluate(*args)
    except (ArithmeticError, ValueError, TypeError):
        return None


# ----------------------------------------------------------------- edge values per type
def int_values(t: IntType) -> list[int]:
    values = {0, 1, 7, 63, 64, 65, 200, t.min, t.max, t.max - 1, 2**(t.bits - 1)}
    if t.signed:
        values |= {-1, -7, -64, t.min + 1}
    return sorted(t.wrap(v) for v in values)


F64_VALUES = [0.0, -0.0, 1.0, -1.0, 2.5, -2.5, 7.0, -7.0, 0.1, 3.0, 1e300, -1e-300, 5e-324,
              math.inf, -math.inf, math.nan]
C128_VALUES = [0j, complex(-0.0, -0.0), 1 + 0j, -1 + 0j, 1j, 2 + 3j, -2.5 + 0.5j, 0.5 - 4j,
               1e300 + 1e300j, complex(math.inf, 0), complex(math.nan, 1.0), 3e-320 + 1j]


def values_of(t: Type) -> list[Any]:
    if isinstance(t, BoolType):
        return [False, True]
    if isinstance(t, IntType):
        return int_values(t)
    if t == f64:
        return F64_VALUES
    if t == f32:
        return [_f32(v) for v in F64_VALUES]
    if t == c128:
        return C128_VALUES
    with np.errstate(over="ignore"):
        return [complex(np.complex64(v)) for v in C128_VALUES]


# ----------------------------------------------------------------- binary ops
INT_OPS = ["add", "sub", "mul", "floordiv", "mod", "pow", "and", "or", "xor", "shl", "shr", "min", "max"]
BINARY_CASES = (
    [(name, i64) for name in INT_OPS]
    + [(name, t) for t in (i8, u8, u32, u64) for name in INT_OPS]
    + [(name, bool_) for name in ("and", "or", "xor", "min", "max")]
    + [(name, t) for t in (f64, f32) for name in ("add", "sub", "mul", "div", "floordiv", "mod", "pow", "min", "max")]
    + [(name, t) for t in (c128, c64) for name in ("add", "sub", "mul", "div", "pow")]
)
COMPARE_CASES = [(name, t) for t in (i64, i8, u8, u64, bool_, f64, f32) for name in COMPARE_OPS] + \
    [(name, t) for t in (c128, c64) for name in ("eq", "ne")]


def _binary_module() -> Module:
    m = Module()
    for name, t in BINARY_CASES:
        define(m, f"{name}_{t}", [t, t], t, lambda b, x, y, cls=BINARY_OPS[name]: b.add(cls(x, y)))
    for name, t in COMPARE_CASES:
        define(m, f"cmp_{name}_{t}", [t, t], bool_, lambda b, x, y, cls=COMPARE_OPS[name]: b.add(cls(x, y)))
    return m


@pytest.fixture(scope="module", params=[0, 3], ids=["O0", "O3"])
def binary_jit(request: pytest.FixtureRequest) -> Jit:
    return Jit(_binary_module(), request.param)


def _defined(name: str, t: Type, y: Any) -> bool:
    """Operands the frontend lets through: a non-zero divisor, a non-negative shift or exponent."""
    if name in ("floordiv", "mod", "div") and y == 0:
        return False
    return not (name in ("shl", "shr", "pow") and isinstance(t, IntType) and y < 0)


@pytest.mark.parametrize("name,t", BINARY_CASES, ids=[f"{n}-{t}" for n, t in BINARY_CASES])
def test_binary_op_matches_python(binary_jit: Jit, name: str, t: Type) -> None:
    cls = BINARY_OPS[name]
    # f32/c64 work in single precision as NumPy does; evaluate() rounds a double result
    single = t in (f32, c64) and name in ("pow", "mul", "div", "floordiv", "mod")
    rel_tol = 1e-6 if single else 0.0
    failures = []
    for x in values_of(t):
        for y in values_of(t):
            if not _defined(name, t, y):
                continue
            want = reference(cls.evaluate, x, y, t)
            if want is None:
                continue
            got = binary_jit(f"{name}_{t}", x, y)
            if not same(got, want, rel_tol, rel_tol):
                failures.append((x, y, got, want))
    assert not failures, failures[:10]


@pytest.mark.parametrize("name,t", COMPARE_CASES, ids=[f"{n}-{t}" for n, t in COMPARE_CASES])
def test_compare_matches_python(binary_jit: Jit, name: str, t: Type) -> None:
    cls = COMPARE_OPS[name]
    failures = [(x, y) for x in values_of(t) for y in values_of(t)
                if binary_jit(f"cmp_{name}_{t}", x, y) is not cls.evaluate(x, y, t)]
    assert not failures, failures[:10]


@settings(max_examples=300, deadline=None)
@given(x=st.integers(INT_MIN, INT_MAX), y=st.integers(INT_MIN, INT_MAX),
       name=st.sampled_from(["floordiv", "mod", "mul", "shl", "shr", "pow", "min"]))
def test_random_i64_operands(binary_jit: Jit, x: int, y: int, name: str) -> None:
    if name in ("shl", "shr", "pow"):
        y = abs(y) % (200 if name != "pow" else 2**63)
    if y == 0 and name in ("floordiv", "mod"):
        y = 1
    assert binary_jit(f"{name}_i64", x, y) == BINARY_OPS[name].evaluate(x, y, i64)


@settings(max_examples=300, deadline=None)
@given(x=st.floats(allow_nan=True), y=st.floats(allow_nan=True).filter(lambda v: v != 0),
       name=st.sampled_from(["floordiv", "mod"]))
def test_random_f64_floordiv_and_mod(binary_jit: Jit, x: float, y: float, name: str) -> None:
    assert same(binary_jit(f"{name}_f64", x, y), BINARY_OPS[name].evaluate(x, y, f64))


def test_int_edge_cases_by_hand(binary_jit: Jit) -> None:
    call = binary_jit
    assert call("floordiv_i64", INT_MIN, -1) == INT_MIN
    assert call("mod_i64", INT_MIN, -1) == 0
    assert call("floordiv_i8", -128, -1) == -128
    assert (call("floordiv_i64", -7, 2), call("mod_i64", -7, 2)) == (-4, 1)
    assert (call("floordiv_i64", 7, -2), call("mod_i64", 7, -2)) == (-4, -1)
    assert call("shl_i64", 1, 64) == 0 and call("shl_i64", 1, 63) == INT_MIN
    assert call("shr_i64", -8, 1000) == -1 and call("shr_u64", 2**64 - 1, 64) == 0
    assert call("pow_i64", 3, 40) == i64.wrap(3**40)
    assert call("pow_i64", -1, INT_MAX) == -1
    assert call("pow_u8", 3, 5) == 243
    assert call("floordiv_u8", 200, 7) == 28 and call("mod_u32", 2**32 - 1, 10) == 5


def test_float_floordiv_and_mod_signed_zeros_and_specials(binary_jit: Jit) -> None:
    for x, y in [(0.0, 1.0), (-0.0, 1.0), (0.0, -1.0), (-0.0, -1.0), (1.0, -1.0), (-1.0, 1.0),
                 (5.0, math.inf), (-5.0, math.inf), (5.0, -math.inf), (math.inf, 2.0),
                 (math.nan, 2.0), (2.0, math.nan), (-3.5, 1.25), (1e308, 1e-308)]:
        assert same(binary_jit("floordiv_f64", x, y), x // y), (x, y)
        assert same(binary_jit("mod_f64", x, y), x % y), (x, y)


def test_min_max_follow_python_rule_with_nan(binary_jit: Jit) -> None:
    assert math.isnan(binary_jit("min_f64", math.nan, 1.0))
    assert binary_jit("min_f64", 1.0, math.nan) == 1.0
    assert same(binary_jit("max_f64", 0.0, -0.0), 0.0)
    assert same(binary_jit("max_f64", -0.0, 0.0), -0.0)


# ----------------------------------------------------------------- unary ops and casts
UNARY_CASES = [(NegOp, t) for t in (i64, i8, u8, f64, f32, c128)] + [(NotOp, bool_)] + \
    [(InvertOp, t) for t in (i64, u8, i16)]
CAST_CASES = [(src, dst) for src in SCALARS for dst in SCALARS
              if src != dst and (not isinstance(src, ComplexType) or isinstance(dst, (ComplexType, BoolType)))]


@pytest.fixture(scope="module")
def unary_jit() -> Jit:
    m = Module()
    for cls, t in UNARY_CASES:
        define(m, f"{cls.name}_{t}", [t], t, lambda b, x, cls=cls: b.add(cls(x)))
    for src, dst in CAST_CASES:
        define(m, f"cast_{src}_{dst}", [src], dst, lambda b, x, dst=dst: b.add(CastOp(x, dst)))
    return Jit(m)


@pytest.mark.parametrize("cls,t", UNARY_CASES, ids=[f"{c.name}-{t}" for c, t in UNARY_CASES])
def test_unary_op_matches_python(unary_jit: Jit, cls: type, t: Type) -> None:
    for x in values_of(t):
        assert same(unary_jit(f"{cls.name}_{t}", x), cls.evaluate(x, t)), x


def test_every_cast_matches_python(unary_jit: Jit) -> None:
    failures = []
    for src, dst in CAST_CASES:
        for x in values_of(src):
            want = reference(CastOp.evaluate, x, dst)
            if want is None:
                continue  # NaN, infinities and out-of-range floats are checked by the frontend
            got = unary_jit(f"cast_{src}_{dst}", x)
            if not same(got, want):
                failures.append((str(src), str(dst), x, got, want))
    assert not failures, failures[:10]


def test_a_cast_said_in_range_is_llvms_conversion_alone() -> None:
    """``{in_range}`` (the frontend checked the range): ``fptosi``, no guard of other values."""
    module = Module()

    def body(b: Builder, x: Any) -> Any:
        cast = b.insert(CastOp(x, i64))
        cast.attributes["in_range"] = True
        return cast.result

    define(module, "trunc", [f64], i64, body)
    jit = Jit(module)
    assert [jit("trunc", v) for v in (2.9, -2.9, -0.5, 2.0 ** 62)] == [2, -2, 0, 2 ** 62]
    assert "fptosi" in jit.text and "-9223372036854775808" not in jit.text


def test_casts_to_bool_treat_nan_and_either_complex_part_as_true(unary_jit: Jit) -> None:
    assert unary_jit("cast_f64_bool", math.nan) is True
    assert unary_jit("cast_f64_bool", -0.0) is False
    assert unary_jit("cast_c128_bool", complex(0.0, -0.0)) is False
    assert unary_jit("cast_c128_bool", 1j) is True
    assert unary_jit("cast_f64_i64", -2.9) == -2 and unary_jit("cast_f64_u64", 2.0**63) == 2**63
    assert unary_jit("cast_i8_u64", -1) == 2**64 - 1 and unary_jit("cast_u8_i64", 255) == 255


# ----------------------------------------------------------------- math
MATH_INPUTS = [0.5, 1.5, 2.5, -0.5, -2.5, 2.0, 10.0, -3.7, 0.0, -0.0, 1e-10, 100.0, 0.9,
               math.inf, -math.inf, math.nan]
MATH2_INPUTS = [(1.0, 2.0), (-1.0, 2.0), (2.0, -0.5), (-3.0, -4.0), (0.0, -0.0), (-0.0, 0.0),
                (5.5, 2.0), (-5.5, 2.0), (2.0, 10.0), (math.inf, 1.0), (1.0, math.inf), (math.nan, 1.0)]
#: IEEE rounding (``math``'s versions go through ints and lose the sign of a zero result)
ROUNDING = {"floor": np.floor, "ceil": np.ceil, "trunc": np.trunc, "rint": np.rint}
EXACT_MATH = {"sqrt", "fabs", "floor", "ceil", "trunc", "rint", "copysign", "fmod"}


@pytest.fixture(scope="module")
def math_jit() -> Jit:
    m = Module()
    for t in (f64, f32):
        for fn in UNARY_MATH:
            define(m, f"{fn}_{t}", [t], t, lambda b, x, fn=fn: b.add(MathOp(fn, x)))
        for fn in BINARY_MATH:
            define(m, f"{fn}_{t}", [t, t], t, lambda b, x, y, fn=fn: b.add(Math2Op(fn, x, y)))
    for t in (f64, f32, c128):
        for fn in FLOAT_TESTS:
            define(m, f"{fn}_{t}", [t], bool_, lambda b, x, fn=fn: b.add(FloatTestOp(fn, x)))
    return Jit(m)


def _python_math(fn: Callable[..., float], *args: float) -> float | None:
    """``math``'s value, or None where it raises (the frontend's domain checks)."""
    try:
        return float(fn(*args))
    except (ValueError, OverflowError):
        return None


@pytest.mark.parametrize("fn", sorted(UNARY_MATH))
def test_unary_math_matches_math_module(math_jit: Jit, fn: str) -> None:
    tol = 0.0 if fn in EXACT_MATH else 1e-12
    python_fn = ROUNDING.get(fn, UNARY_MATH[fn])
    for x in MATH_INPUTS:
        want = _python_math(python_fn, x)
        if want is not None:
            assert same(math_jit(f"{fn}_f64", x), want, tol), (fn, x)
        want32 = _python_math(python_fn, _f32(x))
        if want32 is not None and math.isfinite(_f32(want32)):
            assert same(math_jit(f"{fn}_f32", _f32(x)), _f32(want32), 1e-6, 1e-30), (fn, x)


@pytest.mark.parametrize("fn", sorted(BINARY_MATH))
def test_binary_math_matches_math_module(math_jit: Jit, fn: str) -> None:
    tol = 0.0 if fn in EXACT_MATH else 1e-12
    for x, y in MATH2_INPUTS:
        want = _python_math(BINARY_MATH[fn], x, y)
        if want is not None:
            assert same(math_jit(f"{fn}_f64", x, y), want, tol), (fn, x, y)
            assert same(math_jit(f"{fn}_f32", x, y), _f32(want), 1e-6), (fn, x, y)


def test_math_outside_the_domain_gives_the_ieee_result(math_jit: Jit) -> None:
    assert math_jit("log_f64", 0.0) == -math.inf
    assert math.isnan(math_jit("log_f64", -1.0)) and math.isnan(math_jit("sqrt_f64", -1.0))
    assert math_jit("sinh_f64", -1000.0) == -math.inf and math_jit("exp_f64", 1000.0) == math.inf
    assert math_jit("atanh_f64", 1.0) == math.inf and math_jit("lgamma_f64", 0.0) == math.inf
    assert math.isnan(math_jit("gamma_f64", -1.0)) and math.isnan(math_jit("fmod_f64", 1.0, 0.0))


@pytest.mark.parametrize("t", [f64, f32, c128], ids=str)
@pytest.mark.parametrize("fn", sorted(FLOAT_TESTS))
def test_float_tests_match_python(math_jit: Jit, fn: str, t: Type) -> None:
    op = FloatTestOp(fn, _dummy(t))
    for x in values_of(t) + ([complex(1.0, math.inf), complex(math.nan, math.inf)] if t == c128 else []):
        assert math_jit(f"{fn}_{t}", x) is op.evaluate(x, bool_), x


def _dummy(t: Type = f64) -> Any:
    """An unattached value, to build an op only for its ``evaluate``."""
    return FuncOp("dummy", [t], none).args[0]


# ----------------------------------------------------------------- select, constants, tuples
def test_constants_of_every_scalar_type_and_special_floats() -> None:
    m = Module()
    cases = [(True, bool_), (-128, i8), (255, u8), (2**64 - 1, u64), (INT_MIN, i64), (-0.0, f64),
             (math.nan, f64), (-math.inf, f32), (0.1, f32), (complex(1.5, -math.inf), c128),
             (complex(0.25, -0.5), c64)]
    for i, (value, t) in enumerate(cases):
        define(m, f"k{i}", [], t, lambda b, value=value, t=t: const(b, value, t))
    jit = Jit(m)
    for i, (value, t) in enumerate(cases):
        want = _f32(value) if t == f32 else value
        assert same(jit(f"k{i}"), want), (value, t)


def test_tuples_select_and_bool_memory_form() -> None:
    m = Module()
    pair = TupleType((bool_, f64, TupleType((i8, c64))))

    def body(b: Builder, c: Any, x: Any, y: Any, z: Any) -> Any:
        inner = b.add(MakeTupleOp([y, z]))
        t = b.add(MakeTupleOp([c, x, inner]))
        picked = b.add(SelectOp(c, x, b.add(NegOp(x))))
        swapped = b.add(MakeTupleOp([b.add(NotOp(c)), picked, b.add(TupleGetOp(t, 2))]))
        return b.add(SelectOp(c, t, swapped))

    define(m, "tup", [bool_, f64, i8, c64], pair, body)
    jit = Jit(m)
    assert jit("tup", True, 2.5, -3, 1 + 2j) == (True, 2.5, (-3, 1 + 2j))
    assert jit("tup", False, 2.5, -3, 1 + 2j) == (True, -2.5, (-3, 1 + 2j))


def test_arguments_of_every_type_arrive_intact() -> None:
    m = Module()
    for t in SCALARS:
        define(m, f"id_{t}", [i8, t, f32], t, lambda b, pad, x, pad2: x)
    define(m, "tuple_arg", [TupleType((i16, c128)), none], i16,
           lambda b, t, n: b.add(TupleGetOp(t, 0)))
    jit = Jit(m)
    for t in SCALARS:
        for x in values_of(t):
            assert same(jit(f"id_{t}", -1, x, 0.5), x), (t, x)
    assert jit("tuple_arg", (-5, 1j), None) == -5


# ----------------------------------------------------------------- control flow
def _sum_range_body(b: Builder, lo: Any, hi: Any, step: Any) -> Any:
    loop = b.insert(ForOp(lo, hi, step, [const(b, 0), const(b, 0), const(b, -1)]))
    i, count, total, _ = loop.body.args
    with b.inside(loop.body):
        b.insert(YieldOp([b.add(AddOp(count, const(b, 1))), b.add(AddOp(total, i)), i]))
    return b.add(MakeTupleOp(list(loop.results)))


@pytest.fixture(scope="module", params=[0, 3], ids=["O0", "O3"])
def flow_jit(request: pytest.FixtureRequest) -> Jit:
    m = Module()
    define(m, "sum_range", [i64, i64, i64], TupleType((i64, i64, i64)), _sum_range_body)
    define(m, "sum_range_step_1", [i64, i64], TupleType((i64, i64, i64)),
           lambda b, lo, hi: _sum_range_body(b, lo, hi, const(b, 1)))
    define(m, "sum_range_from_0", [i64], TupleType((i64, i64, i64)),
           lambda b, hi: _sum_range_body(b, const(b, 0), hi, const(b, 1)))
    define(m, "collatz", [i64], TupleType((i64, i64)), _collatz_body)
    define(m, "nested", [i64], i64, _nested_body)
    define(m, "sign", [f64], i8, _sign_body)
    return Jit(m, request.param)


RANGES = [(0, 10, 1), (10, 0, -1), (0, 10, 3), (10, 0, -3), (5, 5, 1), (5, 5, -1), (0, 10, -1),
          (10, 0, 1), (-7, 7, 2), (-2**62, 2**62, 2**61), (INT_MIN, INT_MAX, 2**62),
          (INT_MAX, INT_MIN, -2**62), (INT_MAX - 2, INT_MAX, 1), (INT_MIN + 2, INT_MIN, -1),
          (0, 10, INT_MIN), (10, 0, INT_MIN), (INT_MAX, INT_MIN, INT_MIN), (INT_MIN, INT_MAX, INT_MAX),
          (3, 4, INT_MAX)]


@pytest.mark.parametrize("lo,hi,step", RANGES)
def test_for_has_python_range_semantics(flow_jit: Jit, lo: int, hi: int, step: int) -> None:
    r = range(lo, hi, step)
    want = (len(r), i64.wrap(sum(r)), r[-1] if r else -1)
    assert flow_jit("sum_range", lo, hi, step) == want


@pytest.mark.parametrize("lo,hi", [(lo, hi) for lo, hi, step in RANGES if step == 1] + [
    (0, 10), (0, 0), (0, -3), (0, INT_MIN), (0, 3), (INT_MIN, INT_MIN + 3), (-5, 5), (INT_MAX, INT_MIN)])
def test_for_of_step_1_counts_without_a_division(flow_jit: Jit, lo: int, hi: int) -> None:
    """A constant step of 1 (and a constant start of 0) lower to ``hi - lo`` trips or none:
    no division, no multiplication, no select on the sign of the step."""
    r = range(lo, hi)
    want = (len(r), i64.wrap(sum(r)), r[-1] if r else -1)
    assert flow_jit("sum_range_step_1", lo, hi) == want
    if lo == 0:
        assert flow_jit("sum_range_from_0", hi) == want
    for name in ("sum_range_step_1", "sum_range_from_0"):
        body = flow_jit.text.split(f'{name}"(')[1].split("\n}")[0]
        assert "udiv" not in body and " mul " not in body


def _collatz_body(b: Builder, n: Any) -> Any:
    """Steps until n == 1, and the largest value seen: a ``while`` with carried values."""
    loop = b.insert(WhileOp([n, const(b, 0), n]))
    x, steps, peak = loop.before.args
    with b.inside(loop.before):
        b.insert(ConditionOp(b.add(GtOp(x, const(b, 1))), [x, steps, peak]))
    x, steps, peak = loop.after.args
    with b.inside(loop.after):
        odd = b.add(EqOp(b.add(ModOp(x, const(b, 2))), const(b, 1)))
        branch = b.insert(IfOp(odd, [i64]))
        with b.inside(branch.then_block):
            b.insert(YieldOp([b.add(AddOp(b.add(MulOp(x, const(b, 3))), const(b, 1)))]))
        with b.inside(branch.else_block):
            b.insert(YieldOp([b.add(FloorDivOp(x, const(b, 2)))]))
        nxt = branch.result
        b.insert(YieldOp([nxt, b.add(AddOp(steps, const(b, 1))), b.add(BINARY_OPS["max"](peak, nxt))]))
    return b.add(MakeTupleOp([loop.results[1], loop.results[2]]))


def _python_collatz(n: int) -> tuple[int, int]:
    steps, peak = 0, n
    while n > 1:
        n = 3 * n + 1 if n % 2 else n // 2
        steps, peak = steps + 1, max(peak, n)
    return steps, peak


@pytest.mark.parametrize("n", [1, 2, 7, 27, 97, 0, -5])
def test_while_with_carried_values(flow_jit: Jit, n: int) -> None:
    assert flow_jit("collatz", n) == _python_collatz(n)


def _nested_body(b: Builder, n: Any) -> Any:
    """sum(i * j if (i + j) % 3 else -j for i in range(n) for j in range(i, -1, -2))"""
    one = const(b, 1)
    outer = b.insert(ForOp(const(b, 0), n, one, [const(b, 0)]))
    i, acc = outer.body.args
    with b.inside(outer.body):
        inner = b.insert(ForOp(i, const(b, -1), const(b, -2), [acc]))
        j, acc2 = inner.body.args
        with b.inside(inner.body):
            cond = b.add(CastOp(b.add(ModOp(b.add(AddOp(i, j)), const(b, 3))), bool_))
            branch = b.insert(IfOp(cond, [i64]))
            with b.inside(branch.then_block):
                b.insert(YieldOp([b.add(MulOp(i, j))]))
            with b.inside(branch.else_block):
                b.insert(YieldOp([b.add(NegOp(j))]))
            b.insert(YieldOp([b.add(AddOp(acc2, branch.result))]))
        b.insert(YieldOp([inner.result]))
    return outer.result


@pytest.mark.parametrize("n", [0, 1, 5, 40])
def test_nested_loops_with_if(flow_jit: Jit, n: int) -> None:
    want = sum(i * j if (i + j) % 3 else -j for i in range(n) for j in range(i, -1, -2))
    assert flow_jit("nested", n) == want


def _sign_body(b: Builder, x: Any) -> Any:
    """Nested ifs with an op-free branch and an outer value yielded from inside."""
    zero = const(b, 0.0, f64)
    minus = const(b, -1, i8)
    outer = b.insert(IfOp(b.add(LtOp(x, zero)), [i8]))
    with b.inside(outer.then_block):
        b.insert(YieldOp([minus]))
    with b.inside(outer.else_block):
        inner = b.insert(IfOp(b.add(GtOp(x, zero)), [i8]))
        with b.inside(inner.then_block):
            b.insert(YieldOp([const(b, 1, i8)]))
        with b.inside(inner.else_block):
            b.insert(YieldOp([const(b, 0, i8)]))
        b.insert(YieldOp([inner.result]))
    return outer.result


def test_nested_if(flow_jit: Jit) -> None:
    assert [flow_jit("sign", x) for x in (-2.0, 0.0, 3.0, math.nan)] == [-1, 0, 1, 0]


# ----------------------------------------------------------------- calls and errors
def _fib_body(b: Builder, n: Any) -> Any:
    two = const(b, 2)
    branch = b.insert(IfOp(b.add(LtOp(n, two)), [i64]))
    with b.inside(branch.then_block):
        b.insert(YieldOp([n]))
    with b.inside(branch.else_block):
        one = b.add(CallOp("fib", [b.add(SubOp(n, const(b, 1)))], i64))
        two_back = b.add(CallOp("fib", [b.add(SubOp(n, two))], i64))
        b.insert(YieldOp([b.add(AddOp(one, two_back))]))
    return branch.result


def _checked_body(b: Builder, x: Any, y: Any, flag: Any, small: Any) -> Any:
    bad = b.add(LtOp(x, const(b, 0)))
    b.insert(RaiseIfOp(bad, "ValueError", "x={} y={} flag={} small={}", (x, y, flag, small), loc=LOC))
    return b.add(AddOp(x, const(b, 1)))


def _loop_raise_body(b: Builder, n: Any) -> Any:
    """for i in range(10): check i != n; a raise_if deep in a loop, through a call."""
    loop = b.insert(ForOp(const(b, 0), const(b, 10), const(b, 1), [const(b, 0)]))
    i, acc = loop.body.args
    with b.inside(loop.body):
        b.insert(RaiseIfOp(b.add(EqOp(i, n)), "IndexError", "index {} is out of bounds for size {}",
                           (i, b.add(CastOp(n, u32))), loc=Location("app/loops.py", 7)))
        b.insert(YieldOp([b.add(AddOp(acc, i))]))
    return loop.result


def _calls_loop_raise_body(b: Builder, n: Any) -> None:
    b.insert(CallOp("loop_raise", [n], i64))


def _check_all_body(b: Builder, n: Any, small: Any, big: Any) -> None:
    """for i in range(n): if i > 2: raise_if(i == 5, ...) -- no carried values, no if results."""
    loop = b.insert(ForOp(const(b, 0), n, const(b, 1)))
    i = loop.induction_var
    with b.inside(loop.body):
        branch = b.insert(IfOp(b.add(GtOp(i, const(b, 2)))))
        with b.inside(branch.then_block):
            b.insert(RaiseIfOp(b.add(EqOp(i, const(b, 5))), "OverflowError", "{} {} {}", (i, small, big)))
            b.insert(YieldOp())
        with b.inside(branch.else_block):
            b.insert(YieldOp())
        b.insert(YieldOp())


@pytest.fixture(scope="module", params=[0, 3], ids=["O0", "O3"])
def call_jit(request: pytest.FixtureRequest) -> Jit:
    m = Module()
    define(m, "fib", [i64], i64, _fib_body)
    define(m, "checked", [i64, f64, bool_, f32], i64, _checked_body)
    define(m, "caller", [i64], i64, lambda b, x: b.add(MulOp(
        b.add(CallOp("checked", [x, const(b, -0.5, f64), const(b, True, bool_), const(b, 1.25, f32)], i64)),
        const(b, 10))))
    define(m, "loop_raise", [i64], i64, _loop_raise_body)
    define(m, "calls_loop_raise", [i64], none, _calls_loop_raise_body)
    define(m, "returns_none", [i64], none, lambda b, n: None)
    define(m, "check_all", [i64, i8, u64], none, _check_all_body)
    pair = TupleType((bool_, c64))
    define(m, "pair", [i64], pair, lambda b, x: b.add(MakeTupleOp(
        [b.add(GtOp(x, const(b, 0))), b.add(CastOp(x, c64))])))
    define(m, "use_pair", [i64], f64, lambda b, x: b.add(SelectOp(
        b.add(TupleGetOp(b.add(CallOp("pair", [x], pair)), 0)), const(b, 1.5, f64), const(b, -1.5, f64))))
    return Jit(m, request.param)


def test_recursion(call_jit: Jit) -> None:
    assert [call_jit("fib", n) for n in range(12)] == [0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89]
    assert call_jit("fib", 25) == 75025


def test_calls_pass_tuples_with_bools_through_memory(call_jit: Jit) -> None:
    assert call_jit("pair", 3) == (True, 3 + 0j)
    assert (call_jit("use_pair", 3), call_jit("use_pair", -3)) == (1.5, -1.5)


def test_raise_if_status_propagates_from_callee_with_formatted_message(call_jit: Jit) -> None:
    assert call_jit("caller", 4) == 50
    with pytest.raises(ValueError) as info:
        call_jit("caller", -3)
    assert str(info.value) == "x=-3 y=-0.5 flag=True small=1.25"


def test_raise_if_inside_a_loop_and_none_results(call_jit: Jit) -> None:
    assert call_jit("loop_raise", 20) == 45
    assert call_jit("calls_loop_raise", 20) is None
    with pytest.raises(IndexError, match=r"^index 4 is out of bounds for size 4$"):
        call_jit("calls_loop_raise", 4)
    assert call_jit("returns_none", 1) is None
    assert call_jit("check_all", 5, -1, 2**64 - 1) is None
    with pytest.raises(OverflowError, match=rf"^5 -128 {2**64 - 1}$"):
        call_jit("check_all", 6, -128, 2**64 - 1)


def test_text_form_abi_and_attributes(call_jit: Jit) -> None:
    text = call_jit.text
    assert 'define internal i32 @"pyjit.fib"(ptr' in text
    assert 'define i32 @"pyjit_entry.fib"(ptr %"ret", ptr %"errargs", ptr %"args")' in text
    assert "nounwind" in text and "!prof" in text  # raise_if and call statuses are cold branches
    assert " nsw " not in text
    assert all(re.search(r'add nuw i64 %"k(\.\d+)?", 1$', line) for line in text.splitlines() if " nuw " in line)
    assert set(call_jit.lib.symbols) == {entry_symbol(f.sym_name) for f in call_jit.module}


def test_math_declarations_use_intrinsics_and_libm(math_jit: Jit) -> None:
    text = math_jit.text
    for name in ("llvm.sqrt.f64", "llvm.rint.f32", "llvm.copysign.f64", '@"tanf"', '@"tgamma"',
                 '@"lgammaf"', '@"atan2"', "frem double"):
        assert name in text, name


def test_compiles_from_eight_threads_at_once() -> None:
    results: dict[int, Any] = {}
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            m = Module()
            define(m, "f", [i64, i64, i64], TupleType((i64, i64, i64)), _sum_range_body)
            define(m, "fib", [i64], i64, _fib_body)
            jit = Jit(m, opt_level=k % 4)
            results[k] = (jit("f", 0, 100 * k, 3), jit("fib", 15))
        except BaseException as err:  # noqa: BLE001 - reported by the main thread
            errors.append(err)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for k in range(8):
        r = range(0, 100 * k, 3)
        assert results[k] == ((len(r), sum(r), r[-1] if r else -1), 610)


def test_unsupported_types_are_reported() -> None:
    from ir.types import VectorType

    m = Module()
    define(m, "f", [VectorType(f64, 4)], none, lambda b, a: None)
    with pytest.raises(NotImplementedError, match="vector"):
        lower_module(m)


def _divmod_by_powers_of_two(x):
    return x // 1, x % 1, x // 2, x % 2, x // 8, x % 8, x // 4096, x % 4096, x // (1 << 62), x % (1 << 62)


@pytest.mark.parametrize("x", [0, 1, -1, 7, -7, 8, -8, 4095, -4097, (1 << 62) + 5, -(1 << 62) - 5,
                               (1 << 63) - 1, -(1 << 63)])
def test_floor_division_by_a_constant_power_of_two_is_pythons(x):
    from compiler import compile

    f = compile(_divmod_by_powers_of_two)
    assert f(x) == _divmod_by_powers_of_two(x)
    assert "ashr" in f.inspect_ir(stage="lowered")   # a shift, not a division


def _row_sums_then_total(a, n):
    total = 0.0
    for i in range(n):          # an outer loop: LLVM must not unroll it by a run-time count
        s = 0.0
        for j in range(n):      # a plain innermost loop: LLVM may
            s += a[i, j]
        total += s
    return total


def test_outer_loops_are_not_unrolled_by_a_run_time_count():
    """``llvm.loop.unroll.runtime.disable`` on the outer loop only (compiler.codegen.control);
    the result is unchanged."""
    from compiler import compile

    a = np.arange(36.0).reshape(6, 6)
    f = compile(_row_sums_then_total)
    assert f(a, 6) == _row_sums_then_total(a, 6)
    text = f.inspect_ir(stage="lowered")
    ids = re.findall(r"!llvm\.loop (!\d+)", text)
    assert len(ids) == 1
    hint = re.search(r"^(!\d+) = !\{ ?!\"llvm\.loop\.unroll\.runtime\.disable\" ?\}", text, re.MULTILINE).group(1)
    assert re.search(rf"^{ids[0]} = !\{{ ?{ids[0]}, {hint} ?\}}", text, re.MULTILINE)
