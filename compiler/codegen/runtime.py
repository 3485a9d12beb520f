"""Lowering of the ops that reach outside compiled code: ``py.call``, the random ops, and
``local_list.box`` (a local list made a CPython list of its items, boxed as a ``py.call``'s
operands are, with the GIL).

``py.call`` (a call back into Python):

* takes the GIL with ``PyGILState_Ensure`` (compiled code may run without it)
  and gives it back after, on both paths;
* boxes each operand as a new reference: ``bool`` with ``PyBool_FromLong``,
  signed ints ``PyLong_FromLongLong``, unsigned ``PyLong_FromUnsignedLongLong``,
  floats ``PyFloat_FromDouble`` (``f32`` widened exactly), complex numbers
  ``PyComplex_FromDoubles`` (an operand the op lists in ``numpy``: then the NumPy scalar
  type called with that number), an array the tuple ``(data, *shape, *strides)`` of
  ints, from which ``frontend.pycall`` makes a NumPy view; a tuple a Python tuple of its
  boxed elements; an object (``str``, ``list<T>``) is the object itself (``Py_IncRef``: the
  boxes are released after the call);
* calls the registered target with ``PyObject_Vectorcall``; the result becomes
  the op's type with ``PyObject_IsTrue``, ``PyLong_AsLongLong``,
  ``PyFloat_AsDouble`` or ``PyComplex_RealAsDouble``/``PyComplex_ImagAsDouble``
  (the target returns the right Python type: see ``frontend.pycall``); a ``str``
  result is the object returned, whose reference the op's result keeps;
* on a Python exception -- from the call, a box or an unbox -- stores the owned
  ``(type, value, traceback)`` of ``PyErr_Fetch`` (normalized) into the first
  three ``errargs`` slots and stops the function with status
  :data:`runtime.errors.PYTHON_EXCEPTION`, after the op's cleanup region.

The random ops draw from a ``Generator`` operand's bit generator, or address
NumPy's global ``RandomState`` in place (the addresses
``runtime.nprandom.legacy_layout`` found): ``random.draw`` loads the state
pointer and the ``next_*`` function of the ``bitgen_t`` the ``RandomState``
holds and calls it -- at every draw, so a bit generator swapped in later with
``np.random.set_bit_generator`` is the one used; the gauss cache is the
``has_gauss``/``gauss`` pair of its ``aug_bitgen_t``.  A function that draws
holds the GIL while it runs, as NumPy's own scalar draws do, and NumPy's lock
of the global generator when it draws from that one (:func:`guarded_call`).

``object.retype`` is its operand.  ``list.len`` and ``list.get`` read a run-time list (a
``PyListObject``: a ``PyVarObject`` whose ``ob_size``, the length, is at :data:`LIST_SIZE`,
followed by ``ob_item``, the pointer to the items, at :data:`LIST_ITEMS`) in place; the item
is read as a ``py.call`` result of its type is (:func:`_item`), which cannot fail for the
items compiled code stored.

``str.const`` is a new reference (``Py_IncRef``) to the object
``frontend.pycall.string_constant`` keeps.  A module with ``str`` values gets an entry
guard (:func:`hold_gil`) that holds the GIL around its function, since their counts
change with ``Py_IncRef``/``Py_DecRef`` (the ctypes path and ``nogil`` release it around
the entry; ``nogil=True`` refuses strings, ``compiler.pipeline``).

``guarded_call`` is the entry guard this module registers with the core
(``core._guards_entries``) for the modules :func:`random_streams` finds
streams in: the core's entry wrapper calls through it without importing this
module.
"""
from __future__ import annotations

from typing import Callable

import llvmlite.ir as lir

