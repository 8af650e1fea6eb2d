"""Quitting while our jobs are queued or running: leave them on the server, or cancel them.

Non-modal (``open()`` + a callback) so it is safe inside the qasync loop.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget


class QuitChoice(enum.Enum):
    LEAVE_RUNNING = "leave"
    CANCEL_JOBS = "cancel"
    STAY = "stay"


def ask_about_active_jobs(
    parent: QWidget, count: int, answered: Callable[[QuitChoice], None]
) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName("quitWithJobsBox")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(QCoreApplication.translate("QuitPrompt", "Quit ComfyDesk"))
    box.setText(
        # lupdate reads no plural forms from translate(): a wording that fits any count.
        QCoreApplication.translate(
            "QuitPrompt", "Jobs of yours still queued or running: {count}."
        ).format(count=count)
    )
    box.setInformativeText(
        QCoreApplication.translate(
            "QuitPrompt",
            "They can keep running on the server; ComfyDesk collects the pictures the next "
            "time you connect.",
        )
    )
    leave = box.addButton(
        QCoreApplication.translate("QuitPrompt", "Leave Running and Quit"),
        QMessageBox.ButtonRole.AcceptRole,
    )
    cancel = box.addButton(
        QCoreApplication.translate("QuitPrompt", "Cancel Jobs and Quit"),
        QMessageBox.ButtonRole.DestructiveRole,
    )
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(leave)

    def finished(_result: int) -> None:
        clicked = box.clickedButton()
        box.deleteLater()
        if clicked is leave:
            answered(QuitChoice.LEAVE_RUNNING)
        elif clicked is cancel:
            answered(QuitChoice.CANCEL_JOBS)
        else:
            answered(QuitChoice.STAY)

    box.finished.connect(finished)
    box.open()
    return box
