"""IR-text tests of the optimisation passes: input, pipeline, expected output.

Each case parses a function, runs a pipeline with the IR verified after every
pass, and compares the printed result with the expected text.
"""
import textwrap

import pytest

import ir
from compiler.passes import PASSES, register_pass
from compiler.passes.manager import PRESETS, PassManager, parse_pipeline
from ir.parser import parse_module


def run(pipeline: str, text: str) -> str:
    module = parse_module(textwrap.dedent(text))
    PassManager(pipeline, verify_each=True).run(module)
    return str(module).strip()


CASES = {
    # ------------------------------------------------------------ fold
    "fold arithmetic, compares and casts": ("fold,dce", """
        func @f() -> f64 {
          %a = const {value = 7} : i64
          %b = const {value = -2} : i64
          %q = floordiv %a, %b : i64
          %m = mod %a, %b : i64
          %s = add %q, %m : i64
          %lt = lt %s, %a : bool
          %f = cast %s : f64
          %r = select %lt, %f, %f : f64
          return %r
        }""", """
        func @f() -> f64 {
          %f = const {value = -5.0} : f64
          return %f
        }"""),
    "division by zero is never folded": ("fold,dce", """
        func @f() -> i64 {
          %a = const {value = 1} : i64
          %z = const {value = 0} : i64
          %c = eq %z, %z : bool
          raise_if %c {exception = "ZeroDivisionError", message = "integer division or modulo by zero"}
          %q = floordiv %a, %z : i64
          return %q
        }""", """
        func @f() -> i64 {
          %a = const {value = 1} : i64
          %z = const {value = 0} : i64
          %c = const {value = true} : bool
          raise_if %c {exception = "ZeroDivisionError", message = "integer division or modulo by zero"}
          %q = floordiv %a, %z : i64
          return %q
        }"""),
    "a raise_if that can never fire goes": ("fold,dce", """
        func @f(%x: f64) -> f64 {
          %one = const {value = 1.0} : f64
          %zero = const {value = 0.0} : f64
          %c = eq %one, %zero : bool
          raise_if %c {exception = "ZeroDivisionError", message = "float division by zero"}
          %r = div %x, %one : f64
          return %r
        }""", """
        func @f(%x: f64) -> f64 {
          return %x
        }"""),
    # an early return leaves ``do_return = True if c else False`` behind: it becomes c
    "an if that only yields constants or outside values is a select; a select of true/false its condition": ("fold,dce", """
        func @f(%c: bool, %x: i64) -> i64 {
          %flag = if %c : bool {
            %t = const {value = true} : bool
            yield %t
          } else {
            %f = const {value = false} : bool
            yield %f
          }
          %v = if %flag : i64 {
            %one = const {value = 1} : i64
            yield %one
          } else {
            yield %x
          }
          %w = if %c : i64 {
            %two = const {value = 2} : i64
            %m = mul %x, %two : i64
            yield %m
          } else {
            yield %x
          }
          %s = add %v, %w : i64
          return %s
        }

        func @g(%c: bool) -> bool {
          %flag = if %c : bool {
            %f = const {value = false} : bool
            yield %f
          } else {
            %t = const {value = true} : bool
            yield %t
          }
          return %flag
        }""", """
        func @f(%c: bool, %x: i64) -> i64 {
          %one = const {value = 1} : i64
          %0 = select %c, %one, %x : i64
          %w = if %c : i64 {
            %two = const {value = 2} : i64
            %m = mul %x, %two : i64
            yield %m
          } else {
            yield %x
          }
          %s = add %0, %w : i64
          return %s
        }

        func @g(%c: bool) -> bool {
          %0 = not %c : bool
          return %0
        }"""),
    # the math op is C's function (sqrt(-1.0) is nan): the frontend checks the domain
    # with a raise_if before it, which stays
    "math functions fold": ("fold,dce", """
        func @f() -> f64 {
          %a = const {value = 4.0} : f64
          %b = const {value = 0.0} : f64
          %s = math %a {fn = "sqrt"} : f64
          %t = math %b {fn = "exp"} : f64
          %r = add %s, %t : f64
          return %r
        }""", """
        func @f() -> f64 {
          %r = const {value = 3.0} : f64
          return %r
        }"""),
    "f32 power is left to single precision, f32 add folds": ("fold,dce", """
        func @f() -> f32 {
          %a = const {value = 1.5} : f32
          %b = const {value = 2.25} : f32
          %s = add %a, %b : f32
          %p = pow %s, %b : f32
          return %p
        }""", """
        func @f() -> f32 {
          %b = const {value = 2.25} : f32
          %s = const {value = 3.75} : f32
          %p = pow %s, %b : f32
          return %p
        }"""),
    "if on a constant keeps one region": ("fold", """
        func @f(%x: i64) -> i64 {
          %c = const {value = false} : bool
          %r = if %c : i64 {
            yield %x
          } else {
            %one = const {value = 1} : i64
            %y = add %x, %one : i64
            yield %y
          }
          return %r
        }""", """
        func @f(%x: i64) -> i64 {
          %one = const {value = 1} : i64
          %y = add %x, %one : i64
          return %y
        }"""),
    "a for with zero trips vanishes": ("fold,dce", """
        func @f(%x: f64) -> f64 {
          %lo = const {value = 5} : i64
          %hi = const {value = 2} : i64
          %st = const {value = 1} : i64
          %r = for %lo, %hi, %st, %x : f64 {
            ^(%i: i64, %acc: f64):
            %n = add %acc, %acc : f64
            yield %n
          }
          return %r
        }""", """
        func @f(%x: f64) -> f64 {
          return %x
        }"""),
    "a for with trips stays": ("fold,dce", """
        func @f(%x: f64) -> f64 {
          %lo = const {value = 5} : i64
          %hi = const {value = 0} : i64
          %st = const {value = -1} : i64
          %r = for %lo, %hi, %st, %x : f64 {
            ^(%i: i64, %acc: f64):
            %n = add %acc, %acc : f64
            yield %n
          }
          return %r
        }""", """
        func @f(%x: f64) -> f64 {
          %lo = const {value = 5} : i64
          %hi = const {value = 0} : i64
          %st = const {value = -1} : i64
          %r = for %lo, %hi, %st, %x : f64 {
            ^(%i: i64, %acc: f64):
            %n = add %acc, %acc : f64
            yield %n
          }
          return %r
        }"""),
    "integer identities": ("fold,dce", """
        func @f(%x: i64) -> i64 {
          %z = const {value = 0} : i64
          %o = const {value = 1} : i64
          %m = const {value = -1} : i64
          %a = add %z, %x : i64
          %b = mul %a, %o : i64
          %c = floordiv %b, %o : i64
          %d = or %c, %z : i64
          %e = and %d, %m : i64
          %g = shl %e, %z : i64
          %h = sub %g, %z : i64
          %k = xor %h, %z : i64
          return %k
        }""", """
        func @f(%x: i64) -> i64 {
          return %x
        }"""),
    "x - x and x * 0 are 0 for ints": ("fold,dce", """
        func @f(%x: i64) -> i64 {
          %z = const {value = 0} : i64
          %a = sub %x, %x : i64
          %b = mul %x, %z : i64
          %c = add %a, %b : i64
          return %c
        }""", """
        func @f(%x: i64) -> i64 {
          %c = const {value = 0} : i64
          return %c
        }"""),
    "float identities that do not hold are kept": ("fold,dce", """
        func @f(%x: f64) -> f64 {
          %z = const {value = 0.0} : f64
          %o = const {value = 1.0} : f64
          %a = add %x, %z : f64
          %b = mul %a, %z : f64
          %c = sub %b, %b : f64
          %d = mul %c, %o : f64
          %e = sub %d, %z : f64
          return %e
        }""", """
        func @f(%x: f64) -> f64 {
          %z = const {value = 0.0} : f64
          %a = add %x, %z : f64
          %b = mul %a, %z : f64
          %c = sub %b, %b : f64
          return %c
        }"""),
    "an int compared with its own type's extremes is decided": ("fold,dce", """
        func @f(%x: i64, %y: i8) -> bool {
          %lo = const {value = -9223372036854775808} : i64
          %hi = const {value = 9223372036854775807} : i64
          %a = lt %x, %lo : bool
          %b = gt %x, %hi : bool
          %c = or %a, %b : bool
          raise_if %c {exception = "OverflowError", message = "too large"}
          %m = const {value = 127} : i8
          %d = le %y, %m : bool
          return %d
        }""", """
        func @f(%x: i64, %y: i8) -> bool {
          %d = const {value = true} : bool
          return %d
        }"""),
    "a widened value compared with a constant is compared unwidened": ("fold,dce", """
        func @f(%x: i32, %y: f32) -> bool {
          %w = cast %x : i64
          %zero = const {value = 0} : i64
          %big = const {value = 4294967296} : i64
          %pos = gt %w, %zero : bool
          %huge = lt %w, %big : bool
          %v = cast %y : f64
          %half = const {value = 0.5} : f64
          %tenth = const {value = 0.1} : f64
          %small = lt %v, %half : bool
          %inexact = lt %v, %tenth : bool
          %a = and %pos, %huge : bool
          %b = and %small, %inexact : bool
          %z = cast %x : i64
          %same = le %w, %z : bool
          %c = and %a, %same : bool
          %r = and %c, %b : bool
          return %r
        }""", """
        func @f(%x: i32, %y: f32) -> bool {
          %w = cast %x : i64
          %big = const {value = 4294967296} : i64
          %0 = const {value = 0} : i32
          %pos = gt %x, %0 : bool
          %huge = lt %w, %big : bool
          %v = cast %y : f64
          %tenth = const {value = 0.1} : f64
          %1 = const {value = 0.5} : f32
          %small = lt %y, %1 : bool
          %inexact = lt %v, %tenth : bool
          %a = and %pos, %huge : bool
          %b = and %small, %inexact : bool
          %r = and %a, %b : bool
          return %r
        }"""),   # x <= x of ints is true, and "a and true" is a
    # ------------------------------------------------------------ dce
    "dce keeps ops that may raise and calls": ("dce", """
        func @g(%x: i64) -> i64 {
          return %x
        }

        func @f(%x: i64) -> i64 {
          %c = const {value = true} : bool
          raise_if %c {exception = "ValueError", message = "no"}
          %u = call %x {callee = "g"} : i64
          %dead = add %x, %x : i64
          return %x
        }""", """
        func @g(%x: i64) -> i64 {
          return %x
        }

        func @f(%x: i64) -> i64 {
          %c = const {value = true} : bool
          raise_if %c {exception = "ValueError", message = "no"}
          %u = call %x {callee = "g"} : i64
          return %x
        }"""),
    "dce removes an unused effect-free for, keeps a while": ("dce", """
        func @f(%x: f64, %n: i64) -> f64 {
          %lo = const {value = 0} : i64
          %st = const {value = 1} : i64
          %r = for %lo, %n, %st, %x : f64 {
            ^(%i: i64, %acc: f64):
            %a = add %acc, %x : f64
            yield %a
          }
          %w = while %x : f64 {
            ^(%v: f64):
            %c = lt %v, %x : bool
            condition %c, %v
          } do {
            ^(%v.1: f64):
            yield %v.1
          }
          return %x
        }""", """
        func @f(%x: f64, %n: i64) -> f64 {
          %w = while %x : f64 {
            ^(%v: f64):
            %c = lt %v, %x : bool
            condition %c, %v
          } do {
            ^(%v.1: f64):
            yield %v.1
          }
          return %x
        }"""),
    "dce prunes unused if results and loop-carried values": ("dce", """
        func @f(%x: i64, %b: bool, %a: array<i64, 1, C>) -> i64 {
          %r, %s = if %b : i64, i64 {
            %t = add %x, %x : i64
            yield %t, %x
          } else {
            yield %x, %x
          }
          %lo = const {value = 0} : i64
          %st = const {value = 1} : i64
          %p, %q = for %lo, %x, %st, %x, %x : i64, i64 {
            ^(%i: i64, %keep: i64, %drop: i64):
            %k = add %keep, %i : i64
            array.store %a, %i, %k
            yield %k, %drop
          }
          %u = add %s, %p : i64
          return %u
        }""", """
        func @f(%x: i64, %b: bool, %a: array<i64, 1, C>) -> i64 {
          %s = if %b : i64 {
            yield %x
          } else {
            yield %x
          }
          %lo = const {value = 0} : i64
          %st = const {value = 1} : i64
          %p = for %lo, %x, %st, %x : i64 {
            ^(%i: i64, %keep: i64):
            %k = add %keep, %i : i64
            array.store %a, %i, %k
            yield %k
          }
          %u = add %s, %p : i64
          return %u
        }"""),
    "dce removes carried values that only feed each other through an inner if": ("dce", """
        func @f(%a: array<f64, 1, C>, %n: i64) -> none {
          %zero = const {value = 0} : i64
          %one = const {value = 1} : i64
          %no = const {value = false} : bool
          %half = const {value = 0.5} : f64
          %k, %kv = for %zero, %n, %one, %no, %zero : bool, i64 {
            ^(%i: i64, %kd: bool, %kx: i64):
            %x = array.load %a, %i : f64
            %pos = gt %x, %half : bool
            %d, %v = if %pos : bool, i64 {
              array.store %a, %i, %half
              %t = const {value = true} : bool
              yield %t, %i
            } else {
              yield %kd, %kx
            }
            yield %d, %v
          }
          return
        }""", """
        func @f(%a: array<f64, 1, C>, %n: i64) -> none {
          %zero = const {value = 0} : i64
          %one = const {value = 1} : i64
          %half = const {value = 0.5} : f64
          for %zero, %n, %one {
            ^(%i: i64):
            %x = array.load %a, %i : f64
            %pos = gt %x, %half : bool
            if %pos {
              array.store %a, %i, %half
              yield
            } else {
              yield
            }
            yield
          }
          return
        }"""),
    "dce prunes while-carried values nothing needs": ("dce", """
        func @f(%x: i64, %flag: bool) -> i64 {
          %r, %unused = while %x, %flag : i64, bool {
            ^(%v: i64, %b: bool):
            %zero = const {value = 0} : i64
            %c = gt %v, %zero : bool
            condition %c, %v, %b
          } do {
            ^(%v.1: i64, %b.1: bool):
            %one = const {value = 1} : i64
            %n = sub %v.1, %one : i64
            %t = const {value = true} : bool
            yield %n, %t
          }
          return %r
        }""", """
        func @f(%x: i64, %flag: bool) -> i64 {
          %r = while %x : i64 {
            ^(%v: i64):
            %zero = const {value = 0} : i64
            %c = gt %v, %zero : bool
            condition %c, %v
          } do {
            ^(%v.1: i64):
            %one = const {value = 1} : i64
            %n = sub %v.1, %one : i64
            yield %n
          }
          return %r
        }"""),
    # ------------------------------------------------------------ cse
    "cse merges pure ops, commutative in either order, into nested regions": ("cse,dce", """
        func @f(%x: i64, %y: i64, %b: bool) -> i64 {
          %a = add %x, %y : i64
          %a2 = add %y, %x : i64
          %s = sub %x, %y : i64
          %s2 = sub %y, %x : i64
          %r = if %b : i64 {
            %a3 = add %x, %y : i64
            yield %a3
          } else {
            yield %a2
          }
          %t = add %r, %s : i64
          %t2 = add %t, %s2 : i64
          return %t2
        }""", """
        func @f(%x: i64, %y: i64, %b: bool) -> i64 {
          %a = add %x, %y : i64
          %s = sub %x, %y : i64
          %s2 = sub %y, %x : i64
          %r = if %b : i64 {
            yield %a
          } else {
            yield %a
          }
          %t = add %r, %s : i64
          %t2 = add %t, %s2 : i64
          return %t2
        }"""),
    "cse never matches sibling regions nor memory reads": ("cse", """
        func @f(%x: i64, %b: bool, %a: array<i64, 1, C>) -> i64 {
          %r = if %b : i64 {
            %m = mul %x, %x : i64
            yield %m
          } else {
            %m.1 = mul %x, %x : i64
            yield %m.1
          }
          %l = array.load %a, %x : i64
          array.store %a, %x, %r
          %l2 = array.load %a, %x : i64
          %s = add %l, %l2 : i64
          return %s
        }""", """
        func @f(%x: i64, %b: bool, %a: array<i64, 1, C>) -> i64 {
          %r = if %b : i64 {
            %m = mul %x, %x : i64
            yield %m
          } else {
            %m.1 = mul %x, %x : i64
            yield %m.1
          }
          %l = array.load %a, %x : i64
          array.store %a, %x, %r
          %l2 = array.load %a, %x : i64
          %s = add %l, %l2 : i64
          return %s
        }"""),
    "cse removes a check a dominating identical check already made": ("cse", """
        func @f(%x: i64, %c: bool, %b: bool) -> i64 {
          raise_if %c, %x {exception = "IndexError", message = "index {}"}
          %r = if %b : i64 {
            raise_if %c, %x {exception = "IndexError", message = "index {}"}
            raise_if %c, %x {exception = "ValueError", message = "index {}"}
            yield %x
          } else {
            yield %x
          }
          return %r
        }""", """
        func @f(%x: i64, %c: bool, %b: bool) -> i64 {
          raise_if %c, %x {exception = "IndexError", message = "index {}"}
          %r = if %b : i64 {
            raise_if %c, %x {exception = "ValueError", message = "index {}"}
            yield %x
          } else {
            yield %x
          }
          return %r
        }"""),
    "cse removes a check group a dominating identical group already ran, not one that differs": ("cse", """
        func @f(%x: f64, %bad: bool) -> none {
          if %bad {
            %nan = ftest %x {fn = "isnan"} : bool
            raise_if %nan {exception = "ValueError", message = "NaN"}
            yield
          } else {
            yield
          }
          if %bad {
            %again = ftest %x {fn = "isnan"} : bool
            raise_if %again {exception = "ValueError", message = "NaN"}
            yield
          } else {
            yield
          }
          if %bad {
            %inf = ftest %x {fn = "isinf"} : bool
            raise_if %inf {exception = "ValueError", message = "NaN"}
            yield
          } else {
            yield
          }
          return
        }""", """
        func @f(%x: f64, %bad: bool) -> none {
          if %bad {
            %nan = ftest %x {fn = "isnan"} : bool
            raise_if %nan {exception = "ValueError", message = "NaN"}
            yield
          } else {
            yield
          }
          if %bad {
            %inf = ftest %x {fn = "isinf"} : bool
            raise_if %inf {exception = "ValueError", message = "NaN"}
            yield
          } else {
            yield
          }
          return
        }"""),
    # ------------------------------------------------------------ licm
    "licm hoists invariant pure ops through nested loops": ("licm", """
        func @f(%x: f64, %n: i64, %a: array<f64, 1, C>) -> f64 {
          %lo = const {value = 0} : i64
          %st = const {value = 1} : i64
          %r = for %lo, %n, %st, %x : f64 {
            ^(%i: i64, %acc: f64):
            %s = for %lo, %n, %st, %acc : f64 {
              ^(%j: i64, %acc.1: f64):
              %k = mul %x, %x : f64
              %d = array.dim %a {axis = 0} : i64
              %m = add %i, %d : i64
              %v = array.load %a, %j : f64
              %w = add %v, %k : f64
              %t = add %acc.1, %w : f64
              yield %t
            }
            yield %s
          }
          return %r
        }""", """
        func @f(%x: f64, %n: i64, %a: array<f64, 1, C>) -> f64 {
          %lo = const {value = 0} : i64
          %st = const {value = 1} : i64
          %k = mul %x, %x : f64
          %d = array.dim %a {axis = 0} : i64
          %r = for %lo, %n, %st, %x : f64 {
            ^(%i: i64, %acc: f64):
            %m = add %i, %d : i64
            %s = for %lo, %n, %st, %acc : f64 {
              ^(%j: i64, %acc.1: f64):
              %v = array.load %a, %j : f64
              %w = add %v, %k : f64
              %t = add %acc.1, %w : f64
              yield %t
            }
            yield %s
          }
          return %r
        }"""),
    "licm keeps integer division in a body that might not run (its check leaves, guarded)": ("licm", """
        func @f(%x: i64, %y: i64, %n: i64) -> i64 {
          %lo = const {value = 0} : i64
          %st = const {value = 1} : i64
          %r = for %lo, %n, %st, %x : i64 {
            ^(%i: i64, %acc: i64):
            %z = const {value = 0} : i64
            %c = eq %y, %z : bool
            raise_if %c {exception = "ZeroDivisionError", message = "integer division or modulo by zero"}
            %q = floordiv %x, %y : i64
            %t = add %acc, %q : i64
            yield %t
          }
          return %r
        }""", """
        func @f(%x: i64, %y: i64, %n: i64) -> i64 {
          %lo = const {value = 0} : i64
          %st = const {value = 1} : i64
          %z = const {value = 0} : i64
          %c = eq %y, %z : bool
          %0 = lt %lo, %n : bool
          %1 = and %0, %c : bool
          raise_if %1 {exception = "ZeroDivisionError", message = "integer division or modulo by zero"}
          %r = for %lo, %n, %st, %x : i64 {
            ^(%i: i64, %acc: i64):
            %q = floordiv %x, %y : i64
            %t = add %acc, %q : i64
            yield %t
          }
          return %r
        }"""),
    "licm hoists an invariant check that comes first, guarded by the loop running": ("licm", """
        func @f(%a: array<i32, 1, C>, %k: i64, %n: i64) -> none {
          %zero = const {value = 0} : i64
          %one = const {value = 1} : i64
          %min = const {value = -2147483648} : i64
          for %zero, %n, %one {
            ^(%i: i64):
            %x = array.load %a, %i : i32
            %low = lt %k, %min : bool
            raise_if %low, %k {exception = "OverflowError", message = "Python integer {} out of bounds for int32"}
            %c = cast %k : i32
            %y = mul %x, %c : i32
            array.store %a, %i, %y
            %late = lt %k, %zero : bool
            raise_if %late {exception = "ValueError", message = "after a store: stays"}
            yield
          }
          return
        }""", """
        func @f(%a: array<i32, 1, C>, %k: i64, %n: i64) -> none {
          %zero = const {value = 0} : i64
          %one = const {value = 1} : i64
          %min = const {value = -2147483648} : i64
          %low = lt %k, %min : bool
          %0 = lt %zero, %n : bool
          %1 = and %0, %low : bool
          raise_if %1, %k {exception = "OverflowError", message = "Python integer {} out of bounds for int32"}
          %c = cast %k : i32
          %late = lt %k, %zero : bool
          for %zero, %n, %one {
            ^(%i: i64):
            %x = array.load %a, %i : i32
            %y = mul %x, %c : i32
            array.store %a, %i, %y
            raise_if %late {exception = "ValueError", message = "after a store: stays"}
            yield
          }
          return
        }"""),
    "licm hoists an invariant check group (one test guarding exact checks), not one using the index": ("licm", """
        func @f(%a: array<i64, 1, C>, %s: f64, %n: i64) -> none {
          %zero = const {value = 0} : i64
          %one = const {value = 1} : i64
          %big = const {value = 9.223372036854776e+18} : f64
          for %zero, %n, %one {
            ^(%i: i64):
            %m = math %s {fn = "fabs"} : f64
            %ok = lt %m, %big : bool
            %bad = not %ok : bool
            if %bad {
              %nan = ftest %s {fn = "isnan"} : bool
              raise_if %nan {exception = "ValueError", message = "cannot convert float NaN to integer"}
              yield
            } else {
              yield
            }
            %late = lt %i, %zero : bool
            if %late {
              raise_if %late, %i {exception = "IndexError", message = "uses the index {}: stays"}
              yield
            } else {
              yield
            }
            %k = cast %s : i64
            array.store %a, %i, %k
            yield
          }
          return
        }""", """
        func @f(%a: array<i64, 1, C>, %s: f64, %n: i64) -> none {
          %zero = const {value = 0} : i64
          %one = const {value = 1} : i64
          %big = const {value = 9.223372036854776e+18} : f64
          %m = math %s {fn = "fabs"} : f64
          %ok = lt %m, %big : bool
          %bad = not %ok : bool
          %0 = lt %zero, %n : bool
          %1 = and %0, %bad : bool
          if %1 {
            %nan = ftest %s {fn = "isnan"} : bool
            raise_if %nan {exception = "ValueError", message = "cannot convert float NaN to integer"}
            yield
          } else {
            yield
          }
          %k = cast %s : i64
          for %zero, %n, %one {
            ^(%i: i64):
            %late = lt %i, %zero : bool
            if %late {
              raise_if %late, %i {exception = "IndexError", message = "uses the index {}: stays"}
              yield
            } else {
              yield
            }
            array.store %a, %i, %k
            yield
          }
          return
        }"""),
    # ------------------------------------------------------------ version
    "version splits a loop on whether its index checks can fire": ("version,dce", """
        func @shift(%x: array<f64, 1, C>, %out: array<f64, 1, C>) -> f64 {
          %n = array.dim %x {axis = 0} : i64
          %m = array.dim %out {axis = 0} : i64
          %zero = const {value = 0} : i64
          %one = const {value = 1} : i64
          %init = const {value = 0.0} : f64
          %s = for %zero, %n, %one, %init : f64 {
            ^(%i: i64, %acc: f64):
            %v = array.load %x, %i : f64
            %j = add %i, %one : i64
            %past = ge %j, %m : bool
            raise_if %past, %j, %zero, %m {exception = "IndexError", message = "index {} is out of bounds for axis {} with size {}"}
            array.store %out, %j, %v
            %t = add %acc, %v : f64
            yield %t
          }
          return %s
        }""", """
        func @shift(%x: array<f64, 1, C>, %out: array<f64, 1, C>) -> f64 {
          %n = array.dim %x {axis = 0} : i64
          %m = array.dim %out {axis = 0} : i64
          %zero = const {value = 0} : i64
          %one = const {value = 1} : i64
          %init = const {value = 0.0} : f64
          %0 = const {value = 1} : i64
          %1 = sub %m, %0 : i64
          %2 = le %n, %1 : bool
          %3 = if %2 : f64 {
            %s = for %zero, %n, %one, %init : f64 {
              ^(%i: i64, %acc: f64):
              %v = array.load %x, %i : f64
              %j = add %i, %one : i64
              array.store %out, %j, %v
              %t = add %acc, %v : f64
              yield %t
            }
            yield %s
          } else {
            %s.1 = for %zero, %n, %one, %init : f64 {
              ^(%i.1: i64, %acc.1: f64):
              %v.1 = array.load %x, %i.1 : f64
              %j.1 = add %i.1, %one : i64
              %past = ge %j.1, %m : bool
              raise_if %past, %j.1, %zero, %m {exception = "IndexError", message = "index {} is out of bounds for axis {} with size {}"}
              array.store %out, %j.1, %v.1
              %t.1 = add %acc.1, %v.1 : f64
              yield %t.1
            }
            yield %s.1
          }
          return %3
        }"""),
    "version leaves outer loops and checks it cannot bound alone": ("version", """
        func @f(%x: array<f64, 1, C>, %k: i64, %n: i64) -> none {
          %zero = const {value = 0} : i64
          %one = const {value = 1} : i64
          %m = array.dim %x {axis = 0} : i64
          for %zero, %n, %one {
            ^(%i: i64):
            %j = mul %i, %k : i64
            %past = ge %j, %m : bool
            raise_if %past, %j, %zero, %m {exception = "IndexError", message = "index {} is out of bounds for axis {} with size {}"}
            for %zero, %n, %one {
              ^(%l: i64):
              %big = ge %l, %k : bool
              raise_if %big {exception = "ValueError", message = "not against an extent"}
              yield
            }
            yield
          }
          return
        }""", None),
    # ------------------------------------------------------------ unroll
    "unroll copies the body per trip, then fold cleans up": ("unroll,fold,dce", """
        func @f(%x: i64) -> i64 {
          %lo = const {value = 1} : i64
          %hi = const {value = 7} : i64
          %st = const {value = 3} : i64
          %r = for %lo, %hi, %st, %x : i64 {
            ^(%i: i64, %acc: i64):
            %t = mul %acc, %i : i64
            yield %t
          }
          return %r
        }""", """
        func @f(%x: i64) -> i64 {
          %0 = const {value = 4} : i64
          %t = mul %x, %0 : i64
          return %t
        }"""),
    # ------------------------------------------------------------ bce
    "bce removes index checks proven by the loop bounds": ("bce,fold,bce,fold,dce", """
        func @total(%a: array<f64, 1, C>) -> f64 {
          %0 = array.dim %a {axis = 0} : i64
          %1 = const {value = 0} : i64
          %2 = const {value = 1} : i64
          %3 = const {value = 0.0} : f64
          %s = for %1, %0, %2, %3 : f64 {
            ^(%7: i64, %s.1: f64):
            %8 = array.dim %a {axis = 0} : i64
            %10 = lt %7, %1 : bool
            %11 = add %7, %8 : i64
            %12 = select %10, %11, %7 : i64
            %14 = lt %12, %1 : bool
            %15 = ge %12, %8 : bool
            %16 = or %14, %15 : bool
            raise_if %16, %7, %1, %8 {exception = "IndexError", message = "index {} is out of bounds for axis {} with size {}"}
            %18 = array.load %a, %12 : f64
            %19 = add %s.1, %18 : f64
            yield %19
          }
          return %s
        }""", """
        func @total(%a: array<f64, 1, C>) -> f64 {
          %0 = array.dim %a {axis = 0} : i64
          %1 = const {value = 0} : i64
          %2 = const {value = 1} : i64
          %3 = const {value = 0.0} : f64
          %s = for %1, %0, %2, %3 : f64 {
            ^(%4: i64, %s.1: f64):
            %5 = array.load %a, %4 : f64
            %6 = add %s.1, %5 : f64
            yield %6
          }
          return %s
        }"""),
    "bce bounds min(k, n - 1) and the negative-index wrap of it below n": ("bce,fold,dce", """
        func @f(%a: array<i64, 1, C>, %k: i64) -> i64 {
          %n = array.dim %a {axis = 0} : i64
          %z = const {value = 0} : i64
          %one = const {value = 1} : i64
          %m = sub %n, %one : i64
          %c = min %k, %m : i64
          %neg = lt %c, %z : bool
          %w = add %c, %n : i64
          %i = select %neg, %w, %c : i64
          %lo = lt %i, %z : bool
          %hi = ge %i, %n : bool
          %bad = or %lo, %hi : bool
          raise_if %bad, %c, %z, %n {exception = "IndexError", message = "index {} is out of bounds for axis {} with size {}"}
          %v = array.load %a, %i : i64
          return %v
        }""", """
        func @f(%a: array<i64, 1, C>, %k: i64) -> i64 {
          %n = array.dim %a {axis = 0} : i64
          %z = const {value = 0} : i64
          %one = const {value = 1} : i64
          %m = sub %n, %one : i64
          %c = min %k, %m : i64
          %neg = lt %c, %z : bool
          %w = add %c, %n : i64
          %i = select %neg, %w, %c : i64
          %lo = lt %i, %z : bool
          raise_if %lo, %c, %z, %n {exception = "IndexError", message = "index {} is out of bounds for axis {} with size {}"}
          %v = array.load %a, %i : i64
          return %v
        }"""),
    "bce bounds max(min(k, n - 2), 0) + 1: at least 1, and n - 1 is no bound (n may be 1)": ("bce,fold,dce", """
        func @f(%a: array<i64, 1, C>, %k: i64) -> i64 {
          %n = array.dim %a {axis = 0} : i64
          %z = const {value = 0} : i64
          %one = const {value = 1} : i64
          %two = const {value = 2} : i64
          %m = sub %n, %two : i64
          %p = min %k, %m : i64
          %c = max %p, %z : i64
          %i = add %c, %one : i64
          %lo = lt %i, %z : bool
          %hi = ge %i, %n : bool
          %bad = or %lo, %hi : bool
          raise_if %bad {exception = "IndexError", message = "out of range"}
          %v = array.load %a, %i : i64
          return %v
        }""", """
        func @f(%a: array<i64, 1, C>, %k: i64) -> i64 {
          %n = array.dim %a {axis = 0} : i64
          %z = const {value = 0} : i64
          %one = const {value = 1} : i64
          %two = const {value = 2} : i64
          %m = sub %n, %two : i64
          %p = min %k, %m : i64
          %c = max %p, %z : i64
          %i = add %c, %one : i64
          %hi = ge %i, %n : bool
          raise_if %hi {exception = "IndexError", message = "out of range"}
          %v = array.load %a, %i : i64
          return %v
        }"""),
    "bce proves max(k, 0) >= 0 and keeps what a select that is no wrap may exceed": ("bce,fold,dce", """
        func @f(%a: array<i64, 1, C>, %k: i64, %t: bool) -> i64 {
          %n = array.dim %a {axis = 0} : i64
          %z = const {value = 0} : i64
          %c = max %k, %z : i64
          %i = select %t, %c, %n : i64
          %hi = ge %i, %n : bool
          %lo = lt %c, %z : bool
          %bad = or %lo, %hi : bool
          raise_if %bad {exception = "IndexError", message = "out of range"}
          %v = array.load %a, %c : i64
          return %v
        }""", """
        func @f(%a: array<i64, 1, C>, %k: i64, %t: bool) -> i64 {
          %n = array.dim %a {axis = 0} : i64
          %z = const {value = 0} : i64
          %c = max %k, %z : i64
          %i = select %t, %c, %n : i64
          %hi = ge %i, %n : bool
          raise_if %hi {exception = "IndexError", message = "out of range"}
          %v = array.load %a, %c : i64
          return %v
        }"""),
    "bce keeps checks it cannot prove (stencil into another array, a parameter bound)": ("bce,fold,dce", """
        func @f(%a: array<f64, 1, C>, %b: array<f64, 1, C>, %n: i64) -> f64 {
          %0 = array.dim %a {axis = 0} : i64
          %z = const {value = 0} : i64
          %one = const {value = 1} : i64
          %hi = sub %0, %one : i64
          %x = const {value = 0.0} : f64
          %s = for %one, %hi, %one, %x : f64 {
            ^(%i: i64, %acc: f64):
            %j = add %i, %one : i64
            %c1 = ge %j, %0 : bool
            %d = array.dim %b {axis = 0} : i64
            %c2 = ge %i, %d : bool
            %c3 = ge %i, %n : bool
            %c4 = lt %i, %z : bool
            %c = or %c1, %c2 : bool
            %c5 = or %c3, %c4 : bool
            %c6 = or %c, %c5 : bool
            raise_if %c6 {exception = "IndexError", message = "out of range"}
            yield %acc
          }
          return %s
        }""", """
        func @f(%a: array<f64, 1, C>, %b: array<f64, 1, C>, %n: i64) -> f64 {
          %0 = array.dim %a {axis = 0} : i64
          %one = const {value = 1} : i64
          %hi = sub %0, %one : i64
          %x = const {value = 0.0} : f64
          %s = for %one, %hi, %one, %x : f64 {
            ^(%i: i64, %acc: f64):
            %d = array.dim %b {axis = 0} : i64
            %c2 = ge %i, %d : bool
            %c3 = ge %i, %n : bool
            %c6 = or %c2, %c3 : bool
            raise_if %c6 {exception = "IndexError", message = "out of range"}
            yield %acc
          }
          return %s
        }"""),
    "bce decides i >= n inside range(k, n) for any n, not i < n + 1 (n + 1 may wrap around)": ("bce,fold,dce", """
        func @f(%k: i64, %n: i64) -> i64 {
          %one = const {value = 1} : i64
          %z = const {value = 0} : i64
          %s = for %k, %n, %one, %z : i64 {
            ^(%i: i64, %acc: i64):
            %past = ge %i, %n : bool
            %m = add %n, %one : i64
            %below = lt %i, %m : bool
            %bad = or %past, %below : bool
            raise_if %bad {exception = "IndexError", message = "out of range"}
            yield %acc
          }
          return %s
        }""", """
        func @f(%k: i64, %n: i64) -> i64 {
          %one = const {value = 1} : i64
          %z = const {value = 0} : i64
          %s = for %k, %n, %one, %z : i64 {
            ^(%i: i64, %acc: i64):
            %m = add %n, %one : i64
            %below = lt %i, %m : bool
            raise_if %below {exception = "IndexError", message = "out of range"}
            yield %acc
          }
          return %s
        }"""),
    "bce bounds x & 255, x % 16, (x & 2047) >> 3 and c * 2048 + j by constants, and keeps what may wrap": (
        "bce,fold,dce", """
        func @f(%t: array<i64, 1, C>, %x: i64, %k: i64) -> i64 {
          %z = const {value = 0} : i64
          %one = const {value = 1} : i64
          %six = const {value = 6} : i64
          %m255 = const {value = 255} : i64
          %m16 = const {value = 16} : i64
          %m2047 = const {value = 2047} : i64
          %three = const {value = 3} : i64
          %w = const {value = 2048} : i64
          %n = const {value = 12288} : i64
          %big = const {value = 9223372036854775807} : i64
          %a = and %x, %m255 : i64
          %a_hi = ge %a, %m255 : bool
          %a_lo = lt %a, %z : bool
          %b = mod %x, %m16 : i64
          %b_hi = ge %b, %m16 : bool
          %b_lo = lt %b, %z : bool
          %s = and %x, %m2047 : i64
          %c = shr %s, %three : i64
          %c_hi = gt %c, %m255 : bool
          %wrap = add %a, %big : i64
          %wrap_lo = lt %wrap, %z : bool
          %any = and %x, %k : i64
          %any_lo = lt %any, %z : bool
          %r = for %z, %six, %one, %z : i64 {
            ^(%d: i64, %acc: i64):
            %base = mul %d, %w : i64
            for %z, %w, %one {
              ^(%j: i64):
              %i = add %base, %j : i64
              %i_lo = lt %i, %z : bool
              %i_hi = ge %i, %n : bool
              %bad = or %i_lo, %i_hi : bool
              raise_if %bad {exception = "IndexError", message = "i"}
              yield
            }
            yield %acc
          }
          raise_if %a_hi {exception = "IndexError", message = "a may be 255"}
          raise_if %a_lo {exception = "IndexError", message = "a"}
          raise_if %b_hi {exception = "IndexError", message = "b"}
          raise_if %b_lo {exception = "IndexError", message = "b"}
          raise_if %c_hi {exception = "IndexError", message = "c"}
          raise_if %wrap_lo {exception = "IndexError", message = "wraps"}
          raise_if %any_lo {exception = "IndexError", message = "any"}
          return %r
        }""", """
        func @f(%t: array<i64, 1, C>, %x: i64, %k: i64) -> i64 {
          %z = const {value = 0} : i64
          %one = const {value = 1} : i64
          %six = const {value = 6} : i64
          %m255 = const {value = 255} : i64
          %big = const {value = 9223372036854775807} : i64
          %a = and %x, %m255 : i64
          %a_hi = ge %a, %m255 : bool
          %wrap = add %a, %big : i64
          %wrap_lo = lt %wrap, %z : bool
          %any = and %x, %k : i64
          %any_lo = lt %any, %z : bool
          %r = for %z, %six, %one, %z : i64 {
            ^(%d: i64, %acc: i64):
            yield %acc
          }
          raise_if %a_hi {exception = "IndexError", message = "a may be 255"}
          raise_if %wrap_lo {exception = "IndexError", message = "wraps"}
          raise_if %any_lo {exception = "IndexError", message = "any"}
          return %r
        }"""),
    "bce bounds a loop whose step the bounds prove positive, and decides eq/ne": ("bce,fold,dce", """
        func @f(%n: i64, %s: i64) -> i64 {
          %one = const {value = 1} : i64
          %two = const {value = 2} : i64
          %z = const {value = 0} : i64
          for %two, %n, %one {
            ^(%i: i64):
            %zero_step = eq %i, %z : bool
            raise_if %zero_step {exception = "ValueError", message = "range() arg 3 must not be zero"}
            %nonzero = ne %i, %z : bool
            %zero = not %nonzero : bool
            raise_if %zero {exception = "ValueError", message = "zero"}
            for %s, %n, %i {
              ^(%j: i64):
              %past = ge %j, %n : bool
              %at_n = eq %j, %n : bool
              %neg = lt %j, %z : bool
              %bad = or %past, %neg : bool
              raise_if %bad {exception = "IndexError", message = "out of range"}
              raise_if %at_n {exception = "ValueError", message = "n"}
              yield
            }
            yield
          }
          return %z
        }""", """
        func @f(%n: i64, %s: i64) -> i64 {
          %one = const {value = 1} : i64
          %two = const {value = 2} : i64
          %z = const {value = 0} : i64
          for %two, %n, %one {
            ^(%i: i64):
            for %s, %n, %i {
              ^(%j: i64):
              %neg = lt %j, %z : bool
              raise_if %neg {exception = "IndexError", message = "out of range"}
              yield
            }
            yield
          }
          return %z
        }"""),
    # ------------------------------------------------------------ inline
    "inline copies small non-recursive callees, unrolls a small recursive one once": ("inline,fold,dce", """
        func @f(%x: i64) -> i64 {
          %a = call %x {callee = "twice"} : i64
          %b = call %a {callee = "fact"} : i64
          return %b
        }

        func @twice(%y: i64) -> i64 {
          %t = add %y, %y : i64
          return %t
        }

        func @fact(%n: i64) -> i64 {
          %one = const {value = 1} : i64
          %small = le %n, %one : bool
          %r = if %small : i64 {
            yield %one
          } else {
            %m = sub %n, %one : i64
            %p = call %m {callee = "fact"} : i64
            %q = mul %n, %p : i64
            yield %q
          }
          return %r
        }""", """
        func @f(%x: i64) -> i64 {
          %t = add %x, %x : i64
          %b = call %t {callee = "fact"} : i64
          return %b
        }

        func @twice(%y: i64) -> i64 {
          %t = add %y, %y : i64
          return %t
        }

        func @fact(%n: i64) -> i64 attributes {recursion_unrolled = true} {
          %one = const {value = 1} : i64
          %small = le %n, %one : bool
          %r = if %small : i64 {
            yield %one
          } else {
            %m = sub %n, %one : i64
            %one.1 = const {value = 1} : i64
            %small.1 = le %m, %one.1 : bool
            %r.1 = if %small.1 : i64 {
              yield %one.1
            } else {
              %m.1 = sub %m, %one.1 : i64
              %p = call %m.1 {callee = "fact"} : i64
              %q = mul %m, %p : i64
              yield %q
            }
            %q.1 = mul %n, %r.1 : i64
            yield %q.1
          }
          return %r
        }"""),
}


