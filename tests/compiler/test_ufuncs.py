"""``@vectorize``: real NumPy ufuncs of compiled kernels, compared with NumPy's own ufuncs.

Every behaviour of calling the ufunc (broadcasting, ``out=``, ``where=``, casting,
reductions) is NumPy's machinery around our loops, so each test computes the same
thing with a NumPy ufunc and compares; errors raised in kernels must leave the call
as the kernel's exception on every path NumPy takes (one loop call, the iterator,
buffered casting, masks, reductions, threads).
"""
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from compiler import SignatureError, vectorize
from compiler.lazy_ufunc import LazyUFunc
from ir import CompileError, TypingError, UnsupportedError


@vectorize(["i64(i64, i64)", "f32(f32, f32)", "f64(f64, f64)", "c16(c16, c16)"], identity=0)
def add(x, y):
    """Adds its arguments, as np.add."""
    return x + y


@vectorize(["i64(i64, i64)", "f64(f64, f64)"])
def floordiv(x, y):
    return x // y


@vectorize(["b1(f8, f8)"])
def greater(x, y):
    return x > y


@vectorize(["f64(f64)"])
def checked_sqrt(x):
    if x < 0:
        raise ValueError(f"negative input {x}")
    return x ** 0.5


def ints(*shape, low=-50, high=50):
    return np.random.default_rng(len(shape) + sum(shape)).integers(low, high, shape)


def floats(*shape):
    return np.random.default_rng(7 + sum(shape)).standard_normal(shape)


# ----------------------------------------------------------------- what it is
def test_eager_vectorize_is_a_numpy_ufunc_named_after_the_function():
    assert isinstance(add, np.ufunc)
    assert add.__name__ == "add"
    assert "Adds its arguments, as np.add." in add.__doc__
    assert (add.nin, add.nout, add.nargs, add.ntypes) == (2, 1, 3, 4)
    assert add.types == ["ll->l", "ff->f", "dd->d", "DD->D"]
    assert add.identity == 0 and floordiv.identity is None
    assert add.signature is None


def test_numba_style_signatures_and_a_single_signature_string():
    @vectorize("float64(float64, int64)")
    def scale(x, n):
        return x * n

    assert scale.types == ["dl->d"]
    np.testing.assert_array_equal(scale(np.arange(4.0), 3), np.arange(4.0) * 3)


# ----------------------------------------------------------------- broadcasting, out, where
@pytest.mark.parametrize("shapes", [((5,), ()), ((), (5,)), ((3, 1), (1, 4)), ((1, 4), (3, 1)),
                                    ((2, 3, 4), (4,)), ((4,), (2, 3, 4)), ((2, 1, 4), (3, 1)), ((), ())])
def test_broadcasting_in_every_position(shapes):
    x, y = floats(*shapes[0]), floats(*shapes[1]) + 1
    got, want = add(x, y), np.add(x, y)
    assert type(got) is type(want) and np.shape(got) == np.shape(want)
    np.testing.assert_array_equal(got, want)


def test_out_in_place_and_out_tuple():
    x, y = floats(3, 4), floats(4)
    out = np.zeros((3, 4))
    assert add(x, y, out=out) is out
    np.testing.assert_array_equal(out, x + y)
    add(x, y, out=(out,))
    np.testing.assert_array_equal(out, x + y)
    z = x.copy()
    add(z, z, out=z)                                  # operands and output the same memory
    np.testing.assert_array_equal(z, 2 * x)
    w = np.arange(10.0)
    add(w[:-1], w[1:], out=w[1:])                     # overlapping: NumPy copies as for np.add
    v = np.arange(10.0)
    np.add(v[:-1], v[1:], out=v[1:])
    np.testing.assert_array_equal(w, v)


def test_where_with_and_without_broadcast_mask():
    x, y = floats(4, 5), floats(4, 5)
    mask = x > 0
    got, want = np.full((4, 5), -7.0), np.full((4, 5), -7.0)
    add(x, y, out=got, where=mask)
    np.add(x, y, out=want, where=mask)
    np.testing.assert_array_equal(got, want)
    row_mask = np.array([True, False, True, True, False])
    got, want = np.zeros((4, 5)), np.zeros((4, 5))
    add(x, 1.0, out=got, where=row_mask)
    np.add(x, 1.0, out=want, where=row_mask)
    np.testing.assert_array_equal(got, want)


