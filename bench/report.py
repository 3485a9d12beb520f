"""The benchmark's outputs: a JSON record, a Markdown table and a bar chart.

Times are milliseconds per call; "ours/Numba" is how many times faster our
compiled code runs than Numba's (above 1.0: we are faster); its geometric mean over
the kernels is the suite's headline figure, given with the median and the worst kernel.
"""
from __future__ import annotations

import dataclasses
import json
import platform
from pathlib import Path
from typing import Any

from .harness import KernelResult, geometric_mean

COLUMNS = ("CPython", "NumPy", "Numba", "ours")


def headline(results: list[KernelResult], small: bool = False) -> float | None:
    """Geometric mean of ours/Numba (Numba's time over ours) over the kernels at their
    main sizes, or (``small``) over the small sizes that expose call overhead."""
    return geometric_mean([r.speedup("ours", "Numba") for r in results if r.small == small])


def median_and_worst(results: list[KernelResult]) -> tuple[float | None, str | None, float | None]:
    """The median of ours/Numba over the kernels at their main sizes, and the kernel with
    the lowest ratio with that ratio: the geometric mean alone can rest on one kernel far
    ahead."""
    ratios = sorted((r.speedup("ours", "Numba"), r.kernel) for r in results
                    if not r.small and r.speedup("ours", "Numba") is not None)
    if not ratios:
        return None, None, None
    values = [ratio for ratio, _ in ratios]
    middle = len(values) // 2
    median = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    return median, ratios[0][1], ratios[0][0]


def _cell(result: KernelResult, variant: str) -> str:
    timing = result.timings.get(variant)
    if timing is None:
        return "-"
    return f"{timing.median * 1e3:.3g} ±{timing.spread * 100:.0f}%"


def markdown(results: list[KernelResult], extra: dict[str, Any]) -> str:
    lines = ["| kernel | size | " + " | ".join(f"{c} (ms)" for c in COLUMNS) + " | ours/Numba | ours/CPython |",
             "|---|---:|" + "---:|" * (len(COLUMNS) + 2)]
    for r in results:
        ours_numba, ours_cpython = r.speedup("ours", "Numba"), r.speedup("ours", "CPython")
        lines.append(f"| {r.kernel} | {r.size} | " + " | ".join(_cell(r, c) for c in COLUMNS) +
                     f" | {_ratio(ours_numba)} | {_ratio(ours_cpython)} |")
    counted = sum(r.speedup("ours", "Numba") is not None and not r.small for r in results)
    median, worst, worst_ratio = median_and_worst(results)
    lines += ["", f"Geometric mean of ours/Numba: {_ratio(headline(results))} over {counted} kernels at "
              f"their main sizes (median {_ratio(median)}, worst {worst or '-'} at {_ratio(worst_ratio)}); "
              f"{_ratio(headline(results, small=True))} over the small sizes that show call overhead."]
    skipped = [f"- {r.kernel}: {v}: {why}" for r in results for v, why in r.skipped.items()
               if not why.startswith(("no vectorized", "numba is not"))]
    if skipped:
        lines += ["", "Variants not timed:", *skipped]
    if extra:
        lines += ["", "| measurement | value |", "|---|---|"]
        lines += [f"| {name} | {value} |" for name, value in _flatten(extra)]
    return "\n".join(lines) + "\n"


def _ratio(value: float | None) -> str:
    return f"{value:.2f}x" if value is not None else "-"


def _flatten(extra: dict[str, Any], prefix: str = ""):
    for name, value in extra.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", (f"{value:.4g}" if isinstance(value, float) else str(value))


def write(directory: Path, stem: str, results: list[KernelResult], extra: dict[str, Any],
          mode: str) -> list[Path]:
    """Write ``<stem>.json``, ``<stem>.md`` and (with matplotlib) ``<stem>.png``."""
    directory.mkdir(parents=True, exist_ok=True)
    record = {"mode": mode, "machine": platform.platform(), "processor": platform.processor(),
              "python": platform.python_version(), "geomean_ours_over_numba": headline(results),
              "geomean_ours_over_numba_small_sizes": headline(results, small=True),
              "median_ours_over_numba": median_and_worst(results)[0],
              "worst_ours_over_numba": dict(zip(("kernel", "ratio"), median_and_worst(results)[1:])),
              "kernels": [dataclasses.asdict(r) for r in results], "measurements": extra}
    paths = [directory / f"{stem}.json", directory / f"{stem}.md"]
    paths[0].write_text(json.dumps(record, indent=1) + "\n")
    paths[1].write_text(markdown(results, extra))
    chart = bar_chart(directory / f"{stem}.png", results)
    return paths + ([chart] if chart else [])


def bar_chart(path: Path, results: list[KernelResult]) -> Path | None:
    """A bar per kernel of ours/Numba (log scale, 1.0 marked); ``None`` without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    rows = [(r.kernel + (f" n={r.size}" if r.small else ""), r.speedup("ours", "Numba"))
            for r in results if r.speedup("ours", "Numba")]
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(10, 4.5))
    names, values = zip(*rows)
    ax.bar(names, values, color=["tab:green" if v >= 1 else "tab:red" for v in values])
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_yscale("log")
    ax.set_ylabel("ours/Numba (Numba's time / ours)")
    ax.set_title(f"Speed against Numba (geometric mean {headline(results):.2f}x)")
    ax.tick_params(axis="x", rotation=60)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
