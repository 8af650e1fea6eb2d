"""A farm in the app: set up in Connection settings, shown in the connection bar and status
bar, a form whose model lists mark what only some servers have, a job routed by the model
chosen, the queue and the library saying which server ran it, and the farm remembered."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.app import AppOptions
from desktop.jobs.model import JobState
from desktop.secrets import Credentials
from desktop.settings import FarmServer
from desktop.ui.composition import build_panels
from desktop.ui.connection.dialog import KIND_FARM, ConnectionDialog
from desktop.ui.connection.farm_page import FarmPageError
from desktop.ui.connection.model import ConnectionRequest, Phase
from desktop.ui.form.widgets.choice_box import ChoiceEdit
from desktop.ui.queue.delegate import row_texts
from tests.demo_fixtures import DemoFactory
from tests.protocol.farm_support import models
from tests.ui.app_support import QT_NOISE, AppFactory, make_app, wait_phase, wait_until
from tests.ui.workspace_support import API, Driver

__all__ = ["make_app"]
pytestmark = [QT_NOISE, pytest.mark.demo_only]

CKPT = ("4", "ckpt_name")  # txt2img_batch2_subfolder.json's checkpoint loader


def farm_dialog(app: Any) -> ConnectionDialog:
    app.show_connection_dialog()
    dialog = app.window.findChild(ConnectionDialog)
    assert dialog is not None
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData(KIND_FARM))
    return dialog


def fill(dialog: ConnectionDialog, rows: list[tuple[str, str, str]]) -> None:
    page = dialog.farm_page
    while len(page.rows) < len(rows):
        page.add_row()
    for row, (name, url, token) in zip(page.rows, rows, strict=False):
        row.name.setText(name)
        row.url.setText(url)
        row.token.setText(token)


async def test_a_farm_set_up_in_the_dialog_routes_by_the_model_chosen(
    make_app: AppFactory, qtbot: QtBot, demo_server_factory: DemoFactory
) -> None:
    desk = await demo_server_factory(models=models("random-sd15.safetensors"))
    tower = await demo_server_factory(models=models("random-sd15.safetensors", "other.safetensors"))
    app = make_app(AppOptions(), panels=build_panels)
    app.window.show()
    driver = Driver(app, qtbot, None)

    dialog = farm_dialog(app)
    assert dialog.pages.currentWidget() is dialog.farm_page
    assert dialog.windowTitle() == "Connect to several ComfyUI servers"
    fill(dialog, [("Desk", desk.url, ""), ("Tower", tower.url, "s3cret")])
    dialog.connect_button.click()
    await wait_phase(app, Phase.CONNECTED)
    bar, status = app.window.connection_bar, app.window.status_bar
    await wait_until(lambda: bar.headline.text() == "Connected — 2 of 2 servers")
    await wait_until(lambda: "Tower: ComfyUI" in status.server_label.text())
    assert "Desk: ComfyUI" in status.server_label.text()
    assert app.settings.backend == "farm"
    assert app.settings.farm == (FarmServer(desk.url, "Desk"), FarmServer(tower.url, "Tower"))
    assert app.secrets.load(tower.url).token == "s3cret"  # each server's token, by address

    # The form offers both servers' checkpoints; the one only the tower has is marked.
    await wait_until(lambda: driver.workspace.object_info is not None)
    await driver.open(API / "txt2img_batch2_subfolder.json")
    editor = driver.view.editor(CKPT)
    assert isinstance(editor, ChoiceEdit)
    entries = editor.combo.entries()
    assert {"random-sd15.safetensors", "other.safetensors"} <= set(entries)
    assert editor.combo.note("other.safetensors") == "Tower"
    assert editor.combo.note("random-sd15.safetensors") == ""

    # Choosing it sends the job to the tower, and the app says so.
    editor.combo.setFocus()
    editor.combo.line.setText("other.safetensors")
    qtbot.keyClick(editor.combo.line, Qt.Key.Key_Return)
    await wait_until(lambda: driver.workspace.form.value(CKPT) == "other.safetensors")
    assert "Only on Tower" in editor.combo.toolTip()
    session = app.connection.session
    assert session is not None
    driver.panel.generate_bar.button.click()
    await wait_until(lambda: len(session.jobs.jobs()) == 1 and not driver.workspace.busy)
    (job,) = session.jobs.jobs()
    done = await session.jobs.wait(job.id, timeout=20)
    assert done.state is JobState.SUCCEEDED
    assert job.id in {body["prompt_id"] for body in tower.server.received_prompts}
    assert not desk.server.received_prompts
    assert (done.ran_on, done.ran_on_url) == ("Tower", tower.url)
    queue = driver.queue
    row = queue.model.row_of(job.id)
    assert row is not None
    assert row_texts(queue.model.row(row))[1].endswith("· on Tower")

    # The library records the server that made each picture.
    sink = app.panels.result_sink
    assert sink is not None
    library = await sink.library()  # type: ignore[attr-defined]
    output = done.outputs[0]
    item = await library.find_result(
        job.id, output.node_id, output.ref.subfolder, output.ref.filename
    )
    assert item is not None
    assert item.server_url == tower.url

    # A server that stops shows as such; the farm stays connected on the other.
    assert desk.server is not None
    await desk.server.kill()
    await wait_until(lambda: bar.headline.text() == "Connected — 1 of 2 servers")
    await wait_until(lambda: "Desk: not answering" in status.server_label.text())
    await app.shutdown()


async def test_the_farm_is_used_again_at_the_next_start(
    make_app: AppFactory, demo_server_factory: DemoFactory, tmp_path: Any
) -> None:
    a, b = [await demo_server_factory() for _ in range(2)]
    first = make_app(AppOptions())
    first.update_settings(
        first.settings.with_farm((FarmServer(a.url, "a"), FarmServer(b.url, "b")))
    )
    store = first.store
    await first.shutdown()

    app = make_app(AppOptions(), store=store)
    assert app.settings.backend == "farm"
    run = asyncio.ensure_future(app.run())
    await wait_phase(app, Phase.CONNECTED)
    await wait_until(
        lambda: app.window.connection_bar.headline.text() == "Connected — 2 of 2 servers"
    )
    assert app.connection.farm == (FarmServer(a.url, "a"), FarmServer(b.url, "b"))
    bar = app.window.connection_bar
    bar.url_line.clearFocus()  # the bar leaves an address being typed alone
    bar.refresh()
    assert bar.url_box.currentText() == "Farm: a, b"
    assert bar.connect_button.text() == "Disconnect"

    # Typing one address switches back to a single server, remembered as such.
    app.connection.connect_to(ConnectionRequest(a.url))
    await wait_until(lambda: app.connection.farm == () and app.connection.url == a.url)
    await wait_phase(app, Phase.CONNECTED)
    assert app.window.connection_bar.headline.text() == "Connected"
    assert app.settings.backend == "comfyui"
    app.request_quit()
    assert await asyncio.wait_for(run, 10) == 0


async def test_the_farm_page_checks_the_list(make_app: AppFactory) -> None:
    app = make_app(AppOptions())
    dialog = farm_dialog(app)
    page = dialog.farm_page
    fill(dialog, [("a", "http://127.0.0.1:8188", ""), ("b", "localhost:81 88", "")])
    with pytest.raises(FarmPageError, match="Server 2"):
        page.validated()
    fill(dialog, [("a", "http://127.0.0.1:8188", ""), ("b", "http://127.0.0.1:8188/", "")])
    with pytest.raises(FarmPageError, match="twice"):
        page.validated()
    fill(dialog, [("a", "http://127.0.0.1:8188", ""), ("a", "http://127.0.0.1:8189", "")])
    with pytest.raises(FarmPageError, match="its own name"):
        page.validated()
    fill(dialog, [("", "", ""), ("", "", "")])
    with pytest.raises(FarmPageError, match="at least one"):
        page.validated()
    dialog.connect_button.click()
    assert "at least one" in dialog.error.text()
    assert dialog.isVisible()  # nothing lost: the dialog stays open

    # One server in the list is the plain case: a single-server connection with its token.
    fill(dialog, [("", "http://127.0.0.1:9", "tok"), ("", "", "")])
    assert page.validated() == (
        (FarmServer("http://127.0.0.1:9"),),
        {"http://127.0.0.1:9": Credentials(token="tok")},
    )
    page.remove_row(page.rows[1])
    assert not page.rows[0].remove.isEnabled()  # the last row stays
    dialog.connect_button.click()
    await wait_until(lambda: app.connection.url == "http://127.0.0.1:9")
    assert app.connection.farm == ()
    await app.shutdown()
