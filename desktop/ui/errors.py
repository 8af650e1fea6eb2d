"""Unexpected errors: log them, show a non-blocking dialog with "Copy details", keep running.

:class:`ExceptionReporter` replaces ``sys.excepthook`` and ``threading.excepthook`` and can be
the asyncio loop's exception handler. qasync's ``asyncSlot`` and our ``TaskOwner`` route task
failures to ``sys.excepthook``, so every unexpected error ends up here.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.base.read_only import ReadOnly
from desktop.logs import redact
from desktop.ui.i18n import Retranslatable

log = logging.getLogger("comfydesk.ui")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def format_details(exc_type: type[BaseException], exc: BaseException, tb: Any) -> str:
    return redact("".join(traceback.format_exception(exc_type, exc, tb)))


class ErrorDialog(Retranslatable, QDialog):
    """Shows the latest unexpected error; further ones while it is open are counted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorDialog")
        self.setModal(False)
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.resize(560, 360)
        self._count = 0

        self.headline = QLabel()
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.copy_button = QPushButton()
        self.copy_button.clicked.connect(self.copy_details)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.close)

        row = QHBoxLayout()
        row.addWidget(self.copy_button)
        row.addStretch(1)
        row.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.summary)
        layout.addWidget(self.details, 1)
        layout.addLayout(row)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Something went wrong"))
        self.copy_button.setText(self.tr("Copy details"))
        self._update_headline()

    def _update_headline(self) -> None:
        if self._count > 1:
            self.headline.setText(
                self.tr(
                    "ComfyDesk ran into {count} unexpected problems. "
                    "It keeps running; your work is safe."
                ).format(count=self._count)
            )
        else:
            self.headline.setText(
                self.tr(
                    "ComfyDesk ran into an unexpected problem. It keeps running; your work is safe."
                )
            )

    def add_error(self, summary: str, details: str) -> None:
        self._count += 1
        self.summary.setText(summary)
        self.details.setPlainText(details)
        self._update_headline()
        self.show()
        self.raise_()

    error_count: ReadOnly[int] = ReadOnly("_count")

    @Slot()
    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())

    def closeEvent(self, event: Any) -> None:
        self._count = 0
        super().closeEvent(event)


class ExceptionReporter(QObject):
    """Logs unexpected exceptions and shows them in one reusable :class:`ErrorDialog`."""

    # Emitted from whatever thread raised; the queued connection brings it to the GUI thread.
    reported = Signal(str, str)  # summary, details

    def __init__(self, parent_widget: Callable[[], QWidget | None] = lambda: None) -> None:
        super().__init__()
        self._parent_widget = parent_widget
        self.dialog: ErrorDialog | None = None
        self._previous_hook: Callable[..., Any] | None = None
        self._previous_thread_hook: Callable[..., Any] | None = None
        self.reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self.excepthook
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        if self._previous_hook is not None:
            sys.excepthook = self._previous_hook
        if self._previous_thread_hook is not None:
            threading.excepthook = self._previous_thread_hook
        self._previous_hook = self._previous_thread_hook = None

    def excepthook(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.error("Unexpected error", exc_info=(exc_type, exc, tb))
        summary = redact(f"{exc_type.__name__}: {exc}")
        self.reported.emit(summary, format_details(exc_type, exc, tb))

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        self.excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    def asyncio_handler(self, loop: Any, context: dict[str, Any]) -> None:
        """For ``loop.set_exception_handler``: errors nobody awaited."""
        error = context.get("exception")
        if isinstance(error, BaseException):
            self.excepthook(type(error), error, error.__traceback__)
        else:
            log.error("Event loop problem: %s", context.get("message", context))

    @Slot(str, str)
    def _show(self, summary: str, details: str) -> None:
        if self.dialog is None:
            self.dialog = ErrorDialog(self._parent_widget())
        self.dialog.add_error(summary, details)

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
