"""Hand-written IR texts parse, verify and print back identically; malformed
texts give an ``IRParseError`` with ``file:line:col``."""
import math
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ir import verify
from ir.diagnostics import Location
from ir.ops import OP_REGISTRY
from ir.ops.arith import ConstantOp
from ir.parser import MAX_NESTING, IRParseError, parse_attribute, parse_function, parse_module
from ir.printer import format_attribute, print_function, print_module
from ir.types import ArrayType, TupleType, f64, i64, none

INPUTS = Path(__file__).parent / "inputs"
INPUT_FILES = sorted(INPUTS.glob("*.ir"))


def roundtrip(text: str, filename: str = "<ir>") -> str:
    module = parse_module(text, filename)
    verify(module)
    return print_module(module, with_locations=True)


@pytest.mark.parametrize("path", INPUT_FILES, ids=lambda p: p.name)
def test_input_file_round_trips(path):
    text = path.read_text(encoding="utf-8")
    assert roundtrip(text, path.name) == text


def test_inputs_cover_every_op():
    used = set()
    for path in INPUT_FILES:
        used |= {op.name for op in parse_module(path.read_text(encoding="utf-8")).walk()}
    builtin = {name for name, cls in OP_REGISTRY.items() if cls.__module__.startswith("ir.ops.")}
    assert builtin - used == set()


def test_inputs_cover_every_attribute_kind():
    found = []

    def collect(value):
        found.append(value)
        if isinstance(value, list):
            for item in value:
                collect(item)

    for path in INPUT_FILES:
        for op in parse_module(path.read_text(encoding="utf-8")).walk():
            for value in op.attributes.values():
                collect(value)
    assert any(isinstance(v, float) and math.isnan(v) for v in found)
    assert any(v == -math.inf for v in found if isinstance(v, float))
    assert any(isinstance(v, complex) and math.isnan(v.real) for v in found)
    assert any(isinstance(v, int) and not isinstance(v, bool) and v < 0 for v in found)
    assert any(isinstance(v, str) and '"' in v and "\\" in v for v in found)
    assert any(isinstance(v, str) and any(ord(c) > 0xFFFF for c in v) for v in found)
    assert ArrayType(f64, 2, "C") in found and TupleType(()) in found
    assert [] in found and True in found and None in found


def test_parsed_values_and_attributes():
    text = (INPUTS / "attributes.ir").read_text(encoding="utf-8")
    module = parse_module(text)
    consts = [op for op in module["constants"].walk() if isinstance(op, ConstantOp)]
    assert [c.value for c in consts[:8]] == [True, False, -128, 127, i64.min, i64.max, 0, 2**64 - 1]
    assert math.isnan(consts[8].value) and consts[9].value == -math.inf
    assert math.copysign(1.0, consts[11].value) == -1.0
    assert consts[16].value is None and consts[16].result.type == none
    attrs = module["constants"].attributes
    assert attrs["a key with spaces"] == 1
    assert attrs["strings"][1] == 'quote " backslash \\ slash /'
    assert attrs["strings"][2] == "caf\u00e9 \u2603 \U0001d50a"
    assert attrs["nested"] == [[1, [2.5, []]], ["x"]]
    assert 'name with <locals> and "quotes"' in module
    assert module["f.1"].attributes["inline"] is True


def test_locations_are_parsed():
    module = parse_module((INPUTS / "locations.ir").read_text(encoding="utf-8"))
    func = module["located"]
    assert func.loc == Location("src/prog.py", 10, 0)
    assert func.body.ops[0].loc == Location("src/prog.py", 11, 10)
    assert func.body.ops[3].loc is None
    assert func.body.ops[4].loc.file == 'dir with spaces/\u00fcn\u00efc\u00f6de "quoted".py'
    assert module["unlocated"].loc is None
    plain = print_module(module)
    assert "loc(" not in plain and roundtrip(plain) == plain


def test_name_hints():
    text = (INPUTS / "control.ir").read_text(encoding="utf-8")
    func = parse_module(text)["loops"]
    acc, lo = func.body.ops[0].result, func.body.ops[1].result
    loop = func.body.ops[3]
    assert acc.name_hint == "acc" and lo.name_hint == "lo"
    assert [r.name_hint for r in loop.results] == ["acc", "count"]
    assert [a.name_hint for a in loop.body.args] == ["i", "acc", "count"]
    cast = loop.body.ops[0]
    assert cast.result.name_hint is None


