"""``@compile``: the decorator, and the dispatcher it returns.

    @compile
    def f(x, y): ...                      # compiled lazily, per argument types

    @compile("f64(f64, i64)")             # compiled now, for these signatures
    def g(x, n): ...

    @compile(opt=2)                       # our pass pipeline's preset and LLVM's level

    @compile(passes="fold,dce,cse")       # our passes, by name (LLVM still at opt)
    def h(x): ...

    @compile(boundscheck=False)           # no array index checks (undefined if out of range)
    def k(a, i): ...

    @compile(fastmath=True)               # floating-point reductions may be reordered (vectorized)
    def total(a): ...

    @compile(error_model="numpy", nogil=True)   # x / 0.0 is inf (NumPy's); the GIL released per call
    def ratio(a, b): ...

    @compile(static=("n", "mode"))        # specialised on the values of n and mode
    def step(x, n, mode="fast"): ...

    step.explain()                        # why each specialisation was made

A call binds its arguments as Python would (a wrong count raises the very
``TypeError`` CPython raises), maps each to an IR type (``bool``, ``i64``,
``f64``, ``c128``, a NumPy scalar's type, an array's, ``tuple<...>`` of its
elements' types for a tuple) or, for a function, to that function
(:mod:`compiler.callees`), and runs the specialisation for those, compiling it
on first use.  Whether an argument is a Python number (weak in NumPy 2's
promotion) is part of the key too, element by element for a tuple.  Compiling
is serialised per dispatcher, so threads calling a new signature at once
compile it once.

The parameters are those of the function's own code: a ``functools.wraps``
wrapper is compiled as the wrapper it is (its ``__wrapped__`` is not looked
at).  A function with ``*args`` or ``**kwargs`` cannot be compiled: calling it
or compiling it for a signature raises ``UnsupportedError`` at its ``def`` line
(after a call with a wrong argument count has raised CPython's ``TypeError``).

Static arguments (``static=``, names of parameters, as ``jax.jit``'s
``static_argnames``): the specialisation is chosen by the *values* of those
arguments as well as the types of the others, and inside the trace they are
the Python values themselves -- constants, so ``for i in range(n)`` unrolls
and ``if mode == "fast":`` picks its branch while compiling.  A static value
must be hashable (a number, string, tuple, None, ...; else ``TypeError``);
values that are equal but of different types (``1``, ``1.0``, ``True``) are
different specialisations.  Functions with static arguments always take the
Python path (no native path is made for them), and ``compile(signature)``,
which cannot name values, refuses them.

Functions as arguments (``apply(np.sin, a)``, ``apply(lambda x: x + 1, a)``, a
compiled function, and inside tuple arguments, ``newton((f, df), x)``):
constants of the trace, as static values are, keyed by the
function's identity and its closure's values (the decisions: :mod:`compiler.callees`);
unlike static arguments they need no ``static=`` and take the native path.

Every specialisation made is recorded with the reason it was made -- the
first call, an explicit signature, or which arguments' types, static values or
functions differ from the specialisation made before it -- and ``f.explain()`` returns
the records (printed one a line).  When a function is specialised more than
:data:`RESPECIALIZATION_LIMIT` times a :class:`SpecializationWarning` is
issued once, naming the arguments that kept changing (``tf.function``'s
retracing warning, with its reason).

Globals and closure variables are constants of the specialisation that traced
them: rebinding a global later (a callee, a number) leaves the existing
specialisations as they were compiled, while a new specialisation -- new
argument types, or a new ``compile`` -- traces the values of that moment.

Calling: the native path.  The Python logic above (``Dispatcher._call_slow``)
costs microseconds per call.  So each dispatcher is the one instance of its
own subclass of :class:`Dispatcher`, and that class's ``__call__`` is a
builtin function made by :mod:`compiler.fastcall` for an argument key it has
run (the first call of a key compiles it and takes the Python path; the native
code of the key was compiled with it, in the same LLVM module, so from the
second call on the key runs natively; a key that runs another key's
specialisation, or whose wrapper could not be made with it, gets its builtin
on its second call, compiled then): a builtin is not a descriptor, so ``f(x)``
calls it with the arguments alone, and it checks the exact key, unboxes and
calls the native code without any Python frame.  The subclass is also a vectorcall class
(:mod:`compiler.vectorcall`): the dispatcher holds the address of the first
builtin's native function, so ``f(x)`` calls that directly, without an
argument tuple or a lookup of ``__call__`` (about 35 ns in all).  A call of another key goes to that
builtin's fallback: the builtin of the key before it, and so on for the
:data:`NATIVE_CHAIN` newest keys, then the Python path, which also makes the
builtin of a key the first time it runs it.  The chain maps a key to the very
specialisation the Python path would run for it (``_compiled[key]``), so
which path a call takes never changes its result.  A call with keyword
arguments or defaults to fill, and keyword-only parameters, are bound by the
native code itself (:mod:`compiler.fastcall`, "Binding": defaults are constants
of the native path, checked by identity against the function's current
``__defaults__`` and ``__kwdefaults__``); what it does not bind (a binding error, a
default rebound since) takes the Python path, which binds with the function's
defaults of the moment, raises CPython's ``TypeError`` or runs the bound call.
Threads need no lock to call: the chain is relinked under the
dispatcher's lock, and every state of a relink is a valid chain.
"""
from __future__ import annotations

