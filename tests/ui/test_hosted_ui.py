"""Hosted workflows (GenStudio) in the real app against the stand-in service: set up the
connection in the dialog, open a parameter dump, generate, watch queued/running and the queue
position in the queue panel and the preview, find the picture in the gallery, stop a job the
service cannot cancel, and read a failed run in plain words."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import keyring.backend
import keyring.errors
import pytest
from PIL import Image

from desktop.app import AppOptions
from desktop.demo.hosted import (
    DEMO_KEY,
    IMG2IMG_ID,
    LIMITED_KEY,
    TXT2IMG_ID,
    HostedDemoServer,
    param_dump,
)
from desktop.jobs.model import JobState
from desktop.secrets import SERVICE, SecretStore
from desktop.settings import HostedConnection, HostedWorkflow, hosted_secret_key
from desktop.ui.composition import build_panels
from desktop.ui.connection.dialog import ConnectionDialog
from desktop.ui.connection.model import ConnectionRequest
from desktop.ui.hosted.backend import HostedBackend
from desktop.ui.hosted.bar import HostedBar
from desktop.ui.queue.text import state_text
from desktop.workflow.params import ParamKind
from tests.hosted.conftest import FAST
from tests.ui.app_support import QT_NOISE, AppFactory, make_app, wait_until
from tests.ui.workspace_support import API, Driver

__all__ = ["make_app"]
pytestmark = [QT_NOISE]


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


@pytest.fixture
async def hosted() -> AsyncIterator[HostedDemoServer]:
    server = HostedDemoServer(run_seconds=0.4)
    await server.start()
    yield server
    await server.stop()


def write_dump(server: HostedDemoServer, folder: Path, workflow_id: str = TXT2IMG_ID) -> Path:
    path = folder / f"{workflow_id}.params.json"
    path.write_text(json.dumps(param_dump(server.workflows[workflow_id])), "utf-8")
    return path


async def hosted_app(make_app: AppFactory, qtbot, store: MemoryKeyring) -> Driver:
    app = make_app(AppOptions(), panels=build_panels, secrets=SecretStore(backend=store))
    app.window.show()
    backend = app.panels.hosted
    assert isinstance(backend, HostedBackend)
    backend.timing = FAST
    return Driver(app, qtbot, None)


def backend_of(driver: Driver) -> HostedBackend:
    backend = driver.app.panels.hosted
    assert isinstance(backend, HostedBackend)
    return backend


async def connect_in_dialog(driver: Driver, url: str, key: str) -> None:
    """Connection settings > Hosted workflow (GenStudio): address, key, two workflows."""
    app = driver.app
    app.show_connection_dialog()
    dialog = app.window.findChild(ConnectionDialog)
    assert dialog is not None
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("hosted"))
    page = dialog.hosted_page
    assert page.isVisible()
    page.url_edit.setText(url)
    driver.qtbot.keyClicks(page.key_edit, key)
    page.table.item(0, 0).setText(TXT2IMG_ID)
    page.table.item(0, 1).setText("Lighthouse")
    page.add_button.click()
    page.table.item(1, 0).setText(IMG2IMG_ID)
    dialog.connect_button.click()
    await wait_until(lambda: backend_of(driver).active())


async def open_dump(driver: Driver, path: Path) -> None:
    driver.app.window.request_open(path)
    await wait_until(
        lambda: driver.workspace.form.is_loaded() and driver.workspace.form.has_given_specs()
    )


async def test_set_up_generate_watch_and_find_in_gallery(
    make_app: AppFactory, qtbot, hosted: HostedDemoServer, tmp_path: Path
) -> None:
    store = MemoryKeyring()
    driver = await hosted_app(make_app, qtbot, store)
    await connect_in_dialog(driver, hosted.url, DEMO_KEY)

    # The key is in the keyring, never in the settings file; the workflows are remembered.
    assert json.loads(store.items[(SERVICE, hosted_secret_key(hosted.url))])["token"] == DEMO_KEY
    settings_text = driver.app.store.path.read_text("utf-8")
    assert DEMO_KEY not in settings_text
    saved = driver.app.store.load()
    assert saved.backend == "hosted"
    assert saved.hosted == HostedConnection(
        hosted.url, (HostedWorkflow(TXT2IMG_ID, "Lighthouse"), HostedWorkflow(IMG2IMG_ID, ""))
    )

    # The dump's form: seed control, choices and ranges like /object_info.
    dump = write_dump(hosted, tmp_path)
    await open_dump(driver, dump)
    form = driver.workspace.form
    assert form.spec(("3", "seed")).kind is ParamKind.SEED
    assert form.spec(("3", "sampler_name")).kind is ParamKind.CHOICE
    assert "euler" in form.spec(("3", "sampler_name")).choices
    assert form.spec(("3", "steps")).max is not None
    assert driver.view.editor(("3", "steps")) is not None
    bar = driver.panel.findChild(HostedBar)
    assert bar is not None
    assert bar.isVisible()
    assert bar.workflow_box.currentData() == TXT2IMG_ID
    assert saved.hosted_workflow_for_file.get(str(dump)) in (None, TXT2IMG_ID)
    assert driver.app.store.load().hosted_workflow_for_file[str(dump)] == TXT2IMG_ID

    # Generate two while the service holds its queue: queued with positions.
    driver.type_number(("3", "steps"), 9)
    hosted.queue.hold()
    driver.set_count(2)
    driver.panel.generate_bar.button.click()
    await wait_until(lambda: len(hosted.api.received) == 2)
    # Only what changed is sent: the steps, and the seed of the second run.
    first = hosted.api.received[0]
    assert first["workflow_id"] == TXT2IMG_ID
    assert first["prompt"] == {"3": {"inputs": {"steps": 9}}}
    assert set(hosted.api.received[1]["prompt"]["3"]["inputs"]) == {"steps", "seed"}

    queue = driver.queue
    await wait_until(
        lambda: (
            sorted(state_text(r.job) for r in queue.model.rows() if r.job)
            == ["Queued — position 1", "Queued — position 2"]
        )
    )
    preview = driver.preview
    await wait_until(lambda: preview.hosted_state.isVisible())
    assert preview.hosted_state.text().startswith("No live preview on hosted workflows — queued")
    assert "position" in preview.hosted_state.text()

    hosted.queue.release()
    await wait_until(
        lambda: any(r.job and r.job.state is JobState.RUNNING for r in queue.model.rows())
    )
    jobs = [r.job for r in queue.model.rows() if r.job]
    await wait_until(
        lambda: all(
            (j := driver.app.panels.jobs.get(job.id)) is not None and j.finished for job in jobs
        )
    )
    done = [driver.app.panels.jobs.get(job.id) for job in jobs]
    assert [j.state for j in done] == [JobState.SUCCEEDED, JobState.SUCCEEDED]
    assert not preview.hosted_state.isVisible()

    # In the gallery, with the parameters that made them.
    gallery = await driver.gallery()
    await wait_until(lambda: gallery.model.rowCount() >= 2)
    entries = gallery.model.entries()[:2]
    assert {e.path for e in entries} == {p for j in done for p in j.saved_paths}
    assert {e.params.steps for e in entries} == {9}
    assert {e.params.seed for e in entries} == {j.prompt["3"]["inputs"]["seed"] for j in done}
    assert all(j.prompt["6"]["inputs"]["text"] == "a lighthouse on a cliff at dawn" for j in done)


async def test_stop_says_the_service_cannot_cancel(
    make_app: AppFactory, qtbot, hosted: HostedDemoServer, tmp_path: Path
) -> None:
    store = MemoryKeyring()
    driver = await hosted_app(make_app, qtbot, store)
    connection = HostedConnection(hosted.url, (HostedWorkflow(TXT2IMG_ID, "Lighthouse"),))
    await backend_of(driver).connect_to(connection, DEMO_KEY)
    await open_dump(driver, write_dump(hosted, tmp_path))
    hosted.queue.hold()
    driver.panel.generate_bar.button.click()
    await wait_until(lambda: bool(driver.app.panels.jobs.jobs()))
    job = driver.app.panels.jobs.jobs()[0]
    await wait_until(lambda: driver.app.panels.jobs.get(job.id).state is JobState.QUEUED)
    driver.app.panels.jobs.cancel(job.id)  # the queue panel's "Cancel" on a queued job
    status = driver.app.window.status_bar
    await wait_until(lambda: "cannot cancel" in status.currentMessage())
    assert driver.app.panels.jobs.get(job.id).state is JobState.CANCELLED
    # Said where the artist looks, too: above the form and in the preview.
    assert "cannot cancel" in driver.workspace.message
    assert not driver.workspace.message_is_error
    await wait_until(lambda: "cannot cancel" in driver.preview.hosted_state.text())


async def test_refused_run_and_refused_key_in_plain_words(
    make_app: AppFactory, qtbot, hosted: HostedDemoServer, tmp_path: Path
) -> None:
    store = MemoryKeyring()
    driver = await hosted_app(make_app, qtbot, store)
    backend = backend_of(driver)
    # The limited key may not run img2img: status 5.
    connection = HostedConnection(hosted.url, (HostedWorkflow(IMG2IMG_ID, "Repaint"),))
    await backend.connect_to(connection, LIMITED_KEY)
    await open_dump(driver, write_dump(hosted, tmp_path, IMG2IMG_ID))
    driver.panel.generate_bar.button.click()
    await wait_until(lambda: any(j.state is JobState.FAILED for j in driver.app.panels.jobs.jobs()))
    failed = driver.app.panels.jobs.jobs()[0]
    assert failed.error is not None
    assert "may not run this workflow" in failed.error.message

    # A wrong key: 401, said as such above the form.
    await backend.connect_to(connection, "sk-wrong")
    driver.panel.generate_bar.button.click()
    await wait_until(lambda: driver.workspace.message_is_error)
    assert "refused the API key" in driver.workspace.message
    assert "sk-wrong" not in driver.workspace.message


async def test_demo_hosted_starts_the_stand_in_labelled_as_a_demo(
    make_app: AppFactory, qtbot
) -> None:
    app = make_app(
        AppOptions(demo_hosted=True),
        panels=build_panels,
        secrets=SecretStore(backend=MemoryKeyring()),
    )
    app.window.show()
    driver = Driver(app, qtbot, None)
    await app.start_hosted_demo()
    backend = backend_of(driver)
    assert backend.active()
    assert backend.is_demo
    await wait_until(lambda: driver.workspace.form.has_given_specs())
    assert backend.workflow_id == TXT2IMG_ID
    bar = driver.panel.findChild(HostedBar)
    assert bar is not None
    assert "demo" in bar.title.text()
    assert app.window.connection_bar.headline.text() == "Hosted workflows"
    assert app.window.status_bar.state_label.text() == "Hosted workflows"  # not "Not connected"
    # A demo is never remembered as the artist's connection, and its key is not kept.
    assert app.store.load().backend == "comfyui"
    assert DEMO_KEY not in (app.store.path.read_text("utf-8") if app.store.path.exists() else "")


async def test_upload_offline_and_failed_run(
    make_app: AppFactory, qtbot, hosted: HostedDemoServer, tmp_path: Path
) -> None:
    driver = await hosted_app(make_app, qtbot, MemoryKeyring())
    connection = HostedConnection(hosted.url, (HostedWorkflow(IMG2IMG_ID, "Repaint"),))
    await backend_of(driver).connect_to(connection, DEMO_KEY)
    await open_dump(driver, write_dump(hosted, tmp_path, IMG2IMG_ID))
    jobs_vm = driver.app.panels.jobs

    # The form's image input uploads through upload/image; the id goes into the prompt.
    picture = tmp_path / "sketch.png"
    Image.new("RGB", (32, 32), "teal").save(picture)
    key = ("10", "image")
    await driver.view.uploads.upload_file(key, str(picture))
    image_id = driver.workspace.form.value(key)
    assert image_id in hosted.queue.uploads

    # Network loss while queued: polling keeps going with back-off, the job still lands.
    hosted.queue.hold()
    driver.panel.generate_bar.button.click()
    await wait_until(lambda: len(hosted.api.received) == 1)
    assert hosted.api.received[0]["prompt"]["10"]["inputs"] == {"image": image_id}
    await hosted.go_offline()
    status = driver.app.window.status_bar
    await wait_until(lambda: "not answering" in status.currentMessage())
    await hosted.come_back()
    hosted.queue.release()
    await wait_until(lambda: bool(jobs_vm.jobs()) and jobs_vm.jobs()[0].finished)
    assert jobs_vm.jobs()[0].state is JobState.SUCCEEDED

    # Status 4: the service's errMsg, said plainly.
    hosted.queue.fail_next = "CUDA out of memory"
    driver.panel.generate_bar.button.click()
    await wait_until(lambda: len(jobs_vm.jobs()) == 2 and jobs_vm.jobs()[0].finished)
    failed = jobs_vm.jobs()[0]
    assert failed.state is JobState.FAILED
    assert failed.error is not None
    assert "CUDA out of memory" in failed.error.message


async def test_quitting_loses_nothing_the_next_run_collects_it(
    make_app: AppFactory, qtbot, hosted: HostedDemoServer, tmp_path: Path
) -> None:
    store = MemoryKeyring()
    first = await hosted_app(make_app, qtbot, store)
    connection = HostedConnection(hosted.url, (HostedWorkflow(TXT2IMG_ID, "Lighthouse"),))
    await backend_of(first).connect_to(connection, DEMO_KEY)
    await open_dump(first, write_dump(hosted, tmp_path))
    hosted.queue.hold()
    first.panel.generate_bar.button.click()
    await wait_until(lambda: any(j.state is JobState.QUEUED for j in first.app.panels.jobs.jobs()))
    task_id = first.app.panels.jobs.jobs()[0].remote_id
    await first.app.shutdown()

    # The next start connects to the remembered service with the key from the keyring.
    second = await hosted_app(make_app, qtbot, store)
    second.app.panels.hosted.connect_to(second.app.settings.hosted)
    jobs_vm = second.app.panels.jobs
    await wait_until(lambda: [j.remote_id for j in jobs_vm.jobs()] == [task_id])
    hosted.queue.release()
    await wait_until(lambda: jobs_vm.jobs()[0].finished)
    assert jobs_vm.jobs()[0].state is JobState.SUCCEEDED
    gallery = await second.gallery()
    await wait_until(lambda: gallery.model.rowCount() >= 1)


async def test_uploaded_workflow_then_back_to_a_comfyui_server(
    make_app: AppFactory, qtbot, hosted: HostedDemoServer, tmp_path: Path, demo_server
) -> None:
    store = MemoryKeyring()
    driver = await hosted_app(make_app, qtbot, store)
    backend = backend_of(driver)
    connection = HostedConnection(hosted.url, (HostedWorkflow(TXT2IMG_ID, "Lighthouse"),))
    await backend.connect_to(connection, DEMO_KEY)

    # The API-format workflow that was uploaded: a form from its values, and a plain note.
    uploaded = tmp_path / "lighthouse.json"
    uploaded.write_text(json.dumps(hosted.workflows[TXT2IMG_ID]), "utf-8")
    driver.app.window.request_open(uploaded)
    await wait_until(lambda: driver.workspace.form.has_given_specs())
    assert "ranges and choices are not known" in driver.workspace.message
    assert driver.workspace.form.spec(("3", "seed")).kind is ParamKind.SEED
    assert backend.workflow_id == TXT2IMG_ID  # the only one on the list, remembered for the file
    driver.type_number(("3", "cfg"), 5.5)
    driver.panel.generate_bar.button.click()
    await wait_until(lambda: len(hosted.api.received) == 1)
    assert hosted.api.received[0]["prompt"] == {"3": {"inputs": {"cfg": 5.5}}}

    # Connecting to a ComfyUI server leaves hosted mode; its forms come from /object_info again.
    driver.app.connection.connect_to(ConnectionRequest(demo_server.url))
    await wait_until(lambda: not backend.active())
    assert driver.app.panels.jobs.session is driver.app.connection.session
    assert driver.app.store.load().backend == "comfyui"
    await wait_until(lambda: driver.workspace.object_info is not None)
    await driver.open(API / "txt2img_batch2_subfolder.json")
    assert not driver.workspace.form.has_given_specs()
