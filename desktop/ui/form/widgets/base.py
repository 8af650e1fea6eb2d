"""The small protocol every parameter editor follows, so rows and the view can bind any of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from desktop.workflow.params import ParamSpec


class _WheelGuard(QObject):
    """Lets a wheel event pass by a widget that has no focus, so the form scrolls instead of
    the value under the pointer changing. The event stays unaccepted, and Qt hands it on to
    the parents: the scroll area gets it."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        wheel = event.type() == QEvent.Type.Wheel
        if wheel and isinstance(watched, QWidget) and not watched.hasFocus():
            event.ignore()
            return True
        return False


_wheel_guard: _WheelGuard | None = None
# What an editor asks for at most; rows give it all the width the panel has beyond that. A
# modest request keeps the labels of a narrow form at full width and the fields lined up.
EDITOR_HINT_WIDTH = 130


def wheel_only_when_focused(widget: QWidget) -> None:
    """Spin boxes and combos take the wheel only once clicked or tabbed into."""
    global _wheel_guard
    if _wheel_guard is None:
        _wheel_guard = _WheelGuard()
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the default WheelFocus grabs focus
    widget.installEventFilter(_wheel_guard)


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

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(min(hint.width(), EDITOR_HINT_WIDTH), hint.height())

    def focus_target(self) -> QWidget:
        return self

    def _emit(self, value: Any) -> None:
        if not self._updating:
            self.edited.emit(value)

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def _apply_spec(self, spec: ParamSpec) -> None:
        """Editors with limits or choices override this."""
