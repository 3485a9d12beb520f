"""Pickling compiled functions by reference, so worker processes run them.

    from concurrent.futures import ProcessPoolExecutor
    from mypackage.kernels import smooth          # @compile def smooth(a): ...

    with ProcessPoolExecutor() as pool:
        results = list(pool.map(smooth, chunks))  # each worker compiles (or loads) smooth

A compiled function holds native code, which cannot cross a process boundary.
So, as Python pickles functions, it is pickled as a *reference*: the module
and qualified name of the decorated Python function, with what the other side
needs to check that it gets an equivalent compiled function -- the compile
options that change the code (:class:`~compiler.pipeline.CompileOptions`, all
but the pass registry), the names of the static arguments, and the signatures
it was compiled for explicitly.  ``multiprocessing`` pools (fork and spawn),
``concurrent.futures.ProcessPoolExecutor``, ``joblib.Parallel`` and Dask
workers then work with it as with a plain function.  Nothing compiled travels:
the worker compiles each specialisation it needs on its first call, or loads
it from the disk cache when the function was compiled with ``cache=True``
(the option travels with the reference).

Decisions:

* **Unpickling imports the module and looks the qualified name up.**  If the
  name holds a compiled function (``@compile`` used as a decorator), that is
  the result: pickling and unpickling in one process gives the very object
  back.  Its options and static names must equal the pickled ones, else
  ``pickle.UnpicklingError`` says what differs (the two processes run
  different code).  Explicit signatures are not compared (either side may
  have compiled more).
* **If the name holds the plain Python function** (``fast = compile(f)`` kept
  under another name, or several compiled functions of one ``f`` with
  different options), unpickling makes a compiled function of it with the
  pickled options, static names and explicit signatures, one per (function,
  options) in the process, so that unpickling it again -- a task per chunk --
  does not compile again.  In the process that pickled it, that is the
  compiled function that was pickled.
* **What cannot be pickled by reference** raises ``pickle.PicklingError`` when
  pickled, saying why and what to do: lambdas and functions defined inside
  other functions (``<locals>`` in their qualified name), a name that is not
  found in its module or holds another object (a compiled function of the same
  Python function with other options, a wrapper), and a function compiled by a
  :class:`compiler.Compiler` instance with passes of its own, unless the name
  holds that very compiled function.  Define the function at module level (in
  a module the workers can import) and decorate it there.
* **``__main__``**: functions of the main script are pickled as
  ``__main__.name``, as ``pickle`` pickles plain functions.  Under ``fork`` the
  worker has the parent's ``__main__``.  Under ``spawn`` (the default on macOS
  and Windows) ``multiprocessing`` runs the main script again in the worker as
  ``__mp_main__`` and makes it ``sys.modules["__main__"]`` too, so the
  reference resolves there -- as long as the main module is a file and the
  function is defined at its top level, outside the
  ``if __name__ == "__main__":`` block (Dask's ``LocalCluster`` workers are
  started so too).  Functions of an interactive session, ``python -c`` or a
  notebook have no file to run again, and joblib's loky workers never run the
  main script (loky sends ``__main__``'s functions by value, which native code
  cannot be): there the worker raises ``pickle.UnpicklingError`` saying to move
  the function into a module.  A compiled function a spawned worker pickles
  back (module ``__mp_main__``) is pickled as ``__main__``, which is the same
  module there and the main script in the parent.
* **One specialisation** (:class:`~compiler.pipeline.CompiledFunction`, what
  ``f.compile("f64(f64)")`` returns) pickles as its compiled function and its
  argument key; unpickling gives that compiled function's specialisation for
  the key, compiled (``compile(signature)``) if the worker has not made it yet.
  The specialisation's compiled function is found among the compiled functions
  at the top level of its source file's module (and those pickled or
  unpickled in this process); one made for a function *argument*
  (``apply(np.sin, a)``) cannot be pickled: pickle the compiled function.
* **``vectorize``**: an eager ``@vectorize([...])``/``@guvectorize`` object is a
  real ``numpy.ufunc``, which NumPy pickles by name (``module.name``): it
  pickles when the ufunc is a top-level name of its module equal to the Python
  function's name (the decorator's usual use), else ``pickle`` raises its
  ``PicklingError`` ("not found as ...").  A lazy ``@vectorize`` (a
  :class:`~compiler.lazy_ufunc.LazyUFunc`) pickles by reference as compiled
  functions do, with its identity, options and target; the worker compiles the
  loops it is called with.
"""
from __future__ import annotations

