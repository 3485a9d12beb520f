"""Dicts and sets in compiled code: Python containers while tracing, CPython objects at run time.

The design of ``frontend.lists``, for the hashed containers: a dict or set the compiled function
makes (a display, ``dict()``, ``set()``, a comprehension over Python values) is a Python ``dict``
or ``set`` while it is traced -- looked up by constant keys, iterated (unrolled) while compiling
-- and becomes a *run-time* one -- a CPython ``dict``/``set`` object, IR type ``dict<K, V>`` /
``set<T>`` (``ir.types.DictType``, ``ir.types.SetType``), built where the Python one was made --
once it has to: changed inside a loop or branch that runs at run time (the converter makes the
variable's value a run-time one from its assignment on, ``ag__.run_time_container``), looked up
or filled by a run-time key, carried around a run-time loop, merged, returned, printed.  This
module keeps the records of the Python dicts and sets a traced function made (with its lists,
``FunctionTrace.lists``, by id) and gives the hooks the rest of the frontend calls;
``frontend.dicts`` and ``frontend.sets`` implement the operations.

Python-semantics decisions:

* Keys (and set elements) have one type: Python numbers of one kind, NumPy scalars of one dtype
  (``counts[a[i]]``: CPython's keys are ``np.int64`` there), strings, or tuples of Python numbers
  and strings (``seen.add((i, j))``); values have one type too (numbers, strings, lists, dicts,
  sets).  Storing another type is a ``TypingError`` naming the line (convert it first:
  ``int(x)``); a list or dict as a key is CPython's ``TypeError`` (``unhashable type: 'list'``),
  raised while compiling.  An empty container takes the types of the first key and value stored
  (or of ``d.get(k, default)``'s default).
* A variable augmented-assigned ``|=``, ``&=``, ``-=``, ``^=`` holds a run-time container from
  its assignment on: those change the set or dict in place, which every name for it sees.
* A ``for`` over a display (``for name in ("a", "b")``) runs while compiling: a dict changed only
  there stays a Python one (it may hold arrays, as before dicts had a run-time form).
* ``print`` and text show a dict view, and a Python dict or set holding run-time values, as the
  CPython object made when the code runs.
* Every operation is CPython's own (a ``py.call``), so results, ``KeyError`` and the other
  exceptions and their messages, insertion order and aliasing are CPython's.
* ``for k in d`` (``d.keys()``, ``d.values()``, ``d.items()``, a set, ``enumerate()`` of them)
  holds CPython's own iterator of the container for the loop: a loop that changes the size of
  what it iterates raises CPython's ``RuntimeError`` (``dictionary changed size during
  iteration``), at the ``for`` line, where CPython raises it.
* ``list``, ``sorted``, ``sum``, ``min``, ``max``, ``any``, ``all`` of a dict's keys or values or
  of a set are those of a run-time list of them in CPython's order (``frontend.lists``: ``sum``
  of an empty one of floats is ``0.0``).
"""
from __future__ import annotations

from dataclasses import field
from typing import Any, Callable, Sequence

import numpy as np

from ir import TypingError, UnsupportedError
from ir.ops import ForOp, WhileOp
from ir.records import record
from ir.types import (
    ArrayType, BoolType, DictType, IntType, ListType, ObjectType, SetType, StrType, TupleType, Type, VarTupleType,
    bool_, i64, iterator, str_, view,
)

from . import arith
from .context import RegionFrame, TraceContext, current
from .control import TracesItsOwnLoop, staged_if_exp, staged_while
from .iteration import IndexedIterable
from .lists import (  # shared with lists
    array_item, before_current_region, give_type, item_value, keeps_arrays, on_stack, python_items, read_of_empty,
    read_type, stored,
)
from .pycall import array_parts
from .runtime_calls import StoredArray, call_python
from .values import Symbolic, describe, python_scalar_type

__all__ = ["CONTAINERS", "BUILDERS", "is_run_time", "made", "run_time_container", "current_value", "load",
           "as_value", "made_here", "mutable", "needs_run_time", "run_time", "key_kind", "value_kind", "kind_name", "storable",
           "unify", "check_hashable", "read", "read_pair", "typed", "python_type", "merged_type", "merged_type_of",
           "merged_value", "shown_at_run_time", "snapshot", "printable", "Iteration", "iteration"]

