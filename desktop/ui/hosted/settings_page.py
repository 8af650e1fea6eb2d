"""The "Hosted workflow (GenStudio)" page of the connection dialog: the service address, the API
key (shown masked; stored in the keyring by the backend, never in a file) and the workflow ids
the artist runs there, each with a name."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.settings import (
    HostedConnection,
    HostedWorkflow,
    InvalidServerUrl,
    normalize_server_url,
)
from desktop.ui.i18n import Retranslatable


class HostedPageError(ValueError):
    """A sentence (translated) for the dialog's error line."""


class HostedSettingsPage(Retranslatable, QWidget):
    def __init__(self, connection: HostedConnection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hostedSettingsPage")
        self.url_edit = QLineEdit(connection.base_url)
        self.url_edit.setObjectName("hostedUrl")
        self.key_edit = QLineEdit()
        self.key_edit.setObjectName("hostedKey")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.show_key = QPushButton()
        self.show_key.setCheckable(True)
        self.show_key.toggled.connect(self._toggle_key)
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("hostedWorkflows")
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(self.fontMetrics().lineSpacing() * 6)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(lambda: self.add_row("", ""))
        self.remove_button = QPushButton()
        self.remove_button.clicked.connect(self._remove_rows)
        for workflow in connection.workflows:
            self.add_row(workflow.workflow_id, workflow.name)
        if not connection.workflows:
            self.add_row("", "")

        key_row = QHBoxLayout()
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(self.show_key)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        workflows = QVBoxLayout()
        workflows.addWidget(self.table)
        workflows.addLayout(buttons)
        self.field_labels = (QLabel(), QLabel(), QLabel())
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for label, field, row in zip(
            self.field_labels,
            (self.url_edit, self.key_edit, self.table),
            (self.url_edit, key_row, workflows),
            strict=True,
        ):
            label.setBuddy(field)
            if isinstance(row, (QWidget, QLayout)):
                form.addRow(label, row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        self.retranslate()

    def retranslate(self) -> None:
        labels = (self.tr("Service address:"), self.tr("API key:"), self.tr("Workflows:"))
        for widget, text in zip(self.field_labels, labels, strict=True):
            widget.setText(text)
        self.key_edit.setPlaceholderText(self.tr("The key from the provider's console"))
        self.show_key.setText(self.tr("Show"))
        self.table.setHorizontalHeaderLabels([self.tr("Workflow id"), self.tr("Name")])
        self.table.setToolTip(
            self.tr("Each published workflow you run: its id (wf-…) and a name you choose")
        )
        self.add_button.setText(self.tr("Add workflow"))
        self.remove_button.setText(self.tr("Remove"))

    def add_row(self, workflow_id: str, name: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(workflow_id))
        self.table.setItem(row, 1, QTableWidgetItem(name))

    @Slot()
    def _remove_rows(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows or [self.table.rowCount() - 1]:
            if row >= 0:
                self.table.removeRow(row)

    @Slot(bool)
    def _toggle_key(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.key_edit.setEchoMode(mode)

    def set_key(self, key: str) -> None:
        if not self.key_edit.text():
            self.key_edit.setText(key)

    def base_url(self) -> str:
        """The address as typed, normalised; raises InvalidServerUrl."""
        return normalize_server_url(self.url_edit.text())

    def validated(self) -> tuple[HostedConnection, str]:
        """The connection and the key; raises HostedPageError or InvalidServerUrl."""
        url = self.base_url()
        key = self.key_edit.text().strip()
        if not key:
            raise HostedPageError(self.tr("Enter the API key from the provider's console."))
        if any(ord(c) < 33 for c in key):
            raise HostedPageError(self.tr("The API key cannot contain spaces or line breaks."))
        workflows: dict[str, HostedWorkflow] = {}
        for row in range(self.table.rowCount()):
            id_item, name_item = self.table.item(row, 0), self.table.item(row, 1)
            workflow_id = id_item.text().strip() if id_item is not None else ""
            name = name_item.text().strip() if name_item is not None else ""
            if not workflow_id and not name:
                continue
            if not workflow_id or any(c.isspace() for c in workflow_id):
                raise HostedPageError(
                    self.tr("Row {row}: enter the workflow id (wf-…) without spaces.").format(
                        row=row + 1
                    )
                )
            workflows.setdefault(workflow_id, HostedWorkflow(workflow_id, name))
        if not workflows:
            raise HostedPageError(self.tr("Add at least one workflow id (wf-…)."))
        return HostedConnection(url, tuple(workflows.values())), key


__all__ = ["HostedPageError", "HostedSettingsPage", "InvalidServerUrl"]