from frontend.pycall import string_constant, target
from ir import UnsupportedError
from ir.dtypes import to_dtype
from ir.core import Operation
from ir.module import Module
from ir.ops.lists import ListGetOp, ListLenOp, RetypeOp
from ir.ops.local_lists import LocalListBoxOp
from ir.ops.runtime import (
    DrawOp, GeneratorOp, PutGaussOp, PyCallOp, RandomCallOp, RandomDrawOp, StrConstOp, TakeGaussOp,
)
from ir.types import (
    ArrayType, BoolType, ComplexType, FloatType, IntType, ObjectType, TupleType, Type, VarTupleType, bool_, c128, f64,
    i64,
)
from runtime.errors import PYTHON_EXCEPTION
from runtime.nprandom import (
    DISTRIBUTIONS, LegacyLayout, RandomLayoutError, distribution_address, legacy_layout, legacy_lock,
)

from .core import (
    _I1, _I32, _I64, _PTR, _STATUS, LOCAL_LIST_ITEMS, LOCAL_LIST_LENGTH, _FunctionLowering,
    _ModuleLowering, _complex, _fconst, _from_memory, _guards_entries, _lowers, _parts, local_list_field, memory_type,
    value_type,
)

_DOUBLE = lir.DoubleType()
#: the offsets of a ``bitgen_t``'s fields: ``{void *state; next_uint64; next_uint32; next_double; next_raw}``
_BITGEN_FIELD = {"uint64": 1, "uint32": 2, "double": 3}
_DRAW_RESULT = {"double": _DOUBLE, "uint32": _I32, "uint64": _I64}


class _FunctionPointer(lir.types._TypedPointerType):
    """A pointer to a function of a known type that prints as the opaque ``ptr``
    (llvmlite needs the function type to build an indirect call)."""

    def _to_string(self) -> str:
        return "ptr"


def _object(lowering: _FunctionLowering | _ModuleLowering, b: lir.IRBuilder, obj: object,
            descriptor: tuple | None = None, what: str = "") -> lir.Value:
    """The ``PyObject *`` of ``obj`` (a reference: ``compiler.codegen.references``)."""
    module = lowering.module if isinstance(lowering, _FunctionLowering) else lowering
    return module.refs.load(b, module.refs.of(obj, descriptor, what))


def _address(lowering: _FunctionLowering, address: int, descriptor: tuple | None,
             typ: lir.Type = _PTR) -> lir.Value:
    """A raw address of the process (a reference described by ``descriptor``)."""
    refs = lowering.module.refs
    return refs.load(lowering.b, refs.add(address, descriptor), typ)


def _capi(lowering: _FunctionLowering | _ModuleLowering, name: str, result: lir.Type,
          args: list[lir.Type]) -> lir.Function:
    """The CPython C-API function ``name`` (resolved from the process)."""
    module = lowering.module if isinstance(lowering, _FunctionLowering) else lowering
    return module.libc(name, lir.FunctionType(result, args))


def _fetch_exception(lowering: _FunctionLowering | _ModuleLowering, b: lir.IRBuilder, errargs: lir.Value) -> None:
    """Move the raised Python exception, normalized, into the first three ``errargs`` slots."""
    slots = [b.gep(errargs, [lir.Constant(_I64, k)], inbounds=True, source_etype=_I64) for k in range(3)]
    b.call(_capi(lowering, "PyErr_Fetch", lir.VoidType(), [_PTR] * 3), slots)
    b.call(_capi(lowering, "PyErr_NormalizeException", lir.VoidType(), [_PTR] * 3), slots)


# ----------------------------------------------------------------- py.call
def _box(lowering: _FunctionLowering, value: lir.Value, t: Type) -> lir.Value:
    b = lowering.b
    if isinstance(t, BoolType):
        return b.call(_capi(lowering, "PyBool_FromLong", _PTR, [_I64]), [b.zext(value, _I64)])
    if isinstance(t, IntType):
        if t.signed:
            return b.call(_capi(lowering, "PyLong_FromLongLong", _PTR, [_I64]), [b.sext(value, _I64)])
        return b.call(_capi(lowering, "PyLong_FromUnsignedLongLong", _PTR, [_I64]), [b.zext(value, _I64)])
    if isinstance(t, FloatType):
        value = b.fpext(value, _DOUBLE) if t.bits == 32 else value
        return b.call(_capi(lowering, "PyFloat_FromDouble", _PTR, [_DOUBLE]), [value])
    if isinstance(t, ComplexType):
        re, im = (b.fpext(p, _DOUBLE) if t.part.bits == 32 else p for p in _parts(b, value))
        return b.call(_capi(lowering, "PyComplex_FromDoubles", _PTR, [_DOUBLE, _DOUBLE]), [re, im])
    if isinstance(t, ArrayType):
        return _box_array(lowering, value, t)
    if isinstance(t, TupleType):
        return _box_tuple(lowering, value, t)
    if isinstance(t, ObjectType):
        b.call(_capi(lowering, "Py_IncRef", lir.VoidType(), [_PTR]), [value])
        return value
    raise NotImplementedError(f"py.call cannot pass a {t}")


