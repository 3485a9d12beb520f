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
        _verify_block(func.body, set(), module)
    except VerificationError as err:
        raise _with_context(func, err) from None


def _verify_op(op: Operation) -> None:
    try:
        op.verify_()
    except VerificationError as err:
        err.op = op  # type: ignore[attr-defined]
        raise


def _verify_block(block: Block, visible: set[Value], module: Module | None) -> None:
    visible = visible | set(block.args)
    for i, op in enumerate(block.ops):
        if op.parent is not block:
            _fail(op, "op's parent link is wrong")
        if op.has_trait(Terminator) and i != len(block.ops) - 1:
            _fail(op, "terminator is not the last op of its block")
        for index, v in enumerate(op.operands):
            if v not in visible:
                _fail(op, f"operand {index} ({v.name_hint or 'unnamed'}: {v.type}) "
                          "does not dominate this use")
            if (op, index) not in v.uses:
                _fail(op, f"operand {index} is missing from its value's use list")
        _verify_op(op)
        if isinstance(op, CallOp) and module is not None:
            _verify_call(op, module)
        inner = set() if op.has_trait(IsolatedFromAbove) else visible
        for region in op.regions:
            if region.parent is not op or region.block.parent is not region:
                _fail(op, "region's parent link is wrong")
            _verify_block(region.block, inner, module)
        if is_region_branch(op):
            _verify_flow(op)
        visible |= set(op.results)


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
