"""The verifier: one test per rule of ``ir/verifier.py`` and per op ``verify_`` failure.

Every failure is a ``VerificationError`` whose message names the function,
states the rule, and shows the printed function with the faulty op's line
marked ``>>``.  Most invalid IR is written as text (the parser does not
verify); what text cannot express (broken links, dominance) is built.
"""
import pytest

from ir import Builder, Module, VerificationError, verify, verify_function
from ir.diagnostics import Location
from ir.ops.arith import AddOp, ConstantOp, NegOp
from ir.ops.control import ConditionOp, IfOp, YieldOp
from ir.ops.func import FuncOp, ReturnOp
from ir.parser import parse_module
from ir.types import bool_, i64, none


def expect_failure(module: Module, fragment: str, marked: str, func: str = "f") -> str:
    """Verify ``module``; check the error names ``func``, says ``fragment``
    and marks exactly one line, which contains ``marked``."""
    with pytest.raises(VerificationError) as info:
        verify(module)
    message = str(info.value)
    assert message.startswith(f"in @{func}"), message
    assert fragment in message, message
    marks = [line for line in message.splitlines() if line.startswith(">> ")]
    assert len(marks) == 1, message
    assert marked in marks[0], message
    return message


def func_text(body: str, args: str = "%a: i64, %b: i64, %x: f64, %c: bool", result: str = "none") -> str:
    lines = "".join(f"  {line}\n" for line in body.strip("\n").splitlines())
    return f"func @f({args}) -> {result} {{\n{lines}}}\n"


