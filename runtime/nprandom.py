"""Where NumPy's global random generator keeps its state, for compiled code to draw from.

``np.random.random()`` and the other legacy functions are methods of one
``RandomState`` object, ``np.random.mtrand._rand``.  It holds a copy of its bit
generator's ``bitgen_t`` (the state pointer and the ``next_uint64``,
``next_uint32``, ``next_double`` functions NumPy exposes for extensions through
``bit_generator.ctypes``) and an ``aug_bitgen_t`` whose ``has_gauss``/``gauss``
keep the second normal deviate of the polar method for the next call.
Compiled code reads and writes those fields in place, so compiled and plain
code draw from one stream: a seed set in Python gives compiled code the numbers
CPython would draw, and the other way round.

NumPy's distributions themselves come compiled with NumPy: the wheel ships
``numpy/random/lib/libnpyrandom.a`` (the static library NumPy offers for
Cython extensions), whose object files :func:`distribution_address` links into
the JIT once, so compiled code calls NumPy's own ``random_poisson`` -- the same
machine code ``np.random.poisson`` runs.

The fields are not public: :func:`legacy_layout` finds them in the object's
memory from what *is* public -- the ``bitgen_t`` words equal the values
``bit_generator.ctypes`` gives, and the ``aug_bitgen_t`` points to that copy --
and proves the gauss fields by setting a state with a known cached deviate
through ``set_state`` and reading it back (the state is restored after).  A
NumPy whose layout does not match gets a ``RandomLayoutError``, which the
compiler reports as "not supported with this NumPy" instead of guessing.
"""
from __future__ import annotations

import ctypes
import functools

import numpy as np

from ir.records import record

__all__ = ["LegacyLayout", "RandomLayoutError", "legacy_layout", "legacy_lock", "DISTRIBUTIONS",
           "distribution_address"]

_WORD = 8


class RandomLayoutError(RuntimeError):
    """NumPy's RandomState is not laid out as this module expects."""


@record(frozen=True)
class LegacyLayout:
    """Addresses inside ``np.random.mtrand._rand``."""

    bitgen: int      #: its ``bitgen_t``: ``{state, next_uint64, next_uint32, next_double, next_raw}``
    has_gauss: int   #: ``int has_gauss`` of its ``aug_bitgen_t``
    gauss: int       #: ``double gauss`` of its ``aug_bitgen_t``


def _function_address(f) -> int:
    return ctypes.cast(f, ctypes.c_void_p).value


@functools.cache
def legacy_layout() -> LegacyLayout:
    rs = np.random.mtrand._rand
    interface = rs._bit_generator.ctypes
    base, size = id(rs), type(rs).__basicsize__
    words = list((ctypes.c_uint64 * (size // _WORD)).from_address(base))
    want = [interface.state_address, _function_address(interface.next_uint64),
            _function_address(interface.next_uint32), _function_address(interface.next_double)]
    found = [i for i in range(len(words) - 3) if words[i:i + 4] == want]
    if len(found) != 1:
        raise RandomLayoutError("cannot find the bit generator inside numpy.random's RandomState")
    bitgen = base + found[0] * _WORD
    augmented = [i for i, w in enumerate(words) if w == bitgen]
    if len(augmented) != 1:
        raise RandomLayoutError("cannot find the gauss cache inside numpy.random's RandomState")
    aug = base + augmented[0] * _WORD
    layout = LegacyLayout(bitgen, aug + _WORD, aug + 2 * _WORD)
    _prove(rs, layout)
    return layout


@functools.cache
def legacy_lock() -> tuple:
    """``(acquire, release)``: the bound methods of the lock NumPy's global generator
    draws under (its bit generator's ``RLock``), kept for compiled code to call."""
    lock = np.random.mtrand._rand._bit_generator.lock
    return lock.acquire, lock.release


def _prove(rs, layout: LegacyLayout) -> None:
    """Set a state with a known cached deviate and read it back where the layout says."""
    saved = rs.get_state()
    try:
        for has, value in ((1, 0.8125), (0, 0.0)):
            rs.set_state((*saved[:3], has, value))
            got = (ctypes.c_int.from_address(layout.has_gauss).value,
                   ctypes.c_double.from_address(layout.gauss).value)
            if got != (has, value):
                raise RandomLayoutError("numpy.random's gauss cache is not where it was expected")
    finally:
        rs.set_state(saved)


#: the functions of ``libnpyrandom.a`` compiled code calls: name -> (result, argument types after the bitgen)
DISTRIBUTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "random_poisson": ("i64", ("f64",)),
    "random_standard_normal": ("f64", ()),
    "random_bounded_uint64": ("u64", ("u64", "u64", "u64", "bool")),
}


def distribution_archive() -> str:
    """The static library of NumPy's distribution functions (NumPy ships it for extensions)."""
    import os

    return os.path.join(os.path.dirname(np.random.__file__), "lib", "libnpyrandom.a")


@functools.cache
def _distribution_addresses() -> dict[str, int]:
    from .engine import get_engine

    path = distribution_archive()
    try:
        with open(path, "rb") as f:
            images = list(_archive_members(f.read()))
    except OSError as err:
        raise RandomLayoutError(f"NumPy's distribution library is missing ({err})") from None
    return get_engine().load_objects("npyrandom", images, list(DISTRIBUTIONS))


def distribution_address(name: str) -> int:
    """The address of NumPy's C function ``name`` (one of :data:`DISTRIBUTIONS`)."""
    return _distribution_addresses()[name]


def _archive_members(data: bytes):
    """The object files of a Unix ``ar`` archive (GNU format)."""
    if data[:8] != b"!<arch>\n":
        raise RandomLayoutError("libnpyrandom.a is not an ar archive")
    position = 8
    while position + 60 <= len(data):
        header = data[position:position + 60]
        name, size = header[:16].decode().strip(), int(header[48:58])
        body = data[position + 60:position + 60 + size]
        if not name.startswith("/"):         # "/" symbol table, "//" long names
            yield body
        elif name[1:].isdigit():             # a long name: still an object file
            yield body
        position += 60 + size + (size & 1)
