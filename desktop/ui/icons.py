"""Icons for actions and buttons, drawn from the Material Design icon font that qtawesome ships
(so they scale crisply at any display scaling and need no image files).

    icons.set_icon(action, "star")       # also re-tints it when the palette changes (dark mode)
    icons.icon("star")                   # a QIcon in the current palette's text colour
"""

from __future__ import annotations

import os
import weakref
from typing import Protocol

# qtpy (under qtawesome) must wrap PySide6, never another Qt binding that happens to be
# installed next to it.
os.environ.setdefault("QT_API", "pyside6")

import qtawesome
from PySide6.QtCore import QEvent
from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid

# What an icon means -> its glyph in qtawesome's Material Design Icons 6 font.
GLYPHS: dict[str, str] = {
    "open": "mdi6.folder-open-outline",
    "save_as": "mdi6.content-save-outline",
    "quit": "mdi6.exit-to-app",
    "generate": "mdi6.play",
    "generate_front": "mdi6.format-vertical-align-top",
    "interrupt": "mdi6.stop",
    "refresh_models": "mdi6.refresh",
    "full_screen": "mdi6.fullscreen",
    "reset_layout": "mdi6.view-dashboard-outline",
    "preferences": "mdi6.cog-outline",
    "connection_settings": "mdi6.lan-connect",
    "open_log_folder": "mdi6.text-box-search-outline",
    "about": "mdi6.information-outline",
    "star": "mdi6.star-outline",
    "starred_only": "mdi6.star",
    "keep": "mdi6.tray-arrow-down",
    "delete": "mdi6.trash-can-outline",
    "export": "mdi6.export",
    "compare": "mdi6.compare",
    "check": "mdi6.database-check-outline",
    "refresh": "mdi6.refresh",
    "more": "mdi6.dots-horizontal",
    "fit": "mdi6.fit-to-screen-outline",
    "actual": "mdi6.numeric-1-box-outline",
    "zoom_in": "mdi6.magnify-plus-outline",
    "zoom_out": "mdi6.magnify-minus-outline",
    "previous": "mdi6.chevron-left",
    "next": "mdi6.chevron-right",
}


class _HasIcon(Protocol):
    def setIcon(self, icon: QIcon, /) -> None: ...


def icon(name: str) -> QIcon:
    """The icon called ``name`` (a key of :data:`GLYPHS`), tinted for the current palette."""
    palette = QApplication.palette()
    return qtawesome.icon(
        GLYPHS[name],
        color=palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText),
        color_disabled=palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText),
    )


class _Retinter(QWidget):
    """Never shown; widgets hear of a new application palette, so this gives every icon handed
    out by :func:`set_icon` the new palette's colours (light/dark switch)."""

    def __init__(self) -> None:
        super().__init__()
        self.owners: weakref.WeakKeyDictionary[_HasIcon, str] = weakref.WeakKeyDictionary()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.ApplicationPaletteChange, QEvent.Type.PaletteChange):
            for owner, name in list(self.owners.items()):
                if isValid(owner):
                    owner.setIcon(icon(name))
        super().changeEvent(event)


_retinter: _Retinter | None = None


def set_icon(owner: _HasIcon, name: str) -> None:
    """Give an action or button the icon ``name``, and keep it in step with the palette."""
    global _retinter
    if _retinter is None:
        _retinter = _Retinter()
    owner.setIcon(icon(name))
    _retinter.owners[owner] = name
