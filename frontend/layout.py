"""How a variable's value travels through a merge or around a loop.

When the paths of an ``if`` meet, or a loop goes round, every state
variable gets a *layout* computed from the values the paths give it:

* ``Static(obj)`` -- the same Python object (or the same traced value) on
  every path: nothing is carried in the IR;
* ``Scalar(type, weak)`` -- one IR value; the paths' types are unified as
  Python does arithmetic (``bool`` < ``int`` < ``float`` < ``complex``, NumPy
  promotion for NumPy types), except that a weak value -- a Python scalar
  such as the ``0.0`` an accumulator starts from -- takes the type of the
  NumPy values it meets when that is of the same kind or higher (NEP 50:
  ``s = 0.0`` then ``s += x`` over ``float32`` elements stays ``float32``).
  A Python int is the exception where it might not fit: it keeps a narrower
  (or unsigned) NumPy integer type only when it is a constant inside that
  type's range, else the variable is ``int64``, which holds both exactly below
  2**63 (``m = 10**18`` then ``m = x[i]`` over ``int32`` elements must not wrap
  ``m``; CPython keeps each object as it is).  ``bounds`` records the constant
  ints a weak scalar holds (a loop's ``s = 0`` stays known to fit; a loop
  body that relied on it is traced again if the loop widens it);
* ``TupleOf(layouts)`` -- a tuple, element by element;
* ``Maybe(inner)`` -- bound on some paths only: a run-time ``bool`` flag is
  carried with the value (a zero placeholder where it is unbound);
* ``OrNone(inner)`` -- None on some paths (``Optional[T]``), the same way: a
  run-time ``bool`` says whether the value is present, and the variable is
  rebuilt as a ``values.OptionalValue`` (see ``frontend.optional``);
* ``Unbound()`` -- bound on no path;
* ``Conflict(message)`` -- the paths disagree in a way no IR type can hold
  (tuples of different lengths, two different functions, a number and an
  array); reading the variable afterwards is a ``TypingError``.

A layout flattens a value into IR values ("leaves") and rebuilds a value
from leaves.  Layer: above the typing rules of ``frontend.arith``, below
the staging of control flow that merges with it.
"""
from __future__ import annotations

from dataclasses import field
from typing import Any, Iterator

from ir import Block, Location, Operation
from ir.ops import ArrayUndefOp, ConstantOp
from ir.records import record
from ir.types import (
    ArrayType, BoolType, ComplexType, DictType, FloatType, IntType, ListType, ObjectType, SetType, StrType, Type, bool_,
    i64, str_,
)

from .arith import cast, constant, unify_types
from .context import current
from .values import (
    MaybeUnbound, OptionalValue, Symbolic, TypeConflict, Undefined, describe, python_scalar_type, type_of,
)


class Layout:
    def leaf_types(self) -> list[Type]:
        raise NotImplementedError


@record(frozen=True, eq=False)
class Static(Layout):
    """The same Python object (or traced value) on every path: nothing is carried in the IR."""

    obj: Any

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Static) and other.obj is self.obj

    def __hash__(self) -> int:
        return id(self.obj)

    def leaf_types(self) -> list[Type]:
        return []


@record(frozen=True)
class Scalar(Layout):
    """One IR value of ``type``; ``weak``: a Python scalar, which NumPy values of its kind outrank (NEP 50)."""

    type: Type
    weak: bool = False
    #: (lowest, highest) of the Python int constants a weak int holds; None: not known
    bounds: tuple[int, int] | None = field(default=None, compare=False)

    def leaf_types(self) -> list[Type]:
        return [self.type]


@record(frozen=True)
class TupleOf(Layout):
    """A tuple whose positions have layouts of their own."""

    elements: tuple[Layout, ...]

    def leaf_types(self) -> list[Type]:
        return [t for e in self.elements for t in e.leaf_types()]


@record(frozen=True)
class Maybe(Layout):
    """Bound on some paths only: a run-time ``bool`` flag, then the ``inner`` layout's leaves."""

    inner: Layout

    def leaf_types(self) -> list[Type]:
        return [bool_, *self.inner.leaf_types()]


@record(frozen=True)
class OrNone(Layout):
    """``None`` on some paths: a run-time ``bool`` (present), then the ``inner`` layout's leaves."""

    inner: Layout

    def leaf_types(self) -> list[Type]:
        return [bool_, *self.inner.leaf_types()]


@record(frozen=True)
class Unbound(Layout):
    """A variable bound on no path."""

    def leaf_types(self) -> list[Type]:
        return []