import functools
import inspect
import sys
import threading
import warnings
from typing import Any, Callable, Iterable

from ir import ArrayType, Location, Type, TypingError, UnsupportedError
from ir.records import record
from ir.types import TupleType, none

from .callees import FUNCTION, FunctionArgument, function_argument, tuple_part
from .fastcall import Binding, NativeCall, binding_of, native_call, prebuilt_wrapper, result_sources
from .pipeline import CompiledFunction, CompileOptions, build_module, compile_function, finish_for_codegen
from .signatures import Signature, format_type, parse_signature
from .vectorcall import set_vectorcall, vectorcall_subclass

#: what ``inspect_ir`` shows: the source, the converted source, the traced IR, the IR
#: after our passes (and the refcount pass), our LLVM IR, LLVM's optimized IR, and
#: the host assembly
STAGES = ("source", "converted", "ir", "optimized", "lowered", "llvm", "asm")

#: how many argument keys have a native path at once (the newest ones)
NATIVE_CHAIN = 4

#: a function specialised more times than this gets one :class:`SpecializationWarning`
RESPECIALIZATION_LIMIT = 8

#: the first element of a static argument's entry in a key: ``(STATIC, value key)``
STATIC = "static"


class SpecializationWarning(UserWarning):
    """A compiled function was specialised (traced and compiled anew) many times: an
    argument keeps changing type, or a static argument keeps changing value."""


@record(frozen=True)
class Specialization:
    """One specialisation made: what its arguments were, and why it was made."""

    function: str
    #: (name, "f64" / "Python int" / "static 3") per argument
    arguments: tuple[tuple[str, str], ...]
    reason: str

    def __str__(self) -> str:
        args = ", ".join(f"{name}: {what}" for name, what in self.arguments)
        return f"{self.function}({args}): {self.reason}"


class Explanation(tuple):
    """The :class:`Specialization` records of a function, oldest first; ``str`` gives one a line."""

    def __str__(self) -> str:
        if not self:
            return "no specialisation made yet"
        return "\n".join(f"{i}. {made}" for i, made in enumerate(self, 1))


class CacheInfo(tuple):
    """The disk cache's events of a function (``Dispatcher.cache_info``); ``str`` gives one a line."""

    def __str__(self) -> str:
        if not self:
            return "the disk cache was not used (compile with cache=True or set PYJIT_CACHE=1)"
        return "\n".join(map(str, self))


