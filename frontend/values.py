"""What a variable can hold while a function is traced.

* plain Python values (ints, floats, tuples, functions, modules, ...): they
  are evaluated at trace time and never reach the IR unless an operation
  mixes them with traced values, where scalars become constants;
* :class:`Undefined`: a local variable no path has assigned yet;
* :class:`Symbolic`: an IR value (a type, no value); every Python operator
  on it appends ops to the IR (see :func:`define`).  A *weak* symbolic
  value stands for a Python ``int``/``float``/``complex`` object (an
  argument, an accumulator started from a literal): as in NumPy 2 (NEP 50)
  it does not widen a NumPy type it meets -- ``alpha * x`` is ``float32``
  when ``x`` is a ``float32`` element, even if ``alpha`` is a Python float;
* :class:`MaybeUnbound`: a variable bound on some paths only, with a
  run-time flag that says whether it is bound; reading it checks the flag
  and raises ``UnboundLocalError`` as CPython would;
* :class:`TypeConflict`: a variable whose paths disagree on its type;
  reading it is a ``TypingError`` naming both types and places;
* :class:`OptionalValue`: a value that is None on some paths (``Optional[T]``),
  with a run-time flag that says whether it is present; its operators are
  those ``frontend.optional`` defines for the kind ``OptionalType``.

This is the bottom of the frontend's layers (it imports none of them):
the trace context, the typing rules of ``frontend.arith``, arrays,
NumPy and builtins, the staging of control flow, and the tracer and
converter on top each import only from below.  The operators of
``Symbolic`` are therefore methods that look their implementation up by
the operand's *kind* -- the class of its IR type -- in a table the layers
above fill with :func:`define`: numbers' rules in ``frontend.arith``,
indexing and attributes of arrays in ``frontend.arrays``, their ``copy()``
in ``frontend.numpy_api``, the methods of Generators in
``frontend.nprandom``, ``abs()`` in ``frontend.builtins``.
"""
from __future__ import annotations

import types
from typing import Any, Callable

import numpy as np

from ir import Location, TypingError, UnsupportedError, Value
from ir.dtypes import from_dtype, to_dtype
from ir.types import (
    ArrayType, BoolType, ComplexType, DictType, FloatType, GeneratorType, IntType, ListType, OptionalType, SetType,
    StrType, TupleType, Type, VarTupleType, bool_, c128, f64, i64, none, optional,
)

PY_SCALARS = (bool, int, float, complex)


