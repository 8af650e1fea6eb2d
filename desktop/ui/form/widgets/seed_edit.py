"""The seed editor: exact 64-bit entry, the after-generate mode menu and a dice button."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QHBoxLayout, QMenu, QToolButton, QWidget

from desktop.ui.form.widgets.base import ParamEditor
from desktop.ui.form.widgets.number_edit import IntEdit
from desktop.ui.i18n import Retranslatable
from desktop.workflow.seeds import SeedMode

if TYPE_CHECKING:
    from desktop.workflow.params import ParamSpec


def mode_label(mode: SeedMode) -> str:
    labels = {
        SeedMode.FIXED: QCoreApplication.translate("SeedEdit", "Fixed"),
        SeedMode.INCREMENT: QCoreApplication.translate("SeedEdit", "Increment"),
        SeedMode.DECREMENT: QCoreApplication.translate("SeedEdit", "Decrement"),
        SeedMode.RANDOMIZE: QCoreApplication.translate("SeedEdit", "Randomize"),
    }
    return labels[mode]


def mode_hint(mode: SeedMode) -> str:
    hints = {
        SeedMode.FIXED: QCoreApplication.translate("SeedEdit", "Keep this seed after each run"),
        SeedMode.INCREMENT: QCoreApplication.translate("SeedEdit", "Add one after each run"),
        SeedMode.DECREMENT: QCoreApplication.translate("SeedEdit", "Subtract one after each run"),
        SeedMode.RANDOMIZE: QCoreApplication.translate(
            "SeedEdit", "Pick a new random seed after each run"
        ),
    }
    return hints[mode]


class SeedEdit(Retranslatable, ParamEditor):
    """``edited`` carries the typed seed; ``mode_chosen`` and ``dice_clicked`` go to the model."""

    mode_chosen = Signal(object)  # SeedMode
    dice_clicked = Signal()

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.number = IntEdit(spec, self)
        self.number.edited.connect(self._emit)
        # Random seeds run to 16 digits; the field gets all the room the panel has (the
        # buttons stay small), but it may shrink so the form fits a narrow panel.
        self.number.setMinimumWidth(self.fontMetrics().horizontalAdvance("0" * 6) + 24)
        self.mode_button = QToolButton(self)
        self.mode_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.mode_button)
        group = QActionGroup(menu)
        self.mode_actions: dict[SeedMode, QAction] = {}
        for mode in SeedMode:
            action = QAction(menu, checkable=True)
            action.triggered.connect(lambda _=False, m=mode: self.mode_chosen.emit(m))
            group.addAction(action)
            menu.addAction(action)
            self.mode_actions[mode] = action
        self.mode_button.setMenu(menu)
        self.dice = QToolButton(self)
        self.dice.setText("⚄")  # a die face; common fonts have it, unlike the emoji
        self.dice.clicked.connect(self.dice_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.number, 1)
        layout.addWidget(self.mode_button)
        layout.addWidget(self.dice)
        self._mode = SeedMode.RANDOMIZE
        self.set_mode(SeedMode.RANDOMIZE)
        self.retranslate()

    def focus_target(self) -> QWidget:
        return self.number.spin

    def set_mode(self, mode: SeedMode) -> None:
        self._mode = mode
        self.mode_actions[mode].setChecked(True)
        self._show_mode()

    def retranslate(self) -> None:
        for mode, action in self.mode_actions.items():
            action.setText(mode_label(mode))
            action.setToolTip(mode_hint(mode))
        self.dice.setToolTip(self.tr("New random seed"))
        self._show_mode()

    def _show_mode(self) -> None:
        self.mode_button.setText(mode_label(self._mode))
        self.mode_button.setToolTip(mode_hint(self._mode))

    def _apply_spec(self, spec: ParamSpec) -> None:
        self.number.set_spec(spec, spec.value)

    def _show(self, value: Any) -> None:
        self.number.set_value(value)
