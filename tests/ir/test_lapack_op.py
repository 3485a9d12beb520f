"""``linalg.lapack``: the verifier checks the operands against the routine's declared
arguments (``ir.ops.linalg.LAPACK_ROUTINES``); the op reads and writes its arrays only."""
import pytest

from ir import VerificationError, verify
from ir.interfaces import Read, Write
from ir.ops.linalg import LAPACK_ROUTINES, lapack_signature
from ir.parser import parse_module
from ir.types import c64, f32

HEADER = "func @f(%a: array<f64, 2, C>, %p: array<i64, 1, C>, %n: i64, %x: f64) -> none {\n"


def module(body: str):
    return parse_module(HEADER + "".join(f"  {line}\n" for line in body.splitlines()) + "  return\n}\n")


def test_a_getrf_call_verifies_and_declares_its_effects():
    m = module('%i = linalg.lapack %n, %n, %a, %n, %p {routine = "dgetrf"} : i64')
    verify(m)
    op = next(op for op in m.walk() if op.name == "linalg.lapack")
    assert set(op.effects()) == {Read(2), Write(2), Read(4), Write(4)}
    assert op.routine == "dgetrf"


@pytest.mark.parametrize("body, fragment", [
    ('%i = linalg.lapack %n, %n, %a, %n, %p {routine = "dgetrs"} : i64', "not 'dgetrs'"),
    ('%i = linalg.lapack %n, %n, %a, %n, %p {routine = "qgetrf"} : i64', "not 'qgetrf'"),
    ('%i = linalg.lapack %n, %n, %a, %n, %p : i64', "not ''"),
    ('%i = linalg.lapack %n, %n, %a, %n {routine = "dgetrf"} : i64', "takes 5 arguments before info, not 4"),
    ('%i = linalg.lapack %n, %x, %a, %n, %p {routine = "dgetrf"} : i64', "argument 1 of dgetrf is a i64, not f64"),
    ('%i = linalg.lapack %n, %n, %a, %n, %a {routine = "dgetrf"} : i64', "argument 4 of dgetrf is a writable"),
    ('%i = linalg.lapack %n, %n, %a, %n, %p {routine = "zgetrf"} : i64', "argument 2 of zgetrf is a writable"),
    ('%i = linalg.lapack %n, %n, %n, %a, %a, %n, %a, %a, %n {routine = "dungqr"} : i64', "not 'dungqr'"),
    ('%i = linalg.lapack %n, %n, %a, %n, %p {routine = "dgetrf"} : f64', "gives LAPACK's info, an i64"),
])
def test_bad_calls_are_verification_errors(body, fragment):
    with pytest.raises(VerificationError, match="linalg.lapack") as info:
        verify(module(body))
    assert fragment in str(info.value)


def test_signatures_are_declared_for_both_precisions():
    assert lapack_signature("sgesdd") == (f32, LAPACK_ROUTINES["gesdd"][0])
    assert lapack_signature("cheevd") == (c64, LAPACK_ROUTINES["heevd"][1])
    assert lapack_signature("csyevd") is None and lapack_signature("sungqr") is None