class Dispatcher:
    """A compiled function: one native specialisation per argument signature."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Dispatcher:
        """Each dispatcher is the one instance of its own subclass, whose ``__call__``
        the native path replaces and whose instances CPython calls through the
        native path's function pointer (see the module docstring)."""
        own = vectorcall_subclass(cls, {"__module__": cls.__module__, "__qualname__": cls.__qualname__,
                                        "_own_class": True})
        return super().__new__(own)

    def __getstate__(self) -> dict:
        """What ``copy`` copies: the attributes (the native function pointer is not
        state; a copy's own class starts without one)."""
        return self.__dict__

    def __copy__(self) -> Dispatcher:
        """A new dispatcher of its own class with the same attributes (pickling, which goes by
        reference, would give this very dispatcher back)."""
        new = type(self).__new__(type(self))
        new.__dict__.update(self.__getstate__())
        return new

    def __reduce__(self) -> tuple:
        """Pickled by reference: module and name, with the options (``compiler.pickling``)."""
        from .pickling import reduce_dispatcher

        return reduce_dispatcher(self)

    def __init__(self, py_func: Callable, signatures: Iterable[str | Signature] = (),
                 options: CompileOptions | None = None, static: Iterable[str] = ()):
        if not inspect.isfunction(py_func):
            raise TypeError(f"@compile needs a Python function, not {type(py_func).__name__}")
        self.py_func = py_func
        self.options = options or CompileOptions()
        self._signature = inspect.signature(py_func, follow_wrapped=False)
        #: the defaults ``_signature`` has: (``__defaults__``, ``__kwdefaults__``, its items)
        self._defaults_seen = (py_func.__defaults__, py_func.__kwdefaults__,
                               tuple(py_func.__kwdefaults__.items()) if py_func.__kwdefaults__ else ())
        # a call of exactly _nparams positional arguments binds as it is
        self._simple = all(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                           for p in self._signature.parameters.values())
        self._variadic = any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in self._signature.parameters.values())
        self._nparams = len(self._signature.parameters)
        #: the positions of the static arguments
        self._static = _static_positions(py_func, self._signature, static)
        #: the static values each key was traced with
        self._constants: dict[tuple, dict[int, Any]] = {}
        #: every specialisation made, and why (see :meth:`explain`)
        self._history: list[Specialization] = []
        #: the disk cache of this function (``compiler.cache``), made on first use
        self._disk: Any = None
        self._warned = False
        self._compiled: dict[tuple[Type, ...], CompiledFunction] = {}
        self._lock = threading.RLock()
        #: per argument key seen by the Python path: its native path, or None if it cannot have one
        self._native: dict[tuple[tuple[Type, bool], ...], NativeCall | None] = {}
        #: every native path made, linked or not: a call may still be running in one taken off the chain
        self._natives: list[NativeCall] = []
        #: argument keys the Python path has run once (the second call makes a native path
        #: that was not made with the specialisation)
        self._called: set[tuple[tuple[Type, bool], ...]] = set()
        self._head: Callable | None = None  # the first builtin of the chain
        self._slow = self._call_slow  # the end of the chain (one bound method, kept)
        functools.update_wrapper(self, py_func)
        # what inspect.signature shows even without following __wrapped__ (a builtin
        # __call__ has no signature of its own)
        self.__signature__ = self._signature
        for sig in signatures:
            self.compile(sig)

    # ------------------------------------------------------------- compiling
    def compile(self, signature: str | Signature) -> CompiledFunction:
        """Compile now for an explicit signature (``"f64(f64, i64)"``)."""
        sig = parse_signature(signature) if isinstance(signature, str) else signature
        if self._variadic:
            raise self._variadic_error()
        if self._static:
            raise TypeError(f"{self.py_func.__name__}() has static arguments ({', '.join(self._static_names())}): "
                            "it is compiled when called, for their values; a signature cannot give them")
        if len(sig.args) != self._nparams:
            raise TypingError(f"signature {sig} has {len(sig.args)} arguments but "
                              f"{self.py_func.__name__}() takes {self._nparams}")
        # scalars in a signature stand for Python numbers (weak, see frontend.values)
        return self._specialization(tuple((t, _signature_weakness(t)) for t in sig.args), sig.result,
                                    f"compiled for the signature {sig}")

    def _specialization(self, key: tuple[tuple[Any, Any], ...], result_type: Type | None = None,
                        reason: str | None = None, args: tuple = ()) -> CompiledFunction:
        """The specialisation for ``key``: (type, is a Python scalar) per argument, or
        (:data:`STATIC`, its value's key) for a static one, whose value is in ``args``, or
        (:data:`~compiler.callees.FUNCTION`, its key) for a function."""
        compiled = self._compiled.get(key)
        if compiled is not None and (result_type is None or compiled.result_type == result_type):
            return compiled
        with self._lock:
            compiled = self._compiled.get(key)
            if compiled is None or (result_type is not None and compiled.result_type != result_type):
                types, weak = self._trace_arguments(key)
                constants = {i: args[i] for i, (t, _) in enumerate(key) if isinstance(t, str)}
                from .cache import enabled as cache_enabled

                if cache_enabled(self.options.cache):
                    from .cached import compile_cached

                    compiled = compile_cached(self, key, types, result_type, weak, constants, self._wrapper_maker(key))
                else:
                    compiled = compile_function(self.py_func, types, result_type, self.options, weak, constants,
                                                self._wrapper_maker(key))
                compiled.forget_ir()
                self._compiled[key] = compiled
                if constants:
                    self._constants[key] = constants
                self._record(key, args, reason)
                if self._native.pop(key, None) is not None:  # it runs the specialisation replaced
                    self._link()
            return compiled

    @staticmethod
    def _trace_arguments(key: tuple) -> tuple[tuple, tuple]:
        """The argument types and weakness to trace ``key`` with (a constant's -- a static value, a
        function -- are unused; a tuple's weakness is a tuple, per element)."""
        return (tuple(none if isinstance(t, str) else t for t, _ in key),
                tuple(False if isinstance(t, str) else _trace_weakness(w) if isinstance(t, TupleType) else w is True
                      for t, w in key))

    # ------------------------------------------------------------- the disk cache
    def _disk_cache(self) -> Any:
        """This function's :class:`compiler.cache.FunctionCache` (made on first use)."""
        if self._disk is None:
            from .cache import FunctionCache

            self._disk = FunctionCache(self.py_func, self.options)
        return self._disk

    def _describe_key(self, key: tuple, constants: dict[int, Any]) -> str:
        args = tuple(constants.get(i) for i in range(len(key)))
        return f"{self.py_func.__name__}({', '.join(f'{n}: {w}' for n, w in self._describe(key, args))})"

    def cache_info(self) -> CacheInfo:
        """What the disk cache did for each specialisation made, and why (``compiler.cache``):
        a tuple of :class:`compiler.cache.CacheEvent`; ``print`` it.  Empty where the cache
        is off."""
        return CacheInfo(self._disk.events if self._disk is not None else ())

    # ------------------------------------------------------------- explaining
    def _static_names(self) -> list[str]:
        names = list(self._signature.parameters)
        return [names[i] for i in self._static]

    def _describe(self, key: tuple, args: tuple) -> tuple[tuple[str, str], ...]:
        described = []
        for i, (name, (t, weak)) in enumerate(zip(self._signature.parameters, key)):
            if t == STATIC:
                described.append((name, f"static {args[i]!r}"))
            elif t == FUNCTION:
                described.append((name, weak.describe()))
            else:
                described.append((name, _describe_type(t, weak)))
        return tuple(described)

    def _record(self, key: tuple, args: tuple, reason: str | None) -> None:
        """Keep why the specialisation of ``key`` was made; warn once past the limit."""
        arguments = self._describe(key, args)
        if reason is None:
            if not self._history:
                reason = "the first call"
            else:   # against the specialisation before that differs in the fewest arguments
                differences = [[(name, what, before[name]) for name, what in arguments if before[name] != what]
                               for before in (dict(made.arguments) for made in self._history)]
                changed = min(differences, key=len)
                kinds = {name: t for name, (t, _) in zip(self._signature.parameters, key)}
                reason = "; ".join(f"{_CHANGED.get(kinds[name], 'type of')} '{name}' changed: {what} (before: {old})"
                                   for name, what, old in changed) \
                    or "the same arguments with another result type"
        self._history.append(Specialization(self.py_func.__qualname__, arguments, reason))
        if len(self._history) > RESPECIALIZATION_LIMIT and not self._warned:
            self._warned = True
            warnings.warn(self._churn_message(key), SpecializationWarning, stacklevel=_outside_this_module())

    def _churn_message(self, key: tuple) -> str:
        seen: dict[str, list[str]] = {}
        for made in self._history:
            for name, what in made.arguments:
                values = seen.setdefault(name, [])
                if what not in values:
                    values.append(what)
        changing = [f"'{name}' ({len(values)}: {', '.join(values[:4])}{', ...' if len(values) > 4 else ''})"
                    for name, values in seen.items() if len(values) > 1]
        functions = [name for name, (t, _) in zip(self._signature.parameters, key)
                     if t == FUNCTION and len(seen.get(name, ())) > 1]
        hint = (f"; pass one function object as '{functions[0]}' (a lambda or closure made anew for each call is "
                "a new function, compiled anew)") if functions else ""
        return (f"{self.py_func.__qualname__}() has been specialised {len(self._history)} times (more than "
                f"{RESPECIALIZATION_LIMIT}), each compiled anew; the arguments that keep changing: "
                f"{', '.join(changing) or 'none (explicit signatures)'}. Pass values of one type, and leave "
                f"arguments whose values keep changing out of static={hint}; f.explain() lists every "
                "specialisation")

    def explain(self) -> Explanation:
        """Why each specialisation was made (see the module docstring); ``print`` it."""
        return Explanation(self._history)

    @property
    def signatures(self) -> list[Signature]:
        # a snapshot: another thread may be adding a specialisation meanwhile
        unique = {id(c): c for c in list(self._compiled.values())}.values()
        return [Signature(c.arg_types, c.result_type) for c in unique]

    # ------------------------------------------------------------- calling
    def _call_slow(self, *args: Any, **kwargs: Any) -> Any:
        """The Python path: bind, find or compile the specialisation, run it through ctypes."""
        arrays = _ARRAY_TYPES or _array_types()
        if any(type(a) in arrays and not a.flags.aligned for a in args) or \
                any(type(a) in arrays and not a.flags.aligned for a in kwargs.values()):
            return _with_aligned_copies(self._call_slow, args, kwargs)
        if self._static:
            return self._call_static(self._bind(args, kwargs))
        if kwargs or len(args) != self._nparams or not self._simple:
            args = self._bind(args, kwargs)
            if self._head is not None and self._simple:
                return self._head(*args)  # comes back here, bound, if no native path takes it
        key = self._key(args)
        compiled = self._compiled.get(key) or self._compatible(key) or self._specialization(key, args=args)
        if key not in self._native:
            if key in self._called or compiled.wrapper is not None and compiled.wrapper.key == key:   # made with it
                self._add_native(key)
            else:  # without a wrapper of its own, a key called once gets none: compiling one costs milliseconds
                self._called.add(key)
        return compiled(_run_time_arguments(key, args))

    __call__ = _call_slow

    def _call_static(self, args: tuple) -> Any:
        """The call of a function with static arguments (bound): keyed by their values too."""
        key = self._key(args)
        compiled = self._compiled.get(key) or self._compatible(key) or self._specialization(key, args=args)
        return compiled(_run_time_arguments(key, args))

    def _key(self, args: tuple) -> tuple:
        """The specialisation key of bound arguments: each one's type and whether it is a
        Python scalar (per element for a tuple); a static argument's value (``_static_key``); a
        function's :class:`~compiler.callees.FunctionArgument`."""
        from runtime.boxing import PYTHON_SCALARS, python_scalars, typeof

        key = []
        for i, a in enumerate(args):
            if i in self._static:
                try:
                    key.append((STATIC, _static_key(a)))
                except TypeError:
                    name = list(self._signature.parameters)[i]
                    raise TypeError(f"{self.py_func.__name__}(): static argument '{name}' must be hashable (a "
                                    f"number, string, tuple or None), not {type(a).__name__}: a specialisation is "
                                    "made per value") from None
                continue
            t = typeof(a)
            if t is None:
                key.append(self._function_key(i, a))
            elif isinstance(t, TupleType):
                key.append((t, python_scalars(a)))
            else:
                key.append((t, type(a) in PYTHON_SCALARS))
        return tuple(key)

    def _function_key(self, index: int, value: Any) -> tuple:
        """The key entry of a function argument, or of a tuple holding functions
        (:mod:`compiler.callees`); the ``TypeError`` of an unsupported argument."""
        name = list(self._signature.parameters)[index]
        where = f"{self.py_func.__name__}(): argument '{name}'"
        if type(value) is tuple:
            entry = tuple_part(value, where)
        else:
            function = function_argument(value, where)
            entry = None if function is None else (FUNCTION, function)
        if entry is None:
            raise self._argument_error(index, value)
        return entry

    def _native_binding(self) -> tuple[bool, Binding | None]:
        """Whether calls can take a native path at all, and the binding it takes: not for a
        subclass that defines its own ``__call__``, nor an instance without its own class, nor
        a function with ``*args`` or static arguments; keyword-only parameters need the binding."""
        own = type(self)
        if self._variadic or self._static or not own.__dict__.get("_own_class") \
                or own.__mro__[1].__call__ is not Dispatcher.__call__:
            return False, None
        binding = binding_of(self.py_func, list(self._current_signature().parameters.values()))
        return self._simple or binding is not None, binding

    def _wrapper_maker(self, key: tuple) -> Callable | None:
        """What makes the native call wrapper of ``key`` while its specialisation is compiled
        (linked into its module: ``compiler.fastcall``), or None where there is no native path."""
        possible, binding = self._native_binding()
        if not possible:
            return None
        nogil = self.options.nogil

        def make(module: Any, entry: Any, error_sites: Any, patchable: bool) -> Any:
            from .codegen import entry_symbol

            if any(func.attributes.get("keeps_arrays") for func in module):   # such calls run through ctypes
                return None
            return prebuilt_wrapper(key, entry.result_type, entry_symbol(entry.sym_name), error_sites, nogil,
                                    binding, patchable, result_sources(entry, key))
        return make

    def _add_native(self, key: tuple[tuple[Type, bool], ...]) -> None:
        """Make the native path of ``key`` (if it can have one) and put it first in the chain."""
        with self._lock:
            compiled = self._compiled.get(key)
            if key in self._native or compiled is None:
                return
            native = None
            possible, binding = self._native_binding()
            if possible:
                native = native_call(key, compiled, self.py_func.__name__, self._slow, self.options.nogil, binding)
            self._native[key] = native
            if native is not None:
                self._natives.append(native)
                self._link()

    def _link(self) -> None:
        """Chain the :data:`NATIVE_CHAIN` newest native paths (under the lock).  Linked
        from the oldest on, each to the Python path or to a builtin already linked, so
        every state on the way is a chain that ends in the Python path."""
        chain = [native for native in self._native.values() if native is not None][-NATIVE_CHAIN:]
        target: Callable = self._slow
        for native in chain:
            native.set_fallback(target)
            target = native.builtin
        if chain:
            type(self).__call__ = target
            self._head = target
            set_vectorcall(self, chain[-1].address)
        else:
            set_vectorcall(self, 0)
            self._head = None
            if "__call__" in type(self).__dict__:
                del type(self).__call__

    def _compatible(self, key: tuple[tuple[Type, bool], ...]) -> CompiledFunction | None:
        """A specialisation that accepts these arguments as they are: an array of
        any layout fits an ``A`` parameter, a writable one a read-only one."""
        for params, compiled in list(self._compiled.items()):
            if all(pw == aw and _accepts(p, a) for (p, pw), (a, aw) in zip(params, key)):
                self._compiled[key] = compiled
                return compiled
        return None

    def _current_signature(self) -> inspect.Signature:
        """The signature to bind with: made again when the function's ``__defaults__`` or
        ``__kwdefaults__`` were rebound or changed since (a call binds the defaults of the
        moment, as CPython does)."""
        function, seen = self.py_func, self._defaults_seen
        defaults, kwdefaults = function.__defaults__, function.__kwdefaults__
        if defaults is not seen[0] or kwdefaults is not seen[1] or not _same_items(kwdefaults, seen[2]):
            self._signature = self.__signature__ = inspect.signature(function, follow_wrapped=False)
            self._defaults_seen = (defaults, kwdefaults, tuple(kwdefaults.items()) if kwdefaults else ())
        return self._signature

    def _bind(self, args: tuple, kwargs: dict) -> tuple:
        try:
            bound = self._current_signature().bind(*args, **kwargs)
        except TypeError:
            self.py_func(*args, **kwargs)  # raises CPython's own TypeError before running anything
            raise
        bound.apply_defaults()
        if self._variadic:
            raise self._variadic_error()
        return tuple(bound.arguments.values())

    def _variadic_error(self) -> UnsupportedError:
        code = self.py_func.__code__
        return UnsupportedError(f"{self.py_func.__name__}(): functions with *args or **kwargs parameters cannot "
                                "be compiled; give them explicit parameters",
                                Location(code.co_filename, code.co_firstlineno))

    def _argument_error(self, index: int, value: Any) -> TypeError:
        from runtime.boxing import ACCEPTED

        name = list(self._signature.parameters)[index]
        existing = ", ".join(str(s) for s in self.signatures) or "none yet"
        return TypeError(f"{self.py_func.__name__}(): argument '{name}' has unsupported type "
                         f"{type(value).__name__}{_unsupported_part(value, name)}; compiled functions accept "
                         f"{ACCEPTED}, and functions (compiled, Python, builtin or NumPy ones) "
                         f"(compiled signatures: {existing})")

    # ------------------------------------------------------------- inspection
    def _pick(self, signature: str | Signature | None) -> CompiledFunction:
        if signature is None:
            if not self._compiled:
                raise ValueError(f"{self.py_func.__name__} has not been compiled yet: call it or pass a signature")
            return list(self._compiled.values())[-1]
        return self.compile(signature)

    def inspect_ir(self, signature: str | Signature | None = None, stage: str = "ir") -> str:
        """The function at a stage (see :data:`STAGES`).

        ``ir`` traces the function again (its Python side effects happen once
        more); ``optimized`` is the IR that was lowered, after our passes and
        the ``refcount`` and ``local-lists`` passes, traced and optimized again too (a
        specialisation keeps no IR: ``CompiledFunction.forget_ir``); the LLVM stages are kept
        from compiling (of a specialisation loaded from the disk cache, they are a
        ``ValueError``)."""
        if stage == "source":
            return inspect.getsource(self.py_func)
        if stage == "converted":
            from frontend import converted_source

            return converted_source(self.py_func)
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}: use {', '.join(STAGES)}")
        compiled = self._pick(signature)
        if stage == "ir":
            return str(self.build_module(compiled, optimize=False))
        if stage == "optimized":
            if compiled.module is not None:
                return str(compiled.module)
            module = self.build_module(compiled)
            finish_for_codegen(module)
            return str(module)
        if not compiled.llvm_ir:   # loaded from the disk cache
            raise ValueError(f"{self.py_func.__name__}{compiled.arg_types} was loaded from the disk cache, which "
                             f"keeps machine code only: its '{stage}' stage exists only while compiling; compile "
                             "with cache=False to see it")
        if stage == "lowered":
            return compiled.llvm_ir
        if stage == "llvm":
            return compiled.library.llvm_ir
        return compiled.library.asm

    def build_module(self, compiled: CompiledFunction, optimize: bool = True, manager: Any = None) -> Any:
        """The IR of one specialisation, traced again, and (``optimize``) run through
        the pass pipeline -- or through ``manager``, a pass manager with a tool's hooks."""
        key = next(k for k, c in list(self._compiled.items()) if c is compiled)
        types, weak = self._trace_arguments(key)
        module, _ = build_module(self.py_func, types, compiled.result_type, self.options, weak, optimize, manager,
                                 self._constants.get(key))
        return module

    def inspect_llvm(self, signature: str | Signature | None = None) -> str:
        return self.inspect_ir(signature, "llvm")

    def inspect_asm(self, signature: str | Signature | None = None) -> str:
        return self.inspect_ir(signature, "asm")

    def __repr__(self) -> str:
        return f"<compiled function {self.py_func.__qualname__}>"