# ----------------------------------------------------------------- dtypes and casting
def test_numpy_picks_the_first_loop_its_inputs_cast_to_safely():
    i8, i32, f4 = np.arange(5, dtype=np.int8), np.arange(5, dtype=np.int32), np.arange(5, dtype=np.float32)
    assert add(i8, i8).dtype == np.int64                  # ll->l is the first safe loop
    assert add(i32, i32).dtype == np.int64
    assert add(f4, f4).dtype == np.float32                # ff->f
    assert add(f4, i32).dtype == np.float64               # int32 does not fit float32 safely
    assert add(f4, 2.5).dtype == np.float32               # a Python float is weak (NEP 50)
    assert add(f4, np.float64(2.5)).dtype == np.float64
    assert add(1j, f4).dtype == np.complex128
    np.testing.assert_array_equal(add(f4, i32), np.add(f4, i32))


def test_dtype_signature_and_casting_keywords_are_numpys():
    x = np.arange(6, dtype=np.int64)
    assert add(x, x, dtype=np.float64).dtype == np.float64
    assert add(x, x, signature=(np.float32, np.float32, np.float32)).dtype == np.float32
    out = np.zeros(6, dtype=np.int32)
    with pytest.raises(TypeError, match="same_kind"):
        add(x + 0.5, x, out=out)                          # float64 -> int32 is not same_kind
    add(x + 0.5, x, out=out, casting="unsafe")
    np.testing.assert_array_equal(out, (2 * x + 0.5).astype(np.int32))


def test_no_loop_for_the_inputs_is_numpys_error():
    with pytest.raises(TypeError, match="not supported for the input types"):
        floordiv(np.arange(3.0), np.arange(3, dtype=np.complex128))
    with pytest.raises(TypeError):
        add(np.array(["a"]), np.array(["b"]))


def test_bool_complex_and_declared_result_types():
    x, y = floats(50), floats(50)
    got = greater(x, y)
    assert got.dtype == np.bool_
    np.testing.assert_array_equal(got, np.greater(x, y))
    z = x + 1j * y
    np.testing.assert_array_equal(add(z, z[::-1]), np.add(z, z[::-1]))

    @vectorize(["f32(f64)", "i16(b1)"])
    def narrowed(x):
        return x * 3

    assert narrowed(np.arange(4.0)).dtype == np.float32
    assert narrowed(np.array([True, False])).tolist() == [3, 0]
    assert narrowed(np.array([True])).dtype == np.int16


def test_kernel_semantics_are_numpy_2s_promotion_inside_the_kernel():
    @vectorize(["f32(f32)"])
    def halve(x):
        return x * 0.5                                    # a float32 times a Python float: float32

    @vectorize(["i8(i8)"])
    def wraps(x):
        return x * 2                                      # int64 wraps, as NumPy's does
    x = np.float32(1) / np.float32(3)
    assert halve(x) == np.float32(x * np.float32(0.5))
    assert wraps(np.array([2 ** 62])).tolist() == (np.array([2 ** 62]) * 2).tolist()


# ----------------------------------------------------------------- reductions, outer, at
def test_reduce_accumulate_reduceat_outer_and_at_match_np_add():
    x = ints(4, 6).astype(np.int64)
    for axis in (0, 1, -1, None, (0, 1)):
        np.testing.assert_array_equal(add.reduce(x, axis=axis), np.add.reduce(x, axis=axis))
    np.testing.assert_array_equal(add.reduce(x, axis=1, keepdims=True), np.add.reduce(x, axis=1, keepdims=True))
    assert add.reduce(x, axis=None, initial=10) == np.add.reduce(x, axis=None, initial=10)
    np.testing.assert_array_equal(add.reduce(x, axis=0, where=x > 0), np.add.reduce(x, axis=0, where=x > 0))
    np.testing.assert_array_equal(add.accumulate(x, axis=1), np.add.accumulate(x, axis=1))
    np.testing.assert_array_equal(add.reduceat(x[0], [0, 2, 3]), np.add.reduceat(x[0], [0, 2, 3]))
    np.testing.assert_array_equal(add.outer(x[0], x[1, :3]), np.add.outer(x[0], x[1, :3]))
    got, want = x[0].copy(), x[0].copy()
    add.at(got, [0, 0, 2], 5)
    np.add.at(want, [0, 0, 2], 5)
    np.testing.assert_array_equal(got, want)
    f = floats(300, 7)
    np.testing.assert_allclose(add.reduce(f[::2].T, axis=1), np.add.reduce(f[::2].T, axis=1), rtol=1e-12)