class Undefined:
    """The value of a local variable that has not been assigned yet."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"Undefined({self.name!r})"


# ----------------------------------------------------------------- operators by kind
#: (kind, name) -> implementation; a kind is an IR type class, ``Type`` for every kind
_IMPLEMENTATIONS: dict[tuple[type, str], Callable] = {}


def define(kind: type[Type], implementations: dict[str, Callable]) -> None:
    """Implement operators, attributes and methods of traced values whose IR
    type is a ``kind`` (``Type``: of every kind without its own).

    A name is that of the Python special method (``"__add__"``: called as
    ``impl(self, other)``) or of the attribute (``"shape"``: called as
    ``impl(self)`` for its value; see :func:`method` for methods).
    """
    for name, impl in implementations.items():
        _IMPLEMENTATIONS[kind, name] = impl


def method(fn: Callable) -> Callable[[Any], Callable]:
    """An attribute implementation that is the method ``fn`` bound to the value."""
    return lambda value: types.MethodType(fn, value)


def _implementation(value: "Symbolic", name: str) -> Callable:
    for kind in type(value.type).__mro__:
        impl = _IMPLEMENTATIONS.get((kind, name))
        if impl is not None:
            return impl
    raise TypingError(f"a traced {value.type} has no attribute '{name}' in compiled code")


#: makes a traced array of a NumPy array of the process (``frontend.arrays.global_array``, which
#: sets it: this layer is below it)
as_traced_array: Callable[[np.ndarray], "Symbolic"] | None = None


def _binary(value: "Symbolic", other: Any, name: str, reflected: str) -> Any:
    """``value <name> other``: by ``value``'s kind, unless ``other`` is a traced array and
    ``value`` is not -- then ``other``'s ``reflected`` operator (an array operand decides,
    as NumPy's arrays take over from scalars).  A NumPy array of the process is read where
    the code runs (``frontend.arrays.global_array``).  An ``other`` that is or may be None
    decides (it raises CPython's ``TypeError`` where it is None, see :class:`OptionalValue`)."""
    if other is None:
        other = OptionalValue(None, False)
    if isinstance(other, OptionalValue):
        return _implementation(other, "reflected")(other, value, name)
    if isinstance(other, np.ndarray) and as_traced_array is not None:
        other = as_traced_array(other)
    if isinstance(other, Symbolic) and isinstance(other.type, ArrayType) and not isinstance(value.type, ArrayType):
        return _implementation(other, reflected)(other, value)
    return _implementation(value, name)(value, other)


def _inplace(value: "Symbolic", other: Any, name: str) -> Any:
    """``value <op>= other``: in place where the kind defines it (arrays, as NumPy's), else
    ``NotImplemented``, so that Python computes ``value <op> other`` and rebinds the name."""
    if other is None:
        other = OptionalValue(None, False)
    if isinstance(other, OptionalValue):
        return _implementation(other, "reflected")(other, value, name)
    for kind in type(value.type).__mro__:
        impl = _IMPLEMENTATIONS.get((kind, name))
        if impl is not None:
            return impl(value, other)
    return NotImplemented


class Symbolic:
    """A traced value: wraps an IR :class:`~ir.Value`.

    Its operators and attributes dispatch on the kind of the value (see
    :func:`define`).  Using one where Python needs a concrete value
    (``bool(x)``, ``range(x)`` outside the compiled code) is a
    ``TypingError`` that says so.  A traced value has no text and no hash
    until the compiled code runs: ``str``, ``repr``, ``format`` (f-strings,
    ``%``, ``print``) and ``hash`` of one are an ``UnsupportedError`` rather
    than the text or hash of a placeholder (CPython would give the number's).

    ``bounds``, on a weak int that merged or carried Python int constants only:
    the lowest and highest of them (see ``frontend.layout``).
    """

    __slots__ = ("value", "weak", "bounds")
    #: NumPy scalars defer their operators to a traced value: ``np.int64(5) * x`` calls
    #: ``x.__rmul__(np.int64(5))`` with the NumPy scalar (strong, NEP 50) intact
    __array_ufunc__ = None

    def __init__(self, value: Value, weak: bool = False):
        self.value = value
        self.weak = weak
        self.bounds: tuple[int, int] | None = None

    @property
    def type(self) -> Type:
        return self.value.type

    def __bool__(self) -> bool:
        raise TypingError(
            f"the truth value of a traced {self.type} is not known at compile time; "
            "it can only be used in conditions of the compiled function itself "
            "(if, while, and/or, ternaries), not in Python code it calls at compile time")

    def __index__(self) -> int:
        raise TypingError(
            f"a traced {self.type} cannot be used where Python needs a concrete integer "
            "at compile time (a list index, a slice of a Python object, ...)")

    def __iter__(self):
        raise TypingError(f"a traced {self.type} is not iterable")

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        """Refused: NumPy code run while compiling (a function of NumPy's we do not
        compile) would hold the traced value in an object array and compute on it as a
        Python object (``np.nan_to_num(a)`` returned ``a`` unchanged)."""
        raise TypingError(f"a traced {self.type} cannot become a NumPy array while compiling")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _implementation(self, name)(self)

    # ------------------------------------------------------------- operators (see ``define``)
    def __add__(self, other: Any) -> Any:
        return _binary(self, other, "__add__", "__radd__")

    def __radd__(self, other: Any) -> Any:
        return _binary(self, other, "__radd__", "__add__")

    def __sub__(self, other: Any) -> Any:
        return _binary(self, other, "__sub__", "__rsub__")

    def __rsub__(self, other: Any) -> Any:
        return _binary(self, other, "__rsub__", "__sub__")

    def __mul__(self, other: Any) -> Any:
        return _binary(self, other, "__mul__", "__rmul__")

    def __rmul__(self, other: Any) -> Any:
        return _binary(self, other, "__rmul__", "__mul__")

    def __truediv__(self, other: Any) -> Any:
        return _binary(self, other, "__truediv__", "__rtruediv__")

    def __rtruediv__(self, other: Any) -> Any:
        return _binary(self, other, "__rtruediv__", "__truediv__")

    def __floordiv__(self, other: Any) -> Any:
        return _binary(self, other, "__floordiv__", "__rfloordiv__")

    def __rfloordiv__(self, other: Any) -> Any:
        return _binary(self, other, "__rfloordiv__", "__floordiv__")

    def __mod__(self, other: Any) -> Any:
        return _binary(self, other, "__mod__", "__rmod__")

    def __rmod__(self, other: Any) -> Any:
        return _binary(self, other, "__rmod__", "__mod__")

    def __pow__(self, other: Any) -> Any:
        return _binary(self, other, "__pow__", "__rpow__")

    def __rpow__(self, other: Any) -> Any:
        return _binary(self, other, "__rpow__", "__pow__")

    def __lshift__(self, other: Any) -> Any:
        return _binary(self, other, "__lshift__", "__rlshift__")

    def __rlshift__(self, other: Any) -> Any:
        return _binary(self, other, "__rlshift__", "__lshift__")

    def __rshift__(self, other: Any) -> Any:
        return _binary(self, other, "__rshift__", "__rrshift__")

    def __rrshift__(self, other: Any) -> Any:
        return _binary(self, other, "__rrshift__", "__rshift__")

    def __and__(self, other: Any) -> Any:
        return _binary(self, other, "__and__", "__rand__")

    def __rand__(self, other: Any) -> Any:
        return _binary(self, other, "__rand__", "__and__")

    def __or__(self, other: Any) -> Any:
        return _binary(self, other, "__or__", "__ror__")

    def __ror__(self, other: Any) -> Any:
        return _binary(self, other, "__ror__", "__or__")

    def __xor__(self, other: Any) -> Any:
        return _binary(self, other, "__xor__", "__rxor__")

    def __rxor__(self, other: Any) -> Any:
        return _binary(self, other, "__rxor__", "__xor__")

    def __matmul__(self, other: Any) -> Any:
        return _binary(self, other, "__matmul__", "__rmatmul__")

    def __rmatmul__(self, other: Any) -> Any:
        return _binary(self, other, "__rmatmul__", "__matmul__")

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        return _binary(self, other, "__eq__", "__eq__")

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        return _binary(self, other, "__ne__", "__ne__")

    def __lt__(self, other: Any) -> Any:  # type: ignore[override]
        return _binary(self, other, "__lt__", "__gt__")

    def __le__(self, other: Any) -> Any:  # type: ignore[override]
        return _binary(self, other, "__le__", "__ge__")

    def __gt__(self, other: Any) -> Any:  # type: ignore[override]
        return _binary(self, other, "__gt__", "__lt__")

    def __ge__(self, other: Any) -> Any:  # type: ignore[override]
        return _binary(self, other, "__ge__", "__le__")

    def __iadd__(self, other: Any) -> Any:
        return _inplace(self, other, "__iadd__")

    def __isub__(self, other: Any) -> Any:
        return _inplace(self, other, "__isub__")

    def __imul__(self, other: Any) -> Any:
        return _inplace(self, other, "__imul__")

    def __itruediv__(self, other: Any) -> Any:
        return _inplace(self, other, "__itruediv__")

    def __ifloordiv__(self, other: Any) -> Any:
        return _inplace(self, other, "__ifloordiv__")

    def __imod__(self, other: Any) -> Any:
        return _inplace(self, other, "__imod__")

    def __ipow__(self, other: Any) -> Any:
        return _inplace(self, other, "__ipow__")

    def __imatmul__(self, other: Any) -> Any:
        return _inplace(self, other, "__imatmul__")

    def __ilshift__(self, other: Any) -> Any:
        return _inplace(self, other, "__ilshift__")

    def __irshift__(self, other: Any) -> Any:
        return _inplace(self, other, "__irshift__")

    def __iand__(self, other: Any) -> Any:
        return _inplace(self, other, "__iand__")

    def __ior__(self, other: Any) -> Any:
        return _inplace(self, other, "__ior__")

    def __ixor__(self, other: Any) -> Any:
        return _inplace(self, other, "__ixor__")

    def __neg__(self) -> Any:
        return _implementation(self, "__neg__")(self)

    def __pos__(self) -> Any:
        return _implementation(self, "__pos__")(self)

    def __invert__(self) -> Any:
        return _implementation(self, "__invert__")(self)

    def __abs__(self) -> Any:
        return _implementation(self, "__abs__")(self)

    def __getitem__(self, key: Any) -> Any:
        return _implementation(self, "__getitem__")(self, key)

    def __setitem__(self, key: Any, value: Any) -> None:
        _implementation(self, "__setitem__")(self, key, value)

    def __repr__(self) -> str:
        raise UnsupportedError(
            f"converting a run-time {self.type} to text (str, repr, format, f-strings, %, print) is not "
            "supported in compiled code: its value is only known when the compiled code runs; "
            "return the number and format it outside the compiled function")

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __hash__(self) -> int:
        raise UnsupportedError(
            f"hash() of a run-time {self.type} (also as a set element or dict key) is not supported in "
            "compiled code: its value is only known when the compiled code runs; "
            "compute the hash outside the compiled function")


class MaybeUnbound:
    """A variable bound only on some paths: ``value`` where ``flag`` is true."""

    __slots__ = ("value", "flag", "name")

    def __init__(self, value: Any, flag: Any, name: str):
        self.value = value
        self.flag = flag
        self.name = name


class OptionalValue:
    """A value that is None where ``flag`` (a traced or constant bool) is false, else
    ``value``.  Its operators, attributes and ``[]`` are looked up by the kind
    ``OptionalType`` (see :func:`define`); it has no truth value, text or hash at
    compile time: ``if x:`` is a run-time test (``frontend.arith.truth``), Python's
    ``bool()`` of it is refused."""

    __slots__ = ("value", "flag")
    __array_ufunc__ = None

    def __init__(self, value: Any, flag: Any):
        self.value = value
        self.flag = flag

    @property
    def type(self) -> OptionalType:
        """``optional<T>`` (``optional<none>`` where the value is a Python object, no IR value)."""
        return optional(type_of(self.value) or none)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _implementation(self, "__getattr__")(self, name)

    def __bool__(self) -> bool:
        raise TypingError(f"the truth value of a {self.type} (a value that may be None) is not supported "
                          "in compiled code; test 'x is not None' first")

    def __iter__(self):
        raise TypingError(f"a {self.type} (a value that may be None) is not iterable in compiled code; "
                          "test 'x is not None' first")

    def __repr__(self) -> str:
        raise UnsupportedError(f"converting a {self.type} (a value that may be None) to text is not supported "
                               "in compiled code; test 'x is not None' first")

    def __format__(self, spec: str) -> str:
        return repr(self)


def _optional_operator(name: str) -> Callable:
    return lambda self, *args: _implementation(self, name)(self, *args)


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "lshift", "rshift", "and", "or", "xor",
              "matmul"):
    for _form in (f"__{_name}__", f"__r{_name}__", f"__i{_name}__"):
        setattr(OptionalValue, _form, _optional_operator(_form))
