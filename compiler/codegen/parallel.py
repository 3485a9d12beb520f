"""Lowering of ``parallel.for``: an OpenMP region over the loop's trips.

The op's body becomes two LLVM functions of their own:

* the *share* ``i32 @"<f>.share<N>"(ptr ret, ptr errargs, ptr env, i64 thread,
  i64 begin, i64 end, ptr partials)`` runs trips ``begin..end-1`` (counted from 0) with
  the internal ABI of every function (``core``): a ``raise_if`` in the body returns its
  status from it, after its cleanup (which releases only what the body owns: the op is
  an ``ErrorBoundary``).  It starts each carried value from the reduction's identity (or
  the init, for ``min``, ``max``, ``and``, ``or`` and ``last``) and stores the partial results to
  ``partials``.  Where the body may raise, it runs its trips in 16 blocks and, before
  each, stops if a thread with a lower number has failed (its error comes first in the
  sequential order; this thread's trips come after it);
* the *team* function ``void @"<f>.team<N>"(ptr env)``, which ``GOMP_parallel`` runs on
  every thread: thread ``t`` of ``n`` gets the ``t``-th of ``n`` contiguous, nearly equal
  shares of the trips, calls the share with its own slot (status, error arguments and
  the stack limit of its own thread's recursive calls, partials), and on an error lowers
  ``env.failed`` to ``t`` (an atomic ``min``).

The op itself (the launcher) stores the values the body uses from outside (constants
excepted: the share uses them as constants, so LLVM still folds them) and the bounds in
an ``env`` struct on the stack, with a slot per thread, and asks for
``min(pyjit_num_threads, trips)`` threads (``runtime.threads``).  One thread (or no
OpenMP runtime in the process) calls the team function directly.  Otherwise it releases
the GIL if its thread holds it -- the body's ``py.call`` takes it back -- and calls
``GOMP_parallel``.  Afterwards it raises the error of the failed thread with the lowest
number (after the op's cleanup region) or combines the init and the partial results
in thread order (``last``: the last thread's; each thread of the team has at least one trip).
"""
from __future__ import annotations

import llvmlite.ir as lir

from ir.core import Block, Value
from ir.interfaces import Raise, effects, reduction_kind
from ir.ops.parallel import IDEMPOTENT_KINDS, ParallelForOp
from ir.types import ComplexType, Type
from runtime.errors import ERRARGS_SLOTS

from .control import _trip_count
from .core import (
    _I32, _I64, _PTR, _STATUS, _constant, _FunctionLowering, _lowers, _ModuleLowering, set_stack_limit, value_type,
)

#: the blocks a thread's share is run in when the body may raise (a check of ``env.failed`` before each)
CHECKS_PER_SHARE = 16
#: ``env.failed`` while no thread has failed
_NONE_FAILED = 0x7FFFFFFF
# the fields of ``env``: lower, step, count, slots, failed, team, then the free values
_LOWER, _STEP, _COUNT, _SLOTS, _FAILED, _TEAM, _FREE = range(7)
# the fields of a thread's slot: status, error arguments, partial results
_SLOT_STATUS, _SLOT_ERRARGS, _SLOT_PARTIALS = range(3)
_ERRARGS = lir.ArrayType(_I64, ERRARGS_SLOTS)


def _identity(kind: str, t: Type) -> lir.Constant:
    if isinstance(t, ComplexType):   # only sums: -0.0 + x is x in each part
        return _constant(complex(-0.0, -0.0), t)
    return _constant(reduction_kind(kind).identity(t), t)


def _combine(self: _FunctionLowering, kind: str, t: Type, a: lir.Value, b: lir.Value) -> lir.Value:
    """``a <kind> b`` for values of type ``t``, lowered as the op of that kind would be."""
    from .core import _LOWERINGS

    scratch = Block([t, t])
    op = reduction_kind(kind).combine(scratch.args[0], scratch.args[1])
    self.values[scratch.args[0]], self.values[scratch.args[1]] = a, b
    return _LOWERINGS[type(op)](self, op)


