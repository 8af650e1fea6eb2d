"""The form in a real scroll area: the wheel scrolls it rather than changing values, and it
fits any panel width from 320 px without clipping a widget or cutting a label."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop.ui.form.widgets.choice_box import ChoiceEdit
from desktop.ui.form.widgets.number_edit import IntEdit
from desktop.workflow.sources import load_workflow
from tests.ui.test_form_view import API, open_form

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support raise", "This plugin does not support grabbing the keyboard"
)


def wheel_over(widget: QWidget, steps: int = -1) -> None:
    """One wheel notch (down for negative steps) with the pointer over ``widget``'s middle,
    through the window system as a real mouse sends it (Qt hands it to the widget under the
    pointer, then to its parents while nobody accepts it)."""
    window = widget.window()
    handle = window.windowHandle()
    assert handle is not None
    pos = widget.mapTo(window, widget.rect().center())
    QTest.wheelEvent(handle, QPointF(pos), QPoint(0, 120 * steps))
    QApplication.processEvents()


def test_wheel_over_unfocused_fields_scrolls_the_form(qtbot: QtBot) -> None:
    model, view = open_form(qtbot, load_workflow(API / "txt2img_batch2_subfolder.json"))
    view.resize(420, 300)  # short enough to scroll
    qtbot.waitUntil(lambda: view.verticalScrollBar().maximum() > 0)
    width = view.editor(("5", "width"))
    checkpoint = view.editor(("4", "ckpt_name"))
    assert isinstance(width, IntEdit)
    assert isinstance(checkpoint, ChoiceEdit)
    bar = view.verticalScrollBar()
    view.ensureWidgetVisible(width.spin)
    bar.setValue(bar.maximum() // 2)
    before = model.current_workflow().to_prompt()
    width_before = width.spin.value()
    checkpoint_before = checkpoint.combo.currentText()

    for field in (width.spin, checkpoint.combo):
        assert field.focusPolicy() == Qt.FocusPolicy.StrongFocus
        start = bar.value()
        wheel_over(field, -1 if start < bar.maximum() else 1)
        assert not field.hasFocus()
        assert bar.value() != start  # the area scrolled instead

    assert model.current_workflow().to_prompt() == before
    assert width.spin.value() == width_before
    assert checkpoint.combo.currentText() == checkpoint_before


def test_wheel_changes_a_focused_spin_box(qtbot: QtBot) -> None:
    model, view = open_form(qtbot, load_workflow(API / "txt2img_batch2_subfolder.json"))
    steps = view.editor(("3", "steps"))
    view.activateWindow()
    steps.spin.setFocus()
    qtbot.waitUntil(steps.spin.hasFocus)
    start = steps.spin.value()
    wheel_over(steps.spin, 1)
    assert steps.spin.value() == start + 1
    assert model.current_workflow().to_prompt()["3"]["inputs"]["steps"] == start + 1
