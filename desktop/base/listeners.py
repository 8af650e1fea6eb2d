"""Callbacks registered by the layers above, told of something in order, each shielded from
the others: one listener that raises must not stop the rest from hearing of a job's end."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Generic, ParamSpec

P = ParamSpec("P")

log = logging.getLogger("comfydesk.base")


class Listeners(Generic[P]):
    """A list of callbacks; ``add`` returns the function that removes the one it added."""

    def __init__(self, what: str = "A listener") -> None:
        self._what = what  # names the listener in the log when one fails
        self._cbs: list[Callable[P, None]] = []

    def add(self, cb: Callable[P, None]) -> Callable[[], None]:
        self._cbs.append(cb)
        return lambda: self._cbs.remove(cb) if cb in self._cbs else None

    def emit(self, *args: P.args, **kwargs: P.kwargs) -> None:
        for cb in list(self._cbs):
            try:
                cb(*args, **kwargs)
            except Exception:
                log.exception("%s failed", self._what)
