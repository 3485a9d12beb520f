"""The operators converted code calls (bound to the name ``ag__`` there).

``frontend.convert`` rewrites a user function so that its control flow,
boolean logic, calls and local-variable accesses go through these functions.
Each one runs plain Python semantics unless its deciding value is symbolic
(or, for the ones that only matter while tracing, a trace is running); then
it hands over to ``frontend.staging``.  Decision: that module is looked up
at each hand-over, not bound when this one is imported, so that the
converter's tests can stand a fake in for it; it does not import this
module (``frontend.convert`` does, and the tracer above it).

Python-semantics decisions:

* ``and_``/``or_`` short-circuit and return an operand, like ``and``/``or``;
* ``chain_compare`` evaluates each operand at most once and stops at the
  first false comparison, returning its result, like ``a < b < c``;
* a ``for`` over a Python iterable checks ``extra_test`` (the loop's
  ``break``/``return`` flags) before taking the next item, so the iterator
  is not advanced past a ``break``; once that test depends on a traced value
  the rest of the loop is unrolled, each iteration guarded by it;
* ``assert_`` raises ``AssertionError(msg)``, or ``AssertionError()`` when
  there is no message.
"""
from __future__ import annotations

import functools
import operator
from typing import Any, Callable, Iterable, Iterator, Sequence

from .values import Undefined  # noqa: F401  (converted code reads it as ``ag__.Undefined``)

_GetState = Callable[[], tuple]
_SetState = Callable[[tuple], None]


def _staging():
    from . import staging

    return staging


# ------------------------------------------------------------ variables
def ld(value: Any) -> Any:
    """A read of a local variable."""
    staging = _staging()
    if isinstance(value, Undefined):
        if staging.tracing():
            return staging.undefined_read(value)
        raise UnboundLocalError(f"cannot access local variable '{value.name}' "
                                "where it is not associated with a value")
    return staging.load(value) if staging.tracing() else value


def ld_free(value: Any) -> Any:
    """A read of a variable of an enclosing function (in a nested def, a lambda, a comprehension)."""
    staging = _staging()
    if staging.tracing():
        from .nested_functions import load_free

        return load_free(value)
    if isinstance(value, Undefined):
        raise NameError(f"cannot access free variable '{value.name}' where it is not associated with a value "
                        "in enclosing scope")
    return value


def run_time_container(value: Any) -> Any:
    """The value assigned to a variable whose list, dict or set the function changes inside a
    loop or a branch: while tracing, it is a run-time one from here on (``frontend.lists``,
    ``frontend.hashed``)."""
    staging = _staging()
    return staging.run_time_container(value) if staging.tracing() else value


def unpacked(value: Any, count: int) -> Any:
    """The value of ``a, b = value`` (``count`` targets): while tracing, a run-time list or
    tuple as a Python tuple of its ``count`` items (``frontend.lists``)."""
    staging = _staging()
    return staging.unpacked(value, count) if staging.tracing() else value


def named(value: Any, name: str) -> Any:
    """The value of ``name = value``."""
    staging = _staging()
    return staging.named(value, name) if staging.tracing() else value


# ------------------------------------------------------------ statements
def if_stmt(cond: Any, body: Callable[[], None], orelse: Callable[[], None],
            get_state: _GetState, set_state: _SetState, names: Sequence[str]) -> None:
    staging = _staging()
    if staging.is_symbolic(cond):
        staging.staged_if(cond, body, orelse, get_state, set_state, names)
    elif cond:
        body()
    else:
        orelse()


def while_stmt(test: Callable[[], Any], body: Callable[[], None],
               get_state: _GetState, set_state: _SetState, names: Sequence[str]) -> None:
    """Loops in Python while ``test()`` is a Python value.

    While tracing, the rest of the loop is staged once ``test()`` is symbolic
    or after ``staging.UNROLL_LIMIT`` iterations.
    """
    staging = _staging()
    limit = staging.UNROLL_LIMIT if staging.tracing() else None
    iterations = 0
    while limit is None or iterations < limit:
        cond = staging.probe(test)
        if staging.is_symbolic(cond):
            break
        if not cond:
            return
        body()
        iterations += 1
    staging.staged_while(test, body, get_state, set_state, names)


_EXHAUSTED = object()