#: how an argument that is a Python number is described, by its IR type's class
_PYTHON_NAMES = {"BoolType": "bool", "IntType": "int", "FloatType": "float", "ComplexType": "complex"}

#: what a reason says changed, by the kind of key entry (else: "type of")
_CHANGED = {STATIC: "static value of", FUNCTION: "the function passed as"}


def _describe_type(t: Type, weak: Any) -> str:
    """An argument's type as ``explain()`` shows it: ``Python float`` for a Python number,
    element by element in a tuple (``tuple<Python int, f64[::1]>``)."""
    if isinstance(t, TupleType):
        return f"tuple<{', '.join(_describe_type(e, w) for e, w in zip(t.elements, weak))}>"
    if isinstance(weak, FunctionArgument):
        return weak.describe()
    if weak is True and t.is_scalar:
        return f"Python {_PYTHON_NAMES.get(type(t).__name__, format_type(t))}"
    return format_type(t)


def _trace_weakness(weak: Any) -> Any:
    """A tuple's weakness as the trace takes it: a function inside it as the function itself."""
    if isinstance(weak, tuple):
        return tuple(map(_trace_weakness, weak))
    return weak.function if isinstance(weak, FunctionArgument) else weak


def _signature_weakness(t: Type) -> Any:
    """What a type in a signature stands for: a scalar for a Python number, per element in a tuple."""
    if isinstance(t, TupleType):
        return tuple(_signature_weakness(e) for e in t.elements)
    return t.is_scalar


