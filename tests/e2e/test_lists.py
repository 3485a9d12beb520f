"""Lists in compiled code (``frontend.lists``) against CPython: what each function returns
(and prints, and raises) is CPython's, item types included."""
import numpy as np
import pytest

from compiler import compile
from ir import TypingError

from . import list_kernels as k

A = np.array([0.5, 2.0, 3.5, 1.0])
B = np.array([1.0, -1.0, 2.0, 4.0])

CASES = [
    (k.sieve, [(30,), (2,), (1,)]),
    (k.squares, [(5,), (0,)]),
    (k.filtered, [(7,), (1,)]),
    (k.over_an_array, [(A,), (A[:0],)]),
    (k.over_zip_and_enumerate, [(A, B), (A, B[:2])]),
    (k.over_a_list, [(4,), (0,)]),
    (k.nested, [(4,), (0,)]),
    (k.methods, [(3,), (0,)]),
    (k.sort_with_key, [(7,), (0,)]),
    (k.indexing, [(6,)]),
    (k.slice_assignment, [(6,), (3,)]),
    (k.operators, [(4,), (0,)]),
    (k.reductions, [(9,)]),
    (k.aliasing, [(3,), (0,)]),
    (k.grows_while_iterating, [(20,), (1,)]),
    (k.shrinks_while_iterating, [(6,), (2,)]),
    (k.elements_of_an_array, [(A,)]),   # empty: sum() is 0.0, not the int 0 (see frontend.lists)
    (k.empty_or_not, [(1,), (3,)]),
    (k.carried_by_a_loop, [(4,), (0,)]),
    (k.strings, [(3,), (0,)]),
    (k.truth, [(2,), (0,)]),
    (k.printed, [(3,), (0,)]),
    (k.index_out_of_range, [(3,)]),
    (k.pop_from_empty, [(2,)]),
    (k.remove_missing, [(2,)]),
    (k.extend_with_run_time_sequences, [(A, 3), (A[:0], 0)]),
    (k.to_array, [(4,), (0,)]),
    (k.read_then_changed_in_a_loop, [(5,), (0,)]),
    (k.changed_through_an_alias_before_the_loop, [(4,)]),
    (k.passed_to_a_function_that_changes_it, [(3,), (0,)]),
    (k.pairs_sorted_by_key, [(np.array([3.0, 1.0, 2.0, 1.0]),), (np.zeros(0),)]),
    (k.tuples_with_strings, [(4,), (0,)]),
    (k.made_and_changed_after_a_return, [(7,), (2,)]),
    (k.extremes_of_a_list_made_while_compiling, [(3,), (1,)]),
    (k.extreme_of_one_item, [(2,)]),
    (k.read_in_a_loop_before_the_store, [(4,), (0,)]),
    (k.read_of_an_empty_comprehension, [(3,)]),
    (k.stored_only_after_a_raise, [(2,)]),
    (k.last_item_doubled, [(5,), (0,)]),
    (k.arrays_appended, [(3,), (0,)]),
    (k.arrays_of_a_comprehension, [(3,)]),
    (k.views_of_one_array, [(3,)]),
    (k.arrays_popped_and_inserted, [(3,), (0,)]),
    (k.nested_lists_of_arrays, [(3,)]),
    (k.tuple_of_a_list, [(4,), (0,)]),
    (k.tuple_operations, [(3,), (1,)]),
    (k.tuple_index_out_of_range, [(2,)]),
    (k.tuple_item_assignment, [(3,)]),
    (k.tuples_of_ranges_and_arrays, [(3, A), (0, A[:0])]),
    (k.tuples_in_a_list, [(4,)]),
    (k.unpacked, [(2,), (3,), (1,)]),
    (k.truth_of_a_list_and_an_item, [(3,), (0,)]),
    (k.reversed_lists, [(6,), (0,), (2,)]),
    (k.python_list_indexed_at_run_time, [(3, A), (-2, A), (5, A[:1])]),
    (k.sorted_displays_of_elements, [(np.array([3.0, -1.0, 2.5]),), (np.array([np.nan, 1.0, -0.0]),)]),
]
PARAMS = [pytest.param(fn, args, id=f"{fn.__name__}{i}") for fn, arg_list in CASES
          for i, args in enumerate(arg_list)]


def returned(value):
    """A result as the compiled function's is: an ``int64``, ``float64`` or ``bool`` NumPy scalar
    returned (alone or in a tuple) comes back as a Python number (see the README); items of lists
    are the objects CPython holds."""
    if isinstance(value, tuple):
        return tuple(returned(v) for v in value)
    if isinstance(value, (np.int64, np.float64, np.bool_)):
        return value.item()
    return value


