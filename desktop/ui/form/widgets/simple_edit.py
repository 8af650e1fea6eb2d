"""Check boxes, and the read-only display for input types we have no editor for."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QCheckBox, QLineEdit, QWidget

from desktop.ui.form.widgets.base import ParamEditor

if TYPE_CHECKING:
    from desktop.workflow.params import ParamSpec


class CheckEdit(ParamEditor):
    def __init__(self, spec: ParamSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.check = self._hold(QCheckBox(self), stretch_after=True)
        self.check.toggled.connect(self._emit)

    def _show(self, value: Any) -> None:
        self.check.setChecked(bool(value))


def raw_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


class ReadOnlyEdit(ParamEditor):
    """An input of a type we cannot edit (custom-node UI types): the raw value, selectable."""

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.line = self._hold(QLineEdit(self))
        self.line.setReadOnly(True)

    def _show(self, value: Any) -> None:
        self.line.setText(raw_text(value))
        self.line.setCursorPosition(0)