def test_identity_decides_what_may_be_reduced():
    empty = np.zeros((0,))
    assert add.reduce(empty) == 0                         # identity 0
    with pytest.raises(ValueError, match="identity"):
        floordiv.reduce(np.zeros((0,), dtype=np.int64))   # no identity: as np.maximum
    with pytest.raises(ValueError):
        floordiv.reduce(np.ones((2, 2), dtype=np.int64), axis=(0, 1))

    @vectorize(["i64(i64, i64)"], identity="reorderable")
    def bigger(x, y):
        return x if x > y else y

    x = ints(3, 4)
    assert bigger.reduce(x, axis=(0, 1)) == x.max()
    with pytest.raises(ValueError):
        bigger.reduce(np.zeros((0,), dtype=np.int64))

    @vectorize(["i64(i64, i64)"], identity=1)
    def times(x, y):
        return x * y

    assert times.reduce(np.zeros((0,), dtype=np.int64)) == 1
    assert times.reduce(np.arange(1, 6)) == 120


# ----------------------------------------------------------------- shapes and layouts
def test_zero_size_and_zero_d_inputs():
    assert add(np.zeros((0, 3)), np.zeros(3)).shape == (0, 3)
    assert add(np.zeros(0, dtype=np.float32), np.float32(1)).dtype == np.float32
    got = add(np.array(2.0), np.array(3.0))
    assert type(got) is np.float64 and got == 5.0
    assert type(add(2, 3)) is np.int64
    assert greater(1.0, 2.0) is np.False_
    out = np.zeros(())
    add(np.array(1.5), 2.5, out=out)
    assert out[()] == 4.0


@pytest.mark.parametrize("view", ["reversed", "step", "transposed", "fortran", "column", "broadcast_to"])
def test_non_contiguous_and_fortran_inputs_and_outputs(view):
    base = floats(40, 30)
    make = {
        "reversed": lambda a: a[::-1, ::-1],
        "step": lambda a: a[::3, 1::2],
        "transposed": lambda a: a.T,
        "fortran": np.asfortranarray,
        "column": lambda a: a[:, 5],
        "broadcast_to": lambda a: np.broadcast_to(a[0], (7, 30)),
    }[view]
    x, y = make(base), make(base * 2 + 1)
    np.testing.assert_array_equal(add(x, y), np.add(x, y))
    out = np.asfortranarray(np.zeros(np.shape(x)))
    add(x, y, out=out)
    np.testing.assert_array_equal(out, np.add(x, y))
    np.testing.assert_array_equal(add(x, 1.5), np.add(x, 1.5))
    np.testing.assert_array_equal(add(x, y.astype(np.float32)), np.add(x, y.astype(np.float32)))


def test_big_arrays_every_path():
    """Beyond NumPy's buffer and GIL thresholds: the loop runs without the GIL, in chunks."""
    x, y = floats(300_000), floats(300_000)
    np.testing.assert_array_equal(add(x, y), x + y)
    np.testing.assert_array_equal(add(x[::2], y[1::2]), x[::2] + y[1::2])
    got = add(x.astype(np.float32), y.astype(np.int16))   # int16 fits float32: the ff->f loop
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, np.add(x.astype(np.float32), y.astype(np.int16)))


