"""Run-time dicts: the operations on a CPython ``dict`` held by compiled code (``dict<K, V>``).

When a dict of the traced function becomes a run-time one, and what its keys and values may be,
is ``frontend.hashed``'s; here is what each operation calls -- CPython's own ``dict`` function,
when the code runs, so results, ``KeyError`` (with CPython's message), insertion order and
aliasing are CPython's.

Python-semantics decisions:

* ``d.get(k, default)`` and ``d.pop(k, default)`` give either a value of the dict or the
  default: the default must have the values' type (``d.get(k, 0)`` of a dict of floats would
  have one type for CPython's int ``0`` and its floats: refused, write ``0.0``); of a dict whose
  values have no type yet (an empty one) the default gives it.  ``d.get(k)`` without a default
  is a value that may be None (``frontend.optional``).
* ``d.setdefault(k, default)``, ``d.update(other)``, ``d |= other`` store as ``d[k] = v`` does
  (one type for the keys, one for the values); ``update`` and ``|`` take a dict (keyword
  arguments and sequences of pairs are refused there; ``dict(pairs)`` takes them).
* ``d.keys()``, ``d.values()``, ``d.items()`` are iterated by loops over CPython's own views;
  used as values (printed, compared, returned) they are CPython's view objects; their truth and
  set operations are refused.
* ``d == other`` is CPython's comparison for a dict; any other ``other`` is not equal.
* ``del d[k]`` (``ag__.delitem``) deletes as CPython's ``del`` (``KeyError`` where it is missing);
  ``del lst[i]`` of a run-time list too (``IndexError``); ``del`` of a name stays refused.
"""
from __future__ import annotations

import builtins
import operator
import types
from typing import Any, Callable

import numpy as np

from ir import TypingError, UnsupportedError
from ir.types import BoolType, DictType, IntType, ListType, TupleType, Type, bool_, i64, none

from . import hashed
from .context import TraceContext, current
from .hashed import key_kind, read, storable, unify, value_kind
from .lists import assume_empty, give_type
from .runtime_calls import call_python
from .values import OptionalValue, Symbolic, define, describe

__all__ = ["build", "is_dict", "display", "comprehension", "getitem", "delitem", "contains", "length", "truth",
           "builtin",
           "method_of_python_dict"]


def _tr() -> TraceContext:
    return current()


def is_dict(x: Any) -> bool:
    return isinstance(x, Symbolic) and isinstance(x.type, DictType)


# ----------------------------------------------------------------- making run-time dicts
def build(items: dict) -> Symbolic:
    """A run-time dict of the Python dict ``items`` as it is now (its order)."""
    pairs = [(storable(k), storable(v)) for k, v in items.items()]
    d = call_python("dict", dict, (), DictType(None, None), raises=False)
    for k, v in pairs:
        _store(d, k, v)
    return d


hashed.BUILDERS[dict] = build


def display(*pairs: tuple[Any, Any]) -> Any:
    """``{k: v, ...}`` while tracing: a Python dict unless a key is a run-time value."""
    if not any(isinstance(hashed.current_value(k), Symbolic) or _run_time_text(k) for k, _ in pairs):
        return dict(pairs)
    d = call_python("dict", dict, (), DictType(None, None), raises=False)
    for k, v in pairs:
        _store(d, storable(k), storable(v))
    return d


def _run_time_text(x: Any) -> bool:
    from .strings import run_time_str_like   # a layer above

    return run_time_str_like(x)


def comprehension(pair: Callable[[Any], tuple[Any, Any]], iterable: Any,
                  condition: Callable[[Any], Any] | None) -> Any:
    """``{k: v for x in iterable if condition(x)}`` while tracing: a Python dict over Python
    values whose keys are Python values and conditions are known while compiling; else a
    run-time dict filled by a loop (each pair stored in order, as CPython does)."""
    from . import operators   # the converted code's operators: a layer above
    from .control import is_staged_iterable
    from .sequences import Range

    def store_into(d: Symbolic, item: Any) -> None:
        k, v = pair(item)
        _store(d, storable(k), storable(v))

    iterable = hashed.current_value(iterable)
    if is_staged_iterable(iterable) and not (isinstance(iterable, Range) and iterable.constant):
        d = call_python("dict", dict, (), DictType(None, None), raises=False)

        def body(item: Any) -> None:
            if condition is None:
                store_into(d, item)
                return
            operators.if_stmt(condition(item), lambda: store_into(d, item), lambda: None,
                              lambda: (), lambda state: None, ())

        operators.for_stmt(iterable, None, body, lambda: (), lambda state: None, ())
        return d
    result: dict | Symbolic = {}
    for item in iterable:
        test = True if condition is None else condition(item)
        if isinstance(result, dict) and not isinstance(test, Symbolic):
            if test:
                k, v = pair(item)
                if isinstance(hashed.current_value(k), Symbolic) or _run_time_text(k):
                    result = build(result)
                    _store(result, storable(k), storable(v))
                else:
                    result[k] = v
            continue
        if isinstance(result, dict):
            result = build(result)
        run_time = result
        operators.if_stmt(test, lambda: store_into(run_time, item), lambda: None,
                          lambda: (), lambda state: None, ())
    return result


