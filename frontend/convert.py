"""Convert a user function into traceable form (the AutoGraph-style rewrite).

The frontend traces a function by calling it with symbolic values.  Python's
own control flow cannot branch on a symbolic value, so the function's source
is first rewritten so that every ``if``, loop, ``and``/``or``/``not``,
conditional expression, chained comparison, call, ``assert`` and ``raise``
becomes a call to an operator of :mod:`frontend.operators`, bound to the name
``ag__`` in converted code.  With ordinary Python values the operators run
Python's own semantics, so a converted function behaves exactly like the
original; while tracing they hand the symbolic cases to ``frontend.staging``.

The rewrite runs in passes over the function's AST:

1. validation -- constructs we do not compile raise :class:`UnsupportedError`
   (assignment to an attribute among them: compiled code does not mutate objects);
2. jump lowering -- ``break``, ``continue`` and ``return`` become flag
   assignments; later statements are guarded by the flags and loop
   conditions test them (AutoGraph's scheme); a long ``elif`` chain becomes
   a flat sequence of ``if`` statements;
3. expression conversion -- calls, reads and assignments of local variables,
   ``and``/``or``/``not``, ``a if c else b``, chained comparisons, ``assert``
   and ``raise``;
4. control-flow conversion -- ``if``/``while``/``for`` become nested
   functions (the bodies, ``get_state``/``set_state``) and an operator call.

The source converted is that of the running code: it is found from
``func.__code__`` (a ``functools.wraps`` wrapper is the wrapper, not its
``__wrapped__``) and used only if compiling the file gives that very code
object (see :func:`get_function_ast`).  The passes walk ``elif`` chains and
chains of binary operations with loops, so code CPython compiles -- thousands
of ``elif`` or of terms -- does not exhaust Python's recursion limit here.

Python-semantics decisions:

* every local variable is bound to ``ag__.Undefined`` at the top, so reading
  it before assignment raises ``UnboundLocalError`` with CPython's message;
* the closure variables of the function are captured by value when it is
  converted (a later change of the enclosing variable converts it again);
* a nested def is converted with the function, as a function of its own that
  closes over the function's variables: it reads them when it runs (CPython's
  late binding; a read where one is unbound is CPython's ``NameError`` of a free
  variable, as for lambdas and comprehensions); it may not assign them
  (``nonlocal`` is refused) nor be decorated;
* a generator function's ``yield v`` statements become ``if ag__.yield_(v):
  return``: the tracer runs the consuming loop's body there, and the generator
  ends where that loop ends (``frontend.generator_functions``);
* ``assert`` statements are dropped under ``python -O``, as CPython does;
* augmented assignments (``x += y``) stay as written, keeping Python's
  in-place semantics for mutable values.

The converted code keeps the line and column numbers of the user's file, so
tracebacks and ``frontend.locations`` point at the user's source.
"""
from __future__ import annotations
import __future__

import ast
import functools
import inspect
import linecache
import operator
import sys
import threading
import tokenize
import types
import weakref
from typing import Any, Callable, Iterable, Sequence

from ir.diagnostics import CompileError, Location, UnsupportedError
from ir.records import record

from . import operators
from .locations import code_objects, register_converted
from .locations import traceback_location  # noqa: F401  (compiler.pipeline reads it here)

_AG = "ag__"
_FACTORY = "__ag_factory"
_CONVERTED = "__ag_converted"
#: attribute the jump lowering attaches to an ``ast.For``: its ``extra_test``
_EXTRA_TEST = "ag_extra_test"
#: attribute the jump lowering attaches to an ``ast.ExceptHandler``: the name of the
#: parameter its exception is passed in
_EXCEPTION = "ag_exception"


# ============================================================== source
def get_function_ast(func: Callable) -> tuple[ast.FunctionDef, str, int]:
    """The parsed definition of ``func``, its file and its first source line.

    Line and column numbers of the returned tree are those of the file.
    Decorators are dropped; a lambda becomes ``def <lambda>(args): return body``.

    Decisions: the source is found from ``func.__code__`` alone, never through
    ``__wrapped__`` (a ``functools.wraps`` wrapper is compiled as the wrapper
    it is).  The file's current text is trusted only when compiling it gives a
    code object equal to ``func.__code__`` -- same bytecode, constants, names
    and line table -- so a file edited since the function was defined, or code
    that ``exec`` ran under a real file's name, is a :class:`CompileError`
    instead of a compiled function that computes something else.  This costs
    one ``compile()`` of the file per conversion (conversions are cached).
    Code an import hook rewrote (pytest rewrites the asserts of test modules)
    differs from its source and is refused the same way.
    """
    code = getattr(func, "__code__", None)
    if code is None:
        raise _no_source(func)
    linecache.checkcache(code.co_filename)
    lines = linecache.getlines(code.co_filename, getattr(func, "__globals__", None))
    if not lines:
        raise _no_source(func)
    node = (_lambda_ast if code.co_name == "<lambda>" else _def_ast)(code, lines)
    if node is None or not _compiles_to(code, lines):
        raise CompileError(f"the source of {_name(func)}() changed since it was imported (or is not "
                           "available, or an import hook such as pytest's assert rewriting changed the "
                           "code); reload the module, or define the function in a module that is "
                           "imported normally", _def_location(code))
    return node, code.co_filename, code.co_firstlineno


def _name(func: Callable) -> str:
    return getattr(func, "__qualname__", None) or repr(func)


def _def_location(code: types.CodeType) -> Location:
    return Location(code.co_filename, code.co_firstlineno)


def _no_source(func: Callable) -> CompileError:
    code = getattr(func, "__code__", None)
    return CompileError(f"the source of {_name(func)} is not available: compiled functions must be defined "
                        "in a .py file (not the REPL or exec)", _def_location(code) if code is not None else None)


#: the ``compile()`` flags of ``from __future__`` imports, which code objects keep in ``co_flags``
#: (code exec'd from a module with ``from __future__ import annotations`` inherits that flag)
_FUTURE_FLAGS = functools.reduce(operator.or_, (getattr(__future__, name).compiler_flag
                                                 for name in __future__.all_feature_names)) & ~inspect.CO_NESTED


def _compiles_to(code: types.CodeType, lines: list[str]) -> bool:
    """Whether compiling ``lines`` (the whole file) gives a code object equal to ``code``."""
    return code in _file_code_objects("".join(lines), code.co_filename, code.co_flags & _FUTURE_FLAGS)


@functools.lru_cache(maxsize=8)
def _file_code_objects(text: str, filename: str, flags: int) -> frozenset[types.CodeType]:
    """The code objects compiling ``text`` gives, kept for the last few files: the kernels
    of one module are checked against one compile of it."""
    try:
        module = _compile(text, filename, flags)
    except (SyntaxError, ValueError):
        return frozenset()
    return frozenset(code_objects(module))


def _def_ast(code: types.CodeType, lines: list[str]) -> ast.FunctionDef | None:
    """The definition that starts at ``code``'s first line (its first decorator), if one does.

    Its lines run at least to the last line any of its instructions (or those of the
    functions nested in it) come from, and on while lines are blank, comments or indented
    deeper than its first line (CPython leaves no instruction for code it found dead);
    where those lines do not parse as one definition (a string or bracket in that tail
    reaching back left), ``inspect.getblock`` finds them with the tokenizer (whose
    regexes cost ~9 ms to build, on a first call)."""
    first = code.co_firstlineno
    if first > len(lines):
        return None
    last = max((end for c in code_objects(code) for _, end, _, _ in c.co_positions() if end is not None),
               default=first)
    indent = len(lines[first - 1]) - len(lines[first - 1].lstrip())
    while last < len(lines):
        text = lines[last].strip()
        if text and not text.startswith("#") and len(lines[last]) - len(lines[last].lstrip()) <= indent:
            break
        last += 1
    node = _parse_def(lines[first - 1:last], first)
    if node is not None:
        return node
    try:
        block = inspect.getblock(lines[first - 1:])
    except (SyntaxError, ValueError, tokenize.TokenError):
        return None
    return _parse_def(block, first)


def _parse_def(block: list[str], first: int) -> ast.FunctionDef | None:
    """``block`` (the lines from ``first`` on) parsed as one function definition, or None."""
    if not block:
        return None
    try:
        # An indented definition (a method, a def inside an if) parses as the body
        # of an ``if 1:``; unlike dedenting, this keeps columns and string contents.
        indented = block[0][:1].isspace()
        source = "".join(block)
        tree = _parse("if 1:\n" + source if indented else source)
    except (SyntaxError, ValueError):
        return None
    body = tree.body[0].body if indented else tree.body
    node = body[0] if len(body) == 1 else None
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    ast.increment_lineno(node, first - 1 - indented)
    node.decorator_list = []
    return node


