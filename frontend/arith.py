"""Python operators on traced values: typing rules and the ops they emit.

Typing follows Python for ``bool``/``int``/``float``/``complex``
(``True + True`` is ``2``, ``int / int`` is a float, ``//`` and ``%`` take the
divisor's sign) and NumPy 2's promotion between NumPy scalar types (a
``float32`` stays ``float32``; a Python constant never widens a NumPy type:
``np.float32(x) * 2.0`` is ``float32``).  Integers are fixed width and wrap.

Run-time errors are checked before the op, as CPython raises them:
``ZeroDivisionError`` for ``/``, ``//``, ``%`` by zero (with ``error_model="numpy"``
NumPy's results instead: inf, NaN or 0), ``ValueError`` for a negative shift count.  ``int ** int`` with a traced exponent stays an
integer (the type cannot depend on a run-time value), so a negative
exponent raises ``ValueError`` where CPython would return a float; with a
constant negative exponent the result is a float, as in CPython.  A float
power whose exact result would be complex (negative base, fractional
exponent) raises ``ValueError`` where CPython returns a complex.

Layer: above the trace context; these rules are the operators of traced
values of every kind (``values.define`` with ``Type``): they type numbers
and refuse whole arrays and tuples, naming them.
"""
from __future__ import annotations

import operator
from typing import Any, Callable, Sequence

import numpy as np

from ir import Location, TypingError, UnsupportedError
from ir.diagnostics import MAX_MESSAGE_ARGS, builtin_exception, exception_of
from ir.dtypes import promote, to_dtype
from ir.ops import (
    BINARY_OPS, COMPARE_OPS, ArrayDimOp, ArraySubviewOp, CastOp, ConstantOp, FloatTestOp, IfOp, ImagOp, InvertOp,
    MakeComplexOp, MakeTupleOp, MathOp, NegOp, NotOp, RaiseIfOp, RealOp, SelectOp, YieldOp,
)
from ir.types import (
    ArrayType, BoolType, ComplexType, DictType, FloatType, IntType, ListType, SetType, TupleType, Type, bool_, f64, i64,
    kind_rank,
)

from . import pyint
from .context import TraceContext, current
from .values import MaybeUnbound, OptionalValue, Symbolic, TypeConflict, define, describe, method, python_scalar_type, type_of


_BINARY_NAMES = {
    "+": "add", "-": "sub", "*": "mul", "/": "div", "//": "floordiv", "%": "mod", "**": "pow",
    "<<": "shl", ">>": "shr", "&": "and", "|": "or", "^": "xor",
}
_COMPARE_NAMES = {"==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
_PY_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "//": operator.floordiv, "%": operator.mod, "**": operator.pow, "<<": operator.lshift,
    ">>": operator.rshift, "&": operator.and_, "|": operator.or_, "^": operator.xor,
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge,
}


# ----------------------------------------------------------------- helpers
def _tr() -> TraceContext:
    return current()


def scalar_type(x: Any, op: str) -> tuple[Type, bool]:
    """(type, weak) of an operand; weak means a Python constant.

    Whole-array operations are not compiled (yet): an array operand is an
    ``UnsupportedError`` that says to loop over the elements."""
    if isinstance(x, Symbolic):
        if isinstance(x.type, ArrayType):
            raise _tr().error(UnsupportedError, f"'{op}' on a whole array ({x.type}) is not supported in compiled "
                                                "code yet; write an explicit loop over the elements")
        if not x.type.is_scalar:
            raise _tr().error(TypingError, f"unsupported operand type for {op}: {x.type}")
        return x.type, x.weak
    t = python_scalar_type(x)
    if t is None:
        raise _tr().error(TypingError, f"unsupported operand type for {op}: {describe(x)}")
    return t, isinstance(x, (bool, int, float, complex)) and not isinstance(x, np.generic)   # np.float64 is a float


def as_float(x: Any, what: str) -> Symbolic:
    """``x`` as a float for a function of reals: floats keep their type, ints
    and bools become ``f64``; anything else is a TypingError naming ``what``."""
    t = scalar_type(x, what)[0]
    if isinstance(t, FloatType):
        return cast(x, t)
    if isinstance(t, (IntType, BoolType)):
        return cast(x, f64)
    raise _tr().error(TypingError, f"{what} needs a real number, not {describe(x)}")


def cast(x: Any, to: Type) -> Symbolic:
    """``x`` converted to ``to`` (a traced value, or a constant of that type).  An array is
    never converted: one of layout C or F is relabelled ``A`` (a view of all of it, as a
    signature's ``f64[:]`` result asks of a function returning a new array); any other
    difference is a ``TypingError``."""
    if isinstance(x, Symbolic):
        if x.type == to:
            return x
        if isinstance(x.type, ArrayType) or isinstance(to, ArrayType):
            return _relabelled(x, to)
        return _tr().emit_value(CastOp(x.value, to))
    return constant(x, to)


