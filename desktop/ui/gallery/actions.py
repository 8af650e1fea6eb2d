"""Actions shared by the gallery grid and the viewer."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

from desktop.ui.icons import set_icon


def local_action(
    parent: QObject,
    name: str,
    slot: Callable[[], object],
    keys: Sequence[str] = (),
    *,
    icon: str | None = None,
) -> QAction:
    """An action whose shortcuts work only while focus is inside the widget that holds it, so
    the grid's and the viewer's "S" / "Delete" never fire for each other. ``icon`` names one
    of :data:`desktop.ui.icons.GLYPHS`."""
    action = QAction(parent)
    action.setObjectName(name)
    if icon is not None:
        set_icon(action, icon)
    action.triggered.connect(slot)
    action.setShortcuts([QKeySequence(k) for k in keys])
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    return action
