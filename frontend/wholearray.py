"""Whole arrays in traced code: slicing views, element-wise expressions, reductions.

NumPy-style code is traced into the ops of :mod:`ir.ops.wholearray`; the
``lower-arrays`` pass makes loops of them.  NumPy 2 semantics decisions:

* **Slicing** (``a[1:-1, ::2]``, ``a[i, :]``, ``a[:, None]``, ``a[..., 0]``) is a view
  sharing memory; start and stop are clipped as NumPy clips them, a step of 0
  is NumPy's ``ValueError``, integer indices are wrapped and checked as for
  element access.  Slices with constant bounds count in one form per window
  (``a[1:-1]``, ``a[2:]``, ``a[:-2]``: ``max(n - 2, 0)``, traced once), so that
  operands of one array's extent are seen to agree without a run-time check.
  ``.real``/``.imag`` of a complex array are views of its parts.
* **Element-wise operators and ufuncs** broadcast as NumPy does: operands are
  aligned on the right, an extent of 1 repeats; other mismatches raise NumPy's
  ``ValueError: operands could not be broadcast together with shapes (3,) (4,)``
  at run time (decided at compile time when the extents are constants).  Each
  computes in the loop NumPy's ``ufunc.resolve_dtypes`` picks (NEP 50: a Python
  scalar does not widen an array's dtype; a NumPy scalar does), the result in
  its output dtype; ``a ** 0.5`` is ``np.sqrt(a)``, as NumPy computes it.
  Element operations are NumPy's, not Python's: ``/``, ``//`` and ``%``
  never raise (``1.0 / 0`` is ``inf``, integer ``x // 0`` and ``x % 0`` are 0,
  float ``x % 0`` is ``nan``), integers wrap; ``+``/``*`` of bool arrays are
  logical or/and and ``-`` of them is NumPy's ``TypeError`` where the code gets there
  (as is any ufunc NumPy has no loop for the operands' dtypes of).
* **Reductions** (``sum``, ``prod``, ``min``, ``max``, ``mean``, ``var``
  (``ddof=``), ``std``, ``any``, ``all``, as methods and ``np.`` functions) over
  the whole array or along one ``axis`` (negative too; out of range: NumPy's
  ``AxisError``), with ``keepdims``:
  ``sum``/``prod`` of bools and narrower ints accumulate in ``int64`` (``uint64``
  for unsigned), as NumPy does; ``min``/``max`` of an empty array raise NumPy's
  ``ValueError`` (along an axis: when that axis is empty) and propagate NaN;
  ``mean`` of an empty array is ``nan``.
  Float sums add in NumPy's pairwise order (``compiler.passes.pairwise``).
  Python's ``sum(a)``, ``max(a)``, ``min(a)`` go over the first axis in order, as
  Python's builtins do.
* **Augmented assignment** to an array (``a += b``, also a view: ``a[1:] *= 2``) works
  in place, as NumPy's: the argument changes; the result must cast to the
  array's dtype under NumPy's ``same_kind`` rule (``int_array += 1.5`` is a
  ``TypingError`` with NumPy's message).
* **Assignment** to a slice (``a[1:-1] = expr``, ``a[:] = 0``, ``a[i, :] += b``)
  broadcasts the right side to the view (``ValueError: could not broadcast
  input array from shape (3,) into shape (4,)`` otherwise) and converts it to the
  view's dtype as NumPy's ``__setitem__`` does; a right side that shares
  memory with the view is read in full before anything is stored.

Layer: above ``frontend.arrays`` (element access) and ``frontend.numpy_api``'s
scalar ufuncs, whose scalar implementations are traced into each map's
region; it defines the operators and reduction methods of array values.
"""
from __future__ import annotations

import builtins
import functools
from typing import Any, Callable, Sequence

import numpy as np

from ir import TypingError, UnsupportedError
from ir.ops import (
    ArrayBroadcastOp, ArrayMapOp, ArrayPartOp, ArrayReduceOp, ArrayReshapeOp, ArrayRestrideOp, ArrayStrideOp,
    ArraySubviewOp, ArrayTransposeOp, ArrayYieldOp, DivOp, FloorDivOp, MathOp, ModOp,
)
from ir.dtypes import from_dtype, to_dtype
from ir.types import ArrayType, BoolType, ComplexType, FloatType, IntType, Type, bool_, c128, f64, i64, u64

from . import arith, arrays, numpy_api
from . import builtins as builtins_layer
from .context import PathEnds, TraceContext, current
from .values import Symbolic, define, describe, method, type_of


def _tr() -> TraceContext:
    return current()


def is_array(x: Any) -> bool:
    return isinstance(x, Symbolic) and isinstance(x.type, ArrayType)


def _int(x: Any) -> Any:
    """An index or extent as a weak i64 Symbolic or a Python int."""
    if isinstance(x, Symbolic):
        result = arith.cast(x, i64)
        result.weak = True
        return result
    return int(x)


def _sym(x: Any) -> Symbolic:
    return x if isinstance(x, Symbolic) else arith.constant(x, i64)


# ----------------------------------------------------------------- slicing
def is_slicing(key: Any) -> bool:
    keys = key if isinstance(key, tuple) else (key,)
    return any(isinstance(k, slice) or k is None or k is Ellipsis for k in keys)


def subview(a: Symbolic, key: Any) -> Symbolic:
    """``a[key]`` for a key with slices, ``None`` or ``...``: a view."""
    t = a.type
    keys = list(key) if isinstance(key, tuple) else [key]
    if sum(k is Ellipsis for k in keys) > 1:
        raise _tr().error(TypingError, "an index can only have a single ellipsis ('...')")
    consuming = sum(k is not None and k is not Ellipsis for k in keys)
    if consuming > t.ndim:
        raise _tr().error(TypingError, f"too many indices for array: array is {t.ndim}-dimensional, "
                                       f"but {consuming} were indexed")
    if any(k is Ellipsis for k in keys):   # by identity: ``in`` would compare traced values
        at = next(j for j, k in enumerate(keys) if k is Ellipsis)
        keys[at:at + 1] = [slice(None)] * (t.ndim - consuming)
    else:
        keys += [slice(None)] * (t.ndim - consuming)
    spec, operands, axis, contiguous, first_slice = "", [], 0, t.layout == "C", None
    for k in keys:
        if k is None:
            spec += "n"
            contiguous = False
            continue
        if isinstance(k, slice):
            start, count, step, full = _clip(a, axis, k)
            spec += "s"
            operands += [start, count, step]
            if first_slice is None:
                first_slice = axis
                contiguous &= _unit(k.step)
            else:
                contiguous &= full
        else:
            kt = type_of(k)
            arrays.refuse_bool_index(kt)
            if not isinstance(kt, IntType):
                raise _tr().error(TypingError, "only integers, slices (':'), ellipsis ('...') and None are "
                                               f"valid array indices in compiled code, not {describe(k)}")
            spec += "i"
            operands.append(arrays.checked_index(a, axis, k))
            contiguous &= first_slice is None
        axis += 1
    whole = t.layout == "F" and spec == "s" * t.ndim and all(
        k.start is None and k.stop is None and _unit(k.step) for k in keys)   # a[:], a[:, :] of an F array
    layout = "C" if contiguous and spec.count("s") else "F" if whole else "A"
    result = ArrayType(t.dtype, spec.count("s") + spec.count("n"), layout, t.readonly)
    return _tr().emit_value(ArraySubviewOp(a.value, spec, [_sym(v).value for v in operands], result))


def _clip(a: Symbolic, axis: int, k: slice) -> tuple[Any, Any, Any, bool]:
    """``(start, count, step, full)`` of slice ``k`` along ``axis``, as NumPy adjusts
    them (``PySlice_AdjustIndices``); ``full``: ``k`` is ``:`` (all of the axis)."""
    n = arrays.dim(a, axis)
    for part in (k.start, k.stop, k.step):
        if part is not None and not isinstance(type_of(part), (IntType, BoolType)):
            raise _tr().error(TypingError, f"slice indices must be integers or None, not {describe(part)}")
    step = 1 if k.step is None else _int(k.step)
    if isinstance(step, int) and step == 0:   # NumPy's error where the line runs
        arith.raise_if(True, "ValueError", "slice step cannot be zero")
        raise PathEnds()
    if isinstance(step, Symbolic):
        arith.raise_if(arith.compare("==", step, 0), "ValueError", "slice step cannot be zero")
    forward = _clip_forward(n, k.start, k.stop, step)
    if isinstance(step, int) and step > 0:
        start, count = forward
    else:
        backward = _clip_backward(n, k.start, k.stop, step)
        if isinstance(step, int):
            start, count = backward
        else:
            positive = arith.compare(">", step, 0)
            start, count = (arith.select(positive, f, b) for f, b in zip(forward, backward))
    full = k.start is None and k.stop is None and _unit(k.step)
    return start, count, step, full


def _unit(step: Any) -> bool:
    """The step is known to be 1 (by identity and type: ``==`` would compare traced values)."""
    return step is None or (type(step) is int and step == 1)


def _wrap(n: Any, x: Any, low: Any, high: Any) -> Any:
    """``x`` (possibly negative: from the end) clipped to ``[low, high]``."""
    x = _int(x)
    x = arith.select(arith.compare("<", x, 0), arith.binary("+", x, n), x)
    x = arith.select(arith.compare("<", x, low), low, x)
    return arith.select(arith.compare(">", x, high), high, x)


def _clip_forward(n: Any, start: Any, stop: Any, step: Any) -> tuple[Any, Any]:
    begin = 0 if start is None else _wrap(n, start, 0, n)
    if _unit(step) and isinstance(n, Symbolic):
        count = _window(n, start, stop)
        if count is not None:
            return begin, count
    end = n if stop is None else _wrap(n, stop, 0, n)
    span = arith.binary("-", end, begin)
    count = arith.binary("//", arith.binary("+", span, arith.binary("-", step, 1)), _divisor(step))
    return begin, _at_least_zero(count)


def _window(n: Symbolic, start: Any, stop: Any) -> Any:
    """The count of ``n[start:stop]`` for constant bounds (or None) and step 1, in one form per
    window -- ``max(n - k, 0)`` or ``max(min(n - k, w), 0)`` with constants ``k >= 0`` and ``w`` --
    traced once per extent and form (``TraceContext.memo``): ``a[1:-1]``, ``a[2:]`` and
    ``a[:-2]`` have the same count value, so their shapes are seen to agree when compiling
    and no broadcast check is needed.  None for bounds of other kinds."""
    if not all(x is None or type(x) is int for x in (start, stop)):
        return None
    s = 0 if start is None else start
    if s >= 0 and (stop is None or stop < 0):
        k, w = s - (stop or 0), None            # NumPy clips: max(n - s - |stop|, 0)
    elif s >= 0:
        k, w = s, stop - s                      # [s:t]: between 0 and t - s
    elif stop is None:
        k, w = 0, -s                            # [-s:]: the last -s, or all n
    elif stop < 0:
        k, w = -stop, stop - s                  # [-s:-t]
    else:
        return None                             # [-s:t]: both ends matter
    if w is not None and w <= 0:
        return 0

    def make() -> Symbolic:
        x = n if k == 0 else arith.binary("-", n, k)
        if w is not None:
            x = arith.select(arith.compare(">", x, w), w, x)
        return x if k == 0 else _at_least_zero(x)
    return Symbolic(_tr().memo(("window", n.value, k, w), make).value, weak=True)


def _clip_backward(n: Any, start: Any, stop: Any, step: Any) -> tuple[Any, Any]:
    last = arith.binary("-", n, 1)
    begin = last if start is None else _wrap(n, start, -1, last)
    end = -1 if stop is None else _wrap(n, stop, -1, last)
    span = arith.binary("-", begin, end)
    down = arith.negate(_sym(step)) if isinstance(step, Symbolic) else -step
    count = arith.binary("//", arith.binary("+", span, arith.binary("-", down, 1)), _divisor(down))
    return begin, _at_least_zero(count)


def _divisor(step: Any) -> Any:
    """A divisor that is never 0 (the count computed with a wrong-signed step is discarded)."""
    if isinstance(step, int):
        return step if step > 0 else 1
    return arith.select(arith.compare(">", step, 0), step, 1)