def _relabelled(x: Symbolic, to: Type) -> Symbolic:
    t = x.type
    if not (isinstance(t, ArrayType) and isinstance(to, ArrayType) and to.layout == "A"
            and (t.dtype, t.ndim, t.readonly) == (to.dtype, to.ndim, to.readonly)):
        raise _tr().error(TypingError, f"a value of type {t} is given where {to} is declared: declare the type "
                                       "the value has (for an array its dtype and dimensions; [:] takes any layout)")
    whole = []
    for axis in range(t.ndim):
        extent = _tr().emit_value(ArrayDimOp(x.value, axis)).value
        whole += [constant(0, i64).value, extent, constant(1, i64).value]
    return _tr().emit_value(ArraySubviewOp(x.value, "s" * t.ndim, whole, to, relabel=True))


def constant(x: Any, t: Type) -> Symbolic:
    """A constant of type ``t`` (see ``TraceContext.constant`` for wide ints)."""
    return _tr().constant(x, t)


def materialize(value: Any, type: Type | None = None) -> Any:
    """The IR value for a traced or constant scalar/tuple, cast to ``type``."""
    if isinstance(value, tuple):
        elements = [materialize(v, t) for v, t in zip(value, type.elements)] \
            if isinstance(type, TupleType) else [materialize(v) for v in value]
        return _tr().emit(MakeTupleOp(elements)).result
    if isinstance(value, Symbolic):
        if type is not None and value.type != type:
            value = cast(value, type)
        return value.value
    from .strings import as_str, str_like   # a layer above

    if str_like(value):
        return as_str(value).value
    t = python_scalar_type(value)
    if t is None:
        raise _tr().error(TypingError, f"a {describe(value)} cannot be used as a value in compiled code")
    c = constant(value, t)
    return (cast(c, type) if type is not None and type != t else c).value


def raise_if(cond: Symbolic | bool, exception: str, message: str, *args: Symbolic,
             loc: Location | None = None, deviation: bool = False) -> None:
    """Emit a run-time check (nothing when ``cond`` is the constant False).  A message with
    more run-time values than a check can carry shows ``?`` in their places.  ``deviation``:
    CPython would not raise here (it gives a complex number, NumPy's inf): a handler of a
    ``try`` statement must not catch it (``frontend.catching``)."""
    if cond is False:
        return
    if len(args) > MAX_MESSAGE_ARGS:
        message, args = message.replace("{}", "?"), ()

    def raise_uncaught() -> None:
        check = constant(True, bool_) if cond is True else cond
        _tr().emit(RaiseIfOp(check.value, exception, message, tuple(a.value for a in args), loc=loc))

    if _tr().function.try_scopes:
        from .catching import route
        from .text import formatted_message

        cls = builtin_exception(exception)
        text = formatted_message(message, args)
        make = (lambda: exception_of(cls, text) if isinstance(text, str) else cls(text)) if cls is not None else \
            (lambda: RuntimeError(f"{exception}: " + text))
        if route(cls or RuntimeError, make, cond, raise_uncaught, deviation):
            return
    raise_uncaught()


def checks_unless(ok: Symbolic | bool, emit_checks: Callable[[], None]) -> None:
    """Run-time checks that ``emit_checks`` emits, run only where ``ok`` is false:
    one cheap test guards several exact ones (``ok`` must imply that none fires)."""
    only_where(logical_not(ok), emit_checks, unlikely=True)


def only_where(cond: Symbolic | bool, emit_ops: Callable[[], None], unlikely: bool = False) -> None:
    """The ops ``emit_ops`` emits (effects, no values), run only where ``cond`` is true
    (``unlikely``: rarely, which the code generator tells LLVM: ``IfOp`` ``unlikely``)."""
    if cond is False:
        return
    if cond is True:
        emit_ops()
        return
    tr = _tr()
    op = tr.emit(IfOp(cond.value))
    if unlikely:
        op.attributes["unlikely"] = True
    with tr.region(op.then_block):
        emit_ops()
        tr.emit(YieldOp([]))
    with tr.region(op.else_block):
        tr.emit(YieldOp([]))


def emit(cls: type, *operands: Symbolic) -> Symbolic:
    return _tr().emit_value(cls(*(o.value for o in operands)))


def _promote(op: str, ta: Type, wa: bool, tb: Type, wb: bool) -> Type:
    if ta == tb:
        return ta
    ka, kb = kind_rank(ta), kind_rank(tb)
    if wa and not wb:
        return tb if ka <= kb else _weak_result(ta, tb)
    if wb and not wa:
        return ta if kb <= ka else _weak_result(tb, ta)
    if wa and wb:
        return ta if ka >= kb else tb
    return promote(ta, tb)


