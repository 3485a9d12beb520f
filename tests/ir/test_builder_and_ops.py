"""Building IR with the builder, use lists, walking, and every op's ``evaluate``."""
import math
import operator

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ir import (
    Builder, Commutative, ConstantLike, MayRaise, Module, Region, Terminator, VerificationError,
    verify,
)
from ir.diagnostics import Location
from ir.ops import OP_REGISTRY, ImagOp, MakeComplexOp, RealOp
from ir.ops.array import (
    ArrayAllocOp, ArrayDecrefOp, ArrayDimOp, ArrayGlobalOp, ArrayIncrefOp, ArrayLoadOp, ArrayStoreOp, ArrayStrideOp,
    ArrayUndefOp, ArrayViewOp,
)
from ir.ops.arith import (
    AddOp, AndOp, BitcastOp, CastOp, ConstantOp, DivOp, EqOp, FloorDivOp, GeOp, GtOp, InvertOp, LeOp, LtOp,
    MaxOp, MinOp, ModOp, MulOp, NegOp, NeOp, NotOp, OrOp, PowOp, RaiseIfOp, SelectOp, ShlOp, ShrOp,
    SubOp, XorOp, convert_scalar,
)
from ir.ops.control import ConditionOp, ForOp, IfOp, LeaveOp, TryOp, WhileOp, YieldOp
from ir.ops.func import CallOp, FuncOp, ReturnOp
from ir.ops.parallel import ParallelForOp
from ir.ops.pointer import PointerArrayOp
from ir.ops.math import Math2Op, MathOp, FloatTestOp
from ir.ops.optional import MakeOptionalOp
from ir.ops.tuple import MakeTupleOp, TupleGetOp
from ir.ops.lists import ListGetOp, ListLenOp, RetypeOp
from ir.ops.local_lists import (
    LocalListAppendOp, LocalListBoxOp, LocalListGetOp, LocalListLenOp, LocalListNewOp, LocalListPermuteOp,
    LocalListPopOp, LocalListSetOp,
)
from ir.ops.runtime import GeneratorOp, PutGaussOp, PyCallOp, RandomCallOp, RandomDrawOp, StrConstOp, TakeGaussOp
from ir.ops.linalg import LinalgGesvOp, LinalgLapackOp, LinalgMatmulOp
from ir.ops.vector import ArrayOverlapOp, VectorLoadOp, VectorReduceOp, VectorSplatOp, VectorStoreOp
from ir.ops.wholearray import (
    ArrayBroadcastOp, ArrayMapOp, ArrayPartOp, ArrayReduceOp, ArrayReshapeOp, ArrayRestrideOp, ArraySubviewOp,
    ArrayTransposeOp, ArrayYieldOp,
)
from ir.printer import print_function
from ir.types import ArrayType, ListType, LocalListType, PointerType, TupleType, bool_, c64, c128, f32, f64, generator, i8, i32, i64, none, u8, u64

nan, inf = math.nan, math.inf
HERE = Location("prog.py", 3, 4)


