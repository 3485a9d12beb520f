"""Text made of traced values: f-strings, ``str()``, ``repr()``, ``ascii()``, ``format()``,
``%`` and ``str.format`` of numbers known only when the compiled code runs, for ``print``
and exception messages.

Text that involves a traced value is a :class:`Text` while tracing: the constant pieces
and the calls that make the others (``format(x, ".3f")``, ``repr(x)``, ``"%d items" % n``),
whose arguments are traced values.  It can be joined with ``+`` (to constant strings and
other such text) and used by ``print`` (see ``runtime_calls.print_``) and as the arguments
of a raised exception (``raising.raise_``); there, when the compiled code runs, CPython
itself makes the string from the values as CPython holds them (a Python ``int``/``float``
for a Python number, a NumPy scalar for an array element: ``f"{x!r}"`` of an element is
``np.float64(0.5)``), so the text is CPython's byte for byte.  Used as a value -- ``len``,
comparison, ``in``, indexing, iteration, string methods, returning it, passing it to another
function, carrying it out of a loop -- it becomes a run-time ``str`` that CPython makes
there (``frontend.strings``); what a run-time string does not support stays an
``UnsupportedError`` (never the text of a placeholder).

Python-semantics decisions:

* CPython formats when the f-string is evaluated; here the string is made where it is used.
  The values are the same (numbers do not change; an array in the text is copied where the
  text is made).  A format spec that is wrong for the value's type (``f"{n:.2d}"``: a
  ``ValueError`` whatever ``n`` is) raises where the text is made, as in CPython, found by
  formatting a sample value of the type while compiling; what depends on the value itself
  (``f"{n:c}"`` of a huge ``n``) or on a spec made at run time (``f"{x:{w}}"``) raises where
  the text is used.
* Text is made of the traced values of one function: text passed to another traced function
  is made into a run-time string at the call (``frontend.tracer``).
"""
from __future__ import annotations

import operator
from typing import Any, Callable

import numpy as np

from ir import UnsupportedError
from ir.dtypes import to_dtype
from ir.records import record
from ir.types import (
    ArrayType, BoolType, ComplexType, DictType, FloatType, IntType, ListType, SetType, StrType, TupleType, ViewType,
)

from .context import TraceContext, current
from .values import OptionalValue, Symbolic

__all__ = ["Text", "format_string", "formatted_message", "percent_format", "lookup", "renderer", "exception_renderer",
           "optional_renderer", "has_run_time_values", "sample"]


def _tr() -> TraceContext:
    return current()


@record(frozen=True)
class _Call:
    """One piece of text: ``fn(*args)`` when the compiled code runs (args: traced values,
    text, constants, tuples of them)."""

    fn: Callable[..., str]
    args: tuple


_USES = ("text computed at run time (f-strings, str(), format(), % of traced values) is a run-time string "
         "in compiled code, used by print, raise, len(), comparisons, in, indexing, iteration and the methods of "
         "frontend.strings.METHODS; {what} is not supported: do it outside the compiled function")


