"""A spin box backed by a Python int, for ranges beyond Qt's 32-bit ``QSpinBox``.

Seeds run up to 2**64-1 (PROTOCOL §9.14); ``QDoubleSpinBox`` would lose precision above 2**53.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QWidget

from desktop.ui.form.widgets.base import FocusedWheel

UINT64_MAX = 2**64 - 1


class BigIntSpinBox(FocusedWheel, QAbstractSpinBox):
    """Integer editor with arbitrary-size bounds; emits ``valueChanged`` only for real changes."""

    valueChanged = Signal(object)  # Python int; a Qt int signal would truncate to 32 bits

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._min = 0
        self._max = UINT64_MAX
        self._step = 1
        self._value = 0
        self.init_focused_wheel()
        self.setKeyboardTracking(False)
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
        self.lineEdit().setText("0")
        self.editingFinished.connect(self._commit_text)
        self.lineEdit().textEdited.connect(self._track_text)

    # -- range and value -------------------------------------------------------------------
    def setRange(self, minimum: int, maximum: int) -> None:
        self._min, self._max = int(minimum), max(int(minimum), int(maximum))
        self.setValue(self._value)

    def minimum(self) -> int:
        return self._min

    def maximum(self) -> int:
        return self._max

    def setSingleStep(self, step: int) -> None:
        self._step = max(1, int(step))

    def value(self) -> int:
        return self._value

    def setValue(self, value: int) -> None:
        value = min(max(int(value), self._min), self._max)
        changed = value != self._value
        self._value = value
        if self.lineEdit().text() != str(value):
            self.lineEdit().setText(str(value))
        if changed:
            self.valueChanged.emit(value)

    def show_raw(self, value: int) -> None:
        """Display ``value`` unclamped and silently (an out-of-range workflow value)."""
        self._value = int(value)
        if self.lineEdit().text() == str(value):
            return  # the artist's own typing echoed back: leave the cursor alone
        self.lineEdit().setText(str(value))
        if not self.hasFocus():
            self.lineEdit().setCursorPosition(0)  # a long seed shows its leading digits

    # -- QAbstractSpinBox protocol ---------------------------------------------------------
    def stepBy(self, steps: int) -> None:
        self.setValue(self._value + steps * self._step)
        self.lineEdit().selectAll()

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:
        flags = QAbstractSpinBox.StepEnabledFlag.StepNone
        if self._value > self._min:
            flags |= QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
        if self._value < self._max:
            flags |= QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
        return flags

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        stripped = text.strip()
        if stripped == "" or (stripped == "-" and self._min < 0):
            return QValidator.State.Intermediate, text, pos
        if not stripped.lstrip("-").isdigit() or (stripped.startswith("-") and self._min >= 0):
            return QValidator.State.Invalid, text, pos
        number = int(stripped)
        if self._min <= number <= self._max:
            return QValidator.State.Acceptable, text, pos
        # Too big can never become valid by typing more digits; too small might.
        if number > self._max and number > 0:
            return QValidator.State.Invalid, text, pos
        return QValidator.State.Intermediate, text, pos

    def fixup(self, text: str) -> str:
        return str(self._value)

    def _track_text(self, text: str) -> None:
        # Commit every complete in-range number while typing so validation stays live.
        try:
            number = int(text.strip())
        except ValueError:
            return
        if self._min <= number <= self._max and number != self._value:
            self._value = number
            self.valueChanged.emit(number)

    def _commit_text(self) -> None:
        text = self.lineEdit().text().strip()
        try:
            number = int(text)
        except ValueError:
            self.lineEdit().setText(str(self._value))
            return
        self.setValue(number)
