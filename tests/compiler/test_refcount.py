"""The ``refcount`` pass and the pass registry.

* IR-text tests: parse an input, run the pass, verify, and compare the
  printed IR with the expected text.
* A reference-count simulator: an interpreter of the IR after the pass that
  tracks one count per allocation, fails on a use or a decref of freed
  memory, and checks at the end that every allocation has count 0 except
  the arrays returned (one reference per occurrence in the result) and the
  arrays the caller lent (still the caller's one reference).  A ``raise_if``
  that fires runs its cleanup region and stops the function; a ``call`` whose
  callee stopped runs its own cleanup and stops too; on that error exit
  every allocation must have count 0 except the lent arrays.  It runs on
  hand-written programs, on random structured programs (hypothesis) whose
  random checks may fire, and on sabotaged pass output (every inserted op
  removed in turn must be caught, on the normal path and on error paths).
"""
from __future__ import annotations

import textwrap
from collections import Counter
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ir
from compiler.passes import PASSES, get_pass, register_pass
from compiler.passes.refcount import RefcountError, RefcountPass, array_leaves, contains_array
from ir import Builder, Module, Operation, verify
from ir.ops.arith import AddOp, BinaryOp, CompareOp, ConstantOp, LeOp, LtOp, RaiseIfOp, SelectOp
from ir.ops.array import (
    ArrayAllocOp, ArrayDecrefOp, ArrayDimOp, ArrayIncrefOp, ArrayLoadOp, ArrayStoreOp, ArrayUndefOp,
    ArrayViewOp,
)
from ir.ops.control import ConditionOp, ForOp, IfOp, WhileOp, YieldOp
from ir.ops.func import CallOp, FuncOp, ReturnOp
from ir.ops.tuple import MakeTupleOp, TupleGetOp
from ir.parser import IRParseError, parse_module
from ir.printer import print_module
from ir.types import ArrayType, TupleType, Type, f64, i64


def run_pass(text: str) -> Module:
    module = parse_module(textwrap.dedent(text))
    verify(module)
    RefcountPass().run(module)
    verify(module)
    return module


def check(text: str, expected: str) -> Module:
    module = run_pass(text)
    assert print_module(module) == textwrap.dedent(expected).lstrip("\n")
    return module


# ====================================================================== registry
def test_registry_finds_the_pass():
    assert get_pass("refcount") is RefcountPass
    assert PASSES["refcount"] is RefcountPass
    assert RefcountPass.name == "refcount"


def test_unknown_pass_is_a_value_error_listing_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown pass 'nope'; known passes: .*refcount"):
        get_pass("nope")


def test_register_pass_checks_names():
    class Nameless:
        def run(self, module):
            return False

    with pytest.raises(ValueError, match="non-empty string 'name'"):
        register_pass(Nameless)

    class Clash:
        name = "refcount"

        def run(self, module):
            return False

    with pytest.raises(ValueError, match="already taken by RefcountPass"):
        register_pass(Clash)
    assert PASSES["refcount"] is RefcountPass

    class NoRun:
        name = "test-no-run"

    with pytest.raises(ValueError, match="needs a 'run"):
        register_pass(NoRun)
    assert "test-no-run" not in PASSES


def test_register_pass_adds_and_returns_the_class():
    class Noop:
        name = "test-noop"

        def run(self, module):
            return False

    try:
        assert register_pass(Noop) is Noop
        assert get_pass("test-noop") is Noop
        assert register_pass(Noop) is Noop  # the same class again is fine
    finally:
        PASSES.pop("test-noop", None)


# ====================================================================== IR text
def test_straight_line_alloc_and_return():
    check("""
        func @f(%n: i64) -> array<f64, 1, C> {
          %a = array.alloc %n : array<f64, 1, C>
          return %a
        }
    """, """
        func @f(%n: i64) -> array<f64, 1, C> {
          %a = array.alloc %n : array<f64, 1, C>
          array.incref %a
          array.decref %a
          return %a
        }
    """)


def test_unused_temporary_is_released():
    check("""
        func @f(%n: i64) -> i64 {
          %t = array.alloc %n : array<f64, 1, C>
          return %n
        }
    """, """
        func @f(%n: i64) -> i64 {
          %t = array.alloc %n : array<f64, 1, C>
          array.decref %t
          return %n
        }
    """)


def test_temporary_in_for_body_dies_each_iteration():
    check("""
        func @f(%n: i64) -> i64 {
          %lo = const {value = 0} : i64
          %one = const {value = 1} : i64
          for %lo, %n, %one {
            ^(%i: i64):
            %t = array.alloc %n : array<f64, 1, C>
            %x = const {value = 1.0} : f64
            array.store %t, %i, %x
            yield
          }
          return %n
        }
    """, """
        func @f(%n: i64) -> i64 {
          %lo = const {value = 0} : i64
          %one = const {value = 1} : i64
          for %lo, %n, %one {
            ^(%i: i64):
            %t = array.alloc %n : array<f64, 1, C>
            %x = const {value = 1.0} : f64
            array.store %t, %i, %x
            array.decref %t
            yield
          }
          return %n
        }
    """)


def test_loop_carried_array():
    check("""
        func @f(%n: i64) -> array<f64, 1, C> {
          %lo = const {value = 0} : i64
          %one = const {value = 1} : i64
          %a = array.alloc %n : array<f64, 1, C>
          %r = for %lo, %n, %one, %a : array<f64, 1, C> {
            ^(%i: i64, %acc: array<f64, 1, C>):
            %b = array.alloc %n : array<f64, 1, C>
            yield %b
          }
          return %r
        }
    """, """
        func @f(%n: i64) -> array<f64, 1, C> {
          %lo = const {value = 0} : i64
          %one = const {value = 1} : i64
          %a = array.alloc %n : array<f64, 1, C>
          array.incref %a
          %r = for %lo, %n, %one, %a : array<f64, 1, C> {
            ^(%i: i64, %acc: array<f64, 1, C>):
            %b = array.alloc %n : array<f64, 1, C>
            array.incref %b
            array.decref %acc
            array.decref %b
            yield %b
          }
          array.incref %r
          array.decref %a
          array.decref %r
          return %r
        }
    """)


def test_if_yielding_arrays_from_both_branches():
    check("""
        func @f(%c: bool, %n: i64, %x: array<f64, 1, C>) -> array<f64, 1, C> {
          %r = if %c : array<f64, 1, C> {
            %b = array.alloc %n : array<f64, 1, C>
            yield %b
          } else {
            yield %x
          }
          return %r
        }
    """, """
        func @f(%c: bool, %n: i64, %x: array<f64, 1, C>) -> array<f64, 1, C> {
          %r = if %c : array<f64, 1, C> {
            %b = array.alloc %n : array<f64, 1, C>
            array.incref %b
            array.decref %b
            yield %b
          } else {
            array.incref %x
            yield %x
          }
          array.incref %r
          array.decref %r
          return %r
        }
    """)


