"""The small protocol every parameter editor follows, so rows and the view can bind any of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QHBoxLayout, QWidget

from desktop.base.read_only import ReadOnly

if TYPE_CHECKING:
    from desktop.workflow.params import ParamSpec


class FocusedWheel:
    """For spin and combo boxes: the mouse wheel changes the value only once the box has the
    focus (clicked or tabbed into). Otherwise the wheel event stays unaccepted and Qt hands it
    to the parents, so the form scrolls instead of a value under the pointer changing.
    (A wheelEvent override, not an event filter: a filter would run for every event.)"""

    def init_focused_wheel(self) -> None:
        # The default WheelFocus would give the box the focus on the first notch.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # type: ignore[attr-defined]

    def wheelEvent(self, event: QWheelEvent) -> None:
        if not self.hasFocus():  # type: ignore[attr-defined]
            event.ignore()
            return
        super().wheelEvent(event)  # type: ignore[misc]


# What an editor asks for at most; rows give it all the width the panel has beyond that. A
# modest request keeps the labels of a narrow form at full width and the fields lined up.
EDITOR_HINT_WIDTH = 130

W = TypeVar("W", bound=QWidget)


class ParamEditor(QWidget):
    """Shows one value. ``edited`` fires only for the artist's changes, never for ``set_value``."""

    edited = Signal(object)

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._spec = spec
        self._updating = False
        self._held: QWidget | None = None

    def _hold(self, inner: W, *, stretch_after: bool = False) -> W:
        """Lay out the widget that shows the value edge to edge; it takes the focus."""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(inner)
        if stretch_after:
            layout.addStretch(1)
        self._held = inner
        return inner

    spec: ReadOnly[ParamSpec] = ReadOnly("_spec")

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
        return self._held or self

    def _emit(self, value: Any) -> None:
        if not self._updating:
            self.edited.emit(value)

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def _apply_spec(self, spec: ParamSpec) -> None:
        """Editors with limits or choices override this."""
