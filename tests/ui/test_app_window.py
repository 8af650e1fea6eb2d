"""The main window on its own: panel slots, empty states, actions and shortcuts, drag and drop,
open/recent, the reconnect countdown, and closing while jobs run."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.app import AppOptions, parse_args
from desktop.comfy.types import Device, SystemStats
from desktop.jobs.session import ConnState, SessionStatus
from desktop.secrets import SecretStore
from desktop.settings import ServerOptions
from desktop.ui.connection.model import ConnectionRequest, ConnectionViewModel, Phase
from desktop.ui.connection.summary import gpu_name, server_summary
from desktop.ui.main_window import MainWindow
from desktop.ui.panels import Panel
from tests.ui.app_support import QT_NOISE, AppFactory, make_app, wait_until

__all__ = ["make_app"]

pytestmark = [QT_NOISE]
URL = "http://gpu.example:8188"


@dataclass
class FakeJobs:
    active: int = 0
    cancelled: bool = False

    def jobs(self) -> list[SimpleNamespace]:
        return [SimpleNamespace(state=SimpleNamespace(finished=False))] * self.active

    async def cancel_all_mine(self) -> None:
        self.cancelled = True


@dataclass
class FakeSession:
    """Stands in for ServerSession where a test needs exact, hand-made statuses."""

    url: str
    headers: dict[str, str]
    jobs: FakeJobs = field(default_factory=FakeJobs)
    listeners: list[Callable[[SessionStatus], None]] = field(default_factory=list)
    retries: int = 0
    closed: bool = False

    def on_status(self, cb: Callable[[SessionStatus], None]) -> Callable[[], None]:
        self.listeners.append(cb)
        return lambda: self.listeners.remove(cb)

    async def start(self) -> None:
        self.publish(SessionStatus(ConnState.CONNECTING, self.url))

    async def close(self) -> None:
        self.closed = True

    def retry_now(self) -> None:
        self.retries += 1

    def publish(self, status: SessionStatus) -> None:
        for cb in list(self.listeners):
            cb(status)


def fake_factory(sessions: list[FakeSession]) -> Callable[..., FakeSession]:
    def factory(url: str, headers: Any, options: ServerOptions) -> FakeSession:
        session = FakeSession(url, dict(headers))
        sessions.append(session)
        return session

    return factory


def make_vm(sessions: list[FakeSession]) -> ConnectionViewModel:
    return ConnectionViewModel(
        session_factory=fake_factory(sessions),  # type: ignore[arg-type]
        secrets=SecretStore(),
        options_for=lambda url: ServerOptions(),
    )


STATS = SystemStats(
    comfyui_version="0.3.64",
    python_version="3.11",
    pytorch_version="2.8",
    os="posix",
    ram_total=0,
    ram_free=0,
    devices=(
        Device(
            name="cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync",
            type="cuda",
            vram_total=24 * 1024**3,
            vram_free=20 * 1024**3,
        ),
    ),
)


def test_server_summary_names_version_gpu_vram_and_queue() -> None:
    assert server_summary(STATS, 2) == (
        "ComfyUI 0.3.64 · NVIDIA GeForce RTX 4090 · VRAM 20.0 of 24.0 GB free · Queue: 2"
    )
    assert server_summary(None, None) == ""
    assert gpu_name("cpu") == "cpu"


def test_window_has_four_slots_with_empty_states(qtbot: QtBot) -> None:
    window = MainWindow(make_vm([]))
    qtbot.addWidget(window)
    window.show()
    form_empty = window.empty_state(Panel.FORM)
    assert form_empty.hint.text() == "Open a workflow — or drop a .json or a ComfyUI image here."
    assert form_empty.button is not None
    assert form_empty.button.text() == "Open workflow…"
    assert window.empty_state("gallery").title.text() == "The gallery is empty"
    assert window.dock(Panel.FORM).windowTitle() == "Workflow"
    assert window.dock(Panel.QUEUE).windowTitle() == "Queue"
    assert window.dock(Panel.GALLERY).windowTitle() == "Gallery"
    assert window.dock(Panel.PREVIEW) is None
    assert window.dockWidgetArea(window.dock(Panel.FORM)) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert window.dockWidgetArea(window.dock("queue")) == Qt.DockWidgetArea.RightDockWidgetArea

    preview = QLabel("preview")
    window.set_panel(Panel.PREVIEW, preview)
    assert window.panel("preview") is preview
    assert window.centralWidget().currentWidget() is preview
    replacement = QLabel("better preview")
    window.set_panel("preview", replacement)
    assert window.centralWidget().currentWidget() is replacement
    window.set_panel("preview", None)
    assert window.centralWidget().currentWidget() is window.empty_state("preview")


def test_actions_and_shortcuts(qtbot: QtBot) -> None:
    window = MainWindow(make_vm([]))
    qtbot.addWidget(window)
    a = window.commands
    assert a.open.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    assert QKeySequence("Ctrl+Return") in a.generate.shortcuts()
    assert a.interrupt.shortcut() == QKeySequence("Esc")
    assert a.quit.shortcut() == QKeySequence("Ctrl+Q")
    assert a.full_screen.shortcut() == QKeySequence("F11")
    assert not a.generate.isEnabled()  # until a form enables it
    assert not a.interrupt.isEnabled()
    menus = [m.title() for m in (window.file_menu, window.edit_menu, window.generate_menu)]
    assert menus == ["&File", "&Edit", "&Generate"]
    assert [m.title() for m in (window.view_menu, window.help_menu)] == ["&View", "&Help"]
    toggles = [act.text() for act in window.view_menu.actions()[:3]]
    assert toggles == ["Workflow", "Queue", "Gallery"]
    with qtbot.waitSignal(window.preferences_requested):
        a.preferences.trigger()
    with qtbot.waitSignal(window.about_requested):
        a.about.trigger()


def test_dropping_a_workflow_asks_to_open_it(qtbot: QtBot, tmp_path: Path) -> None:
    window = MainWindow(make_vm([]))
    qtbot.addWidget(window)
    target = tmp_path / "portrait.png"
    target.write_bytes(b"")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "notes.txt")), QUrl.fromLocalFile(str(target))])
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.open_requested) as opened:
        window.dropEvent(drop)
    assert opened.args == [target]


def test_recent_files_and_title(qtbot: QtBot, tmp_path: Path) -> None:
    window = MainWindow(make_vm([]))
    qtbot.addWidget(window)
    assert [a.text() for a in window.recent_menu.actions()] == ["No recent workflows"]
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    window.note_workflow_opened(first)
    with qtbot.waitSignal(window.workflow_opened):
        window.note_workflow_opened(second, "Portrait")
    assert [a.text() for a in window.recent_menu.actions()] == ["b.json", "a.json"]
    assert window.windowTitle() == "Portrait — ComfyDesk"
    with qtbot.waitSignal(window.open_requested) as opened:
        window.recent_menu.actions()[1].trigger()
    assert opened.args == [first]
    window.set_demo_mode(True)
    assert window.windowTitle() == (
        "Portrait — ComfyDesk [Demo server: placeholder images, not AI]"
    )


async def test_countdown_and_retry_now_follow_the_session(qtbot: QtBot) -> None:
    sessions: list[FakeSession] = []
    vm = make_vm(sessions)
    window = MainWindow(vm)
    qtbot.addWidget(window)
    window.show()
    await vm.connect_to(ConnectionRequest(URL))
    bar = window.connection_bar
    assert bar.headline.text() == "Connecting…"
    session = sessions[0]
    assert session.headers == {}

    session.publish(
        SessionStatus(
            ConnState.DISCONNECTED,
            URL,
            reason="Nothing answers at gpu.example:8188.",
            retry_at=time.monotonic() + 7.5,
            attempt=3,
        )
    )
    assert vm.phase is Phase.DISCONNECTED
    assert bar.countdown.text() == "Reconnecting in 8 s"
    assert bar.detail.text() == (
        f"ComfyUI is not running at {URL} — start it, check the address, or try the demo "
        "server. (Nothing answers at gpu.example:8188.)"
    )
    assert window.status_bar.state_label.text() == "Disconnected — reconnecting in 8 s"
    bar.retry_button.click()
    assert session.retries == 1
    await wait_until(lambda: bar.countdown.text() != "Reconnecting in 8 s")  # it ticks

    session.publish(SessionStatus(ConnState.CONNECTED, URL, system_stats=STATS, queue_remaining=1))
    assert bar.headline.text() == "Connected"
    assert not bar.countdown.isVisible()
    assert window.status_bar.server_label.text() == server_summary(STATS, 1)

    bar.connect_button.click()  # "Disconnect"
    await wait_phase_of(vm, Phase.IDLE)
    assert session.closed
    assert bar.headline.text() == "Not connected"
    await vm.close()


async def wait_phase_of(vm: ConnectionViewModel, phase: Phase) -> None:
    async with asyncio.timeout(5):
        await vm.wait_for(phase)


async def test_closing_with_running_jobs_asks_first(make_app: AppFactory, qtbot: QtBot) -> None:
    sessions: list[FakeSession] = []
    app = make_app(AppOptions(server=URL), session_factory=fake_factory(sessions))
    run = asyncio.ensure_future(app.run())
    await wait_until(lambda: len(sessions) == 1)
    session = sessions[0]
    session.jobs.active = 2
    session.publish(SessionStatus(ConnState.CONNECTED, URL))

    app.window.close()
    assert not app.window.isHidden()  # closing waits for the answer
    box = app.window.findChild(QMessageBox, "quitWithJobsBox")
    assert box is not None
    await wait_until(box.isVisible)
    assert box.text() == "Jobs of yours still queued or running: 2."
    keep = next(b for b in box.buttons() if b.text() == "Cancel")
    keep.click()
    await asyncio.sleep(0.05)  # a negative: give a wrong quit the chance to happen, it must not
    assert not run.done()

    app.window.close()
    box = app.window.findChild(QMessageBox, "quitWithJobsBox")
    await wait_until(box.isVisible)
    cancel = next(b for b in box.buttons() if b.text() == "Cancel Jobs and Quit")
    cancel.click()
    assert await asyncio.wait_for(run, 10) == 0
    assert session.jobs.cancelled
    assert session.closed
    assert app.window.isHidden()


def test_command_line() -> None:
    assert parse_args([]) == AppOptions()
    options = parse_args(["wf.json", "--server", "localhost:8188/", "--lang", "zh-CN"])
    assert options == AppOptions(file=Path("wf.json"), server="http://localhost:8188", lang="zh_CN")
    assert parse_args(["--demo", "--self-test"]) == AppOptions(demo=True, self_test=True)


@pytest.mark.parametrize(
    "argv", [["--lang", "fr"], ["--server", "ftp://x"], ["--demo", "--server", "http://a"]]
)
def test_command_line_rejects_bad_values(argv: list[str], capsys: Any) -> None:
    with pytest.raises(SystemExit) as exit_:
        parse_args(argv)
    assert exit_.value.code == 2
    assert "usage: comfydesk" in capsys.readouterr().err


async def test_a_session_that_cannot_start_leaves_a_reason(qtbot: QtBot) -> None:
    class BrokenSession(FakeSession):
        async def start(self) -> None:
            raise OSError("job journal is unreadable")

    sessions: list[BrokenSession] = []

    def factory(url: str, headers: Any, options: ServerOptions) -> BrokenSession:
        sessions.append(BrokenSession(url, dict(headers)))
        return sessions[-1]

    vm = ConnectionViewModel(
        session_factory=factory,  # type: ignore[arg-type]
        secrets=SecretStore(),
        options_for=lambda url: ServerOptions(),
    )
    window = MainWindow(vm)
    qtbot.addWidget(window)
    await vm.connect_to(ConnectionRequest(URL))
    assert vm.phase is Phase.DISCONNECTED
    assert vm.session is None
    assert sessions[0].closed
    assert window.connection_bar.detail.text().endswith("(job journal is unreadable)")
    assert window.connection_bar.connect_button.text() == "Connect"
    await vm.close()
