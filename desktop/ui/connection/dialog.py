"""The connection dialog: address, access token, extra headers and a CA file for one server;
or, as the other kind, a hosted workflow service (GenStudio: address, API key, workflow ids).

Non-modal (``open()``), so it is safe under qasync; "Connect" hands a
:class:`ConnectionRequest` to the view-model, which stores the secrets in the keyring.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.secrets import Credentials, usable_token
from desktop.settings import (
    FarmServer,
    HostedConnection,
    InvalidServerUrl,
    ServerOptions,
    hosted_secret_key,
    normalize_server_url,
)
from desktop.ui.connection.farm_page import FarmPageError, FarmSettingsPage
from desktop.ui.connection.model import ConnectionRequest, ConnectionViewModel
from desktop.ui.file_dialogs import show_file_dialog
from desktop.ui.hosted.settings_page import HostedPageError, HostedSettingsPage
from desktop.ui.i18n import QT_TRANSLATE_NOOP, Retranslatable

_FORBIDDEN_HEADERS = {"host", "content-length", "connection", "upgrade", "origin"}


class HeaderError(ValueError):
    def __init__(self, line: int) -> None:
        super().__init__(f"line {line}")
        self.line = line


def parse_headers(text: str) -> dict[str, str]:
    """``"Name: value"`` per line -> dict; raises :class:`HeaderError` naming the bad line."""
    headers: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        name, value = name.strip(), value.strip()
        if (
            not sep
            or not name
            or any(c.isspace() or ord(c) < 33 or ord(c) > 126 for c in name)
            or name.lower() in _FORBIDDEN_HEADERS
            or any(ord(c) < 32 for c in value)
        ):
            raise HeaderError(number)
        headers[name] = value
    return headers


def is_exposed_plain_http(url: str) -> bool:
    """Plain HTTP to another machine: anyone on the network can read or use it."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme == "http" and host not in ("localhost", "127.0.0.1", "::1")


KIND_COMFYUI, KIND_HOSTED, KIND_FARM = "comfyui", "hosted", "farm"


