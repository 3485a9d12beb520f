"""Calls that run when the compiled code runs, not while it is traced.

Tracing evaluates Python on plain values, which is how constants fold and
Python loops unroll -- and how ``tf.function`` freezes ``print`` and random
numbers into the graph.  Here a call with side effects or a different result
per call is never evaluated at trace time: it becomes a ``py.call``, a call
back into CPython each time the compiled code gets there, with the traced
values boxed as the Python objects CPython would have passed:

* ``print(...)`` with any mix of constants and traced values, ``sep``, ``end``,
  ``file`` and ``flush``.  A traced value is printed as the object CPython
  would hold: a Python number for a Python ``int``/``float``/``bool`` (weak
  values), a NumPy scalar of its dtype for an array element or a NumPy result
  (``np.float32(0.1)`` prints ``0.1``, and inside a tuple ``np.float64(0.5)``),
  a tuple as a tuple, an array as a read-only NumPy view (so NumPy prints it).
  ``file=sys.stdout`` / ``sys.stderr`` (or no ``file``) is looked up when the
  call runs, so output follows a replaced ``sys.stdout`` (pytest's ``capsys``,
  ``contextlib.redirect_stdout``) and interleaves with Python's own writes.  Text made of
  traced values (f-strings, ``str()``, ``%``: ``frontend.text``) is made by CPython then.
* ``raise`` of an exception whose arguments are only known at run time, or of the user's
  own exception class (:func:`raise_python`);
* the functions of :data:`RUN_TIME_FUNCTIONS` (``time.time()``,
  ``random.random()``, ``np.random.seed(s)``, NumPy's distributions not drawn
  natively by ``frontend.nprandom``, ...), called with numbers; their result, a
  Python ``float``, ``int`` or ``None``, is converted to the IR type (a result
  that is no number raises ``TypeError``).
* ``compiler.py_call(fn, result_type, *args)``: any Python callable, called with
  the values as ``print`` passes them (arrays as read-only NumPy views), its
  result converted to the declared type (:func:`py_call`).

Anything else that is not known to be pure is refused (see ``frontend.purity``).
"""
from __future__ import annotations

import functools
import random
import sys
import threading
import time
from typing import Any, Callable, Sequence

import numpy as np

from ir import Location, TypingError, UnsupportedError
from ir.diagnostics import raise_at
from ir.dtypes import to_dtype
from ir.ops import MakeTupleOp, PyCallOp
from ir.ops.runtime import passable_to_python
from ir.records import record
from ir.types import (
    ArrayType, BoolType, ComplexType, FloatType, IntType, NoneType, ObjectType, StrType, TupleType, Type, bool_,
    c128, f64, i64, none, str_,
)

from .context import TraceContext, current
from . import text
from .pycall import array_view, register, stored_array
from .values import OptionalValue, Symbolic, describe, python_scalar_type, type_of

__all__ = ["RUN_TIME_FUNCTIONS", "run_time_call", "call_python", "call_python_array", "call_python_direct", "print_",
           "lookup",
           "numpy_in_place", "stage_py_call", "py_call", "StoredArray"]


def _tr() -> TraceContext:
    return current()


# ----------------------------------------------------------------- arguments
@record(frozen=True)
class StoredArray:
    """An array operand that a container stores (``lst.append(a)``): passed as an array that
    shares the memory and owns a reference of it (``frontend.pycall.stored_array``), not as a
    view valid during the call only."""

    array: Symbolic


