"""``GenerateBar``: the big Generate button at the bottom of the form, with the batch count
(``Generate ×N``), a menu for "Generate at Front" and an Interrupt button.

The bar only mirrors the window's actions (enabled state included) and reports the count; the
workspace does the work:

    bar = GenerateBar(window.commands)
    bar.count_changed.connect(workspace.set_batch_count)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QWidget,
)

from desktop.ui.i18n import Retranslatable
from desktop.ui.workspace import MAX_BATCH

if TYPE_CHECKING:
    from desktop.ui.main_window import WindowActions

BUTTON_HEIGHT = 40


class GenerateBar(Retranslatable, QWidget):
    count_changed = Signal(int)

    def __init__(self, actions: WindowActions, parent: QWidget | None = None) -> None:
        """Mirrors ``actions.generate`` and ``actions.interrupt``; "at front" is in its menu."""
        super().__init__(parent)
        self.setObjectName("generateBar")
        self._generate = actions.generate
        self._interrupt = actions.interrupt
        self.count = QSpinBox(self)
        self.count.setObjectName("batchCount")
        self.count.setRange(1, MAX_BATCH)
        self.count.setPrefix("×")
        self.count.setMinimumHeight(BUTTON_HEIGHT)
        self.count.valueChanged.connect(self._count_edited)

        self.button = QPushButton(self)
        self.button.setObjectName("generateButton")
        self.button.setDefault(True)
        self.button.setMinimumHeight(BUTTON_HEIGHT)
        self.button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        font = self.button.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.button.setFont(font)
        self.button.clicked.connect(actions.generate.trigger)

        self.more = QToolButton(self)
        self.more.setObjectName("generateMore")
        self.more.setArrowType(Qt.ArrowType.UpArrow)
        self.more.setMinimumHeight(BUTTON_HEIGHT)
        self.more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.more)
        menu.addAction(actions.generate_front)
        menu.addAction(actions.interrupt)
        self.more.setMenu(menu)

        self.stop = QToolButton(self)
        self.stop.setObjectName("interruptButton")
        self.stop.setMinimumHeight(BUTTON_HEIGHT)
        self.stop.clicked.connect(actions.interrupt.trigger)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(4)
        layout.addWidget(self.count)
        layout.addWidget(self.button, 1)
        layout.addWidget(self.more)
        layout.addWidget(self.stop)
        actions.generate.changed.connect(self._sync)
        actions.interrupt.changed.connect(self._sync)
        self.retranslate()

    def set_count(self, count: int) -> None:
        if count != self.count.value():
            self.count.setValue(count)

    def retranslate(self) -> None:
        self.count.setToolTip(self.tr("How many pictures to queue with one press of Generate"))
        self.more.setToolTip(self.tr("More ways to generate"))
        # Not the action's text: a mnemonic like "(&I)" reads oddly on a button.
        self.stop.setText(self.tr("Stop"))
        self.stop.setToolTip(self.tr("Stop your picture that is being made now (Esc)"))
        self._sync()

    def _count_edited(self, count: int) -> None:
        self._sync()
        self.count_changed.emit(count)

    def _sync(self) -> None:
        count = self.count.value()
        if count > 1:
            text = self.tr("Generate ×{count}").format(count=count)
            tip = self.tr("Queue {count} jobs with the values in the form (Ctrl+Enter)")
        else:
            text = self.tr("Generate")
            tip = self.tr("Queue a job with the values in the form (Ctrl+Enter)")
        self.button.setText(text)
        self.button.setToolTip(tip.format(count=count))
        self.button.setEnabled(self._generate.isEnabled())
        self.stop.setEnabled(self._interrupt.isEnabled())
