"""Programs with ``prange`` loops for the differential fuzzer (``compiler.passes.parallel``).

``generator.generate`` makes a share of its programs here (``PRANGE_PROGRAMS``; all of them
when the seed starts with ``prange``).  They import ``prange`` from ``compiler`` (outside
compiled code it is ``range``, so CPython runs them as the sequential loops they mean) and
are marked ``Program.parallel``: the runner compiles them with ``parallel=True`` too.

A function has array parameters (``f64[n]``, ``i64[m]``, ``f64[n,m]``: float or int arrays
of any dtype the runner's ``--dtypes`` gives, 0 elements included) and scalars, and runs one
or two ``prange`` loops (``for i in prange(...)``: ``n``, ``(1, n)``, ``(n - 1, -1, -1)``,
``(0, n, 2)``, ranges of the scalar parameters, empty ones, now and then a step that is 0)
whose trips do only what gives the sequential loop's result when they run at once:

* write their own elements: ``out[i] = <expr>`` (of an array allocated before the loop with
  a dtype from int8 to uint64, float32 or float64, or of a parameter), ``out[i] += ...``,
  ``o2[i, j] = ...`` in an inner ``range`` (or ``prange``: it runs as a plain loop), rows
  ``o2[i, :] = b[i, :] * x``, and columns ``o2[:, i] = ...`` of loops over columns; an array
  written by one loop is read anywhere by the next;
* read the arrays the loop does not write at any index: ``x[i]``, ``x[(i * 7) % len(x)]``,
  ``x[len(x) - 1 - i]``, ``x[(expr) % len(x)]``, rows and elements of 2-D arrays;
* accumulate reductions, under conditions and in inner loops, several at once: Python ints
  (``+= -= ^= |= &=``, ``*=`` by 1..3, ``min``/``max``, ``if t > s: s = t``), NumPy ints of
  every width started near their limits, which wrap -- ``w = np.int64(9223372036854775000)``,
  ``w += np.int64(t)``, ``w *= ...``: NumPy's scalars wrap under CPython as compiled code does
  --, bools (``|= &= ^=``), floats and ``np.float32`` by ``min``/``max``/comparisons (exact),
  and Python float sums and products of clamped terms (``Function.approx``: compared to the
  runner's ``REDUCTION_RTOL``, a parallel sum adding in another order);
* compute trip-local temporaries: scalars, small arrays (``np.full(3, x)``, a row times a
  number) written and reduced in the trip; the loop variable and a variable each trip sets
  anew are read after the loop (the last trip's);
* raise, in a share of the loops: an index out of range, ``//`` or ``%`` by an int that is 0
  in some trips, an int out of a narrow array's range (``OverflowError``); the first failing
  trip in sequential order gives the exception and its message.

Nothing the parallel pass refuses is generated (no reads of a written array other than at
the trip's index, no draws, prints, calls, lists or text in the loops, no loop variable that
can be negative where a loop writes ``out[i]``: two trips would write one element).  A later
function calls an earlier one with views of its arrays (reversed, strided, ``b.T``: an
F-ordered array; two views of one array for two parameters, which the compiled loop must run
in order) and returns the exact ones of its results.
"""
from __future__ import annotations

from dataclasses import dataclass

from .generator import Function, Generator, Program, _Scope

#: NumPy integer accumulators: dtype -> (bits, signed, starting values near the limits)
INT_ACCUMULATORS = {
    "np.int64": (64, True, ["9223372036854775000", "(-9223372036854775807)", "4611686018427387904", "0", "1"]),
    "np.uint64": (64, False, ["18446744073709551000", "9223372036854775808", "0", "1"]),
    "np.int32": (32, True, ["2147483000", "(-2147483648)", "0", "1"]),
    "np.uint32": (32, False, ["4294967000", "0", "1"]),
    "np.int16": (16, True, ["32700", "(-32768)", "0", "1"]),
    "np.uint16": (16, False, ["65500", "0", "1"]),
    "np.int8": (8, True, ["127", "(-128)", "100", "0", "1"]),
    "np.uint8": (8, False, ["255", "200", "0", "1"]),
}
#: SHARED_WRITTEN_ARGUMENTS: a function whose loop writes an array parameter, called with the same
#: array for a parameter it reads through another view (``g(a, a[::-1])``), is refused as a race with
#: ``parallel=True`` once the call is inlined (trips would read what others write), as it should be:
#: the array a written parameter gets (a view of it too) is passed to no other parameter
#: the share of divisions in loops whose divisor is kept from 0 (``PrangeGenerator.operation``)
DIVISOR_GUARD = 0.9
#: the dtypes of the arrays the functions allocate and their trips write
OUT_DTYPES = ["np.float64", "np.float64", "np.float32", "np.int64", "np.int64", "np.int32", "np.int16", "np.int8",
              "np.uint8", "np.uint16", "np.uint32", "np.uint64"]


