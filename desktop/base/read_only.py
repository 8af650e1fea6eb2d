"""A public, read-only view of a private attribute, declared in one line:

    class Workspace(QObject):
        message = ReadOnly[str]("_message")   # the class assigns self._message, then emits

Readers see the value with its type; an assignment from outside fails, for the type checker
and at run time, so state changes only through the owner's methods, which emit its signals."""

from __future__ import annotations

from typing import Generic, Never, TypeVar, overload

T = TypeVar("T")


class ReadOnly(Generic[T]):
    def __init__(self, attr: str) -> None:
        self._attr = attr

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> ReadOnly[T]: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> T: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> T | ReadOnly[T]:
        if obj is None:
            return self
        value: T = getattr(obj, self._attr)
        return value

    def __set__(self, obj: object, value: Never) -> None:
        raise AttributeError(f"read-only: only its owner changes {self._attr}")
