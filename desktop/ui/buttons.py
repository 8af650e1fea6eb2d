"""The push buttons of the panels and dialogs, made one way."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QPushButton, QWidget


def named_button(
    name: str, on_click: Callable[..., object] | SignalInstance, parent: QWidget | None = None
) -> QPushButton:
    """A button with its object name (how tests and style rules find it) that calls
    ``on_click`` (a function, or a signal to pass the click on) when clicked. Its text is set
    where its widget translates its texts."""
    button = QPushButton(parent)
    button.setObjectName(name)
    button.clicked.connect(on_click)
    return button