def _box_array(lowering: _FunctionLowering, value: lir.Value, t: ArrayType) -> lir.Value:
    """``(data, *shape, *strides, meminfo)`` as a tuple of Python ints (NULL if any box
    failed); the meminfo (0 for memory compiled code borrows) lets an array stored in a
    container own a reference (``runtime.memory.stored_array``)."""
    b = lowering.b
    fields = [b.ptrtoint(b.extract_value(value, 1), _I64)]
    fields += [b.extract_value(value, [part, axis]) for part in (2, 3) for axis in range(t.ndim)]
    fields.append(b.ptrtoint(b.extract_value(value, 0), _I64))
    tuple_ = b.call(_capi(lowering, "PyTuple_New", _PTR, [_I64]), [lir.Constant(_I64, len(fields))])
    new_long = _capi(lowering, "PyLong_FromLongLong", _PTR, [_I64])
    set_item = _capi(lowering, "PyTuple_SetItem", _I32, [_PTR, _I64, _PTR])
    failed = b.icmp_unsigned("==", tuple_, lir.Constant(_PTR, None))
    with b.if_then(b.not_(failed)):
        for i, field in enumerate(fields):
            b.call(set_item, [tuple_, lir.Constant(_I64, i), b.call(new_long, [field])])
    return tuple_


def _box_tuple(lowering: _FunctionLowering, value: lir.Value, t: TupleType) -> lir.Value:
    """A Python tuple of the boxed elements (NULL if one failed: the tuple is released)."""
    b, null = lowering.b, lir.Constant(_PTR, None)
    tuple_ = b.call(_capi(lowering, "PyTuple_New", _PTR, [_I64]), [lir.Constant(_I64, len(t.elements))])
    failed = b.icmp_unsigned("==", tuple_, null)
    slot = lowering.stack_slot(_PTR)
    b.store(tuple_, slot)
    with b.if_then(b.not_(failed)):
        set_item = _capi(lowering, "PyTuple_SetItem", _I32, [_PTR, _I64, _PTR])   # steals the item
        missing = lir.Constant(_I1, 0)
        for i, element in enumerate(t.elements):
            item = _box(lowering, b.extract_value(value, i), element)
            missing = b.or_(missing, b.icmp_unsigned("==", item, null))
            b.call(set_item, [tuple_, lir.Constant(_I64, i), item])
        with b.if_then(missing, likely=False):
            b.call(_capi(lowering, "Py_DecRef", lir.VoidType(), [_PTR]), [tuple_])
            b.store(null, slot)
    return b.load(slot)


def _as_numpy_scalar(lowering: _FunctionLowering, number: lir.Value, t: Type) -> lir.Value:
    """The NumPy scalar of type ``t`` of the Python number ``number`` (NULL if either failed):
    the scalar type called with it, which converts exactly (the number holds a ``t`` value)."""
    b, null = lowering.b, lir.Constant(_PTR, None)
    slot = lowering.stack_slot(_PTR)
    b.store(null, slot)
    with b.if_then(b.icmp_unsigned("!=", number, null)):
        scalar_type = _object(lowering, b, to_dtype(t).type)
        b.store(b.call(_capi(lowering, "PyObject_CallOneArg", _PTR, [_PTR, _PTR]), [scalar_type, number]), slot)
        b.call(_capi(lowering, "Py_DecRef", lir.VoidType(), [_PTR]), [number])
    return b.load(slot)


