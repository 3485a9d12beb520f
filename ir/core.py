"""SSA values, operations, blocks and regions.

The IR is SSA with structured control flow (in the spirit of MLIR's ``scf``):
a region holds exactly one block; a block has typed arguments and a list of
operations; operations that own regions (``if``, ``for``, ``while``, ``func``)
end each region with a terminator.  Values a branch or loop changes are op
results and block arguments, never memory.

Every value keeps the list of its uses, so ``replace_all_uses_with`` and
"has no uses" are O(uses).
"""
from __future__ import annotations

from functools import lru_cache
from itertools import chain
from typing import Any, ClassVar, Iterator, Sequence

from .diagnostics import Location, VerificationError
from .types import Type


# ----------------------------------------------------------------- traits
class Trait:
    """Marker base for op traits.  Passes ask traits, never op names."""


class Pure(Trait):
    """No side effects and no reads of mutable memory: may be removed when
    unused, moved, or merged with an identical op."""


class ReadsMemory(Trait):
    """Reads memory that a ``WritesMemory`` op may change."""


class WritesMemory(Trait):
    """Writes memory: must stay, in order with other memory effects."""


class MayRaise(Trait):
    """May end the function with a Python exception: must stay, in order."""


class Terminator(Trait):
    """Ends its block."""


class Commutative(Trait):
    """Binary op whose operands may be swapped."""


class ConstantLike(Trait):
    """Produces a constant given by its ``value`` attribute."""


class IsolatedFromAbove(Trait):
    """Regions may not use values defined outside the op."""


class HasSideEffects(Trait):
    """Unknown side effects (e.g. a call): keeps its place."""


# ----------------------------------------------------------------- values
class Value:
    """An SSA value: the result of an op or the argument of a block."""

    __slots__ = ("type", "name_hint", "uses")

    def __init__(self, type: Type, name_hint: str | None = None):
        self.type = type
        self.name_hint = name_hint
        self.uses: list[tuple[Operation, int]] = []

    @property
    def owner(self) -> "Operation | Block":
        raise NotImplementedError

    @property
    def has_uses(self) -> bool:
        return bool(self.uses)

    def replace_all_uses_with(self, other: "Value") -> None:
        for op, index in list(self.uses):
            op.set_operand(index, other)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name_hint or '?'}: {self.type}>"


class OpResult(Value):
    __slots__ = ("op", "index")

    def __init__(self, op: "Operation", index: int, type: Type, name_hint: str | None = None):
        super().__init__(type, name_hint)
        self.op = op
        self.index = index

    @property
    def owner(self) -> "Operation":
        return self.op


class BlockArgument(Value):
    __slots__ = ("block", "index")

    def __init__(self, block: "Block", index: int, type: Type, name_hint: str | None = None):
        super().__init__(type, name_hint)
        self.block = block
        self.index = index

    @property
    def owner(self) -> "Block":
        return self.block


