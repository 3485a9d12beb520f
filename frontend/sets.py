"""Run-time sets: the operations on a CPython ``set`` held by compiled code (``set<T>``).

When a set of the traced function becomes a run-time one, and what its elements may be, is
``frontend.hashed``'s; here is what each operation calls -- CPython's own ``set`` function, when
the code runs, so results, exceptions (``remove``'s ``KeyError``, ``pop`` of an empty set) and
their messages, iteration order and aliasing are CPython's.

Python-semantics decisions:

* A set made while compiling (of constants) becomes a run-time one as a copy CPython makes of it
  (``set.copy``), so its elements keep CPython's order.
* ``|``, ``&``, ``-``, ``^``, the comparisons and the methods that take another set take a set
  of the same element type (an empty one takes the other's): CPython would make a set of mixed
  types of ``{1} | {1.5}``, which compiled code does not hold.  An operand that is not a set is
  CPython's ``TypeError`` (``unsupported operand type(s) for |: 'set' and 'int'``), raised
  while compiling.
* ``s |= t`` (``&=``, ``-=``, ``^=``) and the ``*_update`` methods change ``s`` in place, by the
  set method CPython's operator calls.
* frozensets stay Python values (made while compiling of constants).
"""
from __future__ import annotations

import builtins
import operator
import types
from typing import Any, Callable

from ir import TypingError, UnsupportedError
from ir.types import ListType, SetType, bool_, i64, none

from . import hashed
from .context import TraceContext, current
from .hashed import key_kind, read, storable, unify
from .lists import give_type
from .runtime_calls import call_python
from .values import Symbolic, define, describe

__all__ = ["build", "is_set", "display", "comprehension", "contains", "length", "truth", "builtin",
           "method_of_python_set"]


def _tr() -> TraceContext:
    return current()


def is_set(x: Any) -> bool:
    return isinstance(x, Symbolic) and isinstance(x.type, SetType)


# ----------------------------------------------------------------- making run-time sets
def build(items: set) -> Symbolic:
    """A run-time set of the Python set ``items`` as it is now: a copy CPython makes of it."""
    t = hashed.python_type(items)
    return call_python("set", set.copy, (set.copy(items),), t, raises=False)


hashed.BUILDERS[set] = build


def _new(elements: list) -> Symbolic:
    """A run-time set of ``elements`` (storable), added in order as a display adds them."""
    s = call_python("set", set, (), SetType(None), raises=False)
    if elements:
        for e in elements:
            _check_store(s, e)
        call_python("set", lambda target, *xs: target.update(xs), (s, *elements), none, raises=False)
    return s


def display(*elements: Any) -> Any:
    """``{a, b, ...}`` while tracing: a Python set unless an element is a run-time value."""
    if not any(_run_time_element(e) for e in elements):
        return set(elements)
    return _new([storable(e) for e in elements])


def _run_time_element(x: Any) -> bool:
    from .strings import run_time_str_like   # a layer above

    return isinstance(hashed.current_value(x), Symbolic) or run_time_str_like(x)


def comprehension(element: Callable[[Any], Any], iterable: Any, condition: Callable[[Any], Any] | None) -> Any:
    """``{element(x) for x in iterable if condition(x)}`` while tracing: a Python set over
    Python values whose elements are Python values and conditions known while compiling;
    else a run-time set filled by a loop."""
    from . import operators   # the converted code's operators: a layer above
    from .control import is_staged_iterable
    from .sequences import Range

    iterable = hashed.current_value(iterable)
    if is_staged_iterable(iterable) and not (isinstance(iterable, Range) and iterable.constant):
        s = _new([])

        def body(item: Any) -> None:
            if condition is None:
                _add(s, element(item))
                return
            operators.if_stmt(condition(item), lambda: _add(s, element(item)), lambda: None,
                              lambda: (), lambda state: None, ())

        operators.for_stmt(iterable, None, body, lambda: (), lambda state: None, ())
        return s
    result: set | Symbolic = set()
    for item in iterable:
        test = True if condition is None else condition(item)
        if isinstance(result, set) and not isinstance(test, Symbolic):
            if test:
                e = element(item)
                if _run_time_element(e):
                    result = build(result)
                    _add(result, e)
                else:
                    result.add(e)
            continue
        if isinstance(result, set):
            result = build(result)
        run_time = result
        operators.if_stmt(test, lambda: _add(run_time, element(item)), lambda: None,
                          lambda: (), lambda state: None, ())
    return result


