"""Random numbers, print, clocks and other calls run when the compiled code runs, never
while it is traced; what cannot run faithfully is refused (issue: no silent wrong answers)."""
import contextlib
import io
import math
import random
import sys

import numpy as np
import pytest

from compiler import compile, trace_pure
from ir import UnsupportedError
from tests.e2e import runtime_kernels as k

OPTS = (0, 3)


def seeded(fn, *args, seed=1234):
    """``fn(*args)`` after seeding NumPy's and Python's global generators."""
    np.random.seed(seed)
    random.seed(seed)
    return fn(*args)


def assert_same(got, want):
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            assert_same(g, w)
    elif isinstance(want, np.ndarray):
        assert isinstance(got, np.ndarray) and got.dtype == want.dtype and got.shape == want.shape
        assert np.array_equal(got, want), (got, want)
    else:
        assert got == want and type(got) in (type(want), float, int), (got, want)


# ------------------------------------------------------------- equal to CPython's draws
DRAWING = [
    (k.monte_carlo_pi, (20_000,)), (k.random_walk, (50,)), (k.random_arrays, (5,)), (k.normal_arrays, (7,)),
    (k.scalar_draws, (300,)), (k.uniform_exponential_randint, (6,)), (k.choices, (np.arange(10.0), 6)),
    (k.shuffled, (np.arange(25),)), (k.shuffled, (np.arange(3.0)[::-1].copy(),)),
    (k.permutations, (12, np.linspace(0.0, 1.0, 9))), (k.called_back, (4.0, 20, 0.3)),
    (k.counts, (3.5, 20, 0.25, 40)), (k.counts, (250.0, 4000, 0.4, 30)), (k.counts, (12.0, 90, 0.6, 30)),
    (k.python_random, (40,)), (k.seeded_inside, (99,)), (k.python_seeded, (5,)),
]


@pytest.mark.parametrize("opt", OPTS)
@pytest.mark.parametrize("fn, args", DRAWING, ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(DRAWING)])
def test_seeded_draws_equal_cpythons(fn, args, opt):
    compiled = compile(fn, opt=opt)
    copy = lambda: tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)  # noqa: E731
    want = seeded(fn, *copy())
    assert_same(seeded(compiled, *copy()), want)
    assert_same(seeded(compiled, *copy()), want)                 # reproducible
    assert_same(seeded(compiled, *copy(), seed=9), seeded(fn, *copy(), seed=9))


def test_compiled_and_python_code_share_one_stream():
    compiled = compile(k.two_draws)
    np.random.seed(0)
    first, plain, second = compiled(), np.random.random(), compiled()
    np.random.seed(0)
    assert (first, plain, second) == (k.two_draws(), np.random.random(), k.two_draws())


def test_calls_and_loop_trips_draw_different_values():
    f = compile(k.two_draws)
    a, b = f()
    c, d = f()
    assert len({a, b, c, d}) == 4
    walk = compile(k.random_walk)(100)
    assert len(set(np.diff(walk))) == 99          # a straight line would repeat one step
    assert 2.5 < compile(k.monte_carlo_pi)(200_000) < 3.8


def test_the_gauss_kept_by_python_is_used_by_compiled_code_and_back():
    f = compile(k.normal_arrays)
    np.random.seed(3)
    np.random.standard_normal()                    # leaves the second deviate kept
    got = f(3)
    after = np.random.standard_normal()
    np.random.seed(3)
    np.random.standard_normal()
    assert_same(got, k.normal_arrays(3))
    assert after == np.random.standard_normal()


def test_seed_inside_compiled_code_seeds_numpy():
    f = compile(k.seeded_inside)
    assert f(42) == k.seeded_inside(42)
    assert np.random.random() == (np.random.seed(42), np.random.random(), np.random.random())[2]


@pytest.mark.parametrize("opt", OPTS)
def test_a_generator_argument_draws_what_python_draws_and_advances_the_same(opt):
    f = compile(k.generator_draws, opt=opt)
    mine, theirs = np.random.default_rng(11), np.random.default_rng(11)
    assert_same(f(mine, 40), k.generator_draws(theirs, 40))
    assert mine.random() == theirs.random()                         # the state moved as far
    other = np.random.default_rng(np.random.PCG64DXSM(5))         # another bit generator, same code
    assert_same(f(other, 5), k.generator_draws(np.random.default_rng(np.random.PCG64DXSM(5)), 5))


