"""Deep recursion raises RecursionError instead of overflowing the native stack."""
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent('''
    import threading
    from compiler import compile

    def depth(n):
        if n == 0:
            return 0
        return depth(n - 1) + 1

    def is_even(n):
        if n == 0:
            return True
        return is_odd(n - 1)

    def is_odd(n):
        if n == 0:
            return False
        return is_even(n - 1)

    def run():
        d, even = compile(depth), compile(is_even)
        assert d(15000) == 15000
        for f, arg in ((d, 10 ** 9), (even, 10 ** 9)):
            try:
                f(arg)
            except RecursionError as err:
                assert "maximum recursion depth exceeded" in str(err), err
            else:
                raise AssertionError("no RecursionError")
        assert d(7) == 7 and even(8) is True  # usable again after the error

    run()
    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    print("ok")
''')


def test_deep_recursion_raises_in_main_thread_and_worker_threads(tmp_path):
    script = tmp_path / "deep.py"
    script.write_text(SCRIPT)
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


ENTRY_POINTS = textwrap.dedent('''
    import sys
    import numpy as np
    from compiler import cfunc, compile, prange, vectorize

    def depth(n):
        if n == 0:
            return 0
        return depth(n - 1) + 1

    def in_parallel(n):
        s = 0
        for i in prange(4):
            s += depth(n)
        return s

    caught = []
    sys.unraisablehook = caught.append
    c = cfunc("i64(i64)")(depth)
    assert c.ctypes(1000) == 1000
    c.ctypes(10 ** 9)
    assert [str(u.exc_value) for u in caught] == ["maximum recursion depth exceeded"], caught
    for target in ("cpu", "parallel"):
        ufunc = vectorize(["i64(i64)"], target=target)(depth)
        assert ufunc(np.arange(20000) % 50).sum() == 490000
        try:
            ufunc(np.full(20000, 10 ** 9))
        except RecursionError as err:
            assert "maximum recursion depth exceeded" in str(err), err
        else:
            raise AssertionError("no RecursionError from a " + target + " ufunc")
    p = compile(in_parallel, parallel=True)
    assert p(1000) == 4000
    try:
        p(10 ** 9)
    except RecursionError as err:
        assert "maximum recursion depth exceeded" in str(err), err
    else:
        raise AssertionError("no RecursionError in a parallel loop")
    assert compile(depth)(30000) == 30000   # 2 MiB of stack: far more than CPython's 1,000 frames
    print("ok")
''')


def test_every_way_into_compiled_code_sets_its_own_stack_limit(tmp_path):
    """A cfunc, a ufunc's loop (and each of its threads) and each thread of a parallel loop
    store the limit of their own stack: deep recursion raises there too, never crashes."""
    script = tmp_path / "entries.py"
    script.write_text(ENTRY_POINTS)
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