# ----------------------------------------------------------------- element types
def _check_store(s: Symbolic, element: Any) -> None:
    kind = unify((s.type.element, s.type.numpy), key_kind(element), "set's elements are")
    if kind != (s.type.element, s.type.numpy):
        give_type(s, SetType(*kind))


def _lookup(element: Any) -> Any:
    element = storable(element)
    key_kind(element)
    return element


def _other_set(s: Symbolic, other: Any, op: str) -> Symbolic:
    """``other`` (a set) as a run-time set of ``s``'s element type (either may not know it yet)."""
    other = hashed.as_value(hashed.current_value(other))
    if not is_set(other):
        raise _tr().error(TypingError, f"unsupported operand type(s) for {op}: 'set' and '{_name(other)}'")
    a, b = s.type, other.type
    if a.element is None and b.element is not None:
        give_type(s, b)
    elif b.element is None and a.element is not None:
        give_type(other, a)
    elif a != b:
        raise _tr().error(TypingError, f"a {a} and a {b} hold elements of different types; compiled code does "
                                       "not make sets of mixed types: convert the elements first")
    return other


def _name(x: Any) -> str:
    if isinstance(x, Symbolic):
        return hashed.kind_name((x.type, not x.weak)) if x.type.is_scalar else str(x.type).split("<")[0]
    return type(x).__name__


# ----------------------------------------------------------------- operations
def contains(s: Symbolic, element: Any) -> Symbolic:
    return call_python("set in", operator.contains, (s, _lookup(element)), bool_, raises=False)


def length(s: Symbolic) -> Symbolic:
    return call_python("len", len, (s,), i64, raises=False)


def truth(s: Symbolic) -> Symbolic:
    return call_python("set truth", bool, (s,), bool_, raises=False)


def _add(s: Symbolic, element: Any) -> None:
    element = storable(element)
    _check_store(s, element)
    call_python("set.add", set.add, (s, element), none, raises=False)


def _discard(s: Symbolic, element: Any) -> None:
    call_python("set.discard", set.discard, (s, _lookup(element)), none, raises=False)


def _remove(s: Symbolic, element: Any) -> None:
    call_python("set.remove", set.remove, (s, _lookup(element)), none)


def _pop(s: Symbolic) -> Any:
    return read("set.pop", set.pop, (s,), (s.type.element, s.type.numpy), "elements of this set")


def _clear(s: Symbolic) -> None:
    call_python("set.clear", set.clear, (s,), none, raises=False)


def _copy(s: Symbolic) -> Symbolic:
    return call_python("set.copy", set.copy, (s,), s.type, raises=False)


def _update(s: Symbolic, *others: Any) -> None:
    for other in others:
        call_python("set.update", set.update, (s, _other_set(s, other, "|=")), none, raises=False)


def _in_place(op: str, method: Callable[[set, set], None]) -> Callable[[Symbolic, Any], Symbolic]:
    """``s <op>= other`` (``s.<op>_update(other)``): ``s`` changed in place, as CPython's does
    (every name for it sees the change), by the set method that operator calls."""
    def apply(s: Symbolic, other: Any) -> Symbolic:
        call_python(f"set {op}=", method, (s, _other_set(s, other, f"{op}=")), none, raises=False)
        return s
    return apply


def _update_method(op: str, method: Callable[[set, set], None]) -> Callable[[Symbolic, Any], None]:
    """``s.intersection_update(other)`` and the like, of a set ``other``: as ``s &= other``."""
    apply = _in_place(op, method)

    def update(s: Symbolic, other: Any) -> None:
        apply(s, other)
    return update