def _unbox(lowering: _FunctionLowering, result: lir.Value, t: Type) -> tuple[lir.Value, lir.Value]:
    """The value of ``result`` as a ``t``, and whether that raised."""
    b = lowering.b

    def occurred() -> lir.Value:   # asked after the conversion: it is what sets the error
        return b.icmp_unsigned("!=", b.call(_capi(lowering, "PyErr_Occurred", _PTR, []), []),
                               lir.Constant(_PTR, None))
    if t == bool_:
        truth = b.call(_capi(lowering, "PyObject_IsTrue", _I32, [_PTR]), [result])
        return b.icmp_signed(">", truth, lir.Constant(_I32, 0)), b.icmp_signed("<", truth, lir.Constant(_I32, 0))
    if t == i64:
        value = b.call(_capi(lowering, "PyLong_AsLongLong", _I64, [_PTR]), [result])
        return value, b.and_(b.icmp_signed("==", value, lir.Constant(_I64, -1)), occurred())
    if isinstance(t, ObjectType):   # the target returns the object: the result keeps its reference
        return result, lir.Constant(_I1, 0)
    if isinstance(t, ArrayType):   # ``(meminfo, data, *shape, *strides)``: the result owns the reference
        return _array_from_ints(lowering, result, t), lir.Constant(_I1, 0)
    if isinstance(t, TupleType):   # a tuple of these (an item of a list of tuples, which has this shape)
        get_item = _capi(lowering, "PyTuple_GetItem", _PTR, [_PTR, _I64])
        value, failed = lir.Constant(value_type(t), lir.Undefined), lir.Constant(_I1, 0)
        for i, element in enumerate(t.elements):
            item = b.call(get_item, [result, lir.Constant(_I64, i)])   # borrowed
            if isinstance(element, ObjectType):
                b.call(_capi(lowering, "Py_IncRef", lir.VoidType(), [_PTR]), [item])
            part, part_failed = _unbox(lowering, item, element)
            value, failed = b.insert_value(value, part, i), b.or_(failed, part_failed)
        return value, failed
    if t == c128:   # the target returns a Python complex: neither part can fail
        re, im = (b.call(_capi(lowering, f"PyComplex_{part}AsDouble", _DOUBLE, [_PTR]), [result])
                  for part in ("Real", "Imag"))
        return _complex(b, re, im), lir.Constant(_I1, 0)
    value = b.call(_capi(lowering, "PyFloat_AsDouble", _DOUBLE, [_PTR]), [result])
    return value, b.and_(b.fcmp_ordered("==", value, _fconst(_DOUBLE, -1.0)), occurred())


def _array_from_ints(lowering: _FunctionLowering, parts: lir.Value, t: ArrayType) -> lir.Value:
    """The array of the Python tuple ``parts`` of ints ``(meminfo, data, *shape, *strides)``
    (``runtime.memory.array_parts`` makes it, one reference of the meminfo for the result)."""
    b = lowering.b
    get_item = _capi(lowering, "PyTuple_GetItem", _PTR, [_PTR, _I64])
    as_int = _capi(lowering, "PyLong_AsLongLong", _I64, [_PTR])
    ints = [b.call(as_int, [b.call(get_item, [parts, lir.Constant(_I64, k)])]) for k in range(2 + 2 * t.ndim)]
    value = lir.Constant(value_type(t), lir.Undefined)
    value = b.insert_value(value, b.inttoptr(ints[0], _PTR), 0)
    value = b.insert_value(value, b.inttoptr(ints[1], _PTR), 1)
    for axis in range(t.ndim):
        value = b.insert_value(value, ints[2 + axis], [2, axis])
        value = b.insert_value(value, ints[2 + t.ndim + axis], [3, axis])
    return value


