"""The binary interface between compiled code and the runtime, defined once.

The code generator (``compiler.codegen``), the native call path
(``compiler.fastcall``) and the runtime (``boxing``, ``memory``) all take
these definitions from here, so that a layout cannot drift between the side
that writes it and the side that reads it.

* **Allocated arrays.**  An array compiled code allocates lives in one block
  from the C library's ``aligned_alloc(DATA_ALIGNMENT, size)``: a header of
  :data:`HEADER_SIZE` bytes, then the data (``data = meminfo + HEADER_SIZE``,
  so the data is :data:`DATA_ALIGNMENT`-aligned too).  The pointer to the
  block is the array's *meminfo* (null for arrays the caller lends).
* **The reference count** is the header's first 8 bytes, an ``i64`` (so the
  meminfo is also the count's address).  :func:`emit_incref` and :func:`emit_decref` emit the only code
  that changes it -- an atomic add (relaxed), an atomic subtract
  (acquire-release) that frees the block when the count was 1 -- inline in
  compiled code and in the runtime's helper module alike
  (:mod:`runtime.memory`).
* **Argument slots.**  An entry point gets its arguments as an array of
  :data:`SLOT_SIZE`-byte slots; :func:`argument_slots` says which slots an
  argument of a type takes, in order, and how each holds its value.

Decision: the emitters take an ``llvmlite.ir`` builder and import llvmlite only
when called, so importing this module (and ``runtime``) stays cheap.
"""
from __future__ import annotations

from typing import Any

from ir.types import (
    ArrayType, BoolType, ComplexType, FloatType, GeneratorType, IntType, NoneType, ObjectType, TupleType, Type,
)

__all__ = ["HEADER_SIZE", "DATA_ALIGNMENT", "SLOT_SIZE", "argument_slots", "emit_incref",
           "emit_decref"]

#: bytes of an allocated array's header (the reference count, then padding) before its data
HEADER_SIZE = 64
#: alignment of an allocated array's block, and so of its data
DATA_ALIGNMENT = 64
#: bytes per argument slot
SLOT_SIZE = 8


def argument_slots(t: Type) -> list[tuple[str, str]]:
    """The slots an argument of type ``t`` takes, in order, as ``(suffix, kind)``.

    ``suffix`` names the slot within the argument (``""`` for a one-slot
    scalar; ``"_im"`` the imaginary part; ``"_meminfo"``, ``"_data"``,
    ``"_shape<k>"``, ``"_stride<k>"`` for an array; ``"_<j>..."`` element
    ``j`` of a tuple).  ``kind`` is how the 8 bytes hold the value: ``"int"``
    sign-extended, ``"uint"`` zero-extended (bools too), ``"f64"`` as is,
    ``"f32"`` in the low 4 bytes (the high 4 are zero), ``"ptr"`` an address.
    A complex number takes two slots (real, imaginary), a tuple the slots of
    its elements, ``none`` none, an array ``2 + 2 * ndim`` (meminfo, data,
    the shape, the byte strides), a ``str`` one (the object's address, a reference the
    caller keeps during the call).
    """
    if isinstance(t, BoolType):
        return [("", "uint")]
    if isinstance(t, IntType):
        return [("", "int" if t.signed else "uint")]
    if isinstance(t, FloatType):
        return [("", "f64" if t.bits == 64 else "f32")]
    if isinstance(t, ComplexType):
        return [(part, kind) for part in ("", "_im") for _, kind in argument_slots(t.part)]
    if isinstance(t, TupleType):
        return [(f"_{j}{suffix}", kind) for j, e in enumerate(t.elements) for suffix, kind in argument_slots(e)]
    if isinstance(t, NoneType):
        return []
    if isinstance(t, ArrayType):
        return ([("_meminfo", "ptr"), ("_data", "ptr")]
                + [(f"_{name}{k}", "int") for name in ("shape", "stride") for k in range(t.ndim)])
    if isinstance(t, (GeneratorType, ObjectType)):   # an object: its PyObject *, borrowed from the caller
        return [("", "ptr")]
    raise TypeError(f"an argument cannot have type {t}")


def emit_incref(b: Any, meminfo: Any) -> None:
    """At ``b`` (an ``llvmlite.ir.IRBuilder``): add a reference to the block ``meminfo``
    (a ``ptr``; nothing for a null one).  Relaxed: taking a reference orders nothing."""
    with b.if_then(b.icmp_unsigned("!=", meminfo, meminfo.type(None))):
        b.atomic_rmw("add", meminfo, _one(), "monotonic")


def emit_decref(b: Any, meminfo: Any, free: Any) -> None:
    """At ``b``: give up a reference to the block ``meminfo`` (nothing for a null one);
    the last one calls ``free`` (the C library's, declared by the caller) on it.
    Acquire-release, so that every write to the array happens before the free."""
    with b.if_then(b.icmp_unsigned("!=", meminfo, meminfo.type(None))):
        old = b.atomic_rmw("sub", meminfo, _one(), "acq_rel")
        with b.if_then(b.icmp_unsigned("==", old, _one())):
            b.call(free, [meminfo])


def _one() -> Any:
    from llvmlite import ir as lir

    return lir.Constant(lir.IntType(64), 1)
