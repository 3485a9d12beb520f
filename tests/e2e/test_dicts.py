"""Dicts in compiled code (``frontend.hashed``, ``frontend.dicts``) against CPython: what each
function returns (and prints, and raises) is CPython's, key and value types and order included."""
import numpy as np
import pytest

from compiler import compile
from ir import TypingError, UnsupportedError
from ir.parser import parse_type_text
from ir.types import DictType, IteratorType, ViewType, i64, str_

from . import dict_kernels as k
from .test_lists import outcome

INTS = np.array([3, 1, 3, 2, 1, 3])
FLOATS = np.array([0.5, 2.0, 0.5, 1.0])

CASES = [
    (k.word_count, [(INTS,), (INTS[:0],)]),
    (k.word_count_of_ints, [(INTS,), (INTS[:0],)]),
    (k.squares, [(4,), (0,)]),
    (k.filtered_comprehension, [(7,), (1,)]),
    (k.comprehension_over_an_array, [(FLOATS,), (FLOATS[:0],)]),
    (k.display_with_run_time_keys, [(1, 2), (2, 2)]),
    (k.display_of_constants, [(3,), (0,)]),
    (k.lookups, [(3,), (0,)]),
    (k.get_without_default, [(3,), (0,)]),
    (k.missing_key, [(3,), (0,)]),
    (k.missing_string_key, [(2,)]),
    (k.setdefault_and_pop, [(5,), (0,)]),
    (k.pop_missing, [(2,)]),
    (k.iterate_keys_values_items, [(4,), (0,)]),
    (k.for_with_break, [(10,), (1,)]),
    (k.grows_while_iterating, [(2,)]),
    (k.shrinks_while_iterating, [(3,), (0,)]),
    (k.same_size_while_iterating, [(3,), (0,)]),
    (k.methods, [(3,), (0,)]),
    (k.aliasing, [(3,), (0,)]),
    (k.truth_and_equality, [(1,), (0,), (2,)]),
    (k.keys_of_views, [(4,), (0,)]),
    (k.max_of_values, [(6,), (0,)]),
    (k.string_keys, [(5,), (0,)]),
    (k.string_key_argument, [("ab",)]),
    (k.printed, [(3,), (0,)]),
    (k.changed_in_a_branch, [(3,), (1,)]),
    (k.merged_by_an_if, [(3,), (1,)]),
    (k.carried_by_a_loop, [(3,), (0,)]),
    (k.numpy_values, [(FLOATS,), (FLOATS[:0],)]),
    (k.float_keys, [(FLOATS,)]),
    (k.nested_lists_as_values, [(4,), (0,)]),
    (k.read_then_changed_in_a_loop, [(3,), (0,)]),
    (k.empty_returned, [(1,)]),
    (k.python_dict_looked_up_by_a_run_time_key, [(1,), (3,), (2,)]),
    (k.stored_by_a_run_time_key_at_the_top_level, [(3,), (-1,)]),
    (k.tuple_keys, [(4,), (0,)]),
    (k.tuple_keys_with_strings, [(3,), (0,)]),
    (k.sorted_tuple_keys, [(4,), (0,)]),
    (k.arrays_filled_by_a_loop_over_a_display, [(FLOATS,)]),   # a Python dict while compiling
    (k.popitem_and_merge, [(3,), (0,)]),
    (k.popitem_of_empty, [(2,)]),
    (k.views_as_values, [(2,), (0,)]),
    (k.python_dict_of_run_time_values_printed, [(3,)]),
    (k.constructors, [(FLOATS,), (FLOATS[:0],)]),
    (k.global_table_looked_up_in_a_loop, [(INTS,)]),
    (k.changed_by_a_nested_function, [(3,), (0,)]),
    (k.comprehension_with_a_run_time_condition, [(1,), (5,)]),
    (k.grouped, [(INTS,), (INTS[:0],)]),
    (k.enumerated, [(5,), (0,)]),
    (k.deleted_items, [(1,), (2,)]),
    (k.deleted_missing, [(1,), (5,)]),
    (k.read_before_the_first_store, [(5,), (0,)]),
    (k.values_of_no_type, [(1,)]),
    (k.empty_argument_read, [({},)]),
    (k.get_before_the_store, [(4,)]),
    (k.popitem_in_the_loop_that_fills_it, [(5,), (0,)]),
    (k.grouped_by_setdefault, [(7,), (0,)]),
    (k.grouped_into_lists_stored_empty, [(5,), (1,)]),
    (k.arrays_as_values, [(3,), (1,)]),
]
PARAMS = [pytest.param(fn, args, opt, id=f"{fn.__name__}{i}-O{opt}") for fn, arg_list in CASES
          for i, args in enumerate(arg_list) for opt in (0, 3)]


@pytest.mark.parametrize("fn, args, opt", PARAMS)
def test_as_cpython(fn, args, opt, capsys):
    assert outcome(compile(fn, opt=opt), args, capsys) == outcome(fn, args, capsys)


def test_a_key_error_is_raised_from_the_line_that_looks_it_up():
    import traceback

    with pytest.raises(KeyError) as info:
        compile(k.missing_key)(2)
    last = traceback.extract_tb(info.value.__traceback__)[-1]
    assert last.filename == k.__file__ and last.line == "return d[n]"


def test_a_change_of_size_while_iterating_is_raised_at_the_for_line():
    import traceback

    with pytest.raises(RuntimeError, match="dictionary changed size during iteration") as info:
        compile(k.grows_while_iterating)(1)
    assert traceback.extract_tb(info.value.__traceback__)[-1].line == "for k in d:"


