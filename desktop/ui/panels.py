"""Panel slots of the main window and the empty states they show until a panel is plugged in."""

from __future__ import annotations

import enum
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget


class Panel(enum.StrEnum):
    FORM = "form"  # left dock: the workflow form
    PREVIEW = "preview"  # centre: the live preview
    QUEUE = "queue"  # right dock: the job queue
    GALLERY = "gallery"  # bottom dock: the gallery


class EmptyState(QWidget):
    """A centred title, a hint saying what to do next and an optional action button.

    Texts come from callables so they are re-read (translated) on every language change.
    """

    def __init__(
        self,
        title: Callable[[], str],
        hint: Callable[[], str],
        button: Callable[[], str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._title, self._hint, self._button_text = title, hint, button
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.hint = QLabel()
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        # The palette's muted text colour, readable in light and dark.
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.button: QPushButton | None = QPushButton() if button is not None else None
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        if self.button is not None:
            layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self._title())
        self.hint.setText(self._hint())
        if self.button is not None and self._button_text is not None:
            self.button.setText(self._button_text())


class PanelSlot(QStackedWidget):
    """Shows the empty state until :meth:`set_widget` plugs in the real panel."""

    def __init__(self, name: Panel, empty: EmptyState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name.value}Slot")
        self.name = name
        self.empty = empty
        self.widget_: QWidget | None = None
        self.addWidget(empty)

    def set_widget(self, widget: QWidget | None) -> None:
        """Show ``widget`` (the slot takes ownership and deletes a replaced panel);
        ``None`` shows the empty state again."""
        if self.widget_ is not None and self.widget_ is not widget:
            self.removeWidget(self.widget_)
            self.widget_.deleteLater()
        self.widget_ = widget
        if widget is None:
            self.setCurrentWidget(self.empty)
        else:
            self.addWidget(widget)
            self.setCurrentWidget(widget)