class ConnectionDialog(Retranslatable, QDialog):
    hosted_requested = Signal(object, str)  # HostedConnection, API key (for the keyring)

    def __init__(
        self,
        vm: ConnectionViewModel,
        *,
        recent: tuple[str, ...],
        options_for: Any,
        hosted: HostedConnection | None = None,
        farm: tuple[FarmServer, ...] = (),
        kind: str = KIND_COMFYUI,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("connectionDialog")
        self._vm = vm
        self.kind_box = QComboBox()
        self.kind_box.setObjectName("connectionKind")
        self.kind_box.addItem("", KIND_COMFYUI)
        self.kind_box.addItem("", KIND_FARM)
        self.kind_box.addItem("", KIND_HOSTED)
        self.kind_label = QLabel()
        self.kind_label.setBuddy(self.kind_box)
        self.hosted_page = HostedSettingsPage(hosted or HostedConnection())
        self.farm_page = FarmSettingsPage(farm)
        self.farm_page.credentials_requested.connect(vm.request_credentials)
        self._options_for = options_for
        self._loaded_for = ""

        self.url_box = QComboBox()
        self.url_box.setEditable(True)
        self.url_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.url_box.addItems(list(recent))
        self.url_box.setEditText(vm.url or (recent[0] if recent else ""))
        self.url_box.currentTextChanged.connect(self._url_changed)
        self.token_edit = QLineEdit()
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.show_token = QPushButton()
        self.show_token.setCheckable(True)
        self.show_token.toggled.connect(self._toggle_token)
        self.headers_edit = QPlainTextEdit()
        self.headers_edit.setTabChangesFocus(True)
        self.headers_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.ca_edit = QLineEdit()
        self.ca_browse = QPushButton()
        self.ca_browse.clicked.connect(self._browse_ca)
        self.keyring_note = QLabel()
        self.keyring_note.setWordWrap(True)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("connectionDialogError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #d23c3c;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._connect)
        self.buttons.rejected.connect(self.reject)

        token_row = QHBoxLayout()
        token_row.addWidget(self.token_edit, 1)
        token_row.addWidget(self.show_token)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_edit, 1)
        ca_row.addWidget(self.ca_browse)
        # Label widgets with buddies: QFormLayout.addRow("", field) would make no label at all.
        self.field_labels = (QLabel(), QLabel(), QLabel(), QLabel())
        fields = (self.url_box, self.token_edit, self.headers_edit, self.ca_edit)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for label, field, row in zip(
            self.field_labels,
            fields,
            (self.url_box, token_row, self.headers_edit, ca_row),
            strict=True,
        ):
            label.setBuddy(field)
            if isinstance(row, (QWidget, QLayout)):
                self.form.addRow(label, row)
        self.comfy_page = comfy_page = QWidget()
        comfy_layout = QVBoxLayout(comfy_page)
        comfy_layout.setContentsMargins(0, 0, 0, 0)
        comfy_layout.addLayout(self.form)
        self.pages = QStackedWidget()
        self.pages.addWidget(comfy_page)
        self.pages.addWidget(self.hosted_page)
        self.pages.addWidget(self.farm_page)
        kind_form = QFormLayout()
        kind_form.addRow(self.kind_label, self.kind_box)
        layout = QVBoxLayout(self)
        layout.addLayout(kind_form)
        layout.addWidget(self.pages)
        layout.addWidget(self.keyring_note)
        layout.addWidget(self.warning)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        vm.credentials_loaded.connect(self._credentials_loaded)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(kind)))
        self.retranslate()
        self._url_changed(self.url_box.currentText())
        self._kind_changed()

    @property
    def kind(self) -> str:
        return str(self.kind_box.currentData())

    @Slot()
    def _kind_changed(self) -> None:
        hosted = self.kind == KIND_HOSTED
        pages = {KIND_HOSTED: self.hosted_page, KIND_FARM: self.farm_page}
        self.pages.setCurrentWidget(pages.get(self.kind, self.comfy_page))
        self.error.clear()
        self._update_warning()
        self._set_title()
        if hosted:
            try:
                self._vm.request_credentials(hosted_secret_key(self.hosted_page.base_url()))
            except InvalidServerUrl:
                pass

    def _set_title(self) -> None:
        if self.kind == KIND_HOSTED:
            self.setWindowTitle(self.tr("Connect to a hosted workflow service"))
        elif self.kind == KIND_FARM:
            self.setWindowTitle(self.tr("Connect to several ComfyUI servers"))
        else:
            self.setWindowTitle(self.tr("Connect to a ComfyUI server"))

    def retranslate(self) -> None:
        self._set_title()
        self.kind_label.setText(self.tr("Connection kind:"))
        self.kind_box.setItemText(0, self.tr("ComfyUI server"))
        self.kind_box.setItemText(1, self.tr("Several ComfyUI servers (a farm)"))
        self.kind_box.setItemText(2, self.tr("Hosted workflow (GenStudio)"))
        labels = (
            self.tr("Server address:"),
            self.tr("Access token:"),
            self.tr("Extra headers:"),
            self.tr("CA certificate:"),
        )
        for widget, text in zip(self.field_labels, labels, strict=True):
            widget.setText(text)
        self.token_edit.setPlaceholderText(self.tr("Optional; sent as “Authorization: Bearer …”"))
        self.show_token.setText(self.tr("Show"))
        self.headers_edit.setPlaceholderText(self.tr("Optional; one “Name: value” per line"))
        self.ca_edit.setPlaceholderText(self.tr("Optional; a PEM file for a self-signed server"))
        self.ca_browse.setText(self.tr("Browse…"))
        self.connect_button.setText(self.tr("Connect"))
        if self._vm.keyring_available:
            self.keyring_note.setText(
                self.tr(
                    "The token, headers and API keys are kept in the system keyring, not in files."
                )
            )
        else:
            self.keyring_note.setText(
                self.tr(
                    "No system keyring is available: the token or API key is kept only until "
                    "ComfyDesk quits, and never written to disk."
                )
            )
        self._update_warning()

    def _update_warning(self) -> None:
        if self.kind_box.currentData() in (KIND_HOSTED, KIND_FARM):
            self.warning.clear()
            return
        try:
            url = normalize_server_url(self.url_box.currentText())
        except InvalidServerUrl:
            self.warning.clear()
            return
        if is_exposed_plain_http(url) and not self.token_edit.text():
            self.warning.setText(
                self.tr(
                    "This server is reached over plain HTTP without a token: anyone on the "
                    "network can use it and see your prompts."
                )
            )
        else:
            self.warning.clear()

    @Slot(str)
    def _url_changed(self, text: str) -> None:
        self._update_warning()
        try:
            url = normalize_server_url(text)
        except InvalidServerUrl:
            return
        if url == self._loaded_for:
            return
        self._loaded_for = url
        self.ca_edit.setText(self._options_for(url).ca_file)
        self._vm.request_credentials(url)

    @Slot(str, object)
    def _credentials_loaded(self, url: str, creds: Credentials) -> None:
        try:
            hosted_entry = hosted_secret_key(self.hosted_page.base_url())
        except InvalidServerUrl:
            hosted_entry = ""
        if url == hosted_entry:
            self.hosted_page.set_key(creds.token)
            return
        self.farm_page.set_credentials(url, creds)
        if url != self._loaded_for:
            return
        self.token_edit.setText(creds.token)
        self.headers_edit.setPlainText(
            "\n".join(f"{name}: {value}" for name, value in creds.headers.items())
        )
        self._update_warning()

    @Slot(bool)
    def _toggle_token(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.token_edit.setEchoMode(mode)

    @Slot()
    def _browse_ca(self) -> None:
        dialog = QFileDialog(self, self.tr("Choose a CA certificate"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters(
            [self.tr("Certificates (*.pem *.crt *.cer)"), self.tr("All files (*)")]
        )
        show_file_dialog(dialog, self.ca_edit.setText)

    def _validated_request(self) -> ConnectionRequest | None:
        url = checked_url(self.url_box.currentText(), self.error)
        if url is None:
            return None
        try:
            headers = parse_headers(self.headers_edit.toPlainText())
        except HeaderError as err:
            self.error.setText(
                self.tr("Extra headers, line {line}: write it as “Name: value”.").format(
                    line=err.line
                )
            )
            return None
        ca_file = self.ca_edit.text().strip()
        if ca_file and not Path(ca_file).is_file():
            self.error.setText(self.tr("The CA certificate file does not exist."))
            return None
        token = self.token_edit.text().strip()
        if not usable_token(token):
            self.error.setText(self.tr("The access token cannot contain spaces or line breaks."))
            return None
        return ConnectionRequest(
            url,
            credentials=Credentials(token=token, headers=headers),
            options=ServerOptions(ca_file=ca_file),
        )

    @Slot()
    def _connect(self) -> None:
        if self.kind == KIND_HOSTED:
            self._connect_hosted()
            return
        if self.kind == KIND_FARM:
            self._connect_farm()
            return
        request = self._validated_request()
        if request is None:
            return
        self.error.clear()
        self._vm.connect_to(request)
        self.accept()

    def _connect_farm(self) -> None:
        try:
            servers, credentials = self.farm_page.validated()
        except FarmPageError as err:
            self.error.setText(str(err))
            return
        self.error.clear()
        if len(servers) == 1:  # one server is the plain case
            url = servers[0].url
            self._vm.connect_to(ConnectionRequest(url, credentials=credentials[url]))
        else:
            self._vm.connect_to(ConnectionRequest.for_farm(servers, credentials))
        self.accept()

    def _connect_hosted(self) -> None:
        try:
            connection, key = self.hosted_page.validated()
        except InvalidServerUrl as err:
            self.error.setText(url_error_text(err))
            return
        except HostedPageError as err:
            self.error.setText(str(err))
            return
        self.error.clear()
        self.hosted_requested.emit(connection, key)
        self.accept()


_URL_ERRORS = {
    "empty": QT_TRANSLATE_NOOP(
        "ConnectionDialog", "Enter the server address, for example http://127.0.0.1:8188."
    ),
    "scheme": QT_TRANSLATE_NOOP(
        "ConnectionDialog", "The address must start with http:// or https://."
    ),
    "host": QT_TRANSLATE_NOOP("ConnectionDialog", "The address has no valid host name."),
    "credentials": QT_TRANSLATE_NOOP(
        "ConnectionDialog",
        "Leave user names and passwords out of the address; use the access token field.",
    ),
    "query": QT_TRANSLATE_NOOP("ConnectionDialog", "Leave ?… and #… out of the address."),
    "port": QT_TRANSLATE_NOOP("ConnectionDialog", "The port number is not valid."),
}


def url_error_text(err: InvalidServerUrl) -> str:
    """The translated sentence for a rejected server address."""
    source = _URL_ERRORS.get(err.code)
    return QCoreApplication.translate("ConnectionDialog", source) if source else str(err)


def checked_url(text: str, error: QLabel) -> str | None:
    """``text`` as a server address, or ``None`` with the reason shown in ``error``."""
    try:
        return normalize_server_url(text)
    except InvalidServerUrl as err:
        error.setText(url_error_text(err))
        return None
