"""The frontend: Python source -> converted function -> traced IR.

    from frontend import trace
    module, entry = trace(py_function, [ir.i64, ir.f64])

``trace`` converts the function (AutoGraph-style, see ``frontend.convert``),
calls the converted function with symbolic arguments of the given types,
and returns the IR module holding it and every function it calls.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from ir import FuncOp, Module, Type

from .context import activate
from .convert import convert
from .tracer import Tracer


def trace(pyfunc: Callable, arg_types: Sequence[Type], result_type: Type | None = None,
          boundscheck: bool = True, weak: Sequence[bool] | None = None,
          error_model: str = "python", constants: dict[int, Any] | None = None) -> tuple[Module, FuncOp]:
    """Trace ``pyfunc`` for arguments of ``arg_types`` into a new module.

    With ``result_type`` the returned value is converted to that type;
    ``boundscheck=False`` leaves out the array index checks; ``weak[i]`` marks
    argument ``i`` as a Python scalar (NumPy 2's weak promotion); ``error_model="numpy"``
    gives NumPy's results for division and modulo by zero instead of ``ZeroDivisionError``;
    ``constants[i]`` makes argument ``i`` that Python value, a constant of the trace.
    """
    tracer = Tracer(boundscheck, error_model)
    with activate(tracer):
        entry = tracer.trace_entry(pyfunc, list(arg_types), result_type, weak, constants)
    tracer.module.entry = entry.sym_name
    return tracer.module, entry


def converted_source(pyfunc: Callable) -> str:
    """The converted (AutoGraph-style) source of ``pyfunc``."""
    return convert(pyfunc).source


__all__ = ["trace", "converted_source"]
