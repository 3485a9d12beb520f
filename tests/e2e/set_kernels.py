"""Functions that make, change and return sets, compiled by ``test_sets`` and compared with
CPython (each returns what it built, so that element types and order are compared too)."""


def remainders(n):
    s = set()
    for i in range(n):
        s.add(i % 3)
    return s


def of_an_array(a):
    seen = set()
    for x in a:
        seen.add(x)
    return seen, len(seen)


def display_with_run_time_elements(x, y):
    s = {x, y, 1}
    return s, len(s)


def display_of_constants(n):
    s = {5, 1, 3}
    for i in range(n):
        s.add(i)
    return s


def comprehension(n):
    return {i * i % 7 for i in range(n)}, {i for i in range(n) if i % 2}


def comprehension_over_an_array(a):
    return {x * 2 for x in a}


def membership(n):
    s = {i * 3 for i in range(n)}
    return 3 in s, 4 in s, 4 not in s, 3.0 in s


def discard_and_remove(n):
    s = set(range(n)) if n < 0 else {i for i in range(n)}
    s.discard(1)
    s.discard(100)
    s.remove(0)
    return s


def remove_missing(n):
    s = {i for i in range(n)}
    s.remove(n)
    return s


def pop_all(n):
    s = {i for i in range(n)}
    out = []
    while s:
        out.append(s.pop())
    return out


def pop_from_empty(n):
    s = {i for i in range(n)}
    s.pop()
    return s.pop()


def operators(n):
    a = {i for i in range(n)}
    b = {i for i in range(2, n + 2)}
    return a | b, a & b, a - b, a ^ b, a <= b, a < a | b, a >= b, a > b, a == b, a != b


def methods(n):
    a = {i for i in range(n)}
    b = {i * 2 for i in range(n)}
    c = a.copy()
    c.update(b)
    return a.union(b), a.intersection(b), a.difference(b), a.symmetric_difference(b), a.issubset(c), \
        c.issuperset(b), a.isdisjoint(b), c


def iteration(n):
    s = {i * 7 % 5 for i in range(n)}
    total = 0
    for x in s:
        total += x
    return total, sorted(s), list(s), max(s) if s else -1, sum(s)


def grows_while_iterating(n):
    s = {0}
    for x in s:
        s.add(x + n + 1)
    return s


def aliasing(n):
    s = set()
    t = s
    for i in range(n):
        t.add(i)
    return s, len(s)


def truth(n):
    s = {i for i in range(n)}
    return "empty" if not s else "full", bool(s)


def strings(n):
    s = set()
    for i in range(n):
        s.add(f"w{i % 2}")
    return len(s), "w0" in s


def floats(a):
    s = set()
    for x in a:
        s.add(float(x))
    return s


def clear(n):
    s = {i for i in range(n)}
    s.clear()
    return s


def printed(n):
    s = {i for i in range(n)}
    print(s, len(s))
    text = f"{s}"
    s.add(99)
    return text


def merged_by_an_if(n):
    if n > 2:
        s = {1, 2}
    else:
        s = set()
    return s


def set_of_a_list(n):
    lst = []
    for i in range(n):
        lst.append(i % 3)
    return set(lst)


def added_by_a_run_time_element_at_the_top_level(x):
    s = {0}
    s.add(x)
    return s, x in s, (x + 1) in s


def visited_cells(n):
    seen = set()
    for i in range(n):
        for j in range(n):
            if (i * j) % 3 == 0:
                seen.add((i, j))
    return seen, (1, 0) in seen, (1, 1) in seen, len(seen)


def pop_of_tuples(n):
    s = {(i, i * 0.5) for i in range(n)}
    return s.pop(), s


def in_place_operators(n):
    s = {i for i in range(n)}
    alias = s
    s |= {10, 11}
    s -= {0}
    t = {i for i in range(2 * n)}
    t &= s
    u = {1, 2}
    same = u
    u ^= s
    return alias, s, t, same, u


def in_place_in_a_loop(n):
    seen = {0}
    alias = seen
    for i in range(n):
        seen |= {i * 2}
    return alias


def update_methods(n):
    a = {i for i in range(n)}
    b = {i for i in range(0, 2 * n, 2)}
    c = a.copy()
    c.intersection_update(b)
    d = a.copy()
    d.difference_update(b)
    e = a.copy()
    e.symmetric_difference_update(b)
    return c, d, e


def in_a_display_in_a_loop(a):
    count = 0
    for x in a:
        if x in {1, 3}:
            count += 1
    return count


def enumerated(n):
    s = {i % 4 for i in range(n)}
    total = 0
    for j, x in enumerate(s, 1):
        total += j * x
    return total


def changed_after_an_early_return(p):
    """Made and changed after a run-time ``return``: once per run of what follows it, as in
    CPython (fuzzer: mixed-s51-172 was refused as a change inside a run-time branch)."""
    if p > 2:
        return 0
    s = set({1: 2, 3: 4, 5: 6})
    s.discard(3)
    s.add(7)
    d = {1: 2}
    d[5] = 6
    out = [1]
    out.append(2)
    return sum(sorted(s)) + sum(d) + len(out)
