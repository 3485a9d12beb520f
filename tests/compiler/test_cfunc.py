"""``compiler.cfunc``: C callbacks, through ctypes, SciPy's ``LowLevelCallable`` and a C thread."""
import ctypes
import math
import sys

import numpy as np
import pytest

import ir
from compiler import CFunc, carray, cfunc, farray
from compiler.signatures import SignatureError, parse_signature
from ir.parser import parse_type
from ir.types import PointerType, f64

from . import cfunc_kernels as k

scipy = pytest.importorskip("scipy")
from scipy import integrate, ndimage  # noqa: E402


@pytest.fixture
def unraisable(monkeypatch):
    """What ``sys.unraisablehook`` was given (the callbacks' reported exceptions)."""
    seen = []
    monkeypatch.setattr(sys, "unraisablehook", lambda report: seen.append((report.exc_value, repr(report.object))))
    return seen


# ----------------------------------------------------------------- the object
def test_address_ctypes_name_and_python_call():
    f = cfunc("f64(f64)")(k.gaussian)
    assert isinstance(f, CFunc)
    assert f.llvm_name == f.native_name and "gaussian" in f.llvm_name
    assert f.address == ctypes.cast(f.ctypes, ctypes.c_void_p).value
    assert f.ctypes.restype is ctypes.c_double and f.ctypes.argtypes == (ctypes.c_double,)
    assert f(0.5) == k.gaussian(0.5) == f.ctypes(0.5)
    assert f.py_func is k.gaussian and f.__name__ == "gaussian"
    assert "f64(f64)" in repr(f)


def test_plain_ctypes_callback_from_c():
    """The address is a C function: ``qsort`` calls a comparison compiled from Python."""
    compare = cfunc("i32(i64*, i64*)")(k.compare)
    libc = ctypes.CDLL(None)
    values = (ctypes.c_int64 * 6)(5, -2, 9, 0, 3, 3)
    libc.qsort.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_void_p]
    libc.qsort(values, 6, 8, compare.address)
    assert list(values) == [-2, 0, 3, 3, 5, 9]


def test_integer_and_bool_signatures():
    add = cfunc("i32(i32, i32)")(k.add_ints)
    assert add(2, 3) == 5 == add.ctypes(2, 3)
    assert add.ctypes.restype is ctypes.c_int32
    positive = cfunc("bool(f64)")(k.is_positive)
    assert positive(2.0) is True and positive(-1.0) is False
    assert positive.ctypes(2.0) is True
    small = cfunc("int8(int8, int8)")(k.add_ints)
    assert small(100, 100) == -56     # ints wrap, as compiled ints do
    numba_names = cfunc("intc(intc, intc)")(k.add_ints)
    assert numba_names.ctypes.restype is ctypes.c_int32


# ----------------------------------------------------------------- SciPy
def test_quad_equals_the_python_integrand():
    f = cfunc("f64(f64)")(k.gaussian)
    compiled = integrate.quad(scipy.LowLevelCallable(f.ctypes), -2.0, 3.0)
    python = integrate.quad(k.gaussian, -2.0, 3.0)
    assert compiled == python


def test_quad_with_user_data():
    f = cfunc("f64(f64, voidptr)")(k.with_user_data)
    data = np.array([2.0, 1.0])
    callback = scipy.LowLevelCallable(f.ctypes, data.ctypes.data_as(ctypes.c_void_p))
    assert integrate.quad(callback, 0.0, 1.0) == integrate.quad(lambda x: 2.0 * x + 1.0, 0.0, 1.0)


@pytest.mark.parametrize("kernel", [k.plane, k.plane_direct])
def test_nquad(kernel):
    f = cfunc("f64(i32, f64*)")(kernel)
    assert f.ctypes.argtypes == (ctypes.c_int32, ctypes.POINTER(ctypes.c_double))
    ranges = [[0.0, 1.0], [0.0, 2.0]]
    compiled = integrate.nquad(scipy.LowLevelCallable(f.ctypes), ranges)
    python = integrate.nquad(lambda x, y: math.exp(-x * x) * (1.0 + y), ranges)
    assert compiled[0] == pytest.approx(python[0], rel=1e-12)
    assert f(2, np.array([0.5, 1.0])) == math.exp(-0.25) * 2.0


def test_generic_filter():
    f = cfunc("intc(f64*, intp, f64*, voidptr)")(k.ptp_filter)
    image = np.random.default_rng(0).random((7, 9))
    compiled = ndimage.generic_filter(image, scipy.LowLevelCallable(f.ctypes), size=3)
    assert np.array_equal(compiled, ndimage.generic_filter(image, np.ptp, size=3))