import dataclasses
import importlib
import inspect
import os
import pickle
import sys
import threading
import weakref
from typing import Any, Callable

from .dispatcher import FUNCTION, Dispatcher, _signature_weakness
from .lazy_ufunc import LazyUFunc
from .pipeline import CompiledFunction, CompileOptions
from .signatures import Signature

__all__ = ["reduce_dispatcher", "reduce_compiled", "reduce_lazy_ufunc"]

#: the prefix of the reason a dispatcher records for an explicit signature (``Dispatcher.compile``)
_EXPLICIT = "compiled for the signature "

_lock = threading.Lock()
#: objects this process made by unpickling, by (function, spec): kept, so later tasks reuse them
_made: dict[tuple, Any] = {}
#: objects this process pickled whose name holds the plain function, by (function, spec)
_pickled: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


# ----------------------------------------------------------------- references
def _reference(func: Callable, what: str) -> tuple[str, str]:
    """The module and qualified name ``func`` is found by, or ``PicklingError`` saying why not."""
    qualname = getattr(func, "__qualname__", None) or getattr(func, "__name__", "?")
    module = getattr(func, "__module__", None)
    todo = ("define it at the top level of a module the worker processes can import, and compile it "
            "there (@compile above its def, or name = compile(function) next to it)")
    if "<lambda>" in qualname:
        raise pickle.PicklingError(f"cannot pickle {what} {qualname}: it is a lambda, which has no name to be "
                                   f"found by in another process; {todo}")
    if "<locals>" in qualname:
        raise pickle.PicklingError(f"cannot pickle {what} {qualname}: it is defined inside a function, so no "
                                   f"other process can find it by name; {todo}")
    if module is None:
        raise pickle.PicklingError(f"cannot pickle {what} {qualname}: its function has no __module__; {todo}")
    # a spawned worker runs the main script as __mp_main__, which is also __main__ there
    return ("__main__" if module == "__mp_main__" else module), qualname


def _lookup(module: str, qualname: str) -> Any:
    """The object at ``module.qualname`` (``ImportError``/``AttributeError`` if there is none)."""
    obj: Any = sys.modules.get(module) or importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def _find(module: str, qualname: str, what: str) -> Any:
    """The object a reference names, on the unpickling side, or ``UnpicklingError`` saying why not."""
    try:
        return _lookup(module, qualname)
    except (ImportError, AttributeError) as err:
        hint = ""
        if module == "__main__":
            hint = (" A function of the main script is found in a worker only if the worker runs the main "
                    "script again: under fork, or under spawn (multiprocessing, Dask) when the main script is a "
                    "file that defines it at its top level (outside `if __name__ == \"__main__\":`); not from an "
                    "interactive session, `python -c` or a notebook, nor in joblib's loky workers.")
        raise pickle.UnpicklingError(f"cannot unpickle {what} {module}.{qualname}: {err}.{hint} Define and "
                                     "compile it at the top level of a module both processes can import.") from err


def _options_spec(options: CompileOptions) -> dict[str, Any]:
    """The options that change the code, as plain values (the pass registry is not one: see
    :func:`reduce_dispatcher`)."""
    return {f.name: getattr(options, f.name) for f in dataclasses.fields(options) if f.compare}


def _flat(spec: tuple) -> dict[str, Any]:
    """A spec's entries that must be equal on both sides, the options among them, by name
    (explicit signatures are not among them)."""
    flat = {name: value for name, value in spec if name not in ("options", "signatures")}
    flat.update(dict(spec)["options"])
    return flat


def _key(function: Callable, spec: tuple) -> tuple:
    """What one object made in this process is kept by: the function and its flat spec."""
    return function, tuple(sorted(_flat(spec).items()))


def _differences(mine: tuple, theirs: tuple) -> str:
    """What differs between a pickled spec (``mine``) and the spec of the object found (``theirs``)."""
    mine, theirs = _flat(mine), _flat(theirs)
    return ", ".join(f"{name}={theirs.get(name)!r} here, {mine.get(name)!r} pickled"
                     for name in sorted(set(mine) | set(theirs)) if mine.get(name) != theirs.get(name))


