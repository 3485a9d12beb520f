"""The ``local-lists`` pass: lists that never leave their function are held as native values
(``local_list<T>``); the others stay CPython lists.  Results are CPython's either way."""
import math
import sys

import numpy as np
import pytest

from bench.kernels.containers import order_by_key, running_means
from compiler import compile
from ir import VerificationError, parse_module, verify
from tests.long import LONG

LEVELS = [0, 3]


def pairs_read_back(n):
    pairs = []
    for i in range(n):
        pairs.append((i, i * 0.5, i % 3 == 0))
    total = 0.0
    for i, x, flag in pairs:
        if flag:
            total += x - i
    return total, len(pairs), pairs[-1][0] if pairs else -1


def comprehension_then_index(n, k):
    squares = [i * i for i in range(n) if i % 2 == 0]
    if not squares:
        return -1
    return squares[k] + squares[-1] + len(squares)


def grows_while_read(n):
    items = [1, 2]
    total = 0
    for x in items:   # visits the items appended while it runs, as CPython's iterator does
        if len(items) < n:
            items.append(x + 1)
        total += x
    return total


def bools_and_numpy_scalars(a):
    big, values = [], []
    for x in a:
        big.append(x > 0.5)
        values.append(x * 2)   # NumPy float64 scalars
    count = 0
    for b in big:
        count += b
    return count, values[0] + values[-1]


def stack_of_work(a):
    todo = []
    for x in a:
        todo.append(x)
    total = 0.0
    while todo:
        v = todo.pop()
        total = total * 0.5 + v
        if v > 0.7 and len(todo) < 20:
            todo.append(v - 0.5)
    return total


def stored_into(n):
    items = []
    for i in range(n):
        items.append(i * 1.5)
    for i in range(n):
        items[i] = items[i] * 2 + items[-1]
    items[-1] = -1.0
    s = 0.0
    for x in items:
        s = s * 0.9 + x
    return s


def pairs_popped(n):
    p = []
    for i in range(n):
        p.append((i, i * 0.5))
    a, b = p.pop()
    return a, b, len(p)


def summed(a):
    items, scalars = [], []
    for x in a:
        items.append(float(x) * 1.5)
        scalars.append(x * 1.5)   # NumPy scalars
    return sum(items), sum(items, 2), sum(items, -0.0), sum(scalars) if scalars else 0.0


def index_error(n):
    items = []
    for i in range(n):
        items.append(i)
    return items[n]


def sorted_after(n):
    items = []
    for i in range(n):
        items.append((7 * i) % 5)
    items.sort()
    return items[0] + items[-1] * 10


def sorted_by_key(a, reverse):
    pairs = []
    for i in range(len(a)):
        pairs.append((i, float(a[i])))
    if reverse:
        pairs.sort(key=lambda p: p[1], reverse=True)
    else:
        pairs.sort(key=lambda p: p[1])
    total = 0
    for k in range(len(pairs)):
        total = total * 7 % 1000003 + pairs[k][0]
    return total


def sorted_without_key(a, reverse):
    items = []
    for x in a:
        items.append(x * 2)   # NumPy scalars
    if reverse:
        items.sort(reverse=True)
    else:
        items.sort()
    return items[0] + items[-1] * 10 if items else 0.0


def passed_to_python(n):
    items = []
    for i in range(n):
        items.append(i)
    print(items)
    return len(items)


def in_another_list(n):
    rows = []
    for i in range(n):
        row = []
        row.append(i)
        rows.append(row)
    return len(rows)


def as_array(a):
    out = []
    for x in a:
        if x > 0.2:
            out.append(x * 2.0)
    values = np.array(out)
    return len(values), float(values.sum()), values.dtype == np.float64


def ints_as_array(n):
    out = [7]
    for i in range(n):
        out.append(i * i)
    return int(np.array(out)[-1]), np.array(out).dtype == np.int64


KEPT = [
    (running_means, (np.linspace(0.0, 3.0, 50), 4)),
    (running_means, (np.arange(3.0), 8)),
    (order_by_key, (np.array([0.5, 2.0, -1.0, 0.5, np.nan, 0.25]),)),
    (pairs_read_back, (10,)),
    (pairs_read_back, (0,)),
    (comprehension_then_index, (11, 2)),
    (comprehension_then_index, (0, 0)),
    (grows_while_read, (40,)),
    (bools_and_numpy_scalars, (np.linspace(0.0, 1.0, 9),)),
    (sorted_after, (9,)),
    (stack_of_work, (np.linspace(0.0, 1.0, 30),)),
    (stored_into, (7,)),
    (stored_into, (1,)),
    (pairs_popped, (4,)),
    (summed, (np.array([0.1, 0.2, 1e16, -1e16, 0.3]),)),   # added in order, as CPython 3.11 adds
    (summed, (np.array([-0.0, np.nan]),)),
    # signed zeros and NaNs, each sorted one way by default (-m long: the other way too)
    (sorted_by_key, (np.array([0.5, -0.0, 2.0, 0.0, 0.5, -1.0]), False)),
    pytest.param(sorted_by_key, (np.array([0.5, -0.0, 2.0, 0.0, 0.5, -1.0]), True), marks=LONG),
    pytest.param(sorted_by_key, (np.array([0.5, np.nan, 2.0, 0.0, np.nan, -1.0, 0.5]), False),   # CPython's own order
                 marks=LONG),
    (sorted_by_key, (np.array([0.5, np.nan, 2.0, 0.0, np.nan, -1.0, 0.5]), True)),
    (sorted_without_key, (np.array([3.0, 1.0, np.nan, 2.0]), True)),
    (sorted_without_key, (np.array([]), False)),
    (as_array, (np.linspace(0.0, 1.0, 21),)),
    (as_array, (np.zeros(3),)),   # an empty list: NumPy's empty float64 array
    (ints_as_array, (6,)),
]


