"""Integer and float editors honouring the server's min/max/step/round."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDoubleSpinBox, QWidget

from desktop.ui.form.widgets.base import FocusedWheel, ParamEditor
from desktop.ui.form.widgets.bigint_spin import UINT64_MAX, BigIntSpinBox

if TYPE_CHECKING:
    from desktop.workflow.params import ParamSpec

FLOAT_LIMIT = 1e15  # QDoubleSpinBox needs finite bounds; beyond this no artist types values
MAX_DECIMALS = 6


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) else None


def decimals_of(value: Any) -> int:
    """Digits after the point of a step/round value (``0.01`` -> 2, ``1e-05`` -> 5)."""
    number = _number(value)
    if number is None or number <= 0:
        return 0
    try:
        exponent = Decimal(repr(float(number))).normalize().as_tuple().exponent
    except InvalidOperation:
        return 0
    return max(0, -int(exponent)) if isinstance(exponent, int) else 0


def float_decimals(spec: ParamSpec, value: Any = None) -> int:
    """Precision from ``round`` (preferred by ComfyUI) or ``step``, widened for the value shown."""
    value = spec.value if value is None else value
    wanted = max(decimals_of(spec.round), decimals_of(spec.step))
    if wanted == 0 and not (_number(spec.round) or _number(spec.step)):
        wanted = 2
    return min(MAX_DECIMALS, max(wanted, decimals_of(value), 1))


def _int_bound(value: Any, fallback: int) -> int:
    number = _number(value)
    return int(number) if number is not None else fallback


class IntEdit(ParamEditor):
    """Any INT input; backed by a Python int so 64-bit ranges stay exact."""

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.spin = self._hold(BigIntSpinBox(self))
        self.spin.valueChanged.connect(self._emit)
        self._apply_spec(spec)

    def _apply_spec(self, spec: ParamSpec) -> None:
        low = _int_bound(spec.min, -UINT64_MAX)
        self.spin.setRange(low, _int_bound(spec.max, UINT64_MAX))
        self.spin.setSingleStep(_int_bound(spec.step, 1) or 1)

    def _show(self, value: Any) -> None:
        number = _number(value)
        if number is None:
            self.spin.show_raw(self.spin.minimum())
            return
        # Out-of-range values stay visible (and flagged) instead of being silently clamped.
        self.spin.show_raw(int(number))


class FloatSpinBox(FocusedWheel, QDoubleSpinBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.init_focused_wheel()


class FloatEdit(ParamEditor):
    def __init__(self, spec: ParamSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.spin = self._hold(FloatSpinBox(self))
        self.spin.valueChanged.connect(self._on_changed)
        self._apply_spec(spec)

    def _apply_spec(self, spec: ParamSpec) -> None:
        low, high = _number(spec.min), _number(spec.max)
        self.spin.setDecimals(float_decimals(spec, spec.value))
        self.spin.setRange(
            max(low, -FLOAT_LIMIT) if low is not None else -FLOAT_LIMIT,
            min(high, FLOAT_LIMIT) if high is not None else FLOAT_LIMIT,
        )
        step = _number(spec.step)
        self.spin.setSingleStep(step if step and step > 0 else 0.1)

    def _show(self, value: Any) -> None:
        number = _number(value)
        if number is not None and self.spin.value() == round(number, self.spin.decimals()):
            return  # the artist's own typing echoed back: reformatting "6." would fight it
        if number is not None and decimals_of(number) > self.spin.decimals():
            self.spin.setDecimals(min(MAX_DECIMALS, decimals_of(number)))
        self.spin.setValue(float(number) if number is not None else self.spin.minimum())

    def _on_changed(self, value: float) -> None:
        self._emit(round(value, self.spin.decimals()))
