"""What a call in traced code runs, and which Python containers it may change.

Layer: above builtins, NumPy, ``np.random`` and run-time calls, whose
implementations :func:`resolve_call` looks up; below the tracer, which
traces a call of a Python function (``TraceContext.call``).
"""
from __future__ import annotations

import re
import types as pytypes
from typing import Any, Callable

import numpy as np

from ir import TypingError, UnsupportedError
from ir.types import ArrayType

from . import (
    builtins, combining, dicts, generators, hashed, lapack, linalg, lists, nanfunctions, norms, nprandom, purity,
    polynomials, pymath, pyoperator, runtime_calls, searching, sequences, sets, setroutines, sorting, statistics, text,
    wholearray,
)
from .context import TraceContext, current
from .raising import construct_exception, raised_in_compiler
from .values import Symbolic


def _tr() -> TraceContext:
    return current()


#: NumPy's library functions compiled by the modules that implement them
_LIBRARY = {**linalg.FUNCTIONS, **combining.FUNCTIONS, **searching.FUNCTIONS, **nanfunctions.FUNCTIONS,
            **sorting.FUNCTIONS, **lapack.FUNCTIONS, **statistics.FUNCTIONS, **norms.FUNCTIONS,
            **setroutines.FUNCTIONS, **polynomials.FUNCTIONS}


def _library(f: Any) -> Callable | None:
    try:
        return _LIBRARY.get(f)
    except TypeError:   # an unhashable callable
        return None


def _numpy_at_trace_time(f: Callable) -> Callable:
    """A NumPy function compiled code has no form of runs while compiling (it is pure), which
    is right on constants.  Given traced values it sees Python objects, not numbers or
    arrays: where it then fails, or gives an object array, that is NumPy's function not
    being supported yet -- never an error of NumPy's about something else (``np.diag`` of a
    traced vector: "Input must be 1- or 2-d") raised at run time, nor objects used later.
    So is a result holding no traced value where NumPy computed on our objects
    (``np.lexsort((a, b))`` sorts the two objects and gives ``0``), but for the shape
    queries (``np.shape``, ``np.ndim``, ``np.size``), which read the traced value's own
    attributes."""
    def call(*args: Any, **kwargs: Any) -> Any:
        if not _any_traced((args, kwargs)):
            return f(*args, **kwargs)
        why = f"{purity.callable_name(f)}() of run-time values is not supported in compiled code yet"
        try:
            result = f(*args, **kwargs)
        except Exception:   # noqa: BLE001 -- whatever NumPy made of our objects
            raise _tr().error(UnsupportedError, why) from None
        if _holds(result, lambda v: isinstance(v, np.ndarray) and v.dtype == object):
            raise _tr().error(UnsupportedError, why)
        if not _any_traced(result) and f not in _SHAPE_QUERIES:   # computed on our objects as Python objects
            raise _tr().error(UnsupportedError, why)
        return result   # what it made of traced values, by their own operators (np.shape(a))
    return call


#: NumPy functions whose plain result from traced values is right: they read the shape
_SHAPE_QUERIES = {np.shape, np.ndim, np.size}


def _any_traced(value: Any) -> bool:
    return _holds(value, lambda v: isinstance(v, Symbolic))


def _holds(value: Any, test: Callable[[Any], bool]) -> bool:
    """Whether ``value``, or a value in its tuples, lists and dicts, passes ``test``."""
    if test(value):
        return True
    if isinstance(value, (tuple, list)):
        return any(_holds(v, test) for v in value)
    if isinstance(value, dict):
        return any(_holds(v, test) for v in value.values())
    return False


def mutable(obj: Any) -> Any:
    """``obj`` as the container of a subscript store; see :func:`_check_mutation`."""
    obj = hashed.mutable(lists.mutable(obj))
    if not isinstance(obj, Symbolic) and not lists.made_here(obj):
        _check_mutation(obj, f"changing an item of a Python {type(obj).__name__}")
    return obj


def _check_mutation(container: Any, what: str) -> None:
    """A Python container that only exists while compiling may change at the top
    level of a traced function, where CPython changes it once per call too.  One
    that exists outside the compiled code (a global, a closure variable, a
    default) would change once per compilation instead of once per call, and one
    changed inside a run-time branch or loop once instead of once per iteration:
    both are refused -- unless that branch or loop made it (``if p: return``, then
    ``s = set(d); s.discard(3)``: made and changed once per run of that region)."""
    tr = _tr()
    if tr.outlives_the_trace(container):
        raise tr.error(UnsupportedError,
                       f"{what}: this {type(container).__name__} exists outside the compiled function (a global, "
                       "closure or default value), and compiled code would change it once, when it is compiled, "
                       "not at every call; pass it in as an argument (a list or an array), or return the new value")
    if len(tr.function.frames) > 1 and not (lists.made_here(container) or hashed.made_in_this_region(container)):
        raise tr.error(UnsupportedError,
                       f"{what} inside a branch or loop that runs at run time: the Python "
                       f"{type(container).__name__} only exists while compiling, so it would change once, not "
                       "once per iteration; use a NumPy array instead")