@_lowers(PyCallOp)
def _py_call(self: _FunctionLowering, op: PyCallOp) -> lir.Value | None:
    b, null = self.b, lir.Constant(_PTR, None)
    gil = b.call(_capi(self, "PyGILState_Ensure", _I32, []), [])
    argv_type = lir.ArrayType(_PTR, max(len(op.operands), 1))
    argv = self.stack_slot(argv_type)
    boxed, box_failed = [], lir.Constant(_I1, 0)
    for i, operand in enumerate(op.operands):
        obj = _box(self, self.value(operand), operand.type)
        if i in op.numpy:
            obj = _as_numpy_scalar(self, obj, operand.type)
        b.store(obj, b.gep(argv, [lir.Constant(_I64, 0), lir.Constant(_I64, i)], inbounds=True,
                           source_etype=argv_type))
        boxed.append(obj)
        box_failed = b.or_(box_failed, b.icmp_unsigned("==", obj, null))
    decref = _capi(self, "Py_DecRef", lir.VoidType(), [_PTR])   # NULL-safe
    vectorcall = _capi(self, "PyObject_Vectorcall", _PTR, [_PTR, _PTR, _I64, _PTR])
    result_slot = self.stack_slot(_PTR)
    b.store(null, result_slot)
    with b.if_then(b.not_(box_failed)):
        where = f" ({op.loc.short})" if op.loc else ""
        callee = _object(self, b, target(op.target), what=f"a call back into Python ({op.target.split('#')[0]}){where}")
        b.store(b.call(vectorcall, [callee, argv,
                                    lir.Constant(_I64, len(op.operands)), null]), result_slot)
    for obj in boxed:
        b.call(decref, [obj])
    result = b.load(result_slot)
    failed = b.icmp_unsigned("==", result, null)
    value = None
    if op.results:
        value_slot, failed_slot = self.stack_slot(value_type(op.result.type)), self.stack_slot(_I1)
        b.store(failed, failed_slot)
        with b.if_then(b.not_(failed)):
            unboxed, unbox_failed = _unbox(self, result, op.result.type)
            b.store(unboxed, value_slot)
            b.store(unbox_failed, failed_slot)
        failed, value = b.load(failed_slot), b.load(value_slot)
    if not (op.results and isinstance(op.result.type, ObjectType)):
        b.call(decref, [result])
    release = _capi(self, "PyGILState_Release", lir.VoidType(), [_I32])
    with b.if_then(failed, likely=False):
        _fetch_exception(self, b, self.err_ptr)
        b.call(release, [gil])
        self._fail(op, lir.Constant(_STATUS, PYTHON_EXCEPTION))
    b.call(release, [gil])
    return value


@_lowers(LocalListBoxOp)
def _local_list_box(self: _FunctionLowering, op: LocalListBoxOp) -> lir.Value:
    """``PyList_New(n)`` and each item boxed into its slot (a NumPy scalar for a
    ``list<np.T>``), with the GIL; a failure releases what was made and raises what CPython
    raised."""
    b, null, t = self.b, lir.Constant(_PTR, None), op.operand(0).type.element
    header = self.value(op.operand(0))
    gil = b.call(_capi(self, "PyGILState_Ensure", _I32, []), [])
    release = _capi(self, "PyGILState_Release", lir.VoidType(), [_I32])
    n = b.load(local_list_field(b, header, LOCAL_LIST_LENGTH), typ=_I64)
    made = b.call(_capi(self, "PyList_New", _PTR, [_I64]), [n])

    def fail() -> None:
        _fetch_exception(self, b, self.err_ptr)
        b.call(release, [gil])
        self._fail(op, lir.Constant(_STATUS, PYTHON_EXCEPTION))

    with b.if_then(b.icmp_unsigned("==", made, null), likely=False):
        fail()
    with b.if_then(b.icmp_signed(">", n, lir.Constant(_I64, 0))):
        items = b.load(local_list_field(b, header, LOCAL_LIST_ITEMS), typ=_PTR)
        slots = b.load(b.gep(made, [lir.Constant(_I64, LIST_ITEMS)], inbounds=True, source_etype=lir.IntType(8)),
                       typ=_PTR)
        before, loop, done = b.block, b.append_basic_block("box"), b.append_basic_block("boxed")
        b.branch(loop)
        b.position_at_end(loop)
        i = b.phi(_I64)
        i.add_incoming(lir.Constant(_I64, 0), before)
        item = _from_memory(b, b.load(b.gep(items, [i], inbounds=True, source_etype=memory_type(t)),
                                      typ=memory_type(t)), t)
        obj = _box(self, item, t)
        if op.result.type.numpy:
            obj = _as_numpy_scalar(self, obj, t)
        with b.if_then(b.icmp_unsigned("==", obj, null), likely=False):
            b.call(_capi(self, "Py_DecRef", lir.VoidType(), [_PTR]), [made])   # its items made so far too
            fail()
        b.store(obj, b.gep(slots, [i], inbounds=True, source_etype=_PTR))
        following = b.add(i, lir.Constant(_I64, 1), flags=("nuw", "nsw"))
        i.add_incoming(following, b.block)
        b.cbranch(b.icmp_signed("<", following, n), loop, done)
        b.position_at_end(done)
    b.call(release, [gil])
    return made


