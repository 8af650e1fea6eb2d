"""Icons for actions and buttons, drawn from the Material Design icon font that qtawesome ships
(so they scale crisply at any display scaling and need no image files).

    icons.set_icon(action, "star")       # also re-tints it when the palette changes (dark mode)
    icons.icon("star")                   # a QIcon in the current palette's text colour

Importing qtawesome costs about 0.2 s (its qtpy layer loads more Qt modules), a third of the
start-up budget, so the app holds icons back until the first window has painted
(:func:`hold_until_painted`, then :func:`release`); elsewhere they are made at once.
"""

from __future__ import annotations

import functools
import os
import weakref
from typing import Protocol

# qtpy (under qtawesome) must wrap PySide6, never another Qt binding that happens to be
# installed next to it.
os.environ.setdefault("QT_API", "pyside6")

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QIcon, QPalette, QPixmap
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
    "import": "mdi6.folder-download-outline",
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
    import qtawesome  # late: see the module docstring

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
_held = False


def set_icon(owner: _HasIcon, name: str) -> None:
    """Give an action or button the icon ``name``, and keep it in step with the palette."""
    global _retinter
    if _retinter is None:
        _retinter = _Retinter()
    _retinter.owners[owner] = name
    # A blank icon of the same size while held: the layout does not change when the glyph comes.
    owner.setIcon(_blank() if _held else icon(name))


@functools.cache
def _blank() -> QIcon:
    pixmap = QPixmap(64, 64)
    pixmap.fill(Qt.GlobalColor.transparent)
    return QIcon(pixmap)


def hold_until_painted() -> None:
    """Icons given from now on wait for :func:`release` (the window paints without them)."""
    global _held
    _held = True


def release() -> None:
    """Give every icon held back so far, and the later ones at once."""
    global _held
    _held = False
    if _retinter is None:
        return
    for owner, name in list(_retinter.owners.items()):
        if isValid(owner):
            owner.setIcon(icon(name))
