"""The tracer: runs converted functions on symbolic values to build IR.

One :class:`Tracer` builds one :class:`ir.Module`.  Each Python function
called during tracing becomes its own IR function, specialised on the
types of its arguments (scalars and tuples of scalars become IR
parameters; any other Python object -- a function, a module, a list -- is
baked in as a trace-time constant and is part of the specialisation key).

Recursion: a call to a function whose trace is still in progress uses the
return type seen so far (from the ``return`` statements traced before the
call).  Where no return has been traced yet (the base case comes after the
recursive call, or the function returns None by falling off its end), the
call ends its path for this trace: the other paths give the type.  If the
finished function returns a type other than its recursive calls assumed, it
is traced once more with that type assumed (functions it called that
depended on the unknown type are traced again too).

A value that may be None (``values.OptionalValue``) is passed to a traced
function as its two parts, and returned as one ``optional<T>`` value
(``ir.ops.optional``); a None passed to the entry is the constant None.

Layer: the top, with the converter.  The :class:`Tracer` is the trace
context (``frontend.context``) the layers below emit into; it adds what
needs the converter and the staging of control flow: tracing a Python
function into an IR function (:meth:`Tracer.call`, which the layers below
reach through the context).
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Iterator, Sequence

from ir import CompileError, Location, Module, TypingError, UnsupportedError
from ir.core import OpResult
from ir.interfaces import ownership
from ir.ops import ArraySubviewOp, ArrayUndefOp, CallOp, FuncOp, IfOp, MakeOptionalOp, MakeTupleOp, ReturnOp, TupleGetOp, YieldOp
from ir.types import BoolType, ComplexType, FloatType, NoneType, OptionalType, StrType, TupleType, Type, bool_, none

from . import staging  # noqa: F401  (loads every layer, and so every kind's operators, before a trace runs)
from .arith import materialize
from .context import FunctionTrace, PathEnds, TraceContext, current
from .context import tracing  # noqa: F401  (read here by the robustness tests)
from .convert import convert
from .locations import is_converted
from .nested_functions import check_defaults
from .raising import run_user_code
from .layout import Scalar, placeholders
from .values import PY_SCALARS, OptionalValue, Symbolic, python_scalar_type, type_of
from .variables import function_result

#: how many times a function is traced again when its return type changes
MAX_RETRACES = 3


class Tracer(TraceContext):
    """The trace context that traces Python functions into IR functions of one module."""

    def __init__(self, boundscheck: bool = True, error_model: str = "python") -> None:
        super().__init__(boundscheck, error_model)
        self.module = Module()
        self.functions: dict[tuple, FuncOp] = {}
        self.in_progress: dict[tuple, FunctionTrace] = {}
        #: functions whose every path raises: a call to one ends the caller's path
        self.never_return: set[str] = set()
        #: function -> which parts of its result are Python numbers (``_weakness``)
        self.weak_results: dict[str, Any] = {}

    # ------------------------------------------------------------- functions
    def trace_entry(self, pyfunc: Callable, arg_types: list[Type], result_type: Type | None = None,
                    weak: Sequence[bool] | None = None, constants: dict[int, Any] | None = None) -> FuncOp:
        """Trace ``pyfunc`` with parameters of ``arg_types``: the module's entry.

        ``weak[i]`` says argument ``i`` is a Python scalar (see ``values.Symbolic``; for a
        tuple, a tuple of these per element, nested as the tuple is); ``constants[i]``, that
        argument ``i`` is that Python value, a constant of the trace and no parameter
        (``compile(static=...)``, a function passed as an argument; its ``arg_types`` entry
        is unused).  A tuple argument is one parameter, which the traced code sees taken
        apart into a Python tuple of its elements, as a tuple a call returns is; an element of
        type ``none`` whose weakness entry is not a bool is that value, a constant (a function
        inside a tuple argument)."""
        sig = _signature(pyfunc)
        names = list(sig.parameters)
        if len(names) != len(arg_types):
            raise TypingError(f"{pyfunc.__name__}() takes {len(names)} arguments, "
                              f"{len(arg_types)} types were given")
        weak = list(weak) if weak is not None else [False] * len(arg_types)
        constants = constants or {}
        params = [("const", id(constants[i])) if i in constants else ("packed", (t, w)) if isinstance(t, TupleType)
                  else ("weak" if w else "arg", t) for i, (t, w) in enumerate(zip(arg_types, weak))]
        return self._trace_function(pyfunc, tuple(params), names, key=(pyfunc, tuple(params)),
                                    constants=[constants.get(i) for i in range(len(params))],
                                    result_type=result_type)

    def call(self, pyfunc: Callable, args: tuple, kwargs: dict) -> Any:
        """A call from traced code to another Python function.  A function made by converted
        code (a lambda in a compiled function, which may read its variables) runs in the
        caller's trace: its code is converted code already."""
        if is_converted(getattr(pyfunc, "__code__", None)):
            if pyfunc in self.inlining:   # traced into itself: it would never end
                raise self.error(UnsupportedError, f"{pyfunc.__name__}() calls itself: a nested function or lambda "
                                 "that calls itself is not supported in compiled code; define it at module level")
            check_defaults(pyfunc)
            self.inlining.add(pyfunc)
            try:
                result = run_user_code(lambda: pyfunc(*args, **kwargs))
            finally:
                self.inlining.discard(pyfunc)
            if self.frame.terminated:
                raise PathEnds()
            return result
        sig = _signature(pyfunc)
        if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in sig.parameters.values()):
            raise self.error(UnsupportedError, f"{pyfunc.__name__}(): functions with *args or **kwargs "
                             "parameters cannot be compiled; give them explicit parameters")
        try:
            bound = sig.bind(*args, **kwargs)
        except TypeError as err:
            raise self.error(TypingError, f"{pyfunc.__name__}(): {err}") from None
        bound.apply_defaults()
        if (self.function.try_scopes or _passes_a_lambda(bound.arguments.values())) \
                and pyfunc not in self.inlining and not self._recursive(pyfunc):
            return self._inline(pyfunc, bound)
        from .strings import text_as_value   # text made here is a run-time string there

        arguments = dict(bound.arguments)
        if any(isinstance(v, (list, dict, set)) for v in arguments.values()):   # a container it changes in a
            from .hashed import as_value as container_value                     # loop or a branch is a run-time
            from .lists import as_value as list_value                           # one there

            changed = convert(pyfunc).changed_in_blocks
            arguments = {name: container_value(list_value(v)) if name in changed else v
                         for name, v in arguments.items()}
        values = [text_as_value(v) for v in arguments.values()]
        if _passes_a_lambda(values):
            raise self.error(UnsupportedError, f"{pyfunc.__name__}() calls itself and is passed a lambda of its "
                                               "caller: not supported in compiled code; pass the values the "
                                               "lambda reads instead, or call a module-level function")
        spec = tuple(_param_spec(v) for v in values)
        key = (pyfunc, spec)
        ir_args = [a for v in values for a in self._flatten(v)]
        trace = self.in_progress.get(key)
        if trace is not None:  # recursion
            result_type = trace.return_hint
            trace.recursive_call_types.append(result_type)
            if result_type is None:  # not known yet: this path ends here in this trace
                trace.unknown_call = trace.unknown_call or self.location()
                for caller in self.stack[self.stack.index(trace) + 1:]:
                    caller.provisional = True
                raise PathEnds()
            name = trace.func_op.sym_name
        else:
            func_op = self.functions.get(key)
            if func_op is None:
                func_op = self._trace_function(pyfunc, spec, list(sig.parameters), key, constants=values)
            name, result_type = func_op.sym_name, func_op.result_type
        if self.function.try_scopes:
            from .catching import check_call

            check_call(self.functions.get(key) or trace.func_op, f"the call of {pyfunc.__name__}()")
        op = self.emit(CallOp(name, ir_args, result_type))
        if name in self.never_return:
            raise PathEnds()
        if isinstance(result_type, NoneType):
            return None
        return _weaken(self._unpack(Symbolic(op.result)), self.weak_results.get(name, False))

    def inline(self, pyfunc: Callable, args: tuple) -> Any:
        return self._inline(pyfunc, _signature(pyfunc).bind(*args))

    def _recursive(self, pyfunc: Callable) -> bool:
        return any(trace.pyfunc is pyfunc for trace in self.stack)

    def _inline(self, pyfunc: Callable, bound: inspect.BoundArguments) -> Any:
        """A call traced into the caller's code: inside a ``try`` statement, so that its raise
        sites are the caller's, which the handlers around the call catch as CPython's would (a
        call of a function of its own would return their exceptions as a status no handler
        sees); with a lambda of the caller as an argument, which may read the caller's
        variables.  A function that calls itself is called as usual (``frontend.catching``
        refuses it where a handler would have to see what it raises)."""
        self.inlining.add(pyfunc)
        try:
            result = run_user_code(lambda: convert(pyfunc).function(*bound.args, **bound.kwargs))
        finally:
            self.inlining.discard(pyfunc)
        if self.frame.terminated:
            raise PathEnds()
        return result

    def _unpack(self, value: Symbolic) -> Any:
        """A call's result as the traced function's value: tuples as Python tuples, an
        optional one as an ``OptionalValue``."""
        if isinstance(value.type, OptionalType):
            flag, inner = (self.emit_value(TupleGetOp(value.value, i)) for i in (0, 1))
            return OptionalValue(self._unpack(inner), flag)
        if isinstance(value.type, TupleType):
            return tuple(self._unpack(self.emit_value(TupleGetOp(value.value, i)))
                         for i in range(len(value.type.elements)))
        return value

    def _materialize(self, value: Any, t: Type) -> Any:
        """The IR value of a result ``value`` of type ``t`` (the inverse of :meth:`_unpack`)."""
        if isinstance(t, OptionalType):
            if isinstance(value, OptionalValue):
                flag, inner = materialize(value.flag, bool_), self._materialize(value.value, t.value)
            elif value is None:
                flag, inner = materialize(False, bool_), self._placeholder(t.value)
            else:
                flag, inner = materialize(True, bool_), self._materialize(value, t.value)
            return self.emit(MakeOptionalOp(flag, inner)).result
        if isinstance(t, TupleType):
            parts = [self._materialize(v, e) for v, e in zip(value, t.elements)]
            return self.emit(MakeTupleOp(parts)).result
        return materialize(value, t)

    def _placeholder(self, t: Type) -> Any:
        """A value of type ``t`` that nothing reads (an absent optional's)."""
        if isinstance(t, TupleType):
            return self.emit(MakeTupleOp([self._placeholder(e) for e in t.elements])).result
        return materialize(placeholders(Scalar(t))[0], t)

    def _flatten(self, value: Any) -> list:
        if isinstance(value, OptionalValue):
            return [materialize(value.flag, bool_), *self._flatten(value.value)]
        if isinstance(value, tuple):
            return [a for v in value for a in self._flatten(v)]
        if isinstance(value, Symbolic) or isinstance(value, PY_SCALARS) or python_scalar_type(value):
            return [materialize(value)]
        return []

    def _trace_function(self, pyfunc: Callable, spec: tuple, names: list[str], key: tuple,
                        constants: list | None = None, result_type: Type | None = None) -> FuncOp:
        converted = convert(pyfunc)
        return_hint: Type | None = None
        for attempt in range(MAX_RETRACES + 1):
            arg_types = [t for s in spec for t in _spec_types(s)]
            arg_names = [n for n, s in zip(names, spec) for _ in _spec_types(s)]
            func_op = FuncOp(self.module.unique_name(pyfunc.__qualname__.replace("<", "").replace(">", "")),
                             arg_types, none, arg_names, loc=_function_location(pyfunc))
            trace = FunctionTrace(pyfunc, func_op, return_hint, return_hint is not None)
            self.in_progress[key] = trace
            self.stack.append(trace)
            self.module.add(func_op)
            try:
                with self.region(func_op.body):
                    block_args = iter(func_op.body.args)
                    args = [_rebuild(s, block_args, constants[i] if constants else None)
                            for i, s in enumerate(spec)]
                    keyword_only = [p.kind is p.KEYWORD_ONLY for p in _signature(pyfunc).parameters.values()]
                    positional = [a for a, kw in zip(args, keyword_only) if not kw]
                    keywords = {n: a for n, a, kw in zip(names, args, keyword_only) if kw}
                    result = function_result(run_user_code(
                        lambda: converted.function(*positional, **keywords)))
                    if self.frame.terminated:  # every path raises: any value of the expected type
                        if None in trace.recursive_call_types:
                            raise TypingError(f"cannot infer the return type of the recursive function "
                                              f"{pyfunc.__name__}(): every path calls it again before a "
                                              "return statement (a base case) is reached", trace.unknown_call)
                        self.never_return.add(func_op.sym_name)
                        rtype = result_type or trace.return_hint or none
                        result = None if isinstance(rtype, NoneType) else _zero(rtype)
                    from .strings import as_value   # a string returned is a run-time value

                    result = as_value(result)
                    rtype = result_type or type_of(result)
                    func_op.result_type = rtype
                    self.weak_results[func_op.sym_name] = _weakness(result)
                    views = _new_views(result, self.module)
                    if views:
                        func_op.attributes["returns_views"] = views
                    try:
                        value = None if isinstance(rtype, NoneType) else self._materialize(result, rtype)
                    except TypingError as err:   # a result of another type than the declared one
                        raise err.with_location(_function_location(pyfunc)) from None
                    self.emit(ReturnOp(value))
            except BaseException:
                self.module.remove(func_op.sym_name)
                raise
            finally:
                self.stack.pop()
                del self.in_progress[key]
            if trace.provisional:  # thrown away with the attempt of the function it depends on
                self.stack[-1].discard += [func_op.sym_name, *trace.discard]
                return func_op
            if all(t == rtype for t in trace.recursive_call_types):
                self.functions[key] = func_op
                return func_op
            for name in [func_op.sym_name, *trace.discard]:
                self.module.remove(name)
                self.never_return.discard(name)
            return_hint = rtype
        raise TypingError(f"the return type of the recursive function {pyfunc.__name__}() does not settle: "
                          f"recursive calls assume {trace.recursive_call_types[0]} but it returns {rtype}",
                          _function_location(pyfunc))


