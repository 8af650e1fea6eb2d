"""QueuePanel against the demo server: our jobs and other clients' jobs, cancel / stop / retry,
failures with node title and traceback, and the parameter actions."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.comfy.types import QueueItem, QueueSnapshot
from desktop.demo.config import BROKEN_CHECKPOINT
from desktop.jobs.model import JobError, JobSnapshot, JobState
from desktop.ui.jobs_model import JobsViewModel
from desktop.ui.queue.delegate import row_texts
from desktop.ui.queue.model import THUMB_ROLE, QueueRow, order_rows
from desktop.ui.queue.panel import QueuePanel
from tests.ui.jobs_ui_support import (  # noqa: F401 -- collect_widgets is a fixture
    QT_LOG_IGNORE,
    WAIT,
    collect_widgets,
    job_prompt,
    make_panel,
    other_client,
    running,
    session_vm,
    until,
)

pytestmark = [QT_LOG_IGNORE, pytest.mark.usefixtures("collect_widgets")]


def mine(panel: QueuePanel) -> list[JobSnapshot]:
    return [row.job for row in panel.model.rows() if row.job is not None]


def others(panel: QueuePanel) -> list[QueueRow]:
    return [row for row in panel.model.rows() if not row.mine]


def select(panel: QueuePanel, job_id: str) -> None:
    panel.select_job(job_id)
    assert panel.details.job is not None
    assert panel.details.job.id == job_id


# ---------------------------------------------------------------------------- ordering


def snap(job_id: str, state: JobState, number: float | None, **kw) -> JobSnapshot:
    return JobSnapshot(
        id=job_id, state=state, title=job_id, created=1.0, prompt={}, number=number, **kw
    )


def item(prompt_id: str, number: float) -> QueueItem:
    return QueueItem(number, prompt_id, {}, {"client_id": "x"}, ())


def test_rows_follow_the_servers_order_then_finished_newest_first() -> None:
    jobs = [
        snap("done-old", JobState.SUCCEEDED, 1, finished_at=10.0),
        snap("done-new", JobState.FAILED, 2, finished_at=20.0),
        snap("waiting", JobState.QUEUED, 7),
        snap("sending", JobState.SUBMITTING, None),
        snap("dropped", JobState.CANCELLED, 8, finished_at=5.0),  # cancelled before it ran
    ]
    queue = QueueSnapshot(running=(item("theirs-running", 5),), pending=(item("theirs-next", 6),))
    keys = [row.key for row in order_rows(jobs, queue)]
    assert keys == [
        ("other", "theirs-running"),
        ("other", "theirs-next"),
        ("mine", "waiting"),
        ("mine", "sending"),
        ("mine", "done-new"),
        ("mine", "done-old"),
        ("mine", "dropped"),
    ]
    other = order_rows([], queue)[0]
    assert row_texts(other) == ("Another client's job", "Running on the server")


# ---------------------------------------------------------------------------- the panel


@pytest.mark.demo_only
async def test_a_batch_of_three_shows_and_finishes(qtbot, demo_server, tmp_path) -> None:
    async with session_vm(demo_server.url, tmp_path) as (session, vm):
        panel = make_panel(qtbot, vm)
        jobs = [await session.jobs.submit(job_prompt(seed)) for seed in (1, 2, 3)]
        await until(lambda: len(mine(panel)) == 3)  # new rows join within a frame
        for job in jobs:
            await session.jobs.wait(job.id, timeout=WAIT)
        await until(lambda: all(j.state is JobState.SUCCEEDED for j in mine(panel)))
        # Finished: newest first (the rows move within a frame), each with a thumbnail of
        # its first image.
        await until(lambda: [j.id for j in mine(panel)] == [j.id for j in reversed(jobs)])
        model = panel.model
        await until(lambda: all(model.index(i).data(THUMB_ROLE) for i in range(3)))
        assert model.index(0).data(THUMB_ROLE).size().width() == 96
        assert row_texts(model.row(0))[1] == "Done"
        await until(lambda: panel.summary.text() == "Mine: 0 running, 0 waiting")
        assert not panel.cancel_all.isEnabled()
        await panel.shutdown()


@pytest.mark.demo_only
async def test_a_cancelled_job_stays_listed_until_finished_jobs_are_cleared(
    qtbot, demo_server, tmp_path
) -> None:
    demo_server.server.hold()
    async with session_vm(demo_server.url, tmp_path) as (session, vm):
        panel = make_panel(qtbot, vm)
        first = await session.jobs.submit(job_prompt(1))
        second = await session.jobs.submit(job_prompt(2))
        await until(lambda: vm.get(second.id).queue_position == 1)
        assert row_texts(panel.model.row(panel.model.row_of(first.id)))[1] == "Queued — next"
        assert row_texts(panel.model.row(panel.model.row_of(second.id)))[1] == "Queued — 1 ahead"
        assert not panel.clear_finished.isEnabled()
        select(panel, second.id)
        assert panel.details.cancel.text() == "Cancel"
        panel.details.cancel.click()
        assert panel.details.state.text() == "Cancelling…"  # at once, before the server answers
        assert not panel.details.cancel.isEnabled()
        await until(lambda: vm.get(second.id).state is JobState.CANCELLED)
        assert second.id not in {i.prompt_id for i in (await session.client.queue()).pending}
        # Still listed, below the waiting job, saying what happened to it (the list catches
        # up within a frame).
        await until(lambda: [j.id for j in mine(panel)] == [first.id, second.id])
        assert row_texts(panel.model.row(panel.model.row_of(second.id)))[1] == "Cancelled"
        await until(lambda: panel.details.state.text() == "Cancelled")
        assert panel.details.retry.isEnabled()
        demo_server.server.release()
        await session.jobs.wait(first.id, timeout=WAIT)
        await until(lambda: panel.clear_finished.isEnabled())
        qtbot.mouseClick(panel.clear_finished, Qt.MouseButton.LeftButton)
        assert mine(panel) == []
        assert panel.details.job is None  # the selected row went away
        assert session.jobs.get(first.id) is None
        assert session.jobs.get(second.id) is None
        assert not panel.clear_finished.isEnabled()
        await panel.shutdown()


@pytest.mark.demo_only
async def test_stopping_ours_leaves_another_clients_job_running(
    qtbot, demo_server, tmp_path
) -> None:
    demo_server.server.step_delay = 0.05
    async with (
        session_vm(demo_server.url, tmp_path) as (session, vm),
        other_client(demo_server.url) as theirs,
    ):
        panel = make_panel(qtbot, vm)
        ours = await session.jobs.submit(job_prompt(7, steps=40))
        their_job = await theirs.submit(job_prompt(8, steps=3))
        await running(session, ours.id)
        await until(lambda: [r.key for r in others(panel)] == [("other", their_job.prompt_id)])
        assert row_texts(others(panel)[0]) == ("Another client's job", "Waiting on the server")
        select(panel, ours.id)
        assert panel.details.cancel.text() == "Stop"
        panel.details.cancel.click()
        assert panel.details.state.text() == "Cancelling…"
        final = await session.jobs.wait(ours.id, timeout=WAIT)
        assert final.state is JobState.INTERRUPTED
        await until(lambda: panel.details.state.text() == "Stopped")
        assert panel.details.retry.isEnabled()
        demo_server.server.step_delay = 0.0
        item = await until_history(theirs, their_job.prompt_id)
        assert item.status_str == "success"
        await until(lambda: others(panel) == [])
        await panel.shutdown()


async def until_history(client, prompt_id: str):
    async def fetch():
        return await client.history_item(prompt_id)

    from tests.protocol.jobs_support import eventually

    return await eventually(fetch)


@pytest.mark.demo_only
async def test_an_execution_error_shows_node_message_and_traceback(
    qtbot, demo_server, tmp_path
) -> None:
    async with session_vm(demo_server.url, tmp_path) as (session, vm):
        panel = make_panel(qtbot, vm)
        job = await session.jobs.submit(job_prompt(1, ckpt=BROKEN_CHECKPOINT))
        failed = await session.jobs.wait(job.id, timeout=WAIT)
        assert failed.state is JobState.FAILED
        await until(lambda: mine(panel)[0].state is JobState.FAILED)
        # The library's words ("header too large") become what it means and what to do.
        advice = (
            "Load Checkpoint: The model file is damaged or is not a model file (an incomplete "
            "download, or another kind of file renamed). Download it again, or choose another "
            "model."
        )
        _title, status = row_texts(panel.model.row(0))
        assert status == f"Failed — {advice}"
        width = panel.minimumSizeHint().width()
        select(panel, job.id)
        assert panel.details.isVisible()
        assert panel.minimumSizeHint().width() == width  # the panel does not jump wider
        details = panel.details
        assert details.error.text() == advice
        assert details.error.wordWrap()
        assert details.error.textFormat() == Qt.TextFormat.PlainText
        assert details.traceback_toggle.isVisible()
        assert not details.traceback.isVisible()
        details.traceback_toggle.click()
        assert details.traceback.isVisible()
        technical = details.traceback.toPlainText()
        assert "Error while deserializing header: header too large" in technical
        assert "".join(failed.error.traceback) in technical
        # Never clipped: the details wrap in a narrow panel instead of growing past it.
        panel.resize(300, 700)
        await until(lambda: details.width() <= 300)
        assert details.error.heightForWidth(details.error.width()) <= details.error.height()
        assert details.traceback.horizontalScrollBar().maximum() == 0
        # Retry queues the same prompt as a new job.
        details.retry.click()
        await until(lambda: len(mine(panel)) == 2)
        again = next(j for j in mine(panel) if j.id != job.id)
        assert again.prompt == failed.prompt
        await session.jobs.wait(again.id, timeout=WAIT)
        await panel.shutdown()


@pytest.mark.demo_only
async def test_cancel_all_mine_keeps_other_clients_jobs(qtbot, demo_server, tmp_path) -> None:
    demo_server.server.hold()
    async with (
        session_vm(demo_server.url, tmp_path) as (session, vm),
        other_client(demo_server.url) as theirs,
    ):
        panel = make_panel(qtbot, vm)
        their_job = await theirs.submit(job_prompt(5))
        a = await session.jobs.submit(job_prompt(6))
        b = await session.jobs.submit(job_prompt(7))
        await until(lambda: [r.key[0] for r in panel.model.rows()] == ["other", "mine", "mine"])
        await until(lambda: panel.summary.text() == "Mine: 0 running, 2 waiting · others: 1")
        panel.cancel_all.click()
        await until(lambda: {j.state for j in mine(panel)} == {JobState.CANCELLED})
        assert {vm.get(a.id).state, vm.get(b.id).state} == {JobState.CANCELLED}
        assert [row_texts(panel.model.row(i))[1] for i in (1, 2)] == ["Cancelled"] * 2
        pending = [i.prompt_id for i in (await session.client.queue()).pending]
        assert pending == [their_job.prompt_id]
        demo_server.server.release()
        await panel.shutdown()


@pytest.mark.demo_only
async def test_parameters_can_be_shown_and_loaded_into_the_form(
    qtbot, demo_server, tmp_path
) -> None:
    async with session_vm(demo_server.url, tmp_path) as (session, vm):
        panel = make_panel(qtbot, vm)
        job = await session.jobs.submit(job_prompt(11))
        await session.jobs.wait(job.id, timeout=WAIT)
        select(panel, job.id)
        loaded: list[dict] = []
        panel.load_parameters_requested.connect(loaded.append)
        panel.details.load.click()
        assert loaded == [dict(job.prompt)]
        panel.details.parameters.click()
        dialog = panel._dialogs[-1]
        lines = dialog.text.toPlainText().splitlines()
        assert "KSampler › seed: 11" in lines
        assert "Empty Latent Image › width: 96" in lines
        assert not any("model:" in line for line in lines)  # links are not parameters
        await panel.shutdown()
        assert panel._dialogs == []


@pytest.mark.demo_only
async def test_a_dropped_connection_says_waiting_for_the_server_until_it_is_back(
    qtbot, demo_server, tmp_path
) -> None:
    demo_server.server.step_delay = 0.05
    async with session_vm(demo_server.url, tmp_path) as (session, vm):
        panel = make_panel(qtbot, vm)
        job = await session.jobs.submit(job_prompt(3, steps=30))
        await running(session, job.id, step=2)
        select(panel, job.id)
        shown: list[str] = []  # the row's status line after every change, as painted

        def note(_job: object) -> None:
            at = panel.model.row_of(job.id)
            if at is not None:
                shown.append(row_texts(panel.model.row(at))[1])

        vm.job_changed.connect(note)
        await demo_server.server.drop_websockets()
        await until(lambda: "Waiting for the server…" in shown)
        assert panel.details.state.text() == "Waiting for the server…"
        assert session.jobs.get(job.id).state is JobState.RUNNING  # not given up on
        await until(lambda: shown[-1].startswith("Step "))  # reconnected: news again
        assert not session.jobs.get(job.id).server_unreachable
        done = await session.jobs.wait(job.id, timeout=WAIT)
        assert done.state is JobState.SUCCEEDED
        assert not done.server_unreachable
        await until(lambda: panel.details.state.text() == "Done")
        vm.job_changed.disconnect(note)
        await panel.shutdown()


@pytest.mark.demo_only
async def test_the_bar_keeps_the_sampler_s_share_after_queue_refreshes(
    qtbot, demo_server, tmp_path
) -> None:
    """A second run of the same graph has its loader and encoders cached; a /queue refresh
    mid-run (another client queues a job) must not count them as still to run."""
    async with (
        session_vm(demo_server.url, tmp_path) as (session, vm),
        other_client(demo_server.url) as theirs,
    ):
        panel = make_panel(qtbot, vm)
        warm = await session.jobs.submit(job_prompt(4, steps=2))
        await session.jobs.wait(warm.id, timeout=WAIT)
        demo_server.server.step_delay = 0.05
        job = await session.jobs.submit(job_prompt(5, steps=40))
        await running(session, job.id, step=2)
        their_job = await theirs.submit(job_prompt(6, steps=1))  # status → /queue refresh
        await until(lambda: [r.key for r in others(panel)] == [("other", their_job.prompt_id)])
        seen = await running(session, job.id, step=30)
        row = panel.model.row(panel.model.row_of(job.id))
        assert row_texts(row)[1].startswith("Step ")
        # Loader, encoders and latent were cached: sampler, decoder and saver are left, so
        # step 30/40 of the sampler is at least a quarter of the whole run.
        assert row.job.progress >= (30 / 40) / 3 - 0.01
        assert seen.progress >= (30 / 40) / 3 - 0.01
        demo_server.server.step_delay = 0.0
        await session.jobs.wait(job.id, timeout=WAIT)
        await panel.shutdown()


def test_showing_a_job_never_makes_the_panel_wider(qtbot) -> None:
    """Real errors carry long paths and node dumps; the details below the list wrap them or
    let them give way instead of pushing the dock wider when a row is selected."""
    panel = make_panel(qtbot, JobsViewModel())
    width = panel.minimumSizeHint().width()
    path = "/home/artist/ComfyUI/models/checkpoints/" + "very_long_model_name_" * 8
    job = snap(
        "failed",
        JobState.FAILED,
        3,
        finished_at=2.0,
        error=JobError(f"Something odd happened reading {path}", node_title="Load Checkpoint"),
    )
    panel.details.show_job(job)
    assert panel.details.isVisible()
    assert panel.details.error.toolTip() == f"Load Checkpoint: {job.error.message}"
    assert panel.minimumSizeHint().width() == width


@pytest.mark.demo_only
async def test_thumbnails_of_many_finished_jobs_are_let_go_and_come_back(
    qtbot, demo_server, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr("desktop.ui.queue.model.THUMBS_KEPT", 2)
    async with session_vm(demo_server.url, tmp_path) as (session, vm):
        panel = make_panel(qtbot, vm)
        jobs = [await session.jobs.submit(job_prompt(seed)) for seed in (1, 2, 3, 4)]
        for job in jobs:
            await session.jobs.wait(job.id, timeout=WAIT)
        model = panel.model
        await until(lambda: len(mine(panel)) == 4 and all(j.finished for j in mine(panel)))
        panel.hide()  # rows ask for their image when painted: here the test asks, one by one
        for row in range(4):  # each row shown in turn, as scrolling does
            await until(lambda r=row: model.index(r).data(THUMB_ROLE) is not None)
        assert len(model._thumbs) <= 2  # only the newest decoded images are held
        await until(lambda: model.index(0).data(THUMB_ROLE) is not None)  # decoded again
        await panel.shutdown()
