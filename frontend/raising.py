"""Raising at run time, and running the user's code at trace time.

A ``raise`` on a traced path becomes a run-time raise on that path (a
failed ``assert`` too, see ``frontend.control``); an exception the user's
Python code raises while it is traced with constants does too (see
:func:`run_user_code`).

Python-semantics decisions:

* ``raise`` of a built-in exception with constant arguments, and
  ``assert``, become run-time checks; a path that always raises does not
  take part in merges.  An exception with arguments known only at run time
  (``ValueError(f"bad {x}")``, ``ValueError(x)``), or of the user's own
  ``Exception`` subclass, is made and raised by CPython when the code gets
  there (``runtime_calls.raise_python``).  ``SystemExit``,
  ``KeyboardInterrupt`` and other exceptions the run time cannot raise as
  themselves are an ``UnsupportedError``;
* Python code evaluated at trace time (``TABLE[5]``, a library function)
  that raises on constants raises at run time on its path; one that fails
  because it was given a traced value is an ``UnsupportedError``.

Layer: above the typing rules of ``frontend.arith``.
"""
from __future__ import annotations

import builtins
import os
import re
from typing import Any, Callable

import ir as ir_package
from ir import CompileError, Location, TypingError, UnsupportedError
from ir.diagnostics import can_raise

from . import arith
from .context import PathEnds, TraceContext, current
from .locations import traceback_location
from .text import has_run_time_values
from .values import OptionalValue, Symbolic


def _tr() -> TraceContext:
    return current()


#: exceptions that user code evaluated at trace time may raise on a path: they
#: become run-time raises on that path, as CPython would raise them there
USER_ERRORS = (ArithmeticError, ValueError, LookupError, TypeError, AssertionError, NameError)
_OWN_DIRS = tuple(os.path.dirname(os.path.abspath(path)) + os.sep
                  for path in (ir_package.__file__, __file__))  # ir/ and frontend/


def run_user_code(fn: Callable[..., Any], *args: Any) -> Any:
    """Run converted code at trace time.

    A compile error without a location gets the user line it came from.  An
    exception raised outside the compiler's own code (by C code, a library,
    or the user's computation on constants, see :func:`user_computation`):

    * if it names a traced value -- a ``Symbolic`` among its arguments or in
      its message, as in ``TypeError: bad operand type for abs(): 'Symbolic'``
      -- code that works on concrete values only was handed a run-time one (a
      NumPy function, ``"%d" % x``, setting an attribute).  CPython would do
      it, so it is an ``UnsupportedError`` at the user's line, never a
      run-time raise;
    * else, if it is one of :data:`USER_ERRORS` (``1 // 0`` on a path,
      ``math.sqrt(-1.0)``, ``TABLE[5]``), it becomes a run-time raise on the
      current path, as CPython would raise it there -- the compiled function
      raises it only if the path is taken.

    Exceptions from the compiler itself propagate.
    """
    try:
        return fn(*args)
    except PathEnds:
        _tr().frame.terminated = True
        return None
    except CompileError as err:
        raise err.with_location(traceback_location(err.__traceback__)) from None
    except Exception as err:
        if not _is_user_error(err):
            raise
        loc = traceback_location(err.__traceback__)
        if _names_a_traced_value(err):
            text = _SYMBOLIC_WORD.sub("run-time value", "; ".join(a for a in err.args if isinstance(a, str)))
            raise UnsupportedError(
                f"this operation is not supported on a run-time value in compiled code ({type(err).__name__}: "
                f"{text}); compute it outside the compiled function, or write it with operations compiled "
                "code supports", loc) from None
        if not isinstance(err, USER_ERRORS):
            raise
        raise_(err, loc)
        return None


def _is_user_error(err: BaseException) -> bool:
    return getattr(err, "user_error", False) or not raised_in_compiler(err)


def raised_in_compiler(err: BaseException) -> bool:
    """Whether the innermost frame of ``err``'s traceback is the compiler's own code (a call
    with arguments a function does not take raises in the frame that made the call)."""
    tb = err.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename).startswith(_OWN_DIRS)