#: the Python types this module makes run-time containers of (exactly these: not subclasses)
CONTAINERS = (dict, set)

#: type -> the function that builds a run-time container of a Python one (``frontend.dicts``,
#: ``frontend.sets`` register theirs)
BUILDERS: dict[type, Callable[[Any], Symbolic]] = {}


def _tr() -> TraceContext:
    return current()


def _python(x: Any) -> bool:
    return type(x) in CONTAINERS


def is_run_time(x: Any) -> bool:
    """A run-time dict or set (a traced value of type ``dict<K, V>`` or ``set<T>``)."""
    return isinstance(x, Symbolic) and isinstance(x.type, (DictType, SetType))


# ----------------------------------------------------------------- Python dicts and sets of the trace
@record
class _Made:
    """A Python dict or set the traced function made: the frame it was made in, and its
    run-time container once it has one (the record keeps it alive, so its id is not reused)."""

    items: dict | set
    frame: RegionFrame
    run_time: Symbolic | None = None
    #: the frames open where a read of it inside a region entered since was traced
    reads: list = field(default_factory=list)


def _record(container: Any) -> _Made | None:
    record = _tr().function.lists.get(id(container))
    return record if isinstance(record, _Made) and record.items is container else None


def made(value: Any) -> Any:
    """``value`` assigned to a variable: a Python dict or set is recorded with the frame it
    is made in (one that exists outside the compiled function is not: a change of it is
    refused, ``frontend.calls``); one with a run-time container is that."""
    if _python(value):
        record = _record(value)
        if record is None:
            if not _tr().outlives_the_trace(value):
                _tr().function.lists[id(value)] = _Made(value, _tr().frame)
        elif record.run_time is not None:
            return record.run_time
    return value


def run_time_container(value: Any) -> Any:
    """``value`` assigned to a variable whose list, dict or set the function changes inside a
    loop or branch (the converter finds them): made a run-time one here, so that what the loop
    reads of it before it changes it is read at run time too (lists: ``frontend.lists``)."""
    from .lists import run_time_list

    value = current_value(run_time_list(value))
    if _python(value):
        if _tr().outlives_the_trace(value):
            raise _tr().error(UnsupportedError, f"this {type(value).__name__} exists outside the compiled function (a "
                                                "global, closure or default value) and the function changes it in a "
                                                "loop or branch, where compiled code would change a copy of it; pass "
                                                "it in and return the new value")
        made(value)
        return run_time(value)
    return value


def made_here(container: Any) -> bool:
    """Whether the traced function made the Python dict or set ``container`` (and may change it)."""
    return _record(container) is not None


def made_in_this_region(container: Any) -> bool:
    """Whether the traced function made the Python dict or set ``container`` in the region
    being traced (so a change now happens once per run of the region, as in CPython)."""
    record = _record(container)
    return record is not None and record.frame is _tr().frame


def current_value(value: Any) -> Any:
    """``value``, or the run-time container of a Python dict or set that has one."""
    if _python(value):
        record = _record(value)
        if record is not None and record.run_time is not None:
            return record.run_time
    return value


def load(value: Any) -> Any:
    """A read of a variable holding ``value``: :func:`current_value`; a read of a Python dict
    or set inside a region entered since it was made is noted (see :func:`_check_no_stale_reads`)."""
    if _python(value):
        record = _record(value)
        if record is not None and record.run_time is None and _tr().frame is not record.frame:
            record.reads.append(tuple(_tr().function.frames))
    return current_value(value)


def as_value(value: Any) -> Any:
    """``value`` with its Python dicts and sets made run-time ones and views of dicts CPython's
    view objects, inside tuples too: what becomes a value of the IR (a result, a loop's state)."""
    if isinstance(value, tuple):
        return tuple(as_value(v) for v in value)
    if _python(value):
        return run_time(value)
    if isinstance(value, Iteration):   # d.keys(): CPython's view of the dict
        return value.view()
    return value