class Text:
    """Text computed when the compiled code runs (see the module docstring)."""

    __slots__ = ("parts", "function")

    def __init__(self, parts: tuple) -> None:
        self.parts = parts
        self.function = _tr().stack[-1] if _tr().stack else None

    def __add__(self, other: Any) -> Any:
        if isinstance(other, (str, Text)):
            return Text(self.parts + _parts_of(other))
        return NotImplemented

    def __radd__(self, other: Any) -> Any:
        if isinstance(other, str):
            return Text(_parts_of(other) + self.parts)
        return NotImplemented

    def __repr__(self) -> str:
        return "<text computed at run time>"

    def _refuse(what: str) -> Callable[..., Any]:   # noqa: N805 -- a helper of the class body
        def refuse(self: Text, *args: Any) -> Any:
            raise _tr().error(UnsupportedError, _USES.format(what=what))
        return refuse

    # Python's own protocols that must give a Python object (compiled code's ``len``, ``in``,
    # ``for`` and truth are ``frontend.strings``'s, on the run-time string)
    __str__ = _refuse("str() of it")
    __len__ = _refuse("len()")
    __contains__ = _refuse("'in'")
    __iter__ = _refuse("iterating over it")
    __bool__ = _refuse("its truth")
    __hash__ = _refuse("hashing it")    # type: ignore[assignment]
    del _refuse

    # used as a value: a run-time string (``frontend.strings``) that CPython makes from it
    def _string(name: str) -> Callable[..., Any]:   # noqa: N805 -- a helper of the class body
        def operation(self: Text, *args: Any) -> Any:
            from . import strings

            return getattr(strings.as_str(self), name)(*args)
        return operation

    __eq__ = _string("__eq__")   # type: ignore[assignment]
    __ne__ = _string("__ne__")   # type: ignore[assignment]
    __lt__ = _string("__lt__")
    __le__ = _string("__le__")
    __gt__ = _string("__gt__")
    __ge__ = _string("__ge__")
    __getitem__ = _string("__getitem__")
    __mul__ = _string("__mul__")
    __rmul__ = _string("__rmul__")
    __mod__ = _string("__mod__")
    del _string

    def __getattr__(self, name: str) -> Any:
        from . import strings

        if hasattr(str, name) and not name.startswith("_"):
            return strings.bound_method(self, name)   # refuses the methods it has not
        raise _TextAttributeError(_USES.format(what=f"str.{name}"), _tr().location())


class _TextAttributeError(UnsupportedError, AttributeError):
    """A string attribute of text computed at run time: refused (an ``AttributeError`` too,
    so that ``hasattr`` is False)."""


def _parts_of(x: str | Text) -> tuple:
    return x.parts if isinstance(x, Text) else ((x,) if x else ())


def has_run_time_values(x: Any) -> bool:
    """Whether ``x`` (a value, or a tuple or list of them, or an exception made of them)
    holds a traced value or text."""
    if isinstance(x, (tuple, list)):
        return any(has_run_time_values(v) for v in x)
    if isinstance(x, BaseException):
        return has_run_time_values(_made_of(x)[1:])
    from . import hashed   # a layer above

    if hashed.shown_at_run_time(x):   # a dict, a set or a view of a dict
        return True
    return isinstance(x, (Symbolic, Text, _Exception, OptionalValue))


def _made_of(exc: BaseException) -> tuple[type, tuple, dict]:
    """How ``exc`` is made again when the compiled code runs: its class and the arguments it
    was made with in traced code (``raising.construct_exception``), else its ``args``."""
    from .raising import CONSTRUCTION

    args, kwargs = getattr(exc, CONSTRUCTION, (exc.args, {}))
    return type(exc), tuple(args), dict(kwargs)


@record(frozen=True)
class _Exception:
    """An exception made of traced values or text, kept in text (``str(e)``, ``f"{e!r}"``):
    made again from its arguments when the text is made."""

    cls: type
    args: tuple
    kwargs: tuple   # (name, value) pairs


def optional_renderer(x: OptionalValue, box: Callable[[Any], Callable[[tuple], Any]]) -> Callable[[tuple], Any]:
    """A function of a ``py.call``'s boxed operands that gives the optional value ``x``: its
    value, or None where its flag is false."""
    value, flag = box(x.value), box(x.flag)
    return lambda boxed: value(boxed) if flag(boxed) else None


def exception_renderer(exc: BaseException | _Exception, box: Callable[[Any], Callable[[tuple], Any]]
                       ) -> Callable[[tuple], BaseException]:
    """A function of a ``py.call``'s boxed operands that makes the exception ``exc`` again."""
    cls, args, kwargs = (exc.cls, exc.args, dict(exc.kwargs)) if isinstance(exc, _Exception) else _made_of(exc)
    values, names, keywords = box(args), tuple(kwargs), box(tuple(kwargs.values()))
    return lambda boxed: cls(*values(boxed), **dict(zip(names, keywords(boxed))))


