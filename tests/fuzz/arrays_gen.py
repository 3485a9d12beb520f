"""Whole-array NumPy programs for the differential fuzzer (``frontend/wholearray.py``).

``generator.generate`` makes a share of its programs here (``ARRAY_PROGRAMS``);
the rest are as before.  A program has 1-3 functions of NumPy code: basic
slicing views (constant start/stop/step, negative ones too, bounds and steps
computed at run time, integer indices, ``None``, ``...``), element-wise
operators (``+ - * / // % **``, comparisons, ``& | ^``, unary ``- ~ abs``) and
ufuncs (``np.sqrt``, ``np.minimum``, ``np.maximum``, ``np.where``,
``np.abs``, ``np.signbit``, ``np.degrees``, ``np.gcd``/``lcm`` of ints, ``np.logaddexp`` of
floats, ``np.select``, ...) between arrays, views and scalars with broadcasting (``x[:,
None] * y``, extent-1 axes), ``.astype`` to every dtype, NumPy scalars
(``np.float32(2.5)``, reduction results) meeting arrays, reductions of whole
arrays and of expressions (``sum prod min max mean var std any all``, methods
and ``np.`` functions), ``np.zeros_like``/``copy`` and the like, assignment
and augmented assignment to slices (also overlapping ones: ``a[1:] = a[:-1] *
2``), ufuncs storing into a float view (``np.add(x, 1, out=a[1:])``), ``if``/``for`` around them, ``print`` of arrays and scalars, and calls
of the program's earlier functions with views, which write into them and
return views or new arrays.  Indexing with arrays: masks, index arrays mixed
with slices (``x[:, np.array([0, -1])]``), pairs of them, a mask of the rows,
read and written (``+=`` with repeated indices).  NumPy's library on one
operand: products and joins, sorting and searching, ``unique``, histograms,
``median``/``quantile``/``interp``, ``nan*`` reductions, the set routines (``isin``,
``intersect1d``, ...), and LAPACK's
``det``/``svd``/``eigvalsh``/``qr`` and ``norm`` (float results compared to the
reduction tolerance).

Array parameters are typed ``f64[n]``, ``i64[m,1]``, ...: a float or an int
array (the runner picks the dtype by ``--dtypes`` as for ``f64[]`` and
``i64[]``, so inputs mix dtypes) whose extents are the symbols named or 1; the
runner draws each symbol from ``SIZES`` (0 included: empty arrays) once per
call, so that arrays sharing a symbol have equal extents.  The generator
follows every array's shape: an extent is a constant, a function of one symbol
(its values for every size the runner draws, so that it knows ``a[1:]`` and
``b[:-1]`` agree and ``a[::2]`` and ``a[1::2]`` do not) or an opaque label
(a slice with run-time bounds: equal only to the same slice of an equal
extent).  Operands are made to broadcast (a rare statement combines arbitrary
operands, for NumPy's ``ValueError``).

Kept out, as documented differences rather than bugs: transcendental ufuncs and
float powers NumPy computes with its own SIMD code (``np.exp``, ``np.sin``,
``** 3.0``, ...) except inside float reductions and as returned arrays (both
compared with a tolerance); ufuncs of 8- and 16-bit ints that NumPy computes in
float16/float32; converting NaN, infinities or out-of-range floats to ints;
using float reductions (NumPy sums pairwise) other than as returned results.
Kept rare: NumPy's dtype TypeErrors (``-`` of bools, ``~`` of floats, ``a_int[:]
+= 1.5`` under same_kind casting, ``uint64 & int64``), which compiled code
raises when it compiles, before whatever NumPy would have raised first or on a
path never taken: int array inputs are never bool (bool arrays come from
comparisons and ``astype``), augmented assignment and ``& | ^`` take values of
kinds that cast.  A function's results at ``Function.approx`` are float reductions and arrays of
such functions: the runner compares them to a relative tolerance, everything else exactly.
"""
from __future__ import annotations

from dataclasses import dataclass

from .generator import Function, Generator, Program, _Scope

#: the extents the runner gives a shape symbol (one draw per symbol and call)
SIZES = (0, 1, 1, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 6, 7)
MAXEXT = max(SIZES)
_RANGE = tuple(range(MAXEXT + 1))
ONE = ("c", 1)
SYMBOLS = ("n", "m")
#: the kind of a parameter's type name: float or int array (the runner's f64[] and i64[])
PARAM_PREFIX = {"f": "f64", "i": "i64"}
_ORDER = "bif"

_STARTS = (None, 0, 1, 2, 3, -1, -2, -3)
_STOPS = (None, 0, 1, 2, 3, -1, -2, -3)
_STEPS = (None, 2, 3, -1, -2, -3)
_FREE_STARTS = (None, None, None, 0, 1, 2, -1, -2, -3, 4, -8, 9)
_FREE_STOPS = (None, None, None, 0, 1, 2, 3, -1, -2, -3, 9, -9)
_FREE_STEPS = (None, None, None, None, 1, 2, 3, -1, -1, -2, -3)

ASTYPES = {"np.int8": "i", "np.int16": "i", "np.int32": "i", "np.int64": "i", "np.uint8": "i", "np.uint16": "i",
           "np.uint32": "i", "np.uint64": "i", "np.float32": "f", "np.float64": "f", "np.bool_": "b"}
NP_SCALARS = (("np.float32(2.5)", "f"), ("np.float64(-1.5)", "f"), ("np.float32(0.5)", "f"), ("np.int8(3)", "i"),
              ("np.int16(-2)", "i"), ("np.uint8(7)", "i"), ("np.int64(5)", "i"), ("np.uint32(2)", "i"),
              ("np.bool_(True)", "b"))
#: element functions computed exactly (correctly rounded) by NumPy and C alike
EXACT_UNARY = {"np.abs": "bif", "np.negative": "if", "np.square": "if", "np.sqrt": "f", "np.floor": "f",
               "np.ceil": "f", "np.isnan": "f", "np.isinf": "f", "np.isfinite": "f", "np.logical_not": "bif",
               "np.conjugate": "bif", "np.nan_to_num": "bif", "np.signbit": "f", "np.degrees": "f",
               "np.radians": "f", "np.rad2deg": "f", "np.deg2rad": "f"}
#: element functions NumPy computes with its own SIMD code on some machines: only inside float reductions
INEXACT_UNARY = ("np.exp", "np.sin", "np.cos", "np.tanh", "np.log", "np.log1p", "np.expm1", "np.tan")
REDUCTIONS = ("sum", "prod", "min", "max", "mean", "var", "std", "any", "all")
#: reductions whose result is a float summed in another order than NumPy's
APPROX_REDUCTIONS = ("sum", "prod", "mean", "var", "std")


# ------------------------------------------------------------------ extents
def _norm(sym: str, fp: tuple) -> tuple:
    return ("c", fp[0]) if len(set(fp)) == 1 else ("s", sym, fp)


def _length(sl: slice, n: int) -> int:
    return len(range(*sl.indices(n)))


def _nonempty(e: tuple) -> bool:
    """The extent ``e`` is never 0, whatever sizes the runner draws."""
    return e[0] == "c" and e[1] > 0 or e[0] == "s" and min(e[2]) > 0


def slice_extent(e: tuple, sl: slice, text: str) -> tuple:
    """The extent of ``x[sl]`` along an axis of extent ``e``."""
    if e[0] == "c":
        return ("c", _length(sl, e[1]))
    if e[0] == "s":
        return _norm(e[1], tuple(_length(sl, v) for v in e[2]))
    return ("o", f"{e[1]}[{text}]")


