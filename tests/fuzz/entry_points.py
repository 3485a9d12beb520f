"""The fuzzer's other ways of compiling a generated function: ``cfunc`` and ``vectorize``.

A scalar function of the generator (int, float and bool parameters -- the C-callable kinds --
and one int, float or bool result) is also compiled

* with ``cfunc(signature)`` (the variant :data:`CFUNC`): the signature is the one of the
  dispatcher's specialisation for the call's argument types (``i64(i64, f64, bool)``), and
  the C function is called through ``.ctypes(*args)``.  Where CPython returns, the C function
  must return the same value (a bool result comes back as C ``bool``; ints beyond 64 bits are
  not C-callable: such inputs are skipped).  Where CPython raises, the callback cannot raise
  into its C caller: it must report exactly one exception through ``sys.unraisablehook``
  (captured by a temporary hook) of CPython's class and message, and return its
  ``error_result`` (NaN, 0 or False).  :func:`cfunc_call` turns that report back into the
  exception, so that ``runner.outcome`` and ``runner.agree`` compare it as any other;
* with ``vectorize([signature])`` (:data:`VECTORIZE`), called on NumPy arrays (int64,
  float64, bool) of several of the generated inputs, one element per input: the result must
  be an array of the signature's result dtype whose elements are CPython's results of the
  elements (:func:`elementwise`, which calls the plain function on the elements as NumPy
  scalars, the kernel's semantics; calls where NumPy's scalars warn instead of raising
  Python's ``ZeroDivisionError`` are not compared, nor those where they divide by zero without
  a warning, ``np.float64(nan) / 0.0``: the reference warns for every division of a NumPy scalar
  by zero, ``runner.reference_source``); where an element raises in CPython, the
  ufunc raises the exception of the first failing element, after what the elements before
  it printed;
* with ``vectorize([signature], target="parallel")`` (:data:`VECTORIZE_PARALLEL`), on a
  share of those functions, on the inputs tiled to :data:`PARALLEL_ELEMENTS` elements (so
  that the runner's threads each get a share), compared with CPython's results of the inputs,
  tiled alike; not for programs that print or draw random numbers (the elements' order is the
  threads').

The variants are the runner's (``runner.variants_by_name``: ``{"entry": "cfunc", ...}``
beside ``compile``'s options) so that a failure shrinks as any other; ``runner.compiled``
makes their callables and ``runner.reference`` CPython's.
"""
from __future__ import annotations

import ast
import hashlib
import random
import sys
import warnings
from typing import Any, Callable

import numpy as np

CFUNC = "-O3 cfunc"
VECTORIZE = "-O3 vectorize"
VECTORIZE_PARALLEL = "-O3 vectorize target=parallel"
#: the variants of the kernels of ``gufunc_gen`` (see there)
GUVECTORIZE = "-O3 guvectorize"
GUVECTORIZE_PARALLEL = "-O3 guvectorize target=parallel"
#: name -> options: ``compile``'s, and ``entry`` (which entry point) and ``target``
VARIANTS = {CFUNC: {"opt": 3, "entry": "cfunc"}, VECTORIZE: {"opt": 3, "entry": "vectorize"},
            VECTORIZE_PARALLEL: {"opt": 3, "entry": "vectorize", "target": "parallel"},
            GUVECTORIZE: {"opt": 3, "entry": "guvectorize"},
            GUVECTORIZE_PARALLEL: {"opt": 3, "entry": "guvectorize", "target": "parallel"}}

#: the share of the programs whose scalar functions also go through ``cfunc`` and ``vectorize``
#: (all of them for seeds starting with ``cfunc`` or ``vectorize``): each costs compiles
ENTRY_EVERY = 3
#: of those, the share of the functions also vectorized with ``target="parallel"`` (every
#: other one for seeds starting with ``vectorize``)
PARALLEL_EVERY = 4
#: the elements of a ``target="parallel"`` call: three shares of the ufunc loops' smallest
#: (16,384), so that each of the runner's three threads runs one
PARALLEL_ELEMENTS = 3 * 16384
#: the inputs (elements) of a vectorize call beside the function's generated calls
EXTRA_ELEMENTS = 5
#: the parameter kinds a C function takes, and the dtypes of their vectorize arrays
SCALAR_DTYPES = {"int": np.int64, "float": np.float64, "bool": np.bool_}
INT64 = (-2 ** 63, 2 ** 63 - 1)


def _draw(program, salt: str) -> int:
    return int(hashlib.sha256((salt + program.source).encode()).hexdigest(), 16)


#: a compiler bug the variants steered around while it was open (True: fixed): ``cfunc`` and
#: ``vectorize`` of a function drawing from ``np.random`` failed to link ("Symbols not found:
#: pyjit.ref.k.1"): the entry guards of the C function and of the ufunc loop added references
#: (the generator's lock) after the module's were defined (``tests/fuzz/test_entry_points.py``)
RANDOM_IN_ENTRY_POINTS = True


