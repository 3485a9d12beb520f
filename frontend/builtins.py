"""Builtins and ``math`` functions on traced values.

Each implementation runs the plain Python function when no argument is
traced (so constants fold at trace time), and otherwise emits ops with
CPython's semantics and errors:

* ``math`` functions raise ``ValueError: math domain error`` where CPython
  does (the result is NaN from a non-NaN input, or infinite from a finite
  input for functions that cannot overflow) and ``OverflowError: math range
  error`` where the result overflows;
* ``int()``, ``round()``, ``math.floor/ceil/trunc`` of a float raise on NaN
  and infinities as CPython does; compiled ints are 64-bit, so a float
  outside that range raises ``OverflowError`` where CPython would make a big
  int;
* ``min``/``max`` of mixed int/float give a float (CPython returns the
  winning object unchanged); NaN handling follows CPython's left-to-right
  rule;
* ``round(x, n)`` rounds ``x * 10**n`` half-to-even and divides back, which
  can differ from CPython's correctly rounded result in the last digit;
* ``math.gamma``, ``math.lgamma`` and ``math.hypot`` are CPython's own
  algorithms, not the C library's: calls of their ports in ``frontend.pylib``;
  ``abs()`` of a complex number is the C ``hypot``, as in CPython.

Layer: above arrays, iteration and ``frontend.sequences``; it also defines
``abs()`` of traced values (``values.define``).
"""
from __future__ import annotations

import builtins
import math
from typing import Any, Callable

from ir import TypingError, UnsupportedError
from ir.ops import CastOp, Math2Op, MathOp, MaxOp, MinOp, SelectOp
from ir.types import BoolType, ComplexType, FloatType, IntType, Type, f64, i64

from . import arith, arrays, iteration, pyint, pylib, pymath
from .arith import unify_types
from .context import TraceContext, current
from .raising import user_computation
from .sequences import ParallelRange, Range, is_prange, range_length
from .values import OptionalValue, Symbolic, define, describe, python_class, type_of


def _tr() -> TraceContext:
    return current()


def _traced(*args: Any) -> bool:
    return any(isinstance(a, Symbolic) for a in args)


def _folding(py: Callable) -> Callable[[Callable], Callable]:
    """Run ``py`` when no argument is traced, else the decorated function."""
    def wrap(staged: Callable) -> Callable:
        def impl(*args: Any, **kwargs: Any) -> Any:
            if not _traced(*args, *kwargs.values()):
                return user_computation(py, *args, **kwargs)
            return staged(*args, **kwargs)
        impl.__name__ = getattr(py, "__name__", staged.__name__)
        return impl
    return wrap


def _real(x: Any, fname: str) -> Symbolic:
    """``x`` as a C double for a ``math`` function, as CPython converts it
    (ints, bools and ``float32`` too: ``math.sqrt(np.float32(2))`` is a float)."""
    return arith.cast(arith.as_float(x, f"{fname}()"), f64)


def _python_number(impl: Callable) -> Callable:
    """``impl`` with its traced result weak: the builtin returns a Python
    int/float whatever NumPy type its argument had (``int(np.uint8(3))`` is
    the int 3, which a NumPy operand it meets later does not widen to)."""
    def python_number(*args: Any, **kwargs: Any) -> Any:
        r = impl(*args, **kwargs)
        return Symbolic(r.value, weak=True) if isinstance(r, Symbolic) else r
    python_number.__name__ = impl.__name__
    return python_number


def _isnan(x: Symbolic) -> Any:
    return arith.emit_test("isnan", x)


def _isinf(x: Symbolic) -> Any:
    return arith.emit_test("isinf", x)


DOMAIN, RANGE = "math domain error", "math range error"
_CAN_OVERFLOW = {"exp", "exp2", "expm1", "sinh", "cosh"}
#: the functions of one argument whose result is never NaN for a number, and never infinite for
#: a finite number (the C library's, which CPython calls): their check of that is left out
_NEVER_NAN = {"exp", "exp2", "expm1", "sinh", "cosh", "tanh", "atan", "asinh", "erf", "erfc", "fabs", "cbrt"}
_NEVER_INFINITE = {"sqrt", "sin", "cos", "tan", "asin", "acos", "atan", "tanh", "asinh", "acosh", "erf", "erfc",
                   "fabs", "cbrt"}