#: the offsets of ``ob_size`` and ``ob_item`` in a ``PyListObject`` (and in a ``PyTupleObject``,
#: whose items are inline) and of ``ob_fval`` in a ``PyFloatObject``
#: (``tests/compiler/test_list_layout.py`` checks them)
LIST_SIZE, LIST_ITEMS, FLOAT_VALUE = 16, 24, 16


@_lowers(ListLenOp)
def _list_len(self: _FunctionLowering, op: ListLenOp) -> lir.Value:
    b = self.b
    size = b.gep(self.value(op.operand(0)), [lir.Constant(_I64, LIST_SIZE)], inbounds=True,
                 source_etype=lir.IntType(8))
    return b.load(size, typ=_I64)


@_lowers(RetypeOp)
def _retype(self: _FunctionLowering, op: RetypeOp) -> lir.Value:
    return self.value(op.operand(0))


@_lowers(ListGetOp)
def _list_get(self: _FunctionLowering, op: ListGetOp) -> lir.Value:
    """A list's items are an array it points to at ``LIST_ITEMS``; a tuple's (``vtuple``) are
    inline there."""
    b = self.b
    field = b.gep(self.value(op.operand(0)), [lir.Constant(_I64, LIST_ITEMS)], inbounds=True,
                  source_etype=lir.IntType(8))
    items = field if isinstance(op.operand(0).type, VarTupleType) else b.load(field, typ=_PTR)
    item = b.load(b.gep(items, [self.value(op.operand(1))], inbounds=True, source_etype=_PTR), typ=_PTR)
    return _item(self, item, op.result.type, op.operand(0).type.numpy)


def _item(lowering: _FunctionLowering, item: lir.Value, t: Type, numpy: bool) -> lir.Value:
    """The value of a list's item of type ``t`` (a NumPy scalar where ``numpy``): a Python
    float's (and ``np.float64``'s, a float subclass) ``ob_fval`` and a Python bool's identity
    read in place, the others converted as a ``py.call`` result is; a tuple's elements (inline
    in it, as a run-time tuple's items are) each so."""
    b = lowering.b
    if isinstance(t, TupleType):   # a tuple of Python numbers: each element read as an item is
        value = lir.Constant(value_type(t), lir.Undefined)
        for k, element in enumerate(t.elements):
            slot = b.gep(item, [lir.Constant(_I64, LIST_ITEMS + 8 * k)], inbounds=True, source_etype=lir.IntType(8))
            value = b.insert_value(value, _item(lowering, b.load(slot, typ=_PTR), element, False), k)
        return value
    if t == f64:
        field = b.gep(item, [lir.Constant(_I64, FLOAT_VALUE)], inbounds=True, source_etype=lir.IntType(8))
        return b.load(field, typ=_DOUBLE)
    if t == bool_ and not numpy:
        return b.icmp_unsigned("==", item, _object(lowering, b, True))
    read = t if t in (bool_, i64, c128) else c128 if isinstance(t, ComplexType) else \
        i64 if isinstance(t, IntType) else f64
    value, _ = _unbox(lowering, item, read)
    if read == t:
        return value
    if isinstance(t, IntType):
        return b.trunc(value, value_type(t))
    if isinstance(t, FloatType):
        return b.fptrunc(value, value_type(t))
    return _complex(b, *(b.fptrunc(p, value_type(t.part)) for p in _parts(b, value)))


