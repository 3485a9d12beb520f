"""Differential fuzzing: generated programs under CPython and compiled at -O0 and -O3.

    python -m tests.fuzz.runner --count 1000 --seed 7 [--jobs 2] [--batch 25] [--dtypes all] [--max-time 3600]
    python -m tests.fuzz.runner --seed cfunc|vectorize|gufunc|prange|arrays ...   # one kind of program or check

Program ``k`` of a run with seed ``S`` is ``generate(f"{S}-{k}")``.  Every
function of the module is called on a few random inputs under CPython and
compiled at each level (and, when every index of the program is in range,
without bounds checks too); results must agree: the same type, floats equal
or both NaN, arrays of the same dtype, shape and elements, the same exception
type (NumPy's own exceptions by the built-in class they derive from) and message
(``str()``), the same text printed, and the array arguments left with the same
contents.  Programs compiled with ``error_model="numpy"`` (``Program.error_model``, the
variants' names end in `` error_model=numpy``) are compared with CPython running the
program with NumPy's division by zero (``reference_source``).  Three relaxations, all explicit:
NumPy's int64, float64 and bool scalars may come back as Python numbers
(documented), and the results of float reductions in whole-array programs
(``Function.approx``: sum, prod, mean, var, std, whose order of additions over
a whole non-contiguous array NumPy takes from the strides; returned arrays of NumPy's SIMD
element functions, ``np.exp`` among them) and of float sums and products
of ``prange`` loops (added per thread, then combined) may differ by a relative ``REDUCTION_RTOL``;
programs with ``prange`` loops (``Program.parallel``) are compiled with ``parallel=True``
too (the ``PARALLEL`` and ``PARALLEL_O0`` variants, on ``PARALLEL_THREADS`` threads), and where such a call raises,
the arrays it wrote are not compared (trips after the failing one may have run: documented);
one program in ``CACHE_EVERY`` also goes through the disk cache (stored as a shared library,
then loaded by a second dispatcher: ``CACHE_STORED``, ``CACHE_LOADED``);
the scalar functions (int, float, bool parameters; one int, float or bool result) of one program
in ``entry_points.ENTRY_EVERY`` (all for seeds starting with ``cfunc`` or ``vectorize``) also go
through the other entry points (``entry_points``, :func:`entry_calls`): ``cfunc(signature)`` of
the specialisation's signature, called through ``.ctypes`` (where CPython raises, the exception
the C function reports to ``sys.unraisablehook``, and its ``error_result``), and
``vectorize([signature])`` on arrays of several inputs, element by element (and on a share,
``target="parallel"`` on the inputs tiled); seeds starting with ``gufunc`` give generalized ufunc
kernels (``gufunc_gen``), compiled as functions and with ``guvectorize`` on stacked operands
against a Python loop over the stack;
and where NumPy raises anything, compiled code may raise NumPy's dtype ``TypeError``
when it compiles (``NUMPY_DTYPE_REFUSALS``), before what CPython printed or
raised first.  The generator's array parameters
are "a float array" and "an int array" (whole-array programs give them shapes:
``f64[n,1]``, each symbol's extent drawn once per call, 0 included);
``--dtypes`` says which NumPy dtypes their inputs take: ``64``
(float64 and int64) or ``all`` (float32 too, and every signed and unsigned
integer width and bool, where a stored value out of the dtype's range raises
``OverflowError`` as NumPy does).  Batches of programs run in a child process
(``--worker``), so a crash of compiled code is reported as a crash of the
program that was running.  Mismatching and crashing programs are written to
``tests/fuzz/found/``; the first ``--shrink`` of them are then shrunk into
regression tests in ``tests/fuzz/regressions/`` (see ``shrink``).  A progress
bar (a line every 500 programs when the output is not a terminal) and a
summary (programs, mismatches, crashes, time) are printed.  With
``--max-time`` no batch starts after that many seconds: the run ends early with
the summary of the programs it did run.  The exit status is 1 on any mismatch
or crash.
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import inspect
import io
import hashlib
import importlib.util
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from ir import TypingError, UnsupportedError

from .generator import generate

OPT_LEVELS = (0, 3)
INPUTS_PER_FUNCTION = 3


NO_BOUNDSCHECK = "-O3 boundscheck=False"
#: the variants of programs with ``prange`` loops compiled with ``parallel=True`` (at ``-O0`` the
#: parallel pass sees indices that may count from the end, which ``bce`` removes at ``-O3``)
PARALLEL = "-O3 parallel=True"
PARALLEL_O0 = "-O0 parallel=True"
#: the threads parallel loops run on in the runner's children (more than the trips of most
#: loops' inputs, so that every thread's share is small and some are empty)
PARALLEL_THREADS = 3


#: the variants that go through the disk cache: compiled into a shared library and stored, then
#: loaded from it by a second dispatcher (its calls come after the first one's); on one program
#: in :data:`CACHE_EVERY` (they cost two more compiles)
CACHE_STORED = "-O3 cache=True stored"
CACHE_LOADED = "-O3 cache=True loaded"
CACHE_EVERY = 4

#: the suffix of the variants of programs compiled with ``error_model="numpy"``
NUMPY_MODEL = " error_model=numpy"


def variants_by_name() -> dict[str, dict]:
    """Every compiled variant: name -> ``compile`` options (the entry points', ``entry_points.VARIANTS``,
    with ``entry`` and ``target`` beside them: see :func:`compiled`)."""
    from .entry_points import VARIANTS as ENTRY_VARIANTS

    base = {**{f"-O{o}": {"opt": o} for o in OPT_LEVELS}, NO_BOUNDSCHECK: {"opt": 3, "boundscheck": False},
            PARALLEL: {"opt": 3, "parallel": True}, PARALLEL_O0: {"opt": 0, "parallel": True},
            CACHE_STORED: {"opt": 3, "cache": True}, CACHE_LOADED: {"opt": 3, "cache": True}, **ENTRY_VARIANTS}
    return {**base, **{name + NUMPY_MODEL: dict(options, error_model="numpy") for name, options in base.items()}}


def variants(program) -> dict[str, dict]:
    """The variants ``program`` is checked under (no bounds checks only when every index is in
    range, ``parallel=True`` only with ``prange`` loops; each with the program's error model)."""
    suffix = NUMPY_MODEL if getattr(program, "error_model", "python") == "numpy" else ""
    return {name + suffix: variants_by_name()[name + suffix] for name in variants_by_name()
            if not name.endswith(NUMPY_MODEL) and "entry" not in variants_by_name()[name]
            and (program.in_bounds or name != NO_BOUNDSCHECK)
            and (getattr(program, "parallel", False) or name not in (PARALLEL, PARALLEL_O0))
            and (_cached(program) or name not in (CACHE_STORED, CACHE_LOADED))}


def _cached(program) -> bool:
    """Whether ``program`` is also checked through the disk cache (one in :data:`CACHE_EVERY`)."""
    return int(hashlib.sha256(program.source.encode()).hexdigest(), 16) % CACHE_EVERY == 0


# ---------------------------------------------------------------- the reference
#: helpers of :func:`reference_source`: ``/``, ``//``, ``%`` by zero as ``error_model="numpy"``
#: compiles them (NumPy's results: float quotients inf, -inf or NaN, float ``%`` NaN, int
#: ``//`` and ``%`` 0, of Python ints and NumPy's, which vectorize kernels get), any other
#: operands as CPython
NUMPY_MODEL_HELPERS = """
import math as _math

import numpy as _np


def _ieee_quotient(a, b):
    a, b = float(a), float(b)
    if a != a or a == 0.0:
        return _math.nan
    return _math.copysign(_math.inf, a) * _math.copysign(1.0, b)


def _np_truediv(a, b):
    return _ieee_quotient(a, b) if b == 0 else a / b


def _np_floordiv(a, b):
    if b == 0:
        return 0 if isinstance(a, (int, _np.integer)) and isinstance(b, (int, _np.integer)) else _ieee_quotient(a, b)
    return a // b


def _np_mod(a, b):
    if isinstance(a, str):
        return a % b
    if b == 0:
        return 0 if isinstance(a, (int, _np.integer)) and isinstance(b, (int, _np.integer)) else _math.nan
    return a % b
"""
_NUMPY_MODEL_OPS = {ast.Div: "_np_truediv", ast.FloorDiv: "_np_floordiv", ast.Mod: "_np_mod"}


class _BinOpRewriter(ast.NodeTransformer):
    """Rewrites ``a op b`` and ``x op= b`` (of a name) into the call :meth:`_call` makes of
    them, where it makes one."""

    def _call(self, op: ast.operator, a: ast.expr, b: ast.expr) -> ast.expr | None:
        raise NotImplementedError

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        call = self._call(node.op, node.left, node.right)
        return node if call is None else call

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.stmt:
        self.generic_visit(node)
        if not isinstance(node.target, ast.Name):
            return node
        call = self._call(node.op, ast.Name(node.target.id, ast.Load()), node.value)
        return node if call is None else ast.Assign([node.target], call)


class _NumpyModel(_BinOpRewriter):
    def _call(self, op: ast.operator, a: ast.expr, b: ast.expr) -> ast.expr | None:
        helper = _NUMPY_MODEL_OPS.get(type(op))
        text = isinstance(a, ast.JoinedStr) or isinstance(a, ast.Constant) and isinstance(a.value, str)   # '%d' % x
        return None if helper is None or text else ast.Call(ast.Name(helper, ast.Load()), [a, b], [])


#: the helper of :func:`reference_source` for vectorize kernels: a division or modulo of a NumPy
#: scalar by zero warns (``RuntimeWarning``), also where NumPy's own gives inf or NaN silently
#: (``np.float64(inf) / 0.0``, ``np.float64(nan) % 0.0``): the kernel raises Python's
#: ``ZeroDivisionError`` there (a documented difference), and ``entry_points.elementwise`` leaves
#: a call that warned uncompared
SCALAR_DIVISION_HELPERS = """
import operator as _operator
import warnings as _warnings

import numpy as _np


def _scalar_division(op, a, b):
    if not isinstance(a, str) and b == 0 and (isinstance(a, _np.generic) or isinstance(b, _np.generic)):
        _warnings.warn("division by zero of NumPy scalars", RuntimeWarning)
    return op(a, b)
"""
_SCALAR_DIVISION_OPS = {ast.Div: "truediv", ast.FloorDiv: "floordiv", ast.Mod: "mod"}


class _ScalarDivisions(_BinOpRewriter):
    """``a / b``, ``a // b``, ``a % b`` (augmented too), ``operator.truediv(a, b)`` (and
    ``floordiv``, ``mod``) and ``divmod(a, b)`` through ``_scalar_division``."""

    @staticmethod
    def _division(op: ast.expr, a: ast.expr, b: ast.expr) -> ast.Call:
        return ast.Call(ast.Name("_scalar_division", ast.Load()), [op, a, b], [])

    def _call(self, op: ast.operator, a: ast.expr, b: ast.expr) -> ast.expr | None:
        name = _SCALAR_DIVISION_OPS.get(type(op))
        return None if name is None else \
            self._division(ast.Attribute(ast.Name("_operator", ast.Load()), name, ast.Load()), a, b)

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        f = node.func
        spelled = isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "operator" \
            and f.attr in _SCALAR_DIVISION_OPS.values()
        if (spelled or isinstance(f, ast.Name) and f.id == "divmod") and len(node.args) == 2 and not node.keywords:
            return self._division(f, *node.args)
        return node


def reference_source(source: str, options: dict) -> str:
    """The source CPython runs as the reference of ``source`` compiled with ``options``:
    ``source`` itself; for ``error_model="numpy"`` ``source`` with its ``/``, ``//``, ``%``
    (and ``/=``, ``//=``, ``%=``) calling ``NUMPY_MODEL_HELPERS``; for a vectorize kernel
    ``source`` with its divisions through ``SCALAR_DIVISION_HELPERS``."""
    if options.get("error_model", "python") == "numpy":
        tree = ast.fix_missing_locations(_NumpyModel().visit(ast.parse(source)))
        return NUMPY_MODEL_HELPERS + "\n\n" + ast.unparse(tree) + "\n"
    if options.get("entry") == "vectorize":
        tree = ast.fix_missing_locations(_ScalarDivisions().visit(ast.parse(source)))
        return SCALAR_DIVISION_HELPERS + "\n\n" + ast.unparse(tree) + "\n"
    return source
FOUND = Path(__file__).resolve().parent / "found"

#: the dtypes of the inputs for the generator's array kinds, by ``--dtypes``
DTYPES = {
    "64": {"f64[]": ("float64",), "i64[]": ("int64",)},
    "all": {"f64[]": ("float64", "float32"),
            "i64[]": ("int64", "int32", "int16", "int8", "uint64", "uint32", "uint16", "uint8", "bool")},
}


def program_seed(seed, k: int) -> str:
    return f"{seed}-{k}"


# ---------------------------------------------------------------- inputs
def shaped(t: str) -> tuple[str, list[str]] | None:
    """A whole-array program's parameter type (``f64[n,1]``: its kind and its extents,
    symbols or 1), as ``("f64[]", ["n", "1"])``; None for other types."""
    if not t.endswith("]") or t.endswith("[]"):
        return None
    kind, dims = t[:-1].split("[")
    return kind + "[]", dims.split(",")


def random_sizes(r: random.Random, params) -> dict[str, int]:
    """The extent of every shape symbol of ``params`` (one call's)."""
    from .arrays_gen import SIZES

    symbols = sorted({d for _, t in params if shaped(t) for d in shaped(t)[1] if d.isalpha()})
    return {d: r.choice(SIZES) for d in symbols}


def random_value(r: random.Random, t: str, dtypes: str = "64", sizes: dict | None = None):
    if shaped(t):
        return random_array(r, t, dtypes, sizes or {})
    if t == "int":   # the generator keeps ints within 10**12 (see generator.VAR_BOUND)
        return r.choice([0, 1, -1, 2, 3, 7, r.randint(-10, 10), r.randint(-10, 10),
                         r.randint(-1000, 1000), r.randint(-10 ** 6, 10 ** 6),
                         r.choice([2 ** 31, -2 ** 31, 2 ** 32 - 1, 10 ** 12, -10 ** 12])])
    if t == "float":
        return r.choice([0.0, -0.0, 1.0, -1.0, 0.5, 2.5, math.nan, math.inf, -math.inf, 1e300, -1e-300,
                         r.uniform(-10, 10), r.uniform(-10, 10), r.uniform(-1e6, 1e6)])
    if t == "bool":
        return r.random() < 0.5
    if t == "ilist":   # a list of Python ints, never empty (compiled code reads items of a typed list)
        return [r.randint(-1000, 1000) for _ in range(r.randint(1, 5))]
    n = r.randint(1, 6)
    choices = DTYPES[dtypes][t]
    dtype = np.dtype(choices[0] if len(choices) == 1 else r.choice(choices))
    if t == "f64[]":
        return np.array([_element(r) for _ in range(n)], dtype=np.float64).astype(dtype)
    if dtype == np.bool_:
        return np.array([r.random() < 0.5 for _ in range(n)], dtype=dtype)
    info = np.iinfo(dtype)
    return np.array([r.randint(max(-1000, info.min), min(1000, info.max)) for _ in range(n)], dtype=dtype)


def _element(r: random.Random) -> float:
    """A float array's element: mostly within 100, and the special values; now and then a
    large one (beyond the range ``np.sin``'s and ``np.cos``'s own reduction covers, which
    ``compiler.codegen.nptrig`` hands to the C library)."""
    return r.choice([r.uniform(-100, 100), 0.0, -0.0, 1.0, math.nan, math.inf, -math.inf,
                     r.choice([3e6, -2e9, 1e22, 1e300])])


def random_array(r: random.Random, t: str, dtypes: str, sizes: dict) -> np.ndarray:
    """An array of a whole-array program's type (``f64[n,1]``), of the extents ``sizes`` gives
    its symbols, elements as ``random_value``'s for ``f64[]``/``i64[]``, in one of the memory
    layouts of :data:`LAYOUTS` (picked from a digest of the elements, so that the draws of the
    inputs after it are what they were before layouts were drawn)."""
    kind, dims = shaped(t)
    shape = tuple(sizes[d] if d.isalpha() else int(d) for d in dims)
    n = math.prod(shape)
    # no bool arrays for int arrays here: the program knows its bool arrays (comparisons, astype),
    # as it must, -bool and the like being TypeErrors compiled code raises when compiling
    choices = [d for d in DTYPES[dtypes][kind] if d != "bool"]
    dtype = np.dtype(choices[0] if len(choices) == 1 else r.choice(choices))
    if kind == "f64[]":
        values = [_element(r) for _ in range(n)]
        array = np.array(values, dtype=np.float64).astype(dtype).reshape(shape)
    elif dtype == np.bool_:
        array = np.array([r.random() < 0.5 for _ in range(n)], dtype=dtype).reshape(shape)
    else:
        info = np.iinfo(dtype)
        array = np.array([r.randint(max(-1000, info.min), min(1000, info.max)) for _ in range(n)],
                         dtype=dtype).reshape(shape)
    digest = hashlib.sha256(array.tobytes() + str(shape).encode()).digest()[0]
    return in_layout(array, LAYOUTS[digest % len(LAYOUTS)])


#: the memory layouts of whole-array inputs, C-contiguous most often: ``F`` (Fortran order),
#: ``step`` (every other element of a buffer along the last axis), ``reversed`` (the last
#: axis backwards: negative strides) -- compiled code takes the latter two as layout ``A``
LAYOUTS = ("C", "C", "C", "C", "C", "F", "step", "reversed")


#: NumPy expressions (of ``{}``, an array) making a new array of its values in each layout
_IN_LAYOUT = {"F": "np.asfortranarray({})", "reversed": "{}[..., ::-1].copy()[..., ::-1]",
              "step": "np.repeat({}, 2, axis=-1)[..., ::2]"}


def in_layout(values: np.ndarray, layout: str) -> np.ndarray:
    """A new array of ``values`` in memory layout ``layout`` (:data:`LAYOUTS`)."""
    if values.ndim == 0 or layout == "C":
        return values.copy()
    made = eval(_IN_LAYOUT[layout].format("values"), {"np": np, "values": values})  # noqa: S307 -- ours
    return made if made is not values else values.copy(order="F")


def layout_of(array: np.ndarray) -> str:
    """The :data:`LAYOUTS` name of an input array's memory layout."""
    if array.flags.c_contiguous:
        return "C"
    if array.flags.f_contiguous:
        return "F"
    return "reversed" if array.strides[-1] < 0 else "step"


def copy_args(args):
    """Copies of the inputs, arrays in their own memory layout."""
    return tuple(in_layout(a, layout_of(a)) if isinstance(a, np.ndarray) else a.copy() if isinstance(a, list) else a
                 for a in args)


# ---------------------------------------------------------------- comparing
#: NumPy scalars compiled code returns as Python numbers (a documented difference)
AS_PYTHON = (np.int64, np.float64, np.bool_)
#: the relative tolerance of float reductions (sum, prod, mean, var, std: over a whole
#: non-contiguous array NumPy's order of additions follows the strides), by the result's
#: type; everything else compares exactly
REDUCTION_RTOL = {np.float32: 1e-4, np.float64: 1e-9, float: 1e-9}


def same(got, want, approx: bool = False) -> bool:
    """``got`` is ``want``: the same type, floats equal or both NaN, arrays of the same dtype,
    shape and elements; with ``approx`` (a float reduction, or an array of NumPy's SIMD
    functions) floats may differ by ``REDUCTION_RTOL``."""
    if type(want) in AS_PYTHON:
        want = want.item()
    if type(got) is not type(want):
        return False
    if isinstance(want, np.ndarray):
        if not (got.dtype == want.dtype and got.shape == want.shape):
            return False
        if approx and want.dtype.kind == "f":
            return _all_close(got, want)
        return same(got.tolist(), want.tolist())
    if isinstance(want, (tuple, list)):
        return len(got) == len(want) and all(same(g, w) for g, w in zip(got, want))
    if isinstance(want, (float, np.floating)):
        return got == want or (math.isnan(got) and math.isnan(want)) or approx and _close(got, want)
    return got == want


def _all_close(got: np.ndarray, want: np.ndarray) -> bool:
    """Float arrays equal element by element (NaN to NaN, inf to the same inf) or within
    ``REDUCTION_RTOL`` of their dtype where both are finite."""
    rtol = REDUCTION_RTOL[want.dtype.type]
    g, w = got.astype(np.float64), want.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        equal = (g == w) | (np.isnan(g) & np.isnan(w))
        close = np.isfinite(g) & np.isfinite(w) & (np.abs(g - w) <= rtol * np.maximum(1.0, np.maximum(abs(g), abs(w))))
    return bool(np.all(equal | close))


def _close(got, want) -> bool:
    rtol = REDUCTION_RTOL.get(type(want), 0.0)
    got, want = float(got), float(want)
    return math.isfinite(got) and math.isfinite(want) and abs(got - want) <= rtol * max(1.0, abs(got), abs(want))


def same_result(got, want, approx: tuple[int, ...] = ()) -> bool:
    """The results of a call agree; ``approx``: the positions of float reductions in it."""
    if not approx:
        return same(got, want)
    if not isinstance(want, tuple):
        return same(got, want, 0 in approx)
    return (type(got) is tuple and len(got) == len(want)
            and all(same(g, w, k in approx) for k, (g, w) in enumerate(zip(got, want))))


#: NumPy's global generator is seeded with this before every call, so that draws compare
RANDOM_SEED = 20261205


def outcome(fn, args):
    """``(kind, value or exception, contents of the array arguments afterwards, what it printed,
    which objects the result's arrays are)``."""
    args = copy_args(args)
    np.random.seed(RANDOM_SEED)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        try:
            result = ("value", fn(*args))
        except Exception as err:  # noqa: BLE001 -- an exception is part of the outcome
            result = ("raised", err)
    return (*result, [a.tolist() if isinstance(a, np.ndarray) else list(a) for a in args
                      if isinstance(a, (np.ndarray, list))], printed.getvalue(),
            objects(result[1], args) if result[0] == "value" else [])


def objects(result, args) -> list[str]:
    """Which arrays of ``result`` (itself, or a tuple's elements) are an argument object or an
    earlier element's object: ``return a`` gives the argument itself, ``return a[:]`` a new
    view, ``return x, x`` one object twice."""
    results = result if isinstance(result, tuple) else (result,)
    found = []
    for i, x in enumerate(results):
        if isinstance(x, np.ndarray):
            found += [f"result {i} is argument {k}" for k, a in enumerate(args) if x is a]
            found += [f"result {i} is result {j}" for j in range(i) if results[j] is x]
    return found


def describe(o) -> str:
    kind, v, arrays, printed, identities = o
    text = f"{v!r} ({type(v).__name__})" if kind == "value" else f"{type(v).__name__}: {str(v)[:300]}"
    return text + (f", arrays after: {arrays}" if arrays else "") + (f", printed {printed[:300]!r}" if printed else "") \
        + (f", objects: {identities}" if identities else "")


#: NumPy's own words for operand dtypes no ufunc loop (or ``np.bincount``'s cast) takes, and for
#: writing into a read-only array (read-only-ness is part of an array's type): compiled code says
#: them when it compiles
NUMPY_DTYPE_REFUSALS = ("ufunc '", "Cannot cast ufunc", "Cannot cast array data", "numpy boolean", "read-only")
#: what compiled code refuses by dtype, as the README says, whatever CPython then does (the
#: generator cannot follow every dtype: an "i" array may be uint64)
DTYPE_REFUSALS = ("item() of a uint64 value", "a list of uint64 values is not supported")


def agree(got, want, approx: tuple[int, ...] = (), parallel: bool = False) -> bool:
    """The outcomes agree; ``parallel``: compiled with ``parallel=True``, where a call that raises
    may have run trips after the failing one (their writes are not compared)."""
    if got[0] == want[0] == "raised" and isinstance(got[1], TypingError) \
            and any(words in str(got[1]) for words in NUMPY_DTYPE_REFUSALS):
        # a documented difference: NumPy's dtype TypeError comes when compiling, before whatever
        # CPython printed, changed or raised first (the generator cannot follow every dtype:
        # a uint64 array meeting an int64 one gives float64)
        return True
    if got[0] == "raised" and isinstance(got[1], UnsupportedError) and any(words in str(got[1])
                                                                          for words in DTYPE_REFUSALS):
        return True
    arrays_written = parallel and got[0] == want[0] == "raised"
    if got[0] != want[0] or not (arrays_written or same(got[2], want[2])) or got[3] != want[3]:
        return False
    if got[0] == "value":
        return same_result(got[1], want[1], approx) and got[4] == want[4]
    return same_class(got[1], want[1]) and str(got[1]) == str(want[1])


def same_class(got: BaseException, want: BaseException) -> bool:
    """``got`` is of ``want``'s class (:func:`builtin_class`); the program's own classes by
    name (CPython runs its own copy of the module for ``error_model="numpy"``)."""
    cls = builtin_class(want)
    if cls.__module__ == "builtins":
        return isinstance(got, cls)
    return [c.__qualname__ for c in type(got).__mro__] == [c.__qualname__ for c in cls.__mro__]


def builtin_class(err: BaseException) -> type:
    """The class an exception of CPython's is compared by: its own, or for NumPy's own
    exceptions (``UFuncTypeError``, ...) the built-in one they derive from (``TypeError``)."""
    cls = type(err)
    if cls.__module__.startswith("numpy"):
        cls = next(c for c in cls.__mro__ if c.__module__ == "builtins")
    return cls


def literal(value) -> str:
    """Python source for an input value (``math`` and ``np`` in scope)."""
    if isinstance(value, np.ndarray):
        text = f"np.array([{', '.join(literal(v) for v in value.ravel().tolist())}], dtype=np.{value.dtype})"
        text = text if value.ndim == 1 else f"{text}.reshape({value.shape})"
        layout = layout_of(value)
        return text if layout == "C" else _IN_LAYOUT[layout].format(text)
    if isinstance(value, float) and not math.isfinite(value):
        return "math.nan" if math.isnan(value) else ("math.inf" if value > 0 else "-math.inf")
    return repr(value)


def fmt_args(args) -> str:
    return "(" + ", ".join(literal(a) for a in args) + ")"


def compiled(py, options: dict, args: tuple = (), dispatcher=None):
    """The callable of the variant of ``options``: ``compile(py, **options)``, or for an entry
    point's (``entry`` in ``options``) ``entry_points.compiled``'s for ``args`` -- ``None`` where
    it does not apply to them, a callable raising what compiling it raised where that failed."""
    from compiler import compile

    if "entry" not in options:
        return compile(py, **options)
    from .entry_points import compiled as entry_point

    try:
        return entry_point(py, options, args, dispatcher)
    except Exception as err:  # noqa: BLE001 -- compared with CPython's outcome as any exception
        failure = err

        def refused(*_):
            raise failure
        refused.result_dtype = None
        return refused


def reference(fn, options: dict, got):
    """CPython's callable for a variant's callable ``got`` (``fn`` itself but for ``vectorize``:
    ``entry_points.elementwise``)."""
    if "entry" not in options or getattr(got, "result_dtype", 1) is None:
        return fn
    from .entry_points import reference as entry_reference

    return entry_reference(fn, options, got)


def assert_agrees(fn, args: tuple, approx: tuple[int, ...] = (), **options) -> None:
    """``fn(*args)`` compiled with ``options`` agrees with CPython (for regression tests;
    ``approx``: the positions of float reductions in the result)."""
    ref = fn
    source = inspect.getsource(inspect.getmodule(fn))
    if reference_source(source, options) != source:   # CPython runs the module with its divisions changed
        namespace = {"__name__": "reference"}
        exec(reference_source(source, options), namespace)  # noqa: S102
        ref = namespace[fn.__name__]
    got_fn = compiled(fn, options, args)
    assert got_fn is not None, "the variant does not apply to these arguments"
    want = outcome(reference(ref, options, got_fn), args)
    got = outcome(got_fn, args)
    assert agree(got, want, approx, options.get("parallel", False)), \
        f"compiled: {describe(got)}; CPython: {describe(want)}"


# ---------------------------------------------------------------- one program
def load_module(source: str, directory: str, name: str):
    path = os.path.join(directory, name + ".py")
    with open(path, "w") as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def calls(program, pseed, dtypes: str = "64"):
    """The calls program ``pseed`` is checked with: (function, arguments) pairs."""
    r = random.Random(f"inputs-{pseed}")
    for fn in program.functions:
        for _ in range(INPUTS_PER_FUNCTION):
            sizes = random_sizes(r, fn.params) if any(shaped(t) for _, t in fn.params) else None
            yield fn, tuple(random_value(r, t, dtypes, sizes) for _, t in fn.params)


def check_program(seed, k: int, directory: str, dtypes: str = "64") -> dict:
    """Run program ``k``: a dict with ``k``, ``seed``, ``mismatches`` (list of text)."""
    from compiler import compile

    pseed = program_seed(seed, k)
    program = generate(pseed)
    module = load_module(program.source, directory, f"fuzz_{abs(hash(pseed))}_{k}")
    options = {"error_model": getattr(program, "error_model", "python")}
    reference_module = module if reference_source(program.source, options) == program.source else \
        load_module(reference_source(program.source, options), directory, f"fuzz_{abs(hash(pseed))}_{k}_reference")
    mismatches = []
    dispatchers = {}
    made = {}
    vectorize_reference = None   # the module vectorize kernels are compared with, made on first use
    for fn, args in calls(program, pseed, dtypes):
        py = getattr(module, fn.name)
        if fn.name not in dispatchers:
            dispatchers[fn.name] = {name: compile(py, **options) for name, options in variants(program).items()}
        want = outcome(getattr(reference_module, fn.name), args)
        for name, dispatcher in dispatchers[fn.name].items():
            got = outcome(dispatcher, args)
            if not agree(got, want, fn.approx, variants_by_name()[name].get("parallel", False)):
                mismatches.append(f"{fn.name}{fmt_args(args)} at {name}: got {describe(got)}, "
                                  f"CPython gives {describe(want)}")
    for fn, name, args in entry_calls(program, pseed, dtypes):   # cfunc and vectorize (entry_points)
        options = variants_by_name()[name]
        key = (fn.name, name, tuple((a.dtype.str, a.ndim) if isinstance(a, np.ndarray) else type(a) for a in args))
        if key not in made:   # one per function and argument types
            made[key] = compiled(getattr(module, fn.name), options, args,
                                 dispatchers.get(fn.name, {}).get("-O3" + _suffix(program)))
        got_fn = made[key]
        if got_fn is None:
            continue
        if options.get("entry") == "vectorize" and options.get("error_model", "python") == "python":
            if vectorize_reference is None:
                vectorize_reference = load_module(reference_source(program.source, options), directory,
                                                  f"fuzz_{abs(hash(pseed))}_{k}_vectorize")
            want = outcome(reference(getattr(vectorize_reference, fn.name), options, got_fn), args)
        else:
            want = outcome(reference(getattr(reference_module, fn.name), options, got_fn), args)
        if want[0] == "raised" and type(want[1]).__name__ == "NumpyScalarWarning":
            continue   # (NumPy's scalars warn where the kernel raises: entry_points.elementwise)
        got = outcome(got_fn, args)
        from .entry_points import refused_strongly

        if not agree(got, want, fn.approx, options.get("target") == "parallel") and not refused_strongly(options, got):
            mismatches.append(f"{fn.name}{fmt_args(args)} at {name}: got {describe(got)}, "
                              f"CPython gives {describe(want)}")
    return {"k": k, "seed": pseed, "mismatches": mismatches}


def _suffix(program) -> str:
    return NUMPY_MODEL if getattr(program, "error_model", "python") == "numpy" else ""


def entry_calls(program, pseed, dtypes: str = "64"):
    """The calls of the entry-point variants (``entry_points``): (function, variant, arguments):
    a cfunc's the function's calls, a vectorize variant's arrays of their elements and more, a
    guvectorize variant's stacked operands (``gufunc_gen.stacked_calls``)."""
    from .entry_points import CFUNC, GUVECTORIZE, GUVECTORIZE_PARALLEL, c_callable, entry_variants, vectorize_inputs

    by_function: dict[str, list[tuple]] = {}
    for fn, args in calls(program, pseed, dtypes):
        by_function.setdefault(fn.name, []).append(args)
    for fn in program.functions:
        for name in entry_variants(program, fn):
            if name in (GUVECTORIZE, GUVECTORIZE_PARALLEL):
                from .gufunc_gen import stacked_calls

                for args in stacked_calls(program, pseed, dtypes, name == GUVECTORIZE_PARALLEL):
                    yield fn, name + _suffix(program), args
            elif name == CFUNC:
                for args in by_function.get(fn.name, []):
                    if c_callable(args):
                        yield fn, name + _suffix(program), args
            else:
                yield fn, name + _suffix(program), vectorize_inputs(pseed, fn, by_function.get(fn.name, []))


def worker(seed, start: int, count: int, dtypes: str) -> None:
    """Check programs start..start+count-1, one JSON line each, a BEGIN line before each."""
    from compiler import set_num_threads

    set_num_threads(PARALLEL_THREADS)
    with tempfile.TemporaryDirectory(prefix="fuzz") as directory:
        os.environ["PYJIT_CACHE_DIR"] = os.path.join(directory, "cache")   # the cache variants' entries
        for k in range(start, start + count):
            print(json.dumps({"begin": k}), flush=True)
            t0 = time.perf_counter()
            result = check_program(seed, k, directory, dtypes)
            result["time"] = time.perf_counter() - t0
            print(json.dumps(result), flush=True)


# ---------------------------------------------------------------- driver
def run_batch(seed, start: int, count: int, timeout: float, dtypes: str = "64") -> list[dict]:
    """Results for programs start..start+count-1 (re-running past a crashing program)."""
    results: list[dict] = []
    end = start + count
    while start < end:
        cmd = [sys.executable, "-m", "tests.fuzz.runner", "--worker", "--seed", str(seed),
               "--start", str(start), "--count", str(end - start), "--dtypes", dtypes]
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
        env.setdefault("KMP_BLOCKTIME", "0")   # parallel loops' threads sleep at once: no spinning between calls
        env.setdefault("PYTHONFAULTHANDLER", "1")   # a crash's report ends with the Python stack of each thread
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=root, env=env)
            stdout, stderr, status = proc.stdout, proc.stderr, proc.returncode
        except subprocess.TimeoutExpired as err:
            stdout = err.stdout.decode() if isinstance(err.stdout, bytes) else (err.stdout or "")
            stderr, status = "timeout", "timeout"
        current = None
        for line in stdout.splitlines():
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if "begin" in msg:
                current = msg["begin"]
            else:
                results.append(msg)
                current = None
        if status == 0:
            return results
        crashed = current if current is not None else start
        results.append({"k": crashed, "seed": program_seed(seed, crashed), "mismatches": [],
                        "crash": f"status {status}: {stderr[-2000:]}", "time": 0.0})
        start = crashed + 1
    return results


