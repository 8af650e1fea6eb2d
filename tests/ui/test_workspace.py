"""The workspace in the app: opening before the server is there, seed modes across a batch,
Generate at Front, Refresh Models, Save As, Reuse Seed, and the shutdown order."""

from __future__ import annotations

import json

import pytest

from desktop.comfy.object_info import ObjectInfo
from desktop.jobs.session import ServerSession
from desktop.ui.connection.model import ConnectionRequest
from desktop.ui.gallery.panel import GalleryPanel
from desktop.workflow.seeds import SeedMode
from tests.ui.app_support import QT_NOISE, AppFactory, make_app, wait_until
from tests.ui.workspace_support import (
    API,
    IMAGES,
    connect_to,
    load_json,
    start_app,
)

__all__ = ["make_app"]
pytestmark = [QT_NOISE, pytest.mark.demo_only]
TXT2IMG = API / "txt2img_batch2_subfolder.json"


async def test_a_file_asked_for_before_connecting_opens_once_connected(
    make_app: AppFactory, qtbot, demo_server
) -> None:
    app = await start_app(make_app, qtbot, demo_server, connect=False)
    app.app.window.request_open(TXT2IMG)  # the command line's FILE takes this path too
    assert app.workspace.pending_path == TXT2IMG
    assert app.panel.message.text() == (
        "“txt2img_batch2_subfolder.json” opens as soon as the server is connected."
    )
    assert not app.workspace.message_is_error
    assert app.panel.stack.currentWidget() is app.panel.empty_page
    assert not app.app.window.commands.generate.isEnabled()

    await connect_to(app, demo_server)
    await wait_until(lambda: app.workspace.form.is_loaded())

    assert app.workspace.pending_path is None
    assert app.panel.message.isHidden()
    assert app.panel.stack.currentWidget() is app.view
    assert app.app.window.windowTitle().startswith("txt2img_batch2_subfolder.json — ")
    assert app.app.settings.last_workflow == str(TXT2IMG)
    assert app.app.window.commands.generate.isEnabled()
    await app.app.shutdown()