def _at_least_zero(x: Any) -> Any:
    return arith.select(arith.compare("<", x, 0), 0, x) if isinstance(x, Symbolic) else max(x, 0)


# ----------------------------------------------------------------- transposes and reshapes
def transpose(a: Symbolic, *axes: Any) -> Symbolic:
    """``a.transpose()``/``a.T`` (the axes reversed) or ``a.transpose(axes)``: a view."""
    ndim = a.type.ndim
    if len(axes) == 1 and (isinstance(axes[0], tuple) or axes[0] is None):
        axes = axes[0] or ()
    perm = list(axes) if axes else list(reversed(range(ndim)))
    if any(not isinstance(k, int) or isinstance(k, bool) for k in perm):
        raise _tr().error(TypingError, "transpose() takes constant int axes in compiled code")
    if len(perm) != ndim:
        raise _tr().error(TypingError, "axes don't match array")
    perm = [k % ndim if -ndim <= k < ndim else k for k in perm]
    if sorted(perm) != list(range(ndim)):
        raise _tr().error(TypingError, f"axes {tuple(axes)} are not a permutation of the {ndim} axes of the array")
    return _tr().emit_value(ArrayTransposeOp(a.value, perm))


def contiguous(a: Symbolic) -> Symbolic:
    """``a`` itself when C-contiguous, else a C-contiguous copy."""
    return a if a.type.layout == "C" else elementwise(lambda x: x, (a,), "a copy", order="C")


def reshape(a: Symbolic, *shape: Any, order: str = "C", attempt: bool = True) -> Symbolic:
    """``a.reshape(shape)``: a view of a C-contiguous array; of another, a view where NumPy
    makes one, else a C-contiguous copy (:func:`_reshaped`; ``attempt``: as NumPy's
    ``reshape``, not ``ravel``).  One extent may be -1 (inferred); a size that differs is
    NumPy's ``ValueError``."""
    if order != "C":
        raise _tr().error(UnsupportedError, "reshape() with order= other than 'C' is not supported in compiled "
                                            "code yet")
    if len(shape) == 1 and isinstance(shape[0], tuple):
        shape = shape[0]
    given = [_int(e) for e in shape]
    if any(not isinstance(type_of(e), (IntType, BoolType)) for e in given):
        raise _tr().error(TypingError, "reshape() takes integer extents")
    extents = _resolved_extents(arrays.size(a), [e if isinstance(e, int) else arith.cast(e, i64) for e in given])
    if a.type.layout != "C":
        return _reshaped(a, [_sym(arith.cast(e, i64)) for e in extents], attempt)
    return _tr().emit_value(ArrayReshapeOp(a.value, [_sym(e).value for e in extents]))


def _resolved_extents(size: Any, given: list[Any]) -> list[Any]:
    """The extents ``given`` (Python ints or traced ``i64``) with the unknown one resolved, as
    NumPy 2 does: a negative extent is unknown (more than one is its ``ValueError``), then
    ``size`` divided by the others; a size that differs is its ``ValueError`` with the shape
    as NumPy writes it (an unknown extent is ``newaxis``, and left out where it leads)."""
    unknown = [arith.compare("<", e, 0) for e in given]
    two = False
    for i in range(len(given)):
        for j in range(i + 1, len(given)):
            two = arith.logical_or(two, arith.logical_and(unknown[i], unknown[j]))
    arith.raise_if(two, "ValueError", "can only specify one unknown dimension")
    if two is True:
        raise PathEnds()
    known: Any = 1
    any_unknown: Any = False
    for e, u in zip(given, unknown):
        known = arith.binary("*", known, arith.select(u, 1, e))
        any_unknown = arith.logical_or(any_unknown, u)
    quotient = arith.binary("//", size, arith.select(arith.compare("==", known, 0), 1, known))
    mismatch = arith.select(any_unknown, arith.logical_or(arith.compare("==", known, 0),
                                                          arith.compare("!=", arith.binary("*", known, quotient), size)),
                            arith.compare("!=", known, size))
    for at in [None, *range(len(given))]:   # which extent is unknown, each with NumPy's text of the shape
        shown = [k for k in range(len(given)) if k != at]
        texts = [",newaxis" if k == at else ",{}" for k in range(len(given))][1 if at == 0 else 0:]
        text = "(" + "".join(texts).lstrip(",") + ("," if len(given) == 1 and at is None else "") + ")"
        pattern = arith.logical_not(any_unknown) if at is None else unknown[at]
        if at == 0 and len(given) == 1:
            text = "()"
        arith.raise_if(arith.logical_and(pattern, mismatch), "ValueError", "cannot reshape array of size {} into "
                       f"shape {text}", arith.cast(size, i64), *(arith.cast(given[k], i64) for k in shown))
    if mismatch is True:
        raise PathEnds()
    return [arith.select(u, quotient, e) for e, u in zip(given, unknown)]


def _reshaped(a: Symbolic, extents: list[Symbolic], attempt: bool) -> Symbolic:
    """``a`` (not known to be C-contiguous) with ``extents``, as NumPy reshapes it: a view
    with the strides :func:`_view_strides` finds at run time where NumPy makes one (so
    writes through it reach ``a``), else a C-contiguous copy; layout ``A`` either way."""
    from . import control   # a layer above

    dims = [arrays.dim(a, k) for k in range(a.type.ndim)]
    strides = [_tr().emit_value(ArrayStrideOp(a.value, k)) for k in range(a.type.ndim)]
    viewed, new_strides = _view_strides(dims, strides, extents, to_dtype(a.type.dtype).itemsize, attempt)

    def view() -> Symbolic:
        return _tr().emit_value(ArrayRestrideOp(a.value, [e.value for e in extents],
                                                [_sym(arith.cast(s, i64)).value for s in new_strides]))

    def copy() -> Symbolic:
        whole = _tr().emit_value(ArrayReshapeOp(contiguous(a).value, [e.value for e in extents]))
        return arith.cast(whole, ArrayType(a.type.dtype, len(extents), "A", a.type.readonly))
    return control.staged_if_exp(viewed, view, copy)


def _view_strides(d: list[Any], s: list[Any], e: list[Any], itemsize: int, attempt: bool) -> tuple[Any, list[Any]]:
    """Whether NumPy's C-order reshape of an array of extents ``d`` and byte strides ``s`` to
    the extents ``e`` (of the same size) is a view, and the view's byte strides: straight-line
    code (the numbers of axes are known), NumPy's decisions in order.  With ``attempt``
    (``reshape``; ``ravel`` makes only the second): the same extents keep their strides; an
    array NumPy flags C-contiguous (each axis of extent other than 1 steps over the ones
    after it, or there are no elements) gets C strides (an extent of 0 multiplies nothing,
    as NumPy fills them); else ``_attempt_nocopy_reshape``: old and new axes form groups
    ending where their running products of extents meet, the old axes of a group must be
    contiguous in C order, and a group's new axes step by its last old axis's stride times
    the new extents after them (a new axis of extent 1 joins the group after it; those after
    the last group take its last stride)."""
    def eq(x: Any, y: Any) -> Any:
        return arith.compare("==", x, y)

    def mul(x: Any, y: Any) -> Any:
        return arith.binary("*", x, y)

    both, either, select = arith.logical_and, arith.logical_or, arith.select
    n, m = len(d), len(e)
    flagged, expected, empty = True, itemsize, False
    for k in reversed(range(n)):
        unit = eq(d[k], 1)
        flagged = both(flagged, either(unit, eq(s[k], expected)))
        expected = select(unit, expected, mul(expected, d[k]))
        empty = either(empty, eq(d[k], 0))
    flagged = either(flagged, empty)
    c_strides, stride = [None] * m, itemsize
    for j in reversed(range(m)):
        c_strides[j] = stride
        stride = select(eq(e[j], 0), stride, mul(stride, e[j]))
    if not attempt:
        return flagged, c_strides
    old_products, new_products, product = [], [], 1
    for x in d:
        product = mul(product, x)
        old_products.append(product)
    product = 1
    for x in e:
        product = mul(product, x)
        new_products.append(product)
    after = [None] * n   # the extent and stride of the next old axis of extent other than 1
    extent, step = 1, 0
    for k in reversed(range(n)):
        after[k] = (extent, step)
        unit = eq(d[k], 1)
        extent, step = select(unit, extent, d[k]), select(unit, step, s[k])
    possible = True
    for k in range(n):
        ends = False
        for q in new_products:
            ends = either(ends, eq(old_products[k], q))
        possible = both(possible, either(eq(d[k], 1), either(ends, eq(s[k], mul(*after[k])))))
    group_end, end_stride = [], []   # per new axis: whether a group ends there, and its old stride
    for j in range(m):
        found, at = False, 0
        for k in range(n):
            hit = both(arith.logical_not(eq(d[k], 1)), eq(old_products[k], new_products[j]))
            found, at = either(found, hit), select(hit, s[k], at)
        group_end.append(both(found, arith.logical_not(eq(e[j], 1))))
        end_stride.append(at)
    last = itemsize
    for j in range(m):
        last = select(group_end[j], end_stride[j], last)
    tried, later_end = [None] * m, False
    for j in reversed(range(m)):
        chained = mul(tried[j + 1], e[j + 1]) if j + 1 < m else last
        tried[j] = select(group_end[j], end_stride[j], select(later_end, chained, last))
        later_end = either(later_end, group_end[j])
    same = False
    if n == m:
        same = True
        for x, y in zip(d, e):
            same = both(same, eq(x, y))
    strides = [select(same, s[j] if n == m else 0, select(flagged, c_strides[j], tried[j])) for j in range(m)]
    return either(same, either(flagged, possible)), strides


def ravel(a: Symbolic) -> Symbolic:
    """``a.ravel()``: a view of an array C-contiguous at run time, else a copy (NumPy's
    ``ravel`` makes no other view, where ``reshape(-1)`` may)."""
    return reshape(a, -1, attempt=False)


def flatten(a: Symbolic) -> Symbolic:
    """Always a new array (a copy, even of a C-contiguous one)."""
    return reshape(elementwise(lambda x: x, (a,), "flatten()"), -1)


def flip(a: Symbolic, axis: Any = None) -> Symbolic:
    ndim = a.type.ndim
    axes = range(ndim) if axis is None else [_axis_index(a, axis)]
    return subview(a, tuple(slice(None, None, -1) if k in axes else slice(None) for k in range(ndim)))


def expand_dims(a: Symbolic, axis: Any) -> Symbolic:
    ndim = a.type.ndim + 1
    if not isinstance(axis, int) or not -ndim <= axis < ndim:
        raise _tr().error(TypingError, f"expand_dims() takes a constant axis in range for {ndim} dimensions")
    at = axis % ndim
    return subview(a, tuple([slice(None)] * at + [None] + [slice(None)] * (ndim - 1 - at)))


def squeeze(a: Symbolic, axis: Any = None) -> Symbolic:
    """Only with ``axis=``: which axes have extent 1 is known only at run time."""
    if axis is None:
        raise _tr().error(UnsupportedError, "np.squeeze() without axis= is not supported in compiled code: which "
                                            "extents are 1 is only known at run time; pass axis=")
    k = _axis_index(a, axis)
    arith.raise_if(arith.compare("!=", arrays.dim(a, k), 1), "ValueError",
                   "cannot select an axis to squeeze out which has size not equal to one")
    return subview(a, tuple(0 if j == k else slice(None) for j in range(a.type.ndim)))


def _axis_index(a: Symbolic, axis: Any, what: str = "") -> int:
    """``axis`` of ``a`` as 0..ndim-1; NumPy's ``AxisError`` (its message starting ``what: ``,
    as NumPy names the argument) where out of range."""
    ndim = a.type.ndim
    if not isinstance(axis, int) or isinstance(axis, bool):
        raise _tr().error(UnsupportedError, f"axis must be a constant int in compiled code, not {describe(axis)}")
    if not -ndim <= axis < ndim:
        arith.raise_if(True, "numpy.exceptions.AxisError", f"{what + ': ' if what else ''}axis {axis} is out of "
                                                           f"bounds for array of dimension {ndim}")
        raise PathEnds()
    return axis % ndim


