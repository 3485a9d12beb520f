"""Parse the printer's text form (see :mod:`ir.printer`) back into IR.

Grammar, over the tokens of :func:`_tokenize`::

    module     := function*
    function   := 'func' symbol '(' [arg (',' arg)*] ')' '->' type
                  ['attributes' attr-dict] '{' [location] op* '}'
    op         := [value (',' value)* '='] op-name [value (',' value)*] [attr-dict]
                  [':' type (',' type)*] [region ([keyword] region)*] [location]
    region     := '{' ['^' '(' [arg (',' arg)*] ')' ':'] op* '}'
    arg        := value ':' type
    location   := 'loc' '(' string ':' int ':' int ')'
    attr-dict  := '{' [key '=' attribute (',' key '=' attribute)*] '}'
    attribute  := 'true' | 'false' | 'none' | int | float | 'nan' | 'inf' | '-inf'
                | 'complex' '(' real ',' real ')' | string | '!' type
                | '[' [attribute (',' attribute)*] ']'
    type       := scalar | 'none' | 'tuple' '<' [type (',' type)*] '>' | 'optional' '<' type '>'
                | 'array' '<' type ',' int ',' ('C' | 'F' | 'A') [',' 'readonly'] '>'
                | 'vector' '<' int 'x' type '>' | 'list' '<' item '>' | 'set' '<' item '>'
                | 'dict' '<' item ',' item '>'
    item       := type | 'np.' scalar | '?'

Three layout rules keep the generic op syntax unambiguous, and the printer
follows them: an op ends its line (only a ``}`` may follow it there); an
op's operands start on the line of its name; and ``{}`` on one line is an
empty attribute dictionary, never an empty region.  A region's keyword
(``else``, ``do``) is the one the op class declares in ``region_keywords``.

Value names are scoped like the printer's: unique within a function (a
nested ``func`` shares its enclosing function's names), visible in the
regions nested below their definition, and never across an op that is
``IsolatedFromAbove``.  A name becomes the value's ``name_hint``; numbers
(``%3``) give none, and a ``.N`` suffix the printer's namer would add again
(``%acc.2`` after ``%acc`` and ``%acc.1``) is stripped, so printing the
parsed IR gives the text back and later passes do not pile up suffixes.

Every problem raises :class:`IRParseError` with ``file:line:col``.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any, NoReturn, cast

from .core import Block, IsolatedFromAbove, Operation, Region, Value
from .diagnostics import Location
from .module import Module
from .ops import OP_REGISTRY
from .ops.func import FuncOp
from .records import record
from .types import (
    NAMED_TYPES, SCALAR_TYPES, ArrayType, DictType, ListType, LocalListType, PointerType, SetType, TupleType, Type,
    VarTupleType, VectorType, optional,
)

__all__ = ["IRParseError", "parse_module", "parse_function", "parse_type", "parse_type_text", "parse_attribute"]

#: Deepest nesting of regions, types and attribute lists (keeps recursion bounded).
MAX_NESTING = 100


class IRParseError(Exception):
    """Malformed IR text; the message starts with ``file:line:col:``."""

    def __init__(self, filename: str, line: int, col: int, message: str):
        self.filename = filename
        self.line = line
        self.col = col
        super().__init__(f"{filename}:{line}:{col}: {message}")


# ----------------------------------------------------------------- tokens
_TOKEN_RE = re.compile(r"""
    (?P<newline>\n)
  | (?P<space>[ \t\r\f\v]+)
  | (?P<value>%(?:[0-9]+|[A-Za-z_][A-Za-z0-9_.]*))
  | (?P<symbol>@(?:[A-Za-z_][A-Za-z0-9_.]*|"(?:[^"\\\n]|\\.)*"))
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<number>-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|-inf(?![A-Za-z0-9_.]))
  | (?P<ident>[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<punct>->|[(){}\[\]<>,:=!^?])
""", re.VERBOSE)

_BAD_START = {
    '"': "unterminated string literal",
    "%": "expected a value name like '%x' or '%3' after '%'",
    "@": "expected a function name like '@f' after '@'",
}


@record(frozen=True, slots=True)
class _Token:
    """One token of the IR text, with where it starts."""

    kind: str  # a group name of _TOKEN_RE, or "eof"
    text: str
    line: int
    col: int  # 1-based

    def describe(self) -> str:
        if self.kind == "eof":
            return "end of input"
        text = self.text if len(self.text) <= 40 else self.text[:37] + "..."
        return f"'{text}'"


def _tokenize(text: str, filename: str) -> list[_Token]:
    """Split ``text`` into tokens (no whitespace), ending with an ``eof`` token."""
    tokens: list[_Token] = []
    line, line_start, pos = 1, 0, 0
    while pos < len(text):
        col = pos - line_start + 1
        match = _TOKEN_RE.match(text, pos)
        if match is None:
            char = text[pos]
            raise IRParseError(filename, line, col, _BAD_START.get(char, f"unexpected character {char!r}"))
        kind = cast(str, match.lastgroup)
        if kind == "newline":
            line, line_start = line + 1, match.end()
        elif kind != "space":
            tokens.append(_Token(kind, match.group(), line, col))
        pos = match.end()
    tokens.append(_Token("eof", "", line, pos - line_start + 1))
    return tokens


def _name_hint(name: str, defined: dict[str, Any]) -> str | None:
    """The ``name_hint`` that makes the printer's namer give ``name`` again.

    ``defined`` holds the names the namer has handed out before this one.
    """
    if name.isdigit():
        return None
    base, dot, suffix = name.rpartition(".")
    if dot and suffix.isdigit() and base in defined:
        n = 1
        while f"{base}.{n}" in defined:
            n += 1
        if f"{base}.{n}" == name:
            return base
    return name


_WORDS: dict[str, Any] = {"true": True, "false": False, "none": None, "nan": math.nan, "inf": math.inf}


# ----------------------------------------------------------------- parser
class _Parser:
    """Recursive descent over the token list; one instance per text."""

    def __init__(self, text: str, filename: str):
        self.filename = filename
        self.tokens = _tokenize(text, filename)
        self.pos = 0
        self.depth = 0
        # Per function: every name defined so far (with its token), and the
        # stack of scopes visible at the current point.
        self.defined: dict[str, _Token] = {}
        self.scopes: list[dict[str, Value]] = [{}]

    # -- token helpers
    def peek(self, offset: int = 0) -> _Token:
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def next(self) -> _Token:
        tok = self.peek()
        if tok.kind != "eof":
            self.pos += 1
        return tok

    def previous(self) -> _Token:
        return self.tokens[self.pos - 1]

    def at(self, text: str, offset: int = 0) -> bool:
        """Is the token at ``offset`` the punctuation or word ``text``?"""
        tok = self.peek(offset)
        return tok.kind in ("punct", "ident") and tok.text == text

    def expect(self, text: str, what: str | None = None) -> _Token:
        if not self.at(text):
            self.error(f"expected {what or repr(text)}")
        return self.next()

    def expect_kind(self, kind: str, what: str) -> _Token:
        if self.peek().kind != kind:
            self.error(f"expected {what}")
        return self.next()

    def expect_end(self, what: str) -> None:
        if self.peek().kind != "eof":
            self.error(f"expected end of input after {what}")

    def error(self, expected: str, tok: _Token | None = None) -> NoReturn:
        """Fail at ``tok`` (default: the next token), naming what was found."""
        tok = tok or self.peek()
        self.fail(tok, f"{expected}, found {tok.describe()}")

    def fail(self, tok: _Token, message: str) -> NoReturn:
        raise IRParseError(self.filename, tok.line, tok.col, message)

    def enter(self) -> None:
        """Count one more level of nesting (undone by ``self.depth -= 1``)."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            self.fail(self.peek(), f"nesting deeper than {MAX_NESTING} levels")

    def end_of_op(self) -> None:
        """An op ends its line; only a '}' may follow it there."""
        tok = self.peek()
        if tok.kind != "eof" and tok.line == self.previous().line and not self.at("}"):
            self.error("expected a new line after the op")

    # -- literals
    def int_literal(self, what: str, negative: bool = False) -> int:
        tok = self.peek()
        text = tok.text
        digits = text[1:] if negative and text.startswith("-") else text
        if tok.kind != "number" or not digits.isdigit():
            self.error(f"expected {what}")
        self.next()
        return self._int(tok)

    def _int(self, tok: _Token) -> int:
        try:
            return int(tok.text)
        except ValueError:  # more digits than int() accepts
            self.fail(tok, "integer literal is too long")

    def number(self, tok: _Token) -> int | float:
        if tok.text == "-inf" or any(c in tok.text for c in ".eE"):
            return float(tok.text)
        return self._int(tok)

    def string(self, tok: _Token) -> str:
        """Decode a double-quoted literal (JSON escapes, as the printer writes);
        a quoted symbol's '@' is skipped."""
        try:
            return json.loads(tok.text.removeprefix("@"))
        except ValueError as err:
            self.fail(tok, f"invalid string literal: {err}")

    # -- types
    def type(self) -> Type:
        tok = self.peek()
        if tok.kind != "ident":
            self.error("expected a type")
        named = NAMED_TYPES.get(tok.text)
        if named is not None:
            self.next()
            return named
        if tok.text not in ("tuple", "optional", "array", "vector", "list", "vtuple", "dict", "set", "ptr",
                            "local_list"):
            self.error("expected a type")
        self.next()
        self.enter()
        self.expect("<", f"'<' after '{tok.text}'")
        result: Type
        if tok.text == "tuple":
            elements = []
            if not self.at(">"):
                elements.append(self.type())
                while self.at(","):
                    self.next()
                    elements.append(self.type())
            result = TupleType(tuple(elements))
            self.expect(">", "',' or '>' in the tuple type")
        elif tok.text in ("list", "vtuple"):
            result = (ListType if tok.text == "list" else VarTupleType)(*self.item_type())
            self.expect(">", f"'>' after the {tok.text}'s element type")
        elif tok.text == "local_list":
            result = LocalListType(self.type())
            self.expect(">", "'>' after the local list's element type")
        elif tok.text == "set":
            result = SetType(*self.item_type())
            self.expect(">", "'>' after the set's element type")
        elif tok.text == "dict":
            key, key_numpy = self.item_type()
            self.expect(",", "',' after the dict's key type")
            value, value_numpy = self.item_type()
            self.expect(">", "'>' after the dict's value type")
            result = DictType(key, value, key_numpy, value_numpy)
        elif tok.text == "ptr":
            void = self.peek().kind == "ident" and self.peek().text == "void"
            if void:
                self.next()
            result = PointerType(None if void else self.type())
            self.expect(">", "'>' after the pointer's element type")
        elif tok.text == "optional":
            result = optional(self.type())
            self.expect(">", "'>' after the optional's type")
        elif tok.text == "array":
            dtype = self.type()
            self.expect(",", "',' after the array's element type")
            ndim = self.int_literal("the array's number of dimensions")
            self.expect(",", "',' after the array's number of dimensions")
            layout = self.peek()
            if not (layout.kind == "ident" and layout.text in ("C", "F", "A")):
                self.error("expected the array layout 'C', 'F' or 'A'")
            self.next()
            readonly = self.at(",")
            if readonly:
                self.next()
                self.expect("readonly", "'readonly'")
            self.expect(">", "'>' to close the array type")
            result = ArrayType(dtype, ndim, layout.text, readonly)
        else:
            width = self.int_literal("the vector width")
            self.expect("x", "'x' between the vector width and the element type")
            result = VectorType(self.type(), width)
            self.expect(">", "'>' after the vector element type")
        self.depth -= 1
        return result

    def item_type(self) -> tuple[Type | None, bool]:
        """A container's item type: ``?`` (not known yet), ``np.T`` (NumPy scalars) or a type."""
        item = self.peek()
        if item.kind == "punct" and item.text == "?":
            self.next()
            return None, False
        if item.kind == "ident" and item.text.startswith("np.") and item.text[3:] in SCALAR_TYPES:
            self.next()
            return SCALAR_TYPES[item.text[3:]], True
        return self.type(), False

    def type_list(self) -> list[Type]:
        types = [self.type()]
        while self.at(","):
            self.next()
            types.append(self.type())
        return types

    # -- attributes
    def attribute(self) -> Any:
        tok = self.peek()
        if tok.kind == "number":
            self.next()
            return self.number(tok)
        if tok.kind == "string":
            self.next()
            return self.string(tok)
        if tok.kind == "ident" and tok.text in _WORDS:
            self.next()
            return _WORDS[tok.text]
        if self.at("complex"):
            self.next()
            self.expect("(", "'(' after 'complex'")
            real = self.real()
            self.expect(",", "',' between the real and imaginary parts")
            imag = self.real()
            self.expect(")", "')' after the imaginary part")
            return complex(real, imag)
        if self.at("!"):
            self.next()
            return self.type()
        if self.at("["):
            self.next()
            self.enter()
            items = []
            if not self.at("]"):
                items.append(self.attribute())
                while self.at(","):
                    self.next()
                    items.append(self.attribute())
            self.expect("]", "',' or ']' in the list")
            self.depth -= 1
            return items
        self.error("expected an attribute value")

    def real(self) -> float:
        """A part of a complex attribute: a number, ``nan``, ``inf`` or ``-inf``."""
        tok = self.peek()
        if tok.kind == "number":
            self.next()
            return float(tok.text)
        if self.at("nan") or self.at("inf"):
            self.next()
            return _WORDS[tok.text]
        self.error("expected a real number")

    def at_attr_dict(self) -> bool:
        """Does an attribute dictionary (rather than a region) start here?"""
        if not self.at("{"):
            return False
        if self.at("}", 1):
            return self.peek(1).line == self.peek().line
        return self.peek(1).kind in ("ident", "string") and self.at("=", 2)

    def attr_dict(self) -> dict[str, Any]:
        self.expect("{", "'{' to open the attributes")
        attributes: dict[str, Any] = {}
        if not self.at("}"):
            while True:
                key_tok = self.next()
                if key_tok.kind == "ident":
                    key = key_tok.text
                elif key_tok.kind == "string":
                    key = self.string(key_tok)
                else:
                    self.error("expected an attribute name", key_tok)
                if key in attributes:
                    self.fail(key_tok, f"attribute '{key}' is given twice")
                self.expect("=", f"'=' after the attribute name '{key}'")
                attributes[key] = self.attribute()
                if not self.at(","):
                    break
                self.next()
        self.expect("}", "',' or '}' in the attributes")
        return attributes

    def location(self) -> Location | None:
        if not (self.at("loc") and self.at("(", 1)):
            return None
        self.next()
        self.next()
        file = self.string(self.expect_kind("string", "a file name in double quotes"))
        self.expect(":", "':' after the file name")
        line = self.int_literal("a line number", negative=True)
        self.expect(":", "':' after the line number")
        col = self.int_literal("a column number", negative=True)
        self.expect(")", "')' to close the location")
        return Location(file, line, col)

    # -- values and scopes
    def declare(self, tok: _Token) -> str | None:
        """Record a definition of ``tok``'s name; return its name hint."""
        name = tok.text[1:]
        first = self.defined.get(name)
        if first is not None:
            self.fail(tok, f"redefinition of %{name} (first defined at line {first.line})")
        hint = _name_hint(name, self.defined)
        self.defined[name] = tok
        return hint

    def bind(self, tok: _Token, value: Value) -> None:
        """Make a declared name visible in the current scope."""
        self.scopes[-1][tok.text[1:]] = value

    def use(self, tok: _Token) -> Value:
        name = tok.text[1:]
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        first = self.defined.get(name)
        if first is None:
            self.fail(tok, f"use of undefined value %{name}")
        self.fail(tok, f"value %{name} (defined at line {first.line}) is not visible here")

    def value_names(self) -> list[_Token]:
        names = [self.expect_kind("value", "a value name like '%x'")]
        while self.at(","):
            self.next()
            names.append(self.expect_kind("value", "a value name like '%x'"))
        return names

    def typed_args(self, close: str) -> list[tuple[_Token, str | None, Type]]:
        """``%a: T, %b: U`` up to ``close``; declares each name."""
        args = []
        if not self.at(close):
            while True:
                tok = self.expect_kind("value", "an argument name like '%x'")
                hint = self.declare(tok)
                self.expect(":", f"':' and the type of {tok.text}")
                args.append((tok, hint, self.type()))
                if not self.at(","):
                    break
                self.next()
        self.expect(close, f"',' or '{close}' in the argument list")
        return args

    def new_block(self, args: list[tuple[_Token, str | None, Type]]) -> Block:
        block = Block([t for _, _, t in args], [hint for _, hint, _ in args])
        for (tok, _, _), arg in zip(args, block.args):
            self.bind(tok, arg)
        return block

    # -- ops, regions, functions
    def block_ops(self, block: Block, open_tok: _Token) -> None:
        """Ops up to and including the '}' that closes ``open_tok``."""
        while not self.at("}"):
            if self.peek().kind == "eof":
                self.error(f"expected '}}' to close the '{{' of line {open_tok.line}")
            block.append(self.op())
        self.next()

    def region(self, isolated: bool) -> Region:
        open_tok = self.expect("{", "'{' to open a region")
        self.enter()
        saved = self.scopes
        self.scopes = [{}] if isolated else [*saved, {}]
        args = []
        if self.at("^"):
            self.next()
            self.expect("(", "'(' after '^'")
            args = self.typed_args(")")
            self.expect(":", "':' after the block arguments")
        block = self.new_block(args)
        self.block_ops(block, open_tok)
        self.scopes = saved
        self.depth -= 1
        return Region(block)

    def regions(self, cls: type[Operation]) -> list[Region]:
        """The op's regions, each after the first preceded by its keyword."""
        isolated = cls.has_trait(IsolatedFromAbove)
        regions = [self.region(isolated)]
        while self.peek().line == self.previous().line:
            index = len(regions) - 1
            keyword = cls.region_keywords[index] if index < len(cls.region_keywords) else None
            if keyword is None:
                if not self.at("{"):
                    break
            elif self.at(keyword):
                self.next()
            elif self.at("{"):
                self.error(f"expected '{keyword}' before the next region of '{cls.name}'")
            else:
                break
            regions.append(self.region(isolated))
        return regions

    def create(self, tok: _Token, cls: type[Operation], operands: list[Value], types: list[Type],
               attributes: dict[str, Any], regions: list[Region], loc: Location | None) -> Operation:
        """``cls.create``; an op class a tool registered may refuse the parts."""
        try:
            return cls.create(operands, types, attributes, regions, loc)
        except Exception as err:
            self.fail(tok, f"cannot build op '{cls.name}': {err}")

    def op(self) -> Operation:
        result_toks = []
        if self.peek().kind == "value":
            result_toks = self.value_names()
            self.expect("=", "'=' after the result names")
        name_tok = self.expect_kind("ident", "an op name")
        cls = OP_REGISTRY.get(name_tok.text)
        if cls is None:
            self.fail(name_tok, f"unknown op '{name_tok.text}'")
        hints = [self.declare(tok) for tok in result_toks]
        operands = []
        if self.peek().kind == "value" and self.peek().line == name_tok.line:
            operands = [self.use(tok) for tok in self.value_names()]
        attributes = self.attr_dict() if self.at_attr_dict() else {}
        types = []
        if self.at(":"):
            colon = self.next()
            types = self.type_list()
            if len(types) != len(result_toks):
                self.fail(colon, f"'{cls.name}' names {len(result_toks)} result(s) "
                                 f"but gives {len(types)} type(s)")
        elif result_toks:
            self.error(f"expected ':' and the types of the {len(result_toks)} result(s)")
        regions = self.regions(cls) if self.at("{") else []
        op = self.create(name_tok, cls, operands, types, attributes, regions, self.location())
        for tok, hint, result in zip(result_toks, hints, op.results):
            result.name_hint = hint
            self.bind(tok, result)
        self.end_of_op()
        return op

    def function(self) -> FuncOp:
        self.expect("func", "'func'")
        name_tok = self.expect_kind("symbol", "a function name like '@f'")
        name = name_tok.text[1:]
        if name.startswith('"'):  # the printer quotes names that are not identifiers
            name = self.string(name_tok)
        self.defined, self.scopes = {}, [{}]
        self.expect("(", "'(' after the function name")
        args = self.typed_args(")")
        self.expect("->", "'->' and the result type")
        attributes: dict[str, Any] = {"sym_name": name, "result_type": self.type()}
        if self.at("attributes"):
            attr_tok = self.next()
            for key, value in self.attr_dict().items():
                if key in attributes:
                    self.fail(attr_tok, f"attribute '{key}' is given by the function header")
                attributes[key] = value
        open_tok = self.expect("{", "'{' to open the function body")
        loc = self.location()
        block = self.new_block(args)
        self.block_ops(block, open_tok)
        func = cast(FuncOp, FuncOp.create([], [], attributes, [Region(block)], loc))
        self.end_of_op()
        return func

    def module(self) -> Module:
        module = Module()
        while self.peek().kind != "eof":
            tok = self.peek()
            func = self.function()
            if func.sym_name in module:
                self.fail(tok, f"redefinition of function @{func.sym_name}")
            module.add(func)
        return module


# ----------------------------------------------------------------- entry points
def parse_module(text: str, filename: str = "<ir>") -> Module:
    """Parse the functions of a module (``print_module``'s output)."""
    return _Parser(text, filename).module()


def parse_function(text: str, filename: str = "<ir>") -> FuncOp:
    """Parse exactly one function (``print_function``'s output)."""
    parser = _Parser(text, filename)
    func = parser.function()
    parser.expect_end("the function")
    return func


def parse_type_text(text: str, filename: str = "<type>") -> Type:
    """Parse a type from its ``str()`` form, e.g. ``array<f64, 2, C>``."""
    parser = _Parser(text, filename)
    result = parser.type()
    parser.expect_end("the type")
    return result


def parse_type(text: str) -> Type:
    """Parse a type from its text form (the inverse of ``str``).  It lives here,
    not in :mod:`ir.types`, so that the types stay the bottom layer of the IR."""
    return parse_type_text(text)


def parse_attribute(text: str, filename: str = "<attribute>") -> Any:
    """Parse an attribute value from its printed form, e.g. ``complex(1.0, -inf)``."""
    parser = _Parser(text, filename)
    result = parser.attribute()
    parser.expect_end("the attribute")
    return result