def test_while_with_arrays_in_both_regions():
    check("""
        func @f(%n: i64) -> array<f64, 1, C> {
          %zero = const {value = 0} : i64
          %one = const {value = 1} : i64
          %a = array.alloc %n : array<f64, 1, C>
          %k, %r = while %zero, %a : i64, array<f64, 1, C> {
            ^(%k.1: i64, %cur: array<f64, 1, C>):
            %tmp = array.alloc %k.1 : array<f64, 1, C>
            %go = lt %k.1, %n : bool
            condition %go, %k.1, %cur
          } do {
            ^(%k.2: i64, %cur.1: array<f64, 1, C>):
            %next = array.alloc %n : array<f64, 1, C>
            %k.3 = add %k.2, %one : i64
            yield %k.3, %next
          }
          return %r
        }
    """, """
        func @f(%n: i64) -> array<f64, 1, C> {
          %zero = const {value = 0} : i64
          %one = const {value = 1} : i64
          %a = array.alloc %n : array<f64, 1, C>
          array.incref %a
          %k, %r = while %zero, %a : i64, array<f64, 1, C> {
            ^(%k.1: i64, %cur: array<f64, 1, C>):
            %tmp = array.alloc %k.1 : array<f64, 1, C>
            %go = lt %k.1, %n : bool
            array.incref %cur
            array.decref %cur
            array.decref %tmp
            condition %go, %k.1, %cur
          } do {
            ^(%k.2: i64, %cur.1: array<f64, 1, C>):
            %next = array.alloc %n : array<f64, 1, C>
            %k.3 = add %k.2, %one : i64
            array.incref %next
            array.decref %cur.1
            array.decref %next
            yield %k.3, %next
          }
          array.incref %r
          array.decref %a
          array.decref %r
          return %r
        }
    """)


def test_view_of_an_argument_borrows_as_the_argument_does():
    """Views of an argument, also through other views, need no reference: the caller keeps
    the memory for the whole call; returned, the view is handed on with one."""
    check("""
        func @f(%x: array<f64, 2, C>, %i: i64) -> array<f64, 1, A> {
          %row = array.view %x, %i : array<f64, 1, C>
          %v = array.load %row, %i : f64
          %tail = array.subview %row, %i, %i, %i {spec = "s"} : array<f64, 1, A>
          return %tail
        }
    """, """
        func @f(%x: array<f64, 2, C>, %i: i64) -> array<f64, 1, A> {
          %row = array.view %x, %i : array<f64, 1, C>
          %v = array.load %row, %i : f64
          %tail = array.subview %row, %i, %i, %i {spec = "s"} : array<f64, 1, A>
          array.incref %tail
          return %tail
        }
    """)


def test_view_of_an_array_the_function_made_holds_a_reference():
    check("""
        func @f(%n: i64, %i: i64) -> f64 {
          %a = array.alloc %n, %n : array<f64, 2, C>
          %row = array.view %a, %i : array<f64, 1, C>
          %v = array.load %row, %i : f64
          return %v
        }
    """, """
        func @f(%n: i64, %i: i64) -> f64 {
          %a = array.alloc %n, %n : array<f64, 2, C>
          %row = array.view %a, %i : array<f64, 1, C>
          array.incref %row
          %v = array.load %row, %i : f64
          array.decref %a
          array.decref %row
          return %v
        }
    """)


def test_call_returning_an_array():
    check("""
        func @make(%n: i64) -> array<f64, 1, C> {
          %a = array.alloc %n : array<f64, 1, C>
          return %a
        }

        func @f(%n: i64) -> i64 {
          %a = call %n {callee = "make"} : array<f64, 1, C>
          %d = array.dim %a {axis = 0} : i64
          return %d
        }
    """, """
        func @make(%n: i64) -> array<f64, 1, C> {
          %a = array.alloc %n : array<f64, 1, C>
          array.incref %a
          array.decref %a
          return %a
        }

        func @f(%n: i64) -> i64 {
          %a = call %n {callee = "make"} : array<f64, 1, C>
          %d = array.dim %a {axis = 0} : i64
          array.decref %a
          return %d
        }
    """)


def test_call_arguments_are_borrowed():
    check("""
        func @g(%x: array<f64, 1, C>) -> i64 {
          %d = array.dim %x {axis = 0} : i64
          return %d
        }

        func @f(%n: i64) -> i64 {
          %a = array.alloc %n : array<f64, 1, C>
          %d = call %a {callee = "g"} : i64
          return %d
        }
    """, """
        func @g(%x: array<f64, 1, C>) -> i64 {
          %d = array.dim %x {axis = 0} : i64
          return %d
        }

        func @f(%n: i64) -> i64 {
          %a = array.alloc %n : array<f64, 1, C>
          %d = call %a {callee = "g"} : i64 {
            array.decref %a
          }
          array.decref %a
          return %d
        }
    """)


def test_tuple_return_of_two_arrays():
    check("""
        func @f(%n: i64) -> tuple<array<f64, 1, C>, i64, array<f64, 2, C>> {
          %a = array.alloc %n : array<f64, 1, C>
          %b = array.alloc %n, %n : array<f64, 2, C>
          %t = tuple %a, %n, %b : tuple<array<f64, 1, C>, i64, array<f64, 2, C>>
          return %t
        }
    """, """
        func @f(%n: i64) -> tuple<array<f64, 1, C>, i64, array<f64, 2, C>> {
          %a = array.alloc %n : array<f64, 1, C>
          %b = array.alloc %n, %n : array<f64, 2, C>
          %t = tuple %a, %n, %b : tuple<array<f64, 1, C>, i64, array<f64, 2, C>>
          %0 = tuple_get %t {index = 0} : array<f64, 1, C>
          %1 = tuple_get %t {index = 2} : array<f64, 2, C>
          array.incref %0
          array.incref %1
          array.decref %a
          array.decref %b
          return %t
        }
    """)


def test_owned_nested_tuple_is_released_leaf_by_leaf():
    check("""
        func @g(%x: array<f64, 1, C>) -> tuple<i64, tuple<array<f64, 1, C>, array<f64, 1, C>>> {
          %n = array.dim %x {axis = 0} : i64
          %in = tuple %x, %x : tuple<array<f64, 1, C>, array<f64, 1, C>>
          %t = tuple %n, %in : tuple<i64, tuple<array<f64, 1, C>, array<f64, 1, C>>>
          return %t
        }

        func @f(%x: array<f64, 1, C>) -> i64 {
          %t = call %x {callee = "g"} : tuple<i64, tuple<array<f64, 1, C>, array<f64, 1, C>>>
          %n = tuple_get %t {index = 0} : i64
          return %n
        }
    """, """
        func @g(%x: array<f64, 1, C>) -> tuple<i64, tuple<array<f64, 1, C>, array<f64, 1, C>>> {
          %n = array.dim %x {axis = 0} : i64
          %in = tuple %x, %x : tuple<array<f64, 1, C>, array<f64, 1, C>>
          %t = tuple %n, %in : tuple<i64, tuple<array<f64, 1, C>, array<f64, 1, C>>>
          %0 = tuple_get %t {index = 1} : tuple<array<f64, 1, C>, array<f64, 1, C>>
          %1 = tuple_get %0 {index = 0} : array<f64, 1, C>
          %2 = tuple_get %0 {index = 1} : array<f64, 1, C>
          array.incref %1
          array.incref %2
          return %t
        }

        func @f(%x: array<f64, 1, C>) -> i64 {
          %t = call %x {callee = "g"} : tuple<i64, tuple<array<f64, 1, C>, array<f64, 1, C>>>
          %n = tuple_get %t {index = 0} : i64
          %0 = tuple_get %t {index = 1} : tuple<array<f64, 1, C>, array<f64, 1, C>>
          %1 = tuple_get %0 {index = 0} : array<f64, 1, C>
          %2 = tuple_get %0 {index = 1} : array<f64, 1, C>
          array.decref %1
          array.decref %2
          return %n
        }
    """)