def take(a: Symbolic, indices: Any, axis: Any = None) -> Any:
    """``np.take``/``a.take``: the elements at ``indices`` (an int, or ints in an array or a
    list) of the flattened array (``axis=None``) or along ``axis``, with NumPy's checks
    (``fancy.take``)."""
    from .fancy import take as take_along   # a layer above

    if axis is None:
        return take_along(ravel(a), indices, 0)
    return take_along(a, indices, _axis_index(a, axis))


def swapaxes(a: Symbolic, axis1: Any, axis2: Any) -> Symbolic:
    """``np.swapaxes``/``a.swapaxes``: the view with the two axes exchanged."""
    i, j = _axis_index(a, axis1, "axis1"), _axis_index(a, axis2, "axis2")
    perm = list(range(a.type.ndim))
    perm[i], perm[j] = perm[j], perm[i]
    return transpose(a, tuple(perm))


def moveaxis(a: Symbolic, source: Any, destination: Any) -> Symbolic:
    """``np.moveaxis``: the view with the axes ``source`` (an int or a tuple of them) moved to
    ``destination``, the others in their order, as NumPy builds it."""
    def axes(value: Any, what: str) -> list[int]:
        found = [_axis_index(a, k, what) for k in (value if isinstance(value, (tuple, list)) else (value,))]
        if len(set(found)) != len(found):
            arith.raise_if(True, "ValueError", f"repeated axis in `{what}` argument")
            raise PathEnds()
        return found

    source, destination = axes(source, "source"), axes(destination, "destination")
    if len(source) != len(destination):
        arith.raise_if(True, "ValueError", "`source` and `destination` arguments must have the same number of "
                                           "elements")
        raise PathEnds()
    order = [k for k in range(a.type.ndim) if k not in source]
    for to, k in sorted(zip(destination, source)):
        order.insert(to, k)
    return transpose(a, tuple(order))


def flip_rows_or_columns(columns: bool) -> Callable[[Any], Symbolic]:
    """``np.fliplr`` (``m[:, ::-1]``, at least 2-d) and ``np.flipud`` (``m[::-1]``, at least 1-d):
    views, with NumPy's ``ValueError`` for too few axes."""
    least = 2 if columns else 1

    def flipped(m: Symbolic) -> Symbolic:
        if m.type.ndim < least:
            arith.raise_if(True, "ValueError", f"Input must be >= {least}-d.")
            raise PathEnds()
        return flip(m, 1 if columns else 0)
    return flipped


def rot90(m: Symbolic, k: Any = 1, axes: Any = (0, 1)) -> Symbolic:
    """``np.rot90``: ``m`` turned ``k`` quarter turns from the first of ``axes`` towards the
    second, as NumPy builds it from ``flip`` and ``transpose`` (a view; ``k % 4 == 0``:
    ``m[:]``); NumPy's ``ValueError`` for axes that are equal or out of range.  ``k`` and
    ``axes`` are constants."""
    if not isinstance(k, int) or isinstance(k, bool) or not isinstance(axes, (tuple, list)) \
            or not all(isinstance(x, int) and not isinstance(x, bool) for x in axes):
        raise _tr().error(UnsupportedError, "np.rot90() takes a constant k and constant axes in compiled code")
    ndim = m.type.ndim
    problem = "len(axes) must be 2." if len(axes) != 2 else \
        "Axes must be different." if axes[0] == axes[1] or abs(axes[0] - axes[1]) == ndim else \
        f"Axes={tuple(axes)} out of range for array of ndim={ndim}." \
        if not all(-ndim <= x < ndim for x in axes) else None
    if problem:
        arith.raise_if(True, "ValueError", problem)
        raise PathEnds()
    k %= 4
    if k == 0:
        return subview(m, slice(None))
    if k == 2:
        return flip(flip(m, axes[0]), axes[1])
    order = list(range(ndim))
    order[axes[0]], order[axes[1]] = order[axes[1]], order[axes[0]]
    if k == 1:
        return transpose(flip(m, axes[1]), tuple(order))
    return flip(transpose(m, tuple(order)), axes[1])


def trapezoid(y: Symbolic, x: Any = None, dx: Any = 1.0, axis: Any = -1) -> Any:
    """``np.trapezoid``: NumPy's ``add.reduce(d * (y[1:] + y[:-1]) / 2.0, axis)`` along ``axis``,
    ``d`` the spacing ``dx`` or ``np.diff(x)`` (a 1-d ``x`` along ``axis``), summed as
    ``np.sum`` sums (NumPy's pairwise order)."""
    k = _axis_index(y, axis)
    ndim = y.type.ndim
    if x is None:
        d = dx
    elif not is_array(x):
        raise _tr().error(UnsupportedError, f"np.trapezoid(x=) takes an array in compiled code, not {describe(x)}")
    elif x.type.ndim == 1:
        d = diff(x)
        d = reshape(d, tuple(arrays.dim(d, 0) if j == k else 1 for j in range(ndim)))
    else:
        d = diff(x, axis=axis)
    upper = subview(y, tuple(slice(1, None) if j == k else slice(None) for j in range(ndim)))
    lower = subview(y, tuple(slice(None, -1) if j == k else slice(None) for j in range(ndim)))
    return total(d * (upper + lower) / 2.0, axis=k)


def _at_least(ndim: int) -> Callable[..., Any]:
    """``np.atleast_1d``/``2d``/``3d``: each array itself where it has ``ndim`` axes or more, else
    a view with new axes of extent 1 where NumPy puts them; several arrays give a tuple."""
    new_axes = {1: {}, 2: {1: (True, False)}, 3: {1: (True, False, True), 2: (False, False, True)}}[ndim]

    def one(a: Any) -> Symbolic:
        if not is_array(a):
            raise _tr().error(UnsupportedError, f"np.atleast_{ndim}d() of a {describe(a)} is not supported in compiled "
                                                "code; pass an array")
        if a.type.ndim >= ndim:
            return a
        return subview(a, tuple(None if new else slice(None) for new in new_axes[a.type.ndim]))

    def at_least(*arrays_: Any) -> Any:
        made = tuple(one(a) for a in arrays_)
        return made[0] if len(made) == 1 else made
    return at_least


def peak_to_peak(a: Symbolic, axis: Any = None, keepdims: bool = False) -> Any:
    """``np.ptp``: the maximum less the minimum (NumPy's subtraction: bools are its TypeError)."""
    return _binary_operator("-", False)(REDUCTIONS["max"](a, axis, keepdims=keepdims),
                                        REDUCTIONS["min"](a, axis, keepdims=keepdims))


def fill(a: Symbolic, value: Any) -> None:
    """``a.fill(value)``: every element set to ``value``, cast as an assignment casts."""
    setitem(a, Ellipsis, value)


def item(a: Symbolic, *index: Any) -> Symbolic:
    """``a.item()`` (of an array of one element) or ``a.item(i)`` (a flat index) or
    ``a.item(i, j, ..)``: the element as a Python number (an ``int`` of any integer dtype).
    An array of another size is NumPy's ``ValueError``, an index out of range its
    ``IndexError``; ``uint64`` is refused (Python's int of a value above 2**63 has no
    compiled form)."""
    if len(index) == 1 and isinstance(index[0], tuple):
        index = index[0]
    if len(index) > 1 and len(index) != a.type.ndim:
        arith.raise_if(True, "ValueError", "incorrect number of indices for array")
        raise PathEnds()
    if not index:
        arith.raise_if(arith.compare("!=", arrays.size(a), 1), "ValueError",
                       "can only convert an array of size 1 to a Python scalar")
        element = arrays.getitem(a, (0,) * a.type.ndim if a.type.ndim > 1 else 0)   # every extent is 1
    elif len(index) == 1 and a.type.ndim != 1:
        element = arrays.getitem(ravel(a), index[0])
    else:
        element = arrays.getitem(a, tuple(index) if len(index) > 1 else index[0])
    return as_python_number(element)


def as_python_number(x: Symbolic) -> Symbolic:
    """The NumPy element ``x`` as the Python number ``x.item()`` gives (weak: Python's)."""
    t = x.type
    if t == u64:
        raise _tr().error(UnsupportedError, "item() of a uint64 value is not supported in compiled code: a value "
                                            "above 2**63 has no int64 form; use the element itself")
    python = bool_ if isinstance(t, BoolType) else c128 if isinstance(t, ComplexType) else \
        f64 if isinstance(t, FloatType) else i64
    return Symbolic(arith.cast(x, python).value, weak=True)


# ----------------------------------------------------------------- broadcasting
def _shape_text(ndim: int) -> str:
    return "(" + ",".join(["{}"] * ndim) + ("," if ndim == 1 else "") + ")"


def same_extent(a: Any, b: Any) -> bool:
    """Two extents known to be equal when compiling: equal ints, or the same traced value."""
    if isinstance(a, Symbolic) and isinstance(b, Symbolic):
        return a.value is b.value
    return isinstance(a, int) and isinstance(b, int) and a == b


def broadcast(operands: Sequence[Any], message: str | None = None) -> list[Any]:
    """The extents of the broadcast of the arrays among ``operands`` (scalars are 0-d), with
    the run-time check that they broadcast (NumPy's ``ValueError`` otherwise)."""
    shapes = [arrays.shape(x) for x in operands if is_array(x)]
    result, ok = broadcast_shapes(shapes)
    _check(ok, shapes, message)
    return result


def broadcast_shapes(shapes: list[list[Any]]) -> tuple[list[Any], Any]:
    """The extents ``shapes`` broadcast to, and whether they do (True, or a traced bool)."""
    ndim = max((len(s) for s in shapes), default=0)
    result: list[Any] = []
    ok: Any = True
    for axis in range(ndim):
        extent: Any = 1
        for s in shapes:
            k = axis - (ndim - len(s))
            if k < 0:
                continue
            other = s[k]
            if same_extent(extent, other) or (isinstance(other, int) and other == 1):
                continue
            if isinstance(extent, int) and extent == 1:
                extent = other
                continue
            fits = arith.logical_or(arith.compare("==", extent, other), arith.compare("==", other, 1))
            ok = arith.logical_and(ok, arith.logical_or(fits, arith.compare("==", extent, 1)))
            extent = arith.select(arith.compare("==", extent, 1), other, extent)
        result.append(extent)
    return result, ok


def _check(ok: Any, shapes: list, message: str | None) -> None:
    if ok is True:
        return
    args = [arith.cast(e, i64) for s in shapes for e in s]
    text = message or ("operands could not be broadcast together with shapes "
                       + " ".join(_shape_text(len(s)) for s in shapes) + " ")   # NumPy's trailing space
    if ok is False:
        ok = arith.constant(True, bool_)
        arith.raise_if(ok, "ValueError", text, *args)
    else:
        arith.raise_if(arith.logical_not(ok), "ValueError", text, *args)


def elementwise(fn: Callable[..., Any], operands: Sequence[Any], name: str, order: str | None = None) -> Symbolic:
    """A new array: ``fn`` (a scalar function, traced once into the map's region) applied to
    the elements of the array operands, broadcast, and the scalar operands as they are; in
    ``order`` (``"C"``), or by default in the operands' memory order (:func:`memory_order`)."""
    extents = broadcast(operands)
    inputs = [x for x in operands if is_array(x)]
    tr = _tr()
    op = tr.emit(ArrayMapOp([_sym(e).value for e in extents], [x.value for x in inputs], f64))
    elements = iter(op.element_args())
    with tr.region(op.body):
        args = [Symbolic(next(elements)) if is_array(x) else x for x in operands]
        value = fn(*args)
        t = type_of(value)
        if t is None or not t.is_scalar:
            raise tr.error(TypingError, f"{name} gives a {describe(value)} per element, not a number")
        tr.emit(ArrayYieldOp([arith.materialize(value, t)]))
    op.result.type = ArrayType(t, len(extents), order or memory_order(inputs, len(extents)))
    return Symbolic(op.result)


def memory_order(inputs: Sequence[Any], ndim: int) -> str:
    """The layout of a new ``ndim``-d array made from the arrays ``inputs`` element by element,
    as NumPy's order K lays it out where the inputs' types tell: Fortran order where every input
    of two or more axes is Fortran-ordered (an input of fewer axes, broadcast, does not vote),
    else C order -- also where an input's memory order is known only at run time (layout ``A``:
    NumPy may then choose Fortran order, or another permutation of the axes)."""
    voters = [x.type.layout for x in inputs if x.type.ndim >= 2]
    return "F" if ndim >= 2 and voters and all(layout == "F" for layout in voters) else "C"