def _operator(op: str, fn: Callable[[Any, Any], Any], result: str) -> Callable[[Any, Any], Any]:
    """``a <op> b`` of two sets: a new set (``result`` "set") or a bool."""
    def apply(a: Any, b: Any) -> Any:
        a = hashed.as_value(hashed.current_value(a))
        if not is_set(a):   # a reflected operator: ``b`` is the run-time set
            raise _tr().error(TypingError, f"unsupported operand type(s) for {op}: '{_name(a)}' and 'set'")
        b = _other_set(a, b, op)
        return call_python(f"set {op}", fn, (a, b), a.type if result == "set" else bool_, raises=False)
    return apply


def _reflected(op: str, fn: Callable[[Any, Any], Any], result: str) -> Callable[[Any, Any], Any]:
    forward = _operator(op, fn, result)

    def apply(b: Any, a: Any) -> Any:   # ``a <op> b`` where ``b`` is the run-time set
        a = hashed.as_value(hashed.current_value(a))
        if not is_set(a):
            raise _tr().error(TypingError, f"unsupported operand type(s) for {op}: '{_name(a)}' and 'set'")
        return forward(a, b)
    return apply


def _equal(negate: bool) -> Callable[[Any, Any], Any]:
    def compare(a: Any, b: Any) -> Any:
        a, b = hashed.as_value(hashed.current_value(a)), hashed.as_value(hashed.current_value(b))
        if not (is_set(a) and is_set(b)):
            return negate
        return call_python("set ==", operator.ne if negate else operator.eq, (a, b), bool_, raises=False)
    return compare


def _method_operator(name: str, op: str, fn: Callable[[Any, Any], Any], result: str) -> Callable[..., Any]:
    """``s.union(t)``, ``s.issubset(t)``, ...: as the operator, of a set argument."""
    apply = _operator(op, fn, result)

    def method(s: Symbolic, other: Any) -> Any:
        other = hashed.current_value(other)
        if not (is_set(other) or type(other) is set):
            raise _tr().error(UnsupportedError, f"set.{name}() of a {describe(other)} is not supported in compiled "
                                                "code; pass a set")
        return apply(s, other)
    return method


_BINARY = {
    "or": ("|", operator.or_, "set"), "and": ("&", operator.and_, "set"), "sub": ("-", operator.sub, "set"),
    "xor": ("^", operator.xor, "set"),
}
#: the in-place operators and the methods of the same names that call what they call
_IN_PLACE = {"or": ("|", set.update), "and": ("&", set.intersection_update), "sub": ("-", set.difference_update),
             "xor": ("^", set.symmetric_difference_update)}
_ORDER = {"le": ("<=", operator.le), "lt": ("<", operator.lt), "ge": (">=", operator.ge), "gt": (">", operator.gt)}

_METHODS: dict[str, Callable[..., Any]] = {
    "add": _add, "discard": _discard, "remove": _remove, "pop": _pop, "clear": _clear, "copy": _copy,
    "update": _update,
    **{method.__name__: _update_method(op, method) for op, method in _IN_PLACE.values() if method is not set.update},
    "union": _method_operator("union", "|", operator.or_, "set"),
    "intersection": _method_operator("intersection", "&", operator.and_, "set"),
    "difference": _method_operator("difference", "-", operator.sub, "set"),
    "symmetric_difference": _method_operator("symmetric_difference", "^", operator.xor, "set"),
    "issubset": _method_operator("issubset", "<=", operator.le, "bool"),
    "issuperset": _method_operator("issuperset", ">=", operator.ge, "bool"),
    "isdisjoint": _method_operator("isdisjoint", "isdisjoint", set.isdisjoint, "bool"),
}


def _bound_method(s: Symbolic, name: str) -> Callable[..., Any]:
    impl = _METHODS.get(name)
    if impl is None:   # (names that are no method of it have no implementation: ``values.define``)
        raise _tr().error(UnsupportedError, f"set.{name} of a run-time set is not supported in compiled code")
    return types.MethodType(impl, s)   # a method of a traced value (``frontend.calls``)


