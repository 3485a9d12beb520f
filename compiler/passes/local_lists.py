"""The ``local-lists`` pass: a run-time list that never leaves its function is held as native
values (``local_list<T>``, ``ir.ops.local_lists``) instead of a CPython ``list``.

A run-time list (``frontend.lists``) is a CPython ``list``, every change of it a call of
CPython's own function: an ``append`` of a float boxes it and calls ``list.append`` (about
100 ns).  A list nothing outside the function can reach is only ever seen through the
function's own reads, which give its items' values: such a list can be kept as those values
in a buffer, and nothing the program can observe changes.  This pass finds them: a list

* made by the function (``[]``, ``[x, y]``, ``list()``, a comprehension's list), whose
  every use is
* ``list.append`` of an item of a number type or a tuple of numbers (what ``list.get``
  reads in place), ``list.len`` or ``list.get`` (``len``, ``if lst``, ``lst[i]``,
  ``for x in lst``), an item replaced (``lst[i] = x``: ``frontend.lists.set_item``), the
  last item removed (``lst.pop()``: ``drop_last``), the permutation ``lst.sort()`` by number
  keys ends with (``permute_list``), the ``array.decref`` the ``refcount`` pass put at its
  end (no ``array.incref``: the list has one reference), or ``object.retype`` (the same
  list, typed by a later store) whose result is used so too; or it is returned as the
  function ends (the ``return`` of the function's own block, of the list alone): a CPython
  list of its items is made there (``local_list.box``) and returned instead;
* and none inside a ``parallel.for``, whose threads would append at once.

Anything else -- returned in a tuple or from inside a branch, passed to a call, stored in a
container, carried around a loop, printed, read by a ``py.call`` -- lets the list out, and it stays a CPython
``list``.  Decisions: the items' values are what the list holds, so items appended as NumPy
scalars (``list<np.f64>``) read back as the same numbers; a buffer that cannot grow is a
``MemoryError``, as a CPython list's is.

Runs after the ``refcount`` pass, once per module, at every optimisation level (it picks how
a value is held, as the ``refcount`` pass picks where it is released): it sees the releases
and can check that they are the only ones.
"""
from __future__ import annotations

from ir.clone import clone, clone_block
from ir.core import Block, Operation, Region, Value
from ir.module import Module
from ir.ops.array import ArrayDecrefOp, ArrayIncrefOp
from ir.ops.func import FuncOp, ReturnOp
from ir.ops.lists import ListGetOp, ListLenOp, RetypeOp
from ir.ops.local_lists import (
    LocalListAppendOp, LocalListBoxOp, LocalListGetOp, LocalListLenOp, LocalListNewOp, LocalListPermuteOp,
    LocalListPopOp, LocalListSetOp, holds_in_place,
)
from ir.ops.tuple import TupleGetOp
from ir.ops.parallel import ParallelForOp
from ir.ops.runtime import PyCallOp
from ir.rewriting import Rewriter
from ir.types import ListType, LocalListType, Type

from .base import changes_of, register_pass, remark

__all__ = ["LocalLists"]


@register_pass
class LocalLists:
    name = "local-lists"

    def run(self, module: Module) -> bool:
        rewriter = Rewriter(changes_of(self))
        changed = False
        for func in module:
            for op in [op for op in func.body.walk() if _makes_list(op)]:
                found = _local_uses(op.result)
                if found is not None:
                    _rewrite(op, *found, rewriter)
                    remark(self, op, f"the list is held as native values ({found[0]}): it never leaves the function")
                    changed = True
        return changed


def _is(op: PyCallOp, function: object) -> bool:
    from frontend.pycall import target

    try:
        return target(op.target) is function
    except LookupError:   # IR text from another process
        return False


def _makes_list(op: Operation) -> bool:
    from frontend.lists import new_list

    return isinstance(op, PyCallOp) and len(op.results) == 1 and type(op.result.type) is ListType \
        and (_is(op, new_list) or not op.operands and _is(op, list))


def _local_uses(made: Value) -> tuple[Type, list[Operation]] | None:
    """The item type of the list ``made`` and the ops that use it (through its retypes), if
    they keep it in the function (see the module docstring); else None."""
    element, uses, values = None, [], [made]
    while values:
        value = values.pop()
        if value.type.element is not None:
            if element is not None and value.type.element != element:
                return None
            element = value.type.element
        for op, index in value.uses:
            if any(isinstance(outer, ParallelForOp) for outer in _enclosing(op)):
                return None
            if isinstance(op, RetypeOp) and type(op.result.type) is ListType:
                values.append(op.result)
            elif index != 0 or not (isinstance(op, (ListLenOp, ListGetOp, ArrayDecrefOp, ArrayIncrefOp, ReturnOp))
                                    or _appends(op) or _calls(op, "permute_list", 2) or _calls(op, "set_item", 3)
                                    or _calls(op, "drop_last", 1)):
                return None
            uses.append(op)
    items = list(made.owner.operands) + [op.operand(1) for op in uses if _appends(op)] \
        + [op.operand(2) for op in uses if _calls(op, "set_item", 3)]
    if element is None or not holds_in_place(element) or any(item.type != element for item in items) \
            or not _returned_as_made(uses):
        return None
    return element, uses