@pytest.mark.parametrize("fn, args", [
    (k.generator_normal, (-1.0,)), (k.generator_uniform, (2.0, 1.0)), (k.generator_uniform, (-1e308, 1e308)),
    (k.generator_integers, (3, 3)), (k.generator_integers, (0, 0)),
])
def test_generator_arguments_are_checked_as_numpy_checks_them(fn, args):
    with pytest.raises(Exception) as want:
        fn(np.random.default_rng(0), *args)
    with pytest.raises(type(want.value)) as got:
        compile(fn)(np.random.default_rng(0), *args)
    assert str(got.value).startswith(str(want.value)), (got.value, want.value)


def test_a_generator_in_a_global_variable_is_drawn_from_in_place():
    f = compile(k.global_generator)
    state = k.GLOBAL_RNG.bit_generator.state
    got = f(20)
    after = k.GLOBAL_RNG.random()
    k.GLOBAL_RNG.bit_generator.state = state
    assert_same(got, k.global_generator(20))
    assert after == k.GLOBAL_RNG.random()
    with pytest.raises(UnsupportedError, match="Generator.gamma"):
        compile(k.global_generator_gamma)()


def test_generator_draws_of_other_dtypes_are_refused():
    with pytest.raises(UnsupportedError, match="float64"):
        compile(k.generator_float32)(np.random.default_rng(0))


def test_compiled_draws_hold_numpys_lock_and_give_it_back():
    lock = np.random.mtrand._rand._bit_generator.lock
    seen = []

    class Probe(io.StringIO):
        def write(self, text):
            seen.append(lock._is_owned())
            return super().write(text)

    f = compile(k.draw_and_print)
    with contextlib.redirect_stdout(Probe()):
        f(3)
    assert seen and all(seen) and not lock._is_owned()
    assert lock.acquire(blocking=False)
    lock.release()


def test_compiled_draws_and_numpy_fills_on_other_threads_do_not_corrupt_the_generator():
    """NumPy's size= fills release the GIL but hold the lock; compiled draws take it too."""
    import threading

    f = compile(k.draw_many_uniform)
    f(10)
    errors = []

    def numpy_fills():
        try:
            for _ in range(30):
                x = np.random.random(200_000)
                assert 0.0 <= x.min() and x.max() < 1.0
        except BaseException as err:  # noqa: BLE001 -- reported below
            errors.append(err)

    threads = [threading.Thread(target=numpy_fills) for _ in range(2)]
    for t in threads:
        t.start()
    totals = [f(100_000) for _ in range(30)]
    for t in threads:
        t.join()
    assert not errors and all(40_000 < t < 60_000 for t in totals)
    np.random.seed(1)
    assert f(5) == (np.random.seed(1), k.draw_many_uniform(5))[1]     # the state is still whole


# ------------------------------------------------------------- statistics at a fixed seed
def _ks(sample, cdf) -> float:
    x = np.sort(sample)
    n = len(x)
    c = np.array([cdf(v) for v in x])
    return max(np.max(np.arange(1, n + 1) / n - c), np.max(c - np.arange(n) / n))


def _normal_cdf(mu, sigma):
    return lambda v: 0.5 * (1.0 + math.erf((v - mu) / (sigma * math.sqrt(2.0))))


STATISTICS = [
    ("random", 0.5, 1 / 12, lambda v: v),
    ("uniform", 3.5, 0.75, lambda v: (v - 2.0) / 3.0),
    ("randn", 0.0, 1.0, _normal_cdf(0.0, 1.0)),
    ("normal", 1.0, 4.0, _normal_cdf(1.0, 2.0)),
    ("exponential", 2.0, 4.0, lambda v: 1.0 - math.exp(-v / 2.0)),
    ("randint", 4.5, 8.25, None),
    ("poisson", 30.0, 30.0, None),
    ("binomial", 60.0, 42.0, None),
]


def _poisson_pmf(lam):
    return [math.exp(j * math.log(lam) - lam - math.lgamma(j + 1)) for j in range(int(3 * lam))]