# ----------------------------------------------------------------- carray / farray
def test_carray_2d_writes_the_callers_memory():
    f = cfunc("void(f64*, f64*, i32, i32)")(k.double_matrix)
    src = np.arange(12.0).reshape(3, 4)
    dst = np.zeros((3, 4))
    assert f(src, dst, 3, 4) is None
    assert np.array_equal(dst, 2 * src)
    dst[:] = 0
    f.ctypes(src.ctypes.data_as(ctypes.POINTER(ctypes.c_double)), dst.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
             3, 4)
    assert np.array_equal(dst, 2 * src)


def test_farray_is_fortran_order():
    f = cfunc("void(f64*, f64*, i64, i64)")(k.fortran_matrix)
    src = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    dst = np.zeros((2, 3))
    f(src.ravel(order="F"), dst, 2, 3)
    assert np.array_equal(dst, src)


def test_int_pointer():
    f = cfunc("i64(i64*, i64)")(k.sum_ints)
    assert f(np.arange(10), 10) == 45


def test_carray_and_farray_in_python():
    a = np.arange(6.0)
    p = a.ctypes.data_as(ctypes.POINTER(ctypes.c_double))
    assert np.array_equal(carray(p, (2, 3)), a.reshape(2, 3))
    assert np.array_equal(farray(p, (2, 3)), a.reshape(2, 3, order="F"))
    assert np.array_equal(carray(a.ctypes.data, 6, np.float64), a)
    carray(p, 6)[0] = 42.0
    assert a[0] == 42.0
    with pytest.raises(TypeError, match="needs the dtype"):
        carray(a.ctypes.data, 6)
    with pytest.raises(ValueError, match="negative"):
        carray(p, -1)


# ----------------------------------------------------------------- errors in the callback
def test_exception_in_callback_is_unraisable_and_returns_nan(unraisable):
    f = cfunc("f64(f64)")(k.raises_above_one)
    assert f.ctypes(0.5) == 0.5 and not unraisable
    assert math.isnan(f.ctypes(2.0))
    (exc, obj), = unraisable
    assert isinstance(exc, ValueError) and str(exc) == "x is too big"
    assert "raises_above_one" in obj
    assert exc.__traceback__ is not None and "cfunc_kernels.py" in repr(_frames(exc))
    with pytest.raises(ValueError, match="x is too big"):   # a Python call raises it
        f(2.0)


def _frames(exc):
    tb, frames = exc.__traceback__, []
    while tb is not None:
        frames.append((tb.tb_frame.f_code.co_filename, tb.tb_lineno))
        tb = tb.tb_next
    return frames


def test_error_result(unraisable):
    f = cfunc("i64(i64, i64)", error_result=-1)(k.int_division)
    assert f.ctypes(7, 2) == 3
    assert f.ctypes(7, 0) == -1
    assert isinstance(unraisable[0][0], ZeroDivisionError)
    default = cfunc("i64(i64, i64)")(k.int_division)
    assert default.ctypes(7, 0) == 0
    with pytest.raises(ZeroDivisionError):
        default(7, 0)


def test_index_out_of_bounds_in_callback(unraisable):
    f = cfunc("f64(i32, f64*)")(k.out_of_bounds)
    x = np.arange(3.0)
    assert math.isnan(f.ctypes(3, x.ctypes.data_as(ctypes.POINTER(ctypes.c_double))))
    assert isinstance(unraisable[0][0], IndexError)
    with pytest.raises(IndexError, match="out of bounds"):
        f(3, x)


def test_run_time_negative_shape(unraisable):
    f = cfunc("f64(i64, f64*)")(k.negative_shape)
    with pytest.raises(ValueError, match="negative dimensions"):
        f(3, np.zeros(3))


def test_generic_filter_stops_on_an_error(unraisable):
    f = cfunc("intc(f64*, intp, f64*, voidptr)")(k.filter_out_of_bounds)
    with pytest.raises(RuntimeError):
        ndimage.generic_filter(np.ones((4, 4)), scipy.LowLevelCallable(f.ctypes), size=3)
    assert unraisable and isinstance(unraisable[0][0], IndexError)


