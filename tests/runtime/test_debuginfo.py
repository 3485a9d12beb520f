"""Debugging and profiling compiled code: ``compile(debug=True)`` (DWARF line information,
``compiler.codegen.debuginfo``), gdb's view of it, and the perf map (``runtime.perfmap``)."""
from __future__ import annotations

import inspect
import math
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import llvmlite.binding as llvm
import numpy as np
import pytest

from compiler import compile, prange
from runtime import perfmap

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).name


def _line(function, text: str) -> int:
    """The line of ``function``'s source that contains ``text``."""
    lines, first = inspect.getsourcelines(function)
    return first + next(k for k, line in enumerate(lines) if text in line)


def _verify(text: str) -> None:
    llvm.parse_assembly(text).verify()


def _scaled_sum(a, n):
    s = 0.0
    for i in range(n):
        s += a[i] * 2.0
    return s


def _checked(a, i):
    return a[i] + 1.0


def _prange_sum(a):
    s = 0.0
    for i in prange(len(a)):
        s += math.sqrt(a[i])
    return s


# --------------------------------------------------------------- the LLVM IR
def test_debug_ir_has_a_subprogram_and_the_lines_of_the_body() -> None:
    f = compile("f64(f64[::1], i64)", debug=True)(_scaled_sum)
    lowered = f.inspect_ir(stage="lowered")
    _verify(lowered)
    assert re.search(r'DIFile\(directory: "[^"]*", filename: "test_debuginfo.py"\)', lowered)
    assert re.search(r'distinct !DISubprogram\([^)]*name: "_scaled_sum"', lowered)
    assert re.search(r'distinct !DISubprogram\([^)]*name: "pyjit_entry._scaled_sum"', lowered)
    assert '!"Dwarf Version", i32 4' in lowered and '!"Debug Info Version", i32 3' in lowered
    lines = {int(n) for n in re.findall(r"!DILocation\([^)]*line: (\d+)", lowered)}
    for text in ("for i in range(n)", "s += a[i] * 2.0"):
        assert _line(_scaled_sum, text) in lines
    assert re.search(r'^define internal i32 @"pyjit._scaled_sum"\(.*!dbg !\d+$', lowered, re.MULTILINE)
    # LLVM's optimizer keeps the line information
    optimized = f.inspect_llvm()
    assert "DISubprogram" in optimized and _line(_scaled_sum, "s += a[i]") in {
        int(n) for n in re.findall(r"!DILocation\([^)]*line: (\d+)", optimized)}


def test_the_subprogram_line_is_the_functions_first_line() -> None:
    f = compile("f64(f64[::1], i64)", debug=True)(_checked)
    lowered = f.inspect_ir(stage="lowered")
    first = _checked.__code__.co_firstlineno
    assert re.search(rf'DISubprogram\([^)]*line: {first},[^)]*name: "_checked"', lowered)


def test_without_debug_the_ir_has_no_debug_information() -> None:
    f = compile("f64(f64[::1], i64)")(_scaled_sum)
    for stage in ("lowered", "llvm"):
        text = f.inspect_ir(stage=stage)
        assert "!dbg" not in text and "DICompileUnit" not in text and "Dwarf Version" not in text


def test_a_line_inlined_from_another_file_is_in_its_own_file(tmp_path, monkeypatch) -> None:
    (tmp_path / "dbg_helpers_mod.py").write_text("def helper(x):\n    return x * 3.0 + 1.0\n")
    (tmp_path / "dbg_caller_mod.py").write_text(textwrap.dedent("""\
        from dbg_helpers_mod import helper

        def caller(x):
            return helper(x) - 2.0
        """))
    monkeypatch.syspath_prepend(str(tmp_path))
    import dbg_caller_mod

    f = compile("f64(f64)", debug=True)(dbg_caller_mod.caller)
    lowered = f.inspect_ir(stage="lowered")
    _verify(lowered)
    assert 'filename: "dbg_helpers_mod.py"' in lowered and "DILexicalBlockFile" in lowered
    assert f(2.0) == 5.0
    f.inspect_llvm()


