"""Parallel loops: each kernel sequential and with ``parallel=True``, ours beside Numba's.

    python -m bench.parallel            # full sizes (make bench-parallel)
    python -m bench.parallel --quick

For every kernel of :mod:`bench.kernels.parallel` it times, interleaved round by round,
our compiler without and with ``parallel=True`` (without it ``prange`` is ``range``) and
``numba.njit`` without and with ``parallel=True``, and reports the medians and each
compiler's speed-up on this machine's threads (``get_num_threads()``); ours and Numba's
are timed apart (:func:`_timed_apart`).  The overhead of
a parallel loop is the ``two_trips`` kernel: two trips that each store one number,
so its time is the team's start and end.  Results go to
``bench/results/<date>-parallel.md`` and ``.json``.
"""
from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import statistics
import sys
import time
import types
from pathlib import Path

import numpy as np

from .kernels import parallel as kernels

RESULTS = Path(__file__).resolve().parent / "results"


def _numba(func, parallel: bool):
    import numba

    namespace = dict(func.__globals__, prange=numba.prange)
    plain = types.FunctionType(func.__code__, namespace, func.__name__, func.__defaults__)
    return numba.njit(parallel=parallel)(plain)


def _median_times(functions: dict, args_of, rounds: int, calls: int) -> dict[str, float]:
    """Median seconds per call of each function, interleaved round by round, each round
    timing ``calls`` calls (warm: each is called once first, which compiles it)."""
    for f in functions.values():
        f(*args_of())
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(rounds):
        for name, f in functions.items():
            args = args_of()
            start = time.perf_counter()
            for _ in range(calls):
                f(*args)
            times[name].append((time.perf_counter() - start) / calls)
    return {name: statistics.median(ts) for name, ts in times.items()}


def _timed_apart(groups: list[dict], args_of, rounds: int, calls: int) -> dict[str, float]:
    """:func:`_median_times` of each group of functions in turn, with a pause between the
    groups: each compiler's threads spin a while after a parallel loop (ours 200 ms, see
    ``runtime.threads``), and would take a core from the other compiler's threads."""
    medians: dict[str, float] = {}
    for group in groups:
        time.sleep(0.5)
        medians.update(_median_times(group, args_of, rounds, calls))
    return medians


def run(quick: bool, rounds: int) -> list[dict]:
    from compiler import compile, get_num_threads

    with_numba = importlib.util.find_spec("numba") is not None
    rows = []
    for name, func, make_args, sizes in kernels.KERNELS:
        size = sizes[1] if quick else sizes[0]
        args = make_args(size, np.random.default_rng(0))

        def args_of():
            return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)

        groups = [{"ours": compile(func), "ours parallel": compile(parallel=True)(func)}]
        if with_numba:
            groups.append({"numba": _numba(func, False), "numba parallel": _numba(func, True)})
        expected = groups[0]["ours"](*args_of())
        for group in groups:
            for label, f in group.items():
                if not kernels.agree(f(*args_of()), expected):
                    raise AssertionError(f"{name}: {label} differs from the sequential result")
        medians = _timed_apart(groups, args_of, rounds, 1000 if name == "two_trips" else 1)
        row = {"kernel": name, "size": size, "threads": get_num_threads(),
               **{label: seconds for label, seconds in medians.items()}}
        row["ours speed-up"] = medians["ours"] / medians["ours parallel"]
        if with_numba:
            row["numba speed-up"] = medians["numba"] / medians["numba parallel"]
        rows.append(row)
        print(_line(row), flush=True)
    return rows


def _time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1e6:.1f} us" if seconds < 1e-3 else f"{seconds * 1e3:.2f} ms"


def _line(row: dict) -> str:
    parts = [f"{row['kernel']:>16} n={row['size']:<9}"]
    for label in ("ours", "ours parallel", "numba", "numba parallel"):
        parts.append(f"{label} {_time(row.get(label))}")
    parts.append(f"speed-up ours {row['ours speed-up']:.2f}x")
    if "numba speed-up" in row:
        parts.append(f"numba {row['numba speed-up']:.2f}x")
    return "  ".join(parts)


def markdown(rows: list[dict], quick: bool) -> str:
    threads = rows[0]["threads"] if rows else 1
    lines = [f"# Parallel loops{' (quick sizes)' if quick else ''}: {threads} threads", "",
             "Median time per call; speed-up = sequential / parallel of the same compiler "
             "(sequential: compiled without parallel=True, where prange is range).", "",
             "| kernel | size | ours | ours parallel | speed-up | Numba | Numba parallel | Numba speed-up |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        numba_speed = f"{row['numba speed-up']:.2f}x" if "numba speed-up" in row else "-"
        lines.append(f"| {row['kernel']} | {row['size']} | {_time(row['ours'])} | {_time(row['ours parallel'])} | "
                     f"{row['ours speed-up']:.2f}x | {_time(row.get('numba'))} | {_time(row.get('numba parallel'))} | "
                     f"{numba_speed} |")
    compute = [row["ours speed-up"] for row in rows if row["kernel"] in kernels.COMPUTE_BOUND]
    if compute:
        lines += ["", f"Compute-bound kernels ({', '.join(kernels.COMPUTE_BOUND)}): median speed-up "
                      f"{statistics.median(compute):.2f}x, worst {min(compute):.2f}x."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.parallel", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer rounds")
    parser.add_argument("--rounds", type=int, help="timing rounds per kernel (default 15, quick 5)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="directory for the results")
    args = parser.parse_args(argv)
    rows = run(args.quick, args.rounds or (5 if args.quick else 15))
    stem = datetime.date.today().isoformat() + "-parallel" + ("-quick" if args.quick else "")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{stem}.json").write_text(json.dumps(rows, indent=1))
    (args.out / f"{stem}.md").write_text(markdown(rows, args.quick))
    print(f"wrote {args.out / stem}.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
