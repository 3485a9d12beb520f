"""The ``lower-arrays`` pass: whole-array maps and reductions become loop nests.

Each ``array.map`` and ``array.reduce`` (:mod:`ir.ops.wholearray`) becomes a
nest of ``for`` loops over its iteration space, outermost axis first (C order;
a map into a Fortran-ordered ``out`` array the other way round, in its memory order),
whose innermost body loads one element of every input, runs a copy of the op's
region on them, and stores the result (``array.map``, into a new
``array.alloc`` or its ``out`` array) or carries the accumulators
(``array.reduce``).  ``bce``, ``licm``, ``version`` and ``vectorize`` then
work on these loops as on loops the user wrote.

Broadcasting: an input with fewer axes lines up with the last axes of the
space; an input that may need broadcasting is read through an
``array.broadcast`` view made once before the loops (stride 0 where its
extent is 1), so the loops index every input alike.  Where each of the space's
last extents is the input's own (its ``array.dim``, or the extent the op that
made it was given), the input is read as it is, at the last indices.

Overlap (NumPy's ``a[1:] = a[:-1]``): a map into ``out`` whose inputs may share
memory with ``out`` tests ``array.overlap`` at run time; when one does, the
results go to a new array first and are then copied into ``out``, so every
element is computed before any is stored (one nest computes them, into the new
array or straight into ``out``).  The copy's innermost loop is marked ``strided``:
a scalar loop, neither versioned nor vectorized (it runs only when the arrays
overlap, and copies at memory speed anyway; vectorized, its two copies cost
jacobi_2d's first call 18 ms of LLVM's time).  An input that is ``out`` itself (``a += b``)
needs no test: each element is read just before it is written; nor does one that
cannot share memory with ``out`` (a new array and an argument).  The loops of a
map are marked ``independent``: no trip reads what another stores, so
``vectorize`` needs no overlap test for them; so is the innermost loop of a reduction
along an axis other than the last (each trip updates its own element of the new
results), which ``version`` then gives a copy for unit strides
(``np.sum(a * b, axis=0)`` of 600 x 600 floats: 0.18 -> 0.10 ms).

Float sums and float min/max reduce in NumPy's orders (:mod:`.pairwise`,
:mod:`.extremum`), through functions of their own.

In a function compiled with ``parallel=True``, the outermost loop of a map's nest, of
a reduction along the last axis (the rows at once, each in NumPy's order) and of an
integer or bool reduction of the whole array is marked ``prange`` and
``parallel_if_large``: the ``parallel`` pass runs its trips on several threads where
the nest is large.  Float reductions of the whole array and reductions along another
axis keep NumPy's order and run on one thread.

A ``linalg.matmul`` that NumPy's BLAS does not take (integer and bool products,
or floats where the process has no BLAS: ``runtime.blas``) becomes an
``array.reduce`` along the middle axis of the ``m x k x n`` space, lowered as
any other; the rest stay for code generation, which calls ``gemm``.

The compiler runs this pass after every pipeline too, so array ops never
reach code generation (at ``-O0`` or with a pipeline that does not name it).
"""
from __future__ import annotations

from typing import Callable, Sequence

from ir import Module, UnsupportedError
from ir.clone import clone
from ir.core import Operation, Value
from ir.ops import (
    AddOp, AndOp, ArrayAllocOp, ArrayBroadcastOp, ArrayDimOp, ArrayLoadOp, ArrayMapOp, ArrayOverlapOp, ArrayReduceOp,
    ArrayReshapeOp, ArrayStoreOp, ArrayStrideOp, ArraySubviewOp, ArrayTransposeOp, ArrayYieldOp, CallOp, ConstantOp,
    EqOp, ForOp, FuncOp, IfOp, LeOp, LinalgGesvOp, LinalgMatmulOp, LtOp, MaxOp, MinOp, MulOp, NeOp, NotOp, OrOp,
    SelectOp, SubOp, YieldOp,
    is_extent_of, known_extent,
)
from ir.rewriting import Rewriter
from ir.types import ArrayType, BoolType, ComplexType, FloatType, IntType, bool_, i64

from . import extremum, outlining, pairwise
from .analysis import may_share_memory, memory_root
from .base import changes_of, register_pass, remark