# ----------------------------------------------------------------- making text
def sample(x: Any) -> Any:
    """A value of the Python type ``x`` has when the compiled code runs, to try a format (or a
    function that raises for some types: ``frontend.pymath``) on."""
    if isinstance(x, Text):
        return "s"
    if isinstance(x, (tuple, list)):
        return type(x)(sample(v) for v in x)
    if isinstance(x, (BaseException, _Exception)) and has_run_time_values(x):
        cls, args, kwargs = (x.cls, x.args, dict(x.kwargs)) if isinstance(x, _Exception) else _made_of(x)
        return cls(*sample(args), **{k: sample(v) for k, v in kwargs.items()})
    if isinstance(x, OptionalValue):   # the format is tried on the value; None is tried when it runs
        return sample(x.value)
    if not isinstance(x, Symbolic):
        return x
    t = x.type
    if isinstance(t, ArrayType):
        return np.zeros((1,) * t.ndim, to_dtype(t.dtype))
    if isinstance(t, TupleType):
        return tuple(sample(v) for v in _tr().unpack(x))
    if isinstance(t, StrType):
        return "s"
    if isinstance(t, ListType):
        return []
    if isinstance(t, (DictType, SetType, ViewType)):
        return {DictType: {}, SetType: set(), ViewType: {}.keys()}[type(t)]
    if x.weak:
        return {BoolType: True, IntType: 1, FloatType: 1.0, ComplexType: 1j}[type(t)]
    return to_dtype(t).type(1)


def _snapshot(x: Any) -> Any:
    """``x`` as the text keeps it: an array copied (the text shows it as it is now)."""
    from . import numpy_api

    if isinstance(x, list) or isinstance(x, Symbolic) and isinstance(x.type, ListType):
        from .lists import snapshot   # a layer above

        return snapshot(x)
    from . import hashed   # a layer above

    if hashed.shown_at_run_time(x):   # a dict, a set or a view of a dict
        return hashed.snapshot(x)
    if isinstance(x, tuple):
        return tuple(_snapshot(v) for v in x)
    if isinstance(x, BaseException) and has_run_time_values(x):
        cls, args, kwargs = _made_of(x)
        return _Exception(cls, _snapshot(args), tuple(zip(kwargs, _snapshot(tuple(kwargs.values())))))
    if isinstance(x, OptionalValue):
        return OptionalValue(_snapshot(x.value), x.flag)
    if isinstance(x, Symbolic) and isinstance(x.type, ArrayType):
        return numpy_api.copy(x)
    if isinstance(x, Symbolic) and isinstance(x.type, TupleType):
        return tuple(_snapshot(v) for v in _tr().unpack(x))
    if isinstance(x, Text) and x.function is not (_tr().stack[-1] if _tr().stack else None):
        raise _tr().error(UnsupportedError, "text computed at run time in another function cannot be used "
                                            "here; pass the numbers and format them where they are printed")
    return x


def _text(fn: Callable[..., str], *args: Any) -> str | Text:
    """``fn(*args)``: now for constants, else text made when the code runs -- after trying
    ``fn`` on sample values of the arguments' types, so that a format CPython refuses for the
    type raises here (``raising.user_computation`` turns it into a run-time raise)."""
    from .raising import user_computation

    if not has_run_time_values(args):
        return user_computation(fn, *args)
    if not _holds_text(args):   # text (a spec made at run time) cannot be tried
        user_computation(fn, *(sample(a) for a in args))
    return Text((_Call(fn, _snapshot(args)),))


def _holds_text(x: Any) -> bool:
    if isinstance(x, BaseException):
        return _holds_text(_made_of(x)[1:])
    return any(_holds_text(v) for v in x) if isinstance(x, (tuple, list, dict)) else isinstance(x, Text)


def _convert(value: Any, conversion: str | None) -> Any:
    return {"s": str, "r": repr, "a": ascii}[conversion](value) if conversion else value


def _field(value: Any, conversion: str | None, spec: str) -> str:
    """One f-string field as CPython evaluates it: the conversion, then ``format``."""
    return format(_convert(value, conversion), spec)


