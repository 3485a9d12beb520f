"""Compiled functions pickle by reference (``compiler.pickling``), in one process."""
from __future__ import annotations

import copy
import pickle
import weakref

import numpy as np
import pytest

from compiler import compile, pickling
from compiler.dispatcher import Dispatcher

from . import kernels


@pytest.fixture
def forget(monkeypatch):
    """``forget()``: from now on, as in a worker, no compiled function made by or pickled in
    this process (restored after the test)."""
    def forget():
        monkeypatch.setattr(pickling, "_made", {})
        monkeypatch.setattr(pickling, "_pickled", weakref.WeakValueDictionary())
    return forget


@pytest.mark.parametrize("name", ["smooth", "total", "power", "scaled", "collatz_fast", "collatz_o0", "rel_diff",
                                  "hypot2", "shift"])
def test_round_trip_gives_the_same_object(name):
    obj = getattr(kernels, name)
    assert pickle.loads(pickle.dumps(obj)) is obj


def test_a_copy_pickles_as_the_original_and_copies_still_work():
    duplicate = copy.copy(kernels.total)
    assert duplicate is not kernels.total and isinstance(duplicate, Dispatcher)
    assert pickle.loads(pickle.dumps(duplicate)) is kernels.total
    a = np.arange(4.0)
    assert duplicate(a) == kernels.total.py_func(a)


def test_the_reference_carries_options_static_names_and_signatures():
    load, (module, qualname, spec) = kernels.power.__reduce__()
    assert (module, qualname) == ("tests.workers.kernels", "power")
    spec = dict(spec)
    assert spec["options"]["opt"] == 2 and spec["options"]["boundscheck"] is True
    assert "registry" not in spec["options"]
    assert spec["signatures"] == ("f64(f64, i64)",)
    assert dict(kernels.scaled.__reduce__()[1][2])["static"] == ("mode",)


def test_a_plain_function_under_the_name_is_compiled_with_the_pickled_options(forget):
    data, other = pickle.dumps(kernels.collatz_o0), pickle.dumps(kernels.collatz_fast)
    assert pickle.loads(data) is kernels.collatz_o0   # in the process that pickled it
    forget()
    made = pickle.loads(data)
    assert isinstance(made, Dispatcher) and made is not kernels.collatz_o0
    assert made.py_func is kernels.collatz
    assert made.options == kernels.collatz_o0.options
    assert pickle.loads(data) is made   # one per function and options: not compiled again
    other = pickle.loads(other)
    assert other is not made and other.options.opt == 3
    assert made(27) == other(27) == kernels.collatz(27) == 111


def test_explicit_signatures_are_compiled_on_the_other_side(forget, monkeypatch):
    fast_power = compile("f8(f8, i8)", opt=1)(kernels.power.py_func)
    monkeypatch.setattr(kernels, "power", kernels.power.py_func)   # the name holds the plain function
    data = pickle.dumps(fast_power)
    forget()
    made = pickle.loads(data)
    assert made is not fast_power and [str(s) for s in made.signatures] == ["f64(f64, i64)"]
    assert made(2.0, 10) == 1024.0


def test_other_options_under_the_name_are_an_error_when_unpickling(monkeypatch):
    data = pickle.dumps(kernels.total)
    monkeypatch.setattr(kernels, "total", compile(kernels.total.py_func))
    with pytest.raises(pickle.UnpicklingError, match=r"tests\.workers\.kernels\.total: it is compiled with other "
                       r"options in this process \(boundscheck=True here, False pickled, error_model='python' here, "
                       r"'numpy' pickled\); both processes must run the same code"):
        pickle.loads(data)


def test_another_compiled_function_of_the_name_is_an_error_when_pickling():
    with pytest.raises(pickle.PicklingError, match=r"kernels\.total is another compiled function of the same "
                       r"Python function, with other options \(.*error_model='numpy' there, 'python' pickled"):
        pickle.dumps(compile(kernels.total.py_func))


def test_lambdas_and_nested_functions_cannot_be_pickled():
    with pytest.raises(pickle.PicklingError, match="it is a lambda, which has no name to be found by in another "
                       "process; define it at the top level of a module"):
        pickle.dumps(compile(lambda x: x + 1))

    def outer():
        @compile
        def inner(x):
            return x + 1
        return inner

    with pytest.raises(pickle.PicklingError, match=r"outer\.<locals>\.inner: it is defined inside a function, so "
                       "no other process can find it by name; define it at the top level"):
        pickle.dumps(outer())