# ----------------------------------------------------------------- errors raised in the kernel
def _paths(numerator, denominator):
    """One call per way NumPy runs a loop, each meeting the zero in ``denominator``."""
    n, d = numerator, denominator
    return {
        "one loop call": lambda: floordiv(n, d),
        "python scalars": lambda: floordiv(5, 0),
        "0-d arrays": lambda: floordiv(np.array(5), np.array(0)),
        "broadcast": lambda: floordiv(n[:, None], d[None, :]),
        "strided 2-d": lambda: floordiv(n.reshape(-1, 10)[:, ::2], d.reshape(-1, 10)[:, ::2]),
        "buffered casts": lambda: floordiv(n.astype(np.int32), d.astype(np.int16)),
        "where": lambda: floordiv(n, d, out=np.zeros(len(n), dtype=np.int64), where=n > 1),
        "out of another dtype": lambda: floordiv(n, d, out=np.empty(len(n))),
        "reduce": lambda: floordiv.reduce(d[::-1]),
        "reduce 2-d": lambda: floordiv.reduce(d.reshape(-1, 10), axis=0),
        "accumulate": lambda: floordiv.accumulate(d[::-1]),
        "reduceat": lambda: floordiv.reduceat(d[::-1], [0, 3, len(d) - 1]),
        "outer": lambda: floordiv.outer(n[:50], d),
        "at": lambda: floordiv.at(n.copy(), [1, 2, 3], 0),
        "float": lambda: floordiv(1.0, np.zeros(3000)),
    }