@pytest.mark.parametrize("opt", [0, 1, 3])
def test_results_with_debug_equal_the_plain_functions(opt) -> None:
    a = np.arange(10.0)
    plain, debug = compile(opt=opt)(_scaled_sum), compile(opt=opt, debug=True)(_scaled_sum)
    assert debug(a, 10) == plain(a, 10) == _scaled_sum(a, 10)
    assert debug(a, 10) == plain(a, 10)   # the native call path
    plain, debug = compile(opt=opt)(_checked), compile(opt=opt, debug=True)(_checked)
    assert debug(a, 3) == plain(a, 3) == 4.0
    with pytest.raises(IndexError, match="index 10 is out of bounds"):
        debug(a, 10)


def test_parallel_loops_with_debug() -> None:
    a = np.arange(1000.0)
    debug = compile(parallel=True, debug=True)(_prange_sum)
    assert debug(a) == pytest.approx(_prange_sum(a))
    lowered = debug.inspect_ir(stage="lowered")
    _verify(lowered)
    assert "_prange_sum.share" in lowered


# --------------------------------------------------------------- the perf map
@pytest.fixture
def perf_map(monkeypatch):
    """The perf map on, in this process's file; the file removed afterwards if it did not exist."""
    path = Path(perfmap.map_path())
    existed = path.exists()
    monkeypatch.setenv(perfmap.ENV, "1")
    yield path
    if not existed:
        path.unlink(missing_ok=True)


_MAP_LINE = re.compile(r"([0-9a-f]+) ([0-9a-f]+) (.+)")


def _map_entries(path: Path, name: str) -> list[tuple[int, int, str]]:
    found = []
    for line in path.read_text().splitlines():
        match = _MAP_LINE.fullmatch(line)
        assert match, f"malformed perf map line {line!r}"
        if name in match[3]:
            found.append((int(match[1], 16), int(match[2], 16), match[3]))
    return found


def _mapped_function(a, k):
    return a * 2.0 + k


def test_the_perf_map_names_the_functions_and_contains_the_entry(perf_map) -> None:
    f = compile("f64(f64, i64)")(_mapped_function)
    assert f(1.5, 2) == 5.0
    compiled = f._compiled[next(iter(f._compiled))]
    name = f"pyjit:{__name__}._mapped_function(f64, i64)"
    entries = _map_entries(perf_map, name)
    by_kind = {text[len(name):]: (start, size) for start, size, text in entries}
    assert set(by_kind) >= {"", " [entry]"}
    start, size = by_kind[" [entry]"]
    assert start == compiled.entry_address and 0 < size < 4096
    body_start, body_size = by_kind[""]
    assert 0 < body_size < 65536 and abs(body_start - start) < 1 << 20


def test_the_perf_map_is_off_by_default(monkeypatch) -> None:
    monkeypatch.delenv(perfmap.ENV, raising=False)
    path = Path(perfmap.map_path())
    before = path.read_text() if path.exists() else None
    compile("f64(f64, i64)")(lambda x, k: x - k)
    assert (path.read_text() if path.exists() else None) == before
    monkeypatch.setenv(perfmap.ENV, "0")
    assert not perfmap.enabled()


def _threaded(x):
    return x + 1


_THREADED_SIGNATURES = ("f64(f64)", "i64(i64)", "f32(f32)", "i32(i32)", "i16(i16)", "u64(u64)")


def test_perf_map_lines_from_threads_stay_whole(perf_map) -> None:
    errors = []

    def work(signature: str) -> None:
        try:
            assert compile(signature)(_threaded)(1) == 2
        except BaseException as err:   # reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(signature,)) for signature in _THREADED_SIGNATURES]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for signature in _THREADED_SIGNATURES:   # (every line of the file is checked to be whole)
        argument = signature[signature.index("(") + 1:-1]
        assert len(_map_entries(perf_map, f"pyjit:{__name__}._threaded({argument})")) >= 2