# ----------------------------------------------------------------- NumPy's ufunc type resolution
def apply_ufunc(ufunc: np.ufunc, fn: Callable[..., Any], operands: Sequence[Any], name: str) -> Any:
    """The ufunc ``ufunc`` of ``operands`` (arrays, element-wise; or scalars), computed by
    ``fn`` in the loop NumPy itself would pick: NumPy's ``resolve_dtypes`` sees the
    arrays' and NumPy scalars' dtypes and Python numbers as weak (NEP 50), so
    ``np.abs`` of bools gives bools, ``np.square`` of bools ``int8``, ``np.int64(5) * a``
    ``int64`` whatever ``a`` is.  The operands are cast to the loop's types and the result
    to its output type; a Python int must fit an integer loop type (NumPy's
    ``OverflowError``), checked once before any element is computed.  No loop: NumPy's
    message as a ``TypingError``; an output type we do not compile (``float16``): a
    ``TypingError`` too.  A NumPy array of the process is read where the code runs
    (``arrays.global_array``)."""
    operands = [arrays.global_array(x) if isinstance(x, np.ndarray) else x for x in operands]
    inputs, output = _ufunc_loop(ufunc, operands, name)
    if ufunc is np.power and isinstance(output, FloatType) and _simd_power() and any(is_array(x) for x in operands):
        return _computed_by_numpy(ufunc, operands, output)
    operands = [x if is_array(x) else _loop_operand(x, t) for x, t in zip(operands, inputs)]

    def element(*xs: Any) -> Any:
        return arith.cast(fn(*(arith.cast(x, t) for x, t in zip(xs, inputs))), output)
    if any(is_array(x) for x in operands):
        return elementwise(element, operands, name)
    return element(*operands)


@functools.cache
def _simd_power() -> bool:
    """Whether NumPy's float ``power`` loops are its AVX-512 ones (SVML's ``pow``, rounded
    differently from the C library's ``pow`` compiled code calls) in this process."""
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:
        return False
    return any(target in __cpu_dispatch__ and __cpu_features__.get(target)   # (NumPy 2.4 names it X86_V4)
               for target in ("X86_V4", "AVX512_SKX"))


def _computed_by_numpy(ufunc: np.ufunc, operands: Sequence[Any], output: Type) -> Symbolic:
    """``ufunc`` of ``operands`` computed by NumPy itself when the code runs (a new C-contiguous
    array of ``output``): where NumPy's loop is one compiled code cannot reproduce bit for bit.
    NumPy sees the operands as CPython would hand them over (Python numbers as Python numbers),
    and raises its own errors (shapes that do not broadcast)."""
    from .runtime_calls import call_python_array   # a layer above

    ndim = max(x.type.ndim for x in operands if is_array(x))
    return call_python_array(f"np.{ufunc.__name__}", ufunc, tuple(operands), ArrayType(output, ndim, "C"))


def _ufunc_loop(ufunc: np.ufunc, operands: Sequence[Any], name: str) -> tuple[list[Type], Type]:
    if len(operands) != ufunc.nin:
        raise _tr().error(UnsupportedError if len(operands) > ufunc.nin else TypingError,
                          f"{name} takes {ufunc.nin} operand{'s' if ufunc.nin > 1 else ''} in compiled code, "
                          f"not {len(operands)} (an output array argument is not supported yet)")
    try:
        loop = ufunc.resolve_dtypes((*(_seen_by_numpy(x, name) for x in operands), *[None] * ufunc.nout))
    except TypeError as e:   # NumPy has no loop for these types: its TypeError where the code gets here
        from .raising import raise_   # a layer above

        raise_(e)
        raise PathEnds() from None
    types = [from_dtype(d) for d in loop]
    if None in types:
        raise _tr().error(TypingError, f"{name} computes in {', '.join(str(d) for d in loop)} here (NumPy's "
                                       "choice), a type compiled code does not support; convert the operands "
                                       "first (.astype(np.float32) or np.float64)")
    return types[:ufunc.nin], types[ufunc.nin]


def _seen_by_numpy(x: Any, name: str) -> Any:
    """What NumPy's type resolution sees of an operand: a dtype, or ``int``/``float``/``complex``
    for a Python number (a Python bool is NumPy's bool)."""
    t = type_of(x)
    if t is None or not (t.is_scalar or isinstance(t, ArrayType)):
        raise _tr().error(TypingError, f"{name} of a {describe(x)} is not supported")
    if isinstance(t, ArrayType):
        return to_dtype(t.dtype)
    weak = x.weak if isinstance(x, Symbolic) else not isinstance(x, np.generic)
    if weak and not isinstance(t, BoolType):
        return {IntType: int, FloatType: float, ComplexType: complex}[type(t)]
    return to_dtype(t)


def _loop_operand(x: Any, t: Type) -> Symbolic:
    """A scalar operand in the loop's type ``t``; a Python int must fit an integer ``t``."""
    if isinstance(t, IntType) and isinstance(type_of(x), IntType) and _seen_by_numpy(x, "") is int:
        arith.check_int_fits(x, t)
    return arith.cast(x, t)


# ----------------------------------------------------------------- NumPy's element operations
def numpy_binary(op: str, x: Any, y: Any) -> Any:
    """``x <op> y`` on two elements of the types of NumPy's loop for ``op`` (see
    :func:`apply_ufunc`, which picks the loop and refuses what NumPy has none for), with
    NumPy's semantics."""
    if isinstance(type_of(x), BoolType) and isinstance(type_of(y), BoolType) and op in ("+", "*"):
        return arith.binary("|" if op == "+" else "&", x, y)
    if op == "**":
        return numpy_api.numpy_power(x, y)
    if op not in ("/", "//", "%"):
        return arith.binary(op, x, y)
    t = arith.result_type(x, y, op)
    if op == "/":
        if isinstance(t, (IntType, BoolType)):
            t = f64
        if isinstance(t, ComplexType):
            return arith.numpy_complex_divide(arith.cast(x, t), arith.cast(y, t))
        return arith.emit(DivOp, arith.cast(x, t), arith.cast(y, t))
    x, y = arith.cast(x, t), arith.cast(y, t)
    zero = arith.compare("==", y, arith.constant(0, t))
    safe = arith.select(zero, arith.constant(1, t), y)
    result = arith.emit(FloorDivOp if op == "//" else ModOp, x, safe)
    if isinstance(t, FloatType):   # x // 0.0 is x / 0.0 (inf or nan), x % 0.0 is nan
        undefined = arith.emit(DivOp, x, y) if op == "//" else arith.constant(float("nan"), t)
    else:
        undefined = arith.constant(0, t)
    return arith.select(zero, undefined, result)


_OPERATORS = {"add": "+", "sub": "-", "mul": "*", "truediv": "/", "floordiv": "//", "mod": "%", "pow": "**",
              "lshift": "<<", "rshift": ">>", "and": "&", "or": "|", "xor": "^"}
_COMPARISONS = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_REFLECTED = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!="}


def _binary_operator(op: str, reflected: bool) -> Callable[[Symbolic, Any], Symbolic]:
    ufunc = getattr(np, _UFUNC_NAMES[op])

    def apply(a: Symbolic, other: Any) -> Symbolic:
        _check_operand(other, op)
        operands = (other, a) if reflected else (a, other)
        fn = lambda x, y: numpy_binary(op, x, y)   # noqa: E731
        if op == "**" and not reflected:
            fast = _fast_scalar_power(a, other)
            if isinstance(fast, Symbolic):
                return fast
            fn = fast or fn
        return apply_ufunc(ufunc, fn, operands, f"'{op}'")
    return apply


def _fast_scalar_power(a: Symbolic, exponent: Any) -> Symbolic | Callable[[Any, Any], Any] | None:
    """NumPy's shortcut for ``array ** python_number`` (``fast_scalar_power``): a Python int
    2 is ``np.square(a)`` for every dtype (bools square to ``int8``, where ``np.power``
    gives ``int64``), -1 is ``np.reciprocal(a)`` and a Python float 0.5 ``np.sqrt(a)``
    for float arrays (``-0.0 ** 0.5`` is ``-0.0``, ``-inf ** 0.5`` NaN, where ``pow``
    gives ``0.0`` and ``inf``).  Returns the result for a constant exponent, the element
    function choosing at run time for a traced one (the values do not depend on which
    computes them beyond that), or None: ``np.power``.  A traced int exponent of a bool
    array is refused: the result's dtype would depend on its value."""
    seen, dtype = _seen_by_numpy(exponent, "'**'"), a.type.dtype
    if seen is not int and seen is not float:   # (a dtype equals the Python type it maps to)
        return None
    traced = isinstance(exponent, Symbolic)
    if seen is int and not traced and exponent == 2:
        return apply_ufunc(np.square, _scalar_function(np.square), (a,), "'**'")
    if seen is int and traced and isinstance(dtype, BoolType):
        raise _tr().error(UnsupportedError, "a bool array ** a run-time int: NumPy's result dtype depends on the "
                                            "value (int8 for 2, else int64); use a constant exponent or "
                                            "a.astype(np.int64) first")
    if not isinstance(dtype, FloatType):
        return None
    special = {int: (-1, np.reciprocal), float: (0.5, np.sqrt)}[seen]
    if seen is int and traced:   # 2 and -1 decided per call
        square, reciprocal = _scalar_function(np.square), _scalar_function(np.reciprocal)
        two, minus_one = arith.compare("==", exponent, 2), arith.compare("==", exponent, -1)
        return lambda x, y: arith.select(two, square(x), arith.select(minus_one, reciprocal(x),
                                                                       numpy_binary("**", x, y)))
    value, ufunc = special
    fn = _scalar_function(ufunc)
    if not traced:
        return apply_ufunc(ufunc, fn, (a,), "'**'") if exponent == value else None
    chosen = arith.compare("==", exponent, value)
    return lambda x, y: arith.select(chosen, fn(x), numpy_binary("**", x, y))


_UFUNC_NAMES = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide", "//": "floor_divide", "%": "remainder",
                "**": "power", "<<": "left_shift", ">>": "right_shift", "&": "bitwise_and", "|": "bitwise_or",
                "^": "bitwise_xor"}


def _inplace_operator(op: str) -> Callable[[Symbolic, Any], Symbolic]:
    """``a <op>= other`` on an array: in place, as NumPy's (the result must cast to ``a``'s
    dtype under ``same_kind``: ``int_array += 1.5`` is NumPy's casting error)."""
    def apply(a: Symbolic, other: Any) -> Symbolic:
        result = _binary_operator(op, False)(a, other)
        source, target = to_dtype(result.type.dtype), to_dtype(a.type.dtype)
        if not np.can_cast(source, target, casting="same_kind"):
            name = "square" if op == "**" and type(other) is int and other == 2 else _UFUNC_NAMES[op]
            raise _tr().error(TypingError, f"Cannot cast ufunc '{name}' output from {source!r} to "
                                           f"{target!r} with casting rule 'same_kind'")
        if a.type.readonly:
            raise _tr().error(TypingError, "output array is read-only")
        assign(a, result)
        return a
    return apply


def _compare_operator(op: str) -> Callable[[Symbolic, Any], Symbolic]:
    def apply(a: Symbolic, other: Any) -> Symbolic:
        _check_operand(other, op)
        return elementwise(lambda x, y: arith.compare(op, x, y), (a, other), f"'{op}'")
    return apply


def _check_operand(other: Any, op: str) -> None:
    if isinstance(other, np.ndarray):
        return   # a NumPy array of the process: read where the code runs (``arrays.global_array``)
    t = type_of(other)
    if t is None or not (t.is_scalar or isinstance(t, ArrayType)):
        raise _tr().error(TypingError, f"unsupported operand type for {op}: {describe(other)} and an array")


def _negative(a: Symbolic) -> Symbolic:
    return apply_ufunc(np.negative, arith.negate, (a,), "'-'")


def _invert(a: Symbolic) -> Symbolic:
    invert = arith.logical_not if isinstance(a.type.dtype, BoolType) else arith.invert
    return apply_ufunc(np.invert, invert, (a,), "'~'")


def _absolute(a: Symbolic) -> Symbolic:
    return apply_ufunc(np.absolute, numpy_api.lookup(np.absolute), (a,), "abs")


