"""A list view that tells the artist what to do while it is empty."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QListView, QWidget


class HintListView(QListView):
    """``QListView`` that paints a title and a sentence in its viewport while the model has no
    rows (an empty grid alone does not say whether something is wrong)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = ""
        self._body = ""

    def set_hint(self, title: str, body: str) -> None:
        self._title, self._body = title, body
        self.viewport().update()

    def hint(self) -> tuple[str, str]:
        return self._title, self._body

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is None or model.rowCount() > 0 or not (self._title or self._body):
            return
        painter = QPainter(self.viewport())
        rect = self.viewport().rect().adjusted(12, 12, -12, -12)
        half = rect.height() // 2
        title_font = painter.font()
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.2)
        painter.setFont(title_font)
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap
        title_rect = QRect(rect.left(), rect.top(), rect.width(), half - 4)
        painter.drawText(title_rect, flags | Qt.AlignmentFlag.AlignBottom, self._title)
        painter.setFont(self.font())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        body_rect = QRect(rect.left(), rect.top() + half + 4, rect.width(), half - 4)
        painter.drawText(body_rect, flags | Qt.AlignmentFlag.AlignTop, self._body)
        painter.end()