# ----------------------------------------------------------------- types of what is stored
def _store(d: Symbolic, key: Any, value: Any) -> None:
    """``d[key] = value`` (both storable): the dict takes their types if it has none yet."""
    _check_store(d, key, value)
    call_python("dict[key] = value", operator.setitem, (d, key, value), none, raises=False)


def _check_store(d: Symbolic, key: Any, value: Any) -> None:
    t = d.type
    k = unify((t.key, t.key_numpy), key_kind(key), "dict's keys are")
    v = unify((t.value, t.value_numpy), value_kind(value), "dict's values are")
    if (k, v) != ((t.key, t.key_numpy), (t.value, t.value_numpy)):
        give_type(d, DictType(k[0], v[0], k[1], v[1]))
    if isinstance(value, Symbolic) and value.type != v[0] and isinstance(v[0], ListType):   # an empty list: its type
        give_type(value, v[0])


def _lookup_key(key: Any) -> Any:
    """A key to look up: any hashable value compiled code holds (CPython compares ``1 == 1.0``)."""
    key = storable(key)
    key_kind(key)
    return key


def _value(d: Symbolic) -> tuple[Type | None, bool]:
    return d.type.value, d.type.value_numpy


def _default(d: Symbolic, default: Any, method: str) -> Any:
    """``default`` of ``d.get``/``d.pop``: of the values' type (which an empty dict takes from it)."""
    default = storable(default)
    kind = value_kind(default)
    t = d.type
    if t.value is None:
        give_type(d, DictType(t.key, kind[0], t.key_numpy, kind[1]))
    elif kind != (t.value, t.value_numpy):
        raise _tr().error(TypingError, f"d.{method}(key, default): this dict's values are "
                                       f"{hashed.kind_name((t.value, t.value_numpy))} and the default is a "
                                       f"{hashed.kind_name(kind)}, so the result's type would depend on the key; "
                                       "give a default of the values' type")
    return default


_VALUES = "values of this dict"


# ----------------------------------------------------------------- operations
def getitem(d: Symbolic, key: Any) -> Any:
    """``d[key]``: CPython's ``KeyError`` where it is missing."""
    if isinstance(key, slice):
        raise _tr().error(TypingError, "unhashable type: 'slice'")
    return read("dict[key]", operator.getitem, (d, _lookup_key(key)), _value(d), _VALUES)


def setitem(d: Symbolic, key: Any, value: Any) -> None:
    _store(d, storable(key), storable(value))


def delitem(obj: Any, key: Any) -> None:
    """``del obj[key]``: of a dict, CPython's (``KeyError`` where it is missing), of a run-time
    one when the code runs; a Python dict or list the function made changes as ``obj[key] = v``
    would (``frontend.calls.mutable``); other items are refused."""
    from .calls import mutable   # a layer above: where a Python container may change
    from .raising import user_computation

    target = mutable(obj)
    if is_dict(target):
        call_python("del dict[key]", operator.delitem, (target, _lookup_key(key)), none)
    elif isinstance(target, Symbolic) and isinstance(target.type, ListType) and _integer(key):
        call_python("del list[index]", operator.delitem, (target, key), none)   # CPython's IndexError
    elif isinstance(target, Symbolic):
        raise _tr().error(UnsupportedError, f"del of an item of a value of type {target.type} is not supported in "
                                            "compiled code" + ("; del lst[i] takes an int index" if
                                                               isinstance(target.type, ListType) else ""))
    elif isinstance(key, Symbolic) and type(target) in (dict, list):
        raise _tr().error(UnsupportedError, f"del of an item of a Python {type(target).__name__} by a run-time key "
                                            "is not supported in compiled code")
    else:   # a Python container, or the one ``hashed.mutable`` decides by the key
        user_computation(operator.delitem, target, key)


def contains(d: Symbolic, key: Any) -> Symbolic:
    return call_python("dict in", operator.contains, (d, _lookup_key(key)), bool_, raises=False)