def _check_no_stale_reads(record: _Made) -> None:
    """A Python dict or set read inside a loop still being traced, and changed now at run time
    through a name the converter could not see: the read saw it as it was while compiling."""
    frames = _tr().function.frames
    start = next(i for i, f in enumerate(frames) if f is record.frame) + 1
    loops = [f for f in frames[start:] if isinstance(f.block.parent_op, (ForOp, WhileOp))]
    if any(any(loop is f for f in stack) for loop in loops for stack in record.reads):
        raise _tr().error(UnsupportedError, f"this {type(record.items).__name__} is changed here at run time, "
                                            "inside a loop that reads it before (where compiling saw it as it "
                                            "was then); change it through the variable it was assigned to, not "
                                            "another name for it")


def run_time(container: dict | set, changed: bool = False) -> Symbolic:
    """The run-time container of the Python dict or set ``container``: built where the traced
    function made it (before the run-time loops and branches entered since), or here for one it
    did not name.  ``changed``: for a change of ``container`` read just now (the read of the
    name the method is called on, or that is subscripted, is no stale read)."""
    build = BUILDERS[type(container)]
    record = _record(container)
    if record is None:
        return build(container) if _holds_run_time_values(container) else _read_only(container)
    if record.run_time is None:
        if not on_stack(record.frame):   # made in a region whose traced code ended: built for this use
            return build(container)
        frames = _tr().function.frames
        if changed and record.reads and len(record.reads[-1]) == len(frames) \
                and all(a is b for a, b in zip(record.reads[-1], frames)):
            record.reads.pop()
        _check_no_stale_reads(record)
        block, index = before_current_region(record.frame)
        with _tr().builder.inside(block, index):
            record.run_time = build(container)
    return record.run_time


def _read_only(container: dict | set) -> Symbolic:
    """A run-time copy of a Python dict or set of constants the function did not make (a global,
    a display in an expression: ``x in {1, 2}``) and only reads: built once, before the function's
    run-time loops and branches."""
    key = ("read only", id(container))
    record = _tr().function.lists.get(key)
    if record is None or record.items is not container:
        top = _tr().function.frames[0]
        block, index = before_current_region(top)
        with _tr().builder.inside(block, index):
            record = _Made(container, top, BUILDERS[type(container)](container))
        _tr().function.lists[key] = record
    return record.run_time


def needs_run_time(container: Any) -> bool:
    """Whether a change of the Python dict or set ``container`` now must happen at run time: it
    has a run-time one, or it is changed inside a loop or branch entered after it was made."""
    record = _record(container)
    if record is None:
        return False
    return record.run_time is not None or on_stack(record.frame) and _tr().frame is not record.frame


def mutable(obj: Any) -> Any:
    """The container of ``obj[key] = value``: the run-time dict of a Python dict changed where
    it must change at run time; a Python dict the function made, changed at its top level,
    where the key decides (:class:`_KeyDecides`); else ``obj`` (see ``frontend.calls``)."""
    if type(obj) is dict and needs_run_time(obj):
        return run_time(obj, changed=True)
    if type(obj) is dict and _record(obj) is not None and len(_tr().function.frames) == 1:
        return _KeyDecides(obj)
    return obj


class _KeyDecides:
    """``d[key] = value`` (``d[key] += value``) of a Python dict the function made, where it may
    change while compiling: in the Python dict by a Python key; by a key known only at run time,
    in its run-time dict, made here (later reads of ``d`` read that)."""

    def __init__(self, d: dict) -> None:
        self.d = d

    def __getitem__(self, key: Any) -> Any:
        from .sequences import getitem   # a layer above

        return getitem(current_value(self.d), key)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._target(key)[key] = value

    def __delitem__(self, key: Any) -> None:
        from .raising import user_computation   # a layer above

        target = self._target(key)
        if isinstance(target, Symbolic):
            from .dicts import delitem   # a layer above

            delitem(target, key)
        else:
            user_computation(dict.__delitem__, target, key)

    def _target(self, key: Any) -> Any:
        """The dict a change by ``key`` changes: the Python one, or its run-time one."""
        from .strings import run_time_str_like   # a layer above

        target = current_value(self.d)
        if target is self.d and (isinstance(current_value(key), Symbolic) or run_time_str_like(key)):
            target = run_time(self.d, changed=True)
        return target


