"""Embedding the compiler: a tool builds a function as IR, adds passes of its own, compiles it and calls it.

No Python source is needed: the tool builds the IR with :class:`ir.Builder`.
It works with a :class:`compiler.Compiler` instance, which holds the tool's
options and its own pass registry (the built-in passes plus the tool's), so
the tool's passes are unknown to every other compiler in the process.  One of
its passes is an analysis; the other a rewrite pattern applied by the
compiler's rewrite driver (:func:`ir.rewriting.apply_patterns`), which the
instance's ``compile`` decorator also runs on a Python function.

Run: ``python examples/embedding.py``
"""
from __future__ import annotations

from compiler import Compiler
from compiler.passes import changes_of, remark
from compiler.passes.analysis import constant_of
from ir import (
    AddOp, Builder, ConstantOp, ForOp, FuncOp, IntType, Location, LtOp, Module, MulOp, RaiseIfOp, ReturnOp,
    YieldOp, i64,
)
from ir.rewriting import Rewriter, apply_patterns, pattern

LOC = Location("embedding.py", 1)


def build_sum_of_squares() -> Module:
    """``@sum_of_squares(%n: i64) -> i64``: the sum of ``i * i`` for ``i`` in ``range(n)``;
    ``ValueError`` for a negative ``n``."""
    func = FuncOp("sum_of_squares", [i64], i64, loc=LOC)
    b = Builder.at_end(func.body, loc=LOC)
    (n,) = func.args
    zero, one = b.add(ConstantOp(0, i64)), b.add(ConstantOp(1, i64))
    b.insert(RaiseIfOp(b.add(LtOp(n, zero)), "ValueError", "n must be >= 0, not {}", (n,), loc=LOC))
    loop = b.insert(ForOp(zero, n, one, [zero]))
    i, total = loop.body.args
    with b.inside(loop.body):
        b.insert(YieldOp([b.add(AddOp(total, b.add(MulOp(i, i))))]))
    b.insert(ReturnOp(loop.results[0]))
    return Module([func], entry="sum_of_squares")


class CountOps:
    """The tool's own pass: an analysis that reports the number of ops of each function
    as a remark (the pass manager collects them) and changes nothing."""

    name = "count-ops"

    def run(self, module: Module) -> bool:
        for func in module:
            remark(self, func, f"@{func.sym_name} has {sum(1 for _ in func.walk())} ops")
        return False


@pattern(MulOp)
def double_as_add(op: MulOp, rewriter: Rewriter) -> bool:
    """The tool's own rewrite: integer ``x * 2`` (or ``2 * x``) becomes ``x + x``."""
    if not isinstance(op.result.type, IntType):
        return False
    for x, two in (op.operands, reversed(op.operands)):
        if constant_of(two) == (True, 2):
            add = rewriter.insert_before(op, AddOp(x, x, loc=op.loc))
            rewriter.replace(op, [add.result])
            return True
    return False


class DoubleAsAdd:
    """The tool's pattern pass: applies :func:`double_as_add` until it no longer applies,
    reporting its changes to the log the pass manager gives it."""

    name = "double-as-add"

    def run(self, module: Module) -> bool:
        return apply_patterns(module, [double_as_add], changes_of(self))


def make_compiler() -> Compiler:
    """A compiler instance with the tool's options and its passes registered."""
    compiler = Compiler(opt=3)
    compiler.register_pass(CountOps)
    compiler.register_pass(DoubleAsAdd)
    return compiler


def twice_the_sum(n):
    """A Python function the tool compiles with its own pipeline."""
    total = 0
    for i in range(n):
        total += i * 2
    return total


def main() -> None:
    compiler = make_compiler()
    module = build_sum_of_squares()
    print("== the IR the tool built ==")
    print(module)

    manager = compiler.pipeline("count-ops,inline,fold,dce,cse,licm,count-ops")
    manager.run(module)
    print("== remarks of the pipeline ==")
    for note in manager.remarks:
        print(note)
    print("== after the pipeline ==")
    print(module)

    sum_of_squares = compiler.jit(module)
    for n in (0, 10, 1000):
        print(f"sum_of_squares({n}) = {sum_of_squares([n])}")
    try:
        sum_of_squares([-1])
    except ValueError as err:
        print(f"sum_of_squares(-1) raised ValueError: {err}")

    compiled = compiler.compile(twice_the_sum, passes="double-as-add,fold,dce,count-ops")
    print(f"twice_the_sum(100) = {compiled(100)}, through the tool's passes:")
    print(compiled.inspect_ir(stage="optimized"))

    other = Compiler(opt=1)
    try:
        other.pipeline("count-ops")
    except ValueError as err:
        print(f"another compiler does not know the pass: {err}")


if __name__ == "__main__":
    main()
