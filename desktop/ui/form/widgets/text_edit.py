"""Text inputs: multiline prompt editors that grow with their content, and one-line fields."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFrame, QLineEdit, QPlainTextEdit, QWidget

from desktop.ui.form.widgets.base import ParamEditor

if TYPE_CHECKING:
    from desktop.workflow.params import ParamSpec

MIN_LINES = 3
MAX_LINES = 14


class GrowingTextEdit(QPlainTextEdit):
    """A plain-text editor whose height follows its content between MIN_LINES and MAX_LINES."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._fit()

    def _fit(self, *_: object) -> None:
        lines = self.document().documentLayout().documentSize().height()
        shown = min(max(int(lines), MIN_LINES), MAX_LINES)
        margins = self.contentsMargins()
        frame = 2 * self.frameWidth() + margins.top() + margins.bottom()
        pad = 2 * int(self.document().documentMargin())
        self.setFixedHeight(shown * self.fontMetrics().lineSpacing() + pad + frame)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()


class PromptEdit(ParamEditor):
    def __init__(self, spec: ParamSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.text = self._hold(GrowingTextEdit(self))
        self.text.setFrameShape(QFrame.Shape.StyledPanel)
        self.text.textChanged.connect(lambda: self._emit(self.text.toPlainText()))

    def _show(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if self.text.toPlainText() != text:
            self.text.setPlainText(text)


class LineEdit(ParamEditor):
    def __init__(self, spec: ParamSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.line = self._hold(QLineEdit(self))
        self.line.textEdited.connect(self._emit)

    def _show(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if self.line.text() != text:
            self.line.setText(text)
