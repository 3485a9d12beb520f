"""Lowering of the local list ops (``ir.ops.local_lists``).

A local list is the address of its header, three ``i64`` words in the function's stack frame
(a slot of the entry block): the length, the capacity and the address of the items (null while
there is no buffer).  The header never leaves the function -- the buffer grows inline, with
the C library's ``realloc`` -- so LLVM keeps the three words in registers.

Decisions:

* The buffer starts at 8 items and doubles when full (CPython's growth is 1.125x; the
  amortised cost of an append is a store either way).  A size in bytes of ``2**62`` or more,
  or a null ``realloc``, is a ``MemoryError`` (CPython's, with no message), after the op's
  cleanup region; the old buffer is then still the list's and its cleanup frees it.
* Items are stored in their memory form (a bool is a byte; a tuple of numbers is a struct).
* ``local_list.permute`` gathers the items into a new buffer of exactly their number and
  frees the old one (a ``MemoryError`` when ``malloc`` fails, the old buffer still the list's).
* ``array.decref`` of a local list ``free``s the buffer (``arrays``).
"""
from __future__ import annotations

import llvmlite.ir as lir

from ir.ops.local_lists import (
    LocalListAppendOp, LocalListGetOp, LocalListLenOp, LocalListNewOp, LocalListPermuteOp, LocalListPopOp,
    LocalListSetOp,
)

from .core import (
    _I64, _PTR, LOCAL_LIST_CAPACITY, LOCAL_LIST_HEADER, LOCAL_LIST_ITEMS, LOCAL_LIST_LENGTH, _FunctionLowering,
    _from_memory, _lowers, _to_memory, local_list_field, memory_type,
)

_FIRST_CAPACITY = 8
#: a buffer of this many bytes or more is a ``MemoryError``
_TOO_LARGE = 1 << 62


@_lowers(LocalListNewOp)
def _new(self: _FunctionLowering, op: LocalListNewOp) -> lir.Value:
    header = self.stack_slot(LOCAL_LIST_HEADER)
    self.b.store(lir.Constant(LOCAL_LIST_HEADER, [0, 0, None]), header)
    return header


@_lowers(LocalListLenOp)
def _len(self: _FunctionLowering, op: LocalListLenOp) -> lir.Value:
    return self.b.load(local_list_field(self.b, self.value(op.operand(0)), LOCAL_LIST_LENGTH), typ=_I64)


@_lowers(LocalListGetOp)
def _get(self: _FunctionLowering, op: LocalListGetOp) -> lir.Value:
    b, t = self.b, op.result.type
    items = b.load(local_list_field(b, self.value(op.operand(0)), LOCAL_LIST_ITEMS), typ=_PTR)
    address = b.gep(items, [self.value(op.operand(1))], inbounds=True, source_etype=memory_type(t))
    return _from_memory(b, b.load(address, typ=memory_type(t)), t)


@_lowers(LocalListSetOp)
def _set(self: _FunctionLowering, op: LocalListSetOp) -> None:
    b, t = self.b, op.operand(2).type
    items = b.load(local_list_field(b, self.value(op.operand(0)), LOCAL_LIST_ITEMS), typ=_PTR)
    address = b.gep(items, [self.value(op.operand(1))], inbounds=True, source_etype=memory_type(t))
    b.store(_to_memory(b, self.value(op.operand(2)), t), address)


@_lowers(LocalListPopOp)
def _pop(self: _FunctionLowering, op: LocalListPopOp) -> None:
    b = self.b
    length_field = local_list_field(b, self.value(op.operand(0)), LOCAL_LIST_LENGTH)
    b.store(b.sub(b.load(length_field, typ=_I64), lir.Constant(_I64, 1), flags=("nsw",)), length_field)


@_lowers(LocalListAppendOp)
def _append(self: _FunctionLowering, op: LocalListAppendOp) -> None:
    b, t = self.b, op.operand(1).type
    header, item_type = self.value(op.operand(0)), memory_type(t)
    length_field, capacity_field, items_field = (
        local_list_field(b, header, k) for k in (LOCAL_LIST_LENGTH, LOCAL_LIST_CAPACITY, LOCAL_LIST_ITEMS))
    length = b.load(length_field, typ=_I64)
    with b.if_then(b.icmp_signed("==", length, b.load(capacity_field, typ=_I64)), likely=False):
        _grow(self, op, length, capacity_field, items_field, item_type)
    items = b.load(items_field, typ=_PTR)
    b.store(_to_memory(b, self.value(op.operand(1)), t),
            b.gep(items, [length], inbounds=True, source_etype=item_type))
    b.store(b.add(length, lir.Constant(_I64, 1), flags=("nuw", "nsw")), length_field)


