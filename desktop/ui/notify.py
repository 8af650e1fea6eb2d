"""Telling the artist their jobs ended while they were in another window, and showing progress
outside the window: in the window title everywhere (``progress_changed`` -> ``set_progress``;
taskbars show the title), and on the launcher icon or tray where the platform lets us.

What PySide6-Essentials can do, per platform:

* **Notification** — ``QSystemTrayIcon.showMessage`` on all three (Windows toast from the
  notification area, macOS Notification Center, Linux via the freedesktop notification
  service). It needs a system tray (``isSystemTrayAvailable()``; absent on some GNOME setups
  and on the offscreen platform) — without one nothing is shown but the taskbar alert.
* **Attention** — ``QApplication.alert(window)`` everywhere: flashes the taskbar button on
  Windows, bounces the Dock icon on macOS, sets the urgency hint on X11/Wayland.
* **Progress on the taskbar/dock icon** — Qt 6 has no API (QtWinExtras' QWinTaskbarProgress was
  removed). Linux: the ``com.canonical.Unity.LauncherEntry`` D-Bus signal (QtDBus is in
  Essentials), understood by KDE Plasma, Ubuntu Dock/Dash-to-Dock and others; sent here.
  Windows would need ``ITaskbarList3`` over COM (ctypes/comtypes) and macOS ``NSDockTile``
  (pyobjc) — neither is a dependency, so there the progress shows in the tray tooltip only.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

from desktop.jobs.model import JobSnapshot, JobState
from desktop.ui.jobs_model import JobsViewModel
from desktop.ui.queue.text import failure_text, format_duration

log = logging.getLogger("comfydesk.ui")

LAUNCHER_PATH = "/org/comfydesk/ComfyDesk"
MESSAGE_MS = 6000


class LauncherProgress:
    """Progress and a job count on the Linux launcher icon (Unity LauncherEntry over D-Bus)."""

    def __init__(self, desktop_id: str) -> None:
        self._uri = f"application://{desktop_id}.desktop"
        self._bus: Any = None
        if sys.platform.startswith("linux"):
            try:
                from PySide6.QtDBus import QDBusConnection

                bus = QDBusConnection.sessionBus()
                self._bus = bus if bus.isConnected() else None
            except ImportError:
                self._bus = None

    @property
    def available(self) -> bool:
        return self._bus is not None

    def update(self, progress: float | None, count: int) -> None:
        if self._bus is None:
            return
        from PySide6.QtDBus import QDBusMessage

        message = QDBusMessage.createSignal(
            LAUNCHER_PATH, "com.canonical.Unity.LauncherEntry", "Update"
        )
        properties = {
            "progress": float(progress or 0.0),
            "progress-visible": progress is not None,
            "count": count,
            "count-visible": count > 0,
        }
        message.setArguments([self._uri, properties])
        self._bus.send(message)


class JobNotifier(QObject):
    """One notification per batch that ends while the window is in the background (the jobs
    queued together finish one after the other: the artist hears once, when the last one
    ends), and the running job's progress for the window title, tray and launcher."""

    notified = Signal(str, str)  # title, body: emitted for every notification given
    progress_changed = Signal(object)  # whole percent of the running job, or None when idle

    def __init__(
        self,
        window: QWidget,
        jobs: JobsViewModel,
        *,
        tray: QSystemTrayIcon | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent or window)
        self._window = window
        self._vm = jobs
        self._tray = tray
        if self._tray is None and QSystemTrayIcon.isSystemTrayAvailable():
            self._tray = QSystemTrayIcon(self._icon(), self)
        desktop_id = QGuiApplication.desktopFileName() or "comfydesk"
        self._launcher = LauncherProgress(desktop_id)
        self._last_progress: tuple[int | None, int] | None = None
        self._batch: list[JobSnapshot] = []  # finished while others of ours were still active
        self.enabled = True
        jobs.job_finished.connect(self._job_finished)
        jobs.job_changed.connect(lambda _job: self._update_progress())
        jobs.session_changed.connect(lambda _s: self._update_progress())

    def _icon(self) -> QIcon:
        icon = self._window.windowIcon()
        return icon if not icon.isNull() else QApplication.windowIcon()

    def message_for(self, job: JobSnapshot) -> tuple[str, str] | None:
        """(title, body) for a finished job, or None when there is nothing to tell:
        jobs the artist stopped or cancelled themselves are not news."""
        elapsed = self._vm.elapsed(job.id)
        if job.state is JobState.SUCCEEDED:
            count = len(job.outputs)
            if elapsed is not None:
                body = self.tr("{title}: %n image(s) in {time}", "", count).format(
                    title=job.title, time=format_duration(elapsed)
                )
            else:
                body = self.tr("{title}: %n image(s)", "", count).format(title=job.title)
            return self.tr("Your image is ready"), body
        if job.state is JobState.FAILED:
            return self.tr("A job failed"), f"{job.title} — {failure_text(job)}"
        if job.state is JobState.LOST:
            return self.tr("A job was lost"), f"{job.title} — {failure_text(job)}"
        return None

    def batch_message_for(self, jobs: list[JobSnapshot]) -> tuple[str, str] | None:
        """(title, body) for jobs that finished together; None when none of them is news."""
        news = [(job, m) for job in jobs if (m := self.message_for(job)) is not None]
        if len(news) <= 1:
            return news[0][1] if news else None
        failed = [job for job, _m in news if job.state is not JobState.SUCCEEDED]
        images = sum(len(job.outputs) for job, _m in news if job.state is JobState.SUCCEEDED)
        if failed:
            title = self.tr("%n job(s) did not finish", "", len(failed))
            body = f"{failed[0].title} — {failure_text(failed[0])}"
        else:
            title = self.tr("Your images are ready")
            body = self.tr("%n job(s) done", "", len(news))
        if images:
            body = f"{body} · " + self.tr("%n image(s)", "", images)
        return title, body

    def _job_finished(self, job: JobSnapshot) -> None:
        if not self.enabled or self._window.isActiveWindow():
            self._batch.clear()  # the artist is looking: nothing to tell later either
            return
        self._batch.append(job)
        if any(not j.finished for j in self._vm.jobs()):
            return  # more of the batch to come
        batch, self._batch = self._batch, []
        message = self.batch_message_for(batch)
        if message is None:
            return
        title, body = message
        if self._tray is not None:
            if not self._tray.isVisible():
                self._tray.show()
            icon = QSystemTrayIcon.MessageIcon.Information
            if any(j.state is not JobState.SUCCEEDED for j in batch):
                icon = QSystemTrayIcon.MessageIcon.Warning
            self._tray.showMessage(title, body, icon, MESSAGE_MS)
        QApplication.alert(self._window, 0)
        self.notified.emit(title, body)

    def _update_progress(self) -> None:
        active = [j for j in self._vm.jobs() if not j.finished]
        running = self._vm.running_job()
        progress = running.progress if running is not None else None
        key = (None if progress is None else round(progress * 100), len(active))
        if key == self._last_progress:
            return
        self._last_progress = key
        self.progress_changed.emit(key[0])
        self._launcher.update(progress, len(active))
        if self._tray is not None:
            if progress is None:
                self._tray.setToolTip(QApplication.applicationDisplayName())
            else:
                self._tray.setToolTip(
                    self.tr("{percent}% — %n job(s) left", "", len(active)).format(
                        percent=round(progress * 100)
                    )
                )