def _weak_result(weak: Type, strong: Type) -> Type:
    """A Python constant of a higher kind than a NumPy/traced operand."""
    if isinstance(weak, ComplexType) and isinstance(strong, FloatType):
        return ComplexType(strong.bits * 2)
    return promote(weak, strong) if not isinstance(strong, BoolType) else weak


def result_type(a: Any, b: Any, op: str) -> Type:
    """The type two operands meet at (Python constants do not widen traced types)."""
    ta, wa = scalar_type(a, op)
    tb, wb = scalar_type(b, op)
    return _promote(op, ta, wa, tb, wb)


def _int_of_bool(t: Type) -> Type:
    return i64 if isinstance(t, BoolType) else t


def _arith_bool(t: Type, weak: bool, other: Type) -> Type:
    """A bool operand of arithmetic: a Python bool, or a NumPy bool meeting another
    bool, is an int; a NumPy bool meeting another NumPy type stays a bool, which
    NumPy promotes to that type (``np.True_ + np.int8(1)`` is an ``int8``)."""
    return i64 if isinstance(t, BoolType) and (weak or isinstance(other, BoolType)) else t


# ----------------------------------------------------------------- binary
def _strings(a: Any, b: Any) -> Any:
    """``frontend.strings`` when ``a`` or ``b`` is a string known only at run time, else None."""
    from . import strings   # a layer above

    return strings if strings.run_time_str_like(a) or strings.run_time_str_like(b) else None


def binary(op: str, a: Any, b: Any) -> Any:
    """``a <op> b`` where at least one side is traced; weak only if both sides are."""
    if _strings(a, b) is not None or isinstance(a, str) or isinstance(b, str):
        from .strings import binary as string_operator

        return string_operator(op, a, b)
    if any(isinstance(x, list) or isinstance(x, Symbolic) and isinstance(x.type, ListType) for x in (a, b)):
        from .lists import binary as list_operator   # a layer above

        return list_operator(op, a, b)
    result = _binary(op, a, b)
    if isinstance(result, Symbolic):
        result.weak = scalar_type(a, op)[1] and scalar_type(b, op)[1]
    return result


def _binary(op: str, a: Any, b: Any) -> Any:
    ta, wa = scalar_type(a, op)
    tb, wb = scalar_type(b, op)
    if op in ("&", "|", "^"):
        if isinstance(ta, BoolType) and isinstance(tb, BoolType):
            t = bool_
        else:
            _require(op, ta, tb, (BoolType, IntType))
            t = _integer_result(op, ta, tb, _promote(op, _arith_bool(ta, wa, tb), wa, _arith_bool(tb, wb, ta), wb))
            _python_ints_fit(t, (a, ta, wa), (b, tb, wb))
        return emit(BINARY_OPS[_BINARY_NAMES[op]], cast(a, t), cast(b, t))
    ta, tb = _arith_bool(ta, wa, tb), _arith_bool(tb, wb, ta)
    if op in ("<<", ">>"):
        _require(op, _int_of_bool(ta), _int_of_bool(tb), (IntType,))
        t = _integer_result(op, ta, tb, _promote(op, ta, wa, tb, wb))
        _python_ints_fit(t, (a, ta, wa), (b, tb, wb))
        a, b = cast(a, t), cast(b, t)
        raise_if(_lt_zero(b), "ValueError", "negative shift count", deviation=not (wa and wb))
        return emit(BINARY_OPS[_BINARY_NAMES[op]], a, b)
    if op in ("//", "%"):
        _require(op, _int_of_bool(ta), _int_of_bool(tb), (IntType, FloatType))
    t = _promote(op, ta, wa, tb, wb)
    _python_ints_fit(t, (a, ta, wa), (b, tb, wb))
    kind = _kind(t)  # CPython's message names the operands' kind: int / int says "division by zero"
    numpy_rules = op in ("/", "//", "%") and (_tr().error_model == "numpy" or
                                              not (wa and wb) and _caught(ZeroDivisionError))
    if op == "/" and kind == "int" and t != _U64:   # uint64s are divided as float64s, as NumPy does
        return _int_true_divide(a, b, numpy_rules)
    if op == "/" and isinstance(t, IntType):
        t = f64
    if op == "**":
        return _power(a, b, t)
    a, b = cast(a, t), cast(b, t)
    if numpy_rules:
        return _numpy_division(op, a, b, t, wa and wb)
    if op in ("/", "//", "%"):
        raise_if(_is_zero(b), "ZeroDivisionError", _ZERO_DIVISION[(op, kind)])
    if op == "/" and isinstance(t, ComplexType) and not (wa and wb):
        return _numpy_complex_divide(a, b)
    return emit(BINARY_OPS[_BINARY_NAMES[op]], a, b)