@_lowers(ParallelForOp)
def _parallel_for(self: _FunctionLowering, op: ParallelForOp) -> list[lir.Value]:
    from runtime import threads

    b, module = self.b, self.module
    number = len(module.llvm.globals)
    lower, upper, step = (self.value(v) for v in (op.lower, op.upper, op.step))
    count = _trip_count(self, lower, upper, step)
    starting = [init for kind, init in zip(op.reductions, op.inits) if kind in IDEMPOTENT_KINDS]
    free = [v for v in dict.fromkeys([*op.body.free_values(), *starting])
            if not isinstance(self.value(v), lir.Constant)]
    partial_types = [value_type(r.type) for r in op.results]
    slot_type = lir.LiteralStructType([_STATUS, _ERRARGS, lir.LiteralStructType(partial_types)])
    env_type = lir.LiteralStructType([_I64, _I64, _I64, _PTR, _I32, _I32,
                                      *(value_type(v.type) for v in free)])
    share = _share_function(self, op, number, env_type, free, lower, step)
    team_fn = _team_function(self, number, env_type, slot_type, share, threads.available())

    env = self.stack_slot(env_type)

    def field(index: int) -> lir.Value:
        return b.gep(env, [lir.Constant(_I32, 0), lir.Constant(_I32, index)], inbounds=True, source_etype=env_type)

    for index, value in ((_LOWER, lower), (_STEP, step), (_COUNT, count),
                         (_FAILED, lir.Constant(_I32, _NONE_FAILED)), (_TEAM, lir.Constant(_I32, 1))):
        b.store(value, field(index))
    for k, v in enumerate(free):
        b.store(self.value(v), field(_FREE + k))
    requested = b.zext(num_threads(module, b), _I64)
    few = b.icmp_unsigned("<", count, requested)
    team = b.trunc(b.select(few, count, requested), _I32)
    team = b.select(b.icmp_unsigned("==", team, lir.Constant(_I32, 0)), lir.Constant(_I32, 1), team)
    saved = b.call(module.llvm.declare_intrinsic("llvm.stacksave", fnty=lir.FunctionType(_PTR, [])), [])
    slots = b.alloca(slot_type, size=team)
    slots.type = _PTR
    b.store(slots, field(_SLOTS))
    if threads.available():
        with b.if_else(b.icmp_unsigned(">", team, lir.Constant(_I32, 1))) as (many, one):
            with many:
                run_team(self.module, b, team_fn, env, team)
            with one:
                b.call(team_fn, [env])
    else:
        b.call(team_fn, [env])
    ran = b.load(field(_TEAM), typ=_I32)
    failed = b.load(field(_FAILED), typ=_I32)

    def slot_field(thread: lir.Value, *path: int) -> lir.Value:
        return b.gep(slots, [thread, *(lir.Constant(_I32, p) for p in path)], inbounds=True, source_etype=slot_type)

    with b.if_then(b.icmp_unsigned("!=", failed, lir.Constant(_I32, _NONE_FAILED)), likely=False):
        thread = b.zext(failed, _I64)
        errargs = b.load(slot_field(thread, _SLOT_ERRARGS), typ=_ERRARGS)
        b.store(errargs, self.err_ptr)
        status = b.load(slot_field(thread, _SLOT_STATUS), typ=_STATUS)
        b.call(module.llvm.declare_intrinsic("llvm.stackrestore", fnty=lir.FunctionType(lir.VoidType(), [_PTR])),
               [saved])
        self._fail(op, status)
    results = _combined(self, op, ran, slots, slot_type, slot_field)
    b.call(module.llvm.declare_intrinsic("llvm.stackrestore", fnty=lir.FunctionType(lir.VoidType(), [_PTR])), [saved])
    return results


def num_threads(module: _ModuleLowering, b: lir.IRBuilder) -> lir.Value:
    """The ``i32`` of ``runtime.threads`` that says how many threads a region asks for, read at
    ``b`` (through a reference: ``compiler.references``)."""
    from runtime import threads

    setting = module.refs.add(threads.address(threads.NUM_THREADS_SYMBOL), ("threads", "num_threads"))
    return b.load(module.refs.load(b, setting), typ=_I32)


def run_team(module: _ModuleLowering, b: lir.IRBuilder, team_fn: lir.Function, env: lir.Value,
             team: lir.Value) -> None:
    """``GOMP_parallel(team_fn, env, team, 0)`` at ``b``, with the GIL released if this thread
    holds it (the ufunc loops of ``vectorize(target="parallel")`` start their teams so too)."""
    llvm = module.llvm
    check = module.libc("PyGILState_Check", lir.FunctionType(_I32, []))
    save = module.libc("PyEval_SaveThread", lir.FunctionType(_PTR, []))
    restore = module.libc("PyEval_RestoreThread", lir.FunctionType(lir.VoidType(), [_PTR]))
    gomp = llvm.globals.get("GOMP_parallel") or lir.Function(
        llvm, lir.FunctionType(lir.VoidType(), [_PTR, _PTR, _I32, _I32]), "GOMP_parallel")
    holds = b.icmp_unsigned("!=", b.call(check, []), lir.Constant(_I32, 0))
    with b.if_else(holds) as (released, direct):
        with released:
            state = b.call(save, [])
            b.call(gomp, [team_fn, env, team, lir.Constant(_I32, 0)])
            b.call(restore, [state])
        with direct:
            b.call(gomp, [team_fn, env, team, lir.Constant(_I32, 0)])