def _attributes() -> dict[str, Callable]:
    table: dict[str, Callable] = {"__eq__": _equal(False), "__ne__": _equal(True)}
    for name, (op, fn, result) in _BINARY.items():
        table[f"__{name}__"] = _operator(op, fn, result)
        table[f"__r{name}__"] = _reflected(op, fn, result)
    for name, (op, fn) in _ORDER.items():
        table[f"__{name}__"] = _operator(op, fn, "bool")
    for name, (op, method) in _IN_PLACE.items():
        table[f"__i{name}__"] = _in_place(op, method)
    for name in dir(set):
        if not name.startswith("_"):
            table[name] = (lambda n: lambda s: _bound_method(s, n))(name)
    return table


define(SetType, _attributes())


# ----------------------------------------------------------------- Python sets changed at run time
_CHANGING = {"add", "discard", "remove", "pop", "clear", "update", "intersection_update", "difference_update",
             "symmetric_difference_update"}


def method_of_python_set(f: Any) -> Callable[[Callable, tuple, dict], Any] | None:
    """For a method of a Python set (``s.add``): a function ``(otherwise, args, kwargs)`` that
    calls the method of its run-time set where the call must run at run time (the set has one,
    changes in a run-time loop or branch, or takes a run-time value), else ``otherwise``; None
    for anything else."""
    s = getattr(f, "__self__", None)
    if type(s) is not set or f.__name__ not in _METHODS:
        return None
    name = f.__name__

    def call(otherwise: Callable, args: tuple, kwargs: dict) -> Any:
        if name in _CHANGING and not hashed.made_here(s):   # Python changes it, where it may (``frontend.calls``)
            return otherwise(*args, **kwargs)
        run_time = hashed.current_value(s) is not s or name in _CHANGING and hashed.needs_run_time(s) or \
            any(_run_time_element(a) or is_set(hashed.current_value(a)) for a in args)
        if run_time:
            return getattr(hashed.run_time(s, changed=True), name)(*args, **kwargs)
        return otherwise(*args, **kwargs)
    return call


def python_contains(s: set, element: Any) -> Any:
    """``element in s`` of a Python set by a run-time element: a test of its run-time set."""
    return contains(hashed.run_time(s), element)


# ----------------------------------------------------------------- builtins
def _set_of(*args: Any) -> Any:
    """``set(x)``: a copy of a run-time set, a run-time set of a run-time list's items or of
    what a loop iterates at run time; None where Python makes it."""
    from . import lists   # a layer above
    from .control import is_staged_iterable

    if not args:
        return None
    iterable = lists.current_value(hashed.current_value(args[0]))
    if is_set(iterable):
        return _copy(iterable)
    if lists.is_list(iterable):   # (a list nothing was stored in is empty)
        t = iterable.type
        if t.element is not None:
            hashed.check_hashable(t.element)
        return call_python("set", set, (iterable,), SetType(t.element, t.numpy), raises=False)
    if isinstance(iterable, Symbolic) or is_staged_iterable(iterable):
        return comprehension(lambda x: x, iterable, None)
    return None


def builtin(f: Any) -> Callable[[Callable, tuple, dict], Any] | None:
    """For a builtin taking a set (``len``, ``bool``, ``set``, and ``list``, ``sorted``,
    ``sum``, ``min``, ``max``, ``any``, ``all`` of its elements in CPython's order): a function
    ``(otherwise, args, kwargs)`` that does it on a run-time set first argument, else calls
    ``otherwise``."""
    from . import lists   # of the elements: as of a run-time list

    if f is builtins.set:
        def make(otherwise: Callable, args: tuple, kwargs: dict) -> Any:
            made = _set_of(*args) if not kwargs else None
            return otherwise(*args, **kwargs) if made is None else made
        return make
    try:
        direct = {builtins.len: length, builtins.bool: truth}.get(f)
    except TypeError:   # unhashable callables
        return None
    on_list = lists.builtin(f) if direct is None else None
    if direct is None and on_list is None:
        return None

    def call(otherwise: Callable, args: tuple, kwargs: dict) -> Any:
        first = hashed.current_value(args[0]) if args else None
        if not is_set(first):
            return otherwise(*args, **kwargs)
        if direct is not None:
            return direct(first, *args[1:], **kwargs)
        t = first.type
        elements = call_python("list", list, (first,), ListType(t.element, t.numpy), raises=False)
        return on_list(otherwise, (elements, *args[1:]), kwargs)
    return call