@pytest.mark.parametrize("name", CASES)
def test_pass_on_ir_text(name):
    pipeline, source, expected = CASES[name]   # expected None: the pipeline changes nothing
    assert run(pipeline, source) == textwrap.dedent(source if expected is None else expected).strip()


# ------------------------------------------------------------ the pass manager
def test_pipelines_are_lists_or_levels():
    assert parse_pipeline("fold, dce,cse") == ["fold", "dce", "cse"]
    assert parse_pipeline("-O2") == list(PRESETS[2]) == parse_pipeline(2) == parse_pipeline("O2")
    assert parse_pipeline(0) == []


@pytest.mark.parametrize("spec, phrase", [("fold,nope", "unknown pass 'nope'"), ("-O7", "unknown optimisation level"),
                                          ("fold,refcount", "the compiler runs it once")])
def test_bad_pipelines_say_what_exists(spec, phrase):
    with pytest.raises(ValueError, match=phrase) as info:
        parse_pipeline(spec)
    assert any(hint in str(info.value) for hint in ("known passes: bce", "0, 1, 2 and 3", "code generation"))


def test_hooks_see_every_pass_and_whether_it_changed_the_module():
    seen = []
    manager = PassManager("dce,fold,cse")
    manager.before.append(lambda p, m: seen.append(("before", p.name)))
    manager.after.append(lambda p, m, changed: seen.append(("after", p.name, changed)))
    module = parse_module("func @f(%x: i64) -> i64 {\n  %d = add %x, %x : i64\n  return %x\n}\n")
    assert manager.run(module) is True
    assert seen == [("before", "dce"), ("after", "dce", True), ("before", "fold"), ("after", "fold", False),
                    ("before", "cse"), ("after", "cse", False)]


