"""Paints one queue row: thumbnail, title, state line, and a thin progress bar when running.
Other clients' jobs are drawn in the palette's disabled colours."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.jobs.model import JobState
from desktop.ui.queue.model import ROW_ROLE, THUMB_ROLE, QueueRow
from desktop.ui.queue.text import failure_text, server_text, state_text

ROW_HEIGHT = 56
THUMB = 44
PAD = 6
_BAD = QColor(200, 60, 60)


def other_text(row: QueueRow) -> tuple[str, str]:
    title = QCoreApplication.translate("QueueDelegate", "Another client's job")
    if row.other_running:
        return title, QCoreApplication.translate("QueueDelegate", "Running on the server")
    return title, QCoreApplication.translate("QueueDelegate", "Waiting on the server")


def row_texts(row: QueueRow) -> tuple[str, str]:
    """(title, status line) as drawn; failures show the node and the reason."""
    job = row.job
    if job is None:
        return other_text(row)
    status = state_text(job)
    where = server_text(job)
    if where:
        status = f"{status} · {where}"
    reason = failure_text(job)
    if reason:
        status = f"{status} — {reason}"
    return job.title, status


class QueueDelegate(QStyledItemDelegate):
    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(200, ROW_HEIGHT)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        row: QueueRow | None = index.data(ROW_ROLE)
        if row is None:
            return
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget is not None else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorGroup.Normal if row.mine else QPalette.ColorGroup.Disabled
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text_colour = option.palette.color(group, role)
        rect = option.rect.adjusted(PAD, PAD, -PAD, -PAD)
        painter.save()
        thumb_rect = QRect(rect.left(), rect.top(), THUMB, THUMB)
        image: QImage | None = index.data(THUMB_ROLE)
        if image is not None and not image.isNull():
            size = image.size().scaled(thumb_rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, size.width(), size.height())
            target.moveCenter(thumb_rect.center())
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(target, image)
        else:
            frame = option.palette.color(group, QPalette.ColorRole.Mid)
            painter.setPen(frame)
            painter.drawRect(thumb_rect.adjusted(0, 0, -1, -1))
        text_left = thumb_rect.right() + PAD + 2
        text_rect = QRect(text_left, rect.top(), rect.right() - text_left, rect.height())
        title, status = row_texts(row)
        bold = QFont(option.font)
        bold.setBold(row.mine)
        painter.setFont(bold)
        painter.setPen(text_colour)
        metrics = QFontMetrics(bold)
        line = metrics.height()
        painter.drawText(
            QRect(text_rect.left(), text_rect.top(), text_rect.width(), line),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(title, Qt.TextElideMode.ElideRight, text_rect.width()),
        )
        painter.setFont(option.font)
        small = QFontMetrics(option.font)
        job = row.job
        failed = job is not None and job.state in (JobState.FAILED, JobState.LOST)
        if failed and not selected:
            painter.setPen(_BAD)
        painter.drawText(
            QRect(text_rect.left(), text_rect.top() + line + 2, text_rect.width(), small.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            small.elidedText(status, Qt.TextElideMode.ElideRight, text_rect.width()),
        )
        if job is not None and job.state is JobState.RUNNING:
            bar = QRect(text_rect.left(), rect.bottom() - 3, text_rect.width(), 4)
            painter.fillRect(bar, option.palette.color(QPalette.ColorRole.Mid))
            done = QRect(bar)
            done.setWidth(round(bar.width() * max(0.0, min(1.0, job.progress))))
            painter.fillRect(done, option.palette.color(QPalette.ColorRole.Highlight))
        painter.restore()