async def test_a_node_list_that_cannot_be_read_says_why_and_refresh_retries(
    make_app: AppFactory, qtbot, demo_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Against two real servers a node list the app could not make sense of left the form
    saying "opens as soon as the server is connected" forever."""
    real = ServerSession.refresh_object_info
    calls: list[str] = []

    async def first_fails(self: ServerSession) -> ObjectInfo:
        calls.append("refresh")
        if len(calls) == 1:
            raise TypeError("unhashable type: 'list'")
        return await real(self)

    monkeypatch.setattr(ServerSession, "refresh_object_info", first_fails)
    app = await start_app(make_app, qtbot, demo_server, connect=False)
    app.app.window.request_open(TXT2IMG)
    app.app.connection.connect_to(ConnectionRequest(demo_server.url))
    await wait_until(lambda: app.workspace.message_is_error)
    assert app.panel.message.text() == (
        "“txt2img_batch2_subfolder.json” cannot open yet: the server's node list could not be "
        "read (unhashable type: 'list'). Refresh models or reconnect to try again."
    )
    await wait_until(lambda: app.app.window.commands.refresh_models.isEnabled())
    app.app.window.commands.refresh_models.trigger()
    await wait_until(lambda: app.workspace.form.is_loaded())
    assert app.panel.message.isHidden()
    assert calls == ["refresh", "refresh"]
    await app.app.shutdown()


async def test_increment_seeds_across_a_batch_then_show_the_next(
    make_app: AppFactory, qtbot, demo_server
) -> None:
    app = await start_app(make_app, qtbot, demo_server)
    await app.open(TXT2IMG)
    key = ("3", "seed")
    app.type_number(key, 1000)
    app.view.editor(key).mode_actions[SeedMode.INCREMENT].trigger()
    assert app.workspace.form.seed_mode(key) is SeedMode.INCREMENT
    app.set_count(3)

    jobs = await app.generate(3)

    assert [p["3"]["inputs"]["seed"] for p in app.sent_prompts(3)] == [1000, 1001, 1002]
    assert [dict(j.seed_values) for j in jobs] == [{key: 1000}, {key: 1001}, {key: 1002}]
    assert app.workspace.form.value(key) == 1003
    assert app.view.editor(key).number.spin.value() == 1003
    await app.app.shutdown()


async def test_increment_at_the_maximum_goes_round_and_says_so(
    make_app: AppFactory, qtbot, demo_server
) -> None:
    app = await start_app(make_app, qtbot, demo_server)
    await app.open(TXT2IMG)
    key = ("3", "seed")
    top = app.workspace.form.spec(key).max
    assert top == 2**64 - 1
    app.type_number(key, top - 1)
    app.view.editor(key).mode_actions[SeedMode.INCREMENT].trigger()
    app.set_count(3)
    notices: list[str] = []
    app.workspace.notice.connect(notices.append)

    await app.generate(3)

    assert [p["3"]["inputs"]["seed"] for p in app.sent_prompts(3)] == [top - 1, top, 0]
    assert app.view.editor(key).number.spin.value() == 1
    await wait_until(lambda: bool(notices))
    assert notices[-1] == (
        "Queued 3 jobs. The seed reached the end of its range and started again at 0."
    )
    assert app.app.window.status_bar.currentMessage() == notices[-1]
    await app.app.shutdown()


async def test_generate_at_front_keeps_the_batch_in_seed_order(
    make_app: AppFactory, qtbot, demo_server
) -> None:
    app = await start_app(make_app, qtbot, demo_server)
    await app.open(TXT2IMG)
    key = ("3", "seed")
    app.type_number(key, 50)
    app.view.editor(key).mode_actions[SeedMode.INCREMENT].trigger()
    app.set_count(2)
    sent = len(app.received)
    app.app.window.commands.generate_front.trigger()
    await wait_until(lambda: len(app.received) == sent + 2 and not app.workspace.busy)

    bodies = app.received[-2:]
    assert [b["front"] for b in bodies] == [True, True]
    # Sent last-first: each front job jumps ahead of the previous one, so 50 runs first.
    assert [b["prompt"]["3"]["inputs"]["seed"] for b in bodies] == [51, 50]
    assert app.workspace.form.value(key) == 52
    await app.app.shutdown()


async def test_generate_while_disconnected_says_so(
    make_app: AppFactory, qtbot, demo_server
) -> None:
    app = await start_app(make_app, qtbot, demo_server)
    await app.open(TXT2IMG)
    await app.app.connection.disconnect_from_server()
    app.panel.generate_bar.button.click()
    assert app.workspace.message == "Connect to a server to generate."
    assert app.workspace.message_is_error
    assert app.panel.message.isVisibleTo(app.panel)
    # Reconnected: the request is met, so the message goes.
    await connect_to(app, demo_server)
    await wait_until(lambda: app.workspace.message == "")
    assert not app.panel.message.isVisibleTo(app.panel)
    await app.generate()
    await app.app.shutdown()


async def test_refresh_models_reads_new_server_files_and_keeps_values(
    make_app: AppFactory, qtbot, demo_server
) -> None:
    app = await start_app(make_app, qtbot, demo_server)
    await app.open(API / "img2img_loadimage.json")
    app.type_number(("3", "steps"), 11)
    new_file = "added-on-the-server.png"
    data = (IMAGES / "comfyui_png_with_prompt_and_workflow_0.png").read_bytes()
    (demo_server.server.folders.input / new_file).write_bytes(data)
    form = app.workspace.form
    assert new_file not in form.spec(("10", "image")).choices
    refresh = app.app.window.commands.refresh_models
    assert refresh.isEnabled()

    refresh.trigger()
    assert not refresh.isEnabled()  # until the lists have arrived
    await wait_until(lambda: new_file in form.spec(("10", "image")).choices)
    await wait_until(refresh.isEnabled)

    assert form.value(("3", "steps")) == 11
    assert new_file in app.view.editor(("10", "image")).choice.combo.entries()
    assert app.app.window.status_bar.currentMessage() == "The model lists are up to date."
    await app.app.shutdown()


async def test_save_as_writes_the_form_values(
    make_app: AppFactory, qtbot, demo_server, tmp_path
) -> None:
    app = await start_app(make_app, qtbot, demo_server)
    await app.open(TXT2IMG)
    app.type_number(("3", "steps"), 6)
    target = tmp_path / "mine.json"
    assert app.app.window.commands.save_as.isEnabled()
    app.app.window.save_as_requested.emit(target)  # what File > Save Workflow As… reports
    await wait_until(target.is_file)
    expected = load_json(TXT2IMG)
    expected["3"]["inputs"]["steps"] = 6
    expected["3"]["inputs"]["seed"] = app.workspace.form.value(("3", "seed"))
    assert json.loads(target.read_text(encoding="utf-8")) == expected
    await wait_until(lambda: app.app.window.status_bar.currentMessage() == "Saved “mine.json”.")
    await app.app.shutdown()


async def test_reuse_seed_from_the_viewer(make_app: AppFactory, qtbot, demo_server) -> None:
    app = await start_app(make_app, qtbot, demo_server)
    await app.open(TXT2IMG)
    app.type_number(("3", "seed"), 4242)
    (job,) = await app.generate()
    await app.finished(job)
    assert app.workspace.form.value(("3", "seed")) != 4242
    gallery = await app.gallery()
    await wait_until(lambda: gallery.model.rowCount() >= 1)
    viewer = gallery.open_viewer(0)
    await wait_until(lambda: viewer.entry is not None)
    viewer.buttons["reuse_seed"].click()
    assert app.workspace.form.value(("3", "seed")) == 4242
    viewer.close()
    await app.app.shutdown()


async def test_library_closes_after_the_session(make_app: AppFactory, qtbot, demo_server) -> None:
    app = await start_app(make_app, qtbot, demo_server)
    events: list[str] = []

    def session_state() -> str:
        return "open" if app.app.connection.session is not None else "closed"

    gallery_panel = app.app.panels.gallery
    assert isinstance(gallery_panel, GalleryPanel)
    library = await gallery_panel.library()
    original_close = library.close

    async def close_library() -> None:
        events.append(
            f"library closed, session {'open' if app.app.connection.session else 'closed'}"
        )
        await original_close()

    library.close = close_library  # type: ignore[method-assign]

    async def early() -> None:
        events.append(f"early hook, session {session_state()}")

    app.app.context.add_shutdown_hook(early)
    await app.app.shutdown()
    assert events == ["early hook, session open", "library closed, session closed"]