def _integer_result(op: str, ta: Type, tb: Type, t: Type) -> Type:
    """The promoted type of a bitwise operation, which must be an integer: NumPy
    has none for a signed integer and a ``uint64`` (their promotion is float64)."""
    if not isinstance(t, (IntType, BoolType)):
        raise _tr().error(TypingError, f"unsupported operand types for {op}: '{ta}' and '{tb}' have no common "
                                       "integer type (NumPy raises TypeError); convert one of them first")
    return t


def _python_ints_fit(t: Type, *operands: tuple[Any, Type, bool]) -> None:
    """NumPy 2 (NEP 50) converts a Python int that meets a NumPy integer type to that
    type, and refuses one that does not fit: ``np.int32(1) + 2**40`` raises
    ``OverflowError``.  A check for each Python int operand of an operation on a
    narrower integer type (it folds away for constants that fit)."""
    if not isinstance(t, IntType) or t == i64:
        return
    for x, tx, weak in operands:
        if weak and isinstance(tx, IntType):
            check_int_fits(x, t)


def check_int_fits(value: Any, t: IntType) -> None:
    """Raise NumPy's ``OverflowError`` (at run time, on the path) if the integer ``value``
    is outside the integer type ``t`` (no check for a value whose type ``t`` holds)."""
    vt = type_of(value)
    if isinstance(vt, (IntType, BoolType)) and _holds(t, vt):
        return
    if t != i64 and isinstance(value, Symbolic) and value.type == IntType(64, False):
        # NumPy converts through a C long first: a uint64 above its range fails there
        raise_if(compare(">", value, i64.max), "OverflowError", "Python int too large to convert to C long")
    outside = logical_or(compare("<", value, t.min), compare(">", value, t.max))
    if isinstance(outside, Symbolic) or outside:
        message = "Python int too large to convert to C long" if t == i64 else \
            f"Python integer {{}} out of bounds for {to_dtype(t).name}"
        raise_if(outside, "OverflowError", message, *([] if t == i64 else [positive(value)]))


def _holds(t: IntType, vt: Type) -> bool:
    """Whether every value of the integer or bool type ``vt`` is one of ``t``'s."""
    if isinstance(vt, BoolType):
        return True
    if vt.signed == t.signed:
        return vt.bits <= t.bits
    return not vt.signed and vt.bits < t.bits


def numpy_complex_divide(a: Symbolic, b: Symbolic) -> Symbolic:
    """Complex division by a zero divisor as NumPy's array division does it:
    ``(a.real / 0.0, a.imag / 0.0)``, infinities or NaNs; else as below."""
    br, bi = real(b), imag(b)
    zero = constant(0.0, br.type)
    by_zero = logical_and(compare("==", br, zero), compare("==", bi, zero))
    quotient = _numpy_complex_divide(a, b)
    infinite = make_complex(_div(real(a), _fabs(br)), _div(imag(a), _fabs(br)))
    return select(by_zero, infinite, quotient)


def _numpy_complex_divide(a: Symbolic, b: Symbolic) -> Symbolic:
    """Complex division as NumPy does it (Smith's method, multiplying by the
    reciprocal), for NumPy complex values; Python complex numbers use
    CPython's algorithm (the ``div`` op).  The divisor is non-zero."""
    ar, ai, br, bi = real(a), imag(a), real(b), imag(b)
    wide = compare(">=", _fabs(br), _fabs(bi))
    rat = select(wide, _div(bi, br), _div(br, bi))
    one = constant(1.0, br.type)
    scl = _div(one, select(wide, _add(br, _mul(bi, rat)), _add(bi, _mul(br, rat))))
    re = select(wide, _add(ar, _mul(ai, rat)), _add(_mul(ar, rat), ai))
    im = select(wide, _sub(ai, _mul(ar, rat)), _sub(_mul(ai, rat), ar))
    return make_complex(_mul(re, scl), _mul(im, scl))


def _fabs(x: Symbolic) -> Symbolic:
    return _tr().emit_value(MathOp("fabs", x.value))


def _add(x: Symbolic, y: Symbolic) -> Symbolic:
    return emit(BINARY_OPS["add"], x, y)


def _sub(x: Symbolic, y: Symbolic) -> Symbolic:
    return emit(BINARY_OPS["sub"], x, y)


def _mul(x: Symbolic, y: Symbolic) -> Symbolic:
    return emit(BINARY_OPS["mul"], x, y)