def _grow(self: _FunctionLowering, op: LocalListAppendOp, capacity: lir.Value, capacity_field: lir.Value,
          items_field: lir.Value, item_type: lir.Type) -> None:
    """Double the full buffer (or make the first one); a ``MemoryError`` if it cannot grow."""
    b = self.b
    doubled = b.select(b.icmp_signed("==", capacity, lir.Constant(_I64, 0)), lir.Constant(_I64, _FIRST_CAPACITY),
                       b.shl(capacity, lir.Constant(_I64, 1)))
    item_size = b.ptrtoint(b.gep(lir.Constant(_PTR, None), [lir.Constant(_I64, 1)], source_etype=item_type), _I64)
    size = b.umul_with_overflow(doubled, item_size)
    nbytes = b.extract_value(size, 0)
    too_large = b.or_(b.extract_value(size, 1), b.icmp_unsigned(">=", nbytes, lir.Constant(_I64, _TOO_LARGE)))
    status = self.error_status("MemoryError", "", op.loc)
    with b.if_then(too_large, likely=False):
        self._fail(op, status)
    realloc = self.module.libc("realloc", lir.FunctionType(_PTR, [_PTR, _I64]))
    grown = b.call(realloc, [b.load(items_field, typ=_PTR), nbytes])
    with b.if_then(b.icmp_unsigned("==", grown, lir.Constant(_PTR, None)), likely=False):
        self._fail(op, status)
    b.store(grown, items_field)
    b.store(doubled, capacity_field)


@_lowers(LocalListPermuteOp)
def _permute(self: _FunctionLowering, op: LocalListPermuteOp) -> None:
    b, t = self.b, memory_type(op.operand(0).type.element)
    header, order = self.value(op.operand(0)), self.value(op.operand(1))
    length_field, capacity_field, items_field = (
        local_list_field(b, header, k) for k in (LOCAL_LIST_LENGTH, LOCAL_LIST_CAPACITY, LOCAL_LIST_ITEMS))
    length = b.load(length_field, typ=_I64)
    changed = b.icmp_signed("!=", length, b.extract_value(order, [2, 0]))
    with b.if_then(changed, likely=False):
        self._fail(op, self.error_status("ValueError", "list modified during sort", op.loc))
    with b.if_then(b.icmp_signed(">", length, lir.Constant(_I64, 0))):
        item_size = b.ptrtoint(b.gep(lir.Constant(_PTR, None), [lir.Constant(_I64, 1)], source_etype=t), _I64)
        malloc = self.module.libc("malloc", lir.FunctionType(_PTR, [_I64]))
        new = b.call(malloc, [b.mul(length, item_size, flags=("nuw", "nsw"))])
        with b.if_then(b.icmp_unsigned("==", new, lir.Constant(_PTR, None)), likely=False):
            self._fail(op, self.error_status("MemoryError", "", op.loc))
        old = b.load(items_field, typ=_PTR)
        before, loop, done = b.block, b.append_basic_block("permute"), b.append_basic_block("permuted")
        b.branch(loop)
        b.position_at_end(loop)
        i = b.phi(_I64)
        i.add_incoming(lir.Constant(_I64, 0), before)
        k = b.load(self._element_pointer(order, op.operand(1).type, [i]), typ=_I64)
        item = b.load(b.gep(old, [k], inbounds=True, source_etype=t), typ=t)
        b.store(item, b.gep(new, [i], inbounds=True, source_etype=t))
        following = b.add(i, lir.Constant(_I64, 1), flags=("nuw", "nsw"))
        i.add_incoming(following, b.block)
        b.cbranch(b.icmp_signed("<", following, length), loop, done)
        b.position_at_end(done)
        b.call(self.module.libc("free", lir.FunctionType(lir.VoidType(), [_PTR])), [old])
        b.store(new, items_field)
        b.store(length, capacity_field)