def test_function_argument_returned_gets_an_incref_only():
    check("""
        func @f(%x: array<f64, 1, C>) -> array<f64, 1, C> {
          return %x
        }
    """, """
        func @f(%x: array<f64, 1, C>) -> array<f64, 1, C> {
          array.incref %x
          return %x
        }
    """)


def test_undef_placeholder_owns_nothing():
    check("""
        func @f(%c: bool, %n: i64) -> array<f64, 1, C> {
          %r = if %c : array<f64, 1, C> {
            %a = array.alloc %n : array<f64, 1, C>
            yield %a
          } else {
            %u = array.undef : array<f64, 1, C>
            yield %u
          }
          return %r
        }
    """, """
        func @f(%c: bool, %n: i64) -> array<f64, 1, C> {
          %r = if %c : array<f64, 1, C> {
            %a = array.alloc %n : array<f64, 1, C>
            array.incref %a
            array.decref %a
            yield %a
          } else {
            %u = array.undef : array<f64, 1, C>
            array.incref %u
            yield %u
          }
          array.incref %r
          array.decref %r
          return %r
        }
    """)


def test_scalar_code_is_unchanged():
    text = textwrap.dedent("""
        func @f(%n: i64, %c: bool) -> i64 {
          %r = if %c : i64 {
            yield %n
          } else {
            yield %n
          }
          return %r
        }
    """).lstrip("\n")
    module = parse_module(text)
    assert RefcountPass().run(module) is False
    assert print_module(module) == text


# ====================================================================== error paths
BOUNDS = 'exception = "IndexError", message = "index {} is out of bounds for axis 0 with size {}"'


def test_raise_after_an_alloc_releases_it_on_the_error_path():
    check("""
        func @f(%n: i64, %i: i64) -> f64 {
          %bad = ge %i, %n : bool
          raise_if %bad, %i, %n {BOUNDS}
          %a = array.alloc %n : array<f64, 1, C>
          raise_if %bad, %i, %n {BOUNDS}
          %x = array.load %a, %i : f64
          return %x
        }
    """.replace("BOUNDS", BOUNDS), """
        func @f(%n: i64, %i: i64) -> f64 {
          %bad = ge %i, %n : bool
          raise_if %bad, %i, %n {BOUNDS}
          %a = array.alloc %n : array<f64, 1, C>
          raise_if %bad, %i, %n {BOUNDS} {
            array.decref %a
          }
          %x = array.load %a, %i : f64
          array.decref %a
          return %x
        }
    """.replace("BOUNDS", BOUNDS))


def test_raise_in_a_loop_body_releases_the_outer_the_carried_and_the_temporary():
    # %a was handed to the loop (incref'd) but is still owned by the function
    # body until its end; %acc owns the reference handed to the body; %t is
    # the body's temporaries; %v is a view of one (owned once incref'd); the raise
    # after the loop releases the loop's result, not its block arguments.
    check("""
        func @f(%n: i64, %x: array<f64, 2, C>) -> array<f64, 1, C> {
          %lo = const {value = 0} : i64
          %one = const {value = 1} : i64
          %a = array.alloc %n : array<f64, 1, C>
          %r = for %lo, %n, %one, %a : array<f64, 1, C> {
            ^(%i: i64, %acc: array<f64, 1, C>):
            %bad = ge %i, %n : bool
            raise_if %bad, %i, %n {BOUNDS}
            %t = array.alloc %n : array<f64, 1, C>
            %m = array.alloc %n, %n : array<f64, 2, C>
            %v = array.view %m, %i : array<f64, 1, C>
            raise_if %bad, %i, %n {BOUNDS}
            yield %t
          }
          %late = ge %one, %n : bool
          raise_if %late, %one, %n {BOUNDS}
          return %r
        }
    """.replace("BOUNDS", BOUNDS), """
        func @f(%n: i64, %x: array<f64, 2, C>) -> array<f64, 1, C> {
          %lo = const {value = 0} : i64
          %one = const {value = 1} : i64
          %a = array.alloc %n : array<f64, 1, C>
          array.incref %a
          %r = for %lo, %n, %one, %a : array<f64, 1, C> {
            ^(%i: i64, %acc: array<f64, 1, C>):
            %bad = ge %i, %n : bool
            raise_if %bad, %i, %n {BOUNDS} {
              array.decref %a
              array.decref %acc
            }
            %t = array.alloc %n : array<f64, 1, C>
            %m = array.alloc %n, %n : array<f64, 2, C>
            %v = array.view %m, %i : array<f64, 1, C>
            array.incref %v
            raise_if %bad, %i, %n {BOUNDS} {
              array.decref %a
              array.decref %acc
              array.decref %t
              array.decref %m
              array.decref %v
            }
            array.incref %t
            array.decref %acc
            array.decref %t
            array.decref %m
            array.decref %v
            yield %t
          }
          %late = ge %one, %n : bool
          raise_if %late, %one, %n {BOUNDS} {
            array.decref %a
            array.decref %r
          }
          array.incref %r
          array.decref %a
          array.decref %r
          return %r
        }
    """.replace("BOUNDS", BOUNDS))


def test_raise_in_if_and_while_regions():
    check("""
        func @f(%c: bool, %n: i64) -> i64 {
          %zero = const {value = 0} : i64
          %a = array.alloc %n : array<f64, 1, C>
          %r = if %c : array<f64, 1, C> {
            %b = array.alloc %n : array<f64, 1, C>
            raise_if %c {exception = "ValueError", message = "then"}
            yield %b
          } else {
            yield %a
          }
          %k, %w = while %zero, %r : i64, array<f64, 1, C> {
            ^(%k.1: i64, %cur: array<f64, 1, C>):
            %go = lt %k.1, %n : bool
            condition %go, %k.1, %cur
          } do {
            ^(%k.2: i64, %cur.1: array<f64, 1, C>):
            raise_if %c {exception = "ValueError", message = "after"}
            yield %k.2, %cur.1
          }
          return %k
        }
    """, """
        func @f(%c: bool, %n: i64) -> i64 {
          %zero = const {value = 0} : i64
          %a = array.alloc %n : array<f64, 1, C>
          %r = if %c : array<f64, 1, C> {
            %b = array.alloc %n : array<f64, 1, C>
            raise_if %c {exception = "ValueError", message = "then"} {
              array.decref %a
              array.decref %b
            }
            array.incref %b
            array.decref %b
            yield %b
          } else {
            array.incref %a
            yield %a
          }
          array.incref %r
          %k, %w = while %zero, %r : i64, array<f64, 1, C> {
            ^(%k.1: i64, %cur: array<f64, 1, C>):
            %go = lt %k.1, %n : bool
            array.incref %cur
            array.decref %cur
            condition %go, %k.1, %cur
          } do {
            ^(%k.2: i64, %cur.1: array<f64, 1, C>):
            raise_if %c {exception = "ValueError", message = "after"} {
              array.decref %a
              array.decref %r
              array.decref %cur.1
            }
            array.incref %cur.1
            array.decref %cur.1
            yield %k.2, %cur.1
          }
          array.decref %a
          array.decref %r
          array.decref %w
          return %k
        }
    """)


