"""The ``long`` marker: parametrizations that only ``make test-long`` (``pytest -m long``) runs.

``make test`` (``-m "not long"``) keeps at least one case of every parametrized test, and of
every feature it covers; the cases behind ``long`` repeat the same checks on more inputs,
dtypes, layouts or orders, where the suite spent most of its time.
"""
import pytest

LONG = pytest.mark.long


def long_except(values, keep, ids=str):
    """``values`` as parameters of a one-argument test: those in ``keep`` run by default, the
    others only under ``-m long``; ids as ``ids`` gives them."""
    values = list(values)
    assert all(k in values for k in keep), keep
    return [pytest.param(v, id=ids(v), marks=() if v in keep else LONG) for v in values]


def grid(rows, cols, row_ids=None, col_ids=None):
    """Every ``(row, col)`` pair as parameters of a test (a row or column that is a tuple gives
    several arguments), with the ids stacked ``parametrize`` decorators give them (``row-col``,
    each part as ``row_ids``/``col_ids`` gives it, by default its values joined by ``-``).  The
    pairs on a wrapped diagonal run by default -- every row and every column at least once --
    and the others only under ``-m long``."""
    rows, cols = list(rows), list(cols)
    kept = {(k % len(rows), k % len(cols)) for k in range(max(len(rows), len(cols)))}
    return [pytest.param(*_values(r), *_values(c), id=f"{(row_ids or _id)(r)}-{(col_ids or _id)(c)}",
                         marks=() if (i, j) in kept else LONG)
            for i, r in enumerate(rows) for j, c in enumerate(cols)]


def _values(x):
    return x if isinstance(x, tuple) else (x,)


def _id(x):
    return "-".join(map(str, _values(x)))