# ----------------------------------------------------------------- op rules, from text
CASES = [
    # const
    ("%0 = const {value = 300} : i8\nreturn", "value 300 does not fit type i8", "const"),
    ("%0 = const {value = -1} : u64\nreturn", "value -1 does not fit type u64", "const"),
    ("%0 = const {value = 1} : bool\nreturn", "value 1 does not fit type bool", "const"),
    ("%0 = const {value = true} : i64\nreturn", "value True does not fit type i64", "const"),
    ("%0 = const {value = 1} : f64\nreturn", "value 1 does not fit type f64", "const"),
    ("%0 = const {value = 1.0} : c128\nreturn", "value 1.0 does not fit type c128", "const"),
    ("%0 = const {value = 0} : none\nreturn", "value 0 does not fit type none", "const"),
    ("%0 = const {value = \"1\"} : i64\nreturn", "value '1' does not fit type i64", "const"),
    ("%0 = const : i64\nreturn", "needs a 'value' attribute", "const"),
    # binary
    ("%y = cast %a : i32\n%0 = add %a, %y : i64\nreturn", "operand types differ: i64 and i32", "add"),
    ("%0 = sub %a, %b : i32\nreturn", "result type i32 differs from operand type i64", "sub"),
    ("%0 = div %a, %b : i64\nreturn", "'div' op: does not accept type i64", "div"),
    ("%0 = and %x, %x : f64\nreturn", "'and' op: does not accept type f64", "and"),
    ("%0 = shl %c, %c : bool\nreturn", "'shl' op: does not accept type bool", "shl"),
    ("%z = cast %x : c128\n%0 = min %z, %z : c128\nreturn", "'min' op: does not accept type c128", "min"),
    ("%z = cast %x : c128\n%0 = floordiv %z, %z : c128\nreturn", "does not accept type c128", "floordiv"),
    ("%0 = mul %a : i64\nreturn", "expects 2 operands and 1 result", "mul"),
    # compare
    ("%0 = lt %a, %x : bool\nreturn", "operand types differ: i64 and f64", "lt"),
    ("%0 = eq %a, %b : i64\nreturn", "result must be bool", "eq"),
    ("%z = cast %x : c128\n%0 = lt %z, %z : bool\nreturn", "'lt' op: does not accept type c128", "lt"),
    ("%0, %1 = ge %a, %b : bool, bool\nreturn", "expects 2 operands and 1 result", "ge"),
    # unary
    ("%0 = neg %a : f64\nreturn", "result type f64 differs from operand type i64", "neg"),
    ("%0 = neg %c : bool\nreturn", "'neg' op: does not accept type bool", "neg"),
    ("%0 = not %a : i64\nreturn", "'not' op: does not accept type i64", "not"),
    ("%0 = invert %x : f64\nreturn", "'invert' op: does not accept type f64", "invert"),
    ("%0 = neg %a, %b : i64\nreturn", "expects 1 operand and 1 result", "neg"),
    # cast
    ("%z = cast %x : c128\n%0 = cast %z : f64\nreturn", "cannot cast c128 to f64", "%0 = cast"),
    ("%t = tuple %a : tuple<i64>\n%0 = cast %t : i64\nreturn", "cannot cast tuple<i64> to i64", "%0 = cast"),
    ("%0 = cast %a, %b : f64\nreturn", "expects 1 operand and 1 result", "cast"),
    # select
    ("%0 = select %a, %a, %b : i64\nreturn", "condition must be bool, not i64", "select"),
    ("%0 = select %c, %a, %x : i64\nreturn", "operand and result types differ: i64, f64 -> i64", "select"),
    ("%0 = select %c, %a : i64\nreturn", "expects 3 operands and 1 result", "select"),
    # raise_if
    ('raise_if %a {exception = "E", message = "m"}\nreturn', "first operand must be a bool condition", "raise_if"),
    ('raise_if {exception = "E", message = "m"}\nreturn', "first operand must be a bool condition", "raise_if"),
    ('raise_if %c {message = "m"}\nreturn', "needs string attributes 'exception' and 'message'", "raise_if"),
    ('raise_if %c {exception = "E", message = 3}\nreturn', "needs string attributes", "raise_if"),
    ('%z = cast %x : c128\nraise_if %c, %z {exception = "E", message = "{}"}\nreturn',
     "message argument of type c128 is not supported", "raise_if"),
    # yield
    ("%0 = if %c : f64 {\n  yield\n} else {\n  yield %x\n}\nreturn",
     "yields () but 'if' has results (f64)", "    yield"),
    ("%0 = if %c : f64 {\n  yield %a\n} else {\n  yield %x\n}\nreturn",
     "yields (i64) but 'if' has results (f64)", "yield %a"),
    # condition
    ("%0 = while %a : i64 {\n  ^(%i: i64):\n  condition %i, %i\n} do {\n  ^(%j: i64):\n  yield %j\n}\nreturn",
     "'condition' op: first operand must be a bool", "condition"),
    ("%0 = while %a : i64 {\n  ^(%i: i64):\n  condition %c\n} do {\n  ^(%j: i64):\n  yield %j\n}\nreturn",
     "forwarded values do not match the 'while' results", "condition"),
    ("%0 = while %a : i64 {\n  ^(%i: i64):\n  condition %c, %x\n} do {\n  ^(%j: i64):\n  yield %j\n}\nreturn",
     "forwarded values do not match the 'while' results", "condition"),
    # if
    ("if %a {\n  yield\n} else {\n  yield\n}\nreturn", "'if' op: expects one bool condition", "if %a"),
    ("if %c {\n  yield\n}\nreturn", "'if' op: expects two regions", "if %c"),
    ("if %c {\n  ^(%i: i64):\n  yield\n} else {\n  yield\n}\nreturn", "regions take no arguments", "if %c"),
    ("if %c {\n  %0 = neg %a : i64\n} else {\n  yield\n}\nreturn", "region must end with 'yield'", "if %c"),
    ("if %c {\n} else {\n  yield\n}\nreturn", "region must end with 'yield'", "if %c"),
    ("if %c {\n  yield\n  yield\n} else {\n  yield\n}\nreturn", "'yield' must be the last op of its region", "if %c"),
    # for
    ("for %x, %a, %a {\n  ^(%i: i64):\n  yield\n}\nreturn", "bounds and step must be i64, not f64", "for"),
    ("for %a, %b {\n  ^(%i: i64):\n  yield\n}\nreturn", "expects lower, upper and step operands", "for"),
    ("for %a, %b, %b {\n  ^(%i: f64):\n  yield\n}\nreturn", "induction variable) must be i64", "for"),
    ("for %a, %b, %b {\n  yield\n}\nreturn", "induction variable) must be i64", "for"),
    ("%0 = for %a, %b, %b, %x : f64 {\n  ^(%i: i64, %y: i64):\n  yield %i\n}\nreturn",
     "inits, region arguments and results must have the same types", "for"),
    ("%0 = for %a, %b, %b, %x : i64 {\n  ^(%i: i64, %y: f64):\n  yield %y\n}\nreturn",
     "inits, region arguments and results must have the same types", "for"),
    ("for %a, %b, %b {\n  ^(%i: i64):\n  %0 = neg %i : i64\n}\nreturn", "region must end with 'yield'", "for"),
    ("for %a, %b, %b {\n  ^(%i: i64):\n  yield\n} {\n  yield\n}\nreturn", "expects one region", "for"),
    # while
    ("%0 = while %a : i64 {\n  ^(%i: f64):\n  condition %c, %a\n} do {\n  ^(%j: i64):\n  yield %j\n}\nreturn",
     "inits, region arguments and results must have the same types", "while"),
    ("%0 = while %a : i64 {\n  ^(%i: i64):\n  yield %i\n} do {\n  ^(%j: i64):\n  yield %j\n}\nreturn",
     "region must end with 'condition'", "while"),
    ("%0 = while %a : i64 {\n  ^(%i: i64):\n  condition %c, %i\n} do {\n  ^(%j: i64):\n  %1 = neg %j : i64\n}\nreturn",
     "region must end with 'yield'", "while"),
    ("%0 = while %a : i64 {\n  ^(%i: i64):\n  condition %c, %i\n}\nreturn", "'while' op: expects two regions", "while"),
    # return
    ("return %a", "@f returns none: 'return' takes no operand", "return %a"),
    # call
    ("call {callee = 1}\nreturn", "'call' op: needs a string 'callee'", "call"),
    ('%0, %1 = call {callee = "g"} : i64, i64\nreturn', "'call' op: has at most one result", "call"),
    # math, math2, ftest
    ('%0 = math %x {fn = "sine"} : f64\nreturn', "'math' op: unknown function 'sine'", "math"),
    ("%0 = math %x {fn = [1]} : f64\nreturn", "'math' op: unknown function [1]", "math"),
    ('%0 = math %x : f64\nreturn', "'math' op: unknown function None", "math"),
    ('%0 = math %a {fn = "sqrt"} : i64\nreturn', "expects a float operand and the same result type, got i64", "math"),
    ('%0 = math %x {fn = "sqrt"} : f32\nreturn', "got f64 -> f32", "math"),
    ('%0 = math %x, %x {fn = "sqrt"} : f64\nreturn', "expects 1 operand and 1 result", "math"),
    ('%0 = math2 %x, %x {fn = "sin"} : f64\nreturn', "'math2' op: unknown function 'sin'", "math2"),
    ('%y = cast %x : f32\n%0 = math2 %x, %y {fn = "hypot"} : f64\nreturn',
     "expects two float operands of one type, got f64, f32", "math2"),
    ('%0 = math2 %x {fn = "hypot"} : f64\nreturn', "expects 2 operands and 1 result", "math2"),
    ('%0 = ftest %x {fn = "isnormal"} : bool\nreturn', "'ftest' op: unknown test 'isnormal'", "ftest"),
    ('%0 = ftest %a {fn = "isnan"} : bool\nreturn', "expects one float or complex operand", "ftest"),
    ('%0 = ftest %x {fn = "isnan"} : i64\nreturn', "'ftest' op: result must be bool", "ftest"),
    # tuple, tuple_get
    ("%0 = tuple %a, %x : tuple<f64, i64>\nreturn", "result type tuple<f64, i64> does not match operand types",
     "tuple"),
    ("%0 = tuple %a : i64\nreturn", "result type i64 does not match operand types", "tuple"),
    ("%t = tuple %a : tuple<i64>\n%0 = tuple_get %t {index = 1} : i64\nreturn", "index 1 is not valid for tuple<i64>",
     "tuple_get"),
    ("%t = tuple %a : tuple<i64>\n%0 = tuple_get %t {index = -1} : i64\nreturn", "index -1 is not valid", "tuple_get"),
    ("%t = tuple %a : tuple<i64>\n%0 = tuple_get %t : i64\nreturn", "index None is not valid", "tuple_get"),
    ("%0 = tuple_get %a {index = 0} : i64\nreturn", "index 0 is not valid for i64", "tuple_get"),
    ("%t = tuple %a : tuple<i64>\n%0 = tuple_get %t {index = 0} : f64\nreturn",
     "result type f64 is not element 0 of tuple<i64>", "tuple_get"),
    ("%0 = tuple_get {index = 0} : i64\nreturn", "expects 1 operand and 1 result", "tuple_get"),
    # a terminator that is not last (the verifier's own rule)
    ("return\nreturn", "terminator is not the last op of its block", "return"),
]