def format_string(parts: tuple) -> str | Text:
    """An f-string: ``parts`` are its constant pieces and ``(value, conversion, spec)`` fields."""
    pieces: list[str | Text] = [part if isinstance(part, str) else _text(_field, *part) for part in parts]
    result: str | Text = ""
    for piece in pieces:
        result = result + piece
    return result


def formatted_message(template: str, args: tuple) -> str | Text:
    """The message of a run-time check (``template.format(*args)``) as the exception compiled
    code raises has it: each argument as the Python number its error slot gives back (an
    element of an ``f32`` array as a Python float, as ``runtime.errors`` decodes it)."""
    if not args:
        return template.format()
    return _text(lambda *values: template.format(*(v.item() if isinstance(v, np.generic) else v
                                                   for v in values)), *args)


def percent_format(template: str, values: Any) -> str | Text:
    """``template % values``."""
    return _text(operator.mod, template, values)


def _str(*args: Any, **kwargs: Any) -> Any:
    if len(args) == 1 and not kwargs and (isinstance(args[0], Text) or isinstance(args[0], Symbolic)
                                          and isinstance(args[0].type, StrType)):
        return args[0]
    return str(*args, **kwargs) if kwargs else _text(str, *args)


def _method(template: str, name: str) -> Callable[..., Any]:
    """``template.format(...)`` or ``template.join(...)`` with traced values."""
    bound = getattr(template, name)

    def call(*args: Any, **kwargs: Any) -> Any:
        if not has_run_time_values((args, tuple(kwargs.values()))):
            return bound(*args, **kwargs)
        if kwargs:
            names = tuple(kwargs)
            return _text(lambda *values: bound(*values[:len(args)], **dict(zip(names, values[len(args):]))),
                         *args, *kwargs.values())
        if name == "join":
            return _text(lambda items: bound(list(items)), tuple(args[0]) if len(args) == 1 else args)
        return _text(bound, *args)
    return call


_BUILTINS: dict[Any, Callable[..., Any]] = {
    str: _str,
    repr: lambda value: _text(repr, value),
    ascii: lambda value: _text(ascii, value),
    format: lambda value, spec="": _text(format, value, spec),
}


def lookup(f: Any) -> Callable[..., Any] | None:
    """The staged version of ``f`` when it makes text (``str``, ``repr``, ``ascii``, ``format``,
    ``"...".format``, ``"...".join``), else None."""
    try:
        impl = _BUILTINS.get(f)
    except TypeError:   # unhashable
        impl = None
    if impl is not None:
        return impl
    template = getattr(f, "__self__", None)
    if isinstance(template, str) and getattr(f, "__name__", None) in ("format", "join"):
        return _method(template, f.__name__)
    return None


# ----------------------------------------------------------------- using text
def renderer(text: Text, box: Callable[[Any], Callable[[tuple], Any]]) -> Callable[[tuple], str]:
    """A function of a ``py.call``'s boxed operands that makes ``text``'s string; ``box`` turns
    a traced value into the function that gives it back as CPython holds it
    (``runtime_calls._Template.add``)."""
    _snapshot(text)   # refuses text of another function
    pieces = [piece if isinstance(piece, str) else _call_renderer(piece, box) for piece in text.parts]

    def render(boxed: tuple) -> str:
        return "".join(piece if isinstance(piece, str) else piece(boxed) for piece in pieces)
    return render


def _call_renderer(call: _Call, box: Callable[[Any], Callable[[tuple], Any]]) -> Callable[[tuple], str]:
    args = [_value_renderer(a, box) for a in call.args]
    return lambda boxed: call.fn(*(arg(boxed) for arg in args))


def _value_renderer(x: Any, box: Callable[[Any], Callable[[tuple], Any]]) -> Callable[[tuple], Any]:
    if isinstance(x, Text):
        return renderer(x, box)
    if isinstance(x, _Exception):
        return exception_renderer(x, lambda value: _value_renderer(value, box))
    if isinstance(x, OptionalValue):
        return optional_renderer(x, lambda value: _value_renderer(value, box))
    if isinstance(x, tuple):
        items = [_value_renderer(v, box) for v in x]
        return lambda boxed: tuple(item(boxed) for item in items)
    return box(x)
