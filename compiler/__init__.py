"""The compiler: ties the frontend, the IR and the runtime together.

    from compiler import compile

    @compile
    def f(x, n): ...
"""
from .dispatcher import Dispatcher, compile
from .pipeline import CompiledFunction, CompileOptions, compile_function
from .signatures import Signature, SignatureError, parse_signature

__all__ = ["compile", "Dispatcher", "CompiledFunction", "CompileOptions", "compile_function",
           "Signature", "SignatureError", "parse_signature"]
