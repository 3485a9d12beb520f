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
    ("lowered", 'define internal i32 @"scale"'),
    ("llvm", "scale.entry"),
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
    path.write_text("def f(x):\n    try:\n        return x\n    except ValueError:\n        return 0\n")
    assert main([f"{path}:f", "--sig", "i64"]) == 2
    err = capsys.readouterr().err
    assert f"{path}:2:" in err and "try/except" in err


def test_runs_as_a_module(kernel_file):
    result = subprocess.run([sys.executable, "-m", "compiler.irdump", f"{kernel_file}:scale", "--sig", "f64, i64"],
                            capture_output=True, text=True)
    assert result.returncode == 0
    assert "func @scale" in result.stdout
