"""Functions that make, change and return lists, compiled by ``test_lists`` and compared with
CPython (each returns what it built, so that the items' types are compared too)."""
import numpy as np


def sieve(n):
    flags = np.ones(n + 1, dtype=np.bool_)
    primes = []
    for p in range(2, n + 1):
        if flags[p]:
            primes.append(p)
            for q in range(p * p, n + 1, p):
                flags[q] = False
    return primes


def squares(n):
    return [i * i for i in range(n)]


def filtered(n):
    return [i * 0.5 for i in range(n) if i % 3 != 0]


def over_an_array(a):
    return [x * 2 for x in a], [x for x in a if x > 1], list(a)


def over_zip_and_enumerate(a, b):
    return [x * y for x, y in zip(a, b)], [i + x for i, x in enumerate(a)]


def over_a_list(n):
    lst = [i for i in range(n)]
    return [v + 1 for v in lst]


def nested(n):
    out = []
    for i in range(n):
        row = []
        for j in range(i):
            row.append(j * i)
        out.append(row)
    return out


def methods(n):
    lst = [1, 2, 3]
    for i in range(n):
        lst.append(i)
        lst.insert(0, i * 10)
    lst.remove(2)
    popped = lst.pop()
    first = lst.pop(0)
    where = lst.index(3)
    ones = lst.count(1)
    lst.reverse()
    copied = lst.copy()
    lst.sort()
    return lst, popped, first, where, ones, copied


def sorted_displays_of_elements(a):
    """``sorted`` of a list or tuple written with run-time values: CPython's sort, NaN and all."""
    return sorted([a[2], a[0], a[1]]), sorted((a[1], a[0]), reverse=True)[0], sorted([a[0], a[1] * 2, a[2]], key=abs)


def sort_with_key(n):
    xs = [((i * 7) % 5) * 1.0 - 2.0 for i in range(n)]
    by_square = sorted(xs, key=lambda v: v * v)
    xs.sort(key=lambda v: -v, reverse=True)
    return xs, by_square, sorted(xs, reverse=True)


def indexing(n):
    lst = [i * 3 for i in range(n)]
    lst[1] = -1
    lst[-1] += 100
    return lst[0], lst[-2], lst[1:4], lst[::-1], lst[::2]


def slice_assignment(n):
    lst = [i for i in range(n)]
    lst[1:3] = [7, 8, 9]
    lst[::2] = [0] * len(lst[::2])
    return lst


def operators(n):
    a = [i for i in range(n)]
    b = [i * 2 for i in range(n)]
    c = a + b
    d = a * 2
    a += [99]
    return c, d, a, 3 in b, 5 not in b, a == a.copy(), a < b, len(c)


def reductions(n):
    lst = [(i * 37) % 11 - 5 for i in range(n)]
    floats = [x * 0.5 for x in lst]
    return sum(lst), sum(floats), min(lst), max(floats), any(lst), all(lst), sum(lst, 10)


def aliasing(n):
    a = []
    b = a
    for i in range(n):
        b.append(i)
    return a, len(a), a is b


def grows_while_iterating(n):
    lst = [1]
    for x in lst:
        if x < n:
            lst.append(x * 2)
    return lst


def shrinks_while_iterating(n):
    lst = [i for i in range(n)]
    seen = []
    for x in lst:
        seen.append(x)
        if len(lst) > 2:
            lst.pop()
    return seen, lst


def elements_of_an_array(a):
    lst = []
    for x in a:
        lst.append(x)
    return lst, sum(lst)


def empty_or_not(n):
    lst = []
    if n > 2:
        lst = [1.5]
    return lst


def carried_by_a_loop(n):
    lst = []
    for i in range(n):
        lst = lst + [i]
    return lst


def strings(n):
    words = []
    for i in range(n):
        words.append(str(i) * 2)
    return words, "-".join(words) if words else ""


def truth(n):
    lst = [i for i in range(n)]
    return 1 if lst else 0


def printed(n):
    lst = [i * 1.5 for i in range(n)]
    print(lst, f"{lst}")
    text = f"{lst!r}"
    lst.append(9.0)
    return text, str(lst)


def index_out_of_range(n):
    lst = [i for i in range(n)]
    return lst[n]


def pop_from_empty(n):
    lst = [i for i in range(n)]
    for _ in range(n + 1):
        lst.pop()
    return lst


def remove_missing(n):
    lst = [i for i in range(n)]
    lst.remove(n)
    return lst