def _positive(a: Symbolic) -> Symbolic:
    return apply_ufunc(np.positive, lambda x: x, (a,), "'+'")


def conjugate(a: Symbolic) -> Symbolic:
    """``a.conj()``: a new array of the complex conjugates; of a real array the array itself,
    as NumPy's method gives it (``np.conjugate`` of bools computes in int8: its own loop)."""
    if not isinstance(a.type.dtype, ComplexType):
        return a
    return apply_ufunc(np.conjugate, arith.conjugate, (a,), "conjugate()")


def real_part(a: Symbolic) -> Symbolic:
    """``a.real``: a view of a complex array's real parts; a real array itself."""
    if isinstance(a.type.dtype, ComplexType):
        return _tr().emit_value(ArrayPartOp(a.value, "real"))
    return a


def imaginary_part(a: Symbolic) -> Symbolic:
    """``a.imag``: a view of a complex array's imaginary parts; for a real array a read-only
    array of zeros, as NumPy's (a read-only view of new zeros: writing to it is refused)."""
    if isinstance(a.type.dtype, ComplexType):
        return _tr().emit_value(ArrayPartOp(a.value, "imag"))
    zero = arith.constant(0, a.type.dtype)
    zeros = elementwise(lambda x: zero, (a,), ".imag")
    return _tr().emit_value(ArrayBroadcastOp(zeros.value, [_sym(e).value for e in arrays.shape(zeros)]))


def astype(a: Symbolic, dtype: Any, copy: Any = True) -> Symbolic:
    """``a.astype(dtype)``: a new array; with ``copy=False`` ``a`` itself when it has that dtype."""
    t = numpy_api.dtype_of(dtype, "astype")
    if not isinstance(copy, bool):
        raise _tr().error(TypingError, f"astype(copy=) must be a constant True or False, not {describe(copy)}")
    if not copy and t == a.type.dtype:
        return a
    return elementwise(lambda x: arith.cast(x, t), (a,), "astype")


# ----------------------------------------------------------------- assignment
def assign(dest: Symbolic, value: Any) -> None:
    """``dest[...] = value``: ``value`` (a scalar or an array) broadcast into the view ``dest``."""
    t = dest.type
    vt = type_of(value)
    if vt is None or not (vt.is_scalar or isinstance(vt, ArrayType)):
        raise _tr().error(TypingError, f"cannot assign a {describe(value)} to an array of {t.dtype}")
    element = vt.dtype if isinstance(vt, ArrayType) else vt
    if isinstance(element, ComplexType) and not isinstance(t.dtype, ComplexType):
        raise _tr().error(TypingError, f"cannot assign complex values to an array of {t.dtype}")
    extents = arrays.shape(dest)
    tr = _tr()
    if is_array(value):
        source = arrays.shape(value)
        extra = len(source) - len(extents)
        if extra > 0:   # NumPy drops leading axes of extent 1 of the value
            ones = True
            for extent in source[:extra]:
                ones = arith.logical_and(ones, arith.compare("==", extent, 1)) if ones is not True \
                    else arith.compare("==", extent, 1)
            arith.raise_if(arith.logical_not(ones), "ValueError",
                           "could not broadcast input array from shape " + _shape_text(len(source))
                           + " into shape " + _shape_text(len(extents)),
                           *(arith.cast(e, i64) for e in (*source, *extents)))
            value = subview(value, (*([0] * extra), ...))
            source = arrays.shape(value)
        ok: Any = True
        for k, extent in enumerate(source):
            target = extents[len(extents) - len(source) + k]
            if same_extent(extent, target):
                continue
            fits = arith.logical_or(arith.compare("==", extent, target), arith.compare("==", extent, 1))
            ok = fits if ok is True else arith.logical_and(ok, fits)
        message = ("could not broadcast input array from shape " + _shape_text(len(source)) + " into shape "
                   + _shape_text(len(extents)))
        if ok is not True:
            arith.raise_if(arith.logical_not(ok) if ok is not False else True, "ValueError", message,
                           *(arith.cast(e, i64) for e in (*source, *extents)))
        # the view's extents, written as the broadcast of the value's (equal after the check):
        # the form in which ``fuse`` sees that the value's producer covers the view
        first = len(extents) - len(source)
        extents = [*extents[:first], *(e if same_extent(s, e) else arith.select(arith.compare("==", s, 1), e, s)
                                       for s, e in zip(source, extents[first:]))]
        inputs = [value.value]
    else:
        value = arrays.stored(value, t.dtype)
        inputs = []
    op = tr.emit(ArrayMapOp([_sym(e).value for e in extents], inputs, t.dtype, out=dest.value))
    with tr.region(op.body):
        x = Symbolic(op.element_args()[0]) if inputs else value
        tr.emit(ArrayYieldOp([arith.cast(x, t.dtype).value]))


def ufunc_into(out: Any, result: Any, name: str) -> Symbolic:
    """``np.<name>(..., out=out)``: the ufunc's ``result`` stored into ``out``, which is
    returned, as NumPy does.  NumPy's rules: the loop is chosen by the inputs and its result
    cast to ``out``'s dtype under ``same_kind`` casting (else its ``UFuncTypeError``, here a
    ``TypingError``); the inputs broadcast into ``out``'s shape, never ``out`` into theirs
    (a ``ValueError``, NumPy's message but for the shapes of several inputs, where the
    result's stands); a read-only ``out`` is refused.  Overlap of ``out`` with an input gives
    NumPy's result (as for ``out[...] = result``: every element is computed first)."""
    if isinstance(out, tuple) and len(out) == 1:
        out = out[0]
    if not is_array(out):
        raise _tr().error(TypingError, f"np.{name}(out=) takes an array (or a tuple of one), not {describe(out)}")
    if out.type.readonly:
        raise _tr().error(TypingError, f"np.{name}(out=): output array is read-only (NumPy's ValueError)")
    t = type_of(result)
    dtype = t.dtype if isinstance(t, ArrayType) else t
    if not np.can_cast(to_dtype(dtype), to_dtype(out.type.dtype), "same_kind"):
        raise _tr().error(TypingError, f"Cannot cast ufunc '{name}' output from dtype('{to_dtype(dtype)}') to "
                                       f"dtype('{to_dtype(out.type.dtype)}') with casting rule 'same_kind' "
                                       "(NumPy's UFuncTypeError)")
    if is_array(result):
        source, extents = arrays.shape(result), arrays.shape(out)
        wider = _shape_text(max(len(source), len(extents)))
        message = "non-broadcastable output operand with shape " + _shape_text(len(extents)) + \
            " doesn't match the broadcast shape " + wider
        if len(source) > len(extents):
            arith.raise_if(True, "ValueError", message, *(arith.cast(e, i64) for e in (*extents, *source)))
            return out
        aligned = list(zip(source, extents[len(extents) - len(source):]))
        clash: Any = False   # neither extent 1: the shapes do not broadcast at all
        into: Any = False    # the result's extent where out's is 1: out would have to grow
        for s_, e in aligned:
            if same_extent(s_, e):
                continue
            differ = arith.logical_and(arith.compare("!=", s_, e), arith.compare("!=", s_, 1))
            bad = arith.logical_and(differ, arith.compare("!=", e, 1))
            clash = bad if clash is False else arith.logical_or(clash, bad)
            into = differ if into is False else arith.logical_or(into, differ)
        if clash is not False:
            arith.raise_if(clash, "ValueError", "operands could not be broadcast together with shapes "
                           + _shape_text(len(source)) + " " + _shape_text(len(extents)) + " ",
                           *(arith.cast(e, i64) for e in (*source, *extents)))
            grown = [*extents[:len(extents) - len(source)], *(arith.select(arith.compare("==", e, 1), s_, e)
                                                              for s_, e in aligned)]
            arith.raise_if(into, "ValueError", message, *(arith.cast(e, i64) for e in (*extents, *grown)))
    assign(out, result)
    return out


def getitem(a: Symbolic, key: Any) -> Any:
    """``a[key]``: an element or a view along the first axes (``frontend.arrays``), or a
    slicing view."""
    return subview(a, key) if is_slicing(key) else arrays.getitem(a, key)


def setitem(a: Symbolic, key: Any, value: Any) -> None:
    """``a[key] = value``: an element store, or an assignment to the view ``a[key]``."""
    keys = key if isinstance(key, tuple) else (key,)
    if not is_slicing(key) and len(keys) == a.type.ndim and not is_array(value):
        arrays.setitem(a, key, value)
        return
    if a.type.readonly:
        raise _tr().error(TypingError, "assignment destination is read-only (the array passed in is not "
                                       "writeable)")
    assign(subview(a, key) if is_slicing(key) else arrays.getitem(a, key), value)


# ----------------------------------------------------------------- reductions
def _sum_type(t: Type) -> Type:
    """NumPy's accumulator of ``sum``/``prod``: at least the platform's (64-bit) int."""
    if isinstance(t, BoolType):
        return i64
    if isinstance(t, IntType) and t.bits < 64:
        return i64 if t.signed else u64
    return t


def _axis(a: Symbolic, axis: Any) -> int | None:
    """``axis`` as a non-negative int (None: the whole array, also for axis 0 of a 1-d array,
    which gives NumPy's scalar); out of range: NumPy's ``AxisError`` where it runs."""
    if axis is None:
        return None
    if isinstance(axis, tuple):
        raise _tr().error(UnsupportedError, "tuples of axes are not supported in compiled code yet")
    k = _axis_index(a, axis)
    return None if a.type.ndim == 1 else k


def reduce(a: Symbolic, inits: Sequence[Any], combine: Callable[..., Sequence[Any]],
           axis: int | None = None, ordered: bool = False) -> list[Symbolic]:
    """The accumulators after ``combine(*accumulators, element)`` over every element of ``a``
    (scalars), or along ``axis`` (arrays of the other axes); ``ordered``: strictly in order
    (a float sum is otherwise added pairwise, as NumPy adds)."""
    tr = _tr()
    inits = [arith.materialize(v) if not isinstance(v, Symbolic) else v.value for v in inits]
    op = tr.emit(ArrayReduceOp([_sym(e).value for e in arrays.shape(a)], [a.value], inits, axis))
    if ordered:
        op.attributes["ordered"] = True
    with tr.region(op.body):
        accumulators = [Symbolic(v) for v in op.accumulator_args()]
        new = combine(*accumulators, Symbolic(op.element_args()[0]))
        tr.emit(ArrayYieldOp([arith.materialize(v, acc.type) for v, acc in zip(new, accumulators)]))
    return [Symbolic(r) for r in op.results]


def _apply(fn: Callable[..., Any], value: Any, *rest: Any) -> Any:
    """``fn`` on a scalar result, or element-wise on an array result."""
    return elementwise(fn, (value, *rest), "a reduction") if is_array(value) else fn(value, *rest)


def _finish(a: Symbolic, value: Any, axis: int | None, keepdims: bool) -> Any:
    """With ``keepdims``, the reduced axis (every axis, for ``axis=None``) kept with extent 1."""
    if not keepdims:
        return value
    ndim = a.type.ndim
    if axis is None:
        one = arith.constant(1, i64)
        t = type_of(value)
        op = _tr().emit(ArrayMapOp([one.value] * ndim, [], t))
        with _tr().region(op.body):
            _tr().emit(ArrayYieldOp([arith.materialize(value, t)]))
        return Symbolic(op.result)
    return subview(value, tuple(None if j == axis else slice(None) for j in range(ndim)))


def _count(a: Symbolic, axis: int | None) -> Any:
    return arrays.size(a) if axis is None else arrays.dim(a, axis)


def _options(name: str, dtype: Any = None, out: Any = None) -> None:
    if dtype is not None or out is not None:
        raise _tr().error(UnsupportedError, f"{name}() with dtype= or out= is not supported in compiled code yet")


def total(a: Symbolic, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False) -> Any:
    _options("sum", dtype, out)
    k, t = _axis(a, axis), _sum_type(a.type.dtype)
    s = reduce(a, [arith.constant(0, t)], lambda acc, x: [numpy_binary("+", acc, arith.cast(x, t))], k)[0]
    return _finish(a, s, k, keepdims)