def length(d: Symbolic) -> Symbolic:
    return call_python("len", len, (d,), i64, raises=False)


def truth(d: Symbolic) -> Symbolic:
    return call_python("dict truth", bool, (d,), bool_, raises=False)


def _equal(negate: bool) -> Callable[[Any, Any], Any]:
    def compare(a: Any, b: Any) -> Any:
        a, b = hashed.as_value(hashed.current_value(a)), hashed.as_value(hashed.current_value(b))
        if not (is_dict(a) and is_dict(b)):
            return negate
        return call_python("dict ==", operator.ne if negate else operator.eq, (a, b), bool_)
    return compare


def _get(d: Symbolic, key: Any, *default: Any) -> Any:
    key = _lookup_key(key)
    if not default and d.type.value is None:   # nothing stored in it yet: empty, None
        assume_empty(d, length(d))
        return None
    if not default:   # None where it is missing
        present = contains(d, key)
        fallback = _placeholder(d)
        value = read("dict.get", dict.get, (d, key, fallback), _value(d), _VALUES, raises=False)
        return OptionalValue(value, present)
    return read("dict.get", dict.get, (d, key, _default(d, default[0], "get")), _value(d), _VALUES,
                raises=False)   # the key is of a hashable type: get cannot raise


def _placeholder(d: Symbolic) -> Any:
    """A value of the values' type that ``d.get(key)`` reads where the key is missing (it is None there)."""
    t = d.type.value
    if not t.is_scalar:
        raise _tr().error(UnsupportedError, f"d.get(key) of a dict of {t} values is not supported in compiled "
                                            "code; test 'key in d' first, or give a default")
    return 0


def _setdefault(d: Symbolic, key: Any, *default: Any) -> Any:
    if not default:
        raise _tr().error(UnsupportedError, "d.setdefault(key) without a default stores None, which a dict of "
                                            "compiled code does not hold; give a default of the values' type")
    key, value = storable(key), storable(default[0])
    _check_store(d, key, value)
    return read("dict.setdefault", dict.setdefault, (d, key, value), _value(d), _VALUES, raises=False)


def _pop(d: Symbolic, key: Any, *default: Any) -> Any:
    key = _lookup_key(key)
    if not default:
        return read("dict.pop", dict.pop, (d, key), _value(d), _VALUES)
    return read("dict.pop", dict.pop, (d, key, _default(d, default[0], "pop")), _value(d), _VALUES)


def _update(d: Symbolic, *others: Any, **kwargs: Any) -> None:
    if kwargs or len(others) != 1:
        raise _tr().error(UnsupportedError, "d.update() in compiled code takes one dict (no keyword arguments)")
    other = hashed.current_value(others[0])
    if type(other) is dict:
        for k, v in other.items():
            _store(d, storable(k), storable(v))
        return
    if not is_dict(other):
        raise _tr().error(UnsupportedError, f"d.update() of a {describe(other)} is not supported in compiled code; "
                                            "update with a dict")
    t = other.type
    if t.key is not None:
        _check_kinds(d, (t.key, t.key_numpy), (t.value, t.value_numpy))
    elif d.type.key is not None:
        give_type(other, d.type)
    call_python("dict.update", dict.update, (d, other), none, raises=False)


def _check_kinds(d: Symbolic, key: tuple, value: tuple) -> None:
    t = d.type
    k = unify((t.key, t.key_numpy), key, "dict's keys are")
    v = unify((t.value, t.value_numpy), value, "dict's values are")
    give_type(d, DictType(k[0], v[0], k[1], v[1]))


def _popitem(d: Symbolic) -> tuple:
    """``d.popitem()``: the last (key, value) pair, CPython's ``KeyError`` of an empty dict."""
    t = d.type
    return hashed.read_pair("dict.popitem", dict.popitem, (d,), ((t.key, t.key_numpy), (t.value, t.value_numpy)),
                            "items of this dict")


def _merged(a: Any, b: Any, op: str) -> tuple[Symbolic, Symbolic]:
    """``a`` and ``b`` of ``a | b`` as run-time dicts of one type (either may not know it yet)."""
    a, b = (hashed.as_value(hashed.current_value(x)) for x in (a, b))
    if not (is_dict(a) and is_dict(b)):
        raise _tr().error(TypingError, f"unsupported operand type(s) for {op}: '{_name(a)}' and '{_name(b)}'")
    t = hashed.merged_type_of([a.type, b.type])
    if t is None:
        raise _tr().error(TypingError, f"a {a.type} and a {b.type} hold keys or values of different types; "
                                       "compiled code does not make dicts of mixed types: convert them first")
    give_type(a, t)
    give_type(b, t)
    return a, b


