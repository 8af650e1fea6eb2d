"""``WorkspacePanel``: what the form dock shows — a one-line message (opening, waiting for the
server, why a file did not open or a job was not queued), the form (or an empty state with an
Open button) and the Generate bar at the bottom. It binds to a :class:`Workspace`."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from desktop.ui.fitting import WrappingLabel
from desktop.ui.form import FormView
from desktop.ui.form.row import ERROR_STYLE
from desktop.ui.generate_bar import GenerateBar
from desktop.ui.i18n import Retranslatable
from desktop.ui.main_window import WindowActions
from desktop.ui.panels import EmptyState
from desktop.ui.templates.cards import StarterCards
from desktop.ui.workspace import Workspace


class WorkspacePanel(Retranslatable, QWidget):
    open_requested = Signal()  # the empty state's "Open workflow…" button

    def __init__(
        self, workspace: Workspace, actions: WindowActions, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("workspacePanel")
        self.workspace = workspace
        self.message = WrappingLabel(self)
        self.message.setObjectName("workspaceMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setContentsMargins(8, 6, 8, 0)
        self.message.hide()
        self.empty = EmptyState(
            lambda: self.tr("No workflow open"),
            lambda: self.tr("Open a workflow — or drop a .json or a ComfyUI image here."),
            lambda: self.tr("Open workflow…"),
            parent=self,
        )
        assert self.empty.button is not None
        self.empty.button.clicked.connect(self.open_requested)
        self.form_view = FormView(
            workspace.form,
            workspace.upload_image,
            image_fetcher=workspace.fetch_input_image,
            parent=self,
        )
        self.starter_cards = StarterCards(self)
        self.stack = QStackedWidget(self)
        self.empty_page = self._empty_page()
        self.stack.addWidget(self.empty_page)
        self.stack.addWidget(self.form_view)
        self.generate_bar = GenerateBar(actions, self)
        self.generate_bar.set_count(workspace.batch_count)
        self.generate_bar.count_changed.connect(workspace.set_batch_count)
        workspace.batch_count_changed.connect(self.generate_bar.set_count)
        workspace.message_changed.connect(self._show_message)
        workspace.form.loaded.connect(self._show_page)
        workspace.workflow_opened.connect(lambda *_: self.form_view.focus_first_field())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.message)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.generate_bar)
        self._show_page()
        self._show_message()

    def retranslate(self) -> None:
        self.empty.retranslate()

    def _show_page(self) -> None:
        loaded = self.workspace.form.is_loaded()
        self.stack.setCurrentWidget(self.form_view if loaded else self.empty_page)

    def _empty_page(self) -> QScrollArea:
        """The empty state with the starter cards under it, scrolling in a short dock."""
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.starter_cards)
        layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setObjectName("emptyWorkspace")
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        return scroll

    def _show_message(self) -> None:
        text = self.workspace.message
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if self.workspace.message_is_error else "")
        self.message.setVisible(bool(text))

    async def aclose(self) -> None:
        """Cancel the form's uploads and previews (before the session closes)."""
        await self.form_view.aclose()
