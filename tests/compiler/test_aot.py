"""Ahead-of-time compilation (``compiler.aot``): a package that runs with NumPy alone, its C
header and library, and what is refused at build time."""
import json
import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from compiler.aot import AotError, build, main
from runtime import sharedlib

pytestmark = pytest.mark.skipif(sharedlib.linker() is None, reason="no linker to make shared libraries")

KERNELS = '''
import numpy as np


def collatz(n):
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


def total(a, start=0.0):
    s = start
    for i in range(a.shape[0]):
        s += a[i]
    return s


def smooth(a):
    out = np.empty_like(a)
    n = len(a)
    out[0], out[n - 1] = a[0], a[n - 1]
    for i in range(1, n - 1):
        out[i] = (a[i - 1] + a[i] + a[i + 1]) / 3.0
    return out


def pick(a, i):
    return a[i]


def extremes(a):
    return a.min(), a.max(), a[1:]


def whole(a):
    return a[:], a


def scale(a, *, by=2.0):
    return a * by
'''

SIGNATURES = ["collatz: i64(i64)", "total: f64(f64[::1], f64)", "total: i64(i64[:], i64)",
              "smooth: f64[::1](f64[::1])", "pick: (f64[:, :], i64)", "extremes: (f64[:])",
              "scale: (f64[::1], f64)", "whole: (f64[:])"]

#: run in a fresh venv that has NumPy and nothing else: the compiled package against the plain file
USE = '''
import importlib.util, sys
import numpy as np

for name in ("llvmlite", "compiler", "runtime"):
    try:
        __import__(name)
    except ImportError:
        pass
    else:
        raise SystemExit(f"{name} is importable")

import kernels
spec = importlib.util.spec_from_file_location("plain", sys.argv[1])
plain = importlib.util.module_from_spec(spec)
spec.loader.exec_module(plain)
for name in ("llvmlite", "compiler", "runtime"):
    assert name not in sys.modules, name

a = np.linspace(-1.0, 2.0, 11)
ints = np.arange(7)
m = np.arange(12.0).reshape(3, 4)
checks = [
    (kernels.collatz(27), plain.collatz(27)),
    (kernels.total(a, 1.5), plain.total(a, 1.5)),
    (kernels.total(a), plain.total(a)),                  # a default
    (kernels.total(a=a, start=2.0), plain.total(a, 2.0)),  # keywords
    (kernels.total(ints[::2], 3), plain.total(ints[::2], 3)),
    (kernels.total(a, 2), plain.total(a, 2)),            # an int for an f64 parameter
    (kernels.total(a, np.float64(0.5)), plain.total(a, 0.5)),
    (kernels.pick(m, 2), plain.pick(m, 2)),              # a C array for an any-layout signature
    (kernels.pick(m.T, -1), plain.pick(m.T, -1)),
    (kernels.pick(m[:, ::2], 1), plain.pick(m[:, ::2], 1)),
]
for got, expected in checks:
    assert np.array_equal(got, expected), (got, expected)
    assert isinstance(got, np.ndarray) == isinstance(expected, np.ndarray), (got, expected)
row = kernels.pick(m, 1)   # a view of the argument, which it keeps alive
assert np.shares_memory(row, m) and row.base is not None
assert type(kernels.total(ints, 0)) is int and type(kernels.collatz(9)) is int

smoothed = kernels.smooth(a)
assert np.array_equal(smoothed, plain.smooth(a)) and smoothed.flags.writeable and smoothed.base is not None
lo, hi, rest = kernels.extremes(a)
assert (lo, hi) == (a.min(), a.max()) and np.shares_memory(rest, a) and np.array_equal(rest, a[1:])
for array in (a, a[:0]):   # a view the function made is a new object, though it spans all of a
    view, itself = kernels.whole(array)
    assert view is not array and view.base is not None and itself is array
assert np.array_equal(kernels.scale(a, by=3.0), plain.scale(a, by=3.0))
assert np.array_equal(kernels.scale(a), a * 2.0)

def raises(cls, call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except cls as err:
        return str(err)
    raise AssertionError(f"{call.__name__}{args} did not raise {cls.__name__}")

try:
    plain.pick(m, 5)
except IndexError as err:
    expected = str(err)
assert raises(IndexError, kernels.pick, m, 5) == expected == "index 5 is out of bounds for axis 0 with size 3"
assert "total" in raises(TypeError, kernels.total, a.astype(np.float32))
assert "f64(f64[::1], f64); i64(i64[:], i64)" in raises(TypeError, kernels.total, a.astype(np.float32), 0.0)
assert "missing" in raises(TypeError, kernels.pick, m)
assert "positional" in raises(TypeError, kernels.scale, a, 3.0)   # keyword-only
import inspect
assert str(inspect.signature(kernels.total)) == "(a, start=0.0)" and "i64(i64[:], i64)" in kernels.total.__doc__
for _ in range(1000):   # new arrays are freed
    kernels.smooth(a)
print("ok")
'''


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("aot")
    source = root / "kernels.py"
    source.write_text(KERNELS)
    directory = build(str(source), SIGNATURES, str(root / "out"))
    return root, source, directory


def _numpy_only_venv(root):
    """A venv without pip whose path holds NumPy (a link to this one's) and nothing else."""
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = root / "numpy_only"
    site.mkdir()
    numpy_dir = os.path.dirname(np.__file__)
    for name in ("numpy", "numpy.libs"):
        target = os.path.join(os.path.dirname(numpy_dir), name)
        if os.path.exists(target):
            os.symlink(target, site / name)
    return venv / "bin" / "python", site