def resolve_call(f: Any) -> Callable:
    """What a call of ``f`` in converted code runs: our staged version of a
    builtin, ``math``/NumPy function or run-time call; the traced Python
    function; or ``f`` itself where it is pure and may run at trace time
    (see ``frontend.purity``).  Anything else is refused.  ``sum``, ``any`` and
    ``all`` of a generator expression consume it (``frontend.generators``)."""
    return generators.consuming(f, _resolve(f))


def _resolve(f: Any) -> Callable:
    if isinstance(f, Symbolic):
        raise _tr().error(TypingError, f"'{f.type}' object is not callable")
    on_lists = lists.builtin(f)
    if on_lists is not None:   # len, sum, sorted, list, ... of a run-time list; else as below
        return _on_containers(f, lambda *args, **kwargs: on_lists(lambda *a, **k: _resolve_others(f)(*a, **k),
                                                                    args, kwargs))
    return _on_containers(f, None)


def _on_containers(f: Any, otherwise: Callable | None) -> Callable:
    """``otherwise`` (None: what :func:`_resolve_others` resolves ``f`` to, resolved where it is
    called), or first ``f`` of a run-time dict or set where ``f`` is a builtin taking one (len,
    dict, dict.fromkeys, set, sorted, print, ...: ``frontend.dicts``, ``frontend.sets``)."""
    for module in (dicts, sets):
        on_it = module.builtin(f)
        if on_it is not None:
            rest = otherwise or (lambda *a, **k: _resolve_others(f)(*a, **k))
            otherwise = (lambda on_it, rest: lambda *args, **kwargs: on_it(rest, args, kwargs))(on_it, rest)
    return otherwise or _resolve_others(f)


def _resolve_others(f: Any) -> Callable:
    impl = _library(f) or wholearray.lookup(f) or pymath.lookup(f) or builtins.lookup(f) or pyoperator.lookup(f) \
        or nprandom.lookup(f) or runtime_calls.lookup(f) or text.lookup(f)
    if impl is not None:
        return _arguments_checked(f, impl)
    if isinstance(getattr(f, "__self__", None), Symbolic):  # a method of a traced value: it stages itself
        return _arguments_checked(f, f)
    py_func = getattr(f, "py_func", None)
    if py_func is not None and callable(py_func):  # a compiled function: trace its source
        f = py_func
    if isinstance(f, pytypes.FunctionType) and not purity.is_pure(f):
        return lambda *args, **kwargs: _tr().call(f, args, kwargs)
    on_tuple = sequences.tuple_method(f)
    if on_tuple is not None:   # t.count(x), t.index(x) of traced items
        return on_tuple
    on_list = lists.method_of_python_list(f) or dicts.method_of_python_dict(f) or sets.method_of_python_set(f)
    if on_list is not None:   # at run time where it must be, else as below
        return lambda *args, **kwargs: on_list(lambda *a, **k: _resolve_plain(f)(*a, **k), args, kwargs)
    return _resolve_plain(f)


#: Python's words for a call with arguments the function does not take
_NOT_TAKEN = re.compile(r"\(\) (got an unexpected keyword argument .*|got multiple values for argument .*"
                        r"|takes .* positional arguments? but .* given|missing \d+ required .*)$")


def _arguments_checked(f: Any, impl: Callable) -> Callable:
    """``impl``, the compiled form of ``f``, where a call with arguments it does not take
    (``np.clip(a, 0, 1, out=a)``, ``a.ravel(order="F")``) is an ``UnsupportedError`` naming
    ``f`` at the user's line -- not Python's ``TypeError`` about our implementation, which
    would otherwise be raised at run time as if the program had raised it (an argument our
    code does not take is one our functions' signatures leave out, wherever they pass it on)."""
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return impl(*args, **kwargs)
        except TypeError as err:
            found = _NOT_TAKEN.search(str(err))
            if found is None or not raised_in_compiler(err):   # the user's own (a callback's)
                raise
            owner = getattr(f, "__self__", None)
            name = f"{'ndarray' if isinstance(owner.type, ArrayType) else owner.type}.{f.__name__}" \
                if isinstance(owner, Symbolic) else purity.callable_name(f)
            raise _tr().error(UnsupportedError, f"{name}() is not supported with these arguments in compiled code "
                                                f"(it {found.group(1)}); the README lists the arguments each "
                                                "function takes") from None
    return call


def _resolve_plain(f: Any) -> Callable:
    if purity.mutating_method(f):
        _check_mutation(f.__self__, f"{type(f.__self__).__name__}.{f.__name__}()")
        return f
    if isinstance(f, type) and issubclass(f, BaseException):
        return lambda *args, **kwargs: construct_exception(f, *args, **kwargs)
    if purity.is_pure(f):
        return _numpy_at_trace_time(f) if (getattr(f, "__module__", None) or "").startswith("numpy") \
            and not isinstance(f, type) else f
    raise _tr().error(UnsupportedError,
                      f"{purity.callable_name(f)}() cannot be called in compiled code: it is not known to be pure, "
                      "and calling it once while compiling could differ from calling it at every run; call it "
                      "outside the compiled function and pass its result in, or, if it always gives the same "
                      "result for the same arguments and changes nothing, mark it with compiler.trace_pure()")