# ----------------------------------------------------------------- key and value types
Kind = tuple[Type, bool]   # (type, NumPy scalar?)


def kind_name(kind: Kind) -> str:
    t, numpy = kind
    if numpy:
        from ir.dtypes import to_dtype

        return f"NumPy {to_dtype(t).name}"
    return {BoolType: "bool", IntType: "int"}.get(type(t)) or \
        {"f64": "float", "c128": "complex"}.get(str(t), str(t))


def _python_name(t: Type) -> str:
    return {ListType: "list", DictType: "dict", SetType: "set"}.get(type(t), str(t))


def check_hashable(t: Type) -> None:
    """A list, dict or set is no key: CPython's ``TypeError``, raised while compiling; a tuple
    of run-time length is not one compiled code hashes."""
    if isinstance(t, VarTupleType):
        raise _tr().error(UnsupportedError, "a tuple of run-time length (tuple() of a run-time list) cannot be a "
                                            "dict key or set element in compiled code; key by a tuple of known length")
    if isinstance(t, (ListType, DictType, SetType)):
        raise _tr().error(TypingError, f"unhashable type: '{_python_name(t)}'")


def key_kind(value: Any) -> Kind:
    """The kind of a key or set element (made storable first: ``item_value``); a list, dict,
    set or array is CPython's ``TypeError``, anything else compiled code does not hash is refused."""
    if isinstance(value, StoredArray):
        raise _tr().error(TypingError, "unhashable type: 'numpy.ndarray'")
    if isinstance(value, Symbolic):
        t = value.type
        check_hashable(t)
        if isinstance(t, StrType):
            return t, False
        if t.is_scalar:
            return _scalar_kind(value)
    elif python_scalar_type(value) is not None:
        return python_scalar_type(value), isinstance(value, np.generic)
    elif isinstance(value, tuple):
        return TupleType(tuple(_tuple_element(v) for v in value)), False
    raise _tr().error(UnsupportedError, f"a value of type {describe(value)} cannot be a dict key or set element in "
                                        "compiled code; keys are numbers, strings or tuples of them")


def _tuple_element(value: Any) -> Type:
    """The type of an element of a tuple key: a Python number, a string or such a tuple."""
    from .strings import str_like   # a layer above

    if str_like(value):
        return str_
    t, numpy = key_kind(value)
    if not numpy:
        return t
    raise _tr().error(UnsupportedError, f"a tuple key holding a value of type {describe(value)} is not supported in "
                                        "compiled code; tuple keys hold Python numbers, strings and such "
                                        "tuples (int(x), float(x) of a NumPy scalar)")


def value_kind(value: Any) -> Kind:
    """The kind of a dict value (made storable first): a number, a string, a list, a dict, a
    set or an array (any layout, as a list's, ``lists.array_item``)."""
    if isinstance(value, StoredArray):
        return array_item(value.array.type), False
    if isinstance(value, Symbolic):
        t = value.type
        if t.is_scalar:
            return _scalar_kind(value)
        if isinstance(t, ObjectType):
            return t, False
    elif python_scalar_type(value) is not None:
        return python_scalar_type(value), isinstance(value, np.generic)
    raise _tr().error(UnsupportedError, f"a value of type {describe(value)} cannot be a dict value in compiled "
                                        "code; values are numbers, strings, lists, dicts or sets")


def _scalar_kind(value: Symbolic) -> Kind:
    t = value.type
    if isinstance(t, IntType) and not t.signed and t.bits == 64:
        raise _tr().error(UnsupportedError, "uint64 values in a dict or set are not supported in compiled code; "
                                            "store int(x) (Python ints)")
    return t, not value.weak


def storable(value: Any) -> Any:
    """``value`` as CPython would hold it in a container: text and Python strings as run-time
    strings, Python lists, dicts and sets as run-time ones, an array as one the container
    keeps (``lists.stored``)."""
    return stored(item_value(as_value(current_value(value))))


