"""Actions shared by the gallery grid and the viewer."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence


def local_action(
    parent: QObject, name: str, slot: Callable[[], object], keys: Sequence[str] = ()
) -> QAction:
    """An action whose shortcuts work only while focus is inside the widget that holds it, so
    the grid's and the viewer's "S" / "Delete" never fire for each other."""
    action = QAction(parent)
    action.setObjectName(name)
    action.triggered.connect(slot)
    action.setShortcuts([QKeySequence(k) for k in keys])
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    return action
