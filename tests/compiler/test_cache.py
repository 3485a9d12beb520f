"""The disk cache (``compiler.cache``): hits, staleness, robustness, and what it refuses."""
import json
import os
import stat
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from compiler import cache as disk
from compiler import compile, prange
from runtime import sharedlib

pytestmark = pytest.mark.skipif(sharedlib.linker() is None, reason="no linker to make shared libraries")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCALE = 2.0


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv(disk.ENV_DIR, str(directory))
    monkeypatch.delenv(disk.ENV_SWITCH, raising=False)
    return directory


def helper(x):
    return x * SCALE


def kernel(a, n):
    s = 0.0
    for i in range(n):
        s += helper(a[i]) + np.sin(a[i])
    return s


def scaled(x, k=3, *, shift=1):
    return x * k + shift


def made(a):
    return np.cumsum(a * 2.0)


def outcomes(f):
    return [event.outcome for event in f.cache_info()]


def test_a_second_dispatcher_loads_what_the_first_stored():
    a = np.arange(10.0)
    first = compile(cache=True)(kernel)
    assert first(a, 10) == kernel(a, 10)
    assert outcomes(first) == ["miss", "stored"]
    assert "no entry for this signature yet" in str(first.cache_info())
    second = compile(cache=True)(kernel)
    assert second(a, 10) == kernel(a, 10) and second(a, 7) == kernel(a, 7)
    assert outcomes(second) == ["hit"]
    assert second.signatures == first.signatures


def test_inspecting_loaded_code_traces_again_or_says_what_is_not_kept():
    a = np.arange(4.0)
    compile(cache=True)(kernel)(a, 4)
    f = compile(cache=True)(kernel)
    f(a, 4)
    assert "func" in f.inspect_ir(stage="optimized") and "func" in f.inspect_ir()
    with pytest.raises(ValueError, match="loaded from the disk cache"):
        f.inspect_ir(stage="asm")


def test_loaded_code_binds_keywords_and_defaults_natively_and_returns_new_arrays():
    compile(cache=True)(scaled)(2.0)
    f = compile(cache=True)(scaled)
    assert [f(2.0), f(2.0, 5), f(2.0, k=4, shift=2), f(x=1.5)] == [7.0, 11.0, 10.0, 5.5]
    assert outcomes(f) == ["hit"]
    a = np.linspace(0.0, 1.0, 7)
    compile(cache=True)(made)(a)
    g = compile(cache=True)(made)
    np.testing.assert_array_equal(g(a), made(a))
    np.testing.assert_array_equal(g(a), made(a))   # the native path's owned-array result
    assert outcomes(g) == ["hit"]


def second_of(a, b):
    return b


def twice_new(n):
    b = np.zeros(n)
    return b, b


def whole_slice(a):
    return a[:], a


def test_loaded_code_returns_the_objects_its_ir_proved():
    """A loaded specialisation has no IR: what it proved of its result arrays (a parameter,
    one new array twice, a view it made) comes with it, so its first call (the Python path)
    returns the objects the native path and CPython return."""
    a = np.arange(4.0)
    compile(cache=True)(second_of)(a, a[:])
    compile(cache=True)(twice_new)(3)
    compile(cache=True)(whole_slice)(a)
    f, g, h = compile(cache=True)(second_of), compile(cache=True)(twice_new), compile(cache=True)(whole_slice)
    for _ in range(3):
        b = a[:]
        assert f(a, b) is b
        x, y = g(3)
        assert x is y
        view, itself = h(a)   # a view the function made: a new object, though it spans all of a
        assert view is not a and view.base is a and itself is a
    assert outcomes(f) == outcomes(g) == outcomes(h) == ["hit"]


def halves(n):
    out = []
    for i in range(n):
        out.append(i * 0.5)
    return out


def numbered(n):
    out = [(0, 1.0)]
    for i in range(n):
        out.append((i, i * 0.25))
    return out


def singles(n):
    out = []
    for i in range(n):
        out.append(np.float32(i) / 3)
    return out


def nothing(n):
    return []


@pytest.mark.parametrize("f", [halves, numbered, singles, nothing])
def test_functions_returning_lists_are_stored(f):
    """A list result (a local list made a CPython list as the function ends) is a type the
    manifest keeps: the loaded code returns the same list."""
    compile(cache=True)(f)(3)
    g = compile(cache=True)(f)
    assert g(4) == f(4) and g(0) == f(0) and outcomes(g) == ["hit"]
    assert [type(x) for x in g(2)] == [type(x) for x in f(2)]