@pytest.mark.parametrize("body, fragment, marked", CASES, ids=[c[1][:50] for c in CASES])
def test_op_rule(body, fragment, marked):
    expect_failure(parse_module(func_text(body)), fragment, marked)


VECTOR_ARGS = ("%v: vector<4 x f64>, %w: vector<8 x i64>, %m: vector<4 x bool>, %n: vector<4 x i64>, %c: bool, "
               "%g: array<f64, 2, C>, %f: array<f64, 2, F>, %i: i64")


@pytest.mark.parametrize("body, fragment, marked", [
    ("%0 = lt %v, %v : bool\nreturn", "result must be vector<4 x bool>", "lt"),
    ("%0 = lt %v, %w : vector<4 x bool>\nreturn", "operand types differ", "lt"),
    ("%0 = select %m, %w, %w : vector<8 x i64>\nreturn", "condition must be bool or vector<8 x bool>", "select"),
    ("%0 = vector.reduce %v {kind = \"sub\"} : f64\nreturn", "kind must be one of add, mul", "vector.reduce"),
    ("%0 = vector.reduce %v {kind = \"xor\"} : f64\nreturn", "'xor' does not accept f64", "vector.reduce"),
    ("%0 = vector.reduce %n {kind = \"add\"} : f64\nreturn", "combines the lanes of a vector into its element",
     "vector.reduce"),
    ("%0 = vector.reduce %c {kind = \"add\"} : bool\nreturn", "combines the lanes", "vector.reduce"),
    ("%0 = vector.load %g, %i : vector<4 x f64>\nreturn", "needs 2 i64 index(es)", "vector.load"),
    ("%0 = vector.load %f, %i, %i : vector<4 x f64>\nreturn", "needs a C-contiguous array", "vector.load"),
    ("vector.store %g, %i, %i, %w\nreturn", "stores a vector of f64, not vector<8 x i64>", "vector.store"),
])
def test_vector_op_rule(body, fragment, marked):
    expect_failure(parse_module(func_text(body, VECTOR_ARGS)), fragment, marked)