def _lambda_ast(code: types.CodeType, lines: list[str]) -> ast.FunctionDef | None:
    """The lambda of ``code`` as a def, if its line holds one with its parameters."""
    try:
        tree = _parse("".join(lines))
    except (SyntaxError, ValueError):
        return None
    params = list(code.co_varnames[:_parameter_count(code)])
    found = [node for node in ast.walk(tree) if isinstance(node, ast.Lambda)
             and node.lineno == code.co_firstlineno and _arg_names(node.args) == params]
    if len(found) > 1:
        found = [node for node in found if _spans_code(node.body, code)]
    if not found:
        return None
    if len(found) > 1:
        raise UnsupportedError("cannot tell which of the lambdas on this line to compile; "
                               "put it on a line of its own or define it with def", _def_location(code))
    lam = found[0]
    node = ast.FunctionDef(name=code.co_name, args=lam.args, body=[_at(lam.body, ast.Return(lam.body))],
                           decorator_list=[], returns=None, type_comment=None)
    return _at(lam, node)


def _parameter_count(code: types.CodeType) -> int:
    star_args = bool(code.co_flags & inspect.CO_VARARGS) + bool(code.co_flags & inspect.CO_VARKEYWORDS)
    return code.co_argcount + code.co_kwonlyargcount + star_args


def _spans_code(expr: ast.expr, code: types.CodeType) -> bool:
    """Whether every instruction of ``code`` with a source range lies inside ``expr``."""
    start, end = (expr.lineno, expr.col_offset), (expr.end_lineno, expr.end_col_offset)
    return all(start <= (line, col) and (end_line, end_col) <= end
               for line, end_line, col, end_col in code.co_positions()
               if None not in (line, end_line, col, end_col) and (line, col) < (end_line, end_col))


def _arg_names(args: ast.arguments) -> list[str]:
    """Parameter names in ``co_varnames`` order: positional, keyword-only, ``*a``, ``**k``."""
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    return names + [a.arg for a in (args.vararg, args.kwarg) if a is not None]


# ============================================================== AST helpers
def _at(src: ast.AST, node: ast.AST) -> Any:
    """``node`` with the start location of ``src``; returns ``node``.

    Generated nodes end where they start, so a generated call (``ag__.if_stmt``)
    is reported at its statement's first line, not at its last.
    """
    ast.copy_location(node, src)
    if hasattr(src, "lineno"):
        node.end_lineno, node.end_col_offset = node.lineno, node.col_offset
    return node


def _load(name: str) -> ast.Name:
    return ast.Name(name, ast.Load())


def _assign(name: str, value: ast.expr) -> ast.Assign:
    return ast.Assign([ast.Name(name, ast.Store())], value)


def _ag(operator: str, *args: ast.expr) -> ast.Call:
    """``ag__.operator(*args)``."""
    return ast.Call(ast.Attribute(_load(_AG), operator, ast.Load()), list(args), [])


def _is_operator_call(node: ast.Call) -> bool:
    """A call of an ``ag__`` operator that the conversion itself generated."""
    func = node.func
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == _AG


def _arguments(params: Iterable[str] = ()) -> ast.arguments:
    return ast.arguments(posonlyargs=[], args=[ast.arg(p) for p in params], vararg=None,
                         kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])


def _thunk(expr: ast.expr) -> ast.Lambda:
    """``lambda: expr``."""
    return _at(expr, ast.Lambda(_arguments(), expr))


def _def(name: str, params: Iterable[str], body: list[ast.stmt]) -> ast.FunctionDef:
    return ast.FunctionDef(name=name, args=_arguments(params), body=body or [ast.Pass()],
                           decorator_list=[], returns=None, type_comment=None)


def _tuple(names: list[str], ctx: type) -> ast.Tuple:
    return ast.Tuple([ast.Name(n, ctx()) for n in names], ctx())


def _not(name: str) -> ast.UnaryOp:
    return ast.UnaryOp(ast.Not(), _load(name))


def _all(conditions: list[ast.expr]) -> ast.expr:
    """``c1 and c2 and ...`` (converted to ``ag__.and_`` later)."""
    return conditions[0] if len(conditions) == 1 else ast.BoolOp(ast.And(), conditions)


# Long ``elif`` chains and long sums are nested thousands of levels deep in the
# AST; the passes walk them with loops, not recursion (CPython compiles them).
def _elif_chain(node: ast.If) -> list[ast.If]:
    """``node`` and the ``if`` of each ``elif`` that follows it."""
    chain = [node]
    while len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):
        node = node.orelse[0]
        chain.append(node)
    return chain


def _if_parts(node: ast.If) -> list[ast.AST]:
    """The tests and statements of an ``if``/``elif``/``else`` chain, in source order."""
    chain = _elif_chain(node)
    return [part for branch in chain for part in (branch.test, *branch.body)] + chain[-1].orelse


def _binop_spine(node: ast.BinOp) -> list[ast.BinOp]:
    """``node`` and the binary operations down its left operands (``a + b - c`` is ``(a + b) - c``)."""
    spine = [node]
    while isinstance(spine[-1].left, ast.BinOp):
        spine.append(spine[-1].left)
    return spine


def _operands(node: ast.BinOp) -> list[ast.expr]:
    """The operands of a chain of binary operations, in evaluation order."""
    spine = _binop_spine(node)
    return [spine[-1].left, *(op.right for op in reversed(spine))]


class _ShallowVisitor(ast.NodeVisitor):
    """A visitor that walks ``elif`` chains and chains of binary operations with
    loops, not one recursion level per link (a 1,000-branch chain is fine)."""

    def visit_If(self, node: ast.If) -> None:
        for part in _if_parts(node):
            self.visit(part)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        for operand in _operands(node):
            self.visit(operand)


def _fix_locations(tree: ast.AST) -> None:
    """:func:`ast.fix_missing_locations` without recursion: a node without a
    location gets its parent's.  Reads each node's ``__dict__`` and ``_fields`` directly
    (2.7 times as fast as ``getattr`` and ``ast.iter_child_nodes``: it visits every node of
    every converted function, 8 % of the conversion's time)."""
    stack = [(tree, (1, 0, 1, 0))]
    pop, push = stack.pop, stack.append
    while stack:
        node, inherited = pop()
        fields = node.__dict__
        if "lineno" in node._attributes:
            own = (fields.get("lineno"), fields.get("col_offset"), fields.get("end_lineno"),
                   fields.get("end_col_offset"))
            if None in own:
                own = tuple(parent if value is None else value for value, parent in zip(own, inherited))
                node.lineno, node.col_offset, node.end_lineno, node.end_col_offset = own
            inherited = own
        for name in node._fields:
            value = fields.get(name)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        push((item, inherited))
            elif isinstance(value, ast.AST):
                push((value, inherited))


class _Namer:
    """Fresh names for generated variables and functions, clashing with nothing in the user's code."""

    def __init__(self, taken: Iterable[str]):
        self._taken = set(taken)
        #: base -> the suffix to try next (``base``, ``base_1``, ``base_2``, ...)
        self._next: dict[str, int] = {}

    def new(self, base: str) -> str:
        n = self._next.get(base, 0)
        name = f"{base}_{n}" if n else base
        while name in self._taken:
            n += 1
            name = f"{base}_{n}"
        self._next[base] = n + 1
        self._taken.add(name)
        return name


# ============================================================== analyses
class _ScopeNames(_ShallowVisitor):
    """The names a subtree reads and assigns in the function's own scope.

    Lambda parameters and comprehension targets belong to inner scopes and are
    skipped.  The target of an augmented assignment is both read and assigned;
    the ``extra_test`` the jump lowering attaches to a ``for`` is part of it.
    """

    def __init__(self) -> None:
        self.loads: set[str] = set()
        self.stores: set[str] = set()
        self._inner: list[set[str]] = []

    def _record(self, name: str, load: bool) -> None:
        if not any(name in bound for bound in self._inner):
            (self.loads if load else self.stores).add(name)

    def visit_Name(self, node: ast.Name) -> None:
        self._record(node.id, isinstance(node.ctx, ast.Load))

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name):
            self._record(node.target.id, True)
        self.generic_visit(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name is not None:   # except E as name: assigns name (and unbinds it after)
            self._record(node.name, False)
        self.generic_visit(node)

    def visit_For(self, node: ast.For) -> None:
        self.generic_visit(node)
        extra_test = getattr(node, _EXTRA_TEST, None)
        if extra_test is not None:
            self.visit(extra_test)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.visit(node.args)  # defaults are evaluated in the enclosing scope
        self._within(set(_arg_names(node.args)), [node.body])

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        """A nested def assigns its name; its defaults are read here, its body is a scope of
        its own whose reads of this function's variables are reads here too."""
        for default in (*node.args.defaults, *node.args.kw_defaults):
            if default is not None:
                self.visit(default)
        self._record(node.name, False)
        self._within(set(_arg_names(node.args)) | _names(*node.body).stores, node.body)

    def visit_ListComp(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp) -> None:
        self._comprehension(node, [node.elt])

    visit_SetComp = visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self._comprehension(node, [node.key, node.value])

    def _comprehension(self, node: ast.AST, results: list[ast.expr]) -> None:
        first, *rest = node.generators
        self.visit(first.iter)  # the first iterable is evaluated in the enclosing scope
        inner = [*first.ifs, *(e for g in rest for e in (g.iter, *g.ifs)), *results]
        self._within(_comprehension_targets(node), inner)

    def _within(self, bound: set[str], nodes: list[ast.AST]) -> None:
        self._inner.append(bound)
        for node in nodes:
            self.visit(node)
        self._inner.pop()


def _names(*nodes: ast.AST) -> _ScopeNames:
    names = _ScopeNames()
    for node in nodes:
        names.visit(node)
    return names


class _MemoNames(_ScopeNames):
    """:class:`_ScopeNames` that analyses each statement once.

    The control-flow conversion asks for the names of every construct and of
    every statement inside it, at each nesting depth; reusing the answers for
    statements keeps conversion linear in the size of the function.  ``memo``
    maps ``id(statement)`` to ``(statement, its names)`` (the statement is kept
    alive so its id is not reused).
    """

    def __init__(self, memo: dict[int, tuple[ast.stmt, _ScopeNames]]):
        super().__init__()
        self._memo = memo

    def visit(self, node: ast.AST) -> None:
        if not isinstance(node, ast.stmt) or self._inner:
            return super().visit(node)
        entry = self._memo.get(id(node))
        if entry is None:
            names = _MemoNames(self._memo)
            ast.NodeVisitor.visit(names, node)
            entry = self._memo[id(node)] = (node, names)
        self.loads |= entry[1].loads
        self.stores |= entry[1].stores


def _comprehension_targets(node: ast.AST) -> set[str]:
    return {n.id for g in node.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)}


