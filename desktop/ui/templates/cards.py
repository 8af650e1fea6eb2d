"""``StarterCards``: the starter workflows as clickable cards (a picture, a title, one line),
plus a button for the server's own template gallery. Shown where no workflow is open.

The card pictures are small PNGs from ``desktop/assets/starters``; they are decoded off the GUI
thread by the owner of this widget (:meth:`StarterCards.set_picture`)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractButton,
    QGridLayout,
    QLabel,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.buttons import named_button
from desktop.ui.i18n import Retranslatable
from desktop.ui.templates.texts import starter_line, starter_title
from desktop.workflow.starters import StarterKind

PICTURE = QSize(128, 80)  # the drawn size is 320×200: sharp on HiDPI screens too
COLUMNS = 2


class StarterCard(QAbstractButton):
    """A flat button holding a picture, a bold title and a wrapped line of text."""

    def __init__(self, kind: StarterKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setObjectName(f"starterCard-{kind.value}")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)  # the style highlights it under the mouse
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.picture = QLabel(self)
        self.picture.setFixedSize(PICTURE)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel(self)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.line = QLabel(self)
        self.line.setWordWrap(True)
        self.line.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        for label in (self.picture, self.title, self.line):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(2)
        layout.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.title)
        layout.addWidget(self.line)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(starter_title(self.kind))
        self.line.setText(starter_line(self.kind))
        self.setToolTip(starter_line(self.kind))
        self.setAccessibleName(starter_title(self.kind))

    def set_picture(self, image: QImage) -> None:
        pixmap = QPixmap.fromImage(image)
        ratio = self.devicePixelRatioF()
        pixmap = pixmap.scaled(
            PICTURE * ratio,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        pixmap.setDevicePixelRatio(ratio)
        self.picture.setPixmap(pixmap)

    def sizeHint(self) -> QSize:
        layout = self.layout()
        return layout.sizeHint() if layout is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        layout = self.layout()
        return layout.minimumSize() if layout is not None else super().minimumSizeHint()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        layout = self.layout()
        return layout.totalHeightForWidth(width) if layout is not None else -1

    def paintEvent(self, _event: object) -> None:
        option = QStyleOptionButton()
        option.initFrom(self)
        if self.isDown():
            option.state |= QStyle.StateFlag.State_Sunken
        else:
            option.state |= QStyle.StateFlag.State_Raised
        painter = QPainter(self)
        self.style().drawControl(QStyle.ControlElement.CE_PushButtonBevel, option, painter, self)


class StarterCards(Retranslatable, QWidget):
    """``starter_chosen(StarterKind value)`` when a card is clicked; ``browse_requested`` for
    the server's template gallery."""

    starter_chosen = Signal(str)
    browse_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("starterCards")
        self.heading = QLabel(self)
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.heading.setWordWrap(True)
        self.cards = {kind: StarterCard(kind, self) for kind in StarterKind}
        grid = QGridLayout()
        grid.setSpacing(6)
        for index, card in enumerate(self.cards.values()):
            grid.addWidget(card, index // COLUMNS, index % COLUMNS)
            card.clicked.connect(lambda _checked=False, k=card.kind: self.starter_chosen.emit(k))
        for column in range(COLUMNS):
            grid.setColumnStretch(column, 1)
        self.browse = named_button("browseTemplates", self.browse_requested, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 8, 8)
        layout.addWidget(self.heading)
        layout.addLayout(grid)
        layout.addWidget(self.browse, 0, Qt.AlignmentFlag.AlignHCenter)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Or start from one of these:"))
        self.browse.setText(self.tr("Browse the server's templates…"))
        for card in self.cards.values():
            card.retranslate()

    def set_picture(self, kind: StarterKind, image: QImage) -> None:
        self.cards[kind].set_picture(image)