def _same_items(d: dict | None, items: tuple) -> bool:
    """``d`` holds exactly ``items`` (the very keys and values, in order)."""
    return len(d or ()) == len(items) and all(k is k0 and v is v0 for (k, v), (k0, v0) in zip((d or {}).items(), items))


def _run_time_arguments(key: tuple, args: tuple) -> tuple:
    """The arguments the entry takes: all but the constants of the trace (static values, functions)."""
    if any(isinstance(t, str) for t, _ in key):
        return tuple(a for a, (t, _) in zip(args, key) if not isinstance(t, str))
    return args


def _unsupported_part(value: Any, name: str) -> str:
    """What the error says of an unsupported argument beyond its type: a subclass of str or
    tuple, the innermost element of a tuple that cannot be an argument, a list's item types."""
    if isinstance(value, str):
        return " (a subclass of str: pass str(x))"
    if type(value) in (list, set, dict):   # (a dict's keys; its values are named in the same way)
        what = "keys" if type(value) is dict else "items"
        kinds = sorted({type(v).__name__ for v in value})
        if len(kinds) == 1 and type(value) is dict:
            what, kinds = "values", sorted({type(v).__name__ for v in value.values()})
        one = f"a {type(value).__name__} whose {what} have one type is accepted"
        if kinds == ["ndarray"] and type(value) is list:
            arrays = sorted({f"{v.ndim}-d {v.dtype}{'' if v.flags.writeable else ' read-only'}" for v in value})
            return f" (its items are arrays: {', '.join(arrays)}; a list of writable arrays of one dtype and " \
                "number of dimensions is accepted)"
        return f" (its {what} have types {', '.join(kinds)}: {one})" if len(kinds) > 1 \
            else f" (its {what} have type {kinds[0]})"
    if not isinstance(value, tuple):
        return ""
    if type(value) is not tuple:
        return " (a subclass of tuple: pass tuple(x))"
    path = name
    while type(value) is tuple:
        i = next(i for i, element in enumerate(value) if tuple_part(element, path) is None)
        path, value = f"{path}[{i}]", value[i]
    return f" (its element {path} has type {type(value).__name__}{_unsupported_part(value, path)})"