def _name(x: Any) -> str:
    if isinstance(x, Symbolic):
        return hashed.kind_name((x.type, not x.weak)) if x.type.is_scalar else str(x.type).split("<")[0]
    return type(x).__name__


def _or(a: Any, b: Any) -> Symbolic:
    a, b = _merged(a, b, "|")
    return call_python("dict |", operator.or_, (a, b), a.type, raises=False)


def _ior(d: Symbolic, other: Any) -> Symbolic:
    """``d |= other``: ``d`` updated in place (every name for it sees the change)."""
    d, other = _merged(d, other, "|=")
    call_python("dict |=", dict.update, (d, other), none, raises=False)
    return d


def _copy(d: Symbolic) -> Symbolic:
    return call_python("dict.copy", dict.copy, (d,), d.type, raises=False)


def _clear(d: Symbolic) -> None:
    call_python("dict.clear", dict.clear, (d,), none, raises=False)


def _view(part: str) -> Callable[[Symbolic], hashed.Iteration]:
    return lambda d: hashed.Iteration(d, part)


_METHODS: dict[str, Callable[..., Any]] = {
    "get": _get, "setdefault": _setdefault, "pop": _pop, "popitem": _popitem, "update": _update, "copy": _copy,
    "clear": _clear,
    "keys": _view("keys"), "values": _view("values"), "items": _view("items"),
}


def _bound_method(d: Symbolic, name: str) -> Callable[..., Any]:
    impl = _METHODS.get(name)
    if impl is None:   # (names that are no method of it have no implementation: ``values.define``)
        raise _tr().error(UnsupportedError, f"dict.{name} of a run-time dict is not supported in compiled code")
    return types.MethodType(impl, d)   # a method of a traced value (``frontend.calls``)


def _attributes() -> dict[str, Callable]:
    table: dict[str, Callable] = {
        "__getitem__": getitem, "__setitem__": setitem, "__eq__": _equal(False), "__ne__": _equal(True),
        "__or__": _or, "__ror__": lambda d, other: _or(other, d), "__ior__": _ior,
    }
    for name in dir(dict):
        if not name.startswith("_"):
            table[name] = (lambda n: lambda d: _bound_method(d, n))(name)
    return table


define(DictType, _attributes())


# ----------------------------------------------------------------- Python dicts changed at run time
#: the dict methods that change it, or read it by a key
_CHANGING = {"setdefault", "pop", "update", "clear", "popitem"}
_KEYED = {"get", "pop", "setdefault"}


def method_of_python_dict(f: Any) -> Callable[[Callable, tuple, dict], Any] | None:
    """For a method of a Python dict (``d.get``): a function ``(otherwise, args, kwargs)`` that
    calls the method of its run-time dict where the call must run at run time (the dict has
    one, changes in a run-time loop or branch, or is read by a run-time key), else
    ``otherwise``; None for anything else."""
    d = getattr(f, "__self__", None)
    if type(d) is not dict or f.__name__ not in _METHODS:
        return None
    name = f.__name__

    def call(otherwise: Callable, args: tuple, kwargs: dict) -> Any:
        if name in _CHANGING and not hashed.made_here(d):   # Python changes it, where it may (``frontend.calls``)
            return otherwise(*args, **kwargs)
        run_time = hashed.current_value(d) is not d or name in _CHANGING and hashed.needs_run_time(d) or \
            name in _KEYED and args and _run_time_key(args[0]) or \
            name == "update" and any(is_dict(hashed.current_value(a)) for a in args)
        if run_time:
            return getattr(hashed.run_time(d, changed=True), name)(*args, **kwargs)
        return otherwise(*args, **kwargs)
    return call


def _run_time_key(key: Any) -> bool:
    return isinstance(hashed.current_value(key), Symbolic) or _run_time_text(key)


def python_getitem(d: dict, key: Any) -> Any:
    """``d[key]`` of a Python dict by a run-time key: a lookup in its run-time dict."""
    return getitem(hashed.run_time(d), key)


# ----------------------------------------------------------------- builtins
def _to_list(d: Any) -> Symbolic:
    """The keys (or the values) of a run-time dict or view, in order, as a run-time list."""
    if isinstance(d, hashed.Iteration):
        t = d.container.type
        if d.part == "items":   # (key, value) tuples, of Python numbers and strings (``frontend.lists``)
            if t.key_numpy or t.value_numpy:
                raise _tr().error(UnsupportedError, "a list of the items of a dict of NumPy scalars is not supported "
                                                    "in compiled code; iterate d.items() with a for loop")
            element = (TupleType((t.key, t.value)), False) if t.key is not None else (None, False)
        else:
            element = (t.key, t.key_numpy) if d.part == "keys" else (t.value, t.value_numpy)
        getter = {"keys": dict.keys, "values": dict.values, "items": dict.items}[d.part]
        return call_python("list", lambda c: list(getter(c)), (d.container,), ListType(*element),
                           raises=False)
    t = d.type
    return call_python("list", list, (d,), ListType(t.key, t.key_numpy), raises=False)


