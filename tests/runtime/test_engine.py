"""The JIT engine: compiling LLVM IR text, symbols, optimization levels, threads."""
from __future__ import annotations

import ctypes
import gc
import math
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from runtime.engine import CompiledLibrary, Engine, LLVMError, get_engine

ROOT = Path(__file__).resolve().parents[2]

SCALE = """
target triple = "unknown-unknown-unknown"
target datalayout = ""

define internal double @twice(double %x) {
  %r = fmul double %x, 2.0
  ret double %r
}

define double @scale(double %x) {
  %r = call double @twice(double %x)
  %s = fadd double %r, {k}.0
  ret double %s
}
"""

LIBM = """
declare double @tgamma(double)
declare double @erf(double)
declare float @tanf(float)
declare double @llvm.sqrt.f64(double)

define double @mix(double %x) {
  %g = call double @tgamma(double %x)
  %e = call double @erf(double %g)
  %s = call double @llvm.sqrt.f64(double %e)
  ret double %s
}

define float @tan32(float %x) {
  %t = call float @tanf(float %x)
  ret float %t
}
"""

# for (i = 0; i < n; i++) a[i] += 1  -- vectorized from -O2 on
INCREMENT = """
define void @increment(ptr noalias %a, i64 %n) {
entry:
  %empty = icmp sle i64 %n, 0
  br i1 %empty, label %exit, label %loop
loop:
  %i = phi i64 [0, %entry], [%next, %loop]
  %p = getelementptr inbounds i32, ptr %a, i64 %i
  %v = load i32, ptr %p
  %w = add i32 %v, 1
  store i32 %w, ptr %p
  %next = add nuw nsw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}
"""

DOUBLE_FN = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)


def scale_fn(lib: CompiledLibrary) -> Any:
    return DOUBLE_FN(lib.address("scale"))


def test_get_engine_is_one_engine_per_process() -> None:
    engines: list[Engine] = []
    threads = [threading.Thread(target=lambda: engines.append(get_engine())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(e is get_engine() for e in engines)


@pytest.mark.parametrize("opt_level", [0, 1, 2, 3])
def test_compile_and_call_at_every_level(opt_level: int) -> None:
    lib = get_engine().compile(SCALE.replace("{k}", "1"), opt_level, name="scale")
    assert scale_fn(lib)(20.0) == 41.0
    assert lib.symbols == ["scale"]  # internal functions are not exported
    assert 'target triple = "unknown' not in lib.llvm_ir  # compiled for the host
    if opt_level >= 2:
        assert "@twice" not in lib.llvm_ir  # inlined and removed


def test_address_of_a_missing_symbol() -> None:
    lib = get_engine().compile(SCALE.replace("{k}", "1"))
    with pytest.raises(KeyError, match="twice.*exports scale"):
        lib.address("twice")


def test_optimized_ir_and_host_assembly() -> None:
    lib = get_engine().compile(SCALE.replace("{k}", "3"), 3)
    assert "define double @scale(double" in lib.llvm_ir
    assert "scale:" in lib.asm and "ret" in lib.asm


def test_vectorizes_from_level_two() -> None:
    engine = get_engine()
    assert "x i32>" not in engine.compile(INCREMENT, 1).llvm_ir
    lib = engine.compile(INCREMENT, 3)
    assert "x i32>" in lib.llvm_ir
    data = (ctypes.c_int32 * 37)(*range(37))
    ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int64)(lib.address("increment"))(ctypes.addressof(data), 37)
    assert list(data) == list(range(1, 38))


def test_c_library_functions_resolve_from_the_process() -> None:
    lib = get_engine().compile(LIBM)
    assert math.isclose(DOUBLE_FN(lib.address("mix"))(1.7), math.sqrt(math.erf(math.gamma(1.7))), rel_tol=1e-14)
    tan32 = ctypes.CFUNCTYPE(ctypes.c_float, ctypes.c_float)(lib.address("tan32"))
    assert math.isclose(tan32(0.5), math.tan(0.5), rel_tol=1e-6)


@pytest.mark.parametrize("bad", ["this is not LLVM IR", "define i32 @f() {\n  ret i64 0\n}",
                                 "define i32 @f() {\nentry:\n  br label %entry\n  ret i32 0\n}"])
def test_invalid_ir_raises_llvm_error(bad: str) -> None:
    with pytest.raises(LLVMError, match="rejected module broken"):
        get_engine().compile(bad, name="broken")


def test_unresolved_symbols_fail_at_link_time() -> None:
    text = ("declare double @no_such_function_anywhere(double)\n"
            "define double @f(double %x) {\n"
            "  %r = call double @no_such_function_anywhere(double %x)\n"
            "  ret double %r\n}\n")
    with pytest.raises(LLVMError, match="linking unresolved failed"):
        get_engine().compile(text, name="unresolved")


def test_invalid_opt_level() -> None:
    with pytest.raises(ValueError, match="opt_level"):
        get_engine().compile(SCALE.replace("{k}", "1"), 4)


def test_same_names_in_separate_libraries_and_freeing_one() -> None:
    engine = get_engine()
    first = engine.compile(SCALE.replace("{k}", "1"), name="same")
    second = engine.compile(SCALE.replace("{k}", "2"), name="same")
    assert first.name != second.name
    assert (scale_fn(first)(1.0), scale_fn(second)(1.0)) == (3.0, 4.0)
    del first
    gc.collect()
    assert scale_fn(second)(1.0) == 4.0
    assert scale_fn(engine.compile(SCALE.replace("{k}", "5"), name="same"))(1.0) == 7.0


def test_compiles_and_runs_from_eight_threads_at_once() -> None:
    barrier = threading.Barrier(8)
    results: dict[int, float] = {}
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            barrier.wait()
            for round_ in range(3):
                lib = get_engine().compile(SCALE.replace("{k}", str(k)), (k + round_) % 4, name="threaded")
                results[k] = scale_fn(lib)(10.0)
        except BaseException as err:  # noqa: BLE001 - reported by the main thread
            errors.append(err)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert results == {k: 20.0 + k for k in range(8)}


def test_importing_the_runtime_does_not_import_llvmlite() -> None:
    code = "import sys, runtime.engine, runtime.errors; sys.exit('llvmlite' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
