"""The fuzzer's inputs: the same for a seed on every run, of the dtypes ``--dtypes`` names."""
import random

import numpy as np

from . import runner
from .generator import generate


def _arrays(dtypes: str, programs: int = 60) -> list[np.ndarray]:
    return [a for k in range(programs) for _, args in runner.calls(generate(f"inputs-{k}"), f"inputs-{k}", dtypes)
            for a in args if isinstance(a, np.ndarray)]


def test_inputs_are_reproducible():
    first, again = _arrays("all"), _arrays("all")
    assert len(first) == len(again) > 20
    assert all(a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True) for a, b in zip(first, again))


def test_default_inputs_are_float64_and_int64():
    assert {a.dtype for a in _arrays("64")} == {np.dtype(np.float64), np.dtype(np.int64)}


def test_all_dtypes_appear_with_small_values_of_both_signs():
    r = random.Random(5)
    seen, negative = set(), set()
    for _ in range(400):
        a = runner.random_value(r, r.choice(["f64[]", "i64[]"]), "all")
        seen.add(a.dtype.name)
        assert 1 <= len(a) <= 6
        if a.dtype.kind in "iu":
            assert (np.abs(a.astype(np.int64)) <= 1000).all()
            if (a < 0).any():
                negative.add(a.dtype.name)
    assert seen == {d for kinds in runner.DTYPES["all"].values() for d in kinds}
    assert negative == {"int8", "int16", "int32", "int64"}