def _math1(fn: str) -> Callable:
    def staged(x: Any) -> Symbolic:
        x = _real(x, fn)
        r = _tr().emit_value(MathOp(fn, x.value))
        _check_math_result(r, [x], fn in _CAN_OVERFLOW, nan_check=fn not in _NEVER_NAN,
                           infinity_check=fn not in _NEVER_INFINITE)
        return r
    return staged


def _check_math_result(r: Symbolic, inputs: list[Symbolic], can_overflow: bool, nan_check: bool = True,
                       infinity_check: bool = True) -> None:
    """CPython's ``math_1``/``math_2`` error rules, on the result: a NaN of numbers (where
    ``nan_check``) or an infinity of finite numbers (where ``infinity_check``) raises."""
    no_nan_input = True
    finite_input: Any = True
    for x in inputs:
        no_nan_input = arith.logical_and(no_nan_input, arith.logical_not(_isnan(x)))
        finite_input = arith.logical_and(finite_input, arith.is_finite(x))
    if nan_check:
        arith.raise_if(arith.logical_and(_isnan(r), no_nan_input), "ValueError", DOMAIN)
    if infinity_check:
        arith.raise_if(arith.logical_and(_isinf(r), finite_input), "OverflowError" if can_overflow else "ValueError",
                       RANGE if can_overflow else DOMAIN)


def _pylib_math1(fn: str, port: Callable) -> Callable:
    """``math.<fn>`` by CPython's algorithm: ``port`` (from ``frontend.pylib``)
    returns ``(result, error code)``; the error is raised here, at the caller's line."""
    def staged(x: Any) -> Symbolic:
        r, error = _tr().call(port, (arith.cast(_real(x, fn), f64),), {})
        arith.raise_if(arith.compare("==", error, pylib.DOMAIN), "ValueError", DOMAIN)
        arith.raise_if(arith.compare("==", error, pylib.RANGE), "OverflowError", RANGE)
        return r
    return staged


def _math_hypot(x: Any, y: Any) -> Symbolic:
    """CPython's two-argument ``math.hypot`` (``vector_norm``): never raises."""
    x, y = arith.cast(_real(x, "hypot"), f64), arith.cast(_real(y, "hypot"), f64)
    return _tr().call(pylib.hypot, (x, y), {})


def _math2(fn: str, check: bool = True) -> Callable:
    def staged(x: Any, y: Any) -> Symbolic:
        x, y = _real(x, fn), _real(y, fn)
        t = unify_types([x.type, y.type])
        x, y = arith.cast(x, t), arith.cast(y, t)
        r = _tr().emit_value(Math2Op(fn, x.value, y.value))
        if check:
            _check_math_result(r, [x, y], False)
        return r
    return staged


def _math_pow(x: Any, y: Any) -> Symbolic:
    x, y = _real(x, "pow"), _real(y, "pow")
    t = unify_types([x.type, y.type])
    x, y = arith.cast(x, t), arith.cast(y, t)
    r = _tr().emit_value(Math2Op("pow", x.value, y.value))
    finite = arith.logical_and(arith.is_finite(x), arith.is_finite(y))
    overflow = arith.logical_and(_isinf(r), finite)
    arith.raise_if(arith.logical_and(overflow, arith.compare("==", x, 0.0)), "ValueError", DOMAIN)
    arith.raise_if(overflow, "OverflowError", RANGE)
    no_nan = arith.logical_and(arith.logical_not(_isnan(x)), arith.logical_not(_isnan(y)))
    arith.raise_if(arith.logical_and(_isnan(r), no_nan), "ValueError", DOMAIN)
    return r