def test_verify_each_names_the_pass_that_broke_the_ir():
    @register_pass
    class BreaksReturn:
        name = "test-breaks-return"

        def run(self, module):
            for op in module.walk():
                if op.name == "return":
                    op.set_operands([])
            return True

    try:
        module = parse_module("func @f(%x: i64) -> i64 {\n  return %x\n}\n")
        with pytest.raises(ir.VerificationError, match="after the 'test-breaks-return' pass"):
            PassManager("fold,test-breaks-return", verify_each=True).run(module)
    finally:
        del PASSES["test-breaks-return"]


# ------------------------------------------------------------ compile(opt=, passes=)
def _checked_sum(a):
    s = 0.0
    for i in range(len(a)):
        s += a[i]
    return s


def test_compile_chooses_the_pipeline_by_level_or_by_names():
    import numpy as np

    from compiler import compile

    a = np.arange(5.0)
    by_level = {opt: compile(_checked_sum, opt=opt) for opt in (0, 3)}
    by_names = compile(_checked_sum, passes="fold,dce")
    for f in (*by_level.values(), by_names):
        assert f(a) == _checked_sum(a) == 10.0
    assert "IndexError" in by_level[0].inspect_ir(stage="optimized")       # -O0: no passes
    assert "IndexError" not in by_level[3].inspect_ir(stage="optimized")   # bce proved the index
    assert "IndexError" in by_names.inspect_ir(stage="optimized")
    assert "IndexError" in by_level[3].inspect_ir(stage="ir")              # traced, before the passes