class _Template:
    """How the boxed operands of a ``py.call`` become the arguments of the Python call.

    ``leaves`` are the IR values passed; each function :meth:`add` returns makes
    one argument back from the tuple of boxed operands."""

    def __init__(self) -> None:
        self.leaves: list[Any] = []

    def add(self, value: Any, writable: bool = False) -> Callable[[tuple], Any]:
        """A function of the boxed operands that gives ``value`` back as CPython holds it
        (an array as a read-only view unless ``writable``; a :class:`StoredArray` as the
        array a container keeps)."""
        if isinstance(value, StoredArray):
            index, t = len(self.leaves), value.array.type
            self.leaves.append(value.array.value)
            dtype, ndim = to_dtype(t.dtype), t.ndim
            return lambda boxed: stored_array(boxed[index], dtype, ndim)
        if isinstance(value, Symbolic):
            t = value.type
            if isinstance(t, TupleType):
                return self.add(_tr().unpack(value))
            index = len(self.leaves)
            self.leaves.append(value.value)
            if isinstance(t, ArrayType):
                dtype, ndim = to_dtype(t.dtype), t.ndim
                return lambda boxed: array_view(boxed[index], dtype, ndim, writable)
            if value.weak or isinstance(t, ObjectType):   # an object is passed as the object it is
                return lambda boxed: boxed[index]
            scalar = to_dtype(t).type
            return lambda boxed: scalar(boxed[index])
        if isinstance(value, list):   # the list where the call is: a run-time list
            from .lists import as_passed   # a layer above

            return self.add(as_passed(value))
        if isinstance(value, tuple):
            parts = [self.add(v) for v in value]
            return lambda boxed: tuple(part(boxed) for part in parts)
        if isinstance(value, text.Text):
            return text.renderer(value, self.add)
        if isinstance(value, BaseException) and text.has_run_time_values(value):
            return text.exception_renderer(value, self.add)
        if isinstance(value, OptionalValue):
            return text.optional_renderer(value, self.add)
        return lambda boxed: value


def _check_catchable(what: str) -> None:
    """Python code called at run time may raise anything: not inside a ``try`` statement
    that would have to see it (``frontend.catching``)."""
    if _tr().function.try_scopes:
        from .catching import check_python_call

        check_python_call(what)


def _emit(name: str, template: _Template, call: Callable[..., Any], result_type: Type) -> Any:
    """A ``py.call`` of ``call(*boxed operands)``."""
    key = register(name, call)
    op = _tr().emit(PyCallOp(key, template.leaves, result_type))
    return None if isinstance(result_type, NoneType) else Symbolic(op.result, weak=True)


def call_python(name: str, fn: Callable[..., Any], args: tuple, result: Type, raises: bool = True,
                what: str | None = None) -> Symbolic:
    """``fn(*args)`` called when the code runs (args: run-time values, text, constants), its
    result a Python value of ``result`` (a weak number: a Python one).  What it raises
    (``raises``: it may) is raised from a frame of this line (``raise_at``), as the compiled
    code's own errors are; ``what`` names the call where a ``try`` statement refuses it."""
    _check_catchable(what or f"{name}()")
    if not raises and all(isinstance(a, Symbolic) and (a.type.is_scalar or isinstance(a.type, ObjectType))
                          or _python_number(a) or isinstance(a, tuple) and _boxed_as_it_is(a) for a in args):
        # the boxed operands are its arguments as they are: no Python frame between
        operands = [_operand(a) for a in args]
        numpy = [i for i, a in enumerate(args) if isinstance(a, Symbolic) and a.type.is_scalar and not a.weak]
        op = _tr().emit(PyCallOp(register(name, fn), operands, result, numpy=numpy))
        return None if isinstance(result, NoneType) else Symbolic(op.result, weak=True)
    template = _Template()
    parts = [template.add(a) for a in args]
    loc = _tr().location()

    def call(*boxed: Any) -> Any:
        try:
            return fn(*[part(boxed) for part in parts])
        except Exception as err:   # noqa: BLE001 -- raised again from the user's line
            raise_at(err.with_traceback(None), loc)

    value = _emit(name, template, call, result)
    if value is not None:
        value.weak = True
    return value