def _outside_this_module() -> int:
    """The ``stacklevel`` of a warning issued by the caller that names the first frame
    outside this module (the user's call)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename == __file__:
        frame, level = frame.f_back, level + 1
    return level


#: the array types whose misaligned instances :func:`_with_aligned_copies` passes as copies (set
#: once NumPy is imported: ``import compiler`` does not import it)
_ARRAY_TYPES: frozenset = frozenset()


def _array_types() -> frozenset:
    global _ARRAY_TYPES
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        _ARRAY_TYPES = frozenset((numpy.ndarray, numpy.memmap))
    return _ARRAY_TYPES


def _with_aligned_copies(call: Callable, args: tuple, kwargs: dict) -> Any:
    """``call`` with each misaligned array argument replaced by an aligned copy, whose contents are
    written back into a writeable original after the call (also when it raises).

    Decision: compiled code reads and writes elements at their natural alignment, and arrays
    with misaligned data are common where buffers are read in place (Dask workers deserialize
    message frames so); a copy makes the call behave as on the original.  The same array passed
    twice is one copy.  A misaligned array whose memory another array argument may share (an
    overlapping view) is a ``TypeError``: separate copies would not alias inside the call as the
    originals do in Python."""
    import numpy as np

    values = [*args, *kwargs.values()]
    arrays = [a for a in values if type(a) in _ARRAY_TYPES]
    copies: dict[int, tuple[Any, Any]] = {}
    for a in arrays:
        if not a.flags.aligned and id(a) not in copies:
            if any(b is not a and np.may_share_memory(a, b) for b in arrays):
                raise TypeError("compiled functions take a misaligned array as an aligned copy, but this one may "
                                "share memory with another array argument; pass aligned arrays (a.copy())")
            copies[id(a)] = (a, a.copy(order="K"))

    def aligned(a: Any) -> Any:
        return copies[id(a)][1] if id(a) in copies and copies[id(a)][0] is a else a
    try:
        return call(*[aligned(a) for a in args], **{name: aligned(a) for name, a in kwargs.items()})
    finally:
        for original, copy in copies.values():
            if original.flags.writeable:
                original[...] = copy


def _static_positions(py_func: Callable, signature: inspect.Signature, static: Iterable[str] | str) -> tuple[int, ...]:
    """The positions of the parameters named in ``static`` (one name or several)."""
    names = [static] if isinstance(static, str) else list(static)
    params = list(signature.parameters.values())
    positions = set()
    for name in names:
        index = next((i for i, p in enumerate(params) if p.name == name), None)
        if index is None or params[index].kind in (params[index].VAR_POSITIONAL, params[index].VAR_KEYWORD):
            raise TypeError(f"compile(static=...): {py_func.__name__}() has no parameter {name!r} that can be "
                            f"static; its parameters: {', '.join(p.name for p in params) or 'none'}")
        positions.add(index)
    return tuple(sorted(positions))


def _static_key(value: Any) -> Any:
    """A static value's part of a key: the value with its type (``1``, ``1.0`` and ``True``
    are equal in Python but trace differently), through tuples; ``TypeError`` if unhashable."""
    if isinstance(value, tuple):
        return tuple, tuple(_static_key(v) for v in value)
    hash(value)
    return type(value), value


def _accepts(param: Type, arg: Type) -> bool:
    if param == arg:
        return True
    if isinstance(param, TupleType) and isinstance(arg, TupleType):
        return len(param.elements) == len(arg.elements) and all(map(_accepts, param.elements, arg.elements))
    if not isinstance(param, ArrayType) or not isinstance(arg, ArrayType):
        return False
    return (param.dtype, param.ndim) == (arg.dtype, arg.ndim) and param.layout in ("A", arg.layout) \
        and (param.readonly or not arg.readonly)


#: Numba's options this compiler does not take, and what to do instead
_OTHER_OPTIONS = {
    "inline": "our inline pass decides what to inline by size; leave inline= out, or choose the passes "
              "with passes=",
    "locals": "the types of local variables are inferred; convert a value explicitly instead "
              "(np.float32(x), int(n))",
    "forceobj": "there is no object mode: a construct that cannot be compiled raises an error naming "
                "its line; call the plain Python function for such code",
    "looplift": "there is no object mode to lift loops out of: leave looplift= out",
    "target": "compiled code runs on this machine's CPU; leave target= out",
}


def _numba_options(nopython: bool, nogil: bool, parallel: bool, options: dict[str, Any]) -> None:
    """Refuse Numba's options this compiler does not take (and ``nopython=False``), saying
    what to use instead; any other unknown keyword is CPython's ``TypeError``."""
    from ir import UnsupportedError

    if nopython is not True:
        raise UnsupportedError(f"compile(nopython={nopython!r}): {_OTHER_OPTIONS['forceobj']}")
    for name, flag in (("nogil", nogil), ("parallel", parallel)):
        if not isinstance(flag, bool):
            raise TypeError(f"compile({name}=...) must be True or False, not {flag!r}")
    for name, value in options.items():
        if name not in _OTHER_OPTIONS:
            raise TypeError(f"compile() got an unexpected keyword argument {name!r}; its options are opt, "
                            "boundscheck, passes, llvm_vectorize, fastmath, error_model, nogil, parallel, cache, debug, "
                            "nopython and static")
        if value not in (False, None) or name in ("inline", "locals", "target"):
            raise UnsupportedError(f"compile({name}={value!r}): {_OTHER_OPTIONS[name]}")


