"""Lists in compiled code: Python lists while tracing, CPython lists at run time.

A list the compiled function makes (a display ``[a, b]``, ``list()``, a comprehension over
Python values) is a Python ``list`` while it is traced: indexing it by a constant, ``for x in
lst`` (unrolled), ``np.array(lst)`` happen while compiling, as before.  It becomes a *run-time
list* -- a CPython ``list`` object, IR type ``list<T>`` (``ir.types.ListType``), built where
the Python list was made -- once it has to:

* it is changed inside a loop or branch that runs at run time (``primes.append(p)`` in a
  ``for`` loop), where a Python list would change once while compiling instead of once per
  iteration;
* it is carried around a run-time loop or merged where run-time paths meet, returned, passed
  to another compiled function, or stored in a run-time list;
* a comprehension iterates values at run time (``[i * i for i in range(n)]``), or its
  condition is only known at run time.

Python-semantics decisions:

* Every item of a run-time list has one type: Python numbers of one kind (``list<i64>``,
  ``list<f64>``, ``list<bool>``, ``list<c128>``), NumPy scalars of one dtype (``list<np.f32>``:
  what ``lst.append(a[i])`` stores), strings, lists, or arrays of one dtype and number of
  dimensions (``list<array<f64, 1, A>>``: each item the NumPy array over the memory of the
  array stored, keeping it alive -- ``runtime.memory.stored_array``; the function is marked
  ``keeps_arrays``, and its calls keep their arguments at hand for the memory it borrows).  Storing a value of another type is a
  ``TypingError`` naming the line (CPython would hold a list of mixed types, whose items compiled
  code could not type): convert it first (``float(x)``).  An empty list takes the type of the
  first item stored in it.
* Every operation is CPython's own list function called when the code runs, so results,
  exceptions and their messages are CPython's, and so is aliasing: two names for one list are
  one object, a list passed in and changed is changed for the caller.
* ``for x in lst`` reads the length at every step, as CPython's list iterator does: items
  appended by the loop are visited, a list shortened by it stops early.
* ``lst.sort(key=f)`` and ``sorted(lst, key=f)`` compute the keys in compiled code, one call
  of ``f`` per item in order (as CPython does), then sort by them as CPython does (stable,
  ``reverse`` as CPython's): keys that are real numbers in compiled code (a stable radix
  sort: the one stable order, unless a key is NaN, where CPython's sort orders the keys),
  others by CPython's sort.
* ``sum(lst)`` has one type, that of the sum of two items and the start: of an empty list of
  floats it is ``0.0`` where CPython gives the start, the int ``0`` -- as a loop's
  accumulator ``s = 0`` is a float after a loop adding floats (``frontend.layout``).  Of
  floats it is added in compiled code, from the start, item after item, as CPython 3.11
  adds them (3.12 compensates the rounding: there CPython's ``sum`` runs).
* A list nothing was stored in yet, in the code before a read of its items, is empty there:
  the read gives CPython's result for an empty list; a loop whose body stores in it after
  the read is traced again with the list typed (:func:`assume_empty`).
* ``len``, indexing and iteration of lists of numbers read the list in place (``list.len``,
  ``list.get``); everything else is a ``py.call``.  A list that exists outside the compiled
  function (a global, a closure's, a default) is never copied into a run-time one: changing
  it inside a run-time loop or branch is refused, as before lists had a run-time form.
"""
from __future__ import annotations

import builtins
import copy
import functools
import operator
import sys
import types
from dataclasses import field
from typing import Any, Callable, NoReturn, Sequence

import numpy as np

from ir import TypingError, UnsupportedError
from ir.dtypes import from_dtype, to_dtype
from ir.core import OpResult
from ir.ops import ForOp, ListGetOp, ListLenOp, PyCallOp, RetypeOp, WhileOp
from ir.records import record
from ir.types import (
    ArrayType, BoolType, ComplexType, FloatType, IntType, ListType, ObjectType, StrType, TupleType, Type, VarTupleType,
    bool_, c128, f64, i64, none, str_,
)

from . import arith
from .context import PathEnds, RegionFrame, TraceContext, current
from .iteration import IndexedIterable
from .pycall import array_parts
from .runtime_calls import StoredArray, call_python, call_python_array
from .values import Symbolic, define, describe, python_scalar_type

__all__ = ["new_list", "permute_list", "set_item", "drop_last", "is_list", "made", "run_time_list", "current_value",
           "as_value", "as_passed", "merged_type", "merged_value", "snapshot", "list_comprehension", "mutable",
           "made_here", "method_of_python_list", "builtin", "binary", "ListItems", "ListReversed", "length",
           "contains", "truth", "give_type", "python_items", "before_current_region", "on_stack", "read_type",
           "kind_of", "item_value", "assume_empty", "read_of_empty", "unpacked", "tuple_of", "stored", "array_item",
           "keeps_arrays"]


def _tr() -> TraceContext:
    return current()


def is_list(x: Any) -> bool:
    """A run-time list (a traced value of type ``list<T>``)."""
    return isinstance(x, Symbolic) and isinstance(x.type, ListType)


# ----------------------------------------------------------------- Python lists of the trace
@record
class _Made:
    """A Python list the traced function made: the frame it was made in, and its run-time
    list once it has one.  (The record keeps the list alive, so its id is not reused.)"""

    items: list
    frame: RegionFrame
    run_time: Symbolic | None = None
    #: the frames open where a read of it inside a region entered since was traced
    reads: list = field(default_factory=list)


def _record(items: list) -> _Made | None:
    record = _tr().function.lists.get(id(items))
    return record if record is not None and record.items is items else None


def made(value: Any) -> Any:
    """``value`` assigned to a variable: a Python list is recorded with the frame it is
    made in (the first frame a name holds it in); one with a run-time list is that."""
    if isinstance(value, list):
        record = _record(value)
        if record is None:
            if not _tr().outlives_the_trace(value):   # a global's, a default's: never made run-time (refused)
                _tr().function.lists[id(value)] = _Made(value, _tr().frame)
        elif record.run_time is not None:
            return record.run_time
    return value


def run_time_list(value: Any) -> Any:
    """``value`` assigned to a variable whose list the function changes inside a loop or a
    branch (the converter finds them): a Python list is made a run-time list here, so that
    what the loop reads of it before it changes it is read at run time too."""
    value = current_value(value)
    if isinstance(value, list):
        made(value)
        if _record(value) is not None:
            return _run_time(value)
    return value


def current_value(value: Any) -> Any:
    """``value``, or the run-time list of a Python list that has one."""
    if isinstance(value, list):
        record = _record(value)
        if record is not None and record.run_time is not None:
            return record.run_time
    return value


def load(value: Any) -> Any:
    """A read of a variable holding ``value``: :func:`current_value`; a read of a Python list
    inside a region entered since it was made is noted (see :func:`_check_no_stale_reads`)."""
    if isinstance(value, list):
        record = _record(value)
        if record is not None and record.run_time is None and _tr().frame is not record.frame:
            record.reads.append(tuple(_tr().function.frames))
    return current_value(value)