def _always_exits(stmts: list[ast.stmt]) -> bool:
    """Whether every path through ``stmts`` ends in a ``return`` or ``raise``."""
    return any(_exits(s) for s in stmts)


def _exits(node: ast.stmt) -> bool:
    if isinstance(node, (ast.Return, ast.Raise)):
        return True
    if isinstance(node, ast.If):
        chain = _elif_chain(node)
        return all(_always_exits(branch.body) for branch in chain) and _always_exits(chain[-1].orelse)
    if isinstance(node, (ast.For, ast.While)):
        if _breaks(node.body):
            return False
        test = getattr(node, "test", None)
        endless = isinstance(test, ast.Constant) and bool(test.value)  # while True:
        return endless or _always_exits(node.orelse)
    if isinstance(node, ast.Try):   # the body ends or its else does, and so does every handler
        return ((_always_exits(node.body) or _always_exits(node.orelse))
                and all(_always_exits(handler.body) for handler in node.handlers))
    return False


def _breaks(stmts: list[ast.stmt]) -> bool:
    """Whether ``stmts`` (a loop body) contain a ``break`` of that loop."""
    for node in stmts:
        if isinstance(node, ast.Break):
            return True
        if isinstance(node, ast.If):
            chain = _elif_chain(node)
            if any(_breaks(branch.body) for branch in chain) or _breaks(chain[-1].orelse):
                return True
        if isinstance(node, (ast.For, ast.While)) and _breaks(node.orelse):
            return True
        if isinstance(node, ast.Try) and any(_breaks(part) for part in _try_parts(node)):
            return True
    return False


def _try_parts(node: ast.Try) -> list[list[ast.stmt]]:
    """The statement lists of a ``try`` statement: body, handlers, else, finally."""
    return [node.body, *(handler.body for handler in node.handlers), node.orelse, node.finalbody]


# ============================================================== 1. validation
_ASYNC = "compile a regular def instead"
_UNSUPPORTED: dict[type, tuple[str, str]] = {
    ast.TryStar: ("try/except*", "move the try outside the compiled function"),
    ast.With: ("the with statement", "move the with block outside the compiled function"),
    ast.AsyncWith: ("async with", _ASYNC),
    ast.AsyncFor: ("async for", _ASYNC),
    ast.Await: ("await", _ASYNC),
    ast.AsyncFunctionDef: ("async def", _ASYNC),
    ast.YieldFrom: ("yield from", "iterate the inner generator with a for loop that yields each item"),
    ast.ClassDef: ("a class definition", "define the class at module level"),
    ast.Global: ("the global statement", "pass the value in as an argument and return the new value"),
    ast.Nonlocal: ("the nonlocal statement", "return the new value from the nested function and assign "
                                             "it in the enclosing one"),
    ast.Delete: ("del", "assign a new value to the variable instead (del d[k] deletes an item)"),
    ast.Import: ("import inside a function", "import at module level"),
    ast.ImportFrom: ("import inside a function", "import at module level"),
    ast.NamedExpr: ("the walrus operator :=", "assign the value in a separate statement first"),
    ast.Match: ("match", "use an if/elif chain instead"),
}


class _Validator(_ShallowVisitor):
    """Raises :class:`UnsupportedError` at the first construct we do not compile.

    A nested def is checked as a function of its own (a ``return`` in it is not one of
    the ``finally`` clause it is defined in).  A ``yield`` is compiled as a statement
    of a generator that no ``try`` statement encloses (``frontend.generator_functions``)."""

    def __init__(self, filename: str, local_names: set[str]):
        self._filename = filename
        self._locals = local_names
        self._handlers = 0   # how many except clauses the node is in
        self._finally = 0    # how many finally clauses
        self._finally_loop = 0   # ... with no loop between them and the node
        self._tries = 0      # how many try statements (of the function being checked)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        self._handlers += 1
        self.generic_visit(node)
        self._handlers -= 1

    def visit_Try(self, node: ast.Try) -> None:
        self._tries += 1
        for child in (*node.body, *node.handlers, *node.orelse):
            self.visit(child)
        self._finally += 1
        self._finally_loop += 1
        for child in node.finalbody:
            self.visit(child)
        self._finally -= 1
        self._finally_loop -= 1
        self._tries -= 1

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if node.decorator_list:
            raise self._error(node.decorator_list[0], "a decorator on a nested def is not supported in compiled "
                                                      "functions; call the decorator on the function instead, or "
                                                      "define the decorated function at module level")
        outside = self._handlers, self._finally, self._finally_loop, self._tries
        self._handlers = self._finally = self._finally_loop = self._tries = 0
        self.generic_visit(node)
        self._handlers, self._finally, self._finally_loop, self._tries = outside

    def visit_Expr(self, node: ast.Expr) -> None:
        if not isinstance(node.value, ast.Yield):
            self.generic_visit(node)
            return
        if self._tries:
            raise self._error(node, "a yield inside a try statement is not supported in compiled functions (the "
                                    "loop consuming the generator would run inside the try statement); move the "
                                    "try statement out of the generator or around the code between the yields")
        if node.value.value is not None:
            self.visit(node.value.value)

    def _error(self, node: ast.AST, message: str) -> UnsupportedError:
        return UnsupportedError(message, Location(self._filename, node.lineno, node.col_offset))

    def _loop(self, node: ast.For | ast.While) -> None:
        outside, self._finally_loop = self._finally_loop, 0   # a loop inside a finally clause may break
        self.generic_visit(node)
        self._finally_loop = outside

    visit_For = visit_While = _loop

    def generic_visit(self, node: ast.AST) -> None:
        problem = self._problem(node)
        if problem is not None:
            raise UnsupportedError(problem, Location(self._filename, node.lineno, node.col_offset))
        super().generic_visit(node)

    def _problem(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Delete) and all(isinstance(t, ast.Subscript) and not any(
                isinstance(part, ast.Slice) for part in ast.walk(t.slice)) for t in node.targets):
            return None   # del d[k]: ag__.delitem (``frontend.dicts``)
        if type(node) in _UNSUPPORTED:
            construct, advice = _UNSUPPORTED[type(node)]
            return f"{construct} is not supported in compiled functions; {advice}"
        if isinstance(node, ast.Yield):
            return ("using the value of a yield expression (what a generator's send() passes in) is not "
                    "supported in compiled functions; write yield as a statement of its own")
        if isinstance(node, ast.Starred) and isinstance(node.ctx, ast.Store):
            return ("starred assignment (a, *b = ...) is not supported in compiled functions; "
                    "index or slice the sequence instead")
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            return (f"assigning to an attribute (.{node.attr} = ...) is not supported in compiled functions: "
                    "compiled code does not change objects' attributes; keep the value in a local variable "
                    "and return it, or make a new array of the shape you need")
        if isinstance(node, ast.Raise) and node.exc is None and not self._handlers:
            return ("a bare raise outside an except clause is not supported in compiled functions (there is "
                    "no exception to raise again); raise an exception, e.g. raise ValueError('...')")
        if isinstance(node, ast.Return) and self._finally or \
                isinstance(node, (ast.Break, ast.Continue)) and self._finally_loop:
            return (f"'{type(node).__name__.lower()}' in a finally clause is not supported in compiled functions "
                    "(it would discard the exception being raised); move it after the try statement")
        if isinstance(node, ast.Raise) and node.cause is not None:
            return ("raise ... from ... is not supported in compiled functions; "
                    "raise the exception without from")
        return None


# ============================================================== 2. jump lowering
@record
class _Loop:
    """The flags of the loop being lowered, created at its first break/continue."""

    break_: str | None = None
    continue_: str | None = None


#: ``if``/``elif`` chains with more tests than this are lowered to a sequence of
#: ``if`` statements (:meth:`_JumpLowering._flat_chain`); shorter ones stay nested.
#: Decision: nesting is what every merge of types and bindings understands best
#: (a variable every branch assigns is simply bound after the chain), but each
#: level of it costs Python stack in tracing and in the passes over the IR, so a
#: chain of thousands of ``elif`` must not nest.  After a flat chain such a
#: variable is "maybe bound" (checked where it is read), and one flag more travels.
_NESTED_CHAIN_LENGTH = 16


