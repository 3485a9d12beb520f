"""Functions that make, change and return dicts, compiled by ``test_dicts`` and compared with
CPython (each returns what it built, so that key and value types and order are compared too)."""
import numpy as np


def word_count(a):
    counts = {}
    for v in a:
        counts[v] = counts.get(v, 0) + 1
    return counts


def word_count_of_ints(a):
    counts = {}
    for v in a:
        counts[int(v)] = counts.get(int(v), 0) + 1
    return counts


def squares(n):
    return {i: i * i for i in range(n)}


def filtered_comprehension(n):
    return {i: i * 0.5 for i in range(n) if i % 3 != 0}


def comprehension_over_an_array(a):
    return {x: i for i, x in enumerate(a)}


def display_with_run_time_keys(x, y):
    d = {x: 1, y: 2}
    return d, len(d)


def display_of_constants(n):
    d = {"a": 1, "b": 2}
    for i in range(n):
        d["a"] += i
    return d


def lookups(n):
    d = {}
    for i in range(n):
        d[i * 2] = i + 0.5
    return d[0] if n else -1.0, d.get(2, -1.0), d.get(3, -1.0), 4 in d, 5 in d, 5 not in d


def get_without_default(n):
    d = {1: 10}
    for i in range(n):
        d[i + 2] = i
    a = d.get(n)
    b = d.get(n + 5)
    return (a if a is not None else -1), b is None


def missing_key(n):
    d = {i: i for i in range(n)}
    return d[n]


def missing_string_key(n):
    d = {"x": 1.0}
    for i in range(n):
        d["y"] = float(i)
    return d["z"]


def setdefault_and_pop(n):
    d = {}
    for i in range(n):
        d.setdefault(i % 3, i)
    first = d.pop(0, -1)
    second = d.pop(7, -1)
    return d, first, second, d.setdefault(1, 99), d.setdefault(10, 99)


def pop_missing(n):
    d = {0: 0}
    for i in range(n):
        d[i] = i
    return d.pop(n + 1)


def iterate_keys_values_items(n):
    d = {}
    for i in range(n):
        d[n - i] = i * 1.5
    keys = []
    for k in d:
        keys.append(k)
    total = 0.0
    for v in d.values():
        total += v
    pairs = []
    for k, v in d.items():
        pairs.append(k * v)
    return keys, total, pairs


def for_with_break(n):
    d = {i: i for i in range(n)}
    found = -1
    for k in d:
        if k * k > n:
            found = k
            d[100] = 1    # changes its size, then leaves before the next step: CPython does not raise
            break
    return found, d


def grows_while_iterating(n):
    d = {0: 0}
    for k in d:
        d[k + 1 + n] = k
    return d


def shrinks_while_iterating(n):
    d = {i: i for i in range(n)}
    for k in d:
        d.pop(k)
    return d


def same_size_while_iterating(n):
    d = {i: i for i in range(n)}
    seen = []
    for k in d:
        seen.append(k)
        d[k] = k + 1     # a value changed: no error
    return seen, d


def methods(n):
    d = {i: str(i) for i in range(n)}
    e = d.copy()
    e[n] = "new"
    f = {}
    f.update(d)
    f.update({-1: "minus"})
    g = dict(e)
    d.clear()
    return d, e, f, g, len(g)


def aliasing(n):
    d = {}
    alias = d
    for i in range(n):
        alias[i] = i
    other = d
    other[-1] = -1
    return d, alias is d, len(d)


def truth_and_equality(n):
    d = {}
    for i in range(n):
        d[i] = i
    e = {i: i for i in range(n)}
    empty = "empty" if not d else "full"
    return empty, d == e, d != e, d == {0: 0}, bool(d)


def keys_of_views(n):
    d = {i: i * 2 for i in range(n)}
    return list(d), list(d.keys()), list(d.values()), sorted(d.values()), sum(d.values()), len(d.keys()), \
        2 in d.keys()


def max_of_values(n):
    d = {i: (i * 7) % 5 for i in range(n)}
    return max(d.values()), min(d), sum(d)


def string_keys(n):
    names = {}
    for i in range(n):
        names[f"k{i % 3}"] = names.get(f"k{i % 3}", 0) + i
    return names


def string_key_argument(s):
    return {s: 1}


def printed(n):
    d = {i: i / 2 for i in range(n)}
    print(d)
    print(f"d={d} len={len(d)}")
    text = f"{d}"
    d[99] = 1.0
    return text


def changed_in_a_branch(n):
    d = {0: 0}
    if n > 2:
        d[1] = n
    return d


def merged_by_an_if(n):
    if n > 2:
        d = {1: 1.5}
    else:
        d = {}
    return d


def carried_by_a_loop(n):
    d = {}
    for i in range(n):
        d = {i: d.get(i - 1, 0) + i}
    return d


def numpy_values(a):
    d = {}
    for i in range(len(a)):
        d[i] = a[i]
    return d


def float_keys(a):
    d = {}
    for x in a:
        d[float(x)] = True
    return d


def nested_lists_as_values(n):
    d = {}
    for i in range(n):
        lst = d.get(i % 2, [0])
        d[i % 2] = lst + [i]
    return d


def read_then_changed_in_a_loop(n):
    d = {0: 0}
    total = 0
    for i in range(n):
        total += len(d)
        d[i + 1] = i
    return total, d


def empty_returned(n):
    d = {}
    return d, n


def python_dict_looked_up_by_a_run_time_key(x):
    table = {1: 2, 3: 4}
    return table[x], table.get(x, 0), x in table


def stored_by_a_run_time_key_at_the_top_level(x):
    d = {"fixed": 0}
    d[str(x)] = x
    d[str(x)] += 1
    return d, d.get("fixed", -1)