def _math_log(x: Any, base: Any = None) -> Symbolic:
    if base is None:
        return _math1("log")(x)
    num = _math1("log")(x)
    den = _math1("log")(base) if isinstance(base, Symbolic) else math.log(base)
    return arith.binary("/", num, den)


_INT_TOO_LARGE = "int too large to convert to a 64-bit integer (compiled code uses 64-bit ints)"


def to_int(x: Symbolic, rounding: str | None = None) -> Symbolic:
    """A float to i64 as ``int()`` does (after ``rounding``), with CPython's errors."""
    if rounding is not None:
        x = _tr().emit_value(MathOp(rounding, x.value))
    def exact_checks() -> None:
        arith.raise_if(_isnan(x), "ValueError", "cannot convert float NaN to integer")
        arith.raise_if(_isinf(x), "OverflowError", "cannot convert float infinity to integer")
        out = arith.logical_or(arith.compare(">=", x, 2.0 ** 63), arith.compare("<", x, -(2.0 ** 63)))
        arith.raise_if(out, "OverflowError", _INT_TOO_LARGE, deviation=True)   # CPython: a big int

    # one test on the common path: every float in (-2**63, 2**63) converts (NaN fails the
    # test); the checks that tell the errors apart run only where it fails
    in_range = arith.compare("<", _tr().emit_value(MathOp("fabs", x.value)), 2.0 ** 63)
    arith.checks_unless(in_range, exact_checks)
    if not isinstance(x, Symbolic):
        return arith.cast(x, i64)
    cast = CastOp(x.value, i64)
    cast.attributes["in_range"] = True   # every value the checks let through is in [-2**63, 2**63)
    return _tr().emit_value(cast)


def _rounding_to_int(fn: str, pyfn: Callable) -> Callable:
    @_folding(pyfn)
    def staged(x: Any) -> Symbolic:
        t = type_of(x)
        if isinstance(t, (IntType, BoolType)):
            return arith.cast(x, i64)
        return to_int(_real(x, fn), fn)
    return staged


# ----------------------------------------------------------------- builtins
@_folding(builtins.abs)
def _abs(x: Any) -> Symbolic:
    """``abs`` of a Python number is a Python number, of a NumPy scalar one of its type; of
    an array, the array's ``abs`` (NumPy's ``absolute``, element-wise)."""
    if arrays.is_array(x):
        return x.__abs__()
    r = _abs_value(x)
    return Symbolic(r.value, weak=x.weak) if isinstance(x, Symbolic) else r


def _abs_value(x: Any) -> Symbolic:
    t = type_of(x)
    if isinstance(t, (IntType, BoolType)):
        x = arith.cast(x, i64 if isinstance(t, BoolType) else t)
        neg = arith.compare("<", x, 0)
        return _tr().emit_value(SelectOp(neg.value, arith.negate(x).value, x.value))
    if isinstance(t, FloatType):
        return _tr().emit_value(MathOp("fabs", x.value))
    if isinstance(t, ComplexType):  # CPython: hypot of the parts, OverflowError if that overflows
        re, im = arith.real(x), arith.imag(x)
        r = _tr().emit_value(Math2Op("hypot", re.value, im.value))
        # CPython returns its own NaN (positive, no payload) where C hypot passes a NaN part on
        r = _tr().emit_value(SelectOp(_isnan(r).value, arith.constant(math.nan, r.type).value, r.value))
        finite = arith.logical_and(arith.is_finite(re), arith.is_finite(im))
        arith.raise_if(arith.logical_and(finite, _isinf(r)), "OverflowError", "absolute value too large")
        return r
    raise _tr().error(TypingError, f"abs() of a {describe(x)} is not supported in compiled code")