def _passes_a_lambda(values: Any) -> bool:
    """Whether the arguments hold a function made by converted code (a lambda of the caller)."""
    for value in values:
        if isinstance(value, (tuple, list)) and _passes_a_lambda(value) or \
                is_converted(getattr(value, "__code__", None)):
            return True
    return False


def _new_views(result: Any, module: Module) -> list[int]:
    """Where ``result`` holds an array view the function made (``a[:]``, ``a.T``,
    ``a.reshape(n)``): the tuple positions of such elements, or ``[-1]`` for the result
    itself.  Each is a new Python object, never an argument itself, even where it spans
    all of an argument (``a[:] is a`` is False in NumPy) and a later pass folds it into
    that argument, and two are one object only where they are one traced value (``x = a[1:];
    return x, x``; a pass merging ``return a[1:], a[1:]`` does not make them one): a
    position repeating an earlier element's value is left out.
    ``compiler.fastcall.result_sources`` reads this record of the trace.  A function's result
    is one of the views a compiled function it called returned (in ``module``) where that one
    recorded it so."""
    def made_view(value: Any) -> bool:
        return isinstance(value, Symbolic) and _made_view(value.value, module)

    if made_view(result):
        return [-1]
    if not isinstance(result, tuple):
        return []
    views, seen = [], set()
    for i, v in enumerate(result):
        if made_view(v) and id(v.value) not in seen:
            views.append(i)
        if isinstance(v, Symbolic):
            seen.add(id(v.value))
    return views


