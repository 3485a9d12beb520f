"""Source locations and the compile-time error hierarchy.

Every error the compiler raises on behalf of user code is a ``CompileError``
carrying a :class:`Location`; its message shows ``file:line:col``, the source
line and a caret under the offending column.  The subclasses say what kind
of problem it is:

* :class:`UnsupportedError` -- a construct we do not compile (the message
  names it and suggests the way out);
* :class:`TypingError` -- also a ``TypeError``: conflicting types at a merge,
  an operation on types that do not support it, a wrong argument.

:func:`can_raise` says which built-in exceptions a ``raise_if`` can raise at run
time: ``Exception`` subclasses that take a message as their one argument;
:func:`raise_at` raises an exception of compiled code from a frame of its source line.
"""
from __future__ import annotations

import builtins
import functools
import importlib
import linecache
import re
from typing import NoReturn

from .records import record


@record(frozen=True)
class Location:
    """A point in user source: file, 1-based line, 0-based column."""

    file: str
    line: int
    col: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col + 1}"

    @property
    def short(self) -> str:
        """``name.py:12`` -- the form used in run-time error messages."""
        return f"{self.file.rsplit('/', 1)[-1]}:{self.line}"

    def source_line(self) -> str | None:
        text = linecache.getline(self.file, self.line)
        return text.rstrip("\n") if text else None

    def excerpt(self) -> str:
        """The source line and a caret under the column, or '' if unknown."""
        text = self.source_line()
        if text is None:
            return ""
        stripped = text.lstrip()
        indent = len(text) - len(stripped)
        caret = " " * max(self.col - indent, 0) + "^"
        return f"    {stripped}\n    {caret}"


class CompileError(Exception):
    """An error in the user's program found while compiling it."""

    def __init__(self, message: str, loc: Location | None = None, notes: tuple[str, ...] = ()):
        self.message = message
        self.loc = loc
        self.notes = tuple(notes)
        super().__init__(self._render())

    def _render(self) -> str:
        parts = []
        if self.loc is not None:
            parts.append(f"{self.loc}: {self.message}")
            excerpt = self.loc.excerpt()
            if excerpt:
                parts.append(excerpt)
        else:
            parts.append(self.message)
        parts.extend(self.notes)
        return "\n".join(parts)

    def with_location(self, loc: Location | None) -> "CompileError":
        """Return this error with ``loc`` filled in if it had none."""
        if self.loc is not None or loc is None:
            return self
        return type(self)(self.message, loc, self.notes)


class UnsupportedError(CompileError):
    """A Python construct the compiler does not support."""


class TypingError(CompileError, TypeError):
    """Types that do not fit: at a merge, in an operation, or in a call."""


class VerificationError(Exception):
    """The IR broke one of its rules (a compiler bug, never a user error)."""


#: the most run-time values a ``raise_if`` message takes (the 8-byte slots every caller of
#: compiled code provides for them)
MAX_MESSAGE_ARGS = 8

#: exceptions of libraries that compiled code raises as they do, by dotted name
#: (imported only when one is raised)
LIBRARY_EXCEPTIONS = ("numpy.exceptions.AxisError", "numpy.linalg.LinAlgError")


def builtin_exception(name: str) -> type[Exception] | None:
    """The built-in ``Exception`` subclass called ``name``, if there is one, or the
    library exception of :data:`LIBRARY_EXCEPTIONS` so named."""
    if name in LIBRARY_EXCEPTIONS:
        module, _, attribute = name.rpartition(".")
        return getattr(importlib.import_module(module), attribute)
    cls = getattr(builtins, name, None)
    if isinstance(cls, type) and issubclass(cls, Exception):
        return cls
    return None


#: messages of errors CPython raises with two arguments, ``(errno, strerror)``: the
#: ``OverflowError`` of a float ``**`` out of range
ERRNO_MESSAGES = {"(34, 'Numerical result out of range')": (34, "Numerical result out of range")}


def exception_of(cls: type[Exception], text: str) -> Exception:
    """The instance of ``cls`` with the message ``text`` as CPython makes it: no argument for
    no message, ``(errno, strerror)`` for :data:`ERRNO_MESSAGES`, else the message."""
    if not text:
        return cls()
    return cls(*ERRNO_MESSAGES[text]) if text in ERRNO_MESSAGES else cls(text)


def can_raise(name: str) -> bool:
    """Whether compiled code can raise the built-in exception ``name`` as itself, with a
    message (not ``SystemExit``, ``KeyboardInterrupt``, ``GeneratorExit``, nor the
    classes that need more arguments: ``UnicodeDecodeError``, ``ExceptionGroup``...)."""
    cls = builtin_exception(name)
    if cls is None:
        return False
    try:
        cls("message")
    except TypeError:
        return False
    return True


def raise_at(exc: BaseException, loc: Location | None) -> NoReturn:
    """Raise ``exc`` from a frame of ``loc``: its file, its line and the function around it,
    as Cython adds the frames of compiled code to a traceback -- the traceback then ends at
    the line of the compiled function that raised (with its text), and the message stays
    CPython's own."""
    if loc is None:
        raise exc
    name = _enclosing_function(loc.file, loc.line)
    code = compile("raise __exception__", loc.file, "exec")
    code = code.replace(co_firstlineno=loc.line, co_name=name, co_qualname=name,
                        co_linetable=_lines_without_columns(len(code.co_code) // 2))
    exec(code, {"__exception__": exc})
    raise AssertionError("unreachable")   # pragma: no cover


def _lines_without_columns(units: int) -> bytes:
    """A line table (CPython 3.11's format) putting ``units`` code units on the first line
    with no column: a traceback shows the line without carets."""
    table = bytearray()
    while units:
        n = min(units, 8)
        units -= n
        table += bytes([0x80 | (13 << 3) | (n - 1), 0])   # 13: no column info; line delta 0
    return bytes(table)


@functools.lru_cache(maxsize=256)
def _enclosing_function(file: str, line: int) -> str:
    """The name of the ``def`` around ``line`` of ``file`` (``<module>`` outside one)."""
    lines = linecache.getlines(file)
    if not 0 < line <= len(lines):
        return "<compiled>"
    text = lines[line - 1]
    indent = len(text) - len(text.lstrip())
    for number in range(line - 1, -1, -1):
        match = re.match(r"(\s*)(?:async\s+)?def\s+(\w+)", lines[number])
        if match and len(match.group(1)) < indent:
            return match.group(2)
    return "<module>"