def write_found(result: dict, dtypes: str) -> Path:
    FOUND.mkdir(exist_ok=True)
    program = generate(result["seed"])
    notes = ([f"inputs: --dtypes {dtypes}"] + result["mismatches"]
             + ([result["crash"]] if result.get("crash") else []))
    header = "".join("# " + line + "\n" for note in notes for line in note.splitlines())
    path = FOUND / f"prog_{result['seed'].replace('-', '_')}.py"
    path.write_text(header + "import numpy as np\n\n" + program.source)
    return path


class Progress:
    """A progress bar on a terminal, a line every ``every`` programs elsewhere (logs, CI)."""

    WIDTH = 30

    def __init__(self, total: int, quiet: bool, every: int = 500):
        self.total, self.quiet, self.every = total, quiet, every
        self.tty = sys.stdout.isatty()
        self.t0 = time.perf_counter()

    def show(self, done: int, mismatches: int, crashes: int) -> None:
        if self.quiet or not (self.tty or done % self.every == 0 or done == self.total):
            return
        elapsed = time.perf_counter() - self.t0
        left = elapsed / max(done, 1) * (self.total - done)
        filled = self.WIDTH * done // max(self.total, 1)
        text = (f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{self.total} programs, "
                f"{mismatches} mismatching, {crashes} crashed, {_clock(elapsed)} elapsed, ~{_clock(left)} left")
        print("\r" + text if self.tty else text, end="" if self.tty else "\n", flush=True)

    def note(self, text: str) -> None:
        """A line of its own (the bar is redrawn after it)."""
        print(("\r\033[K" if self.tty else "") + text, flush=True)

    def close(self) -> None:
        if self.tty and not self.quiet:
            print()


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}"


