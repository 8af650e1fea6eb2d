"""``ReadOnly``: the owner's private attribute, readable from outside, never assignable."""

from __future__ import annotations

import pytest

from desktop.base.read_only import ReadOnly


class Counter:
    count: ReadOnly[int] = ReadOnly("_count")

    def __init__(self) -> None:
        self._count = 0

    def bump(self) -> None:
        self._count += 1


def test_readers_see_what_the_owner_last_set() -> None:
    counter = Counter()
    assert counter.count == 0
    counter.bump()
    assert counter.count == 1


def test_an_assignment_from_outside_fails_and_changes_nothing() -> None:
    counter = Counter()
    with pytest.raises(AttributeError, match="_count"):
        counter.count = 5  # type: ignore[assignment]
    assert counter.count == 0


def test_the_class_attribute_is_the_descriptor() -> None:
    assert isinstance(Counter.count, ReadOnly)
