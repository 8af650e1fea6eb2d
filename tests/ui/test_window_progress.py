"""The window title shows the running job's progress and drops it when nothing runs."""

from __future__ import annotations

import re

import pytest

from desktop.jobs.model import JobState
from tests.ui.app_support import QT_NOISE, AppFactory, make_app, wait_until
from tests.ui.workspace_support import API, start_app

__all__ = ["make_app"]
pytestmark = [QT_NOISE, pytest.mark.demo_only]

PERCENT_TITLE = re.compile(r"^(\d{1,3})% — txt2img_batch2_subfolder.json — ComfyDesk$")


async def test_the_window_title_shows_the_running_jobs_progress(
    make_app: AppFactory, qtbot, demo_server
) -> None:
    demo_server.server.step_delay = 0.05
    app = await start_app(make_app, qtbot, demo_server)
    window = app.app.window
    await app.open(API / "txt2img_batch2_subfolder.json")
    assert window.windowTitle() == "txt2img_batch2_subfolder.json — ComfyDesk"
    app.type_number(("3", "steps"), 30)
    seen: list[int] = []

    def percent_shown() -> bool:
        match = PERCENT_TITLE.match(window.windowTitle())
        if match and (not seen or seen[-1] != int(match[1])):
            seen.append(int(match[1]))
        return bool(seen) and 0 < seen[-1] < 100

    [job] = await app.generate(1)
    await wait_until(percent_shown)
    assert all(0 <= p <= 100 for p in seen)
    finished = await app.finished(job)
    assert finished.state is JobState.SUCCEEDED
    await wait_until(lambda: window.windowTitle() == "txt2img_batch2_subfolder.json — ComfyDesk")
