"""Where in the user's source the compiler is: locations of converted code.

``frontend.convert`` registers each code object it compiles; the functions
here find the innermost converted-code frame of the running stack or of a
traceback.  Decision: this is the bottom of the frontend (it imports none of
it), so every layer that reports an error at the user's line -- the trace
context first -- reaches it without importing the converter.
"""
from __future__ import annotations

import sys
import types
import weakref
from typing import Any, Iterable

from ir.diagnostics import Location


class _CodeInfo:
    """What :func:`user_location` keeps about one converted code object."""

    __slots__ = ("locations", "positions", "ref")

    def __init__(self, ref: weakref.ref):
        #: keeps the weak reference (and its callback) alive
        self.ref = ref
        #: the instructions' source positions, computed when first asked for
        self.positions: tuple | None = None
        #: the location of each instruction asked for, by its offset (one Python operation
        #: traces into several ops, each asking)
        self.locations: dict[int, Location] = {}


#: ``id(code)`` -> info, for every converted code object (nested ones included).
#: Decision: keyed by ``id`` because looking a code object up by value hashes
#: its whole bytecode, and the lookup runs for every traced op.  A weak
#: reference's callback removes the entry while the dying code's id is still
#: its own, so an id found here always belongs to converted code.
_CONVERTED_CODES: dict[int, _CodeInfo] = {}


def register_converted(code: types.CodeType) -> None:
    """Make ``code`` (and the code objects nested in it) converted code for the functions here."""
    codes = _CONVERTED_CODES  # bound in the callbacks: they may run while the interpreter shuts down
    for c in code_objects(code):
        key = id(c)
        codes[key] = _CodeInfo(weakref.ref(c, lambda _, key=key: codes.pop(key, None)))


def is_converted(code: Any) -> bool:
    """Whether ``code`` is converted code (a lambda defined in a compiled function is)."""
    return isinstance(code, types.CodeType) and id(code) in _CONVERTED_CODES and \
        _CONVERTED_CODES[id(code)].ref() is code


def _frame_location(frame: Any, lasti: int, info: _CodeInfo) -> Location:
    known = info.locations.get(lasti)
    if known is None:
        known = info.locations[lasti] = _instruction_location(frame, lasti, info)
    return known


def _instruction_location(frame: Any, lasti: int, info: _CodeInfo) -> Location:
    code = frame.f_code
    if info.positions is None:
        info.positions = tuple(code.co_positions())
    positions = info.positions
    index = lasti // 2
    position = positions[index] if 0 <= index < len(positions) else None
    line = position[0] if position is not None and position[0] is not None else frame.f_lineno
    col = position[2] if position is not None and position[2] is not None else 0
    return Location(code.co_filename, line, col)


def traceback_location(tb: Any) -> Location | None:
    """The location of the innermost converted-code frame of a traceback."""
    found = None
    while tb is not None:
        info = _CONVERTED_CODES.get(id(tb.tb_frame.f_code))
        if info is not None:
            found = _frame_location(tb.tb_frame, tb.tb_lasti, info)
        tb = tb.tb_next
    return found


def user_location(skip_frames: int = 0) -> Location | None:
    """The user-source location the innermost running converted code is at.

    Walks the stack outward from the caller (after skipping ``skip_frames``
    more frames); ``None`` when no converted code is running.
    """
    frame = sys._getframe(skip_frames + 1)
    while frame is not None:
        info = _CONVERTED_CODES.get(id(frame.f_code))
        if info is not None:
            return _frame_location(frame, frame.f_lasti, info)
        frame = frame.f_back
    return None


def code_objects(code: types.CodeType) -> Iterable[types.CodeType]:
    """``code`` and the code objects nested in it."""
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from code_objects(const)
