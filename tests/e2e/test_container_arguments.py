"""Dicts and sets as arguments (``runtime.boxing.dict_type``/``set_type``): the caller's own
objects, typed by their items at every call; what compiled code changes in them, the caller
sees, as in CPython."""
import numpy as np
import pytest

from compiler import compile


def count(d, a):
    for v in a:
        d[int(v)] = d.get(int(v), 0) + 1
    return len(d)


def grow(s, n):
    for i in range(n):
        s.add(i % 4)
    return sorted(s)


def weighted(d):
    t = 0.0
    for (i, name), x in d.items():
        t += x * i
    return t, len(d)


def numpy_keys(d):
    return sum(d.values()), list(d)


CASES = [
    (count, ({1: 5}, np.array([1, 2, 2]))), (count, ({}, np.array([3]))), (grow, ({9}, 6)), (grow, (set(), 2)),
    (weighted, ({(1, "a"): 2.5, (2, "b"): 1.0},)), (numpy_keys, ({np.int64(3): 1, np.int64(4): 2},)),
]


def _copies(args):
    return [dict(x) if isinstance(x, dict) else set(x) if isinstance(x, set) else x for x in args]


@pytest.mark.parametrize("fn, args", CASES, ids=[f"{fn.__name__}{i}" for i, (fn, _) in enumerate(CASES)])
def test_as_cpython_with_the_callers_objects_changed_alike(fn, args):
    mine, theirs = _copies(args), _copies(args)
    assert repr(compile(fn)(*mine)) == repr(fn(*theirs))
    assert repr(mine) == repr(theirs)


def test_mixed_keys_are_refused_naming_the_argument():
    with pytest.raises(TypeError, match="argument 'd' has unsupported type dict"):
        compile(count)({1: 1, "a": 2}, np.array([1]))
    with pytest.raises(TypeError, match="argument 's' has unsupported type set"):
        compile(grow)({1, "a"}, 1)
