"""``ImageCanvas``: shows one image fitted, at 100 % or any zoom, with wheel zoom around the
cursor and drag to pan. The image arrives decoded (Pillow, off the GUI thread)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPainter, QPaintEvent, QPalette, QWheelEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop.base.read_only import ReadOnly

MIN_ZOOM = 0.02
MAX_ZOOM = 32.0
STEP = 1.25


class ImageCanvas(QWidget):
    zoom_changed = Signal(float)  # the effective scale (1.0 = 100 %)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("galleryCanvas")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Dark)
        self._image: QImage | None = None
        self._fit = True
        self._zoom = 1.0
        self._center = QPointF()  # image point shown at the widget centre (zoom mode)
        self._drag_from: QPointF | None = None
        self.placeholder = ""

    # -- state -----------------------------------------------------------------------------

    image: ReadOnly[QImage | None] = ReadOnly("_image")
    fitted: ReadOnly[bool] = ReadOnly("_fit")

    @property
    def zoom(self) -> float:
        return self._fit_scale() if self._fit else self._zoom

    def set_image(self, image: QImage | None, *, keep_view: bool = False) -> None:
        """Show ``image``; ``keep_view`` keeps zoom and position (a sharper copy of the same
        picture replacing its thumbnail)."""
        old = self._image
        self._image = image
        if image is not None and keep_view and old is not None and not self._fit:
            factor = image.width() / max(1, old.width())
            self._zoom /= factor
            self._center = QPointF(self._center.x() * factor, self._center.y() * factor)
        elif not keep_view:
            self._fit = True
        self._clamp()
        self.update()
        self.zoom_changed.emit(self.zoom)

    def fit(self) -> None:
        self._fit = True
        self.update()
        self.zoom_changed.emit(self.zoom)

    def actual_size(self) -> None:
        self.set_zoom(1.0)

    def set_zoom(self, zoom: float, anchor: QPointF | None = None) -> None:
        if self._image is None:
            return
        zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
        if self._fit:
            self._center = QPointF(self._image.width() / 2, self._image.height() / 2)
        if anchor is not None:
            # Keep the image point under the cursor where it is.
            before = self._to_image(anchor)
            self._zoom, self._fit = zoom, False
            after = self._to_image(anchor)
            self._center += before - after
        else:
            self._zoom, self._fit = zoom, False
        self._clamp()
        self.update()
        self.zoom_changed.emit(self.zoom)

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom * STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom / STEP)

    def pan_by(self, dx: float, dy: float) -> None:
        """Move the view by widget pixels (only when zoomed)."""
        if self._fit or self._image is None:
            return
        self._center -= QPointF(dx / self._zoom, dy / self._zoom)
        self._clamp()
        self.update()

    @property
    def center(self) -> QPointF:
        return QPointF(self._center)

    # -- geometry --------------------------------------------------------------------------

    def _fit_scale(self) -> float:
        if self._image is None or self._image.isNull():
            return 1.0
        w, h = max(1, self.width() - 8), max(1, self.height() - 8)
        return min(w / self._image.width(), h / self._image.height())

    def _target(self) -> QRectF:
        assert self._image is not None
        scale = self.zoom
        w, h = self._image.width() * scale, self._image.height() * scale
        if self._fit:
            return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)
        left = self.width() / 2 - self._center.x() * scale
        top = self.height() / 2 - self._center.y() * scale
        return QRectF(left, top, w, h)

    def _to_image(self, point: QPointF) -> QPointF:
        target = self._target()
        scale = self.zoom
        return QPointF((point.x() - target.left()) / scale, (point.y() - target.top()) / scale)

    def _clamp(self) -> None:
        if self._image is None or self._fit:
            return
        half_w = self.width() / 2 / self._zoom
        half_h = self.height() / 2 / self._zoom
        iw, ih = self._image.width(), self._image.height()
        x = iw / 2 if 2 * half_w >= iw else min(max(self._center.x(), half_w), iw - half_w)
        y = ih / 2 if 2 * half_h >= ih else min(max(self._center.y(), half_h), ih - half_h)
        self._center = QPointF(x, y)

    # -- Qt events -------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(800, 600)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        if self._image is None or self._image.isNull():
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.placeholder)
            return
        smooth = self.zoom < 1.0 or self._fit
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, smooth)
        painter.drawImage(self._target(), self._image)

    def resizeEvent(self, event: object) -> None:
        self._clamp()
        super().resizeEvent(event)  # type: ignore[arg-type]

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps and self._image is not None:
            self.set_zoom(self.zoom * STEP**steps, event.position())
            event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and not self._fit:
            self._drag_from = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is not None:
            delta = event.position() - self._drag_from
            self._drag_from = event.position()
            self.pan_by(delta.x(), delta.y())
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._drag_from = None
        self.unsetCursor()
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self._fit:
            self.set_zoom(1.0, event.position())
        else:
            self.fit()