@pytest.mark.parametrize("dtype", [np.int64, np.longlong, np.int32, np.uint8, np.float32, np.complex128, np.bool_])
def test_arrays_of_every_canonical_dtype_are_stored(dtype):
    def total(a):
        s = 0
        for x in a:
            s += x
        return s
    a = np.ones(5, dtype)
    compile(cache=True)(total)(a)
    f = compile(cache=True)(total)
    assert f(a) == total(a) and outcomes(f) == ["hit"]


def test_errors_of_loaded_code_name_the_source_line():
    def pick(a, i):
        return a[i]
    compile(cache=True)(pick)(np.arange(3.0), 1)
    f = compile(cache=True)(pick)
    with pytest.raises(IndexError, match="out of bounds") as info:
        f(np.arange(3.0), 5)
    assert outcomes(f) == ["hit"]
    assert any(entry.lineno + 1 == pick.__code__.co_firstlineno + 1 for entry in info.traceback)   # 0-based


def test_a_changed_global_is_a_miss_that_names_it(monkeypatch):
    a = np.arange(4.0)
    compile(cache=True)(kernel)(a, 4)
    monkeypatch.setattr(sys.modules[__name__], "SCALE", 3.0)
    f = compile(cache=True)(kernel)
    assert f(a, 4) == kernel(a, 4)
    assert outcomes(f) == ["miss", "stored"]
    assert "helper: SCALE changed: 2.0 -> 3.0" in str(f.cache_info())


def test_a_changed_option_or_cpu_is_a_miss(monkeypatch):
    a = np.arange(4.0)
    compile(cache=True)(kernel)(a, 4)
    f = compile(cache=True, fastmath=True)(kernel)
    f(a, 4)
    assert outcomes(f) == ["miss", "stored"] and "option fastmath changed: False -> True" in str(f.cache_info())
    monkeypatch.setattr(disk, "_environment", {**disk.environment(), "cpu": "another cpu"})
    g = compile(cache=True)(kernel)
    assert g(a, 4) == kernel(a, 4)
    assert "the CPU (model or features) changed" in str(g.cache_info())


@pytest.mark.parametrize("damage", ["truncate", "garbage manifest", "foreign manifest", "missing library",
                                    "garbled references"])
def test_damaged_entries_are_ignored_and_rebuilt(cache_dir, damage):
    a = np.arange(5.0)
    compile(cache=True)(kernel)(a, 5)
    compile(cache=True)(scaled)(1.0)
    [folder] = [f for f in cache_dir.iterdir() if any(f.glob("*.json")) and "kernel" in _function(f)]
    [manifest] = folder.glob("*.json")
    library = manifest.with_suffix(".so")
    if damage == "truncate":   # as another process could find it: a new file (this one maps the old)
        _replace(library, library.read_bytes()[:1000])
    elif damage == "garbage manifest":
        _replace(manifest, b"{not json")
    elif damage == "foreign manifest":
        [other] = [m for f in cache_dir.iterdir() if f != folder for m in f.glob("*.json")]
        _replace(manifest, other.read_bytes())
    elif damage == "garbled references":   # the key and the library intact: the manifest's data is not
        entry = json.loads(manifest.read_text())
        entry["references"] = [[], ["no such kind"], 7]
        _replace(manifest, json.dumps(entry).encode())
    else:
        library.unlink()
    f = compile(cache=True)(kernel)
    assert f(a, 5) == kernel(a, 5)
    assert outcomes(f) == ["miss", "stored"]
    assert "ignored" in str(f.cache_info())
    g = compile(cache=True)(kernel)
    assert g(a, 5) == kernel(a, 5) and outcomes(g) == ["hit"]


def _replace(path, content):
    temporary = path.with_name(path.name + ".new")
    temporary.write_bytes(content)
    os.replace(temporary, path)


def _function(folder):
    return next(json.loads(m.read_text()).get("function", "") for m in folder.glob("*.json"))


def test_the_directory_is_private_and_the_command_line_lists_sizes_and_clears(cache_dir, capsys):
    compile(cache=True)(kernel)(np.arange(3.0), 3)
    compile(cache=True)(scaled)(1.0)
    assert stat.S_IMODE(os.stat(cache_dir).st_mode) == 0o700
    disk.main(["list"])
    listed = capsys.readouterr().out
    assert "2 entries" in listed and "kernel(a: f64[::1], n: Python int)" in listed
    disk.main(["clear", "scaled"])
    disk.main(["size"])
    assert "1 entries" in capsys.readouterr().out.splitlines()[-1]


