"""Embedding the compiler: a tool builds a function as IR, adds a pass of its own, compiles it and calls it.

No Python source is involved: the tool builds the IR with :class:`ir.Builder`.
It works with a :class:`compiler.Compiler` instance, which holds the tool's
options and its own pass registry (the built-in passes plus the tool's), so
the tool's pass is unknown to every other compiler in the process.

Run: ``python examples/embedding.py``
"""
from __future__ import annotations

from compiler import Compiler
from compiler.passes import remark
from ir import (
    AddOp, Builder, ConstantOp, ForOp, FuncOp, Location, LtOp, Module, MulOp, RaiseIfOp, ReturnOp, YieldOp, i64,
)

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


def make_compiler() -> Compiler:
    """A compiler instance with the tool's options and its pass registered."""
    compiler = Compiler(opt=3)
    compiler.register_pass(CountOps)
    return compiler


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

    other = Compiler(opt=1)
    try:
        other.pipeline("count-ops")
    except ValueError as err:
        print(f"another compiler does not know the pass: {err}")


if __name__ == "__main__":
    main()