def _check_no_stale_reads(record: _Made) -> None:
    """A Python list read inside a loop that is still being traced, and changed now at run
    time (through a name the converter could not see: an alias made in the loop, a function
    it calls): the read saw the list as it was while compiling, not as the loop leaves it."""
    frames = _tr().function.frames
    start = next(i for i, f in enumerate(frames) if f is record.frame) + 1
    loops = [f for f in frames[start:] if isinstance(f.block.parent_op, (ForOp, WhileOp))]
    if any(any(loop is f for f in stack) for loop in loops for stack in record.reads):
        raise _tr().error(UnsupportedError, "this list is changed here at run time, inside a loop that reads it "
                                            "before (where compiling saw it as it was then); change it through "
                                            "the variable it was assigned to, not another name for it")


def as_value(value: Any) -> Any:
    """``value`` with its Python lists made run-time lists, inside tuples too: what becomes a
    value of the IR (a result, an argument of another function, a loop's state).  A list that
    exists outside the compiled function is refused: it would be a copy, not that object."""
    if isinstance(value, tuple):
        return tuple(as_value(v) for v in value)
    if isinstance(value, list):
        if _record(value) is None and _tr().outlives_the_trace(value):
            raise _tr().error(UnsupportedError, "this list exists outside the compiled function (a global, a "
                                                "closure's or a default), and compiled code would pass on a copy "
                                                "of it, not the list itself; pass it in as an argument")
        return _run_time(value)
    return value


def as_passed(value: Any) -> Any:
    """``value`` (a list) as a run-time list for a call into Python that reads it (``print``,
    text, ``py_call``): a list from outside the function as it is now, copied."""
    return _run_time(value)


def _run_time(items: list, changed: bool = False) -> Symbolic:
    """The run-time list of the Python list ``items``: built where the traced function made
    it (before the run-time loops and branches entered since), or here for a list it did
    not name.  ``changed``: for a change of ``items`` read just now (the read of the name
    the method is called on, or that is subscripted, is no stale read)."""
    record = _record(items)
    if record is None:
        return _build(items)
    if record.run_time is None:
        tr = _tr()
        if not on_stack(record.frame):   # made in a region whose traced code ended: built for this use
            return _build(items)
        frames = tr.function.frames
        if changed and record.reads and len(record.reads[-1]) == len(frames) \
                and all(a is b for a, b in zip(record.reads[-1], frames)):
            record.reads.pop()
        _check_no_stale_reads(record)
        block, index = before_current_region(record.frame)
        with tr.builder.inside(block, index):
            record.run_time = _build(items)
    return record.run_time


def on_stack(frame: RegionFrame) -> bool:
    return any(f is frame for f in _tr().function.frames)


def before_current_region(frame: RegionFrame) -> tuple[Any, int | None]:
    """Where code traced now would run before the regions entered since ``frame``: the end of
    ``frame``'s block, or before the op in it that holds the insertion point."""
    tr = _tr()
    block = tr.builder.block
    if block is frame.block:
        return block, tr.builder.index
    op = block.parent_op
    while op is not None and op.parent is not None:
        if op.parent is frame.block:
            return frame.block, frame.block.index_of(op)
        op = op.parent.parent_op
    return frame.block, None


def _build(items: list) -> Symbolic:
    """A run-time list of the values ``items`` holds now."""
    values = [item_value(v) for v in items]
    element, numpy = _one_kind(values, "list")
    values = [stored(v) for v in values]
    values = _unify_nested(values, element)
    return call_python("list", new_list, tuple(values), ListType(element, numpy), raises=False)


def new_list(*items: Any) -> list:
    """A list of ``items``: what a run-time list is made with (``compiler.passes.local_lists``
    knows it by this function)."""
    return list(items)


def _one_kind(values: Sequence[Any], what: str) -> tuple[Type | None, bool]:
    """The one kind (:func:`_item_kind`) of the items ``values`` of a run-time ``what`` (a
    list, a tuple); ``(None, False)`` for none; a ``TypingError`` naming theirs where they differ."""
    kinds = {_item_kind(v) for v in values}
    if len(kinds) > 1:
        raise _tr().error(TypingError, f"a {what} whose items have different types "
                                       f"({', '.join(sorted(_kind_name(k) for k in kinds))}) cannot be a run-time "
                                       f"{what} in compiled code; convert the items to one type")
    return kinds.pop() if kinds else (None, False)


def _unify_nested(values: list, element: Type | None) -> list:
    """Nested run-time lists of unknown item type take the type the others have."""
    if isinstance(element, ListType):
        for v in values:
            if is_list(v) and v.type.element is None:
                give_type(v, element)
    return values


def merged_type(values: list) -> ListType | None:
    """The type of a variable that holds the lists ``values`` on the paths that meet (Python
    lists and run-time lists; None if their item types differ), computed without tracing."""
    types = {kind_of(v)[0] for v in values}
    known = {t for t in types if t.element is not None}
    if len(known) > 1 or len({type(t) for t in types}) > 1:   # (a list and a tuple do not meet)
        return None
    return known.pop() if known else ListType(None)


def merged_value(value: Any, t: ListType) -> Symbolic:
    """``value`` (a list) as the run-time list of type ``t`` a merge carries (a list of no
    known item type, which is empty, as the same object typed ``t``, here)."""
    lst = as_value(current_value(value))
    if lst.type.element is None and t.element is not None:
        return _retyped(lst, t)
    return lst


def give_type(lst: Symbolic, t: ObjectType) -> None:
    """A container of unknown item types (a list, dict or set nothing was stored in: empty)
    takes type ``t``: the value the py.call that made it gave, in place, where only calls read
    it so far; else, for every name holding ``lst``, the same object typed ``t`` from where the
    value is defined (``object.retype``: a block's argument, an op's result, which other
    values must match, keep their type)."""
    value = lst.value
    if value.type == t:
        return
    tr = _tr()
    if tr.assumed_empty.get(id(value)) is value:
        tr.typed_after_read.append(value)
    read_from = tr.typed_with.get(id(value))
    if read_from is not None and read_from[0] is value:   # a dict's value stored empty: the dict's values too
        d = read_from[1]
        d_type = d.type
        give_type(d, type(d_type)(d_type.key, t, d_type.key_numpy, d_type.value_numpy))
    if isinstance(value, OpResult) and isinstance(value.op, PyCallOp) and \
            all(isinstance(user, (PyCallOp, ListLenOp, ListGetOp)) for user, _ in value.uses):
        value.type = t
        return
    where = (value.op.parent, value.op.parent.index_of(value.op) + 1) if isinstance(value, OpResult) \
        else (value.owner, 0)
    with tr.builder.inside(*where):
        lst.value = _retyped(lst, t).value


def _retyped(lst: Symbolic, t: ObjectType) -> Symbolic:
    return Symbolic(_tr().emit_value(RetypeOp(lst.value, t)).value, weak=True)


def kind_of(value: Any) -> tuple[Type, bool]:
    """``_item_kind`` of a value before it is made storable (nothing traced)."""
    from .strings import str_like   # a layer above

    value = current_value(value)
    if isinstance(value, list):
        kinds = {kind_of(v) for v in value}
        known = {k for k in kinds if not (isinstance(k[0], ListType) and k[0].element is None)}
        if len(known) > 1:
            raise _tr().error(TypingError, "a list whose items have different types "
                                           f"({', '.join(sorted(_kind_name(k) for k in known))}) cannot be a "
                                           "run-time list in compiled code; convert the items to one type")
        return ListType(*(known or kinds or {(None, False)}).pop()), False
    if str_like(value):
        return StrType(), False
    return _item_kind(value)


