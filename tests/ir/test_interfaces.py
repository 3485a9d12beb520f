"""The op interfaces passes ask (``ir.interfaces``): effects, speculatability,
associativity, ownership, constants, and the data flow region ops declare --
with a made-up loop-like op that DCE, LICM and the verifier handle without any
pass knowing it."""
import math
import textwrap

import pytest

import ir
from compiler.passes.manager import PassManager
from ir.core import Operation
from ir.interfaces import (
    BORROWS, NULL, OWNS, Allocate, Diverge, Flow, Global, Raise, Read, RegionBranch, Slot, Write, all_effects,
    control_operands, effects, entry_operands, flow, loop_regions, ownership, reduction_kind, reduction_of, slots,
    sources_of_argument, sources_of_result, speculatable,
)
from ir.ops import AddOp, ConstantOp, MaxOp, MulOp, SubOp, YieldOp, register_op
from ir.ops.control import _check_terminator
from ir.parser import parse_module
from ir.types import f64, i64


def ops_of(text: str) -> dict[str, Operation]:
    """Parse one function; its ops by the name of their first result (or op name)."""
    module = parse_module(textwrap.dedent(text))
    found = {}
    for func in module:
        for op in func.walk():
            key = op.results[0].name_hint if op.results and op.results[0].name_hint else op.name
            found.setdefault(key, op)
    return found


ARRAYS = ops_of("""
    func @f(%a: array<f64, 2, C>, %i: i64, %x: f64, %c: bool) -> f64 {
      %row = array.view %a, %i : array<f64, 1, C>
      %v = array.load %a, %i, %i : f64
      array.store %a, %i, %i, %x
      %b = array.alloc %i : array<f64, 1, C>
      %u = array.undef : array<f64, 1, C>
      %t = tuple %b, %u : tuple<array<f64, 1, C>, array<f64, 1, C>>
      %s = select %c, %b, %u : array<f64, 1, C>
      %q = floordiv %i, %i : i64
      %fq = floordiv %x, %x : f64
      %w = if %c : f64 {
        array.store %a, %i, %i, %x
        yield %x
      } else {
        yield %v
      }
      return %w
    }""")


# ---------------------------------------------------------------- effects
def test_memory_effects_name_the_operand_they_concern():
    assert effects(ARRAYS["v"]) == (Read(0),)
    assert effects(ARRAYS["array.store"]) == (Write(0),)
    assert effects(ARRAYS["b"]) == (Allocate(0), Raise())
    assert effects(ARRAYS["row"]) == () and effects(ARRAYS["q"]) == ()


def test_calls_and_random_draws_touch_state_outside_the_ir():
    ops = ops_of("""
        func @g() -> none {
          return
        }
        func @f() -> f64 {
          call {callee = "g"}
          %r = random.draw {stream = "numpy", kind = "double"} : f64
          py.call %r {target = "print#1"}
          return %r
        }""")
    assert effects(ops["call"]) == (Global(), Raise())
    assert effects(ops["r"]) == (Global(),)
    assert effects(ops["py.call"]) == (Global(), Raise())
    assert not speculatable(ops["r"])


def test_region_ops_have_the_effects_of_their_regions():
    if_op = ARRAYS["w"]
    assert effects(if_op) == ()
    assert Write(0) in all_effects(if_op)


def test_a_while_may_not_end():
    ops = ops_of("""
        func @f(%x: f64) -> f64 {
          %w = while %x : f64 {
            ^(%a: f64):
            %c = const {value = true} : bool
            condition %c, %a
          } do {
            ^(%b: f64):
            yield %b
          }
          return %w
        }""")
    assert effects(ops["w"]) == (Diverge(),)


def test_an_op_declaring_nothing_is_assumed_to_do_anything():
    class Opaque(Operation):
        name = "test.opaque"

    assert effects(Opaque.create([], [], {}, [])) == (Global(),)


# ---------------------------------------------------------------- speculatability
def test_integer_division_is_pure_but_not_speculatable():
    assert ARRAYS["q"].is_pure and not speculatable(ARRAYS["q"])
    assert speculatable(ARRAYS["fq"])
    assert not speculatable(ARRAYS["v"])          # a read
    assert not speculatable(ARRAYS["w"])          # regions


# ---------------------------------------------------------------- associativity
def test_reductions_declare_kind_identity_and_combine():
    add = AddOp.reduction
    assert add.kind == "add" and add.combine is AddOp and add.identity(f64) == 0.0
    assert math.copysign(1.0, add.identity(f64)) == -1.0     # -0.0: the float sum's identity
    assert add.identity(i64) == 0
    assert SubOp.reduction.combine is AddOp and SubOp.reduction.accumulator_operands == (0,)
    assert reduction_kind("max").combine is MaxOp and reduction_kind("max").identity(i64) == i64.min
    assert reduction_kind("mul").identity(f64) == 1.0 and MulOp.reduction.kind == "mul"
    assert reduction_of(ARRAYS["q"]) is None


