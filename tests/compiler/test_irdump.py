"""irdump: every stage prints, bad input is one line on stderr and exit status 2."""
import subprocess
import sys
import textwrap

import pytest

from compiler.irdump import main

SOURCE = textwrap.dedent('''
    def scale(x, n):
        total = 0.0
        for i in range(n):
            total += x * i
        return total
''')


@pytest.fixture
def kernel_file(tmp_path):
    path = tmp_path / "kernel.py"
    path.write_text(SOURCE)
    return path


@pytest.mark.parametrize("stage, expected", [
    ("source", "def scale(x, n):"),
    ("converted", "ag__.for_stmt"),
    ("ir", "func @scale(%x: f64, %n: i64) -> f64"),
    ("optimized", "func @scale(%x: f64, %n: i64) -> f64"),
    ("lowered", 'define internal i32 @"pyjit.scale"'),
    ("llvm", "pyjit_entry.scale"),
    ("asm", "scale"),
])
def test_each_stage_prints(kernel_file, capsys, stage, expected):
    status = main([f"{kernel_file}:scale", "--sig", "f64, i64", "--stage", stage])
    out = capsys.readouterr().out
    assert status == 0
    assert expected in out


def test_ir_is_the_default_stage_and_takes_long_type_names(kernel_file, capsys):
    assert main([f"{kernel_file}:scale", "--sig", "float64, int64"]) == 0
    assert "for " in capsys.readouterr().out


def test_sig_takes_numpy_codes_and_the_ir_keeps_its_names(kernel_file, capsys):
    assert main([f"{kernel_file}:scale", "--sig", "f8, i8"]) == 0  # NumPy's i8: int64
    assert "func @scale(%x: f64, %n: i64) -> f64" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["{f}:missing", "--sig", "f64, i64"], "has no function 'missing'"),
    (["nowhere.py:scale", "--sig", "f64"], "no such file: nowhere.py"),
    (["{f}", "--sig", "f64"], "expected FILE.py:FUNCTION"),
    (["{f}:scale", "--sig", "f64, banana"], "unknown type 'banana'"),
    (["{f}:scale", "--sig", "f64"], "takes 2"),
    (["{f}:scale"], "--sig is needed"),
    (["{f}:scale", "--sig", "f64, (i64"], "unbalanced parentheses"),
])
def test_bad_input_is_one_line_and_status_2(kernel_file, capsys, args, message):
    status = main([a.format(f=kernel_file) for a in args])
    err = capsys.readouterr().err
    assert status == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_compile_error_names_the_source_line(tmp_path, capsys):
    path = tmp_path / "bad.py"
    path.write_text("def f(x):\n    with open(x) as handle:\n        return x\n")
    assert main([f"{path}:f", "--sig", "i64"]) == 2
    err = capsys.readouterr().err
    assert f"{path}:2:" in err and "with statement" in err


def test_runs_as_a_module(kernel_file):
    result = subprocess.run([sys.executable, "-m", "compiler.irdump", f"{kernel_file}:scale", "--sig", "f64, i64"],
                            capture_output=True, text=True)
    assert result.returncode == 0
    assert "func @scale" in result.stdout


# ------------------------------------------------------------ the pass views
ARRAY_SOURCE = textwrap.dedent('''
    def total(a):
        s = 0.0
        for i in range(len(a)):
            s += a[i] * 2.0
        return s
''')


@pytest.fixture
def array_file(tmp_path):
    path = tmp_path / "total.py"
    path.write_text(ARRAY_SOURCE)
    return path


def run_irdump(capsys, *args):
    status = main(list(args))
    captured = capsys.readouterr()
    assert status == 0, captured.err
    return captured.out


def test_print_after_all_shows_every_pass_of_the_preset(array_file, capsys):
    from compiler.passes.manager import PRESETS

    out = run_irdump(capsys, f"{array_file}:total", "--sig", "f64[::1]", "-O", "3", "--print-after-all",
                     "--color", "never", "--fastmath")   # fastmath: the loop is vectorized, then cleaned up
    banners = [line for line in out.splitlines() if line.startswith("// ----- IR after")]
    assert [b.split()[4] for b in banners if "(cleanup after" not in b] == list(PRESETS[3])
    assert "// ----- IR after licm (cleanup after vectorize) -----" in banners
    assert "IndexError" in out.split("// ----- IR after bce")[0]
    assert "IndexError" not in out.split("// ----- IR after")[-1]