def unify(current_kind: tuple[Type | None, bool], kind: Kind, what: str) -> Kind:
    """The kind a container holding ``current_kind`` items (None: not known yet) holds after
    ``kind`` is stored; another kind is refused (compiled code holds one type)."""
    if current_kind[0] is None or current_kind == kind or _empty_of(current_kind[0], kind[0]):
        return kind
    if _empty_of(kind[0], current_kind[0]):   # an empty list stored where lists of items are
        return current_kind
    raise _tr().error(TypingError, f"this {what} {kind_name(current_kind)}, not {kind_name(kind)}: compiled code "
                                   "does not hold containers of mixed types; convert it first (int(x), float(x), "
                                   "str(x), ...)")


def _empty_of(a: Type, b: Type) -> bool:
    """Whether ``a`` is a list of no item type and ``b`` a list (of the same kind) of items."""
    return isinstance(a, ListType) and type(a) is type(b) and a.element is None and b.element is not None


def read(name: str, fn: Callable[..., Any], args: tuple, kind: tuple[Type | None, bool], what: str,
         raises: bool = True, container: Symbolic | None = None) -> Any:
    """A key, value or element of kind ``kind`` that ``fn(*args)`` returns when the code runs,
    read from ``container`` (default: ``args[0]``); of one nothing was stored in before, which
    is empty there (``lists.assume_empty``), ``fn`` raises CPython's error or the loop does
    not run."""
    t, numpy = kind
    container = args[0] if container is None else container
    if t is None and isinstance(container, Symbolic) and isinstance(container.type, (DictType, SetType)):
        read_of_empty(name, fn, args, container, call_python("len", len, (container,), i64, raises=False))
    if t is None:
        raise _tr().error(TypingError, f"the {what} have no known type here: nothing the code stores in it "
                                       "before this line gave it (compiled code types a container by what is "
                                       "stored in it earlier in the code); store first, as in 'if k not in d: "
                                       "d[k] = [x] else: d[k].append(x)', or make it with an item")
    if type(t) is ListType and t.element is None and isinstance(container, Symbolic) \
            and isinstance(container.type, DictType):   # a list stored empty: typed by what is stored in it
        value = call_python(name, fn, args, t, raises, what=name)
        _tr().typed_with[id(value.value)] = (value.value, container)
        _tr().assumed_empty[id(container.value)] = container.value
        return value
    _check_known_items(t, what)
    if isinstance(t, ArrayType):   # its parts, a reference of its memory for compiled code
        keeps_arrays()
        return call_python(name, lambda *a: array_parts(fn(*a)), args, t, raises, what=name)
    return typed(call_python(name, fn, args, read_type(t), raises, what=name), kind)


def _check_known_items(t: Type, what: str) -> None:
    """A container read back must know its items' types: one stored empty (``d[k] = []``) and
    filled through what a read gave (``d.setdefault(k, []).append(x)``) has items compiled code
    did not see stored in it."""
    unknown = isinstance(t, (ListType, SetType)) and t.element is None or \
        isinstance(t, DictType) and None in (t.key, t.value)
    if unknown:
        raise _tr().error(UnsupportedError, f"the {what} are {t}: a container stored empty, whose items' type "
                                            "compiled code does not know where it reads it back; store it with its "
                                            "first item (if k in d: d[k].append(x) else: d[k] = [x])")
    for part in (t.element,) if isinstance(t, (ListType, SetType)) else (t.key, t.value) \
            if isinstance(t, DictType) else t.elements if isinstance(t, TupleType) else ():
        _check_known_items(part, what)


def read_pair(name: str, fn: Callable[..., Any], args: tuple, kinds: tuple[Kind, Kind], what: str) -> tuple:
    """The (key, value) pair of ``kinds`` that ``fn(*args)`` returns when the code runs (one call)."""
    if any(t is None for t, _ in kinds):   # nothing stored in it yet: empty
        read_of_empty(name, fn, args, args[0], call_python("len", len, (args[0],), i64, raises=False))
    for t, _ in kinds:
        _check_known_items(t, what)
        if isinstance(t, ArrayType):
            raise _tr().error(UnsupportedError, f"{name}() of a dict of arrays is not supported in compiled code; "
                                                "take a key, then d.pop(key)")
    pair = call_python(name, fn, args, TupleType(tuple(read_type(t) for t, _ in kinds)), what=name)
    return tuple(typed(v, kind) for v, kind in zip(_tr().unpack(pair), kinds))