def _python_number(value: Any) -> bool:
    """A Python number constant an IR constant holds exactly (an int of 64 bits)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return -2 ** 63 <= value < 2 ** 63
    return isinstance(value, (bool, float, complex)) and not isinstance(value, np.generic)


def _boxed_as_it_is(items: tuple) -> bool:
    """A tuple ``py.call`` boxes as CPython holds it: of Python numbers (traced or constant),
    objects and such tuples (a traced NumPy scalar would be boxed as a Python number)."""
    return all(isinstance(v, Symbolic) and (v.weak and v.type.is_scalar or isinstance(v.type, ObjectType))
               or _python_number(v) or isinstance(v, tuple) and _boxed_as_it_is(v) for v in items)


def _operand(value: Any) -> Any:
    """The IR value a ``py.call`` boxes as ``value`` is (see :func:`_boxed_as_it_is`): a tuple
    as an IR tuple, a Python number constant as a constant."""
    from .arith import materialize   # a layer above

    if isinstance(value, Symbolic):
        return value.value
    if isinstance(value, tuple):
        return _tr().emit(MakeTupleOp([_operand(v) for v in value])).result
    return materialize(value, python_scalar_type(value))


def call_python_direct(name: str, fn: Callable[..., Any], args: Sequence[Symbolic], result: Type) -> Any:
    """A ``py.call`` whose target is ``fn`` itself, called with the boxed operands (an array as
    its boxed parts, which ``frontend.pycall.array_view`` makes a NumPy view of; a number not
    weak as a NumPy scalar), so that a pass can know the call by its target
    (``compiler.passes.local_lists``)."""
    _check_catchable(f"{name}()")
    numpy = [i for i, a in enumerate(args) if a.type.is_scalar and not a.weak]
    op = _tr().emit(PyCallOp(register(name, fn), [a.value for a in args], result, numpy=numpy))
    return None if isinstance(result, NoneType) else Symbolic(op.result, weak=True)


def call_python_array(name: str, fn: Callable[..., Any], args: tuple, t: ArrayType) -> Symbolic:
    """``fn(*args)`` called when the code runs, its result (an array-like that converts to
    ``t`` as ``py_call``'s do) copied into a new array of the compiled code."""
    _check_catchable(f"{name}()")
    template = _Template()
    parts = [template.add(a) for a in args]
    return _staged_array_result(name, template, lambda *boxed: fn(*[part(boxed) for part in parts]), t)


def call_with_values(name: str, fn: Callable[..., Any], args: tuple, result_type: Type) -> Any:
    """A ``py.call`` of ``fn(*args)`` (numbers, tuples, arrays as read-only views) whose
    result, of ``result_type``, CPython computes."""
    _check_catchable(f"{name}()")
    template = _Template()
    parts = [template.add(a) for a in args]
    return _emit(name, template, lambda *boxed: fn(*[part(boxed) for part in parts]), result_type)


def numpy_in_place(name: str, fn: Callable[..., None], array: Symbolic, *inputs: Symbolic) -> None:
    """A ``py.call`` of ``fn`` on a writable NumPy view of ``array`` (and read-only views of
    ``inputs``) when the compiled code runs: NumPy itself computes what compiled code cannot
    reproduce (the order NumPy's SIMD sort leaves equal elements in, ``frontend.sorting``)."""
    template = _Template()
    views = [template.add(array, writable=True), *(template.add(x) for x in inputs)]
    _emit(name, template, lambda *boxed: fn(*(view(boxed) for view in views)), none)


def raise_python(cls: type, args: tuple, kwargs: dict, loc: Location | None) -> None:
    """A ``py.call`` that raises ``cls(*args, **kwargs)`` when the compiled code gets there,
    the arguments (traced values, text made of them) as CPython holds them: an exception
    whose message is made at run time (``raise ValueError(f"bad {x}")``), or of a class of
    the user's, raised from a frame of ``loc`` as the run-time checks of compiled code are
    (``ir.diagnostics.raise_at``)."""
    template = _Template()
    values = template.add(tuple(args))
    names = tuple(kwargs)
    keywords = template.add(tuple(kwargs.values()))

    def call(*boxed: Any) -> None:
        raise_at(cls(*values(boxed), **dict(zip(names, keywords(boxed)))), loc)

    _emit("raise", template, call, none)


# ----------------------------------------------------------------- print
_STANDARD_STREAMS = ("stdout", "stderr")


def _stream(file: Any) -> Callable[[], Any]:
    """Where ``print`` writes, looked up when it runs for the standard streams."""
    if file is None:
        return lambda: None
    for name in _STANDARD_STREAMS:
        if file is getattr(sys, name):
            return lambda: getattr(sys, name)
    if isinstance(file, Symbolic) or not callable(getattr(file, "write", None)):
        raise _tr().error(TypingError, f"print(file=...) needs a Python file object, not {describe(file)}")
    return lambda: file


def _text_option(value: Any, name: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise _tr().error(TypingError, f"print({name}=...) must be a string constant or None, not {describe(value)}")


def print_(*args: Any, sep: Any = " ", end: Any = "\n", file: Any = None, flush: Any = False) -> None:
    """``print`` at run time: CPython's own ``print`` is called with the values."""
    sep, end = _text_option(sep, "sep"), _text_option(end, "end")
    if isinstance(flush, Symbolic):
        raise _tr().error(TypingError, "print(flush=...) must be a constant True or False")
    stream = _stream(file)
    template = _Template()
    parts = [template.add(a) for a in args]

    def call(*boxed: Any) -> None:
        print(*[part(boxed) for part in parts], sep=sep, end=end, file=stream(), flush=bool(flush))

    _emit("print", template, call, none)


# ----------------------------------------------------------------- other run-time functions
def _scalar_arguments(name: str, args: tuple, kwargs: dict) -> None:
    for value in (*args, *kwargs.values()):
        t = type_of(value)
        if t is None or not (t.is_scalar or isinstance(t, TupleType)):
            raise _tr().error(TypingError, f"{name}() in compiled code takes numbers, not {describe(value)}")


def _direct_call(fn: Callable, args: tuple, kwargs: dict, template: _Template) -> Callable | None:
    """``fn`` itself, or ``functools.partial`` of it with the constant arguments, when
    the traced arguments are Python numbers that come after the constants: the
    boxed operands are then its arguments as they are (one Python call less than
    the general target, which costs more than the call itself).  ``fn`` is one of
    :data:`RUN_TIME_FUNCTIONS`, whose results are numbers of the declared kind."""
    constants = [a for a in args if not isinstance(a, Symbolic)]
    traced = args[len(constants):]
    if any(isinstance(a, (Symbolic, tuple)) for a in (*constants, *kwargs.values())) or \
            not all(isinstance(a, Symbolic) and a.weak and a.type.is_scalar for a in traced):
        return None
    for a in traced:
        template.add(a)
    return functools.partial(fn, *constants, **kwargs) if constants or kwargs else fn


def run_time_call(fn: Callable, name: str, result: type | None) -> Callable:
    """The staged version of ``fn``: called when the compiled code runs, with
    numbers; its result must be a Python ``result`` (``float``, ``int``,
    ``bool``) or ``None``."""
    result_type = {float: f64, int: i64, bool: bool_, None: none}[result]

    def staged(*args: Any, **kwargs: Any) -> Any:
        _scalar_arguments(name, args, kwargs)
        _check_catchable(f"{name}()")
        template = _Template()
        direct = _direct_call(fn, args, kwargs, template)
        if direct is not None:
            return _emit(name, template, direct, result_type)
        positional = [template.add(a) for a in args]
        keywords = {k: template.add(v) for k, v in kwargs.items()}

        def call(*boxed: Any) -> Any:
            value = fn(*[p(boxed) for p in positional], **{k: p(boxed) for k, p in keywords.items()}) \
                if keywords else fn(*[p(boxed) for p in positional])
            if result is None or type(value) is result or result is float and type(value) is int:
                return value
            raise TypeError(f"{name}() returned {type(value).__name__} where the compiled code expects "
                            f"{result.__name__}")

        return _emit(name, template, call, result_type)

    staged.__name__ = name
    return staged


def _table() -> dict[Callable, tuple[str, type | None]]:
    table: dict[Callable, tuple[str, type | None]] = {}
    for fname in ("time", "perf_counter", "monotonic", "process_time", "thread_time"):
        table[getattr(time, fname)] = (f"time.{fname}", float)
    for fname in ("time_ns", "perf_counter_ns", "monotonic_ns", "process_time_ns", "thread_time_ns"):
        table[getattr(time, fname)] = (f"time.{fname}", int)
    table[time.sleep] = ("time.sleep", None)
    for fname in ("random", "uniform", "gauss", "normalvariate", "lognormvariate", "expovariate",
                  "vonmisesvariate", "gammavariate", "betavariate", "paretovariate", "weibullvariate",
                  "triangular"):
        table[getattr(random, fname)] = (f"random.{fname}", float)
    for fname in ("randint", "randrange", "getrandbits"):
        table[getattr(random, fname)] = (f"random.{fname}", int)
    table[random.seed] = ("random.seed", None)
    return table


#: functions called back at run time: function -> (name, Python result type); NumPy's random
#: functions are added once ``numpy.random`` is imported (:func:`_add_numpy_random`)
RUN_TIME_FUNCTIONS = _table()
_numpy_random_added = False


def _add_numpy_random() -> None:
    """Add ``np.random``'s functions to :data:`RUN_TIME_FUNCTIONS` once ``numpy.random`` is
    imported: code can only hold one of them after that, and importing it for every first call
    would cost about 9 ms."""
    global _numpy_random_added
    if _numpy_random_added or "numpy.random" not in sys.modules:
        return
    _numpy_random_added = True
    RUN_TIME_FUNCTIONS[np.random.seed] = ("np.random.seed", None)
    for fname in ("beta", "chisquare", "f", "gamma", "gumbel", "laplace", "logistic", "lognormal",
                  "noncentral_chisquare", "noncentral_f", "pareto", "power", "rayleigh", "standard_cauchy",
                  "standard_exponential", "standard_gamma", "standard_t", "triangular", "vonmises", "wald",
                  "weibull"):
        RUN_TIME_FUNCTIONS[getattr(np.random, fname)] = (f"np.random.{fname}", float)
    for fname in ("geometric", "hypergeometric", "logseries", "negative_binomial", "zipf"):
        RUN_TIME_FUNCTIONS[getattr(np.random, fname)] = (f"np.random.{fname}", int)


def lookup(f: Any) -> Callable | None:
    """The staged version of a run-time function, or None."""
    if f is print:
        return print_
    _add_numpy_random()
    try:
        entry = RUN_TIME_FUNCTIONS.get(f)
        read_type = _PY_CALLS.get(f)
    except TypeError:
        return None
    if read_type is not None:
        return functools.partial(py_call, read_type)
    if entry is None:
        return None
    name, result = entry
    if name.startswith("np.random.") and name != "np.random.seed":
        return _numpy_scalar_draw(f, name, result)
    return run_time_call(f, name, result)


def _numpy_scalar_draw(f: Callable, name: str, result: type | None) -> Callable:
    """A NumPy distribution called back with numbers; with a ``size`` it would return an array."""
    staged = run_time_call(f, name, result)
    signature = (f.__doc__ or "").strip().split("\n")[0]           # "gamma(shape, scale=1.0, size=None)"
    parameters = [p.split("=")[0].strip() for p in signature[signature.find("(") + 1:-1].split(",")]
    size_position = parameters.index("size") if "size" in parameters else None

    def draw(*args: Any, **kwargs: Any) -> Any:
        size = kwargs.get("size", args[size_position] if size_position is not None and
                          len(args) > size_position else None)
        if size is not None:
            raise _tr().error(UnsupportedError, f"{name}(..., size=...) is not supported in compiled code: it "
                                                "makes an array; draw the numbers one by one in a loop")
        kwargs.pop("size", None)
        return staged(*args[:size_position], **kwargs)

    return draw


# ----------------------------------------------------------------- calls of any Python function
#: the functions that stand for :func:`py_call` (``compiler.py_call``) -> how each reads a result type
_PY_CALLS: dict[Callable, Callable[[Any], Type]] = {}


def stage_py_call(public: Callable, read_type: Callable[[Any], Type]) -> None:
    """Trace calls of ``public(fn, result_type, *args)`` as :func:`py_call`; ``read_type``
    turns a ``result_type`` into an IR type (or raises ``ValueError``)."""
    _PY_CALLS[public] = read_type


#: the Python number kinds, in the order NumPy's "same_kind" casting allows (bool -> int -> float -> complex)
_KIND_ORDER = {BoolType: 0, IntType: 1, FloatType: 2, ComplexType: 3}


def _kind(value: Any) -> int | None:
    for order, types in enumerate(((bool, np.bool_), (int, np.integer), (float, np.floating),
                                   (complex, np.complexfloating))):
        if isinstance(value, types):
            return order
    return None


def _declared(t: Type) -> str:
    if isinstance(t, ArrayType):
        return f"{t.ndim}-d {to_dtype(t.dtype).name} array"
    return to_dtype(t).name


def _scalar_result(name: str, t: Type) -> tuple[Type, Callable[[Any], Any]]:
    """The type a ``py.call`` gives for a declared scalar ``t`` (``bool``, ``i64``,
    ``f64``, ``c128``: the frontend casts it to ``t``), and the conversion of the
    Python result to that type's Python object."""
    dtype = to_dtype(t)
    order = _KIND_ORDER[type(t)]

    def check(value: Any) -> None:
        kind = _kind(value)
        if kind is None or kind > order:
            raise TypeError(f"py_call of {name}() returned {type(value).__name__}, which does not convert to "
                            f"the declared result type {_declared(t)}")

    if isinstance(t, BoolType):
        def convert(value: Any) -> Any:
            check(value)
            return bool(value)
        return bool_, convert
    if isinstance(t, IntType):
        info = np.iinfo(dtype)

        def convert(value: Any) -> Any:
            check(value)
            v = int(value)
            if not info.min <= v <= info.max:
                raise OverflowError(f"py_call of {name}() returned {v}, out of the range of the declared "
                                    f"result type {dtype.name}")
            return v - 2 ** 64 if v > 2 ** 63 - 1 else v    # uint64's bits, as an i64
        return i64, convert
    carrier, python = (f64, float) if isinstance(t, FloatType) else (c128, complex)

    def convert(value: Any) -> Any:
        check(value)
        return python(dtype.type(value))
    return carrier, convert


_pending = threading.local()


def _pending_arrays() -> list:
    """The array results of this thread's ``py_call``s between their call and their copy."""
    stack = getattr(_pending, "stack", None)
    if stack is None:
        stack = _pending.stack = []
    return stack


def _array_result(name: str, t: ArrayType, value: Any) -> np.ndarray:
    """The Python result as a NumPy array of the declared dtype and number of dimensions."""
    dtype = to_dtype(t.dtype)
    try:
        a = np.asarray(value)
    except (TypeError, ValueError) as err:
        raise TypeError(f"py_call of {name}() returned {type(value).__name__}, which does not convert to the "
                        f"declared result type {_declared(t)}: {err}") from None
    if a.dtype.kind not in "biufc" or not np.can_cast(a.dtype, dtype, "same_kind") or a.ndim != t.ndim:
        raise TypeError(f"py_call of {name}() returned a {type(value).__name__} (as an array: {a.ndim}-d "
                        f"{a.dtype}), which does not convert to the declared result type {_declared(t)}")
    return a


def py_call(read_type: Callable[[Any], Type], fn: Any, result_type: Any, *args: Any) -> Any:
    """``compiler.py_call(fn, result_type, *args)`` in compiled code: ``fn(*args)`` called
    each time the compiled code gets there, with the GIL held.

    Arguments are passed as ``print`` passes them: a Python number as a Python
    number, a NumPy scalar as a NumPy scalar of its dtype, a tuple as a tuple, an
    array as a **read-only** NumPy view of the compiled code's memory (writing it
    raises NumPy's ``ValueError``), valid during the call only: a callee that keeps
    an array must keep a copy (``a.copy()``).  Constants (a string, any Python
    object) are passed as they are.

    The result is converted to ``result_type`` (read by ``read_type``): ``None``
    discards it; a number must be of a kind that NumPy's "same_kind" casting
    converts to the declared type (a bool to anything, an int to an int, float or
    complex, a float to a float or complex; a float declared ``int`` is refused, never
    truncated), and an integer must fit in the declared one (else ``OverflowError``); a
    result declared ``str`` must be a ``str`` (exactly: a subclass is refused).
    Declared by a Python type (``bool``, ``int``, ``float``, ``complex``) the value is
    a Python number in the compiled code (promoted as one), else a NumPy scalar of the
    declared type.  An array type (``"f64[:]"``, ``"i4[:, :]"``) takes any array-like
    of that number of dimensions whose dtype casts "same_kind" to the declared one
    (values converted as ``astype`` does: integers wrap); it is copied into a new
    C-contiguous array of the compiled code.  A result that does not convert raises
    ``TypeError`` naming the function and the declared type.  An exception of ``fn``
    leaves the compiled function as it is."""
    tr = _tr()
    if isinstance(fn, Symbolic) or not callable(fn):
        raise tr.error(TypingError, f"py_call() needs a Python function to call, not {describe(fn)}")
    name = getattr(fn, "__name__", None) or repr(fn)
    if isinstance(result_type, Symbolic):
        raise tr.error(TypingError, f"py_call({name}, ...): the result type must be a constant, "
                                    f"not {describe(result_type)}")
    try:
        t = read_type(result_type)
    except ValueError as err:
        raise tr.error(TypingError, f"py_call({name}, ...): {err}") from None
    if isinstance(t, ArrayType) and t.layout == "F":
        raise tr.error(TypingError, f"py_call({name}, ...): an array result is a new C-contiguous array; "
                                    "declare its type with ':' or a last axis '::1' (f8[:, :], f8[:, ::1])")
    if not (isinstance(t, (NoneType, ArrayType, StrType)) or t.is_scalar):
        raise tr.error(TypingError, f"py_call({name}, ...): a {t} cannot come back from Python; declare None, "
                                    "a number type, str or an array type")
    _check_catchable(f"py_call({name}, ...)")
    template = _Template()
    parts = []
    for a in args:
        at = type_of(a) if isinstance(a, Symbolic) else None
        if at is not None and not passable_to_python(at):
            raise tr.error(TypingError, f"py_call({name}, ...) cannot pass {describe(a)} to Python")
        parts.append(template.add(a))

    def result(*boxed: Any) -> Any:
        return fn(*[part(boxed) for part in parts])

    if isinstance(t, NoneType):
        def call(*boxed: Any) -> None:
            result(*boxed)
        return _emit(name, template, call, none)
    if isinstance(t, ArrayType):
        return _staged_array_result(name, template, result, t)
    if isinstance(t, StrType):
        def string(*boxed: Any) -> str:
            value = result(*boxed)
            if type(value) is not str:
                raise TypeError(f"py_call of {name}() returned {type(value).__name__}, which is not the declared "
                                "result type str")
            return value
        return _emit(name, template, string, str_)
    carrier, convert = _scalar_result(name, t)
    value = _emit(name, template, lambda *boxed: convert(result(*boxed)), carrier)
    weak = any(result_type is python for python in (bool, int, float, complex))
    if weak:
        return value
    from .arith import cast

    value.weak = False
    return cast(value, t)


def _staged_array_result(name: str, template: _Template, result: Callable[..., Any], t: ArrayType) -> Symbolic:
    """An array result in three steps: the call, which keeps the converted array (on a
    stack of this thread's) and gives its first extent; the other extents; then a new
    array of the compiled code, which the last ``py.call`` fills from the kept one."""
    from .numpy_api import allocate

    def call(*boxed: Any) -> int:
        a = _array_result(name, t, result(*boxed))
        _pending_arrays().append(a)
        return a.shape[0]

    extents = [_emit(name, template, call, i64)]
    for axis in range(1, t.ndim):
        extents.append(_emit(f"{name}.shape", _Template(), lambda axis=axis: _pending_arrays()[-1].shape[axis], i64))
    out = allocate(tuple(extents), t.dtype)

    def copy(view: np.ndarray) -> None:
        view[...] = _pending_arrays().pop()

    numpy_in_place(f"{name}.copy", copy, out)
    return out