def product(a: Symbolic, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False) -> Any:
    _options("prod", dtype, out)
    k, t = _axis(a, axis), _sum_type(a.type.dtype)
    p = reduce(a, [arith.constant(1, t)], lambda acc, x: [numpy_binary("*", acc, arith.cast(x, t))], k)[0]
    return _finish(a, p, k, keepdims)


def _ordered_reduction(a: Symbolic, name: str, axis: Any, out: Any, empty: str) -> tuple[int | None, Type]:
    """The axis and dtype of a reduction that orders real elements and needs one (NumPy's
    ``ValueError: <empty>`` for an empty array, or an empty ``axis``)."""
    _options(name, None, out)
    k, t = _axis(a, axis), a.type.dtype
    if isinstance(t, ComplexType):
        raise _tr().error(UnsupportedError, f"{name}() of a complex array is not supported in compiled code")
    arith.raise_if(arith.compare("==", _count(a, k), 0), "ValueError", empty)
    return k, t


def _extremum(name: str, op: str) -> Callable[..., Any]:
    def reduce_extremum(a: Symbolic, axis: Any = None, out: Any = None, keepdims: bool = False) -> Any:
        k, t = _ordered_reduction(a, name, axis, out, f"zero-size array to reduction operation "
                                                      f"{'minimum' if op == '<' else 'maximum'} which has no identity")
        if isinstance(t, FloatType):
            start = float("inf") if op == "<" else float("-inf")
        elif isinstance(t, BoolType):
            start = op == "<"
        else:
            start = t.max if op == "<" else t.min
        m = reduce(a, [arith.constant(start, t)], lambda acc, x: [numpy_api.extremum(op)(acc, x)], k)[0]
        if isinstance(a.value.owner, ArrayMapOp):   # NumPy reduces a new array: lower-arrays' order
            m.value.owner.attributes["new_operand"] = True
        return _finish(a, m, k, keepdims)
    return reduce_extremum


def _logical(name: str) -> Callable[..., Any]:
    def reduce_logical(a: Symbolic, axis: Any = None, out: Any = None, keepdims: bool = False) -> Any:
        _options(name, None, out)
        k = _axis(a, axis)
        combine = arith.logical_and if name == "all" else arith.logical_or
        r = reduce(a, [arith.constant(name == "all", bool_)], lambda acc, x: [combine(acc, arith.truth(x))], k)[0]
        return _finish(a, r, k, keepdims)
    return reduce_logical


def mean(a: Symbolic, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False) -> Any:
    """The sum in the element type (float64 for ints and bools) over the count, NumPy's way:
    an empty mean is ``nan``.  The mean of a whole array is traced once while nothing is
    written (``(a - a.mean()) / a.std()`` sums ``a`` for its mean once); an array result
    is new each time (the caller may write to it)."""
    _options("mean", dtype, out)
    k = _axis(a, axis)
    if k is None and not keepdims:
        tr = _tr()
        return tr.memo(("mean", a.value, tr.writes), lambda: _mean(a, None, False))
    return _mean(a, k, keepdims)


def _mean(a: Symbolic, k: int | None, keepdims: bool) -> Any:
    t = a.type.dtype
    acc = t if isinstance(t, (FloatType, ComplexType)) else f64
    s = reduce(a, [arith.constant(0, acc)], lambda s, x: [arith.binary("+", s, arith.cast(x, acc))], k)[0]
    n = arith.cast(_count(a, k), acc)
    return _finish(a, _apply(lambda v: numpy_binary("/", v, n), s), k, keepdims)


def variance(a: Symbolic, axis: Any = None, dtype: Any = None, out: Any = None, ddof: Any = 0,
             keepdims: bool = False) -> Any:
    """``sum(|x - mean|**2) / max(n - ddof, 0)``, the mean taken first (two passes, as NumPy)."""
    _options("var", dtype, out)
    k = _axis(a, axis)
    m = mean(a, axis, keepdims=True) if k is not None else mean(a)
    t = type_of(m).dtype if is_array(m) else type_of(m)
    real = t.part if isinstance(t, ComplexType) else t

    def squared(x: Any, centre: Any) -> Any:
        d = arith.binary("-", arith.cast(x, t), centre)
        if isinstance(t, ComplexType):
            re, im = arith.real(d), arith.imag(d)
            return arith.binary("+", arith.binary("*", re, re), arith.binary("*", im, im))
        return arith.binary("*", d, d)

    deviations = elementwise(squared, (a, m), "var()")
    s = reduce(deviations, [arith.constant(0, real)], lambda acc, x: [arith.binary("+", acc, x)], k)[0]
    n = arith.binary("-", _count(a, k), _int(ddof))
    n = arith.cast(arith.select(arith.compare("<", n, 0), 0, n), real)
    return _finish(a, _apply(lambda v: numpy_binary("/", v, n), s), k, keepdims)


def deviation(a: Symbolic, axis: Any = None, dtype: Any = None, out: Any = None, ddof: Any = 0,
              keepdims: bool = False) -> Any:
    v = variance(a, axis, dtype, out, ddof, keepdims)
    return _apply(lambda x: _tr().emit_value(MathOp("sqrt", x.value)), v)


def _arg_extremum(name: str, op: str) -> Callable[..., Any]:
    """``argmin``/``argmax``: the index of the first least (greatest) element, a NaN counting
    as the extreme (the first NaN wins), as NumPy; an empty array is NumPy's ``ValueError``."""
    def reduce_arg(a: Symbolic, axis: Any = None, out: Any = None, keepdims: bool = False) -> Any:
        k, t = _ordered_reduction(a, name, axis, out, f"attempt to get {name} of an empty sequence")

        def combine(best: Any, where: Any, count: Any, x: Any) -> list:
            better = arith.compare(op, x, best)
            if isinstance(t, FloatType):
                better = arith.logical_or(better, arith.logical_and(arith.emit_test("isnan", x),
                                                                    arith.logical_not(arith.emit_test("isnan", best))))
            first = arith.compare("==", count, 0)
            take = arith.logical_or(first, better)
            return [arith.select(take, x, best), arith.select(take, count, where), arith.binary("+", count, 1)]

        zero = arith.constant(0, i64)
        r = reduce(a, [arith.constant(0, t), zero, zero], combine, k)[1]
        return _finish(a, r, k, keepdims)
    return reduce_arg


def count_nonzero(a: Symbolic, axis: Any = None, keepdims: bool = False) -> Any:
    k = _axis(a, axis)
    n = reduce(a, [arith.constant(0, i64)],
               lambda acc, x: [arith.binary("+", acc, arith.cast(arith.truth(x), i64))], k)[0]
    return _finish(a, n, k, keepdims)


def _cumulative(name: str) -> Callable[..., Symbolic]:
    """``cumsum``/``cumprod``: of the flattened array, or along ``axis``; in the
    accumulator type of ``sum``/``prod``, added in order (as NumPy does); along an axis of a
    Fortran-ordered array, a Fortran-ordered array (NumPy's order K).  ``maximum``/``minimum``
    (``np.maximum.accumulate``): the running extremum in the array's own dtype."""
    op = {"cumsum": "+", "cumprod": "*", "maximum": "max", "minimum": "min"}[name]

    def cumulate(a: Symbolic, axis: Any = None, dtype: Any = None, out: Any = None) -> Symbolic:
        from . import pyarray

        _options(name, dtype, out)
        if axis is not None and a.type.layout == "F" and a.type.ndim > 1:
            return transpose(cumulate(transpose(a), a.type.ndim - 1 - _axis_index(a, axis)))
        t = _sum_type(a.type.dtype) if op in "+*" else a.type.dtype
        source = elementwise(lambda x: arith.cast(x, t), (a,), f"{name}()", order="C")
        if axis is None or a.type.ndim == 1:
            if axis is not None:
                _axis_index(a, axis)
            shape3 = [1, arrays.size(a), 1]
        else:
            k = _axis_index(a, axis)
            extents = arrays.shape(a)
            before, after = 1, 1
            for e in extents[:k]:
                before = arith.binary("*", before, e)
            for e in extents[k + 1:]:
                after = arith.binary("*", after, e)
            shape3 = [before, extents[k], after]
        result = numpy_api.allocate(tuple(shape3), t)
        _tr().call(pyarray.cumulate, (reshape(source, tuple(shape3)), result, op), {})
        if axis is None:
            return reshape(result, -1)
        return reshape(result, tuple(arrays.shape(a)))
    return cumulate


def diff(a: Any, n: Any = 1, axis: Any = -1) -> Any:
    """``np.diff``: ``a[..., 1:] - a[..., :-1]`` along ``axis``, ``n`` times (``!=`` for bools,
    as NumPy); ``n = 0`` gives ``a`` itself."""
    if not is_array(a):
        raise _tr().error(TypingError, "diff requires input that is at least one dimensional")
    if not isinstance(n, int) or isinstance(n, bool):
        raise _tr().error(UnsupportedError, "np.diff(n=) must be a constant int in compiled code")
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n}")
    k = _axis_index(a, axis)
    for _ in range(n):
        later = subview(a, tuple(slice(1, None) if j == k else slice(None) for j in range(a.type.ndim)))
        earlier = subview(a, tuple(slice(None, -1) if j == k else slice(None) for j in range(a.type.ndim)))
        a = later != earlier if isinstance(a.type.dtype, BoolType) else later - earlier
    return a


def around(a: Any, decimals: Any = 0, out: Any = None) -> Any:
    """``np.round(a, decimals)``, NumPy's way: ``rint(a * 10**d) / 10**d`` (for ``d < 0``
    ``rint(a / 10**-d) * 10**-d``) in ``a``'s float type, the parts of complex numbers
    apart; integers are returned as they are for ``d >= 0``."""
    if out is not None or not isinstance(decimals, int) or isinstance(decimals, bool):
        raise _tr().error(UnsupportedError, "np.round() with a run-time decimals or out= is not supported in "
                                            "compiled code")
    t = a.type.dtype
    if isinstance(t, (IntType, BoolType)):
        if decimals >= 0:
            return elementwise(lambda x: x, (a,), "np.round()")
        raise _tr().error(UnsupportedError, "np.round() of integers to negative decimals is not supported in "
                                            "compiled code yet")
    if isinstance(t, ComplexType):
        raise _tr().error(UnsupportedError, "np.round() of complex arrays is not supported in compiled code yet")
    rint = numpy_api.lookup(np.rint)
    factor = 10.0 ** abs(decimals)
    if decimals >= 0:
        return elementwise(lambda x: numpy_binary("/", rint(numpy_binary("*", x, factor)), factor), (a,),
                           "np.round()")
    return elementwise(lambda x: numpy_binary("*", rint(numpy_binary("/", x, factor)), factor), (a,), "np.round()")


def allclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Any:
    """``np.allclose``: ``all(isclose(a, b))``."""
    close = isclose(a, b, rtol, atol, equal_nan)
    return REDUCTIONS["all"](close) if is_array(close) else close


def clip(a: Any, a_min: Any = None, a_max: Any = None) -> Any:
    """NumPy's ``clip`` (and ``a.clip(min, max)``).  With both bounds, NumPy's clip loop:
    ``a_min`` where ``a < a_min``, then ``a_max`` where the result is ``> a_max``, else the
    element itself -- so an element equal to a bound stays (``clip(-0.0, 0.0, 1.0)`` is
    ``-0.0``, where ``maximum`` gives ``0.0``), a NaN element stays NaN and a NaN bound gives
    NaN.  With one bound, as NumPy: ``np.maximum(a, a_min)`` or ``np.minimum(a, a_max)``.  A
    bound that is None is no bound (both None: a copy)."""
    # (the test that replaces an element by the bound, np.maximum or np.minimum of a lone bound)
    bounds = [(op, lone, bound) for op, lone, bound in (("<", ">", a_min), (">", "<", a_max)) if bound is not None]

    def clip_element(x: Any, *given: Any) -> Any:
        if len(given) == 1:
            return numpy_api.extremum(bounds[0][1])(x, given[0])
        for (op, _, _), bound in zip(bounds, given):
            t = arith.result_type(x, bound, "np.clip()")
            x, bound = arith.cast(x, t), arith.cast(bound, t)
            x = arith.select(arith.compare(op, x, bound), bound, x)
            if isinstance(t, (FloatType, ComplexType)):
                x = arith.select(arith.emit_test("isnan", bound), bound, x)
        return x
    operands = (a, *(bound for _, _, bound in bounds))
    return elementwise(clip_element, operands, "np.clip()") if any(map(is_array, operands)) \
        else clip_element(*operands)