def _combined(self: _FunctionLowering, op: ParallelForOp, ran: lir.Value, slots: lir.Value,
              slot_type: lir.Type, slot_field) -> list[lir.Value]:
    """The results: the inits combined with the ``ran`` threads' partial results, in thread order."""
    if not op.results:
        return []
    b = self.b
    preheader = b.basic_block
    header = b.append_basic_block("parallel.combine")
    body = b.append_basic_block("parallel.combine.body")
    exit_ = b.append_basic_block("parallel.combine.exit")
    b.branch(header)
    b.position_at_end(header)
    thread = b.phi(_I64)
    thread.add_incoming(lir.Constant(_I64, 0), preheader)
    accumulated = [b.phi(value_type(r.type)) for r in op.results]
    for phi, init in zip(accumulated, op.inits):
        phi.add_incoming(self.value(init), preheader)
    b.cbranch(b.icmp_unsigned("<", thread, b.zext(ran, _I64)), body, exit_)
    b.position_at_end(body)
    partials = b.load(slot_field(thread, _SLOT_PARTIALS), typ=slot_type.elements[_SLOT_PARTIALS])
    combined = [b.extract_value(partials, k) if kind == "last" else
                _combine(self, kind, r.type, acc, b.extract_value(partials, k))
                for k, (kind, r, acc) in enumerate(zip(op.reductions, op.results, accumulated))]
    latch = b.basic_block
    thread.add_incoming(b.add(thread, lir.Constant(_I64, 1)), latch)
    for phi, value in zip(accumulated, combined):
        phi.add_incoming(value, latch)
    b.branch(header)
    b.position_at_end(exit_)
    return accumulated


def _team_function(self: _FunctionLowering, number: int, env_type: lir.Type, slot_type: lir.Type,
                   share: lir.Function, openmp: bool) -> lir.Function:
    """``void @"<f>.team<N>"(ptr env)``: this thread's share of the trips (see the module docstring)."""
    llvm = self.module.llvm
    fn = lir.Function(llvm, lir.FunctionType(lir.VoidType(), [_PTR]), f"{self.func.sym_name}.team{number}")
    fn.linkage = "internal"
    fn.attributes.add("nounwind")
    env = fn.args[0]
    b = lir.IRBuilder(fn.append_basic_block("entry"))

    def field(index: int) -> lir.Value:
        return b.gep(env, [lir.Constant(_I32, 0), lir.Constant(_I32, index)], inbounds=True, source_etype=env_type)

    if openmp:
        def omp(name: str) -> lir.Value:
            f = llvm.globals.get(name) or lir.Function(llvm, lir.FunctionType(_I32, []), name)
            return b.call(f, [])
        thread32, team32 = omp("omp_get_thread_num"), omp("omp_get_num_threads")
    else:
        thread32, team32 = lir.Constant(_I32, 0), lir.Constant(_I32, 1)
    with b.if_then(b.icmp_unsigned("==", thread32, lir.Constant(_I32, 0))):
        b.store(team32, field(_TEAM))
    thread, team = b.zext(thread32, _I64), b.zext(team32, _I64)
    count = b.load(field(_COUNT), typ=_I64)
    base, rest = b.udiv(count, team), b.urem(count, team)
    longer = b.icmp_unsigned("<", thread, rest)
    begin = b.add(b.mul(thread, base), b.select(longer, thread, rest))
    end = b.add(b.add(begin, base), b.zext(longer, _I64))
    slots = b.load(field(_SLOTS), typ=_PTR)

    def slot_field(index: int) -> lir.Value:
        return b.gep(slots, [thread, lir.Constant(_I32, index)], inbounds=True, source_etype=slot_type)

    errargs = slot_field(_SLOT_ERRARGS)
    set_stack_limit(llvm, b, errargs)
    status = b.call(share, [lir.Constant(_PTR, None), errargs, env, thread, begin, end, slot_field(_SLOT_PARTIALS)])
    b.store(status, slot_field(_SLOT_STATUS))
    with b.if_then(b.icmp_unsigned("!=", status, lir.Constant(_STATUS, 0)), likely=False):
        b.atomic_rmw("umin", field(_FAILED), thread32, "monotonic")
    b.ret_void()
    return fn


