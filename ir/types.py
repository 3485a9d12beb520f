"""The IR's types.

Scalars: ``bool``, signed ``i8..i64``, unsigned ``u8..u64``, ``f32``, ``f64``,
``c64``, ``c128``; plus ``none``, ``tuple<...>``, ``optional<T>`` (``T`` or None),
``array<dtype, ndim, layout>``,
``vector<N x T>``, ``generator`` (a NumPy random ``Generator``), ``str``,
``list<T>``, ``dict<K, V>``, ``set<T>``, ``iterator`` and ``view`` (references to CPython objects, see
:class:`ObjectType`); ``local_list<T>`` (a list held as native values).  Types are immutable,
hashable and compare by value;
``str(t)`` is the text form the printer writes and the parser reads
(:func:`ir.parser.parse_type`); the types are the IR's bottom layer and
import none of it.

Python's ``int`` maps to ``i64`` and wraps on overflow (as in NumPy and
Numba); ``float`` to ``f64``; ``complex`` to ``c128``; ``bool`` to ``bool``.
"""
from __future__ import annotations

from .records import record


class Type:
    """Base class of all IR types."""

    __slots__ = ()

    @property
    def is_scalar(self) -> bool:
        return isinstance(self, (BoolType, IntType, FloatType, ComplexType))


@record(frozen=True, slots=True)
class BoolType(Type):
    """Python's ``bool`` and NumPy's ``bool_``: one bit in registers, a byte in arrays."""

    def __str__(self) -> str:
        return "bool"

    @property
    def bits(self) -> int:
        return 1


@record(frozen=True, slots=True)
class IntType(Type):
    """A fixed-width integer of ``bits`` bits, ``signed`` or not."""

    bits: int
    signed: bool = True

    def __str__(self) -> str:
        return f"{'i' if self.signed else 'u'}{self.bits}"

    @property
    def min(self) -> int:
        return -(1 << (self.bits - 1)) if self.signed else 0

    @property
    def max(self) -> int:
        return (1 << (self.bits - 1)) - 1 if self.signed else (1 << self.bits) - 1

    def wrap(self, value: int) -> int:
        """Reduce a Python int to this type's range, two's complement."""
        value &= (1 << self.bits) - 1
        if self.signed and value >= 1 << (self.bits - 1):
            value -= 1 << self.bits
        return value


@record(frozen=True, slots=True)
class FloatType(Type):
    """An IEEE binary floating-point number of ``bits`` bits."""

    bits: int

    def __str__(self) -> str:
        return f"f{self.bits}"


