"""The error-site registry and the exceptions raised for compiled code's status codes."""
from __future__ import annotations

import builtins
import struct
import threading

import pytest

from ir.diagnostics import Location
from ir.types import bool_, c128, f32, f64, i8, i16, i64, u8, u64
from runtime.errors import (
    MAX_ERROR_ARGS, can_raise, decode_slot, error_site, raise_error, register_error_site,
)

LOC = Location("project/kernels.py", 12, 4)


def f64_slot(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def f32_slot(x: float) -> int:
    return struct.unpack("<I", struct.pack("<f", x))[0]


def test_ids_start_at_one_and_identical_sites_share_an_id() -> None:
    a = register_error_site("IndexError", "index {} out of range", LOC, (i64,))
    b = register_error_site("IndexError", "index {} out of range", LOC, (i64,))
    c = register_error_site("IndexError", "index {} out of range", Location("other.py", 12), (i64,))
    d = register_error_site("IndexError", "index {} out of range", LOC, (u64,))
    assert a >= 1 and a == b
    assert len({a, c, d}) == 3
    assert error_site(c).loc == Location("other.py", 12)


@pytest.mark.parametrize("name", ["ZeroDivisionError", "ValueError", "OverflowError", "IndexError",
                                  "UnboundLocalError", "AssertionError", "TypeError", "MemoryError",
                                  "KeyError", "NotImplementedError"])
def test_raises_the_named_builtin_exception_with_message_and_line(name: str) -> None:
    site = register_error_site(name, "it went wrong", LOC, ())
    with pytest.raises(getattr(builtins, name)) as info:
        raise_error(site, [])
    assert type(info.value).__name__ == name
    assert info.value.args == ("it went wrong (kernels.py:12)",)


@pytest.mark.parametrize("name", ["NoSuchError", "print", "KeyboardInterrupt", "SystemExit", "__import__"])
def test_unknown_or_unsafe_names_give_runtime_error(name: str) -> None:
    site = register_error_site(name, "boom", None, ())
    with pytest.raises(RuntimeError) as info:
        raise_error(site, [])
    assert type(info.value) is RuntimeError
    assert str(info.value) == f"{name}: boom"


@pytest.mark.parametrize("name,raisable", [
    ("ValueError", True), ("KeyError", True), ("OSError", True), ("SystemExit", False),
    ("KeyboardInterrupt", False), ("GeneratorExit", False), ("BaseException", False),
    ("UnicodeDecodeError", False), ("ExceptionGroup", False), ("NoSuchError", False), ("print", False),
])
def test_can_raise_only_exceptions_taking_a_message(name: str, raisable: bool) -> None:
    assert can_raise(name) is raisable


def test_arguments_are_decoded_per_type() -> None:
    site = register_error_site("ValueError", "{} {} {} {}", LOC, (i64, u64, f64, f32))
    with pytest.raises(ValueError, match=r"^-5 18446744073709551615 -0.5 1.25 \(kernels.py:12\)$"):
        raise_error(site, [-5 & (2**64 - 1), 2**64 - 1, f64_slot(-0.5), f32_slot(1.25)])
    # slots read as signed integers decode the same way
    with pytest.raises(ValueError, match=r"^-5 18446744073709551615 "):
        raise_error(site, [-5, -1, f64_slot(-0.5), f32_slot(1.25)])


@pytest.mark.parametrize("raw,t,want", [
    (0xFFFF_FFFF_FFFF_FF80, i8, -128), (0x80, u8, 128), (0xFFFF_FFFF_FFFF_FFFF, i16, -1),
    (1, bool_, True), (0, bool_, False), (f64_slot(float("inf")), f64, float("inf")),
    (f32_slot(-3.5) | (0xDEAD << 32), f32, -3.5), (2**63, i64, -2**63),
])
def test_decode_slot(raw: int, t: object, want: object) -> None:
    got = decode_slot(raw, t)
    assert got == want and type(got) is type(want)


def test_message_with_format_spec_and_no_location() -> None:
    site = register_error_site("OverflowError", "value {:.2f} is not in [{}, {}]", None, (f64, i8, bool_))
    with pytest.raises(OverflowError) as info:
        raise_error(site, [f64_slot(3.14159), 7, 1])
    assert str(info.value) == "value 3.14 is not in [7, True]"


def test_bad_sites_are_rejected_at_registration() -> None:
    with pytest.raises(ValueError, match="at most"):
        register_error_site("ValueError", "{}" * 5, LOC, (i64,) * (MAX_ERROR_ARGS + 1))
    with pytest.raises(ValueError, match="template"):
        register_error_site("ValueError", "{} and {}", LOC, (i64,))
    with pytest.raises(ValueError, match="template"):
        register_error_site("ValueError", "{name}", LOC, (i64,))
    with pytest.raises(TypeError):
        register_error_site("ValueError", "{}", LOC, (c128,))


def test_unknown_site_id() -> None:
    with pytest.raises(KeyError):
        raise_error(0, [])
    with pytest.raises(KeyError):
        error_site(10**9)


def test_registry_is_thread_safe() -> None:
    ids: list[list[int]] = [[] for _ in range(8)]

    def work(k: int) -> None:
        for n in range(200):
            ids[k].append(register_error_site("ValueError", f"thread-safety {n % 50}", LOC, ()))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(ids[k] == ids[0] for k in range(8))  # same message -> same id in every thread
    assert len(set(ids[0])) == 50
    for n, site in enumerate(ids[0][:50]):
        assert error_site(site).message == f"thread-safety {n}"