class _JumpLowering:
    """Rewrites ``break``, ``continue`` and ``return`` into flag assignments.

    A jump sets its flag and the rest of its block is dropped; every later
    statement that could run after it is guarded by ``if not flag``, and the
    loops it leaves test the flag in their condition (a ``for`` gets an
    ``extra_test``).  A loop's ``else`` moves after the loop, guarded by
    ``not break_`` when the loop breaks.  ``raise`` also ends its block.
    Only plain Python statements are produced; later passes convert them.

    ``result`` is the base name of the variable the returned value is kept in: a
    ``retval`` one tells the tracer the type of a traced function's result
    (``frontend.variables``); a function traced into its caller's code (a nested def,
    a generator) has a result of another name, which is not its caller's.
    """

    def __init__(self, namer: _Namer, result: str = "retval_"):
        self._namer = namer
        self._result = result
        self._loop: _Loop | None = None
        self.flags: list[str] = []
        self.do_return: str | None = None
        self.retval: str | None = None

    def _flag(self, base: str) -> str:
        name = self._namer.new(base)
        self.flags.append(name)
        return name

    def block(self, stmts: list[ast.stmt]) -> tuple[list[ast.stmt], set[str], bool]:
        """The lowered block, the flags it may set, and whether it always jumps."""
        out: list[ast.stmt] = []
        flags: set[str] = set()
        pending = list(stmts)
        while pending:
            node = pending.pop(0)
            new, node_flags, jumps, trailing = self._statement(node)
            out += new
            flags |= node_flags
            if jumps:
                return out, flags, True
            pending = trailing + pending
            if node_flags and pending:
                rest, rest_flags, rest_jumps = self.block(pending)
                guard = _all([_not(flag) for flag in sorted(node_flags)])
                out.append(_at(pending[0], ast.If(guard, rest, [])))
                return out, flags | rest_flags, rest_jumps
        return out, flags, False

    def _statement(self, node: ast.stmt) -> tuple[list[ast.stmt], set[str], bool, list[ast.stmt]]:
        """(new statements, flags they may set, always jumps, statements to run after them)."""
        if isinstance(node, (ast.Break, ast.Continue)):
            flag = self._loop_flag("break_" if isinstance(node, ast.Break) else "continue_")
            return [_at(node, _assign(flag, ast.Constant(True)))], {flag}, True, []
        if isinstance(node, ast.Return):
            lowered = self._return(node)
            return lowered, {self.do_return}, True, []
        if isinstance(node, ast.Raise):
            return [node], set(), True, []
        if isinstance(node, ast.If) and len(_elif_chain(node)) > _NESTED_CHAIN_LENGTH:
            return self._flat_chain(_elif_chain(node))
        if isinstance(node, ast.If):
            node.body, body_flags, body_jumps = self.block(node.body)
            node.orelse, else_flags, else_jumps = self.block(node.orelse)
            return [node], body_flags | else_flags, body_jumps and else_jumps, []
        if isinstance(node, (ast.While, ast.For)):
            return self._loop_statement(node)
        if isinstance(node, ast.Try):
            return self._try(node)
        if isinstance(node, ast.AnnAssign):  # annotations of local variables are never evaluated
            node = _at(node, ast.Assign([node.target], node.value) if node.value else ast.Pass())
        return [node], set(), False, []

    def _flat_chain(self, chain: list[ast.If]) -> tuple[list[ast.stmt], set[str], bool, list[ast.stmt]]:
        """A long ``if``/``elif`` chain as a sequence of ``if`` statements (see
        ``_NESTED_CHAIN_LENGTH``): a flag records that a branch was taken, and
        each later test runs only while it is false --
        ``taken = False; if t0: taken = True; ...; if not taken and t1: ...;
        if not taken: <else>`` -- so tests and branches run exactly as in the chain."""
        taken = self._flag("branch_taken")
        out = [_at(chain[0], _assign(taken, ast.Constant(False)))]
        flags: set[str] = set()
        jumps = True
        for branch in chain:
            body, body_flags, body_jumps = self.block(branch.body)
            test = branch.test if branch is chain[0] else \
                _at(branch.test, ast.BoolOp(ast.And(), [_not(taken), branch.test]))
            out.append(_at(branch, ast.If(test, [_at(branch, _assign(taken, ast.Constant(True))), *body], [])))
            flags |= body_flags
            jumps = jumps and body_jumps
        orelse, else_flags, else_jumps = self.block(chain[-1].orelse)
        if orelse:
            out.append(_at(chain[-1].orelse[0], ast.If(_not(taken), orelse, [])))
        return out, flags | else_flags, jumps and else_jumps, []

    def _try(self, node: ast.Try) -> tuple[list[ast.stmt], set[str], bool, list[ast.stmt]]:
        """Each clause lowered on its own; the ``else`` clause is guarded by the flags the
        body may set (a ``return`` in the body leaves the statement: its ``else`` does not
        run).  Each handler gets the name its exception is passed in (a bare ``raise``
        raises it again)."""
        node.body, flags, _ = self._lowered(node.body)
        body_flags = set(flags)
        for handler in node.handlers:
            setattr(handler, _EXCEPTION, self._namer.new("exc_"))
            handler.body, handler_flags, _ = self._lowered(handler.body)
            flags |= handler_flags
        node.orelse, else_flags, _ = self._lowered(node.orelse)
        if body_flags and node.orelse:
            node.orelse = [_at(node.orelse[0], ast.If(_all([_not(f) for f in sorted(body_flags)]), node.orelse, []))]
        node.finalbody, _, _ = self._lowered(node.finalbody)   # no jumps there (validation)
        return [node], flags | else_flags, False, []

    def _lowered(self, stmts: list[ast.stmt]) -> tuple[list[ast.stmt], set[str], bool]:
        """:meth:`block`, with ``pass`` for an empty result (a clause must keep a statement)."""
        out, flags, jumps = self.block(stmts)
        return (out or ([_at(stmts[0], ast.Pass())] if stmts else [])), flags, jumps

    def _loop_flag(self, kind: str) -> str:
        """The current loop's ``break_`` or ``continue_`` flag."""
        if getattr(self._loop, kind) is None:
            setattr(self._loop, kind, self._flag(kind))
        return getattr(self._loop, kind)

    def _return(self, node: ast.Return) -> list[ast.stmt]:
        if self.do_return is None:
            self.do_return, self.retval = self._flag("do_return"), self._flag(self._result)
        value = node.value or _at(node, ast.Constant(None))
        # named(value, 'retval_...') lets the tracer see each return's type (recursion)
        value = _at(value, _ag("named", value, ast.Constant(self.retval)))
        # the value first: if computing it raises, the function has not returned (a handler runs)
        return [_at(node, _assign(self.retval, value)),
                _at(node, _assign(self.do_return, ast.Constant(True)))]

    def _loop_statement(self, node: ast.While | ast.For):
        outer, self._loop = self._loop, _Loop()
        node.body, flags, _ = self.block(node.body)
        loop, self._loop = self._loop, outer
        before, conditions = [], []
        if loop.break_:
            before.append(_at(node, _assign(loop.break_, ast.Constant(False))))
            conditions.append(_not(loop.break_))
        if loop.continue_:
            before.append(_at(node, _assign(loop.continue_, ast.Constant(False))))
            node.body.insert(0, _at(node, _assign(loop.continue_, ast.Constant(False))))
        if self.do_return in flags:
            conditions.append(_not(self.do_return))
        if isinstance(node, ast.While):
            node.test = _at(node.test, _all([*conditions, node.test]))
        else:
            setattr(node, _EXTRA_TEST, _at(node, _all(conditions)) if conditions else None)
        trailing, node.orelse = node.orelse, []
        if loop.break_ and trailing:
            trailing = [_at(trailing[0], ast.If(_not(loop.break_), trailing, []))]
        return [*before, node], flags & {self.do_return}, False, trailing


# ============================================================== 3. expressions
_COMPARE_SYMBOLS = {
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
    ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in",
}