def _made_view(value: Any, module: Module) -> bool:
    """Whether the traced ``value`` is a view the function made on every path (an ``if``'s
    result: in both branches, but for a placeholder no path returns: the ``array.undef`` of
    a branch that did not return), or a compiled function it called made and returned (its
    callee in ``module`` says so); a relabelled array is what the array is."""
    if not isinstance(value, OpResult):
        return False
    op = value.owner
    if isinstance(op, ArrayUndefOp):
        return True
    if isinstance(op, IfOp):
        ends = [block.ops[-1] if block.ops else None for block in (op.then_block, op.else_block)]
        return all(isinstance(end, YieldOp) and _made_view(end.operands[value.index], module) for end in ends)
    if isinstance(op, ArraySubviewOp) and op.relabel:   # the same object as the array relabelled
        return _made_view(op.operand(0), module)
    if isinstance(op, CallOp):
        return -1 in _returned_views(op, module)
    if isinstance(op, TupleGetOp) and isinstance(op.operand(0), OpResult) and isinstance(op.operand(0).owner, CallOp):
        return op.index in _returned_views(op.operand(0).owner, module)
    held = ownership(op, value.index)
    return held is not None and held.kind == "view"


def _returned_views(call: CallOp, module: Module) -> list[int]:
    """The views the callee of ``call`` records it returns (none where it is not traced yet:
    a recursive call)."""
    return module[call.callee].attributes.get("returns_views", []) if call.callee in module else []