def test_compile_refuses_an_unknown_pass_at_once():
    from compiler import compile

    with pytest.raises(ValueError, match="unknown pass 'vectorise'"):
        compile(_checked_sum, passes="fold,vectorise")


def test_inline_removes_functions_the_entry_no_longer_reaches():
    module = parse_module(textwrap.dedent("""
        func @f(%x: i64) -> i64 {
          %a = call %x {callee = "twice"} : i64
          return %a
        }

        func @twice(%y: i64) -> i64 {
          %t = add %y, %y : i64
          return %t
        }

        func @unused(%y: i64) -> i64 {
          return %y
        }
        """))
    module.entry = "f"
    assert PassManager("inline", verify_each=True).run(module)
    assert [f.sym_name for f in module] == ["f"]


def test_inline_leaves_no_call_a_copied_body_brought_in():
    """f calls g, g calls h: g gets h first, so the copy of g in f holds no call (in the
    other order the call of h copied into f was never looked at)."""
    module = parse_module(textwrap.dedent("""
        func @f(%x: i64) -> i64 {
          %a = call %x {callee = "g"} : i64
          return %a
        }

        func @g(%y: i64) -> i64 {
          %b = call %y {callee = "h"} : i64
          return %b
        }

        func @h(%z: i64) -> i64 {
          %t = add %z, %z : i64
          return %t
        }
        """))
    module.entry = "f"
    assert PassManager("inline", verify_each=True).run(module)
    assert [f.sym_name for f in module] == ["f"]
    assert not [op for op in module["f"].walk() if op.name == "call"]


