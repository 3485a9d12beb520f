"""Sets in compiled code (``frontend.hashed``, ``frontend.sets``) against CPython: what each
function returns (and prints, and raises) is CPython's, element types and order included."""
import numpy as np
import pytest

from compiler import compile
from ir import TypingError, UnsupportedError
from ir.parser import parse_type_text
from ir.types import SetType, f32, str_

from . import set_kernels as k
from .test_lists import outcome

INTS = np.array([3, 1, 3, 2, 1, 3])
FLOATS = np.array([0.5, 2.0, 0.5, 1.0])

CASES = [
    (k.remainders, [(5,), (0,)]),
    (k.of_an_array, [(INTS,), (INTS[:0],)]),
    (k.display_with_run_time_elements, [(1, 2), (3, 3)]),
    (k.display_of_constants, [(4,), (0,)]),
    (k.comprehension, [(9,), (0,)]),
    (k.comprehension_over_an_array, [(FLOATS,)]),
    (k.membership, [(3,), (0,)]),
    (k.discard_and_remove, [(4,), (1,)]),
    (k.remove_missing, [(2,)]),
    (k.pop_all, [(4,), (0,)]),
    (k.pop_from_empty, [(1,), (2,)]),
    (k.operators, [(4,), (0,)]),
    (k.methods, [(4,), (0,)]),
    (k.iteration, [(6,), (0,)]),
    (k.grows_while_iterating, [(2,)]),
    (k.aliasing, [(3,), (0,)]),
    (k.truth, [(2,), (0,)]),
    (k.strings, [(3,), (0,)]),
    (k.floats, [(FLOATS,)]),
    (k.clear, [(3,)]),
    (k.printed, [(3,), (0,)]),
    (k.merged_by_an_if, [(3,), (1,)]),
    (k.set_of_a_list, [(5,), (0,)]),
    (k.added_by_a_run_time_element_at_the_top_level, [(3,)]),
    (k.visited_cells, [(4,), (0,)]),
    (k.pop_of_tuples, [(3,), (0,)]),
    (k.in_place_operators, [(4,), (0,)]),
    (k.in_place_in_a_loop, [(4,), (0,)]),
    (k.update_methods, [(5,), (0,)]),
    (k.in_a_display_in_a_loop, [(INTS,)]),
    (k.enumerated, [(6,), (0,)]),
    (k.changed_after_an_early_return, [(3,), (1,), (0,)]),
]
PARAMS = [pytest.param(fn, args, opt, id=f"{fn.__name__}{i}-O{opt}") for fn, arg_list in CASES
          for i, args in enumerate(arg_list) for opt in (0, 3)]


@pytest.mark.parametrize("fn, args, opt", PARAMS)
def test_as_cpython(fn, args, opt, capsys):
    assert outcome(compile(fn, opt=opt), args, capsys) == outcome(fn, args, capsys)


def test_a_change_of_size_while_iterating_is_raised_at_the_for_line():
    import traceback

    with pytest.raises(RuntimeError, match="Set changed size during iteration") as info:
        compile(k.grows_while_iterating)(1)
    assert traceback.extract_tb(info.value.__traceback__)[-1].line == "for x in s:"


@pytest.mark.parametrize("text, t", [("set<?>", SetType(None)), ("set<np.f32>", SetType(f32, numpy=True)),
                                     ("set<str>", SetType(str_))])
def test_types_print_and_parse(text, t):
    assert parse_type_text(text) == t and str(t) == text


def mixed(n):
    s = {1}
    for i in range(n):
        s.add(i * 0.5)
    return s


def mixed_operands(n):
    a = {i for i in range(n)}
    b = {i * 0.5 for i in range(n)}
    return a | b


def not_a_set(n):
    s = {i for i in range(n)}
    return s | 1


def a_dict_as_element(n):
    s = set()
    for i in range(n):
        s.add({i: 1})
    return s


SEEN = set()


def global_added_to(x):
    SEEN.add(x)
    return len(SEEN)


def zipped(n):
    s = {i for i in range(n)}
    out = 0
    for a, b in zip(s, s):
        out += a * b
    return out


@pytest.mark.parametrize("fn, args, error, message", [
    (mixed, (3,), TypingError, "this set's elements are int, not float"),
    (mixed_operands, (3,), TypingError, "hold elements of different types"),
    (not_a_set, (2,), TypingError, "unsupported operand type\\(s\\) for \\|: 'set' and 'int'"),
    (a_dict_as_element, (2,), TypingError, "unhashable type: 'dict'"),
    (global_added_to, (3,), UnsupportedError, "exists outside the compiled function"),
    (zipped, (3,), UnsupportedError, "zip\\(\\) of a set<i64>"),
])
def test_what_compiled_code_does_not_hold_is_refused_naming_the_line(fn, args, error, message):
    with pytest.raises(error, match=message) as info:
        compile(fn)(*args)
    assert "test_sets.py:" in str(info.value)


def test_many_calls_building_sets_keep_memory_flat():
    import resource

    f = compile(k.remainders)
    f(50)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(100_000):
        f(50)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown < 20_000, f"max RSS grew by {grown} KiB"