def tuple_keys(n):
    d = {}
    for i in range(n):
        d[(i, i % 2)] = i * 0.5
    total = 0.0
    for (i, j), v in d.items():
        total += i * j * v
    firsts = []
    for key in d:
        firsts.append(key[0])
    return d, total, firsts, d[(1, 1)] if n > 1 else 0.0, d.get((0, 1), -1.0), (2, 0) in d


def tuple_keys_with_strings(n):
    d = {("k", 0): 0}
    for i in range(n):
        d[("k", i % 2)] = d.get(("k", i % 2), 0) + 1
    return d


def sorted_tuple_keys(n):
    d = {((i * 5) % 3, (i, "x")): i for i in range(n)}
    return sorted(d), list(d.items()), sorted(d.items()), max(d) if d else None


def arrays_filled_by_a_loop_over_a_display(a):
    out = {}
    for name, scale in (("x", 2.0), ("y", 3.0)):
        out[name] = a * scale
    return out["x"] + out["y"]


def popitem_and_merge(n):
    d = {i: i * 0.5 for i in range(n)}
    last = d.popitem() if d else (-1, -1.0)
    e = {n: 1.5}
    alias = d
    merged = d | e
    d |= {100: 2.5}
    return last, merged, alias, d


def popitem_of_empty(n):
    d = {i: i for i in range(n)}
    d.clear()
    return d.popitem()


def views_as_values(n):
    d = {i: i * 2 for i in range(n)}
    print(d.keys(), d.values(), d.items())
    text = f"{d.keys()} {d.items()!r}"
    return text, d.keys() == {0, 1}, d.items() != {(0, 0)}, d.values() == d.values(), 2 in d.values(), \
        (1, 2) in d.items(), (1, 3) in d.items(), d.values()


def python_dict_of_run_time_values_printed(x):
    d = {"x": x * 1.0, "half": x / 2}
    print(d, (d, 1))
    return f"{d}"


def constructors(a):
    pairs = []
    for i in range(len(a)):
        pairs.append((i, float(a[i])))
    return dict(zip(range(len(a)), a)), dict(pairs), dict(x=len(a), y=2), dict.fromkeys(range(len(a)), 0.5), \
        dict.fromkeys(("u", "v"), len(a))


TABLE = {1: 10.0, 3: 30.0}


def global_table_looked_up_in_a_loop(a):
    total = 0.0
    for x in a:
        if x in TABLE:
            total += TABLE[x] + TABLE.get(x + 1, 0.5)
    return total


def changed_by_a_nested_function(n):
    d = {}

    def add(k):
        d[k] = k * k

    for i in range(n):
        add(i)
    return d


def comprehension_with_a_run_time_condition(x):
    return {k: k * 2 for k in (1, 2, 3) if k > x}


def grouped(a):
    groups = {}
    for i in range(len(a)):
        k = int(a[i]) % 2
        if k not in groups:
            groups[k] = [i]
        else:
            groups[k].append(i)
    total = 0
    for k, members in groups.items():
        total += k * len(members) + members[0]
    return groups, total


def enumerated(n):
    d = {i * 3: i * 0.5 for i in range(n)}
    out = []
    for i, (key, value) in enumerate(d.items()):
        out.append(i * key + value)
    count = 0
    for i, key in enumerate(d, 1):
        count += i
        if i > 2:
            break
    return out, count


def deleted_items(x):
    d = {i: i * 2 for i in range(5)}
    for i in range(0, 5, 2):
        del d[i]
    e = {"a": 1, "b": 2}
    del e["a"]
    f = {1: 1.0, 2: 2.0}
    g = {1: 1.0, 2: 2.0}
    del f[x], g[x + 1 - 2 * (x > 1)]
    lst = [1, 2, 3]
    for i in range(x):
        del lst[0]
    return d, e, f, g, lst


def deleted_missing(x):
    d = {i: i for i in range(3)}
    del d[x]
    return d


def read_before_the_first_store(n):
    """The read's branch comes first in the loop's body: the loop is traced again with the
    dict typed by the store in the other branch."""
    groups = {}
    for i in range(n):
        if i % 2 in groups:
            groups[i % 2].append(i)
        else:
            groups[i % 2] = [i]
    return groups


def values_of_no_type(n):
    d = {}
    return d[n]


def empty_argument_read(d):
    total = 0
    for key, value in d.items():
        total += key * value
    return total, d.get(3), d.popitem()


def get_before_the_store(n):
    d = {}
    out = []
    for i in range(n):
        v = d.get(i - 1)
        if v is not None:
            out.append(v)
        d[i] = i * 10
    return out


def popitem_in_the_loop_that_fills_it(n):
    d = {}
    for i in range(n):
        if d:
            key, value = d.popitem()
            d[key + 1] = value * 2.0
        else:
            d[i] = 1.5
    return d


def grouped_by_setdefault(n):
    """Lists stored empty as values, filled through what a read gives: the dict's values take
    the type the lists take (the loop is traced again with it)."""
    groups = {}
    for i in range(n):
        groups.setdefault(i % 3, []).append(i * 0.5)
    return groups


def grouped_into_lists_stored_empty(n):
    groups = {}
    for i in range(n):
        if i % 2 not in groups:
            groups[i % 2] = []
        groups[i % 2].append(i)
    total = 0
    for key, values in groups.items():
        total += sum(values) * key
    return groups, total


def arrays_as_values(n):
    """A dict of arrays holds the arrays themselves (written through it, seen in it)."""
    d = {}
    for i in range(n):
        d[i % 2] = np.zeros(3) + i
    total = 0.0
    for key, value in d.items():
        total += float(value.sum()) * key
    d[0][1] = 7.0
    return d, total, float(d.get(5, np.ones(3)).sum()), d.pop(0)