@register_pass
class LowerArrays:
    name = "lower-arrays"

    def run(self, module: Module) -> bool:
        rewriter = Rewriter(changes_of(self))
        changed = False
        for func in list(module):
            for op in func.walk():
                if isinstance(op, LinalgGesvOp) and not _blas_takes(op):
                    raise UnsupportedError("np.linalg.solve() and inv() need NumPy's LAPACK, which was not found "
                                           "in this process", op.loc)
            pending = [op for op in func.walk() if isinstance(op, (ArrayMapOp, ArrayReduceOp))
                       or isinstance(op, LinalgMatmulOp) and not _blas_takes(op)]
            changed |= bool(pending)
            while pending:
                op = pending.pop()
                if isinstance(op, LinalgMatmulOp):
                    pending.append(_matmul_as_reduction(op, rewriter))
                elif isinstance(op, ArrayMapOp) and op.out is not None and not op.attributes.get("disjoint") \
                        and any(x is not op.out for x in op.inputs):
                    pending += _split_on_overlap(op, rewriter)
                else:
                    if func.attributes.get("parallel") and isinstance(op, ArrayReduceOp):
                        self._remark_order(op)
                    _lower(op, rewriter, module, func)
        return changed

    def _remark_order(self, op: ArrayReduceOp) -> None:
        """Say why a reduction of a function compiled with ``parallel=True`` runs on one thread."""
        floats = any(isinstance(v.type, (FloatType, ComplexType)) for v in op.inits)
        if op.axis is None and floats:
            remark(self, op, "the reduction runs on one thread: a float reduction of a whole array keeps "
                             "NumPy's order (in another, a sum rounds differently, a min or max may keep "
                             "another zero or NaN)")
        elif op.axis is not None and op.axis != op.ndim - 1:
            remark(self, op, "the reduction runs on one thread: along an axis other than the last, it "
                             "accumulates in NumPy's order over the whole array")


def _blas_takes(op: LinalgMatmulOp | LinalgGesvOp) -> bool:
    """Whether code generation calls NumPy's BLAS for the op (:mod:`runtime.blas`)."""
    if str(op.operand(0).type.dtype) not in ("f32", "f64", "c64", "c128"):
        return False
    from runtime.blas import find

    return find() is not None


def _matmul_as_reduction(op: LinalgMatmulOp, rewriter: Rewriter) -> ArrayReduceOp:
    """``c[i, j] = sum(a[i, q] * b[q, j] for q in range(k))`` as an ``array.reduce`` along the
    middle axis of the ``m x k x n`` space (``a`` viewed ``m x k x 1``, ``b`` ``1 x k x n``),
    adding in order of ``q`` as NumPy's own loops do (integers wrap); for bools
    ``any(a[i, q] and b[q, j])``."""
    a, b = op.operands
    loc, t = op.loc, op.result.type.dtype
    before = lambda new: rewriter.insert_before(op, new).result   # noqa: E731
    zero, one = before(ConstantOp(0, i64, loc=loc)), before(ConstantOp(1, i64, loc=loc))
    m, k = (_extent(a, axis, op, rewriter) for axis in (0, 1))
    n = _extent(b, 1, op, rewriter)
    rows = before(ArraySubviewOp(a, "ssn", [zero, m, one, zero, k, one], ArrayType(t, 3, "A"), loc=loc))
    columns = before(ArraySubviewOp(b, "nss", [zero, k, one, zero, n, one], ArrayType(t, 3, "A"), loc=loc))
    zero_of_t = {BoolType: False, IntType: 0, FloatType: 0.0, ComplexType: 0j}[type(t)]
    reduce = rewriter.insert_before(op, ArrayReduceOp([m, k, n], [rows, columns], [before(ConstantOp(
        zero_of_t, t, loc=loc))], axis=1, loc=loc))
    acc, x, y = reduce.body.args
    if isinstance(t, BoolType):
        term = reduce.body.append(AndOp(x, y, loc=loc)).result
        total = reduce.body.append(OrOp(acc, term, loc=loc)).result
    else:
        term = reduce.body.append(MulOp(x, y, loc=loc)).result
        total = reduce.body.append(AddOp(acc, term, loc=loc)).result
    reduce.body.append(ArrayYieldOp([total], loc=loc))
    rewriter.replace(op, [reduce.results[0]])
    return reduce