def test_the_word_count_is_a_dict_of_numpy_keys_in_the_ir():
    f = compile(k.word_count)
    f(INTS)
    assert "dict<np.i64, i64>" in f.inspect_ir()


@pytest.mark.parametrize("fn, args", [(k.word_count, (INTS,)), (k.iterate_keys_values_items, (3,)),
                                      (k.views_as_values, (2,)), (k.tuple_keys, (3,))])
def test_the_ir_prints_and_parses_back(fn, args, capsys):
    from ir.parser import parse_module
    from ir.printer import print_module

    f = compile(fn, opt=0)
    f(*args)
    text = f.inspect_ir()
    assert print_module(parse_module(text)) == text


@pytest.mark.parametrize("text, t", [
    ("dict<?, ?>", DictType(None, None)),
    ("dict<np.i64, i64>", DictType(i64, i64, key_numpy=True)),
    ("dict<str, list<f64>>", DictType(str_, parse_type_text("list<f64>"))),
    ("iterator", IteratorType()),
    ("view", ViewType()),
])
def test_types_print_and_parse(text, t):
    assert parse_type_text(text) == t and str(t) == text


def mixed_values(n):
    d = {0: 0.5}
    for i in range(n):
        d[i] = i
    return d


def mixed_keys(n):
    d = {}
    for i in range(n):
        d[i] = 1
        d[i * 0.5] = 2
    return d


def list_as_key(n):
    d = {}
    for i in range(n):
        d[[i]] = 1
    return d


def numpy_scalar_in_a_tuple_key(a):
    d = {}
    for i in range(len(a)):
        d[(i, a[i])] = 1
    return d



def array_as_key(a):
    d = {}
    d[a] = 1
    return d


def default_of_another_type(n):
    d = {}
    for i in range(n):
        d[i] = i * 0.5
    return d.get(n, 0)


def setdefault_without_default(n):
    d = {}
    for i in range(n):
        d.setdefault(i)
    return d


def zipped(n):
    d = {i: i for i in range(n)}
    out = 0
    for i, key in zip(range(n), d):
        out += i * key
    return out


def list_of_numpy_items(a):
    d = {x: 1 for x in a}
    return list(d.items())


def truth_of_a_view(n):
    d = {i: i for i in range(n)}
    return 1 if d.keys() else 0


def set_operation_of_a_view(n):
    d = {i: i for i in range(n)}
    return d.keys() & {1}


def pairs_of_three(a):
    return dict(zip(a, a, a))


GLOBAL = {}


def global_changed_in_a_loop(n):
    d = GLOBAL
    for i in range(n):
        d[i] = i
    return len(d)


def global_changed_at_the_top_level(x):
    GLOBAL[1] = x
    return x


def deleted_name(n):
    d = {i: i for i in range(n)}
    del d
    return n


def unknown_method(n):
    d = {i: i for i in range(n)}
    return d.nothing()


@pytest.mark.parametrize("fn, args, error, message", [
    (mixed_values, (3,), TypingError, "this dict's values are float, not int"),
    (mixed_keys, (3,), TypingError, "this dict's keys are int, not float"),
    (list_as_key, (2,), TypingError, "unhashable type: 'list'"),
    (numpy_scalar_in_a_tuple_key, (INTS,), UnsupportedError, "a tuple key holding a value of type i64"),
    (array_as_key, (np.ones(2),), TypingError, "unhashable type: 'numpy.ndarray'"),
    (default_of_another_type, (2,), TypingError, "the default is a int"),
    (setdefault_without_default, (2,), UnsupportedError, "without a default stores None"),
    (zipped, (3,), UnsupportedError, "zip\\(\\) of a dict<i64, i64>"),
    (list_of_numpy_items, (INTS,), UnsupportedError, "a list of the items of a dict of NumPy scalars"),
    (truth_of_a_view, (3,), UnsupportedError, "the truth value of d.keys\\(\\)"),
    (set_operation_of_a_view, (3,), UnsupportedError, "set operations of dict views"),
    (pairs_of_three, (FLOATS,), TypingError, "dictionary update sequence element #0 has length 3; 2 is required"),
    (global_changed_in_a_loop, (3,), UnsupportedError, "exists outside the compiled function"),
    (global_changed_at_the_top_level, (3,), UnsupportedError, "exists outside the compiled function"),
    (deleted_name, (3,), UnsupportedError, "del is not supported"),
    (unknown_method, (3,), TypingError, "dict<i64, i64> has no attribute 'nothing'"),
])
def test_what_compiled_code_does_not_hold_is_refused_naming_the_line(fn, args, error, message):
    with pytest.raises(error, match=message) as info:
        compile(fn)(*args)
    assert "test_dicts.py:" in str(info.value)


def test_many_calls_building_dicts_keep_memory_flat():
    import resource

    count, iterate = compile(k.word_count_of_ints), compile(k.iterate_keys_values_items)
    a = np.arange(50) % 7
    count(a), iterate(20)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(50_000):
        count(a), iterate(20)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown < 10_000, f"max RSS grew by {grown} KiB"   # 200 bytes a call


def _count_into(d, n):
    for i in range(n):
        d[i % 3] = d.get(i % 3, 0) + 1
    return len(d)


def passes_an_empty_dict_to_a_function_that_fills_it(n):
    d = {}
    m = _count_into(d, n)
    return d, m


def test_an_empty_dict_filled_by_the_function_it_is_passed_to():
    """The callee gives the dict its key and value types; the caller's argument keeps its own
    (an internal error before: the call's argument types did not match the callee's)."""
    for n in (7, 0):
        assert compile(passes_an_empty_dict_to_a_function_that_fills_it)(n) == \
            passes_an_empty_dict_to_a_function_that_fills_it(n)