def snapshot(value: Any) -> Symbolic:
    """A deep copy of the list ``value`` made now: text made of it later shows it as it is here."""
    lst = as_value(current_value(value))
    return call_python("copy.deepcopy", copy.deepcopy, (lst,), lst.type, raises=False)


# ----------------------------------------------------------------- item types
def item_value(value: Any) -> Any:
    """``value`` as an item of a run-time list (text and Python strings as run-time strings)."""
    from .strings import as_value as string_value   # a layer above

    return string_value(as_value(current_value(value)))


def _item_kind(value: Any) -> tuple[Type, bool]:
    """(type, NumPy scalar?) of an item of a run-time list; other values are refused.  A tuple
    is one of Python numbers, strings, lists or such tuples (``pairs.append((i, x))``)."""
    if isinstance(value, tuple):
        return TupleType(tuple(_tuple_part(v) for v in value)), False
    if isinstance(value, Symbolic):
        t = value.type
        if t.is_scalar:
            if isinstance(t, IntType) and not t.signed and t.bits == 64:
                raise _tr().error(UnsupportedError, "a list of uint64 values is not supported in compiled code; "
                                                    "store int(x) (Python ints)")
            return t, not value.weak
        if isinstance(t, ObjectType):
            return t, False
        if isinstance(t, ArrayType):
            return array_item(t), False
        raise _tr().error(UnsupportedError, f"a list of {t} values is not supported in compiled code")
    t = python_scalar_type(value)
    if t is not None:
        return t, isinstance(value, np.generic)
    if isinstance(value, np.ndarray):
        raise _tr().error(UnsupportedError, "an array of a global or closure variable cannot be an item of a run-time "
                                            "list in compiled code (it reads such arrays as constants); store a "
                                            "copy, x.copy()")
    raise _tr().error(UnsupportedError, f"a {describe(value)} cannot be an item of a run-time list in compiled code; "
                                        "lists hold numbers, strings, tuples, arrays or lists")


def array_item(t: ArrayType) -> ArrayType:
    """The item type of a list of arrays of ``t``'s dtype and dimensions: any layout (a list
    holds C arrays and views alike)."""
    if t.readonly:
        raise _tr().error(UnsupportedError, "a read-only array cannot be an item of a run-time list in compiled "
                                            "code (its items are written through); store a copy, a.copy()")
    return ArrayType(t.dtype, t.ndim, "A")


def stored(value: Any) -> Any:
    """An item as a list stores it: an array as one sharing the memory and keeping it alive
    (``runtime.memory.stored_array``: a list of arrays holds the arrays themselves)."""
    if isinstance(value, Symbolic) and isinstance(value.type, ArrayType):
        keeps_arrays()
        return StoredArray(value)
    return value


def keeps_arrays() -> None:
    """Mark the function being traced as one that stores arrays in containers or reads them
    back: its calls keep their arguments at hand for the memory it borrows
    (``runtime.memory.lending``, which the compiler sets up for a function with this mark)."""
    _tr().function.func_op.attributes["keeps_arrays"] = True


def _tuple_part(value: Any) -> Type:
    if isinstance(value, Symbolic) and isinstance(value.type, ArrayType):
        raise _tr().error(UnsupportedError, "a tuple holding an array cannot be an item of a run-time list in "
                                            "compiled code; store the arrays in lists of their own")
    t, numpy = _item_kind(value)
    if numpy:
        raise _tr().error(UnsupportedError, "a tuple holding a NumPy scalar cannot be an item of a run-time list in "
                                            "compiled code; convert it to a Python number (float(x), int(x))")
    return t


def _kind_name(kind: tuple[Type, bool]) -> str:
    t, numpy = kind
    if numpy:
        return f"NumPy {to_dtype(t).name}"
    return {BoolType: "bool", IntType: "int", FloatType: "float", ComplexType: "complex",
            TupleType: "tuple"}.get(type(t), str(t))


def _check_store(lst: Symbolic, value: Any) -> Any:
    """``value`` made storable in ``lst`` (whose item type it may set, if not known yet)."""
    value = item_value(value)
    _check_kind(lst, _item_kind(value), value)
    return stored(value)


def _check_kind(lst: Symbolic, kind: tuple[Type, bool], value: Any = None) -> None:
    """Items of ``kind`` may be stored in ``lst`` (which takes that type if it has none yet;
    a nested list of unknown item type takes the one the other side has)."""
    t = lst.type
    if t.element is None:
        give_type(lst, ListType(*kind))
        return
    if kind == (t.element, t.numpy):
        return
    nested = isinstance(kind[0], ListType) and isinstance(t.element, ListType)
    if nested and kind[0].element is None and is_list(value):
        give_type(value, t.element)
        return
    if nested and t.element.element is None:
        give_type(lst, ListType(kind[0]))
        return
    raise _tr().error(TypingError, f"this list holds {_kind_name((t.element, t.numpy))} items; storing a "
                                   f"{_kind_name(kind)} would make a list of mixed types, which compiled code does "
                                   "not hold: convert it first (int(x), float(x), ...)")


def _same_items(a: Symbolic, b: Any, what: str) -> Any:
    """``b`` (a list) as a run-time list with ``a``'s item type (either may not know it yet)."""
    b = item_value(b)
    if not is_list(b):
        raise _tr().error(TypingError, what)
    ta, tb = a.type, b.type   # (a list and a tuple: each keeps its kind)
    if ta.element is None and tb.element is not None:
        give_type(a, type(ta)(tb.element, tb.numpy))
    elif tb.element is None and ta.element is not None:
        give_type(b, type(tb)(ta.element, ta.numpy))
    elif (ta.element, ta.numpy) != (tb.element, tb.numpy):
        raise _tr().error(TypingError, f"a {ta} and a {tb} hold items of different types; compiled code does not "
                                       "make lists of mixed types: convert the items first")
    return b


def read_type(t: Type) -> Type:
    """The type a ``py.call`` reads an item of type ``t`` as (then cast to ``t``)."""
    if isinstance(t, (ObjectType, BoolType, TupleType, ArrayType)):   # a tuple holds Python numbers: read as they are
        return t
    return {IntType: i64, FloatType: f64, ComplexType: c128}[type(t)]


def _read(name: str, fn: Callable[..., Any], lst: Symbolic, args: tuple, raises: bool = True) -> Any:
    """An item of ``lst`` that ``fn(lst, *args)`` returns when the code runs."""
    t = lst.type
    if t.element is None:
        read_of_empty(name, fn, (lst, *args), lst, length(lst))
    read = read_type(t.element)
    if isinstance(read, ArrayType):   # its parts, a reference of its memory for compiled code
        keeps_arrays()
        return call_python(name, lambda *a: array_parts(fn(*a)), (lst, *args), read, raises)
    value = call_python(name, fn, (lst, *args), read, raises)
    if isinstance(t.element, TupleType):   # a Python tuple of its (Python) items
        return python_items(_tr().unpack(value))
    if read != t.element:
        value = arith.cast(value, t.element)
    value.weak = not t.numpy
    return value


def python_items(items: tuple) -> tuple:
    """``items`` (a tuple read from Python, nested) as the Python numbers and strings it holds."""
    for v in items:
        if isinstance(v, tuple):
            python_items(v)
        else:
            v.weak = True
    return items