@pytest.mark.parametrize("names, hints", [
    (["x", "x.1", "x.2"], ["x", "x", "x"]),
    (["x.1"], ["x.1"]),  # the namer would print plain 'x': keep the suffix
    (["x", "x.2"], ["x", "x.2"]),  # the namer would print 'x.1'
    (["x.1", "x", "x.2"], ["x.1", "x", "x"]),
    (["x", "x.01"], ["x", "x.01"]),
    (["a.b", "a.b.1", "a.c"], ["a.b", "a.b", "a.c"]),
    (["t.", "t..1"], ["t.", "t."]),
])
def test_suffix_is_stripped_only_when_printing_adds_it_back(names, hints):
    args = ", ".join(f"%{n}: i64" for n in names)
    text = f"func @f({args}) -> none {{\n  return\n}}\n"
    func = parse_function(text)
    assert [a.name_hint for a in func.args] == hints
    assert print_function(func) == text


def test_same_names_in_different_functions():
    text = ("func @f(%x: i64) -> i64 {\n  return %x\n}\n\n"
            "func @g(%x: f64) -> f64 {\n  return %x\n}\n")
    assert roundtrip(text) == text


def test_inner_regions_see_enclosing_values_but_not_siblings():
    text = ("func @f(%c: bool, %x: i64) -> i64 {\n"
            "  %0 = if %c : i64 {\n"
            "    %y = neg %x : i64\n"
            "    yield %y\n"
            "  } else {\n"
            "    yield %x\n"
            "  }\n"
            "  return %0\n"
            "}\n")
    assert roundtrip(text) == text
    with pytest.raises(IRParseError, match=r"^<ir>:6:11: value %y \(defined at line 3\) is not visible here$"):
        parse_module(text.replace("yield %x", "yield %y"))


def test_one_line_regions_and_whitespace_are_accepted():
    text = ("func @f(%c: bool) -> none {\n"
            "  if %c { yield } else {\n"
            "yield }\n"
            "  return }\n")
    module = parse_module(text)
    verify(module)
    assert print_module(module) == "func @f(%c: bool) -> none {\n  if %c {\n    yield\n  } else {\n" \
                                   "    yield\n  }\n  return\n}\n"


def _nested_ifs(depth: int, indent: int = 1) -> str:
    pad = "  " * indent
    if depth == 0:
        return f"{pad}yield\n"
    return (f"{pad}if %c {{\n{_nested_ifs(depth - 1, indent + 1)}{pad}}} else {{\n"
            f"{pad}  yield\n{pad}}}\n" + (f"{pad}yield\n" if indent > 1 else ""))


def test_deepest_allowed_nesting_round_trips():
    text = "func @f(%c: bool) -> none {\n" + _nested_ifs(MAX_NESTING) + "  return\n}\n"
    assert roundtrip(text) == text
    deep_list = "[" * MAX_NESTING + "]" * MAX_NESTING
    assert format_attribute(parse_attribute(deep_list)) == deep_list


def test_empty_inputs():
    assert print_module(parse_module("")) == ""
    assert list(parse_module(" \n\t\n")) == []


def test_parse_function():
    text = "func @f() -> i64 {\n  %0 = const {value = -7} : i64\n  return %0\n}\n"
    assert print_function(parse_function(text)) == text
    with pytest.raises(IRParseError, match=r"^<ir>:5:1: expected end of input after the function, found 'func'"):
        parse_function(text + "func @g() -> none {\n  return\n}\n")
    with pytest.raises(IRParseError, match=r"^<ir>:1:1: expected 'func', found end of input"):
        parse_function("")


@pytest.mark.parametrize("value", [
    True, False, None, 0, -1, 2**64, 1.0, -0.0, 1e-300, 1e+300, math.inf, -math.inf,
    complex(1.5, -2.0), complex(math.inf, -0.0), "", "\"\\\n\t\u0001\u00e9\U0001f600\ud800",
    i64, TupleType(()), ArrayType(f64, 3, "F", readonly=True), [], [1, [2.0, ["x", [True]]], i64],
])
def test_attribute_round_trip(value):
    text = format_attribute(value)
    assert parse_attribute(text) == value
    assert format_attribute(parse_attribute(text)) == text