def entry_variants(program, fn) -> list[str]:
    """The entry-point variants function ``fn`` of ``program`` is checked under."""
    if getattr(program, "layout", None):   # a gufunc kernel: parallel on every other one without prints
        return [GUVECTORIZE] + ([GUVECTORIZE_PARALLEL] if _draw(program, "parallel-") % 2 == 0
                                and "print(" not in program.source else [])
    if not scalar_function(fn) or getattr(program, "parallel", False) \
            or not RANDOM_IN_ENTRY_POINTS and "np.random" in reachable_source(program, fn.name):
        return []
    seed = str(program.seed)
    forced = seed.startswith(("cfunc", "vectorize"))
    if not forced and _draw(program, "entry-") % ENTRY_EVERY:
        return []
    chosen = [CFUNC] if not seed.startswith("vectorize") else []
    if fn.params and not seed.startswith("cfunc"):
        chosen.append(VECTORIZE)
        share = 2 if seed.startswith("vectorize") else PARALLEL_EVERY
        text = reachable_source(program, fn.name)
        if _draw(program, f"parallel-{fn.name}-") % share == 0 and "print(" not in text and "np.random" not in text:
            chosen.append(VECTORIZE_PARALLEL)
    return chosen


def reachable_source(program, name: str) -> str:
    """The source of function ``name`` of ``program`` and of the functions it calls, through
    any chain of calls."""
    functions = {node.name: node for node in ast.parse(program.source).body if isinstance(node, ast.FunctionDef)}
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current in seen or current not in functions:
            continue
        seen.add(current)
        todo += [n.id for n in ast.walk(functions[current]) if isinstance(n, ast.Name) and n.id in functions]
    return "\n".join(ast.unparse(functions[n]) for n in sorted(seen))


def scalar_function(fn) -> bool:
    """All parameters C-callable scalars, one scalar result, never None."""
    return all(t in SCALAR_DTYPES for _, t in fn.params) and len(fn.result) == 1 \
        and fn.result[0] in SCALAR_DTYPES and not fn.may_return_none


def c_callable(args) -> bool:
    """Every argument a bool, a float or an int that fits in int64."""
    return all(type(a) in (bool, float) or type(a) is int and INT64[0] <= a <= INT64[1] for a in args)


# ---------------------------------------------------------------- signatures
def signature(py: Callable, options: dict, arg_types: tuple, dispatcher=None):
    """The signature of the specialisation of ``py`` for ``arg_types`` (Python numbers of those
    types), from ``dispatcher`` (a ``compile`` of ``py`` with ``options``) or a new one; ``None``
    when its result is not a C-callable number."""
    from ir.types import BoolType, FloatType, IntType

    from compiler import Signature, compile

    if dispatcher is None:
        dispatcher = compile(py, **options)
    compiled = dispatcher.compile(Signature(tuple(arg_types), None))
    if not isinstance(compiled.result_type, (BoolType, IntType, FloatType)):
        return None
    return Signature(tuple(arg_types), compiled.result_type)


def _arg_types(args) -> tuple:
    from runtime.boxing import typeof

    return tuple(typeof(a) for a in args)


def _element_types(arrays) -> tuple:
    from ir.dtypes import from_dtype

    return tuple(from_dtype(a.dtype) for a in arrays)


# ---------------------------------------------------------------- the callables
class UnraisableMismatch(AssertionError):
    """A cfunc reported other than one exception, or returned other than its ``error_result``."""


def cfunc_call(py: Callable, options: dict, args: tuple, dispatcher=None) -> Callable:
    """A callable running ``cfunc(signature)(py).ctypes`` on scalar arguments (of ``args``'
    types): it returns the C result, or raises the exception the C function reported through
    ``sys.unraisablehook`` (:class:`UnraisableMismatch` when it reported several, or did not
    return its ``error_result``)."""
    from compiler import cfunc

    sig = signature(py, options, _arg_types(args), dispatcher)
    if sig is None:
        return None
    c = cfunc(sig, **options)(py)

    def call(*values):
        caught = []
        previous = sys.unraisablehook
        sys.unraisablehook = caught.append
        try:
            result = c.ctypes(*values)
        finally:
            sys.unraisablehook = previous
        if not caught:
            return result
        if len(caught) > 1:
            raise UnraisableMismatch(f"{len(caught)} exceptions reported: "
                                     + "; ".join(f"{u.exc_type.__name__}: {u.exc_value}" for u in caught))
        if not (result == c.error_result or result != result and c.error_result != c.error_result):
            raise UnraisableMismatch(f"returned {result!r} after reporting {caught[0].exc_type.__name__}: "
                                     f"{caught[0].exc_value}, not its error_result {c.error_result!r}")
        raise caught[0].exc_value

    call.__name__ = f"cfunc({sig})"
    return call


