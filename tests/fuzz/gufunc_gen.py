"""Generalized ufunc kernels for the differential fuzzer (``compiler.guvectorize``).

``generator.generate`` makes these programs for seeds starting with ``gufunc`` (``runner --seed
gufunc``).  A program is one kernel ``g0(<inputs>, <outputs>)`` of a layout drawn from
:data:`LAYOUTS` (``"(n)->()"``, ``"(n),()->(n)"``, ``"(m,n)->(m)"``, ``"(m,n),(n)->(m)"``,
``"(n)->(n),()"``, ...), with the layout and the outputs' dtypes as module constants (``LAYOUT``,
``OUTPUT_DTYPES``).  Array operands are float or int arrays (of any dtype the runner's
``--dtypes`` gives; input arrays are read only), ``()`` inputs are Python ints or floats (``i64``,
``f64`` in the signature), a ``()`` output is a 1-element array written as ``out[0]``.  The kernel

* first writes every element of its outputs (NumPy allocates them uninitialized);
* then runs loops over the core dimensions (``for i in range(a.shape[0])``, nested for 2-D
  operands) that accumulate sums, minima and counts of the base generator's expressions of
  the elements, write outputs at the loop's index (``out[i] = ...``, ``out[i] += ...``) and
  after the loop (``out[0] = s``), under conditions; between them, the base generator's
  assignments of temporaries, augmented assignments, prints and raising text;
* reads operands at the loop's index, at computed indices reduced modulo the extent, and in a
  share of the programs at indices out of range (``IndexError``); divides by values that may
  be 0 (``ZeroDivisionError``); stores ints that may be out of a narrow output's range
  (``OverflowError``).

The runner checks the kernel as an ordinary function on one set of core operands (``-O0``,
``-O3``, ...: the outputs are array arguments compared after the call), and as
``guvectorize([signature], LAYOUT)(g0)`` (``entry_points.GUVECTORIZE``, and on a share of the
programs ``target="parallel"`` on a stack of at least :data:`PARALLEL_ROWS` rows) on stacked
operands -- some inputs broadcast, the outputs allocated by NumPy or passed as ``out=`` -- against
:func:`loop_reference`: a Python loop over the stack calling the plain function on each
operand's slice (a ``()`` input as a Python number, a ``()`` output as a 1-element view).
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from .generator import Function, Generator, Program, _Scope

#: the layouts kernels have: (inputs, outputs), each operand its core dimensions
LAYOUTS = [
    ((("n",),), ((),)),
    ((("n",), ()), (("n",),)),
    ((("m", "n"),), (("m",),)),
    ((("n",), ("n",)), ((),)),
    ((("m", "n"), ("n",)), (("m",),)),
    ((("n",),), (("n",), ())),
    (((), ()), ((),)),
    ((("n",), ("m",)), (("m",),)),
    ((("m", "n"),), (("n",), ())),
]
#: the rows of the stack a ``target="parallel"`` call runs (its shares are 8 rows at least)
PARALLEL_ROWS = 40
#: the extents of core dimensions and of the stack
CORE_SIZES = (0, 1, 1, 2, 3, 3, 4, 5)
STACK_SHAPES = [(0,), (1,), (2,), (3,), (3,), (4,), (2, 3), ()]


def layout_text(inputs, outputs) -> str:
    def side(operands):
        return ",".join(f"({','.join(dims)})" for dims in operands)
    return f"{side(inputs)}->{side(outputs)}"


@dataclass
class _Operand:
    name: str
    dims: tuple[str, ...]
    kind: str        # "f" or "i"
    output: bool


class GufuncGenerator(Generator):
    """One kernel of a gufunc layout; the scalar expressions are the base generator's, without
    draws and calls (``Generator.in_prange``, which also keeps them free of idioms)."""

    def __init__(self, seed):
        super().__init__(seed)
        self.operands: dict[str, _Operand] = {}
        self.loopvars: dict[str, str] = {}   # core dimension -> the variable of a loop over it

    # ------------------------------------------------------------ reads
    def extent(self, dim: str) -> str:
        """An expression of the extent of core dimension ``dim``."""
        for op in self.operands.values():
            if dim in op.dims:
                return f"{op.name}.shape[{op.dims.index(dim)}]"
        raise AssertionError(dim)

    def array_index(self, scope: _Scope, a: str, depth: int, oob: bool = False) -> str:
        r = self.r
        op = self.operands[a]
        parts = []
        for axis, dim in enumerate(op.dims or ("1",)):
            var = self.loopvars.get(dim)
            if var is not None and r.random() < 0.7:
                if (oob or self.oob) and r.random() < 0.15:
                    self.unreduced_index = True
                    parts.append(f"{var} + 1")
                else:
                    parts.append(var)
            elif not op.dims:
                parts.append("0")
            else:
                idx, _ = self.int_expr(scope, depth + 1)
                if (oob or self.oob) and r.random() < 0.2:
                    self.unreduced_index = True
                    parts.append(idx)
                else:
                    parts.append(f"({idx}) % {a}.shape[{axis}]")
        return ", ".join(parts)

    def readable(self, scope: _Scope) -> None:
        for op in self.operands.values():
            if op.dims or op.output:   # () outputs are 1-element arrays too
                scope.vars[op.name] = "f64[]" if op.kind == "f" else "i64[]"

    # ------------------------------------------------------------ values
    def value(self, scope: _Scope, kind: str) -> str:
        if kind == "f":
            return self.float_expr(scope, 1)
        text = self.expr(scope, "int", 1)
        return text if self.r.random() < 0.1 else f"({text}) % 100"   # may overflow a narrow dtype

    def element(self, op: _Operand) -> str | None:
        """The element of output ``op`` the current loops index, if they index one."""
        if not op.dims:
            return f"{op.name}[0]"
        if all(d in self.loopvars for d in op.dims):
            return f"{op.name}[{', '.join(self.loopvars[d] for d in op.dims)}]"
        return None

    # ------------------------------------------------------------ statements
    def statement(self, scope: _Scope, depth: int, ctx: dict) -> None:
        """(What the base generator's ``aug`` falls back to without a variable to change.)"""
        self.simple_statement("assign", scope, depth, ctx)

    def init_outputs(self, depth: int) -> None:
        for op in self.operands.values():
            if not op.output:
                continue
            start = self.r.choice(["0", "1", "(-1)"] if op.kind == "i" else ["0.0", "1.0", "(-0.5)"])
            if not op.dims:
                self.emit(depth, f"{op.name}[0] = {start}")
                continue
            i = self.fresh("i")
            self.emit(depth, f"for {i} in range({op.name}.shape[0]):")
            self.emit(depth + 1, f"{op.name}[{i}] = {start}")

    def body(self, scope: _Scope, depth: int, n: int, nest: int) -> None:
        before = len(self.lines)
        for _ in range(n):
            self.kernel_statement(scope, depth, nest)
        if len(self.lines) == before:
            self.emit(depth, "pass")

    def kernel_statement(self, scope: _Scope, depth: int, nest: int) -> None:
        r = self.r
        kinds = ["store"] * 3 + ["simple"] * 2
        if nest < 3:
            kinds += ["loop"] * 3 + ["if"]
        kind = r.choice(kinds)
        if kind == "simple":
            simple = r.choice(["assign", "assign", "aug", "print", "text"] if self.prints else ["assign", "aug"])
            self.simple_statement(simple, scope, depth, {"nest": nest, "loops": 0})
        elif kind == "store":
            self.store(scope, depth)
        elif kind == "if":
            self.emit(depth, f"if {self.bool_expr(scope, 1)}:")
            self.body(scope.child(), depth + 1, r.randint(1, 2), nest + 1)
            if r.random() < 0.4:
                self.emit(depth, "else:")
                self.body(scope.child(), depth + 1, 1, nest + 1)
        else:
            self.loop(scope, depth, nest)

    def store(self, scope: _Scope, depth: int) -> None:
        r = self.r
        outs = [op for op in self.operands.values() if op.output and self.element(op)]
        if not outs:
            return self.simple_statement("assign", scope, depth, {"nest": 0, "loops": 0})
        op = r.choice(outs)
        target = self.element(op)
        if r.random() < 0.3:
            self.emit(depth, f"{target} += {self.value(scope, op.kind)}")
        else:
            self.emit(depth, f"{target} = {self.value(scope, op.kind)}")

    def loop(self, scope: _Scope, depth: int, nest: int) -> None:
        """A loop over a core dimension not looped over yet: accumulators before it, written to
        an output after it."""
        r = self.r
        dims = [d for op in self.operands.values() for d in op.dims if d not in self.loopvars]
        if not dims:
            return self.store(scope, depth)
        dim = r.choice(dims)
        accs = []
        for _ in range(r.choice([0, 1, 1, 2])):
            kind = r.choice(["int", "float", "float"])
            name = self.fresh("s")
            self.emit(depth, f"{name} = {'0' if kind == 'int' else r.choice(['0.0', '1.0', '(-1e300)'])}")
            accs.append((name, kind, r.choice(["+", "max", "min"])))
        i = self.fresh("i")
        self.emit(depth, f"for {i} in range({self.extent(dim)}):")
        inner = scope.child()
        inner.vars[i] = "int"
        inner.readonly.add(i)
        self.loopvars[dim] = i
        for name, kind, form in accs:
            value = self.expr(inner, kind, 1)
            if form == "+":
                text = f"({name} + {value}) % 1000003" if kind == "int" else f"{name} + {value}"
            else:
                text = f"{form}({name}, {value})"
            self.emit(depth + 1, f"{name} = {text}")
        self.body(inner, depth + 1, r.randint(1, 3), nest + 1)
        del self.loopvars[dim]
        for name, kind, _ in accs:
            scope.vars[name] = kind
        if accs:
            outs = [op for op in self.operands.values() if op.output and self.element(op)]
            if outs:
                op = r.choice(outs)
                name, kind, _ = r.choice(accs)
                value = (f"int({name}) % 100" if kind == "float" else f"{name} % 100") if op.kind == "i" else \
                    f"float({name})"
                if kind == "float" and op.kind == "i":   # int() of inf or NaN raises: keep it finite
                    value = f"int(min(max({name}, -1e6), 1e6)) % 100 if {name} == {name} else 0"
                self.emit(depth, f"{self.element(op)} = {value}")

    # ------------------------------------------------------------ the program
    def program(self) -> Program:
        r = self.r
        self.in_prange = 1   # no draws, calls or idioms in the kernel's expressions
        self.no_calls = 1
        self.prints = r.random() < 0.3
        inputs, outputs = r.choice(LAYOUTS)
        params: list[tuple[str, str]] = []
        scope = _Scope()
        out_dtypes = []
        for k, dims in enumerate(inputs + outputs):
            output = k >= len(inputs)
            name = f"{'o' if output else 'a' if dims else 'p'}{k}"
            kind = r.choice("ff" + "i")
            self.operands[name] = _Operand(name, dims, kind, output)
            if not dims and not output:
                t = "float" if kind == "f" else "int"
                params.append((name, t))
                scope.vars[name] = t
                continue
            params.append((name, f"{'f64' if kind == 'f' else 'i64'}[{','.join(dims) or '1'}]"))
            if output:
                out_dtypes.append(r.choice(["float64", "float64", "float32"] if kind == "f" else
                                           ["int64", "int64", "int32", "int16", "int8", "uint8", "uint16"]))
        layout = layout_text(inputs, outputs)
        self.emit(0, f"# generated gufunc kernel, seed {self.seed!r}")
        self.emit(0, f"LAYOUT = {layout!r}")
        self.emit(0, f"OUTPUT_DTYPES = {tuple(out_dtypes)!r}")
        self.emit(0, "")
        self.emit(0, "")
        self.emit(0, f"def g0({', '.join(n for n, _ in params)}):")
        self.readable(scope)
        self.init_outputs(1)
        self.body(scope, 1, r.randint(1, 4), 0)
        self.emit(1, "return None")
        header = []
        if self.uses_math:
            header.append("import math")
        if self.uses_operator:
            header.append("import operator")
        header.append("import numpy as np")
        self.lines[1:1] = header + [""]
        fn = Function("g0", params, ("none",))
        return GufuncProgram(self.seed, "\n".join(self.lines).rstrip() + "\n", [fn], in_bounds=False,
                             layout=layout, out_dtypes=tuple(out_dtypes))


@dataclass
class GufuncProgram(Program):
    #: the kernel's layout (``"(n),()->(n)"``) and its outputs' dtypes
    layout: str = ""
    out_dtypes: tuple[str, ...] = ()


def generate_gufunc(seed) -> Program:
    return GufuncGenerator(seed).program()


# ---------------------------------------------------------------- the runner's side
def _layout(py):
    from compiler.gufunc_layout import parse_layout

    return parse_layout(py.__globals__["LAYOUT"])


def stacked_calls(program: GufuncProgram, pseed, dtypes: str, parallel: bool = False):
    """Arguments of the guvectorize calls of ``program``: stacked inputs (some broadcast:
    unstacked), then the outputs as ``out=`` in a share of the calls (zeros of ``OUTPUT_DTYPES``)."""
    from .runner import DTYPES

    from compiler.gufunc_layout import parse_layout

    layout = parse_layout(program.layout)
    fn = program.functions[0]
    r = random.Random(f"gufunc-{'parallel-' if parallel else ''}{pseed}")
    kinds = dict(fn.params)
    for _ in range(2 if not parallel else 1):
        sizes = {d: r.choice(CORE_SIZES) for d in layout.dimensions}
        stack = (PARALLEL_ROWS,) if parallel else r.choice(STACK_SHAPES)
        args = []
        for (name, t), dims in zip(fn.params, layout.inputs):
            own = () if r.random() < 0.2 and stack else stack   # broadcast over the stack
            shape = own + tuple(sizes[d] for d in dims)
            n = int(np.prod(shape, dtype=np.int64))
            if not dims:
                values = [_scalar(r, t) for _ in range(n)]
                args.append(values[0] if not own else
                            np.array(values, dtype=np.float64 if t == "float" else np.int64).reshape(own))
                continue
            kind = "f64[]" if t.startswith("f64") else "i64[]"
            choices = [d for d in DTYPES[dtypes][kind] if d != "bool"]
            dtype = np.dtype(r.choice(choices))
            if kind == "f64[]":
                values = [r.choice([r.uniform(-100, 100), 0.0, -0.0, 1.0, 2.5, np.nan, np.inf]) for _ in range(n)]
            else:
                info = np.iinfo(dtype)
                values = [r.randint(max(-50, info.min), min(50, info.max)) for _ in range(n)]
            args.append(np.array(values, dtype=np.float64).astype(dtype).reshape(shape))
        if r.random() < 0.3:   # out= given
            for dims, dtype in zip(layout.outputs, program.out_dtypes):
                args.append(np.zeros(stack + tuple(sizes[d] for d in dims), dtype=dtype))
        yield tuple(args)


def _scalar(r: random.Random, t: str):
    if t == "int":
        return r.choice([0, 1, -1, 2, 3, 7, r.randint(-10, 10), r.randint(-1000, 1000)])
    return r.choice([0.0, -0.0, 1.0, -1.0, 0.5, 2.5, np.nan, np.inf, r.uniform(-10, 10)])


def _signature(py, args: tuple) -> str:
    from ir.dtypes import from_dtype

    from compiler.signatures import format_type

    layout = _layout(py)
    nin = len(layout.inputs)
    out_dtypes = [a.dtype for a in args[nin:]] or [np.dtype(d) for d in py.__globals__["OUTPUT_DTYPES"]]
    parts = []
    for k, dims in enumerate(layout.operands):
        if k < nin:
            a = args[k]
            dtype = a.dtype if isinstance(a, np.ndarray) else np.dtype(np.float64 if isinstance(a, float) else np.int64)
        else:
            dtype = out_dtypes[k - nin]
        text = format_type(from_dtype(dtype))
        parts.append(f"{text}[{', '.join([':'] * max(1, len(dims)))}]" if dims or k >= nin else text)
    return f"void({', '.join(parts)})"


def compiled(py, options: dict, args: tuple, parallel: bool):
    """``guvectorize([signature], LAYOUT)(py)`` (its signature of ``args``' dtypes) as a callable
    of ``args``: the inputs, then the outputs when ``out=`` is given; the ufunc's result."""
    from compiler import guvectorize

    layout = _layout(py)
    ufunc = guvectorize([_signature(py, args)], py.__globals__["LAYOUT"],
                        target="parallel" if parallel else "cpu", **options)(py)
    nin = len(layout.inputs)

    def call(*values):
        if len(values) > nin:
            ufunc(*values[:nin], out=values[nin:])
            return None
        result = ufunc(*values)   # (a NumPy scalar for an output of no dimensions at all: a 0-d array)
        return tuple(map(np.asarray, result)) if isinstance(result, tuple) else np.asarray(result)

    call.__name__ = f"guvectorize({_signature(py, args)!r}, {str(layout)!r})"
    return call


def loop_reference(fn):
    """CPython's gufunc of the kernel ``fn``: a loop over the stack (NumPy's broadcast of the
    inputs' loop dimensions) calling ``fn`` on each operand's slice, outputs allocated as
    ``OUTPUT_DTYPES`` unless given; returns them as the ufunc does (None when given)."""
    def call(*values):
        layout = _layout(fn)
        nin = len(layout.inputs)
        ins, given = values[:nin], values[nin:]
        sizes = {}
        loop_shapes = []
        for a, dims in zip(ins, layout.inputs):
            shape = np.shape(a)
            core = shape[len(shape) - len(dims):] if dims else ()
            loop_shapes.append(shape[:len(shape) - len(dims)])
            for d, e in zip(dims, core):
                sizes[d] = e
        loop_shapes += [np.shape(o)[:np.ndim(o) - len(dims)] for o, dims in zip(given, layout.outputs)]
        stack = np.broadcast_shapes(*loop_shapes)
        if given:
            outs = list(given)
        else:
            outs = [np.zeros(stack + tuple(sizes[d] for d in dims), dtype=dtype)
                    for dims, dtype in zip(layout.outputs, fn.__globals__["OUTPUT_DTYPES"])]
        ins = [np.broadcast_to(a, stack + tuple(sizes[d] for d in dims)) for a, dims in zip(ins, layout.inputs)]
        count = int(np.prod(stack, dtype=np.int64))
        flat_outs = [o.reshape((count,) + o.shape[len(stack):]) for o in outs]   # views (contiguous)
        for k, index in enumerate(np.ndindex(*stack)):
            args = [a[index].item() if not dims else a[index] for a, dims in zip(ins, layout.inputs)]
            args += [o[k:k + 1] if not dims else o[k] for o, dims in zip(flat_outs, layout.outputs)]
            fn(*args)
        if given:
            return None
        return outs[0] if len(outs) == 1 else tuple(outs)

    call.__name__ = f"loop({fn.__name__})"
    return call