# ----------------------------------------------------------------- blocks and regions
class Block:
    """A list of operations with typed arguments."""

    def __init__(self, arg_types: Sequence[Type] = (), arg_names: Sequence[str | None] | None = None):
        names = list(arg_names) if arg_names is not None else [None] * len(arg_types)
        self.args: list[BlockArgument] = [
            BlockArgument(self, i, t, n) for i, (t, n) in enumerate(zip(arg_types, names))
        ]
        self.ops: list[Operation] = []
        self.parent: Region | None = None

    def add_arg(self, type: Type, name: str | None = None) -> BlockArgument:
        arg = BlockArgument(self, len(self.args), type, name)
        self.args.append(arg)
        return arg

    def erase_arg(self, index: int) -> None:
        arg = self.args[index]
        if arg.uses:
            raise VerificationError(f"cannot erase block argument {index}: it still has uses")
        del self.args[index]
        for i, a in enumerate(self.args):
            a.index = i

    def append(self, op: "Operation") -> "Operation":
        return self.insert(len(self.ops), op)

    def insert(self, index: int, op: "Operation") -> "Operation":
        if op.parent is not None:
            raise VerificationError(f"op '{op.name}' is already in a block")
        self.ops.insert(index, op)
        op.parent = self
        return op

    def take_ops(self) -> "list[Operation]":
        """Remove every op from the block and return them in order, keeping their
        operands and uses: a pass that inserts ops all over a block rebuilds it by
        appending in one sweep (inserting before each op would be quadratic)."""
        ops, self.ops = self.ops, []
        for op in ops:
            op.parent = None
        return ops

    def index_of(self, op: "Operation") -> int:
        """The position of ``op`` (a linear search, done in C: ops compare by identity)."""
        try:
            return self.ops.index(op)
        except ValueError:
            raise ValueError("op is not in this block") from None

    @property
    def terminator(self) -> "Operation | None":
        if self.ops and self.ops[-1].has_trait(Terminator):
            return self.ops[-1]
        return None

    @property
    def parent_op(self) -> "Operation | None":
        return self.parent.parent if self.parent is not None else None

    def walk(self) -> Iterator["Operation"]:
        """Every op of this block and the ops nested in them, in program order (as
        :meth:`Operation.walk`)."""
        return _walk(chain.from_iterable(list(block.ops) for block in (self,)))   # its ops as the walk starts

    def free_values(self) -> "list[Value]":
        """The values this block (with the regions nested in it) uses that are defined
        outside it, in first-use order: what code outlined from it must be given."""
        inside: set[Value] = set(self.args)
        found: dict[Value, None] = {}
        for op in self.walk():
            for v in op.operands:
                if v not in inside:
                    found[v] = None
            inside.update(op.results)
            for region in op.regions:
                inside.update(region.block.args)
        return list(found)


def _walk(ops: Iterator["Operation"]) -> Iterator["Operation"]:
    """``ops`` and, after each, the ops nested in its regions, depth first, with a stack of
    iterators instead of a generator per level (a nested op passes through no chain of
    generators: walks run in every pass, and this takes 0.5 us an op where nested ``yield
    from`` took 0.9)."""
    stack = [ops]
    while stack:
        op = next(stack[-1], None)
        if op is None:
            stack.pop()
            continue
        yield op
        if op.regions:
            stack.append(_nested_ops(op))


def _nested_ops(op: "Operation") -> Iterator["Operation"]:
    """The ops of ``op``'s regions, each region's taken when the walk reaches it."""
    return chain.from_iterable(list(region.block.ops) for region in op.regions)


class Region:
    """A region holds exactly one block (structured control flow)."""

    def __init__(self, block: Block | None = None):
        self.block = block if block is not None else Block()
        self.block.parent = self
        self.parent: Operation | None = None

    def walk(self) -> Iterator["Operation"]:
        return self.block.walk()