def compile(func: Callable | str | Signature | list | None = None, *, opt: int = 3,
            boundscheck: bool = True, passes: str | None = None, llvm_vectorize: bool = True,
            fastmath: bool = False, error_model: str = "python", nogil: bool = False, parallel: bool = False,
            cache: bool | None = None, debug: bool = False, nopython: bool = True,
            static: Iterable[str] | str = (), **numba_options: Any) -> Any:
    """Decorate a function for JIT compilation (see the module docstring).

    Numba's options: ``nopython=True`` (the only mode), ``nogil=True`` (release the GIL
    around every call, not only around calls on big arrays), ``parallel=True`` (``prange``
    loops run their trips on several threads: ``compiler.passes.parallel``),
    ``error_model="numpy"``
    (division and modulo by zero give NumPy's inf, NaN or 0 instead of raising
    ``ZeroDivisionError``), ``fastmath``, ``boundscheck``, ``cache=True`` (the machine code
    is kept on disk for later processes: ``compiler.cache``) and ``debug=True`` (line
    information for debuggers and profilers) are taken;
    ``inline``, ``locals``, ``forceobj``, ``looplift`` and
    ``target`` are refused with an ``UnsupportedError`` saying what to do instead (``False``
    or ``None`` for the flags is accepted: it is what compiled code does).

    ``static``: the names of parameters whose values (not only types) the function is
    specialised on, as Python constants of the trace (see the module docstring)."""
    _numba_options(nopython, nogil, parallel, numba_options)
    for name, flag in (("cache", cache), ("debug", debug)):
        if flag is not None and not isinstance(flag, bool):
            raise TypeError(f"compile({name}=...) must be True or False, not {flag!r}")
    options = CompileOptions(opt=opt, boundscheck=boundscheck, passes=passes, llvm_vectorize=llvm_vectorize,
                             fastmath=fastmath, error_model=error_model, nogil=nogil, parallel=parallel,
                             cache=cache, debug=debug)
    if callable(func) and not isinstance(func, (str, Signature)):
        return Dispatcher(func, (), options, static)
    if func is None:
        signatures: list = []
    elif isinstance(func, (str, Signature)):
        signatures = [func]
    else:
        signatures = list(func)
    return lambda f: Dispatcher(f, signatures, options, static)