def test_nan_attributes():
    assert math.isnan(parse_attribute("nan"))
    z = parse_attribute("complex(nan, -inf)")
    assert math.isnan(z.real) and z.imag == -math.inf
    assert parse_attribute("complex(1, 2)") == 1 + 2j
    assert parse_attribute("1e400") == math.inf


# ----------------------------------------------------------------- parse errors
F = "func @f(%a: i64) -> i64 {\n"
BAD = [
    # (text, line, col, message fragment)
    (F + "  %0 = frob %a : i64\n  return %0\n}\n", 2, 8, "unknown op 'frob'"),
    (F + "  %0 = neg %b : i64\n  return %0\n}\n", 2, 12, "use of undefined value %b"),
    (F + "  %a = neg %a : i64\n  return %a\n}\n", 2, 3, "redefinition of %a (first defined at line 1)"),
    (F + "  %0 = neg %a : i64\n  %0 = neg %a : i64\n  return %0\n}\n", 3, 3, "redefinition of %0"),
    (F + "  return %0\n}\nfunc @g(%0: i64) -> i64 {\n  return %0\n}\n", 2, 10, "use of undefined value %0"),
    (F + "  %0 neg %a : i64\n  return %0\n}\n", 2, 6, "expected '=' after the result names, found 'neg'"),
    (F + "  %0, %1 = neg %a : i64\n  return %0\n}\n", 2, 19, "'neg' names 2 result(s) but gives 1 type(s)"),
    (F + "  %0 = neg %a\n  return %0\n}\n", 3, 3, "expected ':' and the types of the 1 result(s), found 'return'"),
    (F + "  neg %a : i64\n  return %a\n}\n", 2, 10, "'neg' names 0 result(s) but gives 1 type(s)"),
    (F + '  raise_if %a {message = "oops}\n  return %a\n}\n', 2, 26, "unterminated string literal"),
    (F + '  raise_if %a {message = "\\q"}\n  return %a\n}\n', 2, 26, "invalid string literal: Invalid \\escape"),
    (F + "  %0 = neg %a : i64 $\n  return %0\n}\n", 2, 21, "unexpected character '$'"),
    (F + "  %0 = neg % : i64\n  return %0\n}\n", 2, 12, "expected a value name like '%x' or '%3' after '%'"),
    (F + "  %0 = neg %a : i7\n  return %0\n}\n", 2, 17, "expected a type, found 'i7'"),
    (F + "  %0 = neg %a : array<f64, 2, X>\n  return %0\n}\n", 2, 31, "expected the array layout 'C', 'F' or 'A'"),
    (F + "  %0 = neg %a : i64\n  return %0\n", 4, 1, "expected '}' to close the '{' of line 1, found end of input"),
    (F + "  %0 = const {value = @} : i64\n  return %0\n}\n", 2, 23, "expected a function name like '@f' after '@'"),
    (F + "  %0 = const {value = =} : i64\n  return %0\n}\n", 2, 23, "expected an attribute value, found '='"),
    (F + "  %0 = const {value = 1, value = 2} : i64\n  return %0\n}\n", 2, 26, "attribute 'value' is given twice"),
    (F + "  %0 = const {value = [1, 2} : i64\n  return %0\n}\n", 2, 28, "expected ',' or ']' in the list, found '}'"),
    (F + "  %0 = const {value = complex(1.0)} : c128\n  return %0\n}\n", 2, 34, "expected ',' between the real and"),
    (F + "  %0 = const {value = 1 2} : i64\n  return %0\n}\n", 2, 25,
     "expected ',' or '}' in the attributes, found '2'"),
    (F + "  %0 = const {value = 1} : i64 %0 = neg %a : i64\n  return %0\n}\n", 2, 32,
     "expected a new line after the op, found '%0'"),
    (F + "  %0 = neg %a : i64 loc(\"f.py\":x:1)\n  return %0\n}\n", 2, 32, "expected a line number, found 'x'"),
    (F + "  %0 = neg %a : i64 loc(\"f.py\":1)\n  return %0\n}\n", 2, 33,
     "expected ':' after the line number, found ')'"),
    (F + "  %0 = const {value = " + "9" * 5000 + "} : i64\n  return %0\n}\n", 2, 23, "integer literal is too long"),
    ("func @f(%a: i64) i64 {\n  return %a\n}\n", 1, 18, "expected '->' and the result type, found 'i64'"),
    ("func f() -> none {\n  return\n}\n", 1, 6, "expected a function name like '@f', found 'f'"),
    ("func @f(%a i64) -> none {\n  return\n}\n", 1, 12, "expected ':' and the type of %a, found 'i64'"),
    ("func @f(%a: i64 -> none {\n  return\n}\n", 1, 17, "expected ',' or ')' in the argument list, found '->'"),
    ("%0 = const {value = 1} : i64\n", 1, 1, "expected 'func', found '%0'"),
    ("func @f() -> none {\n  return\n}\n\nfunc @f() -> none {\n  return\n}\n", 5, 1, "redefinition of function @f"),
    ('func @f() -> none attributes {sym_name = "g"} {\n  return\n}\n', 1, 19,
     "attribute 'sym_name' is given by the function header"),
    ("func @f(%c: bool) -> none {\n  if %c {\n    yield\n  } {\n    yield\n  }\n  return\n}\n", 4, 5,
     "expected 'else' before the next region of 'if', found '{'"),
    ("func @f(%c: bool) -> none {\n  if %c {\n    yield\n  } elif {\n    yield\n  }\n  return\n}\n", 4, 5,
     "expected a new line after the op, found 'elif'"),
    ("func @f(%c: bool) -> none {\n  if %c {\n    ^(%x i64):\n    yield\n  }\n  return\n}\n", 3, 10,
     "expected ':' and the type of %x, found 'i64'"),
    ("func @f(%c: bool) -> none {\n  if %c {\n    ^(%x: i64)\n    yield\n  }\n  return\n}\n", 4, 5,
     "expected ':' after the block arguments, found 'yield'"),
    ("func @f() -> " + "tuple<" * 200 + "i64" + ">" * 200 + " {\n}\n", 1, 619, "nesting deeper than 100 levels"),
    ("func @f(%c: bool) -> none {\n" + "  if %c {\n" * 150, 103, 3, "nesting deeper than 100 levels"),
]