def _clip_method(a: Symbolic, min: Any = None, max: Any = None) -> Symbolic:
    return clip(a, min, max)


def nan_to_num(x: Any, copy: Any = True, nan: Any = 0.0, posinf: Any = None, neginf: Any = None) -> Any:
    """NumPy's ``nan_to_num``: NaN -> ``nan``, +inf -> ``posinf`` (the dtype's largest
    finite value when None), -inf -> ``neginf`` (its lowest), each cast to the dtype; in
    the real and imaginary parts of complex numbers; integers and bools unchanged.  Of an
    array: a new array, or with ``copy=False`` ``x`` itself, changed in place; of a number: a
    NumPy scalar of its dtype (a Python float gives a ``float64``)."""
    t = x.type.dtype if is_array(x) else type_of(x)
    if t is None or not t.is_scalar:
        raise _tr().error(TypingError, f"np.nan_to_num() needs a number or an array of numbers, not {describe(x)}")
    if not isinstance(copy, bool):
        raise _tr().error(TypingError, "np.nan_to_num(copy=) must be True or False, known when compiling")
    part = t.part if isinstance(t, ComplexType) else t

    def replaced(v: Any) -> Any:
        info = np.finfo(to_dtype(part))
        high = arith.cast(float(info.max) if posinf is None else posinf, part)
        low = arith.cast(float(info.min) if neginf is None else neginf, part)
        v = arith.select(arith.emit_test("isnan", v), arith.cast(nan, part), v)
        v = arith.select(arith.compare("==", v, float("inf")), high, v)
        return arith.select(arith.compare("==", v, float("-inf")), low, v)

    def element(v: Any) -> Any:
        if isinstance(t, ComplexType):
            return arith.make_complex(replaced(arith.real(v)), replaced(arith.imag(v)))
        return replaced(v) if isinstance(t, FloatType) else v
    if not is_array(x):
        return Symbolic(arith.materialize(element(arith.cast(x, t)), t), weak=False)
    result = elementwise(element, (x,), "np.nan_to_num()")
    if copy:
        return result
    assign(x, result)
    return x


def isclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Any:
    """NumPy's ``isclose``: ``|a - b| <= atol + rtol * |b|`` for finite values, equality for
    infinities, NaN equal to NaN only with ``equal_nan``."""
    def close(x: Any, y: Any) -> Any:
        x, y = arith.as_float(x, "np.isclose()"), arith.as_float(y, "np.isclose()")
        absolute = numpy_api.lookup(np.absolute)
        within = arith.compare("<=", absolute(arith.binary("-", x, y)),
                               arith.binary("+", atol, arith.binary("*", rtol, absolute(y))))
        finite = arith.logical_and(arith.emit_test("isfinite", x), arith.emit_test("isfinite", y))
        result = arith.select(finite, within, arith.compare("==", x, y))
        if equal_nan:
            both = arith.logical_and(arith.emit_test("isnan", x), arith.emit_test("isnan", y))
            result = arith.logical_or(result, both)
        return result
    return elementwise(close, (a, b), "np.isclose()") if is_array(a) or is_array(b) else close(a, b)


REDUCTIONS: dict[str, Callable[..., Symbolic]] = {
    "sum": total, "prod": product, "min": _extremum("min", "<"), "max": _extremum("max", ">"),
    "mean": mean, "var": variance, "std": deviation, "any": _logical("any"), "all": _logical("all"),
    "argmin": _arg_extremum("argmin", "<"), "argmax": _arg_extremum("argmax", ">"),
    "cumsum": _cumulative("cumsum"), "cumprod": _cumulative("cumprod"),
}

_ARRAY_OPERATORS: dict[str, Callable] = {}
for _name, _op in _OPERATORS.items():
    _ARRAY_OPERATORS[f"__{_name}__"] = _binary_operator(_op, False)
    _ARRAY_OPERATORS[f"__r{_name}__"] = _binary_operator(_op, True)
    _ARRAY_OPERATORS[f"__i{_name}__"] = _inplace_operator(_op)
for _name, _op in _COMPARISONS.items():
    _ARRAY_OPERATORS[f"__{_name}__"] = _compare_operator(_op)
define(ArrayType, {**_ARRAY_OPERATORS, "__getitem__": getitem, "__setitem__": setitem, "__neg__": _negative,
                   "__pos__": _positive, "__invert__": _invert,
                   "__abs__": _absolute, "astype": method(astype), "T": transpose, "real": real_part,
                   "imag": imaginary_part, "conj": method(conjugate), "conjugate": method(conjugate),
                   "transpose": method(transpose), "reshape": method(reshape), "ravel": method(ravel),
                   "flatten": method(flatten), "squeeze": method(squeeze), "round": method(around),
                   "swapaxes": method(swapaxes), "fill": method(fill), "item": method(item), "take": method(take),
                   "clip": method(_clip_method),
                   **{name: method(fn) for name, fn in REDUCTIONS.items()}})


def _number_item(x: Symbolic) -> Callable[[], Symbolic]:
    """``x.item`` of a NumPy scalar (an element): the Python number; a Python number (weak)
    has no such method, as in CPython."""
    if x.weak or not x.type.is_scalar:
        raise _tr().error(TypingError, f"a traced {x.type} has no attribute 'item' in compiled code")
    return method(as_python_number)(x)


define(Type, {"item": _number_item})

#: the array methods NumPy's scalars have that compiled code gives them (:func:`_scalar_method`)
_SCALAR_METHODS = (*(name for name in REDUCTIONS if not name.startswith("cum")), "astype", "round", "clip")
#: the keywords of those reductions that a NumPy scalar (a 0-d array: no axes) takes as NumPy does
_SCALAR_REDUCTION_KEYWORDS = {"axis": None, "keepdims": False}


def _scalar_method(name: str) -> Callable[[Symbolic], Callable[..., Any]]:
    """``x.<name>`` of a NumPy scalar (an element, a NumPy number): NumPy's scalar methods are
    those of its 0-d array, whose results have no axes left, so compiled code calls the
    method of the 1-element array of it (a reduction: the same number, ``sum`` of a bool or a
    small int in NumPy's wider type; ``astype``, ``round``, ``clip``: its element).  A
    reduction takes no axis (``axis=None``, ``keepdims=False`` and ``ddof`` are accepted).
    A Python number (weak) has no such method, as in CPython."""
    def attribute(x: Symbolic) -> Callable[..., Any]:
        if x.weak or not x.type.is_scalar:
            raise _tr().error(TypingError, f"a traced {x.type} has no attribute '{name}' in compiled code")

        def call(value: Symbolic, *args: Any, **kwargs: Any) -> Any:
            return _call_scalar_method(name, value, args, kwargs)
        call.__name__ = call.__qualname__ = name   # what errors about its arguments call it
        return method(call)(x)
    return attribute


def _call_scalar_method(name: str, x: Symbolic, args: tuple, kwargs: dict) -> Any:
    if name in REDUCTIONS:
        given = {k: v for k, v in kwargs.items() if k != "ddof"}
        if args or any(k not in _SCALAR_REDUCTION_KEYWORDS or v is not _SCALAR_REDUCTION_KEYWORDS[k]
                       for k, v in given.items()):
            raise _tr().error(UnsupportedError, f"{name}() of a NumPy scalar takes no axis in compiled code (a "
                                                "scalar has none)")
    one = numpy_api.full(1, x, to_dtype(x.type))
    result = getattr(one, name)(*args, **kwargs)
    return arrays.getitem(result, 0) if is_array(result) else result


def _scalar_attribute(name: str) -> Callable[[Symbolic], Any]:
    """``x.shape``, ``ndim``, ``size``, ``dtype``, ``itemsize``, ``nbytes`` of a NumPy scalar
    (those of a 0-d array); a Python number has none, as in CPython."""
    def attribute(x: Symbolic) -> Any:
        if x.weak or not x.type.is_scalar:
            raise _tr().error(TypingError, f"a {x.type} has no attribute '{name}'")
        dtype = to_dtype(x.type)
        return {"shape": (), "ndim": 0, "size": 1, "dtype": dtype, "itemsize": dtype.itemsize,
                "nbytes": dtype.itemsize}[name]
    return attribute


define(Type, {**{name: _scalar_method(name) for name in _SCALAR_METHODS},
              **{name: _scalar_attribute(name) for name in ("shape", "ndim", "size", "dtype", "itemsize", "nbytes")}})


# ----------------------------------------------------------------- Python's builtins over the first axis
def builtin_sum(a: Symbolic, start: Any = 0) -> Any:
    """``sum(a, start)``: ``start + a[0] + a[1] + ...`` in that order, as Python adds (the rows
    of a 2-d array element-wise); NumPy's types (``sum`` of bools counts in ``int64``).  An
    empty ``a`` gives ``start`` in the result's type (Python gives ``start`` itself, the int 0)."""
    _, t = _ufunc_loop(np.add, (start, a), "sum()")
    return reduce(a, [_loop_operand(start, t)], lambda acc, x: [numpy_binary("+", acc, arith.cast(x, t))],
                  0 if a.type.ndim > 1 else None, ordered=True)[0]


def builtin_extremum(name: str, op: str) -> Callable[..., Any]:
    """``max(a)`` / ``min(a)`` of a 1-d array: its first element, then each later one that
    compares greater (less), as Python's builtins compare (a NaN stays only if it comes first);
    an empty array is Python's ``ValueError``."""
    def extremum(a: Symbolic) -> Any:
        if a.type.ndim != 1 or isinstance(a.type.dtype, ComplexType):
            raise _tr().error(TypingError, f"{name}() of a {a.type} is not supported in compiled code (Python "
                                           f"compares the rows, where NumPy raises); use np.{name}(a) or "
                                           f"a.{name}(axis=0)")
        arith.raise_if(arith.compare("==", arrays.dim(a, 0), 0), "ValueError", f"{name}() arg is an empty sequence")
        first = arrays.getitem(a, 0)
        rest = subview(a, slice(1, None))
        return reduce(rest, [first], lambda acc, x: [arith.select(arith.compare(op, x, acc), x, acc)],
                      ordered=True)[0]
    return extremum


_BUILTINS = {builtins.sum: builtin_sum, builtins.max: builtin_extremum("max", ">"),
             builtins.min: builtin_extremum("min", "<")}


def select(condlist: Any, choicelist: Any, default: Any = 0) -> Any:
    """``np.select``: the choice of the first condition that holds, else ``default``, as
    ``np.where`` nested from the last condition in; every choice and the default first in
    NumPy's ``result_type`` of them all (Python numbers weak, as NumPy 2 keeps them; the
    default converted as ``np.full`` converts it, wrapping).  NumPy's errors: lists of other
    lengths, none, a condition that is not bool, choices with no common dtype, and a choice
    that is a Python number whose NumPy array (``int64``, ``float64``, ``complex128``) does not
    cast to the result's dtype by ``same_kind`` (a Python int among ``uint8`` choices), which
    ``np.copyto`` refuses."""
    if not isinstance(condlist, (list, tuple)) or not isinstance(choicelist, (list, tuple)):
        raise _tr().error(UnsupportedError, "np.select() takes lists (or tuples) of conditions and choices in "
                                            "compiled code")
    problem = "list of cases must be same length as list of conditions" if len(condlist) != len(choicelist) \
        else "select with an empty condition list is not possible" if not condlist else None
    if problem:
        arith.raise_if(True, "ValueError", problem)
        raise PathEnds()
    choices = [as_array(c) for c in (*choicelist, default)]
    seen = [_seen_by_numpy(c, "np.select()") for c in choices]
    try:
        dtype = np.result_type(*({int: 0, float: 0.0, complex: 0j}.get(x, x) for x in seen))   # weak: values
    except TypeError as err:
        arith.raise_if(True, "TypeError", f"Choicelist and default value do not have a common dtype: {err}")
        raise PathEnds() from None
    t = from_dtype(dtype)
    if t is None:
        raise _tr().error(TypingError, f"np.select() computes in {dtype} here (NumPy's choice), a type compiled "
                                       "code does not support")
    conditions = [as_array(c) for c in condlist]
    for i, c in enumerate(conditions):
        kind = type_of(c)
        if not isinstance(kind.dtype if isinstance(kind, ArrayType) else kind, BoolType):
            arith.raise_if(True, "TypeError", f"invalid entry {i} in condlist: should be boolean ndarray")
            raise PathEnds()
    if not any(is_array(x) for x in (*conditions, *choices)):
        raise _tr().error(UnsupportedError, "np.select() of numbers only (NumPy's 0-d array) is not supported in "
                                            "compiled code; select among arrays")
    where = lookup(np.where)
    result = _as_type(choices[-1], t)
    for condition, choice in zip(reversed(conditions), reversed(choices[:-1])):
        result = where(condition, _as_type(choice, t), result)
    for kind in reversed(seen[:-1]):   # after the shapes broadcast, NumPy copies each choice in, the last first
        source = {int: np.dtype(np.int64), float: np.dtype(np.float64), complex: np.dtype(np.complex128)}.get(kind)
        if source is not None and not np.can_cast(source, dtype, "same_kind"):   # a Python int among uint8s
            arith.raise_if(True, "TypeError", f"Cannot cast array data from dtype('{source}') to dtype('{dtype}') "
                                              "according to the rule 'same_kind'")
            raise PathEnds()
    return result


