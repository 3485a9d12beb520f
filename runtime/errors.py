"""Error sites: how a status code returned by compiled code becomes a Python exception.

Compiled code cannot raise.  Every ``raise_if`` (and every allocation and
recursive call, which may fail) is an *error site* -- exception name,
message template, source location, types of the message arguments -- in the
:class:`ErrorSites` table of the module being compiled, which gives it a
status local to that module, starting at 1 (0 means success).  When the
check fires, the compiled function stores the message arguments into an
array of ``MAX_ERROR_ARGS`` 8-byte slots and returns the status; the caller
then calls the module's table's :meth:`ErrorSites.raise_error`, which raises
the exception with CPython's message from a frame of the site's source line
(``ir.diagnostics.raise_at``): the traceback ends at the compiled function's
line, as Cython's do.

Decision: the table belongs to the compiled module, not to the process (as a
process-wide registry of ids baked into the code would): compiled code
depends on nothing outside its own module, two modules never share or
exhaust ids, and a module's machine code and its table can be stored
together (a disk cache) and used in another process.

Slot encoding (written by the codegen, read by :func:`decode_slot`): integers
and bools are sign- or zero-extended to 64 bits, an ``f64`` is its bit
pattern, an ``f32`` its bit pattern in the low 4 bytes.

Status :data:`PYTHON_EXCEPTION` (-1) is no site: compiled code stopped by an
exception raised in Python code it called back (``py.call``); the first three
slots then hold the owned ``(type, value, traceback)`` references that
``PyErr_Fetch`` gave, and :meth:`ErrorSites.raise_error` raises that exception as it was.

Decisions:

* identical sites of one module (same exception, message, location and
  argument types) share one status;
* an empty message makes the exception with no argument (``AssertionError()`` of an
  ``assert`` without a message; a raise with an empty message goes through Python);
* the message template uses ``{}`` fields and is checked when the site is
  added, so a bad template is a compile-time error, never a failure while
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
from typing import Iterator, NoReturn, Sequence

from ir.diagnostics import MAX_MESSAGE_ARGS, Location, builtin_exception, can_raise, exception_of, raise_at
from ir.records import record
from ir.types import BoolType, FloatType, IntType, Type

__all__ = ["PYTHON_EXCEPTION", "MAX_ERROR_ARGS", "STACK_LIMIT_SLOT", "ERRARGS_SLOTS", "ErrorSite", "ErrorSites",
           "decode_slot", "can_raise"]

#: number of 8-byte message-argument slots the caller of compiled code provides
MAX_ERROR_ARGS = MAX_MESSAGE_ARGS
#: the slot of ``errargs`` after the message arguments: the lowest stack address recursive
#: calls may reach (the code that enters compiled code stores it: ``compiler.codegen.core``)
STACK_LIMIT_SLOT = MAX_ERROR_ARGS
#: 8-byte slots of the ``errargs`` buffer a caller of compiled code provides
ERRARGS_SLOTS = MAX_ERROR_ARGS + 1

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




@record(frozen=True)
class ErrorSite:
    """One ``raise_if`` of compiled code."""

    exception: str
    message: str
    loc: Location | None
    arg_types: tuple[Type, ...]

    def format_message(self, raw_args: Sequence[int]) -> str:
        """The message with its fields filled from the raw slots."""
        values = [decode_slot(raw, t) for raw, t in zip(raw_args, self.arg_types)]
        return self.message.format(*values)

    def exception_for(self, raw_args: Sequence[int]) -> Exception:
        """The exception instance this site raises for these raw argument slots."""
        text = self.format_message(raw_args)
        cls = builtin_exception(self.exception)
        if cls is None:
            return RuntimeError(f"{self.exception}: {text}")
        return exception_of(cls, text)   # (no message: no argument, as an assert without one)


class ErrorSites:
    """The error-site table of one compiled module: status ``k`` (1..n) raises its ``k``-th site.

    The code generator adds the sites while it lowers the module and returns
    the table with the LLVM IR; whoever calls the module's entry points
    raises a non-zero status with :meth:`raise_error` of that table.
    Identical sites (same exception, message, location and argument types)
    share a status.  The table is plain data: it refers to nothing of the
    process, so it can be stored with the machine code.  It is filled by one
    lowering in one thread and only read after that: no lock.
    """

    def __init__(self) -> None:
        self._sites: list[ErrorSite] = []
        self._ids: dict[ErrorSite, int] = {}

    def add(self, exception: str, message: str, loc: Location | None, arg_types: Sequence[Type] = ()) -> int:
        """Add a site (or find the identical one); its status (>= 1).

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
        status = self._ids.get(site)
        if status is None:
            self._sites.append(site)
            status = self._ids[site] = len(self._sites)
        return status

    def __getitem__(self, status: int) -> ErrorSite:
        """The site of ``status``; ``KeyError`` for a status that is no site of this table."""
        if not 1 <= status <= len(self._sites):
            raise KeyError(f"no error site with status {status}")
        return self._sites[status - 1]

    def __len__(self) -> int:
        return len(self._sites)

    def __iter__(self) -> Iterator[ErrorSite]:
        return iter(self._sites)

    def raise_error(self, status: int, raw_args: Sequence[int]) -> NoReturn:
        """Raise the exception of ``status`` with its message arguments decoded from
        ``raw_args`` (the 8-byte slots filled by compiled code); for
        :data:`PYTHON_EXCEPTION`, the Python exception the slots hold."""
        if status == PYTHON_EXCEPTION:
            raise _fetched_exception(raw_args)
        site = self[status]
        raise_at(site.exception_for(raw_args), site.loc)


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
