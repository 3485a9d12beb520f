"""The bits of doubles, for the constants of the compiler's own math functions
(:mod:`.npexp`, :mod:`.nplog`, :mod:`.nptrig`)."""
from __future__ import annotations

import struct


def from_words(high: int, low: int) -> float:
    """The double whose bits are the 32-bit words ``high`` and ``low`` (as fdlibm writes its constants)."""
    return struct.unpack("<d", struct.pack("<Q", (high << 32) | low))[0]


def bits_of(x: float) -> int:
    """The bits of ``x`` as a signed 64-bit integer."""
    return struct.unpack("<q", struct.pack("<d", x))[0]


def truncated(x: float, bits: int) -> float:
    """``x`` with its significand cut to its first ``bits`` bits."""
    (cut,) = struct.unpack("<d", struct.pack("<q", bits_of(x) & ~((1 << (53 - bits)) - 1)))
    return cut
