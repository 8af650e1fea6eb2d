"""The gallery installed into the real app: the library becomes the sessions' result sink and
finished jobs show up in the gallery dock."""

from __future__ import annotations

import pytest

from desktop.app import AppOptions
from desktop.jobs.library_sink import LibrarySink
from desktop.jobs.model import JobState
from desktop.ui.connection import ConnectionRequest, Phase
from desktop.ui.gallery.panel import install_gallery_panel
from desktop.ui.gallery.view import GalleryView
from desktop.ui.panels import Panel
from tests.protocol.jobs_support import txt2img
from tests.ui.app_support import QT_NOISE, AppFactory, make_app, wait_phase, wait_until

__all__ = ["make_app"]  # the fixture, imported for pytest
pytestmark = [QT_NOISE, pytest.mark.demo_only]


async def test_finished_jobs_land_in_the_gallery_dock(make_app: AppFactory, demo_server) -> None:
    app = make_app(AppOptions(server=demo_server.url), installers=[install_gallery_panel])
    assert isinstance(app.context.result_sink, LibrarySink)
    app.window.show()
    app.connection.connect_to(ConnectionRequest(demo_server.url))
    await wait_phase(app, Phase.CONNECTED)
    await wait_until(lambda: isinstance(app.window.panel(Panel.GALLERY), GalleryView))
    view = app.window.panel(Panel.GALLERY)
    assert view.source_box.model().item(1).isEnabled()  # server history offered
    session = app.connection.session
    job = await session.jobs.submit(txt2img(31, batch=2))
    assert (await session.jobs.wait(job.id, timeout=20)).state is JobState.SUCCEEDED
    await wait_until(lambda: view.model.rowCount() == 2)
    assert [e.params.seed for e in view.model.entries()] == [31, 31]
    assert all(e.path.is_relative_to(app.settings.library_folder()) for e in view.model.entries())
    await app.shutdown()
