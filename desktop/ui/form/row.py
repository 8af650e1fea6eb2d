"""One labelled parameter: the editor, its reset button, its error messages and, for a value
the server lacks, a one-click "Use <closest choice>" fix."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QContextMenuEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.fitting import ElidingPushButton, WrappingLabel
from desktop.ui.form.labels import param_label, param_tooltip
from desktop.ui.form.widgets.base import ParamEditor
from desktop.workflow.params import ParamKind

ERROR_COLOR = QColor("#d32f2f")
ERROR_STYLE = "color: #d32f2f;"  # for one-off labels; rows use a palette (see ParamFrame)
LABEL_WIDTH = 120
WIDE_KINDS = frozenset({ParamKind.IMAGE, ParamKind.MASK})


class ParamFrame(QFrame):
    """Holds the editor; draws a red rounded border while the value is invalid.

    Painted by hand rather than with a style sheet: a style sheet per row made every editor in
    the form go through Qt's style-sheet engine, a large share of the cost of building a form.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paramFrame")
        self.setProperty("invalid", False)

    def set_invalid(self, invalid: bool) -> None:
        if self.property("invalid") != invalid:
            self.setProperty("invalid", invalid)
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.property("invalid"):
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(ERROR_COLOR, 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)


class RowLabel(QLabel):
    """A parameter's name beside its field: LABEL_WIDTH wide so the fields of a section line
    up, narrower (wrapping its words) when the panel is narrow."""

    def sizeHint(self) -> QSize:
        return QSize(LABEL_WIDTH, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()  # the longest word, for a word-wrapped label
        return QSize(min(LABEL_WIDTH, hint.width()), hint.height())


class ParamRow(QWidget):
    reset_requested = Signal()
    suggestion_requested = Signal()
    list_requested = Signal()  # "show the choices": no alike name to suggest

    def __init__(
        self, editor: ParamEditor, parent: QWidget | None = None, *, show_label: bool = True
    ) -> None:
        super().__init__(parent)
        spec = editor.spec
        self.editor = editor
        self.label = RowLabel(self)
        self.label.setWordWrap(True)
        self.label.setToolTip(param_tooltip(spec))
        self.label.setBuddy(editor.focus_target())
        editor.setToolTip(param_tooltip(spec))
        self.frame = ParamFrame(self)
        frame_layout = QVBoxLayout(self.frame)
        frame_layout.setContentsMargins(1, 1, 1, 1)
        frame_layout.addWidget(editor)
        self.reset_button = QToolButton(self)
        self.reset_button.setText("↺")
        self.reset_button.setAutoRaise(True)
        self.reset_button.clicked.connect(self.reset_requested)
        policy = self.reset_button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.reset_button.setSizePolicy(policy)
        self.reset_button.hide()
        # Most rows never show an error, a suggestion or their context menu: those widgets are
        # made on first use (see the properties below), which keeps opening a form quick.
        self._error_label: QLabel | None = None
        self._suggestion_button: QPushButton | None = None
        self._list_button: QPushButton | None = None
        self._reset_action: QAction | None = None
        self._suggestion: Any = None
        self._grid = QGridLayout(self)
        self._layout(wide=spec.multiline or spec.kind in WIDE_KINDS, show_label=show_label)
        self.retranslate()

    def _layout(self, *, wide: bool, show_label: bool) -> None:
        grid = self._grid
        grid.setContentsMargins(0, 2, 0, 2)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        if not show_label:
            # A lone prompt under its "Positive prompt" header: no label, reset beside it.
            self.label.hide()
            grid.addWidget(self.frame, 0, 0)
            grid.addWidget(self.reset_button, 0, 1, Qt.AlignmentFlag.AlignTop)
            self._below = (1, 0, 2)  # first row, column and column span of error/suggestion
            grid.setColumnStretch(0, 1)
            return
        if wide:
            # Prompts and images get the full width; their label sits above them.
            grid.addWidget(self.label, 0, 0)
            grid.addWidget(self.reset_button, 0, 1, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(self.frame, 1, 0, 1, 2)
            self._below = (2, 0, 2)
            grid.setColumnStretch(0, 1)
            return
        grid.addWidget(self.label, 0, 0, Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(self.frame, 0, 1)
        grid.addWidget(self.reset_button, 0, 2)
        self._below = (1, 1, 2)
        grid.setColumnStretch(1, 1)

    @property
    def error_label(self) -> QLabel:
        if self._error_label is None:
            label = WrappingLabel(self)  # long file names wrap too
            palette = label.palette()
            palette.setColor(QPalette.ColorRole.WindowText, ERROR_COLOR)
            label.setPalette(palette)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.hide()
            row, column, span = self._below
            self._grid.addWidget(label, row, column, 1, span)
            self._error_label = label
        return self._error_label

    @property
    def suggestion_button(self) -> QPushButton:
        if self._suggestion_button is None:
            button = ElidingPushButton(self)  # it names a file: may be long, elides to fit
            button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            button.clicked.connect(self.suggestion_requested)
            button.hide()
            row, column, span = self._below
            self._grid.addWidget(button, row + 1, column, 1, span, Qt.AlignmentFlag.AlignLeft)
            QWidget.setTabOrder(self.reset_button, button)  # where it was when made up front
            self._suggestion_button = button
        return self._suggestion_button

    @property
    def list_button(self) -> QPushButton:
        if self._list_button is None:
            button = QPushButton(self)
            button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            button.clicked.connect(self.list_requested)
            button.hide()
            row, column, span = self._below  # where a suggestion would be; never both
            self._grid.addWidget(button, row + 1, column, 1, span, Qt.AlignmentFlag.AlignLeft)
            self._list_button = button
            self.retranslate()
        return self._list_button

    @property
    def reset_action(self) -> QAction:
        if self._reset_action is None:
            self._reset_action = QAction(self.tr("Reset to workflow value"), self)
            self._reset_action.triggered.connect(self.reset_requested)
        return self._reset_action

    def retranslate(self) -> None:
        self.label.setText(param_label(self.editor.spec))
        self.reset_button.setToolTip(self.tr("Reset to workflow value"))
        if self._reset_action is not None:
            self._reset_action.setText(self.tr("Reset to workflow value"))
        if self._list_button is not None:
            self._list_button.setText(self.tr("Show the choices"))
        self._show_suggestion()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        menu.addAction(self.reset_action)
        self.reset_action.setEnabled(self.reset_button.isVisible())
        menu.popup(event.globalPos())

    # -- state from the model ----------------------------------------------------------------
    def set_modified(self, modified: bool) -> None:
        self.reset_button.setVisible(modified)

    def set_errors(self, messages: list[str]) -> None:
        if messages or self._error_label is not None:
            self.error_label.setText("\n".join(messages))
            self.error_label.setVisible(bool(messages))
        self.frame.set_invalid(bool(messages))

    def errors(self) -> list[str]:
        text = self._error_label.text() if self._error_label is not None else ""
        return text.split("\n") if text else []

    def set_list_offer(self, offer: bool) -> None:
        if offer or self._list_button is not None:
            self.list_button.setVisible(offer)

    def set_suggestion(self, suggestion: Any) -> None:
        self._suggestion = suggestion
        self._show_suggestion()

    def _show_suggestion(self) -> None:
        if self._suggestion is None:
            if self._suggestion_button is not None:
                self._suggestion_button.hide()
            return
        text = self.tr("Use “{choice}”").format(choice=self._suggestion)
        self.suggestion_button.setText(text)
        self.suggestion_button.show()