@dataclass
class _Array:
    name: str
    kind: str            # "f" or "i"
    ndim: int
    dtype: str | None    # known for the arrays a function allocates, else None (the runner's dtype)
    like: str | None = None   # a 2-D array whose rows have this one's extent


@dataclass
class _Acc:
    name: str
    kind: str            # "int" (Python int), "np" (a NumPy int type), "bool", "float", "f32"
    form: str            # "+=", "min", "cmp", ... (one per accumulator: one operator only)
    dtype: str = ""      # for "np"
    approx: bool = False


def _wrap(dtype: str, text: str) -> str:
    """``text`` (a Python int expression of magnitude below 10**12) as a ``dtype`` scalar."""
    bits, signed, _ = INT_ACCUMULATORS[dtype]
    if bits == 64:
        return f"{dtype}({text})" if signed else f"{dtype}(abs({text}))"
    if signed:
        return f"{dtype}(({text}) % {2 ** bits} - {2 ** (bits - 1)})"
    return f"{dtype}(({text}) % {2 ** bits})"


class PrangeGenerator(Generator):
    """Functions with ``prange`` loops; the scalar expressions are the base generator's, without
    draws, calls and text inside the loops (``Generator.in_prange``)."""

    def __init__(self, seed):
        super().__init__(seed)
        self.arrays: dict[str, _Array] = {}
        self.loopvar: str | None = None     # the trip's index inside a loop
        self.written: set[str] = set()      # arrays the current loop writes
        self.results: list[tuple[str, bool]] = []   # (text, exact) of the current function
        self.sigs: list[tuple[Function, list[bool]]] = []
        self.writes: dict[str, set[str]] = {}   # function -> the array parameters it writes (calls too)
        self.used: set[str] = set()         # accumulators the current loop accumulated

    # ------------------------------------------------------------ expressions
    def operation(self, a: str, op: str, b: str | None = None) -> str:
        """The base generator's, a divisor in loops mostly kept from 0 (``i`` is 0 in the first
        trip: otherwise most calls would raise); the loops' ``risky_trip`` statements divide by 0."""
        if self.in_prange and op in ("/", "//", "%") and b is not None and self.r.random() < DIVISOR_GUARD:
            b = f"({b} if {b} != 0 else 7)"
        return super().operation(a, op, b)

    # ------------------------------------------------------------ reads
    def array_index(self, scope: _Scope, a: str, depth: int, oob: bool = False) -> str:
        r = self.r
        i = self.loopvar
        arr = self.arrays.get(a)
        if arr is not None and arr.ndim == 2:
            return self.index_2d(scope, a, depth)
        if i is None or r.random() < 0.3:
            return super().array_index(scope, a, depth, oob)
        form = r.random()
        if form < 0.35:
            return i
        if form < 0.55:
            return f"({i} * 7) % len({a})"
        if form < 0.75:
            return f"len({a}) - 1 - {i}"
        if form < 0.9:
            return f"({i} + {r.randint(1, 3)}) % len({a})"
        return f"{i} + {r.randint(1, 3)}"   # out of range in the last trips

    def index_2d(self, scope: _Scope, a: str, depth: int) -> str:
        r = self.r
        i = self.loopvar
        ints = scope.of_type("int")
        col = r.choice([f"({r.choice(ints)}) % {a}.shape[1]" if ints else "0", "-1", "0"])
        if i is not None and r.random() < 0.7:
            return f"{i} % {a}.shape[0], {col}"
        idx, _ = self.int_expr(scope, depth + 1)
        return f"({idx}) % {a}.shape[0], {col}"

    def readable(self, scope: _Scope) -> None:
        """Put the arrays the loop does not write in ``scope`` for the base generator's reads."""
        for name, arr in self.arrays.items():
            if name not in self.written:
                scope.vars[name] = "f64[]" if arr.kind == "f" else "i64[]"
            else:
                scope.vars.pop(name, None)

    # ------------------------------------------------------------ values
    def int_value(self, scope: _Scope) -> str:
        return self.expr(scope, "int", 1)

    def float_value(self, scope: _Scope) -> str:
        return self.float_expr(scope, 1)

    def clamped(self, scope: _Scope, low: float = -1000.0, high: float = 1000.0) -> str:
        """A float term whose sums' rounding stays far below the runner's tolerance (NaN stays NaN)."""
        return f"min(max({self.float_value(scope)}, {low}), {high})"

    def store_value(self, scope: _Scope, arr: _Array) -> str:
        r = self.r
        if arr.kind == "f":
            return self.float_value(scope)
        value = self.int_value(scope)
        if r.random() < 0.12:   # may be out of a narrow (or unsigned) dtype's range: OverflowError
            return value
        return f"({value}) % 100"

    # ------------------------------------------------------------ accumulators
    def new_accumulator(self, scope: _Scope, depth: int, inner_ok: bool) -> _Acc:
        r = self.r
        kind = r.choice(["int", "int", "np", "np", "np", "bool", "float", "float", "f32"])
        name = self.fresh({"int": "s", "np": "w", "bool": "b", "float": "m", "f32": "m"}[kind])
        if kind == "int":
            form = r.choice(["+=", "+=", "-=", "^=", "|=", "&=", "min", "max", "cmp>", "cmp<"] + (["*="] if inner_ok else []))
            init = r.choice(["0", "1", "(-1)", "7", "1000"]) if form != "&=" else "(-1)"
            acc = _Acc(name, kind, form)
        elif kind == "np":
            dtype = r.choice(list(INT_ACCUMULATORS))
            form = r.choice(["+=", "+=", "-=", "*=", "^=", "|=", "&=", "min", "max", "cmp>", "cmp<"])
            init = f"{dtype}({r.choice(INT_ACCUMULATORS[dtype][2])})"
            acc = _Acc(name, kind, form, dtype)
        elif kind == "bool":
            form = r.choice(["|=", "&=", "^="])
            init = r.choice(["False", "True"])
            acc = _Acc(name, kind, form)
        elif kind == "float":
            form = r.choice(["min", "max", "cmp>", "cmp<", "+=", "+=", "-="] + (["*="] if inner_ok else []))
            init = r.choice(["0.0", "(-1.5)", "1.0", "1e10", "(-0.0)", "np.inf", "(-np.inf)"])
            acc = _Acc(name, kind, form, approx=form in ("+=", "-=", "*="))
        else:
            form = r.choice(["min", "max", "cmp>", "cmp<"])
            init = f"np.float32({r.choice(['0.0', '2.5', '(-3.5)', '1e30'])})"
            acc = _Acc(name, kind, form)
        self.emit(depth, f"{name} = {init}")
        return acc

    def accumulate(self, acc: _Acc, scope: _Scope, depth: int, nest: int = 0) -> None:
        r = self.r
        name, form = acc.name, acc.form
        self.used.add(name)
        if acc.kind == "bool":
            value = self.bool_expr(scope, 1)
            self.emit(depth, f"{name} {form} {value}")
            return
        if acc.kind == "int":
            value = self.int_value(scope) if form != "*=" else f"(({self.int_value(scope)}) % 3 + 1)"
        elif acc.kind == "np":
            value = _wrap(acc.dtype, self.int_value(scope))
        elif acc.kind == "float":
            value = self.clamped(scope) if form in ("+=", "-=") else \
                self.clamped(scope, 0.5, 2.0) if form == "*=" else self.float_value(scope)   # (no underflow: inf * 0)
        else:
            value = f"np.float32({self.float_value(scope)})"
        if form in ("min", "max"):
            self.emit(depth, f"{name} = {form}({name}, {value})" if r.random() < 0.7 else
                      f"{name} = {form}({value}, {name})" if acc.kind in ("int", "np") else
                      f"{name} = {form}({name}, {value})")   # floats: min(x, s) keeps x on ties, not s
            return
        if form in ("cmp>", "cmp<"):   # max or min written as a comparison (strict for floats)
            t = self.fresh("t")
            self.emit(depth, f"{t} = {value}")
            op = form[-1] + ("=" if acc.kind in ("int", "np") and r.random() < 0.4 else "")
            if r.random() < 0.6:
                self.emit(depth, f"if {t} {op} {name}:")
                self.emit(depth + 1, f"{name} = {t}")
            else:
                self.emit(depth, f"{name} = {t} if {t} {op} {name} else {name}")
            return
        self.emit(depth, f"{name} {form} {value}")

    # ------------------------------------------------------------ trip statements
    def trip_block(self, scope: _Scope, depth: int, loop: dict, n: int, nest: int) -> None:
        before = len(self.lines)
        for _ in range(n):
            self.trip_statement(scope, depth, loop, nest)
        if len(self.lines) == before:
            self.emit(depth, "pass")

    def trip_statement(self, scope: _Scope, depth: int, loop: dict, nest: int) -> None:
        r = self.r
        kinds = ["reduce"] * 4 + ["temp"] * 2
        if loop["outs"]:
            kinds += ["store"] * 4
        if nest < 2:
            kinds += ["if", "inner"]
        if loop["risky"]:
            kinds += ["risky"]
        if nest == 0:
            kinds += ["array_temp"]
        kind = r.choice(kinds)
        if kind == "reduce":
            if not loop["accs"]:
                return self.temp(scope, depth)
            acc = r.choice(loop["accs"])
            if acc.form == "*=" and nest and acc.kind in ("int", "float"):   # bounded: not in inner loops
                return self.temp(scope, depth)
            self.accumulate(acc, scope, depth, nest)
        elif kind == "temp":
            self.temp(scope, depth)
        elif kind == "store":
            self.store(scope, depth, loop)
        elif kind == "if":
            self.emit(depth, f"if {self.bool_expr(scope)}:")
            self.trip_block(scope.child(), depth + 1, loop, r.randint(1, 3), nest + 1)
            if r.random() < 0.5:
                self.emit(depth, "else:")
                self.trip_block(scope.child(), depth + 1, loop, r.randint(1, 2), nest + 1)
        elif kind == "inner":
            j = self.fresh("j")
            bound = r.choice(["3", "2", f"{loop['two'][0]}.shape[1]" if loop["two"] else "4",
                              f"({self.int_value(scope)}) % 4"] + ([f"{loop['two'][0]}.shape[1]"] if loop["two"] else []))
            word = "prange" if r.random() < 0.35 else "range"   # a prange inside runs as a plain loop
            self.emit(depth, f"for {j} in {word}({bound}):")
            inner = scope.child()
            inner.vars[j] = "int"
            inner.readonly.add(j)
            if loop["two"] and "shape[1]" in bound and r.random() < 0.7:
                o2 = loop["two"][0]
                self.emit(depth + 1, f"{o2}[{self.loopvar}, {j}] = {self.store_value(inner, self.arrays[o2])}")
            self.trip_block(inner, depth + 1, loop, r.randint(1, 2), nest + 1)
        elif kind == "risky":
            self.risky_trip(scope, depth)
        else:
            self.array_temp(scope, depth)

    def temp(self, scope: _Scope, depth: int) -> None:
        t = self.r.choice(["int", "int", "float", "bool"])
        name = self.fresh({"int": "t", "float": "y", "bool": "c"}[t])
        self.emit(depth, f"{name} = {self.expr(scope, t, 1)}")
        scope.vars[name] = t

    def array_temp(self, scope: _Scope, depth: int) -> None:
        """An array the trip allocates for itself, written and reduced in the trip."""
        r = self.r
        name, y = self.fresh("tmp"), self.fresh("y")
        rows = [a for a in self.arrays.values() if a.ndim == 2 and a.name not in self.written]
        if rows and r.random() < 0.4:
            b = r.choice(rows)
            self.emit(depth, f"{name} = {b.name}[{self.loopvar} % {b.name}.shape[0], :] * "
                             f"{r.choice(['2.0', '0.5', '(-1.0)'])}")
        else:
            self.emit(depth, f"{name} = np.full({r.randint(1, 4)}, {self.float_value(scope)})")
            self.emit(depth, f"{name}[{r.choice(['0', '-1'])}] = {self.float_value(scope)}")
        self.emit(depth, f"{y} = float({name}.{r.choice(['sum', 'max', 'min'])}()) if {name}.size else 0.0")
        scope.vars[y] = "float"

    def store(self, scope: _Scope, depth: int, loop: dict) -> None:
        r = self.r
        i = self.loopvar
        o = self.arrays[r.choice(loop["outs"])]
        if o.ndim == 2:
            if loop["columns"]:
                b = loop["source"]
                value = f"{b}[:, {i}] * {self.float_value(scope)}" if self.arrays[b].kind == "f" and o.kind == "f" \
                    else self.store_value(scope, o)
                self.emit(depth, f"{o.name}[:, {i}] = {value}")
                return
            if o.kind == "f" and o.like and self.arrays[o.like].kind == "f" and r.random() < 0.6:
                value = f"{o.like}[{i}, :] * {self.float_value(scope)}"
            else:
                value = self.store_value(scope, o)
            self.emit(depth, f"{o.name}[{i}, :] = {value}")
            return
        if o.kind == "f" and r.random() < 0.25:
            self.emit(depth, f"{o.name}[{i}] {r.choice(['+=', '-=', '*='])} {self.clamped(scope)}")
        elif r.random() < 0.15:   # the trip's own element read
            own = f"float({o.name}[{i}])" if o.kind == "f" else f"int({o.name}[{i}])"
            value = f"{own} * 0.5 + {self.float_value(scope)}" if o.kind == "f" else \
                f"({own} + {self.int_value(scope)}) % 50"
            self.emit(depth, f"{o.name}[{i}] = {value}")
        else:
            self.emit(depth, f"{o.name}[{i}] = {self.store_value(scope, o)}")

    def risky_trip(self, scope: _Scope, depth: int) -> None:
        """What raises in some trips: the first failing trip's error is the loop's."""
        r = self.r
        i = self.loopvar
        t = self.fresh("t")
        ones = [a for a in self.arrays.values() if a.ndim == 1 and a.name not in self.written]
        form = r.randrange(4)
        if form == 0 and ones:
            x = r.choice(ones)
            conv = "float" if x.kind == "f" else "int"
            index = r.choice([f"{i} + {r.randint(1, 3)}", f"{i} * 2", f"{i} - 9",
                              f"int({self.int_value(scope)}) % 9"])
            self.emit(depth, f"{t} = {conv}({x.name}[{index}])")
            scope.vars[t] = "float" if x.kind == "f" else "int"
            return
        op = r.choice(["//", "%"])
        ints = [a for a in ones if a.kind == "i"]
        if form == 1 and ints:
            x = r.choice(ints)
            divisor = f"(int({x.name}[{i} % len({x.name})]) % {r.randint(2, 5)})"
        else:
            divisor = f"({i} - {r.randint(0, 5)})"
        self.emit(depth, f"{t} = {self.int_value(scope)} {op} {divisor}")
        scope.vars[t] = "int"
        self.unreduced_index = True

    # ------------------------------------------------------------ loops
    def prange_range(self, scope: _Scope, n: str, writes: bool) -> str:
        r = self.r
        forms = [f"{n}", f"{n}", f"1, {n}", f"{n} - 1, -1, -1", f"0, {n}, 2", f"{n} - 1, -1, -2", f"2, {n}"]
        ints = scope.of_type("int")
        if ints:
            p = r.choice(ints)
            forms += [f"min({n}, {p} % 8)"]
            forms += [f"{p} % 4, {n}", f"{n} // 2, {n}"]
            if r.random() < 0.1 and not writes:   # (a step that may be negative: i may be, for all the pass knows)
                forms.append(f"0, {n}, {p} % 3 - 1")   # a step of 0: ValueError
        if not writes:   # negative trips read x[-1] ...; empty ranges
            forms += ["3, 1", "-2, 3", "5, -5, -3"]
            if ints:
                forms += [f"{r.choice(ints)} % 7 - 3, 4"]
        if r.random() < 0.03:
            forms = [f"{n}, 0, -1"]   # writes out[n]: IndexError in the first trip
        return f"prange({r.choice(forms)})"

    def loop(self, scope: _Scope, depth: int) -> None:
        """A prange loop with what it writes and accumulates allocated before it; its results."""
        r = self.r
        ones = [a for a in self.arrays.values() if a.ndim == 1]
        twos = [a for a in self.arrays.values() if a.ndim == 2]
        columns = bool(twos) and r.random() < 0.2
        driver = r.choice(twos) if twos and (columns or r.random() < 0.3) else r.choice(ones or twos)
        n = f"{driver.name}.shape[1]" if columns else f"len({driver.name})"
        outs: list[str] = []
        two: list[str] = []
        for _ in range(r.choice([0, 1, 1, 1, 2])):
            u = r.random()
            params = [a for a in self.arrays.values() if a.ndim == 1 and a.dtype is None and a.name not in outs]
            if columns or u < 0.4 and (driver.ndim == 2 or u < 0.1):
                kind = r.choice("ff" + ("i" if not columns else ""))
                name = self.fresh("o")
                like = None
                if columns:
                    self.emit(depth, f"{name} = np.zeros(({driver.name}.shape[0], {n}))")
                elif driver.ndim == 1:
                    self.emit(depth, f"{name} = np.zeros(({n}, {r.randint(1, 3)}), dtype=np.{'float64' if kind == 'f' else 'int32'})")
                elif u < 0.15:
                    self.emit(depth, f"{name} = np.zeros_like({driver.name})")
                    kind, like = driver.kind, driver.name
                else:
                    like = driver.name
                    self.emit(depth, f"{name} = np.zeros(({n}, {driver.name}.shape[1]), dtype=np.{'float64' if kind == 'f' else 'int32'})")
                self.arrays[name] = _Array(name, kind, 2, "local", like)
                if not columns:
                    two.append(name)
            elif params and u < 0.2 and not columns:   # an argument written at the trip's index
                outs.append(r.choice(params).name)
                self.writes[self.function_name].add(outs[-1])
                continue
            else:
                dtype = r.choice(OUT_DTYPES)
                name = self.fresh("o")
                extent = n if r.random() < 0.85 else f"{n} + 1"
                self.emit(depth, f"{name} = np.{r.choice(['zeros', 'zeros', 'ones'])}({extent}, dtype={dtype})")
                self.arrays[name] = _Array(name, "f" if "float" in dtype else "i", 1, dtype)
            outs.append(name)
        accs = [self.new_accumulator(scope, depth, True) for _ in range(r.choice([0, 1, 2, 2, 3, 4]))]
        last = None
        if r.random() < 0.2:   # read after the loop: the last trip's (or this, for no trip)
            last = self.fresh("i")
            self.emit(depth, f"{last} = -1")
        i = last or self.fresh("i")
        self.written = set(outs)
        inner = scope.child()
        self.readable(inner)
        inner.vars[i] = "int"
        inner.readonly.add(i)
        risky = r.random() < 0.3
        self.emit(depth, f"for {i} in {self.prange_range(scope, n, bool(outs))}:")
        self.loopvar = i
        self.in_prange += 1
        self.no_calls += 1
        loop = {"outs": outs, "accs": accs, "risky": risky, "two": two, "columns": columns, "source": driver.name}
        assert not (columns and two)
        if two and not columns and r.random() < 0.5:   # a whole row at once
            self.store(inner, depth + 1, dict(loop, outs=two))
        self.used = set()
        self.trip_block(inner, depth + 1, loop, r.randint(1, 5), 0)
        for acc in accs:   # (mostly) every accumulator accumulated
            if acc.name not in self.used and r.random() < 0.8:
                self.accumulate(acc, inner, depth + 1)
        self.in_prange -= 1
        self.no_calls -= 1
        self.loopvar = None
        self.written = set()
        for name in outs:
            self.results.append((name, True))
        for acc in accs:
            self.results.append((acc.name, not acc.approx))
        if last:
            self.results.append((last, True))

    # ------------------------------------------------------------ functions
    def call(self, scope: _Scope, depth: int, callee: Function | None = None) -> None:
        """A call of an earlier function (``callee``, or one drawn) with views of this one's arrays
        (two views of one array for two parameters now and then); its exact results are returned."""
        r = self.r
        callee, exact = next(s for s in self.sigs if s[0] is callee) if callee else r.choice(self.sigs)
        args = []
        passed: dict[str, str] = {}   # callee parameter -> the caller's array
        written = self.writes[callee.name]
        for name, t in callee.params:
            if "[" not in t:
                args.append(r.choice(scope.of_type(t) + {"int": ["3", "(-2)"], "float": ["2.5", "(-0.5)"],
                                                         "bool": ["True", "False"]}[t]))
                continue
            kind, ndim = t[0], t.count(",") + 1
            fits = [a for a in self.arrays.values() if a.ndim == ndim and a.kind == kind and a.dtype is None]
            if not fits:
                return
            a = r.choice(fits).name
            views = [a, f"{a}[::-1]", f"{a}[::2]", f"{a}[1:]", f"{a}[:]"] if ndim == 1 else \
                [a, f"{a}.T", f"{a}[::-1, :]", f"{a}[:, ::2]", f"{a}[1:, :]", f"{a}.T.copy().T"]   # (the last: F-ordered)
            if (name in written or any(p in written for p, b in passed.items() if b == a)) and a in passed.values():
                return   # see SHARED_WRITTEN_ARGUMENTS
            passed[name] = a
            args.append(r.choice(views))
        if any(p in written and list(passed.values()).count(b) > 1 for p, b in passed.items()):
            return
        for p, b in passed.items():
            if p in written:
                self.writes[self.function_name].add(b)
        targets = [self.fresh("r") for _ in exact]
        self.emit(depth, f"{', '.join(targets)} = {callee.name}({', '.join(args)})")
        for target, ok in zip(targets, exact):
            if ok and r.random() < 0.6:
                self.results.append((target, True))

    def prange_function(self, index: int) -> Function:
        r = self.r
        params: list[tuple[str, str]] = []
        scope = _Scope()
        self.arrays = {}
        self.results = []
        self.function_name = f"f{index}"
        self.writes[self.function_name] = set()
        slots = ["A"] * r.choice([1, 1, 2, 2, 3]) + [r.choice(["int", "int", "float", "bool"])
                                                     for _ in range(r.choice([0, 1, 1, 2]))]
        r.shuffle(slots)
        # half the time the array types of an earlier function, which it then calls with views
        model = r.choice(self.sigs)[0] if self.sigs and r.random() < 0.5 else None
        like = [t for _, t in model.params if "[" in t] if model else []
        for j, t in enumerate(slots):
            if t != "A":
                params.append((f"p{j}", t))
                scope.vars[f"p{j}"] = t
                continue
            kind = r.choice("fi")
            ndim = 2 if r.random() < 0.3 else 1
            dims = r.choice(["n", "n", "m"]) if ndim == 1 else r.choice(["n,m", "m,n", "n,1"])
            if like:
                typed = like.pop(0)
                kind, dims = typed[0], typed[4:-1]
                ndim = dims.count(",") + 1
            name = f"a{j}"
            params.append((name, f"{'f64' if kind == 'f' else 'i64'}[{dims}]"))
            self.arrays[name] = _Array(name, kind, ndim, None)
        self.emit(0, f"def f{index}({', '.join(n for n, _ in params)}):")
        if model or self.sigs and r.random() < 0.3:
            self.call(scope, 1, model)
        for _ in range(r.choice([1, 1, 1, 2])):
            self.loop(scope, 1)
        texts = [t for t, _ in self.results] or ["0"]
        exact = [ok for _, ok in self.results] or [True]
        self.emit(1, f"return {', '.join(texts)}")   # one value, or a tuple
        self.emit(0, "")
        self.emit(0, "")
        fn = Function(f"f{index}", params, tuple("value" for _ in texts),
                      approx=tuple(k for k, ok in enumerate(exact) if not ok))
        self.sigs.append((fn, exact))
        return fn

    def program(self) -> Program:
        self.emit(0, f"# generated prange program, seed {self.seed!r}")
        self.emit(0, "import numpy as np")
        self.emit(0, "")
        self.emit(0, "from compiler import prange")
        self.emit(0, "")
        self.emit(0, "")
        for k in range(self.r.choice([1, 1, 2, 2, 3])):
            self.functions.append(self.prange_function(k))
        if self.uses_math:
            self.lines[1:1] = ["import math"]
        if self.uses_operator:
            self.lines[1:1] = ["import operator"]
        source = "\n".join(self.lines).rstrip() + "\n"
        return Program(self.seed, source, list(self.functions), in_bounds=False, parallel=True)


def generate_prange(seed) -> Program:
    return PrangeGenerator(seed).program()
