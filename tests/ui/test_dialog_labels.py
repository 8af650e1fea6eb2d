"""Every field in the Connection settings and Preferences dialogs has a visible label that
names it (its buddy), so no two fields look alike and screen readers can say what each is."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop.settings import ServerOptions, Settings
from desktop.ui.connection.dialog import ConnectionDialog
from desktop.ui.preferences import PreferencesDialog
from tests.ui.app_support import QT_NOISE
from tests.ui.test_app_dialogs import make_vm

pytestmark = [QT_NOISE]
INPUTS = (QLineEdit, QComboBox, QPlainTextEdit, QAbstractSpinBox)


def labels_of_inputs(dialog: QWidget) -> dict[QWidget, str]:
    """Each visible input of ``dialog`` and the text of the visible label whose buddy it is
    ("" when none). Line edits inside combo or spin boxes belong to those."""
    labels = {
        label.buddy(): label.text()
        for label in dialog.findChildren(QLabel)
        if label.buddy() is not None and label.isVisible() and label.text().strip()
    }
    inputs = [
        w
        for w in dialog.findChildren(QWidget)
        if isinstance(w, INPUTS)
        and w.isVisible()
        and not isinstance(w.parentWidget(), QComboBox | QAbstractSpinBox)
    ]
    return {w: labels.get(w, "") for w in inputs}


def assert_all_labelled(dialog: QWidget, expected: set[str]) -> None:
    found = labels_of_inputs(dialog)
    unlabelled = [w.objectName() or type(w).__name__ for w, text in found.items() if not text]
    assert unlabelled == []
    assert set(found.values()) == expected


async def test_connection_dialog_fields_have_labels(qtbot: QtBot) -> None:
    vm = make_vm()
    dialog = ConnectionDialog(
        vm, recent=("http://127.0.0.1:8188",), options_for=lambda url: ServerOptions()
    )
    qtbot.addWidget(dialog)
    dialog.open()
    assert_all_labelled(
        dialog,
        {
            "Connection kind:",
            "Server address:",
            "Access token:",
            "Extra headers:",
            "CA certificate:",
        },
    )
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("hosted"))
    assert_all_labelled(dialog, {"Connection kind:", "Service address:", "API key:"})
    await vm.close()


def test_preferences_fields_have_labels(qtbot: QtBot) -> None:
    dialog = PreferencesDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    assert_all_labelled(dialog, {"Appearance:", "Language:", "Data folder:", "Default server:"})
    # The two "Follow the system" choices are told apart by their labels.
    assert dialog.appearance_label.buddy() is dialog.appearance
    assert dialog.language_label.buddy() is dialog.language
