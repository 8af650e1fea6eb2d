"""``CompareWindow``: two results side by side, or overlaid with a draggable divider, and a
table of their settings with every difference highlighted."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QRadioButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.gallery import params
from desktop.ui.gallery.canvas import ImageCanvas
from desktop.ui.gallery.sources import GalleryEntry, LibrarySource, ServerSource
from desktop.ui.gallery.thumbs import load_qimage
from desktop.ui.i18n import Retranslatable
from desktop.ui.tasks import TaskOwner

DIFF_COLOR = QColor(255, 170, 0, 70)


class SliderCompare(QWidget):
    """Both pictures in the same place; left of the divider is A, right of it is B."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareSlider")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Dark)
        self.images: list[QImage | None] = [None, None]
        self.split = 0.5

    def sizeHint(self) -> QSize:
        return QSize(800, 600)

    def set_split(self, split: float) -> None:
        self.split = min(1.0, max(0.0, split))
        self.update()

    def _fit(self, image: QImage) -> QRectF:
        scale = min(self.width() / image.width(), self.height() / image.height())
        w, h = image.width() * scale, image.height() * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        x = self.width() * self.split
        a, b = self.images
        # Each picture is fitted on its own, so different sizes still line up at the centre.
        if b is not None and not b.isNull():
            painter.save()
            painter.setClipRect(QRectF(x, 0, self.width() - x, self.height()))
            painter.drawImage(self._fit(b), b)
            painter.restore()
        if a is not None and not a.isNull():
            painter.save()
            painter.setClipRect(QRectF(0, 0, x, self.height()))
            painter.drawImage(self._fit(a), a)
            painter.restore()
        painter.setPen(QColor(255, 255, 255, 220))
        painter.drawLine(int(x), 0, int(x), self.height())

    def _move(self, event: QMouseEvent) -> None:
        self.set_split(event.position().x() / max(1, self.width()))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._move(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._move(event)


class CompareWindow(Retranslatable, QWidget):
    def __init__(
        self,
        entries: Sequence[GalleryEntry],
        source: LibrarySource | ServerSource,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        if len(entries) != 2:
            raise ValueError("compare needs exactly two pictures")
        self.setObjectName("galleryCompare")
        self.entries = tuple(entries)
        self.source = source
        self._tasks = TaskOwner(self, area="gallery", report_to_excepthook=False)

        self.side_by_side = QRadioButton(self)
        self.side_by_side.setObjectName("compareSideBySide")
        self.slider_mode = QRadioButton(self)
        self.slider_mode.setObjectName("compareSliderMode")
        self.side_by_side.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.side_by_side)
        group.addButton(self.slider_mode)
        self.side_by_side.toggled.connect(self._mode_changed)

        self.canvases = (ImageCanvas(self), ImageCanvas(self))
        pair = QSplitter(self)
        for canvas in self.canvases:
            pair.addWidget(canvas)
        self.slider = SliderCompare(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(pair)
        self.stack.addWidget(self.slider)

        self.table = QTableWidget(len(params.FIELDS), 2, self)
        self.table.setObjectName("compareTable")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().sectionResized.connect(self.table.resizeRowsToContents)
        self.differences = params.differences(*self.entries)
        self._fill_table()

        modes = QHBoxLayout()
        modes.addWidget(self.side_by_side)
        modes.addWidget(self.slider_mode)
        modes.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.stack)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(0, 3)
        splitter.setSizes([600, 260])
        layout = QVBoxLayout(self)
        layout.addLayout(modes)
        layout.addWidget(splitter, 1)
        self.resize(1200, 900)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Compare Pictures"))
        self.side_by_side.setText(self.tr("Side by side"))
        self.slider_mode.setText(self.tr("Slider"))
        self.table.setHorizontalHeaderLabels([self.tr("Left (A)"), self.tr("Right (B)")])
        self.table.setVerticalHeaderLabels([params.label(f) for f, _ in params.FIELDS])

    def _fill_table(self) -> None:
        columns = [params.values(e) for e in self.entries]
        for row, (field, _source) in enumerate(params.FIELDS):
            differs = field in self.differences
            for column, shown in enumerate(columns):
                item = QTableWidgetItem(shown[field])
                if differs:
                    item.setBackground(QBrush(DIFF_COLOR))
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()

    def _mode_changed(self) -> None:
        self.stack.setCurrentIndex(0 if self.side_by_side.isChecked() else 1)

    def load(self) -> asyncio.Task[None]:
        return self._tasks.start(self._load(), name="compare load")

    async def _load(self) -> None:
        for index, entry in enumerate(self.entries):
            image = await load_qimage(await self.source.original(entry))
            self.canvases[index].set_image(image)
            self.slider.images[index] = image
            self.slider.update()

    async def shutdown(self) -> None:
        await self._tasks.shutdown()