#: the names of the objects that stand for run-time values while tracing, in Python's messages
#: about them ("'Range' object is not subscriptable")
_TRACED_CLASSES = ("Symbolic", "OptionalValue", "Range", "Text", "ArrayItems", "RangeItems", "TupleItems",
                   "Enumerate", "Zip", "Reversed")
_SYMBOLIC_WORD = re.compile(rf"'({'|'.join(_TRACED_CLASSES)})'|\b({Symbolic.__name__}|{OptionalValue.__name__})\b")


def _names_a_traced_value(err: BaseException) -> bool:
    return any(isinstance(a, (Symbolic, OptionalValue)) or isinstance(a, str) and _SYMBOLIC_WORD.search(a)
               for a in err.args)


def user_computation(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` on plain Python values, for the user's code: an
    exception it raises is the user's own (see :func:`run_user_code`)."""
    try:
        return fn(*args, **kwargs)
    except Exception as err:
        err.user_error = True
        raise


def raise_(exc: Any, loc: Location | None = None) -> None:
    """``raise E(...)``: an unconditional run-time raise on this path.

    Only built-in exception classes the run time can raise as themselves
    (``ir.diagnostics.can_raise``) compile: ``SystemExit``,
    ``KeyboardInterrupt``, ``GeneratorExit`` (not ``Exception`` subclasses)
    and classes that need more than a message are an ``UnsupportedError``.
    """
    tr = _tr()
    if isinstance(exc, type) and issubclass(exc, BaseException):
        exc = exc()
    loc = loc or getattr(exc, RAISED_AT, None) or tr.location()
    if not isinstance(exc, BaseException):
        raise TypingError("exceptions must derive from BaseException", loc)
    name = type(exc).__name__
    builtin = getattr(builtins, name, None) is type(exc)
    if builtin and not can_raise(name) or not builtin and not isinstance(exc, Exception):
        raise UnsupportedError(f"raising {name} is not supported in compiled code: only exceptions derived "
                               "from Exception (built-in ones that take a message) can be raised there; "
                               "raise it outside the compiled function", loc)

    def raise_uncaught() -> None:
        args, kwargs = getattr(exc, CONSTRUCTION, (exc.args, {}))
        if builtin and not kwargs and (args == () or len(args) == 1 and isinstance(args[0], str) and args[0]):
            # a site of compiled code: the class made again from the message alone ("" for no argument)
            message = args[0] if args else ""
            arith.raise_if(True, name, message.replace("{", "{{").replace("}", "}}"), loc=loc)
            return
        from .runtime_calls import raise_python   # CPython makes it again from its arguments, exactly

        raise_python(type(exc), args, kwargs, loc)
        arith.raise_if(True, "RuntimeError", f"{name} raised in Python did not propagate", loc=loc)

    if tr.function.try_scopes:
        from .catching import route

        if route(type(exc), lambda: exc, True, raise_uncaught):
            return
    raise_uncaught()
    tr.frame.terminated = True


#: the attribute of an exception a handler caught in traced code: where it was raised (raising
#: it again raises it from there, as the last entry of CPython's traceback shows)
RAISED_AT = "_compiled_raised_at"
#: the attribute of an exception made in traced code that keeps the arguments it was made
#: with, ``(args, kwargs)``: a run-time raise makes it again from them (``__init__`` may have
#: made its ``args`` from them, as ``super().__init__(f"bad {x}")``)
CONSTRUCTION = "_compiled_construction"


def construct_exception(cls: type, *args: Any, **kwargs: Any) -> BaseException:
    """``cls(*args, **kwargs)`` in traced code: the exception, which remembers how it was made."""
    exc = user_computation(cls, *args, **kwargs)
    try:
        setattr(exc, CONSTRUCTION, (args, kwargs))
    except AttributeError:   # a class with __slots__: made again from its args
        pass
    return exc
