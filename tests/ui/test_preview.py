"""PreviewView: live frames from the demo server reach the screen, newest-wins coalescing,
the final images replace the preview, and the "previews are off" notice."""

from __future__ import annotations

import io
import json

import aiohttp
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QImage

from desktop.comfy.messages import PreviewImage
from desktop.demo.config import BROKEN_CHECKPOINT
from desktop.jobs.model import JobState
from desktop.ui.jobs_model import JobsViewModel
from desktop.ui.preview.canvas import PreviewCanvas, fit_size
from desktop.ui.preview.view import PREVIEW_FLAG, PreviewView
from tests.ui.jobs_ui_support import (  # noqa: F401 -- collect_widgets is a fixture
    QT_LOG_IGNORE,
    WAIT,
    collect_widgets,
    job_prompt,
    make_panel,
    running,
    session_vm,
    until,
)

pytestmark = [QT_LOG_IGNORE, pytest.mark.usefixtures("collect_widgets")]


def jpeg(width: int, height: int, colour=(200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="JPEG", quality=90)
    return out.getvalue()


def png(width: int, height: int, colour=(40, 200, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def frame(data: bytes, mime: str = "image/jpeg") -> PreviewImage:
    return PreviewImage(data, mime, prompt_id="p", received_at=1.0, event=4)


def make_view(qtbot, vm: JobsViewModel, **kwargs) -> PreviewView:
    view = PreviewView(vm, **kwargs)
    qtbot.addWidget(view)
    view.resize(420, 360)
    view.show()
    return view


async def close(view: PreviewView) -> None:
    # Not view.close(): closing the last window would quit the app and stop the qasync loop.
    await view.shutdown()


# ---------------------------------------------------------------------------- the canvas


def test_fit_size_keeps_the_aspect_ratio() -> None:
    assert fit_size(QSize(512, 341), QSize(400, 400)) == QSize(400, 266)
    assert fit_size(QSize(64, 96), QSize(300, 300)) == QSize(200, 300)
    assert fit_size(QSize(0, 0), QSize(300, 300)) == QSize(0, 0)


def test_only_the_newest_undecoded_frame_is_kept(qtbot) -> None:
    canvas = PreviewCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(300, 200)
    canvas.show()
    qtbot.waitExposed(canvas)
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
    for colour in colours:
        canvas.offer(frame(jpeg(90, 60, colour)))
    assert (canvas.stats.received, canvas.stats.dropped, canvas.stats.decoded) == (3, 2, 0)
    canvas.grab()  # one paint decodes only the newest frame
    assert (canvas.stats.decoded, canvas.stats.painted) == (1, 1)
    assert canvas.image().size() == QSize(90, 60)
    red, green, blue, _ = canvas.image().pixelColor(45, 30).getRgb()
    assert blue > 200
    assert max(red, green) < 50
    pixmap = canvas.displayed_pixmap()
    assert not pixmap.isNull()
    dpr = pixmap.devicePixelRatio()
    assert pixmap.size() == QSize(round(300 * dpr), round(200 * dpr))
    assert len(canvas.stats.latencies) == 1
    canvas.grab()  # nothing new: nothing decoded, nothing counted
    assert (canvas.stats.decoded, canvas.stats.painted) == (1, 1)


@pytest.mark.qt_log_ignore("Corrupt JPEG data", "JPEG datastream contains no image")
def test_an_unreadable_frame_is_counted_not_shown(qtbot) -> None:
    canvas = PreviewCanvas()
    qtbot.addWidget(canvas)
    canvas.show()
    qtbot.waitExposed(canvas)
    canvas.offer(frame(b"\xff\xd8 not a jpeg"))
    canvas.grab()
    assert canvas.stats.failed == 1
    assert canvas.image().isNull()


async def test_large_frames_are_decoded_off_the_gui_thread(qtbot) -> None:
    canvas = PreviewCanvas(small_frame_bytes=0)  # everything counts as large
    qtbot.addWidget(canvas)
    canvas.resize(200, 200)
    canvas.show()
    canvas.offer(frame(png(120, 80), "image/png"))
    await until(lambda: canvas._pending is None)  # the worker took it
    canvas.offer(frame(png(30, 30), "image/png"))  # both arrive while the first decodes:
    canvas.offer(frame(png(60, 90), "image/png"))  # only the newest is kept
    await until(lambda: canvas.stats.decoded == 2)
    assert (canvas.stats.received, canvas.stats.dropped) == (3, 1)
    assert canvas.image().size() == QSize(60, 90)
    assert canvas.image_rect().size() == QSize(133, 200)
    await canvas.shutdown()


# ---------------------------------------------------------------------------- the view


def test_empty_state_without_any_job(qtbot) -> None:
    view = PreviewView(JobsViewModel())
    qtbot.addWidget(view)
    assert view._stack.currentWidget() is view.empty
    assert view.empty.title.text() == "Nothing generated yet"


@pytest.mark.demo_only
@pytest.mark.parametrize("metadata", [True, False], ids=["event4", "event1"])
async def test_live_frames_are_shown_then_the_final_images(
    qtbot, demo_server, tmp_path, metadata
) -> None:
    demo_server.server.step_delay = 0.03
    async with session_vm(demo_server.url, tmp_path, preview_metadata=metadata) as (session, vm):
        view = make_view(qtbot, vm)
        job = await session.jobs.submit(job_prompt(4, steps=12))
        await running(session, job.id, step=3)
        await until(lambda: view.stats.painted >= 2)
        assert view.job_id == job.id
        # 96×64 at preview size 512 is a 512×341 frame, fitted into the canvas at 3:2.
        assert view.canvas.image().size() == QSize(512, 341)
        rect = view.canvas.image_rect()
        assert abs(rect.width() / rect.height() - 1.5) < 0.02
        pixmap = view.displayed_pixmap()
        assert not pixmap.isNull()
        assert pixmap.size() == rect.size() * pixmap.devicePixelRatio()
        assert view.overlay.isVisible()
        assert view.overlay.node.text() == "KSampler"
        assert view.overlay.step.text().startswith("Step ")
        assert view.notice.isHidden()

        done = await session.jobs.wait(job.id, timeout=WAIT)
        assert done.state is JobState.SUCCEEDED
        first, second = done.saved_paths
        await until(lambda: view.canvas.image().size() == QSize(96, 64))
        shown = view.canvas.image().copy()
        assert shown == QImage(str(first)).convertToFormat(shown.format())
        assert view.strip.count() == 2
        assert view.strip.isVisibleTo(view)
        view.strip.setCurrentRow(1)  # flip to the second image of the batch
        other = QImage(str(second))
        await until(lambda: view.canvas.image() == other.convertToFormat(shown.format()))
        await until(lambda: not view.strip.item(1).icon().isNull())
        assert view.overlay.step.text() == "Done"
        assert view.overlay.timing.text().startswith("took ")
        await close(view)


@pytest.mark.demo_only
async def test_previews_off_says_how_to_turn_them_on(qtbot, demo_server_factory, tmp_path):
    handle = await demo_server_factory(previews=False)
    async with session_vm(handle.url, tmp_path) as (session, vm):
        view = make_view(qtbot, vm)
        job = await session.jobs.submit(job_prompt(2, steps=4))
        await until(lambda: view.notice.isVisible())
        assert PREVIEW_FLAG in view.notice.text()
        assert view.stats.received == 0
        await session.jobs.wait(job.id, timeout=WAIT)
        await until(lambda: view.canvas.image().size() == QSize(96, 64))
        await close(view)


@pytest.mark.demo_only
async def test_frames_of_prompts_without_our_client_are_ignored(
    qtbot, demo_server, tmp_path
) -> None:
    """A prompt queued with no client_id broadcasts type-1 frames to every socket (§9.13)."""
    async with session_vm(demo_server.url, tmp_path) as (session, vm):
        view = make_view(qtbot, vm)
        body = {"prompt": job_prompt(6, steps=4)}
        async with (
            aiohttp.ClientSession() as http,
            http.post(f"{demo_server.url}/prompt", data=json.dumps(body)) as response,
        ):
            assert response.status == 200
            prompt_id = (await response.json())["prompt_id"]
        await until(lambda: prompt_id in demo_server.server.history)
        ours = await session.jobs.submit(job_prompt(7, steps=2))
        await session.jobs.wait(ours.id, timeout=WAIT)
        # Only our own job's two frames arrived; the four broadcast frames were dropped.
        assert view.stats.received == 2
        await close(view)


def _click_row(qtbot, panel, job_id: str) -> None:
    rect = panel.list.visualRect(panel.model.index(panel.model.row_of(job_id)))
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


@pytest.mark.demo_only
async def test_a_new_run_takes_the_preview_from_a_selected_job(
    qtbot, demo_server, tmp_path
) -> None:
    async with session_vm(demo_server.url, tmp_path) as (session, vm):
        view = make_view(qtbot, vm)
        panel = make_panel(qtbot, vm)
        failed = await session.jobs.submit(job_prompt(1, ckpt=BROKEN_CHECKPOINT))
        assert (await session.jobs.wait(failed.id, timeout=WAIT)).state is JobState.FAILED
        await until(lambda: panel.model.row_of(failed.id) is not None)
        _click_row(qtbot, panel, failed.id)
        assert vm.selected_id == failed.id
        assert view.job_id == failed.id

        demo_server.server.step_delay = 0.03
        job = await session.jobs.submit(job_prompt(2, steps=12))
        await running(session, job.id, step=2)
        assert view.job_id == job.id  # the run took the preview...
        assert vm.selected_id is None
        assert panel.list.selectionModel().selectedIndexes() == []  # ...and the selection
        await until(lambda: view.stats.painted >= 1)
        done = await session.jobs.wait(job.id, timeout=WAIT)
        await until(lambda: view.canvas.image().size() == QSize(96, 64))
        assert done.state is JobState.SUCCEEDED

        # Selection is for looking at finished jobs; empty space goes back to following.
        _click_row(qtbot, panel, failed.id)
        assert view.job_id == failed.id
        empty = panel.list.viewport().rect().bottomLeft() + QPoint(10, -10)
        assert not panel.list.indexAt(empty).isValid()
        qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=empty)
        assert vm.selected_id is None
        assert view.job_id == job.id
        await panel.shutdown()
        await close(view)