def outcome(fn, args, capsys):
    """(repr of the result or the exception, printed text)."""
    try:
        result = repr(returned(fn(*args)))
    except Exception as err:  # noqa: BLE001 -- what is raised is part of the outcome
        result = f"{type(err).__name__}: {err}"
    return result, capsys.readouterr().out


@pytest.mark.parametrize("fn, args", PARAMS)
def test_as_cpython(fn, args, capsys):
    assert outcome(compile(fn), args, capsys) == outcome(fn, args, capsys)


ARGUMENTS = [
    (k.total_of, ([1.0, 2.5, -3.0],)), (k.total_of, ([np.float32(1.5), np.float32(2)],)),
    (k.total_of, ([True, False, True],)), (k.extended, ([5, 6], 3)), (k.extended, ([7], 0)),
    (k.row_sums, ([[1, 2], [], [3]],)), (k.echoed, (["a", "bc"],)), (k.sum_of, ([],)), (k.first_of, ([],)),
]


@pytest.mark.parametrize("fn, args", ARGUMENTS, ids=[f"{fn.__name__}{i}" for i, (fn, _) in enumerate(ARGUMENTS)])
def test_list_arguments_as_cpython(fn, args, capsys):
    """A list passed in is the caller's list: what compiled code changes in it, the caller sees."""
    copies = [[list(a) if isinstance(a, list) else a for a in args] for _ in range(2)]
    assert outcome(compile(fn), copies[0], capsys) == outcome(fn, copies[1], capsys)
    assert repr(copies[0]) == repr(copies[1])


def test_a_list_argument_is_the_callers_object():
    import sys

    items = [1, 2]
    echo = compile(k.echoed)
    assert echo(items) is items
    before = sys.getrefcount(items)
    for _ in range(1000):
        echo(items)
    assert sys.getrefcount(items) == before


def test_a_list_argument_of_mixed_items_is_refused_with_their_types():
    with pytest.raises(TypeError, match=r"argument 'lst' has unsupported type list \(its items have types float, "
                                        r"int: a list whose items have one type is accepted\)"):
        compile(k.total_of)([1, 2.0])


def test_a_list_built_at_run_time_is_a_list_value_in_the_ir():
    f = compile(k.sieve)
    f(10)
    assert "-> list<i64>" in f.inspect_ir()


def test_items_of_another_type_are_refused():
    def mixed(n):
        lst = [0.5]
        for i in range(n):
            lst.append(i)
        return lst

    with pytest.raises(TypingError, match="holds float items; storing a int"):
        compile(mixed)(3)


def test_a_list_changed_through_a_name_made_in_the_loop_that_read_it_is_refused():
    from ir import UnsupportedError

    def alias_in_loop(n):
        a = [0]
        s = 0
        for i in range(n):
            s += len(a)
            b = a
            b.append(i)
        return s

    with pytest.raises(UnsupportedError, match="inside a loop that reads it before"):
        compile(alias_in_loop)(3)


def test_a_million_calls_keep_memory_flat():
    import resource

    f = compile(k.squares)
    f(50)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(200_000):
        f(50)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown < 20_000, f"max RSS grew by {grown} KiB"


def test_a_tuple_of_a_run_time_list_is_a_vtuple_in_the_ir():
    f = compile(k.tuple_of_a_list)
    f(3)
    assert "vtuple<i64>" in f.inspect_ir()


def test_a_tuple_of_run_time_length_is_no_dict_key():
    from ir import UnsupportedError

    def keyed(n):
        return {tuple([i for i in range(n)]): 1}

    with pytest.raises(UnsupportedError, match="tuple of run-time length"):
        compile(keyed)(2)


GLOBAL_ITEMS = [1, 2]


def appends_to_a_global(n):
    items = GLOBAL_ITEMS
    for i in range(n):
        items.append(i)
    return len(items)


def test_a_global_list_changed_in_a_loop_is_refused_and_left_as_it_is():
    """It exists outside the compiled function: a run-time copy would have been changed."""
    from ir import UnsupportedError

    with pytest.raises(UnsupportedError, match="exists outside the compiled function"):
        compile(appends_to_a_global)(3)
    assert GLOBAL_ITEMS == [1, 2]


def test_a_list_of_no_item_type_read_where_later_code_may_fill_it_is_cpythons():
    """From the fuzzer: the while loop's first iterations run while compiling, where the
    comprehension's condition is false (an empty list of no item type), then at run time;
    its sum was an internal VerificationError, then refused naming the line, now CPython's."""
    assert compile(k.empty_in_the_first_iterations)(5) == k.empty_in_the_first_iterations(5)