def test_called_from_a_c_thread_without_the_gil(unraisable):
    """``pthread_create`` runs the callback on a thread Python never saw; its error path takes the GIL."""
    f = cfunc("i64(voidptr)")(k.thread_worker)
    libc = ctypes.CDLL(None)
    libc.pthread_create.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    libc.pthread_join.argtypes = [ctypes.c_ulong, ctypes.c_void_p]
    for first, reported in ((1.5, 0), (-1.0, 1)):
        data = np.array([first, 2.0, 0.0])
        thread = ctypes.c_ulong()
        assert libc.pthread_create(ctypes.byref(thread), None, f.address, data.ctypes.data) == 0
        assert libc.pthread_join(thread, None) == 0     # ctypes releases the GIL while it waits
        assert len(unraisable) == reported
    assert data[2] == 0.0 and isinstance(unraisable[0][0], ValueError)
    data = np.array([1.5, 2.0, 0.0])
    libc.pthread_create(ctypes.byref(thread), None, f.address, data.ctypes.data)
    libc.pthread_join(thread, None)
    assert data[2] == 3.5


# ----------------------------------------------------------------- bad input
@pytest.mark.parametrize("signature, match", [
    ("c128(f64)", "the result is c128"),
    ("f64(c128)", "complex numbers are not passed by value"),
    ("f64(f64[:])", "declare f64\\* and view it with carray"),
    ("f64(f64**)", "pointer to a pointer"),
    ("f64*(f64)", "the result is f64\\*"),
    ("(f64)", "names its result"),
    ("f64(f64, f64)", "2 argument"),
    ("f64(str)", "takes numbers"),
])
def test_unsupported_signatures(signature, match):
    with pytest.raises(TypeError, match=match) as info:
        cfunc(signature)(k.gaussian)
    assert isinstance(info.value, ir.CompileError) and info.value.loc.file.endswith("cfunc_kernels.py")


def test_bad_signature_text_and_options():
    with pytest.raises(SignatureError, match="unknown type"):
        cfunc("f64(float65)")(k.gaussian)
    with pytest.raises(SignatureError, match="write Numba's CPointer"):
        cfunc("f64(i32, CPointer(f64))")(k.plane)
    with pytest.raises(TypeError, match="needs the C signature"):
        cfunc(k.gaussian)
    with pytest.raises(TypeError, match="unexpected keyword argument 'parallel'"):
        cfunc("f64(f64)", parallel=True)
    with pytest.raises(ir.UnsupportedError, match="cache"):
        cfunc("f64(f64)", cache=True)
    with pytest.raises(TypeError, match="give a float"):
        cfunc("f64(f64)", error_result="x")(k.gaussian)
    with pytest.raises(TypeError, match="give an int in"):
        cfunc("i32(i32, i32)", error_result=2 ** 40)(k.add_ints)


def test_pointers_only_in_cfunc_signatures():
    from compiler import compile

    with pytest.raises(SignatureError, match="cfunc signatures only"):
        parse_signature("f64(f64*)")
    with pytest.raises(SignatureError, match="cfunc signatures only"):
        compile("f64(f64*)")(k.gaussian)
    assert parse_signature("f64(i32, f64*)", pointers=True).args[1] == PointerType(f64)
    assert str(parse_signature("intc(voidptr)", pointers=True)) == "i32(voidptr)"
    assert parse_type("ptr<f64>") == PointerType(f64) and parse_type("ptr<void>") == PointerType(None)


@pytest.mark.parametrize("kernel, signature, cls, match", [
    (k.constant_negative_shape, "f64(f64*)", TypeError, "negative dimensions are not allowed"),
    (k.float_shape, "f64(f64*)", TypeError, "the shape is an int or a tuple of ints"),
    (k.voidptr_without_dtype, "f64(voidptr)", TypeError, "needs the element type"),
    (k.wrong_dtype, "f64(f64*)", TypeError, "points to f64, not i32"),
    (k.not_a_pointer, "f64(f64)", TypeError, "views a C pointer"),
    (k.pointer_arithmetic, "f64(f64*)", TypeError, "view it as an array with carray"),
    (k.negative_pointer_index, "f64(f64*)", TypeError, "is negative"),
])
def test_bad_carray_use_is_a_located_compile_error(kernel, signature, cls, match):
    with pytest.raises(cls, match=match) as info:
        cfunc(signature)(kernel)
    assert isinstance(info.value, ir.CompileError)
    assert info.value.loc is not None and info.value.loc.file.endswith("cfunc_kernels.py")


def test_bad_python_arguments():
    f = cfunc("f64(i32, f64*)")(k.plane)
    with pytest.raises(TypeError, match="takes 2 arguments"):
        f(1)
    with pytest.raises(TypeError, match="not an array of int64"):
        f(2, np.arange(2))
    with pytest.raises(TypeError, match="pass a NumPy array"):
        f(2, "text")
