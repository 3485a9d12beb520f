"""``compile(static=...)``: specialisation on argument values, ``explain()`` and the churn warning."""
import re
import warnings

import numpy as np
import pytest

from compiler import SpecializationWarning, compile
from compiler.dispatcher import RESPECIALIZATION_LIMIT


def powers(x, n):
    s = 0.0
    for i in range(n):
        s += x ** i
    return s


def by_mode(a, mode="fast", scale=(1.0, 2.0)):
    if mode == "fast":
        return a * scale[0]
    if mode is None:
        return a
    return a * scale[1] + len(mode)


def counter(x, n):
    return x + n


@pytest.mark.parametrize("opt", (0, 3))
def test_results_equal_cpython(opt):
    f = compile(powers, opt=opt, static=("n",))
    for x, n in [(2.0, 3), (1.5, 0), (-2.0, 5), (3, 2)]:
        got, want = f(x, n), powers(x, n)
        assert got == want and type(got) is type(want)
    g = compile(by_mode, opt=opt, static=("mode", "scale"))
    a = np.arange(4.0)
    for kwargs in [{}, {"mode": "slow"}, {"mode": None}, {"mode": "slow", "scale": (3.0, 4.0)}]:
        assert np.array_equal(g(a, **kwargs), by_mode(a, **kwargs))


def test_one_specialization_per_value():
    f = compile(powers, static="n")
    for n in (3, 3, 4, 3, 4):
        f(2.0, n)
    assert len(f.explain()) == 2
    f(2, 3)      # another type of x
    with pytest.raises(TypeError):  # equal to 3, but a float: range() refuses it, as CPython does
        f(2.0, 3.0)
    with pytest.raises(TypeError):
        powers(2.0, 3.0)
    assert [record.arguments for record in f.explain()] == [
        (("x", "Python float"), ("n", "static 3")), (("x", "Python float"), ("n", "static 4")),
        (("x", "Python int"), ("n", "static 3"))]


def test_the_loop_over_a_static_range_unrolls():
    f = compile(powers, static=("n",))
    f(2.0, 3)
    optimized = f.inspect_ir(stage="optimized")
    assert "for " not in optimized and len(re.findall(r"= pow ", optimized)) == 3
    assert "func @powers(%x: f64)" in f.inspect_ir()   # n is no parameter
    g = compile(powers)
    g(2.0, 3)
    assert "for " in g.inspect_ir(stage="optimized")


def test_a_static_string_picks_code_at_trace_time():
    g = compile(by_mode, static=("mode", "scale"))
    a = np.ones(3)
    g(a, "fast")
    fast = g.inspect_ir()
    g(a, "slow")
    slow = g.inspect_ir()
    assert "if " not in fast and "if " not in slow and fast != slow


def test_explain():
    f = compile(by_mode, static=("mode", "scale"))
    assert str(f.explain()) == "no specialisation made yet"
    a = np.ones(3)
    f(a)
    f(a, "slow")
    f(np.ones(3, np.float32), "slow")
    f(a, "slow")
    f(np.ones((2, 2)), "fast", (1, 2))
    text = str(f.explain())
    assert text == (
        "1. by_mode(a: f64[::1], mode: static 'fast', scale: static (1.0, 2.0)): the first call\n"
        "2. by_mode(a: f64[::1], mode: static 'slow', scale: static (1.0, 2.0)): static value of 'mode' changed: "
        "static 'slow' (before: static 'fast')\n"
        "3. by_mode(a: f32[::1], mode: static 'slow', scale: static (1.0, 2.0)): type of 'a' changed: f32[::1] "
        "(before: f64[::1])\n"
        "4. by_mode(a: f64[:, ::1], mode: static 'fast', scale: static (1, 2)): type of 'a' changed: "
        "f64[:, ::1] (before: f64[::1]); static value of 'scale' changed: static (1, 2) (before: static (1.0, 2.0))")


def test_explain_without_static_arguments():
    f = compile(counter)
    f(1, 2)
    f(1.0, 2)
    f.compile("f64(f64, f64)")
    reasons = [record.reason for record in f.explain()]
    assert reasons == ["the first call", "type of 'x' changed: Python float (before: Python int)",
                       "compiled for the signature f64(f64, f64)"]


def test_the_churn_warning_is_issued_once():
    f = compile(counter, static=("n",))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for n in range(RESPECIALIZATION_LIMIT):
            f(1.0, n)
    with pytest.warns(SpecializationWarning) as caught:
        f(1.0, RESPECIALIZATION_LIMIT)
    message = str(caught[0].message)
    assert message.startswith(f"counter() has been specialised {RESPECIALIZATION_LIMIT + 1} times (more than "
                              f"{RESPECIALIZATION_LIMIT})")
    assert f"'n' ({RESPECIALIZATION_LIMIT + 1}: static 0, static 1, static 2, static 3, ...)" in message
    assert "'x'" not in message
    assert caught[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f(1.0, 100)
        f(2, 101)


def test_an_unhashable_static_value_is_a_type_error():
    f = compile(by_mode, static=("mode", "scale"))
    with pytest.raises(TypeError, match=r"by_mode\(\): static argument 'scale' must be hashable \(a number, "
                                        r"string, tuple or None\), not list"):
        f(np.ones(2), "fast", [1.0, 2.0])
    with pytest.raises(TypeError, match="static argument 'scale' must be hashable"):
        f(np.ones(2), "fast", ([1.0], 2.0))


def test_refused_uses():
    with pytest.raises(TypeError, match=r"compile\(static=...\): powers\(\) has no parameter 'm'"):
        compile(powers, static=("m",))
    f = compile(powers, static="n")
    with pytest.raises(TypeError, match="has static arguments"):
        f.compile("f64(f64, i64)")


def test_static_functions_never_take_a_native_path():
    f = compile(counter, static=("n",))
    for _ in range(3):
        assert f(1.0, 1) == 2.0 and f(1.0, 2) == 3.0
    assert not f._native