@pytest.mark.parametrize("layout", ["A", "C, readonly"])
def test_a_new_array_of_a_map_is_in_c_or_f_order(layout):
    """``array.map``'s new array is C- or F-contiguous (its memory order), and writable."""
    body = (f"%0 = array.map %i, %i, %f {{inputs = 1, ndim = 2, out = false}} : array<f64, 2, {layout}> {{\n"
            "  ^(%x: f64):\n  array.yield %x\n}\nreturn")
    expect_failure(parse_module(func_text(body, VECTOR_ARGS)), "(C- or F-contiguous)", "array.map")


@pytest.mark.parametrize("result, body, fragment", [
    ("f64", "return %a", "@f returns f64 but 'return' gives i64"),
    ("f64", "return", "@f returns f64 but 'return' gives nothing"),
    ("f64", "return %x, %x", "@f returns f64 but 'return' gives f64, f64"),
])
def test_return_type_mismatch(result, body, fragment):
    expect_failure(parse_module(func_text(body, result=result)), fragment, "return")


def test_function_must_end_with_return():
    message = expect_failure(parse_module(func_text("%0 = neg %a : i64")), "@f: body must end with 'return'",
                             "func @f")
    assert message.splitlines()[1].startswith(">> func @f(")
    expect_failure(parse_module("func @f() -> none {\n}\n"), "body must end with 'return'", "func @f")


def test_nested_function_needs_its_attributes():
    text = func_text('func {result_type = !i64} {\n  return\n}\nreturn')
    expect_failure(parse_module(text), "needs a string 'sym_name'", "func {")
    text = func_text('func {sym_name = "g"} {\n  return\n}\nreturn')
    expect_failure(parse_module(text), "@g: needs a type 'result_type'", "func {")


def test_message_has_location_and_function_name():
    text = 'func @where() -> none {\n  %0 = const {value = 300} : i8 loc("prog.py":7:2)\n  return\n}\n'
    message = expect_failure(parse_module(text), "does not fit", "const", func="where")
    assert message.startswith("in @where at prog.py:7:3: 'const' op: value 300 does not fit type i8\n")


def test_only_the_failing_function_is_named():
    text = func_text("return") + "\n" + func_text("return %a").replace("@f", "@g")
    expect_failure(parse_module(text), "@g returns none", "return %a", func="g")


def test_verify_function_without_module_skips_call_checks():
    module = parse_module(func_text('call %a {callee = "nowhere"}\nreturn'))
    verify_function(module["f"])
    expect_failure(module, "calls unknown function @nowhere", "call %a")


# ----------------------------------------------------------------- calls
CALLEE = "func @g(%p: i64, %q: f64) -> f64 {\n  return %q\n}\n\nfunc @h() -> none {\n  return\n}\n\n"


@pytest.mark.parametrize("body, fragment", [
    ('%0 = call %a, %x {callee = "missing"} : f64\nreturn', "calls unknown function @missing"),
    ('%0 = call %a, %a {callee = "g"} : f64\nreturn', "argument types (i64, i64) do not match @g(i64, f64)"),
    ('%0 = call %a {callee = "g"} : f64\nreturn', "argument types (i64) do not match @g(i64, f64)"),
    ('%0 = call %a, %x {callee = "g"} : i64\nreturn', "result types do not match @g -> f64"),
    ('call %a, %x {callee = "g"}\nreturn', "result types do not match @g -> f64"),
    ('%0 = call {callee = "h"} : none\nreturn', "result types do not match @h -> none"),
])
def test_call_rules(body, fragment):
    expect_failure(parse_module(CALLEE + func_text(body)), fragment, "call")