def for_stmt(iterable: Iterable, extra_test: Callable[[], Any] | None, body: Callable[[Any], None],
             get_state: _GetState, set_state: _SetState, names: Sequence[str]) -> None:
    """Iterates in Python unless ``iterable`` is one staging compiles into a loop.

    When ``extra_test()`` (the loop's ``break``/``return`` flags) turns
    symbolic, the loop can only stop at run time: the remaining iterations
    are unrolled, each one run under ``if extra_test():``.
    """
    staging = _staging()
    if staging.tracing() and staging.is_staged_iterable(iterable):
        staging.staged_for(iterable, extra_test, body, get_state, set_state, names)
        return
    iterator = iter(iterable)
    done = 0
    while True:
        go_on = True if extra_test is None else extra_test()
        if staging.is_symbolic(go_on):
            _guarded_iterations(go_on, iterator, extra_test, body, get_state, set_state, names)
            return
        if not go_on:
            return
        item = next(iterator, _EXHAUSTED)
        if item is _EXHAUSTED:
            return
        body(item)
        done += 1
        rest = staging.list_rest(iterable, done) if isinstance(iterable, list) and staging.tracing() else None
        if rest is not None:   # the body made the Python list a run-time one: the rest iterates that
            staging.staged_for(rest, extra_test, body, get_state, set_state, names)
            return


def _guarded_iterations(go_on: Any, iterator: Iterator, extra_test: Callable[[], Any],
                        body: Callable[[Any], None], get_state: _GetState, set_state: _SetState,
                        names: Sequence[str]) -> None:
    for item in iterator:
        if_stmt(go_on, functools.partial(body, item), _nothing, get_state, set_state, names)
        go_on = extra_test()


def _nothing() -> None:
    pass


def yield_(value: Any) -> Any:
    """``yield value`` of a generator traced for the loop consuming it: runs that loop's
    body on ``value``; true where the loop ends there (``frontend.generator_functions``)."""
    from .generator_functions import yield_to_consumer

    return yield_to_consumer(value)


def generator_function(function: Callable) -> Callable:
    """Marks a nested def that is a generator function: its converted code has no ``yield`` left."""
    from .generator_functions import mark_generator

    return mark_generator(function)


def generator_state(get_state: _GetState, set_state: _SetState, names: Sequence[str]) -> tuple:
    """The state of a construct of a generator with a ``yield`` in it: with the variables
    of the loop consuming the generator (``frontend.generator_functions``)."""
    from .generator_functions import with_consumer_state

    return with_consumer_state(get_state, set_state, names)


def nested_result(do_return: Any, retval: Any, always: bool) -> Any:
    """The result of a nested def (or generator) traced into its caller's code: any value
    (a function, a list) where it is known while compiling that a ``return`` ran."""
    staging = _staging()
    if staging.tracing():
        from .nested_functions import nested_result as traced_result

        return traced_result(do_return, retval, always)
    return retval if do_return else None


def return_value(do_return: Any, retval: Any, always: bool) -> Any:
    """The converted function's result: ``retval`` if a ``return`` ran, else ``None``."""
    staging = _staging()
    if staging.tracing():
        return staging.return_value(do_return, retval, always)
    return retval if do_return else None


# ------------------------------------------------------------ text
def format_string(parts: tuple) -> Any:
    """An f-string: its constant pieces and ``(value, conversion, spec)`` fields, formatted as
    CPython does (the conversion, then ``format``); with traced values, text the compiled code
    makes when it runs (``frontend.text``)."""
    staging = _staging()
    if staging.tracing():
        return staging.format_string(parts)
    return "".join(part if isinstance(part, str) else format(_converted(*part[:2]), part[2]) for part in parts)


def _converted(value: Any, conversion: str | None) -> Any:
    return {"s": str, "r": repr, "a": ascii}[conversion](value) if conversion else value


_DIVIDE = {"/": operator.truediv, "//": operator.floordiv, "%": operator.mod}
_DIVIDE_IN_PLACE = {"/": operator.itruediv, "//": operator.ifloordiv, "%": operator.imod}


def divide(op: str, a: Any, b: Any) -> Any:
    """``a / b``, ``a // b``, ``a % b``."""
    staging = _staging()
    if staging.tracing():
        return staging.divide(_DIVIDE[op], op, a, b)
    return _DIVIDE[op](a, b)


def divide_in_place(op: str, a: Any, b: Any) -> Any:
    """``a /= b`` (also ``//=``, ``%=``): the value to assign to ``a``."""
    staging = _staging()
    if staging.tracing():
        return staging.divide(_DIVIDE_IN_PLACE[op], op, a, b)
    return _DIVIDE_IN_PLACE[op](a, b)


#: the in-place operator of each augmented assignment but the divisions (``a += b``: ``operator.iadd``)
_IN_PLACE = {"+": operator.iadd, "-": operator.isub, "*": operator.imul, "**": operator.ipow, "@": operator.imatmul,
             "<<": operator.ilshift, ">>": operator.irshift, "&": operator.iand, "|": operator.ior,
             "^": operator.ixor}


