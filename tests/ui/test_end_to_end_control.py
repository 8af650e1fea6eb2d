"""The whole app against the demo server, when things do not simply succeed: the server refuses
a prompt, the artist interrupts, takes a result's values back, or opens a broken file."""

from __future__ import annotations

import pytest

from desktop.comfy.client import ComfyClient
from desktop.jobs.model import JobState
from tests.protocol.jobs_support import eventually
from tests.ui.app_support import QT_NOISE, AppFactory, make_app, wait_until
from tests.ui.workspace_support import API, IMAGES, load_json, start_app

__all__ = ["make_app"]
pytestmark = [QT_NOISE, pytest.mark.demo_only]


async def test_server_rejection_lands_on_the_image_widget(
    make_app: AppFactory, qtbot, demo_server
) -> None:
    app = await start_app(make_app, qtbot, demo_server)
    await app.open(API / "img2img_loadimage.json")
    key = ("10", "image")
    upload = IMAGES / "comfyui_png_with_prompt_and_workflow_1.png"
    app.view.editor(key).file_chosen.emit(str(upload))  # what the file dialog reports
    await wait_until(lambda: app.workspace.form.value(key) == upload.name)
    # Someone cleans the server's input folder: the form still offers the file, the server
    # refuses it when the prompt arrives.
    (demo_server.server.folders.input / upload.name).unlink()
    sent = len(app.received)
    app.panel.generate_bar.button.click()
    await wait_until(lambda: app.workspace.message != "" and not app.workspace.busy)

    assert len(app.received) == sent + 1
    assert app.workspace.message_is_error
    assert app.panel.message.isVisibleTo(app.panel)
    assert app.panel.message.text() == app.workspace.message
    errors = app.workspace.form.errors_for(key)
    assert len(errors) == 1
    assert upload.name in errors[0]
    row = app.view.row(key)
    assert row.error_label.isVisibleTo(app.view)
    assert row.error_label.text() == errors[0]
    other = ("3", "steps")
    assert app.workspace.form.errors_for(other) == []
    session = app.app.connection.session
    assert session.jobs.jobs()[0].state is JobState.REJECTED
    await app.app.shutdown()


async def test_out_of_range_values_are_caught_before_sending(
    make_app: AppFactory, qtbot, demo_server
) -> None:
    app = await start_app(make_app, qtbot, demo_server)
    path = API / "txt2img_batch2_subfolder.json"
    await app.open(path)
    prompt = load_json(path)
    prompt["3"]["inputs"]["steps"] = 100_000
    assert app.workspace.form.load_values(prompt) == 1
    sent = len(app.received)
    app.panel.generate_bar.button.click()

    assert len(app.received) == sent
    assert app.workspace.message_is_error
    assert app.panel.message.text().startswith("KSampler: ")
    row = app.view.row(("3", "steps"))
    assert row.error_label.isVisibleTo(app.view)
    assert "10000" in row.error_label.text()
    await app.app.shutdown()


async def test_escape_interrupts_our_running_job_only(
    make_app: AppFactory, qtbot, demo_server
) -> None:
    server = demo_server.server
    server.step_delay = 0.3  # their first job outlasts opening and queueing ours
    app = await start_app(make_app, qtbot, demo_server)
    path = API / "txt2img_batch2_subfolder.json"
    interrupt = app.app.window.commands.interrupt
    async with ComfyClient(demo_server.url) as other:
        theirs = load_json(path)
        theirs["3"]["inputs"]["steps"] = 20
        first = await other.submit(theirs)  # another artist's job runs first
        await app.open(path)
        app.type_number(("3", "steps"), 40)
        (ours,) = await app.generate()
        assert (await other.queue()).running[0].prompt_id == first.prompt_id
        assert not interrupt.isEnabled()  # only their job is running: Esc does nothing
        interrupt.trigger()
        later = await other.submit(theirs)  # and another one waits behind ours
        server.step_delay = 0.05
        await wait_until(interrupt.isEnabled)  # ours has started

        interrupt.trigger()

        done = await app.finished(ours)
        assert done.state is JobState.INTERRUPTED
        assert not interrupt.isEnabled()
        for prompt_id in (first.prompt_id, later.prompt_id):
            item = await eventually(lambda p=prompt_id: other.history_item(p))
            assert item.status_str == "success"
    await app.app.shutdown()


async def test_reuse_parameters_from_the_gallery_and_the_queue(
    make_app: AppFactory, qtbot, demo_server
) -> None:
    app = await start_app(make_app, qtbot, demo_server)
    path = API / "txt2img_batch2_subfolder.json"
    await app.open(path)
    app.type_number(("3", "steps"), 7)
    app.type_text(("6", "text"), "a lighthouse at dusk")
    (job,) = await app.generate()
    item_prompt = app.sent_prompts(1)[0]
    done = await app.finished(job)
    form = app.workspace.form
    # The artist moves on: other values, and the seed has advanced after the run.
    app.type_number(("3", "steps"), 12)
    app.type_text(("6", "text"), "a castle")
    assert form.current_workflow().to_prompt() != item_prompt

    gallery = await app.gallery()
    await wait_until(lambda: gallery.model.rowCount() >= 2)
    row = gallery.model.row_of(gallery.model.entries()[0].key)
    assert gallery.model.entries()[0].path in done.saved_paths
    viewer = gallery.open_viewer(row)
    await wait_until(lambda: viewer.entry is not None)
    viewer.buttons["reuse_parameters"].click()
    await wait_until(lambda: form.value(("3", "steps")) == 7)
    assert form.current_workflow().to_prompt() == item_prompt
    viewer.close()

    # The same from the queue panel's "Load parameters".
    app.type_number(("3", "steps"), 12)
    app.queue.load_parameters(job.id)
    assert form.current_workflow().to_prompt() == item_prompt
    await app.app.shutdown()


async def test_malformed_file_leaves_the_open_workflow(
    make_app: AppFactory, qtbot, demo_server, tmp_path
) -> None:
    app = await start_app(make_app, qtbot, demo_server)
    good = API / "txt2img_batch2_subfolder.json"
    await app.open(good)
    app.type_number(("3", "steps"), 9)
    title = app.app.window.windowTitle()
    broken = tmp_path / "broken.json"
    broken.write_text('{"3": {"inputs": ', encoding="utf-8")

    app.app.window.request_open(broken)
    await wait_until(lambda: app.workspace.message_is_error and not app.workspace.busy)

    message = app.workspace.message
    assert message.startswith("Could not open “broken.json”: ")
    assert "\n" not in message
    assert message.endswith(".")
    assert message.count(". ") == 0  # one sentence
    assert app.panel.message.text() == message
    assert app.workspace.form.workflow().source == good
    assert app.workspace.form.value(("3", "steps")) == 9
    assert app.panel.stack.currentWidget() is app.view
    assert app.app.window.windowTitle() == title
    assert app.app.settings.last_workflow == str(good)
    await app.app.shutdown()
