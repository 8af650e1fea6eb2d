"""One labelled parameter: the editor, its reset button, its error messages and, for a value
the server lacks, a one-click "Use <closest choice>" fix."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QContextMenuEvent
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

from desktop.ui.form.widgets.base import ParamEditor
from desktop.workflow.params import ParamKind

INVALID_STYLE = (
    'QFrame#paramFrame[invalid="true"] { border: 1px solid #d32f2f; border-radius: 3px; }'
)
ERROR_STYLE = "color: #d32f2f;"
LABEL_WIDTH = 120
WIDE_KINDS = frozenset({ParamKind.IMAGE, ParamKind.MASK})


class ParamRow(QWidget):
    reset_requested = Signal()
    suggestion_requested = Signal()

    def __init__(
        self, editor: ParamEditor, parent: QWidget | None = None, *, show_label: bool = True
    ) -> None:
        super().__init__(parent)
        spec = editor.spec
        self.editor = editor
        self.label = QLabel(spec.label or spec.input_name, self)
        self.label.setWordWrap(True)
        self.label.setToolTip(spec.tooltip)
        self.label.setBuddy(editor.focus_target())
        editor.setToolTip(spec.tooltip)
        self.frame = QFrame(self)
        self.frame.setObjectName("paramFrame")
        self.frame.setStyleSheet(INVALID_STYLE)
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
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        self.suggestion_button = QPushButton(self)
        self.suggestion_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.suggestion_button.clicked.connect(self.suggestion_requested)
        self.suggestion_button.hide()
        self._suggestion: Any = None
        self.reset_action = QAction(self)
        self.reset_action.triggered.connect(self.reset_requested)
        self._layout(wide=spec.multiline or spec.kind in WIDE_KINDS, show_label=show_label)
        self.retranslate()

    def _layout(self, *, wide: bool, show_label: bool) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 2, 0, 2)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        if not show_label:
            # A lone prompt under its "Positive prompt" header: no label, reset beside it.
            self.label.hide()
            grid.addWidget(self.frame, 0, 0)
            grid.addWidget(self.reset_button, 0, 1, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(self.error_label, 1, 0, 1, 2)
            grid.addWidget(self.suggestion_button, 2, 0, 1, 2, Qt.AlignmentFlag.AlignLeft)
            grid.setColumnStretch(0, 1)
            return
        if wide:
            # Prompts and images get the full width; their label sits above them.
            grid.addWidget(self.label, 0, 0)
            grid.addWidget(self.reset_button, 0, 1, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(self.frame, 1, 0, 1, 2)
            grid.addWidget(self.error_label, 2, 0, 1, 2)
            grid.addWidget(self.suggestion_button, 3, 0, 1, 2, Qt.AlignmentFlag.AlignLeft)
            grid.setColumnStretch(0, 1)
            return
        self.label.setFixedWidth(LABEL_WIDTH)
        grid.addWidget(self.label, 0, 0, Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(self.frame, 0, 1)
        grid.addWidget(self.reset_button, 0, 2)
        grid.addWidget(self.error_label, 1, 1, 1, 2)
        grid.addWidget(self.suggestion_button, 2, 1, 1, 2, Qt.AlignmentFlag.AlignLeft)
        grid.setColumnStretch(1, 1)

    def retranslate(self) -> None:
        self.reset_button.setToolTip(self.tr("Reset to workflow value"))
        self.reset_action.setText(self.tr("Reset to workflow value"))
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
        self.error_label.setText("\n".join(messages))
        self.error_label.setVisible(bool(messages))
        invalid = bool(messages)
        if self.frame.property("invalid") != invalid:
            self.frame.setProperty("invalid", invalid)
            self.frame.style().unpolish(self.frame)
            self.frame.style().polish(self.frame)

    def errors(self) -> list[str]:
        text = self.error_label.text()
        return text.split("\n") if text else []

    def is_invalid(self) -> bool:
        return bool(self.frame.property("invalid"))

    def set_suggestion(self, suggestion: Any) -> None:
        self._suggestion = suggestion
        self._show_suggestion()

    def _show_suggestion(self) -> None:
        if self._suggestion is None:
            self.suggestion_button.hide()
            return
        text = self.tr("Use “{choice}”").format(choice=self._suggestion)
        self.suggestion_button.setText(text)
        self.suggestion_button.show()