@record(frozen=True)
class Conflict(Layout):
    """Paths that disagree in a way no IR type holds; reading the variable raises ``message``."""

    message: str
    loc: Location | None = None

    def leaf_types(self) -> list[Type]:
        return []


def is_undefined(value: Any) -> bool:
    return isinstance(value, Undefined)


def layout_of(name: str, values: list[Any], carry: bool = False, loc: Location | None = None,
              inside: Operation | None = None) -> Layout:
    """The layout that can hold every one of ``values``.

    ``carry`` forces scalars into the IR even when all values are the same
    object (loop variables: the body will change them).  A traced value
    defined inside the op ``inside`` (a branch of the ``if`` being merged)
    is never ``Static``: it does not exist after the op.
    """
    if any(isinstance(v, TypeConflict) for v in values):
        first = next(v for v in values if isinstance(v, TypeConflict))
        return Conflict(first.message, first.loc)
    defined = [v.value if isinstance(v, MaybeUnbound) else v for v in values if not is_undefined(v)]
    if not defined:
        return Unbound()
    if len(defined) < len(values) or any(isinstance(v, MaybeUnbound) for v in values):
        inner = layout_of(name, defined, carry, loc, inside)
        return inner if isinstance(inner, Conflict) else Maybe(inner)
    first = defined[0]
    if all(isinstance(v, tuple) for v in defined):
        if len({len(v) for v in defined}) != 1:
            return _conflict(name, defined, loc)
        return TupleOf(tuple(layout_of(f"{name}[{i}]", [v[i] for v in defined], carry, loc, inside)
                             for i in range(len(first))))
    scalar = all(isinstance(v, Symbolic) or python_scalar_type(v) is not None for v in defined)
    optional = any(isinstance(v, OptionalValue) for v in defined)
    from .strings import str_like   # a layer above
    from .text import Text

    # strings of any kind meet as a run-time string; text inside a ``try`` statement stays text
    # (making it a string there would call into Python where a handler may be watching)
    strings = all(str_like(v) for v in defined) and not (
        current().function.try_scopes and any(isinstance(v, Text) for v in defined))
    from . import lists   # a layer above

    all_lists = all(isinstance(v, list) or lists.is_list(v) for v in defined)
    all_dicts = all(type(v) is dict or _traced(v, DictType) for v in defined)
    all_sets = all(type(v) is set or _traced(v, SetType) for v in defined)
    if all(v is first for v in defined) and not (carry and (scalar or optional or strings or all_lists or all_dicts
                                                            or all_sets)) \
            and not _defined_inside(first, inside):
        return Static(first)
    if strings:   # constants, text and run-time strings: a run-time string (``frontend.strings``)
        return Scalar(str_)
    if all_lists:   # Python lists and run-time lists: a run-time list (``frontend.lists``)
        t = lists.merged_type(defined)
        return _conflict(name, defined, loc) if t is None else Scalar(t)
    if all_dicts or all_sets:   # Python and run-time dicts (sets): a run-time one (``frontend.hashed``)
        from .hashed import merged_type   # a layer above

        t = merged_type(defined)
        return _conflict(name, defined, loc) if t is None else Scalar(t)
    if optional or any(v is None for v in defined):
        present = [v.value if isinstance(v, OptionalValue) else v for v in defined if v is not None]
        inner = layout_of(name, present, carry, loc, inside)
        return inner if isinstance(inner, Conflict) else OrNone(inner)
    if not scalar:
        return _conflict(name, defined, loc)
    weak = [_is_weak(v) for v in defined]
    bounds = [_constant_bounds(v) for v in defined]
    t = unify_weak([type_of(v) for v in defined], weak, bounds)
    if t is None:
        return _conflict(name, defined, loc)
    known = any(isinstance(v, Symbolic) and v.bounds is not None for v in defined)
    if known and isinstance(t, IntType) and t != i64:
        current().bounds_relied_on += 1
    return Scalar(t, all(weak), _union(bounds) if all(weak) else None)


def _traced(value: Any, kind: type) -> bool:
    """Whether ``value`` is a traced value of a type of ``kind``."""
    return isinstance(value, Symbolic) and isinstance(value.type, kind)


def _is_weak(value: Any) -> bool:
    return value.weak if isinstance(value, Symbolic) else isinstance(value, (bool, int, float, complex))


def _constant_bounds(value: Any) -> tuple[int, int] | None:
    """The Python int constants ``value`` is known to be one of, as (lowest, highest)."""
    if isinstance(value, Symbolic):
        if not isinstance(value.value.owner, ConstantOp):
            return value.bounds
        value = value.value.owner.value
    return (int(value), int(value)) if isinstance(value, int) else None


