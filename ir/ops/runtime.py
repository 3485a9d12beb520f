"""Ops whose effect is outside the function: calls back into Python, random draws.

* ``%r = py.call %a, %b {target = "print#3"} : R`` -- calls, at run time, the
  Python object registered under ``target`` (see ``frontend.pycall``) with the
  operands converted to Python objects: scalars as Python numbers (those listed in the
  optional ``numpy`` attribute as NumPy scalars of their type), an array as a tuple
  ``(data address, *shape, *strides, meminfo address)``; no result when ``R`` is ``none``,
  else the call's result converted to ``R`` (``bool``, ``i64``, ``f64``, ``c128``, an object,
  or a tuple of these; or an array, which the target returns as a tuple of ints
  ``(meminfo, data, *shape, *strides)``: an array stored in a container, read back, whose
  meminfo reference the result owns).  The call holds the GIL.  When the Python call raises, the function stops with
  that exception; like ``call`` the op may carry a *cleanup* region for that
  path (see :func:`ir.ops.arith.verify_cleanup`).
  An object operand (``str``, ``list<T>``) is passed as the object it is (a new reference
  for the call); an object result is the object returned, whose reference the op's result
  owns (``ownership``: the refcount pass releases it).
* ``%s = str.const {value = "abc"} : str`` -- a constant string as a run-time value (a new
  reference to one ``str`` object the process keeps for the module: ``frontend.pycall``).
* ``%x = random.draw {stream = "numpy", kind = "double"} : f64`` -- the next
  number of a bit generator's stream: ``double`` (a float64 in [0, 1)),
  ``uint32`` or ``uint64``.  Stream ``numpy`` is NumPy's global generator (the
  one behind ``np.random.random`` and the other legacy functions); stream
  ``generator`` is a ``np.random.Generator`` passed in, the op's first operand
  (``random.draw %g {stream = "generator", kind = "double"} : f64``).
* ``%has, %x = random.take_gauss {stream = "numpy"} : bool, f64`` -- the normal
  deviate NumPy's legacy ``gauss`` keeps for its next call, and whether there
  is one; the cache is emptied.
* ``random.put_gauss %x {stream = "numpy"}`` -- keeps ``x`` for the next call.
* ``%g = random.generator {object = "Generator#4"} : generator`` -- a
  ``np.random.Generator`` the function reads from a global or closure variable:
  the Python object registered under that key (see ``frontend.pycall``).
* ``%k = random.call %lam {function = "random_poisson", stream = "numpy"} : i64`` -- one of
  NumPy's compiled distribution functions, called with the stream's bit generator
  and the operands (numbers; after the generator for stream ``generator``).

A draw changes the generator's state: the random ops have side effects, so no
pass removes, merges, duplicates or reorders them.
"""
from __future__ import annotations

from typing import Sequence

from ..core import Block, HasSideEffects, Operation, Pure, Value
from ..diagnostics import Location
from ..interfaces import OWNS, Global, HasCleanupRegion, Ownership, Raise
from ..types import (
    ArrayType, GeneratorType, NoneType, ObjectType, TupleType, Type, bool_, c128, f64, generator, i64, str_, u32,
    u64,
)
from .arith import verify_cleanup

__all__ = ["PyCallOp", "StrConstOp", "DrawOp", "RandomDrawOp", "TakeGaussOp", "PutGaussOp", "RandomCallOp",
           "GeneratorOp", "DRAW_TYPES", "STREAMS", "PY_RESULT_TYPES", "passable_to_python"]

#: what a ``random.draw`` of each kind gives
DRAW_TYPES: dict[str, Type] = {"double": f64, "uint32": u32, "uint64": u64}
#: the types a ``py.call`` result can have (besides none and objects)
PY_RESULT_TYPES = (bool_, i64, f64, c128, str_)
#: the generators random ops can draw from
STREAMS = ("numpy", "generator")


def passable_to_python(t: Type) -> bool:
    """Whether a ``py.call`` can pass a value of type ``t``: a number, an array, a string, or a tuple
    of these."""
    if isinstance(t, TupleType):
        return all(passable_to_python(e) for e in t.elements)
    return t.is_scalar or isinstance(t, (ArrayType, ObjectType))


def _comes_back(t: Type, whole: bool = True) -> bool:
    """Whether a ``py.call`` result can have type ``t`` (an array only as the whole result)."""
    if isinstance(t, TupleType):
        return all(_comes_back(e, False) for e in t.elements)
    return t in PY_RESULT_TYPES or isinstance(t, ObjectType) or whole and isinstance(t, ArrayType)


class PyCallOp(Operation):
    name = "py.call"
    traits = frozenset({HasSideEffects, HasCleanupRegion})

    def effects(self):
        """Runs Python code (``Global``: never removed, merged, hoisted, duplicated or
        reordered) that may raise (``Raise``)."""
        return (Global(), Raise())

    def ownership(self, index: int) -> Ownership:
        """A ``str`` result is a new reference the result owns."""
        return OWNS

    def __init__(self, target: str, args: Sequence[Value], result_type: Type, loc: Location | None = None,
                 numpy: Sequence[int] = ()):
        results = [] if isinstance(result_type, NoneType) else [result_type]
        attributes = {"target": target, **({"numpy": list(numpy)} if numpy else {})}
        self._setup(args, results, attributes, loc=loc)

    @property
    def target(self) -> str:
        return self.attributes["target"]

    @property
    def numpy(self) -> list[int]:
        """The operands (numbers) passed as NumPy scalars of their type, not Python numbers."""
        return self.attributes.get("numpy", [])

    @property
    def cleanup(self) -> Block | None:
        """The block that runs when the Python call raises, if any."""
        return self.regions[0].block if self.regions else None

    def verify_(self) -> None:
        if not isinstance(self.attributes.get("target"), str):
            self.fail("needs a string 'target'")
        for v in self.operands:
            if not passable_to_python(v.type):
                self.fail(f"cannot pass a value of type {v.type} to Python")
        numpy = self.attributes.get("numpy", [])
        if not isinstance(numpy, list) or any(not isinstance(i, int) or not 0 <= i < len(self.operands)
                                              or not self.operand(i).type.is_scalar for i in numpy):
            self.fail(f"'numpy' must list operands of number types, not {numpy!r}")
        if len(self.results) > 1:
            self.fail("has at most one result")
        if self.results and not _comes_back(self.result.type):
            self.fail(f"a result of type {self.result.type} cannot come back from Python (bool, i64, f64, c128, "
                      "an object: str, list; a tuple of these; an array)")
        verify_cleanup(self)