def in_place(op: str, a: Any, b: Any) -> Any:
    """``a op= b`` of a variable (``a`` read as every read of it is: ``ld``): the value to
    assign to it, by Python's own in-place operator (an array's ``a += b`` stores into it)."""
    return _IN_PLACE[op](a, b)


def percent_format(template: str, values: Any) -> Any:
    """``template % values``."""
    staging = _staging()
    if staging.tracing():
        return staging.percent_format(template, values)
    return template % values


def try_stmt(body: Callable[[], None], handlers: Sequence[tuple[Callable[[], Any] | None, Callable[[Any], None]]],
             orelse: Callable[[], None] | None, final: Callable[[], None] | None,
             get_state: _GetState, set_state: _SetState, names: Sequence[str]) -> None:
    """``try``/``except``/``else``/``finally``: ``handlers`` are ``(classes thunk or None
    for a bare except, handler taking the exception)``.  While tracing, every raise is a
    raise site the tracer routes (``frontend.catching``)."""
    staging = _staging()
    if staging.tracing():
        staging.staged_try(body, handlers, orelse, final, get_state, set_state, names)
        return
    try:
        body()
    except BaseException as exc:
        for classes, handler in handlers:
            if classes is None or isinstance(exc, classes()):
                handler(exc)
                break
        else:
            raise
    else:
        if orelse is not None:
            orelse()
    finally:
        if final is not None:
            final()


def raise_(exc: Any) -> None:
    staging = _staging()
    if staging.tracing():
        staging.raise_(exc)
        return
    raise exc


def assert_(cond: Any, msg_fn: Callable[[], Any] | None) -> None:
    staging = _staging()
    if staging.tracing():
        staging.assert_(cond, msg_fn)
    elif not cond:
        raise AssertionError() if msg_fn is None else AssertionError(msg_fn())


# ------------------------------------------------------------ expressions
def generator_exp(element: Callable[[Any], Any], iterable: Iterable,
                  condition: Callable[[Any], Any] | None) -> Any:
    """``(element(x) for x in iterable if condition(x))``; the iterable is taken at once, as
    CPython takes the first one.  While tracing, what ``sum``/``any``/``all`` consume in a
    loop (``frontend.generators``)."""
    staging = _staging()
    if staging.tracing():
        return staging.generator_expression(element, iterable, condition)
    items = iter(iterable)
    return (element(x) for x in items if condition is None or condition(x))


def list_comp(element: Callable[[Any], Any], iterable: Iterable, condition: Callable[[Any], Any] | None) -> Any:
    """``[element(x) for x in iterable if condition(x)]``.  While tracing, a run-time list
    where the iterable is iterated at run time (``frontend.lists``)."""
    staging = _staging()
    if staging.tracing():
        return staging.list_comprehension(element, iterable, condition)
    return [element(x) for x in iterable if condition is None or condition(x)]


def dict_display(*pairs: tuple[Any, Any]) -> Any:
    """``{k: v, ...}``.  While tracing, a run-time dict where a key is traced (``frontend.dicts``)."""
    staging = _staging()
    return staging.dict_display(*pairs) if staging.tracing() else dict(pairs)


def set_display(*elements: Any) -> Any:
    """``{a, b, ...}``.  While tracing, a run-time set where an element is traced (``frontend.sets``)."""
    staging = _staging()
    return staging.set_display(*elements) if staging.tracing() else set(elements)


def dict_comp(pair: Callable[[Any], tuple[Any, Any]], iterable: Iterable,
              condition: Callable[[Any], Any] | None) -> Any:
    """``{k: v for x in iterable if condition(x)}`` (``pair(x)`` is ``(k, v)``).  While tracing,
    a run-time dict where the iterable is iterated at run time (``frontend.dicts``)."""
    staging = _staging()
    if staging.tracing():
        return staging.dict_comprehension(pair, iterable, condition)
    return dict(pair(x) for x in iterable if condition is None or condition(x))


def set_comp(element: Callable[[Any], Any], iterable: Iterable, condition: Callable[[Any], Any] | None) -> Any:
    """``{element(x) for x in iterable if condition(x)}``.  While tracing, a run-time set where
    the iterable is iterated at run time (``frontend.sets``)."""
    staging = _staging()
    if staging.tracing():
        return staging.set_comprehension(element, iterable, condition)
    return {element(x) for x in iterable if condition is None or condition(x)}