def _list_result(name: str, fn: Callable[..., Any], lst: Symbolic, args: tuple, raises: bool = True) -> Symbolic:
    """A new list of ``lst``'s type that ``fn(lst, *args)`` returns."""
    return call_python(name, fn, (lst, *args), lst.type, raises)


def _integer(x: Any) -> bool:
    if isinstance(x, Symbolic):
        return isinstance(x.type, (IntType, BoolType))
    return isinstance(x, (int, np.integer))


def _index(x: Any, what: str) -> Any:
    if not _integer(x):
        raise _tr().error(TypingError, f"{what} must be integers or slices, not {_python_name(x)}")
    return x


def read_of_empty(name: str, fn: Callable[..., Any], args: tuple, container: Symbolic, size: Symbolic) -> NoReturn:
    """An item ``fn(*args)`` reads of ``container`` of no item type (``size`` its length),
    which is empty here (:func:`assume_empty`): ``fn`` raises CPython's error (the
    ``IndexError`` of ``lst[i]``, ``max()``'s ``ValueError``), or the loop reading it does not
    run, so the path ends: nothing after it is traced with an item of no type."""
    assume_empty(container, size)
    call_python(name, fn, args, none, raises=True)
    raise PathEnds()


def assume_empty(container: Symbolic, size: Symbolic) -> None:
    """Items of ``container`` (a list, dict or set of no known item type; ``size`` its length)
    are read here.  Nothing was stored in it earlier in the code, so it is empty when this
    runs, and the read gives CPython's result for an empty one (an ``IndexError``, no trip of
    a loop) -- unless a store later in an enclosing loop, whose next trip comes back here,
    gives it items: that store types the container (:func:`give_type`), and the loop is traced
    again with it typed (``frontend.control``).  A run-time check raises where the container
    holds items all the same (a second name for it that compiled code saw as another object,
    ``f(a, a)``) -- loudly, never reading items of an unknown type."""
    tr = _tr()
    tr.assumed_empty[id(container.value)] = container.value
    arith.raise_if(arith.compare("!=", size, 0), "RuntimeError",
                   "compiled code read this container as empty (nothing was stored in it before this line) but "
                   "it holds items: store in it before this line, or make it with an item", deviation=True)


def _python_name(x: Any) -> str:
    if isinstance(x, Symbolic):
        return {BoolType: "bool", IntType: "int", FloatType: "float", ComplexType: "complex",
                StrType: "str", ListType: "list", VarTupleType: "tuple"}.get(type(x.type), str(x.type))
    return type(x).__name__


def _slice_bounds(key: slice) -> tuple:
    for bound in (key.start, key.stop, key.step):
        if bound is not None and not _integer(bound):
            raise _tr().error(TypingError, "slice indices must be integers or None or have an __index__ method")
    return key.start, key.stop, key.step


# ----------------------------------------------------------------- operations
def length(lst: Symbolic) -> Symbolic:
    """``len(lst)``: read in place (``list.len``), a Python int."""
    return Symbolic(_tr().emit_value(ListLenOp(lst.value)).value, weak=True)


def _item_at(lst: Symbolic, index: Any, checked: bool) -> Any:
    """``lst[index]``: of a list of numbers (or of tuples of Python numbers) read in place
    (``list.get``), where ``checked`` after CPython's ``IndexError`` for an index out of range
    (a negative one counts from the end); items of other types through CPython's
    ``operator.getitem``."""
    t = lst.type
    if t.element is None or not ListGetOp.reads_in_place(t.element):
        return _read("list index", operator.getitem, lst, (index,), raises=checked)
    index = arith.cast(index, i64)
    if checked:
        n = length(lst)
        index = arith.select(arith.compare("<", index, 0), arith.binary("+", index, n), index)
        outside = arith.logical_or(arith.compare("<", index, 0), arith.compare(">=", index, n))
        arith.raise_if(outside, "IndexError", f"{_kind(lst)} index out of range")
    value = Symbolic(_tr().emit_value(ListGetOp(lst.value, arith.materialize(index, i64))).value)
    if isinstance(t.element, TupleType):   # a Python tuple of its (Python) items
        return python_items(_tr().unpack(value))
    value.weak = not t.numpy
    return value


def _kind(lst: Symbolic) -> str:
    """``"tuple"`` for a run-time tuple (``vtuple<T>``), else ``"list"``: the name CPython's messages use."""
    return "tuple" if isinstance(lst.type, VarTupleType) else "list"


def truth(lst: Symbolic) -> Symbolic:
    """``bool(lst)``: a non-zero length (``list.len``), as CPython's."""
    return arith.compare("!=", length(lst), 0)


def contains(lst: Symbolic, item: Any) -> Symbolic:
    """``item in lst``: CPython compares with ``==`` item by item."""
    return call_python("list in", operator.contains, (lst, item), bool_)


def getitem(lst: Symbolic, key: Any) -> Any:
    if isinstance(key, slice):
        start, stop, step = _slice_bounds(key)
        return _list_result("list slice", lambda v, a, b, c: v[a:b:c], lst, (start, stop, step))
    return _item_at(lst, _index(key, "list indices"), checked=True)


def setitem(lst: Symbolic, key: Any, value: Any) -> None:
    if isinstance(key, slice):
        start, stop, step = _slice_bounds(key)
        items = _same_items(lst, value, "can only assign an iterable") if isinstance(value, list) or is_list(value) \
            else _refuse_slice_value(value)
        call_python("list slice assignment", lambda v, a, b, c, w: v.__setitem__(slice(a, b, c), w),
                    (lst, start, stop, step, items), none)
        return
    value = _check_store(lst, value)
    index = _index(key, "list indices")
    t = lst.type
    if type(value) in (bool, int, float) and not t.numpy and python_scalar_type(value) == t.element \
            and -2 ** 63 <= value < 2 ** 63:   # a number written in the code
        value = Symbolic(arith.materialize(value, t.element), weak=True)
    huge_index = isinstance(index, int) and not -2 ** 63 <= index < 2 ** 63
    if huge_index or not (isinstance(value, Symbolic) and value.type.is_scalar and value.type == t.element):
        call_python("list item assignment", operator.setitem, (lst, index, value), none)
        return
    from .runtime_calls import call_python_direct   # a number stored: the index checked here

    n, index = length(lst), arith.cast(index, i64)
    index = arith.select(arith.compare("<", index, 0), arith.binary("+", index, n), index)
    outside = arith.logical_or(arith.compare("<", index, 0), arith.compare(">=", index, n))
    arith.raise_if(outside, "IndexError", "list assignment index out of range")
    index = Symbolic(arith.materialize(index, i64), weak=True)
    call_python_direct("list item assignment", set_item, (lst, index, value), none)


def set_item(items: list, index: int, value: Any) -> None:
    """``items[index] = value`` at an index in range (``compiler.passes.local_lists`` knows the
    call by this function)."""
    items[index] = value


def _refuse_slice_value(value: Any) -> Any:
    raise _tr().error(UnsupportedError, f"assigning a {describe(value)} to a slice of a list is not supported in "
                                        "compiled code; assign a list")


def _concatenate(a: Any, b: Any) -> Symbolic:
    for x in (a, b):
        if not (is_list(x) and not isinstance(x.type, VarTupleType) or isinstance(x, list)):
            raise _tr().error(TypingError, f'can only concatenate list (not "{_python_name(x)}") to list')
    a = item_value(a)
    b = _same_items(a, b, "")
    return call_python("list +", operator.add, (a, b), a.type, raises=False)