def test_a_directory_others_may_write_to_is_not_used(cache_dir):
    cache_dir.mkdir(mode=0o777)
    os.chmod(cache_dir, 0o777)
    f = compile(cache=True)(scaled)
    assert f(2.0) == 7.0
    assert outcomes(f) == ["not stored"] and "others may write to it" in str(f.cache_info())


def test_what_another_process_cannot_find_is_compiled_but_not_stored():
    table = np.arange(4.0)

    def reads_a_global_array(i):
        return table[i]

    def prints(x):
        print("x is", x)
        return x
    f, g = compile(cache=True)(reads_a_global_array), compile(cache=True)(prints)
    assert f(2) == 2.0 and g(1.5) == 1.5
    assert outcomes(f)[-1] == "not stored" and "the global array" in str(f.cache_info())
    assert outcomes(g)[-1] == "not stored" and "a call back into Python (print)" in str(g.cache_info())


def test_values_without_a_fingerprint_are_not_stored():
    class Settings:
        scale = 2.0
    settings = Settings()

    def uses(x):
        return x * settings.scale
    f = compile(cache=True)(uses)
    assert f(2.0) == 4.0
    assert outcomes(f) == ["not stored"] and "Settings object" in str(f.cache_info())


def test_the_environment_switch_and_cache_false(monkeypatch):
    monkeypatch.setenv(disk.ENV_SWITCH, "1")
    f = compile(kernel)
    f(np.arange(3.0), 3)
    assert outcomes(f) == ["miss", "stored"]
    g = compile(cache=False)(kernel)
    g(np.arange(3.0), 3)
    assert g.cache_info() == () and "not used" in str(g.cache_info())


def test_debug_switch_prints_each_event(monkeypatch, capsys):
    monkeypatch.setenv(disk.ENV_DEBUG, "1")
    compile(cache=True)(scaled)(2.0)
    err = capsys.readouterr().err
    assert "pyjit cache: " in err and "miss: no entry for this signature yet" in err and "stored" in err


def test_parallel_blas_and_random_code_is_stored_and_loaded():
    def parallel_sum(a):
        s = 0.0
        for i in prange(a.shape[0]):
            s += a[i] * 2.0
        return s

    def product(a, b):
        return a @ b

    def draws(n):
        s = 0.0
        for _ in range(n):
            s += np.random.random() + np.random.poisson(2.0)   # NumPy's distributions: copied in
        return s
    a = np.arange(1000.0)
    m = np.arange(12.0).reshape(3, 4)
    for fn, args in ((parallel_sum, (a,)), (product, (m, m.T))):
        compile(cache=True, parallel=True)(fn)(*args)
        f = compile(cache=True, parallel=True)(fn)
        np.testing.assert_allclose(f(*args), fn(*args))
        assert outcomes(f) == ["hit"]
    compile(cache=True)(draws)(3)
    f = compile(cache=True)(draws)
    np.random.seed(5)
    expected = draws(10)
    np.random.seed(5)
    assert f(10) == expected and outcomes(f) == ["hit"]


MODULE = """
import numpy as np
from compiler import compile, prange
import {helpers}

LIMIT = {limit}

@compile(cache=True)
def total(a):
    s = 0.0
    for x in a:
        if x < LIMIT:
            s += {helpers}.step(x)
    return s
"""

PROBE = """
import sys, numpy as np
sys.path.insert(0, {folder!r})
import {name}
print({name}.total(np.arange(6.0)))
print(str({name}.total.cache_info()).replace("\\n", " | "))
print("llvm loaded" if "llvmlite.binding" in sys.modules else "llvm not loaded")
"""