def test_an_empty_list_read_through_a_second_name_that_holds_items_raises_not_guesses():
    """``f(a, a)`` of an empty list: compiled code sees two lists of no item type and reads
    ``a`` as empty; where the store through ``b`` gave it an item, the read raises naming
    what to do (never an item read as a wrong type)."""
    shared = []
    with pytest.raises(RuntimeError, match="read this container as empty"):
        compile(k.first_of_one_after_storing_in_the_other)(shared, shared)


def returns_a_global(n):
    return GLOBAL_ITEMS


def test_a_global_list_returned_is_refused_not_copied():
    """CPython returns the global list itself; compiled code would return a copy."""
    from ir import UnsupportedError

    with pytest.raises(UnsupportedError, match="would pass on a copy of it"):
        compile(returns_a_global)(1)


def test_many_calls_building_lists_of_arrays_keep_memory_flat():
    """Every array a list holds owns a reference of its memory, given back when the list goes."""
    import gc

    from runtime.memory import live_owners

    build, pop = compile(k.arrays_appended), compile(k.arrays_popped_and_inserted)
    build(3), pop(3)
    gc.collect()
    before = live_owners()
    for _ in range(2_000):   # an exact count: one owner kept by any call shows
        build(3), pop(3)
    gc.collect()
    assert live_owners() == before


def test_a_list_of_arrays_returned_holds_the_compiled_arrays_memory():
    _, rows = compile(k.arrays_appended)(2)
    rows[1][0] = 5.0
    assert rows[0].tolist() == [0.0, 7.0, 0.0] and rows[1].tolist() == [5.0, 2.0, 2.0]


def test_np_array_of_an_empty_list_of_arrays_raises_saying_why():
    """NumPy makes a 1-d float64 array of ``[]``; compiled code, typed by the items, cannot."""
    with pytest.raises(ValueError, match="empty list of arrays"):
        compile(k.arrays_of_a_comprehension)(0)


def test_arguments_arrays_stored_in_a_list_are_the_arguments_memory():
    import gc

    a = np.arange(6.0).reshape(3, 2)
    rows = compile(k.rows_of)(a, 3)
    assert all(np.shares_memory(r, a) for r in rows)
    del a
    gc.collect()   # the rows keep the argument's memory alive
    assert [r.tolist() for r in rows] == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]
    b, c = np.zeros(2), np.zeros(2)
    got, want = compile(k.appends_the_argument)(b), k.appends_the_argument(c)
    assert repr(got) == repr(want) and b.tolist() == c.tolist() == [5.0, 0.0]


def test_a_list_argument_of_arrays_is_read_and_changed_as_cpython_does():
    def arrays():
        return [np.ones(2), np.arange(2.0)]

    assert compile(k.total_of_arrays)(arrays()) == k.total_of_arrays(arrays())
    mine, theirs = arrays(), arrays()
    assert compile(k.grown_from_the_last)(mine, 2) == k.grown_from_the_last(theirs, 2)
    assert repr(mine) == repr(theirs)


def test_a_list_argument_of_arrays_of_two_shapes_is_refused_naming_them():
    with pytest.raises(TypeError, match="its items are arrays: 1-d float64, 2-d float64"):
        compile(k.total_of_arrays)([np.ones(3), np.ones((2, 2))])


def test_an_array_of_a_global_stored_in_a_list_is_refused_saying_to_store_a_copy():
    from ir import UnsupportedError

    with pytest.raises(UnsupportedError, match="store a copy"):
        compile(k.stores_a_global_array)(2)


def test_np_array_of_an_empty_int_list_raises_saying_why():
    """NumPy makes a float64 array of ``[]``; compiled code, typed by the int items, cannot."""
    def ints(n):
        return np.array([i for i in range(n)])

    assert compile(ints)(3).tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match="empty list is a float64 array"):
        compile(ints)(0)


def test_tuples_of_numbers_in_a_list_are_read_in_place():
    f = compile(k.pairs_sorted_by_key)
    f(np.array([3.0, 1.0, 2.0, 1.0]))
    assert "list.get" in f.inspect_ir()


def test_lists_assigned_together_change_in_loops_as_cpythons_do():
    def together(n):
        evens, odds = [], []
        for i in range(n):
            if i % 2 == 0:
                evens.append(i)
            else:
                odds.append(i * 1.5)
        evens, odds = odds, evens   # swapped: both values are read before either name is bound
        return len(evens), len(odds), evens[-1] if evens else 0.0

    assert compile(together)(7) == together(7) and compile(together)(0) == together(0)