def _split_on_overlap(op: ArrayMapOp, rewriter: Rewriter) -> list[ArrayMapOp]:
    """``dst = a new array if overlap(any input, out) else out;  map(inputs) into dst;
    if overlap: copy dst into out``: one nest computes the elements either way.  Inputs
    that cannot share memory with ``out`` (:func:`.analysis.may_share_memory`) are not
    tested.  Returns the new maps (marked ``disjoint``: their inputs cannot overlap
    what they store into; the copy also ``copy_back``).

    Decision: views of another array than the one ``out`` views are tested as that whole
    array, once (``B[1:-1] = A[2:] + A[:-2]`` tests ``A`` against ``B[1:-1]``): one test
    instead of one per view, which made a stencil's set-up code as long as its loops.  It
    errs only towards a copy, where the two arrays share memory but the views do not.
    Views of the array ``out`` views are tested one by one (``a[1:] = a[:-1]`` must copy,
    ``a[:5] = a[5:]`` need not)."""
    out, loc = op.out, op.loc
    overlap = None
    out_root = memory_root(out)
    tested = (x if memory_root(x) is out_root else memory_root(x)
              for x in op.inputs if x is not out and may_share_memory(x, out))
    for x in dict.fromkeys(tested):
        found = rewriter.insert_before(op, ArrayOverlapOp(x, out, loc=loc)).result
        overlap = found if overlap is None else rewriter.insert_before(op, OrOp(overlap, found, loc=loc)).result
    if overlap is None:
        direct = rewriter.insert_before(op, _copy_of(op, out=out))
        direct.attributes["disjoint"] = True
        rewriter.erase(op)
        return [direct]
    extents = [_extent(out, axis, op, rewriter) for axis in range(out.type.ndim)]   # = op.extents
    choice = rewriter.insert_before(op, IfOp(overlap, [out.type], loc=loc))
    choice.then_block.append(YieldOp([_new_like(out, extents, choice.then_block.append, loc)], loc=loc))
    choice.else_block.append(YieldOp([out], loc=loc))
    dst = choice.results[0]
    compute = rewriter.insert_before(op, _copy_of(op, out=dst))
    compute.attributes["disjoint"] = True
    copy_back = rewriter.insert_before(op, IfOp(overlap, [], loc=loc))
    copy = ArrayMapOp(extents, [dst], op.element_type(), out=out, loc=loc)   # reads dst as it is
    copy.attributes["disjoint"] = True
    copy.attributes["copy_back"] = True
    copy.body.append(ArrayYieldOp([copy.element_args()[0]], loc=loc))
    copy_back.then_block.append(copy)
    copy_back.then_block.append(YieldOp([], loc=loc))
    copy_back.else_block.append(YieldOp([], loc=loc))
    rewriter.modified(choice)
    rewriter.modified(copy_back)
    rewriter.erase(op)
    return [compute, copy]


def _extent(array: Value, axis: int, op: Operation, rewriter: Rewriter) -> Value:
    """Extent ``axis`` of ``array`` as a value: the one its op was given, else its ``array.dim``."""
    known = known_extent(array, axis)
    if isinstance(known, Value):
        return known
    made = ConstantOp(known, i64, loc=op.loc) if known is not None else ArrayDimOp(array, axis, loc=op.loc)
    return rewriter.insert_before(op, made).result


def _new_like(out: Value, extents: Sequence[Value], put: Callable[[Operation], Operation], loc) -> Value:
    """A new array of ``out``'s type (its layout too: a Fortran-ordered one is the
    transpose of a C array with the extents reversed, an ``A`` one a view of a C array)
    with ``extents``, its ops placed by ``put``."""
    t, n = out.type, len(extents)
    if t.layout == "F" and n > 1:
        new = put(ArrayAllocOp(t.dtype, extents[::-1], loc=loc)).result
        return put(ArrayTransposeOp(new, list(range(n))[::-1], loc=loc)).result
    new = put(ArrayAllocOp(t.dtype, extents, loc=loc)).result
    if new.type == t:
        return new
    zero = put(ConstantOp(0, i64, loc=loc)).result
    one = put(ConstantOp(1, i64, loc=loc)).result
    return put(ArraySubviewOp(new, "s" * n, [v for e in extents for v in (zero, e, one)], t, loc=loc)).result


def _copy_of(op: ArrayMapOp, out: Value | None) -> ArrayMapOp:
    new = ArrayMapOp(op.extents, op.inputs, op.element_type(), out=out, loc=op.loc,
                     layout=op.result.type.layout if op.out is None and out is None else "C")
    mapping: dict[Value, Value] = dict(zip(op.body.args, new.body.args))
    for inner in op.body.ops:
        new.body.append(clone(inner, mapping))
    return new