# ----------------------------------------------------------------- rules only built IR can break
def _function(result=none, args=(i64,)):
    f = FuncOp("f", list(args), result, ["a"] * len(args))
    return f, Builder.at_end(f.body)


def test_use_before_definition():
    f, b = _function()
    later = ConstantOp(1, i64, name="later")
    b.add(AddOp(f.args[0], later.result))
    b.insert(later)
    b.insert(ReturnOp())
    message = expect_failure(Module([f]), "operand 1 (later: i64) does not dominate this use", "add")
    assert "%<undefined:later>" in message


def test_use_of_a_value_from_another_function():
    g, gb = _function()
    foreign = gb.add(NegOp(g.args[0], name="foreign"))
    gb.insert(ReturnOp())
    f, b = _function()
    b.add(AddOp(f.args[0], foreign))
    b.insert(ReturnOp())
    expect_failure(Module([f]), "operand 1 (foreign: i64) does not dominate this use", "add")


def test_use_of_a_value_from_an_inner_region():
    f, b = _function(args=(bool_,))
    branch = b.insert(IfOp(f.args[0]))
    with b.inside(branch.then_block):
        inner = b.add(ConstantOp(1, i64, name="inner"))
        b.insert(YieldOp())
    with b.inside(branch.else_block):
        b.insert(YieldOp())
    b.add(NegOp(inner))
    b.insert(ReturnOp())
    expect_failure(Module([f]), "operand 0 (inner: i64) does not dominate", "neg")


def test_isolated_function_does_not_see_enclosing_values():
    f, b = _function()
    nested = b.insert(FuncOp("inner", [], i64))
    with b.inside(nested.body):
        b.insert(ReturnOp(f.args[0]))
    b.insert(ReturnOp())
    expect_failure(Module([f]), "operand 0 (a: i64) does not dominate this use", "return %a")


def test_operand_missing_from_use_list():
    f, b = _function()
    neg = b.insert(NegOp(f.args[0]))
    b.insert(ReturnOp())
    f.args[0].uses.clear()
    expect_failure(Module([f]), "operand 0 is missing from its value's use list", "neg")


def test_wrong_parent_link_of_op():
    f, b = _function(args=(bool_,))
    branch = b.insert(IfOp(f.args[0]))
    with b.inside(branch.then_block):
        b.insert(YieldOp())
    with b.inside(branch.else_block):
        stray = b.insert(YieldOp())
    b.insert(ReturnOp())
    stray.parent = branch.then_block
    expect_failure(Module([f]), "op's parent link is wrong", "yield")


def test_wrong_parent_link_of_region():
    f, b = _function(args=(bool_,))
    branch = b.insert(IfOp(f.args[0]))
    for block in (branch.then_block, branch.else_block):
        with b.inside(block):
            b.insert(YieldOp())
    b.insert(ReturnOp())
    branch.regions[1].parent = None
    expect_failure(Module([f]), "region's parent link is wrong", "if %a")


def test_unprintable_ir_still_reports():
    f, b = _function()
    b.add(ConstantOp(object(), i64))
    b.insert(ReturnOp())
    with pytest.raises(VerificationError) as info:
        verify(Module([f]))
    message = str(info.value)
    assert message.startswith("in @f: 'const' op: value <object object at")
    assert "(the IR could not be printed: cannot print attribute value" in message


# ----------------------------------------------------------------- rules the verifier reaches first otherwise
def test_terminators_outside_their_ops():
    """Rules that an enclosing op's check always catches first in ``verify``."""
    f, b = _function()
    loose_yield = YieldOp()
    with pytest.raises(VerificationError, match="'yield' op: must end a region of 'if', 'for'"):
        loose_yield.verify_()
    with pytest.raises(VerificationError, match="'condition' op: must end the condition region of a 'while'"):
        ConditionOp(f.args[0]).verify_()
    with pytest.raises(VerificationError, match="'return' op: must end the body of a 'func'"):
        ReturnOp().verify_()


def test_location_is_reported_for_built_ops():
    f, b = _function()
    with b.at(Location("prog.py", 4, 0)):
        b.add(ConstantOp(1.5, i64))
    b.insert(ReturnOp())
    message = expect_failure(Module([f]), "value 1.5 does not fit type i64", "const")
    assert message.startswith("in @f at prog.py:4:1: ")