def _binomial_pmf(n, p):
    return [math.comb(n, j) * p ** j * (1 - p) ** (n - j) for j in range(n + 1)]


@pytest.mark.parametrize("kind, mean, variance, cdf", STATISTICS, ids=[s[0] for s in STATISTICS])
def test_distributions_at_a_fixed_seed(kind, mean, variance, cdf):
    """Scalar draws in a loop and ``size=`` arrays: mean, variance and a KS test (or the
    counts of each value), with tight bounds at a fixed seed."""
    n = 20_000
    scalar, array = compile(k.draw_many), compile(getattr(k, f"{kind}_array"))
    np.random.seed(2024)
    x = scalar(k.KINDS.index(kind), n)
    y = array(n)
    for sample in (x, y):
        assert abs(sample.mean() - mean) < 4 * math.sqrt(variance / n)
        assert abs(sample.var() - variance) < 0.05 * variance
        if cdf is not None:
            assert _ks(sample, cdf) < 1.63 / math.sqrt(n)        # the 1% critical value
        elif kind in ("poisson", "binomial"):
            pmf = _poisson_pmf(30.0) if kind == "poisson" else _binomial_pmf(200, 0.3)
            observed = np.bincount(sample.astype(int), minlength=len(pmf))[:len(pmf)]
            expected = n * np.array(pmf)
            keep = expected > 20
            chi2 = float(((observed[keep] - expected[keep]) ** 2 / expected[keep]).sum())
            assert chi2 < keep.sum() + 4 * math.sqrt(2 * keep.sum())   # far below a 1e-4 tail
        else:
            counts = np.bincount(sample.astype(int), minlength=10)
            assert counts.min() > 0.9 * n / 10 and counts.max() < 1.1 * n / 10


def test_generator_distributions_at_a_fixed_seed():
    n = 20_000
    normal, uniform, integers, standard, unit, sized_integers = compile(k.generator_samples)(
        np.random.default_rng(77), n)
    for sample, cdf in ((normal, _normal_cdf(1.0, 2.0)), (uniform, lambda v: (v - 2.0) / 3.0),
                        (standard, _normal_cdf(0.0, 1.0)), (unit, lambda v: v)):
        assert _ks(sample, cdf) < 1.63 / math.sqrt(n)
    assert abs(normal.mean() - 1.0) < 4 * 2.0 / math.sqrt(n) and abs(normal.var() - 4.0) < 0.2
    for sample in (integers, sized_integers):
        counts = np.bincount(sample.astype(int), minlength=10)
        assert len(counts) == 10 and counts.min() > 0.9 * n / 10 and counts.max() < 1.1 * n / 10


# ------------------------------------------------------------- argument checks, as NumPy's
@pytest.mark.parametrize("fn, args", [
    (k.normal_with_scale, (-1.0,)), (k.normal_with_scale, (-0.0,)), (k.exponential_with_scale, (-2.0,)),
    (k.uniform_range, (-1e308, 1e308)), (k.randint_range, (5, 5)), (k.randint_range, (0, 0)),
    (k.choice_without, (np.arange(3.0), 5)), (k.choice_of, (np.zeros(0), 2)), (k.choice_of_int, (0,)),
    (k.bad_randint, ()), (k.poisson_of, (-1.0,)), (k.poisson_of, (float("nan"),)), (k.poisson_of, (1e19,)),
    (k.binomial_of, (-1, 0.5)), (k.binomial_of, (5, 1.5)), (k.binomial_of, (5, float("nan"))),
])
def test_bad_arguments_raise_numpys_errors(fn, args):
    with pytest.raises(Exception) as want:
        fn(*args)
    with pytest.raises(type(want.value)) as got:
        compile(fn)(*args)
    assert str(got.value).startswith(str(want.value)), (got.value, want.value)


def test_a_nan_scale_is_accepted_as_numpy_accepts_it():
    assert math.isnan(compile(k.normal_with_scale)(float("nan")))


# ------------------------------------------------------------- print
def _outputs(fn, args, capsys):
    """What ``fn(*args)`` writes to stdout and stderr, compiled and under CPython."""
    fn(*args)
    want = capsys.readouterr()
    compiled = compile(fn)
    compiled(*args)
    first = capsys.readouterr()
    compiled(*args)
    second = capsys.readouterr()
    return want, first, second


