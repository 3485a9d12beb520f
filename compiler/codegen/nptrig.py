"""``np.sin`` and ``np.cos`` of floats as functions LLVM's loop vectorizer can vectorize.

The C library's ``sin`` is a call LLVM cannot widen, so a loop calling it runs one
element at a time, at about 20 ns an element.  Here each is a function of our own
with a vector variant as wide as the host's vector registers, named in the scalar function's
``vector-function-abi-variant`` attribute: the loop vectorizer calls a variant
for each vector of elements (LLVM's ``VFABI``; the variant is listed in
``llvm.compiler.used`` so that nothing removes it before the vectorizer has
looked).  The scalar function is ``noinline`` (inlined, the vectorizer would
not see its call), and calls the variant for one lane; both functions' variants
call one core that computes both.

Semantics.  NumPy's ``np.sin`` of float64 is the C library's on this platform;
this one is the algorithm of FreeBSD's ``msun`` (fdlibm), whose error is below
one unit in the last place (ulp): ``tests/compiler/test_nptrig.py`` measures it
against 60-digit ``decimal`` values (at worst 0.70 ulp for ``sin``, 0.65 for
``cos``), and the results differ from the C library's in the last bit for about
two results in a hundred.  ``math.sin`` and ``math.cos`` keep the C library's functions, which is what CPython calls.  Where
``|x| >= 2**20 * pi / 2``, and for infinities and NaN, the core calls the C
library itself (those need a reduction by more bits of ``pi / 2`` than three:
Payne and Hanek's), so those results are NumPy's to the bit: NaN for
infinities, without NumPy's warning.  A ``float32`` argument is computed in
``float64`` and rounded once more (within an ulp of ``float32``, as NumPy's own
``float32`` functions are).

The method, for ``|x| < 2**20 * pi / 2``:

* ``x = n * pi / 2 + y`` with ``n`` the integer nearest ``x * 2 / pi`` and
  ``y = y0 + y1`` (a pair of doubles), ``|y| <= pi / 4``: Cody and Waite's
  reduction by ``pi / 2`` in three parts of 33 bits (``P1 + P2 + P3``) and a
  tail, a second and a third round taken only where the first lost more than 16
  bits to cancellation (and the second more than 49), as ``__ieee754_rem_pio2``
  does; here every round is computed and the rounds' results selected, so that
  there is no branch;
* ``sin(y)`` and ``cos(y)`` are fdlibm's ``__kernel_sin`` and ``__kernel_cos``
  (minimax polynomials of degree 13 and 14); ``n mod 4`` selects which of
  them, and its sign, is the result.  As fdlibm's, ``sin(x)`` of ``|x|`` up to
  about ``pi / 4`` is the kernel's other form for an unreduced argument, and
  ``x`` itself below ``2**-26``.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import llvmlite.ir as lir

from .floatbits import from_words, truncated

#: the arguments at and beyond this magnitude (and NaN) go to the C library:
#: fdlibm's bound for its reduction in three parts, ``0x413921fb`` in the high word
LIMIT = from_words(0x413921FB, 0)
#: ``|x|`` up to this (high word ``0x3fe921fb``, about ``pi / 4``) is not reduced:
#: fdlibm's ``sin`` of it is ``__kernel_sin(x, 0, 0)``
QUARTER = from_words(0x3FE921FB, 0xFFFFFFFF)
#: below this, fdlibm's ``sin(x)`` is ``x`` (so ``sin(-0.0)`` is ``-0.0``)
TINY = 2.0 ** -26
_SHIFT = float.fromhex("0x1.8p52")
_DOUBLE, _I64 = lir.DoubleType(), lir.IntType(64)
_USED = "llvm.compiler.used"


#: fdlibm's ``__kernel_sin`` coefficients (S1..S6) and ``__kernel_cos``'s (C1..C6), by their bits
SIN_COEFFICIENTS = tuple(from_words(h, l) for h, l in (
    (0xBFC55555, 0x55555549), (0x3F811111, 0x1110F8A6), (0xBF2A01A0, 0x19C161D5),
    (0x3EC71DE3, 0x57B1FE7D), (0xBE5AE5E6, 0x8A2B9CEB), (0x3DE5D93A, 0x5ACFD57C)))
COS_COEFFICIENTS = tuple(from_words(h, l) for h, l in (
    (0x3FA55555, 0x5555554C), (0xBF56C16C, 0x16C15177), (0x3EFA01A0, 0x19CB1590),
    (0xBE927E4F, 0x809C52AD), (0x3E21EE9E, 0xBDB4B1C4), (0xBDA8FAE9, 0xBE8838D4)))


@functools.cache
def reduction_constants() -> tuple[float, ...]:
    """``2 / pi`` and the parts of ``pi / 2``: ``P1``, its tail ``T1 = pi/2 - P1``, ``P2``
    (``T1``'s first 33 bits), ``T2``, ``P3`` and ``T3``, each ``P`` of 33 significant bits
    (so that ``n * P`` is exact for ``|n| < 2**20``), each ``T`` rounded once, from a
    60-digit ``pi`` (Machin's formula)."""
    from decimal import Context, Decimal

    context = Context(prec=60)
    half_pi = context.multiply(_pi(context), Decimal("0.5"))
    parts: list[float] = [float(context.divide(1, half_pi))]
    rest = half_pi
    for _ in range(3):
        part = truncated(float(rest), 33)
        rest = context.subtract(rest, Decimal(part))
        parts += [part, float(rest)]
    return tuple(parts)


def _pi(context: Any) -> Any:
    """``pi`` to the precision of ``context``: ``16 atan(1/5) - 4 atan(1/239)``."""
    from decimal import Decimal

    def atan_of_inverse(k: int) -> Decimal:
        total, term, n = Decimal(0), context.divide(1, k), 1
        smallest = Decimal(10) ** -(context.prec + 2)
        while term > smallest:
            step = context.add if n % 4 == 1 else context.subtract   # the context's, not the default's
            total, term, n = step(total, context.divide(term, n)), context.divide(term, k * k), n + 2
        return total

    return context.subtract(context.multiply(16, atan_of_inverse(5)), context.multiply(4, atan_of_inverse(239)))


def np_trig(module: lir.Module, libm: Callable[[str], lir.Function], b: lir.IRBuilder, fn: str,
            x: lir.Value) -> lir.Value:
    """``np.sin(x)`` or ``np.cos(x)`` (``fn``: ``"sin"`` or ``"cos"``) of the ``float``/``double``
    ``x``, called at ``b``; ``libm(name)``: the C library's ``double`` function of that name."""
    if isinstance(x.type, lir.FloatType):
        return b.fptrunc(np_trig(module, libm, b, fn, b.fpext(x, _DOUBLE)), x.type)
    return b.call(_function(module, libm, fn), [x])


def _function(module: lir.Module, libm: Callable[[str], lir.Function], fn: str) -> lir.Function:
    """The module's scalar function for ``fn``, added with its vector variant (and their
    common core) on first use."""
    name = f"pyjit_runtime.np_{fn}"
    scalar = module.globals.get(name)
    if scalar is not None:
        return scalar
    lanes = host_lanes()
    core_text, texts = definitions(lanes)
    vector = lir.VectorType(_DOUBLE, lanes)
    if module.globals.get(_core_name(lanes)) is None:
        for c_function in ("sin", "cos"):   # the core calls them: declared as the lowering declares them
            libm(c_function)
        _Rendered(module, lir.FunctionType(lir.LiteralStructType([vector, vector]), [vector]), _core_name(lanes),
                  core_text)
    scalar_text, variant_text = texts[fn]
    _keep(module, _Rendered(module, lir.FunctionType(vector, [vector]), f"{name}.v{lanes}", variant_text))
    return _Rendered(module, lir.FunctionType(_DOUBLE, [_DOUBLE]), name, scalar_text)


@functools.cache
def host_lanes() -> int:
    """The doubles in one of the host's widest vector registers: the variant's lanes."""
    from ..passes.vectorize import host_vector_bits

    return host_vector_bits() // 64


def _core_name(lanes: int) -> str:
    return f"pyjit_runtime.np_sincos.v{lanes}"


@functools.cache
def definitions(lanes: int) -> tuple[str, dict[str, tuple[str, str]]]:
    """The LLVM IR of the core (``sin`` and ``cos`` of ``lanes`` doubles) and, by function,
    of the scalar function and of its vector variant, made once per process (the same text in
    every module: they refer to no global but each other and the C library's functions, and
    carry no metadata).

    One core serves both functions, so that a module with both has one body for LLVM to
    compile, not two (the kernels of both are computed for either anyway: the quadrant picks
    one).  The variant takes its half of the core's result; the scalar function calls the
    variant with its argument in every lane and takes lane 0, so a vector loop's elements and
    the scalar loop's after it are computed alike, to the bit."""
    module = lir.Module()
    libm = {fn: lir.Function(module, lir.FunctionType(_DOUBLE, [_DOUBLE]), fn) for fn in ("sin", "cos")}
    core = _core(module, libm, lanes)
    texts = {}
    for index, fn in enumerate(("sin", "cos")):
        name = f"pyjit_runtime.np_{fn}"
        variant = lir.Function(module, lir.FunctionType(core.args[0].type, [core.args[0].type]), f"{name}.v{lanes}")
        _private(variant)
        b = lir.IRBuilder(variant.append_basic_block("entry"))
        b.ret(b.extract_value(b.call(core, [variant.args[0]]), index))
        scalar = lir.Function(module, lir.FunctionType(_DOUBLE, [_DOUBLE]), name)
        scalar.attributes = _MappedAttributes(f"_ZGV_LLVM_N{lanes}v_{name}({variant.name})")
        _private(scalar)
        scalar.attributes.add("noinline")
        b = lir.IRBuilder(scalar.append_basic_block("entry"))
        every_lane = b.insert_element(lir.Constant(core.args[0].type, None), scalar.args[0], _I64(0))
        every_lane = b.shuffle_vector(every_lane, every_lane,
                                      lir.Constant(lir.VectorType(lir.IntType(32), lanes), [0] * lanes))
        b.ret(b.extract_element(b.call(variant, [every_lane]), _I64(0)))
        texts[fn] = (str(scalar), str(variant))
    return str(core), texts


class _Rendered(lir.Function):
    """A function whose definition is LLVM IR text made beforehand (:func:`definitions`)."""

    def __init__(self, module: lir.Module, ftype: lir.FunctionType, name: str, text: str):
        super().__init__(module, ftype, name)
        self.text = text

    def descr(self, buf: list[str]) -> None:
        buf.append(self.text)


def _core(module: lir.Module, libm: dict[str, lir.Function], lanes: int) -> lir.Function:
    """``sin`` and ``cos`` of ``lanes`` doubles: every lane computed by the reduction and the
    kernels, then, where any lane is beyond their range, those lanes by the C library (a
    branch with no weights: a weight is metadata, numbered in the module).  ``noinline``: its
    callers stay small."""
    vector = lir.VectorType(_DOUBLE, lanes)
    pair = lir.LiteralStructType([vector, vector])
    function = lir.Function(module, lir.FunctionType(pair, [vector]), _core_name(lanes))
    _private(function)
    function.attributes.add("noinline")
    b = lir.IRBuilder(function.append_basic_block("entry"))
    x = function.args[0]
    emit = _Emitter(b, lanes)
    fast = emit.sin_cos(x)
    magnitude = b.bitcast(b.and_(b.bitcast(x, emit.int_type), emit.integer(0x7FFFFFFFFFFFFFFF)), vector)
    slow_lanes = b.fcmp_unordered(">=", magnitude, emit.float(LIMIT))
    any_slow = b.icmp_unsigned("!=", b.bitcast(slow_lanes, lir.IntType(lanes)), lir.IntType(lanes)(0))
    with b.if_then(any_slow):
        corrected = []
        for fn, computed in zip(("sin", "cos"), fast):
            by_c_library = computed
            for lane in range(lanes):
                element = b.call(libm[fn], [b.extract_element(x, _I64(lane))])
                by_c_library = b.insert_element(by_c_library, element, _I64(lane))
            corrected.append(b.select(slow_lanes, by_c_library, computed))
        b.ret(_pair(b, pair, corrected))
    b.ret(_pair(b, pair, fast))
    return function


def _pair(b: lir.IRBuilder, pair: lir.LiteralStructType, values: list[lir.Value]) -> lir.Value:
    return b.insert_value(b.insert_value(lir.Constant(pair, None), values[0], 0), values[1], 1)


def _private(function: lir.Function) -> None:
    function.linkage = "internal"
    function.attributes.add("nounwind")
    function.attributes.add("readnone")


def _keep(module: lir.Module, function: lir.Function) -> None:
    """Add ``function`` to the module's ``llvm.compiler.used`` (the global made on first use,
    its type growing with its list)."""
    ptr = lir.PointerType()
    used = module.globals.get(_USED)
    if used is None:
        used = lir.GlobalVariable(module, lir.ArrayType(ptr, 0), _USED)
        used.linkage = "appending"
        used.section = "llvm.metadata"
        used.initializer = lir.Constant(used.value_type, [])
    members = [*used.initializer.constant, function]
    used.value_type = lir.ArrayType(ptr, len(members))
    used.initializer = lir.Constant(used.value_type, members)


class _MappedAttributes(lir.values.FunctionAttributes):
    """A function's attributes and its ``vector-function-abi-variant`` string attribute
    (llvmlite's attribute sets take only LLVM's keyword attributes)."""

    def __init__(self, variants: str):
        self.variants = variants
        super().__init__()

    def _to_list(self, ret_type: lir.Type) -> list[str]:
        return [*super()._to_list(ret_type), f'"vector-function-abi-variant"="{self.variants}"']


class _Emitter:
    """Emits the reduction and the kernels at ``b`` on vectors of ``lanes`` doubles."""

    def __init__(self, b: lir.IRBuilder, lanes: int):
        self.b, self.lanes = b, lanes
        self.float_type = lir.VectorType(_DOUBLE, lanes)
        self.int_type = lir.VectorType(_I64, lanes)

    def float(self, v: float) -> lir.Constant:
        return lir.Constant(self.float_type, [_DOUBLE(v)] * self.lanes)

    def integer(self, v: int) -> lir.Constant:
        return lir.Constant(self.int_type, [_I64(v)] * self.lanes)

    def add(self, x: lir.Value, y: lir.Value) -> lir.Value:
        return self.b.fadd(x, y)

    def sub(self, x: lir.Value, y: lir.Value) -> lir.Value:
        return self.b.fsub(x, y)

    def mul(self, x: lir.Value, y: lir.Value) -> lir.Value:
        return self.b.fmul(x, y)

    def exponent(self, x: lir.Value) -> lir.Value:
        """The biased exponent field of ``x`` (an integer)."""
        b = self.b
        return b.and_(b.lshr(b.bitcast(x, self.int_type), self.integer(52)), self.integer(0x7FF))

    def sin_cos(self, x: lir.Value) -> tuple[lir.Value, lir.Value]:
        """``sin(x)`` and ``cos(x)`` for ``|x| < LIMIT`` (see the module docstring)."""
        b, c = self.b, self.float
        y0, y1, n = self.reduce(x)
        s, co = self.kernel_sin(y0, y1), self.kernel_cos(y0, y1)
        odd = b.icmp_signed("!=", b.and_(n, self.integer(1)), self.integer(0))
        sine = self._negated_if(b.and_(n, self.integer(2)), b.select(odd, co, s))
        cosine = self._negated_if(b.and_(b.add(n, self.integer(1)), self.integer(2)), b.select(odd, s, co))
        # fdlibm's sin of |x| up to about pi/4 is __kernel_sin(x, 0, 0), the other form of the
        # kernel, unreduced (n is 1 for the last few of those arguments), and x below 2**-26
        magnitude = b.bitcast(b.and_(b.bitcast(x, self.int_type), self.integer(0x7FFFFFFFFFFFFFFF)),
                              self.float_type)
        unreduced = b.select(b.fcmp_ordered("<", magnitude, c(TINY)), x, self.kernel_sin_unreduced(x))
        return b.select(b.fcmp_ordered("<=", magnitude, c(QUARTER)), unreduced, sine), cosine

    def _negated_if(self, bit: lir.Value, value: lir.Value) -> lir.Value:
        b = self.b
        return b.select(b.icmp_signed("!=", bit, self.integer(0)), b.fneg(value), value)

    def reduce(self, x: lir.Value) -> tuple[lir.Value, lir.Value, lir.Value]:
        """``(y0, y1, n)``: ``x - n * pi / 2 = y0 + y1`` (``__ieee754_rem_pio2``'s medium case)."""
        b, c, add, sub, mul = self.b, self.float, self.add, self.sub, self.mul
        inverse, p1, t1, p2, t2, p3, t3 = reduction_constants()
        shifted = add(mul(x, c(inverse)), c(_SHIFT))
        fn = sub(shifted, c(_SHIFT))
        n = b.bitcast(shifted, self.int_type)   # its low bits are n's
        j = self.exponent(x)
        r = sub(x, mul(fn, c(p1)))
        w = mul(fn, c(t1))
        y0 = sub(r, w)
        second = b.icmp_signed(">", b.sub(j, self.exponent(y0)), self.integer(16))
        r2 = sub(r, mul(fn, c(p2)))
        w2 = sub(mul(fn, c(t2)), sub(sub(r, r2), mul(fn, c(p2))))
        y02 = sub(r2, w2)
        third = b.and_(second, b.icmp_signed(">", b.sub(j, self.exponent(y02)), self.integer(49)))
        r3 = sub(r2, mul(fn, c(p3)))
        w3 = sub(mul(fn, c(t3)), sub(sub(r2, r3), mul(fn, c(p3))))
        y03 = sub(r3, w3)
        r = b.select(third, r3, b.select(second, r2, r))
        w = b.select(third, w3, b.select(second, w2, w))
        y0 = b.select(third, y03, b.select(second, y02, y0))
        return y0, sub(sub(r, y0), w), n

    def kernel_sin(self, x: lir.Value, y: lir.Value) -> lir.Value:
        """fdlibm's ``__kernel_sin(x, y, 1)``: ``sin(x + y)`` for ``|x + y| <= pi / 4``."""
        c, sub, mul = self.float, self.sub, self.mul
        z, v, r = self._sin_terms(x)
        s1 = SIN_COEFFICIENTS[0]
        return sub(x, sub(sub(mul(z, sub(mul(c(0.5), y), mul(v, r))), y), mul(v, c(s1))))

    def kernel_sin_unreduced(self, x: lir.Value) -> lir.Value:
        """fdlibm's ``__kernel_sin(x, 0, 0)``."""
        c, add, mul = self.float, self.add, self.mul
        z, v, r = self._sin_terms(x)
        return add(x, mul(v, add(c(SIN_COEFFICIENTS[0]), mul(z, r))))

    def _sin_terms(self, x: lir.Value) -> tuple[lir.Value, lir.Value, lir.Value]:
        c, add, mul = self.float, self.add, self.mul
        _, s2, s3, s4, s5, s6 = SIN_COEFFICIENTS
        z = mul(x, x)
        w = mul(z, z)
        r = add(add(c(s2), mul(z, add(c(s3), mul(z, c(s4))))), mul(mul(z, w), add(c(s5), mul(z, c(s6)))))
        return z, mul(z, x), r

    def kernel_cos(self, x: lir.Value, y: lir.Value) -> lir.Value:
        """fdlibm's ``__kernel_cos(x, y)``: ``cos(x + y)`` for ``|x + y| <= pi / 4``."""
        c, add, sub, mul = self.float, self.add, self.sub, self.mul
        c1, c2, c3, c4, c5, c6 = COS_COEFFICIENTS
        z = mul(x, x)
        w = mul(z, z)
        r = add(mul(z, add(c(c1), mul(z, add(c(c2), mul(z, c(c3)))))),
                mul(mul(w, w), add(c(c4), mul(z, add(c(c5), mul(z, c(c6)))))))
        hz = mul(c(0.5), z)
        w = sub(c(1.0), hz)
        return add(w, add(sub(sub(c(1.0), w), hz), sub(mul(z, r), mul(x, y))))
