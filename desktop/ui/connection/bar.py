"""The connection bar at the top of the window: server address, state, and what to do next."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from desktop.settings import DEFAULT_SERVER_URL, InvalidServerUrl, normalize_server_url
from desktop.ui.buttons import named_button
from desktop.ui.connection.model import ConnectionRequest, ConnectionViewModel, Phase
from desktop.ui.fitting import ElidingLabel
from desktop.ui.i18n import Retranslatable
from desktop.ui.icons import set_icon

_DOT_COLOURS = {
    Phase.IDLE: "#8a8a8a",
    Phase.CONNECTING: "#d9a400",
    Phase.CONNECTED: "#2e9e44",
    Phase.DISCONNECTED: "#d23c3c",
    Phase.AUTH_REQUIRED: "#e07b00",
}


class ConnectionBar(Retranslatable, QWidget):
    """Binds to a :class:`ConnectionViewModel`; asks the window for dialogs via signals."""

    settings_requested = Signal()  # open the connection dialog (token, headers, CA file)
    demo_requested = Signal()  # start the built-in demo server and connect to it

    def __init__(self, vm: ConnectionViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectionBar")
        self._vm = vm
        self.switch_prompt: QMessageBox | None = None  # open while asking to leave jobs behind

        self.dot = QLabel()
        self.dot.setFixedSize(12, 12)
        self.headline = QLabel()
        self.headline.setObjectName("connectionHeadline")
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        self.url_box = QComboBox()
        self.url_box.setObjectName("serverUrl")
        self.url_box.setEditable(True)
        self.url_line = QLineEdit(self.url_box)
        self.url_box.setLineEdit(self.url_line)
        self.url_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.url_box.setMinimumContentsLength(18)
        self.url_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.url_line.returnPressed.connect(self._connect_typed)
        self.url_box.editTextChanged.connect(self._update_button)
        self.connect_button = named_button("connectButton", self._button_clicked)
        # An icon: the bar must fit a small window (a laptop at 150 % scaling is ~850 px wide).
        self.settings_button = QToolButton()
        self.settings_button.setObjectName("connectionSettingsButton")
        self.settings_button.setAutoRaise(True)
        set_icon(self.settings_button, "connection_settings")
        self.settings_button.clicked.connect(self.settings_requested)
        self.detail = ElidingLabel()  # "…" and the whole text in the tooltip when cut
        self.detail.setObjectName("connectionDetail")
        self.detail.setTextFormat(Qt.TextFormat.PlainText)  # may carry server text
        self.detail.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.detail.setMinimumWidth(80)
        self.countdown = QLabel()
        self.countdown.setObjectName("reconnectCountdown")
        self.retry_button = named_button("retryNowButton", vm.retry_now)
        self.token_button = named_button("enterTokenButton", self.settings_requested)
        self.demo_button = named_button("tryDemoButton", self.demo_requested)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self.dot)
        layout.addWidget(self.headline)
        layout.addWidget(self.url_box)
        layout.addWidget(self.connect_button)
        layout.addWidget(self.settings_button)
        layout.addWidget(self.detail, 1)
        layout.addWidget(self.countdown)
        layout.addWidget(self.retry_button)
        layout.addWidget(self.token_button)
        layout.addWidget(self.demo_button)

        vm.changed.connect(self.refresh)
        self.retranslate()

    def set_recent_servers(self, urls: list[str] | tuple[str, ...]) -> None:
        current = self.url_box.currentText()
        self.url_box.blockSignals(True)
        self.url_box.clear()
        self.url_box.addItems(list(urls))
        self.url_box.setEditText(self._vm.url or current or (urls[0] if urls else ""))
        self.url_box.blockSignals(False)

    def retranslate(self) -> None:
        self.url_box.setToolTip(self.tr("Address of the ComfyUI server"))
        self.url_line.setPlaceholderText(DEFAULT_SERVER_URL)
        self.settings_button.setText(self.tr("Connection settings…"))
        explanation = self.tr("Access token, extra headers and certificate for this server")
        self.settings_button.setToolTip(f"{self.settings_button.text()}\n{explanation}")
        self.retry_button.setText(self.tr("Retry now"))
        self.token_button.setText(self.tr("Enter token…"))
        self.demo_button.setText(self.tr("Try the demo server"))
        self.demo_button.setToolTip(
            self.tr("Start a built-in stand-in server that draws placeholder pictures, not AI")
        )
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        vm = self._vm
        phase = vm.phase
        text = vm.describe()
        self.dot.setStyleSheet(f"background: {_DOT_COLOURS[phase]}; border-radius: 6px;")
        self.headline.setText(text.headline)
        # Server details live in the status bar; the bar explains problems and what to do.
        detail = "" if phase is Phase.CONNECTED else text.detail
        if text.reason and phase is not Phase.CONNECTED:
            detail = f"{detail} ({text.reason})"
        self.detail.setText(detail)
        if vm.url and not self.url_line.hasFocus():
            self.url_box.setEditText(vm.url)
            self.url_line.setCursorPosition(0)  # a long farm label shows its start
        has_session = vm.session is not None
        self._update_button()
        seconds = vm.seconds_to_retry()
        self.countdown.setVisible(seconds is not None)
        if seconds is not None:
            self.countdown.setText(self.tr("Reconnecting in {seconds} s").format(seconds=seconds))
        self.retry_button.setVisible(has_session and phase is Phase.DISCONNECTED)
        self.token_button.setVisible(phase is Phase.AUTH_REQUIRED)
        self.demo_button.setVisible(not vm.is_demo and phase in (Phase.IDLE, Phase.DISCONNECTED))

    def _typed_url(self) -> str | None:
        try:
            return normalize_server_url(self.url_box.currentText())
        except InvalidServerUrl:
            return None

    def _button_disconnects(self) -> bool:
        typed = self._typed_url()
        return self._vm.session is not None and typed in (None, self._vm.url)

    @Slot()
    def _update_button(self) -> None:
        self.connect_button.setText(
            self.tr("Disconnect") if self._button_disconnects() else self.tr("Connect")
        )

    @Slot()
    def _button_clicked(self) -> None:
        if self._button_disconnects():
            self._vm.disconnect_from_server()
        else:
            self._connect_typed()

    @Slot()
    def _connect_typed(self) -> None:
        """Enter in the address box (or Connect): switch only to a changed, valid address,
        and ask first when that would leave our jobs behind on the current server."""
        url = self._typed_url()
        if url is None:
            self.detail.setText(
                self.tr("“{text}” is not a server address like http://127.0.0.1:8188.").format(
                    text=self.url_box.currentText()
                )
            )
            return
        if url == self._vm.url and self._vm.session is not None:
            self.url_box.setEditText(url)  # the same server, perhaps spelt differently
            return
        active = self._vm.active_job_count()
        if active and self._vm.phase is Phase.CONNECTED:
            self._ask_before_switching(url, active)
            return
        self._vm.connect_to(ConnectionRequest(url))

    def _ask_before_switching(self, url: str, active: int) -> None:
        box = QMessageBox(self)
        box.setObjectName("switchServerBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Switch server"))
        box.setText(self.tr("Connect to {url}?").format(url=url))
        box.setInformativeText(
            self.tr(
                "Jobs of yours still queued or running on {url}: %n. They keep running there; "
                "ComfyDesk collects their pictures the next time you connect to it.",
                "",
                active,
            ).format(url=self._vm.url)
        )
        switch = box.addButton(self.tr("Switch server"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.switch_prompt = box

        def finished(_result: int) -> None:
            chosen = box.clickedButton() is switch
            box.deleteLater()
            self.switch_prompt = None
            if chosen:
                self._vm.connect_to(ConnectionRequest(url))
            else:
                self.url_box.setEditText(self._vm.url)

        box.finished.connect(finished)
        box.open()  # not exec(): a nested loop under qasync breaks running tasks