@record(frozen=True, slots=True)
class ComplexType(Type):
    """A complex number: two floats of ``bits // 2`` bits each."""

    bits: int  # total: c64 is two f32

    def __str__(self) -> str:
        return f"c{self.bits}"

    @property
    def part(self) -> FloatType:
        return FloatType(self.bits // 2)


@record(frozen=True, slots=True)
class NoneType(Type):
    """The type of ``None``."""

    def __str__(self) -> str:
        return "none"


@record(frozen=True, slots=True)
class TupleType(Type):
    """A tuple of fixed length with an element type per position."""

    elements: tuple[Type, ...]

    def __str__(self) -> str:
        return f"tuple<{', '.join(map(str, self.elements))}>"


@record(frozen=True, slots=True)
class OptionalType(TupleType):
    """``T`` or None (Python's ``Optional[T]``).  Decision: it is the tuple
    ``(present: bool, value: T)`` -- a subclass of :class:`TupleType`, so that it
    is laid out, passed, returned and reference-counted as that tuple, and
    ``tuple_get`` takes it apart; where it is None, ``value`` is a placeholder
    (zero, or an array with no memory).  Made by ``optional`` (``ir.ops.optional``);
    only function results have this type: the frontend keeps the two parts apart."""

    def __str__(self) -> str:
        return f"optional<{self.value}>"

    @property
    def value(self) -> Type:
        return self.elements[1]


def optional(t: Type) -> OptionalType:
    """The type ``t`` or None."""
    return OptionalType((bool_, t))


@record(frozen=True, slots=True)
class ArrayType(Type):
    """An N-d strided array view; layout is ``C``, ``F`` or ``A`` (any)."""

    dtype: Type
    ndim: int
    layout: str = "A"
    readonly: bool = False

    def __str__(self) -> str:
        ro = ", readonly" if self.readonly else ""
        return f"array<{self.dtype}, {self.ndim}, {self.layout}{ro}>"


@record(frozen=True, slots=True)
class VectorType(Type):
    """A SIMD vector of ``width`` lanes of ``element`` (the vectorize pass's)."""

    element: Type
    width: int

    def __str__(self) -> str:
        return f"vector<{self.width} x {self.element}>"


@record(frozen=True, slots=True)
class GeneratorType(Type):
    """A ``np.random.Generator`` passed in, as its bit generator's ``bitgen_t`` pointer."""

    def __str__(self) -> str:
        return "generator"


@record(frozen=True, slots=True)
class PointerType(Type):
    """A C pointer a C caller passes to a ``compiler.cfunc`` callback (``f64*`` in its
    signature; ``pointee`` None for ``void *``): an address, read through an array view of
    it (``compiler.carray``, ``ir.ops.pointer``).  Nothing owns or counts it."""

    pointee: Type | None = None

    def __str__(self) -> str:
        return f"ptr<{'void' if self.pointee is None else self.pointee}>"


@record(frozen=True, slots=True)
class LocalListType(Type):
    """A list the function makes and never lets out (``compiler.passes.local_lists``), held
    as the values of its items: a header (length, capacity, items) in the function's stack
    frame and the items in a buffer of the C allocator, which ``array.decref`` of the list
    frees (the list has one reference, its maker's).  ``element``: a number type or a tuple
    of numbers (what ``list.get`` reads in place)."""

    element: Type

    def __str__(self) -> str:
        return f"local_list<{self.element}>"


class ObjectType(Type):
    """A CPython object held by compiled code: its ``PyObject *``, a reference counted as an
    array's meminfo is (``compiler.passes.refcount``: a value owns one reference or borrows
    one).  Compiled code holding objects runs with the GIL held; operations on them call
    CPython's own functions."""

    __slots__ = ()


@record(frozen=True, slots=True)
class StrType(ObjectType):
    """A CPython ``str`` object (``frontend.strings``)."""

    def __str__(self) -> str:
        return "str"


@record(frozen=True, slots=True)
class ListType(ObjectType):
    """A CPython ``list`` whose items all have type ``element`` (``frontend.lists``):
    Python numbers, or NumPy scalars of that type where ``numpy`` (``list<np.f64>``);
    ``element`` is None for a list whose items' type nothing has told yet (an empty one)."""

    element: Type | None
    numpy: bool = False

    def __str__(self) -> str:
        if self.element is None:
            return "list<?>"
        return f"list<{'np.' if self.numpy else ''}{self.element}>"


@record(frozen=True, slots=True)
class VarTupleType(ListType):
    """A CPython ``tuple`` whose length is known only at run time and whose items all have type
    ``element`` (``tuple(lst)`` of a run-time list, ``frontend.lists``): read as a list is
    (``list.len``, ``list.get``: its items are inline in the object), never changed.  A
    ``TupleType`` is a tuple whose length and element types are known while compiling."""

    def __str__(self) -> str:
        return f"vtuple<{_item_text(self.element, self.numpy)}>"


def _item_text(t: Type | None, numpy: bool) -> str:
    """An item type of a container type as the text form writes it: ``?`` where it is not known
    yet, ``np.T`` for NumPy scalars of type ``T``."""
    if t is None:
        return "?"
    return f"{'np.' if numpy else ''}{t}"


@record(frozen=True, slots=True)
class DictType(ObjectType):
    """A CPython ``dict`` whose keys all have type ``key`` and values type ``value``
    (``frontend.dicts``), NumPy scalars where ``key_numpy`` / ``value_numpy``; None where
    nothing has told the type yet (an empty dict)."""

    key: Type | None
    value: Type | None
    key_numpy: bool = False
    value_numpy: bool = False

    def __str__(self) -> str:
        return f"dict<{_item_text(self.key, self.key_numpy)}, {_item_text(self.value, self.value_numpy)}>"


@record(frozen=True, slots=True)
class SetType(ObjectType):
    """A CPython ``set`` whose elements all have type ``element`` (``frontend.sets``), NumPy
    scalars where ``numpy``; None where nothing has told the type yet (an empty set)."""

    element: Type | None
    numpy: bool = False

    def __str__(self) -> str:
        return f"set<{_item_text(self.element, self.numpy)}>"


@record(frozen=True, slots=True)
class IteratorType(ObjectType):
    """A CPython iterator a compiled loop holds (``for k in d`` over a dict or set): CPython's
    own iterator, so that a change of the container's size during the loop raises its error."""

    def __str__(self) -> str:
        return "iterator"


@record(frozen=True, slots=True)
class ViewType(ObjectType):
    """A CPython view of a dict (``d.keys()``, ``d.values()``, ``d.items()``), made where one is
    used as a value (printed, in text, returned): CPython's own object."""

    def __str__(self) -> str:
        return "view"


bool_ = BoolType()
i8, i16, i32, i64 = (IntType(b) for b in (8, 16, 32, 64))
u8, u16, u32, u64 = (IntType(b, False) for b in (8, 16, 32, 64))
f32, f64 = FloatType(32), FloatType(64)
c64, c128 = ComplexType(64), ComplexType(128)
none = NoneType()

SCALAR_TYPES: dict[str, Type] = {
    str(t): t for t in (bool_, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, c64, c128)
}
generator = GeneratorType()
str_ = StrType()
iterator = IteratorType()
view = ViewType()
NAMED_TYPES: dict[str, Type] = {**SCALAR_TYPES, "none": none, "generator": generator, "str": str_, "iterator": iterator,
                                "view": view}


def kind_rank(t: Type) -> int:
    """Order of the numeric kinds: bool < int < float < complex."""
    if isinstance(t, BoolType):
        return 0
    if isinstance(t, IntType):
        return 1
    if isinstance(t, FloatType):
        return 2
    if isinstance(t, ComplexType):
        return 3
    raise TypeError(f"{t} is not a numeric type")