def broadcast(*shapes: tuple) -> tuple | None:
    """The shape the operands broadcast to, or None when they may not."""
    nd = max(len(s) for s in shapes)
    out = []
    for k in range(nd):
        cur = ONE
        for s in shapes:
            j = k - (nd - len(s))
            if j < 0 or s[j] == ONE or s[j] == cur:
                continue
            if cur != ONE:
                return None
            cur = s[j]
        out.append(cur)
    return tuple(out)


def fits(value: tuple, target: tuple) -> bool:
    """An array of shape ``value`` can be assigned to a view of shape ``target``."""
    return len(value) <= len(target) and all(
        e == ONE or e == t for e, t in zip(value, target[len(target) - len(value):]))


def _slice_text(start, stop, step) -> str:
    text = ("" if start is None else str(start)) + ":" + ("" if stop is None else str(stop))
    return text + ("" if step is None else f":{step}")


#: the slices a view takes most often
NATURAL = ("1:", ":-1", "::-1", "::2", "1::2", "1:-1", "2:", ":-2", ":2", "-2:", "-3:", ":3", "::-2", "-1::-1",
           "1:3", "::3", "2:-1", "-2::-1", ":1", "-1:")
POOL = sorted({_slice_text(a, b, c): slice(a, b, c) for a in _STARTS for b in _STOPS for c in _STEPS}.items())
POOL_BY_TEXT = dict(POOL) | {t: slice(*(int(v) if v else None for v in t.split(":"))) for t in NATURAL}
_options_cache: dict = {}


def _options(e: tuple, target: tuple) -> list[str]:
    """The constant slices of an axis of extent ``e`` that give extent ``target``."""
    key = (e, target)
    if key not in _options_cache:
        found = [":"] if e == target else []
        if e[0] != "o":
            found += [t for t, sl in POOL if t != ":" and slice_extent(e, sl, t) == target]
        _options_cache[key] = found
    return _options_cache[key]


def compose(e: tuple, mapping: dict, tag: str) -> tuple:
    """A callee's result extent ``e`` in the caller's terms (``mapping``: callee symbol ->
    caller extent); ``tag`` names the call (an opaque extent of the callee is new)."""
    if e[0] == "c":
        return e
    if e[0] == "s":
        m = mapping[e[1]]
        if m[0] == "c":
            return ("c", e[2][m[1]])
        if m[0] == "s":
            return _norm(m[1], tuple(e[2][v] for v in m[2]))
        return ("o", f"{m[1]}|{e[2]}")
    return ("o", f"{tag}:{e[1]}")


# ------------------------------------------------------------------ values
@dataclass(frozen=True)
class Arr:
    """An array expression: its text (always one atom: a name, a call, parenthesized),
    its kind (``b``ool, ``i``nt or ``f``loat: the dtype within it is the inputs'), its shape."""
    text: str
    kind: str
    shape: tuple


@dataclass(frozen=True)
class Scal:
    """A scalar operand: ``weak`` for a Python number (NEP 50)."""
    text: str
    kind: str
    weak: bool


@dataclass
class Signature:
    """What a caller needs to know of an earlier function."""
    name: str
    params: list            # (type: "A"/"int"/"float"/"bool", Arr of the parameter in the callee's symbols)
    results: list           # ("A", Arr) | ("A~", Arr): of SIMD functions | ("S", kind) | ("S~", "f")


def _kind(*kinds: str) -> str:
    return max(kinds, key=_ORDER.index)


def _shape(*operands) -> tuple:
    """The shape of an element-wise result (operands made to fit one target broadcast)."""
    shape = broadcast(*(x.shape for x in operands if isinstance(x, Arr)))
    assert shape is not None, operands
    return shape


