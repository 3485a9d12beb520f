"""A seeded generator of well-typed programs in the compiler's supported subset.

``generate(seed)`` returns a :class:`Program`: the source of a module with 1-4
functions and, for each function, its name and parameter types.  Every
generated function terminates, keeps its ints far inside int64 (values are
reduced with ``% 1000003`` before they could grow too large), gives every
variable one type on all paths, and avoids the documented differences from
CPython (int ** negative, int/float unification, wrap-around).

Parameter types: ``int``, ``float``, ``bool``, ``f64[]``, ``i64[]`` (1-D arrays,
non-empty, read and written with ``a[i % len(a)]`` or, in a share of programs
(``Program.in_bounds`` false), with an index that may be out of range).  An
array type names a kind, float or int: elements are read through ``float()``
or ``int()``, so the source is the same whatever the inputs' dtypes (the
runner's ``--dtypes``).  Arrays are written with values of their own kind only
(NumPy would truncate a float stored into an int array, and raise for NaN); an
int out of a narrow dtype's range raises ``OverflowError``, compiled as in NumPy.

Statements include ``print`` of values (with ``sep``/``end``) inside loops and
branches, and expressions draw from NumPy's global generator (``np.random.random()``,
``randn``, ``normal``, ``uniform``, ``exponential``, ``randint``); the runner seeds
it before every call and compares what was printed.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

SCALARS = ("int", "float", "bool")
ARRAYS = ("f64[]", "i64[]")
MOD = 1000003
#: every int variable stays within this magnitude
VAR_BOUND = 10 ** 12
#: no int subexpression may exceed this magnitude
EXPR_LIMIT = 10 ** 17


@dataclass
class Function:
    name: str
    params: list[tuple[str, str]]   # (name, type)
    result: tuple[str, ...]          # one type, or several for a tuple


@dataclass
class Program:
    seed: object
    source: str
    functions: list[Function] = field(default_factory=list)
    #: the program indexes arrays, every index reduced modulo the length: worth
    #: checking (and safe to run) compiled without bounds checks
    in_bounds: bool = False


class _Scope:
    """Variables visible at a point: name -> (type, bound) for ints."""

    def __init__(self, parent: "_Scope | None" = None):
        self.vars: dict[str, str] = {} if parent is None else dict(parent.vars)
        self.readonly: set[str] = set() if parent is None else set(parent.readonly)

    def child(self) -> "_Scope":
        return _Scope(self)

    def of_type(self, t: str, writable: bool = False) -> list[str]:
        return [n for n, ty in self.vars.items() if ty == t and not (writable and n in self.readonly)]


class Generator:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.seed = seed
        self.functions: list[Function] = []
        self.counter = 0
        self.oob = self.r.random() < 0.2       # indices that may be out of range
        self.lines: list[str] = []
        self.uses_random = False                  # np.random in an expression: the program imports numpy

    # ------------------------------------------------------------ helpers
    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def emit(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    # ------------------------------------------------------------ expressions
    def int_literal(self) -> tuple[str, int]:
        v = self.r.choice([0, 1, 2, 3, 5, 7, 10, -1, -2, -3, 13, 100, 1000, 12345, -999])
        return (f"({v})" if v < 0 else str(v)), abs(v)

    def float_literal(self) -> str:
        v = self.r.choice(["0.0", "1.0", "0.5", "2.5", "-1.5", "3.0", "1e-3", "100.0", "-0.0", "1e10", "0.1"])
        return f"({v})" if v.startswith("-") else v

    def array_index(self, scope: _Scope, a: str, depth: int) -> str:
        idx, _ = self.int_expr(scope, depth + 1)
        if self.oob and self.chance(0.4):
            return idx                        # may be out of range
        return f"({idx}) % len({a})"

    def array_read(self, scope: _Scope, dtype: str, depth: int) -> str | None:
        arrays = scope.of_type(dtype)
        if not arrays:
            return None
        a = self.r.choice(arrays)
        conv = "float" if dtype == "f64[]" else "int"
        return f"{conv}({a}[{self.array_index(scope, a, depth)}])"

    def clamp(self, text: str, bound: int, limit: int) -> tuple[str, int]:
        if bound > limit:
            return f"(({text}) % {MOD})", MOD
        return text, bound

    def int_expr(self, scope: _Scope, depth: int = 0) -> tuple[str, int]:
        """An int expression and a bound on its magnitude."""
        r = self.r
        leaf = depth >= 3 or self.chance(0.3 + 0.15 * depth)
        if leaf:
            choices = []
            names = scope.of_type("int")
            if names:
                choices += ["var"] * 3
            choices += ["lit"]
            if scope.of_type("i64[]") and depth < 3:
                choices.append("arr")
            kind = r.choice(choices)
            if kind == "var":
                return r.choice(names), VAR_BOUND
            if kind == "arr":
                text = self.array_read(scope, "i64[]", depth)
                return f"(({text}) % {MOD})", MOD   # elements are small, but keep the bound obvious
            return self.int_literal()
        kind = r.choice(["bin"] * 6 + ["pow", "shift", "abs", "minmax", "ternary", "unary", "fromfloat",
                                       "andor", "call", "random"])
        if kind == "random":
            self.uses_random = True
            low = r.randint(-5, 5)
            return f"np.random.randint({low}, {low + r.randint(1, 20)})", 25
        if kind == "bin":
            op = r.choice(["+", "-", "*", "//", "%", "+", "-", "*"])
            a, ba = self.int_expr(scope, depth + 1)
            b, bb = self.int_expr(scope, depth + 1)
            if op in "+-":
                bound = ba + bb
            elif op == "*":
                if ba * bb > EXPR_LIMIT:
                    a, ba = self.clamp(a, ba, 0)
                    b, bb = self.clamp(b, bb, 0)
                bound = ba * bb
            elif op == "//":
                bound = ba
            else:
                bound = bb
            return f"({a} {op} {b})", bound
        if kind == "pow":
            k = r.choice([0, 1, 2, 2, 3])
            a, ba = self.int_expr(scope, depth + 1)
            if ba ** max(k, 1) > EXPR_LIMIT:
                a, ba = f"(({a}) % 1009)", 1009
            return f"({a} ** {k})", max(ba ** k, 1)
        if kind == "shift":
            k = r.randint(0, 8)
            a, ba = self.int_expr(scope, depth + 1)
            if r.random() < 0.5:
                return f"({a} >> {k})", ba
            a, ba = self.clamp(a, ba, EXPR_LIMIT >> 8)
            return f"({a} << {k})", ba << k
        if kind == "abs":
            a, ba = self.int_expr(scope, depth + 1)
            return f"abs({a})", ba
        if kind == "minmax":
            n = r.choice([2, 2, 3])
            parts = [self.int_expr(scope, depth + 1) for _ in range(n)]
            return f"{r.choice(['min', 'max'])}({', '.join(p for p, _ in parts)})", max(b for _, b in parts)
        if kind == "ternary":
            c = self.bool_expr(scope, depth + 1)
            a, ba = self.int_expr(scope, depth + 1)
            b, bb = self.int_expr(scope, depth + 1)
            return f"({a} if {c} else {b})", max(ba, bb)
        if kind == "unary":
            a, ba = self.int_expr(scope, depth + 1)
            return f"(-{a})", ba
        if kind == "fromfloat":
            f = self.float_expr(scope, depth + 1)
            return f"int(({f}) % 1000.0)", 1000
        if kind == "andor":
            a, ba = self.int_expr(scope, depth + 1)
            b, bb = self.int_expr(scope, depth + 1)
            return f"({a} {r.choice(['and', 'or'])} {b})", max(ba, bb)
        if kind == "call":
            got = self.call_expr(scope, "int", depth)
            if got is not None:
                return self.clamp(got, VAR_BOUND, 0)
        return self.int_literal()

    def float_expr(self, scope: _Scope, depth: int = 0) -> str:
        r = self.r
        leaf = depth >= 3 or self.chance(0.3 + 0.15 * depth)
        if leaf:
            choices = ["lit"]
            names = scope.of_type("float")
            if names:
                choices += ["var"] * 3
            if scope.of_type("f64[]") and depth < 3:
                choices.append("arr")
            kind = r.choice(choices)
            if kind == "var":
                return r.choice(names)
            if kind == "arr":
                return self.array_read(scope, "f64[]", depth)
            return self.float_literal()
        kind = r.choice(["bin"] * 6 + ["mixed", "pow", "abs", "minmax", "ternary", "unary", "fromint",
                                       "truediv", "andor", "call", "random"])
        if kind == "random":
            self.uses_random = True
            return r.choice(["np.random.random()", "np.random.randn()", "np.random.normal(1.0, 2.0)",
                             "np.random.uniform(-3.0, 3.0)", "np.random.exponential(0.5)"])
        if kind == "bin":
            op = r.choice(["+", "-", "*", "//", "%", "+", "-", "*", "/"])
            return f"({self.float_expr(scope, depth + 1)} {op} {self.float_expr(scope, depth + 1)})"
        if kind == "mixed":
            op = r.choice(["+", "-", "*", "/"])
            a, b = self.float_expr(scope, depth + 1), self.int_expr(scope, depth + 1)[0]
            if r.random() < 0.5:
                a, b = b, a
            return f"({a} {op} {b})"
        if kind == "truediv":
            return f"({self.int_expr(scope, depth + 1)[0]} / {self.int_expr(scope, depth + 1)[0]})"
        if kind == "pow":
            k = r.choice(["0", "1", "2", "3", "2", "0.5", "2.0"])
            base = self.float_expr(scope, depth + 1)
            if "." in k:   # a negative base with a fractional power is complex in CPython (documented)
                base = f"abs({base})"
            return f"({base} ** {k})"
        if kind == "abs":
            return f"abs({self.float_expr(scope, depth + 1)})"
        if kind == "minmax":
            n = r.choice([2, 2, 3])
            return f"{r.choice(['min', 'max'])}({', '.join(self.float_expr(scope, depth + 1) for _ in range(n))})"
        if kind == "ternary":
            c = self.bool_expr(scope, depth + 1)
            return f"({self.float_expr(scope, depth + 1)} if {c} else {self.float_expr(scope, depth + 1)})"
        if kind == "unary":
            return f"(-{self.float_expr(scope, depth + 1)})"
        if kind == "fromint":
            return f"float({self.int_expr(scope, depth + 1)[0]})"
        if kind == "andor":
            return f"({self.float_expr(scope, depth + 1)} {r.choice(['and', 'or'])} {self.float_expr(scope, depth + 1)})"
        if kind == "call":
            got = self.call_expr(scope, "float", depth)
            if got is not None:
                return got
        return self.float_literal()

    def bool_expr(self, scope: _Scope, depth: int = 0) -> str:
        r = self.r
        leaf = depth >= 3 or self.chance(0.25 + 0.15 * depth)
        if leaf:
            names = scope.of_type("bool")
            if names and r.random() < 0.6:
                return r.choice(names)
            if r.random() < 0.2:
                return r.choice(["True", "False"])
        kind = r.choice(["cmp"] * 4 + ["chain", "not", "andor", "andor", "notnum", "call"])
        if kind == "cmp" or depth >= 3:
            op = r.choice(["<", "<=", ">", ">=", "==", "!="])
            t = r.choice(["int", "int", "float", "mixed"])
            if t == "int":
                a, b = self.int_expr(scope, depth + 1)[0], self.int_expr(scope, depth + 1)[0]
            elif t == "float":
                a, b = self.float_expr(scope, depth + 1), self.float_expr(scope, depth + 1)
            else:   # ints beyond 2**53 compare differently with floats (documented)
                a = self.clamp(*self.int_expr(scope, depth + 1), 2 ** 53)[0]
                b = self.float_expr(scope, depth + 1)
            return f"({a} {op} {b})"
        if kind == "chain":
            ops = [r.choice(["<", "<=", ">", "==", "!="]) for _ in range(2)]
            xs = [self.int_expr(scope, depth + 1)[0] for _ in range(3)]
            return f"({xs[0]} {ops[0]} {xs[1]} {ops[1]} {xs[2]})"
        if kind == "not":
            return f"(not {self.bool_expr(scope, depth + 1)})"
        if kind == "andor":
            return f"({self.bool_expr(scope, depth + 1)} {r.choice(['and', 'or'])} {self.bool_expr(scope, depth + 1)})"
        if kind == "notnum":
            x = self.int_expr(scope, depth + 1)[0] if r.random() < 0.5 else self.float_expr(scope, depth + 1)
            return f"(not {x})"
        if kind == "call":
            got = self.call_expr(scope, "bool", depth)
            if got is not None:
                return got
        return "True"

    def expr(self, scope: _Scope, t: str, depth: int = 0) -> str:
        if t == "int":
            text, bound = self.int_expr(scope, depth)
            return self.clamp(text, bound, VAR_BOUND)[0]
        if t == "float":
            return self.float_expr(scope, depth)
        return self.bool_expr(scope, depth)

    def call_args(self, scope: _Scope, callee: Function, depth: int) -> str | None:
        args = []
        for _, t in callee.params:
            if t in ARRAYS:
                arrays = scope.of_type(t)
                if not arrays:
                    return None
                args.append(self.r.choice(arrays))
            else:
                args.append(self.expr(scope, t, depth + 2))
        return ", ".join(args)

    def call_expr(self, scope: _Scope, t: str, depth: int) -> str | None:
        """A call of an earlier function returning ``t`` (a single value)."""
        if depth > 1:
            return None
        callees = [f for f in self.functions if f.result == (t,)]
        if not callees:
            return None
        callee = self.r.choice(callees)
        args = self.call_args(scope, callee, depth)
        return None if args is None else f"{callee.name}({args})"

    # ------------------------------------------------------------ statements
    def block(self, scope: _Scope, depth: int, ctx: dict, n: int | None = None) -> None:
        n = n if n is not None else self.r.randint(1, 4)
        for _ in range(n):
            self.statement(scope, depth, ctx)

    def assign_target(self, scope: _Scope, t: str) -> str:
        existing = scope.of_type(t, writable=True)
        if existing and self.chance(0.6):
            return existing and self.r.choice(existing)
        name = self.fresh({"int": "i", "float": "x", "bool": "b"}[t])
        return name

    def statement(self, scope: _Scope, depth: int, ctx: dict) -> None:
        r = self.r
        nest = ctx["nest"]
        kinds = ["assign"] * 5 + ["aug"] * 2
        if nest < 3:
            kinds += ["if", "if", "while", "for"]
        if ctx["loops"]:
            kinds += ["break", "continue"]
        kinds += ["return", "print"]
        if any(len(f.result) > 1 for f in self.functions):
            kinds += ["unpack"]
        if scope.of_type("f64[]") or scope.of_type("i64[]"):
            kinds += ["store"]
        kind = r.choice(kinds)
        if kind == "assign":
            t = r.choice(SCALARS)
            value = self.expr(scope, t)
            target = self.assign_target(scope, t)
            self.emit(depth, f"{target} = {value}")
            scope.vars[target] = t
        elif kind == "aug":
            t = r.choice(["int", "int", "float"])
            names = scope.of_type(t, writable=True)
            if not names:
                return self.statement(scope, depth, ctx)
            target = r.choice(names)
            if t == "int":
                op = r.choice(["+=", "-=", "*=", "//=", "%="])
                value, bound = self.int_expr(scope, 1)
                value, bound = self.clamp(value, bound, VAR_BOUND if op != "*=" else MOD)
                self.emit(depth, f"{target} {op} {value}")
                if op in ("+=", "-=", "*="):
                    self.emit(depth, f"{target} %= {MOD}")
            else:
                op = r.choice(["+=", "-=", "*=", "/="])
                self.emit(depth, f"{target} {op} {self.float_expr(scope, 1)}")
        elif kind == "store":
            a = r.choice(scope.of_type("f64[]") + scope.of_type("i64[]"))
            value = self.float_expr(scope, 1) if scope.vars[a] == "f64[]" else self.expr(scope, "int", 1)
            op = r.choice(["=", "=", "+="]) if scope.vars[a] == "f64[]" else "="
            self.emit(depth, f"{a}[{self.array_index(scope, a, 0)}] {op} {value}")
        elif kind == "unpack":
            callees = [f for f in self.functions if len(f.result) > 1]
            callee = r.choice(callees)
            args = self.call_args(scope, callee, 0)
            if args is None:
                return self.statement(scope, depth, ctx)
            targets = []
            for t in callee.result:
                name = self.fresh({"int": "i", "float": "x", "bool": "b"}[t])
                targets.append(name)
            self.emit(depth, f"{', '.join(targets)} = {callee.name}({args})")
            for name, t in zip(targets, callee.result):   # ints returned are within VAR_BOUND
                scope.vars[name] = t
        elif kind == "if":
            self.emit(depth, f"if {self.bool_expr(scope)}:")
            self.block(scope.child(), depth + 1, dict(ctx, nest=nest + 1))
            for _ in range(r.choice([0, 0, 1, 2])):
                self.emit(depth, f"elif {self.bool_expr(scope)}:")
                self.block(scope.child(), depth + 1, dict(ctx, nest=nest + 1))
            if self.chance(0.5):
                self.emit(depth, "else:")
                self.block(scope.child(), depth + 1, dict(ctx, nest=nest + 1))
        elif kind == "while":
            c = self.fresh("c")
            limit = r.choice(["0", "1", "2", "3", "4"])
            ints = scope.of_type("int")
            if ints and self.chance(0.4):
                limit = f"min({r.choice(ints)}, 4)"
            self.emit(depth, f"{c} = 0")
            cond = f"{c} < {limit}"
            if self.chance(0.4):
                cond += f" and {self.bool_expr(scope, 1)}"
            self.emit(depth, f"while {cond}:")
            inner = scope.child()
            self.emit(depth + 1, f"{c} += 1")
            inner.vars[c] = "int"
            inner.readonly.add(c)
            scope.vars[c] = "int"
            scope.readonly.add(c)
            self.block(inner, depth + 1, dict(ctx, nest=nest + 1, loops=ctx["loops"] + 1))
            if self.chance(0.3):
                self.emit(depth, "else:")
                self.block(scope.child(), depth + 1, dict(ctx, nest=nest + 1))
        elif kind == "for":
            i = self.fresh("k")
            ints = scope.of_type("int")
            form = r.choice(["const1", "const2", "const3", "param1", "param2", "param3"] if ints
                            else ["const1", "const2", "const3"])
            if form == "const1":
                rng = f"range({r.randint(0, 5)})"
            elif form == "const2":
                lo = r.randint(-3, 3)
                rng = f"range({lo}, {lo + r.randint(-1, 5)})"
            elif form == "const3":
                lo = r.randint(-5, 5)
                step = r.choice([1, 2, 3, -1, -2])
                rng = f"range({lo}, {lo + step * r.randint(-1, 4)}, {step})"
            elif form == "param1":
                rng = f"range({r.choice(ints)} % {r.randint(1, 6)})"
            elif form == "param2":
                v = r.choice(ints)
                rng = f"range({v} % 7, {v} % 7 + {r.randint(0, 4)})"
            else:
                v = r.choice(ints)
                step = r.choice(["1", "-1", "2", f"({v} % 3 - 1)"])   # the last can be 0: ValueError
                rng = f"range({v} % 5, {r.randint(-4, 4)}, {step})"
            self.emit(depth, f"for {i} in {rng}:")
            inner = scope.child()
            inner.vars[i] = "int"
            inner.readonly.add(i)
            self.block(inner, depth + 1, dict(ctx, nest=nest + 1, loops=ctx["loops"] + 1))
            if self.chance(0.3):
                self.emit(depth, "else:")
                self.block(scope.child(), depth + 1, dict(ctx, nest=nest + 1))
        elif kind == "break":
            if self.chance(0.5):
                self.emit(depth, f"if {self.bool_expr(scope, 1)}:")
                self.emit(depth + 1, "break")
            else:
                self.emit(depth, "break")
        elif kind == "continue":
            self.emit(depth, f"if {self.bool_expr(scope, 1)}:")
            self.emit(depth + 1, "continue")
        elif kind == "return":
            self.emit(depth, f"if {self.bool_expr(scope, 1)}:")
            self.emit(depth + 1, f"return {self.result_expr(scope, ctx['result'])}")
        elif kind == "print":
            values = [self.expr(scope, r.choice(SCALARS), 1) for _ in range(r.randint(0, 3))]
            if self.chance(0.3):
                values.insert(0, repr(r.choice(["tick", "x =", "a b"])))
            values += [option for option in ("sep=','", "end=';\\n'") if self.chance(0.2)]
            self.emit(depth, f"print({', '.join(values)})")

    def result_expr(self, scope: _Scope, result: tuple[str, ...]) -> str:
        parts = [self.expr(scope, t, 1) for t in result]
        return parts[0] if len(parts) == 1 else "(" + ", ".join(parts) + ")"

    # ------------------------------------------------------------ functions
    def function(self, index: int) -> Function:
        r = self.r
        params = []
        for j in range(r.randint(0, 4)):
            t = r.choice(["int", "int", "float", "float", "bool"] + (["f64[]", "i64[]"] if r.random() < 0.4 else []))
            params.append((f"{'a' if t in ARRAYS else 'p'}{j}", t))
        if r.random() < 0.25:
            result = tuple(r.choice(SCALARS) for _ in range(r.randint(2, 3)))
        else:
            result = (r.choice(["int", "int", "float", "float", "bool"]),)
        fn = Function(f"f{index}", params, result)
        scope = _Scope()
        for name, t in params:
            scope.vars[name] = t
        self.emit(0, f"def {fn.name}({', '.join(n for n, _ in params)}):")
        ctx = {"nest": 0, "loops": 0, "result": result}
        self.block(scope, 1, ctx, r.randint(2, 7))
        self.emit(1, f"return {self.result_expr(scope, result)}")
        self.emit(0, "")
        self.emit(0, "")
        return fn

    def program(self) -> Program:
        self.emit(0, f"# generated program, seed {self.seed!r}")
        self.emit(0, "")
        self.emit(0, "")
        for k in range(self.r.randint(1, 4)):
            fn = self.function(k)
            self.functions.append(fn)
        uses_arrays = any(t in ARRAYS for f in self.functions for _, t in f.params)
        if self.uses_random:
            self.lines[1:1] = ["import numpy as np", ""]
        return Program(self.seed, "\n".join(self.lines).rstrip() + "\n", list(self.functions),
                       in_bounds=uses_arrays and not self.oob)


def generate(seed) -> Program:
    """The program for ``seed`` (any value ``random.Random`` accepts)."""
    return Generator(seed).program()


if __name__ == "__main__":
    import sys

    print(generate(sys.argv[1] if len(sys.argv) > 1 else 0).source)
