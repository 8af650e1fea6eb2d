"""The connection dialog's page for a farm: several ComfyUI servers used as one, each with a
name, an address and an access token (kept in the keyring under its address)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.secrets import Credentials, usable_token
from desktop.settings import (
    DEFAULT_SERVER_URL,
    FarmServer,
    InvalidServerUrl,
    normalize_server_url,
)
from desktop.ui.buttons import named_button
from desktop.ui.i18n import Retranslatable


class FarmPageError(ValueError):
    """What is wrong with the list, as a sentence for the artist (translated)."""


class _ServerRow:
    def __init__(self, page: FarmSettingsPage, server: FarmServer | None) -> None:
        self.name = QLineEdit(server.name if server else "")
        self.name.setObjectName("farmServerName")
        self.url = QLineEdit(server.url if server else "")
        self.url.setObjectName("farmServerUrl")
        self.token = QLineEdit()
        self.token.setObjectName("farmServerToken")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.remove = QPushButton()
        self.remove.setObjectName("farmRemoveServer")
        self.token_loaded_for = ""
        self.loaded = Credentials()  # what the keyring had: its extra headers are kept
        self.url.editingFinished.connect(lambda: page.credentials_wanted(self))
        self.remove.clicked.connect(lambda: page.remove_row(self))

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.name, self.url, self.token, self.remove)


class FarmSettingsPage(Retranslatable, QWidget):
    """Rows of servers; ``validated()`` gives the farm and each server's token."""

    credentials_requested = Signal(str)  # an address whose stored token the page would show

    def __init__(self, servers: Sequence[FarmServer], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("farmPage")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.grid = QGridLayout()
        self.headers = (QLabel(), QLabel(), QLabel())
        for column, label in enumerate(self.headers):
            self.grid.addWidget(label, 0, column)
        self.grid.setColumnStretch(1, 2)
        self.grid.setColumnStretch(0, 1)
        self.grid.setColumnStretch(2, 1)
        self.add_button = named_button("farmAddServer", self.add_row)
        self.rows: list[_ServerRow] = []
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.intro)
        layout.addLayout(self.grid)
        layout.addLayout(add_row)
        layout.addStretch(1)  # the dialog's other pages are taller: keep the rows together
        for server in servers or (FarmServer(""), FarmServer("")):
            self.add_row(server if server.url else None)
        self.retranslate()

    def retranslate(self) -> None:
        self.intro.setText(
            self.tr(
                "Use several ComfyUI servers as one: each job goes to a server that has its "
                "models, the one with the shortest wait. If a server stops, its jobs finish "
                "on another."
            )
        )
        for label, text in zip(
            self.headers,
            (self.tr("Name"), self.tr("Address"), self.tr("Access token")),
            strict=True,
        ):
            label.setText(text)
        self.add_button.setText(self.tr("Add a server"))
        for row in self.rows:
            self._translate_row(row)

    def _translate_row(self, row: _ServerRow) -> None:
        row.name.setPlaceholderText(self.tr("e.g. Desk GPU"))
        row.url.setPlaceholderText(DEFAULT_SERVER_URL)
        row.token.setPlaceholderText(self.tr("Optional"))
        row.remove.setText(self.tr("Remove"))

    @Slot()
    def add_row(self, server: FarmServer | None = None) -> None:
        row = _ServerRow(self, server if isinstance(server, FarmServer) else None)
        self.rows.append(row)
        self._translate_row(row)
        self._lay_out()
        if row.url.text():
            self.credentials_wanted(row)
        else:
            row.name.setFocus()

    def remove_row(self, row: _ServerRow) -> None:
        self.rows.remove(row)
        for widget in row.widgets():
            self.grid.removeWidget(widget)
            widget.deleteLater()
        self._lay_out()

    def _lay_out(self) -> None:
        for number, row in enumerate(self.rows, 1):
            for column, widget in enumerate(row.widgets()):
                self.grid.addWidget(widget, number, column)
        for row in self.rows:
            row.remove.setEnabled(len(self.rows) > 1)

    def credentials_wanted(self, row: _ServerRow) -> None:
        try:
            url = normalize_server_url(row.url.text())
        except InvalidServerUrl:
            return
        if url != row.token_loaded_for:
            row.token_loaded_for = url
            self.credentials_requested.emit(url)

    def set_credentials(self, url: str, creds: Credentials) -> None:
        """A stored token arrived: show it in that server's row unless one was typed."""
        for row in self.rows:
            if row.token_loaded_for == url:
                row.loaded = creds
                if not row.token.text():
                    row.token.setText(creds.token)

    def validated(self) -> tuple[tuple[FarmServer, ...], dict[str, Credentials]]:
        """The servers (empty rows skipped) and each one's token; raises FarmPageError."""
        servers: list[FarmServer] = []
        tokens: dict[str, Credentials] = {}
        for number, row in enumerate(self.rows, 1):
            text, name = row.url.text().strip(), row.name.text().strip()
            if not text and not name:
                continue
            try:
                url = normalize_server_url(text)
            except InvalidServerUrl:
                raise FarmPageError(
                    self.tr("Server {number}: “{text}” is not an address like {example}.").format(
                        number=number, text=text, example="http://127.0.0.1:8188"
                    )
                ) from None
            if url in tokens:
                raise FarmPageError(self.tr("{url} is in the list twice.").format(url=url))
            token = row.token.text().strip()
            if not usable_token(token):
                raise FarmPageError(
                    self.tr("The access token cannot contain spaces or line breaks.")
                )
            servers.append(FarmServer(url, name))
            kept = row.loaded if row.token_loaded_for == url else Credentials()
            tokens[url] = dataclasses.replace(kept, token=token)
        names = [s.shown_name for s in servers]
        if len(set(names)) < len(names):
            raise FarmPageError(self.tr("Give each server its own name."))
        if not servers:
            raise FarmPageError(self.tr("Add the address of at least one server."))
        return tuple(servers), tokens