def _div(x: Symbolic, y: Symbolic) -> Symbolic:
    return emit(BINARY_OPS["div"], x, y)


def _caught(cls: type) -> bool:
    """Whether a handler of a ``try`` statement around would catch ``cls`` raised here: then
    division by zero of NumPy scalars gives NumPy's results, as CPython does (never raising
    what the handler would silently catch)."""
    if not _tr().function.try_scopes:
        return False
    from .catching import would_catch

    return would_catch(cls)


def _int_true_divide(a: Any, b: Any, numpy_rules: bool) -> Any:
    """``int / int``, correctly rounded as CPython does (see ``frontend.pyint``); by zero
    with NumPy's rules NumPy's ``true_divide``: the float quotient, inf or NaN."""
    a, b = cast(a, i64), cast(b, i64)
    if numpy_rules:
        zero = _is_zero(b)
        quotient = _tr().call(pyint.true_divide, (a, select(zero, 1, b)), {})
        return select(zero, _div(cast(a, f64), cast(b, f64)), quotient)
    raise_if(_is_zero(b), "ZeroDivisionError", _ZERO_DIVISION[("/", "int")])
    return _tr().call(pyint.true_divide, (a, b), {})


def divide(fn: Callable[[Any, Any], Any], op: str, a: Any, b: Any) -> Any:
    """``fn(a, b)`` for the division operator ``op`` in traced code; of two Python numbers by
    zero with ``error_model="numpy"``, NumPy's result as the run-time division gives it
    (:func:`_numpy_division`): ``//`` and ``%`` of ints 0, ``/`` the IEEE quotient, ``//`` of
    floats the IEEE quotient and ``%`` NaN."""
    kinds = (bool, int, float)
    if _tr().error_model == "numpy" and type(a) in kinds and type(b) in kinds and b == 0:
        if op == "/" or op == "//" and (type(a) is float or type(b) is float):
            with np.errstate(all="ignore"):
                return float(np.float64(a) / np.float64(b))
        return float("nan") if type(a) is float or type(b) is float else 0
    try:
        return fn(a, b)
    except Exception as err:   # the user's computation (raising.run_user_code raises it on the path)
        err.user_error = True
        raise


def _numpy_division(op: str, a: Symbolic, b: Symbolic, t: Type, python_numbers: bool) -> Symbolic:
    """``a op b`` of one type with ``error_model="numpy"``: by a non-zero divisor Python's
    result; by zero NumPy's, with no exception (NumPy's warning is not given): for floats
    ``/`` and ``//`` the IEEE quotient (inf, -inf or NaN) and ``%`` NaN; for integers ``//``
    and ``%`` 0; complex ``/`` NumPy's algorithm."""
    if op == "/" and isinstance(t, ComplexType) and not python_numbers:
        return _numpy_complex_divide(a, b)
    if op == "/":
        return emit(BINARY_OPS["div"], a, b)
    zero = _is_zero(b)
    result = emit(BINARY_OPS[_BINARY_NAMES[op]], a, select(zero, cast(1, t), b))
    if isinstance(t, FloatType):
        return select(zero, _div(a, b) if op == "//" else cast(float("nan"), t), result)
    return select(zero, cast(0, t), result)


_ZERO_DIVISION = {
    ("/", "int"): "division by zero", ("/", "float"): "float division by zero",
    ("/", "complex"): "complex division by zero",
    ("//", "int"): "integer division or modulo by zero", ("//", "float"): "float floor division by zero",
    ("%", "int"): "integer modulo by zero", ("%", "float"): "float modulo",
}


def _kind(t: Type) -> str:
    return {1: "int", 2: "float", 3: "complex"}[kind_rank(t)]


def _require(op: str, ta: Type, tb: Type, kinds: tuple[type, ...]) -> None:
    if not isinstance(ta, kinds) or not isinstance(tb, kinds):
        raise _tr().error(TypingError, f"unsupported operand type(s) for {op}: '{ta}' and '{tb}'")


def _is_zero(x: Symbolic) -> Symbolic | bool:
    return compare("==", _constant_value(x), 0)


def _lt_zero(x: Symbolic) -> Symbolic | bool:
    return compare("<", _constant_value(x), 0)


def _constant_value(x: Symbolic) -> Any:
    """The Python value of a traced constant, so checks on it fold at trace time."""
    owner = x.value.owner if isinstance(x, Symbolic) else None
    if isinstance(owner, ConstantOp):
        return owner.value
    return x