def test_print_before_and_after_one_pass(array_file, capsys):
    out = run_irdump(capsys, f"{array_file}:total", "--sig", "f64[::1]", "--passes", "fold,dce",
                     "--print-before", "dce", "--print-after", "dce", "--color", "never")
    assert out.count("// ----- IR before dce") == 1 and out.count("// ----- IR after dce") == 1


def test_print_changed_as_a_diff(array_file, capsys):
    out = run_irdump(capsys, f"{array_file}:total", "--sig", "f64[::1]", "--passes", "cse,bce,fold,dce",
                     "--print-changed", "--diff", "--color", "always")
    assert "--- before bce" in out and "+++ IR after bce: " in out
    assert "decide-comparison" in out    # the rewrites the pass's change log counted
    assert "\033[31m-" in out          # removed lines in red


def test_time_passes_remarks_and_dot(array_file, tmp_path, capsys):
    dot = tmp_path / "total.dot"
    out = run_irdump(capsys, f"{array_file}:total", "--sig", "f64[::1]", "--time-passes", "--remarks",
                     "--dot", str(dot))
    assert out.splitlines()[0].split() == ["pass", "time", "(ms)", "share"]
    assert "total" in out
    assert "total.py:5:" in out and "[bce]" in out
    text = dot.read_text()
    assert text.startswith("digraph ir {") and "func @total" in text and "for\\nline 4" in text


def test_fastmath_and_no_boundscheck_reach_the_passes(array_file, capsys):
    out = run_irdump(capsys, f"{array_file}:total", "--sig", "f64[::1]", "--remarks")
    assert "[vectorize] loop not vectorized: %s is a floating-point add reduction" in out
    out = run_irdump(capsys, f"{array_file}:total", "--sig", "f64[::1]", "--remarks", "--fastmath")
    assert "[vectorize] loop vectorized:" in out and "add reduction of %s" in out
    out = run_irdump(capsys, f"{array_file}:total", "--sig", "f64[::1]", "--stage", "ir", "--no-boundscheck")
    assert "IndexError" not in out and "attributes" not in out


@pytest.mark.parametrize("args, message", [
    (["--passes", "fold,nope"], "unknown pass 'nope'"),
    (["--print-after", "nope"], "unknown pass 'nope'"),
    (["--passes", "refcount"], "cannot be part of a pipeline"),
])
def test_bad_pass_names_are_one_line_and_status_2(array_file, capsys, args, message):
    status = main([f"{array_file}:total", "--sig", "f64[::1]", *args])
    err = capsys.readouterr().err
    assert status == 2 and message in err and len(err.strip().splitlines()) == 1


PARALLEL_SOURCE = """\
import numpy as np
from compiler import prange


def norms(a):
    out = np.empty(a.shape[0])
    total = 0.0
    for i in prange(a.shape[0]):
        out[i] = np.sqrt((a[i] * a[i]).sum())
        total += out[i]
    return out * 2.0, total
"""


def test_parallel_remarks_say_which_loops_run_in_parallel(tmp_path, capsys):
    path = tmp_path / "norms.py"
    path.write_text(PARALLEL_SOURCE)
    out = run_irdump(capsys, f"{path}:norms", "--sig", "f64[:, ::1]", "--parallel", "--remarks")
    assert "norms.py:8:5: [parallel] the loop's trips run in parallel; reductions: 'total' (add)" in out
    assert "norms.py:11:12: [parallel] the loop's trips run in parallel; below 32768 elements, in order" in out
    out = run_irdump(capsys, f"{path}:norms", "--sig", "f64[:, ::1]", "--remarks")
    assert "[parallel]" not in out and "one thread" not in out


def test_parallel_remarks_say_why_a_reduction_runs_on_one_thread(tmp_path, capsys):
    path = tmp_path / "sums.py"
    path.write_text("def sums(a):\n    return a.sum(), a.sum(axis=0)\n")
    out = run_irdump(capsys, f"{path}:sums", "--sig", "f64[:, ::1]", "--parallel", "--remarks")
    assert "sums.py:2:12: [lower-arrays] the reduction runs on one thread: a float reduction of a whole" in out
    assert "sums.py:2:21: [lower-arrays] the reduction runs on one thread: along an axis other than" in out
