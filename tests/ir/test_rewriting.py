"""The rewriter, its listeners and the greedy pattern driver (``ir.rewriting``)."""
from __future__ import annotations

import pytest

from ir import AddOp, BinaryOp, ConstantOp, IfOp, MulOp, Operation, parse_module
from ir.rewriting import ChangeLog, Pattern, Rewriter, apply_patterns, is_trivially_dead, pattern


def constant(value):
    owner = value.owner
    return owner.constant_value() if isinstance(owner, ConstantOp) else None


@pattern(AddOp, MulOp)
def fold_constants(op, rewriter):
    a, b = (constant(v) for v in op.operands)
    if a is None or b is None:
        return False
    value = a + b if isinstance(op, AddOp) else a * b
    const = rewriter.insert_before(op, ConstantOp(value, op.result.type, loc=op.loc))
    rewriter.replace(op, [const.result])
    return True


CHAIN = """
func @f(%x: i64) -> i64 {
  %a = const {value = 2} : i64
  %b = const {value = 3} : i64
  %c = add %a, %b : i64
  %d = mul %c, %c : i64
  %e = add %d, %a : i64
  %unused = mul %x, %x : i64
  %r = add %x, %e : i64
  return %r
}
"""


def test_the_driver_reaches_a_fixpoint_and_erases_what_becomes_unused():
    module = parse_module(CHAIN)
    log = ChangeLog()
    assert apply_patterns(module, [fold_constants], log) is True
    text = str(module)
    assert "const {value = 27}" in text and "mul" not in text and text.count("add") == 1
    assert log.patterns == {"fold-constants": 3}
    assert log.counts["inserted"] == 3 and log.counts["replaced"] == 3
    assert "3 rewrites (fold-constants 3)" in log.summary()
    assert apply_patterns(module, [fold_constants], log) is False   # nothing left to do


def test_without_erase_dead_unused_ops_stay():
    module = parse_module(CHAIN)
    apply_patterns(module, [], erase_dead=False)
    assert "%unused" in str(module)
    apply_patterns(module, [])
    assert "%unused" not in str(module)


def test_patterns_are_keyed_by_op_class_and_its_subclasses():
    seen: list[str] = []

    class SeesBinaryOps(Pattern):
        ops = (BinaryOp,)

        def match_and_rewrite(self, op: Operation, rewriter: Rewriter) -> bool:
            seen.append(op.name)
            return False

    apply_patterns(parse_module(CHAIN), [SeesBinaryOps()], erase_dead=False)
    assert sorted(seen) == ["add", "add", "add", "mul", "mul"]
    assert SeesBinaryOps().name == "sees-binary-ops"


def test_patterns_that_undo_each_other_are_stopped():
    @pattern(AddOp)
    def swap(op, rewriter):
        a, b = op.operands
        rewriter.set_operand(op, 0, b)
        rewriter.set_operand(op, 1, a)
        return True

    with pytest.raises(RuntimeError, match="do not reach a fixpoint.*swap on 'add'"):
        apply_patterns(parse_module(CHAIN), [swap])


def test_the_rewriter_moves_a_region_out_and_tells_its_listeners():
    module = parse_module("""
func @f(%x: i64) -> i64 {
  %c = const {value = true} : bool
  %r = if %c : i64 {
    %y = add %x, %x : i64
    yield %y
  } else {
    yield %x
  }
  return %r
}
""")
    log = ChangeLog()
    rewriter = Rewriter(log, None)
    op = next(op for op in module.walk() if isinstance(op, IfOp))
    rewriter.replace(op, rewriter.inline_block_before(op.then_block, op))
    assert "if" not in str(module) and "return %y" in str(module)
    assert dict(log.counts) == {"inserted": 1, "modified": 1, "replaced": 1, "erased": 1}
    with pytest.raises(ValueError, match="has 1 results, replaced by 0"):
        rewriter.replace(next(op for op in module.walk() if isinstance(op, AddOp)), [])


def test_trivially_dead_means_unused_and_without_effects():
    module = parse_module(CHAIN)
    ops = {op.results[0].name_hint: op for op in module.walk() if op.results}
    assert is_trivially_dead(ops["unused"]) and not is_trivially_dead(ops["r"])