for _form in ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__neg__", "__pos__", "__invert__",
              "__abs__", "__getitem__", "__setitem__"):
    setattr(OptionalValue, _form, _optional_operator(_form))


class TypeConflict:
    """A variable whose types differ between the paths that meet."""

    __slots__ = ("name", "message", "loc")

    def __init__(self, name: str, message: str, loc: Location | None):
        self.name = name
        self.message = message
        self.loc = loc

    def error(self) -> TypingError:
        return TypingError(self.message, self.loc)


def python_scalar_type(value: Any) -> Type | None:
    """The IR type of a Python scalar constant, or None if it is not one."""
    if isinstance(value, bool):
        return bool_
    if isinstance(value, int):
        return i64
    if isinstance(value, float):
        return f64
    if isinstance(value, complex):
        return c128
    if isinstance(value, np.generic):
        return from_dtype(value.dtype)
    return None


def python_class(value: Symbolic) -> type | None:
    """The class of the object CPython holds where compiled code holds the traced ``value``
    (``type(x)``, ``isinstance``): a Python number's where the value is weak, else the NumPy
    scalar class of its dtype (``np.float64``, ``np.bool_``); ``np.ndarray``, ``tuple``,
    ``str``, ``list``, ``dict``, ``set`` or ``np.random.Generator`` for those kinds; None
    where the type does not tell (another object, an iterator, a view of a dict)."""
    t = value.type
    if isinstance(t, (BoolType, IntType, FloatType, ComplexType)):
        if value.weak:
            return {BoolType: bool, IntType: int, FloatType: float, ComplexType: complex}[type(t)]
        return to_dtype(t).type
    kinds = ((ArrayType, np.ndarray), (VarTupleType, tuple), (OptionalType, None), (TupleType, tuple), (StrType, str),
             (ListType, list), (DictType, dict), (SetType, set), (GeneratorType, np.random.Generator))
    return next((cls for kind, cls in kinds if isinstance(t, kind)), None)


def type_of(value: Any) -> Type | None:
    """The IR type a value would have in the IR, or None if it has none."""
    if isinstance(value, Symbolic):
        return value.type
    if isinstance(value, OptionalValue):
        inner = type_of(value.value)
        return None if inner is None else optional(inner)
    if value is None:
        return none
    if isinstance(value, tuple):
        elements = [type_of(v) for v in value]
        if any(e is None for e in elements):
            return None
        return TupleType(tuple(elements))  # type: ignore[arg-type]
    return python_scalar_type(value)


def describe(value: Any) -> str:
    """A short description of a value for error messages."""
    t = type_of(value)
    if t is not None:
        return str(t)
    return f"Python {type(value).__name__}"
