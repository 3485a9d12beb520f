"""The verifier: every op's own rules, SSA dominance, call signatures, and the
data flow region ops declare (``ir.interfaces.RegionBranch``: every value a flow
edge forwards has the type of the result or block argument it flows into, so a
new region op is checked without code here).

A failure raises :class:`VerificationError` naming the function, the op,
the rule broken, and showing the printed IR around the op.
"""
from __future__ import annotations

from .core import Block, IsolatedFromAbove, Operation, Terminator, Value
from .diagnostics import VerificationError
from .interfaces import flow, is_region_branch
from .module import Module
from .ops.func import CallOp, FuncOp
from .printer import print_function
from .types import NoneType


def verify(module: Module) -> None:
    for func in module:
        verify_function(func, module)


def verify_function(func: FuncOp, module: Module | None = None) -> None:
    try:
        _verify_op(func)
        _BlockChecker(module).block(func.body, set())
    except VerificationError as err:
        raise _with_context(func, err) from None


def _verify_op(op: Operation) -> None:
    try:
        op.verify_()
    except VerificationError as err:
        err.op = op  # type: ignore[attr-defined]
        raise


class _BlockChecker:
    """Walks a function's blocks, checking structure, dominance and use lists.

    ``visible`` is one set for a whole walk: a block adds its arguments and its ops' results
    as it goes and takes them out again as it ends (values of a block dominate the rest of
    it and the blocks nested in it, nothing else), so a deep nest costs no copy per block;
    an op isolated from above starts its regions from an empty set.  A value's use list is
    searched as a list while it is short and as a set (made once) when it is long: a
    constant with thousands of uses would otherwise cost a search per use."""

    def __init__(self, module: Module | None):
        self.module = module
        self.use_sets: dict[int, set] = {}

    def block(self, block: Block, visible: set[Value]) -> None:
        defined = list(block.args)
        visible.update(defined)
        try:
            last = len(block.ops) - 1
            for i, op in enumerate(block.ops):
                self.op(op, i == last, block, visible)
                for result in op.results:
                    visible.add(result)
                    defined.append(result)
        finally:
            visible.difference_update(defined)

    def op(self, op: Operation, last: bool, block: Block, visible: set[Value]) -> None:
        if op.parent is not block:
            _fail(op, "op's parent link is wrong")
        if not last and op.has_trait(Terminator):
            _fail(op, "terminator is not the last op of its block")
        for index, v in enumerate(op._operands):
            if v not in visible:
                _fail(op, f"operand {index} ({v.name_hint or 'unnamed'}: {v.type}) "
                          "does not dominate this use")
            if not self.used_by(v, op, index):
                _fail(op, f"operand {index} is missing from its value's use list")
        _verify_op(op)
        if self.module is not None and isinstance(op, CallOp):
            _verify_call(op, self.module)
        if op.regions:
            inner = set() if op.has_trait(IsolatedFromAbove) else visible
            for region in op.regions:
                if region.parent is not op or region.block.parent is not region:
                    _fail(op, "region's parent link is wrong")
                self.block(region.block, inner)
        if is_region_branch(op):
            _verify_flow(op)

    def used_by(self, value: Value, op: Operation, index: int) -> bool:
        uses = value.uses
        if len(uses) <= 16:
            return (op, index) in uses
        found = self.use_sets.get(id(value))
        if found is None:
            found = self.use_sets[id(value)] = {(id(user), i) for user, i in uses}
        return (id(op), index) in found


def _verify_flow(op: Operation) -> None:
    """Each declared flow edge joins values of one type (after the op's and its
    terminators' own rules, which give the more precise message)."""
    for f in flow(op):
        if f.source is None:
            sources = op.operands
        else:
            term = op.regions[f.source].block.terminator if f.source < len(op.regions) else None
            sources = term.operands if term is not None else ()
        targets = op.results if f.target is None else (
            op.regions[f.target].block.args if f.target < len(op.regions) else ())
        if f.source_index >= len(sources) or f.target_index >= len(targets):
            _fail(op, f"declares a flow from {_where(f.source, f.source_index)} to "
                      f"{_where(f.target, f.target_index, True)}, which does not exist")
        got, want = sources[f.source_index].type, targets[f.target_index].type
        if got != want:
            _fail(op, f"{_where(f.source, f.source_index)} ({got}) flows into "
                      f"{_where(f.target, f.target_index, True)} ({want})")


def _where(region: int | None, index: int, target: bool = False) -> str:
    if region is None:
        return f"result {index}" if target else f"operand {index}"
    return f"argument {index} of region {region}" if target else f"operand {index} of region {region}'s terminator"


def _verify_call(op: CallOp, module: Module) -> None:
    callee = module.functions.get(op.callee)
    if callee is None:
        _fail(op, f"calls unknown function @{op.callee}")
    if [a.type for a in op.operands] != callee.arg_types:
        _fail(op, f"argument types ({', '.join(str(a.type) for a in op.operands)}) do not match "
                  f"@{op.callee}({', '.join(map(str, callee.arg_types))})")
    expected = [] if isinstance(callee.result_type, NoneType) else [callee.result_type]
    if [r.type for r in op.results] != expected:
        _fail(op, f"result types do not match @{op.callee} -> {callee.result_type}")


def _fail(op: Operation, message: str) -> None:
    err = VerificationError(f"'{op.name}' op: {message}")
    err.op = op  # type: ignore[attr-defined]
    raise err


def _with_context(func: FuncOp, err: VerificationError) -> VerificationError:
    """Add the function name and the printed IR around the faulty op."""
    op = getattr(err, "op", None)
    try:
        text = print_function(func, mark=op)
    except Exception as print_error:  # the IR may be too broken to print
        text = f"(the IR could not be printed: {print_error})"
    where = f" at {op.loc}" if op is not None and op.loc is not None else ""
    new = VerificationError(f"in @{func.sym_name}{where}: {err}\n{text}")
    new.op = op  # type: ignore[attr-defined]
    return new
