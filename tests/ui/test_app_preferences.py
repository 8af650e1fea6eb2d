"""Preferences and layout survive a restart; appearance and language apply at once."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop import paths
from desktop.settings import SettingsStore
from desktop.ui.panels import Panel
from desktop.ui.preferences import PreferencesDialog
from tests.ui.app_support import QT_NOISE, AppFactory, make_app, wait_until

__all__ = ["make_app"]

pytestmark = [QT_NOISE]


def _open_preferences(app) -> PreferencesDialog:  # type: ignore[no-untyped-def]
    app.window.commands.preferences.trigger()
    dialog = app.window.findChild(PreferencesDialog)
    assert dialog is not None
    return dialog


async def test_preferences_persist_across_restarts(
    make_app: AppFactory, qtbot: QtBot, tmp_path: Path, isolated_dirs: dict[str, Path]
) -> None:
    first = make_app()
    first.window.show()
    dialog = _open_preferences(first)
    await wait_until(dialog.isVisible)
    assert dialog.data_folder.text() == str(paths.data_dir())
    assert dialog.server_url.text() == "http://127.0.0.1:8188"
    dialog.appearance.setCurrentIndex(dialog.appearance.findData("dark"))
    dialog.language.setCurrentIndex(dialog.language.findData("zh_CN"))
    library = tmp_path / "my library"
    dialog.data_folder.setText(str(library))
    dialog.server_url.setText("gpu.example:8188/")
    dialog.connect_on_start.setChecked(False)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

    # Applied at once: dark palette, Chinese menus.
    assert first.theme.scheme == "dark"
    window_colour = QApplication.palette().color(QPalette.ColorRole.Window)
    assert window_colour.lightness() < 100
    assert first.window.file_menu.title() == "文件(&F)"
    # Hide a panel; the arrangement is part of what the next start restores.
    first.window.dock(Panel.GALLERY).hide()
    await first.shutdown()

    saved = SettingsStore(isolated_dirs["config"]).load()
    assert saved.appearance == "dark"
    assert saved.language == "zh_CN"
    assert saved.library_folder() == library
    assert saved.server_url == "http://gpu.example:8188"
    assert saved.connect_on_start is False
    assert saved.window_state

    second = make_app()
    second.window.show()
    assert second.theme.scheme == "dark"
    assert second.window.file_menu.title() == "文件(&F)"
    assert second.window.dock(Panel.GALLERY).isHidden()
    assert not second.window.dock(Panel.FORM).isHidden()
    reopened = _open_preferences(second)
    assert reopened.data_folder.text() == str(library)
    assert reopened.appearance.currentData() == "dark"
    assert reopened.language.currentText() == "简体中文"


async def test_invalid_default_server_keeps_the_dialog_open(
    make_app: AppFactory, qtbot: QtBot
) -> None:
    app = make_app()
    app.window.show()
    dialog = _open_preferences(app)
    await wait_until(dialog.isVisible)
    dialog.server_url.setText("ftp://nope")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.isVisible()
    assert dialog.error.text() == "The address must start with http:// or https://."
    assert app.settings.server_url == "http://127.0.0.1:8188"
    dialog.reject()


async def test_default_data_folder_is_not_frozen_into_settings(
    make_app: AppFactory, qtbot: QtBot
) -> None:
    app = make_app()
    dialog = _open_preferences(app)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert app.settings.data_folder == ""
    assert app.settings.library_folder() == paths.data_dir()
