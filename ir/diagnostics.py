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
time: ``Exception`` subclasses that take a message as their one argument.
"""
from __future__ import annotations

import builtins
import importlib

import linecache
from dataclasses import dataclass


@dataclass(frozen=True)
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