def vectorize_call(py: Callable, options: dict, arrays: tuple, parallel: bool, dispatcher=None) -> Callable:
    """A callable running ``vectorize([signature])(py)`` (``target="parallel"`` with
    ``parallel``, on the arrays tiled to :data:`PARALLEL_ELEMENTS`, the result reshaped to one
    row per tile)."""
    from compiler import vectorize

    sig = signature(py, options, _element_types(arrays), dispatcher)
    if sig is None:
        return None
    ufunc = vectorize([sig], target="parallel" if parallel else "cpu", **options)(py)

    def call(*values):
        if not parallel:
            return ufunc(*values)
        tiles = tile_count(values)
        return ufunc(*(np.tile(v, tiles) for v in values)).reshape(tiles, -1)

    from ir.dtypes import to_dtype

    call.__name__ = f"vectorize({sig})"
    call.result_dtype = to_dtype(sig.result)
    return call


def tile_count(arrays) -> int:
    n = len(arrays[0])
    return -(-PARALLEL_ELEMENTS // max(n, 1))


#: what compiling a vectorize kernel refuses because its parameters are NumPy scalars (strong
#: types) where the generator typed Python numbers: a dict or list of a parameter and literals
STRONG_TYPE_REFUSALS = ("containers of mixed types", "a list of mixed types", "items have different types",
                        "hold items of different types")


def refused_strongly(options: dict, got) -> bool:
    """``got`` (an outcome) is a vectorize kernel's refusal of :data:`STRONG_TYPE_REFUSALS`."""
    return options.get("entry") == "vectorize" and got[0] == "raised" and type(got[1]).__name__ == "TypingError" \
        and any(words in str(got[1]) for words in STRONG_TYPE_REFUSALS)


class NumpyScalarWarning(Exception):
    """CPython warned (``RuntimeWarning``) running an element with NumPy scalars -- ``np.int64(1) // 0``
    is 0 with a warning, ``np.float64(1.0) / 0.0`` inf -- where the kernel raises Python's
    ``ZeroDivisionError`` (documented): such a call is not compared."""


def elementwise(fn: Callable, result_dtype, parallel: bool = False) -> Callable:
    """CPython's ufunc of ``fn``: ``fn`` of each element, in order -- as a NumPy scalar of the
    loop's type, as the kernel gets it (``np.int64``: NumPy 2's promotion) --; the results as an
    array of ``result_dtype``, or the first failing element's exception (after what the elements
    before it printed); :class:`NumpyScalarWarning` where NumPy's scalars warn.  Warnings are
    recorded, not raised: raised, a bare ``except:`` of the kernel would catch them and take
    another path than the compiled kernel."""
    def element(*values):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", RuntimeWarning)
            try:
                return fn(*values)
            finally:
                warned = [w for w in caught if issubclass(w.category, RuntimeWarning)]
                if warned:
                    raise NumpyScalarWarning(str(warned[0].message)) from None

    def call(*arrays):
        results = [element(*(a[k] for a in arrays)) for k in range(len(arrays[0]))]
        out = np.array([r.item() if isinstance(r, np.generic) else r for r in results], dtype=result_dtype)
        return np.tile(out, (tile_count(arrays), 1)) if parallel else out

    call.__name__ = f"elementwise({fn.__name__})"
    return call


# ---------------------------------------------------------------- the runner's side
def compiled(py: Callable, options: dict, args: tuple, dispatcher=None) -> Callable | None:
    """The callable of entry-point variant ``options`` for ``args`` (None: not applicable)."""
    options = dict(options)
    entry, target = options.pop("entry"), options.pop("target", "cpu")
    if entry == "cfunc":
        return cfunc_call(py, options, args, dispatcher) if c_callable(args) else None
    if entry == "guvectorize":
        from .gufunc_gen import compiled as gufunc

        return gufunc(py, options, args, target == "parallel")
    return vectorize_call(py, options, args, target == "parallel", dispatcher)


def reference(fn: Callable, options: dict, got: Callable) -> Callable:
    """CPython's callable for the variant ``options`` (``got``: the compiled one, which knows
    the result's dtype)."""
    if options.get("entry") == "guvectorize":
        from .gufunc_gen import loop_reference

        return loop_reference(fn)
    if options.get("entry") != "vectorize":
        return fn
    return elementwise(fn, got.result_dtype, options.get("target") == "parallel")


def vectorize_inputs(pseed, fn, calls: list[tuple]) -> tuple:
    """The arrays a vectorize variant is called with: the elements of the function's calls and
    :data:`EXTRA_ELEMENTS` more drawn alike (``runner.random_value``), ints beyond int64 left out."""
    from .runner import random_value

    r = random.Random(f"ufunc-inputs-{pseed}-{fn.name}")
    rows = [args for args in calls] + [tuple(random_value(r, t) for _, t in fn.params) for _ in range(EXTRA_ELEMENTS)]
    rows = [args for args in rows if c_callable(args)]
    r.shuffle(rows)
    return tuple(np.array([row[j] for row in rows], dtype=SCALAR_DTYPES[t]) for j, (_, t) in enumerate(fn.params))
