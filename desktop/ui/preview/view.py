"""PreviewView: the centre of the window, where the picture forms step by step.

It shows the newest live frame of the shown job (the one selected in the queue, else the
running one), a strip over it with node, step k/N, progress and time, and — when the job is
done — the final image, with thumbnails to flip through the items of a batch. It binds to
the :class:`~desktop.ui.jobs_model.JobsViewModel` only.

    preview = PreviewView(jobs_vm)
    window.set_panel(Panel.PREVIEW, preview)
    ...
    await preview.shutdown()   # before the loop stops: cancels decodes
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.base.read_only import ReadOnly
from desktop.comfy.errors import ComfyError
from desktop.comfy.messages import PreviewImage
from desktop.jobs.model import JobOutput, JobSnapshot, JobState
from desktop.ui.hosted.text import preview_state_text
from desktop.ui.i18n import Retranslatable
from desktop.ui.jobs_model import JobsViewModel
from desktop.ui.panels import EmptyState
from desktop.ui.preview.canvas import FrameStats, PreviewCanvas
from desktop.ui.preview.decode import ImageError, decode_async
from desktop.ui.preview.overlay import PreviewOverlay
from desktop.ui.tasks import TaskOwner

log = logging.getLogger("comfydesk.ui")

THUMB = 72
PREVIEW_FLAG = "--preview-method auto"


def shown_outputs(job: JobSnapshot) -> list[JobOutput]:
    """The images to show for a finished job: saved results, else what the server keeps."""
    saved = [o for o in job.outputs if o.saved_path is not None]
    return saved or [o for o in job.outputs if o.temp]


class PreviewView(Retranslatable, QWidget):
    def __init__(
        self,
        jobs: JobsViewModel,
        parent: QWidget | None = None,
        *,
        small_frame_bytes: int = -1,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("previewView")
        self._vm = jobs
        self._tasks = TaskOwner(self, area="ui", report_to_excepthook=False)
        self._job_id: str | None = None  # the job on screen
        self._outputs: list[JobOutput] = []  # the batch strip's items, in order
        self._result_key: tuple[str, ...] | None = None  # output on screen (job id + key)

        self.empty = EmptyState(
            lambda: self.tr("Nothing generated yet"),
            lambda: self.tr("Press Generate: the picture forms here step by step."),
            parent=self,
        )
        self.notice = QLabel(self)
        self.notice.setObjectName("previewNotice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.hide()
        # A hosted service sends no frames: say so, and where the job is, instead of a blank.
        self.hosted_state = QLabel(self)
        self.hosted_state.setObjectName("previewHostedState")
        self.hosted_state.setWordWrap(True)
        self.hosted_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hosted_state.setTextFormat(Qt.TextFormat.PlainText)
        self.hosted_state.setStyleSheet("font-size: 15px; padding: 24px;")
        self.hosted_state.hide()
        self.canvas = PreviewCanvas(self, small_frame_bytes=small_frame_bytes)
        self.overlay = PreviewOverlay(self.canvas)
        self.strip = QListWidget(self)
        self.strip.setObjectName("previewBatchStrip")
        self.strip.setViewMode(QListView.ViewMode.IconMode)
        self.strip.setFlow(QListView.Flow.LeftToRight)
        self.strip.setWrapping(False)
        self.strip.setIconSize(QSize(THUMB, THUMB))
        self.strip.setFixedHeight(THUMB + 24)
        self.strip.setMovement(QListView.Movement.Static)
        self.strip.currentRowChanged.connect(self._strip_clicked)
        self.strip.hide()

        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.notice)
        layout.addWidget(self.hosted_state)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.strip)
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self.empty)
        self._stack.addWidget(page)
        self._page = page
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)

        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._tick)

        jobs.job_changed.connect(self._job_changed)
        jobs.preview_frame.connect(self._frame)
        jobs.selection_changed.connect(lambda _id: self._follow())
        jobs.session_changed.connect(lambda _s: self._follow())
        jobs.previews_missing.connect(self._previews_missing)
        self.retranslate()
        self._follow()

    # ------------------------------------------------------------------ public

    @property
    def stats(self) -> FrameStats:
        return self.canvas.stats

    job_id: ReadOnly[str | None] = ReadOnly("_job_id")

    def displayed_pixmap(self) -> QPixmap:
        return self.canvas.displayed_pixmap()

    async def shutdown(self) -> None:
        self._clock.stop()
        await self._tasks.shutdown()
        await self.canvas.shutdown()

    def retranslate(self) -> None:
        self.empty.retranslate()
        self.notice.setText(
            self.tr(
                "This server sends no live previews. To watch the picture form, start ComfyUI "
                "with {flag}."
            ).format(flag=PREVIEW_FLAG)
        )
        self.strip.setToolTip(self.tr("Every image of this job; click one to show it"))
        self._refresh_overlay()

    # ------------------------------------------------------------------ following jobs

    def _follow(self) -> None:
        """Switch to whatever job should be on screen now."""
        job = self._vm.shown_job()
        new_id = job.id if job is not None else None
        if new_id != self._job_id:
            self._job_id = new_id
            self._result_key = None
            self._outputs = []
            self.strip.clear()
            self.strip.hide()
            self.canvas.clear()
        if self._vm.session is None:
            self.notice.hide()
        self._stack.setCurrentWidget(self._page if job is not None else self.empty)
        if job is not None:
            self._show_results(job)
        self._refresh_overlay()

    def _job_changed(self, job: JobSnapshot) -> None:
        if self._vm.selected_id is None and job.id != self._job_id:
            self._follow()  # a new job started, or the followed one was replaced
            return
        if job.id != self._job_id:
            return
        self._show_results(job)
        self._refresh_overlay()

    def _frame(self, job_id: str, frame: PreviewImage) -> None:
        if job_id != self._job_id:
            if self._vm.selected_id is not None:
                return  # the artist is looking at another job
            self._follow()
            if job_id != self._job_id:
                return
        self.notice.hide()
        self.canvas.offer(frame)

    def _previews_missing(self, job_id: str) -> None:
        self.notice.show()

    def _refresh_overlay(self) -> None:
        job = self._vm.get(self._job_id)
        elapsed = self._vm.elapsed(job.id) if job is not None else None
        self.overlay.show_job(job, elapsed)
        hosted_text = preview_state_text(job) if job is not None else ""
        self.hosted_state.setText(hosted_text)
        self.hosted_state.setVisible(bool(hosted_text))
        running = job is not None and job.state is JobState.RUNNING
        if running and not self._clock.isActive():
            self._clock.start()
        elif not running:
            self._clock.stop()

    def _tick(self) -> None:
        self._refresh_overlay()

    # ------------------------------------------------------------------ results

    def _show_results(self, job: JobSnapshot) -> None:
        outputs = shown_outputs(job) if (job.finished or job.saved_paths) else []
        if not outputs:
            return
        keys = [o.key for o in outputs]
        if keys != [o.key for o in self._outputs]:
            self._fill_strip(job, outputs)
        if self._result_key is None:
            self._show_output(job.id, 0)

    def _fill_strip(self, job: JobSnapshot, outputs: list[JobOutput]) -> None:
        self._outputs = outputs
        self.strip.blockSignals(True)
        self.strip.clear()
        for index, output in enumerate(outputs):
            item = QListWidgetItem()
            item.setToolTip(output.ref.filename)
            item.setSizeHint(QSize(THUMB + 8, THUMB + 8))
            self.strip.addItem(item)
            self._tasks.start(self._load_thumb(job.id, index, output), name="thumbnail")
        self.strip.blockSignals(False)
        self.strip.setVisible(len(outputs) > 1)

    def _strip_clicked(self, row: int) -> None:
        if self._job_id is not None and 0 <= row < len(self._outputs):
            self._show_output(self._job_id, row)

    def _show_output(self, job_id: str, index: int) -> None:
        output = self._outputs[index]
        self._result_key = (job_id, *output.key)
        self.strip.blockSignals(True)
        self.strip.setCurrentRow(index)
        self.strip.blockSignals(False)
        self._tasks.start(self._load_result(job_id, output), name="show result")

    async def _source(self, output: JobOutput) -> Path | bytes:
        if output.saved_path is not None:
            return output.saved_path
        return await self._vm.fetch_output(output.ref)

    async def _load_result(self, job_id: str, output: JobOutput) -> None:
        try:
            source = await self._source(output)
            if output.saved_path is not None:
                await self.canvas.show_file(output.saved_path)
            else:
                image = await decode_async(source)
                if self._job_id == job_id:
                    self.canvas.show_image(image)
        except (ComfyError, ImageError, LookupError) as err:
            log.warning("Cannot show the result %s: %s", output.ref.filename, err)

    async def _load_thumb(self, job_id: str, index: int, output: JobOutput) -> None:
        try:
            source = await self._source(output)
            image = await decode_async(source, THUMB * 2)
        except (ComfyError, ImageError, LookupError) as err:
            log.info("No thumbnail for %s: %s", output.ref.filename, err)
            return
        item = self.strip.item(index)
        if self._job_id == job_id and item is not None:
            item.setIcon(QIcon(QPixmap.fromImage(image)))