def _weakness(value: Any) -> Any:
    """Which parts of a traced function's result are Python numbers: a bool, or
    a tuple of these for a tuple.  A call's result keeps it -- a helper
    computing on Python ints returns a Python int, which meets NumPy values as
    one (``a[i] = helper()`` out of an ``uint16``'s range raises, as NumPy does)."""
    if isinstance(value, tuple):
        return tuple(_weakness(v) for v in value)
    if isinstance(value, OptionalValue):
        return _weakness(value.value)
    return value.weak if isinstance(value, Symbolic) else isinstance(value, PY_SCALARS)


def _weaken(value: Any, weak: Any) -> Any:
    if isinstance(value, OptionalValue):
        _weaken(value.value, weak)
        return value
    if isinstance(value, tuple):
        parts = weak if isinstance(weak, tuple) else (weak,) * len(value)
        return tuple(_weaken(v, w) for v, w in zip(value, parts))
    if isinstance(value, Symbolic):
        value.weak = weak
    return value


def _zero(t: Type) -> Any:
    """A zero of a scalar or tuple type (the value of a path that never returns)."""
    if isinstance(t, TupleType):
        return tuple(_zero(e) for e in t.elements)
    return {BoolType: False, FloatType: 0.0, ComplexType: 0j, StrType: ""}.get(type(t), 0)


