"""Compiled functions run in worker processes: multiprocessing (fork and spawn),
concurrent.futures, joblib (loky) and a Dask ``LocalCluster``.

Each test starts real processes, so they are few and small; the kernels are in
:mod:`tests.workers.kernels`, which the workers import (``compiler.pickling``).
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import subprocess
import sys
import textwrap
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from . import kernels

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def chunks():
    return np.array_split(np.random.default_rng(18).random(400), 4)


def _expected(chunks):
    return [kernels.smooth.py_func(c) for c in chunks]


def _check_smoothed(results, chunks):
    assert len(results) == len(chunks)
    for got, want in zip(results, _expected(chunks)):
        np.testing.assert_array_equal(got, want)


def test_multiprocessing_fork(chunks):
    with multiprocessing.get_context("fork").Pool(2) as pool:
        _check_smoothed(pool.map(kernels.smooth, chunks), chunks)
        reports = pool.map(kernels.worker_report, [27, 97])
    assert [r[1] for r in reports] == [kernels.collatz(27), kernels.collatz(97)]
    assert all(pid != os.getpid() for pid, _ in reports)


def test_multiprocessing_spawn(chunks):
    power = kernels.power.compile("f8(f8, i8)")
    x, y = np.linspace(-2, 2, 9), np.linspace(1, 3, 9)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        _check_smoothed(pool.map(kernels.smooth, chunks), chunks)
        totals = pool.map(kernels.total, chunks)
        plain = pool.map(kernels.collatz_o0, [27, 97])       # the name holds the plain function
        options = pool.apply(kernels.options_of, (kernels.collatz_o0,))
        special = pool.apply(kernels.run_specialization, (power, 1.5, 7))   # one specialisation
        lazy = pool.apply(kernels.rel_diff, (x, y))          # a lazy vectorize
        eager = pool.apply(kernels.hypot2, (x, y))           # a numpy.ufunc
        shifted = pool.apply(kernels.shift, (np.ones((2, 3)), 2.0))
        scaled = pool.apply(kernels.scaled, (chunks[0], "double"))
    assert totals == [kernels.total.py_func(c) for c in chunks]
    assert plain == [kernels.collatz(27), kernels.collatz(97)]
    assert options == kernels.collatz_o0.options and options.opt == 0 and options.boundscheck is False
    assert special == kernels.power.py_func(1.5, 7)
    np.testing.assert_array_equal(lazy, kernels.rel_diff.pyfunc(x, y))
    np.testing.assert_array_equal(eager, x * x + y * y)
    np.testing.assert_array_equal(shifted, np.full((2, 3), 3.0))
    np.testing.assert_array_equal(scaled, chunks[0] * 2.0)


def test_spawned_workers_load_the_parents_code_from_the_disk_cache(chunks, tmp_path, monkeypatch):
    from runtime import sharedlib

    if sharedlib.linker() is None:
        pytest.skip("no linker to make shared libraries")
    monkeypatch.setenv("PYJIT_CACHE_DIR", str(tmp_path))   # the children inherit it
    assert kernels.cached_norm(chunks[0]) == kernels.cached_norm.py_func(chunks[0])
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        results = pool.map(kernels.cached_norm_in_worker, chunks)
    assert [value for value, _ in results] == [kernels.cached_norm.py_func(c) for c in chunks]
    assert all(events == ["hit"] for _, events in results[:1])   # each worker's first call: a hit
    assert all("miss" not in events for _, events in results)


def test_process_pool_executor(chunks):
    with ProcessPoolExecutor(max_workers=2) as pool:
        _check_smoothed(list(pool.map(kernels.smooth, chunks)), chunks)
        assert list(pool.map(kernels.collatz_fast, [6, 7])) == [kernels.collatz(6), kernels.collatz(7)]


def test_joblib_loky(chunks):
    from joblib import Parallel, delayed

    with Parallel(n_jobs=2, backend="loky") as parallel:
        _check_smoothed(parallel(delayed(kernels.smooth)(c) for c in chunks), chunks)
        reports = parallel(delayed(kernels.worker_report)(n) for n in (27, 97))
    assert [r[1] for r in reports] == [kernels.collatz(27), kernels.collatz(97)]
    assert all(pid != os.getpid() for pid, _ in reports)


@pytest.fixture
def dask_client():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0",
                                  silence_logs=logging.ERROR) as cluster, distributed.Client(cluster) as client:
        yield client


def test_dask_local_cluster(dask_client, chunks):
    import dask
    import dask.array as da

    x = da.arange(400, chunks=100) * 0.01   # blocks made in the workers, each smoothed where it is made
    want = np.concatenate([kernels.smooth.py_func(b) for b in np.array_split(np.arange(400) * 0.01, 4)])
    np.testing.assert_array_equal(x.map_blocks(kernels.smooth, dtype=x.dtype).compute(), want)
    totals = dask_client.gather(dask_client.compute([dask.delayed(kernels.total)(b) for b in x.to_delayed()]))
    assert totals == [kernels.total.py_func(b) for b in np.array_split(np.arange(400) * 0.01, 4)]
    assert dask_client.gather(dask_client.map(kernels.collatz_o0, [27, 97])) == [111, 118]
    pids = dask_client.run(os.getpid)
    assert len(pids) == 2 and os.getpid() not in pids.values()
    # chunks sent from here: a worker often gets them misaligned (deserialized in place from
    # message frames), which compiled functions take as aligned copies
    _check_smoothed(dask_client.gather(dask_client.map(kernels.smooth, chunks)), chunks)


#: a main script with compiled functions of its own (pickled as __main__.name)
MAIN = '''
import multiprocessing, sys
from compiler import compile

@compile(opt=1)
def twice(x):
    return 2 * x

def plus_one(x):
    return x + 1

fast_plus_one = compile(plus_one)

if __name__ == "__main__":
    for method in ("fork", "spawn"):
        with multiprocessing.get_context(method).Pool(1) as pool:
            print(method, pool.map(twice, [1, 2]), pool.map(fast_plus_one, [1, 2]))
'''


def test_functions_of_the_main_script_under_fork_and_spawn(tmp_path):
    script = tmp_path / "main_script.py"
    script.write_text(textwrap.dedent(MAIN))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["fork [2, 4] [2, 3]", "spawn [2, 4] [2, 3]"]
