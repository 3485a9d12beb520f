"""C callbacks: SciPy's ``quad``/``nquad`` of an integrand compiled by ``compiler.cfunc`` (a
``LowLevelCallable``), of the Python integrand, and of Numba's ``cfunc`` of the same source.

    python -m bench.cfunc               # make bench-cfunc
    python -m bench.cfunc --rounds 5

Every variant's integral is checked against the Python integrand's first (equal to 1e-12,
relative), then the variants are timed interleaved, round by round, and the median per
variant is reported, with the time to compile each callback.  Results go to
``bench/results/<date>-cfunc.md``.  Without Numba its column says so.
"""
from __future__ import annotations

import argparse
import ctypes
import datetime
import math
import statistics
import sys
import time
import types
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


# ----------------------------------------------------------------- the integrands
def wave(x):
    return math.exp(-x * x / 2.0) * math.cos(3.0 * x)


def ripple(x):
    return math.sin(40.0 * x) * math.exp(-0.3 * x) / (1.0 + x * x)


def bump(n, xx):
    s = 0.0
    for i in range(n):
        s += xx[i] * xx[i]
    return math.exp(-s) * math.sin(xx[0] * xx[1] + 1.0)


def _bump_python(x, y):
    return bump(2, (x, y))


CASES = {
    # name: (integrand, our signature, Numba's signature, SciPy's call, Python's integrand)
    "quad wave [-5, 5]": (wave, "f64(f64)", "float64(float64)",
                          lambda integrate, f: integrate.quad(f, -5.0, 5.0, limit=200), wave),
    "quad ripple [0, 20]": (ripple, "f64(f64)", "float64(float64)",
                            lambda integrate, f: integrate.quad(f, 0.0, 20.0, limit=500), ripple),
    "nquad bump [0, 1]^2": (bump, "f64(i32, f64*)", "float64(intc, CPointer(float64))",
                            lambda integrate, f: integrate.nquad(f, [[0.0, 1.0], [0.0, 1.0]]), _bump_python),
}


def _numba_cfunc(func, signature: str):
    import numba
    from numba import types as nt

    namespace = dict(func.__globals__)
    plain = types.FunctionType(func.__code__, namespace, func.__name__, func.__defaults__)
    sig = eval(signature, {**vars(nt), "CPointer": nt.CPointer})   # noqa: S307 -- our own constant strings
    return numba.cfunc(sig)(plain)


def _timed(fn, number: int = 1) -> float:
    t0 = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - t0) / number


def run(rounds: int) -> list[dict]:
    import scipy
    from scipy import integrate

    from compiler import cfunc

    try:
        import numba  # noqa: F401
        have_numba = True
    except ImportError:
        have_numba = False
    rows = []
    for name, (func, ours_sig, numba_sig, integrate_with, python_integrand) in CASES.items():
        t0 = time.perf_counter()
        ours = cfunc(ours_sig)(func)
        compile_ours = time.perf_counter() - t0
        variants = {"python": lambda: integrate_with(integrate, python_integrand)}
        ours_callable = scipy.LowLevelCallable(ours.ctypes)
        variants["ours"] = lambda: integrate_with(integrate, ours_callable)
        compile_numba = None
        if have_numba:
            t0 = time.perf_counter()
            theirs = _numba_cfunc(func, numba_sig)
            compile_numba = time.perf_counter() - t0
            numba_callable = scipy.LowLevelCallable(theirs.ctypes)
            variants["numba"] = lambda: integrate_with(integrate, numba_callable)
        expected = variants["python"]()[0]
        for variant, call in variants.items():
            got = call()[0]
            if not math.isclose(got, expected, rel_tol=1e-12):
                raise SystemExit(f"{name}: {variant} gives {got!r}, the Python integrand {expected!r}")
        # calls per round: enough for about 20 ms of the fastest variant
        number = max(1, int(0.02 / max(_timed(variants["ours"]), 1e-7)))
        times: dict[str, list[float]] = {v: [] for v in variants}
        for _ in range(rounds):
            for variant, call in variants.items():
                times[variant].append(_timed(call, number if variant != "python" else max(1, number // 50)))
        medians = {v: statistics.median(ts) for v, ts in times.items()}
        rows.append({"case": name, "integral": expected, "medians": medians, "compile_ours": compile_ours,
                     "compile_numba": compile_numba})
    return rows


def report(rows: list[dict], rounds: int) -> str:
    import numpy
    import scipy

    try:
        import numba
        numba_version = numba.__version__
    except ImportError:
        numba_version = None

    def ms(seconds: float | None) -> str:
        return "--" if seconds is None else f"{seconds * 1e3:.3f}"

    lines = [f"# C callbacks: SciPy integration ({datetime.date.today().isoformat()})", "",
             f"`python -m bench.cfunc --rounds {rounds}`: median of {rounds} interleaved rounds per variant; "
             f"Python {sys.version.split()[0]}, NumPy {numpy.__version__}, SciPy {scipy.__version__}, "
             f"Numba {numba_version or 'not installed'}.", "",
             "| integral | Python integrand (ms) | ours, cfunc (ms) | Numba cfunc (ms) | Python / ours "
             "| Numba / ours | compile ours (ms) | compile Numba (ms) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        m = row["medians"]
        numba_time = m.get("numba")
        lines.append(f"| {row['case']} | {ms(m['python'])} | {ms(m['ours'])} | {ms(numba_time)} | "
                     f"{m['python'] / m['ours']:.1f} | "
                     f"{'--' if numba_time is None else format(numba_time / m['ours'], '.2f')} | "
                     f"{ms(row['compile_ours'])} | {ms(row['compile_numba'])} |")
    lines += ["", "Every variant's integral equals the Python integrand's to 1e-12 (checked before timing). "
              "A `LowLevelCallable` lets QUADPACK call the C function directly, without a Python call per "
              "evaluation of the integrand. The first row's compile times include each compiler's "
              "one-time start in the process (its frontend, LLVM)."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cfunc", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9, help="timing rounds per variant (default 9)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="directory for the results")
    args = parser.parse_args(argv)
    rows = run(args.rounds)
    text = report(rows, args.rounds)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{datetime.date.today().isoformat()}-cfunc.md"
    path.write_text(text)
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