def _returned_as_made(uses: list[Operation]) -> bool:
    """Whether the list is not returned, or returned as the function ends: the ``return`` of
    the function's own block, which returns the list alone, after the ``array.incref`` the
    ``refcount`` pass put there for it and the releases of the function's values."""
    increfs = [op for op in uses if isinstance(op, ArrayIncrefOp)]
    returns = [op for op in uses if isinstance(op, ReturnOp)]
    if not increfs and not returns:
        return True
    if len(increfs) != 1 or len(returns) != 1:
        return False
    incref, ret = increfs[0], returns[0]
    block = ret.parent
    if incref.parent is not block or not isinstance(block.parent_op, FuncOp) or len(ret.operands) != 1:
        return False
    between = block.ops[block.index_of(incref) + 1:block.index_of(ret)]
    return all(isinstance(op, (ArrayDecrefOp, TupleGetOp)) for op in between)


def _appends(op: Operation) -> bool:
    return isinstance(op, PyCallOp) and len(op.operands) == 2 and not op.results and _is(op, list.append)


def _calls(op: Operation, name: str, count: int) -> bool:
    """Whether ``op`` is a ``py.call`` of the function ``name`` of ``frontend.lists`` with
    ``count`` operands (a change of a list CPython's list does the same as the local op)."""
    from frontend import lists

    return isinstance(op, PyCallOp) and len(op.operands) == count and not op.results \
        and _is(op, getattr(lists, name))


def _enclosing(op: Operation):
    outer = op.parent_op
    while outer is not None:
        yield outer
        outer = outer.parent_op


def _rewrite(made: PyCallOp, element: Type, uses: list[Operation], rewriter: Rewriter) -> None:
    """Make the list ``made`` a local list and its ``uses`` local list ops."""
    returned = [(op, op.operand(0).type) for op in uses if isinstance(op, ReturnOp)]
    new = rewriter.insert_before(made, LocalListNewOp(LocalListType(element), made.loc, made.result.name_hint))
    for item in made.operands:   # its first items: appended, the list freed if the buffer cannot grow
        append = rewriter.insert_before(made, LocalListAppendOp(new.result, item, made.loc))
        cleanup = clone_block(made.cleanup, {}) if made.cleanup is not None else Block()
        cleanup.append(ArrayDecrefOp(new.result))
        append.add_region(Region(cleanup))
    for op in uses:
        if isinstance(op, RetypeOp):
            rewriter.replace_uses(op.result, new.result)
    rewriter.replace_uses(made.result, new.result)
    for op in uses:
        if isinstance(op, ListLenOp):
            local: Operation = LocalListLenOp(new.result, op.loc, op.result.name_hint)
        elif isinstance(op, ListGetOp):
            local = LocalListGetOp(new.result, op.operand(1), op.loc, op.result.name_hint)
        elif _calls(op, "set_item", 3):
            local = LocalListSetOp(new.result, op.operand(1), op.operand(2), op.loc)
        elif _calls(op, "drop_last", 1):
            local = LocalListPopOp(new.result, op.loc)
        elif isinstance(op, PyCallOp):
            local = (LocalListAppendOp if _appends(op) else LocalListPermuteOp)(new.result, op.operand(1), op.loc)
            if op.regions:   # its cleanup region: what to release when it raises
                local.add_region(op.regions.pop())
        else:
            continue   # array.decref: of the local list now; array.incref and return: below
        rewriter.insert_before(op, local)
        if op.results:
            rewriter.replace_uses(op.result, local.result)
    for ret, list_type in returned:   # a CPython list made of it as the function ends (+1, returned)
        incref = next(op for op in uses if isinstance(op, ArrayIncrefOp))
        block = ret.parent
        boxed = rewriter.insert_before(incref, LocalListBoxOp(new.result, list_type, ret.loc))
        cleanup, mapping = Block(), {}
        for op in block.ops[block.index_of(incref) + 1:block.index_of(ret)]:
            cleanup.append(clone(op, mapping))   # what the function releases, the list itself included
        boxed.add_region(Region(cleanup))
        rewriter.set_operand(ret, 0, boxed.result)
    for op in uses:
        if not isinstance(op, (ArrayDecrefOp, ReturnOp)):
            rewriter.erase(op)
    rewriter.erase(made)