def build_everything() -> Module:
    """A module that uses every op class of ``ir/ops``."""
    helper = FuncOp("helper", [f64], none, ["x"])
    Builder.at_end(helper.body).insert(ReturnOp())

    f = FuncOp("everything", [i64, i64, f64, f64, c128], TupleType((i64, f64)), ["a", "b", "x", "y", "z"])
    a, b, x, y, z = f.args
    bld = Builder.at_end(f.body, HERE)
    one = bld.add(ConstantOp(1, i64, name="one"))
    ints = [bld.add(cls(a, b)) for cls in (AddOp, SubOp, MulOp, FloorDivOp, ModOp, PowOp, AndOp, OrOp,
                                          XorOp, ShlOp, ShrOp, MinOp, MaxOp)]
    floats = [bld.add(cls(x, y)) for cls in (DivOp, FloorDivOp, ModOp, PowOp, MinOp, MaxOp)]
    conds = [bld.add(cls(a, b)) for cls in (EqOp, NeOp, LtOp, LeOp, GtOp, GeOp)]
    negated = bld.add(NegOp(z))
    bld.add(MakeComplexOp(bld.add(RealOp(negated)), bld.add(ImagOp(z))))
    inverted = bld.add(InvertOp(ints[0]))
    flag = bld.add(NotOp(conds[0]))
    as_float = bld.add(CastOp(inverted, f64))
    bld.add(BitcastOp(as_float, i64))
    chosen = bld.add(SelectOp(flag, as_float, floats[0]))
    root = bld.add(MathOp("sqrt", chosen))
    angle = bld.add(Math2Op("atan2", root, x))
    bad = bld.add(FloatTestOp("isnan", angle))
    bld.insert(RaiseIfOp(bad, "ValueError", "math domain error at {}", (a,)))
    bld.insert(CallOp("helper", [angle], none))

    branch = bld.insert(IfOp(flag, [f64], result_names=["r"]))
    with bld.inside(branch.then_block):
        bld.insert(YieldOp([angle]))
    with bld.inside(branch.else_block):
        bld.insert(YieldOp([x]))

    loop = bld.insert(ForOp(one, a, one, [branch.results[0]], iv_name="i", names=["acc"]))
    with bld.inside(loop.body):
        step = bld.add(CastOp(loop.induction_var, f64))
        bld.insert(YieldOp([bld.add(AddOp(loop.iter_args[0], step))]))

    spin = bld.insert(WhileOp([a], names=["n"]))
    with bld.inside(spin.before):
        bld.insert(ConditionOp(bld.add(GtOp(spin.before.args[0], one)), [spin.before.args[0]]))
    with bld.inside(spin.after):
        bld.insert(YieldOp([bld.add(ShrOp(spin.after.args[0], one))]))

    caught = bld.insert(TryOp([i64], result_names=["q"]))
    with bld.inside(caught.body):
        check = bld.insert(IfOp(bld.add(EqOp(b, bld.add(ConstantOp(0, i64))))))
        with bld.inside(check.then_block):
            bld.insert(LeaveOp(0, [one]))
            bld.insert(YieldOp([]))
        with bld.inside(check.else_block):
            bld.insert(YieldOp([]))
        bld.insert(YieldOp([bld.add(FloorDivOp(a, b))]))

    bld.add(TupleGetOp(bld.add(MakeOptionalOp(flag, angle)), 1))
    pair = bld.add(MakeTupleOp([spin.results[0], bld.add(AddOp(loop.results[0], bld.add(CastOp(caught.result, f64))))]))
    first = bld.add(TupleGetOp(pair, 0))
    second = bld.add(TupleGetOp(pair, 1))
    bld.insert(ReturnOp(bld.add(MakeTupleOp([first, second]))))
    return Module([helper, f, build_arrays(), build_vectors(), build_run_time(), build_whole_arrays(),
                   build_pointers(), build_local_lists()])


def build_run_time() -> FuncOp:
    """A function that uses every op reaching outside compiled code."""
    f = FuncOp("run_time", [f64, ArrayType(f64, 2, "A"), generator], f64, ["x", "a", "rng"])
    x, a, rng = f.args
    bld = Builder.at_end(f.body, HERE)
    bld.insert(PyCallOp("print#1", [x, a, bld.add(StrConstOp("abc"))], none))
    has, kept = bld.insert(TakeGaussOp()).results
    bld.insert(PutGaussOp(bld.add(SelectOp(has, kept, bld.add(RandomDrawOp("double"))))))
    bits = bld.add(RandomDrawOp("uint64"))
    bld.add(RandomDrawOp("uint32"))
    count = bld.add(RandomCallOp("random_poisson", [x], i64))
    normal = bld.add(RandomCallOp("random_standard_normal", [], f64, rng))
    x = bld.add(AddOp(normal, bld.add(RandomDrawOp("double", bld.add(GeneratorOp("Generator#3"))))))
    total = bld.add(AddOp(bld.add(PyCallOp("time.time#2", [], f64)), bld.add(CastOp(bits, f64))))
    total = bld.add(AddOp(bld.add(AddOp(total, bld.add(CastOp(count, f64)))), x))
    items = bld.add(PyCallOp("list#4", [x], ListType(f64)))
    total = bld.add(AddOp(total, bld.add(ListGetOp(items, bld.add(ListLenOp(items))))))
    empty = bld.add(PyCallOp("list#5", [], ListType(None)))
    bld.insert(PyCallOp("print#6", [bld.add(RetypeOp(empty, ListType(ListType(f64))))], none))
    bld.insert(ReturnOp(total))
    return f


def build_local_lists() -> FuncOp:
    """A function that uses every local list op: a list of pairs grown by one, read, stored
    into, shortened, made a CPython list, put in an order."""
    pair = TupleType((i64, f64))
    f = FuncOp("local_lists", [i64, f64], pair, ["i", "x"])
    i, x = f.args
    bld = Builder.at_end(f.body, HERE)
    pairs = bld.add(LocalListNewOp(LocalListType(pair), name="pairs"))
    append = bld.insert(LocalListAppendOp(pairs, bld.add(MakeTupleOp([i, x]))))
    Builder.at_end(append.add_region(Region()).block, HERE).insert(ArrayDecrefOp(pairs))
    last = bld.add(SubOp(bld.add(LocalListLenOp(pairs)), bld.add(ConstantOp(1, i64))))
    item = bld.add(LocalListGetOp(pairs, last))
    bld.insert(LocalListSetOp(pairs, last, item))
    bld.insert(LocalListPopOp(pairs))
    bld.add(LocalListBoxOp(pairs, ListType(pair)))
    order = bld.add(ArrayAllocOp(i64, [bld.add(LocalListLenOp(pairs))]))
    bld.insert(LocalListPermuteOp(pairs, order))
    bld.insert(ArrayDecrefOp(order))
    bld.insert(ArrayDecrefOp(pairs))
    bld.insert(ReturnOp(item))
    return f