def if_exp(cond: Any, if_true: Callable[[], Any], if_false: Callable[[], Any]) -> Any:
    staging = _staging()
    if staging.is_symbolic(cond):
        return staging.staged_if_exp(cond, if_true, if_false)
    return if_true() if cond else if_false()


def and_(a: Callable[[], Any], b: Callable[[], Any]) -> Any:
    staging = _staging()
    x = a()
    if staging.is_symbolic(x):
        return staging.staged_if_exp(staging.truth(x), b, lambda: x)
    return b() if x else x


def or_(a: Callable[[], Any], b: Callable[[], Any]) -> Any:
    staging = _staging()
    x = a()
    if staging.is_symbolic(x):
        return staging.staged_if_exp(staging.truth(x), lambda: x, b)
    return x if x else b()


def and_test(a: Callable[[], Any], b: Callable[[], Any]) -> Any:
    """``a and b`` whose truth alone is used (a test): the truth of ``b()`` where ``a()`` is
    true, else False -- the truth of the value ``and`` gives, ``b`` evaluated only where CPython
    evaluates it."""
    staging = _staging()
    x = a()
    if staging.is_symbolic(x):
        return staging.staged_if_exp(staging.truth(x), lambda: _truth(b()), lambda: False)
    return _truth(b()) if x else False


def or_test(a: Callable[[], Any], b: Callable[[], Any]) -> Any:
    """``a or b`` whose truth alone is used (see :func:`and_test`)."""
    staging = _staging()
    x = a()
    if staging.is_symbolic(x):
        return staging.staged_if_exp(staging.truth(x), lambda: True, lambda: _truth(b()))
    return True if x else _truth(b())


def _truth(x: Any) -> Any:
    staging = _staging()
    return staging.truth(x) if staging.is_symbolic(x) else bool(x)


def not_(x: Any) -> Any:
    staging = _staging()
    return staging.logical_not(x) if staging.is_symbolic(x) else not x


def _order(op: str, python: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """``a op b``: of two tuples, staged when a trace is running (their items may be traced)."""
    def compare(a: Any, b: Any) -> Any:
        if type(a) is tuple and type(b) is tuple:
            staging = _staging()
            if staging.tracing():
                return staging.tuple_compare(op, a, b)
        return python(a, b)
    return compare


_COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    **{op: _order(op, fn) for op, fn in (("<", operator.lt), ("<=", operator.le), (">", operator.gt),
                                          (">=", operator.ge), ("==", operator.eq), ("!=", operator.ne))},
    "is": lambda a, b: _identity(a, b, False),
    "is not": lambda a, b: _identity(a, b, True),
    "in": lambda a, b: _contains(b, a), "not in": lambda a, b: not_(_contains(b, a)),
}


def mutable(obj: Any) -> Any:
    """The container of ``obj[key] = value`` (or ``+=``, ``del``), checked while tracing:
    a Python container may change only where CPython would change it once per call."""
    staging = _staging()
    return staging.mutable(obj) if staging.tracing() else obj


def delitem(obj: Any, key: Any) -> None:
    """``del obj[key]``; staged when a trace is running (``frontend.dicts``)."""
    staging = _staging()
    if staging.tracing():
        staging.delitem(obj, key)
    else:
        del obj[key]


def getitem(obj: Any, key: Any) -> Any:
    """``obj[key]`` (a load); staged when a trace is running."""
    staging = _staging()
    return staging.getitem(obj, key) if staging.tracing() else obj[key]


def _identity(a: Any, b: Any, negate: bool) -> Any:
    """``a is b`` (``a is not b`` when ``negate``); staged when a trace is running (a
    value that may be None is tested at run time)."""
    staging = _staging()
    if staging.tracing():
        return staging.identity(a, b, negate)
    return (a is not b) if negate else (a is b)


def _contains(container: Any, item: Any) -> Any:
    """``item in container``; staged when a trace is running."""
    staging = _staging()
    return staging.contains(container, item) if staging.tracing() else item in container


def chain_compare(*operands_and_ops: Any) -> Any:
    """``a op1 b op2 c ...`` given as ``(lambda: a, 'op1', lambda: b, 'op2', lambda: c, ...)``."""
    operands, ops = operands_and_ops[0::2], operands_and_ops[1::2]

    def compare(i: int, left: Any) -> Any:
        right = operands[i + 1]()
        result = _COMPARISONS[ops[i]](left, right)
        if i + 1 == len(ops):
            return result
        return and_(lambda: result, lambda: compare(i + 1, right))

    return compare(0, operands[0]())


def call(f: Any) -> Callable:
    """What a call of ``f`` runs: ``f`` itself unless a trace is running."""
    staging = _staging()
    return staging.resolve_call(f) if staging.tracing() else f
