"""Typing after opening a workflow writes the prompt, never the server address; the address
box switches servers only on Enter with a changed, valid address, and asks before leaving our
running jobs behind."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.ui.connection.model import Phase
from desktop.ui.form.widgets.text_edit import PromptEdit
from tests.ui.app_support import QT_NOISE, AppFactory, make_app, wait_until
from tests.ui.workspace_support import API, start_app

__all__ = ["make_app"]
pytestmark = [QT_NOISE, pytest.mark.demo_only]
TXT2IMG = API / "txt2img_batch2_subfolder.json"


async def test_typing_after_opening_goes_into_the_first_prompt(
    make_app: AppFactory, qtbot, demo_server
) -> None:
    app = await start_app(make_app, qtbot, demo_server)
    window = app.app.window
    bar = window.connection_bar
    window.activateWindow()
    line = bar.url_box.lineEdit()
    line.setFocus()
    line.selectAll()
    await wait_until(line.hasFocus)
    session = app.app.connection.session

    await app.open(TXT2IMG)

    prompt = app.view.editor(("6", "text"))
    assert isinstance(prompt, PromptEdit)
    await wait_until(prompt.text.hasFocus)
    before = prompt.text.toPlainText()
    qtbot.keyClicks(QApplication.focusWidget(), " cat")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert prompt.text.toPlainText() == before + " cat\n"  # added at the end, nothing replaced
    assert bar.url_box.currentText() == demo_server.url
    assert app.app.connection.session is session
    assert app.app.connection.phase is Phase.CONNECTED
    await app.app.shutdown()


async def test_address_box_commits_only_a_changed_valid_address(
    make_app: AppFactory, qtbot, demo_server
) -> None:
    app = await start_app(make_app, qtbot, demo_server)
    bar = app.app.window.connection_bar
    vm = app.app.connection
    session = vm.session
    line = bar.url_box.lineEdit()

    # The same server spelt differently: nothing to do, the working connection stays.
    line.setText(demo_server.url.removeprefix("http://") + "/")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert vm.session is session
    assert bar.url_box.currentText() == demo_server.url

    # Not an address: said so, nothing dropped.
    line.setText("http://127.0.0.1:8188cat")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert "is not a server address" in bar.detail.text()
    assert vm.session is session
    assert vm.phase is Phase.CONNECTED
    await app.app.shutdown()


async def test_switching_servers_with_jobs_running_asks_first(
    make_app: AppFactory, qtbot, demo_server_factory
) -> None:
    slow = await demo_server_factory(step_delay=0.5)
    other = await demo_server_factory()
    app = await start_app(make_app, qtbot, slow)
    await app.open(TXT2IMG)
    await app.generate(1)
    vm = app.app.connection
    assert vm.active_job_count() == 1
    session = vm.session
    bar = app.app.window.connection_bar
    line = bar.url_box.lineEdit()

    line.setText(other.url)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    box = bar.switch_prompt
    assert isinstance(box, QMessageBox)
    assert box.text() == f"Connect to {other.url}?"
    assert box.informativeText().startswith(
        f"Jobs of yours still queued or running on {slow.url}: 1. They keep running there;"
    )
    box.button(QMessageBox.StandardButton.Cancel).click()
    await wait_until(lambda: bar.switch_prompt is None)
    assert vm.session is session
    assert bar.url_box.currentText() == slow.url

    line.setText(other.url)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    box = bar.switch_prompt
    assert isinstance(box, QMessageBox)
    switch = next(b for b in box.buttons() if b.text() == "Switch server")
    switch.click()
    await wait_until(lambda: vm.url == other.url and vm.phase is Phase.CONNECTED)
    assert vm.session is not session
    await app.app.shutdown()