class ArrayGenerator(Generator):
    """Whole-array programs; the scalar expressions (run-time ints, conditions) are the base generator's."""

    def __init__(self, seed):
        super().__init__(seed)
        self.oob = False
        self.arrays: dict[str, Arr] = {}      # array variables (every name is bound once)
        self.scalars: dict[str, str] = {}     # exact NumPy scalar variables -> kind
        self.sigs: list[Signature] = []
        self.uses_index = False               # an integer index that may be out of range

    # ------------------------------------------------------------ scalars
    def runtime_int(self, scope: _Scope) -> str:
        forms = []
        ints = scope.of_type("int")
        if ints:
            p = self.r.choice(ints)
            forms += [p, f"({p} % 4)", f"(-{p})", f"({p} % 7 - 3)", f"({p} % 5)"]
        arrays = scope.of_type("A")
        if arrays:
            x = self.r.choice(arrays)
            nd = len(self.arrays[x].shape)
            forms += [f"len({x})", f"({x}.shape[{self.r.randrange(nd)}] // 2)", f"({x}.size - 3)"]
        return self.r.choice(forms) if forms else str(self.r.choice([1, 2, -1, -2]))

    def runtime_step(self, scope: _Scope) -> str:
        ints = scope.of_type("int")
        if not ints:
            return self.r.choice(["2", "-1", "-2"])
        p = self.r.choice(ints)
        return self.r.choice([f"({p} % 3 + 1)", f"(-({p} % 2) - 1)", f"({p} % 3 + 1)", f"(-({p} % 3) - 1)",
                              f"({p} % 3 - 1)"])   # the last can be 0: ValueError

    def scalar(self, scope: _Scope, kinds: str = "bif") -> Scal:
        """A scalar operand of one of ``kinds``."""
        r = self.r
        for _ in range(10):
            u = r.random()
            if u < 0.3:
                v = r.choice([0, 1, 2, 2, 3, 5, 7, 10, 100, -1, -2, -7])
                s = Scal(f"({v})" if v < 0 else str(v), "i", True)
            elif u < 0.5:
                v = r.choice(["0.5", "2.5", "-1.5", "3.0", "0.0", "1e-3", "100.0", "-0.0", "0.25"])
                s = Scal(f"({v})" if v.startswith("-") else v, "f", True)
            elif u < 0.6:
                s = Scal(*r.choice(NP_SCALARS), False)
            elif u < 0.72 and scope.of_type("int"):
                p = r.choice(scope.of_type("int"))
                s = Scal(p if r.random() < 0.15 else f"({p} % {r.choice([3, 5, 7, 10])})", "i", True)
            elif u < 0.8 and scope.of_type("float"):
                s = Scal(r.choice(scope.of_type("float")), "f", True)
            elif u < 0.9 and scope.of_type("S"):
                name = r.choice(scope.of_type("S"))
                s = Scal(name, self.scalars[name], False)
            elif scope.of_type("A"):
                text, kind, _ = self.reduction(scope, exact=True, depth=2)
                s = Scal(text, kind, False)
            else:
                continue
            if s.kind in kinds:
                return s
        return Scal("2", "i", True) if "i" in kinds else Scal("True", "b", True)

    # ------------------------------------------------------------ views
    def axis_key(self, e: tuple, scope: _Scope, runtime: bool) -> tuple[str, tuple | None]:
        """An index of one axis of extent ``e``: its text and the extent it leaves (None: an integer)."""
        r = self.r
        u = r.random()
        if u < 0.3:
            return ":", e
        if u < 0.62 or u < 0.9 and not runtime:
            text = r.choice(NATURAL)
            return text, slice_extent(e, POOL_BY_TEXT[text], text)
        if u < 0.75 or not runtime:
            a, b, c = r.choice(_FREE_STARTS), r.choice(_FREE_STOPS), r.choice(_FREE_STEPS)
            text = _slice_text(a, b, c)
            return text, slice_extent(e, slice(a, b, c), text)
        if u < 0.95:
            parts = [r.choice(_FREE_STARTS), r.choice(_FREE_STOPS), r.choice(_FREE_STEPS)]
            for k in r.sample(range(3), r.choice([1, 1, 2])):
                parts[k] = self.runtime_step(scope) if k == 2 else self.runtime_int(scope)
            text = _slice_text(*parts)
            return text, ("o", f"{e!r}[{text}]")
        self.uses_index = True
        return r.choice(["0", "-1", "0", "-1", "1", self.runtime_int(scope)]), None

    def view(self, x: Arr, scope: _Scope, runtime: bool = True) -> Arr:
        """A random basic-slicing view of ``x`` (at least one axis)."""
        r = self.r
        for _ in range(10):
            entries = [self.axis_key(e, scope, runtime) for e in x.shape]
            if r.random() < 0.2:
                entries.insert(r.randint(0, len(entries)), ("None", ONE))
            shape = tuple(e for _, e in entries if e is not None)
            if shape:
                break
        else:
            entries, shape = [(":", e) for e in x.shape], x.shape
        texts = [t for t, _ in entries]
        lead = 0
        while lead < len(texts) and texts[lead] == ":":
            lead += 1
        if lead and r.random() < 0.15 and lead < len(texts):
            texts[:lead] = ["..."]
        elif r.random() < 0.05:
            texts.insert(r.randint(0, len(texts)), "...")
        while texts and texts[-1] == ":" and "..." not in texts:
            texts.pop()
        if not texts:
            return x if r.random() < 0.5 else Arr(f"{x.text}[:]", x.kind, x.shape)
        return Arr(f"{x.text}[{', '.join(texts)}]", x.kind, shape)

    def conform(self, x: Arr, target: tuple, strict: bool = False) -> Arr | None:
        """A view of ``x`` of constant slices whose shape fits ``target`` (broadcasts to it;
        with ``strict``: equals it), or None."""
        nd, tn = len(x.shape), len(target)
        if nd > tn or strict and nd != tn:
            return None
        trailing = 0 if strict or nd == tn or self.r.random() < 0.6 else self.r.randint(1, tn - nd)
        mapped = target[tn - nd - trailing: tn - trailing]
        keys, shape = [], []
        for e, t in zip(x.shape, mapped):
            options = _options(e, t)
            if e == ONE and not strict:
                options = [":"] + [o for o in ("::-1", "-1:") if o not in options]
            if not options:
                return None
            key = ":" if ":" in options and self.r.random() < 0.4 else self.r.choice(options)
            keys.append(key)
            shape.append(e if e == ONE and not strict else t)
        keys += ["None"] * trailing
        shape += [ONE] * trailing
        while keys and keys[-1] == ":":
            keys.pop()
        text = f"{x.text}[{', '.join(keys)}]" if keys else x.text
        return Arr(text, x.kind, tuple(shape))

    # ------------------------------------------------------------ array expressions
    def leaf(self, scope: _Scope, target: tuple, origin: Arr | None, prefer: str | None) -> Arr | None:
        names = scope.of_type("A")
        self.r.shuffle(names)
        if prefer and self.r.random() < 0.7:
            names.insert(0, prefer)
        for name in names:
            got = self.conform(self.arrays[name], target)
            if got is not None:
                return got if origin is None or self.r.random() < 0.75 else origin
        return origin

    def operand(self, scope: _Scope, target: tuple, depth: int, origin, prefer, kinds: str = "bif",
                scalar: float = 0.25) -> Arr | Scal:
        if self.r.random() < scalar:
            return self.scalar(scope, kinds)
        for _ in range(3):
            x = self.expr(scope, target, depth, origin, prefer)
            if x is not None and x.kind in kinds:
                return x
        return self.scalar(scope, kinds)

    def free_expr(self, scope: _Scope, depth: int = 0, prefer: str | None = None) -> Arr:
        """An array expression of any shape."""
        r = self.r
        names = scope.of_type("A")
        base = self.arrays[prefer if prefer and r.random() < 0.5 else r.choice(names)]
        origin = self.view(base, scope) if r.random() < 0.7 else base
        target = origin.shape
        if len(target) == 1 and r.random() < 0.15:   # an outer operation: x[:, None] op y
            other = self.view(self.arrays[r.choice(names)], scope)
            if len(other.shape) == 1:
                left = self.expr(scope, target, depth + 1, origin, prefer) or origin
                right = self.expr(scope, other.shape, depth + 1, other, None) or other
                column = Arr(f"{left.text}[:, None]", left.kind, left.shape + (ONE,))
                return self.binary(column, right)
        return self.expr(scope, target, depth, origin, prefer) or origin

    def binary(self, x: Arr | Scal, y: Arr | Scal, ops=None) -> Arr:
        r = self.r
        k = _kind(x.kind, y.kind)
        choices = ops or ["+", "+", "-", "-", "*", "*", "/", "//", "%"]
        if x.kind == y.kind == "b":   # NumPy's TypeError, which compiled code raises when compiling
            choices = [o for o in choices if o != "-"] or ["+"]
        op = r.choice(choices)
        if op == "/":
            k = "f"
        elif op in ("//", "%") and k == "b":
            k = "i"
        return Arr(f"({x.text} {op} {y.text})", k, _shape(x, y))

    def expr(self, scope: _Scope, target: tuple, depth: int = 0, origin: Arr | None = None,
             prefer: str | None = None) -> Arr | None:
        """An array expression that fits ``target`` (broadcasts to it), or None."""
        r = self.r
        if depth >= 3 or r.random() < 0.3 + 0.2 * depth:
            return self.leaf(scope, target, origin, prefer)
        d = depth + 1

        def operand(kinds: str = "bif", scalar: float = 0.0) -> Arr | Scal:
            return self.operand(scope, target, d, origin, prefer, kinds, scalar)

        node = r.choice(["bin"] * 6 + ["cmp"] * 2 + ["bit", "pow", "unary", "unary", "ufunc", "ufunc", "minmax",
                                                      "where", "astype", "scaled"])
        if node in ("bin", "scaled"):
            x, y = operand(), operand(scalar=0.35 if node == "bin" else 1.0)
            if r.random() < 0.3:
                x, y = y, x
            return None if isinstance(x, Scal) and isinstance(y, Scal) else self.binary(x, y)
        if node == "cmp":
            x, y = operand(), operand(scalar=0.4)
            if isinstance(x, Scal):
                return None
            return Arr(f"({x.text} {r.choice(['<', '<=', '>', '>=', '==', '!='])} {y.text})", "b", _shape(x, y))
        if node == "bit":   # the other operand a bool array or a Python int (uint64 & int64 is float64)
            x = operand("bi")
            y = operand("b", 0.3) if r.random() < 0.5 else Scal(r.choice(["1", "3", "255", "True"]), "i", True)
            if isinstance(x, Scal):
                return None
            return Arr(f"({x.text} {r.choice(['&', '|', '^'])} {y.text})", _kind(x.kind, y.kind), _shape(x, y))
        if node == "pow":
            x = self.expr(scope, target, d, origin, prefer)
            if x is None:
                return None
            y = None
            if x.kind == "f":   # exponents NumPy computes exactly (square, sqrt, reciprocal, ...)
                e = r.choice(["2", "0.5", "(-1)", "0", "1", "2.0", "0.5"])
            else:
                e = r.choice(["2", "3", "0", "1", "2", "3"] + (["(-1)"] if r.random() < 0.1 else []))
                if r.random() < 0.1:   # int exponent arrays: a negative one raises ValueError
                    y = operand("bi")
                    e = y.text
                    if x.kind == "b" and isinstance(y, Scal):   # refused: the dtype would depend on its value
                        y, e = None, "2"
            kind = _kind(x.kind, y.kind if y is not None else "b")
            return Arr(f"({x.text} ** {e})", "i" if kind == "b" else kind, _shape(x, y))
        if node == "unary":
            x = self.expr(scope, target, d, origin, prefer)
            if x is None:
                return None
            ops = [("-", "if"), ("~", "bi"), ("np.abs", "bif"), ("abs", "bif"), (".real", "bif"), (".imag", "bif"),
                   (".conj()", "bif")]
            weights = [4, 3, 3, 1, 1, 1, 1]
            valid = [(o, w) for o, w in zip(ops, weights) if x.kind in o[1]]
            op, _ = r.choices([o for o, _ in valid], [w for _, w in valid])[0]
            text = f"({op}{x.text})" if op in "-~" else f"({x.text}){op}" if op[0] == "." else f"{op}({x.text})"
            if op == ".imag":   # of a real array: read-only zeros, and a write to them is refused when compiling
                text += ".copy()"   # (also on a path that never runs): the program may bind and write them
            return Arr(text, x.kind, x.shape)
        if node == "ufunc":
            x = self.expr(scope, target, d, origin, prefer)
            if x is None:
                return None
            name = r.choice([n for n, kinds in EXACT_UNARY.items() if x.kind in kinds])
            kind = "b" if name in ("np.isnan", "np.isinf", "np.isfinite", "np.logical_not", "np.signbit") else x.kind
            return Arr(f"{name}({x.text})", kind, x.shape)
        if node == "minmax":
            x, y = operand(), operand(scalar=0.4)
            if isinstance(x, Scal):
                return None
            names = ["np.minimum", "np.maximum"] * 2
            if x.kind == y.kind == "i":   # NumPy's unsigned gcd of magnitudes, the lcm wrapping
                names += ["np.gcd", "np.lcm"]
            if x.kind == y.kind == "f":   # npy_logaddexp: the C library's exp and log1p
                names += ["np.logaddexp", "np.logaddexp2"]
            return Arr(f"{r.choice(names)}({x.text}, {y.text})", _kind(x.kind, y.kind), _shape(x, y))
        if node == "where":
            c, x, y = operand("b"), operand(scalar=0.3), operand(scalar=0.3)
            if isinstance(c, Scal):
                return None
            if r.random() < 0.25:   # np.select of the condition and its negation, and a default
                default = r.choice(["0", "1.5", "np.int8(2)"])
                return Arr(f"np.select([{c.text}, ~({c.text})], [{x.text}, {y.text}], {default})",
                           _kind(x.kind, y.kind, "f" if default == "1.5" else "i"), _shape(c, x, y))
            return Arr(f"np.where({c.text}, {x.text}, {y.text})", _kind(x.kind, y.kind), _shape(c, x, y))
        if node == "astype":
            x = self.expr(scope, target, d, origin, prefer)
            if x is None:
                return None
            dt = r.choice(list(ASTYPES))
            text = x.text
            if x.kind == "f" and ASTYPES[dt] == "i":   # NaN, inf, out of range: undefined in C
                text = f"np.where(np.abs({text}) < 100.0, np.abs({text}), 0.0)"
            return Arr(f"{text}.astype({dt})", ASTYPES[dt], x.shape)
        return None

    def reduction(self, scope: _Scope, exact: bool, depth: int = 0) -> tuple[str, str, bool]:
        """A reduction of an array expression: (text, kind, approx: a float reduction)."""
        r = self.r
        name = r.choice(("min", "max", "any", "all", "sum", "sum", "prod", "any", "all") if exact else REDUCTIONS)
        if depth >= 2 or r.random() < (0.8 if name in ("min", "max") else 0.4):
            x = self.arrays[r.choice(scope.of_type("A"))]
            if r.random() < (0.2 if name in ("min", "max") else 0.5):   # empty: ValueError
                x = self.view(x, scope)
        else:
            x = self.free_expr(scope, depth + 1)
        if r.random() < 0.12 and not (exact and x.kind == "f"):   # a matrix product (BLAS rounds: approximate)
            if len(x.shape) == 1:
                form = r.choice(["({0} @ {0})", "np.dot({0}, {0})", "np.inner({0}, {0})", "{0}.dot({0})"]
                                + (["np.vdot({0}, {0})"] if x.kind != "b" else []))
                return form.format(x.text), x.kind, x.kind == "f"
            if len(x.shape) == 2:
                form = r.choice(["({0} @ {0}.T)", "({0}.T @ {0})", "np.dot({0}, {0}.T)", "np.matmul({0}.T, {0})"])
                side = x.shape[0] if form in ("({0} @ {0}.T)", "np.dot({0}, {0}.T)") else x.shape[1]
                x = Arr(form.format(x.text), x.kind, (side, side))
                if x.kind == "f" and name not in APPROX_REDUCTIONS:
                    name = r.choice(sorted(APPROX_REDUCTIONS))
        elif r.random() < 0.08 and x.shape:   # the array joined with itself (reversed): same extents but the first
            form = r.choice(["np.concatenate(({0}, {0}[::-1]))", "np.vstack(({0}, {0}))", "np.hstack(({0}, {0}))",
                             "np.stack(({0}, {0}))"])
            stacked = "stack((" in form and (form.startswith("np.stack") or len(x.shape) == 1 and "vstack" in form)
            x = Arr(form.format(x.text), x.kind, (ONE,) + x.shape if stacked else x.shape)
        if r.random() < 0.1:   # NumPy's library of one 1-d operand
            flat = f"{x.text}.ravel()" if len(x.shape) != 1 else x.text
            if x.kind == "f" and not exact:
                form = r.choice([f"np.nansum({x.text})", f"np.nanmean({x.text})", f"np.nanmax({x.text})",
                                 f"np.nanmin({x.text})", f"np.round({x.text}, 2).sum()",
                                 f"np.diff({flat}).sum()", f"np.searchsorted({flat}, {flat}[::-1]).sum()",
                                 f"np.digitize({flat}, np.linspace(-3.0, 3.0, 7)).sum()",
                                 f"np.digitize({flat}, [1.5, 0.0, -1.0], right=True).sum()",   # a list
                                 f"np.polyval([0.5, -1.5, 2.0], {x.text}).sum()",
                                 f"np.sort({flat}, kind='stable')[::3].sum()",
                                 # the default sort's order of -0.0 and 0.0 and its NaNs: their signs weighed
                                 f"(np.copysign(1.0, np.sort({flat})) * np.arange(len({flat}))).sum()",
                                 f"np.copysign(1.0, np.unique({flat}))[::2].sum()",
                                 f"(np.argsort({flat}) * np.arange(len({flat}))).sum()",
                                 f"np.histogram({flat}.astype(np.float64), 5)[0].max()",
                                 f"(np.argsort({flat}, kind='stable') * np.arange(len({flat}))).sum()",
                                 # statistics and the lookups built on sorting
                                 f"np.median({x.text})", f"np.quantile({flat}, 0.3)", f"np.ptp({x.text})",
                                 f"{flat}[-1:].item()", f"{x.text}.max().item()",
                                 f"np.swapaxes(np.atleast_2d({x.text}), 0, -1)[0].sum()",
                                 f"np.percentile({flat}, [10.0, 90.0]).sum()",
                                 f"np.quantile({flat}, 0.5, method='{r.choice(['lower', 'nearest', 'midpoint'])}')",
                                 f"np.interp(0.25, np.sort({flat}, kind='stable'), {flat})",
                                 f"np.interp({flat}, np.linspace(-2.0, 2.0, 5), np.arange(5.0)).sum()",
                                 f"np.unique({flat}).sum()", f"np.unique({flat}, return_counts=True)[1].max()",
                                 f"np.histogram({flat}, np.array([-1.0, 0.0, 0.5, 2.0]))[0].max()",
                                 f"np.histogram({flat}.astype(np.float64), 4, weights=np.arange(len({flat})))[0].max()",
                                 # linear algebra: LAPACK as NumPy calls it, and NumPy's formulas
                                 f"np.linalg.norm({x.text})", f"np.linalg.norm({flat}, {r.choice(['1', 'np.inf', '3'])})",
                                 f"np.linalg.norm({x.text}, 1, -1, keepdims=True).sum()",
                                 f"np.kron({flat}[:3], {flat}[:2]).sum()",
                                 # of a 1-d array a NumPy scalar, whose array methods compiled code lacks
                                 f"np.trapezoid({x.text})" + (".sum()" if len(x.shape) > 1 else ""),
                                 f"np.trapezoid({flat}, dx=0.5)",
                                 f"np.trapezoid({flat}, np.cumsum(np.abs({flat})))",
                                 f"np.flipud(np.atleast_2d({x.text}))[0].sum()",
                                 f"np.rot90(np.atleast_2d({x.text}), {r.randint(-3, 4)})[..., :1].sum()",
                                 f"np.logaddexp({flat}, 1.0).max()",
                                 f"np.maximum.accumulate({flat})[::2].sum()", f"np.add.reduce({x.text}).sum()",
                                 f"np.subtract.outer({flat}[:3], {flat}[-2:]).sum()",
                                 f"np.intersect1d({flat}, {flat}[1::2]).sum()",
                                 f"np.union1d({flat}[:2], [0.0, 1.5]).sum()", f"np.setxor1d({flat}[:3], {flat}[-3:]).sum()",
                                 f"np.concatenate(([1.5], {flat}))[::2].sum()",
                                 # 3-vectors always (2-vectors raise in compiled code: one axis fewer)
                                 f"np.cross(np.concatenate(({flat}, [1.0, 2.0, 3.0]))[:3], "
                                 f"np.concatenate(([0.5, -1.0, 2.0], {flat}))[-3:]).sum()",
                                 # keepdims: an array also of a 1-d one (a NumPy scalar's methods are not compiled)
                                 f"np.nansum({x.text}, axis=0, keepdims=True).sum()",
                                 f"np.nanmean({x.text}, axis=-1, keepdims=True).max()",
                                 f"np.nanmax({x.text}, axis=0, keepdims=True).sum()",
                                 f"np.nanstd({x.text}, axis=0, keepdims=True).sum()",
                                 f"np.nanargmin({x.text}, axis=0, keepdims=True).sum()"]
                                + ([f"np.linalg.det({x.text} @ {x.text}.T)", f"np.linalg.norm({x.text}, axis=0).sum()",
                                    f"np.linalg.svd({x.text}, compute_uv=False).sum()",
                                    f"np.linalg.eigvalsh({x.text} @ {x.text}.T).sum()",
                                    f"np.linalg.eigvals(np.triu({x.text} @ {x.text}.T)).sum()",   # real: its diagonal
                                    f"np.abs(np.linalg.qr({x.text})[1]).sum()",
                                    f"np.linalg.norm({x.text}, '{r.choice(['fro', 'nuc'])}')",
                                    f"np.linalg.solve({x.text} @ {x.text}.T + 3 * np.eye(len({x.text})), "
                                    f"{x.text}[:, 0]).sum()",
                                    f"np.linalg.lstsq({x.text}, {x.text}[:, :1])[0].sum()",
                                    f"np.linalg.slogdet({x.text} @ {x.text}.T)[1]",
                                    f"np.linalg.pinv({x.text}).sum()", f"np.linalg.matrix_rank({x.text})",
                                    f"np.linalg.matrix_power({x.text} @ {x.text}.T, {r.randint(-1, 3)}).sum()",
                                    f"(np.stack(({x.text}, {x.text})) @ {x.text}.T).sum()",
                                    f"np.linalg.det(np.stack(({x.text} @ {x.text}.T, np.eye(len({x.text}))))).sum()"]
                                   if len(x.shape) == 2 else []))
                integer = any(f in form for f in ("searchsorted", "digitize", "argsort", "histogram", "counts=True",
                                                   "nanargmin", "matrix_rank"))
                if "[:, 0]" in form or "swapaxes(" in form or "flipud(" in form:
                    self.uses_index = True   # x may have no column (no row): no unchecked run
                return form, "i" if integer else "f", not integer
            if x.kind == "i":
                form = r.choice([f"np.bincount(np.abs({flat}) % 7).max()", f"np.diff({flat}).max()",
                                 f"np.sort({flat}, kind='stable')[::2].sum()", f"np.argsort({flat}, kind='stable')[:3].sum()",
                                 f"np.sort({flat})[1::2].sum()", f"np.argsort({flat})[1::2].sum()",
                                 f"np.unique((np.abs({flat}) % 5).astype(np.int64), return_counts=True)[1].max()",
                                 f"np.repeat({flat}, 2)[1::3].sum()", f"np.tile({flat}, 3)[::4].sum()",
                                 f"np.flatnonzero({flat}).sum()", f"np.meshgrid({flat}, {flat})[1].sum()",
                                 f"np.searchsorted({flat}, 3)", f"np.bincount(np.abs({flat}) % 5, minlength=6).sum()",
                                 f"np.unique({flat}, return_index=True)[1].sum()",
                                 f"np.unique({flat}, return_inverse=True)[1].max()",
                                 f"np.kron({flat}[:2], {flat}[:3]).sum()",
                                 f"np.nonzero({x.text})[0].sum()", f"np.argwhere({x.text}).sum()",
                                 f"np.where({x.text})[-1].sum()", f"np.ptp({x.text})", f"{flat}[:1].item()",
                                 f"{x.text}.sum().item()",
                                 f"(np.roll({x.text}, {r.randint(-7, 7)}) * np.arange(len({flat})).reshape(" 
                                 f"{x.text}.shape)).sum()", f"np.roll({x.text}, -2, axis=-1)[..., :1].sum()",
                                 f"np.take({x.text}, np.array([0, -1])).sum()", f"{x.text}.take([1, 0], axis=-1).sum()",
                                 f"np.atleast_2d({flat})[0].sum()", f"np.full_like({x.text}, 3).sum()",
                                 f"{x.text}.clip(max=3).sum()", f"np.clip({x.text}, 1, None).sum()",
                                 f"np.clip({x.text}, -1, 0).sum()",
                                 # a NumPy scalar's array methods (those of its 0-d array)
                                 f"{x.text}.sum().astype(np.float32).round(1)", f"{x.text}.max().clip(-2, 2)",
                                 f"(np.prod({x.text}.shape) + {x.text}.nbytes)",
                                 f"sorted([{flat}[0], {flat}[-1], {flat}[len({flat}) // 2]])[1]",
                                 f"(np.iinfo(np.int16).max + {x.text}.size)",
                                 f"(np.finfo(np.float32).eps * {x.text}.size)",
                                 f"(np.zeros_like({x.text}.T) + {x.text}.T).ravel().sum()",
                                 f"np.swapaxes(np.atleast_2d({x.text}), 0, -1)[0].sum()",
                                 f"np.moveaxis(np.atleast_3d({x.text}), 0, -1)[..., 0].sum()",
                                 f"np.repeat({x.text}, 2, axis=0)[1:].sum()",
                                 f"np.repeat({flat}, np.arange(len({flat})) % 3, axis=0).sum()",
                                 f"np.tile({x.text}, (2, 1)).sum()", f"np.tile({x.text}, (1, 2, 1))[0].sum()",
                                 f"(np.mgrid[0:3, 0:4:2][1] * np.ogrid[0:3, 0:2][0]).sum()",
                                 f"np.gcd({flat}, 12).sum()", f"np.lcm({flat}[:3], {flat}[-3:]).max()",
                                 f"np.fliplr(np.atleast_2d({x.text}))[..., :2].sum()",
                                 f"np.unravel_index(np.argmax({x.text}), {x.text}.shape)[0]",
                                 f"np.minimum.accumulate({flat}).sum()",
                                 f"np.multiply.outer({flat}[:2], {flat}[:3]).max()",
                                 f"np.maximum.reduce({x.text}, axis=None)",
                                 f"np.isin({flat}, {flat}[::3]).sum()", f"np.setdiff1d({flat}, {flat}[:2]).sum()",
                                 f"np.isin({x.text}, [0, 3], invert=True).sum()"])
                if any(word in form for word in ("swapaxes(", "moveaxis(", "take(", "sorted([")):
                    self.uses_index = True   # an index into an axis that may be short: no unchecked run
                return form, "i", False
        masked = False
        if r.random() < 0.08 and x.kind in "if":   # fancy indexing: the elements a mask picks, or rows by index
            u = r.random()
            if u < 0.4 or not x.shape:
                x, masked = Arr(f"{x.text}[{x.text} > 0]", x.kind, (x.shape[0],) if x.shape else ()), True
            elif u < 0.6 or len(x.shape) != 2:
                x, masked = Arr(f"{x.text}[np.arange(-1, 2)]", x.kind, x.shape), True   # IndexError: < 2 rows
            else:   # index arrays mixed with slices, pairs of them (broadcast), three of them, a mask of the rows
                self.uses_index = True   # x[:, 0] may be out of range: no unchecked run
                form, shape = r.choice([("{0}[:, np.array([0, -1, 0])]", x.shape),
                                        ("{0}[np.array([-1, 0]), np.array([0, -1])]", x.shape[:1]),
                                        ("{0}[np.array([[0], [-1]]), np.array([0, -1, 0])]", x.shape),
                                        ("{0}[None][np.array([0, 0]), np.array([-1, 0]), np.array([[0], [-1]])]",
                                         x.shape),
                                        ("{0}[{0}[:, 0] > 0, 1:]", x.shape), ("{0}[1:, np.array([True, False])]", x.shape)])
                x, masked = Arr(form.format(x.text), x.kind, shape), True
        if exact and name in ("sum", "prod") and x.kind == "f":
            name = r.choice(["min", "max", "any", "all", "any", "all"])
        if name in APPROX_REDUCTIONS and x.kind == "f" and r.random() < 0.4:
            # NumPy's own SIMD element functions, differing from the C library's in the last bits:
            # only here, where the result is compared to a tolerance anyway
            form = r.choice([f + "({})" for f in INEXACT_UNARY] + ["({} ** 3)", "({} ** 1.5)", "(2.5 * {})"])
            x = Arr(form.format(x.text), "f", x.shape)
        if len(x.shape) == 1 and not masked and name in ("sum", "min", "max") and r.random() < 0.2 \
                and (name != "sum" or _nonempty(x.shape[0])):
            # Python's builtins over the elements, in order (exact: no pairwise sum); sum() of an
            # empty array is the int 0 in Python, a 0 of the result's type compiled (documented)
            return f"{name}({x.text})", ("i" if x.kind == "b" else x.kind) if name == "sum" else x.kind, False
        kind = {"min": x.kind, "max": x.kind, "any": "b", "all": "b", "mean": "f", "var": "f", "std": "f"}.get(
            name, "f" if x.kind == "f" else "i")
        extra = ", ddof=1" if name in ("var", "std") and r.random() < 0.2 else ""
        if r.random() < 0.6:
            text = f"{x.text}.{name}({extra[2:]})"
        else:
            fn = {"min": r.choice(["np.min", "np.amin"]), "max": r.choice(["np.max", "np.amax"])}.get(name, f"np.{name}")
            text = f"{fn}({x.text}{extra})"
        return text, kind, name in APPROX_REDUCTIONS and kind == "f"

    def new_array(self, x: Arr) -> str:
        name = self.fresh("v")
        self.arrays[name] = Arr(name, x.kind, x.shape)
        return name

    def array_statement(self, scope: _Scope, depth: int, ctx: dict) -> None:
        r = self.r
        nest = ctx["nest"]
        kinds = ["let"] * 5 + ["set"] * 4 + ["aug"] * 2 + ["red"] * 2 + ["print", "fancy"]
        if r.random() < 0.3:
            kinds.append("broken")
        if nest < 2:
            kinds += ["if", "for"]
        if self.sigs:
            kinds += ["call"] * 3
        kind = r.choice(kinds)
        if kind == "let":
            u = r.random()
            if u < 0.12:
                x = self.free_expr(scope)
                form = r.choice(["np.zeros_like({})", "np.ones_like({})", "{}.copy()"])
                x = Arr(form.format(x.text), x.kind, x.shape)
            elif u < 0.2:
                x = self.arrays[r.choice(scope.of_type("A"))]
                form, kind_ = r.choice([("np.zeros({}.shape)", "f"), ("np.ones({}.shape)", "f"),
                                        ("np.full({}.shape, 2.5)", "f"), ("np.arange(len({}))", "i")])
                shape = x.shape[:1] if "arange" in form else x.shape
                x = Arr(form.format(x.text), kind_, shape)
            elif u < 0.35:
                x = self.view(self.arrays[r.choice(scope.of_type("A"))], scope)
            elif u < 0.42:   # two views of an array, by a run-time test: their layouts meet as A (a view
                # or the array itself would be a run-time choice of identity: README, known differences)
                x = self.arrays[r.choice(scope.of_type("A"))]
                flipped = r.choice(["[::-1]", "[::-1, ::-1]", "[:, ::-1]"] if len(x.shape) == 2 else ["[::-1]"])
                pair = [f"{x.text}{flipped}", f"{x.text}{r.choice(['[:]', '[...]'])}"]
                r.shuffle(pair)
                x = Arr(f"({pair[0]} if {self.condition(scope)} else {pair[1]})", x.kind, x.shape)
            else:
                x = self.free_expr(scope)
            name = self.new_array(x)
            self.emit(depth, f"{name} = {x.text}")
            scope.vars[name] = "A"
        elif kind in ("set", "aug"):
            base = r.choice(scope.of_type("A"))
            t = self.view(self.arrays[base], scope)
            if t.text == base:   # x += y on a name: outside whole-array support (see the report)
                t = Arr(f"{base}[:]", t.kind, t.shape)
            alias = r.random() < 0.4
            if r.random() < 0.25:
                v = self.scalar(scope)
            else:
                v = self.expr(scope, t.shape, 1 if alias else 0, None, base if alias else None) or self.scalar(scope)
            # a ufunc's out= into a float view: NumPy casts any result there under same_kind (an int
            # view's dtype, signed or not, is the run's: an int64 result into a uint32 one is its error)
            if kind == "set" and isinstance(v, Arr) and t.kind == "f" and r.random() < 0.2:
                form = r.choice(["np.add({}, 1, out={})", "np.multiply({}, 3, out={})", "np.subtract({}, 2, out={})"]
                                + (["np.negative({}, out={})"] if v.kind != "b" else [])
                                + (["np.multiply({}, 0.5, out=({},))"] if t.kind == "f" else [])
                                + (["np.sqrt(np.abs({}), out={})"] if v.kind == "f" else []))   # (small ints: float16)
                self.emit(depth, form.format(v.text, t.text))
            elif kind == "set":
                if t.kind == "i" and v.kind == "f":   # NaN, inf, out of range: undefined in C
                    if isinstance(v, Scal):
                        v = Scal(r.choice(["2.5", "0.5", "7.0", "(-0.0)"]), "f", True)
                    else:
                        v = Arr(f"np.where(np.abs({v.text}) < 100.0, np.abs({v.text}), 0.0)", "f", v.shape)
                u = r.random()
                if isinstance(v, Scal) and u < 0.3:
                    self.emit(depth, f"{t.text}.fill({v.text})")
                elif isinstance(v, Scal) and u < 0.45:   # through a reshaped view (or NumPy's copy)
                    form = r.choice(["{}.reshape(-1)[::2] = {}", "{}.ravel()[1:] = {}", "{}.reshape(1, -1)[0] = {}",
                                     "np.reshape({}, (-1,))[:] = {}"])
                    self.emit(depth, form.format(t.text, v.text))
                else:
                    self.emit(depth, f"{t.text} = {v.text}")
            else:
                # NumPy computes in place with same_kind casting, a TypeError compiled code raises when
                # compiling (whatever runs first): a float target takes any value, a bool one bools,
                # an int one (of any width or sign) Python ints, bools and its own elements
                if t.kind == "b" and v.kind != "b":
                    v = Scal("True", "b", True)
                elif t.kind == "i" and not (v.kind == "b" or isinstance(v, Scal) and v.weak and v.kind == "i"):
                    own = self.conform(self.arrays[base], t.shape)
                    if own is not None and r.random() < 0.6:
                        v = own if r.random() < 0.5 else Arr(f"({own.text} * {r.choice([2, 3])})", "i", own.shape)
                    else:
                        v = Scal(r.choice(["1", "2", "3", "1", "2", "3", "(-1)"]), "i", True)
                ops = {"b": ["+=", "*=", "|=", "&=", "^="], "i": ["+=", "+=", "-=", "*=", "|=", "^="],
                       "f": ["+=", "+=", "-=", "*=", "/="]}[t.kind]
                if t.kind == "i" and v.kind == "b" or t.kind == "f" and v.kind == "f" and r.random() < 0.5:
                    ops = [o for o in ops if o in ("+=", "*=", "-=")]
                self.emit(depth, f"{t.text} {r.choice(ops)} {v.text}")
        elif kind == "fancy":   # stores through index arrays (repeats: the last stays; += adds once)
            base = self.arrays[r.choice(scope.of_type("A"))]
            value = {"b": "True", "i": r.choice(["2", "(-3)"]), "f": r.choice(["1.5", "(-0.0)"])}[base.kind]
            if len(base.shape) == 2:
                target = r.choice(["{}[:, np.array([0, -1])]", "{}[np.array([-1, 0, -1]), np.array([0, 0, 0])]",
                                   "{}[np.array([True, False]), 1:]", "{}[1:, np.array([0, 0])]",
                                   "{}[np.array([[0], [-1]]), np.array([0, -1])]",
                                   "{}[None][np.array([0, 0]), np.array([-1, 0]), np.array([[0], [-1]])]"])
            else:
                target = r.choice(["{}[np.array([0, -1, 0])]", "{}[..., np.array([-1])]"])
            op = "|=" if base.kind == "b" else r.choice(["=", "+="])
            self.emit(depth, f"{target.format(base.text)} {op} {value}")
        elif kind == "red":
            exact = r.random() < 0.5
            text, k, approx = self.reduction(scope, exact)
            name = self.fresh("r" if approx else "s")
            self.emit(depth, f"{name} = {text}")
            scope.vars[name] = "S~" if approx else "S"
            if not approx:
                self.scalars[name] = k
        elif kind == "print":
            values = []
            for _ in range(r.randint(1, 3)):
                u = r.random()
                if u < 0.4:
                    values.append(self.arrays[r.choice(scope.of_type("A"))].text)
                elif u < 0.6 and scope.of_type("S"):
                    values.append(r.choice(scope.of_type("S")))
                elif u < 0.8:
                    values.append(self.reduction(scope, exact=True, depth=1)[0])
                else:
                    values.append(self.view(self.arrays[r.choice(scope.of_type("A"))], scope).text)
            if r.random() < 0.3:
                values.insert(0, repr(r.choice(["a =", "tick", "x y"])))
            values += [option for option in ("sep=' | '", "end=';\\n'") if r.random() < 0.15]
            self.emit(depth, f"print({', '.join(values)})")
        elif kind == "broken":   # operands that may not broadcast: NumPy's ValueError (or not, by the sizes)
            names = scope.of_type("A")
            x = self.view(self.arrays[r.choice(names)], scope)
            y = self.view(self.arrays[r.choice(names)], scope)
            self.emit(depth, f"{self.fresh('w')} = {x.text} {r.choice(['+', '*', '<'])} {y.text}")
        elif kind == "if":
            self.emit(depth, f"if {self.condition(scope)}:")
            self.array_block(scope.child(), depth + 1, dict(ctx, nest=nest + 1))
            if r.random() < 0.4:
                self.emit(depth, "else:")
                self.array_block(scope.child(), depth + 1, dict(ctx, nest=nest + 1))
        elif kind == "for":
            k = self.fresh("k")
            ints = scope.of_type("int")
            rng = r.choice([f"range({r.randint(0, 3)})", f"range({r.randint(-2, 2)}, {r.randint(1, 4)})",
                            f"range(len({r.choice(scope.of_type('A'))}))"]
                           + ([f"range({r.choice(ints)} % 4)"] if ints else []))
            self.emit(depth, f"for {k} in {rng}:")
            inner = scope.child()
            inner.vars[k] = "int"
            inner.readonly.add(k)
            self.array_block(inner, depth + 1, dict(ctx, nest=nest + 1))
        elif kind == "call":
            self.call(scope, depth)

    def condition(self, scope: _Scope) -> str:
        r = self.r
        names = scope.of_type("A")
        u = r.random()
        if u < 0.3:
            x = self.arrays[r.choice(names)]
            return f"{self.view(x, scope).text}.{r.choice(['any', 'all'])}()"
        if u < 0.5 and scope.of_type("S"):
            return f"{r.choice(scope.of_type('S'))} {r.choice(['>', '<', '==', '!='])} {r.choice(['0', '1', '2.5'])}"
        if u < 0.7:
            return f"{r.choice(names)}.size {r.choice(['>', '<', '=='])} {r.randint(0, 6)}"
        if u < 0.8:
            text, _, _ = self.reduction(scope, exact=True, depth=1)
            return f"{text} > {r.choice(['0', '1', '-1'])}"
        return self.bool_expr(scope, 1)

    def array_block(self, scope: _Scope, depth: int, ctx: dict, n: int | None = None) -> None:
        before = len(self.lines)
        for _ in range(n if n is not None else self.r.randint(1, 3)):
            self.array_statement(scope, depth, ctx)
        if len(self.lines) == before:
            self.emit(depth, "pass")

    def call_args(self, scope: _Scope, sig: Signature) -> tuple[list[str], dict] | None:
        """Arguments for ``sig``: arrays and views whose shapes match its parameters' (one
        extent for each of its symbols), or None."""
        r = self.r
        mapping: dict = {}
        args = []
        for t, p in sig.params:
            if t != "A":
                args.append(self.call_scalar(scope, t))
                continue
            # of the parameter's kind: a bool array would meet the callee's int operations (``a -= 2``,
            # NumPy's TypeError at run time, compiled code's when compiling: printed output differs)
            names = [n for n in scope.of_type("A") if len(self.arrays[n].shape) == len(p.shape)
                     and self.arrays[n].kind == p.kind]
            r.shuffle(names)
            got = None
            for n in names:
                x = self.arrays[n]
                want = tuple(mapping.get(q[1]) if q[0] == "s" else q for q in p.shape)
                if all(w is not None for w in want):
                    got = self.conform(x, want, strict=True)
                else:
                    got = x if r.random() < 0.5 else self.view(x, scope, runtime=False)
                    if len(got.shape) != len(p.shape) or any(
                            w is not None and w != e for w, e in zip(want, got.shape)):
                        got = None
                if got is not None:
                    local = dict(mapping)
                    for e, q in zip(got.shape, p.shape):
                        if q[0] == "s" and local.setdefault(q[1], e) != e or q == ONE and e != ONE:
                            got = None
                if got is not None:
                    mapping = local
                    break
            if got is None:
                return None
            args.append(got.text)
        return args, mapping

    def call(self, scope: _Scope, depth: int) -> None:
        """A call of an earlier function; its results are new variables."""
        sig = self.r.choice(self.sigs)
        for _ in range(8):
            found = self.call_args(scope, sig)
            if found is not None:
                break
        else:
            return
        args, mapping = found
        tag = self.fresh("call")
        targets = []
        for kind, value in sig.results:
            if kind == "A~":   # NumPy's SIMD results (compared to a tolerance): bound, never used
                name = self.fresh("r")
                scope.vars[name] = kind
            elif kind == "A":
                shape = tuple(compose(e, mapping, tag) for e in value.shape)
                name = self.new_array(Arr("", value.kind, shape))
                scope.vars[name] = "A"
            else:
                name = self.fresh("s" if kind == "S" else "r")
                scope.vars[name] = kind
                if kind == "S":
                    self.scalars[name] = value
            targets.append(name)
        self.emit(depth, f"{', '.join(targets)} = {sig.name}({', '.join(args)})")

    def call_scalar(self, scope: _Scope, t: str) -> str:
        if t == "int":
            return self.runtime_int(scope) if self.r.random() < 0.5 else str(self.r.choice([0, 1, 2, 3, -1, -2]))
        if t == "float":
            return self.r.choice(["0.5", "2.5", "(-1.5)", "3.0"] + scope.of_type("float"))
        return self.bool_expr(scope, 2)

    # ------------------------------------------------------------ functions
    def array_function(self, index: int) -> Function:
        r = self.r
        params: list[tuple[str, str]] = []
        sig_params = []
        scope = _Scope()
        symbols = SYMBOLS[:r.choice([1, 2, 2])]
        n_arrays = r.choice([1, 2, 2, 2, 3])
        n_scalars = r.choice([0, 1, 1, 2])
        slots = ["A"] * n_arrays + [r.choice(["int", "int", "int", "float", "bool"]) for _ in range(n_scalars)]
        r.shuffle(slots)
        # half the time the arrays of an earlier function, which can then be called with them or their views
        like = [p for t, p in r.choice(self.sigs).params if t == "A"] if self.sigs and r.random() < 0.5 else []
        for j, t in enumerate(slots):
            if t != "A":
                name = f"p{j}"
                params.append((name, t))
                sig_params.append((t, None))
                scope.vars[name] = t
                continue
            name = f"a{j}"
            if like:
                model = like.pop(0)
                kind, shape = model.kind, model.shape
                dims = ["1" if e == ONE else e[1] for e in shape]
            else:
                kind = r.choice("ffi" if r.random() < 0.5 else "fii")
                nd = r.choice([1, 1, 2])
                dims = [r.choice(symbols) if r.random() < 0.85 else "1" for _ in range(nd)]
                shape = tuple(ONE if d == "1" else ("s", d, _RANGE) for d in dims)
            x = Arr(name, kind, shape)
            self.arrays[name] = x
            scope.vars[name] = "A"
            params.append((name, f"{PARAM_PREFIX[kind]}[{','.join(dims)}]"))
            sig_params.append(("A", x))
        fn_name = f"f{index}"
        self.emit(0, f"def {fn_name}({', '.join(n for n, _ in params)}):")
        ctx = {"nest": 0, "loops": 0}
        self.array_block(scope, 1, ctx, r.randint(2, 6))
        results, texts, approx = [], [], []
        for k in range(r.choice([1, 1, 2, 2, 3, 4])):
            u = r.random()
            if u < 0.03:   # an array NumPy computes from constants while compiling: a new one per call
                x = r.choice([Arr("np.hanning(4)", "f", (("c", 4),)), Arr("np.logspace(0.0, 2.0, 3)", "f", (("c", 3),))])
                results.append(("A", x))
                texts.append(x.text)
            elif u < 0.45:
                x = self.free_expr(scope) if r.random() < 0.4 else self.view(
                    self.arrays[r.choice(scope.of_type("A"))], scope) if r.random() < 0.5 else \
                    self.arrays[r.choice(scope.of_type("A"))]
                kind = "A"
                if x.kind == "f" and r.random() < 0.2:   # NumPy's SIMD functions (our np.exp): to a tolerance
                    x, kind = Arr(f"{r.choice(INEXACT_UNARY)}({x.text})", "f", x.shape), "A~"
                    approx.append(k)
                results.append((kind, x))
                texts.append(x.text)
            elif u < 0.6 and (scope.of_type("S") or scope.of_type("S~")):
                name = r.choice(scope.of_type("S") + scope.of_type("S~"))
                if scope.vars[name] == "S":
                    results.append(("S", self.scalars[name]))
                else:
                    results.append(("S~", "f"))
                    approx.append(k)
                texts.append(name)
            else:
                text, kind, is_approx = self.reduction(scope, exact=r.random() < 0.4)
                results.append(("S~", "f") if is_approx else ("S", kind))
                if is_approx:
                    approx.append(k)
                texts.append(text)
        self.emit(1, f"return {', '.join(texts)}")
        self.emit(0, "")
        self.emit(0, "")
        self.sigs.append(Signature(fn_name, sig_params, results))
        kinds = {"A": "array", "A~": "array", "S": "scalar", "S~": "float reduction"}
        return Function(fn_name, params, tuple(kinds[k] for k, _ in results), approx=tuple(approx))

    def program(self) -> Program:
        self.emit(0, f"# generated whole-array program, seed {self.seed!r}")
        self.emit(0, "import numpy as np")
        self.emit(0, "")
        self.emit(0, "")
        for k in range(self.r.choice([1, 2, 2, 3])):
            self.functions.append(self.array_function(k))
        return Program(self.seed, "\n".join(self.lines).rstrip() + "\n", list(self.functions),
                       in_bounds=not self.uses_index)


def generate_arrays(seed) -> Program:
    return ArrayGenerator(seed).program()