def _as_type(x: Any, t: Type) -> Any:
    """``x`` (an array or a number) converted to ``t`` as NumPy's unsafe casts convert."""
    return astype(x, to_dtype(t), copy=False) if is_array(x) else arith.cast(x, t)


# ----------------------------------------------------------------- NumPy functions on arrays
_FUNCTIONS: dict[Any, Callable[..., Any]] = {
    np.transpose: lambda a, axes=None: transpose(a, axes), np.reshape: lambda a, shape: reshape(a, shape),
    np.ravel: ravel, np.flip: flip, np.expand_dims: expand_dims, np.squeeze: squeeze, np.swapaxes: swapaxes,
    np.moveaxis: moveaxis, np.atleast_1d: _at_least(1), np.atleast_2d: _at_least(2), np.atleast_3d: _at_least(3),
    np.ptp: peak_to_peak, np.take: take, np.fliplr: flip_rows_or_columns(True),
    np.flipud: flip_rows_or_columns(False), np.rot90: rot90, np.trapezoid: trapezoid,
    np.sum: total, np.prod: product, np.min: REDUCTIONS["min"], np.amin: REDUCTIONS["min"],
    np.max: REDUCTIONS["max"], np.amax: REDUCTIONS["max"], np.mean: mean, np.var: variance, np.std: deviation,
    np.any: REDUCTIONS["any"], np.all: REDUCTIONS["all"], np.argmin: REDUCTIONS["argmin"],
    np.argmax: REDUCTIONS["argmax"], np.cumsum: REDUCTIONS["cumsum"], np.cumprod: REDUCTIONS["cumprod"],
    np.count_nonzero: count_nonzero, np.clip: clip, np.isclose: isclose, np.diff: diff, np.round: around,
    np.around: around, np.allclose: allclose,
}
#: NumPy functions of numbers or arrays that are not element functions of ours
_OF_NUMBERS_TOO = {np.nan_to_num: nan_to_num, np.select: select}
#: ufuncs that are operators (their scalar forms are NumPy's element operations)
_OPERATOR_UFUNCS = {np.add: "+", np.subtract: "-", np.multiply: "*", np.divide: "/", np.true_divide: "/",
                    np.floor_divide: "//", np.remainder: "%", np.mod: "%", np.bitwise_and: "&",
                    np.bitwise_or: "|", np.bitwise_xor: "^", np.left_shift: "<<", np.right_shift: ">>"}
_COMPARISON_UFUNCS = {np.equal: "==", np.not_equal: "!=", np.less: "<", np.less_equal: "<=", np.greater: ">",
                      np.greater_equal: ">="}


def _scalar_function(f: Any) -> Callable[..., Any] | None:
    """The scalar (element) implementation of the NumPy function ``f``, or None."""
    if f in _OPERATOR_UFUNCS:
        return lambda x, y, op=_OPERATOR_UFUNCS[f]: numpy_binary(op, x, y)
    if f in _COMPARISON_UFUNCS:
        return lambda x, y, op=_COMPARISON_UFUNCS[f]: arith.compare(op, x, y)
    simple = {np.negative: arith.negate, np.positive: arith.positive, np.square: lambda x: numpy_binary("*", x, x),
              np.reciprocal: lambda x: numpy_binary("/", arith.constant(1, type_of(x)), x),
              np.logical_not: arith.logical_not, np.conjugate: arith.conjugate,
              np.logical_and: lambda x, y: arith.logical_and(arith.truth(x), arith.truth(y)),
              np.logical_or: lambda x, y: arith.logical_or(arith.truth(x), arith.truth(y)),
              np.logical_xor: lambda x, y: arith.binary("^", arith.truth(x), arith.truth(y)),
              np.where: _where}
    if f in simple:
        return simple[f]
    return numpy_api.lookup(f) if isinstance(f, np.ufunc) else None


def _where(condition: Any, *choices: Any) -> Any:
    """``np.where(c, x, y)``, element by element (``np.where(c)`` of an array is
    ``np.nonzero(c)``: see :func:`lookup`)."""
    if len(choices) != 2:
        raise _tr().error(TypingError, f"np.where() takes 1 or 3 arguments, not {1 + len(choices)}")
    return arith.select(arith.truth(condition), *_common(*choices))


def _common(x: Any, y: Any) -> tuple[Any, Any]:
    t = arith.result_type(x, y, "np.where")
    return arith.cast(x, t), arith.cast(y, t)


def as_array(x: Any) -> Any:
    """``x`` as the array NumPy's ``asarray`` makes of an operand, where compiled code has one:
    a list or tuple as the array of its values (``np.prod(a.shape)``, ``np.prod(())``), a
    NumPy array of constants read where the code runs (of a 0-d one, the number it holds);
    anything else as it is."""
    if isinstance(x, (tuple, list)):
        from .combining import array   # a layer above

        x = array(x)
    return arrays.global_array(x) if isinstance(x, np.ndarray) else x


def _of_an_array(reduction: Callable[..., Any], name: str) -> Callable[..., Any]:
    """``reduction`` of its first argument as an array (:func:`as_array`)."""
    def reduce_array(a: Any, *args: Any, **kwargs: Any) -> Any:
        a = as_array(a)
        if not is_array(a):
            raise _tr().error(UnsupportedError, f"{name}() of a {describe(a)} is not supported in compiled code; "
                                                "pass an array")
        return reduction(a, *args, **kwargs)
    return reduce_array


#: the methods of ufuncs (``np.add.reduce``) compiled code knows, or refuses by name
_UFUNC_METHODS = ("reduce", "accumulate", "reduceat", "outer", "at")


def _ufunc_method(f: Any) -> Callable[..., Any]:
    """``np.<ufunc>.reduce``/``accumulate`` (``f``, a bound method of a ufunc) as NumPy's
    functions that call them, with the methods' own default ``axis=0``: ``np.add.reduce`` is
    ``np.sum`` (``multiply``: ``prod``, ``maximum``/``minimum``: ``max``/``min``,
    ``logical_and``/``or``: ``all``/``any``), ``np.add.accumulate`` is ``np.cumsum``
    (``multiply``: ``cumprod``; ``maximum``/``minimum``: the running extremum); and ``outer``
    (:func:`_outer`).  Other ufuncs and methods are refused by name."""
    ufunc, method = f.__self__, f.__name__
    functions = {"reduce": {np.add: np.sum, np.multiply: np.prod, np.maximum: np.max, np.minimum: np.min,
                            np.logical_and: np.all, np.logical_or: np.any},
                 "accumulate": {np.add: np.cumsum, np.multiply: np.cumprod}}.get(method, {})
    if method == "outer" and ufunc.nin == 2:
        return lambda a, b: _outer(ufunc, a, b)
    if method == "accumulate" and ufunc in (np.maximum, np.minimum):
        implementation = _of_an_array(_cumulative(ufunc.__name__), f"np.{ufunc.__name__}.accumulate")
    elif ufunc in functions:
        implementation = lookup(functions[ufunc])
    else:
        raise _tr().error(UnsupportedError, f"np.{ufunc.__name__}.{method}() is not supported in compiled code yet "
                                            "(reduce and accumulate of add, multiply, maximum and minimum are, "
                                            "reduce of logical_and and logical_or, and outer of two operands)")

    def call(a: Any, axis: Any = 0, *args: Any, **kwargs: Any) -> Any:
        return implementation(a, axis, *args, **kwargs)
    return call


def _outer(ufunc: np.ufunc, a: Any, b: Any) -> Any:
    """``ufunc.outer(a, b)``: ``ufunc`` of every element of ``a`` with every element of ``b``, of
    shape ``a.shape + b.shape`` (``a`` seen with ``b.ndim`` new axes, broadcast against ``b``)."""
    a, b = as_array(a), as_array(b)
    if not (is_array(a) and is_array(b)):
        raise _tr().error(UnsupportedError, f"np.{ufunc.__name__}.outer() takes two arrays in compiled code")
    return lookup(ufunc)(subview(a, (Ellipsis,) + (None,) * b.type.ndim), b)


def _builtin_over_arrays(f: Any, over_array: Callable[..., Any]) -> Callable[..., Any]:
    """The builtin ``f`` of one array argument (and ``start``) over its first axis, else as before."""
    def apply(*args: Any, **kwargs: Any) -> Any:
        if args and is_array(args[0]) and not kwargs and (len(args) == 1 or f is builtins.sum and len(args) == 2):
            return over_array(*args)
        return (builtins_layer.lookup(f) or f)(*args, **kwargs)
    return apply


def lookup(f: Any) -> Callable[..., Any] | None:
    """Our implementation of the NumPy function ``f`` where it may take whole arrays: the
    reductions, and every element function, applied element-wise when an argument is an
    array (else as on scalars)."""
    if isinstance(getattr(f, "__self__", None), np.ufunc) and getattr(f, "__name__", None) in _UFUNC_METHODS:
        return _ufunc_method(f)
    try:
        reduction = _FUNCTIONS.get(f)
        scalar = _scalar_function(f)
        if f in _OF_NUMBERS_TOO:
            return _OF_NUMBERS_TOO[f]
        builtin = _BUILTINS.get(f)
    except TypeError:   # an unhashable callable
        return None
    if builtin is not None:
        return _builtin_over_arrays(f, builtin)
    if reduction is None and scalar is None:
        return numpy_api.lookup(f)   # creation functions and the like take no element-wise path
    if reduction is not None:
        return _of_an_array(reduction, f"np.{f.__name__}")
    def apply(*args: Any, **kwargs: Any) -> Any:
        if not any(isinstance(x, Symbolic) for x in (*args, *kwargs.values())):
            return f(*args, **kwargs)   # constants: NumPy itself
        if f is np.where and len(args) == 1 and not kwargs and is_array(args[0]):
            from .searching import nonzero   # a layer above

            return nonzero(args[0])
        if any(is_array(x) for x in (*args, *kwargs.values())):
            out = kwargs.pop("out", None) if isinstance(f, np.ufunc) else None   # out=None: a new array
            if kwargs:
                raise _tr().error(UnsupportedError, f"np.{getattr(f, '__name__', f)}() of arrays with keyword "
                                                    f"arguments{' other than out=' if out is not None else ''} "
                                                    f"({', '.join(kwargs)}) is not supported in compiled code yet")
            if isinstance(f, np.ufunc) and f not in _COMPARISON_UFUNCS:
                result = apply_ufunc(f, scalar, args, f"np.{f.__name__}()")
            else:
                result = elementwise(scalar, args, f"np.{getattr(f, '__name__', f)}()")
            return result if out is None else ufunc_into(out, result, f.__name__)
        if isinstance(f, np.ufunc):   # of scalars: out=None is the default, other keywords are refused
            if kwargs.get("out", ()) is None:
                del kwargs["out"]
            if kwargs:
                raise _tr().error(UnsupportedError, f"np.{f.__name__}() with keyword arguments "
                                                    f"({', '.join(kwargs)}) is not supported in compiled code yet")
            if f not in _COMPARISON_UFUNCS:
                return apply_ufunc(f, scalar, args, f"np.{f.__name__}()")
        return scalar(*args, **kwargs)
    return apply
