"""The compiler: ties the frontend, the IR and the runtime together.

    from compiler import compile

    @compile
    def f(x, n): ...

A tool that embeds the compiler -- builds IR itself, registers passes of its
own -- uses a :class:`Compiler` instance (``compiler.instance``; an example:
``examples/embedding.py``).
"""
from .dispatcher import Dispatcher, compile
from .instance import Compiler
from .pipeline import CompiledFunction, CompileOptions, compile_function
from .signatures import Signature, SignatureError, parse_signature


def trace_pure(fn):
    """Declare ``fn`` pure (same result for the same arguments, no side effects): compiled
    code then calls it while tracing, on constant arguments, instead of refusing it.
    Returns ``fn``, so it also works as a decorator.  See ``frontend.purity``."""
    from frontend.purity import mark_pure

    return mark_pure(fn)


__all__ = ["compile", "Compiler", "Dispatcher", "CompiledFunction", "CompileOptions", "compile_function",
           "Signature", "SignatureError", "parse_signature", "trace_pure"]
