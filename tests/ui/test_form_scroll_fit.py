"""The form in a real scroll area: the wheel scrolls it rather than changing values, and it
fits any panel width from 320 px without clipping a widget or cutting a label."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolButton, QWidget
from pytestqt.qtbot import QtBot

from desktop.ui.fitting import ElidingToolButton
from desktop.ui.form import FormView
from desktop.ui.form.row import ParamRow
from desktop.ui.form.widgets.choice_box import ChoiceEdit
from desktop.ui.form.widgets.number_edit import IntEdit
from desktop.workflow.sources import load_workflow
from tests.conftest import shared_path
from tests.ui.test_form_view import API, object_info, open_form

UI = shared_path("workflows", "ui")
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


SAMPLES = [*sorted(API.glob("*.json")), *sorted(UI.glob("*.json"))]


def labels_fit(row: ParamRow) -> bool:
    """A row's label shows its whole text: wide enough for its longest word and tall enough
    for the lines it wraps into (a hidden label is a prompt under its own header)."""
    label = row.label
    if label.isHidden():
        return True
    return (
        label.width() >= label.minimumSizeHint().width()
        and label.height() >= label.heightForWidth(label.width())
    )


def cut_labels(view: FormView) -> list[str]:
    return [row.label.text() for row in view.rows.values() if not labels_fit(row)]


def header_fits(button: ElidingToolButton) -> bool:
    shown = QToolButton.text(button)
    if shown == button.text():  # text() is the full title
        return True
    return shown.endswith("…") and button.text() in button.toolTip()


@pytest.mark.parametrize("width", [320, 440, 800])
def test_every_sample_form_fits_the_panel_width(qtbot: QtBot, width: int) -> None:
    for path in SAMPLES:
        _model, view = open_form(qtbot, load_workflow(path, object_info()))
        view.resize(width, 700)
        for section in view.sections:
            if section.advanced is not None:
                section.advanced.set_expanded(True)
        qtbot.waitUntil(lambda v=view: v.widget().width() == v.viewport().width())
        viewport = view.viewport()
        assert view.horizontalScrollBar().maximum() == 0, path.name
        page = view.widget()
        for child in page.findChildren(QWidget):
            if not child.isVisibleTo(page):
                continue
            right = child.mapTo(viewport, QPoint(child.width(), 0)).x()
            assert right <= viewport.width(), f"{path.name}: {child!r} ends at {right}"
        qtbot.waitUntil(lambda v=view: not cut_labels(v))  # once the folds are laid out
        headers = [s.header for s in view.sections]
        headers += [s.advanced.header for s in view.sections if s.advanced is not None]
        assert all(header_fits(h) for h in headers), path.name
        for button in (view.reset_all_button, view.save_as_button):
            assert button.width() >= button.sizeHint().width(), path.name
        view.close()


async def test_long_titles_elide_and_long_file_names_wrap_at_320(qtbot: QtBot, tmp_path) -> None:
    workflow = load_workflow(API / "sd15_default_missing_model.json", object_info())
    long_name = "an_extremely_long_checkpoint_name_from_a_model_site_v2_pruned_emaonly.safetensors"
    workflow.set("4", "ckpt_name", long_name)
    workflow.nodes["3"].title = "KSampler for the first pass of the portrait with more words"
    _model, view = open_form(qtbot, workflow)
    view.resize(320, 700)
    qtbot.waitUntil(lambda: view.widget().width() == view.viewport().width())

    header = next(s.header for s in view.sections if s.node_id == "3")
    qtbot.waitUntil(lambda: QToolButton.text(header).endswith("…"))
    assert header.text() == "KSampler for the first pass of the portrait with more words"
    assert header.text() in header.toolTip()
    row = view.row(("4", "ckpt_name"))
    assert row.errors() == [
        f"“{long_name}” is not available on this server — choose one from its list."
    ]
    saved = tmp_path / "portrait_session_with_the_long_descriptive_name_v12_final.json"
    assert await view.save_to(saved)
    assert view.notice.text() == f"Saved {saved.name}"  # the text as said, for copying
    for label in (row.error_label, view.notice):
        qtbot.waitUntil(lambda w=label: w.height() >= w.heightForWidth(w.width()))
        right = label.mapTo(view.viewport(), QPoint(label.width(), 0)).x()
        assert right <= view.viewport().width()
    assert view.horizontalScrollBar().maximum() == 0