def extend_with_run_time_sequences(a, n):
    lst = []
    for i in range(n):
        lst.extend([i, i])
    from_array = []
    from_array.extend(a)
    from_range = [0]
    from_range.extend(range(n))
    return lst, from_array, from_range


def to_array(n):
    lst = [i * 0.5 for i in range(n)]
    return np.array(lst)


def read_then_changed_in_a_loop(n):
    lst = [0]
    s = 0
    for i in range(n):
        s += len(lst) + lst[-1]
        lst.append(i)
    return s, lst


def changed_through_an_alias_before_the_loop(n):
    a = [0]
    b = a
    s = 0
    for i in range(n):
        s += len(a)
        b.append(i)
    return s, a


def _fill(lst, n):
    for i in range(n):
        lst.append(i * i)
    return len(lst)


def passed_to_a_function_that_changes_it(n):
    made_at_run_time = []
    for k in range(2):
        made_at_run_time.append(k)
    m = _fill(made_at_run_time, n)
    made_while_compiling = [1, 2]
    return made_at_run_time, m, _fill(made_while_compiling, n), made_while_compiling


def total_of(lst):
    s = 0.0
    for x in lst:
        s += x
    return s, len(lst)


def extended(lst, n):
    """A list passed in and changed: the caller sees the change."""
    for i in range(n):
        lst.append(i)
    lst[0] = -1
    return len(lst)


def row_sums(rows):
    return [sum(r) for r in rows]


def echoed(lst):
    return lst


def pairs_sorted_by_key(a):
    ps = []
    for i in range(len(a)):
        ps.append((i, float(a[i])))
    ps.sort(key=lambda p: p[1])
    best = sorted(ps, key=lambda p: -p[1], reverse=True)
    total = 0.0
    for i, x in ps:
        total += x * i
    return ps, best[0] if best else (-1, 0.0), total, [p[0] for p in ps]


def tuples_with_strings(n):
    named = [(str(i), i * 0.5, i % 2 == 0) for i in range(n)]
    named.append(("last", -1.0, False))
    return named, named[-1][0], max(named, key=lambda t: t[1])


def empty_in_the_first_iterations(p0):
    """From the fuzzer: the while loop's first iterations run while compiling, where the
    comprehension's condition is false (an empty list of no item type), then at run time."""
    c7 = 0
    while c7 < 4:
        c7 += 1
        if p0 > 2:
            l10 = [k11 for k11 in range(p0 % 6) if (not c7)]
            p0 = sum(l10) % 1000003
        if c7 <= p0:
            break
    return c7, p0


def made_and_changed_after_a_return(p):
    """From the fuzzer: after an ``if`` that returns at run time the rest of the function is
    a run-time branch; a list made and changed there changes while compiling, as each run
    of the branch would."""
    if p > 5:
        return [0]
    lst = [13 for _ in range(1)]
    lst.append(p)
    lst[0] = -lst[0]
    return lst


def extremes_of_a_list_made_while_compiling(p):
    """From the fuzzer: min() of a Python list of traced values compared them while compiling."""
    halves = [p * 0.5 for _ in range(3)]
    return min(halves), max([p, 2, 3]), min(halves) if halves else 1.0


def extreme_of_one_item(n):
    """From the fuzzer: max() of a Python list or tuple of one constant item called max(item)."""
    return max([3]) + min((4,)) + max([n, 1]) + n


def read_in_a_loop_before_the_store(n):
    """Read at the top of the loop's body, stored in at its end: the loop is traced again with
    the list typed by the store."""
    lst = []
    total = 0.0
    k = 0
    while k < n:
        for x in lst:
            total += x
        lst.append(1.5 * k)
        k += 1
    return total, lst


def read_of_an_empty_comprehension(n):
    """A comprehension whose condition is false while compiling: empty, of no item type."""
    lst = [i for i in range(n) if False]
    return sum(lst), len(lst), np.array(lst).shape, max(lst)


def stored_only_after_a_raise(n):
    lst = []
    if n > 100:
        raise ValueError("too big")
        lst.append(n)
    return lst[n]


def last_item_doubled(n):
    lst = []
    for i in range(n):
        if lst:
            lst.append(lst[-1] * 2)
        else:
            lst.append(1)
    return lst


def sum_of(lst):
    """An empty list argument: of no item type."""
    s = 0
    for x in lst:
        s += x
    return s, sum(lst)


def first_of(lst):
    return lst[0]


def first_of_one_after_storing_in_the_other(a, b):
    b.append(1.5)
    return a[0]


