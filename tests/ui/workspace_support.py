"""Helpers for the end-to-end tests: the real ComfyDeskApp with every panel installed, against
a demo server, driven through its window (open requests, form widgets, the Generate button)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from desktop.app import AppOptions, ComfyDeskApp
from desktop.jobs.model import JobSnapshot
from desktop.ui.composition import build_panels
from desktop.ui.connection.model import ConnectionRequest, Phase
from desktop.ui.form import FormView
from desktop.ui.gallery.view import GalleryView
from desktop.ui.panels import Panel
from desktop.ui.preview.view import PreviewView
from desktop.ui.queue.panel import QueuePanel
from desktop.ui.workspace import Workspace
from desktop.ui.workspace_panel import WorkspacePanel
from tests.conftest import shared_path
from tests.demo_fixtures import DemoHandle
from tests.ui.app_support import AppFactory, wait_phase, wait_until

API = shared_path("workflows", "api")
UI = shared_path("workflows", "ui")
IMAGES = shared_path("workflows", "images")
PNG_SAMPLES = sorted(IMAGES.glob("*.png"))
Key = tuple[str, str]


class Driver:
    """The app and its panels, plus the few gestures the tests repeat."""

    def __init__(self, app: ComfyDeskApp, qtbot: QtBot, demo: DemoHandle | None) -> None:
        self.app, self.qtbot, self.demo = app, qtbot, demo

    @property
    def panel(self) -> WorkspacePanel:
        panel = self.app.window.panel(Panel.FORM)
        assert isinstance(panel, WorkspacePanel)
        return panel

    @property
    def workspace(self) -> Workspace:
        return self.panel.workspace

    @property
    def view(self) -> FormView:
        return self.panel.form_view

    @property
    def preview(self) -> PreviewView:
        preview = self.app.window.panel(Panel.PREVIEW)
        assert isinstance(preview, PreviewView)
        return preview

    @property
    def queue(self) -> QueuePanel:
        queue = self.app.window.panel(Panel.QUEUE)
        assert isinstance(queue, QueuePanel)
        return queue

    async def gallery(self) -> GalleryView:
        await wait_until(lambda: isinstance(self.app.window.panel(Panel.GALLERY), GalleryView))
        view = self.app.window.panel(Panel.GALLERY)
        assert isinstance(view, GalleryView)
        return view

    @property
    def received(self) -> list[dict[str, Any]]:
        assert self.demo is not None
        assert self.demo.server is not None
        return self.demo.server.received_prompts

    # -- gestures -------------------------------------------------------------------------
    async def open(self, path: Path) -> None:
        """File > Open (the window's request), until the form shows that file."""
        self.app.window.request_open(path)
        await wait_until(self._settled)
        assert self.workspace.message == "", self.workspace.message
        workflow = self.workspace.form.workflow()
        assert workflow is not None
        assert workflow.source == path

    def _settled(self) -> bool:
        return self.workspace.pending_path is None and not self.workspace.busy

    def type_number(self, key: Key, value: int | float) -> None:
        editor = self.view.editor(key)
        spin = editor.number.spin if hasattr(editor, "number") else editor.spin
        line = spin.lineEdit()
        line.selectAll()
        self.qtbot.keyClicks(line, str(value))
        self.qtbot.keyClick(line, Qt.Key.Key_Return)

    def type_text(self, key: Key, text: str) -> None:
        edit = self.view.editor(key).text
        edit.selectAll()
        edit.insertPlainText(text)  # what an input method commits (QTest types ASCII only)

    def click_suggestion(self, key: Key) -> str:
        row = self.view.row(key)
        assert row.suggestion_button.isVisibleTo(self.view)
        text = row.suggestion_button.text()
        row.suggestion_button.click()
        return text

    def set_count(self, count: int) -> None:
        spin = self.panel.generate_bar.count
        spin.lineEdit().selectAll()
        self.qtbot.keyClicks(spin.lineEdit(), str(count))
        self.qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)

    async def generate(self, jobs: int = 1) -> list[JobSnapshot]:
        """Click the big Generate button; the jobs it queued (oldest first)."""
        session = self.app.connection.session
        assert session is not None
        before = {j.id for j in session.jobs.jobs()}
        sent = len(self.received)
        button = self.panel.generate_bar.button
        assert button.isEnabled()
        button.click()
        await wait_until(lambda: len(self.received) >= sent + jobs and not self.workspace.busy)
        assert self.workspace.message == "", self.workspace.message
        new = [j for j in session.jobs.jobs() if j.id not in before]
        assert len(new) == jobs
        return sorted(new, key=lambda j: j.created)

    async def finished(self, job: JobSnapshot) -> JobSnapshot:
        session = self.app.connection.session
        assert session is not None
        return await session.jobs.wait(job.id, timeout=20)

    async def preview_shows(self, path: Path) -> None:
        expected = QImage(str(path))
        await wait_until(
            lambda: (
                self.preview.canvas.image()
                == expected.convertToFormat(self.preview.canvas.image().format())
            )
        )

    def sent_prompts(self, count: int) -> list[dict[str, Any]]:
        return [body["prompt"] for body in self.received[-count:]]


async def start_app(
    make_app: AppFactory, qtbot: QtBot, demo: DemoHandle | None, *, connect: bool = True
) -> Driver:
    app = make_app(AppOptions(), panels=build_panels)
    app.window.show()
    driver = Driver(app, qtbot, demo)
    if connect and demo is not None:
        await connect_to(driver, demo)
    return driver


async def connect_to(driver: Driver, demo: DemoHandle) -> None:
    app = driver.app
    app.connection.connect_to(ConnectionRequest(demo.url))
    await wait_phase(app, Phase.CONNECTED)
    await wait_until(lambda: driver.workspace.object_info is not None)


def load_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def inputs_of(prompt: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node_id: node["inputs"] for node_id, node in prompt.items()}