def _big_callee_called_twice(attributes: str) -> str:
    body = "\n".join(f"  %t{i} = add %t{i - 1}, %y : i64" for i in range(1, 50))
    return textwrap.dedent("""
        func @f(%x: i64) -> i64 {
          %a = call %x {callee = "big"} : i64
          %b = call %a {callee = "big"} : i64
          return %b
        }

        """) + f"func @big(%y: i64) -> i64{attributes} {{\n  %t0 = add %y, %y : i64\n{body}\n  return %t49\n}}\n"


def test_inline_keeps_a_big_callee_of_two_sites_apart_unless_it_asks():
    """A callee of more than MAX_OPS ops called from two places stays a call; one with the
    attribute ``inline`` is copied into both."""
    module = parse_module(_big_callee_called_twice(""))
    module.entry = "f"
    PassManager("inline", verify_each=True).run(module)
    assert len([op for op in module["f"].walk() if op.name == "call"]) == 2
    module = parse_module(_big_callee_called_twice(" attributes {inline = true}"))
    module.entry = "f"
    assert PassManager("inline", verify_each=True).run(module)
    assert [f.sym_name for f in module] == ["f"]
    assert not [op for op in module["f"].walk() if op.name == "call"]


def _recursive(calls: int) -> str:
    """``@r`` calling itself ``calls`` times."""
    sites = "\n".join(f"    %c{i} = call %m {{callee = \"r\"}} : i64\n    %s{i} = add %s{i - 1}, %c{i} : i64"
                      for i in range(1, calls + 1))
    return textwrap.dedent("""
        func @r(%n: i64) -> i64 {
          %one = const {value = 1} : i64
          %small = le %n, %one : bool
          %v = if %small : i64 {
            yield %n
          } else {
            %m = sub %n, %one : i64
            %s0 = add %n, %n : i64
        """) + sites + f"\n    yield %s{calls}\n  }}\n  return %v\n}}\n"