@pytest.mark.parametrize("text, line, col, fragment", BAD, ids=[b[3][:45] for b in BAD])
def test_parse_error(text, line, col, fragment):
    with pytest.raises(IRParseError) as info:
        parse_module(text, "bad.ir")
    message = str(info.value)
    assert message.startswith(f"bad.ir:{line}:{col}: "), message
    assert fragment in message, message
    assert (info.value.filename, info.value.line, info.value.col) == ("bad.ir", line, col)


def test_parse_error_names_what_was_found_at_end_of_input():
    with pytest.raises(IRParseError, match=r"^<ir>:1:20: expected a type, found end of input$"):
        parse_module("func @f(%a: i64) ->")


# ----------------------------------------------------------------- fuzzing
_SNIPPETS = ["{", "}", "(", ")", "%", "@", '"', "\\", ":", ",", "=", "<", ">", "[", "]", "!", "^",
             "-", "->", "\n", " ", "%x", "%0", "func", "if", "yield", "loc(", "i64", "1", "-inf",
             "complex(", "tuple<", "array<", "else", "do", "const", "{value = 1}", "\u00e9", "^("]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_inputs_raise_only_parse_errors(data):
    text = data.draw(st.sampled_from(INPUT_FILES)).read_text(encoding="utf-8")
    for _ in range(data.draw(st.integers(1, 3))):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 12)))
        insert = data.draw(st.one_of(st.sampled_from(_SNIPPETS), st.text(max_size=3)))
        text = text[:start] + insert + text[end:]
    try:
        module = parse_module(text)
    except IRParseError as err:
        assert re.match(r"<ir>:\d+:\d+: ", str(err))
        return
    printed = print_module(module, with_locations=True)
    assert print_module(parse_module(printed), with_locations=True) == printed
