"""``ir.records.record`` behaves as ``dataclasses.dataclass`` with the same options."""
import copy
import dataclasses
import math
import pickle

import pytest

from ir.records import record


@record(frozen=True, slots=True)
class Point:
    x: int
    y: float = 0.5
    label: str = dataclasses.field(default="", compare=False)


@record(frozen=True)
class Tagged:
    value: float


@record
class Box:
    items: list = dataclasses.field(default_factory=list)
    count: int = 0

    def __post_init__(self):
        self.count = len(self.items)


@record(frozen=True, eq=False)
class Identity:
    name: str


def test_fields_defaults_and_dataclass_functions():
    p = Point(1)
    assert (p.x, p.y, p.label) == (1, 0.5, "")
    assert [f.name for f in dataclasses.fields(Point)] == ["x", "y", "label"]
    assert dataclasses.is_dataclass(p)
    assert dataclasses.replace(p, y=2.0) == Point(1, 2.0)
    assert Point(y=3.0, x=2) == Point(2, 3.0)
    with pytest.raises(TypeError):
        Point()
    assert repr(p) == "Point(x=1, y=0.5, label='')"


def test_equality_and_hash_follow_the_compared_fields():
    assert Point(1, 2.0, "a") == Point(1, 2.0, "b")
    assert hash(Point(1, 2.0, "a")) == hash(Point(1, 2.0, "b"))
    assert Point(1) != Point(2)
    assert Point(1) != (1, 0.5)
    nan = math.nan
    assert Tagged(nan) == Tagged(nan)      # one field compared in a tuple: NaN is itself, as dataclass
    assert len({Tagged(1.0), Tagged(1.0), Tagged(2.0)}) == 2
    assert Identity("a") != Identity("a")
    with pytest.raises(TypeError):
        hash(Box())


def test_frozen_refuses_assignment_and_deletion():
    p = Tagged(1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.value = 2.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        del p.value
    with pytest.raises((dataclasses.FrozenInstanceError, AttributeError)):
        Point(1).z = 3


def test_factories_post_init_and_copies():
    a, b = Box(), Box([1, 2])
    a.items.append(1)
    assert Box().items == [] and b.count == 2
    for p in (Point(1, 2.0, "x"), Tagged(3.0)):
        assert pickle.loads(pickle.dumps(p)) == p
        assert copy.deepcopy(p) == p