def _power(a: Any, b: Any, t: Type) -> Any:
    numpy_scalars = not (scalar_type(a, "**")[1] and scalar_type(b, "**")[1])   # NumPy gives inf, no error
    if isinstance(t, IntType):
        if not isinstance(b, Symbolic) and b < 0:
            return _power(a, b, f64)  # CPython: a negative constant exponent gives a float
        a, b = cast(a, t), cast(b, t)
        raise_if(_lt_zero(b), "ValueError",
                 "negative exponent {} in an integer power: the result would be a float; "
                 "convert the base to float first", b, deviation=True)
        return emit(BINARY_OPS["pow"], a, b)
    a, b = cast(a, t), cast(b, t)
    if isinstance(t, ComplexType):
        negative_or_complex = logical_or(compare("!=", imag(b), 0.0), compare("<", real(b), 0.0))
        raise_if(logical_and(compare("==", a, 0), negative_or_complex), "ZeroDivisionError",
                 "0.0 to a negative or complex power")
    result = emit(BINARY_OPS["pow"], a, b)
    if isinstance(t, FloatType):
        finite = logical_and(is_finite(a), is_finite(b))
        overflowed = logical_and(finite, emit_test("isinf", result))
        raise_if(logical_and(overflowed, _is_zero(a)), "ZeroDivisionError",
                 "0.0 cannot be raised to a negative power", deviation=numpy_scalars)
        raise_if(overflowed, "OverflowError", "(34, 'Numerical result out of range')", deviation=numpy_scalars)
        exponent = _constant_value(b)
        if not isinstance(exponent, Symbolic) and float(exponent).is_integer():
            return result   # a negative base to an integral power is real: never a complex result
        complex_result = logical_and(emit_test("isnan", result),
                                     logical_and(logical_not(emit_test("isnan", a)),
                                                 logical_not(emit_test("isnan", b))))
        raise_if(complex_result, "ValueError",
                 "negative number cannot be raised to a fractional power (CPython would give a "
                 "complex number; use complex operands)", deviation=True)
    return result


def emit_test(fn: str, x: Symbolic) -> Symbolic:
    return _tr().emit_value(FloatTestOp(fn, x.value))


def is_finite(x: Symbolic) -> Symbolic:
    return emit_test("isfinite", x)


# ----------------------------------------------------------------- comparisons
def compare(op: str, a: Any, b: Any) -> Any:
    """``a <op> b`` for ``== != < <= > >=``; a Python bool if both are constants.
    Of two Python numbers a Python bool (weak: ``~(a < b)`` is ``-2`` or ``-1``),
    else NumPy's ``bool_``."""
    if not isinstance(a, Symbolic) and not isinstance(b, Symbolic):
        return _PY_OPERATORS[op](a, b)
    if _strings(a, b) is not None or isinstance(a, str) or isinstance(b, str):
        from .strings import compare as compare_strings

        return compare_strings(op, a, b)
    result = _compare(op, a, b)
    if isinstance(result, Symbolic):
        result.weak = scalar_type(a, op)[1] and scalar_type(b, op)[1]
    return result


def _compare(op: str, a: Any, b: Any) -> Any:
    a, b = _unsigned_if_large(a), _unsigned_if_large(b)
    ta, wa = scalar_type(a, op)
    tb, wb = scalar_type(b, op)
    if isinstance(ta, BoolType) and isinstance(tb, BoolType):
        t: Type = bool_
    elif isinstance(_int_of_bool(ta), IntType) and isinstance(_int_of_bool(tb), IntType):
        return _compare_ints(op, a, _int_of_bool(ta), b, _int_of_bool(tb))
    else:
        t = _promote(op, _int_of_bool(ta), wa, _int_of_bool(tb), wb)
    if isinstance(t, ComplexType) and op not in ("==", "!="):
        raise _tr().error(TypingError, f"'{op}' not supported between instances of '{ta}' and '{tb}'")
    return emit(COMPARE_OPS[_COMPARE_NAMES[op]], cast(a, t), cast(b, t))


_U64 = IntType(64, False)


def _unsigned_if_large(x: Any) -> Any:
    """A Python int constant above the i64 range compares as a ``u64``."""
    if isinstance(x, int) and not isinstance(x, bool) and x > i64.max:
        return np.uint64(x)
    return x


def _compare_ints(op: str, a: Any, ta: IntType, b: Any, tb: IntType) -> Any:
    """Integers compare by their mathematical values, whatever their types
    (as Python and NumPy 2 do): in ``i64`` unless a ``u64`` is involved."""
    if _U64 not in (ta, tb):
        return emit(COMPARE_OPS[_COMPARE_NAMES[op]], cast(a, i64), cast(b, i64))
    if ta == tb:
        return emit(COMPARE_OPS[_COMPARE_NAMES[op]], cast(a, _U64), cast(b, _U64))
    signed, signed_is_left = (a, True) if ta != _U64 else (b, False)
    negative = compare("<", cast(signed, i64), 0)
    as_unsigned = emit(COMPARE_OPS[_COMPARE_NAMES[op]], cast(a, _U64), cast(b, _U64))
    # a negative signed value is below every u64
    below = {"<": True, "<=": True, ">": False, ">=": False, "==": False, "!=": True}[op]
    fixed = below if signed_is_left else (not below if op not in ("==", "!=") else below)
    return select(negative, constant(fixed, bool_), as_unsigned)