def test_failing_call_after_an_alloc_releases_it_but_not_its_own_result():
    check("""
        func @make(%n: i64) -> tuple<array<f64, 1, C>, i64, array<f64, 2, C>> {
          %a = array.alloc %n : array<f64, 1, C>
          %b = array.alloc %n, %n : array<f64, 2, C>
          %t = tuple %a, %n, %b : tuple<array<f64, 1, C>, i64, array<f64, 2, C>>
          return %t
        }

        func @f(%n: i64) -> i64 {
          %a = array.alloc %n : array<f64, 1, C>
          %t = call %n {callee = "make"} : tuple<array<f64, 1, C>, i64, array<f64, 2, C>>
          %u = call %n {callee = "make"} : tuple<array<f64, 1, C>, i64, array<f64, 2, C>>
          return %n
        }
    """, """
        func @make(%n: i64) -> tuple<array<f64, 1, C>, i64, array<f64, 2, C>> {
          %a = array.alloc %n : array<f64, 1, C>
          %b = array.alloc %n, %n : array<f64, 2, C>
          %t = tuple %a, %n, %b : tuple<array<f64, 1, C>, i64, array<f64, 2, C>>
          %0 = tuple_get %t {index = 0} : array<f64, 1, C>
          %1 = tuple_get %t {index = 2} : array<f64, 2, C>
          array.incref %0
          array.incref %1
          array.decref %a
          array.decref %b
          return %t
        }

        func @f(%n: i64) -> i64 {
          %a = array.alloc %n : array<f64, 1, C>
          %t = call %n {callee = "make"} : tuple<array<f64, 1, C>, i64, array<f64, 2, C>> {
            array.decref %a
          }
          %u = call %n {callee = "make"} : tuple<array<f64, 1, C>, i64, array<f64, 2, C>> {
            array.decref %a
            %0 = tuple_get %t {index = 0} : array<f64, 1, C>
            %1 = tuple_get %t {index = 2} : array<f64, 2, C>
            array.decref %0
            array.decref %1
          }
          array.decref %a
          %2 = tuple_get %t {index = 0} : array<f64, 1, C>
          %3 = tuple_get %t {index = 2} : array<f64, 2, C>
          array.decref %2
          array.decref %3
          %4 = tuple_get %u {index = 0} : array<f64, 1, C>
          %5 = tuple_get %u {index = 2} : array<f64, 2, C>
          array.decref %4
          array.decref %5
          return %n
        }
    """)


def test_nothing_owned_means_no_cleanup_region():
    text = textwrap.dedent("""
        func @g(%x: array<f64, 1, C>, %i: i64) -> f64 {
          %n = array.dim %x {axis = 0} : i64
          %bad = ge %i, %n : bool
          raise_if %bad, %i, %n {BOUNDS}
          %u = array.undef : array<f64, 1, C>
          %v = call %x, %i {callee = "g"} : f64
          return %v
        }
    """.replace("BOUNDS", BOUNDS)).lstrip("\n")
    module = parse_module(text)
    assert RefcountPass().run(module) is False
    assert print_module(module) == text


def test_cleanup_regions_round_trip_and_are_verified():
    module = run_pass("""
        func @g(%x: array<f64, 1, C>) -> array<f64, 1, C> {
          return %x
        }

        func @f(%n: i64, %c: bool) -> none {
          %a = array.alloc %n : array<f64, 1, C>
          %b = call %a {callee = "g"} : array<f64, 1, C>
          raise_if %c {exception = "ValueError", message = "no"}
          return
        }
    """)
    text = print_module(module)
    assert print_module(parse_module(text)) == text
    call = next(op for op in module.walk() if isinstance(op, CallOp))
    raise_if = next(op for op in module.walk() if isinstance(op, RaiseIfOp))
    assert call.operands == (call.cleanup.ops[0].operands[0],)  # the operands stay the arguments
    assert [op.operands[0] for op in raise_if.cleanup.ops] == [call.operands[0], call.result]
    # the call's own result is not visible in its cleanup region: the parser
    # refuses it in text, the verifier in built IR
    call_cleanup = '"g"} : array<f64, 1, C> {\n    array.decref %a\n  }'
    assert call_cleanup in text
    with pytest.raises(IRParseError, match="%b .* is not visible here"):
        parse_module(text.replace(call_cleanup, call_cleanup.replace("%a", "%b")))
    call.cleanup.append(ArrayDecrefOp(call.result))
    with pytest.raises(ir.VerificationError, match="does not dominate"):
        verify(module)
    # only releases, no block arguments, one region at most
    raise_cleanup = 'message = "no"} {\n    array.decref %a\n    array.decref %b\n  }'
    assert raise_cleanup in text
    cases = {
        call_cleanup.replace("decref", "incref"): "may hold only 'array.decref' and 'tuple_get', not 'array.incref'",
        raise_cleanup.replace("{\n", "{\n    ^(%z: i64):\n", 1): "takes no block arguments",
        raise_cleanup.replace("%a\n", "%a\n  } {\n"): "at most one",
    }
    for wrong, message in cases.items():
        original = call_cleanup if wrong.startswith('"g"') else raise_cleanup
        with pytest.raises(ir.VerificationError, match=message):
            verify(parse_module(text.replace(original, wrong)))


def test_a_nested_function_does_not_release_the_outer_arrays():
    check("""
        func @f(%n: i64, %c: bool) -> i64 {
          %a = array.alloc %n : array<f64, 1, C>
          func {result_type = !i64, sym_name = "inner"} {
            ^(%m: i64, %d: bool):
            %b = array.alloc %m : array<f64, 1, C>
            raise_if %d {exception = "ValueError", message = "inner"}
            return %m
          }
          raise_if %c {exception = "ValueError", message = "outer"}
          return %n
        }
    """, """
        func @f(%n: i64, %c: bool) -> i64 {
          %a = array.alloc %n : array<f64, 1, C>
          func {result_type = !i64, sym_name = "inner"} {
            ^(%m: i64, %d: bool):
            %b = array.alloc %m : array<f64, 1, C>
            raise_if %d {exception = "ValueError", message = "inner"} {
              array.decref %b
            }
            array.decref %b
            return %m
          }
          raise_if %c {exception = "ValueError", message = "outer"} {
            array.decref %a
          }
          array.decref %a
          return %n
        }
    """)


# ====================================================================== errors
def test_running_twice_is_an_error():
    module = run_pass("""
        func @f(%n: i64) -> i64 {
          %t = array.alloc %n : array<f64, 1, C>
          return %n
        }
    """)
    with pytest.raises(RefcountError, match="already run"):
        RefcountPass().run(module)


