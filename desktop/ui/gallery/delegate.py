"""Paints one gallery tile: thumbnail (or a placeholder while it loads), a star badge and one
line of prompt text. No per-item widgets; scaled pixmaps are cached so scrolling only blits.

The pixmap cache is looked up before the model's decoded image: a tile that has been painted
once stays painted even after the (smaller) decoded-image cache let its image go, so a screen
with more tiles than that cache never reloads thumbnails in a loop."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop.ui.gallery.model import EntryRole, FailedRole
from desktop.ui.gallery.sources import GalleryEntry

PIXMAP_CACHE = 250  # tile-sized pixmaps: ~28 MB at 168 px (a 4K screen shows ~210 tiles)
CAPTION_HEIGHT = 20
PADDING = 6
STAR_COLOR = QColor(255, 196, 0)


class GalleryDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget | None = None, *, tile: int = 168) -> None:
        super().__init__(parent)
        self.tile = tile
        self._pixmaps: OrderedDict[tuple[Hashable, int, int, float], QPixmap] = OrderedDict()
        self._blank: tuple[tuple[int, int, int, float], QPixmap] | None = None

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(self.tile + 2 * PADDING, self.tile + CAPTION_HEIGHT + 2 * PADDING)

    def _cached(self, key: Hashable, box: QSize, ratio: float) -> QPixmap | None:
        cache_key = (key, box.width(), box.height(), ratio)
        pixmap = self._pixmaps.get(cache_key)
        if pixmap is None or pixmap.cacheKey() == 0:
            return None
        self._pixmaps.move_to_end(cache_key)
        return pixmap

    def _scaled(self, key: Hashable, image: QImage, box: QSize, ratio: float) -> QPixmap:
        target = QSize(int(box.width() * ratio), int(box.height() * ratio))
        scaled = image.scaled(
            target,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        pixmap = QPixmap.fromImage(scaled)
        pixmap.setDevicePixelRatio(ratio)
        self._pixmaps[(key, box.width(), box.height(), ratio)] = pixmap
        while len(self._pixmaps) > PIXMAP_CACHE:
            self._pixmaps.popitem(last=False)
        return pixmap

    def _pixmap(
        self,
        entry: GalleryEntry | None,
        index: QModelIndex | QPersistentModelIndex,
        box: QSize,
        painter: QPainter,
    ) -> QPixmap | None:
        if entry is None:
            return None
        ratio = painter.device().devicePixelRatioF() if painter.device() else 1.0
        pixmap = self._cached(entry.key, box, ratio)
        if pixmap is not None:
            return pixmap
        image = index.data(Qt.ItemDataRole.DecorationRole)
        if not isinstance(image, QImage) or image.isNull():
            return None
        return self._scaled(entry.key, image, box, ratio)

    def forget(self, key: Hashable) -> None:
        for cache_key in [k for k in self._pixmaps if k[0] == key]:
            del self._pixmaps[cache_key]

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        painter.save()
        try:
            self._paint(painter, option, index)
        finally:
            painter.restore()

    def _paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect: QRect = option.rect.adjusted(2, 2, -2, -2)
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(rect, 6, 6)
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.AlternateBase))
            painter.drawRoundedRect(rect, 6, 6)

        box = QRect(rect.left() + PADDING - 2, rect.top() + PADDING - 2, self.tile, self.tile)
        entry: GalleryEntry | None = index.data(EntryRole)
        pixmap = self._pixmap(entry, index, box.size(), painter)
        if pixmap is not None:
            size = pixmap.deviceIndependentSize().toSize()
            x = box.left() + (box.width() - size.width()) // 2
            y = box.top() + (box.height() - size.height()) // 2
            painter.drawPixmap(x, y, pixmap)
        else:
            self._placeholder(painter, box, palette, failed=bool(index.data(FailedRole)))
        if entry is not None and entry.starred:
            self._star(painter, box)

        caption = QRect(box.left(), box.bottom() + 2, box.width(), CAPTION_HEIGHT - 2)
        text = "" if entry is None else (entry.params.positive or entry.file_name)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(palette.color(role))
        metrics = option.fontMetrics
        elided = metrics.elidedText(
            " ".join(text.split()), Qt.TextElideMode.ElideRight, box.width()
        )
        painter.drawText(
            caption, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, elided
        )

    def _placeholder(
        self, painter: QPainter, box: QRect, palette: QPalette, *, failed: bool
    ) -> None:
        painter.drawPixmap(box.topLeft(), self._blank_tile(box.size(), palette, painter))
        if failed:
            painter.save()
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            font = QFont(painter.font())
            font.setPointSizeF(font.pointSizeF() * 2)
            painter.setFont(font)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "\N{MULTIPLICATION SIGN}")
            painter.restore()

    def _blank_tile(self, size: QSize, palette: QPalette, painter: QPainter) -> QPixmap:
        """The grey tile of a picture not loaded yet, drawn once: a fling paints hundreds,
        and an antialiased translucent rounded rectangle each was most of a frame's time."""
        base = palette.color(QPalette.ColorRole.Mid)
        ratio = painter.device().devicePixelRatioF() if painter.device() else 1.0
        key = (size.width(), size.height(), base.rgba(), ratio)
        if self._blank is not None and self._blank[0] == key:
            return self._blank[1]
        pixmap = QPixmap(round(size.width() * ratio), round(size.height() * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        tile = QPainter(pixmap)
        tile.setRenderHint(QPainter.RenderHint.Antialiasing)
        base.setAlpha(70)
        tile.setPen(Qt.PenStyle.NoPen)
        tile.setBrush(base)
        tile.drawRoundedRect(QRect(QPoint(0, 0), size).adjusted(8, 8, -8, -8), 8, 8)
        tile.end()
        self._blank = (key, pixmap)
        return pixmap

    def _star(self, painter: QPainter, box: QRect) -> None:
        badge = QRect(box.right() - 26, box.top() + 4, 22, 22)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 140))
        painter.drawEllipse(badge)
        painter.setPen(STAR_COLOR)
        font = QFont(painter.font())
        font.setPixelSize(15)
        painter.setFont(font)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "\N{BLACK STAR}")
