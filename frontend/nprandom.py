"""``np.random``'s legacy functions drawn natively, from NumPy's own global generator.

Each call draws when the compiled code runs (never while tracing), from the
state ``np.random.seed`` sets -- inside or outside compiled code -- through the
ports of ``frontend.pyrandom``, so a seeded program draws the numbers CPython
draws.  Arguments are checked as NumPy checks them, with NumPy's messages, at
the caller's line.  Scalar draws give Python numbers, as NumPy's do; ``size=``
(an int or a tuple of ints) gives a new C-contiguous array filled in C order,
as NumPy fills it.

Native here: ``random``, ``random_sample``, ``rand``, ``randn``,
``standard_normal``, ``normal``, ``uniform``, ``exponential``, ``poisson``
(NumPy's own compiled ``random_poisson``), ``binomial``, ``randint``
(``dtype=int`` or ``np.int64``), ``choice`` (of an int or a 1-d array, with or
without replacement, no ``p``), ``shuffle`` (1-d arrays) and ``permutation``
(an int or a 1-d array).  A ``np.random.Generator`` passed in as an argument (or read
from a global or closure variable) draws with its ``random``, ``standard_normal``, ``normal``, ``uniform`` and
``integers`` (int64) methods, the numbers the same calls give in Python.
NumPy's other distributions with number arguments
and no ``size`` are called back at run time (``frontend.runtime_calls``).
"""
from __future__ import annotations

import sys
import types
from typing import Any, Callable

import numpy as np

from ir import TypingError, UnsupportedError
from ir.ops import GeneratorOp, PutGaussOp, RandomCallOp, RandomDrawOp, TakeGaussOp
from ir.types import BoolType, FloatType, GeneratorType, IntType, f64, i8, i64, u64

from . import arith, arrays, numpy_api, pyrandom
from .context import TraceContext, current
from .pycall import register
from .values import Symbolic, define, describe, method, type_of

__all__ = ["lookup"]


def _tr() -> TraceContext:
    return current()


# ----------------------------------------------------------------- primitives (the ops)
def _draw(kind: str) -> Callable[[], Symbolic]:
    return lambda: _tr().emit_value(RandomDrawOp(kind))


def _take_gauss() -> tuple[Symbolic, Symbolic]:
    op = _tr().emit(TakeGaussOp())
    return Symbolic(op.results[0]), Symbolic(op.results[1])


def _put_gauss(value: Any) -> None:
    _tr().emit(PutGaussOp(arith.cast(value, f64).value))


def _numpy_poisson(lam: Any) -> Symbolic:
    return _tr().emit_value(RandomCallOp("random_poisson", [arith.cast(lam, f64).value], i64))


def _draw_generator_double(g: Symbolic) -> Symbolic:
    return _tr().emit_value(RandomDrawOp("double", g.value))


def _draw_generator_standard_normal(g: Symbolic) -> Symbolic:
    return _tr().emit_value(RandomCallOp("random_standard_normal", [], f64, g.value))


def _draw_generator_bounded(g: Symbolic, limit: Any) -> Symbolic:
    zero = arith.constant(0, u64).value
    args = [zero, arith.cast(limit, u64).value, zero, arith.constant(0, i8).value]   # off, rng, mask, use_masked
    return _tr().emit_value(RandomCallOp("random_bounded_uint64", args, u64, g.value))


# ----------------------------------------------------------------- argument checks
def _number(x: Any, name: str, fname: str) -> Any:
    t = type_of(x)
    if not isinstance(t, (BoolType, IntType, FloatType)):
        raise _tr().error(TypingError, f"np.random.{fname}(): {name} must be a number, not {describe(x)}")
    return Symbolic(arith.cast(x, f64).value, weak=True) if isinstance(x, Symbolic) else float(x)


def _integer(x: Any, name: str, fname: str) -> Any:
    if not isinstance(type_of(x), (BoolType, IntType)):
        raise _tr().error(TypingError, f"np.random.{fname}(): {name} must be an int, not {describe(x)}")
    return Symbolic(arith.cast(x, i64).value, weak=True) if isinstance(x, Symbolic) else int(x)


def _not_negative(x: Any, name: str) -> None:
    """NumPy's ``CONS_NON_NEGATIVE``: a negative value or -0.0 raises (NaN passes)."""
    arith.raise_if(_tr().call(pyrandom.sign_bit, (x,), {}), "ValueError", f"{name} < 0")