def test_a_name_that_is_gone_cannot_be_pickled(monkeypatch):
    collatz = compile(kernels.collatz)
    monkeypatch.delattr(kernels, "collatz")
    with pytest.raises(pickle.PicklingError, match=r"it is not found as tests\.workers\.kernels\.collatz"):
        pickle.dumps(collatz)


def test_a_name_that_is_gone_cannot_be_unpickled(monkeypatch):
    data = pickle.dumps(kernels.smooth)
    monkeypatch.delattr(kernels, "smooth")
    with pytest.raises(pickle.UnpicklingError, match=r"cannot unpickle the compiled function "
                       r"tests\.workers\.kernels\.smooth: .*Define and compile it at the top level of a module"):
        pickle.loads(data)


def test_specializations_pickle_as_their_dispatcher_and_key():
    compiled = kernels.power.compile("f8(f8, i8)")
    assert pickle.loads(pickle.dumps(compiled)) is compiled
    kernels.scaled(np.ones(2), "double")
    static = next(c for k, c in kernels.scaled._compiled.items() if k[1][1] == (str, "double"))
    assert pickle.loads(pickle.dumps(static)) is static


def test_a_specialization_is_compiled_on_the_other_side(forget):
    compiled = kernels.collatz_o0.compile("i8(i8)")
    data = pickle.dumps(compiled)
    forget()
    made = pickle.loads(data)
    assert made is not compiled and made.arg_types == compiled.arg_types and made([27]) == 111
    assert made in pickle.loads(pickle.dumps(kernels.collatz_o0))._compiled.values()


def test_a_specialization_for_numpy_scalars_keeps_its_key(forget):
    kernels.collatz_o0(np.int64(27))
    key, compiled = next((k, c) for k, c in kernels.collatz_o0._compiled.items() if k[0][1] is False)
    data = pickle.dumps(compiled)
    forget()
    made = pickle.loads(data)
    owner = pickle.loads(pickle.dumps(kernels.collatz_o0))
    assert made is not compiled and owner._compiled[key] is made and made([np.int64(27)]) == 111
    assert owner.explain()[-1].reason == "unpickled: a specialisation pickled in another process"


def test_a_specialization_of_a_compiled_function_found_nowhere_cannot_be_pickled():
    compiled = compile(kernels.collatz, opt=1).compile("i8(i8)")
    with pytest.raises(pickle.PicklingError, match=r"cannot pickle the specialisation i64\(i64\) of collatz: the compiled "
                       "function it belongs to is not found at the top level of its module"):
        pickle.dumps(compiled)


def test_a_specialization_for_a_function_argument_cannot_be_pickled():
    kernels.apply(np.sin, 1.0)
    compiled = next(iter(kernels.apply._compiled.values()))
    with pytest.raises(pickle.PicklingError, match="for a function argument: the function is a constant of its "
                       "code; pickle the compiled function apply itself"):
        pickle.dumps(compiled)


def test_a_lazy_vectorize_made_of_a_plain_function_keeps_its_options(forget, monkeypatch):
    from compiler import vectorize

    lazy = vectorize(identity=0, error_model="numpy")(kernels.rel_diff.pyfunc)
    monkeypatch.setattr(kernels, "rel_diff", kernels.rel_diff.pyfunc)   # the name holds the plain function
    data = pickle.dumps(lazy)
    assert pickle.loads(data) is lazy
    forget()
    made = pickle.loads(data)
    assert made is not lazy and pickle.loads(data) is made
    assert (made.identity, made.options, made.parallel) == (0, lazy.options, False)
    x, y = np.linspace(-1, 1, 7), np.linspace(2, 3, 7)
    np.testing.assert_array_equal(made(x, y), np.abs(x - y) / (np.abs(x) + np.abs(y) + 1.0))


def test_an_eager_ufunc_not_under_its_name_cannot_be_pickled(monkeypatch):
    ufunc = kernels.hypot2
    monkeypatch.setattr(kernels, "hypot2", None)
    with pytest.raises(pickle.PicklingError, match="hypot2"):
        pickle.dumps(ufunc)


def test_a_compiler_instance_with_its_own_passes_needs_the_name(monkeypatch):
    from compiler import Compiler

    with pytest.raises(pickle.PicklingError, match=r"compiled by a compiler\.Compiler instance with passes of its "
                       r"own, .* so that tests\.workers\.kernels\.collatz is the compiled function"):
        pickle.dumps(Compiler(opt=1).compile(kernels.collatz))
    mine = Compiler(opt=1).compile(kernels.collatz)
    monkeypatch.setattr(kernels, "collatz", mine)
    assert pickle.loads(pickle.dumps(mine)) is mine