def select(cond: Any, a: Any, b: Any) -> Any:
    """``a if cond else b`` with both sides already computed (arrays: same type)."""
    if not isinstance(cond, Symbolic):
        return a if cond else b
    ta, tb = type_of(a), type_of(b)
    if ta != tb and ta is not None and tb is not None and ta.is_scalar and tb.is_scalar:
        t = result_type(a, b, "select")
        a, b = cast(a, t), cast(b, t)
    elif not isinstance(a, Symbolic) or not isinstance(b, Symbolic):
        a, b = cast(a, ta or tb), cast(b, ta or tb)
    result = emit(SelectOp, cond, a, b)
    result.weak = getattr(a, "weak", False) and getattr(b, "weak", False)
    return result


# ----------------------------------------------------------------- unary and logic
def negate(a: Symbolic) -> Symbolic:
    t, weak = scalar_type(a, "unary -")
    return _keep_weak(emit(NegOp, cast(a, _int_of_bool(t))), weak)


def _keep_weak(result: Symbolic, weak: bool) -> Symbolic:
    result.weak = weak
    return result


def positive(a: Symbolic) -> Symbolic:
    t, weak = scalar_type(a, "unary +")
    result = cast(a, _int_of_bool(t))
    return result if result is a else _keep_weak(result, weak)


def invert(a: Symbolic) -> Symbolic:
    """``~x``: bitwise on ints and Python bools (``~True == -2``); on a NumPy
    bool (an element of a bool array) it is NumPy's logical not."""
    t, weak = scalar_type(a, "unary ~")
    if isinstance(t, BoolType) and not weak:
        return emit(NotOp, a)
    t = _int_of_bool(t)
    if not isinstance(t, IntType):
        raise _tr().error(TypingError, f"bad operand type for unary ~: '{t}'")
    return _keep_weak(emit(InvertOp, cast(a, t)), weak)


def truth(x: Any) -> Any:
    """Python's ``bool(x)``: a traced bool, or a Python bool for constants."""
    if _strings(x, None) is not None:
        from .strings import truth as string_truth

        return string_truth(x)
    if isinstance(x, Symbolic) and isinstance(x.type, ListType):
        from .lists import truth as list_truth   # a layer above

        return list_truth(x)
    if isinstance(x, Symbolic) and isinstance(x.type, (DictType, SetType)):
        from . import dicts, sets   # a layer above

        return (dicts if isinstance(x.type, DictType) else sets).truth(x)
    if isinstance(x, OptionalValue):
        return _optional_truth(x)
    if not isinstance(x, Symbolic):
        if isinstance(x, (MaybeUnbound, TypeConflict)):
            raise RuntimeError("truth() of an unloaded variable")
        return bool(x)
    t = x.type
    if isinstance(t, BoolType):
        return x
    if not t.is_scalar:
        raise _tr().error(TypingError, f"a {t} has no truth value in compiled code")
    return compare("!=", x, 0)


def _optional_truth(x: OptionalValue) -> Any:
    """``bool(x)`` of a value that may be None: False where it is None (as CPython's
    ``bool(None)``), else the truth of the value; the value's truth is only selected where it is
    present, so the placeholder a None carries is never looked at."""
    if x.value is None or isinstance(x.value, Symbolic) and not x.value.type.is_scalar \
            and _strings(x.value, None) is None:
        raise _tr().error(TypingError, f"the truth value of a {x.type} (a value that may be None) is not "
                                       "supported in compiled code; test 'x is not None' first")
    present = truth(x.flag)
    if present is False:
        return False
    result = select(present, truth(x.value), False)
    if not isinstance(result, Symbolic):
        return result
    result = Symbolic(result.value, weak=True)
    _tr().function.tests[result.value] = ((x, x.value), None)  # where true, x is its value
    return result


def logical_not(x: Any) -> Any:
    """``not x``: always a Python bool, as ``not`` asks ``bool(x)`` (``not np.float64(0.5)`` and
    ``not np.True_`` are ``False``, not ``np.False_``)."""
    b = truth(x)
    if not isinstance(b, Symbolic):
        return not b
    return _keep_weak(emit(NotOp, b), True)


def logical_and(a: Any, b: Any) -> Any:
    """Non-short-circuit ``and`` of two bools (both already computed)."""
    if not isinstance(a, Symbolic):
        return b if a else False
    if not isinstance(b, Symbolic):
        return a if b else False
    return emit(BINARY_OPS["and"], a, b)