# ----------------------------------------------------------------- dispatchers
def _dispatcher_spec(d: Dispatcher) -> tuple:
    """What a dispatcher is pickled with besides its reference: ``(("options", {...}),
    ("static", names), ("signatures", texts))``, plain values only."""
    signatures = tuple(record.reason[len(_EXPLICIT):] for record in d._history if record.reason.startswith(_EXPLICIT))
    return (("options", _options_spec(d.options)), ("static", tuple(d._static_names())), ("signatures", signatures))


def _same_dispatcher(d: Dispatcher, spec: tuple) -> str:
    """What differs between ``d`` and a pickled spec ("" if nothing that matters)."""
    return _differences(spec, _dispatcher_spec(d))


def reduce_dispatcher(d: Dispatcher) -> tuple:
    """``Dispatcher.__reduce__``: a reference (module, qualified name) with the options, static
    names and explicit signatures; ``pickle.PicklingError`` if it cannot be found by it."""
    module, qualname = _reference(d.py_func, "the compiled function")
    spec = _dispatcher_spec(d)
    try:
        found = _lookup(module, qualname)
    except (ImportError, AttributeError):
        raise pickle.PicklingError(f"cannot pickle the compiled function {qualname}: it is not found as "
                                   f"{module}.{qualname}; define and compile it at the top level of its module, "
                                   "under the name of its def") from None
    if found is d:
        return _load_dispatcher, (module, qualname, spec)
    if isinstance(found, Dispatcher) and found.py_func is d.py_func:
        differences = _same_dispatcher(found, spec)
        if not differences:
            return _load_dispatcher, (module, qualname, spec)   # e.g. a copy of it: equivalent
        raise pickle.PicklingError(f"cannot pickle the compiled function {qualname} by reference: "
                                   f"{module}.{qualname} is another compiled function of the same Python "
                                   f"function, with other options ({differences.replace(' here', ' there')}); "
                                   "a worker would get that one. Keep the plain function under its name "
                                   "(fast = compile(opt=3)(f), slow = compile(opt=0)(f)) or give each its own def")
    if found is not d.py_func:
        raise pickle.PicklingError(f"cannot pickle the compiled function {qualname} by reference: "
                                   f"{module}.{qualname} is not its function but {type(found).__name__} "
                                   f"{found!r}; define and compile it at the top level of its module, under the "
                                   "name of its def")
    if d.options.registry is not None:
        raise pickle.PicklingError(f"cannot pickle the compiled function {qualname}: it was compiled by a "
                                   "compiler.Compiler instance with passes of its own, which a worker cannot "
                                   "make from the name; decorate the function at the top level of its module "
                                   f"(@tool.compile) so that {module}.{qualname} is the compiled function")
    with _lock:   # unpickled here, it is this dispatcher
        _pickled.setdefault(_key(d.py_func, spec), d)
    return _load_dispatcher, (module, qualname, spec)


def _load_dispatcher(module: str, qualname: str, spec: tuple) -> Dispatcher:
    """The compiled function a reference names (see the module docstring)."""
    values = dict(spec)
    made, named = _existing_or_made(module, qualname, spec, Dispatcher, "the compiled function", "compiled",
                                    lambda found: _same_dispatcher(found, spec),
                                    lambda function: Dispatcher(function, (), CompileOptions(**values["options"]),
                                                                values["static"]))
    if named:   # the dispatcher the module holds, as it is
        return made
    for signature in values["signatures"]:   # as compile("sig")(f) did; a signature it has is not compiled again
        made.compile(signature)
    return made


# ----------------------------------------------------------------- specialisations
def _owner(compiled: CompiledFunction) -> tuple[Dispatcher, tuple] | None:
    """The dispatcher ``compiled`` is a specialisation of, and its key there."""
    candidates: list[Any] = []
    with _lock:
        candidates += [d for d in list(_made.values()) + list(_pickled.values()) if isinstance(d, Dispatcher)]
    path = compiled.source_file
    for module in list(sys.modules.values()) if path is not None else ():
        file = getattr(module, "__file__", None)
        if isinstance(file, str) and os.path.basename(file) == os.path.basename(path) \
                and (file == path or os.path.realpath(file) == os.path.realpath(path)):
            candidates += [v for v in list(vars(module).values()) if isinstance(v, Dispatcher)]
    for d in candidates:
        for key, value in list(d._compiled.items()):   # the first key is the one it was made for
            if value is compiled:
                return d, key
    return None