def typed(value: Any, kind: Kind) -> Any:
    """A key, value or element a ``py.call`` read (as ``read_type`` of its type) as one of ``kind``."""
    t, numpy = kind
    if isinstance(t, TupleType):   # a Python tuple of Python numbers and strings
        return python_items(value if isinstance(value, tuple) else _tr().unpack(value))
    if value.type != t:
        value = arith.cast(value, t)
    value.weak = not numpy
    return value


# ----------------------------------------------------------------- merging, text

def merged_type(values: list) -> Type | None:
    """The type of a variable holding the dicts (or sets) ``values`` on the paths that meet
    (None if they disagree), computed without tracing: what is not known yet takes the others'."""
    return merged_type_of([python_type(v) for v in values])


def merged_type_of(types: Sequence[Type]) -> Type | None:
    """One container type for ``types`` (all dicts or all sets), each item type that one does
    not know taken from the others; None if they disagree."""
    if len({type(t) for t in types}) > 1:
        return None
    merged = []
    for i in range(len(_parts(types[0]))):
        known = {_parts(t)[i] for t in types if _parts(t)[i][0] is not None}
        if len(known) > 1:
            return None
        merged.append(known.pop() if known else (None, False))
    if isinstance(types[0], DictType):
        return DictType(merged[0][0], merged[1][0], merged[0][1], merged[1][1])
    return SetType(*merged[0])


def _parts(t: Type) -> list[tuple[Type | None, bool]]:
    if isinstance(t, DictType):
        return [(t.key, t.key_numpy), (t.value, t.value_numpy)]
    return [(t.element, t.numpy)]


def python_type(value: Any) -> Type:
    """The type of a dict or set, a Python one's computed without tracing."""
    value = current_value(value)
    if type(value) is dict:
        key, val = _one_kind(value.keys(), "keys"), _one_kind(value.values(), "values")
        return DictType(key[0], val[0], key[1], val[1])
    if type(value) is set:
        return SetType(*_one_kind(value, "elements"))
    return value.type


def _one_kind(items: Any, what: str) -> tuple[Type | None, bool]:
    kinds = {key_kind(v) if isinstance(v, tuple) else _static_kind(v) for v in items}
    if len(kinds) > 1:
        raise _tr().error(TypingError, f"a container whose {what} have different types "
                                       f"({', '.join(sorted(kind_name(k) for k in kinds))}) cannot be one of "
                                       "compiled code; convert them to one type")
    return kinds.pop() if kinds else (None, False)


def _static_kind(value: Any) -> Kind:
    """The kind ``value`` has as an item, computed without tracing."""
    from .lists import kind_of   # shared with lists
    from .strings import str_like   # a layer above

    value = current_value(value)
    if _python(value):
        return python_type(value), False
    if isinstance(value, list) or str_like(value):
        return kind_of(value)
    return value_kind(value)


def merged_value(value: Any, t: Type) -> Symbolic:
    """``value`` (a dict or set) as the run-time container of type ``t`` a merge carries."""
    container = as_value(current_value(value))
    if container.type != t:   # the same object typed ``t`` for the merge (other names keep theirs)
        container = Symbolic(container.value, weak=container.weak)
        give_type(container, t)
    return container


def shown_at_run_time(x: Any) -> bool:
    """Whether text or ``print`` shows ``x`` as a CPython object made when the code runs: a
    run-time dict or set, a view of one (``d.keys()``), a Python one that has a run-time one or
    holds run-time values."""
    return is_run_time(x) or isinstance(x, Iteration) or \
        _python(x) and (current_value(x) is not x or _holds_run_time_values(x))