def test_running_twice_without_arrays_is_an_error_too():
    module = parse_module("func @f(%n: i64) -> i64 {\n  return %n\n}\n")
    assert RefcountPass().run(module) is False
    with pytest.raises(RefcountError, match="already run"):
        RefcountPass().run(module)


def test_refcounted_text_is_refused():
    # The printed output of the pass, parsed back: a fresh module that
    # already has its reference counting.
    text = print_module(run_pass("""
        func @f(%x: array<f64, 1, C>) -> array<f64, 1, C> {
          return %x
        }
    """))
    with pytest.raises(RefcountError, match="@f already contains 'array.incref'"):
        RefcountPass().run(parse_module(text))


class _MysteryOp(Operation):
    name = "test.mystery"

    def __init__(self, t: Type):
        self._setup([], [t])


def test_ops_without_an_ownership_rule_are_refused():
    func = FuncOp("f", [], ArrayType(f64, 1, "C"))
    b = Builder.at_end(func.body)
    x = b.add(_MysteryOp(ArrayType(f64, 1, "C")))
    b.insert(ReturnOp(x))
    with pytest.raises(RefcountError, match="no ownership rule for the array results of 'test.mystery'"):
        RefcountPass().run(Module([func]))


def test_array_leaves_and_contains_array():
    a1, a2 = ArrayType(f64, 1, "C"), ArrayType(f64, 2, "C")
    t = TupleType((i64, TupleType((a1, f64)), a2, TupleType(())))
    assert contains_array(t) and contains_array(a1)
    assert not contains_array(TupleType((i64, TupleType((f64,))))) and not contains_array(i64)
    func = FuncOp("f", [t], i64)
    b = Builder.at_end(func.body)
    leaves = array_leaves(func.args[0], b)
    assert [v.type for v in leaves] == [a1, a2]
    assert [op.name for op in func.body.ops] == ["tuple_get", "tuple_get", "tuple_get"]
    assert array_leaves(b.add(ConstantOp(1, i64)), b) == []


# ====================================================================== the simulator
class SimulationError(AssertionError):
    """The reference counting of the simulated program is wrong."""


class Raised(Exception):
    """The simulated program stopped with an error (a ``raise_if`` fired)."""


@dataclass(frozen=True)
class Arr:
    meminfo: int | None  # an allocation, or None for memory lent without a meminfo
    shape: tuple[int, ...]


class Heap:
    """One reference count per allocation."""

    def __init__(self) -> None:
        self.counts: list[int] = []
        self.peak_live = 0
        self.raised: str | None = None  # the message of the error that ended the run

    @property
    def live(self) -> int:
        return sum(1 for c in self.counts if c > 0)

    def alloc(self, shape: tuple[int, ...]) -> Arr:
        self.counts.append(1)
        self.peak_live = max(self.peak_live, self.live)
        return Arr(len(self.counts) - 1, shape)

    def check_alive(self, arr: Arr, what: str) -> None:
        if arr.meminfo is not None and self.counts[arr.meminfo] <= 0:
            raise SimulationError(f"{what}: allocation {arr.meminfo} was already freed")

    def incref(self, arr: Arr) -> None:
        self.check_alive(arr, "incref")
        if arr.meminfo is not None:
            self.counts[arr.meminfo] += 1

    def decref(self, arr: Arr) -> None:
        self.check_alive(arr, "decref")
        if arr.meminfo is not None:
            self.counts[arr.meminfo] -= 1


def leaves_of(value) -> list[Arr]:
    if isinstance(value, Arr):
        return [value]
    if isinstance(value, tuple):
        return [leaf for v in value for leaf in leaves_of(v)]
    return []


class Interpreter:
    """Runs IR after the refcount pass, on a :class:`Heap`."""

    def __init__(self, module: Module, heap: Heap, max_steps: int = 200_000):
        self.module = module
        self.heap = heap
        self.steps = max_steps
        self.env: dict[ir.Value, object] = {}
        self.cleanups_run: list[Operation] = []  # ops whose cleanup region ran, in order

    def call(self, func: FuncOp, args: list):
        term, values = self.block(func.body, args)
        return values[0] if values else None

    def block(self, block, args, terminated: bool = True) -> tuple[Operation | None, list]:
        for arg, value in zip(block.args, args, strict=True):
            self.env[arg] = value
        for op in block.ops:
            self.steps -= 1
            if self.steps < 0:
                raise RuntimeError("simulation does not terminate")
            operands = [self.env[v] for v in op.operands]
            if not isinstance(op, (ArrayIncrefOp, ArrayDecrefOp)):
                for leaf in leaves_of(operands):
                    self.heap.check_alive(leaf, f"use by '{op.name}'")
            if isinstance(op, (YieldOp, ConditionOp, ReturnOp)):
                return op, operands
            for result, value in zip(op.results, self.op(op, operands), strict=True):
                self.env[result] = value
        if not terminated:
            return None, []
        raise AssertionError("block without terminator")

    def cleanup(self, op: RaiseIfOp | CallOp) -> None:
        """The error path of ``op``: its cleanup region, if any."""
        if op.cleanup is not None:
            self.cleanups_run.append(op)
            self.block(op.cleanup, [], terminated=False)

    def op(self, op: Operation, a: list) -> list:
        heap = self.heap
        if isinstance(op, ConstantOp):
            return [op.value]
        if isinstance(op, (BinaryOp, CompareOp)):
            return [op.py(a[0], a[1])]
        if isinstance(op, SelectOp):
            return [a[1] if a[0] else a[2]]
        if isinstance(op, ArrayAllocOp):
            return [heap.alloc(tuple(a))]
        if isinstance(op, ArrayUndefOp):
            return [Arr(None, (0,) * op.result.type.ndim)]
        if isinstance(op, ArrayViewOp):
            assert a[0].meminfo is None or 0 <= a[1] < a[0].shape[0]
            return [Arr(a[0].meminfo, a[0].shape[1:])]
        if isinstance(op, ArrayDimOp):
            return [a[0].shape[op.axis]]
        if isinstance(op, ArrayLoadOp):
            return [0.0]
        if isinstance(op, ArrayStoreOp):
            return []
        if isinstance(op, ArrayIncrefOp):
            heap.incref(a[0])
            return []
        if isinstance(op, ArrayDecrefOp):
            heap.decref(a[0])
            return []
        if isinstance(op, MakeTupleOp):
            return [tuple(a)]
        if isinstance(op, TupleGetOp):
            return [a[0][op.index]]
        if isinstance(op, RaiseIfOp):
            if a[0]:
                self.cleanup(op)
                raise Raised(op.attributes["message"])
            return []
        if isinstance(op, CallOp):
            try:
                result = self.call(self.module[op.callee], a)
            except Raised:
                self.cleanup(op)
                raise
            return [result] if op.results else []
        if isinstance(op, IfOp):
            return self.block(op.then_block if a[0] else op.else_block, [])[1]
        if isinstance(op, ForOp):
            lo, hi, step, *carried = a
            for i in range(lo, hi, step):
                carried = self.block(op.body, [i, *carried])[1]
            return carried
        if isinstance(op, WhileOp):
            carried = a
            while True:
                cond, *carried = self.block(op.before, carried)[1]
                if not cond:
                    return carried
                carried = self.block(op.after, carried)[1]
        raise NotImplementedError(op.name)


