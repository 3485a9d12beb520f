"""The IR: types, values, ops, regions, builder, verifier, printer, parser,
the op interfaces passes ask (:mod:`ir.interfaces`) and the rewriter with its
pattern driver (:mod:`ir.rewriting`).

This package imports nothing else of the project, so tools can build,
print, parse and verify IR without the frontend or the backend.

Its modules are layered: each imports only modules below it, at module level
(``tests/test_layers.py`` checks this).  From the bottom: ``diagnostics`` and
``types``; ``dtypes`` and ``core``; ``builder``, ``clone`` and the ops (in
:mod:`ir.ops`, ``arith`` above ``array`` and ``tuple``, whose ops it allows
in cleanup regions, and ``func``, ``runtime`` and ``vector`` above
``arith``); ``interfaces`` above ``core``, ``rewriting`` above it;
``printer``; ``module``, whose ``str`` is the printer's; and ``parser`` and
``verifier`` on top.
"""
from .builder import Builder
from .core import (
    Block, BlockArgument, Commutative, ConstantLike, HasSideEffects, IsolatedFromAbove,
    MayRaise, Operation, OpResult, Pure, ReadsMemory, Region, Terminator, Trait, Value,
    WritesMemory,
)
from .diagnostics import CompileError, Location, TypingError, UnsupportedError, VerificationError
from .module import Module
from .parser import IRParseError, parse_function, parse_module, parse_type
from .printer import print_function, print_module
from .ops import *  # noqa: F401,F403
from .ops import OP_REGISTRY, register_op
from .types import *  # noqa: F401,F403
from .verifier import verify, verify_function
