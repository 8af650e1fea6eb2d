"""JobManager + ServerSession against the in-process demo server (real HTTP + WebSocket)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from desktop.comfy.client import ComfyClient
from desktop.jobs.model import JobState, Reason
from desktop.jobs.session import ConnState
from tests.protocol.jobs_support import (
    WAIT,
    connected,
    eventually,
    files_in,
    make_session,
    running,
    txt2img,
    until,
)

pytestmark = pytest.mark.demo_only


@pytest.fixture
async def session(demo_server, tmp_path: Path):
    s = make_session(demo_server.url, tmp_path)
    try:
        await s.start()
        await connected(s)
        yield s
    finally:
        await s.close()


@pytest.fixture
async def other_client(demo_server):
    async with ComfyClient(demo_server.url, client_id=uuid.uuid4().hex) as client:
        yield client


async def test_batch_of_three_collects_every_image_with_distinct_seeds(session, tmp_path):
    jobs = [await session.jobs.submit(txt2img(seed), title=f"s{seed}") for seed in (1, 2, 3)]
    done = [await session.jobs.wait(j.id, timeout=WAIT) for j in jobs]
    assert [j.state for j in done] == [JobState.SUCCEEDED] * 3
    assert all(j.progress == 1.0 for j in done)
    # two images per job (batch_size 2), each saved once under its own name
    assert [len(j.saved_paths) for j in done] == [2, 2, 2]
    saved = [p for j in done for p in j.saved_paths]
    assert len(set(saved)) == 6
    assert files_in(tmp_path / "out") == sorted(saved)
    assert {o.ref.subfolder for j in done for o in j.outputs} == {"fox"}
    assert {o.batch_index for j in done for o in j.outputs} == {0, 1}
    with pytest.raises(KeyError):
        await session.jobs.wait("not-a-job")


async def test_interrupting_ours_leaves_another_clients_job_running(
    demo_server, session, other_client
):
    demo_server.server.step_delay = 0.05
    ours = await session.jobs.submit(txt2img(7, steps=40))
    theirs = await other_client.submit(txt2img(8, steps=3))
    await running(session, ours.id)
    await session.jobs.cancel(ours.id)
    assert session.jobs.get(ours.id).cancel_requested
    final = await session.jobs.wait(ours.id, timeout=WAIT)
    assert final.state is JobState.INTERRUPTED
    demo_server.server.step_delay = 0.0
    item = await eventually(lambda: other_client.history_item(theirs.prompt_id))
    assert item.status_str == "success"
    assert not item.interrupted


async def test_cancel_all_mine_only_removes_our_queued_jobs(demo_server, session, other_client):
    demo_server.server.hold()
    try:
        theirs = await other_client.submit(txt2img(5))
        mine = [await session.jobs.submit(txt2img(s)) for s in (1, 2)]
        await until(lambda: all(session.jobs.get(j.id).queue_position for j in mine))
        await session.jobs.cancel_all_mine()
        states = [(await session.jobs.wait(j.id, timeout=WAIT)).state for j in mine]
        assert states == [JobState.CANCELLED, JobState.CANCELLED]
        queue = await other_client.queue()
        assert [i.prompt_id for i in queue.running + queue.pending] == [theirs.prompt_id]
        others = session.jobs.other_clients_queue()
        assert others is not None
        assert [i.prompt_id for i in others.running + others.pending] == [theirs.prompt_id]
    finally:
        demo_server.server.release()


async def test_cancelling_a_queued_job_removes_it(demo_server, session):
    demo_server.server.hold()
    first = await session.jobs.submit(txt2img(1))
    second = await session.jobs.submit(txt2img(2))
    await until(lambda: session.jobs.get(second.id).queue_position is not None)
    await session.jobs.cancel(second.id)
    assert (await session.jobs.wait(second.id, timeout=WAIT)).state is JobState.CANCELLED
    demo_server.server.release()
    assert (await session.jobs.wait(first.id, timeout=WAIT)).state is JobState.SUCCEEDED
    assert await session.client.history_item(second.id) is None


async def test_execution_error_names_the_node(session):
    job = await session.jobs.submit(txt2img(ckpt="broken.safetensors"))
    done = await session.jobs.wait(job.id, timeout=WAIT)
    assert done.state is JobState.FAILED
    assert done.error is not None
    assert done.error.node_title == "Load Checkpoint"
    assert done.error.node_type == "CheckpointLoaderSimple"
    assert done.error.message
    assert done.saved_paths == ()


async def test_socket_cut_mid_run_still_collects_results_exactly_once(
    demo_server, session, tmp_path
):
    demo_server.server.step_delay = 0.05
    job = await session.jobs.submit(txt2img(3, steps=10))
    await running(session, job.id)
    await demo_server.server.drop_websockets()
    await connected(session)  # the stream comes back by itself
    done = await session.jobs.wait(job.id, timeout=WAIT)
    assert done.state is JobState.SUCCEEDED
    assert len(done.saved_paths) == 2
    await session.jobs.reconcile()  # another reconnect later collects nothing new
    assert files_in(tmp_path / "out") == sorted(done.saved_paths)


async def test_socket_cut_while_the_job_finishes_is_recovered_from_history(
    demo_server, session, tmp_path
):
    demo_server.server.step_delay = 0.05
    job = await session.jobs.submit(txt2img(4, steps=6))
    await running(session, job.id)
    demo_server.server.step_delay = 0.0
    await demo_server.server.drop_websockets()  # the end is sent while nobody listens
    done = await session.jobs.wait(job.id, timeout=WAIT)
    assert done.state is JobState.SUCCEEDED
    assert len(done.saved_paths) == 2
    assert files_in(tmp_path / "out") == sorted(done.saved_paths)


async def test_server_restart_marks_the_job_lost_and_the_session_recovers(demo_server, session):
    demo_server.server.hold()
    job = await session.jobs.submit(txt2img(9))
    await demo_server.server.restart()
    lost = await session.jobs.wait(job.id, timeout=WAIT)
    assert lost.state is JobState.LOST
    assert lost.error is not None
    assert lost.error.reason is Reason.SERVER_RESTARTED
    assert lost.error.message == Reason.SERVER_RESTARTED.text
    await until(lambda: session.status.state is ConnState.CONNECTED)
    demo_server.server.release()
    again = await session.jobs.submit(txt2img(10))
    assert (await session.jobs.wait(again.id, timeout=WAIT)).state is JobState.SUCCEEDED


async def test_a_job_deleted_by_someone_else_is_told_apart_from_a_restart(
    demo_server, session, other_client
):
    demo_server.server.hold()
    job = await session.jobs.submit(txt2img(12))
    await until(lambda: session.jobs.get(job.id).state is JobState.QUEUED)
    await other_client.delete_queued([job.id])
    lost = await session.jobs.wait(job.id, timeout=WAIT)
    assert lost.state is JobState.LOST
    assert lost.error is not None
    assert lost.error.reason is Reason.LEFT_QUEUE
    demo_server.server.release()


async def test_journal_survives_a_restart_of_the_app(demo_server, tmp_path):
    demo_server.server.hold()
    first = make_session(demo_server.url, tmp_path)
    try:
        await first.start()
        await connected(first)
        job = await first.jobs.submit(txt2img(11))
    finally:
        await first.close()  # the app quits while the job waits in the server's queue
    demo_server.server.release()

    second = make_session(demo_server.url, tmp_path)
    await second.start()
    try:
        assert second.jobs.get(job.id) is not None
        done = await second.jobs.wait(job.id, timeout=WAIT)
        assert done.state is JobState.SUCCEEDED
        assert len(done.saved_paths) == 2
    finally:
        await second.close()


async def test_session_reports_status_and_stats(session):
    assert session.status.state is ConnState.CONNECTED
    await until(lambda: session.status.system_stats is not None)
    assert session.status.system_stats.comfyui_version


async def test_session_loads_node_definitions_and_caches_them(demo_server, tmp_path):
    for attempt in range(2):  # the second session finds them in the disk cache
        s = make_session(demo_server.url, tmp_path / str(attempt), load_object_info=True)
        seen = []
        s.on_object_info(seen.append)
        try:
            await s.start()
            await until(lambda s=s: s.object_info is not None)
            assert "KSampler" in s.object_info
            assert seen == [s.object_info]
        finally:
            await s.close()
        assert s.status.state is ConnState.STOPPED