def simulate(module: Module, entry: str = "main", interpreter: list | None = None) -> Heap:
    """Run ``entry`` with caller-owned arrays for its array arguments and
    check the final counts -- after a normal return or an error; return the
    heap (``heap.raised`` tells which).  The interpreter is appended to
    ``interpreter`` if given."""
    heap = Heap()
    func = module[entry]
    lent = []
    for t in func.arg_types:
        assert isinstance(t, ArrayType), "the simulator only passes arrays"
        lent.append(heap.alloc((2,) * t.ndim))  # the caller holds one reference
    run = Interpreter(module, heap)
    if interpreter is not None:
        interpreter.append(run)
    try:
        result = run.call(func, lent)
    except Raised as err:
        result, heap.raised = None, str(err)  # nothing is returned: only the lent arrays stay
    expected = Counter(leaf.meminfo for leaf in leaves_of(result))
    expected.update(arr.meminfo for arr in lent)
    for meminfo, count in enumerate(heap.counts):
        if count != expected[meminfo]:
            exit_ = "a normal return" if heap.raised is None else f"the error {heap.raised!r}"
            raise SimulationError(f"allocation {meminfo} ends with {count} references after {exit_}, "
                                  f"expected {expected[meminfo]}\n{print_module(module)}")
    return heap


# ----------------------------------------------------------------- hand-written programs
LOOP_TEMPORARIES = """
func @main(%x: array<f64, 2, C>) -> array<f64, 1, C> {
  %lo = const {value = 0} : i64
  %one = const {value = 1} : i64
  %n = const {value = TRIPS} : i64
  %two = const {value = 2} : i64
  %a = array.alloc %two : array<f64, 1, C>
  %r = for %lo, %n, %one, %a : array<f64, 1, C> {
    ^(%i: i64, %acc: array<f64, 1, C>):
    %tmp = array.alloc %two, %two : array<f64, 2, C>
    %row = array.view %tmp, %one : array<f64, 1, C>
    %b = array.alloc %two : array<f64, 1, C>
    yield %b
  }
  return %r
}
"""


@pytest.mark.parametrize("trips", [0, 1, 5, 100])
def test_memory_stays_flat_in_a_loop(trips):
    heap = simulate(run_pass(LOOP_TEMPORARIES.replace("TRIPS", str(trips))))
    # the lent argument, the init, the loop-carried array, the new one and the temporary
    assert heap.peak_live <= 5
    assert len(heap.counts) == 2 + 2 * trips


# Every block of this program runs, so every inserted op matters.
EVERY_BLOCK_RUNS = """
func @make(%x: array<f64, 2, C>) -> tuple<array<f64, 1, C>, array<f64, 2, C>> {
  %zero = const {value = 0} : i64
  %row = array.view %x, %zero : array<f64, 1, C>
  %t = tuple %row, %x : tuple<array<f64, 1, C>, array<f64, 2, C>>
  return %t
}

func @main(%x: array<f64, 2, C>) -> tuple<array<f64, 1, C>, array<f64, 2, C>> {
  %zero = const {value = 0} : i64
  %one = const {value = 1} : i64
  %two = const {value = 2} : i64
  %a = array.alloc %two, %two : array<f64, 2, C>
  %p = call %a {callee = "make"} : tuple<array<f64, 1, C>, array<f64, 2, C>>
  %k, %r = while %zero, %p : i64, tuple<array<f64, 1, C>, array<f64, 2, C>> {
    ^(%k.1: i64, %cur: tuple<array<f64, 1, C>, array<f64, 2, C>>):
    %tmp = array.alloc %two : array<f64, 1, C>
    %go = lt %k.1, %two : bool
    condition %go, %k.1, %cur
  } do {
    ^(%k.2: i64, %cur.1: tuple<array<f64, 1, C>, array<f64, 2, C>>):
    %m = array.alloc %two, %two : array<f64, 2, C>
    %next = call %m {callee = "make"} : tuple<array<f64, 1, C>, array<f64, 2, C>>
    %k.3 = add %k.2, %one : i64
    yield %k.3, %next
  }
  %s = for %zero, %two, %one, %x : array<f64, 2, C> {
    ^(%i: i64, %acc: array<f64, 2, C>):
    %row = array.view %acc, %i : array<f64, 1, C>
    %c = lt %i, %one : bool
    %y = if %c : array<f64, 2, C> {
      %fresh = array.alloc %two, %two : array<f64, 2, C>
      yield %fresh
    } else {
      %q = call %acc {callee = "make"} : tuple<array<f64, 1, C>, array<f64, 2, C>>
      %q2 = tuple_get %q {index = 1} : array<f64, 2, C>
      yield %q2
    }
    yield %y
  }
  %v = array.view %s, %one : array<f64, 1, C>
  %out = tuple %v, %s : tuple<array<f64, 1, C>, array<f64, 2, C>>
  return %out
}
"""


def test_hand_written_program_simulates_cleanly():
    simulate(run_pass(EVERY_BLOCK_RUNS))


def in_cleanup(op: Operation) -> bool:
    return isinstance(op.parent_op, (RaiseIfOp, CallOp))


def normal_path_refcount_ops(module: Module) -> list[Operation]:
    return [op for op in module.walk() if isinstance(op, (ArrayIncrefOp, ArrayDecrefOp)) and not in_cleanup(op)]


def test_simulator_catches_every_missing_refcount_op():
    reference = run_pass(EVERY_BLOCK_RUNS)
    count = len(normal_path_refcount_ops(reference))
    assert count > 30
    for index in range(count):
        module = run_pass(EVERY_BLOCK_RUNS)
        normal_path_refcount_ops(module)[index].erase()
        with pytest.raises(SimulationError):
            simulate(module)


def test_an_extra_decref_is_caught():
    module = run_pass(LOOP_TEMPORARIES.replace("TRIPS", "3"))
    body = next(op for op in module.walk() if isinstance(op, ForOp)).body
    Builder.before(body.terminator).insert(ArrayDecrefOp(body.args[1]))
    with pytest.raises(SimulationError):
        simulate(module)


