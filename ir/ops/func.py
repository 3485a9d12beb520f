"""Functions, calls and returns.

``func @name(%a: T, ...) -> R { ... return %x }`` -- one region whose block
arguments are the parameters.  A function returns exactly one value; a
Python function that returns nothing returns ``none`` and its ``return`` has
no operand; several values travel as one ``tuple``.
"""
from __future__ import annotations

from typing import Sequence

from ..core import (
    Block, HasSideEffects, IsolatedFromAbove, Operation, Region, Terminator, Value,
)
from ..diagnostics import Location
from ..interfaces import OWNS, Global, HasCleanupRegion, Ownership, Raise
from ..types import NoneType, Type
from .arith import verify_cleanup

__all__ = ["FuncOp", "ReturnOp", "CallOp"]


class FuncOp(Operation):
    name = "func"
    traits = frozenset({IsolatedFromAbove})

    def __init__(self, sym_name: str, arg_types: Sequence[Type], result_type: Type,
                 arg_names: Sequence[str | None] | None = None, loc: Location | None = None):
        self._setup([], [], {"sym_name": sym_name, "result_type": result_type},
                    regions=[Region(Block(arg_types, arg_names))], loc=loc)

    @property
    def sym_name(self) -> str:
        return self.attributes["sym_name"]

    @property
    def result_type(self) -> Type:
        return self.attributes["result_type"]

    @result_type.setter
    def result_type(self, t: Type) -> None:
        self.attributes["result_type"] = t

    @property
    def body(self) -> Block:
        return self.regions[0].block

    @property
    def args(self) -> list[Value]:
        return self.body.args

    @property
    def arg_types(self) -> list[Type]:
        return [a.type for a in self.body.args]

    def verify_(self) -> None:
        if not isinstance(self.attributes.get("sym_name"), str):
            self.fail("needs a string 'sym_name'")
        if not isinstance(self.attributes.get("result_type"), Type):
            self.fail(f"@{self.sym_name}: needs a type 'result_type'")
        if len(self.regions) != 1:
            self.fail("expects one region")
        term = self.body.ops[-1] if self.body.ops else None
        if not isinstance(term, ReturnOp):
            self.fail(f"@{self.sym_name}: body must end with 'return'")


class ReturnOp(Operation):
    name = "return"
    traits = frozenset({Terminator})

    def __init__(self, value: Value | None = None, loc: Location | None = None):
        self._setup([] if value is None else [value], [], loc=loc)

    @property
    def value(self) -> Value | None:
        return self.operands[0] if self.operands else None

    def verify_(self) -> None:
        parent = self.parent_op
        if not isinstance(parent, FuncOp):
            self.fail("must end the body of a 'func'")
        rt = parent.result_type
        if isinstance(rt, NoneType):
            if self.operands:
                self.fail(f"@{parent.sym_name} returns none: 'return' takes no operand")
        elif len(self.operands) != 1 or self.operand(0).type != rt:
            got = ", ".join(str(v.type) for v in self.operands) or "nothing"
            self.fail(f"@{parent.sym_name} returns {rt} but 'return' gives {got}")


class CallOp(Operation):
    """``%r = call @callee(%a, %b) : R`` -- no result when ``R`` is ``none``.

    The operands are exactly the callee's arguments.  When the callee ends
    with an error the caller stops too and passes the error on; the op may
    carry one *cleanup* region that runs on that path first, before the
    caller stops -- the ``refcount`` pass puts there an ``array.decref`` of
    every array the caller owns at this point.  The call's own result does
    not exist on that path (and is not visible in the region).  The region
    has no block arguments and no terminator and holds only ``array.decref``
    and ``tuple_get`` ops (see :func:`ir.ops.arith.verify_cleanup`).
    """

    name = "call"
    traits = frozenset({HasSideEffects, HasCleanupRegion})

    def effects(self):
        """The callee may do anything (``Global``) and may end with an error (``Raise``)."""
        return (Global(), Raise())

    def ownership(self, index: int) -> Ownership:
        """The callee returns its result with a reference (+1) for the caller."""
        return OWNS

    def __init__(self, callee: str, args: Sequence[Value], result_type: Type,
                 loc: Location | None = None, name: str | None = None):
        results = [] if isinstance(result_type, NoneType) else [result_type]
        self._setup(args, results, {"callee": callee}, loc=loc, result_names=[name] if results else [])

    @property
    def callee(self) -> str:
        return self.attributes["callee"]

    @property
    def cleanup(self) -> Block | None:
        """The block that runs when the callee ends with an error, if any."""
        return self.regions[0].block if self.regions else None

    def verify_(self) -> None:
        if not isinstance(self.attributes.get("callee"), str):
            self.fail("needs a string 'callee'")
        if len(self.results) > 1:
            self.fail("has at most one result")
        verify_cleanup(self)