def test_map_lines_of_an_object_from_its_symbol_table() -> None:
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    machine = llvm.Target.from_default_triple().create_target_machine()
    module = llvm.parse_assembly(textwrap.dedent("""\
        define internal i64 @inner(i64 %x) noinline {
          %r = mul i64 %x, 3
          ret i64 %r
        }
        define i64 @outer(i64 %x) {
          %r = call i64 @inner(i64 %x)
          ret i64 %r
        }
        """))
    image = machine.emit_object(module)
    symbols = {name: (section, offset, size) for name, section, offset, size, function
               in perfmap.function_symbols(image) if function}
    if not symbols:
        pytest.skip("the host's objects are not ELF")
    base = 0x7F0000000000
    lines = perfmap.map_lines(image, {"outer": base + symbols["outer"][1]}, {"outer": "pyjit:m.outer(i64)"})
    assert f"{base + symbols['outer'][1]:x} {symbols['outer'][2]:x} pyjit:m.outer(i64)\n" in lines
    assert f"{base + symbols['inner'][1]:x} {symbols['inner'][2]:x} pyjit:inner\n" in lines
    assert perfmap.map_lines(b"not an object", {}) == []


# --------------------------------------------------------------- gdb
_KERNEL = '''\
import math

from compiler import compile


@compile(debug=True)
def gdb_target(x):
    y = x * 3.0 + 1.0
    z = math.erf(y)
    return z + y
'''
_SCRIPT = '''\
import dbg_gdb_kernel

print("result", dbg_gdb_kernel.gdb_target(0.5))
'''


def _gdb_or_skip(env: dict) -> str:
    gdb = shutil.which("gdb")
    if gdb is None:
        pytest.skip("gdb is not installed")
    try:
        probe = subprocess.run([gdb, "-nx", "-batch", "-ex", "run", "--args", sys.executable, "-c", "pass"],
                               capture_output=True, text=True, timeout=120, env=env)
    except subprocess.TimeoutExpired:
        pytest.skip("gdb did not run a process within 120 s")
    if "exited normally" not in probe.stdout:
        pytest.skip(f"gdb cannot run a process here (ptrace not permitted?): {probe.stdout[-300:]} "
                    f"{probe.stderr[-300:]}")
    return gdb


def test_gdb_backtrace_shows_the_python_file_and_line(tmp_path) -> None:
    (tmp_path / "dbg_gdb_kernel.py").write_text(_KERNEL)
    (tmp_path / "run_it.py").write_text(_SCRIPT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    env.pop(perfmap.ENV, None)
    gdb = _gdb_or_skip(env)
    lines = {text: k + 1 for k, text in enumerate(_KERNEL.splitlines())}
    erf_line = lines["    z = math.erf(y)"]
    body = {erf_line - 1, erf_line, erf_line + 1}
    # stop in the compiled function (a pending breakpoint: it exists once compiled), then
    # in the C function it calls: the compiled frame is then the caller, at the call's line
    commands = ["set breakpoint pending on", "set pagination off", "break gdb_target", "run", "bt",
                "break erf", "continue", "bt"]
    out = subprocess.run([gdb, "-nx", "-batch", *(arg for c in commands for arg in ("-ex", c)),
                          "--args", sys.executable, str(tmp_path / "run_it.py")],
                         capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    text = out.stdout
    first, _, second = text.partition("Breakpoint 2")
    found = re.search(r"#0\s+(?:0x[0-9a-f]+ in )?gdb_target \(.*\) at \S*dbg_gdb_kernel\.py:(\d+)", first)
    assert found, text[-3000:]
    assert int(found[1]) in body
    assert re.search(rf"#1\s+0x[0-9a-f]+ in gdb_target \(.*\) at \S*dbg_gdb_kernel\.py:{erf_line}\b",
                     second), text[-3000:]