# ----------------------------------------------------------------- error paths
# TRIGGER picks the check that fires: 0 none; 1 in @main before the first
# call; 2 and 3 in the loop of @helper (first and second iteration) during
# the first call; 4 after that loop; 5 in the while of @main; 6 in the if of
# @main; 7 in @helper's loop during the second call; 8 at the end of @main.
ERROR_PATHS = """
func @helper(%x: array<f64, 2, C>, %k: i64) -> tuple<array<f64, 1, C>, array<f64, 2, C>> {
  %zero = const {value = 0} : i64
  %one = const {value = 1} : i64
  %two = const {value = 2} : i64
  %four = const {value = 4} : i64
  %t = array.alloc %two : array<f64, 1, C>
  %row = array.view %x, %zero : array<f64, 1, C>
  %r = for %zero, %two, %one, %t : array<f64, 1, C> {
    ^(%i: i64, %acc: array<f64, 1, C>):
    %tmp = array.alloc %two, %two : array<f64, 2, C>
    %ki = add %i, %two : i64
    %fire = eq %k, %ki : bool
    raise_if %fire {exception = "ValueError", message = "in the loop"}
    %next = array.alloc %two : array<f64, 1, C>
    yield %next
  }
  %m = array.alloc %two, %two : array<f64, 2, C>
  %out = tuple %r, %m : tuple<array<f64, 1, C>, array<f64, 2, C>>
  %late = eq %k, %four : bool
  raise_if %late {exception = "ValueError", message = "after the loop"}
  return %out
}

func @main(%x: array<f64, 2, C>) -> array<f64, 2, C> {
  %zero = const {value = 0} : i64
  %one = const {value = 1} : i64
  %two = const {value = 2} : i64
  %five = const {value = 5} : i64
  %six = const {value = 6} : i64
  %seven = const {value = 7} : i64
  %eight = const {value = 8} : i64
  %k = const {value = TRIGGER} : i64
  %a = array.alloc %two, %two : array<f64, 2, C>
  %f1 = eq %k, %one : bool
  raise_if %f1 {exception = "ValueError", message = "first"}
  %p = call %a, %k {callee = "helper"} : tuple<array<f64, 1, C>, array<f64, 2, C>>
  %j, %w = while %zero, %p : i64, tuple<array<f64, 1, C>, array<f64, 2, C>> {
    ^(%j.1: i64, %cur: tuple<array<f64, 1, C>, array<f64, 2, C>>):
    %go = lt %j.1, %one : bool
    condition %go, %j.1, %cur
  } do {
    ^(%j.2: i64, %cur.1: tuple<array<f64, 1, C>, array<f64, 2, C>>):
    %tmp = array.alloc %two : array<f64, 1, C>
    %f5 = eq %k, %five : bool
    raise_if %f5 {exception = "ValueError", message = "in the while"}
    %j.3 = add %j.2, %one : i64
    yield %j.3, %cur.1
  }
  %yes = lt %zero, %one : bool
  %y = if %yes : array<f64, 2, C> {
    %fresh = array.alloc %two, %two : array<f64, 2, C>
    %f6 = eq %k, %six : bool
    raise_if %f6 {exception = "ValueError", message = "in the if"}
    yield %fresh
  } else {
    yield %a
  }
  %f7 = eq %k, %seven : bool
  %kk = select %f7, %two, %zero : i64
  %q = call %y, %kk {callee = "helper"} : tuple<array<f64, 1, C>, array<f64, 2, C>>
  %f8 = eq %k, %eight : bool
  raise_if %f8 {exception = "ValueError", message = "last"}
  return %y
}
"""
TRIGGERS = {0: None, 1: "first", 2: "in the loop", 3: "in the loop", 4: "after the loop",
            5: "in the while", 6: "in the if", 7: "in the loop", 8: "last"}


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_error_paths_release_everything(trigger):
    runs: list[Interpreter] = []
    heap = simulate(run_pass(ERROR_PATHS.replace("TRIGGER", str(trigger))), interpreter=runs)
    assert heap.raised == TRIGGERS[trigger]
    # the cleanups that ran: the check's, then those of the calls it stopped
    assert len(runs[0].cleanups_run) == (0 if trigger == 0 else 2 if trigger in (2, 3, 4, 7) else 1)


def test_simulator_catches_every_missing_release_on_error_paths():
    covered: set[int] = set()
    for trigger in TRIGGERS:
        text = ERROR_PATHS.replace("TRIGGER", str(trigger))
        runs: list[Interpreter] = []
        reference = run_pass(text)
        simulate(reference, interpreter=runs)
        decrefs = [op for op in reference.walk() if isinstance(op, ArrayDecrefOp) and in_cleanup(op)]
        ran = {index for index, op in enumerate(decrefs) if op.parent_op in runs[0].cleanups_run}
        assert bool(ran) == (trigger != 0)
        for index in ran:
            module = run_pass(text)
            [op for op in module.walk() if isinstance(op, ArrayDecrefOp) and in_cleanup(op)][index].erase()
            with pytest.raises(SimulationError, match="after the error"):
                simulate(module)
        covered |= ran
    assert covered == set(range(len(decrefs))), "every cleanup region runs for some trigger"
    assert len(decrefs) > 20


def test_an_extra_release_on_an_error_path_is_caught():
    module = run_pass(ERROR_PATHS.replace("TRIGGER", "3"))
    loop_raise = next(op for op in module["helper"].walk() if isinstance(op, RaiseIfOp) and op.cleanup)
    loop_raise.cleanup.append(ArrayDecrefOp(loop_raise.cleanup.ops[-1].operands[0]))
    with pytest.raises(SimulationError):
        simulate(module)


# ----------------------------------------------------------------- random programs
A1 = ArrayType(f64, 1, "C")
A2 = ArrayType(f64, 2, "C")
PAIR = TupleType((A1, i64, A2))
NESTED = TupleType((A2, TupleType((A1, A1))))
CARRIED = [A1, A2, PAIR, NESTED]
MAX_DEPTH = 3


class Scope:
    """The values visible at a point, by type."""

    def __init__(self, parent: "Scope | None" = None):
        self.values: dict[Type, list[ir.Value]] = \
            {t: list(vs) for t, vs in parent.values.items()} if parent else {}

    def add(self, value: ir.Value) -> ir.Value:
        self.values.setdefault(value.type, []).append(value)
        return value

    def of(self, t: Type) -> list[ir.Value]:
        return self.values.get(t, [])


