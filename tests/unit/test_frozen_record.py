"""FrozenRecord and MutableRecord behave as the dataclasses they replace on the headless
start-up path."""

from __future__ import annotations

import copy
import pickle
from dataclasses import FrozenInstanceError
from functools import cached_property

import pytest

from tui.core.records import FrozenRecord, MutableRecord


class Point(FrozenRecord):
    """A record with a default, a tuple field and a cached property."""

    x: int
    y: int = 0
    tags: tuple[str, ...] = ()

    @cached_property
    def norm(self) -> int:
        return abs(self.x) + abs(self.y)


class OtherPoint(FrozenRecord):
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()


def test_fields_in_order_with_defaults_positional_and_by_name() -> None:
    assert Point(1) == Point(x=1, y=0, tags=())
    assert Point(1, 2, ("a",)).tags == ("a",)
    assert Point.__match_args__ == ("x", "y", "tags")
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]  # x has no default
    with pytest.raises(TypeError):
        Point(1, z=3)  # type: ignore[call-arg]  # no such field


def test_equality_and_hash_by_class_and_fields() -> None:
    assert Point(1, 2) == Point(1, 2)
    assert hash(Point(1, 2)) == hash(Point(1, 2))
    assert Point(1, 2) != Point(2, 1)
    assert Point(1, 2) != OtherPoint(1, 2)  # same fields, another record
    assert len({Point(1, 2), Point(1, 2), Point(3)}) == 2


def test_assignment_and_deletion_refused() -> None:
    point = Point(1, 2)
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'x'"):
        point.x = 5  # type: ignore[misc]  # frozen
    with pytest.raises(FrozenInstanceError, match="cannot delete field 'y'"):
        del point.y
    assert point == Point(1, 2)


def test_repr_names_every_field() -> None:
    assert repr(Point(1, tags=("a",))) == "Point(x=1, y=0, tags=('a',))"


def test_cached_property_pickle_and_copy() -> None:
    point = Point(-3, 4)
    assert point.norm == 7
    assert pickle.loads(pickle.dumps(point)) == point
    assert copy.deepcopy(point) == point
    assert copy.deepcopy(point).norm == 7


def test_a_mutable_default_or_a_default_before_a_required_field_is_refused() -> None:
    with pytest.raises(ValueError, match="mutable default"):

        class Shared(FrozenRecord):
            items: list[int] = []  # the mistake under test

    with pytest.raises(TypeError, match="without a default follows one"):

        class Misordered(FrozenRecord):
            a: int = 0
            b: int  # type: ignore[misc]  # the mistake under test


def test_replace_copies_with_changes_and_checks_names() -> None:
    point = Point(1, 2, ("a",))
    assert point.replace(y=5) == Point(1, 5, ("a",))
    assert point == Point(1, 2, ("a",))  # the original is untouched
    with pytest.raises(TypeError):
        point.replace(z=1)


class Counter(MutableRecord):
    """A mutable record."""

    name: str
    count: int = 0


def test_a_mutable_record_takes_new_values_compares_by_fields_and_is_unhashable() -> None:
    counter = Counter("a")
    counter.count += 2
    assert counter == Counter("a", 2)
    assert counter != Counter("b", 2)
    assert repr(counter) == "Counter(name='a', count=2)"
    with pytest.raises(TypeError):
        hash(counter)
    assert pickle.loads(pickle.dumps(counter)) == counter