class _Nest:
    """Builds loop nests just before ``op``: ``open`` one loop per extent (each carrying
    values), ``put`` ops into the innermost body, ``close`` the loops from the inside out."""

    def __init__(self, op: Operation, rewriter: Rewriter, parallel: bool = False) -> None:
        self.op, self.rewriter = op, rewriter
        #: the function is compiled with ``parallel=True``: see :meth:`in_parallel`
        self.parallel = parallel
        self.block = None   # where ``put`` appends (None: before ``op``)
        self.zero = self.put(ConstantOp(0, i64, loc=op.loc)).result
        self.one = self.put(ConstantOp(1, i64, loc=op.loc)).result
        #: the inputs as read in the loops, each with the axes read at the space's index (the
        #: others at 0): broadcast to the space where they may need it
        self.reads = [_broadcast(op, x, self.put) for x in op.inputs]

    def inputs(self) -> list[Value]:
        """The inputs as arrays read at the last indices of the space (a view where an input
        is read at 0 along an axis)."""
        return [x if all(indexed) else self.put(ArrayBroadcastOp(x, self.op.extents, loc=self.op.loc)).result
                for x, indexed in self.reads]

    def in_parallel(self, loops: list) -> None:
        """Let the trips of the outermost of ``loops`` run in parallel in a function compiled
        with ``parallel=True``, where the nest is large (``compiler.passes.parallel``
        checks it and runs small nests in order)."""
        if self.parallel and loops and not _in_prange(loops[0]):
            loops[0].attributes["prange"] = True
            loops[0].attributes["parallel_if_large"] = True

    def put(self, new: Operation) -> Operation:
        if self.block is None:
            return self.rewriter.insert_before(self.op, new)
        self.block.append(new)
        return new

    def open(self, extents: Sequence[Value], carried: Sequence[Value] = ()) -> tuple[list, list, list[Value]]:
        """Loops over ``extents``; ``(loops, indices, the values carried inside)``."""
        loops, indices, carried = [], [], list(carried)
        for extent in extents:
            loop = self.put(ForOp(self.zero, extent, self.one, carried, loc=self.op.loc))
            if self.op.attributes.get("any_order"):
                loop.attributes["any_order"] = True
            loops.append(loop)
            indices.append(loop.induction_var)
            carried = list(loop.iter_args)
            self.block = loop.body
        return loops, indices, carried

    def close(self, loops: list, values: Sequence[Value], outer_block) -> list[Value]:
        """End ``loops`` (innermost yielding ``values``); the outermost's results."""
        values = list(values)
        for loop in reversed(loops):
            loop.body.append(YieldOp(values, loc=self.op.loc))
            values = list(loop.results)
        self.block = outer_block
        if loops:
            self.rewriter.modified(loops[0])
        return values

    def region(self, accumulators: Sequence[Value], indices: Sequence[Value]) -> list[Value]:
        """Load the inputs' elements at ``indices``, run a copy of the region; what it yields."""
        op = self.op
        mapping: dict[Value, Value] = {}
        for arg, (x, indexed) in zip(op.element_args(), self.reads):
            last = indices[len(indices) - x.type.ndim:]
            mapping[arg] = self.put(ArrayLoadOp(x, [i if at else self.zero for i, at in zip(last, indexed)],
                                                loc=op.loc)).result
        if isinstance(op, ArrayReduceOp):
            mapping.update(zip(op.accumulator_args(), accumulators))
        for inner in op.body.ops[:-1]:
            self.put(clone(inner, mapping))
        return [mapping.get(v, v) for v in op.body.terminator.operands]


def _in_prange(op: Operation) -> bool:
    """Whether ``op`` is inside a loop whose trips run in parallel (its nest then runs in
    order inside each trip)."""
    outer = op.parent_op
    while outer is not None:
        if outer.attributes.get("prange"):
            return True
        outer = outer.parent_op
    return False


