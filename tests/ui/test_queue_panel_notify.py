"""JobNotifier: a desktop notification when a job (or a batch of them) ends while the window is
in the background."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from desktop.demo.config import BROKEN_CHECKPOINT
from desktop.jobs.model import JobState
from desktop.jobs.session import ServerSession
from desktop.ui.jobs_model import JobsViewModel
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


def listen(window: QWidget, vm: JobsViewModel) -> tuple[JobNotifier, list[tuple[str, str]]]:
    """A notifier for ``window`` and the (title, body) of every notification it gives."""
    notifier = JobNotifier(window, vm)
    told: list[tuple[str, str]] = []
    notifier.notified.connect(lambda title, body: told.append((title, body)))
    return notifier, told


@contextlib.asynccontextmanager
async def in_background(
    qtbot, url: str, tmp_path: Path
) -> AsyncIterator[tuple[ServerSession, list[tuple[str, str]]]]:
    """A session and what a notifier for a never-shown window tells of its jobs."""
    window = QWidget()  # never shown, so never the active window
    qtbot.addWidget(window)
    async with session_vm(url, tmp_path) as (session, vm):
        _notifier, told = listen(window, vm)
        yield session, told


async def test_finished_and_failed_jobs_notify_when_the_window_is_inactive(
    qtbot, demo_server, tmp_path
) -> None:
    async with in_background(qtbot, demo_server.url, tmp_path) as (session, told):
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
        notifier, told = listen(window, vm)
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


async def test_a_batch_finishing_in_the_background_is_told_once(
    qtbot, demo_server, tmp_path
) -> None:
    async with in_background(qtbot, demo_server.url, tmp_path) as (session, told):
        jobs = [await session.jobs.submit(job_prompt(seed)) for seed in (11, 12, 13)]
        done = [await session.jobs.wait(job.id, timeout=WAIT) for job in jobs]
        assert [j.state for j in done] == [JobState.SUCCEEDED] * 3
        await until(lambda: len(told) == 1)
        assert told == [("Your images are ready", "3 jobs done · 6 images")]

        good = await session.jobs.submit(job_prompt(14))
        bad = await session.jobs.submit(job_prompt(15, ckpt=BROKEN_CHECKPOINT))
        await session.jobs.wait(good.id, timeout=WAIT)
        failed = await session.jobs.wait(bad.id, timeout=WAIT)
        assert failed.state is JobState.FAILED
        await until(lambda: len(told) == 2)
        assert told[1][0] == "1 job did not finish"
        # The failure in plain words (not the library's text), then what did arrive.
        assert told[1][1].startswith("KSampler — Load Checkpoint: The model file is damaged")
        assert told[1][1].endswith(" · 2 images")
        assert len(told) == 2  # the batch is one notification, not two