def _min_max(name: str, py: Callable, op: type) -> Callable:
    def impl(*args: Any, **kwargs: Any) -> Any:
        if kwargs:
            raise _tr().error(UnsupportedError, f"{name}() with keyword arguments is not supported "
                                                "in compiled code")
        values = tuple(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
        if not values:
            raise _tr().error(TypingError, f"{name}() arg is an empty sequence")
        if not _traced(*values):
            return py(*args)   # (of one sequence: max([3]) is 3, not max(3))
        for v in values:
            t = type_of(v)
            if t is None or not t.is_scalar or isinstance(t, ComplexType):
                raise _tr().error(TypingError, f"{name}() of a {describe(v)} is not supported")
        return arith.extremum(op, values)
    impl.__name__ = name
    return impl


@_folding(builtins.int)
def _int(x: Any = 0) -> Symbolic:
    """``int(x)``: a Python int, which compiled code holds in 64 bits: a ``uint64``
    above 2**63 - 1 raises ``OverflowError`` rather than wrapping."""
    t = type_of(x)
    if isinstance(t, (IntType, BoolType)):
        if t == IntType(64, False):
            arith.raise_if(arith.compare(">", x, i64.max), "OverflowError", _INT_TOO_LARGE, deviation=True)
        return arith.cast(x, i64)
    if isinstance(t, FloatType):
        return to_int(x)
    from . import strings   # a layer above

    if strings.run_time_str_like(x):
        return strings.to_number(x, builtins.int)
    raise _tr().error(TypingError, f"int() of a {describe(x)} is not supported in compiled code")


@_folding(builtins.float)
def _float(x: Any = 0.0) -> Symbolic:
    t = type_of(x)
    from . import strings   # a layer above

    if strings.run_time_str_like(x):
        return strings.to_number(x, builtins.float)
    if t is None or not t.is_scalar or isinstance(t, ComplexType):
        raise _tr().error(TypingError, f"float() of a {describe(x)} is not supported in compiled code")
    return arith.cast(x, f64)


@_folding(builtins.complex)
def _complex(re: Any = 0.0, im: Any = 0.0) -> Symbolic:
    if type_of(re) is not None and isinstance(type_of(re), ComplexType) and im == 0.0 and not isinstance(im, Symbolic):
        return re
    return arith.make_complex(re, im)


@_folding(builtins.bool)
def _bool(x: Any = False) -> Any:
    """``bool(x)``: always a Python bool (``bool(np.float64(0.5))`` is ``True``, not ``np.True_``)."""
    b = arith.truth(x)
    return Symbolic(b.value, weak=True) if isinstance(b, Symbolic) and not b.weak else b


@_folding(builtins.round)
def _round(x: Any, ndigits: Any = None) -> Symbolic:
    t = type_of(x)
    if isinstance(ndigits, Symbolic) or ndigits is not None and isinstance(x, Symbolic) and x.weak \
            and (isinstance(t, FloatType) or ndigits < 0):   # CPython's correctly rounded decimal
        return pymath.round_digits(x, ndigits)
    if isinstance(t, (IntType, BoolType)):
        if ndigits is not None and ndigits < 0:
            raise _tr().error(UnsupportedError, "round() of an int to negative digits is not supported")
        if ndigits is None or isinstance(t, BoolType):
            return _python_number(arith.cast)(x, i64)   # a Python int
        return arith.cast(x, t)   # x itself, of its own type: an np.int8 stays one
    if not isinstance(t, FloatType):
        raise _tr().error(TypingError, f"round() of a {describe(x)} is not supported")
    if ndigits is None:
        return _python_number(to_int)(x, "rint")
    scale = 10.0 ** ndigits
    scaled = _tr().emit_value(MathOp("rint", arith.binary("*", x, scale).value))
    return arith.binary("/", scaled, scale)


@_folding(builtins.divmod)
def _divmod(a: Any, b: Any) -> tuple:
    ta, tb = type_of(a), type_of(b)
    if not all(isinstance(t, (IntType, BoolType, FloatType)) for t in (ta, tb)):
        raise _tr().error(TypingError, f"unsupported operand type(s) for divmod(): '{ta}' and '{tb}'")
    # the types meet as for // and % (a Python int does not widen an np.int8: NEP 50)
    t = arith.result_type(a, b, "//")
    message = "float divmod()" if isinstance(t, FloatType) else "integer division or modulo by zero"
    arith.raise_if(arith.compare("==", b, 0), "ZeroDivisionError", message)
    return arith.binary("//", a, b), arith.binary("%", a, b)


@_folding(builtins.pow)
def _pow(base: Any, exp: Any, mod: Any = None) -> Any:
    if mod is not None:
        raise _tr().error(UnsupportedError, "pow() with a modulus is not supported in compiled code")
    return arith.binary("**", base, exp)


def _len(x: Any) -> Any:
    if arrays.is_array(x):
        return arrays.length(x)
    from . import strings   # a layer above

    if strings.run_time_str_like(x):
        return strings.length(x)
    if isinstance(x, Range):
        return range_length(x)
    if isinstance(x, Symbolic):
        raise _tr().error(TypingError, f"object of type '{x.type}' has no len()")
    return len(x)


def _ord(c: Any) -> Any:
    from . import strings   # a layer above

    return strings.ord_(c) if strings.run_time_str_like(c) else user_computation(builtins.ord, c)


def _chr(n: Any) -> Any:
    from . import strings   # a layer above

    return strings.chr_(n) if isinstance(n, Symbolic) else user_computation(builtins.chr, n)


def _degrees(x: Any) -> Any:
    return arith.binary("*", _real(x, "degrees"), 180.0 / math.pi)


def _radians(x: Any) -> Any:
    return arith.binary("*", _real(x, "radians"), math.pi / 180.0)


def _isinstance(obj: Any, classinfo: Any) -> Any:
    """``isinstance`` of a traced value: of the class of the object CPython would hold
    (``values.python_class``: an ``np.float64`` is a ``float`` and an ``np.floating``, an
    ``np.int64`` is no ``int``, an array is an ``np.ndarray``); of a value that may be None,
    a run-time answer where the two differ."""
    if isinstance(obj, OptionalValue):
        present, absent = _isinstance(obj.value, classinfo), builtins.isinstance(None, classinfo)
        return present if present == absent else arith.select(obj.flag, present, absent)
    if not isinstance(obj, Symbolic):
        return builtins.isinstance(obj, classinfo)
    builtins.isinstance(None, classinfo)   # CPython's TypeError for a classinfo that is no class
    return builtins.issubclass(_class_of(obj, "isinstance"), classinfo)


def _type(*args: Any, **kwargs: Any) -> Any:
    """``type(x)`` of a traced value: the class of the object CPython would hold (see
    :func:`_isinstance`); ``type(name, bases, namespace)`` as Python makes it."""
    if len(args) == 1 and not kwargs and isinstance(args[0], Symbolic):
        return _class_of(args[0], "type")
    if len(args) == 1 and not kwargs and isinstance(args[0], OptionalValue):
        raise _tr().error(UnsupportedError, "type() of a value that may be None is not supported in compiled code; "
                                            "test 'x is None' first")
    return builtins.type(*args, **kwargs)


def _class_of(x: Symbolic, fname: str) -> type:
    cls = python_class(x)
    if cls is None:
        raise _tr().error(UnsupportedError, f"{fname}() of a traced {x.type} is not supported in compiled code")
    return cls


def _int_argument(x: Any, fname: str) -> Symbolic:
    t = type_of(x)
    if not isinstance(t, (IntType, BoolType)):
        raise _tr().error(TypingError, f"'{describe(x)}' object cannot be interpreted as an integer ({fname})")
    return arith.cast(x, i64)


@_folding(math.gcd)
def _gcd(*args: Any) -> Any:
    result: Any = 0
    for a in args:
        result = _tr().call(pyint.gcd, (result, _int_argument(a, "gcd")), {})
    return result


@_folding(math.isqrt)
def _isqrt(n: Any) -> Symbolic:
    n = _int_argument(n, "isqrt")
    arith.raise_if(arith.compare("<", n, 0), "ValueError", "isqrt() argument must be nonnegative")
    return _tr().call(pyint.isqrt, (n,), {})


@_folding(math.factorial)
def _factorial(n: Any) -> Symbolic:
    n = _int_argument(n, "factorial")
    arith.raise_if(arith.compare("<", n, 0), "ValueError", "factorial() not defined for negative values")
    arith.raise_if(arith.compare(">", n, 20), "OverflowError",
                   "factorial() of {} does not fit in a 64-bit integer (compiled code uses 64-bit ints)", n,
                   deviation=True)
    return _tr().call(pyint.factorial, (n,), {})


def _float_test(fn: str) -> Callable:
    def staged(x: Any) -> Any:
        t = type_of(x)
        if isinstance(t, (IntType, BoolType)):
            return fn == "isfinite"
        return arith.emit_test(fn, _real(x, fn))
    return staged


def _build_table() -> dict[Any, Callable]:
    table: dict[Any, Callable] = {
        builtins.range: Range, builtins.abs: _abs, builtins.int: _python_number(_int),
        builtins.float: _python_number(_float),
        builtins.bool: _bool, builtins.complex: _python_number(_complex), builtins.round: _round, builtins.divmod: _divmod, builtins.pow: _pow,
        builtins.len: _len, builtins.isinstance: _isinstance, builtins.type: _type, builtins.ord: _ord, builtins.chr: _chr,
        builtins.enumerate: iteration.enumerate_, builtins.zip: iteration.zip_,
        builtins.reversed: iteration.reversed_,
        math.gcd: _gcd, math.isqrt: _isqrt, math.factorial: _factorial,
        builtins.min: _min_max("min", builtins.min, MinOp),
        builtins.max: _min_max("max", builtins.max, MaxOp),
        math.log: _folding(math.log)(_math_log),
        math.pow: _folding(math.pow)(_math_pow),
        math.floor: _rounding_to_int("floor", math.floor),
        math.ceil: _rounding_to_int("ceil", math.ceil),
        math.trunc: _rounding_to_int("trunc", math.trunc),
        math.degrees: _folding(math.degrees)(_degrees),
        math.radians: _folding(math.radians)(_radians),
    }
    for fn in ("sqrt", "exp", "expm1", "log2", "log10", "log1p", "sin", "cos", "tan", "asin", "acos",
               "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "erf", "erfc", "fabs", "cbrt",
               "exp2"):
        table[getattr(math, fn)] = _folding(getattr(math, fn))(_math1(fn))
    table[math.gamma] = _folding(math.gamma)(_pylib_math1("gamma", pylib.tgamma_errno))
    table[math.lgamma] = _folding(math.lgamma)(_pylib_math1("lgamma", pylib.lgamma_errno))
    table[math.hypot] = _folding(math.hypot)(_math_hypot)
    for fn, check in (("atan2", True), ("copysign", False), ("fmod", True), ("remainder", True)):
        table[getattr(math, fn)] = _folding(getattr(math, fn))(_math2(fn, check))
    for fn in ("isnan", "isinf", "isfinite"):
        table[getattr(math, fn)] = _folding(getattr(math, fn))(_float_test(fn))
    # every math function returns a Python float or int
    return {f: _python_number(impl) if getattr(f, "__module__", None) == "math" else impl
            for f, impl in table.items()}


_TABLE = _build_table()
#: ``x.__abs__()``, which C code calls (``map(abs, xs)``)
define(Type, {"__abs__": _abs})


def lookup(f: Any) -> Callable | None:
    """Our implementation of ``f``, or None if it is not a builtin we stage.

    A ``math`` function we do not stage is an ``UnsupportedError`` (passing a
    traced value to the C function would fail obscurely).
    """
    if is_prange(f):
        return ParallelRange
    try:
        impl = _TABLE.get(f)
    except TypeError:  # unhashable callables
        return None
    if impl is None and getattr(f, "__self__", None) is math:
        def unsupported(*args: Any, **kwargs: Any) -> Any:
            if not _traced(*args, *kwargs.values()):
                return f(*args, **kwargs)
            raise _tr().error(UnsupportedError, f"math.{f.__name__}() is not supported in compiled code "
                                                "yet; write it with supported operations")
        return unsupported
    return impl