def _lower(op: ArrayMapOp | ArrayReduceOp, rewriter: Rewriter, module: Module, func: FuncOp) -> list[Value]:
    """``op`` as loops (a float sum, min or max partly in functions of its own, in ``module``);
    the values that replace its results."""
    nest = _Nest(op, rewriter, bool(func.attributes.get("parallel")))
    reduction = isinstance(op, ArrayReduceOp) and not op.attributes.get("ordered")
    v = pairwise.summand(op) if reduction and op.axis in (None, op.ndim - 1) else None
    if v is not None:
        return _replace(rewriter, op, [_pairwise_sum(op, v, nest, lambda *args: pairwise.outline(*args, module, func))])
    extreme = extremum.operand(op) if reduction else None
    result = _numpy_extremum(op, *extreme, nest, module, func) if extreme is not None else None
    if result is not None:
        return _replace(rewriter, op, [result])
    if isinstance(op, ArrayMapOp):
        dest = op.out if op.out is not None else _new_like(op.result, op.extents, nest.put, op.loc)
        fortran = dest.type.layout == "F"   # stored in memory order: the first axis innermost
        loops, indices, _ = nest.open(op.extents[::-1] if fortran else op.extents)
        for loop in loops:   # each element is stored where no input is read but at its own index
            loop.attributes["independent"] = True
        if op.attributes.get("copy_back"):   # see the module docstring
            loops[-1].attributes["strided"] = True
        nest.in_parallel(loops)
        indices = indices[::-1] if fortran else indices
        nest.put(ArrayStoreOp(dest, indices, nest.region([], indices)[0], loc=op.loc))
        nest.close(loops, [], None)
        if op.out is None:
            return _replace(rewriter, op, [dest])
        rewriter.erase(op)
        return []
    if op.axis is None:
        loops, indices, carried = nest.open(op.extents, op.inits)
        if not any(isinstance(v.type, (FloatType, ComplexType)) for v in op.inits):   # exact in any order
            nest.in_parallel(loops)
        return _replace(rewriter, op, nest.close(loops, nest.region(carried, indices), None))
    return _replace(rewriter, op, _lower_along_axis(op, nest))


def _replace(rewriter: Rewriter, op: Operation, values: list[Value]) -> list[Value]:
    rewriter.replace(op, values)
    return values


def _pairwise_sum(op: ArrayReduceOp, v: Value, nest: _Nest, outline) -> Value:
    """A float sum in NumPy's order (:mod:`.pairwise`): over the whole space, ``init +
    pairwise(every element in C order)`` (a C- or F-contiguous space in memory order,
    through 1-D views of its inputs); along the last axis, ``init + pairwise(row)`` stored
    for each row."""
    loc, init = op.loc, op.inits[0]
    inputs, extents = nest.inputs(), list(op.extents)
    whole = op.axis is None and op.ndim > 1 and all(x is y and x.type.ndim == op.ndim
                                                    for x, y in zip(inputs, op.inputs))
    if whole and all(x.type.layout == "F" for x in inputs):   # memory order, as NumPy sums them: reversed axes
        reverse = list(reversed(range(op.ndim)))
        inputs = [nest.put(ArrayTransposeOp(x, reverse, loc=loc)).result for x in inputs]
        extents = extents[::-1]
    if whole and all(x.type.layout == "C" for x in inputs):
        extents = [_product(nest, extents)]
        inputs = [nest.put(ArrayReshapeOp(x, extents, loc=loc)).result for x in inputs]
    if op.axis is None:
        name, rest = outline(op, v, inputs, 0, len(extents))
        size = _product(nest, extents)
        spread = extents if len(extents) > 1 else []
        s = nest.put(CallOp(name, [nest.zero, size, *spread, *rest], init.type, loc=loc)).result
        return nest.put(AddOp(init, s, loc=loc)).result
    name, rest = outline(op, v, inputs, op.ndim - 1, 1)
    out = nest.put(ArrayAllocOp(init.type, extents[:-1], loc=loc)).result
    loops, indices, _ = nest.open(extents[:-1])
    nest.in_parallel(loops)   # each row summed in NumPy's order, the rows at once
    s = nest.put(CallOp(name, [nest.zero, extents[-1], *indices, *rest], init.type, loc=loc)).result
    nest.put(ArrayStoreOp(out, indices, nest.put(AddOp(init, s, loc=loc)).result, loc=loc))
    nest.close(loops, [], None)
    return out