def binary(op: str, a: Any, b: Any) -> Any:
    """``a <op> b`` (an arithmetic operator) where a side is a list and the other is traced."""
    if op == "+":
        return _concatenate(a, b)
    if op == "*":
        return _repeat(item_value(b), a) if _integer(a) else _repeat(item_value(a), b)
    raise _tr().error(TypingError, f"unsupported operand type(s) for {op}: '{_python_name(a)}' and "
                                   f"'{_python_name(b)}'")


def _repeat(lst: Symbolic, n: Any) -> Symbolic:
    if not _integer(n):
        raise _tr().error(TypingError, f"can't multiply sequence by non-int of type '{_python_name(n)}'")
    return call_python("list *", operator.mul, (lst, n), lst.type)


def _extend(lst: Symbolic, other: Any) -> None:
    """``lst.extend(other)``: a list, a tuple, a range or a 1-d array (whose items are NumPy
    scalars), each item stored as ``append`` would."""
    from .sequences import Range   # a layer above

    other = current_value(other)
    if isinstance(other, (list, tuple)):
        other = tuple(_check_store(lst, item) for item in other)
        call_python("list.extend", lambda v, *items: v.extend(items), (lst, *other), none, raises=False)
        return
    if isinstance(other, Range):
        _check_kind(lst, (i64, False))
        call_python("list.extend", lambda v, a, b, c: v.extend(range(a, b, c)),
                    (lst, other.start, other.stop, other.step), none)
        return
    if isinstance(other, Symbolic) and isinstance(other.type, ArrayType):
        if other.type.ndim != 1:
            raise _tr().error(UnsupportedError, "extending a list with the rows of an array is not supported in "
                                                "compiled code (a list of arrays); extend with a 1-d array")
        _check_kind(lst, (other.type.dtype, True))
    else:
        other = _same_items(lst, other, f"'{_python_name(other)}' object is not iterable")
    call_python("list.extend", list.extend, (lst, other), none)


def _iadd(lst: Symbolic, other: Any) -> Symbolic:
    """``lst += other``: extends ``lst`` in place (every name for it sees the change)."""
    _extend(lst, other)
    return lst


def _imul(lst: Symbolic, n: Any) -> Symbolic:
    if not _integer(n):
        raise _tr().error(TypingError, f"can't multiply sequence by non-int of type '{_python_name(n)}'")
    call_python("list *=", operator.imul, (lst, n), none, raises=False)
    return lst