def build_whole_arrays() -> FuncOp:
    """A function that uses every whole-array op: ``(m[1:, i] * 2.0 into m[0, :]).sum()``."""
    matrix = ArrayType(f64, 2, "C")
    f = FuncOp("whole_arrays", [matrix, i64], f64, ["m", "i"])
    m, i = f.args
    bld = Builder.at_end(f.body, HERE)
    one = bld.add(ConstantOp(1, i64))
    rows = bld.add(SubOp(bld.add(ArrayDimOp(m, 0)), one))
    column = bld.add(ArraySubviewOp(m, "si", [one, rows, one, i], ArrayType(f64, 1, "A"), name="column"))
    doubled = bld.insert(ArrayMapOp([rows], [column], f64, name="doubled"))
    with bld.inside(doubled.body):
        bld.insert(ArrayYieldOp([bld.add(MulOp(doubled.body.args[0], bld.add(ConstantOp(2.0, f64))))]))
    first = bld.add(ArraySubviewOp(m, "is", [bld.add(ConstantOp(0, i64)), bld.add(ConstantOp(0, i64)), rows, one],
                                   ArrayType(f64, 1, "C"), name="first"))
    store = bld.insert(ArrayMapOp([rows], [doubled.result], f64, out=first))
    with bld.inside(store.body):
        bld.insert(ArrayYieldOp([store.body.args[0]]))
    total = bld.insert(ArrayReduceOp([rows], [first], [bld.add(ConstantOp(0.0, f64))], names=["total"]))
    with bld.inside(total.body):
        bld.insert(ArrayYieldOp([bld.add(AddOp(*total.body.args))]))
    bld.add(ArrayBroadcastOp(first, [rows, rows]))
    flat = bld.add(ArrayReshapeOp(bld.add(ArrayTransposeOp(bld.add(ArrayTransposeOp(m, [1, 0])), [1, 0])), [rows]))
    bld.add(ArrayDimOp(flat, 0))
    bld.add(ArrayRestrideOp(column, [one, rows], [rows, bld.add(ConstantOp(8, i64))]))
    bld.add(ArrayPartOp(bld.add(ArrayAllocOp(c128, [rows])), "real"))
    product = bld.add(LinalgMatmulOp(m, bld.add(ArrayTransposeOp(m, [1, 0]))))
    bld.add(LinalgGesvOp(product, bld.add(ArrayAllocOp(f64, [rows, one]))))
    bld.add(LinalgLapackOp("dgetrf", [rows, rows, product, rows, bld.add(ArrayAllocOp(i64, [rows]))]))
    bld.insert(ReturnOp(total.results[0]))
    return f


def build_pointers() -> FuncOp:
    """A function that uses every pointer op (a C callback's argument viewed as an array)."""
    f = FuncOp("pointers", [PointerType(f64), i64], f64, ["xx", "n"])
    xx, n = f.args
    bld = Builder.at_end(f.body, HERE)
    view = bld.add(PointerArrayOp(xx, [n, n], ArrayType(f64, 2, "F"), name="x"))
    zero = bld.add(ConstantOp(0, i64))
    bld.insert(ReturnOp(bld.add(ArrayLoadOp(view, [zero, zero]))))
    return f


def build_vectors() -> FuncOp:
    """A function that uses every vector op."""
    line = ArrayType(f64, 1, "C")
    f = FuncOp("vectors", [line, line, i64], bool_, ["a", "b", "i"])
    a, b, i = f.args
    bld = Builder.at_end(f.body, HERE)
    loaded = bld.add(VectorLoadOp(a, i, 4))
    scaled = bld.add(MulOp(loaded, bld.add(VectorSplatOp(bld.add(ConstantOp(2.0, f64)), 4))))
    bld.insert(VectorStoreOp(b, i, scaled))
    smallest = bld.add(VectorReduceOp(bld.add(SelectOp(bld.add(LtOp(loaded, scaled)), loaded, scaled)), "min"))
    positive = bld.add(GtOp(smallest, bld.add(ConstantOp(0.0, f64))))
    bld.insert(ReturnOp(bld.add(AndOp(positive, bld.add(ArrayOverlapOp(a, b))))))
    return f