def test_package_runs_with_numpy_alone(built):
    root, source, directory = built
    python, site = _numpy_only_venv(root)
    script = root / "out" / "use.py"
    script.write_text(USE)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PYTHONPATH"] = str(site)
    done = subprocess.run([str(python), "-B", str(script), str(source)], cwd=root / "out",
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "ok"


def test_package_files_and_manifest(built):
    _, _, directory = built
    assert sorted(os.listdir(directory)) == ["__init__.py", "_runtime.py", "kernels.h", "libkernels.so",
                                             "manifest.json"]
    manifest = json.loads(open(os.path.join(directory, "manifest.json")).read())
    total = next(f for f in manifest["functions"] if f["name"] == "total")
    assert [s["signature"] for s in total["signatures"]] == ["f64(f64[::1], f64)", "i64(i64[:], i64)"]
    assert [s["entry"] for s in total["signatures"]] == ["kernels_total", "kernels_total_1"]
    assert len(total["signatures"][1]["natives"]) == 2   # any layout: the key itself and C-contiguous arrays


def test_header_and_a_c_program(built, tmp_path):
    root, _, directory = built
    header = open(os.path.join(directory, "kernels.h")).read()
    for text in ("int32_t kernels_collatz(void *ret, int64_t *errargs, const void *args);",
                 "int32_t kernels_total_1(void *ret, int64_t *errargs, const void *args);",
                 "} kernels_smooth_args;", "} kernels_smooth_result;", "typedef int64_t kernels_collatz_result;",
                 "void kernels_meminfo_decref(void *meminfo);", "#define KERNELS_ERRARGS_SLOTS 9",
                 "1: IndexError: index {} is out of bounds for axis {} with size {} (kernels.py:30)",
                 "/* collatz: i64(i64) -- callable from C */"):
        assert text in header, text
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler")
    program = tmp_path / "main.c"
    program.write_text(textwrap.dedent('''
        #include <stdio.h>
        #include "kernels.h"
        int main(void) {
            double data[5] = {1, 2, 3, 4, 5};
            int64_t errargs[KERNELS_ERRARGS_SLOTS], steps;
            kernels_collatz_args n = {27};
            kernels_smooth_args a = {NULL, data, 5, 8};
            kernels_smooth_result out;
            kernels_pick_args p = {NULL, data, 1, 5, 40, 8, 4};
            kernels_pick_result x;
            if (kernels_collatz(&steps, errargs, &n) || kernels_smooth(&out, errargs, &a)) return 1;
            printf("%ld %g %g %ld\\n", (long)steps, ((double *)out.data)[1], ((double *)out.data)[4],
                   (long)*(int64_t *)out.meminfo);
            kernels_meminfo_decref(out.meminfo);
            int status = kernels_pick(&x, errargs, &p);
            printf("%d %ld %ld %ld\\n", status, (long)errargs[0], (long)errargs[1], (long)errargs[2]);
            return 0;
        }'''))
    subprocess.run([compiler, "-o", str(tmp_path / "main"), str(program), f"-I{directory}", f"-L{directory}",
                    "-lkernels", "-lm", "-Wl,--unresolved-symbols=ignore-in-shared-libs",
                    f"-Wl,-rpath,{directory}"], check=True)
    done = subprocess.run([str(tmp_path / "main")], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:2] == ["111 2 5 1", "1 4 0 1"]


REFUSED = '''
import numpy as np

TABLE = np.arange(4.0)


def shout(x):
    print(x)
    return x


def lookup(i):
    return TABLE[i]


def draw(n):
    return np.random.random(n)


def product(a, b):
    return a @ b


def fine(x):
    return x + 1.0


def ordered(a):
    return np.sort(a)


def order(a):
    return np.argsort(a)
'''


@pytest.mark.parametrize("signature, message", [
    ("shout: (f64)", r"refused\.py:8: shout\(\) cannot be compiled ahead of time: it calls back into Python"),
    ("lookup: (i64)", r"refused\.py:13: lookup\(\) .*global array in place; pass the array as an argument"),
    ("draw: (i64)", r"refused\.py:16: draw\(\) .*np\.random"),
    ("product: (f64[:, ::1], f64[:, ::1])", r"product\(.*\) calls NumPy's BLAS/LAPACK"),
    ("ordered: (f64[:])", r"refused\.py:29: ordered\(\) .*np\.sort\(\) .* pass kind='stable'"),
    ("order: (i64[:])", r"refused\.py:33: order\(\) .*np\.argsort\(\) .* pass kind='stable'"),
    ("fine: (f32)", r"fine\(\) for \(f32\): its arguments take no native call path"),
    ("fine: (f64, f64)", r"has 2 arguments but fine\(\) takes 1"),
    ("fine: f64[(f64)", r"fine: bad signature"),
    ("missing: (f64)", r"has no function 'missing'"),
])
def test_refused_at_build_time(tmp_path, signature, message):
    source = tmp_path / "refused.py"
    source.write_text(REFUSED)
    with pytest.raises(AotError, match=message):
        build(str(source), [signature], str(tmp_path / "out"))
    assert not (tmp_path / "out" / "refused" / "librefused.so").exists()


def test_command_line(tmp_path, capsys):
    source = tmp_path / "refused.py"
    source.write_text(REFUSED)
    assert main([str(source), "--sig", "shout: (f64)", "-o", str(tmp_path)]) == 2
    assert "error: " in capsys.readouterr().err
    assert main([str(source), "--sig", "fine: (f64)", "-o", str(tmp_path), "--name", "ok"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "ok")
    done = subprocess.run([sys.executable, "-c", "import ok; print(ok.fine(1.5), ok.fine(x=2))"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.stdout.split() == ["2.5", "3.0"], done.stderr