def snapshot(value: Any) -> Symbolic:
    """A copy of the dict, set or dict view ``value`` made now: text made of it later shows it
    as it is here."""
    import copy

    if isinstance(value, Iteration):
        viewed = _VIEWS[value.part]
        return call_python("copy.deepcopy", lambda d: viewed(copy.deepcopy(d)), (value.container,), view,
                           raises=False)
    container = as_value(current_value(value))
    return call_python("copy.deepcopy", copy.deepcopy, (container,), container.type, raises=False)


def printable(value: Any) -> Any:
    """``value`` as ``print`` passes it to CPython: a dict view as CPython's view object, a Python
    dict or set holding run-time values (or made a run-time one) as its run-time one, inside
    tuples too."""
    if isinstance(value, tuple):
        return tuple(printable(v) for v in value)
    if isinstance(value, Iteration):
        return value.view()
    return as_value(current_value(value)) if shown_at_run_time(value) else value


def _holds_run_time_values(container: dict | set) -> bool:
    from .strings import run_time_str_like   # a layer above

    items = [*container.keys(), *container.values()] if type(container) is dict else list(container)
    return any(isinstance(v, (Symbolic, list)) or run_time_str_like(v) or _python(v) or
               isinstance(v, tuple) and any(isinstance(e, Symbolic) for e in v) for v in items)


# ----------------------------------------------------------------- iteration
class _Cursor:
    """CPython's iterator of a dict, one of its views or a set, and the item it gave last."""

    __slots__ = ("iterator", "item")

    def __init__(self, iterable: Any) -> None:
        self.iterator = iter(iterable)
        self.item: Any = None


def _advance(cursor: _Cursor) -> bool:
    """Whether the iterator gave another item (CPython's ``RuntimeError`` if the container
    changed size since the loop began)."""
    try:
        cursor.item = next(cursor.iterator)
    except StopIteration:
        return False
    return True


class Iteration(TracesItsOwnLoop, IndexedIterable):
    """``for x in container`` over a run-time dict (``part``: ``"keys"``, ``"values"``,
    ``"items"``) or set (``"elements"``): a ``while`` loop that advances CPython's iterator of
    it before every step, after the loop's ``break``/``return`` test (as CPython's ``for``
    does: a loop that breaks does not advance it again)."""

    def __init__(self, container: Symbolic, part: str) -> None:
        self.container, self.part = container, part

    def is_staged(self) -> bool:
        return True

    def length(self) -> Any:
        raise _tr().error(UnsupportedError, f"zip() of a {self.container.type} is not supported in compiled code; "
                                            "iterate it with a for loop, or make a list of it first (list(d))")

    item = length

    def enumerated(self, start: Any) -> "_Enumerated":
        """``enumerate(self, start)``."""
        return _Enumerated(self, start)

    def iterable(self, container: Any) -> Any:
        t = self.container.type
        if isinstance(t, SetType):
            return container
        return _VIEWS[self.part](container)

    # -- a view of a dict used as a value (``d.keys()`` printed, compared, tested with ``in``)
    def view(self) -> Symbolic:
        """CPython's view object of the dict, made here."""
        return call_python(f"dict.{self.part}", _VIEWS[self.part], (self.container,), view, raises=False)

    def contains(self, item: Any) -> Symbolic:
        """``item in d.keys()`` (``d.values()``, ``d.items()``): CPython's test of its view."""
        viewed = _VIEWS[self.part]
        return call_python(f"in dict.{self.part}()", lambda d, x: x in viewed(d), (self.container, storable(item)),
                           bool_)

    def _compare(self, other: Any, negate: bool) -> Symbolic:
        viewed = _VIEWS[self.part]
        other = other.view() if isinstance(other, Iteration) else storable(other)
        return call_python(f"dict.{self.part}() ==", lambda d, o: (viewed(d) != o) if negate else (viewed(d) == o),
                           (self.container, other), bool_, raises=False)

    def __eq__(self, other: Any) -> Any:   # type: ignore[override]
        return self._compare(other, False)

    def __ne__(self, other: Any) -> Any:   # type: ignore[override]
        return self._compare(other, True)

    __hash__ = None   # type: ignore[assignment]

    def __bool__(self) -> bool:
        raise _tr().error(UnsupportedError, f"the truth value of d.{self.part}() is not supported in compiled code; "
                                            "test the dict itself (if d:)")

    def __iter__(self) -> Any:
        raise _tr().error(UnsupportedError, f"d.{self.part}() can be iterated by a for loop, a comprehension, list(), "
                                            "sorted(), sum(), min(), max(), any() or all() in compiled code")

    def _set_operator(self, other: Any) -> Any:
        raise _tr().error(UnsupportedError, "set operations of dict views are not supported in compiled code; make "
                                            "a set first (set(d), set(d.items()))")

    __and__ = __or__ = __sub__ = __xor__ = __rand__ = __ror__ = __rsub__ = __rxor__ = _set_operator

    def staged_loop(self, extra_test: Callable[[], Any] | None, body: Callable[[Any], None],
                    get_state: Callable[[], tuple], set_state: Callable[[tuple], None], names: Sequence[str]) -> None:
        cursor = call_python("iter", lambda c: _Cursor(self.iterable(c)), (self.container,), iterator, raises=False)

        def advance() -> Any:
            return call_python("next", _advance, (cursor,), bool_)

        def test() -> Any:
            go_on = True if extra_test is None else extra_test()
            if isinstance(go_on, Symbolic):
                return staged_if_exp(arith.truth(go_on), advance, lambda: False)
            return advance() if go_on else False

        staged_while(test, lambda: body(self._current(cursor)), get_state, set_state, names)

    def _current(self, cursor: Symbolic) -> Any:
        t = self.container.type
        box = self.container
        if isinstance(t, SetType):
            return read("set iteration", _item, (cursor,), (t.element, t.numpy), "elements of this set", False, box)
        key = (t.key, t.key_numpy), "keys of this dict"
        value = (t.value, t.value_numpy), "values of this dict"
        if self.part == "keys":
            return read("dict iteration", _item, (cursor,), *key, raises=False, container=box)
        if self.part == "values":
            return read("dict iteration", _item, (cursor,), *value, raises=False, container=box)
        return (read("dict iteration", _item_part, (cursor, 0), *key, raises=False, container=box),
                read("dict iteration", _item_part, (cursor, 1), *value, raises=False, container=box))