class ProgramGen:
    """Random structured programs over arrays, drawn from hypothesis data.

    Checks (``raise_if``) that may fire are among the statements; with
    ``errors`` they are more frequent, there is always a helper, and ``main``
    ends with a call to one, so that more runs end on an error path.
    """

    def __init__(self, data, errors: bool = False):
        self.data = data
        self.errors = errors
        self.helpers: list[FuncOp] = []

    def draw(self, strategy):
        return self.data.draw(strategy)

    def const(self, b: Builder, scope: Scope, value: int) -> ir.Value:
        return scope.add(b.add(ConstantOp(value, i64)))

    # -- values
    def value(self, b: Builder, scope: Scope, t: Type) -> ir.Value:
        """An existing value of type ``t``, or a new one."""
        existing = scope.of(t)
        if existing and self.draw(st.booleans()):
            return self.draw(st.sampled_from(existing))
        return self.make(b, scope, t)

    def make(self, b: Builder, scope: Scope, t: Type) -> ir.Value:
        if t == i64:
            return self.const(b, scope, self.draw(st.integers(0, 3)))
        two = self.const(b, scope, 2)
        if t == A2:
            return scope.add(b.add(ArrayAllocOp(f64, [two, two])))
        if t == A1:
            how = self.draw(st.sampled_from(["alloc", "view", "tuple_get", "undef"]))
            if how == "undef":
                return scope.add(b.add(ArrayUndefOp(A1)))
            if how == "view":
                base = self.value(b, scope, A2)
                index = self.const(b, scope, self.draw(st.integers(0, 1)))
                return scope.add(b.add(ArrayViewOp(base, index)))
            if how == "tuple_get" and scope.of(PAIR):
                tup = self.draw(st.sampled_from(scope.of(PAIR)))
                return scope.add(b.add(TupleGetOp(tup, 0)))
            return scope.add(b.add(ArrayAllocOp(f64, [two])))
        assert isinstance(t, TupleType)
        elements = [self.value(b, scope, e) for e in t.elements]
        return scope.add(b.add(MakeTupleOp(elements)))

    def condition(self, b: Builder, scope: Scope) -> ir.Value:
        lhs = self.value(b, scope, i64)
        rhs = self.const(b, scope, self.draw(st.integers(0, 3)))
        return b.add(LtOp(lhs, rhs))

    def check(self, b: Builder, scope: Scope) -> ir.Value:
        """The condition of a ``raise_if``: ``c <= x`` or ``c < x`` for an i64
        ``x`` in scope (a loop counter fires it in some iteration) or a new
        constant, and a constant ``c``."""
        lhs = self.const(b, scope, self.draw(st.integers(0, 2)))
        rhs = self.value(b, scope, i64)
        return b.add(self.draw(st.sampled_from([LeOp, LtOp]))(lhs, rhs))

    # -- statements
    def statements(self, b: Builder, scope: Scope, depth: int) -> None:
        for _ in range(self.draw(st.integers(0, 3 if depth < 2 else 2))):
            self.statement(b, scope, depth)

    def statement(self, b: Builder, scope: Scope, depth: int) -> None:
        kinds = ["new", "new", "use", "raise"] + ["raise"] * self.errors
        if depth < MAX_DEPTH:
            kinds += ["if", "for", "while"]
        if self.helpers:
            kinds += ["call"] * (1 + self.errors)
        kind = self.draw(st.sampled_from(kinds))
        if kind == "new":
            self.make(b, scope, self.draw(st.sampled_from(CARRIED)))
        elif kind == "use":
            arr = self.value(b, scope, self.draw(st.sampled_from([A1, A2])))
            scope.add(b.add(ArrayDimOp(arr, 0)))
        elif kind == "raise":  # a check that may fire, depending on the values met
            b.insert(RaiseIfOp(self.check(b, scope), "ValueError", "random check"))
        elif kind == "call":
            self.call(b, scope)
        else:
            types = self.draw(st.lists(st.sampled_from(CARRIED), max_size=2))
            getattr(self, "make_" + kind)(b, scope, depth, types)

    def call(self, b: Builder, scope: Scope) -> None:
        callee = self.draw(st.sampled_from(self.helpers))
        args = [self.value(b, scope, t) for t in callee.arg_types]
        scope.add(b.add(CallOp(callee.sym_name, args, callee.result_type)))

    def branch(self, block, scope: Scope, depth: int, types: list[Type],
               prefix=()) -> tuple[Builder, list[ir.Value]]:
        """Fill ``block`` with statements; return values for its terminator."""
        b = Builder.at_end(block)
        inner = Scope(scope)
        for arg in block.args:
            inner.add(arg)
        self.statements(b, inner, depth + 1)
        return b, [*prefix, *(self.value(b, inner, t) for t in types)]

    def make_if(self, b: Builder, scope: Scope, depth: int, types: list[Type]) -> None:
        op = b.insert(IfOp(self.condition(b, scope), types))
        for block in (op.then_block, op.else_block):
            inner_b, values = self.branch(block, scope, depth, types)
            inner_b.insert(YieldOp(values))
        for r in op.results:
            scope.add(r)

    def make_for(self, b: Builder, scope: Scope, depth: int, types: list[Type]) -> None:
        inits = [self.value(b, scope, t) for t in types]
        lo = self.const(b, scope, 0)
        hi = self.const(b, scope, self.draw(st.integers(0, 3)))
        step = self.const(b, scope, 1)
        op = b.insert(ForOp(lo, hi, step, inits))
        inner_b, values = self.branch(op.body, scope, depth, types)
        inner_b.insert(YieldOp(values))
        for r in op.results:
            scope.add(r)

    def make_while(self, b: Builder, scope: Scope, depth: int, types: list[Type]) -> None:
        inits = [self.const(b, scope, 0), *(self.value(b, scope, t) for t in types)]
        limit = self.const(b, scope, self.draw(st.integers(0, 3)))
        one = self.const(b, scope, 1)
        op = b.insert(WhileOp(inits))
        counter = op.before.args[0]
        inner_b, values = self.branch(op.before, scope, depth, types, prefix=[counter])
        go = inner_b.add(LtOp(counter, limit))
        inner_b.insert(ConditionOp(go, values))
        inner_b, values = self.branch(op.after, scope, depth, types)
        next_counter = inner_b.add(AddOp(op.after.args[0], one))
        inner_b.insert(YieldOp([next_counter, *values]))
        for r in op.results:
            scope.add(r)

    # -- functions
    def function(self, name: str, arg_types: list[Type]) -> FuncOp:
        result_type = self.draw(st.sampled_from(CARRIED))
        func = FuncOp(name, arg_types, result_type)
        b = Builder.at_end(func.body)
        scope = Scope()
        for arg in func.args:
            scope.add(arg)
        self.statements(b, scope, 0)
        if self.errors and name == "main":
            self.call(b, scope)
        b.insert(ReturnOp(self.value(b, scope, result_type)))
        return func

    def module(self) -> Module:
        module = Module()
        for index in range(self.draw(st.integers(int(self.errors), 2))):
            arg_types = self.draw(st.lists(st.sampled_from(CARRIED), max_size=2))
            helper = module.add(self.function(f"helper{index}", arg_types))
            self.helpers.append(helper)
        module.add(self.function("main", self.draw(st.lists(st.sampled_from([A1, A2]), max_size=2))))
        return module


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_random_programs_free_everything_exactly_once(data):
    check_random_program(ProgramGen(data).module())


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_random_programs_free_everything_on_error_paths_too(data):
    check_random_program(ProgramGen(data, errors=True).module())


def check_random_program(module: Module) -> None:
    verify(module)
    assert RefcountPass().run(module) in (True, False)
    verify(module)
    simulate(module)
    # the output is valid text: it prints and parses back the same
    text = print_module(module)
    assert print_module(parse_module(text)) == text


def test_leave_hands_on_its_values_and_releases_what_the_try_owns():
    """A ``leave`` (a caught exception) ends the blocks inside its ``try`` early: it hands
    its operands on and releases what was made inside the ``try``, not what was made outside."""
    check("""
        func @f(%c: bool, %n: i64) -> array<f64, 1, C> {
          %a = array.alloc %n : array<f64, 1, C>
          %r = try : array<f64, 1, C> {
            %b = array.alloc %n : array<f64, 1, C>
            if %c {
              %d = array.alloc %n : array<f64, 1, C>
              leave %a {depth = 0}
              yield
            } else {
              yield
            }
            yield %b
          }
          return %r
        }
    """, """
        func @f(%c: bool, %n: i64) -> array<f64, 1, C> {
          %a = array.alloc %n : array<f64, 1, C>
          %r = try : array<f64, 1, C> {
            %b = array.alloc %n : array<f64, 1, C>
            if %c {
              %d = array.alloc %n : array<f64, 1, C>
              array.incref %a
              array.decref %b
              array.decref %d
              leave %a {depth = 0}
              array.decref %d
              yield
            } else {
              yield
            }
            array.incref %b
            array.decref %b
            yield %b
          }
          array.incref %r
          array.decref %a
          array.decref %r
          return %r
        }
    """)
