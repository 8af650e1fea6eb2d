"""The picture area of the preview: newest-frame-wins decoding and crisp, aspect-true painting.

Frames are offered as they come off the socket. Only the newest undecoded frame is kept
(docs/PERFORMANCE.md §8): a frame that is replaced before it was decoded counts as dropped, so
decoding and painting never queue up behind the network. Small frames are decoded inside
``paintEvent`` — at most one decode per paint, and Qt folds many ``update()`` calls into one
paint. Large frames go to one Pillow worker at a time; what arrives meanwhile replaces the
pending frame. Sequence numbers keep a slow decode from overwriting a newer picture.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter, QPaintEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop.comfy.messages import PreviewImage
from desktop.ui.preview.decode import SMALL_FRAME_BYTES, ImageError, decode_async, decode_here
from desktop.ui.tasks import TaskOwner

log = logging.getLogger("comfydesk.ui")


@dataclass
class FrameStats:
    """Counters for the status line, the tests and bench/bench_preview.py."""

    received: int = 0
    dropped: int = 0  # replaced by a newer frame before it was decoded
    decoded: int = 0
    failed: int = 0  # unreadable frames
    painted: int = 0  # frames that reached the screen
    # Seconds from socket read to the paint that first showed the frame (newest 2000).
    latencies: deque[float] = field(default_factory=lambda: deque(maxlen=2000))


def fit_size(image: QSize, box: QSize) -> QSize:
    """``image`` scaled to fit inside ``box`` keeping its aspect ratio (never empty)."""
    if image.isEmpty() or box.isEmpty():
        return QSize(0, 0)
    scaled = image.scaled(box, Qt.AspectRatioMode.KeepAspectRatio)
    return QSize(max(1, scaled.width()), max(1, scaled.height()))


class PreviewCanvas(QWidget):
    def __init__(self, parent: QWidget | None = None, *, small_frame_bytes: int = -1) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(64, 64)
        self.stats = FrameStats()
        self._small = SMALL_FRAME_BYTES if small_frame_bytes < 0 else small_frame_bytes
        self._tasks = TaskOwner(self, area="ui", report_to_excepthook=False)
        self._pending: PreviewImage | None = None
        self._pending_seq = 0
        self._seq = 0  # last sequence number handed out
        self._shown_seq = 0  # sequence number of the picture on screen
        self._unpainted: float | None = None  # received_at of a decoded frame not yet painted
        self._fresh = False  # a new picture waits for its first paint
        self.shown_at: float | None = None  # time.monotonic() of a new picture's first paint
        self._decoding = False
        self._image = QImage()
        self._scaled = QPixmap()
        self._scaled_key: tuple[int, int, int, float] | None = None

    # ------------------------------------------------------------------ input

    def offer(self, frame: PreviewImage) -> None:
        """A new live frame: keep it as the only pending one and get it on screen soon."""
        self.stats.received += 1
        if self._pending is not None:
            self.stats.dropped += 1
        self._seq += 1
        self._pending, self._pending_seq = frame, self._seq
        if len(frame.image) <= self._small:
            self.update()  # decoded in paintEvent
        elif not self._decoding:
            self._decoding = True
            self._tasks.start(self._decode_large(), name="decode preview frame")

    def show_image(self, image: QImage) -> None:
        """Show a decoded picture (a final result); pending live frames are discarded."""
        self._seq += 1
        self._pending = None
        self._set_image(image, self._seq, None)

    async def show_file(self, path: Path, *, max_side: int | None = None) -> bool:
        """Decode ``path`` off the GUI thread and show it, unless a newer picture came first."""
        self._seq += 1
        seq = self._seq
        try:
            image = await decode_async(path, max_side)
        except ImageError as err:
            log.warning("Cannot show %s: %s", path, err)
            return False
        if seq < self._shown_seq:
            return False
        self._pending = None if self._pending_seq < seq else self._pending
        self._set_image(image, seq, None)
        return True

    def clear(self) -> None:
        self._seq += 1
        self._pending = None
        self._set_image(QImage(), self._seq, None)

    async def shutdown(self) -> None:
        await self._tasks.shutdown()

    # ------------------------------------------------------------------ queries

    def image(self) -> QImage:
        return self._image

    def displayed_pixmap(self) -> QPixmap:
        """The scaled pixmap painted last (device pixels; devicePixelRatio set)."""
        return self._scaled

    def image_rect(self) -> QRect:
        """Where the picture sits in the widget, in logical pixels."""
        size = fit_size(self._image.size(), self.contentsRect().size())
        rect = QRect(0, 0, size.width(), size.height())
        rect.moveCenter(self.contentsRect().center())
        return rect

    # ------------------------------------------------------------------ decoding

    def _set_image(self, image: QImage, seq: int, received_at: float | None) -> None:
        if seq < self._shown_seq:
            return
        self._shown_seq = seq
        self._image = image
        self._scaled_key = None
        self._unpainted = received_at
        self._fresh = True
        self.update()

    def _decode_pending_small(self) -> None:
        frame, seq = self._pending, self._pending_seq
        if frame is None or len(frame.image) > self._small:
            return
        self._pending = None
        image = decode_here(frame.image)
        if image.isNull():
            self.stats.failed += 1
            return
        self.stats.decoded += 1
        self._set_image(image, seq, frame.received_at)

    async def _decode_large(self) -> None:
        try:
            while self._pending is not None and len(self._pending.image) > self._small:
                frame, seq = self._pending, self._pending_seq
                self._pending = None
                try:
                    image = await decode_async(frame.image)
                except ImageError as err:
                    self.stats.failed += 1
                    log.info("Unreadable preview frame: %s", err)
                    continue
                self.stats.decoded += 1
                self._set_image(image, seq, frame.received_at)
        finally:
            self._decoding = False

    # ------------------------------------------------------------------ painting

    def _scaled_pixmap(self, target: QRect) -> QPixmap:
        dpr = self.devicePixelRatioF()
        key = (self._image.cacheKey(), target.width(), target.height(), dpr)
        if key != self._scaled_key:
            device = QSize(round(target.width() * dpr), round(target.height() * dpr))
            if device == self._image.size():
                scaled = self._image
            else:
                scaled = self._image.scaled(
                    device,
                    Qt.AspectRatioMode.IgnoreAspectRatio,  # target already has the aspect
                    Qt.TransformationMode.SmoothTransformation,
                )
            pixmap = QPixmap.fromImage(scaled)
            pixmap.setDevicePixelRatio(dpr)
            self._scaled, self._scaled_key = pixmap, key
        return self._scaled

    def paintEvent(self, event: QPaintEvent) -> None:
        self._decode_pending_small()
        if self._image.isNull():
            return
        target = self.image_rect()
        pixmap = self._scaled_pixmap(target)
        painter = QPainter(self)
        painter.drawPixmap(QRectF(target), pixmap, QRectF(pixmap.rect()))
        painter.end()
        if self._fresh:
            self._fresh = False
            self.shown_at = time.monotonic()
        if self._unpainted is not None:
            self.stats.painted += 1
            if self._unpainted > 0:
                self.stats.latencies.append(time.monotonic() - self._unpainted)
            self._unpainted = None

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._scaled_key = None
        super().resizeEvent(event)