def _union(bounds: list[tuple[int, int] | None]) -> tuple[int, int] | None:
    if any(b is None for b in bounds):
        return None
    return min(lo for lo, _ in bounds), max(hi for _, hi in bounds)


def unify_weak(types: list[Type], weak: list[bool],
               bounds: list[tuple[int, int] | None] | None = None) -> Type | None:
    """Unify types where the weak ones (Python scalars) do not widen strong ones
    of the same or a higher kind -- except a weak int not known to fit a strong
    narrower or unsigned integer type (``bounds[i]``: the constants it holds):
    that makes the result ``int64`` (see the module's docstring)."""
    strong = [t for t, w in zip(types, weak) if not w]
    if not strong:
        return unify_types(types)
    result = unify_types(strong)
    if result is None or not all(isinstance(t, _NUMERIC) for t in types):
        return unify_types(types) if result is not None else None
    for t, w, b in zip(types, weak, bounds or [None] * len(types)):
        if w and _kind(t) > _kind(result):
            result = unify_types([t, result])
        elif (w and isinstance(t, IntType) and isinstance(result, IntType) and result != i64
              and not (b is not None and result.min <= b[0] and b[1] <= result.max)):
            result = i64
    return result


_NUMERIC = (BoolType, IntType, FloatType, ComplexType)


def _kind(t: Type) -> int:
    return (BoolType, IntType, FloatType, ComplexType).index(type(t))


def _defined_inside(value: Any, op: Operation | None) -> bool:
    if isinstance(value, OptionalValue):
        return _defined_inside(value.flag, op) or _defined_inside(value.value, op)
    if isinstance(value, tuple):
        return any(_defined_inside(v, op) for v in value)
    if isinstance(value, (list, dict, set)):   # a Python container made a run-time one in the branch
        from . import hashed, lists   # a layer above

        value = lists.current_value(value) if isinstance(value, list) else hashed.current_value(value)
    if op is None or not isinstance(value, Symbolic):
        return False
    owner = value.value.owner
    defining_op = owner.parent_op if isinstance(owner, Block) else owner
    return defining_op is not None and op.is_ancestor_of(defining_op)


def _conflict(name: str, values: list[Any], loc: Location | None) -> Conflict:
    kinds = []
    for v in values:
        d = describe(v)
        where = _value_location(v)
        kinds.append(f"{d} (from {where})" if where else d)
    unique = list(dict.fromkeys(kinds))
    if name.startswith("retval"):  # the converter's return value
        return Conflict(f"the function returns incompatible types on different paths: "
                        f"{' and '.join(unique)}; return one type on every path", loc)
    return Conflict(f"variable '{name}' has incompatible types where control flow paths meet: "
                    f"{' and '.join(unique)}; give it one type on every path", loc)


def _value_location(v: Any) -> str | None:
    if isinstance(v, Symbolic):
        owner = v.value.owner
        loc = getattr(owner, "loc", None)
        if loc is not None:
            return f"line {loc.line}"
    return None


def combine(old: Layout, new: Layout, name: str = "?") -> Layout:
    """A layout that can hold values of both (used to widen loop layouts)."""
    if old == new and same_bounds([old], [new]):
        return old
    if isinstance(old, Conflict):
        return old
    if isinstance(new, Conflict):
        return new
    if isinstance(old, Unbound):
        return Maybe(new) if not isinstance(new, (Maybe, Unbound)) else new
    if isinstance(new, Unbound):
        return Maybe(old) if not isinstance(old, Maybe) else old
    if isinstance(old, Maybe) or isinstance(new, Maybe):
        inner = combine(old.inner if isinstance(old, Maybe) else old,
                        new.inner if isinstance(new, Maybe) else new, name)
        return inner if isinstance(inner, Conflict) else Maybe(inner)
    if _is_none(old) or _is_none(new) or isinstance(old, OrNone) or isinstance(new, OrNone):
        parts = [lay.inner if isinstance(lay, OrNone) else lay for lay in (old, new) if not _is_none(lay)]
        inner = combine(parts[0], parts[1], name) if len(parts) == 2 else parts[0]
        return inner if isinstance(inner, Conflict) else OrNone(inner)
    if isinstance(old, TupleOf) and isinstance(new, TupleOf) and len(old.elements) == len(new.elements):
        return TupleOf(tuple(combine(a, b, f"{name}[{i}]")
                             for i, (a, b) in enumerate(zip(old.elements, new.elements))))
    if isinstance(old, Scalar) and isinstance(new, Scalar) and isinstance(old.type, ListType) \
            and type(old.type) is type(new.type) and (old.type.element is None or new.type.element is None):
        return old if new.type.element is None else new   # an empty list takes the items' type
    if isinstance(old, Scalar) and isinstance(new, Scalar) and isinstance(old.type, (DictType, SetType)):
        from .hashed import merged_type_of   # a layer above: an empty dict or set takes the items' types

        t = merged_type_of([old.type, new.type])
        if t is not None:
            return Scalar(t)
    if isinstance(old, Scalar) and isinstance(new, Scalar):
        t = unify_weak([old.type, new.type], [old.weak, new.weak], [old.bounds, new.bounds])
        if t is not None:
            weak = old.weak and new.weak
            return Scalar(t, weak, _union([old.bounds, new.bounds]) if weak else None)
    return Conflict(f"variable '{name}' changes to an incompatible type in the loop body "
                    f"({_describe_layout(old)} before, {_describe_layout(new)} after); "
                    "give it one type throughout the loop")