def reduce_compiled(compiled: CompiledFunction) -> tuple:
    """``CompiledFunction.__reduce__``: its compiled function (by reference) and its key."""
    owner = _owner(compiled)
    signature = Signature(compiled.arg_types, compiled.result_type)
    if owner is None:
        name = compiled.function_name or "a function"
        raise pickle.PicklingError(f"cannot pickle the specialisation {signature} of {name}: the compiled function "
                                   "it belongs to is not found at the top level of its module (or it was not made "
                                   "by @compile); pickle the compiled function and call its .compile(signature) in "
                                   "the worker")
    d, key = owner
    if any(t == FUNCTION for t, _ in key):
        raise pickle.PicklingError(f"cannot pickle the specialisation of {d.py_func.__qualname__} for a function "
                                   "argument: the function is a constant of its code; pickle the compiled function "
                                   f"{d.py_func.__qualname__} itself and call it in the worker")
    constants = d._constants.get(key, {})
    return _load_specialization, (d, key, compiled.result_type, constants)


def _load_specialization(d: Dispatcher, key: tuple, result_type: Any, constants: dict) -> CompiledFunction:
    """``d``'s specialisation for ``key``: the one it has, or compiled now."""
    compiled = d._compiled.get(key)
    if compiled is not None and compiled.result_type == result_type:
        return compiled
    types = tuple(t for t, _ in key)
    signature = Signature(types, result_type)
    if not constants and all(w == _signature_weakness(t) for t, w in key):
        return d.compile(signature)   # a key a signature makes (Python numbers as scalars)
    args = tuple(constants.get(i) for i in range(len(key)))
    return d._specialization(key, result_type, "unpickled: a specialisation pickled in another process", args)


# ----------------------------------------------------------------- lazy ufuncs
def _ufunc_spec(u: LazyUFunc) -> tuple:
    return (("options", _options_spec(u.options)), ("identity", u.identity), ("parallel", u.parallel),
            ("nin", u.nin))


def reduce_lazy_ufunc(u: LazyUFunc) -> tuple:
    """``LazyUFunc.__reduce__``: a reference to its kernel with its identity, options and target."""
    module, qualname = _reference(u.pyfunc, "the vectorize function")
    try:
        found = _lookup(module, qualname)
    except (ImportError, AttributeError):
        found = None
    if found is not u and found is not u.pyfunc:
        raise pickle.PicklingError(f"cannot pickle the vectorize function {qualname}: {module}.{qualname} is not "
                                   "it nor its Python function; define and decorate it at the top level of its "
                                   "module, under the name of its def")
    spec = _ufunc_spec(u)
    if found is u.pyfunc:
        with _lock:
            _pickled.setdefault(_key(u.pyfunc, spec), u)
    return _load_lazy_ufunc, (module, qualname, spec)


def _load_lazy_ufunc(module: str, qualname: str, spec: tuple) -> LazyUFunc:
    values = dict(spec)
    return _existing_or_made(module, qualname, spec, LazyUFunc, "the vectorize function", "made",
                             lambda found: _differences(spec, _ufunc_spec(found)),
                             lambda function: LazyUFunc(function, values["nin"], values["identity"],
                                                        CompileOptions(**values["options"]), values["parallel"]))[0]


def _existing_or_made(module: str, qualname: str, spec: tuple, kind: type, what: str, verb: str,
                      differences: Callable[[Any], str], make: Callable[[Callable], Any]) -> tuple[Any, bool]:
    """What a reference names, and whether the module holds it as it is: the ``kind`` object found
    there (with the pickled options: else an ``UnpicklingError`` listing ``differences``), or one
    ``make`` makes of the plain function found there, once per function and options in this
    process."""
    found = _find(module, qualname, what)
    if isinstance(found, kind):
        different = differences(found)
        if different:
            raise pickle.UnpicklingError(f"cannot unpickle {what} {module}.{qualname}: it is {verb} with other "
                                         f"options in this process ({different}); both processes must run the "
                                         "same code")
        return found, True
    if not inspect.isfunction(found):
        raise pickle.UnpicklingError(f"cannot unpickle {what} {module}.{qualname}: in this process that name "
                                     f"holds {type(found).__name__} {found!r}, not a function")
    key = _key(found, spec)
    with _lock:
        made = _made.get(key)
        made = _pickled.get(key) if made is None else made
        if made is None:
            made = _made[key] = make(found)
    return made, False