_DIVISIONS = {ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%"}
#: the other augmented assignments' operators (``operators.in_place``)
_AUGMENTED = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Pow: "**", ast.MatMult: "@", ast.LShift: "<<",
              ast.RShift: ">>", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^"}


def _percent_format(node: ast.expr) -> ast.expr:
    """``"..." % values`` (a constant string on the left) as ``ag__.percent_format``, which
    makes text of traced values (``frontend.text``); ``/``, ``//`` and ``%`` as
    ``ag__.divide`` (by zero, ``error_model="numpy"`` gives NumPy's results also for
    numbers known while compiling); any other node as it is."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) \
            and isinstance(node.left.value, str):
        return _at(node, _ag("percent_format", node.left, node.right))
    if isinstance(node, ast.BinOp) and type(node.op) in _DIVISIONS:
        return _at(node, _ag("divide", ast.Constant(_DIVISIONS[type(node.op)]), node.left, node.right))
    return node


#: the methods that change a list, a dict or a set
_CONTAINER_CHANGES = frozenset({"append", "extend", "insert", "pop", "remove", "reverse", "clear", "sort",
                                "setdefault", "update", "popitem", "add", "discard", "intersection_update",
                                "difference_update", "symmetric_difference_update"})
#: the augmented assignments that change a set or dict in place (``s |= t``)
_IN_PLACE_OPERATORS = (ast.BitOr, ast.BitAnd, ast.Sub, ast.BitXor)


def _changed_in_blocks(body: list[ast.stmt]) -> set[str]:
    """The variables whose value is changed in place -- ``x.append(v)`` (a list method that
    changes it), ``x[i] = v``, ``x[i] += v`` -- inside a loop or a branch of the function
    (not of its nested defs): a list, dict or set such a variable holds is made a run-time one
    where it is assigned (``frontend.lists``, ``frontend.hashed``), so that reads of it inside
    the loop see the changes.  A ``for`` over a display (``for name in ("a", "b")``) runs
    while compiling, so changes in it alone leave the container a Python one (a dict of
    arrays may be filled there).  ``x |= y`` (``&=``, ``-=``, ``^=``) anywhere counts: a Python
    set would be replaced, not changed, by a run-time one (another name for it would not see it)."""
    changed: set[str] = set()
    pending: list[tuple[ast.AST, bool]] = [(stmt, False) for stmt in body]   # no recursion: code nests deeply
    while pending:
        node, inside = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) \
                and isinstance(node.op, _IN_PLACE_OPERATORS):
            changed.add(node.target.id)
        if inside:
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in _CONTAINER_CHANGES and isinstance(node.func.value, ast.Name):
                changed.add(node.func.value.id)
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else \
                [node.target] if isinstance(node, ast.AugAssign) else []
            for target in targets:
                if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                    changed.add(target.value.id)
        nested = inside or isinstance(node, (ast.While, ast.If, ast.Try, ast.With)) \
            or isinstance(node, ast.For) and not isinstance(node.iter, (ast.Tuple, ast.List))
        pending += [(child, nested and not (isinstance(node, ast.For) and child is node.iter))
                    for child in ast.iter_child_nodes(node)]
    return changed


class _ExprConverter(ast.NodeTransformer):
    """Routes expressions through ``ag__`` operators.

    ``variables`` are the user's local variables that are assigned somewhere
    (parameters that are never reassigned are left alone): their reads become
    ``ag__.ld(x)`` and ``x = e`` becomes ``x = ag__.named(e, 'x')``.  ``free`` are
    the variables of the functions the function is nested in that it reads; a read
    of one, or of a variable from a lambda or comprehension, is ``ag__.ld_free(x)``
    (where it is unbound, CPython's ``NameError`` of a free variable).
    """

    def __init__(self, variables: set[str], free: set[str] = frozenset(), changed: set[str] = frozenset()):
        self._variables = variables
        self._free = free
        self._changed = changed
        self._inner: list[set[str]] = []
        self._handlers: list[str] = []   # the exception parameters of the except clauses around

    def _is_variable(self, name: str) -> bool:
        return name in self._variables and not any(name in bound for bound in self._inner)

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if not isinstance(node.ctx, ast.Load) or any(node.id in bound for bound in self._inner):
            return node
        if node.id in self._free or self._inner and node.id in self._variables:
            return _at(node, _ag("ld_free", node))
        if node.id in self._variables:
            return _at(node, _ag("ld", node))
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        """A nested def, converted already: its defaults are expressions of this function."""
        node.args.defaults = [self.visit(d) for d in node.args.defaults]
        node.args.kw_defaults = [d if d is None else self.visit(d) for d in node.args.kw_defaults]
        return node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.stmt:
        """``x /= y`` (also ``//=``, ``%=``) of a name: ``x = ag__.divide_in_place("/", x, y)``
        (``operator.itruediv``, in place for an array; see :func:`_percent_format`); any other
        ``x op= y`` of a variable: ``x = ag__.in_place("op", x, y)``, so that ``x`` is read as
        every read of a variable is (``ag__.ld``: a variable bound on some paths only is
        checked there, ``UnboundLocalError`` where it is not)."""
        if not isinstance(node.target, ast.Name) or \
                type(node.op) not in _DIVISIONS and not self._is_variable(node.target.id):
            self.generic_visit(node)
            return node
        if type(node.op) in _DIVISIONS:
            value = _ag("divide_in_place", ast.Constant(_DIVISIONS[type(node.op)]), _load(node.target.id), node.value)
        else:
            value = _ag("in_place", ast.Constant(_AUGMENTED[type(node.op)]), _load(node.target.id), node.value)
        return self.visit(_at(node, ast.Assign([ast.Name(node.target.id, ast.Store())], _at(node, value))))

    def visit_Assign(self, node: ast.Assign) -> ast.Assign:
        """``x = v`` of a variable: ``ag__.named`` (and ``ag__.run_time_container``), as each
        ``a, b = v, w`` of a display of as many items; ``a, b = v`` of a value not written as a
        display: ``ag__.unpacked(v, 2)``, which takes a run-time list or tuple apart
        (``frontend.lists``)."""
        self.generic_visit(node)
        target = node.targets[0]
        if len(node.targets) == 1 and isinstance(target, (ast.Tuple, ast.List)) and \
                not isinstance(node.value, (ast.Tuple, ast.List)) and \
                not any(isinstance(e, ast.Starred) for e in target.elts):
            node.value = _at(node.value, _ag("unpacked", node.value, ast.Constant(len(target.elts))))
        if len(node.targets) == 1 and isinstance(target, ast.Name):
            node.value = self._named(target, node.value)
        elif len(node.targets) == 1 and isinstance(target, (ast.Tuple, ast.List)) and \
                isinstance(node.value, (ast.Tuple, ast.List)) and len(target.elts) == len(node.value.elts) and \
                not any(isinstance(e, ast.Starred) for e in (*target.elts, *node.value.elts)):
            node.value.elts = [self._named(t, v) if isinstance(t, ast.Name) else v   # a, b = [], []
                               for t, v in zip(target.elts, node.value.elts)]
        return node

    def _named(self, target: ast.Name, value: ast.expr) -> ast.expr:
        """``value`` as assigned to the variable ``target``: through ``ag__.named`` (and
        ``ag__.run_time_container``)."""
        if not self._is_variable(target.id):
            return value
        if target.id in self._changed:   # a list, dict or set it holds is one at run time from here on
            value = _at(value, _ag("run_time_container", value))
        return _at(value, _ag("named", value, ast.Constant(target.id)))

    def visit_Delete(self, node: ast.Delete) -> ast.stmt:
        """``del x[k], y[j]``: ``ag__.delitem(x, k), ag__.delitem(y, j)`` -- each container and key
        computed, then its item deleted, in order, as CPython does (``frontend.dicts``)."""
        calls = [_at(t, _ag("delitem", self.visit(t.value), self.visit(t.slice))) for t in node.targets]
        return _at(node, ast.Expr(calls[0] if len(calls) == 1 else ast.Tuple(calls, ast.Load())))

    def visit_Call(self, node: ast.Call) -> ast.Call:
        self.generic_visit(node)
        if not _is_operator_call(node):
            node.func = _at(node.func, _ag("call", node.func))
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        spine = _binop_spine(node)
        spine[-1].left = self.visit(spine[-1].left)
        for op in reversed(spine):
            op.right = self.visit(op.right)
        for op in reversed(spine[:-1]):   # innermost first: an outer call takes its operand node
            op.left = _percent_format(op.left)
        return _percent_format(node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.expr:
        """An f-string: ``ag__.format_string`` of its constant pieces and ``(value, conversion,
        spec)`` fields (the spec an f-string itself), which makes the text (``frontend.text``)."""
        parts: list[ast.expr] = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                conversion = None if value.conversion == -1 else chr(value.conversion)
                spec = self.visit(value.format_spec) if value.format_spec is not None else ast.Constant("")
                value = ast.Tuple([self.visit(value.value), ast.Constant(conversion), spec], ast.Load())
            parts.append(value)
        return _at(node, _ag("format_string", ast.Tuple(parts, ast.Load())))

    def visit_If(self, node: ast.If | ast.While) -> ast.stmt:
        """``if test:`` (``while test:``): the test's truth alone is used (:meth:`_truth_only`)."""
        test, node.test = node.test, ast.Constant(None)
        self.generic_visit(node)
        node.test = self._truth_only(test)
        return node

    visit_While = visit_If

    def _truth_only(self, node: ast.expr) -> ast.expr:
        """An expression whose truth alone is used (a test): ``and``/``or`` in it as
        ``ag__.and_test``/``or_test`` of its operands' truths -- the truth of the value CPython's
        ``and`` gives -- so that operands of different types meet as bools (``if lst and
        lst[-1] > 0:``); ``not`` as ``ag__.not_`` of such a test; anything else converted as
        usual."""
        if isinstance(node, ast.BoolOp):
            operator = "and_test" if isinstance(node.op, ast.And) else "or_test"
            values = [self._truth_only(v) for v in node.values]
            result = values[-1]
            for value in reversed(values[:-1]):
                result = _at(node, _ag(operator, _thunk(value), _thunk(result)))
            return result
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return _at(node, _ag("not_", self._truth_only(node.operand)))
        return self.visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.expr:
        self.generic_visit(node)
        operator = "and_" if isinstance(node.op, ast.And) else "or_"
        result = node.values[-1]
        for value in reversed(node.values[:-1]):
            result = _at(node, _ag(operator, _thunk(value), _thunk(result)))
        return result

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.expr:
        self.generic_visit(node)
        return _at(node, _ag("not_", node.operand)) if isinstance(node.op, ast.Not) else node

    def visit_IfExp(self, node: ast.IfExp) -> ast.expr:
        test, node.test = node.test, ast.Constant(None)
        self.generic_visit(node)
        return _at(node, _ag("if_exp", self._truth_only(test), _thunk(node.body), _thunk(node.orelse)))

    def visit_Subscript(self, node: ast.Subscript) -> ast.expr:
        self.generic_visit(node)
        if not isinstance(node.ctx, ast.Load):  # x[k] = v, x[k] += v, del x[k]: x must be changeable
            node.value = _at(node.value, _ag("mutable", node.value))
            return node
        return _at(node, _ag("getitem", node.value, node.slice))

    def visit_Compare(self, node: ast.Compare) -> ast.expr:
        """Every comparison goes through ``ag__.chain_compare``: a chain's later operands are
        evaluated only where CPython evaluates them, ``in`` and ``is`` may test a traced value,
        and two tuples compare item by item (``frontend.sequences.tuple_compare``)."""
        self.generic_visit(node)
        args = [_thunk(node.left)]
        for op, right in zip(node.ops, node.comparators):
            args += [ast.Constant(_COMPARE_SYMBOLS[type(op)]), _thunk(right)]
        return _at(node, _ag("chain_compare", *args))

    def visit_Assert(self, node: ast.Assert) -> ast.stmt:
        test, node.test = node.test, ast.Constant(None)
        self.generic_visit(node)
        if not __debug__:  # python -O drops asserts
            return _at(node, ast.Pass())
        message = _thunk(node.msg) if node.msg else ast.Constant(None)
        return _at(node, ast.Expr(_ag("assert_", self._truth_only(test), message)))

    def visit_Raise(self, node: ast.Raise) -> ast.stmt:
        self.generic_visit(node)
        exc = node.exc if node.exc is not None else _load(self._handlers[-1])   # a bare raise: re-raise
        return _at(node, ast.Expr(_ag("raise_", exc)))

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.ExceptHandler:
        if node.type is not None:
            node.type = self.visit(node.type)
        self._handlers.append(getattr(node, _EXCEPTION))
        node.body = [self.visit(stmt) for stmt in node.body]
        self._handlers.pop()
        return node

    def visit_For(self, node: ast.For) -> ast.For:
        self.generic_visit(node)
        extra_test = getattr(node, _EXTRA_TEST, None)
        if extra_test is not None:
            setattr(node, _EXTRA_TEST, self.visit(extra_test))
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.Lambda:
        node.args = self.visit(node.args)
        self._inner.append(set(_arg_names(node.args)))
        node.body = self.visit(node.body)
        self._inner.pop()
        return node

    def _comprehension_scope(self, node: ast.AST) -> ast.AST:
        # The first iterable is evaluated in the enclosing scope, the rest in
        # the comprehension's, where its targets hide the function's variables.
        first = node.generators[0]
        outer_iter, first.iter = first.iter, ast.Constant(None)
        self._inner.append(_comprehension_targets(node))
        self.generic_visit(node)
        self._inner.pop()
        first.iter = self.visit(outer_iter)
        return node

    def visit_Dict(self, node: ast.Dict) -> ast.expr:
        """``{k: v, ...}`` (without ``**``): ``ag__.dict_display((k, v), ...)``, a run-time dict
        where a key is a run-time value (``frontend.dicts``); keys and values evaluated in order."""
        self.generic_visit(node)
        if any(k is None for k in node.keys):
            return node
        pairs = [ast.Tuple([k, v], ast.Load()) for k, v in zip(node.keys, node.values)]
        return _at(node, _ag("dict_display", *pairs))

    def visit_Set(self, node: ast.Set) -> ast.expr:
        """``{a, b, ...}`` (without ``*``): ``ag__.set_display(a, b, ...)`` (``frontend.sets``)."""
        self.generic_visit(node)
        if any(isinstance(e, ast.Starred) for e in node.elts):
            return node
        return _at(node, _ag("set_display", *node.elts))

    def visit_DictComp(self, node: ast.DictComp) -> ast.expr:
        """``{k: v for target in it if cond}`` with one ``for``: ``ag__.dict_comp(lambda target:
        (k, v), it, lambda target: cond)`` (``frontend.dicts``); Python builds any other."""
        if len(node.generators) != 1 or node.generators[0].is_async or not _plain_target(node.generators[0].target):
            return self._comprehension_scope(node)
        loop = node.generators[0]
        pair = _unpacking_lambda(loop.target, ast.Tuple([node.key, node.value], ast.Load()), [0])
        condition = _unpacking_lambda(loop.target, _all(loop.ifs), [0]) if loop.ifs else ast.Constant(None)
        return self.visit(_at(node, _ag("dict_comp", pair, loop.iter, condition)))

    def visit_SetComp(self, node: ast.SetComp) -> ast.expr:
        """``{e for target in it if cond}`` with one ``for``: ``ag__.set_comp(...)`` as a list
        comprehension is (``frontend.sets``); Python builds any other."""
        if len(node.generators) != 1 or node.generators[0].is_async or not _plain_target(node.generators[0].target):
            return self._comprehension_scope(node)
        loop = node.generators[0]
        element = _unpacking_lambda(loop.target, node.elt, [0])
        condition = _unpacking_lambda(loop.target, _all(loop.ifs), [0]) if loop.ifs else ast.Constant(None)
        return self.visit(_at(node, _ag("set_comp", element, loop.iter, condition)))

    def visit_ListComp(self, node: ast.ListComp) -> ast.expr:
        """``[elt for target in it if cond]`` with one ``for``: ``ag__.list_comp(lambda target:
        elt, it, lambda target: cond)``, a run-time list where ``it`` is iterated at run time
        (``frontend.lists``); Python builds any other list comprehension."""
        if len(node.generators) != 1 or node.generators[0].is_async or not _plain_target(node.generators[0].target):
            return self._comprehension_scope(node)
        loop = node.generators[0]
        element = _unpacking_lambda(loop.target, node.elt, [0])
        condition = _unpacking_lambda(loop.target, _all(loop.ifs), [0]) if loop.ifs else ast.Constant(None)
        return self.visit(_at(node, _ag("list_comp", element, loop.iter, condition)))

    def visit_GeneratorExp(self, node: ast.GeneratorExp) -> ast.expr:
        """``(elt for target in it if cond)`` with one ``for``: ``ag__.generator_exp(lambda
        target: elt, it, lambda target: cond)``, which ``sum``/``any``/``all`` consume in a
        loop (``frontend.generators``); Python iterates any other generator expression."""
        if len(node.generators) != 1 or node.generators[0].is_async or not _plain_target(node.generators[0].target):
            return self._comprehension_scope(node)
        loop = node.generators[0]
        element = _unpacking_lambda(loop.target, node.elt, [0])
        condition = _unpacking_lambda(loop.target, _all(loop.ifs), [0]) if loop.ifs else ast.Constant(None)
        return self.visit(_at(node, _ag("generator_exp", element, loop.iter, condition)))


def _plain_target(target: ast.expr) -> bool:
    """A name, or a tuple of names and such tuples."""
    if isinstance(target, ast.Name):
        return True
    return isinstance(target, (ast.Tuple, ast.List)) and all(_plain_target(t) for t in target.elts)


def _unpacking_lambda(target: ast.expr, body: ast.expr, counter: list[int]) -> ast.Lambda:
    """``lambda target: body`` for a name target, else a lambda of one item that unpacks it
    as the ``for`` does: ``lambda ag__item_0: (lambda a, b: body)(*ag__item_0)``."""
    if isinstance(target, ast.Name):
        return _at(target, ast.Lambda(_arguments([target.id]), body))
    params = []
    for part in target.elts:
        if isinstance(part, ast.Name):
            params.append(part.id)
            continue
        name = f"{_AG}item_{counter[0]}"   # the ag__ prefix is the converter's: no user name clashes
        counter[0] += 1
        params.append(name)
        body = _at(part, ast.Call(_unpacking_lambda(part, body, counter), [_load(name)], []))
    item = f"{_AG}item_{counter[0]}"
    counter[0] += 1
    inner = _at(target, ast.Call(ast.Lambda(_arguments(params), body), [ast.Starred(_load(item), ast.Load())], []))
    return _at(target, ast.Lambda(_arguments([item]), inner))


# ============================================================== 4. control flow
class _ControlFlow:
    """Turns ``if``/``while``/``for`` into nested functions and an ``ag__`` call.

    The state of a construct is the variables it assigns that are read after
    it (anywhere textually later, or anywhere in an enclosing loop).  Each body
    function declares ``nonlocal`` every variable it assigns.

    Decision: every construct names its functions (and their parameters) the
    same -- ``if_body``, ``get_state``, ... -- since each defines them right
    before the operator call that takes them; a fresh name per construct
    would make CPython's ``compile()`` of a function with thousands of
    constructs quadratic (each nested scope copies the names of the enclosing ones).

    In a generator, a construct with a ``yield`` in it runs the body of the loop
    consuming the generator there, so its state also has the variables of that
    loop: ``ag__.generator_state`` adds them (``frontend.generator_functions``).
    """

    def __init__(self, namer: _Namer, generator: bool = False):
        self._namer = namer
        self._generator = generator
        self._generated = {base: namer.new(base) for base in
                           ("if_body", "else_body", "loop_body", "get_state", "set_state", "vars_", "itr")}
        self._memo: dict[int, tuple[ast.stmt, _ScopeNames]] = {}

    def _names(self, *nodes: ast.AST) -> _ScopeNames:
        names = _MemoNames(self._memo)
        for node in nodes:
            names.visit(node)
        return names

    def block(self, stmts: list[ast.stmt], live_out: set[str]) -> list[ast.stmt]:
        live_after = []
        live = set(live_out)
        for node in reversed(stmts):
            live_after.append(live)
            live = live | self._names(node).loads
        out = []
        for node, live in zip(stmts, reversed(live_after)):
            out += self._statement(node, live)
        return out

    def _statement(self, node: ast.stmt, live: set[str]) -> list[ast.stmt]:
        if isinstance(node, ast.If):
            return self._if(node, live)
        if isinstance(node, ast.While):
            return self._while(node, live)
        if isinstance(node, ast.For):
            return self._for(node, live)
        if isinstance(node, ast.Try):
            return self._try(node, live)
        return [node]

    def _if(self, node: ast.If, live: set[str]) -> list[ast.stmt]:
        # every variable the construct assigns travels through it: a branch must
        # never see what its sibling assigned, nor a retraced loop body what a
        # discarded trace left (even when only an inner construct's state reads it)
        state = sorted(self._names(node).stores)
        state_functions = self._state_functions(state)
        body = self._function("if_body", node.body, live)
        orelse = self._function("else_body", node.orelse, live)
        return self._emit(node, "if_stmt", [node.test], [body, orelse], state_functions, state)

    def _while(self, node: ast.While, live: set[str]) -> list[ast.stmt]:
        names = self._names(node)
        live = live | names.loads
        state = sorted(names.stores)  # see _if
        state_functions = self._state_functions(state)
        body = self._function("loop_body", node.body, live)
        return self._emit(node, "while_stmt", [_thunk(node.test)], [body], state_functions, state)

    def _for(self, node: ast.For, live: set[str]) -> list[ast.stmt]:
        names = self._names(node)
        live = live | names.loads
        state = sorted(names.stores | self._names(node.target).stores)  # see _if
        state_functions = self._state_functions(state)
        item = self._generated["itr"]
        target = _at(node.target, ast.Assign([node.target], _load(item)))
        body = self._function("loop_body", node.body, live, params=[item], prologue=[target])
        extra_test = getattr(node, _EXTRA_TEST, None)
        extra = _thunk(extra_test) if extra_test is not None else ast.Constant(None)
        return self._emit(node, "for_stmt", [node.iter, extra], [body], state_functions, state)

    def _try(self, node: ast.Try, live: set[str]) -> list[ast.stmt]:
        """``ag__.try_stmt(try_body, ((lambda: classes, except_body_k), ...), else_body,
        finally_body, ...)``; a handler takes its exception as a parameter, binds its
        ``as`` name to it and unbinds the name at its end (as CPython deletes it)."""
        state = sorted(self._names(node).stores)  # see _if
        state_functions = self._state_functions(state)
        live = live | self._names(node).loads   # a handler may run after any point of the body
        functions = [self._function("try_body", node.body, live)]
        handlers = []
        for k, handler in enumerate(node.handlers):
            exception = getattr(handler, _EXCEPTION)
            bind = [_at(handler, _assign(handler.name, _load(exception)))] if handler.name else []
            unbind = [_at(handler, _assign(handler.name, _ag("Undefined", ast.Constant(handler.name))))] \
                if handler.name else []
            function = self._function(f"except_body_{k}", [*handler.body, *unbind], live, params=[exception],
                                      prologue=bind)
            functions.append(function)
            classes = _thunk(handler.type) if handler.type is not None else ast.Constant(None)
            handlers.append(ast.Tuple([classes, _load(function.name)], ast.Load()))
        clauses = []
        for base, stmts in (("else_body", node.orelse), ("finally_body", node.finalbody)):
            if stmts:
                functions.append(self._function(base, stmts, live))
            clauses.append(_load(functions[-1].name) if stmts else ast.Constant(None))
        names = ast.Tuple([ast.Constant(n) for n in state], ast.Load())
        call = _ag("try_stmt", _load(functions[0].name), ast.Tuple(handlers, ast.Load()), *clauses,
                   *(_load(f.name) for f in state_functions), names)
        return [_at(node, s) for s in (*state_functions, *functions, ast.Expr(call))]

    def _state_functions(self, state: list[str]) -> tuple[ast.FunctionDef, ast.FunctionDef]:
        get_name, set_name, values = (self._generated[n] for n in ("get_state", "set_state", "vars_"))
        get_state = _def(get_name, [], [ast.Return(_tuple(state, ast.Load))])
        assign = [ast.Nonlocal(state), ast.Assign([_tuple(state, ast.Store)], _load(values))] if state else []
        return get_state, _def(set_name, [values], assign)

    def _function(self, base: str, stmts: list[ast.stmt], live: set[str],
                  params: Sequence[str] = (), prologue: Sequence[ast.stmt] = ()) -> ast.FunctionDef:
        if base not in self._generated:
            self._generated[base] = self._namer.new(base)
        name = self._generated[base]
        assigned = sorted(self._names(*prologue, *stmts).stores)
        declare = [ast.Nonlocal(assigned)] if assigned else []
        return _def(name, params, [*declare, *prologue, *self.block(stmts, live)])

    def _emit(self, node: ast.stmt, operator: str, leading: list[ast.expr], bodies: list[ast.FunctionDef],
              state_functions: tuple[ast.FunctionDef, ast.FunctionDef], state: list[str]) -> list[ast.stmt]:
        names = ast.Tuple([ast.Constant(n) for n in state], ast.Load())
        state_args = [*(_load(f.name) for f in state_functions), names]
        if self._generator and _yields(node):
            state_args = [ast.Starred(_ag("generator_state", *state_args), ast.Load())]
        call = _ag(operator, *leading, *(_load(f.name) for f in bodies), *state_args)
        return [_at(node, s) for s in (*state_functions, *bodies, ast.Expr(call))]


def _yields(node: ast.stmt) -> bool:
    """Whether a statement of a generator (converted) has a ``yield`` of it in it."""
    pending: list[ast.AST] = [node]
    while pending:
        child = pending.pop()
        if isinstance(child, ast.Call) and _is_operator_call(child) and child.func.attr == "yield_":
            return True
        pending += [c for c in ast.iter_child_nodes(child) if not isinstance(c, ast.FunctionDef)]
    return False


# ============================================================== building
@record(frozen=True)
class Converted:
    """The result of :func:`convert`."""

    original: Callable
    #: the converted function: same parameters and defaults as ``original``
    function: Callable

    @property
    def changed_in_blocks(self) -> frozenset[str]:
        """The variables (parameters too) whose value the function changes in place inside a loop
        or a branch (see :func:`_changed_in_blocks`)."""
        node, _, _ = get_function_ast(self.original)
        return frozenset(_changed_in_blocks(node.body))

    @property
    def source(self) -> str:
        """The converted source, for users to read (converted again: only tools ask for it)."""
        node, filename, _ = get_function_ast(self.original)
        return ast.unparse(_convert_def(node, filename, self.original.__code__.co_freevars))


#: func -> (its code, its closure values, converted function) at conversion
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def convert(func: Callable) -> Converted:
    """Convert ``func`` (cached per function object until its code or closure changes)."""
    code = getattr(func, "__code__", None)
    if code is None:
        raise _no_source(func)
    closure = _closure_values(func)
    cached = _CACHE.get(func)
    if (cached is None or cached[0] is not code or len(cached[1]) != len(closure)
            or any(a is not b for a, b in zip(cached[1], closure))):
        cached = (code, closure, _convert(func, closure))
        _CACHE[func] = cached
    return Converted(func, cached[2])


def _closure_values(func: Callable) -> list[Any]:
    values = []
    for name, cell in zip(func.__code__.co_freevars, func.__closure__ or ()):
        try:
            values.append(cell.cell_contents)
        except ValueError:
            raise CompileError(f"the free variable '{name}' of {func.__qualname__} has no value yet; "
                               "assign it in the enclosing function before compiling",
                               Location(func.__code__.co_filename, func.__code__.co_firstlineno)) from None
    return values


def _convert(func: Callable, closure: list[Any]) -> Callable:
    node, filename, _ = get_function_ast(func)
    converted = _convert_def(node, filename, func.__code__.co_freevars)
    inner = _build(converted, filename, func.__code__.co_freevars, closure)
    code = inner.__code__.replace(co_name=func.__code__.co_name, co_qualname=func.__qualname__)
    function = types.FunctionType(code, func.__globals__, func.__name__, func.__defaults__, inner.__closure__)
    function.__kwdefaults__ = dict(func.__kwdefaults__) if func.__kwdefaults__ else None
    function.__doc__ = func.__doc__
    function.__annotations__ = dict(func.__annotations__)
    register_converted(code)
    return function


def _convert_def(node: ast.FunctionDef, filename: str, freevars: tuple[str, ...]) -> ast.FunctionDef:
    """The converted definition (same name and parameters as ``node``)."""
    if isinstance(node, ast.AsyncFunctionDef):
        raise UnsupportedError(f"async def is not supported in compiled functions; {_ASYNC}",
                               Location(filename, node.lineno, node.col_offset))
    variables = _names(*node.body).stores
    validator = _Validator(filename, set(_arg_names(node.args)) | variables)
    for stmt in node.body:
        validator.visit(stmt)
    taken = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    taken |= {a.arg for a in ast.walk(node) if isinstance(a, ast.arg)}
    namer = _Namer(taken | set(freevars) | {_AG})
    converted = _convert_function(node, variables, set(), namer, inline=_is_generator(node))
    _fix_locations(converted)
    return converted


def _convert_function(node: ast.FunctionDef, variables: set[str], enclosing: set[str], namer: _Namer,
                      inline: bool) -> ast.FunctionDef:
    """The converted definition of ``node`` (validated already), whose local variables
    are ``variables``; ``enclosing``: the variables of the functions it is nested in
    that it may read (a read of one where it is unbound is CPython's ``NameError``).
    ``inline``: the function is traced into its caller's code (a nested def, a
    generator), so its result is no traced function's result.  Its nested defs are
    converted first, as functions of their own that close over its variables."""
    params = set(_arg_names(node.args))
    free = enclosing - params - variables
    generator = _is_generator(node)
    always = _always_exits(node.body)
    changed = _changed_in_blocks(node.body)   # before the passes below rewrite the statements
    body = _NestedDefs(variables | free, namer).block(node.body)
    if generator:
        body = _yields_lowered(body)
    lowering = _JumpLowering(namer, "result_" if inline else "retval_")
    body, _, _ = lowering.block(body)
    converter = _ExprConverter(variables, free, changed)
    body = [converter.visit(stmt) for stmt in body]

    docstring = body[:1] if ast.get_docstring(node) is not None else []
    inits = [_at(node, s) for s in _initialisations(sorted(variables - params), lowering)]
    ending = []
    if lowering.do_return:
        result = _ag("nested_result" if inline else "return_value", _load(lowering.do_return),
                     _load(lowering.retval), ast.Constant(always))
        ending.append(_at(node, ast.Return(result)))
    body = _ControlFlow(namer, generator).block([*docstring, *inits, *body[len(docstring):], *ending], set())
    converted = ast.FunctionDef(name=node.name, args=node.args, body=body, decorator_list=[],
                                returns=None, type_comment=None)
    return _at(node, converted)


class _NestedDefs:
    """Converts the nested defs of a block (inside its compound statements too, not inside
    other nested defs: each converts its own).  Decision: their annotations are dropped
    (CPython evaluates them when the def runs; compiled code never reads them)."""

    def __init__(self, visible: set[str], namer: _Namer):
        self._visible = visible
        self._namer = namer

    def block(self, stmts: list[ast.stmt]) -> list[ast.stmt]:
        return [self._statement(stmt) for stmt in stmts]

    def _statement(self, node: ast.stmt) -> ast.stmt:
        if isinstance(node, ast.FunctionDef):
            args = node.args
            for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
                if arg is not None:
                    arg.annotation = None
            generator = _is_generator(node)
            node = _convert_function(node, _names(*node.body).stores, self._visible, self._namer, inline=True)
            if generator:   # its converted code has no yield left: the tracer must know it is a generator
                node.decorator_list = [_at(node, ast.Attribute(_load(_AG), "generator_function", ast.Load()))]
            return node
        if isinstance(node, ast.If):
            chain = _elif_chain(node)
            for branch in chain:
                branch.body = self.block(branch.body)
            chain[-1].orelse = self.block(chain[-1].orelse)
        elif isinstance(node, (ast.For, ast.While)):
            node.body, node.orelse = self.block(node.body), self.block(node.orelse)
        elif isinstance(node, ast.Try):
            node.body, node.orelse, node.finalbody = (self.block(part) for part in
                                                      (node.body, node.orelse, node.finalbody))
            for handler in node.handlers:
                handler.body = self.block(handler.body)
        return node


def _own_statements(stmts: list[ast.stmt]) -> Iterable[ast.stmt]:
    """The statements of a block and of its compound statements, not of nested defs."""
    pending = list(stmts)
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, (ast.If, ast.For, ast.While)):
            pending += [*node.body, *node.orelse]
        elif isinstance(node, ast.Try):
            pending += [*node.body, *node.orelse, *node.finalbody, *(s for h in node.handlers for s in h.body)]


def _is_generator(node: ast.FunctionDef) -> bool:
    """Whether ``node`` is a generator function: a ``yield`` statement of its own (the
    validation refused every other use of ``yield``)."""
    return any(isinstance(s, ast.Expr) and isinstance(s.value, (ast.Yield, ast.YieldFrom))
               for s in _own_statements(node.body))


def _yields_lowered(stmts: list[ast.stmt]) -> list[ast.stmt]:
    """``yield v`` as ``if ag__.yield_(v): return``: the loop consuming the generator runs
    its body on ``v``, and the generator ends where that loop ends (a ``break`` or
    ``return`` in it), running none of its code after the ``yield`` (CPython would
    not resume it)."""
    out = []
    for node in stmts:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Yield):
            value = node.value.value or _at(node, ast.Constant(None))
            node = _at(node, ast.If(_at(node, _ag("yield_", value)), [_at(node, ast.Return(None))], []))
        elif isinstance(node, ast.If):
            chain = _elif_chain(node)
            for branch in chain:
                branch.body = _yields_lowered(branch.body)
            chain[-1].orelse = _yields_lowered(chain[-1].orelse)
        elif isinstance(node, (ast.For, ast.While)):
            node.body, node.orelse = _yields_lowered(node.body), _yields_lowered(node.orelse)
        out.append(node)
    return out


def _initialisations(variables: list[str], lowering: _JumpLowering) -> list[ast.stmt]:
    """Bind every variable at the top: ``x = ag__.Undefined('x')``, flags ``= False``."""
    inits = [_assign(name, _ag("Undefined", ast.Constant(name))) for name in (*variables, lowering.retval)
             if name is not None]
    return inits + [_assign(flag, ast.Constant(False)) for flag in lowering.flags if flag != lowering.retval]


def _build(converted: ast.FunctionDef, filename: str, freevars: tuple[str, ...],
           closure: list[Any]) -> types.FunctionType:
    """Compile ``converted`` inside a factory whose parameters are ``ag__`` and the free variables.

    Defaults and annotations are dropped from the compiled definition: the
    caller puts the original ones on the function it builds.
    """
    converted.name = _CONVERTED
    args = converted.args
    args.defaults, args.kw_defaults = [], [None] * len(args.kwonlyargs)
    for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
        if arg is not None:
            arg.annotation = None
    result = _at(converted, ast.Return(_at(converted, _load(_CONVERTED))))
    factory = _at(converted, _def(_FACTORY, [_AG, *freevars], [converted, result]))
    for arg in factory.args.args:
        _at(converted, arg)
    module = ast.Module([factory], type_ignores=[])  # ``converted`` has every location already
    namespace: dict[str, Any] = {}
    exec(_compile(module, filename), namespace)
    return namespace[_FACTORY](operators, *closure)


#: held by every parse and compile of the frontend: CPython 3.11 keeps the depth of
#: its conversions between C and Python syntax trees in interpreter-wide state, so
#: two threads parsing or compiling at once can fail with ``SystemError: AST
#: constructor recursion depth mismatch`` (CPython issue gh-106905); it is also held
#: while the recursion limit is raised for a ``compile()``
_AST_LOCK = threading.Lock()


def _parse(source: str) -> ast.Module:
    with _AST_LOCK:
        return ast.parse(source)


def _compile(source: str | ast.Module, filename: str, flags: int = 0) -> types.CodeType:
    """``compile(source, filename, "exec")`` with CPython's headroom for source text.

    CPython compiles source text nested up to three times its recursion limit
    deep, but refuses an AST object nested deeper than the limit itself; a
    converted tree is about as deep as the user's source (a sum of 2,000 terms
    is 2,000 levels), which CPython compiled.  Decision: the limit is three
    times as high during the call (under a lock, and restored right after), so
    what CPython compiled compiles again; the C stack this takes is what
    CPython's own compiling of the source took.
    """
    with _AST_LOCK:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(3 * limit)
        try:
            return compile(source, filename, "exec", flags=flags, dont_inherit=True)
        finally:
            sys.setrecursionlimit(limit)
