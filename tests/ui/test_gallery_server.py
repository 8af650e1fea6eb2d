"""The gallery with the demo server: job results land in the library and appear at the top,
survive a server restart, and the server-history source pages, filters and keeps."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from desktop.comfy.client import ComfyClient
from desktop.jobs.library_sink import LibrarySink
from desktop.jobs.model import JobState
from desktop.jobs.session import ServerSession
from desktop.library import Library, LibraryQuery
from desktop.ui.gallery.view import GalleryView
from tests.protocol.jobs_support import connected, eventually, txt2img
from tests.ui.gallery_support import QT_NOISE, WAIT, until

pytestmark = [QT_NOISE, pytest.mark.demo_only]


@pytest.fixture
async def view(qtbot, library: Library) -> AsyncIterator[GalleryView]:
    gallery = GalleryView(library)  # not qtbot.addWidget: it would delete before shutdown
    gallery.resize(900, 600)
    gallery.show()
    await gallery.loaded()
    yield gallery
    await gallery.shutdown()
    gallery.close()
    gallery.deleteLater()


@pytest.fixture
async def session(demo_server, tmp_path: Path, library: Library, view: GalleryView):
    sink = LibrarySink(library, on_stored=lambda _job, _item: view.refresh_newest())
    s = ServerSession(
        demo_server.url,
        client_id=uuid.uuid4().hex,
        journal_path=tmp_path / "journal.json",
        result_sink=sink,
        load_object_info=False,
    )
    await s.start()
    await connected(s)
    yield s
    await s.close()


def seeds(view: GalleryView) -> list[int | None]:
    return [e.params.seed if e else None for e in view.model.entries()]


async def test_job_results_appear_at_the_top_and_outlive_the_server(demo_server, session, view):
    first = await session.jobs.submit(txt2img(11, batch=2))
    assert (await session.jobs.wait(first.id, timeout=WAIT)).state is JobState.SUCCEEDED
    await until(lambda: view.model.rowCount() == 2)
    view.select_rows([1])
    chosen = view.selected_entries()[0]

    second = await session.jobs.submit(txt2img(22, batch=2))
    await session.jobs.wait(second.id, timeout=WAIT)
    await until(lambda: view.model.rowCount() == 4)
    assert seeds(view) == [22, 22, 11, 11]
    assert view.selected_entries() == [chosen]  # the selection stayed on its picture
    assert [e.params.positive for e in view.model.entries()] == ["a red fox in snow"] * 4

    await demo_server.server.restart()  # ComfyUI forgets its history on restart
    await view.refresh()
    assert seeds(view) == [22, 22, 11, 11]
    view.set_server_source(session.client)
    await view.show_source("server")
    assert view.model.rowCount() == 0
    await view.show_source("library")
    assert view.model.rowCount() == 4


async def test_server_history_pages_while_jobs_finish_and_keep_deduplicates(
    demo_server, view, library
):
    async with ComfyClient(demo_server.url) as client:
        ids = [(await client.submit(txt2img(s, batch=1))).prompt_id for s in range(5)]
        await eventually(lambda: client.history_item(ids[-1]))
        view.set_server_source(client)
        assert view.server is not None
        view.server.page_size = 2
        await view.show_source("server")
        model = view.model
        assert seeds(view) == [4, 3]
        assert view.count_label.text() == "2+ pictures"

        late = (await client.submit(txt2img(99, batch=1))).prompt_id
        await eventually(lambda: client.history_item(late))
        while model.canFetchMore():
            model.fetchMore()
            await until(lambda: not model.canFetchMore() or model.rowCount() % 2 == 0)
            await until(lambda: not model._fetching)
        assert seeds(view) == [4, 3, 2, 1, 0]
        await view.refresh_newest()
        assert seeds(view) == [99, 4, 3, 2, 1, 0]
        assert len({e.key for e in model.entries()}) == 6

        qtbot_keep = view.findChild(QToolButton, "gallery_keep_button")
        assert qtbot_keep.isVisible()
        view.select_rows([1])
        assert qtbot_keep.isEnabled()
        qtbot_keep.click()
        await until(lambda: "Kept 1 picture in" in view.status.text())
        view.status.clear()
        qtbot_keep.click()  # again: the library recognises it
        await until(lambda: "Kept 1 picture in" in view.status.text())
        kept = await library.search(LibraryQuery(), with_graphs=True)
        assert len(kept) == 1
        assert kept[0].prompt_id == ids[4]
        assert kept[0].prompt == txt2img(4, batch=1)

        view.search.setText("no such prompt")
        await view.apply_filter()
        assert model.rowCount() == 0
        view.search.setText("seed:3 red")  # the server's rows read the search box alike
        await view.apply_filter()
        assert seeds(view) == [3]
        view.search.setText("RED FOX")
        await view.apply_filter()
        assert model.rowCount() == 6

        await view.show_source("library")
        assert seeds(view) == [4]
        view.set_server_source(None)
        assert view.current_source == "library"
        assert not view.source_box.model().item(1).isEnabled()


async def test_the_viewer_downloads_a_server_picture_once(demo_server, view, qtbot):
    async with ComfyClient(demo_server.url) as client:
        pid = (await client.submit(txt2img(7, batch=1))).prompt_id
        await eventually(lambda: client.history_item(pid))
        view.set_server_source(client)
        await view.show_source("server")
        viewer = view.open_viewer(0)
        await until(lambda: viewer.original is not None)
        assert viewer.canvas.image.width() == 64
        assert viewer.original.is_relative_to(view.server.cache_dir)
        assert not viewer._actions["star"].isEnabled()
        assert viewer._actions["keep"].isVisible()
        reused = []
        viewer.reuse_parameters.connect(lambda p, w: reused.append(p))
        qtbot.mouseClick(viewer.buttons["reuse_parameters"], Qt.MouseButton.LeftButton)
        await until(lambda: reused)
        assert reused == [txt2img(7, batch=1)]