@_lowers(StrConstOp)
def _str_const(self: _FunctionLowering, op: StrConstOp) -> lir.Value:
    obj = _object(self, self.b, string_constant(op.value))
    self.b.call(_capi(self, "Py_IncRef", lir.VoidType(), [_PTR]), [obj])
    return obj


def _has_str(t: Type) -> bool:
    return isinstance(t, ObjectType) or isinstance(t, TupleType) and any(_has_str(e) for e in t.elements)


def uses_strings(module: Module) -> Operation | bool:
    """The first op of ``module`` that has or makes a ``str`` value (the function, for a ``str``
    argument), or False."""
    for func in module:
        if any(_has_str(t) for t in func.arg_types):
            return func
        for op in func.walk():
            if any(_has_str(v.type) for v in (*op.operands, *op.results)):
                return op
    return False


def refuse_strings_without_gil(module: Module) -> None:
    """``compile(nogil=True)`` of a function with ``str`` values: an ``UnsupportedError`` at the
    first of them (strings are CPython objects, which need the GIL)."""
    found = uses_strings(module)
    if found:
        loc = found.loc if isinstance(found, Operation) else None
        raise UnsupportedError("compile(nogil=True) cannot compile run-time strings (str values are CPython "
                               "objects, which need the GIL): drop nogil=True, or keep strings out of the "
                               "compiled function", loc)


@_guards_entries(uses_strings)
def hold_gil(module: _ModuleLowering, b: lir.IRBuilder, errargs: lir.Value, found: object,
             call: Callable[[], lir.Value]) -> lir.Value:
    """The entry's call of a function with ``str`` values: with the GIL held."""
    gil = b.call(_capi(module, "PyGILState_Ensure", _I32, []), [])
    status = call()
    b.call(_capi(module, "PyGILState_Release", lir.VoidType(), [_I32]), [gil])
    return status


# ----------------------------------------------------------------- random
def _layout(op: Operation) -> LegacyLayout:
    """Where NumPy's global generator keeps its state; a located ``UnsupportedError``
    when this NumPy's ``RandomState`` is not laid out as ``runtime.nprandom`` expects."""
    try:
        return legacy_layout()
    except RandomLayoutError as err:
        raise UnsupportedError(f"np.random cannot be compiled with this NumPy ({err}); draw the numbers outside "
                               "the compiled function", op.loc) from None


def _distribution(op: RandomCallOp) -> int:
    """The address of NumPy's compiled distribution function ``op`` calls (located error as above)."""
    if op.function not in DISTRIBUTIONS:
        raise NotImplementedError(f"random.call of an unknown function {op.function!r}")
    try:
        return distribution_address(op.function)
    except RandomLayoutError as err:
        raise UnsupportedError(f"np.random cannot be compiled with this NumPy ({err}); draw the numbers outside "
                               "the compiled function", op.loc) from None


def _bitgen(self: _FunctionLowering, op: RandomDrawOp | RandomCallOp) -> lir.Value:
    """The ``bitgen_t *`` an op draws from: its generator operand's, or NumPy's global one."""
    if op.attributes["stream"] == "generator":
        return self.value(op.operand(0))
    return _address(self, _layout(op).bitgen, ("nprandom", "bitgen"))


@_lowers(RandomDrawOp)
def _random_draw(self: _FunctionLowering, op: RandomDrawOp) -> lir.Value:
    b = self.b
    bitgen = _bitgen(self, op)
    state = b.load(bitgen, typ=_PTR)
    field = b.gep(bitgen, [lir.Constant(_I64, _BITGEN_FIELD[op.kind])], inbounds=True, source_etype=_PTR)
    function = b.load(field, typ=_FunctionPointer(lir.FunctionType(_DRAW_RESULT[op.kind], [_PTR])))
    return b.call(function, [state])


