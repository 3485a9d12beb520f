"""Error sites: how a status code returned by compiled code becomes a Python exception.

Compiled code cannot raise.  Every ``raise_if`` is registered here at compile
time as an *error site* (exception name, message template, source location,
types of the message arguments) and gets a process-wide id, starting at 1
(0 means success).  When the check fires, the compiled function stores the
message arguments into an array of ``MAX_ERROR_ARGS`` 8-byte slots and
returns the site id; the caller then calls :func:`raise_error`.

Slot encoding (written by the codegen, read by :func:`decode_slot`): integers
and bools are sign- or zero-extended to 64 bits, an ``f64`` is its bit
pattern, an ``f32`` its bit pattern in the low 4 bytes.

Status :data:`PYTHON_EXCEPTION` (-1) is no site: compiled code stopped by an
exception raised in Python code it called back (``py.call``); the first three
slots then hold the owned ``(type, value, traceback)`` references that
``PyErr_Fetch`` gave, and :func:`raise_error` raises that exception as it was.

Decisions:

* identical sites (same exception, message, location and argument types) share
  one id, so recompiling a function does not grow the registry;
* the message template uses ``{}`` fields and is checked when the site is
  registered, so a bad template is a compile-time error, never a failure while
  raising;
* the exception is looked up by name among Python's built-in exception classes
  only; any other name gives a ``RuntimeError`` whose message starts with that
  name.  Only the classes :func:`can_raise` accepts are raised as themselves:
  ``Exception`` subclasses that take a message as their one argument (not
  ``SystemExit``, ``KeyboardInterrupt``, ``GeneratorExit``, nor
  ``UnicodeDecodeError`` and the other classes that need more arguments);
  the frontend refuses to compile a ``raise`` of any other class.
"""
from __future__ import annotations

import ctypes
import struct
import threading
from dataclasses import dataclass
from typing import NoReturn, Sequence

from ir.diagnostics import Location, builtin_exception, can_raise
from ir.types import BoolType, FloatType, IntType, Type

__all__ = ["PYTHON_EXCEPTION", "MAX_ERROR_ARGS", "ERRARGS_SLOTS", "ErrorSite", "register_error_site", "error_site",
           "raise_error", "decode_slot", "can_raise"]

#: number of 8-byte message-argument slots the caller of compiled code provides
MAX_ERROR_ARGS = 4
#: 8-byte slots of the ``errargs`` buffer a caller of compiled code provides
ERRARGS_SLOTS = MAX_ERROR_ARGS

_MASK64 = (1 << 64) - 1

#: the status of compiled code stopped by a Python exception (see the module docstring)
PYTHON_EXCEPTION = -1


def decode_slot(raw: int, type: Type) -> int | bool | float:
    """The Python value of one 8-byte slot holding a value of ``type``."""
    raw &= _MASK64  # the slot may have been read as a signed or unsigned integer
    if isinstance(type, BoolType):
        return raw != 0
    if isinstance(type, IntType):
        return type.wrap(raw)
    if isinstance(type, FloatType):
        if type.bits == 32:
            return struct.unpack("<f", struct.pack("<I", raw & 0xFFFFFFFF))[0]
        return struct.unpack("<d", struct.pack("<Q", raw))[0]
    raise TypeError(f"an error message argument cannot have type {type}")




@dataclass(frozen=True)
class ErrorSite:
    """One ``raise_if`` of compiled code."""

    exception: str
    message: str
    loc: Location | None
    arg_types: tuple[Type, ...]

    def format_message(self, raw_args: Sequence[int]) -> str:
        """The message with its fields filled from the raw slots, and the source line."""
        values = [decode_slot(raw, t) for raw, t in zip(raw_args, self.arg_types)]
        text = self.message.format(*values)
        if self.loc is not None:
            text += f" ({self.loc.short})"
        return text

    def exception_for(self, raw_args: Sequence[int]) -> Exception:
        """The exception instance this site raises for these raw argument slots."""
        text = self.format_message(raw_args)
        cls = builtin_exception(self.exception)
        if cls is None:
            return RuntimeError(f"{self.exception}: {text}")
        return cls(text)


_lock = threading.Lock()
_sites: list[ErrorSite] = []
_ids: dict[ErrorSite, int] = {}


def register_error_site(exception: str, message: str, loc: Location | None,
                        arg_types: tuple[Type, ...]) -> int:
    """Register a site and return its id (>= 1); identical sites share an id.

    Raises ``ValueError`` for more than ``MAX_ERROR_ARGS`` arguments or a
    message template that cannot be formatted with the arguments, and
    ``TypeError`` for an argument type other than bool, int or float.
    """
    arg_types = tuple(arg_types)
    if len(arg_types) > MAX_ERROR_ARGS:
        raise ValueError(f"an error message takes at most {MAX_ERROR_ARGS} arguments, "
                         f"not {len(arg_types)}")
    try:
        message.format(*(decode_slot(0, t) for t in arg_types))
    except (IndexError, KeyError, ValueError) as err:
        raise ValueError(f"bad error message template {message!r}: {err}") from None
    site = ErrorSite(exception, message, loc, arg_types)
    with _lock:
        site_id = _ids.get(site)
        if site_id is None:
            _sites.append(site)
            site_id = _ids[site] = len(_sites)
        return site_id


def error_site(site_id: int) -> ErrorSite:
    """The site registered under ``site_id``; ``KeyError`` for an unknown id."""
    with _lock:
        if not 1 <= site_id <= len(_sites):
            raise KeyError(f"no error site with id {site_id}")
        return _sites[site_id - 1]


def raise_error(site_id: int, raw_args: Sequence[int]) -> NoReturn:
    """Raise the exception of site ``site_id`` with its message arguments decoded
    from ``raw_args`` (the 8-byte slots filled by compiled code); for
    :data:`PYTHON_EXCEPTION`, the Python exception the slots hold."""
    if site_id == PYTHON_EXCEPTION:
        raise _fetched_exception(raw_args)
    raise error_site(site_id).exception_for(raw_args)


def _fetched_exception(raw_args: Sequence[int]) -> BaseException:
    """The exception of the owned ``(type, value, traceback)`` references in the
    first three slots; the references are released."""
    objects = []
    for raw in raw_args[:3]:
        address = raw & _MASK64
        if not address:
            objects.append(None)
            continue
        objects.append(ctypes.cast(ctypes.c_void_p(address), ctypes.py_object).value)
        ctypes.pythonapi.Py_DecRef(ctypes.c_void_p(address))
    exc_type, value, traceback = objects
    if not isinstance(value, BaseException):
        value = exc_type() if value is None else exc_type(value)
    return value.with_traceback(traceback)