PRINTING = [
    (k.tick, (3,)), (k.tick, (0,)), (k.print_values, (0.1, 7, True, np.array([0.5, -2.0]))),
    (k.print_in_branches, (np.array([3, 5, 7, 9, 10, 11], np.int32),)),
    (k.print_elements, (np.array([1.5, 2.25], np.float32),)), (k.print_elements, (np.array([True, False]),)),
    (k.print_elements, (np.array([3, 250], np.uint8),)), (k.print_array_results, (4,)),
]


@pytest.mark.parametrize("fn, args", PRINTING, ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(PRINTING)])
def test_print_writes_what_cpython_writes_at_every_call(fn, args, capsys):
    want, first, second = _outputs(fn, args, capsys)
    assert first.out == want.out and second.out == want.out
    assert first.err == want.err and second.err == want.err


def test_print_interleaves_with_python_writes_and_follows_a_replaced_stdout():
    f = compile(k.tick)
    f(0)                                               # compiled while the real stdout is in place
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        print("before")
        f(2)
        sys.stdout.write("middle\n")
        f(1)
        print("after")
    assert buffer.getvalue() == "before\ntick\ntick\nmiddle\ntick\nafter\n"


def test_print_before_an_error_is_written_and_the_error_raised(capsys):
    f = compile(k.print_then_fail)
    with pytest.raises(ZeroDivisionError):
        f(3)
    assert capsys.readouterr().out == "before 3\n"


def test_an_exception_raised_by_print_propagates():
    f = compile(k.tick)

    class Broken(io.StringIO):
        def write(self, text):
            raise OSError("disk full")

    with contextlib.redirect_stdout(Broken()), pytest.raises(OSError, match="disk full"):
        f(1)


def test_print_appears_in_the_ir_as_a_run_time_call():
    f = compile(k.tick)
    f(0)
    assert "py.call" in f.inspect_ir(stage="optimized")


# ------------------------------------------------------------- clocks
def test_clocks_are_read_at_every_call():
    f = compile(k.clock_pair)
    (a, an), (b, bn) = f(), f()
    assert b > a and bn > an and isinstance(an, int)


# ------------------------------------------------------------- refused
@pytest.mark.parametrize("fn, name", [
    (k.reads_input, "input()"), (k.opens_file, "open()"), (k.urandom, "posix.urandom()"),
    (k.getpid, "posix.getpid()"), (k.method_of_object, "Counter.bump()"),
])
def test_calls_not_known_to_be_pure_are_refused_with_their_name(fn, name):
    with pytest.raises(UnsupportedError) as err:
        compile(fn)()
    message = str(err.value)
    assert name in message and "runtime_kernels.py" in message and "trace_pure" in message


@pytest.mark.parametrize("fn, args, what", [
    (k.calls_counter, (), "item of a Python list"), (k.appends_to_global, (), "list.append()"),
    (k.memoizes, (3,), "item of a Python dict"), (k.writes_global_array, (1.5,), "item of a Python ndarray"),
    (k.calls_with_default, (1,), "list.append()"),
])
def test_changing_a_python_container_that_outlives_the_call_is_refused(fn, args, what):
    """CPython changes it at every call; compiled code would change it once, while tracing."""
    with pytest.raises(UnsupportedError) as err:
        compile(fn)(*args)
    assert what in str(err.value) and "exists outside the compiled function" in str(err.value)


def test_containers_the_function_makes_may_change():
    assert compile(k.local_containers)(7) == k.local_containers(7)


def test_trace_pure_lets_a_callable_run_at_trace_time():
    with pytest.raises(UnsupportedError, match="trace_pure"):
        compile(k.pure_constant)()
    trace_pure(k.x_from_library)
    assert compile(k.pure_constant)() == k.pure_constant()


def test_a_user_function_is_compiled_not_evaluated():
    assert compile(k.library_scaling)(2.0) == k.library_scaling(2.0)


def test_choice_of_a_python_list_is_refused_with_the_way_out():
    with pytest.raises(UnsupportedError, match=r"np.array\(...\)"):
        compile(k.choice_of_list)()


def test_size_arrays_of_called_back_distributions_are_refused():
    with pytest.raises(UnsupportedError, match="size"):
        compile(k.gamma_array)(3)