def report(result: dict, progress: Progress, dtypes: str) -> None:
    path = write_found(result, dtypes)
    progress.note(f"FAIL program {result['seed']}: {path}")
    for note in result["mismatches"][:5]:
        progress.note("    " + note.splitlines()[0][:400])
    if result.get("crash"):
        lines = result["crash"].strip().splitlines()
        progress.note("    crash: " + (lines[-1][:300] if lines else "no output"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seed", default="0")
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=max(1, min(4, os.cpu_count() or 1)))
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--dtypes", choices=sorted(DTYPES), default="64",
                        help="the NumPy dtypes of array inputs: float64/int64 only, or all widths")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per batch")
    parser.add_argument("--max-time", type=float, default=None, metavar="SECONDS",
                        help="start no batch after this many seconds (a long run ends early, with its summary)")
    parser.add_argument("--shrink", type=int, default=10, metavar="N",
                        help="shrink the first N failing programs into regression tests (0: none)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.seed, args.start, args.count, args.dtypes)
        return 0

    t0 = time.perf_counter()
    batches = [(s, min(args.batch, args.start + args.count - s))
               for s in range(args.start, args.start + args.count, args.batch)]
    done = mismatches = crashes = 0
    bad: list[dict] = []
    progress = Progress(args.count, args.quiet)
    deadline = None if args.max_time is None else t0 + args.max_time

    def batch(start: int, count: int) -> list[dict]:
        if deadline is not None and time.perf_counter() > deadline:
            return []
        return run_batch(args.seed, start, count, args.timeout, args.dtypes)

    with ThreadPoolExecutor(args.jobs) as pool:
        futures = [pool.submit(batch, s, n) for s, n in batches]
        for future in futures:
            for result in future.result():
                done += 1
                if result["mismatches"] or result.get("crash"):
                    mismatches += bool(result["mismatches"])
                    crashes += bool(result.get("crash"))
                    bad.append(result)
                    report(result, progress, args.dtypes)
                progress.show(done, mismatches, crashes)
    progress.close()
    elapsed = time.perf_counter() - t0
    print(f"programs {done}, mismatches {mismatches}, crashes {crashes}, time {elapsed:.1f}s "
          f"({elapsed / max(done, 1):.3f}s per program)"
          + (f"; time limit reached, {args.count - done} programs not run" if done < args.count else ""))
    if bad and args.shrink:
        from .shrink import shrink_seed

        for result in bad[:args.shrink]:
            shrink_seed(result["seed"], dtypes=args.dtypes)
    return 1 if mismatches or crashes else 0


if __name__ == "__main__":
    sys.exit(main())