def build_arrays() -> FuncOp:
    """A function that uses every array op."""
    matrix = ArrayType(f64, 2, "C")
    f = FuncOp("arrays", [matrix, i64], TupleType((ArrayType(f64, 1, "C"), matrix)), ["m", "i"])
    m, i = f.args
    bld = Builder.at_end(f.body, HERE)
    n = bld.add(ArrayDimOp(m, 1, name="n"))
    bld.add(ArrayStrideOp(m, 0, name="row_bytes"))
    value = bld.add(ArrayLoadOp(m, [i, n], name="x"))
    bld.insert(ArrayStoreOp(m, [n, i], value))
    row = bld.add(ArrayViewOp(m, i, name="row"))
    bld.insert(ArrayIncrefOp(row))
    new = bld.add(ArrayAllocOp(f64, [n, i], name="new"))
    bld.insert(ArrayIncrefOp(new))
    bld.insert(ArrayDecrefOp(new))
    zero, one = bld.add(ConstantOp(0, i64)), bld.add(ConstantOp(1, i64))
    loop = bld.insert(ParallelForOp(zero, n, one, [value], ["add"], names=["total"]))
    with bld.inside(loop.body):
        bld.insert(YieldOp([bld.add(AddOp(loop.iter_args[0], value))]))
    placeholder = bld.add(ArrayUndefOp(matrix, name="unbound"))
    bld.add(ArrayGlobalOp("array#1", ArrayType(f64, 2, "C", True), name="table"))
    bld.insert(ReturnOp(bld.add(MakeTupleOp([row, bld.add(SelectOp(bld.add(NotOp(bld.add(EqOp(n, i)))),
                                                                    new, placeholder))]))))
    return f


def test_builder_covers_every_op_class():
    module = build_everything()
    verify(module)
    built = {type(op) for op in module.walk()}
    builtin = {cls for cls in OP_REGISTRY.values() if cls.__module__.startswith("ir.ops.")}
    assert builtin - built == set()


def test_builder_fills_in_location_and_results():
    module = build_everything()
    func = module["everything"]
    assert all(op.loc == HERE for op in func.body.ops)
    assert func.loc is None
    const = func.body.ops[0]
    assert isinstance(const, ConstantOp) and const.value == 1 and const.result.name_hint == "one"
    assert const.result.owner is const and func.args[0].owner is func.body


def test_builder_insertion_points():
    f = FuncOp("f", [i64], i64, ["a"])
    bld = Builder.at_end(f.body)
    ret = bld.insert(ReturnOp(f.args[0]))
    before = Builder.before(ret, loc=HERE)
    c1 = before.add(ConstantOp(1, i64, name="c1"))
    c2 = before.add(ConstantOp(2, i64, name="c2"))
    with before.at(Location("other.py", 9)):
        c3 = before.add(ConstantOp(3, i64, name="c3"))
    c4 = before.add(ConstantOp(4, i64, name="c4"))
    assert [op.results[0] if op.results else op for op in f.body.ops] == [c1, c2, c3, c4, ret]
    assert [op.loc for op in f.body.ops] == [HERE, HERE, Location("other.py", 9), HERE, None]
    with pytest.raises(RuntimeError):
        Builder().insert(ConstantOp(1, i64))
    with pytest.raises(VerificationError, match="already in a block"):
        f.body.append(ret)


def test_op_structure_helpers():
    module = build_everything()
    func = module["everything"]
    loop = next(op for op in func.walk() if isinstance(op, ForOp))
    inner = loop.body.ops[0]
    assert inner.parent is loop.body and inner.parent_op is loop and loop.parent_op is func
    assert func.is_ancestor_of(inner) and loop.is_ancestor_of(inner) and not inner.is_ancestor_of(loop)
    assert loop.body.terminator is loop.body.ops[-1] and isinstance(loop.body.terminator, YieldOp)
    assert loop.body.parent_op is loop
    assert func.body.index_of(loop) == func.body.ops.index(loop)
    assert AddOp.has_trait(Commutative) and not SubOp.has_trait(Commutative)
    assert ConstantOp.has_trait(ConstantLike) and RaiseIfOp.has_trait(MayRaise)
    assert ReturnOp.has_trait(Terminator) and AddOp(func.args[0], func.args[0]).is_pure
    assert not CallOp("f", [], none).is_pure
    with pytest.raises(VerificationError, match="has 0 results, not 1"):
        _ = func.body.ops[-1].result


def test_walk_is_preorder_program_order():
    f = FuncOp("f", [bool_], none, ["c"])
    bld = Builder.at_end(f.body)
    outer = bld.insert(IfOp(f.args[0]))
    with bld.inside(outer.then_block):
        a = bld.insert(ConstantOp(1, i64, name="a"))
        inner = bld.insert(IfOp(f.args[0]))
        with bld.inside(inner.then_block):
            b = bld.insert(ConstantOp(2, i64, name="b"))
            y1 = bld.insert(YieldOp())
        with bld.inside(inner.else_block):
            y2 = bld.insert(YieldOp())
        y3 = bld.insert(YieldOp())
    with bld.inside(outer.else_block):
        c = bld.insert(ConstantOp(3, i64, name="c"))
        y4 = bld.insert(YieldOp())
    ret = bld.insert(ReturnOp())
    assert list(f.walk()) == [f, outer, a, inner, b, y1, y2, y3, c, y4, ret]
    assert list(outer.walk()) == [outer, a, inner, b, y1, y2, y3, c, y4]
    assert list(Module([f]).walk()) == list(f.walk())
    assert list(outer.regions[1].walk()) == [c, y4]