# ----------------------------------------------------------------- results
def _scalar(port: Callable, args: tuple, weak: bool = True) -> Any:
    """One draw: a Python number where ``weak`` (NumPy's legacy functions give ``int`` and
    ``float``), else a NumPy scalar -- also where the port's result is known while compiling
    (``randint(5, 6)`` traced into a ``try`` body is the constant 5)."""
    result = _tr().call(port, args, {})
    if isinstance(result, Symbolic):
        result.weak = weak
    elif weak and isinstance(result, np.generic):
        result = result.item()
    return result


def _sized(port: Callable, args: tuple, size: Any, dtype) -> Any:
    """One draw, or an array of ``size`` draws."""
    if size is None:
        return _scalar(port, args)
    out = numpy_api.allocate(_shape(size), dtype)
    _tr().call(pyrandom.fill, (out, port, args), {})
    return out


def _shape(size: Any) -> Any:
    if isinstance(size, Symbolic) and not isinstance(size.type, (IntType, BoolType)):
        size = _tr().unpack(size)
    return size


# ----------------------------------------------------------------- the functions
def random_sample(size: Any = None) -> Any:
    return _sized(pyrandom.random_sample, (), size, f64)


def rand(*dims: Any) -> Any:
    return _sized(pyrandom.random_sample, (), dims or None, f64)


def randn(*dims: Any) -> Any:
    return _sized(pyrandom.gauss, (), dims or None, f64)


def standard_normal(size: Any = None) -> Any:
    return _sized(pyrandom.gauss, (), size, f64)


def normal(loc: Any = 0.0, scale: Any = 1.0, size: Any = None) -> Any:
    loc, scale = _number(loc, "loc", "normal"), _number(scale, "scale", "normal")
    _not_negative(scale, "scale")
    return _sized(pyrandom.normal, (loc, scale), size, f64)


def exponential(scale: Any = 1.0, size: Any = None) -> Any:
    scale = _number(scale, "scale", "exponential")
    _not_negative(scale, "scale")
    return _sized(pyrandom.exponential, (scale,), size, f64)


def uniform(low: Any = 0.0, high: Any = 1.0, size: Any = None) -> Any:
    low, high = _number(low, "low", "uniform"), _number(high, "high", "uniform")
    width = arith.binary("-", high, low)
    arith.raise_if(arith.logical_not(arith.is_finite(width)), "OverflowError", "Range exceeds valid bounds")
    return _sized(pyrandom.uniform, (low, width), size, f64)


def randint(low: Any, high: Any = None, size: Any = None, dtype: Any = int) -> Any:
    if dtype not in (int, np.int64, "int64", "l"):
        raise _tr().error(UnsupportedError, "np.random.randint() in compiled code draws int64 values only "
                                            "(dtype=int or np.int64)")
    if high is None:
        low, high = 0, low
    low, high = _integer(low, "low", "randint"), _integer(high, "high", "randint")
    empty = arith.compare(">=", low, high)
    at_zero = arith.compare("==", low, 0)
    arith.raise_if(arith.logical_and(empty, at_zero), "ValueError", "high <= 0")
    arith.raise_if(arith.logical_and(empty, arith.logical_not(at_zero)), "ValueError", "low >= high")
    return _sized(pyrandom.randint, (low, high), size, i64)


#: NumPy's largest legacy Poisson mean (``LEGACY_POISSON_LAM_MAX`` of ``numpy/random/_common.pyx``)
LEGACY_POISSON_LAM_MAX = float(np.iinfo(np.int64).max) - np.sqrt(np.iinfo(np.int64).max) * 10


def poisson(lam: Any = 1.0, size: Any = None) -> Any:
    lam = _number(lam, "lam", "poisson")
    arith.raise_if(arith.logical_not(arith.compare(">=", lam, 0.0)), "ValueError", "lam < 0 or lam is NaN")
    arith.raise_if(arith.compare(">", lam, float(LEGACY_POISSON_LAM_MAX)), "ValueError", "lam value too large")
    return _sized(pyrandom.poisson, (lam,), size, i64)


def binomial(n: Any, p: Any, size: Any = None) -> Any:
    n, p = _integer(n, "n", "binomial"), _number(p, "p", "binomial")
    inside = arith.logical_and(arith.compare(">=", p, 0.0), arith.compare("<=", p, 1.0))
    arith.raise_if(arith.logical_not(inside), "ValueError", "p < 0, p > 1 or p is NaN")
    arith.raise_if(arith.compare("<", n, 0), "ValueError", "n < 0")
    return _sized(pyrandom.binomial, (n, p), size, i64)