# ----------------------------------------------------------------- operations
class Operation:
    """Base of all ops.  Subclasses declare ``name`` and ``traits``, build
    themselves in ``__init__`` through :meth:`_setup`, and check their own
    rules in :meth:`verify_`."""

    name: ClassVar[str] = ""
    traits: ClassVar[frozenset[type[Trait]]] = frozenset()
    #: keywords printed before the 2nd, 3rd... region (``else``, ``do``)
    region_keywords: ClassVar[tuple[str, ...]] = ()

    def _setup(
        self,
        operands: Sequence[Value] = (),
        result_types: Sequence[Type] = (),
        attributes: dict[str, Any] | None = None,
        regions: Sequence[Region] = (),
        loc: Location | None = None,
        result_names: Sequence[str | None] | None = None,
    ) -> None:
        self._operands: list[Value] = []
        self.parent: Block | None = None
        self.loc = loc
        self.attributes: dict[str, Any] = dict(attributes or {})
        names = list(result_names) if result_names is not None else [None] * len(result_types)
        self.results: list[OpResult] = [
            OpResult(self, i, t, n) for i, (t, n) in enumerate(zip(result_types, names))
        ]
        self.regions: list[Region] = []
        for r in regions:
            self.add_region(r)
        for v in operands:
            self.add_operand(v)

    # -- construction from parsed text: every op class supports this
    @classmethod
    def create(
        cls,
        operands: Sequence[Value],
        result_types: Sequence[Type],
        attributes: dict[str, Any],
        regions: Sequence[Region],
        loc: Location | None = None,
    ) -> "Operation":
        op = cls.__new__(cls)
        op._setup(operands, result_types, attributes, regions, loc)
        return op

    # -- operands
    @property
    def operands(self) -> tuple[Value, ...]:
        return tuple(self._operands)

    def operand(self, index: int) -> Value:
        return self._operands[index]

    def add_operand(self, value: Value) -> None:
        if not isinstance(value, Value):
            raise VerificationError(f"operand of '{self.name}' is not an IR value: {value!r}")
        self._operands.append(value)
        value.uses.append((self, len(self._operands) - 1))

    def set_operand(self, index: int, value: Value) -> None:
        old = self._operands[index]
        old.uses.remove((self, index))
        self._operands[index] = value
        value.uses.append((self, index))

    def set_operands(self, values: Sequence[Value]) -> None:
        self.drop_operands()
        for v in values:
            self.add_operand(v)

    def drop_operands(self) -> None:
        for i, v in enumerate(self._operands):
            v.uses.remove((self, i))
        self._operands = []

    # -- results
    @property
    def result(self) -> OpResult:
        if len(self.results) != 1:
            raise VerificationError(f"op '{self.name}' has {len(self.results)} results, not 1")
        return self.results[0]

    def add_result(self, type: Type, name: str | None = None) -> OpResult:
        result = OpResult(self, len(self.results), type, name)
        self.results.append(result)
        return result

    def erase_result(self, index: int) -> None:
        if self.results[index].uses:
            raise VerificationError(f"cannot erase result {index} of '{self.name}': it has uses")
        del self.results[index]
        for i, r in enumerate(self.results):
            r.index = i

    # -- regions
    def add_region(self, region: Region) -> Region:
        region.parent = self
        self.regions.append(region)
        return region

    # -- traits and structure
    @classmethod
    def has_trait(cls, trait: type[Trait]) -> bool:
        """Whether the op has ``trait`` or a refinement of it (``Allocates`` is ``MayRaise``)."""
        return _has_trait(cls, cls.traits, trait)

    @property
    def is_pure(self) -> bool:
        return Pure in self.traits

    @property
    def parent_op(self) -> "Operation | None":
        return self.parent.parent_op if self.parent is not None else None

    def walk(self) -> Iterator["Operation"]:
        """This op, then every op nested in its regions, in program order.  Each block's ops
        are taken as they are when the walk reaches the block, so the caller may change ops
        it has been given (erase them, add ops after them)."""
        return _walk(iter((self,)))

    def is_ancestor_of(self, other: "Operation") -> bool:
        op: Operation | None = other
        while op is not None:
            if op is self:
                return True
            op = op.parent_op
        return False

    # -- mutation
    def detach(self) -> "Operation":
        """Remove from its block, keeping operands and uses."""
        if self.parent is not None:
            self.parent.ops.remove(self)
            self.parent = None
        return self

    def erase(self) -> None:
        """Remove from its block and drop all operand uses (recursively)."""
        for r in self.results:
            if r.uses:
                raise VerificationError(f"cannot erase '{self.name}': result {r.index} still has uses")
        self.detach()
        self._drop_all_references()

    def _drop_all_references(self) -> None:
        for region in self.regions:
            for op in region.block.ops:
                op._drop_all_references()
        self.drop_operands()

    def move_before(self, other: "Operation") -> None:
        self.detach()
        block = other.parent
        assert block is not None
        block.insert(block.index_of(other), self)

    # -- verification
    def verify_(self) -> None:
        """Op-specific rules; raise :class:`VerificationError` via :meth:`fail`."""

    def fail(self, message: str) -> None:
        raise VerificationError(f"'{self.name}' op: {message}")

    def __repr__(self) -> str:
        return f"<op {self.name} at {self.loc}>"


@lru_cache(maxsize=None)
def _has_trait(cls: type, traits: frozenset, trait: type) -> bool:
    """``has_trait``, remembered per op class (and its traits, should a tool change them)."""
    return any(issubclass(t, trait) for t in traits)
