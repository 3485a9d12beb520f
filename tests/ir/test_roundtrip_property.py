"""Random valid modules, built with the builder, print -> parse -> print identically.

The strategy makes functions that call each other, with nested ``if``,
``for`` and ``while`` carrying values, constants of every scalar type
(edge values included), every kind of op, locations, extra function
attributes, and name hints that collide (``x``, ``x.1``, ...) or that the
printer cannot use (``1st``, ``café``) so it numbers those values.
"""
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ir import Builder, Module, verify
from ir.diagnostics import Location
from ir.ops.arith import (
    BINARY_OPS, COMPARE_OPS, CastOp, ConstantOp, InvertOp, NegOp, NotOp, RaiseIfOp, SelectOp,
)
from ir.ops.control import ConditionOp, ForOp, IfOp, WhileOp, YieldOp
from ir.ops.func import CallOp, FuncOp, ReturnOp
from ir.ops.math import BINARY_MATH, FLOAT_TESTS, UNARY_MATH, Math2Op, MathOp, FloatTestOp
from ir.ops.tuple import MakeTupleOp, TupleGetOp
from ir.parser import parse_module
from ir.printer import print_module
from ir.types import (
    SCALAR_TYPES, ArrayType, BoolType, ComplexType, FloatType, IntType, NoneType, TupleType,
    VectorType, bool_, f64, i64, none,
)

SCALARS = list(SCALAR_TYPES.values())
FLOATS = [t for t in SCALARS if isinstance(t, FloatType)]
MAX_DEPTH = 3

HINTS = st.sampled_from([None, None, "x", "x", "x.1", "acc", "acc", "acc.2", "i", "a.b", "_", "t.",
                         "1st", "caf\u00e9", ""])
LOCATIONS = st.one_of(
    st.none(),
    st.builds(Location, st.sampled_from(["prog.py", "dir/\u00fcn\u00efc\u00f6de \"q\" \\.py", "<string>"]),
              st.integers(1, 10_000), st.integers(0, 120)),
)
FLOAT_EDGES = [0.0, -0.0, math.nan, math.inf, -math.inf, 5e-324, 1.7976931348623157e308, 1e16, 0.1, -1.5]
ATTRIBUTES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.complex_numbers(), st.text(max_size=8),
              st.sampled_from(SCALARS + [none, TupleType(()), ArrayType(f64, 2, "C", True)])),
    lambda children: st.lists(children, max_size=3),
    max_leaves=6,
)
ARG_TYPES = st.one_of(
    st.sampled_from(SCALARS),
    st.builds(lambda ts: TupleType(tuple(ts)), st.lists(st.sampled_from(SCALARS), max_size=3)),
    st.builds(ArrayType, st.sampled_from(SCALARS), st.integers(0, 4), st.sampled_from("CFA"), st.booleans()),
    st.builds(VectorType, st.sampled_from(SCALARS), st.sampled_from([2, 4, 8])),
)
RESULT_TYPES = st.one_of(
    st.sampled_from(SCALARS + [none]),
    st.builds(lambda ts: TupleType(tuple(ts)), st.lists(st.sampled_from(SCALARS), max_size=3)),
)


