"""Process-level start-up pieces: the window icon, Qt's messages in our log, Ctrl+C."""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, QtMsgType
from PySide6.QtGui import QIcon

from desktop.resources import resource_path


def app_icon() -> QIcon:
    # PNGs need no image-format plugin, so the icon shows even in a trimmed bundle.
    icon = QIcon()
    for name in ("comfydesk.png", "comfydesk-64.png"):
        icon.addFile(str(resource_path("icons", name)))
    return icon


_HARMLESS_QT_MESSAGES = ("does not support propagateSizeHints", "does not support raise")


def qt_message_handler(mode: QtMsgType, _context: object, message: str) -> None:
    """Qt's own warnings go to our log (and so to the console only when they matter)."""
    level = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
    }.get(mode, logging.ERROR)
    if any(text in message for text in _HARMLESS_QT_MESSAGES):
        level = logging.DEBUG
    logging.getLogger("comfydesk.qt").log(level, "%s", message)


def install_sigint(owner: QObject, quit_app: Callable[[], None]) -> QTimer:
    """Ctrl+C in the terminal quits cleanly instead of killing the loop mid-task."""
    signal.signal(signal.SIGINT, lambda *_: QTimer.singleShot(0, quit_app))
    timer = QTimer(owner)
    timer.start(250)  # lets the Python interpreter run the signal handler
    timer.timeout.connect(lambda: None)
    return timer