def test_inline_unrolls_a_recursion_once_and_only_while_it_stays_small():
    """A self-recursive function gets a copy of its body for each call of itself, once: a
    second run leaves it be (the attribute ``recursion_unrolled``).  When the copies would
    come to more than ``UNROLL_OPS`` ops it stays as it is."""
    from compiler.passes.inline import UNROLL_OPS

    module = parse_module(_recursive(2))
    size = sum(1 for _ in module["r"].walk())
    assert PassManager("inline", verify_each=True).run(module)
    assert module["r"].attributes["recursion_unrolled"]
    assert len([op for op in module["r"].walk() if op.name == "call"]) == 4
    once = str(module)
    PassManager("inline", verify_each=True).run(module)
    assert str(module) == once
    calls = UNROLL_OPS // size + 1
    module = parse_module(_recursive(calls))
    PassManager("inline", verify_each=True).run(module)
    assert len([op for op in module["r"].walk() if op.name == "call"]) == calls
    assert "recursion_unrolled" not in module["r"].attributes


# ------------------------------------------------------------ partial unrolling, end to end
def _running_sum(a, out):
    s = 0.0
    for i in range(len(a)):
        s += a[i] * i
        out[i] = s
    return s


@pytest.mark.parametrize("n", range(10))
def test_partial_unrolling_keeps_every_trip_and_the_remainder(n):
    import numpy as np

    from compiler import compile

    f = compile(_running_sum, passes="unroll-partial,fold,cse,bce,fold,dce")
    a = np.arange(1.0, n + 1.0)
    out, want_out = np.zeros(n), np.zeros(n)
    assert f(a, out) == _running_sum(a, want_out)
    assert np.array_equal(out, want_out)
    ir_text = f.inspect_ir(stage="optimized")
    assert ir_text.count(" = for ") == 2    # the unrolled loop and the remainder loop


def test_dce_computes_effect_freedom_once_per_op_as_has_no_effect_would():
    from compiler.passes.dce import _effect_freedom, has_no_effect

    checked = 0
    for _, source, _ in CASES.values():
        for func in parse_module(textwrap.dedent(source)):
            for op, free in _effect_freedom(func.body):
                assert free == has_no_effect(op), op
                checked += 1
    assert checked > 300