def _share_function(self: _FunctionLowering, op: ParallelForOp, number: int, env_type: lir.Type,
                    free: list[Value], lower: lir.Value, step: lir.Value) -> lir.Function:
    """``i32 @"<f>.share<N>"(...)``: trips ``begin..end-1`` of ``op`` (see the module docstring)."""
    llvm = self.module.llvm
    fnty = lir.FunctionType(_STATUS, [_PTR, _PTR, _PTR, _I64, _I64, _I64, _PTR])
    fn = lir.Function(llvm, fnty, f"{self.func.sym_name}.share{number}")
    fn.linkage = "internal"
    fn.attributes.add("nounwind")
    share = _FunctionLowering(self.module, self.func, fn)
    share.values = {v: value for v, value in self.values.items() if isinstance(value, lir.Constant)}
    env, thread, begin, end, partials_out = fn.args[2:]
    b = share.b
    first = b.basic_block

    def field(index: int) -> lir.Value:
        return b.gep(env, [lir.Constant(_I32, 0), lir.Constant(_I32, index)], inbounds=True, source_etype=env_type)

    for k, v in enumerate(free):
        share.values[v] = b.load(field(_FREE + k), typ=env_type.elements[_FREE + k])
    # constant bounds stay constants: a unit step leaves LLVM a loop it vectorizes
    lower, step = (value if isinstance(value, lir.Constant) else b.load(field(index), typ=_I64)
                   for value, index in ((lower, _LOWER), (step, _STEP)))
    starts = [share.values[init] if kind in IDEMPOTENT_KINDS else _identity(kind, r.type)
              for kind, init, r in zip(op.reductions, op.inits, op.results)]
    may_raise = any(isinstance(e, Raise) for inner in op.body.walk() for e in effects(inner))
    length = b.sub(end, begin)
    block = b.udiv(b.add(length, lir.Constant(_I64, CHECKS_PER_SHARE - 1)), lir.Constant(_I64, CHECKS_PER_SHARE)) \
        if may_raise else length
    block = b.select(b.icmp_unsigned("==", block, lir.Constant(_I64, 0)), lir.Constant(_I64, 1), block)

    # for (start = begin; start < end && !(env.failed < thread); start += block)
    #     for (k = start; k < min(start + block, end); k++) body(lower + k * step)
    entry = b.basic_block
    outer = b.append_basic_block("share.blocks")
    outer_body = b.append_basic_block("share.block")
    inner = b.append_basic_block("share.trips")
    inner_body = b.append_basic_block("share.trip")
    inner_exit = b.append_basic_block("share.block.end")
    done = b.append_basic_block("share.done")
    b.branch(outer)
    b.position_at_end(outer)
    start = b.phi(_I64, "start")
    start.add_incoming(begin, entry)
    carried_outer = [b.phi(t.type) for t in starts]
    for phi, value in zip(carried_outer, starts):
        phi.add_incoming(value, entry)
    more = b.icmp_unsigned("<", start, end)
    if may_raise:
        failed = b.load_atomic(field(_FAILED), "monotonic", 4, typ=_I32)
        earlier = b.icmp_unsigned("<", b.zext(failed, _I64), thread)
        more = b.and_(more, b.not_(earlier))
    b.cbranch(more, outer_body, done)
    b.position_at_end(outer_body)
    stop = b.add(start, block)
    stop = b.select(b.icmp_unsigned("<", stop, end), stop, end)
    b.branch(inner)
    b.position_at_end(inner)
    k = b.phi(_I64, "k")
    k.add_incoming(start, outer_body)
    carried = [b.phi(t.type) for t in starts]
    for phi, value in zip(carried, carried_outer):
        phi.add_incoming(value, outer_body)
    b.cbranch(b.icmp_unsigned("<", k, stop), inner_body, inner_exit)
    b.position_at_end(inner_body)
    share.values[op.induction_var] = b.add(lower, b.mul(k, step), name="i")
    share.values.update(zip(op.iter_args, carried))
    next_values = share.lower_block(op.body)
    latch = b.basic_block
    k.add_incoming(b.add(k, lir.Constant(_I64, 1), flags=("nuw",)), latch)
    for phi, value in zip(carried, next_values):
        phi.add_incoming(value, latch)
    b.branch(inner)
    b.position_at_end(inner_exit)
    for phi, value in zip(carried_outer, carried):
        phi.add_incoming(value, inner_exit)
    start.add_incoming(stop, inner_exit)
    b.branch(outer)
    b.position_at_end(done)
    out = lir.Constant(lir.LiteralStructType([t.type for t in starts]), lir.Undefined)
    for index, value in enumerate(carried_outer):
        out = b.insert_value(out, value, index)
    b.store(out, partials_out)
    b.ret(lir.Constant(_STATUS, 0))
    share.allocas.branch(first)
    return fn
