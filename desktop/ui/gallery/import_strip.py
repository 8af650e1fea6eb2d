"""Bringing an existing ComfyUI output folder into the library, in the background.

``FolderImport`` runs ``desktop.library.import_folder`` as a task and shows its progress in a
strip above the grid (a bar, the counts, Cancel). The library skips files an earlier run
already catalogued, so an import cancelled, or cut short by a crash, resumes where it stopped
when it is run again. A marker file in the library folder names the folder while an import
runs; if it is still there at the next start, the strip offers to resume.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from desktop.base import atomic
from desktop.library import Library
from desktop.library.import_folder import ImportProgress, import_folder
from desktop.ui.buttons import named_button
from desktop.ui.i18n import Retranslatable
from desktop.ui.tasks import TaskOwner

log = logging.getLogger("comfydesk.library")

MARKER = "import-in-progress.txt"  # in the library folder: the folder being imported


def _marker(library: Library) -> Path:
    return Path(library.root) / MARKER


def read_unfinished(library: Library) -> Path | None:
    """The folder an import was bringing in when the app stopped, if it did not finish."""
    try:
        text = _marker(library).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return Path(text) if text else None


class FolderImport(Retranslatable, QWidget):
    """The strip; hidden while no import runs or waits to be resumed."""

    imported = Signal()  # a batch was committed: the grid may show new pictures
    finished = Signal(object)  # the ImportProgress at the end (cancelled or not)

    def __init__(
        self, library_for: Callable[[], Library | None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("folderImport")
        self._library_for = library_for
        self._tasks = TaskOwner(self, area="gallery")
        self._task: asyncio.Task[None] | None = None
        self._folder: Path | None = None
        self.progress: ImportProgress | None = None
        self._stopped_by_artist = False
        self._error = ""
        self.label = QLabel(self)
        self.label.setObjectName("folderImportText")
        self.label.setWordWrap(True)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("folderImportBar")
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(8)
        self.cancel_button = named_button("folderImportCancel", self.cancel, self)
        self.resume_button = named_button("folderImportResume", self._resume, self)
        self.close_button = named_button("folderImportClose", self.hide, self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar, 1)
        for button in (self.cancel_button, self.resume_button, self.close_button):
            layout.addWidget(button)
        self.retranslate()
        self.hide()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def retranslate(self) -> None:
        self.cancel_button.setText(self.tr("Stop"))
        self.cancel_button.setToolTip(
            self.tr("Stop importing; what is imported stays, and Import resumes from there")
        )
        self.resume_button.setText(self.tr("Resume"))
        self.close_button.setText(self.tr("Close"))
        self._show()

    # -- commands --------------------------------------------------------------------------

    def start(self, folder: Path) -> asyncio.Task[None] | None:
        """Import ``folder`` (again: what is already in the library is skipped)."""
        library = self._library_for()
        if library is None or self.running:
            return None
        self._folder, self.progress = folder, None
        self._stopped_by_artist, self._error = False, ""
        self._task = self._tasks.start(self._run(library, folder), name="import folder")
        self._task.add_done_callback(self._ended)
        self._show()
        self.show()
        return self._task

    @Slot()
    def cancel(self) -> None:
        """Stop on the artist's word: nothing is offered at the next start (quitting while
        an import runs leaves it to be resumed then)."""
        if self._task is not None:
            self._stopped_by_artist = True
            self._task.cancel()

    async def offer_resume(self) -> None:
        """At start: an import that did not finish last time is offered again."""
        library = self._library_for()
        if library is None or self.running:
            return
        folder = await asyncio.to_thread(read_unfinished, library)
        if folder is not None and not self.running:
            self._folder, self.progress = folder, None
            self._show(unfinished=True)
            self.show()

    async def shutdown(self) -> None:
        await self._tasks.shutdown()

    # -- work ------------------------------------------------------------------------------

    @Slot()
    def _resume(self) -> None:
        if self._folder is not None:
            self.start(self._folder)

    async def _run(self, library: Library, folder: Path) -> None:
        marker = _marker(library)
        try:
            await asyncio.to_thread(atomic.atomic_write, marker, str(folder))
            report = await import_folder(library, folder, self._on_progress)
            self.progress = report.progress
            for rel, reason in report.failures[:20]:
                log.warning("Not imported: %s (%s)", rel, reason)
            await asyncio.to_thread(atomic.discard, marker)
        except asyncio.CancelledError:
            if self._stopped_by_artist:
                await asyncio.shield(asyncio.to_thread(atomic.discard, marker))
            raise
        except Exception as err:  # an unreadable folder, a full disk: say so, keep what is in
            log.exception("Importing %s failed", folder)
            self._error = str(err)

    def _ended(self, task: asyncio.Task[None]) -> None:
        # A callback, not a ``finally``: a task cancelled before its first step never runs
        # its body, and the strip must still leave the running state.
        if task is not self._task:
            return
        self._task = None
        self._show(stopped=task.cancelled(), error=self._error)
        self.finished.emit(self.progress)

    def _on_progress(self, progress: ImportProgress) -> None:
        self.progress = progress
        self._show()
        if progress.imported:
            self.imported.emit()

    # -- text ------------------------------------------------------------------------------

    def _show(self, *, unfinished: bool = False, stopped: bool = False, error: str = "") -> None:
        progress, name = self.progress, self._folder.name if self._folder else ""
        running = self.running
        self.cancel_button.setVisible(running)
        self.resume_button.setVisible(not running and (unfinished or stopped or bool(error)))
        self.close_button.setVisible(not running)
        self.bar.setVisible(running)
        if error:
            self.label.setText(
                self.tr("Importing “{name}” stopped: {reason}").format(name=name, reason=error)
            )
            return
        if unfinished:
            self.label.setText(
                self.tr("Importing “{name}” did not finish last time.").format(name=name)
            )
            return
        if progress is None:
            if running:
                self.label.setText(self.tr("Looking for pictures in “{name}”…").format(name=name))
            else:
                self.label.setText(self.tr("Importing “{name}” stopped.").format(name=name))
            self.bar.setRange(0, 0)
            return
        if not progress.total and not running:
            self.label.setText(self.tr("No pictures found in “{name}”.").format(name=name))
            return
        self.bar.setRange(0, max(1, progress.total))
        self.bar.setValue(progress.done)
        counts = self.tr("{done} of {total} · {new} new · {failed} unreadable").format(
            done=f"{progress.done:,}",
            total=f"{progress.total:,}",
            new=f"{progress.imported:,}",
            failed=f"{progress.failed:,}",
        )
        if running:
            text = self.tr("Importing “{name}”: {counts}").format(name=name, counts=counts)
        elif stopped:
            text = self.tr("Import of “{name}” stopped at {counts}").format(
                name=name, counts=counts
            )
        else:
            text = self.tr("Imported “{name}”: {counts}").format(name=name, counts=counts)
        self.label.setText(text)
