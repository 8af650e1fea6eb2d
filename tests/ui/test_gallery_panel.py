"""The gallery installed into the real app: the library becomes the sessions' result sink and
finished jobs show up in the gallery dock."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import Qt

from desktop.app import AppOptions
from desktop.jobs.library_sink import LibrarySink
from desktop.jobs.model import JobState
from desktop.library import Library
from desktop.ui.connection.model import ConnectionRequest, Phase
from desktop.ui.gallery.view import GalleryView
from desktop.ui.panels import Panel
from tests.protocol.jobs_support import txt2img
from tests.ui.app_support import (
    QT_NOISE,
    AppFactory,
    gallery_only,
    make_app,
    wait_phase,
    wait_until,
)
from tests.ui.gallery_support import add_picture

__all__ = ["make_app"]  # the fixture, imported for pytest
pytestmark = [QT_NOISE, pytest.mark.demo_only]


async def test_finished_jobs_land_in_the_gallery_dock(make_app: AppFactory, demo_server) -> None:
    app = make_app(AppOptions(server=demo_server.url), panels=gallery_only)
    assert isinstance(app.panels.result_sink, LibrarySink)
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


async def test_a_damaged_catalogue_is_explained_and_new_pictures_are_still_kept(
    make_app: AppFactory, demo_server, isolated_dirs, qtbot
) -> None:
    folder = isolated_dirs["data"]  # the library folder of a fresh install
    async with await Library.open(folder) as library:
        old = await add_picture(library, 1, "an old castle")
    (folder / "catalog.sqlite3").write_bytes(b"this is not a database" * 100)

    app = make_app(AppOptions(server=demo_server.url), panels=gallery_only)
    app.window.show()
    app.connection.connect_to(ConnectionRequest(demo_server.url))
    await wait_phase(app, Phase.CONNECTED)
    await wait_until(lambda: isinstance(app.window.panel(Panel.GALLERY), GalleryView))
    view = app.window.panel(Panel.GALLERY)
    banner = view.damage_banner
    await wait_until(banner.isVisible)
    text = banner.text.text()
    assert "could not be read (file is not a database)" in text
    assert "new pictures are kept" in text
    (kept,) = folder.glob("catalog.damaged-*.sqlite3")
    assert kept.name in text
    assert banner.check.text() == "Check Library"

    session = app.connection.session
    job = await session.jobs.submit(txt2img(41, batch=1))
    done = await session.jobs.wait(job.id, timeout=20)
    assert done.state is JobState.SUCCEEDED
    await wait_until(lambda: view.model.rowCount() == 1)
    (saved,) = done.saved_paths
    assert saved.is_file()
    assert saved.is_relative_to(folder)

    qtbot.mouseClick(banner.check, Qt.MouseButton.LeftButton)
    await wait_until(lambda: view.model.rowCount() == 2)
    await wait_until(lambda: not banner.isVisible())
    await wait_until(lambda: all(e is not None for e in view.model.entries()))
    assert {e.path for e in view.model.entries()} == {old.path, saved}
    assert view.status.text() == "Library checked: 0 missing files removed, 1 file added back."
    await app.shutdown()


async def test_the_gallery_is_built_after_the_window_first_paints(make_app: AppFactory) -> None:
    app = make_app(AppOptions(), panels=gallery_only)
    for _ in range(20):  # the event loop runs, the window is not shown: nothing painted yet
        await asyncio.sleep(0.01)
    assert app.window.panel(Panel.GALLERY) is None
    app.window.show()
    await wait_until(lambda: isinstance(app.window.panel(Panel.GALLERY), GalleryView))