def _func_with_adds():
    f = FuncOp("f", [i64, i64], i64, ["a", "b"])
    bld = Builder.at_end(f.body)
    s = bld.add(AddOp(f.args[0], f.args[1], name="s"))
    t = bld.add(MulOp(s, s, name="t"))
    ret = bld.insert(ReturnOp(t))
    return f, s, t, ret


def test_use_lists_track_operands():
    f, s, t, ret = _func_with_adds()
    a, b = f.args
    mul = t.owner
    assert a.uses == [(s.owner, 0)] and b.uses == [(s.owner, 1)]
    assert s.uses == [(mul, 0), (mul, 1)] and s.has_uses
    assert t.uses == [(ret, 0)]
    mul.set_operand(1, a)
    assert s.uses == [(mul, 0)] and (mul, 1) in a.uses and mul.operands == (s, a)
    verify(Module([f]))


def test_replace_all_uses_with():
    f, s, t, ret = _func_with_adds()
    a = f.args[0]
    s.replace_all_uses_with(a)
    assert not s.has_uses
    assert t.owner.operands == (a, a)
    assert sorted(i for _, i in a.uses) == [0, 0, 1]
    s.owner.erase()
    assert f.args[1].uses == [] and s.owner.parent is None
    verify(Module([f]))
    assert "add" not in print_function(f)


def test_erase_refuses_values_with_uses_and_drops_operand_uses():
    f, s, t, ret = _func_with_adds()
    with pytest.raises(VerificationError, match="still has uses"):
        s.owner.erase()
    ret.erase()
    t.owner.erase()
    assert s.uses == [] and [op.name for op in f.body.ops] == ["add"]


def test_erase_drops_uses_inside_regions():
    f = FuncOp("f", [bool_, i64], none, ["c", "n"])
    bld = Builder.at_end(f.body)
    branch = bld.insert(IfOp(f.args[0]))
    with bld.inside(branch.then_block):
        bld.add(NegOp(f.args[1]))
        bld.insert(YieldOp())
    with bld.inside(branch.else_block):
        bld.insert(YieldOp())
    bld.insert(ReturnOp())
    assert f.args[1].has_uses and f.args[0].has_uses
    branch.erase()
    assert not f.args[1].has_uses and not f.args[0].has_uses


def test_detach_move_and_operand_lists():
    f, s, t, ret = _func_with_adds()
    mul = t.owner
    mul.move_before(s.owner)
    assert f.body.ops[0] is mul
    mul.move_before(ret)
    assert f.body.ops == [s.owner, mul, ret]
    mul.set_operands([f.args[0], f.args[1]])
    assert s.uses == [] and mul.operands == tuple(f.args)
    mul.drop_operands()
    assert mul.operands == () and f.args[0].uses == [(s.owner, 0)]
    with pytest.raises(VerificationError, match="not an IR value"):
        mul.add_operand(3)


def test_erase_result_and_block_argument():
    f = FuncOp("f", [i64], i64, ["a"])
    bld = Builder.at_end(f.body)
    zero = bld.add(ConstantOp(0, i64))
    loop = bld.insert(ForOp(zero, f.args[0], zero, [zero, f.args[0]], names=["p", "q"]))
    with bld.inside(loop.body):
        bld.insert(YieldOp(loop.iter_args))
    bld.insert(ReturnOp(loop.results[1]))
    with pytest.raises(VerificationError, match="it has uses"):
        loop.erase_result(1)
    with pytest.raises(VerificationError, match="still has uses"):
        loop.body.erase_arg(1)
    loop.erase_result(0)
    assert [r.index for r in loop.results] == [0] and loop.results[0].name_hint == "q"
    term = loop.body.terminator
    term.set_operands([loop.iter_args[1]])
    loop.body.erase_arg(1)
    loop.set_operands([zero, f.args[0], zero, f.args[0]])
    assert [a.index for a in loop.body.args] == [0, 1] and loop.body.args[1].name_hint == "q"
    verify(Module([f]))
    extra = loop.body.add_arg(f64, "extra")
    assert extra.index == 2 and extra.block is loop.body


# ----------------------------------------------------------------- evaluate
I64_MIN, I64_MAX = i64.min, i64.max