def _run(folder, name):
    env = {**os.environ, "PYTHONPATH": ROOT, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-c", PROBE.format(folder=str(folder), name=name)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def _write(folder, name, helpers, limit, step):
    (folder / f"{helpers}.py").write_text(f"def step(x):\n    return {step}\n")
    (folder / f"{name}.py").write_text(MODULE.format(helpers=helpers, limit=limit))


def test_other_processes_hit_without_llvm_and_miss_when_a_helper_module_is_edited(tmp_path):
    _write(tmp_path, "kernels_a", "helpers_a", 4, "x * 2.0")
    assert _run(tmp_path, "kernels_a") == ["12.0", "total(a: f64[::1]): miss: no entry for this signature yet | "
                                           "total(a: f64[::1]): stored", "llvm loaded"]
    result, info, llvm = _run(tmp_path, "kernels_a")
    assert result == "12.0" and info.startswith("total(a: f64[::1]): hit") and llvm == "llvm not loaded"
    (tmp_path / "helpers_a.py").write_text("def step(x):\n    return x * 3.0\n")
    result, info, _ = _run(tmp_path, "kernels_a")
    assert result == "18.0" and "the code of helpers_a.step changed" in info
    _write(tmp_path, "kernels_a", "helpers_a", 3, "x * 3.0")
    result, info, _ = _run(tmp_path, "kernels_a")
    assert result == "9.0" and "total: LIMIT changed: 4 -> 3" in info


def test_processes_writing_the_same_entry_at_once_leave_a_whole_one(tmp_path):
    _write(tmp_path, "kernels_b", "helpers_b", 10, "x + 1.0")
    env = {**os.environ, "PYTHONPATH": ROOT, "PYTHONDONTWRITEBYTECODE": "1"}
    probe = PROBE.format(folder=str(tmp_path), name="kernels_b")
    running = [subprocess.Popen([sys.executable, "-c", probe], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=env) for _ in range(3)]
    for process in running:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert out.splitlines()[0] == "21.0"
    result, info, llvm = _run(tmp_path, "kernels_b")
    assert result == "21.0" and ": hit" in info and llvm == "llvm not loaded"
    leftovers = [p.name for p in (tmp_path / "cache").rglob(".*")]
    assert leftovers == []


def test_two_processes_store_the_same_bytes(tmp_path):
    """A stored library holds no address of the process that made it (they differ from one
    process to the next): else processes storing one entry at once leave a manifest whose
    digest is not their library's, and a stale address could match an object of another."""
    (tmp_path / "kernels_e.py").write_text(textwrap.dedent("""
        import numpy as np
        from compiler import compile

        @compile(cache=True)
        def scaled(a, k=2.0, *, shift=1.0, flag=True):
            return np.sin(a) * k + shift if flag else a

        print(scaled(np.arange(3.0), k=3.0, shift=0.5)[1], scaled(a=np.arange(2.0), flag=False)[1])
    """))
    libraries = []
    for name in ("first", "second"):
        env = {**os.environ, "PYTHONPATH": ROOT, "PYTHONDONTWRITEBYTECODE": "1",
               disk.ENV_DIR: str(tmp_path / name)}
        done = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import kernels_e"],
                              capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == [str(np.sin(1.0) * 3.0 + 0.5), "1.0"]
        libraries.append(sorted(p.read_bytes() for p in (tmp_path / name).rglob("*.so")))
    assert len(libraries[0]) == 1 and libraries[0] == libraries[1]


def test_code_drawing_from_numpys_distributions_loads_without_llvm(tmp_path):
    (tmp_path / "kernels_d.py").write_text(textwrap.dedent("""
        import numpy as np
        from compiler import compile

        @compile(cache=True)
        def total(a):
            s = 0.0
            for x in a:
                s += x + np.random.poisson(3.0)
            return s
    """))
    _run(tmp_path, "kernels_d")
    probe = textwrap.dedent(f"""
        import sys, numpy as np
        sys.path.insert(0, {str(tmp_path)!r})
        import kernels_d
        np.random.seed(7)
        got = kernels_d.total(np.arange(6.0))
        np.random.seed(7)
        print(got == kernels_d.total.py_func(np.arange(6.0)), "llvmlite.binding" in sys.modules)
    """)
    env = {**os.environ, "PYTHONPATH": ROOT, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False"]


def test_the_first_call_in_another_process_does_not_trace(tmp_path):
    _write(tmp_path, "kernels_c", "helpers_c", 10, "x - 1.0")
    _run(tmp_path, "kernels_c")
    folder = textwrap.dedent(f"""
        import sys, numpy as np
        sys.path.insert(0, {str(tmp_path)!r})
        import frontend
        def refuse(*args, **kwargs):
            raise AssertionError("traced")
        frontend.trace = refuse
        import kernels_c
        print(kernels_c.total(np.arange(3.0)))
    """)
    env = {**os.environ, "PYTHONPATH": ROOT, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-c", folder], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0.0"]
