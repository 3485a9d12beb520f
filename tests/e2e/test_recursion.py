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