def _population(a: Any) -> tuple[Any, Any]:
    """``(the array or None, its size)`` of ``choice``'s ``a``."""
    if arrays.is_array(a):
        if a.type.ndim != 1:
            raise _tr().error(UnsupportedError, "np.random.choice() in compiled code takes a 1-d array or an int")
        count = arrays.length(a)
        arith.raise_if(arith.compare("==", count, 0), "ValueError",
                       "'a' cannot be empty unless no samples are taken")
        return a, count
    if isinstance(a, (list, tuple)) or isinstance(a, Symbolic) and not isinstance(a.type, (IntType, BoolType)):
        raise _tr().error(UnsupportedError, f"np.random.choice() in compiled code takes an int or a 1-d NumPy "
                                            f"array, not a {describe(a)}; pass np.array(...) in")
    count = _integer(a, "a", "choice")
    arith.raise_if(arith.compare("<=", count, 0), "ValueError",
                   "a must be greater than 0 unless no samples are taken")
    return None, count


def choice(a: Any, size: Any = None, replace: Any = True, p: Any = None) -> Any:
    if p is not None:
        raise _tr().error(UnsupportedError, "np.random.choice(..., p=...) is not supported in compiled code")
    if isinstance(replace, Symbolic):
        raise _tr().error(TypingError, "np.random.choice(replace=...) must be a constant True or False")
    array, count = _population(a)
    dtype = array.type.dtype if array is not None else i64
    if replace:
        if array is None:
            return _sized(pyrandom.randint, (0, count), size, i64)
        if size is None:
            return arrays.getitem(array, _scalar(pyrandom.randint, (0, count), weak=False))
        out = numpy_api.allocate(_shape(size), dtype)
        _tr().call(pyrandom.choose, (out, array, count), {})
        return out
    if size is not None and not isinstance(type_of(size), (IntType, BoolType)):
        raise _tr().error(UnsupportedError, "np.random.choice(..., replace=False) in compiled code takes an int "
                                            "size")
    taken = 1 if size is None else size
    arith.raise_if(arith.compare(">", taken, count), "ValueError",
                   "Cannot take a larger sample than population when 'replace=False'")
    arith.raise_if(arith.compare("<", taken, 0), "ValueError", "Negative dimensions are not allowed")
    source = array if array is not None else numpy_api.arange(count)
    out = numpy_api.allocate(taken, dtype)
    _tr().call(pyrandom.sample_without_replacement, (out, source, count), {})
    if size is None:
        element = arrays.getitem(out, 0)
        if array is None:
            element.weak = True
        return element
    return out


def shuffle(x: Any) -> None:
    if not arrays.is_array(x) or x.type.ndim != 1:
        raise _tr().error(UnsupportedError, "np.random.shuffle() in compiled code takes a 1-d array, "
                                            f"not {describe(x)}")
    if x.type.readonly:
        raise _tr().error(TypingError, "np.random.shuffle(): array is read-only")
    _tr().call(pyrandom.shuffle, (x,), {})


def permutation(x: Any) -> Any:
    if arrays.is_array(x):
        if x.type.ndim != 1:
            raise _tr().error(UnsupportedError, "np.random.permutation() in compiled code takes an int or a "
                                                "1-d array")
        out = numpy_api.copy(x)
        _tr().call(pyrandom.shuffle, (out,), {})
        return out
    n = _integer(x, "x", "permutation")
    out = numpy_api.allocate(n, i64)
    _tr().call(pyrandom.permutation_into, (out,), {})
    return out


# ----------------------------------------------------------------- np.random.Generator methods
def _generator_random(g: Symbolic, size: Any = None, dtype: Any = np.float64, out: Any = None) -> Any:
    _float64_only("random", dtype, out)
    return _sized(pyrandom.generator_random, (g,), size, f64)


def _generator_standard_normal(g: Symbolic, size: Any = None, dtype: Any = np.float64, out: Any = None) -> Any:
    _float64_only("standard_normal", dtype, out)
    return _sized(pyrandom.generator_standard, (g,), size, f64)


def _generator_normal(g: Symbolic, loc: Any = 0.0, scale: Any = 1.0, size: Any = None) -> Any:
    loc, scale = _number(loc, "loc", "normal"), _number(scale, "scale", "normal")
    _not_negative(scale, "scale")
    return _sized(pyrandom.generator_normal, (g, loc, scale), size, f64)


