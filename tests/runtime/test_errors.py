"""Error-site tables (one per compiled module) and the exceptions raised for compiled code's status codes."""
from __future__ import annotations

import builtins
import pickle
import struct
import traceback

import pytest

from ir.diagnostics import Location
from ir.types import bool_, c128, f32, f64, i8, i16, i64, u8, u64
from runtime.errors import MAX_ERROR_ARGS, PYTHON_EXCEPTION, ErrorSites, can_raise, decode_slot

LOC = Location("project/kernels.py", 12, 4)


def f64_slot(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def f32_slot(x: float) -> int:
    return struct.unpack("<I", struct.pack("<f", x))[0]


def test_statuses_start_at_one_and_identical_sites_share_a_status() -> None:
    sites = ErrorSites()
    a = sites.add("IndexError", "index {} out of range", LOC, (i64,))
    b = sites.add("IndexError", "index {} out of range", LOC, (i64,))
    c = sites.add("IndexError", "index {} out of range", Location("other.py", 12), (i64,))
    d = sites.add("IndexError", "index {} out of range", LOC, (u64,))
    assert (a, b, c, d) == (1, 1, 2, 3) and len(sites) == 3
    assert sites[c].loc == Location("other.py", 12)
    assert [site.loc for site in sites] == [LOC, Location("other.py", 12), LOC]


def test_each_module_has_its_own_table() -> None:
    """Two tables number their sites independently: a status means a site of its own module."""
    first, second = ErrorSites(), ErrorSites()
    assert first.add("ValueError", "first", LOC) == 1
    assert second.add("IndexError", "second", LOC) == 1
    with pytest.raises(ValueError, match="^first"):
        first.raise_error(1, [])
    with pytest.raises(IndexError, match="^second"):
        second.raise_error(1, [])


def test_a_table_is_plain_data() -> None:
    """What a disk cache needs: a table pickled and loaded raises as the original does."""
    sites = ErrorSites()
    sites.add("IndexError", "index {} is out of bounds", LOC, (i64,))
    with pytest.raises(IndexError, match=r"^index 9 is out of bounds$"):
        pickle.loads(pickle.dumps(sites)).raise_error(1, [9])


@pytest.mark.parametrize("name", ["ZeroDivisionError", "ValueError", "OverflowError", "IndexError",
                                  "UnboundLocalError", "AssertionError", "TypeError", "MemoryError",
                                  "KeyError", "NotImplementedError"])
def test_raises_the_named_builtin_exception_with_message_and_line(name: str) -> None:
    """The message as it is; the line as the traceback's last frame, in the function there."""
    sites = ErrorSites()
    site = sites.add(name, "it went wrong", LOC, ())
    with pytest.raises(getattr(builtins, name)) as info:
        sites.raise_error(site, [])
    assert type(info.value).__name__ == name
    assert info.value.args == ("it went wrong",)
    frame = traceback.extract_tb(info.value.__traceback__)[-1]
    assert (frame.filename, frame.lineno) == (LOC.file, LOC.line)


def test_the_frame_is_the_function_around_the_line(tmp_path) -> None:
    source = tmp_path / "kernel.py"
    source.write_text("import math\n\ndef kernel(x):\n    if x:\n        return 1 / x\n    return 0\n")
    sites = ErrorSites()
    site = sites.add("ZeroDivisionError", "division by zero", Location(str(source), 5, 15), ())
    with pytest.raises(ZeroDivisionError) as info:
        sites.raise_error(site, [])
    frame = traceback.extract_tb(info.value.__traceback__)[-1]
    assert (frame.name, frame.lineno, frame.line) == ("kernel", 5, "return 1 / x")


@pytest.mark.parametrize("name", ["NoSuchError", "print", "KeyboardInterrupt", "SystemExit", "__import__"])
def test_unknown_or_unsafe_names_give_runtime_error(name: str) -> None:
    sites = ErrorSites()
    site = sites.add(name, "boom", None, ())
    with pytest.raises(RuntimeError) as info:
        sites.raise_error(site, [])
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
    sites = ErrorSites()
    site = sites.add("ValueError", "{} {} {} {}", LOC, (i64, u64, f64, f32))
    with pytest.raises(ValueError, match=r"^-5 18446744073709551615 -0.5 1.25$"):
        sites.raise_error(site, [-5 & (2**64 - 1), 2**64 - 1, f64_slot(-0.5), f32_slot(1.25)])
    # slots read as signed integers decode the same way
    with pytest.raises(ValueError, match=r"^-5 18446744073709551615 "):
        sites.raise_error(site, [-5, -1, f64_slot(-0.5), f32_slot(1.25)])


@pytest.mark.parametrize("raw,t,want", [
    (0xFFFF_FFFF_FFFF_FF80, i8, -128), (0x80, u8, 128), (0xFFFF_FFFF_FFFF_FFFF, i16, -1),
    (1, bool_, True), (0, bool_, False), (f64_slot(float("inf")), f64, float("inf")),
    (f32_slot(-3.5) | (0xDEAD << 32), f32, -3.5), (2**63, i64, -2**63),
])
def test_decode_slot(raw: int, t: object, want: object) -> None:
    got = decode_slot(raw, t)
    assert got == want and type(got) is type(want)


def test_message_with_format_spec_and_no_location() -> None:
    sites = ErrorSites()
    site = sites.add("OverflowError", "value {:.2f} is not in [{}, {}]", None, (f64, i8, bool_))
    with pytest.raises(OverflowError) as info:
        sites.raise_error(site, [f64_slot(3.14159), 7, 1])
    assert str(info.value) == "value 3.14 is not in [7, True]"


def test_bad_sites_are_rejected_when_added() -> None:
    sites = ErrorSites()
    with pytest.raises(ValueError, match="at most"):
        sites.add("ValueError", "{}" * (MAX_ERROR_ARGS + 1), LOC, (i64,) * (MAX_ERROR_ARGS + 1))
    with pytest.raises(ValueError, match="template"):
        sites.add("ValueError", "{} and {}", LOC, (i64,))
    with pytest.raises(ValueError, match="template"):
        sites.add("ValueError", "{name}", LOC, (i64,))
    with pytest.raises(TypeError):
        sites.add("ValueError", "{}", LOC, (c128,))
    assert len(sites) == 0


def test_unknown_status() -> None:
    sites = ErrorSites()
    sites.add("ValueError", "known", LOC)
    for status in (0, 2, 10**9, PYTHON_EXCEPTION - 1):
        with pytest.raises(KeyError, match=f"no error site with status {status}"):
            sites.raise_error(status, [])
