"""Text that fits a narrow panel: buttons that elide their text (the full text in the tooltip)
and messages that may wrap inside long file names."""

from __future__ import annotations

import re

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QAbstractButton, QLabel, QPushButton, QToolButton, QWidget

ZERO_WIDTH_SPACE = "\u200b"
# A run this long without a space (a file name, a path, a URL) gets break opportunities after
# its separators; a wrapped QLabel is never narrower than its longest unbreakable run.
_LONG_RUN = re.compile(r"\S{16,}")
_SEPARATOR = re.compile(r"([_\-./\\:,])(?=\S)")
MIN_TEXT_WIDTH = 48  # an elided button still shows a few letters and the ellipsis


def breakable(text: str) -> str:
    """``text`` with invisible break opportunities after separators in long runs, so a
    word-wrapped label can wrap "very_long_model_name.safetensors" instead of growing."""
    return _LONG_RUN.sub(lambda m: _SEPARATOR.sub(rf"\1{ZERO_WIDTH_SPACE}", m.group(0)), text)


def unbreakable(text: str) -> str:
    """The text as the artist wrote it (for copying)."""
    return text.replace(ZERO_WIDTH_SPACE, "")


class _Eliding:
    """Shows its text elided to the width it gets, so it never widens the panel; ``text()``
    is the full text, which the tooltip also shows while it is cut."""

    _base: type[QAbstractButton] | type[QLabel]
    _padding: int  # frame, margins and (for tool buttons) the arrow beside the text

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)  # type: ignore[call-arg]
        self._full = ""
        self._own_tooltip = ""

    def text(self) -> str:
        return self._full

    def setText(self, text: str) -> None:
        self._full = text
        self._refit()

    def setToolTip(self, text: str) -> None:
        self._own_tooltip = text
        self._refit()

    def sizeHint(self) -> QSize:
        hint = self._base.sizeHint(self)  # type: ignore[arg-type]
        metrics = self.fontMetrics()  # type: ignore[attr-defined]
        shown = self._base.text(self)  # type: ignore[arg-type]
        extra = metrics.horizontalAdvance(self._full) - metrics.horizontalAdvance(shown)
        return QSize(hint.width() + max(extra, 0), hint.height())

    def minimumSizeHint(self) -> QSize:
        hint = self._base.minimumSizeHint(self)  # type: ignore[arg-type]
        return QSize(min(hint.width(), MIN_TEXT_WIDTH + self._padding), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._base.resizeEvent(self, event)  # type: ignore[arg-type]
        self._refit()

    def showEvent(self, event: QShowEvent) -> None:
        self._base.showEvent(self, event)  # type: ignore[arg-type]
        self._refit()  # the first resize came while it was still hidden

    def _refit(self) -> None:
        if not self.isVisible():  # type: ignore[attr-defined]
            # Not laid out yet: show the whole text; the first resize fits it (building a
            # form sets many titles, and eliding each one before it has a width is waste).
            self._base.setText(self, self._full)  # type: ignore[arg-type]
            self._base.setToolTip(self, self._own_tooltip)  # type: ignore[arg-type]
            return
        room = self.width() - self._padding  # type: ignore[attr-defined]
        metrics = self.fontMetrics()  # type: ignore[attr-defined]
        shown = metrics.elidedText(self._full, Qt.TextElideMode.ElideRight, max(room, 0))
        if self._base.text(self) != shown:  # type: ignore[arg-type]
            self._base.setText(self, shown)  # type: ignore[arg-type]
        cut = "" if shown == self._full else self._full
        tooltip = "\n\n".join(t for t in (cut, self._own_tooltip) if t)
        if self._base.toolTip(self) != tooltip:  # type: ignore[arg-type]
            self._base.setToolTip(self, tooltip)  # type: ignore[arg-type]


class ElidingToolButton(_Eliding, QToolButton):
    """A section header whose title elides instead of widening the form."""

    _base = QToolButton
    _padding = 36


class ElidingPushButton(_Eliding, QPushButton):
    """A push button (a suggestion naming a long file) that may shrink with the panel."""

    _base = QPushButton
    _padding = 24


class ElidingLabel(_Eliding, QLabel):
    """A one-line label (the connection bar's message) that ends in "…" when cut."""

    _base = QLabel
    _padding = 2


class WrappingLabel(QLabel):
    """A word-wrapped label that also wraps inside long file names and paths instead of
    growing wider than its panel. ``text()`` gives the text as set (for copying and tests)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)

    def setText(self, text: str) -> None:
        super().setText(breakable(text))

    def text(self) -> str:
        return unbreakable(super().text())