def _param_spec(value: Any) -> tuple:
    """How an argument reaches a traced function: an IR parameter (``arg``, or
    ``weak`` for a Python scalar), a tuple of those, or a baked-in constant."""
    if isinstance(value, tuple):
        return ("tuple", tuple(_param_spec(v) for v in value))
    if isinstance(value, OptionalValue):
        return ("optional", _param_spec(value.value))
    t = type_of(value) if (isinstance(value, Symbolic) or python_scalar_type(value)) else None
    if t is not None and not isinstance(t, TupleType):
        weak = value.weak if isinstance(value, Symbolic) else isinstance(value, PY_SCALARS)
        return ("weak" if weak else "arg", t)
    return ("const", id(value))


def _spec_types(spec: tuple) -> list[Type]:
    kind, data = spec
    if kind in ("arg", "weak"):
        return [data]
    if kind == "packed":
        return [data[0]]
    if kind == "tuple":
        return [t for s in data for t in _spec_types(s)]
    if kind == "optional":
        return [bool_, *_spec_types(data)]
    return []


def _rebuild(spec: tuple, block_args: Iterator, constant: Any) -> Any:
    kind, data = spec
    if kind in ("arg", "weak"):
        arg = next(block_args)
        return None if isinstance(data, NoneType) else Symbolic(arg, weak=kind == "weak")
    if kind == "optional":
        flag = Symbolic(next(block_args))
        return OptionalValue(_rebuild(data, block_args, constant.value if constant is not None else None), flag)
    if kind == "tuple":
        parts = constant if isinstance(constant, tuple) else (None,) * len(data)
        return tuple(_rebuild(s, block_args, c) for s, c in zip(data, parts))
    if kind == "packed":
        return _taken_apart(Symbolic(next(block_args)), data[1])
    return constant


def _taken_apart(value: Symbolic, weak: Any) -> Any:
    """An entry's tuple parameter as a Python tuple of its elements (``tuple_get`` ops), nested
    as it is; ``weak``: which elements are Python scalars, a tuple of these (or one bool for all),
    and for a ``none`` element, the constant it stands for if not a bool (see ``trace_entry``)."""
    t = value.type
    if not isinstance(t, TupleType):
        value.weak = weak
        return value
    parts = weak if isinstance(weak, tuple) else (weak,) * len(t.elements)
    context = current()
    return tuple((None if isinstance(w, bool) else w) if isinstance(e, NoneType)
                 else _taken_apart(context.emit_value(TupleGetOp(value.value, i)), w)
                 for i, (e, w) in enumerate(zip(t.elements, parts)))


def _signature(pyfunc: Callable) -> inspect.Signature:
    """``pyfunc``'s own parameters: a ``functools.wraps`` wrapper is traced as the wrapper
    it is, so its ``__wrapped__`` is not followed (the converter does the same)."""
    try:
        return inspect.signature(pyfunc, follow_wrapped=False)
    except (TypeError, ValueError) as err:
        raise CompileError(f"cannot read the signature of {pyfunc!r}: {err}") from None


def _function_location(pyfunc: Callable) -> Location | None:
    code = getattr(pyfunc, "__code__", None)
    if code is None:
        return None
    return Location(code.co_filename, code.co_firstlineno, 0)