def _dict_of(*args: Any, **kwargs: Any) -> Any:
    """``dict(d)``: a copy of a run-time dict; ``dict(pairs)`` of what a loop iterates at run time
    (``zip(keys, values)``, a list of pairs): filled in order as CPython does; ``dict(k=v, ...)``:
    a display; None where Python makes it while compiling."""
    from .control import is_staged_iterable   # a layer above

    if not args and kwargs:
        return display(*kwargs.items())
    if kwargs or len(args) != 1:
        return None if not args else _refuse_dict_of()
    source = hashed.current_value(args[0])
    if is_dict(source):
        return _copy(source)
    if isinstance(source, hashed.Iteration) or not is_staged_iterable(source):
        return _refuse_dict_of() if isinstance(source, (Symbolic, hashed.Iteration)) else None
    return comprehension(_pair, source, None)


def _integer(x: Any) -> bool:
    if isinstance(x, Symbolic):
        return isinstance(x.type, (IntType, BoolType))
    return isinstance(x, (int, np.integer))


def _pair(item: Any) -> tuple[Any, Any]:
    """An item of ``dict(pairs)`` as its (key, value)."""
    if not (isinstance(item, tuple) and len(item) == 2):
        length = len(item) if isinstance(item, tuple) else None
        raise _tr().error(TypingError, "dictionary update sequence element #0 has length "
                                       f"{length}; 2 is required" if length is not None else
                                       "cannot convert dictionary update sequence element #0 to a sequence")
    return item


def _refuse_dict_of() -> None:
    raise _tr().error(UnsupportedError, "dict() of these run-time values is not supported in compiled code; use a "
                                        "dict display or comprehension")


def _fromkeys(iterable: Any, value: Any = None) -> Any:
    """``dict.fromkeys(keys, value)``: a comprehension ``{k: value for k in keys}`` (a dict of
    None values is not one compiled code holds)."""
    if value is None:
        raise _tr().error(UnsupportedError, "dict.fromkeys(keys) without a value makes None values, which a dict of "
                                            "compiled code does not hold; give a value")
    return comprehension(lambda k: (k, value), iterable, None)


def builtin(f: Any) -> Callable[[Callable, tuple, dict], Any] | None:
    """For a builtin taking a dict (``len``, ``bool``, ``dict``, ``print``, and ``list``, ``sorted``,
    ``sum``, ``min``, ``max``, ``any``, ``all`` of its keys or values, which CPython iterates
    in order): a function ``(otherwise, args, kwargs)`` that does it on a run-time dict first
    argument (or a view of one), else calls ``otherwise``."""
    from . import lists   # of the keys or values: as of a run-time list

    if f is builtins.print:   # views and Python dicts holding run-time values as CPython's objects
        return lambda otherwise, args, kwargs: otherwise(*(hashed.printable(a) for a in args), **kwargs)
    if f is builtins.dict:
        def make(otherwise: Callable, args: tuple, kwargs: dict) -> Any:
            made = _dict_of(*args, **kwargs)
            return otherwise(*args, **kwargs) if made is None else made
        return make
    if f == dict.fromkeys:
        return lambda otherwise, args, kwargs: _fromkeys(*args, **kwargs)
    try:
        direct = {builtins.len: length, builtins.bool: truth}.get(f)
    except TypeError:   # unhashable callables
        return None
    on_list = lists.builtin(f) if f is not builtins.len and f is not builtins.bool else None
    if direct is None and on_list is None:
        return None

    def call(otherwise: Callable, args: tuple, kwargs: dict) -> Any:
        first = hashed.current_value(args[0]) if args else None
        if isinstance(first, hashed.Iteration) and first.part != "elements" and f is builtins.len:
            return length(first.container)
        if not (is_dict(first) or isinstance(first, hashed.Iteration) and isinstance(first.container.type,
                                                                                        DictType)):
            return otherwise(*args, **kwargs)
        if direct is not None and is_dict(first):
            return direct(first, *args[1:], **kwargs)
        return on_list(otherwise, (_to_list(first), *args[1:]), kwargs)
    return call