def _numpy_extremum(op: ArrayReduceOp, v: Value, kind: str, nest: _Nest, module: Module, func: FuncOp) -> Value | None:
    """A float min or max in NumPy's order (:mod:`.extremum`), or None where that is the
    order of the region as written (along an axis not innermost in memory of a C or F
    array).  Along an axis, the axis is read last, each row by a call; the order of a
    strided array's rows is found at run time."""
    loc, t = op.loc, op.inits[0].type
    inputs, extents = nest.inputs(), list(op.extents)
    args = op.element_args()
    direct = op.inputs[args.index(v)] if v in args else None   # v is an input's element
    if direct is not None and (direct.type.ndim != op.ndim or direct not in inputs
                               or op.attributes.get("new_operand")):   # NumPy reduces a new array
        direct = None
    strided = direct is not None and direct.type.layout == "A"
    fortran = direct.type.layout == "F" if direct is not None else all(x.type.layout == "F" for x in inputs)
    flipped = fortran and op.ndim > 1 and op.axis in (None, 0)   # memory order: reversed axes
    last = op.ndim - 1
    if op.axis not in (None, last) and not flipped and not strided or op.axis == last and fortran and op.ndim > 1:
        return None
    axes = list(range(op.ndim))
    if flipped:
        axes.reverse()
    elif strided and op.axis not in (None, last):   # the axis last, as a strided array's may be innermost
        axes = [j for j in axes if j != op.axis] + [op.axis]
    if axes != sorted(axes):
        moved = [nest.put(ArrayTransposeOp(_full(nest, x), axes, loc=loc)).result for x in inputs]
        direct = moved[inputs.index(direct)] if direct is not None else None
        inputs, extents = moved, [extents[j] for j in axes]
    itemsize = nest.put(ConstantOp(t.bits // 8, i64, loc=loc)).result
    fast = _any_order(op, v, kind, nest)
    zero = nest.put(ConstantOp(0.0, t, loc=loc)).result

    def ordered(m: Value, nan: Value) -> Value:   # NumPy's order decides only a zero's sign and a NaN's bits
        return nest.put(OrOp(nest.put(NeOp(nan, zero, loc=loc)).result, _equal(nest, m, zero), loc=loc)).result
    if op.axis is None:
        if op.ndim > 1 and all(x.type.layout == "C" for x in inputs):   # a contiguous whole: 1-D
            extents = [_product(nest, extents)]
            inputs = [nest.put(ArrayReshapeOp(x, extents, loc=loc)).result for x in inputs]

        def call(order: str, inputs: list[Value], extents: list[Value]) -> list[Value]:
            name, rest = extremum.outline(op, v, kind, order, inputs, 0, len(extents), module, func)
            spread = extents if len(extents) > 1 else []
            return [nest.put(CallOp(name, [_product(nest, extents), *spread, *rest], t, loc=loc)).result]

        def exact_in(inputs: list[Value], extents: list[Value], x: Value) -> list[Value]:
            return _either(nest, _vector_run(nest, x, itemsize), [t], lambda: call("vector", inputs, extents),
                           lambda: call("unrolled", inputs, extents))

        def exact() -> list[Value]:
            strided_inputs = [x for x in inputs if x.type.layout == "A" and x.type.ndim == op.ndim > 1]
            if not strided and not strided_inputs:
                return call("vector", inputs, extents)
            if op.ndim == 1:
                return exact_in(inputs, extents, direct)
            # NumPy's memory order (its K order, of a new array too): F where the strides grow
            reverse = list(reversed(range(op.ndim)))
            flipped_inputs = [nest.put(ArrayTransposeOp(_full(nest, x), reverse, loc=loc)).result for x in inputs]
            growing = None
            for x in ([direct] if strided else strided_inputs):
                test = _growing_strides(nest, x)
                growing = test if growing is None else nest.put(AndOp(growing, test, loc=loc)).result
            if not strided:
                return _either(nest, growing, [t], lambda: call("vector", flipped_inputs, extents[::-1]),
                               lambda: call("vector", inputs, extents))
            return _either(nest, growing, [t],
                           lambda: exact_in(flipped_inputs, extents[::-1], flipped_inputs[inputs.index(direct)]),
                           lambda: exact_in(inputs, extents, direct))
        m, nan = _lower(fast, nest.rewriter, module, func)
        return _either(nest, ordered(m, nan), [t], exact, lambda: [m])[0]
    kept = extents[:-1]
    if strided:
        contiguous, innermost = _row_runs(nest, direct, itemsize)
    names = {order: extremum.outline(op, v, kind, order, inputs, op.ndim - 1, 1, module, func)
             for order in (("vector", "unrolled", "in order") if strided else ("vector",))}
    out, nans = _lower(fast, nest.rewriter, module, func)   # written in place where the order decides
    loops, indices, _ = nest.open(kept)
    nest.in_parallel(loops)
    at = indices[::-1] if flipped else indices

    def call(order: str) -> list[Value]:
        name, rest = names[order]
        return [nest.put(CallOp(name, [extents[-1], *indices, *rest], t, loc=loc)).result]

    def exact() -> list[Value]:
        r = call("vector") if not strided else _either(
            nest, contiguous, [t], lambda: call("vector"),
            lambda: _either(nest, innermost, [t], lambda: call("unrolled"), lambda: call("in order")))
        nest.put(ArrayStoreOp(out, at, r[0], loc=loc))
        return []
    m = nest.put(ArrayLoadOp(out, at, loc=loc)).result
    _either(nest, ordered(m, nest.put(ArrayLoadOp(nans, at, loc=loc)).result), [], exact, lambda: [])
    nest.close(loops, [], None)
    return out


def _any_order(op: ArrayReduceOp, v: Value, kind: str, nest: _Nest) -> ArrayReduceOp:
    """A reduction of ``v`` to its least (greatest) value in any order, and whether one was
    NaN (1.0, else 0.0): the value is the result of ``op`` unless it is a zero or NaN (one
    value, every order alike); a plain min (max) and a float max, which vectorize."""
    loc, t = op.loc, op.inits[0].type
    flag = nest.put(ConstantOp(0.0, t, loc=loc)).result
    fast = nest.put(ArrayReduceOp(op.extents, op.inputs, [op.inits[0], flag], op.axis, loc=loc))
    fast.attributes["any_order"] = True   # its loops may vectorize the float min (compiler.passes.vectorize)
    body = fast.body
    mapping = dict(zip(op.element_args(), fast.element_args()))
    for inner in outlining.needed_ops(op, v):
        body.append(clone(inner, mapping))
    x = mapping.get(v, v)
    m, nan = fast.accumulator_args()
    best = body.append((MinOp if kind == "min" else MaxOp)(m, x, loc=loc)).result
    one, none = (body.append(ConstantOp(c, t, loc=loc)).result for c in (1.0, 0.0))
    isnan = body.append(NeOp(x, x, loc=loc)).result   # as a float max: vectorizable
    seen = body.append(MaxOp(nan, body.append(SelectOp(isnan, one, none, loc=loc)).result, loc=loc)).result
    body.append(ArrayYieldOp([best, seen], loc=loc))
    return fast


def _equal(nest: _Nest, a: Value, b: Value) -> Value:
    return nest.put(EqOp(a, b, loc=nest.op.loc)).result


def _vector_run(nest: _Nest, x: Value, itemsize: Value) -> Value:
    """Whether NumPy reduces the whole strided array ``x`` in vector order: it is contiguous
    in C order, or not one run of equal strides (then NumPy copies it to a contiguous buffer)."""
    loc, n = nest.op.loc, x.type.ndim
    strides = [nest.put(ArrayStrideOp(x, k, loc=loc)).result for k in range(n)]
    uniform = None
    for k in range(n - 1):
        extent = nest.put(ArrayDimOp(x, k + 1, loc=loc)).result
        step = _equal(nest, strides[k], nest.put(MulOp(strides[k + 1], extent, loc=loc)).result)
        uniform = step if uniform is None else nest.put(AndOp(uniform, step, loc=loc)).result
    unit = _equal(nest, strides[-1], itemsize)
    if uniform is None:
        return unit
    return nest.put(OrOp(nest.put(NotOp(uniform, loc=loc)).result, unit, loc=loc)).result


def _full(nest: _Nest, x: Value) -> Value:
    """``x`` with every axis of the space (an input of fewer, broadcast along the first)."""
    op = nest.op
    return x if x.type.ndim == op.ndim else nest.put(ArrayBroadcastOp(x, op.extents, loc=op.loc)).result


def _growing_strides(nest: _Nest, x: Value) -> Value:
    """Whether the strides of ``x`` grow from the first axis to the last (its memory order is
    Fortran's: NumPy iterates it with the first axis innermost)."""
    loc = nest.op.loc
    sizes = [_magnitude(nest, nest.put(ArrayStrideOp(x, k, loc=loc)).result) for k in range(x.type.ndim)]
    growing = None
    for k in range(len(sizes) - 1):
        step = nest.put(LtOp(sizes[k], sizes[k + 1], loc=loc)).result
        growing = step if growing is None else nest.put(AndOp(growing, step, loc=loc)).result
    return growing


def _magnitude(nest: _Nest, stride: Value) -> Value:
    """``|stride|``."""
    loc = nest.op.loc
    negative = nest.put(LtOp(stride, nest.zero, loc=loc)).result
    return nest.put(SelectOp(negative, nest.put(SubOp(nest.zero, stride, loc=loc)).result, stride, loc=loc)).result


def _row_runs(nest: _Nest, x: Value, itemsize: Value) -> tuple[Value, Value]:
    """Whether the rows along the last axis of the strided array ``x`` are contiguous, and
    whether that axis is the innermost in memory (NumPy's runs along it; else it goes in order)."""
    loc, last = nest.op.loc, x.type.ndim - 1

    stride = nest.put(ArrayStrideOp(x, last, loc=loc)).result
    step, innermost = _magnitude(nest, stride), None
    for k in range(last):
        other = _magnitude(nest, nest.put(ArrayStrideOp(x, k, loc=loc)).result)
        flat = nest.put(LeOp(nest.put(ArrayDimOp(x, k, loc=loc)).result, nest.one, loc=loc)).result
        inner = nest.put(OrOp(flat, nest.put(LeOp(step, other, loc=loc)).result, loc=loc)).result
        innermost = inner if innermost is None else nest.put(AndOp(innermost, inner, loc=loc)).result
    if innermost is None:
        innermost = nest.put(ConstantOp(True, bool_, loc=loc)).result
    return _equal(nest, stride, itemsize), innermost


def _either(nest: _Nest, cond: Value, types, then, otherwise) -> list[Value]:
    """``then()`` if ``cond`` else ``otherwise()``, each putting its ops into its branch."""
    branch = nest.put(IfOp(cond, types, loc=nest.op.loc))
    outer = nest.block
    for block, make in ((branch.then_block, then), (branch.else_block, otherwise)):
        nest.block = block
        block.append(YieldOp(make(), loc=nest.op.loc))
    nest.block = outer
    return list(branch.results)


def _product(nest: _Nest, extents: Sequence[Value]) -> Value:
    """The number of elements of a space of ``extents`` (the extent itself for one axis)."""
    size = extents[0]
    for extent in extents[1:]:
        size = nest.put(MulOp(size, extent, loc=nest.op.loc)).result
    return size


def _lower_along_axis(op: ArrayReduceOp, nest: _Nest) -> list[Value]:
    """A reduction along one axis: along the last axis, an inner loop carries the
    accumulators, stored after it; along another, the results are filled with the inits
    and updated in place in one pass over the space in C order (memory order for C
    inputs, and the order NumPy adds in)."""
    k, loc = op.axis, op.loc
    other = [e for j, e in enumerate(op.extents) if j != k]
    outs = [nest.put(ArrayAllocOp(v.type, other, loc=loc)).result for v in op.inits]
    if k == op.ndim - 1:
        outer, outer_indices, _ = nest.open(other)
        nest.in_parallel(outer)
        inner, indices, carried = nest.open([op.extents[k]], op.inits)
        block = outer[-1].body if outer else None
        finals = nest.close(inner, nest.region(carried, [*outer_indices, *indices]), block)
        for out, value in zip(outs, finals):
            nest.put(ArrayStoreOp(out, outer_indices, value, loc=loc))
        nest.close(outer, [], None)
        return outs
    fill, indices, _ = nest.open(other)
    for out, init in zip(outs, op.inits):
        nest.put(ArrayStoreOp(out, indices, init, loc=loc))
    nest.close(fill, [], None)
    loops, indices, _ = nest.open(op.extents)
    loops[-1].attributes["independent"] = True   # each trip updates its own element of the new outs
    kept = [i for j, i in enumerate(indices) if j != k]
    accumulators = [nest.put(ArrayLoadOp(out, kept, loc=loc)).result for out in outs]
    for out, value in zip(outs, nest.region(accumulators, indices)):
        nest.put(ArrayStoreOp(out, kept, value, loc=loc))
    nest.close(loops, [], None)
    return outs


def _broadcast(op: ArrayMapOp | ArrayReduceOp, x: Value, put) -> tuple[Value, list[bool]]:
    """``x`` as read at the (last) indices of ``op``'s space, and which of its axes take the
    space's index (the others are read at 0): ``x`` itself when each of the space's last
    extents is ``x``'s own or ``x``'s is known to be 1 (a row read by every row of the space,
    ``keepdims`` results: no view, the loads vectorize), else an ``array.broadcast`` view
    made once, before the loops."""
    lead = op.ndim - x.type.ndim
    indexed = [is_extent_of(e, x, j) for j, e in enumerate(op.extents[lead:])]
    if all(at or known_extent(x, j) == 1 for j, at in enumerate(indexed)):
        return x, indexed
    return put(ArrayBroadcastOp(x, op.extents, loc=op.loc)).result, [True] * op.ndim
