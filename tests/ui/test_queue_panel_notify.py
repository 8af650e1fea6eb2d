"""JobNotifier: a desktop notification when a job ends while the window is in the background."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget

from desktop.demo.config import BROKEN_CHECKPOINT
from desktop.jobs.model import JobState
from desktop.ui.notify import JobNotifier
from tests.ui.jobs_ui_support import (  # noqa: F401 -- collect_widgets is a fixture
    QT_LOG_IGNORE,
    WAIT,
    collect_widgets,
    job_prompt,
    running,
    session_vm,
    until,
)

pytestmark = [QT_LOG_IGNORE, pytest.mark.demo_only, pytest.mark.usefixtures("collect_widgets")]


async def test_finished_and_failed_jobs_notify_when_the_window_is_inactive(
    qtbot, demo_server, tmp_path
) -> None:
    window = QWidget()  # never shown, so never the active window
    qtbot.addWidget(window)
    async with session_vm(demo_server.url, tmp_path) as (session, vm):
        notifier = JobNotifier(window, vm)
        told: list[tuple[str, str]] = []
        notifier.notified.connect(lambda title, body: told.append((title, body)))
        good = await session.jobs.submit(job_prompt(1))
        await session.jobs.wait(good.id, timeout=WAIT)
        bad = await session.jobs.submit(job_prompt(2, ckpt=BROKEN_CHECKPOINT))
        failed = await session.jobs.wait(bad.id, timeout=WAIT)
        assert failed.state is JobState.FAILED
        assert told[0][0] == "Your image is ready"
        assert told[0][1].startswith("KSampler: 2 images in 0:0")
        assert told[1] == (
            "A job failed",
            "KSampler — Load Checkpoint: The model file is damaged or is not a model file (an "
            "incomplete download, or another kind of file renamed). Download it again, or "
            "choose another model.",
        )
        assert len(told) == 2


async def test_jobs_stopped_by_the_artist_or_seen_in_the_window_are_quiet(
    qtbot, demo_server, tmp_path
) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    demo_server.server.step_delay = 0.05
    async with session_vm(demo_server.url, tmp_path) as (session, vm):
        notifier = JobNotifier(window, vm)
        told: list[tuple[str, str]] = []
        notifier.notified.connect(lambda title, body: told.append((title, body)))
        job = await session.jobs.submit(job_prompt(3, steps=40))
        await running(session, job.id)
        vm.cancel(job.id)
        stopped = await session.jobs.wait(job.id, timeout=WAIT)
        assert stopped.state is JobState.INTERRUPTED
        demo_server.server.step_delay = 0.0
        window.show()
        window.activateWindow()
        await until(window.isActiveWindow)
        seen = await session.jobs.submit(job_prompt(4))
        await session.jobs.wait(seen.id, timeout=WAIT)
        assert told == []
        assert notifier.message_for(vm.get(seen.id))[0] == "Your image is ready"
        assert notifier.message_for(stopped) is None
