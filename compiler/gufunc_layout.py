"""The layout string of a generalized ufunc: ``"(m,n),(n)->(m)"``.

NumPy's grammar (``numpy.lib`` calls it the gufunc signature): a comma-separated
list of operands before ``->`` (the inputs) and after it (the outputs), each a
parenthesized list of core dimensions, each a name or a fixed size (``3``).
Dimensions are numbered in the order of their first appearance -- the order of
``dimensions[1:]`` that NumPy passes to the inner loop -- and the core steps of
the operands follow the ``nargs`` outer steps in operand order, one per core
dimension of each.

Decisions: NumPy's flexible dimensions (``n?``, as ``matmul`` has) and broadcastable
ones (``n|1``) are refused (a :class:`LayoutError` naming them); an operand
without dimensions is ``()``; whitespace is ignored.  NumPy parses the
string again when it makes the ufunc, so both always agree on a string read here.
"""
from __future__ import annotations

import re

from ir.records import record

__all__ = ["Layout", "LayoutError", "parse_layout"]

_OPERAND = re.compile(r"\(([^()]*)\)")
_DIMENSION = re.compile(r"[A-Za-z_][A-Za-z_0-9]*|[0-9]+")


class LayoutError(ValueError):
    """A layout string that cannot be read."""


@record(frozen=True)
class Layout:
    """The core dimensions of each operand, by name, inputs first."""

    inputs: tuple[tuple[str, ...], ...]
    outputs: tuple[tuple[str, ...], ...]

    @property
    def operands(self) -> tuple[tuple[str, ...], ...]:
        return self.inputs + self.outputs

    @property
    def dimensions(self) -> tuple[str, ...]:
        """The distinct core dimensions in the order of their first appearance."""
        return tuple(dict.fromkeys(name for operand in self.operands for name in operand))

    def dimension_indices(self, operand: int) -> tuple[int, ...]:
        """Where operand ``operand``'s core dimensions are in ``dimensions[1:]``."""
        order = self.dimensions
        return tuple(order.index(name) for name in self.operands[operand])

    def step_offset(self, operand: int) -> int:
        """Where operand ``operand``'s core steps start after the outer steps."""
        return sum(len(dims) for dims in self.operands[:operand])

    def __str__(self) -> str:
        def side(operands: tuple[tuple[str, ...], ...]) -> str:
            return ",".join(f"({','.join(dims)})" for dims in operands)
        return f"{side(self.inputs)}->{side(self.outputs)}"


def parse_layout(text: str) -> Layout:
    """Read a layout string (see the module docstring); :class:`LayoutError` if it is malformed."""
    if not isinstance(text, str):
        raise LayoutError(f"a gufunc layout is a string such as '(n),()->(n)', not {text!r}")
    compact = "".join(text.split())
    if compact.count("->") != 1:
        raise LayoutError(f"the gufunc layout {text!r} needs one '->' between its inputs and outputs, "
                          "as in '(n),()->(n)'")
    inputs, outputs = (_side(part, text) for part in compact.split("->"))
    if not outputs:
        raise LayoutError(f"the gufunc layout {text!r} has no output: write one after '->', as in '(n)->()'")
    return Layout(inputs, outputs)


def _side(part: str, text: str) -> tuple[tuple[str, ...], ...]:
    operands, position = [], 0
    while position < len(part):
        if operands:
            if part[position] != ",":
                raise LayoutError(f"cannot read the gufunc layout {text!r} at {part[position:]!r}: operands "
                                  "are separated by commas, as in '(m,n),(n)->(m)'")
            position += 1
        match = _OPERAND.match(part, position)
        if match is None:
            raise LayoutError(f"cannot read the gufunc layout {text!r} at {part[position:]!r}: each operand "
                              "is a parenthesized list of dimensions, as in '(m,n)' or '()'")
        dims = tuple(match.group(1).split(",")) if match.group(1) else ()
        for name in dims:
            if _DIMENSION.fullmatch(name) is None:
                raise LayoutError(f"the gufunc layout {text!r} has the dimension {name!r}: a dimension is a name "
                                  "or a size (flexible 'n?' and broadcastable 'n|1' dimensions are not supported)")
        operands.append(dims)
        position = match.end()
    return tuple(operands)