class StrConstOp(Operation):
    """A constant string as a run-time ``str`` value (see the module docstring): pure, and
    its result owns a reference."""

    name = "str.const"
    traits = frozenset({Pure})

    def __init__(self, value: str, loc: Location | None = None):
        self._setup([], [str_], {"value": value}, loc=loc)

    @property
    def value(self) -> str:
        return self.attributes["value"]

    def ownership(self, index: int) -> Ownership:
        return OWNS

    def verify_(self) -> None:
        if not isinstance(self.attributes.get("value"), str):
            self.fail("needs a string 'value'")
        if self.operands or len(self.results) != 1 or self.result.type != str_:
            self.fail("takes no operand and gives one str")


def _verify_stream(op: Operation) -> None:
    if op.attributes.get("stream") not in STREAMS:
        op.fail(f"unknown stream {op.attributes.get('stream')!r}; streams: {', '.join(STREAMS)}")
    if _generator_operands(op) and not isinstance(op.operand(0).type, GeneratorType):
        op.fail("stream 'generator' takes the generator as its first operand")


def _generator_operands(op: Operation) -> int:
    """1 when the op draws from a generator operand (its first), else 0."""
    return 1 if op.attributes.get("stream") == "generator" else 0


def _stream(generator: Value | None) -> tuple[list[Value], str]:
    return ([], "numpy") if generator is None else ([generator], "generator")


class DrawOp(Operation):
    """An op that advances a generator's state (effect ``Global``): never removed,
    merged, hoisted, duplicated across paths or reordered against another draw."""

    traits = frozenset({HasSideEffects})

    def effects(self):
        return (Global(),)


class RandomDrawOp(DrawOp):
    name = "random.draw"

    def __init__(self, kind: str, generator: Value | None = None, loc: Location | None = None):
        operands, stream = _stream(generator)
        self._setup(operands, [DRAW_TYPES[kind]], {"stream": stream, "kind": kind}, loc=loc)

    @property
    def kind(self) -> str:
        return self.attributes["kind"]

    def verify_(self) -> None:
        _verify_stream(self)
        want = DRAW_TYPES.get(self.attributes.get("kind"))
        if want is None:
            self.fail(f"unknown kind {self.attributes.get('kind')!r}; kinds: {', '.join(DRAW_TYPES)}")
        if len(self.operands) != _generator_operands(self) or len(self.results) != 1 or self.result.type != want:
            self.fail(f"takes no operand but its generator and gives one {want}")


class TakeGaussOp(DrawOp):
    name = "random.take_gauss"

    def __init__(self, stream: str = "numpy", loc: Location | None = None):
        self._setup([], [bool_, f64], {"stream": stream}, loc=loc)

    def verify_(self) -> None:
        _verify_stream(self)
        if self.operands or [r.type for r in self.results] != [bool_, f64]:
            self.fail("takes no operand and gives a bool and an f64")


class PutGaussOp(DrawOp):
    name = "random.put_gauss"

    def __init__(self, value: Value, stream: str = "numpy", loc: Location | None = None):
        self._setup([value], [], {"stream": stream}, loc=loc)

    def verify_(self) -> None:
        _verify_stream(self)
        if len(self.operands) != 1 or self.operand(0).type != f64 or self.results:
            self.fail("takes one f64 and gives nothing")


class RandomCallOp(DrawOp):
    name = "random.call"

    def __init__(self, function: str, args: Sequence[Value], result_type: Type, generator: Value | None = None,
                 loc: Location | None = None):
        operands, stream = _stream(generator)
        self._setup([*operands, *args], [result_type], {"function": function, "stream": stream}, loc=loc)

    @property
    def function(self) -> str:
        return self.attributes["function"]

    @property
    def args(self) -> tuple[Value, ...]:
        """The operands after the generator."""
        return self.operands[_generator_operands(self):]

    def verify_(self) -> None:
        _verify_stream(self)
        if not isinstance(self.attributes.get("function"), str):
            self.fail("needs a string 'function'")
        if len(self.results) != 1 or not self.result.type.is_scalar:
            self.fail("gives one number")
        for v in self.args:
            if not v.type.is_scalar:
                self.fail(f"takes numbers, not {v.type}")


class GeneratorOp(Operation):
    name = "random.generator"
    traits = frozenset({Pure})

    def __init__(self, key: str, loc: Location | None = None):
        self._setup([], [generator], {"object": key}, loc=loc)

    def verify_(self) -> None:
        if not isinstance(self.attributes.get("object"), str):
            self.fail("needs a string 'object'")
        if self.operands or len(self.results) != 1 or self.result.type != generator:
            self.fail("takes no operand and gives one generator")
