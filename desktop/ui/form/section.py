"""Collapsible form sections (one per node) with an "Advanced" fold for rarely-touched inputs."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from desktop.ui.fitting import ElidingToolButton


class Fold(QWidget):
    """A header button that shows or hides a body widget."""

    def __init__(self, title: str, *, expanded: bool, bold: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.header = ElidingToolButton(self)  # a long node title elides, with a tooltip
        self.header.setText(title)
        self.header.setCheckable(True)
        self.header.setAutoRaise(True)
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.header.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        if bold:
            font = QFont(self.header.font())
            font.setBold(True)
            self.header.setFont(font)
        self.body = QWidget(self)
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(12, 0, 0, 4)
        self.body_layout.setSpacing(2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.body)
        self.header.toggled.connect(self.set_expanded)
        self.header.setChecked(expanded)
        self.set_expanded(expanded)

    def add(self, widget: QWidget) -> None:
        self.body_layout.addWidget(widget)

    def set_expanded(self, expanded: bool) -> None:
        if self.header.isChecked() != expanded:
            self.header.setChecked(expanded)
            return
        self.header.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.body.setVisible(expanded)


class FormSection(Fold):
    """One node's inputs; advanced inputs sit in a folded "Advanced" group inside it."""

    def __init__(self, title: str, node_id: str, parent: QWidget | None = None) -> None:
        super().__init__(title, expanded=True, bold=True, parent=parent)
        self.node_id = node_id
        self.advanced: Fold | None = None

    def add_advanced(self, widget: QWidget) -> None:
        if self.advanced is None:
            self.advanced = Fold("", expanded=False, bold=False, parent=self.body)
            self.retranslate()
            self.body_layout.addWidget(self.advanced)
        self.advanced.add(widget)

    def retranslate(self) -> None:
        if self.advanced is not None:
            self.advanced.header.setText(self.tr("Advanced"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