def constant_values(t):
    """Values a ``const`` of scalar type ``t`` may hold, edges first."""
    if isinstance(t, BoolType):
        return st.booleans()
    if isinstance(t, IntType):
        edges = [t.min, t.max, 0, 1, t.min + 1, t.max - 1]
        return st.one_of(st.sampled_from(edges), st.integers(t.min, t.max))
    if isinstance(t, FloatType):
        return st.one_of(st.sampled_from(FLOAT_EDGES), st.floats(width=t.bits))
    if isinstance(t, ComplexType):
        parts = st.one_of(st.sampled_from(FLOAT_EDGES), st.floats(width=t.bits // 2))
        return st.builds(complex, parts, parts)
    assert isinstance(t, NoneType)
    return st.none()


class FunctionGenerator:
    """Fills function bodies with random valid ops, drawing every choice."""

    def __init__(self, draw, module: Module):
        self.draw = draw
        self.module = module

    def insert(self, b: Builder, op):
        op.loc = self.draw(LOCATIONS)
        return b.insert(op)

    def add(self, b: Builder, op):
        return self.insert(b, op).result

    def value(self, b: Builder, scope: list, t):
        """A value of type ``t``: one in scope, or a new constant or tuple;
        ``None`` when there is none in scope and ``t`` cannot be made (arrays)."""
        candidates = [v for v in scope if v.type == t]
        makeable = t.is_scalar or isinstance(t, (NoneType, TupleType))
        if candidates and (not makeable or self.draw(st.booleans())):
            return self.draw(st.sampled_from(candidates))
        if not makeable:
            return None
        if isinstance(t, TupleType):
            elements = [self.value(b, scope, e) for e in t.elements]
            v = self.add(b, MakeTupleOp(elements, name=self.draw(HINTS)))
        else:
            v = self.add(b, ConstantOp(self.draw(constant_values(t)), t, name=self.draw(HINTS)))
        scope.append(v)
        return v

    def scalar_type(self, kinds=(BoolType, IntType, FloatType, ComplexType)):
        return self.draw(st.sampled_from([t for t in SCALARS if isinstance(t, kinds)]))

    def body(self, b: Builder, scope: list, depth: int) -> None:
        kinds = ["binary", "compare", "unary", "cast", "select", "math", "tuple", "raise_if", "call", "const"]
        if depth < MAX_DEPTH:
            kinds += ["if", "for", "while"]
        for _ in range(self.draw(st.integers(0, 5 if depth == 0 else 3))):
            getattr(self, "gen_" + self.draw(st.sampled_from(kinds)))(b, scope, depth)

    # -- one generator per kind of op
    def gen_const(self, b, scope, depth):
        t = self.draw(st.sampled_from(SCALARS + [none]))
        scope.append(self.add(b, ConstantOp(self.draw(constant_values(t)), t, name=self.draw(HINTS))))

    def gen_binary(self, b, scope, depth):
        cls = self.draw(st.sampled_from(list(BINARY_OPS.values())))
        t = self.scalar_type(cls.kinds)
        lhs, rhs = self.value(b, scope, t), self.value(b, scope, t)
        scope.append(self.add(b, cls(lhs, rhs, name=self.draw(HINTS))))

    def gen_compare(self, b, scope, depth):
        cls = self.draw(st.sampled_from(list(COMPARE_OPS.values())))
        t = self.scalar_type(cls.kinds)
        lhs, rhs = self.value(b, scope, t), self.value(b, scope, t)
        scope.append(self.add(b, cls(lhs, rhs, name=self.draw(HINTS))))

    def gen_unary(self, b, scope, depth):
        cls = self.draw(st.sampled_from([NegOp, NotOp, InvertOp]))
        operand = self.value(b, scope, self.scalar_type(cls.kinds))
        scope.append(self.add(b, cls(operand, name=self.draw(HINTS))))

    def gen_cast(self, b, scope, depth):
        src = self.scalar_type()
        dst = self.scalar_type((BoolType, ComplexType) if isinstance(src, ComplexType) else
                               (BoolType, IntType, FloatType, ComplexType))
        scope.append(self.add(b, CastOp(self.value(b, scope, src), dst, name=self.draw(HINTS))))

    def gen_select(self, b, scope, depth):
        t = self.draw(st.sampled_from(SCALARS))
        cond = self.value(b, scope, bool_)
        a, c = self.value(b, scope, t), self.value(b, scope, t)
        scope.append(self.add(b, SelectOp(cond, a, c, name=self.draw(HINTS))))

    def gen_math(self, b, scope, depth):
        t = self.draw(st.sampled_from(FLOATS))
        x = self.value(b, scope, t)
        which = self.draw(st.integers(0, 2))
        if which == 0:
            op = MathOp(self.draw(st.sampled_from(sorted(UNARY_MATH))), x, name=self.draw(HINTS))
        elif which == 1:
            op = Math2Op(self.draw(st.sampled_from(sorted(BINARY_MATH))), x, self.value(b, scope, t),
                         name=self.draw(HINTS))
        else:
            tested = self.value(b, scope, self.scalar_type((FloatType, ComplexType)))
            op = FloatTestOp(self.draw(st.sampled_from(sorted(FLOAT_TESTS))), tested, name=self.draw(HINTS))
        scope.append(self.add(b, op))

    def gen_tuple(self, b, scope, depth):
        types = self.draw(st.lists(st.sampled_from(SCALARS), max_size=3))
        tup = self.value(b, scope, TupleType(tuple(types)))
        if types:
            index = self.draw(st.integers(0, len(types) - 1))
            scope.append(self.add(b, TupleGetOp(tup, index, name=self.draw(HINTS))))

    def gen_raise_if(self, b, scope, depth):
        cond = self.value(b, scope, bool_)
        args = [self.value(b, scope, self.scalar_type((BoolType, IntType, FloatType)))
                for _ in range(self.draw(st.integers(0, 2)))]
        exception = self.draw(st.sampled_from(["ValueError", "IndexError", "ZeroDivisionError"]))
        self.insert(b, RaiseIfOp(cond, exception, self.draw(st.text(max_size=12)), tuple(args)))

    def gen_call(self, b, scope, depth):
        callee = self.draw(st.sampled_from(list(self.module)))
        args = [self.value(b, scope, t) for t in callee.arg_types]
        if any(a is None for a in args):
            return
        call = self.insert(b, CallOp(callee.sym_name, args, callee.result_type, name=self.draw(HINTS)))
        scope.extend(call.results)

    def carried(self, b, scope):
        """Initial values (and their types) for a loop's carried values."""
        types = self.draw(st.lists(st.sampled_from(SCALARS), max_size=2))
        return [self.value(b, scope, t) for t in types], types

    def region(self, b, block, scope, depth, terminate):
        """Fill ``block`` (seeing ``scope`` and its arguments); ``terminate``
        builds the terminator from the block's scope."""
        inner = [*scope, *block.args]
        with b.inside(block):
            self.body(b, inner, depth + 1)
            self.insert(b, terminate(inner))

    def gen_if(self, b, scope, depth):
        cond = self.value(b, scope, bool_)
        types = self.draw(st.lists(st.sampled_from(SCALARS), max_size=2))
        names = [self.draw(HINTS) for _ in types]
        op = self.insert(b, IfOp(cond, types, result_names=names))
        for block in (op.then_block, op.else_block):
            self.region(b, block, scope, depth, lambda inner: YieldOp([self.value(b, inner, t) for t in types]))
        scope.extend(op.results)

    def gen_for(self, b, scope, depth):
        bounds = [self.value(b, scope, i64) for _ in range(3)]
        inits, types = self.carried(b, scope)
        op = self.insert(b, ForOp(*bounds, inits, iv_name=self.draw(HINTS), names=[self.draw(HINTS) for _ in inits]))
        self.region(b, op.body, scope, depth, lambda inner: YieldOp([self.value(b, inner, t) for t in types]))
        scope.extend(op.results)

    def gen_while(self, b, scope, depth):
        inits, types = self.carried(b, scope)
        op = self.insert(b, WhileOp(inits, names=[self.draw(HINTS) for _ in inits]))
        self.region(b, op.before, scope, depth, lambda inner: ConditionOp(
            self.value(b, inner, bool_), [self.value(b, inner, t) for t in types]))
        self.region(b, op.after, scope, depth, lambda inner: YieldOp([self.value(b, inner, t) for t in types]))
        scope.extend(op.results)

    def function(self, func: FuncOp) -> None:
        b = Builder.at_end(func.body)
        scope = list(func.args)
        self.body(b, scope, 0)
        rt = func.result_type
        self.insert(b, ReturnOp(None if isinstance(rt, NoneType) else self.value(b, scope, rt)))


@st.composite
def modules(draw) -> Module:
    module = Module()
    for _ in range(draw(st.integers(1, 3))):
        name = module.unique_name(draw(st.sampled_from(["f", "f", "main", "f.1", "g<locals>", "two words"])))
        arg_types = draw(st.lists(ARG_TYPES, max_size=3))
        func = FuncOp(name, arg_types, draw(RESULT_TYPES), [draw(HINTS) for _ in arg_types],
                      loc=draw(LOCATIONS))
        for key in draw(st.lists(st.sampled_from(["inline", "x.y", "with space", "tags"]), max_size=2, unique=True)):
            func.attributes[key] = draw(ATTRIBUTES)
        module.add(func)
    generator = FunctionGenerator(draw, module)
    for func in module:
        generator.function(func)
    return module


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(modules())
def test_print_parse_print_is_identity(module):
    verify(module)
    text = print_module(module, with_locations=True)
    parsed = parse_module(text)
    verify(parsed)
    assert print_module(parsed, with_locations=True) == text
    assert print_module(parsed) == print_module(module)
    assert [f.sym_name for f in parsed] == [f.sym_name for f in module]
    assert sum(1 for _ in parsed.walk()) == sum(1 for _ in module.walk())
