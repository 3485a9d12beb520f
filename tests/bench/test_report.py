"""The bench report states the median ratio and the worst kernel beside the geometric mean."""
from bench.harness import KernelResult, Timing
from bench.report import headline, markdown, median_and_worst


def result(kernel, ours, numba, small=False):
    return KernelResult(kernel, "scalar", 10, small, {"ours": Timing(ours, 0.0, 5), "Numba": Timing(numba, 0.0, 5)})


def test_median_and_worst_beside_the_geometric_mean():
    results = [result("far_ahead", 1.0, 14.0), result("even", 1.0, 1.0), result("behind", 1.0, 0.8),
               result("slightly_ahead", 1.0, 1.1), result("overhead", 1.0, 0.1, small=True)]
    median, worst, ratio = median_and_worst(results)
    assert median == (1.0 + 1.1) / 2 and worst == "behind" and ratio == 0.8
    assert headline(results) > 1.5   # the one kernel at 14x lifts the mean
    assert "(median 1.05x, worst behind at 0.80x)" in markdown(results, {})