def _generator_uniform(g: Symbolic, low: Any = 0.0, high: Any = 1.0, size: Any = None) -> Any:
    low, high = _number(low, "low", "uniform"), _number(high, "high", "uniform")
    width = arith.binary("-", high, low)
    arith.raise_if(arith.logical_not(arith.is_finite(width)), "OverflowError", "high - low range exceeds valid bounds")
    _not_negative(width, "high - low")
    return _sized(pyrandom.generator_uniform, (g, low, width), size, f64)


def _generator_integers(g: Symbolic, low: Any, high: Any = None, size: Any = None, dtype: Any = np.int64,
                        endpoint: Any = False) -> Any:
    if dtype not in (np.int64, "int64"):
        raise _tr().error(UnsupportedError, "Generator.integers() in compiled code draws int64 values only")
    if not isinstance(endpoint, bool):
        raise _tr().error(TypingError, "Generator.integers(endpoint=...) must be a constant True or False")
    if high is None:
        low, high = 0, low
    low, high = _integer(low, "low", "integers"), _integer(high, "high", "integers")
    last = high if endpoint else arith.binary("-", high, 1)
    empty = arith.compare(">", low, last)
    at_zero = arith.compare("==", low, 0)
    zero_message, message = ("high < 0", "low > high") if endpoint else ("high <= 0", "low >= high")
    arith.raise_if(arith.logical_and(empty, at_zero), "ValueError", zero_message)
    arith.raise_if(arith.logical_and(empty, arith.logical_not(at_zero)), "ValueError", message)
    if size is None:
        return _scalar(pyrandom.generator_integers, (g, low, last), weak=False)
    return _sized(pyrandom.generator_integers, (g, low, last), size, i64)


def _float64_only(name: str, dtype: Any, out: Any) -> None:
    if dtype not in (np.float64, "float64", float) or out is not None:
        raise _tr().error(UnsupportedError, f"Generator.{name}() in compiled code draws float64 values, "
                                            "without out=")


GENERATOR_METHODS = {"random": _generator_random, "standard_normal": _generator_standard_normal,
                     "normal": _generator_normal, "uniform": _generator_uniform, "integers": _generator_integers}


#: the methods of a traced ``Generator`` (``rng.normal(0.0, 1.0)``)
define(GeneratorType, {name: method(staged) for name, staged in GENERATOR_METHODS.items()})


_TABLE: dict[Any, Callable] = {
    pyrandom.next_double: _draw("double"), pyrandom.next_uint32: _draw("uint32"),
    pyrandom.next_uint64: _draw("uint64"), pyrandom.take_gauss: _take_gauss, pyrandom.put_gauss: _put_gauss,
    pyrandom.numpy_poisson: _numpy_poisson, pyrandom.generator_double: _draw_generator_double,
    pyrandom.generator_standard_normal: _draw_generator_standard_normal,
    pyrandom.generator_bounded: _draw_generator_bounded,
}


_added: list = []


def _numpy_random() -> Any:
    """``numpy.random`` once it is imported (None before), its functions added to the table:
    code can only hold one of them after that, and importing it for every first call would
    cost about 9 ms."""
    if _added:
        return _added[0]
    random = sys.modules.get("numpy.random")
    if random is not None:
        _TABLE.update({getattr(random, fn.__name__): fn for fn in (
            randint, rand, randn, standard_normal, normal, exponential, uniform, choice, shuffle, permutation,
            poisson, binomial)})
        _TABLE.update({random.random: random_sample, random.random_sample: random_sample})
        _added.append(random)
    return random


def lookup(f: Any) -> Callable | None:
    """Our implementation of an ``np.random`` function, of a ``pyrandom`` primitive or of
    a method of a Generator the function reads from a global or closure variable, or None."""
    random = _numpy_random()
    owner = getattr(f, "__self__", None)
    if random is not None and isinstance(owner, random.Generator):
        staged = GENERATOR_METHODS.get(getattr(f, "__name__", ""))
        if staged is None:
            raise _tr().error(UnsupportedError, f"Generator.{f.__name__}() is not supported in compiled code; "
                                                f"its methods there: {', '.join(GENERATOR_METHODS)}")
        return types.MethodType(staged, _constant_generator(owner))
    try:
        return _TABLE.get(f)
    except TypeError:
        return None


def _constant_generator(g: np.random.Generator) -> Symbolic:
    """A Generator object known while tracing, as a traced value (kept alive by the registry)."""
    return _tr().emit_value(GeneratorOp(register("Generator", g)))