@_lowers(TakeGaussOp)
def _take_gauss(self: _FunctionLowering, op: TakeGaussOp) -> list[lir.Value]:
    b, layout = self.b, _layout(op)
    has_ptr, gauss_ptr = (_address(self, layout.has_gauss, ("nprandom", "has_gauss")),
                          _address(self, layout.gauss, ("nprandom", "gauss")))
    has, gauss = b.load(has_ptr, typ=_I32), b.load(gauss_ptr, typ=_DOUBLE)
    b.store(lir.Constant(_I32, 0), has_ptr)
    b.store(_fconst(_DOUBLE, 0.0), gauss_ptr)
    return [b.icmp_signed("!=", has, lir.Constant(_I32, 0)), gauss]


@_lowers(PutGaussOp)
def _put_gauss(self: _FunctionLowering, op: PutGaussOp) -> None:
    b, layout = self.b, _layout(op)
    b.store(self.value(op.operand(0)), _address(self, layout.gauss, ("nprandom", "gauss")))
    b.store(lir.Constant(_I32, 1), _address(self, layout.has_gauss, ("nprandom", "has_gauss")))


@_lowers(RandomCallOp)
def _random_call(self: _FunctionLowering, op: RandomCallOp) -> lir.Value:
    b = self.b
    args = [self.value(v) for v in op.args]
    fnty = lir.FunctionType(value_type(op.result.type), [_PTR, *(a.type for a in args)])
    function = _address(self, _distribution(op), ("distribution", op.function), _FunctionPointer(fnty))
    return b.call(function, [_bitgen(self, op), *args])


@_lowers(GeneratorOp)
def _generator(self: _FunctionLowering, op: GeneratorOp) -> lir.Value:
    """The ``bitgen_t`` of the registered Generator (which the registry keeps alive)."""
    generator = target(op.attributes["object"])
    refs = self.module.refs
    symbol = refs.add(generator.bit_generator.ctypes.bit_generator.value, None, generator,
                      f"the np.random.Generator {op.attributes['object']}")
    return refs.load(self.b, symbol)


def random_streams(module: Module) -> set[str]:
    """The streams the module's functions draw from (``numpy``, ``generator``)."""
    return {op.attributes["stream"] for func in module for op in func.walk() if isinstance(op, DrawOp)}


@_guards_entries(random_streams)
def guarded_call(module: _ModuleLowering, b: lir.IRBuilder, errargs: lir.Value, streams: set[str],
                 call: Callable[[], lir.Value]) -> lir.Value:
    """The entry's call of a function that draws: with the GIL held, as NumPy's
    scalar draws hold it, and -- for NumPy's global generator -- its bit
    generator's lock too, as NumPy holds it (its ``size=`` fills release the GIL
    but not the lock).  The lock is reentrant: Python code the function calls
    back may draw on the same thread.  ``acquire`` can raise (an interrupt while
    waiting): the function then stops with that exception before it runs."""
    gil = b.call(_capi(module, "PyGILState_Ensure", _I32, []), [])
    release_gil = _capi(module, "PyGILState_Release", lir.VoidType(), [_I32])
    call_method = _capi(module, "PyObject_CallNoArgs", _PTR, [_PTR])
    decref = _capi(module, "Py_DecRef", lir.VoidType(), [_PTR])
    if "numpy" in streams:
        acquire, release = legacy_lock()
        acquired = b.call(call_method, [_object(module, b, acquire, ("nprandom", "lock.acquire"))])
        with b.if_then(b.icmp_unsigned("==", acquired, lir.Constant(_PTR, None)), likely=False):
            _fetch_exception(module, b, errargs)
            b.call(release_gil, [gil])
            b.ret(lir.Constant(_STATUS, PYTHON_EXCEPTION))
        b.call(decref, [acquired])
    status = call()
    if "numpy" in streams:
        b.call(decref, [b.call(call_method, [_object(module, b, release, ("nprandom", "lock.release"))])])   # cannot fail: this thread holds it
    b.call(release_gil, [gil])
    return status