def logical_or(a: Any, b: Any) -> Any:
    if not isinstance(a, Symbolic):
        return True if a else b
    if not isinstance(b, Symbolic):
        return True if b else a
    return emit(BINARY_OPS["or"], a, b)


# ----------------------------------------------------------------- complex parts
def real(x: Symbolic) -> Symbolic:
    """``x.real``: the real part of a complex, the number itself otherwise."""
    if isinstance(x.type, ComplexType):
        return emit(RealOp, x)
    return positive(x) if isinstance(x.type, BoolType) else x


def imag(x: Symbolic) -> Symbolic:
    if isinstance(x.type, ComplexType):
        return emit(ImagOp, x)
    return constant(0, _int_of_bool(scalar_type(x, ".imag")[0]))


def conjugate(x: Symbolic) -> Symbolic:
    if isinstance(x.type, ComplexType):
        return make_complex(real(x), negate(imag(x)))
    return real(x)


def make_complex(re: Any, im: Any) -> Symbolic:
    """``complex(re, im)`` from two real numbers."""
    types = [scalar_type(v, "complex()")[0] for v in (re, im)]
    if any(isinstance(t, ComplexType) for t in types):
        raise _tr().error(TypingError, "complex() of complex parts is not supported in compiled code")
    part = FloatType(32) if all(t == FloatType(32) for t in types) else f64
    return emit(MakeComplexOp, cast(re, part), cast(im, part))


def matmul(a: Any, b: Any) -> Any:
    """``a @ b``: matrix multiplication of arrays is not compiled yet (an
    ``UnsupportedError``, see ``scalar_type``); numbers have no ``@`` in Python."""
    ta, tb = scalar_type(a, "@")[0], scalar_type(b, "@")[0]
    raise _tr().error(TypingError, f"unsupported operand type(s) for @: '{ta}' and '{tb}'")


def unify_types(types: list[Type]) -> Type | None:
    """The type all of ``types`` convert to, as Python arithmetic would; arrays that differ
    only in layout (``a`` and ``a[::2]`` meeting after a branch or around a loop) meet as
    layout ``A``, which holds any strides (each is relabelled: the same object)."""
    result = types[0]
    for t in types[1:]:
        if t == result:
            continue
        if isinstance(t, ArrayType) and isinstance(result, ArrayType) \
                and (t.dtype, t.ndim, t.readonly) == (result.dtype, result.ndim, result.readonly):
            result = ArrayType(t.dtype, t.ndim, "A", t.readonly)
            continue
        if not all(isinstance(x, (BoolType, IntType, FloatType, ComplexType)) for x in (t, result)):
            return None
        result = promote(result, t)
    return result


def extremum(op: type, values: Sequence[Any]) -> Symbolic:
    """The least (``op`` the ``MinOp``) or greatest (``MaxOp``) of real numbers,
    at least one of them traced, in the type they unify to; of Python numbers a
    Python number.  CPython returns whichever argument wins, with its own type,
    which compiled code cannot follow for mixed types (README)."""
    t = unify_types([type_of(v) for v in values])
    result = cast(values[0], t)
    for v in values[1:]:
        result = _tr().emit_value(op(result.value, cast(v, t).value))
    return Symbolic(result.value, weak=all(getattr(v, "weak", True) for v in values))


# ----------------------------------------------------------------- operators on Symbolic
def _operators() -> dict[str, Callable]:
    def binop(op: str) -> Callable:
        return lambda self, other: binary(op, self, other)

    def rbinop(op: str) -> Callable:
        return lambda self, other: binary(op, other, self)

    def cmpop(op: str) -> Callable:
        return lambda self, other: compare(op, self, other)

    table: dict[str, Callable] = {}
    for op, name in (("+", "add"), ("-", "sub"), ("*", "mul"), ("/", "truediv"), ("//", "floordiv"),
                     ("%", "mod"), ("**", "pow"), ("<<", "lshift"), (">>", "rshift"), ("&", "and"),
                     ("|", "or"), ("^", "xor")):
        table[f"__{name}__"], table[f"__r{name}__"] = binop(op), rbinop(op)
    for op, name in (("==", "eq"), ("!=", "ne"), ("<", "lt"), ("<=", "le"), (">", "gt"), (">=", "ge")):
        table[f"__{name}__"] = cmpop(op)
    return {**table, "__neg__": negate, "__pos__": positive, "__invert__": invert, "__matmul__": matmul,
            "__rmatmul__": lambda self, other: matmul(other, self),
            "real": real, "imag": imag, "conjugate": method(conjugate)}


define(Type, _operators())
