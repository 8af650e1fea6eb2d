"""Preferences: appearance, language, data folder and server connection defaults."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import paths
from desktop.settings import Settings
from desktop.ui.connection.dialog import checked_url
from desktop.ui.file_dialogs import folder_dialog, show_file_dialog
from desktop.ui.i18n import Retranslatable

# Language names are shown in their own language so anyone can find theirs.
_LANGUAGE_AUTONYMS = {"en": "English", "zh_CN": "简体中文"}


class PreferencesDialog(Retranslatable, QDialog):
    """Edits a copy of :class:`Settings`; ``settings_accepted`` carries the new value."""

    settings_accepted = Signal(object)  # Settings

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self._settings = settings

        self.appearance = QComboBox()
        self.appearance.setObjectName("appearanceBox")
        for value in ("system", "light", "dark"):
            self.appearance.addItem("", value)
        self.language = QComboBox()
        self.language.setObjectName("languageBox")
        self.language.addItem("", "system")
        for code, name in _LANGUAGE_AUTONYMS.items():
            self.language.addItem(name, code)  # i18n: ignore
        self.language_note = QLabel()
        self.language_note.setWordWrap(True)
        self.data_folder = QLineEdit()
        self.data_folder.setObjectName("dataFolder")
        self.browse = QPushButton()
        self.browse.clicked.connect(self._browse)
        self.use_default = QPushButton()
        self.use_default.clicked.connect(lambda: self.data_folder.setText(str(paths.data_dir())))
        self.server_url = QLineEdit()
        self.server_url.setObjectName("defaultServer")
        self.connect_on_start = QCheckBox()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #d23c3c;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)

        # Real label widgets with buddies: QFormLayout.addRow("", field) makes no label at all,
        # and retranslate() had nothing to put its text in.
        self.appearance_label = QLabel()
        self.appearance_label.setBuddy(self.appearance)
        self.language_label = QLabel()
        self.language_label.setBuddy(self.language)
        self.data_folder_label = QLabel()
        self.data_folder_label.setBuddy(self.data_folder)
        self.server_url_label = QLabel()
        self.server_url_label.setBuddy(self.server_url)

        self.look_group = QGroupBox()
        look = QFormLayout(self.look_group)
        look.addRow(self.appearance_label, self.appearance)
        look.addRow(self.language_label, self.language)
        look.addRow(self.language_note)
        self.data_group = QGroupBox()
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.data_folder, 1)
        folder_row.addWidget(self.browse)
        folder_row.addWidget(self.use_default)
        data = QFormLayout(self.data_group)
        data.addRow(self.data_folder_label, folder_row)
        self.server_group = QGroupBox()
        server = QFormLayout(self.server_group)
        server.addRow(self.server_url_label, self.server_url)
        server.addRow(self.connect_on_start)
        for form in (look, data, server):
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        layout = QVBoxLayout(self)
        for group in (self.look_group, self.data_group, self.server_group):
            layout.addWidget(group)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self._load(settings)
        self.retranslate()

    def _load(self, settings: Settings) -> None:
        self.appearance.setCurrentIndex(max(0, self.appearance.findData(settings.appearance)))
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.data_folder.setText(str(settings.library_folder()))
        self.server_url.setText(settings.server_url)
        self.connect_on_start.setChecked(settings.connect_on_start)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Preferences"))
        self.look_group.setTitle(self.tr("Appearance and language"))
        self.data_group.setTitle(self.tr("Library"))
        self.server_group.setTitle(self.tr("Server"))
        self.appearance_label.setText(self.tr("Appearance:"))
        self.language_label.setText(self.tr("Language:"))
        self.data_folder_label.setText(self.tr("Data folder:"))
        self.server_url_label.setText(self.tr("Default server:"))
        for index, text in enumerate(
            (self.tr("Follow the system"), self.tr("Light"), self.tr("Dark"))
        ):
            self.appearance.setItemText(index, text)
        self.language.setItemText(0, self.tr("Follow the system"))
        self.language_note.setText(self.tr("Open windows switch language right away."))
        self.data_folder.setToolTip(
            self.tr("Where generated pictures and the library catalogue are kept")
        )
        self.browse.setText(self.tr("Browse…"))
        self.use_default.setText(self.tr("Use default"))
        self.connect_on_start.setText(self.tr("Connect to the last server when ComfyDesk starts"))

    @Slot()
    def _browse(self) -> None:
        dialog = folder_dialog(self, self.tr("Choose the data folder"), self.data_folder.text())
        show_file_dialog(dialog, self.data_folder.setText)

    def result_settings(self) -> Settings | None:
        """The edited settings, or ``None`` (with an error shown) when something is invalid."""
        url = checked_url(self.server_url.text(), self.error)
        if url is None:
            return None
        folder = self.data_folder.text().strip()
        if folder and folder == str(paths.data_dir()):
            folder = ""  # the default follows the platform, not a frozen path
        return dataclasses.replace(
            self._settings,
            appearance=self.appearance.currentData(),
            language=self.language.currentData(),
            data_folder=folder,
            server_url=url,
            connect_on_start=self.connect_on_start.isChecked(),
        )

    @Slot()
    def _accept(self) -> None:
        settings = self.result_settings()
        if settings is None:
            return
        self.settings_accepted.emit(settings)
        self.accept()
