"""Integer constants: 64 bits, signed or unsigned; wider ones are a TypingError."""
import pytest

from compiler import compile
from ir import TypingError

MASK = 0xFFFFFFFFFFFFFFFF
FNV_OFFSET, FNV_PRIME = 0xCBF29CE484222325, 0x100000001B3


def fnv1a(n):
    h = FNV_OFFSET
    for i in range(n):
        h = ((h ^ (i & 0xFF)) * FNV_PRIME) & MASK
    return h


def too_wide(x):
    return x + 2 ** 70  # <- line of the error


@pytest.mark.parametrize("n", [0, 1, 10, 1000])
def test_unsigned_64_bit_constants_wrap_like_64_bit_arithmetic(n):
    assert compile(fnv1a)(n) & MASK == fnv1a(n)


def test_wider_constants_are_a_located_typing_error():
    with pytest.raises(TypingError) as info:
        compile(too_wide)(1)
    assert "does not fit in 64 bits" in str(info.value)
    assert f"test_int_constants.py:{too_wide.__code__.co_firstlineno + 1}:" in str(info.value)


def returns_too_wide():
    return 2 ** 70  # <- line of the error


def test_returning_a_wider_constant_is_a_located_typing_error():
    with pytest.raises(TypingError) as info:
        compile(returns_too_wide)()
    assert "does not fit in 64 bits" in str(info.value)
    assert f"test_int_constants.py:{returns_too_wide.__code__.co_firstlineno + 1}:" in str(info.value)