@pytest.mark.parametrize("cls, a, b, t, expected", [
    (FloorDivOp, -7, 2, i64, -4),
    (FloorDivOp, 7, -2, i64, -4),
    (FloorDivOp, -7, -2, i64, 3),
    (FloorDivOp, I64_MIN, -1, i64, I64_MIN),  # the one overflowing quotient wraps
    (FloorDivOp, -7.0, 2.0, f64, -4.0),
    (ModOp, -7, 2, i64, 1),
    (ModOp, 7, -2, i64, -1),
    (ModOp, -7.5, 2.0, f64, 0.5),
    (ModOp, 7.0, -inf, f64, -inf),
    (AddOp, I64_MAX, 1, i64, I64_MIN),
    (AddOp, I64_MIN, -1, i64, I64_MAX),
    (AddOp, 200, 100, u8, 44),
    (AddOp, 127, 1, i8, -128),
    (SubOp, 0, 1, u64, 2**64 - 1),
    (SubOp, -128, 1, i8, 127),
    (MulOp, 2**62, 4, i64, 0),
    (MulOp, I64_MAX, I64_MAX, i64, 1),
    (MulOp, 1.5, 2.0, f64, 3.0),
    (MulOp, 1j, 1j, c128, -1 + 0j),
    (DivOp, 1.0, 4.0, f64, 0.25),
    (DivOp, 1 + 1j, 2j, c128, 0.5 - 0.5j),
    (PowOp, 3, 4, i64, 81),
    (PowOp, 3, 41, i64, i64.wrap(3**41)),
    (PowOp, 2, 64, i64, 0),
    (PowOp, 2, 0, i64, 1),
    (PowOp, 2.0, -1.0, f64, 0.5),
    (PowOp, 2j, 2j, c128, (2j) ** (2j)),
    (AndOp, 0b1100, 0b1010, i64, 0b1000),
    (AndOp, True, False, bool_, False),
    (OrOp, 0b1100, 0b1010, i64, 0b1110),
    (OrOp, True, False, bool_, True),
    (XorOp, 0b1100, 0b1010, i64, 0b0110),
    (XorOp, True, True, bool_, False),
    (XorOp, -1, 5, u8, 250),
    (ShlOp, 1, 3, i64, 8),
    (ShlOp, 1, 63, i64, I64_MIN),
    (ShlOp, 1, 64, i64, 0),
    (ShlOp, 3, 65, i64, 0),
    (ShlOp, -1, 1000, i64, 0),
    (ShlOp, 1, 7, i8, -128),
    (ShlOp, 1, 8, u8, 0),
    (ShrOp, -8, 1, i64, -4),
    (ShrOp, -8, 64, i64, -1),
    (ShrOp, -8, 10**6, i64, -1),
    (ShrOp, 8, 64, i64, 0),
    (ShrOp, I64_MAX, 62, i64, 1),
    (MinOp, 3, -2, i64, -2),
    (MinOp, 1.0, 2.0, f64, 1.0),
    (MinOp, True, False, bool_, False),
    (MaxOp, 3, -2, i64, 3),
    (MaxOp, -0.0, 0.0, f64, -0.0),  # ties keep the first, like Python's max
    (MinOp, 1.0, nan, f64, 1.0),
    (MaxOp, 1.0, nan, f64, 1.0),
])
def test_binary_evaluate(cls, a, b, t, expected):
    result = cls.evaluate(a, b, t)
    assert result == expected and type(result) is type(expected)
    if isinstance(expected, float):
        assert math.copysign(1, result) == math.copysign(1, expected)


@pytest.mark.parametrize("cls", [MinOp, MaxOp])
def test_min_max_nan_first_sticks(cls):
    assert math.isnan(cls.evaluate(nan, 1.0, f64))
    assert math.isnan(cls.evaluate(nan, nan, f64))
    assert cls.evaluate(1.0, nan, f64) == 1.0


@pytest.mark.parametrize("a", [nan, -inf, -1.0, -0.0, 0.0, 2.5, inf])
@pytest.mark.parametrize("b", [nan, -inf, -1.0, -0.0, 0.0, 2.5, inf])
def test_min_max_match_python(a, b):
    for cls, py in ((MinOp, min), (MaxOp, max)):
        got, want = cls.evaluate(a, b, f64), py(a, b)
        assert repr(got) == repr(want)


@pytest.mark.parametrize("cls, a, b, t", [
    (PowOp, 2, -1, i64),
    (PowOp, -8.0, 1 / 3, f64),
    (ShlOp, 1, -1, i64),
    (ShrOp, 1, -1, i64),
])
def test_binary_evaluate_undefined(cls, a, b, t):
    with pytest.raises((ArithmeticError, ValueError)):
        cls.evaluate(a, b, t)


def test_division_by_zero_is_left_to_the_frontend():
    for cls in (FloorDivOp, ModOp):
        with pytest.raises(ZeroDivisionError):
            cls.evaluate(1, 0, i64)
    with pytest.raises(ZeroDivisionError):
        DivOp.evaluate(1.0, 0.0, f64)


small_ints = st.integers(i64.min, i64.max)