@pytest.mark.parametrize("size", [20, 30_000])
@pytest.mark.parametrize("path", list(_paths(np.ones(10, dtype=np.int64), np.ones(10, dtype=np.int64))))
def test_a_kernel_error_leaves_the_call_as_the_kernels_exception(path, size):
    numerator = np.arange(1, size + 1)
    denominator = numerator.copy()
    denominator[size // 2] = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")               # no RuntimeWarning from NumPy on top of it
        with pytest.raises(ZeroDivisionError, match="division( or modulo)? by zero") as caught:
            _paths(numerator, denominator)[path]()
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    np.testing.assert_array_equal(floordiv(numerator, 7), numerator // 7)   # the next call is fine


def test_the_traceback_ends_at_the_kernels_line():
    with pytest.raises(ValueError, match="negative input -2.0") as caught:
        checked_sqrt(np.array([4.0, -2.0, -3.0]))
    assert caught.traceback[-1].name == "checked_sqrt"
    assert "raise ValueError" in str(caught.traceback[-1].statement)


@pytest.mark.parametrize("mode", ["warn", "raise", "ignore"])
def test_errstate_never_replaces_the_kernels_exception(mode):
    """Chunks after the failing one compute nothing: an overflow they would have had does not
    become NumPy's FloatingPointError or warning."""
    @vectorize(["f64(f64)"])
    def huge(v):
        if v == 0:
            raise ValueError("zero")
        return v * 1e308

    values = np.arange(100_000)                       # int64: cast to float64 in buffered chunks
    with np.errstate(all=mode), warnings.catch_warnings():
        warnings.simplefilter("error")
        for operand in (values, values.reshape(1000, 100).T):
            with pytest.raises(ValueError, match="zero"):
                huge(operand)
    with np.errstate(all="raise"), pytest.raises(FloatingPointError, match="overflow"):
        huge(values[1:])                              # NumPy's own check still works without an error


def test_errors_in_threads_stay_in_their_thread():
    x = np.arange(1, 200_001)
    bad = x.copy()
    bad[-1] = 0

    def work(k):
        if k % 3 == 0:
            with pytest.raises(ZeroDivisionError):
                floordiv(x, bad)
            return True
        return bool(np.array_equal(floordiv(x, k + 1), x // (k + 1)))

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(work, range(48)))


# ----------------------------------------------------------------- bad signatures and kernels
def test_bad_signatures_name_the_function_and_what_to_write():
    def f(x, y):
        return x + y

    with pytest.raises(SignatureError, match=r"of f\(\): unknown type 'f9'"):
        vectorize(["f9(f8, f8)"])(f)
    with pytest.raises(TypeError, match=r"has 1 argument\(s\) but f\(\) takes 2"):
        vectorize(["f8(f8)"])(f)
    with pytest.raises(TypingError, match="names scalars"):
        vectorize(["f8(f8[:], f8)"])(f)
    with pytest.raises(TypingError, match="same argument types|argument types"):
        vectorize(["f8(f8, f8)", "f4(f8, f8)"])(f)
    with pytest.raises(TypeError, match="signature is a string"):
        vectorize([3.5])(f)
    with pytest.raises(TypeError, match="signature string or a list"):
        vectorize(42)(f)


def test_non_scalar_and_uncompilable_kernels():
    def pair(x):
        return x, x

    with pytest.raises(TypingError, match=r"pair\(\) returns tuple<f64, f64>: a ufunc kernel"):
        vectorize(["f8(f8)"])(pair)

    def with_block(x):
        with open(x):
            pass
        return x

    with pytest.raises(UnsupportedError, match="with statement") as caught:
        vectorize(["f8(f8)"])(with_block)
    assert any("vectorize kernel with_block() for the signature f64(f64)" in note
               for note in caught.value.__notes__)

    def star(*xs):
        return xs[0]

    with pytest.raises(UnsupportedError, match="positional parameters only"):
        vectorize(["f8(f8)"])(star)
    with pytest.raises(UnsupportedError, match="at least one input"):
        vectorize(["f8()"])(lambda: 1.0)


def test_options():
    def f(x):
        return x

    with pytest.raises(TypeError, match="unexpected keyword argument 'parallel'.*identity, target"):
        vectorize(["f8(f8)"], parallel=True)(f)
    with pytest.raises(UnsupportedError, match="cache=True"):
        vectorize(["f8(f8)"], cache=True)
    with pytest.raises(UnsupportedError, match="target='cuda'"):
        vectorize(["f8(f8)"], target="cuda")
    with pytest.raises(UnsupportedError, match="nopython=False"):
        vectorize(["f8(f8)"], nopython=False)
    with pytest.raises(ValueError, match="identity"):
        vectorize(["f8(f8, f8)"], identity=5)
    assert isinstance(vectorize(["f8(f8)"], nogil=True, fastmath=True, opt=2, boundscheck=False)(f), np.ufunc)


def test_error_model_numpy_gives_numpys_results_for_division_by_zero():
    @vectorize(["i8(i8, i8)", "f8(f8, f8)"], error_model="numpy")
    def divide(x, y):
        return x // y

    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(divide(np.array([1.0, -1.0, 0.0]), 0.0),
                                      np.floor_divide(np.array([1.0, -1.0, 0.0]), 0.0))
        assert divide(np.array([7]), 0).tolist() == [0]


# ----------------------------------------------------------------- lifetime
def test_the_ufunc_keeps_its_loops_alive_and_frees_them_with_it():
    import gc
    import weakref

    from compiler.pipeline import CompileOptions
    from compiler.ufunc_kernels import compile_loop, ufunc_of
    from ir.types import f64

    def twice(x):
        return 2.0 * x

    loop = compile_loop(twice, (f64,), None, CompileOptions())
    alive = weakref.ref(loop)
    ufunc = ufunc_of(twice, [loop], 1, 1)
    del loop
    gc.collect()
    assert alive() is not None
    np.testing.assert_array_equal(ufunc(np.arange(3.0)), [0.0, 2.0, 4.0])
    del ufunc
    gc.collect()
    assert alive() is None


# ----------------------------------------------------------------- lazy
def test_lazy_vectorize_compiles_a_loop_per_new_input_dtypes():
    @vectorize
    def axpy(a, x):
        """a * x + 1"""
        return a * x + 1

    assert isinstance(axpy, LazyUFunc) and axpy.ufunc is None and axpy.types == []
    assert axpy.__name__ == "axpy" and axpy.__doc__ == "a * x + 1"
    x = np.arange(5)
    np.testing.assert_array_equal(axpy(x, 3), x * 3 + 1)
    assert axpy.types == ["ll->l"]
    first = axpy.ufunc
    assert isinstance(first, np.ufunc)
    got = axpy(x.astype(np.float32), 2.0)             # weak Python float: a (f32, f32) loop
    assert got.dtype == np.float32 and axpy.types == ["ll->l", "ff->f"]
    assert axpy(x, 2.5).dtype == np.float64           # int64 with a Python float: float64
    assert axpy.ntypes == 3 and axpy.ufunc is not first
    np.testing.assert_array_equal(first(x, 2), x * 2 + 1)   # an earlier ufunc still works
    axpy(x, 3)
    assert axpy.ntypes == 3                           # nothing new


def test_lazy_orders_loops_so_numpy_picks_the_compiled_one():
    @vectorize()
    def twice(x):
        return x + x

    assert twice(np.arange(3.0)).dtype == np.float64
    assert twice(np.arange(3.0, dtype=np.float32)).dtype == np.float32   # compiled after f64
    assert twice.types == ["f->f", "d->d"]
    assert twice(np.arange(3, dtype=np.int8)).dtype == np.int8
    assert twice.types[0] == "b->b"


def test_lazy_methods_and_add():
    @vectorize(identity=0)
    def plus(x, y):
        return x + y

    x = ints(3, 4)
    np.testing.assert_array_equal(plus.reduce(x, axis=1), x.sum(axis=1))
    np.testing.assert_array_equal(plus.reduce(x, 0, np.float32), x.sum(axis=0).astype(np.float32))
    np.testing.assert_array_equal(plus.accumulate(x[0]), np.cumsum(x[0]))
    np.testing.assert_array_equal(plus.reduceat(x[0], [0, 2]), np.add.reduceat(x[0], [0, 2]))
    np.testing.assert_array_equal(plus.outer(x[0], x[1]), np.add.outer(x[0], x[1]))
    got = x[0].astype(np.float64)
    plus.at(got, [1, 1], 0.5)
    assert got[1] == x[0, 1] + 1.0
    plus.add("c8(c8, c8)")
    assert "FF->F" in plus.types
    with pytest.raises(TypeError, match="takes 2 inputs"):
        plus.add("f8(f8)")


def test_lazy_errors():
    @vectorize
    def inc(x):
        return x + 1

    with pytest.raises(TypeError, match=r"inc\(\) has no loop for the input dtypes \(object\)"):
        inc(np.array([object()]))
    with pytest.raises(TypeError, match="takes from 1 to 2 positional arguments but 0 were given"):
        inc()
    with pytest.raises(ValueError, match="binary"):
        inc.reduce(np.arange(3))

    @vectorize
    def pair(x):
        return (x, x)

    with pytest.raises(TypingError, match="returns tuple"):
        pair(1.0)
    assert pair.types == []


def test_lazy_compiles_once_under_threads():
    @vectorize
    def cube(x):
        return x * x * x

    barrier = threading.Barrier(8)

    def work(k):
        barrier.wait()
        return cube(np.arange(k, k + 5, dtype=np.float32))

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, range(8)))
    assert cube.types == ["f->f"]
    for k, got in enumerate(results):
        np.testing.assert_array_equal(got, np.arange(k, k + 5, dtype=np.float32) ** 3)


def test_compile_errors_are_compile_errors():
    def broken(x):
        return undefined_name + x   # noqa: F821

    with pytest.raises(CompileError):
        vectorize(["f8(f8)"])(broken)


# ----------------------------------------------------------------- target="parallel"
def test_parallel_target_gives_the_same_results_and_the_first_error():
    from compiler import get_num_threads, set_num_threads

    def huber(r, d):
        if abs(r) <= d:
            return 0.5 * r * r
        return d * (abs(r) - 0.5 * d)

    par = vectorize(["f8(f8, f8)", "f4(f4, f4)"], target="parallel")(huber)
    ser = vectorize(["f8(f8, f8)", "f4(f4, f4)"])(huber)
    r = floats(200_001) * 2
    for args in [(r, 1.0), (r[::3], r[1::3]), (r[:100], 1.0), (r.reshape(3, -1).T, 0.5),
                 (r.astype(np.float32), np.float32(1))]:
        np.testing.assert_array_equal(par(*args), ser(*args))
    before = get_num_threads()
    try:
        set_num_threads(1)
        np.testing.assert_array_equal(par(r, 1.0), ser(r, 1.0))
    finally:
        set_num_threads(before)

    @vectorize(["f8(f8)"], target="parallel")
    def checked(v):
        if v >= 150_000 and v % 10_000 == 0:
            raise ValueError(f"bad {v}")
        return v

    with pytest.raises(ValueError, match="bad 150000.0"):      # the first failing element in order
        checked(np.arange(400_000.0))
    np.testing.assert_array_equal(checked(np.arange(1000.0)), np.arange(1000.0))


def test_parallel_lazy_vectorize():
    @vectorize(target="parallel")
    def twice(x):
        return 2 * x

    x = np.arange(100_000)
    np.testing.assert_array_equal(twice(x), 2 * x)
    assert twice.parallel
