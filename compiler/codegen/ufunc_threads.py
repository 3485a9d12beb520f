"""A ufunc inner loop's elements split over a team of threads (``target="parallel"``).

:func:`run_split` emits, in the exported inner loop (``ufunc_loops``), the run of
its ``elements`` function over ``0..count-1`` on an OpenMP team (``runtime.threads``:
``GOMP_parallel``, ``omp_get_thread_num``, ``omp_get_num_threads`` and the
process's thread count ``pyjit_num_threads``):

* the team has ``min(pyjit_num_threads, count // split)`` threads, at least one: a
  share is never smaller than ``split`` elements (:data:`ELEMENTS_PER_THREAD` for an
  element-wise loop, whose elements are cheap; :data:`ITERATIONS_PER_THREAD` outer
  iterations for a generalized one, each of which runs the kernel over its core
  dimensions), so that a small call does not pay for waking threads up;
* thread ``t`` of ``n`` runs the ``t``-th of ``n`` contiguous, nearly equal shares,
  with a slot of its own for its status and error arguments, and on an error
  lowers the shared ``failed`` to ``t`` (an atomic ``min``);
* the calling thread releases the GIL around the region if it holds it (NumPy
  releases it for big calls, not for small ones): a kernel that takes it (``str``
  values, ``py_call``) would otherwise wait for it forever;
* afterwards the status and error arguments of the failed thread with the lowest
  number are the loop's: its shares come first, and each thread stops at its
  first error, so it is the error of the first failing element.  The calling
  thread raises it (a worker's exception would be set in the worker's own thread
  state, where NumPy never looks).

One thread (or no OpenMP runtime in the process: ``runtime.threads.available()``)
runs the team function directly.
"""
from __future__ import annotations

from typing import Sequence

import llvmlite.ir as lir

from runtime.errors import ERRARGS_SLOTS

from .core import _I32, _I64, _PTR, _STATUS, _ModuleLowering
from .parallel import num_threads, run_team

__all__ = ["ELEMENTS_PER_THREAD", "ITERATIONS_PER_THREAD", "run_split"]

#: the smallest share of an element-wise loop a thread gets
ELEMENTS_PER_THREAD = 16_384
#: the smallest share of a generalized ufunc's outer iterations a thread gets
ITERATIONS_PER_THREAD = 8
#: ``env.failed`` while no thread has failed
_NONE_FAILED = 0x7FFFFFFF
# the fields of ``env``: the loop's three arrays, the count, the slots, failed
_ARGS, _DIMS, _STEPS, _COUNT, _SLOTS, _FAILED = range(6)
_ENV = lir.LiteralStructType([_PTR, _PTR, _PTR, _I64, _PTR, _I32])
# the fields of a thread's slot: status, error arguments
_SLOT = lir.LiteralStructType([_STATUS, lir.ArrayType(_I64, ERRARGS_SLOTS)])
_VOID = lir.VoidType()


def run_split(lowering: _ModuleLowering, b: lir.IRBuilder, elements: lir.Function, operands: Sequence[lir.Value],
              count: lir.Value, split: int) -> tuple[lir.Value, lir.Value]:
    """At ``b``: run ``elements(args, dims, steps, begin, end, errargs)`` (``operands``: the
    loop's ``args``, ``dimensions``, ``steps``) over ``0..count-1`` on a team; the status of
    the first failing element (0 if none) and the address of its error arguments."""
    from runtime import threads

    team_fn = _team_function(lowering, elements, threads.available())
    env = b.alloca(_ENV)
    env.type = _PTR
    for index, value in zip((_ARGS, _DIMS, _STEPS, _COUNT), [*operands, count]):
        b.store(value, _field(b, env, index))
    b.store(lir.Constant(_I32, _NONE_FAILED), _field(b, env, _FAILED))
    requested = b.zext(num_threads(lowering, b), _I64)
    shares = b.udiv(count, lir.Constant(_I64, split))
    team = b.select(b.icmp_unsigned("<", shares, requested), shares, requested)
    team = b.trunc(b.select(b.icmp_unsigned("==", team, lir.Constant(_I64, 0)), lir.Constant(_I64, 1), team), _I32)
    slots = b.alloca(_SLOT, size=team)
    slots.type = _PTR
    b.store(slots, _field(b, env, _SLOTS))
    if threads.available():
        with b.if_else(b.icmp_unsigned(">", team, lir.Constant(_I32, 1))) as (many, one):
            with many:
                run_team(lowering, b, team_fn, env, team)
            with one:
                b.call(team_fn, [env])
    else:
        b.call(team_fn, [env])
    failed = b.load(_field(b, env, _FAILED), typ=_I32)
    any_failed = b.icmp_unsigned("!=", failed, lir.Constant(_I32, _NONE_FAILED))
    thread = b.zext(b.select(any_failed, failed, lir.Constant(_I32, 0)), _I64)
    slot = b.gep(slots, [thread], inbounds=True, source_etype=_SLOT)
    status = b.select(any_failed, b.load(_slot_field(b, slot, 0), typ=_STATUS), lir.Constant(_STATUS, 0))
    return status, _slot_field(b, slot, 1)


def _team_function(lowering: _ModuleLowering, elements: lir.Function, openmp: bool) -> lir.Function:
    """``void @"<elements>.team"(ptr env)``: this thread's share of the elements."""
    llvm = lowering.llvm
    fn = lir.Function(llvm, lir.FunctionType(_VOID, [_PTR]), elements.name + ".team")
    fn.linkage = "internal"
    fn.attributes.add("nounwind")
    env = fn.args[0]
    b = lir.IRBuilder(fn.append_basic_block("entry"))
    if openmp:
        def omp(name: str) -> lir.Value:
            return b.call(llvm.globals.get(name) or lir.Function(llvm, lir.FunctionType(_I32, []), name), [])
        thread32, team32 = omp("omp_get_thread_num"), omp("omp_get_num_threads")
    else:
        thread32, team32 = lir.Constant(_I32, 0), lir.Constant(_I32, 1)
    thread, team = b.zext(thread32, _I64), b.zext(team32, _I64)
    count = b.load(_field(b, env, _COUNT), typ=_I64)
    base, rest = b.udiv(count, team), b.urem(count, team)
    longer = b.icmp_unsigned("<", thread, rest)
    begin = b.add(b.mul(thread, base), b.select(longer, thread, rest))
    end = b.add(b.add(begin, base), b.zext(longer, _I64))
    slot = b.gep(b.load(_field(b, env, _SLOTS), typ=_PTR), [thread], inbounds=True, source_etype=_SLOT)
    operands = [b.load(_field(b, env, index), typ=_PTR) for index in (_ARGS, _DIMS, _STEPS)]
    status = b.call(elements, [*operands, begin, end, _slot_field(b, slot, 1)])
    b.store(status, _slot_field(b, slot, 0))
    with b.if_then(b.icmp_unsigned("!=", status, lir.Constant(_STATUS, 0)), likely=False):
        b.atomic_rmw("umin", _field(b, env, _FAILED), thread32, "monotonic")
    b.ret_void()
    return fn





def _field(b: lir.IRBuilder, env: lir.Value, index: int) -> lir.Value:
    return b.gep(env, [lir.Constant(_I32, 0), lir.Constant(_I32, index)], inbounds=True, source_etype=_ENV)


def _slot_field(b: lir.IRBuilder, slot: lir.Value, index: int) -> lir.Value:
    return b.gep(slot, [lir.Constant(_I32, 0), lir.Constant(_I32, index)], inbounds=True, source_etype=_SLOT)