class _Enumerated(TracesItsOwnLoop, IndexedIterable):
    """``enumerate()`` of a loop over a dict or set: the count is a variable of the loop, one
    more before every step."""

    def __init__(self, inner: Iteration, start: Any) -> None:
        self.inner, self.start = inner, start

    def is_staged(self) -> bool:
        return True

    def length(self) -> Any:
        raise _tr().error(UnsupportedError, f"zip() or enumerate() of enumerate() of a {self.inner.container.type} is "
                                            "not supported in compiled code; count in the loop")

    item = length

    def staged_loop(self, extra_test: Callable[[], Any] | None, body: Callable[[Any], None],
                    get_state: Callable[[], tuple], set_state: Callable[[tuple], None], names: Sequence[str]) -> None:
        box = [self.start]

        def get_all() -> tuple:
            return (box[0], *get_state())

        def set_all(values: tuple) -> None:
            box[0] = values[0]
            set_state(values[1:])

        def counted(item: Any) -> None:
            k = box[0]
            box[0] = arith.binary("+", k, 1)
            body((k, item))

        self.inner.staged_loop(extra_test, counted, get_all, set_all, ("(enumerate count)", *names))


#: the views of a dict, by the part a loop over it iterates
_VIEWS: dict[str, Callable[[dict], Any]] = {"keys": dict.keys, "values": dict.values, "items": dict.items}


def _item(cursor: _Cursor) -> Any:
    return cursor.item


def _item_part(cursor: _Cursor, k: int) -> Any:
    return cursor.item[k]


def iteration(iterable: Any) -> Iteration | None:
    """The loop over a run-time dict or set (a Python one with a run-time one is that), or None."""
    iterable = current_value(iterable)
    if is_run_time(iterable):
        return Iteration(iterable, "keys" if isinstance(iterable.type, DictType) else "elements")
    return iterable if isinstance(iterable, Iteration) else None
