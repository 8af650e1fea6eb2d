"""The small protocol every parameter editor follows, so rows and the view can bind any of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from desktop.workflow.params import ParamSpec


class ParamEditor(QWidget):
    """Shows one value. ``edited`` fires only for the artist's changes, never for ``set_value``."""

    edited = Signal(object)

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._spec = spec
        self._updating = False

    @property
    def spec(self) -> ParamSpec:
        return self._spec

    def set_value(self, value: Any) -> None:
        self._updating = True
        try:
            self._show(value)
        finally:
            self._updating = False

    def set_spec(self, spec: ParamSpec, value: Any) -> None:
        """New server limits or choices (after a refresh); keeps showing ``value``."""
        self._spec = spec
        self._updating = True
        try:
            self._apply_spec(spec)
            self._show(value)
        finally:
            self._updating = False

    def focus_target(self) -> QWidget:
        return self

    def _emit(self, value: Any) -> None:
        if not self._updating:
            self.edited.emit(value)

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def _apply_spec(self, spec: ParamSpec) -> None:
        """Editors with limits or choices override this."""