# ---------------------------------------------------------------- ownership
def test_ownership_of_array_results():
    assert ownership(ARRAYS["b"], 0) == OWNS
    assert ownership(ARRAYS["row"], 0).kind == "view" and ownership(ARRAYS["row"], 0).view_of == 0
    assert ownership(ARRAYS["t"], 0) == BORROWS and ownership(ARRAYS["s"], 0) == BORROWS
    assert ownership(ARRAYS["u"], 0) == NULL
    assert ownership(ARRAYS["w"], 0) == OWNS               # a region op's results
    assert ownership(ARRAYS["q"], 0) is None               # declares nothing


def test_constant_like():
    const = ConstantOp(2.5, f64)
    assert const.has_trait(ir.core.ConstantLike) and const.constant_value() == 2.5


# ---------------------------------------------------------------- region data flow
LOOPS = ops_of("""
    func @f(%x: f64, %n: i64, %c: bool) -> f64 {
      %lo = const {value = 0} : i64
      %st = const {value = 1} : i64
      %r = for %lo, %n, %st, %x : f64 {
        ^(%i: i64, %acc: f64):
        %t = add %acc, %x : f64
        yield %t
      }
      %w = while %r : f64 {
        ^(%a: f64):
        %k = lt %a, %x : bool
        condition %k, %a
      } do {
        ^(%b: f64):
        %b2 = add %b, %b : f64
        yield %b2
      }
      %y = if %c : f64 {
        yield %w
      } else {
        yield %x
      }
      return %y
    }""")


def test_if_flow():
    op = LOOPS["y"]
    assert control_operands(op) == (0,) and entry_operands(op) == [] and loop_regions(op) == []
    assert [v.name_hint for v in sources_of_result(op, 0)] == ["w", "x"]
    assert slots(op) == [Slot(0, None, (), ((0, 0), (1, 0)))]


def test_for_flow():
    op = LOOPS["r"]
    assert control_operands(op) == (0, 1, 2)
    assert entry_operands(op) == [3]
    assert [v.name_hint for v in sources_of_argument(op, 0, 1)] == ["x", "t"]
    assert sources_of_argument(op, 0, 0) == []             # the induction variable
    assert [v.name_hint for v in sources_of_result(op, 0)] == ["x", "t"]   # zero trips: the init
    assert loop_regions(op) == [(0, False)]
    assert slots(op) == [Slot(0, 3, ((0, 1),), ((0, 0),))]


def test_while_flow():
    op = LOOPS["w"]
    assert control_operands(op) == () and entry_operands(op) == [0]
    assert [v.name_hint for v in sources_of_argument(op, 0, 0)] == ["r", "b2"]
    assert [v.name_hint for v in sources_of_argument(op, 1, 0)] == ["a"]
    assert [v.name_hint for v in sources_of_result(op, 0)] == ["a"]
    assert loop_regions(op) == [(0, True), (1, False)]
    assert Flow(0, 0, None, 0) not in flow(op)             # the condition's test flows nowhere


# ---------------------------------------------------------------- a new loop-like op
@register_op
class RepeatOp(Operation):
    """``%r... = test.repeat %n, %init... : T... { ^(%x...): ... yield %x'... }`` -- runs its
    body ``n`` times (maybe none), carrying values.  It declares its flow and nothing
    else; no pass names it."""

    name = "test.repeat"
    traits = frozenset({RegionBranch})

    def control_operands(self):
        return (0,)

    def flow(self):
        n = len(self.results)
        return [*(Flow(None, 1 + k, 0, k) for k in range(n)), *(Flow(None, 1 + k, None, k) for k in range(n)),
                *(Flow(0, k, 0, k) for k in range(n)), *(Flow(0, k, None, k) for k in range(n))]

    def slots(self):
        return [Slot(k, 1 + k, ((0, k),), ((0, k),)) for k in range(len(self.results))]

    def loop_regions(self):
        return [(0, False)]

    def verify_(self):
        if not self.operands or self.operand(0).type != i64:
            self.fail("expects an i64 trip count")
        _check_terminator(self, self.regions[0].block, YieldOp)


def run(pipeline: str, text: str) -> str:
    module = parse_module(textwrap.dedent(text))
    PassManager(pipeline, verify_each=True).run(module)
    return str(module).strip()


REPEAT = """
    func @f(%n: i64, %x: f64, %y: f64) -> f64 {
      %r, %unused = test.repeat %n, %x, %y : f64, f64 {
        ^(%a: f64, %b: f64):
        %k = mul %x, %x : f64
        %a2 = add %a, %k : f64
        %b2 = add %b, %b : f64
        yield %a2, %b2
      }
      %gone = test.repeat %n, %x : f64 {
        ^(%c: f64):
        yield %c
      }
      return %r
    }"""


def test_a_new_loop_like_op_works_with_dce_and_licm_unchanged():
    assert run("dce,licm", REPEAT) == textwrap.dedent("""
        func @f(%n: i64, %x: f64, %y: f64) -> f64 {
          %k = mul %x, %x : f64
          %r = test.repeat %n, %x : f64 {
            ^(%a: f64):
            %a2 = add %a, %k : f64
            yield %a2
          }
          return %r
        }""").strip()


def test_the_verifier_checks_a_new_region_ops_declared_flow():
    bad = REPEAT.replace("yield %a2, %b2", "yield %a2, %n")
    with pytest.raises(ir.VerificationError, match="yields"):
        ir.verify(parse_module(textwrap.dedent(bad)))
