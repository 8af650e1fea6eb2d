"""JobManager against an in-memory server that replays the recorded messages and history."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.comfy.messages import Connected, Disconnected, PreviewImage, Status
from desktop.jobs.manager import FolderSink, JobManager
from desktop.jobs.model import JobState, Reason
from tests.protocol.jobs_support import until
from tests.unit.jobs_fakes import (
    ERROR_ID,
    SUCCESS_ID,
    FakeClient,
    output_png,
    recorded_history,
    recorded_messages,
    recorded_prompt,
)

SCENARIO = "01-success-with-previews"


@pytest.fixture
async def setup(tmp_path: Path):
    client = FakeClient()
    client.files["ComfyUI_00003_.png"] = output_png()
    manager = JobManager(
        client,
        journal_path=tmp_path / "journal.json",
        result_sink=FolderSink(tmp_path / "out"),
        queue_interval=0.0,
    )
    await manager.start()
    manager.handle(Connected("me"))
    yield client, manager, tmp_path
    await manager.close()


async def submit_recorded(client: FakeClient, manager: JobManager, scenario: str = SCENARIO):
    job = await manager.submit(recorded_prompt(scenario), title="Recorded")
    assert job.state is JobState.QUEUED
    return job


async def test_success_collects_every_output_exactly_once(setup):
    client, manager, tmp = setup
    job = await submit_recorded(client, manager)
    changes = []
    manager.on_change(changes.append)
    client.finish(job.id, recorded_history(SCENARIO, "get_history_item.json", job.id))
    for msg in recorded_messages(SCENARIO, {SUCCESS_ID: job.id}):
        manager.handle(msg)
    manager.handle(recorded_messages(SCENARIO, {SUCCESS_ID: job.id})[-1])  # duplicate end
    done = await manager.wait(job.id, timeout=5)
    assert done.state is JobState.SUCCEEDED
    assert done.progress == 1.0
    assert done.saved_paths == (tmp / "out" / "ComfyUI_00003_.png",)
    assert done.saved_paths[0].read_bytes() == output_png()
    assert client.count("view") == 1
    assert [c.state for c in changes if c.state is not JobState.RUNNING][-1] is JobState.SUCCEEDED
    await manager.reconcile()  # a reconnect afterwards does not collect again
    assert client.count("view") == 1
    assert list((tmp / "out").iterdir()) == [tmp / "out" / "ComfyUI_00003_.png"]


async def test_execution_error_becomes_failed_with_the_node_title(setup):
    client, manager, _ = setup
    job = await submit_recorded(client, manager, "03-execution-error")
    history = recorded_history("03-execution-error", "get_history_item.json", job.id)
    client.finish(job.id, history)
    for msg in recorded_messages("03-execution-error", {ERROR_ID: job.id}):
        manager.handle(msg)
    done = await manager.wait(job.id, timeout=5)
    assert done.state is JobState.FAILED
    assert done.error is not None
    assert done.error.node_title == "Load Checkpoint"
    assert done.error.message == "Error while deserializing header: header too large"
    assert client.count("view") == 0


async def test_other_clients_messages_never_move_our_job(setup):
    client, manager, _ = setup
    job = await submit_recorded(client, manager)
    previews = []
    manager.on_preview(lambda job_id, frame: previews.append(job_id))
    for msg in recorded_messages(SCENARIO):  # the recorded prompt id is not ours
        manager.handle(msg)
    manager.handle(PreviewImage(b"x", "image/jpeg"))  # type 1, nobody of ours executing
    manager.handle(PreviewImage(b"x", "image/jpeg", prompt_id=SUCCESS_ID, event=4))
    assert manager.get(job.id).state is JobState.QUEUED
    assert previews == []


async def test_type1_previews_belong_to_our_executing_job(setup):
    client, manager, _ = setup
    job = await submit_recorded(client, manager)
    previews = []
    manager.on_preview(lambda job_id, frame: previews.append(job_id))
    messages = recorded_messages(SCENARIO, {SUCCESS_ID: job.id})
    for msg in messages[:-1]:
        manager.handle(msg)
        if type(msg).__name__ == "Progress":
            manager.handle(PreviewImage(b"x", "image/jpeg"))
    manager.handle(messages[-1])
    manager.handle(PreviewImage(b"x", "image/jpeg"))  # after the end: not ours any more
    assert previews == [job.id] * 3


async def test_reconnect_collects_a_job_that_finished_while_disconnected(setup):
    client, manager, _ = setup
    job = await submit_recorded(client, manager)
    messages = recorded_messages(SCENARIO, {SUCCESS_ID: job.id})
    for msg in messages[:12]:  # running, mid-sampling
        manager.handle(msg)
    assert manager.get(job.id).state is JobState.RUNNING
    manager.handle(Disconnected("socket closed", retry_in=0.5))
    client.finish(job.id, recorded_history(SCENARIO, "get_history_item.json", job.id))
    manager.handle(Connected("me"))
    await manager.reconcile()
    done = await manager.wait(job.id, timeout=5)
    assert done.state is JobState.SUCCEEDED
    assert len(done.saved_paths) == 1
    await manager.reconcile()
    assert client.count("view") == 1


async def test_job_unknown_after_reconnect_is_lost_with_a_reason(setup):
    client, manager, _ = setup
    job = await submit_recorded(client, manager)
    client.queue_snapshot = type(client.queue_snapshot)((), ())  # the server restarted
    await manager.reconcile()
    lost = manager.get(job.id)
    assert lost.state is JobState.LOST
    assert lost.error is not None
    assert lost.error.reason is Reason.SERVER_RESTARTED
    assert lost.error.message == Reason.SERVER_RESTARTED.text


async def test_status_refreshes_queue_positions(setup):
    client, manager, _ = setup
    first = await submit_recorded(client, manager)
    second = await submit_recorded(client, manager)
    client.start_running(first.id)
    manager.handle(Status(2))
    await until(lambda: manager.get(first.id).state is JobState.RUNNING)
    assert manager.get(first.id).queue_position == 0
    assert manager.get(first.id).state is JobState.RUNNING
    assert manager.get(second.id).queue_position == 1
    assert manager.get(second.id).state is JobState.QUEUED


async def test_cancel_queued_deletes_and_cancel_running_interrupts_by_id(setup):
    client, manager, _ = setup
    running = await submit_recorded(client, manager)
    queued = await submit_recorded(client, manager)
    client.start_running(running.id)
    for msg in recorded_messages(SCENARIO, {SUCCESS_ID: running.id})[:8]:
        manager.handle(msg)
    await manager.cancel(queued.id)
    assert manager.get(queued.id).state is JobState.CANCELLED
    assert ("delete", (queued.id,)) in client.calls
    await manager.cancel(running.id)
    assert manager.get(running.id).cancel_requested
    assert manager.get(running.id).state is JobState.RUNNING  # until the server confirms
    assert [c for c in client.calls if c[0] == "interrupt"] == [("interrupt", running.id)]


async def test_journal_survives_a_manager_restart(tmp_path: Path):
    client = FakeClient()
    client.files["ComfyUI_00003_.png"] = output_png()
    journal = tmp_path / "journal.json"
    first = JobManager(client, journal_path=journal, result_sink=FolderSink(tmp_path / "out"))
    await first.start()
    job = await first.submit(
        recorded_prompt(SCENARIO), title="Kept", seed_values={("3", "seed"): 11}
    )
    await first.close()

    client.finish(job.id, recorded_history(SCENARIO, "get_history_item.json", job.id))
    second = JobManager(client, journal_path=journal, result_sink=FolderSink(tmp_path / "out"))
    await second.start()
    try:
        restored = second.get(job.id)
        assert restored is not None
        assert restored.title == "Kept"
        assert restored.seed_values == {("3", "seed"): 11}
        assert restored.state is JobState.QUEUED
        await second.reconcile()
        done = await second.wait(job.id, timeout=5)
        assert done.state is JobState.SUCCEEDED
        assert len(done.saved_paths) == 1
    finally:
        await second.close()
    third = JobManager(client, journal_path=journal)
    await third.start()
    assert third.jobs() == []  # finished jobs leave the journal
    await third.close()


async def test_silence_watchdog_recovers_a_job_whose_end_was_never_heard(tmp_path: Path):
    client = FakeClient()
    client.files["ComfyUI_00003_.png"] = output_png()
    manager = JobManager(client, result_sink=FolderSink(tmp_path), silence_timeout=0.1)
    await manager.start()
    manager.handle(Connected("me"))
    try:
        job = await manager.submit(recorded_prompt(SCENARIO))
        for msg in recorded_messages(SCENARIO, {SUCCESS_ID: job.id})[:12]:
            manager.handle(msg)
        client.finish(job.id, recorded_history(SCENARIO, "get_history_item.json", job.id))
        done = await manager.wait(job.id, timeout=5)  # no further message arrives
        assert done.state is JobState.SUCCEEDED
        assert len(done.saved_paths) == 1
    finally:
        await manager.close()


async def test_unreachable_during_download_retries_later_without_duplicates(setup):
    client, manager, tmp = setup
    job = await submit_recorded(client, manager)
    client.finish(job.id, recorded_history(SCENARIO, "get_history_item.json", job.id))
    client.unreachable = True
    for msg in recorded_messages(SCENARIO, {SUCCESS_ID: job.id}):
        manager.handle(msg)
    collecting = manager.collector._running[job.id]
    await collecting  # it gives up quietly: the server is away
    assert not manager.collector.busy(job.id)
    assert manager.get(job.id).state is JobState.RUNNING
    client.unreachable = False
    await manager.reconcile()
    done = await manager.wait(job.id, timeout=5)
    assert done.state is JobState.SUCCEEDED
    assert client.count("view") == 1
    assert len(list((tmp / "out").iterdir())) == 1