def _same(got, want):
    """Equal, a NaN equal to a NaN, item by item."""
    if isinstance(want, tuple):
        return isinstance(got, tuple) and len(got) == len(want) and all(map(_same, got, want))
    if isinstance(want, float) and math.isnan(want):
        return isinstance(got, float) and math.isnan(got)
    return got == want


def _local(f, args, opt=3):
    compiled = compile(opt=opt)(f)
    result = compiled(*args)
    text = compiled.inspect_ir(stage="optimized")
    return result, text


@pytest.mark.parametrize("opt", LEVELS)
@pytest.mark.parametrize("f,args", KEPT, ids=lambda v: getattr(v, "__name__", ""))
def test_a_list_kept_in_its_function_is_native_and_gives_cpythons_result(f, args, opt):
    result, text = _local(f, args, opt)
    assert _same(result, f(*args))
    assert "local_list.new" in text and "list.append" not in text.replace("local_list.append", "")


def returned_from_a_branch(n):
    items = []
    for i in range(n):
        items.append(i)
    if n > 3:
        return items
    return [0]


def returned_in_a_tuple(n):
    items = []
    for i in range(n):
        items.append(i * 0.5)
    return items, len(items)


@pytest.mark.parametrize("f", [passed_to_python, in_another_list, returned_from_a_branch, returned_in_a_tuple])
def test_a_list_that_gets_out_stays_a_cpython_list(f, capsys):
    result, text = _local(f, (5,))
    assert result == f(5)
    assert "local_list" not in text.split("rows")[0] if f is in_another_list else "local_list" not in text


@pytest.mark.parametrize("opt", LEVELS)
@pytest.mark.parametrize("a", [np.arange(5.0) - 1.5, np.arange(0.0)])
def test_a_list_returned_as_the_function_ends_is_made_a_cpython_list_then(a, opt):
    def doubled(a):
        scalars = []
        for x in a:
            scalars.append(x * 2)   # NumPy scalars: returned as NumPy scalars
        return scalars

    def pairs_sorted(a):
        pairs = []
        for i in range(len(a)):
            pairs.append((i, float(a[i]) > 0.0))
        pairs.sort(key=lambda p: -p[0])
        return pairs

    for f in (doubled, pairs_sorted):
        compiled = compile(opt=opt)(f)
        got, want = compiled(a), f(a)
        assert got == want and [type(v) for v in got] == [type(v) for v in want]
        assert sys.getrefcount(got) == sys.getrefcount(want)
        assert "local_list.box" in compiled.inspect_ir(stage="optimized")

    def made(n):
        return [i * i for i in range(n)]

    compiled = compile(opt=opt)(made)
    assert compiled(4) == made(4) and compiled(0) == []
    assert "local_list.box" in compiled.inspect_ir(stage="optimized")


def test_an_inner_list_stored_in_another_is_not_local_but_one_only_read_is():
    def inner(n):
        outer = []
        for i in range(n):
            row = []
            for j in range(i):
                row.append(j)
            outer.append(len(row))
        return outer

    compiled = compile(inner)
    assert compiled(5) == inner(5)
    text = compiled.inspect_ir(stage="optimized")
    assert text.count("local_list.new") == 2 and "local_list.box" in text   # row; outer, made a list as returned


def test_an_index_out_of_range_is_cpythons_index_error():
    with pytest.raises(IndexError, match="list index out of range"):
        compile(index_error)(4)


def test_a_sort_key_that_changes_the_list_is_cpythons_value_error():
    def changes(n):
        items = []
        for i in range(n):
            items.append(i)
        items.sort(key=lambda v: items.append(v) or -v)
        return len(items)

    with pytest.raises(ValueError, match="list modified during sort"):
        changes(3)
    with pytest.raises(ValueError, match="list modified during sort"):
        compile(changes)(3)


@pytest.mark.parametrize("n,k", [(3, 1), (3, -3), (3, 3), (3, -4), (0, 0), (1, -1)])
def test_an_item_stored_and_popped_raises_cpythons_errors(n, k):
    def store_then_pop(n, k):
        items = []
        for i in range(n):
            items.append(i)
        items[k] = 5
        return items.pop() + items.pop() if n > 1 else items.pop()

    def outcome(f):
        try:
            return f(n, k)
        except IndexError as err:
            return str(err)

    compiled = compile(store_then_pop)
    assert outcome(compiled) == outcome(store_then_pop)
    assert "local_list.set" in compiled.inspect_ir(stage="optimized")


def test_a_pop_from_an_empty_list_is_cpythons_index_error():
    def pops(n):
        items = []
        for i in range(n):
            items.append(i)
        total = 0
        for _ in range(n + 1):
            total += items.pop()
        return total

    with pytest.raises(IndexError, match="pop from empty list"):
        compile(pops)(3)


def test_many_appends_grow_the_buffer():
    def many(n):
        items = []
        for i in range(n):
            items.append(i * 3)
        total = 0
        for x in items:
            total += x
        return total, len(items)

    assert compile(many)(100_000) == many(100_000)


def test_the_verifier_refuses_a_second_reference_and_a_wrong_item():
    module = parse_module("""
func @f(%x: f64) -> i64 {
  %l = local_list.new : local_list<f64>
  array.incref %l
  %0 = local_list.len %l : i64
  return %0
}
""")
    with pytest.raises(VerificationError, match="array"):
        verify(module)
    module = parse_module("""
func @f(%x: i64) -> none {
  %l = local_list.new : local_list<f64>
  local_list.append %l, %x
  return
}
""")
    with pytest.raises(VerificationError, match="is not the list's item type f64"):
        verify(module)