def _is_none(layout: Layout) -> bool:
    return isinstance(layout, Static) and layout.obj is None


def same_bounds(a: list[Layout], b: list[Layout]) -> bool:
    """Whether layouts of the same types also hold the same known constants."""
    return all(_same_bounds(x, y) for x, y in zip(a, b))


def _same_bounds(a: Layout, b: Layout) -> bool:
    if isinstance(a, Scalar):
        return a.bounds == b.bounds
    if isinstance(a, TupleOf):
        return same_bounds(list(a.elements), list(b.elements))
    if isinstance(a, (Maybe, OrNone)):
        return _same_bounds(a.inner, b.inner)
    return True


def _describe_layout(layout: Layout) -> str:
    if isinstance(layout, Static):
        return describe(layout.obj)
    if isinstance(layout, Scalar):
        return str(layout.type)
    if isinstance(layout, TupleOf):
        return "tuple of " + str(len(layout.elements))
    return type(layout).__name__.lower()


# ----------------------------------------------------------------- leaves
def leaves(layout: Layout, value: Any) -> list[Any]:
    """Flatten ``value`` into traced values/constants matching ``layout``."""
    if isinstance(layout, (Static, Unbound, Conflict)):
        return []
    if isinstance(layout, Maybe):
        if is_undefined(value):
            return [False, *placeholders(layout.inner)]
        if isinstance(value, MaybeUnbound):
            return [value.flag, *leaves(layout.inner, value.value)]
        return [True, *leaves(layout.inner, value)]
    if isinstance(layout, OrNone):
        if value is None:
            return [False, *placeholders(layout.inner)]
        if isinstance(value, OptionalValue):
            return [value.flag, *leaves(layout.inner, value.value)]
        return [True, *leaves(layout.inner, value)]
    if isinstance(layout, TupleOf):
        return [leaf for lay, v in zip(layout.elements, value) for leaf in leaves(lay, v)]
    assert isinstance(layout, Scalar)
    if isinstance(layout.type, StrType):
        from .strings import as_str

        return [as_str(value)]
    if isinstance(layout.type, ListType):
        from .lists import merged_value

        return [merged_value(value, layout.type)]
    if isinstance(layout.type, (DictType, SetType)):
        from .hashed import merged_value as merged_container

        return [merged_container(value, layout.type)]
    return [cast(value, layout.type)]


def placeholders(layout: Layout) -> list[Any]:
    """Zero values for every leaf of ``layout`` (where a variable is unbound; a null ``str``)."""
    return [current().emit_value(ArrayUndefOp(t)) if isinstance(t, (ArrayType, ObjectType))
            else constant(False if isinstance(t, BoolType) else 0, t) for t in layout.leaf_types()]


def rebuild(layout: Layout, values: Iterator[Any], name: str) -> Any:
    """The inverse of :func:`leaves`: a state value from IR values."""
    if isinstance(layout, Static):
        return layout.obj
    if isinstance(layout, Unbound):
        return Undefined(name)
    if isinstance(layout, Conflict):
        return TypeConflict(name, layout.message, layout.loc)
    if isinstance(layout, Maybe):
        flag = next(values)
        return MaybeUnbound(rebuild(layout.inner, values, name), flag, name)
    if isinstance(layout, OrNone):
        flag = next(values)
        return OptionalValue(rebuild(layout.inner, values, name), flag)
    if isinstance(layout, TupleOf):
        return tuple(rebuild(e, values, f"{name}[{i}]") for i, e in enumerate(layout.elements))
    value = next(values)
    if isinstance(value, Symbolic):
        value.weak, value.bounds = layout.weak, layout.bounds
    return value