def arrays_appended(n):
    """A list of arrays: each item the array itself (written through the list, seen in it)."""
    rows = []
    for i in range(n):
        rows.append(np.full(3, float(i)))
    total = 0.0
    for r in rows:
        total += r.sum()
    if rows:
        rows[0][1] = 7.0
        rows[-1] += 1.0
    return total, rows


def arrays_of_a_comprehension(n):
    rows = [np.arange(3) * k for k in range(n)]
    return np.array(rows), len(rows)


def views_of_one_array(n):
    """Items that are views of one array made here: writes through them change it."""
    grid = np.zeros((n, 2))
    views = []
    for i in range(n):
        views.append(grid[i])
    for i in range(n):
        views[i][0] = i
    return grid, views


def arrays_popped_and_inserted(n):
    stack = [np.zeros(2)]
    for i in range(n):
        stack.append(stack[-1] + i)
    top = stack.pop()
    stack.insert(0, top * 2)
    return stack, top


def nested_lists_of_arrays(n):
    groups = []
    for i in range(n):
        group = []
        for j in range(i + 1):
            group.append(np.ones((2, 2)) * j)
        groups.append(group)
    return groups


def rows_of(a, n):
    """Views of an argument stored in a list: they keep the argument alive."""
    rows = []
    for i in range(n):
        rows.append(a[i])
    return rows


def appends_the_argument(a):
    out = []
    for i in range(3):
        out.append(a)
    out[0][0] = 5.0
    return out


def total_of_arrays(lst):
    t = 0.0
    for x in lst:
        t += x.sum()
    return t


def grown_from_the_last(lst, n):
    for i in range(n):
        lst.append(lst[-1] * 2)
    lst[0][0] = -1.0
    return len(lst)


GLOBAL_ROW = np.ones(3)


def stores_a_global_array(n):
    out = []
    for i in range(n):
        out.append(GLOBAL_ROW)
    return out


def tuple_of_a_list(n):
    """``tuple()`` of a run-time list: a tuple of run-time length, read as a list is."""
    t = tuple([i * i for i in range(n)])
    total = 0
    for x in t:
        total += x
    return t, len(t), t[-1] if t else -1, total, sum(t), t.count(4), 9 in t, t.index(0) if t else -1


def tuple_operations(n):
    t = tuple([float(i) for i in range(n)])
    u = t + (1.5,)
    u += t
    return u, t * 2, sorted(t, reverse=True), list(t), t[1:], max(t), t == tuple(u[:n]), t < (1.0, 2.0), bool(t)


def tuple_index_out_of_range(n):
    t = tuple([i for i in range(n)])
    return t[n]


def tuple_item_assignment(n):
    t = tuple([i for i in range(n)])
    t[0] = 5
    return t


def tuples_of_ranges_and_arrays(n, a):
    r, s = tuple(range(n)), tuple(a)
    return r, s, np.array(r, dtype=np.int64), len(s)


def tuples_in_a_list(n):
    rows = []
    for i in range(n):
        rows.append(tuple([j for j in range(i)]))
    return rows, [len(r) for r in rows]


def unpacked(n):
    """``a, b = x`` of a run-time list and tuple: CPython's ValueError where the lengths differ."""
    x, y = [i * 2 for i in range(n)]
    p, q = tuple([float(i) for i in range(n)])
    return x + y, p * q


def truth_of_a_list_and_an_item(n):
    """``and``/``or`` in a test: operands of different types (a list, a bool) meet as truths."""
    lst = [i for i in range(n)]
    hits = 0
    if lst and lst[-1] > 0:
        hits += 1
    while lst and lst[0] < 1:
        lst.pop(0)
    if not (lst or n):
        hits += 10
    return hits, lst, (1 if lst and lst[0] else 2)


def reversed_lists(n):
    """``reversed`` of a run-time list (changed by the loop, as CPython's iterator sees it) and
    of a tuple of run-time length."""
    lst = [i for i in range(n)]
    seen = []
    for x in reversed(lst):
        seen.append(x)
        if x == 3:
            lst.pop()
            lst.pop()
        lst.append(-x)
    t = tuple(lst)
    return seen, [y * 2 for y in reversed(t)], list(enumerate(reversed(t)))


def python_list_indexed_at_run_time(n, a):
    """A list of lists (of arrays) made while compiling, indexed by a run-time int: read from
    its run-time list."""
    names = [[1, 2], [3]]
    rows = [a[k:] for k in range(2)]
    return names[n % 2], rows[n % 2].sum()
