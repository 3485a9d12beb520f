"""The compiler: ties the frontend, the IR and the runtime together.

    from compiler import compile

    @compile
    def f(x, n): ...

A tool that embeds the compiler -- builds IR itself, registers passes of its
own -- uses a :class:`Compiler` instance (``compiler.instance``; an example:
``examples/embedding.py``).
"""
import functools

from .dispatcher import Dispatcher, Explanation, Specialization, SpecializationWarning, compile
from .instance import Compiler
from .pipeline import CompiledFunction, CompileOptions, compile_function
from .signatures import Signature, SignatureError, as_type, parse_signature
from .ufuncs import guvectorize, vectorize
from .cfunc import CFunc, carray, cfunc, farray
from runtime.threads import get_num_threads, set_num_threads


def prange(*args):
    """``range``, whose trips run at once on several threads in a ``for`` loop of a function
    compiled with ``parallel=True`` (what such a loop may do: ``compiler.passes.parallel``);
    in other compiled functions and outside compiled code it is ``range``."""
    return range(*args)


prange.__pyjit_prange__ = True


def trace_pure(fn):
    """Declare ``fn`` pure (same result for the same arguments, no side effects): compiled
    code then calls it while tracing, on constant arguments, instead of refusing it.
    Returns ``fn``, so it also works as a decorator.  See ``frontend.purity``."""
    from frontend.purity import mark_pure

    return mark_pure(fn)


def py_call(fn, result_type, *args):
    """Call the Python function ``fn(*args)`` from compiled code, each time the code gets
    there, with the GIL held (TensorFlow's ``tf.py_function``, JAX's ``pure_callback``,
    Numba's ``objmode``): for what has no compiled form (``scipy.special``, logging).

    ``result_type`` declares what comes back: ``None`` (the result is discarded), a
    signature name (``"f64"``, ``"i32"``, ``"bool"``, an array ``"f64[:]"``), a Python
    type (``float``, ``int``, ``bool``, ``complex``: the value is a Python number in
    the compiled code) or a NumPy type (``np.float32``: a NumPy scalar).  Arrays are
    passed as read-only NumPy views of the compiled code's memory, valid during the
    call only: ``fn`` may not write them (NumPy raises ``ValueError``), and must copy
    one it keeps.  An array result is copied into a new array.  A result that does not
    convert raises ``TypeError`` naming ``fn`` and the declared type; an exception
    raised by ``fn`` leaves the compiled function with its type and message.  The
    conversions are those of ``frontend.runtime_calls.py_call``.

    Outside compiled code this simply returns ``fn(*args)``."""
    return fn(*args)


@functools.cache
def register_py_call() -> None:
    """Make the frontend trace calls of :func:`py_call`, and give it the runtime's functions of
    arrays stored in containers (done before the first trace, not on ``import compiler``,
    which loads neither the frontend nor NumPy)."""
    from frontend.pycall import install_array_memory
    from frontend.runtime_calls import stage_py_call
    from runtime.memory import array_parts, stored_array

    stage_py_call(py_call, as_type)
    install_array_memory(stored_array, array_parts)


__all__ = ["compile", "Compiler", "Dispatcher", "CompiledFunction", "CompileOptions", "compile_function",
           "Signature", "SignatureError", "parse_signature", "trace_pure", "py_call", "SpecializationWarning",
           "Specialization", "Explanation", "vectorize", "guvectorize", "cfunc", "carray", "farray", "CFunc"]