@given(small_ints, small_ints)
def test_integer_ops_wrap_like_python(a, b):
    assert AddOp.evaluate(a, b, i64) == i64.wrap(a + b)
    assert SubOp.evaluate(a, b, i64) == i64.wrap(a - b)
    assert MulOp.evaluate(a, b, i64) == i64.wrap(a * b)
    assert AndOp.evaluate(a, b, i64) == a & b
    assert OrOp.evaluate(a, b, i64) == a | b
    assert XorOp.evaluate(a, b, i64) == a ^ b
    assert MinOp.evaluate(a, b, i64) == min(a, b)
    assert MaxOp.evaluate(a, b, i64) == max(a, b)
    if b != 0:
        assert FloorDivOp.evaluate(a, b, i64) == i64.wrap(a // b)
        assert ModOp.evaluate(a, b, i64) == a % b
    for cls, py in ((EqOp, operator.eq), (NeOp, operator.ne), (LtOp, operator.lt),
                    (LeOp, operator.le), (GtOp, operator.gt), (GeOp, operator.ge)):
        assert cls.evaluate(a, b, i64) is py(a, b)


@given(small_ints, st.integers(0, 200))
def test_shifts_match_unbounded_python_ints_after_wrapping(a, n):
    assert ShlOp.evaluate(a, n, i64) == i64.wrap(a << n)
    assert ShrOp.evaluate(a, n, i64) == a >> n


@given(st.floats(), st.floats())
def test_float_ops_match_python(a, b):
    assert repr(AddOp.evaluate(a, b, f64)) == repr(a + b)
    assert repr(MulOp.evaluate(a, b, f64)) == repr(a * b)
    for cls, py in ((EqOp, operator.eq), (NeOp, operator.ne), (LtOp, operator.lt),
                    (LeOp, operator.le), (GtOp, operator.gt), (GeOp, operator.ge)):
        assert cls.evaluate(a, b, f64) is py(a, b)


@pytest.mark.parametrize("cls", [EqOp, LtOp, LeOp, GtOp, GeOp])
def test_comparisons_with_nan_are_false(cls):
    assert cls.evaluate(nan, nan, f64) is False
    assert cls.evaluate(nan, 1.0, f64) is False
    assert cls.evaluate(1.0, nan, f64) is False


def test_ne_with_nan_is_true_and_complex_equality():
    assert NeOp.evaluate(nan, nan, f64) is True
    assert EqOp.evaluate(1 + 2j, 1 + 2j, c128) is True
    assert NeOp.evaluate(1 + 2j, 1 - 2j, c128) is True


@pytest.mark.parametrize("cls, a, t, expected", [
    (NegOp, 5, i64, -5),
    (NegOp, I64_MIN, i64, I64_MIN),
    (NegOp, 1, u8, 255),
    (NegOp, 0.0, f64, -0.0),
    (NegOp, 1 - 2j, c128, -1 + 2j),
    (NotOp, True, bool_, False),
    (NotOp, False, bool_, True),
    (InvertOp, 5, i64, -6),
    (InvertOp, 0, u8, 255),
    (InvertOp, -1, i8, 0),
])
def test_unary_evaluate(cls, a, t, expected):
    result = cls.evaluate(a, t)
    assert result == expected and type(result) is type(expected)
    if isinstance(expected, float):
        assert math.copysign(1, result) == math.copysign(1, expected)


@pytest.mark.parametrize("a, t, expected", [
    (300, i8, 44),
    (-1, u64, 2**64 - 1),
    (2.9, i64, 2),
    (-2.9, i64, -2),
    (255.9, u8, 255),
    (0.1, f32, float(np.float32(0.1))),
    (16777217, f32, 16777216.0),
    (3, f64, 3.0),
    (True, i64, 1),
    (0, bool_, False),
    (-0.0, bool_, False),
    (nan, bool_, True),
    (0j, bool_, False),
    (2, c128, 2 + 0j),
    (1.5, c64, 1.5 + 0j),
    (0.1 + 0.1j, c64, complex(np.complex64(0.1 + 0.1j))),
])
def test_cast_evaluate(a, t, expected):
    result = CastOp.evaluate(a, t)
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize("a, t", [(256.0, u8), (-1.0, u8), (1e19, i64), (-129.5, i8)])
def test_cast_out_of_range_float_to_int_raises(a, t):
    with pytest.raises(OverflowError):
        CastOp.evaluate(a, t)


@pytest.mark.parametrize("a, t", [(nan, i64), (inf, i64), (-inf, u8)])
def test_cast_of_non_finite_float_to_int_is_undefined(a, t):
    with pytest.raises((ArithmeticError, ValueError)):
        CastOp.evaluate(a, t)


def test_convert_scalar():
    assert convert_scalar(2**64 + 3, i64) == 3
    assert convert_scalar(7, none) is None
    with pytest.raises(TypeError):
        convert_scalar(1, TupleType(()))


def _operand(t):
    return FuncOp("f", [t, t], none).args[0]


@pytest.mark.parametrize("fn, a, expected", [
    ("sqrt", 4.0, 2.0), ("sqrt", -1.0, nan), ("exp", 1000.0, inf), ("log", 0.0, -inf), ("log", -1.0, nan), ("ceil", -0.5, -0.0),
    ("log", 1.0, 0.0), ("floor", -1.5, -2.0), ("floor", inf, inf), ("ceil", -1.5, -1.0),
    ("trunc", -1.5, -1.0), ("rint", 2.5, 2.0), ("rint", 3.5, 4.0), ("fabs", -0.0, 0.0),
    ("gamma", 5.0, 24.0), ("atanh", 2.0, nan),
])
def test_math_evaluate(fn, a, expected):
    op = MathOp(fn, _operand(f64))
    result = op.evaluate(a, f64)
    assert repr(result) == repr(expected)


@pytest.mark.parametrize("fn, a, b, expected", [
    ("atan2", 0.0, -1.0, math.pi), ("hypot", 3.0, 4.0, 5.0), ("copysign", 1.0, -0.0, -1.0),
    ("fmod", -7.0, 2.0, -1.0), ("fmod", 1.0, 0.0, nan), ("pow", 10.0, 400.0, inf),
    ("pow", -8.0, 1 / 3, nan),
])
def test_math2_evaluate(fn, a, b, expected):
    op = Math2Op(fn, _operand(f64), _operand(f64))
    assert repr(op.evaluate(a, b, f64)) == repr(expected)


@pytest.mark.parametrize("fn, a, expected", [
    ("isnan", nan, True), ("isnan", 1.0, False), ("isinf", -inf, True), ("isinf", 1.0, False),
    ("isfinite", 1.0, True), ("isfinite", nan, False), ("isnan", complex(0, nan), True),
    ("isinf", complex(inf, 0), True), ("isfinite", 1 + 1j, True),
])
def test_float_test_evaluate(fn, a, expected):
    op = FloatTestOp(fn, _operand(c128 if isinstance(a, complex) else f64))
    assert op.evaluate(a, bool_) is expected


def test_op_constructors_infer_result_types():
    a, c = _operand(i32), _operand(bool_)
    assert AddOp(a, a).result.type == i32
    assert LtOp(a, a).result.type == bool_
    assert CastOp(a, f32).result.type == f32
    assert SelectOp(c, a, a).result.type == i32
    assert MakeTupleOp([a, c]).result.type == TupleType((i32, bool_))
    assert TupleGetOp(MakeTupleOp([a, c]).result, 1).result.type == bool_
    assert CallOp("g", [a], none).results == [] and CallOp("g", [a], c64).result.type == c64
    loop = ForOp(_operand(i64), _operand(i64), _operand(i64), [a, c])
    assert [t.type for t in loop.body.args] == [i64, i32, bool_]
    assert [r.type for r in loop.results] == [i32, bool_]
    spin = WhileOp([a])
    assert [x.type for x in spin.before.args] == [x.type for x in spin.after.args] == [i32]
    raise_if = RaiseIfOp(c, "IndexError", "index {} out of range", (a,))
    assert raise_if.cond is c and raise_if.args == (a,)


@pytest.mark.parametrize("value, to, bits", [
    (1.5, i64, 4609434218613702656), (-0.0, i64, -2 ** 63), (2 ** 64 - 1, f64, None), (-1, f64, None),
    (4609434218613702656, f64, 1.5), (1.5, u64, 4609434218613702656),
])
def test_bitcast_evaluates_the_bits(value, to, bits):
    """Folding reads the bits as NumPy's ``view`` does (all ones: a NaN)."""
    got = BitcastOp.evaluate(value, to)
    assert math.isnan(got) if bits is None else got == bits


def test_bitcast_needs_one_width():
    f = FuncOp("narrowing", [f64], none, ["x"])
    with pytest.raises(VerificationError, match="of one width"):
        BitcastOp(f.args[0], i32).verify_()


def test_restride_takes_an_extent_and_a_byte_stride_per_axis():
    """``array.restride``: an array, then i64 extents and as many i64 byte strides; its
    result is a layout-A array of that many axes."""
    f = FuncOp("restrided", [ArrayType(f64, 2, "F"), i64, f64], none, ["a", "n", "x"])
    a, n, x = f.args
    bld = Builder.at_end(f.body, HERE)
    good = bld.add(ArrayRestrideOp(a, [n], [n]))
    assert good.type == ArrayType(f64, 1, "A")
    bld.insert(ReturnOp(None))
    verify(Module([f]))
    for extents, strides, words in (([n, n], [n], "as many i64 extents as i64 byte strides"),
                                    ([n], [x], "as many i64 extents as i64 byte strides")):
        with pytest.raises(VerificationError, match=words):
            ArrayRestrideOp(a, extents, strides).verify_()
