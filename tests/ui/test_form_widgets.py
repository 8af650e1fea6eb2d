"""The form's editors on their own: 64-bit entry, float precision, the searchable combo with
10,000 entries, growing prompt fields and what image inputs accept."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.ui.form.widgets.bigint_spin import UINT64_MAX, BigIntSpinBox
from desktop.ui.form.widgets.choice_box import ChoiceEdit
from desktop.ui.form.widgets.image_input import ImageInput
from desktop.ui.form.widgets.number_edit import FloatEdit, IntEdit, decimals_of, float_decimals
from desktop.ui.form.widgets.text_edit import PromptEdit
from desktop.workflow.params import ParamKind, ParamSpec

# The offscreen platform cannot raise popups, grab the keyboard or resize native windows,
# and says so when a shown widget opens its completer.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support raise",
    "This plugin does not support grabbing the keyboard",
    "This plugin does not support propagateSizeHints",
)


def spec(kind: ParamKind, value: object, **options: object) -> ParamSpec:
    return ParamSpec("1", "x", kind, value, label="X", **options)  # type: ignore[arg-type]


def test_bigint_spin_box_keeps_every_digit_of_a_64_bit_seed(qtbot: QtBot) -> None:
    box = BigIntSpinBox()
    qtbot.addWidget(box)
    box.setRange(0, UINT64_MAX)
    seen: list[int] = []
    box.valueChanged.connect(seen.append)
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), str(UINT64_MAX))
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    assert box.value() == UINT64_MAX
    assert seen[-1] == 2**64 - 1
    assert box.stepEnabled() == BigIntSpinBox.StepEnabledFlag.StepDownEnabled
    box.stepBy(-1)
    assert box.value() == UINT64_MAX - 1

    # One more digit could never fit: the validator refuses it, the value stays.
    box.lineEdit().end(False)
    qtbot.keyClicks(box.lineEdit(), "9")
    assert box.value() == UINT64_MAX - 1
    assert box.validate("-5", 2)[0] == box.validate("x", 1)[0]  # both Invalid for min 0


def test_int_edit_steps_by_the_server_step_and_reports_edits(qtbot: QtBot) -> None:
    editor = IntEdit(spec(ParamKind.INT, 512, min=16, max=16384, step=8))
    qtbot.addWidget(editor)
    editor.set_value(512)
    with qtbot.waitSignal(editor.edited) as blocker:
        editor.spin.stepBy(2)
    assert blocker.args == [528]
    with qtbot.assertNotEmitted(editor.edited):
        editor.set_value(64)
    assert editor.spin.lineEdit().text() == "64"


def test_float_precision_comes_from_round_then_step() -> None:
    assert decimals_of(0.01) == 2
    assert decimals_of(1e-05) == 5
    assert decimals_of(8.0) == 0
    assert decimals_of(True) == 0
    assert float_decimals(spec(ParamKind.FLOAT, 8.0, step=0.1, round=0.01)) == 2
    assert float_decimals(spec(ParamKind.FLOAT, 1.0, step=0.001)) == 3
    assert float_decimals(spec(ParamKind.FLOAT, 1.0)) == 2
    assert float_decimals(spec(ParamKind.FLOAT, 0.125, step=0.01)) == 3


def test_float_edit_reports_rounded_values(qtbot: QtBot) -> None:
    editor = FloatEdit(spec(ParamKind.FLOAT, 8.0, min=0.0, max=100.0, step=0.1, round=0.01))
    qtbot.addWidget(editor)
    editor.set_value(8)
    assert editor.spin.value() == 8.0
    with qtbot.waitSignal(editor.edited) as blocker:
        editor.spin.stepBy(3)
    assert blocker.args == [8.3]


def test_searchable_choice_box_filters_ten_thousand_entries(qtbot: QtBot) -> None:
    names = tuple(f"model_{i:05d}.safetensors" for i in range(10_000))
    editor = ChoiceEdit(spec(ParamKind.CHOICE, names[0], choices=names))
    qtbot.addWidget(editor)
    editor.set_value(names[0])
    editor.show()
    assert editor.combo.count() == 10_000

    line = editor.combo.lineEdit()
    line.selectAll()
    qtbot.keyClicks(line, "0999")
    completer = editor.combo.search_completer
    shown = [
        completer.completionModel().index(row, 0).data()
        for row in range(completer.completionModel().rowCount())
    ]
    assert shown == [f"model_{i:05d}.safetensors" for i in (999, *range(9990, 10_000))]
    popup = completer.popup()
    with qtbot.waitSignal(editor.edited) as blocker:
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert blocker.args == ["model_09990.safetensors"]
    assert editor.combo.currentText() == "model_09990.safetensors"


def test_choice_box_ignores_text_that_names_no_entry(qtbot: QtBot) -> None:
    editor = ChoiceEdit(spec(ParamKind.CHOICE, "euler", choices=("euler", "lcm", "DDIM")))
    qtbot.addWidget(editor)
    editor.set_value("euler")
    line = editor.combo.lineEdit()
    with qtbot.assertNotEmitted(editor.edited):
        line.setText("nonsense")
        line.editingFinished.emit()
    assert editor.combo.currentText() == "euler"
    with qtbot.waitSignal(editor.edited) as blocker:
        line.setText("ddim")  # case differs: still names one entry
        line.editingFinished.emit()
    assert blocker.args == ["DDIM"]


def test_choice_box_shows_a_value_the_server_lacks(qtbot: QtBot) -> None:
    editor = ChoiceEdit(spec(ParamKind.CHOICE, "gone.ckpt", choices=("a.ckpt", "b.ckpt")))
    qtbot.addWidget(editor)
    editor.set_value("gone.ckpt")
    assert editor.combo.currentIndex() == -1
    assert editor.combo.currentText() == "gone.ckpt"


def test_choice_box_maps_non_string_choices_back(qtbot: QtBot) -> None:
    editor = ChoiceEdit(spec(ParamKind.CHOICE, 1, choices=(1, 2, 4)))
    qtbot.addWidget(editor)
    editor.set_value(1)
    with qtbot.waitSignal(editor.edited) as blocker:
        editor.combo.activated.emit(2)
    assert blocker.args == [4]


def test_prompt_editor_grows_with_its_text(qtbot: QtBot) -> None:
    editor = PromptEdit(spec(ParamKind.TEXT, "", multiline=True))
    qtbot.addWidget(editor)
    editor.resize(300, 100)
    editor.show()
    editor.set_value("short")
    small = editor.text.height()
    editor.set_value("\n".join(f"line {i}" for i in range(10)))
    grown = editor.text.height()
    editor.set_value("\n".join(f"line {i}" for i in range(100)))
    assert small < grown < editor.text.height() + 1
    assert editor.text.height() == grown + 4 * editor.text.fontMetrics().lineSpacing()


def image_spec() -> ParamSpec:
    return spec(ParamKind.IMAGE, "example.png", choices=("example.png",), image_upload=True)


def test_image_input_takes_dropped_files_and_pasted_pixels(qtbot: QtBot, tmp_path) -> None:
    editor = ImageInput(image_spec())
    qtbot.addWidget(editor)
    picture = tmp_path / "cat.PNG"
    picture.write_bytes(b"not read here")
    files = QMimeData()
    files.setUrls(
        [QUrl.fromLocalFile(str(tmp_path / "notes.txt")), QUrl.fromLocalFile(str(picture))]
    )
    with qtbot.waitSignal(editor.file_chosen) as chosen:
        assert editor.accept_mime(files)
    assert chosen.args == [str(picture)]

    image = QImage(4, 3, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    QApplication.clipboard().setImage(image)
    with qtbot.waitSignal(editor.image_pasted) as pasted:
        qtbot.keyClick(
            editor.choice.combo.lineEdit(), Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier
        )
    assert pasted.args[0].size() == image.size()

    text_only = QMimeData()
    text_only.setText("hello")
    with qtbot.assertNotEmitted(editor.image_pasted):
        assert not editor.accept_mime(text_only)


def test_enter_in_a_choice_box_takes_the_first_match(qtbot: QtBot) -> None:
    names = ("euler", "euler_ancestral", "dpmpp_2m", "dpmpp_2m_sde", "dpmpp_2m_sde_gpu", "lcm")
    editor = ChoiceEdit(spec(ParamKind.CHOICE, "euler", choices=names))
    qtbot.addWidget(editor)
    editor.set_value("euler")
    editor.show()
    line = editor.combo.lineEdit()
    line.setFocus()

    # Enter while the filter popup shows its matches, none highlighted.
    line.selectAll()
    qtbot.keyClicks(line, "2M_s")
    popup = editor.combo.search_completer.popup()
    assert popup.isVisible()
    with qtbot.waitSignal(editor.edited) as blocker:
        qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert blocker.args == ["dpmpp_2m_sde"]
    assert line.text() == "dpmpp_2m_sde"

    # Enter after the popup was dismissed: still the first match, not the typed text.
    line.selectAll()
    qtbot.keyClicks(line, "ancest")
    if popup.isVisible():
        qtbot.keyClick(popup, Qt.Key.Key_Escape)
    assert not popup.isVisible()
    with qtbot.waitSignal(editor.edited) as blocker:
        qtbot.keyClick(line, Qt.Key.Key_Return)
    assert blocker.args == ["euler_ancestral"]
    assert editor.combo.currentText() == "euler_ancestral"

    # Text that matches nothing changes nothing.
    line.selectAll()
    qtbot.keyClicks(line, "zzz")
    with qtbot.assertNotEmitted(editor.edited):
        qtbot.keyClick(line, Qt.Key.Key_Return)
        line.clearFocus()
    assert editor.combo.currentText() == "euler_ancestral"