def _compare(op: str, fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def compare(a: Any, b: Any) -> Any:
        return call_python(f"list {op}", fn, (item_value(a), item_value(b)), bool_, raises=op not in ("==", "!="))
    return compare


# ----------------------------------------------------------------- methods
def _append(lst: Symbolic, item: Any) -> None:
    call_python("list.append", list.append, (lst, _check_store(lst, item)), none, raises=False)


def _insert(lst: Symbolic, index: Any, item: Any) -> None:
    _index(index, "list indices")
    call_python("list.insert", list.insert, (lst, index, _check_store(lst, item)), none)


def _pop(lst: Symbolic, index: Any = -1) -> Any:
    """``lst.pop(index)``; of the last item of a list of numbers (or of tuples of numbers): the
    item read in place, CPython's ``IndexError`` for an empty list, the item removed
    (:func:`drop_last`)."""
    t = lst.type
    last = isinstance(index, int) and not isinstance(index, bool) and index == -1
    if not last or t.element is None or not ListGetOp.reads_in_place(t.element):
        return _read("list.pop", list.pop, lst, (_index(index, "list indices"),))
    from .runtime_calls import call_python_direct

    n = length(lst)
    arith.raise_if(arith.compare("==", n, 0), "IndexError", "pop from empty list")
    item = _item_at(lst, arith.binary("-", n, 1), checked=False)
    call_python_direct("list.pop", drop_last, (lst,), none)
    return item


def drop_last(items: list) -> None:
    """``del items[-1]`` (``compiler.passes.local_lists`` knows the call by this function)."""
    del items[-1]


def _remove(lst: Symbolic, item: Any) -> None:
    call_python("list.remove", list.remove, (lst, item_value(item)), none)


def _index_of(lst: Symbolic, item: Any, *bounds: Any) -> Symbolic:
    return call_python(f"{_kind(lst)}.index", lambda v, *a: v.index(*a), (lst, item_value(item), *bounds), i64)


def _count(lst: Symbolic, item: Any) -> Symbolic:
    return call_python(f"{_kind(lst)}.count", lambda v, x: v.count(x), (lst, item_value(item)), i64)


def _reverse(lst: Symbolic) -> None:
    call_python("list.reverse", list.reverse, (lst,), none, raises=False)


def _clear(lst: Symbolic) -> None:
    call_python("list.clear", list.clear, (lst,), none, raises=False)


def _copy(lst: Symbolic) -> Symbolic:
    """A new list of the items of ``lst`` (``lst.copy()``; of a tuple, ``list(t)``)."""
    t = lst.type
    return call_python("list", list, (lst,), ListType(t.element, t.numpy), raises=False)


def _sort(lst: Symbolic, *, key: Any = None, reverse: Any = False) -> None:
    """``lst.sort(key=..., reverse=...)``: the keys computed in compiled code (one call of
    ``key`` per item, in order); keys that are real numbers (the items themselves without
    ``key``) with a constant ``reverse`` sorted in compiled code (:func:`_sort_by_numbers`),
    others by CPython's stable sort."""
    keys = lst
    if key is not None:
        keys = list_comprehension(key, _SortedItems(lst), None)
        keys = keys if is_list(keys) else _build(keys)
    element = keys.type.element
    if isinstance(element, (BoolType, IntType, FloatType)) and isinstance(reverse, (bool, int)):
        _sort_by_numbers(lst, keys, bool(reverse))
    elif key is None:
        call_python("list.sort", lambda v, r: v.sort(reverse=r), (lst, reverse), none)
    else:
        call_python("list.sort(key=...)", _sort_by_keys, (lst, keys, reverse), none)


def _sort_by_numbers(lst: Symbolic, keys: Symbolic, reverse: bool) -> None:
    """Put ``lst`` in the order of its number ``keys`` as CPython's ``list.sort`` does: a stable
    sort (``reverse``: the keys reversed, sorted stably, the order reversed back, so that equal
    keys keep their order).  For keys that ``<`` orders (no NaN) there is one stable order: the
    one ``frontend.sorting.stable_order`` finds; with a NaN, the order CPython's own sort of the
    keys gives (:func:`_cpython_order`).  The list is then permuted in place
    (:func:`permute_list`; a list that never leaves the function: ``local_list.permute``)."""
    from . import numpy_api, pyarray, sorting   # layers above
    from .control import staged_if
    from .runtime_calls import call_python_direct, numpy_in_place

    n = length(keys)
    values = numpy_api.allocate(n, keys.type.element)
    nan = _tr().inline(pyarray.list_values, (values, keys, reverse))
    order = numpy_api.arange(n)

    def stable() -> None:
        sorting.stable_order(order, values)
        if reverse:
            _tr().call(pyarray.positions_reversed, (order,), {})

    staged_if(nan, lambda: numpy_in_place("list.sort", functools.partial(_cpython_order, reverse=reverse), order,
                                          values),
              stable, lambda: (), lambda state: None, ())
    call_python_direct("list.sort", permute_list, (lst, order), none)


def _cpython_order(order: np.ndarray, keys: np.ndarray, reverse: bool) -> None:
    """``order``: the positions of the keys in the order CPython's ``list.sort`` of them puts
    them (its comparisons of Python numbers, NaN included); ``keys`` as ``list_values`` made
    them, reversed with ``reverse``."""
    values = keys.tolist()[::-1] if reverse else keys.tolist()
    order[:] = sorted(range(len(values)), key=values.__getitem__, reverse=reverse)


def permute_list(items: list, order: tuple) -> None:
    """``items[:] = [items[k] for k in order]``, ``order`` the boxed parts of a 1-d ``int64``
    array; CPython's ``ValueError`` if the list changed length since the order was made (a sort
    key that changes the list) (``compiler.passes.local_lists`` knows the call by this
    function)."""
    from .pycall import array_view

    positions = array_view(order, np.dtype(np.int64), 1).tolist()
    if len(positions) != len(items):   # a sort key changed the list
        raise ValueError("list modified during sort")
    items[:] = [items[k] for k in positions]


def _sort_by_keys(items: list, keys: list, reverse: bool) -> None:
    """Sort ``items`` in place by ``keys`` (one per item) as ``items.sort(key=..., reverse=...)``
    would: CPython's sort calls its key function once per item, in the list's order, so a key
    function that hands out ``keys`` in that order (``partial(next, iter(keys))``, no Python
    frame: ``next(it, item)``) is the user's own, and the sort (stable, its comparisons, its
    fast paths for floats and ints) is CPython's."""
    items.sort(key=functools.partial(next, iter(keys)), reverse=bool(reverse))


_METHODS: dict[str, Callable[..., Any]] = {
    "append": _append, "extend": _extend, "insert": _insert, "pop": _pop, "remove": _remove, "index": _index_of,
    "count": _count, "reverse": _reverse, "clear": _clear, "copy": _copy, "sort": _sort,
}


def _bound_method(lst: Symbolic, name: str) -> Callable[..., Any]:
    impl = _METHODS.get(name)
    if impl is None:
        if not hasattr(list, name):
            raise _tr().error(TypingError, f"'list' object has no attribute '{name}'")
        raise _tr().error(UnsupportedError, f"list.{name} of a run-time list is not supported in compiled code")
    return types.MethodType(impl, lst)   # a method of a traced value (``frontend.calls``)


def _attributes() -> dict[str, Callable]:
    table: dict[str, Callable] = {
        "__getitem__": getitem, "__setitem__": setitem,
        "__add__": _concatenate, "__radd__": lambda self, other: _concatenate(other, self),
        "__mul__": _repeat, "__rmul__": _repeat, "__iadd__": _iadd, "__imul__": _imul,
        **{f"__{name}__": _compare(op, fn) for name, op, fn in (
            ("eq", "==", operator.eq), ("ne", "!=", operator.ne), ("lt", "<", operator.lt),
            ("le", "<=", operator.le), ("gt", ">", operator.gt), ("ge", ">=", operator.ge))},
    }
    for name in dir(list):
        if not name.startswith("_"):
            table[name] = (lambda n: lambda lst: _bound_method(lst, n))(name)
    return table


define(ListType, _attributes())


def unpacked(value: Any, count: int) -> Any:
    """``a, b = value`` of a run-time list or tuple: a Python tuple of its ``count`` items, after
    CPython's ``ValueError`` where its length is another ("too many values to unpack", "not
    enough values to unpack"); any other value as it is."""
    value = current_value(value)
    if not is_list(value):
        return value
    n = length(value)
    arith.raise_if(arith.compare(">", n, count), "ValueError", f"too many values to unpack (expected {count})")
    arith.raise_if(arith.compare("<", n, count), "ValueError",
                   f"not enough values to unpack (expected {count}, got {{}})", n)
    return tuple(_item_at(value, k, checked=False) for k in range(count))


# ----------------------------------------------------------------- run-time tuples
def tuple_of(value: Any) -> Any:
    """``tuple(lst)`` of a run-time list: a run-time tuple (``vtuple<T>``: CPython's tuple of
    the items, its length known only when the code runs), which compiled code reads as it reads
    a list; of a run-time tuple, itself."""
    t = value.type
    if isinstance(t, VarTupleType):
        return value
    return call_python("tuple", tuple, (value,), VarTupleType(t.element, t.numpy), raises=False)


def _as_tuple(x: Any) -> Symbolic:
    """``x`` (a run-time tuple, or a Python tuple of items of one type) as a run-time tuple;
    CPython's ``TypeError`` of concatenating a tuple with anything else."""
    x = current_value(x)
    if isinstance(x, Symbolic) and isinstance(x.type, VarTupleType):
        return x
    if not isinstance(x, tuple):
        raise _tr().error(TypingError, f'can only concatenate tuple (not "{_python_name(x)}") to tuple')
    values = tuple(item_value(v) for v in x)
    element, numpy = _one_kind(values, "tuple")
    return call_python("tuple", lambda *xs: xs, tuple(stored(v) for v in values), VarTupleType(element, numpy),
                       raises=False)


def _tuple_concatenate(a: Any, b: Any) -> Symbolic:
    """``a + b`` where a side is a run-time tuple: a new one (CPython's ``tuple + tuple``); its
    items of one type."""
    left = current_value(a)
    if not isinstance(left, tuple) and not (isinstance(left, Symbolic) and isinstance(left.type, VarTupleType)):
        if isinstance(left, list) or is_list(left):
            raise _tr().error(TypingError, 'can only concatenate list (not "tuple") to list')
        raise _tr().error(TypingError, f"unsupported operand type(s) for +: '{_python_name(left)}' and 'tuple'")
    a, b = _as_tuple(a), _as_tuple(b)
    known = {t for t in (a.type, b.type) if t.element is not None}
    if len(known) > 1:
        raise _tr().error(TypingError, f"a {a.type} and a {b.type} hold items of different types; compiled code "
                                       "does not make tuples of run-time length of mixed types: convert the items")
    return call_python("tuple +", operator.add, (a, b), known.pop() if known else a.type, raises=False)


def _no_item_assignment(t: Symbolic, key: Any, value: Any) -> None:
    """``t[k] = v``: CPython's ``TypeError``, when the code gets there."""
    arith.raise_if(True, "TypeError", "'tuple' object does not support item assignment")
    raise PathEnds()


def _tuple_attribute(name: str) -> Callable[[Symbolic], Any]:
    if name in ("count", "index"):
        return lambda t: types.MethodType(_METHODS[name], t)

    def missing(t: Symbolic) -> Any:
        raise _tr().error(TypingError, f"'tuple' object has no attribute '{name}'")
    return missing


define(VarTupleType, {
    "__setitem__": _no_item_assignment,
    "__add__": _tuple_concatenate, "__radd__": lambda self, other: _tuple_concatenate(other, self),
    "__iadd__": _tuple_concatenate, "__imul__": _repeat,
    **{name: _tuple_attribute(name) for name in dir(list) if not name.startswith("_")},
})


class ListItems(IndexedIterable):
    """``for x in lst`` (from item ``start`` on): its length is read again before every step
    (``live``), as CPython's list iterator does."""

    live = True

    def __init__(self, lst: Symbolic, start: int = 0) -> None:
        self.list, self.start = lst, start

    def length(self) -> Any:
        n = length(self.list)
        return arith.binary("-", n, self.start) if self.start else n

    def item(self, k: Any) -> Any:
        k = arith.binary("+", k, self.start) if self.start else k
        return _item_at(self.list, k, checked=False)


class _SortedItems(IndexedIterable):
    """The items of a list a sort starts with, whose keys it computes: as many as the list had
    then (a key that appends to the list makes no more keys -- CPython shows a sort's key an
    empty list, and raises ``ValueError`` for a list changed during the sort, as the
    permutation of one whose length changed does); an item a key removed is CPython's
    ``IndexError``."""

    def __init__(self, lst: Symbolic) -> None:
        self.list, self.count = lst, length(lst)

    def length(self) -> Any:
        return self.count

    def item(self, k: Any) -> Any:
        return _item_at(self.list, k, checked=True)


class ListReversed(IndexedIterable):
    """``reversed(lst)``: CPython's reverse iterator -- from the last item at the call down to
    the first, each step checking the index is still inside the list (a list shortened by the
    loop ends it, items appended are not visited)."""

    live = True

    def __init__(self, lst: Symbolic) -> None:
        self.list, self.last = lst, arith.binary("-", length(lst), 1)

    def length(self) -> Any:
        """The items there were at the call (where the loop does not change the list)."""
        return arith.binary("+", self.last, 1)

    def more(self, k: Any) -> Any:
        index = arith.binary("-", self.last, k)
        return arith.logical_and(arith.compare(">=", index, 0), arith.compare("<", index, length(self.list)))

    def item(self, k: Any) -> Any:
        return _item_at(self.list, arith.binary("-", self.last, k), checked=False)


def list_rest(iterable: Any, start: int) -> ListItems | None:
    """The items from ``start`` on of a Python list iterated while compiling that the loop's
    body made a run-time list (the rest of the loop iterates that); else None."""
    if isinstance(iterable, list):
        run_time = current_value(iterable)
        if run_time is not iterable:
            return ListItems(run_time, start)
    return None


# ----------------------------------------------------------------- Python lists changed at run time
def _needs_run_time(items: list) -> bool:
    """Whether a change of ``items`` now must happen at run time: it is changed inside a loop
    or branch entered after the traced function made it."""
    record = _record(items)
    if record is None:
        return False
    return record.run_time is not None or on_stack(record.frame) and _tr().frame is not record.frame


def mutable(obj: Any) -> Any:
    """The container of ``obj[key] = value``: the run-time list of a Python list changed
    where it must change at run time, else ``obj`` (see ``frontend.calls``)."""
    if isinstance(obj, list) and _needs_run_time(obj):
        return _run_time(obj, changed=True)
    return obj


#: the list methods that compare items (so need their values) or change the list
_COMPARING = {"sort", "remove", "index", "count"}
_CHANGING = {"append", "extend", "insert", "pop", "remove", "reverse", "clear", "sort"}


def method_of_python_list(f: Any) -> Callable[[Callable, tuple, dict], Any] | None:
    """For a method of a Python list (``lst.append``): a function ``(otherwise, args,
    kwargs)`` that calls the method of its run-time list where the call must run at run
    time, else ``otherwise`` (Python calls it while compiling); None for anything else."""
    items = getattr(f, "__self__", None)
    if not isinstance(items, list) or f.__name__ not in _METHODS:
        return None
    name = f.__name__

    def call(otherwise: Callable, args: tuple, kwargs: dict) -> Any:
        if _at_run_time(items, name, args, kwargs):
            return getattr(_run_time(items, changed=True), name)(*args, **kwargs)
        if made_here(items):   # made in this very region: changed while compiling, as each run would
            return f(*args, **kwargs)
        return otherwise(*args, **kwargs)
    return call


def made_here(items: Any) -> bool:
    """Whether ``items`` is a Python list the traced function made in the region being traced
    (so a change now happens once per run of the region, as in CPython)."""
    record = _record(items) if isinstance(items, list) else None
    return record is not None and record.frame is _tr().frame


def _at_run_time(items: list, name: str, args: tuple, kwargs: dict) -> bool:
    """Whether ``items.<name>(*args, **kwargs)`` must run at run time: the list has a
    run-time list; it changes inside a loop or branch entered after it was made; the method
    compares run-time values; or it takes in a sequence iterated at run time."""
    from .control import is_staged_iterable   # a layer above

    record = _record(items)
    if record is not None and record.run_time is not None:
        return True
    if name in _CHANGING and _needs_run_time(items):
        return True
    values = (*items, *args, *kwargs.values())
    if name in _COMPARING and any(isinstance(v, Symbolic) or isinstance(v, list) and current_value(v) is not v
                                  for v in values):
        return True
    return name == "extend" and bool(args) and (is_list(current_value(args[0])) or
                                                isinstance(args[0], Symbolic) or
                                                not isinstance(args[0], (list, tuple)) and
                                                is_staged_iterable(args[0]))


# ----------------------------------------------------------------- comprehensions
def list_comprehension(element: Callable[[Any], Any], iterable: Any,
                       condition: Callable[[Any], Any] | None) -> Any:
    """``[element(x) for x in iterable if condition(x)]`` while tracing: a Python list over
    Python values (and a range of constants) whose conditions are known while compiling;
    else a run-time list filled by a loop."""
    from . import operators   # the converted code's operators: a layer above
    from .control import is_staged_iterable
    from .sequences import Range

    iterable = current_value(iterable)
    if is_staged_iterable(iterable) and not (isinstance(iterable, Range) and iterable.constant):
        lst = call_python("list", list, (), ListType(None), raises=False)

        def body(item: Any) -> None:
            if condition is None:
                _append(lst, element(item))
                return
            operators.if_stmt(condition(item), lambda: _append(lst, element(item)), lambda: None,
                              lambda: (), lambda state: None, ())

        operators.for_stmt(iterable, None, body, lambda: (), lambda state: None, ())
        return lst
    result: list | Symbolic = []
    for item in iterable:
        test = True if condition is None else condition(item)
        if isinstance(result, list) and not isinstance(test, Symbolic):
            if test:
                result.append(element(item))
            continue
        if isinstance(result, list):
            result = _build(result)
        run_time = result
        operators.if_stmt(test, lambda: _append(run_time, element(item)), lambda: None,
                          lambda: (), lambda state: None, ())
    return result


def to_array(lst: Symbolic, dtype: Any = None) -> Symbolic:
    """``np.array(lst, dtype)`` of a run-time list: NumPy makes it when the code runs; its
    dimensions are the list's nesting, its dtype the one NumPy gives the items (or ``dtype``).
    A ragged list raises NumPy's ``ValueError`` then.  A flat list of numbers of the array's
    dtype is copied by compiled code (``pyarray.list_values``): the same values, no call into
    NumPy, and a list that never leaves the function stays native (``local-lists``)."""
    ndim, t = 0, lst.type
    while isinstance(t, ListType):
        ndim, t = ndim + 1, t.element
    if lst.type.element is None:   # empty: NumPy's empty float64 array (or of ``dtype``)
        assume_empty(lst, length(lst))
        t = f64
    elif t is None:
        raise _tr().error(TypingError, "np.array() of lists nothing was stored in before this line: compiled code "
                                       "does not know their items' type; store in them first")
    if isinstance(t, ArrayType):   # stacked: NumPy's ValueError where their shapes differ
        arith.raise_if(arith.compare("==", length(lst), 0), "ValueError",
                       "np.array() of an empty list of arrays is a 1-d float64 array in NumPy, which compiled code "
                       f"(typed by the items: {ndim + t.ndim}-d {t.dtype}) does not make; test len(lst) first",
                       deviation=True)
        ndim, t = ndim + t.ndim, t.dtype
        target = t if dtype is None else from_dtype(np.dtype(dtype))
        return call_python_array("np.array", lambda v: np.array(v, dtype=dtype), (lst,), ArrayType(target, ndim, "C"))
    if not t.is_scalar:
        raise _tr().error(UnsupportedError, f"np.array() of a {lst.type} is not supported in compiled code")
    if dtype is None:
        element = _sample_kind(t, _innermost(lst.type).numpy)
        target = from_dtype(np.array([element]).dtype)
        if target != f64 and lst.type.element is not None:
            arith.raise_if(arith.compare("==", length(lst), 0), "ValueError",
                           f"np.array() of an empty {_kind(lst)} is a float64 array in NumPy, which compiled code "
                           f"(typed by the items: {target}) does not make; give dtype= or test len() first",
                           deviation=True)
    else:
        target = from_dtype(np.dtype(dtype))
    if ndim == 1 and target == t:   # numbers of the array's own type: copied by compiled code
        from . import numpy_api, pyarray   # layers above

        values = numpy_api.allocate(length(lst), target)
        _tr().inline(pyarray.list_values, (values, lst, False))   # (a local list stays one)
        return values
    return call_python_array("np.array", lambda v: np.array(v, dtype=dtype), (lst,), ArrayType(target, ndim, "C"))


def _innermost(t: ListType) -> ListType:
    while isinstance(t.element, ListType):
        t = t.element
    return t


def _sample_kind(t: Type, numpy: bool) -> Any:
    if numpy:
        return to_dtype(t).type(1)
    return {BoolType: True, IntType: 1, FloatType: 1.0, ComplexType: 1j}[type(t)]


# ----------------------------------------------------------------- builtins
def _list_of(iterable: Any = ()) -> Any:
    """``list(iterable)``: a copy of a run-time list, a run-time list of a range iterated at
    run time or an array's items (NumPy scalars); Python builds the rest."""
    iterable = current_value(iterable)
    if is_list(iterable):
        return _copy(iterable)
    return list_comprehension(lambda x: x, iterable, None)


def _sum(lst: Symbolic, start: Any = 0) -> Any:
    t = lst.type
    if t.element is None:   # empty: the start
        assume_empty(lst, length(lst))
        return start
    if not t.element.is_scalar:
        raise _tr().error(TypingError, f"sum() of a {t} is not supported in compiled code")
    sample = _sample_kind(t.element, t.numpy)
    start_sample = _sample_kind(start.type, not start.weak) if isinstance(start, Symbolic) else start
    result = builtins.sum([sample, sample], start_sample)
    result_type = python_scalar_type(result)
    if isinstance(t.element, FloatType) and result_type == f64 and sys.version_info < (3, 12) \
            and (type(start) is float or type(start) is int and -2 ** 63 <= start < 2 ** 63
                 or isinstance(start, Symbolic) and isinstance(start.type, (FloatType, IntType, BoolType))):
        from . import pyarray   # a layer above

        return _tr().inline(pyarray.list_sum, (lst, start))
    value = call_python("sum", builtins.sum, (lst, start), read_type(result_type))
    value = arith.cast(value, result_type) if read_type(result_type) != result_type else value
    value.weak = not isinstance(result, np.generic)
    return value


def _extremum(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """``min``/``max`` of a list; with ``key=``, the keys computed in compiled code (one call per
    item, in order) and CPython's ``min``/``max`` of the positions by them (the first extreme
    item, as CPython finds it)."""
    def impl(lst: Symbolic, *, key: Any = None) -> Any:
        if key is None:
            return _read(name, fn, lst, ())
        keys = list_comprehension(key, lst, None)
        keys = keys if is_list(keys) else _build(keys)
        return _read(f"{name}(key=...)", lambda v, k: v[fn(range(len(v)), key=k.__getitem__)], lst, (keys,))
    return impl


def _sorted(lst: Symbolic, *, key: Any = None, reverse: Any = False) -> Symbolic:
    result = _copy(lst)
    _sort(result, key=key, reverse=reverse)
    return result


def _any_all(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    return lambda lst: call_python(name, fn, (lst,), bool_)


_BUILTINS: dict[Any, Callable[..., Any]] = {
    builtins.len: length, builtins.sum: _sum, builtins.min: _extremum("min", builtins.min),
    builtins.max: _extremum("max", builtins.max), builtins.sorted: _sorted,
    builtins.any: _any_all("any", builtins.any), builtins.all: _any_all("all", builtins.all),
    builtins.bool: truth,
}


def _tuple_builtin(otherwise: Callable, args: tuple, kwargs: dict) -> Any:
    """``tuple(x)``: of a run-time list (or tuple), a run-time tuple; of a range with run-time
    bounds or a 1-d array, a run-time tuple of its items (Python ints; NumPy scalars), through
    a run-time list; of anything else, Python's tuple while compiling."""
    from .sequences import Range   # a layer above

    args = tuple(current_value(a) for a in args)
    x = args[0] if len(args) == 1 and not kwargs else None
    if is_list(x):
        return tuple_of(x)
    if isinstance(x, Range) and not x.constant or isinstance(x, Symbolic) and isinstance(x.type, ArrayType) \
            and x.type.ndim == 1:
        items = _list_of(x)
        return tuple_of(items) if is_list(items) else tuple(items)
    return otherwise(*args, **kwargs)


def builtin(f: Any) -> Callable[[Callable, tuple, dict], Any] | None:
    """For a builtin that takes lists (``len``, ``sum``, ``sorted``, ``list``, ...): a function
    ``(otherwise, args, kwargs)`` that does it on a run-time list first argument (a Python
    list with a run-time list is one) and calls ``otherwise`` for anything else."""
    if f is builtins.list:
        return lambda otherwise, args, kwargs: _list_of(*args, **kwargs)
    if f is builtins.tuple:
        return _tuple_builtin
    if getattr(f, "__name__", None) == "join" and isinstance(getattr(f, "__self__", None), str):
        separator = f.__self__

        def join(otherwise: Callable, args: tuple, kwargs: dict) -> Any:
            args = tuple(current_value(a) for a in args)
            if len(args) == 1 and not kwargs and is_list(args[0]):   # CPython's TypeError for non-strings
                return call_python("str.join", str.join, (separator, args[0]), str_)
            return otherwise(*args, **kwargs)
        return join
    try:
        impl = _BUILTINS.get(f)
    except TypeError:   # unhashable callables
        return None
    if impl is None:
        return None

    def call(otherwise: Callable, args: tuple, kwargs: dict) -> Any:
        args = tuple(current_value(a) for a in args)
        if args and is_list(args[0]):
            return impl(*args, **kwargs)
        if f is builtins.sorted and args and isinstance(args[0], (list, tuple)) \
                and any(isinstance(v, Symbolic) for v in args[0]):   # CPython's sort of run-time values
            return impl(_build(list(args[0])), *args[1:], **kwargs)
        return otherwise(*args, **kwargs)
    return call
