"""Vectorcall classes (``compiler.vectorcall``) and the dispatcher's calls through them."""
import copy
import ctypes
import gc
import weakref

import pytest

from compiler import CompiledFunction, Dispatcher, compile
from compiler.vectorcall import set_vectorcall, vectorcall_subclass

HAVE_VECTORCALL = 1 << 11


class Base:
    def __call__(self, *args):
        return ("python", args)


def affine(x, y):
    return 2.0 * x + y


def test_a_vectorcall_subclass_behaves_like_its_base_until_a_pointer_is_set():
    cls = vectorcall_subclass(Base, {"tag": 7})
    assert issubclass(cls, Base) and cls.tag == 7 and cls.__flags__ & HAVE_VECTORCALL
    assert cls.__basicsize__ == Base.__basicsize__ + 8
    obj = cls()
    obj.name = "x"
    assert obj.__dict__ == {"name": "x"} and obj(1, 2) == ("python", (1, 2))
    ref = weakref.ref(obj)
    obj.cycle = obj
    del obj
    gc.collect()
    assert ref() is None    # instances are still collected, cycles included


def test_the_pointer_is_what_cpython_calls():
    first = compile(affine)
    assert first(1.0, 2.0) == 4.0 and first(1.0, 2.0) == 4.0     # the native path exists now
    address = first._head.__self__[0].address
    cls = vectorcall_subclass(Base, {})
    obj = cls()
    set_vectorcall(obj, address)          # the native function of affine(f64, f64)
    assert obj(1.5, 1.0) == 4.0           # never reaches Base.__call__
    assert obj(1, 1) == 3                 # another key: the native path's fallback, first's Python path
    set_vectorcall(obj, 0)
    assert obj(1.5, 1.0) == ("python", (1.5, 1.0))


def test_dispatchers_are_called_through_the_pointer(monkeypatch):
    f = compile(affine)
    assert type(f).__flags__ & HAVE_VECTORCALL
    assert f(1.0, 2.0) == 4.0 and f(1.0, 2.0) == 4.0
    offset = type(f)._vectorcall_offset
    assert ctypes.c_void_p.from_address(id(f) + offset).value == f._head.__self__[0].address
    slow = []
    original = CompiledFunction.__call__
    monkeypatch.setattr(CompiledFunction, "__call__", lambda self, args: slow.append(args) or original(self, args))
    type(f).__call__ = Dispatcher.__call__    # the class-level builtin is out of the way: only the pointer is left
    assert f(3.0, 1.0) == 7.0 and slow == []
    assert f(3, 1) == 7 and slow == [(3, 1)]  # another key: the Python path


def test_a_copy_has_its_own_class_and_calls_correctly():
    f = compile(affine)
    assert f(1.0, 2.0) == 4.0 and f(1.0, 2.0) == 4.0
    g = copy.copy(f)
    assert type(g) is not type(f) and isinstance(g, type(f))
    assert g(1.0, 2.0) == 4.0 and g(2, 2) == 6 and f(2, 2) == 6


@pytest.mark.parametrize("args", [(), (1.0,), (1.0, 2.0, 3.0)])
def test_wrong_argument_counts_raise_cpythons_error(args):
    f = compile(affine)
    f(1.0, 2.0), f(1.0, 2.0)
    with pytest.raises(TypeError, match="positional argument"):
        f(*args)
